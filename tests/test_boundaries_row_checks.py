"""Every row-check kind at its boundary: exactly one failing row fails the check (and closes
the gate), zero failing rows pass, and the values on the edge (min, max, a null where
nulls are allowed) pass.

Written against the public behaviour (`check_partition`, `check_fk`, `run_gate`), on
real Polars frames and real parquet partitions.
"""

from __future__ import annotations

import polars as pl
import pytest

from tests.gate_helpers import ORDER, USER, orders, users, write_contracts, write_partition
from wdguard.checks.engines import check_fk, check_partition
from wdguard.contracts.model import contract_from_dict
from wdguard.gate import run_gate

T = contract_from_dict(
    {
        "contract": "T",
        "source": {"kind": "postgres", "table": "t"},
        "primary_key": ["id"],
        "columns": {
            "id": {"type": "bigint", "nullable": False},
            "code": {"type": "string", "nullable": False, "regex": "^[A-Z]{3}$"},
            "email": {"type": "string", "unique": True},
            "status": {"type": "enum", "values": ["OPEN", "CLOSED"]},
            "qty": {"type": "integer", "min": 0, "max": 10},
            "price": {"type": "float", "min": -1.5, "max": 2.5},
            "note": {"type": "string"},
        },
        "unique_keys": [["code", "status"]],
        "rules": [{"name": "big_is_closed", "sql": "qty <= 5 OR status = 'CLOSED'"}],
    }
)

SILVER = {
    "id": pl.Int64,
    "code": pl.String,
    "email": pl.String,
    "status": pl.String,
    "qty": pl.Int32,
    "price": pl.Float64,
    "note": pl.String,
}


def clean() -> pl.DataFrame:
    """Five rows that pass every check, several of them sitting on an edge."""
    return pl.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "code": ["ABC", "DEF", "GHI", "JKL", "MNO"],
            "email": ["a@x", "b@x", None, None, "e@x"],  # two nulls: not duplicates
            "status": ["OPEN", "CLOSED", None, "OPEN", "CLOSED"],
            "qty": [0, 10, None, 5, 7],  # min and max themselves are inside
            "price": [-1.5, 2.5, None, 0.0, 1.0],
            "note": [None, "x", None, "y", None],
        },
        schema=SILVER,
    )


def run(df: pl.DataFrame, layer: str = "silver", contract=T):
    result = check_partition(df.lazy(), contract, layer, where="t")
    return result, {(o.spec.column, o.spec.check): o for o in result.outcomes}


def set_row(df: pl.DataFrame, row: int, column: str, value) -> pl.DataFrame:
    values = df[column].to_list()
    values[row] = value
    return df.with_columns(pl.Series(column, values, dtype=df.schema[column]))


def test_clean_frame_passes_every_row_check():
    result, outs = run(clean())
    assert result.row_count == 5
    failed = [(o.spec.column, o.spec.check, o.message) for o in result.outcomes if o.failed]
    assert failed == []
    for key in [("id", "not_null"), ("code", "regex"), ("email", "unique"),
                ("status", "in_values"), ("qty", "between"), ("price", "between"),
                ("id", "duplicate_pk"), ("code,status", "unique"), ("status,qty", "rule")]:
        out = outs[key]
        assert (out.status, out.failing_rows, out.rows_scanned) == ("pass", 0, 5), key


ONE_BAD_ROW = [
    # (row, column, value placed there, the check that must fail); row 1 is CLOSED with
    # qty 10, row 3 is OPEN with qty 5, so the rule stays true in both
    (3, "id", None, ("id", "not_null")),
    (3, "code", None, ("code", "not_null")),
    (3, "code", "abc", ("code", "regex")),
    (3, "code", "ABCD", ("code", "regex")),  # anchored: one letter too many
    (3, "status", "open", ("status", "in_values")),  # enum values are case-sensitive
    (3, "status", "OPEN ", ("status", "in_values")),
    (3, "status", "PENDING", ("status", "in_values")),
    (1, "qty", -1, ("qty", "between")),
    (1, "qty", 11, ("qty", "between")),
    (1, "price", -1.5000001, ("price", "between")),
    (1, "price", 2.5000001, ("price", "between")),
    (3, "email", "a@x", ("email", "unique")),
    (3, "id", 1, ("id", "duplicate_pk")),
]


@pytest.mark.parametrize("row,column,value,check", ONE_BAD_ROW)
def test_exactly_one_failing_row_fails_its_check_and_nothing_else(row, column, value, check):
    df = set_row(clean(), row, column, value)
    result, outs = run(df)
    out = outs[check]
    assert (out.status, out.failing_rows) == ("fail", 1), out
    assert out.message.startswith("1 of 5 row(s) fail")
    assert out.spec.severity == "error"
    others = [(o.spec.column, o.spec.check) for o in result.outcomes if o.failed]
    assert others == [check]
    assert out.sample_keys and all(set(k) == {"id"} for k in out.sample_keys)


def test_one_row_breaking_the_rule_fails_it_and_null_rule_result_passes():
    df = set_row(clean(), 3, "qty", 6)  # OPEN with qty 6: the rule is false
    _, outs = run(df)
    rule = outs[("status,qty", "rule")]
    assert (rule.status, rule.failing_rows, rule.sample_keys) == ("fail", 1, [{"id": 4}])
    assert rule.spec.name == "big_is_closed"
    null_status = set_row(set_row(clean(), 2, "qty", 9), 2, "status", None)  # NULL OR NULL
    _, outs = run(null_status)
    assert outs[("status,qty", "rule")].status == "pass"


def test_one_repeated_composite_key_fails_the_unique_key():
    df = set_row(clean(), 4, "code", "JKL")
    df = set_row(df, 4, "status", "OPEN")  # (JKL, OPEN) twice
    _, outs = run(df)
    assert (outs[("code,status", "unique")].status, outs[("code,status", "unique")].failing_rows) \
        == ("fail", 1)
    assert outs[("code", "regex")].status == "pass"


def test_offending_values_are_named_for_value_checks():
    _, outs = run(set_row(clean(), 3, "status", "open"))
    assert outs[("status", "in_values")].message == "1 of 5 row(s) fail; values: 'open'"
    assert outs[("status", "in_values")].sample_keys == [{"id": 4}]
    _, outs = run(set_row(clean(), 0, "qty", 11))
    assert outs[("qty", "between")].message == "1 of 5 row(s) fail; values: 11"


def test_duplicates_count_rows_beyond_the_first():
    df = pl.concat([clean(), clean().head(2), clean().head(1)])  # id 1 thrice, id 2 twice
    _, outs = run(df)
    assert outs[("id", "duplicate_pk")].failing_rows == 3
    assert outs[("email", "unique")].failing_rows == 3
    assert sorted(k["id"] for k in outs[("id", "duplicate_pk")].sample_keys) == [1, 2]


def test_string_primary_key_duplicates_use_the_hash_path_exactly():
    c = contract_from_dict({"contract": "S", "source": {"kind": "postgres", "table": "s"},
                            "primary_key": ["k"], "columns": {"k": {"type": "string"}}})
    keys = [f"key-{i}" for i in range(1000)]
    _, outs = run(pl.DataFrame({"k": keys}), contract=c)
    assert (outs[("k", "duplicate_pk")].status, outs[("k", "duplicate_pk")].failing_rows) == (
        "pass", 0)
    _, outs = run(pl.DataFrame({"k": [*keys, "key-500"]}), contract=c)
    assert outs[("k", "duplicate_pk")].failing_rows == 1
    assert outs[("k", "duplicate_pk")].sample_keys == [{"k": "key-500"}]
    _, outs = run(pl.DataFrame({"k": [*keys, None, None]}), contract=c)
    assert outs[("k", "duplicate_pk")].failing_rows == 0


def test_bronze_one_uncastable_value_fails_castable_nulls_and_good_text_pass():
    bronze = clean().with_columns(pl.col("qty").cast(pl.String), pl.col("price").cast(pl.String))
    _, outs = run(bronze, "bronze")
    assert outs[("qty", "castable")].status == "pass"
    assert outs[("qty", "between")].status == "pass"  # "10" cast to 10: on the edge
    _, outs = run(set_row(bronze, 3, "qty", "five"), "bronze")
    out = outs[("qty", "castable")]
    assert (out.status, out.failing_rows, out.sample_keys) == ("fail", 1, [{"id": 4}])
    assert outs[("qty", "between")].status == "pass"  # the cast-failed value is not "out of range"
    _, outs = run(set_row(bronze, 3, "qty", "11"), "bronze")
    assert outs[("qty", "castable")].status == "pass"
    assert outs[("qty", "between")].failing_rows == 1


def test_bronze_text_numbers_are_compared_as_numbers():
    c = contract_from_dict({"contract": "D", "source": {"kind": "postgres", "table": "d"},
                            "columns": {"amount": {"type": "decimal", "precision": 12,
                                                   "scale": 2, "min": 0, "max": 100}}})
    _, outs = run(pl.DataFrame({"amount": ["0.00", "100.00", "9.50"]}), "bronze", c)
    assert outs[("amount", "between")].status == "pass"
    _, outs = run(pl.DataFrame({"amount": ["0.00", "100.01", "9.50"]}), "bronze", c)
    assert outs[("amount", "between")].failing_rows == 1


# --- referential ----------------------------------------------------------------------

PARENT = contract_from_dict({"contract": "P", "source": {"kind": "postgres", "table": "p"},
                             "primary_key": ["id"],
                             "columns": {"id": {"type": "bigint", "nullable": False}}})
CHILD = contract_from_dict({"contract": "C", "source": {"kind": "postgres", "table": "c"},
                            "primary_key": ["id"],
                            "columns": {"id": {"type": "bigint", "nullable": False},
                                        "p_id": {"type": "bigint", "references": "P.id"}}})


def fk(children: list, parents: list = (1, 2, 3), child_ids=None):
    ids = child_ids or list(range(100, 100 + len(children)))
    child = pl.LazyFrame({"id": ids, "p_id": children}, schema={"id": pl.Int64, "p_id": pl.Int64})
    parent = pl.LazyFrame({"id": list(parents)}, schema={"id": pl.Int64})
    [ref] = CHILD.references()
    return check_fk(CHILD, child, ref, PARENT, parent)


def test_fk_zero_orphans_pass_and_null_in_a_nullable_fk_is_not_an_orphan():
    out = fk([1, 2, 3, 3, None, None])
    assert (out.status, out.failing_rows) == ("pass", 0)
    assert out.spec.check == "orphan_fk" and out.spec.params["references"] == "P(id)"


def test_fk_exactly_one_orphan_fails():
    out = fk([1, 2, 4, None])
    assert (out.status, out.failing_rows) == ("fail", 1)
    assert out.sample_keys == [{"p_id": 4, "id": 102}]
    assert out.message == "1 row(s) reference a missing P(id)"
    assert out.spec.severity == "error"


def test_fk_bronze_text_keys_match_typed_parents():
    child = pl.LazyFrame({"id": ["100", "101"], "p_id": ["1", "9"]})
    parent = pl.LazyFrame({"id": [1, 2]}, schema={"id": pl.Int64})
    [ref] = CHILD.references()
    out = check_fk(CHILD, child, ref, PARENT, parent)
    assert (out.status, out.failing_rows) == ("fail", 1)


def test_fk_without_parent_contract_or_partition_is_skipped():
    [ref] = CHILD.references()
    child = pl.LazyFrame({"id": [1], "p_id": [1]})
    no_parent = check_fk(CHILD, child, ref, None, None)
    assert (no_parent.status, no_parent.message) == ("skipped", "no contract named 'P'")
    assert no_parent.spec.check == "orphan_fk" and no_parent.spec.column == "p_id"
    assert check_fk(CHILD, child, ref, PARENT, None).status == "skipped"
    absent = check_fk(CHILD, pl.LazyFrame({"id": [1]}), ref, PARENT, pl.LazyFrame({"x": [1]}))
    assert (absent.status, absent.message) == ("skipped", "key column(s) absent: p_id, P.id")
    assert absent.spec.check == "orphan_fk" and absent.spec.column == "p_id"


def test_fk_samples_name_the_child_key_and_none_when_not_asked():
    """The sample is the foreign key plus the child's primary key columns that are not
    part of it; with sample_keys=0 there is none, and the time taken is in ms."""
    import time

    child = pl.LazyFrame({"id": [100, 101], "p_id": [1, 9]})
    parent = pl.LazyFrame({"id": [1]})
    [ref] = CHILD.references()
    t0 = time.perf_counter()
    out = check_fk(CHILD, child, ref, PARENT, parent, sample_keys=0)
    wall_ms = (time.perf_counter() - t0) * 1000
    assert (out.status, out.failing_rows, out.sample_keys) == ("fail", 1, [])
    assert 0 < out.duration_ms <= wall_ms and out.duration_ms > wall_ms / 100
    # the child's key is (id, p_id): only id is added to the sample
    both = contract_from_dict({"contract": "C2", "source": {"kind": "postgres", "table": "c2"},
                               "primary_key": ["id", "p_id"],
                               "columns": {"id": {"type": "bigint", "nullable": False},
                                           "p_id": {"type": "bigint", "references": "P.id"}}})
    [ref2] = both.references()
    out = check_fk(both, child, ref2, PARENT, parent)
    assert out.sample_keys == [{"p_id": 9, "id": 101}]
    gone = check_fk(CHILD, pl.LazyFrame({"id": [1]}), ref, PARENT, pl.LazyFrame({"id": [1]}))
    assert gone.status == "skipped" and "p_id" in gone.message


# --- through the gate: one bad row closes it --------------------------------------------

DATE = "2026-11-20"


@pytest.mark.parametrize(
    "obj,column,value,check",
    [
        ("users", "email", None, "not_null"),
        ("users", "email", "no-at-sign", "regex"),
        ("users", "role", "customer", "in_values"),
        ("orders", "total_amount", "-0.01", "between"),
        ("orders", "total_amount", "1O.00", "castable"),
        ("orders", "user_id", "u9", "orphan_fk"),
    ],
)
def test_one_bad_row_closes_the_gate(local_lake, tmp_path, obj, column, value, check):
    contracts = write_contracts(tmp_path / "contracts", USER, ORDER)
    u, o = users(), orders()
    if obj == "users":
        u = set_row(u, 2, column, value)
    else:
        o = set_row(o, 2, column, value)
    write_partition(local_lake, "bronze", "users", u)
    write_partition(local_lake, "bronze", "orders", o)
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts, write=False)
    failed = [(c.object, c.column, c.check, c.failing_rows) for c in record.checks
              if c.status == "fail"]
    assert failed == [(obj, column, check, 1)]
    assert (record.verdict, record.exit_code) == ("fail", 1)


def test_the_same_lake_without_the_bad_row_passes_the_gate(local_lake, tmp_path):
    contracts = write_contracts(tmp_path / "contracts", USER, ORDER)
    u = set_row(users(), 2, "email", "u2@example.com")  # a valid change: nothing to find
    write_partition(local_lake, "bronze", "users", u)
    write_partition(local_lake, "bronze", "orders", orders())
    record = run_gate(local_lake, DATE, layers=["bronze"], contracts_dir=contracts, write=False)
    assert [c.id for c in record.checks if c.status == "fail"] == []
    assert (record.verdict, record.exit_code) == ("pass", 0)


# --- what a failing check reports: samples and offending values -------------------------


def test_offending_values_first_five_distinct_in_order_of_appearance():
    codes = ["zz1", "AB", "zz2", "zz1", "zz3", "zz4", "zz5", "zz6"]  # AB passes
    df = pl.DataFrame({"id": range(len(codes)), "code": codes},
                      schema={"id": pl.Int64, "code": pl.String})
    c = contract_from_dict({"contract": "R", "source": {"kind": "postgres", "table": "r"},
                            "primary_key": ["id"],
                            "columns": {"id": {"type": "bigint"},
                                        "code": {"type": "string", "regex": "^[A-Z]+$"}}})
    _, outs = run(df, contract=c)
    out = outs[("code", "regex")]
    assert out.failing_rows == 7
    assert out.message == "7 of 8 row(s) fail; values: 'zz1', 'zz2', 'zz3', 'zz4', 'zz5'"
    assert out.sample_keys == [{"id": 0}, {"id": 2}, {"id": 3}, {"id": 4}, {"id": 5}]


def test_sample_key_count_follows_sample_keys():
    df = set_row(set_row(clean(), 0, "code", "x"), 1, "code", "y")
    for n, expected in ((0, []), (1, [{"id": 1}]), (2, [{"id": 1}, {"id": 2}])):
        result = check_partition(df.lazy(), T, "silver", where="t", sample_keys=n)
        out = next(o for o in result.outcomes if o.spec.check == "regex")
        assert out.failing_rows == 2 and out.sample_keys == expected, n


def test_samples_keep_the_order_rows_fail_in():
    ids = list(range(40, 0, -1))
    df = pl.DataFrame({"id": ids, "code": ["bad"] * 40}, schema={"id": pl.Int64, "code": pl.String})
    c = contract_from_dict({"contract": "R", "source": {"kind": "postgres", "table": "r"},
                            "primary_key": ["id"],
                            "columns": {"id": {"type": "bigint"},
                                        "code": {"type": "string", "regex": "^[A-Z]+$"}}})
    _, outs = run(df, contract=c)
    assert outs[("code", "regex")].sample_keys == [{"id": i} for i in (40, 39, 38, 37, 36)]


def test_without_a_primary_key_samples_name_the_checked_columns():
    c = contract_from_dict({
        "contract": "N", "source": {"kind": "postgres", "table": "n"},
        "columns": {"a": {"type": "string", "regex": "^[a-z]$"}, "b": {"type": "integer"}},
        "unique_keys": [["a", "b"]],
    })
    df = pl.DataFrame({"a": ["x", "x", "YY"], "b": [1, 1, 2]},
                      schema={"a": pl.String, "b": pl.Int32})
    _, outs = run(df, contract=c)
    assert outs[("a", "regex")].sample_keys == [{"a": "YY"}]
    assert outs[("a,b", "unique")].sample_keys == [{"a": "x", "b": 1}]


def test_an_unreadable_partition_is_one_source_error_line(tmp_path):
    from wdguard.errors import SourceError

    bad = tmp_path / "part-00000.parquet"
    bad.write_bytes(b"PAR1 this is not\\n a parquet file PAR1")
    with pytest.raises(SourceError) as err:
        check_partition(pl.scan_parquet(bad), T, "silver", where="raw/t")
    line = err.value.one_line()
    assert line.startswith("raw/t: cannot read partition: ")
    assert "\n" not in str(err.value.message) and len(err.value.message) <= 330


# --- rules: refused, invalid, or naming absent columns ---------------------------------


def rule_contract(sql: str):
    return contract_from_dict({
        "contract": "Q", "source": {"kind": "postgres", "table": "q"},
        "columns": {"a": {"type": "integer"}, "b": {"type": "integer"}, "c": {"type": "integer"},
                    "note": {"type": "string"}},
        "rules": [{"name": "r1", "sql": sql}],
    })


def rule_outcome(sql: str, df=None):
    df = df if df is not None else pl.DataFrame(
        {"a": [1, 2], "note": ["x", "select me"]}, schema={"a": pl.Int32, "note": pl.String})
    result = check_partition(df.lazy(), rule_contract(sql), "silver", where="q")
    return next(o for o in result.outcomes if o.spec.check == "rule")


@pytest.mark.parametrize("sql,word", [
    ("a > (SELECT max(a) FROM self)", "SELECT"),
    ("EXISTS (FROM read_csv('/etc/passwd'))", "FROM"),
    ("EXISTS (  FROM read_csv('/etc/passwd'))", "FROM"),
    ("a IN (VALUES (1))", "VALUES"),  # the one guard missed VALUES before it served Polars
    ("a IN (SELECT 1 UNION SELECT 2)", "SELECT"),  # the first query word it spells
    ("b IN (TABLE t)", "TABLE"),
    # a FROM that is no query's: the refused subquery's own word is named
    ("a IS DISTINCT FROM 1 OR a IN (SELECT 1)", "SELECT"),
    ("EXTRACT(year FROM now()) > 1 OR a IN (VALUES (1))", "VALUES"),
    ("note = 'from' OR a IN (select 1)", "SELECT"),
])
def test_a_rule_shaped_like_a_query_is_refused_naming_the_word(sql, word):
    from wdguard.errors import InputError

    with pytest.raises(InputError) as err:
        rule_outcome(sql)
    assert err.value.where == "contract Q"
    assert err.value.message.startswith("rule 'r1' is not a valid SQL expression: a rule is an "
                                        "expression over one row's columns, not a query (")
    assert f"{word!r} is not allowed)" in err.value.message


def test_query_words_inside_string_literals_are_data():
    out = rule_outcome("note <> 'select me' OR a > 1")
    assert (out.status, out.failing_rows) == ("pass", 0)
    assert rule_outcome("note <> 'select me'").failing_rows == 1


def test_invalid_rule_sql_names_contract_and_rule():
    from wdguard.errors import InputError

    with pytest.raises(InputError) as err:
        rule_outcome("a >>>= (")
    assert err.value.where == "contract Q"
    assert err.value.message.startswith("rule 'r1' is not a valid SQL expression: ")


def test_a_rule_over_absent_columns_is_skipped_naming_them_all():
    out = rule_outcome("a < b AND b < c")
    assert out.status == "skipped"
    assert out.message == "rule uses columns absent from the partition: b, c"


def test_max_timestamp_of_an_all_null_column_is_none_not_a_string():
    c = contract_from_dict({"contract": "TS", "source": {"kind": "postgres", "table": "ts"},
                            "columns": {"at": {"type": "timestamp"}, "on": {"type": "date"}}})
    empty = pl.DataFrame({"at": [None, None], "on": [None, None]},
                         schema={"at": pl.Datetime("us"), "on": pl.Date})
    result = check_partition(empty.lazy(), c, "silver", where="ts")
    assert result.max_timestamps == {"at": None, "on": None}
    import datetime as dt

    full = pl.DataFrame({"at": [dt.datetime(2026, 1, 2, 3, 4), None],
                         "on": [dt.date(2026, 1, 1), dt.date(2026, 2, 1)]},
                        schema={"at": pl.Datetime("us"), "on": pl.Date})
    result = check_partition(full.lazy(), c, "silver", where="ts")
    assert result.max_timestamps == {"at": "2026-01-02T03:04:00+00:00", "on": "2026-02-01"}


# --- quarantine: the failing rows, raw, with the labels of what they fail ----------------


def test_quarantine_holds_exactly_the_failing_rows_raw_with_reasons():
    bronze = clean().with_columns(pl.col("qty").cast(pl.String))
    bronze = set_row(set_row(bronze, 3, "qty", "five"), 1, "status", "closed")
    result = check_partition(bronze.lazy(), T, "bronze", where="t", quarantine=True)
    rows = result.quarantine.collect().sort("id")
    assert rows.columns == [*bronze.columns, "_wdguard_reasons"]
    assert rows["id"].to_list() == [2, 4]
    assert rows["qty"].to_list() == ["10", "five"]  # the raw text, not the cast value
    assert rows["_wdguard_reasons"].to_list() == [
        ["status:in_values", "status,qty:rule:big_is_closed"],  # qty 10 and no longer CLOSED
        ["qty:castable"],
    ]


def test_no_quarantine_without_failures_or_without_asking():
    assert check_partition(clean().lazy(), T, "silver", where="t", quarantine=True).quarantine \
        is None
    bad = set_row(clean(), 0, "code", "x")
    assert check_partition(bad.lazy(), T, "silver", where="t").quarantine is None
    two = set_row(set_row(clean(), 0, "code", "x"), 0, "qty", 99)
    q = check_partition(two.lazy(), T, "silver", where="t", quarantine=True).quarantine.collect()
    assert q["_wdguard_reasons"].to_list() == [
        ["code:regex", "qty:between", "status,qty:rule:big_is_closed"]]


# --- schema checks: absent columns, paths wdguard does not check, dtypes -----------------

S = contract_from_dict({
    "contract": "S", "source": {"kind": "mongodb", "collection": "s"},
    "primary_key": ["_id"],
    "columns": {
        "_id": {"type": "string", "nullable": False},
        "qty": {"type": "integer", "nullable": False},
        "gone": {"type": "string", "nullable": False},
        "doc": {"type": "object"},
        "raw": {"type": "json"},
        "tags[].name": {"type": "string"},
        "qty.inner": {"type": "string"},
    },
})


def schema_run(df, layer="bronze", failures=None):
    result = check_partition(df.lazy(), S, layer, where="s", schema_failures=failures)
    return {(o.spec.column, o.spec.check): o for o in result.outcomes}


def frame(**over):
    cols = {"_id": pl.Series(["a", "b"]), "qty": pl.Series([1, 2], dtype=pl.Int32),
            "doc": pl.Series([{"k": 1}, {"k": 2}]), "raw": pl.Series(['{"a": 1}', "[]"])}
    cols.update(over)
    return pl.DataFrame(cols)


def test_absent_column_fails_column_missing_and_skips_its_other_checks():
    outs = schema_run(frame())
    missing = outs[("gone", "column_missing")]
    assert (missing.status, missing.message) == ("fail", "column 'gone' is absent from the partition")
    assert (outs[("gone", "dtype")].status, outs[("gone", "dtype")].message) == (
        "skipped", "column absent")
    assert (outs[("gone", "not_null")].status, outs[("gone", "not_null")].message) == (
        "skipped", "column absent or not checked")
    assert outs[("qty", "column_missing")].status == "pass"


def test_paths_wdguard_does_not_check_are_skipped_with_the_reason():
    outs = schema_run(frame())
    for check in ("column_missing", "dtype"):
        assert (outs[("tags[].name", check)].status, outs[("tags[].name", check)].message) == (
            "skipped", "array 'tags' is absent from the partition")  # its own column_missing
        assert (outs[("qty.inner", check)].status, outs[("qty.inner", check)].message) == (
            "skipped", "nested path inside a non-struct column is not checked")


def test_bronze_dtype_objects_may_be_structs_or_text_scalars_must_not_be_nested():
    outs = schema_run(frame())
    assert [outs[(c, "dtype")].status for c in ("_id", "qty", "doc", "raw")] == ["pass"] * 4
    outs = schema_run(frame(doc=pl.Series(['{"k": 1}', "{}"]), raw=pl.Series([{"a": 1}, {"a": 2}])))
    assert outs[("doc", "dtype")].status == "pass" and outs[("raw", "dtype")].status == "pass"
    outs = schema_run(frame(doc=pl.Series([1, 2]), qty=pl.Series([[1], [2]])))
    assert outs[("doc", "dtype")].status == "fail"
    assert outs[("qty", "dtype")].status == "fail"
    assert outs[("qty", "dtype")].message == "dtype is List(Int64), the contract says Int32"
    assert outs[("qty", "castable")].status == "pass"  # a list column is checked by dtype only


def test_silver_dtype_must_be_exact_and_pandera_decides_when_given():
    outs = schema_run(frame(qty=pl.Series([1, 2], dtype=pl.Int64)), "silver")
    assert outs[("qty", "dtype")].status == "fail"
    assert outs[("qty", "dtype")].message == "dtype is Int64, the contract says Int32"
    assert outs[("_id", "dtype")].status == "pass" and outs[("_id", "dtype")].message == ""
    verdict = {"qty": "pandera: expected Int32"}
    outs = schema_run(frame(qty=pl.Series([1, 2], dtype=pl.Int64)), "silver", verdict)
    assert outs[("qty", "dtype")].message == (
        "dtype is Int64, the contract says Int32 (pandera: expected Int32)")
    outs = schema_run(frame(), "silver", {"qty": "pandera: a check failed"})
    assert (outs[("qty", "dtype")].status, outs[("qty", "dtype")].message) == (
        "fail", "pandera: a check failed")  # the dtype itself is right: only pandera's reason
    outs = schema_run(frame(qty=pl.Series([1, 2], dtype=pl.Int64)), "silver", {})
    assert (outs[("qty", "dtype")].status, outs[("qty", "dtype")].message) == ("pass", "")


def test_struct_field_values_that_do_not_cast_fail_castable_one_by_one():
    c = contract_from_dict({"contract": "M", "source": {"kind": "mongodb", "collection": "m"},
                            "primary_key": ["_id"],
                            "columns": {"_id": {"type": "string"}, "dev": {"type": "object"},
                                        "dev.n": {"type": "integer", "min": 0}}})
    df = pl.DataFrame({"_id": ["a", "b", "c"],
                       "dev": [{"n": "7"}, {"n": "x"}, {"n": None}]})
    result = check_partition(df.lazy(), c, "bronze", where="m")
    outs = {(o.spec.column, o.spec.check): o for o in result.outcomes}
    assert (outs[("dev.n", "castable")].failing_rows, outs[("dev.n", "castable")].sample_keys) == (
        1, [{"_id": "b"}])
    assert outs[("dev.n", "between")].status == "pass"
    assert ("dev", "castable") not in outs and outs[("dev", "dtype")].status == "pass"


def test_key_checks_over_absent_columns_are_skipped_naming_them():
    c = contract_from_dict({"contract": "K", "source": {"kind": "postgres", "table": "k"},
                            "primary_key": ["a", "b"],
                            "columns": {"a": {"type": "integer"}, "b": {"type": "integer"},
                                        "c": {"type": "integer"}},
                            "unique_keys": [["b", "c"]]})
    df = pl.DataFrame({"c": [1, 1]}, schema={"c": pl.Int32})
    result = check_partition(df.lazy(), c, "silver", where="k")
    outs = {(o.spec.column, o.spec.check): o for o in result.outcomes}
    assert (outs[("a,b", "duplicate_pk")].status, outs[("a,b", "duplicate_pk")].message) == (
        "skipped", "key column absent: a, b")
    assert outs[("b,c", "unique")].message == "key column absent: b"


def test_bronze_text_that_is_no_number_fails_castable_not_the_bounds():
    c = contract_from_dict({"contract": "D", "source": {"kind": "postgres", "table": "d"},
                            "columns": {"amount": {"type": "decimal", "precision": 12,
                                                   "scale": 2, "min": 0, "max": 100}}})
    result = check_partition(pl.LazyFrame({"amount": ["1.00", "abc", "-1"]}), c, "bronze",
                             where="d")
    outs = {o.spec.check: o for o in result.outcomes}
    assert (outs["castable"].failing_rows, outs["between"].failing_rows) == (1, 1)


def test_quarantine_names_a_repeated_composite_key():
    df = set_row(set_row(clean(), 4, "code", "JKL"), 4, "status", "OPEN")
    q = check_partition(df.lazy(), T, "silver", where="t", quarantine=True).quarantine.collect()
    assert sorted(q["id"].to_list()) == [4, 5]
    assert all("code,status:unique" in r for r in q["_wdguard_reasons"].to_list())


def test_composite_fk_severity_samples_and_message():
    parent_c = contract_from_dict({"contract": "P2", "source": {"kind": "postgres", "table": "p2"},
                                   "primary_key": ["x", "y"],
                                   "columns": {"x": {"type": "integer"}, "y": {"type": "integer"}}})
    def child_c(sev_a, sev_b):
        return contract_from_dict({
            "contract": "C2", "source": {"kind": "postgres", "table": "c2"}, "primary_key": ["id"],
            "columns": {"id": {"type": "integer"}, "a": {"type": "integer", "severity": sev_a},
                        "b": {"type": "integer", "severity": sev_b}},
            "foreign_keys": [{"name": "c2_ab_fkey", "columns": ["a", "b"], "references": "P2",
                              "ref_columns": ["x", "y"]}]})
    kids = pl.LazyFrame({"id": [None, 2, 3, 4, 5, 6, 7, 8], "a": [9, 1, 9, 9, 9, 9, 9, None],
                         "b": [9, 1, 8, 7, 6, 5, 4, 1]},
                        schema={"id": pl.Int32, "a": pl.Int32, "b": pl.Int32})
    parents = pl.LazyFrame({"x": [1], "y": [1]}, schema={"x": pl.Int32, "y": pl.Int32})
    c = child_c("warn", "warn")
    [ref] = c.references()
    out = check_fk(c, kids, ref, parent_c, parents)
    assert (out.status, out.failing_rows) == ("fail", 6)  # a NULL part of the key is no orphan
    assert out.message == "6 row(s) reference a missing P2(x, y)"
    assert (out.spec.column, out.spec.name, out.spec.params) == (
        "a,b", "c2_ab_fkey", {"references": "P2(x,y)"})
    assert (out.spec.contract, out.spec.object, out.spec.severity) == ("C2", "c2", "warn")
    assert len(out.sample_keys) == 5 and out.sample_keys[0] == {"a": 9, "b": 9, "id": None}
    assert check_fk(child_c("warn", None), kids, ref, parent_c, parents).spec.severity == "error"
    assert check_fk(c, kids, ref, parent_c, parents, sample_keys=0).sample_keys == []
    assert len(check_fk(c, kids, ref, parent_c, parents, sample_keys=1).sample_keys) == 1


def test_fk_skip_reasons_are_exact():
    [ref] = CHILD.references()
    child = pl.LazyFrame({"id": [1], "p_id": [1]})
    assert check_fk(CHILD, child, ref, None, None).message == "no contract named 'P'"
    none = check_fk(CHILD, child, ref, PARENT, None)
    assert none.message == "child or parent partition not readable or absent"
    assert (none.spec.contract, none.spec.check) == ("C", "orphan_fk")
    gone = check_fk(CHILD, pl.LazyFrame({"x": [1]}), ref, PARENT, pl.LazyFrame({"z": [1]}))
    assert gone.message == "key column(s) absent: p_id, P.id"
