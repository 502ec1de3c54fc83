"""What the web app shows: citation cards, report tables, fact CSVs and upload names (no server needed)."""

import csv
import hashlib

import pytest

from bot.models import Answer, Citation, QueryPlan
from bot.wording import fact_citation
from govqa.errors import IngestError
from index.facts import FactStore
from index.models import ReportRecord, SourceFile
from index.offices import is_government_office, office_record
from parsers.checks import run_checks
from parsers.report import ReportParser
from web.presenting import (
    CitationContexts,
    answer_html,
    chart_kind,
    citation_card,
    citation_context,
    facts_frame,
    filter_reports,
    highlight,
    locate_quote,
    report_sections_html,
    report_summary_html,
    report_table,
    section_for,
    series_frame,
    write_facts_csv,
)
from web.uploads import safe_upload_name, store_upload

YICHUAN_SEED = "003_5e020ea6cd751a4c.txt"
LUOLONG_SEED = "000_fd2255dcef9b15cd.txt"
NEW_REQUESTS = "T3/new_requests/total"


@pytest.fixture(scope="module")
def parser():
    from govqa.settings import Settings

    return ReportParser(Settings().parsing)


@pytest.fixture(scope="module")
def yichuan(parser, corpus):
    return parser.parse(corpus / "seeds" / YICHUAN_SEED)


@pytest.fixture(scope="module")
def luolong(parser, corpus):
    return parser.parse(corpus / "seeds" / LUOLONG_SEED)


@pytest.fixture
def store(tmp_path, yichuan, luolong):
    """A real SQLite fact store holding the two seed reports."""
    facts = FactStore(f"sqlite:///{tmp_path / 'facts.sqlite3'}")
    for report in (yichuan, luolong):
        office = office_record(report.org, report.region, is_government_office(report.org), [report.year])
        sha = hashlib.sha256(report.report_id.encode()).hexdigest()
        facts.replace_report(report, [SourceFile(source=report.source, sha256=sha)], office)
    yield facts
    facts.close()


def _table_citation(store: FactStore, org: str, year: int, key: str) -> Citation:
    [fact] = store.facts(orgs=[org], years=[year], keys=[key])
    return fact_citation(fact)


# ---------------------------------------------------------------------------- highlighting
@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("收到申请27件", [(4, 6)], "收到申请<mark>27</mark>件"),
        ("a<b>c", [(0, 1)], "<mark>a</mark>&lt;b&gt;c"),
        ("abcdef", [(1, 3), (2, 5)], "a<mark>bcde</mark>f"),
        ("abc", [(5, 9), (2, 2)], "abc"),
        ("<script>x</script>", [], "&lt;script&gt;x&lt;/script&gt;"),
    ],
)
def test_highlight_escapes_html_and_marks_merged_spans(text, spans, expected):
    assert highlight(text, spans) == expected


def test_quote_is_located_exactly_or_fuzzily_in_its_section():
    text = "一是加强组织领导。二是完善工作机制，提升公开质量。三是加强培训。"
    assert locate_quote(text, "二是完善工作机制，提升公开质量。") == (9, 25)
    start, end = locate_quote(text, "二是完善工作机制,提升公开质量")  # half-width comma, no full stop
    assert text[start:end].startswith("二是完善工作机制")
    assert locate_quote(text, "完全无关的一句话内容在这里出现") is None


# ---------------------------------------------------------------------------- citation cards
@pytest.mark.corpus
def test_table_citation_card_shows_office_year_section_cell_and_value(store):
    citation = _table_citation(store, "伊川县人民政府", 2020, NEW_REQUESTS)
    [context] = CitationContexts(store).for_answer(
        Answer(question="q", status="answered", route="sql", answer="", citations=[citation])
    )
    card = citation_card(1, citation, context, [])
    assert "<b>伊川县人民政府</b> · 2020年 · 三、收到和处理政府信息公开申请情况" in card
    assert '本年新收政府信息公开申请数量 × 总计 = <b class="gq-val">27</b>' in card
    # Opened, the card shows the whole printed row with the cited column marked.
    assert context.cited_column == "总计"
    assert dict(context.row)["总计"] == "27"
    assert '<td class="gq-cited">27</td>' in card
    assert card.startswith('<details class="gq-card">') and "\n\n" not in card


@pytest.mark.corpus
def test_passage_citation_card_marks_question_words_and_the_quote_in_its_section(luolong):
    section = next(s for s in luolong.sections if s.number == "五")
    sentence = section.text.strip().split("。")[0] + "。"
    citation = Citation(
        report_id=luolong.report_id,
        title=luolong.title,
        org=luolong.org,
        year=luolong.year,
        section="五、存在的主要问题及改进情况",
        locator="第1–20字",
        quote=sentence,
    )
    context = citation_context(luolong, citation)
    assert context.section_title == "五、存在的主要问题及改进情况"
    word = sentence[2:4]
    card = citation_card(2, citation, context, [word])
    summary, details = card.split("</summary>")
    assert f"<mark>{word}</mark>" in summary
    assert f"<mark>{highlight(sentence, [])}</mark>" in details.replace("<br>", "\n")


@pytest.mark.corpus
def test_sub_section_citation_finds_the_sub_section_not_its_parent(yichuan):
    sub = next(s for s in yichuan.sections if s.level == 2)
    found = section_for(yichuan, f"{sub.parent}{sub.number}{sub.heading}")
    assert (found.number, found.level) == (sub.number, 2)
    assert section_for(yichuan, "五、存在的主要问题及改进情况").number == "五"


@pytest.mark.corpus
def test_unknown_report_gives_a_card_without_context_instead_of_failing(store):
    citation = Citation(
        report_id="no-such-report",
        title="t",
        org="某县人民政府",
        year=2020,
        section="五、",
        locator="x",
        quote="一句话",
    )
    [context] = CitationContexts(store).for_answer(
        Answer(question="q", status="answered", route="retrieval", answer="", citations=[citation])
    )
    assert "no report with id no-such-report" in context.problem
    assert "no report with id no-such-report" in citation_card(1, citation, context, [])


def test_answer_html_escapes_text_and_turns_references_into_badges():
    answer = Answer(
        question="<b>q</b>",
        status="answered",
        route="sql",
        value=27,
        unit="件",
        answer="根据报告，<script>为27件[1]。\n- 2020年: 27件 [1]",
        elapsed_ms=12.0,
    )
    out = answer_html(answer)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert '<span class="gq-ref">1</span>' in out
    assert "<li>2020年: 27件 <span" in out
    assert '<div class="gq-value">27<span>件</span></div>' in out
    assert "Answer · from the report tables · 0.01 s" in out


@pytest.mark.parametrize(
    ("status", "css", "label"),
    [
        ("not_found", "gq-not-found", "Not found in the ingested reports"),
        ("ambiguous", "gq-ambiguous", "Ambiguous question"),
        ("error", "gq-error", "Error"),
    ],
)
def test_answer_html_states_a_status_plainly_without_a_big_number(status, css, label):
    out = answer_html(Answer(question="q", status=status, route="none", answer="说明", value=3))
    assert f'class="gq-answer {css}"' in out and label in out
    assert "gq-value" not in out


@pytest.mark.parametrize(
    ("series", "intent", "kind", "rows"),
    [
        ([("2021年", 10), ("2022年", 12), ("2023年", None)], "trend", "line", 2),
        ([("淮安市人民政府", 57), ("淮安市洪泽区人民政府", 31)], "compare", "bar", 2),
        ([("2021", 10)], "trend", "line", None),
    ],
)
def test_series_become_a_chart_table_of_known_values(series, intent, kind, rows):
    plan = QueryPlan(question="q", language="zh", intent=intent)
    answer = Answer(question="q", status="answered", route="sql", answer="", series=series, plan=plan)
    frame = series_frame(answer)
    assert (None if frame is None else len(frame)) == rows
    assert chart_kind(answer) == kind


# ---------------------------------------------------------------------------- reports
@pytest.mark.corpus
def test_t3_table_has_printed_rows_and_columns_with_the_values(yichuan):
    frame = report_table(yichuan, "T3").data
    assert list(frame.columns[:2]) == ["Row (as printed)", "自然人"] and frame.columns[-1] == "总计"
    row = frame[frame["Row (as printed)"].str.contains("本年新收")].iloc[0]
    assert row["总计"] == "27"
    assert report_table(yichuan, "T9") is None


@pytest.mark.corpus
def test_cells_of_a_failed_check_are_highlighted(yichuan):
    broken = yichuan.model_copy(deep=True)
    cell = broken.fact(NEW_REQUESTS)
    cell.value, cell.raw = 28, "28"
    broken.checks = run_checks(broken.facts)
    assert any(not c.ok for c in broken.checks if c.ok is not None)
    html_table = report_table(broken, "T3").to_html()
    assert "#fecaca" in html_table
    assert "#fecaca" not in report_table(yichuan, "T3").to_html()
    summary = report_summary_html(broken)
    assert 'class="gq-fail"' in summary and "new_requests" in summary


@pytest.mark.corpus
def test_sections_are_expandable_blocks_with_escaped_text(yichuan):
    out = report_sections_html(yichuan)
    assert out.count('<details class="gq-section">') == 6
    assert "三、收到和处理政府信息公开申请情况" in out


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("", None, ["伊川县人民政府", "平潭综合实验区"]),
        ("伊川", None, ["伊川县人民政府"]),
        ("PINGTAN", None, ["平潭综合实验区"]),
        ("", "2020", ["伊川县人民政府"]),
        ("", 2021, []),
        ("", "All", ["伊川县人民政府", "平潭综合实验区"]),
    ],
)
def test_reports_filter_by_text_and_year(text, year, expected):
    records = [
        ReportRecord(report_id="a", org="伊川县人民政府", year=2020, template="v2019", title="t", sources=["/x/a.txt"]),
        ReportRecord(
            report_id="b",
            org="平潭综合实验区",
            year=2024,
            template="v2021",
            title="t",
            sources=["/x/fujian-pingtan_2024.txt"],
        ),
    ]
    assert [r.org for r in filter_reports(records, text, year)] == expected


# ---------------------------------------------------------------------------- facts
@pytest.mark.corpus
def test_facts_csv_round_trips_chinese_labels_and_values(store, tmp_path):
    frame = facts_frame(store.facts(orgs=["伊川县人民政府"], keys=[NEW_REQUESTS, "T3/new_requests/natural_person"]))
    path = write_facts_csv(frame, tmp_path / "out" / "facts.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    total = next(r for r in rows if r["Key"] == NEW_REQUESTS)
    assert (total["Office"], total["Year"], total["Column"], total["Value"]) == ("伊川县人民政府", "2020", "总计", "27")
    assert total["Row (as printed)"].endswith("本年新收政府信息公开申请数量")


# ---------------------------------------------------------------------------- uploads
@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("伊川县2020年报告.txt", [], "伊川县2020年报告.txt"),
        ("../../etc/passwd.txt", [], "passwd.txt"),
        ("C:\\Users\\me\\报告.PDF", [], "报告.pdf"),
        ("..\\..\\evil.html", [], "evil.html"),
        ("报告<>:|?*.docx", [], "报告.docx"),
        ("....txt", [], "upload.txt"),
        (".hidden.md", [], "hidden.md"),
        ("a\x00b.htm", [], "ab.htm"),
        ("CON.txt", [], "CON_.txt"),
        ("年报.txt", ["年报.txt", "年报-2.txt"], "年报-3.txt"),
    ],
)
def test_upload_names_are_safe_keep_cjk_and_are_deduplicated(name, taken, expected):
    assert safe_upload_name(name, taken) == expected


def test_uploads_are_stored_inside_the_uploads_folder_and_deduplicated(tmp_path):
    uploads = tmp_path / "uploads"
    first, other = tmp_path / "a.bin", tmp_path / "b.bin"
    first.write_bytes("报告一".encode())
    other.write_bytes("报告二".encode())
    stored = store_upload(first, "../../年报.txt", uploads, max_mb=1)
    assert stored == uploads / "年报.txt" and stored.read_bytes() == first.read_bytes()
    assert store_upload(first, "年报.txt", uploads, max_mb=1) == stored  # same bytes, same name: kept once
    assert store_upload(other, "年报.txt", uploads, max_mb=1) == uploads / "年报-2.txt"
    assert sorted(p.name for p in tmp_path.rglob("*.txt")) == ["年报-2.txt", "年报.txt"]


@pytest.mark.parametrize(
    ("size", "name", "reason"),
    [
        (2 * 1024 * 1024, "big.pdf", "2.0 MiB is over the 1 MiB upload limit"),
        (10, "tool.exe", "unsupported file type .exe"),
    ],
)
def test_oversized_or_unsupported_uploads_are_refused_with_the_reason(tmp_path, size, name, reason):
    source = tmp_path / "upload.bin"
    source.write_bytes(b"x" * size)
    with pytest.raises(IngestError, match=reason) as raised:
        store_upload(source, name, tmp_path / "uploads", max_mb=1)
    assert raised.value.path == name
    assert not (tmp_path / "uploads").exists()
