"""The balance part of a profile: the focal state's shares by pole and its balance per channel
and composite with intervals (:func:`focal_balance`), the composite's tilt towards each pole
and the decomposition of its change (:func:`composite_parts`)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from multivector.analysis.alignment import UngaOptions
from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel.shares import all_shares
from multivector.analysis.panel.trade import trade_flows, trade_shares
from multivector.core import poles as poles_mod
from multivector.core.vocabulary import COMPOSITE, session_year
from multivector.measures import alignment, similarity, splitvotes
from multivector.measures import balance as bal
from multivector.measures.channelset import ChannelSet
from multivector.measures.decomposition import decompose
from multivector.measures.weight_draws import (
    composite_evenness,
    pole_counts,
    share_array,
    weight_matrix,
)
from multivector.warehouse import idealpoints as idealpoint_store
from multivector.warehouse.readers import load_rollcalls, load_votes, session_range

BALANCE_COLUMNS = ["iso3", "year", "channel", "evenness", "hhi_norm", "dominant_pole",
                   "dominant_share", "margin", "lo", "hi", "n_poles", "poles_share",
                   "n_channels", "channels"]


def focal_shares(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                 pole_set: poles_mod.PoleSet, unga: UngaOptions | None = None,
                 channels: tuple[str, ...] = BalanceOptions.channels,
                 security_arms: float = BalanceOptions.security_arms,
                 _cache: dict | None = None) -> pd.DataFrame:
    """Shares by pole of every channel for one state
    (:func:`multivector.analysis.panel.shares.all_shares`; ``security_arms`` and ``_cache``
    as there)."""
    o = unga or UngaOptions()
    return all_shares(con, pole_set, years, [iso3], channels, o.channel(),
                      security_arms=security_arms, _cache=_cache)


def _unga_replicate_shares(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                           pole_set: poles_mod.PoleSet, o: UngaOptions, n_boot: int,
                           seed: int) -> pd.DataFrame:
    """UNGA shares by pole for each bootstrap replicate: ``year, replicate, pole, share``.

    Vote measures: roll calls resampled within each session (the same resamples for every
    pole, :func:`multivector.measures.alignment.pole_alignment`). Ideal-point distance: each
    ideal point drawn from its normal approximation (theta, se), independently.
    """
    membership = pole_set.membership(range(years[0], years[1] + 1))
    if o.measure == "split":
        rc = similarity.subset_rollcalls(load_rollcalls(con, years), o.issue,
                                         o.important_only, o.amendments, o.paragraphs)
        rc = rc.assign(year=session_year(rc["session"]))
        votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
        return splitvotes.bootstrap_shares(votes, rc[["rcid", "year"]], membership, iso3,
                                           n_boot, seed)
    if o.measure == "idealpoint_distance":
        pts = idealpoint_store.load(con, "default")
        sd = float(pts["theta"].std())
        pts = pts[pts["session"].between(*session_range(years))]
        pts = pts.assign(year=session_year(pts["session"]))
        rng = np.random.default_rng(seed)
        draws = rng.standard_normal((len(pts), n_boot))
        theta = pts["theta"].to_numpy()[:, None] + pts["se"].to_numpy()[:, None] * draws
        f_rows = (pts["iso3"] == iso3).to_numpy()
        fy = dict(zip(pts.loc[f_rows, "year"], np.flatnonzero(f_rows), strict=True))
        mem = membership[membership["iso3"] != iso3].merge(
            pts.reset_index(drop=True).reset_index()[["index", "iso3", "year"]],
            on=["iso3", "year"])
        mem = mem[mem["year"].isin(fy)]
        focal_idx = mem["year"].map(fy).to_numpy()
        dist = np.abs(theta[mem["index"].to_numpy()] - theta[focal_idx])
        reps = pd.DataFrame(dist, index=pd.MultiIndex.from_frame(mem[["pole", "year"]]))
        reps = reps.groupby(level=["pole", "year"]).mean().stack().rename("value")
        reps = reps.reset_index().rename(columns={"level_2": "replicate"})
        reps["value"] = bal.affinity(reps["value"], o.measure, sd)
    else:
        rc = similarity.subset_rollcalls(load_rollcalls(con, years, o.by), o.issue,
                                         o.important_only, o.amendments, o.paragraphs)
        votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
        _, reps = alignment.pole_alignment(votes, rc, iso3, membership, pole_set.ids,
                                           o.measure, o.by, o.bloc, n_boot, o.level, seed,
                                           keep_replicates=True)
        reps["value"] = bal.affinity(reps["value"].astype(float), o.measure)
    tot = reps.groupby(["year", "replicate"])["value"].transform("sum")
    reps["share"] = reps["value"] / tot.where(tot > 0)
    return reps[["year", "replicate", "pole", "share"]]


def focal_balance(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                  pole_set: poles_mod.PoleSet, unga: UngaOptions | None = None,
                  options: BalanceOptions | None = None,
                  shares: pd.DataFrame | None = None,
                  trade: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Balance per channel and composite for one state, with intervals.

    ``shares`` (:func:`focal_shares`) and ``trade``
    (:func:`multivector.analysis.panel.trade.trade_flows` of the state) are read from the
    warehouse when not given.

    Intervals (``lo``, ``hi``, at ``options.level``):

    * ``unga``: percentile interval of the evenness over bootstrap resamples of each
      session's roll calls (or draws of the ideal points from their normal approximation);
    * ``exports``, ``imports``: the evenness computed from the focal state's own figures and
      from its partners' mirror figures (:func:`multivector.analysis.panel.trade.trade_shares`,
      ``prefer="partner"``): the range the choice of reporter spans;
    * ``composite``: percentile interval over the UNGA replicates, each combined with one of
      the two trade versions in turn; the other channels (alliances, memberships, formats) are
      records, not samples, and enter as they are (their dependence on analyst choices is in
      the sensitivity run).

    Returns
    -------
    pandas.DataFrame
        :data:`BALANCE_COLUMNS`.
    """
    o = unga or UngaOptions()
    bo = options or BalanceOptions()
    w = bo.weight_dict()
    sh = shares if shares is not None else focal_shares(con, iso3, years, pole_set, o,
                                                        bo.channels, bo.security_arms)
    if sh.empty:
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    point = bal.balance(sh, w, bo.min_channels, span=years, channels=bo.channel_set)
    sets = point.attrs.get("sets", {})
    channel_set = sets.get(iso3)
    point["lo"], point["hi"] = np.nan, np.nan
    alpha = (1 - bo.level) / 2
    chans = [c for c in bo.channels if c in set(sh["channel"])]
    # trade: reporter's against partners' figures
    alt = sh
    if {"exports", "imports"} & set(chans):
        membership = pole_set.membership(range(years[0], years[1] + 1))
        flows, totals = trade if trade is not None else trade_flows(con, years, [iso3])
        alt_frames = [trade_shares(flows, totals, f, membership, prefer="partner")
                      for f in ("exports", "imports") if f in chans]
        alt = pd.concat([sh[~sh["channel"].isin(["exports", "imports"])], *alt_frames],
                        ignore_index=True)
        alt_b = bal.channel_balance(alt[alt["channel"].isin(["exports", "imports"])])
        both = pd.concat([point[["iso3", "year", "channel", "evenness"]],
                          alt_b[["iso3", "year", "channel", "evenness"]]])
        rng_ = both.groupby(["iso3", "year", "channel"])["evenness"].agg(["min", "max"])
        trade_rows = point["channel"].isin(["exports", "imports"])
        idx = pd.MultiIndex.from_frame(point.loc[trade_rows, ["iso3", "year", "channel"]])
        point.loc[trade_rows, "lo"] = rng_["min"].reindex(idx).to_numpy()
        point.loc[trade_rows, "hi"] = rng_["max"].reindex(idx).to_numpy()
    # UNGA bootstrap, carried into the composite
    if "unga" in chans and bo.n_boot > 0:
        reps = _unga_replicate_shares(con, iso3, years, pole_set, o, bo.n_boot, bo.seed)
        if len(reps):
            reps = reps.assign(iso3=iso3, channel="unga")
            units_u, _, poles_u, S_u = share_array(reps, ["iso3", "year", "replicate"],
                                                   ["unga"])
            n_u = pole_counts(reps, units_u, poles_u, ["iso3", "year", "replicate"])
            j_u, _ = composite_evenness(S_u, np.ones((1, 1)), n_u, 1)
            ev = units_u.assign(evenness=j_u[0]).groupby(["iso3", "year"])["evenness"]
            q = ev.quantile(alpha).rename("_lo").to_frame().join(
                ev.quantile(1 - alpha).rename("_hi"))
            urow = point["channel"] == "unga"
            idx = pd.MultiIndex.from_frame(point.loc[urow, ["iso3", "year"]])
            point.loc[urow, "lo"] = q["_lo"].reindex(idx).to_numpy()
            point.loc[urow, "hi"] = q["_hi"].reindex(idx).to_numpy()
            if channel_set is not None and channel_set.channels:
                point = _composite_interval(point, sh, alt, reps, channel_set.channels, w,
                                            alpha)
    point["n_poles"] = point["n_poles"].astype("Int64")
    point["n_channels"] = point["n_channels"].astype("Int64")
    order = {c: i for i, c in enumerate([*bo.channels, COMPOSITE])}
    point = point.assign(_o=point["channel"].map(order)).sort_values(["_o", "year"])
    out = point[BALANCE_COLUMNS].reset_index(drop=True)
    out.attrs["channel_set"] = channel_set
    return out


def _composite_interval(point: pd.DataFrame, sh: pd.DataFrame, alt: pd.DataFrame,
                        reps: pd.DataFrame, chans: tuple[str, ...], w: dict[str, float],
                        alpha: float) -> pd.DataFrame:
    """The composite's interval over the UNGA replicates and the two trade versions, on the
    series' channel set (every channel of it complete, as the point estimate)."""
    keys = ["iso3", "year", "replicate"]
    frames = []
    n_boot = int(reps["replicate"].max()) + 1
    for version, src in ((0, sh), (1, alt)):
        rows = reps[reps["replicate"] % 2 == version]
        others = bal.complete_only(src[src["channel"].isin(chans) & (src["channel"] != "unga")])
        rep_ids = pd.DataFrame({"replicate": np.arange(version, n_boot, 2)})
        frames.append(others.merge(rep_ids, how="cross"))
        frames.append(rows)
    allr = pd.concat(frames, ignore_index=True)
    units, cs, poles, S = share_array(allr, keys, list(chans))
    npol = pole_counts(allr, units, poles, keys, channels=list(chans))
    j, _ = composite_evenness(S, weight_matrix(cs, bal.weights_over(chans, w)), npol,
                              len(chans))
    ev = units.assign(evenness=j[0]).groupby(["iso3", "year"])["evenness"]
    q = ev.quantile(alpha).rename("_lo").to_frame().join(ev.quantile(1 - alpha).rename("_hi"))
    crow = point["channel"] == COMPOSITE
    idx = pd.MultiIndex.from_frame(point.loc[crow, ["iso3", "year"]])
    point.loc[crow, "lo"] = q["_lo"].reindex(idx).to_numpy()
    point.loc[crow, "hi"] = q["_hi"].reindex(idx).to_numpy()
    return point


def composite_parts(sh: pd.DataFrame, iso3: str, cset: ChannelSet | None,
                    options: BalanceOptions) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The tilt towards each pole of every channel and of the composite
    (:func:`multivector.measures.balance.tilt`), and the decomposition of the composite's
    change over the headline run of the channel set ``cset``
    (:func:`multivector.measures.decomposition.decompose`); empty frames where there is none."""
    tilt = pd.DataFrame()
    decomposition = pd.DataFrame()
    if not len(sh) or cset is None or not cset.channels:
        return tilt, decomposition
    w = options.weight_dict()
    comp = bal.composite_shares(sh, w, options.min_channels,
                                sets=bal.sets_frame({iso3: cset}))
    tilt = pd.concat([bal.tilt(bal.complete_only(sh)),
                      bal.tilt(comp[["iso3", "year", "channel", "pole", "share"]])],
                     ignore_index=True)
    if cset.run is not None and cset.run[1] > cset.run[0]:
        try:  # over the headline run: the set is complete at both ends
            decomposition = decompose(sh, iso3, cset.run[0], cset.run[1], w, cset.channels)
        except ValueError:
            decomposition = pd.DataFrame()
    return tilt, decomposition
