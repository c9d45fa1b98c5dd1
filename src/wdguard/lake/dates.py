"""Which dates a contract's partitions are present for, under any path template.

`raw/{source}/{date}/{object}`, `landing/{source}/{object}/{yyyy}/{mm}/{dd}` and
`silver/{object}/ingest_date={date}` all name one day's folder; to find the days present,
the template is walked one segment at a time: a segment without a date placeholder is
filled in (`{layer}`, `{source}`, `{object}` are known), a segment with one is matched
against the folders listed there (`ingest_date={date}` matches `ingest_date=2026-11-26`,
`{yyyy}` four digits, `{mm}` and `{dd}` two). The walk stops after the last segment naming
the date: the folders after it (`{object}` in wdguard's own layout) are not listed, so a
date folder is a date whether or not this contract's object landed in it (the resolver
says so). A date is kept when it is a real day and the template renders it back to the
folder it was read from (`{date}` and `{yyyy}` in one template must agree). A template
whose date placeholders cannot make a whole day (`{yyyy}/{mm}` alone) has no dates.
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

from wdguard.lake.layout import (
    DATE_PLACEHOLDERS,
    DEFAULT_PATHS,
    LakeLayout,
    Template,
    date_str,
    layer_root,
)

if TYPE_CHECKING:
    from wdguard.contracts.model import Contract

_PATTERNS = {"date": r"\d{4}-\d{2}-\d{2}", "yyyy": r"\d{4}", "mm": r"\d{2}", "dd": r"\d{2}"}


def _parts(segment: str) -> list[tuple[str, str | None]]:
    return [(lit, name or None) for lit, name, _, _ in string.Formatter().parse(segment)]


def _matcher(segment: str, known: dict[str, str]) -> re.Pattern[str]:
    """A regex of one segment: known values literal, date placeholders as groups (a name
    seen twice must match the same text: a backreference)."""
    out, seen = [], set()
    for lit, name in _parts(segment):
        out.append(re.escape(lit))
        if name is None:
            continue
        if name not in DATE_PLACEHOLDERS:
            out.append(re.escape(known[name]))
        elif name in seen:
            out.append(f"(?P={name})")
        else:
            seen.add(name)
            out.append(f"(?P<{name}>{_PATTERNS[name]})")
    return re.compile("".join(out))


def _day(bound: dict[str, str]) -> str | None:
    if "date" in bound:
        return bound["date"]
    if {"yyyy", "mm", "dd"} <= set(bound):
        return f"{bound['yyyy']}-{bound['mm']}-{bound['dd']}"
    return None


def template_dates(store, template: Template, *, layer: str, source: str, obj: str) -> list[str]:
    """The dates (YYYY-MM-DD, oldest first) whose folders are present under `template`
    for one object of `layer` and `source` (see the module docstring)."""
    known = {"layer": layer, "source": source, "object": obj}
    segments = template.text.strip("/").split("/")
    dated = [i for i, s in enumerate(segments) if any(n in DATE_PLACEHOLDERS for _, n in _parts(s))]
    found: set[str] = set()
    # (index of the next segment, folder so far, date placeholders bound so far)
    stack: list[tuple[int, str, dict[str, str]]] = [(0, "", {})]
    while stack:
        i, folder, bound = stack.pop()
        if i > dated[-1]:  # every segment naming the date is matched
            day = _day(bound)
            if day is not None and _real(day) and _renders(template, known, day, folder):
                found.add(day)
            continue
        segment = segments[i]
        names = {n for _, n in _parts(segment) if n}
        if not names & DATE_PLACEHOLDERS:
            text = segment.format(**known)
            stack.append((i + 1, f"{folder}/{text}" if folder else text, bound))
            continue
        pattern = _matcher(segment, known)
        for name in store.list_dirs(folder):
            m = pattern.fullmatch(name)
            if m is None or any(bound.get(k, v) != v for k, v in m.groupdict().items()):
                continue
            stack.append((i + 1, f"{folder}/{name}" if folder else name,
                          {**bound, **m.groupdict()}))
    return sorted(found)


def _renders(template: Template, known: dict[str, str], day: str, folder: str) -> bool:
    """The template names `folder` (or a folder inside it) for `day`."""
    path = template.render(layer=known["layer"], source=known["source"], obj=known["object"],
                           date=day)
    return (path + "/").startswith(folder + "/")


def _real(day: str) -> bool:
    try:
        date_str(day)
    except Exception:
        return False
    return True


def contract_dates(store, lake: LakeLayout, contract: Contract, layer: str) -> list[str]:
    """The dates present for one contract's partitions of `layer` under the lake's layout
    (its own template when `[lake.<layer>.contracts.<name>]` overrides the path); none
    for a catalog table (`lake/catalog.py`: its dates are not in storage's folders)."""
    lay = lake.of(layer, contract.contract)
    if lay.table is not None:
        return []
    return template_dates(store, lay.path, layer=layer, source=contract.source.kind,
                          obj=contract.object_name)


def list_dates(store, layer: str, source: str) -> list[str]:
    """The date folders present for a layer and source in wdguard's own layout, oldest
    first (any other layout: `template_dates`)."""
    layer_root(layer, source)  # validates both
    return template_dates(store, Template(DEFAULT_PATHS[layer]), layer=layer, source=source,
                          obj="*")
