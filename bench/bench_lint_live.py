"""Benchmark: the live-data lint (`migrations lint --dsn`) on a 10M-row table.

Creates a throw-away database (PostgreSQL on 127.0.0.1:5432, or WDGUARD_TEST_PG_DSN),
applies an init migration and fills `orders` with N rows (a few dirty: NULL emails,
duplicate codes, orphan user ids, non-numeric ages, a REFUNDED status), ANALYZEs, then
times `lint_migrations(..., dsn=...)` over one pending migration that has every live
hazard on `orders` (SET NOT NULL, unique index, foreign key, cast, enum recreation, a
required column). Default --max-scan-rows (1M): the big table is read through
TABLESAMPLE. Target: < 5 s. The database is dropped at the end.

    nice .venv/bin/python bench/bench_lint_live.py [--rows 10000000] [--max-scan-rows N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

INIT = """
CREATE TYPE "Status" AS ENUM ('NEW', 'PAID', 'REFUNDED');
CREATE TABLE "users" ("id" INTEGER NOT NULL, CONSTRAINT "users_pkey" PRIMARY KEY ("id"));
CREATE TABLE "orders" ("id" BIGINT NOT NULL, "user_id" INTEGER, "email" TEXT, "code" TEXT,
    "age" TEXT, "status" "Status" NOT NULL DEFAULT 'NEW');
"""
PENDING = """
SET lock_timeout = '2s';
ALTER TABLE "orders" ALTER COLUMN "email" SET NOT NULL;
CREATE UNIQUE INDEX "orders_code_key" ON "orders"("code");
ALTER TABLE "orders" ADD CONSTRAINT "orders_user_id_fkey" FOREIGN KEY ("user_id")
    REFERENCES "users"("id");
ALTER TABLE "orders" ALTER COLUMN "age" SET DATA TYPE INTEGER USING "age"::integer;
CREATE TYPE "Status_new" AS ENUM ('NEW', 'PAID');
ALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "orders" ALTER COLUMN "status" TYPE "Status_new" USING ("status"::text::"Status_new");
ALTER TABLE "orders" ADD COLUMN "channel" TEXT NOT NULL;
"""
FILL = """
INSERT INTO "users" SELECT i FROM generate_series(1, 100000) i;
INSERT INTO "orders"
SELECT i, 1 + i % 100000, 'u' || i || '@x.io', 'C' || i, (i % 90)::text, 'PAID'
FROM generate_series(1, %(rows)s) i;
ALTER TABLE "orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY ("id");
UPDATE "orders" SET "email" = NULL WHERE "id" % 1000 = 1;
UPDATE "orders" SET "code" = 'DUP' WHERE "id" % 1000 = 2;
UPDATE "orders" SET "user_id" = 999999 WHERE "id" % 1000 = 3;
UPDATE "orders" SET "age" = 'n/a' WHERE "id" % 1000 = 4;
UPDATE "orders" SET "status" = 'REFUNDED' WHERE "id" % 1000 = 5;
VACUUM ANALYZE;
"""


def backend_cpu(dsn: str, migs: Path, max_scan_rows: int | None) -> float:
    """The server CPU seconds the live checks cost: the same lint again, reading the
    backend's utime + stime from /proc (PostgreSQL on this machine) before it closes."""
    from wdguard.drift.lint.live import DEFAULT_MAX_SCAN_ROWS, LiveProbe
    from wdguard.drift.lint.runner import lint
    from wdguard.drift.lint.select import select_unapplied
    from wdguard.sources.postgres import connect

    sel = select_unapplied(migs, {"20250101000000_init"})
    with connect(dsn) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]

        def ticks() -> int:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])

        before = ticks()
        with LiveProbe(conn, max_scan_rows=max_scan_rows or DEFAULT_MAX_SCAN_ROWS) as live:
            lint(sel.targets, history=sel.history, live=live)
        return (ticks() - before) / os.sysconf("SC_CLK_TCK")


def main() -> int:
    from tests import pgutil

    from wdguard.api import lint_migrations

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--max-scan-rows", type=int, default=None)
    ap.add_argument("--keep", action="store_true",
                    help="keep the filled database (its name is printed) for --reuse")
    ap.add_argument("--reuse", metavar="DBNAME", help="a database an earlier --keep filled")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wdg_bench_live_"))
    name, dsn = (args.reuse, pgutil.dsn_for(args.reuse)) if args.reuse else \
        pgutil.create_database("wdg_bench_live")
    try:
        init = tmp / "init" / "20250101000000_init"
        init.mkdir(parents=True)
        (init / "migration.sql").write_text(INIT)
        t0 = time.perf_counter()
        if not args.reuse:
            pgutil.apply_migrations(dsn, init.parent)
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SET synchronous_commit = off")
                for stmt in FILL.replace("%(rows)s", str(args.rows)).split(";\n"):
                    if stmt.strip():
                        conn.execute(stmt)
        with psycopg.connect(dsn, autocommit=True) as conn:
            size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('orders'))"
                                ).fetchone()[0]
            args.rows = conn.execute("SELECT reltuples::bigint FROM pg_class "
                                     "WHERE relname = 'orders'").fetchone()[0]
        fill_s = time.perf_counter() - t0
        migs = tmp / "migrations"
        shutil.copytree(init.parent, migs)
        (migs / "20250201000000_pending").mkdir()
        (migs / "20250201000000_pending" / "migration.sql").write_text(PENDING)
        t0 = time.perf_counter()
        c0 = time.process_time()
        result = lint_migrations([migs], dsn=dsn, max_scan_rows=args.max_scan_rows)
        lint_s = time.perf_counter() - t0
        client_cpu = time.process_time() - c0
        server_cpu = backend_cpu(dsn, migs, args.max_scan_rows)
        print(f"orders: {args.rows} rows, {size} (filled in {fill_s:.0f} s)")
        for f in result.findings:
            if f.code.startswith("WDL2") or f.code == "WDL105":
                print(f"  {f.code} {f.severity} {f.message[:150]}")
        print(f"live lint (select + replay + every live check): {lint_s:.2f} s wall; target "
              f"< 5 s: {'met' if lint_s < 5 else 'MISSED'} (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"  CPU: client {client_cpu:.2f} s, server backend {server_cpu:.2f} s (the work a "
              "quiet machine would do in about that time)")
        return 0
    finally:
        if args.keep or args.reuse:
            print(f"database kept: {name}")
        else:
            pgutil.drop_database(name)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
