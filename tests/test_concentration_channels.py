"""Concentration indices and pole shares (measures.concentration, measures.channels).

Hand-built frames only; every expected value is derived in the test from the definitions of
METHODS.md (shares, HHI, normalised HHI, Pielou evenness, centred log-ratios).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from multivector.measures import channels as ch
from multivector.measures.concentration import clr, evenness, partner_concentration

REST = ch.REST


def long(groups: dict[str, list[float]], unit: str = "pole") -> pd.DataFrame:
    """One row per group and unit: {"g1": [v1, v2, ...]} -> g, pole, value."""
    rows = [(g, f"p{i}", v) for g, vals in groups.items() for i, v in enumerate(vals)]
    return pd.DataFrame(rows, columns=["g", unit, "value"])


# ------------------------------------------------------------------------------------ evenness
def test_even_shares_give_evenness_one_and_hhi_norm_zero():
    out = evenness(long({"a": [1, 1, 1, 1], "b": [7.5, 7.5]}), ["g"]).set_index("g")
    assert out.loc["a", "hhi"] == pytest.approx(0.25)
    assert out.loc["a", "evenness"] == pytest.approx(1.0)
    assert out.loc["a", "hhi_norm"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["b", "evenness"] == pytest.approx(1.0)
    assert out.loc["b", "hhi_norm"] == pytest.approx(0.0, abs=1e-12)
    assert out["n"].tolist() == [4, 2]


def test_one_unit_takes_all_gives_evenness_zero_and_hhi_norm_one():
    # the zero-share poles count as units: the state could have engaged them
    out = evenness(long({"a": [0, 5, 0, 0]}), ["g"]).iloc[0]
    assert out["n"] == 4
    assert out["hhi"] == pytest.approx(1.0)
    assert out["hhi_norm"] == pytest.approx(1.0)
    assert out["evenness"] == pytest.approx(0.0, abs=1e-12)


def test_three_poles_by_hand():
    # values 50, 30, 20 -> shares 0.5, 0.3, 0.2
    # HHI  = 0.25 + 0.09 + 0.04 = 0.38
    # HHI* = (0.38 - 1/3) / (1 - 1/3) = 0.04667 / 0.66667 = 0.07
    # H    = -(0.5 ln 0.5 + 0.3 ln 0.3 + 0.2 ln 0.2) = 0.34657 + 0.36119 + 0.32189 = 1.02965
    # J    = H / ln 3 = 1.02965 / 1.09861 = 0.93723
    out = evenness(long({"a": [50, 30, 20]}), ["g"]).iloc[0]
    h = -(0.5 * math.log(0.5) + 0.3 * math.log(0.3) + 0.2 * math.log(0.2))
    assert out["hhi"] == pytest.approx(0.38)
    assert out["hhi_norm"] == pytest.approx(0.07)
    assert out["evenness"] == pytest.approx(h / math.log(3))
    assert out["evenness"] == pytest.approx(0.93723, abs=1e-5)


def test_evenness_with_n_units_counts_absent_units():
    # two present units with equal shares spread over 4 possible units:
    # HHI = 0.5, HHI* = (0.5 - 0.25) / 0.75 = 1/3, J = ln 2 / ln 4 = 0.5
    out = evenness(long({"a": [3, 3]}), ["g"], n_units=4).iloc[0]
    assert out["n"] == 4
    assert out["hhi_norm"] == pytest.approx(1 / 3)
    assert out["evenness"] == pytest.approx(0.5)


def test_evenness_missing_values_are_not_units_and_degenerate_groups():
    f = pd.concat([long({"a": [1, 1]}), pd.DataFrame([("a", "p9", np.nan)],
                                                     columns=["g", "pole", "value"]),
                   long({"one": [4]}), long({"zero": [0, 0, 0]})], ignore_index=True)
    out = evenness(f, ["g"]).set_index("g")
    assert out.loc["a", "n"] == 2
    assert out.loc["a", "evenness"] == pytest.approx(1.0)
    # a single unit: normalised indices undefined
    assert out.loc["one", "hhi"] == pytest.approx(1.0)
    assert np.isnan(out.loc["one", "hhi_norm"]) and np.isnan(out.loc["one", "evenness"])
    # values summing to zero: no shares, no indices
    assert out.loc["zero", ["hhi", "hhi_norm", "evenness"]].isna().all()


def test_evenness_invariant_to_order_of_poles():
    rng = np.random.default_rng(7)
    f = pd.DataFrame([(g, f"p{k}", float(rng.uniform(0, 10)))
                      for g in "abcdef" for k in range(5)], columns=["g", "pole", "value"])
    f.loc[3, "value"] = 0.0
    base = evenness(f, ["g"]).set_index("g").sort_index()
    relabel = dict(zip([f"p{k}" for k in range(5)], ["Z", "Y", "X", "W", "V"], strict=True))
    perm = f.sample(frac=1.0, random_state=3).assign(pole=lambda d: d["pole"].map(relabel))
    other = evenness(perm, ["g"]).set_index("g").sort_index()
    pd.testing.assert_frame_equal(base, other, check_exact=False, rtol=1e-12)
    assert base["evenness"].between(0, 1).all() and base["hhi_norm"].between(0, 1).all()


def test_evenness_moves_the_right_way():
    # a transfer from a larger to a smaller share (Pigou-Dalton) raises evenness, lowers HHI*
    out = evenness(long({"before": [60, 30, 10], "after": [50, 30, 20]}), ["g"]).set_index("g")
    assert out.loc["after", "evenness"] > out.loc["before", "evenness"]
    assert out.loc["after", "hhi_norm"] < out.loc["before", "hhi_norm"]


# ---------------------------------------------------------------------------------------- clr
def test_clr_sums_to_zero_within_each_group_and_matches_definition():
    f = long({"a": [50, 30, 20], "b": [1, 2, 3, 4]})
    out = clr(f, ["g"])
    assert out.groupby(f["g"]).sum().abs().max() < 1e-12
    # a: ln s_k - (ln .5 + ln .3 + ln .2) / 3
    mean_a = (math.log(0.5) + math.log(0.3) + math.log(0.2)) / 3
    assert out[f["g"] == "a"].tolist() == pytest.approx(
        [math.log(0.5) - mean_a, math.log(0.3) - mean_a, math.log(0.2) - mean_a])
    # positive where the group tilts towards the unit
    assert out[f["g"] == "b"].tolist()[-1] > 0 > out[f["g"] == "b"].tolist()[0]


def test_clr_zero_replacement_keeps_composition_summing_to_one():
    delta = 1e-3
    f = long({"one": [60, 40, 0], "two": [70, 30, 0, 0]})
    out = clr(f, ["g"], delta=delta)
    assert np.isfinite(out).all()
    assert out.groupby(f["g"]).sum().abs().max() < 1e-12
    # closing exp(clr) recovers the replaced composition: each zero becomes delta and the
    # non-zero shares are scaled by 1 - (number of zeros) * delta. The zero part comes back as
    # exactly delta only if the replaced composition sums to one.
    for g, zeros, shares in (("one", 1, [0.6, 0.4]), ("two", 2, [0.7, 0.3])):
        e = np.exp(out[f["g"] == g].to_numpy())
        closed = e / e.sum()
        expected = [s * (1 - zeros * delta) for s in shares] + [delta] * zeros
        assert sum(expected) == pytest.approx(1.0)
        assert closed == pytest.approx(expected, rel=1e-10)
        # ratios among the non-zero parts are preserved
        assert closed[0] / closed[1] == pytest.approx(shares[0] / shares[1])


def test_clr_missing_value_stays_missing_and_out_of_the_composition():
    f = pd.DataFrame({"g": ["a"] * 4, "pole": list("wxyz"), "value": [2.0, 1.0, np.nan, 1.0]})
    out = clr(f, ["g"])
    assert np.isnan(out.iloc[2])
    present = out.drop(index=2)
    assert present.sum() == pytest.approx(0.0, abs=1e-12)
    # the three present parts are 0.5, 0.25, 0.25: clr = ln(s) - mean(ln s)
    m = (math.log(0.5) + 2 * math.log(0.25)) / 3
    assert present.tolist() == pytest.approx([math.log(0.5) - m, math.log(0.25) - m,
                                              math.log(0.25) - m])


def test_clr_invariant_to_order_of_poles():
    f = long({"a": [5, 0, 3, 2], "b": [1, 1, 8, 0]})
    perm = f.sample(frac=1.0, random_state=1)
    pd.testing.assert_series_equal(clr(f, ["g"]), clr(perm, ["g"]).sort_index())


# ------------------------------------------------------------------------ partner concentration
def flows(values: dict[str, float], year: int = 2000) -> pd.DataFrame:
    return pd.DataFrame({"iso3": "KAZ", "year": year, "partner": list(values),
                         "value": list(values.values())})


def test_partner_concentration_by_hand():
    # shares A .50, B .20, C .15, D .10, E .05 (F zero and G missing are not partners)
    f = flows({"B": 20, "A": 50, "D": 10, "C": 15, "E": 5, "F": 0, "G": np.nan})
    out = partner_concentration(f, ["iso3", "year"]).iloc[0]
    assert out["n_partners"] == 5
    assert out["total"] == pytest.approx(100)
    # HHI = .25 + .04 + .0225 + .01 + .0025 = .325; HHI* = (.325 - .2) / .8 = .15625
    assert out["hhi"] == pytest.approx(0.325)
    assert out["hhi_norm"] == pytest.approx(0.15625)
    assert out["top1_partner"] == "A"
    assert out["top1_share"] == pytest.approx(0.5)
    assert out["top3_share"] == pytest.approx(0.85)
    # cumulative .50, .70, .85: C takes the flow past 80% and is counted
    assert out["n_cover"] == 3


@pytest.mark.parametrize(("values", "n_cover"), [
    ({"A": 50, "B": 30, "C": 20}, 2),            # .5 + .3 = .8 exactly: B reaches 80%
    ({"A": 57, "B": 23, "C": 20}, 2),            # .57 + .23 = 0.7999999999999999 in floats
    ({"A": 80, "B": 20}, 1),                     # the largest partner alone makes 80%
    ({"A": 90, "B": 5, "C": 5}, 1),
    ({"A": 40, "B": 39, "C": 21}, 3),            # .79 < .8: C is needed
    ({"A": 25, "B": 25, "C": 25, "D": 25}, 4),   # .75 then 1.0
])
def test_partner_concentration_n_cover_edges(values, n_cover):
    out = partner_concentration(flows(values), ["iso3", "year"]).iloc[0]
    assert out["n_cover"] == n_cover


def test_partner_concentration_cover_parameter_and_groups():
    f = pd.concat([flows({"A": 50, "B": 20, "C": 15, "D": 10, "E": 5}, 2000),
                   flows({"A": 10, "B": 10}, 2001)], ignore_index=True)
    out = partner_concentration(f, ["iso3", "year"], cover=0.5).set_index("year")
    assert out.loc[2000, "n_cover"] == 1          # A alone is .5
    assert out.loc[2001, "n_cover"] == 1
    assert out.loc[2001, "hhi"] == pytest.approx(0.5)
    assert out.loc[2001, "hhi_norm"] == pytest.approx(0.0, abs=1e-12)
    # fewer than three partners: top-3 is everything
    assert out.loc[2001, "top3_share"] == pytest.approx(1.0)


def test_partner_concentration_tie_for_top_partner_does_not_depend_on_row_order():
    f = flows({"B": 40, "A": 40, "C": 20})
    a = partner_concentration(f, ["iso3", "year"]).iloc[0]
    b = partner_concentration(f.iloc[[1, 0, 2]], ["iso3", "year"]).iloc[0]
    assert a["top1_partner"] == b["top1_partner"] == "A"
    assert a["top1_share"] == pytest.approx(0.4)


def test_partner_concentration_single_partner():
    out = partner_concentration(flows({"A": 7}), ["iso3", "year"]).iloc[0]
    assert out["hhi"] == pytest.approx(1.0)
    assert np.isnan(out["hhi_norm"])
    assert out["top1_share"] == pytest.approx(1.0) and out["n_cover"] == 1


# ----------------------------------------------------------------------------------- pole shares
def membership(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["pole", "iso3", "year"])


MEM = membership([
    ("USA", "USA", 2000), ("EU", "DEU", 2000), ("EU", "FRA", 2000), ("CHN", "CHN", 2000),
    ("RUS", "RUS", 2000),
    ("USA", "USA", 2001), ("EU", "DEU", 2001), ("EU", "FRA", 2001), ("EU", "POL", 2001),
    ("CHN", "CHN", 2001), ("RUS", "RUS", 2001),
])


def dyads(rows: list[tuple]) -> pd.DataFrame:
    cols = ["iso3", "partner", "year", "value", "flag"][:len(rows[0])]
    return pd.DataFrame(rows, columns=cols)


def by_pole(out: pd.DataFrame, iso3: str, year: int) -> pd.DataFrame:
    return out[(out["iso3"] == iso3) & (out["year"] == year)].set_index("pole")


def test_sum_shares_sum_to_one_and_bloc_sums_members_of_the_year():
    d = dyads([("KAZ", "USA", 2000, 10.0), ("KAZ", "DEU", 2000, 20.0),
               ("KAZ", "FRA", 2000, 5.0), ("KAZ", "CHN", 2000, 30.0),
               ("KAZ", "RUS", 2000, 15.0), ("KAZ", "TUR", 2000, 5.0),
               # POL is an EU member only in 2001
               ("KAZ", "POL", 2000, 7.0), ("KAZ", "POL", 2001, 4.0),
               ("KAZ", "DEU", 2001, 6.0), ("KAZ", "USA", 2001, 1.0),
               ("KAZ", "CHN", 2001, 2.0), ("KAZ", "RUS", 2001, 3.0)])
    tot = pd.DataFrame({"iso3": "KAZ", "year": [2000, 2001], "total": [100.0, 20.0]})
    out = ch.pole_shares(d, MEM, "sum", tot)
    assert out.groupby(["iso3", "year"])["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    y0, y1 = by_pole(out, "KAZ", 2000), by_pole(out, "KAZ", 2001)
    assert list(y0.index) == ["USA", "EU", "CHN", "RUS", REST]
    assert y0.loc["EU", "value"] == pytest.approx(25.0)          # DEU 20 + FRA 5, not POL
    assert y0.loc["EU", "n_members"] == 2
    assert y1.loc["EU", "value"] == pytest.approx(10.0)          # DEU 6 + POL 4, FRA absent
    assert y1.loc["EU", "n_members"] == 3
    # the rest of the world is the total minus the poles: 100 - (10 + 25 + 30 + 15) = 20,
    # which holds TUR 5, POL 7 (not in the EU in 2000) and 8 unallocated
    assert y0.loc[REST, "value"] == pytest.approx(20.0)
    assert y0.loc[REST, "share"] == pytest.approx(0.2)
    assert y0.loc["CHN", "share"] == pytest.approx(0.3)
    assert y1.loc[REST, "value"] == pytest.approx(20 - (1 + 10 + 2 + 3))
    assert (out["total"] == out["year"].map({2000: 100.0, 2001: 20.0})).all()


def test_sum_default_total_is_the_sum_over_partners():
    d = dyads([("KAZ", "USA", 2000, 10.0), ("KAZ", "CHN", 2000, 30.0),
               ("KAZ", "TUR", 2000, 10.0), ("KAZ", "KAZ", 2000, 99.0)])
    out = ch.pole_shares(d, MEM, "sum")
    y = by_pole(out, "KAZ", 2000)
    assert y["total"].unique().tolist() == [50.0]   # self-trade left out of the total
    assert y.loc["CHN", "share"] == pytest.approx(0.6)
    assert y.loc[REST, "value"] == pytest.approx(10.0)


def test_focal_state_dropped_from_its_own_bloc_and_self_pole_flagged():
    d = dyads([("DEU", "FRA", 2000, 10.0), ("DEU", "USA", 2000, 20.0),
               ("DEU", "DEU", 2000, 50.0),
               ("USA", "DEU", 2000, 4.0), ("USA", "CHN", 2000, 6.0),
               ("USA", "USA", 2000, 10.0)])
    tot = pd.DataFrame({"iso3": ["DEU", "USA"], "year": 2000, "total": [40.0, 20.0]})
    out = ch.pole_shares(d, MEM, "sum", tot)
    de = by_pole(out, "DEU", 2000)
    # the EU seen from Berlin is France alone
    assert de.loc["EU", "value"] == pytest.approx(10.0)
    assert de.loc["EU", "n_members"] == 1
    assert de.loc["EU", "flag"] == ""
    us = by_pole(out, "USA", 2000)
    assert us.loc["USA", "flag"] == "self"
    assert np.isnan(us.loc["USA", "value"]) and np.isnan(us.loc["USA", "share"])
    assert us.loc["EU", "value"] == pytest.approx(4.0)
    # 20 - (4 + 6) = 10 to the rest of the world; the self pole takes nothing
    assert us.loc[REST, "value"] == pytest.approx(10.0)
    assert us["share"].sum() == pytest.approx(1.0)


def test_pole_none_of_whose_members_reports_is_not_reported_not_zero():
    d = dyads([("KAZ", "USA", 2000, 10.0), ("KAZ", "CHN", 2000, 40.0),
               ("KAZ", "RUS", 2000, 0.0)])
    tot = pd.DataFrame({"iso3": ["KAZ"], "year": [2000], "total": [80.0]})
    y = by_pole(ch.pole_shares(d, MEM, "sum", tot), "KAZ", 2000)
    assert y.loc["EU", "flag"] == "not reported"
    assert np.isnan(y.loc["EU", "value"]) and np.isnan(y.loc["EU", "share"])
    # a reported zero is a zero
    assert y.loc["RUS", "value"] == 0.0 and y.loc["RUS", "flag"] == ""
    # the rest of the world gets the remainder: 80 - (10 + 40 + 0) = 30
    assert y.loc[REST, "value"] == pytest.approx(30.0)
    assert y["share"].sum() == pytest.approx(1.0)


def test_rest_of_world_is_never_negative():
    d = dyads([("KAZ", "USA", 2000, 30.0), ("KAZ", "CHN", 2000, 20.0),
               ("KAZ", "USA", 2001, 30.0), ("KAZ", "CHN", 2001, 40.0)])
    # 2000: the poles take the whole total; 2001: a total below the poles' sum
    tot = pd.DataFrame({"iso3": "KAZ", "year": [2000, 2001], "total": [50.0, 60.0]})
    out = ch.pole_shares(d, MEM, "sum", tot)
    y0, y1 = by_pole(out, "KAZ", 2000), by_pole(out, "KAZ", 2001)
    assert y0.loc[REST, "value"] == 0.0 and y0["share"].sum() == pytest.approx(1.0)
    assert y1.loc[REST, "value"] == 0.0
    assert y1.loc["CHN", "share"] == pytest.approx(40 / 60)


def test_pole_with_one_reporting_member_is_reported():
    d = dyads([("KAZ", "FRA", 2000, 3.0)])
    tot = pd.DataFrame({"iso3": ["KAZ"], "year": [2000], "total": [10.0]})
    y = by_pole(ch.pole_shares(d, MEM, "sum", tot), "KAZ", 2000)
    assert y.loc["EU", "flag"] == "" and y.loc["EU", "value"] == pytest.approx(3.0)
    assert y.loc[REST, "value"] == pytest.approx(7.0)


def test_flag_percentages_from_value_shares():
    d = dyads([("KAZ", "DEU", 2000, 66.0, "mirror"), ("KAZ", "FRA", 2000, 22.0, "discrepant"),
               ("KAZ", "CHN", 2000, 8.0, "mirror"), ("KAZ", "USA", 2000, 4.0, ""),
               ("KAZ", "RUS", 2000, 1.0, ""), ("KAZ", "TUR", 2000, 5.0, "mirror")])
    tot = pd.DataFrame({"iso3": ["KAZ"], "year": [2000], "total": [110.0]})
    y = by_pole(ch.pole_shares(d, MEM, "sum", tot, flag_col="flag"), "KAZ", 2000)
    # EU = 88: mirror 66/88 = 75%, discrepant 22/88 = 25%
    assert y.loc["EU", "flag"] == "discrepant 25%;mirror 75%"
    assert y.loc["CHN", "flag"] == "mirror 100%"
    assert y.loc["USA", "flag"] == "" and y.loc["RUS", "flag"] == ""
    assert y.loc["EU", "value"] == pytest.approx(88.0)


def test_flag_percentage_rounded_and_tiny_flags_dropped():
    d = dyads([("KAZ", "DEU", 2000, 12.4, "mirror"), ("KAZ", "FRA", 2000, 87.6, ""),
               ("KAZ", "USA", 2000, 1.0, "mirror;discrepant"),
               # 0.4 of 100 is under half a percent: left out
               ("KAZ", "DEU", 2001, 0.4, "mirror"), ("KAZ", "FRA", 2001, 99.6, "")])
    out = ch.pole_shares(d, MEM, "sum", flag_col="flag")
    assert by_pole(out, "KAZ", 2000).loc["EU", "flag"] == "mirror 12%"
    # a dyad carrying two flags counts for both
    assert by_pole(out, "KAZ", 2000).loc["USA", "flag"] == "discrepant 100%;mirror 100%"
    assert by_pole(out, "KAZ", 2001).loc["EU", "flag"] == ""


@pytest.mark.parametrize(("mirror", "flag"), [
    (0.4, ""),                # under half a percent: left out
    (0.5, "mirror 1%"),       # kept, so it must not read 0%
    (12.5, "mirror 13%"),     # halves round up
    (2.5, "mirror 3%"),
])
def test_flag_percentage_edges(mirror, flag):
    d = dyads([("KAZ", "DEU", 2000, mirror, "mirror"), ("KAZ", "FRA", 2000, 100 - mirror, "")])
    y = by_pole(ch.pole_shares(d, MEM, "sum", flag_col="flag"), "KAZ", 2000)
    assert y.loc["EU", "flag"] == flag


def test_flags_combine_with_not_reported_and_self():
    d = dyads([("USA", "CHN", 2000, 5.0, "mirror")])
    y = by_pole(ch.pole_shares(d, MEM, "sum", flag_col="flag"), "USA", 2000)
    assert y.loc["USA", "flag"] == "self"
    assert y.loc["EU", "flag"] == "not reported"
    assert y.loc["CHN", "flag"] == "mirror 100%"


def test_mean_channel_bloc_counts_as_one_partner_with_mean_tie():
    d = dyads([("KAZ", "USA", 2000, 1.0), ("KAZ", "DEU", 2000, 1.0),
               ("KAZ", "FRA", 2000, 0.5), ("KAZ", "RUS", 2000, 1.0),
               ("KAZ", "TUR", 2000, 0.5), ("KAZ", "UZB", 2000, 0.25),
               ("KAZ", "DEU", 2001, 0.6), ("KAZ", "CHN", 2001, 0.3)])
    out = ch.pole_shares(d, MEM, "mean")
    y0, y1 = by_pole(out, "KAZ", 2000), by_pole(out, "KAZ", 2001)
    # EU = (1 + 0.5) / 2; CHN has no tie: 0; rest = TUR 0.5 + UZB 0.25
    assert y0.loc["EU", "value"] == pytest.approx(0.75)
    assert y0.loc["CHN", "value"] == 0.0
    assert y0.loc[REST, "value"] == pytest.approx(0.75)
    total = 1.0 + 0.75 + 0.0 + 1.0 + 0.75
    assert y0["total"].unique().tolist() == pytest.approx([total])
    assert y0.loc["USA", "share"] == pytest.approx(1.0 / total)
    assert y0["share"].sum() == pytest.approx(1.0)
    # 2001: EU members DEU, FRA, POL; a member without a row has a tie of zero
    assert y1.loc["EU", "value"] == pytest.approx(0.6 / 3)
    assert y1.loc["EU", "n_members"] == 3
    assert y1["share"].sum() == pytest.approx(1.0)


def test_mean_channel_focal_dropped_from_bloc_and_self_pole():
    d = dyads([("FRA", "DEU", 2001, 1.0), ("FRA", "USA", 2001, 1.0),
               ("CHN", "RUS", 2000, 0.5), ("CHN", "FRA", 2000, 0.25)])
    out = ch.pole_shares(d, MEM, "mean")
    fr = by_pole(out, "FRA", 2001)
    assert fr.loc["EU", "value"] == pytest.approx(0.5)   # DEU 1 and POL 0, FRA left out
    assert fr.loc["EU", "n_members"] == 2
    cn = by_pole(out, "CHN", 2000)
    assert cn.loc["CHN", "flag"] == "self" and np.isnan(cn.loc["CHN", "share"])
    assert cn.loc["EU", "value"] == pytest.approx(0.125)
    assert cn["share"].sum() == pytest.approx(1.0)


def test_pole_shares_invariant_to_row_order():
    d = dyads([("KAZ", "USA", 2000, 10.0, ""), ("KAZ", "DEU", 2000, 20.0, "mirror"),
               ("KAZ", "FRA", 2000, 5.0, ""), ("KAZ", "CHN", 2000, 30.0, ""),
               ("KAZ", "TUR", 2000, 5.0, "")])
    base = ch.pole_shares(d, MEM, "sum", flag_col="flag")
    other = ch.pole_shares(d.iloc[::-1], MEM.iloc[::-1].reset_index(drop=True), "sum",
                           flag_col="flag")
    key = ["iso3", "year", "pole"]
    pd.testing.assert_frame_equal(base.sort_values(key).reset_index(drop=True),
                                  other.sort_values(key).reset_index(drop=True))


def test_pole_shares_rejects_unknown_aggregate():
    with pytest.raises(ValueError, match="aggregate"):
        ch.pole_shares(dyads([("KAZ", "USA", 2000, 1.0)]), MEM, "median")


# ------------------------------------------------------------------------------ alliance ties
def test_alliance_strength_takes_the_strongest_obligation():
    f = pd.DataFrame({"defense": [1, 0, 0, 0, 0, np.nan],
                      "offense": [0, 0, 1, 0, 0, 0],
                      "neutrality": [1, 1, 0, 0, 0, 0],
                      "nonaggression": [0, 1, 0, 0, 0, 0],
                      "consultation": [1, 0, 0, 1, 0, 1]})
    w = ch.SECURITY_WEIGHTS
    assert ch.alliance_strength(f).tolist() == [1.0, w["neutrality"], 1.0, w["consultation"],
                                                0.0, w["consultation"]]
    w = ch.alliance_strength(f, {"consultation": 0.9, "offense": 0.1})
    assert w.tolist() == [1.0, ch.SECURITY_WEIGHTS["neutrality"], 0.1, 0.9, 0.0, 0.9]


def test_alliance_strength_uses_cow_entente_when_present():
    f = pd.DataFrame({"defense": [0, 1], "entente": [1, 0]})
    assert ch.alliance_strength(f).tolist() == [ch.SECURITY_WEIGHTS["entente"], 1.0]
