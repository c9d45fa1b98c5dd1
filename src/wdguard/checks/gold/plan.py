"""The plan of a date's gold checks, written once for every engine.

From the gold CheckSpecs (`derive.py`) the plan decides what is skipped and why, which
aggregates each gold table needs, and which queries stand alone; an engine (`GoldHooks`:
`checks/engines/<engine>/gold.py`) only compiles them and runs the batch:

* per gold table ONE aggregate query: rows, null counts, distinct grain keys,
  unknown-member counts, measure sums, calendar bounds (Polars: one select; Spark: one job);
* per silver scope (source, date column, filter) ONE aggregate query of counts and sums;
* per dimension reference one anti-join count; per SCD2 check one grouped/windowed count.

All queries go to the engine together (`run`): Polars collects them in one
`collect_all`, Spark submits them as concurrent jobs. Samples of a failing check are
fetched afterwards, for failures only. Verdicts and messages: `verdicts.py`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from wdguard.checks.gold import verdicts as V
from wdguard.checks.outcome import Outcome
from wdguard.checks.spec import CheckSpec

Row = dict[str, Any]


@dataclass(frozen=True)
class Agg:
    """One aggregate of a table's single pass. `kind`:
    rows | nulls | distinct (null counts as a value; several columns: the tuple) |
    unknown (rows with `columns[0] == value`, not the table's own unknown row `own`) |
    counted (rows that are not the table's own unknown row `own`; all rows if None) |
    sum (0 when there is no value) | nonnull | distinct_nonnull | min | max."""

    kind: str
    columns: tuple[str, ...] = ()
    value: Any = None
    own: tuple[str, Any] | None = None

    @property
    def column(self) -> str:
        return self.columns[0]


@dataclass(frozen=True)
class Scope:
    """The silver rows a fact of `day` is built from: `date_column`'s UTC date is `day`,
    and the SQL `filter` (NULL: not kept) holds."""

    date_column: str
    day: dt.date
    filter: str | None


class GoldHooks(Protocol):
    """What the plan asks of an engine. Queries are the engine's lazy objects; `run`
    returns each one's single row (a dict) or the exception it raised."""

    name: str

    def schema(self, frame: Any) -> dict[str, Any]: ...
    def dtype(self, actual: Any, params: dict[str, Any]) -> tuple[bool, str, str]: ...
    def aggregate(self, frame: Any, aggs: dict[str, Agg], scope: Scope | None = None) -> Any: ...
    def orphans(self, frame: Any, column: str, dim: Any, key: str) -> Any: ...
    def scd2(self, frame: Any, spec: CheckSpec) -> Any: ...
    def run(self, queries: Sequence[Any]) -> list[Row | Exception]: ...
    # samples, fetched for failing checks only
    def duplicate_keys(self, frame: Any, columns: list[str], k: int) -> list[Row]: ...
    def orphan_keys(self, frame: Any, column: str, dim: Any, key: str, k: int) -> list: ...
    def scd2_keys(self, frame: Any, spec: CheckSpec, k: int) -> list: ...
    def distinct_values(self, frame: Any, column: str) -> list: ...


def _built(make: Callable[..., Any], *args: Any) -> Any:
    """The engine's query, or the exception building it raised (Spark analyses a query
    as it is built: a filter over an absent column fails here, not when it runs)."""
    try:
        return make(*args)
    except Exception as exc:
        return exc


_SCHEMA = ("column_missing", "dtype")


def evaluate(
    specs: list[CheckSpec],
    gold: dict[str, Any],
    silver: dict[str, Any],
    date: str,
    *,
    hooks: GoldHooks,
    where: dict[str, str] | None = None,
    sample_keys: int = 5,
) -> tuple[list[Outcome], dict[str, int]]:
    """Outcomes of `specs` (in spec order) and the row count of each gold table read.

    `gold` maps gold table -> the engine's frame (None: partition absent), `silver` silver
    contract -> frame of the date's partition (None: absent); `where` names each one's
    path. `hooks`: the engine's (`run.hooks_for`)."""
    where = where or {}
    k = sample_keys
    started = time.perf_counter()
    results: dict[int, Outcome] = {}
    rows: dict[str, int] = {}
    schemas = {t: hooks.schema(f) for t, f in gold.items() if f is not None}
    bad_cols: dict[str, set[str]] = {t: set() for t in schemas}

    # -- schema (metadata only)
    for i, spec in enumerate(specs):
        t, col = spec.object, spec.column
        if spec.check not in _SCHEMA or t not in schemas:
            continue
        schema = schemas[t]
        if col not in schema:
            if spec.check == "column_missing":
                bad_cols[t].add(col)
                results[i] = V.column_missing(spec, False, where.get(t, t))
            else:
                results[i] = Outcome(spec, "skipped", f"{t}.{col}: column missing")
        elif spec.check == "column_missing":
            results[i] = V.column_missing(spec, True, "")
        else:
            ok, actual, want = hooks.dtype(schema[col], spec.params)
            if not ok:
                bad_cols[t].add(col)
            results[i] = V.dtype(spec, ok, actual, want)

    def skip_reason(spec: CheckSpec) -> str | None:
        tables = [spec.object]
        if spec.check == "gold_orphan_key":
            tables.append(spec.params["dimension"])
        cols = [c for c in (spec.column or "").split(",") if c]
        for t in tables:
            if gold.get(t) is None:
                return f"{t}: partition missing for {date}"
            broken = [c for c in cols if t == spec.object and c in bad_cols[t]]
            if broken:
                return f"{t}: column {', '.join(broken)} missing or mistyped"
        return None

    # a table read only as another's dimension (no check of its own) is not aggregated
    checked = {t for t in schemas if any(s.object == t for s in specs)}
    table_aggs: dict[str, dict[str, Agg]] = {t: {"__rows": Agg("rows")} for t in checked}
    table_readers: dict[str, list[Callable[[Row], None]]] = {t: [] for t in checked}
    scopes: dict[tuple[str, Scope], dict[str, Agg]] = {}
    scope_readers: dict[tuple[str, Scope], list[Callable[[Row | Exception], None]]] = {}
    alone: list[tuple[Any, Callable[[Row | Exception], None]]] = []
    day = dt.date.fromisoformat(date)

    def put(i: int, out: Outcome) -> None:
        results[i] = out

    for i, spec in enumerate(specs):
        if i in results:
            continue
        t, col, p = spec.object, spec.column, spec.params
        reason = skip_reason(spec) or (
            f"{t}: partition missing for {date}" if spec.check in _SCHEMA else None
        )
        if reason:
            results[i] = Outcome(spec, "skipped", reason)
            continue
        frame, aggs, readers = gold[t], table_aggs[t], table_readers[t]
        check = spec.check

        if check == "not_null":
            aggs[f"nn:{col}"] = Agg("nulls", (col,))
            readers.append(
                lambda r, i=i, spec=spec: put(
                    i, V.not_null(spec, int(r["__rows"]), int(r[f"nn:{spec.column}"]))
                )
            )

        elif check == "gold_grain":
            cols = p["columns"]
            aggs[f"grain:{col}"] = Agg("distinct", tuple(cols))
            readers.append(
                lambda r, i=i, spec=spec, frame=frame, cols=cols: put(
                    i,
                    V.grain(
                        spec,
                        int(r["__rows"]),
                        int(r[f"grain:{spec.column}"]),
                        lambda: hooks.duplicate_keys(frame, cols, k),
                    ),
                )
            )

        elif check == "gold_unknown_share":
            own = (p["own_key"], p["own_unknown"]) if p.get("own_key") else None
            aggs[f"unk:{col}"] = Agg("unknown", (col,), p["unknown"], own)
            aggs[f"unk:n:{col}"] = Agg("counted", own=own)
            readers.append(
                lambda r, i=i, spec=spec: put(
                    i,
                    V.unknown_share(
                        spec, int(r[f"unk:{spec.column}"]), int(r[f"unk:n:{spec.column}"])
                    ),
                )
            )

        elif check == "calendar_gap":
            for kind, alias in (
                ("nonnull", "cal:n"),
                ("distinct_nonnull", "cal:u"),
                ("min", "cal:min"),
                ("max", "cal:max"),
            ):
                aggs[f"{alias}:{col}"] = Agg(kind, (col,))

            def gaps(lo, hi, frame=frame, col=col):
                return V.missing_days(lo, hi, hooks.distinct_values(frame, col), k)

            readers.append(
                lambda r, i=i, spec=spec, col=col, gaps=gaps: put(
                    i,
                    V.calendar(
                        spec,
                        int(r[f"cal:n:{col}"]),
                        int(r[f"cal:u:{col}"]),
                        r[f"cal:min:{col}"],
                        r[f"cal:max:{col}"],
                        gaps,
                    ),
                )
            )

        elif check in ("reconcile_count", "reconcile_sum"):
            src = p["source"]
            if silver.get(src) is None:
                src_where = where.get(f"silver:{src}", src)
                results[i] = Outcome(
                    spec, "error", f"{t}: cannot reconcile, silver {src} partition missing "
                    f"({src_where})",
                )  # fmt: skip
                continue
            skey = (src, Scope(p["date_column"], day, p["filter"]))
            scopes.setdefault(skey, {"__rows": Agg("rows")})
            scope_readers.setdefault(skey, [])
            gold_alias = silver_alias = "__rows"
            if check == "reconcile_sum":
                gold_alias, silver_alias = f"sum:{col}", f"sum:{p['silver_column']}"
                aggs[gold_alias] = Agg("sum", (col,))
                scopes[skey][silver_alias] = Agg("sum", (p["silver_column"],))
            pair: dict[str, Any] = {}

            def finish(i=i, spec=spec, pair=pair):
                if "gold" not in pair or "silver" not in pair:
                    return
                if isinstance(pair["silver"], Exception):
                    put(i, V.error(spec, pair["silver"], spec.params["source"]))
                    return
                put(i, V.reconcile(spec, pair["gold"], pair["silver"], pair["rows"], date))

            def read_gold(r, pair=pair, alias=gold_alias, finish=finish):
                pair["gold"], pair["rows"] = r[alias], int(r["__rows"])
                finish()

            def read_silver(r, pair=pair, alias=silver_alias, finish=finish):
                pair["silver"] = r if isinstance(r, Exception) else r[alias]
                finish()

            readers.append(read_gold)
            scope_readers[skey].append(read_silver)

        elif check == "gold_orphan_key":
            dim, key = gold[p["dimension"]], p["key"]
            if key not in schemas[p["dimension"]]:
                results[i] = Outcome(spec, "skipped", f"{p['dimension']}: column {key} missing")
                continue

            def read_orphans(res, i=i, spec=spec, frame=frame, dim=dim, key=key):
                if isinstance(res, Exception):
                    put(i, V.error(spec, res, spec.object))
                    return
                col = spec.column
                keys = lambda: hooks.orphan_keys(frame, col, dim, key, k)  # noqa: E731
                put(i, V.orphans(spec, int(res["n"]), keys))

            alone.append((_built(hooks.orphans, frame, col, dim, key), read_orphans))

        elif check in ("scd2_current", "scd2_interval"):

            def read_scd2(res, i=i, spec=spec, frame=frame):
                if isinstance(res, Exception):
                    put(i, V.error(spec, res, spec.object))
                    return
                put(i, V.scd2(spec, res, lambda: hooks.scd2_keys(frame, spec, k)))

            alone.append((_built(hooks.scd2, frame, spec), read_scd2))

    # the batch: stand-alone queries, one aggregate per gold table, one per silver scope
    batch: list[tuple[Any, Callable[[Row | Exception], None]]] = list(alone)
    for t, aggs in table_aggs.items():

        def read_table(res, t=t):
            if isinstance(res, Exception):
                for j, spec in enumerate(specs):
                    if spec.object == t and j not in results:
                        put(j, V.error(spec, res, where.get(t, t)))
                return
            rows[t] = int(res["__rows"])
            for reader in table_readers[t]:
                reader(res)

        batch.append((_built(hooks.aggregate, gold[t], aggs), read_table))
    for (src, scope), aggs in scopes.items():

        def read_scope(res, key=(src, scope)):
            for reader in scope_readers[key]:
                reader(res)

        batch.append((_built(hooks.aggregate, silver[src], aggs, scope), read_scope))
    runnable = [q for q, _ in batch if not isinstance(q, Exception)]
    answers = iter(hooks.run(runnable))
    for q, reader in batch:
        reader(q if isinstance(q, Exception) else next(answers))

    per = (time.perf_counter() - started) * 1000 / max(len(specs), 1)
    out = []
    for i, spec in enumerate(specs):
        o = results.get(i) or Outcome(spec, "error", f"{spec.object}: not computed")
        o.duration_ms = per
        out.append(o)
    return out, rows
