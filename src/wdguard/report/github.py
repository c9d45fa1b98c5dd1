"""Findings as GitHub Actions workflow commands: annotations on the pull request diff.

`::error file=F,line=L,col=C,title=T::message` — property values and messages escaped
as the runner expects (% \r \n, and , : in properties).
"""

from __future__ import annotations

from wdguard.findings import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        props = []
        if f.file:
            props.append(f"file={_prop(f.file)}")
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
