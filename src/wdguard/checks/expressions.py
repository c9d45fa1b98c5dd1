"""Moved to `checks/engines/polars/expressions.py`: this name is kept only for the gold
checks (`checks/gold/`, `contracts/gold.py`), which issue 22's part 3 moves behind the
engine seam; delete it once nothing imports `sql_expr` from here."""

from wdguard.checks.engines.polars.expressions import sql_expr

__all__ = ["sql_expr"]
