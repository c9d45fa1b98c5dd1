"""Fixtures for mongo tests (filled in by the area that owns them)."""
