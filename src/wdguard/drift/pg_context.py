"""Where a Postgres drift finding points: the table (as displayed) and its contract.

Its own small module because the comparators (`pg_diff`, `pg_indexes`, `pg_unmodelled`)
all build findings with it, and `pg_diff` imports the other two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class TableContext:
    table: str  # display name: `orders`, or `billing.invoices` outside public
    contract: str

    def at(self, column: str | None = None, **details: Any) -> dict[str, Any]:
        return {
            "object": self.table,
            "column": column,
            "details": {"contract": self.contract, **details},
        }
