"""Differential fuzzing of the Prisma parser against Prisma's own (get_dmmf).

Seeded line- and token-level mutations of the oracle schemas (drop, duplicate or swap a
line, drop a character, insert a token) are parsed and derived by wdguard and by Prisma
in one node run. Whatever the input, wdguard must either accept it or raise one
`InputError` naming `file:line:col`; when both accept, they must agree on everything
the oracle test compares; and they may disagree on acceptance only in the two known,
deliberate ways listed below.
"""

from __future__ import annotations

import json
import random
import subprocess

import pytest

from tests.test_prisma_dmmf import (
    ORACLE,
    ORACLE_CASES,
    ROOT,
    needs_node,
    our_view,
    their_view,
)
from wdguard.contracts.prisma_derive import derive_from_schema
from wdguard.contracts.prisma_parser import parse_text
from wdguard.errors import InputError

SEEDS = (1, 2, 3)
PER_SEED = 120
_INSERTS = [
    "{", "}", "@id", "?", "[]", '"', '@@map("x")', "@unique", "@default(1)", "Int",
    "// c", "///d", '@map("y")', "(", ")", ",", "@relation(fields: [id], references: [id])",
]  # fmt: skip

# Prisma's parser recovers from some garbled block lines (`modelX {`, `model X { ?`,
# `model X { "`)
# and drops them; wdguard reports them instead.
WDGUARD_STRICTER = (
    "expected a block",
    "end of line after '{'",
    "'}' goes on a line",
    "unterminated string",
)
# Preview-feature gating changes with every Prisma release; wdguard does not copy it.
PRISMA_STRICTER = ("preview feature",)


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    op = rng.randrange(5)
    if op == 0:
        del lines[rng.randrange(len(lines))]
    elif op == 1:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    elif op == 2:
        joined = "\n".join(lines)
        i = rng.randrange(len(joined))
        return joined[:i] + joined[i + 1 :]
    elif op == 3:
        i = rng.randrange(len(lines))
        words = lines[i].split(" ")
        words.insert(rng.randrange(len(words) + 1), rng.choice(_INSERTS))
        lines[i] = " ".join(words)
    else:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def _mutants(seed: int) -> list[str]:
    bases = [p.read_text() for p in ORACLE_CASES if p.is_file() and "mongo" not in p.name]
    rng = random.Random(seed)
    return [_mutate(rng.choice(bases), rng) for _ in range(PER_SEED)]


def _oracle_many(texts: list[str]) -> list[dict]:
    proc = subprocess.run(
        ["node", str(ORACLE)],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        env={"NODE_PATH": str(ROOT / "node_modules"), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=True,
    )
    return json.loads(proc.stdout)


@needs_node
@pytest.mark.parametrize("seed", SEEDS)
def test_mutated_schemas_agree_with_prisma(seed: int) -> None:
    texts = _mutants(seed)
    results = _oracle_many(texts)
    outcomes = {"both": 0, "neither": 0}
    for text, theirs in zip(texts, results, strict=True):
        try:
            schema = parse_text(text, "s.prisma")
            derive_from_schema(schema)
            error = None
        except InputError as exc:
            error = exc.one_line()
            assert error.startswith("s.prisma:") and "\n" not in error, error
        prisma_ok = "datamodel" in theirs
        if error is None and prisma_ok:
            outcomes["both"] += 1
            assert our_view(schema) == their_view(theirs["datamodel"], schema), text
        elif error is not None and not prisma_ok:
            outcomes["neither"] += 1
        elif prisma_ok:
            assert any(k in error for k in WDGUARD_STRICTER), f"{error}\n---\n{text}"
        else:
            assert any(k in theirs["error"] for k in PRISMA_STRICTER), (
                f"wdguard accepted what Prisma rejects: {theirs['error'][:300]}\n---\n{text}"
            )
    # the mutations exercise both sides of the grammar, not only one
    assert outcomes["both"] >= PER_SEED // 10 and outcomes["neither"] >= PER_SEED // 3
