"""An Azure Data Factory Copy activity's output: the stand-in for `_source.json`.

ADF writes no manifest next to the files it copies, but its Copy activity reports what it
did (`@activity('Copy').output`): `rowsRead`, `rowsCopied`, `filesWritten` and, in
`executionDetails[0].start`, when the copy started. A pipeline that keeps that JSON in the
lake (a path template in `[lake]`) gives wdguard the expected counts. The file may hold the
output itself or the whole activity run (`{"output": {...}}`).
"""

from __future__ import annotations

import datetime as dt
import json

from wdguard.errors import InputError
from wdguard.lake.manifest import Expected


def _int(out: dict, key: str, where: str) -> int | None:
    value = out.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(f"ADF output: {key} must be a count, got {value!r}", where=where)
    return value


def _start(out: dict, where: str) -> dt.datetime | None:
    details = out.get("executionDetails") or []
    start = details[0].get("start") if isinstance(details, list) and details else None
    if start is None:
        return None
    try:
        value = dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"ADF output: executionDetails[0].start is not a time: {start!r}", where=where
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def load_adf_output(store, path: str) -> Expected:
    """The expectations of one ADF Copy activity output file; InputError naming it when
    it is unreadable (not JSON, not an object, counts that are not counts)."""
    where = f"{store.url.rstrip('/')}/{path}"
    try:
        data = json.loads(store.read_text(path))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"unreadable ADF output: {exc}", where=where) from None
    if isinstance(data, dict) and isinstance(data.get("output"), dict):
        data = data["output"]
    if not isinstance(data, dict):
        raise InputError("unreadable ADF output: not a JSON object", where=where)
    copied = _int(data, "rowsCopied", where)
    if copied is None:
        raise InputError("ADF output has no rowsCopied: not a Copy activity's output", where=where)
    return Expected(
        by=f"ADF output {path}",
        row_count=copied,
        rows_read=_int(data, "rowsRead", where),
        file_count=_int(data, "filesWritten", where),
        extracted_at=_start(data, where),
    )
