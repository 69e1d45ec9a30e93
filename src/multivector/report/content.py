"""What the report says, in order: the front page, then the sections.

:func:`build` turns a :class:`multivector.analysis.profile.Profile` into a
:class:`multivector.report.tree.Report`, a plain tree of sections whose blocks are paragraphs,
charts (:mod:`multivector.report.charts`), tables and lists. The front page is
:mod:`multivector.report.front_page`; each section comes from its module in
:mod:`multivector.report.sections`. The HTML renderer (:mod:`multivector.report.html`) and the
PDF renderer (:mod:`multivector.report.pdf`) lay out the same tree, so the two outputs carry the
same words and numbers.

Nothing is estimated in the report. Sentences pick values from the profile (the latest year,
the largest share, the row of the focal state), order them and format them; the only arithmetic
is what a reader could do from the tables (a sum of additive contributions, a position in a
sorted list, a rank as a share of the states ranked). Words that judge come from the stated
thresholds of :data:`multivector.report.words.RANK_BANDS` (``docs/report.md``).
"""

from __future__ import annotations

import datetime as dt

from multivector import __version__
from multivector.analysis.profile import Profile
from multivector.report.front_page import front_page
from multivector.report.sections.balance import balance_section
from multivector.report.sections.claims import claims_section
from multivector.report.sections.economy import commodities_section, minerals_section
from multivector.report.sections.events import events_section
from multivector.report.sections.memberships import memberships_section
from multivector.report.sections.peers import peers_section
from multivector.report.sections.security import security_section
from multivector.report.sections.sensitivity import sensitivity_section
from multivector.report.sections.sources import sources_section
from multivector.report.sections.trade import trade_section
from multivector.report.sections.unga import unga_section
from multivector.report.sections.visits import visits_section
from multivector.report.tree import Report


def build(p: Profile) -> Report:
    """The whole report for one profile."""
    ev = events_section(p)  # shown only when events exist
    sections = [unga_section(p), trade_section(p), security_section(p),
                memberships_section(p), *([ev] if ev is not None else []), visits_section(p),
                minerals_section(p), commodities_section(p),
                balance_section(p), sensitivity_section(p), peers_section(p)]
    claims = claims_section(p)
    if claims is not None:
        sections.append(claims)
    sections.append(sources_section(p))
    return Report(
        iso3=p.iso3, name=p.name,
        title=f"{p.name} ({p.iso3}): balance across the poles, {p.years[0]}-{p.years[1]}",
        subtitle=(f"multivector report · pole set {p.pole_set.name} ({p.pole_set.description})"
                  + (f" · peers: {p.peers.title.lower()}" if p.peers is not None else "")),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__, front=front_page(p), sections=sections, notes=p.notes)
