"""Mongo test double: the fixture documents in mongomock, or in a real server.

`mongo_db` gives a pymongo-compatible client with the fixture collections loaded into a
uniquely named database. Without `WDGUARD_TEST_MONGO_URI` the client is mongomock's; with
it, a real `pymongo.MongoClient` (the database is dropped afterwards). wdguard's code is
handed the client and never knows which. Gaps of mongomock are filled here, not in wdguard:
`list_collection_names(filter={"type": "collection"})` (mongomock has no views, so every
collection qualifies).
"""

from __future__ import annotations

import copy
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from wdguard.sources.mongo import read_extended_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mongo"
COLLECTIONS = ("user_activities", "pickup_tracking", "reviews")
REAL_URI = os.environ.get("WDGUARD_TEST_MONGO_URI")
_CACHE: dict[str, list[dict[str, Any]]] = {}


def fixture_docs(collection: str) -> list[dict[str, Any]]:
    """A fresh deep copy of a fixture collection's documents (safe to mutate)."""
    if collection not in _CACHE:
        _CACHE[collection] = read_extended_json(FIXTURES / f"{collection}.json")
    return copy.deepcopy(_CACHE[collection])


def _patch_mongomock() -> None:
    from mongomock.database import Database

    if getattr(Database, "_wdguard_patched", False):
        return
    original = Database.list_collection_names

    def list_collection_names(self, filter=None, session=None):  # noqa: A002
        if filter == {"type": "collection"}:
            filter = None  # noqa: A001
        return original(self, filter=filter, session=session)

    Database.list_collection_names = list_collection_names
    Database._wdguard_patched = True


@dataclass
class MongoDb:
    """A loaded test database: `client[name]` holds the fixture collections."""

    client: Any
    name: str
    real: bool
    commands: list[str] = field(default_factory=list)  # command names seen (real server)

    @property
    def db(self):
        return self.client[self.name]

    def load(self, collection: str, docs: list[dict[str, Any]]) -> None:
        """Replace a collection's documents (the way a test injects a change)."""
        self.db.drop_collection(collection)
        if docs:
            self.db[collection].insert_many(copy.deepcopy(docs))

    def snapshot(self) -> dict[str, Any]:
        """Every document and index of the database, to prove nothing was written."""
        return {
            name: (
                sorted((repr(sorted(d.items())) for d in self.db[name].find()), key=str),
                sorted(self.db[name].index_information()),
            )
            for name in sorted(self.db.list_collection_names())
        }


@pytest.fixture
def mongo_db():
    name = f"wdguard_test_{uuid.uuid4().hex[:10]}"
    if REAL_URI:
        from pymongo import MongoClient, monitoring

        commands: list[str] = []

        class _Listener(monitoring.CommandListener):
            def started(self, event):
                commands.append(event.command_name)

            def succeeded(self, event):
                pass

            def failed(self, event):
                pass

        loader = MongoClient(REAL_URI)
        for coll in COLLECTIONS:
            loader[name][coll].insert_many(fixture_docs(coll))
        client = MongoClient(REAL_URI, event_listeners=[_Listener()])
        handle = MongoDb(client, name, real=True, commands=commands)
        try:
            yield handle
        finally:
            loader.drop_database(name)
            loader.close()
            client.close()
    else:
        import mongomock

        _patch_mongomock()
        client = mongomock.MongoClient()
        for coll in COLLECTIONS:
            client[name][coll].insert_many(fixture_docs(coll))
        yield MongoDb(client, name, real=False)
