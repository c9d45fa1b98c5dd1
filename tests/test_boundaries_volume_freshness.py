"""Freshness and volume at their thresholds: exactly max_age / min_rows / max_change passes,
one step beyond fails, in both directions (a spike fails as surely as a drop)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.gate_helpers import USER, users, write_partition
from wdguard.checks.freshness import check_freshness
from wdguard.checks.volume import History, check_volume
from wdguard.contracts.io import parse_contract_text

TODAY = dt.date(2026, 11, 26)  # a Thursday
EXTRACTED = dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC)


def contract(freshness: str = "{column: updated_at, max_age: 26h}",
             volume: str = "{min_rows: 10, max_change: 0.5}"):
    text = USER.replace("{column: updated_at, max_age: 26h}", freshness)
    text = text.replace("{min_rows: 1, max_change: 0.5}", volume)
    return parse_contract_text(text, "User.yaml")


# --- freshness -------------------------------------------------------------------------


def _fresh(age: dt.timedelta, c=None, *, newest_tz=True):
    newest = EXTRACTED - age
    if not newest_tz:
        newest = newest.replace(tzinfo=None)
    return check_freshness(c or contract(), "users", newest.isoformat(), EXTRACTED)


def test_newest_exactly_max_age_old_is_fresh():
    out = _fresh(dt.timedelta(hours=26))
    assert out.status == "pass"
    assert out.details["age_s"] == 26 * 3600 and out.details["max_age_s"] == 26 * 3600


def test_one_second_past_max_age_is_stale():
    out = _fresh(dt.timedelta(hours=26, seconds=1))
    assert out.status == "fail" and out.spec.check == "stale" and out.spec.code == "WDG050"
    assert "26.0h older than extraction (max_age 26h)" in out.message
    assert out.spec.column == "updated_at" and out.spec.severity == "error"


@pytest.mark.parametrize("max_age,limit", [("90m", 5400), ("2d", 172800)])
def test_other_duration_units_at_their_boundary(max_age, limit):
    c = contract(freshness=f"{{column: updated_at, max_age: {max_age}}}")
    assert _fresh(dt.timedelta(seconds=limit), c).status == "pass"
    assert _fresh(dt.timedelta(seconds=limit + 1), c).status == "fail"


def test_naive_timestamps_are_utc():
    assert _fresh(dt.timedelta(hours=26), newest_tz=False).status == "pass"
    assert _fresh(dt.timedelta(hours=26, seconds=1), newest_tz=False).status == "fail"
    naive_extraction = check_freshness(
        contract(), "users", (EXTRACTED - dt.timedelta(hours=27)).isoformat(),
        EXTRACTED.replace(tzinfo=None),
    )
    assert naive_extraction.status == "fail"
    assert naive_extraction.details["extracted_at"] == EXTRACTED.isoformat()


def test_outcomes_name_their_contract_object_and_figures():
    stale = _fresh(dt.timedelta(hours=1000))
    assert (stale.spec.contract, stale.spec.object) == ("User", "users")
    assert stale.message == "newest updated_at is 1000.0h older than extraction (max_age 26h)"
    assert stale.details == {
        "newest": (EXTRACTED - dt.timedelta(hours=1000)).isoformat(),
        "extracted_at": EXTRACTED.isoformat(),
        "age_s": 3_600_000,
        "max_age_s": 26 * 3600,
    }
    fresh = _fresh(dt.timedelta(hours=1))
    assert (fresh.spec.contract, fresh.spec.object, fresh.details["age_s"]) == ("User", "users", 3600)
    for out in (check_freshness(contract(), "users", None, EXTRACTED),
                check_freshness(contract(), "users", EXTRACTED.isoformat(), None)):
        assert (out.spec.contract, out.spec.object, out.spec.check) == ("User", "users", "stale")
    skipped = check_freshness(contract(), "users", EXTRACTED.isoformat(), None)
    assert skipped.message == "no extracted_at in _source.json"


def test_offset_timestamps_are_compared_as_instants():
    """+03:00 is three hours ahead of UTC: 28h on the wall clock is 25h of age."""
    newest = (EXTRACTED - dt.timedelta(hours=25)).astimezone(dt.timezone(dt.timedelta(hours=3)))
    out = check_freshness(contract(), "users", newest.isoformat(), EXTRACTED)
    assert out.status == "pass" and out.details["age_s"] == 25 * 3600
    late = (EXTRACTED - dt.timedelta(hours=27)).astimezone(dt.timezone(dt.timedelta(hours=-5)))
    assert check_freshness(contract(), "users", late.isoformat(), EXTRACTED).status == "fail"


def test_newest_in_the_future_is_fresh_and_no_value_at_all_is_stale():
    assert _fresh(-dt.timedelta(hours=1)).status == "pass"
    empty = check_freshness(contract(), "users", None, EXTRACTED)
    assert empty.status == "fail" and "no updated_at value at all" in empty.message


def test_without_extracted_at_freshness_is_skipped_not_passed():
    out = check_freshness(contract(), "users", EXTRACTED.isoformat(), None)
    assert out.status == "skipped" and "extracted_at" in out.message


def test_warn_severity_is_carried_and_no_freshness_means_no_check():
    c = contract(freshness="{column: updated_at, max_age: 1h, severity: warn}")
    out = _fresh(dt.timedelta(hours=2), c)
    assert out.status == "fail" and out.spec.severity == "warn"
    no_sla = parse_contract_text(USER.replace("freshness: {column: updated_at, max_age: 26h}\n",
                                              ""), "User.yaml")
    assert check_freshness(no_sla, "users", None, EXTRACTED) is None


# --- volume ----------------------------------------------------------------------------


@pytest.fixture
def history(local_lake):
    """A baseline of exactly 100 rows: the same weekday over the last four weeks."""
    for week in range(1, 5):
        day = (TODAY - dt.timedelta(days=7 * week)).isoformat()
        write_partition(local_lake, "bronze", "users", users(100), date=day)
    return History(local_lake, TODAY.isoformat())


def _volume(rows, history, volume="{min_rows: 10, max_change: 0.5}"):
    return {o.spec.check: o for o in check_volume(contract(volume=volume), "bronze", rows, history)}


def test_exactly_min_rows_passes_one_fewer_fails(history):
    enough = _volume(10, history)["min_rows"]
    assert (enough.status, enough.message) == ("pass", "")
    short = _volume(9, history)["min_rows"]
    assert short.status == "fail" and short.spec.code == "WDG060"
    assert short.message == "9 row(s), the contract wants at least 10"
    assert short.rows_scanned == 9


def test_zero_rows_fail_min_rows_of_one(history):
    assert _volume(0, history, "{min_rows: 1}")["min_rows"].status == "fail"
    assert _volume(1, history, "{min_rows: 1}")["min_rows"].status == "pass"


@pytest.mark.parametrize("rows,status", [(150, "pass"), (151, "fail"), (50, "pass"), (49, "fail")])
def test_change_of_exactly_max_change_passes_both_ways(history, rows, status):
    out = _volume(rows, history)["volume_change"]
    assert out.status == status, out.details
    assert out.details["baseline"] == 100 and out.details["max_change"] == 0.5
    assert out.details["change"] == round((rows - 100) / 100, 4)


def test_a_spike_fails_like_a_drop(history):
    spike = _volume(1000, history)["volume_change"]
    drop = _volume(10, history)["volume_change"]
    assert spike.status == "fail" and drop.status == "fail"
    assert "+900%" in spike.message and "-90%" in drop.message
    assert "baseline 100 (same weekday, last 4 weeks)" in spike.message
    assert "allowed ±50%" in spike.message


def test_small_max_change_boundary(history):
    volume = "{max_change: 0.1}"
    assert _volume(110, history, volume)["volume_change"].status == "pass"
    assert _volume(90, history, volume)["volume_change"].status == "pass"
    assert _volume(111, history, volume)["volume_change"].status == "fail"
    assert _volume(89, history, volume)["volume_change"].status == "fail"
    assert "min_rows" not in _volume(110, history, volume)


def test_zero_baseline_zero_rows_pass_any_rows_fail(local_lake):
    for week in range(1, 5):
        day = (TODAY - dt.timedelta(days=7 * week)).isoformat()
        write_partition(local_lake, "bronze", "users", users(1).clear(), date=day, files=0)
    history = History(local_lake, TODAY.isoformat())
    assert _volume(0, history, "{max_change: 0.5}")["volume_change"].status == "pass"
    grew = _volume(1, history, "{max_change: 0.5}")["volume_change"]
    assert grew.status == "fail" and grew.details["change"] == 1.0


def test_weekday_points_need_two_daily_points_need_three(local_lake):
    write_partition(local_lake, "bronze", "users", users(100), date="2026-11-19")
    one_week = History(local_lake, TODAY.isoformat())
    assert one_week.baseline("bronze", contract())[0] is None  # 1 weekday, 1 daily
    write_partition(local_lake, "bronze", "users", users(40), date="2026-11-24")
    write_partition(local_lake, "bronze", "users", users(60), date="2026-11-25")
    daily = History(local_lake, TODAY.isoformat())
    assert daily.baseline("bronze", contract()) == (60, "last 7 days", [60, 40, 100])
    write_partition(local_lake, "bronze", "users", users(200), date="2026-11-12")
    weekly = History(local_lake, TODAY.isoformat())
    assert weekly.baseline("bronze", contract()) == (
        150, "same weekday, last 4 weeks", [100, 200])


def test_volume_outcomes_carry_severity_and_no_volume_means_no_check(history):
    out = _volume(1, history, "{min_rows: 5, severity: warn}")["min_rows"]
    assert out.status == "fail" and out.spec.severity == "warn"
    none = parse_contract_text(USER.replace("volume: {min_rows: 1, max_change: 0.5}\n", ""), "U.yaml")
    assert check_volume(none, "bronze", 0, history) == []


def test_volume_outcomes_carry_their_rows_and_baseline_in_full(history, local_lake):
    ok = _volume(150, history)["volume_change"]
    assert (ok.status, ok.message, ok.rows_scanned) == ("pass", "", 150)
    assert ok.details == {"baseline": 100, "baseline_kind": "same weekday, last 4 weeks",
                          "points": [100, 100, 100, 100], "max_change": 0.5, "change": 0.5}
    bad = _volume(151, history)["volume_change"]
    assert (bad.status, bad.rows_scanned) == ("fail", 151)
    assert bad.message == (
        "151 row(s) vs baseline 100 (same weekday, last 4 weeks): +51%, allowed ±50%")
    fresh = History(local_lake, "2031-01-01")  # nothing before it: no baseline
    none = _volume(5, fresh)["volume_change"]
    assert (none.status, none.message, none.rows_scanned) == (
        "skipped", "no baseline yet (too few past partitions)", 5)
    assert none.details == {"baseline": None, "baseline_kind": none.details["baseline_kind"],
                            "points": [], "max_change": 0.5}


def test_volume_change_is_rounded_to_four_decimals(local_lake):
    for week in range(1, 5):
        day = (TODAY - dt.timedelta(days=7 * week)).isoformat()
        write_partition(local_lake, "bronze", "users", users(3), date=day)
    out = _volume(4, History(local_lake, TODAY.isoformat()))["volume_change"]
    assert out.details["change"] == 0.3333


def test_a_partition_without_manifest_names_its_reference_and_records_it():
    """No `_source.json`: the end of the date stands in for extraction, and both the
    message and the details say so; with a manifest the details carry no reference."""
    end = "the end of 2026-11-25"
    stale = check_freshness(contract(), "users", (EXTRACTED - dt.timedelta(hours=30))
                            .isoformat(), EXTRACTED, reference=end)
    assert stale.status == "fail" and stale.details["reference"] == end
    assert stale.message == f"newest updated_at is 30.0h older than {end} (max_age 26h)"
    fresh = check_freshness(contract(), "users", EXTRACTED.isoformat(), EXTRACTED,
                            reference=end)
    assert fresh.status == "pass" and fresh.details["reference"] == end
    assert "reference" not in _fresh(dt.timedelta(hours=1)).details
