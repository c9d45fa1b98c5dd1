"""Named corruptions of Mongo array elements, one per kind of element check.

Like `faults.py`, each injector breaks one day's partitions of one collection in one way
and returns the `Fault` saying where, so a test can assert the gate names it. Documents
are edited as they landed: bronze elements are structs (or scalars), silver elements of
sub-document arrays are JSON text, so each layer is edited in its own form.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import polars as pl

from wdguard.checks.elements import INTO, ElementPath, parse
from wdguard.contracts.model import Contract
from wdguard.errors import InputError
from wdguard.sample.common import uuid4s
from wdguard.sample.faults import Fault, _fault, _partitions, _replace, inject, read_partition

DOCS = 3  # documents broken by each injector


def _mongo(contracts: list[Contract], wanted: str | None, ok: Callable[[Contract], bool]):
    for c in contracts:
        if c.source.kind == "mongodb" and (c.contract == wanted or c.object_name == wanted):
            return c
    if wanted:
        raise InputError(f"no Mongo contract {wanted!r}", where="--contract")
    for c in contracts:
        if c.source.kind == "mongodb" and ok(c):
            return c
    raise InputError("no Mongo contract fits this fault")


def _path(c: Contract, column: str | None, ok: Callable[[str], bool]) -> str:
    if column:
        return column
    found = [n for n in c.columns if "[]" in n and ok(n)]
    if not found:
        raise InputError(f"{c.contract} has no array element path for this fault")
    return found[0]


def _container(doc: dict, path: ElementPath, layer: str) -> tuple[Any, list | None]:
    """(where the array lives, the array) of one document row, in the layer's form."""
    if layer == "silver":
        return (doc, path.container), doc.get(path.container)
    top, *rest = path.container.split(".")
    node: Any = doc
    key = top
    for part in rest:
        node = node.get(key)
        if node is None:
            return None, None
        key = part
    return (node, key), node.get(key)


def _edit_first(items: list, steps: tuple, json_text: bool, edit: Callable[[Any], Any]) -> bool:
    """Edit the first element reached by `steps` (INTO first) in `items`; the elements of a
    silver sub-document array are JSON text, decoded and encoded again."""
    rest = steps[1:]
    for i, item in enumerate(items):
        if not rest:
            items[i] = edit(item)
            return True
        if item is None:
            continue
        text = isinstance(item, str) and json_text
        value = json.loads(item) if text else item
        if _edit_in(value, rest, edit):
            items[i] = _dumps(value) if text else value
            return True
    return False


def _dumps(value: Any) -> str:
    """JSON text as Polars' `struct.json_encode` writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _edit_in(value: Any, steps: tuple, edit: Callable[[Any], Any]) -> bool:
    """Apply `edit` to the leaf under `value` (steps after the first INTO)."""
    if not steps:
        return False
    step, rest = steps[0], steps[1:]
    if step is INTO:
        if not isinstance(value, list) or not value:
            return False
        if not rest:
            value[0] = edit(value[0])
            return True
        return any(_edit_in(v, rest, edit) for v in value if v is not None)
    if not isinstance(value, dict):
        return False
    if not rest:
        value[step] = edit(value.get(step))
        return True
    return _edit_in(value.get(step), rest, edit)


def _break_elements(store, date, c: Contract, name: str, layers, edit, *, append=None) -> list:
    """Edit the first element at `name` in DOCS documents of each layer's partition (or,
    with `append`, add that value to their array)."""
    path = parse(name)
    parts = _partitions(store, date, c, layers)
    for layer, p in parts:
        df, manifest = read_partition(store, p)
        rows = df.to_dicts()
        done = 0
        for doc in rows:
            where, items = _container(doc, path, layer)
            if where is None or items is None:
                continue
            items = list(items)
            if append is not None:
                items.append(append)
                ok = True
            else:
                ok = _edit_first(items, path.steps, layer == "silver", edit)
            if ok:
                where[0][where[1]] = items
                done += 1
            if done == DOCS:
                break
        if done == 0:
            raise InputError(f"no document with elements at {name} to corrupt", where=p)
        _replace(store, p, pl.DataFrame(rows, schema=df.schema), manifest)
    return parts


def element_bad_enum(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def scalar_enum(c, n):  # `tags[]`: an array of enum strings
        return n.endswith("[]") and n.count("[]") == 1 and c.columns[n].type == "enum"

    c = _mongo(contracts, contract, lambda c: any(scalar_enum(c, n) for n in c.columns))
    name = _path(c, column, lambda n: scalar_enum(c, n))
    parts = _break_elements(store, date, c, name, layers, None, append="eco_friendly")
    return _fault("element_bad_enum", date, c, name, layers, parts,
                  f"{name} gets 'eco_friendly' (a value the app added) in {DOCS} documents",
                  rows=DOCS, check="in_values")


def element_null_field(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def required(c, n):
        return "[]." in n and not c.columns[n].nullable and c.columns[n].type not in ("object",)

    c = _mongo(contracts, contract, lambda c: any(required(c, n) for n in c.columns))
    name = _path(c, column, lambda n: required(c, n) and n.count("[]") == 1)
    parts = _break_elements(store, date, c, name, layers, lambda v: None)
    return _fault("element_null_field", date, c, name, layers, parts,
                  f"{name} is null in one element of {DOCS} documents", rows=DOCS,
                  check="not_null")


def element_wrong_type(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    c = _mongo(contracts, contract, lambda c: any(
        "[]." in n and col.type == "decimal" for n, col in c.columns.items()))
    name = _path(c, column, lambda n: "[]." in n and c.columns[n].type == "decimal")
    parts = _break_elements(store, date, c, name, layers, lambda v: "12,50 KES")
    return _fault("element_wrong_type", date, c, name, layers, parts,
                  f"{name} is formatted text ('12,50 KES') in {DOCS} documents", rows=DOCS,
                  check="castable")


def element_out_of_range(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def ranged(c, n):
        return "[]." in n and c.columns[n].min is not None and c.columns[n].type == "integer"

    c = _mongo(contracts, contract, lambda c: any(ranged(c, n) for n in c.columns))
    name = _path(c, column, lambda n: ranged(c, n))
    parts = _break_elements(store, date, c, name, layers, lambda v: -2)
    return _fault("element_out_of_range", date, c, name, layers, parts,
                  f"{name} = -2 in one element of {DOCS} documents", rows=DOCS, check="between")


def element_orphan_ref(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def ref(c, n):
        return "[]" in n and bool(c.columns[n].references)

    c = _mongo(contracts, contract, lambda c: any(ref(c, n) for n in c.columns))
    name = _path(c, column, lambda n: ref(c, n))
    ghosts = iter(uuid4s(np.random.default_rng([11, len(date)]), 2 * DOCS * len(layers)))
    parts = _break_elements(store, date, c, name, layers, lambda v: next(ghosts))
    return _fault("element_orphan_ref", date, c, name, layers, parts,
                  f"{name} references a missing {c.columns[name].references} in {DOCS} "
                  "documents", rows=DOCS, check="orphan_fk")


def nested_element_bad(store, date, contracts, *, layers, contract=None, column=None) -> Fault:
    def nested(c, n):
        return n.count("[]") >= 2 and n.endswith("[]")

    c = _mongo(contracts, contract, lambda c: any(nested(c, n) for n in c.columns))
    name = _path(c, column, lambda n: nested(c, n))
    col = c.columns[name]
    bad = "crate" if col.values else None
    parts = _break_elements(store, date, c, name, layers, lambda v: bad)
    check = "in_values" if col.values else "not_null"
    return _fault("nested_element_bad", date, c, name, layers, parts,
                  f"{name} holds {bad!r} in {DOCS} documents", rows=DOCS, check=check)


ELEMENT_FAULTS: dict[str, Callable[..., Fault]] = {
    "element_bad_enum": element_bad_enum,
    "element_null_field": element_null_field,
    "element_wrong_type": element_wrong_type,
    "element_out_of_range": element_out_of_range,
    "element_orphan_ref": element_orphan_ref,
    "nested_element_bad": nested_element_bad,
}


def inject_elements(
    name: str,
    store,
    date: dt.date | str,
    contracts: list[Contract],
    *,
    layers: Iterable[str] = ("bronze", "silver"),
    contract: str | None = None,
    column: str | None = None,
) -> Fault:
    """Corrupt `date`'s array elements with the named fault."""
    return inject(name, store, date, contracts, layers=layers, contract=contract, column=column,
                  faults=ELEMENT_FAULTS, kind="element fault")
