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

from bot.conversation import reply_language
from bot.models import Answer, Citation
from bot.wording import TABLE_SECTION, WORDING, fmt, rule_detail, rule_text, say, strip_enumerator
from govqa.errors import GovqaError
from index.facts import FactStore
from index.lexical import tokenize
from index.models import FactRecord, ReportRecord
from parsers.models import Fact, Report, Section
from parsers.template import TABLES, all_keys

STATUS_CSS = {
    "answered": "answered",
    "not_found": "not-found",
    "ambiguous": "ambiguous",
    "error": "error",
    "help": "help",
}
TABLE_TITLES = {key: f"{key} {spec.title} ({spec.title_en})" for key, spec in TABLES.items()}
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

    @staticmethod
    def language(answer: Answer) -> str:
        return answer.plan.language if answer.plan else reply_language(answer.question)

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
                contexts.append(
                    CitationContext(problem=say("context_unavailable", self.language(answer), reason=found))
                )
        return contexts


# ---------------------------------------------------------------------------- answer and cards
def cell_text(fact: Fact | FactRecord, language: str = "en") -> str:
    """A table cell as the reader should see it: the number, blank, or the readings of a doubtful cell."""
    if fact.status == "ambiguous":
        readings = " / ".join(fmt(c) for c in fact.candidates) or fact.raw
        return f"? ({readings})"
    if fact.status == "missing":
        return say("cell_missing", language)
    if fact.status == "blank" or fact.value is None:
        return say("cell_blank", language)
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


def _row_table(context: CitationContext, language: str) -> str:
    head = "".join(
        f'<th class="{"gq-cited" if col == context.cited_column else ""}">{html.escape(col)}</th>'
        for col, _ in context.row
    )
    cells = "".join(
        f'<td class="{"gq-cited" if col == context.cited_column else ""}">{html.escape(value)}</td>'
        for col, value in context.row
    )
    label = say("whole_row", language, label=html.escape(context.row_label or ""))
    return (
        f'<div class="gq-ctx-label">{label}</div>'
        f'<div class="gq-row-wrap"><table class="gq-row"><tr>{head}</tr><tr>{cells}</tr></table></div>'
    )


def _context_html(citation: Citation, context: CitationContext, terms: list[str], language: str) -> str:
    parts = []
    if context.row:
        parts.append(_row_table(context, language))
    if context.section_text:
        text = context.section_text
        quote_at = None if citation.key else locate_quote(text, citation.quote)
        spans = [quote_at] if quote_at else ([] if citation.key else term_spans(text, terms))
        title = html.escape(context.section_title or citation.section)
        body = f'<div class="gq-section-text">{multiline(highlight(text, spans))}</div>'
        if citation.key:  # the row above is the evidence; the flattened table text is there to check against
            summary = say("section_as_printed", language, title=title)
            parts.append(f'<details class="gq-more"><summary>{summary}</summary>{body}</details>')
        else:
            parts.append(f'<div class="gq-ctx-label">{say("section_full", language, title=title)}</div>{body}')
    elif not citation.key:
        parts.append(
            f'<div class="gq-section-text">{multiline(highlight(citation.quote, term_spans(citation.quote, terms)))}</div>'
        )
    if context.problem:
        parts.append(f'<div class="gq-ctx-label">{html.escape(context.problem)}</div>')
    parts.append(f'<div class="gq-ctx-label">{say("report", language, title=html.escape(citation.title))}</div>')
    return "".join(parts)


def citation_card(
    number: int, citation: Citation, context: CitationContext, terms: list[str], language: str = "en"
) -> str:
    """One numbered source: office · year · section, then the cell (row × column = value) or the quote."""
    # the source line names the report as it is printed (2020年 · 三、…), in either language
    year = f"{citation.year}年" if citation.year else say("year_unknown", language)
    source = (
        f'<span class="gq-num">{number}</span><span class="gq-src"><b>{html.escape(citation.org)}</b>'
        f" · {year} · {html.escape(citation.section)}</span>"
    )
    if citation.key:
        table, _, cell = (
            citation.locator.partition(" ") if re.match(r"^T[234] ", citation.locator) else ("", "", citation.locator)
        )
        tag = f'<span class="gq-tag">{table}</span>' if table else ""
        value = citation.quote.strip() or say("cell_blank", language)
        body = f'<div class="gq-cell">{tag}{html.escape(cell)} = <b class="gq-val">{html.escape(value)}</b></div>'
    else:
        quote = " ".join(citation.quote.split())
        body = f'<div class="gq-quote">“{_excerpt(quote, term_spans(quote, terms))}”</div>'
    opener = (
        f'<span class="gq-open" data-open="{say("show_context", language)}" '
        f'data-close="{say("hide_context", language)}"></span>'
    )
    return (
        f'<details class="gq-card"><summary>{opener}{source}{body}</summary>'
        f'<div class="gq-context">{_context_html(citation, context, terms, language)}</div></details>'
    )


def answer_html(answer: Answer, contexts: list[CitationContext] | None = None) -> str:
    """The whole assistant message in the question's language: status line, the answer, the key number and
    the source cards."""
    language = CitationContexts.language(answer)
    css = STATUS_CSS.get(answer.status, "error")
    meta = [say(f"status.{answer.status}", language) if answer.status in STATUS_CSS else answer.status]
    if answer.status == "answered" and answer.route in ("sql", "retrieval"):
        meta.append(say(f"route.{answer.route}", language))
    if answer.elapsed_ms:
        meta.append(say("seconds", language, s=answer.elapsed_ms / 1000))
    parts = [f'<div class="gq-answer gq-{css}"><div class="gq-status">{" · ".join(html.escape(m) for m in meta)}</div>']
    if answer.status == "answered" and answer.value is not None and len(answer.series) <= 1:
        unit = html.escape(answer.unit or "")
        parts.append(f'<div class="gq-value">{html.escape(fmt(answer.value))}<span>{unit}</span></div>')
    parts.append(f'<div class="gq-text">{answer_text_html(answer.answer)}</div>')
    if answer.citations:
        contexts = contexts or [CitationContext() for _ in answer.citations]
        terms = question_terms(answer)
        cards = "".join(
            citation_card(i + 1, c, ctx, terms, language)
            for i, (c, ctx) in enumerate(zip(answer.citations, contexts, strict=False))
        )
        parts.append(f'<div class="gq-sources-title">{say("sources", language, n=len(answer.citations))}</div>{cards}')
    parts.append("</div>")
    return "".join(parts)


def error_html(message: str, language: str = "en") -> str:
    return (
        f'<div class="gq-answer gq-error"><div class="gq-status">{say("status.error", language)}</div>'
        f'<div class="gq-text"><p>{html.escape(message)}</p></div></div>'
    )


SERIES_COLUMNS = ["label", "value"]  # label: a year (trend) or an office (comparison)


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


REPORT_COLUMNS = ["office", "year", "template", "checks", "failed_rules", "warnings", "cells", "doubtful", "files"]


def columns(names: list[str], language: str) -> list[str]:
    return [say(f"col.{n}", language) for n in names]


def checks_summary(passed: int, failed: int, unknown: int, language: str = "en") -> str:
    """'4/4 hold', '✗ 1 FAILED · 3 hold', 'no tables' (pre-2019 reports have no tables to check)."""
    total = passed + failed + unknown
    if not total:
        return say("no_tables", language)
    text = (
        say("checks_failed", language, failed=failed, passed=passed)
        if failed
        else say("checks_hold", language, passed=passed, total=total)
    )
    return text + (say("checks_unknown", language, unknown=unknown) if unknown else "")


def reports_frame(
    records: list[ReportRecord], checks: dict[str, tuple[int, int, int]], language: str = "en"
) -> pd.DataFrame:
    """One line per report for the Reports tab; checks maps report_id to check_counts()."""
    rows = []
    for r in records:
        passed, failed, unknown = checks.get(r.report_id, (0, len(r.checks_failed), 0))
        rows.append(
            [
                r.org,
                r.year if r.year is not None else "",
                r.template,
                checks_summary(passed, failed, unknown, language),
                "; ".join(rule_text(c, language) for c in r.checks_failed),
                "; ".join(r.warnings),
                r.n_facts,
                r.n_ambiguous + r.n_missing,
                ", ".join(Path(s).name for s in r.sources),
            ]
        )
    return pd.DataFrame(rows, columns=columns(REPORT_COLUMNS, language))


def report_summary_html(report: Report, record: ReportRecord | None = None, language: str = "en") -> str:
    """Title, office, year, template, source files, then every check (failed ones first and in red) and warnings."""
    passed, failed, unknown = check_counts(report)
    sources = record.sources if record else [report.source]
    year = say("year", language, year=report.year) if report.year else say("year_unknown", language)
    meta = say(
        "report_meta",
        language,
        template=html.escape(report.template),
        cells=len(report.facts),
        sections=len(report.sections),
    )
    parts = [
        f'<div class="gq-report"><h3>{html.escape(report.title)}</h3>',
        f'<div class="gq-report-meta"><b>{html.escape(report.org)}</b> · {year} · {meta}</div>',
        f'<div class="gq-report-meta">{say("files", language, files=html.escape(", ".join(Path(s).name for s in sources)))}</div>',
        (
            f'<div class="gq-checks-title">{say("checks_title", language, passed=passed, failed=failed, unknown=unknown)}'
            '</div><ul class="gq-checks">'
        ),
    ]
    order = {False: 0, None: 1, True: 2}
    marks = {
        False: ("gq-fail", "check_failed"),
        None: ("gq-unknown", "check_unknown"),
        True: ("gq-pass", "check_holds"),
    }
    for check in sorted(report.checks, key=lambda c: order[c.ok]):
        css, mark = marks[check.ok]
        detail = "" if check.ok else f" — {html.escape(rule_detail(check.detail, language))}"
        rule = html.escape(rule_text(check.rule, language))
        parts.append(f'<li class="{css}"><b>{say(mark, language)}</b>: {rule}{detail}</li>')
    parts.append("</ul>")
    if report.warnings:
        parts.append(f'<div class="gq-checks-title">{say("warnings", language)}</div><ul class="gq-warnings">')
        parts += [f"<li>{html.escape(w)}</li>" for w in report.warnings]
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def report_sections_html(report: Report, language: str = "en") -> str:
    """Each 一…六 section as an expandable block (its text includes its sub-sections)."""
    blocks = []
    for section in report.sections:
        if section.level != 1:
            continue
        subs = [s for s in report.sections if s.parent == section.number]
        sub_note = f' <span class="gq-sub">{say("sub_sections", language, n=len(subs))}</span>' if subs else ""
        blocks.append(
            f'<details class="gq-section"><summary>{html.escape(section.number)}、{html.escape(section.heading)}{sub_note}'
            f'</summary><div class="gq-section-text">{multiline(html.escape(section.text))}</div></details>'
        )
    if not blocks:
        return f'<div class="gq-report-meta">{say("no_sections", language)}</div>'
    return "".join(blocks)


def failed_lines(report: Report, table: str) -> set[str]:
    """Row and column keys named by the failed checks of one table (each failure reads 'key: …')."""
    keys: set[str] = set()
    for check in report.checks_failed:
        if check.rule.startswith(table):
            keys.update(part.split(":", 1)[0].strip() for part in check.detail.split(";") if ":" in part)
    return keys


def report_table(report: Report, table: str, language: str = "en") -> Styler | None:
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
        grid.loc[at] = cell_text(f, language)
        if f.status in ("ambiguous", "missing"):
            colors.loc[at] = "background-color: #fde68a"
        elif f.row in bad or f.col in bad:
            colors.loc[at] = "background-color: #fecaca"
    first = say("row_as_printed", language)
    grid = grid.reset_index(names=first)
    colors = colors.reset_index(drop=True)
    colors.insert(0, first, "")
    return grid.style.apply(lambda _: colors, axis=None)


# ---------------------------------------------------------------------------- facts
FACT_COLUMNS = ["office", "year", "table", "row", "column", "value", "printed", "status", "key", "report"]


def facts_frame(facts: list[FactRecord], language: str = "en") -> pd.DataFrame:
    """Table cells as rows; English headers and statuses for the CSV (as before), the reader's language on screen."""
    rows = [
        [
            f.org,
            f.year if f.year is not None else "",
            f.table,
            f.label,
            f.col_label,
            cell_text(f, language),
            f.raw,
            say(f"cell_status.{f.status}", language) if f"cell_status.{f.status}" in WORDING else f.status,
            f.key,
            f.title,
        ]
        for f in facts
    ]
    return pd.DataFrame(rows, columns=columns(FACT_COLUMNS, language))


def write_facts_csv(frame: pd.DataFrame, path: Path) -> Path:
    """CSV with a byte-order mark so spreadsheet programs read the Chinese labels correctly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding="utf-8-sig", quoting=csv.QUOTE_MINIMAL)
    return path


# ---------------------------------------------------------------------------- page helpers
# Column widths at 1366 px: headers stay whole words, office names and file names readable.
REPORT_WIDTHS: list[str | int] = ["180px", "60px", "76px", "130px", "190px", "90px", "84px", "64px", "320px"]  # 1194 px
FACT_WIDTHS: list[str | int] = [
    "170px",
    "60px",
    "56px",
    "230px",
    "110px",
    "64px",
    "64px",
    "68px",
    "170px",
    "200px",
]  # 1192 px


def language_of(accept_language: str) -> str:
    """'zh' when the browser asks for Chinese first (Accept-Language: zh-CN,zh;q=0.9,…), else 'en'."""
    first = (accept_language or "").split(",")[0].strip().lower()
    return "zh" if first.startswith("zh") else "en"


def metric_choices() -> list[tuple[str, str]]:
    """Every table cell key as its printed labels, Chinese then English ('表三 · 本年新收政府信息公开申请数量 · 总计
    — T3 · new requests received · total'): the list is searched in either language, and within each row the
    总计 column comes first, so typing a row's words and Enter picks its total."""
    rows: dict[tuple[str, str], int] = {}  # each row at its first place in template order
    choices = []
    for i, (key, info) in enumerate(all_keys().items()):
        zh = f"表{TABLE_SECTION[info.table]} · {strip_enumerator(info.row_label)} · {info.col_label}"
        en = f"{info.table} · {info.row_en} · {info.col_en}"
        rank = (rows.setdefault((info.table, info.row), i), info.col != "total", i)
        choices.append((rank, (f"{zh} — {en}", key)))
    return [choice for _, choice in sorted(choices, key=lambda c: c[0])]


def user_questions(messages: list) -> list[str]:
    """The questions of a chat history (Gradio messages), oldest first."""
    questions = []
    for message in messages:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, list):  # Gradio may hand back [{"type": "text", "text": …}]
            content = " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
        if isinstance(content, str) and content.strip():
            questions.append(content.strip())
    return questions
