"""`wdguard report nightly`: the day's gate, drift, impact and DQ trends as JSON/MD/HTML."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wdguard.audit import audited
from wdguard.commands._common import (
    FORMAT_OPTION,
    OutputFormat,
    command_contracts,
    console,
    err_console,
    guarded,
    print_json,
)
from wdguard.config import config_name, load_config
from wdguard.contracts.model import Contract
from wdguard.errors import InputError
from wdguard.findings import Finding
from wdguard.lake.layout import date_str
from wdguard.lake.stores import open_store

if TYPE_CHECKING:  # the report's modules are imported when it runs, not by `wdguard --help`
    from wdguard.report import alerts

FILES = ("report.json", "report.md", "report.html")


def _contracts(
    schema: Path | None, contracts_dir: Path | None, dsn: str | None = None
) -> list[Contract]:
    from wdguard.contracts.io import load_contracts

    if schema is None:
        return command_contracts(None, contracts_dir, default_optional=True)
    from wdguard.sources.postgres import DSN_ENV, dsn_schema

    # Prisma's ?schema= in the DSN is where models without @@schema live
    db_schema = dsn_schema(dsn or os.environ.get(DSN_ENV, ""))
    # schema.prisma describes PostgreSQL only: MongoDB contracts still come from -c
    others = load_contracts(contracts_dir) if contracts_dir is not None else []
    derived = command_contracts(schema, None, default_schema=db_schema)
    return derived + [c for c in others if c.source.kind != "postgres"]


def skipped_sources(dsn: str | None, migrations: Path | None, mongo_uri: str | None,
                    mongo_db: str | None, drift: dict[str, list[Finding]]) -> list[str]:
    """A note for each source the report did not look at, and why: an empty
    `--mongo-uri "$WDGUARD_MONGO_URI"` must not pass for a clean MongoDB."""
    notes = []
    if not (dsn or migrations is not None) and "postgres" not in drift:
        why = "--dsn is empty" if dsn == "" else "no --dsn"
        notes.append(f"PostgreSQL drift not checked: {why} (nor --drift-json of "
                     "`wdguard drift postgres`)")
    if migrations is None and "migrations" not in drift:
        notes.append("Prisma migration history not checked: no --migrations")
    if not mongo_uri and "mongodb" not in drift:
        why = "--mongo-uri is empty" if mongo_uri == "" else "no --mongo-uri"
        if mongo_db:
            why += f" (--mongo-db {mongo_db} alone samples nothing)"
        notes.append(f"MongoDB drift not checked: {why}")
    return notes


def write_outputs(out: Path, texts: dict[str, str]) -> None:
    """Write every file to a temp name first, then rename each into place."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create output folder: {exc.strerror}", where="--out") from None
    temps: dict[str, str] = {}
    try:
        for name, text in texts.items():
            fd, tmp = tempfile.mkstemp(prefix=f".tmp-{name}-", dir=out)
            temps[name] = tmp
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        for name, tmp in temps.items():
            os.replace(tmp, out / name)
    except OSError as exc:
        raise InputError(f"cannot write the report: {exc.strerror}", where=str(out)) from None
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)


@guarded
def nightly(
    lake: str = typer.Option(..., "--lake", "-l", help="Lake folder or abfs:// URL."),
    date: str | None = typer.Option(
        None, "--date", "-d", help="Day to report (default: today, UTC)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for report.json/.md/.html."),
    dsn: str | None = typer.Option(
        None, "--dsn", help="Postgres DSN: run schema drift (default: none; $WDGUARD_PG_DSN "
        "is used only with --migrations).", show_default=False),
    schema: Path | None = typer.Option(None, "--schema", help="schema.prisma to derive from."),
    contracts_dir: Path | None = typer.Option(
        None, "--contracts", "-c", help="Contracts folder [default: ./contracts if present]."),
    migrations: Path | None = typer.Option(
        None, "--migrations", "-m", help="Prisma migrations folder: check the history too."),
    mongo_uri: str | None = typer.Option(None, "--mongo-uri", help="MongoDB URI: run Mongo drift."),
    mongo_db: str | None = typer.Option(None, "--mongo-db", help="Mongo database name."),
    drift_json: list[Path] | None = typer.Option(
        None, "--drift-json", help="Saved `wdguard drift ... --format json` output (repeatable)."),
    days: int = typer.Option(30, "--days", min=1, max=366, help="Trailing days of run records."),
    lake_drift: bool = typer.Option(
        False, "--lake-drift", help="Also report the lake's own schema changes (Delta logs, "
        "partition schemas vs contracts), as `wdguard drift lake`."),
    config: Path | None = typer.Option(None, "--config", help="wdguard.toml with [alerts]."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Write the nightly report (report.json, report.md, report.html) for a day.

    Exit 0: report written, nothing failing. 1: written, and the gate did not pass, a
    source has breaking drift or an SLA breach is open. 2: could not build it.
    """
    from wdguard.report import alerts
    from wdguard.report.drift_inputs import (
        lake_drift_live,
        mongo_drift_live,
        postgres_drift_live,
        read_drift_json,
    )
    from wdguard.report.nightly import build_report, exit_code, report_path
    from wdguard.report.render_html import render_html
    from wdguard.report.render_md import render_markdown

    inputs = {"lake": lake, "date": date, "out": str(out), "dsn": dsn, "schema": schema,
              "contracts": contracts_dir, "migrations": migrations, "mongo_uri": mongo_uri,
              "mongo_db": mongo_db, "drift_json": [str(p) for p in drift_json or []],
              "days": days, "lake_drift": lake_drift}
    with audited("report nightly", {k: str(v) if isinstance(v, Path) else v
                                    for k, v in inputs.items()}) as audit:
        day = date_str(date or dt.datetime.now(dt.UTC).date().isoformat())
        store = open_store(lake)
        audit.set_store(store)
        cfg = load_config(config)
        alert_cfg = alerts.load_alert_config(cfg)
        contracts = _contracts(schema, contracts_dir, dsn)

        drift: dict[str, list[Finding]] = {}
        for path in drift_json or []:
            for source, findings in read_drift_json(path).items():
                drift.setdefault(source, []).extend(findings)
        if dsn or migrations is not None:
            if not contracts:
                raise InputError("no contracts to compare the database with", where="--contracts")
            drift.update(postgres_drift_live(dsn, contracts, migrations))
        if mongo_uri:
            drift.update(mongo_drift_live(mongo_uri, mongo_db, contracts,
                                          dt.date.fromisoformat(day)))

        if lake_drift:
            drift.update(lake_drift_live(store, contracts, cfg,
                                         str(config) if config else config_name()))
        report = build_report(store, day, drift=drift, contracts=contracts, days=days)
        report["notes"] += skipped_sources(dsn, migrations, mongo_uri, mongo_db, drift)
        if date is None:  # said, not silent: after midnight "today" is not the gated date
            report["notes"].append(f"no --date: this report covers today (UTC), {day}")
        report["alerts"] = [d.to_dict() for d in _send_alerts(alert_cfg, report, drift)]
        texts = {
            "report.json": json.dumps(report, indent=2, default=str) + "\n",
            "report.md": render_markdown(report),
            "report.html": render_html(report),
        }
        write_outputs(out, texts)
        try:  # tomorrow's report compares with this one
            store.write_bytes(report_path(day), texts["report.json"].encode(), overwrite=True)
        except Exception as exc:
            report["notes"].append(f"report not stored in the lake: {type(exc).__name__}")
        code = exit_code(report)
        if fmt is OutputFormat.json:
            print_json({"status": report["status"], "headline": report["headline"],
                        "files": [str(out / n) for n in FILES], "alerts": report["alerts"],
                        "exit_code": code})
        else:
            style = {"ok": "green", "warning": "yellow", "failed": "bold red"}[report["status"]]
            console.print(f"[{style}]{report['headline']}[/]")
            for n in FILES:
                console.print(f"  wrote {out / n}")
        for d in report["alerts"]:
            if not d["ok"]:
                err_console.print(f"wdguard: warning: alert to {d['target']} failed: {d['error']}",
                                  markup=False)
        raise typer.Exit(code)


def _send_alerts(cfg: alerts.AlertConfig, report: dict, drift: dict[str, list[Finding]]
                 ) -> list[alerts.Delivery]:
    """The report alerts on what the gate's own alert does not: drift, open SLA breaches and
    error-level cache findings of the day's `cache stats` snapshot."""
    from wdguard.report import alerts

    events: list[alerts.Event] = []
    for source, findings in drift.items():
        events += alerts.events_from_drift(findings, source)
    for b in report["sla_breaches"]:
        events.append(alerts.Event(
            "freshness_sla", b["severity"],
            f"Freshness SLA breached since {b['since']}: {b['contract']}.{b['column']} "
            f"({b['lag_h']}h, SLA {b['max_h']}h)"))
    cache_today = (report.get("cache") or {}).get("today") or {}
    for f in cache_today.get("findings", []):
        if f.get("severity") == "error":
            events.append(alerts.Event(
                "cache_threshold", "error",
                f"cache {cache_today.get('target')}: {f['code']} {f['name']} — {f['message']}"))
    return alerts.alert(cfg, f"wdguard nightly report {report['date']}: {report['headline']}",
                        events, {"date": report["date"], "lake": report["lake"]})
