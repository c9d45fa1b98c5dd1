"""Which migrations to lint, and which earlier ones to replay as history.

Three ways to choose, as in CI: the paths given (files, migration folders, a Prisma
migrations folder), those added since a git ref (`git diff --name-only --diff-filter=A`),
or those a database has not applied yet (`_prisma_migrations`). In every case the
earlier migrations of the same Prisma folder are replayed (not linted), so the rules know
the enums, indexes and constraints the new migration changes.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from wdguard.drift.lint.parse import Migration, parse_migration
from wdguard.errors import InputError, SourceError

SCRIPT = "migration.sql"
DEFAULT_MIGRATIONS = Path("prisma/migrations")


@dataclass
class Selection:
    targets: list[Migration]
    history: list[Migration]
    # the Prisma migrations folder the targets belong to (or the one given / found), whose
    # whole history schema.prisma is compared with; None for loose .sql files
    folder: Path | None = None
    # new migration files git does not track yet (linted too; named for the record)
    untracked: list[str] = field(default_factory=list)


def _is_prisma_folder(path: Path) -> bool:
    return path.is_dir() and any(path.glob(f"*/{SCRIPT}"))


def prisma_scripts(folder: Path) -> list[Path]:
    """`<folder>/<timestamp>_<name>/migration.sql` in Prisma's apply order (by name)."""
    return sorted(folder.glob(f"*/{SCRIPT}"), key=lambda p: p.parent.name)


def _expand(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError("no such file or folder", where=str(path))
    if path.is_file():
        return [path]
    if (path / SCRIPT).is_file():
        return [path / SCRIPT]
    if _is_prisma_folder(path):
        for sub in sorted(p for p in path.iterdir() if p.is_dir()):
            if not sub.name.startswith(".") and not (sub / SCRIPT).is_file():  # Prisma: P3015
                raise InputError("migration folder without migration.sql", where=str(sub))
        return prisma_scripts(path)
    files = sorted(path.glob("*.sql"))
    if not files:
        raise InputError("no migration.sql or *.sql files in this folder", where=str(path))
    return files


def _name(script: Path) -> str:
    return script.parent.name if script.name == SCRIPT else script.name


def parse_script(script: Path) -> Migration:
    return parse_migration(script, _name(script))


def select_paths(paths: list[Path]) -> Selection:
    """Lint these paths; replay the earlier siblings of each Prisma migration."""
    scripts: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        for s in _expand(Path(p)):
            if s.resolve() not in seen:
                seen.add(s.resolve())
                scripts.append(s)
    # a Prisma folder's migrations apply in name order, whatever order they were given
    scripts.sort(key=lambda s: (str(s.parent.parent if s.name == SCRIPT else s.parent), _name(s)))
    return _with_history(scripts)


def _with_history(scripts: list[Path]) -> Selection:
    chosen = {s.resolve() for s in scripts}
    history: list[Path] = []
    for folder in sorted({s.parent.parent for s in scripts if s.name == SCRIPT}):
        ours = [s for s in scripts if s.parent.parent == folder and s.name == SCRIPT]
        first = min(_name(s) for s in ours)
        history += [
            s for s in prisma_scripts(folder) if s.resolve() not in chosen and _name(s) < first
        ]
    folders = sorted({s.parent.parent for s in scripts if s.name == SCRIPT})
    return Selection(targets=[parse_script(s) for s in scripts],
                     history=[parse_script(s) for s in history],
                     folder=folders[0] if folders else None)


def _git(args: list[str], cwd: Path) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SourceError(f"cannot run git: {exc}", where="--since") from None
    if out.returncode != 0:
        msg = (out.stderr.strip().splitlines() or ["git failed"])[-1]
        raise InputError(msg, where="--since")
    return out.stdout


def select_since(ref: str, paths: list[Path], cwd: Path | None = None) -> Selection:
    """Migration scripts added since `ref` (under `paths` when given), with history."""
    cwd = Path(cwd or Path.cwd())
    root = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    scope = [str(Path(p).resolve()) for p in paths] or [str(root)]
    added = _git(["diff", "--name-only", "--diff-filter=A", ref, "--", *scope], root)
    # a migration written but not yet `git add`ed is new too: CI on a dirty tree, or a
    # developer running the check before committing
    untracked = _git(["ls-files", "--others", "--exclude-standard", "--", *scope], root)
    lines = [*added.splitlines(), *untracked.splitlines()]
    scripts = {
        (root / line).resolve()
        for line in lines
        if line.endswith(f"/{SCRIPT}") or (line.endswith(".sql") and paths)
    }
    ordered = sorted(
        (s for s in scripts if s.is_file()), key=lambda s: (str(s.parent.parent), _name(s))
    )
    selection = _with_history(ordered)
    selection.untracked = sorted(line for line in untracked.splitlines()
                                 if (root / line).resolve() in scripts)
    if selection.folder is None:
        selection.folder = _folder_of(paths, root)
    return selection


def _folder_of(paths: list[Path], root: Path) -> Path | None:
    """The Prisma migrations folder a `--since` with no new migration is about."""
    for p in [*paths, DEFAULT_MIGRATIONS, root / DEFAULT_MIGRATIONS]:
        if _is_prisma_folder(Path(p)):
            return Path(p)
    return None


def select_unapplied(folder: Path, applied: set[str]) -> Selection:
    """Folder migrations the database has not applied; applied ones are history."""
    folder = Path(folder)
    if not _is_prisma_folder(folder):
        raise InputError(
            "--dsn needs a Prisma migrations folder (*/migration.sql)", where=str(folder)
        )
    scripts = prisma_scripts(folder)
    targets = [s for s in scripts if _name(s) not in applied]
    history = [s for s in scripts if _name(s) in applied]
    return Selection(targets=[parse_script(s) for s in targets],
                     history=[parse_script(s) for s in history], folder=folder)


def select_migrations(paths: list[Path], since: str | None, dsn: str | None) -> Selection:
    """The CLI's choice: `--since REF`, `--dsn` (unapplied), or the paths (default
    ./prisma/migrations)."""
    if since and dsn:
        raise InputError("give either --since or --dsn, not both", where="--since")
    if dsn:
        from wdguard.drift.history import read_rows
        from wdguard.sources.postgres import connect, resolve_dsn

        if len(paths) > 1:
            raise InputError("--dsn takes one Prisma migrations folder", where="--dsn")
        folder = paths[0] if paths else DEFAULT_MIGRATIONS
        with connect(resolve_dsn(dsn)) as conn:
            applied = {r.migration_name for r in read_rows(conn) if r.applied}
        return select_unapplied(folder, applied)
    if since:
        return select_since(since, paths)
    if not paths:
        if not DEFAULT_MIGRATIONS.is_dir():
            raise InputError("no migrations given and no ./prisma/migrations folder", where="PATHS")
        paths = [DEFAULT_MIGRATIONS]
    selection = select_paths(paths)
    if selection.folder is None and len(paths) == 1 and _is_prisma_folder(Path(paths[0])):
        selection.folder = Path(paths[0])
    return selection
