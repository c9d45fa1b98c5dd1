"""`wdguard demo`: generates the sample lake, shows the three gates of a day, exits 0."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from tests.guide_runner import GUIDES, ROOT, run_guide
from wdguard.cli import app
from wdguard.commands.demo import next_commands
from wdguard.lake import layout
from wdguard.lake.storage import LocalStore


def test_demo_keeps_the_lake_and_reports_both_verdicts(tmp_path, monkeypatch):
    user = tmp_path / "user"
    user.mkdir()
    monkeypatch.chdir(user)  # the user's folder: no contracts/ in it
    lake = user / "demo_lake"
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
    _quoted_demo_output_is_current(data["faulty"])
    _run_next_commands(data["next"], data["faulty"]["date"])
    # the guides' examples, as written, from a checkout's root on the demo's lake
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("contracts", "fixtures"):
        (repo / name).symlink_to(ROOT / name)
    (repo / "demo_lake").symlink_to(lake)
    monkeypatch.chdir(repo)
    for page in GUIDES:
        ran = run_guide(ROOT / "docs" / "guides" / page)
        assert len(ran) >= 2, page


def _quoted_demo_output_is_current(faulty: dict) -> None:
    """The README and getting-started quote the faulty day's output: its verdict line's
    counts and failing-check lines are what the demo prints today (issue 28, point 7)."""
    s = faulty["summary"]
    verdict = (f"FAIL exit 1 - {s['checks']} checks: {s['passed']} passed, "
               f"{s['failed_error']} failed, {s['failed_warn']} warnings, {s['skipped']} "
               f"skipped, {s['errors']} errors - run ")
    shown = {f"{c['layer']}:{c['contract']}{'.' + c['column'] if c['column'] else ''}: "
             f"{c['code']} error {c['check']}" for c in faulty["failing"]}
    for page in (ROOT / "README.md", ROOT / "docs" / "getting-started.md"):
        text = page.read_text()
        assert verdict in text, (page.name, verdict)
        quoted = re.findall(r"^  ((?:bronze|silver):\S+: WDG\d+ error \w+)", text, re.M)
        assert quoted and set(quoted) <= shown, (page.name, set(quoted) - shown)


def _run_next_commands(steps: list[dict], bad_day: str) -> None:
    """After the demo, each printed "next" command runs as written from the user's folder
    with the exit code it announces (issue 28, point 1)."""
    assert [s["command"].split()[:2] for s in steps] == [
        ["wdguard", "check"], ["wdguard", "report"], ["wdguard", "migrations"]]
    assert steps[0]["command"].startswith(f"wdguard check --lake demo_lake --date {bad_day} ")
    for step in steps:
        got = CliRunner().invoke(app, shlex.split(step["command"])[1:])
        assert got.exit_code == step["exit_code"], (step, got.output)
        assert "error:" not in got.stderr, got.stderr
    assert "Gate FAILED" in Path("demo_report/report.md").read_text()



def test_without_a_lake_the_next_commands_start_by_keeping_one():
    kept = next_commands(Path("demo_lake"), "2026-11-26")
    steps = next_commands(None, "2026-11-26")
    assert [s["command"] for s in steps] == ["wdguard demo --lake demo_lake"] + [
        s["command"] for s in kept]
    assert [s["command"].split()[1] for s in kept] == ["check", "report", "migrations"]

def test_a_missing_contracts_folder_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lake" / "raw" / "postgres" / "2026-11-26").mkdir(parents=True)
    got = CliRunner().invoke(app, ["check", "--lake", "lake", "--date", "2026-11-26"])
    assert got.exit_code == 2
    assert "contracts: contracts folder not found (hint: pass --contracts DIR, or derive " in (
        got.stderr)
    assert "wdguard contracts derive prisma" in got.stderr
