"""The sensitivity section: how far the analyst's choices move the composite and the rank."""

from __future__ import annotations

from multivector.analysis.profile import Profile
from multivector.report.charts.sensitivity import (
    sensitivity_evenness,
    sensitivity_factors,
    sensitivity_rank,
    sensitivity_rows,
)
from multivector.report.tree import Block, Paragraph, Section, figure
from multivector.report.words import SOURCES, caption


def sensitivity_section(p: Profile) -> Section:
    """The composite's and the rank's range over the analyst's choices; which choice matters."""
    s = sensitivity_rows(p)
    years = s["year"] if len(s) else None
    blocks: list[Block] = [
        figure("sens-evenness", sensitivity_evenness(p),
                caption(p, SOURCES["sensitivity"], years),
                "the sensitivity run (this warehouse holds no sensitivity tables)"),
        figure("sens-rank", sensitivity_rank(p),
                caption(p, SOURCES["sensitivity"], years),
                "ranks over the sensitivity run"),
        figure("sens-factors", sensitivity_factors(p),
                caption(p, SOURCES["sensitivity"], years, shaded=False),
                "the one-at-a-time ranges of the sensitivity run"),
        Paragraph(
            "Five choices vary together for every state and year: the pole set (core: the "
            "United States, the EU, China, Russia; wide: also Türkiye, the GCC, Japan, Korea, "
            "India), the UNGA measure (split votes, or agreement, Cohen's kappa or ideal-point "
            "distance turned into an affinity), the vote subset (all roll calls, important "
            "votes only, without amendments and paragraphs), the security channel (alliance "
            "obligations at the default weights or at neutrality and non-aggression 0.5, "
            "consultation 0.25; half alliances and half arms suppliers; arms suppliers alone) "
            "and the channel weights (the defaults and 100 draws from a flat Dirichlet "
            "distribution): 80 scenarios × 101 weightings. Ranks "
            "are among all states with a composite in the year under the same choices (1 = most "
            "even). Shown for the years with a composite under the report's settings. After "
            "Saisana, Saltelli & Tarantola (2005) and the OECD/JRC Handbook on Constructing "
            "Composite Indicators (2008).", "method"),
    ]
    return Section("sensitivity", "How much the answer depends on the analyst's choices",
                   blocks, "Sensitivity")
