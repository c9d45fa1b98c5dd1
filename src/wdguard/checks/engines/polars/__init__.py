"""The Polars engine: hooks (`hooks.py`), expressions, bounded-memory keys, pandera schema."""
