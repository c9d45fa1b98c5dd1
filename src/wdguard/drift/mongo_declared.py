"""Declared vs observed: a Mongoose-derived contract's declared facts against a sample.

A declared fact is not a statistic: one document that breaks it is a finding. So unlike
the sample-vs-sample comparisons of `mongo_diff.py`, these report any violation, with
its share of the sampled places: an undeclared field (MGD112), a required field absent
or null (MGD113), a value outside the declared enum (MGD114), a BSON type the declared
SchemaType does not store (MGD115). Paths under a declared `Mixed` or `Map` may hold
anything and are not reported.
"""

from __future__ import annotations

from wdguard.contracts.model import Column, Contract
from wdguard.contracts.mongo_infer import Profile
from wdguard.drift.mongo_kinds.mgd112_field_undeclared import FieldUndeclared
from wdguard.drift.mongo_kinds.mgd113_required_field_absent import RequiredFieldAbsent
from wdguard.drift.mongo_kinds.mgd114_enum_value_undeclared import EnumValueUndeclared
from wdguard.drift.mongo_kinds.mgd115_field_type_undeclared import FieldTypeUndeclared
from wdguard.findings import Finding

# BSON types a declared SchemaType stores (None: anything); null is judged by `required`
BSON_OF: dict[str, set[str] | None] = {
    "String": {"string"},
    "Number": {"int", "long", "double"},
    "Double": {"double", "int"},
    "Int32": {"int"},
    "Date": {"date"},
    "Boolean": {"bool"},
    "Buffer": {"binData"},
    "ObjectId": {"objectId"},
    "Mixed": None,
    "Map": {"object"},
    "Decimal128": {"decimal"},
    "UUID": {"binData"},
    "BigInt": {"long"},
    "Array": {"array"},
    "Subdocument": {"object"},
    "Nested": {"object"},
}
FREE_FORM = {"Mixed", "Map"}  # children of these paths are not declared one by one
CONTAINERS = {"Nested", "Subdocument", "Array"}  # the declared types that have children


def parent_path(path: str) -> str | None:
    if path.endswith("[]"):
        return path[:-2]
    parent, dot, _ = path.rpartition(".")
    return parent if dot else None


def declared_columns(contract: Contract) -> dict[str, Column]:
    return {p: c for p, c in contract.columns.items() if c.declared}


def _places(prof: Profile, path: str) -> tuple[int, str]:
    count = prof.parent_count(path)
    parent = parent_path(path)
    if parent is None:
        return count, f"{count} sampled documents"
    if parent.endswith("[]"):
        return count, f"{count} sampled {parent} elements"
    return count, f"{count} sampled {parent} objects"


def _free(path: str, declared: dict[str, Column]) -> bool:
    """Is the path under a declared Mixed/Map (or itself an element of a Mixed array)?"""
    parent = parent_path(path)
    while parent is not None:
        col = declared.get(parent)
        if col is not None and col.declared in FREE_FORM:
            return True
        parent = parent_path(parent)
    return False


def undeclared(contract: Contract, prof: Profile, declared: dict[str, Column]
               ) -> list[Finding]:
    """MGD112 at the topmost path of each undeclared subtree present in the sample."""
    out: list[Finding] = []
    present = set(prof.types)
    for path in prof.types:
        if path in declared or _free(path, declared):
            continue
        parent = parent_path(path)
        if parent is not None and parent in present and parent not in declared:
            continue  # reported at the parent
        if parent in declared and declared[parent].declared not in CONTAINERS:
            continue  # an object where a scalar is declared: the parent's type finding
        count, where = _places(prof, path)
        share = prof.presence(path) if not path.endswith("[]") else 1.0
        types = "/".join(sorted(prof.types[path]))
        model = contract.mongoose.model if contract.mongoose else contract.contract
        out.append(
            FieldUndeclared.finding(
                f"{path} ({types}) is in {share:.0%} of {where}; "
                f"model {model} does not declare it",
                object=contract.contract,
                column=path,
                details={"share": round(share, 4), "sampled": count,
                         "bson_types": prof.types[path]},
            )
        )
    return out


def check_declared(contract: Contract, prof: Profile, path: str, col: Column
                   ) -> list[Finding]:
    """MGD113-115 for one declared column (present in the sample or not)."""
    out: list[Finding] = []
    obj = contract.contract
    count, where = _places(prof, path)
    if not col.nullable and not path.endswith("[]") and count:
        missing = count - prof.non_null(path)
        if missing > 0:
            share = missing / count
            out.append(
                RequiredFieldAbsent.finding(
                    f"required field {path} is absent or null in {share:.1%} of {where} "
                    f"({missing})",
                    object=obj,
                    column=path,
                    details={"share": round(share, 4), "absent_or_null": missing,
                             "sampled": count},
                )
            )
    counts = prof.types.get(path)
    if not counts:
        return out
    accepted = BSON_OF.get(col.declared or "")
    if accepted is not None:
        bad = {t: n for t, n in sorted(counts.items()) if t != "null" and t not in accepted}
        if bad:
            seen = ", ".join(f"{t} x{n}" for t, n in bad.items())
            out.append(
                FieldTypeUndeclared.finding(
                    f"{path}: declared {col.declared} ({'/'.join(sorted(accepted))}) "
                    f"but the sample holds {seen}",
                    object=obj,
                    column=path,
                    details={"declared": col.declared, "accepted": sorted(accepted),
                             "found": bad},
                )
            )
    if col.type == "enum" and col.values:
        observed = prof.distinct.get(path)
        listed = set(col.values)
        if observed is None:
            out.append(
                EnumValueUndeclared.finding(
                    f"{path}: the model declares {len(listed)} values; the sample holds "
                    "hundreds of distinct strings",
                    object=obj,
                    column=path,
                    details={"declared": list(col.values)},
                )
            )
        else:
            outside = sorted(observed - listed)
            if outside:
                out.append(
                    EnumValueUndeclared.finding(
                        f"{path}: value(s) outside the declared enum: "
                        f"{', '.join(map(repr, outside))}",
                        object=obj,
                        column=path,
                        details={"values": outside, "declared": list(col.values)},
                    )
                )
    return out
