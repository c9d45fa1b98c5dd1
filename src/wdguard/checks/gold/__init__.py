"""The gold gate: checks of a date's gold tables, derived from `contracts/gold/`.

`run_gold` locates every gold table's partition (`gold/{table}/{date}/`) and the silver
partitions the facts reconcile with, derives the checks (`derive.py`, engine-neutral),
plans them once (`plan.py`, verdicts and messages in `verdicts.py`) and runs the plan on
the gate's engine (`checks/engines/<engine>/gold.py`, picked in `run.hooks_for`);
`run.py` holds `run_gold`, so the engines' gold hooks import the plan one way. It returns
`Outcome`s like the other layers, so the gate records them in the same run record with
the same exit codes. Bad gold contracts, or no gold partition at all for the date, are
`InputError`s (exit 2: the gate cannot decide).
"""

from wdguard.checks.gold.derive import derive_gold
from wdguard.checks.gold.plan import evaluate

__all__ = ["derive_gold", "evaluate"]
