"""wiiw FDI Database: Kazakhstan's FDI inflows and inward stock by partner (and by activity).

``wiiw_partners.csv`` (an extract of the wiiw FDI Database, from the National Bank of
Kazakhstan) has nine described columns, then one per year ``_2003 ... _2021``::

    "Tree Level 1","Country-Code","Country","Direction","Partner-Code","Partner","Unit",
    "Footnotes","Sources",_2003,...,_2021

``Direction`` is ``FDI inflow`` or ``FDI inward stock``; ``Unit`` ``EUR m`` or ``in % of total``
(each partner and direction has both rows); ``.`` is a missing value. Partner codes are ISO2,
plus ``WORLD`` (the total) and the EU of three dates (``EU27_2020``, ``EU28_2013``,
``EU15_1995``), stored as the aggregate codes ``WORLD``, ``EU27``, ``EU28``, ``EU15``. Inflows
can be negative (disinvestment and repaid intra-company debt exceed new investment): the
Netherlands' inflow is -415 EUR m in 2017.

``wiiw-fdi-database.csv`` holds the same flows by economic activity (NACE Rev. 1 to 2012,
Rev. 2 from 2010); only its totals are read (:func:`read_activity_totals`), as a cross-check of
the partner file's world totals.

Reference
---------
The Vienna Institute for International Economic Studies (wiiw), wiiw FDI Database
(data.wiiw.ac.at/foreign-direct-investment.html); source: National Bank of Kazakhstan.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.core import states
from multivector.core.errors import ParseError

PARTNER_HEADER = ["Tree Level 1", "Country-Code", "Country", "Direction", "Partner-Code",
                  "Partner", "Unit", "Footnotes", "Sources"]
ACTIVITY_HEADER = ["Tree Level 1", "Country-Code", "Country", "Direction", "Classification",
                   "Digit", "Industry/Product", "Unit", "Footnotes", "Sources"]
MEASURES = {"FDI inflow": "inflow", "FDI inward stock": "stock"}
UNITS = {"EUR m": "value_eur_m", "in % of total": "share"}
AGGREGATES = {"WORLD": "WORLD", "EU27_2020": "EU27", "EU28_2013": "EU28", "EU15_1995": "EU15"}
INVESTMENT_COLUMNS = ["iso3", "partner", "partner_kind", "partner_label", "year", "measure",
                      "value_eur_m", "share", "source"]
_YEAR = re.compile(r"^_(\d{4})$")


def _read(path: Path, header: list[str]) -> tuple[pd.DataFrame, list[int]]:
    """The CSV as text, its described columns checked, years parsed from ``_YYYY``."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    cols = list(df.columns)
    n = len(header)
    if cols[:n] != header:
        padded = cols + [""] * n
        bad = next(i for i, (a, b) in enumerate(zip(padded, header, strict=False)) if a != b)
        raise ParseError(str(path), f"column {bad + 1} must be {header[bad]!r}", row=1,
                         value=cols[bad] if bad < len(cols) else None)
    years = []
    for i, c in enumerate(cols[n:], start=n + 1):
        m = _YEAR.match(c)
        if m is None:
            raise ParseError(str(path), f"column {i} is not a year '_YYYY'", row=1, value=c)
        years.append(int(m.group(1)))
    if not years or years != list(range(years[0], years[0] + len(years))):
        raise ParseError(str(path), "year columns must be consecutive", row=1, value=cols[n:])
    return df, years


def _numbers(path: Path, df: pd.DataFrame, years: list[int], first: int) -> np.ndarray:
    """The year columns as floats (``.`` missing); anything else is a ParseError."""
    cols = df.columns[first:]
    out = np.full((len(df), len(cols)), np.nan)
    for j, c in enumerate(cols):
        text = df[c].str.strip()
        num = pd.to_numeric(text.where(text != "."), errors="coerce")
        bad = num.isna() & (text != ".")
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParseError(str(path), f"{c} is neither a number nor '.'", row=i + 2,
                             value=df[c].iloc[i])
        out[:, j] = num.to_numpy()
    return out


def read_partners(path: str | Path) -> pd.DataFrame:
    """The partner file, long: one row per partner, year and measure with EUR m and share.

    Returns
    -------
    pandas.DataFrame
        :data:`INVESTMENT_COLUMNS`, ``source = 'wiiw_fdi'``. ``iso3`` is the reporting country
        (``KAZ``); ``partner`` an ISO3 code, or ``WORLD``/``EU27``/``EU28``/``EU15`` with
        ``partner_kind = 'aggregate'``; ``share`` in per cent of the world total.

    Raises
    ------
    ParseError
        Header other than the wiiw layout, a direction or unit it does not have, a partner and
        direction without both units (or with one twice), a value that is neither a number nor
        ``.``; named file, row and column.
    """
    path = Path(path)
    df, years = _read(path, PARTNER_HEADER)
    for col, known in (("Direction", MEASURES), ("Unit", UNITS)):
        bad = ~df[col].isin(list(known))
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParseError(str(path), f"{col} must be one of {list(known)}", row=i + 2,
                             value=df[col].iloc[i])
    key = ["Country-Code", "Direction", "Partner-Code", "Unit"]
    dup = df.duplicated(key)
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise ParseError(str(path), "partner, direction and unit repeated", row=i + 2,
                         value=tuple(df[key].iloc[i]))
    values = _numbers(path, df, years, len(PARTNER_HEADER))
    long = pd.DataFrame({
        "reporter": np.repeat(df["Country-Code"].to_numpy(), len(years)),
        "code": np.repeat(df["Partner-Code"].to_numpy(), len(years)),
        "partner_label": np.repeat(df["Partner"].to_numpy(), len(years)),
        "measure": np.repeat(df["Direction"].map(MEASURES).to_numpy(), len(years)),
        "unit": np.repeat(df["Unit"].map(UNITS).to_numpy(), len(years)),
        "year": np.tile(np.array(years, dtype="int16"), len(df)),
        "value": values.ravel()})
    wide = long.pivot_table(index=["reporter", "code", "partner_label", "measure", "year"],
                            columns="unit", values="value", aggfunc="first",
                            dropna=False).reset_index()
    pairs = df.groupby(["Country-Code", "Direction", "Partner-Code"])["Unit"].nunique()
    if (pairs < len(UNITS)).any():
        k = pairs[pairs < len(UNITS)].index[0]
        raise ParseError(str(path), "a partner and direction lacks its EUR m or % row", value=k)
    wide = wide.dropna(subset=list(UNITS.values()), how="all")
    rep = states.resolve_names(wide["reporter"], "wiiw", by="ISO2").set_index("label")
    wide["iso3"] = wide["reporter"].map(rep["iso3"])
    if wide["iso3"].isna().any():
        raise ParseError(str(path), "Country-Code is not an ISO2 code of a state",
                         value=wide.loc[wide["iso3"].isna(), "reporter"].iloc[0])
    codes = [c for c in wide["code"].unique() if c not in AGGREGATES]
    res = states.resolve_names(codes, "wiiw", by="ISO2").set_index("label")
    wide["partner"] = wide["code"].map(AGGREGATES).fillna(wide["code"].map(res["iso3"]))
    wide["partner_kind"] = np.where(wide["code"].isin(list(AGGREGATES)), "aggregate",
                                    wide["code"].map(res["kind"]))
    wide.loc[wide["partner_kind"] == "unmapped", "partner"] = wide["code"]
    wide["source"] = "wiiw_fdi"
    for c in UNITS.values():
        if c not in wide:
            wide[c] = np.nan
    out = wide[INVESTMENT_COLUMNS].sort_values(["measure", "partner", "year"],
                                               ignore_index=True)
    out.columns.name = None
    return out


def read_activity_totals(path: str | Path) -> pd.DataFrame:
    """The ``Total by activities`` rows of the activity file in EUR m, per classification.

    Returns ``classification, measure, year, value_eur_m`` (years with a value only).
    """
    path = Path(path)
    df, years = _read(path, ACTIVITY_HEADER)
    values = _numbers(path, df, years, len(ACTIVITY_HEADER))
    keep = ((df["Industry/Product"] == "Total by activities") & (df["Unit"] == "EUR m")
            & (df["Digit"] == "NACE 1-letter")).to_numpy()
    rows = []
    for i in np.flatnonzero(keep):
        for j, y in enumerate(years):
            if not np.isnan(values[i, j]):
                rows.append((df["Classification"].iloc[i],
                             MEASURES.get(df["Direction"].iloc[i], df["Direction"].iloc[i]),
                             y, values[i, j]))
    return pd.DataFrame(rows, columns=["classification", "measure", "year", "value_eur_m"])
