"""`govqa parse FILE... [--json]`: what the parser finds in each file."""

import argparse
import sys

from govqa.errors import GovqaError
from govqa.settings import Settings
from parsers.models import Report
from parsers.report import ReportParser


def summary(report: Report) -> str:
    failed = [c.rule for c in report.checks_failed]
    ambiguous = sum(1 for f in report.facts if f.status == "ambiguous")
    lines = [
        f"{report.source}: {report.org or '?'} {report.year or '?'} [{report.template}] "
        f"{len(report.facts)} facts, {len(report.sections)} sections, "
        f"{len(failed)} checks failed, {ambiguous} ambiguous cells, {len(report.warnings)} warnings"
    ]
    lines += [f"  ✗ {rule}" for rule in failed]
    lines += [f"  ! {w}" for w in report.warnings]
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    parser = ReportParser(settings.parsing)
    failed = 0
    for path in args.files:
        try:
            report = parser.parse(path)
        except GovqaError as exc:
            failed += 1
            print(f"error: {exc}", file=sys.stderr)
            continue
        print(report.model_dump_json() if args.json else summary(report), flush=True)
    return 1 if failed else 0
