"""Delta Lake tables in the lake: read the transaction log, honour the protocol, read a
date's snapshot.

* `log.py`: the `_delta_log` commits as data (schema, protocol, metrics, files), read
  through the lake's `Store` so a local folder and ADLS behave the same;
* `schema.py`: Delta's schema JSON as fields, and how one schema changed into the next;
* `protocol.py`: the table features wdguard can honour per reader, and the refusal;
* `table.py`: a date of a table through delta-rs (files, counts, a lazy scan).

A folder holding `_delta_log/` is a Delta table (`is_delta_table`).
"""

from __future__ import annotations

DELTA_LOG = "_delta_log"


def is_delta_table(store, path: str) -> bool:
    """True when `path` holds a Delta transaction log with at least one commit."""
    prefix = f"{path.rstrip('/')}/{DELTA_LOG}/"
    return any(name.endswith(".json") or ".checkpoint" in name for name in store.list(prefix))
