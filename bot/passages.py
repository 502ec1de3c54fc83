"""How a report passage is read for a question: its sentences, the figures they state (a number with a
unit, and "未收到" as 0), the enumerated items of a list (problems, measures), and the question's own content
words and the unit it asks in. bot/narrative.py ranks and quotes with these."""

import logging
import re
from dataclasses import dataclass

import jieba

from bot.metric_terms import ROW_TERMS
from bot.metrics import PROACTIVE_DISCLOSURE, find_terms
from bot.models import QueryPlan
from index.models import Chunk

jieba.setLogLevel(logging.WARNING)

PASSAGE_CHARS = 400
ITEM_CHARS = 160  # a short list item is quoted with its explanation, up to this long
LIST_QUESTION = re.compile(
    r"哪些|哪几|什么|有没有|怎么|怎样|如何|措施|问题|不足|打算|计划|\bwhat\b|\bwhich\b|\bhow\b", re.I
)
_ITEM = re.compile(
    r"(?:(?<=[。；;：:\n，,])|^)\s*([一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[.、．](?!\d))",
    re.M,
)
_CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九")}  # longest quoted passage for a question answered by text
_SENTENCE = re.compile(r"[^。！？；!?\n]+[。！？；!?]?")
_CLAUSE_BREAK = "，。；：、,;:"
WIDE_BREAK = "，。；：,;:"
# 未收到有关政府信息公开的申请: a zero the text states without a digit
NONE_RECEIVED = re.compile(r"(?:未|没有|无)(?:收到|受理|发生|产生|出现)")
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
SECTION_TOPICS = [
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
    out = [(m, Figure(0, zero_unit or "件", m.group(0))) for m in NONE_RECEIVED.finditer(text)]
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


def clause(text: str, start: int, end: int, breaks: str = _CLAUSE_BREAK) -> str:
    left = max(text.rfind(c, 0, start) for c in breaks) + 1
    rights = [i for i in (text.find(c, end) for c in breaks) if i >= 0]
    return text[left : min(rights) if rights else len(text)]


def zero_of_other_measure(text: str, m: re.Match, metrics: set[str]) -> bool:
    """未发生…收费及减免事项 states a zero for what follows the verb: when that names a table row (fees, reviews)
    the question did not ask for, the zero is that row's, not the asked figure."""
    obj = clause(text, m.end(), m.end(), WIDE_BREAK)
    rows = {k.split("/")[1] for k in metrics}
    return any(
        not hit.term.weak and not rows & {k for part in hit.term.keys for k in part} for hit in find_terms(obj)[0]
    )


def names_metric(clause: str, metrics: set[str]) -> bool:
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


def asked_list_kind(question: str) -> str | None:
    """'measures' for 改进措施/打算, 'problems' for 问题/不足, None for anything else."""
    if _MEASURE_WORDS.search(question):
        return "measures"
    return "problems" if _PROBLEM_WORDS.search(question) else None


def lead_kind(lead: str) -> str | None:
    if _MEASURE_WORDS.search(lead):
        return "measures"
    return "problems" if _PROBLEM_WORDS.search(lead) else None


def with_body(text: str, item: tuple[int, int], run: list[tuple[int, int]]) -> tuple[int, int]:
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


def window(best: Sentence, same_chunk: list[Sentence]) -> tuple[str, int]:
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
