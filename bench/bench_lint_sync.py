"""Benchmark: schema.prisma vs its migrations (WDL020) on a 150-model history.

Generates a Prisma project: a schema of N models (scalars of every kind, an enum, a
relation to the previous model, an index and a unique field each) and its history, one
migration per model as `prisma migrate dev` writes it (CREATE TABLE, CREATE INDEX, ADD
FOREIGN KEY), plus enum value additions. Times the comparison in process (parse and
derive the schema, replay the migrations, diff) and checks it finds nothing, then with
one field added to the schema (one WDL020). Target: < 2 s.

    nice .venv/bin/python bench/bench_lint_sync.py [--models 150]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

HEADER = """datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

enum Status {
  NEW
  ACTIVE
  DONE
}
"""


def model(i: int) -> str:
    ref = f"\n  parentId String? @map(\"parent_id\") @db.Uuid\n  parent M{i - 1}? " \
          f"@relation(fields: [parentId], references: [id])" if i else ""
    back = f"\n  children M{i + 1}[]"
    return f"""
model M{i} {{
  id        String   @id @default(uuid()) @db.Uuid
  code      String   @unique @db.VarChar(64)
  status    Status   @default(NEW)
  amount    Decimal? @db.Decimal(12, 2)
  count     Int      @default(0)
  active    Boolean  @default(true)
  note      String?
  createdAt DateTime @default(now()) @map("created_at"){ref}{back}

  @@index([status, createdAt])
  @@map("m{i}")
}}
"""


def migration(i: int) -> str:
    fk = ',\n    "parent_id" UUID' if i else ""
    out = [f'''-- CreateTable
CREATE TABLE "m{i}" (
    "id" UUID NOT NULL,
    "code" VARCHAR(64) NOT NULL,
    "status" "Status" NOT NULL DEFAULT 'NEW',
    "amount" DECIMAL(12,2),
    "count" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "note" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP{fk},

    CONSTRAINT "m{i}_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "m{i}_code_key" ON "m{i}"("code");

-- CreateIndex
CREATE INDEX "m{i}_status_created_at_idx" ON "m{i}"("status", "created_at");
''']
    if i:
        out.append(f'''
-- AddForeignKey
ALTER TABLE "m{i}" ADD CONSTRAINT "m{i}_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "m{i - 1}"("id") ON DELETE SET NULL ON UPDATE CASCADE;
''')
    return "".join(out)


def generate(root: Path, models: int) -> Path:
    schema = HEADER + "".join(model(i) for i in range(models))
    # the last model has no children
    schema = schema.replace(f"\n  children M{models}[]", "")
    (root / "schema.prisma").write_text(schema)
    migs = root / "migrations"
    init = migs / "20250000000000_status"
    init.mkdir(parents=True)
    (init / "migration.sql").write_text(
        "-- CreateEnum\nCREATE TYPE \"Status\" AS ENUM ('NEW', 'ACTIVE', 'DONE');\n")
    for i in range(models):
        d = migs / f"2025{i + 1:04d}000000_m{i}"
        d.mkdir()
        (d / "migration.sql").write_text(migration(i))
    (migs / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return migs


def run(migs: Path) -> tuple[float, float, int]:
    from wdguard.drift.lint.schema_vs_migrations import compare_schema
    from wdguard.drift.lint.select import parse_script, prisma_scripts

    t0, c0 = time.perf_counter(), time.process_time()
    found = compare_schema(migs.parent / "schema.prisma",
                           [parse_script(p) for p in prisma_scripts(migs)])
    return time.perf_counter() - t0, time.process_time() - c0, len(found)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, default=150)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    tmp = Path(tempfile.mkdtemp(prefix="wdg_bench_sync_"))
    try:
        migs = generate(tmp, args.models)
        statements = sum(p.read_text().count(";") for p in migs.glob("*/migration.sql"))
        clean_s, clean_cpu, clean_n = run(migs)
        schema = migs.parent / "schema.prisma"
        schema.write_text(schema.read_text().replace(
            "model M7 {\n", "model M7 {\n  rating Int?\n", 1))
        dirty_s, dirty_cpu, dirty_n = run(migs)
        print(f"models: {args.models}  migrations: {args.models + 1}  statements: ~{statements}")
        print(f"in sync: {clean_s:.2f} s wall, {clean_cpu:.2f} s CPU, {clean_n} finding(s)")
        print(f"one field without migration: {dirty_s:.2f} s wall, {dirty_cpu:.2f} s CPU, "
              f"{dirty_n} finding(s)  (load average {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores)")
        ok = clean_n == 0 and dirty_n == 1
        wall, cpu = max(clean_s, dirty_s), max(clean_cpu, dirty_cpu)
        print(f"target < 2 s: wall {'met' if wall < 2 else 'MISSED'}, CPU (what a quiet "
              f"machine takes) {'met' if cpu < 2 else 'MISSED'}; findings "
              f"{'as expected' if ok else 'WRONG'}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
