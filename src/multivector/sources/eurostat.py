"""Eurostat Comext: EU-27 exports to every partner, one extract per year.

Published layout (Comext "relational view" CSV), one row per partner:
``REPORTER, PARTNER, PRODUCT, FLOW, STAT_PROCEDURE, PERIOD, VALUE_IN_EUR``, the reporter the
European Union of 27 (2020 composition), product and procedure totals, flow ``EXPORT`` (newer
extracts code it ``2-EXPORT``; the 2016 extract is in French: ``EXPORTATION``, partner names in
French), period ``Jan.-Dec. <year>`` (newer: ``<year>52-Jan.-Dec. <year>``), value in euros.

Values become US$ million with the annual average official exchange rate of the euro area
(World Bank WDI ``PA.NUS.FCRF`` for ``EMU``, euros per US dollar; in the warehouse's
``indicators`` table):

    value_usd_m = VALUE_IN_EUR / rate(year) / 10**6

Partners map to ISO3 through ``data/partner_names.csv`` (languages ``en``, ``fr``); intra- and
extra-EU totals are ``aggregate``, stores and provisions, high seas, unspecified countries and
Ceuta/Melilla ``residual``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from multivector.core.errors import ParseError
from multivector.sources.national_trade import COLUMNS, resolve

HEADER = ["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"]
REPORTERS = ("European Union - 27 countries", "Union européenne - 27 pays")
TOTALS = {"PRODUCT": ("TOTAL-Total", "Total"), "STAT_PROCEDURE": ("T-Total", "Total"),
          "FLOW": ("2-EXPORT", "EXPORT", "EXPORTATION")}
PERIOD = re.compile(r"^(?:\d{6}-)?Jan\.-Dec\. ((?:19|20)\d\d)$")
REPORTER_CODE = "EU27"


def _read_rows(path: Path) -> tuple[int, int, list[tuple]]:
    """The year, the line of the first row and ``(iso3, label, kind, euros)`` per partner."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise ParseError(path.name, "empty file")
    header = [c.strip() for c in rows[0]]
    for j, want in enumerate(HEADER):
        if j >= len(header) or header[j] != want:
            raise ParseError(path.name, f"column {chr(65 + j)} of the header must be {want!r}",
                             row=1, value=header[j] if j < len(header) else None)
    lang = None
    year = first = None
    records = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(HEADER):
            raise ParseError(path.name, f"expected {len(HEADER)} columns, found {len(r)}", row=i)
        rec = dict(zip(HEADER, r, strict=True))
        if not rec["REPORTER"].startswith(REPORTERS):
            raise ParseError(path.name, "the reporter must be the EU-27", row=i,
                             value=rec["REPORTER"])
        for col, ok in TOTALS.items():
            if rec[col] not in ok:
                raise ParseError(path.name, f"{col} must be one of {ok}", row=i, value=rec[col])
        m = PERIOD.match(rec["PERIOD"])
        if m is None:
            raise ParseError(path.name, "PERIOD must be a full year ('Jan.-Dec. <year>')", row=i,
                             value=rec["PERIOD"])
        if year is None:
            year, first = int(m.group(1)), i
            lang = "fr" if rec["FLOW"] == "EXPORTATION" else "en"
        elif int(m.group(1)) != year:
            raise ParseError(path.name, f"a second year in a one-year extract (first {year})",
                             row=i, value=rec["PERIOD"])
        try:
            eur = float(rec["VALUE_IN_EUR"])
        except ValueError:
            raise ParseError(path.name, "VALUE_IN_EUR is not a number", row=i,
                             value=rec["VALUE_IN_EUR"]) from None
        iso3, kind = resolve(rec["PARTNER"], lang, path.name, i)
        records.append((iso3, rec["PARTNER"], kind, eur))
    if year is None:
        raise ParseError(path.name, "no rows")
    return year, first, records


def extract_year(path: str | Path) -> int:
    """The year one extract holds, its layout and partners checked as
    :func:`read_eurostat_file` checks them (no exchange rate needed).

    Raises
    ------
    ParseError
        As :func:`read_eurostat_file`, but for a missing exchange rate.
    """
    return _read_rows(Path(path))[0]


def read_eurostat_file(path: str | Path, eur_per_usd: dict[int, float]) -> pd.DataFrame:
    """Read one Comext extract; :data:`~multivector.sources.national_trade.COLUMNS` plus
    ``value_eur``.

    Parameters
    ----------
    path : path
        The CSV.
    eur_per_usd : dict
        Year -> euros per US dollar (annual average).

    Raises
    ------
    ParseError
        A header, reporter, flow, period or value that departs from the layout, a year without
        an exchange rate, or an unknown partner (file, row, value).
    """
    path = Path(path)
    year, first, records = _read_rows(path)
    if year not in eur_per_usd:
        raise ParseError(path.name, f"no EUR/USD rate for {year} (WDI PA.NUS.FCRF, EMU)",
                         row=first)
    out = pd.DataFrame(records, columns=["partner", "partner_label", "partner_kind", "value_eur"])
    out.insert(0, "reporter", REPORTER_CODE)
    out["year"] = year
    out["flow"] = "exports"
    out["value_usd_m"] = out["value_eur"] / eur_per_usd[year] / 1e6
    out["provisional"] = False
    out["source"] = "eurostat"
    out["file"] = path.name
    return out[[*COLUMNS, "value_eur"]]


def read_eurostat(paths: list[Path], eur_per_usd: dict[int, float]) -> pd.DataFrame:
    """Every extract; a year in two extracts is an error (which one would be meant?)."""
    frames = [read_eurostat_file(p, eur_per_usd) for p in paths]
    out = pd.concat(frames, ignore_index=True)
    years = out.groupby("year")["file"].nunique()
    if (years > 1).any():
        y = int(years[years > 1].index[0])
        raise ParseError(", ".join(sorted(out.loc[out["year"] == y, "file"].unique())),
                         f"two extracts of {y}")
    return out
