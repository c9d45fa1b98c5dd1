"""The committed Mongo fixture documents are what the seeded generator writes."""

from __future__ import annotations

import importlib.util

from tests.fixtures_mongo import FIXTURES, fixture_docs


def _generator():
    spec = importlib.util.spec_from_file_location("mongo_generate", FIXTURES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_fixtures_are_current(tmp_path):
    gen = _generator()
    assert gen.main(["--check"]) == 0
    gen.main(["--out", str(tmp_path)])
    (tmp_path / "reviews.json").write_text("[]\n")
    assert gen.main(["--check", "--out", str(tmp_path)]) == 1


def test_fixtures_carry_schema_version_variety():
    for name, renamed in (("user_activities", ("event", "type")), ("reviews", ("body", "comment"))):
        docs = fixture_docs(name)
        versions = {d["schemaVersion"] for d in docs}
        assert versions == {1, 2}
        old, new = renamed
        assert all((old in d) == (d["schemaVersion"] == 1) for d in docs)
        assert all((new in d) == (d["schemaVersion"] == 2) for d in docs)
        assert all("__v" in d for d in docs)
