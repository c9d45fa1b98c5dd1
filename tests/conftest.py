"""Shared pytest setup: each area's fixtures live in their own plugin module."""

pytest_plugins = [
    "tests.fixtures_pg",
    "tests.fixtures_azurite",
    "tests.fixtures_mongo",
    "tests.fixtures_tools",
    "tests.fixtures_spark",
    "tests.fixtures_redis",
]
