"""Business rules: the contract's SQL boolean expressions, compiled by Polars' SQL.

Rules are compiled up front for every contract, so a rule that does not parse or
names a column the contract lacks stops the gate (exit 2) before any data is read,
with one line naming the contract and the rule.
"""

from __future__ import annotations

import polars as pl

from wdguard.checks import expressions as X
from wdguard.contracts.model import Contract
from wdguard.errors import InputError


def compile_rule(contract: Contract, name: str, sql: str) -> pl.Expr:
    where = f"contract {contract.contract}, rule {name}"
    origin = contract.rule_location(name)
    if origin:
        where = f"{origin}: {where}"
    try:
        expr = X.rule(sql)
        roots = set(expr.meta.root_names())
    except Exception as exc:  # SQLInterfaceError / SQLSyntaxError / ComputeError
        first = " ".join(str(exc).split("\n")[0].split())
        raise InputError(f"not a valid SQL expression: {first}", where=where) from None
    unknown = sorted(r for r in roots if r not in contract.columns)
    if unknown:
        raise InputError(f"unknown column(s) {', '.join(unknown)}", where=where)
    return expr


def validate_rules(contracts: list[Contract]) -> None:
    for contract in contracts:
        for rule in contract.rules:
            compile_rule(contract, rule.name, rule.sql)
