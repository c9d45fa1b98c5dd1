"""Run the shell examples of a guide as written (issue 28, point 4): every ```bash block
not marked `<!-- not run: why -->`, line by line, in-process.

A small reading of the shell the guides use: `NAME=value` assignments, "$NAME" and
$NAME, a line continued with a backslash, `> file`, `|| exit $?`, `# comments`. A line
`wdguard demo --lake DIR` is not re-run when DIR already holds the demo's lake (the
caller made it). Each command must exit 0 or 1 (1: a finding, as the guide says) with no
`error:` line on stderr.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from wdguard.cli import app

ROOT = Path(__file__).resolve().parents[1]
GUIDES = ("gate-a-step.md", "nightly-report.md")
_NOT_RUN = re.compile(r"<!-- not run: [^>]{8,} -->\s*$")


def bash_blocks(text: str) -> list[str]:
    out = []
    for m in re.finditer(r"^```bash\n(.*?)^```$", text, flags=re.M | re.S):
        if not _NOT_RUN.search(text[: m.start()]):
            out.append(m.group(1))
    return out


def _lines(block: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", block)
    return [line.split(" #")[0].strip() for line in joined.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def run_guide(page: Path) -> list[str]:
    """Run every example line of `page` from the current folder; the commands run."""
    env: dict[str, str] = {}
    ran = []
    for block in bash_blocks(page.read_text()):
        for line in _lines(block):
            line = line.removesuffix("|| exit $?").strip()
            words = shlex.split(re.sub(r"\$\{?(\w+)\}?", lambda m: env[m.group(1)], line))
            if all(re.fullmatch(r"\w+=.*", w) for w in words):
                env.update(w.split("=", 1) for w in words)
                continue
            assert words[0] == "wdguard", (page.name, line)
            out = None
            if ">" in words:
                at = words.index(">")
                words, out = words[:at], words[at + 1]
            if words[1:3] == ["demo", "--lake"] and Path(words[3], "_wdguard").is_dir():
                continue
            got = CliRunner().invoke(app, words[1:])
            assert got.exit_code in (0, 1), (page.name, line, got.output)
            assert "error:" not in got.stderr, (page.name, line, got.stderr)
            if out is not None:
                Path(out).write_text(got.stdout)
            ran.append(line)
    return ran
