"""How template cells, units and consistency rules are named to a reader: figures as printed, a cell's
unit, a row label without its enumerator, a table cell as a citation, the rule names of parsers/checks.py
in Chinese, and the words for a plan's operation."""

import re

from bot.models import Citation
from index.models import FactRecord
from parsers.models import Number
from parsers.template import (
    AMOUNT_COLUMNS,
    SECTION_HEADINGS,
    SECTION_OF_TABLE,
    T3_COLUMNS,
    T3_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
)

TABLE_SECTION = SECTION_OF_TABLE
_ITEM_COLUMNS = {"prior_count", "procurement_items"}


def fmt(value: Number | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def unit_of(fact_key: str) -> str:
    col = fact_key.split("/")[-1]
    if col in AMOUNT_COLUMNS:
        return "万元"
    return "项" if col in _ITEM_COLUMNS else "件"


def strip_enumerator(label: str) -> str:
    return re.sub(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+\s*[.．、])\s*", "", label)


def fact_citation(fact: FactRecord) -> Citation:
    """A table cell: row label × column label as printed, and the printed value."""
    number = TABLE_SECTION.get(fact.table, "")
    section = f"{number}、{SECTION_HEADINGS.get(number, '')}" if number else fact.table
    locator = f"{fact.table} {strip_enumerator(fact.label) or fact.row} × {fact.col_label or fact.col}"
    return Citation(
        report_id=fact.report_id,
        title=fact.title,
        org=fact.org,
        year=fact.year,
        section=section,
        locator=locator,
        quote=fact.raw,
        key=fact.key,
        span=fact.span,
    )


# The words for a plan's operation (OPERATION_WORDS[key] = (zh, en)): aggregation, else intent.
OPERATION_WORDS = {
    "sum": ("合计", "sum"),
    "avg": ("平均", "average"),
    "diff": ("差值", "difference"),
    "trend": ("历年变化", "trend over the years"),
    "compare": ("比较", "comparison"),
    "rank_desc": ("排名（最多）", "ranking (most first)"),
    "rank_asc": ("排名（最少）", "ranking (fewest first)"),
    "list": ("报告列表", "list of reports"),
    "check": ("勾稽关系核对", "consistency check"),
}

# The consistency rules of parsers/checks.py, in Chinese (the rule names there are English).
RULE_TEXT_ZH = {
    "T3 rows: total = sum of the six applicant columns": "表三各行：总计 = 六类申请人之和",
    "T3 columns: new + carried over = total processed + carried forward": "表三各列：本年新收 + 上年结转 = 办理总计 + 结转下年度",
    "T3 columns: total processed = sum of results (一)…(六)": "表三各列：办理总计 = （一）至（六）各项结果之和",
    "T4: each group's total = upheld + corrected + other + pending": "表四：各组总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
}
_KEY_LABELS_ZH = {
    **{r.key: strip_enumerator(r.label) for r in T3_ROWS},
    **{c.key: c.label for c in T3_COLUMNS},
    **{g.key: g.label for g in T4_GROUPS},
    **{o.key: o.label for o in T4_OUTCOMES},
}
_DETAIL_ZH = [
    (re.compile(r"^not checked: unknown cells "), "未核对：以下单元格无法确定 "),
    (re.compile(r"results sum to"), "各项结果之和为"),
    (re.compile(r"total processed"), "办理总计"),
    (re.compile(r"(?<![/\w])total\b"), "总计"),
    (re.compile(r"^holds$"), "成立"),
]


def rule_text(rule: str, language: str) -> str:
    return RULE_TEXT_ZH.get(rule, rule) if language == "zh" else rule


def rule_detail(detail: str, language: str) -> str:
    """A check's detail ('new_requests: 1+2=3 ≠ total 4') with Chinese labels for a Chinese reader."""
    if language != "zh":
        return detail
    for pattern, words in _DETAIL_ZH:
        detail = pattern.sub(words, detail)
    return re.sub(r"(?<![/\w])([a-z][a-z_]+)(?=:)", lambda m: _KEY_LABELS_ZH.get(m.group(1), m.group(1)), detail)
