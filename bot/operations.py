"""Question → Operation: which figure an answer computes (a share, a change, a sum …) and from which operands.

Built from the structure of a question, not from its wording as a whole: an *operation word* (比例, 增长率,
倍, 一共, 平均, 最多, 有没有 / share, growth rate, times, total, average, most, did … any) says what to compute;
the measure words (bot/metrics.py) say which figures; the office and year slots say whose and when. How the
operands are arranged follows from how many measures, offices and years the question names:

- two years of one measure (one office): difference / change / multiple between the years;
- two offices (one year): between the offices; two measures (one office, one year): between the measures;
- share: numerator ÷ denominator, the denominator declared (占…/…中/of …/out of …) or taken from the
  conventions of docs/template.md ("Derived figures") — `DENOMINATOR_CONVENTIONS` below, one home for them.

The calculator (bot/calculator.py) computes; this module only decides.
"""

import re
from typing import Literal

from bot.metrics import MetricMatch, MetricMatcher, category_measures, measure_of_keys
from bot.models import Measure, Operand, Operation, QueryPlan
from parsers.template import T3_APPLICANT_COLUMNS, T3_RESULT_ROWS

CountOf = Literal["reports", "years", "offices"]  # Operation.count_of
PairOver = Literal["offices", "years", "measures"]  # Operation.over of a difference, change or multiple

# ------------------------------------------------------------------ operation words (zh and en)
_PCT_CHANGE = re.compile(
    r"增长率|增幅|降幅|减幅|涨幅|变化率|变动率|(?:增长|增加|下降|减少|上升|降低|提高|变化)了?(?:百分之几|多少个?百分点|多少%|几成)|"
    r"(?:增长|增加|下降|减少|上升|降低|提高)了?[^。？?]{0,6}?百分之|同比(?:增长|增加|下降|减少)?[^。？?]{0,4}百分|"
    r"\bgrowth rate\b|\bpercent(?:age)?\s+(?:change|increase|decrease|growth|drop|decline|rise)\b|"
    r"\bby (?:what|how many) (?:percent|percentage)\b|\bby what share\b|\bhow many percent\b|"
    r"\b(?:rose|grew|fell|increased|decreased|dropped|declined|changed)\b[^?]{0,40}\bpercent",
    re.I,
)
_SHARE = re.compile(
    r"比例|占比|比重|百分之几|百分比|多少%|几成|(?<![增降减涨变])率|占[^。？?]{0,24}(?:多少|几)(?!\s*[件个项起次条份人])|"
    r"\bshare\b|\bpercentage\b|\bproportion\b|\bfraction\b|\bwhat percent\b|\bratio\b|\brate\b|\bper ?cent\b",
    re.I,
)
_MULTIPLE = re.compile(r"倍|\btimes\b|\bfold\b|\bmultiple\b", re.I)
_DIFFERENCE = re.compile(
    r"多多少|少多少|差多少|相差|差距|差额|差值|多了|少了|多出|少收|多收|增加|减少|增长|下降|上升|提高|降低|同比|变化了?多少|"
    r"\bhow many more\b|\bhow many fewer\b|\bhow much more\b|\bhow much less\b|\bdifference\b|\bincrease[ds]?\b|"
    r"\bdecrease[ds]?\b|\bgrowth\b|\bgr[eo]w\b|\bfell\b|\bdropped\b|\brose\b|\bdeclined?\b|\bchange\b|\bmore than\b|"
    r"\bfewer than\b|\bless than\b",
    re.I,
)
# a decrease asked for (减少了多少, how many fewer): the answer is the amount it fell by (earlier − later)
_DECREASE = re.compile(
    r"减少|下降|降低|少了|少收|少多少|降幅|减幅|\bfewer\b|\bless\b|\bdecrease|\bdrop|\bdeclin|\bfell\b|"
    r"\bfall\b|\blower\b",
    re.I,
)
_SUM = re.compile(
    r"合计|总共|一共|共计|共有|加起来|加上|总和|累计|合起来|等于多少|\bin total\b|\baltogether\b|\bcombined\b|"
    r"\bsum\b|\bsummed\b|\bplus\b|\btotal of\b|\badd(?:ed)? (?:up|together)\b|\bcumulative",
    re.I,
)
_MEAN = re.compile(r"平均|均值|\baverage\b|\bmean\b|\bon average\b", re.I)
_EXISTS = re.compile(
    r"有没有|有无|是否有|是否存在|是否|有没|有过|有[^。？?]{0,20}吗|"
    r"\b(?:did|does|do|was|were|is|are|has|have|had)\b[^?]{0,80}\bany\b|\bany\b[^?]{0,60}\?|"
    r"\bwere there\b|\bwas there\b|\bis there\b|\bare there\b",
    re.I,
)
_RANK = re.compile(
    r"最多|最少|最高|最低|最大|最小|最常见|最普遍|排名|排行|排第|前[一二三四五六七八九十\d]+名?|哪一年|哪年|哪种|哪类|哪一类|"
    r"哪一种|哪项|哪个|\bmost\b|\bleast\b|\bhighest\b|\blowest\b|\blargest\b|\bsmallest\b|\brank|\btop\b|"
    r"\bfewest\b|\bbiggest\b|\bmaximum\b|\bminimum\b|\bpeak\b|\bwhich\b",
    re.I,
)
RANK_ASC = re.compile(r"最少|最低|最小|\bleast\b|\blowest\b|\bsmallest\b|\bfewest\b|\bminimum\b", re.I)
_TOP = re.compile(r"前\s*([一二三四五六七八九十\d]+)|\btop\s*(\d+|two|three|four|five)\b", re.I)
_OVER_YEARS = re.compile(r"哪一年|哪年|哪个年份|哪个年度|\bwhich year\b|\bwhat year\b|\bin which year\b", re.I)
_OVER_CATEGORIES = re.compile(
    r"理由|原因|情形|情况中|类型|种类|哪类|哪种|哪一类|哪一种|哪项|申请人|申请主体|主体|结果|"
    r"\breasons?\b|\bgrounds?\b|\btypes?\b|\bkinds?\b|\bcategor|\bapplicant|\boutcomes?\b|"
    r"\bresults?\b|\bwho\b",
    re.I,
)
_COUNT = re.compile(
    r"(?:几|多少)\s*(?P<u>份|年|个年份|个年度|个单位|个部门|个机关|家单位)(?:的)?(?:报告|年报|有报告|数据|的报告)?|"
    r"\bhow many (?P<e>reports|years|offices|departments|agencies|bodies)\b",
    re.I,
)
_COUNT_UNITS: dict[str, CountOf] = {
    "份": "reports",
    "年": "years",
    "个年份": "years",
    "个年度": "years",
    "个单位": "offices",
    "个部门": "offices",
    "个机关": "offices",
    "家单位": "offices",
    "reports": "reports",
    "years": "years",
    "offices": "offices",
    "departments": "offices",
    "agencies": "offices",
    "bodies": "offices",
}
# what names the denominator: 占本年新收 / 本年新收中 / of new requests / out of / ÷ / divided by
_DENOMINATOR_BEFORE = re.compile(
    r"(?:占|除以|÷|/|相对于|out of|of|divided by|as a share of|relative to|among)\s*(?:the\s+|all\s+)?$", re.I
)
_DENOMINATOR_AFTER = re.compile(r"^\s*(?:的?申请)?(?:中|里|当中|之中|里面)")
_CN_NUMBER = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
}

# a count of reports, years or offices (几份报告, 有几年的报告, how many reports): a list question answered by its size
COUNT_QUESTION = re.compile(
    r"(?:几|多少)\s*(?:份|年|个年份|个年度|个单位|个部门|个机关|家单位)的?(?:报告|年报)|"
    r"(?:报告|年报)(?:有|共有|一共有)?(?:几|多少)(?:份|年|个)|"
    r"\bhow many (?:reports|years of reports|offices|departments|agencies)\b|"
    r"\bhow many\b[^?]{0,30}\breports\b",
    re.I,
)


def ranks_categories(text: str) -> bool:
    """哪种不予公开理由最多 / which reason for refusal was most common: a ranking, even with 原因/理由 in it."""
    return bool(_RANK.search(text) and _OVER_CATEGORIES.search(text))


CALCULATED = {"sum", "mean", "difference", "change_pct", "share", "multiple", "exists"}

# docs/template.md, "Derived figures": the denominator of a share whose question names none.
# (convention id, test on the numerator's key parts, denominator keys as a function of the numerator)
T4_OUTCOME_COLUMNS = ("upheld", "corrected", "other", "pending")


def _parts(measure: Measure) -> list[tuple[str, str, str]]:
    """(table, row, col) of each part's first key (T3/new_requests/total)."""
    return [_key_parts(p[0]) for p in measure.parts]


def _key_parts(key: str) -> tuple[str, str, str]:
    table_row_col = key.split("/")
    return table_row_col[0], table_row_col[1], table_row_col[2]


def convention_denominator(measure: Measure) -> tuple[list[str], str] | None:
    """(denominator keys, convention id) for a share whose question names no denominator; None if none applies."""
    parts = _parts(measure)
    tables, rows, cols = {p[0] for p in parts}, {p[1] for p in parts}, {p[2] for p in parts}
    if tables == {"T3"} and rows == {"new_requests"} and cols <= set(T3_APPLICANT_COLUMNS):
        return ["T3/new_requests/total"], "applicants_of_new_requests"
    if tables == {"T3"} and rows <= set(T3_RESULT_ROWS) | {"other_no_correction", "other_no_fee", "other_other"}:
        if rows == {"granted", "partially_granted"}:
            return ["T3/processed_total/total"], "disclosure_rate"
        return ["T3/processed_total/total"], "results_of_processed"
    if tables == {"T4"} and cols <= set(T4_OUTCOME_COLUMNS) and len(rows) == 1:
        convention = "correction_rate" if cols == {"corrected"} else "outcomes_of_group"
        return [f"T4/{next(iter(rows))}/total"], convention
    if tables == {"T4"} and cols <= set(T4_OUTCOME_COLUMNS):  # 行政诉讼 (two groups) × an outcome
        return [f"T4/{r}/total" for r in sorted(rows)], "outcomes_of_group"
    return None


def _contains(whole: Measure, part: Measure) -> bool:
    """Whether `part` counts a subset of what `whole` counts (予以公开 ⊂ 办理总计, 自然人 ⊂ 本年新收)."""
    found = convention_denominator(part)
    return found is not None and set(found[0]) == set(whole.keys)


class OperationBuilder:
    """Sets plan.operation (and the plan's legacy aggregation fields the table answerer still reads)."""

    def __init__(self, matcher: MetricMatcher):
        self.matcher = matcher

    def build(self, plan: QueryPlan, masked: str, match: MetricMatch, named_years: list[int]) -> Operation:
        # measure words blanked (行政处罚本年增加 names a T2 column, not a difference) for the cues that
        # share words with the measure dictionary; the other cues read the question as asked (公开率 is a share)
        blanked = _blank_words(masked, match.words)
        cue_text = masked.lower()
        op = Operation(kind=self._kind(plan, cue_text, blanked))
        if (
            op.kind in ("difference", "change_pct")
            and len(plan.years) == 1
            and len(plan.offices) <= 1
            and len(plan.measures) == 1
        ):
            plan.years = [plan.years[0] - 1, plan.years[0]]  # 2024年同比增长: against the year before
            named_years = plan.years[::-1]
        op.words = [
            m.group(0)
            for p in (_PCT_CHANGE, _SHARE, _MULTIPLE, _SUM, _MEAN, _EXISTS, _RANK, _DECREASE)
            if (m := p.search(cue_text))
        ]
        if op.kind == "count":
            op.count_of = _count_of(cue_text)
        if op.kind == "rank":
            self._rank(plan, cue_text, blanked, op)
        if op.kind == "share":
            self._share(plan, masked, match, op)
        if op.kind in ("difference", "change_pct", "multiple"):
            op.over = _pair_over(plan)
        if op.kind in ("sum", "mean"):
            op.over = (
                "measures"
                if len(plan.measures) > 1 and len(plan.years) <= 1 and len(plan.offices) <= 1
                else ("offices" if len(plan.offices) > 1 or plan.across_offices else "years")
            )
        op.operands = _operands(plan, op, _named_first(cue_text), named_years)
        if op.kind == "multiple" and _copula_between(cue_text, match, plan):
            op.operands = [
                op.operands[1].model_copy(update={"role": "numerator"}),
                op.operands[0].model_copy(update={"role": "denominator"}),
            ]
        return op

    def _kind(self, plan: QueryPlan, text: str, blanked: str) -> str:
        if plan.intent == "list":
            return "count" if _COUNT.search(text) or COUNT_QUESTION.search(text) else "list"
        if plan.intent == "narrative" and (len(plan.years) > 1 or len(plan.offices) > 1):
            # a figure only the text states, over several reports: bot/narrative.py adds it up (or averages it)
            return "mean" if _MEAN.search(text) else "sum" if _SUM.search(text) else "value"
        if not plan.measures or plan.intent in ("narrative", "check"):
            return "value"
        pair = len(plan.years) == 2 or len(plan.offices) == 2 or len(plan.measures) == 2
        if _PCT_CHANGE.search(text) and (pair or len(plan.years) == 1):
            return "change_pct"
        if _MULTIPLE.search(text) and pair:
            return "multiple"
        if _SHARE.search(text):
            return "share"
        if _RANK.search(text) and (
            RANK_ASC.search(text)
            or re.search(
                r"最|前|\bmost\b|\bhighest\b|\blargest\b|"
                r"\btop\b|\bbiggest\b|\bmaximum\b|\bpeak\b",
                text,
                re.I,
            )
        ):
            return "rank"
        if _EXISTS.search(text) and len(plan.years) <= 1 and len(plan.offices) <= 1:
            return "exists"
        if _MEAN.search(text):
            return "mean"
        changes_cell = all(m.name.endswith("/change") for m in plan.measures)  # T2 本年增/减 is itself a change
        if (_DIFFERENCE.search(blanked) or (_DIFFERENCE.search(text) and not changes_cell)) and (
            pair or (len(plan.years) == 1 and len(plan.offices) <= 1)
        ):
            return "difference"
        if _SUM.search(text) and (
            len(plan.measures) > 1 or len(plan.years) != 1 or len(plan.offices) > 1 or plan.across_offices
        ):
            return "sum"
        return "list" if plan.intent in ("trend", "compare") else "value"

    def _rank(self, plan: QueryPlan, text: str, blanked: str, op: Operation) -> None:
        op.order = "asc" if RANK_ASC.search(text) else "desc"
        if m := _TOP.search(text):
            word = (m.group(1) or m.group(2)).lower()
            op.top = int(word) if word.isdigit() else _CN_NUMBER.get(word, 1)
        if _OVER_YEARS.search(text):
            op.over = "years"
        elif len(plan.offices) > 1 or plan.across_offices:
            op.over = "offices"
        elif _OVER_CATEGORIES.search(blanked) and len(plan.measures) == 1:
            op.over = "categories"
            op.categories = category_measures(
                self.matcher,
                plan.measures[0],
                applicants=bool(
                    re.search(r"申请人|主体|\bapplicant|\bwho\b|\btypes? of (?:requester|applicant)", text, re.I)
                ),
            )
        elif len(plan.measures) > 1:
            op.over, op.categories = "categories", list(plan.measures)
        else:
            op.over = "years"

    def _share(self, plan: QueryPlan, masked: str, match: MetricMatch, op: Operation) -> None:
        measures = list(plan.measures)
        if len(measures) >= 2:
            denominator = _declared_denominator(masked, match) or _containing(measures)
            if denominator is not None:
                op.numerator = next(m for m in measures if m.name != denominator.name)
                op.denominator, op.convention = denominator, "declared"
                return
        numerator = measures[0]
        found = convention_denominator(numerator)
        op.numerator = numerator
        if found is not None:
            op.denominator, op.convention = measure_of_keys(self.matcher, found[0]), found[1]


def _blank_words(text: str, words: list[str]) -> str:
    """The question with its measure words blanked: 办理结果 is a measure, not the category cue 结果."""
    lowered = text.lower()
    for word in sorted(set(words), key=len, reverse=True):
        lowered = lowered.replace(word, " " * len(word))
    return lowered


def _count_of(text: str) -> CountOf:
    m = _COUNT.search(text)
    if m is None:
        return "reports"
    return _COUNT_UNITS.get((m.group("u") or m.group("e") or "").lower(), "reports")


def _pair_over(plan: QueryPlan) -> PairOver:
    if len(plan.measures) == 2 and len(plan.years) <= 1 and len(plan.offices) <= 1:
        return "measures"
    if len(plan.offices) == 2:
        return "offices"
    return "years"


def _declared_denominator(masked: str, match: MetricMatch) -> Measure | None:
    """The measure whose words are introduced as the whole: 占本年新收的 / 本年新收中 / of new requests."""
    lowered = masked.lower()
    for measure, start in zip(match.measures, match.positions, strict=False):
        if _DENOMINATOR_BEFORE.search(lowered[max(0, start - 16) : start]):
            return measure
        word_end = next((e for s, e in match.spans if s == start), start)
        if _DENOMINATOR_AFTER.search(lowered[word_end : word_end + 8]):
            return measure
    return None


def _containing(measures: list[Measure]) -> Measure | None:
    for whole in measures:
        if any(part is not whole and _contains(whole, part) for part in measures):
            return whole
    return None


_THAN = re.compile(
    r"比|是[^。？?]{0,30}的|相比|相较|较|对比|\bthan\b|\bcompared\b|\bversus\b|\bvs\b|\brelative to\b|"
    r"\bover\b",
    re.I,
)


_TIMES_COPULA = re.compile(
    r"\bhow many times\b(?!\s+(?:more|less|fewer|as|higher|larger|greater|bigger|the number))", re.I
)


def _copula_between(text: str, match: MetricMatch, plan: QueryPlan) -> bool:
    """how many times A were B: B is the numerator (B = n × A), the copula standing between the two measures."""
    if not _TIMES_COPULA.search(text) or len(plan.measures) != 2 or len(match.positions) < 2:
        return False
    first, second = sorted(match.positions[:2])
    return bool(re.search(r"\b(?:were|was|is|are)\b", text[first:second]))


def _named_first(text: str) -> bool:
    """A比B / A是B的几倍 / more in A than B: the first named is the minuend (numerator); else later − earlier."""
    return bool(_THAN.search(text))


def _pair(plan: QueryPlan, op: Operation, named_first: bool, named_years: list[int]) -> list[Operand]:
    """(first, second) of a difference / change / multiple: first − second, first ÷ second."""
    m = plan.measures
    office = plan.offices[0] if plan.offices else None
    year = plan.years[0] if len(plan.years) == 1 else None
    if op.over == "measures":
        first, second = [Operand(role="term", measure=x, office=office, year=year) for x in m[:2]]
    elif op.over == "offices":
        first, second = [Operand(role="term", measure=m[0], office=o, year=year) for o in plan.offices[:2]]
    else:
        years = named_years if named_first and len(named_years) == 2 else sorted(plan.years, reverse=True)
        first, second = [Operand(role="term", measure=m[0], office=office, year=y) for y in years[:2]]
    if op.kind == "difference" and asks_decrease(op):
        first, second = second, first  # 减少了多少: earlier − later, the amount it fell by
    roles = ("numerator", "denominator") if op.kind == "multiple" else ("minuend", "subtrahend")
    return [first.model_copy(update={"role": roles[0]}), second.model_copy(update={"role": roles[1]})]


def _operands(plan: QueryPlan, op: Operation, named_first: bool, named_years: list[int]) -> list[Operand]:
    """measure × office × year for every figure the operation uses (year None: every year held)."""
    offices: list[str | None] = list(plan.offices) or [None]
    years: list[int | None] = list(plan.years) or [None]
    if op.kind in ("difference", "change_pct", "multiple"):
        # op.over of a pair is _pair_over's (never None): a KeyError otherwise, as before
        enough: dict[str | None, int] = {
            "measures": len(plan.measures),
            "offices": len(plan.offices),
            "years": len(plan.years),
        }
        return _pair(plan, op, named_first, named_years) if enough[op.over] >= 2 else []
    if op.kind == "share" and op.numerator is not None:
        roles = [("numerator", op.numerator)] + ([("denominator", op.denominator)] if op.denominator else [])
    elif op.kind == "rank" and op.over == "categories":
        roles = [("candidate", m) for m in op.categories]
    else:
        roles = [("term", m) for m in plan.measures]
    return [Operand(role=role, measure=m, office=o, year=y) for role, m in roles for o in offices for y in years]


def is_calculated(op: Operation) -> bool:
    """Whether the calculator answers (rank over offices or years stays with the table series)."""
    return op.kind in CALCULATED or (op.kind == "rank" and op.over == "categories") or op.kind == "count"


# Attributes of requests the national template does not count (its T3 counts requests by applicant type and
# result only; T4 counts cases by outcome): how long answering took, how satisfied people were, how a
# request was submitted, what the work cost, who the applicants were beyond their type. A question about one
# of them is not answered with a neighbouring count; `text` are the words a report's text would use.
UNHELD_DIMENSIONS: dict[str, dict[str, str]] = {
    "duration": {
        "words": r"答复时间|办理时间|处理时间|办结时间|响应时间|平均时间|平均用时|用时|时长|天数|多少天|几天|多久|多长时间|办理期限|办理时限|"
        r"\bresponse times?\b|\bhow long\b|\bdays\b|\bduration\b|\bturnaround\b|\bprocessing times?\b|"
        r"\btime taken\b|\btime to (?:answer|respond|reply)\b|\bwaiting times?\b",
        "text": r"(?:平均|答复|办理|办结)(?:时间|用时|时长|天数)[^。；\d]{0,6}\d|平均\d+(?:\.\d+)?个?工作日",
    },
    "satisfaction": {
        "words": r"满意度|满意率|满意|好评率|好评|评价|\bsatisf|\bratings?\b|\bhappy\b",
        "text": r"(?:满意度|满意率|好评率)[^。；\d]{0,6}\d",
    },
    "channel": {
        "words": r"信函|邮寄|来信|写信|当面|现场申请|窗口申请|网上申请|在线申请|网络申请|传真|电子邮件|邮件|"
        r"\bby (?:letter|post|mail|fax|e-?mail|phone|telephone)\b|\bletters?\b|\bin person\b|\bonline\b|"
        r"\bvia (?:the )?(?:internet|website|post|mail)\b",
        "text": r"(?:信函|邮寄|当面|传真|电子邮件|网上|在线|网络)[^。；，\d]{0,8}?申请[^。；\d]{0,6}\d",
    },
    "cost": {
        "words": r"成本|经费|预算|花费|开支|\bcosts?\b|\bbudget\b|\bspend(?:ing)? on\b|\bexpenditure",
        "text": r"(?:经费|预算|成本)[^。；\d]{0,8}\d",
    },
    "applicant_person": {
        "words": r"年龄|性别|男性|女性|学历|\bages?\b|\bgender\b|\bmale\b|\bfemale\b",
        "text": r"(?:年龄|性别)[^。；\d]{0,8}\d",
    },
}
_UNHELD = {name: re.compile(d["words"], re.I) for name, d in UNHELD_DIMENSIONS.items()}
UNHELD_TEXT = {name: re.compile(d["text"]) for name, d in UNHELD_DIMENSIONS.items()}


# attributes that are a question of their own (满意度是多少); the others only qualify a count of requests
# (requests by letter) and are refused only when the question names such a count
STANDALONE_DIMENSIONS = {"duration", "satisfaction"}


def unheld_words(masked: str, has_measure: bool) -> list[str]:
    """Question words naming an attribute the template does not count, as 'dimension:word'
    (duration:答复时间): the plan cannot account for them with any measure."""
    text = masked.lower()
    return [
        f"{name}:{m.group(0)}"
        for name, pattern in _UNHELD.items()
        if (has_measure or name in STANDALONE_DIMENSIONS) and (m := pattern.search(text))
    ]


def asks_decrease(op: Operation) -> bool:
    """减少了多少 / how many fewer: the difference is reported as the amount of the fall."""
    return bool(_DECREASE.search(" ".join(op.words)))
