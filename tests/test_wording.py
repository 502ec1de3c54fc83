"""Every text a user sees follows the question's language: the page's word table walked in both languages,
answer cards and consistency rules rendered in Chinese and in English (no server, no corpus)."""

import re
import string

import pytest

from bot.models import Answer, Citation, QueryPlan
from bot.wording import (
    WORDING,
    AnswerWriter,
    both,
    rule_detail,
    rule_text,
    say,
)
from bot.wording.labels import RULE_TEXT_ZH
from index.models import ReportRecord
from parsers.checks import run_checks
from parsers.models import Fact, Report
from web.presenting import (
    answer_html,
    checks_summary,
    report_summary_html,
    reports_frame,
)

CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e]")  # Chinese characters or full-width punctuation
LATIN_WORD = re.compile(r"\b[A-Za-z]{3,}\b")
# Names that stay as they are in Chinese text: the product, file formats, table ids
KEEP = {"govqa", "CSV", "MiB", "txt", "html", "htm", "pdf", "docx", "Table"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(WORDING))
def test_every_page_text_exists_in_chinese_and_english_with_the_same_blanks(key):
    zh, en = WORDING[key]
    assert _fields(zh) == _fields(en), key
    assert CJK.search(zh) or key == "page.title" and zh, key
    assert not CJK.search(en), key
    words = re.sub(r"\{[^}]*\}", "", zh)  # the blanks are names, not words shown
    assert not {w for w in LATIN_WORD.findall(words) if w not in KEEP}, key


def test_page_labels_show_both_languages():
    assert both("tab.reports") == "Reports 报告"
    assert say("sources", "zh", n=2).startswith("来源（2）") and say("sources", "en", n=2).startswith("Sources (2)")


def _answer(language: str, status: str) -> Answer:
    question = "伊川县2020年收到多少申请" if language == "zh" else "how many requests did Yichuan get in 2020"
    citation = Citation(
        report_id="r",
        title="伊川县人民政府2020年政府信息公开工作年度报告",
        org="伊川县人民政府",
        year=2020,
        section="三、收到和处理政府信息公开申请情况",
        locator="T3 本年新收 × 总计",
        quote="27",
        key="T3/new_requests/total",
    )
    plan = QueryPlan(question=question, language=language, intent="fact", route="sql")
    return Answer(
        question=question,
        status=status,
        route="sql",
        answer="…",
        value=27,
        unit="件",
        elapsed_ms=5,
        citations=[citation],
        plan=plan,
    )


def _page_words(html_text: str) -> str:
    """The card's own words: tags, the cited report's Chinese labels and quotes taken out."""
    text = re.sub(r"<[^>]+>", " ", html_text)
    for chinese in (
        "伊川县人民政府2020年政府信息公开工作年度报告",
        "伊川县人民政府",
        "2020年",
        "三、收到和处理政府信息公开申请情况",
        "本年新收",
        "总计",
        "件",
    ):
        text = text.replace(chinese, " ")
    return text


@pytest.mark.parametrize("status", ["answered", "not_found", "ambiguous", "help", "error"])
def test_answer_card_words_follow_the_question_language(status):
    zh = answer_html(_answer("zh", status))
    en = answer_html(_answer("en", status))
    assert say(f"status.{status}", "zh") in zh and say(f"status.{status}", "en") in en
    assert not {w for w in LATIN_WORD.findall(_page_words(zh)) if w not in KEEP}
    assert not CJK.search(_page_words(en))
    assert 'data-open="▸ 查看上下文"' in zh and 'data-open="▸ show context"' in en


@pytest.mark.parametrize("rule", sorted(RULE_TEXT_ZH))
def test_every_consistency_rule_has_a_chinese_explanation(rule):
    assert CJK.search(rule_text(rule, "zh")) and rule_text(rule, "en") == rule


def _broken_report() -> Report:
    cols = [
        "natural_person",
        "commercial_enterprise",
        "research_institution",
        "social_welfare_org",
        "legal_service_org",
        "other_org",
        "total",
    ]
    facts = [
        Fact(
            table="T3",
            row="new_requests",
            col=c,
            key=f"T3/new_requests/{c}",
            label="一、本年新收政府信息公开申请数量",
            col_label=c,
            value=v,
            raw=str(v),
        )
        for c, v in zip(cols, [1, 2, 0, 0, 0, 0, 4], strict=False)
    ]
    return Report(
        report_id="x",
        source="x.txt",
        title="某县2020年报告",
        org="某县人民政府",
        year=2020,
        template="v2021",
        facts=facts,
        checks=run_checks(facts),
    )


def test_failed_rules_are_explained_in_the_reader_language_on_the_reports_tab():
    report = _broken_report()
    failed = [c for c in report.checks if c.ok is False]
    assert failed
    zh = report_summary_html(report, language="zh")
    assert "表三各行：总计 = 六类申请人之和" in zh and "本年新收政府信息公开申请数量: 1+2+0+0+0+0=3 ≠ 总计 4" in zh
    assert "T3 rows" not in zh and "new_requests" not in zh
    en = report_summary_html(report, language="en")
    assert "T3 rows: total = sum of the six applicant columns" in en and "new_requests" in en
    record = ReportRecord(
        report_id="x",
        org="某县人民政府",
        year=2020,
        template="v2021",
        title="t",
        sources=["x.txt"],
        checks_failed=[c.rule for c in failed],
    )
    frame = reports_frame([record], {"x": (3, 1, 0)}, "zh")
    assert list(frame.columns)[:4] == ["单位", "年份", "模板", "勾稽核对"]
    assert frame.iloc[0]["不成立的规则"] == "表三各行：总计 = 六类申请人之和"
    assert frame.iloc[0]["勾稽核对"] == "✗ 1条不成立 · 3条成立" == checks_summary(3, 1, 0, "zh")


def test_rule_details_name_printed_labels_in_chinese():
    assert rule_detail("carried_over: 1+2 ≠ 3+1", "zh") == "上年结转政府信息公开申请数量: 1+2 ≠ 3+1"
    assert rule_detail("not checked: unknown cells T3/granted/total", "zh").startswith("未核对")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_answer_writer_sentences_of_a_conversation_follow_the_language(language):
    w = AnswerWriter(language, {"伊川县人民政府": "Yichuan County"})
    plan = QueryPlan(
        question="q", language=language, intent="trend", offices=["伊川县人民政府"], years=[2019, 2020, 2021]
    )
    texts = [
        w.read_as(w.reading(plan)),
        w.help(["q1"], outside=True),
        w.loading(["伊川县人民政府2020年"], 3, 9),
        w.checks_failed("伊川县人民政府", 2020, list(RULE_TEXT_ZH)),
    ]
    for text in texts:
        words = text.replace("伊川县人民政府", "").replace("2020年", "").replace("政府信息公开工作年度报告", "")
        words = words.replace("(一)…(六)", "")  # the printed row numbers the rule names
        if language == "en":
            assert not CJK.search(words), text
        else:
            assert not {w for w in LATIN_WORD.findall(words) if w not in KEEP}, text
