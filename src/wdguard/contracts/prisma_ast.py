"""The Prisma schema AST: what `prisma_parser` builds and `prisma_validate` checks.

Plain dataclasses with the source position of every declaration, attribute and value,
so that errors and derived contracts can point at `file:line:col`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from wdguard.errors import location

SCALAR_TYPES = frozenset(
    {"String", "Boolean", "Int", "BigInt", "Float", "Decimal", "DateTime", "Json", "Bytes"}
)
DEFAULT_FUNCTIONS = frozenset(
    {
        "uuid",
        "cuid",
        "nanoid",
        "ulid",
        "now",
        "autoincrement",
        "dbgenerated",
        "sequence",
        "auto",
    }
)


class Pos(NamedTuple):
    """Where a token or declaration starts: `file:line:col` (1-based)."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return location(self.file, self.line, self.col)


@dataclass
class Str:
    value: str
    pos: Pos


@dataclass
class Num:
    text: str  # as written: "1", "-2", "1.5"
    pos: Pos

    @property
    def value(self) -> int | float:
        return float(self.text) if any(c in self.text for c in ".eE") else int(self.text)


@dataclass
class Const:
    """A bare identifier used as a value: `Cascade`, `true`, `Desc`, an enum value."""

    name: str
    pos: Pos


@dataclass
class Call:
    """A function call `uuid(7)` or a field reference with arguments `email(sort: Desc)`."""

    name: str
    args: list[Arg]
    pos: Pos


@dataclass
class Array:
    items: list[Expr]
    pos: Pos


Expr = Str | Num | Const | Call | Array


@dataclass
class Arg:
    name: str | None  # None for positional arguments
    value: Expr
    pos: Pos


@dataclass
class Attribute:
    name: str  # "id", "default", "db.VarChar", "@@index" is stored as "index"
    args: list[Arg]
    pos: Pos
    block: bool = False  # True for @@attributes

    def arg(self, name: str, position: int | None = 0) -> Expr | None:
        """The argument called `name`, else the positional one at `position`."""
        for a in self.args:
            if a.name == name:
                return a.value
        if position is not None:
            positional = [a for a in self.args if a.name is None]
            if len(positional) > position:
                return positional[position].value
        return None


class _Attributed:
    """A declaration with attributes (`@id`, `@@map("orders")`)."""

    attributes: list[Attribute]

    def attr(self, name: str) -> Attribute | None:
        """The first attribute called `name` (`map`, `id`, `db.VarChar`...), if any."""
        return next((a for a in self.attributes if a.name == name), None)


@dataclass
class FieldType:
    name: str  # "String", "User", "Unsupported"
    optional: bool = False
    is_list: bool = False
    unsupported: str | None = None  # the text of Unsupported("...")


@dataclass
class Field(_Attributed):
    name: str
    type: FieldType
    attributes: list[Attribute]
    pos: Pos
    doc: str | None = None

    def native(self) -> Attribute | None:
        """The `@db.X(...)` attribute, if any."""
        for a in self.attributes:
            if a.name.startswith("db."):
                return a
        return None


@dataclass
class Model(_Attributed):
    """A `model`, `view` or composite `type` block."""

    kind: str  # "model" | "view" | "type"
    name: str
    fields: list[Field]
    attributes: list[Attribute]
    pos: Pos
    doc: str | None = None

    def attrs(self, name: str) -> list[Attribute]:
        return [a for a in self.attributes if a.name == name]

    def field(self, name: str) -> Field | None:
        for f in self.fields:
            if f.name == name:
                return f
        return None


@dataclass
class EnumValue:
    name: str
    attributes: list[Attribute]
    pos: Pos
    doc: str | None = None

    @property
    def db_name(self) -> str:
        for a in self.attributes:
            if a.name == "map":
                value = a.arg("name")
                if isinstance(value, Str):
                    return value.value
        return self.name


@dataclass
class Enum(_Attributed):
    name: str
    values: list[EnumValue]
    attributes: list[Attribute]
    pos: Pos
    doc: str | None = None


@dataclass
class ConfigBlock:
    """A `datasource` or `generator` block: `key = value` properties."""

    kind: str
    name: str
    properties: dict[str, Expr]
    pos: Pos


@dataclass
class Schema:
    models: list[Model] = field(default_factory=list)  # models and views
    types: list[Model] = field(default_factory=list)  # composite types
    enums: list[Enum] = field(default_factory=list)
    datasources: list[ConfigBlock] = field(default_factory=list)
    generators: list[ConfigBlock] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def _lookup(self, items: list, name: str):
        """Name lookup through a dict rebuilt whenever the list grew (parse_path appends)."""
        cache = self.__dict__.setdefault("_index", {})
        key = id(items)
        entry = cache.get(key)
        if entry is None or entry[0] != len(items):
            index: dict = {}
            for item in items:
                index.setdefault(item.name, item)  # the first definition wins
            entry = cache[key] = (len(items), index)
        return entry[1].get(name)

    def model(self, name: str) -> Model | None:
        return self._lookup(self.models, name)

    def enum(self, name: str) -> Enum | None:
        return self._lookup(self.enums, name)

    def composite(self, name: str) -> Model | None:
        return self._lookup(self.types, name)
