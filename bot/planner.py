"""Question → QueryPlan, by rules (no model): language, offices, years, metrics, intent and route."""

import re
from collections.abc import Callable
from functools import lru_cache

import opencc

from bot.metrics import PROACTIVE_DISCLOSURE, MetricMatch, MetricMatcher
from bot.models import Intent, QueryPlan
from bot.offices import OfficeMention, OfficeResolver
from bot.operations import COUNT_QUESTION, RANK_ASC, OperationBuilder, ranks_categories, unheld_words
from index.models import OfficeRecord
from parsers.gazetteer import region_chain

_CN_DIGIT = {
    "〇": "0",
    "○": "0",
    "零": "0",
    "Ｏ": "0",
    "一": "1",
    "二": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
_CN_YEAR = re.compile(r"[〇○零Ｏ一二三四五六七八九]{4}(?=\s*年)")
_YEAR = r"(?:19[9]\d|20[0-4]\d)"
_RANGE = re.compile(
    rf"(?<!\d)({_YEAR})\s*年?度?\s*(?:到|至|-|–|—|~|～|\bto\b|\bthrough\b|\buntil\b|\bthru\b)\s*"
    rf"({_YEAR})(?!\d)",
    re.I,
)
# the year a count is carried into is part of the metric (结转到2026年的申请), not a report year
_INTO = re.compile(
    r"\b(?:into|until|till)\s*$|\bcarried\s+(?:forward\s+|over\s+)?(?:in)?to\s*(?:the\s+year\s+)?$|"
    r"(?:结转|转)(?:到|至|入)\s*$|转入\s*$",
    re.I,
)
_BETWEEN = re.compile(rf"between\s+({_YEAR})\s+and\s+({_YEAR})", re.I)
# A 4-digit number followed by a unit is a count, not a year (2000余条, 2021件).
_SINGLE = re.compile(
    rf"(?<![\d.])(?:fy\s*)?({_YEAR})(?!\d)(?!\.\d)(?!\s*(?:余|多|条|件|个|次|场|人|万|元|项|家|名|%|％))", re.I
)

_CHECK = re.compile(
    r"勾稽|一致|自洽|校验|核对|核验|对得上|对不上|相符|矛盾|准确吗|是否正确|有无错误|加起来对|\bconsisten|\badd(?:s)? up\b|"
    r"\bcheck|\bvalidat|\bdiscrepan|\bcontradict|\berrors?\b|\bagree\b|\bmatch\b",
    re.I,
)
_LIST = re.compile(
    r"(?:哪些|哪几|什么|几份|几个|多少份|列出|列举)(?:个|一下)?(?:所有|全部)?的?(?:年份|年度|年的|年有|报告|单位|机关|部门|机构|地区)|"
    r"有哪几年|\blist\b|\b(?:which|what)\s+(?:the\s+)?(?:years|reports|offices|agencies|departments)\b|"
    r"\breports?\s+(?:are\s+)?available\b|\bdo you have\b",
    re.I,
)
# "哪些报告提到了…" / "which reports mention …" asks where a topic is discussed: retrieval, not a report list.
_MENTIONS = re.compile(
    r"提到|提及|谈到|讲到|说到|涉及|论及|\bmention|\bdiscuss|\btalk(?:s|ed)? about\b|\brefer(?:s|red)? to\b", re.I
)
_RANK = re.compile(
    r"最多|最少|最高|最低|最大|最小|排名|排行|前[一二三四五六七八九十\d]+名?|\bmost\b|\bleast\b|\bhighest\b|"
    r"\blowest\b|\blargest\b|\bsmallest\b|\brank|\btop\b|\bfewest\b|\bbiggest\b|\bmaximum\b|\bminimum\b",
    re.I,
)
_TREND = re.compile(
    r"趋势|历年|逐年|每年|各年|每一年|走势|变化情况|如何变化|怎么变化|变化趋势|增长|下降|\bover the years\b|"
    r"\btrend|\beach year\b|\bevery year\b|\bper year\b|\bby year\b|\byear by year\b|\bover time\b|"
    r"\bchanged?\b|\bgr[eo]w|\bdeclin",
    re.I,
)
_COMPARE = re.compile(
    r"比较|对比|相比|比一比|分别|各收到|各有|差距|差多少|多多少|少多少|谁多|谁少|哪个多|哪个少|相差|\bcompar|\bversus\b|\bvs\b\.?|"
    r"\brespectively\b|\bdifference\b|\bdiffer\b",
    re.I,
)
_DIFF = re.compile(
    r"多多少|少多少|差多少|相差|差距|差额|[多少]了多少|(?:增加|减少|增长|下降|上升|提高|降低)了?多少|"
    r"\bhow many more\b|\bhow many fewer\b|\bhow much more\b|"
    r"\bhow much less\b|\bdifference\b|\bincrease[ds]?\b|\bdecrease[ds]?\b|\bgrowth\b|\bgr[eo]w\b.{0,40}\bby how\b",
    re.I,
)
# A比B多 / more in A than B: the first named is the minuend; otherwise a change runs from the earlier year
_THAN = re.compile(r"比|\bthan\b", re.I)
# a change asked for one year (2024年申请增加了多少) is measured against the year before
_CHANGE = re.compile(r"增加|减少|增长|下降|上升|提高|降低|\bincrease|\bdecrease|\bgrowth\b|\bgr[eo]w", re.I)
# 多少条 / 多少人次: units of narrative counts (information items, visits), never of a T2 cell
_NARRATIVE_UNIT = re.compile(r"(?:多少|几)\s*(?:条|人次|场)")
_SUM = re.compile(
    r"合计|总共|一共|共计|加起来|总和|累计|合起来|\bin total\b|\baltogether\b|\bcombined\b|\bsum\b|\bsummed\b|"
    r"\bcumulative",
    re.I,
)
_AVG = re.compile(r"平均|\baverage\b|\bmean\b", re.I)
_ACROSS = re.compile(
    r"哪个单位|哪个部门|哪个机关|哪家|哪一个单位|各单位|各部门|各机关|所有单位|所有部门|所有机关|全部单位|各区县|"
    r"各地|\bwhich (?:office|department|agency|body)\b|\b(?:all|each|every) (?:office|department|agenc|bod)",
    re.I,
)
_NARRATIVE = re.compile(
    r"为什么|原因|如何|怎样|怎么|措施|问题|不足|改进|做法|经验|举措|亮点|成效|介绍|概况|总结|描述|"
    r"\bwhy\b|\bhow (?:did|does|do|was|were|is|are)\b|\bwhat (?:measures|steps|problems|issues)\b|"
    r"\bproblems?\b|\bissues?\b|\bimprove|\bdescribe|\bexplain|\bsummar|\bmeasures\b|\binitiatives?\b|"
    r"\bshortcomings?\b|\bchallenges?\b|\bweakness|"
    # a list of things or topics (申请主要涉及哪些事项) is told in the text, not a table cell
    r"哪些|什么(?:内容|方面|领域|事项|类型|信息|话题|主题|形式|原则|工作)|主要涉及|涉及(?:哪|什么)|"
    r"集中(?:在|于)|\bwhat\b[^?？]{0,80}\babout\b|\bwhat (?:kinds?|types?|sorts?) of\b|"
    r"\bwhich (?:topics?|subjects?|matters?|areas?|kinds?|types?)\b|\btopics?\b|\bsubjects?\b",
    re.I,
)
_ASKS_NUMBER = re.compile(
    r"多少|几[个件条次场项份人名家]?|数量|数目|总数|多大|多高|\bhow many\b|\bhow much\b|\bnumber of\b|"
    r"\bwhat (?:was|is|were|are) the [\w\s-]{0,40}?\b(?:rate|share|percentage|number|total)\b|"
    r"\bpercent(?:age)?\b|"
    r"\bcount\b|\bamount\b|\bwhat was the (?:total|number)\b|\bfigure\b",
    re.I,
)
# A question without any question word that names a counted measure ("Pingtan Finance Bureau: information
# proactively disclosed in 2013?") asks for that measure's figure, as 多少 would.
_QUESTION_WORD = re.compile(
    r"\b(?:what|which|who|whom|whose|when|where|why|how|did|does|do|is|are|was|were|has|have|"
    r"had|can|could|list|describe|explain|tell|show)\b|什么|哪|谁|为什么|如何|怎|吗|呢|是否|有没有",
    re.I,
)
_COUNTED_MEASURE = re.compile(PROACTIVE_DISCLOSURE.pattern + r"|主动公开", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# How a follow-up opens: "what about 2022", "and in 2023", "那…呢", "还有…"
_FOLLOW_UP_LEAD = re.compile(r"\s*(?:(?:and\s+)?(?:what|how)\s+about\b|and\b|那么?|还有|再看看?)", re.I)


def detect_language(question: str) -> str:
    """English when the question is mostly Latin words (a Chinese name inside an English question is fine)."""
    latin_words = re.findall(r"[A-Za-z]{2,}", question)
    latin_letters = sum(len(w) for w in latin_words)
    cjk = len(_CJK.findall(question))
    return "en" if len(latin_words) >= 2 and latin_letters >= cjk else "zh"


def _cn_years_to_digits(text: str) -> str:
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[c] for c in m.group(0)), text)


def parse_years(question: str) -> tuple[list[int], bool, list[tuple[int, int]]]:
    """Years named in the question, whether they were given as a range, and their spans (for masking).

    2020, 2020年, 二〇二〇年, FY2021, 2021到2025年, 2022年和2023年, between 2020 and 2022. Relative words
    (去年, 今年, last year) cannot be resolved without a reference date and are ignored.
    """
    text = _cn_years_to_digits(question)
    years: set[int] = set()
    spans: list[tuple[int, int]] = []
    is_range = False
    for pattern in (_BETWEEN, _RANGE):
        for m in pattern.finditer(text):
            a, b = sorted((int(m.group(1)), int(m.group(2))))
            if b - a <= 50 and not any(s <= m.start() < e for s, e in spans):
                years.update(range(a, b + 1))
                spans.append(m.span())
                is_range = True
    for m in _SINGLE.finditer(text):
        if _INTO.search(text[: m.start()]):
            continue  # carried over into 2026: the year after the report, not one asked about
        if not any(s <= m.start() < e for s, e in spans):
            years.add(int(m.group(1)))
            end = m.end() + (1 if text[m.end() : m.end() + 1] == "年" else 0)
            spans.append((m.start(), end))
    return sorted(years), is_range, spans


def _named_order(question: str, years: list[int]) -> list[int]:
    """The asked years in the order the question names them (2024年比2023年: 2024 first)."""
    found = [int(y) for y in re.findall(rf"(?<!\d){_YEAR}(?!\d)", _cn_years_to_digits(question))]
    return list(dict.fromkeys(y for y in found if y in years))


def _place_with_body(question: str, place: str) -> str:
    m = re.search(
        re.escape(place) + r"(?:人民政府办公室|人民政府|政府办公室|政府|管委会|[\u4e00-\u9fff]{1,8}?局)?", question
    )
    return m.group(0) if m else place


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(s, min(e, len(chars))):
            chars[i] = " "
    return "".join(chars)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def normalize_question(question: str) -> str:
    """Full-width digits (Chinese input methods) read as digits; lone surrogates (broken pastes) dropped."""
    return _SURROGATES.sub("", question).translate(_FULL_WIDTH_DIGITS).strip()


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(question: str) -> str:
    """Traditional characters as simplified (部分公開 → 部分公开, 佔 → 占): the dictionaries are simplified.
    OpenCC converts by phrase, so a text already simplified comes back unchanged."""
    if not _CJK.search(question):
        return question
    return _t2s().convert(question)


class QueryPlanner:
    """Builds a QueryPlan by rules. `label_fallback` (question → MetricMatch) is the embedding fallback."""

    def __init__(
        self,
        offices: list[OfficeRecord],
        min_confidence: float = 0.80,
        label_fallback: Callable[[str], MetricMatch] | None = None,
        table_years: dict[str, list[int]] | None = None,
    ):
        self.resolver = OfficeResolver(offices, table_years)
        self.metrics = MetricMatcher()
        self.operations = OperationBuilder(self.metrics)
        self.min_confidence = min_confidence
        self.label_fallback = label_fallback

    def plan(self, question: str) -> QueryPlan:
        asked = normalize_question(question)
        question = to_simplified(asked)
        language = detect_language(question)
        years, is_range, year_spans = parse_years(question)
        mentions = self.resolver.find(question)
        # the Chinese-digit year rewrite keeps lengths, so spans from parse_years index the question too
        masked = _mask(question, year_spans + [(m.start, m.end) for m in mentions])
        match = self.metrics.match(masked)
        asks_number = bool(_ASKS_NUMBER.search(masked)) or (
            not _QUESTION_WORD.search(masked) and bool(_COUNTED_MEASURE.search(masked))
        )
        narrative_cue = bool(_NARRATIVE.search(masked))
        if not match.measures and asks_number and not narrative_cue and self.label_fallback is not None:
            match = self.label_fallback(masked)
        if match.confidence < self.min_confidence:
            match = MetricMatch()
        if match.measures and _NARRATIVE_UNIT.search(masked) and all(m.name.startswith("T2/") for m in match.measures):
            match = MetricMatch()
        across = bool(_ACROSS.search(question))
        plan = QueryPlan(
            question=question,
            language=language,
            intent="fact",
            years=years,
            asks_number=asks_number,
            across_offices=across,
            measures=match.measures,
            metrics=[k for m in match.measures for k in m.keys],
            metric_confidence=match.confidence,
            metric_words=match.words,
        )
        plan.intent = self._intent(masked, plan, narrative_cue, is_range, len(mentions))
        if plan.intent == "check" and not asks_number and match.confidence < 1.0:
            # 申请表的勾稽关系成立吗: 申请 names the table, not a figure to check
            plan.measures, plan.metrics, plan.metric_confidence = [], [], 0.0
        self._resolve_offices(plan, mentions)
        if plan.intent == "fact" and not plan.years and len(plan.offices) == 1:
            if len(self.resolver.years_of(plan.offices[0])) > 1:
                plan.intent = "trend"
        plan.route = "retrieval" if plan.intent == "narrative" else "sql"
        if _DIFF.search(masked) and plan.intent in ("fact", "compare", "trend") and plan.measures:
            self._difference(plan, masked, _named_order(question, years))
        if plan.aggregation is None and _SUM.search(masked) and plan.intent in ("fact", "compare", "trend"):
            plan.aggregation = "sum"
        elif plan.aggregation is None and _AVG.search(masked):
            plan.aggregation = "avg"
        if plan.intent == "rank":
            plan.order = "asc" if RANK_ASC.search(masked) else "desc"
        self._operation(plan, masked, match, _named_order(question, plan.years))
        plan.question = asked  # as asked (traditional characters too); the plan was made on the simplified text
        return plan

    def _operation(self, plan: QueryPlan, masked: str, match: MetricMatch, named_years: list[int]) -> None:
        """What is computed (bot/operations.py), and the words naming what no report records."""
        plan.operation = self.operations.build(plan, masked, match, named_years)
        if plan.operation.kind == "rank" and plan.operation.over != "categories" and plan.intent != "rank":
            plan.intent, plan.order = "rank", plan.operation.order
        if (plan.measures or plan.asks_number) and not _MENTIONS.search(masked):
            plan.unheld = unheld_words(masked, bool(plan.measures))
            if plan.unheld and plan.intent not in ("list", "check"):
                plan.route = "sql"  # the table answerer says what the reports do not record

    def _difference(self, plan: QueryPlan, masked: str, named_years: list[int]) -> None:
        """A比B多多少, increase from 2023 to 2024, 2024年增加了多少: two facts and their difference."""
        if all(m.name.endswith("/change") for m in plan.measures):
            return  # 行政处罚本年增加了多少: the T2 column 本年增/减 is itself the change
        if len(plan.years) == 1 and len(plan.offices) <= 1 and _CHANGE.search(masked):
            plan.years = [plan.years[0] - 1, plan.years[0]]
            named_years = plan.years
        pairs_years = len(plan.years) == 2 and len(plan.offices) <= 1
        if not pairs_years and len(plan.offices) != 2:
            return
        plan.intent, plan.aggregation = "compare", "diff"
        if pairs_years:
            later_first = len(named_years) == 2 and named_years[0] > named_years[1]
            plan.diff_reverse = later_first if _THAN.search(masked) else True

    def _unknown_place(self, question: str) -> list[str]:
        """A place the question names that no stored office belongs to (郑州市金水区, 上海市)."""
        chain = region_chain(question)
        if not chain:
            return []
        place = chain[-1]
        if len(place) < 3 or place not in question or place in self.resolver.region_members:
            return []
        return [_place_with_body(question, place)]

    def _unknown_subplace(self, question: str, mention: OfficeMention) -> str:
        """A real place written right after a region mention (开封市鼓楼区) that no stored office belongs to."""
        if mention.kind != "region":
            return ""
        chain = region_chain(question[mention.start :])
        place = chain[-1] if chain else ""
        if (
            len(place) < 3
            or place in self.resolver.region_members
            or place in mention.regions
            or not question[mention.end :].startswith(place)
        ):
            return ""
        return _place_with_body(question, question[mention.start : mention.end] + place)

    def _intent(self, masked: str, plan: QueryPlan, narrative_cue: bool, is_range: bool, n_mentions: int) -> Intent:
        if _CHECK.search(masked):
            return "check"
        mentions = bool(_MENTIONS.search(masked))
        if (_LIST.search(masked) or COUNT_QUESTION.search(masked)) and not mentions:
            return "list"
        if plan.measures and ranks_categories(masked):
            return "rank"
        if not plan.measures or ((narrative_cue or mentions) and not plan.asks_number):
            return "narrative"
        if _RANK.search(masked):
            return "rank"
        if _COMPARE.search(masked) or n_mentions > 1:
            return "compare"
        if _TREND.search(masked) or is_range:
            return "trend"
        if len(plan.years) > 1:
            return "compare"
        if _SUM.search(masked) or _AVG.search(masked) or plan.across_offices:
            return "compare"
        return "fact"

    def _resolve_offices(self, plan: QueryPlan, mentions: list[OfficeMention]) -> None:
        if not mentions and not plan.across_offices:
            plan.unknown_offices += self._unknown_place(plan.question)
        for mention in mentions:
            plan.office_mentions.append(mention.text)
            sub = self._unknown_subplace(plan.question, mention)
            if sub:
                # 开封市鼓楼区: a place inside the named region with no report is not the region's other office
                plan.unknown_offices.append(sub)
                plan.related_offices += [o for o in mention.offices if o not in plan.related_offices]
                continue
            if mention.kind == "region" and plan.across_offices and plan.intent != "narrative":
                plan.offices += [o for o in mention.offices if o not in plan.offices]
                continue
            choice = self.resolver.choose(mention, plan.years, tables_only=plan.intent not in ("list", "narrative"))
            if choice.ambiguous and plan.intent == "list":
                # listing a region's reports needs no single office: take them all
                plan.offices += [o for o in choice.offices if o not in plan.offices]
            elif choice.ambiguous:
                plan.ambiguous_offices += [o for o in choice.offices if o not in plan.ambiguous_offices]
            else:
                plan.offices += [o for o in choice.offices if o not in plan.offices]
                plan.related_offices += [o for o in choice.others if o not in plan.related_offices]
                plan.read_as += [(mention.text, o) for o in choice.offices if mention.corrected]
                if choice.unknown:
                    plan.unknown_offices.append(mention.text)
        plan.related_offices = [o for o in plan.related_offices if o not in plan.offices]

    # ------------------------------------------------------------------ follow-ups (bot/conversation.py)
    def operation_cue(self, question: str) -> Intent | None:
        """The operation the question's own words ask for (趋势, 比较, 最多, 合计, 列出…); None when it names none,
        so a follow-up without one keeps the earlier turn's."""
        question = normalize_question(question)
        _, is_range, spans = parse_years(question)
        lead = _FOLLOW_UP_LEAD.match(question)  # "what about …" is the follow-up's form, not a question about text
        masked = _mask(
            question, spans + [(m.start, m.end) for m in self.resolver.find(question)] + ([lead.span()] if lead else [])
        )
        if _CHECK.search(masked):
            return "check"
        if _LIST.search(masked) and not _MENTIONS.search(masked):
            return "list"
        if _NARRATIVE.search(masked) and not _ASKS_NUMBER.search(masked):
            return "narrative"
        if _RANK.search(masked):
            return "rank"
        if _COMPARE.search(masked) or _DIFF.search(masked) or _SUM.search(masked) or _AVG.search(masked):
            return "compare"
        if _TREND.search(masked) or is_range:
            return "trend"
        return None

    def reread(self, plan: QueryPlan, intent: Intent) -> QueryPlan:
        """A follow-up whose slots were filled from earlier turns: its intent settled (a fact over several years
        or offices is a comparison), then route and operation (difference, sum, order) from its own words."""
        masked = _mask(
            plan.question, parse_years(plan.question)[2] + [(m.start, m.end) for m in self.resolver.find(plan.question)]
        )
        items = max(len(plan.years), 1) * max(len(plan.offices), 1)
        if not plan.measures and intent not in ("list", "check"):
            intent = "narrative"
        elif intent == "narrative" and plan.measures and plan.asks_number:
            intent = "fact"
        if intent == "fact" and (items > 1 or plan.across_offices):
            intent = "compare"
        elif intent == "compare" and items == 1 and not plan.across_offices:
            intent = "fact"
        if intent == "fact":
            plan.aggregation = None  # one figure: nothing to sum or subtract
        plan.intent = intent
        plan.route = "retrieval" if intent == "narrative" else "sql"
        if _DIFF.search(masked) and intent in ("fact", "compare", "trend") and plan.measures:
            self._difference(plan, masked, _named_order(plan.question, plan.years))
        if plan.aggregation is None and _SUM.search(masked) and plan.intent in ("fact", "compare", "trend"):
            plan.aggregation = "sum"
        elif plan.aggregation is None and _AVG.search(masked):
            plan.aggregation = "avg"
        if plan.intent == "rank" and plan.order is None:
            plan.order = "asc" if RANK_ASC.search(masked) else "desc"
        return plan
