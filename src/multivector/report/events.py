"""The report's events section: cooperative events by pole, shown only when events exist.

Reads the events file (:mod:`multivector.warehouse.events`), not the warehouse: a state without
ingested events gets no section. The section names the files and layouts its events came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import altair as alt
import pandas as pd

from multivector.measures.channels import REST

if TYPE_CHECKING:
    from multivector.analysis.profile import Profile
    from multivector.report.content import Section

LAYOUTS = {"icews": "ICEWS", "gdelt1": "GDELT 1.0", "gdelt2": "GDELT 2.0", "polecat": "POLECAT",
           "text": "multivector text coder"}


def event_shares(p: Profile) -> pd.DataFrame:
    """The events channel's shares for the profile's state and years (empty without events)."""
    from multivector.analysis import panel

    return panel.channel_shares(None, "events", p.pole_set, p.years, [p.iso3])


def events_chart(p: Profile, shares: pd.DataFrame) -> alt.TopLevelMixin | None:
    """Share of the state's cooperative events with each pole and the rest of the world."""
    from multivector.report import charts

    d = shares.dropna(subset=["share"])
    if d.empty:
        return None
    d = d.assign(label=[charts.pole_label(p, x) for x in d["pole"]])
    order = [charts.pole_label(p, x) for x in [*p.pole_set.ids, REST]]
    chart = alt.Chart(d).mark_bar().encode(
        x=alt.X("year:O", title="year"),
        y=alt.Y("share:Q", title="share of cooperative events", stack="zero",
                axis=alt.Axis(format="%")),
        color=alt.Color("label:N", title=None, scale=charts.pole_scale(p, rest=True),
                        sort=order, legend=alt.Legend(orient="top")),
        order=alt.Order("pole_order:Q"),
        tooltip=["year:O", "label:N", alt.Tooltip("value:Q", title="events"),
                 alt.Tooltip("share:Q", format=".0%")],
    ).transform_calculate(pole_order=f"indexof({order!r}, datum.label)")
    return chart.properties(width=charts.WIDTH, height=charts.HEIGHT)


def events_section(p: Profile) -> Section | None:
    """The section, or None when no stored event involves the state in the profile's years."""
    from multivector.report import content as c
    from multivector.warehouse import events as store

    src = store.sources_for(p.iso3, p.years)
    if src.empty:
        return None
    shares = event_shares(p)
    rows = [[LAYOUTS.get(r.source, r.source), Path(r.path).name, f"{int(r.events):,}",
             f"{pd.Timestamp(r.first):%Y-%m-%d} to {pd.Timestamp(r.last):%Y-%m-%d}"]
            for r in src.itertuples()]
    names = sorted({LAYOUTS.get(s, s) for s in src["source"]})
    blocks = [
        c.Figure("events", events_chart(p, shares),
                 f"Source: {', '.join(names)} (ingested event files, below); cooperative "
                 "events are PLOVER verbal and material cooperation.",
                 f"cooperative events of {p.name}"),
        c.Table("eventsources", ["source", "file", f"events involving {p.iso3}", "dates"],
                rows, [False, False, True, False], [1.2, 3.0, 1.2, 2.0],
                caption="Event files ingested with 'multivector events ingest'."),
        c.Paragraph("Cooperative events between the state and each partner, either side "
                    "acting, counted by pole (EU: its members that year). Event data count "
                    "what news reports record, so coverage follows the press; the channel is "
                    "not part of the default composite.", "method"),
    ]
    return c.Section("events", "Diplomatic events", blocks, "Events")
