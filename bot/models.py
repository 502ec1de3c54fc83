"""The question plan and the answer: the same Answer leaves the CLI, the web app and eval."""

from typing import Literal

from pydantic import BaseModel, Field

from parsers.models import Number

Intent = Literal["fact", "compare", "trend", "rank", "narrative", "list", "check"]
Status = Literal["answered", "not_found", "ambiguous", "error"]


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

    def contract(self) -> dict:
        """The JSON object of `govqa ask --json` and the web API."""
        return self.model_dump(
            include={"question", "status", "route", "answer", "value", "unit", "citations", "elapsed_ms"},
            exclude={"citations": {"__all__": {"key", "span"}}},
        )
