"""Optional chat model (settings.bot.llm_model): plans questions the rules are unsure about, and words
narrative answers from the retrieved quotes. Numbers never come from the model: a plan's metric keys and
offices are checked against the template and the store, and a wording holding any number that is not in
the quotes is discarded for the extractive answer. Nothing here runs unless a model is configured."""

import json
import logging
import re
from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage
from langchain_core.output_parsers import PydanticOutputParser
from pydantic import BaseModel, Field, ValidationError

from bot.metrics import MetricMatcher
from bot.models import Intent, QueryPlan
from govqa.errors import ModelError
from govqa.settings import Settings
from parsers.template import TABLES, all_keys

log = logging.getLogger(__name__)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


class PlanDraft(BaseModel):
    """What the chat model is asked to fill in for one question."""

    intent: Intent = Field(description="fact | compare | trend | rank | narrative | list | check")
    offices: list[str] = Field(default_factory=list, description="Full office names, copied from the list given.")
    years: list[int] = Field(default_factory=list, description="Report years named in the question.")
    metrics: list[str] = Field(default_factory=list, description="Canonical fact keys such as T3/new_requests/total.")


def _key_guide() -> str:
    """Every table of the template with its row and column keys (T4: groups × outcomes), for the prompt."""
    lines = []
    for key, spec in TABLES.items():
        rows = ", ".join(f"{r.key}={r.label}" for r in spec.rows)
        cols = ", ".join(f"{c.key}={c.label}" for c in spec.columns)
        lines.append(f"{key}/<row>/<col> ({spec.title}) rows: {rows}. cols: {cols}.")
    return "\n".join(lines)


def numbers_supported(text: str, quotes: list[str]) -> bool:
    """Every number written in the text appears in one of the quotes."""
    joined = " ".join(quotes)
    return all(n in joined for n in _NUMBER.findall(text))


def rules_unsure(plan: QueryPlan) -> bool:
    """When the rule planner's plan is worth a second opinion."""
    if plan.intent in ("list", "check"):
        return False
    no_metric_for_number = plan.asks_number and not plan.measures
    weak_metric = bool(plan.measures) and plan.metric_confidence < 0.9
    no_office = not (plan.offices or plan.ambiguous_offices or plan.across_offices)
    return no_metric_for_number or weak_metric or no_office


class ChatAssistant:
    """A langchain chat model used for planning and phrasing, always checked against facts."""

    def __init__(self, model: BaseChatModel):
        self.model = model
        self.matcher = MetricMatcher()

    @classmethod
    def from_settings(cls, settings: Settings) -> "ChatAssistant":
        from langchain.chat_models import init_chat_model

        if not settings.bot.llm_model:
            raise ModelError("no chat model configured (settings.bot.llm_model)")
        # init_chat_model forwards these to the provider's chat model class
        kwargs: dict[str, Any] = {
            k: v for k, v in (("base_url", settings.bot.llm_base_url), ("api_key", settings.bot.llm_api_key)) if v
        }
        try:
            return cls(init_chat_model(settings.bot.llm_model, **kwargs))
        except (ImportError, ValueError) as exc:
            raise ModelError(f"cannot start chat model {settings.bot.llm_model!r}: {exc}") from exc

    # ------------------------------------------------------------------ planning
    def draft_plan(self, question: str, offices: list[str]) -> PlanDraft:
        system = SystemMessage(
            "You turn questions about Chinese government information-disclosure annual reports into a query plan. "
            "Use only office names from this list (or none): " + "; ".join(offices[:300]) + "\n"
            "Metric keys:\n" + _key_guide() + "\nLeave metrics empty when the question is not about a table figure."
        )
        messages = [system, HumanMessage(question)]
        try:
            structured = self.model.with_structured_output(PlanDraft)
        except NotImplementedError:
            return self._draft_from_json(messages)
        try:
            result = structured.invoke(messages)
        except Exception as exc:  # a remote model fails in provider-specific ways; the rules plan stays
            raise ModelError(f"chat model planning failed: {exc}") from exc
        if isinstance(result, PlanDraft):
            return result
        return PlanDraft.model_validate(result)

    def _draft_from_json(self, messages: list) -> PlanDraft:
        """Models without tool calling: ask for the JSON object and parse it."""
        parser: PydanticOutputParser[PlanDraft] = PydanticOutputParser(pydantic_object=PlanDraft)
        ask = messages + [HumanMessage(parser.get_format_instructions())]
        try:
            reply = self.model.invoke(ask)
        except Exception as exc:  # see draft_plan
            raise ModelError(f"chat model planning failed: {exc}") from exc
        try:
            return parser.parse(str(reply.content))
        except (OutputParserException, ValidationError, json.JSONDecodeError) as exc:
            raise ModelError(f"chat model returned no usable plan: {exc}") from exc

    def refine(self, plan: QueryPlan, draft: PlanDraft, known_offices: set[str]) -> QueryPlan:
        """Fill what the rules left open with the model's draft, keeping only valid keys and known offices."""
        keys = all_keys()
        metrics = [k for k in draft.metrics if k in keys]
        offices = [o for o in draft.offices if o in known_offices]
        years = [y for y in draft.years if 1990 <= y <= 2100]
        new = plan.model_copy(deep=True)
        new.planner = "llm"
        if metrics and (not plan.measures or plan.metric_confidence < 0.9):
            new.measures = [self.matcher.measure_for_key(k) for k in metrics]
            new.metrics = metrics
            new.metric_confidence = 0.85
        if offices and not (plan.offices or plan.ambiguous_offices):
            new.offices = offices
        if years and not plan.years:
            new.years = years
        if plan.measures and plan.metric_confidence >= 0.9:
            pass  # the rules were sure of the metric: keep their intent
        elif draft.intent in ("list", "check"):
            new.intent = draft.intent
        elif draft.intent == "narrative" or not new.measures:
            new.intent = "narrative"
        else:
            new.intent = draft.intent
        new.route = "retrieval" if new.intent == "narrative" else "sql"
        return new

    # ------------------------------------------------------------------ phrasing
    def phrase(self, question: str, quotes: list[str], language: str) -> str | None:
        """A short answer worded from the quotes; None when it states a number the quotes do not hold."""
        lang = "Chinese" if language == "zh" else "English"
        messages = [
            SystemMessage(
                f"Answer in {lang}, in one or two sentences, using only the quoted report text. "
                "Copy numbers exactly as quoted; never compute or invent one."
            ),
            HumanMessage("Question: " + question + "\nQuotes:\n" + "\n".join(f"- {q}" for q in quotes)),
        ]
        try:
            reply = self.model.invoke(messages)
        except Exception as exc:  # see draft_plan
            raise ModelError(f"chat model phrasing failed: {exc}") from exc
        text = str(reply.content).strip()
        if not text or not numbers_supported(text, [*quotes, question]):  # the question's own year may recur
            log.info("chat model wording dropped (number not in quotes): %r", text)
            return None
        return text
