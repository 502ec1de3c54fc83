"""QuestionAnswerer: question → Answer, over the fact store (tables) and the section index (text).

Table questions never wait for the embedding model: the index (and the model) load on the first
question that needs retrieval, or on `warm_up()`.
"""

import logging
import re
import threading
import time
from functools import cached_property

import numpy as np

from bot.conversation import (
    Reading,
    example_offices,
    follow,
    is_small_talk,
    names_nothing,
    reply_language,
)
from bot.llm import ChatAssistant, rules_unsure
from bot.metrics import MetricMatch, MetricMatcher, label_texts, row_term
from bot.models import Answer, QueryPlan
from bot.narrative import NarrativeAnswerer
from bot.planner import QueryPlanner, normalize_question
from bot.tables import TableAnswerer
from bot.wording import AnswerWriter
from govqa.errors import ModelError, QuestionError
from govqa.settings import Settings
from index.facts import FactStore
from index.models import OfficeRecord, ScoredChunk
from index.sections import SectionIndex

log = logging.getLogger(__name__)
MAX_QUESTION_CHARS = 2000
PLAN_CACHE_SIZE = 2048  # fresh plans of earlier turns, re-read for each follow-up of a conversation
_PLANS = re.compile(r"打算|计划|准备|将要|下一步|明年|\bplan|\bintend|\bnext year", re.I)
LABEL_MARGIN = 0.05  # cosine lead that counts as full confidence for the embedding fallback


def english_name(office: OfficeRecord) -> str:
    """Yichuan County for 伊川县人民政府: the first pinyin form with a place word, title-cased."""
    forms = [p for p in office.pinyin if " " in p] or office.pinyin
    return forms[0].title().replace("'S", "'s") if forms else ""


class QuestionAnswerer:
    """Answers questions; `ask` returns an Answer whose status is answered, not_found or ambiguous."""

    def __init__(
        self,
        settings: Settings,
        store: FactStore | None = None,
        index: SectionIndex | None = None,
        chat: ChatAssistant | None = None,
    ):
        self.settings = settings
        self.store = store if store is not None else FactStore.from_settings(settings, read_only=True)
        self._index = index
        self._index_lock = threading.Lock()  # two first questions at once must not build two indexes
        self.chat = (
            chat if chat is not None else (ChatAssistant.from_settings(settings) if settings.bot.llm_model else None)
        )
        self._store_version: int | None = None
        self._label_vectors: tuple[list[str], np.ndarray] | None = None
        self.refresh()

    @classmethod
    def from_settings(cls, settings: Settings) -> "QuestionAnswerer":
        return cls(settings)

    # ------------------------------------------------------------------ resources
    @property
    def index(self) -> SectionIndex:
        with self._index_lock:
            if self._index is None:
                from index.embeddings import Embedder

                self._index = SectionIndex(self.settings, Embedder(self.settings.index), facts=self.store)
        return self._index

    def warm_up(self) -> None:
        """Load the embedding model, the index and jieba now (servers and benchmarks), not on first use."""
        self.index.search("政府信息公开", k=1)

    def refresh(self) -> None:
        """Re-read offices and reports from the store (after an ingest)."""
        self._store_version = self.store.version()
        offices = self.store.offices()
        self.offices = {o.org: o for o in offices}
        self.records = {r.report_id: r for r in self.store.reports()}
        table_years: dict[str, list[int]] = {}
        for r in self.records.values():
            if r.n_facts and r.year is not None:
                table_years.setdefault(r.org, []).append(r.year)
        self.names = {o.org: english_name(o) for o in offices}
        self.planner = QueryPlanner(
            offices, self.settings.bot.metric_min_confidence, label_fallback=self._label_match, table_years=table_years
        )
        self.narrative = NarrativeAnswerer(
            self._search, self.names, self.settings.bot.top_k, phrase=self._phrase if self.chat else None
        )
        self.tables = TableAnswerer(
            self.store, self.offices, self.records, self.names, text_figure=self.narrative.answer
        )
        self._fresh_plans: dict[str, QueryPlan] = {}

    def _refresh_if_changed(self) -> None:
        if self.store.version() != self._store_version:
            self.refresh()

    # ------------------------------------------------------------------ asking
    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        """history: the conversation's earlier questions, oldest first; a follow-up leans on them."""
        started = time.perf_counter()
        question = self._checked(question)
        self._refresh_if_changed()
        if is_small_talk(question):
            answer = self.help_answer(question, outside=False)
        else:
            reading = self.read(question, self.context(history or []))
            answer = self._route(reading.plan)
            if answer.status == "not_found" and names_nothing(reading.fresh):
                # nothing in the question's own words ties it to the reports (今天天气怎么样)
                answer = self.help_answer(question, outside=True)
            answer.plan = reading.plan
            self._say_reading(answer, reading)
            if reading.plan.read_as:  # a misspelt name: say what it was read as, before the figure
                typo = AnswerWriter(reading.plan.language, self.names).typo_reading(reading.plan.read_as)
                answer.answer = f"{typo}\n{answer.answer}"
        answer.elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        return answer

    @staticmethod
    def _checked(question: str) -> str:
        question = normalize_question(question or "")
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        return question

    # ------------------------------------------------------------------ conversation
    def context(self, history: list[str]) -> QueryPlan | None:
        """The resolved plan of the last earlier turn (each turn read against the one before it)."""
        previous: QueryPlan | None = None
        for earlier in history:
            earlier = normalize_question(earlier or "")
            if not earlier or len(earlier) > MAX_QUESTION_CHARS or is_small_talk(earlier):
                continue  # greetings and refused questions are no turn to lean on
            previous = self.read(earlier, previous).plan
        return previous

    def read(self, question: str, previous: QueryPlan | None) -> Reading:
        if question not in self._fresh_plans:
            if len(self._fresh_plans) >= PLAN_CACHE_SIZE:
                self._fresh_plans.clear()
            self._fresh_plans[question] = self.plan(question)
        fresh = self._fresh_plans[question].model_copy(deep=True)  # answering may adjust a plan; the cache stays
        return follow(fresh, previous, self.planner.operation_cue(question), self.planner.reread)

    def _say_reading(self, answer: Answer, reading: Reading) -> None:
        """`resolved` always; a follow-up's answer starts with how it was read (理解为：…)."""
        if answer.status == "help":
            return
        w = AnswerWriter(reading.plan.language, self.names)
        answer.resolved = w.reading(reading.plan)
        if reading.inherited:
            answer.answer = f"{w.read_as(answer.resolved)}\n{answer.answer}"

    def help_answer(self, question: str, outside: bool) -> Answer:
        """What the bot can do, with example questions about offices and years that are stored."""
        w = AnswerWriter(reply_language(question), self.names)
        examples = w.example_questions(example_offices(list(self.offices.values()), list(self.records.values())))
        return Answer(
            question=question, status="help", route="none", answer=w.help(examples, outside), candidates=examples
        )

    def plan(self, question: str) -> QueryPlan:
        plan = self.planner.plan(question)
        if self.chat is not None and rules_unsure(plan):
            try:
                draft = self.chat.draft_plan(question, sorted(self.offices))
                plan = self.chat.refine(plan, draft, set(self.offices))
            except ModelError as exc:
                log.warning("chat model planning skipped: %s", exc)
        return plan

    def _route(self, plan: QueryPlan) -> Answer:
        if plan.route == "sql":
            answer = self.tables.answer(plan)
            if answer is not None:
                return answer
            # No table figure (pre-2019 reports have no tables): the text may still state it.
            found = self._narrative(plan) if plan.asks_number else None
            if found is not None:
                return self._from_text_note(plan, found)
            return self._no_fact(plan)
        missing = self.tables.missing_reports(plan)
        earlier = self._plans_in_previous_report(plan) if missing is not None else None
        if earlier is not None:
            found = self._narrative(earlier)
            if found is not None:
                w = AnswerWriter(plan.language, self.names)
                note = w.say("text.plans_in_earlier", year=plan.years[0], earlier=earlier.years[0])
                found.answer = f"{note}\n{found.answer}"
                return found
        if missing is not None:
            missing.route = "retrieval"
            return missing
        found = self._narrative(plan)
        return found if found is not None else self._no_fact(plan)

    def _plans_in_previous_report(self, plan: QueryPlan) -> QueryPlan | None:
        """打算在2022年怎么改进: a report states next year's plans, so ask the year before's report."""
        if not plan.years or not _PLANS.search(plan.question):
            return None
        earlier = [y - 1 for y in plan.years]
        if all(set(earlier) & set(self.offices[o].years) for o in plan.offices if o in self.offices) and plan.offices:
            return plan.model_copy(update={"years": earlier})
        return None

    def _narrative(self, plan: QueryPlan) -> Answer | None:
        """One passage answer, or one per office and year when several are asked (or the name is ambiguous)."""
        if len(plan.ambiguous_offices) == 1:
            # text only one office's report holds (洛龙区2024 → the 审批局's report): answer from it, saying so
            only = plan.ambiguous_offices[0]
            found = self._narrative(plan.model_copy(update={"offices": [only], "ambiguous_offices": []}))
            if found is not None:
                w = AnswerWriter(plan.language, self.names)
                note = w.say("text.only_department", region=w.listing(plan.office_mentions), office=w.office(only))
                found.answer = f"{note}\n{found.answer}"
                if plan.asks_number and found.status == "answered":
                    # a figure for the region would be another office's figure: offer it as the one candidate
                    found = found.model_copy(update={"status": "ambiguous", "value": None, "candidates": [only]})
            return found
        if plan.ambiguous_offices:
            return self.narrative.each(plan, self._scopes(plan.ambiguous_offices, plan.years), ambiguous=True)
        if plan.asks_number and (len(plan.years) > 1 or len(plan.offices) > 1):
            return self.narrative.each(plan, self._scopes(plan.offices, plan.years), ambiguous=False)
        return self.narrative.answer(plan)

    def _scopes(self, orgs: list[str], years: list[int]) -> list[tuple[str, int | None]]:
        """(office, year) pairs that have a report; (office, None) when no year was asked."""
        scopes: list[tuple[str, int | None]] = []
        for org in orgs:
            have = self.offices[org].years if org in self.offices else []
            scopes += [(org, y) for y in years if y in have] if years else [(org, None)]
        return scopes

    def _from_text_note(self, plan: QueryPlan, answer: Answer) -> Answer:
        w = AnswerWriter(plan.language, self.names)
        note = w.say("text.from_text")
        answer.answer = f"{note}\n{answer.answer}"
        return answer

    def _no_fact(self, plan: QueryPlan) -> Answer:
        w = AnswerWriter(plan.language, self.names)
        scope = w.scope(plan.offices, plan.years)
        labels = [w.label(m) for m in plan.measures] or [w.say("scope.what_was_asked")]
        return Answer(question=plan.question, status="not_found", route=plan.route, answer=w.no_fact(labels, scope))

    # ------------------------------------------------------------------ model-backed helpers
    def _search(self, query: str, orgs: list[str] | None, years: list[int] | None, k: int) -> list[ScoredChunk]:
        return self.index.search(query, orgs=orgs, years=years, k=k, mode=self.settings.index.retrieval)

    def _phrase(self, question: str, quotes: list[str], language: str) -> str | None:
        if self.chat is None:  # handed to the narrative answerer only when a chat model is configured
            raise ModelError("no chat model configured (settings.bot.llm_model)")
        try:
            return self.chat.phrase(question, quotes, language)
        except ModelError as exc:
            log.warning("chat model phrasing skipped: %s", exc)
            return None

    @cached_property
    def _matcher(self) -> MetricMatcher:
        return MetricMatcher()

    def _label_match(self, text: str) -> MetricMatch:
        """Embedding fallback: the table row whose labels are nearest to the question.

        The confidence is the lead of the best row over the runner-up (cosine margin / LABEL_MARGIN), not
        the raw cosine: multilingual-e5-small puts every short Chinese text at 0.85–0.90 from every label,
        so only a clear lead may send a question to a table cell (else it goes to retrieval).
        """
        embedder = self.index.embedder
        if self._label_vectors is None:
            texts = label_texts()
            names = list(texts)
            self._label_vectors = (names, embedder.passage_matrix([texts[n] for n in names]))
        names, vectors = self._label_vectors
        sims = vectors @ embedder.query_matrix([text])[0]
        order = np.argsort(-sims)
        margin = float(sims[order[0]] - sims[order[1]])
        term = row_term(names[int(order[0])])
        measure = self._matcher.measure(term, self._matcher.default_column(term))
        if measure is None:
            return MetricMatch()
        return MetricMatch(measures=[measure], confidence=min(1.0, margin / LABEL_MARGIN), words=[])
