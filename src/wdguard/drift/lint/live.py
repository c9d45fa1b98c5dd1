"""The live database a pending migration will meet, read without changing or locking it.

`--dsn` gives the lint a `LiveProbe`: one read-only, repeatable-read transaction (rolled
back at the end) on a session that is read-only from its first statement
(`sources.postgres.connect`), every query under a statement timeout and in its own
savepoint, so a query that times out or fails is one undecided check, not a failed
lint. Only SELECTs run, which take ACCESS SHARE and nothing stronger.

Scans are bounded: a table whose catalog estimate (`pg_class.reltuples`) is within
`max_scan_rows` is read whole (`LIMIT max_scan_rows`); a bigger one through `TABLESAMPLE
SYSTEM` of about `max_scan_rows` rows, and every finding says so. Sizes for the lock and
rewrite warnings come from the catalog alone (`reltuples`, `relpages`), with no scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from pglast import ast
from pglast.visitors import Visitor
from psycopg import errors, sql

DEFAULT_MAX_SCAN_ROWS = 1_000_000
DEFAULT_TIMEOUT_S = 20.0
SAMPLE_KEYS = 5
WORK_MEM = "64MB"  # of this one read-only session, for the duration of the lint


# what a migration's own expression (an expression index key, a partial index's WHERE, a
# USING clause) may contain for the lint to evaluate it on production: column references,
# constants, casts, operators and these side-effect-free functions; anything else (a
# function that could signal a backend, sleep, or reach another server) is not run
_SAFE_NODES = frozenset({
    "A_Const", "A_Expr", "A_ArrayExpr", "BoolExpr", "BooleanTest", "CaseExpr", "CaseWhen",
    "CoalesceExpr", "ColumnRef", "Float", "FuncCall", "Integer", "MinMaxExpr", "NullTest",
    "RowExpr", "SQLValueFunction", "String", "Boolean", "TypeCast", "TypeName", "BitString",
    "NullIfExpr",
})
_SAFE_FUNCTIONS = frozenset({
    "lower", "upper", "btrim", "ltrim", "rtrim", "trim", "length", "char_length",
    "octet_length", "substr", "substring", "left", "right", "replace", "split_part",
    "concat", "concat_ws", "coalesce", "nullif", "greatest", "least", "abs", "round",
    "floor", "ceil", "ceiling", "trunc", "date_trunc", "date_part", "extract", "to_char",
    "to_date", "to_timestamp", "to_number", "md5", "jsonb_extract_path_text",
    "json_extract_path_text", "array_length", "cardinality", "unaccent", "initcap",
})


def unsafe_part(node: Any) -> str | None:
    """What in a migration's expression the lint will not run on production, if anything."""
    found: list[str] = []

    class V(Visitor):
        def visit(self, ancestors: Any, n: Any) -> None:
            kind = type(n).__name__
            if kind not in _SAFE_NODES:
                found.append(kind)
            elif isinstance(n, ast.FuncCall):
                name = [s.sval for s in n.funcname or () if isinstance(s, ast.String)]
                if not name or name[-1].lower() not in _SAFE_FUNCTIONS:
                    found.append(f"{'.'.join(name)}()")

    if node is not None:
        V()(node)
    return found[0] if found else None


class Undecided(Exception):
    """A live check that could not be decided (timeout, missing object, query error)."""


@dataclass
class TableSize:
    rows: int  # catalog estimate; -1 when never analysed
    bytes: int  # table, TOAST and indexes, from relpages

    def describe(self, table: str) -> str:
        rows = "unknown rows" if self.rows < 0 else f"~{human_count(self.rows)} rows"
        return f"{table}: {rows}, {human_bytes(self.bytes)}"


@dataclass
class Scan:
    """FROM clause of a bounded scan of one table, and what it covers."""

    source: sql.Composable
    note: str | None  # None when the whole table is read


@dataclass
class LiveColumn:
    db_type: str  # format_type(): `character varying(32)`, `"Role"[]`
    base_type: str  # element type of an array, else db_type
    is_array: bool


def human_count(n: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return str(int(n))


def human_bytes(n: float) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def duration_hint(size: TableSize) -> str:
    """How long a lock that reads or rewrites the table holds: a rough class, not a figure."""
    if size.bytes >= 5 << 30:
        return "for tens of minutes or more"
    if size.bytes >= 50 << 20:
        return "for minutes"
    return "for seconds at most"


_SIZE = """
SELECT c.reltuples::bigint,
       (c.relpages::bigint
        + coalesce((SELECT sum(i.relpages) FROM pg_catalog.pg_index x
                    JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
                    WHERE x.indrelid = c.oid), 0)
        + coalesce((SELECT t.relpages FROM pg_catalog.pg_class t
                    WHERE t.oid = c.reltoastrelid), 0))
       * current_setting('block_size')::bigint
FROM pg_catalog.pg_class c WHERE c.oid = to_regclass(%s)
"""
_COLUMN = """
SELECT pg_catalog.format_type(a.atttypid, a.atttypmod),
       pg_catalog.format_type(coalesce(nullif(t.typelem, 0), a.atttypid), a.atttypmod),
       t.typcategory = 'A'
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
WHERE a.attrelid = to_regclass(%s) AND a.attname = %s AND a.attnum > 0 AND NOT a.attisdropped
"""
_PRIMARY_KEY = """
SELECT a.attname FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
WHERE x.indrelid = to_regclass(%s) AND x.indisprimary ORDER BY array_position(x.indkey, a.attnum)
"""


class LiveProbe:
    """Bounded, read-only questions to the live database, inside one transaction."""

    def __init__(
        self,
        conn: psycopg.Connection,
        *,
        max_scan_rows: int = DEFAULT_MAX_SCAN_ROWS,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        search_path: str | None = None,
    ):
        self.conn = conn
        self.max_scan_rows = max(1, int(max_scan_rows))
        self.timeout_s = timeout_s
        self.search_path = search_path
        self._sizes: dict[str, TableSize | None] = {}

    def __enter__(self) -> LiveProbe:
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        self.conn.execute(
            sql.SQL("SET LOCAL statement_timeout = {}").format(
                sql.Literal(f"{int(self.timeout_s * 1000)}ms")))
        # grouping a million keys (duplicates, enum values) in memory instead of on disk
        self.conn.execute(sql.SQL("SET LOCAL work_mem = {}").format(sql.Literal(WORK_MEM)))
        if self.search_path:
            self.conn.execute(sql.SQL("SET LOCAL search_path TO {}").format(
                sql.Identifier(self.search_path)))
        return self

    def __exit__(self, *exc: Any) -> None:
        if not (self.conn.closed or self.conn.broken):
            self.conn.execute("ROLLBACK")

    # ---------------------------------------------------------------- queries
    def rows(self, query: sql.Composable, params: Any = None) -> list[tuple]:
        """Run one composed query in a savepoint; a timeout or error is `Undecided`."""
        if not isinstance(query, sql.Composable):
            raise TypeError("live queries are composed with psycopg.sql")
        composed = sql.SQL("{}").format(query)
        try:
            with self.conn.transaction():
                return self.conn.execute(composed, params).fetchall()
        except errors.QueryCanceled:
            raise Undecided(f"stopped by the statement timeout ({self.timeout_s:g} s)") from None
        except errors.LockNotAvailable:
            raise Undecided("a lock held by another session outlasted lock_timeout") from None
        except psycopg.Error as exc:
            if self.conn.broken or self.conn.closed:
                raise  # the session is gone: the lint cannot decide anything (exit 2)
            raise Undecided(" ".join(str(exc).split()) or type(exc).__name__) from None

    def cast_fails(self, query: sql.Composable, params: Any = None) -> bool:
        """True when the query fails with a data exception (SQLSTATE class 22: a value the
        cast cannot convert); any other error is `Undecided`."""
        composed = sql.SQL("{}").format(query)
        try:
            with self.conn.transaction():
                self.conn.execute(composed, params).fetchall()
        except errors.QueryCanceled:
            raise Undecided(f"stopped by the statement timeout ({self.timeout_s:g} s)") from None
        except psycopg.Error as exc:
            if self.conn.broken or self.conn.closed:
                raise
            if (exc.sqlstate or "").startswith("22"):
                return True
            raise Undecided(" ".join(str(exc).split()) or type(exc).__name__) from None
        return False

    # ---------------------------------------------------------------- catalog
    def size(self, table: str) -> TableSize | None:
        """Catalog estimate of a table's rows and bytes; None when it does not exist."""
        if table not in self._sizes:
            got = self.rows(sql.SQL(_SIZE), (ident(table),))
            self._sizes[table] = TableSize(int(got[0][0]), int(got[0][1] or 0)) if got else None
        return self._sizes[table]

    def column(self, table: str, column: str) -> LiveColumn | None:
        got = self.rows(sql.SQL(_COLUMN), (ident(table), column))
        return LiveColumn(got[0][0], got[0][1], bool(got[0][2])) if got else None

    def primary_key(self, table: str) -> list[str]:
        return [r[0] for r in self.rows(sql.SQL(_PRIMARY_KEY), (ident(table),))]

    def has_rows(self, table: str) -> bool:
        return bool(self.rows(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(
            sql.Identifier(table)))[0][0])

    def scan(self, table: str) -> Scan:
        """The bounded FROM clause for `table`, aliased `s`."""
        size = self.size(table)
        name = sql.Identifier(table)
        if size is not None and size.rows < 0:  # never analysed: count, bounded
            counted = self.rows(sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {}) AS c")
                                .format(name, sql.Literal(self.max_scan_rows + 1)))[0][0]
            if counted > self.max_scan_rows:
                return Scan(sql.SQL("(SELECT * FROM {} LIMIT {}) AS s").format(
                    name, sql.Literal(self.max_scan_rows)),
                    f"the table was never analysed and has more than {self.max_scan_rows} "
                    "rows: the first of them were read (--max-scan-rows)")
        if size is None or size.rows <= self.max_scan_rows:
            return Scan(sql.SQL("(SELECT * FROM {} LIMIT {}) AS s").format(
                name, sql.Literal(self.max_scan_rows)), None)
        pct = min(100.0, 100.0 * self.max_scan_rows / size.rows)
        note = (f"sampled ~{pct:.2g}% of ~{human_count(size.rows)} rows (TABLESAMPLE SYSTEM, "
                f"--max-scan-rows {self.max_scan_rows}): counts are of the sample")
        # no LIMIT on top: pages come in physical order, and a LIMIT would drop the last
        # ones, where updated rows live (a sample biased against exactly the bad rows)
        return Scan(sql.SQL("(SELECT * FROM {} TABLESAMPLE SYSTEM ({})) AS s").format(
            name, sql.Literal(round(pct, 6))), note)

    def key_columns(self, table: str) -> sql.Composable:
        """What identifies a row in samples: its primary key, else its ctid."""
        pk = self.primary_key(table)
        if not pk:
            return sql.SQL("s.ctid::text")
        return sql.SQL("concat_ws(', ', {})").format(sql.SQL(", ").join(
            sql.SQL("{} || '=' || {}").format(sql.Literal(c), sql.Identifier("s", c))
            for c in pk))

    def locks(self) -> list[tuple[str, str]]:
        """Relation locks this session holds beyond ACCESS SHARE (tests assert none)."""
        return [tuple(r) for r in self.rows(sql.SQL(
            "SELECT relation::regclass::text, mode FROM pg_catalog.pg_locks "
            "WHERE pid = pg_backend_pid() AND locktype = 'relation' "
            "AND mode <> 'AccessShareLock'"))]


def ident(table: str) -> str:
    """A table name as `to_regclass` reads it (quoted: Prisma's names keep their case)."""
    return '"' + table.replace('"', '""') + '"'
