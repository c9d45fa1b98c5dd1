"""wdguard: the data-quality and schema-evolution guard of the WasteDump pipeline.

The stable Python API (documented in docs/reference/python-api.md). Every function returns
the record the CLI renders and never prints or exits; bad input raises `InputError` (the
CLI's exit 2), an unreachable source `SourceError`. The functions are imported on first
use, so `import wdguard` loads neither Polars nor a database driver.

    import wdguard

    record = wdguard.gate_date("/lake", "2026-11-26")
    if record.exit_code != 0:
        ...
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from wdguard.version import __version__

# name -> module that defines it
_LAZY = {
    "gate_date": "wdguard.api",
    "gate": "wdguard.api",
    "validate_frame": "wdguard.api",
    "validate_dataframe": "wdguard.api",
    "derive_contracts": "wdguard.api",
    "drift_postgres": "wdguard.api",
    "drift_mongo": "wdguard.api",
    "lint_migrations": "wdguard.api",
    "nightly_report": "wdguard.api",
    "contract_schema": "wdguard.api",
    "load_contracts_from": "wdguard.api",
    "FrameVerdict": "wdguard.api",
    "MongoDrift": "wdguard.api",
    "RunRecord": "wdguard.record",
    "CheckRecord": "wdguard.record",
    "Finding": "wdguard.findings",
    "Contract": "wdguard.contracts.model",
    "InputError": "wdguard.errors",
    "SourceError": "wdguard.errors",
}

__all__ = [  # what `from wdguard import *` and the docs name: the keys of _LAZY
    "CheckRecord",
    "Contract",
    "Finding",
    "FrameVerdict",
    "InputError",
    "MongoDrift",
    "RunRecord",
    "SourceError",
    "__version__",
    "contract_schema",
    "derive_contracts",
    "drift_mongo",
    "drift_postgres",
    "gate",
    "gate_date",
    "lint_migrations",
    "load_contracts_from",
    "nightly_report",
    "validate_dataframe",
    "validate_frame",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports lazily
    from wdguard.api import (
        FrameVerdict,
        MongoDrift,
        contract_schema,
        derive_contracts,
        drift_mongo,
        drift_postgres,
        gate,
        gate_date,
        lint_migrations,
        load_contracts_from,
        nightly_report,
        validate_dataframe,
        validate_frame,
    )
    from wdguard.contracts.model import Contract
    from wdguard.errors import InputError, SourceError
    from wdguard.findings import Finding
    from wdguard.record import CheckRecord, RunRecord


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wdguard' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
