"""The `_delta_log` of a table as data: one `Commit` per JSON commit file.

Read straight from the log's JSON actions (the Delta protocol's `commitInfo`, `protocol`,
`metaData`, `add`, `remove`) through the lake's `Store`, so history and per-date
stand-ins cost one small read per commit and no data file. When old commits were cleaned
up after a checkpoint, the checkpoint's `metaData` and `protocol` become the first entry
(its version; its commit time when that commit's file is still there), so a history
always starts from a known schema; changes before it are no longer in the log.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wdguard.errors import InputError
from wdguard.lake.delta import DELTA_LOG
from wdguard.lake.delta.schema import Field, parse_schema

_COMMIT = re.compile(r"^(\d{20})\.json$")
_CHECKPOINT = re.compile(r"^(\d{20})\.checkpoint(?:\.\d+\.\d+)?\.parquet$")


@dataclass
class Protocol:
    min_reader: int = 1
    min_writer: int = 2
    reader_features: tuple[str, ...] = ()
    writer_features: tuple[str, ...] = ()


@dataclass
class AddFile:
    path: str
    partition_values: dict[str, str | None]
    size: int
    num_records: int | None
    deletion_vector: bool


@dataclass
class Commit:
    version: int
    timestamp: datetime | None = None  # commitInfo.timestamp; None for a checkpoint base
    operation: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    schema: list[Field] | None = None  # set when the commit carries a metaData action
    partition_columns: list[str] | None = None
    configuration: dict[str, str] | None = None
    protocol: Protocol | None = None
    adds: list[AddFile] = field(default_factory=list)
    removes: list[str] = field(default_factory=list)
    # what the writing pipeline recorded in the commit's metadata (delta-rs
    # `custom_metadata`, Spark `userMetadata` as JSON): its extraction time and the
    # newest migration applied to the source then
    extracted_at: datetime | None = None
    migration_head: str | None = None
    date: str | None = None  # the day the commit landed, even when it added no file


def _ms(value: Any) -> datetime | None:
    return datetime.fromtimestamp(int(value) / 1000, UTC) if value is not None else None


def _protocol(p: dict[str, Any]) -> Protocol:
    return Protocol(
        min_reader=int(p.get("minReaderVersion") or 1),
        min_writer=int(p.get("minWriterVersion") or 2),
        reader_features=tuple(p.get("readerFeatures") or ()),
        writer_features=tuple(p.get("writerFeatures") or ()),
    )


def _add(a: dict[str, Any]) -> AddFile:
    stats = a.get("stats")
    records = None
    if isinstance(stats, str) and stats:
        try:
            records = json.loads(stats).get("numRecords")
        except json.JSONDecodeError:
            records = None
    return AddFile(
        path=a["path"],
        partition_values=dict(a.get("partitionValues") or {}),
        size=int(a.get("size") or 0),
        num_records=int(records) if records is not None else None,
        deletion_vector=bool(a.get("deletionVector")),
    )


def _pipeline_metadata(commit: Commit, info: dict[str, Any]) -> None:
    meta = dict(info)
    user = info.get("userMetadata")
    if isinstance(user, str) and user.startswith("{"):
        with contextlib.suppress(json.JSONDecodeError):
            meta |= json.loads(user)
    text = meta.get("extracted_at")
    if isinstance(text, str):
        try:
            stamp = datetime.fromisoformat(text)
            commit.extracted_at = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        except ValueError:
            commit.extracted_at = None
    head = meta.get("migration_head")
    commit.migration_head = head if isinstance(head, str) and head else None
    day = meta.get("date")
    commit.date = day if isinstance(day, str) and day else None


def _metadata(commit: Commit, m: dict[str, Any], where: str) -> None:
    try:
        commit.schema = parse_schema(json.loads(m["schemaString"]))
    except (AttributeError, KeyError, TypeError, ValueError) as exc:  # any shape
        raise InputError(f"unreadable metaData schema in version {commit.version}: {exc}",
                         where=where) from None
    commit.partition_columns = list(m.get("partitionColumns") or [])
    commit.configuration = dict(m.get("configuration") or {})


def parse_commit(version: int, text: str, where: str) -> Commit:
    """One commit file's actions (newline-delimited JSON) as a Commit."""
    commit = Commit(version)
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            action = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed commit {version} line {n}: {exc}", where=where) from None
        if "commitInfo" in action:
            info = action["commitInfo"] or {}
            commit.timestamp = _ms(info.get("timestamp"))
            commit.operation = info.get("operation")
            commit.parameters = dict(info.get("operationParameters") or {})
            commit.metrics = dict(info.get("operationMetrics") or {})
            _pipeline_metadata(commit, info)
        elif "metaData" in action:
            _metadata(commit, action["metaData"], where)
        elif "protocol" in action:
            commit.protocol = _protocol(action["protocol"])
        elif "add" in action:
            commit.adds.append(_add(action["add"]))
        elif "remove" in action:
            commit.removes.append(action["remove"]["path"])
    return commit


def _checkpoint_base(store, log: str, version: int, name: str, where: str) -> Commit:
    """metaData and protocol of a checkpoint (its adds are left to delta-rs)."""
    import pyarrow.parquet as pq

    base = Commit(version)
    try:
        table = pq.read_table(io.BytesIO(store.read_bytes(f"{log}/{name}")),
                              columns=["metaData", "protocol"])
    except Exception as exc:
        raise InputError(f"unreadable checkpoint {name}: {exc}", where=where) from None
    for row in table.to_pylist():
        if row.get("metaData"):
            _metadata(base, row["metaData"], where)
        if row.get("protocol"):
            base.protocol = _protocol(row["protocol"])
    return base


def read_log(store, table: str) -> list[Commit]:
    """Every commit still in the table's log, oldest first (see the module docstring)."""
    log = f"{table.rstrip('/')}/{DELTA_LOG}"
    where = f"{store.url.rstrip('/')}/{table}"
    names = [n.rsplit("/", 1)[-1] for n in store.list(log + "/")]
    commits = sorted((int(m.group(1)), n) for n in names if (m := _COMMIT.match(n)))
    checkpoints = sorted((int(m.group(1)), n) for n in names if (m := _CHECKPOINT.match(n)))
    if not commits and not checkpoints:
        raise InputError("no Delta commits in _delta_log", where=where)
    out: list[Commit] = []
    first = commits[0][0] if commits else None
    if first != 0 and checkpoints:
        usable = [c for c in checkpoints if first is None or c[0] <= first]
        if usable:
            version, name = usable[-1]
            base = _checkpoint_base(store, log, version, name, where)
            same = [n for v, n in commits if v == version]
            if same:  # the checkpointed commit's own file: its time, operation, metrics
                info = parse_commit(version, store.read_text(f"{log}/{same[0]}"), where)
                base.timestamp, base.operation = info.timestamp, info.operation
                base.parameters, base.metrics = info.parameters, info.metrics
            out.append(base)
            commits = [c for c in commits if c[0] > version]
    for version, name in commits:
        out.append(parse_commit(version, store.read_text(f"{log}/{name}"), where))
    return out


def current_protocol(commits: list[Commit]) -> Protocol:
    """The newest protocol action (the table's protocol now)."""
    for commit in reversed(commits):
        if commit.protocol is not None:
            return commit.protocol
    return Protocol()


def current_metadata(commits: list[Commit]) -> Commit:
    """The newest commit that carries a metaData action."""
    for commit in reversed(commits):
        if commit.schema is not None:
            return commit
    raise InputError("no metaData action in the Delta log")
