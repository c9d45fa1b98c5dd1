"""Small inline SVG charts for the HTML report, drawn in Python.

The report must render with no network at view time, so there is no chart library: each
function returns an `<svg>` string sized for a card (sparkline-plus-axis style), with a
`<title>` on every mark so hovering shows the exact figure. Values are aligned to the
report's dates; None is a day without a run and leaves a gap.
"""

from __future__ import annotations

from html import escape

W, H = 320, 120
PAD_L, PAD_R, PAD_T, PAD_B = 44, 10, 10, 22

COLORS = {
    "bar": "#5b7cfa",
    "bad": "#e5484d",
    "line": "#3b82f6",
    "band": "#c7e6d3",
    "limit": "#e5484d",
    "axis": "#9aa4b2",
    "grid": "#eef1f5",
    "ok": "#30a46c",
    "warn": "#f5a524",
    "none": "#dfe3ea",
}


def _fmt(v: float) -> str:
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:.1f}M"
    if a >= 1e4:
        return f"{v / 1e3:.0f}k"
    if a >= 1e3:
        return f"{v / 1e3:.1f}k"
    if a >= 10 or v == int(v):
        return f"{v:.0f}"
    if a >= 1:
        return f"{v:.1f}"
    return f"{v:.2g}"


def _num(v: float) -> str:
    return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"


class _Frame:
    """Maps (index, value) to pixels and draws the axes."""

    def __init__(self, n: int, lo: float, hi: float):
        self.n = max(n, 1)
        if hi <= lo:
            hi = lo + 1
        self.lo, self.hi = lo, hi
        self.pw = W - PAD_L - PAD_R
        self.ph = H - PAD_T - PAD_B

    def x(self, i: float) -> float:
        return PAD_L + (i + 0.5) * self.pw / self.n

    def y(self, v: float) -> float:
        return PAD_T + self.ph * (1 - (v - self.lo) / (self.hi - self.lo))

    def axes(self, dates: list[str], unit: str) -> str:
        parts = []
        for v in (self.lo, (self.lo + self.hi) / 2, self.hi):
            y = self.y(v)
            parts.append(
                f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="{COLORS["grid"]}"/>'
            )
            parts.append(
                f'<text x="{PAD_L - 6}" y="{y + 3.5:.1f}" text-anchor="end" '
                f'class="ax">{_fmt(v)}{unit}</text>'
            )
        if dates:
            base = H - 6
            parts.append(f'<text x="{PAD_L}" y="{base}" class="ax">{escape(dates[0][5:])}</text>')
            parts.append(
                f'<text x="{W - PAD_R}" y="{base}" text-anchor="end" class="ax">'
                f"{escape(dates[-1][5:])}</text>"
            )
        return "".join(parts)


def _svg(body: str, label: str) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def _empty(label: str) -> str:
    return _svg(
        f'<text x="{W / 2}" y="{H / 2}" text-anchor="middle" class="ax">no data</text>', label
    )


def bars(
    values: list[float | None],
    dates: list[str],
    label: str,
    unit: str = "",
    bad_above: float | None = None,
) -> str:
    """Vertical bars per day; bars above `bad_above` are drawn red."""
    present = [v for v in values if v is not None]
    if not present:
        return _empty(label)
    top = max(present)
    f = _Frame(len(values), 0, top if top > 0 else 1)
    bw = max(f.pw / f.n * 0.7, 1.5)
    marks = []
    for i, v in enumerate(values):
        if v is None:
            continue
        color = COLORS["bad"] if bad_above is not None and v > bad_above else COLORS["bar"]
        y = f.y(v)
        h = max(f.y(0) - y, 0.8 if v else 0)
        marks.append(
            f'<rect x="{f.x(i) - bw / 2:.1f}" y="{f.y(0) - h:.1f}" width="{bw:.1f}" '
            f'height="{h:.1f}" rx="1" fill="{color}"><title>{escape(dates[i])}: '
            f"{_num(v)}{unit}</title></rect>"
        )
    return _svg(f.axes(dates, unit) + "".join(marks), label)


def line(
    values: list[float | None],
    dates: list[str],
    label: str,
    unit: str = "",
    band: tuple[list[float | None], list[float | None]] | None = None,
    limit: float | None = None,
    floor: float | None = None,
) -> str:
    """A line with dots; an optional shaded expected band and a red limit line (values
    above it are out of bounds) or floor line (values below it are)."""
    present = [v for v in values if v is not None]
    extra: list[float] = []
    if band:
        extra += [v for v in band[0] + band[1] if v is not None]
    if limit is not None:
        extra.append(limit)
    if floor is not None:
        extra.append(floor)
    if not present:
        return _empty(label)
    lo = min(present + extra)
    hi = max(present + extra)
    lo = 0 if lo >= 0 and lo < hi * 0.5 else lo - (hi - lo) * 0.1
    f = _Frame(len(values), lo, hi + (hi - lo) * 0.08)
    parts = [f.axes(dates, unit)]
    if band:
        top = [(i, h) for i, h in enumerate(band[1]) if h is not None]
        bottom = [(i, lo_) for i, lo_ in enumerate(band[0]) if lo_ is not None]
        if top and bottom:
            pts = [f"{f.x(i):.1f},{f.y(v):.1f}" for i, v in top]
            pts += [f"{f.x(i):.1f},{f.y(v):.1f}" for i, v in reversed(bottom)]
            parts.append(
                f'<polygon points="{" ".join(pts)}" fill="{COLORS["band"]}" '
                f'opacity="0.7"><title>expected band</title></polygon>'
            )
    if limit is not None:
        y = f.y(limit)
        parts.append(
            f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{COLORS["limit"]}" stroke-dasharray="4 3">'
            f"<title>limit {_fmt(limit)}{unit}</title></line>"
        )
    if floor is not None:
        y = f.y(floor)
        parts.append(
            f'<line x1="{PAD_L}" x2="{W - PAD_R}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{COLORS["limit"]}" stroke-dasharray="4 3">'
            f"<title>minimum {_fmt(floor)}{unit}</title></line>"
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, v in enumerate(values):
        if v is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{f.x(i):.1f},{f.y(v):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        parts.append(
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="{COLORS["line"]}" '
            f'stroke-width="1.8" stroke-linejoin="round"/>'
        )
    for i, v in enumerate(values):
        if v is None:
            continue
        out = False
        if limit is not None and v > limit:
            out = True
        if floor is not None and v < floor:
            out = True
        if band:
            blo, bhi = band[0][i], band[1][i]
            out = out or (blo is not None and v < blo) or (bhi is not None and v > bhi)
        color = COLORS["bad"] if out else COLORS["line"]
        r = 3.2 if out else 2.2
        parts.append(
            f'<circle cx="{f.x(i):.1f}" cy="{f.y(v):.1f}" r="{r}" fill="{color}">'
            f"<title>{escape(dates[i])}: {_num(v)}{unit}</title></circle>"
        )
    return _svg("".join(parts), label)


def gate_strip(days: list[dict]) -> str:
    """One square per day coloured by the gate's verdict, newest on the right."""
    size, gap = 22, 4
    n = len(days)
    width = n * (size + gap)
    color = {
        "pass": COLORS["ok"],
        "fail": COLORS["bad"],
        "undecided": COLORS["warn"],
        "no run": COLORS["none"],
    }
    marks = []
    for i, d in enumerate(days):
        x = i * (size + gap)
        tip = f"{d['date']}: {d['verdict']}"
        if d.get("runs"):
            tip += f" ({d.get('failed_error', 0)} failing, {d.get('failed_warn', 0)} warnings)"
        marks.append(
            f'<rect x="{x}" y="0" width="{size}" height="{size}" rx="4" '
            f'fill="{color.get(d["verdict"], COLORS["none"])}">'
            f"<title>{escape(tip)}</title></rect>"
        )
        if (n - 1 - i) % 7 == 0 or (i == 0 and (n - 1) % 7 >= 3):
            marks.append(
                f'<text x="{x + size / 2}" y="{size + 14}" text-anchor="middle" '
                f'class="ax">{escape(d["date"][5:])}</text>'
            )
    return (
        f'<svg class="strip" viewBox="-2 0 {width + 4} {size + 20}" width="{width + 4}" '
        f'height="{size + 20}" role="img" aria-label="gate status per day" '
        f'xmlns="http://www.w3.org/2000/svg">{"".join(marks)}</svg>'
    )
