"""Plain readers of the warehouse's tables: SQL in, data frames out, nothing computed.

Every query the analysis layer runs against the warehouse is written here, with its values
bound as parameters (never pasted into the SQL text). :func:`has_table` is the one way to ask
whether the warehouse holds a table (a warehouse built by an older version, or a test
warehouse of a few tables, lacks some).

``focal`` arguments are ISO3 codes of the focal states; None reads every state.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from duckdb import ColumnExpression, ConstantExpression

from multivector.core.vocabulary import year_session


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the database behind ``con`` has a table (or view) called ``name``."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                            "table_name = ?", [name]).fetchall()[0][0])


def _focal_clause(focal: list[str] | None, *cols: str) -> tuple[str, list]:
    """`` AND (col IN focal OR ...)`` with its parameters; nothing when ``focal`` is None."""
    if focal is None:
        return "", []
    ors = " OR ".join(f"{c} IN (SELECT unnest(?))" for c in cols)
    return f" AND ({ors})", [list(focal)] * len(cols)


# ---------------------------------------------------------------------------------------- unga
def session_range(years: tuple[int, int]) -> tuple[int, int]:
    """The General Assembly sessions opened in ``years`` (session 1 opened in 1946)."""
    return year_session(years[0]), year_session(years[1])


def load_rollcalls(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                   by: str = "session") -> pd.DataFrame:
    """Roll calls of the sessions opened in ``years`` (or voted in them, ``by="year"``)."""
    if by == "session":
        return con.execute("SELECT * FROM unga_rollcalls WHERE session BETWEEN ? AND ?",
                           list(session_range(years))).df()
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


# --------------------------------------------------------------------------------------- trade
def trade_relation(con: duckdb.DuckDBPyConnection,
                   years: tuple[int, int]) -> duckdb.DuckDBPyRelation:
    """The ``trade`` table (IMF DOTS) in ``years``, as a lazy relation (the filters of
    :mod:`multivector.measures.trade` are pushed down into the scan)."""
    return con.table("trade").filter(ColumnExpression("year").between(
        ConstantExpression(int(years[0])), ConstantExpression(int(years[1]))))


def reporter_trade(con: duckdb.DuckDBPyConnection, iso3: str,
                   years: tuple[int, int]) -> pd.DataFrame:
    """``partner, partner_label, partner_kind, year, flow, value_usd_m``: the DOTS rows
    ``iso3`` reports."""
    return con.execute("SELECT partner, partner_label, partner_kind, year, flow, value_usd_m "
                       "FROM trade WHERE reporter = ? AND year BETWEEN ? AND ?",
                       [iso3, *years]).df()


def national_trade(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                   focal: list[str] | None = None) -> pd.DataFrame:
    """``iso3, partner, partner_kind, year, flow, value_usd_m, provisional, source``: rows of
    the national statistics (``trade_national``)."""
    clause, params = _focal_clause(focal, "reporter")
    return con.execute(
        "SELECT reporter AS iso3, partner, partner_kind, CAST(year AS INTEGER) AS year, flow, "
        "value_usd_m, provisional, source FROM trade_national WHERE year BETWEEN ? AND ?"
        f"{clause}", [*years, *params]).df()


def dots_last_years(con: duckdb.DuckDBPyConnection,
                    focal: list[str] | None = None) -> pd.DataFrame:
    """``iso3, flow, dots_last``: the last year of each state's own DOTS report of a flow (its
    ``World`` row)."""
    clause, params = _focal_clause(focal, "reporter")
    return con.execute(
        "SELECT reporter AS iso3, flow, max(year) AS dots_last FROM trade WHERE "
        f"partner_label = 'World' AND reporter IS NOT NULL{clause} GROUP BY ALL", params).df()


def cow_trade(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
              focal: list[str] | None = None) -> pd.DataFrame:
    """``importer, exporter, year, value_usd_m``: COW Trade v4.0 dyads with a value, either
    side among ``focal``."""
    clause, params = _focal_clause(focal, "importer", "exporter")
    return con.execute("SELECT importer, exporter, year, value_usd_m FROM trade_cow WHERE "
                       f"year BETWEEN ? AND ? AND value_usd_m IS NOT NULL{clause}",
                       [*years, *params]).df()


# --------------------------------------------------------------------------------- memberships
def alliances(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
              focal: list[str] | None = None, source: str = "atop") -> pd.DataFrame:
    """``iso3, partner, year, defense, offense, neutrality, nonaggression, consultation``:
    directed alliance rows of ``source``, either side among ``focal``."""
    clause, params = _focal_clause(focal, "iso3_a", "iso3_b")
    return con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, defense, offense, "
                       "neutrality, nonaggression, consultation FROM alliances WHERE source = ? "
                       f"AND year BETWEEN ? AND ?{clause}", [source, *years, *params]).df()


def focal_alliances(con: duckdb.DuckDBPyConnection, iso3: str,
                    years: tuple[int, int]) -> pd.DataFrame:
    """The alliance ties of ``iso3`` per year (ATOP and COW), one row per partner-year; an
    empty frame without an ``alliances`` table."""
    if not has_table(con, "alliances"):
        return pd.DataFrame()
    return con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, defense, offense, "
                       "neutrality, nonaggression, consultation, source FROM alliances "
                       "WHERE iso3_a = ? AND year BETWEEN ? AND ? ORDER BY source, year, "
                       "partner", [iso3, *years]).df()


def igo_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
              focal: list[str] | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: IGOs both are full members of (COW IGO v3)."""
    clause, params = _focal_clause(focal, "iso3_a")
    return con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, "
                       "CAST(shared_igos AS DOUBLE) AS value FROM igo_dyads WHERE year BETWEEN "
                       f"? AND ? AND shared_igos IS NOT NULL{clause}", [*years, *params]).df()


def migo_full_members(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """``igo, iso3, year``: full memberships of manyIOs MIGO organisations."""
    return con.execute("SELECT igo, iso3, year FROM igo_membership WHERE source = 'migo' AND "
                       "status = 'full' AND year BETWEEN ? AND ?", list(years)).df()


def migo_shared(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                focal: list[str] | None, leave_out: pd.DataFrame) -> pd.DataFrame:
    """``iso3, partner, year, value``: manyIOs MIGO organisations both are full members of,
    counted, without the organisation-years of ``leave_out`` (``igo, year``)."""
    clause, params = _focal_clause(focal, "a.iso3")
    con.register("_universal", leave_out)
    try:
        return con.execute(
            "SELECT a.iso3, b.iso3 AS partner, a.year, CAST(count(*) AS DOUBLE) AS value "
            "FROM igo_membership a JOIN igo_membership b ON a.igo = b.igo AND a.year = b.year "
            "AND a.source = b.source WHERE a.source = 'migo' AND a.status = 'full' AND "
            "b.status = 'full' AND a.iso3 <> b.iso3 AND a.year BETWEEN ? AND ? AND NOT EXISTS "
            "(SELECT 1 FROM _universal u WHERE u.igo = a.igo AND u.year = a.year)"
            f"{clause} GROUP BY ALL", [*years, *params]).df()
    finally:
        con.unregister("_universal")


def focal_igo_counts(con: duckdb.DuckDBPyConnection, iso3: str,
                     years: tuple[int, int]) -> pd.DataFrame:
    """The ``igo_states`` rows of ``iso3`` (COW IGO counts); empty without the table."""
    if not has_table(con, "igo_states"):
        return pd.DataFrame()
    return con.execute("SELECT * FROM igo_states WHERE iso3 = ? AND year BETWEEN ? AND ? "
                       "ORDER BY year", [iso3, *years]).df()


# ------------------------------------------------------------------------ arms and investment
def arms_deliveries(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                    focal: list[str] | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: SIPRI TIV delivered to each recipient by each supplier
    (``partner`` empty for unknown suppliers)."""
    clause, params = _focal_clause(focal or None, "recipient")
    return con.execute(
        "SELECT recipient AS iso3, supplier AS partner, year, sum(tiv) AS value FROM arms "
        f"WHERE year BETWEEN ? AND ? AND recipient IS NOT NULL{clause} GROUP BY ALL",
        [*years, *params]).df()


def investment_stock(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                     focal: list[str] | None = None) -> pd.DataFrame:
    """``iso3, partner, partner_kind, year, value``: inward FDI stock by partner (wiiw)."""
    clause, params = _focal_clause(focal or None, "iso3")
    return con.execute(
        "SELECT iso3, partner, partner_kind, year, value_eur_m AS value FROM investment "
        "WHERE measure = 'stock' AND value_eur_m IS NOT NULL AND year BETWEEN ? AND ?"
        f"{clause}", [*years, *params]).df()


def minerals(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """``iso3, entity, kind, year, mineral, value, unit, source``: production with a value."""
    return con.execute("SELECT iso3, entity, kind, year, mineral, value, unit, source FROM "
                       "minerals WHERE year BETWEEN ? AND ? AND value IS NOT NULL",
                       list(years)).df()


# -------------------------------------------------------------------------------------- visits
def focal_visits(con: duckdb.DuckDBPyConnection, iso3: str,
                 years: tuple[int, int]) -> pd.DataFrame:
    """``traveler, role, country, locale, start_date, end_date, remarks``: the US official
    visits (``visits``, Office of the Historian) to ``iso3`` whose stay overlaps ``years``, by
    date; an empty frame without a ``visits`` table."""
    if not has_table(con, "visits"):
        return pd.DataFrame(columns=["traveler", "role", "country", "locale", "start_date",
                                     "end_date", "remarks"])
    return con.execute("SELECT traveler, role, country, locale, start_date, end_date, remarks "
                       "FROM visits WHERE iso3 = ? AND start_date <= make_date(?, 12, 31) "
                       "AND end_date >= make_date(?, 1, 1) ORDER BY start_date, role, traveler",
                       [iso3, int(years[1]), int(years[0])]).df()


def visits_span(con: duckdb.DuckDBPyConnection) -> tuple[dt.date, dt.date] | None:
    """First start and last end date of the ``visits`` record, every country (the last date
    as the build recorded it, ``visits_last_date`` in ``meta``, when given); None without the
    table or without a row."""
    if not has_table(con, "visits"):
        return None
    first, last = con.execute("SELECT min(start_date), max(end_date) FROM visits").fetchall()[0]
    if first is None:
        return None
    if has_table(con, "meta"):
        got = con.execute("SELECT value FROM meta WHERE key = 'visits_last_date'").fetchall()
        if got and got[0][0]:
            last = dt.date.fromisoformat(str(got[0][0])[:10])
    return first, last


# -------------------------------------------------------------------------- power and profile
def indicator(con: duckdb.DuckDBPyConnection, code: str, years: tuple[int, int]
              ) -> pd.DataFrame:
    """``iso3, code, kind, year, value``: one WDI indicator, every entity, with a value."""
    return con.execute("SELECT iso3, code, kind, year, value FROM indicators WHERE indicator = ? "
                       "AND year BETWEEN ? AND ? AND value IS NOT NULL",
                       [code, *years]).df()


def focal_indicators(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                     codes: list[str]) -> pd.DataFrame:
    """``year, indicator, value``: the WDI indicators ``codes`` of ``iso3``."""
    return con.execute("SELECT year, indicator, value FROM indicators WHERE iso3 = ? AND "
                       "year BETWEEN ? AND ? AND indicator IN (SELECT unnest(?)) "
                       "ORDER BY indicator, year", [iso3, *years, codes]).df()


def indicator_titles(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """The WDI title of each indicator of ``codes`` the warehouse describes."""
    return dict(con.execute("SELECT indicator, title FROM indicator_meta WHERE indicator "
                            "IN (SELECT unnest(?))", [codes]).fetchall())


def milex_vintage(con: duckdb.DuckDBPyConnection) -> str:
    """The SIPRI vintage the ``milex`` table holds: ``sipri2025`` where present, else
    ``sipri`` (the OWID copy)."""
    row = con.execute("SELECT source FROM milex WHERE source IN ('sipri2025', 'sipri') "
                      "AND milex_usd IS NOT NULL ORDER BY source = 'sipri2025' DESC "
                      "LIMIT 1").fetchone()
    return row[0] if row else "sipri"


def milex(con: duckdb.DuckDBPyConnection, source: str, years: tuple[int, int]) -> pd.DataFrame:
    """``iso3, year, value, basis``: military expenditure of states from ``source``."""
    return con.execute("SELECT iso3, year, milex_usd AS value, basis FROM milex WHERE source = "
                       "? AND kind = 'state' AND year BETWEEN ? AND ? AND milex_usd IS "
                       "NOT NULL AND iso3 IS NOT NULL", [source, *years]).df()


def cinc(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """``iso3, year, value``: COW NMC composite index of national capability."""
    return con.execute("SELECT iso3, year, cinc AS value FROM cow_nmc WHERE \"primary\" AND "
                       "year BETWEEN ? AND ? AND cinc IS NOT NULL", list(years)).df()


def igo_state_counts(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """``iso3, year, value``: full IGO memberships of each state (COW IGO)."""
    return con.execute("SELECT iso3, year, CAST(full_igos AS DOUBLE) AS value FROM "
                       "igo_states WHERE year BETWEEN ? AND ? AND full_igos IS NOT NULL",
                       list(years)).df()


def ally_counts(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """``iso3, year, value``: states with which each state has an ATOP obligation."""
    return con.execute("SELECT iso3_a AS iso3, year, CAST(count(DISTINCT iso3_b) AS DOUBLE) "
                       "AS value FROM alliances WHERE source = 'atop' AND year BETWEEN ? AND "
                       "? AND greatest(defense, offense, neutrality, nonaggression, "
                       "consultation) > 0 GROUP BY ALL", list(years)).df()


def state_codes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """ISO3 codes of the current states (``states`` rows of kind ``state``)."""
    return set(con.execute("SELECT iso3 FROM states WHERE kind = 'state'").df()["iso3"])


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``source, title, citation, coverage, licence, files, rows``: every source with the
    files and rows it contributed."""
    return con.execute("SELECT s.source, s.title, s.citation, s.coverage, s.licence, "
                       "count(p.file) AS files, sum(p.rows) AS rows FROM sources s "
                       "LEFT JOIN provenance p USING (source) GROUP BY ALL "
                       "ORDER BY s.source").df()
