"""The frames the pages and the API show, from the project's own functions (the same calls as
the CLI), kept in a small per-process cache: the warehouse is read-only while it serves, so a
result computed once holds until the process ends."""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable

import pandas as pd

from multivector.analysis import derive, options
from multivector.analysis import profile as prof
from multivector.analysis import sensitivity as sens
from multivector.analysis.balance import focal_balance, focal_shares
from multivector.analysis.claims import frames as claim_frames
from multivector.analysis.options import BalanceOptions, UngaChannel
from multivector.analysis.panel.membership import absent_reason
from multivector.analysis.panel.shares import all_shares, channel_shares
from multivector.core import peers as peers_mod
from multivector.core import poles as poles_mod
from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS, EXTRA_CHANNELS
from multivector.measures.balance import with_pole_share
from multivector.report import content
from multivector.report.tree import Report

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_KEY_LOCKS: dict[tuple, threading.Lock] = {}
MAX_ITEMS = 64
# the web reads the UNGA channel as the stored results do (split votes, every roll call): its
# requests carry no UNGA choice; a frame that could take one asks options.serves_* with it
UNGA = UngaChannel()


def cached(key: tuple, make: Callable[[], object]) -> object:
    """``make()`` once per key (one computation at a time per key), least recent dropped."""
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with lock:
        with _LOCK:
            if key in _CACHE:
                return _CACHE[key]
        value = make()
        with _LOCK:
            _CACHE[key] = value
            while len(_CACHE) > MAX_ITEMS:
                _CACHE.popitem(last=False)
            _KEY_LOCKS.pop(key, None)
        return value


def profile(con, iso3: str, years: tuple[int, int], poles: str, peers: str | None,
            channels: tuple[str, ...] | None):
    """:func:`multivector.analysis.profile.build_profile` (what ``multivector report`` shows)."""
    bo = BalanceOptions(channel_set=channels)
    return cached(("profile", iso3, years, poles, peers or "middle", channels),
                  lambda: prof.build_profile(con, iso3, years, poles, None, bo,
                                             peers or prof.DEFAULT_PEERS))


def report(con, iso3: str, years: tuple[int, int], poles: str, peers: str | None,
           channels: tuple[str, ...] | None) -> Report:
    """The state page's content (:func:`multivector.report.content.build` of :func:`profile`):
    its sections, tables and charts."""
    made = profile(con, iso3, years, poles, peers, channels)
    return cached(("report", iso3, years, poles, peers or "middle", channels),
                  lambda: content.build(made))


def balance(con, iso3: str, years: tuple[int, int], poles: str,
            channels: tuple[str, ...] | None, weights) -> pd.DataFrame:
    """The ``balance`` command's rows, composite included
    (:func:`multivector.analysis.balance.focal_balance`)."""
    def make():
        ps = poles_mod.load_pole_set(poles)
        bo = BalanceOptions(weights=weights, channel_set=channels)
        frame = focal_balance(con, iso3, years, ps, None, bo)
        if frame.empty:
            raise MultivectorError(f"no channel has data for {iso3} in {years[0]}-{years[1]}")
        return frame
    return cached(("balance", iso3, years, poles, channels, weights), make)


def shares(con, iso3: str, channel: str, years: tuple[int, int], poles: str) -> pd.DataFrame:
    """A state's shares by pole in one channel (as ``multivector shares``)."""
    def make():
        ps = poles_mod.load_pole_set(poles)
        if channel in EXTRA_CHANNELS:
            frame = channel_shares(con, channel, ps, years, [iso3])
        else:
            frame = focal_shares(con, iso3, years, ps, None, (channel,))
        frame = with_pole_share(frame[frame["iso3"] == iso3])
        if frame.empty:
            raise MultivectorError(f"no {channel} data for {iso3} in {years[0]}-{years[1]}"
                                   + absent_reason(channel, iso3))
        cols = ["iso3", "channel", "pole", "year", "value", "share", "pole_share", "flag"]
        return frame[[c for c in cols if c in frame.columns]].reset_index(drop=True)
    return cached(("shares", iso3, channel, years, poles), make)


def rank(con, year: int, poles: str, peers: str | None,
         unga: UngaChannel = UNGA) -> pd.DataFrame:
    """The ranking of a year (stored at build time when it serves the request, else computed
    as ``multivector rank``), with each state's range under the sensitivity run."""
    def make():
        ps = poles_mod.load_pole_set(poles)
        frame = (options.stored(con, "derived_ranking", "ranking",
                                "WHERE pole_set = ? AND year = ?", [ps.name, year])
                 if options.serves_ranking(poles, unga) else None)
        if frame is None or frame.empty:
            sh = all_shares(con, ps, (year, year), None, BALANCE_CHANNELS, unga)
            frame = derive.ranking_table(sh)
        else:
            frame = frame.drop(columns="pole_set")
        if frame.empty or frame["rank"].isna().all():
            raise MultivectorError(f"no state has a composite in {year}")
        draws = options.SETTINGS["sensitivity"]["draws"]
        summ = (options.stored(con, "derived_sensitivity", "sensitivity", "WHERE year = ?",
                               [year]) if options.serves_sensitivity(draws) else None)
        if summ is None or summ.empty:  # not stored with the current settings: as the CLI
            summ = sens.run(con, (year, year), draws=draws).summary
        if summ is not None and len(summ):
            keep = ["iso3", "year"] + [c for c in summ.columns if c not in frame.columns]
            frame = frame.merge(summ[keep], on=["iso3", "year"], how="left")
        first = [c for c in ("iso3", "year", "rank", "evenness", "rank_p05", "rank_p95",
                             "evenness_p05", "evenness_p95") if c in frame.columns]
        frame = frame[first + [c for c in frame.columns if c not in first]]
        return frame.drop(columns=["n_channels"]).sort_values(
            ["rank", "iso3"], na_position="last").reset_index(drop=True)
    frame = cached(("rank", year, poles, unga), make)
    if peers:
        pe = peers_mod.load_peer_set(peers)
        frame = frame[frame["iso3"].isin(pe.members)].copy()
        frame["rank_in_peers"] = frame["evenness"].rank(ascending=False,
                                                        method="min").astype("Int64")
    return frame


def power(con, year: int | None) -> pd.DataFrame:
    """The middle-power index (stored at build time)."""
    where, params = ("WHERE year = ?", [year]) if year else ("", [])
    frame = cached(("power", year), lambda: options.stored(con, "derived_power", "power",
                                                          where, params))
    if frame is None:
        raise MultivectorError("the middle-power index is not stored in this warehouse "
                               "(multivector ingest rebuilds it); `multivector power` computes it")
    return frame


def sensitivity(con, iso3: str, years: tuple[int, int]) -> pd.DataFrame:
    """A state's composite and rank ranges under the sensitivity run (stored at build time)."""
    frame = cached(("sens", iso3, years), lambda: options.stored(
        con, "derived_sensitivity", "sensitivity", "WHERE iso3 = ? AND year BETWEEN ? AND ? "
        "ORDER BY year", [iso3, *years]))
    if frame is None:
        raise MultivectorError("the sensitivity run is not stored in this warehouse with the "
                               "current settings; `multivector sensitivity` computes it")
    return frame


def sources(con) -> pd.DataFrame:
    """Every measure and indicator: title, source and the years the warehouse covers."""
    return cached(("sources",), lambda: claim_frames.listing(claim_frames.MeasureData(con)))


def encode(frame: pd.DataFrame, fmt: str) -> tuple[bytes, str]:
    """The frame as JSON records, CSV or Parquet bytes, and the media type."""
    frame = frame.copy(deep=False)
    frame.attrs = {}  # objects of the computation (channel sets), not data
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8"), "text/csv; charset=utf-8"
    if fmt == "parquet":
        buf = io.BytesIO()
        frame.to_parquet(buf, index=False)
        return buf.getvalue(), "application/vnd.apache.parquet"
    return (frame.to_json(orient="records", date_format="iso", force_ascii=False)
            .encode("utf-8"), "application/json")
