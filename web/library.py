"""The services behind the web page: the fact store, the question answerer and one ingest at a time,
the first-start ingest of the default corpus (facts first, passages after) and the status line.

app.py wires Gradio components to a Library; tests drive it without a server.
"""

import logging
import threading
import time
from pathlib import Path
from typing import NotRequired, TypedDict

from bot.models import Answer
from bot.service import QuestionAnswerer
from bot.wording import AnswerWriter, both, say
from govqa.errors import GovqaError
from govqa.settings import PROJECT_ROOT, Settings
from index.embeddings import Embedder
from index.facts import FactStore
from index.ingest import FileResult, Ingestor, find_report_files
from index.sections import SectionIndex
from web.presenting import CitationContexts, answer_html, check_counts, error_html

log = logging.getLogger("govqa.app")

SYNTHETIC_EXAMPLES = 24  # reports written for a first start with no corpus folder


def default_corpus(settings: Settings) -> list[Path]:
    """What an empty data dir is filled with: the configured folder, ../shared/corpus, else synthetic reports."""
    if settings.app.default_corpus:
        return [settings.app.default_corpus]
    shared = PROJECT_ROOT.parent / "shared" / "corpus"
    if shared.is_dir():
        return [shared]
    from parsers.synthetic import write_corpus

    return write_corpus(settings.data_dir / "examples", SYNTHETIC_EXAMPLES, ("txt",))


class IngestProgress(TypedDict):
    """The first-start ingest, as the status line and the timer read it."""

    running: bool
    done: int
    total: int
    current: str
    failed: int
    message: str


class ChatMessage(TypedDict):
    """One assistant turn of the gr.Chatbot history (messages format)."""

    role: str
    content: str
    options: NotRequired[list[dict[str, str]]]


class Library:
    """The services behind the page: the fact store, the question answerer and one ingest at a time."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.store = FactStore.from_settings(settings)  # read-write: runs migrations, so an empty data dir works
        # The index (and model) open here, once: opened lazily by concurrent first questions, Chroma's client
        # setup races ('RustBindingsAPI' object has no attribute 'bindings').
        index = SectionIndex(settings, Embedder(settings.index), facts=self.store)
        self.qa = QuestionAnswerer(settings, store=self.store, index=index)
        self.contexts = CitationContexts(self.store)
        self.ingest_lock = threading.Lock()
        self.progress: IngestProgress = {
            "running": False,
            "done": 0,
            "total": 0,
            "current": "",
            "failed": 0,
            "message": "",
        }
        self._ingestor: Ingestor | None = None
        self._checks: dict[str, tuple[int, int, int]] = {}

    # ------------------------------------------------------------------ ingest
    def ingest(self, paths: list[Path], on_file=None, wait_for_text: bool = True) -> list[FileResult]:
        """wait_for_text=False: return once the reports' facts are stored (table questions work); their
        passages go on being embedded in the background until index_text() waits for them."""
        with self.ingest_lock:
            summary = self._ingestor_once().ingest_paths(paths, on_file=on_file, wait_for_text=wait_for_text)
        self.qa.refresh()
        return summary.results

    def _ingestor_once(self) -> Ingestor:
        if self._ingestor is None:
            self._ingestor = Ingestor(self.settings, progress=True, embedder=self.qa.index.embedder)
        return self._ingestor

    def index_text(self, pending_only: bool = False) -> None:
        """Embed the passages of reports whose facts are stored but whose text is not indexed yet, then let
        the bot search them. pending_only: reports left so by an earlier run (none are queued in this one)."""
        try:
            with self.ingest_lock:
                ingestor = self._ingestor_once()
                if pending_only:
                    ingestor.index_pending_text()
                ingestor.finish_text_index()
            self.qa.refresh()
        except GovqaError as exc:
            log.error("indexing report passages failed: %s", exc)

    def ingest_default_corpus(self) -> None:
        """First start: fill the empty store, reporting progress to the terminal (tqdm) and to the page."""
        p = self.progress
        try:
            paths = default_corpus(self.settings)
            files, _ = find_report_files(paths)
            where = paths[0] if len(paths) == 1 else paths[0].parent
            p.update({"running": True, "total": len(files), "message": f"Ingesting {len(files)} files from {where}"})
            log.info("first start: %s", p["message"])

            def on_file(result: FileResult) -> None:
                p["done"] += 1
                p["current"] = Path(result.path).name
                p["failed"] += result.status == "failed"

            started = time.perf_counter()
            self.ingest(paths, on_file, wait_for_text=False)  # facts first: table questions answer now
            p["message"] = f"Ingested {p['done']} files from {where} ({p['failed']} failed)."
            log.info("first start: %s Facts stored in %.1f s.", p["message"], time.perf_counter() - started)
            p["running"] = False
            self.index_text()
            log.info("first start: every report indexed for text questions after %.1f s", time.perf_counter() - started)
        except GovqaError as exc:
            p["message"] = f"Ingesting the default corpus failed: {exc}"
        except Exception as exc:  # the page stays up and says why the store is empty
            log.exception("default corpus ingest failed")
            p["message"] = f"Ingesting the default corpus failed: {type(exc).__name__}: {exc}"
        finally:
            p["running"] = False

    def start(self) -> None:
        """Ingest the default corpus in the background when the store is empty; load the model meanwhile."""
        if self.store.counts()["reports"] == 0:
            self.progress["running"] = True  # before the server is up, so no one sees an empty, idle store
            threading.Thread(target=self.ingest_default_corpus, name="govqa-first-ingest", daemon=True).start()
        else:
            threading.Thread(target=self._warm_and_finish, name="govqa-warm-up", daemon=True).start()

    def _warm_and_finish(self) -> None:
        """The model warm before the first text question; passages an interrupted run left unindexed embedded."""
        self.qa.warm_up()
        if self.store.text_pending_count():
            self.index_text(pending_only=True)

    def status_markdown(self) -> str:
        p = self.progress
        try:
            counts = self.store.counts()
        except GovqaError as exc:
            return both("problem", reason=f"the fact store cannot be read: {exc}")
        line = "**" + both("status.counts", **{k: counts[k] for k in ("reports", "offices", "facts")}) + "**"
        if p["running"]:
            current = f" — {p['current']}" if p["current"] else ""
            return "**" + both("status.loading", done=p["done"], total=p["total"], current=current) + f"**. {line}"
        pending = self.store.text_pending_count()
        if pending:
            line += ". " + both("status.text_pending", n=pending)
        return f"{line}. {p['message']}".strip()

    # ------------------------------------------------------------------ answers
    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        """Always an Answer: library errors and unexpected failures become status 'error' with the reason."""
        try:
            return self._while_loading(self.qa.ask(question, history=history))
        except GovqaError as exc:
            return Answer(question=question or "", status="error", route="none", answer=exc.reason)
        except Exception as exc:
            log.exception("question failed: %r", (question or "")[:200])
            return Answer(
                question=question or "",
                status="error",
                route="none",
                answer=f"internal error: {type(exc).__name__}: {exc}",
            )

    def _while_loading(self, answer: Answer) -> Answer:
        """During the first-start ingest an office not loaded yet resolves to nothing, and an answer over
        what is loaded would come from other offices: say which reports are loaded instead."""
        plan = answer.plan
        if not self.progress["running"] or plan is None or plan.offices or answer.status in ("help", "error"):
            return answer
        writer = AnswerWriter(plan.language, self.qa.names)
        loaded = [
            writer.report_name(r.org, r.year) for r in sorted(self.store.reports(), key=lambda r: (r.org, r.year or 0))
        ]
        text = writer.loading(loaded, self.progress["done"], self.progress["total"])
        return Answer(
            question=answer.question,
            status="not_found",
            route=answer.route,
            answer=text,
            plan=plan,
            resolved=answer.resolved,
            elapsed_ms=answer.elapsed_ms,
        )

    def answer_message(self, answer: Answer) -> ChatMessage:
        language = CitationContexts.language(answer)
        try:
            content = answer_html(answer, self.contexts.for_answer(answer))
        except Exception as exc:  # show the bare answer rather than nothing
            log.exception("rendering an answer failed")
            content = error_html(f"{answer.answer}\n{say('could_not_render', language, reason=exc)}", language)
        loading_said = answer.plan is not None and not answer.plan.offices  # _while_loading already said it
        if self.progress["running"] and answer.status not in ("answered", "help") and not loading_said:
            p = self.progress
            content += f'<p class="gq-note">{say("still_loading", language, done=p["done"], total=p["total"])}</p>'
        elif answer.route == "retrieval" and (pending := self.store.text_pending_count()):
            content += f'<p class="gq-note">{say("status.text_pending", language, n=pending)}</p>'
        message: ChatMessage = {"role": "assistant", "content": content}
        if answer.candidates:
            message["options"] = [{"value": c, "label": c} for c in answer.candidates]
        return message

    # ------------------------------------------------------------------ reports and facts
    def check_counts(self, report_ids: list[str]) -> dict[str, tuple[int, int, int]]:
        for report_id in report_ids:
            if report_id not in self._checks:
                self._checks[report_id] = check_counts(self.store.report(report_id))
        return self._checks
