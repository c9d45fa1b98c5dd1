"""`wdguard lake generate`: the deterministic sample lake."""

from __future__ import annotations

import contextlib
import datetime as dt
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.errors import InputError


class GenerateFormat(StrEnum):
    """`lake generate`'s --format: the output, or (shorthand) the lake's own format."""

    text = "text"
    json = "json"
    parquet = "parquet"
    delta = "delta"


def _open_out(out: str):
    """The store to write to: a folder (created) or an abfs://, abfss://, az:// URL."""
    if out.startswith(("abfs://", "abfss://", "az://")):
        from wdguard.lake.azure import AzureBlobStore

        store = AzureBlobStore.from_url(out)
        store.create_container()
        return store
    from wdguard.lake.storage import LocalStore

    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InputError("not a folder", where=out)
    path.mkdir(parents=True, exist_ok=True)
    return LocalStore(path)


@guarded
def generate(
    out: str = typer.Option(..., "--out", "-o", help="Lake folder or abfs://container@account/..."),
    days: int = typer.Option(7, "--days", help="Number of daily snapshots."),
    end: str = typer.Option("2026-11-26", "--end", help="Last date, YYYY-MM-DD."),
    rows: float = typer.Option(1.0, "--rows", help="Volume factor (1 = ~8k orders a day)."),
    seed: int = typer.Option(42, "--seed", help="Same seed, same bytes."),
    contracts: Path = typer.Option(Path("contracts"), "--contracts", help="Contracts folder."),
    layer: list[str] = typer.Option(
        ["bronze", "silver", "gold"], "--layer", help="Layers to write."
    ),
    objects: list[str] = typer.Option(
        None, "--object", help="Only these tables (their parents are generated, not written)."
    ),
    style: str = typer.Option(
        "wdguard", "--style",
        help="Write it as wdguard (own layout, _source.json), spark (Hive folders, Spark "
        "file names, _SUCCESS, no manifest) or adf (ADF Copy names and run output in "
        "bronze, Spark silver); the layout is kept in _wdguard/lake.toml.",
    ),
    bronze_format: str = typer.Option(
        "parquet", "--bronze-format", help="Bronze files as parquet, jsonl or csv."
    ),
    lake_format: str = typer.Option(
        "parquet", "--lake-format", help="parquet (every layer as files) or delta (silver "
        "and gold as Delta tables partitioned by snapshot_date; bronze stays files)."
    ),
    fmt: GenerateFormat = typer.Option(
        GenerateFormat.text, "--format", "-f", help="Output format: text or json; or, as "
        "a shorthand, the lake's format (`--format delta` = `--lake-format delta`, text "
        "output)."
    ),
) -> None:
    """Generate the seeded WasteDump sample lake: daily bronze, silver and gold."""
    if fmt in (GenerateFormat.parquet, GenerateFormat.delta):
        lake_format, fmt = fmt.value, GenerateFormat.text
    from wdguard.contracts.gold import load_gold_contracts
    from wdguard.contracts.io import load_contracts
    from wdguard.lake.layout import date_str
    from wdguard.sample.generate import default_migration_head, generate_lake
    from wdguard.sample.styles import STYLES

    if style not in STYLES:
        raise InputError(f"unknown style {style!r}: use {', '.join(STYLES)}", where="--style")
    if bronze_format not in ("parquet", "jsonl", "csv"):
        raise InputError(
            f"unknown format {bronze_format!r}: use parquet, jsonl or csv", where="--bronze-format"
        )
    try:
        end_date = dt.date.fromisoformat(date_str(end))
    except InputError as exc:
        raise InputError(exc.message, where="--end") from None
    loaded = load_contracts(contracts)
    fresh = not out.startswith(("abfs://", "abfss://", "az://")) and not Path(out).exists()
    store = _open_out(out)
    try:
        result = generate_lake(
            store,
            loaded,
            end=end_date,
            days=days,
            rows=rows,
            seed=seed,
            layers=layer,
            objects=objects or None,
            migration_head=default_migration_head(contracts.parent),
            gold=load_gold_contracts(contracts),
            fmt=lake_format,
        )
    except InputError:  # a bad --layer / --object leaves no empty lake folder behind
        if fresh:
            with contextlib.suppress(OSError):
                Path(out).rmdir()  # only if nothing was written
        raise
    table = _restyle(store, result, style, bronze_format)
    if fmt == GenerateFormat.json:
        print_json({"lake": store.url, "style": style, "layout": table, **result.to_dict()})
        return
    if table:
        console.print(f"{style} style: the layout is in {store.url}/_wdguard/lake.toml")
    total = sum(p.rows for p in result.partitions)
    console.print(
        f"wrote {len(result.partitions)} partitions ({total:,} rows) for "
        f"{result.dates[0]}..{result.dates[-1]} to {store.url}"
    )
    if table:
        return  # the paths above are wdguard's; `wdguard lake inspect` shows the new ones
    last = [p for p in result.partitions if p.date == result.dates[-1] and p.layer == "silver"]
    for p in last or result.partitions[-12:]:
        console.print(f"  {p.path}: {p.rows:,} rows in {p.files} file(s)")


def _restyle(store, result, style: str, bronze_format: str) -> dict:
    """Rewrite the generated lake the way `style`'s writer leaves it; the `[lake]` table
    that describes it is written to `_wdguard/lake.toml` (none for wdguard's own)."""
    if style == "wdguard" and bronze_format == "parquet":
        return {}
    from wdguard.lake.layout import LAKE_TOML
    from wdguard.sample.styles import lake_toml, restyle

    table = restyle(store, result.partitions, style, bronze_format=bronze_format)
    if table:
        store.write_text(LAKE_TOML, lake_toml(table))
    return table


@guarded
def inspect(
    lake: str = typer.Option(
        ..., "--lake", help="Lake root: a folder or abfs://container@account/..."
    ),
    date: str = typer.Option(..., "--date", help="The date to resolve (YYYY-MM-DD)."),
    contracts: Path = typer.Option(Path("contracts"), "--contracts", help="Contracts folder."),
    layer: str = typer.Option("bronze,silver", "--layer", help="Layers, comma-separated."),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Show what the gate would read for a date: each contract's partition, format, files,
    rows, who states its expected counts, and which checks will be skipped and why."""
    from wdguard.commands.check import parse_layers
    from wdguard.config import config_name, load_config, require_manifest
    from wdguard.contracts.io import load_contracts
    from wdguard.lake.catalog import FORMAT as TABLE
    from wdguard.lake.inspect import inspect_date
    from wdguard.lake.layout import GOLD, configured
    from wdguard.lake.stores import open_store

    layers = [x for x in parse_layers(layer) if x != GOLD]
    config = load_config()
    must = require_manifest(config)
    store = open_store(lake)
    layout_ = configured(store, config, config_name())
    found = inspect_date(
        store, layout_, load_contracts(contracts), layers, date, require_manifest=must
    )
    if fmt == OutputFormat.json:
        print_json({"lake": store.url, "layout": layout_.source, "date": date,
                    "partitions": [x.to_dict() for x in found]})  # fmt: skip
        return
    console.print(f"{store.url} {date} (layout: {layout_.source})", markup=False)
    for x in found:
        head = f"{x.layer}:{x.contract}  {x.path}" + ("" if x.format == TABLE else "/")
        if x.problem:
            console.print(f"  {head}  [red]{escape(x.problem)}[/]")
            continue
        more = f", ... ({len(x.files)} files)" if len(x.files) > 3 else ""
        names = ", ".join(x.files[:3]) + more
        console.print(f"  {escape(head)}")
        if x.format == TABLE:
            console.print("    catalog table: read by name on --engine spark (no files here)")
        else:
            console.print(f"    {x.format}, {x.rows:,} row(s) in {escape(names or 'no data file')}")
        if x.ignored:
            console.print(f"    ignored (no data format): {escape(', '.join(x.ignored))}")
        said = f"{x.expected_by} says {x.expected_rows:,}" if x.expected_by else "nobody"
        console.print(f"    expected rows: {escape(said)}")
        for check, why in x.skipped.items():
            console.print(f"    {check}: {escape(why)}")
