"""The Python API against real components: drift_postgres on the test PostgreSQL (the
docs' example that needs a live database), and the API and the CLI agreeing."""

from __future__ import annotations

import json

import psycopg
import pytest
from typer.testing import CliRunner

import wdguard
from tests import pgutil
from wdguard.cli import app

SCHEMA = pgutil.SCHEMA_PATH
MIGRATIONS = pgutil.MIGRATIONS_DIR


@pytest.mark.postgres
def test_drift_postgres_returns_the_findings_the_cli_prints(wastedump_db, capsys):
    with psycopg.connect(wastedump_db, autocommit=True) as conn:
        conn.execute('ALTER TABLE "orders" DROP COLUMN "notes"')
    drift = wdguard.drift_postgres(wastedump_db, schema=SCHEMA, migrations=MIGRATIONS)
    assert capsys.readouterr() == ("", "")
    assert drift.exit_code == 1
    dropped = [f for f in drift.findings if f.object == "orders" and f.column == "notes"]
    assert dropped and dropped[0].severity == "error"
    assert drift.history is not None and drift.history.head == "20240910100000_merchant_rating"
    cli = CliRunner().invoke(app, ["drift", "postgres", "--dsn", wastedump_db, "--schema",
                                   str(SCHEMA), "--migrations", str(MIGRATIONS), "-f", "json"])
    assert cli.exit_code == 1
    assert json.loads(cli.stdout)["findings"] == drift.to_dict()["findings"]


def test_drift_postgres_without_a_dsn_is_an_input_error(monkeypatch):
    monkeypatch.delenv("WDGUARD_PG_DSN", raising=False)
    with pytest.raises(wdguard.InputError) as err:
        wdguard.drift_postgres(schema=SCHEMA)
    assert "no database given" in err.value.one_line()


def test_lint_api_and_cli_agree(tmp_path):
    lint = wdguard.lint_migrations([MIGRATIONS], schema=SCHEMA)
    cli = CliRunner().invoke(app, ["migrations", "lint", str(MIGRATIONS), "--schema", str(SCHEMA),
                                   "-f", "json"])
    data = json.loads(cli.stdout)
    assert [f["code"] for f in data["findings"]] == [f.code for f in lint.findings]
    assert cli.exit_code == (1 if any(f.severity == "error" for f in lint.findings) else 0)
