"""What the office resolver matches against: the surface forms of the stored office names (full, short,
region + organ, pinyin, English) in lookup tables keyed by length, the words around a name that belong to it
(政府, 人民政府办公室, county/district), and the mentions it finds. bot/offices.py resolves with these."""

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from pydantic import BaseModel, Field
from pypinyin import lazy_pinyin

from parsers.gazetteer import region_chain, short_name
from parsers.organs import ORGAN_SUFFIX

# Words after a region name that mean "its government" (洛龙区政府, 伊川县人民政府办公室).
GOV_BODY = re.compile(r"^(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府|管委会办公室|管委会|管理委员会)")
EN_GOV = re.compile(
    r"^\s*(?:(?:county|district|city|municipal|people'?s|zone|area|new area)\s+)*"
    r"(?:government|govt|administration|committee)\b"
)
EN_SUFFIX = {"county", "district", "city", "province", "zone", "area", "municipality", "prefecture"}
EN_BODY = {"government", "govt", "office", "people", "peoples", "s", "administrative", "committee", "municipal"}
EN_FILLER = {"administrative", "and", "the", "of", "comprehensive", "experimental", "pilot"}
GENERIC = {"政府", "人民政府", "办公室", "政府办公室", "人民政府办公室", "管委会", "管委会办公室", "办公厅"}
CJK = re.compile(r"[\u4e00-\u9fff]")
JOINERS = set("和与及或跟同比较对")  # 淮安市和洪泽区 is two names, not a misspelt 淮安市洪泽区
ADMIN_SUFFIX = set("省市县区")
# what may stand between a region and its organ: 平潭县的民政局, Pingtan's health bureau, 平潭2012年民政局
GAP = re.compile(r"[\s的'’s]*(?:(?:19|20)\d{2}\s*年度?\s*的?)?[\s的]*", re.IGNORECASE)
EN_ORGAN_AFTER = re.compile(
    r"(?:['’]s)?\s+((?:[a-z\-]+\s+){0,5}?(?:bureau|commission|office|department|agency|center|centre)s?)\b"
)
ORGAN_AFTER = re.compile(rf"的?([\u4e00-\u9fff]{{1,8}}?{ORGAN_SUFFIX})")
ORGAN_START = re.compile(rf"[\u4e00-\u9fff]{{0,8}}?{ORGAN_SUFFIX}")
AFTER_PLACE = re.compile(rf"(?:\d|年|的|政府|[\u4e00-\u9fff]{{0,8}}?{ORGAN_SUFFIX}|$)")


def another_place(window: str, name: str) -> bool:
    """The window names a real place other than the stored name's (西安市 near 淮安市)."""
    chain = region_chain(window[:3] if window[2:3] in ADMIN_SUFFIX else window[:2])
    return bool(chain) and short_name(chain[-1]) == window[:2] and short_name(chain[-1]) != name[:2]


class OfficeMention(BaseModel):
    """One name found in a question."""

    text: str
    start: int
    end: int
    kind: str = Field(
        description="'office' (names one office), 'region' (names a place), 'organ' (names an organ "
        "without its region: 民政局) or 'absent' (an office or place with no report)."
    )
    offices: list[str] = Field(
        description="Offices the name fits: the office itself, every office of the region, "
        "every stored office of the organ; for 'absent', the region's offices."
    )
    regions: list[str] = Field(
        default_factory=list, description="The places a region name stands for (平潭: 平潭县 and 平潭综合实验区)."
    )
    gov_only: bool = Field(False, description="The name says 'government' (洛龙区政府).")
    score: float = Field(1.0, description="1.0 official form; 0.97 short form; lower for pinyin/fuzzy matches.")
    corrected: bool = Field(
        False, description="Read as a misspelling of the name (伊穿县 → 伊川县): the answer says so."
    )


class RegionChoice(BaseModel):
    """The result of the region rule for the years asked about."""

    offices: list[str]
    others: list[str] = Field(default_factory=list, description="The region's other offices with reports.")
    ambiguous: bool = False
    unknown: bool = Field(False, description="The name asks for a government the store has no report of.")


@dataclass
class NameSurface:
    text: str
    kind: str
    target: str  # org for 'office' and 'organ', region element for 'region'
    score: float = 1.0  # official forms 1.0, short forms lower (OFFICIAL beats SHORT beats fuzzy)


OFFICIAL, SHORT, ORGAN_ALONE = 1.0, 0.97, 0.96


@dataclass
class NameTables:
    """Lookup tables over the names, so that finding them in a question costs the same for 30 offices or
    3,000: each question window is looked up, instead of every name being searched for in the question."""

    by_pinyin: dict[tuple[str, ...], list[NameSurface]] = field(default_factory=dict)
    latin: dict[str, list[NameSurface]] = field(default_factory=dict)
    chinese: dict[str, list[NameSurface]] = field(default_factory=dict)
    # one-edit neighbourhood: a name and each of its one-character deletions (after the first character)
    near: dict[str, list[NameSurface]] = field(default_factory=dict)
    # a name's text after its first two characters, for look-alike characters in the place part
    by_tail: dict[str, list[NameSurface]] = field(default_factory=dict)

    def add_chinese(self, surface: NameSurface, near_misses: bool = True, place_part: bool = True) -> None:
        """near_misses: also findable with one character wrong (official names and regions, not short forms);
        place_part: the name starts with a place, whose look-alike characters (and homophones) are still that
        place — an organ alone is matched exactly (信访举报 is no misspelt 信访局)."""
        text = surface.text
        self.chinese.setdefault(text, []).append(surface)
        if not place_part:
            return
        self.by_pinyin.setdefault(pinyin(text), []).append(surface)
        self.latin.setdefault("".join(pinyin(text)), []).append(surface)
        if len(text) >= 4 and near_misses:
            for key in dict.fromkeys([text] + [text[:i] + text[i + 1 :] for i in range(1, len(text))]):
                self.near.setdefault(key, []).append(surface)
        if place_part and (len(text) >= 4 or (len(text) == 3 and text[-1] in ADMIN_SUFFIX)):
            self.by_tail.setdefault(text[2:], []).append(surface)

    @cached_property
    def sizes(self) -> dict[str, set[int]]:
        """The question window sizes worth looking up in each table (one-edit windows: ±1 character)."""
        return {
            "chinese": {len(k) for k in self.chinese},
            "pinyin": {len(k) for k in self.by_pinyin},
            "near": {n + d for n in {len(k) for k in self.near} for d in (-1, 0, 1)},
            "tail": {len(k) for k in self.by_tail},
        }


@lru_cache(maxsize=4096)
def _char_pinyin(ch: str) -> str:
    return lazy_pinyin(ch)[0] if CJK.match(ch) else ch


def pinyin(text: str) -> tuple[str, ...]:
    return tuple(_char_pinyin(c) for c in text)


def windows(text: str, sizes: set[int]):
    """(start, substring) for every substring of the given sizes."""
    for size in sorted(s for s in sizes if s > 0):
        for i in range(len(text) - size + 1):
            yield i, text[i : i + size]


def merge_same_span(found: list[OfficeMention]) -> list[OfficeMention]:
    """One mention per (span, kind, score): 平潭 names two places, a shared alias two offices."""
    merged: dict[tuple, OfficeMention] = {}
    for m in found:
        ident = (m.start, m.end, m.kind, m.score)
        if ident not in merged:
            merged[ident] = m.model_copy(deep=True)
            continue
        into = merged[ident]
        into.offices += [o for o in m.offices if o not in into.offices]
        into.regions += [r for r in m.regions if r not in into.regions]
        into.gov_only = into.gov_only or m.gov_only
    return list(merged.values())


_LEVEL = {"county": "县", "district": "区", "city": "市", "province": "省"}


def level_fits(surface: NameSurface, word: str) -> bool:
    """'X County' names a 县: a stored region X of another level (X市) is another place."""
    return (
        surface.kind != "region"
        or word not in _LEVEL
        or surface.target.endswith(_LEVEL[word])
        or not surface.target.endswith(("省", "市", "县", "区"))
    )


def quoted(question: str, start: int) -> bool:
    """Inside “…” or 《…》: the name of a website or a document (“中国平潭”网站), not an office asked about."""
    before = question[:start]
    return before.count("“") > before.count("”") or before.count("《") > before.count("》")


def overlaps(m: OfficeMention, others: list[OfficeMention]) -> bool:
    return any(not (m.end <= k.start or k.end <= m.start) for k in others)


def longest_first(found: list[OfficeMention]) -> list[OfficeMention]:
    """Longest (then best-scored) mentions first, each kept unless it overlaps one already kept."""
    found = sorted(found, key=lambda m: (-(m.end - m.start), -m.score, m.start))
    kept: list[OfficeMention] = []
    for mention in found:
        if not overlaps(mention, kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def latin_runs(question: str, longest: int):
    """(start, end, joined lower-case letters) for every run of up to `longest` Latin words; a possessive 's
    is not part of the name (Shuyang's → shuyang, not shuyangs)."""
    lowered = re.sub(r"['’]s\b", "  ", question.lower())
    words = [
        (m.start(), m.end(), re.sub(r"[^a-z]", "", m.group(0)))
        for m in re.finditer(r"[a-z]+(?:['’\-][a-z]+)*", lowered)
    ]
    for i in range(len(words)):
        for n in range(min(longest, len(words) - i), 0, -1):
            run = words[i : i + n]
            yield run[0][0], run[-1][1], "".join(w[2] for w in run)
