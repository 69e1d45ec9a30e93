"""Claims about investment (inward FDI by pole and partner) and official visits (issue 13,
items 4 and 5).

Most tests run on SYNTHETIC warehouses built here (a few rows of made-up figures, labelled as
such, not the wiiw or Office of the Historian data): one per verdict path, including "no
source" for a state without investment data. The last tests pin the real answers on the built
warehouse (skipped without the mirror), recomputed from the tables with SQL in the test.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from multivector.analysis.claims import catalog, frames, parse, visits
from multivector.analysis.claims import check as claims
from multivector.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "claims" / "kazakhstan.yaml"

# SYNTHETIC figures (EUR million), not wiiw's: Kazakhstan's investors in 2019 and 2020
SYNTHETIC_STOCK = {"WORLD": 1000.0, "EU27": 123.0, "NLD": 300.0, "DEU": 100.0, "FRA": 100.0,
                   "USA": 250.0, "CHN": 60.0, "RUS": 40.0, "GBR": 50.0}
SYNTHETIC_INFLOW = {"WORLD": 100.0, "USA": 60.0, "RUS": 30.0, "CHN": 20.0, "NLD": -20.0,
                    "DEU": 10.0}
# SYNTHETIC visits (made up, in the visits table's layout)
SYNTHETIC_VISITS = [
    ("Secretary A", "secretary", "KAZ", "Astana", "2023-02-27", "2023-02-28",
     "Participated in a C5+1 Ministerial."),
    ("Secretary A", "secretary", "UZB", "Tashkent", "2023-02-28", "2023-03-01", "Met officials."),
    ("Secretary B", "secretary", "KGZ", "Bishkek", "2015-10-31", "2015-11-01", "Embassy."),
    ("Secretary B", "secretary", "KAZ", "Astana", "2015-11-02", "2015-11-02", "Dialogue."),
    ("Secretary B", "secretary", "KAZ", "Almaty", "2016-06-01", "2016-06-02", "OSCE."),
    ("Secretary A", "secretary", "KAZ", "Astana", "2025-01-10", "2025-01-11", "Talks."),
    ("President C", "president", "UZB", "Samarkand", "2010-05-01", "2010-05-02", "Summit."),
]


def _warehouse(path: Path, investment: bool = True, visits_table: bool = True):
    """A SYNTHETIC warehouse: states, investment and visits rows made up for the tests."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE states AS SELECT * FROM (VALUES ('KAZ', 'Kazakhstan', 'KZ', "
                "'state'), ('UZB', 'Uzbekistan', 'UZ', 'state')) t(iso3, name, iso2, kind)")
    if investment:
        rows = [("KAZ", p, "aggregate" if p in ("WORLD", "EU27") else "state", y, m, v)
                for y in (2019, 2020)
                for m, table in (("stock", SYNTHETIC_STOCK), ("inflow", SYNTHETIC_INFLOW))
                for p, v in table.items()]
        con.execute("CREATE TABLE investment (iso3 VARCHAR, partner VARCHAR, partner_kind "
                    "VARCHAR, year SMALLINT, measure VARCHAR, value_eur_m DOUBLE)")
        con.executemany("INSERT INTO investment VALUES (?, ?, ?, ?, ?, ?)", rows)
    if visits_table:
        con.execute("CREATE TABLE visits (traveler VARCHAR, role VARCHAR, iso3 VARCHAR, locale "
                    "VARCHAR, start_date DATE, end_date DATE, remarks VARCHAR)")
        con.executemany("INSERT INTO visits VALUES (?, ?, ?, ?, ?, ?, ?)", SYNTHETIC_VISITS)
        con.execute("CREATE TABLE meta AS SELECT 'visits_last_date' AS key, '2025-02-19' AS "
                    "value")
    return con


def _run(con, country: str, *checks: dict):
    raw = {"source": "synthetic", "claims": [{"id": "c", "text": "t", "country": country,
                                              "checks": list(checks)}]}
    (result,) = claims.check(parse.parse_claims(raw, "synthetic.yaml"), frames.MeasureData(con))
    return result.evidence


@pytest.fixture
def synthetic(tmp_path):
    return _warehouse(tmp_path / "synthetic.duckdb")


# --- investment ------------------------------------------------------------------------------


def test_investment_names_resolve():
    assert catalog.resolve("SHARE.INVESTMENT.eu").name == "share.investment.EU"
    spec = catalog.resolve("share.investment_inflows.partner.nld")
    assert spec.name == "share.investment_inflows.partner.NLD" and spec.among == "partners"
    assert "core poles" in catalog.registry()["share.investment.CHN"].rank_rule
    assert catalog.registry()["share.exports.CHN"].rank_rule.startswith(
        "1 = highest value among states that year")
    with pytest.raises(catalog.UnknownMeasureError, match="unknown partner"):
        catalog.resolve("share.investment.partner.zzz")


def test_largest_investor_by_pole_supported_and_contradicted(synthetic):
    ev = _run(synthetic, "KAZ",
              {"measure": "share.investment.EU", "year": 2020, "rank": 1},
              {"measure": "share.investment.EU", "year": 2020, "stated": 0.5, "tolerance": 0},
              {"measure": "share.investment.CHN", "year": 2020, "rank": 1},
              {"measure": "share.investment.USA", "year": 2020, "stated": 0.3})
    assert [e["verdict"] for e in ev] == ["supported", "supported", "contradicted",
                                          "contradicted"]
    # EU = NLD + DEU + FRA (the EU27 aggregate row is not a partner; the UK left in 2020)
    assert ev[1]["found"] == pytest.approx(0.5) and (ev[1]["rank"], ev[1]["of"]) == (1, 4)
    assert ev[2]["found"] == 3 and "CHN ranks 3 of 4 poles investing in KAZ" in \
        ev[2]["explanation"]
    assert ev[3]["found"] == pytest.approx(0.25)
    assert ev[0]["sources"] == [] or ev[0]["sources"][0]["source"] == "wiiw_fdi"


def test_eu_membership_follows_the_year(synthetic):
    # the United Kingdom is an EU member to 2019 (31 December rule): its 50 count in 2019 only
    ev = _run(synthetic, "KAZ", {"measure": "share.investment.EU", "year": 2019, "stated": 0.55,
                                 "tolerance": 0})
    assert ev[0]["verdict"] == "supported"


def test_partner_ranks_and_ties(synthetic):
    ev = _run(synthetic, "KAZ",
              {"measure": "share.investment.partner.NLD", "year": 2020, "rank": 1},
              {"measure": "share.investment.partner.DEU", "year": 2020, "rank": 3},
              {"measure": "share.investment.partner.FRA", "year": 2020, "rank": 3},
              {"measure": "share.investment.partner.GBR", "year": 2020, "stated": 0.05})
    assert [e["verdict"] for e in ev] == ["supported"] * 4
    assert ev[0]["of"] == 7  # seven partner countries; WORLD and EU27 are not partners


def test_negative_inflows_rank_last(synthetic):
    ev = _run(synthetic, "KAZ",
              {"measure": "share.investment_inflows.USA", "year": 2020, "rank": 1},
              {"measure": "share.investment_inflows.EU", "year": 2020, "rank": 4},
              {"measure": "share.investment_inflows.EU", "year": 2020, "stated": -0.1,
               "tolerance": 0})
    assert [e["verdict"] for e in ev] == ["supported"] * 3


def test_investment_year_outside_the_data_is_unverifiable(synthetic):
    ev = _run(synthetic, "KAZ", {"measure": "share.investment.EU", "year": 2021, "rank": 1})
    assert ev[0]["verdict"] == "unverifiable"
    assert "covers 2019-2020" in ev[0]["explanation"]


def test_another_state_has_no_investment_source(synthetic):
    ev = _run(synthetic, "UZB", {"measure": "share.investment.EU", "year": 2020, "rank": 1},
              {"measure": "share.investment.partner.NLD", "year": 2020, "stated": 0.3})
    assert [e["verdict"] for e in ev] == ["unverifiable", "unverifiable"]
    for e in ev:
        assert "no source" in e["explanation"] and "not UZB" in e["explanation"]


def test_warehouse_without_investment_table(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb", investment=False)
    ev = _run(con, "KAZ", {"measure": "share.investment.EU", "year": 2020, "rank": 1})
    assert ev[0]["verdict"] == "unverifiable"
    assert "no investment table" in ev[0]["explanation"]


# --- visits: the file syntax -----------------------------------------------------------------


def test_visit_checks_parse():
    raw = {"source": "s", "claims": [{"id": "v", "text": "t", "country": "Kazakhstan",
                                      "checks": [
        {"visit": "Secretary", "year": 2023, "mentions": "C5+1"},
        {"visit": "president"},
        {"visit": "any", "years": [2015, 2024], "count": 3, "counting": "trips",
         "countries": ["KAZ", "Uzbekistan"], "tolerance": 1, "traveler": "Kerry"},
        {"visit": "president", "by": "China"}]}]}
    a, b, c, d = parse.parse_claims(raw).claims[0].checks
    assert (a.name, a.kind, a.years, a.visit.mentions) == ("visit.secretary", "visit",
                                                           (2023, 2023), "C5+1")
    assert (b.kind, b.years, b.stated, b.visit.by) == ("visit", (), 1.0, "USA")
    assert (c.kind, c.stated, c.tolerance, c.visit.countries, c.visit.counting) == (
        "count", 3.0, 1.0, ("KAZ", "UZB"), "trips")
    assert d.visit.by == "CHN"


BAD_VISITS = [
    ({"visit": "ambassador"}, "'visit' is the office"),
    ({"visit": "secretary", "years": [2024, 2015]}, "from the first year"),
    ({"visit": "secretary", "year": 2020, "years": [2015, 2024]}, "not both"),
    ({"visit": "secretary", "tolerance": 1}, "goes with 'count'"),
    ({"visit": "secretary", "count": -1}, "'count' must be a whole number"),
    ({"visit": "secretary", "count": 2.5}, "'count' must be a whole number"),
    ({"visit": "secretary", "counting": "days"}, "'counting'"),
    ({"visit": "secretary", "mentions": ""}, "'mentions' must be a phrase"),
    ({"visit": "secretary", "countries": ["Atlantis"]}, "unknown country"),
    ({"visit": "secretary", "countries": []}, "'countries' must be a list"),
    ({"visit": "secretary", "stated": 1}, "unknown key(s) ['stated']"),
    ({"visit": "secretary", "measure": "power.index"}, "unknown key(s) ['measure']"),
    ({"visit": "secretary", "by": "Atlantis"}, "'by' must be a pole or a state"),
]


@pytest.mark.parametrize(("check", "part"), BAD_VISITS, ids=[b[1] for b in BAD_VISITS])
def test_bad_visit_checks_name_the_claim(check, part):
    raw = {"source": "s", "claims": [{"id": "bad", "text": "t", "country": "KAZ",
                                      "checks": [check]}]}
    with pytest.raises(parse.ClaimsFileError) as info:
        parse.parse_claims(raw, "x.yaml")
    msg = str(info.value)
    assert msg.startswith("x.yaml, claim 'bad' (#1), check 1: ") and part in msg, msg


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(extra=st.dictionaries(st.sampled_from(["visit", "year", "years", "count", "counting",
                                              "countries", "mentions", "traveler", "by",
                                              "tolerance"]),
                             st.one_of(st.none(), st.booleans(), st.integers(-10, 3000),
                                       st.text(max_size=8), st.lists(st.integers(1990, 2030),
                                                                      max_size=3))))
def test_visit_parser_refuses_or_reads_anything(extra):
    raw = {"source": "s", "claims": [{"id": "f", "text": "t", "country": "KAZ",
                                      "checks": [{"visit": "secretary", **extra}]}]}
    try:
        parse.parse_claims(raw, "fuzz.yaml")
    except parse.ClaimsFileError as exc:
        assert str(exc).startswith("fuzz.yaml")


# --- visits: the verdicts --------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "found", "stated", "tol", "covered", "verdict"), [
    ("visit", 1, 1, 0, True, "supported"),
    ("visit", 2, 1, 0, False, "supported"),      # found before the record ends: enough
    ("visit", 0, 1, 0, True, "contradicted"),
    ("visit", 0, 1, 0, False, "unverifiable"),   # the period runs past the record
    ("count", 3, 3, 0, True, "supported"),
    ("count", 4, 3, 0, True, "contradicted"),
    ("count", 4, 3, 1, True, "supported"),
    ("count", 3, 3, 0, False, "unverifiable"),
])
def test_visit_verdicts(kind, found, stated, tol, covered, verdict):
    assert visits.judge(kind, found, stated, tol, covered)[0] == verdict


def test_visit_checks_on_a_synthetic_record(synthetic):
    central_asia = ["KAZ", "KGZ", "TJK", "TKM", "UZB"]
    ev = _run(synthetic, "KAZ",
              {"visit": "secretary", "year": 2023},
              {"visit": "secretary", "year": 2023, "mentions": "c5+1"},
              {"visit": "secretary", "year": 2023, "mentions": "OSCE"},
              {"visit": "president"},
              {"visit": "president", "count": 0},
              {"visit": "secretary", "year": 2025},
              {"visit": "secretary", "year": 2025, "traveler": "B"},
              {"visit": "secretary", "years": [2015, 2024], "count": 3, "counting": "trips",
               "countries": central_asia},
              {"visit": "secretary", "years": [2015, 2024], "count": 5,
               "countries": central_asia},
              {"visit": "secretary", "years": [2015, 2025], "count": 6,
               "countries": central_asia},
              {"visit": "president", "countries": central_asia},
              {"visit": "president", "by": "CHN"})
    assert [e["verdict"] for e in ev] == [
        "supported", "supported", "contradicted", "contradicted", "supported", "supported",
        "unverifiable", "supported", "supported", "unverifiable", "supported", "unverifiable"]
    for e in ev:
        assert "United States' visits only" in e["explanation"], e["explanation"]
    assert "Secretary A, Astana (KAZ), 2023-02-27 to 2023-02-28" in ev[1]["explanation"]
    assert "no visit by a US President to KAZ in the record (2010 to 2025-02-19)" in \
        ev[3]["explanation"]
    assert "the record ends 2025-02-19" in ev[6]["explanation"]
    assert ev[7]["found"] == 3 and ev[8]["found"] == 5  # 2015 KGZ+KAZ is one trip
    assert "no source" in ev[11]["explanation"] and ev[11]["found"] is None


def test_visit_check_without_a_visits_table(tmp_path):
    con = _warehouse(tmp_path / "w.duckdb", visits_table=False)
    ev = _run(con, "KAZ", {"visit": "secretary", "year": 2023})
    assert ev[0]["verdict"] == "unverifiable" and "no visits table" in ev[0]["explanation"]


def test_listing_names_the_new_families(synthetic):
    rows = frames.listing(frames.MeasureData(synthetic)).set_index("name")
    assert rows.loc["share.investment.EU", "years"] == "2019-2020"
    assert rows.loc["share.investment.EU", "rank"] == "1 = highest of the poles"
    assert rows.loc["share.investment.partner.<ISO3>", "years"] == "2019-2020"
    assert rows.loc["visit: secretary", "years"] == "2010 to 2025-02-19"
    bare = frames.listing().set_index("name")
    assert bare.loc["visit: president", "years"] == ""


# --- the real data ---------------------------------------------------------------------------


def _sql(path, query, params=None):
    with duckdb.connect(str(path), read_only=True) as c:
        return c.execute(query, params or []).fetchall()


def test_example_investment_and_visit_claims_on_the_warehouse(warehouse_env):
    res = runner.invoke(app, ["claims", "check", str(EXAMPLE), "--format", "json"])
    assert res.exit_code == 0, res.output
    got = {o["id"]: o for o in json.loads(res.stdout)}
    assert {k: got[k]["verdict"] for k in (
        "eu-largest-investor-2021", "netherlands-largest-partner-2021", "us-second-investor-2021",
        "china-largest-investor-2021", "eu-largest-source-of-inflows-2021",
        "c5-ministerial-astana-2023", "secretary-central-asia-trips-2015-2024",
        "us-president-visited")} == {
        "eu-largest-investor-2021": "supported", "netherlands-largest-partner-2021": "supported",
        "us-second-investor-2021": "supported", "china-largest-investor-2021": "contradicted",
        "eu-largest-source-of-inflows-2021": "contradicted",
        "c5-ministerial-astana-2023": "supported",
        "secretary-central-asia-trips-2015-2024": "supported",
        "us-president-visited": "contradicted"}
    # the same answers from the tables: wiiw's own EU27 row, the largest partner, the inflows
    stock = dict(_sql(warehouse_env, "SELECT partner, value_eur_m FROM investment WHERE iso3 = "
                                     "'KAZ' AND year = 2021 AND measure = 'stock'"))
    eu = got["eu-largest-investor-2021"]["evidence"][1]
    assert eu["found"] == pytest.approx(stock["EU27"] / stock["WORLD"], rel=1e-3)
    assert stock["EU27"] > max(stock["USA"], stock["CHN"], stock["RUS"])
    states_ = {p: v for p, v in stock.items() if p not in ("WORLD", "EU27", "EU28", "EU15")}
    assert max(states_, key=states_.get) == "NLD"
    inflow = dict(_sql(warehouse_env, "SELECT partner, value_eur_m FROM investment WHERE iso3 = "
                                      "'KAZ' AND year = 2021 AND measure = 'inflow'"))
    assert inflow["USA"] > inflow["EU27"]
    assert _sql(warehouse_env, "SELECT count(*) FROM visits WHERE iso3 = 'KAZ' AND role = "
                               "'president'")[0][0] == 0
    assert _sql(warehouse_env, "SELECT count(*) FROM visits WHERE iso3 = 'KAZ' AND year("
                               "start_date) = 2023 AND remarks LIKE '%C5+1%'")[0][0] == 1
    for cid in ("c5-ministerial-astana-2023", "us-president-visited"):
        for e in got[cid]["evidence"]:
            assert "Office of the Historian" in e["explanation"]
            assert "the United States' visits only" in e["explanation"]
            assert e["sources"][0]["source"] == "hsg_travels"


def test_no_investment_source_for_uzbekistan_on_the_warehouse(warehouse_env, tmp_path):
    path = tmp_path / "uzb.yaml"
    path.write_text("source: test\nclaims:\n  - id: uzb\n    text: The EU is Uzbekistan's "
                    "largest investor.\n    country: UZB\n    checks:\n      - {measure: "
                    "share.investment.EU, year: 2021, rank: 1}\n", encoding="utf-8")
    res = runner.invoke(app, ["claims", "check", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    (out,) = json.loads(res.stdout)
    assert out["verdict"] == "unverifiable"
    assert "no source" in out["evidence"][0]["explanation"]
