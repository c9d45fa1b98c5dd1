"""schema.prisma -> one Contract per model, view and implicit many-to-many table.

The derived part only: logical types, nullability, keys, physical detail (`db_type`,
`db_default`, constraint names). Hand-written parts are merged in by `merge.py`.
Column keys are physical column names (@map honoured); relation fields are not columns.
"""

from __future__ import annotations

from pathlib import Path

from wdguard.contracts.model import Column, Contract, ForeignKey, Index, Source
from wdguard.contracts.prisma_parser import (
    Attribute,
    Call,
    Field,
    Model,
    Schema,
    Str,
    parse_path,
    provider,
)
from wdguard.contracts.prisma_postgres import (
    JoinTable,
    column_name,
    datasource_schema,
    db_default,
    db_type,
    enum_db_name,
    field_names,
    foreign_keys,
    implicit_many_to_many,
    index_name,
    native_type,
    primary_key_name,
    prisma_default,
    schema_name,
    table_name,
)
from wdguard.errors import InputError

_LOGICAL = {
    "String": "string",
    "Boolean": "boolean",
    "Int": "integer",
    "BigInt": "bigint",
    "Float": "float",
    "Decimal": "decimal",
    "DateTime": "timestamp",
    "Json": "json",
    "Bytes": "bytes",
}


def _logical(f: Field, schema: Schema) -> dict:
    """Logical type and its details (values, precision, ...) of one scalar field."""
    native = native_type(f)
    native_name = native[0] if native else None
    name = f.type.name
    if f.type.unsupported is not None:
        out: dict = {"type": "unsupported"}
    elif (enum := schema.enum(name)) is not None:
        out = {
            "type": "enum",
            "values": [v.db_name for v in enum.values],
            "enum_name": enum_db_name(enum),
        }
    elif schema.composite(name) is not None:
        out = {"type": "object"}
    elif name == "String" and (native_name == "Uuid" or _default_call(f) == "uuid"):
        out = {"type": "uuid"}
    elif name == "DateTime" and native_name == "Date":
        out = {"type": "date"}
    elif name == "Decimal":
        args = native[1] if native else []
        precision, scale = (args[0], args[1]) if len(args) == 2 else (65, 30)
        out = {"type": "decimal", "precision": precision, "scale": scale}
    else:
        out = {"type": _LOGICAL[name]}
    if f.type.is_list:
        item = out.pop("type")
        out = {"type": "list", "items": item, **out}
    return out


def _default_call(f: Field) -> str | None:
    attr = f.attr("default")
    value = attr.arg("value") if attr else None
    return value.name if isinstance(value, Call) else None


def _is_column(f: Field, schema: Schema) -> bool:
    return schema.model(f.type.name) is None  # relation fields are not columns


def _unique_columns(model: Model) -> set[str]:
    return {f.name for f in model.fields if f.attr("unique")}


def _model_contract(model: Model, schema: Schema, default_schema: str = "public") -> Contract:
    table = table_name(model)
    is_view = model.kind == "view"
    fks = [] if is_view else foreign_keys(model, schema)
    single_fk = {fk.columns[0]: fk for fk in fks if len(fk.columns) == 1}
    columns: dict[str, Column] = {}
    primary_key: list[str] = []
    for f in model.fields:
        if not _is_column(f, schema):
            continue
        col = column_name(f)
        default = prisma_default(f)
        data = {
            **_logical(f, schema),
            "nullable": f.type.optional,
            "unique": f.attr("unique") is not None,
            "default": default,
            "field": f.name if col != f.name else None,
            "db_type": db_type(f, schema),
            "db_default": db_default(f, schema),
            "updated_at": f.attr("updatedAt") is not None,
            "description": f.doc,
        }
        if col in single_fk:
            fk = single_fk[col]
            data["references"] = f"{fk.target.name}.{fk.ref_columns[0]}"
        columns[col] = Column.model_validate(data)
        if f.attr("id"):
            primary_key = [col]
    if (block_id := model.attr("id")) is not None:
        primary_key = [column_name(model.field(n)) for n in field_names(block_id)]

    indexes: list[Index] = []
    unique_keys: list[list[str]] = []
    if not is_view:
        for f in model.fields:
            if (u := f.attr("unique")) is not None and _is_column(f, schema):
                col = column_name(f)
                name = _str(u, "map") or index_name(table, [col], unique=True)
                indexes.append(Index(name=name, columns=[col], unique=True))
    for attr in model.attributes:
        if attr.name not in ("unique", "index"):
            continue
        cols = [column_name(model.field(n)) for n in field_names(attr)]
        unique = attr.name == "unique"
        if unique:
            unique_keys.append(cols)
        if not is_view:
            name = _str(attr, "map") or index_name(table, cols, unique=unique)
            indexes.append(Index(name=name, columns=cols, unique=unique))

    return Contract(
        contract=model.name,
        source=Source(
            kind="postgres", schema=schema_name(model, default_schema), table=table, view=is_view
        ),
        primary_key=primary_key,
        columns=columns,
        unique_keys=unique_keys,
        indexes=indexes,
        foreign_keys=[
            ForeignKey(
                name=fk.name,
                columns=fk.columns,
                references=fk.target.name,
                ref_columns=fk.ref_columns,
                on_delete=fk.on_delete,
                on_update=fk.on_update,
            )
            for fk in fks
        ],
        description=model.doc,
    )


def _str(attr: Attribute, key: str) -> str | None:
    value = attr.arg(key, None)
    return value.value if isinstance(value, Str) else None


def _join_contract(jt: JoinTable, schema: Schema) -> Contract:
    columns = {}
    for side, model, id_field in (("A", jt.model_a, jt.id_a), ("B", jt.model_b, jt.id_b)):
        logical = _logical(id_field, schema)
        columns[side] = Column.model_validate(
            {
                **logical,
                "nullable": False,
                "db_type": db_type(id_field, schema),
                "references": f"{model.name}.{column_name(id_field)}",
            }
        )
    return Contract(
        contract=jt.name,
        source=Source(kind="postgres", schema=jt.schema, table=jt.name),
        primary_key=["A", "B"],
        columns=columns,
        indexes=[Index(name=jt.index_name, columns=["B"])],
        foreign_keys=[
            ForeignKey(
                name=f"{jt.name}_{side}_fkey",
                columns=[side],
                references=model.name,
                ref_columns=[column_name(id_field)],
                on_delete="Cascade",
                on_update="Cascade",
            )
            for side, model, id_field in (
                ("A", jt.model_a, jt.id_a),
                ("B", jt.model_b, jt.id_b),
            )
        ],
        description=f"Implicit many-to-many join table of {jt.model_a.name} and {jt.model_b.name}.",
    )


def _primary_key_name(model: Model, table: str) -> str:
    attr = model.attr("id") or next((f.attr("id") for f in model.fields if f.attr("id")), None)
    return (_str(attr, "map") if attr else None) or primary_key_name(table)


def _check_unique_constraint_names(models: list[Model], contracts: list[Contract]) -> None:
    """Primary keys and indexes share one namespace per database schema (Prisma checks it)."""
    seen: dict[tuple[str, str], str] = {}
    for model, contract in zip(models, contracts, strict=True):
        if contract.source.view:
            continue
        names = [_primary_key_name(model, contract.object_name)] if contract.primary_key else []
        names += [i.name for i in contract.indexes]
        for name in names:
            key = (contract.source.schema_ or "public", name)
            if key in seen:
                raise InputError(
                    f"constraint name {name!r} of model {model.name} is already used by "
                    f"model {seen[key]}: give one of them another name with `map:`",
                    where=str(model.pos),
                )
            seen[key] = model.name


def derive_from_schema(schema: Schema, default_schema: str | None = None) -> list[Contract]:
    """Contracts of a parsed schema: models and views in order, then join tables.

    Models without `@@schema` live in `default_schema` (the `?schema=` of the URL the app
    connects with), else in the literal datasource url's `?schema=`, else in public."""
    kind = provider(schema)
    if kind not in (None, "postgresql", "postgres"):
        ds = schema.datasources[0]
        raise InputError(
            f"datasource provider {kind!r}: wdguard derives PostgreSQL contracts from Prisma "
            "(MongoDB contracts come from sampled documents: `wdguard contracts derive mongo`)",
            where=str(ds.pos),
        )
    models = [m for m in schema.models if m.attr("ignore") is None]
    default = default_schema or datasource_schema(schema) or "public"
    contracts = [_model_contract(m, schema, default) for m in models]
    _check_unique_constraint_names(models, contracts)
    contracts += [_join_contract(jt, schema) for jt in implicit_many_to_many(schema, default)]
    return contracts


def derive_contracts(path: Path | str, default_schema: str | None = None) -> list[Contract]:
    """Parse schema.prisma (or a folder of .prisma files) and derive its contracts."""
    return derive_from_schema(parse_path(path), default_schema)
