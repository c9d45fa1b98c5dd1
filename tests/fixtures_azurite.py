"""Azurite (the Azure blob emulator) for tests, plus lake fixtures over both stores.

One Azurite per pytest process (so each xdist worker gets its own free port and data
folder), started from node_modules and stopped by its pid. `lake_store` runs a test on
the local folder store and on Azurite.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.requires import require

ROOT = Path(__file__).resolve().parents[1]
AZURITE_BIN = ROOT / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's well-known development key (public, documented by Microsoft)
ACCOUNT_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)


@dataclass(frozen=True)
class Azurite:
    host: str
    port: int
    account: str
    account_key: str

    @property
    def blob_endpoint(self) -> str:
        return f"http://{self.host}:{self.port}/{self.account}"

    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={self.account};"
            f"AccountKey={self.account_key};BlobEndpoint={self.blob_endpoint};"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"azurite exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"azurite did not listen on port {port} within {timeout}s")


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    require(AZURITE_BIN.exists(), str(AZURITE_BIN), "run `npm ci` (package.json)")
    location = tmp_path_factory.mktemp("azurite")
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(AZURITE_BIN),
            "--silent",
            "--location",
            str(location),
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            str(port),
            "--skipApiVersionCheck",
            "--loose",
            "--disableTelemetry",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: we stop it and its children
    )
    try:
        _wait_listening(port, proc)
        yield Azurite("127.0.0.1", port, ACCOUNT, ACCOUNT_KEY)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(location, ignore_errors=True)


def new_azure_store(azurite: Azurite, prefix: str = "lake"):
    """A fresh container on Azurite and the store rooted at `prefix` in it."""
    from wdguard.lake.azure import AzureBlobStore

    container = "t" + uuid.uuid4().hex[:20]
    env = {"AZURE_STORAGE_CONNECTION_STRING": azurite.connection_string}
    store = AzureBlobStore.from_url(f"az://{container}/{prefix}", env=env)
    store.create_container()
    return store


@pytest.fixture
def azure_lake(azurite):
    store = new_azure_store(azurite)
    yield store
    store._cc.delete_container()


@pytest.fixture
def local_lake(tmp_path):
    from wdguard.lake.storage import LocalStore

    root = tmp_path / "lake"
    root.mkdir()
    return LocalStore(root)


@pytest.fixture(params=["local", pytest.param("azurite", marks=pytest.mark.azurite)])
def lake_store(request):
    """The same test on a local folder and on Azurite (ADLS Gen2 via the blob API)."""
    if request.param == "local":
        return request.getfixturevalue("local_lake")
    return request.getfixturevalue("azure_lake")
