"""Office names: the short, pinyin and English forms people use, and which offices are a region's government."""

import pytest

from index.offices import (
    is_government_office,
    office_record,
    pinyin_name,
    region_chain,
    split_office_name,
)


@pytest.mark.parametrize(
    ("org", "units", "body"),
    [
        ("伊川县人民政府", ["伊川县"], "人民政府"),
        ("洛阳市洛龙区人民政府办公室", ["洛阳市", "洛龙区"], "人民政府办公室"),
        ("洛阳市洛龙区行政审批和政务信息管理局", ["洛阳市", "洛龙区"], "行政审批和政务信息管理局"),
        ("濮阳经济技术开发区管委会办公室", ["濮阳经济技术开发区"], "管委会办公室"),
        ("平潭综合实验区", ["平潭综合实验区"], ""),
        ("平潭综合实验区地方税务局", ["平潭综合实验区"], "地方税务局"),
        ("洛阳市城市管理局", ["洛阳市"], "城市管理局"),  # 城市 is not a city
        ("洛阳市市场监督管理局", ["洛阳市"], "市场监督管理局"),
        ("宿迁市沭阳县发展和改革局", ["宿迁市", "沭阳县"], "发展和改革局"),
    ],
)
def test_office_name_splits_into_region_units_and_body(org, units, body):
    assert split_office_name(org) == (units, body)


@pytest.mark.parametrize(
    ("org", "expected_aliases"),
    [
        ("伊川县人民政府", ["伊川县", "伊川", "伊川县政府"]),
        ("洛阳市洛龙区人民政府办公室", ["洛龙区人民政府办公室", "洛龙区政府办公室", "洛龙区", "洛龙"]),
        ("淮安市洪泽区人民政府", ["洪泽区人民政府", "洪泽区", "洪泽"]),
        ("平潭综合实验区", ["平潭"]),
        ("平潭综合实验区管委会办公室", ["平潭综合实验区", "平潭"]),
        ("开封市龙亭区人民政府办公室", ["龙亭区", "龙亭"]),
        ("濮阳经济技术开发区管委会办公室", ["濮阳经济技术开发区", "濮阳经开区"]),
        ("淮安市人民政府", ["淮安市", "淮安"]),
        ("洛阳市洛龙区行政审批和政务信息管理局", ["洛龙区行政审批和政务信息管理局", "洛龙区审批局"]),
        ("沭阳县发展和改革局", ["沭阳县发改局"]),
        ("平潭综合实验区公安局", ["平潭公安局"]),
        ("平潭综合实验区地方税务局", ["平潭地税局"]),
    ],
)
def test_aliases_include_the_short_forms_people_use(org, expected_aliases):
    record = office_record(org, [], is_government_office(org), [2020])
    assert set(expected_aliases) <= set(record.aliases), record.aliases
    assert org not in record.aliases


@pytest.mark.parametrize(
    ("org", "not_an_alias"),
    [
        ("洛阳市洛龙区行政审批和政务信息管理局", "洛龙区"),  # a department is not its region
        ("洛阳市洛龙区行政审批和政务信息管理局", "洛龙"),
        ("平潭综合实验区公安局", "平潭"),
        ("濮阳经济技术开发区管委会办公室", "濮阳"),  # 濮阳 is the city, not its development zone
        ("沭阳县发展和改革局", "沭阳县"),
    ],
)
def test_department_and_zone_never_take_a_bare_region_name(org, not_an_alias):
    record = office_record(org, [], is_government_office(org), [])
    assert not_an_alias not in record.aliases


@pytest.mark.parametrize(
    ("org", "expected_pinyin"),
    [
        ("伊川县人民政府", ["yichuan", "yichuan county", "yichuanxian", "yichuan county government"]),
        ("洛阳市洛龙区人民政府办公室", ["luolong", "luolong district"]),
        ("开封市龙亭区人民政府办公室", ["longting", "longting district"]),
        ("淮安市人民政府", ["huaian", "huai'an", "huaian city", "huai'an city"]),
        ("淮安市洪泽区人民政府", ["hongze", "hongze district"]),
        ("平潭综合实验区", ["pingtan", "pingtan comprehensive experimental zone"]),
        ("平潭县人民政府", ["pingtan", "pingtan county"]),
        (
            "濮阳经济技术开发区管委会办公室",
            ["puyang economic and technological development zone", "puyang development zone"],
        ),
        ("沭阳县发展和改革局", ["shuyang county development and reform bureau"]),
        ("平潭综合实验区公安局", ["pingtan public security bureau"]),
    ],
)
def test_pinyin_and_english_forms_are_lower_case_and_cover_common_spellings(org, expected_pinyin):
    record = office_record(org, [], is_government_office(org), [])
    assert set(expected_pinyin) <= set(record.pinyin), record.pinyin
    assert all(p == p.lower() for p in record.pinyin)


@pytest.mark.parametrize(
    ("org", "bare"),
    [
        ("平潭综合实验区公安局", "pingtan"),
        ("濮阳经济技术开发区管委会办公室", "puyang"),
        ("沭阳县发展和改革局", "shuyang"),
    ],
)
def test_department_pinyin_never_is_the_bare_region(org, bare):
    assert bare not in office_record(org, [], is_government_office(org), []).pinyin


@pytest.mark.parametrize(
    ("chinese", "forms"), [("淮安", ["huaian", "huai'an"]), ("伊川", ["yichuan"]), ("西安", ["xian", "xi'an"])]
)
def test_pinyin_marks_a_syllable_boundary_before_a_vowel(chinese, forms):
    assert pinyin_name(chinese) == forms


@pytest.mark.parametrize(
    ("org", "government"),
    [
        ("伊川县人民政府", True),
        ("洛阳市洛龙区人民政府办公室", True),
        ("开封市龙亭区人民政府办公室", True),
        ("濮阳经济技术开发区管委会办公室", True),
        ("平潭综合实验区", True),
        ("平潭综合实验区管委会办公室", True),
        ("淮安市人民政府", True),
        ("洛阳市洛龙区行政审批和政务信息管理局", False),
        ("平潭综合实验区公安局", False),
        ("平潭综合实验区地方税务局", False),
        ("沭阳县发展和改革局", False),
        ("洛阳市卫生健康委员会", False),
        ("洛阳市大数据中心", False),
        ("办公室", False),  # no region: nobody's government
    ],
)
def test_is_government_office_only_for_the_regions_own_government(org, government):
    assert is_government_office(org) is government


@pytest.mark.parametrize(
    ("org", "region", "chain"),
    [
        ("伊川县人民政府", ["河南省", "洛阳市", "伊川县"], ["河南省", "洛阳市", "伊川县"]),
        ("洛阳市洛龙区人民政府办公室", [], ["洛阳市", "洛龙区"]),
        ("洛阳市洛龙区人民政府办公室", ["河南省"], ["河南省", "洛阳市", "洛龙区"]),
        ("平潭综合实验区公安局", ["福建省"], ["福建省", "平潭综合实验区"]),
    ],
)
def test_region_chain_joins_the_report_region_and_the_units_in_the_name(org, region, chain):
    assert region_chain(org, region) == chain


def test_office_record_keeps_years_sorted_and_unique():
    record = office_record("伊川县人民政府", [], True, [2021, 2020, 2021])
    assert record.years == [2020, 2021]
    assert record.is_government
