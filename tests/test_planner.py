"""QueryPlanner by rules: question → offices, years, metrics, intent, language (pure and fast, no model)."""

import pytest

from bot.metric_terms import COLUMN_TERMS, ROW_TERMS
from bot.metrics import MetricMatcher
from bot.planner import QueryPlanner, detect_language, parse_years
from index.offices import office_record
from parsers.template import all_keys

LUOLONG_GOV = "洛阳市洛龙区人民政府办公室"
LUOLONG_BUREAU = "洛阳市洛龙区行政审批和政务信息管理局"
YICHUAN = "伊川县人民政府"
HUAIAN = "淮安市人民政府"
HONGZE = "淮安市洪泽区人民政府"
PINGTAN_ZONE = "平潭综合实验区"
PINGTAN_COUNTY = "平潭县人民政府"
PINGTAN_POLICE = "平潭综合实验区公安局"
SHUYANG_NDRC = "沭阳县发展和改革局"

# (org, region chain, is_government, report years, years with tables) — the shape of the real corpus.
OFFICES = [
    (LUOLONG_GOV, ["河南省", "洛阳市", "洛龙区"], True, [2021], [2021]),
    (LUOLONG_BUREAU, ["河南省", "洛阳市", "洛龙区"], False, [2024], [2024]),
    (YICHUAN, ["河南省", "洛阳市", "伊川县"], True, [2020], [2020]),
    ("开封市龙亭区人民政府办公室", ["河南省", "开封市", "龙亭区"], True, [2019], [2019]),
    ("濮阳经济技术开发区管委会办公室", ["河南省", "濮阳市"], True, [2021], [2021]),
    (HUAIAN, ["江苏省", "淮安市"], True, [2024], [2024]),
    (HONGZE, ["江苏省", "淮安市", "洪泽区"], True, [2023, 2024], [2023, 2024]),
    (
        PINGTAN_ZONE,
        ["福建省", "福州市", "平潭县"],
        True,
        [2011, 2012, 2013, *range(2016, 2026)],
        list(range(2019, 2026)),
    ),
    (PINGTAN_COUNTY, ["福建省", "福州市", "平潭县"], True, [2011, 2012, 2013], []),
    (PINGTAN_POLICE, ["福建省", "福州市", "平潭县"], False, [2024], [2024]),
    ("平潭综合实验区地方税务局", ["福建省", "福州市", "平潭县"], False, [2013], []),
    (SHUYANG_NDRC, ["江苏省", "宿迁市", "沭阳县"], False, [2023], [2023]),
]
DENIED = (
    "T3/denied_state_secret+denied_prohibited_by_law+denied_security_stability+denied_third_party_rights+"
    "denied_internal_affairs+denied_process_info+denied_enforcement_file+denied_admin_query/total"
)
LITIGATION = "T4/litigation_direct+litigation_after_reconsideration/total"
OTHER = "T3/other_total+other_no_correction+other_no_fee+other_other/total"


@pytest.fixture(scope="module")
def planner() -> QueryPlanner:
    records = [office_record(org, region, gov, years) for org, region, gov, years, _ in OFFICES]
    table_years = {org: tables for org, _, _, _, tables in OFFICES}
    return QueryPlanner(records, table_years=table_years)


PLANS = [
    # question, offices, years, measure names, intent, language
    ("how many applications did Yichuan get in 2020", [YICHUAN], [2020], ["T3/new_requests/total"], "fact", "en"),
    ("伊川县2020年收到多少政府信息公开申请", [YICHUAN], [2020], ["T3/new_requests/total"], "fact", "zh"),
    (
        "How many requests from commercial enterprises did Yichuan receive in 2020?",
        [YICHUAN],
        [2020],
        ["T3/new_requests/commercial_enterprise"],
        "fact",
        "en",
    ),
    ("伊川2020年自然人申请了多少件", [YICHUAN], [2020], ["T3/new_requests/natural_person"], "fact", "zh"),
    (
        "How many applications came from law firms in Luolong district in 2021?",
        [LUOLONG_GOV],
        [2021],
        ["T3/new_requests/legal_service_org"],
        "fact",
        "en",
    ),
    ("洛隆区2021年予以公开多少件", [LUOLONG_GOV], [2021], ["T3/granted/total"], "fact", "zh"),
    ("平谭2024年不予公开多少件", [PINGTAN_ZONE], [2024], [DENIED], "fact", "zh"),
    (
        "Huai'an 2024: how many requests were partially disclosed?",
        [HUAIAN],
        [2024],
        ["T3/partially_granted/total"],
        "fact",
        "en",
    ),
    ("二〇二〇年伊川县行政复议多少件", [YICHUAN], [2020], ["T4/reconsideration/total"], "fact", "zh"),
    ("FY2021 Luolong district: how many administrative lawsuits?", [LUOLONG_GOV], [2021], [LITIGATION], "fact", "en"),
    ("伊川县2020年不予公开中属于国家秘密的有多少", [YICHUAN], [2020], ["T3/denied_state_secret/total"], "fact", "zh"),
    (
        "Yichuan 2020: how many requests were refused because the information was not held?",
        [YICHUAN],
        [2020],
        ["T3/unable_not_held/total"],
        "fact",
        "en",
    ),
    ("伊川县2020年结转下年度继续办理多少件", [YICHUAN], [2020], ["T3/carried_forward/total"], "fact", "zh"),
    ("伊川县2020年上年结转多少件", [YICHUAN], [2020], ["T3/carried_over/total"], "fact", "zh"),
    (
        "伊川县2020年复议后起诉的案件有几件",
        [YICHUAN],
        [2020],
        ["T4/litigation_after_reconsideration/total"],
        "fact",
        "zh",
    ),
    ("伊川县2020年其他处理多少件", [YICHUAN], [2020], [OTHER], "fact", "zh"),
    ("伊川县2020年行政复议结果纠正几件", [YICHUAN], [2020], ["T4/reconsideration/corrected"], "fact", "zh"),
    ("2020年伊川县规范性文件有多少件", [YICHUAN], [2020], ["T2/normative_documents/in_force"], "fact", "zh"),
    ("伊川县2020年行政许可处理决定数量", [YICHUAN], [2020], ["T2/admin_licensing/decisions"], "fact", "zh"),
    (
        "伊川县2020年政府集中采购金额是多少",
        [YICHUAN],
        [2020],
        ["T2/centralized_procurement/procurement_amount"],
        "fact",
        "zh",
    ),
    (
        "How much in fees did Pingtan collect in 2022?",
        [PINGTAN_ZONE],
        [2022],
        ["T2/admin_fees/fee_amount"],
        "fact",
        "en",
    ),
    ("Yichaun 2020 applications", [YICHUAN], [2020], ["T3/new_requests/total"], "fact", "en"),
    ("平潭公安局2024年收到多少申请", [PINGTAN_POLICE], [2024], ["T3/new_requests/total"], "fact", "zh"),
    (
        "How many requests did the Pingtan public security bureau receive in 2024?",
        [PINGTAN_POLICE],
        [2024],
        ["T3/new_requests/total"],
        "fact",
        "en",
    ),
    ("洛阳市洛龙区人民政府办公室2021年收到多少申请", [LUOLONG_GOV], [2021], ["T3/new_requests/total"], "fact", "zh"),
    ("洛龙区审批局2024年收到多少申请", [LUOLONG_BUREAU], [2024], ["T3/new_requests/total"], "fact", "zh"),
    (
        "What online handling rate did the Luolong approval bureau report for 2024 (percent)?",
        [LUOLONG_BUREAU],
        [2024],
        [],
        "narrative",
        "en",
    ),
    # several years / offices
    ("洪泽区2021到2023年收到的申请", [HONGZE], [2021, 2022, 2023], ["T3/new_requests/total"], "trend", "zh"),
    ("洪泽区2023年和2024年分别收到多少申请", [HONGZE], [2023, 2024], ["T3/new_requests/total"], "compare", "zh"),
    ("比较淮安市和洪泽区2024年收到的申请数量", [HUAIAN, HONGZE], [2024], ["T3/new_requests/total"], "compare", "zh"),
    (
        "Compare Huai'an and Hongze district on requests received in 2024",
        [HUAIAN, HONGZE],
        [2024],
        ["T3/new_requests/total"],
        "compare",
        "en",
    ),
    (
        "between 2022 and 2024 how many lawsuits did Hongze district face",
        [HONGZE],
        [2022, 2023, 2024],
        [LITIGATION],
        "trend",
        "en",
    ),
    ("平潭哪一年收到的申请最多", [PINGTAN_ZONE], [], ["T3/new_requests/total"], "rank", "zh"),
    (
        "Which year did Pingtan receive the most applications?",
        [PINGTAN_ZONE],
        [],
        ["T3/new_requests/total"],
        "rank",
        "en",
    ),
    ("2024年哪个单位收到的申请最少", [], [2024], ["T3/new_requests/total"], "rank", "zh"),
    ("平潭2019年以来申请数量的变化趋势", [PINGTAN_ZONE], [2019], ["T3/new_requests/total"], "trend", "zh"),
    # other intents
    ("伊川县有哪些年份的报告", [YICHUAN], [], [], "list", "zh"),
    ("Which reports do you have for Hongze district?", [HONGZE], [], [], "list", "en"),
    ("列出所有报告", [], [], [], "list", "zh"),
    ("哪些报告提到了政府信息公开平台建设", [], [], [], "narrative", "zh"),
    ("Which reports mention online application platforms?", [], [], ["T3/new_requests/total"], "narrative", "en"),
    ("洪泽区哪些年份的报告谈到了政策解读", [HONGZE], [], [], "narrative", "zh"),
    ("龙亭区2019年的数据勾稽关系是否一致", ["开封市龙亭区人民政府办公室"], [2019], [], "check", "zh"),
    ("伊川县2020年存在的问题", [YICHUAN], [2020], [], "narrative", "zh"),
    ("What problems did Yichuan report for 2020?", [YICHUAN], [2020], [], "narrative", "en"),
    ("洛龙区2021年发布政策解读多少条", [LUOLONG_GOV], [2021], [], "narrative", "zh"),
    ("洛龙区2021年主动公开政府信息多少条", [LUOLONG_GOV], [2021], [], "narrative", "zh"),
    ("去年伊川县申请多少", [YICHUAN], [], ["T3/new_requests/total"], "fact", "zh"),
    (
        "平潭2021年“其他”组织的申请里，本机关不掌握相关信息的有几件？",
        [PINGTAN_ZONE],
        [2021],
        ["T3/unable_not_held/other_org"],
        "fact",
        "zh",
    ),
    ("淮安市2024年其他处理中的“其他”有多少件", [HUAIAN], [2024], ["T3/other_other/total"], "fact", "zh"),
    (
        "Pingtan 2025: how many requests were carried over into 2026?",
        [PINGTAN_ZONE],
        [2025],
        ["T3/carried_forward/total"],
        "fact",
        "en",
    ),
    (
        "平潭区公安局2024年行政许可处理决定数量是多少？",
        [PINGTAN_POLICE],
        [2024],
        ["T2/admin_licensing/decisions"],
        "fact",
        "zh",
    ),
    # table words that are not about a table cell
    ("洛龙区政府办2021年发出了几份《政府信息公开申请收费通知》？", [LUOLONG_GOV], [2021], [], "narrative", "zh"),
    ("沭阳发改局2023年受理网络问政多少件？", [SHUYANG_NDRC], [2023], [], "narrative", "zh"),
    ("平潭2019年累计公开政府采购项目信息多少条？", [PINGTAN_ZONE], [2019], [], "narrative", "zh"),
    (
        "How much did Huai'an city charge in information processing fees in 2024 (yuan)?",
        [HUAIAN],
        [2024],
        [],
        "narrative",
        "en",
    ),
    ("洪泽区2023年政府信息公开行政复议的数据自洽吗？", [HONGZE], [2023], ["T4/reconsideration/total"], "check", "zh"),
]


@pytest.mark.parametrize("question,offices,years,measures,intent,language", PLANS, ids=[p[0] for p in PLANS])
def test_rules_plan_question(planner, question, offices, years, measures, intent, language):
    plan = planner.plan(question)
    assert plan.offices == offices
    assert plan.years == years
    assert [m.name for m in plan.measures] == measures
    assert plan.intent == intent
    assert plan.language == language
    assert plan.route == ("retrieval" if intent == "narrative" else "sql")
    assert plan.planner == "rules"


AMBIGUOUS = [
    # a region alone, and the government reports that fit it for the years asked (docs/template.md, "Offices")
    ("洛龙区收到多少申请", [LUOLONG_GOV, LUOLONG_BUREAU]),  # 2021 government office, 2024 only a bureau
    ("平潭2013年收到多少申请", [PINGTAN_COUNTY, PINGTAN_ZONE]),  # two government reports for 2013
    ("Pingtan government 2013 applications", [PINGTAN_COUNTY, PINGTAN_ZONE]),
]


@pytest.mark.parametrize("question,candidates", AMBIGUOUS, ids=[a[0] for a in AMBIGUOUS])
def test_region_with_no_single_government_report_is_ambiguous(planner, question, candidates):
    plan = planner.plan(question)
    assert plan.offices == []
    assert sorted(plan.ambiguous_offices) == sorted(candidates)


def test_region_means_its_government_and_names_the_other_offices(planner):
    plan = planner.plan("平潭2024年收到多少申请")
    assert plan.offices == [PINGTAN_ZONE]
    assert plan.related_offices == [PINGTAN_POLICE]


@pytest.mark.parametrize(
    "question,office", [("洛龙区2024年收到多少申请", LUOLONG_BUREAU), ("沭阳县2023年收到多少申请", SHUYANG_NDRC)]
)
def test_region_with_only_another_offices_report_is_ambiguous(planner, question, office):
    """docs/template.md: no government report fits → ambiguous, even with one candidate (listed with its value)."""
    plan = planner.plan(question)
    assert plan.offices == [] and plan.ambiguous_offices == [office]


@pytest.mark.parametrize(
    "question,unknown",
    [
        ("沭阳县人民政府2023年收到多少政府信息公开申请？", ["沭阳县人民政府"]),
        ("郑州市金水区人民政府2021年收到多少件政府信息公开申请？", ["金水区人民政府"]),
        ("上海市人民政府2023年收到多少政府信息公开申请？", ["上海市人民政府"]),
    ],
)
def test_office_without_any_report_is_unknown(planner, question, unknown):
    plan = planner.plan(question)
    assert plan.offices == [] and plan.ambiguous_offices == [] and plan.unknown_offices == unknown


def test_region_followed_by_government_word_means_only_the_government(planner):
    plan = planner.plan("洛龙区政府2021年收到多少申请")
    assert plan.offices == [LUOLONG_GOV]
    assert plan.office_mentions == ["洛龙区政府"]


def test_city_qualifying_a_district_names_only_the_district(planner):
    assert planner.plan("洛阳市洛龙区2021年收到多少申请").offices == [LUOLONG_GOV]


def test_rank_and_sum_directions(planner):
    assert planner.plan("平潭哪一年收到的申请最多").order == "desc"
    plan = planner.plan("2024年哪个单位收到的申请最少")
    assert plan.order == "asc" and plan.across_offices
    plan = planner.plan("淮安市和洪泽区2024年合计收到多少申请")
    assert plan.aggregation == "sum" and plan.offices == [HUAIAN, HONGZE]
    plan = planner.plan("淮安市2024年收到的申请比洪泽区多多少件？")
    assert plan.aggregation == "diff" and plan.intent == "compare" and plan.offices == [HUAIAN, HONGZE]


def test_narrative_number_question_asks_a_number(planner):
    plan = planner.plan("洛龙区2021年发布政策解读多少条")
    assert plan.asks_number and plan.route == "retrieval" and not plan.metrics


def test_unknown_metric_never_gets_a_table_key(planner):
    # 政务新媒体 has no table row: no metric, whatever the question's shape
    plan = planner.plan("伊川县2020年保留政务新媒体几个")
    assert plan.metrics == [] and plan.intent == "narrative"


YEARS = [
    ("2020年", [2020], False),
    ("二〇二〇年", [2020], False),
    ("FY2021", [2021], False),
    ("2021到2025年", [2021, 2022, 2023, 2024, 2025], True),
    ("2019-2021年", [2019, 2020, 2021], True),
    ("from 2019 to 2021", [2019, 2020, 2021], True),
    ("between 2020 and 2022", [2020, 2021, 2022], True),
    ("2022年和2023年", [2022, 2023], False),
    ("更新发布各类信息2000余条", [], False),
    ("收到2021件申请", [], False),
    ("去年和今年", [], False),
    ("last year", [], False),
]


@pytest.mark.parametrize("text,years,is_range", YEARS, ids=[y[0] for y in YEARS])
def test_parse_years(text, years, is_range):
    found, found_range, _ = parse_years(text)
    assert found == years
    assert found_range == is_range


@pytest.mark.parametrize(
    "question,language",
    [
        ("伊川县2020年收到多少申请", "zh"),
        ("Yichuan 2020年申请数", "zh"),
        ("how many applications did 伊川县人民政府 get in 2020", "en"),
        ("Luolong district 2021 granted", "en"),
    ],
)
def test_detect_language(question, language):
    assert detect_language(question) == language


def _word(words: tuple[str, ...], chinese: bool) -> str | None:
    return next((w for w in words if any("\u4e00" <= c <= "\u9fff" for c in w) == chinese), None)


@pytest.mark.parametrize("chinese", [True, False], ids=["zh", "en"])
def test_every_template_key_is_reachable_by_row_and_column_words(chinese):
    """Each of the canonical keys is named by some row word × column word, in Chinese and in English."""
    matcher = MetricMatcher()
    reachable: set[str] = set()
    for row in (t for t in ROW_TERMS if not t.weak):
        cols = [c for c in COLUMN_TERMS if c.table == row.table] + [None]
        for col in cols:
            row_word = _word(row.words, chinese)
            col_word = _word(col.words, chinese) if col else ""
            if row_word is None or col_word is None:
                continue
            text = f"{row_word} {col_word}".strip()
            for measure in matcher.match(text).measures:
                reachable.update(measure.keys)
    assert set(all_keys()) - reachable == set()


@pytest.mark.parametrize(
    "text,name",
    [
        ("予以公开", "T3/granted/total"),
        ("granted in full", "T3/granted/total"),
        ("partially disclosed", "T3/partially_granted/total"),
        (
            "不予处理",
            "T3/rejected_petition+rejected_duplicate+rejected_publication+rejected_excessive+"
            "rejected_confirmation/total",
        ),
        ("重复申请", "T3/rejected_duplicate/total"),
        ("无法提供", "T3/unable_not_held+unable_needs_creation+unable_unclear/total"),
        ("办结", "T3/processed_total/total"),
        ("total processed", "T3/processed_total/total"),
        (
            "法人或其他组织申请",
            "T3/new_requests/commercial_enterprise+research_institution+social_welfare_org+legal_service_org+other_org",
        ),
        ("行政处罚", "T2/admin_penalty/decisions"),
        ("规范性文件废止", "T2/normative_documents/repealed"),
        ("administrative coercion decisions", "T2/admin_coercion/decisions"),
        ("行政复议尚未审结", "T4/reconsideration/pending"),
    ],
)
def test_metric_words(text, name):
    assert [m.name for m in MetricMatcher().match(text).measures] == [name]


def test_version_alternatives_are_one_part():
    """规范性文件 in v2021 is 现行有效件数 and in v2019 对外公开总数量: one part, two alternative keys."""
    (measure,) = MetricMatcher().match("规范性文件").measures
    assert measure.parts == [["T2/normative_documents/in_force", "T2/normative_documents/total_published"]]


@pytest.mark.parametrize(
    "question, metric",
    [
        ("沭阳县发改局2023年没经过复议直接起诉的有多少件", "T4/litigation_direct/total"),
        ("沭阳县发改局2023年未经复议直接提起诉讼多少件", "T4/litigation_direct/total"),
        ("沭阳县发改局2023年不经过行政复议就直接向法院起诉的有几件", "T4/litigation_direct/total"),
        (
            "How many lawsuits against Shuyang NDRC in 2023 were filed without prior reconsideration?",
            "T4/litigation_direct/total",
        ),
        ("How many cases went directly to court in 2023 for 沭阳县发改局?", "T4/litigation_direct/total"),
        ("沭阳县发改局2023年复议后起诉多少件", "T4/litigation_after_reconsideration/total"),
        ("沭阳县发改局2023年经行政复议后又提起诉讼的有多少件", "T4/litigation_after_reconsideration/total"),
        (
            "How many lawsuits after reconsideration did 沭阳县发改局 have in 2023?",
            "T4/litigation_after_reconsideration/total",
        ),
    ],
)
def test_negated_or_prior_reconsideration_names_one_litigation_group_only(planner, question, metric):
    assert [m.name for m in planner.plan(question).measures] == [metric]


def test_reconsideration_and_lawsuits_named_together_stay_two_measures(planner):
    plan = planner.plan("沭阳县发改局2023年行政复议和行政诉讼各多少件")
    assert [m.name for m in plan.measures] == ["T4/reconsideration/total", LITIGATION]


@pytest.mark.parametrize(
    "question, office",
    [
        ("沐阳县发展和改革局2023年收到多少申请", SHUYANG_NDRC),
        ("沐阳发改局2023年收到多少申请", SHUYANG_NDRC),
        ("龙庭区2019年收到多少申请", "开封市龙亭区人民政府办公室"),
        ("平谭2024年收到多少申请", PINGTAN_ZONE),
        ("洛隆区2021年收到多少申请", LUOLONG_GOV),
        ("沭阳发改局2023年收到多少申请", SHUYANG_NDRC),
    ],
)
def test_one_look_alike_character_in_the_place_name_still_finds_the_office(planner, question, office):
    assert planner.plan(question).offices == [office]


@pytest.mark.parametrize("question", ["安阳市2023年收到多少申请", "西安市2024年收到多少申请"])
def test_a_real_other_place_one_character_away_is_not_taken_for_a_stored_one(planner, question):
    plan = planner.plan(question)
    assert plan.offices == [] and plan.unknown_offices == [question[:3]]


@pytest.mark.parametrize(
    "question, years",
    [
        ("伊川县2020年结转到2021年的申请有多少", [2020]),
        ("伊川县2020年结转至2021年继续办理的有几件", [2020]),
        ("How many Yichuan requests of 2020 were carried forward into 2021?", [2020]),
        ("How many Yichuan requests of 2020 were carried over to 2021?", [2020]),
        ("结转到2026年的申请有多少", []),
    ],
)
def test_the_year_a_request_is_carried_into_is_not_a_report_year(question, years):
    assert parse_years(question)[0] == years


@pytest.mark.parametrize(
    "question, route",
    [
        ("伊川县2020年的申请主要涉及哪些内容", "retrieval"),
        ("平潭公安局2024年收到的信息公开申请主要涉及哪些事项？", "retrieval"),
        ("What were the applications to Yichuan in 2020 about?", "retrieval"),
        ("Which topics did the 2024 requests to Pingtan public security bureau concern?", "retrieval"),
        ("伊川县2020年收到多少申请", "sql"),
        ("平潭公安局2024年收到几件申请", "sql"),
        ("How many applications did Yichuan receive in 2020?", "sql"),
    ],
)
def test_questions_asking_what_requests_were_about_go_to_the_text(planner, question, route):
    assert planner.plan(question).route == route


@pytest.mark.parametrize(
    "question, years, reverse",
    [
        ("洪泽区2024年比2023年多了多少申请", [2023, 2024], True),
        ("洪泽区2023年比2024年少了多少申请", [2023, 2024], False),
        ("洪泽区2024年收到的申请增加了多少", [2023, 2024], True),
        ("How many more applications did Hongze receive in 2024 than in 2023?", [2023, 2024], True),
        ("What was the increase in applications to Hongze from 2023 to 2024?", [2023, 2024], True),
        ("What is the difference between Hongze's applications in 2023 and 2024?", [2023, 2024], True),
    ],
)
def test_difference_questions_take_two_years_later_or_first_named_first(planner, question, years, reverse):
    plan = planner.plan(question)
    assert (plan.intent, plan.aggregation, plan.years, plan.diff_reverse) == ("compare", "diff", years, reverse)
    assert plan.offices == [HONGZE] and [m.name for m in plan.measures] == ["T3/new_requests/total"]


def test_a_place_inside_a_stored_region_without_reports_is_unknown_not_the_regions_office(planner):
    plan = planner.plan("开封市鼓楼区2020年收到多少申请")
    assert plan.offices == [] and plan.unknown_offices == ["开封市鼓楼区"]
    assert plan.related_offices == ["开封市龙亭区人民政府办公室"]


@pytest.mark.parametrize(
    "question, route, metrics",
    [
        # 主动公开 (items published unasked) is a figure of the text, not the T3 row 予以公开 (requests granted)
        ("How many government information items did Pingtan Zone proactively disclose in 2023?", "retrieval", []),
        ("Pingtan county government: government information proactively disclosed in 2013?", "retrieval", []),
        ("Pingtan county government: items proactively disclosed in 2012?", "retrieval", []),
        ("How many items were disclosed by Yichuan in 2020?", "retrieval", []),
        ("How many requests were disclosed in full by Yichuan in 2020?", "sql", ["T3/granted/total"]),
        ("How many requests were granted by Yichuan in 2020?", "sql", ["T3/granted/total"]),
    ],
)
def test_proactive_disclosure_is_a_text_figure_not_the_granted_row(planner, question, route, metrics):
    plan = planner.plan(question)
    assert (plan.route, plan.metrics) == (route, metrics)
