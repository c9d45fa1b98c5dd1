"""Lint rules at their edges: the statement that fires and the one a step away that does
not, with the exact findings (code, table, column, message, details) each produces; and
every rule's anti-pattern finding in full (message and help included) against
`lint_cases.golden.json`, reviewed by hand. Regenerate that file after an intended
wording change with WDGUARD_UPDATE_GOLDEN=1.

Found while writing these: `SET lock_timeout = 0` (which disables the timeout) silenced
WDL109 (fixed, cases below); `DROP INDEX IF EXISTS` of an index the history does not know
made WDL109 name the index as a table (fixed: its table is unknown, so WDL109 is not
reported; WDL102 still is).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.test_lint_rules import CASES, HISTORY
from wdguard.contracts.model import contract_from_dict
from wdguard.drift.lint import lint, parse_migration_text

GOLDEN = Path(__file__).with_name("lint_cases.golden.json")


# the contracts of HISTORY's tables, so each pipeline finding also says what it changes
CONTRACTS = [
    contract_from_dict({
        "contract": "Order", "source": {"kind": "postgres", "table": "orders"},
        "primary_key": ["id"], "consumers": ["FactOrders"],
        "columns": {
            "id": {"type": "uuid", "nullable": False},
            "user_id": {"type": "uuid", "nullable": False, "references": "User.id"},
            "status": {"type": "enum", "nullable": False, "enum_name": "OrderStatus",
                       "values": ["PENDING", "PAID", "REFUNDED"]},
            "total": {"type": "decimal", "nullable": False, "precision": 10, "scale": 2},
            "note": {"type": "string"},
            "quantity": {"type": "integer", "nullable": False},
        },
    }),
    contract_from_dict({
        "contract": "User", "source": {"kind": "postgres", "table": "users"},
        "primary_key": ["id"], "consumers": ["DimUser"],
        "columns": {
            "id": {"type": "uuid", "nullable": False},
            "email": {"type": "string", "nullable": False, "unique": True},
            "phone": {"type": "string"},
            "full_name": {"type": "string", "nullable": False},
        },
    }),
]


def findings(sql: str, contracts=None):
    history = parse_migration_text(HISTORY, "0_init.sql")
    return lint([parse_migration_text(sql, "1_change.sql")], history=[history],
                contracts=contracts).findings


EDGES: list[tuple[str, list[tuple]]] = [
    (
        'ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE TEXT;',
        [
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE VARCHAR(32);',
        [
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE VARCHAR(16);',
        [
            ('WDL105', 'users', 'phone', 'changing users.phone to varchar rewrites the table under an exclusive lock'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE DECIMAL(12,2);',
        [
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE DECIMAL(12,3);',
        [
            ('WDL105', 'orders', 'total', 'changing orders.total to numeric rewrites the table under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE DECIMAL(9,2);',
        [
            ('WDL105', 'orders', 'total', 'changing orders.total to numeric rewrites the table under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "note" SET DATA TYPE VARCHAR(10);',
        [
            ('WDL105', 'orders', 'note', 'changing orders.note to varchar rewrites the table under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT);\nALTER TABLE "t" ALTER COLUMN "a" SET DATA TYPE BIGINT;',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    (
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey";',
        [
            ('WDL008', 'orders', None, 'primary key orders_pkey of orders is dropped', {'key': 'primary'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey", ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id", "user_id");',
        [
            ('WDL008', 'orders', None, 'primary key of orders is replaced by (id, user_id)', {'key': 'primary', 'new': ['id', 'user_id']}),
            ('WDL108', 'orders', None, 'primary key orders_pkey on orders builds its index under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "users" ADD CONSTRAINT "u_key" UNIQUE ("phone");\nALTER TABLE "users" DROP CONSTRAINT "u_key";',
        [
            ('WDL108', 'users', None, 'unique constraint u_key on users builds its index under an exclusive lock'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
            ('WDL008', 'users', None, 'unique constraint u_key on users is dropped', {'key': 'unique'}),
        ],
    ),
    (
        'ALTER TABLE "orders" DROP CONSTRAINT "orders_user_id_fkey";',
        [
            ('WDL014', 'orders', None, 'foreign key orders_user_id_fkey of orders is dropped', {'constraint': 'orders_user_id_fkey'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'DROP INDEX "users_phone_idx";',
        [
            ('WDL102', 'users', None, 'dropping index users_phone_idx locks its table against reads and writes'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT, CONSTRAINT "t_pkey" PRIMARY KEY ("a"));\nALTER TABLE "t" DROP CONSTRAINT "t_pkey";',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "c" INT NOT NULL DEFAULT 0;',
        [
            ('WDL011', 'orders', 'c', 'column orders.c is added'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "c" INT NOT NULL GENERATED ALWAYS AS IDENTITY;',
        [
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
            ('WDL111', 'orders', 'c', 'generated column orders.c fills every row: table rewrite'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT);\nALTER TABLE "t" ADD COLUMN "c" INT NOT NULL;',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "c" INT DEFAULT 0;',
        [
            ('WDL011', 'orders', 'c', 'column orders.c is added'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "note" DROP NOT NULL;',
        [
            ('WDL009', 'orders', 'note', 'column orders.note becomes nullable'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT NOT NULL);\nALTER TABLE "t" ALTER COLUMN "a" DROP NOT NULL;',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    (
        'SET statement_timeout = \'5s\';\nALTER TABLE "orders" ADD COLUMN "x" TEXT;',
        [
            ('WDL011', 'orders', 'x', 'column orders.x is added'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "x" TEXT;\nSET lock_timeout = \'2s\';',
        [
            ('WDL011', 'orders', 'x', 'column orders.x is added'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT);\nALTER TABLE "t" ADD COLUMN "x" TEXT;',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    (
        'BEGIN;\nDROP INDEX CONCURRENTLY "users_phone_idx";\nCOMMIT;',
        [
            ('WDL113', None, None, 'CONCURRENTLY inside BEGIN ... COMMIT: PostgreSQL will refuse it in a transaction'),
        ],
    ),
    (
        'BEGIN;\nSELECT 1;\nCOMMIT;\nCREATE INDEX CONCURRENTLY "i" ON "orders"("note");',
        [
            ('WDL113', None, None, 'CONCURRENTLY with other statements: PostgreSQL will refuse it in a transaction'),
        ],
    ),
    (
        'BEGIN;\nSELECT 1;\nBEGIN;\nCOMMIT;\nCOMMIT;',
        [
            ('WDL116', None, None, 'BEGIN inside an open transaction'),
            ('WDL116', None, None, 'COMMIT/ROLLBACK without an open transaction'),
        ],
    ),
    (
        'START TRANSACTION;\nBEGIN;\nCOMMIT;',
        [
            ('WDL116', None, None, 'BEGIN inside an open transaction'),
        ],
    ),
    (
        'COMMIT;',
        [
            ('WDL116', None, None, 'COMMIT/ROLLBACK without an open transaction'),
        ],
    ),
    (
        'CREATE UNIQUE INDEX "orders_note_key" ON "orders"("note");',
        [
            ('WDL101', 'orders', None, 'unique index orders_note_key on existing table orders blocks writes while it builds'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT);\nCREATE INDEX "t_a" ON "t"("a");',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "r" FLOAT DEFAULT random();',
        [
            ('WDL011', 'orders', 'r', 'column orders.r is added'),
            ('WDL106', 'orders', 'r', 'default random() on new column orders.r rewrites the table'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "at" TIMESTAMP DEFAULT clock_timestamp();',
        [
            ('WDL011', 'orders', 'at', 'column orders.at is added'),
            ('WDL106', 'orders', 'at', 'default clock_timestamp() on new column orders.at rewrites the table'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "n" INT DEFAULT 1;',
        [
            ('WDL011', 'orders', 'n', 'column orders.n is added'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD CONSTRAINT "fk2" FOREIGN KEY ("user_id") REFERENCES "users"("id");',
        [
            ('WDL107', 'orders', None, 'foreign key fk2 on orders validates every row under a lock that blocks writes'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD CONSTRAINT "fk2" FOREIGN KEY ("user_id") REFERENCES "users"("id") NOT VALID;',
        [
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "quantity" SET NOT NULL;',
        [
            ('WDL104', 'orders', 'quantity', 'SET NOT NULL on orders.quantity scans the table under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "users" RENAME COLUMN "phone" TO "mobile";',
        [
            ('WDL004', 'users', 'phone', "column users.phone is renamed to 'mobile'", {'new_name': 'mobile'}),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TYPE "OrderStatus" ADD VALUE IF NOT EXISTS \'DISPUTED\' AFTER \'PAID\';',
        [
            ('WDL012', None, None, 'enum OrderStatus gains value(s) DISPUTED', {'enum': 'OrderStatus', 'added': ['DISPUTED']}),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD COLUMN "x" TEXT, ADD COLUMN "y" INT;',
        [
            ('WDL011', 'orders', 'x', 'column orders.x is added'),
            ('WDL011', 'orders', 'y', 'column orders.y is added'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'DROP SCHEMA IF EXISTS "archive";',
        [
            ('WDL013', None, None, "schema 'archive' is dropped"),
        ],
    ),
    # a timeout of 0 (or DEFAULT, or RESET) is no timeout: WDL109 still fires
    *[
        (
            f'{setting}\nALTER TABLE "users" ADD COLUMN "nick" TEXT;',
            [
                ('WDL011', 'users', 'nick', 'column users.nick is added'),
                ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
            ],
        )
        for setting in (
            "SET lock_timeout = 0;",
            "SET lock_timeout = '0ms';",
            "SET lock_timeout TO DEFAULT;",
            "SET lock_timeout = '2s';\nRESET lock_timeout;",
        )
    ],
    (
        'SET lock_timeout = \'2s\';\nALTER TABLE "users" ADD COLUMN "nick" TEXT;',
        [('WDL011', 'users', 'nick', 'column users.nick is added')],
    ),
    # an index the history does not know: its table is unknown, so WDL109 names none
    (
        'DROP INDEX IF EXISTS "not_in_history";',
        [
            ('WDL102', None, None, 'dropping index not_in_history locks its table against reads and writes'),
        ],
    ),
    # a BEGIN with no COMMIT after it
    (
        'BEGIN;\nALTER TABLE "users" ADD COLUMN "x" TEXT;',
        [
            ('WDL116', None, None, 'BEGIN is never committed in this migration'),
            ('WDL011', 'users', 'x', 'column users.x is added'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    # an index of a table created here is not reported; the next one in the list is
    (
        'CREATE TABLE "t" ("a" INT);\nCREATE INDEX "t_a" ON "t"("a");\nDROP INDEX "t_a", "users_phone_idx";',
        [
            ('WDL010', 't', None, "table 't' is added"),
            ('WDL102', 'users', None, 'dropping index users_phone_idx locks its table against reads and writes'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT);\nCREATE UNIQUE INDEX "t_a_key" ON "t"("a");\nDROP INDEX "t_a_key";',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    # a constraint the history does not know: a `_pkey` name is a primary key, others nothing
    (
        'ALTER TABLE "orders" DROP CONSTRAINT "mystery_pkey";',
        [
            ('WDL008', 'orders', None, 'primary key mystery_pkey of orders is dropped', {'key': 'primary'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" DROP CONSTRAINT "mystery";',
        [
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # a primary key from an existing index names no columns
    (
        'ALTER TABLE "orders" ADD CONSTRAINT "orders_pkey2" PRIMARY KEY USING INDEX "orders_id_idx";',
        [
            ('WDL008', 'orders', None, 'primary key of orders is replaced', {'key': 'primary'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # the constraint is the second command of the ALTER; an unnamed one
    (
        'ALTER TABLE "orders" ALTER COLUMN "note" SET DEFAULT \'x\', ADD CONSTRAINT "c" CHECK ("quantity" > 0);',
        [
            ('WDL107', 'orders', None, 'check constraint c on orders validates every row under a lock that blocks writes'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD CHECK ("quantity" > 0);',
        [
            ('WDL107', 'orders', None, 'check constraint on orders validates every row under a lock that blocks writes'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # REINDEX CONCURRENTLY with another statement; another option is not CONCURRENTLY
    (
        'REINDEX TABLE CONCURRENTLY "users";\nSELECT 1;',
        [
            ('WDL113', None, None, 'CONCURRENTLY with other statements: PostgreSQL will refuse it in a transaction'),
        ],
    ),
    (
        'REINDEX (VERBOSE) TABLE "users";\nSELECT 1;',
        [
            ('WDL112', None, None, 'REINDEX holds an exclusive lock for the whole rebuild'),
        ],
    ),
    # DROP NOT NULL as the second command; of a column no contract has
    (
        'ALTER TABLE "orders" ALTER COLUMN "note" SET DEFAULT \'x\', ALTER COLUMN "quantity" DROP NOT NULL;',
        [
            ('WDL009', 'orders', 'quantity', 'column orders.quantity becomes nullable'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "ghost" DROP NOT NULL;',
        [
            ('WDL009', 'orders', 'ghost', 'column orders.ghost becomes nullable'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'DROP DATABASE "x";',
        [
            ('WDL013', None, None, "database 'x' is dropped"),
        ],
    ),
    # unnamed index and unique constraint; a unique constraint on a table created here
    (
        'CREATE INDEX ON "users"("phone");',
        [
            ('WDL101', 'users', None, 'index on existing table users blocks writes while it builds'),
        ],
    ),
    (
        'ALTER TABLE "users" ADD UNIQUE ("phone");',
        [
            ('WDL108', 'users', None, 'unique constraint on users builds its index under an exclusive lock'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CREATE TABLE "t" ("a" INT);\nALTER TABLE "t" ADD CONSTRAINT "t_u" UNIQUE ("a");\nALTER TABLE "t" RENAME COLUMN "a" TO "b";\nALTER TABLE "t" DROP CONSTRAINT "t_b_fkey";',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    # Prisma's enum recreation gaining and losing two values
    (
        'BEGIN;\nCREATE TYPE "OrderStatus_new" AS ENUM (\'PENDING\', \'A\', \'B\');\nALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT;\nALTER TABLE "orders" ALTER COLUMN "status" TYPE "OrderStatus_new"\n    USING ("status"::text::"OrderStatus_new");\nALTER TYPE "OrderStatus" RENAME TO "OrderStatus_old";\nALTER TYPE "OrderStatus_new" RENAME TO "OrderStatus";\nDROP TYPE "OrderStatus_old";\nALTER TABLE "orders" ALTER COLUMN "status" SET DEFAULT \'PENDING\';\nCOMMIT;\n',
        [
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
            ('WDL105', 'orders', 'status', 'changing orders.status to OrderStatus_new rewrites the table under an exclusive lock'),
            ('WDL006', None, None, 'enum OrderStatus loses value(s) PAID, REFUNDED', {'enum': 'OrderStatus', 'removed': ['PAID', 'REFUNDED']}),
            ('WDL012', None, None, 'enum OrderStatus gains value(s) A, B', {'enum': 'OrderStatus', 'added': ['A', 'B']}),
        ],
    ),
    # CASCADE of a DROP and of an ALTER TABLE ... DROP
    (
        'DROP TABLE "orders" CASCADE;',
        [
            ('WDL001', 'orders', None, "table 'orders' is dropped"),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
            ('WDL110', None, None, 'DROP ... CASCADE also removes every dependent object'),
        ],
    ),
    (
        'ALTER TABLE "orders" DROP COLUMN "note" CASCADE;',
        [
            ('WDL002', 'orders', 'note', 'column orders.note is dropped'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
            ('WDL110', None, None, 'ALTER TABLE ... DROP ... CASCADE also removes every dependent object'),
        ],
    ),
    # domain CHECK constraints; another ALTER DOMAIN
    (
        'CREATE DOMAIN "pos" AS INT CHECK (VALUE > 0);',
        [
            ('WDL114', None, None, 'CHECK constraint on domain pos locks every table using it'),
        ],
    ),
    (
        'ALTER DOMAIN "pos" ADD CONSTRAINT "pos_c" CHECK (VALUE > 0);',
        [
            ('WDL114', None, None, 'CHECK constraint on domain pos locks every table using it'),
        ],
    ),
    (
        'ALTER DOMAIN "pos" SET DEFAULT 0;',
        [
        ],
    ),
    # foreign keys the history does not know: by the `_fkey` name; as a second command
    (
        'ALTER TABLE "orders" DROP CONSTRAINT "mystery_fkey";',
        [
            ('WDL014', 'orders', None, 'foreign key mystery_fkey of orders is dropped', {'constraint': 'mystery_fkey'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ALTER COLUMN "note" SET DEFAULT \'x\', DROP CONSTRAINT "orders_user_id_fkey";',
        [
            ('WDL014', 'orders', None, 'foreign key orders_user_id_fkey of orders is dropped', {'constraint': 'orders_user_id_fkey'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # a partition of a table created here
    (
        'CREATE TABLE "p" ("at" DATE) PARTITION BY RANGE ("at");\nCREATE TABLE "p1" PARTITION OF "p" FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\');\nALTER TABLE "p" DETACH PARTITION "p1";',
        [
            ('WDL010', 'p', None, "table 'p' is added"),
            ('WDL010', 'p1', None, "table 'p1' is added"),
        ],
    ),
    # the type change is the second command
    (
        'ALTER TABLE "users" ALTER COLUMN "phone" SET DEFAULT \'x\', ALTER COLUMN "phone" TYPE INTEGER;',
        [
            ('WDL005', 'users', 'phone', 'column users.phone changes type from string to int4 (integer)', {'old_type': 'string', 'new_type': 'integer'}),
            ('WDL105', 'users', 'phone', 'changing users.phone to int4 rewrites the table under an exclusive lock'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    # objects of a table created in this migration
    (
        'CREATE TABLE "t" ("a" INT, "b" INT);\nALTER TABLE "t" DROP COLUMN "b";\nALTER TABLE "t" ALTER COLUMN "a" TYPE TEXT;',
        [
            ('WDL010', 't', None, "table 't' is added"),
        ],
    ),
    # a compatible change, then an incompatible one, in one ALTER
    (
        'ALTER TABLE "users" ALTER COLUMN "phone" TYPE VARCHAR(64), ALTER COLUMN "full_name" TYPE INTEGER;',
        [
            ('WDL005', 'users', 'full_name', 'column users.full_name changes type from string to int4 (integer)', {'old_type': 'string', 'new_type': 'integer'}),
            ('WDL105', 'users', 'full_name', 'changing users.full_name to int4 rewrites the table under an exclusive lock'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    # a column moved to an enum created here, then another column changed
    (
        'CREATE TYPE "E2" AS ENUM (\'a\');\nALTER TABLE "orders" ALTER COLUMN "status" TYPE "E2" USING ("status"::text::"E2"), ALTER COLUMN "quantity" TYPE TEXT;',
        [
            ('WDL005', 'orders', 'quantity', 'column orders.quantity changes type from integer to text (string)', {'old_type': 'integer', 'new_type': 'string'}),
            ('WDL105', 'orders', 'status', 'changing orders.status to E2 rewrites the table under an exclusive lock'),
            ('WDL105', 'orders', 'quantity', 'changing orders.quantity to text rewrites the table under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # a column moved to an enum the history created
    (
        'ALTER TABLE "orders" ALTER COLUMN "note" TYPE "OrderStatus" USING ("note"::"OrderStatus");',
        [
            ('WDL005', 'orders', 'note', 'column orders.note changes type from string to OrderStatus (enum)', {'old_type': 'string', 'new_type': 'enum'}),
            ('WDL105', 'orders', 'note', 'changing orders.note to OrderStatus rewrites the table under an exclusive lock'),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # VACUUM FULL rewrites; VACUUM with another option does not
    (
        'VACUUM FULL "users";',
        [
            ('WDL112', None, None, 'VACUUM FULL holds an exclusive lock for the whole rebuild'),
        ],
    ),
    (
        'VACUUM (VERBOSE) "users";',
        [
        ],
    ),
    # a composite unique index dropped
    (
        'CREATE UNIQUE INDEX CONCURRENTLY "u_np" ON "users"("full_name", "phone");\nSELECT 1;\nDROP INDEX "u_np";',
        [
            ('WDL113', None, None, 'CONCURRENTLY with other statements: PostgreSQL will refuse it in a transaction'),
            ('WDL008', 'users', None, 'unique index u_np on users(full_name, phone) is dropped', {'key': 'unique', 'old': ['full_name', 'phone']}),
            ('WDL102', 'users', None, 'dropping index u_np locks its table against reads and writes'),
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
        ],
    ),
    # a foreign key known by its definition, not its name; a CHECK whose name ends in _fkey
    (
        'ALTER TABLE "orders" ADD CONSTRAINT "by_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") NOT VALID;\nALTER TABLE "orders" DROP CONSTRAINT "by_user";',
        [
            ('WDL014', 'orders', None, 'foreign key by_user of orders is dropped', {'constraint': 'by_user'}),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'ALTER TABLE "orders" ADD CONSTRAINT "odd_fkey" CHECK ("quantity" > 0) NOT VALID;\nALTER TABLE "orders" DROP CONSTRAINT "odd_fkey";',
        [
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    # a COMMIT right after the BEGIN closes it
    ('BEGIN;\nCOMMIT;', []),
    # REINDEX with another option is not CONCURRENTLY
    (
        'REINDEX (VERBOSE) TABLE "users";',
        [('WDL112', None, None, 'REINDEX holds an exclusive lock for the whole rebuild')],
    ),
    # WDL105's edges: binary-coercible changes are no rewrite
    ('SET lock_timeout = \'2s\';\nALTER TABLE "users" ALTER COLUMN "ghost" SET DATA TYPE TEXT;',
     [('WDL005', 'users', 'ghost', 'column users.ghost changes type to text (string)',
       {'new_type': 'string'})]),
    ('SET lock_timeout = \'2s\';\nALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE NUMERIC;',
     []),
    ('SET lock_timeout = \'2s\';\nALTER TABLE "orders" ALTER COLUMN "total" SET DATA TYPE VARCHAR;',
     [('WDL005', 'orders', 'total', 'column orders.total changes type from decimal to varchar (string)',
       {'old_type': 'decimal', 'new_type': 'string'}),
      ('WDL105', 'orders', 'total', 'changing orders.total to varchar rewrites the table under an exclusive lock')]),
    (
        'TRUNCATE "orders";',
        [
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
    (
        'CLUSTER "users" USING "users_pkey";',
        [
            ('WDL109', 'users', None, 'locks existing table users with no lock_timeout set in this migration'),
            ('WDL112', None, None, 'CLUSTER holds an exclusive lock for the whole rebuild'),
        ],
    ),
    (
        'CLUSTER;',  # every clustered table: no one table to name
        [('WDL112', None, None, 'CLUSTER holds an exclusive lock for the whole rebuild')],
    ),
    (
        'DROP TABLE IF EXISTS "orders", "users";',
        [
            ('WDL001', 'orders', None, "table 'orders' is dropped"),
            ('WDL001', 'users', None, "table 'users' is dropped"),
            ('WDL109', 'orders', None, 'locks existing table orders with no lock_timeout set in this migration'),
        ],
    ),
]


@pytest.mark.parametrize("sql,expected", EDGES, ids=[f"edge{i}" for i in range(len(EDGES))])
def test_edge_case_findings_exactly(sql, expected):
    got = [(f.code, f.object, f.column, f.message) + ((f.details,) if f.details else ())
           for f in findings(sql)]
    assert got == expected


def test_every_rules_anti_pattern_finding_in_full():
    got = {code: [f.to_dict() for f in findings(bad, CONTRACTS) if f.code == code]
           for code, (bad, _) in sorted(CASES.items())}
    if os.environ.get("WDGUARD_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    assert got == json.loads(GOLDEN.read_text())
    assert all(len(v) >= 1 for v in got.values())


@pytest.mark.parametrize("sql,changes", [
    ('ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey";',
     ["Order: ~ primary_key: [id] -> []"]),
    ('ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey", '
     'ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id", "user_id");',
     ["Order: ~ primary_key: [id] -> [id, user_id]"]),
    ('CREATE UNIQUE INDEX CONCURRENTLY "u_np" ON "users"("full_name", "phone");\n'
     'DROP INDEX "u_np";', ["User: - unique_keys: [full_name, phone]"]),  # a composite key
    ('DROP INDEX "users_email_key";', ["User: ~ columns.email.unique: true -> false"]),
    ("ALTER TYPE \"OrderStatus\" RENAME VALUE 'REFUNDED' TO 'RETURNED';",
     ["Order: ~ columns.status.values: -REFUNDED +RETURNED"]),
    ('ALTER TABLE "users" ALTER COLUMN "full_name" SET DATA TYPE INTEGER;',
     ["User: ~ columns.full_name.type: string -> integer"]),
    ('ALTER TABLE "users" ALTER COLUMN "phone" SET DATA TYPE VARCHAR(64);', []),
    ('ALTER TABLE "users" RENAME TO "customers";', ["User: ~ source.table: users -> customers"]),
])
def test_key_and_type_changes_say_what_the_contract_loses(sql, changes):
    got = [c for f in findings(sql, CONTRACTS) if f.code in ("WDL003", "WDL005", "WDL007", "WDL008")
           for c in f.details.get("contract_changes", [])]
    assert got == changes


def _variant(name: str, **changes):
    """One of CONTRACTS with some columns removed/changed or another primary key."""
    c = next(c for c in CONTRACTS if c.contract == name)
    cols = dict(c.columns)
    for col in changes.pop("drop", ()):
        cols.pop(col)
    for col, update in changes.pop("set", {}).items():
        cols[col] = cols[col].model_copy(update=update)
    return [c.model_copy(update={"columns": cols, **changes}),
            *(o for o in CONTRACTS if o.contract != name)]


@pytest.mark.parametrize("sql,contracts,changes", [
    # a contract change is only what the contract holds now
    ('ALTER TABLE "orders" DROP COLUMN "note";', CONTRACTS, ["Order: - columns.note"]),
    ('ALTER TABLE "orders" DROP COLUMN "note";', _variant("Order", drop=["note"]), []),
    ('ALTER TABLE "orders" ALTER COLUMN "quantity" DROP NOT NULL;', CONTRACTS,
     ["Order: ~ columns.quantity.nullable: false -> true"]),
    ('ALTER TABLE "orders" ALTER COLUMN "quantity" DROP NOT NULL;',
     _variant("Order", set={"quantity": {"nullable": True}}), []),
    ('ALTER TABLE "orders" ALTER COLUMN "quantity" DROP NOT NULL;',
     _variant("Order", drop=["quantity"]), []),
    ('ALTER TABLE "users" ALTER COLUMN "full_name" SET DATA TYPE INTEGER;',
     _variant("User", drop=["full_name"]), []),
    ('ALTER TABLE "users" ALTER COLUMN "full_name" SET DATA TYPE INTEGER;',
     _variant("User", set={"full_name": {"type": "integer"}}), []),
    ('ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey";',
     _variant("Order", primary_key=["id", "user_id"]),
     ["Order: ~ primary_key: [id, user_id] -> []"]),
    # a unique constraint whose columns the history does not track
    ('ALTER TABLE "users" ADD CONSTRAINT "u_k" UNIQUE ("phone", "email");\n'
     'ALTER TABLE "users" DROP CONSTRAINT "u_k";', CONTRACTS, ["User: ~ unique_keys"]),
])
def test_contract_changes_are_what_the_contract_holds(sql, contracts, changes):
    got = [c for f in findings(sql, contracts) for c in f.details.get("contract_changes", [])]
    assert got == changes


@pytest.mark.parametrize("sql,contracts,message", [
    # the old type: the contract's, else the history's declaration, else unknown
    ('ALTER TABLE "users" ALTER COLUMN "full_name" SET DATA TYPE INTEGER;', CONTRACTS,
     "column users.full_name changes type from string to int4 (integer)"),
    ('ALTER TABLE "users" ALTER COLUMN "full_name" SET DATA TYPE INTEGER;',
     _variant("User", set={"full_name": {"type": "uuid"}}),
     "column users.full_name changes type from uuid to int4 (integer)"),
    ('ALTER TABLE "users" ALTER COLUMN "email" SET DATA TYPE INTEGER;',
     _variant("User", drop=["email"]),
     "column users.email changes type from string to int4 (integer)"),
    ('ALTER TABLE "users" ALTER COLUMN "email" SET DATA TYPE INTEGER;', None,
     "column users.email changes type from string to int4 (integer)"),
    ('ALTER TABLE "users" ALTER COLUMN "ghost" SET DATA TYPE INTEGER;', None,
     "column users.ghost changes type to int4 (integer)"),
])
def test_type_change_names_the_old_type_from_the_contract_then_the_history(
        sql, contracts, message):
    [f] = [f for f in findings(sql, contracts) if f.code == "WDL005"]
    assert f.message == message


EDGES_GOLDEN = Path(__file__).with_name("lint_edges.golden.json")


def test_every_edge_finding_in_full_matches_the_reviewed_golden_file():
    """Help texts, severities and the contract impact of every edge case, whole."""
    got = {sql: [f.to_dict() for f in findings(sql, CONTRACTS)] for sql, _ in EDGES}
    if os.environ.get("WDGUARD_UPDATE_GOLDEN"):
        EDGES_GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    assert got == json.loads(EDGES_GOLDEN.read_text())


def test_not_null_dropped_names_every_contract_that_relies_on_it():
    order = next(c for c in CONTRACTS if c.contract == "Order")
    copy = order.model_copy(update={"contract": "OrderArchive"})
    [f] = [f for f in findings('ALTER TABLE "orders" ALTER COLUMN "quantity" DROP NOT NULL;',
                               [*CONTRACTS, copy]) if f.code == "WDL009"]
    assert f.message == ("column orders.quantity becomes nullable; contract Order, OrderArchive "
                         "requires it non-null")
    assert (f.severity, f.compat) == ("error", "breaking")
