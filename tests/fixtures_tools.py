"""Fixtures for the external test tools: Prisma's parser (node), squawk, chromium.

Node packages and squawk are declared (package.json, the dev extra): a missing one fails.
Chromium is a Debian package `.ci/run` installs: skipped with the reason elsewhere.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.requires import optional, require

ROOT = Path(__file__).resolve().parent.parent
PRISMA_WASM = ROOT / "node_modules" / "@prisma" / "prisma-schema-wasm"


@pytest.fixture(scope="session")
def prisma_wasm() -> Path:
    require(shutil.which("node") is not None, "node", "install Node.js 20")
    require(PRISMA_WASM.is_dir(), str(PRISMA_WASM), "run `npm ci` (package.json)")
    return PRISMA_WASM


@pytest.fixture(scope="session")
def squawk_bin() -> str:
    path = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
    require(Path(path).exists(), "squawk", "pip install -e '.[dev]' (squawk-cli)")
    return path


@pytest.fixture(scope="session")
def chromium_bin() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    optional(path is not None, "chromium", "apt-get install -y chromium")
    return path
