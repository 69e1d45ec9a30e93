"""Shares of a focal state's engagement by pole: pure functions of data frames.

METHODS.md: for a focal state, channel and year, ``s_p = v_p / sum_q v_q`` over poles *p* and
"rest of world". Trade values are the reporter's own figures (IMF DOTS); the denominator is the
reporter's total with the ``World`` partner, so rest of world is the total minus the poles
(unallocated trade falls in the rest of world).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import REST


def trade_shares(trade: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Exports and imports of one reporter by pole and year, with shares of its total.

    Parameters
    ----------
    trade : pandas.DataFrame
        One reporter's rows of the ``trade`` table: ``partner, partner_label, partner_kind,
        year, flow, value_usd_m``.
    membership : pandas.DataFrame
        ``pole, iso3, year`` (see :meth:`multivector.core.poles.PoleSet.membership`).

    Returns
    -------
    pandas.DataFrame
        ``pole, year, flow, value_usd_m, share, total_usd_m, flag``; one row per pole (plus
        ``Rest of world``) and year in which the reporter reports a ``World`` total. A year
        without a total is absent, never filled. A pole none of whose members appears among the
        reporter's partners that year has a missing value and share and the flag
        ``not reported``: a reporter that lists no row for a partner has not said the trade was
        zero (Kazakhstan's 1992-93 returns omit trade with Russia, for one). The rest of the
        world is the total minus the poles that are reported.
    """
    totals = (trade[trade["partner_label"] == "World"]
              .groupby(["year", "flow"], as_index=False)["value_usd_m"].sum()
              .rename(columns={"value_usd_m": "total_usd_m"}))
    partners = trade[trade["partner_kind"].isin(["state", "historical", "territory", "group"])]
    pole_values = (partners.merge(membership, left_on=["partner", "year"],
                                  right_on=["iso3", "year"])
                   .groupby(["pole", "year", "flow"], as_index=False)["value_usd_m"].sum())
    poles = membership["pole"].unique()
    grid = totals.merge(pd.DataFrame({"pole": poles}), how="cross")
    out = grid.merge(pole_values, on=["pole", "year", "flow"], how="left")
    out["flag"] = np.where(out["value_usd_m"].isna(), "not reported", "")
    rest = (out.groupby(["year", "flow"], as_index=False)
            .agg(value_usd_m=("value_usd_m", "sum"), total_usd_m=("total_usd_m", "first")))
    rest["value_usd_m"] = (rest["total_usd_m"] - rest["value_usd_m"]).clip(lower=0.0)
    rest["pole"] = REST
    rest["flag"] = ""
    out = pd.concat([out, rest[out.columns]], ignore_index=True)
    out["share"] = np.where(out["total_usd_m"] > 0, out["value_usd_m"] / out["total_usd_m"],
                            np.nan)
    order = {p: i for i, p in enumerate([*poles, REST])}
    out = out.sort_values(["flow", "year", "pole"], key=lambda s: s.map(order)
                          if s.name == "pole" else s)
    cols = ["pole", "year", "flow", "value_usd_m", "share", "total_usd_m", "flag"]
    return out[cols].reset_index(drop=True)
