"""Delta's schema JSON as fields, and what changed from one schema to the next.

A change is classed from the reader's side, as the design's compatibility table says: a
column added is compatible, dropped or renamed is breaking, a type widened inside its
family (Delta's type widening: byte < short < int < long, float < double, a decimal's
precision up with its scale kept or raised by no more) is a warning, any other type change
breaking; NOT NULL -> nullable a warning, nullable -> NOT NULL compatible.

Under column mapping (`delta.columnMapping.mode` name or id) each field carries a stable
`delta.columnMapping.id`, so a rename is told apart from a drop plus an add.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

MAPPING_ID = "delta.columnMapping.id"
PHYSICAL_NAME = "delta.columnMapping.physicalName"

_INTEGERS = ("byte", "short", "integer", "long")
_FLOATS = ("float", "double")
_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # `long`, `decimal(10,2)`, or the JSON of a struct/array/map type
    nullable: bool
    mapping_id: int | None = None
    physical_name: str | None = None


def type_text(t: Any) -> str:
    """A Delta type (string or struct/array/map object) as one readable, comparable text."""
    if isinstance(t, str):
        return t
    kind = t.get("type")
    if kind == "struct":
        inner = ", ".join(f"{f['name']}: {type_text(f['type'])}" for f in t.get("fields", []))
        return f"struct<{inner}>"
    if kind == "array":
        return f"array<{type_text(t.get('elementType'))}>"
    if kind == "map":
        return f"map<{type_text(t.get('keyType'))}, {type_text(t.get('valueType'))}>"
    return json.dumps(t, sort_keys=True)


def parse_schema(data: dict[str, Any]) -> list[Field]:
    """Top-level fields of a Delta `schemaString` (already JSON-decoded)."""
    if data.get("type") != "struct":
        raise ValueError("schemaString is not a struct")
    out = []
    for f in data["fields"]:
        meta = f.get("metadata") or {}
        mid = meta.get(MAPPING_ID)
        out.append(Field(
            name=f["name"], type=type_text(f["type"]), nullable=bool(f.get("nullable", True)),
            mapping_id=int(mid) if mid is not None else None,
            physical_name=meta.get(PHYSICAL_NAME),
        ))
    return out


def widens(old: str, new: str) -> bool:
    """True when `new` holds every value of `old` in the same family (a widening)."""
    if old in _INTEGERS and new in _INTEGERS:
        return _INTEGERS.index(new) > _INTEGERS.index(old)
    if old in _FLOATS and new in _FLOATS:
        return _FLOATS.index(new) > _FLOATS.index(old)
    if old in ("byte", "short", "integer") and new == "double":
        return True
    mo, mn = _DECIMAL.match(old), _DECIMAL.match(new)
    if mo and mn:
        po, so, pn, sn = (int(x) for x in (*mo.groups(), *mn.groups()))
        return sn >= so and pn - sn >= po - so and (pn, sn) != (po, so)
    if old in _INTEGERS and mn:
        digits = {"byte": 3, "short": 5, "integer": 10, "long": 20}[old]
        return int(mn.group(1)) - int(mn.group(2)) >= digits
    return old == "date" and new == "timestamp_ntz"


@dataclass(frozen=True)
class Change:
    """One column's change between two schemas: kind in added, dropped, renamed,
    type_widened, type_changed, became_nullable, became_required."""

    kind: str
    column: str
    before: str | None = None
    after: str | None = None


def diff_schemas(old: list[Field], new: list[Field]) -> list[Change]:
    """What changed from `old` to `new`, column by column, in `new`'s order then drops."""
    by_id = {f.mapping_id: f for f in old if f.mapping_id is not None}
    by_name = {f.name: f for f in old}
    seen: set[str] = set()
    out: list[Change] = []
    for f in new:
        prev = by_id.get(f.mapping_id) if f.mapping_id is not None else None
        if prev is None:
            prev = by_name.get(f.name)
            if prev is not None and prev.mapping_id is not None and f.mapping_id is not None \
                    and prev.mapping_id != f.mapping_id:
                prev = None  # same name, another column: the old one was dropped
        if prev is None:
            out.append(Change("added", f.name, None, f.type))
            continue
        seen.add(prev.name)
        if prev.name != f.name:
            out.append(Change("renamed", f.name, prev.name, f.name))
        if prev.type != f.type:
            kind = "type_widened" if widens(prev.type, f.type) else "type_changed"
            out.append(Change(kind, f.name, prev.type, f.type))
        if prev.nullable != f.nullable:
            kind = "became_nullable" if f.nullable else "became_required"
            out.append(Change(kind, f.name))
    out += [Change("dropped", f.name, f.type, None) for f in old if f.name not in seen]
    return out
