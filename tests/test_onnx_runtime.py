"""The int8 ONNX runtime of the default e5 model against sentence-transformers on torch, on real text.

Both runtimes are the real model (the ONNX graph is built once, as `make model` does at set-up); the
passages are real corpus paragraphs and the questions the gold sets' own.
"""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from govqa.errors import ModelError
from govqa.settings import IndexSettings, Settings
from index.chunks import chunk_report, embedding_text
from index.embedding_model import BUILD_RECORD
from index.embeddings import Embedder
from index.onnx_model import ONNX_FILE, OnnxEncoder, is_built, onnx_dir, read_build_record
from parsers.report import ReportParser

pytestmark = [pytest.mark.slow, pytest.mark.corpus]

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "corpus" / "seeds"


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder(IndexSettings(embedding_runtime="torch"))


@pytest.fixture(scope="module")
def corpus_paragraphs() -> list[str]:
    if not SEEDS.is_dir():
        pytest.skip("the real reports are not in ../shared/corpus")
    parser = ReportParser(Settings().parsing)
    texts = []
    for path in sorted(SEEDS.glob("*.txt")):
        report = parser.parse(path)
        texts += [embedding_text(c) for c in chunk_report(report, 700, report.text) if c.kind == "narrative"]
    return texts


@pytest.fixture(scope="module")
def gold_questions() -> list[str]:
    lines = (REPO / "eval" / "sets" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines[::4]]


def test_int8_passage_vectors_stay_within_cosine_0_99_of_torch_on_corpus_paragraphs(
    embedder, torch_embedder, corpus_paragraphs
):
    assert embedder.runtime == "onnx-int8" and len(corpus_paragraphs) >= 30
    cosine = np.sum(embedder.passage_matrix(corpus_paragraphs) * torch_embedder.passage_matrix(corpus_paragraphs), 1)
    assert cosine.min() >= 0.99 and cosine.mean() >= 0.995


def test_int8_query_vectors_stay_within_cosine_0_99_of_torch_on_gold_questions(
    embedder, torch_embedder, gold_questions
):
    cosine = np.sum(embedder.query_matrix(gold_questions) * torch_embedder.query_matrix(gold_questions), 1)
    assert cosine.min() >= 0.99 and cosine.mean() >= 0.995


def test_length_sorted_batches_give_each_passage_its_own_vector_in_the_callers_order(embedder, corpus_paragraphs):
    picked = [corpus_paragraphs[i] for i in (5, 0, 17, 3, 11, 8, 2, 30, 21)]  # mixed lengths, unsorted
    together = Embedder(IndexSettings(embed_batch_size=4)).passage_matrix(picked)
    alone = np.vstack([embedder.passage_matrix([text]) for text in picked])
    similarity = together @ alone.T
    assert list(similarity.argmax(axis=1)) == list(range(len(picked)))
    # Dynamic int8 scales activations per batch, so a passage's vector depends a little on its batch-mates.
    assert np.diag(similarity).min() > 0.995


def test_the_runtime_setting_chooses_torch_and_another_model_folder_runs_on_torch(embedder, torch_embedder):
    assert (embedder.runtime, torch_embedder.runtime) == ("onnx-int8", "torch")
    other = Embedder(IndexSettings(embedding_model=str(embedder.model_dir)))
    assert other.runtime == "torch"


def test_the_graph_is_built_once_with_its_sha256_recorded(embedder):
    folder = onnx_dir(embedder.model_dir)
    record = read_build_record(folder)
    assert is_built(embedder.model_dir)
    assert record is not None and len(record["onnx_sha256"]) == 64 and record["max_tokens"] == 512
    assert {p.name for p in folder.iterdir()} == {ONNX_FILE, "tokenizer.json", BUILD_RECORD}


def test_a_tampered_graph_is_refused_naming_its_folder(embedder, tmp_path):
    model_dir = tmp_path / "e5"
    model_dir.mkdir()
    shutil.copy2(embedder.model_dir / BUILD_RECORD, model_dir / BUILD_RECORD)
    built = onnx_dir(embedder.model_dir)
    copy = onnx_dir(model_dir)
    copy.mkdir()
    for name in (ONNX_FILE, "tokenizer.json", BUILD_RECORD):
        shutil.copy2(built / name, copy / name)
    with (copy / ONNX_FILE).open("r+b") as handle:
        handle.seek(60_000_000)
        byte = handle.read(1)
        handle.seek(60_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelError, match="sha256") as raised:
        OnnxEncoder(model_dir, threads=1)
    assert raised.value.path == str(copy)


def test_a_passage_gets_the_same_vector_whatever_is_encoded_beside_it_by_default(embedder, corpus_paragraphs):
    """Search results must not depend on which reports were ingested together (the default batch is 1)."""
    assert IndexSettings().embed_batch_size == 1
    short, long = min(corpus_paragraphs[:40], key=len), max(corpus_paragraphs[:40], key=len)
    alone = embedder.passage_matrix([short])[0]
    beside_long = embedder.passage_matrix([long, short])[1]
    assert np.array_equal(alone, beside_long)


def test_concurrent_workers_give_every_passage_the_vector_one_worker_gives_in_the_callers_order(corpus_paragraphs):
    """Two batches at a time (one core each) is a speed setting only: the same vectors, the same rows."""
    picked = corpus_paragraphs[:24]
    one = Embedder(IndexSettings(embed_workers=1)).passage_matrix(picked)
    two = Embedder(IndexSettings(embed_workers=2)).passage_matrix(picked)
    assert one.shape == (24, 384) and np.array_equal(one, two)
    assert not np.array_equal(two[0], two[1])  # rows are not all one vector
