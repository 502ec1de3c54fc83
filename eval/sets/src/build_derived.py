"""Writes eval/sets/derived.jsonl: derived questions (shares, changes, sums, means, rankings, yes/no, counts,
refusals) over the real corpus, gold computed from the hand-read cells in derived_facts.py, formula in `note`.

    python eval/sets/src/build_derived.py
"""

import json
from pathlib import Path

from derived_facts import FACTS, KEYS, PT

OUT = Path(__file__).resolve().parents[1] / "derived.jsonl"
HH, HZ, LL, YC, LT, GA = (
    "淮安市人民政府",
    "淮安市洪泽区人民政府",
    "洛阳市洛龙区人民政府办公室",
    "伊川县人民政府",
    "开封市龙亭区人民政府办公室",
    "平潭综合实验区公安局",
)
items: list[dict] = []


def v(org, year, name):
    return FACTS[(org, year)][name]


def add(id_, facet, lang, q, gold, src, note, route="sql"):
    items.append(
        {
            "id": id_,
            "category": "derived",
            "facet": facet,
            "question": q,
            "lang": lang,
            "gold": gold,
            "source": src,
            "route": route,
            "note": note,
        }
    )


def src(pairs):
    """[(org, year, name)] → source naming every operand cell."""
    if len(pairs) == 1:
        o, y, n = pairs[0]
        return {"org": o, "year": y, "key": KEYS[n]}
    return {"org": [p[0] for p in pairs], "year": [p[1] for p in pairs], "keys": [KEYS[p[2]] for p in pairs]}


def num(x):
    return {"type": "number", "value": x, "tolerance": 0.01}


def share(id_, lang, q, org, year, a, b, label):
    x, y = v(org, year, a), v(org, year, b)
    add(
        id_,
        "share",
        lang,
        q,
        num(round(x / y * 100, 2)),
        src([(org, year, a), (org, year, b)]),
        f"{label}: {a} {x} ÷ {b} {y} × 100 = {round(x / y * 100, 2)}%",
    )


def rate2(id_, lang, q, org, year, a1, a2, b):
    x1, x2, y = v(org, year, a1), v(org, year, a2), v(org, year, b)
    r = round((x1 + x2) / y * 100, 2)
    add(
        id_,
        "share",
        lang,
        q,
        num(r),
        src([(org, year, a1), (org, year, a2), (org, year, b)]),
        f"公开率 = ({a1} {x1} + {a2} {x2}) ÷ {b} {y} × 100 = {r}%",
    )


def multiple(id_, lang, q, pairs):
    (o1, y1, n1), (o2, y2, n2) = pairs
    x, y = v(o1, y1, n1), v(o2, y2, n2)
    add(
        id_,
        "multiple",
        lang,
        q,
        num(round(x / y, 2)),
        src(pairs),
        f"{o1}{y1} {n1} {x} ÷ {o2}{y2} {n2} {y} = {round(x / y, 2)}",
    )


def diff(id_, lang, q, pairs, facet="difference"):
    (o1, y1, n1), (o2, y2, n2) = pairs
    x, y = v(o1, y1, n1), v(o2, y2, n2)
    add(id_, facet, lang, q, num(x - y), src(pairs), f"{o1}{y1} {n1} {x} − {o2}{y2} {n2} {y} = {x - y}")


def pct(id_, lang, q, pairs):
    (o1, y1, n1), (o2, y2, n2) = pairs
    x, y = v(o1, y1, n1), v(o2, y2, n2)
    r = round((x - y) / y * 100, 2)
    add(
        id_, "change_pct", lang, q, num(r), src(pairs), f"({x} − {y}) ÷ {y} × 100 = {r}% (later − earlier over earlier)"
    )


def total(id_, lang, q, pairs, facet="sum"):
    xs = [v(o, y, n) for o, y, n in pairs]
    if facet == "mean":
        r = round(sum(xs) / len(xs), 2)
        add(id_, facet, lang, q, num(r), src(pairs), f"({' + '.join(map(str, xs))}) ÷ {len(xs)} = {r}")
    else:
        add(id_, facet, lang, q, num(sum(xs)), src(pairs), f"{' + '.join(map(str, xs))} = {sum(xs)}")


def rank(id_, lang, q, org, year, names, top, facet="rank_categories"):
    xs = {n: v(org, year, n) for n in names}
    best = xs[top]
    assert best == max(xs.values()) or best == min(xs.values()), id_
    add(
        id_,
        facet,
        lang,
        q,
        num(best),
        src([(org, year, top)]),
        "ranked: "
        + ", ".join(f"{n} {x}" for n, x in sorted(xs.items(), key=lambda kv: -kv[1]))
        + f"; top {top} {best}",
    )


def exists(id_, lang, q, org, year, name):
    x = v(org, year, name)
    word = ("有" if x else "没有") if lang == "zh" else ("Yes" if x else "No")
    add(id_, "exists", lang, q, num(x), src([(org, year, name)]), f"{name} = {x} → {word}")


def refuse(id_, lang, q, org, year, note, facet="not_recorded"):
    add(id_, facet, lang, q, {"type": "status", "status": "not_found"}, {"org": org, "year": year}, note, route="any")


# ------------------------------------------------------------------ shares (比例/占比/百分之几/率; share/percentage/rate)
share(
    "sh-luolong-2021-granted-of-new",
    "zh",
    "洛龙区政府办公室2021年予以公开的申请占本年新收申请的比例是多少？",
    LL,
    2021,
    "granted",
    "new",
    "declared",
)
share(
    "sh-luolong-2021-granted",
    "zh",
    "洛龙区政府办公室2021年予以公开的比例是多少",
    LL,
    2021,
    "granted",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-luolong-2021-notheld",
    "zh",
    "洛阳市洛龙区人民政府办公室2021年因本机关不掌握而无法提供的申请占办理总数的百分之几？",
    LL,
    2021,
    "unable_not_held",
    "processed",
    "declared (办理总数)",
)
share(
    "sh-luolong-2021-natural",
    "zh",
    "2021年洛龙区政府办公室收到的申请中自然人占比多少？",
    LL,
    2021,
    "new_natural",
    "new",
    "applicant ÷ 本年新收",
)
share(
    "sh-yichuan-2020-commercial",
    "zh",
    "伊川县2020年商业企业申请的占比是多少？",
    YC,
    2020,
    "new_commercial",
    "new",
    "applicant ÷ 本年新收",
)
share(
    "sh-yichuan-2020-legal",
    "zh",
    "伊川县2020年法律服务机构提出的申请占全部新收申请的比例",
    YC,
    2020,
    "new_legal",
    "new",
    "declared",
)
share(
    "sh-yichuan-2020-granted",
    "zh",
    "伊川县政府2020年申请予以公开率是多少？",
    YC,
    2020,
    "granted",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-pt-2024-granted",
    "zh",
    "平潭综合实验区2024年予以公开的占比是多少？",
    PT,
    2024,
    "granted",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-pt-2024-notheld",
    "zh",
    "平潭2024年办理结果中本机关不掌握相关信息的比重是多少",
    PT,
    2024,
    "unable_not_held",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-pt-2023-partial",
    "zh",
    "平潭综合实验区2023年部分公开的申请占多大比例？",
    PT,
    2023,
    "partial",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-pt-2022-natural",
    "zh",
    "平潭综合实验区2022年新收申请中自然人的比例是多少？",
    PT,
    2022,
    "new_natural",
    "new",
    "declared 新收 (applicant)",
)
share(
    "sh-pt-2025-granted-of-new",
    "zh",
    "平潭综合实验区2025年予以公开的申请占本年新收申请的百分之几？",
    PT,
    2025,
    "granted",
    "new",
    "declared",
)
share(
    "sh-huaian-2024-natural",
    "zh",
    "淮安市政府2024年自然人申请占比是多少",
    HH,
    2024,
    "new_natural",
    "new",
    "applicant ÷ 本年新收",
)
share(
    "sh-huaian-2024-granted",
    "zh",
    "淮安市人民政府2024年予以公开的比例是多少？",
    HH,
    2024,
    "granted",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-huaian-2024-notheld",
    "zh",
    "淮安市2024年不掌握相关政府信息而无法提供的占办理结果总计的比例是多少？",
    HH,
    2024,
    "unable_not_held",
    "processed",
    "declared",
)
share(
    "sh-huaian-2024-recon-corr",
    "zh",
    "淮安市人民政府2024年行政复议的纠错率是多少？",
    HH,
    2024,
    "recon_corrected",
    "recon_total",
    "纠错率 = 结果纠正 ÷ 总计",
)
share(
    "sh-huaian-2024-recon-upheld",
    "zh",
    "淮安市人民政府2024年行政复议维持率是多少",
    HH,
    2024,
    "recon_upheld",
    "recon_total",
    "outcome ÷ group 总计",
)
share(
    "sh-huaian-2024-litdirect-corr",
    "zh",
    "淮安市2024年未经复议直接起诉的行政诉讼纠错率是多少？",
    HH,
    2024,
    "lit_direct_corrected",
    "lit_direct_total",
    "纠错率 of the group",
)
share(
    "sh-pt-2025-recon-corr",
    "zh",
    "平潭综合实验区2025年行政复议被纠错的比例是多少？",
    PT,
    2025,
    "recon_corrected",
    "recon_total",
    "纠错率",
)
share(
    "sh-pt-2024-after-upheld",
    "zh",
    "平潭2024年复议后起诉的行政诉讼中结果维持的占比",
    PT,
    2024,
    "lit_after_upheld",
    "lit_after_total",
    "outcome ÷ group 总计",
)
share(
    "sh-hongze-2024-granted",
    "zh",
    "洪泽区2024年予以公开的申请比例是多少？",
    HZ,
    2024,
    "granted",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-hongze-2023-notheld",
    "zh",
    "洪泽区政府2023年无法提供中本机关不掌握的占办理总计比例是多少",
    HZ,
    2023,
    "unable_not_held",
    "processed",
    "declared",
)
share(
    "sh-ga-2024-granted-of-new",
    "zh",
    "平潭综合实验区公安局2024年予以公开的申请占本年新收的比例？",
    GA,
    2024,
    "granted",
    "new",
    "declared",
)
rate2("sh-hongze-2024-rate", "zh", "洪泽区2024年的公开率是多少？", HZ, 2024, "granted", "partial", "processed")
rate2(
    "sh-huaian-2024-rate",
    "zh",
    "淮安市人民政府2024年政府信息公开申请的公开率是多少",
    HH,
    2024,
    "granted",
    "partial",
    "processed",
)
rate2("sh-pt-2023-rate", "zh", "平潭综合实验区2023年公开率多少？", PT, 2023, "granted", "partial", "processed")
share(
    "sh-en-luolong-2021",
    "en",
    "What share of the 2021 new requests to 洛龙区政府办公室 were granted in full?",
    LL,
    2021,
    "granted",
    "new",
    "declared (of new requests)",
)
share(
    "sh-en-huaian-2024-natural",
    "en",
    "What share of new requests to Huai'an in 2024 came from natural persons?",
    HH,
    2024,
    "new_natural",
    "new",
    "applicant ÷ new requests",
)
share(
    "sh-en-huaian-2024-recon",
    "en",
    "What percentage of Huai'an's 2024 reconsiderations were corrected?",
    HH,
    2024,
    "recon_corrected",
    "recon_total",
    "correction rate",
)
share(
    "sh-en-pt-2024-granted",
    "en",
    "What percentage of requests did Pingtan grant in full in 2024?",
    PT,
    2024,
    "granted",
    "processed",
    "result ÷ total processed",
)
share(
    "sh-en-yichuan-2020-commercial",
    "en",
    "In 2020, what proportion of Yichuan County's new requests came from companies?",
    YC,
    2020,
    "new_commercial",
    "new",
    "applicant ÷ new requests",
)
rate2(
    "sh-en-hongze-2024-rate",
    "en",
    "What was the disclosure rate of 洪泽区 in 2024?",
    HZ,
    2024,
    "granted",
    "partial",
    "processed",
)
share(
    "sh-en-pt-2025-notheld",
    "en",
    "What share of Pingtan's 2025 requests were refused because the information was not held, out of all requests processed?",
    PT,
    2025,
    "unable_not_held",
    "processed",
    "declared",
)
# traditional characters
share(
    "sh-tw-pt-2023-partial",
    "zh",
    "平潭綜合實驗區2023年部分公開的申請佔比是多少？",
    PT,
    2023,
    "partial",
    "processed",
    "result ÷ (七)总计",
)
share(
    "sh-tw-luolong-2021",
    "zh",
    "洛龍區政府辦公室2021年予以公開的申請佔本年新收申請的比例是多少？",
    LL,
    2021,
    "granted",
    "new",
    "declared",
)
share(
    "sh-tw-huaian-2024-recon",
    "zh",
    "淮安市人民政府2024年行政複議的糾錯率是多少？",
    HH,
    2024,
    "recon_corrected",
    "recon_total",
    "纠错率",
)
share(
    "sh-tw-yichuan-2020",
    "zh",
    "伊川縣2020年商業企業申請佔比多少",
    YC,
    2020,
    "new_commercial",
    "new",
    "applicant ÷ 本年新收",
)

# ------------------------------------------------------------------ multiples (倍; times)
multiple(
    "mu-pt-2024-2020", "zh", "平潭综合实验区2024年新收申请是2020年的几倍？", [(PT, 2024, "new"), (PT, 2020, "new")]
)
multiple("mu-pt-2024-2023", "zh", "平潭2024年收到的申请数量是2023年的多少倍", [(PT, 2024, "new"), (PT, 2023, "new")])
multiple(
    "mu-pt-2025-2019", "zh", "平潭综合实验区2025年新收申请数是2019年的几倍", [(PT, 2025, "new"), (PT, 2019, "new")]
)
multiple(
    "mu-pt-2024-notheld-2021",
    "zh",
    "平潭综合实验区2024年不掌握相关信息的申请是2021年的几倍？",
    [(PT, 2024, "unable_not_held"), (PT, 2021, "unable_not_held")],
)
multiple(
    "mu-huaian-hongze-2024",
    "zh",
    "2024年淮安市人民政府收到的申请是洪泽区的几倍？",
    [(HH, 2024, "new"), (HZ, 2024, "new")],
)
multiple("mu-hongze-2024-2023", "zh", "洪泽区2024年新收申请是2023年的几倍？", [(HZ, 2024, "new"), (HZ, 2023, "new")])
multiple(
    "mu-huaian-2024-granted-partial",
    "zh",
    "淮安市人民政府2024年予以公开的数量是部分公开的几倍？",
    [(HH, 2024, "granted"), (HH, 2024, "partial")],
)
multiple(
    "mu-en-pt-2024-2020",
    "en",
    "How many times more new requests did Pingtan receive in 2024 than in 2020?",
    [(PT, 2024, "new"), (PT, 2020, "new")],
)
multiple(
    "mu-en-pt-2025-2022",
    "en",
    "Pingtan's new requests in 2025 were how many times those of 2022?",
    [(PT, 2025, "new"), (PT, 2022, "new")],
)
multiple(
    "mu-en-huaian-2024-recon",
    "en",
    "In 2024, how many times the corrected reconsiderations were the upheld ones for Huai'an?",
    [(HH, 2024, "recon_upheld"), (HH, 2024, "recon_corrected")],
)
multiple(
    "mu-tw-pt-2024-2020", "zh", "平潭綜合實驗區2024年新收申請是2020年的幾倍？", [(PT, 2024, "new"), (PT, 2020, "new")]
)

# ------------------------------------------------------------------ differences (增长/减少/多了/少了; increase/decrease/difference)
diff("df-pt-2024-2023", "zh", "平潭综合实验区2024年比2023年多收了多少申请？", [(PT, 2024, "new"), (PT, 2023, "new")])
diff("df-pt-2024-yoy", "zh", "平潭综合实验区2024年新收申请同比增加了多少件？", [(PT, 2024, "new"), (PT, 2023, "new")])
diff(
    "df-pt-2025-fall", "zh", "平潭综合实验区2025年新收申请比2024年减少了多少？", [(PT, 2024, "new"), (PT, 2025, "new")]
)
diff("df-pt-2022-2021", "zh", "平潭2022年的申请比2021年多了几件", [(PT, 2022, "new"), (PT, 2021, "new")])
diff(
    "df-pt-notheld-2025",
    "zh",
    "平潭综合实验区2025年本机关不掌握的申请比2024年少了多少件？",
    [(PT, 2024, "unable_not_held"), (PT, 2025, "unable_not_held")],
)
diff("df-hongze-2024-2023", "zh", "洪泽区2024年收到的申请比2023年增加了多少？", [(HZ, 2024, "new"), (HZ, 2023, "new")])
diff(
    "df-hongze-granted",
    "zh",
    "洪泽区政府2024年予以公开比2023年多多少件？",
    [(HZ, 2024, "granted"), (HZ, 2023, "granted")],
)
diff("df-huaian-hongze", "zh", "2024年淮安市人民政府比洪泽区多收到多少件申请？", [(HH, 2024, "new"), (HZ, 2024, "new")])
diff(
    "df-huaian-granted-partial",
    "zh",
    "淮安市人民政府2024年予以公开比部分公开多多少件？",
    [(HH, 2024, "granted"), (HH, 2024, "partial")],
)
diff(
    "df-pt-granted-2025",
    "zh",
    "平潭综合实验区2025年予以公开的申请比2024年少了多少件",
    [(PT, 2024, "granted"), (PT, 2025, "granted")],
)
diff(
    "df-en-pt-2024-2023",
    "en",
    "How many more new requests did Pingtan receive in 2024 than in 2023?",
    [(PT, 2024, "new"), (PT, 2023, "new")],
)
diff(
    "df-en-pt-2025",
    "en",
    "By how much did Pingtan's new requests decrease from 2024 to 2025?",
    [(PT, 2024, "new"), (PT, 2025, "new")],
)
diff(
    "df-en-hongze",
    "en",
    "What was the increase in new requests to 洪泽区 from 2023 to 2024?",
    [(HZ, 2024, "new"), (HZ, 2023, "new")],
)
diff(
    "df-en-huaian-recon",
    "en",
    "For Huai'an in 2024, what is the difference between upheld and corrected reconsiderations?",
    [(HH, 2024, "recon_upheld"), (HH, 2024, "recon_corrected")],
)
diff("df-tw-pt-2024", "zh", "平潭綜合實驗區2024年比2023年多收了多少申請？", [(PT, 2024, "new"), (PT, 2023, "new")])
diff("df-tw-pt-2025", "zh", "平潭綜合實驗區2025年新收申請比2024年減少了多少？", [(PT, 2024, "new"), (PT, 2025, "new")])

# ------------------------------------------------------------------ percentage change (增长率/增幅/百分之几; growth rate / percent change)
pct(
    "pc-pt-2024-2023",
    "zh",
    "平潭综合实验区2024年新收申请比2023年增长了百分之几？",
    [(PT, 2024, "new"), (PT, 2023, "new")],
)
pct("pc-pt-2024-yoy", "zh", "平潭综合实验区2024年新收申请同比增长率是多少？", [(PT, 2024, "new"), (PT, 2023, "new")])
pct("pc-pt-2022-2021", "zh", "平潭2022年收到的申请较2021年增幅是多少", [(PT, 2022, "new"), (PT, 2021, "new")])
pct("pc-pt-2025", "zh", "平潭综合实验区2025年新收申请的增长率是多少？", [(PT, 2025, "new"), (PT, 2024, "new")])
pct("pc-hongze", "zh", "洪泽区2024年新收申请比2023年增长了百分之多少？", [(HZ, 2024, "new"), (HZ, 2023, "new")])
pct(
    "pc-pt-granted-2024",
    "zh",
    "平潭综合实验区2024年予以公开的申请比2023年增长率是多少",
    [(PT, 2024, "granted"), (PT, 2023, "granted")],
)
pct(
    "pc-en-pt-2024",
    "en",
    "By what percentage did Pingtan's new requests grow from 2023 to 2024?",
    [(PT, 2024, "new"), (PT, 2023, "new")],
)
pct(
    "pc-en-pt-2021",
    "en",
    "What was the growth rate of new requests to Pingtan in 2021 compared with 2020?",
    [(PT, 2021, "new"), (PT, 2020, "new")],
)
pct(
    "pc-en-hongze",
    "en",
    "What was the percentage change in new requests to 洪泽区 between 2023 and 2024?",
    [(HZ, 2024, "new"), (HZ, 2023, "new")],
)
pct("pc-tw-pt-2024", "zh", "平潭綜合實驗區2024年新收申請同比增長率是多少？", [(PT, 2024, "new"), (PT, 2023, "new")])

# ------------------------------------------------------------------ sums (一共/合计/加上; total/sum/altogether)
YEARS = lambda org, ys, n: [(org, y, n) for y in ys]  # noqa: E731
total(
    "su-pt-2021-2024",
    "zh",
    "平潭综合实验区2021年到2024年一共收到多少政府信息公开申请？",
    YEARS(PT, range(2021, 2025), "new"),
)
total("su-pt-2022-2025", "zh", "平潭2022至2025年新收申请合计多少件", YEARS(PT, range(2022, 2026), "new"))
total("su-pt-2019-2020", "zh", "平潭综合实验区2019年和2020年的申请加起来一共多少件？", YEARS(PT, [2019, 2020], "new"))
total(
    "su-pt-notheld",
    "zh",
    "平潭综合实验区2023年到2025年因本机关不掌握而无法提供的申请一共多少件？",
    YEARS(PT, range(2023, 2026), "unable_not_held"),
)
total("su-pt-granted", "zh", "平潭2021到2023年予以公开的申请总共有多少件", YEARS(PT, range(2021, 2024), "granted"))
total(
    "su-huaian-granted-partial",
    "zh",
    "淮安市人民政府2024年予以公开加上部分公开一共多少件？",
    [(HH, 2024, "granted"), (HH, 2024, "partial")],
)
total(
    "su-pt-2024-granted-partial",
    "zh",
    "平潭综合实验区2024年予以公开和部分公开合计多少？",
    [(PT, 2024, "granted"), (PT, 2024, "partial")],
)
total("su-hongze-2023-2024", "zh", "洪泽区2023年和2024年一共收到多少申请？", YEARS(HZ, [2023, 2024], "new"))
total(
    "su-pt-recon",
    "zh",
    "平潭综合实验区2021年至2025年行政复议案件累计多少件？",
    YEARS(PT, range(2021, 2026), "recon_total"),
)
total(
    "su-en-pt-2021-2024",
    "en",
    "How many new requests did Pingtan receive in total from 2021 to 2024?",
    YEARS(PT, range(2021, 2025), "new"),
)
total(
    "su-en-pt-2023-2025",
    "en",
    "What is the sum of Pingtan's new requests in 2023, 2024 and 2025?",
    YEARS(PT, range(2023, 2026), "new"),
)
total(
    "su-en-hongze",
    "en",
    "How many requests did 洪泽区 receive altogether in 2023 and 2024?",
    YEARS(HZ, [2023, 2024], "new"),
)
total(
    "su-en-huaian-granted-partial",
    "en",
    "For Huai'an in 2024, granted in full plus partially granted: what is the total?",
    [(HH, 2024, "granted"), (HH, 2024, "partial")],
)
total(
    "su-tw-pt-2021-2024",
    "zh",
    "平潭綜合實驗區2021年到2024年一共收到多少政府信息公開申請？",
    YEARS(PT, range(2021, 2025), "new"),
)

# ------------------------------------------------------------------ means (平均; average/mean)
total(
    "mn-pt-2021-2024",
    "zh",
    "平潭综合实验区2021到2024年平均每年收到多少申请？",
    YEARS(PT, range(2021, 2025), "new"),
    facet="mean",
)
total(
    "mn-pt-2019-2025",
    "zh",
    "平潭综合实验区2019年至2025年新收申请的年平均数是多少",
    YEARS(PT, range(2019, 2026), "new"),
    facet="mean",
)
total(
    "mn-pt-granted",
    "zh",
    "平潭2022至2024年予以公开的申请平均多少件",
    YEARS(PT, range(2022, 2025), "granted"),
    facet="mean",
)
total("mn-hongze", "zh", "洪泽区2023年和2024年平均收到多少申请？", YEARS(HZ, [2023, 2024], "new"), facet="mean")
total(
    "mn-pt-recon",
    "zh",
    "平潭综合实验区2023到2025年平均每年有多少行政复议案件",
    YEARS(PT, range(2023, 2026), "recon_total"),
    facet="mean",
)
total(
    "mn-en-pt-2021-2024",
    "en",
    "What was the average number of new requests Pingtan received per year from 2021 to 2024?",
    YEARS(PT, range(2021, 2025), "new"),
    facet="mean",
)
total(
    "mn-en-pt-2023-2025",
    "en",
    "Average new requests per year for Pingtan between 2023 and 2025?",
    YEARS(PT, range(2023, 2026), "new"),
    facet="mean",
)
total(
    "mn-tw-pt-2021-2024",
    "zh",
    "平潭綜合實驗區2021到2024年平均每年收到多少申請？",
    YEARS(PT, range(2021, 2025), "new"),
    facet="mean",
)

# ------------------------------------------------------------------ rankings over one table's categories (哪种/哪类/最多; which/most)
DENIED = [
    "denied_secret",
    "denied_law",
    "denied_security",
    "denied_third",
    "denied_internal",
    "denied_process",
    "denied_enforcement",
    "denied_query",
]
rank("rk-huaian-denied", "zh", "淮安市人民政府2024年哪种不予公开理由最多？", HH, 2024, DENIED, "denied_query")
rank("rk-huaian-denied-2", "zh", "2024年淮安市不予公开的申请中，最常见的理由是什么", HH, 2024, DENIED, "denied_query")
FACTS[(PT, 2024)].update({n: FACTS[(PT, 2024)].get(n, 0) for n in DENIED})
rank("rk-pt-2024-denied", "zh", "平潭综合实验区2024年不予公开的原因中哪一类最多？", PT, 2024, DENIED, "denied_internal")
FACTS[(PT, 2021)].update({n: FACTS[(PT, 2021)].get(n, 0) for n in DENIED})
rank("rk-pt-2021-denied", "zh", "平潭2021年不予公开的理由里哪种最多", PT, 2021, DENIED, "denied_enforcement")
APPL = ["new_natural", "new_commercial", "new_legal", "new_other_org"]
rank("rk-huaian-applicant", "zh", "淮安市人民政府2024年哪类申请人提交的申请最多？", HH, 2024, APPL, "new_natural")
FACTS[(YC, 2020)]["new_other_org"] = 0
rank(
    "rk-yichuan-applicant",
    "zh",
    "伊川县2020年哪种申请人申请最多",
    YC,
    2020,
    ["new_natural", "new_commercial", "new_legal", "new_other_org"],
    "new_commercial",
)
RECON = ["recon_upheld", "recon_corrected", "recon_other", "recon_pending"]
rank("rk-huaian-recon", "zh", "淮安市人民政府2024年行政复议结果中哪种最多？", HH, 2024, RECON, "recon_other")
FACTS[(PT, 2025)]["recon_pending"] = 0
rank("rk-pt-2025-recon", "zh", "平潭综合实验区2025年行政复议哪种结果最多？", PT, 2025, RECON, "recon_upheld")
rank(
    "rk-en-huaian-denied",
    "en",
    "Which reason for refusal was most common for Huai'an in 2024?",
    HH,
    2024,
    DENIED,
    "denied_query",
)
rank(
    "rk-en-huaian-applicant",
    "en",
    "Which applicant type filed the most new requests to Huai'an in 2024?",
    HH,
    2024,
    APPL,
    "new_natural",
)
rank(
    "rk-en-huaian-recon",
    "en",
    "What was the most frequent outcome of Huai'an's reconsiderations in 2024?",
    HH,
    2024,
    RECON,
    "recon_other",
)
rank("rk-tw-huaian-denied", "zh", "淮安市人民政府2024年哪種不予公開理由最多？", HH, 2024, DENIED, "denied_query")

# ------------------------------------------------------------------ rankings over years and offices (哪一年; which year)
PTY = {y: FACTS[(PT, y)]["new"] for y in range(2019, 2026)}
add(
    "ry-pt-most",
    "rank_years",
    "zh",
    "平潭综合实验区哪一年收到的申请最多？",
    num(218),
    src([(PT, 2024, "new")]),
    f"new by year {PTY}: 2024 = 218",
)
add(
    "ry-pt-least",
    "rank_years",
    "zh",
    "平潭综合实验区哪一年新收申请最少",
    num(21),
    src([(PT, 2020, "new")]),
    f"new by year {PTY}: 2020 = 21",
)
add(
    "ry-pt-range",
    "rank_years",
    "zh",
    "平潭2021到2023年哪一年予以公开的申请最多？",
    num(30),
    src([(PT, 2021, "granted")]),
    "granted 2021 30, 2022 21, 2023 22: 2021",
)
add(
    "ry-en-pt-most",
    "rank_years",
    "en",
    "In which year did Pingtan receive the most new requests?",
    num(218),
    src([(PT, 2024, "new")]),
    f"new by year {PTY}: 2024 = 218",
)
add(
    "ry-en-pt-least",
    "rank_years",
    "en",
    "Which year had the fewest new requests to Pingtan?",
    num(21),
    src([(PT, 2020, "new")]),
    f"new by year {PTY}: 2020 = 21",
)
add(
    "ry-tw-pt-most",
    "rank_years",
    "zh",
    "平潭綜合實驗區哪一年收到的申請最多？",
    num(218),
    src([(PT, 2024, "new")]),
    f"new by year {PTY}: 2024 = 218",
)

# ------------------------------------------------------------------ yes/no (有没有/是否/有无; did … any)
exists("ex-huaian-recon-corr", "zh", "淮安市人民政府2024年行政复议有没有被纠错的？", HH, 2024, "recon_corrected")
exists("ex-pt-2022-recon-corr", "zh", "平潭综合实验区2022年行政复议有没有被纠正的案件", PT, 2022, "recon_corrected")
exists("ex-pt-2024-lit", "zh", "平潭综合实验区2024年有没有复议后起诉的行政诉讼？", PT, 2024, "lit_after_total")
exists("ex-pt-2024-direct", "zh", "平潭2024年是否有未经复议直接起诉的行政诉讼", PT, 2024, "lit_direct_total")
exists("ex-yichuan-recon", "zh", "伊川县2020年有没有行政复议？", YC, 2020, "recon_total")
exists("ex-luolong-recon-corr", "zh", "洛龙区政府办公室2021年行政复议有无被纠错的", LL, 2021, "recon_corrected")
exists("ex-pt-2021-secret", "zh", "平潭综合实验区2021年有没有因属于国家秘密不予公开的申请？", PT, 2021, "denied_secret")
exists("ex-pt-2024-secret", "zh", "平潭综合实验区2024年是否存在因国家秘密不予公开的情况", PT, 2024, "denied_secret")
exists("ex-ga-2024-recon", "zh", "平潭综合实验区公安局2024年有没有行政复议", GA, 2024, "recon_total")
exists("ex-longting-2019-lit", "zh", "龙亭区政府办公室2019年有没有被直接起诉的行政诉讼？", LT, 2019, "lit_direct_total")
exists(
    "ex-pt-2025-carried", "zh", "平潭综合实验区2025年有没有结转到下年度继续办理的申请？", PT, 2025, "carried_forward"
)
exists("ex-pt-2024-carried", "zh", "平潭综合实验区2024年有没有结转下年度继续办理的申请", PT, 2024, "carried_forward")
exists(
    "ex-en-pt-2024-lit",
    "en",
    "Did Pingtan have any lawsuits after reconsideration in 2024?",
    PT,
    2024,
    "lit_after_total",
)
exists("ex-en-huaian-corr", "en", "Were any of Huai'an's 2024 reconsiderations corrected?", HH, 2024, "recon_corrected")
exists(
    "ex-en-yichuan-recon",
    "en",
    "Did Yichuan County have any administrative reconsiderations in 2020?",
    YC,
    2020,
    "recon_total",
)
exists(
    "ex-en-pt-2021-secret",
    "en",
    "Were any requests to Pingtan denied as state secrets in 2021?",
    PT,
    2021,
    "denied_secret",
)
exists(
    "ex-en-ga-lit",
    "en",
    "Did 平潭综合实验区公安局 face any lawsuits without reconsideration in 2024?",
    GA,
    2024,
    "lit_direct_total",
)
exists("ex-tw-huaian-corr", "zh", "淮安市人民政府2024年行政複議有沒有被糾錯的？", HH, 2024, "recon_corrected")
exists("ex-tw-pt-lit", "zh", "平潭綜合實驗區2024年有沒有打官司的？", PT, 2024, "lit_after_total")

# ------------------------------------------------------------------ colloquial measure words (不给公开, 打官司, 被纠错)
add(
    "co-pt-2024-denied",
    "value",
    "zh",
    "平潭综合实验区2024年不给公开的有多少件？",
    num(39),
    src([(PT, 2024, "denied_secret")]),
    "不给公开 = 不予公开: 4 + 3 + 32 = 39",
)
add(
    "co-pt-2024-lawsuits",
    "value",
    "zh",
    "平潭综合实验区2024年打官司的有几件？",
    num(19),
    src([(PT, 2024, "lit_after_total")]),
    "打官司 = 行政诉讼: direct 0 + after reconsideration 19 = 19",
)
add(
    "co-huaian-2024-corrected",
    "value",
    "zh",
    "淮安市人民政府2024年行政复议被纠错了几件？",
    num(64),
    src([(HH, 2024, "recon_corrected")]),
    "被纠错 = 结果纠正: 64",
)
add(
    "co-tw-pt-2024-denied",
    "value",
    "zh",
    "平潭綜合實驗區2024年不給公開的有多少件？",
    num(39),
    src([(PT, 2024, "denied_secret")]),
    "不给公开 = 不予公开: 39",
)

# ------------------------------------------------------------------ two measures in one question (→ both)
add(
    "tw-huaian-new-partial",
    "two_measures",
    "zh",
    "淮安市人民政府2024年收到多少申请、部分公开多少？",
    {"type": "numbers", "values": [3119, 454]},
    src([(HH, 2024, "new"), (HH, 2024, "partial")]),
    "两个数：本年新收 3119，部分公开 454",
)
add(
    "tw-pt-new-granted",
    "two_measures",
    "zh",
    "平潭综合实验区2023年新收申请多少件，予以公开多少件？",
    {"type": "numbers", "values": [81, 22]},
    src([(PT, 2023, "new"), (PT, 2023, "granted")]),
    "本年新收 81，予以公开 22",
)
add(
    "tw-en-pt-new-granted",
    "two_measures",
    "en",
    "How many new requests did Pingtan receive in 2024, and how many were granted in full?",
    {"type": "numbers", "values": [218, 71]},
    src([(PT, 2024, "new"), (PT, 2024, "granted")]),
    "new 218, granted 71",
)

# ------------------------------------------------------------------ counts of reports / years / offices
add(
    "ct-pingtan-zone-years",
    "count",
    "zh",
    "平潭综合实验区有几年的报告？",
    num(13),
    {"org": PT, "year": None},
    "raw/fujian-pingtan_YYYY: 2011, 2012, 2013 and 2016–2025 (no 2014, 2015) = 13 years",
    route="sql",
)
add(
    "ct-huaian-reports",
    "count",
    "zh",
    "洪泽区政府有几份报告？",
    num(2),
    {"org": HZ, "year": None},
    "洪泽区 2023, 2024 = 2 reports",
)
add(
    "ct-en-hongze",
    "count",
    "en",
    "How many reports of 洪泽区 are there?",
    num(2),
    {"org": HZ, "year": None},
    "洪泽区 2023, 2024 = 2 reports",
)

# ------------------------------------------------------------------ refusals: what no report records (not_found)
refuse(
    "nf-pt-2024-reply-time",
    "zh",
    "平潭综合实验区2024年的平均答复时间是多少天？",
    PT,
    2024,
    "the template records no reply time; the text gives none",
)
refuse(
    "nf-huaian-satisfaction",
    "zh",
    "淮安市人民政府2024年的群众满意度是多少？",
    HH,
    2024,
    "no satisfaction figure in tables or text",
)
refuse(
    "nf-en-huaian-letter",
    "en",
    "How many requests by letter did Huai'an receive in 2024?",
    HH,
    2024,
    "the template does not count requests by channel",
)
refuse(
    "nf-pt-2023-letter",
    "zh",
    "平潭综合实验区2023年通过信函提交的申请有多少件？",
    PT,
    2023,
    "the 2023 text says 邮寄、网络 without counts per channel",
)
refuse(
    "nf-en-pt-time",
    "en",
    "How long did Pingtan take on average to answer a request in 2024?",
    PT,
    2024,
    "no reply time recorded",
)
refuse("nf-yichuan-days", "zh", "伊川县2020年答复申请平均用了几天", YC, 2020, "no reply time recorded")
refuse("nf-hongze-satisfaction", "zh", "洪泽区2024年申请人满意率是多少", HZ, 2024, "no satisfaction figure")
refuse(
    "nf-en-luolong-online",
    "en",
    "How many requests did 洛龙区政府办公室 receive online in 2021?",
    LL,
    2021,
    "the template does not count requests by channel",
)
refuse("nf-huaian-cost", "zh", "淮安市人民政府2024年办理政府信息公开申请的成本是多少？", HH, 2024, "no cost recorded")
refuse(
    "nf-en-pt-gender",
    "en",
    "How many of Pingtan's 2024 applicants were female?",
    PT,
    2024,
    "applicants are counted by type only",
)
refuse("nf-tw-pt-time", "zh", "平潭綜合實驗區2024年的平均答覆時間是多少天？", PT, 2024, "no reply time recorded")
refuse("nf-tw-huaian-sat", "zh", "淮安市人民政府2024年的滿意度是多少？", HH, 2024, "no satisfaction figure")


# ------------------------------------------------------------------ missing operands (a year without a report / table)
def missing(id_, lang, q, org, years, note, facet):
    refuse(id_, lang, q, org, years, note, facet=facet)


missing(
    "mo-pt-sum-2014",
    "zh",
    "平潭综合实验区2014年到2016年一共收到多少申请？",
    PT,
    2014,
    "no 2014 or 2015 report; the 2016 report has no T3 table",
    "sum",
)
missing(
    "mo-pt-sum-2018-2020",
    "zh",
    "平潭综合实验区2018年到2020年一共收到多少政府信息公开申请？",
    PT,
    2018,
    "the 2018 report has no T3 table (old template) → not computed",
    "sum",
)
missing("mo-pt-mult-2015", "zh", "平潭综合实验区2024年新收申请是2015年的几倍？", PT, 2015, "no 2015 report", "multiple")
missing(
    "mo-hongze-sum-2022", "zh", "洪泽区2022年到2024年一共收到多少申请？", HZ, 2022, "no 2022 report of 洪泽区", "sum"
)
missing(
    "mo-en-hongze-mean",
    "en",
    "What was the average number of new requests to 洪泽区 per year from 2022 to 2024?",
    HZ,
    2022,
    "no 2022 report",
    "mean",
)
missing(
    "mo-en-yichuan-growth",
    "en",
    "By what percentage did Yichuan County's new requests grow from 2019 to 2020?",
    YC,
    2019,
    "no 2019 report of 伊川县",
    "change_pct",
)
missing(
    "mo-luolong-diff", "zh", "洛龙区政府办公室2021年比2020年多收了多少申请？", LL, 2020, "no 2020 report", "difference"
)
missing(
    "mo-tw-pt-sum",
    "zh",
    "平潭綜合實驗區2018年到2020年一共收到多少政府信息公開申請？",
    PT,
    2018,
    "the 2018 report has no T3 table",
    "sum",
)

for item in items:
    assert item["source"].get("org"), item["id"]
UNSEEN = {item["id"] for n, item in enumerate(items) if n % 5 == 4}  # held out until the end (first score reported)
OUT.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
print(len(items), "items →", OUT)
(OUT.parent / "src" / "derived_unseen_ids.txt").write_text("\n".join(sorted(UNSEEN)) + "\n", encoding="utf-8")
