"""A profile: everything measured for one focal state over a year range.

The profile's defaults are here (pole set ``core``, years 1992-2024, peers ``middle``, UNGA
choices :class:`multivector.analysis.alignment.UngaOptions`, balance choices
:class:`multivector.analysis.options.BalanceOptions`); whether stored results serve a request
is decided in :mod:`multivector.analysis.options`. Reports, the CLI and the API render a
:class:`Profile` and compute nothing themselves. Its parts are computed by
:mod:`~multivector.analysis.alignment` (UNGA alignment and ideal points),
:mod:`~multivector.analysis.records` (trade by pole, partners, formats, US official visits),
:mod:`~multivector.analysis.balance` (shares and balance with intervals),
:mod:`~multivector.analysis.comparison` (sensitivity, power, peers) and
:mod:`~multivector.analysis.coverage` (where the data end).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from multivector.analysis.alignment import (
    UngaOptions,
    idealpoint_trajectories,
    unga_alignment,
    unga_contrast,
)
from multivector.analysis.balance import composite_parts, focal_balance, focal_shares
from multivector.analysis.claims import check as claims_mod
from multivector.analysis.claims.frames import MeasureData
from multivector.analysis.claims.parse import load_claims
from multivector.analysis.comparison import compare
from multivector.analysis.coverage import Coverage, coverage
from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel.minerals import mineral_pole_shares, mineral_production
from multivector.analysis.panel.trade import cached_trade_flows, concentration
from multivector.analysis.records import (
    VisitRecord,
    focal_formats,
    top_partners,
    trade_by_pole,
    us_visits,
)
from multivector.core import peers as peers_mod
from multivector.core import poles as poles_mod
from multivector.core import states
from multivector.core.peers import PeerSet
from multivector.core.validate import years as _validate_years
from multivector.measures.channelset import ChannelSet
from multivector.warehouse import readers
from multivector.warehouse.connect import meta as read_meta

DEFAULT_YEARS = (1992, 2024)
DEFAULT_POLES = "core"
INDICATORS = {
    "ny.gdp.pcap.cd": "GDP per capita (current US$)",
    "sp.pop.totl": "Population, total",
    "tx.val.fuel.zs.un": "Fuel exports (% of merchandise exports)",
    "tx.val.mmtl.zs.un": "Ores and metals exports (% of merchandise exports)",
    "ms.mil.xpnd.gd.zs": "Military expenditure (% of GDP)",
    "tg.val.totl.gd.zs": "Merchandise trade (% of GDP)",
}
DEFAULT_PEERS = "middle"


@dataclass
class Profile:
    """Measures for one focal state, years and pole set (data frames, ready to render)."""

    iso3: str
    name: str
    years: tuple[int, int]
    pole_set: poles_mod.PoleSet
    indicators: pd.DataFrame
    indicator_titles: dict[str, str]
    unga: pd.DataFrame
    unga_contrast: pd.DataFrame
    unga_options: UngaOptions
    idealpoints: pd.DataFrame  # focal and poles: who, session, year, theta, lo, hi
    trade: pd.DataFrame
    coverage: list[Coverage]
    sources: pd.DataFrame
    meta: dict[str, str] = field(default_factory=dict)
    # channels (issue 5) and balance (issue 6); empty frames where a source is absent
    shares: pd.DataFrame = field(default_factory=pd.DataFrame)
    concentration: pd.DataFrame = field(default_factory=pd.DataFrame)
    top_partners: pd.DataFrame = field(default_factory=pd.DataFrame)
    minerals: pd.DataFrame = field(default_factory=pd.DataFrame)
    mineral_poles: pd.DataFrame = field(default_factory=pd.DataFrame)
    alliances: pd.DataFrame = field(default_factory=pd.DataFrame)
    igo_counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    formats: pd.DataFrame = field(default_factory=pd.DataFrame)
    balance: pd.DataFrame = field(default_factory=pd.DataFrame)
    balance_options: BalanceOptions | None = None
    channel_set: ChannelSet | None = None  # the composite's channel set, its run and why
    tilt: pd.DataFrame = field(default_factory=pd.DataFrame)
    decomposition: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    sensitivity_factors: pd.DataFrame = field(default_factory=pd.DataFrame)
    power: pd.DataFrame = field(default_factory=pd.DataFrame)
    power_components: pd.DataFrame = field(default_factory=pd.DataFrame)
    peers: PeerSet | None = None
    peers_power: pd.DataFrame = field(default_factory=pd.DataFrame)
    peers_balance: pd.DataFrame = field(default_factory=pd.DataFrame)
    claims: dict | None = None  # source, file, results (claims.ClaimResult.to_dict)
    # the US pole's official visits to the state (context, not a channel: records.us_visits)
    visits: pd.DataFrame = field(default_factory=pd.DataFrame)
    visits_record: VisitRecord | None = None  # the record's span; None: no visits table

    @property
    def notes(self) -> list[str]:
        """Sentences on where data end or are missing, for every output to show."""
        out = [c.note for c in self.coverage if c.note]
        if len(self.trade):
            gaps = self.trade[self.trade["flag"] == "not reported"]
            for (pole, flow), g in gaps.groupby(["pole", "flow"], sort=False):
                label = self.pole_set.pole(pole).label
                what = f"exports to {label}" if flow == "exports" else f"imports from {label}"
                out.append(f"Trade: {self.name} reports no {what} in "
                           f"{_year_spans(g['year'])}; there is no value for {label} in those "
                           "years (not a zero), and its trade counts in the rest of the world.")
        return out


def build_profile(con: duckdb.DuckDBPyConnection, iso3: str,
                  years: tuple[int, int] = DEFAULT_YEARS,
                  pole_set: str | poles_mod.PoleSet = DEFAULT_POLES,
                  unga_options: UngaOptions | None = None,
                  balance_options: BalanceOptions | None = None,
                  peers: str | PeerSet | None = DEFAULT_PEERS,
                  claims_file: str | None = None) -> Profile:
    """Compose every measure for one state.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        A connection to the warehouse (:func:`multivector.warehouse.connect`).
    iso3 : str
        Focal state (ISO3 code or a name country_converter knows).
    years : (int, int)
        First and last year, inclusive.
    pole_set : str or PoleSet
        ``core``, ``wide`` or a path to the user's TOML file.
    unga_options : UngaOptions, optional
        Measure, bloc rule, vote subset and bootstrap for the UNGA channel.
    balance_options : BalanceOptions, optional
        Channels, weights and intervals of the balance index.
    peers : str or PeerSet, optional
        The states the focal state is compared with (default ``middle``); None for none.
    claims_file : str, optional
        A claims file to check against the data (``multivector claims check``).
    """
    iso3 = states.validate_iso3(iso3)
    years = _validate_years(years)  # OptionError for (), reversed or fractional years
    ps = pole_set if isinstance(pole_set, poles_mod.PoleSet) else poles_mod.load_pole_set(
        pole_set)
    peer = (peers if isinstance(peers, PeerSet) or peers is None
            else peers_mod.load_peer_set(peers))
    codes = list(INDICATORS)
    ind = readers.focal_indicators(con, iso3, years, codes)
    titles = readers.indicator_titles(con, codes)
    uo = unga_options or UngaOptions()
    bo = balance_options or BalanceOptions()
    unga = unga_alignment(con, iso3, years, ps, uo)
    contrast = (unga_contrast(con, iso3, int(unga["session"].max()), ps, uo.bloc)
                if len(unga) and uo.by == "session" else pd.DataFrame())
    ideal = idealpoint_trajectories(con, iso3, years, ps, uo.level)
    trade = trade_by_pole(con, iso3, years, ps)

    # channels
    cache: dict = {}
    sh = focal_shares(con, iso3, years, ps, uo, bo.channels, bo.security_arms, _cache=cache)
    trade_pair = cached_trade_flows(con, years, [iso3], cache)  # read by the shares, or now
    flows = trade_pair[0]
    conc = pd.concat([concentration(con, years, [iso3], side, flows)
                      for side in ("exports", "imports")], ignore_index=True)
    top = top_partners(flows)
    prod = mineral_production(con, years)
    minerals = prod[(prod["iso3"] == iso3) & (prod["value"] > 0)].reset_index(drop=True)
    mpoles = (mineral_pole_shares(prod, ps.membership(range(years[0], years[1] + 1)), [iso3])
              if len(minerals) else pd.DataFrame())
    allies = readers.focal_alliances(con, iso3, years)
    igo_counts = readers.focal_igo_counts(con, iso3, years)
    fmts = focal_formats(iso3)
    visits, visits_record = us_visits(con, iso3, years)

    # balance
    bal_frame = focal_balance(con, iso3, years, ps, uo, bo, shares=sh, trade=trade_pair)
    cset = bal_frame.attrs.get("channel_set")
    tilt, decomposition = composite_parts(sh, iso3, cset, bo)

    # every state: sensitivity, power, peers (stored at build when the settings are default)
    cmp = compare(con, iso3, years, ps, peer, uo, bo)

    claims = None
    if claims_file is not None:
        parsed = load_claims(claims_file)
        claims = {"source": parsed.source, "file": str(claims_file),
                  "results": [r.to_dict() for r in claims_mod.check(parsed, MeasureData(con))]}

    meta = read_meta(con)
    cov = coverage(meta, years, unga, trade, sh, minerals, ind,
                   {code: titles.get(code, INDICATORS[code]) for code in codes})
    src = readers.sources(con)
    return Profile(iso3, states.country_name(iso3), years, ps, ind, titles, unga, contrast, uo,
                   ideal, trade, cov, src, meta,
                   shares=sh, concentration=conc, top_partners=top, minerals=minerals,
                   mineral_poles=mpoles, alliances=allies, igo_counts=igo_counts,
                   formats=fmts, balance=bal_frame, balance_options=bo, channel_set=cset,
                   tilt=tilt, decomposition=decomposition,
                   sensitivity=cmp.sensitivity, sensitivity_factors=cmp.sensitivity_factors,
                   power=cmp.power, power_components=cmp.power_components,
                   peers=peer, peers_power=cmp.peers_power, peers_balance=cmp.peers_balance,
                   claims=claims, visits=visits, visits_record=visits_record)


def _year_spans(years: pd.Series) -> str:
    """``1992, 1993, 1995`` as ``1992-1993, 1995``."""
    ys = sorted({int(y) for y in years})
    spans, start = [], ys[0]
    for prev, cur in zip(ys, [*ys[1:], None], strict=True):
        if cur != prev + 1:
            spans.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = cur
    return ", ".join(spans)
