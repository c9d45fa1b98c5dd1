"""Mongo drift: a committed contract against a fresh sample's profile.

A sample is evidence, not a census, so every comparison asks what the sample could show:
a field is "missing" only when it was required; an optional field's absence is reported
only when its recorded presence made it near-certain to appear; an enum value not drawn
is information, not a removal. Findings are named to the field path and classed by the
design's compatibility table (see the kinds under `mongo_kinds/`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import wdguard.drift.mongo_kinds  # noqa: F401  (registers the kinds)
from wdguard.contracts.model import Column, Contract
from wdguard.contracts.mongo_infer import Profile, profile
from wdguard.drift import mongo_declared
from wdguard.drift.mongo_kinds.mgd101_field_added import FieldAdded
from wdguard.drift.mongo_kinds.mgd102_field_missing import FieldMissing
from wdguard.drift.mongo_kinds.mgd103_field_presence_dropped import FieldPresenceDropped
from wdguard.drift.mongo_kinds.mgd104_field_type_widened import FieldTypeWidened
from wdguard.drift.mongo_kinds.mgd105_field_type_changed import FieldTypeChanged
from wdguard.drift.mongo_kinds.mgd106_enum_value_added import EnumValueAdded
from wdguard.drift.mongo_kinds.mgd107_enum_value_unseen import EnumValueUnseen
from wdguard.drift.mongo_kinds.mgd108_schema_version_added import SchemaVersionAdded
from wdguard.drift.mongo_kinds.mgd109_schema_version_past_retirement import (
    SchemaVersionPastRetirement,
)
from wdguard.drift.mongo_kinds.mgd110_collection_missing import CollectionMissing
from wdguard.drift.mongo_kinds.mgd111_collection_added import CollectionAdded
from wdguard.drift.mongo_kinds.mgd116_model_without_collection import ModelWithoutCollection
from wdguard.drift.mongo_kinds.mgd117_collection_without_model import CollectionWithoutModel
from wdguard.findings import Finding

# an optional field absent from the sample is reported when P(absent | presence) < this
UNSEEN_PROBABILITY = 0.001
# (contract type, new type) pairs a reader of the contract's type still handles
WIDENING = {
    ("int", "long"),
    ("int", "double"),
    ("long", "double"),
    ("int", "decimal"),
    ("long", "decimal"),
    ("double", "decimal"),
}
# BSON types a hand-written column (no bson_types) accepts, by logical type
_ACCEPTS = {
    "string": {"string", "objectId"},
    "uuid": {"string", "binData"},
    "enum": {"string"},
    "integer": {"int"},
    "bigint": {"int", "long"},
    "float": {"int", "long", "double"},
    "decimal": {"int", "long", "double", "decimal"},
    "boolean": {"bool"},
    "date": {"date"},
    "timestamp": {"date", "timestamp"},
    "bytes": {"binData"},
    "object": {"object"},
    "list": {"array"},
}


def parent_path(path: str) -> str | None:
    """`a.b` -> `a`; `a[].b` -> `a[]`; `a[]` -> `a`; top level -> None."""
    if path.endswith("[]"):
        return path[:-2]
    parent, dot, _ = path.rpartition(".")
    return parent if dot else None


def _places(path: str, count: int) -> str:
    """`300 sampled documents`, `120 sampled photos[] elements`, `80 sampled device objects`."""
    parent = parent_path(path)
    if parent is None:
        return f"{count} sampled documents"
    if parent.endswith("[]"):
        return f"{count} sampled {parent} elements"
    return f"{count} sampled {parent} objects"


def _accepted_types(col: Column) -> set[str] | None:
    """The BSON types the contract allows at a path (None: anything, e.g. `json`)."""
    if col.bson_types:
        return {t for t in col.bson_types if t != "null"}
    return _ACCEPTS.get(col.type)


def diff_collection(
    contract: Contract, prof: Profile, *, today: dt.date | None = None
) -> list[Finding]:
    """Findings for one collection: its contract against a profile of sampled documents."""
    obj = contract.contract
    declared = mongo_declared.declared_columns(contract)
    if prof.documents == 0 and declared:
        model = contract.mongoose.model if contract.mongoose else obj
        return [
            ModelWithoutCollection.finding(
                f"model {model}'s collection {contract.object_name!r} is absent or empty",
                object=obj,
                details={"collection": contract.object_name, "model": model},
            )
        ]
    if prof.documents == 0:
        return [
            CollectionMissing.finding(
                f"collection {contract.object_name!r} is absent or empty: nothing to sample",
                object=obj,
                details={"collection": contract.object_name},
            )
        ]
    findings: list[Finding] = []
    expected = contract.columns
    seen = prof.types
    ratio = contract.mongo.required_ratio if contract.mongo else 0.99
    new_paths = [p for p in seen if p not in expected]
    gone_paths = [p for p in expected if p not in seen]
    gone = set(gone_paths)
    new = set(new_paths)

    if declared:  # declared facts first; sample-vs-contract only for observed columns
        findings.extend(mongo_declared.undeclared(contract, prof, declared))
        for path, col in declared.items():
            findings.extend(mongo_declared.check_declared(contract, prof, path, col))
        new_paths = []
        gone_paths = [p for p in gone_paths if p not in declared]
    for path in new_paths:
        if parent_path(path) in new:
            continue  # reported once, at the topmost new path
        types = sorted(t for t in seen[path])
        where = (
            f"in {prof.presence(path):.0%} of {_places(path, prof.parent_count(path))}"
            if not path.endswith("[]")
            else ""
        )
        findings.append(
            FieldAdded.finding(
                f"new field {path} ({'/'.join(types)}) {where}".strip(),
                object=obj,
                column=path,
                details={"bson_types": seen[path], "presence": round(prof.presence(path), 4)},
            )
        )

    for path in gone_paths:
        finding = _gone(contract, prof, path, gone)
        if finding:
            findings.append(finding)

    for path, col in expected.items():
        if path in seen and path not in declared:
            findings.extend(_present(contract, prof, path, col, ratio))

    findings.extend(_versions(contract, prof, today or dt.date.today()))
    order = {p: i for i, p in enumerate(expected)}
    findings.sort(key=lambda f: (order.get(f.column or "", len(order)), f.column or "", f.code))
    return findings


def _gone(
    contract: Contract, prof: Profile, path: str, gone: set[str]
) -> Finding | None:
    col = contract.columns[path]
    parent = parent_path(path)
    if parent in gone:
        return None  # reported at the parent
    if path.endswith("[]"):
        # no element sampled at all: the arrays were empty (nothing to say) or are no longer
        # arrays (reported at the array's own path as a type change)
        return None
    # could it have appeared? its container must have been sampled as a container
    places = prof.parent_count(path)
    if places == 0:
        return None
    obj = contract.contract
    if not col.nullable:
        return FieldMissing.finding(
            f"required field {path} is in none of {_places(path, places)}",
            object=obj,
            column=path,
            help="rename/removal? re-derive the contract once the pipeline reads the new shape",
            details={"sampled": places},
        )
    presence = col.presence or 0.0
    if presence and (1 - presence) ** places < UNSEEN_PROBABILITY:
        return FieldPresenceDropped.finding(
            f"optional field {path} (presence {presence:.0%} in the contract) "
            f"is in none of {_places(path, places)}",
            object=obj,
            column=path,
            details={"sampled": places, "presence": 0.0, "contract_presence": presence},
        )
    return None


def _present(
    contract: Contract, prof: Profile, path: str, col: Column, ratio: float
) -> list[Finding]:
    obj = contract.contract
    out: list[Finding] = []
    places = prof.parent_count(path)
    if not col.nullable and places:
        share = prof.present_non_null(path)
        if share < ratio:
            out.append(
                FieldPresenceDropped.finding(
                    f"required field {path} is present and non-null in {share:.1%} of "
                    f"{_places(path, places)}; the contract requires >= {ratio:.0%}",
                    object=obj,
                    column=path,
                    details={"sampled": places, "presence": round(share, 4), "required": ratio},
                )
            )
    out.extend(_types(contract, prof, path, col))
    out.extend(_enum(contract, prof, path, col))
    return out


def _types(contract: Contract, prof: Profile, path: str, col: Column) -> list[Finding]:
    accepted = _accepted_types(col)
    if accepted is None:
        return []
    counts = prof.types[path]
    new_types = sorted(t for t in counts if t != "null" and t not in accepted)
    if not new_types:
        return []
    # a field the contract only saw as null gains its first type: a widening, not a change
    breaking = accepted and [
        t for t in new_types if not any((a, t) in WIDENING for a in accepted)
    ]
    kind = FieldTypeChanged if breaking else FieldTypeWidened
    seen = ", ".join(f"{t} x{counts[t]}" for t in new_types)
    verb = "cannot hold" if breaking else "widens to"
    known = "/".join(sorted(accepted)) or "only null"
    return [
        kind.finding(
            f"{path}: contract type {col.type} ({known}) {verb} {seen}",
            object=contract.contract,
            column=path,
            details={
                "contract_types": sorted(accepted),
                "new_types": {t: counts[t] for t in new_types},
            },
        )
    ]


def _enum(contract: Contract, prof: Profile, path: str, col: Column) -> list[Finding]:
    listed = set(col.values or []) | set(col.accepted_values or [])
    if not listed or col.type not in ("enum", "string"):
        return []  # (a list's values live on its `path[]` column)
    observed = prof.distinct.get(path)
    obj = contract.contract
    if observed is None:
        return [
            EnumValueAdded.finding(
                f"{path}: more than {len(listed)} listed values; the sample holds hundreds of "
                "distinct strings (no longer enum-like?)",
                object=obj,
                column=path,
            )
        ]
    out: list[Finding] = []
    added = sorted(observed - listed)
    if added:
        out.append(
            EnumValueAdded.finding(
                f"{path}: value(s) not in the contract: {', '.join(map(repr, added))}",
                object=obj,
                column=path,
                details={"added": added},
            )
        )
    unseen = sorted(listed - observed)
    if unseen:
        out.append(
            EnumValueUnseen.finding(
                f"{path}: listed value(s) not drawn in this sample: "
                f"{', '.join(map(repr, unseen))} (a sample can miss rare values)",
                object=obj,
                column=path,
                details={"unseen": unseen},
            )
        )
    return out


def _versions(contract: Contract, prof: Profile, today: dt.date) -> list[Finding]:
    mongo = contract.mongo
    if mongo is None or not mongo.schema_version_field:
        return []
    field = mongo.schema_version_field
    obj = contract.contract
    out: list[Finding] = []
    known = set(mongo.schema_versions or {})
    for version, count in sorted(prof.versions.items()):  # stable whatever the sample order
        if known and version not in known:
            out.append(
                SchemaVersionAdded.finding(
                    f"{field} = {version} in {count} of {prof.documents} sampled documents; "
                    f"the contract knows {', '.join(sorted(known))}",
                    object=obj,
                    column=field,
                    details={"version": version, "documents": count},
                )
            )
    for version, deadline in sorted((mongo.retire_after or {}).items()):
        count = prof.versions.get(version, 0)
        if count and today > deadline:
            out.append(
                SchemaVersionPastRetirement.finding(
                    f"{field} = {version} still in {count} of {prof.documents} sampled "
                    f"documents, past its retire_after date {deadline.isoformat()}",
                    object=obj,
                    column=field,
                    details={"version": version, "documents": count,
                             "retire_after": deadline.isoformat()},
                )
            )
    return out


def extra_collections(contracted: set[str], present: list[str], database: str,
                      modelled: set[str] | None = None) -> list[Finding]:
    """Collections of the database that no contract describes (compatible); with
    `modelled` (the collections of Mongoose-derived contracts, when there are any), the
    collections no model describes (MGD117, instead of MGD111)."""
    if modelled:
        return [
            CollectionWithoutModel.finding(
                f"collection {name!r} in {database} has no Mongoose model"
                + ("" if name in contracted else " (and no contract)"),
                object=name,
                details={"collection": name, "database": database,
                         "contract": name in contracted},
            )
            for name in present
            if name not in modelled
        ]
    return [
        CollectionAdded.finding(
            f"collection {name!r} in {database} has no contract",
            object=name,
            details={"collection": name, "database": database},
        )
        for name in present
        if name not in contracted
    ]




def drift_collection(
    source: Any,
    contract: Contract,
    *,
    size: int,
    since: dt.datetime | None = None,
    since_field: str | None = None,
    today: dt.date | None = None,
) -> tuple[list[Finding], int]:
    """Sample the contract's collection from `source` (live or Extended JSON) and diff it.

    `since_field` defaults to the contract's freshness column. Returns the findings and
    how many documents were sampled.
    """
    collection = contract.source.collection or contract.contract
    field = since_field or (contract.freshness.column if contract.freshness else None)
    docs = source.sample(collection, size, since if since else None, field if since else None)
    version_field = contract.mongo.schema_version_field if contract.mongo else None
    prof = profile(docs, version_field)
    return diff_collection(contract, prof, today=today), prof.documents
