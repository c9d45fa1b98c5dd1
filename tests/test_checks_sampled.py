"""Facts learnt from a Mongo sample warn; declared facts fail the gate.

A Mongo contract's enum values are the values the sample happened to hold, and its
`nullable: false` may rest on a field present in 99% of the sample. A new app version
string or a rare document without the field must not close the gate unless a reviewer
declared the fact (column `severity`, or `accepted_values`).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from tests.gate_helpers import write_contracts, write_partition
from wdguard.checks.derive import specs_for
from wdguard.contracts.io import parse_contract_text
from wdguard.gate import run_gate

DATE = "2026-11-20"

ACTIVITY = """\
contract: UserActivity
source: {kind: mongodb, database: wastedump, collection: user_activities}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false, unique: true, presence: 1.0}
  app_version: {type: enum, nullable: false, values: ['3.9', '4.0'], presence: 1.0}
  channel: {type: enum, nullable: false, values: [app, web], presence: 0.995}
  kind: {type: string, nullable: false, accepted_values: [login, order], presence: 1.0}
  platform: {type: enum, values: [ios, android], severity: error, presence: 1.0}
"""


def _severities(text: str) -> dict[tuple[str, str], str]:
    contract = parse_contract_text(text, "UserActivity.yaml")
    return {(s.column, s.check): s.severity for s in specs_for(contract, "silver") if s.column}


def test_sampled_facts_warn_and_declared_facts_fail():
    sev = _severities(ACTIVITY)
    assert sev[("app_version", "in_values")] == "warn"  # values only seen in a sample
    assert sev[("channel", "not_null")] == "warn"  # present in 99.5% of the sample
    assert sev[("app_version", "not_null")] == "error"  # present in every sampled document
    assert sev[("kind", "in_values")] == "error"  # accepted_values: declared by a reviewer
    assert sev[("platform", "in_values")] == "error"  # severity set by a reviewer


def test_postgres_enums_stay_errors():
    text = ACTIVITY.replace("kind: mongodb, database: wastedump, collection: user_activities",
                            "kind: postgres, table: user_activities")
    assert _severities(text)[("app_version", "in_values")] == "error"


def test_new_app_version_warns_but_gate_passes(local_lake, tmp_path):
    contracts = write_contracts(tmp_path / "contracts", ACTIVITY)
    df = pl.DataFrame(
        {
            "_id": ["a", "b", "c"],
            "app_version": ["4.0", "4.1", "3.9"],  # 4.1 shipped after the contract was sampled
            "channel": ["app", None, "web"],  # a rare document without the field
            "kind": ["login", "order", "login"],
            "platform": ["ios", "android", "ios"],
        }
    )
    write_partition(local_lake, "silver", "user_activities", df, date=DATE, source="mongodb",
                    extracted_at=dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC))
    record = run_gate(local_lake, DATE, layers=["silver"], contracts_dir=contracts)
    warned = {(c.column, c.check) for c in record.checks if c.status == "fail"}
    assert ("app_version", "in_values") in warned and ("channel", "not_null") in warned
    assert (record.verdict, record.exit_code) == ("pass", 0)
    assert record.summary.failed_warn >= 2 and record.summary.failed_error == 0

    # a value outside what a reviewer declared does close the gate
    bad = df.with_columns(pl.Series("kind", ["login", "refund", "login"]))
    write_partition(local_lake, "silver", "user_activities", bad, date="2026-11-21",
                    source="mongodb", extracted_at=dt.datetime(2026, 11, 21, 2, tzinfo=dt.UTC))
    record = run_gate(local_lake, "2026-11-21", layers=["silver"], contracts_dir=contracts)
    assert record.exit_code == 1
    assert any(c.column == "kind" and c.check == "in_values" and c.severity == "error"
               for c in record.checks if c.status == "fail")
