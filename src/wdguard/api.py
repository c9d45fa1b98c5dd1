"""The Python API for jobs and notebooks (Databricks, Airflow, a silver job).

`import wdguard` exposes these functions (imported lazily, so `import wdguard` stays
cheap). Each returns the record the CLI renders and never prints or exits; bad input
raises `wdguard.InputError` (the CLI's exit 2), an unreachable source `wdguard.SourceError`.

    import wdguard

    record = wdguard.gate_date("abfss://lake@acct.dfs.core.windows.net/wastedump",
                               "2026-11-26", spark=spark)
    result = wdguard.derive_contracts("prisma/schema.prisma", out="contracts")
    drift = wdguard.drift_postgres(contracts="contracts", migrations="prisma/migrations")
    mongo = wdguard.drift_mongo(contracts="contracts", from_json="exports/")
    lint = wdguard.lint_migrations(["prisma/migrations"], schema="prisma/schema.prisma")
    report = wdguard.nightly_report(lake, "2026-11-26", out="report/")
    verdict = wdguard.validate_frame(silver_orders_df, "contracts/Order.yaml")

The Spark-first spelling of the gate is kept:

    from wdguard.api import gate, validate_dataframe

    record = gate(spark, "abfss://lake@acct.dfs.core.windows.net/wastedump", "2026-11-26")
    if record.exit_code != 0:
        raise SystemExit(record.exit_code)      # gold must not be built

    verdict = validate_dataframe(silver_orders_df, "contracts/Order.yaml")
    if not verdict.ok:
        raise ValueError(verdict.summary())     # refuse to write bad silver

Both return data (the run record, the frame's verdict) and never print or exit; the CLI
renders the same records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from wdguard.contracts.model import Contract
from wdguard.findings import Finding, HasExitCode, findings_json
from wdguard.record import CheckRecord, RunRecord

if TYPE_CHECKING:
    from wdguard.drift.lint.runner import LintResult
    from wdguard.drift.pg_drift import PostgresDrift

PathLike = str | Path


def gate_date(
    lake: PathLike | Any,
    date: str,
    *,
    layers: Sequence[str] = ("bronze", "silver"),
    contracts: PathLike = "contracts",
    spark: Any = None,
    engine: str | None = None,
    spark_master: str | None = None,
    sample_keys: int = 5,
    quarantine: bool = False,
    write: bool = True,
    progress: Callable[[str], None] | None = None,
    config: dict[str, Any] | None = None,
) -> RunRecord:
    """Gate one date of the lake, as `wdguard check` does: every check of the date's
    partitions in `layers` (`("gold",)` for the post-build gate).

    `config`: the parsed wdguard.toml (default: read it, or `$WDGUARD_CONFIG`); its
    `[lake]` table says where the partitions are, `[check] require_manifest` whether a
    partition without `_source.json` is undecided.

    Runs on Polars, or on Spark when `spark` is a SparkSession (or `engine="spark"`: the
    active session, else a local one on `spark_master`); every layer, gold included.
    `lake` is a folder, an `abfs://`/`abfss://`/`az://` URL or an open store. The run
    record is written to `_wdguard/runs/{date}/` unless `write=False`; `record.exit_code`
    is 0 (gold may be built), 1 (an error-level check failed) or 2 (undecided:
    `record.errors` says why). `progress` is called with each step's name (the CLI's
    spinner).

    >>> record = gate_date(lake, day)            # doctest: +SKIP
    >>> record.exit_code, record.verdict         # doctest: +SKIP
    (0, 'pass')
    """
    from wdguard.checks.engines import get_engine
    from wdguard.config import config_name, load_config, require_manifest
    from wdguard.gate import run_gate
    from wdguard.lake.layout import configured
    from wdguard.lake.stores import open_store

    name = engine or ("spark" if spark is not None else "polars")
    store = open_store(lake) if isinstance(lake, str | Path) else lake
    config = load_config() if config is None else config
    lake_layout = configured(store, config, config_name())  # bad [lake]: before any engine
    must = require_manifest(config)
    return run_gate(
        store,
        date,
        layers=tuple(layers),
        contracts_dir=contracts,
        sample_keys=sample_keys,
        quarantine=quarantine,
        write=write,
        progress=progress,
        engine=get_engine(name, spark=spark, spark_master=spark_master),
        lake=lake_layout,
        require_manifest=must,
    )


def contract_schema() -> dict[str, Any]:
    """The JSON Schema of a contract file (what `wdguard contracts schema` prints)."""
    from wdguard.contracts.model import contract_json_schema

    return contract_json_schema()


def load_contracts_from(
    schema: PathLike | None = None,
    contracts: PathLike | None = None,
    *,
    optional: bool = False,
    default_schema: str | None = None,
) -> list[Contract]:
    """Contracts derived in memory from `schema` (schema.prisma or a folder of .prisma
    files; models without `@@schema` live in `default_schema`, the `?schema=` of the
    app's URL), or read from the `contracts` folder; not both. With neither: ./contracts
    (no contracts at all when it is missing and `optional`)."""
    from wdguard.contracts.io import load_contracts
    from wdguard.errors import InputError

    if schema is not None and contracts is not None:
        raise InputError("give either --schema or --contracts, not both", where="--schema")
    if schema is not None:
        schema = Path(schema)
        if not schema.exists():
            raise InputError("no such schema file or folder", where=str(schema))
        from wdguard.contracts.prisma_derive import derive_contracts as derive

        return derive(schema, default_schema)
    if contracts is None:
        contracts = Path("contracts")
        if optional and not contracts.is_dir():
            return []
    return load_contracts(Path(contracts))


def derive_contracts(
    schema: PathLike, out: PathLike = "contracts", *, prune: bool = False, write: bool = True,
    migrations: PathLike | None = None,
) -> dict[str, Any]:
    """Derive one contract per Prisma model into `out`, keeping hand edits (as
    `wdguard contracts derive prisma`). Returns what the CLI's JSON shows: `schema`, `out`,
    `contracts` (one row per contract with `status` created / unchanged / bumped /
    updated and `version`) and `orphaned` (contracts whose model is gone). Nothing is
    written when the schema does not parse, nor with `write=False` (a dry run: are the
    committed contracts what the schema derives?)."""
    from wdguard.contracts.prisma_derive import derive_contracts as derive
    from wdguard.contracts.sync import sync_contracts

    derived = derive(Path(schema))  # raises before anything is written
    _note_arrivals(derived, Path(schema), migrations)
    result = sync_contracts(derived, Path(out), kind="postgres", prune=prune, write=write)
    return {"schema": str(schema), **result}


def _note_arrivals(contracts: list[Contract], schema: Path, migrations: PathLike | None) -> None:
    """Each column's `added_by`: the migration that added it to its table (`migrations`,
    else the `migrations/` folder next to schema.prisma when there is one)."""
    from wdguard.drift.lint.arrivals import column_arrivals
    from wdguard.errors import InputError

    folder = Path(migrations) if migrations is not None else (
        (schema if schema.is_dir() else schema.parent) / "migrations")
    if migrations is None and not folder.is_dir():
        return
    if not folder.is_dir():
        raise InputError("migrations folder not found", where=str(folder))
    arrivals = column_arrivals(folder)
    for contract in contracts:
        for name, column in contract.columns.items():
            migration = arrivals.get((contract.object_name, name))
            if migration:
                column.added_by = migration


def drift_postgres(
    dsn: str | None = None,
    *,
    contracts: PathLike | None = None,
    schema: PathLike | None = None,
    migrations: PathLike | None = None,
    statement_timeout_ms: int = 30_000,
) -> PostgresDrift:
    """Contracts (or a schema.prisma derived in memory) vs the live database, plus the
    migration history when `migrations` is given. `dsn` defaults to `$WDGUARD_PG_DSN`; the
    session is read-only. `result.findings` are PGD findings, `result.exit_code` the CLI's
    code (`result.strict_exit_code` with --strict), `result.to_dict()` its JSON."""
    from wdguard.drift.pg_drift import postgres_drift
    from wdguard.sources.postgres import connect, describe, dsn_schema, resolve_dsn

    dsn = resolve_dsn(dsn)
    db_schema = dsn_schema(dsn)  # Prisma's ?schema=: models without @@schema live there
    found = load_contracts_from(schema, contracts, default_schema=db_schema)
    with connect(dsn, statement_timeout_ms=statement_timeout_ms) as conn:
        return postgres_drift(
            conn, found, target=describe(dsn),
            migrations_dir=Path(migrations) if migrations is not None else None,
            migrations_schema=db_schema,
        )


@dataclass
class MongoDrift(HasExitCode):
    """Mongo drift of the contracted collections (what `wdguard drift mongo` renders)."""

    target: str
    contracts: list[str]
    collections: dict[str, int]  # documents sampled per collection
    findings: list[Finding] = field(default_factory=list)

    def to_dict(self, *, strict: bool = False) -> dict[str, Any]:
        return findings_json(
            self.findings, command="drift mongo", target=self.target,
            contracts=self.contracts, collections=self.collections, strict=strict,
            exit_code=self.strict_exit_code if strict else int(self.exit_code),
        )


def drift_lake(lake: PathLike | Any, *, contracts: PathLike = "contracts",
               layers: Sequence[str] = ("bronze", "silver"),
               config: dict[str, Any] | None = None) -> Any:
    """Schema drift inside the lake (as `wdguard drift lake`): each Delta table's schema
    history and each table's or parquet partition's columns against the contracts, found
    where the lake's layout puts them (`config`: the parsed wdguard.toml, default: read
    it; its `[lake]`, else the lake's `_wdguard/lake.toml`, else wdguard's own layout).
    Returns a `LakeDrift`: `.findings` (LKD), `.exit_code()`, `.to_dict()`."""
    from wdguard.config import config_name, load_config
    from wdguard.contracts.io import load_contracts
    from wdguard.drift.lake_drift import lake_drift
    from wdguard.lake.layout import configured
    from wdguard.lake.stores import open_store

    store = open_store(lake) if isinstance(lake, str | Path) else lake
    config = load_config() if config is None else config
    lake_layout = configured(store, config, config_name())
    folder = Path(contracts)
    found = load_contracts(folder) if folder.is_dir() else []
    return lake_drift(store, found, layers=layers, lake=lake_layout)


def drift_mongo(
    *,
    uri: str | None = None,
    db: str | None = None,
    from_json: PathLike | None = None,
    contracts: PathLike = "contracts",
    collections: Iterable[str] | None = None,
    sample_size: int = 1000,
    since: dt.datetime | None = None,
    since_field: str | None = None,
    today: dt.date | None = None,
) -> MongoDrift:
    """Mongo contracts vs freshly sampled documents: from the live database (`uri`, default
    `$WDGUARD_MONGO_URI`; read-only `$sample`) or, offline, from Extended JSON files in
    `from_json` (COLLECTION.json). Returns MGD findings."""
    from wdguard.contracts.io import load_contracts
    from wdguard.drift.mongo_diff import drift_collection, extra_collections
    from wdguard.errors import InputError
    from wdguard.redact import redact_text
    from wdguard.sources.mongo import URI_ENV, JsonDocuments, LiveDocuments, connect

    folder = Path(contracts)
    wanted = list(collections or ())
    found = [c for c in load_contracts(folder) if c.source.kind == "mongodb"] \
        if folder.is_dir() else []
    if wanted:
        found = [c for c in found if c.source.collection in wanted]
    if not found:
        raise InputError("no MongoDB contracts to check", where=str(folder))
    source_dir = Path(from_json) if from_json is not None else None
    client = connect(uri) if source_dir is None else None
    sources: dict[str, Any] = {}
    findings: list[Finding] = []
    sampled: dict[str, int] = {}
    for contract in found:
        database = db or contract.source.database
        if not database and source_dir is None:
            raise InputError(f"contract {contract.contract} names no database; pass --db",
                             where="--db")
        key = database or ""
        if key not in sources:
            sources[key] = (JsonDocuments(source_dir, database) if source_dir is not None
                            else LiveDocuments(client, database))
        got, count = drift_collection(
            sources[key], contract, size=sample_size, since=since,
            since_field=since_field, today=today or dt.date.today(),
        )
        sampled[contract.source.collection or contract.contract] = count
        findings.extend(got)
    if not wanted:
        contracted = {c.source.collection for c in found}
        modelled = {c.source.collection for c in found if c.mongoose is not None}
        for source in sources.values():
            findings.extend(extra_collections(contracted, source.collections(),
                                              source.database, modelled))
    if source_dir is not None:
        target = str(source_dir)
    else:
        import os

        target = redact_text(uri or os.environ.get(URI_ENV, ""))
    return MongoDrift(target, [c.contract for c in found], sampled, findings)


def lint_migrations(
    paths: Iterable[PathLike] = (),
    *,
    since: str | None = None,
    dsn: str | None = None,
    schema: PathLike | None = None,
    contracts: PathLike | None = None,
    config: PathLike | None = None,
    max_scan_rows: int | None = None,
    live_timeout: float | None = None,
) -> LintResult:
    """Lint Prisma migrations before deploy (as `wdguard migrations lint`): the given
    `migration.sql` files or migrations folders (default ./prisma/migrations), or those
    added since git ref `since` (untracked ones included), or those the database at
    `dsn` has not applied, checked against its live data too (read-only, scans bounded by
    `max_scan_rows`, each query by `live_timeout` seconds). `result.findings` are WDL
    findings (suppressed ones in `result.suppressed`); the impact on contracts comes from
    `schema` or `contracts` (./contracts when present). schema.prisma (`schema`, or the
    one beside the migrations folder) is compared with what the migrations build
    (WDL020). `config` is a wdguard.toml with a `[lint]` table."""
    from wdguard.config import load_config
    from wdguard.drift.lint.runner import LintConfig, lint
    from wdguard.drift.lint.select import select_migrations
    from wdguard.drift.lint.sync import schema_findings

    cfg = load_config(Path(config) if config is not None else None)
    lint_config = LintConfig.from_table(cfg.get("lint"), where=str(config or "wdguard.toml"))
    found = load_contracts_from(schema, contracts, optional=True)
    selection = select_migrations([Path(p) for p in paths], since, dsn)
    extra = schema_findings(selection, Path(schema) if schema is not None else None)
    if not dsn or not selection.targets:
        result = lint(selection.targets, history=selection.history, contracts=found,
                      config=lint_config, extra=extra)
    else:
        from wdguard.drift.lint.live import DEFAULT_MAX_SCAN_ROWS, DEFAULT_TIMEOUT_S, LiveProbe
        from wdguard.sources.postgres import connect, dsn_schema, resolve_dsn

        dsn = resolve_dsn(dsn)
        timeout = DEFAULT_TIMEOUT_S if live_timeout is None else live_timeout
        with connect(dsn, statement_timeout_ms=int(timeout * 1000) + 1000) as conn, LiveProbe(
            conn, max_scan_rows=max_scan_rows or DEFAULT_MAX_SCAN_ROWS, timeout_s=timeout,
            search_path=dsn_schema(dsn),
        ) as live:
            result = lint(selection.targets, history=selection.history, contracts=found,
                          config=lint_config, extra=extra, live=live)
    result.untracked = selection.untracked
    return result


def nightly_report(
    lake: PathLike,
    date: str,
    *,
    out: PathLike | None = None,
    contracts: PathLike | None = None,
    drift: dict[str, list[Finding]] | None = None,
    days: int = 30,
) -> dict[str, Any]:
    """The nightly report of `date` as the dict `report.json` holds: gate status per day,
    failing-check trends, SLA breaches, drift (pass the findings of `drift_postgres` /
    `drift_mongo` keyed by source, e.g. `{"postgres": result.findings}`) and the cache
    snapshot. With `out`, report.json, report.md and report.html are written there.
    Alerts are not sent (that is the CLI's `wdguard report nightly`)."""
    import json

    from wdguard.contracts.io import load_contracts
    from wdguard.lake.layout import date_str
    from wdguard.lake.stores import open_store
    from wdguard.report.nightly import build_report
    from wdguard.report.render_html import render_html
    from wdguard.report.render_md import render_markdown

    found = load_contracts(Path(contracts)) if contracts is not None else (
        load_contracts(Path("contracts")) if Path("contracts").is_dir() else [])
    report = build_report(open_store(lake), date_str(date), drift=drift or {},
                          contracts=found, days=days)
    if out is not None:
        from wdguard.contracts.io import atomic_write_text

        texts = {"report.json": json.dumps(report, indent=2, default=str) + "\n",
                 "report.md": render_markdown(report), "report.html": render_html(report)}
        for name, text in texts.items():
            atomic_write_text(Path(out) / name, text)
    return report


def gate(
    spark: Any,
    lake: str | Path,
    date: str,
    *,
    layers: list[str] | tuple[str, ...] = ("bronze", "silver"),
    contracts_dir: str | Path = "contracts",
    sample_keys: int = 5,
    quarantine: bool = False,
    write: bool = True,
) -> RunRecord:
    """Gate one lake date with `spark` (a SparkSession; None runs the Polars engine).

    The record is written create-only to `_wdguard/runs/{date}/` unless `write=False`;
    `record.exit_code` is 0 (build gold), 1 (a check failed) or 2 (undecided). The same
    as `gate_date(lake, date, spark=spark, ...)`."""
    return gate_date(lake, date, layers=layers, contracts=contracts_dir, spark=spark,
                     sample_keys=sample_keys, quarantine=quarantine, write=write)


class FrameVerdict(BaseModel):
    """The checks of one contract on one in-memory frame, as in a run record."""

    contract: str
    layer: str
    engine: str
    row_count: int
    checks: list[CheckRecord]

    @property
    def ok(self) -> bool:
        """No error-level check failed or errored (warnings do not block)."""
        return not any(
            c.status == "error" or (c.status == "fail" and c.severity == "error")
            for c in self.checks
        )

    @property
    def exit_code(self) -> int:
        """As a run record's: 0 ok, 1 an error-level check failed, 2 a check errored."""
        if any(c.status == "error" for c in self.checks):
            return 2
        return 0 if self.ok else 1

    @property
    def failed(self) -> list[CheckRecord]:
        return [c for c in self.checks if c.status in ("fail", "error")]

    def summary(self) -> str:
        """One line per failing check, ruff-style: `Order.total_amount: WDG023 between ...`."""
        lines = [f"{self.contract} ({self.layer}, {self.row_count} rows): "
                 f"{'ok' if self.ok else 'FAILED'}"]
        for c in self.failed:
            where = self.contract + (f".{c.column}" if c.column else "")
            lines.append(f"  {where}: {c.code} {c.severity} {c.check} {c.message}".rstrip())
        return "\n".join(lines)


def validate_frame(
    frame: Any, contract: Contract | PathLike, *, layer: str = "silver", sample_keys: int = 5
) -> FrameVerdict:
    """Check an in-memory frame (Polars DataFrame/LazyFrame or Spark DataFrame) against one
    contract before it is written; see `validate_dataframe`."""
    return validate_dataframe(frame, contract, layer=layer, sample_keys=sample_keys)


def validate_dataframe(
    frame: Any,
    contract: Contract | str | Path,
    *,
    layer: str = "silver",
    sample_keys: int = 5,
) -> FrameVerdict:
    """Check a Spark DataFrame (or a Polars DataFrame/LazyFrame) against one contract
    before it is written: schema, every row check and key uniqueness, as the gate runs them
    on `layer`. Cross-partition checks (foreign keys, volume, freshness against the
    extraction) need the lake and are the gate's."""
    from wdguard.checks.engines import engine_for
    from wdguard.checks.rules import validate_rules
    from wdguard.contracts.io import load_contract
    from wdguard.gate import _to_record
    from wdguard.lake import layout

    layout.layer_root(layer, "postgres")  # validates the layer name
    if not isinstance(contract, Contract):
        contract = load_contract(Path(contract))
    if type(frame).__module__.startswith("polars"):
        frame = frame.lazy()
    engine = engine_for(frame)
    validate_rules([contract], engine)  # a rule that is not a row expression: exit 2
    with engine.running():
        result = engine.check_partition(
            frame, contract, layer, where=f"{contract.contract} frame",
            sample_keys=sample_keys, quarantine=False,
        )
    return FrameVerdict(
        contract=contract.contract,
        layer=layer,
        engine=engine.name,
        row_count=result.row_count,
        checks=[_to_record(o, layer) for o in result.outcomes],
    )
