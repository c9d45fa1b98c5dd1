"""The nightly report as Markdown: for a PR comment, a chat message or an e-mail body.

GitHub-flavoured tables, emoji for status (they survive every Markdown renderer), no
charts: the per-contract figures become a table of today's value and the window's trend.
"""

from __future__ import annotations

from typing import Any

_ICON = {"pass": "🟢", "fail": "🔴", "undecided": "🟠", "no run": "⚪",
         "ok": "🟢", "failed": "🔴", "warning": "🟠",
         "breaking": "🔴", "compatible": "🔵"}


def checked_line(today: dict[str, Any]) -> str:
    """What a run without failing checks says: never "every check passed" about a run
    that checked nothing."""
    n = today.get("checks")
    if n == 0:
        return "No check ran."
    if today["verdict"] == "pass":
        return "Every check passed." if n is None else f"Every check passed ({n:,} checks)."
    return "No check failed."


def last_run_line(today: dict[str, Any], code: str = "") -> str:
    """The date's latest run, when it could not start and so does not give the verdict."""
    last = today["last_run"]
    why = f": {last['error']}" if last.get("error") else ""
    return (f"The latest run, {code}{last['run_id']}{code}, could not start (no check ran, "
            f"{last['verdict']}, exit {last['exit_code']}){why}. The verdict above is from "
            f"run {code}{today['run_id']}{code}, the last run that checked the date.")


def _cell(v: Any) -> str:
    return ("" if v is None else str(v)).replace("|", "\\|").replace("\n", " ")


def _table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out + [""]


def _where(d: dict[str, Any]) -> str:
    obj = d.get("contract") or d.get("object") or ""
    return f"`{obj}.{d['column']}`" if d.get("column") else f"`{obj}`"


def _cls(f: dict[str, Any]) -> str:
    return f.get("compat") or {"error": "breaking"}.get(f.get("severity", ""), "warning")


def _trend(values: list[Any]) -> str:
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return ""
    first, last = present[0], present[-1]
    if first == last:
        return "→"
    return "↑" if last > first else "↓"


def _cache_md(r: dict[str, Any]) -> list[str]:
    c = r.get("cache")
    if not c:
        return []
    lines = ["## Redis cache", ""]
    today = c["today"]
    recent = [(d, h, e) for d, h, e in zip(c["dates"], c["hit_ratio_pct"],
                                           c["evictions_per_min"], strict=True)][-7:]
    if not today:
        lines += [f"No cache snapshot for {r['date']}.", ""]
    else:
        s, w, smp = today["server"], today["window"], today["sample"]
        pct = (lambda v: "—" if v is None else f"{v * 100:.1f} %")  # noqa: E731
        used = s.get("used_memory_share")
        lines += [f"`{today['target']}`: "
                  + (f"hit ratio **{pct(w.get('hit_ratio'))}** over {w.get('seconds')} s, "
                     f"{w.get('evictions', 0):,} evictions"
                     if w.get("valid") else f"interval figures not available: {w.get('reason')}")
                  + f"; memory {pct(used)} of maxmemory" * (used is not None)
                  + f"; sample {smp.get('sampled', 0):,} of {smp.get('dbsize', 0):,} keys", ""]
        if today["findings"]:
            lines += _table(["", "code", "prefix", "finding"], [
                [_ICON["fail"] if f["severity"] == "error" else _ICON["warning"],
                 f"`{f['code']}`", f.get("column") or "", f["message"]]
                for f in today["findings"]])
        if today["prefixes"]:
            lines += _table(["prefix", "share", "est. keys", "no TTL"], [
                [f"`{p['prefix']}`", pct(p["share"]), f"{p['est_keys']:,}",
                 pct(p["no_ttl_share"])] for p in today["prefixes"][:5]])
    lines += _table(["night", "hit ratio", "evictions/min"], [
        [d, "" if h is None else f"{h:.1f} %", "" if e is None else f"{e:,.1f}"]
        for d, h, e in recent])
    return lines


def _anomalies_md(r: dict[str, Any]) -> list[str]:
    a = r.get("anomalies") or {}
    if not a.get("today") and not a.get("key_metrics"):
        return []
    lines = ["## Anomalies and key metrics", ""]
    if a.get("today"):
        lines += _table(["", "where", "layer", "metric", "value", "expected", "message"], [
            [_ICON["fail"] if x["severity"] == "error" else _ICON["warning"], _where(x),
             x.get("layer"), f"`{x['metric']}`", f"{x['value']:.4g}",
             f"{x['expected'][0]:.4g} – {x['expected'][1]:.4g}", x["message"]]
            for x in a["today"]])
    else:
        lines += ["No anomaly today.", ""]
    if a.get("key_metrics"):
        lines += _table(["key metric", "today", "trend"], [
            [f"{_where(k)} `{k['metric']}`",
             "" if k["values"][-1] is None else f"{k['values'][-1]:.4g}", _trend(k["values"])]
            for k in a["key_metrics"]])
    return lines


def render_markdown(r: dict[str, Any]) -> str:
    lines = [f"# {_ICON.get(r['status'], '')} wdguard nightly report — {r['date']}", "",
             f"**{r['headline']}**", ""]
    days = r["gate"]["days"]
    strip = "".join(_ICON.get(d["verdict"], "⚪") for d in days)
    lines += [f"Gate, {r['window']['from']} → {r['window']['to']}: {strip}", ""]

    today = r["gate"]["today"]
    lines += ["## Gate", ""]
    if not today:
        lines += [f"No gate run recorded for {r['date']}.", ""]
    else:
        lines += [f"Run `{today['run_id']}`: {_ICON.get(today['verdict'], '')} "
                  f"**{today['verdict']}**", ""]
        if today.get("error"):
            lines += [f"Could not decide: {today['error']}", ""]
        if today["failing"]:
            lines += _table(["", "where", "layer", "check", "failing rows", "message"], [
                [_ICON["fail"] if c["severity"] == "error" else _ICON["warning"], _where(c),
                 c.get("layer"), f"`{c['check']}`",
                 f"{c['failing_rows']:,}" if c.get("failing_rows") is not None else "",
                 c["message"]]
                for c in today["failing"][:30]
            ])
        else:
            lines += [checked_line(today), ""]
        if today.get("last_run"):
            lines += [last_run_line(today, "`"), ""]
    recent = [d for d in days if d["verdict"] != "no run"][-7:]
    if recent:
        lines += _table(["date", "verdict", "failing", "warnings", "duration"], [
            [d["date"], f"{_ICON.get(d['verdict'], '')} {d['verdict']}", d.get("failed_error", 0),
             d.get("failed_warn", 0),
             f"{d['duration_s']:.1f}s" if d.get("duration_s") is not None else ""]
            for d in recent
        ])

    gold = r["gate"].get("gold") or {}
    if any(d["verdict"] != "no run" for d in gold.get("days", [])):
        gstrip = "".join(_ICON.get(d["verdict"], "⚪") for d in gold["days"])
        lines += ["## Gold gate (after the build)", "", f"Gold gate per day: {gstrip}", ""]
        g = gold.get("today")
        if not g:
            lines += [f"No gold gate run recorded for {r['date']}.", ""]
        elif g["failing"]:
            lines += _table(["where", "check", "message"], [
                [_where(c), f"`{c['check']}`", c["message"]] for c in g["failing"][:30]
            ])
        else:
            lines += [f"Run `{g['run_id']}`: {_ICON.get(g['verdict'], '')} **{g['verdict']}**",
                      ""]
    lines += ["## What it breaks", ""]
    if r["impact"]:
        lines += _table(["class", "contract", "gold tables", "why"], [
            [f"{_ICON[h['class']]} {h['class']}", f"`{h['contract']}`",
             ", ".join(h["consumers"]) or "—", "; ".join(h["reasons"][:5])]
            for h in r["impact"]
        ])
    else:
        lines += ["Nothing: no breaking change and no failing check.", ""]

    lines += ["## Open SLA breaches", ""]
    if r["sla_breaches"]:
        lines += _table(["contract", "layer", "since", "days open", "lag", "SLA"], [
            [_where(b), b.get("layer"), b["since"], b["days_open"], f"{b['lag_h']}h",
             f"{b['max_h']}h"]
            for b in r["sla_breaches"]
        ])
    else:
        lines += ["None.", ""]

    ch = r["changes"]
    lines += ["## What changed in the sources" + (f" since {ch['since']}" if ch["since"] else ""),
              ""]
    if not ch["sources"]:
        lines += ["No drift input given.", ""]
    for src in ch["sources"]:
        c = src["counts"]
        lines += [f"**{src['source']}**: {c['breaking']} breaking, {c['warning']} warning, "
                  f"{c['compatible']} compatible", ""]
        if src["findings"]:
            lines += _table(["class", "where", "code", "change", "status"], [
                [f"{_ICON.get(_cls(f), '')} {_cls(f)}",
                 _where(f), f"`{f['code']}`", f["message"],
                 "🆕 new" if f["new"] else f"open since {f['since']}"]
                for f in src["findings"][:40]
            ])
    if ch["lake"]:
        lines += ["**Lake (bronze manifests)**", ""]
        lines += _table(["source", "object", "change", "detail"],
                        [[c["source"], f"`{c['object']}`", c["change"], c["detail"]]
                         for c in ch["lake"]])

    series = r["metrics"]["contracts"]
    if series:
        lines += ["## Data quality per contract", ""]
        rows = []
        for name in sorted(series, key=lambda n: (-(series[n]["failed_checks_today"] or 0), n)):
            s = series[name]
            rc, lag = s["row_count"][-1], s["freshness_lag_h"][-1]
            rows.append([
                f"`{name}`", s["failed_checks_today"] or 0,
                f"{s['failing_rows'][-1]:,}" if s["failing_rows"][-1] is not None else "",
                (f"{rc:,} {_trend(s['row_count'])}" if rc is not None else ""),
                (f"{lag}h" if lag is not None else "")
                + (f" / {s['freshness_max_h']}h" if s["freshness_max_h"] else ""),
                f"{s['duration_s'][-1]:.2f}s" if s["duration_s"][-1] is not None else "",
            ])
        lines += _table(["contract", "failing checks", "failing rows", "rows (trend)",
                         "freshness lag / SLA", "check time"], rows)

    lines += _anomalies_md(r)
    lines += _cache_md(r)
    for n in r["notes"]:
        lines += [f"> note: {n}"]
    lines += ["", f"_Generated {r['generated_at']} by wdguard from `{r['lake']}`._", ""]
    return "\n".join(lines)
