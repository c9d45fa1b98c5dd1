"""Fixtures for azurite tests (filled in by the area that owns them)."""
