"""The open middle-power index (measures.power): scaling, pillars, ranks, power gap, sensitivity.

Expected values are derived by hand from the definitions in the module docstring (shares scaled
by the year's maximum, counts on log(1 + n), weighted means within pillars, weighted mean of the
pillars, OLS residual, one component set per ranking and series).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.core.errors import MultivectorError
from multivector.measures import power as pw


def comps(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["iso3", "year", "component", "value"])


def wide(values: dict[str, dict[str, float]], year: int = 2020) -> pd.DataFrame:
    """{"A": {"gdp": 1, "igo": 2}, ...} -> long components."""
    return comps([(iso, year, c, v) for iso, d in values.items() for c, v in d.items()])


# ------------------------------------------------------------------------------------ scaling
def test_scale_shares_linear_and_counts_on_log():
    c = comps([("A", 2000, "gdp", 50.0), ("B", 2000, "gdp", 200.0), ("C", 2000, "gdp", np.nan),
               ("A", 2000, "igo", 9.0), ("B", 2000, "igo", 99.0),
               ("A", 2001, "gdp", 10.0), ("B", 2001, "gdp", 5.0),
               ("A", 2001, "allies", 0.0), ("B", 2001, "allies", 0.0)])
    out = pw.scale_components(c)
    got = {(r.iso3, r.year, r.component): r.score for r in out.itertuples()}
    assert len(out) == 8                                   # the missing value is dropped
    assert got[("A", 2000, "gdp")] == pytest.approx(25.0)
    assert got[("B", 2000, "gdp")] == pytest.approx(100.0)
    # a count scores log(1 + n) / log(1 + max n): log 10 / log 100 = 1/2
    assert got[("B", 2000, "igo")] == pytest.approx(100.0)
    assert got[("A", 2000, "igo")] == pytest.approx(50.0)
    # each year has its own maximum
    assert got[("A", 2001, "gdp")] == pytest.approx(100.0)
    assert got[("B", 2001, "gdp")] == pytest.approx(50.0)
    # nothing to scale by: no score
    assert np.isnan(got[("A", 2001, "allies")])


# ------------------------------------------------------------------------------- power index
THREE = {
    "A": {"gdp": 100.0, "population": 50.0, "trade_share": 40.0, "allies": 9.0},
    "B": {"gdp": 50.0, "population": 100.0, "trade_share": 80.0, "allies": 99.0},
    "C": {"gdp": 25.0, "population": 25.0, "trade_share": 20.0, "allies": 0.0},
}


def test_power_index_by_hand():
    out = pw.power_index(wide(THREE)).set_index("iso3")
    # scores: gdp A 100, B 50, C 25; population A 50, B 100, C 25;
    #         trade_share A 50, B 100, C 25; allies (log) A 50, B 100, C 0
    # default weights: gdp 20, population 7.5; trade_share 1, allies 1; position weighs 0.55
    pos = {k: (20 * g + 7.5 * p) / 27.5 for k, g, p in
           (("A", 100, 50), ("B", 50, 100), ("C", 25, 25))}
    reach = {"A": (50 + 50) / 2, "B": (100 + 100) / 2, "C": (25 + 0) / 2}
    for iso in "ABC":
        assert out.loc[iso, "position"] == pytest.approx(pos[iso])
        assert out.loc[iso, "reach"] == pytest.approx(reach[iso])
        assert out.loc[iso, "index"] == pytest.approx(0.55 * pos[iso] + 0.45 * reach[iso])
        assert out.loc[iso, "n_components"] == 4
        assert out.loc[iso, "components"] == "gdp,population,trade_share,allies"
    assert out["rank"].to_dict() == {"B": 1, "A": 2, "C": 3}
    assert list(out.columns) == ["year", "position", "reach", "index", "rank", "power_gap",
                                 "n_components", "components"]


def test_power_index_component_and_pillar_weights():
    w = {"gdp": 3.0, "population": 1.0, "trade_share": 1.0, "allies": 0.0}
    out = pw.power_index(wide(THREE), weights=w, pillar=0.8).set_index("iso3")
    # allies weighs 0: out of the set. position A = (3*100 + 50)/4 = 87.5, B = 62.5, C = 25;
    # reach = trade_share score: A 50, B 100, C 25
    assert out["components"].unique().tolist() == ["gdp,population,trade_share"]
    assert out.loc["A", "position"] == pytest.approx(87.5)
    assert out.loc["B", "position"] == pytest.approx(62.5)
    assert out.loc["B", "reach"] == pytest.approx(100.0)
    assert out.loc["A", "index"] == pytest.approx(0.8 * 87.5 + 0.2 * 50)
    assert out.loc["B", "index"] == pytest.approx(0.8 * 62.5 + 0.2 * 100)
    assert out["rank"].to_dict() == {"A": 1, "B": 2, "C": 3}
    # all the weight on reach turns the order of A and B around
    rev = pw.power_index(wide(THREE), weights=w, pillar=0.0).set_index("iso3")
    assert rev["index"].to_dict() == pytest.approx({"A": 50.0, "B": 100.0, "C": 25.0})
    assert rev["rank"].to_dict() == {"B": 1, "A": 2, "C": 3}


def test_a_state_lacking_a_component_of_the_set_is_not_ranked():
    c = wide({"A": {"gdp": 100.0, "milex": 10.0, "trade_share": 10.0},
              "B": {"gdp": 50.0, "milex": 20.0, "trade_share": 20.0},
              "C": {"gdp": 80.0, "trade_share": 5.0},           # no milex
              "D": {"milex": 5.0}})                            # no gdp, no trade
    out = pw.power_index(c).set_index("iso3")
    assert out.attrs["components"] == ("gdp", "milex", "trade_share")
    assert set(out.index) == {"A", "B"}
    # scaled against the ranked states only: A gdp 100, B 50; milex A 50, B 100
    assert out.loc["A", "position"] == pytest.approx((20 * 100 + 20 * 50) / 40)
    assert out.loc["B", "reach"] == pytest.approx(100.0)
    why = pw.unranked(c, out.attrs["components"]).set_index("iso3")["reason"].to_dict()
    assert why == {"C": "no milex", "D": "no gdp, trade_share"}
    # fewer than three states in the year: no regression, no gap
    assert out["power_gap"].isna().all()
    with pytest.raises(MultivectorError, match="unknown power components"):
        pw.power_index(comps([("A", 2020, "gdp", 1.0), ("A", 2020, "charm", 1.0)]))


def test_power_index_ranks_within_each_year():
    c = pd.concat([wide(THREE, 2019), wide({k: {c: v * (1 if k != "C" else 10)
                                                 for c, v in d.items()}
                                             for k, d in THREE.items()}, 2020)])
    out = pw.power_index(c)
    r19 = out[out["year"] == 2019].set_index("iso3")["rank"]
    r20 = out[out["year"] == 2020].set_index("iso3")["rank"]
    assert r19.to_dict() == {"B": 1, "A": 2, "C": 3}
    assert r20["C"] == 1
    assert out["year"].is_monotonic_increasing


# ------------------------------------------------------------------------- the component set
def panel_years(years: range, ending: dict[str, int], seed: int = 0,
                states: int = 6) -> pd.DataFrame:
    """Random states over ``years``; a component in ``ending`` stops after that year."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(states):
        base = {c: float(rng.lognormal(0, 1)) for c in
                ("gdp", "milex", "population", "trade_share", "allies", "igo")}
        for y in years:
            for c, v in base.items():
                if y <= ending.get(c, 9999):
                    rows.append((f"S{i}", y, c, v))
    return comps(rows)


def test_choose_components_longest_run_then_more_components():
    c = panel_years(range(2000, 2011), {"allies": 2005, "igo": 2003})
    cset, run = pw.choose_components(c)
    assert cset == ("gdp", "milex", "population", "trade_share") and run == (2000, 2010)
    # within 2000-2005 allies is there throughout: same length, more components wins
    cset, run = pw.choose_components(c, span=(2000, 2005))
    assert cset == ("gdp", "milex", "population", "trade_share", "allies")
    assert run == (2000, 2005)
    # one year: everything available that year
    assert pw.choose_components(c, span=(2002, 2002))[0] == (
        "gdp", "milex", "population", "trade_share", "allies", "igo")
    # a component that weighs 0 never enters the set, nor constrains it
    cset, _ = pw.choose_components(c, weights={"trade_share": 0.0, "allies": 1.0},
                                   span=(2000, 2005))
    assert "trade_share" not in cset and "allies" in cset


def test_choose_components_breaks_at_a_gap_and_needs_both_pillars():
    c = panel_years(range(2000, 2011), {})
    gap = c[~((c["component"] == "trade_share") & (c["year"] == 2004))]
    cset, run = pw.choose_components(gap)
    # with trade_share: 2005-2010 (6 years); without it the reach pillar has allies and igo
    # for all 11 years
    assert run == (2000, 2010) and "trade_share" not in cset
    only_position = c[c["component"].isin(["gdp", "milex"])]
    with pytest.raises(MultivectorError, match="both pillars"):
        pw.choose_components(only_position)


def test_a_component_ending_cannot_move_a_series():
    # every value constant over time: the index must be constant, though allies and igo end
    c = panel_years(range(2000, 2011), {"allies": 2005, "igo": 2003}, seed=3)
    out = pw.power_index(c)
    assert out["components"].nunique() == 1
    per_state = out.groupby("iso3")["index"].agg(["min", "max", "size"])
    np.testing.assert_allclose(per_state["min"], per_state["max"], rtol=1e-12)
    assert (per_state["size"] == 11).all()
    # and what the ending component does in its last years changes nothing
    c2 = c.copy()
    c2.loc[(c2["component"] == "allies") & (c2["year"] >= 2004), "value"] *= 50
    pd.testing.assert_frame_equal(out, pw.power_index(c2))


def test_a_ranking_never_mixes_component_sets():
    c = panel_years(range(2010, 2011), {}, seed=4)
    c = c[~((c["iso3"] == "S2") & (c["component"] == "allies"))]   # S2 lacks allies
    out = pw.power_index(c)
    assert out["components"].nunique() == 1 and "allies" in out.attrs["components"]
    assert (out["n_components"] == len(out.attrs["components"])).all()
    assert "S2" not in set(out["iso3"])
    assert pw.unranked(c, out.attrs["components"])[["iso3", "reason"]].values.tolist() == [
        ["S2", "no allies"]]
    # S2's other components still enter no one's score: the scale is the ranked states'
    c_big = c.copy()
    c_big.loc[(c_big["iso3"] == "S2") & (c_big["component"] == "gdp"), "value"] = 1e6
    pd.testing.assert_frame_equal(out, pw.power_index(c_big))


def test_explicit_component_set():
    c = panel_years(range(2010, 2011), {}, seed=5)
    c = pd.concat([c, comps([(f"S{i}", 2010, "vote_breadth", float(i)) for i in range(6)])])
    default = pw.power_index(c)
    assert "vote_breadth" not in default.attrs["components"]       # it weighs 0 by default
    chosen = pw.power_index(c, component_set=("gdp", "vote_breadth"))
    # a component named in the set that weighs 0 by default counts with weight 1
    s = chosen.set_index("iso3")
    expect = 100 * np.log1p(np.arange(6.0)) / np.log1p(5.0)
    np.testing.assert_allclose(s.loc[[f"S{i}" for i in range(6)], "reach"], expect)
    assert chosen["components"].unique().tolist() == ["gdp,vote_breadth"]
    with pytest.raises(MultivectorError, match="each pillar"):
        pw.power_index(c, component_set=("gdp", "milex"))
    with pytest.raises(MultivectorError, match="unknown"):
        pw.power_index(c, component_set=("gdp", "charm"))


# ---------------------------------------------------------------------------------- power gap
def random_components(n: int = 12, year: int = 2020, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for c in (*pw.POSITION, *pw.REACH):
            rows.append((f"S{i:02d}", year, c, float(rng.lognormal(0, 1))))
    return comps(rows)


def test_power_gap_is_the_ols_residual():
    c = pd.concat([random_components(12, 2019, seed=1), random_components(9, 2020, seed=2)])
    out = pw.power_index(c)
    for _, g in out.groupby("year"):
        slope, intercept = np.polyfit(g["position"], g["reach"], 1)
        expected = g["reach"] - (intercept + slope * g["position"])
        np.testing.assert_allclose(g["power_gap"], expected, atol=1e-9)
        # OLS residuals sum to zero and are uncorrelated with the regressor
        assert g["power_gap"].sum() == pytest.approx(0.0, abs=1e-8)
        assert float(g["power_gap"] @ g["position"]) == pytest.approx(0.0, abs=1e-6)
        assert (g["power_gap"] != 0).any()


def test_power_gap_sign():
    # reach = position for everybody but D, who reaches further than its resources predict
    scores = pd.DataFrame({"year": 2020, "position": [10.0, 20.0, 30.0, 40.0, 25.0],
                           "reach": [10.0, 20.0, 30.0, 40.0, 45.0]},
                          index=list("ABCED"))
    gap = pw.power_gap(scores)
    assert gap["D"] > 0
    assert (gap.drop("D") < gap["D"]).all()
    slope, intercept = np.polyfit(scores["position"], scores["reach"], 1)
    assert gap["D"] == pytest.approx(45 - (intercept + slope * 25))
    assert pw.power_gap(scores.iloc[:2]).isna().all()


# --------------------------------------------------------------------------- rank sensitivity
def test_rank_sensitivity_quantiles_ordered_and_contain_default_rank():
    c = random_components(10, seed=5)
    out = pw.rank_sensitivity(c, draws=60, seed=1)
    base = pw.power_index(c).set_index("iso3")["rank"]
    assert len(out) == 10
    q = out[["rank_min", "rank_p05", "rank_median", "rank_p95", "rank_max"]].to_numpy()
    assert (np.diff(q, axis=1) >= 0).all()
    assert (out["rank_min"] <= out["rank"]).all() and (out["rank"] <= out["rank_max"]).all()
    assert out.set_index("iso3")["rank"].to_dict() == base.to_dict()
    assert (out["rank_min"] >= 1).all() and (out["rank_max"] <= 10).all()
    # the weights do move some ranks
    assert (out["rank_max"] > out["rank_min"]).any()


def test_rank_sensitivity_by_construction():
    # one component per pillar: the index is p * position + (1 - p) * reach with
    # A (100, 50): 50 + 50 p; B (50, 100): 100 - 50 p; A leads when p > 0.5 (the default is
    # 0.55) and B when p < 0.5. C is below both for every p; D dominates everybody.
    c = wide({"A": {"gdp": 100.0, "trade_share": 50.0}, "B": {"gdp": 50.0, "trade_share": 100.0},
              "C": {"gdp": 10.0, "trade_share": 10.0}, "D": {"gdp": 200.0, "trade_share": 200.0}})
    out = pw.rank_sensitivity(c, draws=200, seed=0,
                              pillar_range=(0.3, 0.7)).set_index("iso3")
    assert out.loc["D"].drop("year").tolist() == [1, 1, 1, 1, 1, 1]
    assert out.loc["C"].drop("year").tolist() == [4, 4, 4, 4, 4, 4]
    assert out.loc["A", "rank"] == 2 and out.loc["B", "rank"] == 3   # the default p = 0.55
    for iso in "AB":
        assert out.loc[iso, "rank_min"] == 2 and out.loc[iso, "rank_max"] == 3
        assert out.loc[iso, "rank_p05"] == 2 and out.loc[iso, "rank_p95"] == 3
    narrow = pw.rank_sensitivity(c, draws=50, seed=0, pillar_range=(0.6, 0.7))
    narrow = narrow.set_index("iso3")
    assert narrow.loc["A", "rank_max"] == 2 and narrow.loc["B", "rank_min"] == 3


def test_rank_sensitivity_is_reproducible():
    c = random_components(8, seed=9)
    a = pw.rank_sensitivity(c, draws=20, seed=3)
    b = pw.rank_sensitivity(c, draws=20, seed=3)
    pd.testing.assert_frame_equal(a, b)


def test_rank_sensitivity_keeps_the_component_set():
    # draws give every component a weight, vote_breadth too; the set stays the default one, so
    # the state without vote_breadth stays ranked and the one without trade_share does not
    c = random_components(8, seed=11)
    c = c[~((c["iso3"] == "S01") & (c["component"] == "vote_breadth"))]
    c = c[~((c["iso3"] == "S02") & (c["component"] == "trade_share"))]
    out = pw.rank_sensitivity(c, draws=30, seed=2)
    assert "S01" in set(out["iso3"]) and "S02" not in set(out["iso3"])
    assert out[["rank_min", "rank_max"]].notna().all().all()
    assert (out["rank_max"] <= 7).all()
