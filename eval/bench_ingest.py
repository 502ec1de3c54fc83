"""Ingest throughput, data-dir size and peak memory, for the real corpus and for N synthetic reports.

    python -m eval.bench_ingest [--corpus FOLDER] [--synthetic N] [--formats txt,html] [--keep DIR]

Each scenario runs in its own process (so peak memory is its own) on a fresh data dir, with the real
embedding model and no network: first the full ingest (reports/s, chunks/s, seconds spent embedding),
then a second run over the same files, which must find everything unchanged.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

from govqa.settings import PROJECT_ROOT, Settings


class TimedEmbedder:
    """The real Embedder, adding up the seconds and passages of every passage_matrix call."""

    def __init__(self, embedder):
        self.embedder = embedder
        self.seconds = 0.0
        self.passages = 0

    def passage_matrix(self, texts, batch_size=None, show_progress=False):
        started = time.perf_counter()
        try:
            return self.embedder.passage_matrix(texts, batch_size, show_progress)
        finally:
            self.seconds += time.perf_counter() - started
            self.passages += len(texts)

    def __getattr__(self, name):  # embed_query, chroma_function, dimension…: the real model
        return getattr(self.embedder, name)


def _dir_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_scenario(paths: list[Path], data_dir: Path) -> dict:
    """Ingest paths twice into data_dir; the numbers of one scenario."""
    from index.embeddings import Embedder
    from index.ingest import Ingestor

    settings = Settings(data_dir=data_dir)
    loaded = time.perf_counter()
    embedder = TimedEmbedder(Embedder(settings.index))
    load_s = time.perf_counter() - loaded
    # the timing wrapper delegates every call to the real Embedder, so it stands in for one
    ingestor = Ingestor(settings, progress=False, embedder=cast("Embedder", embedder))
    first = ingestor.ingest_paths(paths)
    reports = ingestor.facts.counts()["reports"]
    ingestor.close()
    again = Ingestor(settings, progress=False)
    second = again.ingest_paths(paths)
    again.close()
    chunks = sum(r.chunks for r in first.results)
    size = _dir_bytes(data_dir)
    return {
        "files": len(first.results),
        "counts": first.counts,
        "reports_stored": reports,
        "chunks": chunks,
        "model_load_s": round(load_s, 1),
        "ingest_s": round(first.elapsed_s, 1),
        "embed_s": round(embedder.seconds, 1),
        "reports_per_s": round(reports / first.elapsed_s, 2),
        "chunks_per_s": round(chunks / first.elapsed_s, 2),
        "chunks_per_s_embedding_only": round(chunks / max(embedder.seconds, 1e-9), 2),
        "data_dir_mb": round(size / 2**20, 2),
        "kb_per_report": round(size / 1024 / max(reports, 1), 1),
        "second_run_s": round(second.elapsed_s, 2),
        "second_run_unchanged": second.counts["unchanged"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "failed": [f"{r.path}: {r.reason}" for r in first.failed],
    }


def _child(args: argparse.Namespace) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [args.corpus]
        if args.scenario == "synthetic":
            from parsers.synthetic import write_corpus

            formats = tuple(f for f in args.formats.split(",") if f)
            source = Path(tmp) / "synthetic"
            write_corpus(source, args.synthetic, formats)
            paths = [source]
        data_dir = args.keep / args.scenario if args.keep else Path(tmp) / "data"
        print(json.dumps(run_scenario(paths, data_dir)))


def _print(name: str, r: dict) -> None:
    print(f"\n== {name}: {r['files']} files → {r['reports_stored']} reports, {r['chunks']} chunks  {r['counts']}")
    print(
        f"  ingest      {r['ingest_s']} s  ({r['reports_per_s']} reports/s, {r['chunks_per_s']} chunks/s; "
        f"embedding {r['embed_s']} s = {r['chunks_per_s_embedding_only']} chunks/s; model load {r['model_load_s']} s)"
    )
    print(f"  data dir    {r['data_dir_mb']} MB  ({r['kb_per_report']} KB per report)")
    print(f"  second run  {r['second_run_s']} s, {r['second_run_unchanged']} unchanged")
    print(f"  peak memory {r['peak_rss_mb']} MB (max RSS of the process)")
    for failure in r["failed"]:
        print(f"  failed: {failure}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpus")
    ap.add_argument("--synthetic", type=int, default=100, help="number of synthetic reports (0: skip)")
    ap.add_argument("--formats", default="txt", help="formats of each synthetic report, e.g. txt,html")
    ap.add_argument("--keep", type=Path, help="keep the data dirs under this folder")
    ap.add_argument("--scenario", choices=["corpus", "synthetic"], help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.scenario:
        _child(args)
        return
    scenarios = [s for s, on in (("corpus", args.corpus.is_dir()), ("synthetic", args.synthetic > 0)) if on]
    for name in scenarios:
        cmd = [
            sys.executable,
            "-m",
            "eval.bench_ingest",
            "--scenario",
            name,
            "--corpus",
            str(args.corpus),
            "--synthetic",
            str(args.synthetic),
            "--formats",
            args.formats,
        ]
        if args.keep:
            cmd += ["--keep", str(args.keep)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"\n== {name}: failed\n{done.stderr[-2000:]}")
            continue
        label = name if name == "corpus" else f"synthetic x{args.synthetic} ({args.formats})"
        _print(label, json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
