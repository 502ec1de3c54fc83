"""Answers from the reports' text: fused retrieval filtered by office and year, then the best sentence(s)
quoted. For how-many questions the number is taken from the best sentence (全年主动公开政府信息5133条,
发布政策解读496条): sentences are scored by the question's content words (jieba, weighted by how rare
they are among the retrieved sentences) and must hold a number with a unit."""

import math
import re
from collections.abc import Callable

from bot.models import Answer, Citation, QueryPlan
from bot.passages import (
    LIST_QUESTION,
    NONE_RECEIVED,
    SECTION_TOPICS,
    WIDE_BREAK,
    Figure,
    QuestionWords,
    Sentence,
    asked_list_kind,
    clause,
    enumerations,
    figures,
    lead_kind,
    names_metric,
    question_words,
    split_sentences,
    window,
    with_body,
    zero_of_other_measure,
)
from bot.wording import AnswerWriter, CitationList, say
from index.models import ScoredChunk


class NarrativeAnswerer:
    """Retrieves passages and answers extractively (optionally phrased by a chat model, numbers checked)."""

    def __init__(
        self,
        search: Callable[..., list[ScoredChunk]],
        names: dict[str, str],
        top_k: int = 5,
        phrase: Callable[[str, list[str], str], str | None] | None = None,
    ):
        self.search = search
        self.names = names
        self.top_k = top_k
        self.phrase = phrase

    def answer(self, plan: QueryPlan) -> Answer | None:
        """The quoted answer, or None when no retrieved sentence shares a content word with the question."""
        asked = question_words(plan.question, plan)
        words = asked.words
        query = plan.question if plan.language == "zh" else f"{plan.question} {' '.join(words)}"
        # a figure may sit in a long list far from the question's words: read a few more passages for it
        k = max(self.top_k, 8) if plan.asks_number else self.top_k
        hits = self.search(query, orgs=plan.offices or None, years=plan.years or None, k=k)
        sentences = [
            s
            for rank, hit in enumerate(hits)
            if hit.chunk.kind == "narrative"
            for s in split_sentences(hit.chunk, rank)
        ]
        if not sentences or not words:
            return None
        weights = self._weights(words, sentences)
        topic = next((heading for cue, heading in SECTION_TOPICS if cue.search(plan.question)), None)
        for s in sentences:
            s.score = self._score(s, weights, topic)
        if plan.asks_number:
            found = self._best_figure(sentences, weights, set(plan.metrics), asked)
            # a how-many question is answered by a number or not at all
            return self._number_answer(plan, *found) if found is not None else None
        best = max(sentences, key=lambda s: (s.score, -s.rank))
        if best.score <= 0.2:
            return None
        if LIST_QUESTION.search(plan.question):
            listed = self._list_answer(plan, best, weights)
            if listed is not None:
                return listed
        return self._passage_answer(plan, best, sentences)

    def each(self, plan: QueryPlan, scopes: list[tuple[str, int | None]], ambiguous: bool) -> Answer | None:
        """One extractive answer per (office, year), listed: several years or offices asked at once, or the
        candidates of an ambiguous name. None when no scope finds anything and the name was not ambiguous."""
        w = AnswerWriter(plan.language, self.names)
        cites = CitationList()
        lines: list[str] = []
        series: list[tuple[str, float | int | None]] = []
        units: set[str | None] = set()
        got: set[tuple[str, int | None]] = set()
        found_any = False
        for org, year in scopes:
            scoped = plan.model_copy(
                update={"offices": [org], "years": [year] if year else [], "ambiguous_offices": []}
            )
            found = self.answer(scoped)
            label = w.series_label(org, year, len({o for o, _ in scopes}) > 1 or ambiguous, year is not None)
            if found is None:
                lines.append(f"- {label}: " + w.say("text.not_found"))
                continue
            found_any = True
            refs = [cites.add(c) for c in found.citations]
            quote = " ".join(f"“{c.quote}”" for c in found.citations)
            figure = (
                w.say("text.figure", value=w.value(found.value, found.unit or "")) if found.value is not None else ""
            )
            lines.append(f"- {label}: {figure}{quote} {w.refs(refs)}")
            if found.value is not None:
                series.append((label, found.value))
                units.add(found.unit)
                got.add((org, year))
        if not found_any and not ambiguous:
            return None
        mention = plan.office_mentions[0] if plan.office_mentions else None
        if ambiguous:
            intro = w.ambiguous_intro("、".join(plan.office_mentions) or "?")
            follow = [w.follow_up(plan.question, mention, org, year) for org, year in scopes]
        else:
            intro = w.say("text.intro")
            follow = []
        single = not ambiguous and len(series) == 1 and len(scopes) == 1
        answer = Answer(
            question=plan.question,
            status="ambiguous" if ambiguous else "answered",
            route="retrieval",
            answer="\n".join([intro, *lines]),
            citations=cites.items,
            series=series,
            candidates=follow,
            value=series[0][1] if single else None,
            unit=next(iter(units)) if single else None,
        )
        if not ambiguous and plan.operation.kind in ("sum", "mean"):
            return self._with_total(plan, w, answer, scopes, got, units)
        return answer

    def _with_total(
        self,
        plan: QueryPlan,
        w: AnswerWriter,
        answer: Answer,
        scopes: list[tuple[str, int | None]],
        got: set[tuple[str, int | None]],
        units: set[str | None],
    ) -> Answer:
        """The listed figures added up (or averaged), the arithmetic first; every office × year asked counts,
        also one with no report (dropped from scopes), so a missing figure means nothing is computed."""
        wanted: list[tuple[str, int | None]] = [(o, y) for o in plan.offices for y in plan.years] or list(scopes)
        if len(wanted) < 2:
            return answer
        missing = [w.office_year(o, y) for o, y in wanted if (o, y) not in got]
        intro, *lines = answer.answer.split("\n")
        text = "\n".join([intro, self._text_total(plan, w, answer.series, missing, units), *lines])
        if missing or len(units) != 1:  # as for table operands
            return answer.model_copy(update={"status": "not_found", "answer": text, "value": None, "unit": None})
        values = [v for _, v in answer.series if v is not None]
        value = sum(values) if plan.operation.kind == "sum" else round(sum(values) / len(values), 2)
        return answer.model_copy(update={"answer": text, "value": value, "unit": next(iter(units))})

    @staticmethod
    def _text_total(
        plan: QueryPlan,
        w: AnswerWriter,
        series: list[tuple[str, float | int | None]],
        missing: list[str],
        units: set[str | None],
    ) -> str:
        """一共/平均 over figures only the text states: the arithmetic when every report asked gave one figure in
        one unit, else what is missing (never a partial sum as the total)."""
        if missing:
            return w.say("text.total_missing", missing=w.listing(missing))
        if len(units) != 1:
            return w.say("text.total_units")
        unit = next(iter(units)) or ""
        values = [v for _, v in series if v is not None]
        terms = [w.value(v, unit) for v in values]
        if plan.operation.kind == "sum":
            return w.formula("", terms, "+", w.computed(sum(values), unit), "")
        mean = round(sum(values) / len(values), 2)
        return w.formula("", [f"({' + '.join(terms)})", str(len(values))], "÷", w.computed(mean, unit), "")

    @staticmethod
    def _weights(words: list[str], sentences: list[Sentence]) -> dict[str, float]:
        """Rare words count more: log(1 + n/df) over the retrieved sentences and their headings."""
        n = len(sentences)
        weights = {}
        for w in words:
            df = sum(1 for s in sentences if w in s.text or w in s.chunk.section_heading)
            if df:
                weights[w] = math.log(1 + n / df)
        return weights

    @staticmethod
    def _score(s: Sentence, weights: dict[str, float], topic: re.Pattern | None) -> float:
        in_text = sum(v for w, v in weights.items() if w in s.text)
        in_heading = sum(v for w, v in weights.items() if w in s.chunk.section_heading and w not in s.text)
        on_topic = 2.0 if topic is not None and topic.search(s.chunk.section_heading) else 0.0
        return in_text + 0.6 * in_heading + on_topic + 0.2 / (s.rank + 1)

    @staticmethod
    def _near(clause: str, weights: dict[str, float], asked: QuestionWords) -> float:
        return sum(v * (3 if w in asked.focus else 1) for w, v in weights.items() if w in clause)

    def _best_figure(
        self, sentences: list[Sentence], weights: dict[str, float], metrics: set[str], asked: QuestionWords
    ) -> tuple[Sentence, Figure] | None:
        """The number whose clause best matches the question.

        Its sentence must hold a focus word (the noun next to 多少: 访问量, 音频), so a question the text does
        not answer finds nothing rather than the nearest number; the asked unit (几次 ≠ 人次) weighs in. When
        the question names a table metric, a clause naming another one (收到1份行政复议申请) is skipped.
        """
        best: tuple[float, Sentence, Figure] | None = None
        for s in sentences:
            if asked.focus and not any(f in s.text for f in asked.focus):
                continue
            for m, figure in figures(s.text, asked.unit):
                if m.re is NONE_RECEIVED and zero_of_other_measure(s.text, m, metrics):
                    continue
                # narrow: up to 、 (图解89条、音频208条); wide: up to ， (对5个…政务新媒体予以关停注销)
                narrow = clause(s.text, m.start(), m.end())
                wide = clause(s.text, m.start(), m.end(), WIDE_BREAK)
                near = self._near(narrow, weights, asked)
                far = self._near(wide, weights, asked)
                if far <= 0 or (metrics and not names_metric(wide, metrics)):
                    continue
                bonus = 0.0
                if asked.unit:
                    bonus = 2 if figure.unit.lstrip("余") == asked.unit else -1
                score = s.score + 2 * near + far + bonus
                if best is None or score > best[0]:
                    best = (score, s, figure)
        return (best[1], best[2]) if best else None

    # ------------------------------------------------------------------ answers
    def _citation(self, s: Sentence, en: bool) -> Citation:
        c = s.chunk
        span = (c.span[0] + s.start, c.span[0] + s.start + len(s.text))
        number = (
            f"{c.section_parent}{c.section_number}"
            if c.section_parent
            else (f"{c.section_number}、" if c.section_number else "")
        )
        locator = say("cite.chars", "en" if en else "zh", start=span[0], end=span[1])
        return Citation(
            report_id=c.report_id,
            title=c.title,
            org=c.org,
            year=c.year,
            section=f"{number}{c.section_heading}",
            locator=locator,
            quote=s.text,
            span=span,
        )

    def _number_answer(self, plan: QueryPlan, s: Sentence, figure: Figure) -> Answer:
        w = AnswerWriter(plan.language, self.names)
        cites = CitationList()
        ref = cites.add(self._citation(s, w.en))
        section = cites.items[0].section
        text = w.quoted_figure(s.chunk.org, s.chunk.year, section, s.text, ref, figure.value, figure.unit, figure.text)
        text = self._phrased(plan, [s.text], text)
        return Answer(
            question=plan.question,
            status="answered",
            route="retrieval",
            answer=text,
            value=figure.value,
            unit=figure.unit,
            citations=cites.items,
        )

    def _list_answer(self, plan: QueryPlan, best: Sentence, weights: dict[str, float]) -> Answer | None:
        """A list question (哪些问题, 改进措施) answered by the best-matching enumeration of the best passage:
        its lead-in and the first sentence of each item, each quoted with its span."""
        text = best.chunk.text
        runs = enumerations(text)
        if not runs:
            return None

        def lead_start(run: list[tuple[int, int]]) -> int:
            return max(text.rfind(c, 0, run[0][0] - 1) for c in "。；;\n") + 1

        def run_score(run: list[tuple[int, int]]) -> float:
            body = text[lead_start(run) : run[-1][1]]
            return sum(v for w, v in weights.items() if w in body)

        wants = asked_list_kind(plan.question)
        if wants is not None:
            runs = [r for r in runs if lead_kind(text[lead_start(r) : r[0][0]]) == wants]
            if not runs:
                return None
        else:  # an open question (怎样回应…): only the list the best sentence belongs to or introduces
            runs = [
                r
                for r in runs
                if lead_start(r) - 1 <= best.start <= r[-1][1] + 1 or 0 <= r[0][0] - (best.start + len(best.text)) <= 2
            ]
            if not runs:
                return None
        run = max(runs, key=lambda r: (run_score(r), -abs(r[0][0] - best.start)))
        if run_score(run) <= 0:
            return None
        lead_at = lead_start(run)
        pieces = [(lead_at, run[0][0])] if text[lead_at : run[0][0]].strip(" \n，,：:") else []
        pieces += [with_body(text, item, run) for item in run[:8]]
        w = AnswerWriter(plan.language, self.names)
        cites = CitationList()
        quotes = []
        for start, end in pieces:
            raw = text[start:end]
            stripped = raw.strip()
            offset = start + raw.index(stripped[:1]) if stripped else start
            ref = cites.add(self._citation(Sentence(best.chunk, best.rank, stripped, offset), w.en))
            quotes.append(f"“{stripped}”[{ref}]")
        section = cites.items[0].section
        head = w.according_to(best.chunk.org, best.chunk.year, section)
        answer = self._phrased(plan, [c.quote for c in cites.items], "\n".join([head, *quotes]))
        return Answer(
            question=plan.question, status="answered", route="retrieval", answer=answer, citations=cites.items
        )

    def _passage_answer(self, plan: QueryPlan, best: Sentence, sentences: list[Sentence]) -> Answer:
        """The best sentence and what follows it in the same passage (a list of problems or measures
        usually does), up to PASSAGE_CHARS, quoted as one contiguous span."""
        w = AnswerWriter(plan.language, self.names)
        text, start = window(best, [s for s in sentences if s.chunk.chunk_id == best.chunk.chunk_id])
        passage = Sentence(best.chunk, best.rank, text, start, best.score)
        cites = CitationList()
        ref = cites.add(self._citation(passage, w.en))
        section = cites.items[0].section
        answer = w.quoted_passage(best.chunk.org, best.chunk.year, section, text, ref)
        answer = self._phrased(plan, [text], answer)
        return Answer(
            question=plan.question, status="answered", route="retrieval", answer=answer, citations=cites.items
        )

    def _phrased(self, plan: QueryPlan, quotes: list[str], extractive: str) -> str:
        """The chat model's wording when one is configured and every number it wrote is in the quotes."""
        if self.phrase is None:
            return extractive
        phrased = self.phrase(plan.question, quotes, plan.language)
        return f"{phrased}\n\n{extractive}" if phrased else extractive
