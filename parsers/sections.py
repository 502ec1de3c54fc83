"""Split a report's text into its numbered sections (一…六) and sub-sections (（一）…).

Headings are found whether they start a line (``一、总体情况``, ``## 一、``) or sit inside a
crawler's single-line text (`` 一、总体情况 2022年…``).
"""

import re

from parsers.models import Section

NUMERALS = "一二三四五六七八九十"
_SEP = r"\s*[、.．]\s*"
# Known template headings; their wording varies between offices and years.
TEMPLATE_HEADINGS = {
    "一": r"总\s*体\s*情\s*况|概\s*述|基本情况",
    "二": r"主动公开政府信息(?:的)?情况|主动公开(?:工作)?情况",
    "三": r"收到和处理政府信息公开申请(?:的)?情况|收到和处理.{0,10}申请.{0,4}情况",
    "四": r"(?:政府信息公开)?行政(?:法)?复议.{0,6}行政诉讼(?:的)?情况",
    "五": r"存在的?(?:主要)?问题(?:及|和|与)?(?:改进|整改)?(?:情况|措施)?",
    "六": r"其他需要报告的事项",
}
_BEFORE = r"(?:(?<=^)|(?<=[\s。>#*]))"


def _heading_regex(number: str, text_pattern: str, before: str = _BEFORE) -> re.Pattern:
    return re.compile(before + r"(?:#+\s*)?(?:\*\*)?" + number + _SEP + r"(?:\*\*)?(" + text_pattern + ")", re.M)


def _template_heads(text: str) -> list[tuple[str, str, int, int]]:
    """(number, heading, start, end of heading) for the template's six headings, in order."""
    heads = []
    pos = 0
    for number, pattern in TEMPLATE_HEADINGS.items():
        # Crawled text runs a table's last cell (even "…432.52元") into the next heading, so the
        # heading's own wording, not what precedes it, is what identifies it.
        m = _heading_regex(number, pattern, "").search(text, pos)
        if m:
            heads.append((number, m.group(1).strip(), m.start(), m.end()))
            pos = m.end()
    return heads


_GENERIC_TEXT = r"[^\s。，,（(\d：:]{1,30}"


def _generic_heads(text: str) -> list[tuple[str, str, int, int]]:
    """Headings 一、二、… in increasing order, whatever their wording (pre-2019 reports).

    Some offices open with an unnumbered overview and number from 二、 on (质监局 2011): the longer of
    the runs from 一 and from 二 wins.
    """
    return max((_numbered_run(text, NUMERALS[first:]) for first in (0, 1)), key=len)


def _numbered_run(text: str, numerals: str) -> list[tuple[str, str, int, int]]:
    heads = []
    pos = 0
    for number in numerals:
        # Crawled pages glue a heading to whatever preceded it ("…@163.com一、概述"); only a CJK
        # character before the numeral (其一、, 第一、) makes it prose rather than a heading.
        m = _heading_regex(number, _GENERIC_TEXT, r"(?<![\u4e00-\u9fff])").search(text, pos)
        if not m:
            break
        heads.append((number, m.group(1).strip("*# "), m.start(), m.end()))
        pos = m.end()
    return heads


def find_sections(text: str, template: str) -> list[Section]:
    heads = _template_heads(text) if template in ("v2019", "v2021") else []
    if len(heads) < 3:
        generic = _generic_heads(text)
        if len(generic) > len(heads):
            heads = generic
    sections: list[Section] = []
    for i, (number, heading, start, head_end) in enumerate(heads):
        end = heads[i + 1][2] if i + 1 < len(heads) else len(text)
        body = text[head_end:end]
        sections.append(Section(number=number, level=1, heading=heading, text=body.strip(), span=(start, end)))
        if number not in ("二", "三", "四") or template not in ("v2019", "v2021"):
            sections.extend(_subsections(text, number, head_end, end))
    return sections


_SUB = re.compile(_BEFORE + r"(?:#+\s*)?(?:\*\*)?[（(]\s*([一二三四五六七八九十]{1,2})\s*[）)](?:\*\*)?\s*")
_SUB_TEXT = re.compile(r"[^\n。；;：:，,！\s]{1,30}")
_SUB_END = re.compile(r"^.{2,24}?(?:情况|方面|工作|建设|问题|措施|机制|管理|公开)")


def _sub_heading(text: str, start: int, end: int) -> str:
    """A sub-heading runs to its first punctuation; crawled text may run it into the body."""
    m = _SUB_TEXT.match(text, start, end)
    if not m:
        return ""
    heading = m.group(0)
    if len(heading) >= 20:
        short = _SUB_END.match(heading)
        heading = short.group(0) if short else heading[:12]
    return heading


def _subsections(text: str, parent: str, start: int, end: int) -> list[Section]:
    """（一）（二）… inside one section, in increasing order."""
    found = []
    pos = start
    for number in ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十"):
        m = None
        for cand in _SUB.finditer(text, pos, end):
            if cand.group(1) == number:
                m = cand
                break
        if not m:
            break
        heading = _sub_heading(text, m.end(), end)
        found.append((f"（{number}）", heading, m.start(), m.end() + len(heading)))
        pos = m.end()
    subs = []
    for i, (number, heading, s, head_end) in enumerate(found):
        e = found[i + 1][2] if i + 1 < len(found) else end
        subs.append(
            Section(number=number, level=2, heading=heading, text=text[head_end:e].strip(), span=(s, e), parent=parent)
        )
    return subs


def section_bounds(sections: list[Section], number: str) -> tuple[int, int] | None:
    for s in sections:
        if s.level == 1 and s.number == number:
            return s.span
    return None
