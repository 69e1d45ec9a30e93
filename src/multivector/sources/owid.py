"""Our World in Data grapher datasets: mineral and metal production, military expenditure.

Each dataset is a folder ``datasets/<name>/`` with ``<name>.csv`` (``Entity, Year`` then one
column per variable, empty where there is no value) and ``datapackage.json``, whose
``resources[0].schema.fields`` name every column and describe it. The parsers require the CSV
header to be exactly the fields of the datapackage (a renamed or added column is a ParseError
naming both), read units from the field descriptions (``"Uranium production in tonnes (metal
content)."``) or, where the description is empty, from ``owidDisplaySettings.unit`` (a JSON
object, or a JSON string of one), and never hard-code them.

Entities are OWID's country names, plus ``World``, continents and groups (``NATO members``).
They are resolved with :func:`multivector.core.states.resolve_names` under the source key ``owid``
(overrides in ``data/country_names.csv`` for Czechoslovakia, Serbia and Montenegro, West
Germany, Austria-Hungary, the USSR, Yugoslavia, Timor, and the aggregates); every row keeps
its ``entity`` and ``kind``, aggregates with ``iso3`` missing, so they are never mixed with
states silently.

Datasets
--------
Mineral production, British Geological Survey (2016), ``source = 'bgs'``, 1970-2015: cadmium,
cobalt, diamond, graphite, lithium, mercury, platinum, uranium, silicon. No ``World`` rows.
OWID's note: "Where Russia and the Soviet Union both feature in the data, the Soviet Union
series has been added to Russia's own figures. The same is true for the Democratic Republic
of Congo/Zaire, West Germany/East Germany/Germany, and Serbia and Montenegro/Yugoslavia,
Mozambique/Rhodesia": Russia's rows before 1992 are the whole USSR's (Kazakhstan's Soviet-era
uranium is in them; its own rows start in 1992).

Metal production, Clio Infra and USGS, ``source = 'clio_usgs'``, 1681-2015: nickel, tungsten,
zinc, silver, bauxite, iron ore, gold, tin, lead, copper, aluminium, manganese; Clio Infra to
2011 or 2012 and USGS after (the dataset and field descriptions disagree on the seam). Clio
Infra reports present-day countries back in time (Kazakhstan has rows from 1681, mostly 0).
``World`` rows are published and kept.

SIPRI Military Expenditure Database, ``source = 'sipri'``, 1949-2020: military expenditure
and per capita in constant 2019 US$ (the basis is read from the datapackage and checked
against the dataset description), share of GDP in per cent. Regional and world rows (Africa,
World, NATO members...) are aggregates.

Military expenditure as a share of GDP, OWID based on COW and SIPRI (2017),
``source = 'owid_cow_sipri'``, 1827-2016: per cent of GDP only.

References
----------
British Geological Survey (2016). *World Mineral Production*. Keyworth: BGS.
Clio Infra, Reconstructing Global Inequality (clio-infra.eu), and US Geological Survey, Mineral
Commodity Statistics; as combined by Our World in Data.
Stockholm International Peace Research Institute, SIPRI Military Expenditure Database
(sipri.org/databases/milex).
Our World in Data (2017/2018), military expenditure as a share of GDP based on COW National
Material Capabilities v5.0 and SIPRI.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.core import states
from multivector.core.errors import ParseError

MINERAL_COLUMNS = ["iso3", "entity", "kind", "year", "mineral", "value", "unit", "source"]
MILEX_COLUMNS = ["iso3", "entity", "kind", "year", "milex_usd", "share_gdp", "per_capita",
                 "basis", "source"]
SIPRI_FIELDS = ["military_expenditure", "military_expenditure_share_gdp",
                "military_expenditure_per_capita"]
_UNIT = re.compile(r"\b(?:production|measured) in (.+?)\.(?:\s|$)")
_CONSTANT = re.compile(r"constant \(?(\d{4})\)? US Dollars", re.IGNORECASE)
_MINERAL = re.compile(r"^(.+?)(?: Production)? \((?:BGS \(2016\)|Clio-Infra & USGS)\)$")


def read_datapackage(path: str | Path) -> dict:
    """A ``datapackage.json``: ``description`` and ``fields`` (name to field dict), in order."""
    path = Path(path)
    try:
        meta = json.loads(path.read_text("utf-8"))
        fields = meta["resources"][0]["schema"]["fields"]
        names = [f["name"] for f in fields]
    except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
        raise ParseError(str(path), f"not an OWID datapackage (resources[0].schema.fields): "
                         f"{exc!r}") from exc
    return {"description": meta.get("description") or "",
            "fields": dict(zip(names, fields, strict=True))}


def _display_unit(field: dict) -> str | None:
    settings = field.get("owidDisplaySettings") or {}
    if isinstance(settings, str):
        try:
            settings = json.loads(settings)
        except json.JSONDecodeError:
            return None
    return settings.get("unit") if isinstance(settings, dict) else None


def field_unit(field: dict, package: str | Path) -> str:
    """The unit of a datapackage field: from its description, else its display settings."""
    m = _UNIT.search(field.get("description") or "")
    unit = m.group(1).strip() if m else _display_unit(field)
    if not unit:
        raise ParseError(str(package), "no unit in the field's description nor in its "
                         "owidDisplaySettings", value=field.get("name"))
    return unit


def read_csv(path: str | Path, package: dict, package_path: str | Path) -> pd.DataFrame:
    """An OWID dataset CSV, checked against its datapackage: header, years, numbers.

    Returns the frame as published (``Entity``, ``Year`` int, value columns float).
    """
    path = Path(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    expected = list(package["fields"])
    if list(df.columns) != expected:
        raise ParseError(str(path), f"header does not match the fields of {package_path}: "
                         f"expected {expected}", row=1, value=list(df.columns))
    if df["Entity"].isna().any():
        i = int(np.flatnonzero(df["Entity"].isna().to_numpy())[0])
        raise ParseError(str(path), "empty Entity", row=i + 2)
    out = {"Entity": df["Entity"]}
    for col in expected[1:]:
        num = pd.to_numeric(df[col], errors="coerce")
        bad = num.isna() & df[col].notna()
        if col == "Year":
            bad |= num.isna() | (num.round() != num)
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise ParseError(str(path), f"{col} is not a number", row=i + 2,
                             value=df[col].iloc[i])
        out[col] = num.astype("int16") if col == "Year" else num.astype("float64")
    frame = pd.DataFrame(out)
    dup = frame.duplicated(["Entity", "Year"])
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise ParseError(str(path), "repeated Entity and Year", row=i + 2,
                         value=(frame["Entity"].iloc[i], int(frame["Year"].iloc[i])))
    return frame


def _resolve(frame: pd.DataFrame, keys: list[str], path: str | Path) -> pd.DataFrame:
    """Add ``iso3`` and ``kind`` to ``frame`` (which has ``entity``); two entities that are one
    state in the same ``keys`` (``Korea`` and ``South Korea`` for one metal and year) would be
    counted twice, so they are a ParseError naming both."""
    r = states.resolve_names(frame["entity"], "owid").set_index("label")
    out = frame.assign(iso3=frame["entity"].map(r["iso3"]).astype(object),
                       kind=frame["entity"].map(r["kind"]).astype(str))
    named = out[out["iso3"].notna()]
    dup = named.duplicated(["iso3", *keys], keep=False)
    if dup.any():
        first = named[dup].iloc[0]
        both = named[dup & (named["iso3"] == first["iso3"])]["entity"].unique().tolist()
        raise ParseError(str(path), f"entities {both} are one state ({first['iso3']}) in the "
                         "same year and series", value={k: first[k] for k in keys})
    return out


def read_minerals(csv_path: str | Path, package_path: str | Path, source: str) -> pd.DataFrame:
    """Mineral or metal production, long: one row per entity, year and mineral with a value.

    Parameters
    ----------
    csv_path, package_path : path
        The dataset's CSV and its ``datapackage.json``.
    source : {"bgs", "clio_usgs"}
        Stored in ``source``.

    Returns
    -------
    pandas.DataFrame
        :data:`MINERAL_COLUMNS`; ``mineral`` lower case (``uranium``, ``iron ore``), ``unit``
        as the datapackage states it (``tonnes (metal content)``, ``thousand metric tons``).

    Raises
    ------
    ParseError
        Header other than the datapackage's fields, a column that is not a mineral of BGS or
        Clio Infra & USGS, a field without a unit, a non-numeric or negative value.
    """
    package = read_datapackage(package_path)
    wide = read_csv(csv_path, package, package_path)
    frames = []
    for col, field in list(package["fields"].items())[2:]:
        m = _MINERAL.match(col)
        if m is None:
            raise ParseError(str(csv_path), "column is not '<Mineral> (BGS (2016))' nor "
                             "'<Metal> Production (Clio-Infra & USGS)'", row=1, value=col)
        values = wide[col]
        neg = values < 0
        if neg.any():
            i = int(np.flatnonzero(neg.to_numpy())[0])
            raise ParseError(str(csv_path), f"negative production in {col}", row=i + 2,
                             value=float(values.iloc[i]))
        keep = values.notna()
        frames.append(pd.DataFrame({"entity": wide.loc[keep, "Entity"],
                                    "year": wide.loc[keep, "Year"],
                                    "mineral": m.group(1).lower(),
                                    "value": values[keep],
                                    "unit": field_unit(field, package_path)}))
    out = _resolve(pd.concat(frames, ignore_index=True), ["year", "mineral"], csv_path)
    out["source"] = source
    return out[MINERAL_COLUMNS]


def read_sipri(csv_path: str | Path, package_path: str | Path) -> pd.DataFrame:
    """SIPRI military expenditure via OWID (1949-2020), in constant US$ of the stated year.

    The basis (``constant 2019 US$``) comes from the unit of ``military_expenditure`` and must
    agree with the per-capita unit and with the dataset description; share of GDP is in per cent.

    Returns
    -------
    pandas.DataFrame
        :data:`MILEX_COLUMNS`, ``source = 'sipri'``; ``milex_usd`` in US dollars (not millions).
    """
    package = read_datapackage(package_path)
    if list(package["fields"])[2:] != SIPRI_FIELDS:
        raise ParseError(str(package_path), f"fields must be Entity, Year, {SIPRI_FIELDS}",
                         value=list(package["fields"]))
    units = {f: field_unit(package["fields"][f], package_path) for f in SIPRI_FIELDS}
    years = {f: _CONSTANT.search(units[f]) for f in (SIPRI_FIELDS[0], SIPRI_FIELDS[2])}
    stated = _CONSTANT.search(package["description"])
    if not all(years.values()) or stated is None or len(
            {m.group(1) for m in (*years.values(), stated)}) != 1:
        raise ParseError(str(package_path), "military expenditure and per capita must be in "
                         "constant US Dollars of the year the description states",
                         value=(units[SIPRI_FIELDS[0]], units[SIPRI_FIELDS[2]],
                                stated.group(0) if stated else None))
    if units[SIPRI_FIELDS[1]] != "%":
        raise ParseError(str(package_path), "share of GDP must be in %",
                         value=units[SIPRI_FIELDS[1]])
    wide = read_csv(csv_path, package, package_path)
    out = pd.DataFrame({"entity": wide["Entity"], "year": wide["Year"],
                        "milex_usd": wide[SIPRI_FIELDS[0]], "share_gdp": wide[SIPRI_FIELDS[1]],
                        "per_capita": wide[SIPRI_FIELDS[2]],
                        "basis": f"constant {stated.group(1)} US$", "source": "sipri"})
    out = _resolve(out, ["year"], csv_path)
    return out[MILEX_COLUMNS]


def read_milex_share(csv_path: str | Path, package_path: str | Path) -> pd.DataFrame:
    """OWID's military expenditure as a share of GDP from COW and SIPRI (1827-2016), per cent.

    Returns
    -------
    pandas.DataFrame
        :data:`MILEX_COLUMNS`, ``source = 'owid_cow_sipri'``; only ``share_gdp`` is set.
    """
    package = read_datapackage(package_path)
    fields = list(package["fields"])
    if len(fields) != 3 or field_unit(package["fields"][fields[2]], package_path) != "%":
        raise ParseError(str(package_path), "expected one share-of-GDP field in %",
                         value=fields)
    wide = read_csv(csv_path, package, package_path)
    share = wide[fields[2]]
    out = pd.DataFrame({"entity": wide["Entity"], "year": wide["Year"],
                        "milex_usd": np.nan, "share_gdp": share, "per_capita": np.nan,
                        "basis": None, "source": "owid_cow_sipri"})
    out = _resolve(out[share.notna()].reset_index(drop=True), ["year"], csv_path)
    return out[MILEX_COLUMNS]
