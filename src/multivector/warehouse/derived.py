"""Stored results for every state (``derived_*`` tables), keyed by the settings they were
computed with.

:mod:`multivector.analysis.derive` computes the tables once at build time;
:func:`store` writes them with their settings (``derived_settings``); :func:`load` returns a
stored table only when its stored settings equal the ones the caller passes, else None.
Whether a request can be served by stored results at all is decided in one place,
:mod:`multivector.analysis.options`.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from multivector.warehouse.readers import has_table


def store(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame],
          settings: dict[str, str]) -> dict[str, int]:
    """Write the derived tables and their settings (``name -> key``; ``con`` must be
    writable)."""
    rows = {}
    for name, frame in tables.items():
        con.register("_frame", frame)
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
        con.unregister("_frame")
        rows[name] = len(frame)
    settings = pd.DataFrame(sorted(settings.items()), columns=["name", "settings"])
    con.register("_frame", settings)
    con.execute("CREATE OR REPLACE TABLE derived_settings AS SELECT * FROM _frame")
    con.unregister("_frame")
    return rows


def load(con: duckdb.DuckDBPyConnection, table: str, name: str, key: str,
         where: str = "", params: list | None = None) -> pd.DataFrame | None:
    """The stored table ``table`` if the settings ``name`` it was computed with are ``key``,
    else None. ``where`` is a fixed SQL clause with ``?`` placeholders, never request text."""
    if not has_table(con, "derived_settings") or not has_table(con, table):
        return None
    found = con.execute("SELECT settings FROM derived_settings WHERE name = ?",
                        [name]).fetchall()
    if not found or found[0][0] != key:
        return None
    return con.execute(f'SELECT * FROM "{table}" {where}', params or []).df()
