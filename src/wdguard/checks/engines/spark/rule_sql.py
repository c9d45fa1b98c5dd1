"""A contract rule's SQL, as Spark SQL: transpiled by sqlglot, refused if it is not a row
expression.

Rules are written once, in the PostgreSQL-flavoured SQL that Polars' SQL also reads
(`"type"` is a column, `'it''s'` a string). Spark reads `"type"` as a string literal and
joins `'it' 's'` into `its`, so passing the text through would silently change meaning:
sqlglot parses it as PostgreSQL and prints Spark SQL (backtick identifiers, escaped
quotes). The parse tree is also where the rule's restrictions are enforced on Spark: no
query, subquery or table, and only functions sqlglot knows (a session UDF, `reflect` or
`java_method` could read or call anything).
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

_NOT_A_QUERY = "a rule is an expression over one row's columns, not a query"
_QUERY_NODES = (exp.Query, exp.Subquery, exp.Table, exp.From, exp.Join, exp.Command)


def parse_rule(sql: str) -> exp.Expression:
    """The rule's parse tree; ValueError naming what is not allowed."""
    try:
        tree = sqlglot.parse_one(sql, read="postgres")
    except SqlglotError as exc:
        first = " ".join(str(exc).split("\n")[0].split())
        raise ValueError(f"not a valid SQL expression: {first}") from None
    for node in tree.walk():
        if isinstance(node, _QUERY_NODES):
            raise ValueError(_NOT_A_QUERY)
        if isinstance(node, exp.Anonymous):
            raise ValueError(f"function {node.name!r} is not allowed in a rule")
    return tree


def rule_columns(sql: str) -> set[str]:
    """The column names a rule reads."""
    return {c.name for c in parse_rule(sql).find_all(exp.Column)}


def to_spark_sql(sql: str) -> str:
    return parse_rule(sql).sql(dialect="spark")
