"""Helpers of scripts/mutation.sh.

    mutation_config.py PYPROJECT GROUP
        rewrite PYPROJECT's [tool.mutmut] for one group of [tool.mutmut.groups]
    mutation_config.py --score RESULTS GROUP SECONDS CPU_SECONDS MIN EQUIVALENT_FILE
        print the group's score from `mutmut results --all true`; exit 1 under MIN %
    mutation_config.py --survivors RESULTS EQUIVALENT_FILE
        the names of the mutants not killed (and not equivalent), one a line
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections import Counter
from pathlib import Path


def rewrite(pyproject: Path, group: str) -> None:
    text = pyproject.read_text()
    conf = tomllib.loads(text)["tool"]["mutmut"]
    spec = conf["groups"][group]
    keep = {k: v for k, v in conf.items() if k != "groups"}
    keep["only_mutate"] = spec["only_mutate"]
    # a group may set its own mutmut options (its pytest arguments: markers left out)
    keep.update({k: v for k, v in spec.items() if k not in ("only_mutate", "tests")})
    # test files absent from this copy (an older suite) are left out, not an error
    keep["pytest_add_cli_args_test_selection"] = [
        t for t in spec["tests"] if (pyproject.parent / t).exists()
    ]
    section = "[tool.mutmut]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in keep.items())
    # drop every [tool.mutmut*] table, then append the group's one
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("["):
            skipping = line.startswith("[tool.mutmut")
        if not skipping:
            out.append(line)
    pyproject.write_text("".join(out) + "\n" + section)


def equivalents(path: Path) -> set[str]:
    """Mutant names (first word of each non-comment line) that no test can kill."""
    if not path.is_file():
        return set()
    names = set()
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(line.split()[0])
    return names


def statuses(results: Path) -> dict[str, str]:
    """mutant name -> status, from `mutmut results --all true`."""
    status: dict[str, str] = {}
    for line in results.read_text().splitlines():
        m = re.match(r"\s*([\w.]+__mutmut_\d+): (.+)$", line)
        if m:
            status[m.group(1)] = m.group(2).strip()
    return status


def score(
    results: Path, group: str, seconds: int, cpu: int, minimum: float, equiv_file: Path
) -> int:
    status = statuses(results)
    listed = equivalents(equiv_file) & set(status)
    # a listed mutant the tests kill is not the one its reason describes: mutmut numbers
    # a function's mutants in order, so new lines above it renumber it. Counted as killed
    # and named, and the group fails until the list is mended
    stale = sorted(n for n in listed if status[n] == "killed")
    equivalent = listed - set(stale)
    counts = Counter(s for n, s in status.items() if n not in equivalent)
    # a timeout is not counted as a kill: on a loaded machine (or a deadlocked worker) it
    # says nothing about the tests
    killed = counts["killed"]
    considered = sum(counts.values()) - counts["skipped"]
    pct = 100.0 * killed / considered if considered else 0.0
    survivors = sorted(
        n for n, s in status.items() if n not in equivalent and s != "killed"
    )
    print(
        f"mutation {group}: {pct:.1f}% killed ({killed}/{considered} non-equivalent; "
        f"{len(equivalent)} equivalent; {dict(sorted(counts.items()))}) "
        f"in {seconds}s wall, {cpu}s CPU"
    )
    for name in survivors:
        print(f"  {status[name]}: {name}")
    for name in stale:
        print(f"  stale equivalent (the tests kill it: renumbered?): {name}")
    return 0 if pct >= minimum and not stale else 1


def main(argv: list[str]) -> int:
    if argv[0] == "--survivors":
        status, equivalent = statuses(Path(argv[1])), equivalents(Path(argv[2]))
        print("\n".join(n for n, s in sorted(status.items())
                        if s != "killed" and n not in equivalent))
        return 0
    if argv[0] == "--score":
        _, results, group, seconds, cpu, minimum, equiv = argv
        return score(Path(results), group, int(seconds), int(cpu), float(minimum), Path(equiv))
    rewrite(Path(argv[0]), argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
