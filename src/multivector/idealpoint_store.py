"""Ideal-point estimates cached in the warehouse, keyed by the estimator's settings.

The default estimate (ordinal, title bridging, random-walk scale 0.1, Laplace intervals, all
sessions) is fitted when the warehouse is built; other settings are fitted on first request
and stored beside it, so a later request with the same settings reads them back.

Tables: ``idealpoint_fits`` (key, settings, n_votes, n_cells, n_items, n_iter, converged,
objective, seconds, built_at), ``idealpoints`` (key, iso3, session, year, theta, se, lo, hi)
and ``idealpoint_items`` (key, rcid, session, discrimination, cut1, cut2, bridge_group).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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


def ensure(path: Path, settings: IdealPointSettings, refit: bool = False,
           device: str = "cpu") -> str:
    """Make sure the warehouse at ``path`` holds an estimate for ``settings``; its key."""
    with duckdb.connect(str(path), read_only=True) as con:
        present = has(con, settings)
    if present and not refit:
        return settings.key
    with duckdb.connect(str(path), read_only=True) as con:
        model = fit(con, settings, device)
    with duckdb.connect(str(path)) as con:
        store(con, settings, model)
    return settings.key


def load(con: duckdb.DuckDBPyConnection, key: str = "default",
         iso3s: list[str] | None = None) -> pd.DataFrame:
    """Cached ideal points: ``iso3, session, year, theta, se, lo, hi``."""
    query = "SELECT iso3, session, year, theta, se, lo, hi FROM idealpoints WHERE key = ?"
    params: list = [key]
    if iso3s is not None:
        query += " AND iso3 IN (SELECT unnest(?))"
        params.append(iso3s)
    return con.execute(query + " ORDER BY iso3, session", params).df()
