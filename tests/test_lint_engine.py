"""Lint engine: positions, enum recreation, suppression, config, impact, parse errors."""

from __future__ import annotations

import pytest

from tests.test_lint_rules import HISTORY, RECREATE
from wdguard.contracts.model import Contract
from wdguard.drift.lint import LintConfig, lint, parse_migration_text
from wdguard.errors import InputError


def run(sql: str, **kwargs):
    history = parse_migration_text(HISTORY, "0_init.sql")
    target = parse_migration_text(sql, "1_change.sql")
    return lint([target], history=[history], **kwargs)


def test_location_is_first_keyword_after_comments_and_blank_lines() -> None:
    sql = "SET lock_timeout = '1s';\n\n-- AlterTable\n  /* x */ ALTER TABLE \"orders\" DROP COLUMN \"note\";\n"
    [f] = [f for f in run(sql).findings if f.code == "WDL002"]
    assert (f.file, f.line, f.col) == ("1_change.sql", 4, 11)
    assert f.location == "1_change.sql:4:11"


def test_prisma_enum_recreate_reports_removed_and_added_values() -> None:
    findings = run(RECREATE.format(values="'PENDING', 'PAID', 'DISPUTED'")).findings
    removed = [f for f in findings if f.code == "WDL006"]
    added = [f for f in findings if f.code == "WDL012"]
    assert [f.details["removed"] for f in removed] == [["REFUNDED"]]
    assert [f.details["added"] for f in added] == [["DISPUTED"]]
    assert removed[0].line == 7  # ALTER TYPE "OrderStatus_new" RENAME TO "OrderStatus"
    # the column's type swap to the recreated enum is not a type change for readers
    assert "WDL005" not in [f.code for f in findings]


def test_older_enum_recreate_order_rename_first_then_create() -> None:
    sql = (
        'ALTER TYPE "OrderStatus" RENAME TO "OrderStatus_old";\n'
        "CREATE TYPE \"OrderStatus\" AS ENUM ('PENDING', 'PAID');\n"
        'ALTER TABLE "orders" ALTER COLUMN "status" TYPE "OrderStatus" '
        'USING ("status"::text::"OrderStatus");\n'
        'DROP TYPE "OrderStatus_old";\n'
    )
    [f] = [f for f in run(sql).findings if f.code == "WDL006"]
    assert f.details["removed"] == ["REFUNDED"] and f.line == 2


def test_suppression_on_line_before_and_same_line() -> None:
    sql = (
        "-- wdguard-ignore: WDL002 column unused since v3\n"
        'ALTER TABLE "orders" DROP COLUMN "note";\n'
        'DROP TABLE "users"; -- wdguard-ignore: WDL001, WDL109 retired\n'
    )
    result = run(sql)
    assert {f.code for f in result.findings} == {"WDL109"}
    reasons = {f.code: f.details["suppressed"] for f in result.suppressed}
    assert reasons == {"WDL002": "column unused since v3", "WDL001": "retired"}


@pytest.mark.parametrize("comment", [
    "-- wdguard-ignore: WDL002", "-- wdguard-ignore: WDL002   ", "/* wdguard-ignore: WDL002 */",
    "-- wdguard-ignore: WDL002,WDL109",
])
def test_an_ignore_without_reason_is_refused_and_reported_once(comment: str) -> None:
    sql = f'{comment}\nALTER TABLE "orders" DROP COLUMN "note";\nSELECT 1;\n'
    result = run(sql)
    codes = [f.code for f in result.findings]
    assert "WDL002" in codes and result.suppressed == []
    refused = [f for f in result.findings if f.code == "WDL000"]
    assert refused and all(f.line == 1 and f.severity == "error" for f in refused)
    assert len({f.details["ignored_code"] for f in refused}) == len(refused)


def test_a_reasonless_ignore_before_two_statements_is_reported_once_each_code() -> None:
    """A trailing comment applies to its statement and to the next one: one WDL000 per
    comment and code, and a later comment's code is still reported."""
    sql = ('ALTER TABLE "orders" DROP COLUMN "note"; -- wdguard-ignore: WDL002\n'
           'DROP TABLE "users"; -- wdguard-ignore: WDL001\n')
    refused = [(f.line, f.details["ignored_code"]) for f in run(sql).findings
               if f.code == "WDL000"]
    assert refused == [(1, "WDL002"), (2, "WDL001")]


def test_suppression_of_another_code_does_not_hide_the_finding() -> None:
    sql = '-- wdguard-ignore: WDL101 wrong code\nALTER TABLE "orders" DROP COLUMN "note";\n'
    assert "WDL002" in [f.code for f in run(sql).findings]


def test_suppression_does_not_leak_to_later_statements() -> None:
    sql = (
        "-- wdguard-ignore: WDL002 this one only\n"
        'ALTER TABLE "orders" DROP COLUMN "note";\n\n'
        'ALTER TABLE "orders" DROP COLUMN "quantity";\n'
    )
    assert [f.column for f in run(sql).findings if f.code == "WDL002"] == ["quantity"]


def test_config_disables_and_changes_severity() -> None:
    config = LintConfig.from_table({"disable": ["WDL109"], "severity": {"WDL002": "warning"}})
    findings = run('ALTER TABLE "orders" DROP COLUMN "note";', config=config).findings
    assert [(f.code, f.severity) for f in findings] == [("WDL002", "warning")]


@pytest.mark.parametrize(
    "table, needle",
    [
        ({"disable": ["WDL999"]}, "unknown rule code 'WDL999'"),
        ({"severity": {"WDL002": "fatal"}}, "severity of WDL002"),
        ({"disabled": ["WDL002"]}, "unknown key"),
        ({"disable": "WDL002"}, "must be a list"),
    ],
)
def test_bad_config_is_an_input_error(table: dict, needle: str) -> None:
    with pytest.raises(InputError) as exc:
        LintConfig.from_table(table, where="wdguard.toml")
    assert needle in exc.value.one_line() and exc.value.one_line().startswith("wdguard.toml:")


def test_syntax_error_names_file_line_and_column() -> None:
    with pytest.raises(InputError) as exc:
        parse_migration_text('SELECT 1;\nALTER TABLE "orders" ADD COLUMN;\n', "m/migration.sql")
    assert exc.value.one_line() == 'm/migration.sql:2:32: syntax error at or near ";"'


def _contract(name: str, table: str, columns: dict, consumers: list[str], **kw) -> Contract:
    return Contract.model_validate(
        {
            "contract": name,
            "source": {"kind": "postgres", "schema": "public", "table": table},
            "columns": columns,
            "consumers": consumers,
            **kw,
        }
    )


CONTRACTS = [
    _contract(
        "Order",
        "orders",
        {
            "id": {"type": "uuid", "nullable": False},
            "user_id": {"type": "uuid", "nullable": False},
            "status": {
                "type": "enum",
                "values": ["PENDING", "PAID", "REFUNDED"],
                "enum_name": "OrderStatus",
            },
            "quantity": {"type": "integer", "nullable": False},
            "note": {"type": "string"},
        },
        ["FactOrders"],
        primary_key=["id"],
    ),
    _contract("User", "users", {"id": {"type": "uuid", "nullable": False}}, ["DimUsers"]),
]


def test_impact_names_contracts_gold_tables_and_contract_changes() -> None:
    findings = run(
        'ALTER TABLE "orders" DROP COLUMN "note";\n'
        + RECREATE.format(values="'PENDING', 'PAID'"),
        contracts=CONTRACTS,
    ).findings
    dropped = next(f for f in findings if f.code == "WDL002")
    assert dropped.details["contracts"] == ["Order"]
    assert dropped.details["consumers"] == ["FactOrders"]
    assert dropped.details["contract_changes"] == ["Order: - columns.note"]
    removed = next(f for f in findings if f.code == "WDL006")
    assert removed.details["contract_changes"] == ["Order: ~ columns.status.values: -REFUNDED"]


def test_not_null_dropped_is_an_error_only_when_a_contract_relies_on_it() -> None:
    sql = 'ALTER TABLE "orders" ALTER COLUMN "quantity" DROP NOT NULL;'
    [relied] = [f for f in run(sql, contracts=CONTRACTS).findings if f.code == "WDL009"]
    [free] = [f for f in run(sql).findings if f.code == "WDL009"]
    assert (relied.severity, free.severity) == ("error", "warning")
    assert relied.details["contract_changes"] == ["Order: ~ columns.quantity.nullable: false -> true"]


def test_primary_key_replaced_shows_the_key_change() -> None:
    sql = (
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey", '
        'ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id", "user_id");'
    )
    [f] = [f for f in run(sql, contracts=CONTRACTS).findings if f.code == "WDL008"]
    assert f.details["contract_changes"] == ["Order: ~ primary_key: [id] -> [id, user_id]"]


def test_tables_created_in_the_same_file_are_not_existing() -> None:
    sql = (
        'CREATE TABLE "carts" ("id" UUID NOT NULL);\n'
        'CREATE INDEX "carts_id_idx" ON "carts"("id");\n'
        'ALTER TABLE "carts" ADD COLUMN "user_id" UUID NOT NULL;\n'
        'ALTER TABLE "carts" ADD CONSTRAINT "carts_user_fkey" FOREIGN KEY ("user_id") '
        'REFERENCES "users"("id");\n'
    )
    assert [f.code for f in run(sql).findings] == ["WDL010"]


ODDITIES = """
CREATE TABLE "copy" (LIKE "orders" INCLUDING ALL);
CREATE TABLE "snap" AS SELECT * FROM "orders";
CREATE VIEW "v" AS SELECT 1 AS x;
DROP VIEW "v";
DROP FUNCTION IF EXISTS f(int);
ALTER INDEX "users_phone_idx" RENAME TO "users_phone_ix";
ALTER TABLE ONLY "public"."orders" ADD CONSTRAINT "ex" EXCLUDE USING gist ("id" WITH =);
ALTER TABLE IF EXISTS "orders" ALTER COLUMN "note" SET STATISTICS 100;
ALTER TYPE "OrderStatus" ADD VALUE IF NOT EXISTS 'X' BEFORE 'PAID';
COMMENT ON TABLE "orders" IS 'x';
GRANT SELECT ON "orders" TO PUBLIC;
INSERT INTO "orders" ("id") VALUES (gen_random_uuid());
UPDATE "orders" SET "note" = NULL WHERE false;
DO $$ BEGIN PERFORM 1; END $$;
CREATE EXTENSION IF NOT EXISTS "pgcrypto";
ALTER TABLE "orders" ALTER COLUMN "id" ADD GENERATED ALWAYS AS IDENTITY;
CREATE SEQUENCE "s";
DROP TYPE IF EXISTS "nothing";
ROLLBACK;
"""


def test_unusual_statements_do_not_crash_and_empty_files_lint_clean() -> None:
    findings = run(ODDITIES).findings
    assert "WDL116" in [f.code for f in findings]  # the stray ROLLBACK
    # renaming an index is not a table lock: the first lock is the ADD CONSTRAINT
    timeout = next(f for f in findings if f.code == "WDL109")
    assert timeout.line == 8 and timeout.object == "orders"
    assert run("").findings == [] and run("-- This is an empty migration.\n").findings == []
