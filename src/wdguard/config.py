"""wdguard.toml + environment.

The config file holds no secrets: DSNs, URIs, account keys and webhook URLs come from the
environment (or Azure Key Vault through DefaultAzureCredential), never from a file that
is committed. Each feature reads its own table (`[lint]`, `[check]`, `[alerts]`, ...).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from wdguard.errors import InputError

DEFAULT_CONFIG = Path("wdguard.toml")


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The parsed config; a missing default file is an empty config, a missing named one
    is an error."""
    explicit = path is not None
    default = os.environ.get("WDGUARD_CONFIG", DEFAULT_CONFIG)
    path = Path(path) if path is not None else Path(default)
    if not path.exists():
        if explicit or "WDGUARD_CONFIG" in os.environ:
            raise InputError("config file not found", where=str(path))
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read config: {exc.strerror}", where=str(path)) from None


def env_secret(name: str) -> str | None:
    """A secret from the environment; empty strings count as unset."""
    value = os.environ.get(name)
    return value or None


def config_name() -> str:
    """How the config file is named in messages."""
    return os.environ.get("WDGUARD_CONFIG", str(DEFAULT_CONFIG))


def require_manifest(config: dict[str, Any]) -> bool:
    """`[check] require_manifest`: a partition without `_source.json` (or its ADF
    stand-in) is undecided (exit 2) rather than having its manifest checks skipped."""
    table = config.get("check", {})
    value = table.get("require_manifest", False) if isinstance(table, dict) else False
    if not isinstance(value, bool):
        raise InputError(
            "require_manifest must be true or false", where=f"{config_name()} [check]"
        )
    return value
