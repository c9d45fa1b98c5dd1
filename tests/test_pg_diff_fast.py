"""The Postgres comparator (`drift.pg_diff.diff`) on edited copies of one live schema.

The fixture database is migrated and introspected once per module; each scenario edits a
deep copy of that `LiveSchema` the way a statement would change the database, and every
finding it yields (code, object, column, class, message, details) is compared whole with
`pg_diff.golden.json`, reviewed by hand. `test_pg_drift.py` makes the same kinds of
change with real SQL; this module is the fast, exhaustive one (milliseconds a scenario),
which is what lets mutation testing of `pg_diff` fit on 2 cores. Regenerate the golden
file after an intended wording change with WDGUARD_UPDATE_GOLDEN=1.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest

from tests import pgutil
from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.drift import pg_introspect
from wdguard.drift.pg_diff import diff
from wdguard.drift.pg_introspect import (
    LiveColumn,
    LiveForeignKey,
    LiveSchema,
    LiveTable,
    introspect,
)
from wdguard.sources.postgres import connect

pytestmark = pytest.mark.postgres

GOLDEN = Path(__file__).with_name("pg_diff.golden.json")
P = "public"


@pytest.fixture(scope="module")
def contracts():
    return derive_contracts(pgutil.SCHEMA_PATH)


@pytest.fixture(scope="module")
def live0(pg_server_dsn) -> LiveSchema:
    """The migrated fixture database, introspected. Cached on disk under a key of the
    migrations, the introspection code and the server version, so the mutation runs'
    thousand short-lived test processes do not each build a database."""
    with psycopg.connect(pgutil.SERVER_DSN) as conn:
        server = conn.execute("SHOW server_version_num").fetchone()[0]
    key = hashlib.sha256(server.encode())
    for path in [*sorted(pgutil.MIGRATIONS_DIR.rglob("*.sql")), Path(pg_introspect.__file__)]:
        key.update(path.read_bytes())
    cache = Path(tempfile.gettempdir()) / f"wdguard-live-schema-{key.hexdigest()[:20]}.pickle"
    if cache.is_file():
        return pickle.loads(cache.read_bytes())
    with pgutil.temp_database(migrations=pgutil.MIGRATIONS_DIR) as dsn, connect(dsn) as conn:
        live = introspect(conn, [P])
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pickle.dumps(live))
    partial.replace(cache)  # atomic: a concurrent reader sees all of it or nothing
    return live


def col(name, db_type, type_name, *, nullable=True, default=None, identity=False):
    return LiveColumn(name, db_type, type_name, nullable, default, identity)


# --- edits: each takes the live schema and changes it in place -----------------------------


def table(live, name) -> LiveTable:
    return live.tables[(P, name)]


def drop_column(t, c):
    return lambda live: table(live, t).columns.pop(c)


def set_column(t, c, **changes):
    def edit(live):
        cols = table(live, t).columns
        cols[c] = replace(cols[c], **changes)
    return edit


def add_column(t, column):
    return lambda live: table(live, t).columns.__setitem__(column.name, column)


def rename_column(t, old, new):
    def edit(live):
        cols = table(live, t).columns
        cols[new] = replace(cols.pop(old), name=new)
        for fk in table(live, t).foreign_keys:
            fk.columns = [new if c == old else c for c in fk.columns]
        for ix in table(live, t).indexes:
            ix.columns = [new if c == old else c for c in ix.columns]
    return edit


def rename_table(old, new):
    def edit(live):
        t = live.tables.pop((P, old))
        live.tables[(P, new)] = replace(t, name=new)
        for other in live.tables.values():
            for fk in other.foreign_keys:
                if fk.ref_table == old:
                    fk.ref_table = new
    return edit


def set_fk(t, fk_name, **changes):
    def edit(live):
        fks = table(live, t).foreign_keys
        i = next(i for i, fk in enumerate(fks) if fk.name == fk_name)
        fks[i] = replace(fks[i], **changes)
    return edit


def drop_fk(t, name):
    def edit(live):
        tab = table(live, t)
        tab.foreign_keys = [fk for fk in tab.foreign_keys if fk.name != name]
    return edit


def set_enum(name, values):
    return lambda live: live.enums.__setitem__((P, name), list(values))


def both(*edits):
    def edit(live):
        for e in edits:
            e(live)
    return edit


def extra_table(name, *columns):
    return lambda live: live.tables.__setitem__(
        (P, name), LiveTable(P, name, columns={c.name: c for c in columns}))


def set_pk(t, columns):
    def edit(live):
        table(live, t).primary_key = list(columns)
    return edit


TEXT = ("text", "text")
INT = ("integer", "int4")

SCENARIOS = {
    "drop_column": drop_column("orders", "notes"),
    "drop_column_with_prisma_field": drop_column("orders", "paid_at"),
    "drop_fk_column": drop_column("payments", "order_id"),
    "rename_column": rename_column("orders", "notes", "remarks"),
    # a dropped column and an added one of another type are not a rename
    "drop_and_add_other_type": both(drop_column("orders", "notes"),
                                    add_column("orders", col("flag", "boolean", "bool"))),
    # a rename, then another new column after it: both reported
    "rename_then_add": both(rename_column("orders", "notes", "remarks"),
                            add_column("orders", col("zz", "boolean", "bool"))),
    "rename_column_ambiguous": both(drop_column("orders", "notes"),
                                    add_column("orders", col("a", *TEXT)),
                                    add_column("orders", col("b", *TEXT))),
    "add_nullable_column": add_column("users", col("nickname", *TEXT)),
    "add_not_null_no_default": add_column("users", col("tier", *INT, nullable=False)),
    "add_not_null_with_default": add_column(
        "users", col("tier", *INT, nullable=False, default="0")),
    "add_not_null_identity": add_column(
        "users", col("seq", "bigint", "int8", nullable=False, identity=True)),
    "narrow_type": set_column("orders", "total_amount", db_type="integer", type_name="int4"),
    "widen_type": set_column("users", "phone", db_type="character varying(64)",
                             type_name="varchar"),
    "drop_not_null": set_column("users", "full_name", nullable=True),
    "set_not_null": set_column("orders", "notes", nullable=False),
    "change_default": set_column("products", "currency", default="'USD'::bpchar"),
    "drop_default": set_column("products", "stock", default=None),
    "add_default": set_column("orders", "notes", default="'none'::text"),
    "enum_value_added": set_enum(
        "OrderStatus", ["PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED",
                        "ON_HOLD"]),
    "enum_value_removed_and_added": set_enum(
        "OrderStatus", ["PENDING", "PAID", "SHIPPED", "DELIVERED", "VOID", "REFUNDED"]),
    "enum_values_reordered": set_enum(
        "OrderStatus", ["PAID", "PENDING", "SHIPPED", "DELIVERED", "CANCELLED", "REFUNDED"]),
    # the type is dropped with its column turned to text: reported at the column only
    "enum_type_gone": both(lambda live: live.enums.pop((P, "OrderStatus")),
                           set_column("orders", "status", db_type="text", type_name="text",
                                      enum_name=None, enum_type=None)),
    "primary_key_dropped": set_pk("order_items", []),
    "fk_dropped": drop_fk("payments", "payments_order_id_fkey"),
    "fk_added": lambda live: table(live, "products").foreign_keys.append(
        LiveForeignKey("products_sku_fkey", ["sku"], P, "tags", ["name"], "RESTRICT",
                       "CASCADE")),
    "fk_action_changed": set_fk("orders", "orders_user_id_fkey", on_delete="CASCADE"),
    "fk_target_changed": set_fk("orders", "orders_user_id_fkey", ref_table="merchants",
                                ref_columns=["owner_id"]),
    "fk_renamed": set_fk("orders", "orders_user_id_fkey", name="fk_orders_user"),
    "table_missing": lambda live: live.tables.pop((P, "order_items")),
    "table_extra": extra_table("audit_log", col("id", *INT, nullable=False), col("what", *TEXT)),
    "table_renamed": rename_table("tags", "labels"),
    # the fixture's contracts list Prisma's join table: so an unknown one is drift
    # (test_pg_drift checks that it is not when no contract is a join table)
    "join_table_not_in_contracts": extra_table(
        "_CategoryToTag", col("A", *INT, nullable=False), col("B", *INT, nullable=False)),
    "several_in_one_table": both(drop_column("orders", "notes"),
                                 set_column("orders", "paid_at", nullable=False),
                                 set_column("orders", "currency", default=None)),
}


def _run(contracts, live0, name):
    live = copy.deepcopy(live0)
    SCENARIOS[name](live)
    return [f.to_dict() for f in diff(contracts, live)]


def test_the_unedited_schema_has_no_drift(contracts, live0):
    assert diff(contracts, copy.deepcopy(live0)) == []
    assert (P, "_prisma_migrations") in live0.tables  # there, and never drift


@pytest.fixture(scope="module")
def golden():
    return json.loads(GOLDEN.read_text())


# one test a scenario: each takes milliseconds once the module's schema is read, so a
# mutant dies on the first scenario that notices it (mutmut runs the shortest tests first)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_scenario_findings_in_full_match_the_reviewed_golden_file(contracts, live0, golden,
                                                                  name):
    got = json.loads(json.dumps(_run(contracts, live0, name), default=str))
    assert got, "every scenario is a drift"
    assert got == golden[name]


def test_the_golden_file_has_exactly_the_scenarios(contracts, live0):
    if os.environ.get("WDGUARD_UPDATE_GOLDEN"):
        got = {name: _run(contracts, live0, name) for name in SCENARIOS}
        GOLDEN.write_text(json.dumps(json.loads(json.dumps(got, default=str)), indent=1,
                                     sort_keys=True) + "\n")
    assert sorted(json.loads(GOLDEN.read_text())) == sorted(SCENARIOS)


def test_an_identity_column_is_an_autoincrement_default(contracts, live0):
    """`GENERATED ... AS IDENTITY` has no column default but is Prisma's autoincrement()."""
    live = copy.deepcopy(live0)
    set_column("orders", "number", default=None, identity=True)(live)
    assert diff(contracts, live) == []
    set_column("orders", "number", default=None, identity=False)(live)
    assert [(f.code, f.column) for f in diff(contracts, live)] == [("PGD116", "number")]


def _contract(name, table, columns, **more):
    from wdguard.contracts.model import Contract

    return Contract.model_validate({"contract": name, "source": {"kind": "postgres", **table},
                                    "columns": columns, **more})


# format_type() spellings -> the logical family a hand-written contract (no db_type) names
FAMILIES = [
    ("uuid", "uuid", "uuid"), ("character(3)", "bpchar", "string"),
    ("character varying(10)", "varchar", "string"), ("text", "text", "string"),
    ("citext", "citext", "string"), ("integer", "int4", "integer"),
    ("smallint", "int2", "integer"), ("bigint", "int8", "bigint"),
    ("double precision", "float8", "float"), ("real", "float4", "float"),
    ("numeric(10,2)", "numeric", "decimal"), ("boolean", "bool", "boolean"),
    ("timestamp(3) without time zone", "timestamp", "timestamp"),
    ("timestamp with time zone", "timestamptz", "timestamp"), ("date", "date", "date"),
    ("json", "json", "json"), ("jsonb", "jsonb", "json"), ("bytea", "bytea", "bytes"),
    ("text[]", "_text", "list"), ("integer[]", "_int4", "list"),
    ("point", "point", "unsupported"),
]


def test_each_live_type_is_its_logical_family_and_no_other():
    cols = {f"c{i}": col(f"c{i}", db, name) for i, (db, name, _) in enumerate(FAMILIES)}
    cols["e"] = LiveColumn("e", '"Mood"', "Mood", True, None, enum_name="Mood",
                           enum_type=(P, "Mood"))
    live = LiveSchema([P], tables={(P, "f"): LiveTable(P, "f", columns=cols)},
                      enums={(P, "Mood"): ["OK"]})
    fams = [fam for _, _, fam in FAMILIES] + ["enum"]
    extra = {"list": {"items": "string"}, "enum": {"values": ["OK"]}}
    right = {n: {"type": f, **extra.get(f, {})} for n, f in zip(cols, fams, strict=True)}
    assert diff([_contract("F", {"table": "f"}, right)], live) == []
    wrong = {}
    for i, n in enumerate(cols):
        other = next(f for f in fams[i + 1:] + fams[:i] if f != fams[i])
        wrong[n] = {"type": other, **extra.get(other, {})}
    found = {f.column: (f.code, f.details["expected"], f.details["live"])
             for f in diff([_contract("F", {"table": "f"}, wrong)], live)}
    assert found == {n: ("PGD113", wrong[n]["type"], fams[i]) for i, n in enumerate(cols)}


def test_schemas_and_postgres_contracts():
    from wdguard.drift.pg_diff import postgres_contracts, schemas_of

    a = _contract("A", {"table": "a"}, {"x": {"type": "string"}})
    b = _contract("B", {"table": "b", "schema": "billing"}, {"x": {"type": "string"}})
    v = _contract("V", {"table": "v", "view": True}, {"x": {"type": "string"}})
    assert schemas_of([]) == ["public"]
    assert schemas_of([b]) == ["billing"]
    assert schemas_of([b, a, v]) == ["billing", "public"]
    assert postgres_contracts([a, b, v]) == [a, b]


def _schema(*tables, enums=None):
    return LiveSchema([P, "billing"], tables={(t.schema, t.name): t for t in tables},
                      enums=enums or {})


def _table(name, *columns, schema=P, **more):
    return LiveTable(schema, name, columns={c.name: c for c in columns}, **more)


INT4 = ("integer", "int4")


def test_only_a_two_column_a_b_join_table_is_prisma_implicit():
    live = _schema(_table("t", col("id", *INT4)), _table("_CatToProduct", col("A", *INT4), col("B", *INT4)),
                   _table("_TagToPost", col("A", *INT4), col("B", *INT4), col("C", *INT4)),
                   _table("_UserToRole", col("a", *INT4), col("b", *INT4)),
                   _table("pairs", col("A", *INT4), col("B", *INT4)))
    t = _contract("T", {"table": "t"}, {"id": {"type": "integer", "db_type": "integer"}})
    assert sorted((f.code, f.object) for f in diff([t], live)) == [
        ("PGD102", "_TagToPost"), ("PGD102", "_UserToRole"), ("PGD102", "pairs")]


def _fk_world(on_delete="SET NULL", on_update="NO ACTION", fks=True):
    ints = (col("a", *INT4, nullable=False), col("b", *INT4, nullable=False))
    fk = LiveForeignKey("child_a_b_fkey", ["a", "b"], P, "parent", ["a", "b"], on_delete,
                        on_update)
    return _schema(_table("parent", *ints, primary_key=["a", "b"]),
                   _table("child", col("a", *INT4), col("b", *INT4),
                          foreign_keys=[fk] if fks else []))


def _fk_contracts(on_delete, on_update):
    i = {"type": "integer", "db_type": "integer"}
    parent = _contract("Parent", {"table": "parent"}, {"a": {**i, "nullable": False},
                       "b": {**i, "nullable": False}}, primary_key=["a", "b"])
    child = _contract("Child", {"table": "child"}, {"a": i, "b": i}, foreign_keys=[
        {"name": "child_a_b_fkey", "columns": ["a", "b"], "references": "Parent",
         "ref_columns": ["a", "b"], "on_delete": on_delete, "on_update": on_update}])
    return [parent, child]


@pytest.mark.parametrize("on_delete,on_update", [
    ("SetNull", "NoAction"), ("set_null", "no action"), ("SET NULL", "NO ACTION"), (None, None)])
def test_referential_action_spellings_are_one_action(on_delete, on_update):
    assert diff(_fk_contracts(on_delete, on_update), _fk_world()) == []


def test_changed_and_dropped_composite_foreign_keys_name_no_single_column():
    [f] = diff(_fk_contracts("Cascade", "SetDefault"), _fk_world())
    assert (f.code, f.object, f.column) == ("PGD153", "child", None)
    assert f.message == ("child: foreign key child_a_b_fkey differs: on_delete SET NULL "
                         "(contract: CASCADE); on_update NO ACTION (contract: SET DEFAULT)")
    [f] = diff(_fk_contracts("SetNull", "NoAction"), _fk_world(fks=False))
    assert (f.code, f.column, f.message) == (
        "PGD151", None, "child: foreign key child_a_b_fkey (a, b) -> Parent is missing")
    world = _fk_world()
    world.tables[(P, "child")].foreign_keys[0].name = "fk_other"
    [f] = diff(_fk_contracts("SetNull", "NoAction"), world)
    assert (f.code, f.column, f.message) == (
        "PGD154", None, "child: foreign key (a, b) -> parent is named fk_other; the contract "
        "says child_a_b_fkey")
    contracts = _fk_contracts("SetNull", "NoAction")
    contracts[1] = contracts[1].model_copy(update={"foreign_keys": []})
    [f] = diff(contracts, world)
    assert (f.code, f.column, f.message) == (
        "PGD152", None, "child: foreign key fk_other (a, b) -> parent is not in the contract")


def test_primary_key_messages_and_a_required_prisma_list():
    live = _schema(_table("k", col("a", *INT4, nullable=False), col("b", *INT4, nullable=False),
                          col("tags", "text[]", "_text"), primary_key=["a", "b"]))
    cols = {"a": {"type": "integer", "db_type": "integer", "nullable": False},
            "b": {"type": "integer", "db_type": "integer", "nullable": False},
            # Prisma creates a required scalar list without NOT NULL: not drift
            "tags": {"type": "list", "items": "string", "db_type": "text[]", "nullable": False}}
    assert diff([_contract("K", {"table": "k"}, cols, primary_key=["a", "b"])], live) == []
    [f] = diff([_contract("K", {"table": "k"}, cols)], live)
    assert (f.code, f.column, f.message) == (
        "PGD131", None, "k primary key is (a, b); the contract says (none)")
    assert f.details == {"contract": "K", "expected": [], "live": ["a", "b"]}


def test_one_enum_used_by_columns_and_arrays_in_two_schemas_is_reported_once():
    """The enum lives in `billing`; `public.a.kind` and `billing.b.kinds` (an array) use it."""
    use = ("billing", "Kind")
    live = _schema(
        _table("a", LiveColumn("kind", '"Kind"', "Kind", True, None, enum_name="Kind",
                               enum_type=use)),
        _table("b", LiveColumn("kinds", '"Kind"[]', "_Kind", True, None, enum_type=use),
               schema="billing"),
        enums={use: ["X", "Z"]})
    a = _contract("A", {"table": "a"}, {"kind": {"type": "enum", "enum_name": "Kind",
                                                 "values": ["X", "Y"], "db_type": "Kind"}})
    b = _contract("B", {"table": "b", "schema": "billing"},
                  {"kinds": {"type": "list", "items": "enum", "enum_name": "Kind",
                             "values": ["X", "Y"], "db_type": "Kind[]"}})
    found = [(f.code, f.object, f.column, f.message) for f in diff([a, b], live)]
    assert found == [
        ("PGD122", "billing.Kind", "Y",
         "enum billing.Kind has no value 'Y' (used by a.kind, b.kinds)"),
        ("PGD121", "billing.Kind", "Z",
         "enum billing.Kind has a new value 'Z' (used by a.kind, b.kinds)"),
    ]
