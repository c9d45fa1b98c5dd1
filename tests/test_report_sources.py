"""The nightly report names every source it did not look at (issue 28, point 4).

An empty `--mongo-uri "$WDGUARD_MONGO_URI"` with `--mongo-db` used to check no MongoDB and
say nothing; a `cache stats` snapshot was filed under the wall-clock date, so the report of
an earlier pipeline date never showed it (`cache stats --date` now files it).
"""

from __future__ import annotations

import json

from typer.testing import CliRunner

from tests.fixtures_redis import SHARED_DB, SHARED_PORT
from tests.report_lake import END, make_record
from tests.report_lake import write_drift_json as write_pg_drift
from wdguard.cli import app
from wdguard.lake.storage import LocalStore

DAY = END.isoformat()  # 2026-11-26: not today, as for a report of an earlier date


def _lake(tmp_path):
    store = LocalStore(tmp_path / "lake")
    rec = make_record(END)
    store.write_text(f"_wdguard/runs/{DAY}/{rec.run_id}.json", rec.to_json())
    return tmp_path / "lake"


def test_each_skipped_source_is_named_in_the_notes(tmp_path):
    lake = _lake(tmp_path)
    res = CliRunner().invoke(app, ["report", "nightly", "--lake", str(lake), "--date", DAY,
                                   "--out", str(tmp_path / "out"), "--mongo-uri", "",
                                   "--mongo-db", "wastedump"])
    assert res.exit_code == 0, res.output
    notes = json.loads((tmp_path / "out" / "report.json").read_text())["notes"]
    assert notes == [
        "cache health not checked: no cache snapshot from 2026-10-28 to 2026-11-26 "
        "(run `wdguard cache stats --lake ... --date 2026-11-26`)",
        "PostgreSQL drift not checked: no --dsn (nor --drift-json of `wdguard drift postgres`)",
        "Prisma migration history not checked: no --migrations",
        "MongoDB drift not checked: --mongo-uri is empty (--mongo-db wastedump alone samples "
        "nothing)",
    ]
    md = (tmp_path / "out" / "report.md").read_text()
    assert "> note: MongoDB drift not checked: --mongo-uri is empty" in md


def test_a_source_given_as_saved_drift_is_not_reported_skipped(tmp_path):
    lake = _lake(tmp_path)
    drift = write_pg_drift(tmp_path / "pg.json")  # postgres + its migration history
    res = CliRunner().invoke(app, ["report", "nightly", "--lake", str(lake), "--date", DAY,
                                   "--out", str(tmp_path / "out"), "--drift-json", str(drift)])
    assert res.exit_code == 1, res.output  # the saved drift has a breaking change
    notes = json.loads((tmp_path / "out" / "report.json").read_text())["notes"]
    assert [n.split(":")[0] for n in notes] == ["cache health not checked",
                                                "MongoDB drift not checked"]


def test_cache_stats_for_a_pipeline_date_shows_in_that_dates_report(shared_redis, tmp_path):
    shared_redis.set("session:1", "x", ex=60)
    lake = _lake(tmp_path)
    url = f"redis://127.0.0.1:{SHARED_PORT}/{SHARED_DB}"
    res = CliRunner().invoke(app, ["cache", "stats", "--redis-url", url, "--interval", "0.2",
                                   "--lake", str(lake), "--date", DAY, "--format", "json"])
    assert res.exit_code == 0, res.output
    snap = json.loads(res.stdout)
    assert snap["date"] == DAY and snap["stored"].startswith(f"_wdguard/cache/{DAY}/")
    res = CliRunner().invoke(app, ["report", "nightly", "--lake", str(lake), "--date", DAY,
                                   "--out", str(tmp_path / "out")])
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    assert r["cache"]["today"]["target"] == url
    assert not [n for n in r["notes"] if "cache" in n]


def test_cache_stats_refuses_a_bad_date_before_asking_redis(tmp_path):
    res = CliRunner().invoke(app, ["cache", "stats", "--redis-url", "redis://127.0.0.1:1/0",
                                   "--date", "2026-13-01"])
    assert res.exit_code == 2 and "--date: bad date '2026-13-01'" in res.stderr


def test_a_report_without_date_says_it_covers_today(tmp_path):
    lake = _lake(tmp_path)
    res = CliRunner().invoke(app, ["report", "nightly", "--lake", str(lake),
                                   "--out", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output  # no gate run today
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    assert f"no --date: this report covers today (UTC), {r['date']}" in r["notes"]
    assert f"no gate run recorded for {r['date']}" in r["notes"]
