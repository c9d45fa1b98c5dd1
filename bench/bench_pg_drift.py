"""Benchmark: Postgres drift (introspect + diff) of a 100-table database. Target < 2 s.

Builds a throw-away database on 127.0.0.1:5432 from generated Prisma-style DDL, derives
the contracts from the matching generated schema.prisma, checks the clean database has
zero findings and that one injected drift is found, then reports the median wall time
of connect + introspect + diff over several runs. Run: .venv/bin/python bench/bench_pg_drift.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import pgutil  # noqa: E402

from wdguard.contracts.prisma_derive import derive_contracts  # noqa: E402
from wdguard.drift import pg_types  # noqa: E402
from wdguard.drift.pg_diff import diff  # noqa: E402
from wdguard.drift.pg_introspect import introspect  # noqa: E402
from wdguard.sources.postgres import connect  # noqa: E402

TABLES = 100
RUNS = 7


def schema_prisma(n: int) -> str:
    out = ['datasource db {\n  provider = "postgresql"\n}\n',
           "enum Status {\n  ACTIVE\n  PAUSED\n  CLOSED\n}\n"]
    for i in range(n):
        parent = (f'  parentId  String?  @map("parent_id") @db.Uuid\n'
                  f"  parent    M{i - 1}?  @relation(fields: [parentId], references: [id])\n"
                  if i else "")
        children = f"  children  M{i + 1}[]\n" if i < n - 1 else ""
        out.append(
            f"model M{i} {{\n"
            "  id        String   @id @default(uuid()) @db.Uuid\n"
            "  code      String   @unique\n"
            "  name      String   @db.VarChar(120)\n"
            "  status    Status   @default(ACTIVE)\n"
            "  amount    Decimal  @db.Decimal(12, 2)\n"
            "  qty       Int      @default(0)\n"
            "  note      String?\n"
            "  active    Boolean  @default(true)\n"
            '  createdAt DateTime @default(now()) @map("created_at")\n'
            '  updatedAt DateTime @updatedAt @map("updated_at")\n'
            f"{parent}{children}"
            "  @@index([createdAt])\n"
            f'  @@map("t{i}")\n}}\n'
        )
    return "\n".join(out)


def ddl(n: int) -> str:
    out = ["CREATE TYPE \"Status\" AS ENUM ('ACTIVE', 'PAUSED', 'CLOSED');"]
    for i in range(n):
        parent = ',\n    "parent_id" UUID' if i else ""
        out.append(
            f'CREATE TABLE "t{i}" (\n    "id" UUID NOT NULL,\n    "code" TEXT NOT NULL,\n'
            '    "name" VARCHAR(120) NOT NULL,\n'
            "    \"status\" \"Status\" NOT NULL DEFAULT 'ACTIVE',\n"
            '    "amount" DECIMAL(12,2) NOT NULL,\n    "qty" INTEGER NOT NULL DEFAULT 0,\n'
            '    "note" TEXT,\n    "active" BOOLEAN NOT NULL DEFAULT true,\n'
            '    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n'
            f'    "updated_at" TIMESTAMP(3) NOT NULL{parent},\n\n'
            f'    CONSTRAINT "t{i}_pkey" PRIMARY KEY ("id")\n);\n'
            f'CREATE UNIQUE INDEX "t{i}_code_key" ON "t{i}"("code");\n'
            f'CREATE INDEX "t{i}_created_at_idx" ON "t{i}"("created_at");'
        )
        if i:
            out.append(
                f'ALTER TABLE "t{i}" ADD CONSTRAINT "t{i}_parent_id_fkey" FOREIGN KEY ("parent_id")'
                f' REFERENCES "t{i - 1}"("id") ON DELETE SET NULL ON UPDATE CASCADE;'
            )
    return "\n".join(out)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        schema = Path(tmp) / "schema.prisma"
        schema.write_text(schema_prisma(TABLES))
        contracts = derive_contracts(schema)
    assert len(contracts) == TABLES
    with pgutil.temp_database("wdg_bench") as dsn:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(ddl(TABLES))  # type: ignore[arg-type]
        times, intro, dif = [], [], []
        for _ in range(RUNS):
            for fn in (pg_types.norm_type, pg_types.norm_default):  # every run starts cold
                getattr(fn, "cache_clear", lambda: None)()
            t0 = time.perf_counter()
            with connect(dsn) as conn:
                t1 = time.perf_counter()
                live = introspect(conn)
                t2 = time.perf_counter()
            findings = diff(contracts, live)
            t3 = time.perf_counter()
            times.append(t3 - t0)
            intro.append(t2 - t1)
            dif.append(t3 - t2)
        assert findings == [], [f.message for f in findings][:5]
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute('ALTER TABLE "t57" DROP COLUMN "note"')
        with connect(dsn) as conn:
            found = diff(contracts, introspect(conn))
        assert [(f.code, f.object, f.column) for f in found] == [("PGD111", "t57", "note")]
    cols = sum(len(c.columns) for c in contracts)
    print(f"{TABLES} tables, {cols} columns, {RUNS} runs (clean: 0 findings; injected: 1)")
    print(f"  connect+introspect+diff median {statistics.median(times) * 1000:.0f} ms"
          f" (min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f})")
    print(f"  introspect median {statistics.median(intro) * 1000:.0f} ms,"
          f" diff median {statistics.median(dif) * 1000:.0f} ms   target < 2000 ms")


if __name__ == "__main__":
    main()
