"""Province / city / county names from the cpca package's administrative-division table.

We read cpca's bundled adcodes.csv directly: importing cpca itself needs pkg_resources,
which current setuptools no longer ships, and we only need the names and their codes.
"""

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

# Longest first: 平潭综合实验区 → 平潭, 濮阳经济技术开发区 → 濮阳, 洛龙区 → 洛龙.
_SUFFIXES = (
    "特别行政区",
    "高新技术产业开发区",
    "维吾尔自治区",
    "经济技术开发区",
    "壮族自治区",
    "回族自治区",
    "综合实验区",
    "自治区",
    "自治州",
    "自治县",
    "开发区",
    "新区",
    "地区",
    "省",
    "市",
    "盟",
    "州",
    "县",
    "区",
    "旗",
)


@dataclass(frozen=True)
class Place:
    code: str
    name: str

    @property
    def level(self) -> int:
        """0 province, 1 prefecture city, 2 county/district."""
        if self.code[2:] == "0" * 10:
            return 0
        return 1 if self.code[4:] == "0" * 8 else 2


def _adcodes_file() -> Path:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package (administrative divisions) is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


def short_name(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, Place], dict[str, list[Place]]]:
    by_code: dict[str, Place] = {}
    by_name: dict[str, list[Place]] = {}
    with _adcodes_file().open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            place = Place(row["adcode"], row["name"])
            by_code[place.code] = place
            by_name.setdefault(place.name, []).append(place)
    return by_code, by_name


@lru_cache(maxsize=1)
def _name_pattern() -> re.Pattern:
    names = sorted(_places()[1], key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


_ZONE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:经济技术开发区|高新技术产业开发区|开发区|综合实验区|新区)")


def _zone_places(org: str) -> list[str]:
    """濮阳经济技术开发区 → 濮阳市: zones are named after the city (or county) that hosts them."""
    by_name = _places()[1]
    for m in _ZONE.finditer(org):
        for suffix in ("市", "县", "区"):
            if m.group(1) + suffix in by_name:
                return [m.group(1) + suffix]
    return []


def region_chain(org: str) -> list[str]:
    """['河南省', '洛阳市', '伊川县'] for 伊川县人民政府; [] when no known place is named."""
    by_code, by_name = _places()
    found = [m.group(0) for m in _name_pattern().finditer(org)] or _zone_places(org)
    if not found:
        return []
    chosen: Place | None = None
    for name in found:  # the most specific place, disambiguated by the ones named before it
        options = by_name[name]
        if chosen is not None:
            narrower = [p for p in options if p.code.startswith(chosen.code[: 2 + 2 * chosen.level])]
            options = narrower or options
        if chosen is None or options[0].level >= chosen.level:
            chosen = options[0]
    if chosen is None:  # unreachable (found is not empty); keeps the type honest without an assert
        return []
    chain = [by_code.get(chosen.code[:2] + "0" * 10), by_code.get(chosen.code[:4] + "0" * 8), chosen]
    names: list[str] = []
    for place in chain:
        if place is not None and place.name not in names:
            names.append(place.name)
    return names


def zone_name(text: str) -> str | None:
    """The first development zone named after a known place: 濮阳经济技术开发区 (not 年濮阳…)."""
    by_name = _places()[1]
    for m in re.finditer(r"(?:经济技术开发区|高新技术产业开发区|开发区|综合实验区|新区)", text):
        for size in (2, 3):
            prefix = text[max(0, m.start() - size) : m.start()]
            if len(prefix) == size and any(prefix + s in by_name for s in ("市", "县", "区")):
                return prefix + m.group(0)
    return None


def place_before(text: str) -> str | None:
    """The longest known place name that `text` ends with (淮安市 for 本报告由淮安市)."""
    names = _places()[1]
    for size in range(min(len(text), 12), 1, -1):
        if text[-size:] in names:
            return text[-size:]
    return None


def place_count(text: str) -> int:
    return sum(1 for _ in _name_pattern().finditer(text))


def trim_to_place(text: str) -> str:
    """`text` from its first known place name on (年洛阳市… → 洛阳市…); unchanged when it names none."""
    m = _name_pattern().search(text)
    return text[m.start() :] if m else text


def has_place(text: str) -> bool:
    return _name_pattern().search(text) is not None


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Every place's full name and its short form (宜昌市, 宜昌): what a real place is spelled as."""
    names = _places()[1]
    return frozenset(list(names) + [s for s in map(short_name, names) if len(s) >= 2])


@lru_cache(maxsize=1)
def place_pinyin() -> dict[str, list[str]]:
    """Joined pinyin of each place's short form (yichang → 宜昌市): a Latin word that is a real place."""
    from pypinyin import lazy_pinyin

    found: dict[str, list[str]] = {}
    for name in _places()[1]:
        stem = short_name(name)
        if len(stem) >= 2:
            found.setdefault("".join(lazy_pinyin(stem)).lower(), []).append(name)
    return found
