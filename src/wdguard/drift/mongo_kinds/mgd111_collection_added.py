"""MGD111 collection.added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class CollectionAdded(RuleKind):
    """The database has a collection no contract describes.

    **Anti-pattern**

    New collections landing in the lake unnoticed, with no contract and so no checks.

    **Best practice**

    Derive a contract for it (`wdguard contracts derive mongo --collection NAME`).
    """

    code = "MGD111"
    name = "collection.added"
    family = "mongo"
    compat = "compatible"
