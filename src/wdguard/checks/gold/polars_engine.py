"""The Polars compiler of gold CheckSpecs: all checks of a date in as few passes as possible.

Per gold table one `select` computes every aggregate its checks need (rows, distinct
grain keys, null counts, unknown-member counts, measure sums, calendar bounds); per
silver source one filtered `select` computes the counts and sums to reconcile with; each
dimension reference is one anti-join, each SCD2 check one grouped pass. All of them run
in one `pl.collect_all`, so Polars plans them together (shared scans are cached). Sample
keys of a failing grain check are fetched afterwards, for failures only.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

from wdguard.checks.expressions import sql_expr
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Column
from wdguard.contracts.types import polars_dtype


def expected_dtype(params: dict[str, Any]) -> pl.DataType:
    return polars_dtype(
        Column(type=params["type"], precision=params.get("precision"), scale=params.get("scale"))
    )


def num(v: Any) -> str:
    """1,204,330.50 -- numbers on both sides of a finding, as people read them."""
    if v is None:
        return "null"
    if isinstance(v, float):
        return f"{v:,.6f}".rstrip("0").rstrip(".")
    if isinstance(v, int | Decimal):
        return f"{v:,}"
    return str(v)


@dataclass
class _Batch:
    """Lazy queries to collect together; each result is handed to its readers."""

    queries: list[pl.LazyFrame] = field(default_factory=list)
    readers: list[Callable[[pl.DataFrame | Exception], None]] = field(default_factory=list)

    def add(self, lf: pl.LazyFrame, reader: Callable[[pl.DataFrame | Exception], None]) -> None:
        self.queries.append(lf)
        self.readers.append(reader)

    def run(self) -> None:
        try:
            results: list[pl.DataFrame | Exception] = list(pl.collect_all(self.queries))
        except Exception:  # find which query cannot run; the others still answer
            results = []
            for q in self.queries:
                try:
                    results.append(q.collect())
                except Exception as exc:
                    results.append(exc)
        for reader, res in zip(self.readers, results, strict=True):
            reader(res)


def _error(spec: CheckSpec, exc: Exception, where: str) -> Outcome:
    first = " ".join(str(exc).strip().split("\n")[0].split())[:300]
    return Outcome(spec, "error", f"{where}: cannot compute: {type(exc).__name__}: {first}")


def _date_of(value: Any) -> dt.date | None:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def _sums_equal(gold: Any, silver: Any, tolerance: float | None) -> bool:
    if gold is None or silver is None:
        return gold is None and silver is None
    if tolerance is not None:
        return abs(float(gold) - float(silver)) <= tolerance
    if isinstance(gold, float) or isinstance(silver, float):
        return math.isclose(float(gold), float(silver), rel_tol=1e-9, abs_tol=1e-9)
    return Decimal(str(gold)) == Decimal(str(silver))  # decimals and integers: exact


def evaluate(
    specs: list[CheckSpec],
    gold: dict[str, pl.LazyFrame | None],
    silver: dict[str, pl.LazyFrame | None],
    date: str,
    *,
    where: dict[str, str] | None = None,
    sample_keys: int = 5,
) -> tuple[list[Outcome], dict[str, int]]:
    """Outcomes of `specs` (in spec order) and the row count of each gold table read.

    `gold` maps gold table -> scan (None: partition absent), `silver` silver contract ->
    scan of the date's partition (None: absent); `where` names each one's path."""
    where = where or {}
    day = dt.date.fromisoformat(date)
    started = time.perf_counter()
    results: dict[int, Outcome] = {}
    rows: dict[str, int] = {}
    schemas: dict[str, dict[str, pl.DataType]] = {}
    bad_cols: dict[str, set[str]] = {}
    for table, lf in gold.items():
        if lf is not None:
            schemas[table] = dict(lf.collect_schema())
            bad_cols[table] = set()

    # -- schema (metadata only)
    for i, spec in enumerate(specs):
        t, col = spec.object, spec.column
        if spec.check not in ("column_missing", "dtype") or t not in schemas:
            continue
        schema = schemas[t]
        if spec.check == "column_missing":
            if col in schema:
                results[i] = Outcome(spec, "pass")
            else:
                bad_cols[t].add(col)
                results[i] = Outcome(
                    spec, "fail", f"{t}: column {col} is missing ({where.get(t, t)})"
                )
        elif col in schema:
            want = expected_dtype(spec.params)
            if schema[col] == want:
                results[i] = Outcome(spec, "pass")
            else:
                bad_cols[t].add(col)
                results[i] = Outcome(
                    spec,
                    "fail",
                    f"{t}.{col}: dtype {schema[col]} where the contract says {want}",
                    details={"dtype": str(schema[col]), "expected": str(want)},
                )
        else:
            results[i] = Outcome(spec, "skipped", f"{t}.{col}: column missing")

    batch = _Batch()
    table_aggs: dict[str, dict[str, pl.Expr]] = {t: {"__rows": pl.len()} for t in schemas}
    table_readers: dict[str, list[Callable[[dict[str, Any]], None]]] = {t: [] for t in schemas}
    silver_aggs: dict[tuple, dict[str, pl.Expr]] = {}
    silver_readers: dict[tuple, list[Callable[[dict[str, Any]], None]]] = {}

    def skip_reason(spec: CheckSpec, cols: list[str], tables: list[str]) -> str | None:
        for t in tables:
            if gold.get(t) is None:
                return f"{t}: partition missing for {date}"
            broken = [c for c in cols if t == spec.object and c in bad_cols.get(t, ())]
            if broken:
                return f"{t}: column {', '.join(broken)} missing or mistyped"
        return None

    def put(i: int, out: Outcome) -> None:
        results[i] = out

    for i, spec in enumerate(specs):
        if i in results:
            continue
        t, col, p = spec.object, spec.column, spec.params
        cols = [c for c in (col or "").split(",") if c]
        tables = [t] + ([p["dimension"]] if spec.check == "gold_orphan_key" else [])
        reason = skip_reason(spec, cols, tables)
        if spec.check in ("column_missing", "dtype"):
            reason = reason or f"{t}: partition missing for {date}"
        if reason:
            results[i] = Outcome(spec, "skipped", reason)
            continue
        lf = gold[t]
        assert lf is not None
        aggs, readers = table_aggs[t], table_readers[t]

        if spec.check == "not_null":
            aggs[f"nn:{col}"] = pl.col(col).null_count()

            def read(r, i=i, spec=spec, t=t, col=col):
                n = int(r[f"nn:{col}"])
                put(
                    i,
                    Outcome(
                        spec,
                        "fail" if n else "pass",
                        f"{t}.{col}: {n:,} null(s) in a required column" if n else "",
                        rows_scanned=r["__rows"],
                        failing_rows=n,
                    ),
                )

            readers.append(read)

        elif spec.check == "gold_grain":
            key = pl.struct(cols) if len(cols) > 1 else pl.col(cols[0])
            aggs[f"grain:{col}"] = key.n_unique()

            def read(r, i=i, spec=spec, t=t, cols=cols, lf=lf):
                extra = int(r["__rows"]) - int(r[f"grain:{spec.column}"])
                if not extra:
                    put(i, Outcome(spec, "pass", rows_scanned=r["__rows"], failing_rows=0))
                    return
                dup = (
                    lf.group_by(cols)
                    .len()
                    .filter(pl.col("len") > 1)
                    .sort(cols)
                    .head(sample_keys)
                    .drop("len")
                    .collect()
                )
                put(
                    i,
                    Outcome(
                        spec,
                        "fail",
                        f"{t}: {extra:,} extra row(s) on the grain ({', '.join(cols)}): "
                        f"{r['__rows']:,} rows, {r[f'grain:{spec.column}']:,} distinct keys",
                        rows_scanned=r["__rows"],
                        failing_rows=extra,
                        sample_keys=[
                            {k: jsonable(v) for k, v in d.items()} for d in dup.to_dicts()
                        ],
                    ),
                )

            readers.append(read)

        elif spec.check == "gold_unknown_share":
            counted = pl.col(p["own_key"]) != p["own_unknown"] if p.get("own_key") else pl.lit(True)
            aggs[f"unk:{col}"] = ((pl.col(col) == p["unknown"]) & counted).sum()
            aggs[f"unk:n:{col}"] = counted.sum() if p.get("own_key") else pl.len()

            def read(r, i=i, spec=spec, t=t, col=col, p=p):
                n, total = int(r[f"unk:{col}"]), int(r[f"unk:n:{col}"])
                share = n / total if total else 0.0
                ok = share <= p["max_share"]
                put(
                    i,
                    Outcome(
                        spec,
                        "pass" if ok else "fail",
                        ""
                        if ok
                        else f"{t}.{col}: {n:,} of {total:,} rows ({share:.1%}) on the "
                        f"{p['dimension']} unknown member ({p['unknown']}), "
                        f"allowed {p['max_share']:.1%}",
                        rows_scanned=total,
                        failing_rows=0 if ok else n,
                        details={
                            "unknown_rows": n,
                            "share": round(share, 6),
                            "max_share": p["max_share"],
                        },
                    ),
                )

            readers.append(read)

        elif spec.check == "calendar_gap":
            c = pl.col(col)
            aggs[f"cal:n:{col}"] = c.drop_nulls().len()
            aggs[f"cal:u:{col}"] = c.drop_nulls().n_unique()
            aggs[f"cal:min:{col}"] = c.min()
            aggs[f"cal:max:{col}"] = c.max()

            def read(r, i=i, spec=spec, t=t, col=col, lf=lf):
                n, u = int(r[f"cal:n:{col}"]), int(r[f"cal:u:{col}"])
                lo, hi = _date_of(r[f"cal:min:{col}"]), _date_of(r[f"cal:max:{col}"])
                span = (hi - lo).days + 1 if lo and hi else 0
                missing, repeated = span - u, n - u
                if not missing and not repeated:
                    put(i, Outcome(spec, "pass", rows_scanned=n, failing_rows=0))
                    return
                sample: list[dict[str, Any]] = []
                if missing and lo and hi:
                    have = lf.select(pl.col(col).drop_nulls().unique()).collect()
                    every = pl.DataFrame({col: pl.date_range(lo, hi, "1d", eager=True)})
                    gaps = every.join(have, on=col, how="anti").sort(col).head(sample_keys)
                    sample = [{col: jsonable(v)} for v in gaps[col]]
                put(
                    i,
                    Outcome(
                        spec,
                        "fail",
                        f"{t}.{col}: {missing:,} day(s) missing and {repeated:,} repeated between "
                        f"{lo} and {hi}"
                        + (f" (e.g. {', '.join(str(s[col]) for s in sample)})" if sample else ""),
                        rows_scanned=n,
                        failing_rows=missing + repeated,
                        sample_keys=sample,
                        details={
                            "missing_days": missing,
                            "repeated_days": repeated,
                            "from": jsonable(lo),
                            "to": jsonable(hi),
                        },
                    ),
                )

            readers.append(read)

        elif spec.check in ("reconcile_count", "reconcile_sum"):
            sv = silver.get(p["source"])
            src_where = where.get(f"silver:{p['source']}", p["source"])
            if sv is None:
                results[i] = Outcome(
                    spec,
                    "error",
                    f"{t}: cannot reconcile, silver {p['source']} partition missing ({src_where})",
                )
                continue
            skey = (p["source"], p["date_column"], p["filter"])
            if skey not in silver_aggs:
                silver_aggs[skey] = {"__rows": pl.len()}
                silver_readers[skey] = []
            gold_alias = "__rows" if spec.check == "reconcile_count" else f"sum:{col}"
            silver_alias = (
                "__rows" if spec.check == "reconcile_count" else f"sum:{p['silver_column']}"
            )
            if spec.check == "reconcile_sum":
                aggs[gold_alias] = pl.col(col).sum()
                silver_aggs[skey][silver_alias] = pl.col(p["silver_column"]).sum()
            pair: dict[str, Any] = {}

            def finish(i=i, spec=spec, t=t, col=col, p=p, pair=pair):
                if "gold" not in pair or "silver" not in pair:
                    return
                for side in ("gold", "silver"):
                    if isinstance(pair[side], Exception):
                        put(i, _error(spec, pair[side], t if side == "gold" else p["source"]))
                        return
                g_val, s_val = pair["gold"], pair["silver"]
                scope = f"{p['date_column']} on {date}"
                if p["filter"]:
                    scope = f"{p['filter']}, {scope}"
                if spec.check == "reconcile_count":
                    ok = int(g_val) == int(s_val)
                    msg = (
                        f"{t}: {num(g_val)} rows != silver {p['source']} {num(s_val)} rows "
                        f"({scope})"
                    )
                    failing = abs(int(g_val) - int(s_val))
                else:
                    ok = _sums_equal(g_val, s_val, p.get("tolerance"))
                    tol = f", tolerance {num(p['tolerance'])}" if p.get("tolerance") else ""
                    msg = (
                        f"{t}: sum({col}) {num(g_val)} != silver {p['source']} "
                        f"sum({p['silver_column']}) {num(s_val)} ({scope}{tol})"
                    )
                    failing = None
                put(
                    i,
                    Outcome(
                        spec,
                        "pass" if ok else "fail",
                        "" if ok else msg,
                        rows_scanned=pair.get("rows"),
                        failing_rows=0 if ok else failing,
                        details={
                            "gold": jsonable(g_val),
                            "silver": jsonable(s_val),
                            "silver_contract": p["source"],
                            "scope": scope,
                        },
                    ),
                )

            def read_gold(r, pair=pair, alias=gold_alias, finish=finish):
                pair["gold"], pair["rows"] = r[alias], r["__rows"]
                finish()

            def read_silver(r, pair=pair, alias=silver_alias, finish=finish):
                pair["silver"] = r if isinstance(r, Exception) else r[alias]
                finish()

            readers.append(read_gold)
            silver_readers[skey].append(read_silver)

        elif spec.check == "gold_orphan_key":
            dim = gold[p["dimension"]]
            assert dim is not None
            key_ok = p["key"] in schemas.get(p["dimension"], {})
            if not key_ok:
                results[i] = Outcome(
                    spec, "skipped", f"{p['dimension']}: column {p['key']} missing"
                )
                continue
            q = (
                lf.select(pl.col(col))
                .drop_nulls()
                .join(
                    dim.select(pl.col(p["key"]).alias("__k")),
                    left_on=col,
                    right_on="__k",
                    how="anti",
                )
                .select(
                    pl.len().alias("n"),
                    pl.col(col).unique().sort().head(sample_keys).implode().alias("s"),
                )
            )

            def read_orphans(res, i=i, spec=spec, t=t, col=col, p=p):
                if isinstance(res, Exception):
                    put(i, _error(spec, res, t))
                    return
                n, sample = int(res["n"][0]), res["s"][0].to_list()
                put(
                    i,
                    Outcome(
                        spec,
                        "fail" if n else "pass",
                        f"{t}.{col}: {n:,} row(s) point at no {p['dimension']}.{p['key']} "
                        f"(e.g. {', '.join(str(v) for v in sample)})"
                        if n
                        else "",
                        failing_rows=n,
                        sample_keys=[{col: jsonable(v)} for v in sample],
                    ),
                )

            batch.add(q, read_orphans)

        elif spec.check in ("scd2_current", "scd2_interval"):
            nk = p["natural_key"]
            versions = lf.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in nk))
            nk_expr = pl.struct(nk) if len(nk) > 1 else pl.col(nk[0])
            if spec.check == "scd2_current":
                q = (
                    versions.group_by(nk)
                    .agg(pl.col(p["is_current"]).cast(pl.Int64).sum().alias("__c"))
                    .filter(pl.col("__c") != 1)
                    .sort(nk)
                    .select(
                        pl.len().alias("n"),
                        (pl.col("__c") > 1).sum().alias("many"),
                        (pl.col("__c") == 0).sum().alias("none"),
                        nk_expr.head(sample_keys).implode().alias("s"),
                    )
                )
            else:
                vf, vt = pl.col(p["valid_from"]), pl.col(p["valid_to"])
                pos = pl.int_range(pl.len()).over(nk)
                prev_to = vt.shift(1).over(nk)
                q = (
                    versions.select(*nk, p["valid_from"], p["valid_to"])
                    .sort([*nk, p["valid_from"]])
                    .with_columns(
                        (pos > 0).alias("__later"),
                        (pos == pl.len().over(nk) - 1).alias("__last"),
                        prev_to.alias("__prev"),
                    )
                    .with_columns(
                        (
                            pl.col("__later")
                            & (pl.col("__prev").is_null() | (pl.col("__prev") > vf))
                        ).alias("__overlap"),
                        (
                            (pl.col("__later") & (pl.col("__prev") < vf)).fill_null(False)
                            | (pl.col("__last") & vt.is_not_null())
                        ).alias("__gap"),
                        (vt.is_not_null() & (vt <= vf)).alias("__empty"),
                    )
                    .filter(pl.col("__overlap") | pl.col("__gap") | pl.col("__empty"))
                    .select(
                        pl.len().alias("n"),
                        pl.col("__overlap").sum().alias("overlap"),
                        pl.col("__gap").sum().alias("gap"),
                        pl.col("__empty").sum().alias("empty"),
                        nk_expr.unique(maintain_order=True).head(sample_keys).implode().alias("s"),
                    )
                )

            def read_scd2(res, i=i, spec=spec, t=t, p=p, nk=nk):
                if isinstance(res, Exception):
                    put(i, _error(spec, res, t))
                    return
                r = res.row(0, named=True)
                n = int(r["n"])
                sample = [v if isinstance(v, dict) else {nk[0]: v} for v in r["s"]]
                keys = ", ".join(nk)
                if spec.check == "scd2_current":
                    msg = (
                        f"{t}.{p['is_current']}: {r['many']:,} {keys} with more than one "
                        f"current row, {r['none']:,} with none"
                    )
                    details = {"many_current": r["many"], "no_current": r["none"]}
                else:
                    msg = (
                        f"{t}.{p['valid_from']},{p['valid_to']}: {r['overlap']:,} overlapping "
                        f"and {r['gap']:,} gapped version(s), {r['empty']:,} empty interval(s) "
                        f"of {keys}"
                    )
                    details = {"overlaps": r["overlap"], "gaps": r["gap"], "empty": r["empty"]}
                put(
                    i,
                    Outcome(
                        spec,
                        "fail" if n else "pass",
                        f"{msg} (e.g. {', '.join(str(next(iter(s.values()))) for s in sample)})"
                        if n
                        else "",
                        failing_rows=n,
                        sample_keys=[{k: jsonable(v) for k, v in s.items()} for s in sample],
                        details=details if n else {},
                    ),
                )

            batch.add(q, read_scd2)

    # one select per gold table, one per silver scope
    for t, aggs in table_aggs.items():
        lf = gold[t]
        assert lf is not None

        def read_table(res, t=t):
            if isinstance(res, Exception):
                for j, spec in enumerate(specs):
                    if spec.object == t and j not in results:
                        put(j, _error(spec, res, where.get(t, t)))
                return
            r = res.row(0, named=True)
            rows[t] = int(r["__rows"])
            for reader in table_readers[t]:
                reader(r)

        batch.add(lf.select(**aggs), read_table)
    for (source, date_col, filt), aggs in silver_aggs.items():
        sv = silver[source]
        assert sv is not None
        keep = pl.col(date_col).dt.date() == pl.lit(day)
        if filt:
            keep = keep & sql_expr(filt).fill_null(False)

        def read_source(res, key=(source, date_col, filt)):
            r = res if isinstance(res, Exception) else res.row(0, named=True)
            for reader in silver_readers[key]:
                reader(r)

        batch.add(sv.filter(keep).select(**aggs), read_source)
    batch.run()
    per = (time.perf_counter() - started) * 1000 / max(len(specs), 1)
    out = []
    for i, spec in enumerate(specs):
        o = results.get(i) or Outcome(spec, "error", f"{spec.object}: not computed")
        o.duration_ms = per
        out.append(o)
    return out, rows
