"""Slow, silent and dropping sources give exit 2 with the reason, never a hang.

Real peers on 127.0.0.1 (tests/netfaults.py): a server that accepts and never answers,
a proxy that cuts a PostgreSQL session at its first query, and a real lock held on
`_prisma_migrations` so wdguard's read waits until its lock_timeout. Each command runs in a
subprocess under a generous `timeout=` that only catches a hang.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from tests import pgutil
from tests.netfaults import dropping_proxy, silent_server

WDGUARD = str(Path(sys.executable).with_name("wdguard"))
MIGRATIONS = str(pgutil.MIGRATIONS_DIR)
HANG = 60  # seconds: far above every bound set below, so only a hang trips it


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "WDGUARD_"))}
    return subprocess.run([WDGUARD, *args], capture_output=True, text=True, timeout=HANG,
                          env={**base, **(env or {})})  # fmt: skip


def _one_line_exit_2(proc: subprocess.CompletedProcess, *reasons: str) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("wdguard: error: "), proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert any(r in lines[0] for r in reasons), lines[0]
    return lines[0]


def test_postgres_that_never_answers_hits_the_connect_timeout():
    with silent_server() as port:
        proc = _run("migrations", "status", "-m", MIGRATIONS,
                    "--dsn", f"postgresql://app:pw@127.0.0.1:{port}/db?connect_timeout=1")  # fmt: skip
    line = _one_line_exit_2(proc, "timeout expired")
    assert f"127.0.0.1:{port}" in line and ":pw@" not in line


@pytest.mark.parametrize(
    "args",
    [
        ("migrations", "status", "-m", MIGRATIONS),
        ("drift", "postgres", "--schema", str(pgutil.SCHEMA_PATH)),
        ("migrations", "lint", MIGRATIONS),
    ],
    ids=["migrations-status", "drift-postgres", "migrations-lint"],
)
def test_postgres_connection_dropped_mid_session(wastedump_db, args):
    params = psycopg.conninfo.conninfo_to_dict(wastedump_db)
    with dropping_proxy(int(params.get("port") or 5432)) as port:
        dsn = psycopg.conninfo.make_conninfo(wastedump_db, host="127.0.0.1", port=str(port))
        proc = _run(*args, "--dsn", dsn)
    _one_line_exit_2(proc, "closed the connection", "connection")
    assert "PostgreSQL" in proc.stderr


def test_postgres_read_blocked_by_a_lock_stops_at_the_lock_timeout(wastedump_db):
    with psycopg.connect(wastedump_db) as holder:  # a migration holding the table
        holder.execute("LOCK TABLE _prisma_migrations IN ACCESS EXCLUSIVE MODE")
        proc = _run("migrations", "status", "-m", MIGRATIONS, "--dsn", wastedump_db)
        holder.rollback()
    _one_line_exit_2(proc, "lock timeout")


def test_mongo_that_never_answers_hits_server_selection_timeout():
    with silent_server() as port:
        uri = f"mongodb://app:s3cret@127.0.0.1:{port}/?serverSelectionTimeoutMS=500"
        proc = _run("drift", "mongo", "--uri", uri, "--db", "wastedump")
    line = _one_line_exit_2(proc, "MongoDB unreachable")
    assert "s3cret" not in proc.stderr + proc.stdout and "Timeout" in line


def _azure_env(port: int, **extra: str) -> dict[str, str]:
    conn = ("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5c2VjcmV0;"
            f"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;")  # fmt: skip
    return {"AZURE_STORAGE_CONNECTION_STRING": conn, **extra}


def test_azure_endpoint_that_never_answers_hits_the_read_timeout():
    with silent_server() as port:
        env = _azure_env(port, WDGUARD_AZURE_READ_TIMEOUT="1", WDGUARD_AZURE_RETRIES="0")
        proc = _run("check", "--lake", "az://lake/root", "--date", "2026-11-26", env=env)
    line = _one_line_exit_2(proc, "timed out")
    assert "az://lake/root" in line and "a2V5c2VjcmV0" not in proc.stderr + proc.stdout


@pytest.mark.parametrize(
    ("var", "value"),
    [("WDGUARD_AZURE_READ_TIMEOUT", "0"), ("WDGUARD_AZURE_CONNECT_TIMEOUT", "soon"),
     ("WDGUARD_AZURE_RETRIES", "1.5")],
)  # fmt: skip
def test_bad_azure_timeout_setting_names_the_variable(var, value):
    from wdguard.errors import InputError
    from wdguard.lake.azure import AzureBlobStore

    with pytest.raises(InputError) as err:
        AzureBlobStore.from_url("az://lake/root", env=_azure_env(1, **{var: value}))
    assert err.value.one_line().startswith(f"{var}: must be")


def test_bad_azure_timeout_setting_from_the_cli():
    proc = _run("check", "--lake", "az://lake/root", "--date", "2026-11-26",
                env=_azure_env(1, WDGUARD_AZURE_READ_TIMEOUT="-3"))  # fmt: skip
    line = _one_line_exit_2(proc, "WDGUARD_AZURE_READ_TIMEOUT")
    assert line == "wdguard: error: WDGUARD_AZURE_READ_TIMEOUT: must be seconds > 0, not '-3'"


def test_every_azure_client_is_bounded_by_default():
    """The SDK client and Polars' object_store reads both carry the timeouts and retries."""
    from wdguard.lake.azure import AzureBlobStore

    store = AzureBlobStore.from_url("az://lake/root", env=_azure_env(1))
    config = store._cc._config
    transport = store._cc._pipeline._transport
    assert config.retry_policy.total_retries == 3
    assert (transport.connection_config.timeout, transport.connection_config.read_timeout) == (
        10, 120)  # fmt: skip
    _, options = store.scan_target("x.parquet")
    assert options["connect_timeout"] == "10s" and options["timeout"] == "120s"
    assert options["max_retries"] == 3


def test_postgres_sessions_detect_a_dead_network_path(fresh_db):
    """TCP keepalives and tcp_user_timeout on every session; the DSN can override them."""
    from wdguard.sources.postgres import connect

    def conninfo(dsn: str) -> dict[str, str | None]:
        with connect(dsn) as conn:
            return {o.keyword.decode(): o.val and o.val.decode() for o in conn.pgconn.info}

    got = conninfo(fresh_db)
    assert (got["keepalives"], got["keepalives_idle"], got["keepalives_interval"],
            got["keepalives_count"], got["tcp_user_timeout"]) == ("1", "30", "10", "3",
                                                                  "60000")  # fmt: skip
    assert conninfo(fresh_db + " tcp_user_timeout=5000")["tcp_user_timeout"] == "5000"
