"""Array-element paths of Mongo contracts (`tags[]`, `photos[].url`, `a[].b[]`): what is
checked, independent of any dataframe engine.

A Mongo contract keys an array's elements as `<array>[]` and their fields as
`<array>[].<field>`. Every check a scalar column gets, an element path gets too, applied
to each element; a document fails when any of its elements fails, so counts are of
documents (`failing_rows`) and of elements (`details.failing_elements`), quarantine is per
document, and a sample names the document's key and the first failing element
(`photos[2].url is null`).

The plan (`checks/plan.py`) calls `compile_elements` after its row checks: the element
checks' per-document expressions join its one aggregation, their document flags its
quarantine; `check_element_fk` is the foreign-key step for an element path. An engine
supplies the list hooks (`ElementOps`, in `engines/<name>/elements.py`: "sum over the
elements", "index of the first element that...", a struct field or a field of a JSON-text
element, an explode of the path for references) and its expression module `E` the value
checks. `element_plan` walks a path through the partition's types once; `count_failing`
and `locate` build the per-document expressions from it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from wdguard.checks.derive import is_element_path  # element specs are derived in derive.py
from wdguard.checks.kinds import KINDS
from wdguard.checks.outcome import Outcome, jsonable
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.model import Column, Contract

INTO = None  # a step into an array's elements (a field step is the field's name)
ELEMENT_CHECKS = frozenset({"castable", "not_null", "in_values", "between", "regex"})
JSON_NESTED = "fields of an array's elements inside a JSON-text element are not checked"


@dataclass(frozen=True)
class ElementPath:
    name: str  # the contract key: `metadata.items[].productId`
    container: str  # the outermost array, a column path without `[]`: `metadata.items`
    steps: tuple[str | None, ...]  # INTO, then fields and further INTOs: (INTO, "productId")


def parse(name: str) -> ElementPath:
    """`a.b[].c.d[]` -> container `a.b`, steps (INTO, "c", "d", INTO)."""
    head, *rest = name.split("[]")
    steps: list[str | None] = []
    for part in rest:
        steps.append(INTO)
        steps.extend(p for p in part.split(".") if p)
    return ElementPath(name, head, tuple(steps))


def label(path: ElementPath, indices: list[int]) -> str:
    """`photos[]`.url with indices [2] -> `photos[2].url`."""
    it = iter(indices)
    return re.sub(r"\[\]", lambda _m: f"[{next(it, '')}]", path.name)


# --------------------------------------------------------------------------- engine hooks
class ElementOps(Protocol):
    """What an engine supplies to compile element paths (Polars: list.eval; Spark:
    higher-order functions)."""

    def list_inner(self, dtype: Any) -> Any | None: ...  # element type of a list type
    def struct_fields(self, dtype: Any) -> Mapping[str, Any] | None: ...
    def is_text(self, dtype: Any) -> bool: ...
    text_type: Any  # the engine's string type (a field read from JSON text)
    def struct_field(self, value: Any, name: str) -> Any: ...
    def json_field(self, value: Any, name: str) -> Any: ...  # text of a JSON field, or null
    def json_list(self, value: Any) -> Any: ...  # a JSON array's text -> list of texts
    def is_missing(self, value: Any, json: bool) -> Any: ...  # null (or JSON `null` text)
    def sum_over(self, values: Any, per_element: Callable[[Any], Any]) -> Any: ...  # 0 if null
    def first_index(self, values: Any, per_element: Callable[[Any], Any]) -> Any: ...  # > 0
    def get(self, values: Any, index: Any) -> Any: ...
    def when_missing_zero(self, missing: Any, count: Any) -> Any: ...
    def as_count(self, fails: Any) -> Any: ...  # boolean (null = passes) -> 0/1
    def list_len(self, value: Any) -> Any: ...  # elements of an array, null for no array
    def total(self, count: Any) -> Any: ...  # aggregate: the sum of a per-document count
    def sample_rows(self, frame: Any, fails: Any, picked: dict[str, Any], n: int,
                    failing: int) -> list[dict[str, Any]]: ...
    def explode_leaves(self, frame: Any, plan: ElementPlan, keep: list[str]) -> Any: ...
    def leaf_orphans(self, leaves: Any, key: Any, parent: Any, parent_key: Any, n: int
                     ) -> tuple[int, int, list[dict[str, Any]]]: ...


@dataclass(frozen=True)
class Step:
    field: str | None  # None: into the elements
    dtype: Any  # the type reached after this step
    json: bool = False  # a field read out of a JSON-text element


@dataclass(frozen=True)
class ElementPlan:
    path: ElementPath
    container: Any  # the engine's expression of the outermost array
    container_dtype: Any
    steps: tuple[Step, ...]

    @property
    def leaf_dtype(self) -> Any:
        return self.steps[-1].dtype

    @property
    def from_json(self) -> bool:
        return any(s.json for s in self.steps)


def element_plan(
    path: ElementPath, container: Any, dtype: Any, ops: ElementOps
) -> ElementPlan | str | None:
    """Walk the path's steps through the partition's types: the plan, None when a field
    is absent, or a reason string when the path cannot be checked."""
    steps: list[Step] = []
    for step in path.steps:
        if step is INTO:
            inner = ops.list_inner(dtype)
            if inner is None and steps and steps[-1].json:  # an array inside a JSON element
                if len(steps) + 1 < len(path.steps):
                    return JSON_NESTED
                steps.append(Step(None, ops.text_type, json=True))
                continue
            if inner is None:
                return f"{path.name}: {path.container} is not an array of the partition"
            dtype = inner
            steps.append(Step(None, dtype))
            continue
        fields = ops.struct_fields(dtype)
        if fields is not None:
            if step not in fields:
                return None
            dtype = fields[step]
            steps.append(Step(step, dtype))
        elif ops.is_text(dtype):  # a sub-document kept as JSON text
            dtype = ops.text_type
            steps.append(Step(step, dtype, json=True))
        else:
            return f"{path.name}: field {step!r} inside a non-object element is not checked"
    return ElementPlan(path, container, dtype, tuple(steps))


def count_failing(plan: ElementPlan, leaf_fails: Callable[[Any], Any], ops: ElementOps) -> Any:
    """Per document: how many of the path's elements fail (`leaf_fails(value)` true). An
    absent array has no elements; a field of a null element is the element's own finding
    (`<array>[]` not_null), not its field's."""

    def descend(value: Any, i: int) -> Any:
        if i == len(plan.steps):
            return ops.as_count(leaf_fails(value))
        step = plan.steps[i]
        if step.field is INTO:
            return ops.sum_over(_step(value, step, ops), lambda e: descend(e, i + 1))
        below = descend(_step(value, step, ops), i + 1)
        return ops.when_missing_zero(ops.is_missing(value, step.json), below)

    return descend(plan.container, 0)


def _step(value: Any, step: Step, ops: ElementOps) -> Any:
    """One step down: an array's elements as a list, or a field of an element."""
    if step.field is INTO:
        return ops.json_list(value) if step.json else value
    return ops.json_field(value, step.field) if step.json else ops.struct_field(value, step.field)


def locate(
    plan: ElementPlan, leaf_fails: Callable[[Any], Any], ops: ElementOps
) -> tuple[list[Any], Any]:
    """(the indices of the first failing element at each array level, its leaf value), as
    expressions over a document that fails."""
    indices: list[Any] = []
    value = plan.container
    for i, step in enumerate(plan.steps):
        value = _step(value, step, ops)
        if step.field is INTO:
            below = ElementPlan(plan.path, None, step.dtype, plan.steps[i + 1 :])

            def fails_below(e: Any, below: ElementPlan = below) -> Any:
                return count_failing(replace(below, container=e), leaf_fails, ops)

            idx = ops.first_index(value, fails_below)
            indices.append(idx)
            value = ops.get(value, idx)
    return indices, value


# --------------------------------------------------------------------------- outcomes
def element_outcome(spec: CheckSpec, documents: int, elements: int, rows: int) -> Outcome:
    """An element check's outcome: failing documents, and elements in `details`."""
    out = Outcome(
        spec,
        "fail" if documents else "pass",
        rows_scanned=rows,
        failing_rows=documents,
        details={"failing_elements": elements},
    )
    if documents:
        out.message = f"{documents} of {rows} document(s) fail ({elements} element(s))"
    return out


def describe(spec: CheckSpec, where: str, value: Any) -> str:
    """`photos[2].url is null`, `tags[1] = 'bogus'`: one failing element, as a sample says it."""
    if spec.check == "not_null":
        return f"{where} is null"
    if spec.check == "castable":
        return f"{where} = {value!r} does not cast"
    return f"{where} = {value!r}"


def schema_outcomes(
    contract: Contract,
    specs: list[CheckSpec],
    resolve: Callable[[str], Any],
    ops: ElementOps,
    type_verdict: Callable[[str, Column, Any], tuple[bool, str]],
) -> Iterator[tuple[int, Outcome | None, ElementPlan | None, Column]]:
    """(spec index, outcome, plan, column) of every element-path spec: the outcome of its
    schema checks (presence, type) or of a value check that cannot run; None with the
    plan for a value check to compile. `resolve(path)` is the engine's column resolver
    (a `compile.ResolvedColumn`, None when absent, a reason string)."""
    from wdguard.checks.compile import ResolvedColumn

    plans: dict[str, ElementPlan | str | None] = {}
    for name in contract.columns:
        if is_element_path(name):
            path = parse(name)
            box = resolve(path.container)
            if box is None:
                plans[name] = f"array {path.container!r} is absent from the partition"
            elif isinstance(box, str):
                plans[name] = box
            else:
                plans[name] = element_plan(path, box.expr, box.dtype, ops)
    for i, spec in enumerate(specs):
        if spec.column not in plans:
            continue
        plan, column = plans[spec.column], contract.columns[spec.column]
        if isinstance(plan, str):
            yield i, Outcome(spec, "skipped", plan), None, column
        elif plan is None:
            yield i, (
                Outcome(spec, "fail", f"{spec.column!r} is absent from the partition's elements")
                if spec.check == "column_missing"
                else Outcome(spec, "skipped", "column absent")
            ), None, column
        elif spec.check == "column_missing":
            yield i, Outcome(spec, "pass"), plan, column
        elif spec.check == "dtype":
            if plan.from_json:  # text in a JSON element: its values are checked by castable
                yield i, Outcome(spec, "pass"), plan, column
            else:
                leaf = ResolvedColumn(None, plan.leaf_dtype, True)
                ok, msg = type_verdict(spec.column, column, leaf)
                yield i, Outcome(spec, "pass" if ok else "fail", msg), plan, column
        elif spec.check in ELEMENT_CHECKS:
            yield i, None, plan, column


def fk_outcome(spec: CheckSpec, documents: int, elements: int, references: str) -> Outcome:
    """An element reference's outcome: documents with a dangling element, and elements."""
    out = element_outcome(spec, documents, elements, 0)
    out.rows_scanned = None
    if documents:
        out.message = (
            f"{elements} element(s) in {documents} document(s) reference a missing {references}"
        )
    return out


def fk_target(spec: CheckSpec) -> str:
    return spec.params.get("references", "")


# --------------------------------------------------------------------------- the plan's step
def element_ops(engine: Any) -> ElementOps:
    """The list hooks of an engine (`engines/<name>/elements.py`)."""
    from importlib import import_module

    return import_module(f"wdguard.checks.engines.{engine.name}.elements").OPS


def leaf_fails(spec: CheckSpec, column: Column, source: Any, E: Any, ops: ElementOps):
    """value -> true when this element fails the spec (null passes the value checks, as
    for a column); None when no element can fail it (a typed element always casts)."""
    expected = E.dtype(column)
    as_is = E.is_nested(source) or E.same_type(source, expected)

    def typed(v: Any) -> Any:
        return v if as_is else E.to_type(v, source, expected)

    kind = KINDS[spec.check]
    if spec.check == "castable":
        return None if as_is else (lambda v: ~E.castable(v, typed(v)))
    if spec.check == "not_null":  # an object element kept as JSON text may be `null` text
        json_object = column.type == "object" and ops.is_text(source)
        return lambda v: ops.is_missing(v, json_object)
    if kind.passes is not None:
        def value(v: Any) -> Any:
            return E.numeric(typed(v), expected) if kind.numeric else typed(v)

        return lambda v: ~kind.passes(E, value(v), spec.params)
    raise ValueError(f"not an element check: {spec.check}")


@dataclass
class ElementChecks:
    """The element checks of one partition: per-document fail flags and counts."""

    fail: dict[int, Any] = field(default_factory=dict)  # spec index -> the document fails
    counts: dict[int, Any] = field(default_factory=dict)  # -> its failing elements
    locate: dict[int, tuple[ElementPlan, Callable]] = field(default_factory=dict)

    def aggregates(self, ops: ElementOps) -> dict[str, Any]:
        return {f"e{i}": ops.total(c) for i, c in self.counts.items()}

    def outcome(self, i: int, spec: CheckSpec, row: Mapping[str, Any], rows: int) -> Outcome:
        return element_outcome(spec, int(row[f"f{i}"] or 0), int(row[f"e{i}"] or 0), rows)

    def samples(self, frame: Any, i: int, spec: CheckSpec, key_cols: list[str], n: int,
                failing: int, ops: ElementOps, E: Any) -> list[dict[str, Any]]:
        """Up to n failing documents: their key and where the first failing element is."""
        if n <= 0:
            return []
        plan, fails = self.locate[i]
        indices, value = locate(plan, fails, ops)
        picked = {f"k{j}": E.col(c) for j, c in enumerate(key_cols)}
        picked |= {f"__i{j}": ix for j, ix in enumerate(indices)}
        picked["__v"] = value
        out = []
        for r in ops.sample_rows(frame, self.fail[i], picked, n, failing):
            at = label(plan.path, [r[f"__i{j}"] for j in range(len(indices))])
            sample = {c: jsonable(r[f"k{j}"]) for j, c in enumerate(key_cols)}
            sample["element"] = describe(spec, at, jsonable(r["__v"]))
            out.append(sample)
        return out


def compile_elements(
    contract: Contract,
    specs: list[CheckSpec],
    outcomes: dict[int, Outcome],
    resolve: Callable[[str], Any],
    type_verdict: Callable[[str, Column, Any], tuple[bool, str]],
    E: Any,
    ops: ElementOps,
) -> ElementChecks:
    """Outcomes of the element paths' schema checks (into `outcomes`) and the expressions
    of their value checks and of the arrays' length limits."""
    out = ElementChecks()
    for i, spec in enumerate(specs):
        if spec.check == "array_length":
            col = resolve(spec.column)
            if col is None or isinstance(col, str) or ops.list_inner(col.dtype) is None:
                outcomes[i] = Outcome(spec, "skipped", "array absent or not an array")
                continue
            inside = E.between(ops.list_len(col.expr), spec.params["min"], spec.params["max"])
            out.fail[i] = ~inside
    for i, outcome, plan, column in schema_outcomes(contract, specs, resolve, ops, type_verdict):
        if outcome is not None:
            outcomes[i] = outcome
            continue
        fails = leaf_fails(specs[i], column, plan.leaf_dtype, E, ops)
        if fails is None:  # no element can fail it: nothing to evaluate
            out.counts[i], out.fail[i] = E.lit(0), E.lit(False)
            continue
        count = count_failing(plan, fails, ops)
        out.counts[i], out.fail[i] = count, count > 0
        out.locate[i] = (plan, fails)
    return out


def check_element_fk(child: Contract, child_frame: Any, fk: Any, parent: Contract,
                     parent_frame: Any, spec: CheckSpec, sample_keys: int, engine: Any
                     ) -> Outcome:
    """Elements whose id has no parent row (`metadata.items[].productId -> Product.id`):
    the path exploded once, one anti-join."""
    from wdguard.checks.compile import ResolvedColumn, resolve_column

    E, ops = engine.x, element_ops(engine)
    (name,) = fk.columns
    (ref,) = fk.ref_columns
    path = parse(name)
    child_types, parent_types = engine.schema(child_frame), engine.schema(parent_frame)
    box = resolve_column(path.container, child_types, column=E.col, field=E.field,
                         struct_fields=E.struct_fields)
    plan = element_plan(path, box.expr, box.dtype, ops) if isinstance(box, ResolvedColumn) else box
    if plan is None or isinstance(plan, str):
        return Outcome(spec, "skipped", plan or f"key path absent: {name}")
    if ref not in parent_types:
        return Outcome(spec, "skipped", f"key column(s) absent: {fk.references}.{ref}")
    started = time.perf_counter()
    keys = [c for c in child.primary_key if c in child_types]
    leaves = ops.explode_leaves(child_frame, plan, keys)
    key = E.to_type(E.col("__v"), plan.leaf_dtype, E.dtype(child.columns[name]))
    parent_key = E.to_type(E.col(ref), parent_types[ref], E.dtype(parent.columns[ref]))
    docs, elements, rows = ops.leaf_orphans(leaves, key, parent_frame, parent_key, sample_keys)
    out = fk_outcome(spec, docs, elements, fk_target(spec))
    levels = sum(1 for s in plan.steps if s.field is INTO)
    for r in rows:
        at = label(path, [r[f"__i{j}"] for j in range(levels)])
        sample = {c: jsonable(r[f"k{j}"]) for j, c in enumerate(keys)}
        sample["element"] = f"{at} = {jsonable(r['__v'])!r}"
        out.sample_keys.append(sample)
    out.duration_ms = (time.perf_counter() - started) * 1000
    return out
