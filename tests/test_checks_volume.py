"""Volume baselines: weekday-aware, from past run records first, skipped without history."""

from __future__ import annotations

import datetime as dt

from tests.gate_helpers import USER, users, write_partition
from wdguard.checks.volume import History, check_volume
from wdguard.contracts.io import parse_contract_text
from wdguard.lake import layout
from wdguard.record import Inputs, PartitionRecord, RunRecord

TODAY = dt.date(2026, 11, 26)  # a Thursday
CONTRACT = parse_contract_text(USER, "User.yaml")


def _day(n: int) -> str:
    return (TODAY - dt.timedelta(days=n)).isoformat()


def test_same_weekday_baseline_wins_over_a_busy_or_quiet_week(local_lake):
    for week in range(1, 5):  # Thursdays are big
        write_partition(local_lake, "bronze", "users", users(100), date=_day(7 * week))
    for n in range(1, 7):  # the other days are small
        write_partition(local_lake, "bronze", "users", users(10), date=_day(n))
    history = History(local_lake, TODAY.isoformat())
    base, kind, points = history.baseline("bronze", CONTRACT)
    assert (base, kind, points) == (100, "same weekday, last 4 weeks", [100, 100, 100, 100])
    (min_rows, change) = check_volume(CONTRACT, "bronze", 95, history)
    assert min_rows.status == "pass" and change.status == "pass"
    (_, change) = check_volume(CONTRACT, "bronze", 40, history)
    assert change.status == "fail" and change.details["change"] == -0.6


def test_run_record_counts_take_precedence_over_manifests(local_lake):
    for n in range(1, 4):
        write_partition(local_lake, "bronze", "users", users(10), date=_day(n))
    record = RunRecord(
        run_id="01ZZZZZZZZZZZZZZZZZZZZZZZZ", started_at="2026-11-25T05:00:00Z", user="u",
        host="h", versions={},
        inputs=Inputs(lake="/lake", date=_day(1), layers=["bronze"], contracts_dir="c"),
        partitions=[PartitionRecord(layer="bronze", source="postgres", object="users",
                                    path="x", exists=True, row_count=50)],
    )  # read back through the typed loader, as every run record is
    for n in range(1, 4):
        path = layout.run_record_path(_day(n), "01ZZZZZZZZZZZZZZZZZZZZZZZZ")
        local_lake.write_text(path, record.to_json())
    base, kind, _ = History(local_lake, TODAY.isoformat()).baseline("bronze", CONTRACT)
    assert (base, kind) == (50, "last 7 days")


def test_too_little_history_skips_instead_of_failing(local_lake):
    write_partition(local_lake, "bronze", "users", users(10), date=_day(1))
    history = History(local_lake, TODAY.isoformat())
    (_, change) = check_volume(CONTRACT, "bronze", 1, history)
    assert change.status == "skipped" and change.details["points"] == [10]
