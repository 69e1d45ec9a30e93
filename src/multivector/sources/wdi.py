"""World Bank World Development Indicators, one folder per indicator (Datahub packaging).

Each ``indicators/<code>/data.csv`` is long: ``Country Name, Country Code, Year, Value``; the
``datapackage.json`` beside it gives the indicator's title and description. Country codes are
World Bank codes: ISO3 for economies, plus aggregates (``WLD``, ``EUU``, ``ECS``...) that
:func:`multivector.states.resolve_names` flags as aggregates.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.errors import ParseError

HEADER = ["Country Name", "Country Code", "Year", "Value"]


def indicator_code(path: str | Path) -> str:
    """The indicator code of a ``indicators/<code>/data.csv`` path (lower case, as published)."""
    return Path(path).parent.name


def read_indicator(path: str | Path) -> pd.DataFrame:
    """Read one indicator file.

    Returns
    -------
    pandas.DataFrame
        ``code, name, year, indicator, value`` (``code`` is the World Bank code as published).
    """
    path = Path(path)
    df = pd.read_csv(path, dtype={"Country Code": str, "Country Name": str},
                     keep_default_na=False, na_values=[""])
    if list(df.columns) != HEADER:
        raise ParseError(str(path), f"header must be {HEADER}", row=1, value=list(df.columns))
    year = pd.to_numeric(df["Year"], errors="coerce")
    value = pd.to_numeric(df["Value"], errors="coerce")
    for col, parsed in (("Year", year), ("Value", value)):
        bad = parsed.isna() & df[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParseError(str(path), f"{col} is not a number", row=i + 2, value=df[col].iloc[i])
    if year.isna().any():
        i = int(np.flatnonzero(year.isna().to_numpy())[0])
        raise ParseError(str(path), "Year is empty", row=i + 2)
    if df["Country Code"].isna().any():
        i = int(np.flatnonzero(df["Country Code"].isna().to_numpy())[0])
        raise ParseError(str(path), "empty Country Code", row=i + 2)
    out = pd.DataFrame({"code": df["Country Code"], "name": df["Country Name"],
                        "year": year.astype("int16"), "indicator": indicator_code(path),
                        "value": value})
    return out.dropna(subset=["value"]).reset_index(drop=True)


def read_meta(path: str | Path) -> dict:
    """Title and description of an indicator from its ``datapackage.json``."""
    path = Path(path)
    try:
        meta = json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise ParseError(str(path), f"not valid JSON: {exc}") from exc
    return {"indicator": path.parent.name, "title": meta.get("title", path.parent.name),
            "description": meta.get("readme", "")}
