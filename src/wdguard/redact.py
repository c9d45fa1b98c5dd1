"""Strip secrets from anything wdguard records or sends (audit entries, alerts, reports).

Secrets live in DSNs (`postgresql://user:pw@host`, `password=...`), Mongo URIs, Azure
connection strings (`AccountKey=...`), SAS query strings (`sig=...`), HTTP bearer tokens
(`Bearer ...`) and webhook URLs (the URL itself is the credential). Redaction is by
shape, so a secret passed in an unexpected option is still caught; keys whose name says
"secret" are masked whole.
"""

from __future__ import annotations

import re
from typing import Any

MASK = "***"

# user:password@ in any URL-like DSN
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<user>[^:/@\s]*):[^@/\s]*@")
# key=value secrets in libpq DSNs, connection strings and query strings
_KV_SECRET = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|account_?key|sharedaccesssignature|sig|token|"
    r"access_token|aws_session_token|api_key|apikey|secret|client_secret)\s*=\s*)"
    r"(?P<val>'(?:[^'\\]|\\.)*'|[^\s;&]+)",
    re.IGNORECASE,
)
# webhook hosts whose path is the credential
_WEBHOOK = re.compile(
    r"https?://(?:hooks\.slack\.com|[\w.-]*webhook\.office\.com|[\w.-]*\.logic\.azure\.com"
    r"|outlook\.office\.com)[^\s\"']*",
    re.IGNORECASE,
)
# `Authorization: Bearer <token>` pasted into an option or echoed by a driver
_BEARER = re.compile(r"\b(?P<key>bearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
_SECRET_KEY = re.compile(r"(password|secret|token|webhook|api_?key|account_?key)", re.I)


def redact_text(text: str) -> str:
    """The text with every recognisable secret replaced by ***."""
    text = _WEBHOOK.sub(lambda m: "https://" + m.group(0).split("/")[2] + "/" + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: f"{m.group('scheme')}{m.group('user')}:{MASK}@", text)
    text = _BEARER.sub(lambda m: f"{m.group('key')}{MASK}", text)
    return _KV_SECRET.sub(lambda m: f"{m.group('key')}{MASK}", text)


def redact(value: Any, key: str | None = None) -> Any:
    """Redact a JSON-like value recursively; values under secret-looking keys are masked."""
    if key is not None and _SECRET_KEY.search(key) and isinstance(value, str) and value:
        return MASK
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value
