"""Spellings of PostgreSQL types and defaults, normalised so that equal means equal.

The contract says what Prisma creates (`timestamp(3) without time zone`, `'KES'`,
`CURRENT_TIMESTAMP`, `autoincrement`); the catalog prints what the server stores
(`'KES'::bpchar`, `now()`, `nextval('tags_id_seq'::regclass)`, `"UserRole"`). Both sides
go through the same functions here before they are compared, so Prisma's own output is
never reported as drift.
"""

from __future__ import annotations

import functools
import re

from wdguard.drift.pg_introspect import LiveColumn

# hand-written contracts may use the short spellings; the catalog uses the long ones
_ALIASES = [
    (r"^varchar\b", "character varying"),
    (r"^char\b", "character"),
    (r"^bpchar\b", "character"),
    (r"^decimal\b", "numeric"),
    (r"^int4?$", "integer"),
    (r"^int8$", "bigint"),
    (r"^int2$", "smallint"),
    (r"^float8$", "double precision"),
    (r"^float4$", "real"),
    (r"^bool$", "boolean"),
    (r"^timestamptz(\(\d+\))?$", r"timestamp\1 with time zone"),
    (r"^timestamp(\(\d+\))?$", r"timestamp\1 without time zone"),
    (r"^timetz(\(\d+\))?$", r"time\1 with time zone"),
    (r"^time(\(\d+\))?$", r"time\1 without time zone"),
    (r"^serial$", "integer"),
    (r"^bigserial$", "bigint"),
    (r"^smallserial$", "smallint"),
]
_ALIAS_RES = [(re.compile(pattern), repl) for pattern, repl in _ALIASES]


@functools.lru_cache(maxsize=4096)  # a schema repeats a few spellings over many columns
def norm_type(text: str | None) -> str | None:
    """Lower-case, unquoted, schema-less, long-form type name."""
    if text is None:
        return None
    t = text.strip().replace('"', "")
    array = t.endswith("[]")
    t = t.removesuffix("[]").strip()
    t = t.rsplit(".", 1)[-1] if "(" not in t.split(".", 1)[0] else t
    t = re.sub(r"\s*,\s*", ",", re.sub(r"\s+", " ", t.lower()))
    t = re.sub(r"\s*\(", "(", t)
    for pattern, repl in _ALIAS_RES:
        t = pattern.sub(repl, t)
    return t + ("[]" if array else "")


def live_type(col: LiveColumn) -> str:
    """The live column's type: the plain enum name for enums, else format_type()."""
    if col.enum_name:
        return norm_type(col.enum_name) or ""
    return norm_type(col.db_type) or ""


# `::type`, `::"Enum"`, and schema-qualified `::app.unit` / `::base."Currency"` (format of
# a type that is not on the session's search_path: `?schema=` and multiSchema projects)
_CAST = re.compile(
    r"::(?:(?:\"[^\"]+\"|[a-z_][a-z0-9_]*)\.)?"
    r"(?:\"[^\"]+\"|[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*)(?:\(\d+(?:,\s*\d+)?\))?(?:\[\])?",
    re.IGNORECASE,
)
_NEXTVAL = re.compile(r"^nextval\(.*\)$", re.IGNORECASE)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@functools.lru_cache(maxsize=4096)
def norm_default(text: str | None, *, identity: bool = False) -> str | None:
    """A default expression reduced to what a person would write in schema.prisma."""
    if identity:
        return "autoincrement"
    if text is None:
        return None
    d = text.strip()
    if d.lower() in ("autoincrement", "autoincrement()") or _NEXTVAL.match(d):
        return "autoincrement"
    d = _CAST.sub("", d)
    while d.startswith("(") and d.endswith(")") and _balanced(d[1:-1]):
        d = d[1:-1].strip()
    if d.lower() in ("now()", "current_timestamp", "transaction_timestamp()"):
        return "CURRENT_TIMESTAMP"
    if d.lower() in ("true", "false"):
        return d.lower()
    if len(d) >= 2 and d[0] == d[-1] == "'" and _NUMBER.match(d[1:-1]):
        d = d[1:-1]
    if _NUMBER.match(d) and "." in d:  # 1.50 = 1.5
        d = d.rstrip("0").rstrip(".")
    return d


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


_WIDER_INT = {"smallint": 1, "integer": 2, "bigint": 3}
_PARAM = re.compile(r"^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?( with(?:out)? time zone)?$")


def is_widening(old: str, new: str) -> bool:
    """True when `new` holds every value of `old` (varchar(32) -> text, int -> bigint)."""
    if old.endswith("[]") != new.endswith("[]"):
        return False
    if old in _WIDER_INT and new in _WIDER_INT:
        return _WIDER_INT[new] > _WIDER_INT[old]
    if (old, new) == ("real", "double precision"):
        return True
    mo, mn = _PARAM.match(old), _PARAM.match(new)
    if not mo or not mn:
        return False
    base_o, p_o, s_o, tz_o = mo.groups()
    base_n, p_n, s_n, tz_n = mn.groups()
    if base_o in ("character varying", "character") and base_n == "text":
        return True
    if base_o != base_n or tz_o != tz_n:
        return base_o == "character" and base_n == "character varying" and (
            p_n is None or (p_o is not None and int(p_n) >= int(p_o))
        )
    if base_n == "numeric":
        if p_n is None:
            return True
        if p_o is None:
            return False
        s_o_i, s_n_i = int(s_o or 0), int(s_n or 0)
        return s_n_i >= s_o_i and int(p_n) - s_n_i >= int(p_o) - s_o_i
    if p_n is None:
        return base_n in ("character varying",)
    return p_o is not None and int(p_n) > int(p_o)
