"""The Contract: the one statement of what a table or collection must look like.

A contract has two kinds of content:

* the *derived* part, written by `wdguard contracts derive` from schema.prisma or from
  sampled Mongo documents (types, nullability, keys, physical database detail), and
* the *hand* part that reviewers add (descriptions, min/max, regex, rules, freshness,
  volume, consumers).

Re-deriving replaces the derived part and keeps the hand part (see `merge.py`).
Column keys are physical column names: what the database and the lake hold.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from wdguard.contracts.metrics_config import MetricsConfig

LogicalType = Literal[
    "string",
    "uuid",
    "integer",
    "bigint",
    "float",
    "decimal",
    "boolean",
    "date",
    "timestamp",
    "json",
    "bytes",
    "enum",
    "list",
    "object",
    "unsupported",
]
LOGICAL_TYPES: tuple[str, ...] = get_args(LogicalType)

_DURATION = re.compile(r"^(\d+)(m|h|d)$")


def parse_duration(text: str) -> int:
    """'26h' -> seconds. Contracts spell SLAs as <number><m|h|d>."""
    m = _DURATION.match(text.strip())
    if not m:
        raise ValueError(f"bad duration {text!r}: expected <number><m|h|d>, e.g. 26h")
    n, unit = int(m.group(1)), m.group(2)
    return n * {"m": 60, "h": 3600, "d": 86400}[unit]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo in a contract must not silently disable a check."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Column(_Strict):
    # --- derived ---
    type: LogicalType
    nullable: bool = True
    unique: bool = False
    default: str | int | float | bool | None = None
    values: list[str] | None = None  # enum values, in declaration order
    enum_name: str | None = None  # the database enum type (Prisma enum name or @@map)
    items: LogicalType | None = None  # element type of a list
    precision: int | None = None
    scale: int | None = None
    references: str | None = None  # "Contract.column" for single-column foreign keys
    field: str | None = None  # Prisma field name when it differs from the column (@map)
    db_type: str | None = None  # physical type as the database declares it: timestamp(3)
    db_default: str | None = None  # default the database itself applies (None: client side)
    updated_at: bool = False  # Prisma @updatedAt: set by the client, no DB default
    # Mongo: BSON type -> share of the field's sampled values (2 decimals, >= 0.01 when seen)
    bson_types: dict[str, float] | None = None
    presence: float | None = None  # Mongo: share of sampled documents with the field
    # Mongoose: the SchemaType that declares the path (String, Number, ObjectId, Array,
    # Subdocument, Nested, Mixed, ...). Set: the column's type, nullable, values, unique,
    # default, min/max, regex and lengths are declared facts of the model, not a sample's.
    declared: str | None = None
    min_length: int | None = None  # Mongoose minlength
    max_length: int | None = None  # Mongoose maxlength
    required_if: str | None = None  # a conditional `required` (a function): where it is
    # the migration whose ADD COLUMN brought it into an existing table (partitions
    # extracted before it may lack the column: the gate skips it there)
    added_by: str | None = None
    # --- hand ---
    description: str | None = None
    min: float | int | None = None
    max: float | int | None = None
    regex: str | None = None
    accepted_values: list[str] | None = None  # for strings that are enum-like by agreement
    min_items: int | None = None  # an array's fewest elements (or a Mongoose length validator)
    max_items: int | None = None  # an array's most elements
    severity: Literal["error", "warn"] | None = None

    @field_validator("regex")
    @classmethod
    def _regex_compiles(cls, v: str | None) -> str | None:
        if v is not None:
            re.compile(v)
        return v

    @model_validator(mode="after")
    def _type_details(self) -> Column:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum column needs `values`")
        if self.type == "list" and self.items is None:
            raise ValueError("a list column needs `items` (the element type)")
        return self


DERIVED_COLUMN_KEYS = frozenset(
    {
        "type",
        "nullable",
        "unique",
        "default",
        "values",
        "enum_name",
        "items",
        "precision",
        "scale",
        "references",
        "field",
        "db_type",
        "db_default",
        "updated_at",
        "bson_types",
        "presence",
        "declared",
        "min_length",
        "max_length",
        "required_if",
        "added_by",
    }
)
# the keys of a Mongoose-declared column (`declared` set) that the model states; a sample
# merged into the contract keeps them (see merge.py)
DECLARED_COLUMN_KEYS = frozenset(
    {
        "type",
        "nullable",
        "unique",
        "default",
        "values",
        "items",
        "references",
        "min",
        "max",
        "regex",
        "min_items",
        "max_items",
        "declared",
        "min_length",
        "max_length",
        "required_if",
    }
)


class Source(_Strict):
    kind: Literal["postgres", "mongodb"]
    schema_: str | None = Field(default=None, alias="schema")  # Postgres schema
    table: str | None = None  # Postgres table (after @@map)
    database: str | None = None  # Mongo database
    collection: str | None = None  # Mongo collection
    view: bool = False  # a Prisma `view` block

    @property
    def object_name(self) -> str:
        """Name of the object in the source and in the lake's partition path."""
        return self.table or self.collection or ""


class Index(_Strict):
    name: str
    columns: list[str]
    unique: bool = False


class ForeignKey(_Strict):
    name: str
    columns: list[str]
    references: str  # contract name
    ref_columns: list[str]
    on_delete: str | None = None
    on_update: str | None = None


class Freshness(_Strict):
    column: str
    max_age: str
    severity: Literal["error", "warn"] = "error"

    @field_validator("max_age")
    @classmethod
    def _duration(cls, v: str) -> str:
        parse_duration(v)
        return v


class Volume(_Strict):
    min_rows: int | None = None
    max_change: float | None = None  # allowed relative change vs the trailing baseline
    severity: Literal["error", "warn"] = "error"


class Rule(_Strict):
    name: str
    sql: str  # a boolean SQL expression over the row, true = row passes
    severity: Literal["error", "warn"] = "error"
    description: str | None = None


class Mongo(_Strict):
    """What sampling learnt about a collection as a whole."""

    sample_size: int | None = None
    schema_version_field: str | None = None
    schema_versions: dict[str, float] | None = None  # version -> share of the sample
    required_ratio: float = 0.99
    # hand: schema version -> date (YYYY-MM-DD) after which its documents must be gone
    retire_after: dict[str, date] | None = None


class Mongoose(_Strict):
    """Where a Mongo contract's declared facts come from: a Mongoose model."""

    model: str
    file: str  # the model file, as given on the command line (posix)
    line: int
    collection_from: Literal["option", "model()", "pluralised"] = "pluralised"
    strict: bool | Literal["throw"] = True
    version_key: str | None = None  # None: versionKey: false
    timestamps: list[str] = Field(default_factory=list)  # createdAt/updatedAt names in use
    not_applied: list[str] = Field(default_factory=list)  # plugins, discriminators, add()
    unresolved: list[str] = Field(default_factory=list)  # what could not be evaluated


class Contract(_Strict):
    # --- managed ---
    contract: str
    version: int = 1
    fingerprint: str | None = None
    # --- derived ---
    source: Source
    primary_key: list[str] = Field(default_factory=list)
    columns: dict[str, Column]
    unique_keys: list[list[str]] = Field(default_factory=list)  # compound @@unique
    indexes: list[Index] = Field(default_factory=list)
    foreign_keys: list[ForeignKey] = Field(default_factory=list)
    mongo: Mongo | None = None
    # --- declared (derive mongoose; kept when a sample is merged in) ---
    mongoose: Mongoose | None = None
    # --- hand ---
    description: str | None = None
    owner: str | None = None
    consumers: list[str] = Field(default_factory=list)  # gold tables that read it
    freshness: Freshness | None = None
    volume: Volume | None = None
    rules: list[Rule] = Field(default_factory=list)
    # lake columns no contract column describes: warn (default) or forbid (an error)
    extra_columns: Literal["warn", "forbid"] | None = None
    metrics: MetricsConfig | None = None  # column metrics and anomaly judging (on by default)
    # where the contract was read from, for error messages: {"path": ..., "rules": {name: line}}
    _origin: dict[str, Any] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _keys_exist(self) -> Contract:
        for col in self.primary_key:
            if col not in self.columns:
                raise ValueError(f"primary_key column {col!r} is not in columns")
        for key in self.unique_keys:
            for col in key:
                if col not in self.columns:
                    raise ValueError(f"unique_keys column {col!r} is not in columns")
        if self.freshness and self.freshness.column not in self.columns:
            raise ValueError(f"freshness column {self.freshness.column!r} is not in columns")
        for col in self.metrics.unknown_columns(set(self.columns)) if self.metrics else []:
            raise ValueError(f"metrics names column {col!r}, which is not in columns")
        return self

    @property
    def object_name(self) -> str:
        return self.source.object_name

    def __eq__(self, other: object) -> bool:
        """Contracts are equal when their content is; where one was read from does not count."""
        if not isinstance(other, Contract):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    __hash__ = None  # mutable, like every pydantic model

    def rule_location(self, name: str) -> str | None:
        """`contracts/Order.yaml:42` for a rule of a contract read from a file."""
        path = self._origin.get("path")
        if not path:
            return None
        line = self._origin.get("rules", {}).get(name)
        return f"{path}:{line}" if line else str(path)

    def column_by_field(self, field: str) -> tuple[str, Column] | None:
        """Find a column by its Prisma field name (or its column name)."""
        for name, col in self.columns.items():
            if (col.field or name) == field:
                return name, col
        return None

    def references(self) -> list[ForeignKey]:
        """Every foreign key, whether spelt as a column's `references` or at contract level."""
        fks = list(self.foreign_keys)
        covered = {tuple(fk.columns) for fk in fks}
        for name, col in self.columns.items():
            if col.references and (name,) not in covered:
                target, _, target_col = col.references.partition(".")
                fks.append(
                    ForeignKey(
                        name=f"{self.object_name}_{name}_fkey",
                        columns=[name],
                        references=target,
                        ref_columns=[target_col or "id"],
                    )
                )
        return fks


DERIVED_CONTRACT_KEYS = frozenset(
    {"source", "primary_key", "columns", "unique_keys", "indexes", "foreign_keys", "mongo"}
)
HAND_CONTRACT_KEYS = frozenset(
    {"description", "owner", "consumers", "freshness", "volume", "rules", "extra_columns",
     "metrics"}
)


def contract_from_dict(data: dict[str, Any]) -> Contract:
    return Contract.model_validate(data)


# where editors find the schema of a contract file: the copy committed with the docs
# (`scripts/gen_docs.py` writes it; `wdguard contracts schema` prints the same document)
SCHEMA_FILE = "docs/reference/contract.schema.json"


def _field_notes(cls: type[BaseModel]) -> dict[str, str]:
    """Field name -> the comment the model's source gives it (trailing, or on the lines
    above), with its `--- derived ---` / `--- hand ---` group: the schema's descriptions,
    so an editor's hover says what the reviewers read here."""
    import inspect

    notes: dict[str, str] = {}
    group, pending = "", []
    for line in inspect.getsource(cls).splitlines()[1:]:
        text = line.strip()
        if m := re.match(r"# --- (\w+)", text):
            group, pending = m.group(1), []
        elif text.startswith("#"):
            pending.append(text.lstrip("# "))
        elif m := re.match(r"(\w+):[^#]*(?:#\s*(.*))?$", text):
            name = cls.model_fields[m.group(1)].alias or m.group(1) \
                if m.group(1) in cls.model_fields else None
            words = " ".join([*pending, m.group(2) or ""]).strip()
            if name:
                notes[name] = (f"[{group}] {words}" if group else words).strip()
            pending = []
        else:
            pending = []
    return {k: v for k, v in notes.items() if v}


def contract_json_schema() -> dict[str, Any]:
    """The JSON Schema of a contract file (validation mode: what may be written)."""
    schema = Contract.model_json_schema(mode="validation")
    schema["title"] = "wdguard contract"
    schema.setdefault(
        "description",
        "One table or collection of the WasteDump pipeline: what it must look like.",
    )
    models = {"Contract": schema} | schema.get("$defs", {})
    from wdguard.contracts import metrics_config as mc

    for cls in (Contract, Column, Source, Index, ForeignKey, Freshness, Volume, Rule, Mongo,
                Mongoose, mc.MetricsConfig, mc.ColumnMetrics, mc.AnomalyConfig):
        props = models.get(cls.__name__, {}).get("properties", {})
        for name, note in _field_notes(cls).items():
            if name in props and "description" not in props[name]:
                props[name]["description"] = note
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
