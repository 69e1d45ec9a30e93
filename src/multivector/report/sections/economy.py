"""The economy sections: strategic minerals, and commodities and the economy."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.report.charts.economy import (
    ECONOMY,
    commodities,
    economy,
    mineral_poles,
    mineral_shares,
)
from multivector.report.tree import Block, Paragraph, Section, figure
from multivector.report.words import SOURCES, caption


def minerals_section(p: Profile) -> Section:
    """Share of world production and rank per mineral; world production by pole."""
    m = p.minerals
    years = m["year"] if len(m) else None
    blocks: list[Block] = [
        figure("minerals", mineral_shares(p),
                caption(p, SOURCES["minerals"], years, shaded=False),
                f"mineral production by {p.name}"),
        figure("mineralpoles", mineral_poles(p),
                caption(p, SOURCES["minerals"], years, shaded=False),
                f"world production of {p.name}'s minerals"),
        Paragraph("Share of world production: the state's production over the world total, "
                  "the source's World row where it publishes one, else the sum over producers. "
                  "Rank 1 is the largest producer. The series end in 2015 or earlier; minerals "
                  "are not part of the balance index (production describes where supply sits, "
                  "not whom the state engages).", "method"),
    ]
    return Section("minerals", "Strategic minerals", blocks, "Minerals")


def commodities_section(p: Profile) -> Section:
    """Fuel and ores-and-metals shares of exports; economy and population."""
    ind = p.indicators
    com = ind[ind["indicator"].isin(ECONOMY[:2])] if len(ind) else ind
    eco = ind[ind["indicator"].isin(ECONOMY[2:])] if len(ind) else ind
    return Section("commodities", "Commodities and economy", nav="Commodities", blocks=[
        figure("commodities", commodities(p),
                caption(p, SOURCES["wdi"] + " (tx.val.fuel.zs.un, tx.val.mmtl.zs.un)",
                        com["year"] if len(com) else None),
                "fuel and metal exports (World Bank WDI)"),
        figure("economy", economy(p),
                caption(p, SOURCES["wdi"], eco["year"] if len(eco) else None),
                "GDP, population and trade (World Bank WDI)"),
    ])
