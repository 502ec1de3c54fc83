"""ReportParser on the real reports and on hand-written layouts: offices, years, facts, checks."""

import json
import subprocess
import sys

import pytest

from govqa.errors import ParseError
from parsers.digits import CellSpec, read_row
from parsers.report import ReportParser
from parsers.template import AMOUNT, COUNT, SIGNED
from tests.conftest import RAW, SEEDS

SEED = {
    "000": "000_fd2255dcef9b15cd.txt",
    "001": "001_e313256c520c3bcf.txt",
    "002": "002_bd64038810805c4e.txt",
    "003": "003_5e020ea6cd751a4c.txt",
    "004": "004_eedfd0bd79a0644a.txt",
}


@pytest.fixture(scope="module")
def parsed():
    parser = ReportParser()
    cache = {}

    def get(name: str):
        if name not in cache:
            path = SEEDS / SEED[name] if name in SEED else RAW / name
            cache[name] = parser.parse_text(path.read_text(encoding="utf-8"), str(path))
        return cache[name]

    return get


pytestmark = pytest.mark.corpus


@pytest.mark.parametrize(
    "seed, org, year, template, region",
    [
        ("000", "洛阳市洛龙区人民政府办公室", 2021, "v2021", ["河南省", "洛阳市", "洛龙区"]),
        ("001", "开封市龙亭区人民政府办公室", 2019, "v2019", ["河南省", "开封市", "龙亭区"]),
        ("002", "濮阳经济技术开发区管委会办公室", 2021, "v2021", ["河南省", "濮阳市"]),
        ("003", "伊川县人民政府", 2020, "v2019", ["河南省", "洛阳市", "伊川县"]),
        ("004", "洛龙区行政审批和政务信息管理局", 2024, "v2021", ["河南省", "洛阳市", "洛龙区"]),
    ],
)
def test_seed_office_year_and_template_are_recovered(parsed, seed, org, year, template, region):
    report = parsed(seed)
    assert (report.org, report.year, report.template, report.region) == (org, year, template, region)


@pytest.mark.parametrize(
    "seed, key, value",
    [
        ("003", "T3/new_requests/total", 27),
        ("003", "T3/new_requests/commercial_enterprise", 21),
        ("003", "T3/new_requests/legal_service_org", 4),
        ("003", "T3/granted/total", 25),
        ("003", "T3/partially_granted/legal_service_org", 1),
        ("003", "T3/denied_internal_affairs/natural_person", 1),
        ("003", "T3/processed_total/total", 27),
        ("003", "T2/admin_licensing/decisions", 49822),
        ("003", "T2/admin_licensing/prior_count", 204),
        ("003", "T2/admin_penalty/decisions", 28334),
        ("003", "T2/normative_documents/total_published", 35),
        ("003", "T2/centralized_procurement/procurement_amount", 94430),
        ("003", "T4/reconsideration/total", 0),
        ("000", "T4/reconsideration/corrected", 1),
        ("000", "T4/reconsideration/total", 1),
        ("000", "T2/normative_documents/issued", 9),
        ("000", "T2/normative_documents/in_force", 119),
        ("000", "T3/new_requests/total", 49),
        ("000", "T3/processed_total/total", 46),
        ("000", "T3/carried_forward/total", 3),
        ("001", "T3/new_requests/total", 31),
        ("001", "T3/partially_granted/total", 18),
        ("001", "T2/normative_documents/total_published", 21),
        ("004", "T3/new_requests/total", 0),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T3/new_requests/natural_person", 71),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T3/new_requests/commercial_enterprise", 3),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T3/new_requests/total", 74),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T3/unable_not_held/total", 37),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T3/processed_total/total", 75),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T2/admin_licensing/decisions", 10690),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T2/admin_fees/fee_amount", 9116.36),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T4/reconsideration/total", 2),
        ("fujian-pingtan_2022_pingtanarchive.txt", "T4/litigation_direct/upheld", 1),
        ("fujian-pingtan_2025_pingtanarchive.txt", "T3/new_requests/total", 154),
        ("fujian-pingtan_2025_pingtanarchive.txt", "T3/carried_forward/total", 6),
        # money cells, in 万元, read from the reports (header 本年收费金额（单位：万元）/ 采购总金额（万元）)
        ("003", "T2/centralized_procurement/procurement_items", 234),
        ("001", "T2/centralized_procurement/procurement_amount", 0),
        ("000", "T2/admin_fees/fee_amount", 0),
        ("004", "T2/admin_fees/fee_amount", 0),
        ("fujian-pingtan_2021_pingtanarchive.txt", "T2/admin_fees/fee_amount", 24252.311082),
        ("fujian-pingtan_2023_pingtanarchive.txt", "T2/admin_fees/fee_amount", 5949.088667),
        ("fujian-pingtan_2024_pingtanarchive.txt", "T2/admin_fees/fee_amount", 18651.06),
        ("fujian-pingtan_2025_pingtanarchive.txt", "T2/admin_fees/fee_amount", 4166.241619),
        ("fujian-pingtan-gonganju_2024_pingtanarchive.txt", "T2/admin_fees/fee_amount", 0),
        ("fujian-pingtan_2020_pingtanarchive.txt", "T2/admin_fees/prior_count", 35),
        ("fujian-pingtan_2020_pingtanarchive.txt", "T2/admin_fees/change", -15),
        ("fujian-pingtan_2020_pingtanarchive.txt", "T2/admin_penalty/prior_count", 2648),
    ],
)
def test_table_cells_become_canonical_facts(parsed, seed, key, value):
    assert parsed(seed).value(key) == value


def test_blank_cells_are_stored_as_null_not_zero(parsed):
    report = parsed("002")
    granted = [f for f in report.facts if f.row == "granted"]
    assert len(granted) == 7 and all(f.value is None and f.status == "blank" for f in granted)
    assert report.value("T3/new_requests/total") == 0


def test_misspelt_header_still_yields_v2021_columns(parsed):
    report = parsed("000")  # prints 本年度止件数 for 本年废止件数
    assert report.fact("T2/normative_documents/repealed").value == 0


def test_every_template_cell_has_a_fact(parsed):
    assert len([f for f in parsed("003").facts if f.table == "T3"]) == 26 * 7 - 3 * 7  # v2019: 23 rows
    assert len([f for f in parsed("000").facts if f.table == "T3"]) == 25 * 7  # v2021: 25 rows
    assert len([f for f in parsed("000").facts if f.table == "T4"]) == 15


def test_fact_carries_printed_label_and_line(parsed):
    fact = parsed("003").fact("T3/new_requests/total")
    assert fact.raw == "27" and fact.label.startswith("一、本年新收")
    lines = (SEEDS / SEED["003"]).read_text(encoding="utf-8").splitlines()
    assert "本年新收" in lines[fact.line - 1]


def test_report_that_breaks_a_rule_is_parsed_with_the_violation_recorded(parsed):
    report = parsed("fujian-pingtan_2020_pingtanarchive.txt")
    failed = {c.rule for c in report.checks_failed}
    assert any("total processed = sum of results" in r for r in failed)
    assert report.value("T3/new_requests/total") is not None


def test_consistent_report_passes_every_check(parsed):
    checks = parsed("003").checks
    assert len(checks) == 5 and all(c.ok for c in checks)  # T2 items, three T3 rules, T4


def test_pre2019_report_has_sections_but_no_invented_facts(parsed):
    report = parsed("fujian-pingtan_2016_pingtanarchive.txt")
    assert report.template == "pre2019" and report.facts == []
    assert [s.number for s in report.sections if s.level == 1][:3] == ["一", "二", "三"]


def test_sections_have_numbers_headings_and_spans(parsed):
    report = parsed("003")
    text = (SEEDS / SEED["003"]).read_text(encoding="utf-8")
    five = next(s for s in report.sections if s.number == "五")
    assert five.heading == "存在的主要问题及改进情况"
    assert text[five.span[0] : five.span[1]].startswith("五、存在的主要问题")
    subs = [s.heading for s in report.sections if s.level == 2 and s.parent == "一"]
    assert subs[1] == "主动公开情况"


@pytest.mark.parametrize(
    "region, kinds, expected",
    [
        ("21710000218", [COUNT] * 7, [217, 1, 0, 0, 0, 0, 218]),
        (" 713000074", [COUNT] * 7, [71, 3, 0, 0, 0, 0, 74]),
        ("\t\t2\t21\t0\t0\t4\t0\t27\t", [COUNT] * 7, [2, 21, 0, 0, 4, 0, 27]),
        (" |\n18 |\n0 |\n0 |\n0 |\n0 |\n0 |\n18 |\n", [COUNT] * 7, [18, 0, 0, 0, 0, 0, 18]),
        ("\t12\t\t35", [COUNT] * 3, [12, None, 35]),
        ("0 0 0 0 0 0 0 0", [COUNT] * 7, [0] * 7),
        ("\t-18\t18651.06", [SIGNED, AMOUNT], [-18, 18651.06]),
    ],
)
def test_row_cells_are_read_from_every_layout(region, kinds, expected):
    row_ok = (lambda v: sum(v[:6]) == v[6]) if len(kinds) == 7 else None
    assert read_row(region, [CellSpec(k) for k in kinds], row_ok, 10_000).values == expected


@pytest.mark.corpus
def test_run_together_digits_with_several_fits_stay_ambiguous(parsed):
    report = parsed("fujian-pingtan_2022_pingtanarchive.txt")  # 行政规范性文件8855698
    fact = report.fact("T2/normative_documents/in_force")
    assert fact.value is None and fact.status == "ambiguous" and 698 in fact.candidates
    assert any("8855698" in w for w in report.warnings)


@pytest.mark.parametrize(
    "content, reason",
    [
        ("", "empty"),
        ("今天天气很好，我们去公园散步。", "not a government information disclosure annual report"),
    ],
)
def test_text_that_is_not_a_report_raises_parse_error_naming_the_file(content, reason):
    with pytest.raises(ParseError) as err:
        ReportParser().parse_text(content, "notes.txt")
    assert "notes.txt" in str(err.value) and reason in str(err.value)


def test_parse_cli_prints_json_lines_with_the_report_fields_and_fails_on_bad_files(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("随便写点什么", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "govqa.cli", "parse", "--json", str(SEEDS / SEED["003"]), str(bad)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "bad.txt" in out.stderr
    report = json.loads(out.stdout.splitlines()[0])
    assert set(report) == {
        "report_id",
        "source",
        "title",
        "org",
        "region",
        "year",
        "template",
        "sections",
        "facts",
        "checks",
        "warnings",
    }
    assert report["source"] == str(SEEDS / SEED["003"])


@pytest.mark.parametrize(
    "name, org, year, template",
    [
        ("fujian-pingtan-dishuiju_2013_pingtanarchive.txt", "平潭综合实验区地方税务局", 2013, "pre2019"),
        ("fujian-pingtan-gonganju_2024_pingtanarchive.html", "平潭综合实验区公安局", 2024, "v2021"),
        ("fujian-pingtan-gonganju_2024_pingtanarchive.txt", "平潭综合实验区公安局", 2024, "v2021"),
        ("fujian-pingtan_2011_pingtanarchive.txt", "平潭综合实验区", 2011, "pre2019"),
        ("fujian-pingtan_2012_pingtanarchive.txt", "平潭综合实验区", 2012, "pre2019"),
        ("fujian-pingtan_2013_pingtanarchive.txt", "平潭综合实验区", 2013, "pre2019"),
        ("fujian-pingtan_2016_pingtanarchive.txt", "平潭综合实验区", 2016, "pre2019"),
        ("fujian-pingtan_2017_pingtanarchive.txt", "平潭综合实验区", 2017, "pre2019"),
        ("fujian-pingtan_2018_pingtanarchive.txt", "平潭综合实验区", 2018, "pre2019"),
        ("fujian-pingtan_2019_pingtanarchive.txt", "平潭综合实验区", 2019, "v2019"),
        ("fujian-pingtan_2020_pingtanarchive.html", "平潭综合实验区", 2020, "v2019"),
        ("fujian-pingtan_2020_pingtanarchive.txt", "平潭综合实验区", 2020, "v2019"),
        ("fujian-pingtan_2021_pingtanarchive.txt", "平潭综合实验区", 2021, "v2021"),
        ("fujian-pingtan_2022_pingtanarchive.txt", "平潭综合实验区", 2022, "v2021"),
        ("fujian-pingtan_2023_pingtanarchive.txt", "平潭综合实验区", 2023, "v2021"),
        ("fujian-pingtan_2024_pingtanarchive.html", "平潭综合实验区", 2024, "v2021"),
        ("fujian-pingtan_2024_pingtanarchive.txt", "平潭综合实验区", 2024, "v2021"),
        ("fujian-pingtan_2025_pingtanarchive.txt", "平潭综合实验区", 2025, "v2021"),
        ("fujian-pingtanxian_2011_pingtanarchive.txt", "平潭县人民政府", 2011, "pre2019"),
        ("fujian-pingtanxian_2012_pingtanarchive.txt", "平潭县人民政府", 2012, "pre2019"),
        ("fujian-pingtanxian_2013_pingtanarchive.txt", "平潭县人民政府", 2013, "pre2019"),
        ("jiangsu-huaian-hongzequ_2023_kiro.pdf", "淮安市洪泽区人民政府", 2023, "v2021"),
        ("jiangsu-huaian-hongzequ_2024_kiro.pdf", "淮安市洪泽区人民政府", 2024, "v2021"),
        ("jiangsu-huaian-shi_2024_govnianbao.pdf", "淮安市人民政府", 2024, "v2021"),
        ("jiangsu-suqian-shuyang-fagaiju_2023_kiro.html", "沭阳县发展和改革局", 2023, "v2021"),
    ],
)
def test_every_raw_file_yields_its_office_and_year(name, org, year, template):
    report = ReportParser().parse(RAW / name)
    assert (report.org, report.year, report.template) == (org, year, template)


@pytest.mark.parametrize(
    "name, key, value",
    [
        ("jiangsu-huaian-hongzequ_2023_kiro.pdf", "T3/new_requests/total", 21),
        ("jiangsu-huaian-hongzequ_2023_kiro.pdf", "T3/unable_not_held/total", 10),
        ("jiangsu-huaian-hongzequ_2023_kiro.pdf", "T3/other_total/total", 0),  # prints the 2019 row in 2023
        ("jiangsu-suqian-shuyang-fagaiju_2023_kiro.html", "T3/new_requests/total", 26),
        ("jiangsu-suqian-shuyang-fagaiju_2023_kiro.html", "T3/new_requests/commercial_enterprise", None),
        ("jiangsu-suqian-shuyang-fagaiju_2023_kiro.html", "T2/normative_documents/in_force", 18),
        ("jiangsu-suqian-shuyang-fagaiju_2023_kiro.html", "T4/reconsideration/pending", 1),
        ("fujian-pingtan_2024_pingtanarchive.html", "T2/normative_documents/issued", 62),
        # money cells: printed in 万元, or in 元 in the cell (73802895.90元) and converted
        ("jiangsu-huaian-hongzequ_2023_kiro.pdf", "T2/admin_fees/fee_amount", 7730.28),
        ("jiangsu-huaian-hongzequ_2024_kiro.pdf", "T2/admin_fees/fee_amount", 7545),
        ("jiangsu-huaian-shi_2024_govnianbao.pdf", "T2/admin_fees/fee_amount", 96171.6),
        ("jiangsu-suqian-shuyang-fagaiju_2023_kiro.html", "T2/admin_fees/fee_amount", 0),
        ("fujian-pingtan_2024_pingtanarchive.html", "T2/admin_fees/fee_amount", 18651.06),
        ("fujian-pingtan_2020_pingtanarchive.html", "T2/centralized_procurement/procurement_items", 395),
        ("fujian-pingtan_2020_pingtanarchive.html", "T2/centralized_procurement/procurement_amount", 7380.28959),
        ("fujian-pingtan_2020_pingtanarchive.html", "T2/admin_penalty/change", -18),
        ("fujian-pingtan_2020_pingtanarchive.html", "T2/admin_penalty/decisions", 538),
    ],
)
def test_html_and_pdf_tables_become_the_same_canonical_facts(name, key, value):
    assert ReportParser().parse(RAW / name).value(key) == value


def test_html_copy_resolves_what_the_crawler_text_left_ambiguous():
    text = ReportParser().parse(RAW / "fujian-pingtan_2024_pingtanarchive.txt")
    html = ReportParser().parse(RAW / "fujian-pingtan_2024_pingtanarchive.html")
    assert text.fact("T2/normative_documents/issued").status == "ambiguous"
    assert 62 in text.fact("T2/normative_documents/issued").candidates
    same = [f.key for f in text.facts if f.status == "ok"]
    assert same and all(text.value(k) == html.value(k) for k in same)


def test_crawled_heading_glued_to_an_email_address_is_still_a_section():
    report = ReportParser().parse(RAW / "fujian-pingtan_2017_pingtanarchive.txt")  # "…163.com一、概述2017年"
    assert [s.heading for s in report.sections if s.level == 1][:2] == ["概述", "主动公开政府信息情况"]
