"""`govqa` command line: argument parsing only; each subcommand lives in govqa/cmd_*.py.

The CLI is one of two places (with the web app) that turns library errors into messages.
"""

import argparse
import sys
from pathlib import Path

from govqa.settings import Settings


def _data_dir_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data-dir", type=Path, help="data folder (default: $GOVQA_DATA_DIR or ./govqa-data)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govqa", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="parse report files and print what was found")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--json", action="store_true", help="one Report per line (JSON Lines)")

    p = sub.add_parser("ingest", help="parse and index reports (files or folders)")
    p.add_argument("paths", nargs="+", type=Path)
    _data_dir_arg(p)
    p.add_argument("--rebuild", action="store_true", help="drop the stores and ingest from scratch")
    p.add_argument("--db-url", help="SQLAlchemy URL of the fact store (e.g. postgresql+psycopg://...)")
    p.add_argument("--chroma-url", help="http://host:port of a Chroma server")

    p = sub.add_parser("ask", help="answer a question (or --jsonl questions on stdin)")
    p.add_argument("question", nargs="?")
    _data_dir_arg(p)
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help='read questions (or {"conversation": ID, "question": ...} lines) from stdin, write JSON Lines',
    )
    p.add_argument("--db-url", help="SQLAlchemy URL of the fact store")
    p.add_argument("--chroma-url", help="http://host:port of a Chroma server")

    p = sub.add_parser("serve", help="start the web app")
    _data_dir_arg(p)
    p.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")

    p = sub.add_parser("eval", help="score the bot on gold question sets")
    p.add_argument("--set", dest="sets", nargs="+", type=Path, help="question set files (JSONL)")
    _data_dir_arg(p)
    p.add_argument("--out", type=Path, help="folder for the Markdown and JSON reports")
    p.add_argument("--compare", nargs="+", help="retrieval modes to compare, e.g. dense lexical fused")
    p.add_argument("--check-thresholds", action="store_true", help="exit 1 when a category is below threshold")
    return parser


def build_settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, overridden by whatever the command line gave."""
    settings = Settings()
    if getattr(args, "data_dir", None):
        settings.data_dir = args.data_dir
    if getattr(args, "db_url", None):
        settings.index.db_url = args.db_url
    if getattr(args, "chroma_url", None):
        settings.index.chroma_url = args.chroma_url
    if getattr(args, "host", None):
        settings.app.host = args.host
    if getattr(args, "port", None):
        settings.app.port = args.port
    return settings


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = build_settings(args)
    if args.command == "parse":
        from govqa.cmd_parse import run
    elif args.command == "ingest":
        from govqa.cmd_ingest import run
    elif args.command == "ask":
        from govqa.cmd_ask import run
    elif args.command == "serve":
        from govqa.cmd_serve import run
    else:
        from govqa.cmd_eval import run
    return run(args, settings)


if __name__ == "__main__":
    sys.exit(main())
