"""Alerts against a real HTTP server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tests.alert_server import SECRET_PATH, Recorder
from wdguard.cli import app
from wdguard.errors import InputError
from wdguard.findings import Finding
from wdguard.report.alerts import (
    AlertConfig,
    Target,
    alert,
    events_from_drift,
    events_from_run,
    load_alert_config,
    post_json,
)

DSN_PASSWORD = "pg-Pa55word"


def _failed_run():
    return {
        "run_id": "r1",
        "date": "2026-11-24",
        "verdict": "fail",
        "exit_code": 1,
        "duration_s": 900.0,
        "checks": [
            {"contract": "Order", "column": "status", "check": "in_values", "kind": "column",
             "severity": "error", "failed": True, "rows": 1000, "failing_rows": 12},
            {"contract": "Order", "check": "freshness", "kind": "freshness",
             "severity": "error", "failed": True, "rows": 1000, "failing_rows": 0,
             "message": "newest updated_at 40h old, max 26h"},
            {"contract": "User", "column": "email", "check": "regex", "kind": "column",
             "severity": "warning", "failed": True, "rows": 100000, "failing_rows": 3},
            {"contract": "User", "column": "id", "check": "not_null", "kind": "column",
             "severity": "error", "failed": False, "rows": 100000, "failing_rows": 0},
        ],
    }


def _cfg(kind, card="messagecard", **kw):
    return AlertConfig(targets=[Target("t", kind, "WDG_TEST_HOOK", ["gate_failed", "breaking_drift",
                                                                      "dq_threshold", "freshness_sla",
                                                                      "slow_run", "gate_undecided"], card)],
                       timeout_s=2, retries=2, backoff_s=0.01, **kw)


def _events(cfg):
    drift = [Finding(code="PGD101", name="column.dropped", severity="error", compat="breaking",
                     object="orders", column="paid_at",
                     message=f"column dropped (seen via postgresql://app:{DSN_PASSWORD}@db/wd)")]
    return events_from_run(_failed_run(), cfg) + events_from_drift(drift, "postgres")


@pytest.mark.parametrize("kind,card", [("slack", ""), ("teams", "messagecard"),
                                        ("teams", "adaptive"), ("webhook", "")])
def test_one_message_per_run_with_right_shape_and_no_secret(kind, card, monkeypatch):
    with Recorder() as server:
        monkeypatch.setenv("WDG_TEST_HOOK", server.url)
        cfg = _cfg(kind, card or "messagecard", run_budget_s=600)
        deliveries = alert(cfg, "wdguard: gate failed for 2026-11-24", _events(cfg),
                           {"date": "2026-11-24", "lake": f"postgresql://x:{DSN_PASSWORD}@h/db"})
    assert [d.ok for d in deliveries] == [True]
    assert len(server.received) == 1  # one message summarising everything
    got = server.received[0]
    assert got["path"] == SECRET_PATH
    assert got["headers"]["Content-Type"] == "application/json"
    raw = json.dumps(got["body"])
    assert DSN_PASSWORD not in raw and "sEcReTtOkEn" not in raw
    for expected in ("Order.status.in_values", "12 failing row", "Freshness SLA breached",
                     "PGD101", "900s, budget 600s"):
        assert expected in raw, expected
    body = got["body"]
    if kind == "slack":
        assert body["blocks"][0]["type"] == "header" and "gate failed" in body["text"]
    elif card == "messagecard":
        assert body["@type"] == "MessageCard" and body["themeColor"] == "D70000"
        assert {"name": "date", "value": "2026-11-24"} in body["sections"][0]["facts"]
    elif card == "adaptive":
        content = body["attachments"][0]["content"]
        assert body["type"] == "message" and content["type"] == "AdaptiveCard"
        assert content["body"][0]["color"] == "Attention"
    else:
        assert body["status"] == "failed" and body["source"] == "wdguard"
        kinds = [e["kind"] for e in body["events"]]
        assert kinds.count("gate_failed") == 1 and "breaking_drift" in kinds
        assert "slow_run" in kinds and "freshness_sla" in kinds


def test_warning_check_under_threshold_does_not_alert():
    cfg = _cfg("webhook", dq_max_failing_ratio=0.001)  # 3 of 100000 is under 0.1%
    texts = [e.text for e in events_from_run(_failed_run(), cfg) if e.kind == "dq_threshold"]
    assert texts == ["Order.status.in_values: 12 failing row(s) of 1,000 (1.20%)"]


def test_clean_run_sends_nothing(monkeypatch):
    with Recorder() as server:
        monkeypatch.setenv("WDG_TEST_HOOK", server.url)
        cfg = _cfg("slack")
        run = {"verdict": "pass", "exit_code": 0, "duration_s": 3, "checks": []}
        assert alert(cfg, "ok", events_from_run(run, cfg), {}) == []
    assert server.received == []


def test_retries_on_500_then_succeeds(monkeypatch):
    with Recorder([500, 503]) as server:
        monkeypatch.setenv("WDG_TEST_HOOK", server.url)
        cfg = _cfg("webhook")
        [d] = alert(cfg, "t", _events(cfg), {})
    assert d.ok and d.attempts == 3 and d.status == 200
    assert len(server.received) == 3


def test_gives_up_after_retries_and_client_errors_are_not_retried(monkeypatch):
    with Recorder([500, 500, 500, 500]) as server:
        monkeypatch.setenv("WDG_TEST_HOOK", server.url)
        cfg = _cfg("webhook")
        [d] = alert(cfg, "t", _events(cfg), {})
    assert not d.ok and d.attempts == 3 and d.error == "HTTP 500" and len(server.received) == 3
    with Recorder([404]) as server:
        monkeypatch.setenv("WDG_TEST_HOOK", server.url)
        [d] = alert(cfg, "t", _events(cfg), {})
    assert not d.ok and d.attempts == 1 and d.status == 404


def test_server_that_never_answers_is_bounded_by_the_timeout(monkeypatch):
    """Counted, not clocked: each attempt ends on the socket timeout (the server holds the
    request for 3 s, far past 0.3 s), the retries are exactly `retries`, with one backoff
    between attempts. No wall-clock bound, which a loaded machine would make flaky."""
    with Recorder(["hang", "hang"]) as server:
        monkeypatch.setenv("WDG_TEST_HOOK", server.url)
        cfg = AlertConfig(targets=[Target("t", "webhook", "WDG_TEST_HOOK", ["gate_failed"])],
                          timeout_s=0.3, retries=1, backoff_s=0.01)
        [d] = alert(cfg, "t", _events(cfg), {})
        received = len(server.received)
    assert not d.ok and d.attempts == 2 and d.status is None
    assert d.error == "timed out after 0.3s"  # a timeout, not the server closing after 3 s
    assert received == 2  # both attempts reached the server: two timeouts, no third try
    assert "127.0.0.1" not in d.error and "sEcReT" not in d.error


def test_retry_and_backoff_count_on_timeouts():
    sleeps: list[float] = []
    with Recorder(["hang", "hang", "hang"]) as server:
        ok, attempts, status, error = post_json(
            server.url, {"x": 1}, timeout_s=0.2, retries=2, backoff_s=0.05, sleep=sleeps.append
        )
        received = len(server.received)
    assert (ok, attempts, status, error) == (False, 3, None, "timed out after 0.2s")
    assert received == 3
    assert sleeps == [0.05, 0.1]  # exponential backoff between the three attempts, none after


def test_unreachable_and_unset_url_are_recorded_not_raised(monkeypatch):
    cfg = _cfg("webhook")
    cfg.retries = 0
    monkeypatch.delenv("WDG_TEST_HOOK", raising=False)
    [d] = alert(cfg, "t", _events(cfg), {})
    assert not d.ok and d.error == "environment variable WDG_TEST_HOOK is not set"
    with Recorder() as server:
        url = server.url
    monkeypatch.setenv("WDG_TEST_HOOK", url)  # server closed: connection refused
    [d] = alert(cfg, "t", _events(cfg), {})
    assert not d.ok and d.error.startswith("cannot connect") and "sEcReT" not in d.error


def test_config_validation():
    cfg = load_alert_config({"alerts": {
        "events": ["gate_failed", "breaking_drift"], "run_budget": "15m", "retries": 1,
        "targets": {"chat": {"kind": "teams", "card": "adaptive", "url_env": "X"},
                    "ops": {"kind": "webhook", "url_env": "Y", "events": ["slow_run"]}}}})
    assert cfg.run_budget_s == 900 and cfg.retries == 1
    assert [(t.name, t.card, t.events) for t in cfg.targets] == [
        ("chat", "adaptive", ["gate_failed", "breaking_drift"]), ("ops", "messagecard", ["slow_run"])]
    bad = [
        ({"targets": {"s": {"kind": "slack", "url": "https://hooks.slack.com/x"}}}, "url_env"),
        ({"targets": {"s": {"kind": "pager", "url_env": "X"}}}, "kind"),
        ({"events": ["gate_exploded"]}, "unknown alert event"),
        ({"run_budget": "soon"}, "bad value"),
    ]
    for table, words in bad:
        with pytest.raises(InputError, match=words):
            load_alert_config({"alerts": table})


def _write_config(tmp_path, targets: str):
    p = tmp_path / "wdguard.toml"
    p.write_text("[alerts]\nretries = 0\ntimeout = 2\n" + targets)
    return p


def test_alert_test_command(tmp_path, monkeypatch):
    cfg = _write_config(tmp_path, '[alerts.targets.chat]\nkind = "slack"\nurl_env = "WDG_SLACK"\n'
                        '[alerts.targets.ops]\nkind = "webhook"\nurl_env = "WDG_OPS"\n')
    runner = CliRunner()
    with Recorder() as server:
        monkeypatch.setenv("WDG_SLACK", server.url)
        monkeypatch.delenv("WDG_OPS", raising=False)
        res = runner.invoke(app, ["alert", "test", "--config", str(cfg), "--target", "chat",
                                  "--format", "json"])
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["deliveries"][0]["ok"] is True
        assert "test message" in json.dumps(server.received[0]["body"])
        res = runner.invoke(app, ["alert", "test", "--config", str(cfg)])
        assert res.exit_code == 1  # ops has no URL in its env variable
        assert "sent chat" in res.stdout and "WDG_OPS is not set" in res.stdout
        res = runner.invoke(app, ["alert", "test", "--config", str(cfg), "--target", "nope"])
        assert res.exit_code == 2 and "--target: unknown target 'nope'" in res.stderr
        assert "sEcReT" not in res.stdout + res.stderr


def test_notify_run_never_raises(tmp_path, monkeypatch, capsys):
    from wdguard.record import Inputs, RunRecord
    from wdguard.report.alerts import notify_run

    bad = tmp_path / "bad.toml"
    bad.write_text('[alerts.targets.x]\nkind = "pager"\nurl_env = "X"\n')
    record = RunRecord(
        run_id="r", started_at="2026-11-26T05:00:00Z", user="u", host="h", versions={},
        inputs=Inputs(lake="/lake", date="2026-11-26", layers=["silver"], contracts_dir="c"),
        verdict="fail",
    )
    assert notify_run(record, bad) == []
    assert "alerts not sent" in capsys.readouterr().err
    monkeypatch.setenv("WDGUARD_CONFIG", str(tmp_path / "absent.toml"))
    assert notify_run(record) == []  # a missing config: a warning, not a crash
    with Recorder() as server:
        ok = tmp_path / "ok.toml"
        ok.write_text('[alerts]\nretries = 0\n[alerts.targets.x]\nkind = "webhook"\n'
                      'url_env = "WDG_NOTIFY"\n')
        monkeypatch.setenv("WDG_NOTIFY", server.url)
        [d] = notify_run(record, ok)
    assert d.ok and server.received[0]["body"]["title"] == "wdguard gate FAILED for 2026-11-26"


def test_slack_message_stays_within_slack_limits():
    from wdguard.report.alerts import Event, build_message, payload

    events = [Event("dq_threshold", "error", f"Order.col{i}.in_values: " + "x" * 300)
              for i in range(40)]
    body = payload(Target("s", "slack", "X", ["dq_threshold"]),
                   build_message("t" * 400, events, {}))
    assert len(body["blocks"][0]["text"]["text"]) <= 150
    assert len(body["blocks"][1]["text"]["text"]) <= 3000
