"""The one-pass engine and the pandera schema on in-memory frames."""

from __future__ import annotations

import polars as pl
import pytest

from wdguard.checks.engines import check_partition
from wdguard.checks.engines.polars.pandera_schema import schema_failures, to_pandera, validate
from wdguard.contracts.model import contract_from_dict
from wdguard.errors import InputError

EVENTS = contract_from_dict(
    {
        "contract": "events",
        "source": {"kind": "mongodb", "collection": "events"},
        "primary_key": ["_id"],
        "columns": {
            "_id": {"type": "string", "nullable": False},
            "kind": {"type": "enum", "values": ["view", "click"]},
            "device": {"type": "object"},
            "device.os": {"type": "enum", "values": ["ios", "android"]},
            "device.missing": {"type": "string"},
            "items[].productId": {"type": "string", "nullable": False},
        },
    }
)


# a table with a bigint key and a non-negative integer
T_SPEC = {
    "contract": "T",
    "source": {"kind": "postgres", "table": "t"},
    "primary_key": ["id"],
    "columns": {
        "id": {"type": "bigint", "nullable": False},
        "v": {"type": "integer", "min": 0},
    },
}


def outcome(result, column, check):
    return next(o for o in result.outcomes if o.spec.column == column and o.spec.check == check)


def test_nested_struct_fields_checked_array_paths_skipped():
    lf = pl.LazyFrame(
        {
            "_id": ["a", "b", "c"],
            "kind": ["view", "click", "view"],
            "device": [{"os": "ios"}, {"os": "windows"}, {"os": None}],
        }
    )
    result = check_partition(lf, EVENTS, "bronze", where="t")
    assert outcome(result, "device.os", "in_values").failing_rows == 1
    assert outcome(result, "device.os", "in_values").sample_keys == [{"_id": "b"}]
    assert outcome(result, "device.missing", "column_missing").status == "fail"
    assert outcome(result, "items[].productId", "not_null").status == "skipped"
    assert outcome(result, "items[].productId", "column_missing").status == "skipped"
    assert outcome(result, "kind", "in_values").status == "pass"


def test_all_checks_in_one_pass_streaming_and_samples_only_for_failures():
    c = contract_from_dict(T_SPEC)
    n = 200_000
    lf = pl.LazyFrame(
        {"id": pl.int_range(0, n, eager=True), "v": pl.int_range(0, n, eager=True) - 3}
    )
    result = check_partition(
        lf.with_columns(pl.col("v").cast(pl.Int32)), c, "silver", where="t", sample_keys=2
    )
    between = outcome(result, "v", "between")
    assert (between.failing_rows, between.sample_keys) == (3, [{"id": 0}, {"id": 1}])
    assert outcome(result, "id", "duplicate_pk").sample_keys == []
    assert result.row_count == n


def test_rule_with_unknown_column_is_skipped_with_reason_in_engine():
    c = contract_from_dict(
        {
            "contract": "T",
            "source": {"kind": "postgres", "table": "t"},
            "columns": {"a": {"type": "integer"}, "b": {"type": "integer"}},
            "rules": [{"name": "a_le_b", "sql": "a <= b"}],
        }
    )
    result = check_partition(
        pl.LazyFrame({"a": [1]}, schema={"a": pl.Int32}), c, "silver", where="t"
    )
    rule = next(o for o in result.outcomes if o.spec.check == "rule")
    assert rule.status == "skipped" and "b" in rule.message


def test_a_rule_is_named_by_the_columns_its_parse_tree_reads_in_contract_order():
    """One `rule_columns` (the parse tree) names a rule's check and gives Spark its roots:
    not a word in a string literal or a comment, not a function that shares a column's
    name; a quoted identifier is a column; unparsable SQL names none (refused later)."""
    from wdguard.checks.derive import specs_for
    from wdguard.contracts.rule_sql import rule_columns

    c = contract_from_dict({
        "contract": "T", "source": {"kind": "postgres", "table": "t"},
        "columns": {n: {"type": "string"} for n in ("type", "lower", "status", "note", "z")},
        "rules": [
            {"name": "r1", "sql": "lower(status) <> 'note' OR \"type\" = 'x' -- z"},
            {"name": "r2", "sql": "1 = 0"},
            {"name": "r3", "sql": "status IN (SELECT z FROM t)"},
        ],
    })  # fmt: skip
    named = {s.name: s.column for s in specs_for(c, "silver") if s.check == "rule"}
    assert named == {"r1": "type,status", "r2": None, "r3": None}
    assert rule_columns("status <> 'it''s' OR \"type\" = 'x'") == {"status", "type"}


def test_invalid_rule_sql_raises_input_error_naming_contract_and_rule():
    from wdguard.checks.rules import validate_rules

    c = contract_from_dict(
        {
            "contract": "T",
            "source": {"kind": "postgres", "table": "t"},
            "columns": {"a": {"type": "integer"}},
            "rules": [{"name": "broken", "sql": "a >>>= ("}],
        }
    )
    with pytest.raises(InputError) as err:
        validate_rules([c])
    assert "contract T, rule broken" in err.value.one_line()
    unknown = c.model_copy(update={"rules": [c.rules[0].model_copy(update={"sql": "zzz > 1"})]})
    with pytest.raises(InputError, match="unknown column"):
        validate_rules([unknown])


ORDERS = contract_from_dict(
    {
        "contract": "Order",
        "source": {"kind": "postgres", "table": "orders"},
        "primary_key": ["id"],
        "columns": {
            "id": {"type": "uuid", "nullable": False},
            "status": {"type": "enum", "values": ["PAID", "PENDING"]},
            "amount": {"type": "decimal", "precision": 12, "scale": 2, "min": 0},
        },
    }
)


def _orders(status="PAID", amount="1.00", ids=("a", "b")):
    return pl.DataFrame(
        {
            "id": list(ids),
            "status": [status, "PENDING"],
            "amount": pl.Series([amount, "2.00"]).cast(pl.Decimal(12, 2)),
        }
    )


def test_pandera_schema_level_and_data_level_really_run():
    assert set(to_pandera(ORDERS).columns) == {"id", "status", "amount"}
    good = _orders()
    assert validate(ORDERS, good.lazy(), data=True) is None
    bad = _orders(status="SHIPPED", amount="-1.00", ids=("a", "a"))
    # the pitfall: a LazyFrame under pandera's default validation depth skips data checks
    assert to_pandera(ORDERS).validate(bad.lazy()).collect().height == 2
    cases = validate(ORDERS, bad.lazy(), data=True)
    assert cases is not None
    checks = set(cases["check"].to_list())
    assert any(c.startswith("isin") for c in checks)
    assert any(c.startswith("greater_than_or_equal_to") for c in checks)
    assert "multiple_fields_uniqueness" in checks
    assert validate(ORDERS, bad.lazy(), data=False) is None  # schema-only: dtypes are right


def test_pandera_schema_failures_name_columns():
    wrong = _orders().with_columns(pl.col("amount").cast(pl.Float64)).drop("status")
    found = schema_failures(ORDERS, wrong.lazy())
    assert set(found) == {"amount", "status"}
    assert "Float64" in found["amount"]


NEAR_DTYPES = [
    pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt32, pl.Float32, pl.Float64, pl.Boolean,
    pl.Date, pl.Datetime("ms", "UTC"), pl.Datetime("us", "UTC"), pl.Datetime("ns", "UTC"),
    pl.Datetime("ms"), pl.Datetime("ms", "Europe/Paris"), pl.String, pl.Categorical,
    pl.Enum(["A", "B"]), pl.Decimal(10, 2), pl.Decimal(38, 2), pl.Decimal(10, 3), pl.Binary,
    pl.Null, pl.List(pl.String), pl.Struct({"a": pl.Int64}),
]  # fmt: skip


def test_pandera_dtype_verdict_is_the_plans_own_so_both_engines_agree():
    """Silver's dtype verdict is the plan's `type_ok` on every engine (the schema hook
    gives the types, the plan compares); pandera, which runs on Polars only, adds its
    reason to the message but never decides otherwise: over every silver type and its
    near misses (unit, time zone, precision, width, categorical) the two agree."""
    from wdguard.checks.compile import type_ok
    from wdguard.checks.engines.polars import expressions as X
    from wdguard.contracts.types import polars_dtype

    kinds = {"integer": {}, "bigint": {}, "float": {}, "boolean": {}, "date": {},
             "timestamp": {}, "string": {}, "bytes": {}, "json": {},
             "decimal": {"precision": 10, "scale": 2}, "enum": {"values": ["A", "B"]}}  # fmt: skip
    compared = fails = 0
    lf = pl.LazyFrame(schema={f"v{i}": actual for i, actual in enumerate(NEAR_DTYPES)})
    schema = lf.collect_schema()
    for kind, extra in kinds.items():  # one pandera validation per kind, of every near miss
        c = contract_from_dict({"contract": "C", "source": {"kind": "postgres", "table": "c"},
                                "columns": {n: {"type": kind, **extra} for n in schema}})
        want = polars_dtype(c.columns["v0"])
        plan = {n for n, actual in schema.items() if not type_ok(X, "silver", actual, want, kind)}
        assert set(schema_failures(c, lf)) == plan, kind
        compared, fails = compared + len(schema), fails + len(plan)
    assert compared == 11 * len(NEAR_DTYPES) and fails == compared - 11  # its own dtype passes


def test_duplicate_keys_exact_for_ints_strings_compound_and_parquet_buffers(tmp_path):
    from wdguard.checks.engines.polars.keys import duplicates

    df = pl.DataFrame(
        {
            "n": [1, 1, 1, 2, None, None],
            "s": ["x", "x", "y", "y", None, "z"],
            "t": ["p", "q", "p", "r", None, None],
        }
    )
    df.write_parquet(tmp_path / "k.parquet")
    lf = pl.scan_parquet(tmp_path / "k.parquet")  # read-only arrow buffers
    got = {tuple(cols): duplicates(lf, cols) for cols in (["n"], ["s"], ["n", "s"], ["t"])}
    assert {k: v[0] for k, v in got.items()} == {("n",): 2, ("s",): 2, ("n", "s"): 1, ("t",): 1}
    assert got[("n", "s")][1].collect()["t"].to_list() == ["p", "q"]  # the rows involved
    assert duplicates(lf, ["t"])[1].collect()["n"].to_list() == [1, 1]
    assert duplicates(pl.LazyFrame({"n": [1, 2, None, None]}), ["n"]) == (0, None)


# --- edges found by mutation testing ------------------------------------------------------

from wdguard.checks.engines.polars import keys as K  # noqa: E402
from wdguard.errors import SourceError  # noqa: E402

T = contract_from_dict(
    {**T_SPEC,
     "rules": [{"name": "never", "sql": "1 = 0"}, {"name": "always", "sql": "1 = 1"}]}
)


def test_a_rule_without_columns_is_one_verdict_per_row():
    result = check_partition(pl.LazyFrame({"id": [1, 2, 3], "v": [0, 1, 2]}), T, "silver",
                             where="t")
    by_name = {o.spec.name: o for o in result.outcomes if o.spec.check == "rule"}
    assert (by_name["never"].status, by_name["never"].failing_rows) == ("fail", 3)
    assert (by_name["always"].status, by_name["always"].failing_rows) == ("pass", 0)


def test_explicit_specs_replace_the_contracts_own():
    lf = pl.LazyFrame({"id": [1, 1], "v": [-1, 0]})
    assert any(o.status == "fail" for o in check_partition(lf, T, "silver", where="t").outcomes)
    only = check_partition(lf, T, "silver", where="t", specs=[])
    assert only.outcomes == [] and only.row_count == 2


def test_measures_come_back_from_the_same_select():
    lf = pl.LazyFrame({"id": [1, 2, 3], "v": [5, None, 7]}).cast({"v": pl.Int32})
    result = check_partition(lf, T, "silver", where="t", measures=lambda E, typed, types, counts: {
        "v_nulls": E.count_true(~E.not_null(typed["v"])), "v_max": typed["v"].max()})
    assert result.measures == {"v_nulls": 1, "v_max": 7}
    assert check_partition(lf, T, "silver", where="t").measures == {}


def test_one_sample_key_is_one_and_values_are_shown_without_samples():
    lf = pl.LazyFrame({"id": [1, 2, 3], "v": [-1, -2, 5]}).cast({"v": pl.Int32})
    one = check_partition(lf, T, "silver", where="t", sample_keys=1)
    never = next(o for o in one.outcomes if o.spec.name == "never")  # a rule: no values
    assert (never.failing_rows, never.sample_keys) == (3, [{"id": 1}])
    assert outcome(one, "v", "between").sample_keys == [{"id": 1}]
    none = outcome(check_partition(lf, T, "silver", where="t", sample_keys=0), "v", "between")
    assert none.sample_keys == [] and none.message == "2 of 3 row(s) fail; values: -1, -2"


def test_a_foreign_key_is_checked_when_the_childs_primary_key_is_absent():
    from wdguard.checks.engines import check_fk

    parent = contract_from_dict({**T_SPEC, "contract": "P"})
    child = contract_from_dict({
        "contract": "C", "source": {"kind": "postgres", "table": "c"}, "primary_key": ["id"],
        "columns": {"id": {"type": "bigint"}, "p": {"type": "bigint", "references": "P.id"}}})
    (fk,) = child.references()
    out = check_fk(child, pl.LazyFrame({"p": [1, 9]}), fk, parent, pl.LazyFrame({"id": [1]}))
    assert (out.status, out.failing_rows, out.sample_keys) == ("fail", 1, [{"p": 9}])


def test_an_unreadable_partition_names_why(tmp_path):
    bad = tmp_path / "part.parquet"
    bad.write_bytes(b"PAR1 not really")
    with pytest.raises(SourceError) as exc:
        check_partition(pl.scan_parquet(bad), T, "silver", where="t/2026-01-01")
    line = exc.value.one_line()
    assert line.startswith("t/2026-01-01: cannot read partition: ")
    assert len(line) > len("t/2026-01-01: cannot read partition: ") + 5


def test_silver_type_verdicts_come_from_pandera_with_its_reason():
    lf = pl.LazyFrame({"id": [1], "v": ["x"]})
    result = check_partition(lf, T, "silver", where="t",
                             schema_failures={"v": "expected Int32, got String"})
    v = outcome(result, "v", "dtype")
    assert v.status == "fail"
    assert v.message == "dtype is String, the contract says Int32 (expected Int32, got String)"
    assert outcome(result, "id", "dtype").message == ""
    # pandera failing a column whose dtype matches: its reason alone
    result = check_partition(pl.LazyFrame({"id": [1], "v": [1]}).cast({"v": pl.Int32}), T,
                             "silver", where="t", schema_failures={"v": "out of range"})
    assert outcome(result, "v", "dtype").message == "out of range"


def test_a_hashed_key_is_never_taken_as_exact():
    schema = pl.Schema({"i": pl.Int64, "d": pl.Date, "s": pl.String, "f": pl.Float64})
    assert K._key(["i"], schema)[1] is True and K._key(["d"], schema)[1] is True
    assert K._key(["s"], schema)[1] is False and K._key(["f"], schema)[1] is False
    assert K._key(["i", "s"], schema)[1] is False


def test_hash_collisions_are_not_duplicates():
    """Two different keys whose 8-byte keys collide: re-checked on the rows, not counted."""
    lf = pl.LazyFrame({"a": ["x", "y"], "b": [1, 2]})
    present = pl.lit(True)
    collide = pl.Series([7, 7], dtype=pl.UInt64)
    assert K._repeated(lf, collide, ["a", "b"], pl.lit(7, dtype=pl.UInt64), False, present) == (
        0, None)
    same = pl.LazyFrame({"a": ["x", "x", "y"], "b": [1, 1, 2]})
    count, rows = K._repeated(same, pl.Series([7, 7, 7], dtype=pl.UInt64), ["a", "b"],
                              pl.lit(7, dtype=pl.UInt64), False, present)
    assert count == 1 and rows.collect().to_dicts() == [{"a": "x", "b": 1}, {"a": "x", "b": 1}]


def test_composite_key_duplicates_are_counted_on_the_values():
    lf = pl.LazyFrame({"a": ["x", "x", "x", None], "b": [1, 1, 2, 1]})
    count, rows = K.duplicates(lf, ["a", "b"])
    assert count == 1 and rows.collect().to_dicts() == [{"a": "x", "b": 1}, {"a": "x", "b": 1}]
    assert K.duplicates(lf, ["a"])[0] == 2


def test_timings_are_milliseconds_of_the_scan():
    import time

    def slow(s: pl.Series) -> pl.Series:
        time.sleep(0.06)
        return s

    lf = pl.LazyFrame({"id": [1, 2], "v": [0, 1]}).with_columns(
        pl.col("v").map_batches(slow, return_dtype=pl.Int64))
    t0 = time.perf_counter()
    result = check_partition(lf, T, "silver", where="t")
    wall_ms = (time.perf_counter() - t0) * 1000
    assert 60 <= result.scan_ms <= wall_ms


def test_a_partition_that_fails_while_read_is_one_line_naming_the_first_line_of_why():
    def boom(s: pl.Series) -> pl.Series:
        raise ValueError("disk said no\nsecond line " + "x" * 400)

    lf = pl.LazyFrame({"id": [1], "v": [0]}).with_columns(
        pl.col("v").map_batches(boom, return_dtype=pl.Int64))
    with pytest.raises(SourceError) as exc:
        check_partition(lf, T, "silver", where="t/2026-01-01")
    assert exc.value.where == "t/2026-01-01"
    assert exc.value.message.startswith("cannot read partition: ")
    assert "disk said no" in exc.value.message and "second line" not in exc.value.message
    assert len(exc.value.message) <= len("cannot read partition: ") + 300


def test_failing_rule_without_a_primary_key_has_no_samples_and_values_keep_their_order():
    c = contract_from_dict({
        "contract": "N", "source": {"kind": "postgres", "table": "n"},
        "columns": {"s": {"type": "enum", "values": ["a"]}},
        "rules": [{"name": "never", "sql": "1 = 0"}],
    })
    lf = pl.LazyFrame({"s": ["b", "a", "c", "b", "d", None]})
    result = check_partition(lf, c, "silver", where="n")
    rule = next(o for o in result.outcomes if o.spec.check == "rule")
    assert (rule.status, rule.sample_keys) == ("fail", [])
    values = outcome(result, "s", "in_values")
    assert values.message.endswith("; values: 'b', 'c', 'd'")
    assert values.sample_keys == [{"s": "b"}, {"s": "c"}, {"s": "d"}]


def test_polars_engine_hooks_name_its_versions_empty_frame_and_schema_step():
    """The run record's engine versions, the typed empty frame of a missing partition, and
    pandera's schema step on silver only (bronze is raw: its dtypes are not silver's)."""
    from importlib.metadata import version

    from wdguard.checks.engines.polars.hooks import PolarsEngine

    engine = PolarsEngine()
    assert engine.versions() == {"polars": version("polars"), "pandera": version("pandera")}
    contract = contract_from_dict({
        "contract": "E", "source": {"kind": "postgres", "table": "e"},
        "columns": {"id": {"type": "bigint"}, "at": {"type": "timestamp"},
                    "tags": {"type": "list", "items": "string"}, "tags[]": {"type": "string"}},
    })
    assert dict(engine.empty(contract).collect_schema()) == {
        "id": pl.Int64(), "at": pl.Datetime("ms", "UTC"), "tags": pl.List(pl.String())}
    raw = pl.LazyFrame({"id": ["1"], "at": ["2026-01-01"], "tags": ['["a"]']})
    assert engine.schema_failures(raw, contract, "bronze") is None
    assert set(engine.schema_failures(raw, contract, "silver")) == {"id", "at", "tags"}


def test_the_rule_guard_reads_postgres_and_says_what_it_refuses():
    """`contracts/rule_sql.py`, the one guard of every engine: PostgreSQL's own operators
    parse (`~`), an unknown function and invalid SQL are refused with what is wrong."""
    from wdguard.contracts.rule_sql import parse_rule, rule_columns

    assert rule_columns("note ~ '^a' AND amount::numeric > 0") == {"note", "amount"}
    with pytest.raises(ValueError) as err:
        parse_rule("my_func(a) > 1")
    assert str(err.value) == "function 'my_func' is not allowed in a rule"
    with pytest.raises(ValueError) as err:
        parse_rule("a >\n  AND b")
    assert str(err.value) == (
        "not a valid SQL expression: Required keyword: 'expression' missing for "
        "<class 'sqlglot.expressions.core.GT'>. Line 2, Col: 5.")


def test_derive_names_each_columns_checks_with_their_severity_and_params():
    """`checks/derive.py`: a column's checks in order, each with the column's severity;
    declared lengths as one `length` pattern; element paths get castable in silver too and
    no unique."""
    from wdguard.checks.derive import specs_for

    contract = contract_from_dict({
        "contract": "L", "source": {"kind": "postgres", "table": "l"}, "primary_key": ["id"],
        "columns": {
            "id": {"type": "bigint", "nullable": False},
            "code": {"type": "string", "severity": "warn", "unique": True, "min": 1,
                     "max": 9, "regex": "^[A-Z]+$", "min_length": 2, "max_length": 5},
            "note": {"type": "string", "max_length": 3},
            "kind": {"type": "enum", "values": ["A", "B"], "min_length": 1},
            "tags": {"type": "list", "items": "integer"},
            "tags[]": {"type": "integer", "severity": "warn", "unique": True},
        },
    })

    def listed(layer):
        return [(s.check, s.column, s.severity, s.name, s.params)
                for s in specs_for(contract, layer) if s.column in ("code", "note", "kind", "tags[]")]

    assert listed("silver") == [
        ("column_missing", "code", "warn", None, {}), ("dtype", "code", "warn", None, {}),
        ("unique", "code", "warn", None, {"columns": ["code"]}),
        ("between", "code", "warn", None, {"min": 1, "max": 9}),
        ("regex", "code", "warn", None, {"pattern": "^[A-Z]+$"}),
        ("regex", "code", "warn", "length", {"pattern": "^(?s:.){2,5}$"}),
        ("column_missing", "note", "error", None, {}), ("dtype", "note", "error", None, {}),
        ("regex", "note", "error", "length", {"pattern": "^(?s:.){0,3}$"}),
        ("column_missing", "kind", "error", None, {}), ("dtype", "kind", "error", None, {}),
        ("in_values", "kind", "error", None, {"values": ["A", "B"]}),
        ("regex", "kind", "error", "length", {"pattern": "^(?s:.){1,}$"}),
        ("column_missing", "tags[]", "warn", None, {}), ("dtype", "tags[]", "warn", None, {}),
        ("castable", "tags[]", "warn", None, {}),  # elements may be JSON text in silver
    ]
    bronze = listed("bronze")
    assert [s[0] for s in bronze if s[1] == "tags[]"] == ["column_missing", "dtype", "castable"]
    casts = {layer: [s.column for s in specs_for(contract, layer) if s.check == "castable"]
             for layer in ("bronze", "silver")}
    assert casts == {"bronze": ["id", "tags[]"], "silver": ["tags[]"]}  # bronze text casts
