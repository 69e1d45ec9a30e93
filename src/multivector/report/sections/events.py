"""The events section: cooperative events by pole, shown only when events exist.

Reads the events file (:mod:`multivector.warehouse.events`), not the warehouse: a state without
ingested events gets no section. The section names the files and layouts its events came from.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from multivector.analysis.panel.shares import channel_shares
from multivector.analysis.profile import Profile
from multivector.report.charts.events import events_chart
from multivector.report.tree import Block, Figure, Paragraph, Section, Table
from multivector.warehouse import events as store

LAYOUTS = {"icews": "ICEWS", "gdelt1": "GDELT 1.0", "gdelt2": "GDELT 2.0", "polecat": "POLECAT",
           "text": "multivector text coder"}


def event_shares(p: Profile) -> pd.DataFrame:
    """The events channel's shares for the profile's state and years (empty without events)."""
    return channel_shares(None, "events", p.pole_set, p.years, [p.iso3])


def events_section(p: Profile) -> Section | None:
    """The section, or None when no stored event involves the state in the profile's years."""
    src = store.sources_for(p.iso3, p.years)
    if src.empty:
        return None
    shares = event_shares(p)
    rows = [[LAYOUTS.get(r.source, r.source), Path(r.path).name, f"{int(r.events):,}",
             f"{pd.Timestamp(r.first):%Y-%m-%d} to {pd.Timestamp(r.last):%Y-%m-%d}"]
            for r in src.itertuples()]
    names = sorted({LAYOUTS.get(s, s) for s in src["source"]})
    blocks: list[Block] = [
        Figure("events", events_chart(p, shares),
               f"Source: {', '.join(names)} (ingested event files, below); cooperative "
               "events are PLOVER verbal and material cooperation.",
               f"cooperative events of {p.name}"),
        Table("eventsources", ["source", "file", f"events involving {p.iso3}", "dates"],
              rows, [False, False, True, False], [1.2, 3.0, 1.2, 2.0],
              caption="Event files ingested with 'multivector events ingest'."),
        Paragraph("Cooperative events between the state and each partner, either side "
                  "acting, counted by pole (EU: its members that year). Event data count "
                  "what news reports record, so coverage follows the press; the channel is "
                  "not part of the default composite.", "method"),
    ]
    return Section("events", "Diplomatic events", blocks, "Events")
