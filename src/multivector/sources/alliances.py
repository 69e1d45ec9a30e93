"""Alliance dyad-years: ATOP 5.1 and COW Formal Alliances v4.1, as packaged in peacesciencer.

Both files are directed dyad-years of COW state codes (``ccode1, ccode2, year``) with 0/1
obligation columns, and both list every dyad in both orders, so nothing is mirrored here: a
directed file is kept as published, a non-directed one (``ccode1 < ccode2`` throughout, as a
newer release might be) gets its reverse rows, anything else is refused
(:func:`multivector.sources.cow.dyad_form`). Either way ``WHERE iso3_a = 'KAZ'`` finds every
tie of Kazakhstan exactly once per partner and year.

One tidy schema for both: ``iso3_a, iso3_b, year, defense, offense, neutrality,
nonaggression, consultation, source``.

- ATOP (``source = 'atop'``): ``atop_defense, atop_offense, atop_neutral, atop_nonagg,
  atop_consul``. ATOP's dyad-years are *directed* in content too: a row says what state A has
  promised state B, and in 492 dyad-years of ATOP 5.1 a defence pledge runs one way only
  (the United States' 1959 pledge to Iran, unreciprocated). Rows are kept as published, so
  ``iso3_a`` is the state that gives the pledge.
- COW (``source = 'cow'``): ``cow_defense, cow_neutral, cow_nonagg, cow_entente``; entente
  (consult in a crisis) is stored as ``consultation``; COW does not code offence pledges, so
  ``offense`` is missing (NULL), not 0. COW's rows are symmetric.

COW codes map to ISO3 by year (365 is RUS throughout, 345 YUG to 1991 then SRB, 260 and 255
DEU); an unknown code is a ParseError, since the COW list is closed. Where two codes are one
state in a year (255/260 and 678/679 in 1990; COW v4.1 also carries West Germany's treaties
under 260 to 2012 beside 255), the dyad's obligations are combined by logical OR and the
state's "alliance with itself" (the 255-260 row of 1990) is dropped.

References
----------
Leeds, Brett Ashley, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long (2002).
Alliance Treaty Obligations and Provisions, 1815-1944. *International Interactions* 28:
237-260. (ATOP version 5.1 dyad-years, 1815-2018.)

Gibler, Douglas M. (2009). *International Military Alliances, 1648-2008*. CQ Press.
(Correlates of War Formal Alliances v4.1, 1816-2012.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from multivector.sources import cow

COLUMNS = ["iso3_a", "iso3_b", "year", "defense", "offense", "neutrality", "nonaggression",
           "consultation", "source"]
OBLIGATIONS = COLUMNS[3:8]

ATOP = {"atop_defense": "defense", "atop_offense": "offense", "atop_neutral": "neutrality",
        "atop_nonagg": "nonaggression", "atop_consul": "consultation"}
COW = {"cow_defense": "defense", "cow_neutral": "neutrality", "cow_nonagg": "nonaggression",
       "cow_entente": "consultation"}


def _read(path: str | Path, rename: dict[str, str], source: str) -> pd.DataFrame:
    keys = ["ccode1", "ccode2", "year"]
    raw = cow.require_columns(cow.read_single_frame(path), path, keys + list(rename))
    c1, c2, yr = (cow.integer_column(raw, c, path) for c in keys)
    flags = cow.flag_columns(raw, list(rename), path).rename(columns=rename)
    frame = pd.concat([pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": yr}), flags], axis=1)
    if cow.dyad_form(frame, path) == "non-directed":
        rev = frame.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
        frame = pd.concat([frame, rev[frame.columns]], ignore_index=True)
    out = pd.DataFrame({"iso3_a": cow.cow_iso3(frame["ccode1"], frame["year"], path, "ccode1"),
                        "iso3_b": cow.cow_iso3(frame["ccode2"], frame["year"], path, "ccode2"),
                        "year": frame["year"].astype("int16")})
    for c in OBLIGATIONS:
        out[c] = frame[c] if c in frame else pd.array([pd.NA] * len(frame), dtype="Int8")
    out = cow.collapse_unified(out, ["iso3_a", "iso3_b", "year"], "max",
                               pair=("iso3_a", "iso3_b"))
    out["source"] = source
    return out[COLUMNS]


def read_atop(path: str | Path) -> pd.DataFrame:
    """ATOP 5.1 directed dyad-years (1815-2018), peacesciencer's ``atop_alliance``.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, ``source = 'atop'``; obligations 0/1 (Int8).

    Raises
    ------
    ParseError
        A missing or renamed column, a flag other than 0/1, an unknown COW code, a repeated
        dyad-year or a dyad whose reverse is missing; the message names file, record and value.
    """
    return _read(path, ATOP, "atop")


def read_cow_alliance(path: str | Path) -> pd.DataFrame:
    """COW Formal Alliances v4.1 directed dyad-years (1816-2012), peacesciencer's ``cow_alliance``.

    peacesciencer collapsed several alliances of one directed dyad-year into one row (any
    pledge of a kind counts). ``offense`` is missing: COW does not code it.

    Returns
    -------
    pandas.DataFrame
        :data:`COLUMNS`, ``source = 'cow'``.
    """
    return _read(path, COW, "cow")
