"""`wdguard cache stats` against real Redis: figures over the interval are the workload's.

The shared server (127.0.0.1:6379, database 11, under a lock) takes driven workloads of
known hits and misses; a private redis-server with a small maxmemory gives evictions, and
others a restart and a counter reset between the samples.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.fixtures_redis import SHARED_DB, SHARED_PORT
from wdguard.cache.stats import SampleOptions, collect, prefix_of, sample_keys
from wdguard.cache.thresholds import CacheConfig, evaluate, load_cache_config
from wdguard.cli import app
from wdguard.errors import InputError
from wdguard.lake.storage import LocalStore
from wdguard.sources import redis as source

SHARED_URL = f"redis://127.0.0.1:{SHARED_PORT}/{SHARED_DB}"


def _hits_and_misses(client, hits: int, misses: int) -> None:
    """`hits` GETs of existing keys and `misses` GETs of absent ones, nothing else."""
    pipe = client.pipeline(transaction=False)
    for i in range(hits):
        pipe.get(f"product:{i % 50}")
    for i in range(misses):
        pipe.get(f"absent:{i}")
    pipe.execute()


def _seed(client, products=50, sessions=30, carts=0) -> None:
    pipe = client.pipeline(transaction=False)
    for i in range(products):
        pipe.set(f"product:{i}", "x" * 100)  # no TTL
    for i in range(sessions):
        pipe.set(f"session:{i}", "s", ex=3600)
    for i in range(carts):
        pipe.hset(f"cart:{i}", mapping={"a": 1, "b": 2})
        pipe.expire(f"cart:{i}", 600)
    pipe.execute()


def _cli(*args, env=None):
    return CliRunner().invoke(app, ["cache", "stats", *args], env=env)


def test_800_hits_and_200_misses_give_80_percent(shared_redis):
    _seed(shared_redis)
    client = source.connect(SHARED_URL)
    figures = collect(client, interval_s=0, opts=SampleOptions(), target="t",
                      sleep=lambda _s: _hits_and_misses(shared_redis, 800, 200))
    w = figures["window"]
    assert w["valid"] and (w["hits"], w["misses"], w["lookups"]) == (800, 200, 1000)
    assert w["hit_ratio"] == 0.8
    # the workload's 1000 GETs (one pipeline) and nothing of wdguard's: its first INFO
    # is subtracted, its second one is counted only after the sample
    assert w["commands"] == 1000
    # the key sample (80 TYPE + 80 PTTL lookups, all hits) ran after the window: a second
    # run with an idle window sees none of the first run's lookups nor its own
    again = collect(client, interval_s=0, opts=SampleOptions(), target="t",
                    sleep=lambda _s: None)
    assert (again["window"]["hits"], again["window"]["misses"]) == (0, 0)
    assert again["window"]["commands"] == 0 and again["window"]["hit_ratio"] is None
    client.close()


def test_key_sample_groups_by_prefix_with_ttl_types_and_memory(shared_redis):
    _seed(shared_redis, products=50, sessions=30, carts=20)
    shared_redis.set("loose", "1")
    client = source.connect(SHARED_URL)
    s = sample_keys(client, SampleOptions(max_keys=1000))
    client.close()
    assert (s["dbsize"], s["sampled"], s["vanished"], s["db"]) == (101, 101, 0, SHARED_DB)
    assert s["stopped_by"] == "end of key space"
    by = {p["prefix"]: p for p in s["prefixes"]}
    assert [p["prefix"] for p in s["prefixes"]] == ["product", "session", "cart", "(no prefix)"]
    assert by["product"]["types"] == {"string": 50} and by["product"]["no_ttl_share"] == 1.0
    assert by["session"]["without_ttl"] == 0 and by["session"]["with_ttl"] == 30
    assert by["cart"]["types"] == {"hash": 20} and by["cart"]["no_ttl_share"] == 0
    assert by["product"]["share"] == round(50 / 101, 4) and by["product"]["est_keys"] == 50
    assert by["product"]["avg_bytes"] > 100 and by["product"]["memory_bytes"] > 5000
    assert s["without_ttl"] == 51 and s["no_ttl_share"] == round(51 / 101, 4)


def test_sample_is_bounded_by_max_keys_and_time_budget(shared_redis):
    _seed(shared_redis, products=0, sessions=500)
    client = source.connect(SHARED_URL)
    s = sample_keys(client, SampleOptions(max_keys=100, scan_count=50))
    assert s["sampled"] == 100 and s["stopped_by"] == "max_keys" and s["dbsize"] == 500
    assert s["prefixes"][0]["est_keys"] == 500
    ticks = iter(range(0, 1000, 10))  # every clock reading is 10 s later than the last
    s = sample_keys(client, SampleOptions(max_keys=400, scan_count=20, time_budget_s=5),
                    clock=lambda: next(ticks))
    assert s["stopped_by"] == "time budget" and s["sampled"] < 400
    client.close()


def test_a_key_deleted_between_scan_and_type_is_vanished_not_an_error(shared_redis):
    _seed(shared_redis, products=40, sessions=0)
    client = source.connect(SHARED_URL)
    real_scan = client.scan

    def scan_then_delete(*a, **kw):
        cursor, keys = real_scan(*a, **kw)
        shared_redis.delete(*keys[:10])  # gone before wdguard's TYPE
        return cursor, keys

    client.scan = scan_then_delete
    s = sample_keys(client, SampleOptions(max_keys=1000))
    client.close()
    assert s["vanished"] == 10 and s["sampled"] == 30 and s["scanned"] == 40


def test_cli_hit_ratio_under_a_running_workload_and_snapshot_in_the_lake(shared_redis, tmp_path):
    """A thread runs transactions of 4 hits + 1 miss all through the interval: INFO cannot
    fall inside a transaction, so any window holds whole ones and the ratio is exactly 80 %."""
    _seed(shared_redis)
    (tmp_path / "lake").mkdir()
    stop = threading.Event()
    worker = shared_redis.__class__(connection_pool=shared_redis.connection_pool)

    def workload():
        while not stop.is_set():
            pipe = worker.pipeline(transaction=True)
            for i in range(4):
                pipe.get(f"product:{i}")
            pipe.get("absent")
            pipe.execute()

    t = threading.Thread(target=workload, daemon=True)
    t.start()
    try:
        res = _cli("--redis-url", SHARED_URL, "--interval", "0.5", "--lake",
                   str(tmp_path / "lake"), "--format", "json")
    finally:
        stop.set()
        t.join(10)
    assert res.exit_code == 0, res.output
    snap = json.loads(res.stdout)
    w = snap["window"]
    assert w["valid"] and w["lookups"] > 50 and w["lookups"] % 5 == 0
    assert w["hit_ratio"] == 0.8 and w["hits"] == 4 * w["misses"]
    assert 0.45 <= w["seconds"] <= 5
    assert snap["server"]["role"] == "master" and snap["server"]["version"].startswith("7")
    assert snap["keyspace"][f"db{SHARED_DB}"] == {
        "keys": 80, "expires": 30, "expiring_share": 0.375,
        "avg_ttl_s": snap["keyspace"][f"db{SHARED_DB}"]["avg_ttl_s"]}
    assert snap["sample"]["sampled"] == 80 and snap["findings"] == []
    stored = snap["stored"]
    assert stored == f"_wdguard/cache/{snap['date']}/{snap['run_id']}.json"
    kept = json.loads((tmp_path / "lake" / stored).read_text())
    assert kept["window"] == w and kept["run_id"] == snap["run_id"]
    # create-only: the same path cannot be written twice
    store = LocalStore(tmp_path / "lake")
    with pytest.raises(FileExistsError):
        store.write_bytes(stored, b"{}", overwrite=False)
    # the run is audited to the same lake
    audit = list((tmp_path / "lake" / "_wdguard" / "audit").rglob("*.json"))
    assert [json.loads(p.read_text())["command"] for p in audit] == ["cache stats"]


def test_text_output(shared_redis):
    _seed(shared_redis)
    res = _cli("--redis-url", SHARED_URL, "--interval", "0.2")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert f"redis://127.0.0.1:{SHARED_PORT}/{SHARED_DB}: Redis 7" in out
    assert "hit ratio" in out and "product" in out and "session" in out
    assert "0 error(s), 0 warning(s)" in out


def test_threshold_findings_and_exit_1(shared_redis, tmp_path):
    _seed(shared_redis, products=50, sessions=40)
    toml = tmp_path / "wdguard.toml"
    toml.write_text("[cache]\nmin_hit_ratio = 0.9\nmin_lookups = 100\nmax_no_ttl_share = 0.5\n"
                    "min_prefix_keys = 20\n")
    cfg = load_cache_config({"cache": {"min_hit_ratio": 0.9, "max_no_ttl_share": 0.5,
                                       "min_prefix_keys": 20}})
    client = source.connect(SHARED_URL)
    figures = collect(client, interval_s=0, opts=SampleOptions(), target="t",
                      sleep=lambda _s: _hits_and_misses(shared_redis, 800, 200))
    client.close()
    found = evaluate({**figures, "target": "t"}, cfg)
    assert [(f.code, f.severity, f.column) for f in found] == [
        ("RDC101", "error", None), ("RDC104", "warning", "product")]
    assert "80.0 %" in found[0].message and "below 90.0 %" in found[0].message
    # too few lookups: the hit ratio is not judged
    quiet = collect(source.connect(SHARED_URL), interval_s=0, opts=SampleOptions(),
                    target="t", sleep=lambda _s: _hits_and_misses(shared_redis, 8, 2))
    assert [f.code for f in evaluate({**quiet, "target": "t"}, cfg)] == ["RDC104"]

    # through the CLI: only the no-TTL warning (idle window) -> exit 0; as error -> exit 1
    res = _cli("--redis-url", SHARED_URL, "--interval", "0.2", "--config", str(toml),
               "--format", "json")
    assert res.exit_code == 0, res.output
    assert [f["code"] for f in json.loads(res.stdout)["findings"]] == ["RDC104"]
    toml.write_text(toml.read_text() + "[cache.severity]\nRDC104 = \"error\"\n")
    res = _cli("--redis-url", SHARED_URL, "--interval", "0.2", "--config", str(toml))
    assert res.exit_code == 1, res.output
    assert "error RDC104 cache.keys_without_ttl" in res.stdout


def test_evictions_on_a_private_server_with_small_maxmemory(redis_server, tmp_path):
    srv = redis_server("--maxmemory", "2mb", "--maxmemory-policy", "allkeys-random")
    writer = srv.client()
    seen = {}

    def fill(_s):
        before = writer.info("stats")["evicted_keys"]
        pipe = writer.pipeline(transaction=False)
        for i in range(3000):
            pipe.set(f"blob:{i}", "x" * 2048)
        pipe.execute()
        seen["evicted"] = writer.info("stats")["evicted_keys"] - before

    client = source.connect(srv.url())
    figures = collect(client, interval_s=0, opts=SampleOptions(), target="t", sleep=fill)
    client.close()
    w = figures["window"]
    assert seen["evicted"] > 1000 and w["evictions"] == seen["evicted"]
    assert w["evictions_per_min"] > 0 and figures["server"]["maxmemory"] == 2 * 1024 * 1024
    assert figures["server"]["maxmemory_policy"] == "allkeys-random"
    cfg = CacheConfig(max_evictions_per_min=10, max_memory_share=0.5)
    found = evaluate({**figures, "target": "t"}, cfg)
    assert [(f.code, f.severity) for f in found] == [("RDC102", "error"), ("RDC103", "warning")]

    # the CLI with a writer running during the interval: RDC102 -> exit 1
    toml = tmp_path / "wdguard.toml"
    toml.write_text("[cache]\nmax_evictions_per_min = 10\n")
    stop = threading.Event()

    def keep_writing():
        i = 0
        while not stop.is_set():
            writer.set(f"more:{i}", "y" * 4096)
            i += 1

    t = threading.Thread(target=keep_writing, daemon=True)
    t.start()
    try:
        res = _cli("--redis-url", srv.url(), "--interval", "0.5", "--config", str(toml),
                   "--format", "json")
    finally:
        stop.set()
        t.join(10)
    assert res.exit_code == 1, res.output
    snap = json.loads(res.stdout)
    assert snap["window"]["evictions"] > 0
    assert [f["code"] for f in snap["findings"]] == ["RDC102"]


def test_a_restart_between_the_samples_is_reported_not_subtracted(redis_server):
    srv = redis_server()
    port = srv.port
    srv.client().set("k", "v")
    for _ in range(5):
        srv.client().get("k")

    def restart(_s):
        srv.stop()
        fresh = redis_server("--port", str(port), port=port)
        srv.proc = fresh.proc

    client = source.connect(srv.url())
    figures = collect(client, interval_s=0, opts=SampleOptions(), target="t", sleep=restart)
    client.close()
    w = figures["window"]
    assert not w["valid"] and "restarted" in w["reason"]
    assert w["hits"] is None and w["hit_ratio"] is None and w["commands_per_s"] is None
    found = evaluate({**figures, "target": "t"}, CacheConfig(min_hit_ratio=0.99,
                                                             max_evictions_per_min=0))
    assert [(f.code, f.severity) for f in found] == [("RDC105", "warning")]


def test_counters_reset_between_the_samples_is_reported(redis_server):
    srv = redis_server()
    other = srv.client()
    other.set("k", "v")
    for _ in range(20):
        other.get("k")
    client = source.connect(srv.url())
    figures = collect(client, interval_s=0, opts=SampleOptions(), target="t",
                      sleep=lambda _s: other.config_resetstat())
    client.close()
    assert not figures["window"]["valid"]
    assert "CONFIG RESETSTAT" in figures["window"]["reason"]


def test_prefix_rules():
    assert prefix_of("session:42:x", ":", 1) == "session"
    assert prefix_of("session:42:x", ":", 2) == "session:42"
    assert prefix_of("plain", ":", 1) == "(no prefix)"
    assert prefix_of("a/b", "/", 1) == "a"


@pytest.mark.parametrize("table, where", [
    ({"min_hit_ratio": 80}, "min_hit_ratio"),
    ({"max_evictions_per_min": "many"}, "max_evictions_per_min"),
    ({"interval": 0}, "interval"),
    ({"min_lookups": 1.5}, "min_lookups"),
    ({"surprise": 1}, "unknown key 'surprise'"),
    ({"severity": {"RDC999": "error"}}, "RDC999"),
    ({"severity": {"RDC101": "fatal"}}, "severity must be one of"),
])
def test_bad_cache_config_names_the_key(table, where):
    with pytest.raises(InputError) as exc:
        load_cache_config({"cache": table})
    assert where in exc.value.one_line() and "[cache]" in exc.value.one_line()


def test_bad_config_file_exits_2_before_redis_is_asked(tmp_path):
    toml = tmp_path / "wdguard.toml"
    toml.write_text("[cache]\nmin_hit_ratio = 2\n")
    res = _cli("--redis-url", "redis://127.0.0.1:1/0", "--config", str(toml))
    assert res.exit_code == 2
    assert "min_hit_ratio" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_snapshot_read_back(shared_redis, tmp_path):
    from wdguard.cache.snapshot import read_snapshots

    for _ in range(2):
        assert _cli("--redis-url", SHARED_URL, "--interval", "0.2", "--lake",
                    str(tmp_path)).exit_code == 0
    store = LocalStore(tmp_path)
    day = next(iter(store.list_dirs("_wdguard/cache")))
    (Path(tmp_path) / "_wdguard/cache" / day / "zz-broken.json").write_text("{nope")
    snaps, notes = read_snapshots(store, [day, "2000-01-01"])
    assert len(snaps[day]) == 2 and snaps[day][0]["run_id"] < snaps[day][1]["run_id"]
    assert len(notes) == 1 and "zz-broken.json" in notes[0]


def test_readme_rule_table_is_generated_from_the_kinds():
    import subprocess
    import sys

    from wdguard.findings import rules_of

    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, str(root / "scripts" / "gen_rule_tables.py"),
                           "--check", "--family", "cache"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    block = (root / "docs" / "guides" / "cache.md").read_text().split("<!-- rules:cache -->", 1)[1]
    block = block.split("<!-- /rules:cache -->", 1)[0]
    kinds = rules_of("cache")
    assert [k.code for k in kinds] == ["RDC101", "RDC102", "RDC103", "RDC104", "RDC105"]
    assert all(f"| {k.code} | `{k.name}` |" in block for k in kinds)


@pytest.mark.parametrize("info, words", [
    ({"redis_mode": "sentinel", "role": "master"}, "sentinel mode"),
    ({"redis_mode": "cluster", "role": "master"}, "cluster mode"),
    ({"redis_mode": "standalone", "cluster_enabled": 1}, "cluster mode"),
    ({"redis_mode": "standalone", "role": "slave", "master_host": "10.0.0.5",
      "master_port": 6380}, "replica of 10.0.0.5:6380"),
])
def test_topologies_other_than_a_standalone_primary_are_refused(info, words):
    from wdguard.cache.stats import check_topology

    with pytest.raises(InputError) as exc:
        check_topology(info, "redis://cache:6379/0")
    assert words in exc.value.one_line()
    check_topology({"redis_mode": "standalone", "role": "master"}, "t")
