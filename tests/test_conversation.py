"""Conversations over the real corpus: follow-ups inherit office, year, measure and operation from earlier turns.

Expected figures are the printed cells of the reports (平潭综合实验区 2021: 70, 2022: 74; 淮安市洪泽区 2024: 95 …),
checked against the fact store as well, so a wrong inheritance (another office, year or measure) fails.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.conversation import follow, is_small_talk, named_slots, reply_language
from bot.models import QueryPlan
from bot.service import QuestionAnswerer

REPO = Path(__file__).resolve().parents[1]
PINGTAN = "平潭综合实验区"
HONGZE = "淮安市洪泽区人民政府"
HUAIAN = "淮安市人民政府"
YICHUAN = "伊川县人民政府"
NEW = "T3/new_requests/total"
GRANTED = "T3/granted/total"
RECONSIDERATION = "T4/reconsideration/total"

# (question, status, office, year, fact key, printed value or None, read as a follow-up?)
CONVERSATIONS = {
    "pingtan-zh": [
        ("平潭2021年收到多少申请", "answered", PINGTAN, 2021, NEW, 70, False),
        ("那2022年呢？", "answered", PINGTAN, 2022, NEW, 74, True),
        ("其中予以公开的有多少件？", "answered", PINGTAN, 2022, GRANTED, 21, True),
        ("伊川县呢？", "not_found", YICHUAN, 2022, GRANTED, None, True),  # 伊川县 has 2020 only: said, not guessed
    ],
    "huaian-en": [
        ("how many requests did Huaian city receive in 2024", "answered", HUAIAN, 2024, NEW, 3119, False),
        ("What about Hongze district?", "answered", HONGZE, 2024, NEW, 95, True),
        ("and reconsiderations?", "answered", HONGZE, 2024, RECONSIDERATION, 2, True),
        ("what about 2023?", "answered", HONGZE, 2023, RECONSIDERATION, 0, True),
    ],
    "yichuan-zh-standalone": [
        ("伊川县2020年收到多少政府信息公开申请", "answered", YICHUAN, 2020, NEW, 27, False),
        ("其中予以公开的有多少件？", "answered", YICHUAN, 2020, GRANTED, None, True),
        ("平潭2024年收到多少申请", "answered", PINGTAN, 2024, NEW, 218, False),  # names everything: stands alone
        ("2023年呢", "answered", PINGTAN, 2023, NEW, 81, True),
    ],
}


@pytest.fixture(scope="module")
def bot(corpus_settings) -> QuestionAnswerer:
    return QuestionAnswerer(corpus_settings)


def _printed(store, org: str, year: int, key: str):
    found = store.facts(orgs=[org], years=[year], keys=[key])
    return found[0].value if found else None


def check_turn(store, answer: dict, turn: tuple) -> None:
    """One answer (Answer.contract() JSON) against its expected turn and the printed cell in the store."""
    question, status, org, year, key, value, follow_up = turn
    assert answer["status"] == status, (question, answer["answer"])
    if status == "answered":
        expected = _printed(store, org, year, key)
        assert expected is not None and answer["value"] == expected, (question, answer["answer"])
        if value is not None:
            assert expected == value
        cited = answer["citations"][0]
        assert (cited["org"], cited["year"]) == (org, year), question
    assert org in answer["resolved"] and str(year) in answer["resolved"], (question, answer["resolved"])
    read_as = answer["answer"].startswith(("理解为：", "Read as: "))
    assert read_as == follow_up, (question, answer["answer"])


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_conversation_is_answered_turn_by_turn_with_what_earlier_turns_named(bot, name):
    history: list[str] = []
    for turn in CONVERSATIONS[name]:
        answer = bot.ask(turn[0], history=history).contract()
        check_turn(bot.store, answer, turn)
        history.append(turn[0])


@pytest.mark.corpus
@pytest.mark.slow
def test_pingtan_2021_then_2022_is_70_then_74(bot):
    first = bot.ask("平潭2021年收到多少申请")
    second = bot.ask("那2022年呢？", history=["平潭2021年收到多少申请"])
    assert (first.value, second.value) == (70, 74)
    assert second.resolved == "平潭综合实验区 2022年 本年新收政府信息公开申请数量（总计）"
    assert second.answer.startswith("理解为：平潭综合实验区 2022年")


@pytest.mark.corpus
@pytest.mark.slow
def test_a_follow_up_keeps_the_earlier_trend_and_replaces_only_the_measure(bot):
    history = ["平潭2021到2025年每年收到多少申请"]
    answer = bot.ask("行政复议呢？", history=history)
    assert answer.plan.intent == "trend" and answer.plan.years == [2021, 2022, 2023, 2024, 2025]
    expected = [_printed(bot.store, PINGTAN, y, RECONSIDERATION) for y in range(2021, 2026)]
    assert [v for _, v in answer.series] == expected and None not in expected
    assert [(c.org, c.key) for c in answer.citations] == [(PINGTAN, RECONSIDERATION)] * 5


@pytest.mark.corpus
@pytest.mark.slow
def test_a_follow_up_of_a_comparison_keeps_both_offices(bot):
    answer = bot.ask("那2023年呢？", history=["比较淮安市和洪泽区2024年的申请数量"])
    assert answer.plan.offices == [HUAIAN, HONGZE] and answer.plan.years == [2023]
    # 淮安市 has no 2023 report: it is said, and only 洪泽区's figure is given
    assert [c.org for c in answer.citations] == [HONGZE]
    assert "没有淮安市人民政府2023年的报告" in answer.answer


@pytest.mark.corpus
@pytest.mark.slow
def test_an_ambiguity_choice_resolves_within_the_conversation(bot):
    first = bot.ask("平潭2013年收到多少申请")
    assert first.status == "ambiguous" and len(first.candidates) == 2
    [choice] = [c for c in first.candidates if "平潭县人民政府" in c]
    picked = bot.ask(choice, history=[first.question])
    assert picked.status == "answered" and picked.value == 7  # "2013年全县共收到…申请7条"
    assert picked.citations[0].org == "平潭县人民政府"
    later = bot.ask("那2012年呢", history=[first.question, choice])
    assert later.plan.offices == ["平潭县人民政府"] and later.plan.years == [2012]
    assert all(c.org == "平潭县人民政府" for c in later.citations)


@pytest.mark.corpus
@pytest.mark.slow
def test_a_question_of_another_kind_does_not_inherit_the_earlier_measure(bot):
    answer = bot.ask("存在哪些问题？", history=["伊川县2020年收到多少政府信息公开申请"])
    assert answer.plan.route == "retrieval" and answer.plan.measures == []
    assert answer.plan.offices == [YICHUAN] and answer.plan.years == [2020]
    assert answer.citations and all(c.org == YICHUAN for c in answer.citations)


@pytest.mark.corpus
@pytest.mark.slow
def test_a_question_outside_the_reports_after_a_conversation_gets_help_not_the_earlier_figure(bot):
    answer = bot.ask("今天天气怎么样", history=["平潭2021年收到多少申请"])
    assert answer.status == "help" and answer.value is None and not answer.citations


@pytest.mark.corpus
@pytest.mark.slow
def test_cli_jsonl_reads_conversation_lines_in_order_with_interleaved_ids(corpus_settings, bot):
    lines, expected = [], []
    turns = {name: list(turns) for name, turns in CONVERSATIONS.items() if name != "yichuan-zh-standalone"}
    while any(turns.values()):  # interleave: one turn of each conversation in turn
        for name, left in turns.items():
            if left:
                turn = left.pop(0)
                lines.append(json.dumps({"conversation": name, "question": turn[0]}, ensure_ascii=False))
                expected.append((name, turn))
    lines.append("那2022年呢？")  # a plain line is a question of its own: nothing to lean on
    done = subprocess.run(
        [sys.executable, "-m", "govqa.cli", "ask", "--jsonl", "--data-dir", str(corpus_settings.data_dir)],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(expected) + 1
    for answer, (name, turn) in zip(answers, expected, strict=False):
        assert answer["conversation"] == name and answer["question"] == turn[0]
        check_turn(bot.store, answer, turn)
    alone = answers[-1]
    assert "conversation" not in alone and alone["status"] != "answered" and alone["value"] is None


# ---------------------------------------------------------------------------- pieces (no corpus)
@pytest.mark.parametrize(
    ("question", "small_talk"),
    [
        ("hi", True),
        ("Hello!", True),
        ("你好", True),
        ("您好，你能做什么？", True),
        ("help", True),
        ("what can you do?", True),
        ("谢谢", True),
        ("hi there", True),
        ("伊川县2020年收到多少申请", False),
        ("help: how many requests did Pingtan get in 2024", False),
        ("你好，平潭2021年收到多少申请", False),
        ("what about 2022?", False),
    ],
)
def test_greetings_and_questions_about_the_bot_are_small_talk(question, small_talk):
    assert is_small_talk(question) is small_talk


@pytest.mark.parametrize(
    ("question", "language"),
    [("hi", "en"), ("help", "en"), ("你好", "zh"), ("What about Hongze district?", "en"), ("那2022年呢？", "zh")],
)
def test_replies_follow_the_question_language(question, language):
    assert reply_language(question) == language


class PlanWithOperation(QueryPlan):
    """A plan with a field no slot knows (as issue 13 adds an operation): it must carry over too."""

    operation: str | None = None


def _no_reread(plan, intent):
    plan.intent = intent
    return plan


def test_a_plan_field_no_slot_knows_is_carried_over_unless_the_question_sets_it():
    previous = PlanWithOperation(
        question="平潭2021年申请数的占比",
        language="zh",
        intent="fact",
        offices=[PINGTAN],
        years=[2021],
        operation="share",
    )
    fresh = PlanWithOperation(question="那2022年呢？", language="zh", intent="narrative", years=[2022])
    merged = follow(fresh, previous, None, _no_reread)
    assert (merged.plan.operation, merged.plan.years, merged.plan.offices) == ("share", [2022], [PINGTAN])
    assert merged.inherited == ["office", "measure", "operation"]
    fresh.operation = "ratio"
    assert follow(fresh, previous, None, _no_reread).plan.operation == "ratio"


def test_a_question_naming_office_year_and_measure_stands_alone():
    from bot.models import Measure

    measure = Measure(name=NEW, label="本年新收", label_en="new", parts=[[NEW]])
    previous = QueryPlan(
        question="q1", language="zh", intent="trend", offices=[PINGTAN], years=[2021, 2022], measures=[measure]
    )
    fresh = QueryPlan(
        question="伊川县2020年收到多少申请",
        language="zh",
        intent="fact",
        offices=[YICHUAN],
        office_mentions=["伊川县"],
        years=[2020],
        measures=[measure],
    )
    assert all(named_slots(fresh, None)[s] for s in ("office", "year", "measure"))
    reading = follow(fresh, previous, None, _no_reread)
    assert reading.plan is fresh and reading.inherited == []
