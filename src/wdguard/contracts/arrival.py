"""Did a contract column exist yet when a partition was extracted?

A column carries `added_by`, the migration that added it to its table (Prisma names
migrations `YYYYMMDDhhmmss_name`, so names sort in apply order). A partition knows the
newest migration applied when it was extracted (its manifest's `migration_head`) or,
without one, only its date. The column arrived after the partition when its migration
sorts after the partition's head, or - by date alone - when the migration is dated on or
after the partition's day (the same day cannot be told apart, so it is not failed).
"""

from __future__ import annotations

import re

from wdguard.contracts.model import Column

_STAMP = re.compile(r"^(\d{8,14})")


def _stamp(migration: str) -> str:
    """The migration's leading timestamp, padded to 14 digits ('' when it has none)."""
    m = _STAMP.match(migration)
    return m.group(1).ljust(14, "0") if m else ""


def arrives_after(column: Column, *, migration_head: str | None, date: str) -> str | None:
    """The column's migration when the column arrived after this partition, else None."""
    added = column.added_by
    if not added:
        return None
    if migration_head:
        key_added, key_head = (_stamp(added), added), (_stamp(migration_head), migration_head)
        return added if key_added > key_head else None
    day = _stamp(added)[:8]
    return added if day and day >= date.replace("-", "") else None
