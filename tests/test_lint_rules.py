"""Every lint rule fires on its anti-pattern and stays quiet on the close, safe variant.

Each case lints one migration after replaying HISTORY (an earlier migration creating
the tables, enum, indexes and constraints the case touches), as the CLI does for a
Prisma folder.
"""

from __future__ import annotations

import re

import pytest

from wdguard.drift.lint import lint, lint_rules, parse_migration_text

HISTORY = """
CREATE TYPE "OrderStatus" AS ENUM ('PENDING', 'PAID', 'REFUNDED');
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "phone" VARCHAR(32),
    "full_name" TEXT NOT NULL,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE INDEX "users_phone_idx" ON "users"("phone");
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'PENDING',
    "total" DECIMAL(10,2) NOT NULL,
    "note" TEXT,
    "quantity" INTEGER NOT NULL,
    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey"
    FOREIGN KEY ("user_id") REFERENCES "users"("id");
CREATE TABLE "events" ("id" BIGINT, "at" DATE) PARTITION BY RANGE ("at");
"""

# Prisma's enum recreation, with the new value list as a parameter
RECREATE = """BEGIN;
CREATE TYPE "OrderStatus_new" AS ENUM ({values});
ALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "orders" ALTER COLUMN "status" TYPE "OrderStatus_new"
    USING ("status"::text::"OrderStatus_new");
ALTER TYPE "OrderStatus" RENAME TO "OrderStatus_old";
ALTER TYPE "OrderStatus_new" RENAME TO "OrderStatus";
DROP TYPE "OrderStatus_old";
ALTER TABLE "orders" ALTER COLUMN "status" SET DEFAULT 'PENDING';
COMMIT;
"""

CASES: dict[str, tuple[str, str]] = {
    # code: (fires, does not fire)
    "WDL000": (
        '-- wdguard-ignore: WDL002\nALTER TABLE "orders" DROP COLUMN "note";',
        '-- wdguard-ignore: WDL002 unused since v3\nALTER TABLE "orders" DROP COLUMN "note";',
    ),
    "WDL001": ('DROP TABLE "orders";', 'CREATE TABLE "tmp" ("a" INT);\nDROP TABLE "tmp";'),
    "WDL002": (
        'ALTER TABLE "orders" DROP COLUMN "note";',
        'ALTER TABLE "orders" ADD COLUMN "x" TEXT;',
    ),
    "WDL003": (
        'ALTER TABLE "orders" RENAME TO "purchases";',
        'CREATE TABLE "t" ("a" INT);\nALTER TABLE "t" RENAME TO "u";',
    ),
    "WDL004": (
        'ALTER TABLE "users" RENAME COLUMN "full_name" TO "name";',
        'ALTER TABLE "users" RENAME CONSTRAINT "users_pkey" TO "users_pk";',
    ),
    "WDL005": (
        'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE TEXT;',
        'ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE VARCHAR(64);',
    ),
    "WDL006": (
        RECREATE.format(values="'PENDING', 'PAID'"),
        RECREATE.format(values="'PENDING', 'PAID', 'REFUNDED', 'DISPUTED'"),
    ),
    "WDL007": (
        "ALTER TYPE \"OrderStatus\" RENAME VALUE 'PAID' TO 'SETTLED';",
        "ALTER TYPE \"OrderStatus\" ADD VALUE 'SETTLED';",
    ),
    "WDL008": ('DROP INDEX "users_email_key";', 'DROP INDEX "users_phone_idx";'),
    "WDL009": (
        'ALTER TABLE "orders" ALTER COLUMN "quantity" DROP NOT NULL;',
        'ALTER TABLE "orders" ALTER COLUMN "quantity" SET DEFAULT 1;',
    ),
    "WDL010": ('CREATE TABLE "refunds" ("id" UUID);', 'ALTER TABLE "orders" ADD COLUMN "x" TEXT;'),
    "WDL011": (
        'ALTER TABLE "orders" ADD COLUMN "x" TEXT;',
        'ALTER TABLE "orders" ADD COLUMN "x" TEXT NOT NULL;',
    ),
    "WDL012": (
        "ALTER TYPE \"OrderStatus\" ADD VALUE 'DISPUTED';",
        RECREATE.format(values="'PENDING', 'PAID'"),
    ),
    "WDL013": ('DROP SCHEMA "archive" CASCADE;', 'CREATE SCHEMA "archive";'),
    "WDL014": (
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_fkey";',
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey", '
        'ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id");',
    ),
    "WDL101": (
        'CREATE INDEX "orders_note_idx" ON "orders"("note");',
        'CREATE INDEX CONCURRENTLY "orders_note_idx" ON "orders"("note");',
    ),
    "WDL102": ('DROP INDEX "users_phone_idx";', 'DROP INDEX CONCURRENTLY "users_phone_idx";'),
    "WDL103": (
        'ALTER TABLE "orders" ADD COLUMN "currency" CHAR(3) NOT NULL;',
        "ALTER TABLE \"orders\" ADD COLUMN \"currency\" CHAR(3) NOT NULL DEFAULT 'KES';",
    ),
    "WDL104": (
        'ALTER TABLE "orders" ALTER COLUMN "note" SET NOT NULL;',
        'CREATE TABLE "t" ("a" INT);\nALTER TABLE "t" ALTER COLUMN "a" SET NOT NULL;',
    ),
    "WDL105": (
        'ALTER TABLE "orders" ALTER COLUMN "quantity" SET DATA TYPE BIGINT;',
        'ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE VARCHAR(64);',
    ),
    "WDL106": (
        'ALTER TABLE "orders" ADD COLUMN "public_id" UUID DEFAULT gen_random_uuid();',
        'ALTER TABLE "orders" ADD COLUMN "seen_at" TIMESTAMP(3) DEFAULT now();',
    ),
    "WDL107": (
        'ALTER TABLE "orders" ADD CONSTRAINT "qty_positive" CHECK ("quantity" > 0);',
        'ALTER TABLE "orders" ADD CONSTRAINT "qty_positive" CHECK ("quantity" > 0) NOT VALID;',
    ),
    "WDL108": (
        'ALTER TABLE "users" ADD CONSTRAINT "users_phone_key" UNIQUE ("phone");',
        'ALTER TABLE "users" ADD CONSTRAINT "users_phone_key" UNIQUE USING INDEX "users_phone_idx";',
    ),
    "WDL109": (
        'ALTER TABLE "orders" ADD COLUMN "x" TEXT;',
        "SET lock_timeout = '2s';\nALTER TABLE \"orders\" ADD COLUMN \"x\" TEXT;",
    ),
    "WDL110": ('TRUNCATE "orders" CASCADE;', 'TRUNCATE "orders";'),
    "WDL111": (
        'ALTER TABLE "orders" ADD COLUMN "seq" BIGSERIAL;',
        'ALTER TABLE "orders" ADD COLUMN "seq" BIGINT;',
    ),
    "WDL112": ('VACUUM FULL "orders";', 'REINDEX TABLE CONCURRENTLY "orders";'),
    "WDL113": (
        'BEGIN;\nCREATE INDEX CONCURRENTLY "i" ON "orders"("note");\nCOMMIT;',
        'CREATE INDEX CONCURRENTLY "i" ON "orders"("note");',
    ),
    "WDL114": (
        'CREATE DOMAIN "amount" AS NUMERIC CHECK (VALUE >= 0);',
        'CREATE DOMAIN "amount" AS NUMERIC;',
    ),
    "WDL115": (
        'ALTER TABLE "events" DETACH PARTITION "events_2024";',
        'ALTER TABLE "events" DETACH PARTITION "events_2024" CONCURRENTLY;',
    ),
    "WDL116": ("BEGIN;\nBEGIN;\nSELECT 1;\nCOMMIT;", "BEGIN;\nSELECT 1;\nCOMMIT;"),
}


def codes_for(sql: str) -> list[str]:
    history = parse_migration_text(HISTORY, "0_init.sql")
    target = parse_migration_text(sql, "1_change.sql")
    return [f.code for f in lint([target], history=[history]).findings]


def test_every_lint_rule_has_cases() -> None:
    """Rules judged from one statement; the live-data rules (WDL2xx, tests/test_lint_live.py)
    and schema vs migrations (WDL020, tests/test_lint_schema_sync.py) have their own."""
    static = [r.code for r in lint_rules()
              if not getattr(r, "live_only", False) and r.code != "WDL020"]
    assert sorted(CASES) == sorted(static)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires(code: str) -> None:
    assert code in codes_for(CASES[code][0])


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_quiet_on_safe_variant(code: str) -> None:
    assert code not in codes_for(CASES[code][1])


def test_every_rule_is_documented() -> None:
    for rule in lint_rules():
        doc = rule.__doc__ or ""
        assert rule.summary(), rule.code
        assert "**Anti-pattern**" in doc and "**Best practice**" in doc, rule.code
        assert re.fullmatch(r"WDL\d{3}", rule.code) and rule.family == "lint"
        assert re.fullmatch(r"[a-z_]+(\.[a-z_]+)*", rule.name), rule.name


@pytest.mark.parametrize("typ", ["SERIAL", "SERIAL4", "SERIAL8", "BIGSERIAL", "SMALLSERIAL"])
def test_serial_not_null_column_is_generated_not_required_without_default(typ: str) -> None:
    codes = codes_for(f'ALTER TABLE "orders" ADD COLUMN "seq" {typ} NOT NULL;')
    assert "WDL111" in codes and "WDL103" not in codes
