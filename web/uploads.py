"""Uploaded report files: safe names inside the uploads folder, size and type limits, and the Upload tab's
per-file result table (index.ingest's FileResult as rows)."""

from collections.abc import Iterable
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd
from pathvalidate import sanitize_filename

from bot.wording import WORDING, both
from govqa.errors import IngestError
from index.ingest import FileResult
from parsers.formats import accepted_text, is_supported


def safe_upload_name(name: str, taken: Iterable[str] = ()) -> str:
    """A file name safe to store: no folders or traversal, no reserved or control characters, CJK kept,
    a supported lower-case suffix, and '-2', '-3'… added when the name is already taken."""
    base = PureWindowsPath(PurePosixPath(name.replace("\x00", "")).name).name
    suffix = sanitize_filename(Path(base).suffix.lower(), platform="universal")
    stem = base[: len(base) - len(Path(base).suffix)]
    stem = sanitize_filename(stem, platform="universal", max_len=120).strip(" .") or "upload"
    clean = stem + suffix
    taken = {t.lower() for t in taken}
    counter = 2
    while clean.lower() in taken:
        clean = f"{stem}-{counter}{suffix}"
        counter += 1
    return clean


def store_upload(source: Path, original_name: str, uploads_dir: Path, max_mb: float) -> Path:
    """Copy an uploaded file under uploads_dir with a safe name; the same bytes under the same name are kept once.

    Raises IngestError (with the original name) for a file over the size limit or of an unsupported type."""
    size = source.stat().st_size
    if size > max_mb * 1024 * 1024:
        raise IngestError(f"{size / 1024 / 1024:.1f} MiB is over the {max_mb:g} MiB upload limit", original_name)
    if not is_supported(Path(original_name).suffix):
        kind = Path(original_name).suffix or "(no suffix)"
        raise IngestError(f"unsupported file type {kind}; accepted: {accepted_text()}", original_name)
    uploads_dir.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    wanted = safe_upload_name(original_name)
    if (uploads_dir / wanted).is_file() and (uploads_dir / wanted).read_bytes() == data:
        return uploads_dir / wanted
    target = uploads_dir / safe_upload_name(original_name, [p.name for p in uploads_dir.iterdir()])
    target.write_bytes(data)
    return target


def ingest_results_frame(results: list[tuple[str, FileResult]]) -> pd.DataFrame:
    """(uploaded name, result) pairs as the Upload tab's table, labelled in both languages."""
    heads = [both(f"col.{c}") for c in ("file", "result", "office", "year", "details")]
    rows = [
        [
            name,
            both(f"result.{r.status}") if f"result.{r.status}" in WORDING else r.status,
            r.org or "",
            r.year if r.year is not None else "",
            r.reason or "",
        ]
        for name, r in results
    ]
    return pd.DataFrame(rows, columns=heads)
