"""Test-tool prerequisites: declared in pyproject's dev extra or package.json, so missing
ones are an install problem to fail on, not a reason to skip tests silently."""

from __future__ import annotations

import os

import pytest


def require(ok: bool, what: str, how: str) -> None:
    """Fail the test (never skip) when a declared test prerequisite is missing."""
    if not ok:
        pytest.fail(f"{what} is missing: {how}", pytrace=False)


def optional(ok: bool, what: str, how: str) -> None:
    """A tool outside pip/npm (a Debian package): skip with the reason on a developer's
    machine, fail in CI, where `.ci/run` installs it."""
    if ok:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is missing in CI: {how}", pytrace=False)
    pytest.skip(reason=f"{what} is not installed: {how}")  # never in CI: fails above
