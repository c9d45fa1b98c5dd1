"""MGD117 collection.without_model (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class CollectionWithoutModel(RuleKind):
    """The database has a collection that no Mongoose-derived contract describes.

    **Anti-pattern**

    A collection written by a script, a retired app version or a misspelt model name:
    its documents follow no declared schema.

    **Best practice**

    Add its model to the files `wdguard contracts derive mongoose` reads, or drop the
    collection once nothing reads it.
    """

    code = "MGD117"
    name = "collection.without_model"
    family = "mongo"
    compat = "warning"
