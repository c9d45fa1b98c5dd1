"""Semantic checks of a parsed Prisma schema, the ones Prisma's own parser makes.

Names resolve, nothing is declared twice, attribute arguments and defaults fit, ids,
relations and index names are consistent. Each failure is one `InputError` naming
`file:line:col`; the tests check that Prisma rejects every case wdguard rejects.
"""

from __future__ import annotations

from wdguard.contracts.prisma_ast import (
    DEFAULT_FUNCTIONS,
    SCALAR_TYPES,
    Array,
    Attribute,
    Call,
    Const,
    Enum,
    Expr,
    Field,
    Model,
    Num,
    Pos,
    Schema,
    Str,
)
from wdguard.errors import InputError


def _err(message: str, pos: Pos) -> InputError:
    return InputError(message, where=str(pos))


def _field_list(attr: Attribute, key: str, position: int | None, owner: Model) -> list[str]:
    """The field names of a `fields:`/`references:`/`[a, b]` argument, validated."""
    value = attr.arg(key, position)
    if value is None:
        return []
    if not isinstance(value, Array):
        raise _err(
            f"@{'@' if attr.block else ''}{attr.name}: `{key}` must be a list [a, b]", value.pos
        )
    names = []
    for item in value.items:
        if isinstance(item, Call):  # `email(sort: Desc, length: 10)`
            for a in item.args:
                if a.name == "sort" and not (
                    isinstance(a.value, Const) and a.value.name in ("Asc", "Desc")
                ):
                    raise _err(f"{item.name}(sort: ...): expected Asc or Desc", a.pos)
        if isinstance(item, Const | Call):
            names.append(item.name)
        else:
            raise _err(f"@{attr.name}: expected a field name in the list", item.pos)
    return names


def _check_fields_exist(names: list[str], model: Model, pos: Pos, what: str) -> None:
    for n in names:
        f = model.field(n)
        if f is None:
            raise _err(f"{what}: model {model.name} has no field {n!r}", pos)


def _string_arg(attr: Attribute, key: str, pos_index: int | None = 0) -> str | None:
    value = attr.arg(key, pos_index)
    if value is None:
        return None
    if not isinstance(value, Str):
        raise _err(f"@{'@' if attr.block else ''}{attr.name}: `{key}` must be a string", value.pos)
    return value.value


_FIELD_ATTRS = {"id", "unique", "default", "map", "updatedAt", "relation", "ignore", "shardKey"}
_BLOCK_ATTRS = {"id", "unique", "index", "map", "schema", "ignore", "fulltext", "shardKey"}
_NATIVE_ARGS = {  # Postgres native types and how many integer arguments they take
    "Text": 0, "Char": 1, "VarChar": 1, "Bit": 1, "VarBit": 1, "Uuid": 0, "Xml": 0,
    "Inet": 0, "Citext": 0, "Boolean": 0, "Integer": 0, "SmallInt": 0, "BigInt": 0,
    "Oid": 0, "DoublePrecision": 0, "Real": 0, "Decimal": 2, "Money": 0, "Timestamp": 1,
    "Timestamptz": 1, "Date": 0, "Time": 1, "Timetz": 1, "Json": 0, "JsonB": 0, "ByteA": 0,
}  # fmt: skip
_MONGO_NATIVE_ARGS = {
    "ObjectId": 0, "String": 0, "Int": 0, "Long": 0, "Double": 0, "Bool": 0, "Date": 0,
    "Timestamp": 0, "BinData": 0, "Json": 0,
}  # fmt: skip


def provider(schema: Schema) -> str | None:
    """The datasource provider ("postgresql", "mongodb", ...), if declared."""
    for ds in schema.datasources:
        value = ds.properties.get("provider")
        if isinstance(value, Str):
            return value.value
    return None


def validate(schema: Schema) -> None:
    """Semantic checks: names resolve, nothing is declared twice, arguments make sense."""
    seen: dict[str, Pos] = {}
    for decl in [*schema.models, *schema.types, *schema.enums]:
        if decl.name in seen:
            raise _err(f"{decl.name!r} is already defined at {seen[decl.name]}", decl.pos)
        if decl.name in SCALAR_TYPES or decl.name == "Unsupported":
            raise _err(f"{decl.name!r} is a reserved scalar type name", decl.pos)
        seen[decl.name] = decl.pos
    for enum in schema.enums:
        names: dict[str, Pos] = {}
        for v in enum.values:
            if v.name in names:
                raise _err(f"enum {enum.name}: duplicate value {v.name!r}", v.pos)
            names[v.name] = v.pos
            for a in v.attributes:
                if a.name != "map":
                    raise _err(f"enum value {v.name}: unknown attribute @{a.name}", a.pos)
                if _string_arg(a, "name") is None:
                    raise _err('@map needs a name: @map("db_name")', a.pos)
        if not enum.values:
            raise _err(f"enum {enum.name} has no values", enum.pos)
        _check_repeats(enum.attributes, (), f"enum {enum.name}")
        for a in enum.attributes:
            if a.name not in ("map", "schema"):
                raise _err(f"enum {enum.name}: unknown block attribute @@{a.name}", a.pos)
            if _string_arg(a, "name") is None:
                raise _err(f"@@{a.name} needs a string argument", a.pos)
    _normalise_native_prefix(schema)
    natives = _MONGO_NATIVE_ARGS if provider(schema) == "mongodb" else _NATIVE_ARGS
    for model in [*schema.models, *schema.types]:
        _validate_model(model, schema, natives)
    _validate_config(schema)
    for model in schema.models:
        _validate_relations(model, schema)
        if model.kind == "model" and model.attr("ignore") is None:
            _validate_has_unique_criterion(model)


def _normalise_native_prefix(schema: Schema) -> None:
    """Native types are spelt `@<datasource name>.Type`; the AST always says `db.Type`."""
    prefix = schema.datasources[0].name if schema.datasources else "db"
    for model in [*schema.models, *schema.types]:
        for f in model.fields:
            for a in f.attributes:
                head, dot, rest = a.name.partition(".")
                if not dot or a.block:
                    continue
                if head != prefix:
                    raise _err(
                        f"@{a.name}: the prefix {head!r} is not the datasource's name "
                        f"({prefix!r}); write @{prefix}.{rest}",
                        a.pos,
                    )
                a.name = "db." + rest


_INDEX_TYPES = ("BTree", "Hash", "Gist", "Gin", "SpGist", "Brin")
_PROVIDERS = {"postgresql", "postgres", "mysql", "sqlite", "sqlserver", "mongodb", "cockroachdb"}
_DATASOURCE_PROPERTIES = {
    "provider", "url", "shadowDatabaseUrl", "directUrl", "relationMode", "extensions",
    "schemas",
}  # fmt: skip


def _validate_config(schema: Schema) -> None:
    """Blocks need a provider; datasource properties are a closed set; schemas listed."""
    if len(schema.datasources) > 1:
        raise _err("only one datasource block is allowed", schema.datasources[1].pos)
    for block in [*schema.datasources, *schema.generators]:
        if not isinstance(block.properties.get("provider"), Str | Call):
            raise _err(f'{block.kind} {block.name} needs `provider = "..."`', block.pos)
    kind = provider(schema)
    if kind is not None and kind not in _PROVIDERS:
        raise _err(f"unknown datasource provider {kind!r}", schema.datasources[0].pos)
    if not any(isinstance(ds.properties.get("schemas"), Array) for ds in schema.datasources):
        for decl in [*schema.models, *schema.enums]:
            if (attr := decl.attr("schema")) is not None:
                raise _err("@@schema needs `schemas = [...]` in the datasource", attr.pos)
    for ds in schema.datasources:
        for key in ds.properties:
            if key not in _DATASOURCE_PROPERTIES:
                raise _err(f"datasource {ds.name}: unknown property {key!r}", ds.pos)
        declared = ds.properties.get("schemas")
        if not isinstance(declared, Array):
            continue
        names = {i.value for i in declared.items if isinstance(i, Str)}
        for decl in [*schema.models, *schema.enums]:
            attr = decl.attr("schema")
            if attr is None:
                kind = "enum" if isinstance(decl, Enum) else decl.kind
                raise _err(
                    f"{kind} {decl.name} needs @@schema(...): the datasource lists `schemas`",
                    decl.pos,
                )
            if _string_arg(attr, "name") not in names:
                raise _err(f"@@schema: {_string_arg(attr, 'name')!r} is not in `schemas`", attr.pos)


def _validate_relations(model: Model, schema: Schema) -> None:
    """Every relation field needs its opposite field on the other model, as Prisma says."""
    for f in model.fields:
        other = schema.model(f.type.name)
        if other is None or f.attr("ignore"):
            continue
        name = _relation_name_of(f)
        opposite = [
            g
            for g in other.fields
            if g is not f and g.type.name == model.name and _relation_name_of(g) == name
        ]
        if not opposite:
            raise _err(
                f"relation field {f.name} on {model.kind} {model.name} has no opposite "
                f"relation field on {other.kind} {other.name}",
                f.pos,
            )
        local = _field_list(f.attr("relation"), "fields", None, model) if f.attr("relation") else []
        if f.type.is_list and opposite[0].type.is_list:  # implicit many-to-many
            for side in (model, other):
                if not any(g.attr("id") for g in side.fields):
                    raise _err(
                        f"many-to-many relation {f.name}: {side.kind} {side.name} needs a "
                        "single-field @id (an implicit join table references it)",
                        f.pos,
                    )
        refs = _field_list(f.attr("relation"), "references", None, model) if local else []
        for here, there in zip(local, refs, strict=False):
            a_type, b_type = model.field(here).type.name, other.field(there).type.name
            if a_type != b_type:
                raise _err(
                    f"relation field {f.name}: {model.name}.{here} is {a_type} but "
                    f"{other.name}.{there} is {b_type}",
                    f.pos,
                )
        if local and not f.type.optional and any(model.field(n).type.optional for n in local):
            raise _err(
                f"relation field {f.name}: one of its `fields` is optional, so the relation "
                f"must be optional too ({f.type.name}?)",
                f.pos,
            )
        one_to_one = not f.type.is_list and not opposite[0].type.is_list
        back = opposite[0].attr("relation")
        back_fields = _field_list(back, "fields", None, other) if back else []
        if not f.type.is_list and not local and (opposite[0].type.is_list or not back_fields):
            raise _err(
                f"relation field {f.name} on {model.name} needs `fields:` and `references:` "
                "in @relation (this side holds the foreign key)",
                f.pos,
            )
        if local and one_to_one and not _is_unique_set(model, local):
            raise _err(
                f"one-to-one relation {f.name}: `fields` {local} must be unique "
                "(@unique, @@unique or @id over exactly these fields)",
                f.pos,
            )


def _is_unique_set(model: Model, names: list[str]) -> bool:
    if len(names) == 1:
        f = model.field(names[0])
        if f is not None and (f.attr("unique") or f.attr("id")):
            return True
    return any(
        a.name in ("unique", "id") and sorted(_field_list(a, "fields", 0, model)) == sorted(names)
        for a in model.attributes
    )


def _relation_name_of(f: Field) -> str | None:
    attr = f.attr("relation")
    return _string_arg(attr, "name") if attr else None


def _validate_has_unique_criterion(model: Model) -> None:
    if any(f.attr("id") or (f.attr("unique") and not f.type.optional) for f in model.fields):
        return
    for attr in model.attributes:
        if attr.name == "id":
            return
        if attr.name == "unique":
            names = _field_list(attr, "fields", 0, model)
            if all(not model.field(n).type.optional for n in names):
                return
    raise _err(
        f"model {model.name} has no unique criterion: mark a field @id or @unique, "
        "or add @@id([...]) / @@unique([...]) over required fields",
        model.pos,
    )


def _validate_model(model: Model, schema: Schema, natives: dict[str, int]) -> None:
    what = f"{model.kind} {model.name}"
    names: dict[str, Pos] = {}
    for f in model.fields:
        if f.name in names:
            raise _err(f"{what}: field {f.name!r} is already defined at {names[f.name]}", f.pos)
        names[f.name] = f.pos
        t = f.type.name
        if not (
            t in SCALAR_TYPES
            or t == "Unsupported"
            or schema.enum(t)
            or schema.model(t)
            or schema.composite(t)
        ):
            raise _err(f"{what}: field {f.name} has unknown type {t!r}", f.pos)
        _check_repeats(f.attributes, (), f"{what}: field {f.name}")
        if sum(a.name.startswith("db.") for a in f.attributes) > 1:
            raise _err(f"{what}: field {f.name} has two native types", f.pos)
        if schema.model(t) is not None:
            for a in f.attributes:
                if a.name not in ("relation", "ignore"):
                    raise _err(
                        f"{what}: @{a.name} cannot be used on relation field {f.name}", a.pos
                    )
        for a in f.attributes:
            if a.name.startswith("db."):
                _validate_native(a, f, natives)
            elif a.name not in _FIELD_ATTRS:
                raise _err(f"{what}: field {f.name}: unknown attribute @{a.name}", a.pos)
            elif a.name == "map" and _string_arg(a, "name") is None:
                raise _err(f'@map needs a name: @map("column_name") on {f.name}', a.pos)
            elif a.name == "default":
                _validate_default(a, f, schema)
            elif a.name == "relation":
                if schema.model(t) is None:
                    raise _err(f"@relation on {f.name}, which is not a relation field", a.pos)
                _string_arg(a, "name")
                _string_arg(a, "map", None)
                local = _field_list(a, "fields", None, model)
                _check_fields_exist(local, model, a.pos, f"@relation on {f.name}")
                refs = _field_list(a, "references", None, model)
                _check_fields_exist(refs, schema.model(t), a.pos, f"@relation on {f.name}")
                if len(local) != len(refs):
                    raise _err(
                        f"@relation on {f.name}: `fields` and `references` differ in length",
                        a.pos,
                    )
                for key in ("onDelete", "onUpdate"):
                    v = a.arg(key, None)
                    if v is not None and not (
                        isinstance(v, Const)
                        and v.name in ("Cascade", "Restrict", "NoAction", "SetNull", "SetDefault")
                    ):
                        raise _err(
                            f"@relation {key}: expected Cascade, Restrict, NoAction, SetNull "
                            "or SetDefault",
                            v.pos,
                        )
    _check_repeats(model.attributes, ("unique", "index", "fulltext"), what)
    for a in model.attributes:
        if a.name not in _BLOCK_ATTRS:
            raise _err(f"{what}: unknown block attribute @@{a.name}", a.pos)
        if a.name in ("id", "unique", "index", "fulltext"):
            cols = _field_list(a, "fields", 0, model)
            if not cols:
                raise _err(f"@@{a.name} needs a list of fields: @@{a.name}([a, b])", a.pos)
            _check_fields_exist(cols, model, a.pos, f"@@{a.name}")
            _string_arg(a, "name", None)
            _string_arg(a, "map", None)
            kind = a.arg("type", None)
            if kind is not None and not (isinstance(kind, Const) and kind.name in _INDEX_TYPES):
                raise _err(f"@@{a.name} type: expected one of {', '.join(_INDEX_TYPES)}", kind.pos)
        elif a.name in ("map", "schema") and _string_arg(a, "name") is None:
            raise _err(f"@@{a.name} needs a string argument", a.pos)
    for a in [*model.attributes, *(x for f in model.fields for x in f.attributes)]:
        _check_argument_names(a)
    _validate_ids(model, what)


def _validate_ids(model: Model, what: str) -> None:
    """One primary key, over required scalar fields; views have none."""
    id_fields = [f for f in model.fields if f.attr("id")]
    if model.kind == "view" and (id_fields or model.attr("id")):
        where = id_fields[0].pos if id_fields else model.attr("id").pos
        raise _err(f"{what}: views cannot have primary keys (use @unique)", where)
    if len(id_fields) > 1:
        raise _err(f"{what}: at most one field can be marked @id", id_fields[1].pos)
    if id_fields and model.attr("id"):
        raise _err(f"{what}: both @id and @@id: a model has one primary key", model.attr("id").pos)
    for f in id_fields:
        if f.type.optional or f.type.is_list:
            raise _err(f"{what}: the @id field {f.name} must be required (not ? or [])", f.pos)
    if (block := model.attr("id")) is not None:
        for name in _field_list(block, "fields", 0, model):
            f = model.field(name)
            if f.type.optional or f.type.is_list:
                raise _err(f"{what}: @@id field {name} must be required (not ? or [])", block.pos)


# argument names each attribute accepts (positional arguments map to the first name)
_ARGUMENTS = {
    ("id", False): {"map", "sort", "length", "clustered"},
    ("unique", False): {"map", "sort", "length", "clustered"},
    ("default", False): {"value", "map"},
    ("map", False): {"name"},
    ("relation", False): {"name", "fields", "references", "onDelete", "onUpdate", "map"},
    ("updatedAt", False): set(),
    ("ignore", False): set(),
    ("id", True): {"fields", "name", "map", "clustered"},
    ("unique", True): {"fields", "name", "map", "clustered"},
    ("index", True): {"fields", "name", "map", "type", "clustered", "ops"},
    ("fulltext", True): {"fields", "map"},
    ("map", True): {"name"},
    ("schema", True): {"name"},
    ("ignore", True): set(),
}
_POSITIONAL = {"default": 1, "map": 1, "relation": 1, "schema": 1, "id": 1, "unique": 1,
               "index": 1, "fulltext": 1}  # fmt: skip


def _check_argument_names(a: Attribute) -> None:
    allowed = _ARGUMENTS.get((a.name, a.block))
    if allowed is None:  # @db.* (integers, checked elsewhere) and unknown attributes
        return
    prefix = "@@" if a.block else "@"
    positional = [x for x in a.args if x.name is None]
    max_positional = _POSITIONAL.get(a.name, 0) if allowed else 0
    if a.name in ("id", "unique") and not a.block:
        max_positional = 0
    if len(positional) > max_positional:
        raise _err(f"{prefix}{a.name}: unexpected argument", positional[max_positional].pos)
    names = [x.name for x in a.args if x.name is not None]
    for x in a.args:
        if x.name is not None and x.name not in allowed:
            raise _err(f"{prefix}{a.name}: no argument called {x.name!r}", x.pos)
        if x.name is not None and names.count(x.name) > 1:
            raise _err(f"{prefix}{a.name}: argument {x.name!r} given twice", x.pos)


def _check_repeats(attrs: list[Attribute], repeatable: tuple[str, ...], what: str) -> None:
    seen: set[str] = set()
    for a in attrs:
        if a.name in seen and a.name not in repeatable:
            prefix = "@@" if a.block else "@"
            raise _err(f"{what}: {prefix}{a.name} can only be given once", a.pos)
        seen.add(a.name)


def _validate_native(a: Attribute, f: Field, natives: dict[str, int]) -> None:
    native = a.name[3:]
    if native not in natives:
        raise _err(f"field {f.name}: unknown native type @db.{native}", a.pos)
    allowed = natives[native]
    if len(a.args) > allowed:
        raise _err(f"@db.{native} takes at most {allowed} argument(s)", a.pos)
    if native == "Decimal" and len(a.args) == 1:
        raise _err("@db.Decimal takes two arguments (precision, scale) or none", a.pos)
    for arg in a.args:
        if not isinstance(arg.value, Num) or not isinstance(arg.value.value, int):
            raise _err(f"@db.{native}: arguments must be integers", arg.pos)


def _validate_default(a: Attribute, f: Field, schema: Schema) -> None:
    value = a.arg("value")
    if value is None:
        raise _err(f"@default on {f.name} needs a value", a.pos)
    if isinstance(value, Call) and value.name not in DEFAULT_FUNCTIONS:
        raise _err(f"@default on {f.name}: unknown function {value.name}()", value.pos)
    enum = schema.enum(f.type.name)
    items = value.items if isinstance(value, Array) else [value]
    if isinstance(value, Array) and not f.type.is_list:
        raise _err(f"@default on {f.name}: a list default on a non-list field", value.pos)
    for item in items:
        _check_default_type(item, f, enum is not None)
        if isinstance(item, Const):
            if enum is not None:
                if item.name not in [v.name for v in enum.values]:
                    raise _err(
                        f"@default on {f.name}: {item.name!r} is not a value of enum {enum.name}",
                        item.pos,
                    )
            elif not (f.type.name == "Boolean" and item.name in ("true", "false")):
                raise _err(f"@default on {f.name}: unexpected constant {item.name!r}", item.pos)


_FUNCTION_TYPES = {
    "autoincrement": {"Int", "BigInt"},
    "sequence": {"Int", "BigInt"},
    "now": {"DateTime"},
    "uuid": {"String"},
    "cuid": {"String"},
    "nanoid": {"String"},
    "ulid": {"String"},
    "auto": None,  # MongoDB ObjectId
    "dbgenerated": None,  # anything the database computes
}
_LITERAL_TYPES = {
    Str: {"String", "DateTime", "Json", "Bytes", "Decimal"},
    Num: {"Int", "BigInt", "Float", "Decimal"},
}


def _check_default_type(value: Expr, f: Field, is_enum: bool) -> None:
    """A default must fit its field: `@default(1)` on a String is an error in Prisma."""
    t = f.type.name
    if isinstance(value, Call):
        fits = _FUNCTION_TYPES.get(value.name)
        if fits is not None and t not in fits:
            raise _err(f"@default on {f.name}: {value.name}() does not fit type {t}", value.pos)
        return
    if isinstance(value, Num) and t in ("Int", "BigInt") and not isinstance(value.value, int):
        raise _err(f"@default on {f.name}: {value.text} is not an integer", value.pos)
    fits = _LITERAL_TYPES.get(type(value))
    if fits is not None and t not in fits and not is_enum:
        what = "a string" if isinstance(value, Str) else "a number"
        raise _err(f"@default on {f.name}: {what} does not fit {t}", value.pos)
    if fits is not None and is_enum:
        raise _err(f"@default on {f.name}: expected an enum value", value.pos)
