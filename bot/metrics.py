"""Question words → canonical fact keys: a bilingual synonym dictionary composed as row words × column words.

A *measure* is what one number in an answer stands for: a sum of parts, each part a list of alternative
keys of which a report holds at most one (the v2019 and v2021 templates name some cells differently).
`T3/new_requests/total` is one part with one key; 不予公开 (denied) is eight parts, one per sub-reason,
because the template prints no total row for it.

Default column when only a row is named (documented choice):
- T3 rows: 总计 (total);  T4 groups: 总计 (total);
- T2 规章/规范性文件: 现行有效件数 (v2021) or 对外公开总数量 (v2019) — how many are in force / public;
- T2 行政许可/其他对外管理服务事项/行政处罚/行政强制: 处理决定数量 (decisions);
- T2 行政事业性收费: 本年收费金额 (v2021) or 上一年项目数量 (v2019, the template has no amount);
- T2 政府集中采购: 采购项目数量 (procurement items).
A column named without any row: T3 columns imply 本年新收 (new requests); T2/T4 columns alone give nothing.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field

from bot.metric_terms import COLUMN_TERMS, ROW_TERMS, Term
from bot.models import Measure
from parsers.template import (
    AMOUNT_COLUMNS,
    T2_COLUMNS,
    T3_APPLICANT_COLUMNS,
    T3_COLUMNS,
    T4_GROUPS,
    T4_OUTCOMES,
    all_keys,
)

# Default column alternatives when only a row is named (see the module docstring).
T2_DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "regulations": ("in_force", "total_published"),
    "normative_documents": ("in_force", "total_published"),
    "admin_licensing": ("decisions",),
    "other_admin_services": ("decisions",),
    "admin_penalty": ("decisions",),
    "admin_coercion": ("decisions",),
    "admin_fees": ("fee_amount", "prior_count"),
    "centralized_procurement": ("procurement_items",),
}
# Phrases that contain table words but name no table cell: masked before matching. Book titles 《…》
# (《政府信息公开申请收费通知》) name documents; quotes are dropped so “其他”组织 reads 其他组织.
# Proactive disclosure (主动公开: information items an office publishes unasked) is a figure of the text, not
# the T3 row 予以公开 (requests granted): "proactively disclosed", "items … disclosed" name no table cell.
# One home for these English words: the planner and the narrative answerer read them from here.
PROACTIVE_DISCLOSURE = re.compile(
    r"\bproactive(?:ly)?\b(?:\s+\w+){0,2}?\s+(?:disclos|publish|releas)\w*|\bproactive\s+disclosures?\b"
    r"|\b(?:disclos|publish|releas)\w*\s+proactively\b"
    r"|\b(?:items?|pieces?)\b(?:\s+of(?:\s+government)?\s+information)?(?:\s+\w+){0,4}?\s+disclos\w*",
    re.I,
)
_NOT_METRICS = re.compile(
    r"《[^》]{0,40}》|信息处理费|(?:information )?processing fees?|(?<!未按)收费通知|网络问政|群众诉求|"
    + PROACTIVE_DISCLOSURE.pattern
)
_QUOTES = re.compile(r"[“”\"‘’「」]")
# 复议 negated or as a step before suing qualifies the lawsuit (没经过复议直接起诉 is one T4 group, not
# reconsideration plus lawsuits): such phrases are rewritten to the group's own word before matching.
_T4_QUALIFIERS = [
    # 有没有复议 / 有无复议 ask whether there was one: that 没有 negates nothing
    (
        re.compile(
            r"(?:(?<!有)没有?|未|不|(?<!有)无)(?:经过?|通过|走|进行)?(?:行政)?复议(?:程序)?(?:就|而|便)?(?:直接)?"
            r"|直接(?:向法院|到法院|去法院)?(?:提起)?(?:行政)?(?=起诉|诉讼)"
        ),
        "未经复议直接",
    ),
    (re.compile(r"(?:经过?)?(?:行政)?复议(?:之)?后(?:再|又)?(?:向法院)?(?:提起)?(?:行政)?(?=起诉|诉讼)"), "复议后"),
    (
        re.compile(
            r"\bwithout\s+(?:any\s+|prior\s+|first\s+|an?\s+|previous\s+|going\s+through\s+|prior\s+)*"
            r"(?:administrative\s+)?(?:reconsiderations?|reviews?)\b|\bdirectly\s+(?:to|in|at|before)\s+(?:the\s+)?courts?\b"
            r"|\b(?:straight|directly)\s+to\s+(?:the\s+)?courts?\b|\b(?:filed|sued|brought|went)\s+directly\b"
        ),
        " without reconsideration ",
    ),
    (
        re.compile(
            r"\b(?:after|following)\s+(?:an?\s+|the\s+|prior\s+)*(?:administrative\s+)?(?:reconsiderations?|reviews?)\b"
        ),
        " after reconsideration ",
    ),
]


def _qualify_t4(text: str) -> str:
    for pattern, word in _T4_QUALIFIERS:
        text = pattern.sub(word, text)
    return text


_ASKED = re.compile(r"多少|几[件个项起次]|\bhow (?:many|much)\b", re.I)
_CLAUSE_BREAK = re.compile(r"[、，,；;]|\band\b|\b以及\b|和|及")


def _asked_clauses(text: str) -> list[tuple[int, str]]:
    """(start, clause) per question word when a question asks two figures in a row (X多少、Y多少); else one."""
    asks = list(_ASKED.finditer(text))
    if len(asks) < 2:
        return [(0, text)]
    out, start = [], 0
    for ask in asks[:-1]:
        brk = _CLAUSE_BREAK.search(text, ask.end())
        if brk is None or brk.start() > asks[asks.index(ask) + 1].start():
            return [(0, text)]
        out.append((start, text[start : brk.start()]))
        start = brk.end()
    out.append((start, text[start:]))
    return out


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int
    word: str


def _word_pattern(word: str) -> re.Pattern:
    if re.search(r"[a-z]", word):
        body = r"[\s\-]+".join(re.escape(p) for p in word.split())
        return re.compile(r"(?<![a-z])" + body + r"(?:s|es)?(?![a-z])")
    return re.compile(re.escape(word))


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, Term, str, re.Pattern]]:
    out = []
    for kind, terms in (("row", ROW_TERMS), ("col", COLUMN_TERMS)):
        for term in terms:
            for word in term.words:
                out.append((kind, term, word, _word_pattern(word.lower())))
    return out


def find_terms(text: str) -> tuple[list[Hit], list[Hit]]:
    """Row and column words in the text: longest match first, no two hits overlapping.

    One exception: the very same span may stand for several tables at once (总计 is a T3 and a T4 column).
    """
    lowered = text.lower()
    found: list[tuple[str, Hit]] = []
    for kind, term, word, pattern in _patterns():
        for m in pattern.finditer(lowered):
            found.append((kind, Hit(term, m.start(), m.end(), word)))
    found.sort(key=lambda kh: (-(kh[1].end - kh[1].start), kh[1].start, kh[0]))
    kept: list[tuple[str, Hit]] = []
    for kind, hit in found:
        clash = [(k, h) for k, h in kept if hit.start < h.end and h.start < hit.end]
        if clash and not all(
            (h.start, h.end) == (hit.start, hit.end) and k == kind and h.term.table != hit.term.table for k, h in clash
        ):
            continue
        kept.append((kind, hit))
    rows = sorted((h for k, h in kept if k == "row"), key=lambda h: h.start)
    cols = sorted((h for k, h in kept if k == "col"), key=lambda h: h.start)
    return rows, cols


class MetricMatch(BaseModel):
    measures: list[Measure] = Field(default_factory=list)
    positions: list[int] = Field(default_factory=list, description="Where each measure's row word starts.")
    spans: list[tuple[int, int]] = Field(default_factory=list, description="Every matched word's span.")
    confidence: float = 0.0
    words: list[str] = Field(default_factory=list, description="The question words that named them.")


class MetricMatcher:
    """Composes row words × column words into measures over the canonical keys (see module docstring)."""

    def __init__(self) -> None:
        self.keys = all_keys()

    def match(self, text: str) -> MetricMatch:
        """One question may ask several figures (收到多少申请、部分公开多少): each clause is matched alone,
        so a generic word (申请) keeps its meaning in its own clause."""
        clauses = _asked_clauses(text)
        if len(clauses) < 2:
            return self._match(text)
        out = MetricMatch()
        for start, clause in clauses:
            part = self._match(clause)
            for measure, pos in zip(part.measures, part.positions, strict=False):
                if measure.name not in {m.name for m in out.measures}:
                    out.measures.append(measure)
                    out.positions.append(start + pos)
            out.spans += [(start + a, start + b) for a, b in part.spans]
            out.words += part.words
            out.confidence = max(out.confidence, part.confidence) if out.confidence else part.confidence
        return out if out.measures else MetricMatch()

    def _match(self, text: str) -> MetricMatch:
        rows, cols = find_terms(_qualify_t4(_QUOTES.sub("", _NOT_METRICS.sub(" ", text.lower()))))
        all_rows, all_cols = list(rows), list(cols)
        if all(h.term.hint for h in rows):
            rows = []
        strong = [h for h in rows if not h.term.weak]
        rows = strong or rows
        rows = _drop_groups_for_reasons(_drop_covered(rows))
        if not rows:
            rows = self._implied_rows(cols)
        cols = _drop_covered(cols)
        measures: list[Measure] = []
        positions: list[int] = []
        for row in rows:
            row_cols = [c for c in cols if c.term.table == row.term.table]
            for measure in self._compose(row.term, [c.term for c in row_cols]):
                if measure.name not in {m.name for m in measures}:
                    measures.append(measure)
                    positions.append(_position(measure, row, row_cols))
        if not measures:
            return MetricMatch()
        confidence = 1.0 if strong else 0.9
        row_tables = {r.term.table for r in rows}
        kept = sorted(rows + [c for c in cols if c.term.table in row_tables], key=lambda h: h.start)
        return MetricMatch(
            measures=measures,
            positions=positions,
            confidence=confidence,
            spans=[(h.start, h.end) for h in all_rows + all_cols if h.end > h.start],
            words=[h.word for h in kept if h.end > h.start],
        )

    def _implied_rows(self, cols: list[Hit]) -> list[Hit]:
        """A T3 applicant column without a row means new requests (自然人申请 / requests from companies)."""
        if any(c.term.table == "T3" and not c.term.weak for c in cols):
            new_requests = next(t for t in ROW_TERMS if t.keys == (("new_requests",),) and not t.weak)
            return [Hit(new_requests, 0, 0, "")]
        return []

    def _compose(self, row: Term, cols: list[Term]) -> list[Measure]:
        specific = [c for c in cols if not c.weak] or cols
        if not specific:
            specific = [self.default_column(row)]
        out = []
        for col in specific:
            measure = self.measure(row, col)
            if measure is not None:
                out.append(measure)
        if not out and cols:  # the column words don't fit this row (收费 × 采购项目): use the row's default
            measure = self.measure(row, self.default_column(row))
            out = [measure] if measure is not None else []
        return out

    def default_column(self, row: Term) -> Term:
        if row.table == "T2":
            alts = T2_DEFAULT_COLUMNS[row.keys[0][0]]
            col = T2_COLUMNS[alts[0]]
            return Term("T2", (alts,), col.label, col.en, ())
        return Term(row.table, (("total",),), "总计", "total", ())

    def measure(self, row: Term, col: Term) -> Measure | None:
        """row × column as a measure; None when no such cell exists in either template."""
        parts: list[list[str]] = []
        for row_part in row.keys:
            for col_part in col.keys:
                alts = [f"{row.table}/{r}/{c}" for r in row_part for c in col_part]
                alts = [k for k in alts if k in self.keys]
                if alts:
                    parts.append(alts)
        if not parts:
            return None
        firsts = [p[0].split("/") for p in parts]
        row_ids = list(dict.fromkeys(f[1] for f in firsts))
        col_ids = list(dict.fromkeys(f[2] for f in firsts))
        name = f"{row.table}/{'+'.join(row_ids)}/{'+'.join(col_ids)}"
        cols_used = set(col_ids)
        unit = "万元" if cols_used & AMOUNT_COLUMNS else "件"
        return Measure(
            name=name, label=f"{row.label}（{col.label}）", label_en=f"{row.en} ({col.en})", parts=parts, unit=unit
        )

    def measure_for_key(self, key: str) -> Measure:
        """A single canonical key as a measure (used by the embedding fallback and the LLM planner)."""
        info = self.keys[key]
        unit = "万元" if info.col in AMOUNT_COLUMNS else "件"
        return Measure(
            name=key,
            label=f"{_short(info.row_label)}（{info.col_label}）",
            label_en=f"{info.row_en} ({info.col_en})",
            parts=[[key]],
            unit=unit,
        )


def _position(measure: Measure, row: Hit, cols: list[Hit]) -> int:
    """Where the question names this measure: its column word when several measures share one row word
    (复议 × 维持 / 纠正), else its row word."""
    col_ids = {p[0].split("/")[2] for p in measure.parts}
    own = [c.start for c in cols if not c.term.weak and {k for part in c.term.keys for k in part} & col_ids]
    if own:
        return own[0]
    return row.start if row.end > row.start else min((c.start for c in cols), default=0)


def _term_for(terms: list[Term], table: str, keys: tuple[str, ...]) -> Term:
    """The (non-weak) dictionary term of exactly these key alternatives."""
    return next(t for t in terms if t.table == table and not t.hint and t.keys == (keys,))


def measure_of_keys(matcher: MetricMatcher, keys: list[str]) -> Measure:
    """The measure summing these canonical keys (a convention's denominator), labelled from the dictionary."""
    if len(keys) == 1:
        table, row, col = keys[0].split("/")
        try:
            return matcher.measure(
                _term_for(ROW_TERMS, table, (row,)), _column_term(table, col)
            ) or matcher.measure_for_key(keys[0])
        except StopIteration:
            return matcher.measure_for_key(keys[0])
    parts = [matcher.measure_for_key(k) for k in keys]
    return Measure(
        name="+".join(keys),
        label="＋".join(p.label for p in parts),
        label_en=" + ".join(p.label_en for p in parts),
        parts=[[k] for k in keys],
        unit=parts[0].unit,
    )


def _column_term(table: str, col: str) -> Term:
    if col == "total":
        return Term(table, (("total",),), "总计", "total", ())
    return _term_for(COLUMN_TERMS, table, (col,))


def category_measures(matcher: MetricMatcher, measure: Measure, applicants: bool = False) -> list[Measure]:
    """The categories one table ranks a measure's total into: the reasons of a refusal group (不予公开's eight),
    a T4 group's outcomes, or (applicants=True) the applicant columns of a T3 row."""
    first = [p[0].split("/") for p in measure.parts]
    table, rows, cols = first[0][0], list(dict.fromkeys(f[1] for f in first)), {f[2] for f in first}
    if table == "T3" and len(rows) > 1 and not applicants:
        col = next(iter(cols))
        return [m for r in rows if (m := matcher.measure(_term_for(ROW_TERMS, "T3", (r,)), _column_term("T3", col)))]
    if table == "T3" and len(rows) == 1:
        row = _term_for(ROW_TERMS, "T3", (rows[0],))
        return [m for c in T3_APPLICANT_COLUMNS if (m := matcher.measure(row, _column_term("T3", c)))]
    if table == "T4":
        group = next(t for t in ROW_TERMS if t.table == "T4" and {k for p in t.keys for k in p} == set(rows))
        return [
            m
            for c in ("upheld", "corrected", "other", "pending")
            if (m := matcher.measure(group, _column_term("T4", c)))
        ]
    return []


def _short(label: str) -> str:
    """Row label without its enumerator: （二）部分公开 → 部分公开."""
    return re.sub(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+\.)\s*", "", label)


def _drop_covered(hits: list[Hit]) -> list[Hit]:
    """One hit per concept, and a group dropped when one of its members is named too.

    不予公开中属于国家秘密的 asks for the 国家秘密 sub-row, not for all of 不予公开.
    """
    out: list[Hit] = []
    for hit in hits:
        if any((h.term.table, h.term.keys) == (hit.term.table, hit.term.keys) for h in out):
            continue
        mine = {k for part in hit.term.keys for k in part}
        members = [
            h
            for h in hits
            if h.term.table == hit.term.table
            and h.term.keys != hit.term.keys
            and {k for part in h.term.keys for k in part} < mine
        ]
        if not members:
            out.append(hit)
    return out


def _drop_groups_for_reasons(hits: list[Hit]) -> list[Hit]:
    """'refused because the information was not held' asks for the 不掌握 reason, not every refusal."""
    groups = [h for h in hits if len(h.term.keys) > 1]
    reasons = {k for g in ROW_TERMS if len(g.keys) > 1 for part in g.keys for k in part}
    named = [h for h in hits if len(h.term.keys) == 1 and set(h.term.keys[0]) <= reasons]
    if not groups or not named:
        return hits
    return [h for h in hits if h not in groups]


def label_texts() -> dict[str, str]:
    """Row-level label text per measure name, for the embedding fallback: zh label, en label and words."""
    texts: dict[str, str] = {}
    for term in ROW_TERMS:
        if term.weak:
            continue
        name = f"{term.table}/{'+'.join(p[0] for p in term.keys)}"
        texts[name] = f"{term.label} {term.en} " + " ".join(term.words[:4])
    return texts


def row_term(name: str) -> Term:
    """The row term behind a label_texts() name."""
    for term in ROW_TERMS:
        if not term.weak and f"{term.table}/{'+'.join(p[0] for p in term.keys)}" == name:
            return term
    raise KeyError(name)


def column_labels() -> dict[str, tuple[str, str]]:
    """Every column key of every table with its zh and en label (for rendering)."""
    out = {f"T2/{k}": (c.label, c.en) for k, c in T2_COLUMNS.items()}
    out.update({f"T3/{c.key}": (c.label, c.en) for c in T3_COLUMNS})
    out.update({f"T4/{c.key}": (c.label, c.en) for c in T4_OUTCOMES})
    out.update({f"T4group/{g.key}": (g.label, g.en) for g in T4_GROUPS})
    return out
