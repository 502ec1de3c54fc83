"""Past one machine: facts in a real PostgreSQL server, the section index on a real `chroma run` server.

`govqa ingest --db-url postgresql+psycopg://… --chroma-url http://…` fills both servers and leaves the data
dir empty; QuestionAnswerer configured with the same URLs answers from them. Needs
GOVQA_TEST_POSTGRES_URL (.ci/run starts a throwaway cluster and sets it); skipped without it.
"""

import os
import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

from bot.service import QuestionAnswerer
from govqa.settings import Settings
from index.facts import FactStore
from index.sections import SectionIndex
from parsers.synthetic import make_report, write_corpus
from tests.test_facts import make_report as yichuan_2020
from tests.test_facts import (
    postgres_store,  # noqa: F401  (fixture: a fresh database on that server)
    store_report,
)
from tests.test_sections import chroma_server  # noqa: F401  (fixture: `chroma run` on a free port)

pytestmark = pytest.mark.slow

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NEW_REQUESTS = "T3/new_requests/total"
SEEDS = range(40, 43)


@pytest.fixture
def remote_settings(tmp_path, postgres_store, chroma_server) -> Settings:  # noqa: F811
    settings = Settings(data_dir=tmp_path / "data")
    settings.index.db_url = postgres_store.url
    settings.index.chroma_url = chroma_server
    return settings


def test_ingest_into_postgresql_and_a_chroma_server_then_answer_from_them(remote_settings, tmp_path, embedder):
    folder = tmp_path / "reports"
    write_corpus(folder, len(SEEDS), ("txt",), seed=SEEDS[0])
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("GOVQA_DATA_DIR", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "govqa.cli",
            "ingest",
            str(folder),
            "--data-dir",
            str(remote_settings.data_dir),
            "--db-url",
            remote_settings.index.db_url,
            "--chroma-url",
            remote_settings.index.chroma_url,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(SEEDS)} ingested" in done.stdout
    assert not (remote_settings.data_dir / "facts.sqlite3").exists() and not remote_settings.chroma_path.exists()

    store = FactStore.from_settings(remote_settings, read_only=True)
    qa = QuestionAnswerer(remote_settings, store=store, index=SectionIndex(remote_settings, embedder, facts=store))
    assert qa.store.engine.dialect.name == "postgresql" and qa.store.read_only
    for seed in SEEDS:
        report = make_report(seed)
        answer = qa.ask(f"{report.org}{report.year}年收到多少政府信息公开申请")
        assert (answer.status, answer.value) == ("answered", report.facts[NEW_REQUESTS])
    report = make_report(SEEDS[0])
    narrative = qa.ask(f"{report.org}{report.year}年政府信息公开工作存在哪些主要问题")
    assert narrative.status == "answered" and narrative.route == "retrieval"
    assert (narrative.citations[0].org, narrative.citations[0].year) == (report.org, report.year)
    written = int(re.search(r"(\d+) chunks written", done.stdout).group(1))
    assert qa.index.count() == written > 10 * len(SEEDS)  # every chunk lives on the server
    qa.store.close()


def test_read_only_postgresql_store_refuses_writes_and_runs_guarded_selects(postgres_store):  # noqa: F811
    store_report(postgres_store, yichuan_2020())
    reader = FactStore(postgres_store.url, read_only=True)
    with pytest.raises(sa.exc.InternalError, match="read-only transaction"), reader.engine.connect() as conn:
        conn.execute(sa.text("DELETE FROM facts"))
    with reader.engine.connect() as conn:
        query = sa.text("SELECT org, year, value FROM fact_values WHERE key = :key")
        rows = [dict(r._mapping) for r in conn.execute(query, {"key": NEW_REQUESTS})]
    assert rows == [{"org": "伊川县人民政府", "year": 2020, "value": 27}]
    assert reader.counts()["facts"] > 0
    reader.close()
