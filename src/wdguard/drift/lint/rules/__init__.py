"""One lint rule per module; importing this package registers them all.

Codes WDL0xx are pipeline changes (what a reader of the source sees), WDL1xx are
operational hazards (what the running database suffers while the migration runs).
"""

from __future__ import annotations

import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_mod.name}")
