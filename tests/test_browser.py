"""The page in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) against the real app.

Screenshots of the chat and reports tabs go to test-output/. Skipped when Chromium is missing,
unless GOVQA_REQUIRE_BROWSER=1 (then it fails).
"""

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bot.wording import say
from parsers.synthetic import make_report, render
from tests.test_app import YICHUAN, RunningApp, shared_app
from tests.test_conversation import CONVERSATIONS

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.corpus]

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[1] / "test-output"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ANSWER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("GOVQA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"GOVQA_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def app(pytestconfig, tmp_path_factory, corpus) -> RunningApp:
    return shared_app(pytestconfig, tmp_path_factory, corpus)


@pytest.fixture
def page(browser, app):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")  # a common laptop
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    started = time.perf_counter()
    page.goto(app.url)
    page.wait_for_selector("#gq-question textarea")
    page.load_seconds = time.perf_counter() - started
    yield page
    context.close()


def ask(page, question: str):
    """Type a question, press Ask, wait for the new answer; returns (answer element, round-trip seconds)."""
    before = page.locator(".gq-answer").count()
    page.fill("#gq-question textarea", question)
    started = time.perf_counter()
    page.click("#gq-ask")
    page.wait_for_function(f"document.querySelectorAll('.gq-answer').length > {before}", timeout=ANSWER_TIMEOUT_MS)
    return page.locator(".gq-answer").nth(before), time.perf_counter() - started


def test_question_shows_the_answer_and_a_citation_card_that_opens_to_the_printed_row(page):
    answer, seconds = ask(page, YICHUAN)
    assert answer.locator(".gq-value").inner_text().replace("\n", "") == "27件"
    card = answer.locator("details.gq-card").first
    assert re.search(r"伊川县人民政府\s*·\s*2020年\s*·\s*三、收到和处理政府信息公开申请情况", card.inner_text())
    assert "本年新收政府信息公开申请数量 × 总计 = 27" in card.locator(".gq-cell").inner_text()
    assert not card.locator(".gq-row").is_visible()
    card.locator(":scope > summary").click()
    assert card.get_attribute("open") is not None
    assert card.locator("td.gq-cited").inner_text() == "27"
    assert card.locator("th.gq-cited").inner_text() == "总计"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "chat.png"))
    print(f"\npage load {page.load_seconds:.2f} s; question → answer in the browser {seconds:.2f} s")


def test_page_fetches_nothing_but_the_app_itself(page, app):
    ask(page, YICHUAN)
    foreign = [u for u in page.requests if not u.startswith((app.url, "data:", "blob:"))]
    assert foreign == []


def test_clicking_an_example_question_answers_it(page):
    before = page.locator(".gq-answer").count()
    page.locator("#gq-examples").get_by_text("伊川县2020年收到多少政府信息公开申请").click()
    page.wait_for_function(f"document.querySelectorAll('.gq-answer').length > {before}", timeout=ANSWER_TIMEOUT_MS)
    answer = page.locator(".gq-answer").nth(before)
    assert "27件" in answer.locator(".gq-value").inner_text().replace("\n", "")


def _beside(chart, chat) -> bool:
    """The chart stands to the right of the chat, level with it."""
    c, t = chart.bounding_box(), chat.bounding_box()
    return c["x"] >= t["x"] + t["width"] - 1 and c["y"] < t["y"] + t["height"]


def test_examples_are_listed_once_and_a_comparison_example_draws_bars_beside_the_answer(page):
    example = "比较淮安市和洪泽区2024年的申请数量"
    assert page.get_by_text(example, exact=True).count() == 1  # one example list, not one per place
    page.locator("#gq-examples").get_by_text(example).click()
    page.wait_for_selector(".gq-answer", timeout=ANSWER_TIMEOUT_MS)
    cards = page.locator(".gq-answer").first.locator("details.gq-card")
    assert cards.count() == 2
    assert "淮安市人民政府 · 2024年" in cards.first.inner_text()
    page.locator("#gq-chart-bar").locator("canvas, svg").first.wait_for(state="visible")
    assert _beside(page.locator("#gq-chart"), page.locator("#gq-chat"))


def test_ambiguous_place_offers_follow_up_questions_that_can_be_clicked(page):
    answer, _ = ask(page, "平潭2013年收到多少申请")
    assert say("status.ambiguous", "zh") in answer.locator(".gq-status").inner_text()  # the question's language
    follow_up = page.locator("#gq-chat button", has_text="平潭县人民政府2013年")
    assert follow_up.count() == 1
    before = page.locator(".gq-answer").count()
    follow_up.click()
    page.wait_for_function(f"document.querySelectorAll('.gq-answer').length > {before}", timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#gq-chat").get_by_text(re.compile("^平潭县人民政府2013年")).count() >= 1


def test_trend_question_draws_a_line_chart(page):
    answer, _ = ask(page, "平潭2021到2025年每年收到多少申请")
    assert answer.locator("details.gq-card").count() == 5
    drawing = page.locator("#gq-chart-line").locator("canvas, svg").first
    drawing.wait_for(state="visible")
    assert drawing.bounding_box()["height"] > 100
    assert not page.locator("#gq-chart-bar").is_visible()
    assert _beside(page.locator("#gq-chart"), page.locator("#gq-chat"))
    assert (
        "年份" in page.locator("#gq-chart-line").inner_text()
        or page.locator("#gq-chart-line svg text", has_text="年份").count()
    )


def _new_synthetic_report(app: RunningApp):
    """A synthetic report of an office the corpus does not have (so the answer can only come from the upload)."""
    from index.facts import FactStore

    store = FactStore(f"sqlite:///{app.data_dir / 'facts.sqlite3'}", read_only=True)
    known = {o.org for o in store.offices()} | {a for o in store.offices() for a in o.aliases}
    store.close()
    for seed in range(7000, 7100):
        report = make_report(seed, template="v2021")
        if report.org not in known and not any(a in report.org for a in known if len(a) > 2):
            return report
    raise AssertionError("no synthetic office outside the corpus in 100 seeds")


def test_uploaded_report_is_ingested_listed_and_answered(page, app, tmp_path):
    report = _new_synthetic_report(app)
    upload = tmp_path / f"{report.org}{report.year}年度报告.html"
    upload.write_bytes(render(report, "html"))
    reports_before = _report_count(page)
    page.get_by_role("tab", name="Upload 上传").click()
    page.set_input_files("#gq-upload input[type=file]", str(upload))
    page.locator("#gq-upload").get_by_text(upload.name).wait_for()
    page.click("#gq-ingest")
    page.wait_for_function(
        f"document.querySelector('#gq-upload-results')?.innerText.includes('{report.org}')", timeout=ANSWER_TIMEOUT_MS
    )
    results = page.locator("#gq-upload-results").inner_text()
    assert upload.name in results and "ingested" in results and "failed" not in results
    assert (app.data_dir / "uploads" / upload.name).read_bytes() == upload.read_bytes()
    page.wait_for_function(f"document.querySelector('#gq-status').innerText.includes('{reports_before + 1} reports')")

    page.get_by_role("tab", name="Reports 报告").click()
    page.fill("#gq-report-filter textarea", report.org)
    page.press("#gq-report-filter textarea", "Enter")
    page.wait_for_function("!document.querySelector('#gq-reports').innerText.includes('伊川县人民政府')")  # filtered
    listed = page.locator("#gq-reports").get_by_text(report.org, exact=True).last
    listed.wait_for()
    listed.click()
    page.locator(".gq-report h3", has_text=report.title).wait_for()
    assert page.locator("#gq-table-T3").is_visible()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "reports.png"), full_page=True)

    page.get_by_role("tab", name="Ask 问答").click()
    answer, _ = ask(page, f"{report.org}{report.year}年收到多少政府信息公开申请")
    expected = report.facts["T3/new_requests/total"]
    assert answer.locator(".gq-value").inner_text().replace("\n", "") == f"{expected}件"
    assert report.org in answer.locator("details.gq-card").first.inner_text()


def test_oversized_upload_is_refused_with_a_clear_message(page, tmp_path):
    big = tmp_path / "太大的年报.txt"
    big.write_bytes(b"0" * (3 * 1024 * 1024))  # the test server allows 2 MiB
    page.get_by_role("tab", name="Upload 上传").click()
    page.set_input_files("#gq-upload input[type=file]", str(big))
    message = page.get_by_text(re.compile("exceed the maximum allowed size of 2(\\.0)? ?Mb", re.I)).first
    message.wait_for(timeout=15_000)
    assert big.name in message.inner_text()


def _report_count(page) -> int:
    page.wait_for_function("/\\d+ reports/.test(document.querySelector('#gq-status').innerText)")
    return int(re.search(r"(\d+) reports", page.locator("#gq-status").inner_text()).group(1))


# ---------------------------------------------------------------------------- conversations and tabs at 1366×768
@pytest.fixture(scope="module")
def printed(app):
    from index.facts import FactStore

    store = FactStore(f"sqlite:///{app.data_dir / 'facts.sqlite3'}", read_only=True)
    yield lambda org, year, key: next((f.value for f in store.facts(orgs=[org], years=[year], keys=[key])), None)
    store.close()


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_a_conversation_in_the_chat_is_answered_turn_by_turn(page, printed, name):
    for question, status, org, year, key, value, follow_up in CONVERSATIONS[name]:
        answer, _ = ask(page, question)
        text = answer.inner_text()
        language = "en" if question.isascii() else "zh"
        assert say(f"status.{status}", language) in answer.locator(".gq-status").inner_text(), (question, text)
        if status == "answered":
            expected = printed(org, year, key)
            assert expected is not None and (value is None or expected == value)
            shown = answer.locator(".gq-value").inner_text().replace("\n", "")
            assert shown in (f"{expected}件", f"{expected}"), (question, text)
            assert f"{org} · {year}年" in answer.locator("details.gq-card").first.inner_text()
        assert (("理解为：" if language == "zh" else "Read as: ") in text) == follow_up, (question, text)
    if name == "pingtan-zh":
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "chat-followup.png"))


def test_an_ambiguity_choice_clicked_in_the_chat_is_followed_up_within_the_conversation(page):
    ask(page, "平潭2013年收到多少申请")
    before = page.locator(".gq-answer").count()
    page.locator("#gq-chat button", has_text="平潭县人民政府2013年").click()
    page.wait_for_function(f"document.querySelectorAll('.gq-answer').length > {before}", timeout=ANSWER_TIMEOUT_MS)
    assert "7" in page.locator(".gq-answer").nth(before).locator(".gq-value").inner_text()
    answer, _ = ask(page, "那2012年呢")
    assert "理解为：平潭县人民政府 2012年" in answer.inner_text()


def _clipped(locator) -> list[str]:
    """Texts of the matched cells on screen whose content is wider than the cell (cut off)."""
    return locator.evaluate_all(
        "cells => cells.filter(c => { const r = c.getBoundingClientRect();"
        " return c.innerText.trim() && r.top >= 0 && r.bottom <= innerHeight && c.scrollWidth > c.clientWidth + 1; })"
        ".map(c => c.innerText)"
    )


def _fits(table) -> bool:
    """Every column of the table is inside its box: the last one (Files, Report) is not cut off at the edge."""
    right = table.bounding_box()["x"] + table.bounding_box()["width"]
    last = table.locator("th").filter(visible=True).last.bounding_box()
    return last["x"] + last["width"] <= right + 1


def test_reports_tab_shows_whole_file_names_many_rows_and_cells_that_do_not_edit(page):
    page.get_by_role("tab", name="Reports 报告").click()
    table = page.locator("#gq-reports")
    table.get_by_text("003_5e020ea6cd751a4c.txt").wait_for()
    assert table.locator("th", has_text="文件").count() >= 1  # the browser asks for Chinese
    assert _clipped(table.locator("td")) == []
    assert _fits(table)
    assert table.bounding_box()["height"] > 500
    table.get_by_text("伊川县人民政府", exact=True).first.click()
    assert table.locator("input:not([type=file]), textarea").count() == 0  # no edit box opened
    page.locator(".gq-report h3").first.wait_for()
    # a report whose T4 does not add up: its failed rule is explained in Chinese, in the list and on its page
    page.fill("#gq-report-filter textarea", "洪泽")
    page.get_by_role("button", name="Refresh 刷新").click()
    page.wait_for_function("!document.querySelector('#gq-reports').innerText.includes('伊川县人民政府')")
    table.get_by_text("表四：各组总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结").filter(
        visible=True
    ).first.wait_for()
    assert "T4: each group" not in table.inner_text()
    assert _clipped(table.locator("td")) == []
    table.get_by_text("2023", exact=True).filter(visible=True).first.click()
    page.locator(".gq-report .gq-fail", has_text="表四：各组总计").first.wait_for()
    SHOTS.mkdir(exist_ok=True)
    page.locator("#gq-report-filter").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "reports.png"))


def test_facts_tab_metric_is_found_by_its_printed_label_and_enter_picks_the_total(page):
    page.get_by_role("tab", name="Facts 数据").click()
    assert not page.locator("#gq-facts").is_visible()  # no empty grid before a query
    metric = page.locator("#gq-metric input")
    metric.click()
    metric.fill("")
    metric.press_sequentially("本年新收")
    page.wait_for_timeout(500)  # the list filters as one types
    page.keyboard.press("Enter")
    expect(metric).to_have_value(re.compile("^表三 · 本年新收政府信息公开申请数量 · 总计"))
    facts = page.locator("#gq-facts")
    facts.get_by_text("伊川县人民政府").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    row = facts.locator("[role=row]", has_text="伊川县人民政府").first.inner_text().split()
    assert row[:2] == ["伊川县人民政府", "2020"] and "总计" in row and "27" in row
    assert _clipped(facts.locator("th")) == []  # headers stay whole words at 1366 px
    assert _fits(facts)
    metric.click()
    metric.fill("")
    metric.press_sequentially("reconsideration")  # English finds it too
    page.wait_for_timeout(500)
    page.keyboard.press("Enter")
    expect(metric).to_have_value(re.compile("^表四 · 行政复议 · 总计"))
    facts.locator("[role=row]", has_text="T4/reconsideration/total").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "facts.png"))
