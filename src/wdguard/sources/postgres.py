"""Read-only sessions to the production PostgreSQL, and DSNs that never leak a password.

The source is a production database: every session wdguard opens is read-only from its
first statement (`default_transaction_read_only=on` set through the startup `options`,
so even a role that could write cannot), bounded by a statement and a lock timeout, and
named (`application_name`) so a DBA can see who it is in pg_stat_activity.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg

from wdguard.errors import InputError, SourceError
from wdguard.redact import redact_text

DSN_ENV = "WDGUARD_PG_DSN"

# query parameters of a Prisma DATABASE_URL that libpq does not know (and refuses)
PRISMA_ONLY_PARAMS = frozenset(
    {
        "schema",
        "connection_limit",
        "pool_timeout",
        "pgbouncer",
        "statement_cache_size",
        "socket_timeout",
        "sslaccept",
        "sslidentity",
    }
)


def split_prisma_params(dsn: str) -> tuple[str, dict[str, str]]:
    """A Prisma DATABASE_URL works as a DSN: (the URL without Prisma-only parameters,
    those parameters). `schema=` is Prisma's default schema, where `_prisma_migrations`
    and every model without `@@schema` live."""
    if not dsn.startswith(("postgres://", "postgresql://")):
        return dsn, {}
    try:
        parts = urlsplit(dsn)
        pairs = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return dsn, {}
    taken = {k: v for k, v in pairs if k in PRISMA_ONLY_PARAMS}
    if not taken:
        return dsn, {}
    kept = [(k, v) for k, v in pairs if k not in PRISMA_ONLY_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(kept))), taken


def dsn_schema(dsn: str) -> str | None:
    """Prisma's `?schema=` of a DSN, if it has one."""
    return split_prisma_params(dsn)[1].get("schema") or None



def resolve_dsn(dsn: str | None) -> str:
    """The DSN from --dsn, else from WDGUARD_PG_DSN; neither is an input error."""
    dsn = dsn or os.environ.get(DSN_ENV)
    if not dsn:
        raise InputError(f"no database given: pass --dsn or set {DSN_ENV}", where="--dsn")
    return dsn


def describe(dsn: str) -> str:
    """A short, password-free name of the target: user@host:port/dbname."""
    dsn = split_prisma_params(dsn)[0]
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return redact_text(dsn)
    host = params.get("host") or params.get("hostaddr") or "localhost"
    port = params.get("port") or "5432"
    user = params.get("user")
    db = params.get("dbname") or user or ""
    return f"{user + '@' if user else ''}{host}:{port}/{db}"


def connect(
    dsn: str,
    *,
    app: str = "wdguard",
    statement_timeout_ms: int = 30_000,
    lock_timeout_ms: int = 2_000,
    connect_timeout_s: int = 10,
) -> psycopg.Connection:
    """Open a read-only, time-bounded autocommit session (catalog reads hold no locks)."""
    target = describe(dsn)
    dsn = split_prisma_params(dsn)[0]
    try:
        params = psycopg.conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise InputError(f"bad DSN {redact_text(dsn)!r}: {redact_text(str(exc))}",
                         where="--dsn") from None
    options = " ".join(
        filter(
            None,
            [
                params.pop("options", None),
                "-c default_transaction_read_only=on",
                f"-c statement_timeout={int(statement_timeout_ms)}",
                f"-c lock_timeout={int(lock_timeout_ms)}",
            ],
        )
    )
    params.setdefault("connect_timeout", str(connect_timeout_s))
    # a network path that dies mid-session (no ACKs, no answers) must not hold the run:
    # unacknowledged data for 60 s, or 3 unanswered keepalives after 30 s idle, end it
    for key, value in (("keepalives", "1"), ("keepalives_idle", "30"),
                       ("keepalives_interval", "10"), ("keepalives_count", "3"),
                       ("tcp_user_timeout", "60000")):
        params.setdefault(key, value)
    params["application_name"] = app
    params["options"] = options
    try:
        return psycopg.connect(autocommit=True, **params)
    except psycopg.Error as exc:
        reason = " ".join(redact_text(str(exc)).split()) or type(exc).__name__
        raise SourceError(f"cannot connect to PostgreSQL: {reason}", where=target) from None
