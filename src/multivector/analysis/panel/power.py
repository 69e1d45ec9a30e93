"""The raw components of the middle-power index for every state and year (position: GDP,
population, military expenditure, CINC; reach: trade share, IGOs, allies, trade dependants,
voting partners), for :mod:`multivector.measures.power`."""

from __future__ import annotations

import duckdb
import pandas as pd

from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.trade import DOTS_FIRST_YEAR, trade_flows
from multivector.analysis.panel.unga import unga_dyads
from multivector.warehouse import readers

REACH_SHARE = 0.01  # a state counts another among its trade dependants at 1% of its trade
BREADTH_MEASURE, BREADTH_THRESHOLD = "kappa", 0.5  # a voting partner: Cohen's kappa >= 0.5
BREADTH_MIN_VOTES = 20  # ... on at least 20 joint votes


def _share_of_world(con: duckdb.DuckDBPyConnection, code: str, years: tuple[int, int],
                    component: str) -> pd.DataFrame:
    d = readers.indicator(con, code, years)
    world = d[d["code"] == "WLD"].set_index("year")["value"]
    s = d[d["kind"] == "state"].copy()
    s["value"] = s["value"] / s["year"].map(world)
    return s.assign(component=component, source="wdi", derived=False)[
        ["iso3", "year", "component", "value", "source", "derived"]].dropna(subset=["value"])


def _trade_share(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """Share of world merchandise trade, exports plus imports (WDI, current US$)."""
    x = readers.indicator(con, "tx.val.mrch.cd.wt", years)
    m = readers.indicator(con, "tm.val.mrch.cd.wt", years)
    t = x.merge(m[["iso3", "code", "year", "value"]], on=["iso3", "code", "year"],
                suffixes=("_x", "_m"))
    t["value"] = t["value_x"] + t["value_m"]
    world = t[t["code"] == "WLD"].set_index("year")["value"]
    s = t[t["kind"] == "state"].copy()
    s["value"] = s["value"] / s["year"].map(world)
    return s.assign(component="trade_share", source="wdi", derived=False)[
        ["iso3", "year", "component", "value", "source", "derived"]].dropna(subset=["value"])


def milex_series(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """Military expenditure per state-year: SIPRI, then WDI-derived where SIPRI stops.

    SIPRI's series is the 2025 workbook (``source = 'sipri2025'``, constant 2023 US$, to 2024)
    where the warehouse holds it, else the OWID vintage (``'sipri'``, constant 2019 US$, to
    2020); the two are never mixed, so within a year every state has the same basis, which is
    what the index needs (it scales by the year's maximum). For years after SIPRI's last, the
    value is WDI military expenditure in % of GDP times GDP in current US$, labelled
    ``derived``.

    Returns ``iso3, year, value, basis, source, derived``.
    """
    frames = []
    last_sipri = None
    if readers.has_table(con, "milex"):
        vintage = readers.milex_vintage(con)
        s = readers.milex(con, vintage, years)
        if len(s):
            last_sipri = int(s["year"].max())
            frames.append(s.assign(source=vintage, derived=False))
    start = years[0] if last_sipri is None else last_sipri + 1
    if start <= years[1]:
        pct = readers.indicator(con, "ms.mil.xpnd.gd.zs", (start, years[1]))
        gdp = readers.indicator(con, "ny.gdp.mktp.cd", (start, years[1]))
        m = pct[pct["kind"] == "state"].merge(gdp[["iso3", "year", "value"]],
                                              on=["iso3", "year"], suffixes=("_pct", "_gdp"))
        m["value"] = m["value_pct"] / 100 * m["value_gdp"]
        frames.append(m[["iso3", "year", "value"]].assign(
            basis="current US$ (WDI % of GDP x GDP)", source="wdi", derived=True))
    if not frames:
        return pd.DataFrame(columns=["iso3", "year", "value", "basis", "source", "derived"])
    return pd.concat(frames, ignore_index=True)


def power_components(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                     flows: pd.DataFrame | None = None,
                     unga_pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Raw components of the middle-power index for every state and year.

    Position: ``gdp`` and ``population`` (shares of the world, WDI), ``milex``
    (:func:`milex_series`), ``cinc`` (COW NMC). Reach: ``trade_share`` (share of world
    merchandise exports plus imports, WDI), ``igo`` (full IGO memberships, COW IGO),
    ``allies`` (states with an ATOP obligation), ``trade_reach`` (states for which this state
    is at least 1% of their total trade, IMF DOTS, mirror-filled), ``vote_breadth`` (states
    whose chance-corrected agreement with it, Cohen's kappa, is at least 0.5 on at least 20
    joint votes in the session opened that year: raw agreement would count every state that
    votes yes with the assembly's majority, which measures membership of the majority, not
    reach; Häge 2011).

    Count components (``allies``, ``trade_reach``) are zero, not missing, for a state with
    none in a year the source covers.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, component, value, source, derived``.
    """
    cols = ["iso3", "year", "component", "value", "source", "derived"]
    frames = [_share_of_world(con, "ny.gdp.mktp.cd", years, "gdp"),
              _share_of_world(con, "sp.pop.totl", years, "population")]
    mx = milex_series(con, years)
    frames.append(mx.assign(component="milex")[cols])
    frames.append(_trade_share(con, years))
    nmc = readers.cinc(con, years)
    frames.append(nmc.assign(component="cinc", source="cow_nmc", derived=False)[cols])
    if readers.has_table(con, "igo_states"):
        igo = readers.igo_state_counts(con, years)
        frames.append(igo.assign(component="igo", source="cow_igo", derived=False)[cols])
    if readers.has_table(con, "alliances"):
        al = readers.ally_counts(con, years)
        frames.append(al.assign(component="allies", source="atop", derived=False)[cols])
    if years[1] >= DOTS_FIRST_YEAR:
        if flows is None:
            flows, _ = trade_flows(con, (max(years[0], DOTS_FIRST_YEAR), years[1]))
        f = flows[flows["source"] == "dots"] if "source" in flows else flows
        tot = f.groupby(["iso3", "partner", "year"], as_index=False)["value_usd_m"].sum()
        tot["share"] = tot["value_usd_m"] / tot.groupby(["iso3", "year"])[
            "value_usd_m"].transform("sum")
        reach = (tot[tot["share"] >= REACH_SHARE].groupby(["partner", "year"]).size()
                 .rename("value").reset_index().rename(columns={"partner": "iso3"}))
        reach["value"] = reach["value"].astype(float)
        frames.append(reach.assign(component="trade_reach", source="dots", derived=False)[cols])
    if unga_pairs is None:
        unga_pairs = unga_dyads(con, years, UngaChannel(measure=BREADTH_MEASURE))
    enough = unga_pairs[unga_pairs["n_votes"] >= BREADTH_MIN_VOTES]
    br = (enough[enough["value"] >= BREADTH_THRESHOLD].groupby(["iso3", "year"]).size()
          .rename("value").reset_index())
    members = enough[["iso3", "year"]].drop_duplicates()
    br = members.merge(br, on=["iso3", "year"], how="left").fillna({"value": 0})
    br["value"] = br["value"].astype(float)
    frames.append(br.assign(component="vote_breadth", source="unga", derived=False)[cols])
    frames = [f_ for f_ in frames if len(f_)]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    states = readers.state_codes(con)
    out = out[out["iso3"].isin(states)]
    # zero, not missing: a state without allies or trade dependants in a year the source covers
    present = out[out["component"].isin(["gdp", "population", "cinc"])][["iso3", "year"]]
    present = present.drop_duplicates()
    fills = []
    for comp in ("allies", "trade_reach"):
        have = out[out["component"] == comp]
        if have.empty:
            continue
        yrs = set(have["year"])
        grid = present[present["year"].isin(yrs)].merge(have[["iso3", "year"]],
                                                        on=["iso3", "year"], how="left",
                                                        indicator=True)
        grid = grid[grid["_merge"] == "left_only"][["iso3", "year"]]
        fills.append(grid.assign(component=comp, value=0.0, source=have["source"].iloc[0],
                                 derived=False))
    if fills:
        out = pd.concat([out, *fills], ignore_index=True)
    return out.sort_values(["year", "iso3", "component"]).reset_index(drop=True)
