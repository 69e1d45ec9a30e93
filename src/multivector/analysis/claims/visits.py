"""Visit checks against the warehouse's ``visits`` table (``multivector claims check``).

The table is the US Office of the Historian's record of the travels abroad of the President
and the Secretary of State (``hsg_travels``, 1866 to February 2025), one row per traveller,
country and stay. It is one pole's record: the United States' visits, not China's, Russia's
or the EU's, and every piece of evidence says so.

Verdicts (:func:`judge`), with n the visits (or trips) the record lists for the check:

* *at least one visit* (no ``count``): supported when n >= 1; contradicted when n = 0 and the
  record covers the period to its end (a period without a year: the whole record, to its last
  date); unverifiable when n = 0 and the period runs past the record's last full year;
* ``count: N``: supported when |n - N| <= tolerance (absolute, default 0), contradicted
  otherwise, unverifiable when the period runs past the record's last full year;
* a claim about another pole's visits (``by: CHN``) is unverifiable: no source.

The syntax is :mod:`multivector.analysis.claims.visitcheck`'s.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from multivector.analysis.claims.catalog import SOURCE_TABLES
from multivector.analysis.claims.model import Check, VisitQuery
from multivector.analysis.claims.tables import WarehouseTables
from multivector.analysis.claims.visitcheck import OFFICES
from multivector.warehouse import readers

SOURCE = "hsg_travels"
RECORD = ("US Office of the Historian record (one pole: the United States' visits only; other "
          "poles' visits are not in these data)")
METHOD = ("visits abroad of the US President and the Secretary of State as the Office of the "
          "Historian lists them, one per traveller, country and stay; a visit counts for a year "
          "when its stay overlaps the year; trips: a traveller's visits that follow one another "
          "within a day are one trip; multivector.analysis.claims.visits")
ROLES = {"president": ("president",), "secretary": ("secretary",),
         "any": ("president", "secretary")}
SHOWN = 5  # visits named in the one-line explanation (all of them, to 50, in the details)


def coverage(md: WarehouseTables) -> tuple[dt.date, dt.date] | None:
    """First and last date of the record (:func:`multivector.warehouse.readers.visits_span`)."""
    if not md.has_table("visits"):
        return None
    return md.cached(("visits_coverage",), lambda: readers.visits_span(md.con))


def last_full_year(last: dt.date) -> int:
    """The last year the record covers to its end (31 December)."""
    return last.year if (last.month, last.day) == (12, 31) else last.year - 1


def matching(md: WarehouseTables, q: VisitQuery, countries: tuple[str, ...],
             years: tuple[int, ...]) -> pd.DataFrame:
    """The visits a query names: ``traveler, role, iso3, locale, start_date, end_date,
    remarks`` (dates as ``YYYY-MM-DD``), by date. ``years`` (first, last) keeps the stays
    that overlap the period."""
    where = ["iso3 IN (SELECT unnest(?))", "role IN (SELECT unnest(?))"]
    params: list = [list(countries), list(ROLES[q.office])]
    if years:
        where.append("start_date <= ? AND end_date >= ?")
        params += [dt.date(years[1], 12, 31), dt.date(years[0], 1, 1)]
    if q.traveler:
        where.append("contains(lower(traveler), ?)")
        params.append(q.traveler.lower())
    if q.mentions:
        where.append("contains(lower(coalesce(locale, '') || ' | ' || coalesce(remarks, '')), ?)")
        params.append(q.mentions.lower())
    return md.con.execute(
        "SELECT traveler, role, iso3, locale, CAST(start_date AS VARCHAR) AS start_date, "
        "CAST(end_date AS VARCHAR) AS end_date, remarks FROM visits WHERE "
        + " AND ".join(where) + " ORDER BY start_date, traveler, iso3", params).df()


def count_trips(visits: pd.DataFrame) -> int:
    """Trips: a traveller's visits that start at most a day after the previous one ends are one
    trip (Kerry in Kyrgyzstan, Uzbekistan, Kazakhstan, Tajikistan and Turkmenistan,
    31 October - 3 November 2015)."""
    n = 0
    for _, v in visits.groupby("traveler"):
        end = None
        for s, e in sorted(zip(pd.to_datetime(v["start_date"]), pd.to_datetime(v["end_date"]),
                               strict=True)):
            if end is None or s > end + pd.Timedelta(days=1):
                n += 1
                end = e
            else:
                end = max(end, e)
    return n


def judge(kind: str, found: int, stated: float, tolerance: float, covered: bool
          ) -> tuple[str, str]:
    """The verdict of a visit check and its reason (see the module docstring)."""
    if kind == "visit":
        if found >= 1:
            return "supported", "a visit found"
        return ("contradicted", "no visit in the record") if covered else (
            "unverifiable", "no visit so far; the record ends before the period does")
    if not covered:
        return "unverifiable", "the record ends before the period does"
    ok = abs(found - stated) <= tolerance
    return ("supported", "count matches") if ok else ("contradicted", "count differs")


def _when(years: tuple[int, ...], first: dt.date, last: dt.date) -> str:
    if not years:
        return f"in the record ({first.year} to {last.isoformat()})"
    return f"in {years[0]}" if years[0] == years[1] else f"in {years[0]}-{years[1]}"


def _visit_text(r) -> str:
    end = "" if r.end_date == r.start_date else f" to {r.end_date}"
    return f"{r.traveler}, {r.locale} ({r.iso3}), {r.start_date}{end}"


def evaluate(chk: Check, country: str, md: WarehouseTables) -> dict:
    """The evidence of a visit check of a claim about ``country``: the keys of a measure
    check's evidence (``check, name, found, stated, verdict, explanation``...) and the visits
    found in ``details``."""
    q = chk.visit
    countries = q.countries or (country,)
    who = (OFFICES[q.office] if q.by == "USA" else f"{q.by}'s officials ({q.office})") + (
        f" ({q.traveler})" if q.traveler else "")
    unit = q.counting if chk.kind == "count" else "visits"
    ev = {"check": chk.kind, "name": chk.name, "kind": "visit",
          "title": f"Visits by {who} to {', '.join(countries)}", "unit": unit,
          **({"year": chk.years[0]} if chk.years and chk.years[0] == chk.years[1]
             else {"years": list(chk.years)} if chk.years else {}),
          "stated": int(chk.stated), "found": None, "values": {}, "difference": None,
          "tolerance": chk.tolerance, "tolerance_kind": "absolute", "rank": None, "of": None,
          "rank_rule": "", "details": {"pole": q.by, "countries": list(countries)},
          "method": METHOD, "sources": md.sources_of((SOURCE,), SOURCE_TABLES)}
    cov = coverage(md) if q.by == "USA" else None
    if cov is None:
        why = ("no source: the record of official visits is the US Office of the Historian's, "
               "the United States' visits only" if q.by != "USA"
               else "this warehouse has no visits table")
        ev.update(verdict="unverifiable", reason=why, explanation=f"no record of visits by "
                  f"{who} to {', '.join(countries)} ({why}) -> unverifiable")
        return ev
    first, last = cov
    rows = matching(md, q, countries, chk.years)
    n = count_trips(rows) if chk.kind == "count" and q.counting == "trips" else len(rows)
    covered = not chk.years or chk.years[1] <= last_full_year(last)
    verdict, reason = judge(chk.kind, n, chk.stated, chk.tolerance, covered)
    ev["details"].update(record_ends=last.isoformat(), n_visits=len(rows),
                         visits=[_visit_text(r) for r in rows.head(50).itertuples()])
    ev.update(found=n, verdict=verdict,
              difference=float(chk.stated - n) if chk.kind == "count" else None)
    what = (f"{who} to {', '.join(countries)} {_when(chk.years, first, last)}"
            + (f" mentioning {q.mentions!r}" if q.mentions else ""))
    listed = "; ".join(_visit_text(r) for r in rows.head(SHOWN).itertuples())
    listed += f"; and {len(rows) - SHOWN} more" if len(rows) > SHOWN else ""
    if n:
        found = f"{n} {unit if n != 1 else unit[:-1]} by {what}"
        found += f" ({len(rows)} visits)" if unit == "trips" else ""
        found += f": {listed}"
    else:
        found = f"no {unit[:-1]} by {what}"
    if chk.kind == "count":
        tol = f" +/-{int(chk.tolerance)}" if chk.tolerance else ""
        found += f"; stated {int(chk.stated)}{tol}"
    if not covered:
        found += f" (the record ends {last.isoformat()})"
    ev["explanation"] = f"{RECORD}: {found} -> {verdict}"
    ev["reason"] = reason
    return ev


def listing_rows(md: WarehouseTables | None) -> list[dict]:
    """Rows of ``multivector claims measures`` for the visit checks (one per office)."""
    cov = coverage(md) if md is not None else None
    years = (f"{cov[0].year} to {cov[1].isoformat()}" if cov else
             "" if md is None else "none (this warehouse has no visits table)")
    return [{"name": f"visit: {office}", "kind": "visit",
             "title": f"Visits by {words} (US Office of the Historian: the United States' "
                      "visits only)", "unit": "visits or trips", "source": SOURCE,
             "years": years, "rank": ""} for office, words in OFFICES.items()]
