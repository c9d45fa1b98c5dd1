"""What sampled Mongo documents look like, and the contract that states it.

Mongoose keeps no schema in the database, so the shape is learnt from the documents.
`profile(docs)` walks every document once and counts, per field path, the BSON types seen
(`items[].productId` for fields of array elements, `tags[]` for the elements themselves),
the distinct strings of each path (capped, for enum-like detection) and the mix of schema
versions. `to_contract(...)` turns that profile into a `Contract` in the same model as the
Prisma contracts; `wdguard drift mongo` compares a fresh profile with a committed contract.

Speed matters (100,000 documents in well under 2 s): one recursive pass, counters in plain
dicts keyed by path, the BSON type name looked up by the value's exact class.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bson import Binary, Code, Decimal128, Int64, MaxKey, MinKey, ObjectId, Regex, Timestamp
from bson.dbref import DBRef

from wdguard.contracts.model import Column, Contract, Mongo, Source

# BSON type names as MongoDB's `$type` spells them, by the Python class pymongo decodes to
_TYPE_OF_CLASS: dict[type, str] = {
    str: "string",
    float: "double",
    bool: "bool",
    type(None): "null",
    dict: "object",
    list: "array",
    tuple: "array",
    dt.datetime: "date",
    ObjectId: "objectId",
    Decimal128: "decimal",
    Int64: "long",
    bytes: "binData",
    Binary: "binData",
    uuid.UUID: "binData",
    Regex: "regex",
    re.Pattern: "regex",
    Timestamp: "timestamp",
    Code: "javascript",
    MinKey: "minKey",
    MaxKey: "maxKey",
    DBRef: "dbPointer",
}
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# distinct strings remembered per path; past this a path is free text, not enum-like
DISTINCT_CAP = 256
VERSION_FIELDS = ("schemaVersion", "__v")
MISSING = "(missing)"  # the version label of documents without the version field


def bson_type(value: Any) -> str:
    """The BSON type name of a decoded value (`int` vs `long` as BSON would encode it)."""
    cls = value.__class__
    name = _TYPE_OF_CLASS.get(cls)
    if name is not None:
        return name
    if cls is int:
        return "int" if _INT32_MIN <= value <= _INT32_MAX else "long"
    if isinstance(value, dict):  # SON, RawBSONDocument-like mappings
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, int):
        return "long" if isinstance(value, Int64) else "int"
    for klass, tname in _TYPE_OF_CLASS.items():
        if isinstance(value, klass):
            return tname
    return "unknown"


@dataclass
class Profile:
    """Counts from one pass over sampled documents."""

    documents: int = 0
    types: dict[str, dict[str, int]] = field(default_factory=dict)  # path -> type -> count
    distinct: dict[str, set[str] | None] = field(default_factory=dict)  # None: over the cap
    not_uuid: set[str] = field(default_factory=set)  # string paths with a non-UUID value
    version_field: str | None = None
    versions: dict[str, int] = field(default_factory=dict)

    def count(self, path: str) -> int:
        """Values seen at the path (null included)."""
        return sum(self.types.get(path, {}).values())

    def non_null(self, path: str) -> int:
        counts = self.types.get(path, {})
        return sum(counts.values()) - counts.get("null", 0)

    def parent_count(self, path: str) -> int:
        """How many places the path could have appeared in (documents, objects, elements)."""
        if path.endswith("[]"):
            return self.count(path)
        parent, dot, _ = path.rpartition(".")
        if not dot:
            return self.documents
        return self.types.get(parent, {}).get("object", 0)

    def presence(self, path: str) -> float:
        total = self.parent_count(path)
        return self.count(path) / total if total else 0.0

    def present_non_null(self, path: str) -> float:
        total = self.parent_count(path)
        return self.non_null(path) / total if total else 0.0

    def is_uuid(self, path: str) -> bool:
        return path not in self.not_uuid and bool(self.types.get(path, {}).get("string"))


def profile(docs: Iterable[dict[str, Any]], version_field: str | None = None) -> Profile:
    """Walk every document once; see the module docstring for what is counted."""
    prof = Profile()
    types = prof.types
    distinct = prof.distinct
    not_uuid = prof.not_uuid
    type_of = _TYPE_OF_CLASS.get
    uuid_match = _UUID.match

    def visit(path: str, value: Any) -> None:
        tname = type_of(value.__class__)
        if tname is None:
            tname = bson_type(value)
        counts = types.get(path)
        if counts is None:
            counts = types[path] = {}
            distinct[path] = set()
        counts[tname] = counts.get(tname, 0) + 1
        if tname == "string":
            seen = distinct[path]
            if seen is not None:
                seen.add(value)
                if len(seen) > DISTINCT_CAP:
                    distinct[path] = None
            if path not in not_uuid and (len(value) != 36 or uuid_match(value) is None):
                not_uuid.add(path)
        elif tname == "object":
            prefix = path + "."
            for key, sub in value.items():
                visit(prefix + key, sub)
        elif tname == "array":
            element = path + "[]"
            for sub in value:
                visit(element, sub)

    # the version field is top level; count every candidate, keep the one in use
    candidates = (version_field,) if version_field else VERSION_FIELDS
    version_counts: dict[str, dict[str, int]] = {f: {} for f in candidates}
    n = 0
    for doc in docs:
        n += 1
        for key, value in doc.items():
            visit(key, value)
        for fname, vcounts in version_counts.items():
            version = doc.get(fname, MISSING)
            label = version if version.__class__ is str else str(version)
            vcounts[label] = vcounts.get(label, 0) + 1
    prof.documents = n
    chosen = version_field or next((f for f in VERSION_FIELDS if f in types), None)
    prof.version_field = chosen
    if chosen is not None:
        prof.versions = version_counts[chosen]
    return prof


@dataclass(frozen=True)
class InferOptions:
    """Knobs of inference; defaults are documented in the README's mongo section."""

    required_ratio: float = 0.99  # present and non-null in at least this share -> required
    enum_max_distinct: int = 20  # a string path with at most this many distinct values ...
    enum_max_ratio: float = 0.1  # ... that is at most this share of its values is enum-like
    enum_min_count: int = 20  # ... and was seen at least this often
    version_field: str | None = None  # schema-version field; None: schemaVersion, then __v


_NUMERIC_WIDEST = (("decimal", "decimal"), ("double", "float"), ("long", "bigint"))
_SINGLE = {
    "int": "integer",
    "long": "bigint",
    "double": "float",
    "decimal": "decimal",
    "bool": "boolean",
    "date": "timestamp",
    "timestamp": "timestamp",
    "objectId": "string",
    "binData": "bytes",
    "object": "object",
    "array": "list",
    "string": "string",
}
_NUMERIC = {"int", "long", "double", "decimal"}


def logical_type(prof: Profile, path: str, options: InferOptions) -> str:
    """The contract's logical type for a path, from the BSON types seen there."""
    seen = {t for t in prof.types.get(path, {}) if t != "null"}
    if not seen:
        return "json"
    if seen <= _NUMERIC and len(seen) > 1:
        for bson, logical in _NUMERIC_WIDEST:
            if bson in seen:
                return logical
    if len(seen) > 1:
        return "json"
    (only,) = seen
    if only == "string":
        if prof.is_uuid(path):
            return "uuid"
        if enum_values(prof, path, options) is not None:
            return "enum"
    return _SINGLE.get(only, "json")


def enum_values(prof: Profile, path: str, options: InferOptions) -> list[str] | None:
    """The observed values of an enum-like string path, sorted; None when not enum-like."""
    values = prof.distinct.get(path)
    count = prof.types.get(path, {}).get("string", 0)
    if not values or count < options.enum_min_count or prof.is_uuid(path):
        return None
    if len(values) > options.enum_max_distinct or len(values) > options.enum_max_ratio * count:
        return None
    return sorted(values)


def _share(part: int, whole: int) -> float:
    """A ratio rounded to 2 decimals, never rounded away to 0 when something was seen."""
    if not whole:
        return 0.0
    ratio = round(part / whole, 2)
    return 0.01 if part and ratio == 0 else ratio


def _order(path: str) -> tuple[bool, list[str]]:
    """`_id` first, then by path segments, so children follow their parent."""
    return (path != "_id", path.split("."))


def to_contract(
    prof: Profile,
    *,
    name: str,
    database: str,
    collection: str,
    options: InferOptions | None = None,
) -> Contract:
    """A contract stating what the sample showed (volatile counts stored as 2-decimal shares)."""
    options = options or InferOptions()
    columns: dict[str, Column] = {}
    for path in sorted(prof.types, key=_order):
        counts = prof.types[path]
        total = sum(counts.values())
        ltype = logical_type(prof, path, options)
        spec: dict[str, Any] = {
            "type": ltype,
            "nullable": prof.present_non_null(path) < options.required_ratio,
            "bson_types": {t: _share(c, total) for t, c in sorted(counts.items())},
        }
        if not path.endswith("[]"):
            spec["presence"] = round(prof.presence(path), 2)
        if ltype == "enum":
            spec["values"] = enum_values(prof, path, options)
        if ltype == "list":
            element = path + "[]"
            known = element in prof.types
            items = logical_type(prof, element, options) if known else "json"
            # an array of arrays (GeoJSON polygons) has no one-level element type: json
            spec["items"] = "json" if items == "list" else items
        if path == "_id":
            spec["unique"] = True
        columns[path] = Column(**spec)
    versions = None
    if prof.version_field and prof.versions:
        total = sum(prof.versions.values())
        versions = {v: _share(c, total) for v, c in sorted(prof.versions.items(), key=_vkey)}
    mongo = Mongo(
        sample_size=prof.documents,
        schema_version_field=prof.version_field,
        schema_versions=versions,
        required_ratio=options.required_ratio,
    )
    return Contract(
        contract=name,
        source=Source(kind="mongodb", database=database, collection=collection),
        primary_key=["_id"] if "_id" in columns else [],
        columns=columns,
        mongo=mongo,
    )


def _vkey(item: tuple[str, int]) -> tuple[int, float | str]:
    """Versions sort numerically when they are numbers ("2" before "10")."""
    try:
        return (0, float(item[0]))
    except ValueError:
        return (1, item[0])


def stat_tolerance(sample_size: int | None) -> float:
    """How far a share may move between two samples of an unchanged collection: three
    standard errors of a proportion at worst (1.5/sqrt(n)), kept within [0.02, 0.1]."""
    if not sample_size:
        return 0.02
    return min(0.1, max(0.02, 1.5 / math.sqrt(sample_size)))


def keep_stable_stats(old: Contract | None, new: Contract, tolerance: float | None = None
                      ) -> Contract:
    """Keep the committed sample statistics when the shape did not change and the new
    figures are within sampling noise (`stat_tolerance`): a re-sample then rewrites a
    byte-identical file and a PR shows only real changes. (Call after `merge`, which sets
    the fingerprint.)"""
    if old is None or old.fingerprint != new.fingerprint:
        return new
    if tolerance is None:
        tolerance = stat_tolerance(new.mongo.sample_size if new.mongo else None)

    def close(a: dict[str, float] | None, b: dict[str, float] | None) -> bool:
        return bool(a and b) and a.keys() == b.keys() and all(
            abs(a[k] - b[k]) <= tolerance for k in a
        )

    columns = {}
    for name, col in new.columns.items():
        prev = old.columns.get(name)
        update: dict[str, Any] = {}
        if prev is not None:
            if (prev.presence is not None and col.presence is not None
                    and abs(prev.presence - col.presence) <= tolerance):
                update["presence"] = prev.presence
            if close(prev.bson_types, col.bson_types):
                update["bson_types"] = prev.bson_types
        columns[name] = col.model_copy(update=update) if update else col
    mongo = new.mongo
    if mongo is not None and old.mongo is not None:
        update = {}
        if close(old.mongo.schema_versions, mongo.schema_versions):
            update["schema_versions"] = old.mongo.schema_versions
        before, now = old.mongo.sample_size or 0, mongo.sample_size or 0
        if before and abs(now - before) <= tolerance * before:
            update["sample_size"] = before
        mongo = mongo.model_copy(update=update)
    return new.model_copy(update={"columns": columns, "mongo": mongo})
