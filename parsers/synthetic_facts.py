"""The content of a synthetic report: an invented office and year, template-shaped facts that obey every
consistency rule, and the narrative sections around them. parsers/synthetic.py lays them out as files."""

import random
from typing import Literal

from pydantic import BaseModel, Field

from parsers.printed_numbers import NumberForms
from parsers.template import T3_COLUMNS, T4_GROUPS, T4_OUTCOMES, V2019, V2021, fact_key, t3_rows

# Invented regions: prefecture-level cities alone and with their districts/counties.
_CITIES = ["青禾市", "澜溪市", "霁川市", "沄江市", "岚桥市", "杉屿市"]
_COUNTIES = {
    "青禾市": ["云岭区", "听涛区", "栖云县", "萤川县"],
    "澜溪市": ["汐桥区", "芷澜县", "苍珥县", "珑泉区"],
    "霁川市": ["茗屿县", "槿溪区", "沄渡县", "琅汀区"],
    "沄江市": ["雁汀县", "枫渡区", "砚澄区", "蘅芜县"],
    "岚桥市": ["翠岙县", "星澜区", "澈源县", "棠汐区"],
    "杉屿市": ["鹭屿区", "榆岑县", "桐霁县", "黛川区"],
}
REGIONS: list[str] = _CITIES + [city + county for city, counties in _COUNTIES.items() for county in counties]
BODIES: list[tuple[str, int]] = [  # body name, weight: government reports are the most common
    ("人民政府", 8),
    ("人民政府办公室", 3),
    ("发展和改革局", 1),
    ("财政局", 1),
    ("自然资源和规划局", 1),
    ("生态环境局", 1),
    ("住房和城乡建设局", 1),
    ("交通运输局", 1),
    ("市场监督管理局", 1),
    ("教育局", 1),
    ("卫生健康委员会", 1),
    ("公安局", 1),
    ("人力资源和社会保障局", 1),
    ("行政审批局", 1),
    ("农业农村局", 1),
]
APPLICANTS = [c.key for c in T3_COLUMNS[:6]]
_SHARE = {
    "natural_person": 0.8,
    "commercial_enterprise": 0.1,
    "research_institution": 0.01,
    "social_welfare_org": 0.015,
    "legal_service_org": 0.05,
    "other_org": 0.03,
}
RESULT_WEIGHT = {
    "granted": 40,
    "partially_granted": 10,
    "denied_state_secret": 0.4,
    "denied_prohibited_by_law": 1,
    "denied_security_stability": 0.4,
    "denied_third_party_rights": 2,
    "denied_internal_affairs": 2,
    "denied_process_info": 2,
    "denied_enforcement_file": 1,
    "denied_admin_query": 2,
    "unable_not_held": 20,
    "unable_needs_creation": 3,
    "unable_unclear": 2,
    "rejected_petition": 3,
    "rejected_duplicate": 3,
    "rejected_publication": 1,
    "rejected_excessive": 0.4,
    "rejected_confirmation": 1,
    "other_no_correction": 3,
    "other_no_fee": 0.4,
    "other_other": 3,
    "other_total": 6.4,
}


class ReportStyle(BaseModel):
    """Rendering choices drawn from the seed, so the same report varies the way real ones do."""

    halfwidth_brackets: bool = Field(False, description="'(一) 予以公开' instead of '（一）予以公开'.")
    plus_signs: bool = Field(False, description="Positive 本年增/减 printed with a '+'.")
    running_header: bool = Field(False, description="PDF pages carry the office name as a running header.")
    metadata_title: bool = Field(True, description="PDF/DOCX metadata carries the title.")
    blank_columns: list[str] = Field(default_factory=list, description="T3 applicant columns printed blank (all 0).")
    numbers: NumberForms = Field(default_factory=NumberForms, description="How numbers are printed.")


class SyntheticReport(BaseModel):
    org: str
    year: int
    template: Literal["v2019", "v2021"]
    title: str
    facts: dict[str, int | float | None] = Field(description="Every T2/T3/T4 key of the template; None = blank cell.")
    narrative_facts: dict[str, int | float] = Field(description="Numbers stated in the narrative of section 一.")
    sections: dict[str, str] = Field(description="一…六 -> body text; 二/三/四 hold only their table, so ''.")
    style: ReportStyle


# ------------------------------------------------------------------ numbers
def make_report(
    seed: int, template: str | None = None, year: int | None = None, numbers: NumberForms | None = None
) -> SyntheticReport:
    """A reproducible report: the same seed (and arguments) always gives the same report."""
    rng = random.Random(seed)
    template, year = _edition(rng, template, year)
    region = rng.choice(REGIONS)
    org = region + rng.choices([b for b, _ in BODIES], weights=[w for _, w in BODIES])[0]
    facts: dict[str, int | float | None] = {**_t2_facts(rng, template), **_t3_facts(rng, template), **_t4_facts(rng)}
    style = ReportStyle(
        halfwidth_brackets=rng.random() < 0.3,
        plus_signs=rng.random() < 0.3,
        running_header=rng.random() < 0.5,
        metadata_title=rng.random() < 0.7,
        numbers=numbers or NumberForms(),
    )
    if rng.random() < 0.25:
        style.blank_columns = _blank_zero_columns(facts, template)
    narrative = {
        "proactive_items": int(10 ** rng.uniform(2, 4.3)),
        "policy_interpretations": rng.randint(3, 200),
        "training_sessions": rng.randint(1, 20),
        "requests_received": facts[fact_key("T3", "new_requests", "total")],
    }
    title = f"{org}{year}年政府信息公开工作年度报告"
    sections = _sections(rng, org, year, template, narrative, style)
    return SyntheticReport(
        org=org,
        year=year,
        template=template,
        title=title,
        facts=facts,
        narrative_facts=narrative,
        sections=sections,
        style=style,
    )


def _edition(rng: random.Random, template: str | None, year: int | None) -> tuple[str, int]:
    if template not in (None, V2019, V2021):
        raise ValueError(f"template must be {V2019} or {V2021}, not {template!r}")
    if year is not None and year < 2019:
        raise ValueError(f"synthetic reports follow the 2019+ templates; year {year} is too early")
    if year is None:
        year = rng.choice([2019, 2020] if template == V2019 else range(2021, 2026) if template else range(2019, 2026))
    fitting = V2019 if year <= 2020 else V2021
    if template not in (None, fitting):
        raise ValueError(f"the {year} report uses template {fitting}, not {template}")
    return fitting, year


def _log_int(rng: random.Random, low: float, high: float) -> int:
    return int(10 ** rng.uniform(low, high)) if rng.random() > 0.1 else 0


def _t2_facts(rng: random.Random, template: str) -> dict[str, int | float]:
    f: dict[str, int | float] = {}
    if template == V2019:
        for row, top in (("regulations", 3), ("normative_documents", 40)):
            made = rng.randint(0, top)
            f[f"T2/{row}/new_made"], f[f"T2/{row}/new_published"] = made, made - (made > 0 and rng.random() < 0.2)
            f[f"T2/{row}/total_published"] = f[f"T2/{row}/new_published"] + rng.randint(0, 25 * top)
        for row, high in (
            ("admin_licensing", 4.7),
            ("other_admin_services", 3),
            ("admin_penalty", 4.5),
            ("admin_coercion", 3),
            ("admin_fees", 0),
        ):
            prior = _log_int(rng, 0.5, 2.8 if row != "admin_fees" else 1.8)
            f[f"T2/{row}/prior_count"], f[f"T2/{row}/change"] = prior, rng.randint(-min(prior, 20), 40)
            if high:
                f[f"T2/{row}/decisions"] = _log_int(rng, 0, high)
        f["T2/centralized_procurement/procurement_items"] = _log_int(rng, 0, 2.7)
        f["T2/centralized_procurement/procurement_amount"] = round(rng.randint(0, 2_000_000_000) / 10_000, 4)
    else:
        for row, top in (("regulations", 2), ("normative_documents", 60)):
            issued, repealed = rng.randint(0, top), rng.randint(0, top // 2)
            f[f"T2/{row}/issued"], f[f"T2/{row}/repealed"] = issued, repealed
            f[f"T2/{row}/in_force"] = issued + rng.randint(0, 10 * top)
        for row, high in (("admin_licensing", 5.5), ("admin_penalty", 5), ("admin_coercion", 3.5)):
            f[f"T2/{row}/decisions"] = _log_int(rng, 0, high)
        f["T2/admin_fees/fee_amount"] = round(rng.randint(0, 1_000_000_000) / 100, 2) if rng.random() > 0.2 else 0
    return f


def _t3_facts(rng: random.Random, template: str) -> dict[str, int]:
    rows = [r.key for r in t3_rows(template)]
    results = [k for k in rows if k in RESULT_WEIGHT]
    scale = rng.choice([5, 25, 120, 600, 3000])
    f: dict[str, int] = {}
    for col in APPLICANTS:
        expected = scale * _SHARE[col] * rng.uniform(0.3, 1.7)
        new = int(expected) if expected >= 1 else int(rng.random() < expected)
        carried_over = int(new * rng.uniform(0, 0.08))
        carried_forward = int((new + carried_over) * rng.uniform(0, 0.08))
        processed = new + carried_over - carried_forward
        counts = _split(rng, processed, [RESULT_WEIGHT[k] for k in results])
        values = {
            "new_requests": new,
            "carried_over": carried_over,
            "carried_forward": carried_forward,
            "processed_total": processed,
            **dict(zip(results, counts, strict=False)),
        }
        f.update({fact_key("T3", row, col): values[row] for row in rows})
    for row in rows:
        f[fact_key("T3", row, "total")] = sum(f[fact_key("T3", row, col)] for col in APPLICANTS)
    return f


def _split(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """n split into len(weights) non-negative parts summing exactly to n, roughly by the weights."""
    jittered = [w * rng.uniform(0.2, 1.8) for w in weights]
    counts = [int(n * w / sum(jittered)) for w in jittered]
    for i in rng.choices(range(len(weights)), weights=jittered, k=n - sum(counts)):
        counts[i] += 1
    return counts


def _t4_facts(rng: random.Random) -> dict[str, int]:
    f: dict[str, int] = {}
    for group in T4_GROUPS:
        busy = rng.random() < 0.5
        values = [rng.choice([0, 0, 1, 2, 3, 8, 20]) if busy else 0 for _ in T4_OUTCOMES[:4]]
        for outcome, value in zip(T4_OUTCOMES, values + [sum(values)], strict=False):
            f[fact_key("T4", group.key, outcome.key)] = value
    return f


def _blank_zero_columns(facts: dict, template: str) -> list[str]:
    """Blank the applicant columns that are 0 in every row, as many real reports print them."""
    rows = [r.key for r in t3_rows(template)]
    zero = [c for c in APPLICANTS if all(facts[fact_key("T3", r, c)] == 0 for r in rows)]
    for col in zero:
        for row in rows:
            facts[fact_key("T3", row, col)] = None
    return zero


# ------------------------------------------------------------------ narrative
_FILLER = [
    "坚持以公开为常态、不公开为例外，严格落实政府信息公开各项制度要求",
    "围绕中心工作和群众关切，持续加大重点领域信息公开力度",
    "进一步健全信息发布审核机制，严格执行“先审查、后公开”和“一事一审”原则",
    "及时更新政务公开专栏，确保公开内容准确、完整、及时",
    "加强与相关部门的沟通协调，形成上下联动、齐抓共管的工作格局",
    "通过政府门户网站、政务新媒体和公开查阅点等多种渠道发布信息",
    "认真梳理主动公开事项目录，动态调整公开内容，方便公众查询使用",
    "规范申请受理、登记、审查、答复和归档等各环节，提高答复质量",
    "加强对基层政务公开工作的业务指导，推动标准化规范化建设落地见效",
    "定期开展网站和政务新媒体内容巡查，及时整改发现的问题",
]
_PROBLEMS = [
    "政策解读的形式还不够丰富",
    "基层政务公开工作人员业务能力有待提升",
    "部分栏目更新不够及时",
    "依申请公开答复的规范性仍需加强",
    "公众参与和互动回应的深度还不够",
]


def _sentences(rng: random.Random, k: int) -> str:
    return "，".join(rng.sample(_FILLER, k)) + "。"


def _sections(rng: random.Random, org: str, year: int, template: str, narrative: dict, style: ReportStyle) -> dict:
    sub = _sub_heading(style)
    paragraphs = 1 + (rng.random() < 0.5) * rng.randint(1, 3)  # long narratives push T3 across PDF pages
    one = [
        f"{year}年，{org}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
        + _sentences(rng, 2),
        sub("一", "主动公开情况"),
        f"全年主动公开政府信息{narrative['proactive_items']}条，发布政策解读{narrative['policy_interpretations']}篇。"
        + _sentences(rng, 3),
        sub("二", "依申请公开情况"),
        f"全年共受理政府信息公开申请{narrative['requests_received']}件，均在法定期限内予以答复。" + _sentences(rng, 2),
        sub("三", "政府信息管理情况"),
        *[_sentences(rng, rng.randint(2, 4)) for _ in range(paragraphs)],
        sub("四", "政府信息公开平台建设情况"),
        *[_sentences(rng, rng.randint(2, 4)) for _ in range(paragraphs)],
        sub("五", "监督保障情况"),
        f"全年组织开展政务公开业务培训{narrative['training_sessions']}场，" + _sentences(rng, 2),
    ]
    problems = rng.sample(_PROBLEMS, 2)
    five = [
        sub("一", "存在的主要问题"),
        f"{year}年，本机关政府信息公开工作取得一定成效，但仍存在{problems[0]}、{problems[1]}等问题。",
        sub("二", "改进情况"),
        "下一步，一是" + _sentences(rng, 1)[:-1] + "；二是" + _sentences(rng, 1),
    ]
    six = (
        f"{year}年，本机关未收取政府信息公开信息处理费。"
        if template == V2021 and rng.random() < 0.6
        else "无。"
        if rng.random() < 0.5
        else "本年度无其他需要报告的事项。"
    )
    return {"一": "\n".join(one), "二": "", "三": "", "四": "", "五": "\n".join(five), "六": six}


def _sub_heading(style: ReportStyle):
    if style.halfwidth_brackets:
        return lambda number, text: f"({number}) {text}"
    return lambda number, text: f"（{number}）{text}"
