"""A contract rule's SQL, as Spark SQL: transpiled by sqlglot, refused if it is not a row
expression.

Rules are written once, in the PostgreSQL-flavoured SQL that Polars' SQL also reads
(`"type"` is a column, `'it''s'` a string). Spark reads `"type"` as a string literal and
joins `'it' 's'` into `its`, so passing the text through would silently change meaning:
sqlglot parses it as PostgreSQL (`contracts/rule_sql.py`) and prints Spark SQL (backtick
identifiers, escaped quotes). The parse tree is also where the rule's restrictions are
enforced on Spark: no query, subquery or table, and only functions sqlglot knows (a
session UDF, `reflect` or `java_method` could read or call anything).
"""

from __future__ import annotations

from wdguard.contracts.rule_sql import parse_rule


def to_spark_sql(sql: str) -> str:
    return parse_rule(sql).sql(dialect="spark")
