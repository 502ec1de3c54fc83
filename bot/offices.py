"""Office names in a question → the offices of the fact store.

People name an office by its full name, a short form (伊川, 洛龙区), a region (平潭), pinyin or English
(Yichuan, Luolong district, Huai'an), or with a typo (洛隆区, 平谭 — usually a homophone picked by the input
method, so Chinese near misses are matched by pinyin; English ones by rapidfuzz).
A region named on its own means that region's own government report for the year asked about
(TEMPLATE.md, "Names"); `OfficeResolver.choose` applies that rule.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from pydantic import BaseModel, Field
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from index.models import OfficeRecord
from parsers.gazetteer import region_chain, short_name

# Words after a region name that mean "its government" (洛龙区政府, 伊川县人民政府办公室).
_GOV_BODY = re.compile(r"^(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|政府|管委会办公室|管委会|管理委员会)")
_EN_GOV = re.compile(r"^\s*(?:(?:county|district|city|municipal|people'?s|zone|area|new area)\s+)*"
                     r"(?:government|govt|administration|committee)\b")
_EN_SUFFIX = {"county", "district", "city", "province", "zone", "area", "municipality", "prefecture"}
_EN_BODY = {"government", "govt", "office", "people", "peoples", "s", "administrative", "committee", "municipal"}
_EN_FILLER = {"administrative", "and", "the", "of", "comprehensive", "experimental", "pilot"}
_GENERIC = {"政府", "人民政府", "办公室", "政府办公室", "人民政府办公室", "管委会", "管委会办公室", "办公厅"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_JOINERS = set("和与及或跟同比较对")  # 淮安市和洪泽区 is two names, not a misspelt 淮安市洪泽区
_ADMIN_SUFFIX = set("省市县区")


def _another_place(window: str, name: str) -> bool:
    """The window names a real place other than the stored name's (西安市 near 淮安市)."""
    chain = region_chain(window[:3] if window[2:3] in _ADMIN_SUFFIX else window[:2])
    return bool(chain) and short_name(chain[-1]) == window[:2] and short_name(chain[-1]) != name[:2]


class OfficeMention(BaseModel):
    """One name found in a question."""

    text: str
    start: int
    end: int
    kind: str = Field(description="'office' (names one office) or 'region' (names a place).")
    offices: list[str] = Field(description="Offices the name fits: the office itself, or every office of the region.")
    regions: list[str] = Field(default_factory=list, description="The places a region name stands for (平潭: 平潭县 and 平潭综合实验区).")
    gov_only: bool = Field(False, description="The name says 'government' (洛龙区政府).")
    score: float = Field(1.0, description="1.0 exact; lower for pinyin/fuzzy matches.")


class RegionChoice(BaseModel):
    """The result of the region rule for the years asked about."""

    offices: list[str]
    others: list[str] = Field(default_factory=list, description="The region's other offices with reports.")
    ambiguous: bool = False
    unknown: bool = Field(False, description="The name asks for a government the store has no report of.")


@dataclass
class _Surface:
    text: str
    kind: str
    target: str  # org for 'office', region element for 'region'


@dataclass
class _Tables:
    """Lookup tables over the names, so that finding them in a question costs the same for 30 offices or
    3,000: each question window is looked up, instead of every name being searched for in the question."""

    by_pinyin: dict[tuple[str, ...], list[_Surface]] = field(default_factory=dict)
    latin: dict[str, list[_Surface]] = field(default_factory=dict)
    chinese: dict[str, list[_Surface]] = field(default_factory=dict)
    # one-edit neighbourhood: a name and each of its one-character deletions (after the first character)
    near: dict[str, list[_Surface]] = field(default_factory=dict)
    # a name's text after its first two characters, for look-alike characters in the place part
    by_tail: dict[str, list[_Surface]] = field(default_factory=dict)

    def add_chinese(self, surface: _Surface) -> None:
        text = surface.text
        self.chinese.setdefault(text, []).append(surface)
        self.by_pinyin.setdefault(_pinyin(text), []).append(surface)
        self.latin.setdefault("".join(_pinyin(text)), []).append(surface)
        if len(text) >= 4:
            for key in dict.fromkeys([text] + [text[:i] + text[i + 1:] for i in range(1, len(text))]):
                self.near.setdefault(key, []).append(surface)
        if len(text) >= 4 or (len(text) == 3 and text[-1] in _ADMIN_SUFFIX):
            self.by_tail.setdefault(text[2:], []).append(surface)

    @cached_property
    def sizes(self) -> dict[str, set[int]]:
        """The question window sizes worth looking up in each table (one-edit windows: ±1 character)."""
        return {"chinese": {len(k) for k in self.chinese}, "pinyin": {len(k) for k in self.by_pinyin},
                "near": {n + d for n in {len(k) for k in self.near} for d in (-1, 0, 1)},
                "tail": {len(k) for k in self.by_tail}}


@lru_cache(maxsize=4096)
def _char_pinyin(ch: str) -> str:
    return lazy_pinyin(ch)[0] if _CJK.match(ch) else ch


def _pinyin(text: str) -> tuple[str, ...]:
    return tuple(_char_pinyin(c) for c in text)


def _windows(text: str, sizes: set[int]):
    """(start, substring) for every substring of the given sizes."""
    for size in sorted(s for s in sizes if s > 0):
        for i in range(len(text) - size + 1):
            yield i, text[i:i + size]


def _merge_same_span(found: list[OfficeMention]) -> list[OfficeMention]:
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


class OfficeResolver:
    """Finds office and region names in questions, over the offices the fact store holds."""

    def __init__(self, offices: list[OfficeRecord], table_years: dict[str, list[int]] | None = None):
        """table_years: per office, the years whose report has table facts (pre-2019 reports have none)."""
        self.records = {o.org: o for o in offices}
        self.table_years = table_years
        self.tables = self._build(offices)

    # ------------------------------------------------------------------ tables
    def _build(self, offices: list[OfficeRecord]) -> _Tables:
        tables = _Tables()
        regions: dict[str, set[str]] = {}
        for office in offices:
            for element in office.region:
                regions.setdefault(element, set()).add(office.org)
        region_words: dict[str, list[str]] = {}
        for el in regions:
            for w in dict.fromkeys((el, short_name(el))):
                if len(w) >= 2:
                    region_words.setdefault(w, []).append(el)
        seen: set[tuple[str, str, str]] = set()

        def add(text: str, kind: str, target: str) -> None:
            if (text, kind, target) in seen or len(text) < 2 or text in _GENERIC:
                return
            seen.add((text, kind, target))
            surface = _Surface(text, kind, target)
            if _CJK.search(text):
                tables.add_chinese(surface)
            else:
                tables.latin.setdefault(re.sub(r"[^a-z]", "", text.lower()), []).append(surface)

        for word, elements in region_words.items():
            for element in elements:
                add(word, "region", element)
        for office in offices:
            add(office.org, "office", office.org)
            for alias in office.aliases:
                if alias in region_words:
                    continue  # a bare place name is a region mention: the region rule decides
                add(alias, "office", office.org)
            for form in office.pinyin:
                words = [w for w in re.findall(r"[a-z]+", form.lower()) if w not in _EN_SUFFIX]
                core = "".join(w for w in words if w not in _EN_BODY)
                places = [el for el in office.region if core in ("".join(_pinyin(short_name(el))),
                                                                 "".join(_pinyin(el)))]
                # 'pingtan county government' is the region plus a government word: the region rule decides
                for place in places if len(core) >= 4 else []:
                    add(core, "region", place)
                if len(core) >= 4 and not places:
                    add("".join(words), "office", office.org)
                    # 'luolong approval bureau' for 'luolong administrative approval bureau'
                    add("".join(w for w in words if w not in _EN_FILLER), "office", office.org)
        self.region_members = {el: sorted(orgs) for el, orgs in regions.items()}
        return tables

    # ------------------------------------------------------------------ finding names
    def find(self, question: str) -> list[OfficeMention]:
        """Every office or region named in the question, longest first, not overlapping, in question order."""
        found = _merge_same_span(self._exact(question) + self._by_pinyin(question) + self._latin(question))
        found.sort(key=lambda m: (-(m.end - m.start), -m.score, m.start))
        kept: list[OfficeMention] = []
        for mention in found:
            if all(mention.end <= k.start or k.end <= mention.start for k in kept):
                kept.append(mention)
        kept.sort(key=lambda m: m.start)
        # 洛阳市洛龙区…: a region written just before a place inside it only qualifies that place
        return [m for i, m in enumerate(kept)
                if not (m.kind == "region" and i + 1 < len(kept) and kept[i + 1].start == m.end
                        and set(kept[i + 1].offices) <= set(m.offices) and kept[i + 1].offices)]

    def _mention(self, surface: _Surface, text: str, start: int, end: int, score: float,
                 question: str) -> OfficeMention:
        if surface.kind == "office":
            return OfficeMention(text=text, start=start, end=end, kind="office", offices=[surface.target],
                                 score=score)
        rest = question[end:]
        gov = _GOV_BODY.match(rest) or _EN_GOV.match(rest.lower())
        if gov:
            end += gov.end()
            text = question[start:end]
        return OfficeMention(text=text, start=start, end=end, kind="region", regions=[surface.target],
                             offices=self.region_members.get(surface.target, []), gov_only=bool(gov), score=score)

    def _exact(self, question: str) -> list[OfficeMention]:
        # exact matches of longer names outrank shorter ones through the sort on length
        return [self._mention(surface, window, i, i + len(window), 1.0, question)
                for i, window in _windows(question, self.tables.sizes["chinese"])
                for surface in self.tables.chinese.get(window, [])]

    def _by_pinyin(self, question: str) -> list[OfficeMention]:
        """Homophone typos (洛隆区 → 洛龙区, 平谭 → 平潭) and one-character edits of longer names."""
        out = []
        q_pinyin = _pinyin(question)
        for i, window in _windows(question, self.tables.sizes["pinyin"]):
            if not all(_CJK.match(c) for c in window):
                continue
            for surface in self.tables.by_pinyin.get(q_pinyin[i:i + len(window)], []):
                if surface.text != window:
                    out.append(self._mention(surface, window, i, i + len(window), 0.9, question))
        return out + self._one_edit(question) + self._place_substitution(question)

    def _one_edit(self, question: str) -> list[OfficeMention]:
        """Names of 4+ characters with one character wrong, extra or missing (平潭区公安局 → 平潭公安局),
        starting with the same character (a wrong first character is a homophone case, handled above).

        Candidates come from the deletion neighbourhood: a window and a name within one edit share a key
        (the name itself, the window itself, or both with one character deleted)."""
        out = []
        for i, window in _windows(question, self.tables.sizes["near"]):
            if not all(_CJK.match(c) for c in window):
                continue
            keys = dict.fromkeys([window] + [window[:j] + window[j + 1:] for j in range(1, len(window))])
            candidates = {id(s): s for key in keys for s in self.tables.near.get(key, [])}
            for surface in candidates.values():
                n, size = len(surface.text), len(window)
                if size in ((n, n + 1, n - 1) if n >= 5 else (n,)) and window != surface.text \
                        and window[0] == surface.text[0] and not (set(window) - set(surface.text)) & _JOINERS \
                        and Levenshtein.distance(window, surface.text, score_cutoff=1) <= 1:
                    out.append(self._mention(surface, window, i, i + size, 0.8, question))
        return out

    def _place_substitution(self, question: str) -> list[OfficeMention]:
        """A look-alike character in the place part of a name (沐阳 for 沭阳, 龙庭 for 龙亭): one substitution
        among the first two characters of a name of 3+ characters, unless the window is itself another
        real place (安阳市 is not a misspelt 洛阳市)."""
        out = []
        for start, tail in _windows(question, self.tables.sizes["tail"]):
            i = start - 2
            for surface in self.tables.by_tail.get(tail, []) if i >= 0 else []:
                n = len(surface.text)
                window = question[i:i + n]
                if len(window) != n or window == surface.text or not all(_CJK.match(c) for c in window[:2]) \
                        or set(window[:2]) & _JOINERS or Levenshtein.distance(window[:2], surface.text[:2]) != 1 \
                        or _another_place(window, surface.text):
                    continue
                out.append(self._mention(surface, window, i, i + n, 0.75, question))
        return out

    def _latin(self, question: str) -> list[OfficeMention]:
        """Pinyin and English names: runs of Latin words joined, place words (district, zone) left out as the
        stored forms are (Huai'an, Huai An, Luolong district, Pingtan public security bureau)."""
        lowered = question.lower().replace("’", "'")
        words = [(m.start(), m.end(), re.sub(r"[^a-z]", "", m.group(0)))
                 for m in re.finditer(r"[a-z]+(?:['\-][a-z]+)*", lowered)]
        out = []
        for i in range(len(words)):
            for n in range(min(8, len(words) - i), 0, -1):
                run = words[i:i + n]
                if run[0][2] in _EN_SUFFIX or run[-1][2] in _EN_SUFFIX:
                    continue
                joined = "".join(w[2] for w in run if w[2] not in _EN_SUFFIX)
                if len(joined) < 4:
                    continue
                start, end = run[0][0], run[-1][1]
                suffix = re.match(r"\s+(county|district|city|province|zone|area)\b", lowered[end:])
                if suffix:
                    end += suffix.end()
                for surface in self.tables.latin.get(joined, []):
                    out.append(self._mention(surface, question[start:end], start, end, 1.0, question))
                if n <= 3 and len(joined) >= 6 and joined not in self.tables.latin:
                    out.extend(self._latin_fuzzy(joined, start, end, question))
        return out

    def _latin_fuzzy(self, joined: str, start: int, end: int, question: str) -> list[OfficeMention]:
        best: list[OfficeMention] = []
        for key, surfaces in self.tables.latin.items():
            if len(key) >= 6 and abs(len(key) - len(joined)) <= 2 and fuzz.ratio(joined, key) >= 85:
                best.extend(self._mention(s, question[start:end], start, end, 0.8, question) for s in surfaces)
        return best

    # ------------------------------------------------------------------ the region rule
    def years_of(self, org: str) -> list[int]:
        record = self.records.get(org)
        return sorted(record.years) if record else []

    def choose(self, mention: OfficeMention, years: list[int], tables_only: bool = False) -> RegionChoice:
        """A region named alone → its own government report for each year asked about (TEMPLATE.md, Names).

        Offices of sub-regions (洪泽区 inside 淮安市) are only mentioned as also available. Ambiguous when,
        for a year, two government reports fit, or none does and several other offices of the region do.
        tables_only: only reports with table facts count (a question the tables answer).
        """
        if mention.kind == "office":
            return RegionChoice(offices=mention.offices, ambiguous=len(mention.offices) > 1)
        members = [self.records[o] for o in mention.offices if o in self.records]
        if tables_only and self.table_years is not None:
            with_tables = [r.model_copy(update={"years": self.table_years.get(r.org, [])}) for r in members]
            if any(set(r.years) & set(years) if years else r.years for r in with_tables):
                members = with_tables  # else the narrative of pre-2019 reports is all there is: keep every year
        level = [r for r in members if r.region and r.region[-1] in mention.regions] or members
        own = [r for r in level if r.is_government]
        scope = sorted(set(years) or {y for r in level for y in r.years})
        chosen: list[str] = []
        contested: list[str] = []
        others_only: list[str] = []
        for year in scope:
            gov = [r.org for r in own if year in r.years]
            if len(gov) == 1:
                chosen.append(gov[0])
            elif gov:
                contested += gov
            elif not mention.gov_only:
                others_only += [r.org for r in level if year in r.years]  # other offices' reports only
        chosen, contested, others_only = (list(dict.fromkeys(x)) for x in (chosen, contested, others_only))
        if contested or others_only:
            # TEMPLATE.md: ambiguous when two government reports fit, or none does (even with one other office)
            return RegionChoice(offices=list(dict.fromkeys(contested + chosen + others_only)), ambiguous=True)
        if not chosen:  # no report for those years: name the government anyway, so the answer can list years
            chosen = [r.org for r in own]
            if not chosen and mention.gov_only:
                return RegionChoice(offices=[], unknown=True, others=self._others(members, [], years))
            if not chosen:
                return RegionChoice(offices=[r.org for r in level], ambiguous=True)
        return RegionChoice(offices=chosen, others=self._others(members, chosen, years))

    @staticmethod
    def _others(members: list[OfficeRecord], chosen: list[str], years: list[int]) -> list[str]:
        return [r.org for r in members if r.org not in chosen and r.years and (not years or set(years) & set(r.years))]
