"""Events aggregation on DuckDB and Spark over SYNTHETIC GDELT-layout events.

SYNTHETIC DATA: nothing here is a real event. The generator draws GDELT-layout events with
DuckDB's ``hash``: SQLDATE (2015-2024), Actor1/Actor2 CountryCode (ISO3 codes of the states
multivector knows, skewed so that a few actors dominate, as in GDELT) and EventCode (the CAMEO
codes of the pinned crosswalk). Two outputs:

* ``--tsv N``: N rows of the GDELT 2.0 export layout (61 tab-separated fields, no header), to
  time the reader (:func:`multivector.sources.event_files.read_events`);
* the main run: the same draws already normalised to the ``events`` columns (what the reader
  stores), as Parquet, to time the aggregation (:mod:`multivector.analysis.events.aggregate`)
  at scale.

Run::

    python benchmarks/events_aggregate.py --rows 100000000 --spark-rows 10000000

prints one table: rows, engine, seconds, output rows, and whether the engines agree where both
ran. Needs the data mirror (for the crosswalk) and, for Spark, pyspark and Java.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from multivector.analysis.events import aggregate
from multivector.core import states
from multivector.sources.eventcoder import crosswalk


def _codes() -> tuple[list[str], pd.DataFrame]:
    iso = sorted(states.iso3_table().query("kind == 'state'")["iso3"].unique())
    cw = crosswalk.cameo_table().dropna()
    cw = cw[cw["cameo"].str.len() >= 3].assign(quad=lambda d: d["type"].map(crosswalk.QUAD))
    return iso, cw.reset_index(drop=True)


def _draws(con: duckdb.DuckDBPyConnection, n: int, seed: int) -> str:
    """SQL of n synthetic draws: i, day offset, actor indexes (skewed), code index."""
    iso, cw = _codes()
    con.register("_iso", pd.DataFrame({"k": range(len(iso)), "iso3": iso}))
    con.register("_cw", cw.assign(k=range(len(cw))))
    con.execute("CREATE OR REPLACE TEMP TABLE iso AS SELECT * FROM _iso; "
                "CREATE OR REPLACE TEMP TABLE cw AS SELECT * FROM _cw")
    niso, ncw = len(iso), len(cw)
    # skew: the square of a uniform draw puts most mass on the first (low-index) codes
    return (f"SELECT i, (hash(i, {seed}, 1) % 3653)::INT AS d, "
            f"(floor(power((hash(i, {seed}, 2) % 1000000) / 1e6, 2) * {niso}))::INT AS a1, "
            f"(floor(power((hash(i, {seed}, 3) % 1000000) / 1e6, 2) * {niso}))::INT AS a2, "
            f"(hash(i, {seed}, 4) % {ncw})::INT AS c FROM range({n}) t(i)")


def generate_events(n: int, out: Path, seed: int = 0, threads: int | None = None) -> float:
    """Write n synthetic events (the ``events`` columns) to Parquet; return seconds taken."""
    t0 = time.perf_counter()
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {threads}")
    draws = _draws(con, n, seed)
    con.execute(
        f"COPY (SELECT DATE '2015-01-01' + d AS date, year(DATE '2015-01-01' + d)::INT AS year,"
        f" month(DATE '2015-01-01' + d)::INT AS month, s.iso3 AS source_iso3, "
        f"t.iso3 AS target_iso3, cw.type, cw.quad::INT AS quad, 'gdelt2' AS source, "
        f"'synthetic' AS doc, 1.0::DOUBLE AS weight FROM ({draws}) x "
        f"JOIN iso s ON s.k = x.a1 JOIN iso t ON t.k = x.a2 JOIN cw ON cw.k = x.c) "
        f"TO '{out}' (FORMAT parquet)")
    con.close()
    return time.perf_counter() - t0


def generate_gdelt_tsv(n: int, out: Path, seed: int = 0) -> None:
    """Write n synthetic rows in the GDELT 2.0 export layout (61 fields, no header)."""
    con = duckdb.connect()
    draws = _draws(con, n, seed)
    blank = ["''"] * 61
    f = list(blank)
    f[0] = "(i + 1)::VARCHAR"
    f[1] = "strftime(DATE '2015-01-01' + d, '%Y%m%d')"
    f[7], f[17] = "s.iso3", "t.iso3"
    f[26] = "cw.cameo"
    f[29] = "cw.quad::VARCHAR"
    f[59] = "strftime(DATE '2015-01-01' + d, '%Y%m%d') || '000000'"
    f[60] = "'https://example.org/synthetic'"
    line = " || chr(9) || ".join(f)
    con.execute(f"COPY (SELECT {line} AS l FROM ({draws}) x JOIN iso s ON s.k = x.a1 "
                f"JOIN iso t ON t.k = x.a2 JOIN cw ON cw.k = x.c) TO '{out}' "
                "(FORMAT csv, HEADER false, QUOTE '', DELIMITER '\\x01')")
    con.close()


def _time(fn) -> tuple[float, object]:
    t0 = time.perf_counter()
    res = fn()
    return time.perf_counter() - t0, res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="DuckDB run size")
    ap.add_argument("--spark-rows", type=int, default=200_000,
                    help="size of the side-by-side run (both engines); 0: no Spark")
    ap.add_argument("--tsv-rows", type=int, default=100_000,
                    help="GDELT 2.0 layout rows to time the reader on; 0: skip")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--by", default="year", choices=["year", "month"])
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        if a.tsv_rows:
            from multivector.sources import event_files as readers

            tsv = d / "synthetic.export.CSV"
            generate_gdelt_tsv(a.tsv_rows, tsv)
            s, (ev, _rep) = _time(lambda: readers.read_events(tsv, "gdelt2"))
            rows.append((a.tsv_rows, "reader gdelt2 (pandas+duckdb)", s, len(ev), ""))
        if a.spark_rows:
            small = d / "small.parquet"
            generate_events(a.spark_rows, small, threads=a.threads)
            s1, r1 = _time(lambda: aggregate.aggregate_duckdb(small, a.by, a.threads))
            rows.append((a.spark_rows, "duckdb", s1, len(r1), ""))
            from multivector.analysis.events import spark

            sess = spark.session(cores=a.threads)
            sess.range(1).count()  # JVM start-up outside the timing
            s2, r2 = _time(lambda: spark.aggregate_spark(small, a.by, spark=sess))
            same = "equal" if r1.equals(r2) else "DIFFER"
            rows.append((a.spark_rows, "spark local", s2, len(r2), same))
            sess.stop()
        big = d / "big.parquet"
        g = generate_events(a.rows, big, threads=a.threads)
        rows.append((a.rows, "generate (synthetic)", g, a.rows, ""))
        out = d / "agg.parquet"
        s3, n3 = _time(lambda: aggregate.aggregate_duckdb(big, a.by, a.threads, out=out))
        rows.append((a.rows, "duckdb", s3, n3, ""))
    frame = pd.DataFrame(rows, columns=["rows", "engine", "seconds", "output_rows", "agree"])
    print(f"SYNTHETIC GDELT-layout events; by {a.by}; threads {a.threads or os.cpu_count()}")
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.2f}"))


if __name__ == "__main__":
    main()
