"""Shares of a focal state's engagement by pole, and pole alignment: pure functions of frames.

METHODS.md: for a focal state, channel and year, ``s_p = v_p / sum_q v_q`` over poles *p* and
"rest of world". Trade values are the reporter's own figures (IMF DOTS); the denominator is the
reporter's total with the ``World`` partner, so rest of world is the total minus the poles
(unallocated trade falls in the rest of world).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

REST = "Rest of world"


def trade_shares(trade: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """Exports and imports of one reporter by pole and year, with shares of its total.

    Parameters
    ----------
    trade : pandas.DataFrame
        One reporter's rows of the ``trade`` table: ``partner, partner_label, partner_kind,
        year, flow, value_usd_m``.
    membership : pandas.DataFrame
        ``pole, iso3, year`` (see :meth:`multivector.poles.PoleSet.membership`).

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


def pole_alignment(dyads: pd.DataFrame, membership: pd.DataFrame, focal: str,
                   value: str = "value") -> pd.DataFrame:
    """A focal state's alignment with each pole per session.

    For a single-state pole the dyad's value; for a bloc (EU, GCC) the unweighted mean over the
    members of the session's opening year with which the focal state cast at least one joint
    vote. The focal state itself is left out of a bloc it belongs to.

    Parameters
    ----------
    dyads : pandas.DataFrame
        ``iso3_a, iso3_b, session, <value>, n_votes`` with ``iso3_a == focal``.
    membership : pandas.DataFrame
        ``pole, iso3, year``.

    Returns
    -------
    pandas.DataFrame
        ``pole, session, year, value, n_votes, n_members`` (``year`` = the session's opening
        year, 1945 + session; ``n_votes`` the mean joint votes over the members).
    """
    d = dyads[dyads["iso3_a"] == focal].copy()
    d["year"] = 1945 + d["session"].astype(int)
    m = membership[membership["iso3"] != focal]
    joined = d.merge(m, left_on=["iso3_b", "year"], right_on=["iso3", "year"])
    out = (joined.groupby(["pole", "session", "year"], as_index=False)
           .agg(value=(value, "mean"), n_votes=("n_votes", "mean"),
                n_members=("iso3_b", "nunique")))
    return out.sort_values(["pole", "session"]).reset_index(drop=True)
