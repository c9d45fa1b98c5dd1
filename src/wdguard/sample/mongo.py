"""Mongo collections of the sample lake: one row per document, from the Mongo contracts.

Mongo contracts key columns by field path (`device.platform`, `photos[].url`). The lake
holds each day's new documents (the change feed of that day), with:

* bronze: the raw documents -- top-level fields as columns, sub-documents as structs,
  arrays as lists, ObjectIds as hex text, dates as naive `Datetime("us")`;
* silver: one column per contract path without `[]` (so `device` and `device.platform`
  both exist), each exactly `polars_dtype(column)`: sub-documents as JSON text, arrays of
  sub-documents as lists of JSON text.

Presence follows the contract: an optional field whose presence matches a schema
version's share is present exactly in that version's documents (v1 `event`, v2 `type`),
and a rule `A IS NOT NULL OR B IS NOT NULL` makes A and B alternatives. Ids point at rows
of the same day's Postgres snapshot, so the documents tell one story with the tables.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import polars as pl

from wdguard.contracts.model import Column, Contract
from wdguard.contracts.types import polars_dtype
from wdguard.sample.cast import bronze_dtype
from wdguard.sample.common import (
    HOUR_WEIGHTS,
    WEEKDAY_FACTOR,
    generic_column,
    midnight_ms,
    ts_series,
    uuid4s,
)

# documents a day at rows=1, by collection; unknown collections get 200
DAILY = {"user_activities": 900, "pickup_tracking": 1500, "reviews": 40}
_ALT = re.compile(
    r'^\s*\(?\s*"?(\w+)"?\s+IS NOT NULL\s+OR\s+"?(\w+)"?\s+IS NOT NULL\s*\)?\s*$', re.IGNORECASE
)
WORDS = ["bin", "pickup", "recycling", "garden waste", "compost", "skip", "bags", "e-waste"]
REVIEWS = [
    "Driver was on time and careful.",
    "Bin arrived late, otherwise fine.",
    "Great service, will book again.",
    "Missed my pickup once.",
    "Friendly and clean.",
]
PLACES = ["Westlands", "Kilimani", "Karen", "Lavington", "Parklands", "Kileleshwa"]


def _children(contract: Contract, key: str) -> list[str]:
    """Direct child paths of an object path (or of an array's element, `key[]`)."""
    depth = key.count(".") + 1
    return [
        k
        for k in contract.columns
        if k.startswith(key + ".") and k.count(".") == depth and "[]" not in k[len(key) :]
    ]


def _top(contract: Contract) -> list[str]:
    return [k for k in contract.columns if "." not in k and "[]" not in k]


def _leaf_value(name: str, col: Column, n: int, rng, born: np.ndarray, ids: dict) -> pl.Series:
    last = name.split(".")[-1].replace("[]", "")
    if col.type == "uuid":
        pool = ids.get(last)
        if pool is not None and len(pool):
            return pl.Series(name, pool.gather(rng.integers(0, len(pool), size=n)))
        return uuid4s(rng, n).alias(name)
    if col.type == "timestamp":
        # the document's own time, or a moment after it (never after the extraction)
        return ts_series(born + (0 if last in ids["_event_time"] else rng.integers(0, 60_000, n)))
    if last == "url":
        return pl.Series(
            name,
            [f"https://cdn.wastedump.example/img/{i:08x}.jpg" for i in rng.integers(0, 2**31, n)],
        )
    if last == "query":
        return pl.Series(
            name,
            np.char.add(
                np.char.add(np.asarray(WORDS)[rng.integers(0, len(WORDS), n)], " "),
                np.asarray(PLACES)[rng.integers(0, len(PLACES), n)],
            ),
        )
    if last in ("body", "comment"):
        return pl.Series(name, np.asarray(REVIEWS)[rng.integers(0, len(REVIEWS), n)])
    if last == "quantity":
        return pl.Series(name, rng.integers(1, 6, n))
    if last == "sessionId":
        return pl.Series(name, rng.integers(0, 2**60, n)).cast(pl.String).str.zfill(18)
    if last in ("__v",):
        return pl.Series(name, np.zeros(n, dtype=np.int64))
    col = col.model_copy(update={"nullable": False})  # presence is decided by the caller
    return generic_column(name, col, n, rng, born)


def _objectid(born: np.ndarray, rng) -> pl.Series:
    """ObjectId hex: 4 bytes of creation time, 8 random bytes (vectorised)."""
    n = len(born)
    raw = np.empty((n, 12), dtype=np.uint8)
    raw[:, :4] = (born // 1000).astype(">u4").view(np.uint8).reshape(n, 4)
    raw[:, 4:] = rng.integers(0, 256, size=(n, 8), dtype=np.uint8)
    hexd = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    out = np.empty((n, 24), dtype=np.uint8)
    out[:, 0::2] = hexd[raw >> 4]
    out[:, 1::2] = hexd[raw & 15]
    if n == 0:
        return pl.Series("_id", [], dtype=pl.String)
    return pl.Series("_id", out.view("S24").ravel()).cast(pl.String)


def _present(contract: Contract, n: int, rng, version: np.ndarray | None) -> dict[str, np.ndarray]:
    """Which documents carry each optional top-level-or-nested field."""
    shares = (contract.mongo.schema_versions or {}) if contract.mongo else {}
    mask: dict[str, np.ndarray] = {}
    by_version: set[str] = set()
    for name, col in contract.columns.items():
        if "[]" in name or not col.nullable:
            continue
        p = col.presence if col.presence is not None else 0.9
        match = [v for v, share in shares.items() if abs(share - p) < 0.03]
        if version is not None and match:
            mask[name] = version == int(match[0])
            by_version.add(name)
        else:
            mask[name] = rng.random(n) < p
    for rule in contract.rules:
        m = _ALT.match(rule.sql)
        if (
            m
            and m.group(1) in mask
            and m.group(2) in mask
            and not ({m.group(1), m.group(2)} <= by_version)
        ):
            a, b = m.group(1), m.group(2)
            pa = contract.columns[a].presence or 0.5
            pb = contract.columns[b].presence or 0.5
            mask[a] = rng.random(n) < pa / (pa + pb)
            mask[b] = ~mask[a]
    return mask


def _nest(df: pl.DataFrame, contract: Contract, key: str, silver: bool) -> pl.Expr:
    """The expression for `key` built from its children (struct / list of structs)."""
    col = contract.columns[key]
    if col.type == "object":
        kids = _children(contract, key)
        expr = pl.struct([_nest(df, contract, k, silver).alias(k.split(".")[-1]) for k in kids])
        expr = pl.when(pl.col(key + "__present__")).then(expr).otherwise(None)
        return expr.struct.json_encode() if silver else expr
    if col.type == "list" and col.items == "object":
        return pl.col(key).list.eval(pl.element().struct.json_encode()) if silver else pl.col(key)
    return pl.col(key)


def collection_frames(contract: Contract, n: int, born: np.ndarray, rng, ids: dict):
    """(bronze, silver) frames for n documents created at `born` (ms)."""
    keys = [k for k in contract.columns if "[]" not in k]
    vfield = contract.mongo.schema_version_field if contract.mongo else None
    version = None
    if vfield and contract.mongo.schema_versions:
        vs = sorted(contract.mongo.schema_versions)
        p = np.array([contract.mongo.schema_versions[v] for v in vs], dtype=float)
        version = np.asarray([int(v) for v in vs])[rng.choice(len(vs), size=n, p=p / p.sum())]
    present = _present(contract, n, rng, version)
    cols: dict[str, pl.Series] = {}
    for key in keys:
        col = contract.columns[key]
        if col.type == "object":
            cols[key + "__present__"] = pl.Series(present.get(key, np.ones(n, bool)))
            continue
        if key == "_id":
            s = _objectid(born, rng)
        elif key == vfield and version is not None:
            s = pl.Series(version)
        elif col.type == "list":
            s = _list_values(contract, key, col, n, rng, born, ids)
        else:
            s = _leaf_value(key, col, n, rng, born, ids)
        s = s.alias(key)
        if key in present:
            s = (
                pl.select(pl.when(pl.lit(pl.Series(present[key]))).then(pl.lit(s)).otherwise(None))
                .to_series()
                .alias(key)
            )
        cols[key] = s
    df = pl.DataFrame(cols)
    # a field inside an absent sub-document is absent too
    for key in keys:
        parent = key.rsplit(".", 1)[0] if "." in key else None
        while parent:
            if parent + "__present__" in df.columns and contract.columns[key].type != "object":
                df = df.with_columns(
                    pl.when(pl.col(parent + "__present__"))
                    .then(pl.col(key))
                    .otherwise(None)
                    .alias(key)
                )
            parent = parent.rsplit(".", 1)[0] if "." in parent else None
    silver = df.select(
        _nest(df, contract, k, True).cast(polars_dtype(contract.columns[k])).alias(k) for k in keys
    )
    raw = df.with_columns(
        pl.col(k).cast(bronze_dtype(contract.columns[k]))
        for k in keys
        if contract.columns[k].type not in ("object", "list")
    )
    bronze = raw.select(_nest(raw, contract, k, False).alias(k) for k in _top(contract))
    return bronze, silver


def _list_values(contract, key, col, n, rng, born, ids) -> pl.Series:
    if key.endswith("coordinates"):  # GeoJSON [longitude, latitude] around Nairobi
        lon = np.round(36.82 + rng.normal(0, 0.05, n), 6)
        lat = np.round(-1.29 + rng.normal(0, 0.05, n), 6)
        return pl.DataFrame({"a": lon, "b": lat}).select(pl.concat_list("a", "b")).to_series()
    elem = key + "[]"
    counts = rng.integers(0, 3, n)
    total = int(counts.sum())
    eborn = np.repeat(born, counts)
    if col.items == "object":
        kids = [
            k
            for k in contract.columns
            if k.startswith(elem + ".") and k.count(".") == elem.count(".") + 1
            and "[]" not in k[len(elem) :]
        ]
        parts = {}
        for k in kids:
            kc = contract.columns[k]
            if kc.type == "list":  # a nested array (`photos[].labels[]`)
                parts[k.split(".")[-1]] = _list_values(contract, k, kc, total, rng, eborn, ids)
                continue
            s = _leaf_value(k, kc, total, rng, eborn, ids)
            if kc.nullable:
                s = pl.select(
                    pl.when(pl.lit(pl.Series(rng.random(total) < (kc.presence or 0.5))))
                    .then(pl.lit(s))
                    .otherwise(None)
                ).to_series()
            parts[k.split(".")[-1]] = s.cast(bronze_dtype(kc))
        flat = pl.DataFrame(parts).select(pl.struct(pl.all()).alias("e"))["e"]
    else:
        ec = contract.columns.get(elem)
        if ec is None:
            ec = Column(type=col.items if col.items not in (None, "enum") else "string")
        flat = _leaf_value(elem, ec, total, rng, eborn, ids).cast(polars_dtype(ec))
    groups = pl.DataFrame({"g": np.repeat(np.arange(n), counts), "v": flat})
    lists = groups.group_by("g", maintain_order=True).agg("v")
    out = pl.DataFrame({"g": np.arange(n)}).join(lists, on="g", how="left", maintain_order="left")
    return out["v"].fill_null(pl.lit([], dtype=out.schema["v"]))


def generate_collection(
    contract: Contract, day: dt.date, cutoff_ms: int, rows: float, rng, ids: dict
):
    """(bronze, silver, newest event time) for one collection's documents of one day."""
    name = contract.object_name
    n = int(round(DAILY.get(name, 200) * rows * WEEKDAY_FACTOR[day.weekday()]))
    start = midnight_ms(day)
    hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
    born = np.sort(start + hours * 3_600_000 + rng.integers(0, 3_600_000, n))
    born = np.minimum(born, cutoff_ms - 60_000)
    return collection_frames(contract, n, born, rng, ids)
