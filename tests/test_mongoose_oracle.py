"""Mongoose itself as the oracle for `derive mongoose` (npm package `mongoose`, see
package.json): the real library loads the JavaScript model files of the corpus and the
WasteDump fixtures (no connection is made), and its collection names and schema paths --
type, required, enum -- must agree with the contracts wdguard derives statically.

TypeScript files need a compiler Node 20 does not have; they are covered by the
hand-written expectations of test_mongoose_derive.py. Paths a plugin or a discriminator
adds are reported by wdguard as not applied, so the oracle's extra paths must be exactly
those.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.requires import require
from wdguard.contracts.model import Contract
from wdguard.contracts.mongoose_derive import derive_models, pluralize

ROOT = Path(__file__).resolve().parents[1]
ORACLE = ROOT / "tests" / "mongoose_oracle.js"
CORPUS = ROOT / "tests" / "mongoose_models"
pytestmark = pytest.mark.node

# Mongoose instance names -> the `declared` SchemaType wdguard writes
_INSTANCE = {"Embedded": "Subdocument"}
# what Mongoose sets itself (ids, version key, timestamps): required in the contract
# because every saved document has them, not `required` in the schema
_AUTO = ("_id", "__v", "createdAt", "updatedAt", "created_at")


@pytest.fixture(scope="session")
def mongoose_pkg() -> Path:
    require(shutil.which("node") is not None, "node", "install Node.js 20")
    pkg = ROOT / "node_modules" / "mongoose"
    require(pkg.is_dir(), str(pkg), "run `npm ci` (package.json)")
    return pkg


def oracle(*args: str) -> dict:
    proc = subprocess.run(
        ["node", str(ORACLE), *args], capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"NODE_PATH": str(ROOT / "node_modules"), "PATH": "/usr/bin:/bin"}, check=False,
    )
    data = json.loads(proc.stdout)
    assert "error" not in data, data.get("error")
    return data


def ours(*files: Path) -> dict[str, Contract]:
    result = derive_models(list(files))
    assert not result.failures and not result.warnings
    return {m.contract.contract: m.contract for m in result.models}


CASES = [
    [CORPUS / "cjs" / "catalog.js"],
    [CORPUS / "esm" / "booking.mjs"],
    [ROOT / "fixtures" / "mongoose" / "userActivity.js"],
    [ROOT / "fixtures" / "mongoose" / "review.mjs"],
]


@pytest.mark.parametrize("files", CASES, ids=lambda fs: fs[0].name)
def test_mongoose_agrees_on_collections_paths_types_required_and_enums(mongoose_pkg, files):
    real = oracle(*map(str, files))
    mine = ours(*files)
    discriminators = {item.split()[1] for c in mine.values() for item in c.mongoose.not_applied
                      if item.startswith("discriminator ")}
    assert sorted(set(real) - discriminators) == sorted(mine)  # named as not applied
    for name, contract in mine.items():
        model = real[name]
        assert contract.source.collection == model["collection"], name
        paths = {p: v for p, v in model["paths"].items() if ".$*" not in p}  # Map values
        not_applied = " ".join(contract.mongoose.not_applied)
        for path, fact in paths.items():
            col = contract.columns.get(path)
            if col is None:
                # only what a plugin or discriminator adds may be missing, and it is named
                assert not_applied and (path in ("__t", "auditedAt")), (name, path)
                continue
            want = _INSTANCE.get(fact["instance"], fact["instance"])
            assert col.declared == want, (name, path, col.declared, want)
            leaf = path.rsplit(".", 1)[-1]
            if col.required_if:
                assert fact.get("required"), (name, path)  # conditional: a function
            elif leaf not in _AUTO:
                assert (not col.nullable) == bool(fact.get("required")), (name, path)
            if fact.get("enum") and fact["instance"] == "String":
                assert col.values == fact["enum"], (name, path)
            elif col.type == "enum":
                pytest.fail(f"{name}.{path}: wdguard lists values Mongoose does not have")
        # and every path wdguard declares exists in Mongoose (containers aside)
        for path, col in contract.columns.items():
            if path in paths or col.declared == "Nested":
                continue
            assert path.endswith("[]") and col.declared in ("Subdocument", "Array"), (
                name, path)  # the element of a document array / array of arrays


def test_pluralisation_matches_mongoose(mongoose_pkg):
    words = ["User", "Review", "Category", "Person", "Child", "Box", "Address", "Mouse",
             "Knife", "Quiz", "Bus", "Status", "Media", "Sheep", "Goose", "Datum", "Index",
             "Matrix", "Vertex", "UserActivity", "PickupTracking", "Report2", "Day",
             "Woman", "Human", "Virus", "Cactus", "Octopus", "Hero", "Leaf", "Life", "Wife",
             "Ox", "Axis", "Analysis", "Hive", "Tomato", "Money", "Fish", "Key", "Query",
             "Wharf", "Half", "Thesis", "Bacterium", "Salesman", "Dish", "Church", "Glass"]
    assert [pluralize(w) for w in words] == oracle("--pluralize", *words)


def test_mongoose_own_sources_parse_and_evaluate_without_a_crash(mongoose_pkg):
    """Real-world JavaScript and TypeScript declarations (Mongoose's lib and types, ~300
    files): every file parses, the evaluator never crashes, no model is invented."""
    files = sorted((mongoose_pkg / "lib").rglob("*.js"))
    files += sorted((mongoose_pkg / "types").rglob("*.ts"))
    assert len(files) > 200
    result = derive_models(files)
    assert not result.failures and not result.models and not result.warnings
