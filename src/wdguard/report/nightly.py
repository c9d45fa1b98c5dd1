"""The nightly report's content, as data: what the gate said, what changed, what it breaks.

`build_report` gathers everything from the lake (the trailing run records, the day's and
the previous day's `_source.json` manifests, yesterday's report) plus the drift findings
the command ran or read, and returns one JSON-able dict. The Markdown and HTML renderers
only format this dict, so `report.json` is exactly what the people-facing files show.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from datetime import date as Date
from typing import Any

from wdguard.contracts.model import Contract
from wdguard.findings import Finding
from wdguard.redact import redact, redact_text
from wdguard.report.anomalies import anomalies_section
from wdguard.report.cache import cache_section, cache_status
from wdguard.report.runs import contract_metrics, is_gold_only, read_runs, window

REPORT_VERSION = 1
REPORTS_DIR = "_wdguard/reports"
SOURCES = ("postgres", "mongodb")
METRICS = (
    "failing_rows",
    "row_count",
    "expected_low",
    "expected_high",
    "freshness_lag_h",
    "duration_s",
)


def report_path(day: str) -> str:
    return f"{REPORTS_DIR}/{day}/report.json"


def _finding_key(source: str, f: dict[str, Any]) -> str:
    return "|".join(str(x or "") for x in (source, f.get("code"), f.get("object"), f.get("column")))


def _previous_report(store: Any, day: str) -> dict[str, Any] | None:
    """The newest report stored before `day` (usually yesterday's)."""
    days = [d for d in store.list_dirs(REPORTS_DIR) if d < day]
    for d in reversed(days):
        try:
            return json.loads(store.read_bytes(report_path(d)))
        except (OSError, ValueError, FileNotFoundError):
            continue
    return None


def _source_changes(
    drift: dict[str, list[Finding]], previous: dict[str, Any] | None, day: str
) -> list[dict[str, Any]]:
    """Drift per source, each finding marked new since the previous report or open since."""
    seen: dict[str, str] = {}
    for src in (previous or {}).get("changes", {}).get("sources", []):
        for f in src.get("findings", []):
            seen[_finding_key(src["source"], f)] = f.get("since") or previous["date"]
    out = []
    for source, findings in drift.items():
        items = []
        for f in findings:
            d = redact(f.to_dict())
            since = seen.get(_finding_key(source, d))
            d["new"] = since is None
            d["since"] = since or day
            items.append(d)
        order = {"breaking": 0, "warning": 1, "compatible": 2}
        items.sort(
            key=lambda d: (
                order.get(d.get("compat") or "", 3),
                not d["new"],
                d.get("object") or "",
                d.get("column") or "",
            )
        )
        counts = {
            k: sum(1 for d in items if (d.get("compat") or _compat(d)) == k)
            for k in ("breaking", "warning", "compatible")
        }
        out.append({"source": source, "counts": counts, "findings": items})
    return out


def _compat(d: dict[str, Any]) -> str:
    return {"error": "breaking", "warning": "warning"}.get(d.get("severity", ""), "compatible")


def _manifests(store: Any, day: str) -> dict[tuple[str, str], dict[str, Any]]:
    out = {}
    for source in SOURCES:
        root = f"raw/{source}/{day}"
        for obj in store.list_dirs(root):
            try:
                out[(source, obj)] = json.loads(store.read_bytes(f"{root}/{obj}/_source.json"))
            except (OSError, ValueError, FileNotFoundError):
                out[(source, obj)] = {}
    return out


def _lake_changes(store: Any, day: str, prev_day: str) -> list[dict[str, Any]]:
    """Bronze partitions that appeared, vanished or changed shape since the previous day."""
    today, before = _manifests(store, day), _manifests(store, prev_day)
    if not before:
        return []
    out = []
    for key in sorted(set(today) | set(before)):
        source, obj = key
        t, b = today.get(key), before.get(key)
        if b is None:
            out.append(
                {
                    "source": source,
                    "object": obj,
                    "change": "partition appeared",
                    "detail": f"new in bronze on {day}",
                }
            )
        elif t is None:
            out.append(
                {
                    "source": source,
                    "object": obj,
                    "change": "partition missing",
                    "detail": f"present on {prev_day}, absent on {day}",
                }
            )
        else:
            if t.get("schema_fingerprint") != b.get("schema_fingerprint"):
                out.append(
                    {
                        "source": source,
                        "object": obj,
                        "change": "schema changed",
                        "detail": f"{_short(b.get('schema_fingerprint'))} → "
                        f"{_short(t.get('schema_fingerprint'))}",
                    }
                )
            if t.get("migration_head") != b.get("migration_head"):
                out.append(
                    {
                        "source": source,
                        "object": obj,
                        "change": "migration head moved",
                        "detail": f"{b.get('migration_head')} → {t.get('migration_head')}",
                    }
                )
    # one line for a migration head that moved on every table
    moved = [c for c in out if c["change"] == "migration head moved"]
    if len(moved) > 3:
        out = [c for c in out if c["change"] != "migration head moved"]
        out.append(
            {
                "source": moved[0]["source"],
                "object": f"{len(moved)} tables",
                "change": "migration head moved",
                "detail": moved[0]["detail"],
            }
        )
    return out


def _short(fp: Any) -> str:
    text = str(fp or "none")
    return text.split(":", 1)[-1][:10]


def _contract_index(contracts: list[Contract]) -> dict[str, Contract]:
    idx: dict[str, Contract] = {}
    for c in contracts:
        idx[c.contract] = c
        if c.object_name:
            idx[c.object_name] = c
    return idx


def _impact(
    sources: list[dict[str, Any]], today_run: dict[str, Any] | None, contracts: list[Contract]
) -> list[dict[str, Any]]:
    """Which contracts (and their gold consumers) the day's breaking drift and failing
    error-level checks affect."""
    idx = _contract_index(contracts)
    hits: dict[str, dict[str, Any]] = {}

    def hit(name: str, cls: str, reason: str) -> None:
        c = idx.get(name)
        if c is None and idx:  # e.g. a migration name: not a contract
            return
        key = c.contract if c else name
        h = hits.setdefault(
            key,
            {
                "contract": key,
                "object": c.object_name if c else None,
                "class": cls,
                "reasons": [],
                "consumers": sorted(c.consumers) if c else [],
            },
        )
        if cls == "breaking":
            h["class"] = "breaking"
        if reason not in h["reasons"]:
            h["reasons"].append(reason)

    for src in sources:
        for f in src["findings"]:
            cls = f.get("compat") or _compat(f)
            if cls in ("breaking", "warning") and f.get("object"):
                col = f".{f['column']}" if f.get("column") else ""
                hit(f["object"], cls, f"{src['source']} {f['code']} {f.get('name', '')}{col}")
    for c in (today_run or {}).get("checks", []):
        if c["failed"] and c["severity"] == "error" and c["contract"]:
            col = f".{c['column']}" if c["column"] else ""
            hit(c["contract"], "breaking", f"gate {c['check']}{col}")
    order = {"breaking": 0, "warning": 1}
    return sorted(hits.values(), key=lambda h: (order[h["class"]], h["contract"]))


def _series(
    runs: dict[str, list[dict[str, Any]]], dates: list[str], contracts: list[Contract]
) -> dict[str, dict[str, Any]]:
    """Per contract, one value per date of the window (None where there is no run)."""
    per_day = {d: contract_metrics(runs[d][-1]) for d in dates if d in runs}
    known = {c.contract for c in contracts}
    # checks not about one contract (e.g. "(postgres)": objects without a contract) stay
    # in the gate table but get no chart
    names = sorted({n for m in per_day.values() for n in m
                    if (n in known if known else not n.startswith("("))})
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        s: dict[str, Any] = {k: [] for k in METRICS}
        s["freshness_max_h"] = None
        for d in dates:
            m = per_day.get(d, {}).get(name)
            for k in METRICS:
                s[k].append(m[k] if m else None)
            if m and m["freshness_max_h"] is not None:
                s["freshness_max_h"] = m["freshness_max_h"]
        s["failed_checks_today"] = (per_day.get(dates[-1], {}).get(name) or {}).get(
            "failed_checks", 0
        )
        out[name] = s
    return out


def _sla_breaches(runs: dict[str, list[dict[str, Any]]], dates: list[str]) -> list[dict[str, Any]]:
    """Freshness checks failing in the day's run, with the day the breach started."""
    if dates[-1] not in runs:
        return []
    out = []
    for c in runs[dates[-1]][-1]["checks"]:
        if not (c["kind"] == "freshness" and c["failed"]):
            continue
        since = dates[-1]
        for d in reversed(dates[:-1]):
            prev = [x for x in runs.get(d, [{}])[-1].get("checks", []) if x["id"] == c["id"]]
            if not (prev and prev[0]["failed"]):
                break
            since = d
        age, max_age = c["details"].get("age_s"), c["details"].get("max_age_s")
        out.append(
            {
                "contract": c["contract"],
                "object": c["object"],
                "column": c["column"],
                "layer": c["layer"],
                "severity": c["severity"],
                "since": since,
                "days_open": (Date.fromisoformat(dates[-1]) - Date.fromisoformat(since)).days + 1,
                "lag_h": round(age / 3600, 1) if isinstance(age, int | float) else None,
                "max_h": round(max_age / 3600, 1) if isinstance(max_age, int | float) else None,
                "message": c["message"],
            }
        )
    return out


def _gate_days(runs: dict[str, list[dict[str, Any]]], dates: list[str]) -> list[dict[str, Any]]:
    out = []
    for d in dates:
        items = runs.get(d)
        if not items:
            out.append({"date": d, "verdict": "no run", "runs": 0})
            continue
        last = items[-1]
        failed = [c for c in last["checks"] if c["failed"]]
        out.append(
            {
                "date": d,
                "verdict": last["verdict"],
                "exit_code": last["exit_code"],
                "runs": len(items),
                "run_id": last["run_id"],
                "duration_s": last["duration_s"],
                "failed_error": sum(1 for c in failed if c["severity"] == "error"),
                "failed_warn": sum(1 for c in failed if c["severity"] != "error"),
                "checks": len(last["checks"]),
            }
        )
    return out


def _gold_verdict(run: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The gold gate's verdict in a run that checked gold, and its failing gold checks."""
    gold = [c for c in run["checks"] if c["layer"] == "gold"]
    bad = [c for c in gold if c["failed"] or c["status"] == "error"]
    if any(c["status"] == "error" for c in gold) or (is_gold_only(run) and run["error"]):
        return "undecided", bad
    if any(c["failed"] and c["severity"] == "error" for c in gold):
        return "fail", bad
    return "pass", bad


def _gold_gate(runs: dict[str, list[dict[str, Any]]], dates: list[str]) -> dict[str, Any]:
    """The post-build (gold) gate per day: the last run of the day that checked gold."""
    days, today = [], None
    for d in dates:
        items = [r for r in runs.get(d, []) if "gold" in r.get("layers", [])]
        if not items:
            days.append({"date": d, "verdict": "no run", "runs": 0})
            continue
        last = items[-1]
        verdict, bad = _gold_verdict(last)
        days.append({
            "date": d, "verdict": verdict, "runs": len(items), "run_id": last["run_id"],
            "failed_error": sum(1 for c in bad if c["severity"] == "error"),
            "failed_warn": sum(1 for c in bad if c["severity"] != "error"),
        })
        if d == dates[-1]:
            today = {
                "run_id": last["run_id"], "verdict": verdict,
                "error": redact_text(last["error"] or "") or None if is_gold_only(last) else None,
                "failing": [
                    {k: c[k] for k in ("contract", "layer", "column", "check", "severity",
                                       "failing_rows", "rows", "message")}
                    for c in bad
                ],
            }
    return {"today": today, "days": days}


def _today(runs: dict[str, list[dict[str, Any]]], day: str) -> dict[str, Any] | None:
    if day not in runs:
        return None
    last = runs[day][-1]
    failing = [
        {
            k: c[k]
            for k in (
                "contract",
                "layer",
                "column",
                "check",
                "severity",
                "failing_rows",
                "rows",
                "message",
            )
        }
        for c in last["checks"]
        if c["failed"] or c["status"] == "error"
    ]
    failing.sort(key=lambda c: (c["severity"] != "error", c["contract"] or "", c["check"] or ""))
    return {
        "run_id": last["run_id"],
        "verdict": last["verdict"],
        "exit_code": last["exit_code"],
        "duration_s": last["duration_s"],
        "error": redact_text(last["error"] or "") or None,
        "checks": len(last["checks"]),
        "failing": failing,
    }


def could_not_start(run: dict[str, Any]) -> bool:
    """A run that stopped before any check (bad option or config, no contracts folder):
    it says nothing about the date's data."""
    return run["verdict"] == "undecided" and not run["checks"]


def _deciding(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs that speak for a date's data: those that checked something. A run that
    could not start does not hide the verdict before it; a date whose runs all could not
    start keeps its last one (undecided)."""
    return [r for r in items if not could_not_start(r)] or items[-1:]


def _last_run(run: dict[str, Any]) -> dict[str, Any]:
    """The date's latest run when it is not the one whose verdict the report shows."""
    return {
        "run_id": run["run_id"],
        "started_at": run["started_at"],
        "verdict": run["verdict"],
        "exit_code": run["exit_code"],
        "checks": len(run["checks"]),
        "error": redact_text(run["error"] or "") or None,
    }


def build_report(
    store: Any,
    day: str,
    *,
    drift: dict[str, list[Finding]] | None = None,
    contracts: list[Contract] | None = None,
    days: int = 30,
    generated_at: datetime | None = None,
) -> dict[str, Any]:
    """Everything the nightly report shows, as one JSON-able dict."""
    dates = window(day, days)
    all_runs, notes = read_runs(store, dates)
    gold_gate = _gold_gate({d: _deciding([r for r in items if "gold" in r["layers"]])
                            for d, items in all_runs.items()}, dates)
    # the pre-gold gate (bronze/silver) is judged on its own runs, not the post-build ones
    pre = {d: kept for d, items in all_runs.items() if (kept := [r for r in items
                                                                 if not is_gold_only(r)])}
    runs = {d: _deciding(items) for d, items in pre.items()}
    contracts = contracts or []
    previous = _previous_report(store, day)
    sources = _source_changes(drift or {}, previous, day)
    today = _today(runs, day)
    if today and pre[day][-1]["run_id"] != today["run_id"]:
        today["last_run"] = _last_run(pre[day][-1])
    impact = _impact(sources, runs[day][-1] if day in runs else None, contracts)
    sla = _sla_breaches(runs, dates)
    breaking = sum(s["counts"]["breaking"] for s in sources)
    warnings = sum(s["counts"]["warning"] for s in sources)
    if today is None:
        notes.append(f"no gate run recorded for {day}")
    cache, cache_notes = cache_section(store, dates, day)
    notes += cache_notes
    cache_errors, cache_warnings = cache_status(cache)
    verdict = today["verdict"] if today else "no run"
    status = (
        "failed"
        if verdict in ("fail", "undecided", "no run") or breaking or sla or cache_errors
        or (gold_gate["today"] or {}).get("verdict") in ("fail", "undecided")
        else "warning"
        if warnings or (today and (today["failing"] or today.get("last_run"))) or cache_warnings
        else "ok"
    )
    # the charts start at the first day with a run: no empty left half for a young lake
    first = next((i for i, d in enumerate(dates) if d in runs), len(dates) - 1)
    mdates = dates[first:]
    gold = sorted({g for h in impact if h["class"] == "breaking" for g in h["consumers"]})
    headline = {
        "pass": "Gate passed",
        "fail": "Gate FAILED",
        "undecided": "Gate could not decide",
        "no run": "No gate run",
    }[verdict]
    headline += f" for {day}"
    extras = []
    if breaking:
        extras.append(f"{breaking} breaking change(s) in the sources")
    if sla:
        extras.append(f"{len(sla)} open SLA breach(es)")
    gold_today = (gold_gate["today"] or {}).get("verdict")
    if gold_today in ("fail", "undecided"):
        extras.append("gold gate FAILED" if gold_today == "fail" else "gold gate undecided")
    if gold:
        extras.append(f"gold at risk: {', '.join(gold)}")
    if cache_errors:
        extras.append(f"{cache_errors} cache finding(s) over threshold")
    if today and today.get("last_run"):
        extras.append("the last run could not start")
    if extras:
        headline += " — " + "; ".join(extras)
    return {
        "report_version": REPORT_VERSION,
        "date": day,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "lake": redact_text(getattr(store, "url", "")),
        "window": {"from": dates[0], "to": dates[-1], "days": days},
        "status": status,
        "headline": headline,
        "gate": {"today": today, "days": _gate_days(runs, dates), "gold": gold_gate},
        "changes": {
            "since": previous["date"] if previous else None,
            "sources": sources,
            "lake": _lake_changes(store, day, dates[-2]) if len(dates) > 1 else [],
        },
        "impact": impact,
        "gold_at_risk": gold,
        "sla_breaches": sla,
        "metrics": {"dates": mdates, "contracts": _series(runs, mdates, contracts)},
        "cache": cache,
        "anomalies": anomalies_section(store, mdates, runs[day][-1] if day in runs else None,
                                       contracts),
        "notes": notes,
        "alerts": [],
    }


def exit_code(report: dict[str, Any]) -> int:
    """1 when the report shows something failing (gate not passed, breaking drift, open SLA
    breach, an error-level cache finding), else 0."""
    return 1 if report["status"] == "failed" else 0
