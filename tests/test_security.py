"""wdguard cannot write to a source, and contracts cannot make it run code or SQL there.

- Every PostgreSQL session comes from `sources.postgres.connect` (read-only from its first
  statement, tested in test_pg_source) and every MongoDB client from
  `sources.mongo.connect`: checked over the source tree.
- Every SQL string wdguard sends is a constant or composed with `psycopg.sql`; names from
  contracts travel as parameters or `sql.Identifier`. A contract full of hostile names runs
  against a real database and is reported as drift, nothing else.
- The Mongo code paths of the CLI call only read methods (a recording client).
- Rules run in Polars on lake data only: queries, table functions and statements are
  refused as invalid rules (exit 2) before Polars could read a file.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import psycopg
import pytest
from typer.testing import CliRunner

from tests import pgutil
from tests.gate_helpers import USER, clean_lake, write_contracts
from wdguard.checks.engines.polars.expressions import sql_expr
from wdguard.cli import app
from wdguard.lake.storage import LocalStore

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "wdguard"
WDGUARD = str(Path(sys.executable).with_name("wdguard"))


def _calls(name: str) -> list[tuple[Path, int]]:
    """(file, line) of every call whose callee ends in `name` under src/wdguard."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                callee = ast.unparse(node.func)
                if callee == name or callee.endswith("." + name):
                    found.append((path.relative_to(SRC), node.lineno))
    return found


def test_only_the_source_modules_open_connections():
    assert {f for f, _ in _calls("psycopg.connect")} == {Path("sources/postgres.py")}
    assert {f for f, _ in _calls("MongoClient")} == {Path("sources/mongo.py")}
    assert not _calls("psycopg.Connection.connect") and not _calls("AsyncConnection.connect")


def test_every_sql_wdguard_sends_is_a_constant_or_composed():
    """No f-string, %-format, concatenation or variable built from input reaches execute."""
    bad = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        constants = {  # module-level SQL constants: NAME = "..."
            t.id for n in tree.body if isinstance(n, ast.Assign)
            and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
            for t in n.targets if isinstance(t, ast.Name)
        }  # fmt: skip
        composed: set[str] = set()  # local names assigned sql.SQL(...)...
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and "sql.SQL(" in ast.unparse(node.value):
                composed |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "execute" and node.args):  # fmt: skip
                continue
            query = node.args[0]
            text = ast.unparse(query)
            ok = (
                (isinstance(query, ast.Constant) and isinstance(query.value, str))
                or (isinstance(query, ast.Name) and query.id in constants | composed)
                or text.startswith("sql.SQL(")
            )
            if not ok:
                bad.append(f"{path.relative_to(SRC)}:{node.lineno}: {text}")
    assert not bad, bad


HOSTILE_TABLE = 'users"; DROP TABLE users; --'
HOSTILE_COLUMN = "email'); DELETE FROM users; --"


def test_hostile_names_in_a_contract_are_data_not_sql(wastedump_db, tmp_path):
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "Evil.yaml").write_text(
        "contract: Evil\n"
        f"source: {{kind: postgres, schema: 'public\"; DROP SCHEMA public; --', table: {json.dumps(HOSTILE_TABLE)}}}\n"  # noqa: E501
        "primary_key: [id]\n"
        "columns:\n"
        "  id: {type: uuid, nullable: false}\n"
        f"  {json.dumps(HOSTILE_COLUMN)}: {{type: string}}\n"
    )
    with psycopg.connect(wastedump_db) as conn:
        before = conn.execute("SELECT count(*) FROM pg_catalog.pg_class").fetchone()
    proc = subprocess.run(
        [WDGUARD, "drift", "postgres", "--dsn", wastedump_db, "--contracts", str(folder),
         "--format", "json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr  # drift found (the table is missing), no SQL error
    assert HOSTILE_TABLE in str(json.loads(proc.stdout)["findings"])
    with psycopg.connect(wastedump_db) as conn:
        assert conn.execute("SELECT count(*) FROM pg_catalog.pg_class").fetchone() == before
        assert conn.execute("SELECT to_regclass('public.users')").fetchone() != (None,)


def test_hostile_table_schema_option_is_an_identifier(wastedump_db):
    proc = subprocess.run(
        [WDGUARD, "migrations", "status", "--dsn", wastedump_db, "-m", str(pgutil.MIGRATIONS_DIR),
         "--table-schema", 'public"; DROP TABLE users; --'],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and "no public\"; DROP TABLE users; --._prisma_migrations" in (
        proc.stderr)  # fmt: skip
    with psycopg.connect(wastedump_db) as conn:
        assert conn.execute("SELECT to_regclass('public.users')").fetchone() != (None,)


# ---------------------------------------------------------------- MongoDB: reads only

_READS = {"list_collection_names", "get_collection", "aggregate", "__getitem__", "close",
          "get_database"}  # fmt: skip


class _Recorder:
    """Wraps a pymongo-like object and records every method called through it."""

    def __init__(self, target, calls: list[str]):
        self._target, self._calls = target, calls

    def __getitem__(self, key):
        self._calls.append("__getitem__")
        return _Recorder(self._target[key], self._calls)

    def __getattr__(self, name):
        value = getattr(self._target, name)
        if not callable(value):
            return value

        def call(*args, **kwargs):
            self._calls.append(name)
            if name == "aggregate":
                stages = {k for stage in args[0] for k in stage}
                assert not stages & {"$out", "$merge"}, stages
            result = value(*args, **kwargs)
            return _Recorder(result, self._calls) if type(result).__module__.startswith(
                ("mongomock", "pymongo")) and not isinstance(result, list) else result  # fmt: skip

        return call

    def __iter__(self):
        return iter(self._target)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize(
    "cmd",
    [("drift", "mongo", "-c", str(ROOT / "contracts")), ("contracts", "derive", "mongo", "-o")],
    ids=["drift-mongo", "contracts-derive-mongo"],
)
def test_mongo_code_paths_call_read_methods_only(mongo_db, monkeypatch, tmp_path, cmd):
    import wdguard.sources.mongo as source

    calls: list[str] = []
    monkeypatch.setattr(source, "MongoClient",
                        lambda *a, **k: _Recorder(mongo_db.client, calls))  # fmt: skip
    before = mongo_db.snapshot()
    args = [*cmd, str(tmp_path / "out")] if cmd[-1] == "-o" else list(cmd)
    result = CliRunner().invoke(app, [*args, "--uri", "mongodb://app:pw@db.invalid/",
                                      "--db", mongo_db.name])  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    assert "aggregate" in calls
    assert set(calls) <= _READS, sorted(set(calls) - _READS)
    assert mongo_db.snapshot() == before


# ---------------------------------------------------------------- rules: lake data only


@pytest.mark.parametrize(
    "rule",
    [
        "read_parquet('/etc/passwd')",
        "EXISTS (FROM read_csv('/etc/passwd'))",
        "(SELECT count(*) FROM read_csv('/etc/passwd')) > 0",
        "id IN (SELECT id FROM users)",
        "email IN (VALUES ('x'))",
        "1=1; DROP TABLE x",
        "role = 'A' UNION SELECT 1",
    ],
)
def test_rules_that_are_queries_or_statements_are_refused(tmp_path, rule):
    store = LocalStore(tmp_path / "lake")
    (tmp_path / "lake").mkdir()
    clean_lake(store)
    hostile = USER + f"rules:\n  - {{name: evil, sql: {json.dumps(rule)}}}\n"
    contracts = write_contracts(tmp_path / "contracts", hostile)
    for args in (["contracts", "validate", "-c", str(contracts)],
                 ["check", "--lake", str(tmp_path / "lake"), "--date", "2026-11-20",
                  "--contracts", str(contracts), "--layer", "silver"]):  # fmt: skip
        proc = subprocess.run([WDGUARD, *args], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        text = proc.stdout + proc.stderr
        assert "evil" in text and ("not a query" in text or "not a valid SQL" in text), text
        assert "root:" not in text and "Traceback" not in text  # /etc/passwd was never read


def test_a_file_named_in_a_rule_is_never_opened(tmp_path):
    """Before the guard, Polars opened the file while building the expression."""
    missing = tmp_path / "never-created.csv"
    with pytest.raises(ValueError, match="not a query"):
        sql_expr(f"EXISTS (FROM read_csv('{missing}'))")  # not FileNotFoundError


@pytest.mark.parametrize(
    "rule",
    ["status <> 'PAID' OR paid_at IS NOT NULL", "name = 'select * from values'",
     "starts_with(name, 'with')", "EXTRACT(YEAR FROM ts) > 2000", "\"table\" > 1"],
)  # fmt: skip
def test_ordinary_rules_still_compile(rule):
    expr = sql_expr(rule)  # the guard against queries must not refuse plain expressions
    assert isinstance(expr, pl.Expr) and expr.meta.root_names()
