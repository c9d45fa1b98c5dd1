"""MGD110 collection.missing (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class CollectionMissing(RuleKind):
    """A collection with a contract is absent from the database or holds no documents.

    **Anti-pattern**

    Renaming a Mongoose model (and so its collection) without moving the pipeline's source.

    **Best practice**

    Keep the collection name stable (Mongoose's third `model()` argument) or move the
    contract and the pipeline source in the same change.
    """

    code = "MGD110"
    name = "collection.missing"
    family = "mongo"
    compat = "breaking"
