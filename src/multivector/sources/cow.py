"""Correlates of War tables as packaged in peacesciencer (Miller 2022), read with pyreadr.

National Material Capabilities and COW Trade v4.0 here; the helpers below (COW codes to ISO3,
dyad forms, -9 as missing, states unified within a year) serve :mod:`.alliances` and :mod:`.igo`
too. Miller, Steven V. (2022). peacesciencer: An R Package for Quantitative Peace Science
Research. *Conflict Management and Peace Science* 39(6): 755-779.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr

from multivector.core import states
from multivector.core.errors import ParseError

NMC_COLUMNS = ["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


def read_single_frame(path: str | Path) -> pd.DataFrame:
    """The one data frame an R data file holds (pyreadr); ParseError otherwise."""
    try:
        frames = pyreadr.read_r(str(path))
    except Exception as exc:
        raise ParseError(str(path), f"not a readable R data file: {exc}") from exc
    if len(frames) != 1:
        raise ParseError(str(path), f"expected one data frame, found {list(frames)}")
    return next(iter(frames.values()))


def read_nmc(path: str | Path) -> pd.DataFrame:
    """COW National Material Capabilities (1816-2022): one row per state-year, with CINC.

    Units as published: ``milex`` thousands of current US$ (pounds before 1914), ``milper``
    thousands, ``irst`` thousands of tons, ``pec`` thousands of coal-ton equivalents, ``tpop``
    and ``upop`` thousands; -9 (missing) becomes missing.

    Returns
    -------
    pandas.DataFrame
        ``ccode, iso3, year, milex, milper, irst, pec, tpop, upop, cinc, primary``.
    """
    df = read_single_frame(path)
    missing = set(NMC_COLUMNS) - set(df.columns)
    if missing:
        raise ParseError(str(path), f"missing columns {sorted(missing)}")
    df = df[NMC_COLUMNS].reset_index(drop=True)
    for c in ("ccode", "year"):
        if df[c].isna().any():
            i = int(np.flatnonzero(df[c].isna().to_numpy())[0])
            raise ParseError(str(path), f"missing {c}", row=i + 1)
    df = df.replace(-9, np.nan)
    df["ccode"] = df["ccode"].astype("int16")
    df["year"] = df["year"].astype("int16")
    df.insert(1, "iso3", states.cow_to_iso3(df["ccode"], df["year"]))
    if df["iso3"].isna().any():
        i = int(np.flatnonzero(df["iso3"].isna().to_numpy())[0])
        raise ParseError(str(path), "COW code unknown to data/cow_states.csv", row=i + 1,
                         value=int(df["ccode"].iloc[i]))
    # In a year of unification two COW codes map to one ISO3 state (255 and 260 are DEU in
    # 1990, 678 and 679 YEM in 1990). Both rows stay; ``primary`` marks the code that goes on.
    df["primary"] = True
    dup = df.duplicated(["iso3", "year"], keep=False)
    if dup.any():
        nxt = set(zip(df["ccode"], df["year"] - 1, strict=True))
        goes_on = pd.Series([(c, y) in nxt for c, y in zip(df["ccode"], df["year"], strict=True)],
                            index=df.index)
        df.loc[dup & ~goes_on, "primary"] = False
    return df


# --------------------------------------------------------------------------- shared helpers

MISSING = -9  # COW's code for a missing value in every table


def require_columns(df: pd.DataFrame, path: str | Path, columns: list[str]) -> pd.DataFrame:
    """``df[columns]`` (index reset), or a ParseError naming the columns the file lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ParseError(str(path), f"missing column(s) {missing}; found {list(df.columns)}")
    return df[columns].reset_index(drop=True)


def first_row(mask: pd.Series | np.ndarray) -> int:
    """The 1-based record number of the first True in ``mask``."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + 1


def integer_column(df: pd.DataFrame, col: str, path: str | Path) -> pd.Series:
    """A column of whole numbers without gaps (codes, years), as int64; ParseError otherwise."""
    s = pd.to_numeric(df[col], errors="coerce")
    bad = s.isna() | (s.round() != s)
    if bad.any():
        i = first_row(bad)
        raise ParseError(str(path), f"{col} is missing or not a whole number", row=i,
                         value=df[col].iloc[i - 1])
    return s.astype("int64")


def flag_columns(df: pd.DataFrame, cols: list[str], path: str | Path) -> pd.DataFrame:
    """0/1 indicator columns as Int8; anything else (a missing value, a 2) is a ParseError."""
    out = {}
    for c in cols:
        s = df[c]
        bad = ~s.isin([0, 1])
        if bad.any():
            i = first_row(bad)
            raise ParseError(str(path), f"{c} must be 0 or 1", row=i, value=s.iloc[i - 1])
        out[c] = s.astype("Int8")
    return pd.DataFrame(out)


def amount_column(df: pd.DataFrame, col: str, path: str | Path) -> pd.Series:
    """A non-negative amount; COW's -9 (missing) and R's NA become NaN, never 0.

    Any other negative number is not in the published format and raises.
    """
    s = pd.to_numeric(df[col], errors="coerce")
    bad = s.isna() & df[col].notna()
    if bad.any():
        i = first_row(bad)
        raise ParseError(str(path), f"{col} is not a number", row=i, value=df[col].iloc[i - 1])
    s = s.mask(s == MISSING)
    neg = s < 0
    if neg.any():
        i = first_row(neg)
        raise ParseError(str(path), f"{col} is negative and not COW's missing code -9",
                         row=i, value=float(s.iloc[i - 1]))
    return s.astype("float64")


def cow_iso3(ccode: pd.Series, year: pd.Series, path: str | Path, column: str) -> pd.Series:
    """ISO3 codes of COW codes by year (:func:`multivector.core.states.cow_to_iso3`).

    Mapped once per distinct (code, year). The COW state list is closed and
    ``data/cow_states.csv`` holds all of it, so a code it does not know means the file is not
    the published one: a ParseError naming the file, record and code, never a silent gap.
    """
    pairs = pd.DataFrame({"c": ccode.to_numpy(), "y": year.to_numpy()})
    uniq = pairs.drop_duplicates().reset_index(drop=True)
    uniq["iso3"] = states.cow_to_iso3(uniq["c"], uniq["y"]).to_numpy()
    out = pairs.merge(uniq, on=["c", "y"], how="left")["iso3"]
    out.index = ccode.index
    if out.isna().any():
        i = first_row(out.isna())
        raise ParseError(str(path), f"COW code in {column} unknown to data/cow_states.csv",
                         row=i, value=int(ccode.iloc[i - 1]))
    return out


def dyad_form(df: pd.DataFrame, path: str | Path, cols: tuple[str, str, str] = (
        "ccode1", "ccode2", "year")) -> str:
    """Whether a dyad-year table is ``"non-directed"`` or ``"directed"``.

    Non-directed: every row has ``ccode1 < ccode2`` (each dyad once). Directed: every row's
    reverse (ccode2, ccode1, year) is there too (each dyad twice). Anything else, a repeated
    key or a state paired with itself, is a ParseError naming the first offending record.
    """
    a, b, y = (df[c].to_numpy() for c in cols)
    same = a == b
    if same.any():
        i = first_row(same)
        raise ParseError(str(path), "a state paired with itself", row=i, value=int(a[i - 1]))
    key = pd.MultiIndex.from_arrays([a, b, y])
    if key.has_duplicates:
        i = first_row(key.duplicated())
        raise ParseError(str(path), "repeated dyad-year", row=i,
                         value=(int(a[i - 1]), int(b[i - 1]), int(y[i - 1])))
    if (a < b).all():
        return "non-directed"
    lacking = ~pd.MultiIndex.from_arrays([b, a, y]).isin(key)
    if lacking.any():
        i = first_row(lacking)
        raise ParseError(str(path), "neither non-directed (ccode1 < ccode2 throughout) nor "
                         "directed (each dyad in both orders): this dyad's reverse is missing",
                         row=i, value=(int(a[i - 1]), int(b[i - 1]), int(y[i - 1])))
    return "directed"


def collapse_unified(frame: pd.DataFrame, keys: list[str], how: str,
                     pair: tuple[str, str] | None = None) -> pd.DataFrame:
    """One row per ``keys`` where two COW codes became one ISO3 state in the same year.

    255 and 260 are both DEU in 1990, 678 and 679 both YEM in 1990, and COW alliances v4.1
    carries West Germany's (260) treaties to 2012 beside Germany's (255). ``how="max"``
    (indicators, shared-membership counts: a tie of either code is the state's tie) or
    ``"sum"`` (trade flows: the parts add up; missing only when every part is missing).
    With ``pair`` (the two state columns of a dyadic table), rows that pair a state with
    itself (the 255-260 alliance in 1990, DEU-DEU) are dropped.
    """
    if pair is not None:
        frame = frame[frame[pair[0]] != frame[pair[1]]]
    dup = frame.duplicated(keys, keep=False)
    if not dup.any():
        return frame.reset_index(drop=True)
    values = [c for c in frame.columns if c not in keys]
    grouped = frame[dup].groupby(keys, sort=False, observed=True)[values]
    merged = grouped.max() if how == "max" else grouped.sum(min_count=1)
    out = pd.concat([frame[~dup], merged.reset_index()], ignore_index=True)
    for c in values:  # groupby may widen nullable types
        out[c] = out[c].astype(frame[c].dtype)
    return out


# --------------------------------------------------------------------------- COW Trade v4.0

TRADE_DYAD_COLUMNS = ["ccode1", "ccode2", "year", "flow1", "flow2", "smoothflow1", "smoothflow2"]
TRADE_STATE_COLUMNS = ["ccode", "year", "imports", "exports"]


def read_trade_dyads(path: str | Path) -> pd.DataFrame:
    """COW Trade v4.0 dyadic trade (1870-2014) as directed import rows.

    Barbieri, Keshk & Pollins (2009), "Trading Data: Evaluating our Assumptions and Coding
    Rules", *Conflict Management and Peace Science* 26(5): 471-491; as packaged in peacesciencer
    (``cow_trade_ndy``). Published layout: one row per non-directed dyad-year
    (``ccode1 < ccode2``); ``flow1`` is ccode1's imports from ccode2 and ``flow2`` ccode2's
    imports from ccode1, current US$ millions; ``smoothflow1``/``smoothflow2`` the same after
    COW's smoothing. peacesciencer already turned COW's -9 into NA, dropped dyad-years with all
    four missing and rounded to whole millions (so 0 means under half a million).

    Each row becomes two: (importer ccode1, exporter ccode2, flow1, smoothflow1) and
    (ccode2, ccode1, flow2, smoothflow2). Missing (-9 or NA) stays missing, never 0.

    Returns
    -------
    pandas.DataFrame
        ``importer, exporter, year, value_usd_m, smooth_usd_m`` (ISO3 by year).

    Raises
    ------
    ParseError
        A missing column, a directed file, an unknown COW code, a negative flow other than -9.
    """
    raw = require_columns(read_single_frame(path), path, TRADE_DYAD_COLUMNS)
    c1, c2, yr = (integer_column(raw, c, path) for c in ("ccode1", "ccode2", "year"))
    form = dyad_form(pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": yr}), path)
    if form != "non-directed":
        raise ParseError(str(path), "expected non-directed dyads (ccode1 < ccode2 on every "
                         "row): flow1/flow2 would be counted twice")
    a, b = cow_iso3(c1, yr, path, "ccode1"), cow_iso3(c2, yr, path, "ccode2")
    flows = {c: amount_column(raw, c, path) for c in TRADE_DYAD_COLUMNS[3:]}
    year = yr.astype("int16")
    out = pd.concat([
        pd.DataFrame({"importer": a, "exporter": b, "year": year,
                      "value_usd_m": flows["flow1"], "smooth_usd_m": flows["smoothflow1"]}),
        pd.DataFrame({"importer": b, "exporter": a, "year": year,
                      "value_usd_m": flows["flow2"], "smooth_usd_m": flows["smoothflow2"]}),
    ], ignore_index=True)
    return collapse_unified(out, ["importer", "exporter", "year"], "sum",
                            pair=("importer", "exporter"))


def read_trade_states(path: str | Path) -> pd.DataFrame:
    """COW Trade v4.0 national totals (1870-2014): imports and exports, current US$ millions.

    Barbieri, Keshk & Pollins (2009), *CMPS* 26(5); peacesciencer's ``cow_trade_sy``
    (``ccode, year, imports, exports``). -9 and NA are missing, never 0. Where two COW codes
    are one ISO3 state in a year (255/260 in 1960-1990, where COW records West Germany under
    255 and leaves 260 empty; 678/679 in 1990), the parts are added.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, imports_usd_m, exports_usd_m``.
    """
    raw = require_columns(read_single_frame(path), path, TRADE_STATE_COLUMNS)
    cc, yr = integer_column(raw, "ccode", path), integer_column(raw, "year", path)
    key = pd.MultiIndex.from_arrays([cc, yr])
    if key.has_duplicates:
        i = first_row(key.duplicated())
        raise ParseError(str(path), "repeated state-year", row=i,
                         value=(int(cc.iloc[i - 1]), int(yr.iloc[i - 1])))
    out = pd.DataFrame({"iso3": cow_iso3(cc, yr, path, "ccode"), "year": yr.astype("int16"),
                        "imports_usd_m": amount_column(raw, "imports", path),
                        "exports_usd_m": amount_column(raw, "exports", path)})
    return collapse_unified(out, ["iso3", "year"], "sum")
