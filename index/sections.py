"""The section index: report passages in Chroma (dense) plus BM25 over jieba tokens (lexical), fused by RRF.

Every chunk carries the ingest ``generation`` of its report. The fact store says which generation of
which report is live, so chunks written by an ingest that did not commit, or left behind by a replaced
report, are never returned and are deleted at the next ingest (``remove_orphans``).
"""

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse
from uuid import uuid4

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError

from govqa.errors import IngestError, StoreError
from govqa.settings import Settings
from index.chunks import chunk_report, embedding_text
from index.facts import FactStore
from index.lexical import LexicalIndex, ReportTokens, TokenCache
from index.models import Chunk, ScoredChunk
from parsers.models import Report

if TYPE_CHECKING:
    from index.embeddings import Embedder

RRF_K = 60
_PAGE = 5000


def chroma_client(settings: Settings):
    """PersistentClient under the data dir, or HttpClient when a Chroma server URL is set; never telemetry."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    url = settings.index.chroma_url
    try:
        if url:
            parts = urlparse(url)
            return chromadb.HttpClient(
                host=parts.hostname or "localhost",
                port=parts.port or (443 if parts.scheme == "https" else 8000),
                ssl=parts.scheme == "https",
                settings=chroma_settings,
            )
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except (ChromaError, ValueError, OSError) as exc:
        raise StoreError(f"cannot open the section index: {exc}", url or settings.chroma_path) from exc


def _where(orgs: list[str] | None, years: list[int] | None, kinds: list[str] | None = None) -> dict | None:
    clauses: list[dict] = [{"kind": {"$in": kinds}}] if kinds is not None else []
    if orgs is not None:
        clauses.append({"org": {"$in": list(orgs)}})
    if years is not None:
        clauses.append({"year": {"$in": list(years)}})
    if len(clauses) > 1:
        return {"$and": clauses}
    return clauses[0] if clauses else None


def _unembedded_vector(chunk_id: str, dimension: int) -> list[float]:
    """A unit vector fixed by the chunk id: distinct for every chunk (an HNSW graph degrades on many equal
    points) and unrelated to any text, for passages that dense search is never asked to return."""
    seed = int.from_bytes(hashlib.blake2b(chunk_id.encode("utf-8"), digest_size=8).digest(), "little")
    vector = np.random.default_rng(seed).standard_normal(dimension)
    return [float(x) for x in vector / np.linalg.norm(vector)]


def _metadata(chunk: Chunk, generation: str) -> dict:
    meta = {
        "chunk_id": chunk.chunk_id,
        "report_id": chunk.report_id,
        "generation": generation,
        "org": chunk.org,
        "title": chunk.title,
        "section_number": chunk.section_number,
        "section_heading": chunk.section_heading,
        "kind": chunk.kind,
        "span_start": chunk.span[0],
        "span_end": chunk.span[1],
    }
    # Chroma refuses None values: an unknown year or a top-level section simply has no such key.
    if chunk.year is not None:
        meta["year"] = chunk.year
    if chunk.section_parent:
        meta["section_parent"] = chunk.section_parent
    return meta


def _chunk(document: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=meta["chunk_id"],
        report_id=meta["report_id"],
        org=meta["org"],
        year=meta.get("year"),
        title=meta["title"],
        section_number=meta["section_number"],
        section_heading=meta["section_heading"],
        section_parent=meta.get("section_parent"),
        kind=meta["kind"],
        text=document,
        span=(meta["span_start"], meta["span_end"]),
    )


class SectionIndex:
    """Search report passages by meaning (e5 in Chroma), by words (BM25) or both fused."""

    def __init__(
        self, settings: Settings, embedder: "Embedder", facts: FactStore | None = None, show_progress: bool = False
    ):
        self.settings = settings
        self.embedder = embedder
        self.show_progress = show_progress
        self._facts = facts
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()  # one rebuild at a time; the others wait and reuse it
        self._tokens: TokenCache | None = None
        self.client = chroma_client(settings)
        try:
            # Always our embedding function: Chroma's default would try to download a model.
            self.collection = self.client.get_or_create_collection(
                settings.index.collection,
                embedding_function=embedder.chroma_function(),
                configuration={"hnsw": {"space": "cosine"}},
            )
        except (ChromaError, ValueError) as exc:
            reason = f"cannot open collection {settings.index.collection}: {exc}"
            raise StoreError(reason, settings.chroma_path) from exc

    @property
    def facts(self) -> FactStore:
        if self._facts is None:
            self._facts = FactStore.from_settings(self.settings)
        return self._facts

    # ------------------------------------------------------------------ writes
    def add_report(self, report: Report, generation: str | None = None, text: str | None = None) -> int:
        """Chunk, embed and store the report's passages under this generation; returns the chunk count.

        ``text`` is the report text the parser read; with it the chunks' spans are exact. (Ingest goes
        through index.text_indexing instead, which embeds several reports' passages together.)
        """
        generation = generation or uuid4().hex
        chunks = chunk_report(report, self.settings.index.max_chunk_chars, text)
        if not chunks:
            return 0
        self.write_chunks(report.report_id, chunks, self.passage_vectors(chunks), generation, report.source)
        return len(chunks)

    def passage_vectors(self, chunks: list[Chunk]) -> list[list[float]]:
        """One vector per chunk: narrative passages (and tables when ``embed_tables``) through the model.

        Table passages are otherwise found by BM25 alone (their numbers are answered from SQL); Chroma
        still needs a vector to store them, so each gets a fixed pseudo-random unit vector of its own,
        and dense search never returns table chunks (see ``_dense``).
        """
        embed = [i for i, c in enumerate(chunks) if self._embeds(c)]
        matrix = self.embedder.passage_matrix([embedding_text(chunks[i]) for i in embed])
        vectors: list[list[float]] = [[] for _ in chunks]
        for row, i in enumerate(embed):
            vectors[i] = [float(x) for x in matrix[row]]
        for i, chunk in enumerate(chunks):
            if not vectors[i]:
                vectors[i] = _unembedded_vector(chunk.chunk_id, matrix.shape[1] or self.embedder.dimension)
        return vectors

    def _embeds(self, chunk: Chunk) -> bool:
        return chunk.kind == "narrative" or self.settings.index.embed_tables

    def write_chunks(
        self,
        report_id: str,
        chunks: list[Chunk],
        vectors: list[list[float]],
        generation: str,
        source: str | None = None,
    ) -> None:
        """Upsert one report's chunks with their vectors under ``generation``."""
        step = self.client.get_max_batch_size()
        try:
            for i in range(0, len(chunks), step):
                part = chunks[i : i + step]
                self.collection.upsert(
                    ids=[f"{c.chunk_id}@{generation}" for c in part],
                    embeddings=vectors[i : i + step],
                    documents=[c.text for c in part],
                    metadatas=[_metadata(c, generation) for c in part],
                )
        except (ChromaError, ValueError) as exc:
            raise IngestError(f"writing chunks of {report_id} to the section index failed: {exc}", source) from exc
        self._lexical = None

    def delete_report(self, report_id: str, keep_generation: str | None = None) -> None:
        """Delete the report's chunks (all, or all but those of keep_generation)."""
        where: dict = {"report_id": report_id}
        if keep_generation:
            where = {"$and": [where, {"generation": {"$ne": keep_generation}}]}
        self._delete(where=where)

    def delete_generation(self, report_id: str, generation: str) -> None:
        """Undo add_report of one ingest (its SQL transaction failed)."""
        self._delete(where={"$and": [{"report_id": report_id}, {"generation": generation}]})

    def remove_orphans(self) -> int:
        """Delete chunks whose report or generation is not the live one in the fact store; returns how many."""
        live = self.facts.generations()
        stale = [
            chunk_id
            for chunk_id, meta in self._all(include=["metadatas"])
            if live.get(meta.get("report_id")) != meta.get("generation")
        ]
        for i in range(0, len(stale), _PAGE):
            self._delete(ids=stale[i : i + _PAGE])
        return len(stale)

    def clear(self) -> None:
        """Drop every chunk (for --rebuild)."""
        try:
            self.client.delete_collection(self.settings.index.collection)
            self.collection = self.client.get_or_create_collection(
                self.settings.index.collection,
                embedding_function=self.embedder.chroma_function(),
                configuration={"hnsw": {"space": "cosine"}},
            )
        except (ChromaError, ValueError) as exc:
            raise StoreError(f"cannot reset the section index: {exc}", self.settings.chroma_path) from exc
        self._lexical = None

    def _delete(self, **selector) -> None:
        try:
            self.collection.delete(**selector)
        except (ChromaError, ValueError) as exc:
            raise StoreError(f"deleting chunks failed: {exc}", self.settings.chroma_path) from exc
        self._lexical = None

    def _all(self, include: list[str], where: dict | None = None):
        """(id, metadata[, document]) of every stored chunk, page by page."""
        offset = 0
        while True:
            got = self.collection.get(where=where, include=include, limit=_PAGE, offset=offset)
            docs = got.get("documents") or [None] * len(got["ids"])
            for chunk_id, meta, doc in zip(got["ids"], got["metadatas"], docs, strict=False):
                yield (chunk_id, meta, doc) if "documents" in include else (chunk_id, meta)
            if len(got["ids"]) < _PAGE:
                return
            offset += _PAGE

    # ------------------------------------------------------------------ reads
    def count(self) -> int:
        return self.collection.count()

    def chunks(self, report_id: str) -> list[Chunk]:
        """The live chunks of one report in reading order."""
        generation = self.facts.generations([report_id]).get(report_id)
        where = {"$and": [{"report_id": report_id}, {"generation": generation or ""}]}
        found = [_chunk(doc, meta) for _, meta, doc in self._all(["metadatas", "documents"], where)]
        return sorted(found, key=lambda c: (c.span[0], c.chunk_id))

    def section_text(self, report_id: str, section_number: str) -> str:
        """The text of a section ("五", "（一）" or "一（一）") of a live report, for expanding a citation."""
        parts = [
            c.text
            for c in self.chunks(report_id)
            if section_number in (c.section_number, f"{c.section_parent or ''}{c.section_number}")
            or c.section_parent == section_number
        ]
        if not parts:
            raise StoreError(f"report {report_id} has no indexed section {section_number}")
        return "\n".join(parts)

    def search(
        self,
        query: str,
        orgs: list[str] | None = None,
        years: list[int] | None = None,
        k: int = 5,
        mode: Literal["dense", "lexical", "fused"] = "fused",
    ) -> list[ScoredChunk]:
        """The k best live passages for the query within the given offices and years."""
        if mode not in ("dense", "lexical", "fused"):
            raise StoreError(f"unknown retrieval mode {mode!r}: use dense, lexical or fused")
        live = self.facts.generations(searchable=True)  # a report still being embedded is not searched yet
        pool = max(4 * k, 20)
        dense = self._dense(query, orgs, years, pool, live) if mode != "lexical" else []
        lexical = self._lexical_search(query, orgs, years, pool, live) if mode != "dense" else []
        return _fuse(dense, lexical, k, mode)

    def _dense(self, query: str, orgs, years, n: int, live: dict[str, str]) -> list[Chunk]:
        vector = [float(x) for x in self.embedder.embed_query(query)]
        # Table passages without a real vector must never be ranked by one (turning embed_tables on needs --rebuild).
        kinds = None if self.settings.index.embed_tables else ["narrative"]
        try:
            got = self.collection.query(
                query_embeddings=[vector],
                n_results=n,
                where=_where(orgs, years, kinds),
                include=["documents", "metadatas"],
            )
        except (ChromaError, ValueError) as exc:
            raise StoreError(f"dense search failed: {exc}", self.settings.chroma_path) from exc
        return [
            _chunk(doc, meta)
            for doc, meta in zip(got["documents"][0], got["metadatas"][0], strict=False)
            if live.get(meta["report_id"]) == meta["generation"]
        ]

    def _lexical_search(self, query: str, orgs, years, n: int, live: dict[str, str]) -> list[Chunk]:
        ids = self._lexical_index(live).search(query, orgs, years, n)
        if not ids:
            return []
        try:
            got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        except (ChromaError, ValueError) as exc:
            raise StoreError(f"reading chunks failed: {exc}", self.settings.chroma_path) from exc
        found = {
            cid: _chunk(doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=False)
            if live.get(meta["report_id"]) == meta["generation"]
        }
        return [found[cid] for cid in ids if cid in found]

    def _lexical_index(self, live: dict[str, str]) -> LexicalIndex:
        with self._lexical_lock:
            if self._lexical is not None and self._lexical.live == live:
                return self._lexical
            if self._tokens is None:
                self._tokens = TokenCache(self._token_cache_path())
            missing = self._tokens.keep_only(live)
            self._tokens.reports |= self._tokenized(missing, live)
            if missing:
                self._tokens.save()
            self._lexical = LexicalIndex(self._tokens.reports, live, self._tokens.vocab)
            return self._lexical

    def _token_cache_path(self) -> Path | None:
        if not self.settings.index.lexical_cache:
            return None
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return self.settings.data_dir / f"bm25-tokens-{self.settings.index.collection}.npz"

    def _tokenized(self, report_ids: list[str], live: dict[str, str]) -> dict[str, ReportTokens]:
        """Token ids of the live chunks of these reports, read from Chroma."""
        if not report_ids:
            return {}
        wanted = set(report_ids)
        # a few reports by id; most of them by reading everything (a huge $in list is slower than a full read)
        where = {"report_id": {"$in": report_ids}} if len(report_ids) <= len(live) // 2 else None
        out: dict[str, ReportTokens] = {}
        if self._tokens is None:
            raise StoreError("the BM25 token cache must be opened before reading tokens", self.settings.data_dir)
        for chroma_id, meta, doc in self._all(["metadatas", "documents"], where):
            rid = meta["report_id"]
            if rid in wanted and live.get(rid) == meta["generation"]:
                chunk = _chunk(doc, meta)
                entry = out.setdefault(rid, ReportTokens(meta["generation"], chunk.org, chunk.year, [], []))
                entry.chunk_ids.append(chroma_id)
                entry.tokens.append(self._tokens.token_ids(embedding_text(chunk)))
        return out


def _fuse(dense: list[Chunk], lexical: list[Chunk], k: int, mode: str) -> list[ScoredChunk]:
    """Reciprocal-rank fusion (score = Σ 1/(60 + rank)); a single retriever keeps its own order.

    Equal scores (dense 1 + lexical 2 against dense 2 + lexical 1) go to the better lexical rank: BM25's exact
    terms are the stronger signal for Chinese questions, and its ranks do not move with the int8 vectors."""
    scored: dict[str, ScoredChunk] = {}
    for ranks, attr in ((dense, "dense_rank"), (lexical, "lexical_rank")):
        for rank, chunk in enumerate(ranks, start=1):
            entry = scored.setdefault(chunk.chunk_id, ScoredChunk(chunk=chunk, score=0.0))
            setattr(entry, attr, rank)
            entry.score += 1.0 / (RRF_K + rank)
    ranked = sorted(scored.values(), key=lambda s: (-s.score, s.lexical_rank or 10**6, s.dense_rank or 10**6))
    return ranked[:k]
