"""Numbered schema migrations of the fact store: the only way its schema changes.

Each migration is (number, name, statements). A released migration is never edited: a schema change
is a new migration appended to MIGRATIONS. Applied numbers are recorded in ``schema_migrations``, so
running them again is a no-op. The SQL is the subset SQLite and PostgreSQL share (TEXT, INTEGER,
NUMERIC, BOOLEAN; JSON kept as TEXT) so one list serves both.
"""

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from govqa.errors import StoreError

# T3 rows as of the first schema, spelt out so that migration 1 stays frozen if the template grows.
_T3_ROWS_V1 = (
    "new_requests",
    "carried_over",
    "granted",
    "partially_granted",
    "denied_state_secret",
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party_rights",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_admin_query",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirmation",
    "other_no_correction",
    "other_no_fee",
    "other_other",
    "other_total",
    "processed_total",
    "carried_forward",
)


def _t3_totals_view() -> str:
    columns = ",\n  ".join(f"MAX(CASE WHEN f.\"row\" = '{row}' THEN f.value END) AS {row}" for row in _T3_ROWS_V1)
    groups = {
        "denied": "denied_%",
        "unable": "unable_%",
        "rejected": "rejected_%",
    }
    sums = ",\n  ".join(
        f"SUM(CASE WHEN f.\"row\" LIKE '{pattern}' THEN f.value END) AS {name}" for name, pattern in groups.items()
    )
    return f"""CREATE VIEW report_t3_totals AS
SELECT r.report_id, r.org, r.year, r.template, r.title,
  {columns},
  {sums}
FROM reports r
LEFT JOIN facts f ON f.report_id = r.report_id AND f.tbl = 'T3' AND f.col = 'total'
GROUP BY r.report_id, r.org, r.year, r.template, r.title"""


_V1 = [
    """CREATE TABLE reports (
  report_id TEXT PRIMARY KEY,
  generation TEXT NOT NULL,
  org TEXT NOT NULL,
  aliases TEXT NOT NULL DEFAULT '[]',
  region TEXT NOT NULL DEFAULT '[]',
  year INTEGER,
  template TEXT NOT NULL,
  title TEXT NOT NULL,
  sources TEXT NOT NULL DEFAULT '[]',
  n_facts INTEGER NOT NULL DEFAULT 0,
  n_ambiguous INTEGER NOT NULL DEFAULT 0,
  n_missing INTEGER NOT NULL DEFAULT 0,
  checks_total INTEGER NOT NULL DEFAULT 0,
  checks_failed INTEGER NOT NULL DEFAULT 0,
  checks_failed_rules TEXT NOT NULL DEFAULT '[]',
  warnings TEXT NOT NULL DEFAULT '[]',
  report_json TEXT NOT NULL,
  ingested_at TEXT NOT NULL
)""",
    "CREATE INDEX ix_reports_org_year ON reports (org, year)",
    "CREATE INDEX ix_reports_year ON reports (year)",
    """CREATE TABLE report_sources (
  source TEXT PRIMARY KEY,
  report_id TEXT NOT NULL REFERENCES reports (report_id),
  sha256 TEXT NOT NULL,
  ingested_at TEXT NOT NULL
)""",
    "CREATE INDEX ix_report_sources_sha256 ON report_sources (sha256)",
    "CREATE INDEX ix_report_sources_report ON report_sources (report_id)",
    """CREATE TABLE facts (
  report_id TEXT NOT NULL REFERENCES reports (report_id),
  key TEXT NOT NULL,
  tbl TEXT NOT NULL,
  "row" TEXT NOT NULL,
  col TEXT NOT NULL,
  value NUMERIC,
  raw TEXT NOT NULL,
  label TEXT NOT NULL,
  col_label TEXT NOT NULL,
  status TEXT NOT NULL,
  candidates TEXT NOT NULL DEFAULT '[]',
  span_start INTEGER,
  span_end INTEGER,
  line INTEGER,
  PRIMARY KEY (report_id, key)
)""",
    "CREATE INDEX ix_facts_key ON facts (key)",
    """CREATE TABLE offices (
  org TEXT PRIMARY KEY,
  aliases TEXT NOT NULL DEFAULT '[]',
  pinyin TEXT NOT NULL DEFAULT '[]',
  region TEXT NOT NULL DEFAULT '[]',
  is_government BOOLEAN NOT NULL
)""",
    """CREATE VIEW fact_values AS
SELECT f.report_id, r.org, r.year, r.title, r.template, f.key, f.tbl, f."row", f.col,
  f.value, f.raw, f.label, f.col_label, f.status, f.span_start, f.span_end, f.line
FROM facts f
JOIN reports r ON r.report_id = f.report_id""",
    _t3_totals_view(),
]

# One row counting committed writes: readers learn that the store changed with one tiny query instead of
# re-reading every report's generation before each question (10,000 reports: 25 ms → 0.1 ms).
_V2 = [
    "CREATE TABLE store_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)",
    "INSERT INTO store_version (id, version) VALUES (1, 0)",
]

# Money cells say their unit: values are in the template's 万元 (unit), and the unit the report printed
# (元/万元/亿元, printed_unit) is kept beside the raw text it was converted from.
_V3 = [
    "ALTER TABLE facts ADD COLUMN unit TEXT",
    "ALTER TABLE facts ADD COLUMN printed_unit TEXT",
    "DROP VIEW fact_values",
    """CREATE VIEW fact_values AS
SELECT f.report_id, r.org, r.year, r.title, r.template, f.key, f.tbl, f."row", f.col,
  f.value, f.raw, f.label, f.col_label, f.status, f.span_start, f.span_end, f.line, f.unit, f.printed_unit
FROM facts f
JOIN reports r ON r.report_id = f.report_id""",
]

# Facts first, vectors after: a report's facts are committed (and answer table questions) before its
# passages are embedded. text_generation is the generation whose chunks are all in the section index;
# a report whose text_generation differs from its generation is still being indexed for text questions.
# Reports stored before this migration were indexed chunks-first, so they are complete.
_V4 = [
    "ALTER TABLE reports ADD COLUMN text_generation TEXT",
    "UPDATE reports SET text_generation = generation",
]

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (1, "reports, sources, facts, offices; fact_values and report_t3_totals views", _V1),
    (2, "store_version: a counter bumped by every write transaction", _V2),
    (
        3,
        "facts.unit and facts.printed_unit (the unit of money cells, as stored and as printed), in fact_values too",
        _V3,
    ),
    (4, "reports.text_generation: which generation's passages are in the section index", _V4),
]

_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
  number INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)"""


def applied_migrations(conn: Connection) -> list[int]:
    rows = conn.execute(text("SELECT number FROM schema_migrations ORDER BY number"))
    return [r[0] for r in rows]


def migrate(engine: Engine, migrations: list[tuple[int, str, list[str]]] = MIGRATIONS) -> list[int]:
    """Apply the migrations not yet recorded, each in its own transaction; return the numbers applied.

    The ledger is re-read inside each write transaction, so two processes starting together cannot
    apply the same migration twice.
    """
    done: list[int] = []
    if not pending_migrations(engine, migrations):
        return done  # nothing to write: readers never queue behind an ingest just to open the store
    with engine.begin() as conn:
        conn.execute(text(_LEDGER))
    for number, name, statements in sorted(migrations, key=lambda m: m[0]):
        try:
            # write=True: SQLite takes the write lock at BEGIN, so the ledger read below cannot go stale.
            with engine.connect().execution_options(write=True) as conn, conn.begin():
                if number in applied_migrations(conn):
                    continue
                for statement in statements:
                    conn.execute(text(statement))
                conn.execute(
                    text("INSERT INTO schema_migrations (number, name, applied_at) VALUES (:n, :name, :at)"),
                    {"n": number, "name": name, "at": datetime.now(UTC).isoformat(timespec="seconds")},
                )
        except SQLAlchemyError as exc:  # the transaction rolled back; say which migration broke
            raise StoreError(f"migration {number} ({name}) failed: {exc}", engine.url.render_as_string()) from exc
        done.append(number)
    return done


def pending_migrations(engine: Engine, migrations: list[tuple[int, str, list[str]]] = MIGRATIONS) -> list[int]:
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_migrations"):
            return [m[0] for m in migrations]
        applied = set(applied_migrations(conn))
    return [m[0] for m in migrations if m[0] not in applied]
