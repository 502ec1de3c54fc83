"""govqa web app: Gradio wired to bot/ (answers) and index/ (reports, facts, ingest).

`python app.py [--port P] [--data-dir DIR] [--host H]` or `govqa serve`. Binds 127.0.0.1 unless told
otherwise, never shares, sends no analytics and needs no network. Everything shown is built by web/
(cards, tables, uploads, style) with the words of bot/wording/; this module only connects components to
them, and turns every error into a message. It imports bot/, index/, web/ and govqa's settings and errors,
never the CLI (the CLI's `govqa serve` imports this module).
"""

import argparse
import logging
import sys
import tempfile
from pathlib import Path
from uuid import uuid4

import gradio as gr

from bot.conversation import reply_language
from bot.models import Answer
from bot.wording import both, say
from govqa.errors import GovqaError
from govqa.settings import Settings
from index.ingest import FileResult
from parsers.formats import SUPPORTED_SUFFIXES
from parsers.template import TABLES as TEMPLATE_TABLES
from web.library import Library
from web.presenting import (
    FACT_WIDTHS,
    REPORT_WIDTHS,
    TABLE_TITLES,
    CitationContexts,
    chart_kind,
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
ALL = "All"
TABLES = tuple(TEMPLATE_TABLES)  # T2 T3 T4, one tab each in the report view
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
