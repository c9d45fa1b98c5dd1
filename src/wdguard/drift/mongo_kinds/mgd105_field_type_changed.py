"""MGD105 field.type_changed (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class FieldTypeChanged(RuleKind):
    """A field holds a BSON type the contract's type cannot hold (a string where numbers were,
    an object where a string was).

    **Anti-pattern**

    Changing a field's type in place (`rating: "5"` after `rating: 5`): the lake's typed
    columns reject the documents or cast them to null.

    **Best practice**

    Write the new type to a new field (or under a new `schemaVersion`), migrate readers,
    then retire the old shape.
    """

    code = "MGD105"
    name = "field.type_changed"
    family = "mongo"
    compat = "breaking"
