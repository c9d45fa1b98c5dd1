"""A parser for Prisma schema files: tokenizer and recursive descent into the AST.

Prisma's own parser is Rust (shipped to npm as wasm); wdguard needs the schema in Python
with source positions so that errors and derived contracts can point at `file:line:col`.
The grammar followed is Prisma's PSL: top-level blocks (`datasource`, `generator`,
`model`, `view`, `type`, `enum`), fields `name Type? @attr(args)`, block attributes
`@@attr(args)`, expressions (strings, numbers, constants, function calls, arrays,
named arguments), `//` comments and `///` docs attached where Prisma attaches them.
A folder is parsed as one schema made of every `.prisma` file below it. The AST lives
in `prisma_ast`, the semantic checks in `prisma_validate`.

The tests hold this parser to Prisma's own `get_dmmf` on varied and fuzzed schemas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from wdguard.contracts.prisma_ast import (  # noqa: F401 - re-exported: the parser's API
    DEFAULT_FUNCTIONS,
    SCALAR_TYPES,
    Arg,
    Array,
    Attribute,
    Call,
    ConfigBlock,
    Const,
    Enum,
    EnumValue,
    Expr,
    Field,
    FieldType,
    Model,
    Num,
    Pos,
    Schema,
    Str,
)
from wdguard.contracts.prisma_validate import provider, validate  # noqa: F401
from wdguard.errors import InputError
from wdguard.redact import redact_text

# --------------------------------------------------------------------------- tokens


class Token(NamedTuple):
    kind: str  # IDENT STRING NUMBER DOC PUNCT NL EOF
    text: str
    pos: Pos


_PUNCT = set("{}()[],:=?@.!")
_BLOCK_KEYWORDS = frozenset({"model", "view", "type", "enum", "datasource", "generator"})


def _describe(tok: Token) -> str:
    if tok.kind == "EOF":
        return "end of file"
    if tok.kind == "NL":
        return "end of line"
    if tok.kind == "STRING":  # a datasource url may hold a password: never echo it
        return f'string "{redact_text(tok.text)}"'
    return f"'{tok.text}'"


_TOKEN = re.compile(
    r"""
    (?P<NL>\n)
    | (?P<WS>[ \t\r\ufeff]+)
    | (?P<DOC>///[^\n]*)
    | (?P<COMMENT>//[^\n]*)
    | (?P<STRING>"(?:[^"\\\n]|\\.)*")
    | (?P<NUMBER>-?\d[\d.eE]*)
    | (?P<IDENT>[^\W\d][\w-]*)
    | (?P<PUNCT>[{}()\[\],:=?@.!])
    | (?P<BAD>.)
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}
_ESCAPE = re.compile(r"\\(.)")


def tokenize(text: str, filename: str) -> list[Token]:
    """Split a schema into tokens. Newlines are kept: Prisma declarations end at them."""
    tokens: list[Token] = []
    append = tokens.append
    line, line_start = 1, 0
    comment_line = False  # the current line holds a `//` comment (so it is not blank)
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "WS":
            continue
        if kind == "COMMENT":
            comment_line = True
            continue
        start = m.start()
        pos = Pos(filename, line, start - line_start + 1)
        if kind == "NL":
            append(Token("NL", "//" if comment_line else "\n", pos))
            comment_line = False
            line += 1
            line_start = start + 1
        elif kind == "STRING":
            body = m.group()[1:-1]
            if "\\" in body:
                body = _ESCAPE.sub(lambda e: _ESCAPES.get(e.group(1), e.group(1)), body)
            append(Token("STRING", body, pos))
        elif kind == "DOC":
            append(Token("DOC", m.group()[3:].strip(), pos))
        elif kind == "BAD":
            if m.group() == '"':
                raise InputError("unterminated string: expected '\"'", where=str(pos))
            raise InputError(f"unexpected character {m.group()!r}", where=str(pos))
        else:
            append(Token(kind, m.group(), pos))
    append(Token("EOF", "", Pos(filename, line, len(text) - line_start + 1)))
    return tokens


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.toks = tokens
        self.i = 0

    # -- helpers
    @property
    def tok(self) -> Token:
        return self.toks[self.i]

    def advance(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        return self.tok.kind == "PUNCT" and self.tok.text == text

    def error(self, expected: str, tok: Token | None = None) -> InputError:
        tok = tok or self.tok
        return InputError(f"expected {expected}, found {_describe(tok)}", where=str(tok.pos))

    def expect(self, text: str, what: str | None = None) -> Token:
        if not self.at(text):
            raise self.error(what or f"'{text}'")
        return self.advance()

    def ident(self, what: str) -> Token:
        if self.tok.kind != "IDENT":
            raise self.error(what)
        return self.advance()

    def starts_block(self) -> bool:
        """`model X {` inside a block: the previous block was not closed."""
        nxt, after = self.toks[self.i + 1], self.toks[min(self.i + 2, len(self.toks) - 1)]
        return (
            self.tok.kind == "IDENT"
            and self.tok.text in _BLOCK_KEYWORDS
            and nxt.kind == "IDENT"
            and after.kind == "PUNCT"
            and after.text == "{"
        )

    def skip_newlines(self) -> None:
        while self.tok.kind == "NL":
            self.advance()

    def end_of_line(self, what: str) -> None:
        self.trailing_doc()  # after a block attribute or property, Prisma ignores it
        if self.at("}"):
            raise self.error(f"{what}: '}}' goes on a line of its own")
        if self.tok.kind not in ("NL", "EOF"):
            raise self.error(what)

    def open_block(self, what: str) -> None:
        """`{` ends its line: Prisma reads one declaration per line."""
        self.expect("{", f"'{{' to open {what}")
        self.trailing_doc()
        if self.tok.kind != "NL":
            raise self.error(f"end of line after '{{' (one declaration per line in {what})")

    def trailing_doc(self) -> str | None:
        """A `/// doc` at the end of a field or enum value line documents that line."""
        if self.tok.kind == "DOC":
            return self.advance().text
        return None

    def docs(self, *, top_level: bool = False) -> str | None:
        """Collect `///` lines before a declaration.

        As in Prisma, a blank line between the docs and a top-level block detaches them;
        inside a block, blank lines between a field's docs and the field do not.
        """
        lines: list[str] = []
        previous = "NL"
        while self.tok.kind in ("DOC", "NL"):
            tok = self.advance()
            if tok.kind == "DOC":
                lines.append(tok.text)
            elif top_level and previous == "NL" and tok.text == "\n":
                lines = []  # a blank line: the docs above float free
            previous = "DOC" if tok.text == "//" else tok.kind  # a `//` line is no gap
        return "\n".join(lines) if lines else None

    # -- top level
    def schema(self, into: Schema) -> None:
        # Like Prisma: docs right above a datasource/generator block are not its own;
        # they stay pending for the next model, view, type or enum.
        pending: str | None = None
        while True:
            doc = self.docs(top_level=True) or pending
            pending = None
            tok = self.tok
            if tok.kind == "EOF":
                return
            if tok.kind != "IDENT":
                raise self.error("a block: model, enum, view, type, datasource or generator")
            if tok.text in ("model", "view", "type"):
                into_list = into.types if tok.text == "type" else into.models
                into_list.append(self.model_block(doc))
            elif tok.text == "enum":
                into.enums.append(self.enum_block(doc))
            elif tok.text in ("datasource", "generator"):
                pending = doc
                block = self.config_block()
                (into.datasources if block.kind == "datasource" else into.generators).append(block)
            else:
                raise self.error("a block: model, enum, view, type, datasource or generator")

    def config_block(self) -> ConfigBlock:
        kw = self.advance()
        name = self.ident(f"a name after '{kw.text}'")
        self.open_block(f"{kw.text} {name.text}")
        props: dict[str, Expr] = {}
        while True:
            self.docs()
            if self.at("}"):
                self.advance()
                break
            if self.tok.kind == "EOF":
                raise self.error(f"'}}' to close {kw.text} {name.text}")
            key = self.ident(f"a property name or '}}' to close {kw.text} {name.text}")
            self.expect("=", f"'=' after {key.text}")
            if key.text in props:
                raise InputError(
                    f"duplicate property {key.text!r} in {kw.text} {name.text}",
                    where=str(key.pos),
                )
            props[key.text] = self.expr()
            self.end_of_line("end of line after the property value")
        return ConfigBlock(kw.text, name.text, props, kw.pos)

    def block_body(
        self, what: str, member: Callable[[str | None], None], one_per_line: str
    ) -> list[Attribute]:
        """Read a block's lines up to its '}': `@@` attributes are returned, every other
        line goes to `member(doc)`. Docs above a block attribute go to the next member."""
        attrs: list[Attribute] = []
        pending: str | None = None
        while True:
            doc = self.docs() or pending
            pending = None
            if self.at("}"):
                self.advance()
                return attrs
            if self.tok.kind == "EOF":
                raise self.error(f"'}}' to close {what}")
            if self.at("@"):
                attrs.append(self.block_attribute(what))
                pending = doc
            elif self.starts_block():
                raise self.error(f"'}}' to close {what}")
            else:
                member(doc)
            self.end_of_line(one_per_line)

    def model_block(self, doc: str | None) -> Model:
        kw = self.advance()
        name = self.ident(f"a name after '{kw.text}'")
        what = f"{kw.text} {name.text}"
        self.open_block(what)
        fields: list[Field] = []

        def field(fdoc: str | None) -> None:
            if self.tok.kind != "IDENT":
                raise self.error(f"a field, a block attribute or '}}' to close {what}")
            f = self.field_decl(fdoc, what)
            f.doc = _join_doc(f.doc, self.trailing_doc())
            fields.append(f)

        attrs = self.block_body(what, field, "end of line (one declaration per line)")
        return Model(kw.text, name.text, fields, attrs, kw.pos, doc)

    def field_decl(self, doc: str | None, what: str) -> Field:
        name = self.advance()
        if self.tok.kind != "IDENT":
            raise self.error(f"a type for field {name.text} in {what}")
        type_tok = self.advance()
        ftype = FieldType(type_tok.text)
        if type_tok.text == "Unsupported":
            self.expect("(", "'(' after Unsupported")
            if self.tok.kind != "STRING":
                raise self.error('a string: Unsupported("type")')
            ftype.unsupported = self.advance().text
            self.expect(")", "')' to close Unsupported(")
        if self.at("["):
            self.advance()
            self.expect("]", "']' after '[' (a list type is Type[])")
            ftype.is_list = True
        if self.at("?"):
            self.advance()
            ftype.optional = True
        if ftype.is_list and ftype.optional:
            raise InputError(
                f"field {name.text}: optional lists (Type[]?) are not supported",
                where=str(type_tok.pos),
            )
        attrs: list[Attribute] = []
        while self.at("@"):
            attrs.append(self.field_attribute(name.text))
        return Field(name.text, ftype, attrs, name.pos, doc)

    def attribute_name(self) -> str:
        parts = [self.ident("an attribute name").text]
        while self.at("."):
            self.advance()
            parts.append(self.ident("a name after '.'").text)
        return ".".join(parts)

    def field_attribute(self, field_name: str) -> Attribute:
        at = self.advance()
        if self.at("@"):
            raise InputError(
                f"block attribute on the line of field {field_name}: "
                "expected a field attribute (@) or end of line",
                where=str(at.pos),
            )
        name = self.attribute_name()
        args = self.arguments() if self.at("(") else []
        return Attribute(name, args, at.pos)

    def block_attribute(self, what: str) -> Attribute:
        at = self.advance()
        if not self.at("@"):
            raise InputError(
                f"field attribute outside a field in {what}: expected '@@' for a block attribute",
                where=str(at.pos),
            )
        self.advance()
        name = self.attribute_name()
        args = self.arguments() if self.at("(") else []
        return Attribute(name, args, at.pos, block=True)

    def arguments(self) -> list[Arg]:
        open_tok = self.expect("(")
        args: list[Arg] = []
        while True:
            self.skip_newlines()
            if self.at(")"):
                self.advance()
                return args
            if self.tok.kind == "EOF" or self.at("}"):
                raise self.error(f"')' to close the arguments opened at {open_tok.pos}")
            start = self.tok
            if (
                start.kind == "IDENT"
                and self.toks[self.i + 1].kind == "PUNCT"
                and self.toks[self.i + 1].text == ":"
            ):
                self.advance()
                self.advance()
                self.skip_newlines()
                args.append(Arg(start.text, self.expr(), start.pos))
            else:
                args.append(Arg(None, self.expr(), start.pos))
            self.skip_newlines()
            if self.at(","):
                self.advance()
            elif not self.at(")"):
                raise self.error(f"',' or ')' to close the arguments opened at {open_tok.pos}")

    def expr(self) -> Expr:
        tok = self.tok
        if tok.kind == "STRING":
            self.advance()
            return Str(tok.text, tok.pos)
        if tok.kind == "NUMBER":
            self.advance()
            try:
                Num(tok.text, tok.pos).value  # noqa: B018 - validates the literal
            except ValueError:
                raise InputError(f"bad number {tok.text!r}", where=str(tok.pos)) from None
            return Num(tok.text, tok.pos)
        if self.at("["):
            self.advance()
            items: list[Expr] = []
            while True:
                self.skip_newlines()
                if self.at("]"):
                    self.advance()
                    return Array(items, tok.pos)
                items.append(self.expr())
                self.skip_newlines()
                if self.at(","):
                    self.advance()
                elif not self.at("]"):
                    raise self.error("',' or ']' to close the list")
        if tok.kind == "IDENT":
            self.advance()
            name = tok.text
            while self.at("."):  # a path such as `db.VarChar` used as a value
                self.advance()
                name += "." + self.ident("a name after '.'").text
            if self.at("("):
                return Call(name, self.arguments(), tok.pos)
            return Const(name, tok.pos)
        raise self.error("a value (string, number, constant, function call or list)")

    def enum_block(self, doc: str | None) -> Enum:
        kw = self.advance()
        name = self.ident("a name after 'enum'")
        what = f"enum {name.text}"
        self.open_block(what)
        values: list[EnumValue] = []

        def value(vdoc: str | None) -> None:
            vtok = self.ident(f"an enum value or '}}' to close {what}")
            vattrs: list[Attribute] = []
            while self.at("@"):
                vattrs.append(self.field_attribute(vtok.text))
            vdoc = _join_doc(vdoc, self.trailing_doc())
            values.append(EnumValue(vtok.text, vattrs, vtok.pos, vdoc))

        attrs = self.block_body(what, value, "end of line (one enum value per line)")
        return Enum(name.text, values, attrs, kw.pos, doc)


def _join_doc(before: str | None, trailing: str | None) -> str | None:
    if trailing is None:
        return before
    return f"{before}\n{trailing}" if before else trailing


# --------------------------------------------------------------------------- entry points


def parse_text(text: str, filename: str = "schema.prisma", *, check: bool = True) -> Schema:
    """Parse one file's text (validated unless `check` is False)."""
    schema = Schema(files=[filename])
    _Parser(tokenize(text, filename)).schema(schema)
    if check:
        validate(schema)
    return schema


def schema_files(path: Path | str) -> list[Path]:
    """The .prisma files of a schema: the file itself, or every one under a folder."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.prisma") if p.is_file())
        if not files:
            raise InputError("no .prisma files in this folder", where=str(path))
        return files
    if not path.is_file():
        raise InputError("Prisma schema not found", where=str(path))
    return [path]


def parse_path(path: Path | str) -> Schema:
    """Parse a schema file or a multi-file schema folder (recursively) into one Schema."""
    combined = Schema()
    for file in schema_files(path):
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read: {exc}", where=str(file)) from None
        part = parse_text(text, str(file), check=False)
        combined.models += part.models
        combined.types += part.types
        combined.enums += part.enums
        combined.datasources += part.datasources
        combined.generators += part.generators
        combined.files += part.files
    validate(combined)
    return combined
