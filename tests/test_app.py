"""The real web app: `python app.py` on a free port over a fresh data dir, filled on first start from the corpus.

One server serves the whole session (tests/test_browser.py uses it too): its first start ingests
../shared/corpus with the real embedding model, which takes a few minutes on a small machine.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import pytest
from gradio_client import Client

from index.facts import FactStore
from tests.test_conversation import CONVERSATIONS, check_turn

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

REPO = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 1200
NEW_REQUESTS = "T3/new_requests/total"
YICHUAN = "how many applications did Yichuan get in 2020"


class RunningApp(NamedTuple):
    url: str
    port: int
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


_RUNNING: dict[str, RunningApp] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_ready(app: RunningApp) -> None:
    """Until the server answers and its first-start ingest is over (the /status API says so)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    client = None
    while time.monotonic() < deadline:
        if app.process.poll() is not None:
            raise RuntimeError(f"app.py exited with {app.process.returncode}:\n{app.log_tail()}")
        try:
            client = client or Client(app.url, verbose=False)
            status = client.predict(api_name="/status")
            if not status["ingesting"] and status["reports"] > 0 and status["text_pending"] == 0:
                return
        except Exception:  # not listening yet
            client = None
        time.sleep(3)
    raise RuntimeError(f"app.py not ready after {STARTUP_TIMEOUT_S} s:\n{app.log_tail()}")


def shared_app(config: pytest.Config, tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> RunningApp:
    """Start the app once per session (stopped when the session ends)."""
    if "app" in _RUNNING:
        return _RUNNING["app"]
    folder = tmp_path_factory.mktemp("app")
    port = _free_port()
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "GOVQA_APP__DEFAULT_CORPUS": str(corpus),
        "GOVQA_APP__MAX_UPLOAD_MB": "2",
    }
    env.pop("GOVQA_DATA_DIR", None)
    log = folder / "app.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(REPO / "app.py"), "--data-dir", str(folder / "data"), "--port", str(port)],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    app = RunningApp(f"http://127.0.0.1:{port}/", port, folder / "data", process, log)

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()

    config.add_cleanup(stop)
    _wait_until_ready(app)
    _RUNNING["app"] = app
    return app


@pytest.fixture(scope="session")
def app_server(pytestconfig, tmp_path_factory, corpus) -> RunningApp:
    return shared_app(pytestconfig, tmp_path_factory, corpus)


@pytest.fixture(scope="session")
def client(app_server) -> Client:
    return Client(app_server.url, verbose=False)


@pytest.fixture(scope="session")
def facts(app_server):
    store = FactStore(f"sqlite:///{app_server.data_dir / 'facts.sqlite3'}", read_only=True)
    yield store
    store.close()


def _new_requests(facts: FactStore, org: str, year: int):
    [fact] = facts.facts(orgs=[org], years=[year], keys=[NEW_REQUESTS])
    return fact.value


# ---------------------------------------------------------------------------- first start
def test_first_start_ingests_the_default_corpus_into_the_empty_data_dir(client, app_server, corpus):
    status = client.predict(api_name="/status")
    files = [p for p in corpus.rglob("*") if p.suffix in {".txt", ".html", ".pdf", ".md", ".docx", ".htm"}]
    assert status["files_total"] == status["files_done"] == len(files)
    assert status["reports"] >= 20 and status["facts"] > 1000 and status["text_pending"] == 0
    assert str(corpus) in status["message"]
    assert (app_server.data_dir / "facts.sqlite3").is_file() and (app_server.data_dir / "chroma").is_dir()


def test_server_listens_on_loopback_only_and_serves_no_analytics_or_remote_fonts(app_server):
    with urllib.request.urlopen(app_server.url + "config", timeout=10) as response:
        config = json.load(response)
    assert config["analytics_enabled"] is False
    with urllib.request.urlopen(app_server.url + "theme.css", timeout=10) as response:
        css = response.read().decode()
    assert "googleapis" not in css and "gstatic" not in css
    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    local = {line.split()[1] for line in listening if line.split()[3] == "0A"}  # 0A: LISTEN
    assert f"0100007F:{app_server.port:04X}" in local  # 127.0.0.1
    assert f"00000000:{app_server.port:04X}" not in local  # not 0.0.0.0


# ---------------------------------------------------------------------------- /ask API
def test_ask_api_answers_yichuan_2020_with_27_and_cites_the_table_cell(client):
    answer = client.predict(YICHUAN, api_name="/ask")
    assert answer["status"] == "answered" and answer["route"] == "sql"
    assert answer["value"] == 27 and answer["unit"] == "件"
    [citation] = answer["citations"]
    assert (citation["org"], citation["year"]) == ("伊川县人民政府", 2020)
    assert citation["quote"] == "27" and "总计" in citation["locator"]
    assert citation["section"].startswith("三、")


def test_ask_api_returns_the_same_json_as_govqa_ask_json(client, app_server):
    from_api = client.predict(YICHUAN, api_name="/ask")
    cli = subprocess.run(  # this checkout's CLI (the venv's govqa script may belong to another checkout)
        [sys.executable, "-m", "govqa.cli", "ask", "--json", YICHUAN, "--data-dir", str(app_server.data_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        cwd=REPO,
    )
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    assert (
        set(from_api)
        == set(from_cli)
        == {"question", "status", "route", "answer", "value", "unit", "citations", "elapsed_ms", "resolved"}
    )
    from_api.pop("elapsed_ms"), from_cli.pop("elapsed_ms")
    assert from_api == from_cli


def test_six_questions_in_flight_are_all_answered_correctly(app_server, facts):
    cases = [
        (YICHUAN, "伊川县人民政府", 2020),
        ("伊川县2020年收到多少政府信息公开申请", "伊川县人民政府", 2020),
        ("平潭2024年收到多少政府信息公开申请", "平潭综合实验区", 2024),
        ("淮安市2024年收到多少政府信息公开申请", "淮安市人民政府", 2024),
        ("how many information requests did Hongze District receive in 2024", "淮安市洪泽区人民政府", 2024),
        ("洛龙区2021年收到多少政府信息公开申请", "洛阳市洛龙区人民政府办公室", 2021),
    ]
    expected = [_new_requests(facts, org, year) for _, org, year in cases]
    assert expected[0] == 27 and None not in expected

    def ask(question: str) -> tuple[dict, float]:
        started = time.perf_counter()
        answer = Client(app_server.url, verbose=False).predict(question, api_name="/ask")
        return answer, time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        results = list(pool.map(ask, [q for q, _, _ in cases]))
    wall = time.perf_counter() - started
    for (question, org, year), value, (answer, _) in zip(cases, expected, results, strict=False):
        assert (answer["status"], answer["value"]) == ("answered", value), question
        assert (answer["citations"][0]["org"], answer["citations"][0]["year"]) == (org, year), question
    print(f"\n{len(cases)} concurrent questions: {wall:.2f} s wall, slowest {max(t for _, t in results):.2f} s")


@pytest.mark.parametrize(
    ("question", "status", "reason"),
    [
        ("", "error", "the question is empty"),
        ("   ", "error", "the question is empty"),
        ("伊川" * 5000, "error", "longer than"),
        ("'; DROP TABLE facts; --", None, None),
        ("<script>alert(1)</script>", None, None),
        ("\x00\x1b[31m", None, None),
    ],
)
def test_bad_questions_get_a_clean_status_not_an_exception(client, question, status, reason):
    answer = client.predict(question, api_name="/ask")
    if status:
        assert answer["status"] == status and reason in answer["answer"]
    else:
        assert answer["status"] in ("answered", "not_found", "ambiguous", "help")
    # The store is untouched and the server still answers.
    assert client.predict(YICHUAN, api_name="/ask")["value"] == 27


# ---------------------------------------------------------------------------- conversations
@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_ask_api_answers_a_conversation_given_its_history(client, facts, name):
    history: list[str] = []
    for turn in CONVERSATIONS[name]:
        check_turn(facts, client.predict(turn[0], history, api_name="/ask"), turn)
        history.append(turn[0])


def test_ask_api_without_history_reads_a_follow_up_alone(client):
    answer = client.predict("那2022年呢？", api_name="/ask")
    assert answer["status"] != "answered" and answer["value"] is None


@pytest.mark.parametrize(("greeting", "words"), [("hi", "I answer questions"), ("你好", "我可以回答")])
def test_ask_api_greeting_gets_the_help_answer(client, greeting, words):
    answer = client.predict(greeting, api_name="/ask")
    assert answer["status"] == "help" and words in answer["answer"]


def test_server_log_has_no_progress_bars_or_debug_lines_per_question(client, app_server):
    before = len(app_server.log.read_text(encoding="utf-8", errors="replace"))
    for question in ("洛龙区2021年存在哪些主要问题", "淮安市2024年存在哪些问题", YICHUAN):
        assert client.predict(question, api_name="/ask")["status"] == "answered"
    added = app_server.log.read_text(encoding="utf-8", errors="replace")[before:]
    assert "Batches" not in added and " DEBUG " not in added, added[-2000:]


def test_while_loading_an_office_not_loaded_yet_is_not_answered_from_another(tmp_path, corpus, embedder):
    """Only 平潭综合实验区 2020 (21 requests) is in: 'Yichuan 2020' must not get 21, and says what is loaded."""
    import web.library as web_library
    from govqa.settings import Settings
    from index.ingest import Ingestor

    settings = Settings(data_dir=tmp_path / "data")
    ingestor = Ingestor(settings, progress=False, embedder=embedder)
    try:
        ingestor.ingest_paths([corpus / "raw" / "fujian-pingtan_2020_pingtanarchive.txt"])
    finally:
        ingestor.close()
    library = web_library.Library(settings)
    library.progress.update(running=True, done=1, total=65)
    for question, loaded in [
        (YICHUAN, "平潭综合实验区 2020"),
        ("伊川县2020年收到多少政府信息公开申请", "平潭综合实验区2020年"),
        ("2020年收到多少申请", "平潭综合实验区2020年"),
    ]:
        answer = library.ask(question)
        assert answer.status == "not_found" and answer.value is None and not answer.citations, question
        assert loaded in answer.answer and "1/65" in answer.answer and "21" not in answer.answer, answer.answer
    assert library.ask("平潭2020年收到多少申请").value == 21  # a loaded office is answered meanwhile


# ---------------------------------------------------------------------------- which corpus a first start loads
def test_first_start_corpus_is_the_configured_folder_then_shared_corpus_then_synthetic_examples(
    tmp_path, monkeypatch, corpus
):
    import web.library as web_library
    from govqa.settings import Settings
    from parsers.report import ReportParser

    settings = Settings(data_dir=tmp_path / "data")
    settings.app.default_corpus = tmp_path / "mine"
    assert web_library.default_corpus(settings) == [tmp_path / "mine"]
    settings.app.default_corpus = None
    assert web_library.default_corpus(settings) == [corpus]  # the repo's sibling ../shared/corpus
    monkeypatch.setattr(web_library, "PROJECT_ROOT", tmp_path / "elsewhere" / "repo")
    examples = web_library.default_corpus(settings)
    assert len(examples) == web_library.SYNTHETIC_EXAMPLES
    assert all(p.parent == settings.data_dir / "examples" and p.is_file() for p in examples)
    report = ReportParser(settings.parsing).parse(examples[0])
    assert report.value(NEW_REQUESTS) is not None and report.year is not None
