"""The security charts: alliance ties with each pole, and military expenditure."""

from __future__ import annotations

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.report.charts.common import (
    channel_values,
    chart_title,
    gap_layers,
    last_year,
    pole_label,
    sized,
    x_years,
    year_domain,
)


def security_ties(p: Profile) -> alt.TopLevelMixin | None:
    """Strength of the alliance ties with each pole over time (ATOP), one strip per pole."""
    df = channel_values(p, "security")
    if df.empty:
        return None
    df = df[df["value"].notna()].assign(x0=lambda d: d["year"] - 0.5,
                                        x1=lambda d: d["year"] + 0.5)
    poles = [pole_label(p, x) for x in p.pole_set.ids]
    rect = alt.Chart(df).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", title="year", scale=alt.Scale(domain=year_domain(p), nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, grid=False)),
        x2="x1:Q",
        y=alt.Y("pole:N", sort=poles, title=None),
        color=alt.Color("value:Q", title="strongest obligation", scale=alt.Scale(
            domain=[0, 1], range=["#f1f3f5", "#08306b"]),
            legend=alt.Legend(values=[0, 0.25, 0.5, 1], format=".2~f", gradientLength=160)),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".2f", title="strength"),
                 alt.Tooltip("n_members:Q", title="members")])
    return sized(alt.layer(*gap_layers(p, last_year(df), "ATOP data end",
                                          30 * len(poles)), rect),
                  height=30 * len(poles)).properties(title=chart_title(
                      f"Alliance ties of {p.name} with each pole",
                      "Strongest obligation in force, either way: 1 defence or offence pact, "
                      "0.3 neutrality, 0.1 non-aggression or consultation, 0 none; a bloc: "
                      "mean over its members"))


def _indicator(p: Profile, code: str) -> pd.DataFrame:
    """The rows of one WDI indicator."""
    ind = p.indicators
    if ind.empty:
        return ind
    return ind[ind["indicator"] == code].astype({"year": int})


def military_expenditure(p: Profile) -> alt.TopLevelMixin | None:
    """Military expenditure in % of GDP (World Bank WDI)."""
    df = _indicator(p, "ms.mil.xpnd.gd.zs")
    if df.empty:
        return None
    df = df.assign(value=df["value"].astype(float))
    base = alt.Chart(df).encode(x=x_years(p), y=alt.Y("value:Q", title="% of GDP",
                                                       scale=alt.Scale(zero=True)))
    layers = [base.mark_line(color="#3c5a80", strokeWidth=2),
              base.mark_point(filled=True, size=22, color="#3c5a80").encode(
                  tooltip=[alt.Tooltip("year:Q", format="d"),
                           alt.Tooltip("value:Q", format=".2f")])]
    return sized(alt.layer(*gap_layers(p, last_year(df), "no WDI data", 170), *layers),
                  height=170).properties(title=chart_title(
                      f"Military expenditure of {p.name}", "Per cent of GDP (World Bank WDI, "
                      "from SIPRI)"))
