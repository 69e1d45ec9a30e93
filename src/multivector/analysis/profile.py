"""A profile: everything measured for one focal state over a year range.

This is the single place where defaults are chosen (pole set ``core``, years 1992-2024, UNGA
agreement on all roll calls, bloc alignment as the mean over members); reports, the CLI and the
API render a :class:`Profile` and compute nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd
from scipy.special import ndtri

from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel import load_rollcalls, load_votes, session_range
from multivector.core import poles as poles_mod
from multivector.core import states
from multivector.core.peers import PeerSet
from multivector.core.validate import years as _validate_years
from multivector.measures import alignment, shares, similarity
from multivector.measures.channelset import ChannelSet
from multivector.measures.decomposition import decompose
from multivector.measures.weight_draws import (
    composite_evenness,
    pole_counts,
    share_array,
    weight_matrix,
)

if TYPE_CHECKING:
    from multivector.analysis.panel import UngaChannel

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
class Coverage:
    """Where a channel's data start and end for the focal state, against the years asked."""

    channel: str
    source: str
    first_year: int | None
    last_year: int | None
    asked: tuple[int, int]
    detail: str = ""

    @property
    def note(self) -> str | None:
        """A sentence for the reader when the data do not cover the years asked."""
        y0, y1 = self.asked
        if self.last_year is None:
            return (f"{self.channel}: no data for {y0}-{y1} in {self.source}; "
                    "nothing is shown and nothing is estimated.")
        parts = []
        if self.last_year < y1:
            gap = (f"{self.last_year + 1}" if self.last_year + 1 == y1
                   else f"{self.last_year + 1}-{y1}")
            parts.append(f"data end in {self.last_year}{self.detail}; {gap} "
                         f"{'is' if self.last_year + 1 == y1 else 'are'} not shown and not "
                         "extrapolated")
        if self.first_year is not None and self.first_year > y0:
            parts.append(f"data start in {self.first_year}")
        return f"{self.channel} ({self.source}): " + "; ".join(parts) + "." if parts else None


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


@dataclass(frozen=True)
class UngaOptions:
    """The analyst's choices for the UNGA channel (defaults documented in docs/methods.md)."""

    measure: str = "split"  # the channel's; the alignment section shows agreement then
    bloc: str = "mean"
    by: str = "session"
    issue: str | None = None
    important_only: bool = False
    amendments: bool = True
    paragraphs: bool = True
    n_boot: int = 500
    level: float = 0.95
    seed: int = 1992

    def __post_init__(self) -> None:  # the CLI's rules (multivector.core.validate), same words
        from multivector.core import validate
        from multivector.core.errors import OptionError
        from multivector.measures.similarity import MEASURES

        measures = ("split", *MEASURES, "idealpoint_distance")
        for name, value, allowed in (("measure", self.measure, measures),
                                     ("bloc", self.bloc, ("mean", "majority")),
                                     ("by", self.by, ("session", "year"))):
            if value not in allowed:
                raise OptionError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
        validate.number(self.n_boot, "n_boot")
        validate.number(self.level, "level")
        validate.number(self.seed, "seed")

    @property
    def alignment_measure(self) -> str:
        """The dyadic measure the alignment section shows: split-vote shares are no dyadic
        alignment, so agreement then."""
        return "agreement" if self.measure == "split" else self.measure

    def channel(self) -> UngaChannel:
        """The UNGA channel of the balance under these choices
        (:class:`multivector.analysis.panel.UngaChannel`)."""
        from multivector.analysis import panel

        return panel.UngaChannel(self.measure, self.issue, self.important_only,
                                 self.amendments, self.paragraphs)


def unga_alignment(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                   pole_set: poles_mod.PoleSet, options: UngaOptions | None = None
                   ) -> pd.DataFrame:
    """Alignment of ``iso3`` with each pole per session (or year), with bootstrap intervals."""
    o = options or UngaOptions()
    if o.measure != o.alignment_measure:
        o = replace(o, measure=o.alignment_measure)
    membership = pole_set.membership(range(years[0], years[1] + 1))
    if o.measure == "idealpoint_distance":
        from multivector.warehouse import idealpoints as idealpoint_store

        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
        sessions = session_range(years)
        points = points[points["session"].between(*sessions)]
        return alignment.idealpoint_distance(points, iso3, membership, pole_set.ids, o.level)
    rc = similarity.subset_rollcalls(load_rollcalls(con, years, o.by), o.issue,
                                     o.important_only, o.amendments, o.paragraphs)
    votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
    return alignment.pole_alignment(votes, rc, iso3, membership, pole_set.ids, o.measure,
                                    o.by, o.bloc, o.n_boot, o.level, o.seed)


def idealpoint_trajectories(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                            pole_set: poles_mod.PoleSet, level: float = 0.95) -> pd.DataFrame:
    """The focal state's ideal points and each pole's, per session, with intervals.

    Returns ``who, session, year, theta, lo, hi`` (``who`` is the ISO3 code of the focal
    state or a pole id); empty when the warehouse holds no ideal points.
    """
    from multivector.warehouse import idealpoints as idealpoint_store

    membership = pole_set.membership(range(years[0], years[1] + 1))
    try:
        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["who", "session", "year", "theta", "lo", "hi"])
    points = points[points["session"].between(*session_range(years))]
    z = float(ndtri(0.5 + level / 2))
    focal = points[points["iso3"] == iso3].assign(who=iso3)
    focal = focal.assign(lo=focal["theta"] - z * focal["se"], hi=focal["theta"] + z * focal["se"])
    poles = alignment.pole_trajectories(points, membership, pole_set.ids, level)
    cols = ["who", "session", "year", "theta", "lo", "hi"]
    return pd.concat([focal.assign(year=1945 + focal["session"])[cols],
                      poles.rename(columns={"pole": "who"})[cols]], ignore_index=True)


def unga_contrast(con: duckdb.DuckDBPyConnection, iso3: str, session: int,
                  pole_set: poles_mod.PoleSet, bloc: str = "mean") -> pd.DataFrame:
    """Every measure of alignment with each pole in one session (for contrasting them)."""
    year = 1945 + session
    membership = pole_set.membership([year])
    rc = load_rollcalls(con, (year, year))
    votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
    frames = [alignment.pole_alignment(votes, rc, iso3, membership, pole_set.ids, m,
                                       bloc=bloc) for m in similarity.MEASURES]
    from multivector.warehouse import idealpoints as idealpoint_store

    try:
        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
        frames.append(alignment.idealpoint_distance(points[points["session"] == session], iso3,
                                                    membership, pole_set.ids))
    except duckdb.CatalogException:  # a warehouse built before ideal points were cached
        pass
    return pd.concat(frames, ignore_index=True)


def trade_by_pole(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                  pole_set: poles_mod.PoleSet) -> pd.DataFrame:
    """Exports and imports of ``iso3`` by pole and year, as the IMF reports them."""
    raw = con.execute("SELECT partner, partner_label, partner_kind, year, flow, value_usd_m "
                      "FROM trade WHERE reporter = ? AND year BETWEEN ? AND ?",
                      [iso3, *years]).df()
    if raw.empty:
        return pd.DataFrame(columns=["pole", "year", "flow", "value_usd_m", "share",
                                     "total_usd_m", "flag"])
    membership = pole_set.membership(range(years[0], years[1] + 1))
    return shares.trade_shares(raw, membership)


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
        A connection to the warehouse (:func:`multivector.warehouse.builder.connect`).
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
    from multivector.analysis import options, panel
    from multivector.core import peers as peers_mod
    from multivector.measures import balance as bal

    iso3 = states.validate_iso3(iso3)
    years = _validate_years(years)  # OptionError for (), reversed or fractional years
    ps = pole_set if isinstance(pole_set, poles_mod.PoleSet) else poles_mod.load_pole_set(
        pole_set)
    peer = (peers if isinstance(peers, PeerSet) or peers is None
            else peers_mod.load_peer_set(peers))
    codes = list(INDICATORS)
    ind = con.execute("SELECT year, indicator, value FROM indicators WHERE iso3 = ? AND "
                      "year BETWEEN ? AND ? AND indicator IN (SELECT unnest(?)) "
                      "ORDER BY indicator, year", [iso3, *years, codes]).df()
    titles = dict(con.execute("SELECT indicator, title FROM indicator_meta WHERE indicator "
                              "IN (SELECT unnest(?))", [codes]).fetchall())
    uo = unga_options or UngaOptions()
    bo = balance_options or BalanceOptions()
    unga = unga_alignment(con, iso3, years, ps, uo)
    contrast = (unga_contrast(con, iso3, int(unga["session"].max()), ps, uo.bloc)
                if len(unga) and uo.by == "session" else pd.DataFrame())
    ideal = idealpoint_trajectories(con, iso3, years, ps, uo.level)
    trade = trade_by_pole(con, iso3, years, ps)

    # channels
    cache: dict = {}
    sh = focal_shares(con, iso3, years, ps, uo, bo.channels, _cache=cache)
    trade_key = ("trade", years, (iso3,))
    if trade_key not in cache:  # no trade channel among the balance's channels
        cache[trade_key] = panel.trade_flows(con, years, [iso3])
    flows = cache[trade_key][0]
    conc = pd.concat([panel.concentration(con, years, [iso3], side, flows)
                      for side in ("exports", "imports")], ignore_index=True)
    top = _top_partners(flows)
    prod = panel.mineral_production(con, years)
    minerals = prod[(prod["iso3"] == iso3) & (prod["value"] > 0)].reset_index(drop=True)
    mpoles = (panel.mineral_pole_shares(prod, ps.membership(range(years[0], years[1] + 1)),
                                        [iso3]) if len(minerals) else pd.DataFrame())
    allies = _alliances(con, iso3, years)
    igo_counts = _igo_counts(con, iso3, years)
    fmts = _formats(iso3)

    # balance
    bal_frame = focal_balance(con, iso3, years, ps, uo, bo, shares=sh,
                              trade=cache[trade_key])
    tilt = pd.DataFrame()
    decomposition = pd.DataFrame()
    cset = bal_frame.attrs.get("channel_set")
    if len(sh) and cset is not None and cset.channels:
        comp = bal.composite_shares(sh, bo.weight_dict(), bo.min_channels,
                                    sets=bal.sets_frame({iso3: cset}))
        tilt = pd.concat([bal.tilt(bal.complete_only(sh)),
                          bal.tilt(comp[["iso3", "year", "channel", "pole", "share"]])],
                         ignore_index=True)
        if cset.run is not None and cset.run[1] > cset.run[0]:
            try:  # over the headline run: the set is complete at both ends
                decomposition = decompose(sh, iso3, cset.run[0], cset.run[1],
                                          bo.weight_dict(), cset.channels)
            except ValueError:
                decomposition = pd.DataFrame()

    # every state: sensitivity, power, peers (stored at build when the settings are default)
    defaults = (ps.name in poles_mod.packaged_pole_sets() and uo.measure == "split"
                and bo == BalanceOptions(n_boot=bo.n_boot, level=bo.level, seed=bo.seed))
    sens = options.stored(con, "derived_sensitivity", "sensitivity", "WHERE iso3 = ?", [iso3])
    factors = options.stored(con, "derived_sensitivity_factors", "sensitivity",
                           "WHERE iso3 = ?", [iso3])
    power = options.stored(con, "derived_power", "power")
    pcomp = options.stored(con, "derived_power_components", "power", "WHERE iso3 = ?", [iso3])
    if power is None:
        from multivector.measures import power as pw

        allcomp = panel.power_components(con, years)
        power = pw.power_index(allcomp)
        pcomp = allcomp[allcomp["iso3"] == iso3]
    members = list(peer.members) if peer is not None else []
    focal_power = power[power["iso3"] == iso3].sort_values("year").reset_index(drop=True)
    focal_power = focal_power[focal_power["year"].between(*years)]
    peers_power = power[power["iso3"].isin({iso3, *members})]
    peers_power = peers_power[peers_power["year"].between(*years)].reset_index(drop=True)
    peers_balance = pd.DataFrame()
    stored = (options.stored(con, "derived_balance", "balance",
                           "WHERE pole_set = ? AND channel = 'composite'", [ps.name])
              if defaults and years == options.SERIES_YEARS else None)
    if stored is not None:
        peers_balance = stored[stored["iso3"].isin({iso3, *members})
                               & stored["year"].between(*years)].reset_index(drop=True)
    elif members:
        psh = panel.all_shares(con, ps, years, sorted({iso3, *members}), bo.channels,
                               uo.channel())
        b = bal.balance(psh, bo.weight_dict(), bo.min_channels, span=years,
                        channels=bo.channel_set)
        peers_balance = b[b["channel"] == "composite"].reset_index(drop=True)

    claims = None
    if claims_file is not None:
        from multivector.analysis.claims import check as claims_mod
        from multivector.analysis.claims.frames import MeasureData
        from multivector.analysis.claims.parse import load_claims

        parsed = load_claims(claims_file)
        claims = {"source": parsed.source, "file": str(claims_file),
                  "results": [r.to_dict() for r in
                              claims_mod.check(parsed, MeasureData(con))]}

    from multivector.warehouse import meta as read_meta

    meta = read_meta(con)
    coverage = _coverage(meta, years, unga, trade, sh, minerals, ind, titles, codes)
    src = con.execute("SELECT s.source, s.title, s.citation, s.coverage, s.licence, "
                      "count(p.file) AS files, sum(p.rows) AS rows FROM sources s "
                      "LEFT JOIN provenance p USING (source) GROUP BY ALL "
                      "ORDER BY s.source").df()
    return Profile(iso3, states.country_name(iso3), years, ps, ind, titles, unga, contrast, uo,
                   ideal, trade, coverage, src, meta,
                   shares=sh, concentration=conc, top_partners=top, minerals=minerals,
                   mineral_poles=mpoles, alliances=allies, igo_counts=igo_counts,
                   formats=fmts, balance=bal_frame, balance_options=bo, channel_set=cset,
                   tilt=tilt,
                   decomposition=decomposition,
                   sensitivity=sens if sens is not None else pd.DataFrame(),
                   sensitivity_factors=factors if factors is not None else pd.DataFrame(),
                   power=focal_power,
                   power_components=pcomp if pcomp is not None else pd.DataFrame(),
                   peers=peer, peers_power=peers_power, peers_balance=peers_balance,
                   claims=claims)


CHANNEL_SOURCES = {
    "unga": ("UN General Assembly votes", "Voeten et al., three forms combined"),
    "exports": ("Exports by buyer", "IMF DOTS (COW Trade before 1960)"),
    "imports": ("Imports by supplier", "IMF DOTS (COW Trade before 1960)"),
    "security": ("Alliances", "ATOP 5"),
    "igo": ("Shared IGO memberships", "COW IGO v3"),
    "formats": ("Shared regional formats", "multivector formats table"),
}


def _coverage(meta: dict[str, str], years: tuple[int, int], unga: pd.DataFrame,
              trade: pd.DataFrame, sh: pd.DataFrame, minerals: pd.DataFrame,
              ind: pd.DataFrame, titles: dict[str, str], codes: list[str]) -> list[Coverage]:
    last_session = int(meta.get("unga_last_session", 0))
    out = [
        Coverage("UN General Assembly votes", "Voeten et al., three forms combined",
                 _first(unga, "year"), _last(unga, "year"), years,
                 detail=(f" (session {last_session}, opened {1945 + last_session}; last roll "
                         f"call {meta.get('unga_last_date')})")),
        Coverage("Trade by partner", "IMF DOTS", _first(trade, "year"), _last(trade, "year"),
                 years),
    ]
    for ch_ in ("security", "igo", "formats"):
        sub = sh[sh["channel"] == ch_] if len(sh) else sh
        title, source = CHANNEL_SOURCES[ch_]
        out.append(Coverage(title, source, _first(sub, "year"), _last(sub, "year"), years))
    out.append(Coverage("Mineral production", "BGS (2016); Clio Infra & USGS",
                        _first(minerals, "year"), _last(minerals, "year"), years))
    for code in codes:
        sub = ind[ind["indicator"] == code]
        out.append(Coverage(titles.get(code, INDICATORS[code]), "World Bank WDI",
                            _first(sub, "year"), _last(sub, "year"), years))
    return out


def _top_partners(flows: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` largest buyers and suppliers per year with their shares."""
    f = flows.copy()
    f["share"] = f["value_usd_m"] / f.groupby(["iso3", "year", "flow"])[
        "value_usd_m"].transform("sum")
    f = f.sort_values(["flow", "year", "value_usd_m"], ascending=[True, True, False])
    f["rank"] = f.groupby(["flow", "year"]).cumcount() + 1
    f = f[f["rank"] <= n]
    f["partner_name"] = f["partner"].map(_safe_name)
    return f[["iso3", "year", "flow", "rank", "partner", "partner_name", "value_usd_m",
              "share", "flag", "source"]].reset_index(drop=True)


def _safe_name(code: str) -> str:
    try:
        return states.country_name(code)
    except Exception:  # a historical or group code without a display name
        return code


def _alliances(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int]
               ) -> pd.DataFrame:
    """The focal state's alliance ties per year (ATOP and COW), one row per partner-year."""
    try:
        return con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, defense, offense, "
                           "neutrality, nonaggression, consultation, source FROM alliances "
                           "WHERE iso3_a = ? AND year BETWEEN ? AND ? ORDER BY source, year, "
                           "partner", [iso3, *years]).df()
    except duckdb.CatalogException:
        return pd.DataFrame()


def _igo_counts(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int]
                ) -> pd.DataFrame:
    try:
        return con.execute("SELECT * FROM igo_states WHERE iso3 = ? AND year BETWEEN ? AND ? "
                           "ORDER BY year", [iso3, *years]).df()
    except duckdb.CatalogException:
        return pd.DataFrame()


def _formats(iso3: str) -> pd.DataFrame:
    from multivector.sources import formats

    t = formats.load_formats()
    return t[t["iso3"] == iso3].reset_index(drop=True)


def _year_spans(years: pd.Series) -> str:
    """``1992, 1993, 1995`` as ``1992-1993, 1995``."""
    ys = sorted({int(y) for y in years})
    spans, start = [], ys[0]
    for prev, cur in zip(ys, [*ys[1:], None], strict=True):
        if cur != prev + 1:
            spans.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = cur
    return ", ".join(spans)


def _first(frame: pd.DataFrame, col: str) -> int | None:
    return int(frame[col].min()) if len(frame) else None


def _last(frame: pd.DataFrame, col: str) -> int | None:
    return int(frame[col].max()) if len(frame) else None


# ------------------------------------------------------------------------------------- balance
BALANCE_COLUMNS = ["iso3", "year", "channel", "evenness", "hhi_norm", "dominant_pole",
                   "dominant_share", "margin", "lo", "hi", "n_poles", "poles_share",
                   "n_channels", "channels"]


def focal_shares(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                 pole_set: poles_mod.PoleSet, unga: UngaOptions | None = None,
                 channels: tuple[str, ...] = BalanceOptions.channels,
                 _cache: dict | None = None) -> pd.DataFrame:
    """Shares by pole of every channel for one state (:func:`multivector.analysis.panel.all_shares`;
    ``_cache`` as there)."""
    from multivector.analysis import panel

    o = unga or UngaOptions()
    return panel.all_shares(con, pole_set, years, [iso3], channels, o.channel(),
                            _cache=_cache)


def _unga_replicate_shares(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                           pole_set: poles_mod.PoleSet, o: UngaOptions, n_boot: int,
                           seed: int) -> pd.DataFrame:
    """UNGA shares by pole for each bootstrap replicate: ``year, replicate, pole, share``.

    Vote measures: roll calls resampled within each session (the same resamples for every
    pole, :func:`multivector.measures.alignment.pole_alignment`). Ideal-point distance: each
    ideal point drawn from its normal approximation (theta, se), independently.
    """
    from multivector.measures import balance as bal

    membership = pole_set.membership(range(years[0], years[1] + 1))
    if o.measure == "split":
        from multivector.measures import splitvotes

        rc = similarity.subset_rollcalls(load_rollcalls(con, years), o.issue,
                                         o.important_only, o.amendments, o.paragraphs)
        rc = rc.assign(year=rc["session"].astype(int) + 1945)
        votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
        return splitvotes.bootstrap_shares(votes, rc[["rcid", "year"]], membership, iso3,
                                           n_boot, seed)
    if o.measure == "idealpoint_distance":
        from multivector.warehouse import idealpoints as idealpoint_store

        pts = idealpoint_store.load(con, "default")
        sd = float(pts["theta"].std())
        pts = pts[pts["session"].between(*session_range(years))]
        pts = pts.assign(year=pts["session"].astype(int) + 1945)
        rng = np.random.default_rng(seed)
        draws = rng.standard_normal((len(pts), n_boot))
        theta = pts["theta"].to_numpy()[:, None] + pts["se"].to_numpy()[:, None] * draws
        f_rows = (pts["iso3"] == iso3).to_numpy()
        fy = dict(zip(pts.loc[f_rows, "year"], np.flatnonzero(f_rows), strict=True))
        mem = membership[membership["iso3"] != iso3].merge(
            pts.reset_index(drop=True).reset_index()[["index", "iso3", "year"]],
            on=["iso3", "year"])
        mem = mem[mem["year"].isin(fy)]
        focal_idx = mem["year"].map(fy).to_numpy()
        dist = np.abs(theta[mem["index"].to_numpy()] - theta[focal_idx])
        reps = pd.DataFrame(dist, index=pd.MultiIndex.from_frame(mem[["pole", "year"]]))
        reps = reps.groupby(level=["pole", "year"]).mean().stack().rename("value")
        reps = reps.reset_index().rename(columns={"level_2": "replicate"})
        reps["value"] = bal.affinity(reps["value"], o.measure, sd)
    else:
        rc = similarity.subset_rollcalls(load_rollcalls(con, years, o.by), o.issue,
                                         o.important_only, o.amendments, o.paragraphs)
        votes = load_votes(con, rc["rcid"], sorted({iso3, *membership["iso3"]}))
        _, reps = alignment.pole_alignment(votes, rc, iso3, membership, pole_set.ids,
                                           o.measure, o.by, o.bloc, n_boot, o.level, seed,
                                           keep_replicates=True)
        reps["value"] = bal.affinity(reps["value"].astype(float), o.measure)
    tot = reps.groupby(["year", "replicate"])["value"].transform("sum")
    reps["share"] = reps["value"] / tot.where(tot > 0)
    return reps[["year", "replicate", "pole", "share"]]


def focal_balance(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                  pole_set: poles_mod.PoleSet, unga: UngaOptions | None = None,
                  options: BalanceOptions | None = None,
                  shares: pd.DataFrame | None = None,
                  trade: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Balance per channel and composite for one state, with intervals.

    ``shares`` (:func:`focal_shares`) and ``trade`` (:func:`multivector.analysis.panel.trade_flows` of
    the state) are read from the warehouse when not given.

    Intervals (``lo``, ``hi``, at ``options.level``):

    * ``unga``: percentile interval of the evenness over bootstrap resamples of each
      session's roll calls (or draws of the ideal points from their normal approximation);
    * ``exports``, ``imports``: the evenness computed from the focal state's own figures and
      from its partners' mirror figures (:func:`multivector.analysis.panel.trade_shares`,
      ``prefer="partner"``): the range the choice of reporter spans;
    * ``composite``: percentile interval over the UNGA replicates, each combined with one of
      the two trade versions in turn; the other channels (alliances, memberships, formats) are
      records, not samples, and enter as they are (their dependence on analyst choices is in
      the sensitivity run).

    Returns
    -------
    pandas.DataFrame
        :data:`BALANCE_COLUMNS`.
    """
    from multivector.analysis import panel
    from multivector.measures import balance as bal

    o = unga or UngaOptions()
    bo = options or BalanceOptions()
    w = bo.weight_dict()
    sh = shares if shares is not None else focal_shares(con, iso3, years, pole_set, o,
                                                        bo.channels)
    if sh.empty:
        return pd.DataFrame(columns=BALANCE_COLUMNS)
    point = bal.balance(sh, w, bo.min_channels, span=years, channels=bo.channel_set)
    sets = point.attrs.get("sets", {})
    channel_set = sets.get(iso3)
    point["lo"], point["hi"] = np.nan, np.nan
    alpha = (1 - bo.level) / 2
    chans = [c for c in bo.channels if c in set(sh["channel"])]
    # trade: reporter's against partners' figures
    alt = sh
    if {"exports", "imports"} & set(chans):
        membership = pole_set.membership(range(years[0], years[1] + 1))
        flows, totals = trade if trade is not None else panel.trade_flows(con, years, [iso3])
        alt_frames = [panel.trade_shares(flows, totals, f, membership, prefer="partner")
                      for f in ("exports", "imports") if f in chans]
        alt = pd.concat([sh[~sh["channel"].isin(["exports", "imports"])], *alt_frames],
                        ignore_index=True)
        alt_b = bal.channel_balance(alt[alt["channel"].isin(["exports", "imports"])])
        both = pd.concat([point[["iso3", "year", "channel", "evenness"]],
                          alt_b[["iso3", "year", "channel", "evenness"]]])
        rng_ = both.groupby(["iso3", "year", "channel"])["evenness"].agg(["min", "max"])
        trade_rows = point["channel"].isin(["exports", "imports"])
        idx = pd.MultiIndex.from_frame(point.loc[trade_rows, ["iso3", "year", "channel"]])
        point.loc[trade_rows, "lo"] = rng_["min"].reindex(idx).to_numpy()
        point.loc[trade_rows, "hi"] = rng_["max"].reindex(idx).to_numpy()
    # UNGA bootstrap, carried into the composite
    if "unga" in chans and bo.n_boot > 0:
        reps = _unga_replicate_shares(con, iso3, years, pole_set, o, bo.n_boot, bo.seed)
        if len(reps):
            reps = reps.assign(iso3=iso3, channel="unga")
            units_u, _, poles_u, S_u = share_array(reps, ["iso3", "year", "replicate"],
                                                   ["unga"])
            n_u = pole_counts(reps, units_u, poles_u, ["iso3", "year", "replicate"])
            j_u, _ = composite_evenness(S_u, np.ones((1, 1)), n_u, 1)
            ev = units_u.assign(evenness=j_u[0]).groupby(["iso3", "year"])["evenness"]
            q = ev.quantile(alpha).rename("_lo").to_frame().join(
                ev.quantile(1 - alpha).rename("_hi"))
            urow = point["channel"] == "unga"
            idx = pd.MultiIndex.from_frame(point.loc[urow, ["iso3", "year"]])
            point.loc[urow, "lo"] = q["_lo"].reindex(idx).to_numpy()
            point.loc[urow, "hi"] = q["_hi"].reindex(idx).to_numpy()
            if channel_set is not None and channel_set.channels:
                point = _composite_interval(point, sh, alt, reps, channel_set.channels, w,
                                            alpha)
    point["n_poles"] = point["n_poles"].astype("Int64")
    point["n_channels"] = point["n_channels"].astype("Int64")
    order = {c: i for i, c in enumerate([*bo.channels, "composite"])}
    point = point.assign(_o=point["channel"].map(order)).sort_values(["_o", "year"])
    out = point[BALANCE_COLUMNS].reset_index(drop=True)
    out.attrs["channel_set"] = channel_set
    return out


def _composite_interval(point: pd.DataFrame, sh: pd.DataFrame, alt: pd.DataFrame,
                        reps: pd.DataFrame, chans: tuple[str, ...], w: dict[str, float],
                        alpha: float) -> pd.DataFrame:
    """The composite's interval over the UNGA replicates and the two trade versions, on the
    series' channel set (every channel of it complete, as the point estimate)."""
    from multivector.measures import balance as bal

    keys = ["iso3", "year", "replicate"]
    frames = []
    n_boot = int(reps["replicate"].max()) + 1
    for version, src in ((0, sh), (1, alt)):
        rows = reps[reps["replicate"] % 2 == version]
        others = bal.complete_only(src[src["channel"].isin(chans) & (src["channel"] != "unga")])
        rep_ids = pd.DataFrame({"replicate": np.arange(version, n_boot, 2)})
        frames.append(others.merge(rep_ids, how="cross"))
        frames.append(rows)
    allr = pd.concat(frames, ignore_index=True)
    units, cs, poles, S = share_array(allr, keys, list(chans))
    npol = pole_counts(allr, units, poles, keys, channels=list(chans))
    j, _ = composite_evenness(S, weight_matrix(cs, bal.weights_over(chans, w)), npol,
                              len(chans))
    ev = units.assign(evenness=j[0]).groupby(["iso3", "year"])["evenness"]
    q = ev.quantile(alpha).rename("_lo").to_frame().join(ev.quantile(1 - alpha).rename("_hi"))
    crow = point["channel"] == "composite"
    idx = pd.MultiIndex.from_frame(point.loc[crow, ["iso3", "year"]])
    point.loc[crow, "lo"] = q["_lo"].reindex(idx).to_numpy()
    point.loc[crow, "hi"] = q["_hi"].reindex(idx).to_numpy()
    return point
