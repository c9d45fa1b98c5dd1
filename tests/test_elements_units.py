"""Array-element paths on small frames (Polars, milliseconds): every element check kind
counted per document and per element, with the sample naming the element; a sub-document
kept as JSON text; the paths that cannot be checked, each skipped with its reason; an
element's reference. tests/test_elements.py holds the same on the sample lake, both
engines."""

from __future__ import annotations

import json
import time

import polars as pl
import pytest

from wdguard.checks.elements import describe, label, parse
from wdguard.checks.engines import check_fk, check_partition
from wdguard.checks.spec import CheckSpec
from wdguard.contracts.io import parse_contract_text

DOC = parse_contract_text("""\
contract: Doc
source: {kind: mongodb, collection: docs}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false}
  tags: {type: list, items: enum}
  tags[]: {type: enum, nullable: false, values: [a, b]}
  codes: {type: list, items: string}
  codes[]: {type: string, regex: '^[A-Z]+$'}
  nums: {type: list, items: integer}
  nums[]: {type: integer, min: 0, max: 9}
  photos: {type: list, items: object}
  photos[]: {type: object, nullable: false}
  photos[].url: {type: string, nullable: false}
  photos[].size: {type: integer, min: 1}
  photos[].gone: {type: string}
""", "Doc.yaml")
ROWS = {
    "_id": ["d0", "d1", "d2"],
    "tags": [["a", "x", "y"], None, ["b"]],  # None: no array, nothing to check
    "codes": [["AB"], ["ab", "CD"], []],
    "nums": [["1", "x"], ["12"], None],
    "photos": [[{"url": "u", "size": 0}, None], [{"url": None, "size": 3}], []],
}


def outcomes(frame: pl.DataFrame, contract=DOC, layer="bronze", **options) -> dict:
    got = check_partition(frame.lazy(), contract, layer, where="t", **options)
    return {o.spec.label: (o.status, o.failing_rows, o.details, o.sample_keys, o.message)
            for o in got.outcomes if "[]" in (o.spec.column or "")}


def fail(docs: int, elements: int, doc: str, element: str) -> tuple:
    return ("fail", docs, {"failing_elements": elements}, [{"_id": doc, "element": element}],
            f"{docs} of 3 document(s) fail ({elements} element(s))")


PASS = ("pass", None, {}, [], "")
FLAGS = parse_contract_text("""\
contract: Doc
source: {kind: mongodb, collection: docs}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false}
  flags[]: {type: boolean}
""", "Doc.yaml")
CLEAN = ("pass", 0, {"failing_elements": 0}, [], "")

def photos(size_zero: str) -> dict:
    """The `photos[]` outcomes ROWS gives, struct or JSON elements alike: one null element
    (d0), one null url (d1), a size 0 below its minimum (d0, shown as `size_zero`)."""
    return {
        "photos[]:column_missing": PASS, "photos[]:dtype": PASS,
        "photos[]:not_null": fail(1, 1, "d0", "photos[1] is null"),
        "photos[].url:column_missing": PASS, "photos[].url:dtype": PASS,
        "photos[].url:not_null": fail(1, 1, "d1", "photos[0].url is null"),
        "photos[].size:column_missing": PASS, "photos[].size:dtype": PASS,
        "photos[].size:castable": CLEAN,
        "photos[].size:between": fail(1, 1, "d0", f"photos[0].size = {size_zero}"),
    }


def test_every_element_check_on_struct_elements():
    assert outcomes(pl.DataFrame(ROWS)) == {
        "tags[]:column_missing": PASS, "tags[]:dtype": PASS, "tags[]:not_null": CLEAN,
        "tags[]:in_values": fail(1, 2, "d0", "tags[1] = 'x'"),
        "codes[]:column_missing": PASS, "codes[]:dtype": PASS,
        "codes[]:regex": fail(1, 1, "d1", "codes[0] = 'ab'"),
        "nums[]:column_missing": PASS, "nums[]:dtype": PASS,
        "nums[]:castable": fail(1, 1, "d0", "nums[1] = 'x' does not cast"),
        "nums[]:between": fail(1, 1, "d1", "nums[0] = '12'"),
        **photos("0"),  # typed elements always cast
        "photos[].gone:column_missing": (
            "fail", None, {}, [], "'photos[].gone' is absent from the partition's elements"),
        "photos[].gone:dtype": ("skipped", None, {}, [], "column absent"),
    }


def test_text_elements_cast_as_a_text_column_does():
    # bronze booleans as text: yes/no cast (the engine's text forms), "maybe" does not
    frame = pl.DataFrame({"_id": ["d0", "d1", "d2"], "flags": [["yes", "no"], ["maybe"], None]})
    assert outcomes(frame, FLAGS)["flags[]:castable"] == fail(
        1, 1, "d1", "flags[0] = 'maybe' does not cast")


def test_json_text_elements_are_read_field_by_field():
    def text(elements):
        return None if elements is None else [
            None if e is None else json.dumps(e) for e in elements]

    silver = pl.DataFrame(ROWS).with_columns(
        pl.col("photos").map_elements(text, return_dtype=pl.List(pl.String)))
    got = {k: v for k, v in outcomes(silver, layer="silver").items() if "photos" in k}
    assert got == {
        **photos("'0'"),  # the size as the JSON text shows it
        # a JSON element's fields are not known before they are read
        "photos[].gone:column_missing": PASS, "photos[].gone:dtype": PASS,
    }
    # the text "null" is a string element's value (only an object kept as JSON text is
    # null by it)
    got = outcomes(pl.DataFrame(ROWS).with_columns(pl.Series("tags", [["a"], ["null"], None])))
    assert got["tags[]:not_null"] == CLEAN
    assert got["tags[]:in_values"] == fail(1, 1, "d1", "tags[0] = 'null'")
    # a JSON `null` element is null too
    nulls = silver.with_columns(pl.Series("photos", [["null"], ['{"url": "u"}'], None]))
    got = outcomes(nulls, layer="silver")
    assert got["photos[]:not_null"] == fail(1, 1, "d0", "photos[0] is null")
    assert got["photos[].url:not_null"] == CLEAN


SHAPES = parse_contract_text("""\
contract: Doc
source: {kind: mongodb, collection: docs}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false}
  flag[]: {type: string}
  gone: {type: list, items: string, min_items: 1}
  gone[]: {type: string}
  codes: {type: list, items: string, max_items: 1}
  bools[]: {type: string}
  nums[].x: {type: string}
  photos[].labels[]: {type: string, nullable: false}
  photos[].labels[].name: {type: string}
""", "Doc.yaml")


def test_paths_that_cannot_be_checked_are_skipped_with_their_reason():
    frame = pl.DataFrame({
        "_id": ["d0", "d1", "d2"],
        "flag": ["x", "y", None],
        "codes": [["AB"], ["ab", "CD"], []],
        "bools": [[True], [False], None],
        "nums": [[1], [], None],
        "photos": [[json.dumps({"labels": ["a", None]})], [], None],
    })
    got = check_partition(frame.lazy(), SHAPES, "silver", where="t", sample_keys=1)
    by = {o.spec.label: (o.status, o.message) for o in got.outcomes}
    reason = {
        "flag[]": "flag[]: flag is not an array of the partition",
        "gone[]": "array 'gone' is absent from the partition",
        "nums[].x": "nums[].x: field 'x' inside a non-object element is not checked",
        "photos[].labels[].name":
            "fields of an array's elements inside a JSON-text element are not checked",
    }
    for path, why in reason.items():
        assert by[f"{path}:column_missing"] == ("skipped", why)
        assert by[f"{path}:dtype"] == ("skipped", why)
    assert by["gone:array_length"] == ("skipped", "array absent or not an array")
    assert by["codes:array_length"] == ("fail", "1 of 3 row(s) fail")
    assert by["bools[]:dtype"] == ("fail", "dtype is Boolean, the contract says String")
    # an array inside a JSON element: its elements are JSON texts, checked
    assert by["photos[].labels[]:dtype"] == ("pass", "")
    assert by["photos[].labels[]:not_null"] == (
        "fail", "1 of 3 document(s) fail (1 element(s))")
    (one,) = [o for o in got.outcomes if o.spec.label == "photos[].labels[]:not_null"]
    assert (one.sample_keys, one.rows_scanned) == (
        [{"_id": "d0", "element": "photos[0].labels[1] is null"}], 3)
    none = check_partition(frame.lazy(), SHAPES, "silver", where="t", sample_keys=0)
    assert [o.sample_keys for o in none.outcomes if o.spec.label ==
            "photos[].labels[]:not_null"] == [[]]


ORDER_TEXT = """\
contract: Order
source: {kind: mongodb, collection: orders}
primary_key: [_id]
columns:
  _id: {type: string, nullable: false}
  items[].productId: {type: string, references: Product.id}
"""
ORDER = parse_contract_text(ORDER_TEXT, "Order.yaml")
PRODUCT = parse_contract_text("""\
contract: Product
source: {kind: mongodb, collection: products}
primary_key: [id]
columns:
  id: {type: string, nullable: false}
""", "Product.yaml")


def test_an_elements_reference_counts_documents_and_elements():
    (fk,) = ORDER.references()
    child = pl.DataFrame({"_id": ["o1", "o2", "o3"], "items": [
        [{"productId": "p1"}, {"productId": "p9"}, {"productId": "p8"}],
        [{"productId": "p7"}], None]})
    parent = pl.DataFrame({"id": ["p1", "p2"]})
    started = time.perf_counter()
    out = check_fk(ORDER, child.lazy(), fk, PRODUCT, parent.lazy(), sample_keys=5)
    wall_ms = (time.perf_counter() - started) * 1000
    assert (out.status, out.failing_rows, out.details, out.rows_scanned) == (
        "fail", 2, {"failing_elements": 3}, None)
    assert (out.spec.check, out.spec.column) == ("orphan_fk", "items[].productId")
    assert out.message == "3 element(s) in 2 document(s) reference a missing Product(id)"
    # one sample a document: its first dangling element
    assert sorted((s["_id"], s["element"]) for s in out.sample_keys) == [
        ("o1", "items[1].productId = 'p9'"), ("o2", "items[0].productId = 'p7'")]
    # the anti-join's time, in ms: inside the call's, and most of it
    assert 0 < out.duration_ms <= wall_ms and out.duration_ms > wall_ms / 100
    ok = check_fk(ORDER, child.lazy(), fk, PRODUCT, pl.DataFrame(
        {"id": ["p1", "p7", "p8", "p9"]}).lazy())
    assert (ok.status, ok.failing_rows, ok.message) == ("pass", 0, "")
    absent = check_fk(ORDER, child.drop("items").lazy(), fk, PRODUCT, parent.lazy())
    assert (absent.status, absent.message) == ("skipped", "key path absent: items[].productId")
    assert absent.spec == out.spec
    no_key = check_fk(ORDER, child.lazy(), fk, PRODUCT, parent.rename({"id": "x"}).lazy())
    assert (no_key.status, no_key.message) == ("skipped", "key column(s) absent: Product.id")
    assert no_key.spec == out.spec
    # the array inside a sub-document
    nested = parse_contract_text(ORDER_TEXT.replace("items[]", "meta.items[]"), "Order.yaml")
    (fk2,) = nested.references()
    inside = child.select("_id", pl.struct("items").alias("meta"))
    out = check_fk(nested, inside.lazy(), fk2, PRODUCT, parent.lazy())
    assert (out.status, out.failing_rows, out.details) == ("fail", 2, {"failing_elements": 3})
    assert sorted(s["element"] for s in out.sample_keys) == [
        "meta.items[0].productId = 'p7'", "meta.items[1].productId = 'p9'"]
    # a reference held by the elements themselves (no field): one index a sample
    tags = parse_contract_text(ORDER_TEXT.replace("items[].productId", "tags[]"), "Order.yaml")
    (fk3,) = tags.references()
    tagged = pl.DataFrame({"_id": ["o1", "o2"], "tags": [["p1", "p9"], ["p2"]]})
    out = check_fk(tags, tagged.lazy(), fk3, PRODUCT, parent.lazy())
    assert (out.failing_rows, out.sample_keys) == (1, [{"_id": "o1", "element": "tags[1] = 'p9'"}])
    flat = child.with_columns(pl.lit("p1").alias("items"))
    assert check_fk(ORDER, flat.lazy(), fk, PRODUCT, parent.lazy()).message == \
        "items[].productId: items is not an array of the partition"
    missing = child.with_columns(pl.lit([{"other": 1}]).alias("items"))
    assert check_fk(ORDER, missing.lazy(), fk, PRODUCT, parent.lazy()).message == \
        "key path absent: items[].productId"


@pytest.mark.parametrize(("name", "container", "steps"), [
    ("tags[]", "tags", (None,)),
    ("metadata.items[].productId", "metadata.items", (None, "productId")),
    ("a[].b.c[]", "a", (None, "b", "c", None)),
    ("a[].b[].c", "a", (None, "b", None, "c")),
])
def test_a_path_parses_into_container_and_steps(name, container, steps):
    path = parse(name)
    assert (path.name, path.container, path.steps) == (name, container, steps)


def test_labels_and_descriptions_of_one_element():
    assert label(parse("a[].b[].c"), [2, 0]) == "a[2].b[0].c"
    assert label(parse("a[].b[]"), [1]) == "a[1].b[]"
    spec = CheckSpec("in_values", contract="D", object="d", column="t[]")
    assert describe(spec, "t[1]", "x") == "t[1] = 'x'"
    assert describe(CheckSpec("not_null", contract="D", object="d"), "t[0]", None) == \
        "t[0] is null"
    assert describe(CheckSpec("castable", contract="D", object="d"), "t[0]", "x") == \
        "t[0] = 'x' does not cast"
