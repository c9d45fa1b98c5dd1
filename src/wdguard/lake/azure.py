"""ADLS Gen2 (and Azurite) through the blob API.

ADLS Gen2 accounts serve the blob API as well as the dfs API; Azurite serves only the
blob API. So this store speaks blob only: one `upload_blob` per object (a reader sees the
old object or the new one, never half), create-only writes with If-None-Match: * (the
SDK's `overwrite=False`), and folders from `walk_blobs(delimiter="/")`.

Credentials, first found wins: `AZURE_STORAGE_CONNECTION_STRING` (Azurite's included),
`AZURE_STORAGE_KEY` (account key), `DefaultAzureCredential` (managed identity, az login,
environment service principal). Secrets never appear in `url`, in errors or in logs.
Polars reads partitions itself, through object_store, with the options `scan_target`
returns (verified against Azurite: a custom endpoint plus allow_http).
"""

from __future__ import annotations

import math
import os
import re
from typing import Any
from urllib.parse import urlparse

from wdguard.errors import InputError, LakeUnreachable, SourceError
from wdguard.lake.storage import Store

CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 120
RETRIES = 3
# a lake behind a hung endpoint must fail in bounded time, and the bound is the user's
TIMEOUT_ENV = {
    "connect": "WDGUARD_AZURE_CONNECT_TIMEOUT",
    "read": "WDGUARD_AZURE_READ_TIMEOUT",
    "retries": "WDGUARD_AZURE_RETRIES",
}
_SECRET_RE = re.compile(
    r"(AccountKey=|SharedAccessSignature=|sig=|account_key['\"]?\s*[:=]\s*['\"]?)[^;&\s'\"]+",
    re.IGNORECASE,
)


def redact(text: str, *secrets: str | None) -> str:
    """The text with keys, SAS signatures and the given secrets replaced by ***."""
    text = _SECRET_RE.sub(lambda m: m.group(1) + "***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def timeouts_from(env: dict[str, str]) -> tuple[float, float, int]:
    """(connect seconds, read seconds, retries) from WDGUARD_AZURE_* or the defaults."""
    values: list[float] = []
    for key, default in (("connect", CONNECT_TIMEOUT_S), ("read", READ_TIMEOUT_S),
                         ("retries", RETRIES)):
        var = TIMEOUT_ENV[key]
        text = env.get(var, "").strip()
        try:
            value = float(text) if text else float(default)
        except ValueError:
            value = -1.0
        whole = key != "retries" or value == int(value) if math.isfinite(value) else False
        if not whole or value < 0 or (key != "retries" and value == 0):
            kind = "a whole number >= 0" if key == "retries" else "seconds > 0"
            raise InputError(f"must be {kind}, not {text!r}", where=var)
        values.append(value)
    return values[0], values[1], int(values[2])


def parse_connection_string(text: str) -> dict[str, str]:
    parts = {}
    for item in text.split(";"):
        if "=" in item:
            key, _, value = item.partition("=")
            parts[key.strip()] = value.strip()
    return parts


def parse_url(url: str) -> tuple[str, str | None, str]:
    """(container, account or None, prefix) from abfs[s]://container@account.dfs.../prefix
    or az://container/prefix."""
    parsed = urlparse(url)
    if parsed.scheme not in ("abfs", "abfss", "az"):
        raise InputError("not an abfs://, abfss:// or az:// URL", where=redact(url))
    prefix = parsed.path.strip("/")
    netloc = parsed.netloc
    if "@" in netloc:
        container, _, host = netloc.partition("@")
        account = host.split(".", 1)[0] or None
    else:
        container, account = netloc, None
    if not container:
        raise InputError("the lake URL names no container", where=redact(url))
    return container, account, prefix


class AzureBlobStore(Store):
    """A lake rooted at `prefix` inside one blob container."""

    def __init__(
        self,
        container_client: Any,
        *,
        prefix: str = "",
        url: str,
        polars_options: dict[str, str],
        secrets: tuple[str, ...] = (),
    ):
        self._cc = container_client
        self.container = container_client.container_name
        self.prefix = prefix.strip("/")
        self.url = redact(url, *secrets)
        self._polars_options = polars_options
        self._secrets = secrets

    # ---- construction -------------------------------------------------------------
    @classmethod
    def from_url(cls, url: str, env: dict[str, str] | None = None) -> AzureBlobStore:
        try:
            from azure.storage.blob import ContainerClient
        except ImportError:  # pragma: no cover - the azure extra is not installed
            raise InputError(
                "Azure lakes need the azure extra",
                where=redact(url),
                hint="pip install 'wdguard[azure]'",
            ) from None
        env = dict(os.environ if env is None else env)
        container, account, prefix = parse_url(url)
        connect_s, read_s, retries = timeouts_from(env)
        from azure.storage.blob import ExponentialRetry

        # the SDK's default backoff (15 s, then 15 + 3^n s) holds a lake that refuses
        # connections for ~80 s per call; 1, 3, 5 s still rides out a blip
        timeouts = {
            "connection_timeout": connect_s,
            "read_timeout": read_s,
            "retry_policy": ExponentialRetry(
                initial_backoff=1, increment_base=2, retry_total=retries, random_jitter_range=1
            ),
        }
        conn = env.get("AZURE_STORAGE_CONNECTION_STRING")
        if conn:
            parts = parse_connection_string(conn)
            account = parts.get("AccountName") or account
            key = parts.get("AccountKey")
            sas = parts.get("SharedAccessSignature")
            endpoint = parts.get("BlobEndpoint") or (
                f"{parts.get('DefaultEndpointsProtocol', 'https')}://{account}.blob."
                f"{parts.get('EndpointSuffix', 'core.windows.net')}"
            )
            try:
                cc = ContainerClient.from_connection_string(conn, container, **timeouts)
            except ValueError as exc:
                raise InputError(
                    f"bad AZURE_STORAGE_CONNECTION_STRING: {redact(str(exc), key, sas)}"
                ) from None
            opts = {"account_name": account or ""}
            if key:
                opts["account_key"] = key
            if sas:
                opts["sas_token"] = sas
            secrets = tuple(s for s in (key, sas) if s)
        else:
            account = account or env.get("AZURE_STORAGE_ACCOUNT_NAME")
            if not account:
                raise InputError(
                    "no storage account: use abfs://container@ACCOUNT.dfs.core.windows.net/"
                    " or set AZURE_STORAGE_ACCOUNT_NAME / AZURE_STORAGE_CONNECTION_STRING",
                    where=url,
                )
            endpoint = f"https://{account}.blob.core.windows.net"
            key = env.get("AZURE_STORAGE_KEY")
            opts = {"account_name": account}
            if key:
                credential: Any = {"account_name": account, "account_key": key}
                opts["account_key"] = key
                secrets = (key,)
            else:
                from azure.identity import DefaultAzureCredential

                credential = DefaultAzureCredential()
                opts["use_azure_cli"] = "false"
                secrets = ()
                opts["_token_credential"] = credential  # resolved lazily in scan_target
            cc = ContainerClient(endpoint, container, credential=credential, **timeouts)
        # the same bounds for Polars' reads (object_store: per request, then retries)
        opts |= {"connect_timeout": f"{connect_s:g}s", "timeout": f"{read_s:g}s"}
        opts["max_retries"] = retries  # type: ignore[assignment] - Polars wants an int
        if not endpoint.startswith("https://") or ".blob.core.windows.net" not in endpoint:
            opts["endpoint"] = f"{endpoint.rstrip('/')}"  # Azurite / sovereign clouds
            if endpoint.startswith("http://"):
                opts["allow_http"] = "true"
        return cls(cc, prefix=prefix, url=url, polars_options=opts, secrets=secrets)

    # ---- helpers ------------------------------------------------------------------
    def _name(self, path: str) -> str:
        path = path.strip("/")
        return f"{self.prefix}/{path}" if self.prefix else path

    def _dir(self, prefix: str) -> str:
        """The blob-name prefix of a folder: 'root/prefix/' (or '' for the container)."""
        name = self._name(prefix) if prefix.strip("/") else self.prefix
        return name + "/" if name else ""

    def _rel(self, name: str) -> str:
        return name[len(self.prefix) + 1 :] if self.prefix else name

    def _error(self, exc: Exception, what: str, path: str) -> SourceError:
        from azure.core.exceptions import ServiceRequestError, ServiceResponseError

        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, ServiceRequestError | ServiceResponseError):  # no HTTP answer
            return LakeUnreachable(
                f"{what} failed: lake unreachable: {redact(first, *self._secrets)}",
                where=f"{self.url.rstrip('/')}/{path}",
            )
        return SourceError(
            f"{what} failed: {redact(first, *self._secrets)}",
            where=f"{self.url.rstrip('/')}/{path}",
        )

    def _call(self, what: str, path: str, fn, *args, **kwargs):
        from azure.core.exceptions import (
            AzureError,
            ResourceExistsError,
            ResourceNotFoundError,
        )

        try:
            return fn(*args, **kwargs)
        except ResourceNotFoundError:
            raise FileNotFoundError(f"{self.url.rstrip('/')}/{path}") from None
        except ResourceExistsError:
            raise FileExistsError(f"{self.url.rstrip('/')}/{path}") from None
        except AzureError as exc:
            raise self._error(exc, what, path) from None

    # ---- Store --------------------------------------------------------------------
    def list(self, prefix: str) -> list[str]:
        start = self._dir(prefix)

        def run() -> list[str]:
            out = []
            for blob in self._cc.list_blobs(name_starts_with=start, include=["metadata"]):
                meta = blob.metadata or {}
                if meta.get("hdi_isfolder") == "true":  # HNS directory placeholders
                    continue
                out.append(self._rel(blob.name))
            return sorted(out)

        try:
            return self._call("list", prefix, run)
        except FileNotFoundError:  # the container itself is missing
            return []

    def list_dirs(self, prefix: str) -> list[str]:
        start = self._dir(prefix)

        def run() -> list[str]:
            names = set()
            for item in self._cc.walk_blobs(name_starts_with=start, delimiter="/"):
                if item.name.endswith("/"):
                    names.add(item.name[len(start) :].rstrip("/"))
            return sorted(n for n in names if n)

        try:
            return self._call("list", prefix, run)
        except FileNotFoundError:
            return []

    def exists(self, path: str) -> bool:
        blob = self._cc.get_blob_client(self._name(path))
        return bool(self._call("exists", path, blob.exists))

    def read_bytes(self, path: str) -> bytes:
        blob = self._cc.get_blob_client(self._name(path))
        return self._call("read", path, lambda: blob.download_blob(max_concurrency=2).readall())

    def size(self, path: str) -> int:
        blob = self._cc.get_blob_client(self._name(path))
        return int(self._call("stat", path, blob.get_blob_properties).size)

    def write_bytes(self, path: str, data: bytes, *, overwrite: bool = True) -> None:
        # one upload: small blobs go in one Put Blob, large ones as blocks committed by a
        # single Put Block List -- either way readers never see a partial object.
        # overwrite=False makes the SDK send If-None-Match: * (create-only).
        self._call(
            "write",
            path,
            self._cc.upload_blob,
            self._name(path),
            data,
            overwrite=overwrite,
            max_concurrency=2,
        )

    def delete(self, path: str) -> None:
        self._call("delete", path, self._cc.delete_blob, self._name(path))

    def scan_target(self, path: str) -> tuple[str, dict[str, Any] | None]:
        uri = f"az://{self.container}/{self._name(path)}"
        opts = dict(self._polars_options)
        credential = opts.pop("_token_credential", None)
        if credential is not None:
            token = self._call(
                "token", path, credential.get_token, "https://storage.azure.com/.default"
            )
            opts["bearer_token"] = token.token
        return uri, opts

    def spark_uri(self, path: str) -> str:
        """abfss:// on the account's dfs endpoint: Databricks' ABFS driver reads it with the
        cluster's credentials. An emulator or custom blob endpoint has no dfs twin."""
        host = urlparse(self._cc.url).hostname or ""
        suffix = ".blob.core.windows.net"
        if not host.endswith(suffix):
            raise InputError(
                f"the spark engine reads local paths and abfss:// on an ADLS Gen2 account; "
                f"{host or 'this endpoint'} is not one",
                where=self.url,
                hint="use --engine polars for this lake",
            )
        account = host[: -len(suffix)]
        return f"abfss://{self.container}@{account}.dfs.core.windows.net/{self._name(path)}"

    def require_container(self) -> None:
        """InputError when the container does not exist (a typo must not read as 'every
        partition is missing'); SourceError when the account cannot be reached."""
        def probe() -> None:
            # a one-blob listing, not Get Container Properties: a container-scoped SAS
            # (the least privilege wdguard needs) may list but not read the container
            start = self._dir("")
            next(self._cc.list_blobs(name_starts_with=start, results_per_page=1).by_page(), None)

        try:
            self._call("probe", "", probe)
        except FileNotFoundError:
            raise InputError(f"container {self.container!r} not found", where=self.url) from None

    def create_container(self) -> None:
        """Create the container if it is missing (tests, `lake generate`)."""
        from azure.core.exceptions import ResourceExistsError

        try:  # an existing container needs no create permission (a container SAS has none)
            self.require_container()
            return
        except (InputError, SourceError):
            pass
        try:
            self._cc.create_container()
        except ResourceExistsError:
            pass
        except Exception as exc:
            from azure.core.exceptions import AzureError

            if isinstance(exc, AzureError):
                raise self._error(exc, "create container", "") from None
            raise
