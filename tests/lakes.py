"""The lakes the gate's lake tests share: the generated sample lake over two days with
the row-level faults on the second (test_delta_gate rewrites it as Delta, test_lake_layouts
restyles it), and the contract of `delta_tables.evolving_table`'s merchants."""

from __future__ import annotations

import shutil
from pathlib import Path

from wdguard.contracts.io import load_contract, load_contracts
from wdguard.lake.storage import LocalStore
from wdguard.sample.faults import inject
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
CLEAN, FAULTY = "2026-11-25", "2026-11-26"
# row-level faults, each on its own column: the row checks must name every one
ROW_FAULTS = [
    ("null_in_required", "Order", "user_id"),
    ("bad_enum_value", "Order", "status"),
    ("out_of_range", "Order", "total_amount"),
    ("orphan_fk", "Order", None),
    ("duplicate_pk", "User", None),
    ("stale_data", "User", None),
    ("broken_rule", "Order", None),
]


def contracts_of(folder: Path, objects: set[str]) -> Path:
    """A folder with the committed contracts of `objects` only."""
    for path in sorted((ROOT / "contracts").glob("*.yaml")):
        if load_contract(path).object_name in objects:
            shutil.copy(path, folder / path.name)
    return folder


def faulty_lake(tmp_path_factory, objects: set[str], faults: list, rows: float = 0.05):
    """(lake root, contracts folder, the generator's result, the injected faults): the
    sample lake's `objects` for CLEAN and FAULTY in wdguard's own layout, FAULTY broken
    by each (fault, contract, column) of `faults` in turn."""
    root = tmp_path_factory.mktemp("lake")
    store = LocalStore(root)
    result = generate_lake(store, load_contracts(ROOT / "contracts"), rows=rows, days=2,
                           objects=sorted(objects), layers=("bronze", "silver"))
    folder = contracts_of(tmp_path_factory.mktemp("c"), objects)
    contracts = load_contracts(folder)
    done = [inject(name, store, FAULTY, contracts, contract=c, column=col)
            for name, c, col in faults]
    return root, folder, result, done


def merchant_contract(folder: Path, *, score: str = "integer", rating_by: str | None = None
                      ) -> Path:
    """`folder` with Merchant.yaml, the contract of `evolving_table`'s merchants; `rating`
    only when a migration (`rating_by`) added it."""
    folder.mkdir(parents=True, exist_ok=True)
    rating = f"  rating: {{type: float, added_by: {rating_by}}}\n" if rating_by else ""
    (folder / "Merchant.yaml").write_text(
        "contract: Merchant\n"
        "source: {kind: postgres, table: merchants}\n"
        "primary_key: [id]\n"
        "columns:\n"
        "  id: {type: string, nullable: false}\n"
        "  name: {type: string, nullable: false}\n"
        f"  score: {{type: {score}}}\n" + rating)
    return folder
