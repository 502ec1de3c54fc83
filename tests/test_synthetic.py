"""parsers.synthetic: fictional, template-shaped reports whose numbers obey every consistency rule."""

import io
import subprocess
import sys
import zipfile

import pdfplumber
import pytest

from govqa.settings import ParsingSettings
from parsers.synthetic import APPLICANTS, FORMATS, REGIONS, make_report, render, write_corpus
from parsers.template import T3_RESULT_ROWS, T4_GROUPS, V2019, V2021, all_keys, t3_rows

SEEDS = range(80)


def _value(report, key: str) -> int | float:
    value = report.facts[key]
    return 0 if value is None else value


@pytest.mark.parametrize("seed", SEEDS)
def test_facts_cover_exactly_the_template_keys(seed):
    report = make_report(seed)
    expected = {k for k, info in all_keys().items() if report.template in info.versions}
    assert set(report.facts) == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_t3_rows_total_their_six_applicant_columns(seed):
    report = make_report(seed)
    for row in t3_rows(report.template):
        applicants = sum(_value(report, f"T3/{row.key}/{c}") for c in APPLICANTS)
        assert report.facts[f"T3/{row.key}/total"] == applicants, row.key


@pytest.mark.parametrize("seed", SEEDS)
def test_t3_columns_balance_received_against_processed(seed):
    report = make_report(seed)
    results = [r.key for r in t3_rows(report.template) if r.key in T3_RESULT_ROWS]
    for col in APPLICANTS + ["total"]:

        def v(row: str, col: str = col) -> int:
            return _value(report, f"T3/{row}/{col}")

        assert v("new_requests") + v("carried_over") == v("processed_total") + v("carried_forward"), col
        assert v("processed_total") == sum(v(r) for r in results), col
        assert all(v(r) >= 0 for r in [r.key for r in t3_rows(report.template)]), col


@pytest.mark.parametrize("seed", SEEDS)
def test_t4_group_totals_are_the_sum_of_outcomes(seed):
    report = make_report(seed)
    for group in T4_GROUPS:
        parts = [report.facts[f"T4/{group.key}/{o}"] for o in ("upheld", "corrected", "other", "pending")]
        assert report.facts[f"T4/{group.key}/total"] == sum(parts)
        assert min(parts) >= 0


@pytest.mark.parametrize("seed", SEEDS)
def test_blank_cells_only_replace_zero_applicant_columns(seed):
    report = make_report(seed)
    blank = {k for k, v in report.facts.items() if v is None}
    expected = {f"T3/{r.key}/{c}" for r in t3_rows(report.template) for c in report.style.blank_columns}
    assert blank == expected
    assert "total" not in report.style.blank_columns


@pytest.mark.parametrize("seed", SEEDS)
def test_t2_numbers_are_plausible(seed):
    report = make_report(seed)
    f = report.facts
    if report.template == V2019:
        for row in ("regulations", "normative_documents"):
            assert 0 <= f[f"T2/{row}/new_published"] <= f[f"T2/{row}/new_made"]
            assert f[f"T2/{row}/new_published"] <= f[f"T2/{row}/total_published"]
        for row in ("admin_licensing", "other_admin_services", "admin_penalty", "admin_coercion", "admin_fees"):
            assert f[f"T2/{row}/prior_count"] + f[f"T2/{row}/change"] >= 0
        amount = f["T2/centralized_procurement/procurement_amount"]
        assert isinstance(amount, float) and round(amount, 4) == amount
    else:
        for row in ("regulations", "normative_documents"):
            assert 0 <= f[f"T2/{row}/issued"] <= f[f"T2/{row}/in_force"]
        assert f["T2/admin_fees/fee_amount"] >= 0


def test_years_follow_their_template():
    for seed in SEEDS:
        report = make_report(seed)
        assert report.template == (V2019 if report.year <= 2020 else V2021)
    assert {make_report(s, template=V2019).year for s in range(20)} == {2019, 2020}
    assert make_report(5, year=2023).template == V2021
    assert make_report(5, template=V2021, year=2022).year == 2022


@pytest.mark.parametrize(
    ("template", "year", "message"),
    [("v2019", 2022, "uses template v2021"), ("v2030", None, "template must be"), (None, 2015, "too early")],
)
def test_impossible_edition_is_refused(template, year, message):
    with pytest.raises(ValueError, match=message):
        make_report(0, template=template, year=year)


def test_same_seed_gives_the_same_report_and_seeds_vary():
    assert make_report(42) == make_report(42)
    assert len({make_report(s).org for s in range(30)}) >= 15
    assert any(make_report(s).style.blank_columns for s in range(40))


def test_offices_are_fictional_regions_with_a_body_and_title():
    for seed in range(30):
        report = make_report(seed)
        region = next(r for r in sorted(REGIONS, key=len, reverse=True) if report.org.startswith(r))
        assert len(report.org) > len(region)
        assert report.title == f"{report.org}{report.year}年政府信息公开工作年度报告"


def test_narrative_states_numbers_consistent_with_the_tables():
    report = make_report(9)
    one = report.sections["一"]
    n = report.narrative_facts
    assert f"全年主动公开政府信息{n['proactive_items']}条" in one
    assert f"发布政策解读{n['policy_interpretations']}篇" in one
    assert f"全年共受理政府信息公开申请{report.facts['T3/new_requests/total']}件" in one
    assert set(report.sections) == {"一", "二", "三", "四", "五", "六"}


def test_rendered_formats_have_their_real_structure():
    report = make_report(4)
    txt = render(report, "txt").decode("utf-8")
    assert "\n一、总体情况\n" in txt and "\n六、其他需要报告的事项\n" in txt and "第二十条第（一）项" in txt
    md = render(report, "md").decode("utf-8")
    assert "\n## 一、总体情况\n" in md and "| --- |" in md
    html = render(report, "html").decode("utf-8")
    assert 'rowspan="' in html and 'colspan="7"' in html and "<table" in html
    with zipfile.ZipFile(io.BytesIO(render(report, "docx"))) as archive:
        assert "word/document.xml" in archive.namelist()
    with pdfplumber.open(io.BytesIO(render(report, "pdf"))) as pdf:
        first = pdf.pages[0].extract_text()
    assert report.title in first.replace(" ", "")  # the CJK font extracts back to the same characters


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown format 'rtf'"):
        render(make_report(0), "rtf")


def test_write_corpus_writes_each_report_in_each_format(tmp_path):
    paths = write_corpus(tmp_path / "out", 3, ("txt", "md"), seed=10)
    assert [p.name for p in paths] == [
        f"synthetic_{s:05d}_{make_report(s).year}.{fmt}" for s in (10, 11, 12) for fmt in ("txt", "md")
    ]
    assert all(p.stat().st_size > 2000 for p in paths)


def test_command_line_writes_the_corpus(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "parsers.synthetic", str(tmp_path), "--count", "2", "--formats", "txt,html"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "wrote 4 files" in result.stdout
    assert len(list(tmp_path.glob("synthetic_*.html"))) == 2


# ---------------------------------------------------------------- round trip through the lead's parser
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", [1, 4, next(s for s in range(200) if make_report(s).style.blank_columns)])
def test_render_then_parse_gives_back_identical_facts(tmp_path, fmt, seed):
    report_module = pytest.importorskip("parsers.report", reason="needs the lead's ReportParser")
    report = make_report(seed)
    path = tmp_path / f"r.{fmt}"
    path.write_bytes(render(report, fmt))
    parsed = report_module.ReportParser(ParsingSettings()).parse(path)
    assert parsed.year == report.year and parsed.template == report.template
    assert parsed.org == report.org
    assert {k: parsed.value(k) for k in report.facts} == report.facts
    assert not parsed.checks_failed
