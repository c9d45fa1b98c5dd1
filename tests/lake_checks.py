"""A small, independent re-statement of the contract checks, for the lake tests.

The generator must produce days that pass these, and each fault injector must make exactly
the check it names fail. (The real gate lives in wdguard.checks; this is deliberately
separate so the generator is not tested against itself.)
"""

from __future__ import annotations

import io

import polars as pl

from wdguard.contracts.types import polars_dtype
from wdguard.lake import layout
from wdguard.lake.manifest import load_manifest
from wdguard.sample.cast import to_silver


def read(store, partition: str) -> pl.DataFrame:
    names = layout.data_files(store.list(partition))
    return pl.concat(pl.read_parquet(io.BytesIO(store.read_bytes(n))) for n in names)


def problems(store, date: str, contracts, layer: str = "silver") -> set[tuple[str, str, str]]:
    """(check, object, column) for everything wrong with one date in one layer."""
    out: set[tuple[str, str, str]] = set()
    frames = {}
    for c in contracts:
        part = layout.partition_dir(layer, c.source.kind, date, c.object_name)
        if not store.exists(layout.manifest_path(part)):
            out.add(("completeness", c.object_name, ""))
            continue
        m = load_manifest(store, part)
        listed = {f"{part}/{f.path}" for f in m.files}
        present = set(layout.data_files(store.list(part)))
        if listed != present:
            out.add(("completeness", c.object_name, ""))
            continue
        raw = read(store, part)
        keys = [k for k in c.columns if "[]" not in k]
        if layer == "bronze" and c.source.kind == "mongodb":  # raw documents: top level only
            keys = [k for k in keys if "." not in k and c.columns[k].type not in ("object", "list")]
        cols = {k: c.columns[k] for k in keys}
        if raw.height != m.row_count or sum(f.rows for f in m.files) != raw.height:
            out.add(("completeness", c.object_name, ""))
        if layer == "silver":
            for name, col in cols.items():
                if raw.schema[name] != polars_dtype(col):
                    out.add(("dtype", c.object_name, name))
            df = raw.with_columns(
                pl.col(n).cast(polars_dtype(col), strict=False) for n, col in cols.items()
            )
        else:
            df = to_silver(raw.select(keys), c, strict=False)
            for name in keys:
                if (df[name].null_count()) > raw[name].null_count():
                    out.add(("dtype", c.object_name, name))
        frames[c.object_name] = (c, df)
        if c.primary_key and df.select(pl.struct(c.primary_key).is_duplicated().any()).item():
            out.add(("primary_key", c.object_name, ",".join(c.primary_key)))
        for name, col in cols.items():
            s = pl.col(name)
            if not col.nullable and df[name].null_count():
                out.add(("nullable", c.object_name, name))
            if col.type == "enum" and df.select((~s.is_in(col.values)).any()).item():
                out.add(("enum", c.object_name, name))
            if col.min is not None and df.select((s.cast(pl.Float64) < col.min).any()).item():
                out.add(("range", c.object_name, name))
            if col.max is not None and df.select((s.cast(pl.Float64) > col.max).any()).item():
                out.add(("range", c.object_name, name))
            if (
                col.regex
                and df.schema[name] == pl.String
                and df.select((~s.str.contains(col.regex)).any()).item()
            ):
                out.add(("regex", c.object_name, name))
            if col.unique and df.select(s.drop_nulls().is_duplicated().any()).item():
                out.add(("unique", c.object_name, name))
        for rule in c.rules if set(keys) >= {k for k in c.columns if "." not in k} else []:
            if df.select((~pl.sql_expr(rule.sql).fill_null(False)).any()).item():
                out.add((f"rule:{rule.name}", c.object_name, ""))
        if c.freshness and c.freshness.column in df.columns and df.height:
            newest = df[c.freshness.column].max()
            from wdguard.contracts.model import parse_duration

            if (m.extracted_at - newest).total_seconds() > parse_duration(c.freshness.max_age):
                out.add(("freshness", c.object_name, c.freshness.column))
    by_name = {c.contract: c for c in contracts}
    for obj, (c, df) in frames.items():
        for fk in c.references() if c.source.kind == "postgres" else []:
            parent = by_name[fk.references].object_name
            if parent not in frames:
                continue
            keys = frames[parent][1][fk.ref_columns[0]]
            col = fk.columns[0]
            if df.select(
                (pl.col(col).is_not_null() & ~pl.col(col).is_in(keys.implode())).any()
            ).item():
                out.add(("references", obj, col))
    return out
