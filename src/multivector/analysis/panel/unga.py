"""The UNGA channel: split-vote shares, or an alignment measure turned into an affinity with
each pole (:class:`multivector.analysis.options.UngaChannel` says which and on which votes)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.frame import SHARE_COLUMNS, empty_shares
from multivector.core.vocabulary import session_year
from multivector.measures import balance as balance_mod
from multivector.measures import channels as ch
from multivector.measures import similarity, splitvotes
from multivector.warehouse import idealpoints as idealpoint_store
from multivector.warehouse.readers import load_rollcalls, load_votes, session_range


def unga_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
               options: UngaChannel | None = None) -> pd.DataFrame:
    """The chosen UNGA measure for every pair of states and session opened in ``years``.

    Returns ``iso3, partner, year, value, n_votes`` with both orders of every pair and
    ``year`` the year the session opened.
    """
    o = options or UngaChannel()
    rc = similarity.subset_rollcalls(load_rollcalls(con, years), o.issue, o.important_only,
                                     o.amendments, o.paragraphs)
    votes = load_votes(con, rc["rcid"])
    d = similarity.all_dyads(votes, rc, [o.measure])
    d = d.assign(year=session_year(d["session"]))
    a = d.rename(columns={"iso3_a": "iso3", "iso3_b": "partner"})
    b = d.rename(columns={"iso3_b": "iso3", "iso3_a": "partner"})
    return pd.concat([a, b], ignore_index=True)[["iso3", "partner", "year", "value", "n_votes"]]


def unga_split_shares(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                      membership: pd.DataFrame, options: UngaChannel | None = None,
                      focal: list[str] | None = None) -> pd.DataFrame:
    """UNGA shares by pole counted on the roll calls that split the poles
    (:func:`multivector.measures.splitvotes.split_vote_shares`); ``total`` is the number of
    split roll calls the state voted on in the session opened that year."""
    o = options or UngaChannel()
    rc = similarity.subset_rollcalls(load_rollcalls(con, years), o.issue, o.important_only,
                                     o.amendments, o.paragraphs)
    if rc.empty:
        return empty_shares()
    rc = rc.assign(year=session_year(rc["session"]))
    states = None if focal is None else sorted({*focal, *membership["iso3"]})
    votes = load_votes(con, rc["rcid"], states)
    out = splitvotes.split_vote_shares(votes, rc[["rcid", "year"]], membership, focal)
    if out.empty:
        return empty_shares()
    return out.assign(channel="unga")[SHARE_COLUMNS]


def idealpoint_dyad_distance(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                             focal: list[str] | None = None) -> tuple[pd.DataFrame, float]:
    """Ideal-point distance for every pair (focal x all) per session, and the scale (sd)."""
    pts = idealpoint_store.load(con, "default")
    scale = float(pts["theta"].std())
    pts = pts[pts["session"].between(*session_range(years))]
    pts = pts.assign(year=session_year(pts["session"]))[["iso3", "year", "theta"]]
    left = pts if focal is None else pts[pts["iso3"].isin(focal)]
    m = left.merge(pts.rename(columns={"iso3": "partner", "theta": "theta_p"}), on="year")
    m = m[m["iso3"] != m["partner"]]
    m = m.assign(value=(m["theta"] - m["theta_p"]).abs(), n_votes=np.nan)
    return m[["iso3", "partner", "year", "value", "n_votes"]], scale


def unga_shares(dyads: pd.DataFrame, membership: pd.DataFrame, measure: str,
                scale: float = 1.0, focal: list[str] | None = None) -> pd.DataFrame:
    """Affinity with each pole and its share over the poles (no rest of the world).

    A bloc's value is the mean of the measure over its members (the focal state left out), as
    in :func:`multivector.measures.alignment.pole_alignment`; the affinity is
    :func:`multivector.measures.balance.affinity` of that value.
    """
    d = dyads if focal is None else dyads[dyads["iso3"].isin(focal)]
    if d.empty:
        return empty_shares()
    m = d.merge(membership.rename(columns={"iso3": "partner"}), on=["partner", "year"])
    g = (m.groupby(["iso3", "pole", "year"], as_index=False)
         .agg(raw=("value", "mean"), n_members=("partner", "nunique")))
    g["value"] = balance_mod.affinity(g["raw"], measure, scale).to_numpy()
    focal_years = d[["iso3", "year"]].drop_duplicates()
    poles = list(dict.fromkeys(membership["pole"]))
    grid = focal_years.merge(pd.DataFrame({"pole": poles}), how="cross")
    out = grid.merge(g, on=["iso3", "pole", "year"], how="left")
    # a pole that is the focal state itself has no affinity
    own = ch.self_poles(focal_years, membership)
    out = out.merge(own.assign(_self=True), on=["iso3", "year", "pole"], how="left")
    out["flag"] = np.where(out["_self"].eq(True), "self",
                           np.where(out["value"].isna(), "no joint votes", ""))
    out.loc[out["flag"] == "self", "value"] = np.nan
    out["total"] = out.groupby(["iso3", "year"])["value"].transform("sum")
    out["share"] = out["value"] / out["total"].where(out["total"] > 0)
    out["n_members"] = out["n_members"].fillna(0).astype(int)
    out["channel"] = "unga"
    order = {p: i for i, p in enumerate(poles)}
    out = out.assign(_o=out["pole"].map(order)).sort_values(["iso3", "year", "_o"])
    return out[SHARE_COLUMNS].reset_index(drop=True)

