"""Alerts: one message per run to Slack, Microsoft Teams or a generic JSON webhook.

The rules come from `wdguard.toml` `[alerts]`: which events alert (the gate failed or could
not decide, breaking drift, a DQ check over its threshold, a freshness SLA breached, a run
slower than its budget) and where to. A webhook URL is a credential, so the config only
names the environment variable that holds it (`url_env`). Every run's events are gathered
into ONE message per target; texts are passed through `redact` so no DSN password or URL
leaks into chat. Sending retries with exponential backoff under a per-attempt timeout and
a bounded number of attempts; a failed delivery is returned as data (and shown by the
command) and never changes the verdict of the run that triggered it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import Any

from wdguard.config import env_secret
from wdguard.contracts.model import parse_duration
from wdguard.errors import InputError
from wdguard.findings import Finding
from wdguard.record import RunRecord
from wdguard.redact import redact, redact_text
from wdguard.version import __version__

EVENTS = {
    "gate_failed": "the gate failed (exit 1)",
    "gate_undecided": "the gate could not decide (exit 2)",
    "breaking_drift": "breaking drift in a source",
    "dq_threshold": "a data-quality check over its failing-rows threshold",
    "freshness_sla": "a freshness SLA breached",
    "slow_run": "a run slower than its budget",
    "cache_threshold": "an error-level Redis cache finding (hit ratio, evictions, memory, TTLs)",
    "anomaly": "a column metric outside the band its history expects (family anomaly)",
}
KINDS = ("slack", "teams", "webhook")
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
WHERE = "wdguard.toml [alerts]"


@dataclass
class Target:
    name: str
    kind: str
    url_env: str
    events: list[str]
    card: str = "messagecard"  # teams only: messagecard | adaptive


@dataclass
class AlertConfig:
    targets: list[Target] = field(default_factory=list)
    events: list[str] = field(default_factory=lambda: list(EVENTS))
    timeout_s: float = 5.0
    retries: int = 3  # attempts after the first one
    backoff_s: float = 1.0  # first wait; doubles each retry
    run_budget_s: float | None = None
    dq_max_failing_ratio: float = 0.0  # a check fails the threshold above this share


@dataclass
class Event:
    kind: str
    severity: str  # error | warning
    text: str


@dataclass
class Delivery:
    target: str
    kind: str
    ok: bool
    attempts: int
    status: int | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_events(names: Any, where: str) -> list[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise InputError("`events` must be a list of event names", where=where)
    unknown = [n for n in names if n not in EVENTS]
    if unknown:
        raise InputError(
            f"unknown alert event {unknown[0]!r}; known: {', '.join(EVENTS)}", where=where
        )
    return names


def load_alert_config(config: dict[str, Any]) -> AlertConfig:
    """The `[alerts]` table of the config, validated; InputError names the bad key."""
    table = config.get("alerts") or {}
    if not isinstance(table, dict):
        raise InputError("[alerts] must be a table", where=WHERE)
    cfg = AlertConfig()
    if "events" in table:
        cfg.events = _check_events(table["events"], f"{WHERE} events")
    try:
        cfg.timeout_s = float(table.get("timeout", cfg.timeout_s))
        cfg.retries = int(table.get("retries", cfg.retries))
        cfg.backoff_s = float(table.get("backoff", cfg.backoff_s))
        cfg.dq_max_failing_ratio = float(table.get("dq_max_failing_ratio", 0.0))
        if "run_budget" in table:
            cfg.run_budget_s = float(parse_duration(str(table["run_budget"])))
    except (TypeError, ValueError) as exc:
        raise InputError(f"bad value: {exc}", where=WHERE) from None
    if cfg.timeout_s <= 0 or cfg.retries < 0 or cfg.backoff_s < 0:
        raise InputError("timeout must be > 0, retries and backoff >= 0", where=WHERE)
    targets = table.get("targets") or {}
    if not isinstance(targets, dict):
        raise InputError("[alerts.targets] must be a table of named targets", where=WHERE)
    for name, t in targets.items():
        where = f"wdguard.toml [alerts.targets.{name}]"
        if not isinstance(t, dict):
            raise InputError("a target must be a table", where=where)
        kind = t.get("kind")
        if kind not in KINDS:
            raise InputError(f"`kind` must be one of {', '.join(KINDS)}", where=where)
        if "url" in t:
            raise InputError(
                "webhook URLs are secrets: put the URL in an environment variable "
                "and name it with `url_env`",
                where=where,
            )
        url_env = t.get("url_env")
        if not isinstance(url_env, str) or not url_env:
            raise InputError("`url_env` (the variable holding the URL) is required", where=where)
        card = t.get("card", "messagecard")
        if card not in ("messagecard", "adaptive"):
            raise InputError("`card` must be messagecard or adaptive", where=where)
        events = _check_events(t["events"], where) if "events" in t else list(cfg.events)
        cfg.targets.append(Target(str(name), kind, url_env, events, card))
    return cfg


# --- events ---------------------------------------------------------------------------


def events_from_run(run: dict[str, Any] | None, cfg: AlertConfig) -> list[Event]:
    """Events of one gate run, from its normalised summary (see report.runs)."""
    if not run:
        return []
    events: list[Event] = []
    verdict = run.get("verdict")
    if verdict == "undecided":
        reason = run.get("error") or "see the run record"
        events.append(Event("gate_undecided", "error", f"Gate could not decide: {reason}"))
    elif verdict == "fail":
        failing = [c for c in run.get("checks", []) if c.get("failed") and c["severity"] == "error"]
        names = ", ".join(sorted({_check_label(c) for c in failing})[:8])
        events.append(
            Event("gate_failed", "error", f"Gate failed: {len(failing)} check(s) — {names}")
        )
    for c in run.get("checks", []):
        if not c.get("failed"):
            continue
        if c.get("check") == "anomaly":
            sev = "error" if c["severity"] == "error" else "warning"
            events.append(Event("anomaly", sev, f"Anomaly {_check_label(c)}: {c['message']}"))
            continue
        if c.get("kind") == "freshness":
            events.append(
                Event(
                    "freshness_sla",
                    "error",
                    f"Freshness SLA breached: {_check_label(c)}"
                    + (f" — {c['message']}" if c.get("message") else ""),
                )
            )
            continue
        rows, failing = c.get("rows") or 0, c.get("failing_rows") or 0
        ratio = failing / rows if rows else (1.0 if failing else 0.0)
        if failing and ratio > cfg.dq_max_failing_ratio:
            events.append(
                Event(
                    "dq_threshold",
                    "error" if c["severity"] == "error" else "warning",
                    f"{_check_label(c)}: {failing:,} failing row(s) of {rows:,} ({ratio:.2%})",
                )
            )
    duration = run.get("duration_s")
    if cfg.run_budget_s is not None and duration is not None and duration > cfg.run_budget_s:
        events.append(
            Event(
                "slow_run", "warning", f"Run took {duration:.0f}s, budget {cfg.run_budget_s:.0f}s"
            )
        )
    return events


def events_from_drift(findings: list[Finding], source: str) -> list[Event]:
    breaking = [f for f in findings if f.compat == "breaking" or f.severity == "error"]
    return [
        Event(
            "breaking_drift",
            "error",
            f"{source}: {f.code} {f.object or ''}{'.' + f.column if f.column else ''} — "
            f"{f.message}",
        )
        for f in breaking
    ]


def _check_label(c: dict[str, Any]) -> str:
    parts = [c.get("contract") or c.get("object") or "?", c.get("column"), c.get("check")]
    return ".".join(p for p in parts if p)


# --- messages -------------------------------------------------------------------------


@dataclass
class Message:
    title: str
    status: str  # ok | warning | failed
    events: list[Event]
    facts: dict[str, str]


_COLOR = {"failed": "D70000", "warning": "F2A900", "ok": "2EB67D"}
_EMOJI = {"failed": ":red_circle:", "warning": ":large_yellow_circle:", "ok": ":white_check_mark:"}
_MAX_LINES = 20


def build_message(title: str, events: list[Event], facts: dict[str, Any]) -> Message:
    """One message summarising every event of a run; all text redacted."""
    status = (
        "failed" if any(e.severity == "error" for e in events) else "warning" if events else "ok"
    )
    clean = [Event(e.kind, e.severity, redact_text(e.text)) for e in events]
    clean_facts = {str(k): redact_text(str(v)) for k, v in facts.items() if v is not None}
    return Message(redact_text(title), status, clean, clean_facts)


def _lines(msg: Message) -> list[str]:
    lines = [e.text for e in msg.events[:_MAX_LINES]]
    if len(msg.events) > _MAX_LINES:
        lines.append(f"… and {len(msg.events) - _MAX_LINES} more")
    return lines


def payload(target: Target, msg: Message) -> dict[str, Any]:
    """The JSON body each kind of webhook expects."""
    lines = _lines(msg)
    if target.kind == "slack":
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": msg.title[:150]}},
        ]
        if lines:
            text = "\n".join(f"• {t}" for t in lines)
            if len(text) > 2900:  # Slack refuses section texts over 3000 characters
                text = text[:2900].rsplit("\n", 1)[0] + "\n…"
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": " | ".join(f"*{k}*: {v}" for k, v in msg.facts.items()),
                    }
                ],
            }
        )
        return {"text": f"{_EMOJI[msg.status]} {msg.title}", "blocks": blocks}
    if target.kind == "teams" and target.card == "adaptive":
        body: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": msg.title,
                "weight": "Bolder",
                "size": "Medium",
                "color": {"failed": "Attention", "warning": "Warning", "ok": "Good"}[msg.status],
                "wrap": True,
            },
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in msg.facts.items()]},
        ]
        body += [
            {"type": "TextBlock", "text": f"- {t}", "wrap": True, "spacing": "None"} for t in lines
        ]
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": body,
                    },
                }
            ],
        }
    if target.kind == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": msg.title,
            "themeColor": _COLOR[msg.status],
            "title": msg.title,
            "sections": [
                {
                    "facts": [{"name": k, "value": v} for k, v in msg.facts.items()],
                    "text": "\n\n".join(f"- {t}" for t in lines) or "No events.",
                }
            ],
        }
    return {
        "source": "wdguard",
        "version": __version__,
        "title": msg.title,
        "status": msg.status,
        "facts": msg.facts,
        "events": [asdict(e) for e in msg.events],
    }


# --- delivery -------------------------------------------------------------------------


def post_json(
    url: str,
    body: dict[str, Any],
    *,
    timeout_s: float,
    retries: int,
    backoff_s: float,
    sleep: Any = time.sleep,
) -> tuple[bool, int, int | None, str | None]:
    """POST with retries on timeouts, connection errors, 429 and 5xx.

    Returns (ok, attempts, last status, error). Errors never contain the URL.
    """
    data = json.dumps(body).encode()
    status: int | None = None
    error: str | None = None
    for attempt in range(1, retries + 2):
        req = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": f"wdguard/{__version__}"},
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout_s) as resp:
                status = resp.status
                return True, attempt, status, None
        except urllib.error.HTTPError as exc:
            status, error = exc.code, f"HTTP {exc.code}"
            if exc.code not in _RETRY_STATUS:
                return False, attempt, status, error
        except TimeoutError:
            status, error = None, f"timed out after {timeout_s:g}s"
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                status, error = None, f"timed out after {timeout_s:g}s"
            else:
                why = getattr(reason, "strerror", None) or reason
                status, error = None, f"cannot connect: {why}"
        except (OSError, ValueError) as exc:  # connection reset, bad URL
            status, error = None, f"{type(exc).__name__}: {exc}"
        if attempt <= retries:
            sleep(backoff_s * 2 ** (attempt - 1))
    return False, retries + 1, status, redact_text(error or "failed").replace(url, "<url>")


def send(
    cfg: AlertConfig,
    msg: Message,
    *,
    only: str | None = None,
    kinds_of_events: set[str] | None = None,
) -> list[Delivery]:
    """Deliver the message to every target that listens to one of its events.

    `kinds_of_events=None` means "send regardless" (the test message)."""
    out: list[Delivery] = []
    for t in cfg.targets:
        if only and t.name != only:
            continue
        if kinds_of_events is not None and not (kinds_of_events & set(t.events)):
            continue
        url = env_secret(t.url_env)
        if not url:
            out.append(
                Delivery(
                    t.name, t.kind, False, 0, error=f"environment variable {t.url_env} is not set"
                )
            )
            continue
        ok, attempts, status, error = post_json(
            url,
            redact(payload(t, msg)),
            timeout_s=cfg.timeout_s,
            retries=cfg.retries,
            backoff_s=cfg.backoff_s,
        )
        if error:
            error = error.replace(url, "<url>")
        out.append(Delivery(t.name, t.kind, ok, attempts, status, error))
    return out


def alert(
    cfg: AlertConfig, title: str, events: list[Event], facts: dict[str, Any]
) -> list[Delivery]:
    """Send the run's events (those the config alerts on) as one message per target."""
    wanted = [e for e in events if e.kind in cfg.events]
    if not wanted or not cfg.targets:
        return []
    msg = build_message(title, wanted, facts)
    return send(cfg, msg, kinds_of_events={e.kind for e in wanted})


def test_message(facts: dict[str, Any]) -> Message:
    return build_message(
        "wdguard test alert",
        [Event("test", "warning", "This is a test message from `wdguard alert test`.")],
        facts,
    )


def notify_run(record: RunRecord | dict[str, Any], config_path: Any = None) -> list[Delivery]:
    """After a gate run: alert on its events when `[alerts]` is configured.

    Never raises: a bad alert config or a failed delivery is printed on stderr and
    returned; the gate's exit code stays the record's."""
    import sys

    from wdguard.config import load_config
    from wdguard.errors import WdguardError
    from wdguard.record import load_run_record
    from wdguard.report.runs import normalise

    try:
        cfg = load_alert_config(load_config(config_path))
        if not cfg.targets:
            return []
        record = load_run_record(record)
        run = normalise(record)
        verdict = {"pass": "passed", "fail": "FAILED", "undecided": "could not decide"}.get(
            run["verdict"], run["verdict"])
        deliveries = alert(cfg, f"wdguard gate {verdict} for {run['date']}",
                           events_from_run(run, cfg),
                           {"date": run["date"], "run": run["run_id"],
                            "exit code": run["exit_code"],
                            "lake": record.inputs.lake})
    except WdguardError as exc:
        sys.stderr.write(f"wdguard: warning: alerts not sent: {exc.one_line()}\n")
        return []
    except Exception as exc:  # an alert must never change the verdict
        sys.stderr.write(f"wdguard: warning: alerts not sent: {type(exc).__name__}\n")
        return []
    for d in deliveries:
        if not d.ok:
            sys.stderr.write(f"wdguard: warning: alert to {d.target} failed: {d.error}\n")
    return deliveries
