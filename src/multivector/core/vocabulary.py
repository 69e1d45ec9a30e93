"""The channels and the UNGA session-year rule: the one place either is written down.

Every module that names a channel, labels one, weighs one by default or turns a session into
a year asks this module; nothing else spells the list out (``docs/architecture.md``).

Channels
--------
One row of :data:`CHANNELS` per channel: its name, its label in charts (``label``) and in
running text (``word``), its title and unit, how a bloc's value is formed from its members
(``aggregate``: ``sum`` for volumes, ``mean`` for ties, ``split`` for UNGA roll calls; see
:mod:`multivector.measures.channels`), whether it measures a volume or a similarity (``kind``),
its source, and its default weight in the balance composite (``None``: outside the composite
by default, shown beside it). The composite's candidate channels are
:data:`BALANCE_CHANNELS`, in the order of their default weight (ties: table order).

Sessions and years
------------------
Voeten's session *s* opens in September of year ``1945 + s`` (session 1 = 1946). A session's
year is the year it opened (:func:`session_year`); a calendar year's session is the one that
opened in it (:func:`year_session`). Roll calls of January-August belong to the previous
session's resumed part (:func:`multivector.sources.unga.session_from_date` applies the opening
dates).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

REST = "Rest of world"
COMPOSITE = "composite"
SESSION_OFFSET = 1945  # session s opens in year 1945 + s


@dataclass(frozen=True)
class Channel:
    """One channel of engagement, as every layer names it."""

    name: str
    label: str  # in charts and tables: "UN votes"
    word: str  # in running text: "alliances"
    title: str
    unit: str
    aggregate: str  # "sum", "mean" or "split" (measures.channels)
    kind: str  # "volume" or "similarity"
    source: str
    description: str
    weight: float | None = None  # default weight in the composite; None: not in it by default


CHANNELS: dict[str, Channel] = {c.name: c for c in (
    Channel("unga", "UN votes", "UN votes", "UN General Assembly votes", "roll calls",
            "split", "similarity", "Voeten, Strezhnev & Bailey, United Nations General "
            "Assembly Voting Data", "on roll calls where the poles split, the state's vote "
            "credited to the poles that cast the same vote", 1.0),
    Channel("exports", "Exports", "exports", "Exports by buyer", "US$ million", "sum",
            "volume", "IMF DOTS (COW Trade before 1960); national statistics of KAZ, UZB, "
            "KGZ to 2023", "the focal state's exports to each partner, FOB, as it reports "
            "them; the partner's mirror figure where its own is missing", 1.0),
    Channel("imports", "Imports", "imports", "Imports by supplier", "US$ million", "sum",
            "volume", "IMF DOTS (COW Trade before 1960); national statistics of KAZ, UZB, "
            "KGZ to 2023", "the focal state's imports from each partner, CIF, as it reports "
            "them; the partner's mirror figure where its own is missing", 1.0),
    Channel("security", "Alliances", "alliances", "Alliance ties", "tie strength", "mean",
            "similarity", "ATOP 5", "strength of the strongest alliance obligation with each "
            "partner in force that year, in either direction, weighted by obligation "
            "(defence and offence pacts above neutrality, above non-aggression and "
            "consultation: measures.channels.SECURITY_WEIGHTS); optionally mixed with the "
            "shares of arms suppliers (--security-arms, measures.security_mix)", 1.0),
    Channel("igo", "IGOs", "IGOs", "Shared IGO memberships", "shared IGOs", "mean",
            "similarity", "manyIOs MIGO (Roger & Rowan) to 2010", "number of "
            "intergovernmental organisations in which both are full members, leaving out "
            "those every pole belongs to", 0.5),
    Channel("formats", "Formats", "formats", "Shared regional formats", "shared formats",
            "mean", "similarity", "multivector formats table", "number of the formats of the "
            "maintained table (EAEU, CSTO, SCO, CIS, OTS, CICA, BRICS, C5+1...) both belong "
            "to, leaving out those every pole belongs to; only for the post-Soviet and SCO "
            "states the table is built for", 0.5),
    Channel("arms", "Arms imports", "arms imports", "Arms imports by supplier", "TIV million",
            "sum", "volume", "SIPRI Arms Transfers Database", "SIPRI trend-indicator value of "
            "the major conventional arms delivered to the focal state by each supplier that "
            "year; unknown suppliers, non-state actors and organisations count in the total "
            "(rest of the world)"),
    Channel("investment", "Investment", "inward investment", "Inward FDI stock by partner",
            "EUR million", "sum", "volume", "wiiw FDI Database (National Bank of Kazakhstan)",
            "the focal state's inward FDI stock by immediate investing country; Kazakhstan "
            "only (2003-2021)"),
    Channel("events", "Events", "cooperative events", "Cooperative events", "events", "sum",
            "volume", "ingested event data (ICEWS, GDELT, POLECAT)", "events of verbal or "
            "material cooperation (PLOVER quad classes 1-2) between the focal state and each "
            "partner, either side acting; outside the default composite"),
)}

DEFAULT_WEIGHTS: dict[str, float] = {n: c.weight for n, c in CHANNELS.items()
                                     if c.weight is not None}
"""Default composite weights (docs/methods.md: the four channels of direct engagement 1, the
two membership channels 0.5)."""
BALANCE_CHANNELS: tuple[str, ...] = tuple(DEFAULT_WEIGHTS)
"""The channels the composite may use, in table order."""
EXTRA_CHANNELS: tuple[str, ...] = tuple(n for n in ("arms", "investment") if n in CHANNELS)
"""Channels a user may ask for by name, shown beside the composite, never in it by default."""
LABELS: dict[str, str] = {COMPOSITE: "Composite", **{n: c.label for n, c in CHANNELS.items()}}
WORDS: dict[str, str] = {COMPOSITE: "composite", **{n: c.word for n, c in CHANNELS.items()}}
ORDER: tuple[str, ...] = (COMPOSITE, *BALANCE_CHANNELS)
"""Chart and table order: the composite first, then the balance channels."""


def label(name: str) -> str:
    """A channel's label in charts and tables (the name itself when unknown)."""
    return LABELS.get(name, name)


def session_year(session):
    """The year session ``session`` opened (int, array or Series alike): ``1945 + session``."""
    if isinstance(session, pd.Series):
        return session.astype(int) + SESSION_OFFSET
    if isinstance(session, np.ndarray):
        return session.astype(int) + SESSION_OFFSET
    return int(session) + SESSION_OFFSET


def year_session(year):
    """The session that opened in ``year`` (int, array or Series alike): ``year - 1945``."""
    if isinstance(year, pd.Series | np.ndarray):
        return year.astype(int) - SESSION_OFFSET
    return int(year) - SESSION_OFFSET
