"""The contract model, its YAML form and the merge on re-derive."""

from __future__ import annotations

import pytest

from wdguard.contracts.io import dump_contract, parse_contract_text
from wdguard.contracts.merge import fingerprint, merge
from wdguard.contracts.model import Contract, Rule
from wdguard.errors import InputError


def _order(**extra_cols) -> Contract:
    cols = {
        "id": {"type": "uuid", "nullable": False, "unique": True},
        "status": {"type": "enum", "values": ["PENDING", "PAID"], "nullable": False},
        "total_amount": {"type": "decimal", "precision": 10, "scale": 2, "nullable": False},
        **extra_cols,
    }
    return Contract.model_validate(
        {
            "contract": "Order",
            "source": {"kind": "postgres", "schema": "public", "table": "orders"},
            "primary_key": ["id"],
            "columns": cols,
        }
    )


def test_yaml_round_trip_is_identical():
    c = merge(None, _order())
    text = dump_contract(c)
    again = parse_contract_text(text, "Order.yaml")
    assert dump_contract(again) == text
    assert "id: {type: uuid, nullable: false, unique: true}" in text


def test_rederive_keeps_hand_edits_and_version():
    first = merge(None, _order())
    edited = first.model_copy(
        update={"rules": [Rule(name="positive", sql="total_amount >= 0")], "owner": "data"}
    )
    edited.columns["total_amount"] = edited.columns["total_amount"].model_copy(
        update={"min": 0}
    )
    again = merge(edited, _order())
    assert again.version == 1
    assert again.rules[0].name == "positive"
    assert again.owner == "data"
    assert again.columns["total_amount"].min == 0
    assert dump_contract(again) == dump_contract(edited)


def test_derived_change_bumps_version_once():
    first = merge(None, _order())
    changed = merge(first, _order(paid_at={"type": "timestamp"}))
    assert changed.version == 2
    assert changed.fingerprint != first.fingerprint
    assert merge(changed, _order(paid_at={"type": "timestamp"})).version == 2


def test_fingerprint_ignores_hand_part():
    a = _order()
    b = a.model_copy(update={"description": "orders placed in the app"})
    assert fingerprint(a) == fingerprint(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("contract: X\nsource: {kind: postgres}\ncolumns:\n  a: {type: texty}\n", ":4"),
        ("contract: X\nsource: {kind: postgres}\ncolumns:\n  a: {type: string, nulable: false}\n", "unknown key"),
        ("contract: X\nsource: {kind: postgres}\ncolumns:\n  a: {type: string}\n  a: {type: uuid}\n", "duplicate key"),
        ("contract: X\nsource: {kind: postgres\n", "invalid YAML"),
        ("contract: X\nsource: {kind: postgres}\nprimary_key: [nope]\ncolumns:\n  a: {type: string}\n", "primary_key"),
    ],
)
def test_bad_contract_names_file_and_line(text, expected):
    with pytest.raises(InputError) as info:
        parse_contract_text(text, "contracts/X.yaml")
    line = info.value.one_line()
    assert line.startswith("contracts/X.yaml")
    assert expected in line
    assert "\n" not in line


def test_a_contract_defined_in_two_files_is_rejected_by_load_and_sync(tmp_path):
    from tests.gate_helpers import USER
    from wdguard.contracts.io import load_contracts
    from wdguard.contracts.sync import existing_contracts

    (tmp_path / "a_user.yaml").write_text(USER)
    (tmp_path / "b_user.yml").write_text(USER)
    for read in (load_contracts, existing_contracts):
        with pytest.raises(InputError, match="also defined in") as exc:
            read(tmp_path)
        assert "a_user.yaml" in str(exc.value) and exc.value.where.endswith("b_user.yml")
