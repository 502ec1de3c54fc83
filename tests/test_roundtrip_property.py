"""Property: a generated report, its numbers printed in any real form and in any of the five formats,
parses back to exactly its facts — and where a crawler's run-together text leaves a split open, the
cell is ambiguous with the true value among its candidates, never a wrong value."""

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govqa.settings import ParsingSettings
from parsers.printed_numbers import NumberForms
from parsers.report import ReportParser
from parsers.synthetic import FORMATS, make_report, render

# PDFs take ~0.3 s to render and read; the other formats a few ms: every format, PDFs less often.
_FORMAT_WEIGHTS = ["txt"] * 4 + ["md"] * 2 + ["html"] * 2 + ["docx"] * 2 + ["pdf"]


@st.composite
def cases(draw, formats: list[str]):
    fmt = draw(st.sampled_from(formats))
    run_together = fmt == "txt" and draw(st.booleans())
    thousands = draw(st.sampled_from(["", ",", "，"]))
    forms = NumberForms(
        thousands=thousands,
        spaced=not thousands and not run_together and draw(st.booleans()),
        fullwidth=draw(st.booleans()),
        money_unit=draw(st.sampled_from(["万元", "元", "亿元"])),
        unit_in_cell=draw(st.booleans()),
        blank_mark="—" if run_together else draw(st.sampled_from(["", "—", "-", "/", "无"])),
        run_together=run_together,
    )
    return draw(st.integers(0, 10**6)), fmt, forms


def mismatches(truth: dict, parsed, run_together: bool) -> list[str]:
    """Cells read wrong: any value that differs; in run-together text also a candidate list missing the truth."""
    wrong = []
    for key, value in truth.items():
        fact = parsed.fact(key)
        if fact is None:
            wrong.append(f"{key}: no fact")
        elif run_together and fact.status in ("ambiguous", "missing"):
            if fact.candidates and value is not None and value not in fact.candidates:
                wrong.append(f"{key}: {value} not among {fact.candidates[:6]}")
        elif fact.value != value:
            wrong.append(f"{key}: {value} read as {fact.value} ({fact.status}, raw {fact.raw!r})")
    return wrong


def roundtrip(directory: Path, seed: int, fmt: str, forms: NumberForms, parser: ReportParser) -> list[str]:
    report = make_report(seed, numbers=forms)
    path = directory / f"r{seed}.{fmt}"
    path.write_bytes(render(report, fmt))
    parsed = parser.parse(path)
    assert (parsed.org, parsed.year, parsed.template) == (report.org, report.year, report.template)
    wrong = mismatches(report.facts, parsed, forms.run_together)
    wrong += [
        f"{f.key}: printed unit {f.printed_unit}, not {forms.money_unit}"
        for f in parsed.facts
        if f.kind == "amount" and f.value is not None and f.printed_unit != forms.money_unit
    ]
    if not forms.run_together:
        wrong += [f"rule broken: {c.rule}" for c in parsed.checks_failed]
    return wrong


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "forms",
    [
        NumberForms(thousands=",", fullwidth=True, money_unit="元", blank_mark="—"),
        NumberForms(spaced=True, money_unit="亿元", unit_in_cell=True, blank_mark="无"),
        NumberForms(thousands="，", money_unit="万元", unit_in_cell=True, blank_mark="/"),
    ],
    ids=["thousands-fullwidth-yuan", "spaced-yi-in-cell", "cjk-comma-wan-in-cell"],
)
def test_every_format_reads_every_number_form_back_exactly(tmp_path, fmt, forms):
    seed = next(s for s in range(200) if make_report(s).style.blank_columns)  # has blank cells to mark
    assert roundtrip(tmp_path, seed, fmt, forms, ReportParser(ParsingSettings())) == []


@pytest.mark.slow
def test_500_generated_reports_in_random_forms_and_formats_parse_back_with_no_mismatch(tmp_path):
    parser = ReportParser(ParsingSettings())
    seen: Counter = Counter()
    failures: list[str] = []

    @settings(
        max_examples=500,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(cases(_FORMAT_WEIGHTS))
    def check(case):
        seed, fmt, forms = case
        seen[fmt] += 1
        wrong = roundtrip(tmp_path, seed, fmt, forms, parser)
        if wrong:
            failures.append(f"seed {seed} {fmt} {forms}: {wrong[:3]}")
        assert wrong == []

    check()
    print(f"\ngenerated {sum(seen.values())} reports {dict(seen)}; mismatches: {len(failures)}")
    assert sum(seen.values()) >= 500 and set(seen) == set(FORMATS)
