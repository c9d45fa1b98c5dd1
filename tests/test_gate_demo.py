"""`wdguard demo`: generates the sample lake, gates a clean and a faulty day, exits 0."""

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
    store = LocalStore(lake)
    for day in (data["clean"]["date"], data["faulty"]["date"]):
        assert len(store.list(layout.runs_dir(day))) == 1  # the run records stay in the lake
