"""Pre-deploy migration lint: pglast-parsed migrations, one rule per module.

`lint()` takes parsed migrations (targets, plus history to replay) and returns findings;
`select.py` decides which migrations (paths, `--since`, `--dsn`).
"""

from wdguard.drift.lint.parse import Migration, parse_migration, parse_migration_text
from wdguard.drift.lint.runner import LintConfig, LintResult, lint, lint_rules

__all__ = [
    "LintConfig",
    "LintResult",
    "Migration",
    "lint",
    "lint_rules",
    "parse_migration",
    "parse_migration_text",
]
