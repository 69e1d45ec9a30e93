"""One warehouse connection as the claims checker reads it: which tables it has, row counts,
requirements met or not, the ``core`` pole set and a cache for the whole of one check run.

:class:`WarehouseTables` is the plumbing under
:class:`multivector.analysis.claims.frames.MeasureData`; the spans of
:mod:`multivector.analysis.claims.catalog` need no more than it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

import duckdb

from multivector.core.poles import load_pole_set
from multivector.sources.registry import sources as registry_sources
from multivector.warehouse.readers import has_table

POLE_SET = "core"


class WarehouseTables:
    """The tables of one warehouse connection, with a cache for one run.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Warehouse connection (read-only is enough).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con
        self.pole_set = load_pole_set(POLE_SET)
        self._cache: dict = {}
        # states, current and dissolved (Yugoslavia, the GDR...: kind 'historical'), so that
        # a claim about YUG in 1985 is judged as `multivector balance YUG` computes it
        self._states = (set(con.execute("SELECT iso3 FROM states WHERE kind IN ('state', "
                                        "'historical')").df()["iso3"])
                        if has_table(con, "states") else None)

    def has_table(self, name: str) -> bool:
        """Whether the warehouse has table ``name``."""
        return has_table(self.con, name)

    def count(self, table: str, where: str, params: list) -> int:
        """Rows of ``table`` matching ``where`` (0 when the table is absent)."""
        if not self.has_table(table):
            return 0
        return int(self.con.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                                    params).fetchall()[0][0])

    def missing(self, requires: tuple[str, ...]) -> str | None:
        """Why the requirements are not met, or None when they are."""
        for req in requires:
            what, _, name = req.partition(":")
            if what == "table" and not self.has_table(name):
                return f"this warehouse has no {name} table"
            if what == "module" and importlib.util.find_spec(name) is None:
                return f"{name} is not part of this multivector version"
        return None

    def cached(self, key, compute: Callable):
        """``compute()`` once per key and run."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def sources_of(self, names: tuple[str, ...], tables: dict[str, str]) -> list[dict]:
        """``source, title, citation`` of the sources ``names`` whose table (``tables``: source
        to table) this warehouse has, from its ``sources`` table or else the registry."""
        known = self.cached(("sources",), self._source_table)
        out = []
        for s in names:
            if not self.has_table(tables.get(s, "")):
                continue
            if s in known:
                out.append(known[s])
                continue
            reg = registry_sources().get(s)
            if reg is not None:
                out.append({"source": s, "title": reg.title, "citation": reg.citation})
        return out

    def _source_table(self) -> dict[str, dict]:
        if not self.has_table("sources"):
            return {}
        rows = self.con.execute("SELECT source, title, citation FROM sources").fetchall()
        return {r[0]: {"source": r[0], "title": r[1], "citation": r[2]} for r in rows}
