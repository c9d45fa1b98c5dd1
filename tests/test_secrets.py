"""Known secrets planted everywhere a user puts them never show up in any artefact.

One full round of commands runs with every secret set: a DSN password (trust auth ignores
it; the DSN still carries it), a MongoDB password, the Azurite account key in a
connection string, a real SAS token, three webhook URLs (Slack, Teams, generic) that
point at local recording servers and one whose delivery is refused. Then EVERY artefact is grepped for each secret: stdout
and stderr of each command, run records, audit entries and quarantine files (local and
Azurite), report.json/md/html, and the alert payloads the servers received.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import pgutil
from tests.alert_server import Recorder
from tests.netfaults import silent_server
from wdguard.lake.storage import LocalStore

ROOT = Path(__file__).resolve().parents[1]
WDGUARD = str(Path(sys.executable).with_name("wdguard"))
DATE = "2026-11-26"
PG_PASSWORD = "PgPw-h9-7Qx2LmZ"
MONGO_PASSWORD = "MgPw-h9-Vb81Rt"
HOOK_TOKENS = {"slack": "SlackTok-h9-91ac", "teams": "TeamsTok-h9-52fe",
               "webhook": "HookTok-h9-0d7b"}  # fmt: skip

CONFIG = """\
[alerts]
retries = 0
timeout = 5
[alerts.targets.chat]
kind = "slack"
url_env = "WDGUARD_SLACK_WEBHOOK"
[alerts.targets.ops]
kind = "teams"
url_env = "WDGUARD_TEAMS_WEBHOOK"
[alerts.targets.pager]
kind = "webhook"
url_env = "WDGUARD_ALERT_WEBHOOK"
[alerts.targets.broken]
kind = "webhook"
url_env = "WDGUARD_BROKEN_WEBHOOK"
"""
BROKEN_HOOK = "http://127.0.0.1:1/hook/BrokenTok-h9-3c5a"  # refused: the failure path


def _sas(azurite, container: str) -> str:
    from azure.storage.blob import ContainerSasPermissions, generate_container_sas

    return generate_container_sas(
        azurite.account, container, account_key=azurite.account_key,
        permission=ContainerSasPermissions(read=True, write=True, list=True, create=True),
        expiry=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )  # fmt: skip


@pytest.mark.azurite
def test_no_secret_in_any_artefact_of_a_full_run(wastedump_db, azurite, tmp_path):
    from tests.fixtures_azurite import new_azure_store

    work = tmp_path / "work"
    work.mkdir()
    (work / "wdguard.toml").write_text(CONFIG)
    dsn = pgutil.dsn_for(wastedump_db.split("dbname=")[1].split()[0])
    params = dict(p.split("=", 1) for p in dsn.split())
    pg_url = (f"postgresql://{params['user']}:{PG_PASSWORD}@{params['host']}:"
              f"{params.get('port', '5432')}/{params['dbname']}")  # fmt: skip
    store = new_azure_store(azurite)
    sas = _sas(azurite, store.container)
    sig = dict(p.split("=", 1) for p in sas.split("&"))["sig"]
    sas_conn = f"BlobEndpoint={azurite.blob_endpoint};SharedAccessSignature={sas}"
    lake, out = tmp_path / "lake", tmp_path / "report"

    servers = {kind: Recorder() for kind in HOOK_TOKENS}
    outputs: dict[str, str] = {}
    try:
        for kind, rec in servers.items():
            rec.__enter__()
            rec.url = f"http://127.0.0.1:{rec.server.server_port}/hook/{HOOK_TOKENS[kind]}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "WDGUARD_"))}
        env |= {
            "WDGUARD_PG_DSN": pg_url,
            "WDGUARD_MONGO_URI": f"mongodb://app:{MONGO_PASSWORD}@127.0.0.1:1/?"
                                 "serverSelectionTimeoutMS=300",
            "AZURE_STORAGE_CONNECTION_STRING": azurite.connection_string,
            "WDGUARD_SLACK_WEBHOOK": servers["slack"].url,
            "WDGUARD_TEAMS_WEBHOOK": servers["teams"].url,
            "WDGUARD_ALERT_WEBHOOK": servers["webhook"].url,
            "WDGUARD_BROKEN_WEBHOOK": BROKEN_HOOK,
            "WDGUARD_AZURE_RETRIES": "0",
        }  # fmt: skip
        az = f"az://{store.container}/{store.prefix}"
        contracts = str(ROOT / "contracts")

        def run(*args: str, codes=(0, 1), **extra: str) -> None:
            proc = subprocess.run([WDGUARD, *args], capture_output=True, text=True, cwd=work,
                                  env=env | extra, timeout=120)  # fmt: skip
            name = f"{len(outputs) // 2}: wdguard {args[0]} {args[1]}"
            outputs.update({f"stdout {name}": proc.stdout, f"stderr {name}": proc.stderr})
            assert proc.returncode in codes, (args, proc.stdout[-2000:], proc.stderr)

        gen = ("lake", "generate", "--days", "3", "--rows", "0.05", "--contracts", contracts)
        run(*gen, "--out", str(lake))
        run(*gen, "--out", az)
        from wdguard.contracts.io import load_contracts
        from wdguard.sample.faults import inject

        inject("null_in_required", LocalStore(lake), DATE, load_contracts(contracts))
        check = ("check", "--date", DATE, "--contracts", contracts, "--quarantine")
        run(*check, "--lake", str(lake), "--format", "json")
        run(*check, "--lake", az, "--format", "junit")
        run(*check, "--lake", az, AZURE_STORAGE_CONNECTION_STRING=sas_conn)  # container SAS
        run("drift", "postgres", "--schema", str(pgutil.SCHEMA_PATH), "--format", "json")
        run("migrations", "status", "--dsn", pg_url, "-m", str(pgutil.MIGRATIONS_DIR))
        run("migrations", "lint", str(pgutil.MIGRATIONS_DIR), "--dsn", pg_url)
        run("drift", "mongo", "--db", "wastedump", "-c", contracts, codes=(2,))
        with silent_server() as port:  # every error path quotes its target, never the secret
            bad = pg_url.replace(params.get("port", "5432"), str(port)) + "?connect_timeout=1"
            run("migrations", "status", "--dsn", bad, "-m", str(pgutil.MIGRATIONS_DIR),
                codes=(2,))  # fmt: skip
        report = ("report", "nightly", "--lake", str(lake), "--date", DATE, "--days", "3",
                  "--dsn", pg_url, "-m", str(pgutil.MIGRATIONS_DIR), "-c", contracts)
        run(*report, "--out", str(out))
        run("alert", "test", codes=(1,))  # the broken target fails, the others deliver
    finally:
        for rec in servers.values():
            rec.__exit__(None, None, None)

    artefacts = dict(outputs)
    local = LocalStore(lake)
    for top in ("_wdguard", "quarantine"):
        for path in local.list(top):
            artefacts[f"lake:{path}"] = local.read_bytes(path).decode("latin-1")
        for path in store.list(top):
            artefacts[f"az:{path}"] = store.read_bytes(path).decode("latin-1")
    for path in sorted(out.rglob("*")):
        if path.is_file():
            artefacts[f"report:{path.name}"] = path.read_bytes().decode("latin-1")
    for kind, rec in servers.items():
        for i, got in enumerate(rec.received):
            artefacts[f"alert {kind} {i}"] = repr(got["body"]) + repr(got["headers"])
    store._cc.delete_container()

    # the round really exercised every artefact kind
    assert any(k.startswith("lake:_wdguard/runs/") for k in artefacts)
    assert any(k.startswith("az:_wdguard/audit/") for k in artefacts)
    assert any(k.startswith("lake:quarantine/") for k in artefacts)
    assert {"report:report.json", "report:report.md", "report:report.html"} <= set(artefacts)
    assert all(rec.received for rec in servers.values())

    secrets = {
        "postgres password": PG_PASSWORD,
        "mongo password": MONGO_PASSWORD,
        "account key": azurite.account_key,
        "account key (prefix)": azurite.account_key[:24],
        "SAS signature": sig,
        **{f"{kind} webhook": rec.url for kind, rec in servers.items()},
        **{f"{kind} webhook token": token for kind, token in HOOK_TOKENS.items()},
        "broken webhook": BROKEN_HOOK.rsplit("/", 1)[1],
    }
    leaks = [
        f"{name} in {where}"
        for name, secret in secrets.items()
        for where, text in artefacts.items()
        if secret in text or secret.replace("/", "%2F").replace("+", "%2B") in text
    ]
    assert not leaks, leaks
