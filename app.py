"""govqa web app: Gradio wired to bot/ (answers) and index/ (reports, facts, ingest).

`python app.py [--port P] [--data-dir DIR] [--host H]` or `govqa serve`. Binds 127.0.0.1 unless told
otherwise, never shares, sends no analytics and needs no network. Everything shown is built by web/
(cards, tables, uploads, style) with the words of bot/render.py; this module only connects components to
them, and turns every error into a message. It imports bot/, index/, web/ and govqa's settings and errors,
never the CLI (the CLI's `govqa serve` imports this module).
"""

import argparse
import logging
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NotRequired, TypedDict
from uuid import uuid4

import gradio as gr

from bot.conversation import reply_language
from bot.models import Answer
from bot.render import AnswerWriter, both, say
from bot.service import QuestionAnswerer
from govqa.errors import GovqaError
from govqa.settings import PROJECT_ROOT, Settings
from index.embeddings import Embedder
from index.facts import FactStore
from index.ingest import FileResult, Ingestor, find_report_files
from index.sections import SectionIndex
from parsers.formats import SUPPORTED_SUFFIXES
from web.presenting import (
    FACT_WIDTHS,
    REPORT_WIDTHS,
    TABLE_TITLES,
    CitationContexts,
    answer_html,
    chart_kind,
    check_counts,
    error_html,
    facts_frame,
    filter_reports,
    language_of,
    metric_choices,
    report_choice,
    report_sections_html,
    report_summary_html,
    report_table,
    reports_frame,
    series_frame,
    user_questions,
    write_facts_csv,
)
from web.style import PAGE_CSS
from web.uploads import ingest_results_frame, store_upload

log = logging.getLogger("govqa.app")

EXAMPLES = [
    "how many applications did Yichuan get in 2020",
    "伊川县2020年收到多少政府信息公开申请",
    "洛龙区2021年存在哪些主要问题",
    "平潭2021到2025年每年收到多少申请",
    "比较淮安市和洪泽区2024年的申请数量",
]
SYNTHETIC_EXAMPLES = 24
ALL = "All"
TABLES = ("T2", "T3", "T4")
THEME = gr.themes.Default(
    font=[
        gr.themes.LocalFont("Source Sans Pro"),
        "Noto Sans CJK SC",
        "PingFang SC",
        "Microsoft YaHei",
        "system-ui",
        "sans-serif",
    ],
    font_mono=[gr.themes.LocalFont("IBM Plex Mono"), "Noto Sans Mono CJK SC", "monospace"],
)  # — both LocalFonts ship with Gradio; nothing is fetched from Google


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
        loaded = [
            f"{r.org} {r.year}" if plan.language == "en" else f"{r.org}{r.year}年"
            for r in sorted(self.store.reports(), key=lambda r: (r.org, r.year or 0))
        ]
        text = AnswerWriter(plan.language, self.qa.names).loading(loaded, self.progress["done"], self.progress["total"])
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


# ---------------------------------------------------------------------------- handlers
def _failure(exc: Exception) -> str:
    if isinstance(exc, GovqaError):
        return str(exc)
    log.exception("handler failed")
    return f"Something went wrong: {type(exc).__name__}: {exc}"


def _language(request: gr.Request | None) -> str:
    """The reader's language from the browser (Accept-Language), for pages that have no question."""
    return language_of(request.headers.get("accept-language", "") if request is not None else "")


def _chart_updates(answer: Answer | None):
    """The chart column beside the chat: shown for an answered trend or comparison, else hidden."""
    frame = series_frame(answer) if answer is not None and answer.status == "answered" else None
    if frame is None or answer is None:  # no frame without an answer
        return gr.Column(visible=False), gr.LinePlot(visible=False), gr.BarPlot(visible=False)
    language = CitationContexts.language(answer)
    kind = chart_kind(answer)
    look = {
        "value": frame,
        "visible": True,
        "title": answer.question[:80],
        "y_title": answer.unit or "",
        "x_title": say("chart_years" if kind == "line" else "chart_labels", language),
    }
    if kind == "line":
        return gr.Column(visible=True), gr.LinePlot(**look), gr.BarPlot(visible=False)
    return gr.Column(visible=True), gr.LinePlot(visible=False), gr.BarPlot(**look, sort=list(frame["label"]))


def chat_handlers(lib: Library):
    def respond(question: str, history: list):
        """One turn: the chat's earlier questions go along, so a follow-up leans on them."""
        question = (question or "").strip()
        history = list(history or [])
        if not question:
            yield history, "", *_chart_updates(None)
            return
        earlier = user_questions(history)
        language = reply_language(question)
        history.append({"role": "user", "content": question})
        working = {
            "role": "assistant",
            "content": say("working", language),
            "metadata": {"title": say("working_title", language), "status": "pending"},
        }
        yield [*history, working], "", *_chart_updates(None)
        answer = lib.ask(question, earlier)
        history.append(lib.answer_message(answer))
        yield history, "", *_chart_updates(answer)

    def pick(history: list, evt: gr.SelectData):
        """A clicked follow-up question (an ambiguity's choice) is asked at once, within the conversation."""
        value = evt.value
        text = value.get("text") or value.get("value") if isinstance(value, dict) else value
        yield from respond(str(text or ""), history)

    return respond, pick


def report_handlers(lib: Library):
    def list_reports(text: str, year, request: gr.Request):
        language = _language(request)
        try:
            records = filter_reports(lib.store.reports(), text, year)
            frame = reports_frame(records, lib.check_counts([r.report_id for r in records]), language)
            choices = [(report_choice(r), r.report_id) for r in records]
            years = sorted({r.year for r in lib.store.reports() if r.year is not None}, reverse=True)
            return (
                frame,
                gr.Dropdown(choices=choices, value=None),
                [r.report_id for r in records],
                gr.Dropdown(choices=[ALL, *map(str, years)]),
                "",
            )
        except Exception as exc:
            return None, gr.Dropdown(choices=[]), [], gr.Dropdown(), say("problem", language, reason=_failure(exc))

    def open_report(report_id: str | None, request: gr.Request):
        language = _language(request)
        hidden = [gr.Dataframe(value=None, visible=False) for _ in TABLES]
        if not report_id:
            return "", *hidden, ""
        try:
            report = lib.store.report(report_id)
            tables = [report_table(report, t, language) for t in TABLES]
            shown = [gr.Dataframe(value=t, visible=t is not None) for t in tables]
            return (
                report_summary_html(report, lib.store.record(report_id), language),
                *shown,
                report_sections_html(report, language),
            )
        except Exception as exc:
            return error_html(_failure(exc), language), *hidden, ""

    def select_row(ids: list[str], evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return ids[row] if ids and 0 <= row < len(ids) else None

    return list_reports, open_report, select_row


FACTS_SHOWN = 5000


def fact_handlers(lib: Library, export_dir: Path):
    def filters():
        try:
            offices = [o.org for o in lib.store.offices()]
            years = sorted({r.year for r in lib.store.reports() if r.year is not None}, reverse=True)
            return gr.Dropdown(choices=[ALL, *offices]), gr.Dropdown(choices=[ALL, *map(str, years)])
        except Exception:
            log.exception("loading fact filters failed")
            return gr.Dropdown(), gr.Dropdown()

    def show(office: str, year: str, key: str, request: gr.Request):
        language = _language(request)
        try:
            facts = lib.store.facts(
                orgs=None if office in (None, "", ALL) else [office],
                years=None if year in (None, "", ALL) else [int(year)],
                keys=None if key in (None, "", ALL) else [key],
            )
            path = write_facts_csv(facts_frame(facts), export_dir / uuid4().hex[:8] / "govqa-facts.csv")
            frame = facts_frame(facts[:FACTS_SHOWN], language)
            note = say("facts_count", language, n=len(facts))
            note += say("facts_capped", language, cap=FACTS_SHOWN) if len(facts) > FACTS_SHOWN else ""
            return gr.Dataframe(value=frame, visible=True), gr.DownloadButton(value=str(path), interactive=True), note
        except Exception as exc:
            return (
                gr.Dataframe(visible=False),
                gr.DownloadButton(interactive=False),
                say("problem", language, reason=_failure(exc)),
            )

    return filters, show


def upload_handler(lib: Library):
    def upload(files: list[str] | None):
        if not files:
            return gr.Dataframe(visible=False), both("upload_first")
        if lib.progress["running"]:
            return gr.Dataframe(visible=False), both("upload_busy")
        results: list[tuple[str, FileResult]] = []
        stored: list[tuple[str, Path]] = []
        for file in files:
            name = Path(file).name
            try:
                stored.append(
                    (
                        name,
                        store_upload(
                            Path(file), name, lib.settings.data_dir / "uploads", lib.settings.app.max_upload_mb
                        ),
                    )
                )
            except (GovqaError, OSError) as exc:
                reason = exc.reason if isinstance(exc, GovqaError) else str(exc)
                results.append((name, FileResult(path=name, status="failed", reason=reason)))
        try:
            by_path = {r.path: r for r in lib.ingest(list(dict.fromkeys(path for _, path in stored)))}
            results += [(name, by_path[str(path)]) for name, path in stored if str(path) in by_path]
        except Exception as exc:
            return gr.Dataframe(ingest_results_frame(results), visible=True), both("problem", reason=_failure(exc))
        ok = sum(r.status != "failed" for _, r in results)
        table = gr.Dataframe(ingest_results_frame(results), visible=True)
        return table, f"{both('upload_done', ok=ok, n=len(results))} {lib.status_markdown()}"

    return upload


# ---------------------------------------------------------------------------- layout
def _chat_tab(lib: Library) -> None:
    respond, pick = chat_handlers(lib)
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=560):
            chatbot = gr.Chatbot(
                show_label=False,
                height=600,
                elem_id="gq-chat",
                latex_delimiters=[],
                feedback_options=None,
                buttons=["copy"],
                layout="bubble",
                placeholder=both("chat.placeholder"),
            )
            with gr.Row():
                question = gr.Textbox(
                    placeholder=both("question.placeholder"),
                    show_label=False,
                    scale=8,
                    elem_id="gq-question",
                    max_lines=4,
                    autofocus=True,
                )
                ask = gr.Button(both("ask"), variant="primary", scale=1, elem_id="gq-ask", min_width=90)
            new_chat = gr.Button(both("new_chat"), size="sm", elem_id="gq-new-chat")
            examples = gr.Dataset(
                components=[question], samples=[[q] for q in EXAMPLES], label=both("examples"), elem_id="gq-examples"
            )
        with gr.Column(scale=2, min_width=320, visible=False, elem_id="gq-chart") as chart:
            line = gr.LinePlot(x="label", y="value", y_lim=[0, None], height=320, elem_id="gq-chart-line")
            bars = gr.BarPlot(x="label", y="value", y_lim=[0, None], height=320, elem_id="gq-chart-bar")
    outputs = [chatbot, question, chart, line, bars]
    question.submit(respond, [question, chatbot], outputs, api_visibility="private")
    ask.click(respond, [question, chatbot], outputs, api_visibility="private")
    chatbot.option_select(pick, [chatbot], outputs, api_visibility="private")
    new_chat.click(lambda: ([], "", *_chart_updates(None)), None, outputs, api_visibility="private")

    def ask_example(sample: list, history: list):
        yield from respond(sample[0] if isinstance(sample, list) else str(sample), history)

    examples.click(ask_example, [examples, chatbot], outputs, api_visibility="private")


def _reports_tab(lib: Library):
    list_reports, open_report, select_row = report_handlers(lib)
    with gr.Row():
        text = gr.Textbox(label=both("filter"), scale=4, elem_id="gq-report-filter")
        year = gr.Dropdown(label=both("label.year"), choices=[ALL], value=ALL, scale=1)
        refresh = gr.Button(both("refresh"), scale=1)
    note = gr.Markdown()
    table = gr.Dataframe(
        label=both("reports_table"),
        interactive=False,
        max_height=620,
        wrap=True,
        elem_id="gq-reports",
        pinned_columns=1,
        column_widths=REPORT_WIDTHS,
        static_columns=list(range(len(REPORT_WIDTHS))),
        show_search="none",
    )
    ids = gr.State([])
    chosen = gr.Dropdown(label=both("open_report"), choices=[], elem_id="gq-report-pick")
    summary = gr.HTML()
    t2, t3, t4 = (
        gr.Dataframe(label=TABLE_TITLES[t], interactive=False, wrap=True, visible=False, elem_id=f"gq-table-{t}")
        for t in TABLES
    )
    sections = gr.HTML()
    listing = [table, chosen, ids, year, note]
    for event in (text.submit, refresh.click, year.change):
        event(list_reports, [text, year], listing, api_visibility="private")
    table.select(select_row, [ids], [chosen], api_visibility="private")
    chosen.change(open_report, [chosen], [summary, t2, t3, t4, sections], api_visibility="private")
    return text, year, listing, list_reports


def _facts_tab(lib: Library, export_dir: Path):
    filters, show = fact_handlers(lib, export_dir)
    with gr.Row():
        office = gr.Dropdown(label=both("label.office"), choices=[ALL], value=ALL, scale=3, filterable=True)
        year = gr.Dropdown(label=both("label.year"), choices=[ALL], value=ALL, scale=1)
        key = gr.Dropdown(
            label=both("label.metric"),
            choices=[(ALL, ALL), *metric_choices()],
            value=ALL,
            scale=6,
            filterable=True,
            elem_id="gq-metric",
        )
    with gr.Row():
        go = gr.Button(both("show_facts"), variant="primary", elem_id="gq-show-facts")
        download = gr.DownloadButton(both("download_csv"), interactive=False)
    note = gr.Markdown(elem_id="gq-facts-note")
    table = gr.Dataframe(
        interactive=False,
        max_height=520,
        wrap=True,
        elem_id="gq-facts",
        visible=False,
        column_widths=FACT_WIDTHS,
        static_columns=list(range(len(FACT_WIDTHS))),
    )
    for event in (go.click, key.change):
        event(show, [office, year, key], [table, download, note], api_visibility="private")
    return filters, [office, year]


def _upload_tab(lib: Library):
    upload = upload_handler(lib)
    gr.Markdown(both("upload_intro", mb=lib.settings.app.max_upload_mb))
    files = gr.File(
        file_count="multiple", file_types=list(SUPPORTED_SUFFIXES), label=both("upload_files"), elem_id="gq-upload"
    )
    go = gr.Button(both("ingest_files"), variant="primary", elem_id="gq-ingest")
    status = gr.Markdown(elem_id="gq-upload-status")
    results = gr.Dataframe(
        label=both("upload_results"), interactive=False, wrap=True, elem_id="gq-upload-results", visible=False
    )
    return go.click(upload, [files], [results, status], api_visibility="private")


def build_app(settings: Settings, library: Library | None = None) -> gr.Blocks:
    """The page: Ask, Reports, Facts and Upload tabs, plus the /ask API (Answer.contract() JSON)."""
    lib = library or Library(settings)
    export_dir = Path(tempfile.mkdtemp(prefix="govqa-exports-"))  # Gradio serves files from the temp dir

    def ask_api(question: str, history: list[str] | None = None) -> dict:
        """Answer one question; the same JSON object as `govqa ask --json`. history: the conversation's
        earlier questions, oldest first (a follow-up such as "那2022年呢？" leans on them)."""
        return lib.ask(question, [str(q) for q in history or []]).contract()

    def status_api() -> dict:
        """Counts of the stores and the progress of the first-start ingest: facts first (ingesting), then the
        passages of text_pending reports still being embedded for text questions."""
        return {
            **lib.store.counts(),
            "ingesting": lib.progress["running"],
            "text_pending": lib.store.text_pending_count(),
            "files_done": lib.progress["done"],
            "files_total": lib.progress["total"],
            "message": lib.progress["message"],
        }

    with gr.Blocks(title="govqa — 政府信息公开年报问答", analytics_enabled=False) as demo:
        zh_title, en_intro = say("page.title", "zh"), say("page.intro", "en")
        gr.Markdown(f"## govqa · {zh_title}\n{en_intro} {say('page.intro', 'zh')}", elem_id="gq-header")
        status = gr.Markdown(elem_id="gq-status")
        timer = gr.Timer(2.0)
        with gr.Tabs():
            with gr.Tab(both("tab.ask"), id="ask"):
                _chat_tab(lib)
            with gr.Tab(both("tab.reports"), id="reports") as reports_tab:
                text, year, listing, list_reports = _reports_tab(lib)
            with gr.Tab(both("tab.facts"), id="facts") as facts_tab:
                fact_filters, filter_boxes = _facts_tab(lib, export_dir)
            with gr.Tab(both("tab.upload"), id="upload"):
                uploaded = _upload_tab(lib)
        timer.tick(
            lambda: (lib.status_markdown(), gr.Timer(active=lib.progress["running"])),
            None,
            [status, timer],
            api_visibility="private",
            show_progress="hidden",
        )
        demo.load(lib.status_markdown, None, status, api_visibility="private", show_progress="hidden")
        for event in (reports_tab.select, demo.load):
            event(list_reports, [text, year], listing, api_visibility="private", show_progress="hidden")
        for event in (facts_tab.select, demo.load):
            event(fact_filters, None, filter_boxes, api_visibility="private", show_progress="hidden")
        # the header's counts change with an upload: refresh them (and the reports list) once it is in
        uploaded.then(lib.status_markdown, None, status, api_visibility="private", show_progress="hidden").then(
            list_reports, [text, year], listing, api_visibility="private"
        )
        gr.api(ask_api, api_name="ask")
        gr.api(status_api, api_name="status")
    demo.queue(default_concurrency_limit=8)
    return demo


def configure_logging() -> None:
    """INFO for govqa; libraries only warn: no per-question progress bars (sentence-transformers shows "Batches:"
    whenever its logger is at INFO) and no DEBUG lines from the HTTP stack."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in (
        "httpx",
        "httpcore",
        "sentence_transformers",
        "transformers",
        "urllib3",
        "chromadb",
        "multipart",
        "python_multipart",
        "matplotlib",
        "PIL",
        "asyncio",
        "uvicorn.access",
        "jieba",
        "bm25s",
    ):
        logging.getLogger(name).setLevel(logging.WARNING)


def launch(settings: Settings) -> None:
    """Start the store, the first-start ingest and the server (blocks until stopped)."""
    configure_logging()
    library = Library(settings)
    library.start()
    demo = build_app(settings, library)
    print(
        f"govqa: data in {settings.data_dir.resolve()} — open http://{settings.app.host}:{settings.app.port}",
        flush=True,
    )
    demo.launch(
        server_name=settings.app.host,
        server_port=settings.app.port,
        share=False,
        inbrowser=False,
        max_file_size=f"{int(settings.app.max_upload_mb * 1024 * 1024)}b",
        theme=THEME,
        css=PAGE_CSS,
        footer_links=["api"],
        show_error=True,
        enable_monitoring=False,
        mcp_server=False,
        run_history=False,
        pwa=False,
        ssr_mode=False,
        blocked_paths=[str(settings.data_dir.resolve())],
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="data folder (default: $GOVQA_DATA_DIR or ./govqa-data)")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1; 0.0.0.0 exposes the app to the network)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """`python app.py`: Settings from the environment, overridden by the arguments (as `govqa serve` does)."""
    args = parse_args(argv)
    settings = Settings()
    if args.data_dir:
        settings.data_dir = args.data_dir
    if args.host:
        settings.app.host = args.host
    if args.port:
        settings.app.port = args.port
    try:
        launch(settings)
    except GovqaError as exc:
        print(f"app.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
