"""wdguard: the data-quality and schema-evolution guard of the WasteDump pipeline."""

__version__ = "0.1.0"
