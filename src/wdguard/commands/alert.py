"""`wdguard alert test`: send a test message to the configured alert targets."""

from __future__ import annotations

import socket
from pathlib import Path

import typer

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.config import load_config
from wdguard.errors import EXIT_FINDINGS, InputError

CONFIG_OPTION = typer.Option(
    None, "--config", "-c", help="wdguard.toml (default: ./wdguard.toml or $WDGUARD_CONFIG)."
)


@guarded
def alert_test(
    target: str | None = typer.Option(None, "--target", "-t", help="Only this target."),
    config: Path | None = CONFIG_OPTION,
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Send a test message to every alert target (or one). Exit 1 if a delivery failed."""
    from wdguard.report.alerts import load_alert_config, send, test_message

    cfg = load_alert_config(load_config(config))
    names = [t.name for t in cfg.targets]
    if not names:
        raise InputError("no alert targets configured", where="wdguard.toml [alerts.targets]")
    if target and target not in names:
        raise InputError(
            f"unknown target {target!r}; configured: {', '.join(names)}", where="--target"
        )
    deliveries = send(cfg, test_message({"host": socket.gethostname()}), only=target)
    if fmt == OutputFormat.json:
        print_json({"deliveries": [d.to_dict() for d in deliveries]})
    else:
        for d in deliveries:
            if d.ok:
                console.print(f"[green]sent[/] {d.target} ({d.kind}): HTTP {d.status}, "
                              f"{d.attempts} attempt(s)")
            else:
                console.print(f"[red]failed[/] {d.target} ({d.kind}): {d.error} "
                              f"after {d.attempts} attempt(s)")
    if not all(d.ok for d in deliveries):
        raise typer.Exit(EXIT_FINDINGS)
