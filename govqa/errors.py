"""One error shape for the whole library: what went wrong, and with which file."""

from pathlib import Path


class GovqaError(Exception):
    """Base class: carries the file (if any) and a human-readable reason."""

    def __init__(self, reason: str, path: str | Path | None = None):
        self.reason = reason
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


class ParseError(GovqaError):
    """A file could not be read or is not a disclosure annual report."""


class NotAReportError(ParseError):
    """A readable document that is not a disclosure annual report (a README, a notice, a web page)."""


class IngestError(GovqaError):
    """A parsed report could not be stored in the fact store or the section index."""


class StoreError(GovqaError):
    """The fact store or the section index is unusable (bad URL, failed migration, ...)."""


class ModelError(GovqaError):
    """The embedding model could not be built or loaded."""


class QuestionError(GovqaError):
    """A question could not be understood at all."""
