"""Answers from the reports' text: fused retrieval filtered by office and year, then the best sentence(s)
quoted. For how-many questions the number is taken from the best sentence (全年主动公开政府信息5133条,
发布政策解读496条): sentences are scored by the question's content words (jieba, weighted by how rare
they are among the retrieved sentences) and must hold a number with a unit."""

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import jieba

from bot.metric_terms import ROW_TERMS
from bot.metrics import PROACTIVE_DISCLOSURE, find_terms
from bot.models import Answer, Citation, QueryPlan
from bot.wording import AnswerWriter, CitationList, say
from index.models import Chunk, ScoredChunk

jieba.setLogLevel(logging.WARNING)

PASSAGE_CHARS = 400
ITEM_CHARS = 160  # a short list item is quoted with its explanation, up to this long
_LIST_QUESTION = re.compile(
    r"哪些|哪几|什么|有没有|怎么|怎样|如何|措施|问题|不足|打算|计划|\bwhat\b|\bwhich\b|\bhow\b", re.I
)
_ITEM = re.compile(
    r"(?:(?<=[。；;：:\n，,])|^)\s*([一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．](?!\d))",
    re.M,
)
_CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九")}  # longest quoted passage for a question answered by text
_SENTENCE = re.compile(r"[^。！？；!?\n]+[。！？；!?]?")
_CLAUSE_BREAK = "，。；：、,;:"
_WIDE_BREAK = "，。；：,;:"
# 未收到有关政府信息公开的申请: a zero the text states without a digit
_NONE_RECEIVED = re.compile(r"(?:未|没有|无)(?:收到|受理|发生|产生|出现)")
_NUMBER = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(万|亿)?\s*(余|多)?\s*"
    r"(人次|万元|亿元|个工作日|条|件|个|次|场|人|%|％|元|项|份|篇|期|家|名|天|批|册|页|栏目|栏|部|所)"
)
_STOP = set(
    "多少 几 几个 什么 哪些 哪个 如何 怎么 怎样 是 的 了 在 有 和 与 及 等 年 年度 报告 请问 一下 吗 呢 共 共计 "
    "全年 情况 工作 多少条 多少件 多少次 多少个 多少场 中 其中 为 对 是否 该 本 这 那 其 各 每 从 到 里 时 "
    "the of and in a an to for is was were what how many much did does do which report reports year "
    "number total about there their its it by on with".split()
)
# English question words → the Chinese words the reports use (the lexical retriever and the sentence scorer
# only see Chinese text).
_GLOSSARY = {
    "policy interpretation": "政策解读",
    "interpretation": "解读",
    "proactive": "主动公开",
    "proactively": "主动公开",
    "training": "培训",
    "trainings": "培训",
    "problem": "问题",
    "problems": "问题",
    "issues": "问题",
    "shortcomings": "不足",
    "improvement": "改进",
    "improve": "改进",
    "website": "网站",
    "portal": "门户网站",
    "new media": "新媒体",
    "wechat": "微信",
    "weibo": "微博",
    "press conference": "新闻发布会",
    "hotline": "热线",
    "online handling rate": "网办率",
    "online processing rate": "网办率",
    "online": "网上",
    "approval": "审批",
    "processing fee": "信息处理费",
    "platform": "平台",
    "standardization": "标准化",
    "standardisation": "标准化",
    "catalogue": "目录",
    "catalog": "目录",
    "supervision": "监督",
    "public participation": "公众参与",
    "response": "回应",
    "hot topics": "热点",
    "satisfaction": "满意",
    "complaints": "投诉",
    "meetings": "会议",
    "documents": "文件",
    "disclose": "公开",
    "published": "发布",
    "publish": "发布",
    "released": "发布",
    "release": "发布",
    "other matters": "其他需要报告的事项",
    "government affairs": "政务",
    "information": "信息",
    "rate": "率",
    "services": "服务",
    "service": "服务",
    "items": "事项",
    # forms and counters the reports attach numbers to (音频208条): the figure is the one after the term
    "audio": "音频",
    "video": "视频",
    "graphic": "图解",
    "infographic": "图解",
    "illustrated": "图解",
    "visits": "访问量",
    "page views": "访问量",
    "views": "浏览量",
    "government new media": "政务新媒体",
    "official account": "公众号",
    "douyin": "抖音",
    "mini program": "小程序",
    "news release": "新闻发布",
    "press release": "新闻发布",
    "briefing": "发布会/简报",
    "bulletin": "简报",
    "newsletter": "简报",
    "compile": "编制",
    "interview": "访谈",
    "online interview": "在线访谈",
    "person-times": "人次",
    "participants": "人次",
    "sessions": "场",
}
# English counters that name the unit of the figure (17 issues of a bulletin: 17期).
_EN_UNITS = [(re.compile(r"\bissues?\s+of\b", re.I), "期"), (re.compile(r"\bperson-times\b", re.I), "人次")]
# Qualifier nouns (audio, video): when an English question names one, the figure right after it is asked.
_FORM_WORDS = ("音频", "视频", "图解", "数解", "访问量", "浏览量", "公众号", "抖音", "小程序", "微信", "微博", "网站")


@dataclass
class Sentence:
    chunk: Chunk
    rank: int
    text: str
    start: int  # offset in chunk.text
    score: float = 0.0


@dataclass
class Figure:
    value: float | int
    unit: str
    text: str


# Words too common in these reports to tell one figure from another (they may still rank passages).
_GENERIC = set(
    "政府 信息 公开 政务 政府信息 信息公开 政府信息公开 全年 开展 累计 进行 报告 年度 数量 总数 全区 全县 全市 "
    "组织 收到 受理 办理 共有 主要 相关 方面 我们 单位 部门".split()
)
_ASK = re.compile(r"是多少|有多少|多少|有几|几|how many|how much|what (?:was|is) the (?:number|rate|share)", re.I)
_ASK_UNIT = re.compile(r"(?:多少|几)\s*(个工作日|人次|万元|条|件|个|次|场|人|项|份|篇|期|家|名|天|%)")
_SPLIT = re.compile(r"[，,。；;：:？?！!]")


# Questions whose answer lives in one template section: (question cue, heading of that section).
_SECTION_TOPICS = [
    (
        re.compile(
            r"问题|不足|差距|薄弱|短板|改进|整改|措施|打算|计划|下一步|problem|shortcoming|weakness|improve|plan", re.I
        ),
        re.compile(r"问题|改进|不足"),
    ),
    (re.compile(r"其他需要报告|信息处理费|处理费|other matters|processing fee", re.I), re.compile(r"其他|其它")),
]


@dataclass
class QuestionWords:
    """What the sentence scorer needs from a question."""

    words: list[str]  # content words (Chinese), for ranking sentences
    focus: list[str]  # the words next to 多少/几: a figure's sentence must contain one
    unit: str | None  # 多少条 → 条


def _strip_names(question: str, plan: QueryPlan) -> str:
    text = question
    for mention in sorted(plan.office_mentions, key=len, reverse=True):
        text = text.replace(mention, " ")
    return re.sub(r"(?:19|20)\d{2}\s*年?度?|[〇○零一二三四五六七八九]{4}年", " ", text)


def _is_word(token: str) -> bool:
    return len(token) >= 2 and token not in _STOP and bool(re.search(r"[\u4e00-\u9fff]", token))


def question_words(question: str, plan: QueryPlan) -> QuestionWords:
    """Content words (names, years and question words removed; English mapped to Chinese), focus and unit."""
    text = _strip_names(question, plan)
    lowered = text.lower()
    en_unit = next((zh for cue, zh in _EN_UNITS if cue.search(lowered)), None) if plan.language == "en" else None
    lowered = _EN_UNITS[0][0].sub(" ", lowered)  # issues of a bulletin are not 问题
    glossary = [
        zh
        for en, zhs in _GLOSSARY.items()
        if re.search(rf"\b{re.escape(en)}(?:s|es|ed|d|ing)?\b", lowered)
        for zh in zhs.split("/")
    ]
    if plan.language == "en" and PROACTIVE_DISCLOSURE.search(lowered):
        glossary.insert(0, "主动公开")  # items disclosed unasked: the reports' 主动公开 figure
    words = glossary + [t for t in (t.strip().lower() for t in jieba.lcut_for_search(text)) if _is_word(t)]
    focus = [w for w in glossary if w not in _GENERIC]
    forms = [w for w in focus if w in _FORM_WORDS]
    if forms and plan.language == "en":
        focus = forms  # "audio policy interpretations": 音频, not every 解读 figure
    ask = _ASK.search(text)
    if ask and plan.language == "zh":
        before = re.split(r"\s+", _SPLIT.split(text[: ask.start()])[-1].strip())[-1]
        after = _SPLIT.split(text[ask.end() :])[0]
        focus = [t for t in jieba.lcut(before) if _is_word(t) and t not in _GENERIC][-2:]
        focus += [t for t in jieba.lcut(after) if _is_word(t) and t not in _GENERIC][:2]
    unit = _ASK_UNIT.search(text)
    if unit is None and en_unit is not None:
        return QuestionWords(list(dict.fromkeys(words)), list(dict.fromkeys(focus)), en_unit)
    if unit is None and re.search(r"\b(?:percent|percentage|rate)\b|率", lowered):
        return QuestionWords(list(dict.fromkeys(words)), focus, "%")
    return QuestionWords(list(dict.fromkeys(words)), list(dict.fromkeys(focus)), unit.group(1) if unit else None)


def split_sentences(chunk: Chunk, rank: int) -> list[Sentence]:
    out = []
    for m in _SENTENCE.finditer(chunk.text):
        text = m.group(0).strip()
        if len(text) >= 4:
            out.append(Sentence(chunk, rank, text, m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))))
    return out


def figures(text: str, zero_unit: str | None = None) -> list[tuple[re.Match, Figure]]:
    """Numbers with a unit; also 未收到… as 0 (in the asked unit, default 件)."""
    out = [(m, Figure(0, zero_unit or "件", m.group(0))) for m in _NONE_RECEIVED.finditer(text)]
    for m in _NUMBER.finditer(text):
        value = float(m.group(1))
        value = int(value) if value.is_integer() else value
        unit = m.group(4)
        if m.group(2) and unit not in ("万元", "亿元"):
            value = value * (10000 if m.group(2) == "万" else 100_000_000)
            value = int(value) if float(value).is_integer() else value
        unit = ("余" if m.group(3) else "") + ("%" if unit == "％" else unit)
        out.append((m, Figure(value, unit, m.group(0))))
    return out


def _clause(text: str, start: int, end: int, breaks: str = _CLAUSE_BREAK) -> str:
    left = max(text.rfind(c, 0, start) for c in breaks) + 1
    rights = [i for i in (text.find(c, end) for c in breaks) if i >= 0]
    return text[left : min(rights) if rights else len(text)]


def _zero_of_other_measure(text: str, m: re.Match, metrics: set[str]) -> bool:
    """未发生…收费及减免事项 states a zero for what follows the verb: when that names a table row (fees, reviews)
    the question did not ask for, the zero is that row's, not the asked figure."""
    obj = _clause(text, m.end(), m.end(), _WIDE_BREAK)
    rows = {k.split("/")[1] for k in metrics}
    return any(
        not hit.term.weak and not rows & {k for part in hit.term.keys for k in part} for hit in find_terms(obj)[0]
    )


def _names_metric(clause: str, metrics: set[str]) -> bool:
    """The clause uses a Chinese word of the asked metric's row and names no other table row."""
    rows = {m.split("/")[1] for m in metrics}
    words = [
        w
        for t in ROW_TERMS
        if rows & {k for part in t.keys for k in part}
        for w in t.words
        if re.search(r"[\u4e00-\u9fff]", w)
    ]
    if not any(w in clause for w in words):
        return False
    for hit in find_terms(clause)[0]:
        if not hit.term.weak and not rows & {k for part in hit.term.keys for k in part}:
            return False
    return True


def enumerations(text: str) -> list[list[tuple[int, int]]]:
    """Runs of enumerated items (一是…二是…, （一）…（二）…, 1. 2.) in a passage: each item as the span of
    its first sentence; a run restarts when the numbering goes back to one."""
    runs: list[list[tuple[int, int]]] = []
    last = 0
    for m in _ITEM.finditer(text):
        number = _item_number(m.group(1))
        end = next((i + 1 for i in range(m.end(), len(text)) if text[i] in "。；;！？!?\n"), len(text))
        following = _ITEM.search(text, m.end())
        if following is not None and following.start() < end:  # 一是…，二是…，三是… in one sentence
            end = following.start()
        if number == 1 or not runs or number != last + 1:
            if number != 1:
                last = 0
                continue
            runs.append([])
        runs[-1].append((m.start(), end))
        last = number
    return [r for r in runs if len(r) >= 2]


_MEASURE_WORDS = re.compile(
    r"下一步|将|措施|改进|整改|做好|打算|计划|准备|怎么做|如何做|重点|\bimprove|\bplan|\bmeasure|\bsteps\b", re.I
)
_PROBLEM_WORDS = re.compile(r"问题|不足|差距|薄弱|短板|欠缺|\bproblem|\bshortcoming|\bweakness|\bissues?\b", re.I)


def _asked_list_kind(question: str) -> str | None:
    """'measures' for 改进措施/打算, 'problems' for 问题/不足, None for anything else."""
    if _MEASURE_WORDS.search(question):
        return "measures"
    return "problems" if _PROBLEM_WORDS.search(question) else None


def _lead_kind(lead: str) -> str | None:
    if _MEASURE_WORDS.search(lead):
        return "measures"
    return "problems" if _PROBLEM_WORDS.search(lead) else None


def _with_body(text: str, item: tuple[int, int], run: list[tuple[int, int]]) -> tuple[int, int]:
    """A short headline item (1.及时回应社会关切。) with the sentences that explain it, up to ITEM_CHARS."""
    start, end = item
    if end - start >= 25:
        return item
    following = [s for s, _ in run if s > start]
    stop = min(following[0] if following else len(text), start + ITEM_CHARS)
    cut = max((i + 1 for i in range(end, stop) if text[i] in "。；;！？!?"), default=end)
    return start, cut


def _item_number(label: str) -> int:
    digits = re.sub(r"[是（）().、．\s]", "", label)
    if digits.isdigit():
        return int(digits)
    value = 0
    for ch in digits:
        value = value * 10 + _CN_NUM[ch] if ch != "十" else (value or 1) * 10
    return value


def _window(best: Sentence, same_chunk: list[Sentence]) -> tuple[str, int]:
    """The contiguous run of sentences around the best one, at most PASSAGE_CHARS long, with the highest
    total score (a list of problems starts before its best-matching item)."""
    ordered = sorted(same_chunk, key=lambda s: s.start)
    i = next(k for k, s in enumerate(ordered) if s is best)
    best_run, best_total = (i, i), -1.0
    for a in range(i, -1, -1):
        if best.start + len(best.text) - ordered[a].start > PASSAGE_CHARS:
            break
        b = i
        while (
            b + 1 < len(ordered) and ordered[b + 1].start + len(ordered[b + 1].text) - ordered[a].start <= PASSAGE_CHARS
        ):
            b += 1
        total = sum(s.score for s in ordered[a : b + 1])
        if total > best_total:
            best_run, best_total = (a, b), total
    first, last = ordered[best_run[0]], ordered[best_run[1]]
    return best.chunk.text[first.start : last.start + len(last.text)], first.start


class NarrativeAnswerer:
    """Retrieves passages and answers extractively (optionally phrased by a chat model, numbers checked)."""

    def __init__(
        self,
        search: Callable[..., list[ScoredChunk]],
        names: dict[str, str],
        top_k: int = 5,
        phrase: Callable[[str, list[str], str], str | None] | None = None,
    ):
        self.search = search
        self.names = names
        self.top_k = top_k
        self.phrase = phrase

    def answer(self, plan: QueryPlan) -> Answer | None:
        """The quoted answer, or None when no retrieved sentence shares a content word with the question."""
        asked = question_words(plan.question, plan)
        words = asked.words
        query = plan.question if plan.language == "zh" else f"{plan.question} {' '.join(words)}"
        # a figure may sit in a long list far from the question's words: read a few more passages for it
        k = max(self.top_k, 8) if plan.asks_number else self.top_k
        hits = self.search(query, orgs=plan.offices or None, years=plan.years or None, k=k)
        sentences = [
            s
            for rank, hit in enumerate(hits)
            if hit.chunk.kind == "narrative"
            for s in split_sentences(hit.chunk, rank)
        ]
        if not sentences or not words:
            return None
        weights = self._weights(words, sentences)
        topic = next((heading for cue, heading in _SECTION_TOPICS if cue.search(plan.question)), None)
        for s in sentences:
            s.score = self._score(s, weights, topic)
        if plan.asks_number:
            found = self._best_figure(sentences, weights, set(plan.metrics), asked)
            # a how-many question is answered by a number or not at all
            return self._number_answer(plan, *found) if found is not None else None
        best = max(sentences, key=lambda s: (s.score, -s.rank))
        if best.score <= 0.2:
            return None
        if _LIST_QUESTION.search(plan.question):
            listed = self._list_answer(plan, best, weights)
            if listed is not None:
                return listed
        return self._passage_answer(plan, best, sentences)

    def each(self, plan: QueryPlan, scopes: list[tuple[str, int | None]], ambiguous: bool) -> Answer | None:
        """One extractive answer per (office, year), listed: several years or offices asked at once, or the
        candidates of an ambiguous name. None when no scope finds anything and the name was not ambiguous."""
        w = AnswerWriter(plan.language, self.names)
        cites = CitationList()
        lines: list[str] = []
        series: list[tuple[str, float | int | None]] = []
        units: set[str | None] = set()
        got: set[tuple[str, int | None]] = set()
        found_any = False
        for org, year in scopes:
            scoped = plan.model_copy(
                update={"offices": [org], "years": [year] if year else [], "ambiguous_offices": []}
            )
            found = self.answer(scoped)
            label = w.series_label(org, year, len({o for o, _ in scopes}) > 1 or ambiguous, year is not None)
            if found is None:
                lines.append(f"- {label}: " + w.say("text.not_found"))
                continue
            found_any = True
            refs = [cites.add(c) for c in found.citations]
            quote = " ".join(f"“{c.quote}”" for c in found.citations)
            figure = (
                w.say("text.figure", value=w.value(found.value, found.unit or "")) if found.value is not None else ""
            )
            lines.append(f"- {label}: {figure}{quote} {w.refs(refs)}")
            if found.value is not None:
                series.append((label, found.value))
                units.add(found.unit)
                got.add((org, year))
        if not found_any and not ambiguous:
            return None
        mention = plan.office_mentions[0] if plan.office_mentions else None
        if ambiguous:
            intro = w.ambiguous_intro("、".join(plan.office_mentions) or "?")
            follow = [w.follow_up(plan.question, mention, org, year) for org, year in scopes]
        else:
            intro = w.say("text.intro")
            follow = []
        single = not ambiguous and len(series) == 1 and len(scopes) == 1
        answer = Answer(
            question=plan.question,
            status="ambiguous" if ambiguous else "answered",
            route="retrieval",
            answer="\n".join([intro, *lines]),
            citations=cites.items,
            series=series,
            candidates=follow,
            value=series[0][1] if single else None,
            unit=next(iter(units)) if single else None,
        )
        if not ambiguous and plan.operation.kind in ("sum", "mean"):
            return self._with_total(plan, w, answer, scopes, got, units)
        return answer

    def _with_total(
        self,
        plan: QueryPlan,
        w: AnswerWriter,
        answer: Answer,
        scopes: list[tuple[str, int | None]],
        got: set[tuple[str, int | None]],
        units: set[str | None],
    ) -> Answer:
        """The listed figures added up (or averaged), the arithmetic first; every office × year asked counts,
        also one with no report (dropped from scopes), so a missing figure means nothing is computed."""
        wanted: list[tuple[str, int | None]] = [(o, y) for o in plan.offices for y in plan.years] or list(scopes)
        if len(wanted) < 2:
            return answer
        missing = [w.office_year(o, y) for o, y in wanted if (o, y) not in got]
        intro, *lines = answer.answer.split("\n")
        text = "\n".join([intro, self._text_total(plan, w, answer.series, missing, units), *lines])
        if missing or len(units) != 1:  # as for table operands
            return answer.model_copy(update={"status": "not_found", "answer": text, "value": None, "unit": None})
        values = [v for _, v in answer.series if v is not None]
        value = sum(values) if plan.operation.kind == "sum" else round(sum(values) / len(values), 2)
        return answer.model_copy(update={"answer": text, "value": value, "unit": next(iter(units))})

    @staticmethod
    def _text_total(
        plan: QueryPlan,
        w: AnswerWriter,
        series: list[tuple[str, float | int | None]],
        missing: list[str],
        units: set[str | None],
    ) -> str:
        """一共/平均 over figures only the text states: the arithmetic when every report asked gave one figure in
        one unit, else what is missing (never a partial sum as the total)."""
        if missing:
            return w.say("text.total_missing", missing=w.listing(missing))
        if len(units) != 1:
            return w.say("text.total_units")
        unit = next(iter(units)) or ""
        values = [v for _, v in series if v is not None]
        terms = [w.value(v, unit) for v in values]
        if plan.operation.kind == "sum":
            return w.formula("", terms, "+", w.computed(sum(values), unit), "")
        mean = round(sum(values) / len(values), 2)
        return w.formula("", [f"({' + '.join(terms)})", str(len(values))], "÷", w.computed(mean, unit), "")

    @staticmethod
    def _weights(words: list[str], sentences: list[Sentence]) -> dict[str, float]:
        """Rare words count more: log(1 + n/df) over the retrieved sentences and their headings."""
        n = len(sentences)
        weights = {}
        for w in words:
            df = sum(1 for s in sentences if w in s.text or w in s.chunk.section_heading)
            if df:
                weights[w] = math.log(1 + n / df)
        return weights

    @staticmethod
    def _score(s: Sentence, weights: dict[str, float], topic: re.Pattern | None) -> float:
        in_text = sum(v for w, v in weights.items() if w in s.text)
        in_heading = sum(v for w, v in weights.items() if w in s.chunk.section_heading and w not in s.text)
        on_topic = 2.0 if topic is not None and topic.search(s.chunk.section_heading) else 0.0
        return in_text + 0.6 * in_heading + on_topic + 0.2 / (s.rank + 1)

    @staticmethod
    def _near(clause: str, weights: dict[str, float], asked: QuestionWords) -> float:
        return sum(v * (3 if w in asked.focus else 1) for w, v in weights.items() if w in clause)

    def _best_figure(
        self, sentences: list[Sentence], weights: dict[str, float], metrics: set[str], asked: QuestionWords
    ) -> tuple[Sentence, Figure] | None:
        """The number whose clause best matches the question.

        Its sentence must hold a focus word (the noun next to 多少: 访问量, 音频), so a question the text does
        not answer finds nothing rather than the nearest number; the asked unit (几次 ≠ 人次) weighs in. When
        the question names a table metric, a clause naming another one (收到1份行政复议申请) is skipped.
        """
        best: tuple[float, Sentence, Figure] | None = None
        for s in sentences:
            if asked.focus and not any(f in s.text for f in asked.focus):
                continue
            for m, figure in figures(s.text, asked.unit):
                if m.re is _NONE_RECEIVED and _zero_of_other_measure(s.text, m, metrics):
                    continue
                # narrow: up to 、 (图解89条、音频208条); wide: up to ， (对5个…政务新媒体予以关停注销)
                narrow = _clause(s.text, m.start(), m.end())
                wide = _clause(s.text, m.start(), m.end(), _WIDE_BREAK)
                near = self._near(narrow, weights, asked)
                far = self._near(wide, weights, asked)
                if far <= 0 or (metrics and not _names_metric(wide, metrics)):
                    continue
                bonus = 0.0
                if asked.unit:
                    bonus = 2 if figure.unit.lstrip("余") == asked.unit else -1
                score = s.score + 2 * near + far + bonus
                if best is None or score > best[0]:
                    best = (score, s, figure)
        return (best[1], best[2]) if best else None

    # ------------------------------------------------------------------ answers
    def _citation(self, s: Sentence, en: bool) -> Citation:
        c = s.chunk
        span = (c.span[0] + s.start, c.span[0] + s.start + len(s.text))
        number = (
            f"{c.section_parent}{c.section_number}"
            if c.section_parent
            else (f"{c.section_number}、" if c.section_number else "")
        )
        locator = say("cite.chars", "en" if en else "zh", start=span[0], end=span[1])
        return Citation(
            report_id=c.report_id,
            title=c.title,
            org=c.org,
            year=c.year,
            section=f"{number}{c.section_heading}",
            locator=locator,
            quote=s.text,
            span=span,
        )

    def _number_answer(self, plan: QueryPlan, s: Sentence, figure: Figure) -> Answer:
        w = AnswerWriter(plan.language, self.names)
        cites = CitationList()
        ref = cites.add(self._citation(s, w.en))
        section = cites.items[0].section
        text = w.quoted_figure(s.chunk.org, s.chunk.year, section, s.text, ref, figure.value, figure.unit, figure.text)
        text = self._phrased(plan, [s.text], text)
        return Answer(
            question=plan.question,
            status="answered",
            route="retrieval",
            answer=text,
            value=figure.value,
            unit=figure.unit,
            citations=cites.items,
        )

    def _list_answer(self, plan: QueryPlan, best: Sentence, weights: dict[str, float]) -> Answer | None:
        """A list question (哪些问题, 改进措施) answered by the best-matching enumeration of the best passage:
        its lead-in and the first sentence of each item, each quoted with its span."""
        text = best.chunk.text
        runs = enumerations(text)
        if not runs:
            return None

        def lead_start(run: list[tuple[int, int]]) -> int:
            return max(text.rfind(c, 0, run[0][0] - 1) for c in "。；;\n") + 1

        def run_score(run: list[tuple[int, int]]) -> float:
            body = text[lead_start(run) : run[-1][1]]
            return sum(v for w, v in weights.items() if w in body)

        wants = _asked_list_kind(plan.question)
        if wants is not None:
            runs = [r for r in runs if _lead_kind(text[lead_start(r) : r[0][0]]) == wants]
            if not runs:
                return None
        else:  # an open question (怎样回应…): only the list the best sentence belongs to or introduces
            runs = [
                r
                for r in runs
                if lead_start(r) - 1 <= best.start <= r[-1][1] + 1 or 0 <= r[0][0] - (best.start + len(best.text)) <= 2
            ]
            if not runs:
                return None
        run = max(runs, key=lambda r: (run_score(r), -abs(r[0][0] - best.start)))
        if run_score(run) <= 0:
            return None
        lead_at = lead_start(run)
        pieces = [(lead_at, run[0][0])] if text[lead_at : run[0][0]].strip(" \n，,：:") else []
        pieces += [_with_body(text, item, run) for item in run[:8]]
        w = AnswerWriter(plan.language, self.names)
        cites = CitationList()
        quotes = []
        for start, end in pieces:
            raw = text[start:end]
            stripped = raw.strip()
            offset = start + raw.index(stripped[:1]) if stripped else start
            ref = cites.add(self._citation(Sentence(best.chunk, best.rank, stripped, offset), w.en))
            quotes.append(f"“{stripped}”[{ref}]")
        section = cites.items[0].section
        head = w.according_to(best.chunk.org, best.chunk.year, section)
        answer = self._phrased(plan, [c.quote for c in cites.items], "\n".join([head, *quotes]))
        return Answer(
            question=plan.question, status="answered", route="retrieval", answer=answer, citations=cites.items
        )

    def _passage_answer(self, plan: QueryPlan, best: Sentence, sentences: list[Sentence]) -> Answer:
        """The best sentence and what follows it in the same passage (a list of problems or measures
        usually does), up to PASSAGE_CHARS, quoted as one contiguous span."""
        w = AnswerWriter(plan.language, self.names)
        text, start = _window(best, [s for s in sentences if s.chunk.chunk_id == best.chunk.chunk_id])
        passage = Sentence(best.chunk, best.rank, text, start, best.score)
        cites = CitationList()
        ref = cites.add(self._citation(passage, w.en))
        section = cites.items[0].section
        answer = w.quoted_passage(best.chunk.org, best.chunk.year, section, text, ref)
        answer = self._phrased(plan, [text], answer)
        return Answer(
            question=plan.question, status="answered", route="retrieval", answer=answer, citations=cites.items
        )

    def _phrased(self, plan: QueryPlan, quotes: list[str], extractive: str) -> str:
        """The chat model's wording when one is configured and every number it wrote is in the quotes."""
        if self.phrase is None:
            return extractive
        phrased = self.phrase(plan.question, quotes, plan.language)
        return f"{phrased}\n\n{extractive}" if phrased else extractive
