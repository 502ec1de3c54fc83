"""Shared fixtures: the real corpus (../shared/corpus) and isolated settings in tmp_path."""

import os
from pathlib import Path

import pytest

from govqa.settings import Settings

# Tests must prove govqa works with no network: nothing may reach the Hugging Face Hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SEEDS = CORPUS / "seeds"
RAW = CORPUS / "raw"


def pytest_collection_modifyitems(config, items):
    """Skip `corpus` tests when the corpus is absent, unless CI demands it (GOVQA_REQUIRE_CORPUS=1)."""
    if CORPUS.is_dir():
        return
    if os.environ.get("GOVQA_REQUIRE_CORPUS") == "1":
        raise pytest.UsageError(f"GOVQA_REQUIRE_CORPUS=1 but the corpus is missing at {CORPUS}")
    skip = pytest.mark.skip(reason=f"real reports not found at {CORPUS}")
    for item in items:
        if "corpus" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def embedder():
    """The real offline embedding model, loaded once for the whole session."""
    from govqa.settings import IndexSettings
    from index.embeddings import Embedder

    return Embedder(IndexSettings())


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory, corpus, embedder) -> Settings:
    """The real corpus ingested once for the whole session; tests that use it only read it."""
    from index.ingest import Ingestor

    settings = Settings(data_dir=tmp_path_factory.mktemp("corpus") / "data")
    ingestor = Ingestor(settings, progress=False, embedder=embedder)
    try:
        summary = ingestor.ingest_paths([corpus])
    finally:
        ingestor.close()
    assert not summary.failed, [f"{r.path}: {r.reason}" for r in summary.failed]
    assert summary.counts["ingested"] >= 25
    return settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data")
