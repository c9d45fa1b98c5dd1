"""MGD104 field.type_widened (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldTypeWidened(RuleKind):
    """A number field holds a wider number type than the contract lists (int64 or double
    where int32 was, Decimal128 where double was): same family, so a warning.

    Also reported when a field the contract only ever saw as null gets its first type.

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
