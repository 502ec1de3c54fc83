"""Parse throughput and parse quality over a folder of reports (default: ../shared/corpus).

    python -m eval.bench_parse [FOLDER] [--repeat N]

Prints reports/second, then for v2019/v2021 reports the share whose T3 fully parsed and passes
every consistency check, and every cell left ambiguous.
"""

import argparse
import time
from pathlib import Path

from govqa.errors import ParseError
from govqa.settings import PROJECT_ROOT, ParsingSettings
from parsers.formats import is_supported
from parsers.report import ReportParser


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpus")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = sorted(p for p in args.folder.rglob("*") if is_supported(p.suffix))
    parser = ReportParser(ParsingSettings())
    reports, failures = [], []
    start = time.perf_counter()
    for i in range(args.repeat):
        for path in files:
            try:
                report = parser.parse(path)
            except ParseError as exc:
                failures.append(str(exc))
                continue
            if i == 0:
                reports.append(report)
    elapsed = time.perf_counter() - start
    n = len(files) * args.repeat
    print(f"parsed {n} files in {elapsed:.2f}s: {n / elapsed:.1f} reports/s ({len(files)} files x {args.repeat})")
    templated = [r for r in reports if r.template in ("v2019", "v2021")]
    clean = [r for r in templated if _t3_complete(r) and all(c.ok for c in r.checks if c.rule.startswith("T3"))]
    print(
        f"v2019/v2021 reports: {len(templated)}; T3 fully parsed and consistent: {len(clean)} "
        f"({100 * len(clean) / max(1, len(templated)):.0f}%)"
    )
    for r in templated:
        if r not in clean:
            print(f"  not clean: {Path(r.source).name}: " + "; ".join(c.detail for c in r.checks if c.ok is not True))
    for r in reports:
        cells = [f for f in r.facts if f.status == "ambiguous"]
        if cells:
            print(f"  ambiguous in {Path(r.source).name}: " + ", ".join(f"{f.key} {f.candidates[:4]}…" for f in cells))
    for f in failures[: len(failures) // max(1, args.repeat)]:
        print(f"  failed: {f}")


def _t3_complete(report) -> bool:
    t3 = [f for f in report.facts if f.table == "T3"]
    return bool(t3) and all(f.status in ("ok", "blank") for f in t3)


if __name__ == "__main__":
    main()
