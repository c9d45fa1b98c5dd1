"""Bad input, through the real CLI in a subprocess: one clear line, exit 2, nothing half-written.

Table-driven: each case builds its input (a broken schema, contract, config, lake,
partition, an unreachable source...) in a temporary folder and returns the argv and the
words the one stderr line must hold (the file:line, partition, option or URL at fault).
Every case asserts: exit 2; exactly one line on stderr, `wdguard: error: ...`, no
traceback, no "internal error"; the watched folders (contracts, output, lake) are
byte-identical afterwards, except for whole JSON objects where the README says wdguard
writes them (`_wdguard/audit/` entries, and `_wdguard/runs/` records with verdict
`undecided`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests import gate_helpers as G
from tests import pgutil
from tests.fixtures_azurite import new_azure_store
from wdguard.lake.storage import LocalStore

ROOT = Path(__file__).resolve().parents[1]
DATE = "2026-11-20"
SECRET_ENV = ("WDGUARD_PG_DSN", "WDGUARD_MONGO_URI", "WDGUARD_LAKE", "WDGUARD_CONFIG",
              "AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_KEY")
DATASOURCE = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'
WRONG_KEY = "V3JvbmdLZXlXcm9uZ0tleVdyb25nS2V5V3JvbmdLZXlXcm9uZ0tleQ=="


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- what a case can build ------------------------------------------------------------


@dataclass
class Ctx:
    tmp: Path
    request: pytest.FixtureRequest
    env: dict[str, str] = field(default_factory=dict)
    watched: list[Path] = field(default_factory=list)  # folders that must not change
    azure: object | None = None  # an AzureBlobStore whose blobs must not change

    def fixture(self, name: str):
        return self.request.getfixturevalue(name)

    def file(self, name: str, text: str | bytes) -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)
        return path

    def schema(self, body: str) -> Path:
        return self.file("schema.prisma", DATASOURCE + body)

    def out(self) -> Path:
        """An output folder holding one existing contract, watched."""
        out = G.write_contracts(self.tmp / "out", G.USER)
        self.watched.append(out)
        return out

    def contracts(self, *extra: tuple[str, str]) -> Path:
        folder = G.write_contracts(self.tmp / "contracts")
        for name, text in extra:
            (folder / name).write_text(text)
        self.watched.append(folder)
        return folder

    def lake(self) -> Path:
        """The small clean lake of the gate tests (users, orders; bronze and silver)."""
        root = self.tmp / "lake"
        root.mkdir()
        G.clean_lake(LocalStore(root), DATE)
        self.watched.append(root)
        return root

    def gate(self, *extra: str, contracts: Path | None = None) -> list[str]:
        """argv of `check` on this case's lake (built if not yet) and contracts."""
        lake = self.tmp / "lake"
        if not lake.exists():
            self.lake()
        folder = contracts
        if folder is None:
            folder = self.tmp / "contracts"
            if not folder.exists():
                folder = self.contracts()
        return ["check", "--lake", str(lake), "--date", DATE, "--contracts", str(folder),
                *extra]


@dataclass
class Case:
    build: Callable[[Ctx], tuple[list[str], list[str]]]
    marks: tuple = ()


CASES: dict[str, Case] = {}


def case(name: str, *marks):
    def deco(fn):
        assert name not in CASES
        CASES[name] = Case(fn, marks)
        return fn

    return deco


def part(layer: str, obj: str) -> str:
    src = "raw/postgres" if layer == "bronze" else "silver/postgres"
    return f"{src}/{DATE}/{obj}"


# ---- contracts derive prisma ----------------------------------------------------------


@case("prisma-unclosed-block")
def _(c: Ctx):
    s = c.schema("model User {\n  id Int @id\n  name String\n")
    return ["contracts", "derive", "prisma", str(s), "--out", str(c.out())], [f"{s}:"]


@case("prisma-unknown-type")
def _(c: Ctx):
    s = c.schema("model User {\n  id Int @id\n  shoe Footwear\n}\n")
    return ["contracts", "derive", "prisma", str(s), "-o", str(c.out())], [f"{s}:7", "Footwear"]


@case("prisma-bad-attribute-arguments")
def _(c: Ctx):
    s = c.schema("model User {\n  id Int @id\n  name String @db.VarChar(abc)\n}\n")
    return ["contracts", "derive", "prisma", str(s), "-o", str(c.out())], [f"{s}:7"]


@case("prisma-hand-freshness-column-dropped")
def _(c: Ctx):
    # out/User.yaml has a hand-written freshness on updated_at; the schema no longer has it
    s = c.schema('model User {\n  id String @id\n  email String\n\n  @@map("users")\n}\n')
    out = c.out()
    return ["contracts", "derive", "prisma", str(s), "-o", str(out)], [
        str(out / "User.yaml"), "updated_at"]


@case("prisma-duplicate-model")
def _(c: Ctx):
    s = c.schema("model User {\n  id Int @id\n}\n\nmodel User {\n  id Int @id\n}\n")
    return ["contracts", "derive", "prisma", str(s), "-o", str(c.out())], [f"{s}:9", "User"]


@case("prisma-schema-missing")
def _(c: Ctx):
    s = c.tmp / "nope.prisma"
    return ["contracts", "derive", "prisma", str(s), "-o", str(c.out())], [str(s)]


@case("prisma-not-utf8")
def _(c: Ctx):
    s = c.file("schema.prisma", b"model User {\n  id Int @id\n  n\xff\xfe String\n}\n")
    return ["contracts", "derive", "prisma", str(s), "-o", str(c.out())], [str(s)]


@case("prisma-format-unknown")
def _(c: Ctx):
    s = c.schema("model User {\n  id Int @id\n}\n")
    argv = ["contracts", "derive", "prisma", str(s), "-o", str(c.out()), "--format", "yaml"]
    return argv, ["'--format'", "yaml"]


# ---- contracts derive mongo -----------------------------------------------------------


@case("mongo-derive-unreachable")
def _(c: Ctx):
    uri = f"mongodb://app:hunter2@127.0.0.1:{closed_port()}/?serverSelectionTimeoutMS=300"
    argv = ["contracts", "derive", "mongo", "--uri", uri, "--db", "wastedump", "-o",
            str(c.out())]
    return argv, ["MongoDB unreachable"]


@case("mongo-derive-bad-uri")
def _(c: Ctx):
    argv = ["contracts", "derive", "mongo", "--uri", "mongo://nowhere", "--db", "w",
            "-o", str(c.out())]
    return argv, ["--uri", "invalid MongoDB URI"]


@case("mongo-derive-malformed-json")
def _(c: Ctx):
    docs = c.tmp / "docs"
    c.file("docs/reviews.json", '[{"_id": {"$oid": "x"}, "rating": 5,,]')
    argv = ["contracts", "derive", "mongo", "--from-json", str(docs), "--db", "w",
            "-o", str(c.out())]
    return argv, ["reviews.json"]


@case("mongo-derive-json-folder-missing")
def _(c: Ctx):
    docs = c.tmp / "no-docs"
    argv = ["contracts", "derive", "mongo", "--from-json", str(docs), "--db", "w",
            "-o", str(c.out())]
    return argv, [str(docs)]


# ---- contracts show (the contract loader) ----------------------------------------------


@case("contract-bad-type")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\nsource: {kind: postgres, table: bad}\n"
                     "columns:\n  id: {type: money}\n"))
    return ["contracts", "show", "-c", str(f)], ["Bad.yaml:4", "columns.id.type"]


@case("contract-unknown-key")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\nsource: {kind: postgres, table: bad}\n"
                     "colour: red\ncolumns:\n  id: {type: uuid}\n"))
    return ["contracts", "show", "-c", str(f)], ["Bad.yaml:3", "colour"]


@case("contract-unknown-column-key")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\nsource: {kind: postgres, table: bad}\n"
                     "columns:\n  id: {type: uuid, nulable: false}\n"))
    return ["contracts", "show", "-c", str(f)], ["Bad.yaml:4", "nulable"]


@case("contract-duplicate-column")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\nsource: {kind: postgres, table: bad}\n"
                     "columns:\n  id: {type: uuid}\n  id: {type: string}\n"))
    return ["contracts", "show", "-c", str(f)], ["Bad.yaml:5", "id"]


@case("contract-invalid-yaml")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\ncolumns: [id: {type: uuid}\n"))
    return ["contracts", "show", "-c", str(f)], ["Bad.yaml"]


@case("contract-not-utf8")
def _(c: Ctx):
    f = c.contracts()
    (f / "Bad.yaml").write_bytes(b"contract: B\xffd\n")
    return ["contracts", "show", "-c", str(f)], ["Bad.yaml"]


@case("contract-folder-missing")
def _(c: Ctx):
    return ["contracts", "show", "-c", str(c.tmp / "none")], [str(c.tmp / "none")]


@case("contract-duplicate-name")
def _(c: Ctx):
    f = c.contracts(("Copy.yaml", G.USER))
    return ["contracts", "show", "-c", str(f)], ["User"]


# ---- drift postgres / migrations status (real PostgreSQL) ------------------------------


def _pg(dbname: str = "postgres", **over: str) -> str:
    params = {"host": "127.0.0.1", "port": "5432", "user": "postgres", "dbname": dbname,
              "connect_timeout": "3", **over}
    return " ".join(f"{k}={v}" for k, v in params.items())


@case("pg-closed-port", pytest.mark.postgres)
def _(c: Ctx):
    port = str(closed_port())
    argv = ["drift", "postgres", "--dsn", _pg(port=port), "--schema", str(pgutil.SCHEMA_PATH)]
    return argv, [f"127.0.0.1:{port}", "cannot connect"]


@case("pg-unknown-role", pytest.mark.postgres)
def _(c: Ctx):
    c.fixture("pg_server_dsn")
    argv = ["drift", "postgres", "--dsn", _pg(user="no_such_role_wdg", password="pw1"),
            "--schema", str(pgutil.SCHEMA_PATH)]
    return argv, ["no_such_role_wdg"]


@case("pg-unknown-database", pytest.mark.postgres)
def _(c: Ctx):
    c.fixture("pg_server_dsn")
    argv = ["drift", "postgres", "--dsn", _pg("no_such_db_wdg"), "--schema",
            str(pgutil.SCHEMA_PATH)]
    return argv, ["no_such_db_wdg"]


@case("pg-drift-bad-schema", pytest.mark.postgres)
def _(c: Ctx):
    s = c.schema("model User {\n  id Int @id\n  shoe Footwear\n}\n")
    argv = ["drift", "postgres", "--dsn", _pg(), "--schema", str(s)]
    return argv, [f"{s}:7"]


# `drift postgres --migrations` on a database without _prisma_migrations is not bad input:
# it reports the history missing and still diffs the schema (test_pg_cli.py)


@case("status-no-prisma-migrations", pytest.mark.postgres)
def _(c: Ctx):
    dsn = c.fixture("fresh_db")
    argv = ["migrations", "status", "--dsn", dsn, "-m", str(pgutil.MIGRATIONS_DIR)]
    return argv, ["_prisma_migrations"]


@case("status-closed-port")
def _(c: Ctx):
    port = str(closed_port())
    argv = ["migrations", "status", "--dsn", _pg(port=port), "-m", str(pgutil.MIGRATIONS_DIR)]
    return argv, [f"127.0.0.1:{port}"]


@case("status-migrations-folder-missing", pytest.mark.postgres)
def _(c: Ctx):
    c.fixture("pg_server_dsn")
    folder = c.tmp / "no-migrations"
    return ["migrations", "status", "--dsn", _pg(), "-m", str(folder)], [str(folder)]


# ---- drift mongo ------------------------------------------------------------------------


@case("drift-mongo-unreachable")
def _(c: Ctx):
    f = c.contracts(("Review.yaml", shutil.copy(ROOT / "contracts" / "Review.yaml",
                                                c.tmp / "r.yaml").read_text()))
    uri = f"mongodb://127.0.0.1:{closed_port()}/?serverSelectionTimeoutMS=300"
    argv = ["drift", "mongo", "--uri", uri, "--db", "wastedump", "-c", str(f)]
    return argv, ["MongoDB unreachable"]


@case("drift-mongo-bad-contract")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\nsource: {kind: mongodb, collection: b}\n"
                     "fields: {}\n"))
    argv = ["drift", "mongo", "--from-json", str(ROOT / "fixtures" / "mongo"), "-c", str(f)]
    return argv, ["Bad.yaml"]


# ---- migrations lint --------------------------------------------------------------------


def _migrations(c: Ctx, sql: str | None) -> Path:
    folder = c.tmp / "migrations"
    (folder / "20250101000000_first").mkdir(parents=True)
    (folder / "20250101000000_first" / "migration.sql").write_text(
        'CREATE TABLE "t" ("id" INTEGER NOT NULL);\n')
    bad = folder / "20250102000000_second"
    bad.mkdir()
    if sql is not None:
        (bad / "migration.sql").write_text(sql)
    return folder


@case("lint-folder-without-migration-sql")
def _(c: Ctx):
    folder = _migrations(c, None)
    return ["migrations", "lint", str(folder)], ["20250102000000_second", "migration.sql"]


@case("lint-unparsable-sql")
def _(c: Ctx):
    folder = _migrations(c, 'ALTER TABLE "t" ADD COLUMN "x" INTEGER;\nALTER TABLE t FROBNICATE;\n')
    return ["migrations", "lint", str(folder)], ["20250102000000_second/migration.sql:2"]


@case("lint-path-missing")
def _(c: Ctx):
    folder = c.tmp / "no-migrations"
    return ["migrations", "lint", str(folder)], [str(folder)]


@case("lint-config-invalid-toml")
def _(c: Ctx):
    folder = _migrations(c, "SELECT 1;\n")
    cfg = c.file("wdguard.toml", "[lint\ndisable = [\n")
    return ["migrations", "lint", str(folder), "--config", str(cfg)], [str(cfg), "TOML"]


@case("lint-config-unknown-code")
def _(c: Ctx):
    folder = _migrations(c, "SELECT 1;\n")
    cfg = c.file("wdguard.toml", '[lint]\ndisable = ["WDL999"]\n')
    return ["migrations", "lint", str(folder), "--config", str(cfg)], ["WDL999"]


@case("lint-config-missing")
def _(c: Ctx):
    folder = _migrations(c, "SELECT 1;\n")
    cfg = c.tmp / "none.toml"
    return ["migrations", "lint", str(folder), "--config", str(cfg)], [str(cfg), "not found"]


@case("lint-format-unknown")
def _(c: Ctx):
    folder = _migrations(c, "SELECT 1;\n")
    return ["migrations", "lint", str(folder), "--format", "xml"], ["'--format'", "xml"]


@case("lint-bad-schema")
def _(c: Ctx):
    folder = _migrations(c, "SELECT 1;\n")
    s = c.schema("model User {\n  id Int @id\n}\nmodel User {\n  id Int @id\n}\n")
    return ["migrations", "lint", str(folder), "--schema", str(s)], [f"{s}:8"]


# ---- check: the gate ---------------------------------------------------------------------


@case("check-lake-missing")
def _(c: Ctx):
    lake = c.tmp / "no-lake"
    argv = ["check", "--lake", str(lake), "--date", DATE, "--contracts", str(c.contracts())]
    return argv, [str(lake), "not found"]


@case("check-date-not-in-lake")
def _(c: Ctx):
    argv = c.gate()
    argv[argv.index(DATE)] = "2026-11-21"
    return argv, ["2026-11-21", "no partitions"]


@case("check-bad-date-format")
def _(c: Ctx):
    argv = c.gate()
    argv[argv.index(DATE)] = "20/11/2026"
    return argv, ["--date", "20/11/2026"]


@case("check-impossible-date")
def _(c: Ctx):
    argv = c.gate()
    argv[argv.index(DATE)] = "2026-02-30"
    return argv, ["--date", "2026-02-30"]


@case("check-bad-layer")
def _(c: Ctx):
    return c.gate("--layer", "bronze,platinum"), ["--layer", "platinum"]


@case("check-engine-unknown")
def _(c: Ctx):
    return c.gate("--engine", "duckdb"), ["--engine", "duckdb", "polars or spark"]


@case("check-format-unknown")
def _(c: Ctx):
    return c.gate("--format", "xml"), ["'--format'", "xml"]


@case("check-negative-sample-keys")
def _(c: Ctx):
    return c.gate("--sample-keys", "-1"), ["--sample-keys"]


@case("check-contracts-missing")
def _(c: Ctx):
    return c.gate(contracts=c.tmp / "none"), [str(c.tmp / "none")]


@case("check-contract-bad-type")
def _(c: Ctx):
    f = c.contracts(("Bad.yaml", "contract: Bad\nsource: {kind: postgres, table: bad}\n"
                     "columns:\n  id: {type: money}\n"))
    return c.gate(contracts=f), ["Bad.yaml:4"]


@case("check-rule-not-sql")
def _(c: Ctx):
    text = G.ORDER.replace("status <> 'PAID' OR paid_at IS NOT NULL", "(status = 'PAID'")
    f = c.contracts(("Order.yaml", text))
    return c.gate(contracts=f), ["contract Order", "paid_has_paid_at", "not a valid SQL"]


@case("check-rule-unknown-column")
def _(c: Ctx):
    text = G.ORDER.replace("paid_at IS NOT NULL", "paied_at IS NOT NULL")
    f = c.contracts(("Order.yaml", text))
    return c.gate(contracts=f), ["contract Order", "paid_has_paid_at", "paied_at"]


def _break(c: Ctx, layer: str, obj: str, fn: Callable[[Path], None]) -> list[str]:
    argv = c.gate()
    fn(c.tmp / "lake" / part(layer, obj))
    return argv


@case("check-corrupt-parquet")
def _(c: Ctx):
    def corrupt(p: Path):
        (p / "part-00000.parquet").write_bytes(b"PAR1 this is not parquet at all PAR1")
    return _break(c, "silver", "users", corrupt), [part("silver", "users")]


@case("check-truncated-parquet")
def _(c: Ctx):
    def truncate(p: Path):
        f = p / "part-00001.parquet"
        f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    return _break(c, "bronze", "orders", truncate), [part("bronze", "orders")]


@case("check-parquet-schema-differs")
def _(c: Ctx):
    def other_schema(p: Path):
        G.orders().slice(2, 2).rename({"status": "state"}).write_parquet(p / "part-00001.parquet")
    return _break(c, "bronze", "orders", other_schema), [part("bronze", "orders")]


@case("check-empty-parquet-file")
def _(c: Ctx):
    return _break(c, "silver", "orders", lambda p: (p / "part-00000.parquet").write_bytes(b"")), [
        part("silver", "orders")]


@case("check-manifest-missing")
def _(c: Ctx):
    # a missing manifest is undecided only when the config says manifests are required
    cfg = c.file("wdguard.toml", "[check]\nrequire_manifest = true\n")
    c.env["WDGUARD_CONFIG"] = str(cfg)
    return _break(c, "bronze", "users", lambda p: (p / "_source.json").unlink()), [
        part("bronze", "users"), "_source.json", "require_manifest"]


@case("check-manifest-malformed")
def _(c: Ctx):
    def malformed(p: Path):
        (p / "_source.json").write_text('{"source": "postgres", "row_count": 4,')
    return _break(c, "silver", "orders", malformed), [part("silver", "orders"), "_source.json"]


@case("check-manifest-wrong-shape")
def _(c: Ctx):
    def wrong(p: Path):
        data = json.loads((p / "_source.json").read_text())
        data["row_count"] = "four"
        (p / "_source.json").write_text(json.dumps(data))
    return _break(c, "silver", "users", wrong), [part("silver", "users"), "row_count"]


@case("check-lake-template-unknown-placeholder")
def _(c: Ctx):
    argv = c.gate()
    cfg = c.file("wdguard.toml", '[lake.bronze]\npath = "raw/{source}/{day}/{object}"\n')
    c.env["WDGUARD_CONFIG"] = str(cfg)
    return argv, ["wdguard.toml [lake.bronze]", "{day}", "unknown placeholder"]


@case("check-lake-two-formats-in-a-partition")
def _(c: Ctx):
    def json_too(p: Path):
        (p / "extra.json").write_text('{"id": "u9"}\n')
    return _break(c, "bronze", "users", json_too), [
        part("bronze", "users"), "two formats", "extra.json", "part-00000.parquet"]


@case("check-lake-adf-output-unreadable")
def _(c: Ctx):
    cfg = c.file("wdguard.toml", '[lake.bronze]\nadf_output = "adf/{date}/{object}.json"\n')
    c.env["WDGUARD_CONFIG"] = str(cfg)

    def adf_instead(p: Path):
        (p / "_source.json").unlink()
        out = c.tmp / "lake" / "adf" / DATE / "users.json"
        out.parent.mkdir(parents=True)
        out.write_text('{"rowsCopied": 4, "filesWritten": ')
    return _break(c, "bronze", "users", adf_instead), [
        f"adf/{DATE}/users.json", "unreadable ADF output"]


@case("check-config-invalid-toml")
def _(c: Ctx):
    argv = c.gate()
    cfg = c.file("bad.toml", "[alerts\n")
    c.env["WDGUARD_CONFIG"] = str(cfg)
    return argv, [str(cfg), "TOML"]


# ---- check on Azurite -------------------------------------------------------------------


def _azure_lake(c: Ctx):
    az = c.fixture("azurite")
    store = new_azure_store(az)
    G.clean_lake(store, DATE)
    c.azure = store
    c.request.addfinalizer(store._cc.delete_container)
    return az, store


@case("azure-wrong-account-key", pytest.mark.azurite)
def _(c: Ctx):
    az, store = _azure_lake(c)
    c.env["AZURE_STORAGE_CONNECTION_STRING"] = az.connection_string.replace(
        az.account_key, WRONG_KEY)
    argv = ["check", "--lake", store.url, "--date", DATE, "--contracts", str(c.contracts())]
    return argv, [store.url, "authenticate"]


@case("azure-container-missing", pytest.mark.azurite)
def _(c: Ctx):
    az = c.fixture("azurite")
    c.env["AZURE_STORAGE_CONNECTION_STRING"] = az.connection_string
    url = "az://nosuchcontainer/lake"
    argv = ["check", "--lake", url, "--date", DATE, "--contracts", str(c.contracts())]
    return argv, ["nosuchcontainer", "not found"]


@case("azure-down-before-run", pytest.mark.azurite)
def _(c: Ctx):
    az = c.fixture("azurite")
    port = closed_port()
    c.env["AZURE_STORAGE_CONNECTION_STRING"] = az.connection_string.replace(
        f":{az.port}/", f":{port}/")
    c.env["WDGUARD_AZURE_RETRIES"] = "0"
    argv = ["check", "--lake", "az://lake/x", "--date", DATE, "--contracts", str(c.contracts())]
    return argv, ["az://lake/x", "unreachable"]


class CuttingProxy:
    """A TCP proxy to Azurite that goes down for good when a request names `marker`:
    every open connection is cut and the port stops listening, as when Azurite is
    stopped in the middle of a run."""

    def __init__(self, port: int, marker: bytes):
        self.upstream, self.marker = port, marker
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.socks: list[socket.socket] = []
        self.cut = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(("127.0.0.1", self.upstream))
            self.socks += [client, server]
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, watch: bool):
        try:
            while data := src.recv(65536):
                if watch and self.marker in data:
                    self.down()
                    return
                dst.sendall(data)
        except OSError:
            pass

    def down(self):
        self.cut.set()
        for s in [self.listener, *self.socks]:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@case("azure-down-mid-run", pytest.mark.azurite)
def _(c: Ctx):
    az, store = _azure_lake(c)
    proxy = CuttingProxy(az.port, marker=b"silver")  # bronze is read, then it goes away
    c.request.addfinalizer(proxy.down)
    c.env["AZURE_STORAGE_CONNECTION_STRING"] = az.connection_string.replace(
        f":{az.port}/", f":{proxy.port}/")
    c.env["WDGUARD_AZURE_RETRIES"] = "0"
    argv = ["check", "--lake", store.url, "--date", DATE, "--contracts", str(c.contracts())]
    return argv, [store.url, "unreachable"]


# ---- lake generate, report nightly, alert test, demo ----------------------------------


GEN = ["--contracts", str(ROOT / "contracts"), "--days", "1", "--rows", "0.01"]


@case("generate-bad-end-date")
def _(c: Ctx):
    out = c.tmp / "gen"
    c.watched.append(out)
    return ["lake", "generate", "-o", str(out), *GEN, "--end", "2026-13-01"], ["--end", "2026-13-01"]


@case("generate-unknown-layer")
def _(c: Ctx):
    out = c.tmp / "gen"
    c.watched.append(out)
    return ["lake", "generate", "-o", str(out), *GEN, "--layer", "platinum"], [
        "--layer",
        "platinum",
    ]


@case("generate-unknown-object")
def _(c: Ctx):
    out = c.tmp / "gen"
    c.watched.append(out)
    return ["lake", "generate", "-o", str(out), *GEN, "--object", "spaceships"], [
        "--object:", "spaceships"]


@case("generate-contracts-missing")
def _(c: Ctx):
    out = c.tmp / "gen"
    c.watched.append(out)
    none = c.tmp / "none"
    return ["lake", "generate", "-o", str(out), "--contracts", str(none)], [str(none)]


def _report(c: Ctx, *extra: str, lake: Path | None = None) -> list[str]:
    out = c.tmp / "report"
    c.watched.append(out)
    lake = lake or c.lake()
    return ["report", "nightly", "--lake", str(lake), "--out", str(out), *extra]


@case("report-lake-missing")
def _(c: Ctx):
    lake = c.tmp / "no-lake"
    return _report(c, lake=lake), [str(lake), "not found"]


@case("report-bad-date")
def _(c: Ctx):
    return _report(c, "--date", "2026-11-31"), ["--date", "2026-11-31"]


@case("report-config-invalid-toml")
def _(c: Ctx):
    cfg = c.file("bad.toml", "days = = 3\n")
    return _report(c, "--config", str(cfg)), [str(cfg), "TOML"]


@case("report-drift-json-malformed")
def _(c: Ctx):
    bad = c.file("drift.json", '{"command": "drift postgres", "findings": [')
    return _report(c, "--drift-json", str(bad)), [str(bad)]


@case("alert-config-missing")
def _(c: Ctx):
    cfg = c.tmp / "none.toml"
    return ["alert", "test", "--config", str(cfg)], [str(cfg), "not found"]


@case("alert-unknown-kind")
def _(c: Ctx):
    cfg = c.file("wdguard.toml", '[alerts.targets.ops]\nkind = "pager"\nurl_env = "X_HOOK"\n')
    return ["alert", "test", "--config", str(cfg)], ["[alerts.targets.ops]", "kind"]


@case("alert-unknown-event")
def _(c: Ctx):
    cfg = c.file("wdguard.toml", '[alerts]\nevents = ["gate_exploded"]\n'
                 '[alerts.targets.ops]\nkind = "slack"\nurl_env = "X_HOOK"\n')
    return ["alert", "test", "--config", str(cfg)], ["gate_exploded"]


@case("demo-lake-is-a-file")
def _(c: Ctx):
    f = c.file("lake", "not a folder\n")
    return ["demo", "--lake", str(f)], [str(f)]


@case("demo-format-unknown")
def _(c: Ctx):
    return ["demo", "--format", "yaml"], ["'--format'", "yaml"]


# ---- running a case -------------------------------------------------------------------------


def run_cli(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in SECRET_ENV}
    full.update(env)
    full.pop("WDGUARD_DEBUG", None)
    full["COLUMNS"] = "200"
    return subprocess.run([sys.executable, "-m", "wdguard.cli", *argv], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


def snapshot(folder: Path) -> dict[str, str] | None:
    if not folder.exists():
        return None
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


def azure_snapshot(store) -> dict[str, str]:
    return {p: hashlib.sha256(store.read_bytes(p)).hexdigest() for p in store.list("")}


def assert_only_whole_records(before: dict | None, after: dict | None, read) -> None:
    """Nothing changed or removed; new objects only where documented, and whole."""
    before, after = before or {}, after or {}
    assert {p: h for p, h in before.items() if after.get(p) != h} == {}, "changed or removed"
    for path in sorted(set(after) - set(before)):
        name = path.rsplit("/", 1)[-1]
        assert path.startswith(("_wdguard/runs/", "_wdguard/audit/", "_wdguard/metrics/")), \
            f"wrote {path}"
        assert not name.startswith(".tmp-"), f"left a temporary file {path}"
        if path.startswith("_wdguard/metrics/"):
            # the metrics of the partitions the run could read: a whole parquet object
            assert name.endswith(".parquet"), path
            pq.read_table(pa.BufferReader(read(path)))  # whole, or this raises
            continue
        data = json.loads(read(path))  # whole JSON, or this raises
        if path.startswith("_wdguard/runs/"):
            assert data["verdict"] == "undecided" and data["exit_code"] == 2, data


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=c.marks, id=n) for n, c in CASES.items()])
def test_bad_input_is_one_line_exit_2_nothing_half_written(name, tmp_path, request):
    ctx = Ctx(tmp_path / "case", request)
    ctx.tmp.mkdir()
    argv, expect = CASES[name].build(ctx)
    before = [snapshot(f) for f in ctx.watched]
    azure_before = azure_snapshot(ctx.azure) if ctx.azure is not None else None

    proc = run_cli(argv, ctx.tmp, ctx.env)

    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-2000:], proc.stderr)
    assert len(lines) == 1, proc.stderr
    line = lines[0]
    assert line.startswith("wdguard: error: "), line
    assert "Traceback" not in proc.stderr and "internal error" not in line, line
    for word in expect:
        assert word in line, (word, line)
    assert "hunter2" not in proc.stderr + proc.stdout
    assert WRONG_KEY not in proc.stderr + proc.stdout
    for folder, old in zip(ctx.watched, before, strict=True):
        new = snapshot(folder)
        if folder.name == "lake":
            assert_only_whole_records(old, new, lambda p, f=folder: (f / p).read_bytes())
        else:
            assert new == old, f"{folder} changed"
    if ctx.azure is not None:
        after = azure_snapshot(ctx.azure)
        assert_only_whole_records(azure_before, after, ctx.azure.read_bytes)


def test_the_table_covers_every_command():
    argvs = {n: c for n, c in CASES.items()}
    assert len(argvs) >= 45
    commands = {"contracts derive prisma", "contracts derive mongo", "contracts show",
                "drift postgres", "drift mongo", "migrations status", "migrations lint",
                "check", "lake generate", "report nightly", "alert test", "demo"}
    prefixes = {"prisma-": "contracts derive prisma", "mongo-derive": "contracts derive mongo",
                "contract-": "contracts show", "pg-": "drift postgres",
                "drift-mongo": "drift mongo", "status-": "migrations status",
                "lint-": "migrations lint", "check-": "check", "azure-": "check",
                "generate-": "lake generate", "report-": "report nightly",
                "alert-": "alert test", "demo-": "demo"}
    covered = {cmd for n in CASES for p, cmd in prefixes.items() if n.startswith(p)}
    assert covered == commands


# ---- decided, not bad input: these keep their verdict ---------------------------------------


def test_webhook_that_times_out_keeps_the_verdict_and_is_recorded(tmp_path):
    """A failing gate whose alert webhook never answers: exit 1 (the verdict), the whole
    run record, a warning line for the alert, and the failed delivery in the audit entry."""
    from tests.alert_server import SECRET_PATH, Recorder

    ctx = Ctx(tmp_path, None)  # type: ignore[arg-type]
    strict = G.ORDER.replace("qty: {type: integer, max: 100, severity: warn}",
                             "qty: {type: integer, max: 2}")
    argv = ctx.gate(contracts=G.write_contracts(tmp_path / "contracts", G.USER, strict))
    cfg = ctx.file("wdguard.toml", '[alerts]\ntimeout = 0.5\nretries = 0\n'
                   '[alerts.targets.pager]\nkind = "webhook"\nurl_env = "H8_HOOK"\n')
    with Recorder(["hang"]) as hook:
        proc = run_cli(argv, tmp_path, {"WDGUARD_CONFIG": str(cfg), "H8_HOOK": hook.url})
        assert len(hook.received) == 1  # it was tried, and it hung
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [proc.stderr.strip()]
    assert proc.stderr.startswith("wdguard: warning: alert to pager failed")
    assert SECRET_PATH not in proc.stderr + proc.stdout
    lake = LocalStore(tmp_path / "lake")
    [record] = [json.loads(lake.read_bytes(p)) for p in lake.list(f"_wdguard/runs/{DATE}")]
    assert record["verdict"] == "fail" and record["exit_code"] == 1
    [entry] = [json.loads(lake.read_bytes(p)) for p in lake.list("_wdguard/audit")]
    [alert] = entry["alerts"]
    assert alert["target"] == "pager" and alert["ok"] is False and alert["error"]
    assert entry["exit_code"] == 1 and SECRET_PATH not in json.dumps(entry)


def test_partition_whose_parquet_files_never_landed_fails_the_gate(tmp_path):
    """`_source.json` lists files, none is there: the gate decides (file_missing and
    row_count fail, exit 1) -- the data is missing, wdguard is not in doubt."""
    ctx = Ctx(tmp_path, None)  # type: ignore[arg-type]
    argv = ctx.gate("--format", "json")
    folder = tmp_path / "lake" / part("bronze", "orders")
    for f in folder.glob("*.parquet"):
        f.unlink()
    proc = run_cli(argv, tmp_path, {})
    assert proc.returncode == 1 and proc.stderr == "", proc.stderr
    failed = {(c["object"], c["check"]) for c in json.loads(proc.stdout)["checks"]
              if c["status"] == "fail" and c["layer"] == "bronze"}
    assert {("orders", "file_missing"), ("orders", "row_count")} <= failed
