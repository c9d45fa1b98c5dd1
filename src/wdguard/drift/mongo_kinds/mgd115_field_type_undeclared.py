"""MGD115 field.type_undeclared (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldTypeUndeclared(RuleKind):
    """Sampled documents store a BSON type the model's declared SchemaType does not
    (a string where the model declares `Number`, an object where it declares `Date`).

    **Anti-pattern**

    Values written without Mongoose's casting (the shell, another driver, `$set` with
    `strict: false`): silver's cast to the declared type fails or silently nulls them.

    **Best practice**

    Convert the documents to the declared type, or change the declaration.
    """

    code = "MGD115"
    name = "field.type_undeclared"
    family = "mongo"
    compat = "breaking"
