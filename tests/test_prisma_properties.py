"""Property tests of the Prisma parser (hypothesis, derandomized so CI repeats itself).

1. Any text: the parser returns a schema or raises its own one-line InputError, never
   another exception (the differential fuzzer in test_prisma_fuzz mutates real schemas;
   this feeds it text that is only Prisma-shaped).
2. Round trip: schemas generated from the AST space (models, every scalar type,
   optional/list, attributes, enums, @@map, @@index, @@unique, relations, docs) are
   printed by `prisma_print`, parsed, printed and parsed again; the text is a fixpoint and
   the derived contracts are the same. The fixture schemas round-trip too.
"""

from __future__ import annotations

import glob
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdguard.contracts.prisma_ast import (
    Arg,
    Array,
    Attribute,
    Call,
    ConfigBlock,
    Const,
    Enum,
    EnumValue,
    Field,
    FieldType,
    Model,
    Num,
    Pos,
    Schema,
    Str,
)
from wdguard.contracts.prisma_derive import derive_from_schema
from wdguard.contracts.prisma_parser import parse_path, parse_text
from wdguard.contracts.prisma_print import quote, render
from wdguard.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
P = Pos("gen.prisma", 1, 1)

# ---------------------------------------------------------------- any text

_PRISMA_WORDS = [
    "model", "enum", "view", "type", "datasource", "generator", "db", "{", "}", "(", ")",
    "[", "]", "@", "@@", "@id", "@unique", "@default(", "@relation(", "@@index(", "@@map(",
    "String", "Int", "DateTime", "Json", "Decimal", "?", "[]", ",", ":", "=", "\n", " ",
    '"', '"x"', "///", "//", "fields:", "references:", "provider", '"postgresql"', "1",
    "-2.5e3", "autoincrement()", "now()", "Unsupported(", "\\", "\t", "é", "\u2028",
]  # fmt: skip
_PRISMAISH = st.one_of(
    st.lists(st.sampled_from(_PRISMA_WORDS), max_size=60).map("".join),
    st.lists(st.sampled_from(_PRISMA_WORDS) | st.text(max_size=4), max_size=40).map(" ".join),
    st.text(alphabet=string.printable + "\u00e9\u2028\ufeff\x00", max_size=200),
)


@_SETTINGS
@given(_PRISMAISH)
def test_any_text_parses_or_raises_one_input_error(text):
    for check in (False, True):
        try:
            schema = parse_text(text, "fuzz.prisma", check=check)
        except InputError as exc:
            line = exc.one_line()
            assert line.startswith("fuzz.prisma:"), line
            assert "\n" not in line
        else:
            assert isinstance(schema, Schema)
            try:  # deriving is the parser's consumer: same contract
                derive_from_schema(schema) if check else None
            except InputError as exc:
                assert "\n" not in exc.one_line()


@_SETTINGS
@given(_PRISMAISH)
def test_any_parsed_text_prints_and_reparses_to_the_same_text(text):
    try:
        schema = parse_text(text, "fuzz.prisma", check=False)
    except InputError:
        return
    printed = render(schema)
    assert render(parse_text(printed, "fuzz.prisma", check=False)) == printed


# ---------------------------------------------------------------- generated schemas

_IDENT = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
_DOC = st.one_of(
    st.none(),
    st.lists(
        st.text(alphabet=string.ascii_letters + string.digits + " .,'\"{}@/", min_size=1,
                max_size=20).map(str.strip).filter(bool),
        min_size=1, max_size=2,
    ).map("\n".join),
)  # fmt: skip
_STRING_VALUE = st.text(alphabet=string.ascii_letters + ' "\\\n\t{}@', max_size=12)

_DEFAULTS = {
    "String": st.builds(lambda s: Str(s, P), _STRING_VALUE),
    "Int": st.integers(-1000, 1000).map(lambda n: Num(str(n), P)),
    "BigInt": st.integers(0, 10**12).map(lambda n: Num(str(n), P)),
    "Float": st.sampled_from(["1.5", "-0.25", "3"]).map(lambda t: Num(t, P)),
    "Decimal": st.sampled_from(["1.5", "10"]).map(lambda t: Num(t, P)),
    "Boolean": st.sampled_from(["true", "false"]).map(lambda t: Const(t, P)),
    "DateTime": st.just(Call("now", [], P)),
    "Json": st.sampled_from(["{}", '{"a": 1}', "[]"]).map(lambda t: Str(t, P)),
    "Bytes": st.just(Str("", P)),
}
_NATIVE = {
    "String": [("VarChar", ["20"]), ("Text", [])],
    "Decimal": [("Decimal", ["10", "2"])],
    "DateTime": [("Timestamptz", ["3"]), ("Date", [])],
    "Json": [("JsonB", [])],
}


def _attr(name, *args, block=False, named=()):
    out = [Arg(None, a, P) for a in args] + [Arg(k, v, P) for k, v in named]
    return Attribute(name, out, P, block)


@st.composite
def _scalar_field(draw, name: str, enums: list[Enum]):
    kinds = sorted(_DEFAULTS) + [e.name for e in enums]
    tname = draw(st.sampled_from(kinds))
    is_list = draw(st.booleans()) and tname not in ("Json",)
    optional = not is_list and draw(st.booleans())
    attrs: list[Attribute] = []
    enum = next((e for e in enums if e.name == tname), None)
    if not is_list and draw(st.booleans()):
        value = (Const(draw(st.sampled_from(enum.values)).name, P) if enum
                 else draw(_DEFAULTS[tname]))  # fmt: skip
        attrs.append(_attr("default", value))
    if not is_list and tname in ("String", "Int", "BigInt") and draw(st.booleans()):
        attrs.append(_attr("unique"))
    if draw(st.booleans()):
        attrs.append(_attr("map", Str(f"c_{name}", P)))
    if tname in _NATIVE and draw(st.booleans()):
        native, nargs = draw(st.sampled_from(_NATIVE[tname]))
        attrs.append(_attr("db." + native, *(Num(a, P) for a in nargs)))
    draw(st.randoms()).shuffle(attrs)
    return Field(name, FieldType(tname, optional, is_list), attrs, P, draw(_DOC))


@st.composite
def _enum(draw, name: str):
    values = draw(st.lists(_IDENT.map(str.upper), min_size=1, max_size=4, unique=True))
    out = []
    for v in values:
        attrs = [_attr("map", Str(v.lower() + "_v", P))] if draw(st.booleans()) else []
        out.append(EnumValue(v, attrs, P, draw(_DOC)))
    attrs = [_attr("map", Str(f"e_{name.lower()}", P), block=True)] if draw(st.booleans()) else []
    return Enum(name, out, attrs, P, draw(_DOC))


@st.composite
def _schema(draw):
    enums = [draw(_enum(f"Kind{i}")) for i in range(draw(st.integers(0, 2)))]
    models: list[Model] = []
    for i in range(draw(st.integers(1, 3))):
        name = f"M{i}"
        id_type = draw(st.sampled_from(["Int", "String"]))
        default = Call("autoincrement" if id_type == "Int" else "uuid", [], P)
        fields = [Field("id", FieldType(id_type), [_attr("id"), _attr("default", default)], P)]
        names = draw(st.lists(_IDENT.filter(lambda n: n not in ("id", "owner", "ownerid")),
                              max_size=5, unique=True))  # fmt: skip
        fields += [draw(_scalar_field(n, enums)) for n in names]
        if i > 0 and draw(st.booleans()):  # a relation to M0 and its back-relation
            key_type = models[0].fields[0].type.name
            fields.append(Field("ownerid", FieldType(key_type, optional=True), [], P))
            on_delete = draw(st.sampled_from([[], [("onDelete", Const("Cascade", P))]]))
            fields.append(Field(
                "owner", FieldType("M0", optional=True),
                [_attr("relation", named=[
                    ("fields", Array([Const("ownerid", P)], P)),
                    ("references", Array([Const("id", P)], P)), *on_delete])],
                P, draw(_DOC),
            ))  # fmt: skip
            models[0].fields.append(Field(f"m{i}s", FieldType(name, is_list=True), [], P))
        attrs: list[Attribute] = []
        plain = [f.name for f in fields[1:] if not f.type.is_list
                 and f.type.name in ("String", "Int", "BigInt", "DateTime", "Boolean")]  # fmt: skip
        if plain and draw(st.booleans()):
            cols = draw(st.lists(st.sampled_from(plain), min_size=1, max_size=2, unique=True))
            attrs.append(_attr("index", Array([Const(c, P) for c in cols], P), block=True))
        if len(plain) >= 2 and draw(st.booleans()):
            cols = draw(st.lists(st.sampled_from(plain), min_size=2, max_size=2, unique=True))
            attrs.append(_attr("unique", Array([Const(c, P) for c in cols], P), block=True))
        if draw(st.booleans()):
            attrs.append(_attr("map", Str(f"t_{name.lower()}", P), block=True))
        models.append(Model("model", name, fields, attrs, P, draw(_DOC)))
    datasource = ConfigBlock(
        "datasource", "db",
        {"provider": Str("postgresql", P), "url": Call("env", [Arg(None, Str("DB_URL", P), P)], P)},
        P,
    )  # fmt: skip
    return Schema(models=models, enums=enums, datasources=[datasource])


def _contracts(schema: Schema) -> list[dict]:
    return [c.model_dump() for c in derive_from_schema(schema)]


@_SETTINGS
@given(_schema())
def test_generated_schema_round_trips(schema):
    text = render(schema)
    first = parse_text(text, "gen.prisma")  # the generator only builds valid schemas
    assert render(first) == text, "printing the parsed schema changed it"
    second = parse_text(render(first), "gen.prisma")
    assert _contracts(second) == _contracts(first)
    tables = {c["source"]["table"] for c in _contracts(first)}
    for m in schema.models:  # nothing was dropped on the way
        assert (m.attr("map").args[0].value.value if m.attr("map") else m.name) in tables


@pytest.mark.parametrize(
    "path",
    ["fixtures/prisma/schema.prisma", *sorted(
        str(Path(p).relative_to(ROOT)) for p in glob.glob(str(ROOT / "tests/*/*.prisma"))
        if "mongo" not in p
    )],
)  # fmt: skip
def test_fixture_schemas_round_trip(path):
    schema = parse_path(ROOT / path)
    text = render(schema)
    again = parse_text(text, path)
    assert render(again) == text
    assert _contracts(again) == _contracts(schema)


@pytest.mark.parametrize("value", ["", "plain", 'q"uote', "back\\slash", "nl\nx", "tab\tx",
                                   "\\n literally", "é \u2028"])  # fmt: skip
def test_quote_is_the_inverse_of_the_tokenizer(value):
    schema = parse_text(f"datasource db {{\n  provider = {quote(value)}\n}}\n", check=False)
    assert schema.datasources[0].properties["provider"].value == value
