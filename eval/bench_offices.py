"""Table-answer latency with thousands of department offices stored, asked by every naming form.

    python -m eval.bench_offices [--offices 5000] [--questions 200] [--data-dir DIR]

Stores N synthetic department reports (parsers.synthetic_departments: N offices, 2023) in a fresh fact store —
the tables only, no passage index, since table answers never read it — then asks table questions naming
sampled offices by their full name, region short form + organ short name, and English, and prints p50/p95
latency per naming form and how many answers gave the generator's number.
"""

import argparse
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from govqa.settings import Settings
from parsers.models import Number

YEAR = 2023
QUESTION = "收到多少政府信息公开申请"
KEY = "T3/new_requests/total"


def store_offices(settings: Settings, count: int) -> float:
    """Parse and store `count` department reports; seconds taken."""
    from index.facts import FactStore
    from index.models import SourceFile
    from index.offices import is_government_office, office_record
    from parsers.report import ReportParser
    from parsers.synthetic import render
    from parsers.synthetic_departments import department_report

    started = time.perf_counter()
    parser, store = ReportParser(), FactStore.from_settings(settings)
    for i in range(count):
        report = parser.parse_text(render(department_report(i, YEAR), "txt").decode("utf-8"), source=f"dept_{i}.txt")
        office = office_record(report.org, report.region, is_government_office(report.org), [YEAR])
        sha = hashlib.sha256(report.report_id.encode()).hexdigest()
        store.replace_report(report, [SourceFile(source=report.source, sha256=sha)], office)
    store.close()
    return time.perf_counter() - started


def questions(count: int, n: int) -> list[tuple[str, str, Number]]:
    """(naming form, question, expected value) for n sampled offices."""
    from parsers.organs import OfficeName, organ_keys, organ_table
    from parsers.synthetic_departments import department_office, department_report

    out = []
    for i in sorted(random.Random(7).sample(range(count), min(n, count))):
        org, county, organ = department_office(i)
        expected = department_report(i, YEAR).facts[KEY] or 0
        name = OfficeName.parse(org)
        # a short name the table gives to one organ only (审批局 fits two, 交通局 is also an organ of its own)
        shorts = [
            f
            for f, official in name.organ_forms()
            if not official and organ_keys(f) == [organ] and f not in organ_table()
        ]
        out.append(("full", f"{org}{YEAR}年{QUESTION}", expected))
        out.append(("county+organ", f"{county[3:]}{organ}{YEAR}年{QUESTION}", expected))
        if shorts:
            out.append(("region+abbrev", f"{county[3:-1]}{shorts[0]}{YEAR}年{QUESTION}", expected))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--offices", type=int, default=5000)
    ap.add_argument("--questions", type=int, default=200)
    ap.add_argument("--data-dir", type=Path)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=args.data_dir or Path(tmp))
        stored_s = store_offices(settings, args.offices)
        from bot.service import QuestionAnswerer

        started = time.perf_counter()
        bot = QuestionAnswerer(settings)
        print(f"{args.offices} offices stored in {stored_s:.0f}s; bot opened in {time.perf_counter() - started:.1f}s")
        report(bot, questions(args.offices, args.questions))
    return 0


def report(bot, asked: list[tuple[str, str, Number]], verbose: bool = True) -> None:
    times: dict[str, list[float]] = {}
    right: dict[str, int] = {}
    for form, question, expected in asked:
        started = time.perf_counter()
        answer = bot.ask(question)
        times.setdefault(form, []).append((time.perf_counter() - started) * 1000)
        ok = answer.status == "answered" and answer.value == expected
        right[form] = right.get(form, 0) + ok
        if not ok and verbose:
            print(f"  wrong ({form}): {question} → {answer.status} {answer.value} (expected {expected})")
    for form, ms in times.items():
        ordered = sorted(ms)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * (len(ordered) - 1)))]
        print(
            f"{form:14s} n={len(ms):4d} right={right[form]:4d}  p50={statistics.median(ms):6.1f} ms  "
            f"p95={p95:6.1f} ms  max={max(ms):6.1f} ms"
        )


if __name__ == "__main__":
    sys.exit(main())
