"""Schema drift inside the lake (`wdguard drift lake`): LKD findings.

Two sources of truth about the lake's shape, neither read by the gate's per-date checks:

* each Delta table's log: consecutive `metaData` schemas and `protocol` actions, so every
  column added by a schema-merging append, dropped, renamed (column mapping), widened or
  retyped, or made nullable is reported with the version and commit time it happened at;
* each table's current columns (Delta) and each parquet partition's (bronze and silver,
  every date present) against the contracts: columns no contract describes, contract
  columns absent (unless they arrived with a migration after the partition), silver types
  that are not the contract's. A difference repeated over many dates is one finding
  naming the first and last date.

Reads only logs and parquet footers. Both follow the lake's layout (`[lake]` of
wdguard.toml, else the lake's `_wdguard/lake.toml`, else wdguard's own): Delta tables are
found under each layer's top folder; parquet partitions are every date present under each
contract's path template (`lake/dates.py`), resolved as the gate resolves them
(`lake/resolve.py`). Gold Delta tables get their history (gold contracts describe grain
and keys, not every column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import wdguard.drift.lake_kinds  # noqa: F401  (registers every kind)
from wdguard.contracts.arrival import arrives_after
from wdguard.contracts.model import Column, Contract
from wdguard.findings import REGISTRY, Finding, findings_json, worst_exit
from wdguard.lake import layout
from wdguard.lake.delta import DELTA_LOG
from wdguard.lake.delta.log import Commit, current_metadata, read_log
from wdguard.lake.delta.protocol import needed_features
from wdguard.lake.delta.schema import Field, diff_schemas
from wdguard.lake.delta.types import delta_type_of as _polars_delta_type

_HISTORY_CODES = {
    "added": "LKD101", "dropped": "LKD102", "renamed": "LKD103", "type_widened": "LKD104",
    "type_changed": "LKD105", "became_nullable": "LKD106", "became_required": "LKD107",
}
_LAYER_OF_ROOT = {"raw": "bronze", "silver": "silver", "gold": "gold"}


@dataclass
class DeltaTableSummary:
    path: str
    layer: str
    version: int
    commits: int
    reader_features: list[str]
    contract: str | None = None


@dataclass
class LakeDrift:
    lake: str
    tables: list[DeltaTableSummary] = field(default_factory=list)
    partitions: int = 0  # parquet partitions whose schema was compared
    catalog: list[str] = field(default_factory=list)  # catalog tables: not read (Spark's)
    findings: list[Finding] = field(default_factory=list)

    def exit_code(self, *, strict: bool = False) -> int:
        return worst_exit(self.findings, strict=strict)

    def to_dict(self, *, strict: bool = False) -> dict[str, Any]:
        return findings_json(
            self.findings, command="drift lake", lake=self.lake,
            tables=[t.__dict__ for t in self.tables], partitions=self.partitions,
            catalog_tables=self.catalog,
            strict=strict, exit_code=self.exit_code(strict=strict),
        )


def _when(commit: Commit) -> str:
    at = commit.timestamp.isoformat(timespec="seconds") if commit.timestamp else "time unknown"
    return f"version {commit.version} ({at})"


def _details(commit: Commit, **extra: Any) -> dict[str, Any]:
    out = {"version": commit.version, "operation": commit.operation, **extra}
    if commit.timestamp:
        out["committed_at"] = commit.timestamp.isoformat()
    return {k: v for k, v in out.items() if v is not None}


def layer_roots(lake: layout.LakeLayout) -> dict[str, str]:
    """Top folder -> layer: wdguard's own (`raw`, `silver`, `gold`) and the first folder
    of each layer's path in the lake's layout (`[lake]`, or `_wdguard/lake.toml` as `lake
    generate --style` writes it)."""
    roots = dict(_LAYER_OF_ROOT)
    for name, lay in [*lake.layers.items(), *((k[0], v) for k, v in lake.overrides.items())]:
        top = lay.path.text.strip("/").split("/", 1)[0]
        if "{" not in top:
            roots.setdefault(top, name)
    return roots


def delta_tables(store, roots: dict[str, str] | None = None) -> list[str]:
    """Paths of the Delta tables under the lake's layer roots (folders with _delta_log)."""
    found: set[str] = set()
    for root in roots or _LAYER_OF_ROOT:
        for name in store.list(root):
            head, sep, _ = name.partition(f"/{DELTA_LOG}/")
            if sep:
                found.add(head)
    return sorted(found)


def history_findings(path: str, commits: list[Commit]) -> list[Finding]:
    """LKD101-108: every schema and protocol change along the table's log."""
    out: list[Finding] = []
    schema: list[Field] | None = None
    features: set[str] = set()
    for commit in commits:
        if commit.protocol is not None:
            now = set(needed_features(commit.protocol))
            for feature in sorted(now - features) if commit.version else ():
                out.append(REGISTRY["LKD108"].finding(
                    f"{path}: reader feature {feature} required from {_when(commit)}",
                    object=path, details=_details(commit, feature=feature)))
            features = now
        if commit.schema is None:
            continue
        if schema is not None:
            for change in diff_schemas(schema, commit.schema):
                text = {
                    "added": f"column {change.column!r} ({change.after}) added",
                    "dropped": f"column {change.column!r} ({change.before}) dropped",
                    "renamed": f"column {change.before!r} renamed to {change.after!r}",
                    "became_nullable": f"column {change.column!r} became nullable",
                    "became_required": f"column {change.column!r} became NOT NULL",
                }.get(change.kind, f"column {change.column!r} type {change.before} -> "
                                   f"{change.after}")
                out.append(REGISTRY[_HISTORY_CODES[change.kind]].finding(
                    f"{path}: {text} in {_when(commit)}", object=path, column=change.column,
                    details=_details(commit, before=change.before, after=change.after)))
        schema = commit.schema
    return out


def delta_type(column: Column) -> str:
    """The Delta type a contract column is stored as (the lake's dtype, in Delta's words)."""
    from wdguard.contracts.types import polars_dtype

    return _polars_delta_type(polars_dtype(column))


def _contract_for(contracts: list[Contract], layer: str, path: str) -> Contract | None:
    obj = path.rstrip("/").rsplit("/", 1)[-1]
    if layer == layout.GOLD:
        return None
    return next((c for c in contracts if c.object_name == obj), None)


def contract_findings(where: str, contract: Contract, columns: dict[str, str | None], *,
                      layer: str, date: str, migration_head: str | None,
                      typed: bool) -> list[tuple[str, str | None, str, dict[str, Any]]]:
    """(code, column, message, details) of one lake object against its contract;
    `columns` maps the object's columns to their Delta type (None: not compared)."""
    tops = set(contract.columns) | {k.split(".", 1)[0].split("[]", 1)[0] for k in contract.columns}
    out = []
    for col in columns:
        if col not in tops:
            out.append(("LKD111", col, f"{where}: column {col!r} is not in contract "
                        f"{contract.contract}", {}))
    for name, column in contract.columns.items():
        if "." in name or "[]" in name:
            continue  # nested paths: the gate's column checks cover them
        if name not in columns:
            if not arrives_after(column, migration_head=migration_head, date=date):
                out.append(("LKD112", name, f"{where}: contract column {name!r} is absent", {}))
            continue
        actual = columns[name]
        if typed and layer != "bronze" and actual is not None:
            want = delta_type(column)
            if actual != want:
                out.append(("LKD113", name, f"{where}: column {name!r} is {actual}, the "
                            f"contract stores {want}", {"actual": actual, "expected": want}))
    return out


def _partition_columns(store, path: str, files: list[str]) -> dict[str, str]:
    """The first data file's columns and their types (a parquet footer read)."""
    import polars as pl

    uri, options = store.scan_target(f"{path}/{files[0]}")
    lf = pl.scan_parquet(uri, storage_options=options) if options else pl.scan_parquet(uri)
    return {n: _polars_delta_type(t) for n, t in lf.collect_schema().items()}


def _pattern(template: layout.Template, *, layer: str, contract: Contract) -> str:
    """Where a contract's partitions of `layer` are, every date a `*`, for messages:
    `raw/postgres/*/users`, `landing/postgres/users/*/*/*`."""
    return template.text.format(
        layer=layer, source=contract.source.kind, object=contract.object_name,
        **dict.fromkeys(layout.DATE_PLACEHOLDERS, "*")).strip("/")


def _parquet_files(part) -> list[str]:
    """The partition's parquet data files (JSON lines and CSV bronze is text: its types
    are no drift). A partition the resolver could not classify keeps its parquet files."""
    from wdguard.lake.formats import file_format

    if part.format != "parquet":
        return []
    files = part.files if part.files is not None else part.data_files
    return [f for f in files if file_format(f) in (None, "parquet")]


def parquet_findings(store, contracts: list[Contract], layers: Iterable[str],
                     lake: layout.LakeLayout | None = None) -> tuple[int, list[Finding]]:
    """(partitions compared, LKD111-113 findings grouped over the dates they persist):
    every date present under the lake's layout (`lake/dates.py`), each resolved as the
    gate resolves it (`lake/resolve.py`). A contract whose location is a Delta table is
    compared by `lake_drift` from the table's log instead."""
    from wdguard.lake.dates import contract_dates
    from wdguard.lake.resolve import resolve

    lake = lake or layout.LakeLayout.default()
    grouped: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    count = 0
    for contract in contracts:
        for layer in layers:
            where = _pattern(lake.of(layer, contract.contract).path, layer=layer,
                             contract=contract)
            for date in contract_dates(store, lake, contract, layer):
                part = resolve(store, lake, contract, layer, date)
                if part.format == "delta":
                    break
                files = _parquet_files(part)
                if not files:
                    continue
                head = part.manifest.migration_head if part.manifest is not None else None
                count += 1
                cols = _partition_columns(store, part.path, files)
                for code, col, msg, det in contract_findings(
                    where, contract, cols, layer=layer, date=date, migration_head=head,
                    typed=True,
                ):
                    g = grouped.setdefault((code, where, col), {
                        "message": msg, "first": date, "last": date, "dates": 0,
                        "details": det, "contract": contract.contract})
                    g["last"], g["dates"] = date, g["dates"] + 1
    out = []
    for (code, where, col), g in grouped.items():
        span = g["first"] if g["first"] == g["last"] else f"{g['first']}..{g['last']}"
        out.append(REGISTRY[code].finding(
            f"{g['message']} (partitions {span}, {g['dates']} date(s))", object=g["contract"],
            column=col, file=where,
            details={**g["details"], "first_date": g["first"], "last_date": g["last"],
                     "dates": g["dates"]}))
    return count, out


def lake_drift(store, contracts: list[Contract], *,
               layers: Iterable[str] = ("bronze", "silver"),
               lake: layout.LakeLayout | None = None) -> LakeDrift:
    """Every Delta table's schema history and current columns, and every parquet
    partition's columns, against the contracts. `lake`: the lake's layout (default: the
    lake's own `_wdguard/lake.toml`, else wdguard's default layout)."""
    result = LakeDrift(lake=store.url)
    lake = lake or layout.configured(store, {})
    # partitions of bronze and silver (gold's Delta tables get their history below)
    layers = [name for name in layers if name in layout.DEFAULT_PATHS]
    roots = layer_roots(lake)
    for path in delta_tables(store, roots):
        commits = read_log(store, path)
        layer = roots[path.split("/", 1)[0]]
        meta = current_metadata(commits)
        assert meta.schema is not None
        last = commits[-1]
        proto = next((c.protocol for c in reversed(commits) if c.protocol), None)
        contract = _contract_for(contracts, layer, path)
        result.tables.append(DeltaTableSummary(
            path, layer, last.version, len(commits),
            needed_features(proto) if proto else [], contract.contract if contract else None))
        result.findings += history_findings(path, commits)
        if contract is None:
            continue
        parts = set(meta.partition_columns or [])
        columns = {f.name: f.type for f in meta.schema
                   if f.name not in parts or f.name in contract.columns}
        day = (last.timestamp or dt.datetime.now(dt.UTC)).date().isoformat()
        for code, col, msg, det in contract_findings(
            f"{path} (version {last.version})", contract, columns, layer=layer, date=day,
            migration_head=None, typed=True,
        ):
            result.findings.append(REGISTRY[code].finding(
                msg, object=contract.contract, column=col, file=path,
                details={**det, "version": last.version}))
    result.partitions, found = parquet_findings(store, contracts, layers, lake)
    result.catalog = sorted({name for c in contracts for layer in layers if (
        name := lake.of(layer, c.contract).table_name(
            layer=layer, source=c.source.kind, obj=c.object_name)) is not None})
    result.findings += found
    return result
