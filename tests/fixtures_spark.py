"""One local SparkSession for every Spark test (a session takes ~10 s to start).

pyspark and Java are declared prerequisites (the dev extra; `.ci/run` installs Java when it
is missing): absent, the Spark tests fail rather than skip. Every Spark test carries the
`spark` marker and the `spark` xdist group, so under `pytest -n 2` they all run in one
worker, against this one JVM.
"""

from __future__ import annotations

import importlib.util
import shutil

import pytest

from tests.requires import require


@pytest.fixture(scope="session")
def spark():
    require(importlib.util.find_spec("pyspark") is not None, "pyspark", "pip install -e '.[dev]'")
    require(shutil.which("java") is not None, "java", "apt-get install openjdk-17-jre-headless")
    from wdguard.checks.engines.spark.session import spark_session

    session = spark_session("local[2]")
    session.conf.set("spark.sql.shuffle.partitions", "2")  # small test partitions
    yield session
    session.stop()


@pytest.fixture(scope="session")
def spark_engine(spark):
    from wdguard.checks.engines import SparkEngine

    return SparkEngine(spark)
