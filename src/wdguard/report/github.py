"""Findings as GitHub Actions workflow commands: annotations on the pull request diff.

`::error file=F,line=L,col=C,title=T::message` — property values and messages escaped
as the runner expects (% \r \n, and , : in properties).
"""

from __future__ import annotations

from pathlib import Path

from wdguard.findings import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(path: str, base: Path | None) -> str:
    """`path` relative to `base` (the repository root) when it lies inside it: the runner
    places an annotation only on a path as the diff names it."""
    p = Path(path)
    if base is None:
        return p.as_posix()
    full = (p if p.is_absolute() else Path.cwd() / p).resolve()
    root = base.resolve()
    return full.relative_to(root).as_posix() if full.is_relative_to(root) else p.as_posix()


def render_github(findings: list[Finding], base: Path | None = None) -> str:
    """Workflow commands; with `base`, file paths relative to it (the repository root)."""
    lines = []
    for f in findings:
        props = []
        if f.file:
            props.append(f"file={_prop(repo_path(f.file, base))}")
            if f.line:
                props.append(f"line={f.line}")
            if f.col:
                props.append(f"col={f.col}")
        props.append(f"title={_prop(f'{f.code} {f.name}')}")
        body = f.message + (f"\nhelp: {f.help}" if f.help else "")
        for change in f.details.get("contract_changes", []):
            body += f"\ncontract: {change}"
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{_data(body)}")
    return "\n".join(lines) + ("\n" if lines else "")
