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
share vectors, with the weights renormalised over the channels that have data for the state
and year; its evenness answers "are the state's dependencies spread over several poles *across*
channels" — a state that trades with one pole and votes with another is more multivector than
either channel alone says, which is the policy's point. Weights are documented in
:data:`DEFAULT_WEIGHTS` and overridable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.measures.concentration import clr, evenness

DEFAULT_WEIGHTS: dict[str, float] = {
    "unga": 1.0, "exports": 1.0, "imports": 1.0, "security": 1.0, "igo": 0.5, "formats": 0.5,
}
MIN_CHANNELS = 2
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
    s = shares[shares["share"].notna() & (shares["pole"] != "Rest of world")].copy()
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


def composite_shares(shares: pd.DataFrame, weights: dict[str, float] | None = None,
                     min_channels: int = MIN_CHANNELS,
                     keys: list[str] | None = None) -> pd.DataFrame:
    """The weighted mean of the channels' pole-share vectors, per state and year.

    Parameters
    ----------
    shares : pandas.DataFrame
        ``iso3, year, channel, pole, share`` (+ any other ``keys``).
    weights : dict, optional
        Weight per channel (default :data:`DEFAULT_WEIGHTS`; a channel missing from the dict
        gets weight 0). Renormalised over the channels present for each state and year.
    min_channels : int
        Fewest channels with data for a composite to be computed.
    keys : list of str, optional
        Grouping keys without ``channel`` (default ``iso3, year``).

    Returns
    -------
    pandas.DataFrame
        ``keys`` + ``channel`` (= ``composite``), ``pole, share, n_channels, channels``.
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    keys = keys or ["iso3", "year"]
    s = renormalise(shares, [*keys, "channel"])
    s = s.assign(w=s["channel"].map(w).fillna(0.0))
    s = s[s["w"] > 0]
    present = s[[*keys, "channel", "w"]].drop_duplicates()
    wsum = present.groupby(keys)["w"].sum().rename("_wsum")
    nch = present.groupby(keys)["channel"].agg(n_channels="size",
                                               channels=lambda c: ",".join(sorted(c)))
    s = s.join(wsum, on=keys)
    s["_ws"] = s["share"] * s["w"] / s["_wsum"]
    out = s.groupby([*keys, "pole"], as_index=False)["_ws"].sum().rename(
        columns={"_ws": "share"})
    out = out.join(nch, on=keys)
    out = out[out["n_channels"] >= min_channels]
    out.insert(len(keys), "channel", "composite")
    return out.reset_index(drop=True)


def balance(shares: pd.DataFrame, weights: dict[str, float] | None = None,
            min_channels: int = MIN_CHANNELS) -> pd.DataFrame:
    """Balance per channel and composite: :func:`channel_balance` over all of them."""
    comp = composite_shares(shares, weights, min_channels)
    both = pd.concat([renormalise(shares), comp[[*KEYS, "pole", "share"]]], ignore_index=True)
    out = channel_balance(both)
    return out.merge(comp[["iso3", "year", "n_channels", "channels"]].drop_duplicates(),
                     on=["iso3", "year"], how="left")


def decompose(shares: pd.DataFrame, iso3: str, year0: int, year1: int,
              weights: dict[str, float] | None = None, nodes: int = 48) -> pd.DataFrame:
    """Split the change of the composite evenness between two years by channel and pole.

    The composite share vector moves from ``s0`` to ``s1``; every channel-pole pair *cp*
    moves its weighted share ``u_cp = w_c s_cp`` (weights renormalised per year, so a channel
    that appears or disappears contributes through its weight). Along the straight path
    between the two, the change of Pielou's J is the path integral of its gradient, which is
    exactly additive over the moving parts (integrated gradients; Sundararajan, Taly & Yan
    2017, ICML): ``dJ = sum_cp (u1_cp - u0_cp) * mean_t dJ/ds_p(s(t))``, the mean over the path
    computed by Gauss-Legendre quadrature. The contributions add up to the change to within
    quadrature error (checked and reported in ``residual``).

    Returns
    -------
    pandas.DataFrame
        ``channel, pole, share0, share1, contribution``; ``attrs`` holds ``evenness0``,
        ``evenness1``, ``change`` and ``residual`` (change minus the sum of contributions).
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    sub = shares[(shares["iso3"] == iso3) & shares["year"].isin([year0, year1])]
    s = renormalise(sub)
    s = s.assign(w=s["channel"].map(w).fillna(0.0))
    s = s[s["w"] > 0]
    s["u"] = s["share"] * s["w"] / s.groupby("year")["w"].transform(
        lambda x: x.groupby(s.loc[x.index, "channel"]).first().sum())
    grid = s.pivot_table(index=["channel", "pole"], columns="year", values="u",
                         aggfunc="sum").reindex(columns=[year0, year1]).fillna(0.0)
    if grid.empty or grid[year0].sum() == 0 or grid[year1].sum() == 0:
        raise ValueError(f"{iso3}: no composite in {year0} or {year1}")
    poles = sorted(grid.index.get_level_values("pole").unique())
    n = len(poles)
    pidx = grid.index.get_level_values("pole").map({p: i for i, p in enumerate(poles)})
    u0, u1 = grid[year0].to_numpy(), grid[year1].to_numpy()
    agg = np.zeros((n, len(u0)))
    agg[pidx.to_numpy(), np.arange(len(u0))] = 1.0
    s0, s1 = agg @ u0, agg @ u1

    def j(sv: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            h = -np.nansum(np.where(sv > 0, sv * np.log(sv), 0.0))
        return float(h / np.log(n))

    t, wq = np.polynomial.legendre.leggauss(nodes)
    t, wq = (t + 1) / 2, wq / 2
    grad = np.zeros(n)
    for ti, wi in zip(t, wq, strict=True):
        st = s0 + ti * (s1 - s0)
        with np.errstate(divide="ignore"):
            grad += wi * np.where(st > 0, -(np.log(st) + 1) / np.log(n), 0.0)
    contrib = (u1 - u0) * grad[pidx.to_numpy()]
    out = pd.DataFrame({"channel": grid.index.get_level_values("channel"),
                        "pole": grid.index.get_level_values("pole"),
                        "share0": u0, "share1": u1, "contribution": contrib})
    e0, e1 = j(s0), j(s1)
    out.attrs.update(evenness0=e0, evenness1=e1, change=e1 - e0,
                     residual=(e1 - e0) - float(contrib.sum()))
    return out
