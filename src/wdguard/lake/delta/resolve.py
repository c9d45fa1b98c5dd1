"""A Delta table as one more layout: a contract's date resolved from the table's log.

Where the object's location holds a `_delta_log`, that location is read as a Delta table
with no configuration. The object's location is the layer's path template up to its
`{object}` segment, date segments left out: `silver/{source}/{date}/{object}` ->
`silver/postgres/orders`, `landing/{source}/{object}/{yyyy}/{mm}/{dd}` ->
`landing/postgres/orders`. The resolved partition then is:

* `path`: the table; `files`: the date's live files that are present in storage (as the
  log names them, relative to the table); `listing`: every file the log lists for the
  date, so a file the log lists but storage lost is a failing `file_missing`, not a
  silently smaller count. Delta has no empty partition: a day that landed no row exists
  when a commit's metadata names it (`date`, as `wdguard lake generate` writes);
* `expected`: the log's stand-in for `_source.json` (`by = "_delta_log"`): rows per file
  from `numRecords`, the listed files, and the extraction time: the `extracted_at` a
  pipeline put in its commit's metadata, else the newest commit time of the date's files;
* `predicate`: the `DeltaDate`, which the scans read (`lake/delta/table.py`).

A protocol no reader of wdguard can honour is not refused here (listing reads no data):
the engine's scan refuses it for the reader it uses, so the gate records that partition
as unreadable (exit 2) and still checks the others.
"""

from __future__ import annotations

import re
import string
from posixpath import dirname
from urllib.parse import unquote

from wdguard.contracts.model import Contract
from wdguard.errors import LakeUnreachable
from wdguard.lake import layout
from wdguard.lake.delta import DELTA_LOG, is_delta_table
from wdguard.lake.delta.table import DeltaDate, open_date
from wdguard.lake.manifest import Expected, ManifestFile
from wdguard.lake.partition import ResolvedPartition

FORMAT = "delta"
_DATE_DIR = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
BY = "_delta_log"


def table_location(template: layout.Template, *, layer: str, source: str, obj: str) -> str | None:
    """The object's location under a path template (see the module docstring); None when
    the template has no `{object}` segment."""
    keep: list[str] = []
    for seg in template.text.strip("/").split("/"):
        names = {f for _, f, _, _ in string.Formatter().parse(seg) if f}
        if names & layout.DATE_PLACEHOLDERS:
            continue
        keep.append(seg)
        if "object" in names:
            return "/".join(keep).format(layer=layer, source=source, object=obj).strip("/")
    return None


def _present(store, table: str, part: DeltaDate) -> set[str]:
    """The date's listed files that storage holds (one listing per partition folder)."""
    present: set[str] = set()
    prefix = table.rstrip("/") + "/"
    for folder in sorted({dirname(f.path) for f in part.files}):
        base = f"{prefix}{folder}" if folder else table
        names = {p[len(prefix):] for p in store.list(base) if p.startswith(prefix)}
        present |= names | {unquote(n) for n in names}
    return present


def expected_of(part: DeltaDate) -> Expected:
    """The log's stand-in for `_source.json` (see the module docstring)."""
    if not part.by_partition:
        return Expected(by=BY, extracted_at=part.extracted_at,
                        reason=f"the date is a predicate on {part.date_column}: the log "
                        "counts rows per file, not per date")
    if part.row_count is None:
        return Expected(by=BY, extracted_at=part.extracted_at,
                        reason="the Delta log has no numRecords statistics for these files")
    files = tuple(ManifestFile(path=f.path, rows=f.num_records or 0, bytes=f.size)
                  for f in part.files)
    return Expected(by=BY, row_count=part.row_count, files=files,
                    extracted_at=part.extracted_at)


def delta_partition(store, layer: str, source: str, obj: str, table: str, date: str,
                    *, contract: Contract | None = None, date_column: str | None = None):
    """The resolved partition of `date` in the Delta table at `table` (see the module
    docstring), or None when `table` is no Delta table."""
    if not is_delta_table(store, table):
        return None
    part = ResolvedPartition(layer, source, obj, date, table, format=FORMAT)
    part.contract = contract
    try:
        delta = open_date(store, table, date, date_column=date_column)
        # an empty day adds no file: it exists when a commit's metadata says it landed
        part.listing = [f.path for f in delta.files] or ([DELTA_LOG] if delta.landed else [])
        part.expected = expected_of(delta)
        present = _present(store, table, delta)
        delta.files = [f for f in delta.files if f.path in present]
        part.files = [f.path for f in delta.files]
        part.predicate = delta
    except LakeUnreachable:
        raise
    except Exception as exc:  # this table's problem: recorded when it is checked
        part.problem = exc
        part.listing = [DELTA_LOG]
        part.files = []
    return part


def resolve_delta(store, lay: layout.PartitionLayout, contract: Contract, layer: str,
                  date: str):
    """The contract's date of its Delta table, or None when its location is no Delta
    table (then the files layout applies)."""
    source, obj = contract.source.kind, contract.object_name
    table = table_location(lay.path, layer=layer, source=source, obj=obj)
    if table is None:
        return None
    return delta_partition(store, layer, source, obj, table, date, contract=contract,
                           date_column=lay.date_column)


def delta_strangers(store, lay: layout.PartitionLayout, layer: str, source: str,
                    known: set[str]) -> list[tuple[str, str]] | None:
    """(object, table) of the Delta tables beside the contracted ones that no contract
    describes; None when the layer holds no Delta table there at all."""
    marker = "\x00"
    location = table_location(lay.path, layer=layer, source=source, obj=marker)
    if location is None or not location.endswith("/" + marker):
        return None
    root = location[: -len(marker) - 1]
    # date folders (and Hive `key=value` ones) of a files layout are no table: not probed
    names = [d for d in store.list_dirs(root) if not _DATE_DIR.match(d) and "=" not in d]
    tables = [d for d in names if is_delta_table(store, f"{root}/{d}")]
    if not tables:
        return None
    return [(d, f"{root}/{d}") for d in tables if d not in known and not d.startswith(("_", "."))]
