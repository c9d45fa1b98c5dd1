"""The audit trail: one create-only JSON object per wdguard run, in the lake.

Every run of check, drift and report leaves `_wdguard/audit/{date}/{timestamp}-{uuid}.json`
(who, host, command, inputs with secrets redacted, exit code, duration). One object per
entry — never a shared log file that is read, appended and written back — so concurrent
runs cannot lose each other's entries and a reader never sees half an entry (the store's
writes are atomic). Writing the audit entry can fail (lake read-only, network): that is
reported on stderr and never changes the command's exit code.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import os
import platform
import socket
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import typer

from wdguard.errors import EXIT_UNDECIDED, LakeUnreachable, WdguardError
from wdguard.record import who
from wdguard.redact import redact, redact_text
from wdguard.version import __version__

F = TypeVar("F", bound=Callable[..., Any])
AUDIT_ROOT = "_wdguard/audit"
RESULTS = {0: "ok", 1: "failing", 2: "undecided"}


@dataclass
class AuditEntry:
    command: str
    inputs: dict[str, Any]
    started_at: str
    finished_at: str
    duration_s: float
    exit_code: int
    result: str
    user: str
    host: str
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    argv: list[str] = field(default_factory=list)
    error: str | None = None
    alerts: list[dict[str, Any]] = field(default_factory=list)  # deliveries, failed or not
    wdguard_version: str = __version__
    python_version: str = platform.python_version()
    pid: int = field(default_factory=os.getpid)


def entry_path(entry: AuditEntry) -> str:
    """`_wdguard/audit/{date}/{timestamp}-{uuid}.json`: sorts by time, never collides."""
    started = datetime.fromisoformat(entry.started_at)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    return f"{AUDIT_ROOT}/{started.date().isoformat()}/{stamp}-{entry.id}.json"


def write_entry(store: Any, entry: AuditEntry) -> str:
    """Write the entry create-only and return its path in the lake."""
    path = entry_path(entry)
    data = json.dumps(asdict(entry), indent=2, sort_keys=True, default=str).encode()
    store.write_bytes(path, data, overwrite=False)
    return path


def read_entries(store: Any, date: str | None = None) -> list[dict[str, Any]]:
    """Every audit entry (of one day, or all), oldest first."""
    prefix = f"{AUDIT_ROOT}/{date}" if date else AUDIT_ROOT
    return [json.loads(store.read_bytes(p)) for p in store.list(prefix) if p.endswith(".json")]


class Audit:
    """What a running command tells the audit trail besides its exit code."""

    def __init__(self, command: str, inputs: dict[str, Any]):
        self.command = command
        self.inputs = dict(inputs)
        self.store: Any = None
        self.path: str | None = None
        self.error: str | None = None
        self.alerts: list[dict[str, Any]] = []

    def set_store(self, store: Any) -> None:
        """The lake to write to, once the command has opened it."""
        self.store = store


_CURRENT: contextvars.ContextVar[Audit | None] = contextvars.ContextVar("audit", default=None)


def note_alerts(deliveries: list[dict[str, Any]]) -> None:
    """Record the alert deliveries of the running command in its audit entry, so a
    webhook that timed out is on record, not only a warning on stderr."""
    audit = _CURRENT.get()
    if audit is not None:
        audit.alerts += deliveries


def _open_lake(lake: str | None) -> Any:
    """The store of the lake named for the audit, or None when it cannot be opened."""
    if not lake:
        return None
    from wdguard.lake.stores import open_store

    try:
        return open_store(lake)
    except Exception:
        return None


@contextlib.contextmanager
def audited(
    command: str, inputs: dict[str, Any], store: Any = None, lake: str | None = None
) -> Iterator[Audit]:
    """Run a command body and append its audit entry, whatever its outcome.

    The exit code is taken from `typer.Exit` / `SystemExit` (0 when the body returns,
    2 for a WdguardError or crash). The exception is re-raised unchanged. The entry goes
    to `store`, or one the body sets, or else the lake named by `lake` (opened at the end).
    """
    audit = Audit(command, inputs)
    audit.store = store
    token = _CURRENT.set(audit)
    started = datetime.now(UTC)
    t0 = time.monotonic()
    code = 0
    gone = False  # the lake is unreachable: do not wait on it again for the entry
    try:
        yield audit
    except typer.Exit as exc:
        code = exc.exit_code
        raise
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else EXIT_UNDECIDED
        raise
    except WdguardError as exc:
        code, audit.error = EXIT_UNDECIDED, exc.one_line()
        gone = isinstance(exc, LakeUnreachable)
        raise
    except BaseException as exc:
        code, audit.error = EXIT_UNDECIDED, f"{type(exc).__name__}: {exc}"
        raise
    finally:
        _CURRENT.reset(token)
        if audit.store is None and not gone:
            audit.store = _open_lake(lake)
        if audit.store is not None and not gone:
            entry = AuditEntry(
                command=command,
                inputs=redact(audit.inputs),
                argv=[redact_text(a) for a in sys.argv[1:]],
                started_at=started.isoformat(),
                finished_at=datetime.now(UTC).isoformat(),
                duration_s=round(time.monotonic() - t0, 3),
                exit_code=code,
                result=RESULTS.get(code, "undecided"),
                error=redact_text(audit.error) if audit.error else None,
                alerts=redact(audit.alerts),
                user=who(),
                host=socket.gethostname(),
            )
            try:
                audit.path = write_entry(audit.store, entry)
            except Exception as exc:  # the audit never changes the verdict
                sys.stderr.write(
                    "wdguard: warning: audit entry not written: "
                    + redact_text(" ".join(str(exc).split()))
                    + "\n"
                )


LAKE_ENV = "WDGUARD_LAKE"


def audit_command(command: str) -> Callable[[F], F]:
    """Decorator for a command function: audit every call to the lake of its `--lake`
    option (or $WDGUARD_LAKE for commands without one). Inputs are the call's options."""

    def deco(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            lake = kwargs.get("lake") or os.environ.get(LAKE_ENV)
            inputs = {k: v if isinstance(v, str | int | float | bool | None | list) else str(v)
                      for k, v in kwargs.items()}
            with audited(command, inputs, lake=lake):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return deco
