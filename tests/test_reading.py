"""parsers.reading: every format becomes the same plain text, tables as one tab-joined line per row."""

import io
import random
import re
import zipfile
from pathlib import Path

import docx
import pdfplumber
import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from govqa.errors import ParseError
from govqa.settings import ParsingSettings
from parsers.reading import read_document
from parsers.synthetic import FORMATS, make_report, render

NEW_REQUESTS = "一、本年新收政府信息公开申请数量"
T3_COLS = [
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
]


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _line_starting(text: str, label: str) -> list[str]:
    lines = [line for line in text.split("\n") if line.split("\t")[0] == label]
    assert len(lines) == 1, f"expected one line starting with {label!r}, found {lines}"
    return lines[0].split("\t")


def _expected_cells(report, row: str) -> list[str]:
    return ["" if (v := report.facts[f"T3/{row}/{c}"]) is None else str(v) for c in T3_COLS]


# ------------------------------------------------------------------ txt encodings
@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf_8", {"utf_8"}),
        ("utf_8_sig", {"utf_8_sig"}),
        ("gbk", {"gb18030", "gbk", "gb2312"}),
        ("gb18030", {"gb18030"}),
        ("utf_16", {"utf_16"}),
    ],
)
def test_txt_in_any_chinese_encoding_reads_back_identical(tmp_path, encoding, detected):
    text = render(make_report(1), "txt").decode("utf-8")
    if encoding == "gb18030":
        text += "\n附：𠮷字不在GBK字符集中，只有GB18030能编码。\n"  # forces a real GB18030-only byte sequence
    path = _write(tmp_path, "report.txt", text.encode(encoding))
    document = read_document(path, ParsingSettings())
    assert document.text == text
    assert document.encoding in detected
    assert not document.text.startswith("\ufeff")


def test_txt_windows_line_ends_become_newlines(tmp_path):
    text = render(make_report(2), "txt").decode("utf-8")
    path = _write(tmp_path, "crlf.txt", text.replace("\n", "\r\n").encode("gbk"))
    assert read_document(path, ParsingSettings()).text == text


def test_crawler_header_is_kept_and_gives_the_title(tmp_path):
    report = make_report(3)
    header = (
        f"标题: {report.title}\n发布时间: 2021-01-20 10:00\n文号: \n发布机构: {report.org}\n栏目: 政府信息公开年报\n"
        "原文链接: https://example.invalid/a.htm\n本地目录: x\n页面链接与图片详见 links.tsv(同目录)\n"
        "==================== 正文 ====================\n"
    )
    text = header + render(report, "txt").decode("utf-8")
    document = read_document(_write(tmp_path, "x_pingtanarchive.txt", text.encode("utf-8")), ParsingSettings())
    assert document.title_hint == report.title
    assert document.text == text


# ------------------------------------------------------------------ errors
def _image_only_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.rect(100, 100, 300, 400, fill=1)
    page.save()
    return buffer.getvalue()


def _encrypted_pdf() -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("user-secret", "owner-secret"))
    page.drawString(100, 700, "annual report")
    page.save()
    return buffer.getvalue()


def _zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a word document")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("report.xlsx", b"PK\x03\x04 spreadsheet", "unsupported file type '.xlsx'"),
        ("report", b"no extension", "unsupported file type '(no extension)'"),
        ("old.doc", b"\xd0\xcf\x11\xe0 old word", "old binary Word .doc"),
        ("junk.txt", random.Random(0).randbytes(4000).replace(b"\x00", b"\x01"), "not a text file"),
        ("nul.txt", "正文".encode() + b"\x00\x00\x00" * 50, "not a text file: it contains NUL bytes"),
        ("damaged.pdf", b"%PDF-1.4\n" + b"garbage " * 100, "damaged or not a PDF"),
        ("encrypted.pdf", _encrypted_pdf(), "encrypted"),
        ("scan.pdf", _image_only_pdf(), "scanned or image-only PDF"),
        ("broken.docx", b"this is not a zip file at all", "broken .docx: the file is not a zip package"),
        ("other.docx", _zip_without_word_parts(), "broken .docx: not a readable Word document"),
        ("blank.html", b"<html><body><div>  </div></body></html>", "contains no text"),
    ],
)
def test_unreadable_file_raises_parse_error_naming_file_and_reason(tmp_path, name, data, reason):
    path = _write(tmp_path, name, data)
    with pytest.raises(ParseError) as caught:
        read_document(path, ParsingSettings())
    assert caught.value.path == str(path)
    assert reason in caught.value.reason
    assert name in str(caught.value)


def test_missing_file_raises_parse_error(tmp_path):
    path = tmp_path / "nowhere.pdf"
    with pytest.raises(ParseError, match=r"nowhere\.pdf: file not found"):
        read_document(path, ParsingSettings())


def test_folder_instead_of_file_raises_parse_error(tmp_path):
    folder = tmp_path / "reports.txt"
    folder.mkdir()
    with pytest.raises(ParseError, match="folder, not a file"):
        read_document(folder, ParsingSettings())


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = _write(tmp_path, "big.txt", "报告正文".encode() * 20_000)  # 240 kB
    with pytest.raises(ParseError, match=r"big\.txt: file is 0\.2 MiB, over the 0\.1 MiB limit"):
        read_document(path, ParsingSettings(max_file_mb=0.1))
    assert read_document(path, ParsingSettings(max_file_mb=1)).text.startswith("报告正文")


# ------------------------------------------------------------------ table rows, all formats
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", [1, 4])  # seed 1: v2019 report, seed 4: v2021 report
def test_rendered_format_reads_back_t3_row_with_its_seven_numbers(tmp_path, fmt, seed):
    report = make_report(seed)
    document = read_document(_write(tmp_path, f"r.{fmt}", render(report, fmt)), ParsingSettings())
    assert _line_starting(document.text, NEW_REQUESTS) == [NEW_REQUESTS] + _expected_cells(report, "new_requests")
    assert document.title_hint == report.title


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_txt_html_docx_pdf_read_back_to_the_same_text(tmp_path, seed):
    report = make_report(seed)
    texts = {}
    for fmt in ("txt", "html", "docx", "pdf"):
        text = read_document(_write(tmp_path, f"r.{fmt}", render(report, fmt)), ParsingSettings()).text
        texts[fmt] = [line for line in text.split("\n") if line.strip()]
    assert texts["html"] == texts["txt"]
    assert texts["docx"] == texts["txt"]
    assert texts["pdf"] == texts["txt"]  # wrapped PDF lines rejoined, page numbers dropped


def test_blank_cells_read_back_as_empty_cells(tmp_path):
    seed = next(s for s in range(200) if make_report(s).style.blank_columns)
    report = make_report(seed)
    expected = [NEW_REQUESTS] + _expected_cells(report, "new_requests")
    assert "" in expected
    for fmt in FORMATS:
        text = read_document(_write(tmp_path, f"b.{fmt}", render(report, fmt)), ParsingSettings()).text
        assert _line_starting(text, NEW_REQUESTS) == expected, fmt


def test_pdf_t3_continued_over_a_page_break_reads_as_one_table(tmp_path):
    for seed in range(50):
        pdf = render(make_report(seed), "pdf")
        with pdfplumber.open(io.BytesIO(pdf)) as opened:
            pages = [
                i
                for i, page in enumerate(opened.pages)
                if re.search(r"本年新收|予以公开|结转下年度继续办理", page.extract_text() or "")
            ]
        if len(pages) > 1:
            break
    else:
        pytest.fail("no synthetic PDF among 50 seeds splits T3 over two pages")
    report = make_report(seed)
    lines = read_document(_write(tmp_path, "split.pdf", pdf), ParsingSettings()).text.split("\n")
    first = lines.index(next(line for line in lines if line.startswith(NEW_REQUESTS)))
    t3 = lines[first : first + len([k for k in report.facts if k.startswith("T3/") and k.endswith("/total")])]
    assert t3[-1].split("\t") == ["四、结转下年度继续办理"] + _expected_cells(report, "carried_forward")
    assert all(len(line.split("\t")) >= 8 for line in t3)  # no row broken by the page break


def test_pdf_running_header_and_page_numbers_leave_the_text(tmp_path):
    seed = next(s for s in range(100) if make_report(s).style.running_header)
    report = make_report(seed)
    document = read_document(_write(tmp_path, "h.pdf", render(report, "pdf")), ParsingSettings())
    assert document.page_headers == [report.org]
    lines = document.text.split("\n")
    assert report.org not in lines
    assert not [line for line in lines if re.fullmatch(r"-\s*\d+\s*-", line)]


# ------------------------------------------------------------------ merged cells and markup
def test_html_merged_cells_are_not_repeated_and_cell_lines_join(tmp_path):
    html = """<html><head><title>某单位2020年政府信息公开工作年度报告_年报</title></head><body>
    <nav>首页 政府信息公开</nav><div><p>一、总体情况</p><p>正文<span>内容</span></p>
    <table><tr><td rowspan="2">三、本年度<br>办理结果</td><td colspan="2">（一）予以&nbsp;公开</td><td> 5 </td></tr>
    <tr><td>（三）不予公开</td><td><p>1.属于</p><p>国家秘密</p></td><td></td></tr></table></div></body></html>"""
    document = read_document(_write(tmp_path, "m.html", html.encode("utf-8")), ParsingSettings())
    assert document.text.split("\n") == [
        "一、总体情况",
        "正文内容",
        "三、本年度办理结果\t（一）予以公开\t5",
        "（三）不予公开\t1.属于国家秘密\t",
    ]
    assert document.title_hint == "某单位2020年政府信息公开工作年度报告"


def test_docx_merged_cells_are_not_repeated(tmp_path):
    document = docx.Document()
    document.add_paragraph("一、总体情况")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(2, 0)).text = "三、本年度\n办理结果"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "（一）予以公开"
    table.cell(0, 3).text = "7"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "（三）不予公开"
    table.cell(1, 2).text, table.cell(1, 3).text = "1.属于国家秘密", "0"
    table.cell(2, 2).text = "2.其他法律行政法规禁止公开"
    document.add_paragraph("二、主动公开政府信息情况")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_document(_write(tmp_path, "m.docx", buffer.getvalue()), ParsingSettings()).text
    assert text.split("\n") == [
        "一、总体情况",
        "三、本年度办理结果\t（一）予以公开\t7",
        "（三）不予公开\t1.属于国家秘密\t0",
        "2.其他法律行政法规禁止公开\t",
        "二、主动公开政府信息情况",
    ]


def test_markdown_headings_bold_and_pipe_tables_become_plain_lines(tmp_path):
    md = (
        "# 某县人民政府2021年政府信息公开工作年度报告\n\n## 一、总体情况\n\n全年主动公开**政府信息**120条。\n\n"
        "| 信息内容 | 本年处理决定数量 |\n|:---|---:|\n| 行政许可 | 55 |\n| 行政处罚 |  |\n\n1. 加强培训\n"
    )
    document = read_document(_write(tmp_path, "r.md", md.encode("utf-8")), ParsingSettings())
    assert [line for line in document.text.split("\n") if line] == [
        "某县人民政府2021年政府信息公开工作年度报告",
        "一、总体情况",
        "全年主动公开政府信息120条。",
        "信息内容\t本年处理决定数量",
        "行政许可\t55",
        "行政处罚\t",
        "1. 加强培训",
    ]
    assert document.title_hint == "某县人民政府2021年政府信息公开工作年度报告"


# ------------------------------------------------------------------ the real corpus
REAL = [  # file, title, T3 new_requests cells, T4 numbers (None: not checked)
    (
        "fujian-pingtan_2024_pingtanarchive.html",
        "平潭综合实验区2024年度政府信息公开工作年度报告",
        ["217", "1", "0", "0", "0", "0", "218"],
        "2 1 3 1 7 0 0 0 0 0 13 2 4 0 19",
    ),
    (
        "fujian-pingtan_2020_pingtanarchive.html",
        "平潭综合实验区2020年度政府信息公开工作年度报告",
        ["20", "0", "0", "0", "0", "1", "21"],
        "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
    ),
    (
        "fujian-pingtan-gonganju_2024_pingtanarchive.html",
        "平潭综合实验区公安局2024年政府信息公开工作年度报告",
        ["8", "0", "0", "0", "0", "0", "8"],
        None,
    ),
    (
        "jiangsu-suqian-shuyang-fagaiju_2023_kiro.html",
        "沭阳县发展和改革局2023年政府信息公开年度报告",
        ["26", "", "", "", "", "", "26"],
        "0 0 0 1 1 0 0 0 0 0 0 0 0 0 0",
    ),
    (
        "jiangsu-huaian-hongzequ_2023_kiro.pdf",
        "洪泽区人民政府2023年政府信息公开工作年度报告",
        ["21", "0", "0", "0", "0", "0", "21"],
        "10 1 0 0 0 0 0 0 0 0 5 0 0 0 0",
    ),
    (
        "jiangsu-huaian-hongzequ_2024_kiro.pdf",
        "淮安市洪泽区人民政府2024年政府信息公开工作年度报告",
        ["95", "0", "0", "0", "0", "0", "95"],
        None,
    ),
    (
        "jiangsu-huaian-shi_2024_govnianbao.pdf",
        "淮安市人民政府2024年政府信息公开工作年度报告",
        ["3001", "53", "0", "0", "61", "4", "3119"],
        "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20",
    ),
]


@pytest.mark.corpus
@pytest.mark.parametrize(("name", "title", "new_requests", "t4"), REAL, ids=[r[0] for r in REAL])
def test_real_report_reads_to_sections_and_t3_rows(corpus, name, title, new_requests, t4):
    document = read_document(corpus / "raw" / name, ParsingSettings())
    assert document.title_hint == title
    lines = document.text.split("\n")
    assert "一、总体情况" in lines and "六、其他需要报告的事项" in lines
    assert _line_starting(document.text, NEW_REQUESTS)[-7:] == new_requests
    if t4:
        assert t4.replace(" ", "\t") in lines
    t3_rows = [line for line in lines if re.search(r"\t\d+(\t\d*){5}\t\d+$", line)]
    assert len(t3_rows) >= 24  # every T3 row (24 in v2019 layouts): a label then 7 numeric or blank cells


@pytest.mark.corpus
@pytest.mark.parametrize("name", [r[0] for r in REAL if r[0].endswith(".html")])
def test_real_html_page_chrome_is_left_out(corpus, name):
    text = read_document(corpus / "raw" / name, ParsingSettings()).text
    assert len(text) < 8000  # the saved pages are 95k-320k characters
    for chrome in ("闽ICP备", "主办单位", "移动版", "采集时间", "繁體版", "无障碍"):
        assert chrome not in text


@pytest.mark.corpus
@pytest.mark.parametrize("name", [r[0] for r in REAL if r[0].endswith(".pdf")])
def test_real_pdf_page_numbers_are_dropped_and_paragraphs_rejoined(corpus, name):
    document = read_document(corpus / "raw" / name, ParsingSettings())
    lines = document.text.split("\n")
    assert not [line for line in lines if re.fullmatch(r"-\s*\d+\s*-", line)]
    assert document.page_headers == []  # these PDFs carry only page numbers
    assert any(line.startswith("本报告由淮安市") and line.endswith("）。") for line in lines)


@pytest.mark.corpus
def test_real_crawler_txt_keeps_its_text_and_takes_the_title_line(corpus):
    path = corpus / "raw" / "fujian-pingtan_2024_pingtanarchive.txt"
    document = read_document(path, ParsingSettings())
    assert document.title_hint == "平潭综合实验区2024年度政府信息公开工作年度报告"
    assert document.text == path.read_text(encoding="utf-8")
    assert document.encoding == "utf_8"
