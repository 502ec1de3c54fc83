"""Ingest end to end: real parser, real SQLite file, real Chroma PersistentClient in tmp_path.

Every test embeds with the real e5 model (shared by the session), with the network switched off.
"""

import shutil
import time
from pathlib import Path

import pytest

from govqa.cli import main
from govqa.errors import StoreError
from govqa.settings import Settings
from index.ingest import Ingestor, find_report_files
from index.models import SourceFile
from parsers.synthetic import write_corpus
from tests.test_facts import fact, make_report


@pytest.fixture
def reports_dir(tmp_path) -> Path:
    """Two synthetic reports, each as .txt and .html (four files, two distinct reports)."""
    folder = tmp_path / "reports"
    write_corpus(folder, 2, ("txt", "html"))
    return folder


@pytest.fixture
def ingestor(settings, embedder):
    ing = Ingestor(settings, progress=False, embedder=embedder)
    yield ing
    ing.close()


def statuses(summary) -> dict[str, str]:
    return {Path(r.path).name: r.status for r in summary.results}


def chunk_report_ids(ingestor: Ingestor) -> set[str]:
    got = ingestor.index.collection.get(include=["metadatas"])
    return {m["report_id"] for m in got["metadatas"]}


def worse_copy(source: Path, target: Path) -> Path:
    """The same report with one T3 row dropped: it parses with fewer facts."""
    lines = source.read_text(encoding="utf-8").splitlines()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(x for x in lines if not x.startswith("2.重复申请")), encoding="utf-8")
    return target


# ------------------------------------------------------------------ idempotency
def test_second_run_reports_every_file_unchanged_without_parsing_or_loading_the_model(settings, ingestor, reports_dir):
    first = ingestor.ingest_paths([reports_dir])
    assert first.counts == {"ingested": 2, "unchanged": 0, "replaced": 0, "duplicate": 2, "skipped": 0, "failed": 0}
    again = Ingestor(settings, progress=False)  # no embedder given: loading one would take seconds
    started = time.perf_counter()
    second = again.ingest_paths([reports_dir])
    assert time.perf_counter() - started < 5
    assert second.counts["unchanged"] == 4 and len(second.results) == 4
    assert again._parser is None and again._index is None and again._embedder is None
    assert {r.report_id for r in second.results} == {r.report_id for r in first.results}


def test_same_report_in_two_formats_is_kept_once_with_both_sources(ingestor, reports_dir):
    summary = ingestor.ingest_paths([reports_dir])
    reports = ingestor.facts.reports()
    assert len(reports) == 2
    for record in reports:
        assert sorted(Path(s).suffix for s in record.sources) == [".html", ".txt"]
    duplicates = [r for r in summary.results if r.status == "duplicate"]
    assert all("same report as" in r.reason for r in duplicates)
    assert chunk_report_ids(ingestor) == {r.report_id for r in reports}


def test_a_better_parse_of_a_stored_report_replaces_it_and_keeps_both_sources(ingestor, reports_dir, tmp_path):
    good = next(reports_dir.glob("*.txt"))
    worse = worse_copy(good, tmp_path / "other" / "worse.txt")
    ingestor.ingest_paths([worse])
    worse_id = ingestor.facts.reports()[0].report_id
    summary = ingestor.ingest_paths([good])
    [record] = ingestor.facts.reports()
    assert summary.results[0].status == "duplicate" and "this parse kept" in summary.results[0].reason
    assert record.report_id != worse_id and record.n_facts == len(ingestor.facts.facts(report_id=record.report_id))
    assert sorted(Path(s).name for s in record.sources) == sorted([good.name, "worse.txt"])
    assert chunk_report_ids(ingestor) == {record.report_id}


def test_a_worse_parse_of_a_stored_report_only_adds_its_source(ingestor, reports_dir, tmp_path):
    good = next(reports_dir.glob("*.txt"))
    worse = worse_copy(good, tmp_path / "other" / "worse.txt")
    ingestor.ingest_paths([good])
    [before] = ingestor.facts.reports()
    summary = ingestor.ingest_paths([worse])
    [after] = ingestor.facts.reports()
    assert summary.results[0].status == "duplicate" and "stored parse kept" in summary.results[0].reason
    assert after.report_id == before.report_id and after.n_facts == before.n_facts
    assert len(after.sources) == 2


def test_identical_bytes_under_another_name_are_a_duplicate_found_before_parsing(ingestor, reports_dir, tmp_path):
    original = next(reports_dir.glob("*.txt"))
    ingestor.ingest_paths([original])
    copy = tmp_path / "copy.txt"
    shutil.copy(original, copy)
    chunks = ingestor.index.count()
    [result] = ingestor.ingest_paths([copy]).results
    assert result.status == "duplicate" and result.reason.startswith("same bytes as")
    assert ingestor.index.count() == chunks
    assert len(ingestor.facts.reports()[0].sources) == 2


# ------------------------------------------------------------------ changed files
def test_changed_file_replaces_its_old_facts_and_chunks(ingestor, reports_dir):
    path = next(reports_dir.glob("*.txt"))
    ingestor.ingest_paths([path])
    [old] = ingestor.facts.reports()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("一、总体情况\n", "一、总体情况\n\n本年度新增一段说明文字。\n", 1), encoding="utf-8")
    [result] = ingestor.ingest_paths([path]).results
    [new] = ingestor.facts.reports()
    assert result.status == "replaced" and result.chunks > 0
    assert new.report_id != old.report_id and (new.org, new.year) == (old.org, old.year)
    assert ingestor.facts.facts(report_id=old.report_id) == []
    assert chunk_report_ids(ingestor) == {new.report_id}
    assert any(
        "本年度新增一段说明文字" in h.chunk.text for h in ingestor.index.search("新增一段说明文字", mode="lexical")
    )


def test_file_overwritten_with_another_report_drops_the_old_report(ingestor, reports_dir):
    first, second = sorted(reports_dir.glob("*.txt"))
    ingestor.ingest_paths([first])
    [old] = ingestor.facts.reports()
    first.write_bytes(second.read_bytes().replace("。".encode(), "；".encode(), 1))
    [result] = ingestor.ingest_paths([first]).results
    [new] = ingestor.facts.reports()
    assert result.status == "replaced"
    assert new.org != old.org and ingestor.facts.find_report(old.org, old.year) is None
    assert chunk_report_ids(ingestor) == {new.report_id}
    assert [o.org for o in ingestor.facts.offices()] == [new.org]


# ------------------------------------------------------------------ failures and atomicity
def test_bad_files_fail_with_name_and_reason_while_others_ingest_and_nothing_stored_changes(
    ingestor, reports_dir, tmp_path
):
    first, second = sorted(reports_dir.glob("*.txt"))
    ingestor.ingest_paths([first])
    stored = ingestor.facts.facts()
    chunks = ingestor.index.count()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "empty.txt").write_text("", encoding="utf-8")
    (mixed / "minutes.txt").write_text("会议纪要\n\n今天开会讨论了绿化工作。", encoding="utf-8")
    (mixed / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (mixed / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    shutil.copy(second, mixed / second.name)
    summary = ingestor.ingest_paths([mixed])
    failed = {Path(r.path).name: r.reason for r in summary.failed}
    assert set(failed) == {"empty.txt", "broken.pdf", "broken.docx"}
    assert all(reason for reason in failed.values())
    assert "empty" in failed["empty.txt"]
    assert statuses(summary)[second.name] == "ingested"
    assert statuses(summary)["minutes.txt"] == "skipped"  # readable, but not a report: found in a folder
    assert [f for f in ingestor.facts.facts() if f.report_id == stored[0].report_id] == stored
    assert ingestor.index.count() > chunks


def test_a_non_report_is_skipped_in_a_folder_but_fails_when_named(ingestor, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    readme = folder / "README.md"
    readme.write_text("# Corpus sources\n\nWhere each report came from.", encoding="utf-8")
    [in_folder] = ingestor.ingest_paths([folder]).results
    [named] = ingestor.ingest_paths([readme]).results
    assert (in_folder.status, named.status) == ("skipped", "failed")
    assert in_folder.reason == named.reason and "not a government information disclosure" in named.reason


def test_unsupported_missing_and_hidden_paths(tmp_path):
    (tmp_path / "notes.xlsx").write_bytes(b"x")
    (tmp_path / "dir" / ".hidden").mkdir(parents=True)
    (tmp_path / "dir" / ".hidden" / "a.txt").write_text("x")
    (tmp_path / "dir" / "b.TXT").write_text("x")
    (tmp_path / "dir" / "c.csv").write_text("x")
    files, problems = find_report_files([tmp_path / "notes.xlsx", tmp_path / "missing.pdf", tmp_path / "dir"])
    assert [f.name for f in files] == ["b.TXT"]
    assert {Path(p.path).name: p.reason.split(" ")[0] for p in problems} == {
        "notes.xlsx": "unsupported",
        "missing.pdf": "no",
    }


def test_sql_failure_after_the_chroma_write_removes_the_new_chunks(ingestor, reports_dir):
    ingestor.ingest_paths([next(reports_dir.glob("*.txt"))])
    chunks, counts = ingestor.index.count(), ingestor.facts.counts()
    # Two facts under one key violate the facts primary key: the SQL transaction fails after Chroma was written.
    broken = make_report(
        "淮安市人民政府", 2021, facts=[fact("T3/new_requests/total", 1), fact("T3/new_requests/total", 2)]
    )
    with pytest.raises(StoreError):
        ingestor._commit(broken, None, [SourceFile(source="/x/broken.txt", sha256="0" * 64)], [])
    assert ingestor.index.count() == chunks
    assert broken.report_id not in chunk_report_ids(ingestor)
    assert ingestor.facts.counts() == counts


def test_chunks_left_by_a_crash_are_swept_when_the_next_ingest_opens_the_index(
    settings, ingestor, reports_dir, embedder
):
    first, second = sorted(reports_dir.glob("*.txt"))
    ingestor.ingest_paths([first])
    crashed = make_report("淮安市人民政府", 2021)
    ingestor.index.add_report(crashed, "crashed-before-commit")
    assert crashed.report_id in chunk_report_ids(ingestor)
    assert all(h.chunk.report_id != crashed.report_id for h in ingestor.index.search("政务新媒体", k=50))
    next_run = Ingestor(settings, progress=False, embedder=embedder)
    next_run.ingest_paths([second])
    assert crashed.report_id not in chunk_report_ids(next_run)


def test_rebuild_drops_the_stores_and_ingests_again(ingestor, reports_dir):
    ingestor.ingest_paths([reports_dir])
    counts, chunks = ingestor.facts.counts(), ingestor.index.count()
    summary = ingestor.ingest_paths([reports_dir], rebuild=True)
    assert summary.counts["ingested"] == 2 and summary.counts["unchanged"] == 0
    assert ingestor.facts.counts() == counts and ingestor.index.count() == chunks


# ------------------------------------------------------------------ command line
def test_cli_names_each_failed_file_with_its_reason_and_exits_nonzero(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    status = main(["ingest", str(empty), str(tmp_path / "missing.md"), "--data-dir", str(tmp_path / "data")])
    out = capsys.readouterr().out
    assert status == 1
    assert f"FAILED     {empty}: file is empty" in out
    assert "missing.md: no such file or folder" in out
    assert "0 ingested, 0 unchanged, 0 replaced, 0 duplicate, 0 skipped, 2 failed" in out


def test_cli_second_run_prints_all_unchanged_and_exits_zero(settings, ingestor, reports_dir, capsys):
    ingestor.ingest_paths([reports_dir])
    status = main(["ingest", str(reports_dir), "--data-dir", str(settings.data_dir)])
    assert status == 0
    assert "0 ingested, 4 unchanged, 0 replaced, 0 duplicate, 0 skipped, 0 failed" in capsys.readouterr().out


# ------------------------------------------------------------------ the real model
@pytest.mark.slow
def test_cli_ingests_offline_with_the_real_model_and_search_finds_the_office(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = tmp_path / "reports"
    [path] = write_corpus(folder, 1, ("md",), seed=7)
    assert main(["ingest", str(folder), "--data-dir", str(tmp_path / "data")]) == 0
    assert "1 ingested" in capsys.readouterr().out
    from index.embeddings import Embedder
    from index.sections import SectionIndex

    settings = Settings(data_dir=tmp_path / "data")
    [record] = Ingestor(settings, progress=False).facts.reports()
    index = SectionIndex(settings, Embedder(settings.index))
    hits = index.search("依申请公开 申请数量", orgs=[record.org], years=[record.year], k=3, mode="dense")
    assert hits and all(h.chunk.org == record.org for h in hits)


@pytest.fixture(scope="module")
def corpus_ingest(tmp_path_factory, corpus):
    """The whole shared corpus ingested once with the real model, network off."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        settings = Settings(data_dir=tmp_path_factory.mktemp("corpus") / "data")
        ingestor = Ingestor(settings, progress=False)
        summary = ingestor.ingest_paths([corpus])
        yield settings, ingestor, summary
        ingestor.close()


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_ingests_every_file_and_keeps_html_copies_once(corpus_ingest):
    _, ingestor, summary = corpus_ingest
    assert summary.failed == []
    # 75 report files (5 seeds + 70 raw, twelve of them .html copies of a .txt: 63 reports) and SOURCES.md.
    assert summary.counts == {"ingested": 63, "unchanged": 0, "replaced": 0, "duplicate": 12, "skipped": 1, "failed": 0}
    assert [Path(r.path).name for r in summary.results if r.status == "skipped"] == ["SOURCES.md"]
    assert len(ingestor.facts.reports()) == 63
    pingtan_2020 = ingestor.facts.find_report("平潭综合实验区", 2020)
    assert pingtan_2020 is not None
    assert sorted(Path(s).name for s in pingtan_2020.sources) == [
        "fujian-pingtan_2020_pingtanarchive.html",
        "fujian-pingtan_2020_pingtanarchive.txt",
    ]


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_second_run_is_all_unchanged_in_seconds(corpus_ingest, corpus):
    settings, _, first = corpus_ingest
    started = time.perf_counter()
    again = Ingestor(settings, progress=False).ingest_paths([corpus])
    assert time.perf_counter() - started < 10
    assert again.counts["unchanged"] == 75 and again.counts["skipped"] == 1 and len(again.results) == 76


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_facts_hold_yichuan_2020_new_requests(corpus_ingest):
    _, ingestor, _ = corpus_ingest
    [record] = ingestor.facts.facts(orgs=["伊川县人民政府"], years=[2020], keys=["T3/new_requests/total"])
    assert record.value == 27


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_search_for_yichuan_new_media_ranks_the_4_accounts_passage_first(corpus_ingest):
    _, ingestor, _ = corpus_ingest
    hits = ingestor.index.search("伊川县 政务新媒体", orgs=["伊川县人民政府"], years=[2020], k=5)
    assert "政务新媒体4个" in hits[0].chunk.text
    assert hits[0].chunk.section_number == "（五）" and hits[0].chunk.section_parent == "一"
