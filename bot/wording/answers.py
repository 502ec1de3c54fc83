"""Answer text in the question's language: Chinese answers in Chinese; English answers with the Chinese
office names and table labels alongside (the reports are Chinese; the reader must be able to check)."""

from bot.models import Citation, Measure, QueryPlan
from bot.wording.labels import OPERATION_WORDS, fact_citation, fmt, rule_text, strip_enumerator
from bot.wording.page import say
from index.models import FactRecord
from parsers.models import Number


class AnswerWriter:
    """Phrases every answer kind in one language; `names` gives English (pinyin) names of offices."""

    def __init__(self, language: str, names: dict[str, str] | None = None):
        self.en = language == "en"
        self.names = names or {}

    def say(self, key: str, **values) -> str:
        """A text of the WORDING table in this writer's language."""
        return say(key, "en" if self.en else "zh", **values)

    def scope(self, offices: list[str], years: list[int]) -> str:
        """Where a figure was looked for: 伊川县人民政府2020年 / Yichuan County (伊川县人民政府) 2020, 2021."""
        where = self.listing(self.office(o) for o in offices) if offices else self.say("scope.stored_reports")
        if not years:
            return where
        return f"{where} {self.listing(years)}" if self.en else f"{where}{years[0]}年"

    def label(self, measure: Measure) -> str:
        return measure.label_en if self.en else measure.label

    def listing(self, items) -> str:
        """A list as the language writes it: 2020、2021 / 2020, 2021."""
        return (", " if self.en else "、").join(str(i) for i in items)

    # ------------------------------------------------------------------ pieces
    def office(self, org: str) -> str:
        if self.en and self.names.get(org):
            return f"{self.names[org]} ({org})"
        return org

    def office_year(self, org: str, year: int | None) -> str:
        if self.en:
            return f"{self.office(org)}, {year}" if year else self.office(org)
        return f"{org}{year}年" if year else org

    def year(self, year: int) -> str:
        return str(year) if self.en else f"{year}年"

    def report_name(self, org: str, year: int | None) -> str:
        """A loaded report in a list: 伊川县人民政府2020年 / 伊川县人民政府 2020 (no pinyin: the list is long)."""
        return f"{org} {year}" if self.en else f"{org}{year}年"

    def with_measure(self, where: str, measure: str) -> str:
        """A place and year followed by the measure they share: 伊川县人民政府2020年予以公开."""
        if where and measure:
            return f"{where}, {measure}" if self.en else f"{where}{measure}"
        return where or measure

    def quoted_passage(self, org: str, year: int | None, section: str, quote: str, ref: int) -> str:
        lead = self.according_to(org, year, section)
        return f"{lead} “{quote}” [{ref}]" if self.en else f"{lead}“{quote}”[{ref}]"

    def quoted_figure(
        self, org: str, year: int | None, section: str, quote: str, ref: int, value: Number, unit: str, printed: str
    ) -> str:
        """A figure read from the reports' text: the sentence quoted, then the number as printed."""
        if self.en:
            return (
                f"{self.quoted_passage(org, year, section, quote, ref)}. "
                f"The figure asked for is {fmt(value)} ({unit}), as printed: “{printed}”."
            )
        return f"{self.quoted_passage(org, year, section, quote, ref)}。所问数字为{printed}。"

    def according_to(self, org: str, year: int | None, section: str) -> str:
        """The lead of a quoted answer: 根据伊川县人民政府2020年报告（五、存在的主要问题…）："""
        if self.en:
            return f"According to the {year} report of {self.office(org)} ({section}):"
        return f"根据{org}{year}年报告（{section}）："

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
    def fact(
        self, org: str, year: int | None, measure: Measure, value: Number | None, unit: str, refs: list[int]
    ) -> str:
        if self.en:
            return (
                f"According to the {year} report of {self.office(org)}, {self.measure(measure)} was "
                f"{self.value(value, unit)} {self.refs(refs)}."
            )
        return f"根据{self.office_year(org, year)}报告，{self.measure(measure)}为{self.value(value, unit)}{self.refs(refs)}。"

    def blank(self, org: str, year: int | None, measure: Measure, refs: list[int]) -> str:
        if self.en:
            return (
                f"The {year} report of {self.office(org)} left {self.measure(measure)} blank {self.refs(refs)}: "
                "no number was printed (a blank cell is not the same as 0)."
            )
        return f"{self.office_year(org, year)}报告中{self.measure(measure)}一栏为空白{self.refs(refs)}，报告未填写数字（空白不等于0）。"

    def doubtful(self, labels: list[str], candidates: list[str]) -> str:
        if self.en:
            return (
                f"Caution: the printed cell(s) {', '.join(labels)} could be read more than one way "
                f"(possible values: {'; '.join(candidates)}); the figure is left out."
            )
        return f"注意：表格单元格{('、'.join(labels))}的数字存在多种读法（可能为{'；'.join(candidates)}），未计入。"

    def partial_blank(self, labels: list[str]) -> str:
        if self.en:
            return f"The report left {', '.join(labels)} blank; those cells are not counted."
        return f"报告中{'、'.join(labels)}为空白，未计入。"

    def checks_failed(self, org: str, year: int | None, rules: list[str]) -> str:
        shown = "; ".join(rule_text(r, "en" if self.en else "zh") for r in rules[:3]) + (" …" if len(rules) > 3 else "")
        if self.en:
            return (
                f"Note: the tables of the {self.office_year(org, year)} report break {len(rules)} consistency "
                f"rule(s) ({shown}); treat its figures with care."
            )
        return (
            f"注意：{self.office_year(org, year)}报告的表格有{len(rules)}条勾稽关系不成立（{shown}），数据请谨慎使用。"
        )

    def disagreement(self, quote: str, narrative_value: Number, table_value: Number | None, ref: int) -> str:
        if self.en:
            return (
                f"The report's text says “{quote}” [{ref}] ({fmt(narrative_value)}), which differs from the "
                f"table ({fmt(table_value)}); the answer gives the table's figure."
            )
        return f"报告正文写作“{quote}”[{ref}]（{fmt(narrative_value)}），与表格数字（{fmt(table_value)}）不一致，以上采用表格数字。"

    def typo_reading(self, readings: list[tuple[str, str]]) -> str:
        """What a misspelt office name was taken to mean (伊穿县 → 按伊川县人民政府理解)."""
        if self.en:
            return "; ".join(f"“{text}” read as {self.office(org)}" for text, org in readings) + "."
        return "；".join(f"“{text}”按{org}理解" for text, org in readings) + "。"

    def unknown_office(self, names: list[str], known: list[str]) -> str:
        if self.en and known:
            return (
                f"No report of {', '.join(names)} is stored ({len(known)} offices have reports: "
                f"{', '.join(self.office(o) for o in known[:8])}{' …' if len(known) > 8 else ''})."
            )
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
            return (
                "Reports of other offices in that region are also available: "
                + ", ".join(self.office(o) + have(o) for o in orgs)
                + "."
            )
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
        text = (
            question.replace(mention, org, 1)
            if mention and mention in question
            else (f"{question} ({org})" if self.en else f"{org}{question}")
        )
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
            return (
                f"Average over {n} reports: {self.value(value, unit)}."
                if self.en
                else f"{n}份报告的平均值：{self.value(value, unit)}。"
            )
        return (
            f"Sum over {n} reports: {self.value(value, unit)}."
            if self.en
            else f"{n}份报告合计：{self.value(value, unit)}。"
        )

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

    def outcomes_mismatch(self, shown: list[str], total: Number, printed: Number | None) -> str:
        """A T4 group whose outcomes do not add up to its printed total (shown: 'label value[ref]')."""
        if self.en:
            return f"Its outcomes ({', '.join(shown)}) add up to {fmt(total)}, not the printed total {fmt(printed)}."
        return f"该组各项（{', '.join(shown)}）合计{fmt(total)}，与表中总计{fmt(printed)}不符。"

    def carry_balance(self, values: tuple[Number, Number, Number, Number], refs: list[int]) -> str:
        """T3's balance: new + carried over against processed + carried forward, each cell cited."""
        a, b, c, d = values
        mark = "=" if a + b == c + d else "≠"
        if self.en:
            return (
                f"new {fmt(a)}[{refs[0]}] + carried over {fmt(b)}[{refs[1]}] = {fmt(a + b)} {mark} processed "
                f"{fmt(c)}[{refs[2]}] + carried forward {fmt(d)}[{refs[3]}] = {fmt(c + d)}"
            )
        return (
            f"本年新收{fmt(a)}[{refs[0]}] + 上年结转{fmt(b)}[{refs[1]}] = {fmt(a + b)} {mark} "
            f"办理总计{fmt(c)}[{refs[2]}] + 结转下年{fmt(d)}[{refs[3]}] = {fmt(c + d)}"
        )

    # ------------------------------------------------------------------ derived figures (bot/calculator.py)
    def short_measure(self, measure: Measure) -> str:
        """予以公开 for 予以公开（总计）: the operand's name inside a formula."""
        if self.en:
            return measure.label_en.removesuffix(" (total)")
        return strip_enumerator(measure.label.removesuffix("（总计）"))

    def category_name(self, measure: Measure, group: Measure) -> str:
        """自然人 for 本年新收…（自然人） ranked within 本年新收…: the category without the group's name."""
        name, whole = self.short_measure(measure), self.short_measure(group)
        for sep in ("（", "·", " (", ": "):
            if name.startswith(whole + sep) or (sep == ": " and ": " in name):
                return (
                    name[len(whole) + len(sep) :].rstrip("）)")
                    if name.startswith(whole + sep)
                    else name.split(": ", 1)[1]
                )
        return name

    def operand_label(
        self, measure: Measure, org: str, year: int | None, show_measure: bool, show_org: bool, show_year: bool
    ) -> str:
        parts = [
            self.office(org) if show_org else "",
            (str(year) if self.en else f"{year}年") if show_year and year else "",
            self.short_measure(measure) if show_measure else "",
        ]
        return (" " if self.en else "").join(p for p in parts if p)

    def operand(self, label: str, value: Number | None, ref: str) -> str:
        return f"{label} {fmt(value)}{ref}".strip()

    def computed(self, value: Number | None, unit: str) -> str:
        if unit == "%":
            return f"{fmt(value)}%"
        if unit == "倍":
            return f"{fmt(value)} times" if self.en else f"{fmt(value)}倍"
        return self.value(value, unit)

    def formula(self, scope: str, terms: list[str], sign: str, result: str, refs: str) -> str:
        """予以公开 10 ÷ 本年新收 49 = 20.41% [1][2], after the scope (office and year) it is about."""
        body = f" {sign} ".join(terms) + f" = {result}"
        if self.en:
            return f"{scope}: {body} {refs}".strip() if scope else f"{body} {refs}".strip()
        return f"{scope}：{body} {refs}".strip() if scope else f"{body} {refs}".strip()

    def share_of(self, numerator: str, a: Number, denominator: str, b: Number, pct: Number) -> str:
        if self.en:
            return f"{fmt(a)} of {fmt(b)} {denominator} were {numerator} ({fmt(pct)}%)."
        return f"{denominator}{fmt(b)}件中{numerator}{fmt(a)}件，占{fmt(pct)}%。"

    CONVENTIONS = {
        "declared": ("分母为问题所指的{den}。", "The denominator is the one asked for: {den}."),
        "applicants_of_new_requests": (
            "问题未指明分母，按惯例以{den}为分母（申请人类型的占比）。",
            "No denominator was named; by convention a share of an applicant type is taken of {den}.",
        ),
        "results_of_processed": (
            "问题未指明分母，按惯例以{den}为分母（办理结果的占比）。",
            "No denominator was named; by convention a share of a result is taken of {den}.",
        ),
        "disclosure_rate": (
            "公开率按惯例为（予以公开 + 部分公开）÷ {den}。",
            "By convention the disclosure rate is (granted + partially granted) ÷ {den}.",
        ),
        "correction_rate": (
            "纠错率按惯例为结果纠正 ÷ 该类案件{den}。",
            "By convention the correction rate is corrected ÷ {den} of that group.",
        ),
        "outcomes_of_group": (
            "问题未指明分母，按惯例以该类案件的{den}为分母。",
            "No denominator was named; by convention the share is taken of that group's {den}.",
        ),
    }

    def convention(self, convention: str, denominator: str) -> str:
        zh, en = self.CONVENTIONS[convention]
        return (en if self.en else zh).format(den=denominator)

    def no_denominator(self, numerator: str) -> str:
        if self.en:
            return (
                f"A share of {numerator} needs a whole to divide by, and the question names none that the "
                "template's conventions cover; please say of what (e.g. of new requests)."
            )
        return f"{numerator}的占比需要指明分母（例如占本年新收申请的比例），报告模板对此没有约定的分母。"

    def zero_denominator(self, label: str) -> str:
        if self.en:
            return f"{label} is 0, so the share or multiple is not defined."
        return f"{label}为0，比例或倍数无意义，无法计算。"

    MISSING = {
        "no_report": ("没有{org}{year}年的报告", "there is no {year} report of {org}"),
        "no_table": (
            "{org}{year}年报告没有该项表格数据，正文也未写明{what}",
            "the {year} report of {org} has no table figure for {what} and its text does not state it",
        ),
        "no_cell": ("{org}{year}年报告的表格中没有{what}这一栏", "the {year} report of {org} has no cell for {what}"),
        "blank": ("{org}{year}年报告中{what}为空白", "the {year} report of {org} left {what} blank"),
        "doubtful": (
            "{org}{year}年报告中{what}的数字无法唯一确定",
            "the printed digits of {what} in the {year} report of {org} admit more than one reading",
        ),
    }

    def missing_operands(self, missing: list[tuple[str, str, int | None, str]]) -> str:
        """(reason, org, year, what) of every operand that could not be read: the figure is not computed."""
        items = []
        for reason, org, year, what in missing:
            zh, en = self.MISSING[reason]
            items.append((en if self.en else zh).format(org=self.office(org) if self.en else org, year=year, what=what))
        if self.en:
            return "Not computed, because " + "; ".join(items) + ". A figure with a missing operand is not given."
        return "无法计算：" + "；".join(items) + "。缺少运算项时不给出结果。"

    def derived_result(self, kind: str, label: str, result: str) -> str:
        zh, en = {
            "sum": ("合计：{r}。", "Total: {r}."),
            "mean": ("{label}平均值：{r}。", "Average {label}: {r}."),
            "difference": ("差值：{r}。", "Difference: {r}."),
            "change_pct": ("变化率：{r}。", "Change: {r}."),
            "multiple": ("倍数：{r}。", "Multiple: {r}."),
            "share": ("占比：{r}。", "Share: {r}."),
        }[kind]
        return (en if self.en else zh).format(label=label, r=result)

    def difference_words(self, first: str, second: str, diff: Number, unit: str, decrease: bool = False) -> str:
        """decrease: first − second is how much `second` fell below `first` (2025年比2024年少64件)."""
        if decrease:
            first, second = second, first
            diff = -diff
        if self.en:
            word = "more" if diff >= 0 else "fewer"
            return f"{first} had {fmt(abs(diff))} {word} than {second}."
        word = "多" if diff >= 0 else "少"
        return f"{first}比{second}{word}{fmt(abs(diff))}{unit}。"

    def change_words(self, first: str, second: str, pct: Number) -> str:
        if self.en:
            word = "up" if pct > 0 else "down" if pct < 0 else "unchanged"
            return f"{first} against {second}: {word} {fmt(abs(pct))}%."
        word = "增长" if pct > 0 else "下降" if pct < 0 else "持平"
        return f"{first}较{second}{word}{fmt(abs(pct)) + '%' if pct else ''}。"

    def yes_no(self, value: Number | None, label: str, unit: str, refs: str) -> str:
        if self.en:
            word = "Yes" if value else "No"
            return f"{word}: {label} was {self.value(value, unit)} {refs}.".replace(" .", ".")
        word = "有" if value else "没有"
        return f"{word}。{label}为{self.value(value, unit)}{refs}。"

    def rank_categories(
        self, scope: str, group: str, top: list[tuple[str, Number]], unit: str, asc: bool, n: int
    ) -> str:
        """top: (category, value) of the places asked (ties included)."""
        if self.en:
            which = ("lowest" if asc else "highest") if n == 1 else (f"bottom {n}" if asc else f"top {n}")
            names = "; ".join(f"{c} ({self.value(v, unit)})" for c, v in top)
            return f"{scope}: the {which} among the categories of {group}: {names}."
        which = ("最少" if asc else "最多") if n == 1 else (f"后{n}位" if asc else f"前{n}位")
        names = "、".join(f"{c}（{self.value(v, unit)}）" for c, v in top)
        return f"{scope}{group}各类中{which}的是{names}。"

    def count_of(self, what: str, n: int, items: list[str]) -> str:
        shown = ", ".join(items[:20]) if self.en else "、".join(items[:20])
        more = " …" if len(items) > 20 else ""
        if self.en:
            return f"{n} {what}: {shown}{more}."
        unit = {"reports": "份报告", "years": "个年份", "offices": "个单位"}[what]
        return f"共{n}{unit}：{shown}{more}。"

    def count_unit(self, what: str) -> str:
        return what if self.en else {"reports": "份", "years": "年", "offices": "个"}[what]

    def unheld(self, words: list[str], offices: list[str], years: list[int]) -> str:
        """A dimension the template's tables do not record (requests by subject, by channel …)."""
        if self.en:
            scope = (" of " + self.listing(self.office(o) for o in offices)) if offices else ""
            scope += (" for " + self.listing(years)) if years else ""
        else:
            scope = self.listing(offices) + "".join(f"{y}年" for y in years)
        shown = self.listing(words)
        if self.en:
            return (
                f"The reports{scope} do not record {shown}: the template's tables count requests only by "
                "applicant type and result (and cases by outcome), and no passage states it."
            )
        return f"{scope}报告没有记录{shown}：年报表格只按申请人类型和办理结果统计申请件数（复议诉讼按结果统计），正文中也没有相关数字。"

    # ------------------------------------------------------------------ conversation and help
    def reading(self, plan: QueryPlan) -> str:
        """The plan in words: office, years, measure, operation ('平潭综合实验区 2022年 本年新收…（总计）')."""
        if plan.offices:
            offices = [self.office(o) for o in plan.offices]
        elif plan.ambiguous_offices:
            offices = [
                f"{m} ({' / '.join(plan.ambiguous_offices)})"
                if self.en
                else f"{m}（{'/'.join(plan.ambiguous_offices)}）"
                for m in plan.office_mentions[:1]
            ]
        elif plan.across_offices:
            offices = [self.say("reading.every_office")]
        else:
            offices = plan.unknown_offices or [self.say("reading.all_reports")]
        parts = [("; " if self.en else "、").join(offices), self.years(plan.years)]
        parts += [self.measure(m) if self.en else m.label for m in plan.measures]
        if not plan.measures and plan.intent == "narrative":
            parts.append(self.say("reading.text"))
        operation = self.operation(plan)
        if operation:
            parts.append(operation)
        return (", " if self.en else " ").join(p for p in parts if p)

    def years(self, years: list[int]) -> str:
        if not years:
            return self.say("reading.every_year")
        if len(years) >= 3 and years == list(range(years[0], years[-1] + 1)):
            return f"{years[0]}–{years[-1]}" + ("" if self.en else "年")
        return ", ".join(map(str, years)) if self.en else "、".join(f"{y}年" for y in years)

    def operation(self, plan: QueryPlan) -> str:
        key = plan.aggregation or ({"rank": f"rank_{plan.order or 'desc'}"}.get(plan.intent, plan.intent))
        return OPERATION_WORDS.get(key, ("", ""))[1 if self.en else 0]

    def read_as(self, reading: str) -> str:
        return f"Read as: {reading}" if self.en else f"理解为：{reading}"

    def help(self, examples: list[str], outside: bool) -> str:
        """What the bot does, then example questions (drawn from the stored reports by the caller)."""
        if self.en:
            lead = "That is not something the stored reports answer. " if outside else "Hello! "
            lines = [
                lead + "I answer questions about the government information-disclosure annual reports "
                "(政府信息公开工作年度报告) in the collection: table figures (requests received, disclosed, "
                "reconsiderations, lawsuits …) by office and year, trends and comparisons, and what the reports' "
                "text says. Every answer cites the report and table cell or passage. You can ask a follow-up "
                "such as “what about 2022?”. For example:"
            ]
        else:
            lead = "这个问题超出了库中报告的范围。" if outside else "您好！"
            lines = [
                lead + "我可以回答库中政府信息公开工作年度报告的问题：各单位各年度的表格数据（收到申请、予以公开、"
                "行政复议、行政诉讼等）、历年趋势和单位间比较，以及报告正文的内容。每个回答都注明出自哪份报告的哪个"
                "表格单元格或段落。可以接着追问，例如“那2022年呢？”。您可以这样问："
            ]
        return "\n".join([*lines, *[f"- {q}" for q in examples]])

    def example_questions(self, offices: list[tuple[str, list[int]]]) -> list[str]:
        """Example questions about stored offices and years (offices: (office, table years) pairs)."""
        questions: list[str] = []
        if offices:
            org, years = offices[0]
            name = self.names.get(org) or org
            if self.en:
                questions.append(f"How many information disclosure requests did {name} receive in {years[-1]}?")
                if len(years) > 1:
                    questions.append(f"How many requests did {name} receive each year from {years[0]} to {years[-1]}?")
            else:
                questions.append(f"{org}{years[-1]}年收到多少政府信息公开申请")
                if len(years) > 1:
                    questions.append(f"{org}{years[0]}到{years[-1]}年每年收到多少申请")
        if len(offices) > 1:
            org, years = offices[1]
            name = self.names.get(org) or org
            questions.append(
                f"What problems did the {years[-1]} report of {name} name?"
                if self.en
                else f"{org}{years[-1]}年的报告指出了哪些问题"
            )
        return questions

    def loading(self, loaded: list[str], done: int, total: int) -> str:
        """While the first-start ingest runs: a question whose office is not loaded yet is not answered."""
        shown = ("; " if self.en else "、").join(loaded[:12]) + (" …" if len(loaded) > 12 else "")
        if self.en:
            return (
                f"The report collection is still loading ({done}/{total} files), and the office asked about is not "
                f"among the reports loaded so far: {shown or 'none yet'}. Ask again when loading is done."
            )
        return f"报告库仍在加载（{done}/{total}个文件），所问单位的报告尚未加载。目前已加载：{shown or '暂无'}。请加载完成后再问。"


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
