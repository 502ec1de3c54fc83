"""Office names in a question → the offices of the fact store.

People name an office by its full name, a short form (伊川, 洛龙区), a region (平潭), pinyin or English
(Yichuan, Luolong district, Huai'an), or with a typo (洛隆区, 平谭 — usually a homophone picked by the input
method, so Chinese near misses are matched by pinyin; English ones by rapidfuzz).
A region named on its own means that region's own government report for the year asked about
(docs/template.md, "Offices"); `OfficeResolver.choose` applies that rule.
"""

import re

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from bot.office_names import (
    ADMIN_SUFFIX,
    AFTER_PLACE,
    CJK,
    EN_BODY,
    EN_FILLER,
    EN_GOV,
    EN_ORGAN_AFTER,
    EN_SUFFIX,
    GAP,
    GENERIC,
    GOV_BODY,
    JOINERS,
    OFFICIAL,
    ORGAN_AFTER,
    ORGAN_ALONE,
    ORGAN_START,
    SHORT,
    NameSurface,
    NameTables,
    OfficeMention,
    RegionChoice,
    another_place,
    latin_runs,
    level_fits,
    longest_first,
    merge_same_span,
    overlaps,
    pinyin,
    quoted,
    windows,
)
from index.models import OfficeRecord
from parsers.gazetteer import place_pinyin, place_words, short_name
from parsers.organs import OfficeName, english_organ_vocabulary, organ_vocabulary


class OfficeResolver:
    """Finds office and region names in questions, over the offices the fact store holds."""

    def __init__(self, offices: list[OfficeRecord], table_years: dict[str, list[int]] | None = None):
        """table_years: per office, the years whose report has table facts (pre-2019 reports have none)."""
        self.records = {o.org: o for o in offices}
        self.names = {o.org: OfficeName.parse(o.org) for o in offices}
        self.table_years = table_years
        self.tables = self._build(offices)

    # ------------------------------------------------------------------ tables
    def _build(self, offices: list[OfficeRecord]) -> NameTables:
        tables = NameTables()
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
        organs: dict[tuple[str, float], list[str]] = {}

        def add(text: str, kind: str, target: str, score: float = OFFICIAL) -> None:
            if (text, kind, target) in seen or len(text) < 2 or text in GENERIC:
                return
            seen.add((text, kind, target))
            surface = NameSurface(text, kind, target, score)
            if CJK.search(text):
                tables.add_chinese(surface, near_misses=score == OFFICIAL)
            else:
                tables.latin.setdefault(re.sub(r"[^a-z]", "", text.lower()), []).append(surface)

        for word, elements in region_words.items():
            for element in elements:
                add(word, "region", element)
        for office in offices:
            self._office_surfaces(office, add, organs, region_words)
        # one surface per organ form and grade, its offices kept aside: 民政局 in 5,000 offices is one entry
        self.organ_offices = {f"{form}|{grade}": orgs for (form, grade), orgs in organs.items()}
        for form, grade in organs:
            if (form, "organ", f"{form}|{grade}") not in seen:
                seen.add((form, "organ", f"{form}|{grade}"))
                surface = NameSurface(form, "organ", f"{form}|{grade}", grade)
                if CJK.search(form):
                    tables.add_chinese(surface, near_misses=False, place_part=False)
                else:
                    tables.latin.setdefault(re.sub(r"[^a-z]", "", form.lower()), []).append(surface)
        self.region_members = {el: sorted(orgs) for el, orgs in regions.items()}
        return tables

    def _office_surfaces(self, office: OfficeRecord, add, organs: dict, region_words: dict) -> None:
        """An office's names: its full name, stored aliases (official or short forms), its organ alone, pinyin."""
        name = self.names[office.org]
        official = [f for f, is_official in name.organ_forms() if is_official]
        add(office.org, "office", office.org)
        for alias in office.aliases:
            if alias in region_words:
                continue  # a bare place name is a region mention: the region rule decides
            grade = OFFICIAL if office.is_government or any(alias.endswith(f) for f in official) else SHORT
            add(alias, "office", office.org, grade)
        if name.is_department:  # the organ alone (民政局, civil affairs bureau): resolved when unique
            for form, is_official in name.organ_forms():
                grade = ORGAN_ALONE if is_official else ORGAN_ALONE - 0.01
                organs.setdefault((form, grade), []).append(office.org)
            for english in name.english_organs():
                organs.setdefault((english, ORGAN_ALONE), []).append(office.org)
        for form in office.pinyin:
            words = [w for w in re.findall(r"[a-z]+", form.lower()) if w not in EN_SUFFIX]
            core = "".join(w for w in words if w not in EN_BODY)
            places = [el for el in office.region if core in ("".join(pinyin(short_name(el))), "".join(pinyin(el)))]
            # 'pingtan county government' is the region plus a government word: the region rule decides
            for place in places if len(core) >= 4 else []:
                add(core, "region", place)
            if len(core) >= 4 and not places:
                add("".join(words), "office", office.org)
                # 'luolong approval bureau' for 'luolong administrative approval bureau'
                add("".join(w for w in words if w not in EN_FILLER), "office", office.org, SHORT)

    # ------------------------------------------------------------------ finding names
    def find(self, question: str) -> list[OfficeMention]:
        """Every office, region or organ named in the question, longest first, not overlapping, in question order;
        an organ right after a region is that region's organ, or an office with no report ('absent')."""
        found = merge_same_span(self._exact(question) + self._by_pinyin(question) + self._latin(question))
        exact = [m for m in found if not m.corrected and m.kind == "office"]
        # a near miss that only adds a character to an exact name (平潭公安局各) is that exact name
        found = [
            m
            for m in found
            if not m.corrected
            or self._plausible_typo(m)
            and not any(e.start >= m.start and e.end <= m.end and set(e.offices) == set(m.offices) for e in exact)
        ]
        kept = longest_first(found)
        # 洛阳市洛龙区…: a region written just before a place inside it only qualifies that place
        kept = [
            m
            for i, m in enumerate(kept)
            if not (
                m.kind == "region"
                and i + 1 < len(kept)
                and kept[i + 1].start == m.end
                and kept[i + 1].kind != "organ"  # 福州市 + 民政局: the city's own bureau, see below
                and set(kept[i + 1].offices) <= set(m.offices)
                and kept[i + 1].offices
            )
        ]
        kept = [m for m in kept if not (m.kind == "region" and quoted(question, m.start))]
        kept = sorted(kept + self._absent_organs(question, kept), key=lambda m: m.start)
        kept = sorted(kept + self._absent_places(question, kept), key=lambda m: m.start)
        return self._regions_with_organs(question, kept)

    def _plausible_typo(self, m: OfficeMention) -> bool:
        """A near miss is read as a typo only when it is spelled like no real place (宜川县 is a county, not a
        misspelt 伊川县) and names no other organ (平潭县卫计局 is not 平潭县卫生局)."""
        if m.text in place_words() or re.sub(r"[^a-z]", "", m.text.lower()) in place_pinyin():
            return False
        if m.kind not in ("office", "organ"):
            return True
        if self._names_another_stored_region(m):
            return False
        vocab = organ_vocabulary()
        written = next((m.text[i:] for i in range(len(m.text) - 1) if m.text[i:] in vocab), None)
        return written is None or all(self.names[o].same_organ(written) for o in m.offices if o in self.names)

    def _names_another_stored_region(self, m: OfficeMention) -> bool:
        """澄枫县教育局 is not a misspelt 澄澄县教育局: its place part is a stored region of its own."""
        for size in range(min(len(m.text) - 1, 8), 1, -1):
            head = m.text[:size]
            regions = {s.target for s in self.tables.chinese.get(head, []) if s.kind == "region"}
            if regions and not any(regions & set(self.records[o].region) for o in m.offices if o in self.records):
                return True
        return False

    def _regions_with_organs(self, question: str, kept: list[OfficeMention]) -> list[OfficeMention]:
        """平潭 + 计生局 → 平潭县人口和计划生育局; 平潭县 + 教育局 (no report) → absent, never the government."""
        out: list[OfficeMention] = []
        for m in kept:
            prev = out[-1] if out else None
            if (
                m.kind != "organ"
                or prev is None
                or prev.kind not in ("region", "absent")
                or not GAP.fullmatch(question[prev.end : m.start])
            ):
                out.append(m)
                continue
            # the organ of that region itself: 福州市民政局 is not 平潭县民政局, though 平潭县 lies in 福州市
            fits = (
                [
                    o
                    for o in m.offices
                    if o in prev.offices
                    and o in self.records
                    and self.records[o].region[-1:]
                    and self.records[o].region[-1] in prev.regions
                ]
                if prev.kind == "region"
                else []
            )
            text = question[prev.start : m.end]
            if fits:
                out[-1] = OfficeMention(
                    text=text,
                    start=prev.start,
                    end=m.end,
                    kind="office" if len(fits) == 1 else "organ",
                    offices=fits,
                    score=min(prev.score, m.score),
                    corrected=prev.corrected or m.corrected,
                )
            else:
                related = prev.offices if prev.kind == "region" else []
                out[-1] = OfficeMention(
                    text=text,
                    start=prev.start,
                    end=m.end,
                    kind="absent",
                    offices=related,
                    regions=prev.regions,
                    score=min(prev.score, m.score),
                )
        return out

    def _absent_organs(self, question: str, kept: list[OfficeMention]) -> list[OfficeMention]:
        """Organ names no stored office has (教育局, Education Bureau), and any X局/X委 written right after a
        region: they name an office, so the region's government must not answer for them."""
        found: list[OfficeMention] = []
        vocab = organ_vocabulary()
        for i, window in windows(question, {len(k) for k in vocab}):
            if window in vocab:
                found.append(OfficeMention(text=window, start=i, end=i + len(window), kind="organ", offices=[]))
        found += self._latin_organs(question)
        for m in kept:
            english = EN_ORGAN_AFTER.match(question[m.end :].lower()) if m.kind == "region" and not m.gov_only else None
            if english and [w for w in english.group(1).split() if w not in EN_SUFFIX] == ["office"]:
                english = None  # Hongze district office: the government's own office, not a department
            if english:  # Pingtan tourism bureau: an organ the table does not know is still an organ
                s = m.end + english.start(1)
                found.append(
                    OfficeMention(
                        text=question[s : m.end + english.end(1)],
                        start=s,
                        end=m.end + english.end(1),
                        kind="organ",
                        offices=[],
                        score=0.5,
                    )
                )
            if m.kind == "region" and not m.gov_only:
                after = ORGAN_AFTER.match(question[m.end :])
                if after and not GOV_BODY.match(after.group(1)):
                    s = m.end + after.start(1)
                    found.append(
                        OfficeMention(
                            text=after.group(1),
                            start=s,
                            end=s + len(after.group(1)),
                            kind="organ",
                            offices=[],
                            score=0.5,
                        )
                    )
        return longest_first([f for f in found if not overlaps(f, kept)])

    def _latin_organs(self, question: str) -> list[OfficeMention]:
        vocab = english_organ_vocabulary()
        out = []
        for start, end, joined in latin_runs(question, 7):
            if joined in vocab:
                out.append(OfficeMention(text=question[start:end], start=start, end=end, kind="organ", offices=[]))
        return out

    def _absent_places(self, question: str, kept: list[OfficeMention]) -> list[OfficeMention]:
        """Real places with no stored office: Yichang, Xinxiang (pinyin), 宜昌/新乡 before a year or an organ.
        Places written after a stored region (开封市鼓楼区) are left to the planner's sub-place rule."""
        found: list[OfficeMention] = []
        names = place_words()
        for i, window in windows(question, {2, 3}):
            nxt = question[i + len(window) :]
            if (
                window in names
                and window not in self.tables.chinese
                and AFTER_PLACE.match(nxt)
                and (len(window) == 2 or window[-1] in ADMIN_SUFFIX or ORGAN_START.match(nxt))
            ):
                found.append(OfficeMention(text=window, start=i, end=i + len(window), kind="absent", offices=[]))
        pinyin = place_pinyin()
        for start, end, joined in latin_runs(question, 2):
            if len(joined) >= 5 and joined in pinyin and joined not in self.tables.latin:
                suffix = re.match(r"\s+(county|district|city|province)\b", question[end:].lower())
                end += suffix.end() if suffix else 0
                found.append(OfficeMention(text=question[start:end], start=start, end=end, kind="absent", offices=[]))
        found = [f for f in found if not overlaps(f, kept) and not any(k.end == f.start for k in kept)]
        return longest_first(found)

    def _mention(
        self, surface: NameSurface, text: str, start: int, end: int, score: float, question: str
    ) -> OfficeMention:
        score = min(score, surface.score)
        if surface.kind in ("office", "organ"):
            offices = self.organ_offices[surface.target] if surface.kind == "organ" else [surface.target]
            return OfficeMention(
                text=text,
                start=start,
                end=end,
                kind=surface.kind,
                offices=list(offices),
                score=score,
                corrected=text != surface.text and score < SHORT,
            )
        rest = question[end:]
        gov = GOV_BODY.match(rest) or EN_GOV.match(rest.lower())
        if gov:
            end += gov.end()
            text = question[start:end]
        return OfficeMention(
            text=text,
            start=start,
            end=end,
            kind="region",
            regions=[surface.target],
            offices=self.region_members.get(surface.target, []),
            gov_only=bool(gov),
            score=score,
            corrected=score < SHORT,
        )

    def _exact(self, question: str) -> list[OfficeMention]:
        # exact matches of longer names outrank shorter ones through the sort on length
        return [
            self._mention(surface, window, i, i + len(window), 1.0, question)
            for i, window in windows(question, self.tables.sizes["chinese"])
            for surface in self.tables.chinese.get(window, [])
        ]

    def _by_pinyin(self, question: str) -> list[OfficeMention]:
        """Homophone typos (洛隆区 → 洛龙区, 平谭 → 平潭) and one-character edits of longer names."""
        out = []
        q_pinyin = pinyin(question)
        for i, window in windows(question, self.tables.sizes["pinyin"]):
            if not all(CJK.match(c) for c in window):
                continue
            for surface in self.tables.by_pinyin.get(q_pinyin[i : i + len(window)], []):
                if surface.text != window:
                    out.append(self._mention(surface, window, i, i + len(window), 0.9, question))
        return out + self._one_edit(question) + self._place_substitution(question)

    def _one_edit(self, question: str) -> list[OfficeMention]:
        """Names of 4+ characters with one character wrong, extra or missing (平潭区公安局 → 平潭公安局),
        starting with the same character (a wrong first character is a homophone case, handled above).

        Candidates come from the deletion neighbourhood: a window and a name within one edit share a key
        (the name itself, the window itself, or both with one character deleted)."""
        out = []
        for i, window in windows(question, self.tables.sizes["near"]):
            if not all(CJK.match(c) for c in window):
                continue
            keys = dict.fromkeys([window] + [window[:j] + window[j + 1 :] for j in range(1, len(window))])
            candidates = {id(s): s for key in keys for s in self.tables.near.get(key, [])}
            for surface in candidates.values():
                n, size = len(surface.text), len(window)
                if (
                    size in ((n, n + 1, n - 1) if n >= 5 else (n,))
                    and window != surface.text
                    and window[0] == surface.text[0]
                    and not (set(window) - set(surface.text)) & JOINERS
                    and Levenshtein.distance(window, surface.text, score_cutoff=1) <= 1
                ):
                    out.append(self._mention(surface, window, i, i + size, 0.8, question))
        return out

    def _place_substitution(self, question: str) -> list[OfficeMention]:
        """A look-alike character in the place part of a name (沐阳 for 沭阳, 龙庭 for 龙亭): one substitution
        among the first two characters of a name of 3+ characters, unless the window is itself another
        real place (安阳市 is not a misspelt 洛阳市)."""
        out = []
        for start, tail in windows(question, self.tables.sizes["tail"]):
            i = start - 2
            for surface in self.tables.by_tail.get(tail, []) if i >= 0 else []:
                n = len(surface.text)
                window = question[i : i + n]
                if (
                    len(window) != n
                    or window == surface.text
                    or not all(CJK.match(c) for c in window[:2])
                    or set(window[:2]) & JOINERS
                    or Levenshtein.distance(window[:2], surface.text[:2]) != 1
                    or another_place(window, surface.text)
                ):
                    continue
                out.append(self._mention(surface, window, i, i + n, 0.75, question))
        return out

    def _latin(self, question: str) -> list[OfficeMention]:
        """Pinyin and English names: runs of Latin words joined, place words (district, zone) left out as the
        stored forms are (Huai'an, Huai An, Luolong district, Pingtan public security bureau)."""
        lowered = re.sub(r"['’]s\b", "  ", question.lower()).replace("’", "'")  # Shuyang's: not 'shuyangs'
        words = [
            (m.start(), m.end(), re.sub(r"[^a-z]", "", m.group(0)))
            for m in re.finditer(r"[a-z]+(?:['\-][a-z]+)*", lowered)
        ]
        real_places = place_pinyin()
        out = []
        for i in range(len(words)):
            for n in range(min(8, len(words) - i), 0, -1):
                run = words[i : i + n]
                if run[0][2] in EN_SUFFIX or run[-1][2] in EN_SUFFIX:
                    continue
                joined = "".join(w[2] for w in run if w[2] not in EN_SUFFIX)
                if len(joined) < 4:
                    continue
                start, end = run[0][0], run[-1][1]
                suffix = re.match(r"\s+(county|district|city|province|zone|area)\b", lowered[end:])
                if suffix:
                    end += suffix.end()
                for surface in self.tables.latin.get(joined, []):
                    if suffix and not level_fits(surface, suffix.group(1)):
                        # Puyang County is 濮阳县, not the stored 濮阳市's zone: a place of that name and level
                        out.append(
                            OfficeMention(
                                text=question[start:end], start=start, end=end, kind="absent", offices=[], score=0.99
                            )
                        )
                        continue
                    out.append(self._mention(surface, question[start:end], start, end, 1.0, question))
                # a real place's name (Yichang, Xinxiang) is that place, never a near miss of a stored one
                if n <= 3 and len(joined) >= 6 and joined not in self.tables.latin and joined not in real_places:
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
        """A region named alone → its own government report for each year asked about (docs/template.md, "Offices").

        Offices of sub-regions (洪泽区 inside 淮安市) are only mentioned as also available. Ambiguous when,
        for a year, two government reports fit, or none does and several other offices of the region do.
        tables_only: only reports with table facts count (a question the tables answer).
        """
        if mention.kind == "office":
            return RegionChoice(offices=mention.offices, ambiguous=len(mention.offices) > 1)
        members = [self.records[o] for o in mention.offices if o in self.records]
        if mention.kind == "absent":  # named an office or place with no report: never another office's figure
            return RegionChoice(offices=[], unknown=True, others=self._others(members, [], years))
        if mention.kind == "organ":
            return self._organ_choice(mention, years)
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
            # docs/template.md ("Offices"): ambiguous when two government reports fit, or none does (even with one other office)
            return RegionChoice(offices=list(dict.fromkeys(contested + chosen + others_only)), ambiguous=True)
        if not chosen:  # no report for those years: name the government anyway, so the answer can list years
            chosen = [r.org for r in own]
            if not chosen and mention.gov_only:
                return RegionChoice(offices=[], unknown=True, others=self._others(members, [], years))
            if not chosen:
                return RegionChoice(offices=[r.org for r in level], ambiguous=True)
        return RegionChoice(offices=chosen, others=self._others(members, chosen, years))

    def _organ_choice(self, mention: OfficeMention, years: list[int]) -> RegionChoice:
        """An organ named alone (民政局2012年…) is the stored office of that organ with a report for the years
        asked when only one has one; with no year (or none for it), the only stored office of that organ.
        Several → ambiguous among them; none → not found."""
        if not mention.offices:
            return RegionChoice(offices=[], unknown=True)
        dated = [o for o in mention.offices if set(years) & set(self.years_of(o))] if years else []
        if len(dated) == 1 or len(mention.offices) == 1:
            return RegionChoice(offices=dated if len(dated) == 1 else mention.offices)
        return RegionChoice(offices=dated or mention.offices, ambiguous=True)

    @staticmethod
    def _others(members: list[OfficeRecord], chosen: list[str], years: list[int]) -> list[str]:
        return [r.org for r in members if r.org not in chosen and r.years and (not years or set(years) & set(r.years))]
