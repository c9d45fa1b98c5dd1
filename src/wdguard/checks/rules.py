"""Business rules: the contract's SQL boolean expressions, validated before any data is read.

Rules are compiled up front for every contract by the engine that will run them (its
`rule_parts`: Polars' SQL, or sqlglot -> Spark SQL), so a rule that does not parse or
names a column the contract lacks stops the gate (exit 2) before any data is read, with
one line naming the contract and the rule.
"""

from __future__ import annotations

from typing import Any

from wdguard.contracts.model import Contract
from wdguard.errors import InputError


def compile_rule(contract: Contract, name: str, sql: str, engine: Any = None) -> Any:
    """The rule's pass expression on `engine` (default: Polars)."""
    if engine is None:
        from wdguard.checks.engines import get_engine

        engine = get_engine("polars")
    where = f"contract {contract.contract}, rule {name}"
    origin = contract.rule_location(name)
    if origin:
        where = f"{origin}: {where}"
    try:
        expr, roots = engine.x.rule_parts(sql)
    except Exception as exc:  # SQLInterfaceError / SQLSyntaxError / ComputeError / ValueError
        first = " ".join(str(exc).split("\n")[0].split())
        raise InputError(f"not a valid SQL expression: {first}", where=where) from None
    unknown = sorted(r for r in roots if r not in contract.columns)
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)}", where=where)
    return expr


def validate_rules(contracts: list[Contract], engine: Any = None) -> None:
    for contract in contracts:
        for rule in contract.rules:
            compile_rule(contract, rule.name, rule.sql, engine)
