"""What the live PostgreSQL schema looks like, read from pg_catalog.

One query per kind of object for all requested schemas at once (tables and views,
columns, enums, indexes, constraints: foreign keys, CHECK and EXCLUDE), so introspecting
a hundred tables costs five round trips. Only catalog reads: no locks on user tables. Results are
plain dataclasses keyed by (schema, table) so that the diff can stay free of SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg

# pg_constraint.confdeltype / confupdtype letters
FK_ACTIONS = {
    "a": "NO ACTION",
    "r": "RESTRICT",
    "c": "CASCADE",
    "n": "SET NULL",
    "d": "SET DEFAULT",
}


@dataclass
class LiveColumn:
    name: str
    db_type: str  # format_type(): `timestamp(3) without time zone`, `"UserRole"`
    type_name: str  # pg_type.typname, unquoted: `timestamp`, `UserRole`, `_text`
    nullable: bool
    default: str | None  # pg_get_expr(): `'KES'::bpchar`, `nextval('t_id_seq'::regclass)`
    identity: bool = False  # GENERATED ... AS IDENTITY
    enum_name: str | None = None  # set when the column's type is an enum
    # (schema, name) of the enum it holds, also as an array's element (`"Role"[]`); the
    # schema may differ from the table's (multiSchema)
    enum_type: tuple[str, str] | None = None


@dataclass
class LiveIndex:
    name: str
    columns: list[str]  # expression parts appear as their text
    unique: bool
    primary: bool
    constraint: bool  # backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint
    partial: bool
    expression: bool = False  # some key part is an expression (`lower(email)`)
    exclusion: bool = False  # backs an EXCLUDE constraint
    definition: str = ""  # pg_get_indexdef() of one Prisma cannot model ("" otherwise)

    @property
    def modelled(self) -> bool:
        """Prisma can declare it: plain columns, no WHERE, not an exclusion constraint."""
        return not (self.partial or self.expression or self.exclusion)


@dataclass
class LiveForeignKey:
    name: str
    columns: list[str]
    ref_schema: str
    ref_table: str
    ref_columns: list[str]
    on_delete: str
    on_update: str


@dataclass
class LiveConstraint:
    """A CHECK or EXCLUDE constraint: Prisma cannot declare either."""

    name: str
    kind: str  # "check" or "exclude"
    definition: str  # pg_get_constraintdef()


@dataclass
class LiveView:
    schema: str
    name: str
    materialized: bool
    definition: str  # pg_get_viewdef(), first line is enough for a reviewer


@dataclass
class LiveTable:
    schema: str
    name: str
    columns: dict[str, LiveColumn] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    primary_key_name: str | None = None
    indexes: list[LiveIndex] = field(default_factory=list)
    foreign_keys: list[LiveForeignKey] = field(default_factory=list)
    constraints: list[LiveConstraint] = field(default_factory=list)

    @property
    def unique_keys(self) -> list[list[str]]:
        """Column lists of every unique constraint or unique index but the primary key."""
        return [i.columns for i in self.indexes if i.unique and not i.primary and not i.partial]


@dataclass
class LiveSchema:
    schemas: list[str]
    tables: dict[tuple[str, str], LiveTable] = field(default_factory=dict)
    enums: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # values in order
    views: dict[tuple[str, str], LiveView] = field(default_factory=dict)

    def table(self, schema: str, name: str) -> LiveTable | None:
        return self.tables.get((schema, name))


# tables, and views with their definition; views an extension owns (pg_stat_statements
# in public) are the extension's, not the app's
_TABLES = """
SELECT n.nspname, c.relname, c.relkind,
       CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid, true) END
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY(%(schemas)s)
  AND (c.relkind IN ('r', 'p') AND NOT c.relispartition
       OR c.relkind IN ('v', 'm')
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
                          WHERE dep.classid = 'pg_catalog.pg_class'::regclass
                            AND dep.objid = c.oid AND dep.deptype = 'e'))
ORDER BY 1, 2
"""

_COLUMNS = """
SELECT n.nspname, c.relname, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       t.typname, t.typtype = 'e', a.attnotnull,
       pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '',
       a.atttypid, t.typelem
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = ANY(%(schemas)s)
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY 1, 2, a.attnum
"""

# enums of the schemas, and those their tables use from elsewhere (multiSchema), also
# as array elements; the type oid lets columns find theirs without more joins
_ENUMS = """
WITH used AS (
    SELECT DISTINCT a.atttypid
    FROM pg_catalog.pg_attribute a
    JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
    JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace
    WHERE cn.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p') AND a.attnum > 0
)
SELECT t.oid, n.nspname, t.typname, e.enumlabel
FROM pg_catalog.pg_enum e
JOIN pg_catalog.pg_type t ON t.oid = e.enumtypid
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = ANY(%(schemas)s)
   OR t.oid IN (SELECT atttypid FROM used) OR t.typarray IN (SELECT atttypid FROM used)
ORDER BY 2, 3, e.enumsortorder
"""

_INDEXES = """
SELECT n.nspname, c.relname, i.relname, x.indisunique, x.indisprimary,
       con.oid IS NOT NULL, x.indpred IS NOT NULL, 0 = ANY(x.indkey::int2[]),
       con.contype = 'x',
       CASE WHEN x.indpred IS NOT NULL OR 0 = ANY(x.indkey::int2[]) OR con.contype = 'x'
            THEN pg_catalog.pg_get_indexdef(x.indexrelid) END,
       ARRAY(
           SELECT CASE WHEN k.attnum = 0
                       THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.ord::int, true)
                       ELSE (SELECT a.attname FROM pg_catalog.pg_attribute a
                             WHERE a.attrelid = x.indrelid AND a.attnum = k.attnum)::text
                  END
           FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
           WHERE k.ord <= x.indnkeyatts
           ORDER BY k.ord
       )
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = x.indexrelid AND con.contype IN ('p', 'u', 'x')
WHERE n.nspname = ANY(%(schemas)s) AND c.relkind IN ('r', 'p')
ORDER BY 1, 2, 3
"""

# foreign keys, and CHECK / EXCLUDE constraints with their definition (a domain's CHECK
# has no table: conrelid = 0, not joined)
_CONSTRAINTS = """
SELECT n.nspname, c.relname, con.conname, con.contype,
       CASE WHEN con.contype <> 'f' THEN pg_catalog.pg_get_constraintdef(con.oid, true) END,
       ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       rn.nspname, rc.relname,
       ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord),
       con.confdeltype, con.confupdtype
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE con.contype IN ('f', 'c', 'x') AND n.nspname = ANY(%(schemas)s)
ORDER BY 1, 2, 3
"""


def introspect(conn: psycopg.Connection, schemas: list[str] | None = None) -> LiveSchema:
    """Read tables, views, columns, enums, keys, indexes and constraints of `schemas`."""
    schemas = sorted(set(schemas or ["public"]))
    args = {"schemas": schemas}
    live = LiveSchema(schemas=schemas)
    for nsp, rel, kind, viewdef in conn.execute(_TABLES, args).fetchall():
        if kind in ("v", "m"):
            live.views[(nsp, rel)] = LiveView(nsp, rel, kind == "m", viewdef or "")
        else:
            live.tables[(nsp, rel)] = LiveTable(schema=nsp, name=rel)
    enum_oids: dict[int, tuple[str, str]] = {}
    for oid, nsp, typ, label in conn.execute(_ENUMS, args).fetchall():
        live.enums.setdefault((nsp, typ), []).append(label)
        enum_oids[oid] = (nsp, typ)
    for row in conn.execute(_COLUMNS, args).fetchall():
        nsp, rel, col, fmt, typname, is_enum, notnull, default, ident, typoid, elem = row
        table = live.tables.get((nsp, rel))
        if table is None:
            continue
        table.columns[col] = LiveColumn(
            name=col,
            db_type=fmt,
            type_name=typname,
            nullable=not notnull,
            default=default,
            identity=bool(ident),
            enum_name=typname if is_enum else None,
            enum_type=enum_oids.get(typoid) or enum_oids.get(elem),
        )
    for row in conn.execute(_INDEXES, args).fetchall():
        nsp, rel, idx, unique, primary, constraint, partial, expr, excl, indexdef, cols = row
        table = live.tables.get((nsp, rel))
        if table is None:
            continue
        index = LiveIndex(
            idx, list(cols), unique, primary, constraint, partial, expr, bool(excl),
            indexdef or "",
        )
        table.indexes.append(index)
        if primary:
            table.primary_key = list(cols)
            table.primary_key_name = idx
    for row in conn.execute(_CONSTRAINTS, args).fetchall():
        nsp, rel, name, contype, definition, cols, rnsp, rrel, rcols, deltype, updtype = row
        table = live.tables.get((nsp, rel))
        if table is None:
            continue
        if contype != "f":
            kind = "check" if contype == "c" else "exclude"
            table.constraints.append(LiveConstraint(name, kind, definition))
            continue
        table.foreign_keys.append(
            LiveForeignKey(
                name=name,
                columns=list(cols),
                ref_schema=rnsp,
                ref_table=rrel,
                ref_columns=list(rcols),
                on_delete=FK_ACTIONS.get(deltype, deltype),
                on_update=FK_ACTIONS.get(updtype, updtype),
            )
        )
    return live
