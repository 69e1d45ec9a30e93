"""A profile: everything measured for one focal state over a year range.

This is the single place where defaults are chosen (pole set ``core``, years 1992-2024, UNGA
agreement on all roll calls, bloc alignment as the mean over members); reports, the CLI and the
API render a :class:`Profile` and compute nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd
from scipy.special import ndtri

from multivector import poles as poles_mod
from multivector import states
from multivector.measures import alignment, shares, similarity

DEFAULT_YEARS = (1992, 2024)
DEFAULT_POLES = "core"
INDICATORS = {
    "ny.gdp.pcap.cd": "GDP per capita (current US$)",
    "sp.pop.totl": "Population, total",
}


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


def _session_range(years: tuple[int, int]) -> tuple[int, int]:
    return years[0] - 1945, years[1] - 1945


@dataclass(frozen=True)
class UngaOptions:
    """The analyst's choices for the UNGA channel (defaults documented in docs/methods.md)."""

    measure: str = "agreement"
    bloc: str = "mean"
    by: str = "session"
    issue: str | None = None
    important_only: bool = False
    amendments: bool = True
    paragraphs: bool = True
    n_boot: int = 500
    level: float = 0.95
    seed: int = 1992


def load_rollcalls(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                   by: str = "session") -> pd.DataFrame:
    """Roll calls of the sessions opened in ``years`` (or voted in them, ``by="year"``)."""
    if by == "session":
        return con.execute("SELECT * FROM unga_rollcalls WHERE session BETWEEN ? AND ?",
                           list(_session_range(years))).df()
    return con.execute("SELECT * FROM unga_rollcalls WHERE year BETWEEN ? AND ?",
                       list(years)).df()


def load_votes(con: duckdb.DuckDBPyConnection, rcids: pd.Series,
               iso3s: list[str] | None = None) -> pd.DataFrame:
    """Votes on the given roll calls, of the given states (all when None)."""
    con.register("_rcids", pd.DataFrame({"rcid": pd.Series(rcids, dtype="int32")}))
    try:
        if iso3s is None:
            return con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v "
                               "SEMI JOIN _rcids USING (rcid)").df()
        return con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v SEMI JOIN _rcids "
                           "USING (rcid) WHERE v.iso3 IN (SELECT unnest(?))", [iso3s]).df()
    finally:
        con.unregister("_rcids")


def unga_alignment(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                   pole_set: poles_mod.PoleSet, options: UngaOptions | None = None
                   ) -> pd.DataFrame:
    """Alignment of ``iso3`` with each pole per session (or year), with bootstrap intervals."""
    o = options or UngaOptions()
    membership = pole_set.membership(range(years[0], years[1] + 1))
    if o.measure == "idealpoint_distance":
        from multivector import idealpoint_store

        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
        sessions = _session_range(years)
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
    from multivector import idealpoint_store

    membership = pole_set.membership(range(years[0], years[1] + 1))
    try:
        points = idealpoint_store.load(con, "default", sorted({iso3, *membership["iso3"]}))
    except duckdb.CatalogException:
        return pd.DataFrame(columns=["who", "session", "year", "theta", "lo", "hi"])
    points = points[points["session"].between(*_session_range(years))]
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
    from multivector import idealpoint_store

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
                  unga_options: UngaOptions | None = None) -> Profile:
    """Compose the measures for one state.

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
    """
    iso3 = states.validate_iso3(iso3)
    ps = pole_set if isinstance(pole_set, poles_mod.PoleSet) else poles_mod.load_pole_set(
        pole_set)
    codes = list(INDICATORS)
    ind = con.execute("SELECT year, indicator, value FROM indicators WHERE iso3 = ? AND "
                      "year BETWEEN ? AND ? AND indicator IN (SELECT unnest(?)) "
                      "ORDER BY indicator, year", [iso3, *years, codes]).df()
    titles = dict(con.execute("SELECT indicator, title FROM indicator_meta WHERE indicator "
                              "IN (SELECT unnest(?))", [codes]).fetchall())
    uo = unga_options or UngaOptions()
    unga = unga_alignment(con, iso3, years, ps, uo)
    contrast = (unga_contrast(con, iso3, int(unga["session"].max()), ps, uo.bloc)
                if len(unga) and uo.by == "session" else pd.DataFrame())
    ideal = idealpoint_trajectories(con, iso3, years, ps, uo.level)
    trade = trade_by_pole(con, iso3, years, ps)
    from multivector.warehouse import meta as read_meta

    meta = read_meta(con)
    last_session = int(meta.get("unga_last_session", 0))
    coverage = [
        Coverage("UN General Assembly votes", "Voeten et al., three forms combined",
                 _first(unga, "year"), _last(unga, "year"), years,
                 detail=(f" (session {last_session}, opened {1945 + last_session}; last roll "
                         f"call {meta.get('unga_last_date')})")),
        Coverage("Trade by partner", "IMF DOTS", _first(trade, "year"), _last(trade, "year"),
                 years),
    ]
    for code in codes:
        sub = ind[ind["indicator"] == code]
        coverage.append(Coverage(titles.get(code, INDICATORS[code]), "World Bank WDI",
                                 _first(sub, "year"), _last(sub, "year"), years))
    src = con.execute("SELECT s.source, s.title, s.citation, s.coverage, s.licence, "
                      "count(p.file) AS files, sum(p.rows) AS rows FROM sources s "
                      "LEFT JOIN provenance p USING (source) GROUP BY ALL "
                      "ORDER BY s.source").df()
    return Profile(iso3, states.country_name(iso3), years, ps, ind, titles, unga, contrast, uo,
                   ideal, trade, coverage, src, meta)


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
