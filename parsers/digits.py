"""Cells of a table row: numbers as printed, blanks, units, and run-together digits — read by kind.

Every cell has a kind from the template (parsers/template.py): a count is a non-negative integer, an
amount a non-negative decimal of money, a signed cell (本年增/减 only) an integer that may carry a sign.
Printed forms are normalised first: full-width digits, thousands separators (1,234 / 1，234), spaces
inside a number in one cell, and the blank marks (—, -, /, 无, empty) that mean "nothing printed".

Crawled pages lose the separators between cells (``21710000218`` is 217 | 1 | 0 | 0 | 0 | 0 | 218).
We enumerate every way to cut the digits into the row's cells such that each piece is a number of its
cell's kind — no leading zeros, a sign only at the start of a signed cell, decimals only in an amount
and never more than its unit is printed with — and keep the cuts that satisfy the template's own
arithmetic. When more than one cut is left the cells they disagree on stay ambiguous with candidates.
"""

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from parsers.models import Number
from parsers.template import AMOUNT, COUNT, MONEY_UNITS, SIGNED, TEMPLATE_UNIT

_SEPARATED = re.compile(r"[\t|｜]")
BLANK_MARKS = frozenset({"", "-", "--", "—", "——", "–", "/", "无", "－", "／", "空"})
_UNIT = r"(亿元|万元|元)"
_CELL_NUMBER = re.compile(r"([-+]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?" + _UNIT + r"?")
_NOTE = re.compile(r"[（(][^（）()]*[\u4e00-\u9fff][^（）()]*[）)]")
# A comma between digits before three more is a thousands separator, even where a crawler ran the next
# cell's digits on ("1,2345" is 1234 | 5 or 12 | 345 …): tables print no other comma between digits.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3})")
# In text that is not split into cells: a number (its unit printed after it), or a blank mark standing alone.
# A dash (—) marks a blank cell even between digits (crawled text keeps it); -, /, 无 only standing alone,
# since "-" before digits is a sign and 无 starts words (无法提供).
_TOKEN = re.compile(r"[-+]?\d+(?:\.\d+)?" + _UNIT + r"?|—+|(?<!\S)(?:-|–|/|无)(?!\S)")
_PIECE = {
    COUNT: re.compile(r"0|[1-9]\d*"),
    SIGNED: re.compile(r"[-+]?(?:0|[1-9]\d*)"),
}


@dataclass(frozen=True)
class CellSpec:
    """What one cell may hold: its kind and, for money, the unit the table prints it in."""

    kind: str = COUNT
    unit: str | None = None  # money unit printed in the row label or column header; None: the template's

    @property
    def money_unit(self) -> str:
        return self.unit or TEMPLATE_UNIT


@dataclass
class RowCells:
    """The cells of one row: values (None = blank/unknown), raws, and unresolved candidates."""

    values: list[Number | None]
    raws: list[str]
    status: list[str]  # ok | blank | ambiguous | missing
    candidates: list[list[Number | None]] = field(default_factory=list)  # whole-row vectors if ambiguous
    run_together: str = ""
    note: str = ""
    units: list[str | None] = field(default_factory=list)  # money: the unit each value was printed in
    split: str = ""  # cut from run-together digits: "by_arithmetic" (the row's own rule confirms it) or "by_kinds"

    def __post_init__(self) -> None:
        if not self.units:
            self.units = [None] * len(self.values)


def normalise(text: str) -> str:
    """Full-width digits and punctuation to ASCII; 1,234 and 1，234 lose their thousands separators."""
    text = unicodedata.normalize("NFKC", text).replace("\u3000", " ")
    return _THOUSANDS.sub("", text)


def _decimals(number: str) -> int:
    return len(number.partition(".")[2])


def to_value(number: str, spec: CellSpec, printed_unit: str | None = None) -> Number:
    """The number in the template's unit: money printed in 元 or 亿元 is converted to 万元 exactly."""
    text = number.lstrip("+")
    if spec.kind != AMOUNT:
        return int(text) if "." not in text else float(text)
    factor = Decimal(MONEY_UNITS[printed_unit or spec.money_unit][0])
    value = Decimal(text) * factor
    return int(value) if value == value.to_integral_value() else float(value)


def fits(piece: str, spec: CellSpec, printed_unit: str | None = None) -> bool:
    """Is the digit string a number of the cell's kind (and of its unit's precision)?"""
    if spec.kind != AMOUNT:
        return bool(_PIECE[spec.kind].fullmatch(piece)) and printed_unit is None
    whole, dot, fraction = piece.partition(".")
    if not _PIECE[COUNT].fullmatch(whole) or (dot and not fraction.isdigit()):
        return False
    return len(fraction) <= MONEY_UNITS[printed_unit or spec.money_unit][1]


@dataclass(frozen=True)
class _Token:
    number: str  # digits, maybe a sign and decimals; "" for a blank mark
    unit: str | None = None
    dashes: int = 1  # a blank mark: how many dashes in a row (— or —— is one blank cell; ———— may be two)


def tokens_of(region: str) -> list[_Token]:
    """Numbers (with any unit printed after them) and blank marks (number ''), in order."""
    out = []
    for m in _TOKEN.finditer(normalise(_NOTE.sub(" ", region))):
        text, unit = m.group(0), m.group(1)
        if not re.search(r"\d", text):
            out.append(_Token("", dashes=len(text) if text.startswith("—") else 1))
        else:
            out.append(_Token(text[: len(text) - len(unit)] if unit else text, unit))
    return out


def split_cells(region: str) -> list[str] | None:
    """Cells of a tab- or |-separated region, or None when the region has no separators."""
    if not _SEPARATED.search(region):
        return None
    return [c.strip() for c in _SEPARATED.split(region.replace("\n", ""))]


def _trim(cells: list[tuple[str, str | None]], n: int) -> list[tuple[str, str | None]]:
    """Drop (printed, read) cells read empty at the edges (label columns, row ends) while there are more than n."""
    cells = list(cells)
    while len(cells) > n and cells[0][1] == "":
        cells.pop(0)
    while len(cells) > n and cells[-1][1] == "":
        cells.pop()
    return cells


_SPACED_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?![\d])")
_CELL_CORE = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?" + _UNIT + "?")


def _cell_text(cell: str) -> str | None:
    """A separated cell as a number text ('' = blank or words only), or None when it holds no one number.

    A cell may share its text with the rest of a label (``0三、本年度办理结果`` once line ends are
    removed): the words around the one number are dropped, as they carry no value.
    """
    # A space inside a number only as a thousands separator (1 234); "12 34" is two numbers, not 1234.
    text = _SPACED_GROUPS.sub(lambda m: m.group(0).replace(" ", ""), normalise(_NOTE.sub("", cell)).strip())
    text = re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", text)
    if text in BLANK_MARKS or not re.search(r"\d", text):
        return ""
    if _CELL_NUMBER.fullmatch(text):
        return text
    found = list(_CELL_CORE.finditer(text))
    if len(found) == 1 and _CELL_NUMBER.fullmatch(found[0].group(0)):
        return found[0].group(0)
    return None


def read_row(region: str, specs: list[CellSpec], row_ok: Callable[[list[Number]], bool] | None, limit: int) -> RowCells:
    """Interpret the text after a row label as len(specs) cells of the given kinds."""
    n = len(specs)
    cells = split_cells(region)
    if cells is not None:
        pairs = _trim([(c, _cell_text(c)) for c in cells], n)
        texts = [t for _, t in pairs]
        if all(t is not None for t in texts):
            filled = [t for t in texts if t]
            if not filled:
                return RowCells([None] * n, [""] * n, ["blank"] * n)
            if len(texts) == n or len(filled) > n:
                return _positional([_token_of_cell(t or "") for t in (texts if len(texts) == n else filled)], specs)
        elif len(texts) == n:  # a cell holding no one number ("12 34"): that cell is unknown, the others stand
            printed = [t if t is not None else re.sub(r"\s+", " ", c.strip()) for c, t in pairs]
            return _positional([_token_of_cell(t) for t in printed], specs)
    tokens = tokens_of(region)
    if not any(t.number for t in tokens):
        return RowCells([None] * n, [""] * n, ["blank"] * n)
    if len(tokens) >= n and all(not t.number or fits(t.number, s, t.unit) for t, s in zip(tokens, specs, strict=False)):
        return _positional(tokens, specs)
    return _segment(tokens, specs, row_ok, limit)


def _token_of_cell(text: str) -> _Token:
    if not text:
        return _Token("")
    m = _CELL_NUMBER.fullmatch(text)
    if not m:
        return _Token(text)  # printed, but no number of any kind: never fits, so it is never stored as ok
    return _Token(m.group(1) + m.group(2).replace(",", "") + (m.group(3) or ""), m.group(4))


def _printed(token: _Token) -> str:
    return token.number + (token.unit or "") if token.number else "—"


def _positional(tokens: list[_Token], specs: list[CellSpec]) -> RowCells:
    """One token per cell; a token that is not a number of its cell's kind is never stored as ok."""
    n = len(specs)
    used = (tokens + [_Token("")] * n)[:n]
    values: list[Number | None] = []
    status: list[str] = []
    bad: list[str] = []
    for i, (token, spec) in enumerate(zip(used, specs, strict=True)):
        if not token.number:
            values.append(None)
            status.append("blank")
        elif fits(token.number, spec, token.unit):
            values.append(to_value(token.number, spec, token.unit))
            status.append("ok")
        else:
            values.append(None)
            status.append("ambiguous")
            bad.append(f"cell {i + 1} '{_printed(token)}' is not a {_kind_words(spec)}")
    extra = f"{len(tokens) - n} extra trailing cell(s) ignored" if any(t.number for t in tokens[n:]) else ""
    units = [_unit_of(t, s) for t, s in zip(used, specs, strict=True)]
    return RowCells(
        values, [_printed(t) for t in used], status, note="; ".join(filter(None, bad + [extra])), units=units
    )


def _kind_words(spec: CellSpec) -> str:
    if spec.kind == AMOUNT:
        return f"non-negative amount of at most {MONEY_UNITS[spec.money_unit][1]} decimals in {spec.money_unit}"
    return "non-negative integer" if spec.kind == COUNT else "signed integer"


def _unit_of(token: _Token, spec: CellSpec) -> str | None:
    return (token.unit or spec.unit) if spec.kind == AMOUNT and token.number else None


def _cuts(
    tokens: list[_Token], specs: list[CellSpec], limit: int, leftover: bool
) -> Iterator[list[tuple[str, str | None]]]:
    """Cuts of the tokens into exactly len(specs) pieces, each a number of its cell's kind.

    A cut never crosses a token boundary (a space, a label, a unit). With leftover, digits after the
    last cell may remain unused (a decimal that ran into whatever the crawler printed next).
    """
    n = len(specs)
    count = 0

    def walk(t: int, pos: int, acc: list[tuple[str, str | None]]) -> Iterator[list[tuple[str, str | None]]]:
        if len(acc) == n:
            # Left-over digits only where a decimal ran on into what follows, or as whole tokens.
            if t == len(tokens) or leftover and (pos == 0 or "." in acc[-1][0]):
                yield acc
            return
        if t == len(tokens) or n - len(acc) < len(tokens) - t and not leftover:
            return
        tok = tokens[t]
        if not tok.number:  # each — or —— of a run of dashes is one blank cell
            for cells in range((tok.dashes + 1) // 2, tok.dashes + 1):
                if len(acc) + cells <= n:
                    yield from walk(t + 1, 0, acc + [("", None)] * cells)
            return
        for end in range(pos + 1, len(tok.number) + 1):
            piece = tok.number[pos:end]
            at_end = end == len(tok.number)
            if fits(piece, specs[len(acc)], tok.unit if at_end else None):
                nxt = (t + 1, 0) if at_end else (t, end)
                yield from walk(*nxt, acc + [(piece, tok.unit if at_end else None)])

    for cut in walk(0, 0, []):
        count += 1
        if count > limit:
            return
        yield cut


def _segment(
    tokens: list[_Token], specs: list[CellSpec], row_ok: Callable[[list[Number]], bool] | None, limit: int
) -> RowCells:
    n = len(specs)
    joined = "".join(_printed(t) for t in tokens)
    how = "by_arithmetic" if row_ok is not None else "by_kinds"
    for leftover in (False, True):
        options = []
        for cut in _cuts(tokens, specs, limit, leftover):
            values = [to_value(p, s, u) if p else None for (p, u), s in zip(cut, specs, strict=True)]
            if row_ok is None or row_ok([0 if v is None else v for v in values]):  # blank counts as 0
                options.append((cut, values))
        if options:
            break
    if not options:
        return RowCells(
            [None] * n,
            [joined] * n,
            ["missing"] * n,
            run_together=joined,
            split=how,
            note=f"cannot split '{joined}' into {n} cells of their kinds that satisfy the table's arithmetic",
        )
    units = [(u or s.unit) if s.kind == AMOUNT else None for (_, u), s in zip(options[0][0], specs, strict=True)]
    if len(options) == 1 and not leftover:
        cut, values = options[0]
        return RowCells(
            values,
            [p + (u or "") for p, u in cut],
            ["ok" if p else "blank" for p, _ in cut],
            run_together=joined,
            units=units,
            split=how,
        )
    cells = resolve_candidates([v for _, v in options], [[p + (u or "") for p, u in c] for c, _ in options], joined)
    if leftover:  # digits the row cannot account for: no cell cut from them is certain
        cells.status = ["ambiguous"] * n
        cells.values = [None] * n
        cells.raws = [joined] * n
        cells.note = f"digits after the row's last cell in '{joined}'"
    cells.units, cells.split = units, how
    cells.status = ["blank" if s == "ok" and v is None else s for s, v in zip(cells.status, cells.values, strict=True)]
    return cells


def resolve_candidates(vectors: list[list[Number | None]], cuts: list[list[str]] | None, joined: str) -> RowCells:
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
    return RowCells(values, raws, status, candidates=vectors, run_together=joined, split="by_arithmetic")
