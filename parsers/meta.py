"""Title, issuing office, year and template of a report."""

import re
from collections import Counter

from parsers.gazetteer import has_place, place_before, place_count, trim_to_place, zone_name
from parsers.organs import OfficeName

_REPORT_WORDS = re.compile(r"(?:政府)?信息公开.{0,12}(?:年度报告|年报|工作报告)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_DIGITS = {
    "〇": "0",
    "○": "0",
    "零": "0",
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
_CN_YEAR = re.compile(r"([二〇○零一三四五六七八九]{4})\s*年")
_CRAWLER_TITLE = re.compile(r"^标题[:：]\s*(.+)$", re.M)
# Bodies that may close an office's name, longest first.
_BODIES = (
    "人民政府办公室",
    "人民政府办公厅",
    "管委会办公室",
    "管理委员会办公室",
    "政府办公室",
    "人民政府",
    "管委会",
    "管理委员会",
    "办公室",
    "办公厅",
)


def cn_year_to_int(text: str) -> int | None:
    m = _CN_YEAR.search(text)
    if not m:
        return None
    return int("".join(_CN_DIGITS[c] for c in m.group(1)))


def squeeze(text: str) -> str:
    """Remove the spaces PDF extraction puts between CJK characters and digits."""
    return re.sub(r"(?<=[\u4e00-\u9fff\d])[ \u3000]+(?=[\u4e00-\u9fff\d])", "", text)


def _clean_hint(hint: str) -> str:
    """Page titles carry the site's name after '_' or '-': keep the report's own title."""
    return squeeze(re.split(r"[_|]| - |-(?=[^-]*$)", hint.strip(" \t#*"))[0].strip(" \t#*"))


def find_title(text: str, hint: str | None) -> str:
    m = _CRAWLER_TITLE.search(text[:2000])
    if m:
        return squeeze(m.group(1).strip())
    if hint and _REPORT_WORDS.search(hint) and _YEAR.search(squeeze(hint)):
        return _clean_hint(hint)
    lines = [squeeze(line.strip(" \t#*")) for line in text[:3000].splitlines() if line.strip()]
    for i, line in enumerate(lines[:15]):
        if _REPORT_WORDS.search(line) and len(line) <= 80:
            if i > 0 and not _YEAR.search(line) or _YEAR.match(line):
                prev = lines[i - 1] if i > 0 and len(lines[i - 1]) <= 30 else ""
                return prev + line
            return line
    if hint:
        return _clean_hint(hint)
    return lines[0][:80] if lines else ""


def find_year(title: str, text: str) -> int | None:
    for source in (title, squeeze(text[:600])):
        m = _YEAR.search(source)
        if m:
            return int(m.group(1))
        cn = cn_year_to_int(source)
        if cn:
            return cn
    years = Counter(int(y) for y in _YEAR.findall(text))
    return years.most_common(1)[0][0] if years else None


# a cover letter's title: 某管理局关于报送2020年…年度报告的函 names the office before 关于
_COVER = re.compile(r"关于(?:报送|上报|印发|公布|发布|呈报)?")


def title_org(title: str) -> str:
    """The office a title names (may be truncated, e.g. 政府办公室): before the year, or — when the title begins
    with the year (2019年XX市人民政府办公厅政府信息公开…) — between the year and the report words; a cover
    letter's 关于报送… is not part of the name."""
    m = _YEAR.search(title) or re.search(r"[二〇○零一三四五六七八九]{4}\s*年", title)
    head = title[: m.start()] if m else title
    head = re.sub(r"^【[^】]*】", "", head)
    if m and not _COVER.sub("", head).strip(" ：:·-—_"):
        after = re.sub(r"^度", "", title[m.end() :])
        words = _REPORT_WORDS.search(after)
        head = after[: words.start()] if words else after
    cover = _COVER.search(head)
    if cover:
        head = head[: cover.start()] if cover.start() > 0 else head[cover.end() :]
    return head.strip(" ：:·-—_")


def complete_org(org: str, body: str) -> str:
    """Recover the full office from the body when the title names it only partly."""
    text = squeeze(body)
    if org and has_place(org) or org and re.search(r"(?:开发区|实验区|新区)", org):
        return _with_city_prefix(org, text)
    if not org:  # the title names no office (2019年政府信息公开工作年度报告): the header, body or signature does
        found = _office_in_text(text)
        if found:
            return found
    ending = org or next((b for b in _BODIES if b in text), "")
    if not ending:
        return org
    # a candidate starts at its first place name (年洛阳市人民政府办公厅 → 洛阳市人民政府办公厅)
    candidates = Counter(
        trim_to_place(m.group(1) + ending) for m in re.finditer(r"([\u4e00-\u9fff]{2,16}?)" + re.escape(ending), text)
    )
    placed = [c for c in candidates if has_place(c) or re.search(r"(?:开发区|实验区|新区)", c)]
    if placed:
        return max(placed, key=lambda c: (place_count(c), candidates[c], len(c)))
    zone = zone_name(text)
    body_word = next((b for b in _BODIES if b in text and b.endswith(ending)), ending)
    if zone:
        return zone + body_word
    return org or ending


_OFFICE_IN_TEXT = re.compile(
    r"[\u4e00-\u9fff]{2,20}?(?:人民政府办公室|人民政府办公厅|人民政府|管委会办公室|管委会|"
    r"局|委员会|办公室|中心|办事处)"
)


def _office_in_text(text: str) -> str:
    """The office named most often in the page header, the opening and the signature: a place + an organ
    (平潭县民政局; not 我局办公室, nor 平潭县民政局办公室, a bureau's own internal office)."""
    found: Counter = Counter()
    for part in (text[:1500], text[-400:]):
        for m in _OFFICE_IN_TEXT.finditer(part):
            name = trim_to_place(m.group(0))
            office = OfficeName.parse(name)
            if has_place(name) and office.units and office.organ and not re.search(r"局办公室$", name):
                found[name] += 1
    return max(found, key=lambda n: (found[n], len(n))) if found else ""


def _with_city_prefix(org: str, text: str) -> str:
    """洪泽区人民政府 → 淮安市洪泽区人民政府 when the body names it so."""
    for m in re.finditer(re.escape(org), text):
        place = place_before(text[max(0, m.start() - 8) : m.start()])
        if place and place[-1] in "省市州" and not org.startswith(place):
            return place + org
    return org


def detect_template(year: int | None, text: str) -> str:
    """v2019 / v2021 from the tables' own wording; the year decides when the tables say nothing."""
    has_tables = "本年新收" in text or "第二十条" in text
    if year is not None and year < 2019 and not has_tables:
        return "pre2019"
    if re.search(r"本年制发件数|逾期不补正|本年废止件数|本年度止件数", text):
        return "v2021"
    if re.search(r"本年新制作数量|上一年项目数量|采购项目数量", text):
        return "v2019"
    if year is None:
        return "unknown"
    if year < 2019:
        return "pre2019"
    return "v2019" if year < 2021 else "v2021"


# What a disclosure report is, in the words offices really use. The title names the subject (政府信息公开,
# 信息工作公开, 工作公开) and a genre (年度报告, 年报, 工作报告, 情况总结), or ends on the subject alone.
_TITLE_SUBJECT = re.compile(r"信\s*息.{0,4}公\s*开|工\s*作\s*公\s*开|政\s*务\s*公\s*开")
_TITLE_GENRE = re.compile(r"年\s*度\s*报\s*告|年\s*报|报\s*告|总\s*结|公\s*开\s*$")
# The body calls itself the report (本报告, 本年报, …年度报告由五个部分组成, 现将…情况总结如下).
_BODY_WORDS = re.compile(
    r"本(?:年度)?报告|本年报|信息公开.{0,16}(?:年度报告|年报|工作报告|情况总结|工作总结)"
    r"|(?:总结|汇报|报告)如下"
)
# The template's (and the 2008 regulation's) section topics, printed as numbered headings.
_HEADING_TOPICS = (
    r"主动公开",
    r"依申请公开|收到和处理.{0,12}申请",
    r"行政复议|行政诉讼",
    r"收费(?:及|和)?减免",
    r"存在的?(?:主要)?(?:问题|不足)",
    r"其他需要报告",
)
_NUMBERED = r"(?<![\u4e00-\u9fff])[一二三四五六七八九十]\s*[、.．]\s*[^\n。]{0,16}?"
_TABLE_WORDS = re.compile(r"本\s*年\s*新\s*收|第\s*二\s*十\s*条|申\s*请\s*人\s*情\s*况")


def report_evidence(title: str, text: str) -> dict[str, bool]:
    """What shows a document is a disclosure annual report: its title, its body's words, its headings, its tables."""
    body = squeeze(text)
    topics = sum(1 for t in _HEADING_TOPICS if re.search(_NUMBERED + "(?:" + t + ")", body))
    return {
        "title": bool(_YEAR.search(title) or _CN_YEAR.search(title))
        and bool(_TITLE_SUBJECT.search(title))
        and bool(_TITLE_GENRE.search(title)),
        "body": bool(_BODY_WORDS.search(body)) and "信息公开" in body,
        "headings": topics >= 2,
        "tables": bool(_TABLE_WORDS.search(body)),
    }


_MISSING = {
    "title": "its title '{title}' names no 信息公开 report of a year",
    "body": "the body never calls itself a 年度报告/本报告",
    "headings": "no section headings of the report (主动公开…, 依申请公开…, 行政复议…)",
    "tables": "no statistical tables (第二十条…, 本年新收…)",
}


def looks_like_report(title: str, text: str = "") -> bool:
    """A report by what it is: a title naming a year's 信息公开 report, or, under an odd title, two of its
    other signs (its own report wording, the report's section headings, its tables). A page that merely
    mentions the regulation or one heading is not."""
    found = report_evidence(title, text)
    return found["title"] or sum(found[k] for k in ("body", "headings", "tables")) >= 2


def why_not_report(title: str, text: str) -> str:
    """The refusal, naming what is missing."""
    found = report_evidence(title, text)
    missing = [_MISSING[k].format(title=title[:40]) for k, ok in found.items() if not ok]
    return "not a government information disclosure annual report: " + "; ".join(missing)
