"""The national report template as data: canonical fact keys, printed labels, label patterns.

The keys are the project's public vocabulary (users query them in SQL): ``T3/new_requests/total``.
docs/template.md says what govqa relies on in the template (sections, keys, cell kinds, rules, conventions).
"""

from dataclasses import dataclass, field

V2019 = "v2019"
V2021 = "v2021"
PRE2019 = "pre2019"
UNKNOWN = "unknown"
TEMPLATES = (V2019, V2021, PRE2019, UNKNOWN)


# Cell kinds: what a cell of the template may hold. Reading, splitting run-together digits and the
# post-parse re-validation all go by these, so a value of the wrong kind is never stored as ok.
COUNT = "count"  # a non-negative integer (件, 条, 项)
AMOUNT = "amount"  # a non-negative decimal of money, stored in TEMPLATE_UNIT
SIGNED = "signed"  # an integer that may be negative: only the template's 本年增/减
CELL_KINDS = (COUNT, AMOUNT, SIGNED)
TEMPLATE_UNIT = "万元"
# Printed money units → factor to TEMPLATE_UNIT, and the decimals each is printed with at most: money is
# never finer than the 分 (0.01 元), so 元 carries 2 decimals, 万元 6 and 亿元 10.
MONEY_UNITS = {"元": ("0.0001", 2), "万元": ("1", 6), "亿元": ("10000", 10)}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    en: str
    kind: str = COUNT


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    en: str
    pattern: str  # regex for the core of the printed label, without its enumerator
    enum: str = ""  # enumerator printed before the label ("1", "（一）", "一、"), stripped with it
    versions: tuple[str, ...] = (V2019, V2021)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # T2 only: version -> column keys


# ---------------------------------------------------------------- T2
T2_COLUMNS = {
    c.key: c
    for c in [
        Column("new_made", "本年新制作数量", "newly made this year"),
        Column("new_published", "本年新公开数量", "newly published this year"),
        Column("total_published", "对外公开总数量", "total published"),
        Column("issued", "本年制发件数", "issued this year"),
        Column("repealed", "本年废止件数", "repealed this year"),
        Column("in_force", "现行有效件数", "currently in force"),
        Column("prior_count", "上一年项目数量", "items in the previous year"),
        Column("change", "本年增/减", "change this year", SIGNED),
        Column("decisions", "处理决定数量", "decisions made"),
        Column("fee_amount", "本年收费金额（万元）", "fees collected (10k yuan)", AMOUNT),
        Column("procurement_items", "采购项目数量", "procurement items"),
        Column("procurement_amount", "采购总金额（万元）", "procurement amount (10k yuan)", AMOUNT),
    ]
}

AMOUNT_COLUMNS = frozenset(k for k, c in T2_COLUMNS.items() if c.kind == AMOUNT)  # money, in 万元
_DOCS19 = ("new_made", "new_published", "total_published")
_DOCS21 = ("issued", "repealed", "in_force")
_ITEMS19 = ("prior_count", "change", "decisions")

T2_ROWS = [
    Row("regulations", "规章", "regulations", r"规\s*章", columns={V2019: _DOCS19, V2021: _DOCS21}),
    Row(
        "normative_documents",
        "规范性文件",
        "normative documents",
        r"(?:行\s*政\s*)?规\s*范\s*性\s*文\s*件",
        columns={V2019: _DOCS19, V2021: _DOCS21},
    ),
    Row(
        "admin_licensing",
        "行政许可",
        "administrative licensing",
        r"行\s*政\s*许\s*可",
        columns={V2019: _ITEMS19, V2021: ("decisions",)},
    ),
    Row(
        "other_admin_services",
        "其他对外管理服务事项",
        "other external administrative services",
        r"其\s*他\s*对\s*外\s*管\s*理\s*服\s*务\s*事\s*项",
        versions=(V2019,),
        columns={V2019: _ITEMS19},
    ),
    Row(
        "admin_penalty",
        "行政处罚",
        "administrative penalties",
        r"行\s*政\s*处\s*罚",
        columns={V2019: _ITEMS19, V2021: ("decisions",)},
    ),
    Row(
        "admin_coercion",
        "行政强制",
        "administrative coercion",
        r"行\s*政\s*强\s*制",
        columns={V2019: _ITEMS19, V2021: ("decisions",)},
    ),
    Row(
        "admin_fees",
        "行政事业性收费",
        "administrative fees",
        r"行\s*政\s*事\s*业\s*性\s*收\s*费",
        columns={V2019: ("prior_count", "change"), V2021: ("fee_amount",)},
    ),
    Row(
        "centralized_procurement",
        "政府集中采购",
        "centralized government procurement",
        r"政\s*府\s*集\s*中\s*采\s*购",
        versions=(V2019,),
        columns={V2019: ("procurement_items", "procurement_amount")},
    ),
]

# ---------------------------------------------------------------- T3
T3_COLUMNS = [
    Column("natural_person", "自然人", "natural persons"),
    Column("commercial_enterprise", "商业企业", "commercial enterprises"),
    Column("research_institution", "科研机构", "research institutions"),
    Column("social_welfare_org", "社会公益组织", "social welfare organisations"),
    Column("legal_service_org", "法律服务机构", "legal service organisations"),
    Column("other_org", "其他", "other organisations"),
    Column("total", "总计", "total"),
]
T3_APPLICANT_COLUMNS = tuple(c.key for c in T3_COLUMNS if c.key != "total")  # the six kinds of applicant

_BOTH = (V2019, V2021)
T3_ROWS = [
    Row(
        "new_requests",
        "一、本年新收政府信息公开申请数量",
        "new requests received this year",
        r"本\s*年\s*(?:度\s*)?新\s*收.{0,12}?申\s*请\s*数\s*量",
        "一、",
    ),
    Row(
        "carried_over",
        "二、上年结转政府信息公开申请数量",
        "requests carried over from last year",
        r"上\s*年\s*(?:度\s*)?结\s*转.{0,12}?申\s*请\s*数\s*量",
        "二、",
    ),
    Row("granted", "（一）予以公开", "granted (disclosed)", r"予\s*以\s*公\s*开", "（一）"),
    Row(
        "partially_granted",
        "（二）部分公开",
        "partially disclosed",
        r"部\s*分\s*公\s*开\s*(?:[（(][^）)]{0,30}[）)])?",
        "（二）",
    ),
    Row("denied_state_secret", "1.属于国家秘密", "denied: state secret", r"属\s*于\s*国\s*家\s*秘\s*密", "1"),
    Row(
        "denied_prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        "denied: prohibited by other laws",
        r"其\s*他\s*法\s*律[^\d]{0,10}?公\s*开",
        "2",
    ),
    Row(
        "denied_security_stability",
        "3.危及“三安全一稳定”",
        "denied: endangers the 'three securities and one stability'",
        r"危\s*及\s*[“\"']?\s*三\s*安\s*全\s*一\s*稳\s*定\s*[”\"']?",
        "3",
    ),
    Row(
        "denied_third_party_rights",
        "4.保护第三方合法权益",
        "denied: protects third-party rights",
        r"保\s*护\s*第\s*三\s*方\s*合\s*法\s*权\s*益",
        "4",
    ),
    Row(
        "denied_internal_affairs",
        "5.属于三类内部事务信息",
        "denied: internal affairs",
        r"属\s*于\s*三\s*类\s*内\s*部\s*事\s*务\s*信\s*息",
        "5",
    ),
    Row(
        "denied_process_info",
        "6.属于四类过程性信息",
        "denied: process information",
        r"属\s*于\s*四\s*类\s*过\s*程\s*性\s*信\s*息",
        "6",
    ),
    Row(
        "denied_enforcement_file",
        "7.属于行政执法案卷",
        "denied: law-enforcement files",
        r"属\s*于\s*行\s*政\s*执\s*法\s*案\s*卷",
        "7",
    ),
    Row(
        "denied_admin_query",
        "8.属于行政查询事项",
        "denied: administrative query matters",
        r"属\s*于\s*行\s*政\s*查\s*询\s*事\s*项",
        "8",
    ),
    Row(
        "unable_not_held",
        "1.本机关不掌握相关政府信息",
        "unable to provide: information not held",
        r"本\s*机\s*关\s*不\s*掌\s*握\s*相\s*关\s*政\s*府\s*信\s*息",
        "1",
    ),
    Row(
        "unable_needs_creation",
        "2.没有现成信息需要另行制作",
        "unable to provide: would need to be created",
        r"没\s*有\s*现\s*成\s*信\s*息\s*需\s*要\s*另\s*行\s*制\s*作",
        "2",
    ),
    Row(
        "unable_unclear",
        "3.补正后申请内容仍不明确",
        "unable to provide: still unclear after correction",
        r"补\s*正\s*后\s*申\s*请\s*内\s*容\s*仍\s*不\s*明\s*确",
        "3",
    ),
    Row(
        "rejected_petition",
        "1.信访举报投诉类申请",
        "not processed: petitions, reports and complaints",
        r"信\s*访\s*举\s*报\s*投\s*诉\s*类\s*申\s*请",
        "1",
    ),
    Row("rejected_duplicate", "2.重复申请", "not processed: duplicate requests", r"重\s*复\s*申\s*请", "2"),
    Row(
        "rejected_publication",
        "3.要求提供公开出版物",
        "not processed: asks for published material",
        r"要\s*求\s*提\s*供\s*公\s*开\s*出\s*版\s*物",
        "3",
    ),
    Row(
        "rejected_excessive",
        "4.无正当理由大量反复申请",
        "not processed: excessive repeated requests",
        r"无\s*正\s*当\s*理\s*由\s*大\s*量\s*反\s*复\s*申\s*请",
        "4",
    ),
    Row(
        "rejected_confirmation",
        "5.要求行政机关确认或重新出具已获取信息",
        "not processed: asks to confirm or re-issue information already obtained",
        r"要\s*求\s*行\s*政\s*机\s*关\s*确\s*认\s*或\s*重\s*新\s*出\s*具\s*已\s*获\s*取\s*信\s*息",
        "5",
    ),
    Row(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other: applicant did not correct the request in time",
        r"(?:申\s*请\s*人\s*)?无\s*正\s*当\s*理\s*由\s*逾\s*期\s*不\s*补\s*正[^0-9]{0,40}?申\s*请",
        "1",
        versions=(V2021,),
    ),
    Row(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other: applicant did not pay the fee in time",
        r"(?:申\s*请\s*人\s*)?逾\s*期\s*未\s*按\s*收\s*费\s*通\s*知[^0-9]{0,40}?申\s*请",
        "2",
        versions=(V2021,),
    ),
    Row("other_other", "3.其他", "other: other", r"其\s*他(?!\s*处\s*理)", "3", versions=(V2021,)),
    Row("other_total", "（六）其他处理", "other handling", r"其\s*他\s*处\s*理", "（六）", versions=(V2019,)),
    Row("processed_total", "（七）总计", "total processed", r"总\s*计", "（七）"),
    Row(
        "carried_forward",
        "四、结转下年度继续办理",
        "carried forward to next year",
        r"结\s*转\s*下\s*(?:一\s*)?年\s*度?\s*继\s*续\s*办\s*理",
        "四、",
    ),
]

T3_RESULT_ROWS = [r.key for r in T3_ROWS[2:-2]]  # (一)…(六): the rows summed by processed_total

# ---------------------------------------------------------------- T4
T4_GROUPS = [
    Column("reconsideration", "行政复议", "administrative reconsideration"),
    Column("litigation_direct", "行政诉讼·未经复议直接起诉", "lawsuits without reconsideration"),
    Column("litigation_after_reconsideration", "行政诉讼·复议后起诉", "lawsuits after reconsideration"),
]
T4_OUTCOMES = [
    Column("upheld", "结果维持", "upheld"),
    Column("corrected", "结果纠正", "corrected"),
    Column("other", "其他结果", "other outcome"),
    Column("pending", "尚未审结", "pending"),
    Column("total", "总计", "total"),
]


def t3_rows(version: str) -> list[Row]:
    return [r for r in T3_ROWS if version in r.versions]


def t2_rows(version: str) -> list[Row]:
    return [r for r in T2_ROWS if version in r.versions]


def fact_key(table: str, row: str, col: str) -> str:
    return f"{table}/{row}/{col}"


@dataclass(frozen=True)
class KeyInfo:
    """Everything known about one canonical fact key, for labels, synonyms and SQL allow-lists."""

    key: str
    table: str
    row: str
    col: str
    row_label: str
    col_label: str
    row_en: str
    col_en: str
    versions: tuple[str, ...]
    kind: str = COUNT

    @property
    def unit(self) -> str | None:
        """The unit values of this key are stored in (money only; counts carry none)."""
        return TEMPLATE_UNIT if self.kind == AMOUNT else None


def all_keys() -> dict[str, KeyInfo]:
    """Every canonical key of T2, T3 and T4 with its labels, in template order."""
    keys: dict[str, KeyInfo] = {}
    for row in T2_ROWS:
        for version, cols in row.columns.items():
            for c in cols:
                k = fact_key("T2", row.key, c)
                old = keys.get(k)
                vs = (old.versions if old else ()) + (version,)
                col = T2_COLUMNS[c]
                keys[k] = KeyInfo(k, "T2", row.key, c, row.label, col.label, row.en, col.en, vs, col.kind)
    for row in T3_ROWS:
        for col in T3_COLUMNS:
            k = fact_key("T3", row.key, col.key)
            keys[k] = KeyInfo(k, "T3", row.key, col.key, row.label, col.label, row.en, col.en, row.versions)
    for group in T4_GROUPS:
        for out in T4_OUTCOMES:
            k = fact_key("T4", group.key, out.key)
            keys[k] = KeyInfo(k, "T4", group.key, out.key, group.label, out.label, group.en, out.en, (V2019, V2021))
    return keys


SECTION_HEADINGS = {
    "一": "总体情况",
    "二": "主动公开政府信息情况",
    "三": "收到和处理政府信息公开申请情况",
    "四": "政府信息公开行政复议、行政诉讼情况",
    "五": "存在的主要问题及改进情况",
    "六": "其他需要报告的事项",
}


def cell_kind(table: str, col: str) -> str:
    """The kind of a template cell: T3 and T4 hold counts; T2 says per column."""
    return T2_COLUMNS[col].kind if table == "T2" else COUNT


# ---------------------------------------------------------------- tables as one spec
@dataclass(frozen=True)
class Rule:
    """A consistency rule (勾稽关系) a table takes part in; parsers/checks.py evaluates it by name."""

    key: str
    text: str


@dataclass(frozen=True)
class TableSpec:
    """One statistical table of the template: where it is printed, its rows, columns and rules."""

    key: str  # T2 | T3 | T4
    section: str  # the section (一…六) that prints it
    title: str
    rows: tuple[Row | Column, ...]  # T4: the groups
    columns: tuple[Column, ...]  # T2: every column any row uses; rows say which per version
    rules: tuple[Rule, ...]
    title_en: str = ""  # what the table counts, for an English reader beside the printed title

    def rows_for(self, version: str) -> list:
        return [r for r in self.rows if version in getattr(r, "versions", (version,))]

    def columns_for(self, row, version: str) -> list[Column]:
        if self.key == "T2":
            return [T2_COLUMNS[c] for c in row.columns.get(version, ())]
        return list(self.columns)

    def kinds_for(self, row, version: str) -> list[str]:
        return [c.kind for c in self.columns_for(row, version)]


RULES = {
    "t2_items": Rule("t2_items", "T2 item rows: items last year + change this year ≥ 0"),
    "t3_rows": Rule("t3_rows", "T3 rows: total = sum of the six applicant columns"),
    "t3_balance": Rule("t3_balance", "T3 columns: new + carried over = total processed + carried forward"),
    "t3_results": Rule("t3_results", "T3 columns: total processed = sum of results (一)…(六)"),
    "t4_groups": Rule("t4_groups", "T4: each group's total = upheld + corrected + other + pending"),
}

TABLES = {
    "T2": TableSpec(
        "T2",
        "二",
        SECTION_HEADINGS["二"],
        tuple(T2_ROWS),
        tuple(T2_COLUMNS.values()),
        (RULES["t2_items"],),
        "proactive disclosure",
    ),
    "T3": TableSpec(
        "T3",
        "三",
        SECTION_HEADINGS["三"],
        tuple(T3_ROWS),
        tuple(T3_COLUMNS),
        (RULES["t3_rows"], RULES["t3_balance"], RULES["t3_results"]),
        "requests received and handled",
    ),
    "T4": TableSpec(
        "T4",
        "四",
        SECTION_HEADINGS["四"],
        tuple(T4_GROUPS),
        tuple(T4_OUTCOMES),
        (RULES["t4_groups"],),
        "reconsideration and lawsuits",
    ),
}
SECTION_OF_TABLE = {key: spec.section for key, spec in TABLES.items()}  # T3 → 三
