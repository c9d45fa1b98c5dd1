"""`wdguard check`: the pipeline gate on one date's bronze/silver partitions.

Thin: parse options, run `gate.run_gate`, render the run record. The exit code is the
record's own (`record.exit_code`): 0 gold may be built, 1 a check failed, 2 undecided.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from wdguard.audit import audit_command, note_alerts
from wdguard.commands._common import console, err_console, guarded, print_json
from wdguard.config import load_config
from wdguard.errors import InputError
from wdguard.lake.layout import LAYERS
from wdguard.lake.stores import open_store

if TYPE_CHECKING:  # the gate pulls in pandera and polars: import it only when checking
    from wdguard.record import RunRecord


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


_STATUS = {
    "pass": "[green]pass[/]",
    "fail": "[bold red]FAIL[/]",
    "skipped": "[dim]skip[/]",
    "error": "[bold magenta]ERROR[/]",
}
_VERDICT = {
    "pass": "[bold green]PASS[/]",
    "fail": "[bold red]FAIL[/]",
    "undecided": "[bold magenta]UNDECIDED[/]",
}


def parse_layers(text: str) -> list[str]:
    layers = [p.strip() for p in text.split(",") if p.strip()]
    bad = [p for p in layers if p not in LAYERS]
    if not layers or bad:
        raise InputError(
            f"unknown layer(s) {', '.join(bad) or '(none)'}: use bronze,silver,gold",
            where="--layer",
        )
    return layers


def engine_options(
    config: dict, engine: str | None, spark_master: str | None
) -> tuple[str, str | None]:
    """(engine, spark master) from the options, else `[check]` in wdguard.toml."""
    table = config.get("check", {})
    if not isinstance(table, dict):
        raise InputError("[check] must be a table", where="wdguard.toml")
    name = engine or table.get("engine", "polars")
    if name not in ("polars", "spark"):
        where = "--engine" if engine else "wdguard.toml [check] engine"
        raise InputError(f"unknown engine {name!r}: use polars or spark", where=where)
    master = spark_master or table.get("spark_master")
    if master is not None and not isinstance(master, str):
        raise InputError("spark_master must be a string", where="wdguard.toml [check]")
    return name, master


def _short(value: object, width: int = 13) -> str:
    text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(record: RunRecord) -> None:
    """A summary per contract, then the table of failing checks, then the verdict."""
    # a title, not a command line: `wdguard check 2026-11-26` would not run as printed
    title = f"checks of {record.inputs.date} ({', '.join(record.inputs.layers)})"
    summary = Table(title=title, title_justify="left")
    # the columns count as the verdict line does: a failed warn-level check is a warning
    for col in ("layer", "contract", "rows", "passed", "failed", "warnings", "skipped",
                "errors"):
        summary.add_column(col, justify="right" if col not in ("layer", "contract") else "left")
    rows: dict[tuple[str, str], list[int]] = {}
    for c in record.checks:
        key = (c.layer or "-", c.contract or c.object or "-")
        counts = rows.setdefault(key, [0, 0, 0, 0, 0])
        status = "warn" if c.status == "fail" and c.severity != "error" else c.status
        counts[{"pass": 0, "fail": 1, "warn": 2, "skipped": 3, "error": 4}[status]] += 1
    sizes = {(p.layer, p.contract): p.row_count for p in record.partitions}
    for (layer, contract), (ok, bad, warn, skip, err) in rows.items():
        n = sizes.get((layer, contract))
        summary.add_row(
            layer,
            contract,
            "-" if n is None else f"{n:,}",
            str(ok),
            f"[red]{bad}[/]" if bad else "0",
            f"[yellow]{warn}[/]" if warn else "0",
            str(skip),
            f"[magenta]{err}[/]" if err else "0",
        )
    console.print(summary)
    failing = [c for c in record.checks if c.status in ("fail", "error")]
    if failing:
        # ruff-style lines rather than a table: they stay readable at 80 columns and in logs
        console.print("[bold]failing checks[/]")
        for c in failing:
            sev = "error" if c.status == "error" else c.severity
            style = "red" if sev == "error" else "yellow"
            where = (c.contract or c.object or "") + (f".{c.column}" if c.column else "")
            rows = "" if c.failing_rows is None else f" [{c.failing_rows:,} row(s)]"
            console.print(
                f"  {c.layer or '-'}:{where}: [{style}]{c.code} {sev}[/] "
                f"{c.check}{' ' + c.name if c.name else ''}{rows} {escape(c.message)}"
            )
            if c.sample_keys:  # one example is enough on screen; json has them all
                key = ", ".join(f"{k}={_short(v, 40)}" for k, v in c.sample_keys[0].items())
                console.print(f"    [dim]e.g. {escape(key)}[/]")
    for err in record.errors:
        console.print(f"[magenta]could not decide:[/] {escape(err)}", markup=True)
    s = record.summary
    console.print(
        f"{_VERDICT[record.verdict]} exit {record.exit_code} - {s.checks} checks: "
        f"{s.passed} passed, {s.failed_error} failed, {s.failed_warn} warnings, "
        f"{s.skipped} skipped, {s.errors} errors - run {record.run_id} "
        f"({(record.duration_ms or 0) / 1000:.1f}s)"
    )


@contextmanager
def _spinner(show: bool) -> Iterator[Callable[[str], None] | None]:
    """A progress callback ticking a transient spinner on stderr, or None if not shown."""
    if not show:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.completed} checked"),
        TextColumn("[dim]{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("", total=None)
        yield lambda label: bar.update(task, advance=1, description=label)


@guarded
@audit_command("check")
def check(
    lake: str = typer.Option(
        ..., "--lake", help="Lake root: a folder or abfs://container@account/prefix."
    ),
    date: str = typer.Option(..., "--date", help="The date to check (YYYY-MM-DD)."),
    layer: str = typer.Option("bronze,silver", "--layer", help="Layers, comma-separated."),
    contracts: Path = typer.Option(Path("contracts"), "--contracts", help="Contracts folder."),
    quarantine: bool = typer.Option(
        False,
        "--quarantine",
        help="Write failing rows with reasons to quarantine/{date}/{object}/.",
    ),
    sample_keys: int = typer.Option(
        5, "--sample-keys", min=0, help="Sample keys per failing check."
    ),
    fmt: CheckFormat = typer.Option(
        CheckFormat.text, "--format", "-f", help="text, json or junit."
    ),
    engine: str | None = typer.Option(
        None,
        "--engine",
        help="polars (default: one machine, no Java) or spark (the active SparkSession, "
        "else a local one). Default from [check] engine in wdguard.toml.",
    ),
    spark_master: str | None = typer.Option(
        None,
        "--spark-master",
        help="Spark master for a local session, e.g. local[*] (default from [check] "
        "spark_master; ignored when a SparkSession is already active).",
    ),
) -> None:
    """Run the gate on one date's partitions; exit 0 pass, 1 a check failed, 2 undecided."""
    from wdguard.report.alerts import load_alert_config, notify_run

    layers = parse_layers(layer)
    # a broken wdguard.toml is bad input found before any check runs (exit 2, nothing
    # written), not a warning after the verdict that alerts silently never went out
    config = load_config()
    load_alert_config(config)
    engine_name, master = engine_options(config, engine, spark_master)
    store = open_store(lake)
    # heavy (polars, pandera, pyspark): only when a gate runs, after the options are good
    from wdguard.api import gate_date

    with _spinner(fmt == CheckFormat.text and err_console.is_terminal) as step:
        record = gate_date(store, date, layers=layers, contracts=contracts, engine=engine_name,
                           spark_master=master, sample_keys=sample_keys,
                           quarantine=quarantine, progress=step, config=config)
    if fmt == CheckFormat.json:
        print_json(record.model_dump(mode="json"))
    elif fmt == CheckFormat.junit:
        from wdguard.report.junit import render_junit

        sys.stdout.write(render_junit(record))
    else:
        render_text(record)
    problems = record.errors + [c.message for c in record.checks if c.status == "error"]
    for err in problems:  # why the gate could not decide, one line each
        sys.stderr.write("wdguard: error: " + " ".join(err.split()) + "\n")
    deliveries = notify_run(record)  # never changes the exit code
    note_alerts([d.to_dict() for d in deliveries])
    raise typer.Exit(record.exit_code)
