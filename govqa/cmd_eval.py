"""`govqa eval [--set FILE...] [--data-dir DIR] [--out DIR] [--compare CONFIG...] [--check-thresholds]`:
score the bot on gold question sets (see eval/README.md)."""

import argparse
import sys

from govqa.errors import GovqaError
from govqa.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit status 0; 1 when --check-thresholds finds a category below its threshold; 2 when eval cannot run."""
    from eval.harness import DEFAULT_OUT, DEFAULT_SET, console_summary, evaluate, load_thresholds, write_reports

    try:
        thresholds = load_thresholds() if args.check_thresholds else None
        report = evaluate(settings, args.sets or [DEFAULT_SET], args.compare, thresholds)
        md, js = write_reports(report, args.out or DEFAULT_OUT)
    except GovqaError as exc:
        print(f"govqa eval: {exc}", file=sys.stderr)
        return 2
    print(console_summary(report))
    print(f"\nreports: {md} {js}")
    return 1 if report.threshold_misses else 0
