"""Synthetic annual reports: fictional offices, template-shaped tables, numbers that obey every rule.

Used by tests (round trips through every reader and the report parser) and as demo data when no real
corpus is present. Every place name here is invented; none names a real region. The numbers obey the
template's consistency rules (T3 row totals, the two column rules, T4 group totals); a blank cell
(value None) is only ever printed where the number is 0, as real reports do for unused columns.

    python -m parsers.synthetic OUT_DIR [--count N] [--formats txt,md,html,docx,pdf] [--seed S]
"""

import argparse
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeGuard

from parsers.printed_numbers import money_header, print_number
from parsers.synthetic_facts import (
    APPLICANTS,
    BODIES,
    REGIONS,
    RESULT_WEIGHT,
    ReportStyle,
    SyntheticReport,
    make_report,
)
from parsers.template import (
    AMOUNT,
    SECTION_HEADINGS,
    T3_COLUMNS,
    T4_GROUPS,
    T4_OUTCOMES,
    TABLES,
    V2019,
    V2021,
    cell_kind,
    fact_key,
    t3_rows,
)

# The report's content comes from parsers/synthetic_facts.py; callers import it from here with the layout.
__all__ = [
    "APPLICANTS",
    "BODIES",
    "FORMATS",
    "REGIONS",
    "Format",
    "SyntheticReport",
    "make_report",
    "render",
    "write_corpus",
]

Format = Literal["txt", "md", "html", "docx", "pdf"]
FORMATS: tuple[str, ...] = ("txt", "md", "html", "docx", "pdf")  # the renderers below, one per format

# ------------------------------------------------------------------ layout
_GROUPS = {
    "denied": ("三", "不予公开"),
    "unable": ("四", "无法提供"),
    "rejected": ("五", "不予处理"),
    "other": ("六", "其他处理"),
}
_T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_TOP_LABELS = {
    "new_requests": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "carried_forward": "四、结转下年度继续办理",
}
_SUB_LABELS = {
    "granted": ("一", "予以公开"),
    "partially_granted": ("二", "部分公开（区分处理的，只计这一情形，不计其他情形）"),
    "other_total": ("六", "其他处理"),
    "processed_total": ("七", "总计"),
}
# T2 by template: (item, column headers, [(row key, printed label)], column keys)
_T2_LAYOUT = {
    V2019: [
        (
            "第二十条第（一）项",
            ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
            [("regulations", "规章"), ("normative_documents", "规范性文件")],
            ["new_made", "new_published", "total_published"],
        ),
        (
            "第二十条第（五）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("admin_licensing", "行政许可"), ("other_admin_services", "其他对外管理服务事项")],
            ["prior_count", "change", "decisions"],
        ),
        (
            "第二十条第（六）项",
            ["上一年项目数量", "本年增/减", "处理决定数量"],
            [("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")],
            ["prior_count", "change", "decisions"],
        ),
        (
            "第二十条第（八）项",
            ["上一年项目数量", "本年增/减"],
            [("admin_fees", "行政事业性收费")],
            ["prior_count", "change"],
        ),
        (
            "第二十条第（九）项",
            ["采购项目数量", "采购总金额（单位：万元，保留4位小数）"],
            [("centralized_procurement", "政府集中采购")],
            ["procurement_items", "procurement_amount"],
        ),
    ],
    V2021: [
        (
            "第二十条第（一）项",
            ["本年制发件数", "本年废止件数", "现行有效件数"],
            [("regulations", "规章"), ("normative_documents", "行政规范性文件")],
            ["issued", "repealed", "in_force"],
        ),
        ("第二十条第（五）项", ["本年处理决定数量"], [("admin_licensing", "行政许可")], ["decisions"]),
        (
            "第二十条第（六）项",
            ["本年处理决定数量"],
            [("admin_penalty", "行政处罚"), ("admin_coercion", "行政强制")],
            ["decisions"],
        ),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("admin_fees", "行政事业性收费")], ["fee_amount"]),
    ],
}


@dataclass
class _Cell:
    text: str
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Grid:
    """A printed table: per row, the cells that start in it (covered positions are absent)."""

    ncols: int
    rows: list[list[_Cell]]
    header_rows: int = 0
    label_cols: int = 0
    widths: tuple[float, ...] = ()


TextBlock = tuple[Literal["title", "h1", "h2", "p"], str]
GridBlock = tuple[Literal["table"], _Grid] | tuple[Literal["t2"], list[_Grid]]
Block = TextBlock | GridBlock


def _number(value: int | float | None, key: str, style: ReportStyle) -> str:
    table, _, col = key.split("/") if key.count("/") == 2 else ("T3", "", "")
    return print_number(value, cell_kind(table, col), style.numbers, plus=style.plus_signs)


def _t2_grids(report: SyntheticReport) -> list[_Grid]:
    grids = []
    for item, headers, rows, cols in _T2_LAYOUT[report.template]:
        span = 3 - len(headers)  # the last value column stretches over the unused ones

        def line(first: str, texts: list[str], span: int = span) -> list[_Cell]:
            cells = [_Cell(first, 0)] + [_Cell(t, i + 1) for i, t in enumerate(texts)]
            cells[-1].colspan += span
            return cells

        body = [
            line(label, [_number(report.facts[f"T2/{row}/{c}"], f"T2/{row}/{c}", report.style) for c in cols])
            for row, label in rows
        ]
        headers = [
            money_header(h, report.style.numbers) if cell_kind("T2", c) == AMOUNT else h
            for h, c in zip(headers, cols, strict=True)
        ]
        grids.append(
            _Grid(4, [[_Cell(item, 0, colspan=4)], line("信息内容", headers), *body], 2, 1, (150, 108, 108, 109))
        )
    return grids


def _t3_grid(report: SyntheticReport) -> _Grid:
    style, facts = report.style, report.facts
    enum = (lambda n: f"({n}) ") if style.halfwidth_brackets else (lambda n: f"（{n}）")
    rows: list[list[_Cell]] = [
        [_Cell(_T3_NOTE, 0, 3, 3), _Cell("申请人情况", 3, colspan=7)],
        [_Cell("自然人", 3, rowspan=2), _Cell("法人或其他组织", 4, colspan=5), _Cell("总计", 9, rowspan=2)],
        [_Cell(c.label, 4 + i) for i, c in enumerate(T3_COLUMNS[1:6])],
    ]
    keys = [r.key for r in t3_rows(report.template)]
    results = [k for k in keys if k in RESULT_WEIGHT or k == "processed_total"]
    sub_label = {r.key: r.label for r in t3_rows(report.template)}
    for key in keys:
        if key in _TOP_LABELS:
            labels = [_Cell(_TOP_LABELS[key], 0, colspan=3)]
        elif key in _SUB_LABELS:
            labels = [_Cell(enum(_SUB_LABELS[key][0]) + _SUB_LABELS[key][1], 1, colspan=2)]
        else:
            number, name = _GROUPS[key.split("_")[0]]
            group = [k for k in keys if k.split("_")[0] == key.split("_")[0] and k not in _SUB_LABELS]
            first = [_Cell(enum(number) + name, 1, rowspan=len(group))] if key == group[0] else []
            labels = first + [_Cell(sub_label[key], 2)]
        if key == results[0]:
            labels.insert(0, _Cell("三、本年度办理结果", 0, rowspan=len(results)))
        values = [facts[fact_key("T3", key, c.key)] for c in T3_COLUMNS]
        rows.append(
            labels
            + [
                _Cell(_number(v, fact_key("T3", key, c.key), style), 3 + i)
                for i, (v, c) in enumerate(zip(values, T3_COLUMNS, strict=True))
            ]
        )
    return _Grid(10, rows, 3, 3, (28, 62, 147) + (34,) * 7)


def _t4_grid(report: SyntheticReport) -> _Grid:
    values = [
        _number(report.facts[fact_key("T4", g.key, o.key)], fact_key("T4", g.key, o.key), report.style)
        for g in T4_GROUPS
        for o in T4_OUTCOMES
    ]
    return _Grid(
        15,
        [
            [_Cell("行政复议", 0, colspan=5), _Cell("行政诉讼", 5, colspan=10)],
            [_Cell(o.label, i, rowspan=2) for i, o in enumerate(T4_OUTCOMES)]
            + [_Cell("未经复议直接起诉", 5, colspan=5), _Cell("复议后起诉", 10, colspan=5)],
            [_Cell(o.label, 5 + i) for i, o in enumerate(T4_OUTCOMES * 2)],
            [_Cell(v, i) for i, v in enumerate(values)],
        ],
        3,
        0,
        (31.6,) * 15,
    )


def _blocks(report: SyntheticReport) -> list[Block]:
    blocks: list[Block] = [
        ("title", report.title),
        (
            "p",
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据的统计期限为{report.year}年1月1日至"
            f"{report.year}年12月31日。如对本报告有疑问，请与{report.org}联系。",
        ),
    ]
    grids: dict[str, GridBlock] = {
        "T2": ("t2", _t2_grids(report)),
        "T3": ("table", _t3_grid(report)),
        "T4": ("table", _t4_grid(report)),
    }
    tables = {TABLES[key].section: block for key, block in grids.items()}  # each printed in its section
    for number, heading in SECTION_HEADINGS.items():
        blocks.append(("h1", f"{number}、{heading}"))
        for line in filter(None, report.sections[number].split("\n")):
            is_sub = bool(_SUB_HEADING.match(line)) and len(line) < 20
            blocks.append(("h2" if is_sub else "p", line))
        if number in tables:
            blocks.append(tables[number])
    return blocks


_SUB_HEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")


def _joined_t2(grids: list[_Grid]) -> _Grid:
    return _Grid(4, [row for grid in grids for row in grid.rows], 0, 1, grids[0].widths)


def _grid(block: GridBlock) -> _Grid:
    """The table a block prints: T2's four grids joined into one."""
    return _joined_t2(block[1]) if block[0] == "t2" else block[1]


# ------------------------------------------------------------------ renderers
def render(report: SyntheticReport, fmt: Format) -> bytes:
    """The report as a file of the given format, laid out like a published report."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return _RENDERERS[fmt](report, _blocks(report))


def _render_txt(report: SyntheticReport, blocks: list[Block]) -> bytes:
    out = [""]
    joiner = "" if report.style.numbers.run_together else "\t"  # a crawler's text keeps no cell separator
    for block in blocks:
        if block[0] == "table" or block[0] == "t2":
            out.extend(joiner.join(cell.text for cell in row) for row in _grid(block).rows)
        else:
            out.append(block[1])
        out.append("")
    return "\n".join(out).encode("utf-8")


def _md_table(grid: _Grid) -> list[str]:
    """A pipe table: header rows flattened per column, label columns joined into one cell."""

    def squash(row: list[_Cell]) -> list[str]:
        labels = " ".join(c.text for c in row if c.col < grid.label_cols and c.text)
        return ([labels] if grid.label_cols else []) + [c.text for c in row if c.col >= grid.label_cols]

    covering: list[list[str]] = [[] for _ in range(grid.ncols)]
    for row in grid.rows[: grid.header_rows]:
        for cell in row:
            for col in range(cell.col, cell.col + cell.colspan):
                covering[col].append(cell.text)
    header = ["·".join(dict.fromkeys(texts)) for texts in covering]
    header = (
        [" ".join(dict.fromkeys(t for ts in covering[: grid.label_cols] for t in ts))] if grid.label_cols else []
    ) + header[grid.label_cols :]
    rows = [header, ["---"] * len(header)] + [squash(row) for row in grid.rows[grid.header_rows :]]
    return ["| " + " | ".join(cells) + " |" for cells in rows]


def _render_md(report: SyntheticReport, blocks: list[Block]) -> bytes:
    out: list[str] = []
    marks = {"title": "# ", "h1": "## ", "h2": "### ", "p": ""}
    for block in blocks:
        if block[0] == "t2":
            for grid in block[1]:
                rows = [[c.text for c in row] for row in grid.rows[1:]]
                rows.insert(1, ["---"] * len(rows[0]))
                out += [f"**{grid.rows[0][0].text}**", ""] + ["| " + " | ".join(r) + " |" for r in rows] + [""]
            continue
        out += (_md_table(block[1]) if block[0] == "table" else [marks[block[0]] + block[1]]) + [""]
    return "\n".join(out).encode("utf-8")


def _render_html(report: SyntheticReport, blocks: list[Block]) -> bytes:
    from html import escape

    body = []
    for block in blocks:
        if block[0] == "table" or block[0] == "t2":
            trs = []
            for row in _grid(block).rows:
                tds = "".join(
                    f'<td rowspan="{c.rowspan}" colspan="{c.colspan}"><p><span>'
                    f"{escape(c.text) or '&nbsp;'}</span></p></td>"
                    for c in row
                )
                trs.append(f"<tr>{tds}</tr>")
            body.append('<table border="1" cellspacing="0"><tbody>' + "".join(trs) + "</tbody></table>")
        else:
            kind, content = block
            tag = {"title": "h1", "h1": "p", "h2": "p", "p": "p"}[kind]
            text = escape(content)
            body.append(f"<{tag}><strong>{text}</strong></{tag}>" if kind in ("h1", "h2") else f"<{tag}>{text}</{tag}>")
    page = (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(report.title)}_政府信息公开年报</title>'
        f"<style>td{{border:1px solid #000}}</style></head><body>"
        f'<nav><a href="/">首页</a> &gt; <a href="/zwgk">政府信息公开</a> &gt; 年度报告</nav>'
        f'<div class="article"><div class="article-body">{"".join(body)}</div></div>'
        f"<footer>主办单位：{escape(report.org)}　网站标识码：0000000000</footer></body></html>"
    )
    return page.encode("utf-8")


def _render_docx(report: SyntheticReport, blocks: list[Block]) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.core_properties.title = report.title if report.style.metadata_title else ""
    for block in blocks:
        if block[0] == "table" or block[0] == "t2":
            grid = _grid(block)
            table = document.add_table(rows=len(grid.rows), cols=grid.ncols)
            table.style = "Table Grid"
            # Cell objects taken before any merge: table.cell() rescans the whole table on every call.
            cells = [list(row.cells) for row in table.rows]
            for r, row in enumerate(grid.rows):
                for cell in row:
                    target = cells[r][cell.col]
                    if cell.rowspan > 1 or cell.colspan > 1:
                        target = target.merge(cells[r + cell.rowspan - 1][cell.col + cell.colspan - 1])
                    target.text = cell.text
            continue
        kind, content = block
        paragraph = document.add_paragraph()
        paragraph.add_run(content).bold = kind in ("title", "h1")
        if kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _render_pdf(report: SyntheticReport, blocks: list[Block]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"  # an Adobe CID font: reportlab needs no font file, pdfplumber maps it to Unicode
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    styles = {
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=min(17.0, 470 / len(report.title)), leading=26, alignment=1, wordWrap="CJK"
        ),  # one line, so the title reads back whole
        "h1": ParagraphStyle("h1", fontName=font, fontSize=13, leading=22, wordWrap="CJK"),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=11.5, leading=19, firstLineIndent=23, wordWrap="CJK"),
        "p": ParagraphStyle("p", fontName=font, fontSize=11.5, leading=19, firstLineIndent=23, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=10.5, alignment=1, wordWrap="CJK"),
    }
    story = []
    for block in blocks:
        if block[0] == "table" or block[0] == "t2":
            story += [_pdf_table(_grid(block), styles["cell"], font, Paragraph, Table, TableStyle), Spacer(1, 8)]
        else:
            story.append(Paragraph(block[1], styles[block[0]]))

    def decorate(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        if report.style.running_header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 40, report.org)
        canvas.drawCentredString(A4[0] / 2, 36, f"- {doc.page} -")
        canvas.restoreState()

    buffer = io.BytesIO()
    title = report.title if report.style.metadata_title else ""
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=60,
        rightMargin=60,
        topMargin=64,
        bottomMargin=64,
        title=title,
        author="",
        creator="govqa synthetic",
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()


def _pdf_table(grid: _Grid, cell_style, font: str, Paragraph, Table, TableStyle):
    data = [[""] * grid.ncols for _ in grid.rows]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.6, "black"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), font, 8.5),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
    ]
    for r, row in enumerate(grid.rows):
        for cell in row:
            data[r][cell.col] = Paragraph(cell.text, cell_style) if cell.text else ""
            if cell.rowspan > 1 or cell.colspan > 1:
                commands.append(("SPAN", (cell.col, r), (cell.col + cell.colspan - 1, r + cell.rowspan - 1)))
    return Table(data, colWidths=list(grid.widths), style=TableStyle(commands), repeatRows=0)


_RENDERERS = {"txt": _render_txt, "md": _render_md, "html": _render_html, "docx": _render_docx, "pdf": _render_pdf}


# ------------------------------------------------------------------ corpus and CLI
def _is_format(name: str) -> TypeGuard[Format]:
    return name in _RENDERERS


def write_corpus(out_dir: Path, count: int, formats: tuple[str, ...] = ("txt",), seed: int = 0) -> list[Path]:
    """count reports (seeds seed … seed+count-1), each in every format; make_report(seed+i) regenerates facts."""
    unknown = [f for f in formats if not _is_format(f)]
    if unknown:
        raise ValueError(f"unknown format(s) {', '.join(unknown)}; expected some of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        report = make_report(seed + i)
        for fmt in filter(_is_format, formats):  # every one of them: checked above
            path = out_dir / f"synthetic_{seed + i:05d}_{report.year}.{fmt}"
            path.write_bytes(render(report, fmt))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m parsers.synthetic", description=__doc__.split("\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--formats", default="txt", help=f"comma-separated, from {','.join(FORMATS)}")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    try:
        paths = write_corpus(args.out_dir, args.count, formats, args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    print(f"wrote {len(paths)} files to {args.out_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
