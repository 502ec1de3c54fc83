"""Scale benchmark: ingest throughput, data-dir size, peak memory and answer latency by route.

    python -m eval.bench [--synthetic 1000 10000] [--embed-sample 320] [--questions 60] [--no-corpus]
                         [--corpus DIR] [--keep DIR] [--json FILE]

Each scenario runs in its own process (so its peak memory is its own) on a fresh data dir, offline:

- corpus: the real reports (../shared/corpus) ingested for real — the real model embeds every chunk —
  then the gold questions of eval/sets/corpus.jsonl asked through QuestionAnswerer.
- synthetic N: N generated reports, each a distinct office and year (1,429 offices × 7 years at 10,000).
  Parsing, the fact store, chunking, the Chroma writes and the BM25 index all run at full size. Embedding
  every chunk would take hours on 2 cores, so the real model embeds only the first --embed-sample
  chunks (timed); every later chunk is stored with one of those sample vectors, chosen by a hash of its
  text. Dense search therefore runs over a collection holding one vector per chunk (latency is real,
  relevance of the reused vectors is not), and the full ingest time is projected as
  measured time without embedding + chunks / measured embedding rate.
  Table questions ask the generated T3 figures (each answer is checked against the generator's value);
  retrieval questions ask for each report's problems and training (checked: cites the asked report).

Prints one Markdown table, one column per scenario, and the growth factor between the two largest
synthetic sizes.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from govqa.settings import PROJECT_ROOT, Settings

if TYPE_CHECKING:
    from index.embeddings import Embedder

YEARS = tuple(range(2019, 2026))  # one report per office and year: the synthetic templates' years
_SYLLABLES = "澄枫蔚汀沐苇泊棠芸蘅岫湄琮翊晗瑜璟珂瑶芷莳檀菁蓁濯漪澹沅泠溆岑崧峄屺岷峤嵘璞琰珩瑾璎"
TABLE_QUESTIONS = (  # (question after "{org}{year}年", canonical key of the answer)
    ("收到多少政府信息公开申请", "T3/new_requests/total"),
    ("予以公开的政府信息公开申请有多少件", "T3/granted/total"),
    ("上年结转的政府信息公开申请有多少件", "T3/carried_over/total"),
)
RETRIEVAL_QUESTIONS = ("政府信息公开工作存在哪些主要问题", "如何开展政务公开业务培训")
# No office named: retrieval over every report (dense and BM25 over all chunks), the slowest kind of question.
OPEN_QUESTIONS = (
    "哪些报告提到了政务公开业务培训",
    "Which reports mention problems in handling disclosure requests?",
    "政府信息公开平台建设方面有哪些做法",
)


# ------------------------------------------------------------------ synthetic corpus at scale
def scaled_report(i: int):
    """Synthetic report i, renamed so that report i is office i // 7 in year 2019 + i % 7.

    parsers.synthetic draws from 150 invented office names, which would make most of 10,000 reports
    duplicates of one another; here every office gets an invented county of its own.
    """
    from parsers.synthetic import BODIES, REGIONS, make_report

    cities = [r for r in REGIONS if r.endswith("市")]
    office, year = divmod(i, len(YEARS))
    report = make_report(i, year=YEARS[year])
    n = len(_SYLLABLES)
    city, county = cities[office % len(cities)], office // len(cities)
    if county >= n * n:
        raise ValueError(f"at most {len(cities) * n * n * len(YEARS)} distinct synthetic reports")
    body = random.Random(office).choices([b for b, _ in BODIES], weights=[w for _, w in BODIES])[0]
    org = f"{city}{_SYLLABLES[county // n]}{_SYLLABLES[county % n]}县{body}"
    return report.model_copy(
        update={
            "org": org,
            "title": report.title.replace(report.org, org),
            "sections": {k: v.replace(report.org, org) for k, v in report.sections.items()},
        }
    )


def write_scaled_corpus(folder: Path, count: int) -> list[Path]:
    from parsers.synthetic import render

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"scaled_{i:05d}.txt"
        path.write_bytes(render(scaled_report(i), "txt"))
        paths.append(path)
    return paths


# ------------------------------------------------------------------ measuring
class SampleVectorEmbedder:
    """The real Embedder for the first `sample` passages (timed); later passages reuse those vectors.

    Questions are always embedded by the real model, so query latency is real.
    """

    def __init__(self, embedder, sample: int | None):
        self.embedder = embedder
        self.sample = sample
        self.pool: list[list[float]] = []
        self.embedded = self.reused = 0
        self.embed_s = 0.0

    def passage_matrix(self, texts: list[str], batch_size: int | None = None, show_progress: bool = False):
        import numpy as np

        return np.asarray(self.embed_passages(texts, batch_size, show_progress), dtype=np.float32).reshape(
            len(texts), self.embedder.dimension
        )

    def embed_passages(self, texts: list[str], batch_size: int | None = None, show_progress: bool = False):
        room = len(texts) if self.sample is None else max(0, self.sample - self.embedded)
        real = texts[:room]
        vectors: list[list[float]] = []
        if real:
            started = time.perf_counter()
            vectors = self.embedder.embed_passages(real, batch_size, show_progress)
            self.embed_s += time.perf_counter() - started
            self.embedded += len(real)
            self.pool += vectors
        rest = texts[len(real) :]
        self.reused += len(rest)
        return vectors + [self.pool[zlib.crc32(t.encode("utf-8")) % len(self.pool)] for t in rest]

    def __getattr__(self, name: str):  # embed_query, chroma_function, query_matrix…: the real model
        return getattr(self.embedder, name)


@contextmanager
def timed_stages(targets: dict[str, tuple[type, str]]) -> Iterator[dict[str, float]]:
    """Seconds spent in each named method while the block runs (methods wrapped on their class)."""
    seconds = dict.fromkeys(targets, 0.0)
    originals = [(owner, attr, owner.__dict__[attr]) for owner, attr in targets.values()]

    def timing(stage: str, method: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                seconds[stage] += time.perf_counter() - started

        return wrapper

    for stage, (owner, attr) in targets.items():
        setattr(owner, attr, timing(stage, owner.__dict__[attr]))
    try:
        yield seconds
    finally:
        for owner, attr, method in originals:
            setattr(owner, attr, method)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def dir_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


# ------------------------------------------------------------------ one scenario (child process)
def ingest(settings: Settings, paths: list[Path], embedder: SampleVectorEmbedder) -> dict:
    from index.facts import FactStore
    from index.ingest import Ingestor
    from index.sections import SectionIndex

    stages = {
        "parse": (Ingestor, "_parse"),
        "sql_write": (FactStore, "replace_report"),
        "index_write": (SectionIndex, "write_chunks"),
        "old_chunk_delete": (SectionIndex, "delete_report"),
    }
    # the sampling wrapper delegates everything but passage vectors to the real Embedder, so it stands in for one
    ingestor = Ingestor(settings, progress=False, embedder=cast("Embedder", embedder))
    with timed_stages(stages) as seconds:
        summary = ingestor.ingest_paths(paths)
    counts = ingestor.facts.counts()
    ingestor.close()
    chunks = sum(r.chunks for r in summary.results)
    own_s = summary.elapsed_s - embedder.embed_s
    projected = own_s + (chunks / (embedder.embedded / embedder.embed_s) if embedder.embedded else 0.0)
    return {
        "files": len(summary.results),
        "statuses": {k: v for k, v in summary.counts.items() if v},
        "reports": counts["reports"],
        "facts": counts["facts"],
        "chunks": chunks,
        "ingest_s": round(summary.elapsed_s, 1),
        "own_code_s": round(own_s, 1),
        "stage_s": {k: round(v, 1) for k, v in seconds.items()},  # write_chunks no longer embeds
        "embedded_chunks": embedder.embedded,
        "reused_vectors": embedder.reused,
        "embed_s": round(embedder.embed_s, 1),
        "embed_rate": round(embedder.embedded / embedder.embed_s, 1) if embedder.embed_s else None,
        "own_reports_per_s": round(counts["reports"] / own_s, 1),
        "own_chunks_per_s": round(chunks / own_s, 1),
        "projected_s": round(projected, 1),
        "projected_reports_per_s": round(counts["reports"] / projected, 2),
        "projected_chunks_per_s": round(chunks / projected, 1),
        "embed_share": round(1 - own_s / projected, 3),
        "failed": [f"{r.path}: {r.reason}" for r in summary.failed][:5],
    }


def ask_all(qa, questions: list[tuple[str, Callable]]) -> dict:
    """Latency (ms) by route of each question, and how many answers pass their check."""
    from govqa.errors import GovqaError

    by_route: dict[str, list[float]] = {}
    right: dict[str, int] = {}
    for question, check in questions:
        started = time.perf_counter()
        try:
            answer = qa.ask(question)
            route, ok = answer.route, check(answer)
        except GovqaError:
            route, ok = "error", False
        by_route.setdefault(route, []).append((time.perf_counter() - started) * 1000)
        right[route] = right.get(route, 0) + bool(ok)
    return {
        route: {
            "n": len(ms),
            "right": right[route],
            "p50": round(statistics.median(ms), 1),
            "p95": round(percentile(ms, 0.95), 1),
            "max": round(max(ms), 1),
        }
        for route, ms in sorted(by_route.items())
    }


def answer_latency(settings: Settings, embedder, questions: list[tuple[str, Callable]]) -> dict:
    """Open the bot as the app does, time the first questions (cold) and then all of them (warm)."""
    from bot.service import QuestionAnswerer
    from index.facts import FactStore
    from index.sections import SectionIndex

    started = time.perf_counter()
    store = FactStore.from_settings(settings, read_only=True)
    qa = QuestionAnswerer(settings, store=store, index=SectionIndex(settings, embedder, facts=store))
    opened = time.perf_counter() - started
    first_sql = _timed(lambda: qa.ask(questions[0][0]))
    started = time.perf_counter()
    qa.warm_up()  # the first retrieval builds the BM25 index over every live chunk
    warm_up = time.perf_counter() - started
    routes = ask_all(qa, questions)
    started = time.perf_counter()  # a restart: the BM25 tokens come from the cache file the first bot wrote
    QuestionAnswerer(settings, store=store, index=SectionIndex(settings, embedder, facts=store)).warm_up()
    restart = time.perf_counter() - started
    store.close()
    return {
        "open_ms": round(opened * 1000),
        "first_question_ms": round(first_sql),
        "bm25_build_ms": round(warm_up * 1000),
        "restart_ms": round(restart * 1000),
        "routes": routes,
    }


def _timed(call: Callable) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def synthetic_questions(count: int, n_questions: int) -> list[tuple[str, Callable]]:
    """Table questions checked against the generator's numbers, retrieval questions checked by citation."""
    rng = random.Random(7)
    picks = sorted(rng.sample(range(count), min(count, n_questions)))
    questions: list[tuple[str, Callable]] = []
    for n, i in enumerate(picks):
        report = scaled_report(i)
        ask = f"{report.org}{report.year}年"
        text, key = TABLE_QUESTIONS[n % len(TABLE_QUESTIONS)]
        expected = report.facts[key] or 0  # a blank cell is printed where the number is 0
        questions.append((ask + text, lambda a, e=expected: a.status == "answered" and a.value == e))
        cites = (report.org, report.year)
        questions.append(
            (
                ask + RETRIEVAL_QUESTIONS[n % 2],
                lambda a, c=cites: a.status == "answered" and (a.citations[0].org, a.citations[0].year) == c,
            )
        )
        if n % 5 == 0:  # right = answered from some report's passages
            questions.append(
                (OPEN_QUESTIONS[n // 5 % len(OPEN_QUESTIONS)], lambda a: a.status == "answered" and bool(a.citations))
            )
    return questions


def corpus_questions(n_questions: int) -> list[tuple[str, Callable]]:
    """Gold questions of eval/sets/corpus.jsonl (a fixed sample); right = answer and citation as govqa eval scores them."""
    from eval.harness import load_set
    from eval.scoring import score_item

    items = load_set(PROJECT_ROOT / "eval" / "sets" / "corpus.jsonl")
    items = random.Random(7).sample(items, min(n_questions, len(items)))
    return [(item.question, lambda a, it=item: score_item(it, a).answer_citation_correct) for item in items]


def run_scenario(name: str, count: int, args: argparse.Namespace, tmp: Path) -> dict:
    from index.embeddings import Embedder

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    data_dir = args.keep / name if args.keep else tmp / "data"
    settings = Settings(data_dir=data_dir)
    result: dict = {"scenario": name}
    started = time.perf_counter()
    if name == "corpus":
        paths, sample, questions = [args.corpus], None, corpus_questions(args.questions)
    else:
        paths = write_scaled_corpus(tmp / "reports", count)
        sample, questions = args.embed_sample, synthetic_questions(count, args.questions // 2)
    result["generate_s"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    model = Embedder(settings.index)
    model.embed_passages(["warm-up: the first encode pays one-off setup costs"])  # not counted as embedding
    embedder = SampleVectorEmbedder(model, sample)
    result["model_load_s"] = round(time.perf_counter() - started, 1)
    result |= ingest(settings, paths, embedder)
    result["peak_rss_ingest_mb"] = peak_rss_mb()
    result["data_mb"] = dir_mb(data_dir)
    result["sqlite_mb"] = round(dir_mb(data_dir) - dir_mb(settings.chroma_path), 1)
    result["answers"] = answer_latency(settings, embedder, questions)
    result["peak_rss_mb"] = peak_rss_mb()
    return result


# ------------------------------------------------------------------ the table
ROWS: list[tuple[str, Callable[[dict], object]]] = [
    ("files → reports stored", lambda r: f"{r['files']} → {r['reports']}"),
    ("facts (table cells) / chunks", lambda r: f"{r['facts']:,} / {r['chunks']:,}"),
    (
        "chunks embedded by the model / given a reused sample vector",
        lambda r: f"{r['embedded_chunks']:,} / {r['reused_vectors']:,}",
    ),
    ("embedding rate (chunks/s, measured)", lambda r: r["embed_rate"]),
    ("ingest wall time, as run (s)", lambda r: r["ingest_s"]),
    (
        "… our code only: parse / SQL write / chunk+Chroma write / old-chunk delete (s)",
        lambda r: " / ".join(str(r["stage_s"][k]) for k in ("parse", "sql_write", "index_write", "old_chunk_delete")),
    ),
    ("our code only: reports/s, chunks/s", lambda r: f"{r['own_reports_per_s']}, {r['own_chunks_per_s']}"),
    ("full ingest with real embedding (s; projected for synthetic)", lambda r: r["projected_s"]),
    ("full ingest: reports/s, chunks/s", lambda r: f"{r['projected_reports_per_s']}, {r['projected_chunks_per_s']}"),
    ("share of full ingest spent embedding", lambda r: f"{r['embed_share']:.0%}"),
    ("data dir (MB): total / SQLite", lambda r: f"{r['data_mb']} / {round(r['sqlite_mb'], 1)}"),
    ("peak memory RSS (MB): after ingest / after answers", lambda r: f"{r['peak_rss_ingest_mb']} / {r['peak_rss_mb']}"),
    (
        "open bot / first question / BM25 build (ms)",
        lambda r: f"{r['answers']['open_ms']} / {r['answers']['first_question_ms']} / {r['answers']['bm25_build_ms']}",
    ),
    ("restart: open bot + BM25 from the token cache (ms)", lambda r: r["answers"].get("restart_ms", "–")),
    ("table answers (sql): n, right, p50 / p95 ms", lambda r: _route(r, "sql")),
    ("retrieval answers: n, right, p50 / p95 ms", lambda r: _route(r, "retrieval")),
]


def _route(r: dict, route: str) -> str:
    found = r["answers"]["routes"].get(route)
    if not found:
        return "–"
    return f"{found['n']}, {found['right']}, {found['p50']} / {found['p95']}"


def markdown(results: list[dict]) -> str:
    names = [r["scenario"] for r in results]
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, cell in ROWS:
        lines.append(f"| {label} | " + " | ".join(str(cell(r)) for r in results) + " |")
    scaled = [r for r in results if r["scenario"] != "corpus"]
    if len(scaled) >= 2:
        a, b = scaled[-2], scaled[-1]
        lines.append("")
        lines.append(f"Growth from {a['scenario']} to {b['scenario']} ({b['reports'] / a['reports']:.1f}× reports):")
        for label, key in (("own ingest time", "own_code_s"), ("data dir", "data_mb"), ("peak memory", "peak_rss_mb")):
            lines.append(f"- {label}: {b[key] / a[key]:.1f}×")
        for route in ("sql", "retrieval"):
            ra, rb = a["answers"]["routes"].get(route), b["answers"]["routes"].get(route)
            if ra and rb:
                lines.append(f"- {route} p50 {rb['p50'] / ra['p50']:.1f}×, p95 {rb['p95'] / ra['p95']:.1f}×")
    return "\n".join(lines)


# ------------------------------------------------------------------ entry point
def _child(args: argparse.Namespace) -> None:
    name = args.scenario
    count = 0 if name == "corpus" else int(name.split("-")[1])
    with tempfile.TemporaryDirectory(prefix="govqa-bench-") as tmp:
        print(json.dumps(run_scenario(name, count, args, Path(tmp)), ensure_ascii=False))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpus")
    ap.add_argument("--no-corpus", action="store_true", help="skip the real-corpus scenario")
    ap.add_argument("--synthetic", type=int, nargs="*", default=[1000], help="synthetic corpus sizes (0: none)")
    ap.add_argument("--embed-sample", type=int, default=320, help="chunks the real model embeds per synthetic run")
    ap.add_argument("--questions", type=int, default=60, help="questions asked per scenario")
    ap.add_argument("--keep", type=Path, help="keep each scenario's data dir under this folder")
    ap.add_argument("--json", type=Path, help="also write every measurement here")
    ap.add_argument("--scenario", help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.scenario:
        _child(args)
        return 0
    names = [] if args.no_corpus or not args.corpus.is_dir() else ["corpus"]
    names += [f"synthetic-{n}" for n in args.synthetic if n > 0]
    results = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        cmd = [
            sys.executable,
            "-m",
            "eval.bench",
            "--scenario",
            name,
            "--corpus",
            str(args.corpus),
            "--embed-sample",
            str(args.embed_sample),
            "--questions",
            str(args.questions),
        ]
        cmd += ["--keep", str(args.keep)] if args.keep else []
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{name} failed:\n{done.stderr[-3000:]}", file=sys.stderr)
            continue
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        if args.json:
            args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if not results:
        return 1
    print(markdown(results))
    print(
        "\nSynthetic runs: the model embedded only the sample; every other chunk was stored with a reused sample "
        "vector (chosen by a hash of its text), so dense search ran over one vector per chunk with real query "
        "embeddings; 'full ingest' for them is projected as our code's time + chunks / measured embedding rate."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
