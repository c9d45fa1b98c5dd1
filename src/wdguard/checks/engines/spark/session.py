"""The SparkSession the spark engine runs on: the active one, else a local one."""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path

from wdguard.errors import InputError, SourceError


def spark_session(master: str | None = None):
    """The active SparkSession (a cluster, a notebook), else a local one on `master`.

    Java or pyspark missing is bad input, named in one line (exit 2)."""
    # pyspark.pandas warns on pandas 3 when pandera or pyspark import it; wdguard never
    # uses it, and a gate's stderr is for the gate's own lines
    warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InputError(
            "the spark engine needs pyspark", where="--engine spark",
            hint="pip install 'wdguard[spark]'",
        ) from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    java_home = os.environ.get("JAVA_HOME")
    java = os.path.join(java_home, "bin", "java") if java_home else shutil.which("java")
    if not java or not os.path.exists(java):
        raise InputError(
            "the spark engine needs Java 17 or newer and none was found (JAVA_HOME or java "
            "on PATH)", where="--engine spark",
            hint="apt-get install openjdk-17-jre-headless",
        )
    master = master or "local[*]"
    if master.startswith("local"):
        # a local session binds to loopback, not to whatever the host name resolves to
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    log4j = Path(__file__).with_name("log4j2.properties").as_uri()
    builder = (
        SparkSession.builder.master(master)
        .appName("wdguard")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(max(2, (os.cpu_count() or 2) * 2)))
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log4j}")
    )
    try:
        spark = builder.getOrCreate()
    except Exception as exc:
        first = " ".join(str(exc).split("\n")[0].split())[:300]
        raise SourceError(f"cannot start Spark: {first}", where="--engine spark") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark
