"""Lake drift kinds (LKD): one module per kind, each a `RuleKind` with `family = "lake"`.

Importing this package imports every module in it, so a new kind is one new file.
"""

from __future__ import annotations

import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_mod.name}")
