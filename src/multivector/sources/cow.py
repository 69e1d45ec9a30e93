"""Correlates of War tables as packaged in peacesciencer (Miller 2022), read with pyreadr."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from multivector import states
from multivector.errors import ParseError

NMC_COLUMNS = ["ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


def _read_single_frame(path: str | Path) -> pd.DataFrame:
    import pyreadr

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
    df = _read_single_frame(path)
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
