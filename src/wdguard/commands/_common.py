"""What every command shares: output formats, one-line errors, exit codes."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console

from wdguard.errors import EXIT_UNDECIDED, WdguardError

if TYPE_CHECKING:
    from wdguard.contracts.model import Contract

F = TypeVar("F", bound=Callable[..., Any])

# results go to stdout; errors and progress to stderr, so `--format json | jq` works
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


FORMAT_OPTION = typer.Option(
    OutputFormat.text, "--format", "-f", help="Output format: text for people, json for tools."
)


def fail(message: str) -> None:
    """Print one line to stderr (no markup interpretation) and exit 2."""
    sys.stderr.write("wdguard: error: " + " ".join(message.split()) + "\n")
    raise typer.Exit(EXIT_UNDECIDED)


def guarded(fn: F) -> F:
    """Turn WdguardError (and any unexpected crash) into one line on stderr and exit 2."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except WdguardError as exc:
            fail(exc.one_line())
        except KeyboardInterrupt:
            fail("interrupted")
        except Exception as exc:  # a bug in wdguard: still one line, still exit 2
            if os.environ.get("WDGUARD_DEBUG"):
                raise
            source = _source_failure(exc)
            if source:
                fail(source)
            fail(
                f"internal error ({type(exc).__name__}): {exc}. "
                "Re-run with WDGUARD_DEBUG=1 for the traceback and report it."
            )

    return wrapper  # type: ignore[return-value]


# A driver's own exception that got this far is the source failing mid-session (the
# connection dropped, a server-side statement or lock timeout), not a bug in wdguard.
_DRIVERS = {"psycopg": "PostgreSQL", "pymongo": "MongoDB", "azure": "Azure storage",
            "redis": "Redis"}


def _source_failure(exc: Exception) -> str | None:
    name = _DRIVERS.get(type(exc).__module__.split(".")[0])
    if name is None:
        return None
    from wdguard.redact import redact_text

    reason = redact_text(" ".join(str(exc).split()))[:300] or type(exc).__name__
    return f"{name} failed: {reason}"


def command_contracts(
    schema: Path | None,
    contracts_dir: Path | None,
    *,
    default_optional: bool = False,
    default_schema: str | None = None,
) -> list[Contract]:
    """Contracts from --schema (derived in memory) or --contracts, not both; without
    either, ./contracts (none at all if it is missing and `default_optional`)."""
    from wdguard.api import load_contracts_from

    return load_contracts_from(schema, contracts_dir, optional=default_optional,
                               default_schema=default_schema)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
