"""Answers from the fact store (parameterised queries through FactStore): facts, comparisons, trends,
rankings, sums, report lists and consistency checks — one citation per fact used."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.calculator import Calculator
from bot.models import Answer, Citation, Measure, QueryPlan
from bot.operations import is_calculated
from bot.wording import AnswerWriter, CitationList, both, fmt, unit_of
from index.facts import FactStore
from index.models import FactRecord, OfficeRecord, ReportRecord
from parsers.models import Number, Report
from parsers.template import SECTION_OF_TABLE

# Narrative wordings of a few T3 totals: used to notice when a report's text and its table disagree.
_NARRATIVE_FIGURES = {
    "T3/new_requests/total": r"(?:收到|受理|新收|接收|办理)[^。；，,]{0,14}?(?:申请|依申请公开)[^。；\d]{0,6}?(\d+)\s*件",
    "T3/granted/total": r"(?:同意公开|予以公开|全部公开)[^。；\d]{0,4}?(\d+)\s*件",
    "T3/partially_granted/total": r"部分公开[^。；\d]{0,4}?(\d+)\s*件",
    "T3/processed_total/total": r"(?:办结|答复完毕|予以答复)[^。；\d]{0,6}?(\d+)\s*件",
    "T3/carried_forward/total": r"结转[^。；\d]{0,8}?(\d+)\s*件",
    "T4/reconsideration/total": r"行政复议(?!决定)[^。；，,\d]{0,6}?(\d+)\s*(?:件|起)",
}
_TABLE_SECTIONS = set(SECTION_OF_TABLE.values())  # 二 三 四
LIST_OFFICES_SHOWN = 100  # offices named in a "which reports" answer; the count covers them all


@dataclass
class ReportValue:
    """One measure in one report: the sum of the cells found, and the cells that could not be used."""

    report_id: str
    org: str
    year: int | None
    title: str
    value: Number | None = None
    used: list[FactRecord] = field(default_factory=list)
    blank: list[FactRecord] = field(default_factory=list)
    doubtful: list[FactRecord] = field(default_factory=list)

    @property
    def cited(self) -> list[FactRecord]:
        return self.used + self.blank + self.doubtful


def report_values(facts: list[FactRecord], measure: Measure) -> list[ReportValue]:
    """Per report (in store order), the measure's value: each part takes the first alternative key held."""
    by_report: dict[str, dict[str, FactRecord]] = {}
    for fact in facts:
        if fact.status != "missing":
            by_report.setdefault(fact.report_id, {})[fact.key] = fact
    out = []
    for report_id, cells in by_report.items():
        any_fact = next(iter(cells.values()))
        rv = ReportValue(report_id, any_fact.org, any_fact.year, any_fact.title)
        values: list[Number] = []
        for part in measure.parts:
            cell = next((cells[k] for k in part if k in cells), None)
            if cell is None:
                continue
            if cell.status == "ok" and cell.value is not None:
                rv.used.append(cell)
                values.append(cell.value)
            elif cell.status == "ambiguous":
                rv.doubtful.append(cell)
            else:
                rv.blank.append(cell)
        if rv.cited:
            rv.value = sum(values) if rv.used else None
            out.append(rv)
    return out


def narrative_figure(report: Report, key: str) -> tuple[Number, str, tuple[int, int], str] | None:
    """The first figure the report's narrative gives for this key: (number, quote, span, section)."""
    pattern = _NARRATIVE_FIGURES.get(key)
    if pattern is None:
        return None
    for section in report.sections:
        if section.number in _TABLE_SECTIONS or section.parent in _TABLE_SECTIONS:
            continue
        m = re.search(pattern, section.text)
        if m:
            body_start = section.span[1] - len(section.text)
            start = max(section.text.rfind(c, 0, m.start()) for c in "，。；,;") + 1
            quote = section.text[start : m.end()]
            span = (body_start + start, body_start + m.end())
            heading = f"{section.number}{'、' if section.level == 1 else ''}{section.heading}"
            return int(m.group(1)), quote, span, heading
    return None


class TableAnswerer:
    """Answers SQL-route plans; returns None when no table fact exists (the caller tries the narrative)."""

    def __init__(
        self,
        store: FactStore,
        offices: dict[str, OfficeRecord],
        records: dict[str, ReportRecord],
        names: dict[str, str],
        text_figure: Callable[[QueryPlan], Answer | None] | None = None,
    ):
        """text_figure: the narrative answerer, for candidates whose report has no table (pre-2019)."""
        self.store = store
        self.text_figure = text_figure
        self.offices = offices
        self.records = records
        self.names = names
        self.calculator = Calculator(store, offices, records, names, text_figure=narrative_figure)

    def writer(self, plan: QueryPlan) -> AnswerWriter:
        return AnswerWriter(plan.language, self.names)

    # ------------------------------------------------------------------ entry
    def answer(self, plan: QueryPlan, compare_text: bool = False) -> Answer | None:
        """compare_text: also say when the report's text gives the same figure (consistency questions)."""
        if plan.intent == "list":
            return self.calculator.answer(plan) if plan.operation.kind == "count" else self._list(plan)
        if plan.intent == "check":
            return self._check(plan)
        if plan.ambiguous_offices:
            return self._ambiguous(plan)
        missing = self.missing_reports(plan)
        if missing is not None:
            return missing
        if plan.unheld:
            return self.calculator.unheld(plan)
        if is_calculated(plan.operation):
            computed = self.calculator.answer(plan)
            if computed is not None:
                return computed
        items = self._items(plan, plan.offices or None)
        if not items:
            return None
        reports = {rv.report_id for _, rv in items}
        if plan.intent == "fact" and not plan.offices and len(reports) > 1 and not plan.aggregation:
            return self._ambiguous(plan, items)
        if plan.intent == "fact" and len(items) == 1:
            return self._fact(plan, *items[0], compare_text=compare_text)
        return self._series(plan, items)

    def _items(self, plan: QueryPlan, orgs: list[str] | None) -> list[tuple[Measure, ReportValue]]:
        keys = [k for m in plan.measures for k in m.keys]
        facts = self.store.facts(orgs=orgs, years=plan.years or None, keys=keys)
        items = []
        for measure in plan.measures:
            wanted = set(measure.keys)
            for rv in report_values([f for f in facts if f.key in wanted], measure):
                items.append((measure, rv))
        order = {o: i for i, o in enumerate(orgs or [])}
        items.sort(key=lambda it: (order.get(it[1].org, len(order)), it[1].org, it[1].year or 0))
        return items

    def missing_reports(self, plan: QueryPlan) -> Answer | None:
        """not_found when none of the named offices has a report for the years asked (say which exist), or
        the question names an office the store has no report of."""
        if plan.unknown_offices and not plan.offices and not plan.ambiguous_offices:
            w = self.writer(plan)
            # offices of the named region are the useful pointer; the whole store only when there are none
            text = w.unknown_office(plan.unknown_offices, [] if plan.related_offices else sorted(self.offices))
            if plan.related_offices:
                text = w.join([text, w.related(plan.related_offices, self._years_of(plan.related_offices))])
            return Answer(question=plan.question, status="not_found", route=plan.route, answer=text)
        if not plan.offices:
            return None
        wanted = set(plan.years)
        have = {o: self.offices[o].years if o in self.offices else [] for o in plan.offices}
        if any((set(ys) & wanted) if wanted else ys for ys in have.values()):
            return None
        w = self.writer(plan)
        text = w.join([w.no_report(o, plan.years, have[o]) for o in plan.offices])
        if plan.related_offices:
            text = w.join([text, w.related(plan.related_offices, self._years_of(plan.related_offices))])
        return Answer(question=plan.question, status="not_found", route="sql", answer=text)

    def _years_of(self, orgs: list[str]) -> dict[str, list[int]]:
        return {o: sorted(self.offices[o].years) for o in orgs if o in self.offices}

    # ------------------------------------------------------------------ one fact
    def _fact(self, plan: QueryPlan, measure: Measure, rv: ReportValue, compare_text: bool = False) -> Answer:
        w = self.writer(plan)
        cites = CitationList()
        refs = cites.add_facts(rv.cited)
        unit = unit_of(rv.cited[0].key)
        lines = self._preamble(plan, w)
        if rv.value is None and rv.blank and not rv.doubtful:
            lines.append(w.blank(rv.org, rv.year, measure, refs))
        else:
            lines.append(w.fact(rv.org, rv.year, measure, rv.value, unit, refs))
        lines += self._cell_notes(w, rv)
        if rv.value is not None and len(rv.used) == 1:
            lines += self._disagreement(w, cites, rv, compare_text)
            lines += self._parts_of_total(w, cites, rv)
        lines += self._report_notes(w, [rv.report_id], {rv.cited[0].table})
        if plan.related_offices:
            lines.append(w.related(plan.related_offices))
        status = "answered" if rv.value is not None or rv.blank else "ambiguous"
        return Answer(
            question=plan.question,
            status=status,
            route="sql",
            answer=w.join(lines),
            value=rv.value,
            unit=unit,
            citations=cites.items,
            series=[(measure.label, rv.value)],
        )

    def _preamble(self, plan: QueryPlan, w: AnswerWriter) -> list[str]:
        return []

    def _cell_notes(self, w: AnswerWriter, rv: ReportValue) -> list[str]:
        notes = []
        if rv.doubtful:
            labels = [f"{f.label}×{f.col_label}" for f in rv.doubtful]
            candidates = ["/".join(fmt(c) for c in f.candidates) or "?" for f in rv.doubtful]
            notes.append(w.doubtful(labels, candidates))
        if rv.blank and rv.used:
            notes.append(w.partial_blank([f"{f.label}×{f.col_label}" for f in rv.blank]))
        return notes

    def _report_notes(self, w: AnswerWriter, report_ids: list[str], tables: set[str]) -> list[str]:
        """The consistency rules these reports break in the tables used, with the numbers that break them."""
        notes = []
        for report_id in dict.fromkeys(report_ids):
            record = self.records.get(report_id)
            if not (record and any(rule.split(" ")[0].rstrip(":") in tables for rule in record.checks_failed)):
                continue
            failed = [
                f"{c.rule}（{c.detail}）"
                for c in self.store.report(report_id).checks_failed
                if c.rule.split(" ")[0].rstrip(":") in tables
            ]
            notes.append(w.checks_failed(record.org, record.year, failed))
        return notes

    def _parts_of_total(self, w: AnswerWriter, cites: CitationList, rv: ReportValue) -> list[str]:
        """A T4 group total the report's own outcomes do not add up to: show the outcomes and their sum."""
        fact = rv.used[0]
        record = self.records.get(rv.report_id)
        if (
            fact.table != "T4"
            or fact.col != "total"
            or not (record and any(r.startswith("T4") for r in record.checks_failed))
        ):
            return []
        keys = [f"T4/{fact.row}/{c}" for c in ("upheld", "corrected", "other", "pending")]
        parts = sorted(
            (f for f in self.store.facts(report_id=rv.report_id, keys=keys) if f.value is not None),
            key=lambda f: keys.index(f.key),
        )
        total = sum(f.value for f in parts if f.value is not None)
        if not parts or total == fact.value:
            return []
        refs = cites.add_facts(parts)
        shown = [f"{f.col_label} {fmt(f.value)}[{r}]" for f, r in zip(parts, refs, strict=False)]
        return [w.outcomes_mismatch(shown, total, fact.value)]

    def _disagreement(self, w: AnswerWriter, cites: CitationList, rv: ReportValue, say_agreement: bool) -> list[str]:
        fact = rv.used[0]
        if fact.key not in _NARRATIVE_FIGURES:
            return []
        found = narrative_figure(self.store.report(rv.report_id), fact.key)
        if found is None or (found[0] == rv.value and not say_agreement):
            return []
        number, quote, span, section = found
        ref = cites.add(
            Citation(
                report_id=rv.report_id,
                title=rv.title,
                org=rv.org,
                year=rv.year,
                section=section,
                locator=w.say("cite.chars", start=span[0], end=span[1]),
                quote=quote,
                span=span,
            )
        )
        if number == rv.value:
            return [w.agreement(quote, ref)]
        return [w.disagreement(quote, number, rv.value, ref)]

    # ------------------------------------------------------------------ several values
    def _series(self, plan: QueryPlan, items: list[tuple[Measure, ReportValue]]) -> Answer:
        w = self.writer(plan)
        cites = CitationList()
        show_measure = len(plan.measures) > 1
        show_org = len({rv.org for _, rv in items}) > 1
        show_year = len({rv.year for _, rv in items}) > 1 or not show_org
        if plan.intent == "rank":
            items = sorted(
                items, key=lambda it: (it[1].value is None, (it[1].value or 0) * (1 if plan.order == "asc" else -1))
            )
        body: list[str] = []
        series: list[tuple[str, Number | None]] = []
        for measure, rv in items:
            label = w.series_label(rv.org, rv.year, show_org, show_year)
            if show_measure:
                label = w.join([label, w.measure(measure)]) if label else w.measure(measure)
            refs = cites.add_facts(rv.cited)
            note = w.say("table.blank_note") if rv.value is None and rv.blank else ""
            body.append(w.series_line(label, rv.value, unit_of(rv.cited[0].key), refs, note))
            series.append((label, rv.value))
        unit = unit_of(items[0][1].cited[0].key)
        value, summary = self._summary(plan, w, items, series, unit)
        lines = self._preamble(plan, w) + ([summary] if summary else []) + body
        lines += self._missing_in_series(plan, w, items)
        for _, rv in items:
            lines += self._cell_notes(w, rv)
        lines += self._report_notes(w, [rv.report_id for _, rv in items], {rv.cited[0].table for _, rv in items})
        if plan.related_offices and plan.intent != "rank":
            lines.append(w.related(plan.related_offices))
        return Answer(
            question=plan.question,
            status="answered",
            route="sql",
            answer="\n".join(lines),
            value=value,
            unit=unit,
            citations=cites.items,
            series=series,
        )

    def _summary(self, plan: QueryPlan, w: AnswerWriter, items, series, unit) -> tuple[Number | None, str]:
        known = [(label, v) for label, v in series if v is not None]
        measure = items[0][0]
        if plan.aggregation == "diff" and len(known) == 2:
            if plan.diff_reverse:
                known = known[::-1]
            diff = known[0][1] - known[1][1]
            return diff, w.difference(known[0], known[1], diff, unit)
        if plan.aggregation in ("sum", "avg") and known:
            values = [v for _, v in known]
            total = sum(values) / len(values) if plan.aggregation == "avg" else sum(values)
            return total, w.total(total, unit, len(values), avg=plan.aggregation == "avg")
        if plan.intent == "rank" and known:
            top = [label for label, v in known if v == known[0][1]]
            return known[0][1], w.rank_top(" / ".join(top), known[0][1], unit, measure, plan.order == "asc")
        if plan.intent == "trend" and len(known) >= 2 and len(plan.measures) == 1:
            return None, w.trend_summary(known[0], known[-1], unit)
        if plan.intent == "compare" and len(plan.measures) == 1:
            return None, w.say("table.compared", measure=w.measure(measure))
        return None, ""

    def _missing_in_series(self, plan: QueryPlan, w: AnswerWriter, items) -> list[str]:
        """Named offices that have no report (or no table) for the years asked, said rather than dropped."""
        found = {rv.org for _, rv in items}
        notes = []
        for org in plan.offices:
            if org not in found:
                years = self.offices[org].years if org in self.offices else []
                notes.append(
                    w.no_report(org, plan.years, years)
                    if plan.years
                    else w.say("table.no_figure", office=w.office(org))
                )
        return notes

    # ------------------------------------------------------------------ ambiguity
    def _ambiguous(self, plan: QueryPlan, items: list[tuple[Measure, ReportValue]] | None = None) -> Answer:
        w = self.writer(plan)
        candidates = plan.ambiguous_offices or sorted({rv.org for _, rv in items or []})
        if items is None:
            items = self._items(plan, candidates) if plan.measures else []
        cites = CitationList()
        asked = w.listing(plan.office_mentions) if plan.office_mentions else w.say("mention.unnamed")
        lines = [w.ambiguous_intro(asked)]
        series: list[tuple[str, Number | None]] = []
        for measure, rv in items:
            refs = cites.add_facts(rv.cited)
            text = f"{w.measure(measure)} {w.value(rv.value, unit_of(rv.cited[0].key))}"
            lines.append(w.ambiguous_line(rv.org, rv.year, text, refs))
            series.append((w.series_label(rv.org, rv.year, True, True), rv.value))
        shown = {rv.org for _, rv in items}
        for org in candidates:
            if org not in shown:
                lines.append(self._candidate_without_table(plan, w, org, cites, series))
        mention = plan.office_mentions[0] if plan.office_mentions else None
        follow = []
        for org in candidates:
            years = sorted({rv.year for _, rv in items if rv.org == org}, key=lambda y: y or 0) or plan.years or [None]
            follow += [w.follow_up(plan.question, mention, org, y) for y in years]
        return Answer(
            question=plan.question,
            status="ambiguous",
            route="sql",
            answer="\n".join(lines),
            citations=cites.items,
            candidates=follow,
            series=series,
        )

    def _candidate_without_table(
        self, plan: QueryPlan, w: AnswerWriter, org: str, cites: CitationList, series: list[tuple[str, Number | None]]
    ) -> str:
        """The figure the candidate's text gives (quoted), else the years its reports cover."""
        found = None
        if self.text_figure is not None and plan.asks_number and plan.years:
            found = self.text_figure(plan.model_copy(update={"offices": [org], "ambiguous_offices": []}))
        if found is not None and found.value is not None:
            cite = found.citations[0]
            ref = cites.add(cite)
            figure = w.value(found.value, found.unit or "")
            series.append((w.series_label(org, cite.year, True, True), found.value))
            return w.ambiguous_line(org, cite.year, w.say("table.text_instead", quote=cite.quote, figure=figure), [ref])
        years = self.offices[org].years if org in self.offices else []
        return w.ambiguous_line(org, None, w.say("table.years_without_figure", years=w.listing(years)), [])

    # ------------------------------------------------------------------ list and check
    def _scope(self, plan: QueryPlan) -> list[ReportRecord]:
        wanted_orgs = set(plan.offices or plan.ambiguous_offices)
        out = [
            r
            for r in self.records.values()
            if (not wanted_orgs or r.org in wanted_orgs) and (not plan.years or r.year in plan.years)
        ]
        return sorted(out, key=lambda r: (r.org, r.year or 0))

    def _list(self, plan: QueryPlan) -> Answer:
        w = self.writer(plan)
        records = self._scope(plan)
        if not records:
            missing = self.missing_reports(plan)
            text = missing.answer if missing else w.say("list.none")
            return Answer(question=plan.question, status="not_found", route="sql", answer=text)
        by_org: dict[str, list[ReportRecord]] = {}
        for r in records:
            by_org.setdefault(r.org, []).append(r)
        cites = CitationList()
        lines = [w.say("list.head", reports=len(records), offices=len(by_org))]
        # an answer naming 1,500 offices is unreadable and slow to show; the Reports tab lists them all
        for org, recs in list(by_org.items())[:LIST_OFFICES_SHOWN]:
            years = ", ".join(f"{r.year}[{cites.add(self._title_citation(w, r))}]" for r in recs)
            lines.append(f"- {w.office(org)}: {years}")
        if (more := len(by_org) - LIST_OFFICES_SHOWN) > 0:
            lines.append(w.say("list.more", more=more, tab=both("tab.reports")))
        return Answer(
            question=plan.question,
            status="answered",
            route="sql",
            answer="\n".join(lines),
            value=len(records),
            unit=w.say("list.unit"),
            citations=cites.items,
        )

    @staticmethod
    def _title_citation(w, r: ReportRecord) -> Citation:
        return Citation(
            report_id=r.report_id,
            title=r.title,
            org=r.org,
            year=r.year,
            section="",
            locator=w.say("cite.title"),
            quote=r.title,
        )

    def _check(self, plan: QueryPlan) -> Answer | None:
        """Consistency: with a metric, its figure with the text's figure and the broken rules; else per
        report the rules broken (with their numbers) and the T3 balance 新收 + 结转 = 办结 + 结转下年."""
        if plan.measures:
            return self.answer(plan.model_copy(update={"intent": "fact"}), compare_text=True)
        w = self.writer(plan)
        records = [r for r in self._scope(plan) if r.n_facts]
        if not records:
            missing = self.missing_reports(plan)
            text = missing.answer if missing else w.say("check.none")
            return Answer(question=plan.question, status="not_found", route="sql", answer=text)
        cites = CitationList()
        lines = []
        for r in records:
            failed = {c.rule: c.detail for c in self.store.report(r.report_id).checks_failed}
            balance = self._balance(w, cites, r)
            if failed:
                quote = "；".join(f"{rule}: {detail}" for rule, detail in failed.items())
                ref = cites.add(
                    Citation(
                        report_id=r.report_id,
                        title=r.title,
                        org=r.org,
                        year=r.year,
                        section="三、收到和处理政府信息公开申请情况",
                        locator=w.say("cite.check"),
                        quote=quote,
                    )
                )
                lines.append(
                    w.say("check.broken", where=w.office_year(r.org, r.year), n=len(failed), ref=ref, quote=quote)
                )
            else:
                lines.append(w.say("check.all_hold", where=w.office_year(r.org, r.year)))
            if balance:
                lines.append("  " + balance)
        return Answer(
            question=plan.question, status="answered", route="sql", answer="\n".join(lines), citations=cites.items
        )

    def _balance(self, w: AnswerWriter, cites: CitationList, record: ReportRecord) -> str:
        keys = [
            "T3/new_requests/total",
            "T3/carried_over/total",
            "T3/processed_total/total",
            "T3/carried_forward/total",
        ]
        cells = {f.key: f for f in self.store.facts(report_id=record.report_id, keys=keys) if f.status == "ok"}
        if len(cells) < 4:
            return ""
        refs = [cites.add_facts([cells[k]])[0] for k in keys]
        a, b, c, d = (_ok_value(cells[k]) for k in keys)
        return w.carry_balance((a, b, c, d), refs)


def _ok_value(fact: FactRecord) -> Number:
    """The value of an "ok" cell: parsers/digits.py turns an "ok" cell without a number into "blank"."""
    assert fact.value is not None, fact.key
    return fact.value
