"""One case per secret shape the redactor hides, through a real command's output.

`wdguard drift postgres --dsn ...` is run in-process (so the redactor under test is the
one the command uses) with a lake for its audit entry. Each secret is pasted where a user
pastes it, in `--dsn`; the command fails (nothing listens on port 1, or the string is no
DSN), echoes what it was given in its error line and records it in the audit entry. The
secret must be in neither; the mask must be, so the text did go through the output.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wdguard.audit import read_entries
from wdguard.cli import app
from wdguard.lake.storage import LocalStore
from wdguard.redact import MASK, redact, redact_text

ROOT = Path(__file__).resolve().parents[1]

SHAPES = [
    # (what, --dsn value, the secret, what the output shows instead)
    ("URL password", "postgresql://app:UrlPw-h17-1@127.0.0.1:1/wd", "UrlPw-h17-1",
     "postgresql://app:***@127.0.0.1:1/wd"),
    ("mongo URL password", "mongodb+srv://reader:MgPw-h17-2@cluster0.example.net/wd",
     "MgPw-h17-2", "mongodb+srv://reader:***@cluster0.example.net/wd"),
    ("libpq password=", "host=127.0.0.1 port=1 user=app password=KvPw-h17-3 dbname=wd",
     "KvPw-h17-3", "password=*** dbname=wd"),
    ("libpq quoted password", "host=127.0.0.1 port=1 user=app password='Kv Pw h17 4' dbname=wd",
     "Pw h17 4", "password=*** dbname=wd"),
    ("AccountKey=", "DefaultEndpointsProtocol=http;AccountName=dev;AccountKey=AzKey+h17/5==;"
     "BlobEndpoint=http://127.0.0.1:1/dev", "AzKey+h17/5", "AccountKey=***;BlobEndpoint"),
    ("SAS sig=", "https://acct.blob.core.windows.net/c?sv=2024-08-04&sp=rl&sig=SasSig%2Bh17%3D&se=1",
     "SasSig%2Bh17", "&sig=***&se=1"),
    ("SharedAccessSignature=", "BlobEndpoint=http://127.0.0.1:1/dev;"
     "SharedAccessSignature=sv=2024&sig=Sas2-h17-7", "Sas2-h17-7", "SharedAccessSignature=***"),
    ("bearer token", "Authorization: Bearer eyJhbGciOi.h17-8.sIgNaTuRe", "eyJhbGciOi.h17-8",
     "Bearer ***"),
    ("Slack webhook path", "https://hooks.slack.com/services/T01/B02/SlackTok-h17-9",
     "SlackTok-h17-9", "https://hooks.slack.com/***"),
    ("Teams webhook path", "https://contoso.webhook.office.com/webhookb2/TeamsTok-h17-10",
     "TeamsTok-h17-10", "https://contoso.webhook.office.com/***"),
    ("Logic Apps webhook path",
     "https://prod-01.westeurope.logic.azure.com:443/workflows/x/triggers?sp=%2Ftriggers&sig=x"
     "&code=LaTok-h17-11", "LaTok-h17-11", "https://prod-01.westeurope.logic.azure.com:443/***"),
    ("api key", "https://api.example.com/hook?api_key=ApiKey-h17-12&x=1", "ApiKey-h17-12",
     "api_key=***&x=1"),
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "contracts", tmp_path / "contracts")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WDGUARD_LAKE", str(tmp_path / "lake"))
    (tmp_path / "lake").mkdir()
    return tmp_path


@pytest.mark.parametrize("what,dsn,secret,shown", SHAPES, ids=[s[0] for s in SHAPES])
def test_secret_shape_never_leaves_a_failing_command(workdir, what, dsn, secret, shown):
    res = CliRunner().invoke(app, ["drift", "postgres", "--dsn", dsn])
    assert res.exit_code == 2, res.output
    out = res.output + (res.stderr if res.stderr_bytes is not None else "")
    [entry] = read_entries(LocalStore(workdir / "lake"))
    recorded = json.dumps(entry)
    assert secret not in out, out
    assert secret not in recorded
    assert entry["exit_code"] == 2 and entry["command"] == "drift postgres"
    assert entry["inputs"]["dsn"] == redact_text(dsn)
    assert shown in entry["inputs"]["dsn"], entry["inputs"]["dsn"]
    assert entry["error"] and secret not in entry["error"]


@pytest.mark.parametrize("what,dsn,secret,shown", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_shape_is_masked_in_place_and_the_rest_kept(what, dsn, secret, shown):
    text = f"before {dsn} after"
    out = redact_text(text)
    assert secret not in out and shown in out
    assert out.startswith("before ") and out.endswith(" after")


def test_text_without_secrets_is_unchanged():
    for text in ("host=db port=5432 user=app dbname=wd", "https://example.com/a?b=c&d=e",
                 "postgresql://app@db/wd", "the password is checked", "sig", "token: none",
                 "signature=abc", "tokens=3", "Bearer"):
        assert redact_text(text) == text, text


def test_key_names_are_matched_whole_and_case_insensitively():
    assert redact_text("PASSWORD=Hunter2") == "PASSWORD=***"
    assert redact_text("Pwd = Hunter2;x=1") == "Pwd = ***;x=1"
    assert redact_text("mysig=abc") == "mysig=abc"  # `sig` only as a whole key
    assert redact_text("client_secret=abc&aws_session_token=def") == (
        "client_secret=***&aws_session_token=***")
    assert redact_text("passwd=a token=b access_token=c apikey=d secret=e") == (
        "passwd=*** token=*** access_token=*** apikey=*** secret=***")
    assert redact_text("https://u:p@h/ and ftp://v:q@k/") == "https://u:***@h/ and ftp://v:***@k/"
    # the gate's lake URL goes through the same redactor: `account_key=` as adlfs spells it
    assert redact_text("abfss://c@acct.dfs.core.windows.net/lake?account_key=K3y&x=1") == (
        "abfss://c@acct.dfs.core.windows.net/lake?account_key=***&x=1")


def test_structured_values_mask_secret_keys_and_scan_the_rest():
    doc = {"password": "hunter2", "webhook_url": "x", "api-key": "k", "AccountKey": "a",
           "note": "dsn postgresql://u:pw@h/db", "items": ["password=z", 3, None],
           "token": "", "nested": {"client_secret": "s", "n": 1}, "tuple": ("sig=q",)}
    assert redact(doc) == {
        "password": MASK, "webhook_url": MASK, "api-key": "k", "AccountKey": MASK,
        "note": "dsn postgresql://u:***@h/db", "items": ["password=***", 3, None],
        "token": "", "nested": {"client_secret": MASK, "n": 1}, "tuple": ["sig=***"],
    }
