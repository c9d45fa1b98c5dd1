"""Errors that mean "wdguard could not decide" (exit 2), as one clear line.

Every user-facing failure (bad input, unreachable source, unreadable partition) is raised
as a `WdguardError` carrying where it happened; the CLI prints `where: what` on one line
and exits 2. Anything else escaping is a bug in wdguard, reported the same way but
labelled as internal.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNDECIDED = 2


class WdguardError(Exception):
    """A problem with the input or the environment; the gate cannot decide."""

    def __init__(self, message: str, *, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def one_line(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        text = " ".join(text.split())  # never more than one line
        if self.hint:
            text += f" (hint: {' '.join(self.hint.split())})"
        return text


class InputError(WdguardError):
    """Bad input: a file, option or partition that cannot be used."""


class SourceError(WdguardError):
    """A source (database, lake, webhook) that cannot be reached or read."""


class LakeUnreachable(SourceError):
    """The lake's storage itself cannot be reached (refused, reset, DNS): not one
    partition's problem, so the gate stops with this one line instead of recording every
    remaining partition as unreadable and failing to write its record."""


def location(path: object, line: int | None = None, col: int | None = None) -> str:
    """`file:line:col` in the style of compilers and ruff."""
    text = str(path)
    if line is not None:
        text += f":{line}"
        if col is not None:
            text += f":{col}"
    return text
