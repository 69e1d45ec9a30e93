"""The security section: alliance ties with each pole, the ties of the latest year, military
spending."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.report.charts.common import state_name
from multivector.report.charts.security import military_expenditure, security_ties
from multivector.report.tree import Block, Heading, Link, Paragraph, Section, Table, figure
from multivector.report.words import SOURCES, caption

OBLIGATIONS = (("defense", "defence"), ("offense", "offence"), ("neutrality", "neutrality"),
               ("nonaggression", "non-aggression"), ("consultation", "consultation"))


def security_section(p: Profile) -> Section:
    """Alliances with each pole over time, the ties of the latest year, military spending."""
    sec = p.shares[p.shares["channel"] == "security"] if len(p.shares) else p.shares
    blocks: list[Block] = [
        figure("security", security_ties(p),
                caption(p, SOURCES["security"], sec["year"] if len(sec) else None),
                f"{p.name}'s alliances (the ATOP table is not in this warehouse)"),
    ]
    al = p.alliances
    if len(al) and "source" in al and (al["source"] == "atop").any():
        al = al[al["source"] == "atop"]  # the source of the security channel
    if len(al):
        year = int(al["year"].max())
        sub = al[al["year"] == year]
        rows: list[list[str | Link]] = []
        for col, word in OBLIGATIONS:
            if col not in sub:
                continue
            partners = sorted({state_name(x) for x in sub.loc[sub[col] > 0, "partner"]})
            if partners:
                rows.append([word, str(len(partners)), ", ".join(partners)])
        if rows:
            blocks.append(Heading(f"Alliance ties in {year}, by obligation"))
            blocks.append(Table("alliances", ["Obligation", "Partners", "States"], rows,
                                [False, True, False], [1.2, 0.7, 6.0],
                                caption(p, SOURCES["security"], sub["year"], "Year",
                                        shaded=False)))
    mil = p.indicators[p.indicators["indicator"] == "ms.mil.xpnd.gd.zs"] if len(
        p.indicators) else p.indicators
    blocks.append(figure("milex", military_expenditure(p),
                          caption(p, SOURCES["wdi"] + " (ms.mil.xpnd.gd.zs, from SIPRI)",
                                  mil["year"] if len(mil) else None),
                          "military expenditure (World Bank WDI)"))
    blocks.append(Paragraph(
        "A tie with a pole is the strongest obligation in force in the year between the two "
        "states, pledged by either to the other, in the Alliance Treaty Obligations and "
        "Provisions data (ATOP 5): a defence or offence pact counts 1, neutrality 0.3, "
        "non-aggression or consultation 0.1. For a bloc such as the EU it is the mean over the "
        "members of the year, so 0.5 means half the members' strongest tie, not one tie of half "
        "strength. A state with no tie of neutrality or more to any pole has no security "
        "channel. ATOP ends in 2018.", "method"))
    return Section("security", "Security: alliances and military spending", blocks,
                   "Security")
