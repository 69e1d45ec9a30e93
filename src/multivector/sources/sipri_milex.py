"""SIPRI Military Expenditure Database: the official workbook (1949-2024).

The workbook has one sheet per measure. Three are read:

- ``Constant (YYYY) US$``: US$ millions at constant prices and exchange rates of the base year
  ``YYYY`` (2023 for the 2025 release), read from the sheet's name and checked against its title;
- ``Current US$``: US$ millions at current prices and exchange rates;
- ``Share of GDP``: a fraction of GDP (the cells hold 0.0342 for 3.42%, displayed as a
  percentage), stored in per cent like the older vintage.

Each sheet is a few lines of notes, a header row (``Country``, ``Notes`` and, in the constant
sheet, an unnamed column before it, then one column per year), then states down by region.
Region and subregion headings are rows with one cell. SIPRI's codes: ``...`` data unavailable,
``xxx`` the country did not exist or was not independent: both are missing values, never 0.
SIPRI's colours (blue for its estimates, red for highly uncertain figures) are not read.

Names resolve with :func:`multivector.core.states.resolve_names` under the source key ``sipri``
(``USSR`` to RUS as its continuing state, ``Yemen, North`` to YEM, ``Czechoslovakia`` to CSK,
``German Democratic Republic`` to DDR, ``Yugoslavia`` to YUG to 1991 and SRB after);
``European Union`` is an aggregate. Where SIPRI gives both the USSR (1987-1990) and Russia within
it (current US$ 1987-1991), the USSR's figure is RUS's and Russia's figures of those years are
kept with ``iso3`` missing and ``kind = 'part of USSR'``. Any other two rows that are one state
in the same year with values are a ParseError.

Reference
---------
Stockholm International Peace Research Institute (2025). SIPRI Military Expenditure Database,
data for all countries 1949-2024 (sipri.org/databases/milex).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from multivector.core import states
from multivector.core.errors import ParseError

MISSING = ("...", "xxx", ". .", "..")
CONSTANT = re.compile(r"^Constant \((\d{4})\) US\$$")
SHEETS = {"current": "Current US$", "share": "Share of GDP"}
TITLES = {"constant": "in constant ({year}) US$ m.", "current": "in millions of US$ at current",
          "share": "as percentage of gross domestic product"}
MILEX2025_COLUMNS = ["iso3", "entity", "kind", "year", "milex_usd", "milex_current_usd",
                     "share_gdp", "per_capita", "basis", "source"]


def _sheet(path: Path, ws, title_part: str) -> pd.DataFrame:
    """One measure sheet: ``entity, year, value`` (values as floats, SIPRI codes as NaN)."""
    rows = list(ws.iter_rows(values_only=True))
    if not rows or not rows[0] or title_part not in str(rows[0][0]):
        raise ParseError(f"{path} [{ws.title}]", f"title must contain {title_part!r}", row=1,
                         value=rows[0][0] if rows and rows[0] else None)
    hi = next((i for i, r in enumerate(rows[:20]) if r and r[0] == "Country"), None)
    if hi is None:
        raise ParseError(f"{path} [{ws.title}]", "no header row starting with 'Country' in the "
                         "first 20 rows")
    header = list(rows[hi])
    if "Notes" not in header:
        raise ParseError(f"{path} [{ws.title}]", "header has no 'Notes' column", row=hi + 1)
    first = header.index("Notes") + 1
    years = []
    for j, h in enumerate(header[first:], start=first):
        if not isinstance(h, (int, float)) or h != int(h) or not 1900 <= h <= 2100:
            raise ParseError(f"{path} [{ws.title}]", f"column {j + 1} of the header is not a "
                             "year", row=hi + 1, value=h)
        years.append(int(h))
    if years != list(range(years[0], years[0] + len(years))):
        raise ParseError(f"{path} [{ws.title}]", "year columns are not consecutive",
                         row=hi + 1, value=years)
    out = []
    for i, r in enumerate(rows[hi + 1:], start=hi + 2):
        if not r or all(c is None or c == "" for c in r[1:]):
            continue  # region heading or blank
        name = r[0]
        if not isinstance(name, str) or not name.strip():
            raise ParseError(f"{path} [{ws.title}]", "a row with values has no country name",
                             row=i, value=name)
        for j, y in enumerate(years, start=first):
            cell = r[j] if j < len(r) else None
            if isinstance(cell, (int, float)) and not isinstance(cell, bool):
                value = float(cell)
            elif cell is None or (isinstance(cell, str) and cell.strip() in (*MISSING, "")):
                value = np.nan
            else:
                raise ParseError(f"{path} [{ws.title}]", f"{name}, {y}: neither a number nor "
                                 "SIPRI's '...' or 'xxx'", row=i, value=cell)
            out.append((name.strip(), y, value))
    if not out:
        raise ParseError(f"{path} [{ws.title}]", "no country rows after the header")
    return pd.DataFrame(out, columns=["entity", "year", "value"])


def read_milex_workbook(path: str | Path) -> pd.DataFrame:
    """Constant and current US$ and share of GDP per state and year.

    Returns
    -------
    pandas.DataFrame
        :data:`MILEX2025_COLUMNS`, ``source = 'sipri2025'``: ``milex_usd`` in US dollars (not
        millions) at constant prices of the base year (``basis = 'constant 2023 US$'``),
        ``milex_current_usd`` in current US dollars, ``share_gdp`` in per cent; rows with no
        value in any of the three are left out. The European Union is ``kind = 'aggregate'``
        with ``iso3`` missing.

    Raises
    ------
    ParseError
        A sheet missing or titled otherwise, no constant-dollar sheet (or two), a header that is
        not ``Country ... Notes, years``, a cell that is neither a number nor ``...``/``xxx``,
        the sheets listing different countries, two names that are one state with values in
        one year; named file, sheet, row and value.
    """
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile and KeyError variants
        raise ParseError(str(path), f"not an xlsx workbook: {exc!r}") from None
    try:
        const = [n for n in wb.sheetnames if CONSTANT.match(n)]
        if len(const) != 1:
            raise ParseError(str(path), "expected one sheet 'Constant (YYYY) US$'",
                             value=wb.sheetnames)
        base = CONSTANT.match(const[0]).group(1)
        missing = [s for s in SHEETS.values() if s not in wb.sheetnames]
        if missing:
            raise ParseError(str(path), f"sheet {missing[0]!r} missing", value=wb.sheetnames)
        frames = {"constant": _sheet(path, wb[const[0]], TITLES["constant"].format(year=base))}
        for key, name in SHEETS.items():
            frames[key] = _sheet(path, wb[name], TITLES[key])
    finally:
        wb.close()
    names = {k: set(f["entity"]) for k, f in frames.items()}
    for k in ("current", "share"):
        if names[k] != names["constant"]:
            diff = sorted(names[k] ^ names["constant"])
            raise ParseError(str(path), f"sheet {SHEETS[k]!r} lists other countries than "
                             f"{const[0]!r}", value=diff[:5])
    key = ["entity", "year"]
    out = (frames["constant"].rename(columns={"value": "milex_usd"})
           .merge(frames["current"].rename(columns={"value": "milex_current_usd"}), on=key)
           .merge(frames["share"].rename(columns={"value": "share_gdp"}), on=key))
    out = out.dropna(subset=["milex_usd", "milex_current_usd", "share_gdp"], how="all")
    out["milex_usd"] *= 1e6
    out["milex_current_usd"] *= 1e6
    out["share_gdp"] *= 100
    res = states.resolve_names(out["entity"], "sipri").set_index("label")
    out["iso3"] = states.yugoslavia_by_year(out["entity"].map(res["iso3"]), out["year"])
    out["kind"] = out["entity"].map(res["kind"]).astype(str)
    # SIPRI gives the USSR (1987-1990) and, in current US$, Russia within it (1987-1991): the
    # USSR's figure is RUS's, as in every other source (COW 365); Russia's own figures of the
    # years the USSR has one are kept with iso3 missing and kind 'part of USSR'.
    ussr = out.loc[out["entity"] == "USSR", "year"]
    part = (out["entity"] == "Russia") & out["year"].isin(ussr)
    out.loc[part, "iso3"] = None
    out.loc[part, "kind"] = "part of USSR"
    named = out[out["iso3"].notna()]
    dup = named.duplicated(["iso3", "year"], keep=False)
    if dup.any():
        first = named[dup].iloc[0]
        both = sorted(named[dup & (named["iso3"] == first["iso3"])]["entity"].unique())
        raise ParseError(str(path), f"rows {both} are one state ({first['iso3']}) with values "
                         "in the same year", value=int(first["year"]))
    out["year"] = out["year"].astype("int16")
    out["per_capita"] = np.nan
    out["basis"] = f"constant {base} US$"
    out["source"] = "sipri2025"
    return out[MILEX2025_COLUMNS].reset_index(drop=True)
