"""The multivector balance index: how evenly a state's engagement spreads over the poles.

Pure functions of data frames. Input everywhere is a long frame of pole shares
``iso3, year, channel, pole, share`` (from :mod:`multivector.measures.channels` or the UNGA
affinities), *without* the rest of the world: balance is measured over the poles themselves,
renormalised to sum to one (``METHODS.md``).

Per channel and year:

* ``evenness``: Pielou's J = H / ln n (Pielou 1966), 1 when every pole has the same share,
  0 when one pole takes all;
* ``hhi_norm``: the normalised Herfindahl-Hirschman index (1 - it is a second evenness);
* ``dominant_pole``, ``dominant_share`` and ``margin`` (its lead over the second pole);
* the tilt: centred log-ratios of the shares (Aitchison 1986), see :func:`tilt`.

The composite (:func:`composite_shares`) is the weighted mean of the channels' renormalised
share vectors over **one channel set** per series (a state over years) or per ranking (states
in a year), :mod:`multivector.measures.channelset`: a channel-year that lacks a pole is absent
(never an evenness over fewer poles), and the composite of a unit exists only where every
channel of its set is complete, so a source starting or ending cannot move it. Its evenness
answers "are the state's dependencies spread over several poles *across* channels" — a state
that trades with one pole and votes with another is more multivector than either channel alone
says, which is the policy's point. Default weights are
:data:`multivector.core.vocabulary.DEFAULT_WEIGHTS` (imported here under that name),
overridable; they are renormalised over the set. :mod:`multivector.measures.decomposition`
splits a change of the composite evenness by channel and pole;
:mod:`multivector.measures.weight_draws` computes it for many weightings at once.

``poles_share`` says of what the balance is measured: the poles' combined share of the
channel's total (of all partners; 1 where a channel has no rest of the world), beside the
balance among them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import COMPOSITE, DEFAULT_WEIGHTS, REST
from multivector.measures import channelset
from multivector.measures.concentration import clr, evenness

MIN_CHANNELS = 3  # fewest channels with data for a composite
KEYS = ["iso3", "year", "channel"]


def affinity(value: pd.Series, measure: str, scale: float = 1.0) -> pd.Series:
    """Turn a UNGA alignment measure into a non-negative affinity in [0, 1].

    ``agreement`` and ``agreement_half`` are already in [0, 1]; Cohen's kappa, Scott's pi and
    Signorino-Ritter S lie in [-1, 1] and become ``(x + 1) / 2``; an ideal-point distance *d*
    becomes ``exp(-d / scale)`` (1 for identical positions, ``scale`` in the model's units:
    one standard deviation of the 1946-2024 ideal points by default).
    """
    if measure in ("agreement", "agreement_half"):
        return value.clip(0.0, 1.0)
    if measure in ("kappa", "pi", "s_abs", "s_sq"):
        return ((value + 1) / 2).clip(0.0, 1.0)
    if measure == "idealpoint_distance":
        return np.exp(-value.abs() / scale)
    raise ValueError(f"no affinity rule for measure {measure!r}")


def renormalise(shares: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Shares over the poles only (rest of the world and missing poles dropped), summing to 1."""
    keys = keys or KEYS
    s = shares[shares["share"].notna() & (shares["pole"] != REST)].copy()
    tot = s.groupby(keys)["share"].transform("sum")
    s["share"] = s["share"] / tot.where(tot > 0)
    return s[s["share"].notna()]


def channel_balance(shares: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Evenness, normalised HHI, dominant pole and its margin for every group.

    Parameters
    ----------
    shares : pandas.DataFrame
        ``keys`` + ``pole, share``; renormalised over the poles here.
    keys : list of str
        Grouping columns (default ``iso3, year, channel``).

    Returns
    -------
    pandas.DataFrame
        ``keys`` + ``n_poles, evenness, hhi_norm, dominant_pole, dominant_share, margin``.
        Results do not depend on the order of the poles.
    """
    keys = keys or KEYS
    s = renormalise(shares, keys)
    ev = evenness(s, keys, "share").rename(columns={"n": "n_poles"}).drop(columns="hhi")
    top = (s.sort_values([*keys, "share", "pole"], ascending=[True] * len(keys) + [False, True])
           .groupby(keys, sort=False))
    first = top.nth(0).set_index(keys)
    second = top.nth(1).set_index(keys)["share"]
    ev = ev.join(first[["pole", "share"]].rename(columns={"pole": "dominant_pole",
                                                          "share": "dominant_share"}), on=keys)
    ev = ev.join(second.rename("_second"), on=keys)
    ev["margin"] = ev["dominant_share"] - ev["_second"].fillna(0.0)
    return ev.drop(columns="_second").reset_index(drop=True)


def tilt(shares: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Centred log-ratio of each pole's share: where the state tilts, and how far.

    Returns ``keys`` + ``pole, share, clr`` (shares renormalised over the poles; zero shares
    replaced multiplicatively, :func:`multivector.measures.concentration.clr`).
    """
    keys = keys or KEYS
    s = renormalise(shares, keys)
    s["clr"] = clr(s, keys, "share")
    return s[[*keys, "pole", "share", "clr"]].reset_index(drop=True)


def complete_only(shares: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``shares`` in complete channel-years (every pole has a share;
    :func:`multivector.measures.channelset.complete_channels`)."""
    keys = ["iso3", "year", "channel"]
    ok = channelset.complete_channels(shares).assign(_ok=True)
    out = shares.merge(ok, on=keys, how="left")
    return out[out["_ok"].eq(True)].drop(columns="_ok").reset_index(drop=True)


def poles_share(shares: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """``keys`` + ``poles_share``: the poles' combined share of each channel's total (of all
    partners), 1 where the channel has no rest-of-the-world row."""
    keys = keys or KEYS
    s = shares[shares["pole"] != REST]
    return (s.groupby(keys)["share"].sum(min_count=1).clip(upper=1.0)
            .rename("poles_share").reset_index())


def with_pole_share(shares: pd.DataFrame) -> pd.DataFrame:
    """``shares`` with ``pole_share``: each pole's share of the poles' total (what the balance
    is computed on), beside ``share`` (of all partners, the rest of the world included).
    Empty for the rest of the world and in channel-years that lack a pole (no balance there).
    """
    keys = [k for k in KEYS if k in shares.columns]
    full = complete_only(shares)
    s = full[full["pole"] != REST]
    tot = s.groupby(keys)["share"].transform("sum")
    ps = (s["share"] / tot.where(tot > 0)).rename("pole_share")
    out = shares.join(pd.concat([s[keys + ["pole"]], ps], axis=1).set_index(keys + ["pole"]),
                      on=keys + ["pole"])
    return out


def weights_over(channels: tuple[str, ...] | list[str], weights: dict[str, float] | None = None
                 ) -> dict[str, float]:
    """Weights of ``channels`` (default :data:`DEFAULT_WEIGHTS`), every other channel 0."""
    w = DEFAULT_WEIGHTS if weights is None else weights
    return {c: float(w.get(c, 0.0)) for c in channels}


def candidate_channels(channels: list[str] | tuple[str, ...],
                       weights: dict[str, float] | None = None) -> list[str]:
    """The channels that may enter a composite: those with a positive weight, in the order of
    :data:`DEFAULT_WEIGHTS` (others after them, as given)."""
    w = DEFAULT_WEIGHTS if weights is None else weights
    on = [c for c in channels if w.get(c, 0.0) > 0]
    return [c for c in DEFAULT_WEIGHTS if c in on] + [c for c in on if c not in DEFAULT_WEIGHTS]


def series_sets(shares: pd.DataFrame, span: tuple[int, int] | None = None,
                weights: dict[str, float] | None = None, min_channels: int = MIN_CHANNELS,
                channels: tuple[str, ...] | None = None) -> dict[str, channelset.ChannelSet]:
    """Each state's series channel set over ``span`` (default: the years of ``shares``).

    ``channels`` fixes the set instead (``--channels``): it is then every state's set, with
    the years in which all its channels are complete."""
    complete = channelset.complete_channels(shares)
    if span is None:
        span = (int(shares["year"].min()), int(shares["year"].max())) if len(shares) else (0, 0)
    if channels is not None:
        return {iso3: channelset.fixed_set(g, span, tuple(channels))
                for iso3, g in complete.groupby("iso3")}
    cands = candidate_channels(list(dict.fromkeys(shares["channel"])) if len(shares) else [],
                               weights)
    return channelset.series_sets(complete, span, cands, weights or DEFAULT_WEIGHTS,
                                  min_channels)


def sets_frame(sets: dict[str, channelset.ChannelSet]) -> pd.DataFrame:
    """``iso3, year, channels`` (comma-joined) for every year a state's set is complete."""
    rows = [(iso3, y, ",".join(cs.channels)) for iso3, cs in sets.items() for y in cs.years]
    return pd.DataFrame(rows, columns=["iso3", "year", "channels"])


def composite_shares(shares: pd.DataFrame, weights: dict[str, float] | None = None,
                     min_channels: int = MIN_CHANNELS,
                     keys: list[str] | None = None,
                     sets: pd.DataFrame | None = None) -> pd.DataFrame:
    """The weighted mean of the channels' pole-share vectors over one channel set per unit.

    Parameters
    ----------
    shares : pandas.DataFrame
        ``iso3, year, channel, pole, share`` (+ any other ``keys``).
    weights : dict, optional
        Weight per channel (default :data:`DEFAULT_WEIGHTS`); renormalised over the set.
    min_channels : int
        Fewest channels in a set (used when ``sets`` is None).
    keys : list of str, optional
        Grouping keys without ``channel`` (default ``iso3, year``).
    sets : pandas.DataFrame, optional
        ``keys`` + ``channels`` (comma-joined): the set of each unit, which must be complete
        in every channel of it. Default: each state's series set over the years of
        ``shares`` (:func:`series_sets`).

    Returns
    -------
    pandas.DataFrame
        ``keys`` + ``channel`` (= ``composite``), ``pole, share, n_channels, channels``.
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    keys = keys or ["iso3", "year"]
    if sets is None:
        sets = sets_frame(series_sets(shares, None, w, min_channels))
    s = renormalise(complete_only(shares), [*keys, "channel"])
    unit_sets = sets[[*keys, "channels"]].assign(channel=sets["channels"].str.split(","))
    unit_sets = unit_sets.explode("channel")
    s = s.merge(unit_sets, on=[*keys, "channel"])
    s = s.assign(w=s["channel"].map(w).fillna(0.0))
    s = s[s["w"] > 0]
    present = s[[*keys, "channel", "w", "channels"]].drop_duplicates([*keys, "channel"])
    nch = present.groupby(keys).agg(_n=("channel", "size"), _wsum=("w", "sum"),
                                    channels=("channels", "first"))
    nch["n_channels"] = nch["channels"].str.count(",") + 1
    nch = nch[nch["_n"] == nch["n_channels"]]  # every channel of the set is complete
    if nch.empty:
        return pd.DataFrame(columns=[*keys, "channel", "pole", "share", "n_channels",
                                     "channels"])
    s = s.drop(columns="channels").join(nch, on=keys, how="inner")
    s["_ws"] = s["share"] * s["w"] / s["_wsum"]
    out = s.groupby([*keys, "pole"], as_index=False)["_ws"].sum().rename(
        columns={"_ws": "share"})
    out = out.join(nch[["n_channels", "channels"]], on=keys)
    out.insert(len(keys), "channel", COMPOSITE)
    return out.reset_index(drop=True)


def balance(shares: pd.DataFrame, weights: dict[str, float] | None = None,
            min_channels: int = MIN_CHANNELS, sets: pd.DataFrame | None = None,
            span: tuple[int, int] | None = None,
            channels: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Balance per channel (complete channel-years only) and composite over one set.

    ``sets`` (``iso3, year, channels``) fixes each unit's set (a ranking's); by default each
    state's series set over ``span`` (the years of ``shares``) or the given ``channels``.
    The chosen sets are in ``attrs["sets"]`` (ISO3 → :class:`~multivector.measures.
    channelset.ChannelSet`) when computed here. ``poles_share``: the poles' combined share
    of the channel's total; for the composite, its weighted mean over the set.
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    chosen = None
    complete = complete_only(shares)
    if sets is None:
        chosen = series_sets(shares, span, w, min_channels, channels)
        sets = sets_frame(chosen)
    comp = composite_shares(complete, w, min_channels, sets=sets)
    parts = [f for f in (renormalise(complete), comp[[*KEYS, "pole", "share"]]) if len(f)]
    both = pd.concat(parts, ignore_index=True) if parts else comp[[*KEYS, "pole", "share"]]
    out = channel_balance(both)
    out = out.merge(comp[["iso3", "year", "n_channels", "channels"]].drop_duplicates(),
                    on=["iso3", "year"], how="left")
    ps = poles_share(complete)
    cps = ps.merge(sets.assign(channel=sets["channels"].str.split(",")).explode("channel")
                   [["iso3", "year", "channel"]], on=KEYS)
    cps = cps.assign(w=cps["channel"].map(w).fillna(0.0))
    cps = cps[cps["w"] > 0].assign(_x=lambda d: d["poles_share"] * d["w"])
    cg = cps.groupby(["iso3", "year"]).agg(_x=("_x", "sum"), _w=("w", "sum"))
    cg = (cg["_x"] / cg["_w"]).rename("poles_share").reset_index().assign(channel=COMPOSITE)
    out = out.merge(pd.concat([ps, cg], ignore_index=True), on=KEYS, how="left")
    out.loc[out["channel"] != COMPOSITE, ["n_channels", "channels"]] = pd.NA
    out["n_channels"] = out["n_channels"].astype("Int64")
    if chosen is not None:
        out.attrs["sets"] = chosen
    return out


def ranking_balance(shares: pd.DataFrame, weights: dict[str, float] | None = None,
                    min_channels: int = MIN_CHANNELS,
                    channels: tuple[str, ...] | None = None,
                    min_states: int = channelset.MIN_RANK_STATES
                    ) -> tuple[pd.DataFrame, pd.DataFrame, dict[int, tuple[str, ...]]]:
    """Every state's balance in each year on that year's ranking set.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, dict)
        :func:`balance` rows (the composite on the ranking set), ``iso3, year, reason`` of the
        states not ranked, and the set of each year.
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    complete = channelset.complete_channels(shares)
    if channels is not None:
        by_year = {int(y): tuple(channels) for y in complete["year"].unique()}
    else:
        cands = candidate_channels(list(dict.fromkeys(shares["channel"])) if len(shares)
                                   else [], w)
        by_year = channelset.ranking_sets(complete, cands, min_channels,
                                          min_states=min_states)
    rows = []
    for y, cs in by_year.items():
        if not cs:
            continue
        have = complete[(complete["year"] == y) & complete["channel"].isin(cs)]
        n = have.groupby("iso3")["channel"].nunique()
        rows += [(iso3, y, ",".join(cs)) for iso3 in n[n == len(cs)].index]
    sets = pd.DataFrame(rows, columns=["iso3", "year", "channels"])
    out = balance(shares, w, min_channels, sets=sets)
    units = shares[["iso3", "year"]].drop_duplicates()
    missing = pd.concat([channelset.not_ranked(complete[complete["year"] == y],
                                               units[units["year"] == y], cs)
                         for y, cs in by_year.items() if cs] or
                        [pd.DataFrame(columns=["iso3", "year", "reason"])], ignore_index=True)
    return out, missing, by_year
