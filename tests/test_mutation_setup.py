"""The mutation-testing setup cannot rot silently: every bug `scripts/plant_bugs.py`
re-plants is still found verbatim in the code, every group of `[tool.mutmut.groups]`
names files that exist, and `mutation/equivalent.txt` gives a reason on every line."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _plants():
    spec = importlib.util.spec_from_file_location("plant_bugs", ROOT / "scripts/plant_bugs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.PLANTS


@pytest.mark.parametrize("plant", _plants(), ids=lambda p: p[0])
def test_every_planted_bug_still_has_its_line_in_the_code(plant):
    name, path, old, new, tests = plant
    assert (ROOT / path).read_text().count(old) == 1, f"{name}: {old!r} not found once in {path}"
    assert old != new and all((ROOT / t.split("::")[0]).is_file() for t in tests)


def test_every_mutation_group_names_existing_modules_and_tests():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    assert {"smoke", "checks", "checks_gate", "gold", "history", "pg_diff", "mongo_diff",
            "lint", "redact"} <= set(conf["groups"])
    for name, group in conf["groups"].items():
        for pattern in group["only_mutate"]:
            assert list(ROOT.glob(pattern)), (name, pattern)
            assert any(pattern == p or Path(pattern).match(p) or pattern in conf["only_mutate"]
                       for p in conf["only_mutate"]), (name, pattern)
        for test in group["tests"]:
            assert (ROOT / test).is_file(), (name, test)


def test_every_equivalent_mutant_has_a_reason():
    for line in (ROOT / "mutation/equivalent.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, why = line.partition("  ")
            assert re.fullmatch(r"wdguard\.[\w.ǁ]+__mutmut_\d+", name), line
            assert why.strip(), line  # "same" refers to the line above


def test_a_listed_equivalent_the_tests_kill_is_named_stale_and_fails_the_group(
    tmp_path, capsys
):
    """mutmut numbers a function's mutants in order: a line added above one renumbers it,
    and `equivalent.txt` then names another mutant. One the tests kill is counted as
    killed, named, and fails the group (round 5 found 17 such entries)."""
    spec = importlib.util.spec_from_file_location("mutation_config",
                                                  ROOT / "scripts/mutation_config.py")
    config = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(config)
    results = tmp_path / "results.txt"
    results.write_text("".join(f"    wdguard.m.x_f__mutmut_{i}: {s}\n" for i, s in enumerate(
        ["killed", "killed", "survived", "survived", "killed"], start=1)))
    equiv = tmp_path / "equivalent.txt"
    equiv.write_text("# header\nwdguard.m.x_f__mutmut_3  no test can tell\n")
    assert config.score(results, "g", 1, 1, 70.0, equiv) == 0
    first = capsys.readouterr().out
    assert first.startswith("mutation g: 75.0% killed (3/4 non-equivalent; 1 equivalent;")
    assert "survived: wdguard.m.x_f__mutmut_4" in first and "stale" not in first
    equiv.write_text("wdguard.m.x_f__mutmut_3  no test can tell\n"
                     "wdguard.m.x_f__mutmut_5  renumbered: the tests kill it now\n")
    assert config.score(results, "g", 1, 1, 70.0, equiv) == 1
    out = capsys.readouterr().out
    assert out.startswith("mutation g: 75.0% killed (3/4 non-equivalent; 1 equivalent;")
    assert out.rstrip().endswith(
        "stale equivalent (the tests kill it: renumbered?): wdguard.m.x_f__mutmut_5")
