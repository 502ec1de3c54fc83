"""The narrative answerer's figure choice over one real department report (no model, no index): every passage
of the report is read, so only the sentence scorer decides which number answers. The civil air defence office's
2011 report states 主动公开信息总数为15条 and, in its fees section, 未发生…收费及减免事项 — a zero of fees."""

import pytest

from bot.narrative import NarrativeAnswerer, question_words
from bot.planner import QueryPlanner
from govqa.settings import Settings
from index.chunks import chunk_report
from index.models import ScoredChunk
from index.offices import office_record
from parsers.reading import read_document
from parsers.report import ReportParser

pytestmark = [pytest.mark.corpus]

RENFANG = "平潭县人防办"
REGION = ["福建省", "福州市", "平潭县"]


@pytest.fixture(scope="module")
def renfang(corpus):
    settings = Settings()
    path = corpus / "raw" / "fujian-pingtanxian-renfangban_2011_pingtanarchive.txt"
    text = read_document(path, settings.parsing).text
    report = ReportParser().parse_text(text, source=str(path))
    assert (report.org, report.year) == (RENFANG, 2011)
    chunks = chunk_report(report, settings.index.max_chunk_chars, text)

    def whole_report(query, orgs=None, years=None, k=5):
        return [ScoredChunk(chunk=c, score=1.0) for c in chunks if c.kind == "narrative"]

    planner = QueryPlanner([office_record(RENFANG, REGION, False, [2011])])
    return planner, NarrativeAnswerer(whole_report, {RENFANG: "Pingtan Civil Air Defense Office"})


@pytest.mark.parametrize(
    "question, value",
    [
        ("How many items did the Pingtan Civil Air Defense Office disclose in 2011?", 15),
        ("Pingtan Civil Air Defense Office: items proactively disclosed in 2011?", 15),
        ("平潭县人防办2011年主动公开信息多少条？", 15),
    ],
)
def test_disclosed_items_are_the_proactive_figure_not_the_fees_zero(renfang, question, value):
    planner, answerer = renfang
    answer = answerer.answer(planner.plan(question))
    assert answer is not None and answer.value == value
    assert "收费" not in answer.citations[0].quote


def test_a_zero_stated_for_fees_does_not_answer_a_narrative_count(renfang):
    planner, answerer = renfang
    plan = planner.plan("How many items did the Pingtan Civil Air Defense Office publish in 2011?")
    answer = answerer.answer(plan)
    assert answer is None or (answer.value != 0 and "未发生" not in answer.citations[0].quote)


@pytest.mark.parametrize(
    "question, focus, unit",
    [
        ("How many items did the Pingtan Civil Air Defense Office disclose in 2011?", "主动公开", None),
        ("How many issues of its briefing did the Pingtan Civil Air Defense Office compile in 2011?", "简报", "期"),
    ],
)
def test_english_words_name_the_chinese_measure_and_unit(renfang, question, focus, unit):
    planner, _ = renfang
    asked = question_words(question, planner.plan(question))
    assert focus in asked.focus and asked.unit == unit and "问题" not in asked.focus
