"""Ideal-point estimates cached in the warehouse, keyed by the estimator's settings.

The default estimate (ordinal, title bridging, random-walk scale 0.1, Laplace intervals, all
sessions) is fitted when the warehouse is built and stored in it. Other settings are fitted on
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
import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

from multivector.measures.idealpoints import DynamicIdealPoints


@dataclass(frozen=True)
class IdealPointSettings:
    """What a cached estimate depends on."""

    mode: str = "ordinal"
    bridging: str = "title"
    rw_scale: float = 0.1
    intervals: str = "laplace"
    n_boot: int = 30
    first_session: int = 1
    last_session: int = 200

    def __post_init__(self) -> None:  # the CLI's rules (multivector.validate), same words
        from multivector import validate

        validate.number(self.rw_scale, "rw_scale")
        validate.number(self.n_boot, "n_boot")

    @property
    def key(self) -> str:
        if self == IdealPointSettings():
            return "default"
        text = json.dumps(asdict(self), sort_keys=True)
        return hashlib.sha1(text.encode()).hexdigest()[:12]


def fit(con: duckdb.DuckDBPyConnection, settings: IdealPointSettings,
        device: str = "cpu") -> DynamicIdealPoints:
    """Fit the estimator on the warehouse's votes of the settings' sessions.

    ``device`` (``cpu``, ``jax``, ``auto``) chooses where the likelihood is evaluated; it is
    not part of the cache key, since both give the same estimates to rounding.
    """
    span = [settings.first_session, settings.last_session]
    rc = con.execute("SELECT rcid, session, year, short, descr, amend, para FROM "
                     "unga_rollcalls WHERE session BETWEEN ? AND ?", span).df()
    votes = con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v JOIN unga_rollcalls "
                        "r USING (rcid) WHERE v.vote <= 3 AND r.session BETWEEN ? AND ?",
                        span).df()
    model = DynamicIdealPoints(rw_scale=settings.rw_scale, bridging=settings.bridging,
                               mode=settings.mode, intervals=settings.intervals,
                               n_boot=settings.n_boot, device=device)
    return model.fit(votes, rc)


def store(con: duckdb.DuckDBPyConnection, settings: IdealPointSettings,
          model: DynamicIdealPoints) -> None:
    """Write an estimate (replacing any with the same key) in one transaction."""
    key = settings.key
    d = model._data
    fits = pd.DataFrame([{
        "key": key, "settings": json.dumps(asdict(settings), sort_keys=True),
        "n_votes": len(d.y), "n_cells": d.n_cells, "n_items": len(model.items_),
        "n_iter": model.n_iter_, "converged": model.converged_,
        "objective": model.objective_, "seconds": model.fit_seconds_,
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()}])
    points = model.ideal_points_.assign(key=key)
    items = model.items_.assign(key=key)
    items["bridge_group"] = items["bridge_group"].astype("Int64")
    con.execute("BEGIN TRANSACTION")
    try:
        for table, frame in (("idealpoint_fits", fits), ("idealpoints", points),
                             ("idealpoint_items", items)):
            con.register("_frame", frame)
            con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _frame LIMIT 0")
            con.execute(f"DELETE FROM {table} WHERE key = ?", [key])
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def has(con: duckdb.DuckDBPyConnection, settings: IdealPointSettings) -> bool:
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
              .fetchall()}
    if "idealpoint_fits" not in tables:
        return False
    return bool(con.execute("SELECT count(*) FROM idealpoint_fits WHERE key = ?",
                            [settings.key]).fetchall()[0][0])


def _open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    from multivector import warehouse

    return warehouse.open_checked(Path(path))


def cache_file(path: Path, key: str) -> Path:
    """Where the estimate ``key`` of the warehouse at ``path`` is cached (see the module)."""
    from multivector import paths

    path = Path(path)
    beside = path.parent / f"{path.name}.idealpoints"
    if os.access(beside if beside.is_dir() else path.parent, os.W_OK):
        return beside / f"{key}.duckdb"
    tag = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:12]
    return paths.home() / "idealpoints" / tag / f"{key}.duckdb"


def _built_at(con: duckdb.DuckDBPyConnection) -> str | None:
    try:
        got = con.execute("SELECT value FROM meta WHERE key = ?", ["built_at"]).fetchall()
    except duckdb.Error:
        return None
    return got[0][0] if got else None


def _cached_is_current(cache: Path, built_at: str | None, settings: IdealPointSettings) -> bool:
    if not cache.is_file():
        return False
    try:
        with duckdb.connect(str(cache), read_only=True) as con:
            return _built_at(con) == built_at and has(con, settings)
    except duckdb.Error:  # a damaged cache file is fitted again
        return False


def _write_cache(cache: Path, built_at: str | None, settings: IdealPointSettings,
                 model: DynamicIdealPoints) -> None:
    """Write an estimate to its own file, aside first, then renamed into place."""
    from multivector.errors import BuildError
    from multivector.warehouse import remove_stale_builds

    tmp = cache.with_name(f".{cache.name}.writing-{os.getpid()}")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(cache, tag="writing")  # left by a writer killed outright
        tmp.unlink(missing_ok=True)
        with contextlib.closing(duckdb.connect(str(tmp))) as con:
            store(con, settings, model)
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


def ensure(path: Path, settings: IdealPointSettings, refit: bool = False,
           device: str = "cpu") -> str:
    """Make sure an estimate for ``settings`` exists for the warehouse at ``path``; its key.

    The default estimate is the warehouse's own (``refit`` fits it again into the cache file,
    leaving the warehouse untouched); other settings live in :func:`cache_file`.
    """
    with contextlib.closing(_open_warehouse(path)) as con:
        built_at = _built_at(con)
        in_warehouse = settings.key == "default" and has(con, settings)
        cache = cache_file(path, settings.key)
        if not refit and (in_warehouse or _cached_is_current(cache, built_at, settings)):
            return settings.key
        model = fit(con, settings, device)
    _write_cache(cache, built_at, settings, model)
    return settings.key


def read(path: Path, key: str = "default", iso3s: list[str] | None = None) -> pd.DataFrame:
    """Ideal points of the estimate ``key`` (after :func:`ensure`): from its cache file when
    there is one, else from the warehouse."""
    cache = cache_file(path, key)
    with contextlib.closing(_open_warehouse(path)) as con:
        built_at = _built_at(con)
        if not cache.is_file():
            return load(con, key, iso3s)
        with duckdb.connect(str(cache), read_only=True) as cached:
            if _built_at(cached) == built_at:  # fitted on this build of the warehouse
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
