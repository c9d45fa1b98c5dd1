"""`wdguard metrics backfill`: column metrics of past partitions into the metrics table."""

from __future__ import annotations

from pathlib import Path

import typer

from wdguard.audit import audit_command
from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json


@guarded
@audit_command("metrics backfill")
def backfill(
    lake: str = typer.Option(
        ..., "--lake", help="Lake root: a folder or abfs://container@account/prefix."
    ),
    start: str = typer.Option(..., "--from", help="First date (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--to", help="Last date, included (YYYY-MM-DD)."),
    layer: str = typer.Option("bronze,silver", "--layer", help="Layers, comma-separated."),
    contracts: Path = typer.Option(Path("contracts"), "--contracts", help="Contracts folder."),
    replace: bool = typer.Option(
        False, "--replace", help="Measure dates the table already holds again (newest wins)."
    ),
    engine: str | None = typer.Option(
        None, "--engine", help="polars or spark (default from [check] engine in wdguard.toml)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Compute the metrics of past partitions (no checks judged, no run record written),
    so anomalies have history from the first gate run. Exit 2 if a partition was unreadable."""
    from wdguard.commands.check import engine_options, parse_layers
    from wdguard.config import config_name, load_config
    from wdguard.lake.layout import configured
    from wdguard.lake.stores import open_store

    layers = parse_layers(layer)
    config = load_config()
    engine_name, master = engine_options(config, engine, None)
    store = open_store(lake)
    lake_layout = configured(store, config, config_name())
    from wdguard.checks.engines import get_engine
    from wdguard.metrics.backfill import backfill as run

    results = run(store, start, end, layers=layers, contracts_dir=contracts, lake=lake_layout,
                  engine=get_engine(engine_name, spark_master=master), replace=replace)
    errors = [e for r in results for e in r.errors]
    if fmt == OutputFormat.json:
        print_json([r.to_dict() for r in results])
    else:
        for r in results:
            what = {"written": f"{r.rows} metric(s) of {r.partitions} partition(s) -> {r.path}",
                    "skipped": "already in the table (--replace to measure again)",
                    "empty": "no partition"}[r.status]
            console.print(f"{r.date}: {what}", markup=False)
        for e in errors:
            console.print(f"  unreadable: {e}", markup=False)
    raise typer.Exit(2 if errors else 0)
