"""Dynamic ideal points of UNGA voting: the estimator's settings, fitting, and the estimate
each request needs (fitted once, then read from the store).

The estimator is :class:`multivector.measures.idealpoints.DynamicIdealPoints`; where estimates
are kept (in the warehouse for the default settings, beside it for others) is
:mod:`multivector.warehouse.idealpoints`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import pandas as pd

from multivector.core import validate
from multivector.measures.idealpoints import DynamicIdealPoints
from multivector.warehouse import idealpoints as store
from multivector.warehouse.connect import open_checked


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

    def __post_init__(self) -> None:  # the CLI's rules (multivector.core.validate), same words
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


def tables(settings: IdealPointSettings, model: DynamicIdealPoints) -> dict[str, pd.DataFrame]:
    """The tables that store a fitted estimate under ``settings.key``."""
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
    return {"idealpoint_fits": fits, "idealpoints": points, "idealpoint_items": items}


def fit_default(con: duckdb.DuckDBPyConnection, say: Callable[[str], None]) -> dict[str, int]:
    """Fit the default estimate on a warehouse being built and store it there (a finish step
    of :func:`multivector.analysis.ingest.build`); rows written per table."""
    settings = IdealPointSettings()
    model = fit(con, settings)
    store.store(con, settings.key, tables(settings, model))
    return {"idealpoints": len(model.ideal_points_)}


def ensure(path: Path, settings: IdealPointSettings, refit: bool = False,
           device: str = "cpu") -> str:
    """Make sure an estimate for ``settings`` exists for the warehouse at ``path``; its key.

    The default estimate is the warehouse's own (``refit`` fits it again into the cache file,
    leaving the warehouse untouched); other settings live in
    :func:`multivector.warehouse.idealpoints.cache_file`.
    """
    with contextlib.closing(open_checked(Path(path))) as con:
        built_at = store.built_at_of(con)
        in_warehouse = settings.key == "default" and store.has(con, settings.key)
        cache = store.cache_file(path, settings.key)
        if not refit and (in_warehouse or store.cached_is_current(cache, built_at, settings.key)):
            return settings.key
        model = fit(con, settings, device)
    store.write_cache(cache, built_at, settings.key, tables(settings, model))
    return settings.key
