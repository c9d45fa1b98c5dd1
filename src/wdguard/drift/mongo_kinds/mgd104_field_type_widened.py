"""MGD104 field.type_widened (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldTypeWidened(RuleKind):
    """A field holds a new BSON type that still fits the contract's type (int among longs or
    doubles, a double among decimals).

    **Anti-pattern**

    Letting JavaScript numbers land as int32, int64 and double in one field: each widening
    loses precision or changes the lake's column type on the next load.

    **Best practice**

    Pin the type in the Mongoose schema (`Schema.Types.Decimal128`, `Long`) and re-derive
    the contract once the mix is intended.
    """

    code = "MGD104"
    name = "field.type_widened"
    family = "mongo"
    compat = "warning"
