"""wdguard's version: one small module that any layer may import (the package's
`__init__` re-exports it; importing it from there would run back up the package), and
the one place the version is written (`pyproject.toml` reads it)."""

__version__ = "0.1.0"
