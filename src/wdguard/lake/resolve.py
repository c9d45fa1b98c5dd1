"""The lake's answer to "where is each contract's data for date D, in what format, with
what expected counts?": one `ResolvedPartition` per contract and layer.

The gate resolves a date once; everything below it (completeness, the engines' scans,
freshness, the run record, `lake inspect`) works on the resolved partitions and never
derives a path from a date again. A partition is a folder (its data files found
recursively, side files ignored) today; a Delta table with a date predicate can be one
more kind of location later without changing the checks.

Problems of one partition (two formats, an unreadable manifest or ADF output, a missing
manifest under `require_manifest`) do not stop the resolution: they are kept in
`problem` and raised when the gate checks that partition, so the others still decide.
"""

from __future__ import annotations

from wdguard.contracts.model import Contract
from wdguard.errors import InputError, LakeUnreachable
from wdguard.lake import catalog, layout
from wdguard.lake.adf import load_adf_output
from wdguard.lake.delta.resolve import delta_strangers, resolve_delta
from wdguard.lake.formats import classify
from wdguard.lake.manifest import MANIFEST_NAME, Expected, load_manifest
from wdguard.lake.partition import ResolvedPartition


def _listing(store, path: str) -> list[str]:
    prefix = path + "/"
    return [p[len(prefix) :] for p in store.list(path) if p.startswith(prefix)]


def _expectations(store, lay: layout.PartitionLayout, part: ResolvedPartition, require: bool):
    manifest_file = f"{part.path}/{MANIFEST_NAME}"
    if MANIFEST_NAME in part.listing:
        part.manifest = load_manifest(store, part.path)
        part.expected = Expected.of_manifest(part.manifest)
        return
    if lay.adf_output is not None:
        adf = lay.adf_output.render(
            layer=part.layer, source=part.source, obj=part.object, date=part.date
        )
        if store.exists(adf):
            part.expected = load_adf_output(store, adf)
            return
        why = f"no {MANIFEST_NAME} and no ADF output at {adf}"
    else:
        why = f"no {MANIFEST_NAME} (and no adf_output in [lake])"
    if require:
        raise InputError(
            f"partition has no {MANIFEST_NAME} manifest"
            + (f" nor ADF output {adf}" if lay.adf_output is not None else ""),
            where=f"{store.url.rstrip('/')}/{manifest_file}",
            hint="[check] require_manifest = true in wdguard.toml",
        )
    part.expected = Expected(reason=why)


def catalog_partition(
    name: str, date_column: str, contract: Contract, layer: str, date: str
) -> ResolvedPartition:
    """The resolved partition of `date` in the catalog table `name` (no data read: its
    existence and rows are Spark's to find)."""
    part = ResolvedPartition(layer, contract.source.kind, contract.object_name, date, name,
                             format=catalog.FORMAT)
    part.contract = contract
    part.listing = part.files = [name]  # the table stands for its files
    part.expected = Expected(reason=f"{name} is a catalog table: no manifest, no files")
    part.predicate = catalog.CatalogDate(name, date, date_column)
    return part


def resolve(
    store,
    lake: layout.LakeLayout,
    contract: Contract,
    layer: str,
    date: str,
    *,
    require_manifest: bool = False,
) -> ResolvedPartition:
    """List one contract's partition of `layer` on `date` (no data read)."""
    lay = lake.of(layer, contract.contract)
    name = lay.table_name(layer=layer, source=contract.source.kind, obj=contract.object_name)
    if name is not None:  # a catalog table, read by name on Spark
        assert lay.date_column is not None  # the layout requires it
        return catalog_partition(name, lay.date_column, contract, layer, date)
    delta = resolve_delta(store, lay, contract, layer, date)  # a _delta_log: read as Delta
    if delta is not None:
        return delta
    source, obj = contract.source.kind, contract.object_name
    path = lay.path.render(layer=layer, source=source, obj=obj, date=date)
    part = ResolvedPartition(layer, source, obj, date, path, format=lay.format or "parquet")
    part.contract = contract
    try:
        part.listing = _listing(store, path)
        if not part.exists:
            return part
        names = [n for n in part.listing if not layout.is_side_file(n)]
        part.format, part.files, part.ignored = classify(names, lay.format, path)
        _expectations(store, lay, part, require_manifest)
    except LakeUnreachable:
        raise
    except Exception as exc:  # this partition's problem: recorded when it is checked
        part.problem = exc
    return part


def resolve_date(
    store,
    lake: layout.LakeLayout,
    contracts: list[Contract],
    layers,
    date: str,
    *,
    require_manifest: bool = False,
) -> dict[str, list[ResolvedPartition]]:
    """Every contract's partition of every (non-gold) layer of `date`, in contract order."""
    return {
        layer: [
            resolve(store, lake, c, layer, date, require_manifest=require_manifest)
            for c in contracts
        ]
        for layer in layers
    }


def roots(lake: layout.LakeLayout, contracts: list[Contract], layers) -> list[str]:
    """Where a date's partitions would be, for the "no partitions for date" message."""
    out: list[str] = []
    for layer in layers:
        for c in contracts:
            root = lake.of(layer, c.contract).path.root(layer=layer, source=c.source.kind)
            if root not in out:
                out.append(root)
    return sorted(out)


def unexpected_objects(
    store, lake: layout.LakeLayout, contracts: list[Contract], layer: str, date: str
) -> dict[str, list[tuple[str, str]]]:
    """Per source, the (object, folder) of partitions on `date` that no contract
    describes. Only where the layer's template has `{object}` as a whole folder (an
    object whose contract overrides its path is known by name all the same)."""
    lay = lake.layers[layer]
    if lay.table is not None:  # a catalog names its tables; storage is not listed
        return {}
    by_source = "{source}" in lay.path.text
    out: dict[str, list[tuple[str, str]]] = {}
    for source in layout.SOURCES if by_source else layout.SOURCES[:1]:
        root = lay.path.objects_root(layer=layer, source=source, date=date)
        if root is None:
            continue
        known = {c.object_name for c in contracts if c.source.kind == source or not by_source}
        present = store.list_dirs(root)
        strangers = []
        for obj in present:
            if obj in known or obj.startswith(".") or obj in ("_wdguard", "quarantine"):
                continue
            path = lay.path.render(layer=layer, source=source, obj=obj, date=date)
            if store.list(path):
                strangers.append((obj, path))
        if present:
            out[source] = strangers
        delta = delta_strangers(store, lay, layer, source, known)  # Delta tables: no date folder
        if delta is not None:
            out[source] = out.get(source, []) + delta
    return out
