"""Fixtures for pg tests (filled in by the area that owns them)."""
