"""The open middle-power index (measures.power): scaling, pillars, ranks, power gap, sensitivity.

Expected values are derived by hand from the definitions in the module docstring (scale by the
year's maximum, weighted means within pillars, weighted mean of the pillars, OLS residual).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.measures import power as pw


def comps(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["iso3", "year", "component", "value"])


def wide(values: dict[str, dict[str, float]], year: int = 2020) -> pd.DataFrame:
    """{"A": {"gdp": 1, "igo": 2}, ...} -> long components."""
    return comps([(iso, year, c, v) for iso, d in values.items() for c, v in d.items()])


# ------------------------------------------------------------------------------------ scaling
def test_scale_components_by_the_years_maximum():
    c = comps([("A", 2000, "gdp", 50.0), ("B", 2000, "gdp", 200.0), ("C", 2000, "gdp", np.nan),
               ("A", 2000, "igo", 30.0), ("B", 2000, "igo", 10.0),
               ("A", 2001, "gdp", 10.0), ("B", 2001, "gdp", 5.0),
               ("A", 2001, "igo", 0.0), ("B", 2001, "igo", 0.0)])
    out = pw.scale_components(c)
    got = {(r.iso3, r.year, r.component): r.score for r in out.itertuples()}
    assert len(out) == 8                                   # the missing value is dropped
    assert got[("A", 2000, "gdp")] == pytest.approx(25.0)
    assert got[("B", 2000, "gdp")] == pytest.approx(100.0)
    assert got[("A", 2000, "igo")] == pytest.approx(100.0)
    assert got[("B", 2000, "igo")] == pytest.approx(100 / 3)
    # each year has its own maximum
    assert got[("A", 2001, "gdp")] == pytest.approx(100.0)
    assert got[("B", 2001, "gdp")] == pytest.approx(50.0)
    # nothing to scale by: no score
    assert np.isnan(got[("A", 2001, "igo")])


# ------------------------------------------------------------------------------- power index
THREE = {
    "A": {"gdp": 100.0, "population": 50.0, "igo": 40.0, "allies": 10.0},
    "B": {"gdp": 50.0, "population": 100.0, "igo": 80.0, "allies": 5.0},
    "C": {"gdp": 25.0, "population": 25.0, "igo": 20.0, "allies": 2.0},
}


def test_power_index_by_hand():
    out = pw.power_index(wide(THREE)).set_index("iso3")
    # scores: gdp A 100, B 50, C 25; population A 50, B 100, C 25;
    #         igo A 50, B 100, C 25; allies A 100, B 50, C 20
    pos = {"A": (100 + 50) / 2, "B": (50 + 100) / 2, "C": (25 + 25) / 2}
    reach = {"A": (50 + 100) / 2, "B": (100 + 50) / 2, "C": (25 + 20) / 2}
    for iso in "ABC":
        assert out.loc[iso, "position"] == pytest.approx(pos[iso])
        assert out.loc[iso, "reach"] == pytest.approx(reach[iso])
        assert out.loc[iso, "index"] == pytest.approx(0.5 * pos[iso] + 0.5 * reach[iso])
        assert out.loc[iso, "n_components"] == 4
    # A and B tie at 75: both rank 1, C is 3rd
    assert out["rank"].to_dict() == {"A": 1, "B": 1, "C": 3}
    assert list(out.columns) == ["year", "position", "reach", "index", "rank", "power_gap",
                                 "n_components"]


def test_power_index_component_and_pillar_weights():
    w = {"gdp": 3.0, "population": 1.0, "igo": 1.0, "allies": 0.0}
    out = pw.power_index(wide(THREE), weights=w, pillar=0.8).set_index("iso3")
    # position A = (3*100 + 50)/4 = 87.5, B = (3*50 + 100)/4 = 62.5, C = 25
    # reach (allies weigh 0) = igo score: A 50, B 100, C 25
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


def test_power_index_missing_components_and_pillars():
    c = wide({"A": {"gdp": 100.0, "milex": 10.0, "igo": 10.0},
              "B": {"gdp": 50.0, "igo": 20.0, "trade_reach": 4.0},
              "C": {"gdp": 80.0},                              # no reach: not ranked
              "D": {"igo": 5.0}})                              # no position: not ranked
    out = pw.power_index(c).set_index("iso3")
    assert set(out.index) == {"A", "B"}
    # a pillar is the mean of the components the state has
    assert out.loc["A", "position"] == pytest.approx((100 + 100) / 2)
    assert out.loc["B", "position"] == pytest.approx(50.0)
    assert out.loc["B", "reach"] == pytest.approx((100 + 100) / 2)
    assert out.loc["A", "reach"] == pytest.approx(50.0)
    assert out["n_components"].to_dict() == {"A": 3, "B": 3}
    # fewer than three states in the year: no regression, no gap
    assert out["power_gap"].isna().all()
    with pytest.raises(ValueError, match="unknown power components"):
        pw.power_index(comps([("A", 2020, "gdp", 1.0), ("A", 2020, "charm", 1.0)]))


def test_power_index_ranks_within_each_year():
    c = pd.concat([wide(THREE, 2019), wide({k: {c: v * (1 if k != "C" else 10)
                                                 for c, v in d.items()}
                                             for k, d in THREE.items()}, 2020)])
    out = pw.power_index(c)
    r19 = out[out["year"] == 2019].set_index("iso3")["rank"]
    r20 = out[out["year"] == 2020].set_index("iso3")["rank"]
    assert r19.to_dict() == {"A": 1, "B": 1, "C": 3}
    assert r20["C"] == 1
    assert out["year"].is_monotonic_increasing


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
    # A (100, 50): 50 + 50 p; B (50, 100): 100 - 50 p; A leads when p > 0.5 and they tie at
    # the default p = 0.5. C is below both for every p; D dominates everybody.
    c = wide({"A": {"gdp": 100.0, "igo": 50.0}, "B": {"gdp": 50.0, "igo": 100.0},
              "C": {"gdp": 10.0, "igo": 10.0}, "D": {"gdp": 200.0, "igo": 200.0}})
    out = pw.rank_sensitivity(c, draws=200, seed=0).set_index("iso3")
    assert out.loc["D"].drop("year").tolist() == [1, 1, 1, 1, 1, 1]
    assert out.loc["C"].drop("year").tolist() == [4, 4, 4, 4, 4, 4]
    for iso in "AB":
        assert out.loc[iso, "rank"] == 2                      # the tie at the default
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
