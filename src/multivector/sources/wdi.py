"""World Bank World Development Indicators, one folder per indicator (Datahub packaging).

Each ``indicators/<code>/data.csv`` is long: ``Country Name, Country Code, Year, Value``; the
``datapackage.json`` beside it gives the indicator's title and description. Country codes are
World Bank codes: ISO3 for economies, plus aggregates (``WLD``, ``EUU``, ``ECS``...) that
:func:`multivector.core.states.resolve_names` flags as aggregates.

An indicator is named by its registry code (the ``<code>`` folder of the file's *mirror path*,
lower case), never by the folder a local copy sits in, and the ``datapackage.json`` beside it
must name the same indicator. When the registry holds several vintages of one indicator (a
user's newer file through ``MULTIVECTOR_EXTRA_REGISTRY``), the last one in registry order
replaces the older ones whole: :func:`read_vintages`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.core.errors import ParseError
from multivector.sources.registry import FileEntry

HEADER = ["Country Name", "Country Code", "Year", "Value"]
CODE = re.compile(r"[a-z0-9][a-z0-9._-]*")


def indicator_code(mirror_path: str | Path) -> str:
    """The indicator code of a registry path ``.../indicators/<code>/data.csv`` (lower case).

    Raises
    ------
    ParseError
        The folder is not a World Bank code (letters, digits, ``.``, ``_``, ``-``).
    """
    parts = str(mirror_path).split("/")
    code = parts[-2].lower() if len(parts) >= 2 else ""
    if not CODE.fullmatch(code):
        raise ParseError(mirror_path, "the folder before the file must be a World Bank indicator "
                         "code (letters, digits, '.', '_', '-')", value=code)
    return code


def read_indicator(path: str | Path, code: str | None = None) -> pd.DataFrame:
    """Read one indicator file (``code``: its registry code; default the folder's name).

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
                        "year": year.astype("int16"),
                        "indicator": code or Path(path).parent.name.lower(),
                        "value": value})
    return out.dropna(subset=["value"]).reset_index(drop=True)


def read_meta(path: str | Path, code: str | None = None) -> dict:
    """Title and description of an indicator from its ``datapackage.json``.

    Raises
    ------
    ParseError
        Not JSON, or it names another indicator than ``code`` (its ``name`` or
        ``worldbank.indicator``).
    """
    path = Path(path)
    code = code or path.parent.name.lower()
    try:
        meta = json.loads(path.read_text("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(str(path), f"not valid JSON: {exc}") from exc
    if not isinstance(meta, dict):
        raise ParseError(str(path), "not a datapackage (a JSON object)")
    wb = meta.get("worldbank")
    named = {str(v).lower() for v in (meta.get("name"), wb.get("indicator") if isinstance(
        wb, dict) else None) if v}
    if named and code not in named:
        raise ParseError(str(path), f"names indicator {sorted(named)[0]!r}, but the registry "
                         f"path says {code!r}", value=sorted(named)[0])
    return {"indicator": code, "title": meta.get("title", code),
            "description": meta.get("readme", "")}


def read_vintages(files: list[tuple[FileEntry, Path]]
                  ) -> tuple[pd.DataFrame, pd.DataFrame, list[tuple]]:
    """Every indicator of the registry's WDI files, one vintage each.

    Parameters
    ----------
    files : list of (FileEntry, Path)
        The source's files in registry order with their local paths.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame, list of tuple)
        Values (:func:`read_indicator`), metadata (``indicator, title, description``) and
        provenance rows ``(file, sha256, bytes, rows, note)``. An indicator's later file
        (registry order) replaces an earlier one; the older file's row says ``superseded by``
        the newer one and counts no rows.
    """
    latest: dict[tuple[str, str], FileEntry] = {}
    for f, _ in files:
        kind = "data" if f.name == "data.csv" else "meta"
        latest[(indicator_code(f.mirror_path), kind)] = f
    frames, metas, prov = [], [], []
    for f, p in files:
        code = indicator_code(f.mirror_path)
        kind = "data" if f.name == "data.csv" else "meta"
        newer = latest[(code, kind)]
        if newer is not f:
            prov.append((f.mirror_path, f.sha256, f.bytes, 0 if kind == "data" else None,
                         f"superseded by {newer.mirror_path} (a newer vintage of {code})"))
        elif kind == "data":
            frame = read_indicator(p, code)
            frames.append(frame)
            prov.append((f.mirror_path, f.sha256, f.bytes, len(frame), None))
        else:
            metas.append(read_meta(p, code))
            prov.append((f.mirror_path, f.sha256, f.bytes, None, None))
    values = (pd.concat(frames, ignore_index=True) if frames
              else pd.DataFrame(columns=["code", "name", "year", "indicator", "value"]))
    meta = pd.DataFrame(metas, columns=["indicator", "title", "description"])
    return values, meta, prov
