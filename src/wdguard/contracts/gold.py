"""Gold contracts: what a fact or dimension table of the star schema must look like.

One YAML file per gold table under `contracts/gold/`. A gold contract states the grain
(the unique key of a row), surrogate and natural keys of a dimension, the dimension
references of a table, an SCD type 2 declaration, a calendar declaration (DimTime) and,
for a fact, a `reconcile:` section: which silver contract the fact is built from, which
of its rows belong to a date's partition (`date_column`, optional SQL `filter`), and which
counts and measure sums must match (exact for decimals and integers, a tolerance where
declared). Every gold check is derived from these; nothing about a table is in Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from wdguard.contracts.io import load_mapping, validation_error
from wdguard.contracts.model import Contract, LogicalType, _Strict
from wdguard.errors import InputError

GOLD_DIR = "gold"  # contracts/gold/


class GoldColumn(_Strict):
    type: LogicalType
    nullable: bool = True
    precision: int | None = None
    scale: int | None = None
    description: str | None = None


class DimensionRef(_Strict):
    """`column` of this table holds surrogate keys of `dimension`."""

    column: str
    dimension: str  # a gold contract of kind dimension
    # share of rows allowed on the dimension's unknown member (None: not checked)
    unknown_max_share: float | None = Field(default=None, ge=0, le=1)
    severity: Literal["error", "warn"] = "error"


class SCD2(_Strict):
    """Slowly changing dimension, type 2: one row per version of a natural key."""

    valid_from: str
    valid_to: str  # null on the current version
    is_current: str
    severity: Literal["error", "warn"] = "error"


class Calendar(_Strict):
    """A calendar dimension: one row per day, no gaps, covering every fact date."""

    date_column: str
    severity: Literal["error", "warn"] = "error"


class MeasureSum(_Strict):
    gold: str  # measure column of the fact
    silver: str  # column of the silver source
    tolerance: float | None = Field(default=None, ge=0)  # absolute; None: exact


class Reconcile(_Strict):
    source: str  # silver contract name
    date_column: str  # silver timestamp: its UTC date puts a row in that date's partition
    filter: str | None = None  # SQL over silver rows: which of them the fact keeps
    count: bool = True  # rows of the fact == silver rows kept
    sums: list[MeasureSum] = Field(default_factory=list)
    severity: Literal["error", "warn"] = "error"


class GoldContract(_Strict):
    gold: str  # table name, e.g. FactOrders
    version: int = 1
    kind: Literal["fact", "dimension"]
    description: str | None = None
    owner: str | None = None
    grain: list[str]  # the unique key of a row (dimension: the surrogate key)
    surrogate_key: str | None = None  # dimension
    natural_key: list[str] = Field(default_factory=list)  # dimension
    unknown_member: int | None = None  # dimension: surrogate key of the unknown member row
    columns: dict[str, GoldColumn]
    references: list[DimensionRef] = Field(default_factory=list)
    scd2: SCD2 | None = None
    calendar: Calendar | None = None
    reconcile: Reconcile | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GoldContract:
        cols = set(self.columns)

        def need(what: str, names: list[str]) -> None:
            missing = [n for n in names if n not in cols]
            if missing:
                raise ValueError(f"{what} column(s) {', '.join(missing)} not in columns")

        if not self.grain:
            raise ValueError("grain must name at least one column")
        need("grain", self.grain)
        need("reference", [r.column for r in self.references])
        if self.kind == "dimension":
            if not self.surrogate_key or not self.natural_key:
                raise ValueError("a dimension needs surrogate_key and natural_key")
            need("surrogate_key", [self.surrogate_key])
            need("natural_key", self.natural_key)
            if self.reconcile:
                raise ValueError("reconcile is for facts; dimensions are checked by keys")
        else:
            if self.scd2 or self.calendar or self.unknown_member is not None:
                raise ValueError("scd2, calendar and unknown_member are for dimensions")
        if self.scd2:
            need("scd2", [self.scd2.valid_from, self.scd2.valid_to, self.scd2.is_current])
        if self.calendar:
            need("calendar", [self.calendar.date_column])
        if self.reconcile:
            need("reconcile", [s.gold for s in self.reconcile.sums])
        return self


def parse_gold_text(text: str, path: Path | str) -> GoldContract:
    """One gold contract file; errors name file:line and the problem (exit 2), read like
    a silver contract (`contracts/io.py`)."""
    data = load_mapping(text, path, "a gold contract file")
    try:
        return GoldContract.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, text, path) from None


def load_gold_contracts(contracts_dir: Path | str) -> list[GoldContract]:
    """`{contracts_dir}/gold/*.yaml`, sorted by file name; [] when there is no folder."""
    folder = Path(contracts_dir) / GOLD_DIR
    if not folder.is_dir():
        return []
    out: dict[str, GoldContract] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read gold contract: {exc}", where=str(path)) from None
        g = parse_gold_text(text, path)
        if g.gold in out:
            raise InputError(f"gold table {g.gold!r} is defined twice", where=str(path))
        out[g.gold] = g
    return list(out.values())


def gold_problems(
    gold: list[GoldContract], silver: list[Contract], folder: Path | str = GOLD_DIR
) -> list[str]:
    """Cross-contract problems: references to unknown dimensions, reconcile sources or
    columns that do not exist, filters that do not compile. One line each."""
    from wdguard.contracts.rule_sql import parse_rule

    problems: list[str] = []
    dims = {g.gold: g for g in gold if g.kind == "dimension"}
    by_name = {c.contract: c for c in silver}
    for g in gold:
        where = f"{folder}/{g.gold}.yaml"
        for ref in g.references:
            dim = dims.get(ref.dimension)
            if dim is None:
                problems.append(
                    f"{where}: {ref.column} references unknown dimension {ref.dimension!r}"
                )
            elif ref.unknown_max_share is not None and dim.unknown_member is None:
                problems.append(
                    f"{where}: {ref.column} sets unknown_max_share but "
                    f"{dim.gold} declares no unknown_member"
                )
        rc = g.reconcile
        if rc is None:
            continue
        src = by_name.get(rc.source)
        if src is None:
            problems.append(f"{where}: reconcile source {rc.source!r} is not a silver contract")
            continue
        missing = [
            c for c in [rc.date_column, *(s.silver for s in rc.sums)] if c not in src.columns
        ]
        if missing:
            problems.append(
                f"{where}: reconcile names column(s) {', '.join(missing)} that "
                f"{rc.source} does not have"
            )
        if rc.filter:
            try:
                parse_rule(rc.filter)  # the guard both engines' gold hooks apply
            except Exception as exc:  # the SQL dialect's own one-line message
                problems.append(
                    f"{where}: reconcile filter does not compile: "
                    f"{' '.join(str(exc).split())[:200]}"
                )
    return problems


def gold_folder_problems(
    contracts_dir: Path | str, silver: list[Contract]
) -> tuple[int, list[str]]:
    """`contracts validate` for `{contracts_dir}/gold/`: every file's problem (not only
    the first), then the cross-contract ones. Returns (gold contracts read, problems)."""
    folder = Path(contracts_dir) / GOLD_DIR
    if not folder.is_dir():
        return 0, []
    problems: list[str] = []
    found: dict[str, GoldContract] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            g = parse_gold_text(path.read_text(encoding="utf-8"), path)
        except InputError as exc:
            problems.append(exc.one_line())
            continue
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read gold contract: {exc}")
            continue
        if g.gold in found:
            problems.append(f"{path}: gold table {g.gold!r} is defined twice")
        found[g.gold] = g
    return len(found), problems + gold_problems(list(found.values()), silver, folder)
