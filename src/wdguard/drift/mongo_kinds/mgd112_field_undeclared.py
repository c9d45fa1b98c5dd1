"""MGD112 field.undeclared (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldUndeclared(RuleKind):
    """Documents carry a field path that no Mongoose model declares (with its share).

    **Anti-pattern**

    A field written by an old app version, a migration script or a hand fix in the
    shell: the app's models do not know it, so nobody reviews it, and the pipeline reads
    it as if it were part of the schema.

    **Best practice**

    Declare the field in the model (and re-derive with `wdguard contracts derive
    mongoose`), or clean the documents up; a field the model declares as `Mixed` may
    hold anything and is not reported.
    """

    code = "MGD112"
    name = "field.undeclared"
    family = "mongo"
    compat = "warning"
