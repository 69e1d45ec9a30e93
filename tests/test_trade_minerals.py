"""Trade with mirror flows (measures.trade, panel.trade.trade_shares) and minerals
(measures.minerals).

Hand-built rows of the warehouse ``trade`` and ``minerals`` tables; expected values derived from
the mirror rule (imports CIF = exports FOB x 1.10) and the share definitions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.analysis.panel.trade import trade_shares
from multivector.core.vocabulary import REST
from multivector.measures import minerals as mn
from multivector.measures import trade as tr


def row(reporter, partner, year, flow, value, partner_kind="state", reporter_kind="state",
        label=None):
    return {"reporter": reporter, "reporter_kind": reporter_kind, "partner": partner,
            "partner_kind": partner_kind, "partner_label": label or partner, "year": year,
            "flow": flow, "value_usd_m": value}


def trade(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def one(flows: pd.DataFrame, partner: str, flow: str, iso3: str = "KAZ",
        year: int = 2000) -> pd.Series:
    r = flows[(flows["iso3"] == iso3) & (flows["partner"] == partner) & (flows["flow"] == flow)
              & (flows["year"] == year)]
    assert len(r) == 1, r
    return r.iloc[0]


# -------------------------------------------------------------------------------- partner flows
def test_mirror_rule_fills_exports_from_partner_imports_divided_by_cif_fob():
    # KAZ reports no exports to RUS; RUS reports imports (CIF) from KAZ of 220
    fl = tr.partner_flows(trade(row("RUS", "KAZ", 2000, "imports", 220.0)), ["KAZ"])
    r = one(fl, "RUS", "exports")
    assert r["value_usd_m"] == pytest.approx(220.0 / 1.10)
    assert r["mirror_usd_m"] == pytest.approx(200.0)
    assert np.isnan(r["reported_usd_m"]) and np.isnan(r["gap"])
    assert r["flag"] == "mirror"


def test_mirror_rule_fills_imports_from_partner_exports_times_cif_fob():
    fl = tr.partner_flows(trade(row("RUS", "KAZ", 2000, "exports", 100.0)), ["KAZ"])
    r = one(fl, "RUS", "imports")
    assert r["value_usd_m"] == pytest.approx(110.0)
    assert r["flag"] == "mirror"
    # the factor is a parameter
    fl2 = tr.partner_flows(trade(row("RUS", "KAZ", 2000, "exports", 100.0)), ["KAZ"],
                           cif_fob=1.05)
    assert one(fl2, "RUS", "imports")["value_usd_m"] == pytest.approx(105.0)


def test_reported_figure_kept_close_mirror_unflagged_and_gap():
    # KAZ exports 100 to CHN; CHN imports 115.5 CIF from KAZ -> mirror 105 FOB
    fl = tr.partner_flows(trade(row("KAZ", "CHN", 2000, "exports", 100.0),
                                row("CHN", "KAZ", 2000, "imports", 115.5)), ["KAZ"])
    r = one(fl, "CHN", "exports")
    assert r["value_usd_m"] == 100.0
    assert r["reported_usd_m"] == 100.0
    assert r["mirror_usd_m"] == pytest.approx(105.0)
    # gap = (reported - mirror) / max(reported, mirror) = -5 / 105
    assert r["gap"] == pytest.approx(-5 / 105)
    assert r["flag"] == ""


def test_discrepant_above_threshold_keeps_the_reporters_figure():
    # KAZ imports 50 from DEU; DEU exports 100 FOB -> mirror 110 CIF; gap (50-110)/110 = -.545
    # KAZ exports 300 to ITA; ITA imports 132 CIF -> mirror 120; gap (300-120)/300 = +.6
    fl = tr.partner_flows(trade(row("KAZ", "DEU", 2000, "imports", 50.0),
                                row("DEU", "KAZ", 2000, "exports", 100.0),
                                row("KAZ", "ITA", 2000, "exports", 300.0),
                                row("ITA", "KAZ", 2000, "imports", 132.0)), ["KAZ"])
    de, it = one(fl, "DEU", "imports"), one(fl, "ITA", "exports")
    assert de["value_usd_m"] == 50.0 and de["flag"] == "discrepant"
    assert de["gap"] == pytest.approx(-60 / 110)
    assert it["value_usd_m"] == 300.0 and it["flag"] == "discrepant"
    assert it["gap"] == pytest.approx(180 / 300)


@pytest.mark.parametrize(("reported", "threshold", "flag"), [
    (80.0, 0.25, ""),             # gap -.20
    (70.0, 0.25, "discrepant"),   # gap -.30
    (70.0, 0.35, ""),             # same gap under a looser threshold
    (0.0, 0.25, "discrepant"),    # a reported zero is a figure: gap -1
])
def test_discrepancy_threshold(reported, threshold, flag):
    # mirror of KAZ's imports from DEU: 100 / 1.1 * 1.1 = 100 CIF
    fl = tr.partner_flows(trade(row("KAZ", "DEU", 2000, "imports", reported),
                                row("DEU", "KAZ", 2000, "exports", 100.0 / 1.1)), ["KAZ"],
                          threshold=threshold)
    r = one(fl, "DEU", "imports")
    assert r["flag"] == flag
    assert r["value_usd_m"] == reported
    assert r["gap"] == pytest.approx((reported - 100.0) / 100.0)


def test_reported_only_flow_has_no_mirror_and_no_flag():
    fl = tr.partner_flows(trade(row("KAZ", "UZB", 2000, "exports", 7.0)), ["KAZ"])
    r = one(fl, "UZB", "exports")
    assert r["value_usd_m"] == 7.0 and r["flag"] == "" and np.isnan(r["mirror_usd_m"])
    assert np.isnan(r["gap"])


def test_aggregates_residuals_and_self_trade_excluded():
    t = trade(row("KAZ", "CHN", 2000, "exports", 10.0),
              row("KAZ", None, 2000, "exports", 1000.0, partner_kind="aggregate",
                  label="World"),
              row("KAZ", None, 2000, "exports", 30.0, partner_kind="residual",
                  label="Areas n.e.s."),
              row("KAZ", "XXX", 2000, "exports", 5.0, partner_kind="unmapped"),
              row("KAZ", "KAZ", 2000, "exports", 4.0),
              # an aggregate reporter's figures are no mirror of anything
              row("EUU", "KAZ", 2000, "imports", 500.0, reporter_kind="aggregate"),
              # a reporting group is a partner
              row("KAZ", "BLX", 2000, "imports", 3.0, partner_kind="group"))
    fl = tr.partner_flows(t, ["KAZ"])
    assert sorted(fl["partner"]) == ["BLX", "CHN"]
    assert set(fl["iso3"]) == {"KAZ"}


def test_focal_restricts_to_focal_reporters_and_their_mirrors():
    t = trade(row("KAZ", "CHN", 2000, "exports", 10.0),
              row("CHN", "RUS", 2000, "exports", 999.0),
              row("RUS", "CHN", 2000, "imports", 888.0))
    fl = tr.partner_flows(t, ["KAZ"])
    assert fl["iso3"].tolist() == ["KAZ"]
    every = tr.partner_flows(t)
    # with no focal list everybody is focal: CHN's exports to RUS reported, RUS's imports
    # from CHN reported and mirrored both ways
    ch_ru = one(every, "RUS", "exports", iso3="CHN")
    assert ch_ru["value_usd_m"] == 999.0
    assert ch_ru["mirror_usd_m"] == pytest.approx(888.0 / 1.1)
    assert one(every, "CHN", "imports", iso3="RUS")["mirror_usd_m"] == pytest.approx(999 * 1.1)


def test_partner_flows_years_kept_apart_and_duplicates_summed():
    t = trade(row("KAZ", "CHN", 2000, "exports", 6.0), row("KAZ", "CHN", 2000, "exports", 4.0),
              row("CHN", "KAZ", 2001, "imports", 11.0))
    fl = tr.partner_flows(t, ["KAZ"])
    assert one(fl, "CHN", "exports", year=2000)["value_usd_m"] == 10.0
    assert one(fl, "CHN", "exports", year=2000)["flag"] == ""
    assert one(fl, "CHN", "exports", year=2001)["flag"] == "mirror"
    assert one(fl, "CHN", "exports", year=2001)["value_usd_m"] == pytest.approx(10.0)


# --------------------------------------------------------------------------------- trade totals
def test_trade_totals_world_plus_mirror_filled_and_partner_sum():
    t = trade(row("KAZ", "CHN", 2000, "exports", 100.0),
              row("CHN", "KAZ", 2000, "imports", 110.0),
              row("RUS", "KAZ", 2000, "imports", 220.0),     # fills exports to RUS: 200
              row("KAZ", "DEU", 2000, "exports", 40.0),
              row("DEU", "KAZ", 2000, "imports", 11.0),      # discrepant, adds nothing
              row("KAZ", None, 2000, "exports", 1000.0, partner_kind="aggregate",
                  label="World"),
              # imports: no World row; partners 50 (reported) + 110 (mirror of 100)
              row("KAZ", "DEU", 2000, "imports", 50.0),
              row("RUS", "KAZ", 2000, "exports", 100.0))
    fl = tr.partner_flows(t, ["KAZ"])
    tot = tr.trade_totals(t[t["reporter"] == "KAZ"], fl).set_index("flow")
    # the World figure holds every reported partner; the mirror-filled 200 is added
    assert tot.loc["exports", "total_usd_m"] == pytest.approx(1200.0)
    assert tot.loc["exports", "total_flag"] == ""
    assert tot.loc["imports", "total_usd_m"] == pytest.approx(160.0)
    assert tot.loc["imports", "total_flag"] == "partner sum"


def test_trade_totals_world_without_partners():
    t = trade(row("KAZ", None, 2001, "imports", 70.0, partner_kind="aggregate",
                  label="World"))
    tot = tr.trade_totals(t, tr.partner_flows(t, ["KAZ"]))
    assert tot.to_dict("records") == [{"iso3": "KAZ", "year": 2001, "flow": "imports",
                                       "total_usd_m": 70.0, "total_flag": ""}]


def test_trade_totals_leave_out_aggregate_reporters():
    # the IMF's "Euro Area" reports to the World too; it has no ISO3 code and is no focal state
    t = trade(row("KAZ", None, 2001, "imports", 70.0, partner_kind="aggregate", label="World"),
              row(None, None, 2001, "imports", 9000.0, partner_kind="aggregate",
                  reporter_kind="aggregate", label="World"))
    tot = tr.trade_totals(t, tr.partner_flows(t))
    assert tot["iso3"].tolist() == ["KAZ"]
    assert tot["total_usd_m"].tolist() == [70.0]


# ------------------------------------------------------------------- trade shares, both figures
MEM = pd.DataFrame([("USA", "USA", 2000), ("EU", "DEU", 2000), ("EU", "FRA", 2000),
                    ("CHN", "CHN", 2000), ("RUS", "RUS", 2000)],
                   columns=["pole", "iso3", "year"])


def kaz_exports() -> tuple[pd.DataFrame, pd.DataFrame]:
    t = trade(row("KAZ", "CHN", 2000, "exports", 100.0),
              row("CHN", "KAZ", 2000, "imports", 132.0),     # mirror 120 (+20)
              row("KAZ", "DEU", 2000, "exports", 80.0),
              row("DEU", "KAZ", 2000, "imports", 55.0),      # mirror 50 (-30, discrepant)
              row("KAZ", "FRA", 2000, "exports", 20.0),      # no mirror
              row("RUS", "KAZ", 2000, "imports", 55.0),      # fills exports to RUS: 50
              row("KAZ", "USA", 2000, "exports", 30.0),
              row("USA", "KAZ", 2000, "imports", 55.0),      # mirror 50 (+20)
              row("KAZ", None, 2000, "exports", 400.0, partner_kind="aggregate",
                  label="World"))
    fl = tr.partner_flows(t, ["KAZ"])
    return fl, tr.trade_totals(t[t["reporter"] == "KAZ"], fl)


def test_trade_shares_reported():
    fl, tot = kaz_exports()
    out = trade_shares(fl, tot, "exports", MEM).set_index("pole")
    # total = World 400 + mirror-filled 50
    assert out["total"].unique().tolist() == pytest.approx([450.0])
    assert out.loc["CHN", "value"] == 100.0
    assert out.loc["EU", "value"] == pytest.approx(100.0)         # DEU 80 + FRA 20
    assert out.loc["RUS", "value"] == pytest.approx(50.0)
    assert out.loc["RUS", "flag"] == "mirror 100%"
    assert out.loc["EU", "flag"] == "discrepant 80%"
    assert out.loc[REST, "value"] == pytest.approx(450 - (30 + 100 + 100 + 50))
    assert out["share"].sum() == pytest.approx(1.0)
    assert (out["channel"] == "exports").all()


def test_trade_shares_partner_moves_the_total_by_the_same_differences():
    fl, tot = kaz_exports()
    rep = trade_shares(fl, tot, "exports", MEM).set_index("pole")
    par = trade_shares(fl, tot, "exports", MEM, prefer="partner").set_index("pole")
    # differences mirror - reported: CHN +20, DEU -30, USA +20 (FRA has no mirror, RUS is
    # already the mirror): the total moves by +10
    assert par["total"].unique().tolist() == pytest.approx([460.0])
    assert par.loc["CHN", "value"] == pytest.approx(120.0)
    assert par.loc["EU", "value"] == pytest.approx(50.0 + 20.0)
    assert par.loc["USA", "value"] == pytest.approx(50.0)
    assert par.loc["RUS", "value"] == pytest.approx(50.0)
    # unallocated trade stays where it was: the rest of the world does not move
    assert par.loc[REST, "value"] == pytest.approx(rep.loc[REST, "value"])
    assert par["share"].sum() == pytest.approx(1.0)
    # EU: 50 of 70 from the partner's figure, 71%
    assert par.loc["EU", "flag"] == "mirror 71%"
    assert par.loc["CHN", "flag"] == "mirror 100%"
    with pytest.raises(ValueError, match="prefer"):
        trade_shares(fl, tot, "exports", MEM, prefer="average")


# ------------------------------------------------------------------------------------- minerals
def mrow(iso3, year, mineral, value, kind="state", entity=None, unit="t", source="BGS"):
    return {"iso3": iso3, "entity": entity or iso3, "kind": kind, "year": year,
            "mineral": mineral, "value": value, "unit": unit, "source": source}


def raw_minerals() -> pd.DataFrame:
    return pd.DataFrame([
        # uranium 2000: published World 120 (more than the 100 the producers listed add up to)
        mrow("KAZ", 2000, "uranium", 20), mrow("USA", 2000, "uranium", 10),
        mrow("DEU", 2000, "uranium", 5), mrow("FRA", 2000, "uranium", 15),
        mrow("CHN", 2000, "uranium", 8), mrow("RUS", 2000, "uranium", 12),
        mrow("CAN", 2000, "uranium", 30),
        mrow(None, 2000, "uranium", 120, kind="aggregate", entity="World"),
        mrow(None, 2000, "uranium", 50, kind="aggregate", entity="Africa"),
        # copper 2000: no World row; a tie between CHN and USA; KAZ produced nothing
        mrow("CHL", 2000, "copper", 50), mrow("CHN", 2000, "copper", 25),
        mrow("USA", 2000, "copper", 25), mrow("KAZ", 2000, "copper", 0),
        # zinc 2001: a World row of 0 is no total; a historical producer counts
        mrow("SUN", 2001, "zinc", 6, kind="historical"), mrow("KAZ", 2001, "zinc", 4),
        mrow(None, 2001, "zinc", 0, kind="aggregate", entity="WORLD"),
    ])


def test_production_shares_world_basis_shares_and_ranks():
    out = mn.production_shares(raw_minerals())
    u = out[out["mineral"] == "uranium"].set_index("iso3")
    assert (u["world"] == 120).all() and (u["world_basis"] == "published").all()
    assert u.loc["KAZ", "share"] == pytest.approx(20 / 120)
    assert u["rank"].to_dict() == {"CAN": 1, "KAZ": 2, "FRA": 3, "RUS": 4, "USA": 5,
                                   "CHN": 6, "DEU": 7}
    assert (u["n_producers"] == 7).all()
    c = out[out["mineral"] == "copper"].set_index("iso3")
    assert (c["world"] == 100).all() and (c["world_basis"] == "sum of producers").all()
    # ties share the best rank; the next rank is skipped
    assert c["rank"].to_dict() == {"CHL": 1, "CHN": 2, "USA": 2, "KAZ": 4}
    assert c.loc["KAZ", "share"] == 0.0
    assert (c["n_producers"] == 3).all()
    assert c["share"].sum() == pytest.approx(1.0)
    z = out[out["mineral"] == "zinc"].set_index("iso3")
    assert (z["world_basis"] == "sum of producers").all() and (z["world"] == 10).all()
    assert z.loc["SUN", "share"] == pytest.approx(0.6)
    # aggregates are never producers
    assert set(out["iso3"]) == {"KAZ", "USA", "DEU", "FRA", "CHN", "RUS", "CAN", "CHL", "SUN"}
    # ordered by mineral, year, rank
    assert out[["mineral", "year"]].drop_duplicates()["mineral"].tolist() == [
        "copper", "uranium", "zinc"]
    assert out.groupby(["mineral", "year"])["rank"].apply(
        lambda r: r.is_monotonic_increasing).all()


MINERAL_MEM = pd.DataFrame([("USA", "USA", 2000), ("EU", "DEU", 2000), ("EU", "FRA", 2000),
                            ("CHN", "CHN", 2000), ("RUS", "RUS", 2000)],
                           columns=["pole", "iso3", "year"])


def test_pole_production_rows_sum_to_one_by_hand():
    prod = mn.production_shares(raw_minerals())
    out = mn.pole_production(prod, MINERAL_MEM, ["KAZ"])
    # only minerals KAZ produced: uranium in 2000 and zinc in 2001, no copper
    assert sorted(set(zip(out["mineral"], out["year"], strict=True))) == [
        ("uranium", 2000), ("zinc", 2001)]
    u = out[out["mineral"] == "uranium"].set_index("pole")
    assert list(u.index) == ["KAZ", "USA", "EU", "CHN", "RUS", REST]
    assert u.loc["KAZ", "flag"] == "focal"
    assert u.loc["KAZ", "share"] == pytest.approx(20 / 120)
    assert u.loc["EU", "value"] == 20 and u.loc["EU", "n_members"] == 2
    # rest = 120 - 20 (KAZ) - (10 + 20 + 8 + 12) = 50: CAN's 30 and 20 unallocated
    assert u.loc[REST, "value"] == pytest.approx(50.0)
    assert u["share"].sum() == pytest.approx(1.0)
    assert (u["total"] == 120).all() and (u["channel"] == "minerals").all()


def test_pole_production_focal_dropped_from_bloc_and_self_pole():
    prod = mn.production_shares(raw_minerals())
    out = mn.pole_production(prod, MINERAL_MEM, ["DEU", "USA"])
    de = out[(out["iso3"] == "DEU") & (out["mineral"] == "uranium")].set_index("pole")
    assert de.loc["EU", "value"] == 15 and de.loc["EU", "n_members"] == 1   # FRA alone
    assert de.loc["DEU", "value"] == 5
    assert de["share"].sum() == pytest.approx(1.0)
    us = out[(out["iso3"] == "USA") & (out["mineral"] == "copper")]
    # the pole that is the focal state itself is its focal row: one row per pole label
    assert us["pole"].is_unique
    focal = us[us["pole"] == "USA"]
    assert focal["flag"].tolist() == ["focal"] and focal["value"].tolist() == [25]
    rest = us[us["pole"] == REST]["value"].iloc[0]
    # copper world 100 (sum of producers): USA 25, CHN 25, EU 0, RUS 0, rest = CHL 50
    assert rest == pytest.approx(50.0)
    assert us[us["pole"] == "EU"]["value"].iloc[0] == 0.0
    assert us["share"].sum() == pytest.approx(1.0)


def test_pole_production_every_producer_when_no_focal():
    prod = mn.production_shares(raw_minerals())
    out = mn.pole_production(prod, MINERAL_MEM)
    sums = out.groupby(["iso3", "mineral", "year"])["share"].sum()
    assert np.allclose(sums, 1.0)
    # KAZ's zero copper is no production: only producers with a positive value are focal
    assert ("KAZ", "copper", 2000) not in sums.index
    assert len(sums) == len(prod[prod["value"] > 0])
