"""The peers section: the peers' balance, resources against reach, the middle-power index."""

from __future__ import annotations

import pandas as pd

from multivector.analysis.profile import Profile
from multivector.report.charts.common import pole_label, state_name
from multivector.report.charts.peers import (
    peers_balance,
    power_over_time,
    power_scatter,
    power_year,
)
from multivector.report.picks import composite_rows
from multivector.report.tree import Block, Heading, Link, Paragraph, Section, Table, figure
from multivector.report.words import SOURCES, and_list, caption, fixed, pct


def peers_section(p: Profile) -> Section:
    """The peers' balance over time, resources against reach, the middle-power index."""
    pb, pp = p.peers_balance, p.peers_power
    title = p.peers.title if p.peers is not None else "Peers"
    blocks: list[Block] = [
        figure("peers", peers_balance(p),
                caption(p, SOURCES["balance"], pb["year"] if len(pb) else None),
                f"the composite balance of the {title.lower()}"),
    ]
    comp = composite_rows(p)
    section_year = int(comp["year"].max()) if len(comp) else None
    if len(pb) and len(comp):
        year = int(comp["year"].max())
        y = pb[(pb["year"] == year) & pb["evenness"].notna()].sort_values("evenness",
                                                                         ascending=False)
        rows: list[list[str | Link]] = []
        focal = []
        for i, r in enumerate(y.itertuples(), start=1):
            rows.append([str(i), state_name(r.iso3), fixed(r.evenness),
                         pole_label(p, r.dominant_pole), pct(r.dominant_share)])
            if r.iso3 == p.iso3:
                focal.append(i - 1)
        blocks.append(Heading(f"{title} by composite evenness, {year}"))
        blocks.append(Table("peers", ["#", "State", "Evenness", "Largest pole", "its share"],
                            rows, [True, False, True, False, True], [0.5, 3.0, 1.0, 2.0, 1.0],
                            highlight=focal))
    # the scatter compares the peers in the section's year (that of the table above)
    year = power_year(p, section_year) if len(pp) else None
    blocks.append(figure("power-scatter", power_scatter(p, section_year),
                          caption(p, SOURCES["power"], pd.Series([year]) if year else None,
                                  "Year", shaded=False),
                          "the middle-power index"))
    pw = p.power
    blocks.append(figure("power", power_over_time(p),
                          caption(p, SOURCES["power"], pw["year"] if len(pw) else None),
                          f"{p.name}'s middle-power index"))
    sets = (set(p.power["components"].dropna()) if len(p.power) and "components" in p.power
            else set())
    cset = str(next(iter(sets))).split(",") if len(sets) == 1 else None
    if cset:
        blocks.append(Paragraph(
            f"{p.name}'s index is computed on the same components in every year shown "
            f"({and_list([COMPONENT_LABELS.get(c, c) for c in cset])}), so a source that ends does "
            "not move it; a year lacking one of them has no index rather than one on fewer "
            "components.", "text"))
    blocks.append(Paragraph(
        "The middle-power index, after the Lowy Institute's Asia Power Index (2018 weights): "
        "position (55%: share of world GDP and military expenditure, weight 20 each; "
        "population and CINC, 7.5 each) and reach (45%: share of world merchandise trade, "
        "states for which the state is at least 1% of their trade, states with an ATOP "
        "obligation, full IGO memberships; counts scored on log(1 + n)), each scaled 0-100 by "
        "the year's maximum. One component set per ranking and per series: the components "
        "available in every year of the longest unbroken run. The power gap is the residual "
        "of reach regressed on position across the ranked states of the year: positive when "
        "engagement exceeds what resources predict. Rank bands: 5th-95th percentile over "
        "random weights.", "method"))
    return Section("peers", f"Peers and the middle-power index ({title.lower()})", blocks,
                   "Peers and power")


COMPONENT_LABELS = {"gdp": "GDP", "population": "population", "milex": "military spending",
                    "cinc": "CINC", "igo": "IGO memberships", "allies": "allies",
                    "trade_reach": "trade dependants", "vote_breadth": "UN voting partners",
                    "trade_share": "share of world trade"}

