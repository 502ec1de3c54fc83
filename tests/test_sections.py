"""Chunking and the section index on a real Chroma PersistentClient and a real SQLite file in tmp_path.

Every index here embeds with the real offline e5 model (one Embedder shared by the session).
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

import chromadb
import pytest

from govqa.errors import StoreError
from index import lexical as lexical_module
from index.chunks import chunk_report, embedding_text, fact_line, split_passage
from index.facts import FactStore
from index.ingest import Ingestor
from index.lexical import tokenize
from index.sections import SectionIndex
from parsers.synthetic import write_corpus
from tests.test_facts import build_report, fact, make_report, store_report, t3_facts

YICHUAN_NEW_REQUESTS = "本年新收政府信息公开申请数量：自然人 2，商业企业 21，法律服务机构 4，总计 27，其余 0"


@pytest.fixture
def store(settings):
    fact_store = FactStore.from_settings(settings)
    yield fact_store
    fact_store.close()


@pytest.fixture
def index(settings, store, embedder):
    return SectionIndex(settings, embedder, facts=store)


def add(index: SectionIndex, store: FactStore, report, text: str | None = None) -> int:
    """What the ingestor does for one report: chunks under a generation, then the SQL commit."""
    generation = f"gen-{report.report_id}"
    n = index.add_report(report, generation, text)
    store_report(store, report, generation=generation)
    return n


# ------------------------------------------------------------------ chunking
def test_section_with_subsections_gives_intro_and_one_chunk_per_subsection():
    report, text = build_report()
    chunks = chunk_report(report, 900, text)
    narrative = [(c.section_parent, c.section_number) for c in chunks if c.kind == "narrative"]
    # 四 has no T4 facts in this report, so its printed text is indexed as narrative.
    assert narrative == [(None, "一"), ("一", "（一）"), ("一", "（二）"), (None, "四"), (None, "五"), (None, "六")]
    assert chunks[0].text == "2020年，伊川县深入贯彻落实政府信息公开条例，扎实推进政务公开。"


def test_chunk_spans_point_at_the_passage_in_the_report_text():
    report, text = build_report()
    for chunk in chunk_report(report, 30, text):
        if chunk.kind == "narrative":
            assert text[chunk.span[0] : chunk.span[1]] == chunk.text


def test_without_the_report_text_chunks_are_the_same_and_spans_stay_inside_their_section():
    report, text = build_report(
        sections=[
            ("五", "问题及改进", "", [("（一）", "存在的主要问题", "问题甲。"), ("（二）", "改进情况", "改进乙。")])
        ]
    )
    exact = chunk_report(report, 900, text)
    estimated = chunk_report(report, 900)
    assert [(c.chunk_id, c.text) for c in estimated] == [(c.chunk_id, c.text) for c in exact]
    assert [c.text for c in exact if c.kind == "narrative"] == ["问题甲。", "改进乙。"]
    sections = {(s.parent, s.number): s.span for s in report.sections}
    for chunk in estimated:
        low, high = sections.get((chunk.section_parent, chunk.section_number), (0, len(text)))
        assert low <= chunk.span[0] <= chunk.span[1] <= high


def test_table_sections_are_rendered_from_facts_as_readable_lines():
    report, text = build_report()
    tables = {c.section_number: c for c in chunk_report(report, 900, text) if c.kind == "table"}
    assert set(tables) == {"二", "三"}  # 四 has no facts in this report: it stays narrative
    assert tables["三"].text.splitlines()[0] == "三、收到和处理政府信息公开申请情况"
    assert YICHUAN_NEW_REQUESTS in tables["三"].text.splitlines()
    assert "不予公开·属于三类内部事务信息：自然人 1，总计 1，其余 0" in tables["三"].text
    assert "行政许可：处理决定数量 49822" in tables["二"].text


@pytest.mark.parametrize(
    ("facts", "line"),
    [
        (
            [fact("T3/carried_over/natural_person", 0), fact("T3/carried_over/total", 0)],
            "上年结转政府信息公开申请数量：总计 0",
        ),
        (
            [fact("T3/new_requests/natural_person", None), fact("T3/new_requests/total", 3)],
            "本年新收政府信息公开申请数量：自然人 空，总计 3",
        ),
        ([fact("T3/granted/total", None, "ambiguous", [21, 210])], "予以公开：总计 不确定（21或210）"),
        (
            [
                fact("T4/reconsideration/corrected", 1),
                fact("T4/reconsideration/upheld", 0),
                fact("T4/reconsideration/total", 1),
            ],
            "行政复议：结果纠正 1，总计 1，其余 0",
        ),
        ([fact("T2/admin_fees/prior_count", 0), fact("T2/admin_fees/change", 0)], "行政事业性收费：均为 0"),
        ([fact("T2/admin_licensing/change", -3)], "行政许可：本年增/减 -3"),
    ],
)
def test_fact_line_shows_blank_ambiguous_and_zero_cells_honestly(facts, line):
    assert fact_line(facts) == line


@pytest.mark.parametrize("max_chars", [20, 35, 60, 900])
def test_long_passages_split_at_sentence_ends_within_the_limit(max_chars):
    text = "第一句话说的是公开。第二句讲平台建设情况；第三句很长很长很长很长很长很长很长的结尾。"
    parts = split_passage(text, max_chars)
    assert "".join(p for _, p in parts) == text
    assert all(len(p) <= max_chars for _, p in parts)
    assert all(text[at : at + len(p)] == p for at, p in parts)
    if max_chars >= 35:
        assert all(p[-1] in "。；" for _, p in parts)


def test_a_sentence_longer_than_the_limit_is_cut_at_the_limit():
    parts = split_passage("甲" * 25, 10)
    assert [len(p) for _, p in parts] == [10, 10, 5]


def test_pre2019_report_sections_are_narrative_even_when_numbered_like_tables():
    report = make_report(year=2013, template="pre2019", facts=[])
    kinds = {c.section_number: c.kind for c in chunk_report(report, 900)}
    assert kinds["三"] == "narrative"


def test_facts_without_a_table_section_still_get_a_table_chunk():
    report, text = build_report(
        sections=[("一", "总体情况", "概述。", [])], facts=t3_facts({"new_requests": [2, 21, 0, 0, 4, 0, 27]})
    )
    [table] = [c for c in chunk_report(report, 900, text) if c.kind == "table"]
    assert (table.section_number, table.section_heading) == ("三", "收到和处理政府信息公开申请情况")


def test_chunk_ids_are_unique_even_when_subsection_numbers_repeat():
    sections = [
        ("一", "总体情况", "概述。", [("（一）", "甲", "甲文。"), ("（一）", "乙", "乙文。")]),
        ("五", "问题", "问题。", [("（一）", "丙", "丙文。")]),
    ]
    report, text = build_report(sections=sections, facts=[])
    ids = [c.chunk_id for c in chunk_report(report, 900, text)]
    assert len(ids) == len(set(ids)) == 5


def test_embedding_text_is_prefixed_with_office_and_year():
    report, text = build_report()
    chunks = chunk_report(report, 900, text)
    assert embedding_text(chunks[1]).startswith("伊川县人民政府 2020年：（一）主动公开情况\n全年主动公开")
    table = next(c for c in chunks if c.section_number == "三")
    assert embedding_text(table).startswith("伊川县人民政府 2020年：三、收到和处理政府信息公开申请情况\n")


@pytest.mark.parametrize(
    ("text", "expected", "absent"),
    [
        ("伊川县 政务新媒体", ["伊川", "伊川县", "政务", "媒体"], [" "]),
        ("How many Requests?", ["many", "requests"], ["how", "?", "Requests"]),
        ("全县保留政务新媒体4个。", ["4", "个"], ["。"]),
    ],
)
def test_tokenize_lowercases_and_drops_punctuation_and_stop_words(text, expected, absent):
    tokens = tokenize(text)
    assert set(expected) <= set(tokens)
    assert not set(absent) & set(tokens)


# ------------------------------------------------------------------ the index
def test_index_never_uses_chromas_downloading_default_or_telemetry(index):
    assert index.collection._embedding_function.name() == "govqa-sentence-transformers"
    assert index.client.get_settings().anonymized_telemetry is False


def test_search_finds_the_passage_within_the_office_and_year_filter(index, store):
    report, text = build_report()
    add(index, store, report, text)
    add(index, store, make_report("洛阳市洛龙区人民政府办公室", 2021))
    for mode in ("dense", "lexical", "fused"):
        hits = index.search("伊川县 政务新媒体", orgs=["伊川县人民政府"], years=[2020], k=3, mode=mode)
        assert {h.chunk.org for h in hits} == {"伊川县人民政府"}
        assert {h.chunk.year for h in hits} == {2020}
    [top] = index.search("政务新媒体 4个 微信", orgs=["伊川县人民政府"], years=[2020], k=1, mode="lexical")
    assert "政务新媒体4个" in top.chunk.text and top.lexical_rank == 1
    assert text[top.chunk.span[0] : top.chunk.span[1]] == top.chunk.text


def test_fused_scores_are_reciprocal_rank_sums(index, store):
    add(index, store, make_report())
    hits = index.search("政务新媒体", k=5, mode="fused")
    for h in hits:
        expected = sum(1 / (60 + r) for r in (h.dense_rank, h.lexical_rank) if r)
        assert h.score == pytest.approx(expected)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_filters_on_other_offices_or_years_return_nothing(index, store):
    add(index, store, make_report())
    assert index.search("政务新媒体", orgs=["淮安市人民政府"]) == []
    assert index.search("政务新媒体", years=[2019], mode="lexical") == []
    assert index.search("政务新媒体", orgs=["伊川县人民政府'; DROP TABLE reports; --"]) == []
    assert store.counts()["reports"] == 1


def test_chunks_of_an_uncommitted_ingest_are_ignored_then_swept(index, store):
    committed = make_report(year=2020)
    add(index, store, committed)
    crashed = make_report(year=2021)
    index.add_report(crashed, "never-committed")  # as if the process died before the SQL commit
    hits = index.search("伊川县 政务新媒体", k=20, mode="fused")
    assert hits and {h.chunk.year for h in hits} == {2020}
    assert index.remove_orphans() == len(chunk_report(crashed, 900))
    assert index.count() == len(chunk_report(committed, 900))


def test_old_generation_chunks_of_a_replaced_report_are_ignored_then_deleted(index, store):
    report = make_report()
    add(index, store, report)
    n = index.add_report(report, "second")
    store_report(store, report, generation="second")
    assert len(index.search("政务新媒体", k=50, mode="lexical")) <= n
    index.delete_report(report.report_id, keep_generation="second")
    assert index.count() == n


def test_lexical_index_sees_reports_added_after_the_first_search(index, store):
    add(index, store, make_report("伊川县人民政府", 2020))
    assert index.search("平台建设", orgs=["淮安市人民政府"], mode="lexical") == []
    add(index, store, make_report("淮安市人民政府", 2021))
    assert index.search("平台建设", orgs=["淮安市人民政府"], mode="lexical")


def test_deleting_a_report_removes_its_chunks_from_both_retrievers(index, store):
    report = make_report()
    add(index, store, report)
    index.search("政务新媒体", mode="fused")
    index.delete_report(report.report_id)
    store.delete_report(report.report_id)
    assert index.count() == 0
    assert index.search("政务新媒体", mode="fused") == []


def test_section_text_expands_a_citation(index, store):
    report, text = build_report()
    add(index, store, report, text)
    assert "政务新媒体4个" in index.section_text(report.report_id, "一（二）")
    assert index.section_text(report.report_id, "五").startswith("政务公开工作人员")
    with pytest.raises(StoreError, match="no indexed section"):
        index.section_text(report.report_id, "九")


def test_index_reopens_from_disk(settings, store, index, embedder):
    add(index, store, make_report())
    reopened = SectionIndex(settings, embedder, facts=store)
    assert reopened.count() == index.count() > 0
    assert reopened.search("政务新媒体", k=1, mode="lexical")


def test_unknown_search_mode_is_refused(index):
    with pytest.raises(StoreError, match="unknown retrieval mode"):
        index.search("x", mode="semantic")


@pytest.fixture
def chroma_server(tmp_path):
    """A real Chroma server (`chroma run`) on a free local port."""
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip("the chroma command is not installed next to this Python")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(exe), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


@pytest.mark.slow
def test_index_lives_on_a_chroma_server_when_a_url_is_set(settings, store, chroma_server, embedder):
    settings.index.chroma_url = chroma_server
    index = SectionIndex(settings, embedder, facts=store)
    n = add(index, store, make_report())
    host, port = chroma_server.rsplit(":", 1)
    on_server = chromadb.HttpClient(host=host.removeprefix("http://"), port=int(port)).get_collection(
        settings.index.collection, embedding_function=embedder.chroma_function()
    )
    assert on_server.count() == index.count() == n
    assert not settings.chroma_path.exists()  # nothing written locally
    [top] = index.search("政务新媒体4个", orgs=["伊川县人民政府"], k=1, mode="dense")
    assert "政务新媒体4个" in top.chunk.text


# ------------------------------------------------------------------ BM25 tokens: incremental and cached
@pytest.fixture
def three_reports(settings, embedder, tmp_path):
    """Three synthetic reports, the first two ingested; the ingestor, to add the third."""
    files = write_corpus(tmp_path / "reports", 3, ("txt",), seed=600)
    ingestor = Ingestor(settings, progress=False, embedder=embedder)
    ingestor.ingest_paths(files[:2])
    yield ingestor, files[2]
    ingestor.close()


def _counting_tokenize(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = lexical_module.tokenize
    monkeypatch.setattr(lexical_module, "tokenize", lambda text: seen.append(text) or real(text))
    return seen


def _ranked(hits) -> list[tuple[str, float]]:
    return [(h.chunk.chunk_id, h.score) for h in hits]


QUERY = "政府信息公开工作存在的主要问题"


def test_after_an_ingest_a_reader_tokenizes_only_the_new_reports_chunks(
    settings, embedder, store, three_reports, monkeypatch
):
    ingestor, third = three_reports
    reader = SectionIndex(
        settings.model_copy(update={"index": settings.index.model_copy(update={"lexical_cache": False})}),
        embedder,
        facts=store,
    )
    tokenized = _counting_tokenize(monkeypatch)
    reader.search(QUERY, k=3, mode="lexical")
    assert len(tokenized) == reader.count() + 1  # cold: every chunk, and the query
    [added] = ingestor.ingest_paths([third]).results
    tokenized.clear()
    hits = reader.search(QUERY, k=50, mode="lexical")
    assert len(tokenized) == added.chunks + 1 and added.chunks > 5
    assert any(h.chunk.report_id == added.report_id for h in hits)
    assert _ranked(hits) == _ranked(SectionIndex(settings, embedder, facts=store).search(QUERY, k=50, mode="lexical"))


def test_a_restarted_reader_takes_the_tokens_from_the_cache_file_and_ranks_the_same(
    settings, embedder, store, three_reports, monkeypatch
):
    ingestor, third = three_reports
    first = SectionIndex(settings, embedder, facts=store).search(QUERY, k=50, mode="lexical")
    assert list(settings.data_dir.glob("bm25-tokens-*.npz"))
    tokenized = _counting_tokenize(monkeypatch)
    restarted = SectionIndex(settings, embedder, facts=store).search(QUERY, k=50, mode="lexical")
    assert len(tokenized) == 1 and _ranked(restarted) == _ranked(first)  # only the query was tokenized
    [added] = ingestor.ingest_paths([third]).results
    tokenized.clear()
    after = SectionIndex(settings, embedder, facts=store).search(QUERY, k=50, mode="lexical")
    assert len(tokenized) == added.chunks + 1 and any(h.chunk.report_id == added.report_id for h in after)


def test_a_corrupt_token_cache_is_rebuilt_with_a_warning_not_an_error(settings, embedder, store, three_reports, caplog):
    expected = SectionIndex(settings, embedder, facts=store).search(QUERY, k=50, mode="lexical")
    [cache] = settings.data_dir.glob("bm25-tokens-*.npz")
    cache.write_bytes(b"PK\x03\x04 not really a zip file")
    again = SectionIndex(settings, embedder, facts=store).search(QUERY, k=50, mode="lexical")
    assert _ranked(again) == _ranked(expected)
    assert "ignoring the BM25 token cache" in caplog.text and str(cache) in caplog.text
    assert cache.stat().st_size > 1000  # rewritten
