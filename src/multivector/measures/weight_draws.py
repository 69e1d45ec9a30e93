"""The composite evenness for many channel weightings at once (the sensitivity runs).

The pole shares become an array ``S[n, c, p]`` (units x channels x poles, :func:`share_array`),
and a matrix of weights ``W[d, c]`` (one row per draw: :func:`weight_matrix`,
:func:`random_weights`) gives every draw's composite and its evenness in one product
(:func:`composite_evenness`); :func:`rank_within` ranks the states of each year per draw.
The composite is the one of :mod:`multivector.measures.balance`, on the channels present.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import DEFAULT_WEIGHTS
from multivector.measures.balance import MIN_CHANNELS, renormalise


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
    (:func:`multivector.measures.balance.composite_shares`).
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
    from scipy.stats import rankdata  # scipy.stats takes 0.5 s to import: only when ranking

    out = np.full(values.shape, np.nan)
    for g in np.unique(groups):
        cols = np.flatnonzero(groups == g)
        v = values[:, cols]
        ok = ~np.isnan(v)
        r = rankdata(np.where(ok, -v, np.inf), method="min", axis=1).astype(float)
        out[:, cols] = np.where(ok, r, np.nan)
    return out
