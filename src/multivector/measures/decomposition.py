"""Where a change of the composite evenness comes from: its split by channel and pole.

:func:`decompose` follows the composite of :mod:`multivector.measures.balance` between two
years over one channel set, and attributes the change of Pielou's J exactly to the
channel-pole pairs that moved (integrated gradients along the straight path).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import DEFAULT_WEIGHTS
from multivector.measures.balance import (
    candidate_channels,
    complete_only,
    renormalise,
    weights_over,
)


def decompose(shares: pd.DataFrame, iso3: str, year0: int, year1: int,
              weights: dict[str, float] | None = None,
              channels: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Split the change of the composite evenness between two years by channel and pole.

    The decomposition runs over one channel set (``channels``; default every weighted channel
    complete in both years; reports pass the series set), complete in both years, so no
    channel appears or disappears.
    The composite share vector moves from ``s0`` to ``s1``; every channel-pole pair *cp*
    moves its weighted share ``u_cp = w_c s_cp`` (weights renormalised over the set). Along
    the straight path between the two, the change of Pielou's J is the path integral of its
    gradient, which is exactly additive over the moving parts (integrated gradients;
    Sundararajan, Taly & Yan 2017, ICML): ``dJ = sum_cp (u1_cp - u0_cp) * mean_t
    dJ/ds_p(s(t))``. Along the straight path the mean gradient has a closed form,
    ``-(b ln b - a ln a) / ((b - a) ln n)`` for a pole moving from share *a* to *b*, so the
    contributions add up to the change exactly (up to rounding; reported in ``residual``).

    Returns
    -------
    pandas.DataFrame
        ``channel, pole, share0, share1, contribution``; ``attrs`` holds ``evenness0``,
        ``evenness1``, ``change`` and ``residual`` (change minus the sum of contributions).
    """
    w = DEFAULT_WEIGHTS if weights is None else weights
    sub = complete_only(shares[(shares["iso3"] == iso3) & shares["year"].isin([year0, year1])])
    if channels is None:  # every weighted channel complete in both years
        both = [set(sub.loc[sub["year"] == y, "channel"]) for y in (year0, year1)]
        channels = tuple(c for c in candidate_channels(list(dict.fromkeys(sub["channel"])), w)
                         if c in both[0] & both[1])
    for y in (year0, year1):
        have = set(sub.loc[sub["year"] == y, "channel"])
        lack = [c for c in channels if c not in have]
        if not channels or lack:
            raise ValueError(f"{iso3}: no composite in {y} on the channel set "
                             f"{', '.join(channels) or '(none)'}"
                             + (f" ({', '.join(lack)}: no data)" if lack else ""))
    w = weights_over(channels, w)
    s = renormalise(sub[sub["channel"].isin(channels)])
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
