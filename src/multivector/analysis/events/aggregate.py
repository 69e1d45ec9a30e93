"""Events to dyad x year (x month) counts by type and quad class: one SQL text, two engines.

The aggregation is written once, as :func:`multivector.analysis.events.sql.aggregate_sql`, and
run unchanged by DuckDB (the default) or by Apache Spark SQL
(:mod:`multivector.analysis.events.spark`, for event sets that outgrow one machine). One SQL
text rather than DuckDB's Spark-compatible DataFrame API: the query is a plain ``GROUP BY``
with ``COUNT``, ``SUM`` and ``CASE``, which both engines' SQL dialects read
the same way, so there is one code path and nothing engine-specific to keep in step; DuckDB's
``duckdb.experimental.spark`` API is marked experimental and covers a subset of PySpark, which
would tie the default engine to an emulation layer. Both engines read the events as Parquet
(DuckDB also reads the events file directly).

Output: one row per directed dyad (``source_iso3`` acts towards ``target_iso3``), period, and
PLOVER type, with its quad class: ``n_events`` (rows) and ``weight`` (sum of event weights).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from multivector.analysis.events.sql import aggregate_sql, sort_result
from multivector.core.errors import MultivectorError

ENGINES = ("duckdb", "spark")


def _q(path: str | Path) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _duckdb_source(con: duckdb.DuckDBPyConnection, source: Path) -> None:
    if source.suffix == ".duckdb":
        con.execute(f"ATTACH {_q(source)} AS ev (READ_ONLY)")
        con.execute("CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM ev.events")
    else:
        glob = str(source / "*.parquet") if source.is_dir() else str(source)
        con.execute(f"CREATE OR REPLACE TEMP VIEW events AS SELECT * FROM read_parquet({_q(glob)})")


def aggregate_duckdb(source: str | Path, by: str = "year", threads: int | None = None,
                     out: str | Path | None = None) -> pd.DataFrame | int:
    """Run :func:`aggregate_sql` on DuckDB over an events file or Parquet file/folder.

    With ``out`` the result is written there as Parquet and its row count returned.
    """
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        _duckdb_source(con, Path(source))
        sql = aggregate_sql(by)
        if out is not None:
            con.execute(f"COPY ({sql}) TO {_q(out)} (FORMAT parquet)")
            return int(con.execute(f"SELECT count(*) FROM read_parquet({_q(out)})"
                                   ).fetchall()[0][0])
        return sort_result(con.execute(sql).df())
    finally:
        con.close()


def events_to_parquet(source: str | Path, target: str | Path) -> Path:
    """Copy the ``events`` table of an events file to one Parquet file (what Spark reads)."""
    t = Path(target)
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_q(source)} AS ev (READ_ONLY)")
        con.execute(f"COPY ev.events TO {_q(t)} (FORMAT parquet)")
    finally:
        con.close()
    return t


def aggregate(source: str | Path, by: str = "year", engine: str = "duckdb",
              out: str | Path | None = None) -> pd.DataFrame | int:
    """Dyad x period counts by type and quad with the chosen engine (same SQL, same result).

    Parameters
    ----------
    source : str or Path
        The events file (``.duckdb``) or Parquet file or folder of Parquet files with the
        ``events`` columns.
    by : {"year", "month"}
    engine : {"duckdb", "spark"}
    out : str or Path, optional
        Write the result there as Parquet (a folder with Spark) and return the row count.
    """
    if engine not in ENGINES:
        raise MultivectorError(f"--engine must be duckdb or spark, not {engine!r}")
    src = Path(source)
    if not src.exists():
        raise MultivectorError(f"no events at {src}: run 'multivector events ingest' first")
    if engine == "duckdb":
        return aggregate_duckdb(src, by, out=out)
    from multivector.analysis.events import spark

    if src.suffix == ".duckdb":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            pq = events_to_parquet(src, Path(tmp) / "events.parquet")
            return spark.aggregate_spark(pq, by, out=out)
    return spark.aggregate_spark(src, by, out=out)
