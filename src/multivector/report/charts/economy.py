"""The economy charts: mineral production, the commodities in exports, GDP and population."""

from __future__ import annotations

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.core.vocabulary import REST
from multivector.report.charts.common import (
    INK,
    LEGEND_LABEL_LIMIT,
    WIDTH,
    chart_title,
    gap_layers,
    last_year,
    pole_label,
    pole_scale,
    sized,
    small_year_axis,
    x_years,
    year_domain,
)


# -------------------------------------------------------------------------------- minerals
def mineral_shares(p: Profile) -> alt.TopLevelMixin | None:
    """Share of world production and rank per mineral, each mineral's latest year."""
    m = p.minerals
    if m.empty:
        return None
    last = m.loc[m.groupby("mineral")["year"].idxmax()]
    df = pd.DataFrame({"mineral": last["mineral"].str.capitalize() + " ("
                       + last["year"].astype(int).astype(str) + ")",
                       "share": last["share"].astype(float), "rank": last["rank"].astype(int),
                       "n": last["n_producers"].astype(int),
                       "source": last["source"].astype(str)})
    df["label"] = ("#" + df["rank"].astype(str) + " of " + df["n"].astype(str))
    base = alt.Chart(df).encode(
        y=alt.Y("mineral:N", sort=list(df.sort_values("share", ascending=False)["mineral"]),
                title=None),
        x=alt.X("share:Q", title="share of world production", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, max(0.05, float(df["share"].max()) * 1.3)])))
    bars = base.mark_bar(color="#3c5a80", height=13).encode(
        tooltip=["mineral:N", alt.Tooltip("share:Q", format=".1%"), "rank:Q", "n:Q",
                 "source:N"])
    text = base.mark_text(align="left", dx=4, fontSize=10.5, color=INK).encode(
        text="label:N")
    return (bars + text).properties(width=WIDTH - 150, height=max(60, 19 * len(df)),
                                    title=chart_title(f"{p.name}'s share of world mineral "
                                                      "production", "Latest year of each "
                                                      "series; label: rank among producers"))


def mineral_poles(p: Profile, n: int = 6) -> alt.TopLevelMixin | None:
    """World production by pole for the state's main minerals (its largest shares)."""
    mp, m = p.mineral_poles, p.minerals
    if mp.empty or m.empty:
        return None
    last = m.loc[m.groupby("mineral")["year"].idxmax()].nlargest(n, "share")
    rows = mp.merge(last[["mineral", "year"]], on=["mineral", "year"])
    if rows.empty:
        return None
    order = {pid: i for i, pid in enumerate([p.iso3, *p.pole_set.ids, REST])}
    df = pd.DataFrame({"mineral": rows["mineral"].str.capitalize() + " ("
                       + rows["year"].astype(int).astype(str) + ")",
                       "who": [pole_label(p, x) for x in rows["pole"]],
                       "share": rows["share"].astype(float),
                       "order": rows["pole"].map(order).astype(float)})
    df = df[df["share"].notna()]
    sort = [f"{x.capitalize()} ({int(y)})" for x, y in zip(last["mineral"], last["year"],
                                                           strict=True)]
    bars = alt.Chart(df).mark_bar(height=15).encode(
        y=alt.Y("mineral:N", sort=sort, title=None),
        x=alt.X("share:Q", stack="normalize", title="share of world production",
                axis=alt.Axis(format="%")),
        color=alt.Color("who:N", scale=pole_scale(p, rest=True, focal=True),
                        legend=alt.Legend(title=None)),
        order=alt.Order("order:Q"),
        tooltip=["mineral:N", "who:N", alt.Tooltip("share:Q", format=".1%")])
    return bars.properties(width=WIDTH - 150, height=max(60, 24 * len(sort)), title=chart_title(
        f"Who produces {p.name}'s main minerals", f"World production by {p.name}, the poles "
        "and the rest of the world; the minerals with its largest shares"))


# ----------------------------------------------------------------------------- commodities
ECONOMY = ["tx.val.fuel.zs.un", "tx.val.mmtl.zs.un", "tg.val.totl.gd.zs", "ny.gdp.pcap.cd",
           "sp.pop.totl"]
SHORT_TITLES = {"tx.val.fuel.zs.un": "Fuel, % of merchandise exports",
                "tx.val.mmtl.zs.un": "Ores and metals, % of merchandise exports",
                "tg.val.totl.gd.zs": "Merchandise trade, % of GDP",
                "ny.gdp.pcap.cd": "GDP per capita, current US$",
                "sp.pop.totl": "Population, millions"}


def commodities(p: Profile) -> alt.TopLevelMixin | None:
    """Fuel and ores-and-metals shares of merchandise exports (World Bank WDI)."""
    ind = p.indicators
    if ind.empty:
        return None
    d = ind[ind["indicator"].isin(ECONOMY[:2])]
    if d.empty:
        return None
    df = pd.DataFrame({"year": d["year"].astype(int), "value": d["value"].astype(float),
                       "series": d["indicator"].map(SHORT_TITLES)})
    line = alt.Chart(df).mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=16)).encode(
        x=x_years(p), y=alt.Y("value:Q", title="% of merchandise exports",
                               scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=[SHORT_TITLES[c] for c in ECONOMY[:2]], range=["#1d2733", "#b5651d"]),
            legend=alt.Legend(labelLimit=LEGEND_LABEL_LIMIT)),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".1f")])
    return sized(alt.layer(*gap_layers(p, last_year(df), "no WDI data", 200), line),
                  height=200).properties(title=chart_title(
                      f"What {p.name} exports: fuel and metals", "Share of merchandise "
                      "exports (World Bank WDI, from UN Comtrade)"))


def economy(p: Profile) -> alt.TopLevelMixin | None:
    """GDP per capita, population and trade openness, small multiples."""
    ind = p.indicators
    if ind.empty:
        return None
    d = ind[ind["indicator"].isin(ECONOMY[2:])]
    if d.empty:
        return None
    scale = d["indicator"].map({"sp.pop.totl": 1e-6}).fillna(1.0)
    df = pd.DataFrame({"year": d["year"].astype(int),
                       "value": d["value"].astype(float) * scale,
                       "series": d["indicator"].map(SHORT_TITLES)})
    line = alt.Chart(df).mark_line(strokeWidth=1.8, color="#1d2733").encode(
        x=alt.X("year:Q", title=None, scale=alt.Scale(domain=year_domain(p), nice=False),
                axis=small_year_axis(p)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=",.1f")])
    return line.properties(width=185, height=120).facet(
        facet=alt.Facet("series:N", title=None,
                        sort=[SHORT_TITLES[c] for c in ECONOMY[2:]]), columns=3
    ).resolve_scale(y="independent").properties(title=chart_title(
        f"{p.name}: economy and population", "World Bank WDI"))
