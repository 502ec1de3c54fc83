"""How reports print their numbers: the forms the synthetic generator renders and the parser must read.

Offices print the same value in many ways: thousands separators (1,234 / 1，234), full-width digits,
a space between digit groups, money in 元 or 亿元 instead of the template's 万元 (the unit stated in
the column header, or printed in the cell itself), blank cells as —, -, / or 无, and crawled pages that
run a row's cells together. ``NumberForms`` names one choice of each; ``print_number`` applies it.
"""

import random
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from parsers.template import AMOUNT, MONEY_UNITS, SIGNED, TEMPLATE_UNIT

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


class NumberForms(BaseModel):
    thousands: Literal["", ",", "，"] = Field("", description="Separator between digit groups of 1,000 and more.")
    spaced: bool = Field(False, description="'1 234': a space between digit groups inside one cell.")
    fullwidth: bool = Field(False, description="Digits printed full-width (１２３).")
    money_unit: Literal["万元", "元", "亿元"] = Field(
        "万元", description="Unit money is printed in (the template's is 万元)."
    )
    unit_in_cell: bool = Field(False, description="The money unit printed after the number, not in the header.")
    blank_mark: Literal["", "—", "-", "/", "无"] = Field("", description="What a blank cell shows.")
    run_together: bool = Field(False, description="txt only: a row's cells printed with no separator (crawlers).")


def random_forms(rng: random.Random, run_together: bool = False) -> NumberForms:
    """One random choice of every form; run_together only where the layout allows it (plain text)."""
    thousands = rng.choice(["", "", ",", "，"])
    return NumberForms(
        thousands=thousands,
        spaced=not thousands and not run_together and rng.random() < 0.3,
        fullwidth=rng.random() < 0.3,
        money_unit=rng.choice(["万元", "万元", "元", "亿元"]),
        unit_in_cell=rng.random() < 0.4,
        # A crawler's text keeps a dash between digits; an empty or word-like blank would vanish or merge.
        blank_mark="—" if run_together else rng.choice(["", "—", "-", "/", "无"]),
        run_together=run_together,
    )


def money_text(value: float | int, unit: str) -> str:
    """A 万元 amount written in another unit, exactly (Decimal, no float rounding)."""
    factor = Decimal(MONEY_UNITS[unit][0])
    printed = Decimal(repr(value)) / factor
    text = format(printed.normalize(), "f")
    return text


def _grouped(digits: str, forms: NumberForms) -> str:
    mark = forms.thousands or (" " if forms.spaced else "")
    if not mark or len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    return mark.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def print_number(value: int | float | None, kind: str, forms: NumberForms, plus: bool = False) -> str:
    """The cell text for value (money given in 万元) in the chosen forms."""
    if value is None:
        return forms.blank_mark
    text = money_text(value, forms.money_unit) if kind == AMOUNT else str(value)
    sign = "-" if text.startswith("-") else ("+" if plus and kind == SIGNED and value > 0 else "")
    whole, dot, fraction = text.lstrip("-").partition(".")
    text = sign + _grouped(whole, forms) + dot + fraction
    if forms.fullwidth:
        text = text.translate(_FULLWIDTH)
    if kind == AMOUNT and forms.unit_in_cell:
        text += forms.money_unit
    return text


def money_header(header: str, forms: NumberForms) -> str:
    """A money column's header stating the printed unit, or none when the cells carry it."""
    if forms.unit_in_cell:
        return header.split("（")[0]
    return header.replace(TEMPLATE_UNIT, forms.money_unit)
