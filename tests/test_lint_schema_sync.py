"""schema.prisma vs the state its migrations build (WDL020), and `--since` as CI runs it:
a field added to the schema with no migration fails every output format; every fixture
and corpus history whose schema matches its migrations passes; untracked migrations are
linted; GitHub annotations name files from the repository root."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wdguard.cli import app
from wdguard.drift.lint.schema_vs_migrations import compare_schema, schema_beside
from wdguard.drift.lint.select import parse_script, prisma_scripts

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "prisma"
HISTORIES = [FIXTURE / "migrations",
             *sorted((ROOT / "tests" / "drift_corpus").glob("*/migrations"))]
runner = CliRunner()


def _sync(folder: Path, schema: Path | None = None):
    schema = schema or schema_beside(folder)
    return compare_schema(schema, [parse_script(p) for p in prisma_scripts(folder)])


@pytest.mark.parametrize("folder", HISTORIES, ids=[p.parent.name for p in HISTORIES])
def test_every_history_whose_schema_matches_has_no_finding(folder: Path) -> None:
    assert schema_beside(folder) is not None
    assert _sync(folder) == []


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the fixture project (prisma/schema.prisma + prisma/migrations)."""
    shutil.copytree(FIXTURE, tmp_path / "prisma")
    return tmp_path / "prisma"


def _edit(schema: Path, old: str, new: str) -> None:
    text = schema.read_text()
    assert old in text
    schema.write_text(text.replace(old, new, 1))


def test_a_field_without_its_migration_is_an_error_naming_it(project: Path) -> None:
    _edit(project / "schema.prisma", "model Product {\n", "model Product {\n  rating Int?\n")
    [f] = _sync(project / "migrations")
    assert (f.code, f.severity, f.object, f.column) == ("WDL020", "error", "products", "rating")
    assert "Product.rating" in f.message and "no migration creates" in f.message
    assert f.help == ("run `npx prisma migrate dev --name add_products_rating` and commit the "
                      "migration it writes (or fix schema.prisma)")
    assert f.details == {"drift": "PGD111", "kind": "column.dropped"}
    assert (Path(f.file).name, f.line) == ("schema.prisma", 146)


def test_a_model_and_its_implicit_join_table_without_migration(project: Path) -> None:
    """The join table of an implicit many-to-many has no model of its own: no field named;
    a missing table is found behind an unmodelled index of another (shop_years-like)."""
    _edit(project / "schema.prisma", "  tags       Tag[]\n", "  tags       Tag[]\n  coupons    Coupon[]\n")
    _edit(project / "schema.prisma", "model Product {",
          'model Coupon {\n  id       String    @id\n  products Product[]\n  @@map("coupons")\n}\n\n'
          "model Product {")
    messages = sorted(f.message for f in _sync(project / "migrations"))
    assert messages == [
        "schema.prisma declares table _CouponToProduct but no migration creates it",
        "schema.prisma declares table coupons (field Coupon) but no migration creates it",
    ]


def test_a_difference_after_an_unmodelled_index_is_still_found(tmp_path: Path) -> None:
    corpus = ROOT / "tests" / "drift_corpus" / "shop_years"
    shutil.copytree(corpus, tmp_path / "p")
    schema = tmp_path / "p" / "schema.prisma"
    text = schema.read_text()
    last = text.rindex("\n}")  # the end of the last block: a field of the last model
    schema.write_text(text[:last] + "\n  extraNote String?" + text[last:])
    found = _sync(tmp_path / "p" / "migrations")
    assert [f.column for f in found] == ["extraNote"]


@pytest.mark.parametrize("old,new,kind,says", [
    ("  REFUNDED\n}", "  REFUNDED\n  ON_HOLD\n}", "PGD122",  # enum value, no ADD VALUE
     "disagree: enum OrderStatus has no value 'ON_HOLD'"),
    ("  @@index([status])\n", "  @@index([status])\n  @@index([currency, status])\n", "PGD141",
     "disagree: orders: index orders_currency_status_idx on (currency, status) is missing"),
    ("  phone         String?        @db.VarChar(32)",
     "  phone         String         @db.VarChar(32)", "PGD114",  # NOT NULL, no migration
     "disagree: users.phone accepts NULL; schema.prisma says NOT NULL"),
    ('@default("KES") @db.Char(3)', '@default("USD") @db.Char(3)', "PGD116",
     "disagree: products.currency defaults to 'KES'; schema.prisma says 'USD'"),
    ("model Product {", 'model Coupon {\n  id String @id\n  @@map("coupons")\n}\n\nmodel Product {',
     "PGD101", "schema.prisma declares table coupons (field Coupon) but no migration creates it"),
])
def test_each_kind_of_schema_change_without_migration_is_found(
    project: Path, old: str, new: str, kind: str, says: str
) -> None:
    _edit(project / "schema.prisma", old, new)
    found = _sync(project / "migrations")
    assert [(f.code, f.details["drift"]) for f in found] == [("WDL020", kind)]
    assert says in found[0].message, found[0].message
    if kind == "PGD141":  # two columns, no one field: the model's line
        assert found[0].line == 167


@pytest.mark.parametrize("code,obj,column,name", [
    ("PGD101", "coupons", None, "add_coupons"),
    ("PGD111", "products", "rating", "add_products_rating"),
    ("PGD102", "legacy", None, "drop_legacy"),
    ("PGD112", "users", "legacy_code", "drop_users_legacy_code"),
    ("PGD122", "OrderStatus", "ON_HOLD", "change_orderstatus_on_hold"),
    ("PGD111", "orders", "note!", "add_orders_note"),
])
def test_the_suggested_migration_name_says_what_the_migration_does(code, obj, column, name):
    from wdguard.drift.lint.rules.wdl020_schema_out_of_sync import migration_name
    from wdguard.findings import Finding

    drift = Finding(code=code, name="x", severity="error", message="m", object=obj, column=column)
    assert migration_name(drift) == name


def test_a_migration_without_schema_behind_it_is_found(project: Path) -> None:
    extra = project / "migrations" / "20250101000000_legacy"
    extra.mkdir()
    (extra / "migration.sql").write_text('ALTER TABLE "users" ADD COLUMN "legacy_code" TEXT;\n')
    [f] = _sync(project / "migrations")
    assert (f.object, f.column, f.details["drift"]) == ("users", "legacy_code", "PGD112")
    assert f.message == "the migrations create users.legacy_code but schema.prisma has no field for it"
    assert f.line == 79  # no field: its model's line (model User)
    (extra / "migration.sql").write_text('CREATE TABLE "legacy" ("id" INTEGER);\n')
    [f] = _sync(project / "migrations")
    assert f.message == ("the migrations create table legacy but no model of schema.prisma maps "
                         "to it")
    (extra / "migration.sql").write_text('CREATE INDEX "users_phone_idx" ON "users"("phone");\n')
    [f] = _sync(project / "migrations")
    assert f.message == ("schema.prisma and the migrations disagree: users: index users_phone_idx "
                         "on (phone) is not in schema.prisma")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A git repository holding the fixture project, committed; cwd is its root."""
    shutil.copytree(FIXTURE, tmp_path / "prisma")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "init")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_since_fails_a_schema_change_with_no_migration_in_every_format(
    repo: Path, fmt: str
) -> None:
    _edit(repo / "prisma" / "schema.prisma", "model Product {\n",
          "model Product {\n  rating Int?\n")
    res = runner.invoke(app, ["migrations", "lint", "--since", "HEAD", "--format", fmt])
    assert res.exit_code == 1, res.output
    assert "WDL020" in res.stdout and "rating" in res.stdout
    if fmt == "github":
        assert "::error file=prisma/schema.prisma,line=146," in res.stdout


def test_since_lints_an_untracked_migration_and_names_files_from_the_root(
    repo: Path, monkeypatch
) -> None:
    new = repo / "prisma" / "migrations" / "20250101000000_drop_phone"
    new.mkdir()
    (new / "migration.sql").write_text('ALTER TABLE "users" DROP COLUMN "phone";\n')
    _edit(repo / "prisma" / "schema.prisma",
          "  phone         String?        @db.VarChar(32)\n", "")
    monkeypatch.chdir(repo / "prisma")  # CI may run from a subfolder
    res = runner.invoke(app, ["migrations", "lint", "--since", "HEAD", "migrations",
                              "--format", "json"])
    data = json.loads(res.stdout)
    assert data["untracked"] == ["prisma/migrations/20250101000000_drop_phone/migration.sql"]
    assert {f["code"] for f in data["findings"]} == {"WDL002", "WDL109"}  # schema in sync
    res = runner.invoke(app, ["migrations", "lint", "--since", "HEAD", "migrations",
                              "--format", "github"])
    assert "file=prisma/migrations/20250101000000_drop_phone/migration.sql,line=1" in res.stdout


REPLAYED = """
CREATE TYPE "Role" AS ENUM ('A', 'C');
CREATE TABLE "u" ("id" SERIAL NOT NULL, "email" VARCHAR(255), "nick" TEXT NOT NULL DEFAULT 'x',
    "role" "Role" NOT NULL DEFAULT 'A', "tags" TEXT[], CONSTRAINT "u_pkey" PRIMARY KEY ("id"));
CREATE TABLE "p" ("id" INTEGER NOT NULL PRIMARY KEY, "u_id" INTEGER REFERENCES "u",
    "gone" INTEGER, "amount" DECIMAL(10), CHECK ("id" > 0));
CREATE UNIQUE INDEX "u_email_key" ON "u"("email");
CREATE INDEX "p_gone_idx" ON "p"("gone");
CREATE INDEX "p_low_idx" ON "p"(lower("amount"::text)) WHERE "gone" IS NULL;
ALTER TYPE "Role" ADD VALUE 'B' BEFORE 'C';
ALTER TYPE "Role" RENAME VALUE 'C' TO 'D';
ALTER TABLE "u" RENAME COLUMN "email" TO "mail";
ALTER TABLE "u" ALTER COLUMN "mail" SET NOT NULL, ALTER COLUMN "nick" DROP NOT NULL,
    ALTER COLUMN "nick" DROP DEFAULT, ALTER COLUMN "mail" SET DEFAULT 'none';
ALTER TABLE "p" DROP COLUMN "gone";
ALTER TABLE "p" ALTER COLUMN "amount" SET DATA TYPE BIGINT;
ALTER TABLE "u" RENAME TO "users";
ALTER INDEX "u_email_key" RENAME TO "users_mail_key";
ALTER TABLE "p" RENAME CONSTRAINT "p_u_id_fkey" TO "p_user_fkey";
CREATE TABLE "tmp" ("id" INTEGER);
DROP TABLE "tmp";
CREATE TYPE "Old" AS ENUM ('X');
DROP TYPE "Old";
DROP TABLE IF EXISTS "never";
DROP INDEX IF EXISTS "never_idx";
CREATE SCHEMA "s";
CREATE TYPE "s"."Kind" AS ENUM ('K');
CREATE TABLE "s"."t" ("id" INTEGER NOT NULL, "kind" "s"."Kind", "x" INTEGER,
    CONSTRAINT "t_x_key" UNIQUE ("x"), CONSTRAINT "t_pkey" PRIMARY KEY ("id"));
CREATE TABLE "s"."gone" ("id" INTEGER);
DROP TABLE "s"."gone";
CREATE TABLE "q" ("id" INTEGER NOT NULL, "a" INTEGER, "b" INTEGER, CONSTRAINT "q_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "q_a_key" UNIQUE ("a"), CONSTRAINT "q_b_fkey" FOREIGN KEY ("b") REFERENCES "users"("id"),
    CONSTRAINT "q_ck" CHECK ("a" > 0));
ALTER TABLE "q" DROP CONSTRAINT "q_pkey", DROP CONSTRAINT "q_a_key", DROP CONSTRAINT "q_b_fkey",
    DROP CONSTRAINT "q_ck";
ALTER TABLE "q" ADD CONSTRAINT "q_new_pkey" PRIMARY KEY ("a", "b");
ALTER TABLE "q" RENAME CONSTRAINT "q_new_pkey" TO "q_pk";
CREATE INDEX "q_b_idx" ON "q"("b");
DROP INDEX "q_b_idx";
ALTER TABLE "q" ADD COLUMN "n" DECIMAL(10) NULL, ADD COLUMN "g" INTEGER GENERATED ALWAYS AS IDENTITY;
ALTER TYPE "Role" ADD VALUE 'E' AFTER 'A';
ALTER TYPE "s"."Kind" RENAME TO "Sort";
"""


def test_the_replayed_catalog_follows_renames_drops_and_alters() -> None:
    from wdguard.drift.lint.parse import parse_migration_text
    from wdguard.drift.lint.replay_catalog import replay
    from wdguard.drift.pg_types import norm_type

    live = replay([parse_migration_text(REPLAYED, "m.sql")])
    assert set(live.tables) == {("public", "users"), ("public", "p"), ("s", "t"), ("public", "q")}
    assert live.enums == {("public", "Role"): ["A", "E", "B", "D"], ("s", "Sort"): ["K"]}
    t = live.tables[("s", "t")]
    assert (t.columns["kind"].enum_type, t.columns["kind"].enum_name) == (("s", "Sort"), "Sort")
    assert [(i.name, i.unique, i.constraint) for i in t.indexes] == [
        ("t_x_key", True, True), ("t_pkey", True, True)]
    q = live.tables[("public", "q")]
    assert (q.primary_key, q.primary_key_name) == (["a", "b"], "q_pk")
    assert [i.name for i in q.indexes] == ["q_pk"] and q.foreign_keys == q.constraints == []
    assert not q.columns["a"].nullable and q.columns["id"].nullable is False
    assert (norm_type(q.columns["n"].db_type), q.columns["n"].nullable) == ("numeric(10,0)", True)
    assert (q.columns["g"].identity, q.columns["g"].nullable) == (True, False)
    users, p = live.tables[("public", "users")], live.tables[("public", "p")]
    assert list(users.columns) == ["id", "nick", "role", "tags", "mail"]
    mail, nick, uid = users.columns["mail"], users.columns["nick"], users.columns["id"]
    assert (norm_type(mail.db_type), mail.nullable, mail.default) == (
        "character varying(255)", False, "'none'")
    assert (nick.nullable, nick.default) == (True, None)
    assert (uid.db_type, uid.nullable, uid.default) == ("integer", False, "nextval(serial)")
    assert users.columns["role"].enum_type == ("public", "Role")
    assert users.columns["tags"].db_type == "text[]"
    assert [(i.name, i.columns, i.unique) for i in users.indexes] == [
        ("u_pkey", ["id"], True), ("users_mail_key", ["mail"], True)]
    assert users.primary_key == ["id"]
    assert list(p.columns) == ["id", "u_id", "amount"]
    assert norm_type(p.columns["amount"].db_type) == "bigint"
    assert [(i.name, i.partial, i.expression) for i in p.indexes] == [
        ("p_pkey", False, False), ("p_low_idx", True, True)]
    [fk] = p.foreign_keys
    assert (fk.name, fk.columns, fk.ref_table, fk.ref_columns) == (
        "p_user_fkey", ["u_id"], "users", ["id"])
    assert [c.kind for c in p.constraints] == ["check"]
