"""Typed results of parsing: what crosses from parsers/ to index/ and bot/."""

from typing import Literal

from pydantic import BaseModel, Field

TableKey = Literal["T2", "T3", "T4"]
FactStatus = Literal["ok", "blank", "ambiguous", "missing"]
TemplateVersion = Literal["v2019", "v2021", "pre2019", "unknown"]

Number = int | float


class Section(BaseModel):
    number: str = Field(description="Heading enumerator as printed: 一…六, or （一） for a sub-section.")
    level: int = Field(1, description="1 for 一、 headings, 2 for （一） sub-headings.")
    heading: str = Field(description="Heading text as printed, without the enumerator.")
    text: str = Field(description="Body text of the section (heading excluded).")
    span: tuple[int, int] = Field(description="Character span of the section (heading included) in the report text.")
    parent: str | None = Field(None, description="For a sub-section, the number of its 一、-level section.")


class Fact(BaseModel):
    key: str = Field(description="Canonical key, e.g. T3/new_requests/total.")
    table: TableKey
    row: str
    col: str
    value: Number | None = Field(description="The number; null for a blank or ambiguous cell.")
    raw: str = Field(description="The cell text as printed ('' for a blank cell).")
    label: str = Field(description="Row label as printed in the report.")
    col_label: str = Field(description="Canonical column label.")
    span: tuple[int, int] | None = Field(None, description="Character span of the row in the report text.")
    line: int | None = Field(None, description="1-based line of the row in the report text.")
    status: FactStatus = "ok"
    candidates: list[Number] = Field(default_factory=list, description="Possible values of an ambiguous cell.")
    kind: Literal["count", "amount", "signed"] = Field("count", description="The template's kind of the cell.")
    unit: str | None = Field(None, description="Unit of value: the template's 万元 for money, none for counts.")
    printed_unit: str | None = Field(
        None,
        description="Money unit as the report printed it (元/万元/亿元); "
        "value is converted from it, raw keeps the printed text.",
    )
    split: Literal["", "by_arithmetic", "by_kinds"] = Field(
        "",
        description="Cut from run-together digits, not read from its own cell: by_arithmetic when the only "
        "cut satisfying its row's own rule, by_kinds when only the cells' kinds chose it.",
    )


def quality_key(doubtful: int, facts: int) -> tuple[int, int]:
    """How two parses of one report are ranked (lower is better): fewer ambiguous or missing cells, then more facts."""
    return (doubtful, -facts)


class Check(BaseModel):
    rule: str = Field(description="Which consistency rule, e.g. 'T3 row new_requests: total = sum of applicants'.")
    ok: bool | None = Field(description="True holds, False broken, null not checkable (unknown cells).")
    detail: str
    cells: list[str] = Field(default_factory=list, description="Keys of the cells in the broken instances.")


class Report(BaseModel):
    report_id: str = Field(description="Stable id: a hash of the report's normalised text.")
    source: str = Field(description="The path as given.")
    title: str
    org: str = Field(description="Full issuing office.")
    region: list[str] = Field(default_factory=list, description="Region chain where known: province, city, county.")
    year: int | None
    template: TemplateVersion
    sections: list[Section] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    text: str = Field(
        "",
        exclude=True,
        repr=False,
        description="The text the parser read (section and fact spans point into it); not serialised.",
    )

    def fact(self, key: str) -> Fact | None:
        return next((f for f in self.facts if f.key == key), None)

    def value(self, key: str) -> Number | None:
        fact = self.fact(key)
        return fact.value if fact else None

    @property
    def parse_quality(self) -> tuple[int, int]:
        """Sort key of competing parses of one report (lower is better); see quality_key."""
        doubtful = sum(1 for f in self.facts if f.status in ("ambiguous", "missing"))
        return quality_key(doubtful, sum(1 for f in self.facts if f.status != "missing"))

    @property
    def checks_failed(self) -> list[Check]:
        return [c for c in self.checks if c.ok is False]
