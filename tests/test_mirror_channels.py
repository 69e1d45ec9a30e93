"""Channel tables of the warehouse built from the real mirror: alliances, IGOs, COW trade,
minerals, military expenditure.

Expectations come from the raw files (pyreadr, rdata, pandas, json; not the project's
parsers), from SQL on the warehouse, or from what the sources themselves document.
"""

from __future__ import annotations

import json
import warnings

import duckdb
import numpy as np
import pandas as pd
import pyreadr
import pytest

from multivector import warehouse
from multivector.sources.fetch import fetch
from multivector.sources.registry import get_source

pytestmark = pytest.mark.mirror

UNIFIED = {255, 260, 678, 679}  # two COW codes of one ISO3 state in a year (DEU, YEM)


@pytest.fixture
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


def _df(con, sql, params=None) -> pd.DataFrame:
    return con.execute(sql, params or []).df()


def _one(con, sql, params=None):
    return con.execute(sql, params or []).fetchone()[0]


def _raw(source: str, suffix: str) -> pd.DataFrame:
    path = fetch(get_source(source).file(suffix))
    return next(iter(pyreadr.read_r(str(path)).values()))


def _owid(source: str, folder: str) -> tuple[pd.DataFrame, dict]:
    src = get_source(source)
    csv = fetch(src.file(f"{folder}/{folder}.csv"))
    pkg = json.loads(fetch(src.file(f"{folder}/datapackage.json")).read_text("utf-8"))
    return pd.read_csv(csv), pkg


# --- alliances ------------------------------------------------------------------------------


def test_alliance_rows_are_the_published_dyads_in_both_directions(con, mirror):
    for source, suffix in (("atop", "atop_alliance.rda"), ("cow_alliance", "cow_alliance.rda")):
        raw = _raw(source, suffix)
        tag = "atop" if source == "atop" else "cow"
        # rows of codes that are one state alone map one to one; only the two-codes-one-state
        # cases (West/unified Germany, the Yemens) may be merged
        plain = raw[~raw["ccode1"].isin(UNIFIED) & ~raw["ccode2"].isin(UNIFIED)]
        got = _one(con, "SELECT count(*) FROM alliances WHERE source = ? AND iso3_a NOT IN "
                        "('DEU', 'YEM') AND iso3_b NOT IN ('DEU', 'YEM')", [tag])
        assert got == len(plain), source
        assert _one(con, "SELECT max(year) FROM alliances WHERE source = ?", [tag]) == int(
            raw["year"].max())
    # both directions of every dyad, each once: the files are directed, nothing was doubled
    assert _one(con, "SELECT count(*) FROM (SELECT iso3_a, iso3_b, year, source FROM alliances "
                     "GROUP BY ALL HAVING count(*) > 1)") == 0
    assert _one(con, "SELECT count(*) FROM alliances a ANTI JOIN alliances b ON "
                     "a.iso3_a = b.iso3_b AND a.iso3_b = b.iso3_a AND a.year = b.year AND "
                     "a.source = b.source") == 0
    assert _one(con, "SELECT count(*) FROM alliances WHERE iso3_a = iso3_b") == 0
    # COW codes no offence pledges: NULL throughout, never 0
    assert _one(con, "SELECT count(offense) FROM alliances WHERE source = 'cow'") == 0
    assert _one(con, "SELECT count(*) FROM alliances WHERE source = 'atop' AND offense IS NULL"
                ) == 0


def test_kazakhstan_russia_defence_pact_from_1992(con):
    # The Collective Security Treaty (Tashkent, 15 May 1992; the CSTO from 2002): ATOP and COW
    # both code a defence pledge between Kazakhstan and Russia from 1992 to their last year
    for tag, last in (("atop", 2018), ("cow", 2012)):
        kr = _df(con, "SELECT * FROM alliances WHERE source = ? AND iso3_a = 'KAZ' AND "
                      "iso3_b = 'RUS' ORDER BY year", [tag])
        assert kr["year"].tolist() == list(range(1992, last + 1)), tag
        assert (kr["defense"] == 1).all() and (kr["nonaggression"] == 1).all(), tag
        rk = _df(con, "SELECT year, defense FROM alliances WHERE source = ? AND iso3_a = 'RUS' "
                      "AND iso3_b = 'KAZ' ORDER BY year", [tag])
        assert rk["year"].tolist() == kr["year"].tolist() and (rk["defense"] == 1).all()
    atop = _df(con, "SELECT * FROM alliances WHERE source = 'atop' AND iso3_a = 'KAZ' AND "
                    "iso3_b = 'RUS'").set_index("year")
    assert (atop["consultation"] == 1).all() and (atop["offense"] == 0).all()
    # what the data say beyond the pact: ATOP adds a neutrality pledge from 2013; COW's
    # entente (consultation) starts in 1996, four years after the defence pledge
    assert atop.loc[atop["neutrality"] == 1].index.tolist() == list(range(2013, 2019))
    cow = _df(con, "SELECT * FROM alliances WHERE source = 'cow' AND iso3_a = 'KAZ' AND "
                   "iso3_b = 'RUS'").set_index("year")
    assert cow.loc[cow["consultation"] == 1].index.tolist() == list(range(1996, 2013))
    # no defence pledge of Kazakhstan with the United States or China in either
    assert _one(con, "SELECT count(*) FROM alliances WHERE iso3_a = 'KAZ' AND iso3_b IN "
                     "('USA', 'CHN') AND defense = 1") == 0


def test_atop_keeps_one_way_pledges(con):
    # ATOP's dyad-years are directed in content: the 1959 US pledge to defend Iran is one way
    usa_irn = _one(con, "SELECT defense FROM alliances WHERE source = 'atop' AND iso3_a = 'USA' "
                        "AND iso3_b = 'IRN' AND year = 1959")
    irn_usa = _one(con, "SELECT defense FROM alliances WHERE source = 'atop' AND iso3_a = 'IRN' "
                        "AND iso3_b = 'USA' AND year = 1959")
    assert (usa_irn, irn_usa) == (1, 0)


# --- IGOs -------------------------------------------------------------------------------------


def test_igo_states_match_the_raw_counts_for_kazakhstan(con, mirror):
    raw = _raw("cow_igo", "cow_igo_sy.rda")
    raw_kaz = raw[raw["ccode"] == 705].sort_values("year")
    kaz = _df(con, "SELECT * FROM igo_states WHERE iso3 = 'KAZ' ORDER BY year")
    assert kaz["year"].tolist() == raw_kaz["year"].astype(int).tolist()
    assert (int(kaz["year"].min()), int(kaz["year"].max())) == (1991, 2014)
    assert kaz["full_igos"].tolist() == raw_kaz["sum_igo_full"].astype(int).tolist()
    assert (kaz["anytype_igos"] == kaz["full_igos"] + kaz["associate_igos"]
            + kaz["observer_igos"]).all()
    assert _one(con, "SELECT count(*) FROM igo_states") == len(raw)


def test_igo_counts_against_cow_totals(con):
    """Shared full memberships of a dyad cannot exceed either state's full memberships."""
    kaz = _df(con, """
        SELECT s.year, s.full_igos AS full, max(d.shared_igos) AS most,
               max(d.shared_igos) FILTER (WHERE d.iso3_b = 'RUS') AS rus, r.full_igos AS rus_full
        FROM igo_states s JOIN igo_dyads d ON d.iso3_a = s.iso3 AND d.year = s.year
        JOIN igo_states r ON r.iso3 = 'RUS' AND r.year = s.year
        WHERE s.iso3 = 'KAZ' GROUP BY ALL ORDER BY s.year""")
    assert kaz["year"].tolist() == list(range(1991, 2015))
    assert (kaz["most"] <= kaz["full"]).all()
    assert (kaz["rus"] <= np.minimum(kaz["full"], kaz["rus_full"])).all()
    # most of Kazakhstan's IGOs are shared with Russia (the CIS organs and the UN system)
    assert (kaz["rus"] >= 0.75 * kaz["full"]).all()
    # the rule holds across all dyads, but for a handful of COW's own inconsistencies between
    # its dyadic and state-year files (Kosovo 2014, Grenada-St Kitts...; see docs/data.md)
    over = _one(con, """
        SELECT count(*) FROM igo_dyads d
        JOIN igo_states a ON a.iso3 = d.iso3_a AND a.year = d.year
        JOIN igo_states b ON b.iso3 = d.iso3_b AND b.year = d.year
        WHERE d.shared_igos > least(a.full_igos, b.full_igos)""")
    total = _one(con, "SELECT count(*) FROM igo_dyads")
    assert over / total < 1e-3
    # every dyad of the dyadic file is a pair of states of the state-year file
    assert _one(con, "SELECT count(*) FROM igo_dyads d ANTI JOIN igo_states s ON "
                     "s.iso3 = d.iso3_a AND s.year = d.year") == 0


def test_igo_dyads_are_the_raw_dyads_twice(con, mirror):
    raw = _raw("cow_igo", "cow_igo_ndy.rda")
    assert (raw["ccode1"] < raw["ccode2"]).all()  # non-directed as published
    assert _one(con, "SELECT count(*) FROM igo_dyads") == 2 * len(raw)
    r = raw[(raw["ccode1"] == 365) & (raw["ccode2"] == 705)].set_index("year")["dyadigos"]
    got = _df(con, "SELECT year, shared_igos FROM igo_dyads WHERE iso3_a = 'KAZ' AND "
                   "iso3_b = 'RUS'").set_index("year")["shared_igos"]
    assert got.sort_index().tolist() == r.sort_index().astype(int).tolist()


@pytest.fixture
def raw_migo(mirror):
    import rdata

    path = fetch(get_source("manyios").file("memberships.rda"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rdata.read_rda(str(path))["memberships"]


def test_manyios_memberships(con, mirror, raw_migo):
    migo, iigo = raw_migo["MIGO"], raw_migo["IIGO"]
    got = _df(con, "SELECT source, count(*) AS n, min(year) AS lo, max(year) AS hi "
                   "FROM igo_membership GROUP BY source").set_index("source")
    assert got.loc["migo", "n"] == len(migo)  # every membership year, all states resolved
    assert got.loc["iigo", "n"] == len(iigo)
    assert (got.loc["migo", "lo"], got.loc["migo", "hi"]) == (1925, 2010)
    assert got.loc["iigo", "lo"] == got.loc["iigo", "hi"] == 2017  # a snapshot, not a panel
    assert set(_df(con, "SELECT DISTINCT status FROM igo_membership")["status"]) == {
        "full", "associate", "observer"}
    # Kazakhstan's informal IOs per year are the raw rows of its COW code
    kaz = _df(con, "SELECT year, count(*) AS n FROM igo_membership WHERE source = 'migo' AND "
                   "iso3 = 'KAZ' GROUP BY year ORDER BY year").set_index("year")["n"]
    raw_kaz = migo[migo["cowID"] == "705"].groupby(migo["Year"].astype(int)).size()
    assert kaz.to_dict() == raw_kaz.to_dict()
    assert int(kaz.index.min()) == 1992
    # CICA, the conference Kazakhstan proposed in 1992, in both datasets
    assert _one(con, "SELECT min(year) FROM igo_membership WHERE iso3 = 'KAZ' AND "
                     "igo = 'CICA' AND source = 'migo'") == 1999
    assert _one(con, "SELECT count(*) FROM igo_membership WHERE iso3 = 'KAZ' AND "
                     "igo = 'CICA' AND source = 'iigo'") == 1
    # informal IOs are a different universe from COW's formal IGOs: far fewer per state
    formal = _one(con, "SELECT full_igos FROM igo_states WHERE iso3 = 'KAZ' AND year = 2010")
    assert kaz[2010] < formal
    assert _one(con, "SELECT count(*) FROM unmapped WHERE source = 'manyios'") == 0


def test_igos_catalogue(con):
    n = _df(con, "SELECT source, count(*) AS n, count(\"end\") AS ended FROM igos "
                 "GROUP BY source").set_index("source")
    assert n.loc["digo", "n"] == 561 and n.loc["iigo", "n"] == 149  # as manyIOs documents
    assert _one(con, "SELECT count(*) FROM (SELECT igo, source FROM igos GROUP BY ALL "
                     "HAVING count(*) > 1)") == 0
    assert _one(con, "SELECT \"end\" FROM igos WHERE igo = 'UN' AND source = 'digo'") is None
    # every informal IGO with members is in the catalogue under the same key
    assert _one(con, "SELECT count(DISTINCT igo) FROM igo_membership m WHERE source = 'iigo' "
                     "AND igo NOT IN (SELECT igo FROM igos WHERE source = 'iigo')") == 0


# --- COW trade --------------------------------------------------------------------------------


def test_trade_cow_directed_rows_and_missing_values(con, mirror):
    raw = _raw("cow_trade", "cow_trade_ndy.rda")
    assert (raw["ccode1"] < raw["ccode2"]).all()
    plain = raw[~raw["ccode1"].isin(UNIFIED) & ~raw["ccode2"].isin(UNIFIED)]
    q = ("FROM trade_cow WHERE importer NOT IN ('DEU', 'YEM') AND "
         "exporter NOT IN ('DEU', 'YEM')")
    assert _one(con, "SELECT count(*) " + q) == 2 * len(plain)
    # missing stays missing: as many NULLs as NA flows in the raw file, and no -9
    nulls = int(plain["flow1"].isna().sum() + plain["flow2"].isna().sum())
    assert _one(con, "SELECT count(*) " + q + " AND value_usd_m IS NULL") == nulls
    assert _one(con, "SELECT min(value_usd_m) FROM trade_cow") >= 0
    # flow2 is ccode2's imports from ccode1: Kazakhstan's imports from Russia
    r = raw[(raw["ccode1"] == 365) & (raw["ccode2"] == 705)].set_index("year")
    got = _df(con, "SELECT year, value_usd_m FROM trade_cow WHERE importer = 'KAZ' AND "
                   "exporter = 'RUS' ORDER BY year").set_index("year")["value_usd_m"]
    assert np.allclose(got.to_numpy(), r.loc[got.index, "flow2"].to_numpy(), equal_nan=True)
    assert got[2014] > 10_000  # US$ 15.5 bn: Russia is Kazakhstan's first supplier
    totals = _df(con, "SELECT * FROM trade_cow_totals WHERE iso3 = 'KAZ' AND year = 2014")
    raw_sy = _raw("cow_trade", "cow_trade_sy.rda")
    raw_kaz = raw_sy[(raw_sy["ccode"] == 705) & (raw_sy["year"] == 2014)].iloc[0]
    assert np.isclose(totals["imports_usd_m"].iloc[0], raw_kaz["imports"])
    assert np.isclose(totals["exports_usd_m"].iloc[0], raw_kaz["exports"])
    # the bilateral imports cannot exceed the total
    assert _one(con, "SELECT sum(value_usd_m) FROM trade_cow WHERE importer = 'KAZ' AND "
                     "year = 2014") <= raw_kaz["imports"] * 1.01


# --- minerals ---------------------------------------------------------------------------------


def test_minerals_units_are_the_datapackages(con, mirror):
    for folder, source in (("Mineral production (BGS (2016))", "bgs"),
                           ("Metal production - Clio Infra & USGS", "clio_usgs")):
        raw, pkg = _owid("owid_minerals", folder)
        fields = pkg["resources"][0]["schema"]["fields"][2:]
        got = _df(con, "SELECT DISTINCT mineral, unit FROM minerals WHERE source = ?",
                  [source])
        assert len(got) == len(fields)
        for f in fields:
            mineral = f["name"].split(" (")[0].removesuffix(" Production").lower()
            unit = got.loc[got["mineral"] == mineral, "unit"].iloc[0]
            assert unit in f["description"], (mineral, unit)
        n_values = int(raw.drop(columns=["Entity", "Year"]).notna().sum().sum())
        assert _one(con, "SELECT count(*) FROM minerals WHERE source = ?", [source]) == n_values
    # OWID's World rows are kept as aggregates (Clio Infra & USGS has them, BGS none)
    agg = _df(con, "SELECT source, entity, count(*) AS n, count(iso3) AS with_iso3 "
                   "FROM minerals WHERE kind = 'aggregate' GROUP BY ALL")
    assert agg[["source", "entity"]].values.tolist() == [["clio_usgs", "World"]]
    assert agg["with_iso3"].iloc[0] == 0
    assert _one(con, "SELECT count(*) FROM minerals WHERE kind = 'unmapped'") == 0


def test_kazakhstan_uranium_share_of_world_production_2015(con):
    # BGS has no World row: the world total is the sum over the producing countries it lists.
    # Kazakhstan has been the first uranium producer since 2009; the World Nuclear Association
    # puts it at 23.8 kt of about 60.5 kt in 2015 (39%), an independent check of the BGS sum.
    u = _df(con, "SELECT iso3, value, unit FROM minerals WHERE source = 'bgs' AND "
                 "mineral = 'uranium' AND year = 2015 AND kind <> 'aggregate' "
                 "ORDER BY value DESC")
    share = u["value"].iloc[0] / u["value"].sum()
    assert u["iso3"].iloc[0] == "KAZ"
    assert 0.35 < share < 0.45
    assert 55_000 < u["value"].sum() < 65_000 and u["unit"].iloc[0] == "tonnes (metal content)"
    # the share rose from a few per cent in the 1990s
    early = _one(con, "SELECT value / (SELECT sum(value) FROM minerals WHERE source = 'bgs' "
                      "AND mineral = 'uranium' AND year = 1997) FROM minerals WHERE "
                      "source = 'bgs' AND mineral = 'uranium' AND year = 1997 AND iso3 = 'KAZ'")
    assert early < 0.1


def test_bgs_soviet_series_is_in_russia(con):
    # BGS (via OWID) adds the Soviet Union's series to Russia's: Kazakhstan's rows start in
    # 1992, and Russia's 1991 uranium is the USSR's, more than Russia and Kazakhstan together
    # the year after
    assert _one(con, "SELECT min(year) FROM minerals WHERE source = 'bgs' AND iso3 = 'KAZ'"
                ) == 1992
    u = _df(con, "SELECT iso3, year, value FROM minerals WHERE source = 'bgs' AND "
                 "mineral = 'uranium' AND iso3 IN ('RUS', 'KAZ')").set_index(["iso3", "year"])
    u = u["value"]
    assert u[("RUS", 1991)] > u[("RUS", 1992)] + u[("KAZ", 1992)]
    # before 1990 the Soviet uranium series is published as 0 (not known, not nil): world
    # totals of those years leave the USSR out (docs/data.md)
    assert (u.loc["RUS"].loc[1983:1989] == 0).all()


# --- military expenditure ---------------------------------------------------------------------


def test_sipri_milex(con, mirror):
    raw, pkg = _owid("owid_military", "SIPRI Military Expenditure Database")
    assert "constant (2019) US Dollars" in pkg["description"]
    kaz = _df(con, "SELECT * FROM milex WHERE source = 'sipri' AND iso3 = 'KAZ' ORDER BY year")
    assert kaz["year"].tolist() == list(range(1993, 2021))
    assert (kaz["basis"] == "constant 2019 US$").all()
    raw_kaz = raw[raw["Entity"] == "Kazakhstan"].set_index("Year")
    assert np.allclose(kaz["milex_usd"], raw_kaz.loc[kaz["year"], "military_expenditure"])
    assert kaz["share_gdp"].between(0.5, 2).all()  # per cent of GDP, not a fraction
    # aggregates are apart: kind aggregate, no ISO3, never a state
    agg = _df(con, "SELECT DISTINCT entity FROM milex WHERE kind = 'aggregate' AND "
                   "source = 'sipri'")["entity"]
    assert {"World", "Africa", "NATO members"} <= set(agg)
    assert _one(con, "SELECT count(*) FROM milex WHERE kind = 'aggregate' AND iso3 IS NOT NULL"
                ) == 0
    assert _one(con, "SELECT count(*) FROM (SELECT iso3, year, source FROM milex WHERE "
                     "iso3 IS NOT NULL GROUP BY ALL HAVING count(*) > 1)") == 0
    assert _one(con, "SELECT count(*) FROM milex WHERE source = 'sipri'") == len(raw)
    share = _df(con, "SELECT min(year) AS lo, max(year) AS hi FROM milex "
                     "WHERE source = 'owid_cow_sipri'")
    assert (int(share["lo"].iloc[0]), int(share["hi"].iloc[0])) == (1827, 2016)


def test_channel_meta_and_sources(con):
    meta = warehouse.meta(con)
    expected = {"alliances_atop_last_year": "2018", "alliances_cow_last_year": "2012",
                "igo_last_year": "2014", "manyios_last_year": "2010",
                "manyios_iigo_year": "2017", "trade_cow_last_year": "2014",
                "minerals_last_year": "2015", "minerals_bgs_last_year": "2015",
                "minerals_clio_usgs_last_year": "2015", "milex_last_year": "2020",
                "milex_share_last_year": "2016"}
    assert {k: meta[k] for k in expected} == expected
    assert meta["alliances_atop_last_year"] == str(_one(
        con, "SELECT max(year) FROM alliances WHERE source = 'atop'"))
    src = _df(con, "SELECT source, citation FROM sources").set_index("source")["citation"]
    assert "Leeds" in src["atop"] and "Gibler" in src["cow_alliance"]
    assert "Pevehouse" in src["cow_igo"] and "Barbieri" in src["cow_trade"]
    assert "Roger" in src["manyios"] and "Vabulas" in src["manyios"]
    assert "Stockholm International Peace Research Institute" in src["owid_military"]
    assert "British Geological Survey" in src["owid_minerals"]
