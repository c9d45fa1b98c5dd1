"""wdguard's own imports form no circle, counting the ones inside functions.

An import inside a function is allowed only to defer a heavy dependency (polars, pyspark,
a command's machinery); it must never be what keeps two modules from importing each other.
So the graph of every import of a wdguard module (module level, `TYPE_CHECKING`, and in
functions) must have no cycle. Importing `a.b.c` also runs `a.b`'s `__init__`, so that
package counts as imported too (except by its own modules).
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules() -> dict[str, tuple[Path, bool]]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        out[".".join(parts[:-1] if package else parts)] = (path, package)
    return out


MODULES = _modules()


def _targets(name: str, names: list[str]) -> set[str]:
    found = {t for t in [name, *(f"{name}.{n}" for n in names)] if t in MODULES}
    for t in list(found):  # importing a.b.c runs a/__init__ and a/b/__init__ first
        segs = t.split(".")
        found |= {".".join(segs[:i]) for i in range(1, len(segs))} & MODULES.keys()
    return found


def imports_of(module: str) -> dict[str, int]:
    """wdguard module -> line of the first import of it anywhere in `module`."""
    path, package = MODULES[module]
    out: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found = {t for a in node.names for t in _targets(a.name, [])}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = module if package else module.rsplit(".", 1)[0]
                for _ in range(node.level - 1):
                    pkg = pkg.rsplit(".", 1)[0]
                base = f"{pkg}.{base}" if base else pkg
            found = _targets(base, [a.name for a in node.names])
        else:
            continue
        for t in found:
            if t != module and not module.startswith(t + "."):  # its own packages
                out.setdefault(t, node.lineno)
    return out


def cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One import cycle of `graph` (its modules in order), None when there is none."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                return path[path.index(t) :] + [t]
            if t not in state and (found := visit(t)):
                return found
        path.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return None


def test_no_import_cycle_even_through_imports_in_functions():
    graph = {m: imports_of(m) for m in MODULES}
    found = cycle(graph)
    hops = list(itertools.pairwise(found or []))
    where = [f"{a} (line {graph[a][b]}) -> {b}" for a, b in hops]
    assert found is None, "import cycle: " + "; ".join(where)


def test_the_cycle_finder_finds_a_cycle_and_names_it_in_order():
    assert cycle({"a": {"b": 1}, "b": {"c": 2}, "c": {"a": 3}, "d": {}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b": 1}, "b": {}, "c": {"a": 1, "b": 2}}) is None


def test_an_import_inside_a_function_is_seen_and_a_package_counts_as_imported():
    assert "wdguard.checks.engines.spark.gold" in imports_of("wdguard.checks.gold.run")
    gold_hooks = imports_of("wdguard.checks.engines.polars.gold")
    assert {"wdguard.checks.gold.plan", "wdguard.checks.gold"} <= gold_hooks.keys()
    assert "wdguard.checks.engines" not in gold_hooks  # its own package
