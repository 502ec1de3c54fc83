"""The file formats govqa reads: the one list that ingest, the upload box, the app and the docs loop over.

Each format names its reader kind (parsers/reading.py has one reader per kind), every file suffix that
means it, the MIME types a browser sends for it and a label for people. Adding a format is one entry
here and one reader function in parsers/reading.py.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Kind = Literal["txt", "md", "html", "pdf", "docx"]


class FileFormat(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind = Field(description="Which reader turns the file into text.")
    suffixes: tuple[str, ...] = Field(description="Lower-case file suffixes, dot included, the usual one first.")
    mime_types: tuple[str, ...] = Field(description="MIME types for the format (upload boxes, HTTP).")
    label: str = Field(description="Name shown to people, e.g. in 'accepted: …' messages.")


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(kind="txt", suffixes=(".txt", ".text"), mime_types=("text/plain",), label="plain text"),
    FileFormat(kind="md", suffixes=(".md", ".markdown"), mime_types=("text/markdown",), label="Markdown"),
    FileFormat(
        kind="html",
        suffixes=(".html", ".htm", ".shtml", ".xhtml"),
        mime_types=("text/html", "application/xhtml+xml"),
        label="HTML",
    ),
    FileFormat(kind="pdf", suffixes=(".pdf",), mime_types=("application/pdf",), label="PDF"),
    FileFormat(
        kind="docx",
        suffixes=(".docx",),
        mime_types=("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
        label="Word .docx",
    ),
)

SUFFIX_KIND: dict[str, Kind] = {suffix: f.kind for f in FORMATS for suffix in f.suffixes}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(SUFFIX_KIND)


def is_supported(suffix: str) -> bool:
    """Whether a file with this suffix (any case, dot included) can be read."""
    return suffix.lower() in SUFFIX_KIND


def accepted_text() -> str:
    """The accepted suffixes, for error messages: '.txt .text .md …'."""
    return " ".join(SUPPORTED_SUFFIXES)
