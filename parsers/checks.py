"""The template's consistency rules (勾稽关系), evaluated on a report's facts."""

from parsers.models import Check, Fact, Number
from parsers.template import T3_COLUMNS, T3_RESULT_ROWS, T4_GROUPS, T4_OUTCOMES

_EPS = 1e-6


def _grid(facts: list[Fact]) -> tuple[dict[str, Number | None], set[str]]:
    """Values by key (blank counts as 0, as the printed totals do) and the keys that are unknown."""
    values: dict[str, Number | None] = {}
    unknown: set[str] = set()
    for f in facts:
        if f.status in ("ambiguous", "missing"):
            unknown.add(f.key)
            values[f.key] = None
        else:
            values[f.key] = f.value if f.value is not None else 0
    return values, unknown


def _rule(name: str, failures: list[str], unknown: list[str]) -> Check:
    if failures:
        return Check(rule=name, ok=False, detail="; ".join(failures))
    if unknown:
        return Check(rule=name, ok=None, detail="not checked: unknown cells " + ", ".join(unknown[:8]))
    return Check(rule=name, ok=True, detail="holds")


def _fmt(x: Number) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def check_t3(facts: list[Fact]) -> list[Check]:
    values, unknown_keys = _grid([f for f in facts if f.table == "T3"])
    rows = [r for r in dict.fromkeys(k.split("/")[1] for k in values)]
    cols = [c.key for c in T3_COLUMNS]
    row_fail, row_unknown = [], []
    for r in rows:
        cells = [values.get(f"T3/{r}/{c}") for c in cols]
        if None in cells:
            row_unknown.append(r)
        elif abs(sum(cells[:6]) - cells[6]) > _EPS:
            row_fail.append(f"{r}: {'+'.join(_fmt(x) for x in cells[:6])}={_fmt(sum(cells[:6]))} ≠ total {_fmt(cells[6])}")
    balance_fail, balance_unknown, result_fail, result_unknown = [], [], [], []
    for c in cols:
        keys = [f"T3/{r}/{c}" for r in ("new_requests", "carried_over", "processed_total", "carried_forward")]
        a, b, t, f = (values.get(k) for k in keys)
        if None in (a, b, t, f):
            balance_unknown.append(c)
        elif abs(a + b - t - f) > _EPS:
            balance_fail.append(f"{c}: {_fmt(a)}+{_fmt(b)} ≠ {_fmt(t)}+{_fmt(f)}")
        results = [values.get(f"T3/{r}/{c}") for r in T3_RESULT_ROWS if f"T3/{r}/{c}" in values]
        if None in results or t is None:
            result_unknown.append(c)
        elif abs(sum(results) - t) > _EPS:
            result_fail.append(f"{c}: results sum to {_fmt(sum(results))} ≠ total processed {_fmt(t)}")
    return [
        _rule("T3 rows: total = sum of the six applicant columns", row_fail, row_unknown),
        _rule("T3 columns: new + carried over = total processed + carried forward", balance_fail, balance_unknown),
        _rule("T3 columns: total processed = sum of results (一)…(六)", result_fail, result_unknown),
    ]


def check_t4(facts: list[Fact]) -> list[Check]:
    values, _ = _grid([f for f in facts if f.table == "T4"])
    fail, unknown = [], []
    for g in T4_GROUPS:
        cells = [values.get(f"T4/{g.key}/{o.key}") for o in T4_OUTCOMES]
        if None in cells:
            unknown.append(g.key)
        elif abs(sum(cells[:4]) - cells[4]) > _EPS:
            fail.append(f"{g.key}: {'+'.join(_fmt(x) for x in cells[:4])} ≠ total {_fmt(cells[4])}")
    return [_rule("T4: each group's total = upheld + corrected + other + pending", fail, unknown)]


def run_checks(facts: list[Fact]) -> list[Check]:
    checks = []
    if any(f.table == "T3" for f in facts):
        checks.extend(check_t3(facts))
    if any(f.table == "T4" for f in facts):
        checks.extend(check_t4(facts))
    return checks
