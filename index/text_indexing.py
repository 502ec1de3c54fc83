"""Phase two of ingest: embed the passages of reports whose facts are already stored, on a thread of its own.

Ingest stores a report's facts first (table questions can be answered at once; the report is marked
"text pending" in SQL) and hands its passages to a ``PassageIndexer``. Its thread gathers passages from
consecutive reports (``embed_pending_chunks``), encodes them together in length-sorted batches, writes
each report's chunks to Chroma under the report's generation, deletes the chunks of the generation
it replaced, and only then marks the report's text as indexed. Reading, parsing and SQL writes of the
next files go on meanwhile, so the model does not wait for them.

A report whose generation changed while it waited (re-ingested, removed) is skipped: its chunks would
be orphans. After a crash the SQL flag still says "pending", and the next ingest embeds it again.
"""

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass

from tqdm import tqdm

from govqa.errors import GovqaError
from govqa.settings import Settings
from index.chunks import chunk_report
from index.facts import FactStore
from index.models import Chunk
from index.sections import SectionIndex
from parsers.models import Report

_DONE = object()


@dataclass
class PassageJob:
    """One report's passages waiting for vectors."""

    report_id: str
    generation: str
    chunks: list[Chunk]
    on_done: Callable[[str | None], None] | None = None  # called with None, or with why it failed


def passage_job(
    report: Report,
    generation: str,
    settings: Settings,
    text: str | None = None,
    on_done: Callable[[str | None], None] | None = None,
) -> PassageJob:
    """The job for one stored report (``text``: what the parser read, for exact spans)."""
    chunks = chunk_report(report, settings.index.max_chunk_chars, text)
    return PassageJob(report.report_id, generation, chunks, on_done)


class PassageIndexer:
    """A consumer thread that embeds and stores passage jobs in the order they were handed in."""

    def __init__(
        self, index: SectionIndex, facts: FactStore, settings: Settings, bound: int = 64, progress: bool = False
    ):
        self.index = index
        self.facts = facts
        self.gather = max(settings.index.embed_pending_chunks, 1)
        self.embedded = 0
        self.errors: dict[str, str] = {}
        self.queued: set[str] = set()  # report ids handed in and not finished
        self._queue: queue.Queue = queue.Queue(maxsize=bound)  # 0 = unbounded: facts never wait for vectors
        self._bar = tqdm(desc="passages", unit="chunk", disable=not progress, leave=False)
        self._thread = threading.Thread(target=self._run, name="passage-indexer", daemon=True)
        self._thread.start()

    def put(self, job: PassageJob) -> None:
        """Queue a job; blocks while ``bound`` jobs are waiting (memory stays flat over big folders)."""
        if not self._thread.is_alive():
            raise GovqaError("the passage indexer has stopped")
        self.queued.add(job.report_id)
        self._queue.put(job)

    def close(self, wait: bool = True) -> None:
        """No more jobs; with ``wait`` return once every queued job is stored (or failed)."""
        self._queue.put(_DONE)
        if wait:
            self._thread.join()
            self._bar.close()

    @property
    def pending_jobs(self) -> int:
        return self._queue.qsize()

    def _run(self) -> None:
        finished = False
        while not finished:
            jobs, finished = self._gather()
            if jobs:
                self._store(jobs)

    def _gather(self) -> tuple[list[PassageJob], bool]:
        """Whatever is queued, up to ``gather`` passages, waiting only for the first job: the model never
        idles for a fuller gathering. While it encodes, ingest queues the next reports, so when the model
        is the bottleneck gatherings are full, and when reading is, the model keeps up with what it gets."""
        jobs: list[PassageJob] = []
        size = 0
        while size < self.gather:
            try:
                job = self._queue.get_nowait() if jobs else self._queue.get()
            except queue.Empty:
                return jobs, False
            if job is _DONE:
                return jobs, True
            jobs.append(job)
            size += len(job.chunks)
        return jobs, False

    def _store(self, jobs: list[PassageJob]) -> None:
        live = self.facts.generations([j.report_id for j in jobs])
        for stale in [j for j in jobs if live.get(j.report_id) != j.generation]:
            self._finish(stale, None)  # re-ingested or removed meanwhile: its newer job (if any) does the work
        jobs = [j for j in jobs if live.get(j.report_id) == j.generation]
        try:
            vectors = self.index.passage_vectors([c for j in jobs for c in j.chunks])
        except GovqaError as exc:
            for job in jobs:
                self._finish(job, f"passages not embedded: {exc.reason}")
            return
        start = 0
        for job in jobs:
            part = vectors[start : start + len(job.chunks)]
            start += len(job.chunks)
            try:
                self.index.write_chunks(job.report_id, job.chunks, part, job.generation)
                self.index.delete_report(job.report_id, keep_generation=job.generation)
                self.facts.mark_text_indexed(job.report_id, job.generation)
            except GovqaError as exc:
                self._finish(job, f"passages not stored: {exc.reason}")
                continue
            self.embedded += len(job.chunks)
            self._bar.update(len(job.chunks))
            self._finish(job, None)

    def _finish(self, job: PassageJob, error: str | None) -> None:
        self.queued.discard(job.report_id)
        if error:
            self.errors[job.report_id] = error
        if job.on_done:
            job.on_done(error)
