"""Concentration and evenness of a distribution of shares: pure functions of data frames.

Definitions follow ``METHODS.md``:

* Herfindahl-Hirschman index ``HHI = sum_k s_k**2`` over *n* units (partners or poles), and the
  normalised ``HHI* = (HHI - 1/n) / (1 - 1/n)`` (0 for equal shares, 1 when one unit takes all;
  Hirschman 1945, *National Power and the Structure of Foreign Trade*; the normalisation as in
  the UNCTAD product- and market-concentration indices).
* Pielou's evenness ``J = H / ln n`` with Shannon's ``H = -sum_k s_k ln s_k`` (Pielou 1966,
  *Journal of Theoretical Biology* 13: 131-144).
* Centred log-ratios ``clr(s)_k = ln s_k - mean_q ln s_q`` (Aitchison 1986, *The Statistical
  Analysis of Compositional Data*), with zero shares replaced multiplicatively (Martin-Fernandez,
  Barcelo-Vidal & Pawlowsky-Glahn 2003, *Mathematical Geology* 35(3)): each zero becomes
  ``delta`` and the non-zero shares are scaled by ``1 - (number of zeros) * delta`` so the
  composition still sums to one.

All functions take long frames and group by the columns named in ``by``; the unit column is
ignored apart from its count, so results are invariant to the order of units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CLR_DELTA = 1e-3


def _normalised(frame: pd.DataFrame, by: list[str], value: str) -> pd.Series:
    total = frame.groupby(by, sort=False)[value].transform("sum")
    return frame[value] / total.where(total > 0)


def evenness(frame: pd.DataFrame, by: list[str], value: str = "value",
             n_units: int | None = None) -> pd.DataFrame:
    """Pielou evenness, HHI and normalised HHI of ``value`` within each group.

    Parameters
    ----------
    frame : pandas.DataFrame
        Long frame: one row per group and unit, with non-negative ``value`` (need not sum to
        one; shares are taken within each group). Missing values are not counted as units.
    by : list of str
        Grouping columns (e.g. ``["iso3", "year"]``).
    value : str
        Column holding the amounts or shares.
    n_units : int, optional
        Number of units the shares are spread over. By default the number of units present in
        the group with a non-missing value (a unit with a zero share counts: it is a pole the
        state could have engaged and did not).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns and ``n, hhi, hhi_norm, evenness`` where ``evenness`` is Pielou's J.
        With ``n == 1`` both normalised indices are undefined (missing). A group whose values
        sum to zero has missing indices.
    """
    f = frame.loc[frame[value].notna(), [*by, value]].copy()
    f["_s"] = _normalised(f, by, value)
    f["_sq"] = f["_s"] ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        f["_h"] = np.where(f["_s"] > 0, -f["_s"] * np.log(f["_s"]), 0.0)
    f.loc[f["_s"].isna(), ["_sq", "_h"]] = np.nan
    g = f.groupby(by, sort=False).agg(n=(value, "size"), hhi=("_sq", "sum"),
                                      h=("_h", "sum"), ok=("_s", "count")).reset_index()
    if n_units is not None:
        g["n"] = n_units
    g.loc[g["ok"] == 0, ["hhi", "h"]] = np.nan
    n = g["n"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g["hhi_norm"] = np.where(n > 1, (g["hhi"] - 1 / n) / (1 - 1 / n), np.nan)
        g["evenness"] = np.where(n > 1, g["h"] / np.log(n), np.nan)
    g["hhi_norm"] = g["hhi_norm"].clip(0.0, 1.0)
    g["evenness"] = g["evenness"].clip(0.0, 1.0)
    return g[[*by, "n", "hhi", "hhi_norm", "evenness"]]


def partner_concentration(frame: pd.DataFrame, by: list[str], unit: str = "partner",
                          value: str = "value", cover: float = 0.8) -> pd.DataFrame:
    """Concentration of a flow over partners: HHI, normalised HHI, top-1, top-3, n for 80%.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per group and partner with a non-negative ``value`` (e.g. exports in US$).
        Partners with a zero or missing value are not counted.
    by : list of str
        Grouping columns (e.g. ``["iso3", "year", "side"]``).
    unit, value : str
        Partner and value columns.
    cover : float
        The share the ``n_cover`` column counts partners up to (0.8: how many of the largest
        partners together take 80% of the flow).

    Returns
    -------
    pandas.DataFrame
        ``by`` columns and ``n_partners, total, hhi, hhi_norm, top1_partner, top1_share,
        top3_share, n_cover``.
    """
    f = frame.loc[frame[value] > 0, [*by, unit, value]]
    f = f.sort_values([*by, value, unit], ascending=[True] * len(by) + [False, True],
                      kind="stable")
    g = f.groupby(by, sort=False)
    f = f.assign(_s=_normalised(f, by, value), _rank=g.cumcount() + 1)
    f["_cum"] = f.groupby(by, sort=False)["_s"].cumsum()
    # the partner that takes the cumulative share past ``cover`` is the last one counted
    f["_before"] = f["_cum"] - f["_s"]
    f["_s2"] = f["_s"] ** 2
    out = f.groupby(by, sort=False).agg(
        n_partners=(unit, "size"), total=(value, "sum"), hhi=("_s2", "sum"),
        top1_partner=(unit, "first"), top1_share=("_s", "first"),
    ).reset_index()
    top3 = f[f["_rank"] <= 3].groupby(by, sort=False)["_s"].sum().rename("top3_share")
    n_cov = (f[f["_before"] < cover - 1e-12].groupby(by, sort=False)["_rank"].max()
             .rename("n_cover"))
    out = out.join(top3, on=by).join(n_cov, on=by)
    n = out["n_partners"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["hhi_norm"] = np.where(n > 1, ((out["hhi"] - 1 / n) / (1 - 1 / n)).clip(0, 1),
                                   np.nan)
    cols = [*by, "n_partners", "total", "hhi", "hhi_norm", "top1_partner", "top1_share",
            "top3_share", "n_cover"]
    return out[cols]


def clr(frame: pd.DataFrame, by: list[str], value: str = "value",
        delta: float = CLR_DELTA) -> pd.Series:
    """Centred log-ratio of each unit's share within its group (Aitchison 1986).

    Zeros are replaced multiplicatively with ``delta`` (Martin-Fernandez et al. 2003); a
    missing value stays missing and is not part of the composition.

    Returns
    -------
    pandas.Series
        Aligned with ``frame``: ``ln s_k - mean_q ln s_q`` within each group; positive where
        the group tilts towards the unit.
    """
    s = _normalised(frame, by, value)
    zero = (s == 0).astype(float)
    zeros = zero.groupby([frame[c] for c in by], sort=False).transform("sum")
    adj = np.where(s == 0, delta, s * (1 - zeros * delta))
    logs = pd.Series(np.log(adj), index=frame.index).where(s.notna())
    mean = logs.groupby([frame[c] for c in by], sort=False).transform("mean")
    return logs - mean
