"""LKD108 protocol.feature_added (see the class docstring)."""

from __future__ import annotations

from wdguard.findings import RuleKind, register


@register
class ProtocolFeatureAdded(RuleKind):
    """A Delta table started requiring a reader feature (deletion vectors, column mapping, type
    widening, ...).

    **Anti-pattern**

    Enabling a table feature without checking every reader: a reader without it fails,
    or (worse) reads deleted rows.

    **Best practice**

    Check every reader (wdguard's Polars reader refuses deletion vectors) before
    enabling a feature; see the Delta guide.

    **Compared**

    Reader features of consecutive `protocol` actions.

    **Severity**

    warning: some readers may refuse the table from this version on.
    """

    code = "LKD108"
    name = "protocol.feature_added"
    family = "lake"
    compat = "warning"
