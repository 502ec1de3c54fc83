"""Derived questions over real reports: shares, multiples, sums, changes, rankings, yes/no, counts and refusals.

The reports are parsed from ../shared/corpus into a real SQLite fact store in tmp_path (no embedding model:
table answers never load it). Values asserted are the reports' own (read by hand: see eval/sets/src).
"""

import hashlib
from uuid import uuid4

import pytest

from bot.calculator import Calculator
from bot.models import Operand, Operation, QueryPlan
from bot.operations import convention_denominator
from bot.planner import QueryPlanner, to_simplified
from bot.service import QuestionAnswerer
from govqa.settings import Settings
from index.facts import FactStore
from index.models import SourceFile
from index.offices import is_government_office, office_record
from parsers.report import ReportParser
from tests.conftest import RAW, SEEDS

pytestmark = [pytest.mark.corpus]

PT = "平潭综合实验区"
HUAIAN = "淮安市人民政府"
LUOLONG = "洛阳市洛龙区人民政府办公室"
FILES = [
    *(RAW / f"fujian-pingtan_{y}_pingtanarchive.txt" for y in range(2016, 2026)),
    RAW / "jiangsu-huaian-shi_2024_govnianbao.pdf",
    SEEDS / "000_fd2255dcef9b15cd.txt",
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    settings = Settings(data_dir=tmp_path_factory.mktemp("derived") / "data")
    store = FactStore.from_settings(settings)
    parser = ReportParser(settings.parsing)
    try:
        for path in FILES:
            report = parser.parse(path)
            office = office_record(report.org, report.region, is_government_office(report.org), [report.year])
            source = SourceFile(source=str(path), sha256=hashlib.sha256(path.read_bytes()).hexdigest())
            store.replace_report(report, [source], office, uuid4().hex, [])
    finally:
        store.close()
    return settings


@pytest.fixture(scope="module")
def bot(settings) -> QuestionAnswerer:
    return QuestionAnswerer(settings)


def _keys(answer) -> set[str]:
    return {(c.org, c.year, c.key) for c in answer.citations}


# ------------------------------------------------------------------ the acceptance examples
def test_share_of_granted_in_new_requests_shows_the_division_and_cites_both(bot):
    answer = bot.ask("洛龙区政府办公室2021年予以公开的申请占本年新收申请的比例是多少？")
    assert (answer.status, answer.value, answer.unit) == ("answered", 20.41, "%")
    assert "予以公开 10 ÷ 本年新收" in answer.answer and "49 = 20.41%" in answer.answer
    assert {(LUOLONG, 2021, "T3/granted/total"), (LUOLONG, 2021, "T3/new_requests/total")} <= _keys(answer)
    assert "[1][2]" in answer.answer


def test_multiple_between_two_years_is_the_first_named_over_the_second(bot):
    answer = bot.ask("How many times more new requests did Pingtan receive in 2024 than in 2020?")
    assert (answer.status, answer.value, answer.unit) == ("answered", 10.38, "倍")
    assert "218 ÷ 2020 21 = 10.38 times" in answer.answer
    assert {(PT, 2024, "T3/new_requests/total"), (PT, 2020, "T3/new_requests/total")} <= _keys(answer)


def test_sum_over_a_year_range_adds_every_year(bot):
    answer = bot.ask("平潭综合实验区2021年到2024年一共收到多少政府信息公开申请？")
    assert (answer.status, answer.value) == ("answered", 443)
    assert "70 + 2022年 74 + 2023年 81 + 2024年 218 = 443件" in answer.answer
    assert {(PT, y, "T3/new_requests/total") for y in range(2021, 2025)} <= _keys(answer)


def test_sum_with_a_year_without_table_is_not_computed_and_names_the_year(bot):
    answer = bot.ask("平潭综合实验区2018年到2021年一共收到多少申请？")
    assert answer.status == "not_found" and answer.value is None
    assert "2018年" in answer.answer and "无法计算" in answer.answer
    assert "113" not in answer.answer  # 23 + 21 + 70 of the years that have tables is not a total


def test_sum_with_a_year_without_any_report_names_that_year(bot):
    answer = bot.ask("How many new requests did Pingtan receive in total from 2014 to 2017?")
    assert answer.status == "not_found" and answer.value is None
    assert "there is no 2014 report" in answer.answer and "there is no 2015 report" in answer.answer


@pytest.mark.parametrize(
    "question,words",
    [
        ("平潭综合实验区2024年的平均答复时间是多少天？", "答复时间"),
        ("淮安市人民政府2024年的群众满意度是多少？", "满意度"),
        ("How many requests by letter did Huai'an receive in 2024?", "by letter"),
        ("平潭綜合實驗區2024年的平均答覆時間是多少天？", "答复时间"),
    ],
)
def test_a_measure_the_reports_do_not_record_is_refused_not_substituted(bot, question, words):
    answer = bot.ask(question)
    assert answer.status == "not_found" and answer.value is None
    assert words in answer.answer and not answer.citations


# ------------------------------------------------------------------ each operation with real values
@pytest.mark.parametrize(
    "question,value,unit",
    [
        ("洛龙区政府办公室2021年予以公开的比例是多少", 21.74, "%"),  # 10 ÷ (七)总计 46
        ("淮安市人民政府2024年行政复议的纠错率是多少？", 18.23, "%"),  # 64 ÷ 351
        ("What share of new requests to Huai'an in 2024 came from natural persons?", 96.22, "%"),  # 3001 ÷ 3119
        ("淮安市人民政府2024年的公开率是多少", 59.54, "%"),  # (1362 + 454) ÷ 3050
        ("平潭综合实验区2024年新收申请比2023年增长了百分之几？", 169.14, "%"),  # (218 − 81) ÷ 81
        ("平潭综合实验区2024年比2023年多收了多少申请？", 137, "件"),
        ("平潭综合实验区2025年新收申请比2024年减少了多少？", 64, "件"),  # the fall: 218 − 154
        ("平潭综合实验区2021到2024年平均每年收到多少申请？", 110.75, "件"),  # 443 ÷ 4
        ("淮安市人民政府2024年予以公开加上部分公开一共多少件？", 1816, "件"),
        ("淮安市人民政府2024年哪种不予公开理由最多？", 105, "件"),  # 属于行政查询事项
        ("Which applicant type filed the most new requests to Huai'an in 2024?", 3001, "件"),
        ("淮安市人民政府2024年行政复议结果中哪种最多？", 178, "件"),  # 其他结果
        ("平潭综合实验区哪一年收到的申请最多？", 218, "件"),
    ],
)
def test_derived_value_from_the_reports(bot, question, value, unit):
    answer = bot.ask(question)
    assert (answer.status, answer.value, answer.unit) == ("answered", value, unit), answer.answer


def test_category_ranking_names_the_winning_category_not_a_year(bot):
    answer = bot.ask("淮安市人民政府2024年哪种不予公开理由最多？")
    assert "不予公开各类中最多的是属于行政查询事项（105件）" in answer.answer
    assert len({c.key for c in answer.citations}) == 8  # every reason is shown and cited


@pytest.mark.parametrize(
    "question,start,value",
    [
        ("淮安市人民政府2024年行政复议有没有被纠错的？", "有。", 64),
        ("平潭综合实验区2024年有没有未经复议直接起诉的行政诉讼", "没有。", 0),
        ("Did Pingtan have any lawsuits after reconsideration in 2024?", "Yes:", 19),
        ("平潭綜合實驗區2024年有沒有結轉下年度繼續辦理的申請？", "没有。", 0),
    ],
)
def test_yes_no_answers_with_the_figure_and_its_citation(bot, question, start, value):
    answer = bot.ask(question)
    assert answer.status == "answered" and answer.value == value
    assert answer.answer.startswith(start) and "[1]" in answer.answer and len(answer.citations) == 1


def test_two_measures_in_one_question_are_both_answered(bot):
    answer = bot.ask("淮安市人民政府2024年收到多少申请、部分公开多少？")
    assert [v for _, v in answer.series] == [3119, 454]


def test_count_of_years_with_reports(bot):
    answer = bot.ask("平潭综合实验区有几年的报告？")
    assert (answer.status, answer.value) == ("answered", 10)  # this store holds 2016–2025
    assert "2016" in answer.answer and "2025" in answer.answer


def test_a_share_without_a_conventional_denominator_asks_for_one(bot):
    answer = bot.ask("平潭综合实验区2024年新收申请的比例是多少？")
    assert answer.status == "not_found" and answer.value is None


# ------------------------------------------------------------------ the plan: operation and operands
@pytest.fixture(scope="module")
def planner(bot) -> QueryPlanner:
    return bot.planner


@pytest.mark.parametrize(
    "question,kind,over",
    [
        ("洛龙区政府办公室2021年予以公开的比例是多少", "share", None),
        ("What percentage of Huai'an's 2024 reconsiderations were corrected?", "share", None),
        ("平潭综合实验区2024年新收申请是2020年的几倍？", "multiple", "years"),
        ("平潭综合实验区2024年新收申请同比增长率是多少？", "change_pct", "years"),
        ("By what percentage did Pingtan's new requests grow from 2023 to 2024?", "change_pct", "years"),
        ("平潭2022年的申请比2021年多了几件", "difference", "years"),
        ("How many more new requests did Pingtan receive in 2024 than in 2023?", "difference", "years"),
        ("平潭综合实验区2021年到2024年一共收到多少政府信息公开申请？", "sum", "years"),
        ("淮安市人民政府2024年予以公开加上部分公开一共多少件？", "sum", "measures"),
        ("What was the average number of new requests Pingtan received per year from 2021 to 2024?", "mean", "years"),
        ("淮安市人民政府2024年哪种不予公开理由最多？", "rank", "categories"),
        ("Which reason for refusal was most common for Huai'an in 2024?", "rank", "categories"),
        ("平潭综合实验区哪一年收到的申请最多？", "rank", "years"),
        ("淮安市人民政府2024年行政复议有没有被纠错的？", "exists", None),
        ("Were any of Huai'an's 2024 reconsiderations corrected?", "exists", None),
        ("平潭综合实验区有几年的报告？", "count", None),
        ("平潭综合实验区2024年收到多少申请？", "value", None),
    ],
)
def test_plan_states_the_operation(planner, question, kind, over):
    op = planner.plan(question).operation
    assert (op.kind, op.over) == (kind, over)


def test_plan_operands_are_measure_office_year_with_roles(planner):
    op = planner.plan("洛龙区政府办公室2021年予以公开的申请占本年新收申请的比例是多少？").operation
    assert [(o.role, o.measure.name, o.office, o.year) for o in op.operands] == [
        ("numerator", "T3/granted/total", LUOLONG, 2021),
        ("denominator", "T3/new_requests/total", LUOLONG, 2021),
    ]
    assert op.convention == "declared"


def test_plan_of_a_multiple_orders_operands_as_named(planner):
    op = planner.plan("平潭综合实验区2024年新收申请是2020年的几倍？").operation
    assert [(o.role, o.year) for o in op.operands] == [("numerator", 2024), ("denominator", 2020)]


@pytest.mark.parametrize(
    "keys,expected",
    [
        (["T3/new_requests/natural_person"], (["T3/new_requests/total"], "applicants_of_new_requests")),
        (["T3/granted/total"], (["T3/processed_total/total"], "results_of_processed")),
        (["T3/granted/total", "T3/partially_granted/total"], (["T3/processed_total/total"], "disclosure_rate")),
        (["T4/reconsideration/corrected"], (["T4/reconsideration/total"], "correction_rate")),
        (["T4/litigation_direct/upheld"], (["T4/litigation_direct/total"], "outcomes_of_group")),
        (["T3/new_requests/total"], None),
    ],
)
def test_denominator_conventions_of_the_template(keys, expected):
    from bot.models import Measure

    measure = Measure(name="x", label="x", label_en="x", parts=[[k] for k in keys])
    assert convention_denominator(measure) == expected


@pytest.mark.parametrize(
    "traditional,simplified",
    [
        ("部分公開的比例佔多少", "部分公开的比例占多少"),
        ("行政複議糾錯率", "行政复议纠错率"),
        ("平潭综合实验区2024年收到多少申请", "平潭综合实验区2024年收到多少申请"),
    ],
)
def test_traditional_characters_are_converted_before_planning(traditional, simplified):
    assert to_simplified(traditional) == simplified


def test_calculator_reads_operands_with_parameterised_sql(bot):
    """An office name that is SQL is only a value: nothing is found and nothing breaks."""
    calc: Calculator = bot.tables.calculator
    measure = bot.planner.plan("平潭综合实验区2024年收到多少申请").measures[0]
    plan = QueryPlan(
        question="x",
        language="zh",
        intent="fact",
        offices=["x'; DROP TABLE facts; --"],
        years=[2024],
        measures=[measure],
        operation=Operation(
            kind="sum", operands=[Operand(role="term", measure=measure, office="x'; DROP TABLE facts; --", year=2024)]
        ),
    )
    answer = calc.answer(plan)
    assert answer.status == "not_found" and answer.value is None
    assert bot.ask("平潭综合实验区2024年收到多少申请？").value == 218
