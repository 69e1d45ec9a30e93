"""The UN General Assembly charts: alignment with each pole per session, and ideal points."""

from __future__ import annotations

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.measures.similarity import MEASURE_TITLES
from multivector.report.charts.common import (
    chart_title,
    gap_layers,
    last_year,
    pole_label,
    pole_scale,
    sized,
    x_years,
)


def unga_alignment(p: Profile) -> alt.TopLevelMixin | None:
    """Alignment with each pole per session, with bootstrap bands."""
    u = p.unga
    if u.empty:
        return None
    o = p.unga_options
    df = pd.DataFrame({"year": u["year"].astype(int), "value": u["value"].astype(float),
                       "lo": u["lo"].astype(float), "hi": u["hi"].astype(float),
                       "pole": [pole_label(p, x) for x in u["pole"]],
                       "session": u["session"].astype(int),
                       "n_votes": u["n_votes"].astype(float)})
    mtitle = MEASURE_TITLES.get(o.alignment_measure, o.alignment_measure)
    if o.alignment_measure in ("agreement", "agreement_half"):
        scale = alt.Scale(domain=[0, 1])
    elif o.alignment_measure == "idealpoint_distance":
        scale = alt.Scale(zero=True)
    else:
        scale = alt.Scale(domain=[-1, 1])
    colour = alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title="pole"))
    base = alt.Chart(df)
    layers = []
    if df["lo"].notna().any():
        layers.append(base.mark_area(opacity=0.16, clip=True).encode(
            x=x_years(p, "year the session opened"), y=alt.Y("lo:Q", scale=scale),
            y2="hi:Q", color=colour))
    layers.append(base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=18)).encode(
        x=x_years(p, "year the session opened"),
        y=alt.Y("value:Q", title=mtitle, scale=scale),
        color=colour,
        tooltip=["pole:N", alt.Tooltip("session:Q", format="d"),
                 alt.Tooltip("value:Q", format=".2f"), alt.Tooltip("lo:Q", format=".2f"),
                 alt.Tooltip("hi:Q", format=".2f"), alt.Tooltip("n_votes:Q", format=".0f")]))
    layers[:0] = gap_layers(p, last_year(df), "no UNGA data")
    band = f"; {o.level:.0%} bootstrap bands" if o.n_boot and df["lo"].notna().any() else ""
    return sized(alt.layer(*layers)).properties(title=chart_title(
        f"UN General Assembly: {p.name}'s {mtitle.lower()} "
        "with each pole", f"Per session, all roll calls{band}"))


def ideal_points(p: Profile) -> alt.TopLevelMixin | None:
    """The focal state's ideal point against the poles', with 95% intervals."""
    ip = p.idealpoints
    if ip.empty:
        return None
    df = pd.DataFrame({"year": ip["year"].astype(int), "theta": ip["theta"].astype(float),
                       "lo": ip["lo"].astype(float), "hi": ip["hi"].astype(float),
                       "who": [pole_label(p, x) for x in ip["who"]],
                       "focal": (ip["who"] == p.iso3).to_numpy()})
    scale = pole_scale(p, focal=True)
    base = alt.Chart(df)
    x = x_years(p, "year the session opened")
    colour = alt.Color("who:N", scale=scale, legend=alt.Legend(title=None))
    band = base.mark_area(opacity=0.14).encode(x=x, y="lo:Q", y2="hi:Q", color=colour)
    line = base.mark_line().encode(
        x=x, y=alt.Y("theta:Q", title="ideal point (United States' side positive)"),
        color=colour,
        strokeWidth=alt.condition("datum.focal", alt.value(3.2), alt.value(1.8)),
        tooltip=["who:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("theta:Q", format=".2f"), alt.Tooltip("lo:Q", format=".2f"),
                 alt.Tooltip("hi:Q", format=".2f")])
    return sized(alt.layer(*gap_layers(p, last_year(df), "no UNGA data"), band, line)).properties(
        title=chart_title(f"Ideal points: {p.name} and the poles",
                          "Dynamic ordinal ideal points per session, 95% intervals; a bloc is "
                          "its members' mean"))
