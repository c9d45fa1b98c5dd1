"""`wdguard lake generate`: the deterministic sample lake."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import typer

from wdguard.commands._common import FORMAT_OPTION, OutputFormat, console, guarded, print_json
from wdguard.errors import InputError


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
    lake_format: str = typer.Option(
        "parquet", "--lake-format", help="parquet (every layer as files) or delta (silver "
        "and gold as Delta tables partitioned by snapshot_date; bronze stays files)."
    ),
    fmt: OutputFormat = FORMAT_OPTION,
) -> None:
    """Generate the seeded WasteDump sample lake: daily bronze, silver and gold."""
    from wdguard.contracts.gold import load_gold_contracts
    from wdguard.contracts.io import load_contracts
    from wdguard.lake.layout import date_str
    from wdguard.sample.generate import default_migration_head, generate_lake

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
    if fmt == OutputFormat.json:
        print_json({"lake": store.url, **result.to_dict()})
        return
    total = sum(p.rows for p in result.partitions)
    console.print(
        f"wrote {len(result.partitions)} partitions ({total:,} rows) for "
        f"{result.dates[0]}..{result.dates[-1]} to {store.url}"
    )
    last = [p for p in result.partitions if p.date == result.dates[-1] and p.layer == "silver"]
    for p in last or result.partitions[-12:]:
        console.print(f"  {p.path}: {p.rows:,} rows in {p.files} file(s)")
