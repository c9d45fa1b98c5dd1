"""One style for `exit_code` on every result of the Python API (issue 28, point 8).

A run record had `record.exit_code` (an attribute) while the drift results had
`drift.exit_code()` (a method): every result now has the attribute, and the old call
still works with a DeprecationWarning.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import wdguard
from wdguard.checks.engines import PolarsEngine
from wdguard.contracts.io import load_contract

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = ROOT / "fixtures" / "prisma" / "migrations"


def test_lint_result_has_the_attribute_and_a_strict_one():
    index = MIGRATIONS / "20240820094500_order_status_user_created_idx"
    lint = wdguard.lint_migrations([index], contracts=ROOT / "contracts")
    assert {f.severity for f in lint.findings} == {"warning"}  # WDL101/WDL109 warnings
    assert (lint.exit_code, lint.strict_exit_code) == (0, 1)


def test_mongo_drift_attribute_and_the_deprecated_call():
    drift = wdguard.drift_mongo(contracts=ROOT / "contracts", from_json=ROOT / "fixtures/mongo")
    assert isinstance(drift.exit_code, int) and drift.exit_code == 0
    with pytest.warns(DeprecationWarning, match="attribute"):
        assert drift.exit_code() == 0
    with pytest.warns(DeprecationWarning):
        assert drift.exit_code(strict=True) == drift.strict_exit_code
    assert drift.to_dict()["exit_code"] == 0


def test_frame_verdict_has_an_exit_code_like_a_run_record():
    contract = load_contract(ROOT / "contracts" / "Merchant.yaml")
    empty = PolarsEngine().empty(contract).collect()  # zero rows of the contract's shape
    ok = wdguard.validate_frame(empty, contract)
    assert ok.ok and ok.exit_code == 0
    bad = empty.clear(n=2)  # two rows of nulls: the key columns fail not_null
    verdict = wdguard.validate_frame(bad, contract)
    assert not verdict.ok and verdict.exit_code == 1
    assert "not_null" in {c.check for c in verdict.failed}
