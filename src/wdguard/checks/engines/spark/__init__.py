"""The Spark engine: hooks (`hooks.py`), expressions, rules as Spark SQL, the session."""
