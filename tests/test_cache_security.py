"""The Redis side is read-only, least-privilege and fails in one line within bounded time.

- The cache guide's ACL line is applied verbatim on a private redis-server; `wdguard cache
  stats` works through that user, and the user itself cannot write.
- wdguard's connection refuses every non-read command before sending it, even as a user
  that could write (the server's INFO commandstats never sees one).
- Bad input through the real CLI in a subprocess: unreachable, wrong password, password
  missing, TLS mismatch both ways, a server that never answers, a cluster node, a
  replica, bad URLs and options: exit 2, one line, the password never shown.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from tests.fixtures_redis import free_port, make_tls_files
from tests.netfaults import silent_server
from wdguard.sources import redis as source
from wdguard.sources.redis import WriteRefused, check_command

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "wdguard"
WDGUARD = str(Path(sys.executable).with_name("wdguard"))
HANG = 60  # only a hang trips it
PASSWORD = "Pw-0f-wdguard-9z"  # noqa: S105 (a test secret to look for in the output)


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "WDGUARD_"))}
    t0 = time.monotonic()
    proc = subprocess.run([WDGUARD, "cache", "stats", *args], capture_output=True, text=True,
                          timeout=HANG, env={**base, **(env or {})})
    proc.elapsed = time.monotonic() - t0  # type: ignore[attr-defined]
    return proc


def _one_line_exit_2(proc, *reasons: str, secrets: tuple[str, ...] = ()) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wdguard: error: "), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert any(r in lines[0] for r in reasons), lines[0]
    for s in secrets:
        assert s not in proc.stderr and s not in proc.stdout
    return lines[0]


def readme_acl_line() -> str:
    text = (ROOT / "docs" / "guides" / "cache.md").read_text()
    [line] = re.findall(r"^ACL SETUSER wdguard .*$", text, flags=re.M)
    return line


def test_the_readme_acl_user_can_run_cache_stats_and_nothing_else(redis_server, tmp_path):
    srv = redis_server()
    admin = srv.client()
    words = shlex.split(readme_acl_line().replace("CHANGE-ME", PASSWORD))
    assert words[:3] == ["ACL", "SETUSER", "wdguard"]
    assert admin.execute_command(*words) in (b"OK", "OK", True)
    for db in (0, 3):
        sel = srv.client(db=db)
        sel.set(f"session:{db}", "s", ex=600)
        sel.set(f"product:{db}", "p")
    (tmp_path / "lake").mkdir()
    for db in (0, 3):
        url = srv.url(db=db, user="wdguard", password=PASSWORD)
        # db 0 from the environment, db 3 on the command line (argv is audited, redacted)
        where = {"env": {"WDGUARD_REDIS_URL": url}} if db == 0 else {}
        proc = _run("--interval", "0.2", "--format", "json", "--lake", str(tmp_path / "lake"),
                    *(() if db == 0 else ("--redis-url", url)), **where)
        assert proc.returncode == 0, proc.stderr
        snap = json.loads(proc.stdout)
        assert snap["sample"]["sampled"] == 2 and snap["sample"]["db"] == db
        assert snap["target"] == f"redis://wdguard@127.0.0.1:{srv.port}/{db}"
        assert PASSWORD not in proc.stdout + proc.stderr
    kept = sorted((tmp_path / "lake").rglob("*.json"))
    assert len([p for p in kept if "/_wdguard/cache/" in str(p)]) == 2
    assert len([p for p in kept if "/_wdguard/audit/" in str(p)]) == 2
    for path in kept:
        assert PASSWORD not in path.read_text()
    # the user itself: every write, and CONFIG, is refused by the server
    user = srv.client(username="wdguard", password=PASSWORD)
    assert user.type("product:0") == b"string"
    for call in (lambda: user.set("x", "1"), lambda: user.delete("product:0"),
                 lambda: user.flushdb(), lambda: user.config_set("maxmemory", "1")):
        with pytest.raises(redis.exceptions.NoPermissionError):
            call()
    assert admin.get("product:0") == b"p" and admin.get("x") is None


def _commandstats(client) -> set[str]:
    return {k.removeprefix("cmdstat_") for k in client.info("commandstats")}


def test_writes_through_wdguards_connection_are_refused_before_sending(redis_server):
    srv = redis_server()
    admin = srv.client()
    admin.set("keep", "1")
    admin.config_resetstat()
    conn = source.connect(srv.url())  # the default user: it COULD write
    attempts = {
        "set": lambda: conn.set("keep", "2"),
        "del": lambda: conn.delete("keep"),
        "flushdb": lambda: conn.flushdb(),
        "config": lambda: conn.config_set("maxmemory", "1mb"),
        "eval": lambda: conn.eval("return redis.call('set','keep','3')", 0),
        "client": lambda: conn.client_setname("x"),
        "memory purge": lambda: conn.memory_purge(),
        "multi": lambda: conn.pipeline(transaction=True).get("keep").execute(),
        "pipelined set": lambda: conn.pipeline(transaction=False).type("keep")
                                     .set("keep", "4").execute(),
        "raw": lambda: conn.execute_command("SET", "keep", "5"),
    }
    for call in attempts.values():
        with pytest.raises(WriteRefused):
            call()
    assert conn.type("keep") == b"string"  # reads still work on the same client
    conn.close()
    assert admin.get("keep") == b"1"
    seen = _commandstats(admin)
    assert not seen & {"set", "del", "flushdb", "config|set", "eval", "client|setname",
                       "memory|purge", "multi", "exec"}, seen
    assert "type" in seen


@pytest.mark.parametrize("args, ok", [
    (("INFO",), True), (("SCAN", 0), True), (("MEMORY USAGE", "k"), True),
    ((b"memory", b"usage", b"k"), True), (("PTTL", "k"), True), (("SELECT", 2), True),
    (("MEMORY", "PURGE"), False), (("MEMORY",), False), (("GET", "k"), False),
    (("HELLO", 3), False), (("CLIENT", "SETINFO"), False), ((), False),
])
def test_the_allowlist(args, ok):
    if ok:
        check_command(args)
    else:
        with pytest.raises(WriteRefused):
            check_command(args)


def test_only_the_source_module_opens_redis_connections():
    found = set()
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                callee = ast.unparse(node.func)
                if re.search(r"(^|\.)(Redis|StrictRedis|ConnectionPool(\.from_url)?|from_url)$",
                             callee) and "redis" in callee.lower():
                    found.add(path.relative_to(SRC))
    assert found == {Path("sources/redis.py")}


def test_connections_are_bounded_and_never_retried():
    conn = source.connect("redis://127.0.0.1:1/0")
    kw = conn.connection_pool.connection_kwargs
    assert (kw["socket_connect_timeout"], kw["socket_timeout"]) == (5.0, 10.0)
    assert kw["retry"].get_retries() == 0
    kw = source.connect("redis://127.0.0.1:1/0?socket_timeout=1.5").connection_pool \
        .connection_kwargs
    assert kw["socket_timeout"] == 1.5  # the URL's own setting wins


# --- bad input -------------------------------------------------------------------------


def test_unreachable_host():
    port = free_port()  # nothing listens there
    proc = _run("--redis-url", f"redis://app:{PASSWORD}@127.0.0.1:{port}/0")
    line = _one_line_exit_2(proc, "Redis unreachable", secrets=(PASSWORD,))
    assert f"redis://app@127.0.0.1:{port}/0" in line and proc.elapsed < 30


def test_wrong_password_and_missing_password(redis_server):
    srv = redis_server(password=PASSWORD)
    wrong = "Wr0ng-pass-77"
    proc = _run("--redis-url", srv.url(password=wrong))
    _one_line_exit_2(proc, "refused the credentials", secrets=(wrong, PASSWORD))
    proc = _run("--redis-url", f"redis://127.0.0.1:{srv.port}/0?password={wrong}")
    _one_line_exit_2(proc, "refused the credentials", secrets=(wrong,))
    proc = _run("--redis-url", f"redis://127.0.0.1:{srv.port}/0")
    _one_line_exit_2(proc, "needs a password")
    proc = _run("--interval", "0.2", env={"WDGUARD_REDIS_URL": srv.url()})  # the right one
    assert proc.returncode == 0, proc.stderr


@pytest.fixture()
def tls_server(redis_server, tmp_path):
    files = make_tls_files(tmp_path / "tls")
    port = free_port()
    srv = redis_server("--port", "0", "--tls-port", str(port), "--tls-cert-file",
                       str(files["cert"]), "--tls-key-file", str(files["key"]),
                       "--tls-ca-cert-file", str(files["ca"]), "--tls-auth-clients", "no",
                       port=port, ping=False)
    return srv, files


def test_tls_expected_and_tls_misused(tls_server, redis_server):
    srv, files = tls_server
    # plain redis:// to a TLS-only port
    proc = _run("--redis-url", f"redis://u:{PASSWORD}@127.0.0.1:{srv.port}/0"
                "?socket_timeout=2&socket_connect_timeout=2")
    line = _one_line_exit_2(proc, "closed the connection", "did not answer",
                            secrets=(PASSWORD,))
    assert "rediss://" in line and proc.elapsed < 30  # the hint names the fix
    # rediss:// with a certificate nobody trusts
    proc = _run("--redis-url", f"rediss://127.0.0.1:{srv.port}/0")
    _one_line_exit_2(proc, "TLS handshake with Redis failed")
    # rediss:// to a plain port
    plain = redis_server()
    proc = _run("--redis-url", f"rediss://127.0.0.1:{plain.port}/0"
                "?socket_timeout=2&socket_connect_timeout=2")
    line = _one_line_exit_2(proc, "TLS handshake with Redis failed", "did not answer")
    assert "rediss://" in line and proc.elapsed < 30
    # and TLS done right works
    proc = _run("--redis-url", f"rediss://127.0.0.1:{srv.port}/0?ssl_ca_certs={files['ca']}",
                "--interval", "0.2", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["target"].startswith("rediss://127.0.0.1")


def test_a_server_that_never_answers_hits_the_reply_timeout():
    with silent_server() as port:
        proc = _run("--redis-url", f"redis://u:{PASSWORD}@127.0.0.1:{port}/0?socket_timeout=1")
        _one_line_exit_2(proc, "did not answer in time", secrets=(PASSWORD,))
        assert proc.elapsed < 30  # 1 s timeout + a CLI start on a loaded machine


def test_a_cluster_node_and_a_replica_are_refused(redis_server, tmp_path):
    node = redis_server("--cluster-enabled", "yes", "--cluster-config-file",
                        str(tmp_path / "nodes.conf"))
    _one_line_exit_2(_run("--redis-url", node.url(), "--interval", "0.2"), "cluster mode")
    primary = redis_server()
    replica = redis_server("--replicaof", "127.0.0.1", str(primary.port))
    line = _one_line_exit_2(_run("--redis-url", replica.url(), "--interval", "0.2"),
                            "is a replica")
    assert f"127.0.0.1:{primary.port}" in line


@pytest.mark.parametrize("args, reason", [
    (("--redis-url", "http://127.0.0.1:6379/0"), "expected redis://, rediss:// or unix://"),
    (("--redis-url", "127.0.0.1:6379"), "expected redis://"),
    (("--redis-url", "redis://127.0.0.1:6379/notadb"), "bad Redis URL"),
    ((), "no Redis URL"),
    (("--redis-url", "redis://127.0.0.1:6379/11", "--interval", "0"), "--interval"),
    (("--redis-url", "redis://127.0.0.1:6379/11", "--sample-keys", "-1"), "--sample-keys"),
    (("--redis-url", "redis://127.0.0.1:6379/11", "--lake", "/no/such/lake"), "lake"),
    (("--redis-url", "redis://127.0.0.1:6379/11", "--format", "xml"), "--format"),
])
def test_bad_urls_and_options(args, reason):
    _one_line_exit_2(_run(*args), reason)
