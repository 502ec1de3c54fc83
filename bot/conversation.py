"""Conversations: a follow-up question leans on the earlier turns ("那2022年呢？", "What about Hongze district?").

Every turn is planned on its own first; the slots its words name (office, years, measure, operation) replace
those of the previous turn's resolved plan, the rest is carried over. Slots are groups of QueryPlan fields;
any other plan field (one added later) carries over whenever the new question leaves it at its default.
Greetings and questions about the bot itself get the help answer and are no turn to lean on.
"""

import re
from collections.abc import Callable

from pydantic import BaseModel, Field

from bot.models import Intent, QueryPlan
from bot.planner import detect_language
from index.models import OfficeRecord, ReportRecord

# Which QueryPlan fields move together: naming an office replaces every office field of the earlier turn.
SLOTS: dict[str, tuple[str, ...]] = {
    "office": (
        "offices",
        "office_mentions",
        "ambiguous_offices",
        "related_offices",
        "unknown_offices",
        "across_offices",
    ),
    "year": ("years",),
    "measure": ("measures", "metrics", "metric_confidence", "metric_words", "asks_number"),
    "operation": ("intent", "aggregation", "order", "diff_reverse"),
}
# Fields that always belong to the question being asked.
OWN = ("question", "language", "planner", "route")

# A greeting, thanks or a question about the bot itself (not about the reports): every piece of the question
# between punctuation is one of these.
_SMALL_TALK = re.compile(
    r"(?:hi|hello|hey|hallo|good (?:morning|afternoon|evening)|thanks?(?: you)?|help|help me|menu|start|"
    r"what can you do|what do you do|what do you know|who are you|what are you|how (?:do|can|should) i use "
    r"(?:this|you|it)|how does this work|what can i ask(?: you)?|what questions can i ask|examples?|"
    r"你好|您好|嗨|哈喽|哈啰|喂|在吗|早上好|下午好|晚上好|谢谢|多谢|帮助|求助|使用说明|说明|菜单|"
    r"你能做什么|你可以做什么|你会做什么|你会什么|你能干什么|你是谁|你是什么|怎么用|如何使用|怎么使用|"
    r"我可以问什么|我能问什么|可以问什么|能问什么|举个例子|例子|示例)"
    r"(?:\s*(?:there|bot|govqa|呀|啊|吗|呢|吧|哦|的))*",
    re.IGNORECASE,
)
_PIECES = re.compile(r"[,，。.!！?？;；:：~～、]+")


def reply_language(question: str) -> str:
    """The language to answer in: English for Latin-only text ("hi", "help"), else as the planner reads it."""
    if re.search(r"[A-Za-z]", question) and not re.search(r"[\u4e00-\u9fff]", question):
        return "en"
    return detect_language(question)


def is_small_talk(question: str) -> bool:
    pieces = [p.strip() for p in _PIECES.split(question.strip()) if p.strip()]
    return bool(pieces) and all(_SMALL_TALK.fullmatch(p) for p in pieces)


def names_nothing(plan: QueryPlan) -> bool:
    """The question named no office, place, year or measure: nothing ties it to the reports."""
    return not (
        plan.offices
        or plan.office_mentions
        or plan.unknown_offices
        or plan.ambiguous_offices
        or plan.years
        or plan.measures
        or plan.across_offices
    )


class Reading(BaseModel):
    """One turn as understood: the resolved plan and which slots came from earlier turns."""

    plan: QueryPlan
    fresh: QueryPlan = Field(description="The question planned on its own, before anything was carried over.")
    inherited: list[str] = Field(
        default_factory=list, description="Slots carried over: office, year, measure, operation."
    )


def named_slots(fresh: QueryPlan, cue: Intent | None) -> dict[str, bool]:
    """Which slots the question's own words fill (cue: the operation its words ask for, if any)."""
    return {
        "office": bool(fresh.office_mentions or fresh.unknown_offices or fresh.across_offices),
        "year": bool(fresh.years),
        # a question of its own kind (存在哪些问题) asks for no earlier number
        "measure": bool(fresh.measures) or cue == "narrative",
        "operation": cue is not None,
    }


def _default(plan: QueryPlan, name: str):
    return type(plan).model_fields[name].get_default(call_default_factory=True)


def follow(
    fresh: QueryPlan, previous: QueryPlan | None, cue: Intent | None, reread: Callable[[QueryPlan, Intent], QueryPlan]
) -> Reading:
    """The fresh plan of a question, completed from the previous turn's resolved plan.

    A question naming office, year and measure, or naming none of them, stands alone. `reread` settles
    intent, route and operation of the merged plan (QueryPlanner.reread)."""
    named = named_slots(fresh, cue)
    core = ("office", "year", "measure")
    if previous is None or all(named[s] for s in core) or not any(named.values()):
        return Reading(plan=fresh, fresh=fresh.model_copy(deep=True))
    merged = previous.model_copy(deep=True)
    grouped = {f for fields in SLOTS.values() for f in fields}
    for name in type(fresh).model_fields:
        if name in OWN:
            setattr(merged, name, getattr(fresh, name))
        elif name not in grouped and getattr(fresh, name) != _default(fresh, name):
            setattr(merged, name, getattr(fresh, name))  # a field no slot knows: the new question's, when it set one
    inherited = []
    for slot, fields in SLOTS.items():
        if named[slot]:
            for name in fields:
                setattr(merged, name, getattr(fresh, name))
        else:
            inherited.append(slot)
    intent = cue if cue is not None else previous.intent
    if named["operation"]:
        merged.aggregation, merged.order, merged.diff_reverse = None, None, False  # from the new words only
    return Reading(plan=reread(merged, intent), fresh=fresh.model_copy(deep=True), inherited=inherited)


def example_offices(offices: list[OfficeRecord], records: list[ReportRecord]) -> list[tuple[str, list[int]]]:
    """Offices to build example questions from: those with the most report years that hold tables, each
    with those years (oldest first), government offices (人民政府) before departments at equal counts."""
    years: dict[str, set[int]] = {}
    for r in records:
        if r.n_facts and r.year is not None:
            years.setdefault(r.org, set()).add(r.year)
    known = {o.org for o in offices}
    ranked = sorted(
        (org for org in years if org in known), key=lambda org: (-len(years[org]), "人民政府" not in org, org)
    )
    return [(org, sorted(years[org])) for org in ranked]
