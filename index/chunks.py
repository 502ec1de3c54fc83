"""Cut a parsed report into retrievable passages: one per section or sub-section, tables as readable lines.

A section with sub-sections （一）（二）… gives its introduction and then one chunk per sub-section; a
passage longer than ``max_chars`` is split at sentence ends (。；！？ and line breaks). Table sections
二/三/四 are indexed from the parsed facts ("本年新收政府信息公开申请数量：自然人 2，…，总计 27") because
their printed text is often a run of digits that no retriever can match.
"""

import re
from collections.abc import Iterable
from functools import cache

from index.models import Chunk
from parsers.models import Fact, Report, Section
from parsers.template import PRE2019, SECTION_HEADINGS, TABLES, UNKNOWN, all_keys

TABLE_OF_SECTION = {spec.section: key for key, spec in TABLES.items()}
# all_keys() builds its dict on every call; fact_line runs ~70 times per report (a third of the non-embedding
# ingest time at 10,000 reports when uncached). Read-only here.
_template_keys = cache(all_keys)
SECTION_OF_TABLE = {table: number for number, table in TABLE_OF_SECTION.items()}

_SENTENCE_END = re.compile(r"(?<=[。；;！？!?\n])")
_ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、])\s*")
# T3 sub-rows read better with the group they belong to: 不予公开·属于国家秘密.
_T3_GROUPS = {
    "denied_": "不予公开·",
    "unable_": "无法提供·",
    "rejected_": "不予处理·",
    "other_no": "其他处理·",
    "other_other": "其他处理·",
    "processed_total": "办理结果·",
}


def embedding_text(chunk: Chunk) -> str:
    """The text the model embeds: "伊川县人民政府 2020年：" + the sub-section heading when not printed in it + text."""
    context = f"{chunk.org} {chunk.year}年：" if chunk.year is not None else f"{chunk.org}："
    heading = section_title(chunk.section_number, chunk.section_heading)
    if chunk.kind == "narrative" and chunk.section_heading and chunk.section_heading[:6] not in chunk.text[:40]:
        return f"{context}{heading}\n{chunk.text}"
    return context + chunk.text


def section_title(number: str, heading: str) -> str:
    """一 + 总体情况 → 一、总体情况; （一） + 主动公开情况 → （一）主动公开情况."""
    if number and number[-1] in "）)、.．":
        return number + heading
    return f"{number}、{heading}" if number else heading


def chunk_report(report: Report, max_chars: int, text: str | None = None) -> list[Chunk]:
    """Every passage of the report worth retrieving, in reading order, with spans into the report text.

    With the report's text (as the parser read it) the spans are exact; without it a passage's start is
    estimated from where its section ends.
    """
    body_start = _body_locator(text)
    chunks: list[Chunk] = []
    tables_done: set[str] = set()
    children = _children(report.sections)
    for section in report.sections:
        if section.level != 1:
            continue
        table = _table_of(report, section)
        if table:
            chunks += table_chunks(report, table, section, max_chars)
            tables_done.add(table)
        elif kids := children.get(section.number):
            start = body_start(section)
            intro = _intro(section, start, kids)
            chunks += _passages(report, section, intro, start, max_chars)
            for kid in kids:
                chunks += _passages(report, kid, kid.text, body_start(kid), max_chars)
        else:
            chunks += _passages(report, section, section.text, body_start(section), max_chars)
    level1 = {s.number for s in report.sections if s.level == 1}
    for orphan in (s for s in report.sections if s.level != 1 and s.parent not in level1):
        chunks += _passages(report, orphan, orphan.text, body_start(orphan), max_chars)
    for table in TABLES:
        if table not in tables_done and any(f.table == table for f in report.facts):
            chunks += table_chunks(report, table, None, max_chars)
    return _unique_ids(chunks)


def _table_of(report: Report, section: Section) -> str | None:
    if report.template in (PRE2019, UNKNOWN):
        return None
    table = TABLE_OF_SECTION.get(section.number)
    return table if table and any(f.table == table for f in report.facts) else None


def _children(sections: list[Section]) -> dict[str, list[Section]]:
    kids: dict[str, list[Section]] = {}
    for s in sections:
        if s.level != 1 and s.parent:
            kids.setdefault(s.parent, []).append(s)
    return kids


def _body_locator(text: str | None):
    """section → where its body (Section.text, heading excluded) starts in the report text."""

    def locate(section: Section) -> int:
        if text is not None:
            found = text.find(section.text[:50], section.span[0], section.span[1])
            if found >= 0:
                return found
        # Without the text: the span runs to the next heading, so the body ends near its end.
        start = section.span[1] - len(section.text)
        return start if start >= section.span[0] else section.span[0]

    return locate


def _intro(section: Section, start: int, kids: list[Section]) -> str:
    """The part of a section before its first sub-section."""
    cut = kids[0].span[0] - start
    if not 0 <= cut <= len(section.text):
        # Spans were estimated: cut at the start of the line that carries the first sub-heading.
        found = section.text.find(kids[0].heading) if kids[0].heading else -1
        cut = len(section.text) if found < 0 else section.text.rfind("\n", 0, found) + 1
    return section.text[:cut]


def split_passage(text: str, max_chars: int) -> list[tuple[int, str]]:
    """(offset, part) pieces of at most max_chars, cut after sentence ends; stripped of outer whitespace."""
    pieces: list[tuple[int, str]] = []
    start, current = 0, ""
    offset = 0
    for sentence in _sentences(text, max_chars):
        if current and len(current) + len(sentence) > max_chars:
            pieces.append((start, current))
            start, current = offset, ""
        current += sentence
        offset += len(sentence)
    if current:
        pieces.append((start, current))
    out = []
    for at, part in pieces:
        stripped = part.strip()
        if stripped:
            out.append((at + len(part) - len(part.lstrip()), stripped))
    return out


def _sentences(text: str, max_chars: int) -> Iterable[str]:
    for sentence in _SENTENCE_END.split(text):
        # A sentence longer than a chunk (a run-on list, a flattened table) is cut at the limit.
        for i in range(0, len(sentence), max_chars):
            yield sentence[i : i + max_chars]


def _passages(report: Report, section: Section, text: str, start: int, max_chars: int) -> list[Chunk]:
    parts = split_passage(text, max_chars)
    return [
        _chunk(
            report,
            section.number,
            section.heading,
            section.parent,
            i,
            "narrative",
            part,
            (start + at, start + at + len(part)),
        )
        for i, (at, part) in enumerate(parts)
    ]


def _chunk(
    report: Report,
    number: str,
    heading: str,
    parent: str | None,
    part: int,
    kind: str,
    text: str,
    span: tuple[int, int],
) -> Chunk:
    section_key = f"{parent or ''}{number}" or "0"
    return Chunk(
        chunk_id=f"{report.report_id}:{section_key}:{part}",
        report_id=report.report_id,
        org=report.org,
        year=report.year,
        title=report.title,
        section_number=number,
        section_heading=heading,
        section_parent=parent,
        kind=kind,
        text=text,
        span=span,
    )


def fact_line(row_facts: list[Fact]) -> str:
    """One table row as a readable line: "本年新收政府信息公开申请数量：自然人 2，商业企业 21，法律服务机构 4，总计 27，其余 0".

    Zero cells other than the total are folded into "其余 0" so that a whole T3 fits one chunk;
    blank cells are printed as 空 (not 0) and ambiguous ones with their candidates.
    """
    keys = _template_keys()
    first = row_facts[0]
    info = keys.get(first.key)
    label = _ENUMERATOR.sub("", info.row_label if info else first.label)
    if first.table == "T3":
        label = next((p for k, p in _T3_GROUPS.items() if first.row.startswith(k)), "") + label
    if all(f.status == "ok" and f.value == 0 for f in row_facts):
        return f"{label}：{'总计 0' if any(f.col == 'total' for f in row_facts) else '均为 0'}"
    cells, folded = [], False
    for fact in row_facts:
        if fact.value == 0 and fact.status == "ok" and fact.col != "total" and len(row_facts) > 1:
            folded = True
            continue
        col = keys[fact.key].col_label if fact.key in keys else fact.col_label
        cells.append(f"{col} {_cell(fact)}")
    return f"{label}：{'，'.join(cells + (['其余 0'] if folded else []))}"


def _cell(fact: Fact) -> str:
    if fact.status == "ambiguous":
        return "不确定（" + "或".join(_number(c) for c in fact.candidates) + "）"
    if fact.value is None:
        return "空"
    return _number(fact.value)


def _number(value: int | float) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def table_chunks(report: Report, table: str, section: Section | None, max_chars: int) -> list[Chunk]:
    """The table's facts rendered row by row under the section heading, split by rows when too long."""
    number = section.number if section else SECTION_OF_TABLE[table]
    heading = section.heading if section else SECTION_HEADINGS[number]
    rows: dict[str, list[Fact]] = {}
    for fact in report.facts:
        if fact.table == table and fact.status != "missing":
            rows.setdefault(fact.row, []).append(fact)
    title_line = section_title(number, heading)
    groups: list[list[list[Fact]]] = [[]]
    size = len(title_line)
    for row in rows.values():
        line_len = len(fact_line(row)) + 1
        if groups[-1] and size + line_len > max_chars:
            groups.append([])
            size = len(title_line)
        groups[-1].append(row)
        size += line_len
    chunks = []
    for i, group in enumerate(g for g in groups if g):
        text = "\n".join([title_line, *(fact_line(row) for row in group)])
        span = _facts_span([f for row in group for f in row]) or (section.span if section else (0, 0))
        chunks.append(_chunk(report, number, heading, None, i, "table", text, span))
    return chunks


def _facts_span(facts: list[Fact]) -> tuple[int, int] | None:
    spans = [f.span for f in facts if f.span]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def _unique_ids(chunks: list[Chunk]) -> list[Chunk]:
    """A parser may number two sections alike; ids must still be unique within the collection."""
    seen: dict[str, int] = {}
    for chunk in chunks:
        n = seen.get(chunk.chunk_id, 0)
        seen[chunk.chunk_id] = n + 1
        if n:
            chunk.chunk_id = f"{chunk.chunk_id}.{n}"
    return chunks
