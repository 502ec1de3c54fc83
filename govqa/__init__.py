"""govqa: question answering over government information-disclosure annual reports."""

__version__ = "0.1.0"
