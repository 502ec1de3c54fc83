"""Tables T2, T3 and T4 → canonical facts, whatever the layout.

Each row is located by its label (in template order), and the text up to the next label holds its
cells: tab- or |-separated, space-separated, one per line, or run together by a crawler.
"""

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

from parsers.digits import CellSpec, RowCells, read_row, resolve_candidates
from parsers.models import Fact, Number
from parsers.template import (
    AMOUNT,
    T2_COLUMNS,
    T3_COLUMNS,
    T3_RESULT_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
    TEMPLATE_UNIT,
    Row,
    fact_key,
    t2_rows,
    t3_rows,
)

_MAX_COMBINATIONS = 20_000
_COUNTS7 = [CellSpec()] * 7
# A money unit printed in a header or after a row label: （单位：元）, （万元）, 金额(亿元).
_HEADER_UNIT = re.compile(r"[（(][^（）()]{0,8}?(亿元|万元|元)[^（）()]{0,12}[）)]|单\s*位\s*[:：]\s*(亿元|万元|元)")
_LABEL_UNIT = re.compile(r"^\s*[（(]\s*(?:单\s*位\s*[:：]\s*)?(亿元|万元|元)\s*[）)]")


@dataclass
class LocatedRow:
    row: Row
    start: int  # label start (enumerator included)
    end: int  # label end
    region_end: int = 0


def _enum_prefix(row: Row) -> str:
    if not row.enum:
        return ""
    if row.enum.isdigit():
        return row.enum + r"\s*[.．、]?\s*$"
    core = row.enum.strip("（）、")
    if row.enum.startswith("（"):
        return r"[（(]\s*" + core + r"\s*[）)]\s*$"
    return core + r"\s*[、.．]\s*$"


def locate_rows(text: str, rows: list[Row], start: int, end: int, stops: str | None = None) -> list[LocatedRow]:
    """Find each row label in order between start and end; a missing label is skipped."""
    found: list[LocatedRow] = []
    pos = start
    for row in rows:
        m = re.compile(row.pattern).search(text, pos, end)
        if not m:
            continue
        label_start = m.start()
        prefix = _enum_prefix(row)
        if prefix:
            before = re.search(prefix, text[max(start, label_start - 8) : label_start])
            if before:
                label_start = label_start - (len(text[max(start, label_start - 8) : label_start]) - before.start())
        found.append(LocatedRow(row, label_start, m.end()))
        pos = m.end()
    for i, loc in enumerate(found):
        loc.region_end = found[i + 1].start if i + 1 < len(found) else end
        if stops:
            stop = re.compile(stops).search(text, loc.end, loc.region_end)
            if stop:
                loc.region_end = stop.start()
    return found


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _facts(
    table: str,
    loc: LocatedRow,
    cols: list[str],
    col_labels: list[str],
    cells: RowCells,
    text: str,
    key_row: str | None = None,
    specs: list[CellSpec] | None = None,
) -> list[Fact]:
    label = re.sub(r"\s+", "", text[loc.start : loc.end])
    specs = specs or [CellSpec()] * len(cols)
    facts = []
    for i, col in enumerate(cols):
        cands = (
            sorted({x for v in cells.candidates if (x := v[i]) is not None}) if cells.status[i] == "ambiguous" else []
        )
        money = specs[i].kind == AMOUNT
        facts.append(
            Fact(
                key=fact_key(table, key_row or loc.row.key, col),
                table=table,
                row=key_row or loc.row.key,
                col=col,
                value=cells.values[i],
                raw=cells.raws[i],
                label=label,
                col_label=col_labels[i],
                span=(loc.start, loc.region_end),
                line=_line(text, loc.start),
                status=cells.status[i],
                candidates=cands,
                kind=specs[i].kind,
                unit=TEMPLATE_UNIT if money else None,
                printed_unit=cells.units[i] if money and cells.values[i] is not None or money and cands else None,
                split=cells.split if cells.status[i] != "blank" else "",
            )
        )
    return facts


def _row_sum_ok(values: list[Number]) -> bool:
    return abs(sum(values[:-1]) - values[-1]) < 1e-9


def parse_t3(text: str, span: tuple[int, int], version: str, limit: int) -> tuple[list[Fact], list[str]]:
    # Some 2021+ reports still print the 2019 single row (六)其他处理: follow the table, not the year.
    has_2021_rows = re.search(r"逾\s*期\s*不\s*补\s*正|逾\s*期\s*未\s*按\s*收\s*费", text[span[0] : span[1]])
    rows = t3_rows("v2021" if has_2021_rows else "v2019")
    located = locate_rows(text, rows, *span)
    if not located or located[0].row.key != "new_requests":
        return [], ["T3: table not found"] if located else []
    cells = {loc.row.key: read_row(text[loc.end : loc.region_end], _COUNTS7, _row_sum_ok, limit) for loc in located}
    warnings = _solve_t3_columns(cells)
    cols = [c.key for c in T3_COLUMNS]
    labels = [c.label for c in T3_COLUMNS]
    facts: list[Fact] = []
    for loc in located:
        facts.extend(_facts("T3", loc, cols, labels, cells[loc.row.key], text))
        warnings.extend(_cell_warnings("T3", loc.row.key, cells[loc.row.key]))
    missing = [r.key for r in rows if r.key not in cells]
    if missing:
        warnings.append(f"T3: rows not found: {', '.join(missing)}")
    return facts, warnings


def _column(rows: dict[str, list[Number | None]], keys: list[str], c: int) -> list[Number] | None:
    """Column c of the given rows, or None when a row is absent or its cell unknown."""
    cells = [rows[k][c] if k in rows else None for k in keys]
    return [x for x in cells if x is not None] if None not in cells else None


def _column_rules_ok(rows: dict[str, list[Number | None]]) -> bool:
    balance = ["new_requests", "carried_over", "processed_total", "carried_forward"]
    results = [k for k in T3_RESULT_ROWS if k in rows]
    for c in range(7):
        first = _column(rows, balance, c)
        if first is not None and abs(first[0] + first[1] - first[2] - first[3]) > 1e-9:
            return False
        summed, total = _column(rows, results, c), _column(rows, ["processed_total"], c)
        if summed and total is not None and abs(sum(summed) - total[0]) > 1e-9:
            return False
    return True


def _solve_t3_columns(cells: dict[str, RowCells]) -> list[str]:
    """Use the column rules to choose among a row's possible splits."""
    open_rows = [k for k, c in cells.items() if c.candidates]
    if not open_rows:
        return []
    choices = [cells[k].candidates for k in open_rows]
    total = 1
    for c in choices:
        total *= len(c)
    if total > _MAX_COMBINATIONS:
        return [f"T3: {total} combinations of run-together splits; column rules not applied"]
    base = {k: c.values for k, c in cells.items()}
    survivors = []
    for combo in itertools.product(*choices):
        rows = {**base, **dict(zip(open_rows, combo, strict=True))}
        if _column_rules_ok(rows):
            survivors.append(combo)
    if not survivors:
        return ["T3: no split of the run-together rows satisfies the column rules"]
    for i, key in enumerate(open_rows):
        vectors = [list(s[i]) for s in survivors]
        unique = [list(v) for v in {tuple(v) for v in vectors}]
        cells[key] = resolve_candidates(unique, None, cells[key].run_together)
    return []


def _cell_warnings(table: str, row: str, cells: RowCells) -> list[str]:
    out = []
    if any(s == "ambiguous" for s in cells.status):
        options = "; ".join(" | ".join(str(x) for x in v) for v in cells.candidates[:6])
        out.append(
            f"{table} row {row}: run-together digits '{cells.run_together}' fit {len(cells.candidates)} "
            f"splits ({options}); ambiguous cells stored as null"
        )
    if any(s == "missing" for s in cells.status):
        out.append(f"{table} row {row}: {cells.note or 'cells missing'}")
    elif cells.note:
        out.append(f"{table} row {row}: {cells.note}")
    return out


def parse_t2(text: str, span: tuple[int, int], version: str, limit: int) -> tuple[list[Fact], list[str]]:
    start = text.find("第二十条", *span)
    if start < 0:
        return [], []
    located = locate_rows(text, t2_rows(version), start, span[1], stops=r"第\s*二\s*十\s*条|信\s*息\s*内\s*容")
    facts: list[Fact] = []
    warnings: list[str] = []
    for loc in located:
        cols = list(loc.row.columns[version])
        region = text[loc.end : loc.region_end]
        unit = _printed_unit(text, start, loc, region)
        specs = [CellSpec(T2_COLUMNS[c].kind, unit if T2_COLUMNS[c].kind == AMOUNT else None) for c in cols]
        row_ok = _t2_items_ok if cols[:2] == ["prior_count", "change"] else None
        cells = read_row(region, specs, row_ok, limit)
        facts.extend(_facts("T2", loc, cols, [T2_COLUMNS[c].label for c in cols], cells, text, specs=specs))
        warnings.extend(_cell_warnings("T2", loc.row.key, cells))
    return facts, warnings


def _t2_items_ok(values: list[Number]) -> bool:
    """This year's items = last year's + the change: never negative."""
    return values[0] + values[1] >= 0


def _printed_unit(text: str, t2_start: int, loc: LocatedRow, region: str) -> str | None:
    """The money unit printed after the row label, else in its item's header, else the template's."""
    label = _LABEL_UNIT.match(region)
    if label:
        return label.group(1)
    group = text.rfind("第二十条", t2_start, loc.start)
    header = text[max(group, t2_start) : loc.start]
    units = [a or b for a, b in _HEADER_UNIT.findall(header)]
    return units[-1] if units else None


def _t4_ok(values: list[Number]) -> bool:
    return all(abs(sum(values[g * 5 : g * 5 + 4]) - values[g * 5 + 4]) < 1e-9 for g in range(3))


def parse_t4(text: str, span: tuple[int, int], limit: int) -> tuple[list[Fact], list[str]]:
    headers = list(re.finditer(r"总\s*计|尚\s*未\s*审\s*结", text[span[0] : span[1]]))
    if not headers:
        return [], []
    start = span[0] + headers[-1].end()
    narrative = re.search(r"[\u4e00-\u9fff]{4,}", text[start : span[1]])
    end = start + narrative.start() if narrative else span[1]
    cells = read_row(text[start:end], [CellSpec()] * 15, _t4_ok, limit)
    loc = LocatedRow(Row("all", "行政复议、行政诉讼", "", ""), span[0], start, end)
    facts: list[Fact] = []
    for g, group in enumerate(T4_GROUPS):
        part = RowCells(
            cells.values[g * 5 : g * 5 + 5],
            cells.raws[g * 5 : g * 5 + 5],
            cells.status[g * 5 : g * 5 + 5],
            [v[g * 5 : g * 5 + 5] for v in cells.candidates],
            cells.run_together,
            cells.note,
            split=cells.split,
        )
        loc.row = Row(group.key, group.label, group.en, "")
        facts.extend(
            _facts(
                "T4", loc, [o.key for o in T4_OUTCOMES], [o.label for o in T4_OUTCOMES], part, text, key_row=group.key
            )
        )
        for f in facts[-5:]:
            f.label = group.label
    return facts, _cell_warnings("T4", "all", cells)


# One reader per table of the template (parsers/template.py TABLES), called with the table's section span;
# T4 is printed the same way in every template version.
READERS: dict[str, Callable[[str, tuple[int, int], str, int], tuple[list[Fact], list[str]]]] = {
    "T2": parse_t2,
    "T3": parse_t3,
    "T4": lambda text, span, version, limit: parse_t4(text, span, limit),
}
