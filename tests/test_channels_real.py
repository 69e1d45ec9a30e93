"""Channels on the real warehouse (issue 5): trade by partner and pole, the mirror rule,
concentration, UNGA affinity shares, power components. Skips without the data mirror."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.power import milex_series, power_components
from multivector.analysis.panel.shares import channel_shares
from multivector.analysis.panel.trade import concentration, trade_flows
from multivector.core import poles
from multivector.measures.trade import CIF_FOB

pytestmark = pytest.mark.mirror


@pytest.fixture(scope="module")
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def kaz_flows(con):
    return trade_flows(con, (1992, 2020), ["KAZ"])


def test_largest_buyers_and_suppliers_are_the_imf_reported_ones(con, kaz_flows):
    flows, _ = kaz_flows
    raw = con.execute("""SELECT year, flow, partner, value_usd_m FROM trade
        WHERE reporter = 'KAZ' AND partner_kind IN ('state', 'historical', 'territory', 'group')
        AND value_usd_m IS NOT NULL""").df()
    imf_top = raw.loc[raw.groupby(["year", "flow"])["value_usd_m"].idxmax()]
    ours = flows[flows["flag"] != "mirror"]
    ours_top = ours.loc[ours.groupby(["year", "flow"])["value_usd_m"].idxmax()]
    merged = imf_top.merge(ours_top, on=["year", "flow"], suffixes=("_imf", "_ours"))
    assert len(merged) == len(imf_top) >= 2 * 27
    assert (merged["partner_imf"] == merged["partner_ours"]).all()
    # what the data say: Russia is the largest supplier in most years, and in 2020 China is the
    # largest single buyer
    imports_top = imf_top[imf_top["flow"] == "imports"]
    assert (imports_top["partner"] == "RUS").mean() > 0.8
    assert imf_top[(imf_top["year"] == 2020) & (imf_top["flow"] == "exports")][
        "partner"].item() == "CHN"


def test_shares_sum_to_one_over_poles_and_rest_of_world(con):
    ps = poles.load_pole_set("wide")
    for flow in ("exports", "imports"):
        s = channel_shares(con, flow, ps, (1992, 2020), ["KAZ", "TUR", "BRA"])
        total = s.groupby(["iso3", "year"])["share"].sum()
        assert len(total) == 3 * 29
        np.testing.assert_allclose(total.to_numpy(), 1.0, atol=1e-9)
        assert set(s["pole"]) == {*ps.ids, "Rest of world"}


def test_trade_shares_for_every_state_sum_to_one(con):
    s = channel_shares(con, "exports", poles.load_pole_set("core"), (2015, 2015))
    total = s.groupby("iso3")["share"].sum()
    assert len(total) > 150
    np.testing.assert_allclose(total.to_numpy(), 1.0, atol=1e-9)


def test_kazakhstan_1992_93_russia_not_reported_not_zero(con):
    s = channel_shares(con, "exports", poles.load_pole_set("core"), (1992, 1994),
                       ["KAZ"])
    rus = s[s["pole"] == "RUS"].set_index("year")
    assert rus.loc[[1992, 1993], "flag"].eq("not reported").all()
    assert rus.loc[[1992, 1993], "value"].isna().all()
    assert rus.loc[1994, "value"] > 1000


def test_mirror_rule_on_real_rows(con, kaz_flows):
    flows, _ = kaz_flows
    mirror = flows[flows["flag"] == "mirror"]
    assert len(mirror) > 0
    # every mirror value is the partner's report of the other side, converted CIF/FOB
    row = mirror.iloc[len(mirror) // 2]
    other = "imports" if row["flow"] == "exports" else "exports"
    partner = con.execute("SELECT sum(value_usd_m) FROM trade WHERE reporter = ? AND "
                          "partner = 'KAZ' AND year = ? AND flow = ?",
                          [row["partner"], int(row["year"]), other]).fetchall()[0][0]
    factor = 1 / CIF_FOB if row["flow"] == "exports" else CIF_FOB
    assert row["value_usd_m"] == pytest.approx(partner * factor)
    own = con.execute("SELECT count(*) FROM trade WHERE reporter = 'KAZ' AND partner = ? AND "
                      "year = ? AND flow = ? AND value_usd_m IS NOT NULL",
                      [row["partner"], int(row["year"]), row["flow"]]).fetchall()[0][0]
    assert own == 0
    # discrepant rows keep the reporter's figure and their gap is over the threshold
    disc = flows[flows["flag"] == "discrepant"]
    assert len(disc) > 0
    assert (disc["value_usd_m"] == disc["reported_usd_m"]).all()
    assert (disc["gap"].abs() > 0.25).all()
    fine = flows[(flows["flag"] == "") & flows["mirror_usd_m"].notna()]
    assert (fine["gap"].abs() <= 0.25).all()


def test_concentration_matches_the_partner_rows(con, kaz_flows):
    flows, _ = kaz_flows
    c = concentration(con, (1992, 2020), ["KAZ"], "exports", flows)
    y = c[c["year"] == 2019].iloc[0]
    f = flows[(flows["flow"] == "exports") & (flows["year"] == 2019)
              & (flows["value_usd_m"] > 0)]
    s = f["value_usd_m"] / f["value_usd_m"].sum()
    assert y["hhi"] == pytest.approx((s ** 2).sum())
    assert y["top1_share"] == pytest.approx(s.max())
    assert y["top3_share"] == pytest.approx(s.nlargest(3).sum())
    assert y["n_partners"] == len(f)
    cum = s.sort_values(ascending=False).cumsum().to_numpy()
    assert y["n_cover"] == int(np.searchsorted(cum, 0.8 - 1e-12) + 1)


def test_unga_shares_are_affinities_over_poles(con):
    ps = poles.load_pole_set("core")
    s = channel_shares(con, "unga", ps, (2010, 2012), ["KAZ", "USA"],
                       UngaChannel("agreement"))
    tot = s.groupby(["iso3", "year"])["share"].sum()
    np.testing.assert_allclose(tot.to_numpy(), 1.0)
    usa = s[(s["iso3"] == "USA") & (s["pole"] == "USA")]
    assert (usa["flag"] == "self").all() and usa["value"].isna().all()
    # the affinity of agreement is the agreement itself: compare with the alignment measure
    from multivector.analysis.alignment import UngaOptions, unga_alignment

    al = unga_alignment(con, "KAZ", (2010, 2012), ps,
                        UngaOptions("agreement", n_boot=0))
    m = s[s["iso3"] == "KAZ"].merge(al, on=["pole", "year"], suffixes=("", "_al"))
    assert len(m) == 12
    np.testing.assert_allclose(m["value"], m["value_al"], atol=1e-9)


def test_power_components_for_every_state(con):
    comp = power_components(con, (2010, 2010))
    wide = comp.pivot_table(index="iso3", columns="component", values="value")
    assert {"gdp", "population", "cinc", "milex", "trade_reach", "vote_breadth"} <= set(
        wide.columns)
    assert wide["gdp"].sum() == pytest.approx(1.0, abs=0.03)  # shares of the world's GDP
    assert wide["gdp"].idxmax() == "USA"
    assert wide["population"].idxmax() == "CHN"
    # trade_reach: a state is counted when it makes at least 1% of a partner's trade; China
    # and the US reach more economies than Kazakhstan does
    assert wide.loc["CHN", "trade_reach"] > wide.loc["KAZ", "trade_reach"] > 0
    assert (wide["trade_reach"] >= 0).all()


def test_milex_is_sipri_2025_to_2024(con):
    # SIPRI's 2025 workbook runs to 2024, as far as WDI's military expenditure does: nothing
    # is derived from WDI (the derivation after SIPRI's last year: test_sources13_unit)
    m = milex_series(con, (2015, 2025))
    assert m.loc[~m["derived"], "year"].max() == 2024
    assert set(m["source"]) == {"sipri2025"} and not m["derived"].any()


def test_trade_before_1960_comes_from_cow(con):
    flows, totals = trade_flows(con, (1955, 1962), ["TUR"])
    assert set(flows.loc[flows["year"] < 1960, "source"]) == {"cow"}
    assert set(flows.loc[flows["year"] >= 1960, "source"]) == {"dots"}
    assert isinstance(totals, pd.DataFrame) and (totals["total_usd_m"] > 0).all()


def test_igo_channel_from_cow_or_manyios(con):
    ps = poles.load_pole_set("core")
    cow = channel_shares(con, "igo", ps, (2010, 2010), ["KAZ"],
                         igo_source="cow").set_index("pole")
    inf = channel_shares(con, "igo", ps, (2010, 2010), ["KAZ"]).set_index("pole")
    shared_cow = con.execute("SELECT shared_igos FROM igo_dyads WHERE iso3_a = 'KAZ' AND "
                             "iso3_b = 'RUS' AND year = 2010").fetchall()[0][0]
    assert cow.loc["RUS", "value"] == shared_cow
    kaz = set(con.execute("SELECT igo FROM igo_membership WHERE source = 'migo' AND year = "
                          "2010 AND status = 'full' AND iso3 = 'KAZ'").df()["igo"])
    rus = set(con.execute("SELECT igo FROM igo_membership WHERE source = 'migo' AND year = "
                          "2010 AND status = 'full' AND iso3 = 'RUS'").df()["igo"])
    # the default counts MIGO organisations one by one, leaving out those with every pole
    usa = set(con.execute("SELECT igo FROM igo_membership WHERE source = 'migo' AND year = "
                          "2010 AND status = 'full' AND iso3 = 'USA'").df()["igo"])
    chn = set(con.execute("SELECT igo FROM igo_membership WHERE source = 'migo' AND year = "
                          "2010 AND status = 'full' AND iso3 = 'CHN'").df()["igo"])
    eu = set(con.execute("SELECT igo FROM igo_membership WHERE source = 'migo' AND year = "
                         "2010 AND status = 'full' AND iso3 IN (SELECT unnest(?))",
                         [poles.bloc_members("EU", 2010)]).df()["igo"])
    universal = usa & chn & rus & eu
    assert universal  # some organisations hold every pole
    assert inf.loc["RUS", "value"] == len((kaz & rus) - universal) > 0
    assert cow.loc["RUS", "value"] != inf.loc["RUS", "value"]  # two different sets of IGOs
    for f in (cow, inf):
        assert f["share"].sum() == pytest.approx(1.0)
