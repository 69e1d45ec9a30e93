"""The record tables of a profile: the focal state's trade by pole as the IMF reports it, its
largest trade partners, the formats it belongs to, and the US official visits to it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from multivector.core import poles as poles_mod
from multivector.core import states
from multivector.measures import shares
from multivector.sources import formats
from multivector.warehouse import readers


def trade_by_pole(con: duckdb.DuckDBPyConnection, iso3: str, years: tuple[int, int],
                  pole_set: poles_mod.PoleSet) -> pd.DataFrame:
    """Exports and imports of ``iso3`` by pole and year, as the IMF reports them."""
    raw = readers.reporter_trade(con, iso3, years)
    if raw.empty:
        return pd.DataFrame(columns=["pole", "year", "flow", "value_usd_m", "share",
                                     "total_usd_m", "flag"])
    membership = pole_set.membership(range(years[0], years[1] + 1))
    return shares.trade_shares(raw, membership)


def top_partners(flows: pd.DataFrame, n: int = 5) -> pd.DataFrame:
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


def focal_formats(iso3: str) -> pd.DataFrame:
    """The rows of the maintained formats table for ``iso3``."""
    t = formats.load_formats()
    return t[t["iso3"] == iso3].reset_index(drop=True)


# The offices of the US Office of the Historian's travel record, as the report names them.
OFFICES = {"president": "President", "secretary": "Secretary of State"}
VISIT_COLUMNS = ["start_date", "end_date", "traveler", "office", "place", "remarks"]


@dataclass(frozen=True)
class VisitRecord:
    """The span of the US official visits record (every country): first and last date."""

    first: dt.date
    last: dt.date


def us_visits(con: duckdb.DuckDBPyConnection, iso3: str,
              years: tuple[int, int]) -> tuple[pd.DataFrame, VisitRecord | None]:
    """The US President's and Secretary of State's visits to ``iso3`` whose stay overlaps
    ``years``, and the span of the whole record (None without a ``visits`` table).

    One pole's record only: the United States' (U.S. Office of the Historian); no other pole's
    official visits are in the warehouse.

    Returns
    -------
    (pandas.DataFrame, VisitRecord or None)
        :data:`VISIT_COLUMNS` by date (``start_date``, ``end_date`` as ``datetime.date``;
        ``office`` from :data:`OFFICES`; ``place`` the locale, else the country as the record
        names it), and the record's span.
    """
    raw = readers.focal_visits(con, iso3, years)
    span = readers.visits_span(con)
    record = VisitRecord(*span) if span is not None else None
    if raw.empty:
        return pd.DataFrame(columns=VISIT_COLUMNS), record
    locale = raw["locale"].fillna("").astype(str).str.strip()
    out = pd.DataFrame({
        "start_date": pd.to_datetime(raw["start_date"]).dt.date,
        "end_date": pd.to_datetime(raw["end_date"]).dt.date,
        "traveler": raw["traveler"].astype(str),
        "office": raw["role"].map(OFFICES).fillna(raw["role"]),
        "place": locale.where(locale != "", raw["country"].fillna("").astype(str)),
        "remarks": raw["remarks"].fillna("").astype(str),
    })
    return out.reset_index(drop=True), record
