"""wdguard's Prisma parser against Prisma's own (get_dmmf from @prisma/prisma-schema-wasm).

For the fixture schema and synthetic schemas that together use every construct, every
model, field, type, optionality, list-ness, id/unique, default (name + args), native
type, relation, index and database name must agree with DMMF. Schemas Prisma rejects,
wdguard must reject too.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from wdguard.contracts.prisma_parser import (
    Array,
    Call,
    Const,
    Expr,
    Field,
    Num,
    Schema,
    Str,
    parse_path,
    parse_text,
    schema_files,
)
from wdguard.contracts.prisma_postgres import field_names, relation_fields, relation_name
from wdguard.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "tests" / "prisma_schemas"
ORACLE = ROOT / "tests" / "dmmf_oracle.js"
WASM = ROOT / "node_modules" / "@prisma" / "prisma-schema-wasm"

needs_node = pytest.mark.usefixtures("prisma_wasm")  # fails if node or npm ci is missing

ORACLE_CASES = [
    ROOT / "fixtures" / "prisma" / "schema.prisma",
    SCHEMAS / "defaults_and_types.prisma",
    SCHEMAS / "keys_and_indexes.prisma",
    SCHEMAS / "relations.prisma",
    SCHEMAS / "schemas_and_docs.prisma",
    SCHEMAS / "mongo_types.prisma",
    SCHEMAS / "multi",
]


def dmmf(path: Path) -> dict:
    files = [str(p) for p in schema_files(path)]
    proc = subprocess.run(
        ["node", str(ORACLE), *files],
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "node_modules"), "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    data = json.loads(proc.stdout)
    return data


# ----------------------------------------------------------------- our parse, DMMF-shaped


_DEFAULT_ARGS = {"uuid": [4], "cuid": [1]}  # what Prisma fills in for uuid() and cuid()


def _value(expr: Expr, f: Field, schema: Schema):
    if isinstance(expr, Str):
        if f.type.name == "DateTime":  # DMMF normalises timestamps; compare instants
            return dt.datetime.fromisoformat(expr.value.replace("Z", "+00:00"))
        return expr.value
    if isinstance(expr, Num):
        return str(expr.value) if f.type.name == "BigInt" else expr.value
    if isinstance(expr, Const):
        if expr.name in ("true", "false") and f.type.name == "Boolean":
            return expr.name == "true"
        return expr.name
    if isinstance(expr, Array):
        return [_value(i, f, schema) for i in expr.items]
    assert isinstance(expr, Call)
    args = [_value(a.value, f, schema) for a in expr.args]
    return {"name": expr.name, "args": args or _DEFAULT_ARGS.get(expr.name, [])}


def _their_default(value, f: Field):
    if f.type.name == "DateTime" and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _default_relation_name(a: str, b: str) -> str:
    first, second = sorted([a, b])
    return f"{first}To{second}"


def our_view(schema: Schema) -> dict:
    models = {}
    for m in [*schema.models, *schema.types]:
        if m.attr("ignore"):
            continue
        fields = {}
        for f in m.fields:
            if f.type.unsupported is not None or f.attr("ignore"):
                continue  # DMMF leaves these out of the client datamodel
            target = schema.model(f.type.name) or schema.composite(f.type.name)
            kind = "object" if target else "enum" if schema.enum(f.type.name) else "scalar"
            db = f.attr("map")
            native = f.native()
            out = {
                "kind": kind,
                "type": f.type.name,
                "isList": f.type.is_list,
                "isRequired": not f.type.optional,
                "isId": f.attr("id") is not None,
                # DMMF does not flag a field unique when it is also the @id
                "isUnique": f.attr("unique") is not None and f.attr("id") is None,
                "isUpdatedAt": f.attr("updatedAt") is not None,
                "dbName": db.arg("name").value if db else None,
                "nativeType": [native.name[3:], [a.value.text for a in native.args]]
                if native
                else None,
                "documentation": f.doc,
            }
            if (d := f.attr("default")) is not None:
                out["default"] = _value(d.arg("value"), f, schema)
            if schema.model(f.type.name) is not None:
                local, refs = relation_fields(f)
                out["relationName"] = relation_name(f) or _default_relation_name(
                    m.name, f.type.name
                )
                out["relationFromFields"] = local
                out["relationToFields"] = refs
                rel = f.attr("relation")
                for key, dkey in (
                    ("onDelete", "relationOnDelete"),
                    ("onUpdate", "relationOnUpdate"),
                ):
                    v = rel.arg(key, None) if rel else None
                    if v is not None:
                        out[dkey] = v.name
            fields[f.name] = out
        block_id = m.attr("id")
        pk = None
        if block_id is not None:
            name = block_id.arg("name", None)
            pk = {"name": name.value if name else None, "fields": field_names(block_id)}
        uniques = m.attrs("unique")
        schema_attr = m.attr("schema")
        mapped = m.attr("map")
        models[m.name] = {
            "dbName": mapped.arg("name").value if mapped else None,
            "schema": schema_attr.arg("name").value if schema_attr else None,
            "documentation": m.doc,
            "primaryKey": pk,
            "uniqueFields": [field_names(u) for u in uniques],
            "uniqueIndexes": [
                {
                    "name": u.arg("name", None).value if u.arg("name", None) else None,
                    "fields": field_names(u),
                }
                for u in uniques
            ],
            "fields": fields,
        }
    enums = {
        e.name: {
            "dbName": e.attr("map").arg("name").value if e.attr("map") else None,
            "documentation": e.doc,
            "values": [
                {
                    "name": v.name,
                    "dbName": v.db_name if v.db_name != v.name else None,
                    "documentation": v.doc,
                }
                for v in e.values
            ],
        }
        for e in schema.enums
    }
    indexes = []
    for m in schema.models:
        if m.attr("ignore"):
            continue
        for f in m.fields:
            for kind in ("id", "unique"):
                if (a := f.attr(kind)) is not None:
                    indexes.append((m.name, kind, True, _mapped(a), (f.name,)))
        for a in m.attributes:
            kind = {"id": "id", "unique": "unique", "index": "normal"}.get(a.name)
            if kind:
                indexes.append((m.name, kind, False, _mapped(a), tuple(field_names(a))))
    return {"models": models, "enums": enums, "indexes": sorted(indexes, key=repr)}


def _mapped(attr) -> str | None:
    value = attr.arg("map", None)
    return value.value if isinstance(value, Str) else None


def their_view(data: dict, schema: Schema) -> dict:
    models = {}
    for m in [*data["models"], *data.get("types", []), *data.get("views", [])]:
        ours = schema.model(m["name"]) or schema.composite(m["name"])
        fields = {}
        for f in m["fields"]:
            field = ours.field(f["name"])
            out = {
                k: f.get(k) for k in ("kind", "type", "isList", "isRequired", "isId", "isUnique")
            }
            out["isUpdatedAt"] = f.get("isUpdatedAt", False)
            out["dbName"] = f.get("dbName")
            out["nativeType"] = f.get("nativeType")
            out["documentation"] = f.get("documentation")
            if "default" in f:
                out["default"] = _their_default(f["default"], field)
            for k in (
                "relationName",
                "relationFromFields",
                "relationToFields",
                "relationOnDelete",
                "relationOnUpdate",
            ):
                if k in f:
                    out[k] = f[k]
            fields[f["name"]] = out
        models[m["name"]] = {
            "dbName": m.get("dbName"),
            "schema": m.get("schema"),
            "documentation": m.get("documentation"),
            "primaryKey": m.get("primaryKey"),
            "uniqueFields": m.get("uniqueFields", []),
            "uniqueIndexes": m.get("uniqueIndexes", []),
            "fields": fields,
        }
    enums = {
        e["name"]: {
            "dbName": e.get("dbName"),
            "documentation": e.get("documentation"),
            "values": [
                {
                    "name": v["name"],
                    "dbName": v.get("dbName"),
                    "documentation": v.get("documentation"),
                }
                for v in e["values"]
            ],
        }
        for e in data["enums"]
    }
    indexes = sorted(
        (
            (
                i["model"],
                i["type"],
                i["isDefinedOnField"],
                i.get("dbName"),
                tuple(f["name"] for f in i["fields"]),
            )
            for i in data.get("indexes", [])
        ),
        key=repr,
    )
    return {"models": models, "enums": enums, "indexes": indexes}


@needs_node
@pytest.mark.parametrize("path", ORACLE_CASES, ids=lambda p: p.name)
def test_parse_agrees_with_dmmf(path: Path) -> None:
    schema = parse_path(path)
    theirs = dmmf(path)
    assert "error" not in theirs, theirs.get("error")
    mine, expected = our_view(schema), their_view(theirs, schema)
    assert sorted(mine["models"]) == sorted(expected["models"])
    for name, model in expected["models"].items():
        ours = mine["models"][name]
        assert list(ours["fields"]) == list(model["fields"]), name
        for fname, field in model["fields"].items():
            assert ours["fields"][fname] == field, f"{name}.{fname}"
        assert {k: v for k, v in ours.items() if k != "fields"} == {
            k: v for k, v in model.items() if k != "fields"
        }, name
    assert mine["enums"] == expected["enums"]
    if expected["indexes"]:  # DMMF lists indexes of relational schemas only
        assert mine["indexes"] == expected["indexes"]


def test_synthetic_schemas_cover_every_construct() -> None:
    """The oracle cases, taken together, use every construct the parser knows."""
    text = "\n".join(p.read_text() for c in ORACLE_CASES for p in schema_files(c))
    for construct in [
        "datasource", "generator", "view ", "type ", "enum ", "///", "Unsupported(",
        "String?", "[]", "@id", "@unique", "@default(uuid())", "uuid(7)", "cuid()",
        "cuid(2)", "nanoid()", "now()", "autoincrement()", "dbgenerated(", "@map(",
        "@updatedAt", "@relation(", "onDelete:", "onUpdate:", "map:", "@db.", "@ignore",
        "@@id", "@@unique", "@@index", "sort: Desc", "type: BTree", "@@map", "@@schema",
        "@@ignore", "Json", "Bytes", "BigInt", "Decimal", "Float", "Boolean", "DateTime",
    ]:  # fmt: skip
        assert construct in text, construct
    multi = schema_files(SCHEMAS / "multi")
    assert len(multi) == 3 and any(p.parent.name == "models" for p in multi)


# ----------------------------------------------------------------- rejected by both

BAD = {
    "unknown_type": "model X {\n  id Int @id\n  y Strin\n}\n",
    "duplicate_model": "model X {\n  id Int @id\n}\nmodel X {\n  id Int @id\n}\n",
    "duplicate_field": "model X {\n  id Int @id\n  id String\n}\n",
    "unclosed_model": "model X {\n  id Int @id\n",
    "bad_default_enum": "enum E {\n  A\n}\nmodel X {\n  id Int @id\n  e E @default(B)\n}\n",
    "bad_relation_field": (
        "model A {\n  id Int @id\n  bs B[]\n}\n"
        "model B {\n  id Int @id\n  a A @relation(fields: [nope], references: [id])\n}\n"
    ),
    "bad_native_args": "model X {\n  id Int @id\n  s String @db.VarChar(a)\n}\n",
    "unknown_block_attribute": "model X {\n  id Int @id\n  @@frobnicate([id])\n}\n",
    "unknown_default_function": "model X {\n  id String @id @default(guid())\n}\n",
}


@needs_node
@pytest.mark.parametrize("name", sorted(BAD))
def test_schemas_prisma_rejects_are_rejected(name: str, tmp_path: Path) -> None:
    path = tmp_path / "schema.prisma"
    path.write_text('datasource db {\n  provider = "postgresql"\n}\n' + BAD[name])
    assert "error" in dmmf(path), "the oracle accepts this schema: the case is wrong"
    with pytest.raises(InputError) as err:
        parse_text(path.read_text(), str(path))
    assert str(path) + ":" in err.value.one_line()


# ----------------------------------------------------------------- where `///` docs go

DOC_CASES = [
    "/// lead\nmodel A {\n  /// before\n  id Int @id ///after\n  s String /// trailing\n"
    '  @@map("a") /// on a block attribute: dropped\n} /// above B\nmodel B {\n  id Int @id\n}',
    "/// detached by a blank line\n\nmodel A {\n  /// f1\n\n  id Int @id\n  /// f2\n"
    "  // plain\n  x Int\n}",
    "/// kept across a plain comment\n// plain\nmodel A {\n  id Int @id\n}",
    '/// above the datasource\ndatasource db {\n  provider = "postgresql"\n}\n\n/// floating\n\n'
    "model A {\n  id Int @id\n}",
    'model A {\n  /// x\n  @@map("a")\n  /// y\n  id Int @id\n  /// z\n  @@index([id])\n  n Int\n}',
    'enum E {\n  /// x\n  @@map("e")\n  V /// v\n}\nmodel A {\n  id Int @id\n}',
]


@needs_node
def test_doc_comment_placement_agrees_with_dmmf() -> None:
    proc = subprocess.run(
        ["node", str(ORACLE)],
        input=json.dumps(DOC_CASES),
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "node_modules"), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=True,
    )
    for text, theirs in zip(DOC_CASES, json.loads(proc.stdout), strict=True):
        assert "datamodel" in theirs, theirs
        schema = parse_text(text, "s.prisma")
        assert our_view(schema) == their_view(theirs["datamodel"], schema), text
