"""Strategic minerals: a state's share of world production and its rank. Pure functions.

Data: British Geological Survey (2016), *World Mineral Production* (uranium, lithium, cobalt,
graphite, platinum...), and Clio Infra / US Geological Survey metal production (copper, zinc,
lead, nickel, bauxite, iron ore, manganese, gold, silver, tin, tungsten, aluminium), both as
published by Our World in Data. A state's share of world production is the simplest measure of
its weight in a mineral's supply (the supply-concentration term of the GeoPolRisk method,
Gemechu et al. 2016, *Journal of Industrial Ecology* 20(1): 154-165, is built from it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.vocabulary import REST
from multivector.measures.channels import self_poles

PRODUCER_KINDS = ("state", "historical", "territory")


def production_shares(raw: pd.DataFrame) -> pd.DataFrame:
    """World totals, shares and ranks of producers.

    Parameters
    ----------
    raw : pandas.DataFrame
        ``iso3, entity, kind, year, mineral, value, unit, source``: producers (kind ``state``,
        ``historical``, ``territory``) and aggregates (``World`` among them, iso3 missing).

    Returns
    -------
    pandas.DataFrame
        ``iso3, mineral, year, value, unit, source, world, world_basis, share, rank,
        n_producers``: one row per producer, mineral and year. ``world`` is the source's
        ``World`` row when it has one for the mineral and year (``world_basis`` =
        ``published``), else the sum over producers (``sum of producers``); ``rank`` 1 is the
        largest producer; ``n_producers`` counts producers with a positive value.
    """
    prod = raw[raw["kind"].isin(PRODUCER_KINDS) & raw["iso3"].notna()]
    prod = (prod.groupby(["iso3", "mineral", "year", "unit", "source"], as_index=False)
            ["value"].sum())
    world_rows = raw[raw["entity"].str.casefold() == "world"]
    pub = (world_rows.groupby(["mineral", "year"], as_index=False)["value"].sum()
           .rename(columns={"value": "_pub"}))
    summed = (prod.groupby(["mineral", "year"], as_index=False)["value"].sum()
              .rename(columns={"value": "_sum"}))
    w = summed.merge(pub, on=["mineral", "year"], how="left")
    w["world"] = w["_pub"].where(w["_pub"].notna() & (w["_pub"] > 0), w["_sum"])
    w["world_basis"] = np.where(w["_pub"].notna() & (w["_pub"] > 0), "published",
                                "sum of producers")
    out = prod.merge(w[["mineral", "year", "world", "world_basis"]], on=["mineral", "year"])
    out["share"] = out["value"] / out["world"].where(out["world"] > 0)
    out["rank"] = (out.groupby(["mineral", "year"])["value"]
                   .rank(ascending=False, method="min").astype(int))
    pos = out[out["value"] > 0].groupby(["mineral", "year"]).size().rename("n_producers")
    out = out.join(pos, on=["mineral", "year"])
    out["n_producers"] = out["n_producers"].fillna(0).astype(int)
    cols = ["iso3", "mineral", "year", "value", "unit", "source", "world", "world_basis",
            "share", "rank", "n_producers"]
    return out[cols].sort_values(["mineral", "year", "rank"]).reset_index(drop=True)


def pole_production(production: pd.DataFrame, membership: pd.DataFrame,
                    focal: list[str] | None = None) -> pd.DataFrame:
    """Shares of world production of the focal state, each pole and the rest of the world.

    Parameters
    ----------
    production : pandas.DataFrame
        Output of :func:`production_shares`.
    membership : pandas.DataFrame
        ``pole, iso3, year``.
    focal : list of str, optional
        Focal states (every producer when None).

    Returns
    -------
    pandas.DataFrame
        ``iso3, channel, mineral, unit, pole, year, value, share, total, n_members, flag``
        (``channel`` = ``minerals``, ``total`` the world production; a pole that is the focal
        state itself is its ``focal`` row); the rows of a focal
        state, mineral and year sum to one. Only minerals the focal state produced that year.
    """
    p = production[production["value"] > 0]
    foc = p if focal is None else p[p["iso3"].isin(focal)]
    foc = foc[["iso3", "mineral", "year", "unit", "value", "world"]]
    poles = list(dict.fromkeys(membership["pole"]))
    # pole production without the focal state
    mp = membership.merge(p[["iso3", "mineral", "year", "value"]], on=["iso3", "year"])
    rows = foc.rename(columns={"iso3": "focal"}).merge(mp, on=["mineral", "year"],
                                                       suffixes=("_f", ""))
    rows = rows[rows["iso3"] != rows["focal"]]
    pv = (rows.groupby(["focal", "mineral", "year", "pole"], as_index=False)
          .agg(value=("value", "sum"), n_members=("iso3", "nunique")))
    grid = foc.rename(columns={"iso3": "focal"})[["focal", "mineral", "year", "unit",
                                                  "world"]].merge(
        pd.DataFrame({"pole": poles}), how="cross")
    out = grid.merge(pv, on=["focal", "mineral", "year", "pole"], how="left")
    out["value"] = out["value"].fillna(0.0)
    out["n_members"] = out["n_members"].fillna(0).astype(int)
    out["flag"] = ""
    # a pole that is the focal state itself: its row is the focal row, not a second one
    own = self_poles(foc[["iso3", "year"]], membership).rename(columns={"iso3": "focal"})
    out = out.merge(own.assign(_self=True), on=["focal", "year", "pole"], how="left")
    out = out[out["_self"].ne(True)].drop(columns="_self")
    me = foc.rename(columns={"iso3": "focal"}).assign(pole=lambda d: d["focal"], n_members=1,
                                                      flag="focal")
    rest = out.groupby(["focal", "mineral", "year"], as_index=False)["value"].sum()
    rest = rest.merge(foc.rename(columns={"iso3": "focal", "value": "_own"}),
                      on=["focal", "mineral", "year"])
    rest["value"] = (rest["world"] - rest["value"] - rest["_own"]).clip(lower=0.0)
    rest = rest.assign(pole=REST, n_members=0, flag="")
    allrows = pd.concat([me, out, rest], ignore_index=True)
    allrows["total"] = allrows["world"]
    allrows["share"] = allrows["value"] / allrows["total"].where(allrows["total"] > 0)
    allrows["channel"] = "minerals"
    order = {p_: i for i, p_ in enumerate(poles)}
    allrows["_o"] = np.where(allrows["flag"] == "focal", -1,
                             allrows["pole"].map(order).fillna(len(poles)))
    allrows = allrows.rename(columns={"focal": "iso3"}).sort_values(
        ["iso3", "mineral", "year", "_o"])
    cols = ["iso3", "channel", "mineral", "unit", "pole", "year", "value", "share", "total",
            "n_members", "flag"]
    return allrows[cols].reset_index(drop=True)
