"""A guard for SQL that our code did not write (e.g. a query a language model proposes).

Our own queries are SQLAlchemy Core with bound parameters (index/facts.py). A proposed query is only
ever run after ``validate_select``: it must parse (sqlglot) as exactly one SELECT — CTEs allowed — over
the allow-listed tables and views, calling only allow-listed functions, with no semicolon, comment,
schema prefix, PRAGMA, ATTACH or data-changing clause anywhere; a row limit is added. ``run_select``
then runs it on a read-only FactStore with a time limit, so even a query the guard misjudged cannot
change or lock the store.
"""

import time
from decimal import Decimal

import sqlalchemy as sa
import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from govqa.errors import QuestionError, StoreError
from index.facts import FactStore

ALLOWED_TABLES = frozenset({"facts", "reports", "offices", "fact_values", "report_t3_totals"})
ALLOWED_FUNCTIONS = frozenset({
    "abs", "avg", "case", "cast", "coalesce", "count", "greatest", "group_concat", "if", "iif", "ifnull",
    "instr", "least", "length", "lower", "max", "min", "nullif", "replace", "round", "substr", "substring",
    "sum", "total", "trim", "upper",
})  # fmt: skip
# Anything that writes, changes the schema or reaches outside the database, wherever it appears.
_FORBIDDEN = (
    exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Drop, exp.Create, exp.Alter, exp.Command, exp.Pragma,
    exp.Attach, exp.Detach, exp.Set, exp.Transaction, exp.Commit, exp.Rollback, exp.Union, exp.Intersect,
    exp.Except, exp.Into, exp.Copy, exp.LoadData,
)  # fmt: skip
MAX_ROWS = 1000


class UnsafeSQLError(QuestionError):
    """Proposed SQL that is not one SELECT over the allow-listed tables; the reason says what is wrong."""


def _sqlglot_dialect(dialect: str) -> str:
    return {"postgresql": "postgres"}.get(dialect, dialect)


def validate_select(sql: str, dialect: str = "sqlite", max_rows: int = MAX_ROWS) -> str:
    """The query, re-written by sqlglot with a LIMIT of at most max_rows; UnsafeSQLError when it is not allowed."""
    dialect = _sqlglot_dialect(dialect)
    if not sql or not sql.strip():
        raise UnsafeSQLError("the SQL is empty")
    try:
        tokens = Dialect.get_or_raise(dialect).tokenize(sql)
        statements = sqlglot.parse(sql, read=dialect)
    except SqlglotError as exc:
        raise UnsafeSQLError(f"the SQL does not parse: {str(exc).splitlines()[0]}") from exc
    if any(t.token_type == TokenType.SEMICOLON for t in tokens):
        raise UnsafeSQLError("a semicolon is not allowed: send exactly one statement")
    if any(t.comments for t in tokens):
        raise UnsafeSQLError("a comment is not allowed in the SQL")
    if len(statements) != 1 or not isinstance(statements[0], exp.Select):
        raise UnsafeSQLError("only a single SELECT statement is allowed")
    select = statements[0]
    _check_nodes(select)
    return _limited(select, max_rows).sql(dialect=dialect)


def _check_nodes(select: exp.Select) -> None:
    forbidden = next(select.find_all(*_FORBIDDEN), None)
    if forbidden is not None:
        raise UnsafeSQLError(f"only a single SELECT statement is allowed (found {forbidden.key.upper()})")
    ctes = {cte.alias_or_name.lower() for cte in select.find_all(exp.CTE)}
    for table in select.find_all(exp.Table):
        name = table.name.lower()
        if table.args.get("db") or table.args.get("catalog"):
            raise UnsafeSQLError(f"a schema-qualified table ({table.sql()}) is not allowed")
        if not name or not isinstance(table.this, exp.Identifier):
            raise UnsafeSQLError(f"a table function ({table.sql()[:60]}) is not allowed")
        if name not in ALLOWED_TABLES and name not in ctes:
            raise UnsafeSQLError(f"table {name} is not allowed; use {', '.join(sorted(ALLOWED_TABLES))}")
    for func in select.find_all(exp.Func):
        name = (func.name if isinstance(func, exp.Anonymous) else func.sql_name()).lower()
        if name not in ALLOWED_FUNCTIONS:
            raise UnsafeSQLError(f"function {name} is not allowed")


def _limited(select: exp.Select, max_rows: int) -> exp.Select:
    limit = select.args.get("limit")
    if limit is None:
        return select.limit(max_rows)
    value = limit.expression
    if not (isinstance(value, exp.Literal) and value.is_int):
        raise UnsafeSQLError("LIMIT must be a whole number")
    return select.limit(min(int(value.this), max_rows)) if int(value.this) > max_rows else select


def run_select(store: FactStore, sql: str, max_rows: int = MAX_ROWS, timeout_s: float = 5.0) -> list[dict]:
    """Validate and run proposed SQL on a read-only store; rows as dicts (NUMERIC values as int or float)."""
    if not store.read_only:
        raise StoreError("proposed SQL runs only on a read-only store: open FactStore(url, read_only=True)", store.url)
    backend = store.engine.dialect.name
    checked = validate_select(sql, backend, max_rows)
    try:
        with store.engine.connect() as conn, conn.begin():
            _limit_time(conn, backend, timeout_s)
            try:
                rows = conn.execute(sa.text(checked)).mappings().all()
            finally:
                if backend == "sqlite":
                    conn.connection.dbapi_connection.set_progress_handler(None, 0)
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"the proposed query failed: {str(exc).splitlines()[0]}", store.url) from exc
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def _limit_time(conn: sa.Connection, backend: str, timeout_s: float) -> None:
    if backend == "sqlite":
        deadline = time.monotonic() + timeout_s
        # SQLite calls this every 10,000 VM steps; a non-zero return interrupts the query.
        conn.connection.dbapi_connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    elif backend == "postgresql":
        conn.execute(sa.text("SET TRANSACTION READ ONLY"))
        conn.execute(sa.text(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}"))


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value
