"""Behaviour that must not change as the store grows to thousands of offices: the office names found in a
question (looked up through tables, not searched one by one) and answers that list reports.

Latency itself is measured by `python -m eval.bench`, not asserted here.
"""

import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.planner import QueryPlanner
from bot.service import QuestionAnswerer
from bot.tables import LIST_OFFICES_SHOWN
from index.facts import FactStore
from index.offices import office_record
from parsers.synthetic import REGIONS
from tests.test_facts import make_report, store_report
from tests.test_planner import LUOLONG_GOV, OFFICES, PINGTAN_POLICE, PINGTAN_ZONE, SHUYANG_NDRC, YICHUAN

REPO = Path(__file__).resolve().parents[1]
_STEMS = "澄枫蔚汀澈苇泊棠芸蘅岫湄琮翊晗瑜璟珂瑶芷莳檀菁蓁濯漪澹沅泠溆岑崧峄屺岷峤嵘璞琰珩瑾璎"
_BODIES = ["人民政府", "人民政府办公室", "公安局", "财政局", "发展和改革局", "市场监督管理局"]


def fictional_offices(count: int) -> list[tuple[str, list[str], bool]]:
    """Invented counties of the synthetic cities, each with one body: (org, region chain, is_government)."""
    cities = [r for r in REGIONS if r.endswith("市")]
    names = (f"{city}{a}{b}县" for a, b in itertools.product(_STEMS, repeat=2) for city in cities)
    out = []
    for i, county in zip(range(count), names, strict=False):
        body = _BODIES[i % len(_BODIES)]
        out.append((county + body, ["测试省", county[:3], county[3:]], body.startswith("人民政府")))
    return out


@pytest.fixture(scope="module")
def big_planner() -> QueryPlanner:
    records = [office_record(org, region, gov, years) for org, region, gov, years, _ in OFFICES]
    records += [office_record(org, region, gov, [2022, 2023]) for org, region, gov in fictional_offices(3000)]
    table_years = {org: tables for org, _, _, _, tables in OFFICES}
    return QueryPlanner(records, table_years=table_years)


@pytest.mark.parametrize(
    ("question", "office"),
    [
        ("伊川县2020年收到多少申请", YICHUAN),  # region name → its government
        ("洛隆区2021年收到多少申请", LUOLONG_GOV),  # homophone typo
        ("Yichaun 2020 applications", YICHUAN),  # English typo
        ("平潭区公安局2024年收到多少申请", PINGTAN_POLICE),  # one character extra
        ("沐阳发改局2023年受理网络问政多少件？", SHUYANG_NDRC),  # look-alike character in the place
        ("平谭2021年收到多少申请", PINGTAN_ZONE),  # homophone of a region
    ],
)
def test_office_names_are_found_the_same_way_among_three_thousand_other_offices(big_planner, question, office):
    assert big_planner.plan(question).offices == [office]


def test_a_fictional_office_among_three_thousand_is_found_by_name_and_with_one_wrong_character(big_planner):
    org, _, _ = fictional_offices(3000)[2345]
    assert big_planner.plan(f"{org}2023年收到多少申请").offices == [org]
    typo = org[:5] + ("甲" if org[5] != "甲" else "乙") + org[6:]  # a wrong character inside the body name
    assert big_planner.plan(f"{typo}2023年收到多少申请").offices == [org]


def test_which_reports_answer_names_the_first_offices_and_counts_every_report(settings):
    store = FactStore.from_settings(settings)
    orgs = [org for org, _, _ in fictional_offices(LIST_OFFICES_SHOWN + 5)]
    for org in orgs:
        store_report(store, make_report(org=org, year=2023))
    store_report(store, make_report(org=orgs[0], year=2022))
    answer = QuestionAnswerer(settings, store=store).ask("列出所有报告")
    assert (answer.status, answer.route, answer.value) == ("answered", "sql", LIST_OFFICES_SHOWN + 6)
    assert len(answer.citations) == LIST_OFFICES_SHOWN + 1  # the first office's two reports, then one each
    assert "另有5个机关" in answer.answer and answer.answer.count("\n- ") == LIST_OFFICES_SHOWN
    store.close()


@pytest.mark.slow
def test_benchmark_script_measures_a_small_synthetic_corpus_and_every_answer_is_right(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "eval.bench",
            "--no-corpus",
            "--synthetic",
            "21",
            "--embed-sample",
            "24",
            "--questions",
            "8",
            "--json",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    [result] = json.loads(out.read_text(encoding="utf-8"))
    assert (result["files"], result["reports"], result["embedded_chunks"]) == (21, 21, 24)
    routes = result["answers"]["routes"]
    assert routes["sql"]["n"] == routes["sql"]["right"] == 4
    assert routes["retrieval"]["n"] == routes["retrieval"]["right"] == 5  # 4 naming an office, 1 open
    assert result["answers"]["restart_ms"] > 0
    assert "| retrieval answers: n, right, p50 / p95 ms | 5, 5," in done.stdout
