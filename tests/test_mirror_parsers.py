"""The parsers against the real published files of the data mirror.

Every expectation here is either a fact documented with the mirror (its README: row counts,
years, roll-call counts) or recomputed from the raw file with a different reader (pyreadr,
pandas, openpyxl) than the parser's own code path, so that a parser that drops, duplicates or
mis-maps rows fails.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from multivector.core import states
from multivector.sources import cow, dots, unga, wdi
from multivector.sources.fetch import fetch
from multivector.sources.registry import get_source

pytestmark = pytest.mark.mirror

KAZ_IMF = "Kazakhstan, Rep. of"
CAST = (1, 2, 3)
KINDS_OK = {"state", "historical", "territory", "group", "aggregate", "residual"}


def _path(source: str, name: str) -> Path:
    return fetch(get_source(source).file(name))


# --- cached parses (keyed by mirror root so the fixture stays in charge of the environment) ----


@cache
def _raw_long(root: Path) -> pd.DataFrame:
    import pyreadr

    return pyreadr.read_r(str(root / get_source("unga_long").file(
        "UNVotesPublished.RData").mirror_path))["x"]


@cache
def _long(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return unga.read_long(root / get_source("unga_long").file(
        "UNVotesPublished.RData").mirror_path)


@cache
def _pkg(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    src = get_source("unga_pkg")
    return unga.read_pkg(*(root / src.file(f"{n}.rda").mirror_path
                           for n in ("un_votes", "un_roll_calls", "un_roll_call_issues")))


@cache
def _dots(root: Path) -> pd.DataFrame:
    files = [root / f.mirror_path for f in get_source("dots").files]
    return dots.read_dots(files, workers=2)


# --- UNGA, Voeten's long release ---------------------------------------------------------------


def test_long_release_row_count_and_span(mirror):
    path = _path("unga_long", "UNVotesPublished.RData")
    raw = _raw_long(mirror)
    assert len(raw) == 1_066_613  # the mirror README's count, before any de-duplication
    rc, votes = _long(mirror)
    assert str(path).startswith(str(mirror))  # read from the mirror, not a cache

    # roll calls: one per rcid, 1946-2015, sessions 1 to 70 (all of them)
    assert rc["rcid"].is_unique
    assert len(rc) == raw["rcid"].nunique()
    assert set(rc["rcid"]) == set(raw["rcid"])
    assert (int(rc["year"].min()), int(rc["year"].max())) == (1946, 2015)
    assert set(rc["session"]) == set(range(1, 71))
    assert int(raw["session"].min()) == 1 and int(raw["session"].max()) == 70

    # votes: every raw row kept unless it duplicates an (rcid, ISO3) cell of a unified state
    assert votes[["rcid", "iso3"]].duplicated().sum() == 0
    assert votes["iso3"].notna().all()
    assert set(votes["vote"].unique()) <= {1, 2, 3, 8, 9}
    dropped = (raw["ccode"].value_counts()
               .sub(votes["ccode"].astype(int).value_counts(), fill_value=0))
    dropped = dropped[dropped != 0]
    assert (dropped > 0).all(), "the parser cannot invent rows"
    # only the two-codes-one-state cases (West/unified Germany, the Yemens) may lose rows
    assert set(dropped.index) <= {255, 260, 678, 679}
    assert len(votes) == len(raw) - int(dropped.sum())
    # vote codes by raw row: the distribution of codes is unchanged where no row was dropped
    if dropped.empty:
        assert (votes["vote"].value_counts().sort_index().to_dict()
                == raw["vote"].value_counts().sort_index().to_dict())


def test_long_release_kazakhstan_first_votes_in_1992(mirror):
    raw = _raw_long(mirror)
    rc, votes = _long(mirror)
    raw_kaz = raw[raw["ccode"] == 705]
    kaz = votes[votes["iso3"] == "KAZ"]
    # every COW 705 row becomes KAZ, and KAZ comes from no other code
    assert len(kaz) == len(raw_kaz)
    assert set(kaz["ccode"]) == {705}
    years = rc.set_index("rcid")["year"]
    cast = kaz[kaz["vote"].isin(CAST)]
    first_cast_year = int(cast["rcid"].map(years).min())
    assert first_cast_year == 1992
    # independently from the raw file: the first year with a 1/2/3 for COW 705
    assert int(raw_kaz.loc[raw_kaz["vote"].isin(CAST), "year"].min()) == 1992
    # before 1992 Kazakhstan was no UN member: nothing but code 9 (non-member)
    before = kaz[kaz["rcid"].map(years) < 1992]
    assert len(before) > 0 and set(before["vote"]) == {9}


# --- UNGA, the unvotes package -----------------------------------------------------------------


def test_unvotes_package_reaches_session_74_and_maps_every_vote(mirror):
    import pyreadr

    src = get_source("unga_pkg")
    raw_votes = pyreadr.read_r(str(fetch(src.file("un_votes.rda"))))["un_votes"]
    raw_rc = pyreadr.read_r(str(fetch(src.file("un_roll_calls.rda"))))["un_roll_calls"]
    rc, votes = _pkg(mirror)

    assert len(rc) == len(raw_rc) and rc["rcid"].is_unique
    assert int(rc["session"].max()) == 74
    assert max(d.year for d in rc["date"]) == 2019
    assert min(d.year for d in rc["date"]) == 1946

    assert len(votes) == len(raw_votes)  # absences are not in the package: nothing to drop
    assert votes["iso3"].notna().all(), votes.loc[votes["iso3"].isna(), "country"].unique()
    assert set(votes["vote"].unique()) <= set(CAST)
    assert votes[["rcid", "iso3"]].duplicated().sum() == 0
    assert set(votes["rcid"]) <= set(rc["rcid"])
    # the vote strings map one to one onto Voeten's codes
    expect = raw_votes["vote"].astype(str).map({"yes": 1, "abstain": 2, "no": 3})
    assert (votes["vote"].to_numpy() == expect.to_numpy()).all()

    # names that country_converter alone would get wrong or not know
    by_country = votes.groupby("country")["iso3"].agg(lambda s: set(s))
    assert by_country["Kazakhstan"] == {"KAZ"}
    assert by_country["United States"] == {"USA"}
    assert by_country["Russia"] == {"RUS"}
    # unvotes keeps calling Serbia "Yugoslavia" after 1991: YUG to 1991, SRB from 1992
    year = votes["rcid"].map(rc.set_index("rcid")["date"].map(lambda d: d.year))
    yug = votes[votes["country"] == "Yugoslavia"]
    assert set(yug.loc[year[yug.index] <= 1991, "iso3"]) == {"YUG"}
    assert set(yug.loc[year[yug.index] >= 1992, "iso3"]) <= {"SRB"}


# --- UNGA, the wide table ----------------------------------------------------------------------


def test_wide_table_roll_calls_to_june_2024_with_kazakhstan(mirror):
    path = _path("unga_wide", "ungaVoting_003.csv")
    raw = pd.read_csv(path)
    rc, votes = unga.read_wide(path)
    assert len(raw) == 6551 and len(rc) == 6551
    last = max(rc["date"])
    assert dt.date(2024, 6, 1) <= last <= dt.date(2024, 6, 30)
    assert min(rc["date"]).year == 1946
    assert "KAZ" in raw.columns

    kaz_raw = raw["KAZ"].dropna().astype(int)
    kaz = votes[votes["iso3"] == "KAZ"]
    assert len(kaz) == len(kaz_raw)
    assert sorted(kaz["vote"].tolist()) == sorted(kaz_raw.tolist())
    kaz_dates = kaz["row"].map(rc.set_index("row")["date"])
    cast_years = {d.year for d in kaz_dates[kaz["vote"].isin(CAST)]}
    # Kazakhstan casts votes in every year from its admission (1992) to the last (2024)
    assert cast_years == set(range(1992, 2025))
    assert set(kaz.loc[kaz_dates.map(lambda d: d.year) < 1992, "vote"]) == {9}

    # one vote row per non-empty cell, no more
    country_cols = list(raw.columns[8:])
    assert len(votes) == int(raw[country_cols].notna().sum().sum())
    # the table recodes Yugoslavia as SRB throughout; the parser restores YUG before 1992
    years = votes["row"].map(rc.set_index("row")["date"].map(lambda d: d.year))
    assert not ((votes["iso3"] == "SRB") & (years <= 1991)).any()
    assert ((votes["iso3"] == "YUG") & (years <= 1991)).any()


# --- IMF DOTS ----------------------------------------------------------------------------------


def test_every_dots_workbook_parses(mirror):
    files = get_source("dots").files
    assert len(files) == 235
    raw = _dots(mirror)
    assert raw["file"].nunique() == 235  # every workbook yields rows
    per_file = raw.groupby("file", observed=True)["reporter_label"].nunique()
    assert (per_file == 1).all()  # one reporter per workbook
    assert set(raw["flow"].unique()) == {"exports", "imports"}
    assert raw["year"].between(1960, 2020).all()
    assert int(raw["year"].max()) == 2020
    assert raw["value_usd_m"].notna().all() and np.isfinite(raw["value_usd_m"]).all()


def test_dots_repeated_cells_agree(mirror):
    """A (reporter, partner, year, flow) cell printed twice (Australia sits twice in each
    workbook; two workbooks are both Nicaragua's) always carries the same value, so the
    warehouse may keep one of them without losing information."""
    raw = _dots(mirror)
    key = ["reporter_label", "partner_label", "year", "flow"]
    rep = raw[raw.duplicated(key, keep=False)]
    assert len(rep) > 0  # the quirk is real
    assert (rep.groupby(key)["value_usd_m"].nunique() == 1).all()


def test_kazakhstan_dots_workbook(mirror):
    import openpyxl

    raw = _dots(mirror)
    files = raw.loc[raw["reporter_label"] == KAZ_IMF, "file"].unique()
    assert len(files) == 1, files
    name = str(files[0])
    entry = get_source("dots").file("/" + name)
    path = fetch(entry)

    kaz = raw[raw["reporter_label"] == KAZ_IMF]
    span = kaz.groupby("flow")["year"].agg(["min", "max"])
    assert set(span.index) == {"exports", "imports"}
    assert (span["min"] <= 1995).all(), span
    assert (span["max"] == 2020).all(), span
    world = kaz[kaz["partner_label"] == "World"]
    for flow in ("exports", "imports"):
        years = set(world.loc[world["flow"] == flow, "year"])
        first = int(span.loc[flow, "min"])
        assert set(range(first, 2021)) <= years, (flow, sorted(years))

    # re-read the workbook cell by cell, without the parser
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet, flow in (("Exports, FOB", "exports"), ("Imports, CIF", "imports")):
            rows = list(wb[sheet].iter_rows(values_only=True))
            assert rows[3][1] == KAZ_IMF
            header = rows[6]
            years = []
            for cell in header[2:]:
                if cell is None:
                    break
                years.append(int(str(cell)))
            cells = {}
            for row in rows[7:]:
                if len(row) < 2 or row[1] is None:
                    continue
                for y, v in zip(years, row[2:2 + len(years)], strict=False):
                    if v is None or v == "":
                        continue
                    if isinstance(v, str):
                        v = float(v.replace(",", "").rstrip(" e").strip())
                    cells.setdefault((str(row[1]).strip(), y), []).append(float(v))
            mine = kaz[kaz["flow"] == flow]
            assert len(mine) == sum(len(v) for v in cells.values())
            got = {(p, y): v for p, y, v in zip(mine["partner_label"], mine["year"],
                                                mine["value_usd_m"], strict=True)}
            for key, vals in cells.items():
                assert got[key] == pytest.approx(vals[-1]), key
            assert ("World", 2020) in cells
    finally:
        wb.close()


def test_dots_crosswalk_has_no_unmapped_label(mirror):
    raw = _dots(mirror)
    labels = pd.concat([raw["reporter_label"], raw["partner_label"]], ignore_index=True)
    res = states.resolve_names(labels, "imf")
    assert set(res["label"]) == set(labels.unique())
    unmapped = res.loc[res["kind"] == "unmapped", "label"].tolist()
    assert unmapped == [], f"IMF labels without a mapping: {unmapped}"
    assert set(res["kind"]) <= KINDS_OK

    known = set(states._converter().data["ISO3"])
    table = states.iso3_table()
    states_ = res[res["kind"] == "state"]
    assert states_["iso3"].isin(known).all()
    # two IMF names of current states never collapse onto one ISO3 (double counting)
    dup = states_[states_["iso3"].duplicated(keep=False)]
    assert dup.empty, dup
    for kind in ("historical", "territory", "group"):
        sub = res[res["kind"] == kind]
        assert sub["iso3"].notna().all() and sub["iso3"].isin(set(table["iso3"])).all(), sub
    # aggregates and residuals are never given an ISO3, and each is a declared override
    agg = res[res["kind"].isin(["aggregate", "residual"])]
    assert agg["iso3"].isna().all()
    ov = states.name_overrides()
    declared = set(ov.loc[(ov["source"] == "imf")
                          & ov["kind"].isin(["aggregate", "residual"]), "label"])
    assert set(agg["label"]) <= declared
    assert "World" in set(agg["label"])

    # IMF names a regex match gets wrong easily
    expect = {
        KAZ_IMF: "KAZ", "China, P.R.: Mainland": "CHN", "China, P.R.: Hong Kong": "HKG",
        "China, P.R.: Macao": "MAC", "Russian Federation": "RUS", "Korea, Rep. of": "KOR",
        "Korea, Dem. People's Rep. of": "PRK", "Congo, Dem. Rep. of the": "COD",
        "Congo, Rep. of": "COG", "Niger": "NER", "Nigeria": "NGA", "Dominica": "DMA",
        "Dominican Rep.": "DOM", "Guinea": "GIN", "Guinea-Bissau": "GNB", "Austria": "AUT",
        "Australia": "AUS", "Netherlands, The": "NLD", "Sudan": "SDN",
        "South Sudan, Rep. of": "SSD", "Samoa": "WSM", "American Samoa": "ASM",
        "Czechoslovakia": "CSK", "Czech Rep.": "CZE", "USSR": "RUS", "Turkey": "TUR",
        "Taiwan Province of China": "TWN", "Kyrgyz Rep.": "KGZ",
    }
    got = res.set_index("label")["iso3"]
    for label, iso in expect.items():
        assert label in got.index, label
        assert got[label] == iso, (label, got[label])


# --- World Bank WDI ----------------------------------------------------------------------------


def test_wdi_codes_all_resolve_and_kazakhstan_gdp_per_capita(mirror):
    frames = [wdi.read_indicator(fetch(f)) for f in get_source("wdi").files
              if f.name == "data.csv"]
    assert len(frames) == 35
    data = pd.concat(frames, ignore_index=True)
    res = states.resolve_names(data["code"], "wb", by="ISO3")
    assert res.loc[res["kind"] == "unmapped", "label"].tolist() == []
    assert set(res["kind"]) <= KINDS_OK
    # a World Bank economy code is its ISO3 code; aggregates get none
    st = res[res["kind"] == "state"]
    assert (st["label"] == st["iso3"]).all(), st[st["label"] != st["iso3"]]
    agg = res[res["kind"] == "aggregate"]
    assert agg["iso3"].isna().all()
    assert {"WLD", "EUU", "ECS", "HIC"} <= set(agg["label"])
    assert not set(agg["label"]) & set(states._converter().data["ISO3"])
    assert {"KAZ", "RUS", "CHN", "USA", "DEU"} <= set(st["label"])

    kaz = data[(data["code"] == "KAZ") & (data["indicator"] == "ny.gdp.pcap.cd")]
    assert int(kaz["year"].min()) <= 1992
    assert kaz["value"].gt(0).all()
    # against the raw file, read by pandas alone
    entry = get_source("wdi").file("/ny.gdp.pcap.cd/data.csv")
    raw = pd.read_csv(fetch(entry))
    raw_kaz = raw[(raw["Country Code"] == "KAZ") & raw["Value"].notna()]
    assert sorted(kaz["year"].tolist()) == sorted(raw_kaz["Year"].astype(int).tolist())


# --- COW National Material Capabilities ----------------------------------------------------------


def test_nmc_maps_every_ccode_and_has_kazakhstan(mirror):
    import pyreadr

    path = fetch(get_source("cow_nmc").files[0])
    raw = next(iter(pyreadr.read_r(str(path)).values()))
    nmc = cow.read_nmc(path)
    assert len(nmc) == len(raw)
    assert nmc["iso3"].notna().all()
    assert set(nmc["ccode"].astype(int)) == set(raw["ccode"].astype(int))
    assert (int(nmc["year"].min()), int(nmc["year"].max())) == (1816, 2022)
    # a state-year is unique per COW code; ISO3 repeats only in a unification year
    assert not nmc.duplicated(["ccode", "year"]).any()
    assert not nmc[nmc["primary"]].duplicated(["iso3", "year"]).any()

    kaz = nmc[nmc["iso3"] == "KAZ"]
    assert set(kaz["ccode"]) == {705}
    assert int(kaz["year"].min()) in (1991, 1992)
    assert int(kaz["year"].max()) == 2022
    assert kaz["cinc"].notna().all() and kaz["cinc"].between(0, 1).all()
    raw_kaz = raw[raw["ccode"] == 705].sort_values("year")
    assert np.allclose(kaz.sort_values("year")["cinc"].to_numpy(),
                       raw_kaz["cinc"].to_numpy())
    # landmarks of the crosswalk
    by = nmc.set_index(["ccode", "year"])["iso3"]
    assert by[(365, 1950)] == "RUS" and by[(365, 2000)] == "RUS"
    assert by[(345, 1980)] == "YUG" and by[(345, 2000)] == "SRB"
    assert by[(2, 2000)] == "USA" and by[(710, 2000)] == "CHN"
