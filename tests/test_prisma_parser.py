"""Unit tests of the Prisma parser: AST shape, positions, docs, and one-line errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from wdguard.contracts.prisma_parser import (
    Array,
    Call,
    Const,
    Num,
    Str,
    parse_path,
    parse_text,
    tokenize,
)
from wdguard.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
HEAD = 'datasource db {\n  provider = "postgresql"\n}\n'


def test_tokens_keep_positions_and_docs() -> None:
    toks = tokenize('/// doc\nmodel X { // c\n  s String @default("a\\"b")\n}', "f.prisma")
    doc = toks[0]
    assert (doc.kind, doc.text, doc.pos.line, doc.pos.col) == ("DOC", "doc", 1, 1)
    string = next(t for t in toks if t.kind == "STRING")
    assert string.text == 'a"b' and (string.pos.line, string.pos.col) == (3, 21)
    assert not any(t.text == "c" for t in toks)  # plain comments are dropped


def test_model_fields_attributes_and_docs() -> None:
    schema = parse_text(
        HEAD
        + """
/// A user.
/// Second line.
model User {
  /// Primary key.
  id    String  @id @default(uuid(7)) @db.Uuid
  tags  String[]
  nick  String? @map("nick_name") @db.VarChar(40)
  score Decimal @default(-1.5) @db.Decimal(6, 2)
  geo   Unsupported("point")?
  @@index([nick(sort: Desc), score], map: "by_nick", type: BTree)
  @@map("users")
}
""",
        "s.prisma",
    )
    user = schema.model("User")
    assert user.doc == "A user.\nSecond line."
    assert (user.pos.line, user.pos.col) == (7, 1)
    assert [f.name for f in user.fields] == ["id", "tags", "nick", "score", "geo"]
    id_field = user.field("id")
    assert id_field.doc == "Primary key."
    default = id_field.attr("default").arg("value")
    assert isinstance(default, Call) and default.name == "uuid"
    assert isinstance(default.args[0].value, Num) and default.args[0].value.value == 7
    assert id_field.native().name == "db.Uuid"
    assert user.field("tags").type.is_list and not user.field("tags").type.optional
    nick = user.field("nick")
    assert nick.type.optional and nick.attr("map").arg("name").value == "nick_name"
    assert nick.native().args[0].value.value == 40
    assert user.field("score").attr("default").arg("value").value == -1.5
    geo = user.field("geo")
    assert geo.type.unsupported == "point" and geo.type.optional
    index = user.attr("index")
    fields = index.arg("fields")
    assert isinstance(fields, Array)
    assert isinstance(fields.items[0], Call) and fields.items[0].args[0].name == "sort"
    assert isinstance(fields.items[1], Const)
    assert index.arg("map", None).value == "by_nick"
    assert index.arg("type", None).name == "BTree"
    assert user.attr("map").arg("name").value == "users"


def test_enums_config_blocks_views_and_types() -> None:
    schema = parse_text(
        """
generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views"]
}
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}
enum Role {
  /// ordinary
  USER @map("user")
  ADMIN
  @@map("role")
}
view V {
  id Int @unique
}
type T {
  a Int
}
""",
        "s.prisma",
        check=False,  # composite types are a MongoDB feature; the AST keeps them anyway
    )
    gen = schema.generators[0]
    assert isinstance(gen.properties["previewFeatures"], Array)
    url = schema.datasources[0].properties["url"]
    assert isinstance(url, Call) and url.name == "env"
    assert isinstance(url.args[0].value, Str)
    role = schema.enum("Role")
    assert [(v.name, v.db_name, v.doc) for v in role.values] == [
        ("USER", "user", "ordinary"),
        ("ADMIN", "ADMIN", None),
    ]
    assert role.attr("map").arg("name").value == "role"
    assert schema.model("V").kind == "view"
    assert schema.composite("T").fields[0].name == "a"


def test_multi_file_schema_is_one_schema(tmp_path: Path) -> None:
    (tmp_path / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "main.prisma").write_text(HEAD)
    (tmp_path / "nested" / "a.prisma").write_text("model A {\n  id Int @id\n  b B?\n}\n")
    (tmp_path / "nested" / "deeper" / "b.prisma").write_text(
        "model B {\n  id Int @id\n  aId Int @unique\n"
        "  a A @relation(fields: [aId], references: [id])\n}\n"
    )
    (tmp_path / "notes.txt").write_text("not a schema {")
    schema = parse_path(tmp_path)
    assert sorted(m.name for m in schema.models) == ["A", "B"]
    assert schema.model("B").pos.file.endswith("b.prisma")
    assert len(schema.files) == 3


def test_duplicate_model_across_files_names_both(tmp_path: Path) -> None:
    (tmp_path / "a.prisma").write_text(HEAD + "model A {\n  id Int @id\n}\n")
    (tmp_path / "b.prisma").write_text("\nmodel A {\n  id Int @id\n}\n")
    with pytest.raises(InputError) as err:
        parse_path(tmp_path)
    line = err.value.one_line()
    assert line.startswith(f"{tmp_path / 'b.prisma'}:2:1: ")
    assert f"already defined at {tmp_path / 'a.prisma'}:4:1" in line


ERRORS = [
    ("model User {\n  id Int @id\n", "s.prisma:6:1: expected '}' to close model User"),
    (
        "model A {\n  id Int @id\nmodel B {\n  id Int @id\n}\n",
        "s.prisma:6:1: expected '}' to close model A",
    ),
    ("enum E {\n  A\nenum F {\n  B\n}\n", "s.prisma:6:1: expected '}' to close enum E"),
    ("model User {\n  id Int @id\n  name\n}\n", "s.prisma:6:7: expected a type for field name"),
    ("model {\n}\n", "s.prisma:4:7: expected a name after 'model'"),
    (
        "model U {\n  id Int @id @default(\n}\n",
        "s.prisma:6:1: expected ')' to close the arguments opened at s.prisma:5:22",
    ),
    ('model U {\n  id Int @id\n  s String @map("x"\n}\n', "expected ',' or ')'"),
    ('model U {\n  s String @default("abc\n}\n', "s.prisma:5:21: unterminated string"),
    ("modle U {\n}\n", "s.prisma:4:1: expected a block: model, enum"),
    ('model U {\n  id Int @id @@map("u")\n}\n', "s.prisma:5:14: block attribute on the line"),
    ("model U {\n  id Int @id  name String\n}\n", "s.prisma:5:15: expected end of line"),
    ("model U {\n  id Int[]? @id\n}\n", "s.prisma:5:6: field id: optional lists"),
    ("model U {\n  id Int @id\n  x Strin\n}\n", "s.prisma:6:3: model U: field x has unknown type"),
    ("model U {\n  id Int @id\n  id Int\n}\n", "s.prisma:6:3: model U: field 'id' is already"),
    ("enum E {\n  A\n  A\n}\n", "s.prisma:6:3: enum E: duplicate value 'A'"),
    ("enum E {\n}\n", "s.prisma:4:1: enum E has no values"),
    ("model U {\n  id Int @id @map(1)\n}\n", "s.prisma:5:19: @map: `name` must be a string"),
    ("model U {\n  id Int @id @db.VarChar(x)\n}\n", "s.prisma:5:26: @db.VarChar: arguments"),
    ("model U {\n  id Int @id @db.Decimal(1, 2, 3)\n}\n", "@db.Decimal takes at most 2"),
    ("model U {\n  id Int @id @db.Nope\n}\n", "unknown native type @db.Nope"),
    (
        "model U {\n  id Int @id @frob\n}\n",
        "s.prisma:5:14: model U: field id: unknown attribute @frob",
    ),
    ("model U {\n  id Int @id\n  @@index([nope])\n}\n", "s.prisma:6:3: @@index: model U has no"),
    ('model U {\n  id Int @id\n  @@index("x")\n}\n', "`fields` must be a list"),
    ("model U {\n  id Int @id @default(guid())\n}\n", "unknown function guid()"),
    ("model U {\n  id Int @id @default(RED)\n}\n", "unexpected constant 'RED'"),
    ("model U {\n  id Int @id @default([1])\n}\n", "a list default on a non-list field"),
    (
        "model A {\n  id Int @id\n  b B @relation(fields: [id], references: [id, x])\n}\n"
        "model B {\n  id Int @id\n  x Int\n  a A[]\n}\n",
        "`fields` and `references` differ in length",
    ),
    (
        "model A {\n  id Int @id\n  b B @relation(fields: [id], references: [id], "
        "onDelete: Explode)\n}\nmodel B {\n  id Int @id\n  a A[]\n}\n",
        "@relation onDelete: expected Cascade",
    ),
    ("model U {\n  id Int @id\n  @@frob([id])\n}\n", "unknown block attribute @@frob"),
    ("model U {\n  id Int @id\n}\nmodel String {\n  id Int @id\n}\n", "reserved scalar"),
    ("model U {\n  id Int @id\n  x Int ~\n}\n", "s.prisma:6:9: unexpected character '~'"),
    ('generator g {\n  provider = "x"\n  provider = "y"\n}\n', "duplicate property 'provider'"),
    ('generator g {\n  output = "x"\n}\n', "s.prisma:4:1: generator g needs `provider"),
    ('model U {\n  id Int @id\n  @@schema("x")\n}\n', "s.prisma:6:3: @@schema needs `schemas"),
    ('model U {\n  id Int @id @map("a") @map("b")\n}\n', "@map can only be given once"),
    ('model U {\n  id Int @id\n  @@map("a")\n  @@map("b")\n}\n', "@@map can only be given"),
    ('model U {\n  id Int @id @unique(mp: "x")\n}\n', "s.prisma:5:22: @unique: no argument called"),
    ("model U {\n  id Int @id\n  x String @default(1)\n}\n", "a number does not fit String"),
    ("model U {\n  id Int @id @default(now())\n}\n", "now() does not fit type Int"),
    ("model U {\n  id Int @id @default(1.5)\n}\n", "1.5 is not an integer"),
    ("model U {\n  a Int @id\n  b Int @id\n}\n", "s.prisma:6:3: model U: at most one field"),
    ("model U {\n  a Int @id\n  b Int\n  @@id([a, b])\n}\n", "both @id and @@id"),
    ("model U {\n  id Int? @id\n}\n", "the @id field id must be required"),
    ("model U {\n  x Int\n}\n", "s.prisma:4:1: model U has no unique criterion"),
    ("model U {\n  x Int?\n  @@unique([x])\n}\n", "model U has no unique criterion"),
    ("view V {\n  id Int @id\n}\n", "views cannot have primary keys"),
    ("model A {\n  id Int @id\n  b B?\n}\nmodel B {\n  id Int @id\n}\n", "has no opposite"),
    (
        "model A {\n  id Int @id\n  b B?\n}\nmodel B {\n  id Int @id\n  a A[]\n}\n",
        "s.prisma:6:3: relation field b on A needs `fields:`",
    ),
    (
        "model A {\n  id Int @id\n  bId String\n  b B @relation(fields: [bId], references: [id])"
        "\n}\nmodel B {\n  id Int @id\n  a A[]\n}\n",
        "A.bId is String but B.id is Int",
    ),
    (
        "model A {\n  id Int @id\n  bId Int?\n  b B @relation(fields: [bId], references: [id])"
        "\n}\nmodel B {\n  id Int @id\n  a A[]\n}\n",
        "the relation must be optional too",
    ),
    (
        "model A {\n  id Int @id\n  bId Int\n  b B @relation(fields: [bId], references: [id])"
        "\n}\nmodel B {\n  id Int @id\n  a A?\n}\n",
        "one-to-one relation b: `fields` ['bId'] must be unique",
    ),
    (
        "model A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  key Int @unique\n  as A[]\n}\n",
        "model B needs a single-field @id",
    ),
    ("model U {\n  id Int @id\n  @@index([id(sort: Up)])\n}\n", "expected Asc or Desc"),
    ("model U {\n  id Int @id\n  @@index([id], type: Fancy)\n}\n", "type: expected one of"),
    ("model U {\n  id Int @id\n  d Decimal @db.Decimal(1)\n}\n", "takes two arguments"),
    ('model U {\n  id Int @id\n  u User @map("x")\n}\n', "unknown type 'User'"),
]


@pytest.mark.parametrize(("body", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_errors_are_one_line_with_file_line_col(body: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_text(HEAD + body, "s.prisma")
    line = err.value.one_line()
    assert "\n" not in line
    assert message in line, line
    assert line.startswith("s.prisma:"), line


def test_missing_paths_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Prisma schema not found"):
        parse_path(tmp_path / "nope.prisma")
    with pytest.raises(InputError, match="no .prisma files"):
        parse_path(tmp_path)


CONFIG_ERRORS = [
    (
        'datasource db {\n  provider = "oracle"\n}\n',
        "s.prisma:1:1: unknown datasource provider",
    ),
    ('datasource db {\n  provider = "postgresql"\n  ur = "x"\n}\n', "unknown property 'ur'"),
    (
        'datasource db {\n  provider = "postgresql"\n  schemas = ["a"]\n}\n'
        "model U {\n  id Int @id\n}\n",
        "s.prisma:5:1: model U needs @@schema",
    ),
    (
        'datasource db {\n  provider = "postgresql"\n  schemas = ["a"]\n}\n'
        'model U {\n  id Int @id\n  @@schema("b")\n}\n',
        "s.prisma:7:3: @@schema: 'b' is not in `schemas`",
    ),
    (
        'datasource pg {\n  provider = "postgresql"\n}\n'
        "model U {\n  id Int @id\n  s String @db.Text\n}\n",
        "s.prisma:6:12: @db.Text: the prefix 'db' is not the datasource's name ('pg')",
    ),
    (
        'datasource db {\n  provider = "postgresql"\n}\ndatasource db2 {\n  provider = "mysql"\n}\n',
        "s.prisma:4:1: only one datasource block",
    ),
]


@pytest.mark.parametrize(("text", "message"), CONFIG_ERRORS)
def test_config_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_text(text, "s.prisma")
    assert message in err.value.one_line(), err.value.one_line()


def test_native_types_follow_the_datasource_name() -> None:
    schema = parse_text(
        'datasource pg {\n  provider = "postgresql"\n}\nmodel U {\n  id String @id @pg.Uuid\n}\n',
        "s.prisma",
    )
    assert schema.model("U").field("id").native().name == "db.Uuid"


@pytest.mark.usefixtures("prisma_wasm")
def test_every_error_case_is_an_error_for_prisma_too() -> None:
    """The cases above are not wdguard being fussy: Prisma's own parser rejects each one."""
    texts = [HEAD + body for body, _ in ERRORS] + [text for text, _ in CONFIG_ERRORS]
    proc = subprocess.run(
        ["node", str(ROOT / "tests" / "dmmf_oracle.js")],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "node_modules"), "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=True,
    )
    accepted = [t for t, r in zip(texts, json.loads(proc.stdout), strict=True) if "error" not in r]
    assert accepted == []


def test_errors_never_echo_a_password_from_the_schema() -> None:
    text = 'datasource db {\n  provider = "postgresql"\n  url = "x" "postgresql://app:s3cret@db/x"\n}\n'
    with pytest.raises(InputError) as err:
        parse_text(text, "s.prisma")
    line = err.value.one_line()
    assert line.startswith("s.prisma:3:13: expected end of line") and "s3cret" not in line
