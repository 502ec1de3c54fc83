"""Answer latency by route, with the embedding model already loaded.

    python -m eval.bench_answers QUESTIONS [--data-dir DIR] [--repeat N]

QUESTIONS is a text file (one question per line) or an eval JSONL set (the "question" field of each line).
Prints p50/p95/max latency per route (sql, retrieval) and per status; the first pass over the
questions is a warm-up (jieba, the BM25 index, label vectors) and is not timed.
"""

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from govqa.errors import GovqaError
from govqa.settings import Settings


def read_questions(path: Path) -> list[str]:
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        questions.append(json.loads(line)["question"] if line.startswith("{") else line)
    return questions


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", type=Path)
    ap.add_argument("--data-dir", type=Path)
    ap.add_argument("--repeat", type=int, default=1, help="timed passes over the questions")
    args = ap.parse_args()
    settings = Settings()
    if args.data_dir:
        settings.data_dir = args.data_dir
    from bot.service import QuestionAnswerer

    questions = read_questions(args.questions)
    started = time.perf_counter()
    bot = QuestionAnswerer.from_settings(settings)
    bot.warm_up()
    print(f"model and index loaded in {time.perf_counter() - started:.1f}s; {len(questions)} questions")
    for q in questions:  # warm-up pass
        _ask(bot, q)
    by_route: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, int] = defaultdict(int)
    for _ in range(args.repeat):
        for q in questions:
            t0 = time.perf_counter()
            route, status = _ask(bot, q)
            by_route[route].append((time.perf_counter() - t0) * 1000)
            statuses[status] += 1
    for route, times in sorted(by_route.items()):
        print(
            f"{route:10s} n={len(times):4d}  p50={statistics.median(times):7.1f} ms  "
            f"p95={percentile(times, 0.95):7.1f} ms  max={max(times):7.1f} ms"
        )
    print("statuses:", dict(statuses))
    return 0


def _ask(bot, question: str) -> tuple[str, str]:
    try:
        answer = bot.ask(question)
    except GovqaError:
        return "error", "error"
    return answer.route, answer.status


if __name__ == "__main__":
    sys.exit(main())
