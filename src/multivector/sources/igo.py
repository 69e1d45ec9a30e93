"""Memberships of intergovernmental organisations: COW IGO v3 (counts) and manyIOs (rows).

COW IGO v3, as packaged in peacesciencer
----------------------------------------
In COW's own files every IGO is a column coded per state-year: 0 no membership, 1 full,
2 associate, 3 observer, -9 missing, -1 IGO not in existence (state-year format); per dyad-year:
1 joint full membership, 0 none, -9 missing, -1 state not a system member (dyadic format).
peacesciencer turned every negative code (missing *and* not-in-existence) into NA and summed
with ``na.rm``, so its two tables are counts in which a missing membership counts as none:

- ``cow_igo_sy``: ``ccode, year, sum_igo_full, sum_igo_associate, sum_igo_observer,
  sum_igo_anytype`` (anytype = the three added; checked), every year 1816-2014;
- ``cow_igo_ndy``: ``ccode1 < ccode2, year, dyadigos``: IGOs of which both are *full* members
  (an associate or observer on either side is not a joint membership), 1816-2014.

No -9 or -1 survives in these files; a negative count is refused as not the published format.

manyIOs (Hollway et al.), read with ``rdata``
---------------------------------------------
``memberships.rda`` holds a list of two tables, every column stored as text:

- ``MIGO``: Roger & Rowan's informal IOs (``informals_v3``; 244 organisations such as ASEAN,
  CICA, the G20, INTOSAI, the Nuclear Suppliers Group), one row per organisation, state and
  year *of membership* 1925-2010 (non-member years are absent). ``membership`` is 1 full,
  2 associate, 3 observer (coded like COW); ``Begin``/``End`` are the first and last year
  *the state* appears anywhere in the data, not membership dates, and are not used. ``stateID``
  is manypkgs' code (not always ISO3: ``ALG``, ``KOS``, missing for two states, and ``CZE`` for
  Czechoslovakia in 1991); the COW code ``cowID`` is complete and maps by year like every COW
  table here, so it decides the ISO3 code.
- ``IIGO``: Vabulas & Snidal's informal IGOs 2.0, a *snapshot* of members in 2017 (``Year`` is
  2017 on every row; for an organisation that has ended, its members at the end); ``Begin`` and
  ``End`` are the organisation's dates. No state-years exist, so the rows keep year 2017.
  ``stateID`` is mostly ISO3 (``ALG``, ``KOS`` and ``GIN - GNQ`` are not: the last is
  Equatorial Guinea's row, and unresolvable codes are reported, not guessed).

``organizations.rda`` holds ``DIGO`` (Eilstrup-Sangiovanni's 561 formal IGOs 1815-2015 with
``Begin``, ``End``, ``Living``), ``IIGO`` (the 149 informal IGOs with their dates) and
``TRANSACCESS`` (access of transnational actors, not read). IIGO abbreviations are not unique
(``BP`` is both the Budapest and the Bali Process, ``G11`` two groups, two have none) and the
membership table uses other ones for seven organisations; titles are unique and shared by both
tables, so :func:`key_informal_igos` keys an IIGO organisation by its abbreviation where that is
unambiguous across both tables and by its title otherwise.

References
----------
Pevehouse, Jon C. W., Timothy Nordstrom, Roseanne W. McManus and Anne Spencer Jamison (2020).
Tracking Organizations in the World: The Correlates of War IGO Version 3.0 Datasets. *Journal
of Peace Research* 57(3): 492-503.

Hollway, James et al. manyIOs, part of the many packages universe (GitHub globalgov/manyios).
Roger, Charles B. and Sam S. Rowan (2022). The New Terrain of Global Governance: Mapping
Membership in Informal IOs. *Journal of Conflict Resolution* 67(6). Vabulas, Felicity and
Duncan Snidal (2021). Cooperation under Autonomy: Building and Analyzing the Informal
Intergovernmental Organizations 2.0 Dataset. *Journal of Peace Research* 58(4): 859-869.
Eilstrup-Sangiovanni, Mette (2020). Death of International Organizations. *The Review of
International Organizations* 15: 339-370.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import rdata

from multivector.core import states
from multivector.core.errors import ParseError
from multivector.sources import cow

STATE_COLUMNS = ["ccode", "year", "sum_igo_full", "sum_igo_associate", "sum_igo_observer",
                 "sum_igo_anytype"]
DYAD_COLUMNS = ["ccode1", "ccode2", "year", "dyadigos"]
STATUS = {"1": "full", "2": "associate", "3": "observer"}
MIGO_COLUMNS = ["igoID", "stateID", "StateName", "membership", "Year", "cowID"]
IIGO_MEMBER_COLUMNS = ["stateID", "StateName", "igoID", "Title", "Year"]
DIGO_COLUMNS = ["igoID", "Title", "Begin", "End", "Living"]
IIGO_COLUMNS = ["igoID", "Title", "Begin", "End"]
MEMBERSHIP_COLUMNS = ["igo", "iso3", "kind", "label", "year", "status", "source"]
IGO_COLUMNS = ["igo", "title", "begin", "end", "source"]


def _count(raw: pd.DataFrame, col: str, path: str | Path) -> pd.Series:
    s = cow.amount_column(raw, col, path)
    bad = s.isna() | (s.round() != s)
    if bad.any():
        i = cow.first_row(bad)
        raise ParseError(str(path), f"{col} must be a count (peacesciencer sums memberships; "
                         "-9 and -1 were turned into non-membership before summing)", row=i,
                         value=raw[col].iloc[i - 1])
    return s.astype("int16")


def read_igo_states(path: str | Path) -> pd.DataFrame:
    """COW IGO v3 memberships per state-year (1816-2014), peacesciencer's ``cow_igo_sy``.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, full_igos, associate_igos, observer_igos, anytype_igos``: numbers of
        IGOs (not ``full`` etc.: FULL is an SQL keyword).

    Raises
    ------
    ParseError
        Missing column, unknown COW code, repeated state-year, a count that is missing or
        negative, or ``anytype`` other than full + associate + observer.
    """
    raw = cow.require_columns(cow.read_single_frame(path), path, STATE_COLUMNS)
    cc, yr = cow.integer_column(raw, "ccode", path), cow.integer_column(raw, "year", path)
    key = pd.MultiIndex.from_arrays([cc, yr])
    if key.has_duplicates:
        i = cow.first_row(key.duplicated())
        raise ParseError(str(path), "repeated state-year", row=i,
                         value=(int(cc.iloc[i - 1]), int(yr.iloc[i - 1])))
    out = pd.DataFrame({"iso3": cow.cow_iso3(cc, yr, path, "ccode"), "year": yr.astype("int16")})
    names = ("full_igos", "associate_igos", "observer_igos", "anytype_igos")
    for src, dst in zip(STATE_COLUMNS[2:], names, strict=True):
        out[dst] = _count(raw, src, path)
    off = out["anytype_igos"] != (out["full_igos"] + out["associate_igos"]
                                  + out["observer_igos"])
    if off.any():
        i = cow.first_row(off)
        raise ParseError(str(path), "sum_igo_anytype is not full + associate + observer",
                         row=i, value=int(out["anytype_igos"].iloc[i - 1]))
    return cow.collapse_unified(out, ["iso3", "year"], "max")


def read_igo_dyads(path: str | Path) -> pd.DataFrame:
    """COW IGO v3 shared full memberships per dyad-year (1816-2014), ``cow_igo_ndy``.

    The file is non-directed (``ccode1 < ccode2``); both directions are returned, so each
    dyad-year appears twice with the same count.

    Returns
    -------
    pandas.DataFrame
        ``iso3_a, iso3_b, year, shared_igos``.
    """
    raw = cow.require_columns(cow.read_single_frame(path), path, DYAD_COLUMNS)
    c1, c2, yr = (cow.integer_column(raw, c, path) for c in DYAD_COLUMNS[:3])
    shared = _count(raw, "dyadigos", path)
    frame = pd.DataFrame({"ccode1": c1, "ccode2": c2, "year": yr, "shared_igos": shared})
    if cow.dyad_form(frame, path) == "non-directed":
        rev = frame.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
        frame = pd.concat([frame, rev[frame.columns]], ignore_index=True)
    out = pd.DataFrame({"iso3_a": cow.cow_iso3(frame["ccode1"], frame["year"], path, "ccode1"),
                        "iso3_b": cow.cow_iso3(frame["ccode2"], frame["year"], path, "ccode2"),
                        "year": frame["year"].astype("int16"),
                        "shared_igos": frame["shared_igos"]})
    return cow.collapse_unified(out, ["iso3_a", "iso3_b", "year"], "max",
                                pair=("iso3_a", "iso3_b"))


# --------------------------------------------------------------------------- manyIOs

def read_list_of_frames(path: str | Path) -> dict[str, pd.DataFrame]:
    """The data frames of the one R list an ``.rda`` file holds (read with ``rdata``).

    pyreadr reads single data frames only; manyIOs' files hold a named list of tibbles
    (a "datacube"). ``rdata`` warns about R classes it has no constructor for (tibble,
    messydates' ``mdate``, bibentry attributes) and falls back to the underlying vectors, which
    is what is wanted; those warnings are silenced.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            objects = rdata.read_rda(str(path))
    except Exception as exc:
        raise ParseError(str(path), f"not a readable R data file: {exc}") from exc
    if len(objects) != 1:
        raise ParseError(str(path), f"expected one R object (a list), found {list(objects)}")
    (name, value), = objects.items()
    if not isinstance(value, dict) or not all(isinstance(v, pd.DataFrame)
                                               for v in value.values()):
        raise ParseError(str(path), f"object {name!r} is not a list of data frames",
                         value=type(value).__name__)
    return {str(k): v.reset_index(drop=True) for k, v in value.items()}


def _table(cube: dict[str, pd.DataFrame], name: str, cols: list[str],
           path: str | Path) -> pd.DataFrame:
    if name not in cube:
        raise ParseError(str(path), f"no table {name!r} in the list; found {list(cube)}")
    return cow.require_columns(cube[name], f"{path} [{name}]", cols)


def _years(s: pd.Series, where: str, col: str, allow_missing: bool) -> pd.Series:
    """Four-digit years stored as text (messydates of a year); anything else raises."""
    text = s.astype("string")
    ok = text.str.fullmatch(r"\d{4}").fillna(allow_missing).astype(bool)
    if not ok.all():
        i = cow.first_row(~ok)
        raise ParseError(where, f"{col} is not a four-digit year", row=i, value=s.iloc[i - 1])
    return pd.to_numeric(text, errors="coerce").astype("Int16")


def _resolve_iigo_states(raw: pd.DataFrame) -> pd.DataFrame:
    """ISO3 for IIGO members.

    The ``stateID`` where it is an ISO3 code multivector knows (historical ones too: AUH, YUG,
    DDR are members at an organisation's end) or has an override (source ``manyios`` in
    ``data/country_names.csv``: ``ALG``, ``KOS``); else the ``StateName``, resolved by name
    (``GIN - GNQ`` is Equatorial Guinea's row; the Democratic Republic of the Congo has no
    code). What neither resolves is ``unmapped``.
    """
    code = raw["stateID"].astype("string")
    name = raw["StateName"].astype("string")
    table = states.iso3_table().set_index("iso3")["kind"]
    ov = states.name_overrides()
    ov = ov[ov["source"] == "manyios"].set_index("label")
    iso3 = code.where(code.isin(table.index)).astype(object)
    kind = iso3.map(table)
    by_ov = code.map(ov["iso3"]).where(code.isin(ov.index))
    iso3 = iso3.fillna(by_ov)
    kind = kind.fillna(code.map(ov["kind"]).where(code.isin(ov.index)))
    todo = iso3.isna() & kind.isna() & name.notna()
    if todo.any():
        r = states.resolve_names(name[todo].unique(), "manyios").set_index("label")
        iso3[todo] = name[todo].map(r["iso3"])
        kind[todo] = name[todo].map(r["kind"])
    kind = kind.fillna("unmapped")
    label = code.fillna(name).astype(str)
    label = label.where(code.isna() | ~todo, label + " (" + name.fillna("") + ")")
    return pd.DataFrame({"iso3": iso3.where(iso3.notna(), None).astype(object),
                         "kind": kind.astype(str), "label": label})


def read_manyios_memberships(path: str | Path) -> pd.DataFrame:
    """manyIOs ``memberships``: MIGO state-years (1925-2010) and the IIGO 2017 snapshot.

    Returns
    -------
    pandas.DataFrame
        ``igo, iso3, kind, label, year, status, source``: ``source`` is ``migo`` (status
        full/associate/observer, one row per membership year) or ``iigo`` (status ``full``,
        year 2017). ``label`` is the published state code or name; ``kind`` is
        ``unmapped`` (and ``iso3`` missing) where no crosswalk resolves it, for the caller to
        report.

    Raises
    ------
    ParseError
        Not a list of the two tables, a missing column, a membership code other than 1-3, a
        year that is not a four-digit year, an unknown COW code, a repeated row.
    """
    cube = read_list_of_frames(path)
    where = f"{path} [MIGO]"
    migo = _table(cube, "MIGO", MIGO_COLUMNS, path)
    status = migo["membership"].astype("string")
    bad = ~status.isin(list(STATUS)).fillna(False).astype(bool)
    if bad.any():
        i = cow.first_row(bad)
        raise ParseError(where, "membership must be 1 (full), 2 (associate) or 3 (observer)",
                         row=i, value=migo["membership"].iloc[i - 1])
    year = _years(migo["Year"], where, "Year", allow_missing=False).astype("int64")
    ccode = cow.integer_column(migo, "cowID", where)
    if migo["igoID"].isna().any():
        i = cow.first_row(migo["igoID"].isna())
        raise ParseError(where, "igoID is missing", row=i)
    m = pd.DataFrame({"igo": migo["igoID"].astype(str),
                      "iso3": cow.cow_iso3(ccode, year, where, "cowID").astype(object),
                      "kind": "state",
                      "label": ccode.astype(str),
                      "year": year.astype("int16"), "status": status.map(STATUS).astype(str),
                      "source": "migo"})
    dup = m.duplicated(["igo", "iso3", "year"])
    if dup.any():
        i = cow.first_row(dup)
        raise ParseError(where, "repeated organisation, state and year", row=i,
                         value=tuple(m.iloc[i - 1][["igo", "iso3", "year"]]))

    where = f"{path} [IIGO]"
    iigo = _table(cube, "IIGO", IIGO_MEMBER_COLUMNS, path)
    yr = _years(iigo["Year"], where, "Year", allow_missing=False)
    if iigo["Title"].isna().any():
        i = cow.first_row(iigo["Title"].isna())
        raise ParseError(where, "Title is missing (it identifies the organisation)", row=i)
    who = _resolve_iigo_states(iigo)
    i_rows = pd.DataFrame({"igo": iigo["igoID"].astype(object), **who,
                           "year": yr.astype("int16"), "status": "full", "source": "iigo",
                           "title": iigo["Title"].astype(str)})
    dup = i_rows.duplicated(["title", "label"])
    if dup.any():
        i = cow.first_row(dup)
        raise ParseError(where, "repeated organisation and member", row=i,
                         value=(i_rows["title"].iloc[i - 1], i_rows["label"].iloc[i - 1]))
    m["title"] = None
    return pd.concat([m, i_rows], ignore_index=True)[[*MEMBERSHIP_COLUMNS, "title"]]


def read_manyios_organizations(path: str | Path) -> pd.DataFrame:
    """manyIOs ``organizations``: the formal (DIGO) and informal (IIGO) IGOs and their dates.

    ``end`` is missing for an organisation alive when its data were coded: DIGO's
    ``Living = 1`` (published with ``End`` 2016, the end of observation), IIGO's empty ``End``.

    Returns
    -------
    pandas.DataFrame
        ``igo, title, begin, end, source`` (``digo`` or ``iigo``); unique per igo and source.
    """
    cube = read_list_of_frames(path)
    where = f"{path} [DIGO]"
    digo = _table(cube, "DIGO", DIGO_COLUMNS, path)
    living = digo["Living"].astype("string")
    bad = ~(living.isin(["0", "1"]) | living.isna())
    if bad.any():
        i = cow.first_row(bad)
        raise ParseError(where, "Living must be 0 or 1", row=i, value=digo["Living"].iloc[i - 1])
    end = _years(digo["End"], where, "End", allow_missing=True)
    d = pd.DataFrame({"igo": digo["igoID"].astype("string"),
                      "title": digo["Title"].astype("string"),
                      "begin": _years(digo["Begin"], where, "Begin", allow_missing=True),
                      "end": end.mask(living == "1"), "source": "digo"})

    where = f"{path} [IIGO]"
    iigo = _table(cube, "IIGO", IIGO_COLUMNS, path)
    if iigo["Title"].isna().any():
        i = cow.first_row(iigo["Title"].isna())
        raise ParseError(where, "Title is missing (it identifies the organisation)", row=i)
    i_rows = pd.DataFrame({"igo": iigo["igoID"].astype("string"),
                           "title": iigo["Title"].astype("string"),
                           "begin": _years(iigo["Begin"], where, "Begin", allow_missing=True),
                           "end": _years(iigo["End"], where, "End", allow_missing=True),
                           "source": "iigo"})
    if i_rows["title"].duplicated().any():
        i = cow.first_row(i_rows["title"].duplicated())
        raise ParseError(where, "two organisations with one title", row=i,
                         value=i_rows["title"].iloc[i - 1])
    bad = d["igo"].isna() | d["igo"].duplicated()
    if bad.any():
        i = cow.first_row(bad)
        raise ParseError(f"{path} [DIGO]", "igoID missing or repeated", row=i,
                         value=d["igo"].iloc[i - 1])
    return pd.concat([d, i_rows], ignore_index=True)[IGO_COLUMNS]


def key_informal_igos(memberships: pd.DataFrame, organizations: pd.DataFrame
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Give the IIGO organisations one key in both manyIOs tables.

    IIGO abbreviations are neither unique nor the same in the two tables (the Bali Process is
    ``Bali`` in one, ``BP`` in the other, where ``BP`` is also the Budapest Process); titles
    are unique and shared. An organisation is keyed by its abbreviation where that
    abbreviation names this one title in both tables and the title has no other abbreviation,
    and by its title otherwise.

    Parameters
    ----------
    memberships : pandas.DataFrame
        :func:`read_manyios_memberships` (with its ``title`` column).
    organizations : pandas.DataFrame
        :func:`read_manyios_organizations`.

    Returns
    -------
    tuple of pandas.DataFrame
        Memberships (``MEMBERSHIP_COLUMNS``, ``title`` dropped) and organisations, keyed.
    """
    mi = memberships["source"] == "iigo"
    oi = organizations["source"] == "iigo"
    pairs = pd.concat([
        pd.DataFrame({"t": memberships.loc[mi, "title"], "i": memberships.loc[mi, "igo"]}),
        pd.DataFrame({"t": organizations.loc[oi, "title"].astype(object),
                      "i": organizations.loc[oi, "igo"].astype(object)}),
    ]).drop_duplicates()
    pairs["i"] = pairs["i"].where(pairs["i"].notna(), None)
    titles_per_id = pairs.dropna().groupby("i")["t"].nunique()
    ids_per_title = pairs.groupby("t")["i"].agg(lambda s: s.nunique(dropna=False))
    key = {}
    for t, i in pairs.itertuples(index=False):
        good = isinstance(i, str) and titles_per_id.get(i) == 1 and ids_per_title[t] == 1
        key[t] = i if good else t
    members = memberships.copy()
    members.loc[mi, "igo"] = members.loc[mi, "title"].map(key)
    orgs = organizations.copy()
    orgs["igo"] = orgs["igo"].astype(object)
    orgs.loc[oi, "igo"] = orgs.loc[oi, "title"].astype(object).map(key)
    return members[MEMBERSHIP_COLUMNS], orgs
