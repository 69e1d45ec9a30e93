"""The events chart: the state's cooperative events by pole, year by year."""

from __future__ import annotations

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.core.vocabulary import REST
from multivector.report.charts.common import HEIGHT, WIDTH, pole_label, pole_scale


def events_chart(p: Profile, shares: pd.DataFrame) -> alt.TopLevelMixin | None:
    """Share of the state's cooperative events with each pole and the rest of the world."""
    d = shares.dropna(subset=["share"])
    if d.empty:
        return None
    d = d.assign(label=[pole_label(p, x) for x in d["pole"]])
    order = [pole_label(p, x) for x in [*p.pole_set.ids, REST]]
    chart = alt.Chart(d).mark_bar().encode(
        x=alt.X("year:O", title="year"),
        y=alt.Y("share:Q", title="share of cooperative events", stack="zero",
                axis=alt.Axis(format="%")),
        color=alt.Color("label:N", title=None, scale=pole_scale(p, rest=True),
                        sort=order, legend=alt.Legend(orient="top")),
        order=alt.Order("pole_order:Q"),
        tooltip=["year:O", "label:N", alt.Tooltip("value:Q", title="events"),
                 alt.Tooltip("share:Q", format=".0%")],
    ).transform_calculate(pole_order=f"indexof({order!r}, datum.label)")
    return chart.properties(width=WIDTH, height=HEIGHT)
