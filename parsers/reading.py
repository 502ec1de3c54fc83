"""Turn a report file (txt, md, html, pdf, docx) into the plain text that the report parser reads.

Text contract, the same for every format:
- paragraphs and headings are lines;
- every table row is ONE line: the cells physically present in that row joined by a tab. A cell
  covered by a merge from above or from the left (HTML rowspan/colspan, DOCX vMerge/gridSpan, a PDF
  grid position pdfplumber reports as None) is not repeated; an empty cell is "". Newlines inside a
  cell are removed, so header words printed over two lines (``本年新\\n制作数量``) come out joined;
- spaces between two Chinese characters or next to Chinese punctuation (justified PDF text, HTML
  source formatting) are dropped; spaces between a number and a word are kept.
Plain .txt files are kept as they are (only the encoding, BOM and line ends are normalised).
"""

import codecs
import io
import re
import statistics
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import docx
import pdfplumber
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from lxml.etree import XMLSyntaxError
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException
from pydantic import BaseModel, Field

from govqa.errors import ParseError
from govqa.settings import ParsingSettings
from parsers.formats import FORMATS, SUFFIX_KIND, Kind, accepted_text

# The suffixes and kinds live in parsers/formats.py; this module has one reader per kind (see _READERS).
EXTENSIONS = SUFFIX_KIND


class Document(BaseModel):
    path: str = Field(description="The path as given.")
    kind: Kind
    text: str = Field(description="Plain text following the module's text contract.")
    title_hint: str | None = Field(None, description="Title as the file states it (HTML <title>/h1, PDF metadata...).")
    page_headers: list[str] = Field(
        default_factory=list, description="PDF: running header/footer lines removed from the text, in page order."
    )
    encoding: str | None = Field(None, description="Detected text encoding (txt, md, html).")


def read_document(path: Path, settings: ParsingSettings) -> Document:
    """Read one report file; raise ParseError saying what is wrong with it."""
    path = Path(path)
    kind = _kind_of(path)
    data = _read_bytes(path, settings)
    document = _READERS[kind](path, data)
    if not document.text.strip():
        raise ParseError(f"the {kind} file contains no text", path)
    return document


def _kind_of(path: Path) -> Kind:
    suffix = path.suffix.lower()
    if suffix == ".doc":
        raise ParseError("old binary Word .doc files are not supported; save it as .docx", path)
    if suffix not in EXTENSIONS:
        raise ParseError(
            f"unsupported file type '{suffix or '(no extension)'}'; expected one of {accepted_text()}", path
        )
    return EXTENSIONS[suffix]


def check_file(path: Path, settings: ParsingSettings) -> int:
    """The file's size; ParseError when it is missing, a folder, empty or over the size limit (nothing is read)."""
    if not path.exists():
        raise ParseError("file not found", path)
    if path.is_dir():
        raise ParseError("this is a folder, not a file", path)
    size = path.stat().st_size
    if size == 0:
        raise ParseError("file is empty (0 bytes)", path)
    if size > settings.max_file_mb * 1024 * 1024:
        raise ParseError(
            f"file is {size / 1024 / 1024:.1f} MiB, over the {settings.max_file_mb:g} MiB limit (parsing.max_file_mb)",
            path,
        )
    return size


def _read_bytes(path: Path, settings: ParsingSettings) -> bytes:
    check_file(path, settings)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror}", path) from exc


# ------------------------------------------------------------------ whitespace
_CJK = "\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2026\u2014"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}]) +(?=[{_CJK}])| +(?=[{_CJK_PUNCT}])|(?<=[{_CJK_PUNCT}]) +")
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u3000\u2002\u2003\u200b]+")


def _clean_inline(text: str) -> str:
    return _CJK_GAP.sub("", _SPACES.sub(" ", text)).strip()


def _clean_cell(text: str | None) -> str:
    return _clean_inline(re.sub(r"[ \t\xa0\u3000]*[\r\n]+[ \t\xa0\u3000]*", "", text or ""))


def _row_line(cells: list[str]) -> str | None:
    """A table row as one tab-joined line; None for a row with no text at all (layout filler)."""
    return "\t".join(cells) if any(cells) else None


# ------------------------------------------------------------------ txt and md
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


_WIDE_ENCODINGS = ["utf_16", "utf_16_le", "utf_16_be", "utf_32", "utf_32_le", "utf_32_be"]


def _decode_text(path: Path, data: bytes) -> tuple[str, str]:
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        # Text with NUL bytes can only be UTF-16/32 saved without a BOM (every digit and line end has a NUL).
        best = charset_normalizer.from_bytes(data, cp_isolation=_WIDE_ENCODINGS).best()
        if best is None:
            raise ParseError("not a text file: it contains NUL bytes (binary data?)", path)
        encoding = best.encoding
    if encoding is None:
        try:
            data.decode("utf_8")
            encoding = "utf_8"
        except UnicodeDecodeError as not_utf8:
            # Without NUL bytes it is not UTF-16/32: a short GBK text would otherwise be read as UTF-16BE.
            best = charset_normalizer.from_bytes(data, cp_exclusion=_WIDE_ENCODINGS).best()
            if best is None:
                reason = "not a text file: its bytes match no known text encoding (binary data?)"
                raise ParseError(reason, path) from not_utf8
            encoding = best.encoding
    text = data.decode(encoding, errors="strict").lstrip("\ufeff")
    if len(_CONTROL.findall(text)) > max(3, len(text) // 200):
        raise ParseError(f"not a text file: decoded as {encoding} it is full of control characters", path)
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


_CRAWLER_TITLE = re.compile(r"^标题[:：]\s*(.+?)\s*$")


def _first_line_title(lines: list[str]) -> str | None:
    first = next((line.strip() for line in lines if line.strip()), None)
    return first if first and len(first) <= 80 else None


def _read_txt(path: Path, data: bytes) -> Document:
    text, encoding = _decode_text(path, data)
    lines = text.split("\n")
    crawler = _CRAWLER_TITLE.match(lines[0]) if lines else None
    title = crawler.group(1) if crawler else _first_line_title(lines)
    return Document(path=str(path), kind="txt", text=text, title_hint=title, encoding=encoding)


_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MD_INLINE = [(re.compile(r"(\*\*|__|~~)(.+?)\1"), r"\2"), (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1")]


def _md_cells(line: str) -> list[str]:
    line = line.strip()
    line = line[1:] if line.startswith("|") else line
    line = line[:-1] if line.endswith("|") and not line.endswith("\\|") else line
    return [_clean_cell(cell.replace("\\|", "|")) for cell in re.split(r"(?<!\\)\|", line)]


def _md_table_lines(lines: list[str]) -> set[int]:
    """Indexes of lines belonging to a pipe table: the block of '|' lines around each separator row."""
    rows: set[int] = set()
    for i, line in enumerate(lines):
        if "|" in line and _MD_SEPARATOR.match(line) and "-" in line:
            j = i - 1
            while j >= 0 and "|" in lines[j] and j not in rows:
                rows.add(j)
                j -= 1
            j = i
            while j < len(lines) and "|" in lines[j]:
                rows.add(j)
                j += 1
    return rows


def _read_md(path: Path, data: bytes) -> Document:
    # Line based on purpose: Markdown->HTML would join soft-wrapped lines and drop list numbers
    # ("1." enumerators of sub-headings), and the lines must stay the lines of the file.
    text, encoding = _decode_text(path, data)
    lines = text.split("\n")
    table_rows = _md_table_lines(lines)
    out, title = [], None
    for i, line in enumerate(lines):
        for pattern, repl in _MD_INLINE:
            line = pattern.sub(repl, line)
        if i in table_rows:
            if not _MD_SEPARATOR.match(line):
                out.append("\t".join(_md_cells(line)))
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            line = heading.group(1)
            title = title or line.strip() or None
        out.append(line.rstrip())
    title = title or _first_line_title(out)
    return Document(path=str(path), kind="md", text="\n".join(out), title_hint=title, encoding=encoding)


# ------------------------------------------------------------------ html
_CHROME = ["script", "style", "noscript", "template", "iframe", "svg", "nav", "head", "form", "select", "button"]
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "main",
    "blockquote",
    "pre",
    "hr",
    "address",
    "figure",
    "figcaption",
    "center",
    "caption",
    "body",
    "html",
}
_REPORT_TABLE = re.compile(r"第二十条|本年新收|行政复议|予以公开|申请人情况")
_SECTION_MARKERS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请", "存在的主要问题")
_NUMBERED_HEADINGS = ("一、", "二、", "三、")
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)


def _read_html(path: Path, data: bytes) -> Document:
    soup = BeautifulSoup(data, "lxml")
    title = _html_title(soup)
    for tag in soup(_CHROME):
        tag.decompose()
    lines = _html_lines(_content_root(soup))
    return Document(
        path=str(path), kind="html", text="\n".join(lines), title_hint=title, encoding=soup.original_encoding
    )


def _html_title(soup: BeautifulSoup) -> str | None:
    meta = soup.find("meta", attrs={"name": re.compile(r"^articletitle$", re.I)})
    content = meta.get("content") if isinstance(meta, Tag) else None
    if isinstance(content, str) and _clean_inline(content):
        return _clean_inline(content)
    h1s = [_clean_inline(h.get_text()) for h in soup.find_all("h1")]
    titled = [h for h in h1s if "报告" in h]
    if titled:
        return titled[0]
    if soup.title and _clean_inline(soup.title.get_text()):
        parts = [p for p in re.split(r"\s*[_|｜–—]\s*|\s+-\s+|-(?=[^-]*$)", soup.title.get_text().strip()) if p]
        return _clean_inline(next((p for p in parts if "报告" in p), parts[0]))
    return next((h for h in h1s if h), None)


def _content_root(soup: BeautifulSoup) -> Tag:
    """The smallest element holding all the report's tables and section headings found in the page.

    Saved pages wrap the report in 100k+ characters of menus and link lists; walking down from <body>
    while one child still holds everything avoids keying on any one site's class names.
    """
    body = soup.body or soup
    tables = [t for t in body.find_all("table") if _REPORT_TABLE.search(_squeezed(t))]
    body_text = _squeezed(body)
    markers = [m for m in _SECTION_MARKERS if m in body_text]
    # The numbered headings too: an opening paragraph that lists the report's parts names every section
    # marker, and would otherwise be taken for the whole report.
    markers += [m for m in _NUMBERED_HEADINGS if m in body_text]
    if len(tables) + len(markers) < 2:
        return body  # one anchor alone would shrink the root to that heading or table
    node = body
    while True:
        child = next((c for c in node.find_all(True, recursive=False) if _holds(c, tables, markers)), None)
        if child is None:
            return node
        node = child


def _holds(tag: Tag, tables: list[Tag], markers: list[str]) -> bool:
    if not all(t is tag or any(p is tag for p in t.parents) for t in tables):
        return False
    text = _squeezed(tag)
    return all(m in text for m in markers)


def _squeezed(tag: Tag) -> str:
    return re.sub(r"\s+", "", tag.get_text())


def _html_lines(root: Tag) -> list[str]:
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = _clean_inline("".join(buffer))
        buffer.clear()
        if line:
            lines.append(line)

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIPPED_STRINGS):
                    buffer.append(str(child))
            elif not isinstance(child, Tag):
                continue  # comments, doctypes and other non-element nodes carry no report text
            elif child.name == "table":
                flush()
                lines.extend(_html_table_rows(child))
            elif child.name == "br":
                flush()
            else:
                block = child.name in _BLOCK
                if block:
                    flush()
                walk(child)
                if block:
                    flush()

    walk(root)
    flush()
    return lines


def _html_table_rows(table: Tag) -> list[str]:
    rows = []
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a row of a table nested in a cell: its text is already in that cell
        line = _row_line([_clean_cell(td.get_text()) for td in tr.find_all(["td", "th"], recursive=False)])
        if line is not None:
            rows.append(line)
    return rows


# ------------------------------------------------------------------ docx
def _read_docx(path: Path, data: bytes) -> Document:
    try:
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ParseError("broken .docx: the file is not a zip package (a .docx is a zip of XML parts)", path) from exc
    except (PackageNotFoundError, KeyError, XMLSyntaxError) as exc:
        raise ParseError(f"broken .docx: not a readable Word document package ({exc})", path) from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            lines.extend(_docx_table_rows(block))
        elif text := _clean_inline(block.text):
            lines.append(text)
    title = _clean_inline(document.core_properties.title or "") or (lines[0] if lines else None)
    return Document(path=str(path), kind="docx", text="\n".join(lines), title_hint=title)


def _docx_table_rows(table: Table) -> list[str]:
    # python-docx's row.cells repeats a merged cell once per grid column it spans; the <w:tc>
    # elements are the cells physically present, and a vMerge "continue" cell is a covered one.
    rows = []
    for tr in table._tbl.tr_lst:
        cells = [_clean_cell(_Cell(tc, table).text) for tc in tr.tc_lst if tc.vMerge != "continue"]
        if (line := _row_line(cells)) is not None:
            rows.append(line)
    return rows


# ------------------------------------------------------------------ pdf
@dataclass
class _PdfLine:
    """A line of page text, or one table row, with its position on the page."""

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    text: str
    is_row: bool = False


_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d+\s*页)?[-—–_\s]*$")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[）)]|\d{1,2}[.．、](?!\d))"
)


def _read_pdf(path: Path, data: bytes) -> Document:
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_pdf_page_lines(page, i) for i, page in enumerate(pdf.pages)]
            heights = [float(page.height) for page in pdf.pages]
            meta_title = _pdf_meta_title(pdf)
    except (PdfminerException, PSException) as exc:
        if "password" in repr(exc).lower() or "encrypt" in repr(exc).lower():
            raise ParseError("cannot open the PDF: it is encrypted (password-protected)", path) from exc
        raise ParseError(f"cannot open the PDF: the file is damaged or not a PDF ({exc})", path) from exc
    if not any(line.text.strip() for page in pages for line in page):
        raise ParseError(f"scanned or image-only PDF: no extractable text on its {len(pages)} page(s)", path)
    running = _running_lines(pages, heights)
    kept = [line for page in pages for line in page if id(line) not in running]
    page_headers = list(
        dict.fromkeys(
            line.text for page in pages for line in page if id(line) in running and not _PAGE_NUMBER.match(line.text)
        )
    )
    text_lines = _join_wrapped_lines(kept)
    undecodable = _cid_share("".join(text_lines))
    if undecodable > 0.3:
        raise ParseError(
            f"cannot read the PDF's text: {undecodable:.0%} of it comes out as (cid:N) glyph codes, because its "
            "fonts have no usable Unicode map; save it again as PDF with another program, or use the HTML/DOCX "
            "version",
            path,
        )
    return Document(
        path=str(path),
        kind="pdf",
        text="\n".join(text_lines),
        title_hint=_pdf_title(meta_title, kept),
        page_headers=page_headers,
    )


_CID_CODE = re.compile(r"\(cid:\d+\)")


def _cid_share(text: str) -> float:
    """Share of the non-space characters that are pdfminer's (cid:N) stand-ins for glyphs it cannot map."""
    squeezed = re.sub(r"\s+", "", text)
    return sum(len(m) for m in _CID_CODE.findall(squeezed)) / len(squeezed) if squeezed else 0.0


def _pdf_page_lines(page, page_no: int) -> list[_PdfLine]:
    rows: list[tuple[tuple, tuple, list]] = []
    cell_boxes: list[tuple] = []
    for table in page.find_tables():
        width = table.bbox[2] - table.bbox[0]
        for row, texts in zip(table.rows, table.extract(), strict=False):
            cells = [(box, text) for box, text in zip(row.cells, texts, strict=False) if box is not None]
            if len(cells) == 1 and cells[0][0][2] - cells[0][0][0] >= 0.9 * width:
                continue  # a full-width one-cell row (page frame, "第二十条第（一）项"): read as text
            rows.append((row.bbox, table.bbox, [(box[0], text) for box, text in cells]))
            cell_boxes.extend(box for box, _ in cells)
    free = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, cell_boxes))
    lines = []
    for found in free.extract_text_lines(layout=False, strip=True, return_chars=True):
        size = statistics.median(c["size"] for c in found["chars"]) if found["chars"] else 10.0
        line = _PdfLine(page_no, found["top"], found["bottom"], found["x0"], found["x1"], size, found["text"])
        owner = next((r for r in rows if _within_row(line, r[0], r[1])), None)
        if owner:
            owner[2].append((line.x0, line.text))  # text the grid missed (cell without borders) joins its row
        elif text := _clean_inline(line.text):
            line.text = text
            lines.append(line)
    for bbox, _, cells in rows:
        row_text = _row_line([_clean_cell(cell) for _, cell in sorted(cells, key=lambda c: c[0])])
        if row_text is not None:
            lines.append(_PdfLine(page_no, bbox[1], bbox[3], bbox[0], bbox[2], 0.0, row_text, is_row=True))
    return sorted(lines, key=lambda line: (round(line.top), line.x0))


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)


def _within_row(line: _PdfLine, row_box: tuple, table_box: tuple) -> bool:
    cy = (line.top + line.bottom) / 2
    return row_box[1] <= cy <= row_box[3] and table_box[0] - 2 <= line.x0 and line.x1 <= table_box[2] + 2


def _running_lines(pages: list[list[_PdfLine]], heights: list[float]) -> set[int]:
    """ids of running header/footer lines: page numbers, or text repeated at a page edge on most pages."""
    edge: list[tuple[_PdfLine, str]] = []
    for page, height in zip(pages, heights, strict=False):
        text_lines = [line for line in page if not line.is_row]
        for line in text_lines[:2] + text_lines[-2:]:
            if line.bottom < 0.12 * height or line.top > 0.88 * height:
                edge.append((line, re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text))))
    pages_with: Counter[str] = Counter()
    for key in {(line.page, key) for line, key in edge}:
        pages_with[key[1]] += 1
    needed = max(2, (len(pages) + 1) // 2)
    return {id(line) for line, key in edge if _PAGE_NUMBER.match(line.text) or pages_with[key] >= needed}


def _join_wrapped_lines(lines: list[_PdfLine]) -> list[str]:
    """Join the visual lines of a paragraph: a text line reaching the right margin continues below."""
    text_lines = [line for line in lines if not line.is_row]
    if not text_lines:
        return [line.text for line in lines]
    right = _quantile([line.x1 for line in text_lines], 0.9)
    left = _quantile([line.x0 for line in text_lines], 0.1)
    out: list[str] = []
    previous: _PdfLine | None = None
    for line in lines:
        if previous and _continues(previous, line, left, right):
            glue = " " if out[-1][-1:].isascii() and out[-1][-1:].isalnum() and line.text[:1].isascii() else ""
            out[-1] += glue + line.text
        else:
            out.append(line.text)
        previous = line
    return out


def _continues(previous: _PdfLine, line: _PdfLine, left: float, right: float) -> bool:
    if previous.is_row or line.is_row or _HEADING_START.match(line.text):
        return False
    full = previous.x1 >= right - 1.2 * previous.size
    indented = line.x0 > left + 0.8 * line.size
    return full and not indented


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _pdf_meta_title(pdf) -> str | None:
    """The Info /Title, decoded also when a writer stored UTF-16LE with a BOM (pdfminer misreads that)."""
    info = pdf.doc.info[0] if pdf.doc.info else {}
    raw = resolve1(info.get("Title"))
    if isinstance(raw, bytes):
        for bom, encoding in ((codecs.BOM_UTF16_LE, "utf_16_le"), (codecs.BOM_UTF16_BE, "utf_16_be")):
            if raw.startswith(bom):
                return _clean_inline(raw[2:].decode(encoding, errors="replace")) or None
        raw = pdf.metadata.get("Title")
    return _clean_inline(raw) or None if isinstance(raw, str) else None


def _pdf_title(meta_title: str | None, lines: list[_PdfLine]) -> str | None:
    """Metadata title when it names a year, else the first page's opening lines up to the one with 报告."""
    if meta_title and re.search(r"(?:19|20)\d\d", meta_title) and "报告" in meta_title:
        return meta_title
    opening = [line.text for line in lines if line.page == lines[0].page and not line.is_row][:3] if lines else []
    for n in range(1, len(opening) + 1):
        if "报告" in opening[n - 1]:
            return re.sub(r"\s+", "", "".join(opening[:n]))
    return meta_title or (opening[0] if opening else None)


_READERS = {"txt": _read_txt, "md": _read_md, "html": _read_html, "pdf": _read_pdf, "docx": _read_docx}
if set(_READERS) != {f.kind for f in FORMATS}:  # a format registered without a reader is a programming error
    raise RuntimeError("parsers/formats.py and parsers/reading.py disagree on the readable kinds")
