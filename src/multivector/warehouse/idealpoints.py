"""Ideal-point estimates cached in the warehouse, keyed by the estimator's settings.

The estimator and its settings live in :mod:`multivector.analysis.idealpoints`, which fits;
this module only stores and reads. The default estimate (ordinal, title bridging, random-walk
scale 0.1, Laplace intervals, all sessions) is fitted when the warehouse is built and stored in
it. Other settings are fitted on
first request and stored *beside* the warehouse, never in it: one DuckDB file per settings key
in ``<warehouse>.idealpoints/`` (or, where the warehouse's folder is read-only, under
``MULTIVECTOR_HOME/idealpoints/``), written aside and renamed into place, so a reader never
sees a partial estimate and a reader holding the warehouse open never blocks the writer. Each
file records the ``built_at`` of the warehouse it was fitted on; after a rebuild it is fitted
again.

Tables: ``idealpoint_fits`` (key, settings, n_votes, n_cells, n_items, n_iter, converged,
objective, seconds, built_at), ``idealpoints`` (key, iso3, session, year, theta, se, lo, hi)
and ``idealpoint_items`` (key, rcid, session, discrimination, cut1, cut2, bridge_group).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import duckdb
import pandas as pd

from multivector.core import paths
from multivector.core.errors import BuildError
from multivector.warehouse.connect import open_checked, remove_stale_builds
from multivector.warehouse.readers import has_table


def store(con: duckdb.DuckDBPyConnection, key: str, tables: dict[str, pd.DataFrame]) -> None:
    """Write an estimate's tables (``idealpoint_fits``, ``idealpoints``, ``idealpoint_items``,
    each with a ``key`` column; :func:`multivector.analysis.idealpoints.tables`), replacing any
    with the same key, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in tables.items():
            con.register("_frame", frame)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _frame LIMIT 0")
            con.execute(f"DELETE FROM {table} WHERE key = ?", [key])
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def has(con: duckdb.DuckDBPyConnection, key: str) -> bool:
    """Whether the estimate ``key`` is stored in ``con``."""
    if not has_table(con, "idealpoint_fits"):
        return False
    return bool(con.execute("SELECT count(*) FROM idealpoint_fits WHERE key = ?",
                            [key]).fetchall()[0][0])


def _open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    return open_checked(Path(path))


def cache_file(path: Path, key: str) -> Path:
    """Where the estimate ``key`` of the warehouse at ``path`` is cached (see the module)."""
    path = Path(path)
    beside = path.parent / f"{path.name}.idealpoints"
    if os.access(beside if beside.is_dir() else path.parent, os.W_OK):
        return beside / f"{key}.duckdb"
    tag = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    return paths.home() / "idealpoints" / tag / f"{key}.duckdb"


def built_at_of(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        got = con.execute("SELECT value FROM meta WHERE key = ?", ["built_at"]).fetchall()
    except duckdb.Error:
        return None
    return got[0][0] if got else None


def cached_is_current(cache: Path, built_at: str | None, key: str) -> bool:
    """Whether ``cache`` holds the estimate ``key`` fitted on the warehouse built at
    ``built_at``."""
    if not cache.is_file():
        return False
    try:
        with duckdb.connect(str(cache), read_only=True) as con:
            return built_at_of(con) == built_at and has(con, key)
    except duckdb.Error:  # a damaged cache file is fitted again
        return False


def write_cache(cache: Path, built_at: str | None, key: str,
                tables: dict[str, pd.DataFrame]) -> None:
    """Write an estimate to its own file, aside first, then renamed into place."""

    tmp = cache.with_name(f".{cache.name}.writing-{os.getpid()}")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(cache, tag="writing")  # left by a writer killed outright
        tmp.unlink(missing_ok=True)
        with contextlib.closing(duckdb.connect(str(tmp))) as con:
            store(con, key, tables)
            meta = pd.DataFrame([("built_at", built_at)], columns=["key", "value"])
            con.register("_frame", meta)
            con.execute("CREATE TABLE meta AS SELECT * FROM _frame")
            con.unregister("_frame")
            con.execute("CHECKPOINT")
        os.replace(tmp, cache)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        if isinstance(exc, OSError | duckdb.IOException):
            raise BuildError(f"could not store the ideal-point estimate at {cache}: "
                             f"{str(exc).splitlines()[0]}; nothing was changed") from None
        raise


def read(path: Path, key: str = "default", iso3s: list[str] | None = None) -> pd.DataFrame:
    """Ideal points of the estimate ``key`` (after :func:`ensure`): from its cache file when
    there is one, else from the warehouse."""
    cache = cache_file(path, key)
    with contextlib.closing(_open_warehouse(path)) as con:
        built_at = built_at_of(con)
        if not cache.is_file():
            return load(con, key, iso3s)
        with duckdb.connect(str(cache), read_only=True) as cached:
            if built_at_of(cached) == built_at:  # fitted on this build of the warehouse
                return load(cached, key, iso3s)
        return load(con, key, iso3s)


def load(con: duckdb.DuckDBPyConnection, key: str = "default",
         iso3s: list[str] | None = None) -> pd.DataFrame:
    """Cached ideal points: ``iso3, session, year, theta, se, lo, hi``."""
    query = "SELECT iso3, session, year, theta, se, lo, hi FROM idealpoints WHERE key = ?"
    params: list = [key]
    if iso3s is not None:
        query += " AND iso3 IN (SELECT unnest(?))"
        params.append(iso3s)
    return con.execute(query + " ORDER BY iso3, session", params).df()
