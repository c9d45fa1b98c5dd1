"""Findings rendered for people (rich tables, ruff-like lines) and for tools (JSON)."""

from __future__ import annotations

from collections import defaultdict

from rich.console import Console
from rich.table import Table

from wdguard.findings import Finding, findings_json, severity_counts

__all__ = ["findings_json", "render_findings_lines", "render_findings_table", "summary_line"]

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render_findings_table(console: Console, findings: list[Finding], title: str) -> None:
    """One table per object, a row per finding."""
    if not findings:
        console.print(f"[green]{title}: no findings[/green]")
        return
    by_object: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_object[f.object or "-"].append(f)
    for obj, items in by_object.items():
        table = Table(title=f"{title}: {obj}", title_justify="left", expand=False)
        table.add_column("code")
        table.add_column("severity")
        table.add_column("column")
        table.add_column("message", overflow="fold")
        for f in items:
            sev = f"[{_STYLE[f.severity]}]{f.compat or f.severity}[/]"
            table.add_row(f.code, sev, f.column or "", f.message)
        console.print(table)


def render_findings_lines(console: Console, findings: list[Finding]) -> None:
    """ruff-style: `file:line:col: CODE message` then an indented help line."""
    for f in findings:
        where = f.location or f.object or ""
        style = _STYLE[f.severity]
        console.print(f"{where}: [{style}]{f.code}[/] [{style}]{f.severity}[/] {f.message}")
        if f.help:
            console.print(f"  [dim]help:[/] {f.help}")


def summary_line(findings: list[Finding]) -> str:
    counts = severity_counts(findings)
    return f"{counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info"
