"""Redis for the cache tests: the shared server on 127.0.0.1:6379 and private servers.

`shared_redis`: the machine's (and CI's) Redis 7 on 127.0.0.1:6379, database 11 only,
flushed before and after. Its stats counters (hits, misses, commands) are server-wide,
so every test that uses it holds one file lock: two xdist workers never drive workloads
into it at the same time. Its settings are never changed.

`redis_server`: a factory for private `redis-server` processes (Debian's binary) on free
loopback ports, with whatever settings a test needs (a small maxmemory, requirepass,
ACL users, TLS, cluster mode, replicaof); each is stopped by its pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from tests.requires import optional

SHARED_HOST, SHARED_PORT, SHARED_DB = "127.0.0.1", 6379, 11
LOCK = Path(tempfile.gettempdir()) / "wdguard-tests-shared-redis.lock"
REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    """A free loopback port at most 55535: a cluster-mode server also binds port + 10000,
    and refuses to start on a higher port (the kernel's ephemeral range reaches 60999)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port <= 55535 and _free(port + 10000):
            return port
    raise RuntimeError("no free loopback port at or below 55535")


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def plain_client(port: int = SHARED_PORT, db: int = 0, **kw) -> redis.Redis:
    """The tests' own client (it may write: it drives workloads), not wdguard's."""
    return redis.Redis(host="127.0.0.1", port=port, db=db, socket_timeout=10, **kw)


@contextlib.contextmanager
def shared_lock() -> Iterator[None]:
    with LOCK.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture()
def shared_redis() -> Iterator[redis.Redis]:
    """A client on database 11 of the shared server, empty, under the shared lock."""
    with shared_lock():
        client = plain_client(db=SHARED_DB)
        try:
            client.ping()
        except redis.ConnectionError as exc:
            pytest.fail(f"the shared Redis on {SHARED_HOST}:{SHARED_PORT} is not running "
                        f"({exc}); .ci/run starts it", pytrace=False)
        client.flushdb()
        try:
            yield client
        finally:
            client.flushdb()
            client.close()


@dataclass
class Server:
    port: int
    proc: subprocess.Popen
    args: list[str]
    dir: Path
    password: str | None = None
    extra: dict = field(default_factory=dict)

    def client(self, **kw) -> redis.Redis:
        if self.password and "password" not in kw:
            kw["password"] = self.password
        return plain_client(self.port, **kw)

    def url(self, db: int = 0, user: str = "", password: str | None = None,
            scheme: str = "redis", query: str = "") -> str:
        password = self.password if password is None else password
        cred = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        return f"{scheme}://{cred}127.0.0.1:{self.port}/{db}" + (f"?{query}" if query else "")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


def _wait_ready(server: Server, timeout: float = 20.0, ping: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            log = (server.dir / "log").read_text(errors="replace")[-500:]
            raise RuntimeError(f"redis-server exited with {server.proc.returncode}: {log}")
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=0.5):
                if not ping:
                    return
            c = server.client()
            c.ping()
            c.close()
            return
        except (OSError, redis.RedisError):
            time.sleep(0.05)
    raise RuntimeError(f"redis-server did not answer on port {server.port} within {timeout}s")


def start_server(workdir: Path, *args: str, port: int | None = None,
                 password: str | None = None, ping: bool = True) -> Server:
    """Start a private redis-server on a free loopback port; args are extra options."""
    port = port or free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    cmd = [REDIS_SERVER, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
           "--dir", str(workdir), "--logfile", str(workdir / "log"), "--daemonize", "no"]
    if "--port" not in args:
        cmd += ["--port", str(port)]
    if password:
        cmd += ["--requirepass", password]
    cmd += list(args)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(port, proc, cmd, workdir, password)
    try:
        _wait_ready(server, ping=ping)
    except Exception:
        server.stop()
        raise
    return server


@pytest.fixture()
def redis_server(tmp_path) -> Iterator:
    """Factory: `redis_server("--maxmemory", "2mb", ...)` -> a running private Server."""
    optional(REDIS_SERVER is not None, "redis-server", "apt-get install redis-server")
    started: list[Server] = []

    def start(*args: str, **kw) -> Server:
        server = start_server(tmp_path / f"redis{len(started)}", *args, **kw)
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in reversed(started):
            server.stop()


def make_tls_files(folder: Path) -> dict[str, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 (openssl CLI)."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, crt = (folder / n for n in ("ca.key", "ca.crt", "server.key",
                                                       "server.csr", "server.crt"))

    def run(*a: str) -> None:
        subprocess.run(["openssl", *a], check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca",
        "-keyout", str(ca_key), "-out", str(ca))
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", str(key), "-out", str(csr))
    ext = folder / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1\n")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-out", str(crt), "-extfile", str(ext))
    return {"ca": ca, "cert": crt, "key": key}
