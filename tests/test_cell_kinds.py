"""Cells read by their template kind: counts, money in 万元, the signed change; re-validation after parsing."""

import hashlib
import sqlite3

import pytest

from index.facts import FactStore
from index.models import SourceFile
from index.offices import is_government_office, office_record
from parsers.checks import revalidate, run_checks
from parsers.digits import CellSpec, read_row
from parsers.models import Fact
from parsers.printed_numbers import NumberForms
from parsers.report import ReportParser
from parsers.synthetic import make_report, render
from parsers.template import AMOUNT, COUNT, SIGNED, TABLES, TEMPLATE_UNIT, all_keys, cell_kind
from tests.conftest import RAW

PINGTAN_2020 = RAW / "fujian-pingtan_2020_pingtanarchive.txt"


# ---------------------------------------------------------------- the template's kinds
def test_only_the_change_column_is_signed_and_only_fees_and_procurement_are_money():
    keys = all_keys()
    signed = {k for k, info in keys.items() if info.kind == SIGNED}
    money = {k for k, info in keys.items() if info.kind == AMOUNT}
    assert signed == {
        f"T2/{r}/change"
        for r in ("admin_licensing", "other_admin_services", "admin_penalty", "admin_coercion", "admin_fees")
    }
    assert money == {"T2/admin_fees/fee_amount", "T2/centralized_procurement/procurement_amount"}
    assert all(keys[k].unit == TEMPLATE_UNIT for k in money)
    assert {cell_kind("T3", "total"), cell_kind("T4", "pending"), cell_kind("T2", "decisions")} == {COUNT}


def test_table_spec_names_the_section_rows_columns_and_rules_of_each_table():
    assert {t.key: t.section for t in TABLES.values()} == {"T2": "二", "T3": "三", "T4": "四"}
    t2 = TABLES["T2"]
    fees = next(r for r in t2.rows_for("v2021") if r.key == "admin_fees")
    assert t2.kinds_for(fees, "v2021") == [AMOUNT]
    assert len(TABLES["T3"].rows_for("v2019")) == 23 and len(TABLES["T3"].rows_for("v2021")) == 25
    assert len(TABLES["T4"].rows) * len(TABLES["T4"].columns) == 15
    assert [r.key for r in TABLES["T3"].rules] == ["t3_rows", "t3_balance", "t3_results"]


# ---------------------------------------------------------------- printed forms → values
@pytest.mark.parametrize(
    "region, kinds, values, status",
    [
        ("\t1,234\t", [COUNT], [1234], ["ok"]),
        ("\t1，234\t", [COUNT], [1234], ["ok"]),
        ("\t１２３\t４\t", [COUNT, COUNT], [123, 4], ["ok", "ok"]),
        ("\t1 234\t5\t", [COUNT, COUNT], [1234, 5], ["ok", "ok"]),
        ("\t12 34\t5\t", [COUNT, COUNT], [None, 5], ["ambiguous", "ok"]),  # two numbers in one cell: unknown
        ("\t3\t—\t/\t无\t-\t7", [COUNT] * 6, [3, None, None, None, None, 7], ["ok"] + ["blank"] * 4 + ["ok"]),
        ("\t-3\t", [COUNT], [None], ["ambiguous"]),  # a negative in a count cell is never stored
        ("\t12.5\t", [COUNT], [None], ["ambiguous"]),  # nor a decimal
        ("\t-3\t", [SIGNED], [-3], ["ok"]),
        ("\t+2\t", [SIGNED], [2], ["ok"]),
        ("\t251000元\t", [AMOUNT], [25.1], ["ok"]),
        ("\t73802895.90元\t", [AMOUNT], [7380.28959], ["ok"]),
        ("\t1.5亿元\t", [AMOUNT], [15000], ["ok"]),
        ("\t9116.36\t", [AMOUNT], [9116.36], ["ok"]),
        ("\t5949.092023107107\t", [AMOUNT], [None], ["ambiguous"]),  # finer than the 分: digits ran on
        ("行政许可 1,204 -3 ６６", [COUNT, SIGNED, COUNT], [1204, -3, 66], ["ok"] * 3),
    ],
)
def test_printed_forms_are_read_by_the_cell_kind(region, kinds, values, status):
    cells = read_row(region, [CellSpec(k) for k in kinds], None, 10_000)
    assert (cells.values, cells.status) == (values, status)


def test_money_unit_from_the_header_is_applied_to_money_cells_only():
    cells = read_row("\t12\t251000", [CellSpec(COUNT), CellSpec(AMOUNT, "元")], None, 10_000)
    assert cells.values == [12, 25.1] and cells.units == [None, "元"]


# ---------------------------------------------------------------- run-together digits
def test_a_decimal_does_not_run_into_the_integer_cell_after_it():
    cells = read_row("5949.092023", [CellSpec(AMOUNT), CellSpec(COUNT)], None, 10_000)
    assert cells.status == ["ambiguous", "ambiguous"]
    assert [5949.09, 2023] in cells.candidates
    assert all(float(c[1]).is_integer() for c in cells.candidates)


def test_a_decimal_with_digits_run_on_is_ambiguous_with_its_printed_value_among_the_candidates():
    cells = read_row("5949.092023107107", [CellSpec(AMOUNT)], None, 10_000)
    assert cells.values == [None] and [5949.09] in cells.candidates and [5949.092023] in cells.candidates


def test_the_sign_belongs_to_the_signed_cell_only():
    cells = read_row(
        "2648-18538", [CellSpec(COUNT), CellSpec(SIGNED), CellSpec(COUNT)], lambda v: v[0] + v[1] >= 0, 10_000
    )
    assert cells.values[0] == 2648 and cells.status == ["ok", "ambiguous", "ambiguous"]
    assert [2648, -18, 538] in cells.candidates
    assert all(c[1] < 0 and c[2] >= 0 for c in cells.candidates)


def test_money_printed_in_yuan_after_run_together_digits_is_converted_in_every_candidate():
    cells = read_row("39573802895.90元", [CellSpec(COUNT), CellSpec(AMOUNT)], None, 10_000)
    assert [395, 7380.28959] in cells.candidates
    assert all(isinstance(c[0], int) for c in cells.candidates)


@pytest.mark.corpus
def test_pingtan_2020_penalty_row_keeps_the_change_and_the_decisions_apart():
    report = ReportParser().parse(PINGTAN_2020)  # 行政处罚2648-18538: 2648 | -18 | 538
    prior, change, decisions = (report.fact(f"T2/admin_penalty/{c}") for c in ("prior_count", "change", "decisions"))
    assert (prior.value, prior.status) == (2648, "ok")
    assert change.status == "ambiguous" and change.value is None and -18 in change.candidates
    assert decisions.status == "ambiguous" and decisions.value is None and 538 in decisions.candidates
    assert all(c >= 0 for c in decisions.candidates) and all(c < 0 for c in change.candidates)


@pytest.mark.corpus
def test_pingtan_2020_procurement_in_yuan_is_stored_in_wan_yuan_with_the_printed_text():
    fact = (
        ReportParser()
        .parse(RAW / "fujian-pingtan_2020_pingtanarchive.html")
        .fact("T2/centralized_procurement/procurement_amount")
    )
    assert (fact.value, fact.raw, fact.unit, fact.printed_unit) == (7380.28959, "73802895.90元", "万元", "元")


@pytest.mark.parametrize("unit, factor", [("元", 10_000), ("亿元", 0.0001)])
def test_a_header_in_another_unit_is_converted_and_recorded(tmp_path, unit, factor):
    report = make_report(3, template="v2019", numbers=NumberForms(money_unit=unit))
    path = tmp_path / "r.txt"
    path.write_bytes(render(report, "txt"))
    fact = ReportParser().parse(path).fact("T2/centralized_procurement/procurement_amount")
    truth = report.facts["T2/centralized_procurement/procurement_amount"]
    assert fact.value == truth and fact.printed_unit == unit and fact.unit == "万元"
    assert float(fact.raw) == pytest.approx(truth * factor)


# ---------------------------------------------------------------- re-validation after parsing
def _fact(key: str, value, kind: str = COUNT, split: str = "") -> Fact:
    table, row, col = key.split("/")
    return Fact(
        key=key,
        table=table,
        row=row,
        col=col,
        value=value,
        raw=str(value),
        label=row,
        col_label=col,
        kind=kind,
        split=split,
    )


def test_a_value_not_of_its_kind_is_demoted_to_ambiguous_with_a_warning_naming_the_cell():
    facts = [
        _fact("T2/admin_penalty/decisions", -18538),
        _fact("T2/admin_fees/fee_amount", 5949.092023107107, AMOUNT),
        _fact("T2/admin_penalty/change", -18, SIGNED),
    ]
    warnings = revalidate(facts, run_checks(facts))
    assert [f.status for f in facts] == ["ambiguous", "ambiguous", "ok"]
    assert facts[0].value is None and any("T2/admin_penalty/decisions" in w for w in warnings)
    assert any("T2/admin_fees/fee_amount" in w for w in warnings)


def test_a_split_chosen_by_kinds_alone_that_breaks_a_rule_is_demoted_but_a_printed_cell_is_not():
    by_kinds = [
        _fact("T2/admin_coercion/prior_count", 1, split="by_kinds"),
        _fact("T2/admin_coercion/change", -26, SIGNED, split="by_kinds"),
    ]
    printed = [_fact("T2/admin_licensing/prior_count", 1), _fact("T2/admin_licensing/change", -26, SIGNED)]
    checks = run_checks(by_kinds + printed)
    assert checks[0].ok is False and "T2/admin_coercion/change" in checks[0].cells
    warnings = revalidate(by_kinds + printed, checks)
    assert [f.status for f in by_kinds] == ["ambiguous", "ambiguous"] and by_kinds[1].candidates == [-26]
    assert [f.status for f in printed] == ["ok", "ok"] and len(warnings) == 2


# ---------------------------------------------------------------- the unit in the store
@pytest.mark.corpus
def test_the_store_records_the_unit_and_the_printed_unit_of_money_cells(settings):
    report = ReportParser().parse(RAW / "fujian-pingtan_2020_pingtanarchive.html")
    store = FactStore.from_settings(settings)
    office = office_record(report.org, report.region, is_government_office(report.org), [report.year])
    store.replace_report(report, [SourceFile(source=report.source, sha256=hashlib.sha256(b"x").hexdigest())], office)
    store.close()
    with sqlite3.connect(settings.data_dir / "facts.sqlite3") as conn:
        rows = dict(
            (
                (k, (v, u, p))
                for k, v, u, p in conn.execute(
                    "SELECT key, value, unit, printed_unit FROM facts WHERE key LIKE 'T2/centralized_procurement/%'"
                )
            )
        )
        view = conn.execute(
            "SELECT org, year, value, unit FROM fact_values WHERE key = 'T2/centralized_procurement/procurement_amount'"
        ).fetchall()
    assert rows == {
        "T2/centralized_procurement/procurement_amount": (7380.28959, "万元", "元"),
        "T2/centralized_procurement/procurement_items": (395, None, None),
    }
    assert view == [("平潭综合实验区", 2020, 7380.28959, "万元")]


def test_a_dash_between_run_together_digits_is_one_blank_cell():
    cells = read_row("12—300015", [CellSpec()] * 7, lambda v: sum(v[:6]) == v[6], 10_000)
    assert cells.values == [12, None, 3, 0, 0, 0, 15] and cells.status[1] == "blank"


def test_a_run_of_dashes_between_run_together_digits_is_as_many_blank_cells_as_the_row_needs():
    cells = read_row("3—————3", [CellSpec()] * 7, lambda v: sum(v[:6]) == v[6], 10_000)
    assert cells.values == [3, None, None, None, None, None, 3] and cells.status.count("blank") == 5


@pytest.mark.parametrize(
    "row_text, value, printed_unit",
    [
        ("政府集中采购（元）\t395\t73802895.90", 7380.28959, "元"),  # the unit after the row label
        ("政府集中采购\t395\t1.2亿元", 12000, "亿元"),  # in the cell, over the header's 万元
        ("政府集中采购\t395\t94430", 94430, "万元"),  # the header's
    ],
)
def test_money_unit_is_taken_from_the_cell_the_row_label_or_the_header(row_text, value, printed_unit):
    from parsers.tables import parse_t2

    text = (
        f"二、主动公开政府信息情况\n第二十条第（九）项\n信息内容\t采购项目数量\t采购总金额（单位：万元）\n{row_text}\n"
    )
    facts, _ = parse_t2(text, (0, len(text)), "v2019", 10_000)
    amount = next(f for f in facts if f.col == "procurement_amount")
    assert (amount.value, amount.printed_unit, amount.unit) == (value, printed_unit, "万元")
    assert next(f for f in facts if f.col == "procurement_items").value == 395
