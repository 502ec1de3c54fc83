"""`govqa ingest PATH... [--data-dir DIR] [--rebuild]`: parse and index report files and folders."""

import argparse
import sys

from govqa.errors import GovqaError
from govqa.settings import Settings
from index.ingest import STATUSES, IngestSummary


def format_summary(summary: IngestSummary, data_dir: str) -> str:
    counts = summary.counts
    chunks = sum(r.chunks for r in summary.results)
    lines = [
        f"{len(summary.results)} files in {summary.elapsed_s:.1f} s → {data_dir}: "
        + ", ".join(f"{counts[s]} {s}" for s in STATUSES)
        + f"; {chunks} chunks written"
    ]
    for r in summary.results:
        if r.status == "duplicate":
            lines.append(f"  duplicate  {r.path} → {r.org} {r.year or ''}: {r.reason}")
        elif r.status == "replaced":
            lines.append(f"  replaced   {r.path} → {r.org} {r.year or ''}")
        elif r.status == "skipped":
            lines.append(f"  skipped    {r.path}: {r.reason}")
    for r in summary.failed:
        lines.append(f"  FAILED     {r.path}: {r.reason}")
    return "\n".join(lines)


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Exit status 1 if any file failed, else 0 (skipped non-reports found in a folder are not failures)."""
    from index.ingest import Ingestor

    try:
        ingestor = Ingestor(settings, progress=True)
        try:
            summary = ingestor.ingest_paths(list(args.paths), rebuild=bool(getattr(args, "rebuild", False)))
        finally:
            ingestor.close()
    except GovqaError as exc:  # the stores or the model are unusable: nothing could be ingested
        print(f"govqa ingest: {exc}", file=sys.stderr)
        return 2
    print(format_summary(summary, str(settings.data_dir)))
    return 1 if summary.failed else 0
