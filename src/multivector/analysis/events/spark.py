"""Apache Spark glue for the events aggregation (optional: ``pip install 'multivector[spark]'``).

Spark runs the same SQL text as DuckDB (:func:`multivector.analysis.events.aggregate.aggregate_sql`)
over Parquet events. Without a cluster it runs in local mode (``local[*]``: one JVM using the
machine's cores); ``MULTIVECTOR_SPARK_MASTER`` names another master. Spark needs a Java runtime
(17 or later) on the ``PATH`` or under ``JAVA_HOME``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from multivector.analysis.events.sql import aggregate_sql, sort_result
from multivector.core.errors import MultivectorError


def session(master: str | None = None, cores: int | None = None):
    """A SparkSession (local mode by default), created once and reused.

    Raises
    ------
    MultivectorError
        pyspark is not installed or no Java runtime is found.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MultivectorError("--engine spark needs pyspark: pip install 'multivector[spark]' "
                               "(and a Java 17 runtime)") from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise MultivectorError("--engine spark needs a Java runtime (17 or later): none on the "
                               "PATH and JAVA_HOME is not set")
    m = master or os.environ.get("MULTIVECTOR_SPARK_MASTER") or (
        f"local[{cores}]" if cores else "local[*]")
    return (SparkSession.builder.master(m).appName("multivector-events")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(max(4, (cores or os.cpu_count() or 4))))
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.memory", os.environ.get("MULTIVECTOR_SPARK_MEMORY", "2g"))
            .getOrCreate())


def aggregate_spark(source: str | Path, by: str = "year", out: str | Path | None = None,
                    spark=None) -> pd.DataFrame | int:
    """Run :func:`multivector.analysis.events.aggregate.aggregate_sql` on Spark over Parquet events.

    With ``out`` the result is written there as a Parquet folder and its row count returned;
    else it is collected to pandas (sorted like DuckDB's).
    """
    s = spark or session()
    s.read.parquet(str(source)).createOrReplaceTempView("events")
    result = s.sql(aggregate_sql(by))
    if out is not None:
        result.write.mode("overwrite").parquet(str(out))
        return int(s.read.parquet(str(out)).count())
    return sort_result(result.toPandas())
