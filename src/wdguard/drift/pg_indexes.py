"""Unique keys and indexes: contract vs live, matched by columns first, then by name.

Columns decide whether a key or index is the same one (what it enforces and speeds up);
the name only tells a reviewer that someone renamed it (info) or, when the columns
differ too, that the object of that name changed (one finding instead of a drop plus an
add). A unique index on exactly the primary key's columns adds no rule (Prisma creates
one for `@id @unique`), so it is neither expected nor reported. Partial, expression and
exclusion indexes cannot be declared in schema.prisma: they are info with their
definition, never a warning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wdguard.contracts.model import Contract
from wdguard.drift.kinds import (
    pg_index_added,
    pg_index_changed,
    pg_index_dropped,
    pg_index_renamed,
    pg_unique_key_added,
    pg_unique_key_changed,
    pg_unique_key_dropped,
)
from wdguard.drift.pg_context import TableContext
from wdguard.drift.pg_introspect import LiveIndex, LiveTable
from wdguard.findings import Finding


@dataclass(frozen=True)
class _Key:
    unique: bool
    columns: tuple[str, ...]  # sorted for unique keys (a set), in order for indexes

    @property
    def text(self) -> str:
        return ", ".join(self.columns)


def _key(columns: list[str], unique: bool) -> _Key:
    return _Key(unique, tuple(sorted(columns)) if unique else tuple(columns))


def _one(cols: tuple[str, ...]) -> str | None:
    return cols[0] if len(cols) == 1 else None


def expected_indexes(contract: Contract) -> tuple[dict[_Key, str], set[_Key]]:
    """Unique keys and indexes the contract declares, by key, with their names; and the
    keys whose name the contract states (an `indexes:` entry) rather than wdguard guessing
    Prisma's default from a bare `unique: true`."""
    out: dict[_Key, str] = {}
    for name, col in contract.columns.items():
        if col.unique:
            out[_key([name], True)] = f"{contract.object_name}_{name}_key"
    for cols in contract.unique_keys:
        out.setdefault(_key(cols, True), f"{contract.object_name}_{'_'.join(cols)}_key")
    stated = set()
    for idx in contract.indexes:
        out[_key(idx.columns, idx.unique)] = idx.name  # the declared name wins
        stated.add(_key(idx.columns, idx.unique))
    out.pop(_key(contract.primary_key, True), None)  # `@id @unique`: the PK already is one
    return out, stated


def compare_indexes(
    ctx: TableContext, contract: Contract, table: LiveTable, gone: set[str]
) -> list[Finding]:
    """Findings for unique keys and indexes; `gone` columns were reported already."""
    out: list[Finding] = []
    expected, stated = expected_indexes(contract)
    pk_keys = {_key(contract.primary_key, True), _key(table.primary_key, True)}
    live: dict[_Key, LiveIndex] = {}
    unmodelled: list[LiveIndex] = []
    for i in table.indexes:
        if i.primary or i.exclusion:  # EXCLUDE: reported with its constraint (PGD161)
            continue
        if not i.modelled:
            unmodelled.append(i)
        elif (k := _key(i.columns, i.unique)) not in pk_keys:
            live.setdefault(k, i)

    def skip(k: _Key) -> bool:
        return bool(gone.intersection(k.columns))

    missing = {k: n for k, n in expected.items() if k not in live and not skip(k)}
    extra = {k: i for k, i in live.items() if k not in expected and not skip(k)}
    by_name = {i.name: i for i in [*extra.values(), *unmodelled]}
    for k, name in list(missing.items()):
        got = by_name.get(name)
        if got is None:
            continue
        del missing[k]
        extra = {ek: ei for ek, ei in extra.items() if ei is not got}
        unmodelled = [u for u in unmodelled if u is not got]
        out.append(_changed(ctx, k, got))
    for k, name in missing.items():
        kind = pg_unique_key_dropped.UniqueKeyDropped if k.unique else pg_index_dropped.IndexDropped
        what = "unique key" if k.unique else "index"
        out.append(
            kind.finding(
                f"{ctx.table}: {what} {name} on ({k.text}) is missing",
                **ctx.at(_one(k.columns), index=name, columns=list(k.columns)),
            )
        )
    for k, i in extra.items():
        kind = pg_unique_key_added.UniqueKeyAdded if k.unique else pg_index_added.IndexAdded
        what = "unique index" if k.unique else "index"
        out.append(
            kind.finding(
                f"{ctx.table}: {what} {i.name} on ({k.text}) is not in the contract",
                **ctx.at(_one(k.columns), index=i.name, columns=list(k.columns)),
            )
        )
    for i in unmodelled:
        if gone.intersection(i.columns):
            continue
        out.append(
            pg_index_added.IndexAdded.finding(
                f"{ctx.table}: {_shape(i)} index {i.name} is not modelled by Prisma: "
                f"{i.definition}",
                **ctx.at(None if i.expression else _one(tuple(i.columns)), index=i.name,
                         columns=i.columns,
                         definition=i.definition, unmodelled=True),
            )
        )
    for k, name in expected.items():
        got = live.get(k)
        if got is not None and got.name != name and k in stated:
            out.append(
                pg_index_renamed.IndexRenamed.finding(
                    f"{ctx.table}: {'unique key' if k.unique else 'index'} on ({k.text}) is "
                    f"named {got.name}; the contract says {name}",
                    **ctx.at(_one(k.columns), index=name, live_name=got.name,
                             columns=list(k.columns)),
                )
            )
    return out


def _shape(i: LiveIndex) -> str:
    parts = ["unique"] if i.unique else []
    parts += ["partial"] if i.partial else []
    parts += ["expression"] if i.expression else []
    return " ".join(parts) or "plain"


def _changed(ctx: TableContext, k: _Key, got: LiveIndex) -> Finding:
    live_cols = ", ".join(got.columns) + (" WHERE ..." if got.partial else "")
    details: dict[str, Any] = {"index": got.name, "columns": list(k.columns),
                               "live_columns": got.columns}
    if got.definition:
        details["definition"] = got.definition
    if k.unique:
        return pg_unique_key_changed.UniqueKeyChanged.finding(
            f"{ctx.table}: unique key {got.name} is on ({live_cols}"
            f"{'' if got.unique else ', not unique'}); the contract says ({k.text})",
            **ctx.at(_one(k.columns), **details),
        )
    return pg_index_changed.IndexChanged.finding(
        f"{ctx.table}: index {got.name} is on ({live_cols}); the contract says ({k.text})",
        **ctx.at(_one(k.columns), **details),
    )
