"""Faults mid-run and concurrency: `wdguard check` killed at any point, and two gates at once.

The gate writes its run record, quarantine files and audit entry atomically (local: temp
file then rename/link; blob: one create-only upload), so a SIGKILL can leave at most a
`.tmp-*` file that no reader lists, never a torn JSON or parquet. A re-run decides the
same. Two gates on the same date both finish and keep two distinct, whole records.
Both on a local folder and on Azurite, through the real CLI in subprocesses.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from tests.test_gate_lake import generated_contracts
from wdguard.contracts.io import load_contracts
from wdguard.lake.storage import LocalStore
from wdguard.record import RunRecord
from wdguard.sample.faults import inject
from wdguard.sample.generate import generate_lake

ROOT = Path(__file__).resolve().parents[1]
WDGUARD = str(Path(sys.executable).with_name("wdguard"))
DATE = "2026-11-26"
ROWS = 0.2  # enough rows that a check with --quarantine takes about a second
KILL_AFTER = (0.9, 1.3, 1.6)  # seconds: measured to land while checking, amid the
# quarantine writes, and around the record and audit writes (on a loaded 2-core machine)


@pytest.fixture(scope="module")
def failing_lake(tmp_path_factory):
    """A generated lake whose last day has a fault (so quarantine files get written)."""
    root = tmp_path_factory.mktemp("killlake")
    result = generate_lake(LocalStore(root), load_contracts(ROOT / "contracts"), rows=ROWS,
                           days=3)  # fmt: skip
    contracts = generated_contracts(tmp_path_factory.mktemp("c") / "contracts", result)
    inject("null_in_required", LocalStore(root), DATE, load_contracts(contracts))
    return root, contracts


def _copy_to(store, root: Path) -> None:
    for path in LocalStore(root).list(""):
        if not path.startswith(("_wdguard/", "quarantine/")):
            store.write_bytes(path, (root / path).read_bytes())


@pytest.fixture(params=["local", pytest.param("azurite", marks=pytest.mark.azurite)])
def target(request, failing_lake, tmp_path):
    """(store, lake argument, environment) for a fresh copy of the failing lake."""
    root, contracts = failing_lake
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "WDGUARD_"))}
    if request.param == "local":
        lake = tmp_path / "lake"
        lake.mkdir()
        store = LocalStore(lake)
        _copy_to(store, root)
        yield store, str(lake), env, contracts
        return
    from tests.fixtures_azurite import new_azure_store

    azurite = request.getfixturevalue("azurite")
    store = new_azure_store(azurite)
    _copy_to(store, root)
    env["AZURE_STORAGE_CONNECTION_STRING"] = azurite.connection_string
    try:
        yield store, f"az://{store.container}/{store.prefix}", env, contracts
    finally:
        store._cc.delete_container()


def _check(lake: str, env: dict, contracts: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [WDGUARD, "check", "--lake", lake, "--date", DATE, "--contracts", str(contracts),
         "--quarantine", "--format", "json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _artefacts(store) -> dict[str, list[str]]:
    paths = store.list("_wdguard") + store.list("quarantine")
    return {
        "runs": [p for p in paths if p.startswith("_wdguard/runs/")],
        "audit": [p for p in paths if p.startswith("_wdguard/audit/")],
        "quarantine": [p for p in paths if p.startswith("quarantine/")],
        "all": paths,
    }


def _assert_whole(store) -> dict[str, list[str]]:
    """Every object wdguard wrote parses; a local temp file is never listed as an object."""
    found = _artefacts(store)
    for path in found["all"]:
        assert not Path(path).name.startswith(".tmp-"), path
        data = store.read_bytes(path)
        if path.endswith(".json"):
            doc = json.loads(data)
            if path.startswith("_wdguard/runs/"):
                record = RunRecord.model_validate(doc)
                assert record.finished_at is not None and record.verdict != "undecided", path
            else:
                assert doc["command"] == "check" and doc["finished_at"], path
        elif path.endswith(".parquet"):
            assert pl.read_parquet(data).height > 0, path
        else:
            raise AssertionError(f"unexpected object {path}")
    if isinstance(store, LocalStore):  # leftovers on disk are temp files, nothing else
        on_disk = {p.relative_to(store.root).as_posix()
                   for top in ("_wdguard", "quarantine") for p in (store.root / top).rglob("*")
                   if p.is_file()}  # fmt: skip
        assert all(Path(p).name.startswith(".tmp-") for p in on_disk - set(found["all"]))
    return found


def _written(store) -> set[str]:
    """What the gate has written so far, temp files included: its per-phase marker. A
    quarantine object (or its .tmp- file) means the write phase has begun; the run record,
    then the audit entry, mean it is nearly over."""
    if isinstance(store, LocalStore):
        return {p.relative_to(store.root).as_posix()
                for top in ("_wdguard", "quarantine") for p in (store.root / top).rglob("*")
                if p.is_file()}  # fmt: skip
    return set(_artefacts(store)["all"])


def _phase(new: set[str]) -> str:
    """Where a kill landed, from what the killed run left behind."""
    if any(p.startswith("_wdguard/audit/") and not Path(p).name.startswith(".tmp-")
           for p in new):  # fmt: skip
        return "finished"
    if new:
        return "write"
    return "check"


def _kill(store, lake, env, contracts, *, after: float | None) -> str:
    """Start a check and SIGKILL it: after a fixed delay, or (after=None) as soon as its
    first write shows up. Returns the phase the kill hit."""
    before = _written(store)
    proc = _check(lake, env, contracts)
    if after is not None:
        time.sleep(after)
    else:
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if _written(store) - before:
                break
            time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return _phase(_written(store) - before)


def test_killed_check_leaves_nothing_torn_and_rerun_decides_the_same(target):
    store, lake, env, contracts = target
    baseline = _check(lake, env, contracts)
    out, err = baseline.communicate(timeout=120)
    assert baseline.returncode == 1, err
    verdict = json.loads(out)["verdict"]
    failing = sorted(c["id"] for c in json.loads(out)["checks"] if c["status"] == "fail")
    assert verdict == "fail" and failing
    assert any(c["failing_rows"] for c in json.loads(out)["checks"] if c["status"] == "fail")
    assert _artefacts(store)["quarantine"]  # the run writes quarantine files to be torn

    phases = []
    for delay in KILL_AFTER:
        phases.append(_kill(store, lake, env, contracts, after=delay))
        _assert_whole(store)
    # fixed sleeps can all land before the first write on a loaded machine: these kills
    # wait for the gate's first write, so at least one kill hits the write phase
    for _ in range(3):
        phases.append(_kill(store, lake, env, contracts, after=None))
        _assert_whole(store)
        if "write" in phases:
            break
    assert "write" in phases, phases

    rerun = _check(lake, env, contracts)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 1, err
    doc = json.loads(out)
    assert doc["verdict"] == verdict
    assert sorted(c["id"] for c in doc["checks"] if c["status"] == "fail") == failing
    found = _assert_whole(store)
    assert len(found["runs"]) >= 2 and len(found["audit"]) >= 2


def test_two_gates_on_the_same_date_keep_two_whole_records(target):
    store, lake, env, contracts = target
    first, second = _check(lake, env, contracts), _check(lake, env, contracts)
    results = [p.communicate(timeout=180) for p in (first, second)]
    assert [first.returncode, second.returncode] == [1, 1], [e for _, e in results]
    run_ids = {json.loads(out)["run_id"] for out, _ in results}
    assert len(run_ids) == 2

    found = _assert_whole(store)
    assert {Path(p).stem for p in found["runs"]} == run_ids
    assert len(found["audit"]) == 2
    # each run's quarantine files are its own, none overwritten by the other
    for run_id in run_ids:
        assert any(run_id in p for p in found["quarantine"]), run_id
