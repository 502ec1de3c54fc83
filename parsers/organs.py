"""The office-name model: an issuing office is a region chain + an organ (docs/template.md, "Offices").

平潭县民政局 = [平潭县] + 民政局; 洛阳市洛龙区人民政府办公室 = [洛阳市, 洛龙区] + 人民政府办公室. The organ is one of
the standard organs of local government (parsers/data/organs.tsv: full name, kind, short names, English names)
or, when the table does not list it, an organ of its own whose short forms come from the compound-name rule
(`derived_short_forms`). Every other module (the parser's office extraction, the store's office table, the
question resolver) asks this model what an office is called, rather than keeping its own lists.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from govqa.errors import ParseError

OrganKind = Literal["government", "general_office", "department", "township", "zone"]
_TABLE = Path(__file__).parent / "data" / "organs.tsv"

# A region unit: longer suffixes first so 经济技术开发区 wins over 区. One-character names exist only for counties (沛县).
# A unit's stem holds no 省/市/县 (蘅琮县 + 市场监督管理局, not 蘅琮县市 + 场监督管理局).
_UNIT = re.compile(
    r"^(?:[^省市县]{2,10}?(?:经济技术开发区|高新技术产业开发区|综合实验区|开发区|新区|自治区|自治州|自治县|特别行政区|省|市|区|旗)"
    r"|[^省市县]{1,10}?县)"
)
_GOVERNMENT = re.compile(r"^(?:(?:人民)?政府|管委会|管理委员会)?$")
_GENERAL_OFFICE = re.compile(
    r"^(?:(?:人民)?政府(?:办公室|办公厅|办)|管委会办公室|管理委员会办公室|管委办|办公室|办公厅)$"
)
# a town or 片区 name holds no unit suffix, so 平潭县潭城镇 is the county's unit first, then the town
_TOWNSHIP = re.compile(r"^[^省市县区旗]{1,6}?(?:镇|乡)(?:人民政府)?$|^[^省市县区旗]{1,6}?街道(?:办事处)?$")
_ZONE = re.compile(r"^[^省市县旗]{1,6}?片区(?:管理局|管委会)?$|^[^省市县旗]{1,8}?园区(?:管委会|管理委员会)$")
# organ suffixes and the one character a short form keeps of them (发展和改革委员会 → 发改委)
_SUFFIXES = (("委员会", "委"), ("办公室", "办"), ("中心", "中心"), ("局", "局"), ("委", "委"), ("办", "办"))
_JOIN = re.compile(r"[和与及]")
# how a department's name ends (民政局, 发展和改革委员会, 人民防空办公室, 大数据中心): lets a question's unknown
# organ (平潭县城投局) be recognised as an organ, not as the region's government
ORGAN_SUFFIX = r"(?:局|委员会|委|办公室|中心)"


class Organ(BaseModel):
    """One standard organ of local government (a row of parsers/data/organs.tsv)."""

    full: str
    kind: OrganKind
    short: list[str] = Field(default_factory=list, description="Short names and abbreviations: 发改局, 人社局.")
    english: list[str] = Field(default_factory=list, description="Lower-case English names: civil affairs bureau.")


@lru_cache(maxsize=1)
def organ_table() -> dict[str, Organ]:
    """Full name → Organ, from the data file (its header names the source)."""
    organs: dict[str, Organ] = {}
    for n, line in enumerate(_TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if len(cells) != 4:
            raise ParseError(f"line {n}: expected 4 tab-separated cells, found {len(cells)}", str(_TABLE))
        full, kind, short, english = cells
        organs[full] = Organ(
            full=full,
            kind=kind,
            short=[s for s in short.split(";") if s],
            english=[e.strip().lower() for e in english.split(";") if e.strip()],
        )
    return organs


@lru_cache(maxsize=1)
def _by_short() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for organ in organ_table().values():
        for short in organ.short:
            found.setdefault(short, []).append(organ.full)
    return found


@lru_cache(maxsize=16384)
def organ_keys(organ: str) -> list[str]:
    """The standard organs a written organ name is (人防办 → 人民防空办公室; 审批局 → both 审批 bureaus); an organ
    the table does not know is its own key. Two names are the same organ when their keys meet."""
    table = organ_table()
    keys = [organ] if organ in table else []
    keys += [k for k in _by_short().get(organ, []) if k not in keys]
    return keys or [organ]


def _words(part: str) -> list[str]:
    """A part of an organ name in two-character words (计划生育 → 计划, 生育); an odd length keeps a last single."""
    return [part[i : i + 2] for i in range(0, len(part), 2)]


def _initials(part: str) -> str:
    """计划生育 → 计生; 监督管理 → 监 (食药监局, 市监局: 监管 is said 监); a one-word part keeps its first character."""
    words = _words(part)
    return "".join(w[0] for w in words).replace("监管", "监") if len(words) > 1 else part[0]


@lru_cache(maxsize=4096)
def derived_short_forms(organ: str) -> tuple[str, ...]:
    """The general rule for compound names: each part keeps its head characters, the suffix one character.

    人口和计划生育局 → 人口计生局, 计生局; 食品药品监督管理局 → 食药监局; 发展和改革委员会 → 发改委;
    人力资源和社会保障局 → 人社局; 应急管理局 → 应急局. Forms that are another standard organ's name are
    left out (they belong to that organ)."""
    suffix = next(((s, k) for s, k in _SUFFIXES if organ.endswith(s) and len(organ) > len(s) + 1), None)
    if suffix is None:
        return ()
    parts = [p for p in _JOIN.split(organ[: -len(suffix[0])]) if p]
    if not parts or sum(map(len, parts)) < 3:
        return ()
    stems = [
        parts[0] + "".join(_initials(p) for p in parts[1:]),  # 人口计生
        "".join(_initials(p) for p in parts),  # 发改, 食药监
        "".join(p[0] for p in parts) if len(parts) > 1 else "",  # 人社
        _initials(parts[-1]) if len(parts) > 1 and len(_words(parts[-1])) > 1 else "",  # 计生
        "".join(parts)[:-2] if "".join(parts).endswith("管理") and len(parts) == 1 else "",  # 应急
        "".join(parts) if len(parts) > 1 else "",  # 发展改革
    ]
    forms = [st + suffix[1] for st in stems if len(st) >= 2]
    return tuple(f for f in dict.fromkeys(forms) if f != organ and f not in _other_names(organ))


@lru_cache(maxsize=4096)
def _other_names(organ: str) -> frozenset[str]:
    return frozenset(n for o in organ_table().values() if o.full != organ for n in (o.full, *o.short))


def organ_kind(organ: str) -> OrganKind:
    if _GOVERNMENT.match(organ):
        return "government"  # a zone's 管委会 governs its zone as a 人民政府 does its region
    if _GENERAL_OFFICE.match(organ):
        return "general_office"
    if _TOWNSHIP.search(organ):
        return "township"
    if _ZONE.search(organ):
        return "zone"
    table = organ_table()
    return next((table[k].kind for k in organ_keys(organ) if k in table), "department")


def split_office_name(org: str) -> tuple[list[str], str]:
    """洛阳市洛龙区人民政府办公室 → (['洛阳市', '洛龙区'], '人民政府办公室')."""
    units: list[str] = []
    rest = org.strip()
    while m := _UNIT.match(rest):
        if _TOWNSHIP.match(rest) or _ZONE.match(rest):
            break  # 潭城镇人民政府 / 金井片区管理局: the organ, not a unit
        units.append(m.group(0))
        rest = rest[m.end() :]
    return units, rest


class OfficeName(BaseModel):
    """An issuing office as region units + organ, and every form of its name built from them."""

    org: str = Field(description="The full name as the report gives it: 平潭县人口和计划生育局.")
    units: list[str] = Field(description="Region units in the name: 洛阳市, 洛龙区.")
    organ: str = Field(description="The organ as written: 人口和计划生育局, 人民政府, '' (the zone itself).")
    kind: OrganKind
    keys: list[str] = Field(description="The standard organs it is (organ_keys).")

    @classmethod
    def parse(cls, org: str) -> "OfficeName":
        units, organ = split_office_name(org)
        return cls(org=org, units=units, organ=organ, kind=organ_kind(organ), keys=organ_keys(organ) if organ else [])

    @property
    def is_department(self) -> bool:
        """An organ people can name on its own (民政局): not the government or its general office."""
        return self.kind in ("department", "township", "zone") and bool(self.organ)

    def organ_forms(self) -> list[tuple[str, bool]]:
        """(form, official): the organ as written and its table full names (official), then its short names."""
        table = organ_table()
        # 人防办 is 人民防空办公室's short name, so that full name is official too; but 交通局, a full name of its
        # own, is not 交通运输局 (only one of its short names)
        named = [self.organ] if self.organ in table else [k for k in self.keys if k in table]
        official = [self.organ, *named]
        short = [s for k in named for s in table[k].short]
        short += [d for k in official for d in derived_short_forms(k)]
        forms = [(f, True) for f in dict.fromkeys(official)]
        return forms + [(f, False) for f in dict.fromkeys(short) if f not in official]

    def english_organs(self) -> list[str]:
        table = organ_table()
        return list(dict.fromkeys(e for k in self.keys if k in table for e in table[k].english))

    def same_organ(self, organ: str) -> bool:
        return bool(set(self.keys) & set(organ_keys(organ)))


@lru_cache(maxsize=1)
def organ_vocabulary() -> dict[str, list[str]]:
    """Every Chinese organ form of the table (full, short, derived) → the standard organs it names."""
    vocab: dict[str, list[str]] = {}
    for organ in organ_table().values():
        if organ.kind != "department":
            continue
        for form in (organ.full, *organ.short, *derived_short_forms(organ.full)):
            vocab.setdefault(form, [])
            if organ.full not in vocab[form]:
                vocab[form].append(organ.full)
    return vocab


@lru_cache(maxsize=1)
def english_organ_vocabulary() -> dict[str, list[str]]:
    """Joined lower-case English organ names (civilaffairsbureau) → the standard organs they name."""
    vocab: dict[str, list[str]] = {}
    for organ in organ_table().values():
        if organ.kind != "department":
            continue
        for name in organ.english:
            vocab.setdefault(re.sub(r"[^a-z]", "", name), []).append(organ.full)
    return vocab
