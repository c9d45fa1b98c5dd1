"""Write freshly derived contracts into a contracts folder without losing review work.

Every derived contract is merged with the file already there (`merge.py`: hand keys
kept, version bumped only when the derived part changed). All files are prepared first
and then each is written atomically, so a bad existing file stops the run before any
write. Contracts of the same source kind whose object disappeared are reported, and
deleted only when asked (`prune`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from wdguard.contracts.io import (
    atomic_write_text,
    contract_filename,
    contract_files,
    dump_contract,
    write_schema_file,
)
from wdguard.contracts.merge import merge
from wdguard.contracts.model import Contract
from wdguard.errors import InputError


def existing_contracts(directory: Path) -> dict[str, tuple[Path, Contract]]:
    """Contracts already in the folder, by name (a duplicate name is an error)."""
    if not directory.exists():
        return {}
    if not directory.is_dir():
        raise InputError("not a folder", where=str(directory))
    return contract_files(directory)


def sync_contracts(
    derived: list[Contract], out: Path, *, kind: str, prune: bool = False, write: bool = True
) -> dict[str, Any]:
    """Merge and write `derived` into `out`; report per contract what happened (with
    `write=False`, what would happen: nothing is written or deleted).

    Status per contract: `created` (new file), `unchanged` (byte-identical), `bumped`
    (derived part changed, version + 1) or `updated` (same version, file rewritten,
    e.g. a hand edit normalised).
    """
    out = Path(out)
    existing = existing_contracts(out)
    plan: list[tuple[Path, str, dict[str, Any]]] = []
    names = set()
    for contract in derived:
        names.add(contract.contract)
        path, old = existing.get(contract.contract, (out / contract_filename(contract), None))
        try:
            merged = merge(old, contract)
        except ValidationError as exc:  # e.g. a hand freshness column the schema dropped
            msg = " ".join(exc.errors()[0]["msg"].split())
            raise InputError(
                f"hand edits do not fit the new derivation of {contract.contract}: {msg}",
                where=str(path),
            ) from None
        text = dump_contract(merged)
        before = path.read_text(encoding="utf-8") if old is not None else None
        if old is None:
            status = "created"
        elif before == text:
            status = "unchanged"
        elif merged.version != old.version:
            status = "bumped"
        else:
            status = "updated"
        row = {
            "contract": contract.contract,
            "file": str(path),
            "status": status,
            "version": merged.version,
        }
        plan.append((path, text if status != "unchanged" else "", row))
    orphaned = [
        {"contract": name, "file": str(path), "pruned": prune}
        for name, (path, c) in sorted(existing.items())
        if name not in names and c.source.kind == kind
    ]
    if not write:
        return {"out": str(out), "contracts": [row for _, _, row in plan], "orphaned": orphaned}
    for path, text, row in plan:
        if row["status"] != "unchanged":
            atomic_write_text(path, text)
    if plan:
        write_schema_file(out)
    if prune:
        for row in orphaned:
            Path(row["file"]).unlink(missing_ok=True)
    return {
        "out": str(out),
        "contracts": [row for _, _, row in plan],
        "orphaned": orphaned,
    }
