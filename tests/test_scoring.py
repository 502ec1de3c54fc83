"""eval/scoring.py and the harness's aggregation: pure, fast, no store and no model."""

import json
from pathlib import Path

import pytest

from bot.models import Answer, Citation
from eval.harness import (
    DEFAULT_SET,
    DEFAULT_THRESHOLDS,
    EvalConfig,
    RunResult,
    Thresholds,
    aggregate,
    check_thresholds,
    facet_scores,
    failures,
    load_set,
    load_thresholds,
    route_latencies,
)
from eval.scoring import (
    GoldItem,
    has_phrase,
    numbers_in,
    office_core,
    retrieval_hit,
    same_office,
    score_item,
)
from govqa.errors import GovqaError
from index.models import Chunk

YICHUAN = "伊川县人民政府"
LUOLONG_GOV = "洛阳市洛龙区人民政府办公室"
LUOLONG_SPJ = "洛阳市洛龙区行政审批和政务信息管理局"
PINGTAN = "平潭综合实验区"
PINGTANXIAN = "平潭县人民政府"


def gold(id: str, category: str, gold: dict, source: dict, route: str = "sql", question: str = "q") -> GoldItem:
    return GoldItem.model_validate(
        {
            "id": id,
            "category": category,
            "question": question,
            "lang": "zh",
            "gold": gold,
            "source": source,
            "route": route,
        }
    )


def table_cite(org: str, year: int, key: str, value: str) -> Citation:
    table = key.split("/")[0]
    section = {"T2": "二、主动公开政府信息情况", "T3": "三、收到和处理政府信息公开申请情况"}[table]
    return Citation(
        report_id=f"{org}-{year}",
        title=f"{org}{year}年政府信息公开工作年度报告",
        org=org,
        year=year,
        section=section,
        locator=f"{table} 本年新收政府信息公开申请数量 × 总计",
        quote=value,
        key=key,
    )


def text_cite(org: str, year: int, section: str, quote: str) -> Citation:
    return Citation(
        report_id=f"{org}-{year}",
        title=f"{org}{year}年报告",
        org=org,
        year=year,
        section=section,
        locator="第10–40字",
        quote=quote,
    )


def answer(
    status: str = "answered",
    route: str = "sql",
    text: str = "",
    value=None,
    citations: list[Citation] | None = None,
    series=None,
) -> Answer:
    return Answer(
        question="q",
        status=status,
        route=route,
        answer=text,
        value=value,
        citations=citations or [],
        series=series or [],
        elapsed_ms=12.5,
    )


YICHUAN_NEW_TOTAL = gold(
    "t3-yichuan-new",
    "table",
    {"type": "number", "value": 27, "tolerance": 0},
    {"org": YICHUAN, "year": 2020, "key": "T3/new_requests/total"},
)
YICHUAN_27 = table_cite(YICHUAN, 2020, "T3/new_requests/total", "27")

LUOLONG_INTERPRETATIONS = gold(
    "nn-luolong",
    "narrative_number",
    {"type": "number", "value": 496, "tolerance": 0},
    {"org": LUOLONG_GOV, "year": 2021, "section": "一"},
    route="retrieval",
)
INTERPRETATION_QUOTE = "在区政府门户网站发布政策解读496条，其中图解89条、音频208条、视频58条、数解10条。"

PINGTAN_TREND = gold(
    "cmp-pingtan",
    "compare_trend",
    {"type": "numbers", "values": [70, 74, 81, 218, 154]},
    {"org": PINGTAN, "year": [2021, 2022, 2023, 2024, 2025], "keys": ["T3/new_requests/total"] * 5},
)
PINGTAN_TREND_CITES = [
    table_cite(PINGTAN, y, "T3/new_requests/total", str(v))
    for y, v in zip(range(2021, 2026), [70, 74, 81, 218, 154], strict=False)
]
PINGTAN_TREND_TEXT = "新收申请：2021年 70件[1]；2022年 74件[2]；2023年 81件[3]；2024年 218件[4]；2025年 154件[5]。"

HONGZE_FEES = gold(
    "cmp-hongze-fees",
    "compare_trend",
    {"type": "numbers", "values": [7730.28, 7545], "tolerance": 0.005},
    {"org": "淮安市洪泽区人民政府", "year": [2023, 2024], "keys": ["T2/admin_fees/fee_amount"] * 2},
)
HONGZE_FEES_CITES = [
    table_cite("淮安市洪泽区人民政府", 2023, "T2/admin_fees/fee_amount", "7730.28"),
    table_cite("淮安市洪泽区人民政府", 2024, "T2/admin_fees/fee_amount", "7545"),
]

PINGTAN_PROBLEMS = gold(
    "nar-pingtan-2024",
    "narrative",
    {
        "type": "phrases",
        "phrases": ["工作机制有待进一步调整和完善", "政策解读形式仍需创新", "智能化、数字化手段运用还不够充分"],
        "min_match": 2,
    },
    {"org": PINGTAN, "year": 2024, "section": "五"},
    route="retrieval",
)
PROBLEMS_TEXT = (
    "如新时代政府信息公开工作机制有待进一步调整和完善；政策解读形式仍需创新；智能化、数字化手段运用还不够充分。"
)

NOT_FOUND = gold(
    "nf-yichuan-2021",
    "not_found",
    {"type": "status", "status": "not_found"},
    {"org": YICHUAN, "year": 2021},
    route="any",
)
AMBIGUOUS = gold(
    "amb-pingtan-2013",
    "ambiguous",
    {
        "type": "status",
        "status": "ambiguous",
        "candidates": [PINGTAN, PINGTANXIAN],
        "candidate_values": {PINGTAN: 0, PINGTANXIAN: 7},
    },
    {"org": "平潭", "year": 2013},
    route="any",
)
BOTH_CANDIDATES = f"“平潭”2013年对应两份政府报告：- {PINGTAN}：0件 - {PINGTANXIAN}：7件"


# ---------------------------------------------------------------------------------------------- right answers
@pytest.mark.parametrize(
    ("item", "given"),
    [
        (YICHUAN_NEW_TOTAL, answer(value=27, text="伊川县人民政府2020年新收申请27件[1]。", citations=[YICHUAN_27])),
        (
            LUOLONG_INTERPRETATIONS,
            answer(
                route="retrieval",
                value=496,
                text=INTERPRETATION_QUOTE,
                citations=[text_cite(LUOLONG_GOV, 2021, "一（一）主动公开情况", INTERPRETATION_QUOTE)],
            ),
        ),
        (PINGTAN_TREND, answer(text=PINGTAN_TREND_TEXT, citations=PINGTAN_TREND_CITES)),
        (
            PINGTAN_TREND,
            answer(
                text="见图表。",
                citations=PINGTAN_TREND_CITES,
                series=[(str(y), v) for y, v in zip(range(2021, 2026), [70, 74, 81, 218, 154], strict=False)],
            ),
        ),
        (HONGZE_FEES, answer(text="2023年：7730.2800万元；2024年：7545万元", citations=HONGZE_FEES_CITES)),
        (
            PINGTAN_PROBLEMS,
            answer(
                route="retrieval",
                text=PROBLEMS_TEXT,
                citations=[text_cite(PINGTAN, 2024, "五、存在的主要问题及改进情况", PROBLEMS_TEXT)],
            ),
        ),
        (NOT_FOUND, answer(status="not_found", text="没有伊川县人民政府2021年的报告。现有年份：2020年。")),
        (AMBIGUOUS, answer(status="ambiguous", text=BOTH_CANDIDATES)),
    ],
    ids=[
        "table-number",
        "narrative-number-subsection",
        "numbers-in-text",
        "numbers-in-series",
        "numbers-within-tolerance",
        "phrases",
        "not-found",
        "ambiguous-lists-both",
    ],
)
def test_right_answers_score_correct(item, given):
    score = score_item(item, given)
    assert score.answer_correct, score.reasons
    assert score.citation_correct is not False, score.reasons
    assert score.answer_citation_correct and score.route_correct
    assert score.reasons == []


# ---------------------------------------------------------------------------------------------- wrong answers
@pytest.mark.parametrize(
    ("item", "given", "answer_ok", "citation_ok", "reason"),
    [
        (YICHUAN_NEW_TOTAL, answer(value=26, citations=[YICHUAN_27]), False, True, "value 26 ≠ 27"),
        (
            YICHUAN_NEW_TOTAL,
            answer(value=27, citations=[table_cite(LUOLONG_GOV, 2021, "T3/new_requests/total", "27")]),
            True,
            False,
            "no citation of 伊川县人民政府 2020 T3/new_requests/total",
        ),
        (
            YICHUAN_NEW_TOTAL,
            answer(value=27, citations=[table_cite(YICHUAN, 2020, "T3/new_requests/natural_person", "2")]),
            True,
            False,
            "no citation of",
        ),
        (YICHUAN_NEW_TOTAL, answer(value=27, citations=[]), True, False, "no citation of"),
        (YICHUAN_NEW_TOTAL, answer(status="not_found", text="没有找到"), False, False, "status not_found"),
        (YICHUAN_NEW_TOTAL, answer(value=None, text="27", citations=[YICHUAN_27]), False, True, "no value"),
        (
            LUOLONG_INTERPRETATIONS,
            answer(
                route="retrieval",
                value=496,
                text=INTERPRETATION_QUOTE,
                citations=[text_cite(LUOLONG_GOV, 2021, "五、存在的主要问题及改进情况", "…")],
            ),
            True,
            False,
            "§一",
        ),
        (
            PINGTAN_TREND,
            answer(
                text="2021年70件；2022年74件；2023年81件；2025年154件；2024年218件。", citations=PINGTAN_TREND_CITES
            ),
            False,
            True,
            "not all found in order",
        ),
        (PINGTAN_TREND, answer(text=PINGTAN_TREND_TEXT, citations=PINGTAN_TREND_CITES[:4]), True, False, "2025"),
        (
            HONGZE_FEES,
            answer(text="2023年：7730.3万元；2024年：7545万元", citations=HONGZE_FEES_CITES),
            False,
            True,
            "not all found",
        ),
        (
            PINGTAN_PROBLEMS,
            answer(
                route="retrieval",
                text="如新时代政府信息公开工作机制有待进一步调整和完善。",
                citations=[text_cite(PINGTAN, 2024, "五、存在的主要问题及改进情况", "…")],
            ),
            False,
            True,
            "1/2 phrases",
        ),
        (
            NOT_FOUND,
            answer(value=27, text="伊川县人民政府2020年：27件", citations=[YICHUAN_27]),
            False,
            None,
            "status answered, expected not_found",
        ),
        (
            AMBIGUOUS,
            answer(status="ambiguous", text=f"平潭2013年：{PINGTAN} 0件"),
            False,
            None,
            f"candidate not listed: {PINGTANXIAN}",
        ),
        (AMBIGUOUS, answer(value=7, text=f"{PINGTANXIAN}2013年收到7件"), False, None, "status answered"),
    ],
    ids=[
        "wrong-number",
        "right-number-other-report",
        "right-number-other-key",
        "right-number-no-citation",
        "not-found-where-number-due",
        "number-only-in-text",
        "narrative-wrong-section",
        "numbers-out-of-order",
        "numbers-missing-one-citation",
        "numbers-outside-tolerance",
        "phrases-below-min-match",
        "number-where-not-found-due",
        "ambiguous-missing-candidate",
        "answered-where-ambiguous-due",
    ],
)
def test_wrong_answers_score_as_failures(item, given, answer_ok, citation_ok, reason):
    score = score_item(item, given)
    assert score.answer_correct is answer_ok
    assert score.citation_correct is citation_ok
    assert score.answer_citation_correct is False
    assert any(reason in r for r in score.reasons), score.reasons


def test_citation_is_wrong_when_the_year_differs():
    other_year = table_cite(PINGTAN, 2024, "T3/new_requests/total", "218")
    score = score_item(
        gold(
            "x",
            "table",
            {"type": "number", "value": 218},
            {"org": PINGTAN, "year": 2023, "key": "T3/new_requests/total"},
        ),
        answer(value=218, citations=[other_year]),
    )
    assert score.answer_correct and score.citation_correct is False


@pytest.mark.parametrize(
    ("gold_route", "route", "ok"),
    [
        ("sql", "sql", True),
        ("sql", "retrieval", False),
        ("retrieval", "sql", False),
        ("any", "sql", True),
        ("any", "retrieval", True),
    ],
)
def test_route_any_matches_every_route(gold_route, route, ok):
    item = gold(
        "x", "not_found", {"type": "status", "status": "not_found"}, {"org": YICHUAN, "year": 2021}, route=gold_route
    )
    assert score_item(item, answer(status="not_found", route=route)).route_correct is ok


def test_contract_json_is_scored_by_report_and_table_section_since_it_has_no_key():
    full = answer(value=27, text="27件", citations=[YICHUAN_27])
    contract = full.contract()
    assert "key" not in contract["citations"][0]
    score = score_item(YICHUAN_NEW_TOTAL, contract)
    assert score.answer_citation_correct
    assert score.notes == ["cell key not checked (no key in the citation)"]
    assert score.latency_ms == 12.5


def test_candidate_values_missing_from_an_ambiguous_answer_are_noted_not_failed():
    score = score_item(AMBIGUOUS, answer(status="ambiguous", text=f"请指明：{PINGTAN} 或 {PINGTANXIAN}？"))
    assert score.answer_correct
    assert score.notes == [f"value of {PINGTAN} not shown: 0", f"value of {PINGTANXIAN} not shown: 7"]


# ---------------------------------------------------------------------------------------------- text helpers
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("洛龙区行政审批和政务信息管理局", LUOLONG_SPJ, True),
        ("洪泽区人民政府", "淮安市洪泽区人民政府", True),
        ("洛龙区人民政府办公室", "河南省洛阳市洛龙区人民政府办公室", True),
        ("淮安市人民政府", "上海市人民政府", False),
        ("洛阳市城市管理局", "开封市城市管理局", False),
        (PINGTAN, PINGTANXIAN, False),
        (LUOLONG_GOV, LUOLONG_SPJ, False),
    ],
)
def test_office_names_compare_without_a_leading_province_or_city(a, b, same):
    assert same_office(a, b) is same


def test_office_core_keeps_a_city_government_whole():
    assert office_core("淮安市人民政府") == "淮安市人民政府"
    assert office_core(LUOLONG_SPJ) == "洛龙区行政审批和政务信息管理局"


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("部分公开18件", "18", True),
        ("2018年部分公开3件", "18", False),
        ("总计 0 件", "0", True),
        ("2020年", "0", False),
        ("收费3,940元", "3940", True),
        ("未 填 写", "未填", True),
        ("网办率９５.３７％", "95.37", True),
    ],
)
def test_number_phrases_match_whole_numbers_only(text, phrase, found):
    assert has_phrase(text, phrase) is found


def test_numbers_in_reads_signs_decimals_and_separators_but_not_ranges_or_labels():
    assert numbers_in("2021-2025年：2,293件，本年增/减 -3，24252.3111万元，T3 70") == [
        2021,
        2025,
        2293,
        -3,
        24252.3111,
        70,
    ]


def chunk(org: str, year: int, number: str, parent: str | None = None) -> Chunk:
    return Chunk(
        chunk_id=f"{org}{year}{number}",
        report_id=f"{org}-{year}",
        org=org,
        year=year,
        title="t",
        section_number=number,
        section_heading="h",
        section_parent=parent,
        text="x",
        span=(0, 1),
    )


@pytest.mark.parametrize(
    ("chunks", "hit"),
    [
        ([chunk(LUOLONG_GOV, 2021, "五"), chunk(LUOLONG_GOV, 2021, "（一）", parent="一")], True),
        ([chunk(LUOLONG_GOV, 2021, "一")], True),
        ([chunk(LUOLONG_GOV, 2021, "五"), chunk(LUOLONG_SPJ, 2024, "一")], False),
        ([chunk(LUOLONG_GOV, 2022, "一")], False),
        ([chunk(LUOLONG_GOV, 2021, "五")] * 5 + [chunk(LUOLONG_GOV, 2021, "一")], False),  # the hit is 6th
    ],
)
def test_recall_at_k_needs_a_top_k_chunk_from_the_gold_report_section(chunks, hit):
    assert retrieval_hit(chunks, LUOLONG_INTERPRETATIONS.source, k=5) is hit


def test_recall_is_scored_only_for_narrative_questions_given_retrieved_chunks():
    given = answer(route="retrieval", value=496, text=INTERPRETATION_QUOTE)
    assert score_item(LUOLONG_INTERPRETATIONS, given).recall_at_k is None
    scored = score_item(
        LUOLONG_INTERPRETATIONS,
        given,
        retrieved=[chunk(LUOLONG_GOV, 2021, "一")],
        open_retrieved=[chunk(LUOLONG_SPJ, 2024, "一")],
    )
    assert (scored.recall_at_k, scored.open_recall_at_k) == (True, False)
    assert score_item(YICHUAN_NEW_TOTAL, given, retrieved=[]).recall_at_k is None


# ---------------------------------------------------------------------------------------------- gold set, thresholds
def test_the_corpus_gold_set_loads_with_unique_ids_and_aligned_sources():
    items = load_set(DEFAULT_SET)
    assert len(items) == 346
    assert {i.category for i in items} == {
        "table",
        "run_together",
        "narrative_number",
        "narrative",
        "english",
        "compare_trend",
        "not_found",
        "ambiguous",
        "checks",
    }
    trend = next(i for i in items if i.id == "cmp-pingtan-2021-2025-new")
    assert [(t.year, t.key) for t in trend.source.targets()][-1] == (2025, "T3/new_requests/total")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ({"gold": {"type": "number", "value": 1, "tolerence": 0}}, "tolerence"),
        ({"source": {"org": ["a", "b"], "year": 2024, "keys": ["T3/new_requests/total"]}}, "source.org has 2 items"),
        ({"route": "table"}, "route"),
    ],
)
def test_a_malformed_gold_line_is_refused_with_its_line_number(tmp_path: Path, line, reason):
    good = {
        "id": "a",
        "category": "table",
        "question": "q",
        "lang": "zh",
        "gold": {"type": "number", "value": 1},
        "source": {"org": YICHUAN, "year": 2020, "key": "T3/new_requests/total"},
        "route": "sql",
    }
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "b", **line}) + "\n", encoding="utf-8")
    with pytest.raises(GovqaError, match=r"line 2") as err:
        load_set(path)
    assert reason in str(err.value)


ISSUE_FLOORS = [
    ("table", "answer_citation", 0.95),
    ("narrative_number", "answer_citation", 0.85),
    ("narrative", "answer_citation", 0.80),
    ("not_found", "answer", 0.95),
    ("ambiguous", "answer", 0.95),
]


@pytest.mark.parametrize(("category", "metric", "floor"), ISSUE_FLOORS)
def test_thresholds_never_go_below_the_issue_floors(category, metric, floor):
    assert load_thresholds(DEFAULT_THRESHOLDS).categories[category][metric] >= floor


def scores_for(category: str, right: int, wrong: int):
    item = gold(
        "x", category, {"type": "number", "value": 27}, {"org": YICHUAN, "year": 2020, "key": "T3/new_requests/total"}
    )
    good = answer(value=27, citations=[YICHUAN_27])
    bad = answer(value=26, citations=[YICHUAN_27])
    return [score_item(item, good, latency_ms=10.0 * (i + 1)) for i in range(right)] + [
        score_item(item, bad, latency_ms=1000.0) for _ in range(wrong)
    ]


def test_categories_below_their_threshold_are_listed():
    scores = scores_for("table", 19, 1) + scores_for("not_found", 9, 1)
    categories, overall = aggregate(scores)
    run = RunResult(
        config=EvalConfig(name="fused", retrieval="fused", llm_model=None),
        items=scores,
        categories=categories,
        overall=overall,
        latency=route_latencies(scores),
        elapsed_s=1.0,
    )
    assert [(c.category, c.n, c.answer) for c in categories] == [("table", 20, 0.95), ("not_found", 10, 0.9)]
    assert overall.n == 30 and overall.answer == pytest.approx(28 / 30)
    misses = check_thresholds(
        run,
        Thresholds(
            categories={"table": {"answer_citation": 0.95}, "not_found": {"answer": 0.95}, "narrative": {"answer": 0.8}}
        ),
    )
    assert [(m.category, m.metric, m.measured) for m in misses] == [("not_found", "answer", 0.9)]
    assert str(misses[0]) == "not_found: answer 90.0% < 95.0%"
    assert [f.answer_correct for f in failures(run)] == [False, False]
    (sql,) = run.latency
    assert (sql.route, sql.n, sql.p50_ms) == ("sql", 30, 80.0)
    assert sql.p95_ms == pytest.approx(635.5)  # linear interpolation between 190 and 1000


# ------------------------------------------------------------------ facets and confidently wrong answers
def _derived_item(gold: dict, facet: str = "share") -> GoldItem:
    return GoldItem.model_validate(
        {
            "id": "d",
            "category": "derived",
            "facet": facet,
            "question": "q",
            "lang": "zh",
            "gold": gold,
            "source": {"org": "洛阳市洛龙区人民政府办公室", "year": 2021},
            "route": "sql",
        }
    )


@pytest.mark.parametrize(
    "gold,status,value,wrong",
    [
        ({"type": "number", "value": 20.41, "tolerance": 0.01}, "answered", 21.74, True),  # another denominator
        ({"type": "number", "value": 20.41, "tolerance": 0.01}, "answered", 20.41, False),
        ({"type": "number", "value": 20.41, "tolerance": 0.01}, "not_found", None, False),  # wrong, not confident
        ({"type": "status", "status": "not_found"}, "answered", 27, True),  # a figure where none is
        ({"type": "status", "status": "not_found"}, "not_found", None, False),
    ],
)
def test_confidently_wrong_is_a_wrong_figure_or_any_figure_where_none_exists(gold, status, value, wrong):
    answer = Answer(question="q", status=status, route="sql", answer="…", value=value)
    score = score_item(_derived_item(gold), answer)
    assert score.confidently_wrong is wrong and score.facet == "share"


def test_gold_item_facet_is_optional():
    item = GoldItem.model_validate(
        {
            "id": "x",
            "category": "table",
            "question": "q",
            "lang": "zh",
            "gold": {"type": "number", "value": 1},
            "source": {"org": "o"},
            "route": "sql",
        }
    )
    assert item.facet is None


def test_facets_below_threshold_and_confidently_wrong_answers_are_misses():
    item = _derived_item({"type": "number", "value": 20.41, "tolerance": 0.01})
    scores = [
        score_item(item, Answer(question="q", status="answered", route="sql", answer="…", value=v))
        for v in (20.41, 20.41, 21.74)
    ]
    categories, overall = aggregate(scores)
    run = RunResult(
        config=EvalConfig(name="fused", retrieval="fused", llm_model=None),
        items=scores,
        categories=categories,
        overall=overall,
        latency=route_latencies(scores),
        elapsed_s=1.0,
        facets=facet_scores(scores),
        confidently_wrong={"derived": 1},
    )
    assert [(f.category, f.n, round(f.answer, 3)) for f in run.facets] == [("share", 3, 0.667)]
    misses = check_thresholds(
        run, Thresholds(categories={}, facets={"share": {"answer": 0.95}}, max_confidently_wrong={"derived": 0})
    )
    assert [(m.category, m.metric) for m in misses] == [("facet share", "answer"), ("set derived", "confidently_wrong")]
    assert str(misses[1]) == "set derived: 1 confidently wrong answer(s) > 0"


def test_thresholds_hold_every_operation_at_95_percent_and_no_confidently_wrong():
    thresholds = load_thresholds(DEFAULT_THRESHOLDS)
    assert all(f["answer_citation"] >= 0.95 for f in thresholds.facets.values())
    assert thresholds.max_confidently_wrong["derived"] == 0
