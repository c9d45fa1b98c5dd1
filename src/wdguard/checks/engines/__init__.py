"""Engines, chosen in one place: by `--engine` (`get_engine`) or by a frame's type
(`engine_for`). Each engine is a folder of hooks (`polars/`, `spark/`) behind the seam
in `base.py`; `checks/plan.py` is the plan they run.

`polars` is the embedded default (one machine, no Java); `spark` runs the same specs
where the lake is processed (Databricks).
"""

from __future__ import annotations

from typing import Any

from wdguard.checks.engines.base import Engine, EngineBase
from wdguard.errors import InputError

ENGINES = ("polars", "spark")

__all__ = [
    "ENGINES", "Engine", "EngineBase", "PolarsEngine", "SparkEngine", "check_fk",
    "check_partition", "engine_for", "get_engine", "spark_session",
]  # fmt: skip


def get_engine(name: str, *, spark=None, spark_master: str | None = None) -> Engine:
    """The engine `--engine NAME` asks for (Spark: the given, active or a local session)."""
    if name == "polars":
        from wdguard.checks.engines.polars.hooks import PolarsEngine

        return PolarsEngine()
    if name == "spark":
        from wdguard.checks.engines.spark.session import spark_session

        session = spark if spark is not None else spark_session(spark_master)  # pyspark? Java?
        from wdguard.checks.engines.spark.hooks import SparkEngine

        return SparkEngine(session)
    raise InputError(f"unknown engine {name!r}: use {' or '.join(ENGINES)}", where="--engine")


def engine_for(frame: Any) -> Engine:
    """The engine of a frame's type: Polars for a (Lazy)DataFrame of polars, Spark for a
    pyspark DataFrame (on the frame's own session)."""
    module = type(frame).__module__
    if module.startswith("polars"):
        return get_engine("polars")
    if module.startswith("pyspark"):
        return get_engine("spark", spark=frame.sparkSession)
    raise InputError(
        f"not a Polars or Spark frame: {type(frame).__name__}", where="frame",
        hint="pass a polars DataFrame/LazyFrame or a pyspark DataFrame",
    )


def check_partition(frame: Any, contract, layer: str, **options: Any):
    """`plan.check_partition` on the engine of the frame's type (Polars or Spark)."""
    from wdguard.checks.plan import check_partition as run

    return run(frame, contract, layer, engine=options.pop("engine", None) or engine_for(frame),
               **options)  # fmt: skip


def check_fk(child, child_frame: Any, fk, parent, parent_frame: Any, **options: Any):
    """`plan.check_fk` on the engine of the frames' type (Polars when neither is there)."""
    from wdguard.checks.plan import check_fk as run

    engine = options.pop("engine", None)
    if engine is None:
        frame = child_frame if child_frame is not None else parent_frame
        engine = engine_for(frame) if frame is not None else get_engine("polars")
    return run(child, child_frame, fk, parent, parent_frame, engine=engine, **options)


def __getattr__(name: str):  # the engine classes without importing pyspark up front
    if name == "PolarsEngine":
        from wdguard.checks.engines.polars.hooks import PolarsEngine

        return PolarsEngine
    if name == "SparkEngine":
        from wdguard.checks.engines.spark.hooks import SparkEngine

        return SparkEngine
    if name == "spark_session":
        from wdguard.checks.engines.spark.session import spark_session

        return spark_session
    raise AttributeError(name)
