"""`govqa serve [--data-dir DIR] [--host H] [--port P]`: the web app (app.py), same path as `python app.py`."""

import argparse
import sys

from govqa.errors import GovqaError
from govqa.settings import Settings


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Blocks until the server stops; exit status 1 when the stores or the model cannot be opened."""
    from app import launch  # the CLI imports the app, never the other way round; launch sets up logging

    try:
        launch(settings)
    except GovqaError as exc:
        print(f"govqa serve: {exc}", file=sys.stderr)
        return 1
    return 0
