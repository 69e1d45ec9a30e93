"""What-if steps on ONE partner (issue 15): the pure transform on constructed frames, the
scenario file and ``--step`` forms, the refusals, and on the real warehouse the figure a
hand computation from the trade table gives, the same through the CLI and the API."""

import json

import pandas as pd
import pytest

from multivector.analysis import whatif
from multivector.analysis import whatif_steps as ws
from multivector.core import poles
from multivector.core.errors import MultivectorError
from multivector.measures import scenario as tf

REST = "Rest of world"
# exports, total 100: USA 30, EU 20 (DEU 12 + ITA 8), CHN 10, RUS 10, rest 30 (KOR 20 + 10
# unallocated); unga: no partner figures
FIGURES = {"USA": 30, "DEU": 12, "ITA": 8, "CHN": 10, "RUS": 10, "KOR": 20}
HOSTS = {"USA": "USA", "DEU": "EU", "ITA": "EU", "CHN": "CHN", "RUS": "RUS"}


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [("KAZ", 2020, "exports", p, v, v / 100, 100.0)
            for p, v in (("USA", 30), ("EU", 20), ("CHN", 10), ("RUS", 10), (REST, 30))]
    rows += [("KAZ", 2020, "unga", p, 1.0, 0.25, 4.0) for p in ("USA", "EU", "CHN", "RUS")]
    rows += [("UZB", 2020, "exports", p, v, v / 50, 50.0)
             for p, v in (("USA", 10), ("EU", 10), ("CHN", 10), ("RUS", 10), (REST, 10))]
    shares = pd.DataFrame(rows, columns=["iso3", "year", "channel", "pole", "value", "share",
                                         "total"])
    values = pd.DataFrame([("KAZ", 2020, "exports", p, float(v)) for p, v in FIGURES.items()]
                          + [("UZB", 2020, "exports", "ITA", 10.0)],
                          columns=["iso3", "year", "channel", "partner", "value"])
    mem = pd.DataFrame([(h, p, 2020) for p, h in HOSTS.items()], columns=["pole", "iso3", "year"])
    return shares, tf.partner_frame(values, shares, mem)


def _kaz(frame: pd.DataFrame, col: str = "share") -> pd.Series:
    k = frame[(frame["iso3"] == "KAZ") & (frame["channel"] == "exports")]
    return k.set_index("pole")[col]


def test_partner_frame_hosts_and_shares():
    _, par = _frames()
    k = par[par["iso3"] == "KAZ"].set_index("partner")
    assert k.loc["ITA", "host"] == "EU" and k.loc["KOR", "host"] == REST
    assert k.loc["ITA", "share"] == pytest.approx(0.08)
    # blocs by year: the United Kingdom in the EU in 2019, in the rest of the world in 2020
    mem = poles.load_pole_set("core").membership([2019, 2020])
    sh = pd.DataFrame({"iso3": "KAZ", "year": [2019, 2020], "channel": "exports",
                       "pole": "EU", "share": 0.5, "total": 10.0})
    v = pd.DataFrame({"iso3": "KAZ", "year": [2019, 2020], "channel": "exports",
                      "partner": "GBR", "value": 1.0})
    hosts = tf.partner_frame(v, sh, mem).set_index("year")["host"]
    assert hosts.to_dict() == {2019: "EU", 2020: REST}


def test_scaling_a_member_moves_its_pole_and_the_total():
    shares, par = _frames()
    out, after = tf.scale_partner(shares, par, "exports", "ITA", 0.5, "KAZ")
    # ITA 8 -> 4: the EU 20 -> 16, the total 100 -> 96, every other value as it was
    assert _kaz(out, "value").to_dict() == pytest.approx(
        {"USA": 30, "EU": 16, "CHN": 10, "RUS": 10, REST: 30})
    assert _kaz(out, "total").tolist() == pytest.approx([96] * 5)
    assert _kaz(out).to_dict() == pytest.approx(
        {"USA": 30 / 96, "EU": 16 / 96, "CHN": 10 / 96, "RUS": 10 / 96, REST: 30 / 96})
    assert _kaz(out).sum() == pytest.approx(1.0)
    a = after[after["iso3"] == "KAZ"].set_index("partner")["share"]
    assert a["ITA"] == pytest.approx(4 / 96) and a["DEU"] == pytest.approx(12 / 96)
    # another channel, another state: untouched
    pd.testing.assert_frame_equal(out[out["channel"] == "unga"],
                                  shares[shares["channel"] == "unga"])
    uzb = out[out["iso3"] == "UZB"]
    assert uzb["share"].tolist() == pytest.approx([0.2] * 5)


def test_scaling_a_non_member_moves_only_the_rest_of_the_world_and_the_total():
    shares, par = _frames()
    out, _ = tf.scale_partner(shares, par, "exports", "KOR", 2.0, "KAZ")
    assert _kaz(out, "value").to_dict() == pytest.approx(
        {"USA": 30, "EU": 20, "CHN": 10, "RUS": 10, REST: 50})
    assert _kaz(out, "total").iloc[0] == pytest.approx(120)
    # the poles keep their ratios to one another (the balance over the poles is unchanged)
    assert (_kaz(out)[["USA", "EU", "CHN", "RUS"]] / _kaz(shares)[["USA", "EU", "CHN", "RUS"]]
            ).tolist() == pytest.approx([100 / 120] * 4)


def test_factor_one_is_the_identity_and_drop_is_factor_zero():
    shares, par = _frames()
    same, _ = tf.scale_partner(shares, par, "exports", "ITA", 1.0, "KAZ")
    pd.testing.assert_frame_equal(same, shares, check_dtype=False)
    dropped = tf.apply(shares, [{"op": "drop", "channel": "exports", "partner": "ITA"}], "KAZ",
                       par)
    zero, _ = tf.scale_partner(shares, par, "exports", "ITA", 0.0, "KAZ")
    pd.testing.assert_frame_equal(dropped, zero)
    assert _kaz(dropped)["EU"] == pytest.approx(12 / 92)
    # a partner without a figure changes nothing
    none, _ = tf.scale_partner(shares, par, "exports", "FRA", 0.0, "KAZ")
    pd.testing.assert_frame_equal(none, shares, check_dtype=False)


def test_partner_steps_follow_pole_steps():
    shares, par = _frames()
    # the EU halved (DEU 6, ITA 4), then Italy dropped: EU 6 of a total of 86
    out = tf.apply(shares, [{"op": "scale", "channel": "exports", "pole": "EU", "factor": 0.5},
                            {"op": "drop", "channel": "exports", "partner": "ITA"}], "KAZ", par)
    assert _kaz(out).to_dict() == pytest.approx(
        {"USA": 30 / 86, "EU": 6 / 86, "CHN": 10 / 86, "RUS": 10 / 86, REST: 30 / 86})
    # a hypothetical Chinese partner with 0.2 of the total, then Korea doubled: KOR was 0.16
    out = tf.apply(shares, [{"op": "add", "channel": "exports", "pole": "CHN", "share": 0.2},
                            {"op": "scale", "channel": "exports", "partner": "KOR",
                             "factor": 2.0}], "KAZ", par)
    assert _kaz(out)[REST] == pytest.approx((0.24 + 0.16) / 1.16)
    # two partner steps in a row: Germany and Italy dropped is the EU dropped
    both = tf.apply(shares, [{"op": "drop", "channel": "exports", "partner": p}
                             for p in ("DEU", "ITA")], "KAZ", par)
    pole = tf.scale(shares, "exports", "EU", 0.0, "KAZ")
    assert _kaz(both).to_dict() == pytest.approx(_kaz(pole).to_dict())


def test_partner_step_refusals_in_the_transform():
    shares, par = _frames()
    with pytest.raises(MultivectorError, match="a partner step cannot act on unga"):
        tf.scale_partner(shares, par, "unga", "ITA", 0.5, "KAZ")
    with pytest.raises(MultivectorError, match="needs the partners' figures"):
        tf.apply(shares, [{"op": "drop", "channel": "exports", "partner": "ITA"}], "KAZ")
    with pytest.raises(MultivectorError, match="add takes a pole"):
        tf.apply(shares, [{"op": "add", "channel": "exports", "partner": "ITA", "share": 0.1}],
                 "KAZ", par)
    with pytest.raises(MultivectorError, match="channel 'arms' has no shares here"):
        tf.scale_partner(shares, par, "arms", "ITA", 0.5, "KAZ")


def test_step_text_file_round_trip_and_pinned_messages():
    assert ws.parse_step("scale:partner=ITA@exports=0.5") == {
        "op": "scale", "partner": "ITA", "channel": "exports", "factor": 0.5}
    assert ws.parse_step("drop:partner=Germany@imports") == {
        "op": "drop", "partner": "Germany", "channel": "imports"}
    assert ws.parse_step("scale:pole=EU@exports=0.8") == ws.parse_step("scale:EU@exports=0.8")
    sc = whatif.check({"state": "KAZ", "steps": [
        ws.parse_step("scale:partner=Italy@exports=0.5"),
        ws.parse_step("drop:partner=Germany@imports"),
        ws.parse_step("scale:EU@exports=0.8")]})
    assert sc.steps == [{"op": "scale", "channel": "exports", "partner": "ITA", "factor": 0.5},
                        {"op": "drop", "channel": "imports", "partner": "DEU"},
                        {"op": "scale", "channel": "exports", "pole": "EU", "factor": 0.8}]
    for fmt in ("yaml", "json"):
        assert whatif.parse(whatif.dump(sc, fmt)) == sc
    # which was meant: KOR bare is the wide set's pole, partner=KOR the state, always
    wide = whatif.check({"state": "KAZ", "poles": "wide",
                         "steps": [ws.parse_step("scale:KOR@imports=2"),
                                   ws.parse_step("scale:partner=KOR@imports=2")]})
    ps = poles.load_pole_set("wide")
    assert [ws.describe(s, ps, (2019, 2020)) for s in wide.steps] == [
        "scale pole KOR (South Korea) in imports by 2",
        "scale partner KOR (South Korea; in pole KOR 2019-2020) in imports by 2"]
    assert ws.describe(sc.steps[0], poles.load_pole_set("core"), (2019, 2020)) == (
        "scale partner ITA (Italy; in pole EU 2019-2020) in exports by 0.5")
    bad = [
        ({"op": "scale", "channel": "exports", "partner": "Itlay", "factor": 0.5},
         "scenario step 1: partner: unknown country code or name 'Itlay'; nearest matches: "
         "ITA, Italy (ITA)"),
        ({"op": "scale", "channel": "unga", "partner": "ITA", "factor": 0.5},
         "scenario step 1: a partner step cannot act on unga (UN General Assembly votes): its "
         "shares are roll calls credited to the poles that voted alike, not sums of values by "
         "partner; partner steps act on exports, imports, arms, investment"),
        ({"op": "scale", "channel": "exports", "pole": "KOR", "factor": 2},
         "scenario step 1: pole must be one of USA, EU, CHN, RUS, got 'KOR'; KOR is the state "
         "South Korea (KOR), not a pole of the core set: to scale that partner write partner: "
         "KOR (on the command line --step 'scale:partner=KOR@CHANNEL...')"),
        ({"op": "drop", "channel": "exports", "partner": "KAZ"},
         "scenario step 1: partner KAZ is the state itself"),
        ({"op": "drop", "channel": "exports", "partner": "ITA", "pole": "EU"},
         "scenario step 1: give a pole or a partner, not both (pole 'EU', partner 'ITA')"),
    ]
    for step, msg in bad:
        with pytest.raises(MultivectorError) as exc:
            whatif.check({"state": "KAZ", "steps": [step]})
        assert str(exc.value) == msg


# ------------------------------------------------------------------ the real warehouse
ITA_HALF = {"state": "KAZ", "years": [2015, 2020], "year": 2020,
            "steps": [{"op": "scale", "channel": "exports", "partner": "ITA", "factor": 0.5}]}


@pytest.fixture(scope="module")
def italy_halved(built_warehouse):
    from multivector import warehouse
    from multivector.analysis.panel.trade import partner_trade_table, trade_flows

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MULTIVECTOR_WAREHOUSE", str(built_warehouse))
        with warehouse.connect() as con:
            table = partner_trade_table(con, (2020, 2020), ["KAZ"])
            totals = trade_flows(con, (2020, 2020), ["KAZ"])[1]
            res = whatif.run(con, whatif.check(ITA_HALF))
    return res, table, totals


def test_kaz_exports_to_italy_halved_lower_the_eus_share_by_hand(italy_halved):
    res, table, totals = italy_halved
    ex = table[(table["flow"] == "exports") & (table["year"] == 2020)]
    eu = set(poles.load_pole_set("core").pole("EU").members_in(2020))
    v_eu = ex.loc[ex["partner"].isin(eu), "value_usd_m"].sum()
    v_ita = ex.loc[ex["partner"] == "ITA", "value_usd_m"].iloc[0]
    total = totals.loc[totals["flow"] == "exports", "total_usd_m"].iloc[0]
    by_hand = v_eu / total - (v_eu - v_ita / 2) / (total - v_ita / 2)
    sh = res["shares"]
    row = sh[(sh["year"] == 2020) & (sh["channel"] == "exports") & (sh["pole"] == "EU")].iloc[0]
    assert -row["change"] == pytest.approx(by_hand, rel=1e-9)
    # pinned (IMF DOTS as Kazakhstan reports it: Italy US$ 6,645 million of 46,930)
    assert row["baseline"] == pytest.approx(0.37610, abs=5e-5)
    assert row["scenario"] == pytest.approx(0.32856, abs=5e-5)
    assert -row["change"] == pytest.approx(0.047533, abs=5e-6)
    # imports and the other channels do not move; every exports share still sums to one
    other = sh[sh["channel"] != "exports"]
    assert other["change"].abs().max() < 1e-12
    ex20 = sh[(sh["channel"] == "exports") & (sh["year"] == 2020)]
    assert ex20["scenario"].sum() == pytest.approx(1.0)
    assert res["steps"] == ["scale partner ITA (Italy; in pole EU 2015-2020) in exports by 0.5"]
    assert res["notes"] == []
    base, scen = res["rank"].to_dict(orient="records")
    assert base["case"] == "baseline" and scen["evenness"] != base["evenness"]


def test_whatif_cli_and_api_give_the_same_figures(warehouse_env, italy_halved):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from multivector.cli import app
    from multivector.web.app import create_app

    cli = CliRunner().invoke(app, ["whatif", "KAZ", "--step", "scale:partner=ITA@exports=0.5",
                                   "--years", "2015-2020", "--year", "2020", "--format",
                                   "json"])
    assert cli.exit_code == 0, cli.output
    got = json.loads(cli.stdout)
    assert "step 1: scale partner ITA (Italy; in pole EU 2015-2020)" in cli.stderr
    with TestClient(create_app(), raise_server_exceptions=False) as c:
        r = c.post("/api/scenarios", content=got["file"].encode())
        assert r.status_code == 200, r.text
        api = r.json()
        page = c.get("/whatif?state=KAZ&years=2015-2020&year=2020&op=scale&partner=ITA"
                     "&channel=exports&value=0.5")
        assert page.status_code == 200, page.text
        assert "scale partner ITA (Italy; in pole EU 2015-2020)" in page.text
        assert "table-whatif-shares" in page.text
    for key in ("scenario", "steps", "notes", "rank"):
        assert got[key] == api[key]
    for key in ("balance", "shares"):
        a, b = pd.DataFrame(got[key]), pd.DataFrame(api[key])
        pd.testing.assert_frame_equal(a, b)
    want = italy_halved[0]["shares"]
    eu = pd.DataFrame(api["shares"]).query("year == 2020 and channel == 'exports' "
                                           "and pole == 'EU'")
    assert eu["change"].iloc[0] == pytest.approx(
        want.query("year == 2020 and channel == 'exports' and pole == 'EU'")["change"].iloc[0])


def test_korea_doubled_moves_only_the_rest_of_the_world(warehouse_env):
    from multivector import warehouse

    sc = whatif.check({"state": "KAZ", "years": [2019, 2020], "year": 2020,
                       "steps": [ws.parse_step("scale:partner=KOR@imports=2")]})
    with warehouse.connect() as con:
        res = whatif.run(con, sc)
    sh = res["shares"]
    imp = sh[(sh["channel"] == "imports") & (sh["year"] == 2020)].set_index("pole")
    assert imp.loc[REST, "change"] > 0
    poles_only = imp.drop(index=REST)
    ratio = poles_only["scenario"] / poles_only["baseline"]
    assert ratio.max() == pytest.approx(ratio.min()) and ratio.max() < 1
    # the balance over the poles (the channel's evenness) does not move
    b = res["balance"]
    assert b.loc[b["channel"] == "imports", "change"].abs().max() < 1e-12
