"""A contract rule's SQL as a parse tree, for every engine: the columns it reads, and the
guard that refuses what is not a row expression.

Rules are written once, in the PostgreSQL-flavoured SQL that Polars' SQL also reads;
sqlglot parses them as PostgreSQL. `rule_columns` is the one answer to "which columns
does this rule read": the check's name (`derive.py`) and the Spark engine's roots (which
it refuses when the contract lacks them, or skips when the partition does).
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

NOT_A_QUERY = "a rule is an expression over one row's columns, not a query"
_QUERY_NODES = (
    exp.Query, exp.Subquery, exp.Table, exp.From, exp.Join, exp.Command, exp.Values,
)  # fmt: skip


_LITERALS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
_WORDS = re.compile(r"\b(select|values|with|table|union|intersect|except|from|join)\b", re.I)


def _word(node: exp.Expression, sql: str) -> str:
    """The query word to name in the refusal: the first the rule itself spells (outside
    its string literals) that the refused part also holds - so the FROM of `IS DISTINCT
    FROM` or `EXTRACT(year FROM ts)` is not named for a subquery beside it -, else the
    first the rule spells, else the refused node's kind."""
    spelt = [w.upper() for w in _WORDS.findall(_LITERALS.sub("''", sql))]
    held = {w.upper() for w in _WORDS.findall(_LITERALS.sub("''", node.sql("postgres")))}
    return next((w for w in spelt if w in held), spelt[0] if spelt else node.key.upper())


def parse_rule(sql: str) -> exp.Expression:
    """The rule's parse tree; ValueError naming what is not allowed."""
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except SqlglotError as exc:
        first = " ".join(str(exc).split("\n")[0].split())
        raise ValueError(f"not a valid SQL expression: {first}") from None
    for node in tree.walk():
        if isinstance(node, _QUERY_NODES):
            raise ValueError(f"{NOT_A_QUERY} ({_word(node, sql)!r} is not allowed)")
        if isinstance(node, exp.Anonymous):
            raise ValueError(f"function {node.name!r} is not allowed in a rule")
    return tree


def rule_columns(sql: str) -> set[str]:
    """The column names a rule reads (ValueError when it is no row expression)."""
    return {c.name for c in parse_rule(sql).find_all(exp.Column)}
