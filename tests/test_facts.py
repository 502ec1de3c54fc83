"""The fact store on a real SQLite file: migrations, transactions, parameterised queries, views."""

import hashlib
import os
import sqlite3
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from govqa.errors import StoreError
from index.facts import FactStore, create_engine
from index.migrations import MIGRATIONS, migrate
from index.models import SourceFile
from index.offices import is_government_office, office_record
from parsers.models import Fact, Report, Section
from parsers.template import T3_COLUMNS, all_keys

INJECTION = "伊川县人民政府'; DROP TABLE facts; --"

# Narrative of a small 2020 report in the shape the parser produces: （一） sub-sections under 一.
YICHUAN_SECTIONS = [
    (
        "一",
        "总体情况",
        "2020年，伊川县深入贯彻落实政府信息公开条例，扎实推进政务公开。",
        [
            ("（一）", "主动公开情况", "全年主动公开政府信息5133条，发布政策解读496条。"),
            (
                "（二）",
                "政府信息公开平台建设情况",
                "根据政务新媒体管理要求，督促政务新媒体主办单位履行职责，全县目前保留政务新媒体4个，其中微信3个、微博1个。",
            ),
        ],
    ),
    ("二", "主动公开政府信息情况", "规章\t0\t0\t0", []),
    ("三", "收到和处理政府信息公开申请情况", "本年新收政府信息公开申请数量\t2\t21\t0\t0\t4\t0\t27", []),
    ("四", "政府信息公开行政复议、行政诉讼情况", "0\t0\t0\t0\t0", []),
    (
        "五",
        "存在的主要问题及改进情况",
        "政务公开工作人员业务水平有待提高。下一步加强培训，规范政务新媒体开设程序。",
        [],
    ),
    ("六", "其他需要报告的事项", "无", []),
]

YICHUAN_T3 = {
    "new_requests": [2, 21, 0, 0, 4, 0, 27],
    "carried_over": [0, 0, 0, 0, 0, 0, 0],
    "granted": [1, 21, 0, 0, 3, 0, 25],
    "partially_granted": [0, 0, 0, 0, 1, 0, 1],
    "denied_internal_affairs": [1, 0, 0, 0, 0, 0, 1],
    "processed_total": [2, 21, 0, 0, 4, 0, 27],
    "carried_forward": [0, 0, 0, 0, 0, 0, 0],
}


def fact(key: str, value, status: str | None = None, candidates=(), span=None) -> Fact:
    info = all_keys()[key]
    return Fact(
        key=key,
        table=info.table,
        row=info.row,
        col=info.col,
        value=value,
        raw="" if value is None else str(value),
        label=info.row_label,
        col_label=info.col_label,
        status=status or ("ok" if value is not None else "blank"),
        candidates=list(candidates),
        span=span,
    )


def t3_facts(rows: dict[str, list]) -> list[Fact]:
    return [
        fact(f"T3/{row}/{col.key}", v)
        for row, values in rows.items()
        for col, v in zip(T3_COLUMNS, values, strict=False)
    ]


def build_report(
    org: str = "伊川县人民政府",
    year: int | None = 2020,
    *,
    sections=YICHUAN_SECTIONS,
    facts: list[Fact] | None = None,
    template: str = "v2019",
    region: list[str] | None = None,
    report_id: str | None = None,
) -> tuple[Report, str]:
    """A report as the parser would give it, and its text: spans point into that text."""
    title = f"{org}{year}年政府信息公开工作年度报告"
    text = title + "\n\n"
    parsed: list[Section] = []
    for number, heading, body, kids in sections:
        start = len(text)
        text += f"{number}、{heading}\n\n"
        body_start = len(text)
        text += body + "\n\n"
        children = []
        for kid_number, kid_heading, kid_body in kids:
            kid_start = len(text)
            text += f"{kid_number}{kid_heading}\n\n{kid_body}\n\n"
            children.append(
                Section(
                    number=kid_number,
                    level=2,
                    heading=kid_heading,
                    text=kid_body,
                    span=(kid_start, len(text)),
                    parent=number,
                )
            )
        parsed.append(
            Section(number=number, level=1, heading=heading, text=text[body_start:].strip(), span=(start, len(text)))
        )
        parsed += children
    if facts is None:
        facts = t3_facts(YICHUAN_T3) + [fact("T2/admin_licensing/decisions", 49822)]
    rid = report_id or hashlib.sha256(text.encode()).hexdigest()[:16]
    report = Report(
        report_id=rid,
        source=f"{org}{year}.txt",
        title=title,
        org=org,
        region=region or [],
        year=year,
        template=template,
        sections=parsed,
        facts=facts,
    )
    return report, text


def make_report(org: str = "伊川县人民政府", year: int | None = 2020, **kwargs) -> Report:
    return build_report(org, year, **kwargs)[0]


def store_report(store: FactStore, report: Report, source: str | None = None, **kwargs) -> list[str]:
    office = office_record(report.org, report.region, is_government_office(report.org), [report.year or 0])
    sources = [SourceFile(source=source or report.source, sha256=hashlib.sha256(report.report_id.encode()).hexdigest())]
    return store.replace_report(report, sources, office, **kwargs)


@pytest.fixture
def store(settings):
    fact_store = FactStore.from_settings(settings)
    yield fact_store
    fact_store.close()


def db_file(settings) -> str:
    return str(settings.data_dir / "facts.sqlite3")


# ------------------------------------------------------------------ migrations
def test_migrations_are_recorded_once_and_rerun_safely(settings):
    FactStore.from_settings(settings).close()
    FactStore.from_settings(settings).close()
    with sqlite3.connect(db_file(settings)) as conn:
        ledger = conn.execute("SELECT number, name FROM schema_migrations").fetchall()
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    assert [n for n, _ in ledger] == [m[0] for m in MIGRATIONS]
    assert {
        "reports",
        "report_sources",
        "facts",
        "offices",
        "fact_values",
        "report_t3_totals",
        "store_version",
    } <= names


def test_a_reader_sees_the_store_version_and_generations_change_after_another_connection_writes(store, settings):
    reader = FactStore.from_settings(settings, read_only=True)
    before, live = reader.version(), reader.generations()
    assert live == {} and reader.generations() is live  # unchanged store: the cached map, not a re-read
    store_report(store, make_report())
    store_report(store, make_report(year=2021))
    assert reader.version() == before + 2
    after = reader.generations()
    assert sorted(r.year for r in reader.reports()) == [2020, 2021] and set(after) == {
        r.report_id for r in reader.reports()
    }
    store.delete_report(next(iter(after)))
    assert len(reader.generations()) == 1 and reader.version() == before + 3
    reader.close()


def test_a_failing_migration_rolls_back_and_names_itself(settings):
    engine = create_engine(f"sqlite:///{settings.data_dir / 'm.sqlite3'}")
    bad = [
        (1, "good", ["CREATE TABLE kept (x INTEGER)"]),
        (2, "broken", ["CREATE TABLE half (x INTEGER)", "INSERT INTO missing_table VALUES (1)"]),
    ]
    with pytest.raises(StoreError, match="migration 2 \\(broken\\)"):
        migrate(engine, bad)
    with engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        ledger = conn.execute(sa.text("SELECT number FROM schema_migrations")).scalars().all()
    assert "kept" in tables and "half" not in tables
    assert ledger == [1]
    engine.dispose()


def test_sqlite_store_uses_wal_so_readers_do_not_wait_for_a_writer(store, settings):
    store_report(store, make_report())
    reader = FactStore.from_settings(settings, read_only=True)
    writer_has_lock, release = threading.Event(), threading.Event()

    def hold_write_transaction():
        with store._write() as conn:
            conn.execute(sa.text("DELETE FROM offices"))
            writer_has_lock.set()
            release.wait(10)

    thread = threading.Thread(target=hold_write_transaction)
    thread.start()
    writer_has_lock.wait(10)
    started = time.perf_counter()
    try:
        reports = reader.reports()
    finally:
        release.set()
        thread.join()
        reader.close()
    assert [r.org for r in reports] == ["伊川县人民政府"]
    assert time.perf_counter() - started < 1.0
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_read_only_store_refuses_writes(store, settings):
    reader = FactStore.from_settings(settings, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.delete_report("anything")
    reader.close()


def test_read_only_store_on_an_empty_data_dir_says_to_ingest_first(settings):
    with pytest.raises(StoreError, match="govqa ingest"):
        FactStore.from_settings(settings, read_only=True)


def test_unusable_database_url_is_a_store_error():
    with pytest.raises(StoreError):
        FactStore("no-such-dialect://nowhere/db")


# ------------------------------------------------------------------ facts
def test_stored_fact_keeps_its_value_label_and_location(store):
    store_report(store, make_report(facts=[fact("T3/new_requests/total", 27, span=(1830, 1865))]))
    [record] = store.facts(orgs=["伊川县人民政府"], years=[2020], keys=["T3/new_requests/total"])
    assert (record.value, record.raw, record.label, record.col_label) == (
        27,
        "27",
        "一、本年新收政府信息公开申请数量",
        "总计",
    )
    assert isinstance(record.value, int)
    assert (record.table, record.row, record.col, record.span) == ("T3", "new_requests", "total", (1830, 1865))


@pytest.mark.parametrize("value", [18651.06, -18, 0, 49822])
def test_signed_and_decimal_values_round_trip(store, value):
    store_report(store, make_report(facts=[fact("T2/admin_licensing/decisions", value)]))
    assert store.facts(keys=["T2/admin_licensing/decisions"])[0].value == value


def test_blank_cells_are_stored_as_null_and_left_out_of_aggregates(store):
    store_report(store, make_report(year=2020, facts=[fact("T3/new_requests/natural_person", None)]))
    store_report(store, make_report(year=2021, facts=[fact("T3/new_requests/natural_person", 5)]))
    values = [(r.year, r.value, r.status) for r in store.facts(keys=["T3/new_requests/natural_person"])]
    assert values == [(2020, None, "blank"), (2021, 5, "ok")]
    assert store.aggregate("T3/new_requests/natural_person", None, None, "avg") == 5.0


def test_ambiguous_cell_keeps_its_candidates(store):
    store_report(store, make_report(facts=[fact("T3/granted/total", None, "ambiguous", [21, 210])]))
    [record] = store.facts(keys=["T3/granted/total"])
    assert (record.value, record.status, record.candidates) == (None, "ambiguous", [21, 210])
    assert store.reports()[0].n_ambiguous == 1


@pytest.mark.parametrize(("fn", "expected"), [("sum", 76.0), ("max", 49.0), ("min", 27.0), ("avg", 38.0)])
def test_aggregate_counts_only_the_given_offices_and_years(store, fn, expected):
    store_report(store, make_report("伊川县人民政府", 2020, facts=[fact("T3/new_requests/total", 27)]))
    store_report(store, make_report("洛阳市洛龙区人民政府办公室", 2021, facts=[fact("T3/new_requests/total", 49)]))
    store_report(store, make_report("伊川县人民政府", 2019, facts=[fact("T3/new_requests/total", 500)]))
    store_report(store, make_report("淮安市人民政府", 2021, facts=[fact("T3/new_requests/total", 1000)]))
    orgs = ["伊川县人民政府", "洛阳市洛龙区人民政府办公室"]
    assert store.aggregate("T3/new_requests/total", orgs, [2020, 2021], fn) == pytest.approx(expected)


def test_aggregate_with_no_values_is_none_and_unknown_function_is_refused(store):
    store_report(store, make_report())
    assert store.aggregate("T4/reconsideration/total", None, None, "sum") is None
    with pytest.raises(StoreError, match="unknown aggregate"):
        store.aggregate("T3/new_requests/total", None, None, "median")


def test_sql_injection_string_as_org_returns_nothing_and_drops_nothing(store, settings):
    store_report(store, make_report())
    before = store.counts()
    assert store.facts(orgs=[INJECTION]) == []
    assert store.reports(org=INJECTION) == []
    assert store.find_report(INJECTION, 2020) is None
    assert store.aggregate("T3/new_requests/total", [INJECTION], None, "sum") is None
    store.delete_report(INJECTION)
    assert store.counts() == before
    assert store.facts(orgs=["伊川县人民政府"], keys=["T3/new_requests/total"])[0].value == 27


# ------------------------------------------------------------------ reports and sources
def test_report_round_trips_the_full_parsed_report(store):
    report = make_report()
    store_report(store, report)
    assert store.report(report.report_id) == report
    with pytest.raises(StoreError, match="no report"):
        store.report("0000000000000000")


def test_find_report_matches_office_and_year_only(store):
    report = make_report(year=2020)
    store_report(store, report)
    assert store.find_report("伊川县人民政府", 2020).report_id == report.report_id
    assert store.find_report("伊川县人民政府", 2021) is None
    assert store.find_report("伊川县", 2020) is None


def test_replacing_a_report_removes_its_old_facts(store):
    report = make_report(facts=[fact("T3/new_requests/total", 26), fact("T3/granted/total", 25)])
    store_report(store, report)
    fixed = report.model_copy(update={"facts": [fact("T3/new_requests/total", 27)]})
    store_report(store, fixed)
    assert [(f.key, f.value) for f in store.facts()] == [("T3/new_requests/total", 27)]
    assert store.counts()["reports"] == 1


def test_a_superseded_report_is_removed_and_returned(store):
    old = make_report(report_id="a" * 16)
    new = make_report(report_id="b" * 16)
    store_report(store, old, source="/r/yichuan.txt")
    removed = store_report(store, new, source="/r/yichuan.txt", replaces=[old.report_id])
    assert removed == [old.report_id]
    assert [r.report_id for r in store.reports()] == [new.report_id]


def test_a_report_left_without_sources_is_dropped_when_its_file_moves(store):
    first = make_report("伊川县人民政府", 2020)
    second = make_report("伊川县人民政府", 2021)
    store_report(store, first, source="/r/a.txt")
    store_report(store, second, source="/r/b.txt")
    removed = store.add_source(second.report_id, "/r/a.txt", "sha-of-new-a")
    assert removed == [first.report_id]
    assert [r.year for r in store.reports()] == [2021]
    assert store.reports()[0].sources == ["/r/a.txt", "/r/b.txt"]


def test_content_hash_finds_the_report_that_file_belongs_to(store):
    report = make_report()
    store.replace_report(report, [SourceFile(source="/r/a.txt", sha256="abc")], office_record(report.org, [], True, []))
    assert store.report_by_content_hash("abc").report_id == report.report_id
    assert store.report_by_content_hash("def") is None
    assert store.source("/r/a.txt") == SourceFile(source="/r/a.txt", sha256="abc", report_id=report.report_id)


def test_failed_write_rolls_back_and_keeps_the_stored_report(store):
    good = make_report()
    store_report(store, good)
    broken = good.model_copy(update={"facts": [fact("T3/new_requests/total", 1), fact("T3/new_requests/total", 2)]})
    with pytest.raises(StoreError, match="write failed"):
        store_report(store, broken)
    assert store.report(good.report_id) == good
    assert len(store.facts()) == len(good.facts)


# ------------------------------------------------------------------ offices and views
def test_offices_carry_aliases_pinyin_and_years_and_vanish_with_their_last_report(store):
    r2020, r2021 = make_report(year=2020), make_report(year=2021)
    store_report(store, r2020)
    store_report(store, r2021)
    [office] = store.offices()
    assert (office.org, office.years, office.is_government) == ("伊川县人民政府", [2020, 2021], True)
    assert {"伊川县", "伊川"} <= set(office.aliases) and "yichuan" in office.pinyin
    store.delete_report(r2020.report_id)
    store.delete_report(r2021.report_id)
    assert store.offices() == []


def test_t3_totals_view_gives_one_row_per_report_in_plain_sqlite(store, settings):
    store_report(store, make_report())
    store_report(store, make_report("洛阳市洛龙区人民政府办公室", 2021, facts=[fact("T3/new_requests/total", 49)]))
    with sqlite3.connect(db_file(settings)) as conn:
        rows = conn.execute(
            "SELECT org, year, new_requests, carried_over, processed_total, carried_forward, granted, denied "
            "FROM report_t3_totals ORDER BY org"
        ).fetchall()
    assert rows == [
        ("伊川县人民政府", 2020, 27, 0, 27, 0, 25, 1),
        ("洛阳市洛龙区人民政府办公室", 2021, 49, None, None, None, None, None),
    ]


def test_fact_values_view_joins_office_year_and_title(store, settings):
    store_report(store, make_report())
    with sqlite3.connect(db_file(settings)) as conn:
        row = conn.execute(
            "SELECT org, year, title, value FROM fact_values WHERE key = 'T2/admin_licensing/decisions'"
        ).fetchone()
    assert row == ("伊川县人民政府", 2020, "伊川县人民政府2020年政府信息公开工作年度报告", 49822)


def test_counts_and_clear(store):
    store_report(store, make_report())
    assert store.counts() == {"reports": 1, "facts": len(make_report().facts), "offices": 1, "sources": 1}
    store.clear()
    assert store.counts() == {"reports": 0, "facts": 0, "offices": 0, "sources": 0}


# ------------------------------------------------------------------ PostgreSQL (when a server is given)
@pytest.fixture
def postgres_store():
    """A fresh database on the server named by GOVQA_TEST_POSTGRES_URL (e.g. postgresql+psycopg://postgres@/postgres
    ?host=/tmp/pg); skipped without one."""
    url = os.environ.get("GOVQA_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("GOVQA_TEST_POSTGRES_URL not set: no PostgreSQL server to test against")
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"govqa_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    store = FactStore(sa.make_url(url).set(database=name).render_as_string(hide_password=False))
    yield store
    store.close()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def test_postgresql_store_migrates_stores_and_queries_like_sqlite(postgres_store):
    store = postgres_store
    FactStore(store.url).close()  # migrations re-run safely
    store_report(store, make_report())
    store_report(
        store,
        make_report(year=2021, facts=[fact("T3/new_requests/total", None), fact("T2/admin_fees/fee_amount", 18651.06)]),
    )
    [value] = store.facts(orgs=["伊川县人民政府"], years=[2020], keys=["T3/new_requests/total"])
    assert value.value == 27 and isinstance(value.value, int)
    assert store.facts(years=[2021], keys=["T2/admin_fees/fee_amount"])[0].value == 18651.06
    assert store.facts(years=[2021], keys=["T3/new_requests/total"])[0].value is None
    assert store.aggregate("T3/new_requests/total", ["伊川县人民政府"], None, "sum") == 27.0
    assert store.facts(orgs=[INJECTION]) == [] and store.counts()["reports"] == 2
    assert store.offices()[0].years == [2020, 2021] and store.offices()[0].is_government is True
    with store.engine.connect() as conn:
        totals = conn.execute(
            sa.text("SELECT year, new_requests, granted, denied FROM report_t3_totals ORDER BY year")
        ).all()
        ledger = conn.execute(sa.text("SELECT number FROM schema_migrations")).scalars().all()
    assert [tuple(r) for r in totals] == [(2020, 27, 25, 1), (2021, None, None, None)]
    assert ledger == [m[0] for m in MIGRATIONS]
