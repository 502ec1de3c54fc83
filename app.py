"""govqa web app: Gradio wired to bot/ (answers) and index/ (reports, facts, ingest).

`python app.py [--port P] [--data-dir DIR] [--host H]` or `govqa serve`. Binds 127.0.0.1 unless told
otherwise, never shares, sends no analytics and needs no network. Everything shown is built by
bot/presenting.py; this module only connects components to it, and turns every error into a message.
"""

import argparse
import logging
import tempfile
import threading
from pathlib import Path
from uuid import uuid4

import gradio as gr

from bot.models import Answer
from bot.presenting import (
    PAGE_CSS,
    TABLE_TITLES,
    CitationContexts,
    answer_html,
    chart_kind,
    check_counts,
    error_html,
    facts_frame,
    filter_reports,
    ingest_results_frame,
    report_choice,
    report_sections_html,
    report_summary_html,
    report_table,
    reports_frame,
    series_frame,
    store_upload,
    write_facts_csv,
)
from bot.service import QuestionAnswerer
from govqa.errors import GovqaError
from govqa.settings import PROJECT_ROOT, Settings
from index.facts import FactStore
from index.embeddings import Embedder
from index.ingest import FileResult, Ingestor, find_report_files
from index.sections import SectionIndex
from parsers.template import all_keys

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
    font=[gr.themes.LocalFont("Source Sans Pro"), "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "system-ui",
          "sans-serif"],
    font_mono=[gr.themes.LocalFont("IBM Plex Mono"), "Noto Sans Mono CJK SC", "monospace"],
)  # fmt: skip  — both LocalFonts ship with Gradio; nothing is fetched from Google


def default_corpus(settings: Settings) -> list[Path]:
    """What an empty data dir is filled with: the configured folder, ../shared/corpus, else synthetic reports."""
    if settings.app.default_corpus:
        return [settings.app.default_corpus]
    shared = PROJECT_ROOT.parent / "shared" / "corpus"
    if shared.is_dir():
        return [shared]
    from parsers.synthetic import write_corpus

    return write_corpus(settings.data_dir / "examples", SYNTHETIC_EXAMPLES, ("txt",))


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
        self.progress = {"running": False, "done": 0, "total": 0, "current": "", "failed": 0, "message": ""}
        self._ingestor: Ingestor | None = None
        self._checks: dict[str, tuple[int, int, int]] = {}

    # ------------------------------------------------------------------ ingest
    def ingest(self, paths: list[Path], on_file=None) -> list[FileResult]:
        with self.ingest_lock:
            if self._ingestor is None:
                self._ingestor = Ingestor(self.settings, progress=True, embedder=self.qa.index.embedder)
            summary = self._ingestor.ingest_paths(paths, on_file=on_file)
        self.qa.refresh()
        return summary.results

    def ingest_default_corpus(self) -> None:
        """First start: fill the empty store, reporting progress to the terminal (tqdm) and to the page."""
        p = self.progress
        try:
            paths = default_corpus(self.settings)
            files, _ = find_report_files(paths)
            where = paths[0] if len(paths) == 1 else paths[0].parent
            p.update(running=True, total=len(files), message=f"Ingesting {len(files)} files from {where}")
            log.info("first start: %s", p["message"])

            def on_file(result: FileResult) -> None:
                p["done"] += 1
                p["current"] = Path(result.path).name
                p["failed"] += result.status == "failed"

            self.ingest(paths, on_file)
            p["message"] = f"Ingested {p['done']} files from {where} ({p['failed']} failed)."
            log.info("first start: %s", p["message"])
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
            threading.Thread(target=self.qa.warm_up, name="govqa-warm-up", daemon=True).start()

    def status_markdown(self) -> str:
        p = self.progress
        try:
            counts = self.store.counts()
        except GovqaError as exc:
            return f"Problem: the fact store cannot be read: {exc}"
        line = f"**{counts['reports']} reports** from {counts['offices']} offices · {counts['facts']} table cells"
        if p["running"]:
            current = f" — now: {p['current']}" if p["current"] else ""
            return f"**Loading the report collection: {p['done']} / {p['total']} files**{current}. {line} so far; questions work on what is loaded."
        return f"{line}. {p['message']}".strip()

    # ------------------------------------------------------------------ answers
    def ask(self, question: str) -> Answer:
        """Always an Answer: library errors and unexpected failures become status 'error' with the reason."""
        try:
            return self.qa.ask(question)
        except GovqaError as exc:
            return Answer(question=question or "", status="error", route="none", answer=exc.reason)
        except Exception as exc:
            log.exception("question failed: %r", (question or "")[:200])
            return Answer(question=question or "", status="error", route="none",
                          answer=f"internal error: {type(exc).__name__}: {exc}")  # fmt: skip

    def answer_message(self, answer: Answer) -> dict:
        try:
            content = answer_html(answer, self.contexts.for_answer(answer))
        except Exception as exc:  # show the bare answer rather than nothing
            log.exception("rendering an answer failed")
            content = error_html(f"{answer.answer}\n(could not render the sources: {exc})")
        if self.progress["running"] and answer.status != "answered":
            p = self.progress
            content += f'<p class="gq-note">The report collection is still loading ({p["done"]}/{p["total"]} files); ask again when it is done.</p>'
        message = {"role": "assistant", "content": content}
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


def _chart_updates(answer: Answer | None):
    frame = series_frame(answer) if answer is not None and answer.status == "answered" else None
    if frame is None:
        return gr.LinePlot(visible=False), gr.BarPlot(visible=False)
    look = {"value": frame, "visible": True, "title": answer.question[:80], "y_title": answer.unit or "value"}
    if chart_kind(answer) == "line":
        return gr.LinePlot(**look), gr.BarPlot(visible=False)
    return gr.LinePlot(visible=False), gr.BarPlot(**look, sort=list(frame["report"]))


def chat_handlers(lib: Library):
    def respond(question: str, history: list):
        question = (question or "").strip()
        history = list(history or [])
        if not question:
            yield history, "", *_chart_updates(None)
            return
        history.append({"role": "user", "content": question})
        working = {"role": "assistant", "content": "Looking it up in the reports…",
                   "metadata": {"title": "Working…", "status": "pending"}}  # fmt: skip
        yield [*history, working], "", *_chart_updates(None)
        answer = lib.ask(question)
        history.append(lib.answer_message(answer))
        yield history, "", *_chart_updates(answer)

    def pick(history: list, evt: gr.SelectData):
        """A clicked example or follow-up question is asked at once."""
        value = evt.value
        text = value.get("text") or value.get("value") if isinstance(value, dict) else value
        yield from respond(str(text or ""), history)

    return respond, pick


def report_handlers(lib: Library):
    def list_reports(text: str, year):
        try:
            records = filter_reports(lib.store.reports(), text, year)
            frame = reports_frame(records, lib.check_counts([r.report_id for r in records]))
            choices = [(report_choice(r), r.report_id) for r in records]
            years = sorted({r.year for r in lib.store.reports() if r.year is not None}, reverse=True)
            return (frame, gr.Dropdown(choices=choices, value=None), [r.report_id for r in records],
                    gr.Dropdown(choices=[ALL, *map(str, years)]), "")  # fmt: skip
        except Exception as exc:
            return None, gr.Dropdown(choices=[]), [], gr.Dropdown(), f"Problem: {_failure(exc)}"

    def open_report(report_id: str | None):
        hidden = [gr.Dataframe(value=None, visible=False) for _ in TABLES]
        if not report_id:
            return "", *hidden, ""
        try:
            report = lib.store.report(report_id)
            tables = [report_table(report, t) for t in TABLES]
            shown = [gr.Dataframe(value=t, visible=t is not None) for t in tables]
            return report_summary_html(report, lib.store.record(report_id)), *shown, report_sections_html(report)
        except Exception as exc:
            return error_html(_failure(exc)), *hidden, ""

    def select_row(ids: list[str], evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return ids[row] if ids and 0 <= row < len(ids) else None

    return list_reports, open_report, select_row


def fact_handlers(lib: Library, export_dir: Path):
    keys = all_keys()

    def filters():
        try:
            offices = [o.org for o in lib.store.offices()]
            years = sorted({r.year for r in lib.store.reports() if r.year is not None}, reverse=True)
            return gr.Dropdown(choices=[ALL, *offices]), gr.Dropdown(choices=[ALL, *map(str, years)])
        except Exception:
            log.exception("loading fact filters failed")
            return gr.Dropdown(), gr.Dropdown()

    def show(office: str, year: str, key: str):
        try:
            facts = lib.store.facts(
                orgs=None if office in (None, "", ALL) else [office],
                years=None if year in (None, "", ALL) else [int(year)],
                keys=None if key in (None, "", ALL) else [key],
            )
            frame = facts_frame(facts)
            path = write_facts_csv(frame, export_dir / uuid4().hex[:8] / "govqa-facts.csv")
            note = f"{len(frame)} table cells" + (" (showing the first 5000; the CSV has all)" if len(frame) > 5000 else "")
            return frame.head(5000), gr.DownloadButton(value=str(path), interactive=True), note
        except Exception as exc:
            return None, gr.DownloadButton(interactive=False), f"Problem: {_failure(exc)}"

    key_choices = [(ALL, ALL)] + [(f"{k} — {i.row_label} × {i.col_label}", k) for k, i in keys.items()]
    return filters, show, key_choices


def upload_handler(lib: Library):
    def upload(files: list[str] | None):
        if not files:
            return gr.Dataframe(visible=False), "Choose or drop report files first (txt, md, html, htm, pdf, docx)."
        if lib.progress["running"]:
            return gr.Dataframe(visible=False), "The report collection is still loading; try again when it is done."
        results: list[tuple[str, FileResult]] = []
        stored: list[tuple[str, Path]] = []
        for file in files:
            name = Path(file).name
            try:
                stored.append((name, store_upload(Path(file), name, lib.settings.data_dir / "uploads",
                                                  lib.settings.app.max_upload_mb)))  # fmt: skip
            except (GovqaError, OSError) as exc:
                reason = exc.reason if isinstance(exc, GovqaError) else str(exc)
                results.append((name, FileResult(path=name, status="failed", reason=reason)))
        try:
            by_path = {r.path: r for r in lib.ingest(list(dict.fromkeys(path for _, path in stored)))}
            results += [(name, by_path[str(path)]) for name, path in stored if str(path) in by_path]
        except Exception as exc:
            return gr.Dataframe(ingest_results_frame(results), visible=True), f"Problem: {_failure(exc)}"
        ok = sum(r.status != "failed" for _, r in results)
        table = gr.Dataframe(ingest_results_frame(results), visible=True)
        return table, f"{ok} of {len(results)} files are in the collection. {lib.status_markdown()}"

    return upload


# ---------------------------------------------------------------------------- layout
def _chat_tab(lib: Library) -> None:
    respond, pick = chat_handlers(lib)
    chatbot = gr.Chatbot(
        show_label=False, height=640, elem_id="gq-chat", latex_delimiters=[],
        feedback_options=None, buttons=["copy"], layout="bubble",
        examples=[{"text": q, "display_text": q} for q in EXAMPLES],
        placeholder="Ask about the annual information-disclosure reports (政府信息公开工作年度报告) in Chinese or English. "
                    "Every answer cites the report, section and table cell it comes from.",
    )  # fmt: skip
    with gr.Row():
        question = gr.Textbox(placeholder="e.g. 伊川县2020年收到多少政府信息公开申请 / how many requests did Pingtan get in 2024",
                              show_label=False, scale=8, elem_id="gq-question", max_lines=4, autofocus=True)  # fmt: skip
        ask = gr.Button("Ask", variant="primary", scale=1, elem_id="gq-ask")
    line = gr.LinePlot(x="report", y="value", visible=False, y_lim=[0, None], height=260, elem_id="gq-chart-line")
    bars = gr.BarPlot(x="report", y="value", visible=False, y_lim=[0, None], height=260, elem_id="gq-chart-bar")
    examples = gr.Dataset(components=[question], samples=[[q] for q in EXAMPLES], label="Example questions",
                          elem_id="gq-examples")  # fmt: skip
    outputs = [chatbot, question, line, bars]
    question.submit(respond, [question, chatbot], outputs, api_visibility="private")
    ask.click(respond, [question, chatbot], outputs, api_visibility="private")
    chatbot.example_select(pick, [chatbot], outputs, api_visibility="private")
    chatbot.option_select(pick, [chatbot], outputs, api_visibility="private")

    def ask_example(sample: list, history: list):
        yield from respond(sample[0] if isinstance(sample, list) else str(sample), history)

    examples.click(ask_example, [examples, chatbot], outputs, api_visibility="private")


def _reports_tab(lib: Library):
    list_reports, open_report, select_row = report_handlers(lib)
    with gr.Row():
        text = gr.Textbox(label="Filter by office, title or file name", scale=4, elem_id="gq-report-filter")
        year = gr.Dropdown(label="Year", choices=[ALL], value=ALL, scale=1)
        refresh = gr.Button("Refresh", scale=1)
    note = gr.Markdown()
    table = gr.Dataframe(label="Ingested reports (click a row to open it)", interactive=False, max_height=380,
                         wrap=True, elem_id="gq-reports", pinned_columns=2,
                         column_widths=["200px", "60px", "80px", "150px", "200px", "200px", "60px", "80px", "240px"])  # fmt: skip
    ids = gr.State([])
    chosen = gr.Dropdown(label="Open a report", choices=[], elem_id="gq-report-pick")
    summary = gr.HTML()
    t2, t3, t4 = (gr.Dataframe(label=TABLE_TITLES[t], interactive=False, wrap=True, visible=False,
                               elem_id=f"gq-table-{t}") for t in TABLES)  # fmt: skip
    sections = gr.HTML()
    listing = [table, chosen, ids, year, note]
    for event in (text.submit, refresh.click, year.change):
        event(list_reports, [text, year], listing, api_visibility="private")
    table.select(select_row, [ids], [chosen], api_visibility="private")
    chosen.change(open_report, [chosen], [summary, t2, t3, t4, sections], api_visibility="private")
    return text, year, listing, list_reports


def _facts_tab(lib: Library, export_dir: Path):
    filters, show, key_choices = fact_handlers(lib, export_dir)
    with gr.Row():
        office = gr.Dropdown(label="Office", choices=[ALL], value=ALL, scale=3, filterable=True)
        year = gr.Dropdown(label="Year", choices=[ALL], value=ALL, scale=1)
        key = gr.Dropdown(label="Metric (table/row/column)", choices=key_choices, value=ALL, scale=4, filterable=True)
    with gr.Row():
        go = gr.Button("Show facts", variant="primary")
        download = gr.DownloadButton("Download CSV", interactive=False)
    note = gr.Markdown()
    table = gr.Dataframe(interactive=False, max_height=520, wrap=True, elem_id="gq-facts")
    go.click(show, [office, year, key], [table, download, note], api_visibility="private")
    return filters, [office, year]


def _upload_tab(lib: Library):
    upload = upload_handler(lib)
    mb = lib.settings.app.max_upload_mb
    gr.Markdown(f"Drop annual report files (txt, md, html, htm, pdf, docx; up to {mb:g} MiB each). "
                "They are parsed, checked and indexed at once; the chat can answer from them right away.")  # fmt: skip
    files = gr.File(file_count="multiple", file_types=[".txt", ".md", ".html", ".htm", ".pdf", ".docx"],
                    label="Report files", elem_id="gq-upload")  # fmt: skip
    go = gr.Button("Ingest files", variant="primary", elem_id="gq-ingest")
    status = gr.Markdown(elem_id="gq-upload-status")
    results = gr.Dataframe(label="Result per file", interactive=False, wrap=True, elem_id="gq-upload-results",
                           visible=False)  # fmt: skip
    return go.click(upload, [files], [results, status], api_visibility="private")


def build_app(settings: Settings, library: Library | None = None) -> gr.Blocks:
    """The page: Ask, Reports, Facts and Upload tabs, plus the /ask API (Answer.contract() JSON)."""
    lib = library or Library(settings)
    export_dir = Path(tempfile.mkdtemp(prefix="govqa-exports-"))  # Gradio serves files from the temp dir

    def ask_api(question: str) -> dict:
        """Answer one question; the same JSON object as `govqa ask --json`."""
        return lib.ask(question).contract()

    def status_api() -> dict:
        """Counts of the stores and the progress of the first-start ingest."""
        return {**lib.store.counts(), "ingesting": lib.progress["running"], "files_done": lib.progress["done"],
                "files_total": lib.progress["total"], "message": lib.progress["message"]}

    with gr.Blocks(title="govqa — 政府信息公开年报问答", analytics_enabled=False) as demo:
        gr.Markdown("## govqa · 政府信息公开工作年度报告 问答\nAnswers come only from the ingested reports, with the "
                    "table cell or passage each number comes from.", elem_id="gq-header")  # fmt: skip
        status = gr.Markdown(elem_id="gq-status")
        timer = gr.Timer(2.0)
        with gr.Tabs():
            with gr.Tab("Ask 问答", id="ask"):
                _chat_tab(lib)
            with gr.Tab("Reports 报告", id="reports") as reports_tab:
                text, year, listing, list_reports = _reports_tab(lib)
            with gr.Tab("Facts 数据", id="facts") as facts_tab:
                fact_filters, filter_boxes = _facts_tab(lib, export_dir)
            with gr.Tab("Upload 上传", id="upload"):
                uploaded = _upload_tab(lib)
        timer.tick(lambda: (lib.status_markdown(), gr.Timer(active=lib.progress["running"])), None, [status, timer],
                   api_visibility="private", show_progress="hidden")  # fmt: skip
        demo.load(lib.status_markdown, None, status, api_visibility="private", show_progress="hidden")
        for event in (reports_tab.select, demo.load):
            event(list_reports, [text, year], listing, api_visibility="private", show_progress="hidden")
        for event in (facts_tab.select, demo.load):
            event(fact_filters, None, filter_boxes, api_visibility="private", show_progress="hidden")
        uploaded.then(list_reports, [text, year], listing, api_visibility="private").then(
            lib.status_markdown, None, status, api_visibility="private")  # fmt: skip
        gr.api(ask_api, api_name="ask")
        gr.api(status_api, api_name="status")
    demo.queue(default_concurrency_limit=8)
    return demo


def launch(settings: Settings) -> None:
    """Start the store, the first-start ingest and the server (blocks until stopped)."""
    library = Library(settings)
    library.start()
    demo = build_app(settings, library)
    print(f"govqa: data in {settings.data_dir.resolve()} — open http://{settings.app.host}:{settings.app.port}", flush=True)
    demo.launch(
        server_name=settings.app.host, server_port=settings.app.port, share=False, inbrowser=False,
        max_file_size=f"{int(settings.app.max_upload_mb * 1024 * 1024)}b", theme=THEME,
        css=PAGE_CSS, footer_links=["api"], show_error=True, enable_monitoring=False, mcp_server=False,
        run_history=False, pwa=False, ssr_mode=False, blocked_paths=[str(settings.data_dir.resolve())],
    )  # fmt: skip


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="data folder (default: $GOVQA_DATA_DIR or ./govqa-data)")
    parser.add_argument("--host", help="interface to bind (default 127.0.0.1; 0.0.0.0 exposes the app to the network)")
    parser.add_argument("--port", type=int, help="port (default 7860)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from govqa.cli import build_settings
    from govqa.cmd_serve import run

    args = parse_args(argv)
    return run(args, build_settings(args))


if __name__ == "__main__":
    raise SystemExit(main())
