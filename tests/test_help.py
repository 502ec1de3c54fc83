"""The help answer: greetings, "what can you do", "help" and questions outside the reports, in the user's
language, with example questions about stored reports that the bot then answers."""

import re

import pytest

from bot.conversation import example_offices
from bot.service import QuestionAnswerer

pytestmark = [pytest.mark.corpus, pytest.mark.slow]
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def bot(corpus_settings) -> QuestionAnswerer:
    return QuestionAnswerer(corpus_settings)


def _prose(text: str) -> str:
    """The help text without the parts that are Chinese in any language (report titles, office names)."""
    text = text.replace("政府信息公开工作年度报告", "")
    return "\n".join(line for line in text.splitlines() if not line.startswith("- "))


@pytest.mark.parametrize(
    ("question", "language", "outside"),
    [
        ("hi", "en", False),
        ("help", "en", False),
        ("What can you do?", "en", False),
        ("Hello!", "en", False),
        ("你好", "zh", False),
        ("你能做什么", "zh", False),
        ("帮助", "zh", False),
        ("您好，你是谁？", "zh", False),
        ("今天天气怎么样", "zh", True),
        ("what is the weather like today", "en", True),
    ],
)
def test_help_answer_is_in_the_question_language_with_examples(bot, question, language, outside):
    answer = bot.ask(question)
    assert answer.status == "help" and answer.route == "none" and answer.value is None and not answer.citations
    assert len(answer.candidates) >= 2
    for example in answer.candidates:
        assert f"- {example}" in answer.answer
    prose = _prose(answer.answer)
    if language == "zh":
        assert "我可以回答" in prose and not re.search(r"[A-Za-z]{3,}", prose)
    else:
        assert "I answer questions" in prose and not CJK.search(prose)
    assert ("超出了库中报告的范围" in prose or "not something the stored reports answer" in prose) is outside


def test_help_examples_name_stored_offices_and_years(bot):
    offices = example_offices(list(bot.offices.values()), list(bot.records.values()))
    org, years = offices[0]
    assert years == sorted(
        y
        for y in bot.offices[org].years
        if any(r.org == org and r.year == y and r.n_facts for r in bot.records.values())
    )
    zh = bot.ask("你好").candidates
    assert zh[0] == f"{org}{years[-1]}年收到多少政府信息公开申请"


@pytest.mark.parametrize("greeting", ["你好", "hi"])
def test_every_help_example_is_answered_from_the_reports(bot, greeting):
    """The examples are real questions: each is answered, the first with the printed cell of its report."""
    org, years = example_offices(list(bot.offices.values()), list(bot.records.values()))[0]
    [printed] = bot.store.facts(orgs=[org], years=[years[-1]], keys=["T3/new_requests/total"])
    examples = bot.ask(greeting).candidates
    answers = [bot.ask(q) for q in examples]
    assert [a.status for a in answers] == ["answered"] * len(examples), [a.answer[:200] for a in answers]
    assert answers[0].value == printed.value and answers[0].citations[0].org == org
    assert len(answers[1].series) == len(years)  # the trend example covers every year with tables


def test_help_is_not_a_turn_to_lean_on(bot):
    answer = bot.ask("那2022年呢？", history=["平潭2021年收到多少申请", "谢谢"])
    assert answer.value == 74
