"""Contracts from Mongoose model files: the declared shape of each collection.

`derive_models(paths)` parses every model source (see `mongoose_js.py`), finds each
`mongoose.model(...)` / `model<...>(...)` / `conn.model(...)` call and turns its schema
into a `Contract` in the same format as the sampled Mongo contracts, keyed by field path
(`address.geo`, `photos[].url`). Every column it writes carries `declared: <SchemaType>`
so that a later sample keeps these facts (they are the contract) and the gate checks
them as errors.

Mongoose's own rules are followed where they decide the stored shape: the collection
name (an explicit `collection`, else the model name lower-cased and pluralised as
`mongoose/lib/helpers/pluralize.js` does), `_id` on documents and subdocuments unless
`_id: false`, the version key, `timestamps` in both forms, shorthand types, `{ type }`
objects, arrays of types, of object literals and of sub-schemas. What cannot be
evaluated statically (an enum from a function call, a spread of an unknown object, a
computed key, a type from another package) is named in `unresolved`, never guessed;
discriminators, plugins and `schema.add()` are listed in `not_applied`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wdguard.contracts.model import Column, Contract, Index, Mongoose, Source
from wdguard.contracts.mongoose_js import (
    SOURCE_SUFFIXES,
    JsFunction,
    JsModule,
    JsObject,
    JsRegex,
    Loader,
    ModelRef,
    ParseFailure,
    Problem,
    SchemaValue,
    Sym,
    Unknown,
    line_of,
    walk,
)

# Mongoose SchemaType name -> contract logical type
LOGICAL = {
    "String": "string",
    "Number": "float",
    "Double": "float",
    "Int32": "integer",
    "Date": "timestamp",
    "Boolean": "boolean",
    "Buffer": "bytes",
    "ObjectId": "string",
    "Mixed": "json",
    "Map": "object",
    "Decimal128": "decimal",
    "UUID": "uuid",
    "BigInt": "bigint",
    "Array": "list",
    "Subdocument": "object",
    "Nested": "object",
}
_ALIASES = {name.lower(): name for name in LOGICAL}
_ALIASES.update({"objectid": "ObjectId", "decimal": "Decimal128", "bool": "Boolean",
                 "object": "Mixed", "int": "Int32", "documentarray": "Array",
                 "subdocument": "Subdocument", "embedded": "Subdocument"})


# -- collection names, as Mongoose pluralises them ----------------------------------
def _js(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# (rule, replacement, replace every match) in the order of Mongoose 9's
# lib/helpers/pluralize.js; the first rule that matches the lower-cased name is applied
# (JavaScript `$1` is Python `\1`; an unmatched group is empty in both)
_PLURAL_RULES: list[tuple[re.Pattern[str], str, bool]] = [
    (_js(r"human$"), "humans", True),
    (_js(r"(m|wom)an$"), r"\1en", True),
    (_js(r"(pe)rson$"), r"\1ople", True),
    (_js(r"(child)$"), r"\1ren", True),
    (_js(r"^(ox)$"), r"\1en", True),
    (_js(r"(ax|test)is$"), r"\1es", True),
    (_js(r"(octop|cact|foc|fung|nucle)us$"), r"\1i", True),
    (_js(r"(alias|status|virus)$"), r"\1es", True),
    (_js(r"(bu)s$"), r"\1ses", True),
    (_js(r"(buffal|tomat|potat)o$"), r"\1oes", True),
    (_js(r"([ti])um$"), r"\1a", True),
    (_js(r"sis$"), "ses", True),
    (_js(r"(?:([^f])fe|([lr])f)$"), r"\1\2ves", True),
    (_js(r"(hive)$"), r"\1s", True),
    (_js(r"([^aeiouy]|qu)y$"), r"\1ies", True),
    (_js(r"(x|ch|ss|sh)$"), r"\1es", True),
    (_js(r"(matr|vert|ind)ix|ex$"), r"\1ices", True),
    (_js(r"([m|l])ouse$"), r"\1ice", True),
    (_js(r"(kn|w|l)ife$"), r"\1ives", True),
    (_js(r"(quiz)$"), r"\1zes", True),
    (_js(r"^goose$"), "geese", False),
    (_js(r"s$"), "s", True),
    (re.compile(r"([^a-z])$"), r"\1", False),
    (_js(r"$"), "s", True),
]
_UNCOUNTABLE = frozenset([
    "advice", "energy", "excretion", "digestion", "cooperation", "health", "justice",
    "labour", "machinery", "equipment", "information", "pollution", "sewage", "paper",
    "money", "species", "series", "rain", "rice", "fish", "sheep", "moose", "deer", "news",
    "expertise", "status", "media",
])


def pluralize(name: str) -> str:
    """The collection name Mongoose gives a model without a `collection` option."""
    word = name.lower()
    if word in _UNCOUNTABLE:
        return word
    for rule, replacement, every in _PLURAL_RULES:
        if rule.search(word):
            return rule.sub(replacement, word, count=0 if every else 1)
    return word


# -- results ---------------------------------------------------------------------------
@dataclass
class DerivedModel:
    contract: Contract
    file: Path
    line: int


@dataclass
class Derivation:
    models: list[DerivedModel] = field(default_factory=list)
    failures: list[ParseFailure] = field(default_factory=list)  # files that do not parse
    warnings: list[str] = field(default_factory=list)  # file:line: message
    files: list[Path] = field(default_factory=list)  # model sources read


def model_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: files as given; a folder's sources that mention `Schema`."""
    out: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                if (candidate.suffix in SOURCE_SUFFIXES and candidate.is_file()
                        and "node_modules" not in candidate.parts
                        and not candidate.name.endswith(".d.ts")
                        and b"Schema" in candidate.read_bytes()):
                    out.append(candidate)
        else:
            out.append(path)
    seen: set[Path] = set()
    unique = []
    for p in out:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def derive_models(paths: Iterable[Path], *, database: str | None = None) -> Derivation:
    """One contract per Mongoose model found in the files (or folders) `paths`."""
    result = Derivation()
    loader = Loader()
    reported: set[str] = set()
    for path in model_files(paths):
        if not path.is_file():
            result.failures.append(ParseFailure(path, 0, "no such file"))
            continue
        result.files.append(path)
        try:
            mod = loader.load(path)
        except ParseFailure as exc:
            result.failures.append(ParseFailure(path, exc.line, exc.message))
            continue
        models = _models_of(mod, path, database)
        result.models.extend(models)
        if not models:
            continue  # a helper or constants file: its problems matter only where used
        for problem in mod.problems:
            text = _problem_text(problem)
            if text not in reported:
                reported.add(text)
                result.warnings.append(text)
    for model in result.models:
        for text in model.contract.mongoose.unresolved if model.contract.mongoose else []:
            if text not in reported:
                reported.add(text)
                result.warnings.append(text)
    names: dict[str, DerivedModel] = {}
    for model in result.models:
        other = names.get(model.contract.contract)
        if other is not None:
            result.warnings.append(
                f"{model.file}:{model.line}: model {model.contract.contract!r} is also "
                f"defined at {other.file}:{other.line}; the first one is used"
            )
        else:
            names[model.contract.contract] = model
    result.models = list(names.values())
    return result


def _problem_text(problem: Problem) -> str:
    return f"{_shown(problem.file)}:{problem.line}: {problem.message}"


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def _models_of(mod: JsModule, shown: Path, database: str | None) -> list[DerivedModel]:
    calls: list[tuple[str, Any, Any, int]] = []  # (method, receiver, args, line)
    for node in walk(mod.root):
        if node.type != "call_expression":
            continue
        fn = node.child_by_field_name("function")
        if fn is None or fn.type != "member_expression" and fn.type != "identifier":
            continue
        if fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            method = prop.text.decode() if prop is not None and prop.text else ""
            if method not in ("model", "plugin", "discriminator", "add", "index", "set"):
                continue
            receiver = mod.evaluate(fn.child_by_field_name("object"))
        else:
            method = fn.text.decode() if fn.text else ""
            if method != "model" and mod.lookup(method, 0) != Sym("mongoose.model"):
                continue
            receiver = None
        callee = mod.evaluate(fn)
        args_node = node.child_by_field_name("arguments")
        arg_nodes = [a for a in args_node.named_children if a.type != "comment"] \
            if args_node is not None else []
        if method == "model" or (isinstance(callee, Sym) and callee.path == "mongoose.model"):
            # conn.model(...) on a connection made with mongoose.createConnection
            foreign = not isinstance(callee, Sym) or not callee.is_mongoose
            if foreign and not (isinstance(receiver, Unknown) and len(arg_nodes) >= 2):
                continue
            if len(arg_nodes) < 2:
                continue  # mongoose.model('Name') looks a model up
            calls.append(("model?" if foreign else "model", receiver, arg_nodes,
                          line_of(node)))
        else:
            calls.append((method, receiver, arg_nodes, line_of(node)))

    # schema.plugin / add / index / set apply to the schema value they are called on;
    # discriminators to the model they are called on; mongoose.plugin to every model
    global_plugins: list[str] = []
    discriminators: dict[str, list[str]] = {}
    for method, receiver, arg_nodes, line in calls:
        if method in ("model", "model?"):
            continue
        where = f"{_shown(shown)}:{line}"
        first = _src(arg_nodes[0]) if arg_nodes else "?"
        if method == "plugin" and isinstance(receiver, Sym) and receiver.path == "mongoose":
            global_plugins.append(f"global plugin {first} ({where})")
        elif method == "discriminator" and isinstance(receiver, ModelRef):
            name = mod.evaluate(arg_nodes[0]) if arg_nodes else None
            label = name if isinstance(name, str) else first
            discriminators.setdefault(receiver.name, []).append(
                f"discriminator {label} ({where})")
        elif isinstance(receiver, SchemaValue):
            if method in ("plugin", "add"):
                receiver.calls.append((method, [_src(a) for a in arg_nodes], line))
            else:
                receiver.calls.append((method, [mod.evaluate(a) for a in arg_nodes], line))

    models: list[DerivedModel] = []
    for method, _receiver, arg_nodes, line in calls:
        if method not in ("model", "model?"):
            continue
        name = mod.evaluate(arg_nodes[0])
        schema = mod.evaluate(arg_nodes[1])
        if method == "model?" and not isinstance(schema, SchemaValue):
            continue  # x.model(a, b) on something that is not a mongoose connection
        if not isinstance(name, str):
            mod.problems.append(Problem(mod.path, line, f"model name {_src(arg_nodes[0])} "
                                        "cannot be evaluated; the model is skipped"))
            continue
        if not isinstance(schema, SchemaValue):
            mod.problems.append(Problem(mod.path, line, f"schema of model {name!r} "
                                        f"({_src(arg_nodes[1])}) cannot be evaluated; "
                                        "the model is skipped"))
            continue
        collection = mod.evaluate(arg_nodes[2]) if len(arg_nodes) > 2 else None
        if collection is not None and not isinstance(collection, str):
            collection = None
        builder = _Builder(mod, shown)
        contract = builder.contract(name, schema, collection, database, line)
        not_applied = global_plugins + discriminators.get(name, [])
        if contract.mongoose is not None and not_applied:
            contract.mongoose.not_applied.extend(not_applied)
        models.append(DerivedModel(contract, shown, line))
    return models


def _src(node: Any) -> str:
    if node is None or not hasattr(node, "text"):
        return "?"
    text = " ".join((node.text or b"").decode("utf-8", "replace").split())
    return text if len(text) <= 60 else text[:57] + "..."


def _order(path: str) -> tuple[bool, list[str]]:
    return (path != "_id", path.split("."))


class _Builder:
    """Flattens one schema into contract columns, collecting what it cannot evaluate."""

    def __init__(self, mod: JsModule, shown: Path):
        self.mod = mod
        self.shown = shown
        self.columns: dict[str, dict[str, Any]] = {}
        self.indexes: list[Index] = []
        self.unresolved: list[str] = []
        self.not_applied: list[str] = []

    def warn(self, line: int, message: str) -> None:
        text = f"{_shown(self.mod.path)}:{line}: {message}"
        if text not in self.unresolved:
            self.unresolved.append(text)

    # -- the model ---------------------------------------------------------------------
    def contract(self, name: str, schema: SchemaValue, collection: str | None,
                 database: str | None, line: int) -> Contract:
        options = self._options(schema)
        if collection:
            coll, origin = collection, "model()"
        elif isinstance(options.get("collection"), str):
            coll, origin = options["collection"], "option"
        else:
            coll, origin = pluralize(name), "pluralised"
        if not isinstance(schema.definition, JsObject):
            self.warn(schema.line, f"schema definition of {name!r} cannot be evaluated")
            definition = JsObject()
        else:
            definition = schema.definition
        has_id = options.get("_id", True) is not False
        if has_id and "_id" not in definition:
            self.columns["_id"] = _col("ObjectId", nullable=False, unique=True)
        self._object(definition, "", schema.line)
        if "_id" in self.columns:
            self.columns["_id"].setdefault("unique", True)
            self.columns["_id"]["nullable"] = False
        version_key = options.get("versionKey", "__v")
        if version_key is True or version_key is None:
            version_key = "__v"
        if isinstance(version_key, str) and version_key not in self.columns:
            self.columns[version_key] = {"type": "integer", "nullable": False,
                                         "declared": "Number"}
        stamps = self._timestamps(options.get("timestamps"), schema.line)
        for stamp in stamps:
            if stamp not in self.columns:
                self.columns[stamp] = _col("Date", nullable=False)
        for method, args, call_line in schema.calls:
            self._schema_call(method, args, call_line, name)
        strict = options.get("strict", True)
        if strict not in (True, False, "throw"):
            self.warn(schema.line, f"strict option {strict!r} of {name!r} is not a literal")
            strict = True
        columns = {
            path: Column(**self.columns[path]) for path in sorted(self.columns, key=_order)
        }
        return Contract(
            contract=name,
            source=Source(kind="mongodb", database=database, collection=coll),
            primary_key=["_id"] if "_id" in columns else [],
            columns=columns,
            indexes=self.indexes,
            mongoose=Mongoose(
                model=name,
                file=_shown(self.shown),
                line=line,
                collection_from=origin,
                strict=strict,
                version_key=version_key if isinstance(version_key, str) else None,
                timestamps=stamps,
                not_applied=self.not_applied,
                unresolved=self.unresolved,
            ),
        )

    def _options(self, schema: SchemaValue) -> dict[str, Any]:
        for problem in schema.problems:  # each schema's options are read once
            text = f"{_shown(problem.file)}:{problem.line}: {problem.message}"
            if text not in self.unresolved:
                self.unresolved.append(text)
        options = schema.options
        if isinstance(options, Unknown):
            self.warn(schema.line, f"schema options {options.describe()} cannot be evaluated")
            return {}
        if not isinstance(options, JsObject):
            return {}
        out = dict(options)
        for method, args, _line in schema.calls:  # schema.set('collection', 'x')
            if method == "set" and len(args) >= 2 and isinstance(args[0], str):
                out[args[0]] = args[1]
        return out

    def _timestamps(self, value: Any, line: int) -> list[str]:
        if value is None or value is False:
            return []
        if value is True:
            return ["createdAt", "updatedAt"]
        if isinstance(value, JsObject):
            out = []
            for key, default in (("createdAt", "createdAt"), ("updatedAt", "updatedAt")):
                v = value.get(key, True)
                if v is True:
                    out.append(default)
                elif isinstance(v, str):
                    out.append(v)
                elif v is not False:
                    self.warn(line, f"timestamps.{key} {v!r} cannot be evaluated")
            return out
        self.warn(line, "timestamps option cannot be evaluated")
        return []

    def _schema_call(self, method: str, args: list[Any], line: int, model: str) -> None:
        if method == "plugin":
            self.not_applied.append(
                f"plugin {args[0] if args else '?'} ({_shown(self.mod.path)}:{line})")
        elif method == "add":
            self.not_applied.append(
                f"schema.add({args[0] if args else ''}) ({_shown(self.mod.path)}:{line})")
        elif method == "index" and args:
            spec = args[0]
            opts = args[1] if len(args) > 1 and isinstance(args[1], JsObject) else JsObject()
            if isinstance(spec, JsObject) and spec:
                cols = list(spec)
                name = opts.get("name") if isinstance(opts.get("name"), str) else "_".join(
                    f"{c}_{spec[c]}" for c in cols)
                self.indexes.append(Index(name=str(name), columns=cols,
                                          unique=opts.get("unique") is True))
            else:
                self.warn(line, f"index of {model!r} cannot be evaluated")

    # -- fields ----------------------------------------------------------------------
    def _object(self, definition: JsObject, prefix: str, line: int) -> None:
        for key, spec in definition.items():
            path = f"{prefix}{key}"
            self._field(path, spec, line)

    def _field(self, path: str, spec: Any, line: int) -> None:
        if isinstance(spec, list):
            self._array(path, spec, JsObject(), line)
            return
        if isinstance(spec, SchemaValue):
            self._subschema(path, spec, JsObject())
            return
        if isinstance(spec, JsObject):
            base = spec.get("type", _MISSING)
            if base is not _MISSING and not (isinstance(base, JsObject) and "type" in base):
                self._typed(path, base, spec, line)
                return
            if not spec:
                self.columns[path] = _col("Mixed")
                return
            self.columns[path] = _col("Nested")
            children = JsObject((k, v) for k, v in spec.items() if k != "_id" or v is not False)
            self._object(children, path + ".", line)
            return
        tname = self._type_name(spec, path, line)
        if tname is not None:
            self.columns[path] = _col(tname)

    def _typed(self, path: str, base: Any, options: JsObject, line: int) -> None:
        if isinstance(base, list):
            self._array(path, base, options, line)
            return
        if isinstance(base, SchemaValue):
            self._subschema(path, base, options)
            return
        if isinstance(base, JsObject):  # { type: { a: String } }: a single nested subdoc
            self.columns[path] = self._facts(path, _col("Subdocument"), options, line)
            if options.get("_id", base.get("_id", True)) is not False:
                self.columns[f"{path}._id"] = _col("ObjectId", nullable=False)
            children = JsObject((k, v) for k, v in base.items() if k != "_id")
            self._object(children, path + ".", line)
            return
        tname = self._type_name(base, path, line)
        if tname is None:
            return
        self.columns[path] = self._facts(path, _col(tname), options, line)

    def _array(self, path: str, items: list[Any], options: JsObject, line: int) -> None:
        element = items[0] if items else None
        column = self._facts(path, _col("Array"), options, line, array=True)
        self.columns[path] = column
        epath = path + "[]"
        if element is None or (isinstance(element, JsObject) and not element):
            column["items"] = "json"
            self.columns[epath] = _col("Mixed")
            return
        if isinstance(element, SchemaValue):
            column["items"] = "object"
            self._subschema(epath, element, JsObject(), element_of=path)
            return
        if isinstance(element, list):
            self._array(epath, element, JsObject(), line)
            column["items"] = "json"  # an array of arrays: no one-level element type
            return
        if isinstance(element, JsObject):
            base = element.get("type", _MISSING)
            if base is not _MISSING and not (isinstance(base, JsObject) and "type" in base):
                self._typed(epath, base, element, line)
            else:  # [{ url: String }]: a document array, each element with an _id
                self.columns[epath] = _col("Subdocument", nullable=False)
                if element.get("_id", True) is not False:
                    self.columns[f"{epath}._id"] = _col("ObjectId", nullable=False)
                children = JsObject((k, v) for k, v in element.items() if k != "_id")
                self._object(children, epath + ".", line)
        else:
            tname = self._type_name(element, epath, line)
            if tname is None:
                column["items"] = "json"
                return
            elem = _col(tname)
            # options of an array of primitives (enum, match, min...) apply to its elements
            elem_opts = JsObject((k, v) for k, v in options.items()
                                 if k in _ELEMENT_OPTIONS)
            self.columns[epath] = self._facts(epath, elem, elem_opts, line)
        ecol = self.columns.get(epath)
        if "items" not in column:
            column["items"] = ecol["type"] if ecol is not None else "json"

    def _subschema(self, path: str, schema: SchemaValue, options: JsObject,
                   element_of: str | None = None) -> None:
        column = _col("Subdocument", nullable=not element_of)
        if element_of is None:
            column = self._facts(path, column, options, schema.line)
        self.columns[path] = column
        sub_options = self._options(schema)
        definition = schema.definition if isinstance(schema.definition, JsObject) else None
        if definition is None:
            self.warn(schema.line, f"sub-schema of {path} cannot be evaluated")
            return
        if sub_options.get("_id", True) is not False and "_id" not in definition:
            self.columns[f"{path}._id"] = _col("ObjectId", nullable=False)
        self._object(definition, path + ".", schema.line)
        for stamp in self._timestamps(sub_options.get("timestamps"), schema.line):
            self.columns.setdefault(f"{path}.{stamp}", _col("Date", nullable=False))

    def _type_name(self, value: Any, path: str, line: int) -> str | None:
        if isinstance(value, Sym):
            name = value.last
            if value.path in ("Object",):
                return "Mixed"
            if value.path in ("Array",):
                return "Array"
            if (value.is_mongoose or value.path in LOGICAL) and name in LOGICAL:
                return name
            if value.is_mongoose and name == "ObjectID":
                return "ObjectId"
            self.warn(line, f"type {value.path} of {path} is not a Mongoose type")
            return None
        if isinstance(value, str):
            found = _ALIASES.get(value.lower())
            if found:
                return found
            self.warn(line, f"type {value!r} of {path} is not a Mongoose type")
            return None
        if isinstance(value, Unknown):
            self.warn(value.line, f"type of {path} ({value.describe()}) cannot be "
                      "resolved statically; the field is not in the contract")
            return None
        if isinstance(value, JsFunction):
            self.warn(value.line, f"type of {path} is a function or class; the field is "
                      "not in the contract")
            return None
        self.warn(line, f"type of {path} ({value!r}) is not a Mongoose type")
        return None

    def _facts(self, path: str, column: dict[str, Any], options: JsObject, line: int,
               array: bool = False) -> dict[str, Any]:
        tname = column["declared"]
        for key, value in options.items():
            if key == "type":
                continue
            if isinstance(value, Unknown):
                if key in _FACT_OPTIONS:
                    self.warn(value.line, f"{key} of {path} ({value.describe()}) cannot be "
                              "resolved statically; not in the contract")
                continue
            if key == "required":
                self._required(path, column, value, line)
            elif key == "enum" and not array:
                self._enum(path, column, value, line)
            elif key == "default":
                default = _default(value)
                if default is not None:
                    column["default"] = default
            elif key == "unique" and _flag(value):
                column["unique"] = True
                self.indexes.append(Index(name=f"{path}_1", columns=[path], unique=True))
            elif key == "index" and _flag(value) and not column.get("unique"):
                self.indexes.append(Index(name=f"{path}_1", columns=[path]))
            elif key in ("min", "max") and not array:
                bound = _first(value)
                if isinstance(bound, int | float) and not isinstance(bound, bool):
                    column[key] = bound
                elif bound is not None and tname != "Date":
                    self.warn(line, f"{key} of {path} ({bound!r}) is not a number")
            elif key in ("minlength", "maxlength", "minLength", "maxLength") and not array:
                bound = _first(value)
                if isinstance(bound, int) and not isinstance(bound, bool):
                    column["min_length" if key.lower() == "minlength" else "max_length"] = bound
            elif key == "match" and not array:
                regex = _first(value)
                if isinstance(regex, JsRegex):
                    column["regex"] = regex.python()
                elif isinstance(regex, str):
                    column["regex"] = regex
            elif key == "validate" and array:
                column.update(_length_limits(value))
            elif key == "ref":
                if isinstance(value, str):
                    column["references"] = f"{value}._id"
                elif isinstance(value, Sym | JsFunction):
                    self.warn(line, f"ref of {path} is not a model name; not in the contract")
        return column  # an array's enum/match/lengths went to its elements (_array)

    def _required(self, path: str, column: dict[str, Any], value: Any, line: int) -> None:
        flag = value[0] if isinstance(value, list) and value else value
        if flag is True:
            column["nullable"] = False
        elif isinstance(flag, JsFunction):
            column["required_if"] = f"function at {_shown(self.mod.path)}:{flag.line}"
        elif isinstance(flag, Unknown):
            self.warn(flag.line, f"required of {path} ({flag.describe()}) cannot be "
                      "resolved statically")

    def _enum(self, path: str, column: dict[str, Any], value: Any, line: int) -> None:
        values = value.get("values") if isinstance(value, JsObject) else value
        if isinstance(values, Unknown):
            self.warn(values.line, f"enum of {path} ({values.describe()}) cannot be "
                      "resolved statically; its values are not in the contract")
            return
        if isinstance(values, JsObject):  # enum: SomeTsEnum / an object of values
            values = list(values.values())
        if not isinstance(values, list):
            self.warn(line, f"enum of {path} cannot be resolved statically")
            return
        bad = [v for v in values if isinstance(v, Unknown)]
        if bad:
            self.warn(bad[0].line, f"enum of {path}: {bad[0].describe()} cannot be resolved "
                      "statically; its values are not in the contract")
            return
        strings = [v for v in values if v is not None]
        if column["declared"] != "String":
            if strings:
                self.warn(line, f"enum of {path} on a {column['declared']} is not checked")
            return
        if not all(isinstance(v, str) for v in strings):
            self.warn(line, f"enum of {path} has non-string values; not in the contract")
            return
        seen: list[str] = []
        for v in strings:
            if v not in seen:
                seen.append(v)
        if seen:
            column["type"] = "enum"
            column["values"] = seen


_MISSING = object()
_FACT_OPTIONS = {"required", "enum", "default", "unique", "index", "min", "max",
                 "minlength", "maxlength", "minLength", "maxLength", "match", "ref"}
_ELEMENT_OPTIONS = {"enum", "min", "max", "minlength", "maxlength", "minLength",
                    "maxLength", "match", "ref"}


_LENGTH = re.compile(r"\.length\s*(<=|<|>=|>|===|==)\s*(\d+)")


def _length_limits(value: Any) -> dict[str, int]:
    """`min_items` / `max_items` of an array from its validators' `v.length <= N` tests
    (`validate: fn`, `[fn, msg]`, `{validator: fn}`, or a list of those)."""
    found: dict[str, int] = {}
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, JsObject):
            todo.append(item.get("validator"))
        elif isinstance(item, JsFunction):
            for op, n in _LENGTH.findall(item.text):
                n = int(n)
                if op in ("<=", "<", "===", "=="):
                    found["max_items"] = n - 1 if op == "<" else n
                if op in (">=", ">", "===", "=="):
                    found["min_items"] = n + 1 if op == ">" else n
    return found


def _col(tname: str, *, nullable: bool = True, unique: bool = False) -> dict[str, Any]:
    col: dict[str, Any] = {"type": LOGICAL[tname], "declared": tname}
    if not nullable:
        col["nullable"] = False
    else:
        col["nullable"] = True
    if unique:
        col["unique"] = True
    return col


def _flag(value: Any) -> bool:
    return (value[0] if isinstance(value, list) and value else value) is True


def _first(value: Any) -> Any:
    """`[value, 'message']` validator pairs hold the value first."""
    return value[0] if isinstance(value, list) and value else value


def _default(value: Any) -> str | int | float | bool | None:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Sym):
        return value.path  # Date.now
    if isinstance(value, JsFunction):
        text = " ".join(value.text.split())
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, list) and not value:
        return "[]"
    if isinstance(value, Unknown):
        return value.describe()
    return None
