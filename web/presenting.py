"""What the web app shows, built without any UI library: answer and citation cards (HTML), report tables
(DataFrames), fact exports (CSV) and safe names for uploaded files. app.py only wires these to Gradio.

Every piece of report text is HTML-escaped here: uploaded reports are untrusted input.
"""

import csv
import html
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from pandas.io.formats.style import Styler
from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from bot.models import Answer, Citation
from bot.render import fmt
from govqa.errors import GovqaError
from index.facts import FactStore
from index.models import FactRecord, ReportRecord
from index.lexical import tokenize
from parsers.models import Fact, Report, Section

ROUTE_LABELS = {"sql": "from the report tables", "retrieval": "from the report text"}
STATUS_LABELS = {
    "answered": ("answered", "Answer"),
    "not_found": ("not-found", "Not found in the ingested reports"),
    "ambiguous": ("ambiguous", "Ambiguous question — pick one below"),
    "error": ("error", "Error"),
}
TABLE_TITLES = {
    "T2": "T2 主动公开政府信息情况 (proactive disclosure)",
    "T3": "T3 收到和处理政府信息公开申请情况 (requests received and handled)",
    "T4": "T4 行政复议、行政诉讼情况 (reconsideration and lawsuits)",
}
_REF = re.compile(r"\[(\d{1,3})\]")
_SECTION_NUMBER = re.compile(r"^\s*(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+)")
_MIN_QUOTE_MATCH = 80.0  # rapidfuzz partial_ratio below which a quote is not located in its section


# ---------------------------------------------------------------------------- highlighting
def highlight(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """text as HTML with <mark> around the given character spans (overlapping spans merged)."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, pos = [], 0
    for start, end in merged:
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def term_spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Every occurrence of every term (case-insensitive), longest terms first."""
    lowered = text.lower()
    spans = []
    for term in sorted({t.lower() for t in terms if t.strip()}, key=len, reverse=True):
        start = lowered.find(term)
        while start >= 0:
            spans.append((start, start + len(term)))
            start = lowered.find(term, start + len(term))
    return spans


def question_terms(answer: Answer) -> list[str]:
    """Words of the question worth marking in a quoted passage: what the reader asked about."""
    words = [t for t in tokenize(answer.question) if len(t) >= 2 and not t.isdigit()]
    if answer.plan:
        words += answer.plan.metric_words + answer.plan.office_mentions
        words += [f"{y}年" for y in answer.plan.years]
    return words


def locate_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where the quote stands in the section text: exactly, else the best fuzzy alignment, else None."""
    quote = quote.strip()
    if not quote or not text:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    found = fuzz.partial_ratio_alignment(quote, text, score_cutoff=_MIN_QUOTE_MATCH)
    return (found.dest_start, found.dest_end) if found else None


def multiline(escaped: str) -> str:
    """Line breaks as <br>: the chat renders Markdown, and a blank line inside HTML would end the block."""
    return re.sub(r"\n+", "<br>", escaped.strip())


# ---------------------------------------------------------------------------- citation context
class CitationContext(BaseModel):
    """What a card shows when opened: the cited section's text and, for a table cell, its whole row."""

    section_title: str | None = None
    section_text: str | None = None
    row_label: str | None = None
    row: list[tuple[str, str]] = Field(default_factory=list, description="(column label, printed value).")
    cited_column: str | None = None
    problem: str | None = Field(None, description="Why the context could not be loaded.")


def section_for(report: Report, cited: str) -> Section | None:
    """The section a citation names ('三、收到…', '（一）主动公开情况'), the most specific one first."""
    match = _SECTION_NUMBER.match(cited)
    number = match.group(1) if match else ""
    candidates = [s for s in report.sections if s.heading and s.heading in cited]
    candidates += [s for s in report.sections if number and s.number == number]
    candidates.sort(key=lambda s: (-s.level, -len(s.heading)))
    return candidates[0] if candidates else None


def row_of(report: Report, key: str) -> tuple[str, list[Fact]]:
    """The printed row label and every cell of the row a fact key points into."""
    table, row, _ = key.split("/", 2)
    cells = [f for f in report.facts if f.table == table and f.row == row]
    return (cells[0].label if cells else row), cells


def citation_context(report: Report, citation: Citation) -> CitationContext:
    section = section_for(report, citation.section)
    context = CitationContext(
        section_title=f"{section.number}{'、' if section.level == 1 else ''}{section.heading}" if section else None,
        section_text=section.text if section else None,
    )
    if citation.key and citation.key.count("/") == 2:
        label, cells = row_of(report, citation.key)
        context.row_label = label
        context.row = [(f.col_label or f.col, cell_text(f)) for f in cells]
        cited = report.fact(citation.key)
        context.cited_column = (cited.col_label or cited.col) if cited else None
    return context


class CitationContexts:
    """Loads the stored reports behind an answer's citations (each report once)."""

    def __init__(self, store: FactStore):
        self.store = store

    def for_answer(self, answer: Answer) -> list[CitationContext]:
        reports: dict[str, Report | str] = {}
        contexts = []
        for citation in answer.citations:
            if citation.report_id not in reports:
                try:
                    reports[citation.report_id] = self.store.report(citation.report_id)
                except GovqaError as exc:  # a card without its context still shows the citation itself
                    reports[citation.report_id] = exc.reason
            found = reports[citation.report_id]
            if isinstance(found, Report):
                contexts.append(citation_context(found, citation))
            else:
                contexts.append(CitationContext(problem=f"report text unavailable: {found}"))
        return contexts


# ---------------------------------------------------------------------------- answer and cards
def cell_text(fact: Fact | FactRecord) -> str:
    """A table cell as the reader should see it: the number, blank, or the readings of a doubtful cell."""
    if fact.status == "ambiguous":
        readings = " / ".join(fmt(c) for c in fact.candidates) or fact.raw
        return f"? ({readings})"
    if fact.status == "missing":
        return "not found"
    if fact.status == "blank" or fact.value is None:
        return "(blank)"
    return fmt(fact.value)


def answer_text_html(text: str) -> str:
    """The bot's answer text: escaped, '- ' lines as a list, [n] references as badges matching the cards."""
    parts, items = [], []
    for line in text.strip().splitlines():
        line = html.escape(line.strip())
        line = _REF.sub(r'<span class="gq-ref">\1</span>', line)
        if line.startswith("- "):
            items.append(f"<li>{line[2:]}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line:
            parts.append(f"<p>{line}</p>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def _excerpt(text: str, spans: list[tuple[int, int]], width: int = 110) -> str:
    """A short window of the quote around its first marked term (the card's closed view)."""
    if len(text) <= 2 * width + 20:
        return highlight(text, spans)
    centre = min(spans)[0] if spans else 0
    start = max(0, centre - width // 2)
    end = min(len(text), start + 2 * width)
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return ("…" if start else "") + highlight(text[start:end], inside) + ("…" if end < len(text) else "")


def _row_table(context: CitationContext) -> str:
    head = "".join(
        f'<th class="{"gq-cited" if col == context.cited_column else ""}">{html.escape(col)}</th>'
        for col, _ in context.row
    )  # fmt: skip
    cells = "".join(
        f'<td class="{"gq-cited" if col == context.cited_column else ""}">{html.escape(value)}</td>'
        for col, value in context.row
    )  # fmt: skip
    label = html.escape(context.row_label or "")
    return (f'<div class="gq-ctx-label">The whole row as printed: {label}</div>'
            f'<div class="gq-row-wrap"><table class="gq-row"><tr>{head}</tr><tr>{cells}</tr></table></div>')  # fmt: skip


def _context_html(citation: Citation, context: CitationContext, terms: list[str]) -> str:
    parts = []
    if context.row:
        parts.append(_row_table(context))
    if context.section_text:
        text = context.section_text
        quote_at = None if citation.key else locate_quote(text, citation.quote)
        spans = [quote_at] if quote_at else ([] if citation.key else term_spans(text, terms))
        title = html.escape(context.section_title or citation.section)
        body = f'<div class="gq-section-text">{multiline(highlight(text, spans))}</div>'
        if citation.key:  # the row above is the evidence; the flattened table text is there to check against
            parts.append(f'<details class="gq-more"><summary>Section {title} as printed</summary>{body}</details>')
        else:
            parts.append(f'<div class="gq-ctx-label">Section {title} — full text, the quoted passage marked</div>{body}')
    elif not citation.key:
        parts.append(f'<div class="gq-section-text">{multiline(highlight(citation.quote, term_spans(citation.quote, terms)))}</div>')
    if context.problem:
        parts.append(f'<div class="gq-ctx-label">{html.escape(context.problem)}</div>')
    parts.append(f'<div class="gq-ctx-label">Report: {html.escape(citation.title)}</div>')
    return "".join(parts)


def citation_card(number: int, citation: Citation, context: CitationContext, terms: list[str]) -> str:
    """One numbered source: office · year · section, then the cell (row × column = value) or the quote."""
    year = f"{citation.year}年" if citation.year else "year unknown"
    source = (f'<span class="gq-num">{number}</span><span class="gq-src"><b>{html.escape(citation.org)}</b>'
              f' · {year} · {html.escape(citation.section)}</span>')  # fmt: skip
    if citation.key:
        table, _, cell = citation.locator.partition(" ") if re.match(r"^T[234] ", citation.locator) else ("", "", citation.locator)
        tag = f'<span class="gq-tag">{table}</span>' if table else ""
        value = citation.quote.strip() or "(blank)"
        body = (f'<div class="gq-cell">{tag}{html.escape(cell)} = <b class="gq-val">{html.escape(value)}</b></div>')
    else:
        quote = " ".join(citation.quote.split())
        body = f'<div class="gq-quote">“{_excerpt(quote, term_spans(quote, terms))}”</div>'
    return (f'<details class="gq-card"><summary><span class="gq-open"></span>{source}{body}</summary>'
            f'<div class="gq-context">{_context_html(citation, context, terms)}</div></details>')


def answer_html(answer: Answer, contexts: list[CitationContext] | None = None) -> str:
    """The whole assistant message: status line, the answer, the key number and the source cards."""
    css, label = STATUS_LABELS.get(answer.status, ("error", answer.status))
    meta = [label]
    if answer.status == "answered" and answer.route in ROUTE_LABELS:
        meta.append(ROUTE_LABELS[answer.route])
    if answer.elapsed_ms:
        meta.append(f"{answer.elapsed_ms / 1000:.2f} s")
    parts = [f'<div class="gq-answer gq-{css}"><div class="gq-status">{" · ".join(html.escape(m) for m in meta)}</div>']
    if answer.status == "answered" and answer.value is not None and len(answer.series) <= 1:
        unit = html.escape(answer.unit or "")
        parts.append(f'<div class="gq-value">{html.escape(fmt(answer.value))}<span>{unit}</span></div>')
    parts.append(f'<div class="gq-text">{answer_text_html(answer.answer)}</div>')
    if answer.citations:
        contexts = contexts or [CitationContext() for _ in answer.citations]
        terms = question_terms(answer)
        cards = "".join(citation_card(i + 1, c, ctx, terms) for i, (c, ctx) in enumerate(zip(answer.citations, contexts)))
        parts.append(f'<div class="gq-sources-title">Sources ({len(answer.citations)}) — click a source to see it in the report</div>{cards}')
    parts.append("</div>")
    return "".join(parts)


def error_html(message: str) -> str:
    return f'<div class="gq-answer gq-error"><div class="gq-status">Error</div><div class="gq-text"><p>{html.escape(message)}</p></div></div>'


SERIES_COLUMNS = ["report", "value"]


def series_frame(answer: Answer) -> pd.DataFrame | None:
    """The (label, value) pairs of a trend or comparison as a chart table; None when there is nothing to plot."""
    points = [(str(label), float(value)) for label, value in answer.series if value is not None]
    if len(points) < 2:
        return None
    return pd.DataFrame(points, columns=SERIES_COLUMNS)


def chart_kind(answer: Answer) -> str:
    """A line over years (trend), bars otherwise (offices side by side)."""
    labels = [str(label) for label, _ in answer.series]
    years = all(re.fullmatch(r"\d{4}年?", label) for label in labels)
    return "line" if (answer.plan and answer.plan.intent == "trend") or years else "bar"


# ---------------------------------------------------------------------------- reports
def check_counts(report: Report) -> tuple[int, int, int]:
    """(passed, failed, not checkable) consistency rules."""
    oks = [c.ok for c in report.checks]
    return oks.count(True), oks.count(False), oks.count(None)


def filter_reports(records: list[ReportRecord], text: str = "", year: int | str | None = None) -> list[ReportRecord]:
    """Reports whose office, title, region or file name contains text (case-insensitive), of one year if given."""
    needle = (text or "").strip().lower()
    wanted = int(year) if year not in (None, "", "All") else None
    found = []
    for r in records:
        haystack = " ".join([r.org, r.title, *r.region, *(Path(s).name for s in r.sources)]).lower()
        if needle and needle not in haystack:
            continue
        if wanted is not None and r.year != wanted:
            continue
        found.append(r)
    return found


def report_choice(record: ReportRecord) -> str:
    return f"{record.org} · {record.year or 'year?'} · {record.template}"


REPORT_COLUMNS = ["Office", "Year", "Template", "Checks", "Failed rules", "Warnings", "Cells", "Doubtful", "Files"]


def checks_summary(passed: int, failed: int, unknown: int) -> str:
    """'4/4 hold', '✗ 1 FAILED · 3 hold', 'none' (pre-2019 reports have no tables to check)."""
    total = passed + failed + unknown
    if not total:
        return "no tables"
    text = f"✗ {failed} FAILED · {passed} hold" if failed else f"✓ {passed}/{total} hold"
    return text + (f" · {unknown} unknown" if unknown else "")


def reports_frame(records: list[ReportRecord], checks: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    """One line per report for the Reports tab; checks maps report_id to check_counts()."""
    rows = []
    for r in records:
        passed, failed, unknown = checks.get(r.report_id, (0, len(r.checks_failed), 0))
        rows.append([
            r.org, r.year if r.year is not None else "", r.template, checks_summary(passed, failed, unknown),
            "; ".join(r.checks_failed), "; ".join(r.warnings), r.n_facts, r.n_ambiguous + r.n_missing,
            ", ".join(Path(s).name for s in r.sources),
        ])  # fmt: skip
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)


def report_summary_html(report: Report, record: ReportRecord | None = None) -> str:
    """Title, office, year, template, source files, then every check (failed ones first and in red) and warnings."""
    passed, failed, unknown = check_counts(report)
    sources = record.sources if record else [report.source]
    parts = [
        f'<div class="gq-report"><h3>{html.escape(report.title)}</h3>',
        f'<div class="gq-report-meta"><b>{html.escape(report.org)}</b> · {report.year or "year unknown"} · '
        f'template {html.escape(report.template)} · {len(report.facts)} table cells · {len(report.sections)} sections</div>',
        f'<div class="gq-report-meta">Files: {html.escape(", ".join(Path(s).name for s in sources))}</div>',
        f'<div class="gq-checks-title">Consistency checks: {passed} passed, {failed} failed, {unknown} not checkable</div><ul class="gq-checks">',
    ]  # fmt: skip
    order = {False: 0, None: 1, True: 2}
    for check in sorted(report.checks, key=lambda c: order[c.ok]):
        css, mark = {False: ("gq-fail", "✗ failed"), None: ("gq-unknown", "? not checkable"), True: ("gq-pass", "✓ holds")}[check.ok]
        detail = "" if check.ok else f" — {html.escape(check.detail)}"
        parts.append(f'<li class="{css}"><b>{mark}</b>: {html.escape(check.rule)}{detail}</li>')
    parts.append("</ul>")
    if report.warnings:
        parts.append('<div class="gq-checks-title">Warnings</div><ul class="gq-warnings">')
        parts += [f"<li>{html.escape(w)}</li>" for w in report.warnings]
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def report_sections_html(report: Report) -> str:
    """Each 一…六 section as an expandable block (its text includes its sub-sections)."""
    blocks = []
    for section in report.sections:
        if section.level != 1:
            continue
        subs = [s for s in report.sections if s.parent == section.number]
        sub_note = f' <span class="gq-sub">({len(subs)} sub-sections)</span>' if subs else ""
        blocks.append(
            f'<details class="gq-section"><summary>{html.escape(section.number)}、{html.escape(section.heading)}{sub_note}'
            f'</summary><div class="gq-section-text">{multiline(html.escape(section.text))}</div></details>'
        )
    if not blocks:
        return '<div class="gq-report-meta">No numbered sections were found in this report.</div>'
    return "".join(blocks)


def failed_lines(report: Report, table: str) -> set[str]:
    """Row and column keys named by the failed checks of one table (each failure reads 'key: …')."""
    keys = set()
    for check in report.checks_failed:
        if check.rule.startswith(table):
            keys.update(part.split(":", 1)[0].strip() for part in check.detail.split(";") if ":" in part)
    return keys


def report_table(report: Report, table: str) -> Styler | None:
    """Table T2/T3/T4 as printed: rows by their printed labels × column labels; cells of failed checks in red,
    doubtful cells in amber. None when the report has no such table."""
    facts = [f for f in report.facts if f.table == table]
    if not facts:
        return None
    rows = list(dict.fromkeys(f.row for f in facts))
    cols = list(dict.fromkeys(f.col for f in facts))
    row_labels = {f.row: f.label for f in facts}
    col_labels = {f.col: f.col_label or f.col for f in facts}
    grid = pd.DataFrame("", index=[row_labels[r] for r in rows], columns=[col_labels[c] for c in cols])
    colors = pd.DataFrame("", index=grid.index, columns=grid.columns)
    bad = failed_lines(report, table)
    for f in facts:
        at = (row_labels[f.row], col_labels[f.col])
        grid.loc[at] = cell_text(f)
        if f.status in ("ambiguous", "missing"):
            colors.loc[at] = "background-color: #fde68a"
        elif f.row in bad or f.col in bad:
            colors.loc[at] = "background-color: #fecaca"
    grid = grid.reset_index(names="Row (as printed)")
    colors = colors.reset_index(drop=True)
    colors.insert(0, "Row (as printed)", "")
    return grid.style.apply(lambda _: colors, axis=None)


# ---------------------------------------------------------------------------- facts
FACT_COLUMNS = ["Office", "Year", "Table", "Row (as printed)", "Column", "Value", "Printed", "Status", "Key", "Report"]


def facts_frame(facts: list[FactRecord]) -> pd.DataFrame:
    rows = [
        [f.org, f.year if f.year is not None else "", f.table, f.label, f.col_label, cell_text(f), f.raw, f.status,
         f.key, f.title]
        for f in facts
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def write_facts_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV with a byte-order mark so spreadsheet programs read the Chinese labels correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
    return path


