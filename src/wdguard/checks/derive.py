"""Contract -> check specs, independent of any dataframe engine.

Every check comes from the contract: nothing about a table is hard-coded here.
Bronze gets `castable` checks (raw values must cast to the contract's types); silver
gets exact dtypes (checked by the schema step). Value checks run on the values cast to
the contract's types in both layers.
"""

from __future__ import annotations

from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Column, Contract, ForeignKey

# logical types whose raw values can fail to cast (strings always cast to strings)
CASTABLE_TYPES = frozenset(
    {"integer", "bigint", "float", "decimal", "boolean", "date", "timestamp"}
)


def rule_column_names(contract: Contract, sql: str) -> list[str]:
    """The contract columns a rule reads (`contracts/rule_sql.py`), in contract order (to
    name findings); none when it is no row expression (the engine refuses it before any
    data is read)."""
    from wdguard.contracts.rule_sql import rule_columns  # sqlglot: only for a contract's rules

    try:
        read = rule_columns(sql)
    except ValueError:
        return []
    return [name for name in contract.columns if name in read]


def _sev(column: Column) -> str:
    return column.severity or "error"


def _sampled_sev(contract: Contract, column: Column, sampled: bool) -> str:
    """A fact learnt from a Mongo sample (the values seen, a field present in 99% of the
    sample) cannot prove that every document obeys it: unless a reviewer set the column's
    severity, breaking it is a warning, not a closed gate. Declared facts stay errors:
    a Mongoose model's `required` and `enum` (a `declared` column) are the contract."""
    if column.declared:
        return _sev(column)
    if column.severity is None and sampled and contract.source.kind == "mongodb":
        return "warn"
    return _sev(column)


def column_specs(contract: Contract, name: str, column: Column, layer: str) -> list[CheckSpec]:
    base = {"contract": contract.contract, "object": contract.object_name, "column": name}
    sev = _sev(column)
    specs: list[CheckSpec] = [CheckSpec("column_missing", severity=sev, **base)]
    specs.append(CheckSpec("dtype", severity=sev, **base))
    if layer == "bronze" and column.type in CASTABLE_TYPES:
        specs.append(CheckSpec("castable", severity=sev, **base))
    if not column.nullable:
        sampled = column.presence is not None and column.presence < 1.0
        specs.append(
            CheckSpec("not_null", severity=_sampled_sev(contract, column, sampled), **base)
        )
    if column.unique and contract.primary_key != [name]:
        specs.append(CheckSpec("unique", severity=sev, params={"columns": [name]}, **base))
    values = column.values if column.type == "enum" else None
    observed = not column.accepted_values  # enum values of a Mongo contract were only seen
    values = column.accepted_values or values
    if values:
        specs.append(
            CheckSpec(
                "in_values",
                severity=_sampled_sev(contract, column, observed),
                params={"values": list(values)},
                **base,
            )
        )
    if column.min is not None or column.max is not None:
        specs.append(
            CheckSpec(
                "between", severity=sev, params={"min": column.min, "max": column.max}, **base
            )
        )
    if column.regex:
        specs.append(CheckSpec("regex", severity=sev, params={"pattern": column.regex}, **base))
    if column.min_length is not None or column.max_length is not None:
        # a declared minlength/maxlength, checked as a pattern: no engine needs a new check
        lo, hi = column.min_length or 0, "" if column.max_length is None else column.max_length
        specs.append(CheckSpec("regex", severity=sev, name="length",
                               params={"pattern": f"^(?s:.){{{lo},{hi}}}$"}, **base))
    return specs


def is_element_path(name: str | None) -> bool:
    return bool(name) and "[]" in name



def element_specs(contract: Contract, name: str, column: Column, layer: str) -> list[CheckSpec]:
    """A scalar column's checks, for an element path. Elements of arrays of sub-documents
    may land as JSON text in either layer, so castability is checked in silver too (a
    typed element always casts); a unique constraint has no meaning per element."""
    specs = [s for s in column_specs(contract, name, column, layer) if s.check != "unique"]
    if layer != "bronze" and column.type in CASTABLE_TYPES:
        base = {"contract": contract.contract, "object": contract.object_name, "column": name}
        specs.insert(2, CheckSpec("castable", severity=column.severity or "error", **base))
    return specs


def length_specs(contract: Contract, name: str, column: Column) -> list[CheckSpec]:
    """`min_items` / `max_items` of an array column (a contract's or a Mongoose validator)."""
    if column.type != "list" or (column.min_items is None and column.max_items is None):
        return []
    return [
        CheckSpec(
            "array_length",
            contract=contract.contract,
            object=contract.object_name,
            column=name,
            severity=column.severity or "error",
            params={"min": column.min_items, "max": column.max_items},
        )
    ]


def specs_for(contract: Contract, layer: str) -> list[CheckSpec]:
    """Schema and row-level checks of one contract's partition in `layer`."""
    specs: list[CheckSpec] = []
    for name, column in contract.columns.items():
        each = element_specs if is_element_path(name) else column_specs
        specs.extend(each(contract, name, column, layer))
        specs.extend(length_specs(contract, name, column))
    base = {"contract": contract.contract, "object": contract.object_name}
    if contract.primary_key:
        pk = list(contract.primary_key)
        specs.append(
            CheckSpec(
                "duplicate_pk",
                column=",".join(pk),
                params={"columns": pk},
                **base,
            )
        )
    for key in contract.unique_keys:
        specs.append(
            CheckSpec("unique", column=",".join(key), params={"columns": list(key)}, **base)
        )
    for rule in contract.rules:
        specs.append(
            CheckSpec(
                "rule",
                severity=rule.severity,
                name=rule.name,
                column=",".join(rule_column_names(contract, rule.sql)) or None,
                params={"sql": rule.sql},
                **base,
            )
        )
    return specs


def _fk_severity(child: Contract, fk: ForeignKey) -> str:
    """warn only when every key column is declared warn-level."""
    sevs = [child.columns[c].severity for c in fk.columns if c in child.columns]
    return "warn" if sevs and all(s == "warn" for s in sevs) else "error"


def fk_spec(child: Contract, fk: ForeignKey) -> CheckSpec:
    """The orphan check of one foreign key (the same spec for every engine)."""
    return CheckSpec(
        "orphan_fk",
        contract=child.contract,
        object=child.object_name,
        column=",".join(fk.columns),
        name=fk.name,
        severity=_fk_severity(child, fk),  # type: ignore[arg-type]
        params={"references": f"{fk.references}({','.join(fk.ref_columns)})"},
    )
