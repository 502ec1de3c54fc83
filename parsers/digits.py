"""Cells of a table row: numbers as printed, blanks, and run-together digits.

Crawled pages lose the separators between cells (``21710000218`` is 217 | 1 | 0 | 0 | 0 | 0 | 218).
We enumerate every way to cut the digits into the row's cells (no leading zeros, since a printed
``07`` does not happen) and keep the cuts that satisfy the template's own arithmetic.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from parsers.models import Number

NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_SEPARATED = re.compile(r"[\t|]")


def to_number(raw: str) -> Number:
    text = raw.lstrip("+")
    return float(text) if "." in text else int(text)


@dataclass
class RowCells:
    """The cells of one row: values (None = blank/unknown), raws, and unresolved candidates."""

    values: list[Number | None]
    raws: list[str]
    status: list[str]  # ok | blank | ambiguous | missing
    candidates: list[list[Number]] = field(default_factory=list)  # whole-row candidate vectors if ambiguous
    run_together: str = ""
    note: str = ""


def _splits(token: str) -> Iterator[list[str]]:
    """Every way of cutting a digit string into numbers without leading zeros."""
    if not token:
        yield []
        return
    if token[0] == "0":
        for rest in _splits(token[1:]):
            yield ["0", *rest]
        return
    for i in range(1, len(token) + 1):
        for rest in _splits(token[i:]):
            yield [token[:i], *rest]


def _segmentations(tokens: list[str], n: int, limit: int) -> Iterator[list[str]]:
    """Cuts of the tokens (boundaries between tokens are kept) into exactly n cells."""

    def walk(i: int, acc: list[str]) -> Iterator[list[str]]:
        if len(acc) > n:
            return
        if i == len(tokens):
            if len(acc) == n:
                yield acc
            return
        tok = tokens[i]
        whole, dot, fraction = tok.partition(".")
        if not whole.isdigit():
            yield from walk(i + 1, [*acc, tok])
            return
        for parts in _splits(whole):
            if dot:  # only the last cell cut from "…432.52" can carry the decimals
                parts = [*parts[:-1], parts[-1] + dot + fraction]
            if len(acc) + len(parts) + (len(tokens) - i - 1) <= n:
                yield from walk(i + 1, acc + parts)

    count = 0
    for cut in walk(0, []):
        count += 1
        if count > limit:
            return
        yield cut


def split_cells(region: str) -> list[str] | None:
    """Cells of a tab- or |-separated region, or None when the region has no separators."""
    if not _SEPARATED.search(region):
        return None
    return [c.strip() for c in _SEPARATED.split(region.replace("\n", ""))]


def _trim(cells: list[str], n: int) -> list[str]:
    """Drop empty cells at the edges (label columns, row ends) while there are more than n."""
    cells = list(cells)
    while len(cells) > n and cells[0] == "":
        cells.pop(0)
    while len(cells) > n and cells[-1] == "":
        cells.pop()
    return cells


def read_row(region: str, n: int, row_ok: Callable[[list[Number]], bool] | None, limit: int) -> RowCells:
    """Interpret the text after a row label as n cells."""
    cells = split_cells(region)
    if cells is not None and all(c == "" or NUMBER.fullmatch(c) for c in cells):
        cells = _trim(cells, n)
        filled = [c for c in cells if c]
        if not filled:
            return RowCells([None] * n, [""] * n, ["blank"] * n)
        if len(cells) == n:
            return _positional(cells, n)
        if len(filled) > n:
            return _positional(filled, n)
    tokens = NUMBER.findall(region)
    if not tokens:
        return RowCells([None] * n, [""] * n, ["blank"] * n)
    if len(tokens) >= n:
        return _positional(tokens, n)
    return _segment(tokens, n, row_ok, limit)


def _positional(cells: list[str], n: int) -> RowCells:
    used = (cells + [""] * n)[:n]
    values = [to_number(c) if c else None for c in used]
    status = ["ok" if c else "blank" for c in used]
    note = f"{len(cells) - n} extra trailing cell(s) ignored" if len(cells) > n and any(cells[n:]) else ""
    return RowCells(values, used, status, note=note)


def _segment(tokens: list[str], n: int, row_ok: Callable[[list[Number]], bool] | None, limit: int) -> RowCells:
    joined = "".join(tokens)
    options = []
    for cut in _segmentations(tokens, n, limit):
        values = [to_number(c) for c in cut]
        if row_ok is None or row_ok(values):
            options.append((cut, values))
    if len(options) == 1:
        cut, values = options[0]
        return RowCells(values, cut, ["ok"] * n, run_together=joined)
    if not options:
        return RowCells([None] * n, [joined] * n, ["missing"] * n, run_together=joined,
                        note=f"cannot split '{joined}' into {n} cells that satisfy the table's arithmetic")
    return resolve_candidates([v for _, v in options], [c for c, _ in options], joined)


def resolve_candidates(vectors: list[list[Number]], cuts: list[list[str]] | None, joined: str) -> RowCells:
    """Cells on which every candidate agrees are known; the others stay ambiguous."""
    n = len(vectors[0])
    values: list[Number | None] = []
    raws: list[str] = []
    status: list[str] = []
    for i in range(n):
        column = {v[i] for v in vectors}
        if len(column) == 1:
            values.append(vectors[0][i])
            raws.append(cuts[0][i] if cuts else str(vectors[0][i]))
            status.append("ok")
        else:
            values.append(None)
            raws.append(joined)
            status.append("ambiguous")
    return RowCells(values, raws, status, candidates=vectors, run_together=joined)
