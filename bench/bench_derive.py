"""Time `derive_contracts` (parse + derive) on a generated 100-model Prisma schema.

Target (issue 2): < 0.3 s for 100 models. Prints the median wall and CPU time of
several runs (CPU time is the steadier figure on a busy machine).

    .venv/bin/python bench/bench_derive.py [--models 100] [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from wdguard.contracts.prisma_derive import derive_contracts


def generate_schema(models: int) -> str:
    """A realistic schema: enums, @map'd snake_case tables, FKs to earlier models, indexes."""
    out = [
        'generator client {\n  provider = "prisma-client-js"\n}\n',
        'datasource db {\n  provider = "postgresql"\n}\n',
    ]
    for e in range(10):
        values = "\n".join(f"  VALUE_{v}" for v in range(6))
        out.append(f"/// Enum {e}.\nenum Kind{e} {{\n{values}\n}}\n")
    for m in range(models):
        lines = [
            f"/// Model {m}: generated for the benchmark.",
            f"model Model{m} {{",
            "  id          String   @id @default(uuid()) @db.Uuid",
            "  code        String   @unique @db.VarChar(64)",
            f"  kind        Kind{m % 10}    @default(VALUE_0)",
            "  name        String",
            "  amount      Decimal  @db.Decimal(12, 2)",
            "  quantity    Int      @default(0)",
            "  ratio       Float?",
            '  isActive    Boolean  @default(true) @map("is_active")',
            "  payload     Json?",
            "  tags        String[]",
            '  createdAt   DateTime @default(now()) @map("created_at")',
            '  updatedAt   DateTime @updatedAt @map("updated_at")',
        ]
        if m > 0:
            lines += [
                '  parentId    String?  @map("parent_id") @db.Uuid',
                f"  parent      Model{m - 1}? @relation(fields: [parentId], references: [id])",
            ]
        if m < models - 1:
            lines.append(f"  children    Model{m + 1}[]")
        lines += [
            "",
            "  @@unique([name, kind])",
            "  @@index([createdAt])",
            f'  @@map("model_{m}")',
            "}",
            "",
        ]
        out.append("\n".join(lines))
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "schema.prisma"
        path.write_text(generate_schema(args.models))
        lines = path.read_text().count("\n")
        derive_contracts(path)  # warm-up: imports, caches
        times, cpu = [], []
        for _ in range(args.runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            contracts = derive_contracts(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    median = statistics.median(times)
    print(
        f"derive_contracts: {args.models} models ({lines} schema lines, "
        f"{sum(len(c.columns) for c in contracts)} columns) -> {len(contracts)} contracts"
    )
    print(
        f"median {median * 1000:.1f} ms over {args.runs} runs "
        f"(min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms); target < 300 ms: "
        + ("met" if median < 0.3 else "NOT met")
    )
    # on a shared machine wall time includes waiting for a core; CPU time does not
    print(f"median CPU time {statistics.median(cpu) * 1000:.1f} ms (min {min(cpu) * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
