"""`wdguard drift lake`: schema changes inside the lake (Delta logs, partition schemas).

Exit 0 no failing finding, 1 a breaking change (or a warning with --strict), 2 could not
decide (unreadable log, lake not found). Same text and JSON shapes as the other drifts.
"""

from __future__ import annotations

from pathlib import Path

import typer

from wdguard.audit import audit_command
from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.report.findings import render_findings_table, summary_line


@guarded
@audit_command("drift lake")
def drift_lake(
    lake: str = typer.Option(..., "--lake", "-l", help="Lake folder or abfss://container@account/..."),
    contracts_dir: Path = typer.Option(
        Path("contracts"), "--contracts", "-c", help="Folder of contract YAML files "
        "(without one, only the Delta tables' histories are reported)."
    ),
    layer: list[str] = typer.Option(
        ["bronze", "silver"], "--layer", help="Layers whose parquet partitions are compared."
    ),
    strict: bool = typer.Option(False, "--strict", help="Warnings fail too (exit 1)."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Schema changes inside the lake: each Delta table's history (columns added, dropped,
    renamed, widened, retyped, nullability) with version and time, and each table's or
    parquet partition's columns against the contracts."""
    from wdguard.api import drift_lake as run
    from wdguard.lake.layout import layer_root

    for name in layer:
        layer_root(name, "postgres")  # validates the layer name
    result = run(lake, contracts=contracts_dir, layers=layer)
    code = result.exit_code(strict=strict)
    if fmt is OutputFormat.json:
        print_json(result.to_dict(strict=strict))
        raise typer.Exit(code)
    render_findings_table(console, result.findings, "lake drift")
    console.print(
        f"{result.lake}: {len(result.tables)} Delta table(s), "
        f"{sum(t.commits for t in result.tables)} commit(s); "
        f"{result.partitions} parquet partition(s) compared"
        + (f"; {len(result.catalog)} catalog table(s) not read ({', '.join(result.catalog)}: "
           "drift lake reads storage, the gate on Spark reads them)" if result.catalog else "")
    )
    console.print(summary_line(result.findings))
    raise typer.Exit(code)
