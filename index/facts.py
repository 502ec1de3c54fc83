"""The fact store: reports, their sources, every table cell and the offices, in SQL (SQLite or PostgreSQL).

The bot reads reports from here, so a report exists exactly when its row in ``reports`` is committed;
everything about one report changes in one transaction. Every query is built with SQLAlchemy Core
and bound parameters — no SQL is ever assembled from user text.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from govqa.errors import StoreError
from govqa.settings import Settings
from index.migrations import migrate, pending_migrations
from index.models import FactRecord, OfficeRecord, ReportRecord, SourceFile
from parsers.models import Number, Report

_md = sa.MetaData()
reports_table = sa.Table(
    "reports",
    _md,
    sa.Column("report_id", sa.Text, primary_key=True),
    sa.Column("generation", sa.Text),
    sa.Column("org", sa.Text),
    sa.Column("aliases", sa.Text),
    sa.Column("region", sa.Text),
    sa.Column("year", sa.Integer),
    sa.Column("template", sa.Text),
    sa.Column("title", sa.Text),
    sa.Column("sources", sa.Text),
    sa.Column("n_facts", sa.Integer),
    sa.Column("n_ambiguous", sa.Integer),
    sa.Column("n_missing", sa.Integer),
    sa.Column("checks_total", sa.Integer),
    sa.Column("checks_failed", sa.Integer),
    sa.Column("checks_failed_rules", sa.Text),
    sa.Column("warnings", sa.Text),
    sa.Column("report_json", sa.Text),
    sa.Column("ingested_at", sa.Text),
    sa.Column("text_generation", sa.Text),
)
sources_table = sa.Table(
    "report_sources",
    _md,
    sa.Column("source", sa.Text, primary_key=True),
    sa.Column("report_id", sa.Text),
    sa.Column("sha256", sa.Text),
    sa.Column("ingested_at", sa.Text),
)
facts_table = sa.Table(
    "facts",
    _md,
    sa.Column("report_id", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("tbl", sa.Text),
    sa.Column("row", sa.Text),
    sa.Column("col", sa.Text),
    sa.Column("value", sa.Numeric),
    sa.Column("raw", sa.Text),
    sa.Column("label", sa.Text),
    sa.Column("col_label", sa.Text),
    sa.Column("status", sa.Text),
    sa.Column("candidates", sa.Text),
    sa.Column("span_start", sa.Integer),
    sa.Column("span_end", sa.Integer),
    sa.Column("line", sa.Integer),
    sa.Column("unit", sa.Text),
    sa.Column("printed_unit", sa.Text),
)
offices_table = sa.Table(
    "offices",
    _md,
    sa.Column("org", sa.Text, primary_key=True),
    sa.Column("aliases", sa.Text),
    sa.Column("pinyin", sa.Text),
    sa.Column("region", sa.Text),
    sa.Column("is_government", sa.Boolean),
)

_STORE_VERSION = sa.text("SELECT version FROM store_version WHERE id = 1")
_AGGREGATES: dict[str, Callable[..., sa.ColumnElement]] = {
    "sum": sa.func.sum,
    "max": sa.func.max,
    "min": sa.func.min,
    "avg": sa.func.avg,
}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number(value) -> Number | None:
    """SQL NUMERIC comes back as int, float or Decimal depending on the driver; facts are int or float."""
    if value is None:
        return None
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    return float(value) if isinstance(value, Decimal) else value


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def create_engine(url: str, read_only: bool = False) -> Engine:
    """An engine for the store; SQLite gets WAL (readers never wait for an ingest) and a busy timeout."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"not a database URL: {exc}", url) from exc
    if parsed.get_backend_name() != "sqlite":
        # A read-only store is read-only in the server too (every transaction READ ONLY), as SQLite's query_only.
        options = {"postgresql_readonly": True} if read_only and parsed.get_backend_name() == "postgresql" else {}
        try:
            return sa.create_engine(url, pool_pre_ping=True, execution_options=options)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open the fact store: {exc}", url) from exc
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy issue BEGIN itself: pysqlite's own transaction handling would run DDL
        # outside the transaction and break atomic migrations.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Writers take the write lock up front so two ingests queue instead of failing mid-transaction.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


class FactStore:
    """Reports, sources, facts and offices: the store the bot answers numeric questions from."""

    def __init__(self, url: str, read_only: bool = False):
        self.url = url
        self.read_only = read_only
        self.engine = create_engine(url, read_only)
        self._generations: dict[bool, tuple[int, dict[str, str]]] = {}
        try:
            if read_only:
                if pending := pending_migrations(self.engine):
                    raise StoreError(f"the fact store lacks migrations {pending}; run `govqa ingest` first", url)
            else:
                migrate(self.engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot open the fact store: {exc}", url) from exc

    @classmethod
    def from_settings(cls, settings: Settings, read_only: bool = False) -> "FactStore":
        return cls(settings.db_url, read_only=read_only)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _write(self) -> Iterator[Connection]:
        if self.read_only:
            raise StoreError("the fact store was opened read-only", self.url)
        try:
            with self.engine.connect().execution_options(write=True) as conn, conn.begin():
                yield conn
                conn.execute(sa.text("UPDATE store_version SET version = version + 1 WHERE id = 1"))
        except SQLAlchemyError as exc:
            raise StoreError(f"fact store write failed: {exc}", self.url) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"fact store read failed: {exc}", self.url) from exc

    # ------------------------------------------------------------------ writes
    def replace_report(
        self,
        report: Report,
        sources: list[SourceFile],
        office: OfficeRecord,
        generation: str | None = None,
        replaces: Iterable[str] = (),
        text_indexed: bool = True,
    ) -> list[str]:
        """Store the report with its facts and sources in one transaction, replacing earlier versions.

        ``replaces`` are report ids this one supersedes (a changed file, a worse parse of the same report);
        a source moved here from a report that is left with no source removes that report too. Returns
        the ids of removed reports other than this one, whose chunks the caller deletes after the commit.
        ``text_indexed=False``: the passages of this generation are not written yet (facts first, see
        mark_text_indexed); by default the caller wrote them before this commit.
        """
        generation = generation or uuid4().hex
        removed = set(replaces) - {report.report_id}
        with self._write() as conn:
            for report_id in removed | {report.report_id}:
                self._delete(conn, report_id)
            previous = self._detach_sources(conn, [s.source for s in sources])
            row = self._report_row(report, office, generation)
            conn.execute(reports_table.insert(), {**row, "text_generation": generation if text_indexed else None})
            if report.facts:
                conn.execute(facts_table.insert(), [self._fact_row(report.report_id, f) for f in report.facts])
            conn.execute(
                sources_table.insert(),
                [
                    {"source": s.source, "report_id": report.report_id, "sha256": s.sha256, "ingested_at": _now()}
                    for s in sources
                ],
            )
            removed |= self._drop_sourceless(conn, previous - removed - {report.report_id})
            self._sync_sources(conn, [report.report_id, *previous])
            self._put_office(conn, office)
        return sorted(removed)

    def mark_text_indexed(self, report_id: str, generation: str) -> bool:
        """Record that every passage of this generation is in the section index; False if it is no longer live."""
        r = reports_table.c
        with self._write() as conn:
            done = conn.execute(
                reports_table.update()
                .where(r.report_id == report_id, r.generation == generation)
                .values(text_generation=generation)
            )
        return done.rowcount > 0

    def add_source(self, report_id: str, source: str, sha: str) -> list[str]:
        """Record another file of a stored report; returns reports removed because this file left them."""
        with self._write() as conn:
            exists = sa.select(reports_table.c.report_id).where(reports_table.c.report_id == report_id)
            if conn.execute(exists).first() is None:
                raise StoreError(f"no report {report_id} to add source {source} to", self.url)
            previous = self._detach_sources(conn, [source])
            row = {"source": source, "report_id": report_id, "sha256": sha, "ingested_at": _now()}
            conn.execute(sources_table.insert(), row)
            removed = self._drop_sourceless(conn, previous - {report_id})
            self._sync_sources(conn, [report_id, *previous])
            self._drop_unused_offices(conn)
        return sorted(removed)

    def delete_report(self, report_id: str) -> None:
        with self._write() as conn:
            self._delete(conn, report_id)
            self._drop_unused_offices(conn)

    def clear(self) -> None:
        """Empty every table (for --rebuild); the schema and its migration record stay."""
        with self._write() as conn:
            for table in (facts_table, sources_table, reports_table, offices_table):
                conn.execute(table.delete())

    def _delete(self, conn: Connection, report_id: str) -> None:
        for table in (facts_table, sources_table, reports_table):
            conn.execute(table.delete().where(table.c.report_id == report_id))

    def _detach_sources(self, conn: Connection, sources: list[str]) -> set[str]:
        """Unlink these files from whatever reports held them; return those reports."""
        col = sources_table.c
        held = conn.execute(sa.select(col.report_id).where(col.source.in_(sources))).scalars().all()
        conn.execute(sources_table.delete().where(col.source.in_(sources)))
        return set(held)

    def _drop_sourceless(self, conn: Connection, report_ids: Iterable[str]) -> set[str]:
        dropped = set()
        for report_id in report_ids:
            left = conn.execute(sa.select(sa.func.count()).where(sources_table.c.report_id == report_id)).scalar_one()
            if not left:
                self._delete(conn, report_id)
                dropped.add(report_id)
        return dropped

    def _sync_sources(self, conn: Connection, report_ids: Iterable[str]) -> None:
        """Keep reports.sources (a JSON list for readers of the table) equal to report_sources."""
        for report_id in set(report_ids):
            col = sources_table.c
            paths = conn.execute(sa.select(col.source).where(col.report_id == report_id).order_by(col.source)).scalars()
            conn.execute(
                reports_table.update().where(reports_table.c.report_id == report_id).values(sources=_dumps(list(paths)))
            )

    def _put_office(self, conn: Connection, office: OfficeRecord) -> None:
        conn.execute(offices_table.delete().where(offices_table.c.org == office.org))
        conn.execute(
            offices_table.insert(),
            {
                "org": office.org,
                "aliases": _dumps(office.aliases),
                "pinyin": _dumps(office.pinyin),
                "region": _dumps(office.region),
                "is_government": office.is_government,
            },
        )
        self._drop_unused_offices(conn)

    def _drop_unused_offices(self, conn: Connection) -> None:
        conn.execute(offices_table.delete().where(offices_table.c.org.not_in(sa.select(reports_table.c.org))))

    @staticmethod
    def _report_row(report: Report, office: OfficeRecord, generation: str) -> dict:
        statuses = [f.status for f in report.facts]
        return {
            "report_id": report.report_id,
            "generation": generation,
            "org": report.org,
            "aliases": _dumps(office.aliases),
            "region": _dumps(office.region),
            "year": report.year,
            "template": report.template,
            "title": report.title,
            "sources": "[]",
            "n_facts": sum(1 for f in report.facts if f.status != "missing"),
            "n_ambiguous": statuses.count("ambiguous"),
            "n_missing": statuses.count("missing"),
            "checks_total": len(report.checks),
            "checks_failed": len(report.checks_failed),
            "checks_failed_rules": _dumps([c.rule for c in report.checks_failed]),
            "warnings": _dumps(report.warnings),
            "report_json": report.model_dump_json(),
            "ingested_at": _now(),
        }

    @staticmethod
    def _fact_row(report_id: str, fact) -> dict:
        return {
            "report_id": report_id,
            "key": fact.key,
            "tbl": fact.table,
            "row": fact.row,
            "col": fact.col,
            "value": fact.value,
            "raw": fact.raw,
            "label": fact.label,
            "col_label": fact.col_label,
            "status": fact.status,
            "candidates": _dumps(fact.candidates),
            "span_start": fact.span[0] if fact.span else None,
            "span_end": fact.span[1] if fact.span else None,
            "line": fact.line,
            "unit": fact.unit,
            "printed_unit": fact.printed_unit,
        }

    # ------------------------------------------------------------------ reads
    def find_report(self, org: str, year: int | None) -> ReportRecord | None:
        """The stored report of this office and year, if any: how one report in two formats is kept once."""
        r = reports_table.c
        year_clause = r.year.is_(None) if year is None else r.year == year
        found = self._records(sa.and_(r.org == org, year_clause))
        return found[0] if found else None

    def report_by_content_hash(self, sha: str) -> ReportRecord | None:
        held = sa.select(sources_table.c.report_id).where(sources_table.c.sha256 == sha)
        found = self._records(reports_table.c.report_id.in_(held))
        return found[0] if found else None

    def source(self, source: str) -> SourceFile | None:
        """What is recorded for this file path, if it was ingested before."""
        with self._read() as conn:
            row = conn.execute(sa.select(sources_table).where(sources_table.c.source == source)).first()
        return SourceFile(source=row.source, sha256=row.sha256, report_id=row.report_id) if row else None

    def sources(self, report_id: str | None = None) -> list[SourceFile]:
        """Every ingested file (of one report, or of all: the quick unchanged check before any parsing)."""
        query = sa.select(sources_table).order_by(sources_table.c.source)
        if report_id is not None:
            query = query.where(sources_table.c.report_id == report_id)
        with self._read() as conn:
            return [SourceFile(source=r.source, sha256=r.sha256, report_id=r.report_id) for r in conn.execute(query)]

    def record(self, report_id: str) -> ReportRecord | None:
        found = self._records(reports_table.c.report_id == report_id)
        return found[0] if found else None

    def reports(self, org: str | None = None, year: int | None = None) -> list[ReportRecord]:
        r = reports_table.c
        clauses = []
        if org:
            clauses.append(r.org == org)
        if year is not None:
            clauses.append(r.year == year)
        return self._records(sa.and_(sa.true(), *clauses))

    def report(self, report_id: str) -> Report:
        """The full parsed report as stored, for browsing and for the text behind a citation."""
        with self._read() as conn:
            stored = conn.execute(
                sa.select(reports_table.c.report_json).where(reports_table.c.report_id == report_id)
            ).scalar_one_or_none()
        if stored is None:
            raise StoreError(f"no report with id {report_id}", self.url)
        return Report.model_validate_json(stored)

    def text_pending(self) -> dict[str, str]:
        """report_id → generation of the reports whose passages are not (all) in the section index yet."""
        r = reports_table.c
        pending = sa.or_(r.text_generation.is_(None), r.text_generation != r.generation)
        with self._read() as conn:
            return dict(conn.execute(sa.select(r.report_id, r.generation).where(pending)).all())

    def text_pending_count(self) -> int:
        """How many stored reports still wait for their passages to be embedded (the web app's header)."""
        r = reports_table.c
        pending = sa.or_(r.text_generation.is_(None), r.text_generation != r.generation)
        with self._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(reports_table).where(pending)).scalar_one()

    def version(self) -> int:
        """A number that changes with every committed write (by any process): cheap change detection."""
        with self._read() as conn:
            return conn.execute(_STORE_VERSION).scalar_one()

    def generations(self, report_ids: Iterable[str] | None = None, searchable: bool = False) -> dict[str, str]:
        """report_id → generation of its chunks in the section index, for the reports that exist now.

        ``searchable``: only reports whose passages are all indexed (facts are stored first, vectors after).
        The full maps are cached until the store's version changes; callers must not modify them."""
        r = reports_table.c
        query = sa.select(r.report_id, r.generation)
        if searchable:
            query = query.where(r.text_generation == r.generation)
        if report_ids is not None:
            with self._read() as conn:
                return dict(conn.execute(query.where(r.report_id.in_(list(report_ids)))).all())
        with self._read() as conn:
            # the version first: a write landing in between only makes the next call re-read
            version = conn.execute(_STORE_VERSION).scalar_one()
            cached = self._generations.get(searchable)
            if cached is not None and cached[0] == version:
                return cached[1]
            live = dict(conn.execute(query).all())
        self._generations[searchable] = (version, live)
        return live

    def _records(self, where) -> list[ReportRecord]:
        r = reports_table.c
        query = sa.select(reports_table).where(where).order_by(r.org, r.year, r.report_id)
        with self._read() as conn:
            return [
                ReportRecord(
                    report_id=row.report_id,
                    org=row.org,
                    year=row.year,
                    template=row.template,
                    title=row.title,
                    sources=json.loads(row.sources),
                    region=json.loads(row.region),
                    checks_failed=json.loads(row.checks_failed_rules),
                    warnings=json.loads(row.warnings),
                    n_facts=row.n_facts,
                    n_ambiguous=row.n_ambiguous,
                    n_missing=row.n_missing,
                )
                for row in conn.execute(query)
            ]

    def offices(self) -> list[OfficeRecord]:
        """Every office with a stored report, with its names, region and the years it has reports for."""
        with self._read() as conn:
            years: dict[str, list[int]] = {}
            for org, year in conn.execute(sa.select(reports_table.c.org, reports_table.c.year).distinct()):
                if year is not None:
                    years.setdefault(org, []).append(year)
            rows = conn.execute(sa.select(offices_table).order_by(offices_table.c.org)).all()
        return [
            OfficeRecord(
                org=row.org,
                aliases=json.loads(row.aliases),
                pinyin=json.loads(row.pinyin),
                region=json.loads(row.region),
                is_government=bool(row.is_government),
                years=sorted(years.get(row.org, [])),
            )
            for row in rows
        ]

    def _fact_filter(self, orgs, years, keys, report_id) -> list:
        f, r = facts_table.c, reports_table.c
        clauses = []
        if orgs is not None:
            clauses.append(r.org.in_(list(orgs)))
        if years is not None:
            clauses.append(r.year.in_(list(years)))
        if keys is not None:
            clauses.append(f.key.in_(list(keys)))
        if report_id is not None:
            clauses.append(f.report_id == report_id)
        return clauses

    def facts(
        self,
        orgs: list[str] | None = None,
        years: list[int] | None = None,
        keys: list[str] | None = None,
        report_id: str | None = None,
    ) -> list[FactRecord]:
        """Facts matching every given filter (None = no filter), ordered by office, year, report, key."""
        f, r = facts_table.c, reports_table.c
        query = (
            sa.select(facts_table, r.org, r.year, r.title)
            .join(reports_table, r.report_id == f.report_id)
            .where(sa.true(), *self._fact_filter(orgs, years, keys, report_id))
            .order_by(r.org, r.year, f.report_id, f.key)
        )
        with self._read() as conn:
            return [self._fact_record(row) for row in conn.execute(query)]

    @staticmethod
    def _fact_record(row) -> FactRecord:
        span = (row.span_start, row.span_end) if row.span_start is not None else None
        return FactRecord(
            report_id=row.report_id,
            org=row.org,
            year=row.year,
            title=row.title,
            key=row.key,
            table=row.tbl,
            row=row.row,
            col=row.col,
            value=_number(row.value),
            raw=row.raw,
            label=row.label,
            col_label=row.col_label,
            status=row.status,
            candidates=json.loads(row.candidates),
            span=span,
            line=row.line,
        )

    def aggregate(
        self, key: str, orgs: list[str] | None, years: list[int] | None, fn: Literal["sum", "max", "min", "avg"]
    ) -> float | None:
        """fn over the known values of one key (blank and ambiguous cells are left out); None when there are none."""
        if fn not in _AGGREGATES:
            raise StoreError(f"unknown aggregate {fn!r}; use one of {sorted(_AGGREGATES)}", self.url)
        f, r = facts_table.c, reports_table.c
        query = (
            sa.select(_AGGREGATES[fn](f.value))
            .join(reports_table, r.report_id == f.report_id)
            .where(f.value.is_not(None), *self._fact_filter(orgs, years, [key], None))
        )
        with self._read() as conn:
            value = conn.execute(query).scalar_one()
        return None if value is None else float(value)

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {
                name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                for name, table in (
                    ("reports", reports_table),
                    ("facts", facts_table),
                    ("offices", offices_table),
                    ("sources", sources_table),
                )
            }
