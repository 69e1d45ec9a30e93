"""Shares of a focal state's engagement by pole, for any dyadic channel: pure functions.

``METHODS.md``: for a focal state, channel and year, ``s_p = v_p / sum_q v_q`` over the poles
*p* and the rest of the world. How a pole's value ``v_p`` is formed from its members depends on
the channel and is stated with it (``aggregate`` in
:data:`multivector.core.vocabulary.CHANNELS`):

``sum``
    volumes add up: a bloc's value is the sum over its members (exports to the EU are the
    exports to its member states). The rest of the world is the focal state's total minus the
    poles, so unallocated amounts count in the rest of the world.
``mean``
    ties do not add up: a bloc counts as one partner, with the mean of the focal state's ties
    to its members (an alliance with every EU member is one tie of full strength with the EU,
    not 27). Every other state is one partner too, so the rest of the world is the sum of the
    ties to states in no pole.

The focal state is never its own partner: it is dropped from any bloc it belongs to, and a
pole that is the focal state itself (the United States seen from Washington) gets no value and
the flag ``self``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import REST


def pole_shares(dyads: pd.DataFrame, membership: pd.DataFrame, aggregate: str,
                totals: pd.DataFrame | None = None,
                flag_col: str | None = None) -> pd.DataFrame:
    """Values and shares of each focal state's engagement by pole and year.

    Parameters
    ----------
    dyads : pandas.DataFrame
        ``iso3, partner, year, value`` (plus ``flag_col`` if given): the focal state's
        engagement with each partner. For ``mean`` channels a partner without a row has a tie
        of zero.
    membership : pandas.DataFrame
        ``pole, iso3, year`` (:meth:`multivector.core.poles.PoleSet.membership`).
    aggregate : {"sum", "mean"}
        How a bloc's members combine (see the module docstring).
    totals : pandas.DataFrame, optional
        ``iso3, year, total`` for ``sum`` channels (e.g. exports to the World); by default the
        sum over partners. Years of a focal state without a total are absent.
    flag_col : str, optional
        A column of per-dyad flags (``mirror``, ``discrepant``) carried to the pole rows with
        the share of the pole's value they cover (``mirror 12%``).

    Returns
    -------
    pandas.DataFrame
        ``iso3, pole, year, value, share, total, n_members, flag`` with one row per focal
        state, year and pole, plus ``Rest of world``; ``share`` sums to one over the rows of a
        focal state and year. ``flag``: ``not reported`` (no member appears among the partners
        of a ``sum`` channel: no value, not a zero), ``self``, or the dyad flags found among
        the members with the share of the value they cover (``discrepant 40%``).
    """
    if aggregate not in ("sum", "mean"):
        raise ValueError(f"aggregate must be 'sum' or 'mean', not {aggregate!r}")
    d = dyads[dyads["iso3"] != dyads["partner"]]
    keys = ["iso3", "year"]
    if totals is None:
        totals = d.groupby(keys, as_index=False)["value"].sum().rename(columns={"value": "total"})
    poles = list(dict.fromkeys(membership["pole"]))
    focal = totals[keys].drop_duplicates()
    # every pole member for every focal state-year, except the focal state itself
    mem = focal.merge(membership.rename(columns={"iso3": "partner"}), on="year")
    own_poles = self_poles(focal, membership)
    mem = mem[mem["partner"] != mem["iso3"]]
    cols = ["value"] + ([flag_col] if flag_col else [])
    mem = mem.merge(d[[*keys, "partner", *cols]], on=[*keys, "partner"], how="left")
    grp = mem.groupby([*keys, "pole"], sort=False)
    agg = grp.agg(n_members=("partner", "nunique"), n_found=("value", "count"),
                  value=("value", "sum")).reset_index()
    if aggregate == "mean":
        agg["value"] = agg["value"] / agg["n_members"]
        agg["flag"] = ""
    else:
        agg["flag"] = np.where(agg["n_found"] == 0, "not reported", "")
        agg.loc[agg["n_found"] == 0, "value"] = np.nan
    if flag_col:
        agg = agg.join(_flag_shares(mem, [*keys, "pole"], flag_col), on=[*keys, "pole"])
        agg["flag"] = _join_flags(agg["flag"], agg["_f"])
        agg = agg.drop(columns="_f")
    grid = focal.merge(pd.DataFrame({"pole": poles}), how="cross")
    out = grid.merge(agg.drop(columns="n_found"), on=[*keys, "pole"], how="left")
    out["n_members"] = out["n_members"].fillna(0).astype(int)
    if len(own_poles):
        out = out.merge(own_poles.assign(_self=True), on=[*keys, "pole"], how="left")
        selfp = out["_self"].eq(True)
        out.loc[selfp, "value"] = np.nan
        out.loc[selfp, "flag"] = "self"
        out = out.drop(columns="_self")
    out["flag"] = out["flag"].fillna("")
    # rest of the world
    if aggregate == "sum":
        in_poles = out.groupby(keys, as_index=False)["value"].sum()
        rest = totals.merge(in_poles, on=keys, how="left")
        rest["value"] = (rest["total"] - rest["value"].fillna(0.0)).clip(lower=0.0)
    else:
        member_partners = mem[[*keys, "partner"]].drop_duplicates().assign(_in=True)
        others = d.merge(member_partners, on=[*keys, "partner"], how="left")
        others = others[others["_in"].isna()]
        rest = focal.merge(others.groupby(keys, as_index=False)["value"].sum(), on=keys,
                           how="left")
        rest["value"] = rest["value"].fillna(0.0)
    rest = rest.assign(pole=REST, n_members=0, flag="")[[*keys, "pole", "value", "n_members",
                                                         "flag"]]
    out = pd.concat([out, rest], ignore_index=True)
    denom = out.groupby(keys)["value"].transform("sum")
    if aggregate == "sum":
        out = out.merge(totals[[*keys, "total"]], on=keys, how="left")
        denom = out["total"].where(out["total"] > 0)
    else:
        out["total"] = denom
    out["share"] = out["value"] / denom.where(denom > 0)
    order = {p: i for i, p in enumerate([*poles, REST])}
    out = out.assign(_o=out["pole"].map(order)).sort_values([*keys, "_o"], kind="stable")
    cols = ["iso3", "pole", "year", "value", "share", "total", "n_members", "flag"]
    return out[cols].reset_index(drop=True)


def self_poles(units: pd.DataFrame, membership: pd.DataFrame) -> pd.DataFrame:
    """``iso3, year, pole``: for each focal state-year of ``units``, the poles whose only
    member that year is the focal state itself (the United States seen from Washington)."""
    size = membership.groupby(["pole", "year"])["iso3"].agg(["size", "first"]).reset_index()
    solo = size[size["size"] == 1].rename(columns={"first": "iso3"})
    return (units[["iso3", "year"]].drop_duplicates()
            .merge(solo[["iso3", "year", "pole"]], on=["iso3", "year"]))


def _flag_shares(mem: pd.DataFrame, keys: list[str], flag_col: str) -> pd.Series:
    """Per group, each dyad flag with the share of the group's value it covers.

    ``mirror 12%`` says 12% of the pole's value comes from dyads flagged ``mirror``; a flag
    covering less than 0.5% of the value is left out (it would not change the share).
    """
    f = mem[mem[flag_col].fillna("") != ""]
    if f.empty:  # indexed by the keys all the same, so that the join on them works
        index = pd.MultiIndex.from_arrays([mem[k].iloc[:0] for k in keys], names=keys)
        return pd.Series(index=index, dtype=object, name="_f")
    tot = mem.groupby(keys)["value"].sum()
    parts = f.assign(_flag=f[flag_col].str.split(";")).explode("_flag")
    by = parts.groupby([*keys, "_flag"])["value"].sum().reset_index()
    by = by.join(tot.rename("_tot"), on=keys)
    by["_pct"] = np.where(by["_tot"] > 0, 100 * by["value"] / by["_tot"], np.nan)
    by = by[by["_pct"] >= 0.5].sort_values([*keys, "_flag"])
    by["_txt"] = by["_flag"] + " " + np.floor(by["_pct"] + 0.5).astype(int).astype(str) + "%"
    return by.groupby(keys)["_txt"].agg(";".join).rename("_f")


def _join_flags(a: pd.Series, b: pd.Series) -> pd.Series:
    a, b = a.fillna(""), b.fillna("")
    return pd.Series(np.where((a != "") & (b != ""), a + ";" + b, a + b), index=a.index)


SECURITY_WEIGHTS: dict[str, float] = {
    "defense": 1.0, "offense": 1.0, "neutrality": 0.3, "nonaggression": 0.1,
    "consultation": 0.1, "entente": 0.1}
"""Default weight of each ATOP obligation in the security channel (the one place it is set).

A defence or offence pact commits a state to fight; neutrality to stay out of a war against
the partner; non-aggression only not to attack it; consultation only to talk in a crisis
(Leeds et al. 2002, *International Interactions* 28(3): 237-260, the ATOP codebook). Defence
and offence weigh 1, neutrality 0.3, non-aggression and consultation 0.1 (COW's entente counts
as consultation): a web of non-aggression and consultation pledges (Kazakhstan's, with 58 states in
2010) no longer outweighs one defence pact.
"""

SECURITY_WEIGHTINGS: dict[str, dict[str, float]] = {
    "obligation": SECURITY_WEIGHTS,
    # the weights used to 2026-12: every obligation short of a military one counts half or more
    "flat": {"defense": 1.0, "offense": 1.0, "neutrality": 0.5, "nonaggression": 0.5,
             "consultation": 0.25, "entente": 0.25},
    # military pledges only
    "military": {"defense": 1.0, "offense": 1.0, "neutrality": 0.0, "nonaggression": 0.0,
                 "consultation": 0.0, "entente": 0.0},
}
"""Named weightings the sensitivity run varies (``obligation`` is :data:`SECURITY_WEIGHTS`)."""


def alliance_strength(frame: pd.DataFrame, weights: dict[str, float] | None = None
                      ) -> pd.Series:
    """Strength of the strongest alliance obligation of each dyad-year.

    ``strength = max_k w_k x_k`` over the obligations *k* coded 0/1 in ``frame``, with the
    weights :data:`SECURITY_WEIGHTS` (Leeds et al. 2002, *International Interactions* 28(3)).

    Parameters
    ----------
    frame : pandas.DataFrame
        0/1 columns named after the obligations present (``defense, offense, neutrality,
        nonaggression, consultation, entente``).
    weights : dict, optional
        Weight per obligation; overrides the defaults key by key.
    """
    w = {**SECURITY_WEIGHTS, **(weights or {})}
    cols = [c for c in w if c in frame.columns]
    return pd.concat([frame[c].fillna(0).astype(float) * w[c] for c in cols], axis=1).max(axis=1)


def undirected_ties(directed: pd.DataFrame) -> pd.DataFrame:
    """A dyad-year's tie as the strongest obligation in either direction.

    ATOP codes obligations directed: ``iso3_a``'s pledges to ``iso3_b`` (peacesciencer's
    ``atop_alliance``). The United States pledges to defend Japan and Korea, while Japan's
    pledge to the United States is coded as consultation and non-aggression only (the 1960
    treaty binds Japan to act only on its own territory); the alliance is still Japan's
    strongest security tie. So a focal state's tie with a partner is the larger of what it
    pledges and what it is pledged.

    Parameters
    ----------
    directed : pandas.DataFrame
        ``iso3, partner, year, value`` with both directions of each dyad (``iso3`` pledges).

    Returns
    -------
    pandas.DataFrame
        ``iso3, partner, year, value`` with both orders of each pair, ``value`` the maximum of
        the two directions.
    """
    rev = directed.rename(columns={"iso3": "partner", "partner": "iso3"})
    both = pd.concat([directed, rev[directed.columns]], ignore_index=True)
    return both.groupby(["iso3", "partner", "year"], as_index=False)["value"].max()


def universal_orgs(members: pd.DataFrame, membership: pd.DataFrame,
                   org_col: str = "igo") -> pd.DataFrame:
    """Organisation-years every pole belongs to, which say nothing about balance.

    An organisation that holds every pole (the United Nations and its agencies, the OSCE for
    the core poles) is shared with all of them alike: counting it adds the same amount to every
    pole and pulls the shares toward equality. A pole belongs to an organisation in a year when
    at least one of its members (for a bloc, any member state) holds full membership.

    Parameters
    ----------
    members : pandas.DataFrame
        ``<org_col>, iso3, year``: full memberships.
    membership : pandas.DataFrame
        ``pole, iso3, year`` (:meth:`multivector.core.poles.PoleSet.membership`).

    Returns
    -------
    pandas.DataFrame
        ``<org_col>, year`` of the organisations every pole belongs to.
    """
    n_poles = membership.groupby("year")["pole"].nunique()
    j = members[[org_col, "iso3", "year"]].merge(membership, on=["iso3", "year"])
    have = j.groupby([org_col, "year"])["pole"].nunique().reset_index()
    have = have[have["pole"] == have["year"].map(n_poles)]
    return have[[org_col, "year"]].reset_index(drop=True)
