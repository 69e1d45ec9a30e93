"""The warehouse built from the real mirror: contents, reconciliation, atomicity, idempotence.

Expectations are recomputed by SQL on the warehouse, from the raw files of the mirror (read with
pandas or pyreadr, not the project's parsers) or from the mirror's own REGISTRY.tsv.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from multivector import warehouse
from multivector.analysis import ingest
from multivector.measures import similarity
from multivector.sources import unga
from multivector.sources.registry import get_source

pytestmark = pytest.mark.mirror

INGESTED = {"unga_long", "unga_pkg", "unga_wide", "wdi", "dots", "cow_nmc", "atop",
            "cow_alliance", "cow_igo", "manyios", "cow_trade", "owid_minerals", "owid_military"}
INGESTED |= {"kaz_stat", "uzb_stat", "kgz_stat", "eurostat_eu_exports"}  # trade to 2023
TABLES = ["unga_rollcalls", "unga_rollcalls_excluded", "unga_votes", "unga_form_agreement",
          "indicators", "indicator_meta", "trade", "cow_nmc", "alliances", "igo_dyads",
          "igo_states", "igo_membership", "igos", "trade_cow", "trade_cow_totals", "minerals",
          "milex", "states", "poles", "blocs", "unmapped", "provenance", "sources", "meta"]
# issue 13: arms transfers, SIPRI milex 2025 (rows of milex), official visits, investment
INGESTED |= {"sipri_arms", "sipri_milex", "hsg_travels", "wiiw_fdi"}
TABLES += ["arms_deals", "arms", "visits", "investment"]
ISSUE13_FILES = 1 + 1 + 55 + 2  # SIPRI register, SIPRI workbook, travels, wiiw


@pytest.fixture
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


def _one(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()[0][0]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _prov_rows(con, suffix: str) -> int:
    rows = con.execute("SELECT rows FROM provenance WHERE file LIKE ?", ["%" + suffix]).fetchall()
    assert len(rows) == 1, (suffix, rows)
    return int(rows[0][0])


# --- tables and provenance ---------------------------------------------------------------------


def test_every_table_is_there(con):
    names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
             .fetchall()}
    assert set(TABLES) <= names


def test_row_counts_are_plausible_and_match_provenance(con):
    n = {t: _one(con, f'SELECT count(*) FROM "{t}"') for t in TABLES}
    # UNGA: every roll call of the three forms, kept (Voeten's set) or listed as excluded;
    # the wide table carries all of them
    assert n["unga_rollcalls"] + n["unga_rollcalls_excluded"] == 6551 == _prov_rows(
        con, "ungaVoting_003.csv")
    assert n["unga_rollcalls_excluded"] == 418
    assert _one(con, "SELECT count(*) FROM unga_rollcalls WHERE year <= 2019") + _one(
        con, "SELECT count(*) FROM unga_rollcalls_excluded WHERE year(date) <= 2019"
    ) == _prov_rows(con, "un_roll_calls.rda")
    long_rows = _one(con, "SELECT count(*) FROM unga_votes JOIN unga_rollcalls USING (rcid) "
                          "WHERE form = 'long'")
    assert long_rows == _prov_rows(con, "UNVotesPublished.RData") == 1_066_613
    assert 1_200_000 < n["unga_votes"] < 1_500_000
    # the package's votes: cast votes of the roll calls only it and the wide table carry
    pkg_cast = _one(con, "SELECT count(*) FROM unga_votes JOIN unga_rollcalls USING (rcid) "
                         "WHERE form = 'pkg' AND vote <= 3")
    assert 0 < pkg_cast < _prov_rows(con, "un_votes.rda")

    # trade: every reported value, less exact repeats of a cell (see test_mirror_parsers)
    dots_rows = _one(con, "SELECT sum(rows) FROM provenance WHERE source = 'dots'")
    assert 0.98 * dots_rows <= n["trade"] <= dots_rows
    assert _one(con, "SELECT count(*) FROM (SELECT reporter_label, partner_label, year, flow "
                     "FROM trade GROUP BY ALL HAVING count(*) > 1)") == 0
    # WDI and NMC: one row per value, as counted per file
    assert n["indicators"] == _one(con, "SELECT sum(rows) FROM provenance WHERE source = 'wdi'")
    assert n["indicator_meta"] == 35
    assert n["cow_nmc"] == _prov_rows(con, "cow_nmc.rda")
    assert 15_000 < n["cow_nmc"] < 20_000
    assert 193 <= _one(con, "SELECT count(*) FROM states WHERE kind = 'state'") < 300
    assert n["unga_form_agreement"] == 3
    assert n["unmapped"] == 0


def test_provenance_pins_every_ingested_file(con, mirror):
    prov = con.execute("SELECT source, file, sha256, bytes FROM provenance").df()
    assert set(prov["source"]) == INGESTED
    assert prov["file"].is_unique
    # one row per registry file of each ingested source, with the pinned hash and size
    for name in INGESTED:
        files = {(f.mirror_path, f.sha256, f.bytes) for f in get_source(name).files}
        got = {(r.file, r.sha256, int(r.bytes)) for r in prov[prov["source"] == name]
               .itertuples()}
        assert got == files, name
    # ... which is what the mirror's own registry says and what the bytes hash to
    with open(mirror / "REGISTRY.tsv", encoding="utf-8") as fh:
        reg = {r["mirror_path"]: r for r in csv.DictReader(fh, delimiter="\t")}
    for r in prov.itertuples():
        assert reg[r.file]["sha256"] == r.sha256
        assert int(reg[r.file]["bytes"]) == int(r.bytes)
        assert _sha256(mirror / r.file) == r.sha256, r.file
    # UNGA 2 + 3 + 1, WDI 70, DOTS 235, NMC 1, ATOP 1, COW alliances 1, COW IGO 2,
    # manyIOs 2, COW trade 2, OWID minerals 2 CSV + 2 datapackage.json, OWID military 2 + 2
    assert len(prov) == 2 + 3 + 1 + 70 + 235 + 1 + 1 + 1 + 2 + 2 + 2 + 4 + 4 + ISSUE13_FILES \
        + 5 + 2 + 2 + 14  # national trade statistics (KAZ, UZB, KGZ) and Eurostat


# --- UNGA ------------------------------------------------------------------------------------


def test_unga_votes_unique_and_coded(con):
    assert _one(con, "SELECT count(*) FROM (SELECT rcid, iso3 FROM unga_votes GROUP BY ALL "
                     "HAVING count(*) > 1)") == 0
    codes = {r[0] for r in con.execute("SELECT DISTINCT vote FROM unga_votes").fetchall()}
    assert codes == {1, 2, 3, 8, 9}
    assert _one(con, "SELECT count(*) FROM unga_votes WHERE iso3 IS NULL") == 0
    # every vote belongs to a roll call
    assert _one(con, "SELECT count(*) FROM unga_votes v ANTI JOIN unga_rollcalls r "
                     "USING (rcid)") == 0


def test_unga_rollcalls_sessions_and_derivation(con):
    rc = con.execute("SELECT rcid, rcid_published, session, session_derived, year, date, form "
                     "FROM unga_rollcalls").df()
    assert rc["rcid"].is_unique
    assert set(rc["session"]) == set(range(1, 79))
    # a session is derived exactly where no release published one: the roll calls after 2019,
    # which only the wide table carries
    assert (rc["session_derived"] == (rc["year"] >= 2020)).all()
    assert (rc["session_derived"] == (rc["form"] == "wide")).all()
    assert rc.loc[rc["form"] == "long", "year"].max() == 2015
    assert rc.loc[rc["form"] == "pkg", "year"].max() == 2019
    assert str(rc["date"].max()).startswith("2024-06")
    # renumbered wide rows keep their published rcid and sit in session 78 (2023)
    ren = rc[rc["rcid"] != rc["rcid_published"]]
    assert len(ren) == 4
    assert (ren["rcid"] == ren["rcid_published"] + 100_000).all()
    assert set(ren["year"]) == {2023}
    assert set(rc.loc[rc["rcid"].isin(ren["rcid_published"]), "year"]) <= set(range(1946, 1960))
    # derived sessions follow the calendar: 2020 holds the end of 74 and the start of 75
    derived = rc[rc["session_derived"]]
    assert set(derived["session"]) <= {74, 75, 76, 77, 78}
    assert (derived["session"] - (derived["year"] - 1945)).isin([-1, 0]).all()


def test_session_from_date_reproduces_published_sessions(con):
    rc = con.execute("SELECT session, date FROM unga_rollcalls WHERE NOT session_derived AND "
                     "year BETWEEN 1990 AND 2019 AND date IS NOT NULL").df()
    assert len(rc) > 2200  # Voeten's whole-resolution votes (2,232)
    derived = unga.session_from_date(rc["date"]).to_numpy()
    share = float(np.mean(derived == rc["session"].to_numpy()))
    assert share >= 0.995, share


def test_form_agreement_long_pkg_identical(con, mirror):
    fa = con.execute("SELECT * FROM unga_form_agreement").df().set_index(["form_a", "form_b"])
    assert set(fa.index) == {("long", "pkg"), ("long", "wide"), ("pkg", "wide")}
    lp = fa.loc[("long", "pkg")]
    assert lp["rollcalls"] == 5429
    assert lp["cells"] > 700_000
    assert lp["differ"] == 0 and lp["same"] == lp["cells"] and lp["share_same"] == 1.0

    # independently of any country mapping: per roll call, the package's yes/abstain/no
    # tallies equal the warehouse's for every long roll call and every package-only one
    import pyreadr

    raw = pyreadr.read_r(str(mirror / get_source("unga_pkg").file("un_votes.rda")
                             .mirror_path))["un_votes"]
    tally = (raw.assign(vote=raw["vote"].astype(str), rcid=raw["rcid"].astype(int))
             .groupby(["rcid", "vote"]).size().unstack(fill_value=0).reset_index())
    con.register("pkg_tally", tally)
    res = con.execute("""
        WITH w AS (
            SELECT rcid, form, count(*) FILTER (vote = 1) AS y, count(*) FILTER (vote = 2) AS a,
                   count(*) FILTER (vote = 3) AS n
            FROM unga_votes JOIN unga_rollcalls USING (rcid)
            WHERE form IN ('long', 'pkg') GROUP BY ALL)
        SELECT form, count(*) AS rollcalls,
               count(*) FILTER (w.y = p.yes AND w.a = p.abstain AND w.n = p.no) AS equal
        FROM w JOIN pkg_tally p USING (rcid) GROUP BY form""").df().set_index("form")
    assert res.loc["long", "rollcalls"] == 5429
    assert res.loc["pkg", "rollcalls"] == 355  # 773 less 418 paragraph/amendment/other votes
    assert (res["equal"] == res["rollcalls"]).all(), res


def test_long_vs_wide_differences_are_only_missing_votes(con, mirror):
    """Where the long release and the wide table differ, one has a vote the other lacks;
    never a yes against a no (or any two different cast votes)."""
    raw = pd.read_csv(mirror / get_source("unga_wide").file("ungaVoting_003.csv").mirror_path)
    cols = list(raw.columns[8:])
    wide = (raw[["rcid", "date", *cols]]
            .melt(id_vars=["rcid", "date"], var_name="iso3", value_name="vote")
            .dropna(subset=["vote"]))
    wide["vote"] = wide["vote"].astype(int)
    wide["date"] = pd.to_datetime(wide["date"]).dt.date
    con.register("wide_raw", wide)
    sql_cells = """
        WITH w AS (   -- the wide table's cells on the long release's roll calls
            SELECT r.rcid,
                   CASE WHEN x.iso3 = 'SRB' AND r.year <= 1991 THEN 'YUG' ELSE x.iso3 END
                       AS iso3,
                   x.vote
            FROM wide_raw x JOIN unga_rollcalls r
              ON r.rcid_published = x.rcid AND r.date = x.date
            WHERE r.form = 'long'),
        l AS (
            SELECT v.rcid, v.iso3, v.vote FROM unga_votes v JOIN unga_rollcalls r USING (rcid)
            WHERE r.form = 'long'),
        lc AS (SELECT * FROM l WHERE vote <= 3),
        wc AS (SELECT * FROM w WHERE vote <= 3),
        shared AS (SELECT rcid FROM lc INTERSECT SELECT rcid FROM wc),
        states AS (SELECT iso3 FROM lc WHERE rcid IN (SELECT rcid FROM shared)
                   INTERSECT SELECT iso3 FROM wc WHERE rcid IN (SELECT rcid FROM shared)),
        cells AS (
            SELECT coalesce(lc.rcid, wc.rcid) AS rcid, coalesce(lc.iso3, wc.iso3) AS iso3,
                   lc.vote AS vote_long, wc.vote AS vote_wide
            FROM (SELECT * FROM lc WHERE rcid IN (SELECT rcid FROM shared)
                  AND iso3 IN (SELECT iso3 FROM states)) lc
            FULL OUTER JOIN (SELECT * FROM wc WHERE rcid IN (SELECT rcid FROM shared)
                  AND iso3 IN (SELECT iso3 FROM states)) wc USING (rcid, iso3))
        SELECT c.*, l.vote AS long_code, w.vote AS wide_code, r.year
        FROM cells c LEFT JOIN l USING (rcid, iso3) LEFT JOIN w USING (rcid, iso3)
        JOIN unga_rollcalls r USING (rcid)
        WHERE c.vote_long IS DISTINCT FROM c.vote_wide"""
    diff = con.execute(sql_cells).df()
    # no two different cast votes for one state on one roll call
    both = diff[diff["vote_long"].notna() & diff["vote_wide"].notna()]
    assert both.empty, both.head(20)
    # each difference: one form has a yes/abstain/no, the other an absence, a non-membership or
    # no row at all
    one_sided = diff["vote_long"].isna() != diff["vote_wide"].isna()
    assert one_sided.all()
    lacking = np.where(diff["vote_long"].isna(), diff["long_code"], diff["wide_code"])
    assert pd.Series(lacking).isin([8, 9]).sum() + pd.isna(lacking).sum() == len(diff)
    # and the warehouse's own count of differing cells is this one
    fa = con.execute("SELECT rollcalls, differ FROM unga_form_agreement "
                     "WHERE form_a = 'long' AND form_b = 'wide'").fetchall()[0]
    assert fa[0] == 5429
    assert fa[1] == len(diff)
    assert 0 < len(diff) < 0.01 * 1_066_613
    # what they are: North Yemen's votes (COW 678, YEM here) before the 1990 unification,
    # which the wide table, a table of today's members, codes as non-membership
    assert set(diff["iso3"]) == {"YEM"}
    assert diff["year"].max() <= 1990
    assert diff["vote_wide"].isna().all() and (diff["wide_code"] == 9).all()


def test_kazakhstan_votes_from_1992(con):
    first_cast = con.execute(
        "SELECT min(r.session), min(r.year) FROM unga_votes v JOIN unga_rollcalls r "
        "USING (rcid) WHERE v.iso3 = 'KAZ' AND v.vote <= 3").fetchall()[0]
    assert first_cast[0] in (46, 47) and first_cast[1] == 1992
    # member from 2 March 1992: recorded (present or absent) from session 46, never a
    # non-member afterwards
    first_member = _one(con, "SELECT min(r.session) FROM unga_votes v JOIN unga_rollcalls r "
                             "USING (rcid) WHERE v.iso3 = 'KAZ' AND v.vote <> 9")
    assert first_member in (46, 47)
    last_nonmember = _one(con, "SELECT max(r.date) FROM unga_votes v JOIN unga_rollcalls r "
                               "USING (rcid) WHERE v.iso3 = 'KAZ' AND v.vote = 9")
    assert str(last_nonmember) < "1992-03-02"
    sessions = {r[0] for r in con.execute(
        "SELECT DISTINCT r.session FROM unga_votes v JOIN unga_rollcalls r USING (rcid) "
        "WHERE v.iso3 = 'KAZ' AND v.vote <= 3").fetchall()}
    assert set(range(47, 79)) <= sessions


def test_plain_agreement_matches_direct_sql_count(con):
    rc = con.execute("SELECT rcid, session FROM unga_rollcalls WHERE session = 70").df()
    votes = con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v JOIN unga_rollcalls r "
                        "USING (rcid) WHERE r.session = 70 AND v.iso3 IN ('KAZ', 'RUS', 'USA')"
                        ).df()
    counts = similarity.crosstab_counts(votes, rc, focal=["KAZ"])
    counts["value"] = similarity.agreement(counts)
    for other in ("RUS", "USA"):
        row = counts[(counts["iso3_b"] == other) & (counts["session"] == 70)]
        assert len(row) == 1
        joint, same = con.execute("""
            SELECT count(*), count(*) FILTER (a.vote = b.vote)
            FROM unga_votes a JOIN unga_votes b USING (rcid) JOIN unga_rollcalls r USING (rcid)
            WHERE r.session = 70 AND a.iso3 = 'KAZ' AND b.iso3 = ?
              AND a.vote IN (1, 2, 3) AND b.vote IN (1, 2, 3)""", [other]).fetchall()[0]
        assert joint > 50
        assert int(row["n_votes"].iloc[0]) == joint
        assert float(row["value"].iloc[0]) == pytest.approx(same / joint, abs=1e-12)
    # Kazakhstan votes with Russia far more often than with the United States
    v = counts.set_index("iso3_b")["value"]
    assert v["RUS"] > v["USA"]


# --- trade, reference tables, meta ---------------------------------------------------------------


def test_kazakhstan_trade_and_world_totals(con):
    span = con.execute("SELECT flow, min(year), max(year) FROM trade WHERE reporter = 'KAZ' "
                       "GROUP BY flow").fetchall()
    span = {f: (a, b) for f, a, b in span}
    assert set(span) == {"exports", "imports"}
    for flow, (first, last) in span.items():
        assert first <= 1995 and last == 2020, (flow, first, last)
        years = {r[0] for r in con.execute(
            "SELECT DISTINCT year FROM trade WHERE reporter = 'KAZ' AND flow = ? "
            "AND partner_label = 'World' AND value_usd_m > 0", [flow]).fetchall()}
        assert set(range(first, 2021)) <= years, (flow, sorted(years))
    assert {r[0] for r in con.execute("SELECT DISTINCT reporter_label FROM trade "
                                      "WHERE reporter = 'KAZ'").fetchall()} == {
        "Kazakhstan, Rep. of"}
    # World totals exist for the large reporters too, and World is never a partner ISO3
    for iso in ("USA", "CHN", "RUS", "DEU"):
        assert _one(con, "SELECT count(*) FROM trade WHERE reporter = ? AND year = 2020 "
                         "AND partner_label = 'World'", [iso]) == 2
    assert _one(con, "SELECT count(*) FROM trade WHERE partner_label = 'World' AND "
                     "(partner IS NOT NULL OR partner_kind <> 'aggregate')") == 0
    # no trade row without a resolved kind
    assert _one(con, "SELECT count(*) FROM trade WHERE partner_kind = 'unmapped' OR "
                     "reporter_kind = 'unmapped'") == 0


def test_unmapped_is_empty_and_meta(con):
    assert _one(con, "SELECT count(*) FROM unmapped") == 0
    meta = warehouse.meta(con)
    assert meta["trade_last_year"] == "2020"
    assert meta["trade_last_year"] == str(_one(con, "SELECT max(year) FROM trade"))
    assert meta["unga_last_session"] == str(_one(con, "SELECT max(session) FROM unga_rollcalls"))
    assert meta["unga_last_date"] == str(_one(con, "SELECT max(date) FROM unga_rollcalls"))
    assert meta["nmc_last_year"] == str(_one(con, "SELECT max(year) FROM cow_nmc")) == "2022"
    assert meta["schema_version"] == warehouse.SCHEMA_VERSION


def test_poles_table_holds_core_and_wide(con):
    p = con.execute("SELECT * FROM poles").df()
    assert set(p["pole_set"]) == {"core", "wide"}
    core = set(p.loc[p["pole_set"] == "core", "pole"])
    wide = set(p.loc[p["pole_set"] == "wide", "pole"])
    assert core == {"USA", "EU", "CHN", "RUS"}
    assert wide == core | {"TUR", "GCC", "JPN", "KOR", "IND"}
    # the EU pole is the EU bloc, interval for interval
    eu = p[(p["pole_set"] == "core") & (p["pole"] == "EU")]
    blocs = con.execute("SELECT iso3, from_year, to_year FROM blocs WHERE bloc = 'EU'").df()
    assert (set(zip(eu["iso3"], eu["year_from"], eu["year_to"], strict=True))
            == set(zip(blocs["iso3"], blocs["from_year"], blocs["to_year"], strict=True)))
    gbr = eu[eu["iso3"] == "GBR"].iloc[0]
    assert (gbr["year_from"], gbr["year_to"]) == (1973, 2019)


# --- atomicity and idempotence ---------------------------------------------------------------


def _content(path: Path) -> dict:
    """Row counts of every table and order-free hashes of the data tables."""
    c = duckdb.connect(str(path), read_only=True)
    try:
        out = {t: _one(c, f'SELECT count(*) FROM "{t}"') for t in TABLES}
        out["h_votes"] = _one(c, "SELECT sum(hash(rcid, iso3, vote)) FROM unga_votes")
        out["h_rollcalls"] = _one(c, "SELECT sum(hash(rcid, rcid_published, session, "
                                     "session_derived, date, form, unres)) FROM unga_rollcalls")
        out["h_trade"] = _one(c, "SELECT sum(hash(reporter_label, partner_label, year, flow, "
                                 "value_usd_m, partner)) FROM trade")
        out["h_indicators"] = _one(c, "SELECT sum(hash(code, year, indicator, value)) "
                                      "FROM indicators")
        out["h_nmc"] = _one(c, "SELECT sum(hash(ccode, iso3, year, cinc)) FROM cow_nmc")
        out["h_alliances"] = _one(c, "SELECT sum(hash(iso3_a, iso3_b, year, defense, offense, "
                                     "neutrality, nonaggression, consultation, source)) "
                                     "FROM alliances")
        out["h_igo"] = _one(c, "SELECT sum(hash(iso3_a, iso3_b, year, shared_igos)) "
                               "FROM igo_dyads")
        out["h_membership"] = _one(c, "SELECT sum(hash(igo, iso3, year, status, source)) "
                                      "FROM igo_membership")
        out["h_trade_cow"] = _one(c, "SELECT sum(hash(importer, exporter, year, value_usd_m, "
                                     "smooth_usd_m)) FROM trade_cow")
        out["h_minerals"] = _one(c, "SELECT sum(hash(entity, year, mineral, value, unit, "
                                    "iso3)) FROM minerals")
        out["h_milex"] = _one(c, "SELECT sum(hash(entity, year, milex_usd, share_gdp, "
                                 "source)) FROM milex")
        out["h_prov"] = _one(c, "SELECT sum(hash(source, file, sha256, bytes, rows)) "
                                "FROM provenance")
        out["agreement"] = c.execute("SELECT * FROM unga_form_agreement ORDER BY ALL").fetchall()
        meta = dict(c.execute("SELECT key, value FROM meta").fetchall())
        meta.pop("built_at")
        out["meta"] = meta
        return out
    finally:
        c.close()


def test_failed_build_leaves_previous_warehouse_and_rebuild_is_idempotent(
        built_warehouse, mirror, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built_warehouse, target)  # a previous, complete warehouse at the target
    before = _sha256(target)
    seen: dict[str, object] = {}

    def fail_after_dots(step: str) -> None:
        seen.setdefault("steps", []).append(step)
        if step == "dots":
            # the build writes aside, never onto the target
            seen["aside"] = sorted(p.name for p in tmp_path.iterdir() if ".building" in p.name)
            seen["target_sha"] = _sha256(target)
            raise RuntimeError("simulated failure after the dots step")

    with pytest.raises(RuntimeError, match="simulated failure"):
        ingest.build(target, mirror=mirror, progress=False, _after_step=fail_after_dots)
    assert seen["steps"] == ["unga", "idealpoints", "wdi", "dots"]
    assert seen["aside"], "no temporary file was written beside the target"
    assert seen["target_sha"] == before
    assert _sha256(target) == before  # byte-identical
    assert not [p.name for p in tmp_path.iterdir() if ".building" in p.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]

    # a successful rebuild over it: same data tables, same content as the first build (the
    # derived results are left out of the rebuild to keep the test short; they are seeded)
    report = ingest.build(target, mirror=mirror, progress=False, derive=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]
    again, first = _content(target), _content(built_warehouse)
    for key in TABLES:
        if key in report.rows:
            assert report.rows[key] == again[key], key
    assert again == first
    # the file was really rewritten (a later build time), not left in place
    with duckdb.connect(str(target), read_only=True) as c:
        built_at = warehouse.meta(c)["built_at"]
    with duckdb.connect(str(built_warehouse), read_only=True) as c:
        assert built_at > warehouse.meta(c)["built_at"]
