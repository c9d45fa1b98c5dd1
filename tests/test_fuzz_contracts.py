"""Property-based tests of the contract loader: any text gives a contract or InputError."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdguard.contracts.io import dump_contract, parse_contract_text
from wdguard.contracts.merge import merge
from wdguard.contracts.model import Contract
from wdguard.errors import InputError

# derandomized: CI runs the same examples every time; explore locally with --hypothesis-seed
_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)

_YAMLISH = st.text(
    alphabet=string.ascii_letters + string.digits + " :{}[],-'\"\n#&*!|>%@`\t",
    max_size=300,
)


@_SETTINGS
@given(_YAMLISH)
def test_any_text_loads_or_raises_input_error(text):
    try:
        contract = parse_contract_text(text, "fuzz.yaml")
    except InputError as exc:
        line = exc.one_line()
        assert line.startswith("fuzz.yaml")
        assert "\n" not in line
    else:
        assert isinstance(contract, Contract)


_NAMES = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
_SCALAR_TYPES = st.sampled_from(
    ["string", "uuid", "integer", "bigint", "float", "boolean", "date", "timestamp", "json"]
)


@st.composite
def _contracts(draw):
    names = draw(st.lists(_NAMES, min_size=1, max_size=8, unique=True))
    columns = {}
    for name in names:
        kind = draw(st.sampled_from(["scalar", "enum", "decimal"]))
        if kind == "enum":
            values = draw(st.lists(st.from_regex(r"[A-Z][A-Z_]{0,8}", fullmatch=True),
                                   min_size=1, max_size=5, unique=True))
            col = {"type": "enum", "values": values}
        elif kind == "decimal":
            col = {"type": "decimal", "precision": draw(st.integers(1, 38)),
                   "scale": draw(st.integers(0, 10))}
        else:
            col = {"type": draw(_SCALAR_TYPES)}
        col["nullable"] = draw(st.booleans())
        col["unique"] = draw(st.booleans())
        if draw(st.booleans()):
            col["description"] = draw(st.text(max_size=40))
        if name == names[0] and draw(st.booleans()):
            # the characters PyYAML folds unless they are escaped
            col["description"] = draw(st.sampled_from(["\x85", "a\u2028b", "x\ry", "\u2029"]))
        columns[name] = col
    return Contract.model_validate(
        {
            "contract": draw(st.from_regex(r"[A-Z][A-Za-z]{0,10}", fullmatch=True)),
            "source": {"kind": "postgres", "schema": "public", "table": draw(_NAMES)},
            "primary_key": [names[0]],
            "columns": columns,
        }
    )


@_SETTINGS
@given(_contracts())
def test_written_contract_reads_back_identical(contract):
    written = merge(None, contract)
    text = dump_contract(written)
    again = parse_contract_text(text, "c.yaml")
    assert again.model_dump() == written.model_dump()
    assert dump_contract(again) == text
