"""The words people use for the template's rows and columns, in Chinese and English: one Term per row or
column concept, each naming the canonical keys it stands for (parsers/template.py) and its surface forms.

bot/metrics.py composes a question's measures from these as row words × column words; a new synonym or a new
row of the template is written here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """A row or column concept: the keys it stands for and the words people use for it."""

    table: str
    keys: tuple[tuple[str, ...], ...]  # parts × alternatives, as row or column keys
    label: str
    en: str
    words: tuple[str, ...]
    weak: bool = False  # generic words (申请, requests): dropped when a specific row is named
    hint: bool = False  # verbs (收到, received) that name a row only together with a noun of it (申请)


def _t(table: str, keys: str, label: str, en: str, words: str, weak: bool = False, hint: bool = False) -> Term:
    """keys: 'a|b' alternatives, ';' separates summed parts; words: '/'-separated surface forms."""
    parts = tuple(tuple(p.split("|")) for p in keys.split(";"))
    return Term(table, parts, label, en, tuple(w.strip() for w in words.split("/") if w.strip()), weak, hint)


ROW_TERMS: list[Term] = [
    # ---------------------------------------------------------------- T3 rows
    _t(
        "T3",
        "new_requests",
        "本年新收政府信息公开申请数量",
        "new requests received",
        "新收/本年新收/新收申请/新申请/新增申请/new requests/new applications/newly received/"
        "new information requests/new disclosure requests",
    ),
    _t(
        "T3",
        "new_requests",
        "本年新收政府信息公开申请数量",
        "new requests received",
        "申请/申请数/申请量/申请数量/依申请/applications/application/requests/request",
        weak=True,
    ),
    # 受理网络问政多少件 is not about disclosure requests: the verb alone names nothing
    _t(
        "T3",
        "new_requests",
        "本年新收政府信息公开申请数量",
        "new requests received",
        "收到/受理/received/receive/receiving/applied/filed/get/got",
        weak=True,
        hint=True,
    ),
    _t(
        "T3",
        "carried_over",
        "上年结转政府信息公开申请数量",
        "requests carried over from last year",
        "上年结转/上一年结转/上年度结转/去年结转/往年结转/carried over/brought forward/from last year/"
        "from the previous year/from the prior year",
    ),
    _t(
        "T3",
        "granted",
        "予以公开",
        "granted (disclosed in full)",
        "予以公开/同意公开/全部公开/完全公开/给公开了/准予公开/granted/granted in full/grant in full/grant/fully grant/disclosed in full/fully disclosed/"
        "full disclosure/disclosed/approved",
    ),
    _t(
        "T3",
        "partially_granted",
        "部分公开",
        "partially disclosed",
        "部分公开/区分处理/partially granted/partially disclosed/partial disclosure/partly disclosed/"
        "disclosed in part/granted in part/partially approved",
    ),
    _t(
        "T3",
        "denied_state_secret;denied_prohibited_by_law;denied_security_stability;denied_third_party_rights;"
        "denied_internal_affairs;denied_process_info;denied_enforcement_file;denied_admin_query",
        "不予公开",
        "denied (not disclosed)",
        "不予公开/不公开/拒绝公开/不同意公开/拒绝/不给公开/没给公开/不让公开/未予公开/denied/denials/refused/refusal/not disclosed/withheld/refused disclosure/"
        "rejected/rejections/turned down",
    ),
    _t(
        "T3",
        "denied_state_secret",
        "不予公开·属于国家秘密",
        "denied: state secret",
        "国家秘密/涉密/state secret/state secrets/classified",
    ),
    _t(
        "T3",
        "denied_prohibited_by_law",
        "不予公开·其他法律行政法规禁止公开",
        "denied: prohibited by other laws",
        "法律行政法规禁止/法规禁止公开/禁止公开/prohibited by law/prohibited by other laws/forbidden by law/"
        "prohibited by laws",
    ),
    _t(
        "T3",
        "denied_security_stability",
        "不予公开·危及“三安全一稳定”",
        "denied: endangers security and stability",
        "三安全一稳定/危及/three securities/security and stability/endangers security/national security",
    ),
    _t(
        "T3",
        "denied_third_party_rights",
        "不予公开·保护第三方合法权益",
        "denied: protects third-party rights",
        "第三方合法权益/第三方权益/第三方/third party/third-party/third parties/third party rights",
    ),
    _t(
        "T3",
        "denied_internal_affairs",
        "不予公开·属于三类内部事务信息",
        "denied: internal affairs",
        "内部事务/三类内部事务/internal affairs/internal matters",
    ),
    _t(
        "T3",
        "denied_process_info",
        "不予公开·属于四类过程性信息",
        "denied: process information",
        "过程性信息/四类过程性/过程信息/process information/process info/deliberative information/"
        "deliberative/procedural information",
    ),
    _t(
        "T3",
        "denied_enforcement_file",
        "不予公开·属于行政执法案卷",
        "denied: law-enforcement files",
        "行政执法案卷/执法案卷/law enforcement files/law-enforcement files/enforcement files/enforcement file/"
        "case files",
    ),
    _t(
        "T3",
        "denied_admin_query",
        "不予公开·属于行政查询事项",
        "denied: administrative query matters",
        "行政查询/查询事项/administrative query/administrative queries/query matters",
    ),
    _t(
        "T3",
        "unable_not_held;unable_needs_creation;unable_unclear",
        "无法提供",
        "unable to provide",
        "无法提供/不能提供/unable to provide/could not be provided/cannot be provided/could not provide/"
        "not available/unavailable",
    ),
    _t(
        "T3",
        "unable_not_held",
        "无法提供·本机关不掌握相关政府信息",
        "unable to provide: information not held",
        "不掌握/本机关不掌握/信息不存在/not held/does not hold/did not hold/information not held/not in possession",
    ),
    _t(
        "T3",
        "unable_needs_creation",
        "无法提供·没有现成信息需要另行制作",
        "unable to provide: would need to be created",
        "另行制作/没有现成信息/需要另行制作/need to be created/needs to be created/would need to be created/"
        "needs creation/not readily available",
    ),
    _t(
        "T3",
        "unable_unclear",
        "无法提供·补正后申请内容仍不明确",
        "unable to provide: still unclear after correction",
        "仍不明确/补正后/内容不明确/still unclear/unclear/unclear requests",
    ),
    _t(
        "T3",
        "rejected_petition;rejected_duplicate;rejected_publication;rejected_excessive;rejected_confirmation",
        "不予处理",
        "not processed",
        "不予处理/不处理/not processed/not handled/declined to process/refused to process/declined to handle/not accepted",
    ),
    _t(
        "T3",
        "rejected_petition",
        "不予处理·信访举报投诉类申请",
        "not processed: petitions and complaints",
        "信访/举报投诉/信访举报投诉/投诉/petition/petitions/complaints/complaint",
    ),
    _t(
        "T3",
        "rejected_duplicate",
        "不予处理·重复申请",
        "not processed: duplicate requests",
        "重复申请/duplicate/duplicates/duplicate requests/repeated requests/repeat requests",
    ),
    _t(
        "T3",
        "rejected_publication",
        "不予处理·要求提供公开出版物",
        "not processed: asks for published material",
        "公开出版物/出版物/publications/published material/published materials",
    ),
    _t(
        "T3",
        "rejected_excessive",
        "不予处理·无正当理由大量反复申请",
        "not processed: excessive repeated requests",
        "大量反复/反复申请/excessive/excessive requests/vexatious/mass requests",
    ),
    _t(
        "T3",
        "rejected_confirmation",
        "不予处理·要求行政机关确认或重新出具已获取信息",
        "not processed: asks to confirm or re-issue information",
        "重新出具/确认或重新出具/要求行政机关确认/confirm or re-issue/reissue/re-issue/confirmation requests",
    ),
    _t(
        "T3",
        "other_total;other_no_correction;other_no_fee;other_other",
        "其他处理",
        "other handling",
        "其他处理/其它处理/other handling/handled otherwise/other processing/otherwise handled",
    ),
    _t(
        "T3",
        "other_no_correction",
        "其他处理·逾期不补正",
        "other: applicant did not correct the request in time",
        "逾期不补正/不补正/未补正/did not correct/failed to correct/no correction/not corrected",
    ),
    _t(
        "T3",
        "other_no_fee",
        "其他处理·逾期未缴纳费用",
        "other: applicant did not pay the fee in time",
        "未按收费通知/缴纳费用/未缴费/逾期未缴/缴费/did not pay/unpaid fee/unpaid fees/fee not paid/not paying the fee",
    ),
    _t(
        "T3",
        "other_other",
        "其他处理·其他",
        "other handling: other",
        "其他处理中的其他/其他情形/other handling other/other cases",
    ),
    # 公开率 (docs/template.md, "Derived figures"): granted in full plus in part, one measure of two parts
    _t(
        "T3",
        "granted;partially_granted",
        "予以公开与部分公开",
        "granted in full or in part",
        "公开率/公开比例/disclosure rate/granted in full or in part/fully or partially disclosed/"
        "fully or partially granted",
    ),
    _t(
        "T3",
        "processed_total",
        "办理结果总计",
        "total processed",
        "办结/已办结/办理完毕/办理结果/处理总计/办理总数/答复/总计办理/total processed/processed/handled/"
        "completed/dealt with/responded to/responses/replies",
    ),
    _t(
        "T3",
        "carried_forward",
        "结转下年度继续办理",
        "carried forward to next year",
        "结转下年/结转下一年/结转到下年/结转至下年/转到下一年/转入下一年/结转/继续办理/carried forward/carried into next year/"
        "carried to next year/pending into next year/rolled over/carried over into/carried over to/"
        "carried over to next year",
    ),
    # ---------------------------------------------------------------- T4 groups
    _t(
        "T4",
        "reconsideration",
        "行政复议",
        "administrative reconsideration",
        "行政复议/复议/administrative reconsideration/reconsideration/reconsiderations/administrative review/"
        "administrative reviews/appeals/appeal",
    ),
    _t(
        "T4",
        "litigation_direct;litigation_after_reconsideration",
        "行政诉讼",
        "administrative lawsuits",
        "行政诉讼/诉讼/起诉/被起诉/法院/打官司/吃官司/告上法庭/被告上法庭/告政府/官司/lawsuit/lawsuits/litigation/litigations/sued/court cases/court case/"
        "administrative litigation",
    ),
    _t(
        "T4",
        "litigation_direct",
        "行政诉讼·未经复议直接起诉",
        "lawsuits without reconsideration",
        "未经复议直接起诉/直接起诉/未经复议/direct lawsuits/sued directly/without reconsideration/direct litigation",
    ),
    _t(
        "T4",
        "litigation_after_reconsideration",
        "行政诉讼·复议后起诉",
        "lawsuits after reconsideration",
        "复议后起诉/复议后/after reconsideration/following reconsideration/lawsuits after reconsideration",
    ),
    # ---------------------------------------------------------------- T2 rows
    _t("T2", "regulations", "规章", "regulations", "规章/regulations/government rules/rules"),
    _t(
        "T2",
        "normative_documents",
        "规范性文件",
        "normative documents",
        "规范性文件/行政规范性文件/normative documents/normative document/policy documents/regulatory documents",
    ),
    _t(
        "T2",
        "admin_licensing",
        "行政许可",
        "administrative licensing",
        "行政许可/许可/licensing/licences/licenses/licence/license/permits/permit/administrative licensing",
    ),
    _t(
        "T2",
        "other_admin_services",
        "其他对外管理服务事项",
        "other external administrative services",
        "其他对外管理服务事项/对外管理服务/other administrative services/other external services/"
        "other external administrative services",
    ),
    _t(
        "T2",
        "admin_penalty",
        "行政处罚",
        "administrative penalties",
        "行政处罚/处罚/penalties/penalty/fines/sanctions/punishments/administrative penalties",
    ),
    _t(
        "T2",
        "admin_coercion",
        "行政强制",
        "administrative coercion",
        "行政强制/强制措施/coercion/coercive measures/administrative coercion/administrative enforcement",
    ),
    _t(
        "T2",
        "admin_fees",
        "行政事业性收费",
        "administrative fees",
        "行政事业性收费/事业性收费/收费/fees/fee/charges/administrative fees",
    ),
    _t(
        "T2",
        "centralized_procurement",
        "政府集中采购",
        "centralized government procurement",
        "政府集中采购/集中采购/采购/procurement/purchasing/government procurement",
    ),
]

_ORGS = "commercial_enterprise;research_institution;social_welfare_org;legal_service_org;other_org"
COLUMN_TERMS: list[Term] = [
    _t(
        "T3",
        "natural_person",
        "自然人",
        "natural persons",
        "自然人/个人/公民/natural person/natural persons/individual/individuals/citizen/citizens/"
        "private individuals/private persons",
    ),
    _t(
        "T3",
        "commercial_enterprise",
        "商业企业",
        "commercial enterprises",
        "商业企业/企业/公司/commercial enterprise/commercial enterprises/enterprise/enterprises/company/companies/"
        "business/businesses/firms",
    ),
    _t(
        "T3",
        "research_institution",
        "科研机构",
        "research institutions",
        "科研机构/科研院所/研究机构/research institution/research institutions/research institutes/"
        "research institute/research organisations/research organizations",
    ),
    _t(
        "T3",
        "social_welfare_org",
        "社会公益组织",
        "social welfare organisations",
        "社会公益组织/公益组织/社会组织/ngo/ngos/social welfare organisation/social welfare organisations/"
        "social welfare organization/social welfare organizations/charities/charity/non-profits/nonprofits/"
        "public welfare organisations/public welfare organizations",
    ),
    _t(
        "T3",
        "legal_service_org",
        "法律服务机构",
        "legal service organisations",
        "法律服务机构/律师事务所/律所/律师/legal service organisation/legal service organisations/"
        "legal service organization/legal service organizations/legal services/law firm/law firms/lawyer/lawyers/"
        "law office/law offices/attorneys",
    ),
    _t(
        "T3",
        "other_org",
        "其他组织",
        "other organisations",
        "其他组织/其他法人/其他单位/其他法人或组织/其他法人或其他组织/other organisation/other organisations/other organization/other organizations/"
        "other entities",
    ),
    _t(
        "T3",
        _ORGS,
        "法人或其他组织",
        "legal persons and other organisations",
        "法人或其他组织/法人和其他组织/法人/legal persons/legal entities/organisations/organizations/entities",
    ),
    _t("T3", "total", "总计", "total", "总计/合计/总数/总量/total/in total/overall/altogether", weak=True),
    # ---------------------------------------------------------------- T4 outcomes
    _t("T4", "upheld", "结果维持", "upheld", "结果维持/维持/upheld/maintained/affirmed"),
    _t(
        "T4",
        "corrected",
        "结果纠正",
        "corrected",
        "结果纠正/纠正/纠错/被纠错/被纠正/被撤销/改正/corrected/overturned/reversed/revoked/struck down",
    ),
    _t("T4", "other", "其他结果", "other outcome", "其他结果/other outcome/other outcomes/other result/other results"),
    _t("T4", "pending", "尚未审结", "pending", "尚未审结/未审结/审理中/未结/pending/undecided/unresolved/ongoing"),
    _t("T4", "total", "总计", "total", "总计/合计/总数/total/in total/overall/altogether", weak=True),
    # ---------------------------------------------------------------- T2 columns
    _t(
        "T2",
        "issued|new_made",
        "本年制发件数",
        "issued this year",
        "制发/本年制发/印发/出台/新制作/本年新制作/制作/issued/promulgated/newly made/drafted/made",
    ),
    _t(
        "T2",
        "new_published|issued",
        "本年新公开数量",
        "newly published this year",
        "新公开/本年新公开/新发布/newly published/new published/published this year",
    ),
    _t("T2", "repealed", "本年废止件数", "repealed this year", "废止/本年废止/度止/repealed/abolished/revoked"),
    _t(
        "T2",
        "in_force|total_published",
        "现行有效件数",
        "currently in force",
        "现行有效/有效/in force/currently valid/valid/effective/current",
    ),
    _t(
        "T2",
        "total_published|in_force",
        "对外公开总数量",
        "total published",
        "对外公开总数/对外公开总数量/公开总数/total published/published in total",
    ),
    _t(
        "T2",
        "prior_count",
        "上一年项目数量",
        "items in the previous year",
        "上一年项目数量/上一年项目/上年项目/上一年/previous year items/items last year/prior year/previous year",
    ),
    _t(
        "T2",
        "change",
        "本年增/减",
        "change this year",
        "增/减/增减/本年增减/增加/减少/变化/change/increase/decrease/net change",
    ),
    _t(
        "T2",
        "decisions",
        "处理决定数量",
        "decisions made",
        "处理决定/决定/decisions/decision/decisions made/cases decided",
    ),
    _t(
        "T2",
        "fee_amount|procurement_amount",
        "金额（万元）",
        "amount (10k yuan)",
        "金额/数额/多少钱/amount/collected/money/spent/spending/value",
    ),
    _t("T2", "procurement_amount", "采购总金额（万元）", "procurement amount (10k yuan)", "总金额/total amount"),
    _t("T2", "procurement_items", "采购项目数量", "procurement items", "项目数量/项目数/项目/items/projects"),
]
