"""The entry points of the panel: one channel's shares by pole (:func:`channel_shares`) and
every channel's, stacked (:func:`all_shares`)."""

from __future__ import annotations

import duckdb
import pandas as pd
from rich.progress import track

from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.extra import arms_investment_shares, events_shares
from multivector.analysis.panel.frame import empty_shares
from multivector.analysis.panel.membership import (
    format_dyads,
    format_states,
    informal_igo_dyads,
    mean_shares,
    security_shares,
)
from multivector.analysis.panel.trade import cached_trade_flows, trade_shares
from multivector.analysis.panel.unga import (
    idealpoint_dyad_distance,
    unga_dyads,
    unga_shares,
    unga_split_shares,
)
from multivector.core.poles import PoleSet
from multivector.core.vocabulary import BALANCE_CHANNELS, EXTRA_CHANNELS
from multivector.measures.security_mix import ARMS_WEIGHT
from multivector.sources import formats
from multivector.warehouse import readers


def channel_shares(con: duckdb.DuckDBPyConnection, channel: str, pole_set: PoleSet,
                   years: tuple[int, int], focal: list[str] | None = None,
                   unga: UngaChannel | None = None, alliance_source: str = "atop",
                   formats_membership: pd.DataFrame | None = None,
                   igo_source: str = "manyios",
                   security_weights: dict[str, float] | None = None,
                   security_arms: float = ARMS_WEIGHT,
                   _cache: dict | None = None) -> pd.DataFrame:
    """Shares by pole of one channel for the focal states (all when None) and years.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Warehouse connection.
    channel : str
        One of :data:`multivector.core.vocabulary.BALANCE_CHANNELS` and ``EXTRA_CHANNELS``,
        or ``events``.
    pole_set : PoleSet
        The poles.
    years : (int, int)
        Inclusive year range.
    focal : list of str, optional
        Focal states; every state when None.
    unga : UngaChannel, optional
        The UNGA measure and vote subset.
    alliance_source : {"atop", "cow"}
        Alliance dataset for the security channel.
    igo_source : {"manyios", "cow"}
        IGO data for the igo channel: manyIOs MIGO (the default: organisation by organisation,
        those every pole belongs to left out, to 2010) or COW IGO v3 (counts of shared full
        memberships to 2014: the mirror holds no organisation-level COW file, so universal
        organisations cannot be left out and the shares are near-equal).
    security_weights : dict, optional
        Weight per ATOP obligation (default
        :data:`multivector.measures.channels.SECURITY_WEIGHTS`).
    security_arms : float
        The weight ``a`` of arms suppliers in the security channel, from 0 (the default:
        alliances alone) to 1 (SIPRI deliveries alone); in between a state-year needs both
        (:func:`multivector.analysis.panel.membership.security_shares`).
    formats_membership : pandas.DataFrame, optional
        ``format, iso3, year`` for the formats channel (default: the packaged table). The
        channel exists only for :func:`format_states`.

    Returns
    -------
    pandas.DataFrame
        :data:`SHARE_COLUMNS`; empty when the channel has no data in ``years``.
    """
    membership = pole_set.membership(range(years[0], years[1] + 1))
    cache = _cache if _cache is not None else {}
    if channel in ("exports", "imports"):
        flows, totals = cached_trade_flows(con, years, focal, cache)
        return trade_shares(flows, totals, channel, membership)
    fkey = tuple(focal) if focal else None
    if channel == "security":
        return security_shares(con, pole_set, years, focal, alliance_source, security_weights,
                               security_arms, cache)
    if channel == "igo":
        table = "igo_dyads" if igo_source == "cow" else "igo_membership"
        if igo_source not in ("cow", "manyios"):
            raise ValueError(f"igo_source must be 'cow' or 'manyios', not {igo_source!r}")
        if not readers.has_table(con, table):
            return empty_shares()
        key = ("igo", years, fkey, igo_source, pole_set)
        if key not in cache:
            cache[key] = (readers.igo_dyads(con, years, focal) if igo_source == "cow"
                          else informal_igo_dyads(con, years, focal, membership))
        return mean_shares(cache[key], membership, channel)
    if channel == "formats":
        if formats_membership is None:
            formats_membership = formats.membership(range(years[0], years[1] + 1))
        covered = format_states()
        ffocal = covered if focal is None else [f for f in focal if f in covered]
        if not ffocal:
            return empty_shares()
        out = mean_shares(format_dyads(formats_membership, ffocal, membership), membership,
                          channel)
        return out[out["iso3"].isin(covered)].reset_index(drop=True)
    if channel == "unga":
        o = unga or UngaChannel()
        if o.measure == "split":
            key = ("unga_split", years, o, pole_set, fkey)
            if key not in cache:
                cache[key] = unga_split_shares(con, years, membership, o, focal)
            return cache[key]
        if o.measure == "idealpoint_distance":
            d, sd = idealpoint_dyad_distance(con, years, focal)
            return unga_shares(d, membership, o.measure, o.idealpoint_scale or sd, focal)
        key = ("unga", years, o)  # every pair of states: the same for any focal state
        if key not in cache:
            cache[key] = unga_dyads(con, years, o)
        return unga_shares(cache[key], membership, o.measure, 1.0, focal)
    if channel == "events":  # user-ingested event data, in the events file (not the warehouse)
        return events_shares(membership, years, focal)
    if channel in EXTRA_CHANNELS:
        return arms_investment_shares(con, channel, membership, years, focal)
    raise ValueError(f"unknown channel {channel!r}; one of "
                     f"{', '.join((*BALANCE_CHANNELS, *EXTRA_CHANNELS))}")



def all_shares(con: duckdb.DuckDBPyConnection, pole_set: PoleSet, years: tuple[int, int],
               focal: list[str] | None = None, channels: tuple[str, ...] = BALANCE_CHANNELS,
               unga: UngaChannel | None = None, progress: bool = False,
               security_arms: float = ARMS_WEIGHT, _cache: dict | None = None) -> pd.DataFrame:
    """:func:`channel_shares` of every channel, stacked (``security_arms``: the arms weight of
    the security channel, as there).

    ``_cache`` (a dict) keeps what the channels read (trade flows, UNGA dyads, alliance and
    IGO dyads) for the caller to reuse: the trade flows of ``focal`` under
    ``("trade", years, tuple(focal))``.
    """
    cache: dict = {} if _cache is None else _cache
    frames = []
    it = channels
    if progress:
        it = track(channels, description="channels", transient=True)
    for c in it:
        frames.append(channel_shares(con, c, pole_set, years, focal, unga,
                                     security_arms=security_arms, _cache=cache))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty_shares()

