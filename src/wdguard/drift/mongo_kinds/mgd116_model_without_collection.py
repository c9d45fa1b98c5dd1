"""MGD116 model.without_collection (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ModelWithoutCollection(RuleKind):
    """A Mongoose model's collection is absent or empty in the database.

    **Anti-pattern**

    A model renamed or given a `collection` option while the data stayed where it was:
    the app now writes to a new, empty collection and the pipeline reads the old one.

    **Best practice**

    Check the model's collection name (`collection` option, else the pluralised model
    name, which `wdguard contracts derive mongoose` shows) against the database.
    """

    code = "MGD116"
    name = "model.without_collection"
    family = "mongo"
    compat = "warning"
