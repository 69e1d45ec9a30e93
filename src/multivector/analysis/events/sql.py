"""The one definition of the events aggregation: a SQL statement both engines run (DuckDB by
default, Spark for clusters), and the order of its result."""

from __future__ import annotations

import pandas as pd

from multivector.core.errors import MultivectorError

PERIODS = ("year", "month")


def aggregate_sql(by: str = "year", table: str = "events") -> str:
    """The aggregation as one SQL text that DuckDB and Spark SQL both run.

    Parameters
    ----------
    by : {"year", "month"}
        Period: dyad x year, or dyad x year x month.
    table : str
        The name the events are registered under.
    """
    if by not in PERIODS:
        raise MultivectorError(f"--by must be year or month, not {by!r}")
    keys = "source_iso3, target_iso3, year" + (", month" if by == "month" else "")
    return (f"SELECT {keys}, type, quad, COUNT(*) AS n_events, "
            f"SUM(CAST(weight AS DOUBLE)) AS weight FROM {table} "
            f"WHERE source_iso3 IS NOT NULL AND target_iso3 IS NOT NULL "
            f"GROUP BY {keys}, type, quad")


def sort_result(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order and columns in one dtype, whichever engine made them."""
    keys = [c for c in ("source_iso3", "target_iso3", "year", "month", "type") if c in frame]
    out = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    for c in ("year", "month", "quad"):
        if c in out:
            out[c] = out[c].astype("int32")
    out["n_events"] = out["n_events"].astype("int64")
    out["weight"] = out["weight"].astype("float64")
    return out
