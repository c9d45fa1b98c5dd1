"""Read-only access to WasteDump's Redis cache (redis-py), enforced on the client side.

The cache is production: wdguard sends only the read commands in `READ_COMMANDS` (plus the
connection handshake's `AUTH` and `SELECT`). Every command goes through the connection's
command packer, which refuses anything else before a byte is written, so a bug or a
future change in wdguard cannot write through it, whatever the ACL user could do (the
README gives the least-privilege ACL line for the server side). Connections are bounded
(connect 5 s, each reply 10 s, no retries), the client name and library info are not set
(no `CLIENT` command), and every failure becomes one `SourceError` / `InputError` line in
which the URL's password never appears.
"""

from __future__ import annotations

import inspect
import os
import socket
import ssl
from typing import Any
from urllib.parse import unquote, urlparse

import redis
from redis.backoff import NoBackoff
from redis.connection import Connection, SSLConnection, UnixDomainSocketConnection
from redis.retry import Retry

from wdguard.errors import InputError, SourceError
from wdguard.redact import redact_text

URL_ENV = "WDGUARD_REDIS_URL"
CONNECT_TIMEOUT_S = 5.0
COMMAND_TIMEOUT_S = 10.0

# what wdguard may send: reads only. MEMORY is allowed for its USAGE subcommand only.
READ_COMMANDS = frozenset({"INFO", "SCAN", "TYPE", "TTL", "PTTL", "MEMORY", "DBSIZE"})
HANDSHAKE = frozenset({"AUTH", "SELECT"})
_SUBCOMMANDS = {"MEMORY": frozenset({"USAGE"})}
SCHEMES = ("redis", "rediss", "unix")


class WriteRefused(SourceError):
    """wdguard tried to send a command that is not a read: refused before it was sent."""


def _name(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("ascii", "replace").upper()
    return str(value).upper()


def check_command(args: tuple[Any, ...]) -> None:
    """Raise WriteRefused unless `args` is a read command wdguard is allowed to send."""
    if not args:
        raise WriteRefused("empty command refused")
    # redis-py may pass a multi-word command as one argument ("MEMORY USAGE")
    words = _name(args[0]).split() + [_name(a) for a in args[1:2]]
    cmd = words[0]
    if cmd in HANDSHAKE:
        return
    if cmd not in READ_COMMANDS:
        raise WriteRefused(f"command {cmd} refused: wdguard sends read commands only")
    sub = _SUBCOMMANDS.get(cmd)
    if sub is not None and (len(words) < 2 or words[1] not in sub):
        raise WriteRefused(f"command {' '.join(words[:2])} refused: only "
                           f"{cmd} {'/'.join(sorted(sub))} is allowed")


class _GuardedPacker:
    """Wraps redis-py's command packer: every command, single or pipelined, passes here."""

    def __init__(self, inner: Any):
        self._inner = inner

    def pack(self, *args: Any) -> Any:
        check_command(args)
        return self._inner.pack(*args)


class _Guard:
    def _construct_command_packer(self, packer: Any) -> Any:  # redis-py >= 5
        return _GuardedPacker(super()._construct_command_packer(packer))  # type: ignore[misc]


class ReadOnlyConnection(_Guard, Connection):
    """TCP connection that sends read commands only."""


class ReadOnlySSLConnection(_Guard, SSLConnection):
    """TLS connection (rediss://) that sends read commands only."""


class ReadOnlyUnixConnection(_Guard, UnixDomainSocketConnection):
    """Unix socket connection that sends read commands only."""


_CLASSES = {"redis": ReadOnlyConnection, "rediss": ReadOnlySSLConnection,
            "unix": ReadOnlyUnixConnection}


def resolve_url(url: str | None) -> str:
    """The URL from --redis-url, else from $WDGUARD_REDIS_URL; neither is an input error."""
    url = url or os.environ.get(URL_ENV)
    if not url:
        raise InputError(f"no Redis URL: pass --redis-url or set {URL_ENV}", where="--redis-url")
    return url


def describe(url: str) -> str:
    """A short, password-free name of the target: user@host:port/db (or the socket path)."""
    try:
        parsed = urlparse(url)
        if parsed.scheme == "unix":
            return f"unix:{parsed.path}"
        user = unquote(parsed.username) if parsed.username else ""
        host = parsed.hostname or "localhost"
        port = parsed.port or 6379
        db = (parsed.path or "/0").lstrip("/") or "0"
    except ValueError:
        return redact_text(url)
    return f"{parsed.scheme}://{user + '@' if user else ''}{host}:{port}/{db}"


def _no_client_info() -> dict[str, Any]:
    """Keyword arguments that stop redis-py from sending CLIENT SETINFO on connect."""
    params: set[str] = set()
    for cls in Connection.__mro__:
        if "__init__" in vars(cls):
            params |= set(inspect.signature(cls.__init__).parameters)
    if "driver_info" in params:
        return {"driver_info": None}
    if "lib_name" in params:
        return {"lib_name": None, "lib_version": None}
    return {}


def connect(
    url: str,
    *,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    command_timeout_s: float = COMMAND_TIMEOUT_S,
) -> redis.Redis:
    """A read-only client for `url` (no I/O yet). Timeouts spelt in the URL
    (`socket_timeout`, `socket_connect_timeout`) win over the defaults."""
    target = describe(url)
    scheme = urlparse(url).scheme if "://" in url else ""
    if scheme not in SCHEMES:
        raise InputError(
            f"bad Redis URL {redact_text(url)!r}: expected redis://, rediss:// or unix://",
            where="--redis-url",
        )
    path = urlparse(url).path if scheme != "unix" else ""
    if path.strip("/") and not path.strip("/").isdigit():
        raise InputError(f"bad Redis URL {redact_text(url)!r}: the path must be a database "
                         "number (redis://host:6379/0)", where="--redis-url")
    try:
        pool = redis.ConnectionPool.from_url(
            url,
            connection_class=_CLASSES[scheme],
            socket_connect_timeout=connect_timeout_s,
            socket_timeout=command_timeout_s,
            retry=Retry(NoBackoff(), 0),
            protocol=2,
            health_check_interval=0,
            **_no_client_info(),
        )
    except (ValueError, TypeError) as exc:
        raise InputError(f"bad Redis URL {redact_text(url)!r}: {_clean(exc, url)}",
                         where="--redis-url") from None
    client = redis.Redis(connection_pool=pool)
    client.wdguard_target = target  # type: ignore[attr-defined]
    return client


def _clean(exc: BaseException, url: str | None = None) -> str:
    """The driver's message on one line, without the URL's password."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if url:
        password = urlparse(url).password if "://" in url else None
        if password:
            text = text.replace(password, "***").replace(unquote(password), "***")
    return redact_text(text)[:300]


def source_error(exc: BaseException, target: str, url: str | None = None) -> SourceError:
    """One clear line for a failure talking to Redis (never the password)."""
    if isinstance(exc, WriteRefused):
        return exc
    text = _clean(exc, url)
    low = text.lower()
    tls = bool(url) and url.lower().startswith("rediss://")
    if "noauth" in low or "authentication required" in low:
        return SourceError("Redis needs a password: put the ACL user and password in the URL",
                           where=target)
    if isinstance(exc, redis.AuthenticationError) or "wrongpass" in low or (
        "invalid username-password" in low
    ):
        return SourceError("Redis refused the credentials (wrong user or password)",
                           where=target)
    if isinstance(exc, redis.exceptions.NoPermissionError) or "noperm" in low:
        return SourceError(f"the Redis user may not run a command wdguard needs: {text} "
                           "(see the README's ACL line)", where=target)
    if isinstance(exc, ssl.SSLError) or "ssl" in low or "certificate" in low:
        return SourceError(f"TLS handshake with Redis failed: {text}", where=target,
                           hint="rediss:// needs a TLS port and a certificate it trusts "
                                "(ssl_ca_certs=... in the URL); redis:// a plain port")
    if isinstance(exc, redis.TimeoutError | socket.timeout | TimeoutError):
        hint = ("a port without TLS reached with rediss://, a hung server or a firewall"
                if tls else "a hung server, a firewall, or a TLS-only port reached with "
                "redis:// (use rediss://)")
        return SourceError(f"Redis did not answer in time: {text}", where=target, hint=hint)
    if isinstance(exc, redis.ConnectionError | OSError):
        if "closed by server" in low or "reset by peer" in low:
            hint = None if tls else "a TLS-only port reached with redis://? use rediss://"
            return SourceError(f"Redis closed the connection: {text}", where=target, hint=hint)
        return SourceError(f"Redis unreachable: {text}", where=target)
    return SourceError(f"Redis error: {text}", where=target)
