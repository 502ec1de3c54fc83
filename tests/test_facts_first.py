"""Facts first, vectors after: ingest's two phases on real SQLite, real Chroma and the real model.

The model is held back by a gate (the real Embedder, whose passage encoding waits until the test
opens the gate), so what a reader sees between the two phases is observed, not assumed.
"""

import threading
from pathlib import Path

import pytest

from index.facts import FactStore
from index.ingest import Ingestor
from index.sections import SectionIndex
from parsers.synthetic import write_corpus
from tests.test_facts import make_report, store_report

pytestmark = pytest.mark.slow


class GatedEmbedder:
    """The real embedder; encoding passages waits for ``gate`` (queries and everything else do not)."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.gate = threading.Event()

    def passage_matrix(self, texts, batch_size=None, show_progress=False):
        assert self.gate.wait(timeout=300), "the test never opened the gate"
        return self.embedder.passage_matrix(texts, batch_size, show_progress)

    def __getattr__(self, name):
        return getattr(self.embedder, name)


@pytest.fixture
def reports_dir(tmp_path) -> Path:
    folder = tmp_path / "reports"
    write_corpus(folder, 2, ("txt",))
    return folder


def new_requests(facts: FactStore, report_id: str) -> float:
    (row,) = [f for f in facts.facts(report_id=report_id) if f.key == "T3/new_requests/total"]
    return float(row.value)


def test_table_facts_are_answerable_while_the_passages_wait_for_the_model(settings, embedder, reports_dir):
    gated = GatedEmbedder(embedder)
    ingestor = Ingestor(settings, progress=False, embedder=gated)
    try:
        summary = ingestor.ingest_paths([reports_dir], wait_for_text=False)
        assert summary.counts["ingested"] == 2
        report_ids = [r.report_id for r in summary.results]
        assert ingestor.text_pending_count() == 2
        assert all(new_requests(ingestor.facts, rid) >= 0 for rid in report_ids)
        assert ingestor.index.search("政府信息公开", k=20) == []  # no half-indexed report is searched
        gated.gate.set()
        ingestor.finish_text_index()
        assert ingestor.text_pending_count() == 0
        found = {h.chunk.report_id for h in ingestor.index.search("政府信息公开", k=20)}
        assert found == set(report_ids)
    finally:
        gated.gate.set()
        ingestor.close()


def test_a_report_left_text_pending_by_a_crash_is_embedded_by_the_next_ingest(settings, embedder, reports_dir):
    first = Ingestor(settings, progress=False, embedder=embedder)
    first.ingest_paths([reports_dir])
    first.close()
    store = FactStore.from_settings(settings)
    crashed = make_report("淮安市人民政府", 2021)
    store_report(store, crashed, generation="crashed-after-facts", text_indexed=False)  # phase 1 only
    assert store.text_pending() == {crashed.report_id: "crashed-after-facts"}
    index = SectionIndex(settings, embedder, facts=store)
    assert all(h.chunk.report_id != crashed.report_id for h in index.search("淮安市", k=50))
    again = Ingestor(settings, progress=False, embedder=embedder)
    summary = again.ingest_paths([reports_dir])
    assert summary.counts["unchanged"] == 2
    assert again.text_pending_count() == 0
    hits = again.index.search("淮安市人民政府 政务公开", orgs=["淮安市人民政府"], k=5)
    assert hits and {h.chunk.report_id for h in hits} == {crashed.report_id}
    again.close()
    store.close()


def test_dense_search_never_returns_a_table_passage_that_has_no_vector(settings, embedder, reports_dir):
    ingestor = Ingestor(settings, progress=False, embedder=embedder)
    ingestor.ingest_paths([reports_dir])
    query = "本年新收政府信息公开申请数量 自然人 商业企业"
    dense = ingestor.index.search(query, k=40, mode="dense")
    lexical = ingestor.index.search(query, k=5, mode="lexical")
    ingestor.close()
    assert dense and {h.chunk.kind for h in dense} == {"narrative"}
    assert lexical[0].chunk.kind == "table"  # BM25 still finds the table rows


def test_embedding_the_tables_too_is_a_setting(settings, embedder, reports_dir):
    settings = settings.model_copy(update={"index": settings.index.model_copy(update={"embed_tables": True})})
    ingestor = Ingestor(settings, progress=False, embedder=embedder)
    ingestor.ingest_paths([reports_dir])
    dense = ingestor.index.search("本年新收政府信息公开申请数量 自然人 商业企业", k=40, mode="dense")
    ingestor.close()
    assert "table" in {h.chunk.kind for h in dense}
