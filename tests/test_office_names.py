"""The office-name model (region units + organ), the organs table, the parser's office extraction on every real
report, and the resolver's rules for departments: organ alone, short forms, English, absent offices and places."""

import pytest

from bot.offices import OfficeResolver
from bot.planner import QueryPlanner
from govqa.settings import ParsingSettings
from index.offices import is_government_office, office_record
from parsers.meta import complete_org, find_title, title_org
from parsers.organs import OfficeName, derived_short_forms, organ_keys, organ_table
from parsers.reading import read_document
from tests.conftest import RAW, SEEDS


# ------------------------------------------------------------------ the model
@pytest.mark.parametrize(
    ("org", "units", "organ", "kind"),
    [
        ("平潭县人口和计划生育局", ["平潭县"], "人口和计划生育局", "department"),
        ("宿迁市沭阳县发展和改革局", ["宿迁市", "沭阳县"], "发展和改革局", "department"),
        (
            "杉屿市蘅琮县市场监督管理局",
            ["杉屿市", "蘅琮县"],
            "市场监督管理局",
            "department",
        ),  # 县 + 市场…, not 县市 + 场…
        ("洛阳市洛龙区人民政府办公室", ["洛阳市", "洛龙区"], "人民政府办公室", "general_office"),
        ("淮安市洪泽区人民政府", ["淮安市", "洪泽区"], "人民政府", "government"),
        ("平潭综合实验区", ["平潭综合实验区"], "", "government"),
        ("平潭县潭城镇人民政府", ["平潭县"], "潭城镇人民政府", "township"),
        ("平潭综合实验区金井片区管理局", ["平潭综合实验区"], "金井片区管理局", "zone"),
    ],
)
def test_office_name_is_region_units_plus_organ_of_a_kind(org, units, organ, kind):
    name = OfficeName.parse(org)
    assert (name.units, name.organ, name.kind) == (units, organ, kind)


@pytest.mark.parametrize(
    ("organ", "forms"),
    [
        ("人口和计划生育局", {"人口计生局", "计生局"}),
        ("食品药品监督管理局", {"食药监局"}),
        ("发展和改革委员会", {"发改委"}),
        ("人力资源和社会保障局", {"人社局"}),
        ("交通与建设局", {"交通建设局", "交建局"}),  # an organ the table does not list gets the same rule
    ],
)
def test_compound_organ_names_keep_the_head_of_each_part(organ, forms):
    assert forms <= set(derived_short_forms(organ))


def test_a_derived_form_that_is_another_organs_name_is_left_to_that_organ():
    for organ in organ_table():
        others = {n for o in organ_table().values() if o.full != organ for n in (o.full, *o.short)}
        assert not set(derived_short_forms(organ)) & others, organ


@pytest.mark.parametrize(
    ("written", "full"),
    [("人防办", "人民防空办公室"), ("质监局", "质量技术监督局"), ("工商局", "工商行政管理局"), ("民政局", "民政局")],
)
def test_short_organ_names_are_the_same_organ_as_their_full_name(written, full):
    assert full in organ_keys(written)


@pytest.mark.parametrize(
    ("org", "forms"),
    [
        ("平潭县人口和计划生育局", {"平潭计生局", "平潭县人口计生局", "平潭人口和计划生育局"}),
        ("平潭县食品药品监督管理局", {"平潭食药监局"}),
        ("平潭县人防办", {"平潭县人民防空办公室", "平潭人防办"}),
        ("平潭县质监局", {"平潭县质量技术监督局"}),
    ],
)
def test_department_aliases_include_region_short_form_with_organ_short_names(org, forms):
    assert forms <= set(office_record(org, [], False, [2012]).aliases)


@pytest.mark.parametrize(
    ("org", "english"),
    [
        ("平潭县民政局", "pingtan civil affairs bureau"),
        ("平潭县卫生局", "pingtan health bureau"),
        ("沭阳县发展和改革局", "shuyang development and reform bureau"),
        ("平潭县人口和计划生育局", "pingtan county population and family planning bureau"),
    ],
)
def test_department_english_names_are_region_pinyin_plus_organ(org, english):
    assert english in office_record(org, [], False, []).pinyin


# ------------------------------------------------------------------ the parser on every real report
# The issuing office as each report names itself (its title, else its body/signature), typed from the files.
_DEPARTMENTS = {
    "anjianju": "平潭县安全生产监督管理局",
    "caizhengju": "平潭县财政局",
    "gongshangju": "平潭县工商局",
    "guotuziyuanju": "平潭县国土资源局",
    "haiyangyuyeju": "平潭县海洋与渔业局",
    "huanbaoju": "平潭县环境保护局",
    "jiansheju": "平潭县建设局",
    "jiaotongju": "平潭县交通局",
    "jingmaoju": "平潭县经济贸易局",
    "kejiwentiju": "平潭县科技文体局",
    "laodongshebaoju": "平潭县劳动和社会保障局",
    "minzhengju": "平潭县民政局",
    "renfangban": "平潭县人防办",
    "renkoujishengju": "平潭县人口和计划生育局",
    "shiyaojianju": "平潭县食品药品监督管理局",
    "sifaju": "平潭县司法局",
    "weishengju": "平潭县卫生局",
    "xinfangju": "平潭县信访局",
    "zhijianju": "平潭县质监局",
}
_OTHERS = {
    "fujian-pingtan_": "平潭综合实验区",
    "fujian-pingtanxian_": "平潭县人民政府",
    "fujian-pingtan-dishuiju": "平潭综合实验区地方税务局",
    "fujian-pingtan-gonganju": "平潭综合实验区公安局",
    "jiangsu-huaian-hongzequ": "淮安市洪泽区人民政府",
    "jiangsu-huaian-shi": "淮安市人民政府",
    "jiangsu-suqian-shuyang-fagaiju": "沭阳县发展和改革局",
    "000_": "洛阳市洛龙区人民政府办公室",
    "001_": "开封市龙亭区人民政府办公室",
    "002_": "濮阳经济技术开发区管委会办公室",
    "003_": "伊川县人民政府",
    "004_": "洛龙区行政审批和政务信息管理局",
}


def _expected_office(name: str) -> str:
    if name.startswith("fujian-pingtanxian-"):
        return _DEPARTMENTS[name.split("-")[2].split("_")[0]]
    return next(org for prefix, org in _OTHERS.items() if name.startswith(prefix))


FILES = (sorted(RAW.iterdir()) if RAW.is_dir() else []) + (sorted(SEEDS.iterdir()) if SEEDS.is_dir() else [])


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_corpus_report_gets_the_office_it_names_itself(path):
    doc = read_document(path, ParsingSettings())
    title = find_title(doc.text, doc.title_hint)
    context = "\n".join(doc.page_headers or []) + "\n" + doc.text
    assert complete_org(title_org(title), context) == _expected_office(path.name)


@pytest.mark.parametrize(
    ("title", "office"),
    [
        ("2019年洛阳市人民政府办公厅政府信息公开工作年度报告", "洛阳市人民政府办公厅"),
        ("2019年度杉屿市人民政府办公厅政府信息公开工作年度报告", "杉屿市人民政府办公厅"),
        ("平潭县国土资源管理局关于报送2020年政府信息公开工作年度报告的函", "平潭县国土资源管理局"),
        ("关于报送淮安市财政局2020年政府信息公开工作年度报告的函", "淮安市财政局"),
        ("二〇二〇年伊川县民政局政府信息公开工作年度报告", "伊川县民政局"),
        ("政府办公室2019年政府信息公开工作年度报告", "政府办公室"),  # truncated: the body completes it
    ],
)
def test_title_office_skips_a_leading_year_and_a_cover_letter(title, office):
    assert title_org(title) == office


@pytest.mark.parametrize(
    ("title", "body", "office"),
    [
        (
            "2019年政府信息公开工作年度报告",
            "根据条例，现公布平潭县民政局2019年度报告。我局办公室负责。\n平潭县民政局\n2020年1月",
            "平潭县民政局",
        ),
        (
            "关于报送2020年政府信息公开工作年度报告的函",
            "淮安市财政局\n现将我局报告报送淮安市人民政府办公室。\n淮安市财政局 2021年1月",
            "淮安市财政局",
        ),
        (
            "2019年洛阳市人民政府办公厅政府信息公开工作年度报告",
            "2019年洛阳市人民政府办公厅政府信息公开工作年度报告\n本报告由洛阳市人民政府办公厅编制",
            "洛阳市人民政府办公厅",
        ),
    ],
)
def test_office_comes_from_the_body_or_signature_when_the_title_names_none(title, body, office):
    assert complete_org(title_org(title), body) == office


# ------------------------------------------------------------------ resolving mentions
_STORED = [
    ("平潭综合实验区", ["福建省", "福州市", "平潭县"], [2012, 2013, 2024]),
    ("平潭县人民政府", ["福建省", "福州市", "平潭县"], [2011, 2012, 2013]),
    ("平潭综合实验区公安局", ["福建省", "福州市", "平潭县"], [2024]),
    ("平潭县民政局", ["福建省", "福州市", "平潭县"], [2011, 2012, 2013]),
    ("平潭县卫生局", ["福建省", "福州市", "平潭县"], [2011, 2012, 2013]),
    ("平潭县人口和计划生育局", ["福建省", "福州市", "平潭县"], [2011, 2013]),
    ("平潭县食品药品监督管理局", ["福建省", "福州市", "平潭县"], [2011, 2012, 2013]),
    ("平潭县交通局", ["福建省", "福州市", "平潭县"], [2011, 2012, 2013]),
    ("平潭县人防办", ["福建省", "福州市", "平潭县"], [2011]),
    ("沭阳县发展和改革局", ["江苏省", "宿迁市", "沭阳县"], [2023]),
    ("伊川县人民政府", ["河南省", "洛阳市", "伊川县"], [2020]),
    ("洛阳市民政局", ["河南省", "洛阳市"], [2021]),  # a second 民政局: the organ alone is unique only per year
]
NOT_FOUND = None


@pytest.fixture(scope="module")
def planner() -> QueryPlanner:
    return QueryPlanner([office_record(o, r, is_government_office(o), y) for o, r, y in _STORED])


@pytest.mark.parametrize(
    ("question", "office"),
    [
        # a department named alone: unique among offices with a report that year
        ("民政局2012年主动公开了多少条信息", "平潭县民政局"),
        ("民政局2021年主动公开了多少条信息", "洛阳市民政局"),
        ("计生局2013年主动公开了多少条信息", "平潭县人口和计划生育局"),
        ("the Civil Affairs Bureau in 2012: how many items were disclosed?", "平潭县民政局"),
        # region short form + the organ's short name or abbreviation
        ("平潭计生局2013年主动公开了多少条信息", "平潭县人口和计划生育局"),
        ("平潭食药监局2012年主动公开了多少条信息", "平潭县食品药品监督管理局"),
        ("平潭县人民防空办公室2011年主动公开了多少条信息", "平潭县人防办"),
        ("平潭的民政局2013年主动公开了多少条信息", "平潭县民政局"),
        ("平潭公安局2024年收到多少申请", "平潭综合实验区公安局"),
        # English, with the region in pinyin and possessives
        ("How many items did the Pingtan Civil Affairs Bureau disclose in 2012?", "平潭县民政局"),
        ("Pingtan's health bureau: items disclosed in 2012?", "平潭县卫生局"),
        ("Shuyang's development and reform bureau 2023 applications", "沭阳县发展和改革局"),
        ("Pingtan police 2024 applications", "平潭综合实验区公安局"),
        # typos of a stored office that spell no real place
        ("伊穿县2020年收到多少申请", "伊川县人民政府"),
        ("Yichaun 2020 applications", "伊川县人民政府"),
        # a department with no report: never the region's government or another department
        ("平潭县教育局2012年收到多少申请", NOT_FOUND),
        ("Pingtan education bureau 2012 applications", NOT_FOUND),
        ("How many requests did the Pingtan tourism bureau receive in 2012?", NOT_FOUND),  # an organ not in the table
        ("平潭县城投局2012年收到多少申请", NOT_FOUND),
        ("教育局2012年收到多少申请", NOT_FOUND),
        ("平潭县卫计局2012年收到多少申请", NOT_FOUND),  # one character from 卫生局, but another organ
        ("宜昌市民政局2012年收到多少申请", NOT_FOUND),  # a real place's department, not 平潭's
        ("福州市民政局2012年收到多少申请", NOT_FOUND),  # the city's own bureau, not that of 平潭县 inside it
        ("宿迁市发改局2023年收到多少申请", NOT_FOUND),
        # real places with no report, in pinyin and Chinese: never a near stored place
        ("Yichang 2020 applications", NOT_FOUND),
        ("How many applications did Xinxiang receive in 2020?", NOT_FOUND),
        ("宜川县2020年收到多少申请", NOT_FOUND),  # 宜川县 is a real county, not a misspelt 伊川县
        ("宜昌2020年收到多少申请", NOT_FOUND),
    ],
)
def test_mention_resolves_to_its_office_or_to_not_found(planner, question, office):
    plan = planner.plan(question)
    if office is NOT_FOUND:
        assert plan.offices == [] and plan.ambiguous_offices == [] and plan.unknown_offices, plan
    else:
        assert plan.offices == [office] and plan.ambiguous_offices == [], plan


def test_department_alone_is_ambiguous_when_several_offices_of_that_organ_fit(planner):
    plan = planner.plan("民政局收到多少申请")
    assert plan.offices == [] and sorted(plan.ambiguous_offices) == ["平潭县民政局", "洛阳市民政局"]


def test_absent_department_lists_the_stored_offices_of_its_region(planner):
    plan = planner.plan("平潭县教育局2012年收到多少申请")
    assert plan.unknown_offices == ["平潭县教育局"]
    assert {"平潭县民政局", "平潭县卫生局"} <= set(plan.related_offices)


def test_region_alone_still_means_its_government(planner):
    plan = planner.plan("平潭县2011年收到多少申请")
    assert plan.offices == ["平潭县人民政府"] and "平潭县民政局" in plan.related_offices


@pytest.mark.parametrize(
    ("question", "read_as"),
    [
        ("伊穿县2020年收到多少申请", [("伊穿县", "伊川县人民政府")]),
        ("Yichaun 2020 applications", [("Yichaun", "伊川县人民政府")]),
        ("伊川县2020年收到多少申请", []),
    ],
)
def test_a_corrected_typo_is_recorded_so_the_answer_says_what_it_read(planner, question, read_as):
    assert planner.plan(question).read_as == read_as


def test_an_official_form_beats_a_short_form_of_another_office():
    """交通局 is 平潭县交通局's own name and only a short name of 交通运输局."""
    records = [
        office_record(o, ["福建省", "福州市", "平潭县"], False, [2012]) for o in ("平潭县交通局", "平潭县交通运输局")
    ]
    [mention] = OfficeResolver(records).find("平潭县交通局2012年")
    assert mention.offices == ["平潭县交通局"]


@pytest.mark.parametrize(
    ("question", "offices"),
    [
        # 信访举 sounds like 信访局, but an organ alone is matched exactly: this names a kind of request
        ("洛龙区政府办2021年信访举报投诉类申请不予处理的有几件？", ["洛阳市洛龙区人民政府办公室"]),
        # the zone and its own bureau named together: both, and 各 is not part of a misspelt name
        ("2024年平潭综合实验区和平潭公安局各收到多少政府信息公开申请", ["平潭综合实验区", "平潭综合实验区公安局"]),
        # a region inside quotation marks names a website, not a second office
        ("平潭县民政局2012年通过“中国平潭”网站公开了多少条信息", ["平潭县民政局"]),
    ],
)
def test_words_that_only_look_like_office_names_do_not_add_offices(question, offices):
    stored = [
        ("洛阳市洛龙区人民政府办公室", ["河南省", "洛阳市", "洛龙区"], [2021]),
        ("平潭县信访局", ["福建省", "福州市", "平潭县"], [2011]),
        *_STORED,
    ]
    planner = QueryPlanner([office_record(o, r, is_government_office(o), y) for o, r, y in stored])
    plan = planner.plan(question)
    assert plan.offices == offices and plan.read_as == []
