"""What `prisma migrate` creates in PostgreSQL for a parsed schema.

Drift compares contracts with a live database, so a contract must say what the database
really holds: column types spelt the way `pg_catalog.format_type()` prints them
(`timestamp(3) without time zone`, `numeric(65,30)`, `character varying(255)`, `text[]`;
enum types by their plain name), the defaults the database applies (normalised, see
`db_default`), and the names Prisma gives to keys, indexes and foreign keys
(`{table}_pkey`, `{table}_{columns}_key|_idx|_fkey`, cut to PostgreSQL's 63 characters the
way prisma-engines does). Implicit many-to-many relations become `_AToB` join tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wdguard.contracts.prisma_parser import (
    Array,
    Attribute,
    Call,
    Const,
    Enum,
    Expr,
    Field,
    Model,
    Num,
    Schema,
    Str,
)

MAX_IDENTIFIER = 63  # PostgreSQL's NAMEDATALEN - 1

SCALAR_DB_TYPES = {
    "String": "text",
    "Boolean": "boolean",
    "Int": "integer",
    "BigInt": "bigint",
    "Float": "double precision",
    "Decimal": "numeric(65,30)",
    "DateTime": "timestamp(3) without time zone",
    "Json": "jsonb",
    "Bytes": "bytea",
}

_SIMPLE_NATIVE = {
    "Text": "text",
    "Uuid": "uuid",
    "Xml": "xml",
    "Inet": "inet",
    "Citext": "citext",
    "Boolean": "boolean",
    "Integer": "integer",
    "SmallInt": "smallint",
    "BigInt": "bigint",
    "Oid": "oid",
    "DoublePrecision": "double precision",
    "Real": "real",
    "Money": "money",
    "Date": "date",
    "Json": "json",
    "JsonB": "jsonb",
    "ByteA": "bytea",
}

CLIENT_SIDE_FUNCTIONS = frozenset({"uuid", "cuid", "nanoid", "ulid"})


# --------------------------------------------------------------------------- names


def _str_arg(attr: Attribute | None, key: str, position: int | None = 0) -> str | None:
    if attr is None:
        return None
    value = attr.arg(key, position)
    return value.value if isinstance(value, Str) else None


def table_name(model: Model) -> str:
    return _str_arg(model.attr("map"), "name") or model.name


def schema_name(model: Model | Enum, default: str = "public") -> str:
    """`@@schema("x")`, else the datasource's default schema (`?schema=`, else public)."""
    return _str_arg(model.attr("schema"), "name") or default


def datasource_schema(schema: Schema) -> str | None:
    """`?schema=` of a literal datasource url (Prisma's default schema), if any.

    An `env("...")` url or a Prisma 7 datasource without url says nothing: the caller
    passes the schema of the URL it connects with instead."""
    for ds in schema.datasources:
        url = ds.properties.get("url")
        if isinstance(url, Str):
            return url_schema(url.value)
    return None


def url_schema(url: str) -> str | None:
    """Prisma's `schema` query parameter of a postgresql:// URL."""
    from urllib.parse import parse_qs, urlsplit

    try:
        values = parse_qs(urlsplit(url).query).get("schema")
    except ValueError:
        return None
    return values[-1] if values else None


def column_name(f: Field) -> str:
    return _str_arg(f.attr("map"), "name") or f.name


def enum_db_name(enum: Enum) -> str:
    return _str_arg(enum.attr("map"), "name") or enum.name


def _cut(text: str, limit: int) -> str:
    """prisma-engines: `if joined.len() >= limit { joined.split_at(limit).0 }`."""
    return text[:limit] if len(text) >= limit else text


def primary_key_name(table: str) -> str:
    return _cut(table, MAX_IDENTIFIER - 5) + "_pkey"


def index_name(table: str, columns: list[str], *, unique: bool) -> str:
    joined = f"{table}_{'_'.join(columns)}"
    return _cut(joined, MAX_IDENTIFIER - 4) + ("_key" if unique else "_idx")


def foreign_key_name(table: str, columns: list[str]) -> str:
    joined = f"{table}_{'_'.join(columns)}"
    return _cut(joined, MAX_IDENTIFIER - 5) + "_fkey"


# --------------------------------------------------------------------------- types


def native_type(f: Field) -> tuple[str, list[int]] | None:
    """`@db.VarChar(255)` -> ("VarChar", [255])."""
    attr = f.native()
    if attr is None:
        return None
    return attr.name[3:], [int(a.value.text) for a in attr.args if isinstance(a.value, Num)]


def _render_native(name: str, args: list[int]) -> str:
    if name in _SIMPLE_NATIVE:
        return _SIMPLE_NATIVE[name]
    n = f"({args[0]})" if args else ""
    if name == "VarChar":
        return f"character varying{n}"
    if name == "Char":
        return f"character{n or '(1)'}"
    if name == "Bit":
        return f"bit{n or '(1)'}"
    if name == "VarBit":
        return f"bit varying{n}"
    if name == "Decimal":
        return f"numeric({args[0]},{args[1]})" if len(args) == 2 else "numeric"
    if name == "Timestamp":
        return f"timestamp{n} without time zone"
    if name == "Timestamptz":
        return f"timestamp{n} with time zone"
    if name == "Time":
        return f"time{n} without time zone"
    if name == "Timetz":
        return f"time{n} with time zone"
    raise ValueError(f"unknown native type @db.{name}")


def db_type(f: Field, schema: Schema) -> str:
    """The column type as `format_type()` prints it (enums by plain name)."""
    if f.type.unsupported is not None:
        base = f.type.unsupported
    elif (native := native_type(f)) is not None:
        base = _render_native(*native)
    elif (enum := schema.enum(f.type.name)) is not None:
        base = enum_db_name(enum)
    elif f.type.name in SCALAR_DB_TYPES:
        base = SCALAR_DB_TYPES[f.type.name]
    else:  # composite types only exist on MongoDB
        base = "jsonb"
    return base + "[]" if f.type.is_list else base


# --------------------------------------------------------------------------- defaults


def default_expr(f: Field) -> Expr | None:
    attr = f.attr("default")
    return attr.arg("value") if attr else None


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _timestamp_literal(text: str, f: Field) -> str:
    """A DateTime default as PostgreSQL prints the stored value (UTC, no `T`)."""
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    native = native_type(f)
    kind = native[0] if native else "Timestamp"
    if kind == "Date":
        return moment.date().isoformat()
    stamp = moment.replace(tzinfo=None).isoformat(sep=" ")
    if "." in stamp:
        stamp = stamp.rstrip("0")
    if kind in ("Time", "Timetz"):
        stamp = stamp.split(" ", 1)[1]
    return stamp + ("+00" if kind in ("Timestamptz", "Timetz") else "")


def _db_literal(value: Expr, f: Field, schema: Schema) -> str | None:
    if isinstance(value, Str):
        if f.type.name == "DateTime":
            return _quote(_timestamp_literal(value.value, f))
        return _quote(value.value)
    if isinstance(value, Num):
        return value.text
    if isinstance(value, Const):
        if value.name in ("true", "false") and f.type.name == "Boolean":
            return value.name
        enum = schema.enum(f.type.name)
        if enum is not None:
            for v in enum.values:
                if v.name == value.name:
                    return _quote(v.db_name)
        return value.name
    return None


def db_default(f: Field, schema: Schema) -> str | None:
    """The default the database applies, normalised; None when the client sets it.

    now() -> CURRENT_TIMESTAMP, 'text' literals quoted, numbers and booleans bare, enum
    values quoted by their database name, autoincrement()/sequence() -> autoincrement,
    dbgenerated("x") -> x, lists -> ARRAY[...]; uuid()/cuid()/nanoid()/ulid() and
    @updatedAt are client side.
    """
    value = default_expr(f)
    if value is None:
        return None
    if isinstance(value, Call):
        if value.name == "now":
            return "CURRENT_TIMESTAMP"
        if value.name in ("autoincrement", "sequence"):
            return "autoincrement"
        if value.name == "dbgenerated":
            arg = value.args[0].value if value.args else None
            return arg.value if isinstance(arg, Str) else None
        return None  # client-side generators
    if isinstance(value, Array):
        items = [_db_literal(item, f, schema) for item in value.items]
        if not items:
            return f"ARRAY[]::{db_type(f, schema)}"
        return "ARRAY[" + ", ".join(i or "" for i in items) + "]"
    return _db_literal(value, f, schema)


def prisma_default(f: Field) -> str | int | float | bool | None:
    """The Prisma-level default as written: `uuid()`, `now()`, `KES`, `0`, `true`, `CUSTOMER`."""
    value = default_expr(f)
    if value is None:
        return None
    return _render_value(value, top=True)


def _render_value(value: Expr, *, top: bool = False) -> str | int | float | bool:
    if isinstance(value, Str):
        return value.value if top else '"' + value.value.replace('"', '\\"') + '"'
    if isinstance(value, Num):
        return value.value if top else value.text
    if isinstance(value, Const):
        if top and value.name in ("true", "false"):
            return value.name == "true"
        return value.name
    if isinstance(value, Call):
        args = ", ".join(
            (f"{a.name}: " if a.name else "") + str(_render_value(a.value)) for a in value.args
        )
        return f"{value.name}({args})"
    return "[" + ", ".join(str(_render_value(i)) for i in value.items) + "]"


# --------------------------------------------------------------------------- relations


def relation_name(f: Field) -> str | None:
    attr = f.attr("relation")
    return _str_arg(attr, "name") if attr else None


def _list_names(attr: Attribute | None, key: str) -> list[str]:
    value = attr.arg(key, None) if attr else None
    if not isinstance(value, Array):
        return []
    return [i.name for i in value.items if isinstance(i, Const | Call)]


def relation_fields(f: Field) -> tuple[list[str], list[str]]:
    """(fields, references) of a relation field; empty on the back-relation side."""
    attr = f.attr("relation")
    return _list_names(attr, "fields"), _list_names(attr, "references")


def field_names(attr: Attribute) -> list[str]:
    """The field list of @@id/@@unique/@@index (sort/length arguments dropped)."""
    value = attr.arg("fields", 0)
    if not isinstance(value, Array):
        return []
    return [i.name for i in value.items if isinstance(i, Const | Call)]


@dataclass
class ForeignKeySpec:
    name: str
    columns: list[str]
    target: Model
    ref_columns: list[str]
    on_delete: str
    on_update: str


def foreign_keys(model: Model, schema: Schema) -> list[ForeignKeySpec]:
    """Every FK Prisma creates on this model's table (the side that holds `fields:`)."""
    table = table_name(model)
    out: list[ForeignKeySpec] = []
    for f in model.fields:
        target = schema.model(f.type.name)
        if target is None or f.attr("ignore"):
            continue
        local, refs = relation_fields(f)
        if not local:
            continue
        columns = [column_name(model.field(n)) for n in local]
        ref_columns = [column_name(target.field(n)) for n in refs]
        attr = f.attr("relation")
        on_delete = attr.arg("onDelete", None)
        on_update = attr.arg("onUpdate", None)
        out.append(
            ForeignKeySpec(
                name=_str_arg(attr, "map", None) or foreign_key_name(table, columns),
                columns=columns,
                target=target,
                ref_columns=ref_columns,
                on_delete=on_delete.name
                if isinstance(on_delete, Const)
                else ("SetNull" if f.type.optional else "Restrict"),
                on_update=on_update.name if isinstance(on_update, Const) else "Cascade",
            )
        )
    return out


@dataclass
class JoinTable:
    """The table of an implicit many-to-many relation (Prisma 6+ layout)."""

    name: str  # _AToB or _RelationName
    schema: str
    model_a: Model
    model_b: Model
    id_a: Field
    id_b: Field

    @property
    def pk_name(self) -> str:
        return f"{self.name}_AB_pkey"

    @property
    def index_name(self) -> str:
        return f"{self.name}_B_index"


def single_id(model: Model) -> Field | None:
    for f in model.fields:
        if f.attr("id"):
            return f
    return None


def implicit_many_to_many(schema: Schema, default_schema: str = "public") -> list[JoinTable]:
    """Relations with a list field on both sides and no `fields:` anywhere."""
    found: dict[str, JoinTable] = {}
    for model in schema.models:
        for f in model.fields:
            other = schema.model(f.type.name)
            if other is None or not f.type.is_list or f.attr("ignore"):
                continue
            rel = relation_name(f)
            back = [
                g
                for g in other.fields
                if g is not f
                and g.type.name == model.name
                and g.type.is_list
                and relation_name(g) == rel
            ]
            if not back:
                continue
            a, b = sorted([model, other], key=lambda m: m.name)
            name = "_" + (rel or f"{a.name}To{b.name}")
            if name in found:
                continue
            id_a, id_b = single_id(a), single_id(b)
            if id_a is None or id_b is None:
                continue  # Prisma rejects this schema; nothing to derive
            found[name] = JoinTable(name, schema_name(a, default_schema), a, b, id_a, id_b)
    return [found[k] for k in sorted(found)]


def id_column_type(f: Field, schema: Schema) -> str:
    """The type of a column that references `f` (a serial id is plain integer)."""
    return db_type(f, schema)
