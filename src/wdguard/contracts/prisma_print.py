"""Render a Prisma schema AST back as schema.prisma text.

The printer exists so the parser can be tested by round trip: parse, print, parse again,
and the derived contracts must not change. It writes one canonical layout (two-space
indent, one declaration per line, docs as `///` lines above what they document) and keeps
everything the AST holds except source positions and `//` comments, which the AST drops.
"""

from __future__ import annotations

from wdguard.contracts.prisma_ast import (
    Arg,
    Array,
    Attribute,
    Call,
    ConfigBlock,
    Const,
    Enum,
    Expr,
    Field,
    Model,
    Num,
    Schema,
    Str,
)

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def quote(value: str) -> str:
    """A Prisma string literal whose parsed value is `value`."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in value) + '"'


def expr(value: Expr) -> str:
    if isinstance(value, Str):
        return quote(value.value)
    if isinstance(value, Num):
        return value.text
    if isinstance(value, Const):
        return value.name
    if isinstance(value, Call):
        return f"{value.name}({args(value.args)})"
    if isinstance(value, Array):
        return "[" + ", ".join(expr(v) for v in value.items) + "]"
    raise TypeError(f"not a Prisma expression: {value!r}")


def args(items: list[Arg]) -> str:
    return ", ".join(f"{a.name}: {expr(a.value)}" if a.name else expr(a.value) for a in items)


def attribute(attr: Attribute) -> str:
    head = ("@@" if attr.block else "@") + attr.name
    # `@id()` and `@id` mean the same; keep the parentheses only when there are arguments
    return f"{head}({args(attr.args)})" if attr.args else head


def _doc(doc: str | None, indent: str) -> list[str]:
    if not doc:
        return []
    return [f"{indent}/// {line}".rstrip() for line in doc.split("\n")]


def field(f: Field) -> str:
    t = f.type
    type_text = f"Unsupported({quote(t.unsupported)})" if t.unsupported is not None else t.name
    type_text += "[]" if t.is_list else ""
    type_text += "?" if t.optional else ""
    return " ".join([f.name, type_text, *(attribute(a) for a in f.attributes)])


def model(m: Model) -> list[str]:
    lines = _doc(m.doc, "") + [f"{m.kind} {m.name} {{"]
    for f in m.fields:
        lines += _doc(f.doc, "  ") + ["  " + field(f)]
    if m.attributes:
        if m.fields:
            lines.append("")
        lines += ["  " + attribute(a) for a in m.attributes]
    return [*lines, "}"]


def enum(e: Enum) -> list[str]:
    lines = _doc(e.doc, "") + [f"enum {e.name} {{"]
    for v in e.values:
        lines += _doc(v.doc, "  ") + ["  " + " ".join([v.name, *map(attribute, v.attributes)])]
    if e.attributes:
        lines += ["", *("  " + attribute(a) for a in e.attributes)]
    return [*lines, "}"]


def config(block: ConfigBlock) -> list[str]:
    body = [f"  {key} = {expr(value)}" for key, value in block.properties.items()]
    return [f"{block.kind} {block.name} {{", *body, "}"]


def render(schema: Schema) -> str:
    """The whole schema as one file: config blocks, then enums, models/views, types."""
    blocks = [config(b) for b in schema.datasources + schema.generators]
    blocks += [enum(e) for e in schema.enums]
    blocks += [model(m) for m in schema.models + schema.types]
    return "\n\n".join("\n".join(b) for b in blocks) + "\n"
