"""A small static evaluator of JavaScript/TypeScript module sources, for Mongoose models.

Sources are parsed with tree-sitter's JavaScript and TypeScript grammars (never with
regular expressions). `JsModule` knows a file's top-level bindings (`const`/`let`/`var`,
TypeScript `enum`s, `import`/`require` of `mongoose` and of relative files) and its
exports (ESM `export`, CommonJS `module.exports` / `exports.X`). `evaluate(node)` turns
an expression into a Python value when that can be done without running code:

* literals -> str / int / float / bool / None; arrays -> list; objects -> `JsObject`
  (spreads of known objects are merged; an unknown spread or a computed key is recorded
  as a `problem`, never guessed);
* `mongoose`, its exports and the built-in constructors (`String`, `Number`, ...) ->
  `Sym("mongoose.Schema.Types.ObjectId")`, `Sym("String")`;
* `new Schema(def, options)` -> `SchemaValue`; functions -> `JsFunction`;
* `Object.values(X)` / `Object.keys(X)` of a known object or TypeScript enum -> list;
* anything else -> `Unknown` carrying its source text and line.

Relative imports are resolved from the importing file (`.js .mjs .cjs .ts` and
`index.*`), each file parsed once per `Loader`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tree_sitter_javascript as _tsjs
import tree_sitter_typescript as _tsts
from tree_sitter import Language, Node, Parser

JS = Language(_tsjs.language())
TS = Language(_tsts.language_typescript())
_PARSERS = {"js": Parser(JS), "ts": Parser(TS)}
SOURCE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")
_BUILTINS = {
    "String", "Number", "Date", "Boolean", "Buffer", "Map", "BigInt", "Object", "Array",
}
_WRAPPERS = {
    "parenthesized_expression", "as_expression", "satisfies_expression",
    "non_null_expression", "type_assertion",
}


@dataclass(frozen=True)
class Sym:
    """A symbolic reference: `mongoose.Schema`, `String`, `mongoose.Schema.Types.Mixed`."""

    path: str

    def attr(self, name: str) -> Sym:
        return Sym(f"{self.path}.{name}")

    @property
    def last(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def is_mongoose(self) -> bool:
        return self.path == "mongoose" or self.path.startswith("mongoose.")


@dataclass
class Unknown:
    """An expression that cannot be evaluated statically."""

    text: str
    line: int

    def describe(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class JsFunction:
    text: str
    line: int


@dataclass
class JsRegex:
    pattern: str
    flags: str

    def python(self) -> str:
        inline = "".join(f for f in self.flags if f in "imsx")
        return f"(?{inline}){self.pattern}" if inline else self.pattern


@dataclass(frozen=True)
class ModelRef:
    """The value of `mongoose.model('Name', schema)`: a compiled model."""

    name: str


class JsObject(dict):
    """An object literal's evaluated properties, in source order."""


@dataclass
class SchemaValue:
    """`new Schema(definition, options)`."""

    definition: Any
    options: Any
    line: int
    file: Path
    calls: list[tuple[str, Any, int]] = field(default_factory=list)  # schema.plugin(...) etc
    problems: list[Problem] = field(default_factory=list)  # met evaluating its arguments


@dataclass
class Problem:
    """Something in a schema that was not evaluated (named to file and line)."""

    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class ParseFailure(Exception):
    def __init__(self, file: Path, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


def line_of(node: Node) -> int:
    return node.start_point[0] + 1


def _text(node: Node) -> str:
    return node.text.decode("utf-8", "replace") if node.text is not None else ""


def _string_value(node: Node) -> str:
    parts = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            parts.append(_unescape(_text(child)))
    return "".join(parts)


def _unescape(seq: str) -> str:
    simple = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}
    body = seq[1:]
    if body in simple:
        return simple[body]
    if body.startswith("u{"):
        return chr(int(body[2:-1], 16))
    if body.startswith(("u", "x")) and len(body) > 1:
        try:
            return chr(int(body[1:], 16))
        except ValueError:
            return body
    return body


def _number(text: str) -> int | float:
    t = text.replace("_", "").rstrip("n")
    lower = t.lower()
    if lower.startswith(("0x", "0o", "0b")):
        return int(t, 0)
    try:
        return int(t)
    except ValueError:
        return float(t)


def _first_error(node: Node) -> Node | None:
    if node.type == "ERROR" or node.is_missing:
        return node
    if not node.has_error:
        return None
    for child in node.children:
        found = _first_error(child)
        if found is not None:
            return found
    return node


def parse_source(path: Path, source: bytes) -> Node:
    """The syntax tree of a file; a syntax error raises `ParseFailure` naming file:line."""
    kind = "ts" if path.suffix in (".ts", ".mts", ".cts") else "js"
    tree = _PARSERS[kind].parse(source)
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root) or root
        what = "missing " + bad.type if bad.is_missing else "syntax error"
        near = " ".join(_text(bad).split())[:40]
        raise ParseFailure(path, line_of(bad), f"{what}" + (f" near {near!r}" if near else ""))
    return root


class Loader:
    """Parses files once and hands out their `JsModule`s."""

    def __init__(self) -> None:
        self.modules: dict[Path, JsModule] = {}
        self.failures: dict[Path, ParseFailure] = {}
        self._real: dict[Path, Path] = {}
        self._imports: dict[tuple[Path, str], Path | None] = {}

    def load(self, path: Path) -> JsModule:
        real = self._real.get(path)
        if real is None:
            real = self._real[path] = path.resolve()
        path = real
        if path in self.failures:
            raise self.failures[path]
        mod = self.modules.get(path)
        if mod is None:
            try:
                root = parse_source(path, path.read_bytes())
            except ParseFailure as exc:
                self.failures[path] = exc
                raise
            mod = self.modules[path] = JsModule(path, root, self)
        return mod

    def resolve(self, base: Path, spec: str) -> Path | None:
        """A relative import's file, as Node and TypeScript resolve it (memoised)."""
        key = (base.parent, spec)
        if key not in self._imports:
            self._imports[key] = self._resolve(base, spec)
        return self._imports[key]

    @staticmethod
    def _resolve(base: Path, spec: str) -> Path | None:
        target = (base.parent / spec).resolve()
        candidates = [target]
        stem = target.with_suffix("") if target.suffix in (".js", ".mjs", ".cjs") else None
        candidates += [Path(f"{target}{s}") for s in SOURCE_SUFFIXES]
        if stem is not None:  # TypeScript sources import "./x.js" meaning ./x.ts
            candidates += [stem.with_suffix(s) for s in (".ts", ".mts", ".cts")]
        candidates += [target / f"index{s}" for s in SOURCE_SUFFIXES]
        return next((c for c in candidates if c.is_file()), None)


class JsModule:
    """One source file: its bindings, exports and an expression evaluator."""

    def __init__(self, path: Path, root: Node, loader: Loader):
        self.path = path
        self.root = root
        self.loader = loader
        self.bindings: dict[str, Any] = {}  # name -> Node | Sym | ("import", spec, name)
        self.exports: dict[str, Any] = {}  # name -> Node | binding name marker
        self.export_object: Node | None = None  # module.exports = {...}
        self.problems: list[Problem] = []
        self._cache: dict[int, Any] = {}
        self._evaluating: set[int] = set()
        self._scan()

    # -- scanning -------------------------------------------------------------------
    def _scan(self) -> None:
        for stmt in self.root.named_children:
            self._statement(stmt, exported=False)

    def _statement(self, stmt: Node, exported: bool) -> None:
        kind = stmt.type
        if kind == "export_statement":
            self._export(stmt)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for decl in stmt.named_children:
                if decl.type == "variable_declarator":
                    self._declarator(decl, exported)
        elif kind in ("enum_declaration", "class_declaration", "function_declaration"):
            name = stmt.child_by_field_name("name")
            if name is not None:
                self.bindings[_text(name)] = stmt
                if exported:
                    self.exports[_text(name)] = stmt
        elif kind == "import_statement":
            self._import(stmt)
        elif kind == "expression_statement":
            expr = stmt.named_children[0] if stmt.named_children else None
            if expr is not None and expr.type == "assignment_expression":
                self._assignment(expr)

    def _export(self, stmt: Node) -> None:
        decl = stmt.child_by_field_name("declaration")
        if decl is not None:
            self._statement(decl, exported=True)
            return
        value = stmt.child_by_field_name("value")
        if value is not None:  # export default <expr>
            self.exports["default"] = value
            return
        source = stmt.child_by_field_name("source")
        for clause in stmt.named_children:
            if clause.type != "export_clause":
                continue
            for spec in clause.named_children:
                name = spec.child_by_field_name("name")
                alias = spec.child_by_field_name("alias")
                if name is None:
                    continue
                local = _text(name)
                public = _text(alias) if alias is not None else local
                if source is not None:
                    self.exports[public] = ("import", _string_value(source), local)
                else:
                    self.exports[public] = ("local", local)

    def _declarator(self, decl: Node, exported: bool) -> None:
        name = decl.child_by_field_name("name")
        value = decl.child_by_field_name("value")
        if name is None:
            return
        if name.type == "identifier":
            self.bindings[_text(name)] = value
            if exported:
                self.exports[_text(name)] = value
        elif name.type == "object_pattern" and value is not None:
            # const { Schema, model } = mongoose / require('mongoose') / require('./x')
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    local = remote = _text(prop)
                elif prop.type == "pair_pattern":
                    key, val = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key is None or val is None or val.type != "identifier":
                        continue
                    remote, local = _text(key), _text(val)
                else:
                    continue
                self.bindings[local] = ("member", value, remote)
                if exported:
                    self.exports[local] = ("local", local)

    def _import(self, stmt: Node) -> None:
        source = stmt.child_by_field_name("source")
        if source is None:
            return
        spec = _string_value(source)
        for clause in stmt.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":  # default import
                    self.bindings[_text(part)] = ("import", spec, "default")
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.bindings[_text(ident)] = ("import", spec, "*")
                elif part.type == "named_imports":
                    for item in part.named_children:
                        name = item.child_by_field_name("name")
                        alias = item.child_by_field_name("alias")
                        if name is None:
                            continue
                        local = _text(alias) if alias is not None else _text(name)
                        self.bindings[local] = ("import", spec, _text(name))

    def _assignment(self, expr: Node) -> None:
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if left is None or right is None:
            return
        target = _text(left).replace(" ", "")
        if target == "module.exports":
            if right.type == "object":
                self.export_object = right
            else:
                self.exports["default"] = right
        elif target.startswith(("module.exports.", "exports.")):
            self.exports[target.rsplit(".", 1)[1]] = right

    # -- resolution -----------------------------------------------------------------
    def _import_value(self, spec: str, name: str, line: int) -> Any:
        if spec == "mongoose":
            return Sym("mongoose") if name in ("default", "*") else Sym(f"mongoose.{name}")
        if not spec.startswith("."):
            return Unknown(f"{name} from {spec!r}", line)
        target = self.loader.resolve(self.path, spec)
        if target is None:
            self.problems.append(Problem(self.path, line, f"cannot find module {spec!r}"))
            return Unknown(f"{name} from {spec!r}", line)
        try:
            mod = self.loader.load(target)
        except ParseFailure as exc:
            self.problems.append(Problem(self.path, line, f"imported file does not parse: {exc}"))
            return Unknown(f"{name} from {spec!r}", line)
        if name == "*":
            return mod.namespace()
        return mod.export(name, line)

    def namespace(self) -> JsObject:
        obj = JsObject()
        for key in self.export_names():
            obj[key] = self.export(key, 0)
        return obj

    def export_names(self) -> list[str]:
        names = list(self.exports)
        if self.export_object is not None:
            value = self.evaluate(self.export_object)
            if isinstance(value, JsObject):
                names += [k for k in value if k not in names]
        return names

    def export(self, name: str, line: int) -> Any:
        if name in self.exports:
            target = self.exports[name]
            if isinstance(target, tuple):
                if target[0] == "local":
                    return self.lookup(target[1], line)
                return self._import_value(target[1], target[2], line)
            return self._node_value(target, name, line)
        if self.export_object is not None:
            value = self.evaluate(self.export_object)
            if isinstance(value, JsObject):
                if name == "default":
                    return value
                if name in value:
                    return value[name]
        return Unknown(f"{name} (not exported by {self.path.name})", line)

    def lookup(self, name: str, line: int) -> Any:
        if name in self.bindings:
            target = self.bindings[name]
            if isinstance(target, tuple):
                if target[0] == "import":
                    return self._import_value(target[1], target[2], line)
                if target[0] == "member":
                    base = self.evaluate(target[1])
                    return _member(base, target[2], line)
            return self._node_value(target, name, line)
        if name in _BUILTINS:
            return Sym(name)
        if name == "undefined":
            return None
        return Unknown(name, line)

    def _node_value(self, target: Node | None, name: str, line: int) -> Any:
        if target is None:
            return Unknown(name, line)
        if target.type == "enum_declaration":
            return self._enum(target)
        if target.type in ("class_declaration", "function_declaration"):
            return JsFunction(_text(target), line_of(target))
        return self.evaluate(target)

    def _enum(self, node: Node) -> JsObject:
        obj = JsObject()
        body = node.child_by_field_name("body")
        counter: int | float | None = 0
        for member in body.named_children if body is not None else []:
            if member.type == "enum_assignment":
                key = member.child_by_field_name("name")
                value = self.evaluate(member.child_by_field_name("value"))
            elif member.type in ("property_identifier", "string"):
                key, value = member, counter
            else:
                continue
            name = _string_value(key) if key.type == "string" else _text(key)
            obj[name] = value
            counter = value + 1 if isinstance(value, int | float) else None
        obj.enum_name = _text(node.child_by_field_name("name"))  # type: ignore[attr-defined]
        return obj

    # -- evaluation -----------------------------------------------------------------
    def evaluate(self, node: Node | None) -> Any:
        if node is None:
            return None
        key = node.id
        if key in self._cache:
            return self._cache[key]
        if key in self._evaluating:
            return Unknown(_text(node), line_of(node))  # a cycle: x = {...x}
        self._evaluating.add(key)
        try:
            value = self._eval(node)
        finally:
            self._evaluating.discard(key)
        self._cache[key] = value
        return value

    def _eval(self, node: Node) -> Any:
        kind = node.type
        line = line_of(node)
        if kind in _WRAPPERS:
            inner = node.named_children[0] if node.named_children else None
            return self.evaluate(inner)
        if kind == "string":
            return _string_value(node)
        if kind == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return Unknown(_text(node), line)
            return "".join(_text(c) for c in node.named_children if c.type == "string_fragment")
        if kind == "number":
            return _number(_text(node))
        if kind == "true":
            return True
        if kind == "false":
            return False
        if kind in ("null", "undefined"):
            return None
        if kind == "unary_expression":
            arg = self.evaluate(node.child_by_field_name("argument"))
            op = _text(node.child_by_field_name("operator") or node.children[0])
            if op == "-" and isinstance(arg, int | float) and not isinstance(arg, bool):
                return -arg
            if op == "!" and isinstance(arg, bool | int):
                return not arg
            return Unknown(_text(node), line)
        if kind == "regex":
            pattern = node.child_by_field_name("pattern")
            flags = node.child_by_field_name("flags")
            return JsRegex(_text(pattern) if pattern else "", _text(flags) if flags else "")
        if kind == "identifier":
            return self.lookup(_text(node), line)
        if kind == "array":
            return self._array(node)
        if kind == "object":
            return self._object(node)
        if kind == "member_expression":
            base = self.evaluate(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            return _member(base, _text(prop) if prop is not None else "", line, node)
        if kind == "subscript_expression":
            base = self.evaluate(node.child_by_field_name("object"))
            index = self.evaluate(node.child_by_field_name("index"))
            if isinstance(index, str | int):
                return _member(base, str(index), line, node)
            return Unknown(_text(node), line)
        if kind in ("function_expression", "arrow_function", "function", "class"):
            return JsFunction(_text(node), line)
        if kind == "new_expression":
            return self._new(node)
        if kind == "call_expression":
            return self._call(node)
        if kind == "binary_expression":
            return self._binary(node)
        return Unknown(_text(node), line)

    def _array(self, node: Node) -> list[Any] | Unknown:
        out: list[Any] = []
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "spread_element":
                inner = self.evaluate(child.named_children[0] if child.named_children else None)
                if isinstance(inner, list):
                    out.extend(inner)
                    continue
                self.problems.append(
                    Problem(self.path, line_of(child),
                            f"spread of {_describe(inner, child)} cannot be evaluated")
                )
                return Unknown(_text(node), line_of(node))
            out.append(self.evaluate(child))
        return out

    def _object(self, node: Node) -> JsObject:
        obj = JsObject()
        for child in node.named_children:
            kind = child.type
            if kind == "pair":
                key_node = child.child_by_field_name("key")
                name = self._key(key_node)
                if name is None:
                    self.problems.append(
                        Problem(self.path, line_of(child),
                                f"computed key {_text(key_node)} cannot be evaluated; "
                                "its field is not in the contract")
                    )
                    continue
                obj[name] = self.evaluate(child.child_by_field_name("value"))
            elif kind == "shorthand_property_identifier":
                obj[_text(child)] = self.lookup(_text(child), line_of(child))
            elif kind == "spread_element":
                inner = self.evaluate(child.named_children[0] if child.named_children else None)
                if isinstance(inner, JsObject):
                    obj.update(inner)
                else:
                    self.problems.append(
                        Problem(self.path, line_of(child),
                                f"spread of {_describe(inner, child)} cannot be evaluated; "
                                "the fields it adds are not in the contract")
                    )
            elif kind == "method_definition":
                name = self._key(child.child_by_field_name("name"))
                if name is not None:
                    obj[name] = JsFunction(_text(child), line_of(child))
        return obj

    def _key(self, key: Node | None) -> str | None:
        if key is None:
            return None
        if key.type in ("property_identifier", "identifier"):
            return _text(key)
        if key.type == "string":
            return _string_value(key)
        if key.type == "number":
            return str(_number(_text(key)))
        if key.type == "computed_property_name":
            inner = self.evaluate(key.named_children[0] if key.named_children else None)
            return inner if isinstance(inner, str) else None
        return None

    def _args(self, node: Node) -> list[Any]:
        args = node.child_by_field_name("arguments")
        if args is None:
            return []
        return [self.evaluate(a) for a in args.named_children if a.type != "comment"]

    def _new(self, node: Node) -> Any:
        ctor = self.evaluate(node.child_by_field_name("constructor"))
        line = line_of(node)
        if isinstance(ctor, Sym) and ctor.is_mongoose and ctor.last == "Schema":
            return self._schema(node, line)
        return Unknown(_text(node), line)

    def _schema(self, node: Node, line: int) -> SchemaValue:
        start = len(self.problems)
        args = self._args(node)
        return SchemaValue(
            definition=args[0] if args else JsObject(),
            options=args[1] if len(args) > 1 else JsObject(),
            line=line,
            file=self.path,
            problems=self.problems[start:],
        )

    def _call(self, node: Node) -> Any:
        fn_node = node.child_by_field_name("function")
        line = line_of(node)
        if fn_node is not None and fn_node.type == "identifier" and _text(fn_node) == "require":
            args = node.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            if first is not None and first.type == "string":
                spec = _string_value(first)
                if spec == "mongoose":
                    return Sym("mongoose")
                if spec.startswith("."):
                    target = self.loader.resolve(self.path, spec)
                    if target is None:
                        self.problems.append(
                            Problem(self.path, line, f"cannot find module {spec!r}"))
                        return Unknown(_text(node), line)
                    try:
                        mod = self.loader.load(target)
                    except ParseFailure as exc:
                        self.problems.append(
                            Problem(self.path, line, f"required file does not parse: {exc}"))
                        return Unknown(_text(node), line)
                    default = mod.exports.get("default")
                    if default is not None and mod.export_object is None:
                        return mod.export("default", line)
                    return mod.namespace()
            return Unknown(_text(node), line)
        fn = self.evaluate(fn_node)
        if isinstance(fn, Sym):
            if fn.path == "Object.freeze":
                args = self._args(node)
                return args[0] if args else Unknown(_text(node), line)
            if fn.path in ("Object.values", "Object.keys"):
                args = self._args(node)
                arg = args[0] if args else None
                if isinstance(arg, JsObject):
                    if fn.last == "keys":
                        return _enum_keys(arg)
                    return _enum_values(arg)
                return Unknown(_text(node), line)
            if fn.is_mongoose and fn.last == "model":
                args = self._args(node)
                if args and isinstance(args[0], str):
                    return ModelRef(args[0])
            if fn.is_mongoose and fn.last == "Schema":  # Schema({...}) without `new`
                return self._schema(node, line)
        return Unknown(_text(node), line)

    def _binary(self, node: Node) -> Any:
        op_node = node.child_by_field_name("operator")
        op = _text(op_node) if op_node is not None else ""
        left = self.evaluate(node.child_by_field_name("left"))
        right = self.evaluate(node.child_by_field_name("right"))
        if op in ("||", "??") and isinstance(right, ModelRef):
            return right  # models.X || model('X', schema)
        if op == "+" and isinstance(left, str) and isinstance(right, str):
            return left + right
        nums = (int, float)
        if (isinstance(left, nums) and isinstance(right, nums)
                and not isinstance(left, bool) and not isinstance(right, bool)):
            if op == "+":
                return left + right
            if op == "-":
                return left - right
            if op == "*":
                return left * right
        return Unknown(_text(node), line_of(node))


def _enum_values(obj: JsObject) -> list[Any]:
    """`Object.values` of an object, or of a TypeScript enum as it exists at run time: a
    numeric member also maps its number back to its name, and JavaScript lists
    integer-like keys first, so `enum P {Low, High}` gives ["Low", "High", 0, 1]."""
    values = list(obj.values())
    if getattr(obj, "enum_name", None) is None:
        return values
    numeric = sorted((v, k) for k, v in obj.items()
                     if isinstance(v, int) and not isinstance(v, bool) and v >= 0)
    return [k for _, k in numeric] + values


def _enum_keys(obj: JsObject) -> list[str]:
    """`Object.keys`, with a numeric TS enum member's reverse mapping ("0") first."""
    if getattr(obj, "enum_name", None) is None:
        return list(obj)
    numeric = sorted(v for v in obj.values()
                     if isinstance(v, int) and not isinstance(v, bool) and v >= 0)
    return [str(v) for v in numeric] + list(obj)


def _member(base: Any, name: str, line: int, node: Node | None = None) -> Any:
    if isinstance(base, Sym):
        return base.attr(name)
    if isinstance(base, JsObject):
        if name in base:
            return base[name]
        return Unknown(f"{name} (no such member)", line)
    if isinstance(base, Unknown):
        return Unknown(f"{base.text}.{name}", line)
    return Unknown(_text(node) if node is not None else name, line)


def _describe(value: Any, node: Node) -> str:
    if isinstance(value, Unknown):
        return value.describe()
    return " ".join(_text(node).split())[:60]


def walk(node: Node):
    """Every node under `node`, depth first (iterative: deep files do not recurse)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))
