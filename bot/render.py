"""Answer text in the question's language: Chinese answers in Chinese; English answers with the Chinese
office names and table labels alongside (the reports are Chinese; the reader must be able to check)."""

import re

from bot.models import Citation, Measure
from index.models import FactRecord
from parsers.models import Number
from parsers.template import SECTION_HEADINGS

TABLE_SECTION = {"T2": "二", "T3": "三", "T4": "四"}
_ITEM_COLUMNS = {"prior_count", "procurement_items"}
_MONEY_COLUMNS = {"fee_amount", "procurement_amount"}


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
    if col in _MONEY_COLUMNS:
        return "万元"
    return "项" if col in _ITEM_COLUMNS else "件"


def strip_enumerator(label: str) -> str:
    return re.sub(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+\s*[.．、])\s*", "", label)


def fact_citation(fact: FactRecord) -> Citation:
    """A table cell: row label × column label as printed, and the printed value."""
    number = TABLE_SECTION.get(fact.table, "")
    section = f"{number}、{SECTION_HEADINGS.get(number, '')}" if number else fact.table
    locator = f"{fact.table} {strip_enumerator(fact.label) or fact.row} × {fact.col_label or fact.col}"
    return Citation(report_id=fact.report_id, title=fact.title, org=fact.org, year=fact.year, section=section,
                    locator=locator, quote=fact.raw, key=fact.key, span=fact.span)


class AnswerWriter:
    """Phrases every answer kind in one language; `names` gives English (pinyin) names of offices."""

    def __init__(self, language: str, names: dict[str, str] | None = None):
        self.en = language == "en"
        self.names = names or {}

    # ------------------------------------------------------------------ pieces
    def office(self, org: str) -> str:
        if self.en and self.names.get(org):
            return f"{self.names[org]} ({org})"
        return org

    def office_year(self, org: str, year: int | None) -> str:
        if self.en:
            return f"{self.office(org)}, {year}" if year else self.office(org)
        return f"{org}{year}年" if year else org

    def measure(self, measure: Measure) -> str:
        return f"“{measure.label_en}” ({measure.label})" if self.en else f"“{measure.label}”"

    def value(self, value: Number | None, unit: str) -> str:
        if value is None:
            # Only reached when the cell's digits admit several readings (blank cells have their own sentence).
            return "not determinable from the printed digits" if self.en else "无法从所印数字唯一确定"
        if self.en:
            return f"{fmt(value)} ({unit})" if unit in ("万元", "%") else fmt(value)
        return f"{fmt(value)}{unit}"

    def refs(self, numbers: list[int]) -> str:
        return "".join(f"[{n}]" for n in numbers)

    def join(self, parts: list[str]) -> str:
        parts = [p for p in parts if p]
        return " ".join(parts) if self.en else "".join(parts)

    # ------------------------------------------------------------------ sentences
    def fact(self, org: str, year: int | None, measure: Measure, value: Number | None, unit: str,
             refs: list[int]) -> str:
        if self.en:
            return (f"According to the {year} report of {self.office(org)}, {self.measure(measure)} was "
                    f"{self.value(value, unit)} {self.refs(refs)}.")
        return f"根据{self.office_year(org, year)}报告，{self.measure(measure)}为{self.value(value, unit)}{self.refs(refs)}。"

    def blank(self, org: str, year: int | None, measure: Measure, refs: list[int]) -> str:
        if self.en:
            return (f"The {year} report of {self.office(org)} left {self.measure(measure)} blank {self.refs(refs)}: "
                    "no number was printed (a blank cell is not the same as 0).")
        return f"{self.office_year(org, year)}报告中{self.measure(measure)}一栏为空白{self.refs(refs)}，报告未填写数字（空白不等于0）。"

    def doubtful(self, labels: list[str], candidates: list[str]) -> str:
        if self.en:
            return (f"Caution: the printed cell(s) {', '.join(labels)} could be read more than one way "
                    f"(possible values: {'; '.join(candidates)}); the figure is left out.")
        return f"注意：表格单元格{('、'.join(labels))}的数字存在多种读法（可能为{'；'.join(candidates)}），未计入。"

    def partial_blank(self, labels: list[str]) -> str:
        if self.en:
            return f"The report left {', '.join(labels)} blank; those cells are not counted."
        return f"报告中{'、'.join(labels)}为空白，未计入。"

    def checks_failed(self, org: str, year: int | None, rules: list[str]) -> str:
        shown = "; ".join(rules[:3]) + (" …" if len(rules) > 3 else "")
        if self.en:
            return (f"Note: the tables of the {self.office_year(org, year)} report break {len(rules)} consistency "
                    f"rule(s) ({shown}); treat its figures with care.")
        return f"注意：{self.office_year(org, year)}报告的表格有{len(rules)}条勾稽关系不成立（{shown}），数据请谨慎使用。"

    def disagreement(self, quote: str, narrative_value: Number, table_value: Number | None, ref: int) -> str:
        if self.en:
            return (f"The report's text says “{quote}” [{ref}] ({fmt(narrative_value)}), which differs from the "
                    f"table ({fmt(table_value)}); the answer gives the table's figure.")
        return f"报告正文写作“{quote}”[{ref}]（{fmt(narrative_value)}），与表格数字（{fmt(table_value)}）不一致，以上采用表格数字。"

    def read_as(self, readings: list[tuple[str, str]]) -> str:
        """What a misspelt office name was taken to mean (伊穿县 → 按伊川县人民政府理解)."""
        if self.en:
            return "; ".join(f"“{text}” read as {self.office(org)}" for text, org in readings) + "."
        return "；".join(f"“{text}”按{org}理解" for text, org in readings) + "。"

    def unknown_office(self, names: list[str], known: list[str]) -> str:
        if self.en and known:
            return (f"No report of {', '.join(names)} is stored ({len(known)} offices have reports: "
                    f"{', '.join(self.office(o) for o in known[:8])}{' …' if len(known) > 8 else ''}).")
        if not known:
            return f"No report of {', '.join(names)} is stored." if self.en else f"库中没有{'、'.join(names)}的报告。"
        shown = "、".join(known[:8]) + ("等" if len(known) > 8 else "")
        return f"库中没有{'、'.join(names)}的报告（现有{len(known)}个单位的报告：{shown}）。"

    def agreement(self, quote: str, ref: int) -> str:
        if self.en:
            return f"The report's text gives the same figure: “{quote}” [{ref}]."
        return f"报告正文“{quote}”[{ref}]与表格一致。"

    def related(self, orgs: list[str], years: dict[str, list[int]] | None = None) -> str:
        """years: each office's report years, shown when the asked office lacks the year (Reports exist for)."""
        def have(o: str) -> str:
            ys = (years or {}).get(o)
            if not ys:
                return ""
            return f" ({', '.join(map(str, ys))})" if self.en else "（" + "、".join(f"{y}年" for y in ys) + "）"
        if self.en:
            return "Reports of other offices in that region are also available: " + ", ".join(
                self.office(o) + have(o) for o in orgs) + "."
        return "该地区另有以下单位的报告可查：" + "、".join(o + have(o) for o in orgs) + "。"

    def no_report(self, org: str, years: list[int], existing: list[int]) -> str:
        asked = ", ".join(map(str, years)) if self.en else "、".join(f"{y}年" for y in years)
        have = ", ".join(map(str, existing)) if self.en else "、".join(f"{y}年" for y in existing)
        if self.en:
            tail = f" Reports exist for: {have}." if existing else " No report of this office is stored."
            return f"There is no {asked} report of {self.office(org)}.{tail}"
        tail = f"现有年份：{have}。" if existing else "库中没有该单位的报告。"
        return f"没有{org}{asked}的报告。{tail}"

    def no_fact(self, measure_labels: list[str], scope: str) -> str:
        if self.en:
            return f"No table figure for {', '.join(measure_labels)} was found in {scope}, and no passage states it."
        return f"{scope}中没有找到{'、'.join(measure_labels)}的表格数据，正文中也没有相关表述。"

    def ambiguous_intro(self, mention: str) -> str:
        if self.en:
            return f"“{mention}” fits several offices; here is what each report says:"
        return f"“{mention}”对应多个单位，各报告的数据如下："

    def ambiguous_line(self, org: str, year: int | None, text: str, refs: list[int]) -> str:
        return f"- {self.office_year(org, year)}: {text} {self.refs(refs)}".rstrip()

    def follow_up(self, question: str, mention: str | None, org: str, year: int | None) -> str:
        """The question again, naming one candidate office (and year) instead of the ambiguous name."""
        text = question.replace(mention, org, 1) if mention and mention in question else (
            f"{question} ({org})" if self.en else f"{org}{question}")
        if year and str(year) not in text:
            text += f" ({year})" if self.en else f"（{year}年）"
        return text

    def series_line(self, label: str, value: Number | None, unit: str, refs: list[int], note: str = "") -> str:
        return f"- {label}: {self.value(value, unit)} {self.refs(refs)}{note}".rstrip()

    def series_label(self, org: str, year: int | None, show_org: bool, show_year: bool) -> str:
        parts = []
        if show_org:
            parts.append(self.office(org))
        if show_year and year is not None:
            parts.append(str(year) if self.en else f"{year}年")
        return " ".join(parts) if self.en else "".join(parts)

    def total(self, value: Number | None, unit: str, n: int, avg: bool = False) -> str:
        if avg:
            return (f"Average over {n} reports: {self.value(value, unit)}." if self.en
                    else f"{n}份报告的平均值：{self.value(value, unit)}。")
        return (f"Sum over {n} reports: {self.value(value, unit)}." if self.en
                else f"{n}份报告合计：{self.value(value, unit)}。")

    def difference(self, first: tuple[str, Number], second: tuple[str, Number], diff: Number, unit: str) -> str:
        if self.en:
            return f"{first[0]} minus {second[0]}: {fmt(first[1])} − {fmt(second[1])} = {fmt(diff)}."
        word = "多" if diff >= 0 else "少"
        return f"{first[0]}比{second[0]}{word}{fmt(abs(diff))}{unit}（{fmt(first[1])} − {fmt(second[1])}）。"

    def trend_summary(self, first: tuple[str, Number], last: tuple[str, Number], unit: str) -> str:
        change = last[1] - first[1]
        if self.en:
            direction = "up" if change > 0 else "down" if change < 0 else "unchanged"
            return f"From {first[0]} to {last[0]}: {fmt(first[1])} → {fmt(last[1])} ({direction}, {change:+g})."
        direction = "增加" if change > 0 else "减少" if change < 0 else "持平"
        return f"从{first[0]}到{last[0]}：{fmt(first[1])} → {fmt(last[1])}（{direction}{fmt(abs(change)) if change else ''}）。"

    def rank_top(self, label: str, value: Number | None, unit: str, measure: Measure, asc: bool) -> str:
        if self.en:
            word = "lowest" if asc else "highest"
            return f"The {word} {self.measure(measure)} is {label}: {self.value(value, unit)}."
        word = "最少" if asc else "最多"
        return f"{self.measure(measure)}{word}的是{label}：{self.value(value, unit)}。"

    def heading(self, text_zh: str, text_en: str) -> str:
        return text_en if self.en else text_zh


class CitationList:
    """Numbered citations of one answer; the same cell or passage cited twice keeps one number."""

    def __init__(self) -> None:
        self.items: list[Citation] = []
        self._numbers: dict[tuple, int] = {}

    def add(self, citation: Citation) -> int:
        ident = (citation.report_id, citation.key, citation.locator)
        if ident not in self._numbers:
            self.items.append(citation)
            self._numbers[ident] = len(self.items)
        return self._numbers[ident]

    def add_facts(self, facts: list[FactRecord]) -> list[int]:
        return [self.add(fact_citation(f)) for f in facts]
