"""Benchmark: lint 150 Prisma-style migrations with wdguard, and with Squawk on the same files.

Generates a Prisma migrations folder (an init migration with 20 tables and enums, then
149 migrations drawn from a realistic mix: nullable and defaulted columns, indexes,
foreign keys, new tables, enum values, renames, drops, SET NOT NULL, type changes,
Prisma's enum recreation), then times:

* `wdguard migrations lint DIR --format json` as a subprocess (what CI pays, with start-up),
* the in-process `lint()` call alone (parse + rules),
* `squawk` on the same 150 files, when installed (pip install squawk-cli).

    .venv/bin/python bench/bench_lint.py [--count 150] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["TEXT", "INTEGER", "BOOLEAN", "TIMESTAMP(3)", "DECIMAL(10,2)", "UUID", "VARCHAR(64)"]


def init_sql(tables: int) -> str:
    out = ["-- CreateEnum", "CREATE TYPE \"Status\" AS ENUM ('NEW', 'ACTIVE', 'DONE', 'GONE');"]
    for t in range(tables):
        out += [
            "",
            "-- CreateTable",
            f'CREATE TABLE "t{t}" (',
            '    "id" UUID NOT NULL,',
            '    "owner_id" UUID,',
            '    "status" "Status" NOT NULL DEFAULT \'NEW\',',
            '    "name" TEXT NOT NULL,',
            '    "amount" DECIMAL(10,2),',
            '    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,',
            f'    CONSTRAINT "t{t}_pkey" PRIMARY KEY ("id")',
            ");",
            f'CREATE UNIQUE INDEX "t{t}_name_key" ON "t{t}"("name");',
        ]
    return "\n".join(out) + "\n"


def change(rng: random.Random, i: int, tables: int) -> list[str]:
    t = f"t{rng.randrange(tables)}"
    c = f"c{i}"
    kind = rng.choices(
        [
            "add_nullable", "add_default", "index", "fk", "table", "enum_add", "rename",
            "drop_col", "set_not_null", "type", "enum_recreate", "drop_index",
        ],
        weights=[25, 12, 14, 8, 10, 5, 3, 4, 4, 5, 2, 3],
    )[0]
    if kind == "add_nullable":
        return ["-- AlterTable", f'ALTER TABLE "{t}" ADD COLUMN "{c}" {rng.choice(TYPES)};']
    if kind == "add_default":
        return ["-- AlterTable", f'ALTER TABLE "{t}" ADD COLUMN "{c}" BOOLEAN NOT NULL DEFAULT false;']
    if kind == "index":
        return ["-- CreateIndex", f'CREATE INDEX "{t}_{c}_idx" ON "{t}"("created_at", "status");']
    if kind == "fk":
        other = f"t{rng.randrange(tables)}"
        return [
            "-- AddForeignKey",
            f'ALTER TABLE "{t}" ADD CONSTRAINT "{t}_{c}_fkey" FOREIGN KEY ("owner_id") '
            f'REFERENCES "{other}"("id") ON DELETE SET NULL ON UPDATE CASCADE;',
        ]
    if kind == "table":
        return [
            "-- CreateTable",
            f'CREATE TABLE "n{i}" ("id" UUID NOT NULL, "ref_id" UUID NOT NULL, '
            f'"note" TEXT, CONSTRAINT "n{i}_pkey" PRIMARY KEY ("id"));',
            "-- CreateIndex",
            f'CREATE INDEX "n{i}_ref_id_idx" ON "n{i}"("ref_id");',
            "-- AddForeignKey",
            f'ALTER TABLE "n{i}" ADD CONSTRAINT "n{i}_ref_id_fkey" FOREIGN KEY ("ref_id") '
            f'REFERENCES "{t}"("id") ON DELETE RESTRICT ON UPDATE CASCADE;',
        ]
    if kind == "enum_add":
        return ["-- AlterEnum", f"ALTER TYPE \"Status\" ADD VALUE 'V{i}';"]
    if kind == "rename":
        return ["-- AlterTable", f'ALTER TABLE "{t}" RENAME COLUMN "name" TO "name_{i}";']
    if kind == "drop_col":
        return ["-- AlterTable", f'ALTER TABLE "{t}" DROP COLUMN "amount";']
    if kind == "set_not_null":
        return ["-- AlterTable", f'ALTER TABLE "{t}" ALTER COLUMN "owner_id" SET NOT NULL;']
    if kind == "type":
        return ["-- AlterTable", f'ALTER TABLE "{t}" ALTER COLUMN "amount" SET DATA TYPE DECIMAL(12,2);']
    if kind == "drop_index":
        return ["-- DropIndex", f'DROP INDEX "{t}_name_key";']
    return [  # Prisma's enum recreation
        "-- AlterEnum",
        "BEGIN;",
        "CREATE TYPE \"Status_new\" AS ENUM ('NEW', 'ACTIVE', 'DONE');",
        f'ALTER TABLE "{t}" ALTER COLUMN "status" DROP DEFAULT;',
        f'ALTER TABLE "{t}" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");',
        'ALTER TYPE "Status" RENAME TO "Status_old";',
        'ALTER TYPE "Status_new" RENAME TO "Status";',
        'DROP TYPE "Status_old";',
        f"ALTER TABLE \"{t}\" ALTER COLUMN \"status\" SET DEFAULT 'NEW';",
        "COMMIT;",
    ]


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    tables = 20
    paths = []
    for i in range(count):
        d = folder / f"2025{i:04d}000000_m{i}"
        d.mkdir(parents=True)
        if i == 0:
            sql = init_sql(tables)
        else:
            lines: list[str] = []
            for _ in range(rng.randint(1, 4)):
                lines += change(rng, i * 10 + len(lines), tables) + [""]
            sql = "\n".join(lines)
        (d / "migration.sql").write_text(sql)
        paths.append(d / "migration.sql")
    (folder / "migration_lock.toml").write_text('provider = "postgresql"\n')
    return paths


def timed(cmd: list[str], runs: int) -> tuple[float, subprocess.CompletedProcess]:
    times = []
    proc = None
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), proc  # type: ignore[return-value]


def main() -> int:
    ap = argparse.ArgumentParser(description="wdguard lint vs squawk on generated migrations")
    ap.add_argument("--count", type=int, default=150)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wdg_bench_lint_"))
    try:
        folder = tmp / "migrations"
        paths = generate(folder, args.count)
        statements = sum(p.read_text().count(";") for p in paths)
        wdguard = str(Path(sys.executable).parent / "wdguard")
        cli_s, proc = timed([wdguard, "migrations", "lint", str(folder), "-f", "json"], args.runs)
        data = json.loads(proc.stdout)
        # what every wdguard command pays before doing anything: importing the CLI
        startup_s, _ = timed([sys.executable, "-c", "import wdguard.cli"], args.runs)

        sys.path.insert(0, str(ROOT / "src"))
        from wdguard.drift.lint import lint
        from wdguard.drift.lint.select import select_paths

        t0 = time.perf_counter()
        sel = select_paths([folder])
        result = lint(sel.targets, history=sel.history)
        inproc_s = time.perf_counter() - t0

        print(f"migrations: {len(paths)}  statements: ~{statements}")
        print(
            f"wdguard CLI (median of {args.runs}, incl. start-up): {cli_s:.2f} s  "
            f"exit {proc.returncode}  findings {data['summary']}"
        )
        print(f"  of which importing wdguard.cli (every command's start-up): {startup_s:.2f} s")
        print(f"wdguard lint() in-process (parse + rules): {inproc_s:.2f} s, "
              f"{len(result.findings)} findings")
        squawk = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
        if Path(squawk).exists():
            sq_s, sq = timed([squawk, "--reporter", "json", *map(str, paths)], args.runs)
            try:
                n = len(json.loads(sq.stdout or "[]"))
            except json.JSONDecodeError:
                n = -1
            version = subprocess.run([squawk, "--version"], capture_output=True, text=True).stdout
            print(f"squawk {version.strip()} (median of {args.runs}): {sq_s:.2f} s  "
                  f"exit {sq.returncode}  findings {n}")
        else:
            print("squawk: not installed (pip install squawk-cli)")
        target = 2.0
        print(f"target < {target:.0f} s: lint work {'met' if inproc_s < target else 'MISSED'}, "
              f"whole CLI {'met' if cli_s < target else 'MISSED'}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
