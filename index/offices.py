"""Every name people use for an issuing office: short forms, pinyin/English forms, region chain.

伊川县人民政府 is asked about as 伊川县, 伊川, Yichuan or Yichuan County; 洛龙区审批局 means
洛阳市洛龙区行政审批和政务信息管理局. Names are split into region units (洛阳市 | 洛龙区) and the body
(人民政府办公室); aliases are the body with fewer leading units, its common abbreviations, and — for
the region's own government only — the bare region name, which a question naming just the region means.
"""

from pypinyin import lazy_pinyin

from index.models import OfficeRecord
from parsers.organs import OfficeName
from parsers.organs import split_office_name as _split

_UNIT_ENGLISH = {
    "经济技术开发区": ["economic and technological development zone", "development zone"],
    "高新技术产业开发区": ["high-tech industrial development zone", "high-tech zone"],
    "综合实验区": ["comprehensive experimental zone", "comprehensive pilot zone", "zone"],
    "开发区": ["development zone"],
    "新区": ["new area", "new district"],
    "自治区": ["autonomous region"],
    "自治州": ["autonomous prefecture"],
    "自治县": ["autonomous county"],
    "省": ["province"],
    "市": ["city"],
    "区": ["district"],
    "县": ["county"],
    "旗": ["banner"],
}

# Short names of units whose bare stem would be someone else's name (濮阳 is the city, not its zone).
_UNIT_SHORT_FORMS = {
    "经济技术开发区": ["经开区", "开发区"],
    "高新技术产业开发区": ["高新区"],
    "综合实验区": ["", "实验区"],
    "新区": [""],
}

_BODY_FORMS = {
    "人民政府": ["人民政府", "政府"],
    "政府": ["政府", "人民政府"],
    "人民政府办公室": ["人民政府办公室", "政府办公室", "政府办"],
    "政府办公室": ["政府办公室", "人民政府办公室", "政府办"],
    "管委会": ["管委会", "管理委员会"],
    "管理委员会": ["管理委员会", "管委会"],
    "管委会办公室": ["管委会办公室", "管理委员会办公室", "管委办"],
    "管理委员会办公室": ["管理委员会办公室", "管委会办公室", "管委办"],
}

_BODY_ENGLISH = {
    "人民政府": ["government", "people's government"],
    "政府": ["government"],
    "人民政府办公室": ["government office", "people's government office"],
    "政府办公室": ["government office"],
    "管委会": ["administrative committee"],
    "管理委员会": ["administrative committee"],
    "管委会办公室": ["administrative committee office"],
    "管理委员会办公室": ["administrative committee office"],
}


def split_office_name(org: str) -> tuple[list[str], str]:
    """洛阳市洛龙区人民政府办公室 → (['洛阳市', '洛龙区'], '人民政府办公室') (the office-name model's split)."""
    return _split(org)


def unit_suffix(unit: str) -> str:
    return next(s for s in sorted(_UNIT_ENGLISH, key=len, reverse=True) if unit.endswith(s))


def unit_short_names(unit: str) -> list[str]:
    """伊川县 → [伊川]; 濮阳经济技术开发区 → [濮阳经开区, 濮阳开发区]; 平潭综合实验区 → [平潭, 平潭实验区]."""
    suffix = unit_suffix(unit)
    stem = unit[: -len(suffix)]
    if suffix in _UNIT_SHORT_FORMS:
        return [stem + short for short in _UNIT_SHORT_FORMS[suffix]]
    # A one-character stem (沛县 → 沛) is too short to be a name on its own.
    return [stem] if len(stem) >= 2 else []


def is_government_office(org: str) -> bool:
    """The region's own government: 人民政府, 管委会, a 综合实验区 itself, or their 办公室 writing for them."""
    name = OfficeName.parse(org)
    return bool(name.units) and name.kind in ("government", "general_office")


def region_chain(org: str, region: list[str]) -> list[str]:
    """The report's region (province, city, county) extended by the units in the office's own name."""
    chain = list(region)
    for unit in split_office_name(org)[0]:
        if not any(unit == r or unit.startswith(r) or r.startswith(unit) for r in chain):
            chain.append(unit)
    return chain


def _government_aliases(units: list[str], body: str) -> list[str]:
    forms = _BODY_FORMS.get(body, [body])
    names = ["".join(units[i:]) + f for i in range(len(units)) for f in forms]
    names += ["".join(units[i:]) for i in range(len(units))]
    return names + unit_short_names(units[-1])


def _department_aliases(units: list[str], body: str) -> list[str]:
    """Region (full or short) + organ (as written, its table full name, its short names): official forms first."""
    name = OfficeName.parse("".join(units) + body)
    forms = [f for f, _ in name.organ_forms()] or [body]
    regions = ["".join(units[i:]) for i in range(len(units))] + unit_short_names(units[-1])
    return [r + f for f in forms for r in regions]


def office_aliases(org: str, is_government: bool) -> list[str]:
    units, body = split_office_name(org)
    if not units:
        return []
    names = _government_aliases(units, body) if is_government else _department_aliases(units, body)
    return _unique(n for n in names if n and n != org)


def pinyin_name(chinese: str) -> list[str]:
    """淮安 → [huaian, huai'an]: joined, and with the apostrophe pinyin uses before a vowel syllable."""
    syllables = lazy_pinyin(chinese)
    if not all(s.isascii() and s.isalpha() for s in syllables):
        return []
    joined = "".join(syllables)
    marked = syllables[0] + "".join(("'" + s) if s[0] in "aoe" else s for s in syllables[1:])
    return _unique([joined, marked])


def office_pinyin(org: str, is_government: bool) -> list[str]:
    """Lower-case pinyin/English forms: yichuan, yichuan county, yichuan county government, yichuanxian …"""
    units, body = split_office_name(org)
    if not units:
        return []
    suffix = unit_suffix(units[-1])
    stem = units[-1][: -len(suffix)]
    bare_is_a_name = "" in _UNIT_SHORT_FORMS.get(suffix, [""]) and len(stem) >= 2
    names: list[str] = []
    for s in pinyin_name(stem):
        regional = [f"{s} {t}" for t in _UNIT_ENGLISH[suffix]]
        if is_government:
            names += [s] if bare_is_a_name else []
            names += [s + "".join(lazy_pinyin(suffix)), *regional]  # yichuanxian, yichuan county
            names += [f"{r} {b}" for r in regional for b in _BODY_ENGLISH.get(body, [])]
        else:
            for dept in OfficeName.parse(org).english_organs():
                names += [f"{s} {dept}", *(f"{r} {dept}" for r in regional)]
    return _unique(n.lower() for n in names)


def office_record(org: str, region: list[str], is_government: bool, years: list[int]) -> OfficeRecord:
    return OfficeRecord(
        org=org,
        aliases=office_aliases(org, is_government),
        pinyin=office_pinyin(org, is_government),
        region=region_chain(org, region),
        is_government=is_government,
        years=sorted(set(years)),
    )


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))
