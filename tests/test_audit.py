"""Audit trail: one create-only object per run, written whatever the outcome."""

from __future__ import annotations

import json
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

import pytest
import typer

from wdguard.audit import AUDIT_ROOT, audited, read_entries
from wdguard.errors import InputError
from wdguard.lake.storage import LocalStore
from wdguard.redact import redact, redact_text


def test_entry_records_run_and_redacts_secrets(tmp_path):
    store = LocalStore(tmp_path)
    inputs = {
        "dsn": "postgresql://app:hunter2@db.example:5432/wastedump",
        "mongo_uri": "mongodb://reader:pa55@mongo/?authSource=admin",
        "lake": "abfss://lake@acct.dfs.core.windows.net/?sv=2024&sig=ABCDEF%3D",
        "date": "2026-11-20",
    }
    with pytest.raises(typer.Exit), audited("check", inputs, store) as audit:
        raise typer.Exit(1)
    [entry] = read_entries(store)
    assert entry["command"] == "check"
    assert entry["exit_code"] == 1 and entry["result"] == "failing"
    assert entry["user"] and entry["host"] and entry["duration_s"] >= 0
    assert entry["inputs"]["date"] == "2026-11-20"
    text = json.dumps(entry)
    for secret in ("hunter2", "pa55", "ABCDEF"):
        assert secret not in text
    assert "postgresql://app:***@db.example" in text
    assert audit.path.startswith(f"{AUDIT_ROOT}/{entry['started_at'][:10]}/")
    assert audit.path.endswith(f"-{entry['id']}.json")


def test_ok_and_undecided_outcomes(tmp_path):
    store = LocalStore(tmp_path)
    with audited("report", {"date": "2026-11-20"}, store):
        pass
    with pytest.raises(InputError), audited("drift", {}, store):
        raise InputError("no such file", where="contracts/x.yaml:3")
    entries = sorted(read_entries(store), key=lambda e: e["command"])
    assert [(e["command"], e["exit_code"], e["result"]) for e in entries] == [
        ("drift", 2, "undecided"),
        ("report", 0, "ok"),
    ]
    assert entries[0]["error"] == "contracts/x.yaml:3: no such file"


def test_store_set_later_and_no_store_means_no_entry(tmp_path):
    store = LocalStore(tmp_path)
    with audited("check", {}) as audit:
        pass
    assert read_entries(store) == []
    with audited("check", {}) as audit:
        audit.set_store(store)
    assert len(read_entries(store)) == 1


def test_unwritable_lake_never_changes_the_exit_code(tmp_path, capsys):
    class Broken(LocalStore):
        def write_bytes(self, path, data, *, overwrite=True):
            raise PermissionError("read-only lake, key=abc secret=xyz")

    with pytest.raises(typer.Exit) as exc, audited("check", {}, Broken(tmp_path)):
        raise typer.Exit(0)
    assert exc.value.exit_code == 0
    err = capsys.readouterr().err
    assert "audit entry not written" in err and "xyz" not in err


def _write_many(root: str, n: int) -> None:
    store = LocalStore(root)
    for i in range(n):
        with audited("check", {"i": i}, store):
            pass


def test_concurrent_writers_lose_nothing(tmp_path):
    # threads and processes at once: each entry is its own create-only object
    procs = [multiprocessing.Process(target=_write_many, args=(str(tmp_path), 20)) for _ in range(3)]
    for p in procs:
        p.start()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: _write_many(str(tmp_path), 20), range(4)))
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    store = LocalStore(tmp_path)
    entries = read_entries(store)
    assert len(entries) == 7 * 20
    assert len({e["id"] for e in entries}) == 140
    # no temp files left behind, every object is complete JSON
    assert not [p for p in tmp_path.rglob(".tmp-*")]


def test_redaction_shapes():
    assert redact_text("host=db password='a b' user=x") == "host=db password=*** user=x"
    assert "AccountKey=***" in redact_text("AccountName=a;AccountKey=Zm9v==;BlobEndpoint=x")
    assert redact_text("https://hooks.slack.com/services/T/B/X") == "https://hooks.slack.com/***"
    assert redact({"webhook": "https://example.org/x", "n": 3}) == {"webhook": "***", "n": 3}
    assert redact_text("no secrets here") == "no secrets here"


def test_audit_command_decorator_uses_the_lake_option_or_env(tmp_path, monkeypatch):
    from wdguard.audit import audit_command

    @audit_command("drift postgres")
    def cmd(dsn: str, lake: str | None = None):
        raise typer.Exit(1)

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with pytest.raises(typer.Exit):
        cmd(dsn="postgresql://u:Secret9@db/x", lake=str(tmp_path / "a"))
    monkeypatch.setenv("WDGUARD_LAKE", str(tmp_path / "b"))
    with pytest.raises(typer.Exit):
        cmd(dsn="host=db password=Secret9")
    monkeypatch.setenv("WDGUARD_LAKE", str(tmp_path / "missing"))
    with pytest.raises(typer.Exit):  # no lake to write to: the command is unaffected
        cmd(dsn="x")
    for sub in ("a", "b"):
        [entry] = read_entries(LocalStore(tmp_path / sub))
        assert entry["command"] == "drift postgres" and entry["exit_code"] == 1
        assert "Secret9" not in json.dumps(entry)


def test_concurrent_entries_on_each_store(lake_store):
    # the same guarantees on Azurite: one create-only blob per entry, nothing lost
    def write(i):
        with audited("check", {"i": i, "dsn": "postgresql://u:Zz-99@h/d"}, lake_store):
            pass

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(write, range(24)))
    entries = read_entries(lake_store)
    assert sorted(e["inputs"]["i"] for e in entries) == list(range(24))
    assert all(p.startswith(AUDIT_ROOT + "/") for p in lake_store.list(AUDIT_ROOT))
    assert "Zz-99" not in json.dumps(entries)
    # an entry path never collides: writing the same entry twice is refused
    from wdguard.audit import AuditEntry, write_entry

    e = AuditEntry(command="x", inputs={}, started_at="2026-11-26T01:02:03+00:00",
                   finished_at="2026-11-26T01:02:04+00:00", duration_s=1, exit_code=0,
                   result="ok", user="u", host="h")
    write_entry(lake_store, e)
    with pytest.raises(FileExistsError):
        write_entry(lake_store, e)
