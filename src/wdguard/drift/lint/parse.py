"""A migration file parsed by PostgreSQL's own parser (pglast), with source positions.

libpg_query reports where each statement *begins after the previous semicolon*, which
includes blank lines and comments; the scanner's tokens tell where the statement's first
keyword really is, so findings point at `file:line:col` of that keyword. Comments come
from the same scanner, which is how `-- wdguard-ignore:` suppressions are found without
any regular expression over SQL.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pglast import parse_sql
from pglast.parser import ParseError, scan

from wdguard.errors import InputError

_COMMENTS = {"SQL_COMMENT", "C_COMMENT"}
# inside a comment's text (not SQL): `wdguard-ignore: WDL001, WDL101 reason`
_IGNORE = re.compile(r"wdguard-ignore:\s*((?:[A-Z]+\d+)(?:\s*,\s*[A-Z]+\d+)*)\s*(.*)", re.S)


@dataclass
class Statement:
    node: Any  # the pglast AST node (IndexStmt, AlterTableStmt, ...)
    line: int  # 1-based line of the first keyword
    col: int  # 1-based column of the first keyword
    end_line: int
    text: str
    suppressed: dict[str, str] = field(default_factory=dict)  # code -> reason
    # `wdguard-ignore` without a reason: (comment line, code); refused, reported as WDL000
    unreasoned: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Migration:
    path: Path
    name: str  # the migration's folder name for Prisma layouts, else the file name
    statements: list[Statement]

    @property
    def display(self) -> str:
        return str(self.path)


class _Lines:
    """Character offset -> (line, col), both 1-based."""

    def __init__(self, text: str):
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def at(self, offset: int) -> tuple[int, int]:
        idx = bisect.bisect_right(self.starts, offset) - 1
        return idx + 1, offset - self.starts[idx] + 1


def _suppressions(
    text: str, tokens: list[Any], lines: _Lines
) -> dict[int, dict[str, tuple[str, int]]]:
    """Line -> {code: (reason, comment line)} for every `wdguard-ignore` comment."""
    found: dict[int, dict[str, tuple[str, int]]] = {}
    for tok in tokens:
        if tok.name not in _COMMENTS:
            continue
        body = text[tok.start : tok.end + 1].lstrip("-/*").rstrip("*/").strip()
        m = _IGNORE.match(body)
        if not m:
            continue
        reason = " ".join(m.group(2).split())
        line, _ = lines.at(tok.start)
        end_line, _ = lines.at(tok.end)
        for code in (c.strip() for c in m.group(1).split(",")):
            for ln in range(line, end_line + 1):
                found.setdefault(ln, {})[code] = (reason, line)
    return found


def parse_migration_text(text: str, path: Path | str, name: str | None = None) -> Migration:
    """Parse SQL text; a syntax error is an InputError at `file:line:col`."""
    path = Path(path)
    lines = _Lines(text)
    try:
        raw = parse_sql(text)
        tokens = list(scan(text))
    except ParseError as exc:
        message, index = (exc.args + (None,))[:2]
        where = str(path)
        if isinstance(index, int):
            line, col = lines.at(min(index, max(len(text) - 1, 0)))
            where = f"{path}:{line}:{col}"
        raise InputError(str(message), where=where) from None
    starts = [t.start for t in tokens]
    ignores = _suppressions(text, tokens, lines)
    statements: list[Statement] = []
    for raw_stmt in raw:
        begin = raw_stmt.stmt_location or 0
        length = raw_stmt.stmt_len or (len(text) - begin)
        i = bisect.bisect_left(starts, begin)
        while i < len(tokens) and tokens[i].name in _COMMENTS:
            i += 1
        first = tokens[i].start if i < len(tokens) else begin
        line, col = lines.at(first)
        end_line, _ = lines.at(max(begin + length - 1, first))
        suppressed: dict[str, str] = {}
        unreasoned: list[tuple[int, str]] = []
        for ln in (line - 1, *range(line, end_line + 1)):
            for code, (reason, at) in ignores.get(ln, {}).items():
                if reason:
                    suppressed[code] = reason
                elif (at, code) not in unreasoned:
                    unreasoned.append((at, code))
        statements.append(
            Statement(
                node=raw_stmt.stmt,
                line=line,
                col=col,
                end_line=end_line,
                text=text[first : begin + length].strip(),
                suppressed=suppressed,
                unreasoned=unreasoned,
            )
        )
    return Migration(path=path, name=name or path.name, statements=statements)


def parse_migration(path: Path, name: str | None = None) -> Migration:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", where=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read migration: {exc.strerror}", where=str(path)) from None
    return parse_migration_text(text, path, name)
