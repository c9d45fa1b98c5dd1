"""The nightly report as one self-contained HTML page (inline CSS and SVG, no scripts).

Everything shown comes from the report dict (`nightly.build_report`); every value is
escaped. The page carries a Content-Security-Policy that forbids any network fetch, so it
renders the same from a mail attachment, a CI artefact or a file:// URL.
"""

from __future__ import annotations

from html import escape
from importlib import resources
from string import Template
from typing import Any

from wdguard.report import charts
from wdguard.report.render_md import checked_line, last_run_line

_VERDICT_CLASS = {"pass": "pass", "fail": "fail", "undecided": "undecided", "no run": "norun"}


def _e(v: Any) -> str:
    return escape("" if v is None else str(v))


def _pill(text: str, cls: str | None = None) -> str:
    return f'<span class="pill {_e(cls or text).replace(" ", "")}">{_e(text)}</span>'


def _table(headers: list[str], rows: list[list[str]], num: set[int] | None = None) -> str:
    num = num or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f'<td{" class=num" if i in num else ""}>{c}</td>'
                         for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _where(d: dict[str, Any]) -> str:
    obj = d.get("contract") or d.get("object") or ""
    col = f".{d['column']}" if d.get("column") else ""
    return f"<code>{_e(obj + col)}</code>"


def _kpis(r: dict[str, Any]) -> str:
    today = r["gate"]["today"]
    days = [d for d in r["gate"]["days"] if d["verdict"] != "no run"]
    passed = sum(1 for d in days if d["verdict"] == "pass")
    breaking = sum(s["counts"]["breaking"] for s in r["changes"]["sources"])
    failing = len(today["failing"]) if today else 0
    items = [
        ("good" if today and today["verdict"] == "pass" else "bad",
         _e(today["verdict"].upper() if today else "NO RUN"), "gate today"),
        ("bad" if failing else "good", str(failing), "failing checks today"),
        ("bad" if breaking else "good", str(breaking), "breaking source changes"),
        ("warn" if days and passed < len(days) else "good",
         f"{passed}/{len(days)}", f"days passed (last {r['window']['days']})"),
    ]
    return '<div class="kpis">' + "".join(
        f'<div class="kpi {c}"><b>{v}</b><span>{_e(label)}</span></div>' for c, v, label in items
    ) + "</div>"


def _gate(r: dict[str, Any]) -> str:
    today = r["gate"]["today"]
    legend = ('<div class="legend"><span><i style="background:#30a46c"></i>passed</span>'
              '<span><i style="background:#e5484d"></i>failed</span>'
              '<span><i style="background:#f5a524"></i>could not decide</span>'
              '<span><i style="background:#dfe3ea"></i>no run</span></div>')
    out = ['<section class="card"><h2>Gate status per day</h2>',
           charts.gate_strip(r["gate"]["days"]), legend]
    gold = r["gate"].get("gold") or {}
    if any(d["verdict"] != "no run" for d in gold.get("days", [])):
        g = gold.get("today") or {}
        out += ['<h3>Gold gate (after the build)</h3>', charts.gate_strip(gold["days"])]
        for c in g.get("failing", [])[:30]:
            out.append(f"<p>{_where(c)} <code>{_e(c['check'])}</code> {_e(c['message'])}</p>")
    if today:
        dur = f", {today['duration_s']:.1f}s" if today.get("duration_s") is not None else ""
        out.append(f'<p class="sub">Run <code>{_e(today["run_id"])}</code>: '
                   f'{_pill(today["verdict"], _VERDICT_CLASS.get(today["verdict"]))}{dur}</p>')
        if today.get("error"):
            out.append(f"<p><b>Could not decide:</b> {_e(today['error'])}</p>")
        if today["failing"]:
            rows = [[_pill("error" if c["severity"] == "error" else "warning",
                           "fail" if c["severity"] == "error" else "warning"),
                     _where(c), _e(c.get("layer")), f"<code>{_e(c['check'])}</code>",
                     _e(f"{c['failing_rows']:,}" if c.get("failing_rows") is not None else ""),
                     _e(c["message"])] for c in today["failing"][:40]]
            out.append(_table(["", "contract", "layer", "check", "failing rows", "message"],
                              rows, {4}))
            if len(today["failing"]) > 40:
                out.append(f'<p class="sub">… and {len(today["failing"]) - 40} more '
                           f'(see report.json)</p>')
        else:
            out.append(f'<p class="empty">{_e(checked_line(today))}</p>')
        if today.get("last_run"):
            out.append(f"<p>{_e(last_run_line(today))}</p>")
    out.append("</section>")
    return "".join(out)


def _changes(r: dict[str, Any]) -> str:
    ch = r["changes"]
    since = f" (since the report of {ch['since']})" if ch.get("since") else ""
    out = [f'<section class="card"><h2>What changed in the sources{_e(since)}</h2>']
    if not ch["sources"]:
        out.append('<p class="empty">No drift input given (pass --dsn, --mongo-uri, '
                   '--migrations or --drift-json).</p>')
    for src in ch["sources"]:
        c = src["counts"]
        out.append(f'<h3 style="margin:10px 0 6px">{_e(src["source"])} '
                   f'<span class="sub">— {c["breaking"]} breaking, {c["warning"]} warning, '
                   f'{c["compatible"]} compatible</span></h3>')
        if not src["findings"]:
            out.append('<p class="empty">No drift found.</p>')
            continue
        rows = []
        for f in src["findings"][:60]:
            cls = f.get("compat") or {"error": "breaking"}.get(f.get("severity"), "warning")
            status = (_pill("new", "new") if f["new"]
                      else f'<span class="sub">open since {_e(f["since"])}</span>')
            rows.append([_pill(cls), _where(f), f"<code>{_e(f['code'])}</code>",
                         _e(f["message"]), status])
        out.append(_table(["class", "where", "code", "change", ""], rows))
    if ch["lake"]:
        out.append('<h3 style="margin:14px 0 6px">In the lake (bronze manifests)</h3>')
        out.append(_table(["source", "object", "change", "detail"], [
            [_e(c["source"]), f"<code>{_e(c['object'])}</code>", _e(c["change"]), _e(c["detail"])]
            for c in ch["lake"]
        ]))
    out.append("</section>")
    return "".join(out)


def _impact(r: dict[str, Any]) -> str:
    out = ['<section class="card"><h2>What it breaks</h2>']
    if not r["impact"]:
        out.append('<p class="empty">Nothing: no breaking change and no failing check.</p>')
    else:
        rows = [[_pill(h["class"]), f"<code>{_e(h['contract'])}</code>",
                 "".join(f'<span class="chip">{_e(g)}</span>' for g in h["consumers"])
                 or '<span class="sub">no consumers listed</span>',
                 "<br>".join(_e(x) for x in h["reasons"][:6])
                 + (f' <span class="sub">+{len(h["reasons"]) - 6}</span>'
                    if len(h["reasons"]) > 6 else "")]
                for h in r["impact"]]
        out.append(_table(["class", "contract", "gold tables", "why"], rows))
    out.append("</section>")
    return "".join(out)


def _sla(r: dict[str, Any]) -> str:
    out = ['<section class="card"><h2>Open SLA breaches</h2>']
    if not r["sla_breaches"]:
        out.append('<p class="empty">None: every freshness SLA is met.</p>')
    else:
        rows = [[_where(b), _e(b.get("layer")), _e(b["since"]), str(b["days_open"]),
                 _e(f"{b['lag_h']}h" if b["lag_h"] is not None else "?"),
                 _e(f"{b['max_h']}h" if b["max_h"] is not None else "?")]
                for b in r["sla_breaches"]]
        headers = ["contract", "layer", "since", "days open", "lag", "SLA"]
        out.append(_table(headers, rows, {3, 4, 5}))
    out.append("</section>")
    return "".join(out)


def _metrics(r: dict[str, Any]) -> str:
    dates = r["metrics"]["dates"]
    series = r["metrics"]["contracts"]
    out = ['<section class="card"><h2>Data quality per contract</h2>',
           '<p class="sub">Failing rows, row count against the expected band (green), freshness '
           'lag against its SLA (dashed red) and check time, per day of the window. '
           'Red marks are out of bounds; hover a mark for its value.</p>']
    if not series:
        out.append('<p class="empty">No run records in the window.</p></section>')
        return "".join(out)
    order = sorted(series, key=lambda n: (-(series[n]["failed_checks_today"] or 0), n))
    cards = []
    for name in order:
        s = series[name]
        bad = s["failed_checks_today"]
        badge = _pill(f"{bad} failing", "fail") if bad else _pill("ok", "pass")
        figs = [
            (charts.bars(s["failing_rows"], dates, f"{name} failing rows", bad_above=0),
             "failing rows"),
            (charts.line(s["row_count"], dates, f"{name} row count",
                         band=(s["expected_low"], s["expected_high"])), "row count vs expected"),
            (charts.line(s["freshness_lag_h"], dates, f"{name} freshness lag", unit="h",
                         limit=s["freshness_max_h"]), "freshness lag (hours)"),
            (charts.bars(s["duration_s"], dates, f"{name} check duration", unit="s"),
             "check time (seconds)"),
        ]
        fig_html = "".join(f"<figure>{svg}<figcaption>{_e(cap)}</figcaption></figure>"
                           for svg, cap in figs)
        cards.append(f'<div class="contract{" bad" if bad else ""}"><div class="top">'
                     f'<h3>{_e(name)}</h3>{badge}</div><div class="charts">{fig_html}</div></div>')
    out.append(f'<div class="grid">{"".join(cards)}</div></section>')
    return "".join(out)


def _anomalies(r: dict[str, Any]) -> str:
    """A sparkline with its expected band for every anomaly and every key metric."""
    a = r.get("anomalies") or {}
    if not a.get("today") and not a.get("key_metrics"):
        return ""
    out = ['<section class="card"><h2>Anomalies and key metrics</h2>',
           '<p class="sub">Column metrics against the band their own history expects '
           '(green); red marks are outside it. Anomalies are warnings unless a contract '
           'says otherwise.</p>']
    cards = []
    for x in a.get("today", []):
        n = len(x["values"])
        lo, hi = x["expected"]
        svg = charts.line(x["values"], x["dates"], f"{x['contract']}.{x['column']} {x['metric']}",
                          band=([lo] * n, [hi] * n))
        sev = "fail" if x["severity"] == "error" else "warning"
        cards.append(f'<div class="contract bad"><div class="top"><h3>{_where(x)} '
                     f'<code>{_e(x["metric"])}</code></h3>{_pill(x["layer"] or "", sev)}</div>'
                     f'<figure>{svg}<figcaption>{_e(x["message"])}</figcaption></figure></div>')
    for k in a.get("key_metrics", []):
        svg = charts.line(k["values"], k["dates"], f"{k['contract']}.{k['column']} {k['metric']}",
                          band=(k["low"], k["high"]))
        cards.append(f'<div class="contract"><div class="top"><h3>{_where(k)} '
                     f'<code>{_e(k["metric"])}</code></h3>{_pill("key metric", "pass")}</div>'
                     f'<figure>{svg}<figcaption>{_e(k["layer"])}, per day</figcaption>'
                     f'</figure></div>')
    out.append(f'<div class="grid">{"".join(cards)}</div></section>')
    return "".join(out)


def _pct(v: Any) -> str:
    return "—" if v is None else f"{v * 100:.1f} %"


def _mib(v: Any) -> str:
    return "—" if not isinstance(v, int | float) else f"{v / 1048576:,.1f} MiB"


def _cache(r: dict[str, Any]) -> str:
    """The Redis cache card: hit ratio, evictions and memory per night, today's prefixes."""
    c = r.get("cache")
    if not c:
        return ""
    dates = c["dates"]
    today = c["today"]
    bad = today and any(f.get("severity") == "error" for f in today["findings"])
    out = ['<section class="card"><h2>Redis cache</h2>',
           '<p class="sub">From <code>wdguard cache stats</code> snapshots in the lake, the '
           'last of each night: hit ratio and evictions over the measured interval (wdguard\'s '
           'own commands not counted), used memory against maxmemory (dashed red).</p>']
    used, limit, unit = c["used_memory_mb"], c["maxmemory_mb"], "MiB"
    if max([v for v in used if v is not None] + [limit or 0]) > 2048:
        used = [None if v is None else round(v / 1024, 2) for v in used]
        limit, unit = (round(limit / 1024, 2) if limit else limit), "GiB"
    figs = [
        (charts.line(c["hit_ratio_pct"], dates, "cache hit ratio", unit="%",
                     floor=c["min_hit_ratio_pct"]), "hit ratio (%) vs minimum"),
        (charts.bars(c["evictions_per_min"], dates, "cache evictions per minute",
                     bad_above=c["max_evictions_per_min"]), "evictions per minute"),
        (charts.line(used, dates, "cache used memory", limit=limit),
         f"used memory ({unit}) vs maxmemory"),
    ]
    fig_html = "".join(f"<figure>{svg}<figcaption>{_e(cap)}</figcaption></figure>"
                       for svg, cap in figs)
    out.append(f'<div class="contract{" bad" if bad else ""}"><div class="charts" '
               f'style="grid-template-columns:1fr 1fr 1fr">{fig_html}</div></div>')
    if not today:
        out.append(f'<p class="empty">No cache snapshot for {_e(r["date"])}.</p></section>')
        return "".join(out)
    s, w, smp = today["server"], today["window"], today["sample"]
    facts = [f"<code>{_e(today['target'])}</code>", f"Redis {_e(s.get('version'))}",
             f"{_mib(s.get('used_memory'))} used of "
             + (f"{_mib(s.get('maxmemory'))} ({_pct(s.get('used_memory_share'))})"
                if s.get("maxmemory") else "no maxmemory")
             + f", policy {_e(s.get('maxmemory_policy'))}"]
    if w.get("valid"):
        facts.append(f"hit ratio {_pct(w.get('hit_ratio'))} over {_e(w.get('seconds'))} s "
                     f"({w.get('hits', 0):,} hits, {w.get('misses', 0):,} misses), "
                     f"{w.get('evictions', 0):,} evictions")
    else:
        facts.append(f"interval figures not available: {_e(w.get('reason'))}")
    facts.append(f"sample {smp.get('sampled', 0):,} of {smp.get('dbsize', 0):,} keys, "
                 f"{_pct(smp.get('no_ttl_share'))} without TTL")
    out.append('<p class="sub">' + " · ".join(facts) + "</p>")
    if today["findings"]:
        rows = [[_pill(f["severity"], "fail" if f["severity"] == "error" else f["severity"]),
                 f"<code>{_e(f['code'])}</code>", _e(f.get("column") or ""), _e(f["message"])]
                for f in today["findings"]]
        out.append(_table(["", "code", "prefix", "finding"], rows))
    else:
        out.append('<p class="empty">No cache threshold crossed.</p>')
    if today["prefixes"]:
        rows = [[f"<code>{_e(p['prefix'])}</code>", f"{p['keys']:,}", _pct(p["share"]),
                 f"{p['est_keys']:,}", _e(", ".join(f"{k} {v}" for k, v in p["types"].items())),
                 _pct(p["no_ttl_share"]), _mib(p.get("est_memory_bytes"))]
                for p in today["prefixes"]]
        out.append(_table(["prefix", "sampled", "share", "est. keys", "types", "no TTL",
                           "est. memory"], rows, {1, 2, 3, 5, 6}))
    out.append("</section>")
    return "".join(out)


def _footer(r: dict[str, Any]) -> str:
    parts = [f"Generated {_e(r['generated_at'])} by wdguard from <code>{_e(r['lake'])}</code>."]
    for n in r["notes"]:
        parts.append(f"Note: {_e(n)}")
    for a in r.get("alerts", []):
        state = "sent" if a["ok"] else f"FAILED ({_e(a.get('error'))})"
        parts.append(f"Alert to {_e(a['target'])} ({_e(a['kind'])}): {state}")
    return "<footer>" + "<br>".join(parts) + "</footer>"


def render_html(r: dict[str, Any]) -> str:
    status = r["status"]
    header = (f'<header><div><h1>wdguard nightly report — {_e(r["date"])}</h1>'
              f'<div class="sub">Lake <code>{_e(r["lake"])}</code> · window '
              f'{_e(r["window"]["from"])} → {_e(r["window"]["to"])}</div></div>'
              f'<span class="pill big {_e(status)}">{_e(status.upper())}</span></header>')
    body = "".join([
        header,
        f'<div class="headline {_e(status)}">{_e(r["headline"])}</div>',
        _kpis(r),
        _gate(r),
        f'<div class="two">{_impact(r)}{_sla(r)}</div>',
        _changes(r),
        _cache(r),
        _anomalies(r),
        _metrics(r),
        _footer(r),
    ])
    template = Template(resources.files("wdguard.report").joinpath("templates/report.html")
                        .read_text("utf-8"))
    return template.substitute(title=_e(f"wdguard nightly report {r['date']}"), body=body)
