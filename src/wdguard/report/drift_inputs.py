"""The day's drift for the nightly report: run live, or read from saved JSON.

Each source is optional and only looked at when its inputs are given: Postgres schema
drift and the migration history (`--dsn`, `--migrations`) through `drift.pg_drift`, Mongo
drift (`--mongo-uri`) through `drift.mongo_diff`, the lake's own schema drift
(`--lake-drift`: Delta logs and partition schemas, `drift.lake_drift`), or the JSON that
`wdguard drift postgres|mongo|lake --format json` printed earlier (`--drift-json`), so a
pipeline that already ran drift does not run it twice. Results are findings keyed by source name.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from wdguard.contracts.model import Contract
from wdguard.errors import InputError
from wdguard.findings import Finding

_FIELDS = {f.name for f in dataclasses.fields(Finding)}


def _source_of(data: dict[str, Any]) -> str:
    command = str(data.get("command") or "")
    if command == "drift lake":
        return "lake"
    if "mongo" in command:
        return "mongodb"
    if "migrations" in command:
        return "migrations"
    return "postgres"


def read_drift_json(path: Path) -> dict[str, list[Finding]]:
    """Findings from a saved `--format json` drift output (source from its `command`)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InputError("no such drift JSON file", where=str(path)) from None
    except (OSError, ValueError) as exc:
        raise InputError(f"not a drift JSON output: {exc}", where=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise InputError("not a drift JSON output (no `findings` list)", where=str(path))
    findings = []
    for i, f in enumerate(data["findings"]):
        try:
            findings.append(Finding(**{k: v for k, v in f.items() if k in _FIELDS}))
        except TypeError as exc:
            raise InputError(f"finding {i} is malformed: {exc}", where=str(path)) from None
    return _split({_source_of(data): findings})


def _split(drift: dict[str, list[Finding]]) -> dict[str, list[Finding]]:
    """Migration-history findings get their own source, as the report shows them apart."""
    out: dict[str, list[Finding]] = {}
    for source, findings in drift.items():
        for f in findings:
            key = "migrations" if f.name.startswith("migration.") else source
            out.setdefault(key, []).append(f)
        out.setdefault(source, [])
    return out


def postgres_drift_live(dsn: str | None, contracts: list[Contract],
                        migrations: Path | None) -> dict[str, list[Finding]]:
    """Schema drift (and migration history when a folder is given) of the live database."""
    from wdguard.drift.pg_drift import postgres_drift
    from wdguard.sources.postgres import connect, describe, resolve_dsn

    dsn = resolve_dsn(dsn)
    pg = [c for c in contracts if c.source.kind == "postgres"]
    with connect(dsn) as conn:
        result = postgres_drift(conn, pg, target=describe(dsn), migrations_dir=migrations)
    drift = _split({"postgres": result.findings})
    if migrations is not None:
        drift.setdefault("migrations", [])
    return drift


def mongo_drift_live(uri: str | None, db: str | None, contracts: list[Contract],
                     today: dt.date, sample_size: int = 1000) -> dict[str, list[Finding]]:
    """Sample each contracted collection and diff it with its contract (as `drift mongo`)."""
    from wdguard.drift.mongo_diff import drift_collection, extra_collections
    from wdguard.sources.mongo import LiveDocuments, connect

    mongo = [c for c in contracts if c.source.kind == "mongodb"]
    if not mongo:
        raise InputError("no MongoDB contracts to compare with", where="--contracts")
    client = connect(uri)
    sources: dict[str, Any] = {}
    findings: list[Finding] = []
    for contract in mongo:
        database = db or contract.source.database
        if not database:
            raise InputError(f"contract {contract.contract} names no database; pass --mongo-db",
                             where="--mongo-db")
        source = sources.setdefault(database, LiveDocuments(client, database))
        found, _ = drift_collection(source, contract, size=sample_size, today=today)
        findings.extend(found)
    contracted = {c.source.collection for c in mongo}
    for source in sources.values():
        findings.extend(extra_collections(contracted, source.collections(), source.database))
    return {"mongodb": findings}


def lake_drift_live(store: Any, contracts: list[Contract], config: dict[str, Any],
                    where: str) -> dict[str, list[Finding]]:
    """The lake's own schema changes (as `wdguard drift lake`): Delta logs, partitions,
    under the lake's layout (`[lake]` of `config`, read from `where`)."""
    from wdguard.drift.lake_drift import lake_drift
    from wdguard.lake.layout import configured

    lake = configured(store, config, where)
    return {"lake": lake_drift(store, contracts, lake=lake).findings}
