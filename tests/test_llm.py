"""The optional chat model, with fake models standing in for a hosted LLM (tests named fake_llm).

Numbers never come from the model: plans are checked against the template and the store, wordings
against the quotes; without a configured model nothing builds one.
"""

import json

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from bot.llm import ChatAssistant, PlanDraft, numbers_supported, rules_unsure
from bot.planner import QueryPlanner
from bot.service import QuestionAnswerer
from govqa.errors import ModelError
from index.facts import FactStore
from index.models import SourceFile
from index.offices import office_record

YICHUAN = "伊川县人民政府"


class ToolCallingFakeChatModel(GenericFakeChatModel):
    """A fake that accepts tools, so `with_structured_output` takes the tool-calling path."""

    def bind_tools(self, tools, **kwargs):
        return self


def _fake(*replies) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter(replies))


@pytest.fixture(scope="module")
def planner() -> QueryPlanner:
    return QueryPlanner([office_record(YICHUAN, ["河南省", "洛阳市", "伊川县"], True, [2020])])


def test_fake_llm_json_plan_fills_the_metric_the_rules_missed(planner):
    plan = planner.plan("伊川县2020年有多少件被同意了？")
    assert plan.metrics == [] and rules_unsure(plan)
    reply = json.dumps({"intent": "fact", "offices": [YICHUAN], "years": [2020], "metrics": ["T3/granted/total"]})
    assistant = ChatAssistant(_fake(reply))
    refined = assistant.refine(plan, assistant.draft_plan(plan.question, [YICHUAN]), {YICHUAN})
    assert refined.planner == "llm" and refined.route == "sql" and refined.intent == "fact"
    assert refined.metrics == ["T3/granted/total"] and refined.offices == [YICHUAN] and refined.years == [2020]


def test_fake_llm_structured_output_uses_tool_calls(planner):
    plan = planner.plan("伊川县2020年有多少件被同意了？")
    call = {
        "name": "PlanDraft",
        "id": "1",
        "args": {"intent": "fact", "offices": [YICHUAN], "years": [2020], "metrics": ["T3/granted/total"]},
    }
    assistant = ChatAssistant(ToolCallingFakeChatModel(messages=iter([AIMessage(content="", tool_calls=[call])])))
    draft = assistant.draft_plan(plan.question, [YICHUAN])
    assert draft == PlanDraft(intent="fact", offices=[YICHUAN], years=[2020], metrics=["T3/granted/total"])


def test_fake_llm_unknown_keys_and_offices_are_dropped(planner):
    plan = planner.plan("伊川县2020年有多少件被同意了？")
    draft = PlanDraft(intent="fact", offices=["上海市人民政府"], years=[1200], metrics=["T9/made_up/total"])
    refined = ChatAssistant(_fake("unused")).refine(plan, draft, {YICHUAN})
    assert refined.metrics == [] and refined.offices == [YICHUAN] and refined.years == [2020]
    assert refined.intent == "narrative" and refined.route == "retrieval"


def test_fake_llm_unparsable_plan_is_a_model_error():
    with pytest.raises(ModelError):
        ChatAssistant(_fake("I think it is about applications")).draft_plan("伊川县2020年…", [YICHUAN])


@pytest.mark.parametrize(
    "wording,kept",
    [
        ("洛龙区2021年发布政策解读496条。", True),
        ("洛龙区2021年发布政策解读约500条。", False),  # a number the quote does not hold
    ],
)
def test_fake_llm_wording_with_a_number_not_in_the_quotes_is_dropped(wording, kept):
    quotes = ["在区政府门户网站发布政策解读496条，其中图解89条、音频208条。"]
    phrased = ChatAssistant(_fake(wording)).phrase("洛龙区2021年发布政策解读多少条", quotes, "zh")
    assert (phrased == wording) is kept
    assert phrased is None or phrased == wording


def test_numbers_supported():
    assert numbers_supported("共27件，其中21件", ["收到27件", "商业企业21件"])
    assert not numbers_supported("共28件", ["收到27件"])


def test_unavailable_provider_is_a_model_error_not_a_network_call(settings):
    settings.bot.llm_model = "openai:gpt-4o-mini"  # langchain-openai is not installed
    with pytest.raises(ModelError):
        ChatAssistant.from_settings(settings)


@pytest.fixture
def yichuan_store(settings, corpus) -> FactStore:
    """A real SQLite fact store holding the parsed 伊川县人民政府 2020 report (no embedding model needed)."""
    from index.offices import is_government_office
    from parsers.report import ReportParser

    report = ReportParser(settings.parsing).parse(corpus / "seeds" / "003_5e020ea6cd751a4c.txt")
    store = FactStore.from_settings(settings)
    office = office_record(report.org, report.region, is_government_office(report.org), [report.year])
    store.replace_report(report, [SourceFile(source=report.source, sha256="0" * 64)], office)
    yield store
    store.close()


@pytest.mark.corpus
def test_fake_llm_plan_answers_from_facts_not_from_the_model(settings, yichuan_store):
    reply = json.dumps({"intent": "fact", "offices": [YICHUAN], "years": [2020], "metrics": ["T3/granted/total"]})
    bot = QuestionAnswerer(settings, store=yichuan_store, chat=ChatAssistant(_fake(reply)))
    answer = bot.ask("伊川县2020年有多少件被同意了？")
    assert answer.plan.planner == "llm"
    assert answer.status == "answered" and answer.value == 25
    assert answer.citations[0].key == "T3/granted/total" and answer.citations[0].quote == "25"


@pytest.mark.corpus
def test_no_model_configured_means_no_chat_model(settings, yichuan_store):
    bot = QuestionAnswerer(settings, store=yichuan_store)
    assert bot.chat is None
    assert bot.ask("伊川县2020年收到多少申请").plan.planner == "rules"
