"""Scoring one answer against one gold item: pure functions, no store, no model.

The gold schema (one JSON object per line of eval/sets/*.jsonl) is typed here, so a malformed line is
refused when the set is loaded instead of silently scoring as wrong. See eval/README.md.
"""

import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from bot.models import Answer, Citation
from index.models import Chunk
from parsers.models import Number

TABLE_SECTION = {"T2": "二", "T3": "三", "T4": "四"}
FLOAT_SLACK = 1e-9  # printed decimals vs binary floats


# ---------------------------------------------------------------------------------------------- gold schema
class NumberGold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["number"]
    value: Number
    tolerance: float = 0.0


class NumbersGold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["numbers"]
    values: list[Number]
    tolerance: float = 0.0


class PhrasesGold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["phrases"]
    phrases: list[str]
    min_match: int | None = Field(None, description="How many phrases must appear; default: all of them.")

    @property
    def needed(self) -> int:
        return self.min_match if self.min_match is not None else len(self.phrases)


class StatusGold(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["status"]
    status: Literal["not_found", "ambiguous"]
    candidates: list[str] = Field(default_factory=list, description="Offices an ambiguous answer must list.")
    candidate_values: dict[str, Number | str] = Field(default_factory=dict, description="Each candidate's value.")
    segmentations: list[list[Number | str]] = Field(default_factory=list, description="Readings of an unclear cell.")


Gold = Annotated[NumberGold | NumbersGold | PhrasesGold | StatusGold, Field(discriminator="type")]


class CitationTarget(BaseModel):
    """One report (and cell or section) a correct answer must cite."""

    org: str
    year: int | None
    key: str | None = None
    section: str | None = None


class GoldSource(BaseModel):
    model_config = ConfigDict(extra="forbid")
    org: str | list[str]
    year: int | list[int] | None = None
    key: str | None = None
    keys: list[str] | None = Field(None, description="One fact key per (org, year) for multi-report questions.")
    section: str | None = Field(None, description="Top-level section number (一…六) of a narrative answer.")

    @model_validator(mode="after")
    def _aligned(self) -> "GoldSource":
        n = len(self.keys) if self.keys else None
        for name, value in (("org", self.org), ("year", self.year)):
            if isinstance(value, list) and n is not None and len(value) != n:
                raise ValueError(f"source.{name} has {len(value)} items but source.keys has {n}")
        if self.key and self.keys:
            raise ValueError("give source.key or source.keys, not both")
        return self

    def targets(self) -> list[CitationTarget]:
        """What must be cited: one target per key of `keys` (org/year lists aligned with it), else one."""
        n = len(self.keys) if self.keys else max(_length(self.org), _length(self.year), 1)
        orgs = self.org if isinstance(self.org, list) else [self.org] * n
        years = self.year if isinstance(self.year, list) else [self.year] * n
        keys: Sequence[str | None] = self.keys or [self.key] * n
        return [
            CitationTarget(org=o, year=y, key=k, section=self.section)
            for o, y, k in zip(orgs, years, keys, strict=False)
        ]

    @property
    def names_citation(self) -> bool:
        """Whether the gold says which cell or section to cite (status golds name only an office and year)."""
        return bool(self.key or self.keys or self.section)


def _length(value: object) -> int:
    return len(value) if isinstance(value, list) else 1


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    category: str
    question: str
    lang: Literal["zh", "en"]
    gold: Gold
    source: GoldSource
    route: Literal["sql", "retrieval", "any"]
    note: str | None = None
    facet: str | None = Field(
        None,
        description="A finer label than the category: the operation of a derived "
        "question (share, change_pct …) or a naming form of an office.",
    )

    @property
    def wants_retrieval_recall(self) -> bool:
        """Narrative questions: recall@k says whether retrieval found the gold section."""
        return self.source.section is not None and self.route == "retrieval"


# ---------------------------------------------------------------------------------------------- scores
class ItemScore(BaseModel):
    id: str
    category: str
    question: str
    lang: str
    expected: str = Field(description="The gold, in one line.")
    got: str = Field(description="Status, value and the start of the answer text.")
    status: str
    route: str
    answer_correct: bool
    citation_correct: bool | None = Field(description="None when the gold names nothing to cite (status golds).")
    route_correct: bool
    recall_at_k: bool | None = Field(None, description="A top-k chunk (bot's office/year filters) is the gold section.")
    open_recall_at_k: bool | None = Field(None, description="The same without filters: the question text alone.")
    latency_ms: float
    facet: str | None = None
    confidently_wrong: bool = Field(
        False, description="Answered with a wrong value, or answered where not_found was due."
    )
    reasons: list[str] = Field(default_factory=list, description="Why a part scored wrong.")
    notes: list[str] = Field(default_factory=list, description="Observations that do not change the score.")

    # mypy does not support decorators on top of @property; this is pydantic's documented computed_field form
    @computed_field  # type: ignore[prop-decorator]
    @property
    def answer_citation_correct(self) -> bool:
        return self.answer_correct and self.citation_correct is not False


# ---------------------------------------------------------------------------------------------- text
_PLACE_PREFIX = re.compile(r"^[\u4e00-\u9fff]{2,7}?(?:省|自治区|市)")
_PLACE_START = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:县|区|市|旗)")


def office_core(org: str) -> str:
    """The office name without leading province/city names, kept only while a place name still follows:
    洛阳市洛龙区行政审批和政务信息管理局 → 洛龙区行政审批和政务信息管理局, but 淮安市人民政府 stays whole."""
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", org))
    while (m := _PLACE_PREFIX.match(name)) and _PLACE_START.match(name[m.end() :]):
        name = name[m.end() :]
    return name


def same_office(a: str, b: str) -> bool:
    return office_core(a) == office_core(b)


def normalized_text(text: str, spaces: bool = False) -> str:
    """NFKC (full-width digits and brackets), no thousands separators, and no whitespace — or single spaces,
    for reading numbers (so 'T3 70' stays two tokens)."""
    # Only an ASCII comma groups thousands: the full-width ，(NFKC makes it ASCII) separates numbers.
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    return re.sub(r"\s+", " " if spaces else "", unicodedata.normalize("NFKC", text))


# A sign only where it cannot be a range dash (2021-2025); T3 or FY2020 are labels, not numbers.
_NUMBER = re.compile(r"(?:(?<![0-9A-Za-z.])[-−])?(?<![0-9A-Za-z.])\d+(?:\.\d+)?")


def numbers_in(text: str) -> list[float]:
    """Every number printed in the text, in reading order (years included)."""
    return [float(m.group().replace("−", "-")) for m in _NUMBER.finditer(normalized_text(text, spaces=True))]


def has_phrase(text: str, phrase: str) -> bool:
    """Word phrases match as substrings; a number matches only as a whole number (18 is not in 2018)."""
    phrase = normalized_text(phrase)
    if re.fullmatch(r"-?\d+(?:\.\d+)?", phrase):
        text = normalized_text(text, spaces=True)
        return re.search(rf"(?<![0-9A-Za-z.]){re.escape(phrase)}(?![\d]|\.\d)", text) is not None
    return phrase in normalized_text(text)


def close(a: float, b: float, tolerance: float) -> bool:
    return math.isclose(a, b, abs_tol=tolerance + FLOAT_SLACK)


def in_order(wanted: list[Number], found: list[float], tolerance: float) -> bool:
    """Whether `wanted` occurs in `found` as a subsequence (other numbers, e.g. years, may come between)."""
    i = 0
    for value in found:
        if i < len(wanted) and close(value, wanted[i], tolerance):
            i += 1
    return i == len(wanted)


def office_named(text: str, org: str) -> bool:
    text = normalized_text(text)
    return normalized_text(org) in text or office_core(org) in text


def section_number(section: str) -> str:
    """一 for '一、总体情况' and for a sub-section cited as '一（二）…'; '' when no top-level number."""
    m = re.match(r"\s*([一二三四五六七八九十]+)", section)
    return m.group(1) if m else ""


# ---------------------------------------------------------------------------------------------- verdicts
def answer_reasons(gold: Gold, answer: Answer) -> tuple[list[str], list[str]]:
    """(reasons the answer is wrong, notes); no reasons means correct."""
    if isinstance(gold, StatusGold):
        return _status_reasons(gold, answer)
    if answer.status != "answered":
        return [f"status {answer.status}: an answer was due"], []
    if isinstance(gold, NumberGold):
        if answer.value is None:
            return ["no value in the answer"], []
        if not close(answer.value, gold.value, gold.tolerance):
            return [f"value {_fmt(answer.value)} ≠ {_fmt(gold.value)}"], []
        return [], []
    if isinstance(gold, NumbersGold):
        series = [v for _, v in answer.series if v is not None]
        if in_order(gold.values, series, gold.tolerance) or in_order(
            gold.values, numbers_in(answer.answer), gold.tolerance
        ):
            return [], []
        return [f"values {', '.join(map(_fmt, gold.values))} not all found in order"], []
    found = [p for p in gold.phrases if has_phrase(answer.answer, p)]
    if len(found) < gold.needed:
        missing = [p for p in gold.phrases if p not in found]
        return [f"{len(found)}/{gold.needed} phrases; missing: {' | '.join(missing)}"], []
    return [], []


def _status_reasons(gold: StatusGold, answer: Answer) -> tuple[list[str], list[str]]:
    if answer.status != gold.status:
        return [f"status {answer.status}, expected {gold.status}"], []
    missing = [c for c in gold.candidates if not office_named(answer.answer, c)]
    reasons = [f"candidate not listed: {c}" for c in missing]
    notes = [
        f"value of {org} not shown: {_fmt(v)}"
        for org, v in gold.candidate_values.items()
        if not isinstance(v, str) and not has_phrase(answer.answer, _fmt(v))
    ]
    return reasons, notes


def confidently_wrong(gold: Gold, answer: Answer, correct: bool) -> bool:
    """The worst failure: a figure given with confidence that is not the report's (status answered with a wrong
    value), or any answer where the reports hold nothing (not_found was due)."""
    if isinstance(gold, StatusGold):
        return gold.status == "not_found" and answer.status == "answered"
    return (
        answer.status == "answered" and answer.value is not None and not correct and not isinstance(gold, PhrasesGold)
    )


def cites(citation: Citation, target: CitationTarget) -> tuple[bool, str | None]:
    """Whether the citation is the target's report (and cell or section); a note when the key was unknowable."""
    if not same_office(citation.org, target.org) or (target.year is not None and citation.year != target.year):
        return False, None
    if target.section is not None and section_number(citation.section) != target.section:
        return False, None
    if target.key is None or target.key.startswith("narrative:"):
        return True, None
    if citation.key is not None:
        return citation.key == target.key, None
    # The JSON contract drops `key`: the table's section is all that can be checked then.
    table_section = TABLE_SECTION.get(target.key.split("/")[0], "")
    return section_number(citation.section) == table_section, "cell key not checked (no key in the citation)"


def citation_reasons(source: GoldSource, citations: list[Citation]) -> tuple[bool | None, list[str], list[str]]:
    """(correct — None when nothing is to be cited, reasons, notes): every target must be cited."""
    if not source.names_citation:
        return None, [], []
    reasons, notes = [], []
    for target in source.targets():
        verdicts = [cites(c, target) for c in citations]
        if not any(ok for ok, _ in verdicts):
            reasons.append(f"no citation of {_target_text(target)}")
        notes += [n for ok, n in verdicts if ok and n]
    return not reasons, reasons, sorted(set(notes))


def route_correct(gold_route: str, route: str) -> bool:
    return gold_route == "any" or gold_route == route


def retrieval_hit(chunks: list[Chunk], source: GoldSource, k: int) -> bool:
    """Whether one of the first k chunks comes from a gold report's gold section (or a sub-section of it)."""
    return any(
        same_office(c.org, t.org)
        and (t.year is None or c.year == t.year)
        and t.section in (c.section_number, c.section_parent)
        for c in chunks[:k]
        for t in source.targets()
    )


def score_item(
    item: GoldItem,
    answer: Answer | dict,
    latency_ms: float | None = None,
    retrieved: list[Chunk] | None = None,
    open_retrieved: list[Chunk] | None = None,
    k: int = 5,
) -> ItemScore:
    """Score one answer (an Answer or its contract JSON). `retrieved`/`open_retrieved` are the harness's
    SectionIndex.search results with and without the bot's filters; recall is scored only when given."""
    if isinstance(answer, dict):
        answer = Answer.model_validate(answer)
    wrong, notes = answer_reasons(item.gold, answer)
    cited_ok, cite_wrong, cite_notes = citation_reasons(item.source, answer.citations)
    routed = route_correct(item.route, answer.route)
    reasons = wrong + cite_wrong + ([] if routed else [f"route {answer.route}, expected {item.route}"])
    wants_recall = item.wants_retrieval_recall
    return ItemScore(
        facet=item.facet,
        confidently_wrong=confidently_wrong(item.gold, answer, not wrong),
        id=item.id,
        category=item.category,
        question=item.question,
        lang=item.lang,
        expected=expected_text(item),
        got=got_text(answer),
        status=answer.status,
        route=answer.route,
        answer_correct=not wrong,
        citation_correct=cited_ok,
        route_correct=routed,
        recall_at_k=retrieval_hit(retrieved, item.source, k) if wants_recall and retrieved is not None else None,
        open_recall_at_k=(
            retrieval_hit(open_retrieved, item.source, k) if wants_recall and open_retrieved is not None else None
        ),
        latency_ms=answer.elapsed_ms if latency_ms is None else latency_ms,
        reasons=reasons,
        notes=notes + cite_notes,
    )


# ---------------------------------------------------------------------------------------------- one-line texts
def _fmt(value: Number | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _target_text(t: CitationTarget) -> str:
    return " ".join(str(p) for p in (t.org, t.year, t.key, t.section and f"§{t.section}") if p)


def expected_text(item: GoldItem) -> str:
    gold = item.gold
    if isinstance(gold, NumberGold):
        text = _fmt(gold.value) + (f" ±{_fmt(gold.tolerance)}" if gold.tolerance else "")
    elif isinstance(gold, NumbersGold):
        text = " / ".join(map(_fmt, gold.values))
    elif isinstance(gold, PhrasesGold):
        text = f"{gold.needed} of: " + " | ".join(gold.phrases)
    else:
        text = gold.status + (": " + ", ".join(gold.candidates) if gold.candidates else "")
    if item.source.names_citation:
        text += " — cite " + "; ".join(_target_text(t) for t in item.source.targets())
    return text


def got_text(answer: Answer, width: int = 160) -> str:
    body = re.sub(r"\s+", " ", answer.answer).strip()
    body = body if len(body) <= width else body[: width - 1] + "…"
    cited = "; ".join(
        " ".join(
            str(p) for p in (c.org, c.year, c.key or section_number(c.section) and f"§{section_number(c.section)}") if p
        )
        for c in answer.citations[:3]
    )
    value = f" value={_fmt(answer.value)}" if answer.value is not None else ""
    return f"{answer.status}{value} [{answer.route}] {body}" + (f" — cited {cited}" if cited else "")
