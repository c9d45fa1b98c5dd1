"""The nightly report says what it knows about a date's gate (issue 28, point 2).

A run that could not start (exit 2 before any check: a wrong option, no contracts
folder) used to become the date's verdict, hiding the real FAIL before it, and the report
said both "Could not decide" and "Every check passed" about a run that checked nothing.
"""

from __future__ import annotations

from datetime import timedelta

from tests.report_lake import END, make_record
from wdguard.lake.storage import LocalStore
from wdguard.record import Inputs, RunRecord, finish
from wdguard.report.nightly import build_report
from wdguard.report.render_html import render_html
from wdguard.report.render_md import render_markdown

DAY = END.isoformat()
WHY = "contracts: contracts folder not found"


def _write(store: LocalStore, rec: RunRecord) -> None:
    store.write_text(f"_wdguard/runs/{rec.inputs.date}/{rec.run_id}.json", rec.to_json())


def _could_not_start(minutes: int) -> RunRecord:
    """What `wdguard check` records when it stops before any check."""
    base = make_record(END)
    rec = RunRecord(run_id=f"01NOSTART{minutes:03d}", user="ops", host="laptop",
                    started_at=base.started_at + timedelta(minutes=minutes), versions={},
                    inputs=Inputs(lake="/lake", date=DAY, layers=["bronze", "silver"],
                                  contracts_dir="contracts"))
    rec.errors.append(WHY)
    return finish(rec)


def test_a_run_that_could_not_start_does_not_hide_the_real_fail(tmp_path):
    store = LocalStore(tmp_path)
    _write(store, make_record(END, status_fault=True))  # the pipeline's run: FAIL
    _write(store, _could_not_start(30))                  # a later, misconfigured re-run
    r = build_report(store, DAY, days=3)
    today = r["gate"]["today"]
    assert (today["verdict"], today["run_id"], today["exit_code"]) == ("fail", f"01RUN{DAY}", 1)
    assert [(c["contract"], c["check"]) for c in today["failing"]] == [("Order", "in_values")]
    assert today["last_run"]["run_id"] == "01NOSTART030"
    assert (today["last_run"]["verdict"], today["last_run"]["checks"]) == ("undecided", 0)
    assert today["last_run"]["error"] == WHY
    assert r["gate"]["days"][-1]["verdict"] == "fail"  # the strip shows the real verdict
    assert r["status"] == "failed"
    assert r["headline"] == f"Gate FAILED for {DAY} — the last run could not start"
    md = render_markdown(r)
    assert "Every check passed" not in md and "Could not decide" not in md
    assert f"`01NOSTART030`, could not start (no check ran, undecided, exit 2): {WHY}." in md
    assert f"The verdict above is from run `01RUN{DAY}`, the last run that checked" in md
    html = render_html(r)
    assert "Every check passed" not in html and "01NOSTART030" in html


def test_after_a_pass_a_run_that_could_not_start_is_a_warning(tmp_path):
    store = LocalStore(tmp_path)
    _write(store, make_record(END))
    _write(store, _could_not_start(30))
    r = build_report(store, DAY, days=3)
    assert r["gate"]["today"]["verdict"] == "pass" and r["status"] == "warning"
    assert "Every check passed (12 checks)." in render_markdown(r)


def test_a_date_whose_only_run_checked_nothing_never_says_every_check_passed(tmp_path):
    store = LocalStore(tmp_path)
    _write(store, _could_not_start(0))
    _write(store, _could_not_start(5))
    r = build_report(store, DAY, days=3)
    today = r["gate"]["today"]
    assert (today["verdict"], today["run_id"], today["checks"]) == ("undecided",
                                                                    "01NOSTART005", 0)
    assert "last_run" not in today  # the run shown is the latest one
    assert r["status"] == "failed" and r["headline"] == f"Gate could not decide for {DAY}"
    md = render_markdown(r)
    assert f"Could not decide: {WHY}" in md and "No check ran." in md
    assert "Every check passed" not in md and "Every check passed" not in render_html(r)
