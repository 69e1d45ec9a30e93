"""The sensitivity charts: how far the analyst's choices move the composite and the rank."""

from __future__ import annotations

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.report.charts.common import (
    INK,
    chart_title,
    gap_layers,
    last_year,
    sized,
    x_years,
)

FACTOR_LABELS = {
    "pole_set": "pole set (core / wide)",
    "measure": "UNGA measure (split votes / agreement / kappa / ideal points)",
    "subset": "vote subset (all / important / no amendments)",
    "security": "security channel (alliances by obligation / flat / with arms / arms)",
}


def composite_years(p: Profile) -> list[int]:
    """Years in which the profile has a composite under its own settings."""
    if p.balance.empty:
        return []
    return sorted(int(y) for y in p.balance.loc[p.balance["channel"] == "composite", "year"])


def sensitivity_rows(p: Profile) -> pd.DataFrame:
    """The sensitivity summary in the years the profile's own composite covers."""
    s = p.sensitivity
    if s.empty:
        return s
    s = s[s["year"].isin(composite_years(p))]
    return s.astype({"year": int})


def sensitivity_evenness(p: Profile) -> alt.TopLevelMixin | None:
    """The composite under the defaults against its range over every analysis choice."""
    s = sensitivity_rows(p)
    if s.empty:
        return None
    x = x_years(p)
    base = alt.Chart(s)
    layers = [
        base.mark_area(color="#c5d3e6", opacity=0.6, clip=True).encode(
            x=x, y=alt.Y("evenness_min:Q", scale=alt.Scale(domain=[0, 1])),
            y2="evenness_max:Q"),
        base.mark_area(color="#7f9cc4", opacity=0.6, clip=True).encode(
            x=x, y="evenness_p05:Q", y2="evenness_p95:Q"),
        base.mark_line(color=INK, strokeWidth=1.8).encode(
            x=x, y=alt.Y("evenness:Q", title="composite evenness"),
            tooltip=[alt.Tooltip("year:Q", format="d"),
                     alt.Tooltip("evenness:Q", title="default", format=".3f"),
                     alt.Tooltip("evenness_p05:Q", title="5th pct", format=".3f"),
                     alt.Tooltip("evenness_p95:Q", title="95th pct", format=".3f"),
                     alt.Tooltip("evenness_min:Q", title="min", format=".3f"),
                     alt.Tooltip("evenness_max:Q", title="max", format=".3f"),
                     alt.Tooltip("n_runs:Q", title="runs")]),
    ]
    layers[:0] = gap_layers(p, last_year(s), "no composite", 200)
    return sized(alt.layer(*layers), height=200).properties(title=chart_title(
        "How much the analyst's choices move the composite",
        "Line: default settings; dark band: 5th-95th percentile, light band: minimum-maximum "
        "over pole sets, UNGA measures, vote subsets and random weights"))


def sensitivity_rank(p: Profile) -> alt.TopLevelMixin | None:
    """The state's rank among all states under the defaults and over every choice."""
    s = sensitivity_rows(p)
    if s.empty:
        return None
    x = x_years(p)
    base = alt.Chart(s)
    y_scale = alt.Scale(reverse=True, zero=False)
    layers = [
        base.mark_area(color="#c5d3e6", opacity=0.6).encode(
            x=x, y=alt.Y("rank_min:Q", scale=y_scale), y2="rank_max:Q"),
        base.mark_area(color="#7f9cc4", opacity=0.6).encode(x=x, y="rank_p05:Q",
                                                            y2="rank_p95:Q"),
        base.mark_line(color=INK, strokeWidth=1.8, point=alt.OverlayMarkDef(size=14)).encode(
            x=x, y=alt.Y("rank:Q", title="rank (1 = most even)", scale=y_scale),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("rank:Q", format="d"),
                     alt.Tooltip("rank_p05:Q", title="5th pct", format=".0f"),
                     alt.Tooltip("rank_p95:Q", title="95th pct", format=".0f"),
                     alt.Tooltip("rank_min:Q", title="best", format=".0f"),
                     alt.Tooltip("rank_max:Q", title="worst", format=".0f"),
                     alt.Tooltip("n_states:Q", title="states ranked", format=".0f")]),
    ]
    layers[:0] = gap_layers(p, last_year(s), "no composite", 200)
    return sized(alt.layer(*layers), height=200).properties(title=chart_title(
        f"{p.name}'s rank among all states by evenness",
        "Line: default settings; bands as above (5th-95th percentile, minimum-maximum)"))


def sensitivity_factors(p: Profile, year: int | None = None) -> alt.TopLevelMixin | None:
    """Which choice moves the composite most: one-at-a-time ranges in one year."""
    f = p.sensitivity_factors
    if f.empty:
        return None
    f = f[f["evenness_range"].notna() & f["year"].isin(composite_years(p))]
    if year is None and len(f):
        year = int(f["year"].max())
    f = f[f["year"] == year]
    if f.empty:
        return None
    df = pd.DataFrame({"factor": f["factor"].map(lambda x: FACTOR_LABELS.get(x, x)),
                       "evenness_range": f["evenness_range"].astype(float),
                       "rank_range": f["rank_range"].astype(float)})
    order = list(df.sort_values(["evenness_range", "rank_range"], ascending=False)["factor"])
    panels = []
    # one panel per quantity: each bar's length and its label show the same number
    for field, title, fmt, top, tick in (
            ("evenness_range", "range of the composite evenness", ".3f", 0.02, ".2~f"),
            ("rank_range", "range of the rank (places)", ".0f", 2.0, "d")):
        base = alt.Chart(df).encode(
            y=alt.Y("factor:N", title=None, sort=order,
                    axis=alt.Axis(labelLimit=300) if not panels else None),
            x=alt.X(f"{field}:Q", title=title,
                    axis=alt.Axis(format=tick, tickCount=4, labelOverlap=True),
                    scale=alt.Scale(domain=[0, max(top, float(df[field].max()) * 1.3)])))
        bars = base.mark_bar(color="#3c5a80", height=16).encode(
            tooltip=["factor:N", alt.Tooltip("evenness_range:Q", format=".3f"),
                     alt.Tooltip("rank_range:Q", format=".0f")])
        text = base.mark_text(align="left", dx=4, fontSize=10.5, color=INK).encode(
            text=alt.Text(f"{field}:Q", format=fmt))
        panels.append((bars + text).properties(width=170, height=34 * len(df)))
    return alt.hconcat(*panels, spacing=16).properties(title=chart_title(
        f"Which choice moves it most, {year}", "Each choice varied alone, the others at "
        "their defaults, default weights: how far the composite evenness (left) and the "
        "rank among all states (right) move"))
