"""Re-deriving without losing review work.

`merge(existing, derived)` keeps every hand-written key of the existing contract (and of
each column still present), takes the derived part from the new derivation, stores a
fingerprint of the derived part, and bumps `version` only when that fingerprint changed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from wdguard.contracts.model import (
    DECLARED_COLUMN_KEYS,
    DERIVED_COLUMN_KEYS,
    DERIVED_CONTRACT_KEYS,
    Contract,
)

# what a Mongo sample observes about a path (kept next to a model's declared facts)
OBSERVED_COLUMN_KEYS = frozenset({"bson_types", "presence"})
# Sample statistics move on every Mongo sample; they are recorded but are not "shape".
_VOLATILE_COLUMN_KEYS = {"presence"}
_VOLATILE_MONGO_KEYS = {"sample_size"}
# Mongoose-declared keys enter the fingerprint only when set: contracts that have none
# keep the fingerprints they were written with
_DECLARED_ONLY_KEYS = {"declared", "min_length", "max_length", "required_if", "min_items",
                       "max_items"}
# likewise a column's `added_by` (most columns arrived with their table)
_SET_ONLY_KEYS = _DECLARED_ONLY_KEYS | {"added_by"}
# hand-written keys inside the derived `mongo:` section (kept on re-derive, not fingerprinted)
_HAND_MONGO_KEYS = {"retire_after"}


def derived_view(contract: Contract) -> dict[str, Any]:
    """The derived part of a contract, as plain data, for fingerprinting and diffing."""
    data = contract.model_dump(mode="json", by_alias=True)
    view: dict[str, Any] = {k: data[k] for k in sorted(DERIVED_CONTRACT_KEYS) if k in data}
    sampled = contract.source.kind == "mongodb"
    view["columns"] = {
        name: {
            k: (sorted(v) if k == "bson_types" and isinstance(v, dict) else v)
            # a reference on a sampled Mongo path is a reviewer's, not the sample's shape
            if not (sampled and k == "references" and not col.get("declared")) else None
            for k, v in sorted(col.items())
            if (k in DERIVED_COLUMN_KEYS or col.get("declared") and k in DECLARED_COLUMN_KEYS)
            and k not in _VOLATILE_COLUMN_KEYS and not (v is None and k in _SET_ONLY_KEYS)
        }
        for name, col in sorted(data["columns"].items())
    }
    if view.get("mongo"):
        mongo = {
            k: v
            for k, v in view["mongo"].items()
            if k not in _VOLATILE_MONGO_KEYS and k not in _HAND_MONGO_KEYS
        }
        if isinstance(mongo.get("schema_versions"), dict):
            mongo["schema_versions"] = sorted(mongo["schema_versions"])
        view["mongo"] = mongo
    return view


def fingerprint(contract: Contract) -> str:
    canonical = json.dumps(derived_view(contract), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:16]


def merge(existing: Contract | None, derived: Contract) -> Contract:
    """The contract to write: derived shape + existing hand edits + managed version."""
    new_fp = fingerprint(derived)
    if existing is None:
        return derived.model_copy(update={"version": 1, "fingerprint": new_fp})

    old = existing.model_dump(by_alias=True, exclude_unset=True)
    new = derived.model_dump(by_alias=True, exclude_unset=True)
    merged: dict[str, Any] = {"contract": derived.contract}
    for key, value in new.items():
        if key in DERIVED_CONTRACT_KEYS and key != "columns":
            merged[key] = value
    old_mongo = old.get("mongo") or {}
    if merged.get("mongo") is not None:
        for key in _HAND_MONGO_KEYS:
            if old_mongo.get(key) is not None and merged["mongo"].get(key) is None:
                merged["mongo"][key] = old_mongo[key]
    # hand keys at contract level survive
    for key, value in old.items():
        if key not in DERIVED_CONTRACT_KEYS and key not in ("contract", "version", "fingerprint"):
            merged[key] = value
    # columns: derived keys from the new derivation, hand keys from the old file
    columns: dict[str, Any] = {}
    old_columns = old.get("columns", {})
    for name, col in new["columns"].items():
        kept = {
            k: v for k, v in old_columns.get(name, {}).items() if k not in DERIVED_COLUMN_KEYS
        }
        derived_keys = {k: v for k, v in col.items() if k in DERIVED_COLUMN_KEYS}
        # a sample cannot see a reference (`items[].productId -> Product.id`): a reviewer's
        ref = old_columns.get(name, {}).get("references")
        if derived.source.kind == "mongodb" and ref and "references" not in derived_keys:
            kept["references"] = ref
        # a description from `///` docs is derived only when nobody wrote one by hand
        if "description" in col and "description" not in kept:
            kept["description"] = col["description"]
        columns[name] = {**derived_keys, **kept}
    declared = {n: c for n, c in old_columns.items() if c.get("declared")}
    if declared:  # a Mongoose-derived contract: its declared facts are the contract
        columns = _keep_declared(declared, columns)
        if old.get("indexes"):
            merged["indexes"] = old["indexes"]
        if old.get("primary_key") and all(k in columns for k in old["primary_key"]):
            merged["primary_key"] = old["primary_key"]
    merged["columns"] = columns
    if "description" not in merged and derived.description:
        merged["description"] = derived.description

    if declared:
        new_fp = fingerprint(Contract.model_validate({**merged, "version": 1}))
    changed = existing.fingerprint != new_fp
    merged["version"] = existing.version + 1 if changed else existing.version
    merged["fingerprint"] = new_fp
    result = Contract.model_validate(merged)
    # a hand rule naming a dropped column is the reviewer's call; the model does not check it
    return result


def _order(path: str) -> tuple[bool, list[str]]:
    return (path != "_id", path.split("."))


def _keep_declared(declared: dict[str, dict[str, Any]], sampled: dict[str, dict[str, Any]]
                   ) -> dict[str, dict[str, Any]]:
    """Columns of a sample merged into a Mongoose-derived contract: a declared column
    keeps every declared fact and takes only what the sample observed (BSON types,
    presence); a path only the sample has is added as observed; a declared path the
    sample did not see stays (the model still declares it)."""
    out = dict(sampled)
    for name, old in declared.items():
        new = sampled.get(name, {})
        column = {k: v for k, v in old.items() if k in DECLARED_COLUMN_KEYS}
        column.update({k: v for k, v in new.items() if k in OBSERVED_COLUMN_KEYS})
        column.update({k: v for k, v in old.items()
                       if k not in DERIVED_COLUMN_KEYS and k not in DECLARED_COLUMN_KEYS})
        out[name] = column
    return {name: out[name] for name in sorted(out, key=_order)}


def merge_declared(existing: Contract | None, derived: Contract) -> Contract:
    """The contract to write when re-deriving from a Mongoose model: the model's declared
    facts replace the old declared ones; what samples observed (BSON types, presence,
    the `mongo:` statistics, paths the model does not declare) and hand edits stay. A
    declared path the model dropped stays only as an observed one (when it was sampled).
    The version is bumped when the fingerprint changes."""
    if existing is None:
        return derived.model_copy(update={"version": 1, "fingerprint": fingerprint(derived)})
    old = existing.model_dump(by_alias=True, exclude_unset=True)
    new = derived.model_dump(by_alias=True, exclude_unset=True)
    merged: dict[str, Any] = {"contract": derived.contract}
    for key, value in new.items():
        if key in DERIVED_CONTRACT_KEYS or key == "mongoose":
            merged[key] = value
    if existing.source.database and not derived.source.database:
        merged["source"]["database"] = existing.source.database
    if old.get("mongo") is not None:
        merged["mongo"] = old["mongo"]
    for key, value in old.items():
        if (key not in DERIVED_CONTRACT_KEYS
                and key not in ("contract", "version", "fingerprint", "mongoose")):
            merged[key] = value
    old_columns = old.get("columns", {})
    columns: dict[str, Any] = {}
    for name, col in new["columns"].items():
        prev = old_columns.get(name, {})
        column = {k: v for k, v in col.items() if k in DECLARED_COLUMN_KEYS}
        column.update({k: v for k, v in prev.items() if k in OBSERVED_COLUMN_KEYS})
        column.update({k: v for k, v in prev.items()
                       if k not in DERIVED_COLUMN_KEYS and k not in column})
        columns[name] = column
    for name, prev in old_columns.items():
        if name in columns:
            continue
        if prev.get("declared"):
            if not prev.get("bson_types"):
                continue  # declared once, never sampled, no longer declared: gone
            prev = {k: v for k, v in prev.items()
                    if k not in DECLARED_COLUMN_KEYS or k in ("type", "items", "values")}
            prev["nullable"] = True
        columns[name] = prev
    merged["columns"] = {name: columns[name] for name in sorted(columns, key=_order)}
    result = Contract.model_validate({**merged, "version": 1})
    new_fp = fingerprint(result)
    changed = existing.fingerprint != new_fp
    return result.model_copy(update={
        "version": existing.version + 1 if changed else existing.version,
        "fingerprint": new_fp,
    })
