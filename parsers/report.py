"""ReportParser: a file (or extracted text) → a typed Report with sections, facts and checks."""

import hashlib
import re
from pathlib import Path

from govqa.errors import NotAReportError, ParseError
from govqa.settings import ParsingSettings
from parsers.checks import revalidate, run_checks
from parsers.gazetteer import region_chain
from parsers.meta import (
    complete_org,
    detect_template,
    find_title,
    find_year,
    looks_like_report,
    title_org,
    why_not_report,
)
from parsers.models import Report
from parsers.sections import find_sections, section_bounds
from parsers.tables import READERS
from parsers.template import TABLES

_WS = re.compile(r"\s+")


def report_id_for(text: str) -> str:
    """Stable across re-saves: whitespace does not change a report's identity."""
    return hashlib.sha256(_WS.sub("", text).encode("utf-8")).hexdigest()[:16]


class ReportParser:
    def __init__(self, settings: ParsingSettings | None = None):
        self.settings = settings or ParsingSettings()
        if self.settings.max_segmentations < 1:
            raise ValueError("max_segmentations must be positive")

    def parse(self, path: Path | str) -> Report:
        from parsers.reading import read_document

        doc = read_document(Path(path), self.settings)
        return self.parse_text(doc.text, source=str(path), title_hint=doc.title_hint, page_headers=doc.page_headers)

    def parse_text(
        self, text: str, source: str, title_hint: str | None = None, page_headers: list[str] | None = None
    ) -> Report:
        if not text.strip():
            raise ParseError("the file is empty (no text could be extracted)", source)
        title = find_title(text, title_hint)
        if not looks_like_report(title, text):
            raise NotAReportError(why_not_report(title, text), source)
        year = find_year(title, text)
        template = detect_template(year, text)
        context = "\n".join(page_headers or []) + "\n" + text
        org = complete_org(title_org(title), context)
        warnings: list[str] = []
        if year is None:
            warnings.append("year not found in the title or the text")
        if not org:
            warnings.append("issuing office not found")
        sections = find_sections(text, template)
        facts = []
        if template in ("v2019", "v2021"):
            facts, table_warnings = self._tables(text, sections, template)
            warnings.extend(table_warnings)
        checks = run_checks(facts)  # as read: a report that breaks a rule keeps the violation on record
        warnings.extend(revalidate(facts, checks))
        return Report(
            report_id=report_id_for(text),
            source=source,
            title=title,
            org=org,
            region=region_chain(org),
            year=year,
            template=template,
            sections=sections,
            facts=facts,
            checks=checks,
            warnings=warnings,
            text=text,
        )

    def _tables(self, text: str, sections, template: str):
        limit = self.settings.max_segmentations
        whole = (0, len(text))
        warnings: list[str] = []
        facts = []
        for name, table in TABLES.items():
            span = section_bounds(sections, table.section)
            if span is None:
                warnings.append(f"{name}: section {table.section} not found")
                # T3's row labels are distinctive enough to find the table without its heading.
                span = whole if name == "T3" else None
            if span is None:
                continue
            found, w = READERS[name](text, span, template, limit)
            if not found:
                w = w or [f"{name}: table not found"]
            facts.extend(found)
            warnings.extend(w)
        return facts, warnings
