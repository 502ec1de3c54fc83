"""End to end over the real corpus: ingest ../shared/corpus once, then ask (real SQLite, Chroma, e5 model)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.service import QuestionAnswerer
from govqa.errors import QuestionError
from parsers.reading import read_document

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]
LUOLONG_GOV = "洛阳市洛龙区人民政府办公室"
LUOLONG_BUREAU = "洛龙区行政审批和政务信息管理局"  # stored with or without the 洛阳市 prefix


@pytest.fixture(scope="session")
def bot(corpus_settings) -> QuestionAnswerer:
    return QuestionAnswerer.from_settings(corpus_settings)


def _cell(answer, key):
    return next(c for c in answer.citations if c.key == key)


@pytest.mark.parametrize(
    "question",
    [
        "how many applications did Yichuan get in 2020",
        "伊川县2020年收到多少政府信息公开申请？",
    ],
)
def test_new_requests_of_yichuan_2020_are_27_citing_t3(bot, question):
    answer = bot.ask(question)
    assert answer.status == "answered" and answer.route == "sql"
    assert answer.value == 27
    cite = _cell(answer, "T3/new_requests/total")
    assert (cite.org, cite.year, cite.quote) == ("伊川县人民政府", 2020, "27")
    assert cite.section.startswith("三") and "总计" in cite.locator
    assert "伊川县人民政府" in answer.answer and "27" in answer.answer


def test_english_answer_is_english_with_chinese_names_alongside(bot):
    answer = bot.ask("how many applications did Yichuan get in 2020")
    assert answer.answer.startswith("According to")
    assert "伊川县人民政府" in answer.answer and "本年新收政府信息公开申请数量" in answer.answer


def test_english_question_with_a_column_gives_that_cell(bot):
    answer = bot.ask("How many requests from commercial enterprises did Yichuan receive in 2020?")
    assert answer.value == 21
    cite = _cell(answer, "T3/new_requests/commercial_enterprise")
    assert (cite.org, cite.year, cite.quote) == ("伊川县人民政府", 2020, "21")


@pytest.mark.parametrize(
    "question,value,unit,printed",
    [
        ("洛龙区2021年发布政策解读多少条", 496, "条", "政策解读496条"),
        ("How many policy interpretations did Luolong district publish in 2021?", 496, "条", "政策解读496条"),
        ("洛龙区2021年主动公开政府信息多少条", 5133, "条", "主动公开政府信息5133条"),
        ("伊川县2020年保留政务新媒体几个", 4, "个", "政务新媒体4个"),
        ("平潭县人民政府2013年收到多少政府信息公开申请", 7, "条", "申请7条"),  # pre-2019: no table, the text says it
    ],
)
def test_numbers_only_in_the_narrative_are_quoted_from_it(bot, corpus_settings, question, value, unit, printed):
    answer = bot.ask(question)
    assert answer.status == "answered" and answer.route == "retrieval"
    assert (answer.value, answer.unit) == (value, unit)
    (cite,) = answer.citations
    assert printed in cite.quote
    assert cite.key is None and cite.span is not None
    # the span points at the quoted sentence in the report's text as read from its file
    (source,) = bot.store.record(cite.report_id).sources[:1]
    text = read_document(Path(source), corpus_settings.parsing).text
    assert text[cite.span[0] : cite.span[1]] == cite.quote


def test_problems_question_quotes_section_five(bot):
    answer = bot.ask("伊川县2020年存在的问题")
    assert answer.status == "answered" and answer.route == "retrieval"
    assert answer.citations and all(c.section.startswith("五") for c in answer.citations)
    assert all(c.org == "伊川县人民政府" and c.year == 2020 for c in answer.citations)
    assert "问题" in answer.answer


@pytest.mark.parametrize("question", ["伊川县2021年收到多少申请", "伊川县2021年存在的问题"])
def test_missing_year_is_not_found_and_names_existing_years(bot, question):
    answer = bot.ask(question)
    assert answer.status == "not_found"
    assert "2020" in answer.answer and answer.value is None and not answer.citations


def test_region_without_year_fitting_two_offices_is_ambiguous(bot):
    answer = bot.ask("洛龙区收到多少政府信息公开申请")
    assert answer.status == "ambiguous"
    assert LUOLONG_GOV in answer.answer and LUOLONG_BUREAU in answer.answer
    orgs = {c.org for c in answer.citations}
    assert LUOLONG_GOV in orgs and any(o.endswith(LUOLONG_BUREAU) for o in orgs) and len(orgs) == 2
    assert any(LUOLONG_GOV in q for q in answer.candidates) and any(LUOLONG_BUREAU in q for q in answer.candidates)
    assert answer.value is None


def test_two_government_reports_for_one_year_are_ambiguous(bot):
    answer = bot.ask("平潭2013年收到多少政府信息公开申请")
    assert answer.status == "ambiguous"
    assert "平潭县人民政府" in answer.answer and "平潭综合实验区" in answer.answer


def test_region_alone_means_its_government_and_mentions_the_others(bot):
    answer = bot.ask("平潭2024年收到多少政府信息公开申请")
    assert answer.status == "answered"
    assert {c.org for c in answer.citations} == {"平潭综合实验区"}
    assert "平潭综合实验区公安局" in answer.answer


def test_compare_two_offices_cites_each_fact(bot):
    answer = bot.ask("比较淮安市和洪泽区2024年收到的政府信息公开申请数量")
    assert answer.status == "answered"
    facts = {f.org: f.value for f in bot.store.facts(years=[2024], keys=["T3/new_requests/total"])}
    assert dict(answer.series) == {
        "淮安市人民政府": facts["淮安市人民政府"],
        "淮安市洪泽区人民政府": facts["淮安市洪泽区人民政府"],
    }
    assert [c.org for c in answer.citations] == ["淮安市人民政府", "淮安市洪泽区人民政府"]
    assert all(c.key == "T3/new_requests/total" for c in answer.citations)


def test_years_respectively_give_a_series_by_year(bot):
    answer = bot.ask("洪泽区2023年和2024年分别收到多少政府信息公开申请")
    facts = bot.store.facts(orgs=["淮安市洪泽区人民政府"], keys=["T3/new_requests/total"])
    assert answer.series == [(f"{f.year}年", f.value) for f in facts]
    assert len(answer.citations) == 2


def test_which_year_had_the_most_ranks_from_facts(bot):
    answer = bot.ask("Which year did Pingtan receive the most applications?")
    facts = bot.store.facts(orgs=["平潭综合实验区"], keys=["T3/new_requests/total"])
    best = max(facts, key=lambda f: f.value)
    assert answer.value == best.value
    assert answer.series[0] == (str(best.year), best.value)
    assert len(answer.citations) == len(facts)


def test_sum_over_offices(bot):
    answer = bot.ask("淮安市和洪泽区2024年合计收到多少政府信息公开申请")
    facts = bot.store.facts(
        orgs=["淮安市人民政府", "淮安市洪泽区人民政府"], years=[2024], keys=["T3/new_requests/total"]
    )
    assert answer.value == sum(f.value for f in facts) and len(answer.citations) == 2


def test_table_figure_wins_and_the_differing_text_is_mentioned(bot):
    answer = bot.ask("开封市龙亭区2019年部分公开多少件")
    assert answer.value == 18
    assert "同意部分公开3件" in answer.answer
    assert any(c.key is None and "同意部分公开3件" in c.quote for c in answer.citations)


def test_group_total_that_its_outcomes_do_not_add_up_to_is_flagged(bot):
    answer = bot.ask("洪泽区2023年政府信息公开行政复议的数据自洽吗？")
    assert answer.value == 0  # the printed 总计
    assert "合计11" in answer.answer and "勾稽关系不成立" in answer.answer
    assert {c.key for c in answer.citations} >= {"T4/reconsideration/total", "T4/reconsideration/upheld"}


def test_ambiguous_region_in_a_narrative_question_lists_each_reports_figure(bot):
    answer = bot.ask("平潭2013年主动公开政府信息多少条？")
    assert answer.status == "ambiguous"
    assert {c.org for c in answer.citations} == {"平潭县人民政府", "平潭综合实验区"}
    assert dict(answer.series) == {"平潭县人民政府2013年": 1853, "平潭综合实验区2013年": 4970}


def test_text_only_one_offices_report_holds_is_answered_from_it(bot):
    answer = bot.ask("What online handling rate did the Luolong approval bureau report for 2024 (percent)?")
    assert (answer.status, answer.value, answer.unit) == ("answered", 95.37, "%")
    assert answer.citations[0].org.endswith(LUOLONG_BUREAU) and "95.37%" in answer.citations[0].quote


def test_list_reports_of_an_office(bot):
    answer = bot.ask("洪泽区有哪些年份的报告")
    assert answer.status == "answered" and answer.value == 2
    assert {c.year for c in answer.citations} == {2023, 2024}


def test_contract_is_the_json_of_the_api(bot):
    contract = bot.ask("伊川县2020年予以公开多少件").contract()
    assert set(contract) == {
        "question",
        "status",
        "route",
        "answer",
        "value",
        "unit",
        "citations",
        "elapsed_ms",
        "resolved",
    }  # how the question was read (issue 11)
    assert set(contract["citations"][0]) == {"report_id", "title", "org", "year", "section", "locator", "quote"}
    json.dumps(contract, ensure_ascii=False)


def test_empty_question_raises_question_error(bot):
    with pytest.raises(QuestionError):
        bot.ask("   ")


def test_table_questions_do_not_load_the_embedding_model(corpus_settings):
    fresh = QuestionAnswerer.from_settings(corpus_settings)
    assert fresh.ask("伊川县2020年收到多少申请").value == 27
    assert fresh._index is None


def test_cli_jsonl_answers_in_order_and_reports_errors(corpus_settings):
    questions = ["伊川县2020年收到多少申请", "x" * 3000, "伊川县2021年收到多少申请"]
    env = {**os.environ, "GOVQA_DATA_DIR": str(corpus_settings.data_dir), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "govqa.cli", "ask", "--jsonl"],
        input="\n".join(questions),
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=REPO,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["answered", "error", "not_found"]
    assert lines[0]["value"] == 27 and "Traceback" not in done.stdout + done.stderr


@pytest.mark.parametrize(
    "question",
    [
        "洪泽区2024年比2023年多了多少申请",
        "洪泽区2024年收到的申请增加了多少",
        "How many more applications did Hongze receive in 2024 than in 2023?",
        "What was the increase in applications to Hongze from 2023 to 2024?",
    ],
)
def test_difference_is_computed_from_both_cited_facts(bot, question):
    answer = bot.ask(question)
    assert answer.status == "answered" and answer.value == 95 - 21
    cited = sorted((c.year, c.quote) for c in answer.citations if c.key == "T3/new_requests/total")
    assert cited == [(2023, "21"), (2024, "95")]
    assert all(s in answer.answer for s in ("95", "21", "74"))


@pytest.mark.parametrize(
    "question, value",
    [
        ("How many audio policy interpretations did the Luolong district government office publish in 2021?", 208),
        ("How many video policy interpretations did Luolong publish in 2021?", 58),
        ("How many graphic policy interpretations did Luolong publish in 2021?", 89),
        ("How many policy interpretations did Luolong publish in 2021?", 496),
    ],
)
def test_english_narrative_number_is_the_one_attached_to_the_asked_form(bot, question, value):
    answer = bot.ask(question)
    assert answer.route == "retrieval" and answer.value == value


@pytest.mark.parametrize(
    "question, value, org, year",
    [
        # the same report's 未发生…收费及减免事项 is a zero of fees, never the number of items disclosed
        ("How many items did the Pingtan Civil Air Defense Office disclose in 2011?", 15, "平潭县人防办", 2011),
        (
            "How many items did the Pingtan Environmental Protection Bureau disclose in 2010?",
            3,
            "平潭县环境保护局",
            2010,
        ),
        (
            "Pingtan Health Bureau 2013: how many government information items were proactively disclosed?",
            149,
            "平潭县卫生局",
            2013,
        ),
        (
            "How many issues of its briefing did the Pingtan Quality and Technical Supervision Bureau compile in 2012?",
            17,
            "平潭县质监局",
            2012,
        ),
    ],
)
def test_english_count_of_disclosed_items_is_the_proactive_figure_of_that_report(bot, question, value, org, year):
    answer = bot.ask(question)
    assert (answer.status, answer.route, answer.value) == ("answered", "retrieval", value)
    assert {(c.org, c.year) for c in answer.citations} == {(org, year)}
    assert str(value) in answer.citations[0].quote


@pytest.mark.parametrize(
    "question, named, related",
    [
        ("开封市鼓楼区2020年收到多少申请", "开封市鼓楼区", "开封市龙亭区人民政府办公室（2019年）"),
        ("开封市鼓楼区人民政府2021年予以公开多少件", "开封市鼓楼区人民政府", "开封市龙亭区人民政府办公室（2019年）"),
    ],
)
def test_missing_office_is_named_and_its_regions_offices_are_listed_with_years(bot, question, named, related):
    answer = bot.ask(question)
    assert answer.status == "not_found"
    assert answer.answer.startswith(f"库中没有{named}的报告") and related in answer.answer
    assert "没有开封市龙亭区" not in answer.answer


@pytest.mark.parametrize(
    "question, value",
    [
        ("沐阳县发展和改革局2023年收到多少申请", 26),
        ("沐阳发改局2023年收到多少申请", 26),
        ("沭阳县发改局2023年没经过复议直接起诉的有多少件", 0),
    ],
)
def test_look_alike_office_names_and_negated_groups_answer_from_the_table(bot, question, value):
    answer = bot.ask(question)
    assert answer.status == "answered" and answer.value == value
    assert {c.org for c in answer.citations} == {"沭阳县发展和改革局"}


def test_a_total_of_figures_only_the_text_states_is_computed_with_every_term(bot):
    # 平潭县民政局: 本局共主动公开政府信息5条 (2011), 54条 (2012), 43条 (2013); no tables before 2019
    answer = bot.ask("平潭县民政局2011年到2013年一共主动公开了多少条政府信息")
    assert (answer.status, answer.value, answer.unit) == ("answered", 102, "条")
    assert "5条 + 54条 + 43条 = 102条" in answer.answer
    assert {c.year for c in answer.citations} == {2011, 2012, 2013}


def test_a_text_average_over_a_year_without_a_report_names_the_year_and_gives_no_value(bot):
    answer = bot.ask("平潭县民政局2010年到2013年平均每年主动公开多少条政府信息")
    assert (answer.status, answer.value) == ("not_found", None)
    assert "缺少平潭县民政局2010年的数字" in answer.answer
