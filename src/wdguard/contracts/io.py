"""Contract YAML files: one per contract, deterministic, readable in a PR.

Writing follows the model's field order and leaves out empty values, so that
re-deriving an unchanged schema rewrites byte-identical files. Reading reports the
file and line of the first problem.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from wdguard.contracts.model import Contract
from wdguard.errors import InputError, location


class _Flow(dict):
    """A mapping written on one line: `{type: uuid, nullable: false}`."""


class _FlowList(list):
    """A list written on one line: `[id, user_id]`."""


class _Dumper(yaml.SafeDumper):
    pass


def _flow_dict(dumper: yaml.SafeDumper, data: _Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _flow_list(dumper: yaml.SafeDumper, data: _FlowList) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _plain_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items())


_LINE_BREAKS = ("\x85", "\u2028", "\u2029", "\r")


def _str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # PyYAML folds NEL and the Unicode line separators when it writes them unescaped in a
    # quoted scalar; a double-quoted scalar escapes them, so the text reads back intact.
    style = '"' if any(ch in data for ch in _LINE_BREAKS) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow_dict)
_Dumper.add_representer(_FlowList, _flow_list)
_Dumper.add_representer(dict, _plain_dict)


def _compact(value: Any) -> Any:
    """Drop None / empty / False-default values recursively (model order is kept)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _compact(v)
            if v is None or v == [] or v == {} or v is False and k in _FALSE_DEFAULTS:
                continue
            out[k] = v
        return out
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


_FALSE_DEFAULTS = {"unique", "updated_at", "view"}


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    """The plain, compact dict a contract is written as (model field order)."""
    data = contract.model_dump(mode="json", by_alias=True, exclude_none=True)
    data = _compact(data)
    # nullable defaults to true: only write it when false, it is the interesting case
    for col in data.get("columns", {}).values():
        if col.get("nullable") is True:
            del col["nullable"]
    return data


def _styled(data: dict[str, Any]) -> dict[str, Any]:
    """Choose flow style where it keeps the file short and diffable."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "columns":
            out[key] = {name: _Flow(_flow_inner(col)) for name, col in value.items()}
        elif key in ("source", "freshness", "volume"):
            out[key] = _Flow(_flow_inner(value))
        elif key in ("indexes", "foreign_keys", "rules"):
            out[key] = [_Flow(_flow_inner(item)) for item in value]
        elif key == "unique_keys":
            out[key] = [_FlowList(k) for k in value]
        elif key == "mongo":
            out[key] = {k: (_Flow(v) if isinstance(v, dict) else v) for k, v in value.items()}
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = _FlowList(value)
        else:
            out[key] = value
    return out


def _flow_inner(value: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (_FlowList(v) if isinstance(v, list) else _Flow(v) if isinstance(v, dict) else v)
        for k, v in value.items()
    }


# editors (VS Code's YAML extension, any yaml-language-server client) complete and check a
# contract against the JSON Schema that derive writes beside it
SCHEMA_FILENAME = "contract.schema.json"
SCHEMA_COMMENT = f"# yaml-language-server: $schema={SCHEMA_FILENAME}\n"


def dump_contract(contract: Contract) -> str:
    text = SCHEMA_COMMENT + yaml.dump(
        _styled(contract_to_dict(contract)),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1000,
        default_flow_style=False,
    )
    return text


def contract_filename(contract: Contract) -> str:
    return f"{contract.contract}.yaml"


def atomic_write_text(path: Path, text: str) -> None:
    """Write then rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def schema_text() -> str:
    """The contract JSON Schema as written to `contract.schema.json`."""
    import json

    from wdguard.contracts.model import contract_json_schema

    return json.dumps(contract_json_schema(), indent=2) + "\n"


def write_schema_file(directory: Path) -> Path:
    """Write `contract.schema.json` into a contracts folder (only when it differs)."""
    path = Path(directory) / SCHEMA_FILENAME
    text = schema_text()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        atomic_write_text(path, text)
    return path


def write_contract(contract: Contract, directory: Path) -> Path:
    path = Path(directory) / contract_filename(contract)
    atomic_write_text(path, dump_contract(contract))
    return path


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at a pydantic error location."""
    best = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node = value_node
                    best = key_node.start_mark.line + 1
                    break
            else:
                return best
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return best
            node = node.value[part]
            best = node.start_mark.line + 1
        else:
            return best
    return best


class _UniqueKeyLoader(yaml.SafeLoader):
    """Duplicate keys (two `status:` columns) are an error, not a silent overwrite."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def load_mapping(text: str, path: Path | str, what: str = "a contract file") -> dict:
    """A YAML file's top-level mapping (duplicate keys refused); errors name file:line."""
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = location(path, mark.line + 1, mark.column + 1) if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"invalid YAML: {problem}", where=where) from None
    if not isinstance(data, dict):
        raise InputError(f"{what} must hold a mapping", where=location(path, 1))
    return data


def validation_error(exc: ValidationError, text: str, path: Path | str) -> InputError:
    """A model's first validation error as `field: problem` at the file:line it is on."""
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    line = _line_of(yaml.compose(text, Loader=yaml.SafeLoader), loc)
    field = ".".join(str(p) for p in loc) or "(top level)"
    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
    return InputError(f"{field}: {msg}", where=location(path, line))


def parse_contract_text(text: str, path: Path | str) -> Contract:
    """Parse one contract file's text; errors name file:line and the problem."""
    data = load_mapping(text, path)
    try:
        contract = Contract.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, text, path) from None
    if contract.rules:  # remember where each rule is written, for the gate's error lines
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        lines = {r.name: _line_of(node, ("rules", i)) for i, r in enumerate(contract.rules)}
        contract._origin = {"path": str(path), "rules": lines}
    else:
        contract._origin = {"path": str(path)}
    return contract


def load_contract(path: Path) -> Contract:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read contract: {exc.strerror}", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", where=str(path)) from None
    return parse_contract_text(text, path)


def load_contracts(directory: Path | str) -> list[Contract]:
    """All contracts of a folder, sorted by name; names must be unique."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(
            "contracts folder not found",
            where=str(directory),
            hint="pass --contracts DIR, or derive one from the Prisma schema: "
            "`wdguard contracts derive prisma prisma/schema.prisma --out contracts`",
        )
    return [contract for _, contract in contract_files(directory).values()]


def contract_files(directory: Path) -> dict[str, tuple[Path, Contract]]:
    """Every contract of a folder by name, with its file, in file order; a name defined
    in two files is an error."""
    found: dict[str, tuple[Path, Contract]] = {}
    for path in sorted(directory.glob("*.y*ml")):
        contract = load_contract(path)
        if contract.contract in found:
            raise InputError(
                f"contract {contract.contract!r} is also defined in {found[contract.contract][0]}",
                where=str(path),
            )
        found[contract.contract] = (path, contract)
    return found
