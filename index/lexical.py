"""The lexical half of the section index: BM25 (bm25s) over jieba tokens of every live chunk.

Tokenizing is the slow part (~0.5 ms a chunk: about a minute for 10,000 reports), so the tokens of each
report generation are kept in memory and in a cache file next to the data, and only reports that are
new or re-ingested since are fetched and tokenized again: a restart reads the file instead of Chroma.
"""

import json
import logging
import os
import re
import zipfile
from array import array
from dataclasses import dataclass
from pathlib import Path

import bm25s
import jieba
import numpy as np

log = logging.getLogger(__name__)
jieba.setLogLevel(logging.WARNING)

_NOT_A_TOKEN = re.compile(r"^[\W_]+$")
_STOPWORDS = frozenset("的 了 和 与 及 等 是 在 对 为 有 中 年 我 其 the of and in a an to for is what how".split())
_CACHE_FORMAT = 1


def tokenize(text: str) -> list[str]:
    """Lower-cased jieba search-mode tokens without punctuation or stop words (English words pass through)."""
    return [
        t
        for t in (w.strip().lower() for w in jieba.lcut_for_search(text))
        if t and not _NOT_A_TOKEN.match(t) and t not in _STOPWORDS
    ]


@dataclass
class ReportTokens:
    """One report generation's chunks as BM25 sees them: Chroma ids and token ids, plus what filters use."""

    generation: str
    org: str
    year: int | None
    chunk_ids: list[str]
    tokens: list[array]


class TokenCache:
    """Token ids of every live report generation, with the vocabulary, saved to one .npz file.

    A missing, unreadable or foreign-format file is not an error: the tokens are rebuilt from Chroma.
    """

    def __init__(self, path: Path | None):
        self.path = path
        self.vocab: dict[str, int] = {}
        self.reports: dict[str, ReportTokens] = {}
        if path is not None and path.exists():
            self._load(path)

    def token_ids(self, text: str) -> array:
        return array("i", (self.vocab.setdefault(t, len(self.vocab)) for t in tokenize(text)))

    def keep_only(self, live: dict[str, str]) -> list[str]:
        """Forget reports that are gone or re-ingested; return the live report ids still to tokenize."""
        self.reports = {rid: r for rid, r in self.reports.items() if live.get(rid) == r.generation}
        return [rid for rid in live if rid not in self.reports]

    def _load(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as stored:
                meta = json.loads(stored["meta"].tobytes().decode("utf-8"))
                lengths, tokens = stored["lengths"], stored["tokens"]
            if meta.get("format") != _CACHE_FORMAT:
                raise ValueError(f"format {meta.get('format')}, expected {_CACHE_FORMAT}")
            ends = np.cumsum(lengths)
            chunk = 0
            for rid, generation, org, year, chunk_ids in meta["reports"]:
                parts = [
                    array("i", tokens[ends[i] - lengths[i] : ends[i]].tobytes())
                    for i in range(chunk, chunk + len(chunk_ids))
                ]
                self.reports[rid] = ReportTokens(generation, org, year, chunk_ids, parts)
                chunk += len(chunk_ids)
            self.vocab = {token: i for i, token in enumerate(meta["vocab"])}
        except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile) as exc:
            log.warning("ignoring the BM25 token cache %s (%s); re-tokenizing", path, exc)
            self.vocab, self.reports = {}, {}

    def save(self) -> None:
        """Write the file atomically (other processes may read it); a failure only costs the next start time."""
        if self.path is None:
            return
        reports = [[rid, r.generation, r.org, r.year, r.chunk_ids] for rid, r in self.reports.items()]
        meta = json.dumps({"format": _CACHE_FORMAT, "vocab": list(self.vocab), "reports": reports}, ensure_ascii=False)
        parts = [t for r in self.reports.values() for t in r.tokens]
        tokens = np.frombuffer(b"".join(t.tobytes() for t in parts), dtype=np.int32)
        partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            with open(partial, "wb") as out:
                np.savez(
                    out,
                    meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8),
                    lengths=np.array([len(t) for t in parts], dtype=np.int64),
                    tokens=tokens,
                )
            os.replace(partial, self.path)
        except OSError as exc:
            log.warning("could not save the BM25 token cache %s: %s", self.path, exc)
            partial.unlink(missing_ok=True)


class LexicalIndex:
    """BM25 over a fixed set of report generations; ``search`` returns Chroma ids, best first.

    bm25s keeps every (token, chunk) score in a sparse matrix, so a query over 130,000 chunks is a few
    sparse column sums (milliseconds), where rank_bm25 looped over every chunk in Python per query token.
    """

    def __init__(self, reports: dict[str, ReportTokens], live: dict[str, str], vocab: dict[str, int]):
        self.live = live
        ordered = sorted(
            (cid, t, r.org, r.year) for r in reports.values() for cid, t in zip(r.chunk_ids, r.tokens, strict=False)
        )
        self.chunk_ids = [cid for cid, _, _, _ in ordered]
        self.by_org: dict[str, list[int]] = {}
        for i, (_, _, org, _) in enumerate(ordered):
            self.by_org.setdefault(org, []).append(i)
        self.years = np.array([y if y is not None else -1 for _, _, _, y in ordered], dtype=np.int32)
        self.bm25 = None
        if ordered:
            self.bm25 = bm25s.BM25(k1=1.5, b=0.75)
            # a copy: the shared vocabulary grows with later ingests, this index's matrix does not
            self.bm25.index(([t for _, t, _, _ in ordered], dict(vocab)), create_empty_token=False, show_progress=False)

    def search(self, query: str, orgs: list[str] | None, years: list[int] | None, n: int) -> list[str]:
        if self.bm25 is None:
            return []
        vocab = self.bm25.vocab_dict
        ids = list(dict.fromkeys(vocab[t] for t in tokenize(query) if t in vocab))
        if not ids:
            return []
        mask = None
        if orgs is not None or years is not None:
            mask = np.ones(len(self.chunk_ids), dtype=np.float32)
            if orgs is not None:
                mask[:] = 0
                mask[[i for o in orgs for i in self.by_org.get(o, [])]] = 1
            if years is not None:
                mask *= np.isin(self.years, years)
        scores = self.bm25.get_scores_from_ids(ids, weight_mask=mask)
        top = np.flatnonzero(scores > 0)
        top = top[np.argsort(-scores[top], kind="stable")[:n]]
        return [self.chunk_ids[i] for i in top]
