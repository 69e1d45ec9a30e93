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
    out = out.merge(comp[["iso3", "year", "n_channels", "channels"]].drop_duplicates(),
                    on=["iso3", "year"], how="left")
    out["n_channels"] = out["n_channels"].astype("Int64")
    return out


def decompose(shares: pd.DataFrame, iso3: str, year0: int, year1: int,
              weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Split the change of the composite evenness between two years by channel and pole.

    The composite share vector moves from ``s0`` to ``s1``; every channel-pole pair *cp*
    moves its weighted share ``u_cp = w_c s_cp`` (weights renormalised per year, so a channel
    that appears or disappears contributes through its weight). Along the straight path
    between the two, the change of Pielou's J is the path integral of its gradient, which is
    exactly additive over the moving parts (integrated gradients; Sundararajan, Taly & Yan
    2017, ICML): ``dJ = sum_cp (u1_cp - u0_cp) * mean_t dJ/ds_p(s(t))``. Along the straight
    path the mean gradient has a closed form, ``-(b ln b - a ln a) / ((b - a) ln n)`` for a
    pole moving from share *a* to *b*, so the contributions add up to the change exactly (up
    to rounding; reported in ``residual``).

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

    # mean of dJ/ds_p = -(ln s_p + 1) / ln n along s_p(t) = a + t (b - a), in closed form:
    # -(b ln b - a ln a) / ((b - a) ln n), and -(ln a + 1) / ln n when a = b
    a, b_ = s0, s1

    def xlogx(v: np.ndarray) -> np.ndarray:
        return np.where(v > 0, v * np.log(np.where(v > 0, v, 1.0)), 0.0)

    with np.errstate(divide="ignore", invalid="ignore"):
        moving = np.abs(b_ - a) > 1e-15
        grad = np.where(moving, -(xlogx(b_) - xlogx(a)) / np.where(moving, b_ - a, 1.0),
                        -(np.log(np.where(a > 0, a, 1.0)) + 1))
        grad = np.where(~moving & (a <= 0), 0.0, grad) / np.log(n)
    contrib = (u1 - u0) * grad[pidx.to_numpy()]
    out = pd.DataFrame({"channel": grid.index.get_level_values("channel"),
                        "pole": grid.index.get_level_values("pole"),
                        "share0": u0, "share1": u1, "contribution": contrib})
    e0, e1 = j(s0), j(s1)
    out.attrs.update(evenness0=e0, evenness1=e1, change=e1 - e0,
                     residual=(e1 - e0) - float(contrib.sum()))
    return out


# ------------------------------------------------------------------ vectorised over weight draws
def share_array(shares: pd.DataFrame, keys: list[str] | None = None,
                channels: list[str] | None = None, poles: list[str] | None = None
                ) -> tuple[pd.DataFrame, list[str], list[str], np.ndarray]:
    """Renormalised pole shares as an array ``S[n, c, p]`` (units x channels x poles).

    A channel with no data for a unit is NaN across its poles; a pole missing within a present
    channel (no value, or the state itself) has share 0 there.

    Returns
    -------
    (pandas.DataFrame, list, list, numpy.ndarray)
        The units (``keys`` columns, row *n* of the array), the channels, the poles, and S.
    """
    keys = keys or ["iso3", "year"]
    s = renormalise(shares, [*keys, "channel"])
    channels = channels or sorted(s["channel"].unique())
    poles = poles or list(dict.fromkeys(s["pole"]))
    s = s[s["channel"].isin(channels) & s["pole"].isin(poles)]
    units = s[keys].drop_duplicates().sort_values(keys).reset_index(drop=True)
    uidx = pd.MultiIndex.from_frame(units)
    n = uidx.get_indexer(pd.MultiIndex.from_frame(s[keys]))
    c = pd.Index(channels).get_indexer(s["channel"])
    p = pd.Index(poles).get_indexer(s["pole"])
    S = np.full((len(units), len(channels), len(poles)), np.nan)
    present = np.zeros((len(units), len(channels)), dtype=bool)
    present[n, c] = True
    S[present] = 0.0
    S[n, c, p] = s["share"].to_numpy()
    return units, list(channels), list(poles), S


def pole_counts(shares: pd.DataFrame, units: pd.DataFrame, poles: list[str],
                keys: list[str] | None = None, channels: list[str] | None = None
                ) -> np.ndarray:
    """Number of poles each unit's balance is measured over (those with a share in any channel:
    a pole that is the focal state itself is left out).

    ``channels`` restricts the count to those channels: pass the channels with a positive
    weight, as a channel that does not enter the composite brings no poles to it
    (:func:`composite_shares`).
    """
    keys = keys or ["iso3", "year"]
    s = shares[shares["share"].notna() & shares["pole"].isin(poles)]
    if channels is not None:
        s = s[s["channel"].isin(channels)]
    n = s.groupby(keys)["pole"].nunique()
    return units.join(n.rename("_n"), on=keys)["_n"].fillna(0).to_numpy()


def composite_evenness(S: np.ndarray, W: np.ndarray, n_poles: np.ndarray,
                       min_channels: int = MIN_CHANNELS) -> tuple[np.ndarray, np.ndarray]:
    """Pielou evenness of the composite for every weight draw at once.

    Parameters
    ----------
    S : numpy.ndarray
        ``(n, c, p)`` from :func:`share_array`.
    W : numpy.ndarray
        ``(d, c)`` non-negative channel weights, one row per draw.
    n_poles : numpy.ndarray
        ``(n,)`` poles each unit is measured over.
    min_channels : int
        Fewest channels with data (and positive weight) for a composite.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Evenness ``(d, n)`` (NaN where the composite is undefined) and the composite shares
        ``(d, n, p)``.
    """
    present = ~np.isnan(S[:, :, 0])  # (n, c)
    S0 = np.nan_to_num(S)
    w = W[:, None, :] * present[None, :, :]  # (d, n, c)
    wsum = w.sum(axis=2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = w / wsum
        comp = np.einsum("dnc,ncp->dnp", w, S0)
        h = -np.where(comp > 0, comp * np.log(np.where(comp > 0, comp, 1.0)), 0.0).sum(axis=2)
        j = h / np.log(n_poles)[None, :]
    n_ch = ((W[:, None, :] > 0) & present[None, :, :]).sum(axis=2)
    j = np.where((n_ch >= min_channels) & (n_poles[None, :] > 1), np.clip(j, 0.0, 1.0),
                 np.nan)
    return j, comp


def weight_matrix(channels: list[str], weights: dict[str, float] | None = None) -> np.ndarray:
    """``(1, c)`` weights of the channels (default :data:`DEFAULT_WEIGHTS`; absent: 0)."""
    w = DEFAULT_WEIGHTS if weights is None else weights
    return np.array([[float(w.get(c, 0.0)) for c in channels]])


def random_weights(channels: list[str], draws: int, seed: int = 0,
                   base: dict[str, float] | None = None, alpha: float = 1.0) -> np.ndarray:
    """``(draws, c)`` channel weights drawn from a Dirichlet distribution.

    Channels with zero weight in ``base`` stay at zero; ``alpha`` = 1 draws uniformly from
    every weighting of the others (flat Dirichlet).
    """
    b = weight_matrix(channels, base)[0]
    on = b > 0
    rng = np.random.default_rng(seed)
    out = np.zeros((draws, len(channels)))
    out[:, on] = rng.dirichlet(np.full(on.sum(), alpha), size=draws)
    return out


def rank_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank (1 = highest; ties share the best rank; NaN unranked) within each group, per row.

    Parameters
    ----------
    values : numpy.ndarray
        ``(d, n)``.
    groups : numpy.ndarray
        ``(n,)`` group of each column (e.g. the year).
    """
    from scipy.stats import rankdata

    out = np.full(values.shape, np.nan)
    for g in np.unique(groups):
        cols = np.flatnonzero(groups == g)
        v = values[:, cols]
        ok = ~np.isnan(v)
        r = rankdata(np.where(ok, -v, np.inf), method="min", axis=1).astype(float)
        out[:, cols] = np.where(ok, r, np.nan)
    return out
