"""The nightly report's cache card and cache alerts, from snapshots kept in the lake.

Past nights are snapshots built by the real code (`window`, `server_facts`, `evaluate`,
`build_snapshot`, `write_snapshot`) from INFO samples with known counters; the report's day
also gets a live snapshot from the shared Redis through the CLI.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from tests.alert_server import Recorder
from tests.fixtures_redis import SHARED_DB, SHARED_PORT
from tests.report_lake import END, make_record
from wdguard.cache.snapshot import build_snapshot, write_snapshot
from wdguard.cache.stats import keyspace, server_facts, window
from wdguard.cache.thresholds import CacheConfig, evaluate
from wdguard.cli import app
from wdguard.lake.storage import LocalStore
from wdguard.report import charts

DAY = END.isoformat()
CFG = CacheConfig(min_hit_ratio=0.9, max_evictions_per_min=50, max_memory_share=0.8,
                  max_no_ttl_share=0.5)


def _info(hits, misses, evicted, uptime, used=600 * 1024 * 1024):
    return {"redis_version": "7.0.15", "redis_mode": "standalone", "role": "master",
            "run_id": "abc", "uptime_in_seconds": uptime, "connected_clients": 12,
            "used_memory": used, "maxmemory": 1024 * 1024 * 1024,
            "maxmemory_policy": "allkeys-lru", "mem_fragmentation_ratio": 1.1,
            "keyspace_hits": hits, "keyspace_misses": misses, "evicted_keys": evicted,
            "expired_keys": 0, "total_commands_processed": hits + misses,
            "db0": {"keys": 1000, "expires": 600, "avg_ttl": 60000}}


def _snapshot(day, hits, misses, evicted, used=600 * 1024 * 1024):
    before = _info(1000, 100, 0, 5000)
    after = _info(1000 + hits, 100 + misses, evicted, 5010, used)
    figures = {"server": server_facts(after), "keyspace": keyspace(after),
               "window": window(before, after, 0.0, 10.0),
               "sample": {"sampled": 100, "dbsize": 1000, "no_ttl_share": 0.4,
                          "prefixes": [
                              {"prefix": "session", "keys": 60, "share": 0.6, "est_keys": 600,
                               "types": {"string": 60}, "without_ttl": 0, "with_ttl": 60,
                               "no_ttl_share": 0.0, "memory_bytes": 6000, "avg_bytes": 100.0,
                               "est_memory_bytes": 60000},
                              {"prefix": "product", "keys": 40, "share": 0.4, "est_keys": 400,
                               "types": {"hash": 40}, "without_ttl": 40, "with_ttl": 0,
                               "no_ttl_share": 1.0, "memory_bytes": 8000, "avg_bytes": 200.0,
                               "est_memory_bytes": 80000}]}}
    findings = evaluate({**figures, "target": "redis://cache:6379/0"}, CFG)
    taken = datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)
    return build_snapshot(figures, findings, target="redis://cache:6379/0",
                          thresholds=CFG.thresholds(), taken_at=taken)


def _lake(tmp_path, today_hits=800, today_misses=200, today_evicted=0):
    store = LocalStore(tmp_path / "lake")
    for k in range(5):
        day = END - timedelta(days=k)
        rec = make_record(day)
        store.write_text(f"_wdguard/runs/{day.isoformat()}/{rec.run_id}.json", rec.to_json())
    for k, (hits, misses, evicted) in enumerate([(950, 50, 0), (940, 60, 3), (930, 70, 600)]):
        write_snapshot(store, _snapshot(END - timedelta(days=4 - k), hits, misses, evicted))
    # the day before has none: a gap; the day itself
    write_snapshot(store, _snapshot(END, today_hits, today_misses, today_evicted,
                                    used=900 * 1024 * 1024))
    return tmp_path / "lake"


def _report(lake, out, *extra, env=None):
    return CliRunner().invoke(app, ["report", "nightly", "--lake", str(lake), "--date", DAY,
                                    "--out", str(out), *extra], env=env)


def test_cache_card_data_status_and_alert(tmp_path):
    lake = _lake(tmp_path)
    cfg = tmp_path / "wdguard.toml"
    cfg.write_text('[alerts]\nretries = 0\ntimeout = 2\n'
                   '[alerts.targets.chat]\nkind = "webhook"\nurl_env = "WDG_C_HOOK"\n'
                   'events = ["cache_threshold"]\n')
    with Recorder() as server:
        res = _report(lake, tmp_path / "out", "--config", str(cfg),
                      env={"WDG_C_HOOK": server.url})
    assert res.exit_code == 1, res.output  # the gate passed; the cache did not
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    c = r["cache"]
    assert c["dates"] == [(END - timedelta(days=k)).isoformat() for k in (4, 3, 2, 1, 0)]
    assert c["hit_ratio_pct"] == [95.0, 94.0, 93.0, None, 80.0]
    assert c["evictions_per_min"] == [0.0, 18.0, 3600.0, None, 0.0]
    assert c["used_memory_mb"] == [600.0, 600.0, 600.0, None, 900.0]
    assert (c["maxmemory_mb"], c["min_hit_ratio_pct"], c["max_evictions_per_min"]) == (
        1024.0, 90.0, 50.0)
    today = c["today"]
    assert [(f["code"], f["severity"]) for f in today["findings"]] == [
        ("RDC101", "error"), ("RDC103", "warning"), ("RDC104", "warning")]
    assert [p["prefix"] for p in today["prefixes"]] == ["session", "product"]
    assert r["status"] == "failed" and "1 cache finding(s) over threshold" in r["headline"]
    # one alert, with the error-level cache finding only
    [got] = server.received
    events = got["body"]["events"]
    assert [e["kind"] for e in events] == ["cache_threshold"]
    assert "RDC101" in events[0]["text"] and "80.0 %" in events[0]["text"]
    html = (tmp_path / "out" / "report.html").read_text()
    assert "<h2>Redis cache</h2>" in html and "minimum 90%" in html
    assert "RDC104" in html and "<code>product</code>" in html
    md = (tmp_path / "out" / "report.md").read_text()
    assert "## Redis cache" in md and "hit ratio **80.0 %**" in md and "`RDC101`" in md


def test_cache_warnings_only_do_not_fail_a_passing_day(tmp_path):
    lake = _lake(tmp_path, today_hits=950, today_misses=50)
    res = _report(lake, tmp_path / "out")
    assert res.exit_code == 0, res.output
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    assert r["status"] == "warning"
    assert [f["code"] for f in r["cache"]["today"]["findings"]] == ["RDC103", "RDC104"]


def test_no_snapshot_no_card_and_a_missing_day_is_noted(tmp_path):
    store = LocalStore(tmp_path / "lake")
    rec = make_record(END)
    store.write_text(f"_wdguard/runs/{DAY}/{rec.run_id}.json", rec.to_json())
    assert _report(tmp_path / "lake", tmp_path / "a").exit_code == 0
    r = json.loads((tmp_path / "a" / "report.json").read_text())
    assert r["cache"] is None and "Redis cache" not in (tmp_path / "a" / "report.html").read_text()
    write_snapshot(store, _snapshot(END - timedelta(days=1), 900, 100, 0))
    assert _report(tmp_path / "lake", tmp_path / "b").exit_code == 0
    r = json.loads((tmp_path / "b" / "report.json").read_text())
    assert r["cache"]["today"] is None
    assert any(n.startswith(f"no cache snapshot for {DAY}") for n in r["notes"])


def test_live_snapshot_then_report(shared_redis, tmp_path):
    shared_redis.set("session:1", "x", ex=60)
    lake = tmp_path / "lake"
    lake.mkdir()
    url = f"redis://127.0.0.1:{SHARED_PORT}/{SHARED_DB}"
    res = CliRunner().invoke(app, ["cache", "stats", "--redis-url", url, "--interval", "0.2",
                                   "--lake", str(lake), "--format", "json"])
    assert res.exit_code == 0, res.output
    day = json.loads(res.stdout)["date"]
    res = CliRunner().invoke(app, ["report", "nightly", "--lake", str(lake), "--date", day,
                                   "--out", str(tmp_path / "out")])
    r = json.loads((tmp_path / "out" / "report.json").read_text())
    assert r["cache"]["today"]["target"] == url
    assert r["cache"]["today"]["prefixes"][0]["prefix"] == "session"


def test_floor_line_marks_values_below_it():
    svg = charts.line([95, 85, None], ["2026-11-24", "2026-11-25", "2026-11-26"], "hit",
                      unit="%", floor=90)
    assert "minimum 90%" in svg and svg.count(f'fill="{charts.COLORS["bad"]}"') == 1


def test_html_with_the_cache_card_loads_in_headless_chromium(tmp_path, chromium_bin):
    lake = _lake(tmp_path)
    _report(lake, tmp_path / "out")
    page = (tmp_path / "out" / "report.html").as_uri()
    cmd = [chromium_bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", "--dump-dom", page]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=True).stdout
    assert "Redis cache" in dom and 'aria-label="cache hit ratio"' in dom
