"""Derived figures computed from stored facts only: sums, means, differences, changes, shares, multiples,
rankings of one table's categories, yes/no and counts — every operand cited, the arithmetic shown.

An operand is a measure of one office in one year. It is read from the fact store (one parameterised query
for all operands); a report without tables (before 2019) may state the figure in its text, which is then
quoted and cited. If any operand cannot be read (no report, no such cell, a blank or ambiguous cell) the
figure is not computed: the answer names what is missing and `value` stays None.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.models import Answer, Citation, Operand, QueryPlan
from bot.operations import UNHELD_TEXT, asks_decrease
from bot.wording import AnswerWriter, CitationList, fmt
from index.facts import FactStore
from index.models import FactRecord, OfficeRecord, ReportRecord
from parsers.models import Number, Report

# (report, key) -> (number, quote, span, section) | None: bot/tables.narrative_figure
TextFigure = Callable[[Report, str], tuple[Number, str, tuple[int, int], str] | None]

PERCENT_DIGITS = 2


@dataclass
class Figure:
    """One operand's value with what it was read from, or why it could not be read."""

    operand: Operand
    org: str
    year: int | None
    value: Number | None = None
    facts: list[FactRecord] = field(default_factory=list)
    quote: Citation | None = None
    missing: str | None = None  # no_report, no_table, no_cell, blank, doubtful


class Calculator:
    """Answers plans whose operation is computed (bot/operations.is_calculated)."""

    def __init__(
        self,
        store: FactStore,
        offices: dict[str, OfficeRecord],
        records: dict[str, ReportRecord],
        names: dict[str, str],
        text_figure: TextFigure | None = None,
    ):
        self.store = store
        self.offices = offices
        self.records = records
        self.names = names
        self.text_figure = text_figure  # (report, key) -> (number, quote, span, section) | None

    # ------------------------------------------------------------------ entry
    def answer(self, plan: QueryPlan) -> Answer | None:
        op = plan.operation
        if op.kind == "count":
            return self._count(plan)
        operands = self._expand(plan)
        if not operands:
            return None
        w = AnswerWriter(plan.language, self.names)
        if op.kind == "share" and op.denominator is None:
            label = w.short_measure(op.numerator or plan.measures[0])
            return self._result(plan, "not_found", w.no_denominator(label), None, None, CitationList())
        figures = self._read(operands)
        handler = {
            "sum": self._sum,
            "mean": self._sum,
            "difference": self._pair,
            "change_pct": self._pair,
            "multiple": self._pair,
            "share": self._share,
            "rank": self._rank,
            "exists": self._exists,
        }[op.kind]
        return handler(plan, w, figures)

    def _expand(self, plan: QueryPlan) -> list[Operand]:
        """Operands with their office and year filled in: no office named → none (the table answerer decides);
        no year named → every year the office has a report of."""
        out = []
        across = sorted(o for o in self.offices if not plan.years or set(self.offices[o].years) & set(plan.years))
        for operand in plan.operation.operands:
            # a total with no office named is over every office: then an office lacking a year is named too
            whole = plan.across_offices or (
                plan.operation.kind in ("sum", "mean") and not plan.ambiguous_offices and not plan.unknown_offices
            )
            offices = [operand.office] if operand.office else (across if whole else [])
            for org in offices:
                years = [operand.year] if operand.year else self._years_with_tables(org)
                if whole and operand.year is None and plan.years:
                    years = plan.years
                out += [operand.model_copy(update={"office": org, "year": y}) for y in years]
        return out

    def _years_with_tables(self, org: str) -> list[int]:
        return sorted({r.year for r in self.records.values() if r.org == org and r.n_facts and r.year is not None})

    # ------------------------------------------------------------------ reading operands
    def _read(self, operands: list[Operand]) -> list[Figure]:
        keys = sorted({k for o in operands for k in o.measure.keys})
        orgs = sorted({_scope_of(o)[0] for o in operands})
        years = sorted({_scope_of(o)[1] for o in operands})
        facts = self.store.facts(orgs=orgs, years=years, keys=keys)
        by_scope: dict[tuple[str, int | None], dict[str, FactRecord]] = {}
        for fact in facts:
            if fact.status != "missing":
                by_scope.setdefault((fact.org, fact.year), {}).setdefault(fact.key, fact)
        return [self._figure(o, by_scope.get(_scope_of(o), {})) for o in operands]

    def _figure(self, operand: Operand, cells: dict[str, FactRecord]) -> Figure:
        org, year = _scope_of(operand)
        fig = Figure(operand, org, year)
        values: list[Number] = []
        report = self._report_of(org, year)
        if report is None:
            fig.missing = "no_report"
            return fig
        if not report.n_facts:
            return self._from_text(fig, report)
        for part in operand.measure.parts:
            fact = next((cells[k] for k in part if k in cells), None)
            if fact is None:
                fig.missing = "no_cell"
            elif fact.status == "ambiguous":
                fig.facts.append(fact)
                fig.missing = fig.missing or "doubtful"
            elif fact.status != "ok" or fact.value is None:
                fig.facts.append(fact)
                fig.missing = fig.missing or "blank"
            else:
                fig.facts.append(fact)
                values.append(fact.value)
        if fig.missing is None:
            fig.value = sum(values)
        return fig

    def _report_of(self, org: str, year: int | None) -> ReportRecord | None:
        found = [r for r in self.records.values() if r.org == org and r.year == year]
        return min(found, key=lambda r: r.parse_quality) if found else None

    def _from_text(self, fig: Figure, report: ReportRecord) -> Figure:
        """A report without tables: the figure its text states (quoted), for a single-cell measure."""
        keys = fig.operand.measure.keys
        found = (
            self.text_figure(self.store.report(report.report_id), keys[0])
            if self.text_figure and len(keys) == 1
            else None
        )
        if found is None:
            fig.missing = "no_table"
            return fig
        number, quote, span, section = found
        fig.value = number
        fig.quote = Citation(
            report_id=report.report_id,
            title=report.title,
            org=report.org,
            year=report.year,
            section=section,
            locator=f"{span[0]}–{span[1]}",
            quote=quote,
            span=span,
        )
        return fig

    # ------------------------------------------------------------------ pieces of an answer
    def _cite(self, cites: CitationList, figures: list[Figure]) -> list[str]:
        refs = []
        for f in figures:
            numbers = cites.add_facts(f.facts) + ([cites.add(f.quote)] if f.quote else [])
            refs.append("".join(f"[{n}]" for n in numbers))
        return refs

    def _labels(self, w: AnswerWriter, figures: list[Figure]) -> list[str]:
        show_m = len({f.operand.measure.name for f in figures}) > 1
        show_o = len({f.org for f in figures}) > 1
        show_y = len({f.year for f in figures}) > 1
        return [
            w.operand_label(f.operand.measure, f.org, f.year, show_m or not (show_o or show_y), show_o, show_y)
            for f in figures
        ]

    def _scope(self, w: AnswerWriter, figures: list[Figure]) -> str:
        """The office and year every figure shares (said once, before the formula)."""
        orgs, years = {f.org for f in figures}, {f.year for f in figures}
        org = next(iter(orgs)) if len(orgs) == 1 else None
        year = next(iter(years)) if len(years) == 1 else None
        measures = {f.operand.measure.name: f.operand.measure for f in figures}
        shared = (
            w.short_measure(next(iter(measures.values())))
            if len(measures) == 1 and (len(orgs) > 1 or len(years) > 1)
            else ""
        )
        where = w.office_year(org, year) if org else (w.year(year) if year else "")
        return w.with_measure(where, shared)

    def _missing(self, plan: QueryPlan, w: AnswerWriter, figures: list[Figure], cites: CitationList) -> Answer | None:
        gaps = [f for f in figures if f.missing]
        if not gaps:
            return None
        known = [f for f in figures if not f.missing]
        refs = self._cite(cites, known + [f for f in gaps if f.facts])
        lines = [w.missing_operands([(f.missing, f.org, f.year, _what(w, f)) for f in gaps if f.missing])]
        labels = self._labels(w, figures)
        lines += [f"- {w.operand(labels[figures.index(f)], f.value, r)}" for f, r in zip(known, refs, strict=False)]
        return self._result(plan, "not_found", "\n".join(lines), None, None, cites)

    def _result(
        self,
        plan: QueryPlan,
        status: str,
        text: str,
        value: Number | None,
        unit: str | None,
        cites: CitationList,
        series: list | None = None,
    ) -> Answer:
        return Answer(
            question=plan.question,
            status=status,
            route="sql",
            answer=text,
            value=value,
            unit=unit,
            citations=cites.items,
            series=series or [],
        )

    # ------------------------------------------------------------------ operations
    def _sum(self, plan: QueryPlan, w: AnswerWriter, figures: list[Figure]) -> Answer:
        cites = CitationList()
        gap = self._missing(plan, w, figures, cites)
        if gap is not None:
            return gap
        refs = self._cite(cites, figures)
        labels = self._labels(w, figures)
        total = sum(_value(f) for f in figures)
        unit = figures[0].operand.measure.unit
        mean = plan.operation.kind == "mean"
        value = round(total / len(figures), PERCENT_DIGITS) if mean else total
        terms = [w.operand(label, _value(f), "") for label, f in zip(labels, figures, strict=False)]
        if mean:
            terms, sign = [f"({' + '.join(terms)})", str(len(figures))], "÷"
        else:
            sign = "+"
        text = w.formula(self._scope(w, figures), terms, sign, w.computed(value, unit), "".join(refs))
        series = [(label, _value(f)) for label, f in zip(labels, figures, strict=False)]
        return self._result(plan, "answered", text, value, unit, cites, series)

    def _pair(self, plan: QueryPlan, w: AnswerWriter, figures: list[Figure]) -> Answer:
        cites = CitationList()
        gap = self._missing(plan, w, figures, cites)
        if gap is not None:
            return gap
        first, second = figures[:2]
        refs = "".join(self._cite(cites, [first, second]))
        labels = self._labels(w, [first, second])
        terms = [w.operand(label, _value(f), "") for label, f in zip(labels, [first, second], strict=False)]
        kind = plan.operation.kind
        unit = first.operand.measure.unit
        if kind == "difference":
            diff = _value(first) - _value(second)
            text = w.join(
                [
                    w.formula(self._scope(w, figures), terms, "−", w.computed(diff, unit), refs),
                    w.difference_words(labels[0], labels[1], diff, unit, decrease=_decrease(plan)),
                ]
            )
            return self._result(
                plan, "answered", text, diff, unit, cites, [(labels[0], _value(first)), (labels[1], _value(second))]
            )
        if _value(second) == 0:
            return self._result(plan, "not_found", w.zero_denominator(w.operand(labels[1], 0, refs)), None, None, cites)
        if kind == "change_pct":
            pct = round((_value(first) - _value(second)) / _value(second) * 100, PERCENT_DIGITS)
            body = [f"({terms[0]} − {terms[1]})", f"{fmt(_value(second))} × 100%"]
            text = w.join(
                [
                    w.formula(self._scope(w, figures), body, "÷", w.computed(pct, "%"), refs),
                    w.change_words(labels[0], labels[1], pct),
                ]
            )
            return self._result(plan, "answered", text, pct, "%", cites)
        multiple = round(_value(first) / _value(second), PERCENT_DIGITS)
        text = w.formula(self._scope(w, figures), terms, "÷", w.computed(multiple, "倍"), refs)
        return self._result(plan, "answered", text, multiple, "倍", cites)

    def _share(self, plan: QueryPlan, w: AnswerWriter, figures: list[Figure]) -> Answer:
        op = plan.operation
        cites = CitationList()
        gap = self._missing(plan, w, figures, cites)
        if gap is not None:
            return gap
        nums = [f for f in figures if f.operand.role == "numerator"]
        dens = [f for f in figures if f.operand.role == "denominator"]
        lines: list[str] = []
        values: list[Number | None] = []
        series: list[tuple[str, Number]] = []
        for num, den in zip(nums, dens, strict=False):
            refs = "".join(self._cite(cites, [num, den]))
            scope = self._scope(w, [num, den])
            terms = [w.operand(w.short_measure(f.operand.measure), _value(f), "") for f in (num, den)]
            if _value(den) == 0:
                lines.append(w.formula(scope, terms, "÷", "—", refs) + " " + w.zero_denominator(terms[1]))
                values.append(None)
                continue
            pct = round(_value(num) / _value(den) * 100, PERCENT_DIGITS)
            lines.append(w.formula(scope, terms, "÷", w.computed(pct, "%"), refs))
            values.append(pct)
            series.append((scope, pct))
        # answer() has already said no_denominator for a share without one
        assert op.denominator is not None
        lines.append(w.convention(op.convention or "declared", w.short_measure(op.denominator)))
        value = values[0] if len(values) == 1 else None
        status = "answered" if any(v is not None for v in values) else "not_found"
        return self._result(plan, status, "\n".join(lines), value, "%" if value is not None else None, cites, series)

    def _rank(self, plan: QueryPlan, w: AnswerWriter, figures: list[Figure]) -> Answer:
        op = plan.operation
        cites = CitationList()
        gap = self._missing(plan, w, figures, cites)
        if gap is not None:
            return gap
        scopes = list(dict.fromkeys((f.org, f.year) for f in figures))
        lines, value, series = [], None, []
        group = w.short_measure(plan.measures[0]) if plan.measures else ""
        for org, year in scopes:
            mine = sorted(
                (f for f in figures if (f.org, f.year) == (org, year)),
                key=lambda f: _value(f) * (1 if op.order == "asc" else -1),
            )
            refs = self._cite(cites, mine)
            cut = _value(mine[min(op.top, len(mine)) - 1])
            top = [f for f in mine if (_value(f) <= cut if op.order == "asc" else _value(f) >= cut)]
            whole = plan.measures[0]
            names = [(w.category_name(f.operand.measure, whole), _value(f)) for f in top]
            lines.append(
                w.rank_categories(
                    w.office_year(org, year), group, names, top[0].operand.measure.unit, op.order == "asc", op.top
                )
            )
            lines += [
                f"- {w.operand(w.category_name(f.operand.measure, whole), _value(f), r)}"
                for f, r in zip(mine, refs, strict=False)
            ]
            series += [(w.category_name(f.operand.measure, whole), _value(f)) for f in mine]
            value = _value(top[0]) if len(scopes) == 1 else None
        return self._result(plan, "answered", "\n".join(lines), value, plan.measures[0].unit, cites, series)

    def _exists(self, plan: QueryPlan, w: AnswerWriter, figures: list[Figure]) -> Answer:
        cites = CitationList()
        gap = self._missing(plan, w, figures, cites)
        if gap is not None:
            return gap
        refs = self._cite(cites, figures)
        lines = []
        for f, r in zip(figures, refs, strict=False):
            label = w.join([self._scope(w, [f]), w.measure(f.operand.measure)])
            lines.append(w.yes_no(_value(f), label, f.operand.measure.unit, r))
        value = _value(figures[0]) if len(figures) == 1 else None
        return self._result(
            plan,
            "answered",
            "\n".join(lines),
            value,
            figures[0].operand.measure.unit,
            cites,
            [(w.short_measure(f.operand.measure), _value(f)) for f in figures],
        )

    def _count(self, plan: QueryPlan) -> Answer:
        w = AnswerWriter(plan.language, self.names)
        what = plan.operation.count_of or "reports"
        wanted = set(plan.offices or plan.ambiguous_offices)
        records = sorted(
            (
                r
                for r in self.records.values()
                if (not wanted or r.org in wanted) and (not plan.years or r.year in plan.years)
            ),
            key=lambda r: (r.org, r.year or 0),
        )
        cites = CitationList()
        for r in records:
            cites.add(
                Citation(
                    report_id=r.report_id,
                    title=r.title,
                    org=r.org,
                    year=r.year,
                    section="",
                    locator=w.say("cite.title"),
                    quote=r.title,
                )
            )
        if what == "years":
            items = [str(y) for y in sorted({r.year for r in records if r.year is not None})]
        elif what == "offices":
            items = [w.office(o) for o in dict.fromkeys(r.org for r in records)]
        else:
            items = [w.office_year(r.org, r.year) for r in records]
        status = "answered" if records else "not_found"
        return self._result(plan, status, w.count_of(what, len(items), items), len(items), w.count_unit(what), cites)

    # ------------------------------------------------------------------ what no report records
    def unheld(self, plan: QueryPlan) -> Answer | None:
        """not_found for an attribute the template does not count (答复时间, 满意度, by letter) unless the text
        of a report in scope speaks of it (then None: the text answerer tries)."""
        dims = [u.split(":", 1)[0] for u in plan.unheld]
        words = [u.split(":", 1)[1] for u in plan.unheld]
        scope = [
            r
            for r in self.records.values()
            if (not plan.offices or r.org in plan.offices) and (not plan.years or r.year in plan.years)
        ]
        for record in scope:
            text = "".join(s.text for s in self.store.report(record.report_id).sections)
            if any(UNHELD_TEXT[d].search(text) for d in dims):
                return None
        w = AnswerWriter(plan.language, self.names)
        return self._result(plan, "not_found", w.unheld(words, plan.offices, plan.years), None, None, CitationList())


def _scope_of(operand: Operand) -> tuple[str, int]:
    """The office and year of an operand Calculator._expand has filled in."""
    # _expand names an office (the plan's or each of `across`) and a year (the plan's or each held) for every operand
    assert operand.office is not None and operand.year is not None
    return operand.office, operand.year


def _value(fig: Figure) -> Number:
    """The value of a figure _missing let through: _figure and _from_text set one whenever `missing` is None."""
    assert fig.value is not None, fig.missing
    return fig.value


def _decrease(plan: QueryPlan) -> bool:
    return asks_decrease(plan.operation)


def _what(w: AnswerWriter, fig: Figure) -> str:
    """The measure, or the very cells that are blank or unreadable (不予公开·属于国家秘密×总计)."""
    bad = [f for f in fig.facts if f.status != "ok" or f.value is None]
    if fig.missing in ("blank", "doubtful") and bad:
        return "、".join(f"{f.label}×{f.col_label}" for f in bad)
    return w.short_measure(fig.operand.measure)
