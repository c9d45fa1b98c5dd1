"""Contracts from Mongoose model files: a corpus of real-world styles against contracts
written by hand (tests/mongoose_models/expected), Mongoose's collection names, the CLI,
bad input, and declared facts surviving a sample (and a sample surviving a re-derive)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tests.fixtures_mongo import FIXTURES as MONGO_FIXTURES
from wdguard.cli import app
from wdguard.contracts.io import contract_to_dict, load_contract
from wdguard.contracts.model import Contract
from wdguard.contracts.mongoose_derive import derive_models, pluralize

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "mongoose_models"
MODELS = ROOT / "fixtures" / "mongoose"
runner = CliRunner()


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # model files are named relative to the working directory


def derived(folder: str) -> dict[str, Contract]:
    result = derive_models([CORPUS.relative_to(ROOT) / folder])
    assert not result.failures
    return {m.contract.contract: m.contract for m in result.models}


def expected(name: str) -> dict:
    data = yaml.safe_load((CORPUS / "expected" / f"{name}.yaml").read_text())
    return contract_to_dict(Contract.model_validate(data))


@pytest.mark.parametrize(
    ("folder", "models"),
    [
        ("cjs", ["Merchant", "Product"]),  # CommonJS, two models in one file
        ("esm", ["Booking"]),  # ESM, constants imported from another file, sub-schemas
        ("ts", ["Order"]),  # TypeScript interfaces, generics, TS enum from ./types
        ("unresolved", ["Odd"]),  # what cannot be evaluated is named, not guessed
    ],
)
def test_corpus_matches_the_hand_written_contracts(at_root, folder, models):
    got = derived(folder)
    assert sorted(got) == sorted(models)
    for name in models:
        assert contract_to_dict(got[name]) == expected(name), name


def test_enum_forms_resolve_from_the_same_file_and_relative_imports(at_root):
    order = derived("ts")["Order"].columns["status"]  # Object.values(TS enum) from ./types
    assert order.values == ["PENDING", "PAID", "CANCELLED"] and order.default == "PENDING"
    booking = derived("esm")["Booking"].columns
    assert booking["size"].values == ["2yd", "4yd", "8yd"]  # [X.A, X.B] from ./enums.mjs
    assert booking["kinds[]"].values == ["general", "garden", "rubble", "mixed"]  # constant
    merchant = derived("cjs")["Merchant"].columns
    assert merchant["country"].values == ["KE", "UG", "TZ"]  # { values: [...] }


def test_required_forms(at_root):
    merchant = derived("cjs")["Merchant"].columns
    assert merchant["owner"].nullable is False  # required: true
    assert merchant["vatNumber"].nullable is True  # a function: conditional, reported
    assert merchant["vatNumber"].required_if.endswith("catalog.js:23")
    assert derived("ts")["Order"].columns["lines[].qty"].nullable is False  # [true, 'msg']


def test_every_scalar_type_maps_to_a_logical_type(at_root):
    merchant = derived("cjs")["Merchant"].columns
    types = {p: (c.declared, c.type) for p, c in merchant.items()}
    assert types["name"] == ("String", "string")
    assert types["rating"] == ("Number", "float")
    assert types["openedAt"] == ("Date", "timestamp")
    assert types["verified"] == ("Boolean", "boolean")
    assert types["logo"] == ("Buffer", "bytes")
    assert types["owner"] == ("ObjectId", "string") and merchant["owner"].references == "User._id"
    assert types["settings"] == ("Mixed", "json")
    assert types["labels"] == ("Map", "object")
    assert types["balance"] == ("Decimal128", "decimal")
    assert types["externalId"] == ("UUID", "uuid")
    assert types["lifetimeOrders"] == ("BigInt", "bigint")


def test_schema_options(at_root):
    cjs = derived("cjs")
    merchant, product = cjs["Merchant"], cjs["Product"]
    assert "__v" not in merchant.columns and merchant.mongoose.version_key is None
    assert merchant.mongoose.timestamps == ["created_at"]  # {createdAt: 'created_at', updatedAt: false}
    assert merchant.mongoose.strict == "throw"
    assert product.source.collection == "catalog_products"  # model()'s third argument
    order = derived("ts")["Order"]
    assert order.source.collection == "orders_v2" and order.mongoose.collection_from == "option"
    assert {"createdAt", "updatedAt"} <= set(order.columns)  # timestamps: true


def test_plugins_and_discriminators_are_listed_as_not_applied(at_root):
    merchant = derived("cjs")["Merchant"]
    assert any(x.startswith("plugin timestampsPlugin") for x in merchant.mongoose.not_applied)
    assert any(x.startswith("discriminator SkipHire") for x in merchant.mongoose.not_applied)
    assert "auditedAt" not in merchant.columns  # what the plugin adds is not guessed


@pytest.mark.parametrize(
    ("model", "collection"),
    [
        ("User", "users"), ("Review", "reviews"), ("Category", "categories"),
        ("Person", "people"), ("Child", "children"), ("Box", "boxes"), ("Address", "addresses"),
        ("Mouse", "mice"), ("Knife", "knives"), ("Quiz", "quizzes"), ("Bus", "buses"),
        ("Status", "status"), ("Media", "media"), ("Sheep", "sheep"), ("Goose", "geese"),
        ("Datum", "data"), ("Index", "indexes"), ("Matrix", "matrixes"), ("UserActivity", "useractivities"),
        ("PickupTracking", "pickuptrackings"), ("Report2", "report2"), ("Day", "days"),
    ],
)
def test_collection_names_follow_mongoose_pluralize(model, collection):
    assert pluralize(model) == collection


def test_wastedump_models_give_the_fixture_collections(at_root):
    result = derive_models([MODELS.relative_to(ROOT)], database="wastedump")
    assert not result.failures and not result.warnings
    by = {m.contract.contract: m.contract for m in result.models}
    assert {c.source.collection for c in by.values()} == {
        "user_activities", "pickup_tracking", "reviews"}
    assert by["Review"].mongoose.collection_from == "pluralised"
    assert by["PickupTracking"].mongoose.file == "fixtures/mongoose/PickupTracking.ts"
    assert by["UserActivity"].columns["channel"].values == ["app", "web"]  # Object.freeze


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_cli_writes_one_contract_per_model(tmp_path):
    out = tmp_path / "contracts"
    result = invoke("contracts", "derive", "mongoose", str(MODELS), "--db", "wastedump",
                    "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {c["contract"] for c in data["contracts"]} == {"PickupTracking", "Review",
                                                          "UserActivity"}
    assert {p.name for p in out.glob("*.yaml")} == {"PickupTracking.yaml", "Review.yaml",
                                               "UserActivity.yaml"}
    review = load_contract(out / "Review.yaml")
    assert review.source.database == "wastedump" and review.columns["rating"].declared == "Number"
    again = invoke("contracts", "derive", "mongoose", str(MODELS), "-o", str(out), "-f", "json")
    assert {c["status"] for c in json.loads(again.stdout)["contracts"]} == {"unchanged"}


def test_a_file_that_does_not_parse_is_named_skipped_and_exits_2(tmp_path):
    out = tmp_path / "contracts"
    result = invoke("contracts", "derive", "mongoose", str(CORPUS / "bad"), "-o", str(out))
    assert result.exit_code == 2
    assert "broken.js:4: syntax error" in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["Fine.yaml", "contract.schema.json"]
    assert not list(out.glob("*.tmp*")) and not list(out.glob(".*"))


def test_only_broken_files_write_nothing(tmp_path):
    out = tmp_path / "contracts"
    result = invoke("contracts", "derive", "mongoose", str(CORPUS / "bad" / "broken.js"),
                    "-o", str(out))
    assert result.exit_code == 2 and "broken.js:4" in result.stderr
    assert not out.exists() or not list(out.iterdir())


def test_missing_path_is_one_line_exit_2(tmp_path):
    result = invoke("contracts", "derive", "mongoose", str(tmp_path / "nope"), "-o",
                    str(tmp_path / "out"))
    assert result.exit_code == 2 and "no such file or folder" in result.stderr


def test_unresolved_is_reported_by_the_cli(tmp_path):
    result = invoke("contracts", "derive", "mongoose", str(CORPUS / "unresolved"), "-o",
                    str(tmp_path), "-f", "json")
    assert result.exit_code == 0
    warnings = json.loads(result.stdout)["warnings"]
    assert any("computed key [key]" in w for w in warnings)
    assert any("enum of status (loadStatuses())" in w for w in warnings)


def test_sample_keeps_declared_facts_and_adds_observed_ones(tmp_path):
    out = tmp_path / "contracts"
    assert invoke("contracts", "derive", "mongoose", str(MODELS), "--db", "wastedump",
                  "-o", str(out)).exit_code == 0
    # a reviewer's hand edits
    path = out / "UserActivity.yaml"
    data = yaml.safe_load(path.read_text())
    data["owner"] = "app-platform"
    data["columns"]["sessionId"]["description"] = "one app session"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    before = load_contract(path)
    sampled = invoke("contracts", "derive", "mongo", "--from-json", str(MONGO_FIXTURES),
                     "--db", "wastedump", "-o", str(out))
    assert sampled.exit_code == 0, sampled.output
    after = load_contract(path)
    for name, col in before.columns.items():  # every declared fact is still there
        got = after.columns[name]
        assert (got.declared, got.type, got.nullable, got.values) == (
            col.declared, col.type, col.nullable, col.values), name
    assert after.columns["type"].bson_types == {"string": 1.0}  # observed, added
    assert after.columns["type"].presence == 0.72
    assert after.columns["metadata.query"].declared is None  # observed only (under Mixed)
    assert after.mongoose == before.mongoose and after.indexes == before.indexes
    assert after.owner == "app-platform"
    assert after.columns["sessionId"].description == "one app session"
    assert after.mongo.sample_size == 400
    # re-deriving from the models keeps what the sample observed
    again = invoke("contracts", "derive", "mongoose", str(MODELS), "-o", str(out), "-f", "json")
    assert again.exit_code == 0
    assert load_contract(path) == after


def test_model_change_replaces_declared_facts_and_bumps_the_version(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(MODELS, models)
    out = tmp_path / "contracts"
    assert invoke("contracts", "derive", "mongoose", str(models), "-o", str(out)).exit_code == 0
    v1 = load_contract(out / "Review.yaml")
    src = models / "review.mjs"
    src.write_text(src.read_text().replace("min: 1, max: 5", "min: 0, max: 10"))
    assert invoke("contracts", "derive", "mongoose", str(models), "-o", str(out)).exit_code == 0
    v2 = load_contract(out / "Review.yaml")
    assert (v2.columns["rating"].min, v2.columns["rating"].max) == (0, 10)
    assert v2.version == v1.version + 1


def test_connections_namespaces_aliases_and_schema_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "values.ts").write_text(
        'const SIZES = ["S", "M"] as const;\nexport { SIZES as BIN_SIZES };\n'
        "export default { LEVELS: [1, 2] };\n")
    (tmp_path / "audit.ts").write_text(
        'import mongoose, { Schema as S } from "mongoose";\n'
        'import * as values from "./values";\n'
        "mongoose.plugin(require('mongoose-lean-virtuals'));\n"
        "const conn = mongoose.createConnection(process.env.URI!);\n"
        "const other = makeThing();\n"
        'other.model("x", 3);\n'
        "const s = new S({ at: Date, size: { type: String, enum: values.BIN_SIZES } });\n"
        "s.set('collection', 'audit_log');\n"
        'export const Audit = conn.model("AuditLog", s);\n')
    result = derive_models([Path("audit.ts")])
    assert not result.warnings and not result.failures
    (audit,) = [m.contract for m in result.models]
    assert audit.contract == "AuditLog" and audit.source.collection == "audit_log"
    assert audit.mongoose.collection_from == "option"
    assert audit.columns["size"].values == ["S", "M"]
    assert audit.mongoose.not_applied == [
        "global plugin require('mongoose-lean-virtuals') (audit.ts:3)"]


def test_typescript_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.ts"
    bad.write_text('import { Schema } from "mongoose";\n\nconst s: = new Schema({});\n')
    result = derive_models([bad])
    (failure,) = result.failures
    assert failure.file == bad and failure.line == 3 and not result.models


def test_typescript_enums_as_they_exist_at_run_time(tmp_path):
    (tmp_path / "m.ts").write_text(
        'import { Schema, model } from "mongoose";\n'
        "enum Priority { Low, High }\n"
        'enum Kind { A = "a", B = "b" }\n'
        'export const M = model("M", new Schema({\n'
        "  p: { type: String, enum: Object.values(Priority) },\n"
        "  k: { type: String, enum: Object.values(Kind) },\n"
        "  q: { type: String, enum: Object.keys(Kind) },\n"
        "  r: { type: String, enum: [Kind.B] },\n"
        "}));\n")
    result = derive_models([tmp_path / "m.ts"])
    cols = result.models[0].contract.columns
    assert (cols["k"].values, cols["q"].values, cols["r"].values) == (["a", "b"], ["A", "B"], ["b"])
    # a numeric enum maps numbers back to names at run time: ["Low", "High", 0, 1]
    assert cols["p"].values is None
    assert any("enum of p has non-string values" in w for w in result.warnings)
