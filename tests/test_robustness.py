"""Bad input loses nothing: a batch of broken, hostile and odd files next to a stored report, a kill -9 in
the middle of an ingest, and guarded SQL.

Real parts throughout: the real parser and readers, a real SQLite file and Chroma PersistentClient in
tmp_path, the real e5 model (session-wide) and the real `govqa` CLI in a subprocess.
"""

import functools
import io
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from unittest import mock

import pytest
import reportlab.platypus
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from bot.service import QuestionAnswerer
from govqa.errors import IngestError
from govqa.settings import Settings
from index.facts import FactStore
from index.ingest import Ingestor
from index.sections import SectionIndex
from parsers.synthetic import make_report, render, write_corpus
from web.uploads import store_upload

REPO = Path(__file__).resolve().parents[1]
NEW_REQUESTS = "T3/new_requests/total"
GOOD_SEED = 1


# ------------------------------------------------------------------ the bad batch
def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("user-secret", "owner-secret"))
    page.drawString(72, 720, "2020 annual report")
    page.save()
    return buffer.getvalue()


def _owner_locked_report_pdf(seed: int) -> bytes:
    """A whole report PDF with only an owner password (no copying/printing), as many offices publish them."""
    lock = pdfencrypt.StandardEncryption("", "owner-secret", canPrint=0, canCopy=0, canModify=0)
    locked = functools.partial(reportlab.platypus.SimpleDocTemplate, encrypt=lock)
    with mock.patch.object(reportlab.platypus, "SimpleDocTemplate", locked):
        return render(make_report(seed), "pdf")


def _image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(72, 400, 400, 300, fill=1)  # a "scan": marks, no text
    page.save()
    return buffer.getvalue()


def _garbage_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/garbage.bin", random.Random(3).randbytes(400))
    return buffer.getvalue()


def _without_tables(seed: int) -> bytes:
    text = render(make_report(seed), "txt").decode("utf-8")
    return "\n".join(line for line in text.splitlines() if "\t" not in line).encode("utf-8")


def _gb18030_only(seed: int) -> bytes:
    text = render(make_report(seed), "txt").decode("utf-8") + "\n附：𠮷字只有GB18030能编码。\n"
    return text.encode("gb18030")


def _batch_files(good_txt: bytes, good_html: bytes) -> dict[str, tuple[bytes, str, str | None]]:
    """file name -> (its bytes, expected status, a phrase its reason must contain)."""
    truncated = render(make_report(2), "pdf")
    return {
        "empty.txt": (b"", "failed", "empty (0 bytes)"),
        "random-bytes.pdf": (random.Random(1).randbytes(6000), "failed", "damaged or not a PDF"),
        "truncated.pdf": (truncated[: len(truncated) // 2], "failed", "damaged or not a PDF"),
        "encrypted.pdf": (_encrypted_pdf(), "failed", "encrypted (password-protected)"),
        "owner-locked.pdf": (_owner_locked_report_pdf(7), "failed", "(cid:N) glyph codes"),
        "scan.pdf": (_image_only_pdf(), "failed", "image-only PDF: no extractable text"),
        "garbage.docx": (_garbage_docx(), "failed", "broken .docx"),
        "not-a-zip.docx": (random.Random(2).randbytes(3000), "failed", "not a zip package"),
        "weather.html": (
            "<html><head><title>天气预报</title></head><body><p>今天晴，明天多云。</p></body></html>".encode(),
            "skipped",
            "not a government information disclosure annual report",
        ),
        "binary.txt": (random.Random(4).randbytes(5000), "failed", "not a text file"),
        "gbk.txt": (render(make_report(3), "txt").decode("utf-8").encode("gbk"), "ingested", None),
        "gb18030.txt": (_gb18030_only(4), "ingested", None),
        "utf16.txt": (render(make_report(5), "txt").decode("utf-8").encode("utf-16"), "ingested", None),
        "utf16le-no-bom.txt": (render(make_report(6), "txt").decode("utf-8").encode("utf-16-le"), "ingested", None),
        "no-tables.txt": (_without_tables(8), "ingested", None),
        "copy-of-good.html": (good_html, "duplicate", "same report as"),
        "renamed-good.txt": (good_txt, "duplicate", "same bytes as"),
        "vanishes.txt": (render(make_report(9), "txt"), "failed", "file not found"),
    }


BATCH = [
    "empty.txt",
    "random-bytes.pdf",
    "truncated.pdf",
    "encrypted.pdf",
    "owner-locked.pdf",
    "scan.pdf",
    "garbage.docx",
    "not-a-zip.docx",
    "weather.html",
    "binary.txt",
    "gbk.txt",
    "gb18030.txt",
    "utf16.txt",
    "utf16le-no-bom.txt",
    "no-tables.txt",
    "copy-of-good.html",
    "renamed-good.txt",
    "vanishes.txt",
    "huge.txt",
]
SEED_OF = {"gbk.txt": 3, "gb18030.txt": 4, "utf16.txt": 5, "utf16le-no-bom.txt": 6, "no-tables.txt": 8}


class Stocked:
    """A data dir holding one good report, then the bad batch ingested into it, with before/after snapshots."""

    def __init__(self, root: Path, embedder):
        self.settings = Settings(data_dir=root / "data")
        self.good = make_report(GOOD_SEED)
        good_file = root / "good.txt"
        good_file.write_bytes(render(self.good, "txt"))
        self.ingestor = Ingestor(self.settings, progress=False, embedder=embedder)
        [stored] = self.ingestor.ingest_paths([good_file]).results
        assert stored.status == "ingested"
        self.good_id = stored.report_id
        self.before = self.snapshot()
        self.answer_before = self.ask_good()
        self.batch = root / "batch"
        self.batch.mkdir()
        self.expected = _batch_files(render(self.good, "txt"), render(self.good, "html"))
        for name, (data, _, _) in self.expected.items():
            (self.batch / name).write_bytes(data)
        with open(self.batch / "huge.txt", "wb") as f:
            f.truncate(50 * 1024 * 1024)  # a real 50 MB file (sparse): over the 40 MiB limit
        self.expected["huge.txt"] = (b"", "failed", "50.0 MiB, over the 40 MiB limit")
        assert sorted(self.expected) == sorted(BATCH)
        summary = self.ingestor.ingest_paths([self.batch], on_file=self._remove_the_vanishing_file)
        self.results = {Path(r.path).name: r for r in summary.results}
        self.after = self.snapshot()

    def _remove_the_vanishing_file(self, _result) -> None:
        (self.batch / "vanishes.txt").unlink(missing_ok=True)  # listed before the run, gone before its turn

    def snapshot(self) -> dict:
        return {
            "counts": self.ingestor.facts.counts(),
            "chunks": self.ingestor.index.count(),
            "good_facts": self.ingestor.facts.facts(report_id=self.good_id),
            "good_chunks": self.ingestor.index.chunks(self.good_id),
        }

    def ask_good(self):
        qa = QuestionAnswerer.from_settings(self.settings)
        try:
            return qa.ask(f"{self.good.org}{self.good.year}年收到多少政府信息公开申请")
        finally:
            qa.store.close()


@pytest.fixture(scope="module")
def stocked(tmp_path_factory, embedder) -> Stocked:
    stocked = Stocked(tmp_path_factory.mktemp("robust"), embedder)
    yield stocked
    stocked.ingestor.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", BATCH)
def test_each_bad_file_gets_its_own_status_and_a_reason_naming_the_problem(stocked, name):
    _, status, phrase = stocked.expected[name]
    result = stocked.results[name]
    assert Path(result.path) == stocked.batch / name
    assert result.status == status, result.reason
    if phrase:
        assert phrase in (result.reason or ""), result.reason


@pytest.mark.slow
def test_a_bad_batch_leaves_the_stored_report_its_facts_chunks_and_answer_unchanged(stocked):
    before, after = stocked.before, stocked.after
    assert after["good_facts"] == before["good_facts"] and len(before["good_facts"]) > 100
    assert after["good_chunks"] == before["good_chunks"]
    answer = stocked.ask_good()
    expected = stocked.good.facts[NEW_REQUESTS]
    assert (stocked.answer_before.value, answer.value, answer.status) == (expected, expected, "answered")
    assert answer.citations[0].report_id == stocked.good_id


@pytest.mark.slow
def test_only_the_readable_reports_of_the_bad_batch_add_facts_and_chunks(stocked):
    store = stocked.ingestor.facts
    added = [r for r in stocked.results.values() if r.status == "ingested"]
    assert sorted(Path(r.path).name for r in added) == sorted(SEED_OF)
    new_facts = sum(len(store.facts(report_id=r.report_id)) for r in added)
    assert stocked.after["counts"]["facts"] == stocked.before["counts"]["facts"] + new_facts
    assert stocked.after["counts"]["reports"] == stocked.before["counts"]["reports"] + len(added)
    assert stocked.after["chunks"] == stocked.before["chunks"] + sum(r.chunks for r in added)
    assert stocked.after["counts"]["sources"] == stocked.before["counts"]["sources"] + len(added) + 2  # 2 copies


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gbk.txt", "gb18030.txt", "utf16.txt", "utf16le-no-bom.txt"])
def test_gbk_gb18030_and_utf16_reports_ingest_with_every_table_figure(stocked, name):
    report = make_report(SEED_OF[name])
    result = stocked.results[name]
    assert (result.org, result.year) == (report.org, report.year)
    stored = {f.key: f.value for f in stocked.ingestor.facts.facts(report_id=result.report_id)}
    assert stored[NEW_REQUESTS] == report.facts[NEW_REQUESTS]
    assert stored == report.facts  # every cell, blanks (None) included


@pytest.mark.slow
def test_a_report_without_tables_ingests_its_text_with_warnings(stocked):
    result = stocked.results["no-tables.txt"]
    record = stocked.ingestor.facts.record(result.report_id)
    assert record.n_facts == 0 and result.chunks > 0
    assert {"T2: table not found", "T3: table not found", "T4: table not found"} <= set(record.warnings)


@pytest.mark.slow
def test_a_file_over_the_size_limit_is_refused_without_being_read(stocked, tmp_path):
    huge = tmp_path / "huge.pdf"
    with open(huge, "wb") as f:
        f.truncate(8 * 1024**3)  # 8 GiB, sparse: hashing it would take a minute and reading it 8 GiB of memory
    started = time.perf_counter()
    result = stocked.ingestor.ingest_file(huge)
    assert time.perf_counter() - started < 2
    assert result.status == "failed" and "8192.0 MiB, over the 40 MiB limit" in result.reason


# ------------------------------------------------------------------ kill -9 during an ingest
def _committed_reports(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM reports").fetchone()[0]
    except sqlite3.Error:  # not created yet, or the schema is being written
        return 0


@pytest.mark.slow
def test_kill_9_during_an_ingest_leaves_a_usable_index_and_a_rerun_completes(tmp_path, embedder):
    folder = tmp_path / "reports"
    files = write_corpus(folder, 8, ("txt",), seed=20)
    data = tmp_path / "data"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop("GOVQA_DATA_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "govqa.cli", "ingest", str(folder), "--data-dir", str(data)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while _committed_reports(data / "facts.sqlite3") < 1 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    settings = Settings(data_dir=data)
    store = FactStore.from_settings(settings)
    committed = store.reports()
    assert 1 <= len(committed) < len(files)
    index = SectionIndex(settings, embedder, facts=store)
    pending = store.text_pending()  # facts first: a report killed before its passages were stored says so
    for record in committed:
        hits = index.search(f"{record.org}政府信息公开", orgs=[record.org], years=[record.year], k=3)
        if record.report_id in pending:
            assert hits == [], record.org  # never half a report
        else:
            assert index.chunks(record.report_id), record.org
            assert hits and all(h.chunk.report_id == record.report_id for h in hits)
    store.close()
    rerun = Ingestor(settings, progress=False, embedder=embedder)
    summary = rerun.ingest_paths([folder])
    assert summary.counts["failed"] == 0
    assert summary.counts["unchanged"] == len(committed)
    assert summary.counts["ingested"] + summary.counts["duplicate"] == len(files) - len(committed)
    stored = rerun.facts.reports()
    assert {(r.org, r.year) for r in stored} == {(make_report(20 + i).org, make_report(20 + i).year) for i in range(8)}
    live = {h["report_id"] for h in rerun.index.collection.get(include=["metadatas"])["metadatas"]}
    assert live == {r.report_id for r in stored}  # no orphan chunks of the killed run are left
    assert rerun.text_pending_count() == 0  # the rerun embedded what the killed run left pending
    rerun.close()


# ------------------------------------------------------------------ the read-only fact store
@pytest.fixture
def stored_store(settings):
    from tests.test_facts import make_report as fact_report
    from tests.test_facts import store_report

    store = FactStore.from_settings(settings)
    store_report(store, fact_report())
    store.close()
    reader = FactStore.from_settings(settings, read_only=True)
    yield reader
    reader.close()


def test_read_only_store_connection_refuses_writes(stored_store):
    import sqlalchemy as sa

    with (
        pytest.raises(sa.exc.OperationalError, match="readonly|read-only|query_only"),
        stored_store.engine.connect() as conn,
    ):
        conn.execute(sa.text("DELETE FROM facts"))
    assert stored_store.counts()["facts"] > 0


# ------------------------------------------------------------------ uploads never leave the uploads folder
@hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.tuples(st.text(max_size=80), st.sampled_from([".txt", ".PDF", ".docx", "", ".txt/.."])).map("".join))
def test_any_upload_name_is_stored_inside_the_uploads_folder(tmp_path, name):
    source = tmp_path / "upload.bin"
    source.write_bytes(b"x")
    uploads = tmp_path / "data" / "uploads"
    try:
        stored = store_upload(source, name, uploads, max_mb=1)
    except IngestError as exc:  # an unsupported suffix after cleaning is refused by name, never stored elsewhere
        assert "unsupported file type" in exc.reason
        return
    assert stored.resolve().parent == uploads.resolve()
    assert stored.read_bytes() == b"x"


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/cron.d/evil.txt",
        "/etc/passwd.txt",
        "..\\..\\boot.ini.txt",
        "C:\\Windows\\win.ini.txt",
        "a/../../b.pdf",
        "\x00../x.txt",
        "....//....//x.md",
    ],
)
def test_traversal_upload_names_stay_in_the_uploads_folder(tmp_path, name):
    source = tmp_path / "upload.bin"
    source.write_bytes(b"report")
    uploads = tmp_path / "data" / "uploads"
    stored = store_upload(source, name, uploads, max_mb=1)
    assert stored.resolve().parent == uploads.resolve()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [Path("upload.bin"), stored.relative_to(tmp_path)]
    )
