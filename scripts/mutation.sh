#!/usr/bin/env bash
# Mutation testing of the modules whose bugs would let bad data through or raise false
# alarms (configuration: [tool.mutmut] in pyproject.toml; equivalent mutants, which no
# test can kill, in mutation/equivalent.txt). Prints the score and the run time.
#
#   scripts/mutation.sh                 every group of [tool.mutmut.groups] but smoke
#   scripts/mutation.sh checks lint     some groups
#   scripts/mutation.sh --smoke         one tiny module (< 1 min): the configuration still works
#   scripts/mutation.sh --survivors lint   re-run only the last run's survivors of a group
#                                       against the working tree's tests (after writing tests)
#
# Each group runs in its own scratch copy (.mutation/<group>/) with its own test
# selection; mutmut then runs, for each mutant, only the tests that call the mutated
# function (its per-mutant selection from the stats pass). MUTATION_CHILDREN (default 2)
# bounds the worker processes; MUTATION_TESTS_FROM=<git ref> runs that ref's tests instead
# of the working tree's (to measure a "before" score). Exit 1 when a group scores under MUTATION_MIN (default 90).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="$ROOT/.venv/bin/python"
MUTMUT="$ROOT/.venv/bin/mutmut"
CHILDREN="${MUTATION_CHILDREN:-2}"
MIN="${MUTATION_MIN:-90}"

survivors_only=0
if [[ "${1:-}" == "--survivors" ]]; then
  survivors_only=1
  shift
fi
if [[ "${1:-}" == "--smoke" ]]; then
  groups=(smoke)
elif [[ $# -gt 0 ]]; then
  groups=("$@")
else
  groups=(checks checks_gate gold history pg_diff mongo_diff lake lint redact delta_log elements metrics types rules)
fi

status=0
for group in "${groups[@]}"; do
  scratch="$ROOT/.mutation/$group"
  if [[ $survivors_only == 1 ]]; then
    # the mutants and their results stay; the tests are the working tree's (mutmut finds
    # the new ones and maps them to functions); only the survivors are run again
    [[ -f "$scratch/results.txt" ]] || { echo "mutation: no earlier run of $group" >&2; status=1; continue; }
    mapfile -t names < <("$PY" "$ROOT/scripts/mutation_config.py" --survivors \
      "$scratch/results.txt" "$ROOT/mutation/equivalent.txt")
    rm -rf "$scratch/tests" "$scratch/mutants/tests"
    cp -r tests "$scratch/"
    cp -r tests "$scratch/mutants/"
    start=$(date +%s)
    echo "0 0" >"$scratch/cpu.txt"
    timer=()
    [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "%U %S" -o "$scratch/cpu.txt")
    if [[ ${#names[@]} -gt 0 ]]; then
      (cd "$scratch" && "${timer[@]}" "$MUTMUT" run --max-children "$CHILDREN" "${names[@]}" \
        >"$scratch/rerun.log" 2>&1) || true
    fi
    seconds=$(( $(date +%s) - start ))
    (cd "$scratch" && "$MUTMUT" results --all true >"$scratch/results.txt" 2>&1) || true
    cpu=$(awk '{printf "%d", $1 + $2}' "$scratch/cpu.txt")
    echo "re-ran ${#names[@]} survivors of $group:"
    "$PY" "$ROOT/scripts/mutation_config.py" --score "$scratch/results.txt" "$group" \
      "$seconds" "$cpu" "$MIN" "$ROOT/mutation/equivalent.txt" || status=1
    continue
  fi
  rm -rf "$scratch"
  mkdir -p "$scratch"
  cp -r src tests fixtures contracts pyproject.toml "$scratch/"
  if [[ -n "${MUTATION_TESTS_FROM:-}" ]]; then  # measure an older suite (a "before" score)
    rm -rf "$scratch/tests"
    git archive "$MUTATION_TESTS_FROM" tests | tar -x -C "$scratch"
  fi
  [[ -e node_modules ]] && ln -s "$ROOT/node_modules" "$scratch/node_modules"
  "$PY" "$ROOT/scripts/mutation_config.py" "$scratch/pyproject.toml" "$group"
  start=$(date +%s)
  # wall time depends on what else the machine runs; CPU time (user+sys) is the work
  timer=()
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f "%U %S" -o "$scratch/cpu.txt")
  echo "0 0" >"$scratch/cpu.txt"
  (cd "$scratch" && "${timer[@]}" "$MUTMUT" run --max-children "$CHILDREN" \
    >"$scratch/run.log" 2>&1) || {
    echo "mutation: mutmut failed for group $group (log: $scratch/run.log)" >&2
    tail -20 "$scratch/run.log" >&2
    status=1
    continue
  }
  seconds=$(( $(date +%s) - start ))
  (cd "$scratch" && "$MUTMUT" results --all true >"$scratch/results.txt" 2>&1) || true
  cpu=$(awk '{printf "%d", $1 + $2}' "$scratch/cpu.txt")
  "$PY" "$ROOT/scripts/mutation_config.py" --score "$scratch/results.txt" "$group" \
    "$seconds" "$cpu" "$MIN" "$ROOT/mutation/equivalent.txt" || status=1
done
exit $status
