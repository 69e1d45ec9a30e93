"""A profile: everything measured for one focal state over a year range.

This is the single place where defaults are chosen (pole set ``core``, years 1992-2024, UNGA
agreement on all roll calls, bloc alignment as the mean over members); reports, the CLI and the
API render a :class:`Profile` and compute nothing themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from multivector import poles as poles_mod
from multivector import states
from multivector.measures import shares, similarity

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


def load_unga(con: duckdb.DuckDBPyConnection, iso3s: list[str],
              sessions: tuple[int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Roll calls of the sessions and the votes of the given states (I/O only)."""
    rc = con.execute("SELECT rcid, session, year FROM unga_rollcalls "
                     "WHERE session BETWEEN ? AND ?", list(sessions)).df()
    votes = con.execute(
        "SELECT v.rcid, v.iso3, v.vote FROM unga_votes v JOIN unga_rollcalls r USING (rcid) "
        "WHERE r.session BETWEEN ? AND ? AND v.iso3 IN (SELECT unnest(?))",
        [*sessions, iso3s]).df()
    return rc, votes


def unga_alignment(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                   pole_set: poles_mod.PoleSet) -> pd.DataFrame:
    """Agreement of ``iso3`` with each pole per session (Voeten's definition)."""
    sessions = _session_range(years)
    membership = pole_set.membership(range(years[0], years[1] + 1))
    rc, votes = load_unga(con, sorted({iso3, *membership["iso3"]}), sessions)
    counts = similarity.crosstab_counts(votes, rc, focal=[iso3])
    counts["value"] = similarity.agreement(counts)
    out = shares.pole_alignment(counts, membership, iso3)
    out.insert(0, "iso3", iso3)
    out.insert(3, "measure", "agreement")
    return out


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
                  pole_set: str | poles_mod.PoleSet = DEFAULT_POLES) -> Profile:
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
    unga = unga_alignment(con, iso3, years, ps)
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
    return Profile(iso3, states.country_name(iso3), years, ps, ind, titles, unga, trade,
                   coverage, src, meta)


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
