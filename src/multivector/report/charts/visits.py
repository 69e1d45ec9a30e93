"""The US official visits chart: one mark per visit on a time axis, one row per office.

The visits are the United States' record only (U.S. Office of the Historian): the chart shows
one pole's side and carries no balance. The time axis spans the years asked for; where the
record ends before them, the rest is shaded and labelled (nothing is drawn there).
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.analysis.records import OFFICES
from multivector.report.charts.common import (
    GAP_FILL,
    MUTED,
    POLE_COLOURS,
    WIDTH,
    chart_title,
)

ROW_PX = 34  # height of one office's row


def day(d: dt.date) -> str:
    """A date as the report writes it: ``27 Feb 2023``."""
    return f"{d.day} {d:%b %Y}"


def stay(start: dt.date, end: dt.date) -> str:
    """A visit's dates: ``27-28 Feb 2023``, ``30 Nov - 2 Dec 2010`` or one day."""
    if start == end:
        return day(start)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}-{day(end)}"
    if start.year == end.year:
        return f"{start.day} {start:%b} - {day(end)}"
    return f"{day(start)} - {day(end)}"


def visits_timeline(p: Profile) -> alt.TopLevelMixin | None:
    """The state's US official visits over the years asked for, rows by office (None when the
    profile holds no visit: the report then says so in words)."""
    v = p.visits
    if v.empty:
        return None
    first, last = dt.date(p.years[0], 1, 1), dt.date(p.years[1], 12, 31)
    d = pd.DataFrame({
        "date": [x.isoformat() for x in v["start_date"]],
        "dates": [stay(s, e) for s, e in zip(v["start_date"], v["end_date"], strict=True)],
        "traveler": v["traveler"], "office": v["office"], "place": v["place"],
        "remarks": v["remarks"]})
    rows = list(OFFICES.values())
    x_scale = alt.Scale(type="utc", domain=[first.isoformat(), last.isoformat()], nice=False)
    height = ROW_PX * len(rows)
    marks = alt.Chart(d).mark_point(filled=True, size=110, opacity=0.8, stroke="white",
                                    strokeWidth=0.8, color=POLE_COLOURS["USA"]).encode(
        x=alt.X("date:T", title=None, scale=x_scale,
                axis=alt.Axis(format="%Y", grid=False, labelOverlap=True)),
        y=alt.Y("office:N", title=None, scale=alt.Scale(domain=rows),
                axis=alt.Axis(labelLimit=160)),
        tooltip=[alt.Tooltip("dates:N", title="dates"),
                 alt.Tooltip("traveler:N", title="traveller"), "office:N", "place:N",
                 "remarks:N"])
    layers: list[alt.Chart] = []
    record = p.visits_record
    if record is not None and record.last < last:
        gap = pd.DataFrame({"x0": [record.last.isoformat()], "x1": [last.isoformat()],
                            "label": [f"record ends {day(record.last)}"]})
        layers.append(alt.Chart(gap).mark_rect(color=GAP_FILL, opacity=0.9, clip=True).encode(
            x=alt.X("x0:T", scale=x_scale, title=None), x2="x1:T"))
        layers.append(alt.Chart(gap).mark_text(align="right", baseline="top", dx=-3, dy=2,
                                               fontSize=10.5, color=MUTED).encode(
            x=alt.X("x0:T", scale=x_scale, title=None), y=alt.value(0), text="label:N"))
    n = len(d)
    return alt.layer(*layers, marks).properties(
        width=WIDTH, height=height, title=chart_title(
            f"Visits of the US President and Secretary of State to {p.name}",
            f"{n} visit{'s' if n != 1 else ''} in {p.years[0]}-{p.years[1]}, one mark each at "
            "its first day; the United States' official record only (one pole's side)"))
