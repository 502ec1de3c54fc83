"""Old and new encoding paths side by side: ingest throughput with every chunk really embedded, and quality.

    python -m eval.bench_encoding [--corpus DIR] [--synthetic 1000] [--paths old,new,new+tables]
                                  [--encode-sample 120] [--json FILE]

Paths (IndexSettings):
- old: sentence-transformers on torch, each report's passages encoded on their own in batches of 32,
  table passages embedded too (what ingest did before issue 16);
- new: the defaults (int8 ONNX graph, passages of consecutive reports encoded together in length-sorted
  batches, table passages left to BM25, facts first with the model on a thread of its own);
- new+tables: new, but the table passages embedded as well (to decide whether they need vectors).

Each (path, scenario) runs in its own process on a fresh data dir, offline, with the model loaded before
the clock starts (its load time is printed apart). corpus: the real reports, then the gold sets
(eval/sets/*.jsonl) asked through the harness: recall@5 and answer accuracy, fused and dense.
synthetic N: N generated reports, one per office and year (eval.bench.scaled_report); every chunk the
path embeds goes through the model (no sample vectors). A child prints a progress line every minute, so
a run cut short still says how fast it went. --encode-sample: the encoder alone on corpus passages.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from eval.bench_ingest import TimedEmbedder
from govqa.errors import GovqaError
from govqa.settings import PROJECT_ROOT, IndexSettings, Settings

PATHS: dict[str, dict] = {
    "old": {
        "embedding_runtime": "torch",
        "embed_pending_chunks": 0,
        "embed_tables": True,
        "embed_batch_size": 32,
        "embed_threads": 0,
    },  # torch's own default: a thread per core
    "new": {},
    "new+tables": {"embed_tables": True},
}
GOLD_SETS = sorted((PROJECT_ROOT / "eval" / "sets").glob("*.jsonl"))
_PROGRESS_EVERY_S = 60.0


def cpu_seconds() -> float:
    """CPU time of this process, all threads: on a machine shared with other jobs, the fairer clock."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _progress(embedder: TimedEmbedder, started: float, stop: threading.Event) -> None:
    cpu_start = cpu_seconds()
    while not stop.wait(_PROGRESS_EVERY_S):
        elapsed = time.perf_counter() - started
        cpu = cpu_seconds() - cpu_start
        line = {
            "progress": True,
            "elapsed_s": round(elapsed, 1),
            "embedded": embedder.passages,
            "embedded_per_s": round(embedder.passages / elapsed, 2),
            "cpu_s": round(cpu, 1),
            "embedded_per_cpu_s": round(embedder.passages / max(cpu, 1e-9), 2),
        }
        print(json.dumps(line), flush=True)


def ingest_scenario(path_name: str, paths: list[Path], data_dir: Path) -> tuple[dict, Settings]:
    from index.embeddings import Embedder
    from index.ingest import Ingestor

    settings = Settings(data_dir=data_dir, index=IndexSettings(**PATHS[path_name]))
    loading = time.perf_counter()
    embedder = TimedEmbedder(Embedder(settings.index))
    load_s = time.perf_counter() - loading
    ingestor = Ingestor(settings, progress=False, embedder=embedder)  # type: ignore[arg-type]
    stop = threading.Event()
    started, cpu_start = time.perf_counter(), cpu_seconds()
    threading.Thread(target=_progress, args=(embedder, started, stop), daemon=True).start()
    summary = ingestor.ingest_paths(paths)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_start
    stop.set()
    reports = ingestor.facts.counts()["reports"]
    pending = ingestor.text_pending_count()
    ingestor.close()
    chunks = sum(r.chunks for r in summary.results)
    return {
        "path": path_name,
        "files": len(summary.results),
        "reports": reports,
        "chunks": chunks,
        "embedded": embedder.passages,
        "model_load_s": round(load_s, 1),
        "ingest_s": round(elapsed, 1),
        "encode_s": round(embedder.seconds, 1),
        "chunks_per_s": round(chunks / elapsed, 2),
        "embedded_per_s": round(embedder.passages / elapsed, 2),
        "reports_per_s": round(reports / elapsed, 3),
        "encoder_chunks_per_s": round(embedder.passages / max(embedder.seconds, 1e-9), 2),
        "cpu_s": round(cpu, 1),
        "chunks_per_cpu_s": round(chunks / cpu, 2),
        "text_pending_after": pending,
        "failed": [f"{r.path}: {r.reason}" for r in summary.failed],
    }, settings


def gold_scores(settings: Settings) -> dict:
    """recall@5 and answer accuracy per gold set (fused), and recall@5 over all of them with dense alone."""
    from eval.harness import evaluate

    out: dict = {}
    for path in GOLD_SETS:
        overall = evaluate(settings, [path], ["fused"], progress=False).runs[0].overall
        out[path.stem] = {
            "n": overall.n,
            "answer": overall.answer,
            "recall_at_5": overall.recall_at_k,
            "n_recall": overall.n_recall,
        }
    dense = evaluate(settings, GOLD_SETS, ["dense"], progress=False).runs[0].overall
    out["dense_recall_at_5"] = dense.recall_at_k
    return out


def _child(args: argparse.Namespace) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        paths = [args.corpus]
        if args.scenario == "synthetic":
            from eval.bench import write_scaled_corpus

            paths = [Path(tmp) / "synthetic"]
            write_scaled_corpus(paths[0], args.synthetic)
        result, settings = ingest_scenario(args.path, paths, Path(tmp) / "data")
        result["scenario"] = args.scenario
        if args.scenario == "corpus":
            result["gold"] = gold_scores(settings)
        print(json.dumps(result), flush=True)


def corpus_passages(corpus: Path, sample: int) -> list[list[str]]:
    """The embedding texts of whole corpus reports (a seeded random choice) until ``sample`` passages."""
    import random

    from index.chunks import chunk_report, embedding_text
    from index.ingest import find_report_files
    from parsers.report import ReportParser

    files, _ = find_report_files([corpus])
    random.Random(16).shuffle(files)
    parser, settings = ReportParser(Settings().parsing), Settings()
    reports: list[list[str]] = []
    while files and sum(map(len, reports)) < sample:
        try:
            report = parser.parse(files.pop())
        except GovqaError:  # a file the parser refuses (SOURCES.md, a non-report) is simply not in the sample
            continue
        reports.append([embedding_text(c) for c in chunk_report(report, settings.index.max_chunk_chars, report.text)])
    return reports


def _timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    out = call()
    return time.perf_counter() - started, out


def encode_comparison(corpus: Path, sample: int) -> list[dict]:
    """The encoder alone on corpus passages: torch per report (old), torch and ONNX on all passages at once
    (length-sorted) at several batch sizes and thread counts; cosines of the ONNX vectors to torch's."""
    import numpy as np

    from index.embeddings import Embedder

    reports = corpus_passages(corpus, sample)
    texts = [t for r in reports for t in r]
    torch_embedder = Embedder(IndexSettings(embedding_runtime="torch"))
    old_s, _ = _timed(lambda: [torch_embedder.passage_matrix(r, 32) for r in reports])
    rows: list[dict[str, Any]] = [
        {"encoder": "torch, per report, batch 32 (old)", "passages": len(texts), "s": round(old_s, 1)}
    ]
    torch_s, reference = _timed(lambda: torch_embedder.passage_matrix(texts, 32))
    rows.append({"encoder": "torch, all at once length-sorted, batch 32", "s": round(torch_s, 1)})
    questions = [json.loads(line)["question"] for path in GOLD_SETS for line in path.open(encoding="utf-8")][:200]
    query_reference = torch_embedder.query_matrix(questions)
    # (threads per run, runs at a time, batch): the default is one thread per run, a run per core, batch 1
    for threads, workers, batch in ((1, 1, 1), (2, 1, 1), (1, 2, 1), (1, 1, 8), (2, 1, 8), (1, 2, 8)):
        onnx = Embedder(IndexSettings(embed_threads=threads, embed_workers=workers, embed_batch_size=batch))
        seconds, vectors = _timed(lambda onnx=onnx: onnx.passage_matrix(texts))
        cosine = np.sum(np.asarray(vectors) * reference, axis=1)
        query_cosine = np.sum(onnx.query_matrix(questions) * query_reference, axis=1)
        rows.append(
            {
                "encoder": f"onnx-int8 length-sorted, batch {batch}, {threads} thread(s) × {workers} run(s)",
                "s": round(seconds, 1),
                "passage_cos_mean": round(float(cosine.mean()), 4),
                "passage_cos_min": round(float(cosine.min()), 4),
                "query_cos_mean": round(float(query_cosine.mean()), 4),
                "query_cos_min": round(float(query_cosine.min()), 4),
            }
        )
    for row in rows:
        row["passages_per_s"] = round(len(texts) / row["s"], 2)
        row["speedup_vs_old"] = round(old_s / row["s"], 2)
    return rows


def _run_child(cmd: list[str], log) -> dict | None:
    """Run one scenario, echoing its progress lines to ``log``; its final JSON line, or None if it failed."""
    final = None
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("{"):
                data = json.loads(line)
                if data.get("progress"):
                    print(
                        f"    … {data['elapsed_s']} s: {data['embedded']} chunks embedded "
                        f"({data['embedded_per_s']}/s; {data.get('embedded_per_cpu_s')} per CPU-second)",
                        file=log,
                        flush=True,
                    )
                else:
                    final = data
        errors = child.stderr.read() if child.stderr else ""
    if final is None:
        print(f"    failed: {errors[-1500:]}", file=log, flush=True)
    return final


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def table(results: list[dict]) -> str:
    rows = [
        ("files → reports, chunks", lambda r: f"{r['files']} → {r['reports']}, {r['chunks']}"),
        ("chunks embedded by the model", lambda r: str(r["embedded"])),
        ("model load (s)", lambda r: str(r["model_load_s"])),
        ("ingest wall time (s)", lambda r: str(r["ingest_s"])),
        ("chunks/s (all chunks indexed / wall time)", lambda r: str(r["chunks_per_s"])),
        ("reports/s", lambda r: str(r["reports_per_s"])),
        ("CPU time of the ingest, all threads (s)", lambda r: str(r["cpu_s"])),
        ("chunks per CPU-second (fairer on a shared machine)", lambda r: str(r["chunks_per_cpu_s"])),
        ("encoder alone: chunks embedded/s", lambda r: str(r["encoder_chunks_per_s"])),
    ]
    gold_rows = (
        [
            (
                f"{s.stem}: recall@5 fused (n)",
                lambda r, s=s.stem: f"{_pct(r['gold'][s]['recall_at_5'])} ({r['gold'][s]['n_recall']})",
            )
            for s in GOLD_SETS
        ]
        + [
            (
                f"{s.stem}: answer accuracy (n)",
                lambda r, s=s.stem: f"{_pct(r['gold'][s]['answer'])} ({r['gold'][s]['n']})",
            )
            for s in GOLD_SETS
        ]
        + [("all gold: recall@5 dense alone", lambda r: _pct(r["gold"]["dense_recall_at_5"]))]
    )
    head = [f"{r['scenario']} · {r['path']}" for r in results]
    lines = ["| metric | " + " | ".join(head) + " |", "|---" * (len(head) + 1) + "|"]
    for label, cell in rows + gold_rows:
        values = []
        for r in results:
            try:
                values.append(cell(r))
            except KeyError:
                values.append("–")
        lines.append(f"| {label} | " + " | ".join(values) + " |")
    return "\n".join(lines)


def speedups(results: list[dict]) -> list[str]:
    out = []
    for scenario in ("corpus", "synthetic"):
        by_path = {r["path"]: r for r in results if r["scenario"] == scenario}
        if "old" in by_path and "new" in by_path:
            old, new = by_path["old"], by_path["new"]
            out.append(
                f"{scenario}: new/old chunks/s {new['chunks_per_s'] / old['chunks_per_s']:.2f}×, "
                f"reports/s {new['reports_per_s'] / old['reports_per_s']:.2f}×"
            )
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpus")
    ap.add_argument("--synthetic", type=int, default=1000, help="synthetic reports (0: skip)")
    ap.add_argument("--paths", default="new,old,new+tables", help="encoding paths run on the corpus")
    ap.add_argument("--synthetic-paths", default="new,old", help="paths run on the synthetic reports")
    ap.add_argument("--encode-sample", type=int, default=0, help="also time the encoder alone on N corpus passages")
    ap.add_argument("--json", type=Path, help="write every result here as JSON")
    ap.add_argument("--scenario", choices=["corpus", "synthetic"], help=argparse.SUPPRESS)
    ap.add_argument("--path", choices=list(PATHS), help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.scenario:
        _child(args)
        return 0
    log = sys.stdout
    if args.encode_sample:
        for row in encode_comparison(args.corpus, args.encode_sample):
            print(json.dumps(row, ensure_ascii=False), file=log, flush=True)
    plan = [("corpus", p) for p in args.paths.split(",") if p and args.corpus.is_dir()]
    plan += [("synthetic", p) for p in args.synthetic_paths.split(",") if p and args.synthetic > 0]
    results = []
    for scenario, path_name in plan:
        print(f"== {scenario} · {path_name}", file=log, flush=True)
        cmd = [
            sys.executable,
            "-m",
            "eval.bench_encoding",
            "--scenario",
            scenario,
            "--path",
            path_name,
            "--corpus",
            str(args.corpus),
            "--synthetic",
            str(args.synthetic),
        ]
        result = _run_child(cmd, log)
        if result:
            print("   ", json.dumps(result, ensure_ascii=False), file=log, flush=True)
            results.append(result)
            if args.json:
                args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if results:
        print("\n" + table(results), file=log)
    for line in speedups(results):
        print(line, file=log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
