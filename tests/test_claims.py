"""Claims: verdict rules, claims-file validation, the catalog, and `multivector claims` on the
real warehouse.

Stated values in the mirror fixtures are checked against SQL on the warehouse in the test
itself (not against the program's own output): a supported statement must lie within its
tolerance of what the tables hold, a contradicted one outside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from multivector.analysis.claims import catalog, frames, parse
from multivector.analysis.claims import check as claims
from multivector.cli import app
from multivector.core.errors import MultivectorError

runner = CliRunner()
FIX = Path(__file__).resolve().parent / "fixtures" / "claims"
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "claims" / "kazakhstan.yaml"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _sql(path, query, params=None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as c:
        return c.execute(query, params or []).df()


# --- verdict rules (pure) --------------------------------------------------------------------


@pytest.mark.parametrize(("found", "stated", "tol", "verdict"), [
    (100.0, 110.0, 0.1, "supported"),          # exactly at the upper edge
    (100.0, 90.0, 0.1, "supported"),           # exactly at the lower edge
    (100.0, 110.001, 0.1, "contradicted"),     # just beyond
    (100.0, 89.999, 0.1, "contradicted"),
    (3.0, 3.3, 0.1, "supported"),              # edge where 0.1 * 3 rounds in floating point
    (-50.0, -54.0, 0.1, "supported"),          # tolerance is relative to |v|
    (-50.0, 54.0, 0.1, "contradicted"),
    (0.0, 0.0, 0.1, "supported"),
    (0.0, 1e-6, 0.1, "contradicted"),          # no relative room around zero
    (8781.5, 8781.5, 0.0, "supported"),        # tolerance 0: exact
    (8781.5, 8781.6, 0.0, "contradicted"),
    (100.0, 150.0, 0.5, "supported"),
])
def test_value_verdict_tolerance_edges(found, stated, tol, verdict):
    assert claims.judge_value(found, stated, tol).verdict == verdict


def test_value_tolerance_is_relative_to_the_data_not_the_statement():
    # |v - x| <= tol * |v|: 100 vs 111.1 is 11.1% of the data (contradicted) although it is
    # 10.0% of the statement
    assert claims.judge_value(100.0, 111.1, 0.1).verdict == "contradicted"
    j = claims.judge_value(200.0, 210.0, 0.1)
    assert j.found == 200.0 and j.difference == pytest.approx(0.05)


@pytest.mark.parametrize("found", [None, float("nan")])
def test_value_without_data_is_unverifiable(found):
    assert claims.judge_value(found, 1.0, 0.1).verdict == "unverifiable"


def test_ratio_verdict():
    assert claims.judge_ratio(100.0, 125.0, 1.25, 0.1).verdict == "supported"
    assert claims.judge_ratio(100.0, 125.0, 1.375, 0.1).verdict == "supported"  # edge
    assert claims.judge_ratio(100.0, 125.0, 1.4, 0.1).verdict == "contradicted"
    assert claims.judge_ratio(100.0, 50.0, 2.0, 0.1).verdict == "contradicted"  # a fall
    j = claims.judge_ratio(80.0, 100.0, 1.2, 0.1)
    assert j.found == pytest.approx(1.25) and j.verdict == "supported"
    assert claims.judge_ratio(None, 100.0, 1.2).verdict == "unverifiable"
    assert claims.judge_ratio(100.0, None, 1.2).verdict == "unverifiable"
    assert claims.judge_ratio(0.0, 100.0, 1.2).verdict == "unverifiable"  # no factor from 0


def test_rank_verdict_exact_by_default_and_places_when_given():
    assert claims.judge_rank(3, 3).verdict == "supported"
    assert claims.judge_rank(4, 3).verdict == "contradicted"
    assert claims.judge_rank(5, 3, 2).verdict == "supported"
    assert claims.judge_rank(6, 3, 2).verdict == "contradicted"
    assert claims.judge_rank(1, 3, 2).verdict == "supported"
    assert claims.judge_rank(None, 3).verdict == "unverifiable"


@pytest.mark.parametrize(("verdicts", "expected"), [
    (["supported"], "supported"),
    (["supported", "supported"], "supported"),
    (["supported", "contradicted"], "contradicted"),
    (["unverifiable", "contradicted", "supported"], "contradicted"),
    (["supported", "unverifiable"], "unverifiable"),
    (["unverifiable"], "unverifiable"),
])
def test_claim_is_supported_only_when_all_checks_are(verdicts, expected):
    assert claims.combine(verdicts) == expected


def test_combine_refuses_no_checks_and_unknown_verdicts():
    with pytest.raises(ValueError):
        claims.combine([])
    with pytest.raises(ValueError):
        claims.combine(["maybe"])


# --- validation ------------------------------------------------------------------------------


def test_parse_resolves_names_codes_and_defaults():
    raw = {"source": {"title": "t", "date": "2024-01-01"}, "claims": [
        {"id": 7, "text": "x", "country": "Kazakhstan", "checks": [
            {"indicator": "NY.GDP.PCAP.CD", "year": 2020, "stated": 9000},
            {"measure": "share.exports.chn", "year": 2020, "stated": 0.2, "tolerance": 0.05},
            {"measure": "sp.pop.totl", "years": [2000, 2020], "ratio": 1.25},
            {"measure": "power.index", "year": 2020, "rank": 5},
            {"indicator": "balance.composite", "year": 2020, "stated": 0.9},
        ]}]}
    cf = parse.parse_claims(raw, "x.yaml")
    (c,) = cf.claims
    assert (c.id, c.country) == ("7", "KAZ")
    names = [k.name for k in c.checks]
    assert names == ["ny.gdp.pcap.cd", "share.exports.CHN", "sp.pop.totl", "power.index",
                     "balance.composite"]
    assert [k.kind for k in c.checks] == ["value", "value", "ratio", "rank", "value"]
    assert [k.tolerance for k in c.checks] == [0.1, 0.05, 0.1, 0.0, 0.1]
    assert c.checks[2].years == (2000, 2020)


# (fixture, what the message must contain: the claim, the value, and the point)
BAD_FILES = [
    ("missing_checks.yaml", ["claim 'no-checks' (#1)", "missing 'checks'"]),
    ("unknown_indicator.yaml", ["claim 'typo-code' (#1), check 1", "'ny.gdp.pcap.cdd'",
                                "nearest: ny.gdp.pcap.cd"]),
    ("unknown_measure.yaml", ["claim 'no-such-measure'", "'balance.everything'"]),
    ("year_as_string.yaml", ["claim 'quoted-year' (#1), check 1", "(value: '2020')",
                             "without quotes"]),
    ("unknown_country.yaml", ["claim 'lost-country' (#1)", "(value: 'Atlantis')",
                              "unknown country"]),
    ("tolerance_negative.yaml", ["claim 'negative-tolerance'", "(value: -0.1)",
                                 "'tolerance'"]),
    ("share_as_percent_string.yaml", ["claim 'percent-share'", "(value: '20%')",
                                      "fractions"]),
    ("ratio_one_year.yaml", ["claim 'ratio-one-year'", "(value: [2020])", "two years"]),
    ("two_kinds_in_one_check.yaml", ["claim 'value-and-rank'", "exactly one of",
                                     "'rank': 62"]),
    ("rank_fractional_tolerance.yaml", ["claim 'half-place'", "(value: 0.5)", "places"]),
    ("duplicate_id.yaml", ["claim 'same-id' (#2)", "duplicate id", "(value: 'same-id')"]),
    ("misspelt_key.yaml", ["claim 'misspelt-tolerance'", "'tolerence'"]),
    ("country_norway_unquoted.yaml", ["claim 'norway'", "(value: False)", "quote it"]),
    ("stated_scientific_string.yaml", ["claim 'scientific'", "(value: '2e7')", "1.0e+6"]),
    ("duplicate_key.yaml", ["line 9", "duplicate key 'year'"]),
    ("bad_yaml.yaml", ["line 5", "not valid YAML"]),
    ("missing_source.yaml", ["missing 'source'"]),
]


@pytest.mark.parametrize(("name", "parts"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_claims_files_name_file_claim_and_value(name, parts):
    with pytest.raises(parse.ClaimsFileError) as info:
        parse.load_claims(FIX / name)
    msg = str(info.value)
    assert isinstance(info.value, MultivectorError)
    assert msg.startswith(str(FIX / name)), msg
    for p in parts:
        assert p in msg, (p, msg)


@pytest.mark.parametrize("name", ["missing_checks.yaml", "unknown_indicator.yaml",
                                  "year_as_string.yaml"])
def test_cli_bad_file_exits_1_with_the_message(name):
    res = runner.invoke(app, ["claims", "check", str(FIX / name)])
    assert res.exit_code == 1, res.output
    assert "error:" in res.output and "Traceback" not in res.output
    assert name in _flat(res.output)


def test_cli_missing_file_exits_1(tmp_path):
    res = runner.invoke(app, ["claims", "check", str(tmp_path / "nope.yaml")])
    assert res.exit_code == 1 and "no such file" in _flat(res.output)


def test_every_good_fixture_and_the_example_validate():
    for path in (EXAMPLE, FIX / "three_verdicts.yaml"):
        cf = parse.load_claims(path)
        assert cf.claims and cf.source


# --- catalog ---------------------------------------------------------------------------------


def test_catalog_names_resolve_case_insensitively():
    assert catalog.resolve("BALANCE.COMPOSITE").name == "balance.composite"
    assert catalog.resolve("Share.Imports.eu").name == "share.imports.EU"
    assert catalog.resolve("TX.VAL.FUEL.ZS.UN").kind == "indicator"
    m = catalog.resolve("minerals.uranium.share")
    assert m.frame == "minerals" and ("mineral_key", "uranium") in m.where
    with pytest.raises(catalog.UnknownMeasureError, match="nearest"):
        catalog.resolve("balance.unga2")
    for ch in ("unga", "exports", "imports", "security", "igo", "formats", "composite"):
        assert f"balance.{ch}" in catalog.registry()
    for pole in ("USA", "EU", "CHN", "RUS"):
        for stem in ("share.exports", "share.imports", "unga.agreement"):
            assert f"{stem}.{pole}" in catalog.registry()
    assert catalog.registry()["concentration.exports.hhi"].lower_is_better
    assert not catalog.registry()["power.index"].lower_is_better


def _bare_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A warehouse with states and one WDI series but none of the channel tables."""
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE states AS SELECT * FROM (VALUES ('KAZ', 'Kazakhstan', 'KZ', "
                "'state'), ('UZB', 'Uzbekistan', 'UZ', 'state'), ('TKM', 'Turkmenistan', 'TM', "
                "'state')) t(iso3, name, iso2, kind)")
    con.execute("CREATE TABLE indicators AS SELECT * FROM (VALUES "
                "('KAZ', 'KAZ', 'state', 2020, 'sp.pop.totl', 19.0, 'wdi'), "
                "('UZB', 'UZB', 'state', 2020, 'sp.pop.totl', 34.0, 'wdi'), "
                "('TKM', 'TKM', 'state', 2020, 'sp.pop.totl', 19.0, 'wdi'), "
                "('WLD', NULL, 'aggregate', 2020, 'sp.pop.totl', 7800.0, 'wdi')) "
                "t(code, iso3, kind, year, indicator, value, source)")
    return con


def test_measures_without_their_tables_are_unverifiable_not_errors(tmp_path, monkeypatch):
    con = _bare_warehouse(tmp_path / "bare.duckdb")
    names = ["balance.composite", "balance.unga", "balance.exports", "balance.security",
             "balance.igo", "share.exports.CHN", "unga.agreement.RUS", "power.index",
             "power.gap", "concentration.imports.hhi", "concentration.exports.top1_share",
             "minerals.uranium.share", "idealpoint"]
    raw = {"source": "test", "claims": [
        {"id": n, "text": n, "country": "KAZ", "checks": [{"measure": n, "year": 2020,
                                                          "stated": 0.5}]} for n in names]}
    calls = []
    real = frames.FRAMES["shares"]
    monkeypatch.setitem(frames.FRAMES, "shares", frames.Frame(
        lambda md, y: calls.append(y) or real.build(md, y), real.span))
    results = claims.check(parse.parse_claims(raw), frames.MeasureData(con))
    assert {r.claim.id: r.verdict for r in results} == dict.fromkeys(names, "unverifiable")
    assert calls == [2020]  # one frame for every claim of the year, computed once
    why = {r.claim.id: r.evidence[0]["explanation"] for r in results}
    assert "no alliances table" in why["balance.security"]
    assert "no minerals table" in why["minerals.uranium.share"]


def test_ranks_share_the_best_place_and_count_states(tmp_path):
    con = _bare_warehouse(tmp_path / "bare.duckdb")
    md = frames.MeasureData(con)
    spec = catalog.resolve("sp.pop.totl")
    kaz, tkm, uzb = (md.lookup(spec, c, 2020) for c in ("KAZ", "TKM", "UZB"))
    assert (uzb.rank, kaz.rank, tkm.rank) == (1, 2, 2)  # a tie shares the best rank
    assert kaz.of == 3  # the WLD aggregate is not a state
    assert md.lookup(spec, "KAZ", 2021) is None
    raw = {"source": "t", "claims": [{"id": "r", "text": "r", "country": "TKM", "checks": [
        {"indicator": "sp.pop.totl", "year": 2020, "rank": 2},
        {"indicator": "sp.pop.totl", "year": 2020, "stated": 19.5, "tolerance": 0.05},
        {"indicator": "sp.pop.totl", "years": [2020, 2021], "ratio": 1.0}]}]}
    (r,) = claims.check(parse.parse_claims(raw), md)
    assert [e["verdict"] for e in r.evidence] == ["supported", "supported", "unverifiable"]
    assert r.verdict == "unverifiable"
    assert (r.evidence[0]["rank"], r.evidence[0]["of"]) == (2, 3)


# --- on the real warehouse -------------------------------------------------------------------


def _share_of_exports(path, iso3: str, partner: str, year: int) -> float:
    """The partner's share of the state's exports from the DOTS rows as reported."""
    d = _sql(path, "SELECT partner, partner_label, value_usd_m FROM trade WHERE reporter = ? "
                   "AND year = ? AND flow = 'exports'", [iso3, year])
    world = d.loc[d["partner_label"] == "World", "value_usd_m"].sum()
    return float(d.loc[d["partner"] == partner, "value_usd_m"].sum() / world)


def _wdi(path, iso3: str, code: str, year: int) -> float | None:
    d = _sql(path, "SELECT value FROM indicators WHERE iso3 = ? AND indicator = ? AND year = ?",
             [iso3, code, year])
    return float(d["value"].iloc[0]) if len(d) else None


def _checks(path: Path) -> dict[str, list[dict]]:
    raw = yaml.safe_load(path.read_text("utf-8"))
    return {c["id"]: c["checks"] for c in raw["claims"]}


def test_check_three_verdicts_on_the_warehouse(warehouse_env):
    path = FIX / "three_verdicts.yaml"
    spec = _checks(path)
    # the statements, against the tables themselves
    (gdp,) = spec["kaz-gdp-per-capita-2020"]
    v = _wdi(warehouse_env, "KAZ", "ny.gdp.pcap.cd", 2020)
    assert abs(v - gdp["stated"]) <= 0.1 * abs(v)
    (rank,) = spec["kaz-population-rank-2020"]
    pop = _sql(warehouse_env, "SELECT iso3, value FROM indicators WHERE indicator = "
                              "'sp.pop.totl' AND year = 2020 AND kind = 'state'")
    kaz = pop.loc[pop["iso3"] == "KAZ", "value"].iloc[0]
    assert rank["rank"] == 1 + int((pop["value"] > kaz).sum())
    (chn,) = spec["kaz-china-fifth-of-exports-2020"]
    s = _share_of_exports(warehouse_env, "KAZ", "CHN", 2020)
    assert abs(s - chn["stated"]) <= 0.1 * s
    (rus,) = spec["kaz-russia-third-of-exports-2020"]
    s_rus = _share_of_exports(warehouse_env, "KAZ", "RUS", 2020)
    assert abs(s_rus - rus["stated"]) > 0.1 * s_rus
    (late,) = spec["kaz-china-quarter-of-exports-2023"]
    last = _sql(warehouse_env, "SELECT max(year) AS y FROM trade")["y"].iloc[0]
    assert last < late["year"]
    tur = spec["tur-population-growth-2000-2020"][0]
    r = (_wdi(warehouse_env, "TUR", "sp.pop.totl", 2020)
         / _wdi(warehouse_env, "TUR", "sp.pop.totl", 2000))
    assert abs(r - tur["ratio"]) <= 0.1 * r

    res = runner.invoke(app, ["claims", "check", str(path), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert isinstance(out, list) and len(out) == len(spec)
    for item in out:
        assert {"id", "text", "country", "verdict", "evidence"} <= set(item)
        for ev in item["evidence"]:
            assert {"check", "name", "found", "stated", "rank", "of", "sources", "verdict",
                    "explanation"} <= set(ev)
    got = {o["id"]: o for o in out}
    assert {k: o["verdict"] for k, o in got.items()} == {
        "kaz-gdp-per-capita-2020": "supported",
        "kaz-population-rank-2020": "supported",
        "kaz-china-fifth-of-exports-2020": "supported",
        "tur-population-growth-2000-2020": "supported",
        "kaz-russia-third-of-exports-2020": "contradicted",
        "kaz-china-quarter-of-exports-2023": "unverifiable",
        "kaz-mixed-2020-2023": "unverifiable",
    }
    ev = got["kaz-gdp-per-capita-2020"]["evidence"][0]
    assert ev["found"] == pytest.approx(v) and ev["year"] == 2020
    assert ev["sources"][0]["source"] == "wdi" and "World Bank" in ev["sources"][0]["citation"]
    assert ev["title"] == "GDP per capita (current US$)"
    ev = got["kaz-population-rank-2020"]["evidence"][0]
    assert ev["rank"] == rank["rank"] and ev["of"] == len(pop)
    ev = got["kaz-russia-third-of-exports-2020"]["evidence"][0]
    # the measure fills gaps with partner mirror figures: close to the reported share
    assert ev["found"] == pytest.approx(s_rus, rel=0.01)
    assert ev["sources"][0]["source"] == "dots"
    ev = got["kaz-china-quarter-of-exports-2023"]["evidence"][0]
    assert ev["found"] is None and "2023" in ev["explanation"]
    assert got["tur-population-growth-2000-2020"]["evidence"][0]["found"] == pytest.approx(r)
    mixed = [e["verdict"] for e in got["kaz-mixed-2020-2023"]["evidence"]]
    assert mixed == ["supported", "unverifiable"]


def test_check_table_output_and_out_file(warehouse_env, tmp_path):
    res = runner.invoke(app, ["claims", "check", str(FIX / "three_verdicts.yaml")])
    assert res.exit_code == 0, res.output
    text = _flat(res.output)
    for word in ("supported", "contradicted", "unverifiable", "kaz-gdp-per-capita-2020"):
        assert word in text
    assert "4 supported, 1 contradicted, 2 unverifiable" in text
    out = tmp_path / "c.json"
    res = runner.invoke(app, ["claims", "check", str(FIX / "three_verdicts.yaml"), "-f", "json",
                              "--out", str(out)])
    assert res.exit_code == 0 and len(json.loads(out.read_text())) == 7
    res = runner.invoke(app, ["claims", "check", str(FIX / "three_verdicts.yaml"), "-f", "csv"])
    assert res.exit_code == 0
    assert len(pd.read_csv(__import__("io").StringIO(res.stdout))) == 8  # one row per check


def test_example_file_end_to_end(warehouse_env):
    res = runner.invoke(app, ["claims", "check", str(EXAMPLE), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = {o["id"]: o for o in json.loads(res.stdout)}
    verdicts = {k: o["verdict"] for k, o in out.items()}
    assert set(verdicts.values()) == {"supported", "contradicted", "unverifiable"}
    assert verdicts["china-quarter-of-exports-2023"] == "unverifiable"
    assert verdicts["russia-third-of-exports-2020"] == "contradicted"
    assert verdicts["gdp-per-capita-doubled-2010-2020"] == "contradicted"
    # every WDI value check of the example, recomputed from the indicators table
    for cid, checks in _checks(EXAMPLE).items():
        for k, ev in zip(checks, out[cid]["evidence"], strict=True):
            code = (k.get("indicator") or k.get("measure") or "").lower()  # "": a visit check
            if code not in catalog.wdi_codes():
                continue
            if "stated" in k:
                v = _wdi(warehouse_env, "KAZ", code, k["year"])
                assert ev["found"] == pytest.approx(v)
                assert ev["verdict"] == ("supported" if abs(v - k["stated"]) <= 0.1 * abs(v)
                                         else "contradicted")
            elif "ratio" in k:
                y0, y1 = k["years"]
                r = _wdi(warehouse_env, "KAZ", code, y1) / _wdi(warehouse_env, "KAZ", code, y0)
                assert ev["found"] == pytest.approx(r)
                assert ev["verdict"] == ("supported" if abs(r - k["ratio"]) <= 0.1 * r
                                         else "contradicted")


def test_measures_listing(warehouse_env):
    res = runner.invoke(app, ["claims", "measures", "--format", "csv"])
    assert res.exit_code == 0, res.output
    frame = pd.read_csv(__import__("io").StringIO(res.stdout), keep_default_na=False)
    rows = frame.set_index("name")
    for name in ("balance.composite", "share.exports.CHN", "power.index", "idealpoint",
                 "concentration.exports.hhi", "ny.gdp.pcap.cd", "minerals.<mineral>.share"):
        assert name in rows.index
    # DOTS from 1960, COW Trade before: the span is their union
    span = _sql(warehouse_env, "SELECT min(y) AS a, max(y) AS b FROM (SELECT year AS y FROM "
                "trade UNION ALL SELECT year FROM trade_cow)").iloc[0]
    assert rows.loc["share.exports.CHN", "years"] == f"{span['a']}-{span['b']}"
    assert rows.loc["concentration.exports.hhi", "rank"] == "1 = lowest"
    assert rows.loc["ny.gdp.pcap.cd", "title"] == "GDP per capita (current US$)"
    res = runner.invoke(app, ["claims", "measures"])
    assert res.exit_code == 0 and "balance.composite" in res.output


def test_measures_listing_without_a_warehouse():
    res = runner.invoke(app, ["claims", "measures", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    names = {r["name"] for r in rows}
    assert {"balance.composite", "power.gap", "sp.pop.totl"} <= names
    assert all(r["years"] == "" for r in rows)  # nothing to say without the data
    assert "no warehouse yet" in res.output


def test_unga_agreement_claims_read_voeten_agreement_not_split_vote_counts(built_warehouse):
    """``unga.agreement.<pole>`` is Voeten's agreement (a share of the jointly voted roll calls
    with the same vote), whatever measure the balance's UNGA channel uses by default: the claim
    once read the split-vote channel's value, a count of roll calls (23.2 for Russia)."""
    con = duckdb.connect(str(built_warehouse), read_only=True)
    try:
        md = frames.MeasureData(con)
        got = md.lookup(catalog.resolve("unga.agreement.RUS"), "KAZ", 2020)
        same = con.execute(
            "SELECT avg(CASE WHEN k.vote = r.vote THEN 1.0 ELSE 0.0 END) FROM unga_votes k "
            "JOIN unga_votes r USING (rcid) JOIN unga_rollcalls c USING (rcid) "
            "WHERE c.session = 75 AND k.iso3 = 'KAZ' AND r.iso3 = 'RUS' "
            "AND k.vote <= 3 AND r.vote <= 3").fetchone()[0]
    finally:
        con.close()
    assert 0.5 < got.value < 0.8
    assert got.value == pytest.approx(same, abs=1e-9)
