"""`wdguard demo`: generates the sample lake, shows the three gates of a day, exits 0."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from wdguard.cli import app
from wdguard.lake import layout
from wdguard.lake.storage import LocalStore


def test_demo_keeps_the_lake_and_reports_both_verdicts(tmp_path):
    lake = tmp_path / "kept"
    res = CliRunner().invoke(app, ["demo", "--lake", str(lake), "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["ok"] is True and data["lake"] == str(lake)
    assert (data["clean"]["verdict"], data["clean"]["exit_code"]) == ("pass", 0)
    assert (data["faulty"]["verdict"], data["faulty"]["exit_code"]) == ("fail", 1)
    caught = {(f["contract"], f["check"]) for f in data["faulty"]["failing"]}
    for fault in data["faulty"]["faults"]:
        assert any(contract == fault["contract"] for contract, _ in caught), fault
    assert {"orphan_fk", "row_count", "in_values", "stale"} <= {c for _, c in caught}
    assert (data["clean_gold"]["verdict"], data["clean_gold"]["exit_code"]) == ("pass", 0)
    assert (data["faulty_gold"]["verdict"], data["faulty_gold"]["exit_code"]) == ("fail", 1)
    gold_caught = {(f["contract"], f["check"]) for f in data["faulty_gold"]["failing"]}
    assert {("FactOrders", "gold_grain"), ("FactOrders", "gold_orphan_key")} <= gold_caught
    assert {c for _, c in gold_caught} <= {
        "gold_grain",
        "gold_orphan_key",
        "reconcile_count",
        "reconcile_sum",
    }
    store = LocalStore(lake)
    runs = {
        day: len(store.list(layout.runs_dir(day)))
        for day in (data["clean"]["date"], data["faulty"]["date"], data["faulty_gold"]["date"])
    }
    # the run records stay in the lake: the clean day has its pre-gold and its gold gate
    assert list(runs.values()) == [2, 1, 1]
