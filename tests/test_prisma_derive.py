"""derive_contracts on the synthetic schemas: logical types, physical detail, keys, FKs."""

from __future__ import annotations

from pathlib import Path

import pytest

from wdguard.contracts.prisma_derive import derive_contracts
from wdguard.errors import InputError

SCHEMAS = Path(__file__).resolve().parent / "prisma_schemas"


def _by_name(path: Path) -> dict:
    return {c.contract: c for c in derive_contracts(path)}


@pytest.fixture(scope="module")
def types_() -> dict:
    return _by_name(SCHEMAS / "defaults_and_types.prisma")


def test_logical_types_defaults_and_db_defaults(types_) -> None:
    cols = types_["Everything"].columns
    expect = {
        # column: (type, default, db_type, db_default)
        "id": ("integer", "autoincrement()", "integer", "autoincrement"),
        "s": ("string", None, "text", None),
        "b": ("boolean", False, "boolean", "false"),
        "i": ("integer", -7, "integer", "-7"),
        "bi": ("bigint", 5, "bigint", "5"),
        "f": ("float", 2.5, "double precision", "2.5"),
        "d": ("decimal", 1.25, "numeric(65,30)", "1.25"),
        "dt": ("timestamp", "2020-01-02T03:04:05Z", "timestamp(3) without time zone",
               "'2020-01-02 03:04:05'"),
        "j": ("json", '{"a": 1}', "jsonb", "'{\"a\": 1}'"),
        "by": ("bytes", None, "bytea", None),
        "e": ("enum", "RED", "colour_t", "'red'"),
        "sList": ("list", "[]", "text[]", "ARRAY[]::text[]"),
        "iList": ("list", "[1, 2, 3]", "integer[]", "ARRAY[1, 2, 3]"),
        "eList": ("list", "[RED, BLUE]", "colour_t[]", "ARRAY['red', 'blue-ish']"),
        "u1": ("uuid", "uuid()", "text", None),
        "u7": ("uuid", "uuid(7)", "text", None),
        "c2": ("string", "cuid(2)", "text", None),
        "n8": ("string", "nanoid(8)", "text", None),
        "ul": ("string", "ulid()", "text", None),
        "now": ("timestamp", "now()", "timestamp(3) without time zone", "CURRENT_TIMESTAMP"),
        "gen": ("uuid", 'dbgenerated("gen_random_uuid()")', "uuid", "gen_random_uuid()"),
        "genBare": ("integer", "dbgenerated()", "integer", None),
        "quoted": ("string", "it's \"quoted\"", "text", "'it''s \"quoted\"'"),
        "upd": ("timestamp", None, "timestamp(3) without time zone", None),
        "geo": ("unsupported", None, "circle", None),
        "skipped": ("string", None, "text", None),  # @ignore: not in the client, still a column
    }  # fmt: skip
    for name, (typ, default, db_type, db_default) in expect.items():
        col = cols[name]
        assert (col.type, col.default, col.db_type, col.db_default) == (
            typ,
            default,
            db_type,
            db_default,
        ), name
    assert cols["e"].values == ["red", "GREEN", "blue-ish"] and cols["e"].enum_name == "colour_t"
    assert cols["eList"].items == "enum" and cols["eList"].values == ["red", "GREEN", "blue-ish"]
    assert cols["sList"].items == "string" and cols["dList"].items == "timestamp"
    assert (cols["d"].precision, cols["d"].scale) == (65, 30)
    assert cols["upd"].updated_at and not cols["now"].updated_at
    assert cols["sOpt"].nullable and not cols["s"].nullable and cols["geo"].nullable


def test_every_native_type_is_spelt_like_format_type(types_) -> None:
    cols = types_["Natives"].columns
    assert {k: c.db_type for k, c in cols.items()} == {
        "id": "uuid",
        "t": "text",
        "c": "character(2)",
        "cBare": "character(1)",
        "vc": "character varying(255)",
        "vcBare": "character varying",
        "bit": "bit(3)",
        "vbit": "bit varying(8)",
        "x": "xml",
        "inet": "inet",
        "ci": "citext",
        "bo": "boolean",
        "int": "integer",
        "small": "smallint",
        "oid": "oid",
        "big": "bigint",
        "dp": "double precision",
        "real": "real",
        "dec": "numeric(10,2)",
        "money": "money",
        "ts": "timestamp(6) without time zone",
        "tsBare": "timestamp without time zone",
        "tstz": "timestamp(3) with time zone",
        "date": "date",
        "time": "time(4) without time zone",
        "timetz": "time with time zone",
        "js": "json",
        "jsb": "jsonb",
        "bytes": "bytea",
        "vcList": "character varying(20)[]",
    }
    assert cols["id"].type == "uuid" and cols["date"].type == "date"
    assert (cols["dec"].type, cols["dec"].precision, cols["dec"].scale) == ("decimal", 10, 2)
    assert cols["small"].type == "integer" and cols["money"].type == "decimal"


def test_keys_indexes_views_and_ignored_models() -> None:
    c = _by_name(SCHEMAS / "keys_and_indexes.prisma")
    assert "Legacy" not in c  # @@ignore
    comp = c["Compound"]
    assert comp.source.table == "compound_things" and comp.primary_key == ["tenant", "code"]
    assert comp.unique_keys == [["a", "b"], ["b", "c"]]
    assert [(i.name, i.columns, i.unique) for i in comp.indexes] == [
        ("compound_email_unique", ["email"], True),
        ("compound_things_slug_key", ["slug"], True),
        ("compound_things_a_b_key", ["a", "b"], True),
        ("bc_uniq", ["b", "c"], True),
        ("compound_things_a_c_idx", ["a", "c"], False),
        ("c_lookup", ["c"], False),
        ("compound_things_slug_email_idx", ["slug", "email"], False),
    ]
    mapped = c["MappedId"]
    assert mapped.primary_key == ["mapped_id"] and mapped.columns["mapped_id"].field == "id"
    assert [i.name for i in mapped.indexes] == ["MappedId_the_name_key"]
    long = c["ThisIsAModelWithAVeryLongNameThatPushesConstraintNamesOverTheLimit"]
    names = [i.name for i in long.indexes]
    assert all(len(n) == 63 for n in names)
    assert names == [
        "ThisIsAModelWithAVeryLongNameThatPushesConstraintNamesOverT_key",
        "ThisIsAModelWithAVeryLongNameThatPushesConstraintNamesOverT_idx",
    ]
    view = c["ActiveUsers"]
    assert view.source.view and view.indexes == [] and view.columns["id"].unique
    assert view.columns["seen"].description == "last login"
    totals = c["Totals"]
    assert totals.source.table == "totals_v" and totals.unique_keys == [["a", "b"]]


def test_relations_foreign_keys_and_implicit_many_to_many() -> None:
    c = _by_name(SCHEMAS / "relations.prisma")
    person = c["Person"]
    assert list(person.columns) == ["id", "boss_id"]  # relation fields are not columns
    assert [fk.model_dump() for fk in person.foreign_keys] == [
        {
            "name": "Person_boss_id_fkey",
            "columns": ["boss_id"],
            "references": "Person",
            "ref_columns": ["id"],
            "on_delete": "SetNull",
            "on_update": "NoAction",
        }
    ]
    assert person.columns["boss_id"].references == "Person.id"
    profile = c["Profile"].foreign_keys[0]
    assert (profile.name, profile.on_delete, profile.on_update) == (
        "profile_owner_fk",
        "Cascade",
        "Cascade",
    )
    post = c["Post"].foreign_keys[0]
    assert (post.name, post.on_delete, post.on_update) == (
        "Post_authorId_fkey",
        "Restrict",
        "Cascade",
    )
    city = c["City"]
    fk = city.foreign_keys[0]
    assert (fk.name, fk.columns, fk.references, fk.ref_columns, fk.on_update) == (
        "City_country_region_code_fkey",
        ["country", "region_code"],
        "Region",
        ["country", "code"],
        "Restrict",
    )
    assert city.columns["country"].references is None  # compound: only at contract level
    assert c["Region"].primary_key == ["country", "code"]

    joins = [n for n in c if n.startswith("_")]
    assert joins == ["_GroupToPerson", "_PostToTag", "_friends", "_likes"]
    gp = c["_GroupToPerson"]
    assert gp.primary_key == ["A", "B"]
    assert {k: (v.type, v.db_type, v.references) for k, v in gp.columns.items()} == {
        "A": ("bigint", "bigint", "Group.id"),
        "B": ("integer", "integer", "Person.id"),
    }
    assert [(i.name, i.columns, i.unique) for i in gp.indexes] == [
        ("_GroupToPerson_B_index", ["B"], False)
    ]
    assert [(f.name, f.references, f.on_delete, f.on_update) for f in gp.foreign_keys] == [
        ("_GroupToPerson_A_fkey", "Group", "Cascade", "Cascade"),
        ("_GroupToPerson_B_fkey", "Person", "Cascade", "Cascade"),
    ]
    pt = c["_PostToTag"]
    assert pt.columns["A"].db_type == "text" and pt.columns["B"].references == "Tag.name"
    assert c["_friends"].columns["A"].references == "Person.id"
    assert c["_friends"].columns["B"].references == "Person.id"


def test_schemas_docs_and_multi_file() -> None:
    c = _by_name(SCHEMAS / "schemas_and_docs.prisma")
    inv = c["Invoice"]
    assert (inv.source.schema_, inv.source.table) == ("billing", "invoices")
    assert inv.description == "An invoice."
    assert inv.columns["id"].description == "primary key"
    assert inv.columns["state"].values == ["DRAFT", "SENT", "PAID"]
    assert c["Job"].source.schema_ == "ops"
    assert c["InvoiceLine"].foreign_keys[0].name == "invoice_lines_invoice_id_fkey"
    multi = _by_name(SCHEMAS / "multi")
    assert sorted(multi) == ["Account", "Note"]
    assert multi["Note"].foreign_keys[0].references == "Account"
    assert multi["Note"].description == "Notes live in another file than their account."
    assert multi["Account"].columns["plan"].db_default == "'FREE'"


def test_mongodb_schemas_are_refused_with_one_line() -> None:
    with pytest.raises(InputError) as err:
        derive_contracts(SCHEMAS / "mongo_types.prisma")
    assert err.value.one_line().startswith(f"{SCHEMAS / 'mongo_types.prisma'}:2:1: ")
    assert "wdguard contracts derive mongo" in err.value.one_line()


def test_two_indexes_with_one_database_name_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text(
        'datasource db {\n  provider = "postgresql"\n}\n'
        'model A {\n  id Int @id\n  x Int\n  @@index([x], map: "by_x")\n}\n'
        'model B {\n  id Int @id\n  x Int\n  @@index([x], map: "by_x")\n}\n'
    )
    with pytest.raises(InputError) as err:
        derive_contracts(path)
    assert err.value.one_line() == (
        f"{path}:9:1: constraint name 'by_x' of model B is already used by model A: "
        "give one of them another name with `map:`"
    )


def test_sequence_default_is_a_database_sequence(tmp_path: Path) -> None:
    """sequence() (CockroachDB-style) is, like autoincrement(), applied by the database."""
    path = tmp_path / "schema.prisma"
    path.write_text("model S {\n  id BigInt @id @default(sequence())\n}\n")
    col = derive_contracts(path)[0].columns["id"]
    assert (col.type, col.default, col.db_default) == ("bigint", "sequence()", "autoincrement")
