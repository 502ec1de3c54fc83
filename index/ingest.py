"""Ingest report files into the fact store and the section index: idempotent, atomic per report, offline.

Per file: the sha256 of its bytes is checked first (an unchanged file is skipped without parsing or
loading the model); a new file is parsed; the same report already stored from another file (same
report_id, or same office and year) is kept once with both sources, choosing the better parse.

Facts first, vectors after: a report is committed in SQL under a fresh generation, marked "text
pending", and its passages are handed to index.text_indexing, whose thread embeds them (several
reports' passages together, in length-sorted batches), writes them to Chroma, deletes the replaced
generation's chunks and clears the mark. A thread of its own reads and parses the next files meanwhile.
Table questions are answered as soon as the facts are in; retrieval searches only reports whose passages
are all indexed, so a crash leaves the old report or the new one, never half, and a report still
pending after a crash is embedded again by the next ingest.
"""

import hashlib
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from uuid import uuid4

from pydantic import BaseModel, Field
from tqdm import tqdm

from govqa.errors import GovqaError, NotAReportError, ParseError, StoreError
from govqa.settings import Settings
from index.facts import FactStore
from index.models import ReportRecord, SourceFile
from index.offices import is_government_office, office_record
from index.sections import SectionIndex
from index.text_indexing import PassageIndexer, PassageJob, passage_job
from parsers.formats import accepted_text, is_supported
from parsers.models import Report

if TYPE_CHECKING:
    from index.embeddings import Embedder
    from parsers.report import ReportParser

Status = Literal["ingested", "unchanged", "replaced", "duplicate", "skipped", "failed"]
STATUSES: tuple[Status, ...] = ("ingested", "unchanged", "replaced", "duplicate", "skipped", "failed")


class FileResult(BaseModel):
    path: str = Field(description="The file as found (relative paths stay relative).")
    status: Status
    report_id: str | None = None
    org: str | None = None
    year: int | None = None
    chunks: int = Field(0, description="Chunks written to the section index for this file.")
    reason: str | None = Field(None, description="Why it failed, or which stored report it duplicates.")


class IngestSummary(BaseModel):
    results: list[FileResult] = Field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(r.status for r in self.results)
        return {status: found.get(status, 0) for status in STATUSES}

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]


def _note_text_failure(result: FileResult, error: str | None) -> None:
    """The facts are stored but the passages could not be: the file's result says so (retried next ingest)."""
    if error:
        result.status = "failed"
        result.reason = f"facts stored, text index pending: {error}"


def find_report_files(paths: list[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest under the given files and folders (recursive, hidden entries skipped), and the
    paths that cannot be ingested at all."""
    files: list[Path] = []
    problems: list[FileResult] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and is_supported(p.suffix)
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file() and is_supported(path.suffix):
            files.append(path)
        elif path.is_file():
            reason = f"unsupported file type {path.suffix or '(none)'}; accepted: {accepted_text()}"
            problems.append(FileResult(path=str(path), status="failed", reason=reason))
        else:
            problems.append(FileResult(path=str(path), status="failed", reason="no such file or folder"))
    unique = list(dict.fromkeys(files))
    return unique, problems


@dataclass
class ReadAhead:
    """What the reader thread found for one file: its sha256 and parse, or why it could not."""

    sha: str | None = None
    failure: FileResult | None = None  # unreadable or too large: the file's result as it stands
    parsed: tuple[Report, str | None] | None = None  # None: not parsed (its bytes are already stored)
    error: GovqaError | None = None  # the parse failed


class Ingestor:
    """Ingests files into the stores in settings; the parser and the embedding model load only when needed."""

    def __init__(
        self,
        settings: Settings,
        progress: bool = True,
        embedder: "Embedder | None" = None,
        parser: "ReportParser | None" = None,
    ):
        self.settings = settings
        self.progress = progress
        self.facts = FactStore.from_settings(settings)
        self._embedder = embedder
        self._parser = parser
        self._index: SectionIndex | None = None
        self._passages: PassageIndexer | None = None
        self._bound = 64  # reports whose passages may wait for the model before ingest waits too

    @property
    def parser(self) -> "ReportParser":
        if self._parser is None:
            from parsers.report import ReportParser

            self._parser = ReportParser(self.settings.parsing)
        return self._parser

    @property
    def index(self) -> SectionIndex:
        """The section index, opened on first need; opening it sweeps chunks left by an interrupted ingest."""
        if self._index is None:
            if self._embedder is None:
                from index.embeddings import Embedder

                self._embedder = Embedder(self.settings.index)
            self._index = SectionIndex(self.settings, self._embedder, facts=self.facts, show_progress=self.progress)
            self._index.remove_orphans()
        return self._index

    def close(self) -> None:
        self.finish_text_index()
        self.facts.close()

    def ingest_paths(
        self,
        paths: list[Path],
        rebuild: bool = False,
        on_file: Callable[[FileResult], None] | None = None,
        wait_for_text: bool = True,
    ) -> IngestSummary:
        """Ingest every report file under paths; one file failing never stops the others.

        ``wait_for_text=False`` (the web app's first start): return once every report's facts are stored;
        its passages keep being embedded in the background (``text_pending_count``, ``finish_text_index``).
        """
        started = time.perf_counter()
        files, results = find_report_files(paths)
        named = {p.resolve() for p in paths if p.is_file()}
        if rebuild:
            self.facts.clear()
            self.index.clear()
        known = {s.source: s for s in self.facts.sources()}
        self._bound = 64 if wait_for_text else 0  # facts-first start: nothing waits for the model
        self.index_pending_text()  # left "text pending" by an ingest that did not finish
        parsed = self._parsed_files(files, known, named)
        for path, found_in_folder, ahead in tqdm(
            parsed, total=len(files), desc="files", unit="file", disable=not self.progress
        ):
            result = self.ingest_file(path, known, found_in_folder, ahead)
            results.append(result)
            if on_file:
                on_file(result)
        if wait_for_text:
            self.finish_text_index()
        return IngestSummary(results=results, elapsed_s=time.perf_counter() - started)

    def _parsed_files(self, files: list[Path], known: dict[str, SourceFile], named: set[Path]):
        """(path, found_in_folder, parsed report or the error) in order, read and parsed a few files ahead
        on a thread of its own, so that parsing overlaps the SQL writes and the model."""
        ahead: queue.Queue = queue.Queue(maxsize=8)

        def produce() -> None:
            try:
                for path in files:
                    ahead.put((path, path.resolve() not in named, self._read_ahead(path, known)))
            except BaseException as exc:  # a bug, not a bad file: raised again in the ingesting thread
                ahead.put(exc)
            ahead.put(None)

        threading.Thread(target=produce, name="report-reader", daemon=True).start()
        while (item := ahead.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def _read_ahead(self, path: Path, known: dict[str, SourceFile]) -> "ReadAhead":
        """The file's hash and, unless its bytes are already stored, its parse (or why either failed)."""
        sha = self._hash(path)
        if isinstance(sha, FileResult):
            return ReadAhead(failure=sha)
        seen = known.get(str(path.resolve()))
        if (seen and seen.sha256 == sha) or self.facts.report_by_content_hash(sha):
            return ReadAhead(sha=sha)
        try:
            return ReadAhead(sha=sha, parsed=self._parse(path))
        except GovqaError as exc:
            return ReadAhead(sha=sha, error=exc)

    def _hash(self, path: Path) -> "str | FileResult":
        from parsers.reading import check_file

        try:
            check_file(path, self.settings.parsing)  # a file over the size limit is refused before it is hashed
            with path.open("rb") as f:
                return hashlib.file_digest(f, "sha256").hexdigest()
        except ParseError as exc:
            return FileResult(path=str(path), status="failed", reason=exc.reason)
        except OSError as exc:
            return FileResult(path=str(path), status="failed", reason=f"cannot read: {exc.strerror or exc}")

    def ingest_file(
        self,
        path: Path,
        known: dict[str, SourceFile] | None = None,
        found_in_folder: bool = False,
        ahead: "ReadAhead | None" = None,
    ) -> FileResult:
        """Ingest one file; every failure comes back as a 'failed' result with the reason.

        A document met while walking a folder that is readable but not an annual report (a README,
        a sources list) is 'skipped', not failed: it was never asked for. ``ahead``: the file already
        hashed and parsed by the reader thread.
        """
        source = str(path.resolve())
        ahead = ahead or ReadAhead()
        sha = ahead.failure if ahead.failure is not None else (ahead.sha or self._hash(path))
        if isinstance(sha, FileResult):
            return sha
        if known is None:
            known = {s.source: s for s in self.facts.sources()}
        seen = known.get(source)
        try:
            if seen and seen.sha256 == sha:
                record = self.facts.record(seen.report_id or "")
                return self._result(path, "unchanged", record)
            if ahead.error is not None:
                raise ahead.error
            result = self._ingest_new_bytes(path, source, sha, ahead.parsed)
        except ParseError as exc:
            status: Status = "skipped" if found_in_folder and isinstance(exc, NotAReportError) else "failed"
            return FileResult(path=str(path), status=status, reason=exc.reason)
        except GovqaError as exc:
            return FileResult(path=str(path), status="failed", reason=exc.reason)
        known[source] = SourceFile(source=source, sha256=sha, report_id=result.report_id)
        return result

    def _ingest_new_bytes(
        self, path: Path, source: str, sha: str, parsed: "tuple[Report, str | None] | None" = None
    ) -> FileResult:
        same_bytes = self.facts.report_by_content_hash(sha)
        if same_bytes:
            removed = self.facts.add_source(same_bytes.report_id, source, sha)
            self._delete_chunks(removed)
            others = ", ".join(s for s in same_bytes.sources if s != source)
            return self._result(path, "duplicate", same_bytes, f"same bytes as {others}")
        report, text = parsed or self._parse(path)
        previous = self.facts.source(source)
        old_id = previous.report_id if previous else None
        twin = self._twin(report)
        this = SourceFile(source=source, sha256=sha)
        if twin and twin.report_id != old_id:
            return self._store_duplicate(path, report, text, this, twin)
        if old_id:
            # The file changed. Same report as before: this parse replaces it, keeping its other sources.
            keep = [s for s in self.facts.sources(old_id) if s.source != source] if twin else []
            job = self._commit(report, text, [*keep, this], [old_id] if twin else [])
            return self._queue(job, self._result(path, "replaced", report, chunks=len(job.chunks)))
        job = self._commit(report, text, [this], [])
        return self._queue(job, self._result(path, "ingested", report, chunks=len(job.chunks)))

    def _parse(self, path: Path) -> tuple[Report, str | None]:
        """The report and the text it was parsed from (chunk spans point into that text), read once."""
        try:
            report = self.parser.parse(path)
        except GovqaError:
            raise
        except Exception as exc:  # a PDF/DOCX library choking on one file must not stop the other files
            raise ParseError(f"cannot parse ({type(exc).__name__}: {exc})", path) from exc
        return report, report.text or None

    def _twin(self, report: Report) -> ReportRecord | None:
        """The stored report this one is a copy of: same content id, or same office and (known) year."""
        same_id = self.facts.record(report.report_id)
        if same_id or report.year is None:
            return same_id
        return self.facts.find_report(report.org, report.year)

    def _store_duplicate(
        self, path: Path, report: Report, text: str | None, this: SourceFile, twin: ReportRecord
    ) -> FileResult:
        others = ", ".join(twin.sources)
        if report.parse_quality < twin.parse_quality:
            sources = [*self.facts.sources(twin.report_id), this]
            job = self._commit(report, text, sources, [twin.report_id])
            reason = f"same report as {others}; this parse kept (fewer doubtful cells or more facts)"
            return self._queue(job, self._result(path, "duplicate", report, reason, len(job.chunks)))
        removed = self.facts.add_source(twin.report_id, this.source, this.sha256)
        self._delete_chunks(removed)
        return self._result(path, "duplicate", twin, f"same report as {others}; stored parse kept")

    def _commit(self, report: Report, text: str | None, sources: list[SourceFile], replaces: list[str]) -> PassageJob:
        """The facts in one SQL commit (the report's text index pending); returns its passages' job."""
        generation = uuid4().hex
        office = office_record(
            report.org, report.region, is_government_office(report.org), [report.year] if report.year else []
        )
        self._passage_indexer()  # may load the model: a failure here has written nothing
        removed = self.facts.replace_report(report, sources, office, generation, replaces, text_indexed=False)
        self._delete_chunks(removed)
        return passage_job(report, generation, self.settings, text)

    def _queue(self, job: PassageJob, result: FileResult) -> FileResult:
        """Hand the passages to the indexer thread; a failure there turns up in the file's result."""
        job.on_done = lambda error: _note_text_failure(result, error)
        self._passage_indexer().put(job)
        return result

    def _passage_indexer(self) -> PassageIndexer:
        """The indexer thread, started on first need (an ingest of unchanged files never loads the model)."""
        if self._passages is None:
            self._passages = PassageIndexer(self.index, self.facts, self.settings, self._bound, self.progress)
        return self._passages

    def index_pending_text(self) -> int:
        """Queue the reports whose passages are not indexed (an interrupted ingest, a facts-only start) for
        embedding, from their stored parse; returns how many. Runs in the background until finish_text_index."""
        queued = 0
        for report_id, generation in self.facts.text_pending().items():
            passages = self._passage_indexer()
            if report_id not in passages.queued:
                passages.put(passage_job(self.facts.report(report_id), generation, self.settings))
                queued += 1
        return queued

    def text_pending_count(self) -> int:
        """Reports whose facts are stored but whose passages are still being indexed for text questions."""
        return self.facts.text_pending_count()

    def finish_text_index(self) -> None:
        """Wait until every queued passage is embedded and stored (or failed)."""
        if self._passages is not None:
            self._passages.close(wait=True)
            self._passages = None

    def _delete_chunks(self, report_ids: list[str]) -> None:
        for report_id in report_ids:
            try:
                self.index.delete_report(report_id)
            except StoreError:
                continue  # its SQL row is gone, so the chunks are orphans: ignored by search, swept next ingest

    @staticmethod
    def _result(
        path: Path, status: Status, report: Report | ReportRecord | None, reason: str | None = None, chunks: int = 0
    ) -> FileResult:
        return FileResult(
            path=str(path),
            status=status,
            report_id=report.report_id if report else None,
            org=report.org if report else None,
            year=report.year if report else None,
            chunks=chunks,
            reason=reason,
        )
