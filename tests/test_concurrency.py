"""Load: 20 simultaneous /ask questions through the real web app while `govqa ingest` writes synthetic
reports into the same data dir from another process — every answer right, no "database is locked".

Uses the session's app server of tests/test_app.py (real corpus, real model, real Gradio server).
"""

import os
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gradio_client import Client

from eval.harness import load_set
from parsers.synthetic import make_report, write_corpus
from tests.test_app import REPO, RunningApp, shared_app

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

IN_FLIGHT = 20
SYNTHETIC_REPORTS = 6


@pytest.fixture(scope="module")
def app_server(pytestconfig, tmp_path_factory, corpus) -> RunningApp:
    return shared_app(pytestconfig, tmp_path_factory, corpus)


def _right(answer: dict, item) -> bool:
    gold = item.gold
    return (
        answer["status"] == "answered"
        and answer["value"] is not None
        and abs(answer["value"] - gold.value) <= gold.tolerance
    )


def _reports(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM reports").fetchone()[0]


@pytest.fixture(scope="module")
def table_questions(app_server):
    """Gold table questions with a number answer that the app answers right when asked one at a time."""
    items = [
        i for i in load_set(REPO / "eval" / "sets" / "corpus.jsonl") if i.gold.type == "number" and i.route == "sql"
    ]
    client = Client(app_server.url, verbose=False)
    chosen = []
    for item in items:
        if _right(client.predict(item.question, api_name="/ask"), item):
            chosen.append(item)
        if len(chosen) == IN_FLIGHT:
            return chosen
    pytest.fail(f"only {len(chosen)} gold table questions are answered right even one at a time")


def test_twenty_questions_in_flight_during_an_ingest_are_all_right_and_nothing_is_locked(
    app_server, table_questions, tmp_path
):
    db = app_server.data_dir / "facts.sqlite3"
    folder = tmp_path / "synthetic"
    write_corpus(folder, SYNTHETIC_REPORTS, ("txt",), seed=500)
    before = _reports(db)
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("GOVQA_DATA_DIR", None)
    ingest = subprocess.Popen(
        [sys.executable, "-m", "govqa.cli", "ingest", str(folder), "--data-dir", str(app_server.data_dir)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    clients = [Client(app_server.url, verbose=False) for _ in range(IN_FLIGHT)]
    deadline = time.monotonic() + 300
    while _reports(db) == before and ingest.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)  # the ingest has loaded its model and is committing reports: questions start now
    rounds = []
    with ThreadPoolExecutor(max_workers=IN_FLIGHT) as pool:
        # Rounds of 20 until one of them overlapped a commit (then the ingest may finish undisturbed).
        while not rounds or (ingest.poll() is None and not any(start < end for start, end, _, _ in rounds)):
            committed = _reports(db)
            started = time.perf_counter()
            answers = list(pool.map(lambda c, q: c.predict(q.question, api_name="/ask"), clients, table_questions))
            rounds.append((committed, _reports(db), time.perf_counter() - started, answers))
    output, _ = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, output
    for _, _, _, answers in rounds:
        for item, answer in zip(table_questions, answers, strict=False):
            assert _right(answer, item), (item.question, answer)
    assert _reports(db) == before + len(
        {(make_report(500 + i).org, make_report(500 + i).year) for i in range(SYNTHETIC_REPORTS)}
    )
    assert any(start < end for start, end, _, _ in rounds), "no report was committed while questions were in flight"
    for text in (output, app_server.log_tail(200_000)):
        assert "database is locked" not in text
    print(
        f"\n{len(rounds)} rounds of {IN_FLIGHT} questions during the ingest; "
        f"slowest round {max(r[2] for r in rounds):.2f} s; reports {before} → {_reports(db)}"
    )
