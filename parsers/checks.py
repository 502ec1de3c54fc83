"""The template's consistency rules (勾稽关系), evaluated on a report's facts; re-validation of every cell.

The rules are named in parsers/template.py (TABLES[...].rules); this module evaluates them. After
parsing, ``revalidate`` re-checks each numeric fact against its cell kind and the rules it takes part
in, so a value the reading got wrong is stored ambiguous with a warning, never as ok.
"""

from collections.abc import Callable

from parsers.models import Check, Fact, Number
from parsers.template import (
    AMOUNT,
    COUNT,
    MONEY_UNITS,
    RULES,
    SIGNED,
    T3_COLUMNS,
    T3_RESULT_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
    TABLES,
    TEMPLATE_UNIT,
)

_EPS = 1e-6
Failure = tuple[str, list[str]]  # what is broken, the keys of the cells involved


def _grid(facts: list[Fact]) -> dict[str, Number | None]:
    """Values by key: blank counts as 0 (as the printed totals do), an unknown cell as None."""
    return {
        f.key: None if f.status in ("ambiguous", "missing") else (f.value if f.value is not None else 0) for f in facts
    }


def _rule(name: str, failures: list[Failure], unknown: list[str]) -> Check:
    if failures:
        return Check(
            rule=name,
            ok=False,
            detail="; ".join(f for f, _ in failures),
            cells=[k for _, keys in failures for k in keys],
        )
    if unknown:
        return Check(rule=name, ok=None, detail="not checked: unknown cells " + ", ".join(unknown[:8]))
    return Check(rule=name, ok=True, detail="holds")


def _fmt(x: Number) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _known(values: dict[str, Number | None], keys: list[str]) -> list[Number] | None:
    """The values of the cells, or None when any of them is unknown (ambiguous, missing or absent)."""
    cells = [values.get(k) for k in keys]
    return [c for c in cells if c is not None] if None not in cells else None


def _t3_rows(values: dict, failures: list[Failure], unknown: list[str]) -> None:
    cols = [c.key for c in T3_COLUMNS]
    for r in dict.fromkeys(k.split("/")[1] for k in values if k.startswith("T3/")):
        keys = [f"T3/{r}/{c}" for c in cols]
        cells = _known(values, keys)
        if cells is None:
            unknown.append(r)
        elif abs(sum(cells[:6]) - cells[6]) > _EPS:
            failures.append(
                (f"{r}: {'+'.join(_fmt(x) for x in cells[:6])}={_fmt(sum(cells[:6]))} ≠ total {_fmt(cells[6])}", keys)
            )


def _t3_balance(values: dict, failures: list[Failure], unknown: list[str]) -> None:
    for c in (c.key for c in T3_COLUMNS):
        keys = [f"T3/{r}/{c}" for r in ("new_requests", "carried_over", "processed_total", "carried_forward")]
        known = _known(values, keys)
        if known is None:
            unknown.append(c)
            continue
        a, b, t, f = known
        if abs(a + b - t - f) > _EPS:
            failures.append((f"{c}: {_fmt(a)}+{_fmt(b)} ≠ {_fmt(t)}+{_fmt(f)}", keys))


def _t3_results(values: dict, failures: list[Failure], unknown: list[str]) -> None:
    for c in (c.key for c in T3_COLUMNS):
        keys = [f"T3/{r}/{c}" for r in T3_RESULT_ROWS if f"T3/{r}/{c}" in values]
        results = _known(values, keys)
        total = values.get(f"T3/processed_total/{c}")
        if results is None or total is None:
            unknown.append(c)
        elif abs(sum(results) - total) > _EPS:
            failures.append(
                (
                    f"{c}: results sum to {_fmt(sum(results))} ≠ total processed {_fmt(total)}",
                    keys + [f"T3/processed_total/{c}"],
                )
            )


def _t4_groups(values: dict, failures: list[Failure], unknown: list[str]) -> None:
    for g in T4_GROUPS:
        keys = [f"T4/{g.key}/{o.key}" for o in T4_OUTCOMES]
        cells = _known(values, keys)
        if cells is None:
            unknown.append(g.key)
        elif abs(sum(cells[:4]) - cells[4]) > _EPS:
            failures.append((f"{g.key}: {'+'.join(_fmt(x) for x in cells[:4])} ≠ total {_fmt(cells[4])}", keys))


def _t2_items(values: dict, failures: list[Failure], unknown: list[str]) -> None:
    for row in dict.fromkeys(k.split("/")[1] for k in values if k.startswith("T2/") and k.endswith("/change")):
        keys = [f"T2/{row}/prior_count", f"T2/{row}/change"]
        known = _known(values, keys)
        if known is None:
            unknown.append(row)
            continue
        prior, change = known
        if prior + change < 0:
            failures.append((f"{row}: {_fmt(prior)}{change:+} < 0 items this year", keys))


_EVALUATORS: dict[str, Callable[[dict, list[Failure], list[str]], None]] = {
    "t2_items": _t2_items,
    "t3_rows": _t3_rows,
    "t3_balance": _t3_balance,
    "t3_results": _t3_results,
    "t4_groups": _t4_groups,
}


def run_checks(facts: list[Fact]) -> list[Check]:
    """Every rule of every table the report has facts for, in template order."""
    checks = []
    for table in TABLES.values():
        mine = [f for f in facts if f.table == table.key]
        if not mine or table.key == "T2" and not any(f.col == "change" for f in mine):
            continue
        values = _grid(mine)
        for rule in table.rules:
            failures: list[Failure] = []
            unknown: list[str] = []
            _EVALUATORS[rule.key](values, failures, unknown)
            checks.append(_rule(RULES[rule.key].text, failures, unknown))
    return checks


def kind_problem(fact: Fact) -> str | None:
    """Why a stored value is not a number of its cell's kind, or None when it is."""
    v = fact.value
    if v is None:
        return None
    if fact.kind in (COUNT, SIGNED) and not float(v).is_integer():
        return f"{v} is not an integer"
    if fact.kind in (COUNT, AMOUNT) and v < 0:
        return f"{v} is negative in a cell that cannot be"
    if fact.kind == AMOUNT and abs(round(v, MONEY_UNITS[TEMPLATE_UNIT][1]) - v) > 1e-9:
        return f"{v} is finer than the 分 in {TEMPLATE_UNIT}"
    return None


def revalidate(facts: list[Fact], checks: list[Check]) -> list[str]:
    """Demote to ambiguous every ok fact that is not of its kind, or that was cut from run-together digits
    by the kinds alone and takes part in a broken rule: that cut was our inference. A printed cell, or the
    only cut its row's own arithmetic allows, stands as the report printed it, the violation recorded.
    Returns one warning per demoted cell, naming it."""
    broken = {k: c.rule for c in checks if c.ok is False for k in c.cells}
    warnings = []
    for fact in facts:
        if fact.status != "ok":
            continue
        problem = kind_problem(fact)
        if problem is None and fact.split == "by_kinds" and fact.key in broken:
            problem = f"its split from '{fact.raw}' breaks the rule '{broken[fact.key]}'"
        if problem:
            warnings.append(f"{fact.key}: {problem}; stored as ambiguous")
            fact.candidates = [fact.value] if fact.split and fact.value is not None else []
            fact.status, fact.value = "ambiguous", None
    return warnings
