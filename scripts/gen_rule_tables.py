"""Write the docs' rule tables from the registry (code, name, severity/class, summary).

For every family in `wdguard.findings.REGISTRY` (lint, drift, mongo, ...) whose markers
`<!-- rules:FAMILY -->` ... `<!-- /rules:FAMILY -->` exist in README.md or a page under
docs/, the text between them is replaced by a markdown table generated from the rule
classes, so the docs cannot drift from the code. `--check` changes nothing and exits 1
when a file is stale. `scripts/gen_docs.py` runs this too.

    python scripts/gen_rule_tables.py            # rewrite the tables
    python scripts/gen_rule_tables.py --check    # CI: fail if stale
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def marked_files() -> list[Path]:
    """README.md and every docs/ page that holds a rules:FAMILY block."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return [f for f in files if f.exists() and "<!-- rules:" in f.read_text(encoding="utf-8")]


def load_all_rules() -> None:
    """Import every wdguard module so every rule class registers itself."""
    import wdguard

    for mod in pkgutil.walk_packages(wdguard.__path__, "wdguard."):
        try:
            importlib.import_module(mod.name)
        except ImportError:  # an optional extra (azure, spark) that is not installed
            continue


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def section(rule: type, title: str) -> str:
    """The text of a `**Title**` section of a rule's docstring ("" when absent)."""
    doc = inspect.getdoc(rule) or ""
    m = re.search(rf"\*\*{title}\*\*\n\n(.*?)(?:\n\n\*\*|\Z)", doc, flags=re.S)
    return m.group(1).strip() if m else ""


def table(family: str) -> str:
    from wdguard.findings import rules_of

    rules = rules_of(family)
    refs = any(getattr(r, "squawk", ()) or getattr(r, "atlas", ()) for r in rules)
    # families whose rules say what they compare and why their class (drift) get 2 columns
    why = any(section(r, "Compared") for r in rules)
    head = "| code | name | severity/class | summary |" + (" Squawk / Atlas |" if refs else "")
    head += " what is compared | why this class |" if why else ""
    rule = "| --- | --- | --- | --- |" + (" --- |" if refs else "")
    rule += " --- | --- |" if why else ""
    lines = [head, rule]
    for r in rules:
        sev = r.compat or r.severity
        row = f"| {r.code} | `{r.name}` | {sev} | {_cell(r.summary())} |"
        if refs:
            equiv = [f"`{s}`" for s in getattr(r, "squawk", ())]
            equiv += [f"{a}" for a in getattr(r, "atlas", ())]
            row += f" {', '.join(equiv) or '-'} |"
        if why:
            row += f" {_cell(section(r, 'Compared'))} | {_cell(section(r, 'Severity'))} |"
        lines.append(row)
    return "\n".join(lines)


def render(text: str, families: set[str] | None = None) -> str:
    """README text with every rules:FAMILY block (or only `families`) regenerated."""

    def repl(m: re.Match[str]) -> str:
        family = m.group(1)
        if families and family not in families:
            return m.group(0)
        return f"<!-- rules:{family} -->\n{table(family)}\n<!-- /rules:{family} -->"

    return re.sub(
        r"<!-- rules:([\w-]+) -->.*?<!-- /rules:\1 -->", repl, text, flags=re.S
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a table is stale")
    parser.add_argument(
        "--readme", type=Path, action="append", help="only this file (repeatable)"
    )
    parser.add_argument(
        "--family", action="append", help="only this family (repeatable); default: all"
    )
    args = parser.parse_args(argv)
    load_all_rules()
    stale = 0
    for path in args.readme or marked_files():
        old = path.read_text(encoding="utf-8")
        new = render(old, set(args.family or ()))
        if new == old:
            continue
        stale += 1
        if args.check:
            print(f"{path}: rule tables are stale; run scripts/gen_rule_tables.py")
        else:
            path.write_text(new, encoding="utf-8")
            print(f"{path}: rule tables updated")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
