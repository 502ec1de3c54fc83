"""Gold questions over synthetic department reports (table figures), asked through the real bot and a real fact
store: the synthetic part of the departments gold set (eval/sets/departments.jsonl holds the corpus part; the
eval harness runs one data dir, so these run here). Expected values are each report's own numbers
(parsers.synthetic_departments), never the bot's output.

40 offices (parsers.synthetic_departments.department_office(0…39)) of five invented counties, reports of 2022
and 2023: e.g. 澜溪市澄枫县民政局 (11), 沄江市澄汀县交通局 (30) beside 沄江市澄汀县交通运输局 (29),
霁川市澄蔚县 and 岚桥市澄苇县 (both 'Chengwei' in pinyin).
"""

import hashlib

import pytest

from bot.service import QuestionAnswerer
from index.facts import FactStore
from index.models import SourceFile
from index.offices import is_government_office, office_record
from parsers.report import ReportParser
from parsers.synthetic import render
from parsers.synthetic_departments import department_office, department_report

YEARS = (2022, 2023)
OFFICES = 40
NEW = "T3/new_requests/total"
GRANTED = "T3/granted/total"


@pytest.fixture(scope="module")
def bot(tmp_path_factory):
    from govqa.settings import Settings

    settings = Settings(data_dir=tmp_path_factory.mktemp("departments"))
    store = FactStore.from_settings(settings)
    parser = ReportParser()
    for i in range(OFFICES):
        for year in YEARS:
            report = parser.parse_text(render(department_report(i, year), "txt").decode("utf-8"), source=f"d{i}_{year}")
            office = office_record(report.org, report.region, is_government_office(report.org), [year])
            sha = hashlib.sha256(report.report_id.encode()).hexdigest()
            store.replace_report(report, [SourceFile(source=report.source, sha256=sha)], office)
    yield QuestionAnswerer(settings, store=store)
    store.close()


def value(i: int, year: int, key: str) -> int:
    return department_report(i, year).facts[key] or 0  # a blank cell is printed where the number is 0


# (facet, question, office index, year, key) — answered with that office's figure
ANSWERED = [
    ("full", "澜溪市澄枫县民政局2023年收到多少政府信息公开申请？", 11, 2023, NEW),
    ("full", "霁川市澄蔚县自然资源和规划局2022年予以公开的申请有多少件", 20, 2022, GRANTED),
    ("full", "沄江市澄汀县交通运输局2023年收到多少政府信息公开申请", 29, 2023, NEW),
    ("full", "岚桥市澄苇县海洋与渔业局2022年收到几件政府信息公开申请", 36, 2022, NEW),
    ("region+organ", "澄枫县司法局2022年收到多少政府信息公开申请", 12, 2022, NEW),
    ("region+organ", "澄汀交通局2023年收到多少政府信息公开申请", 30, 2023, NEW),  # its own name, not 交通运输局's short
    ("region+organ", "澄苇县商务局2023年予以公开多少件", 37, 2023, GRANTED),
    ("region+organ", "澄蔚自然资源局2022年收到多少政府信息公开申请", 19, 2022, NEW),
    ("abbrev", "澄澄县发改委2023年收到多少政府信息公开申请", 0, 2023, NEW),
    ("abbrev", "澄澄发改局2022年收到多少政府信息公开申请", 1, 2022, NEW),
    ("abbrev", "澄汀住建局2023年收到多少政府信息公开申请", 27, 2023, NEW),
    ("abbrev", "澄苇经贸局2022年收到多少政府信息公开申请", 38, 2022, NEW),
    ("abbrev", "澄苇县文旅局2023年收到多少政府信息公开申请", 39, 2023, NEW),
    ("alone", "民政局2023年收到多少政府信息公开申请", 11, 2023, NEW),
    ("alone", "海洋与渔业局2022年收到多少政府信息公开申请", 36, 2022, NEW),
    ("english", "How many applications did the Chengfeng County Civil Affairs Bureau receive in 2023?", 11, 2023, NEW),
    ("english", "Chengting housing and urban-rural development bureau 2022 applications received", 27, 2022, NEW),
    ("english", "How many requests did Chengcheng's education bureau receive in 2023?", 2, 2023, NEW),
    ("typo", "澜溪市澄枫县民正局2023年收到多少政府信息公开申请", 11, 2023, NEW),
    ("typo", "澄岫县民政局2023年收到多少政府信息公开申请", 11, 2023, NEW),  # 澄岫 is no place: read as 澄枫县's
]


@pytest.mark.parametrize(("facet", "question", "office", "year", "key"), ANSWERED, ids=[a[1] for a in ANSWERED])
def test_department_question_is_answered_with_that_offices_figure(bot, facet, question, office, year, key):
    answer = bot.ask(question)
    assert answer.status == "answered", (facet, answer.answer)
    assert answer.value == value(office, year, key)
    assert {c.org for c in answer.citations} == {department_office(office)[0]}
    if facet == "typo":  # the answer says what it read the misspelt name as
        assert ("按" + department_office(office)[0] + "理解") in answer.answer


# (facet, question) — no report fits: not_found, no value
NOT_FOUND = [
    ("absent_organ", "澄枫县教育局2023年收到多少政府信息公开申请"),  # 澄枫县 has no 教育局 (澄澄县 has)
    ("absent_organ", "澄汀县统计局2022年收到多少政府信息公开申请"),
    ("absent_organ", "How many applications did the Chengting audit bureau receive in 2023?"),
    ("absent_organ", "审计局2023年收到多少政府信息公开申请"),
    ("absent_year", "澜溪市澄枫县民政局2021年收到多少政府信息公开申请"),
    ("absent_place", "宜昌市民政局2023年收到多少政府信息公开申请"),  # a real place with no report
    ("absent_place", "How many applications did the Xinxiang Civil Affairs Bureau receive in 2023?"),
]


@pytest.mark.parametrize(("facet", "question"), NOT_FOUND, ids=[n[1] for n in NOT_FOUND])
def test_department_question_with_no_report_is_not_found_without_a_value(bot, facet, question):
    answer = bot.ask(question)
    assert answer.status == "not_found" and answer.value is None, (facet, answer.answer)


@pytest.mark.parametrize(
    "question",
    [
        "公安局2023年收到多少政府信息公开申请",  # 澄澄县 and 澄枫县 each have one
        "How many applications did Chengwei receive in 2022?",
    ],
)  # 澄蔚 and 澄苇 sound alike
def test_department_name_fitting_several_offices_is_ambiguous(bot, question):
    answer = bot.ask(question)
    assert answer.status == "ambiguous" and answer.value is None, answer.answer
