"""The question plan and the answer: the same Answer leaves the CLI, the web app and eval."""

from typing import Literal

from pydantic import BaseModel, Field

from parsers.models import Number

Intent = Literal["fact", "compare", "trend", "rank", "narrative", "list", "check"]
# help: a greeting, a question about the bot itself or one outside the reports, answered with what it can do
Status = Literal["answered", "not_found", "ambiguous", "error", "help"]


class Measure(BaseModel):
    """One number an answer can give: the sum of `parts`; each part lists alternative keys (the first one a
    report holds is used — v2019 and v2021 name some cells differently). Built by bot/metrics.py."""

    name: str = Field(description="Stable id: the canonical key for a single cell, else table/rows/cols.")
    label: str = Field(description="Chinese label, row（column）.")
    label_en: str
    parts: list[list[str]]
    unit: str = Field("件", description="Unit of the value: 件 for counts, 万元 for money.")

    @property
    def keys(self) -> list[str]:
        return [k for part in self.parts for k in part]


OperationKind = Literal[
    "value", "list", "sum", "mean", "difference", "change_pct", "share", "multiple", "rank", "exists", "count"
]


class Operand(BaseModel):
    """One figure an operation uses: a measure of one office in one year (None: every year held)."""

    role: Literal["term", "numerator", "denominator", "minuend", "subtrahend", "candidate"]
    measure: Measure
    office: str | None = None
    year: int | None = None


class Operation(BaseModel):
    """What the answer computes from the facts (built by bot/operations.py, computed by bot/calculator.py)."""

    kind: OperationKind = "value"
    over: Literal["offices", "years", "categories", "measures"] | None = Field(
        None, description="What a sum/mean/rank runs over; categories: the rows or columns of one table group."
    )
    numerator: Measure | None = None
    denominator: Measure | None = None
    convention: str | None = Field(
        None, description="Why this denominator: declared, or a docs/template.md convention id."
    )
    categories: list[Measure] = Field(default_factory=list, description="rank over categories: the candidates.")
    order: Literal["desc", "asc"] = "desc"
    top: int = Field(1, description="rank: how many places are asked (前三 → 3).")
    count_of: Literal["reports", "years", "offices"] | None = None
    operands: list[Operand] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list, description="The question words that named the operation.")


class QueryPlan(BaseModel):
    question: str
    language: Literal["zh", "en"]
    intent: Intent
    offices: list[str] = Field(default_factory=list, description="Resolved full office names.")
    office_mentions: list[str] = Field(default_factory=list, description="The words in the question that named them.")
    ambiguous_offices: list[str] = Field(default_factory=list, description="Offices that fit a mention equally well.")
    years: list[int] = Field(default_factory=list, description="Empty: every year there is.")
    metrics: list[str] = Field(default_factory=list, description="Canonical fact keys.")
    metric_confidence: float = 0.0
    route: Literal["sql", "retrieval"] = "retrieval"
    asks_number: bool = Field(False, description="The question asks how many / how much.")
    planner: Literal["rules", "llm"] = "rules"
    measures: list[Measure] = Field(
        default_factory=list, description="What each asked-for number sums (the metrics, grouped)."
    )
    related_offices: list[str] = Field(
        default_factory=list, description="The named region's other offices with reports (mentioned as also available)."
    )
    unknown_offices: list[str] = Field(
        default_factory=list, description="Names in the question that fit no stored office (上海市人民政府)."
    )
    across_offices: bool = Field(False, description="The question asks about every office (哪个单位, each office).")
    aggregation: Literal["sum", "avg", "diff"] | None = Field(
        None, description="Sum or average over offices/years; diff: first minus second (比…多多少)."
    )
    order: Literal["desc", "asc"] | None = Field(None, description="Ranking direction (most / least).")
    diff_reverse: bool = Field(
        False,
        description="diff: the second series item minus the first (2024比2023多多少, increase from 2023 to 2024).",
    )
    metric_words: list[str] = Field(default_factory=list, description="The question words that named the metrics.")
    operation: Operation = Field(default_factory=Operation, description="What is computed, over which operands.")
    unheld: list[str] = Field(
        default_factory=list, description="Question words naming something no report table or text records (满意度)."
    )
    read_as: list[tuple[str, str]] = Field(
        default_factory=list,
        description="(misspelt name, office it was read as): 伊穿县 → 伊川县人民政府; the answer says so.",
    )


class Citation(BaseModel):
    report_id: str
    title: str
    org: str
    year: int | None
    section: str = Field(description="Section number and heading, e.g. '三、收到和处理政府信息公开申请情况'.")
    locator: str = Field(description="Table cell (row label × column label) or character span of the passage.")
    quote: str = Field(description="The printed value or the quoted passage.")
    key: str | None = Field(None, description="Canonical fact key for a table citation.")
    span: tuple[int, int] | None = None


class Answer(BaseModel):
    question: str
    status: Status
    route: str
    answer: str
    value: Number | None = None
    unit: str | None = None
    citations: list[Citation] = Field(default_factory=list)
    elapsed_ms: float = 0.0
    plan: QueryPlan | None = Field(None, description="How the question was understood (not part of the JSON contract).")
    candidates: list[str] = Field(default_factory=list, description="Follow-up questions for ambiguous answers.")
    series: list[tuple[str, Number | None]] = Field(
        default_factory=list, description="(label, value) pairs for trend/compare answers, for charts."
    )
    resolved: str | None = Field(
        None,
        description="How the question was read, in words (office, years, measure, operation): a follow-up "
        "shows what it took from the earlier turns.",
    )

    def contract(self) -> dict:
        """The JSON object of `govqa ask --json` and the web API."""
        return self.model_dump(
            include={"question", "status", "route", "answer", "value", "unit", "citations", "elapsed_ms", "resolved"},
            exclude={"citations": {"__all__": {"key", "span"}}},
        )
