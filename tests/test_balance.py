"""The balance index (measures.balance) and the UNGA/format share helpers of panel.

Every expected value is derived in the test from the definitions (renormalised pole shares,
Pielou evenness, normalised HHI, weighted composite, integrated gradients).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad

from multivector.analysis.panel.frame import SHARE_COLUMNS
from multivector.analysis.panel.membership import format_dyads, mean_shares
from multivector.analysis.panel.unga import unga_shares
from multivector.core.vocabulary import REST
from multivector.measures import balance as bal
from multivector.measures import weight_draws as draws
from multivector.measures.decomposition import decompose

POLES = ["USA", "EU", "CHN", "RUS"]


def shares(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["iso3", "year", "channel", "pole", "share"])


def channel(iso3: str, year: int, name: str, values: dict[str, float]) -> list[tuple]:
    return [(iso3, year, name, p, v) for p, v in values.items()]


def pielou(s) -> float:
    s = np.asarray(s, dtype=float)
    s = s / s.sum()
    h = -sum(x * math.log(x) for x in s if x > 0)
    return h / math.log(len(s))


# -------------------------------------------------------------------------------------- affinity
def test_affinity_mappings_for_each_measure():
    x = pd.Series([-1.0, -0.5, 0.0, 0.4, 1.0])
    for m in ("kappa", "pi", "s_abs", "s_sq"):
        assert bal.affinity(x, m).tolist() == pytest.approx([0.0, 0.25, 0.5, 0.7, 1.0])
    for m in ("agreement", "agreement_half"):
        # already in [0, 1]; anything outside is clipped
        assert bal.affinity(pd.Series([-0.1, 0.3, 1.2]), m).tolist() == [0.0, 0.3, 1.0]
    assert bal.affinity(pd.Series([1.5, 3.0]), "kappa").tolist() == [1.0, 1.0]
    d = pd.Series([0.0, 1.0, -2.0])
    assert bal.affinity(d, "idealpoint_distance").tolist() == pytest.approx(
        [1.0, math.exp(-1.0), math.exp(-2.0)])
    assert bal.affinity(d, "idealpoint_distance", scale=2.0).tolist() == pytest.approx(
        [1.0, math.exp(-0.5), math.exp(-1.0)])
    with pytest.raises(ValueError, match="no affinity rule"):
        bal.affinity(x, "euclid")


# ------------------------------------------------------------------------------------ renormalise
def test_renormalise_drops_rest_of_world_and_missing_poles():
    s = shares(channel("KAZ", 2000, "exports",
                       {"USA": 0.1, "EU": 0.3, "CHN": np.nan, "RUS": 0.0, REST: 0.6}))
    out = bal.renormalise(s).set_index("pole")["share"]
    assert out.to_dict() == pytest.approx({"USA": 0.25, "EU": 0.75, "RUS": 0.0})
    # a channel with nothing on the poles has no shares at all
    empty = shares(channel("KAZ", 2000, "exports", {"USA": 0.0, "EU": 0.0, REST: 1.0}))
    assert bal.renormalise(empty).empty


# ---------------------------------------------------------------------------- channel balance
def test_channel_balance_index_properties():
    s = shares(channel("A", 2000, "unga", dict.fromkeys(POLES, 0.25))
               + channel("B", 2000, "unga", {"USA": 0.0, "EU": 0.7, "CHN": 0.0, "RUS": 0.0,
                                              REST: 0.3})
               + channel("C", 2000, "unga", {"USA": 0.5, "EU": 0.3, "CHN": 0.2}))
    out = bal.channel_balance(s).set_index("iso3")
    assert out.loc["A", "evenness"] == pytest.approx(1.0)
    assert out.loc["A", "hhi_norm"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["A", "margin"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["B", "evenness"] == pytest.approx(0.0, abs=1e-12)
    assert out.loc["B", "hhi_norm"] == pytest.approx(1.0)
    assert out.loc["B", "dominant_pole"] == "EU"
    assert out.loc["B", "dominant_share"] == pytest.approx(1.0)
    assert out.loc["B", "margin"] == pytest.approx(1.0)
    # three poles .5/.3/.2: J = H / ln 3, HHI* = (.38 - 1/3) / (2/3) = .07
    assert out.loc["C", "n_poles"] == 3
    assert out.loc["C", "evenness"] == pytest.approx(pielou([0.5, 0.3, 0.2]))
    assert out.loc["C", "hhi_norm"] == pytest.approx(0.07)
    assert out.loc["C", "dominant_pole"] == "USA"
    assert out.loc["C", "margin"] == pytest.approx(0.2)


def test_channel_balance_invariant_to_order_and_labels_of_poles():
    rng = np.random.default_rng(11)
    rows = []
    for iso in ("A", "B", "C"):
        for y in (2000, 2001):
            for c in ("unga", "exports"):
                v = rng.uniform(0, 1, 4)
                v[rng.integers(4)] = 0.0
                rows += [(iso, y, c, p, float(x)) for p, x in zip(POLES, v, strict=True)]
    s = shares(rows)
    base = bal.channel_balance(s).set_index(bal.KEYS).sort_index()
    relabel = {"USA": "P4", "EU": "P1", "CHN": "P3", "RUS": "P2"}
    perm = s.sample(frac=1.0, random_state=5).assign(pole=lambda d: d["pole"].map(relabel))
    other = bal.channel_balance(perm).set_index(bal.KEYS).sort_index()
    num = ["n_poles", "evenness", "hhi_norm", "dominant_share", "margin"]
    pd.testing.assert_frame_equal(base[num], other[num], check_exact=False, rtol=1e-12)
    assert (base["dominant_pole"].map(relabel) == other["dominant_pole"]).all()


def test_channel_balance_tied_dominant_pole_does_not_depend_on_row_order():
    s = shares(channel("A", 2000, "unga", {"RUS": 0.4, "CHN": 0.4, "USA": 0.2}))
    a = bal.channel_balance(s).iloc[0]
    b = bal.channel_balance(s.iloc[::-1]).iloc[0]
    assert a["dominant_pole"] == b["dominant_pole"]
    assert a["margin"] == pytest.approx(0.0, abs=1e-12)


def test_tilt_centred_log_ratios():
    s = shares(channel("A", 2000, "unga", {"USA": 0.2, "EU": 0.2, "CHN": 0.4, REST: 0.2}))
    out = bal.tilt(s).set_index("pole")
    assert out["share"].to_dict() == pytest.approx({"USA": 0.25, "EU": 0.25, "CHN": 0.5})
    m = (2 * math.log(0.25) + math.log(0.5)) / 3
    assert out.loc["CHN", "clr"] == pytest.approx(math.log(0.5) - m)
    assert out.loc["USA", "clr"] == pytest.approx(math.log(0.25) - m)
    assert out["clr"].sum() == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------- composite shares
def test_composite_weights_renormalised_over_the_set():
    s = shares(channel("A", 2000, "exports", {"USA": 0.2, "EU": 0.2, "CHN": 0.0, REST: 0.6})
               + channel("A", 2000, "igo", {"USA": 0.3, "EU": 0.1, "CHN": 0.4})
               + channel("A", 2000, "unga", {"USA": 0.1, "EU": 0.1, "CHN": 0.1})
               + channel("A", 2001, "exports", {"USA": 0.5, "EU": 0.5, "CHN": 0.0})
               + channel("A", 2001, "unga", {"USA": 0.0, "EU": 0.0, "CHN": 1.0}))
    sets = pd.DataFrame({"iso3": ["A", "A"], "year": [2000, 2001],
                         "channels": ["exports,igo", "exports,igo"]})
    out = bal.composite_shares(s, sets=sets)
    y0 = out[out["year"] == 2000].set_index("pole")
    # exports (w 1) renormalised (.5, .5, 0); igo (w .5) renormalised (.375, .125, .5); unga,
    # outside the set, does not count
    assert y0["share"].to_dict() == pytest.approx({
        "USA": (1 * 0.5 + 0.5 * 0.375) / 1.5, "EU": (1 * 0.5 + 0.5 * 0.125) / 1.5,
        "CHN": (0 + 0.5 * 0.5) / 1.5})
    assert y0["share"].sum() == pytest.approx(1.0)
    assert (y0["channel"] == "composite").all()
    assert (y0["n_channels"] == 2).all() and (y0["channels"] == "exports,igo").all()
    # 2001 lacks igo, a channel of its set: no composite, never one over fewer channels
    assert 2001 not in set(out["year"])
    # overridden weights: a channel left out of the dict gets weight 0
    alt = bal.composite_shares(s, weights={"exports": 1.0, "igo": 3.0}, sets=sets)
    a0 = alt[alt["year"] == 2000].set_index("pole")["share"]
    assert a0["CHN"] == pytest.approx(3 * 0.5 / 4)


def test_composite_min_channels():
    s = shares(channel("A", 2000, "exports", {"USA": 0.5, "CHN": 0.5})
               + channel("B", 2000, "exports", {"USA": 0.5, "CHN": 0.5})
               + channel("B", 2000, "unga", {"USA": 0.2, "CHN": 0.8}))
    assert set(bal.composite_shares(s, min_channels=2)["iso3"]) == {"B"}
    assert set(bal.composite_shares(s, min_channels=1)["iso3"]) == {"A", "B"}
    assert bal.composite_shares(s, min_channels=3).empty
    assert bal.composite_shares(s).empty  # the default needs three channels


def test_balance_gives_channels_and_composite():
    s = shares(channel("A", 2000, "exports", {"USA": 0.6, "EU": 0.2, "CHN": 0.2})
               + channel("A", 2000, "unga", {"USA": 0.2, "EU": 0.2, "CHN": 0.6}))
    out = bal.balance(s, min_channels=2).set_index("channel")
    assert set(out.index) == {"exports", "unga", "composite"}
    # the composite (.4, .2, .4) is more even than either channel
    assert out.loc["composite", "evenness"] == pytest.approx(pielou([0.4, 0.2, 0.4]))
    assert out.loc["composite", "evenness"] > out.loc["exports", "evenness"]
    assert out.loc["exports", "evenness"] == pytest.approx(pielou([0.6, 0.2, 0.2]))
    assert out.loc["composite", "n_channels"] == 2
    assert out.loc["composite", "channels"] == "unga,exports"
    assert out.loc[["exports", "unga"], "channels"].isna().all()


# ----------------------------------------------------------------- array path vs frame path
def random_panel(seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    chans = ["unga", "exports", "imports", "security", "igo", "formats"]
    rows = []
    for iso in ("KAZ", "TUR", "USA", "BRA", "CHN"):
        for y in (2000, 2001, 2002):
            for c in chans:
                if rng.random() < 0.3:                      # missing channel
                    continue
                v = rng.uniform(0, 1, len(POLES))
                if rng.random() < 0.3:
                    v[rng.integers(len(POLES))] = 0.0       # a zero share
                if rng.random() < 0.2:
                    v[rng.integers(len(POLES))] = np.nan    # a pole not reported
                for p, x in zip(POLES, v, strict=True):
                    rows.append((iso, y, c, p, np.nan if p == iso else float(x)))
                rows.append((iso, y, c, REST, float(rng.uniform())))
    # one state-year with a single channel: no composite
    rows += channel("KAZ", 2003, "unga", {"USA": 0.2, "EU": 0.3, "CHN": 0.3, "RUS": 0.2})
    return shares(rows)


def present_sets(s: pd.DataFrame, weights: dict | None = None) -> pd.DataFrame:
    """Each unit's complete weighted channels as its set (three or more): the same units the
    array path combines, so the two paths can be compared."""
    w = weights or bal.DEFAULT_WEIGHTS
    c = bal.channelset.complete_channels(s)
    c = c[c["channel"].map(w).fillna(0) > 0]
    g = c.groupby(["iso3", "year"])["channel"].agg(list).reset_index()
    g = g[g["channel"].str.len() >= 3]
    return g.assign(channels=g["channel"].str.join(","))[["iso3", "year", "channels"]]


@pytest.mark.parametrize("weights", [None, {"unga": 2.0, "exports": 1.0, "imports": 0.5,
                                            "security": 1.0, "igo": 0.0, "formats": 0.25}])
def test_composite_evenness_array_path_equals_frame_path(weights):
    s = random_panel()
    frame = bal.balance(s, weights=weights, sets=present_sets(s, weights))
    comp = frame[frame["channel"] == "composite"].set_index(["iso3", "year"])["evenness"]
    full = bal.complete_only(s)
    units, chans, poles, S = draws.share_array(full)
    W = draws.weight_matrix(chans, weights)
    n_poles = draws.pole_counts(full, units, poles,
                              channels=[c for c, x in zip(chans, W[0], strict=True) if x > 0])
    J, C = draws.composite_evenness(S, W, n_poles)
    arr = pd.Series(J[0], index=pd.MultiIndex.from_frame(units))
    assert len(comp) >= 5
    pd.testing.assert_series_equal(arr.dropna().sort_index(), comp.sort_index(),
                                   check_names=False, rtol=1e-10)
    assert ("KAZ", 2003) not in comp.index
    # the composite shares agree too
    cs = bal.composite_shares(s, weights, sets=present_sets(s, weights)).set_index(
        ["iso3", "year", "pole"])["share"]
    for (iso, y, p), v in cs.items():
        n = units.index[(units["iso3"] == iso) & (units["year"] == y)][0]
        assert C[0, n, poles.index(p)] == pytest.approx(v)


def test_composite_evenness_zero_weight_channel_brings_no_poles():
    # EU has a share only in igo; with igo weighted 0 the composite is over USA and CHN
    s = shares(channel("K", 2000, "exports", {"USA": 0.5, "CHN": 0.2})
               + channel("K", 2000, "unga", {"USA": 0.2, "CHN": 0.3})
               + channel("K", 2000, "igo", {"USA": 0.3, "EU": 0.3, "CHN": 0.4}))
    w = {"exports": 1.0, "unga": 1.0, "igo": 0.0}
    frame = bal.balance(s, weights=w, min_channels=2).set_index("channel")
    # exports (5/7, 2/7), unga (.4, .6): composite (.5571, .4429) over two poles
    expected = pielou([(5 / 7 + 0.4) / 2, (2 / 7 + 0.6) / 2])
    assert frame.loc["composite", "n_poles"] == 2
    assert frame.loc["composite", "evenness"] == pytest.approx(expected)
    units, chans, poles, S = draws.share_array(s)
    W = draws.weight_matrix(chans, w)
    weighted = [c for c, x in zip(chans, W[0], strict=True) if x > 0]
    n_poles = draws.pole_counts(s, units, poles, channels=weighted)
    assert n_poles.tolist() == [2]
    assert draws.pole_counts(s, units, poles).tolist() == [3]
    J, _ = draws.composite_evenness(S, W, n_poles, min_channels=2)
    assert J[0, 0] == pytest.approx(expected)


def test_composite_evenness_vectorised_over_draws():
    s = random_panel(seed=4)
    full = bal.complete_only(s)
    units, chans, poles, S = draws.share_array(full)
    n_poles = draws.pole_counts(full, units, poles)
    W = draws.random_weights(chans, draws=5, seed=2)
    J, _ = draws.composite_evenness(S, W, n_poles)
    assert J.shape == (5, len(units))
    for d in range(5):
        w = dict(zip(chans, W[d], strict=True))
        frame = bal.balance(s, weights=w, sets=present_sets(s, w))
        comp = frame[frame["channel"] == "composite"].set_index(["iso3", "year"])["evenness"]
        arr = pd.Series(J[d], index=pd.MultiIndex.from_frame(units)).dropna()
        pd.testing.assert_series_equal(arr.sort_index(), comp.sort_index(),
                                       check_names=False, rtol=1e-10)


def test_share_array_layout_and_pole_counts():
    s = shares(channel("A", 2000, "unga", {"USA": 0.5, "EU": 0.5, REST: 0.0})
               + channel("A", 2000, "exports", {"USA": 0.2, "EU": np.nan, "CHN": 0.6, REST: 0.2})
               + channel("USA", 2000, "exports", {"USA": np.nan, "EU": 0.1, "CHN": 0.3}))
    units, chans, poles, S = draws.share_array(s)
    assert units.to_dict("records") == [{"iso3": "A", "year": 2000},
                                        {"iso3": "USA", "year": 2000}]
    assert chans == ["exports", "unga"]
    assert poles == ["USA", "EU", "CHN"]
    assert S.shape == (2, 2, 3)
    assert S[0, 0].tolist() == pytest.approx([0.25, 0.0, 0.75])   # EU missing -> 0
    assert S[0, 1].tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert np.isnan(S[1, 1]).all()                                 # USA has no unga
    assert S[1, 0].tolist() == pytest.approx([0.0, 0.25, 0.75])
    # the focal state's own pole is not counted
    assert draws.pole_counts(s, units, poles).tolist() == [3, 2]


def test_composite_evenness_min_channels_and_single_pole():
    S = np.array([[[0.5, 0.5], [1.0, 0.0]],
                  [[0.5, 0.5], [np.nan, np.nan]]])
    W = np.array([[1.0, 1.0], [1.0, 0.0]])
    J, C = draws.composite_evenness(S, W, np.array([2, 2]), min_channels=2)
    assert J[0, 0] == pytest.approx(pielou([0.75, 0.25]))
    assert C[0, 0].tolist() == pytest.approx([0.75, 0.25])
    assert np.isnan(J[0, 1])                        # one channel present
    assert np.isnan(J[1, 0])                        # one channel with positive weight
    J1, _ = draws.composite_evenness(S, W, np.array([2, 2]), min_channels=1)
    assert J1[1, 1] == pytest.approx(1.0) and J1[1, 0] == pytest.approx(1.0)
    Js, _ = draws.composite_evenness(S, W, np.array([1, 2]), min_channels=1)
    assert np.isnan(Js[0, 0])                       # one pole: evenness undefined


# ----------------------------------------------------------------------------------- weights
def test_weight_matrix_defaults_and_absent_channels():
    W = draws.weight_matrix(["igo", "unga", "nothing"])
    assert W.shape == (1, 3)
    assert W[0].tolist() == [bal.DEFAULT_WEIGHTS["igo"], bal.DEFAULT_WEIGHTS["unga"], 0.0]
    assert draws.weight_matrix(["a", "b"], {"a": 2}).tolist() == [[2.0, 0.0]]


def test_random_weights_rows_sum_to_one_and_respect_zero_base():
    chans = ["unga", "exports", "igo", "formats"]
    W = draws.random_weights(chans, draws=500, seed=3, base={"unga": 1, "exports": 2,
                                                           "igo": 0.0, "formats": 1})
    assert W.shape == (500, 4)
    assert np.allclose(W.sum(axis=1), 1.0)
    assert (W[:, 2] == 0).all()
    assert (W[:, [0, 1, 3]] > 0).all()
    # flat Dirichlet over three channels: each weight has mean 1/3
    assert np.allclose(W[:, [0, 1, 3]].mean(axis=0), 1 / 3, atol=0.04)
    assert np.array_equal(W, draws.random_weights(chans, 500, seed=3, base={
        "unga": 1, "exports": 2, "igo": 0.0, "formats": 1}))
    assert not np.array_equal(W, draws.random_weights(chans, 500, seed=4, base={
        "unga": 1, "exports": 2, "igo": 0.0, "formats": 1}))
    # a large alpha concentrates the draws around equal weights
    tight = draws.random_weights(chans, 500, seed=3, alpha=200.0)
    assert np.abs(tight - 0.25).max() < 0.1


# -------------------------------------------------------------------------------- rank within
def test_rank_within_ties_nans_and_groups():
    values = np.array([[0.9, 0.5, 0.9, np.nan, 0.1, 0.3],
                       [0.1, 0.5, 0.2, 0.7, 0.8, np.nan]])
    groups = np.array([2000, 2000, 2000, 2000, 2001, 2001])
    r = draws.rank_within(values, groups)
    # row 0, year 2000: .9 and .9 tie for 1st, .5 is 3rd, NaN unranked; 2001: .3 > .1
    np.testing.assert_array_equal(r[0], [1, 3, 1, np.nan, 2, 1])
    # row 1, year 2000: .7 1st, .5 2nd, .2 3rd, .1 4th; 2001: .8 alone
    np.testing.assert_array_equal(r[1], [4, 2, 3, 1, 1, np.nan])


# -------------------------------------------------------------------------------- decompose
def decomp_panel() -> pd.DataFrame:
    return shares(
        channel("KAZ", 2000, "exports", {"USA": 0.1, "EU": 0.5, "CHN": 0.1, "RUS": 0.3})
        + channel("KAZ", 2010, "exports", {"USA": 0.1, "EU": 0.3, "CHN": 0.4, "RUS": 0.2})
        # unga does not move
        + channel("KAZ", 2000, "unga", {"USA": 0.2, "EU": 0.3, "CHN": 0.25, "RUS": 0.25})
        + channel("KAZ", 2010, "unga", {"USA": 0.2, "EU": 0.3, "CHN": 0.25, "RUS": 0.25})
        + channel("KAZ", 2000, "security", {"USA": 0.0, "EU": 0.0, "CHN": 0.0, "RUS": 1.0})
        + channel("KAZ", 2010, "security", {"USA": 0.0, "EU": 0.0, "CHN": 0.3, "RUS": 0.7}))


def test_decompose_contributions_add_up_and_still_channel_gives_zero():
    s = decomp_panel()
    out = decompose(s, "KAZ", 2000, 2010)
    a = out.attrs
    b = bal.balance(s)
    comp = b[b["channel"] == "composite"].set_index("year")["evenness"]
    assert a["evenness0"] == pytest.approx(comp[2000])
    assert a["evenness1"] == pytest.approx(comp[2010])
    assert a["change"] == pytest.approx(comp[2010] - comp[2000])
    assert abs(a["change"]) > 0.01
    assert out["contribution"].sum() == pytest.approx(a["change"], abs=1e-6)
    assert abs(a["residual"]) < 1e-6
    by_channel = out.groupby("channel")["contribution"].sum()
    assert by_channel["unga"] == pytest.approx(0.0, abs=1e-12)
    assert by_channel["exports"] != pytest.approx(0.0, abs=1e-4)
    # weighted shares: each channel weighs 1/3
    ex = out[out["channel"] == "exports"].set_index("pole")
    assert ex.loc["CHN", "share0"] == pytest.approx(0.1 / 3)
    assert ex.loc["CHN", "share1"] == pytest.approx(0.4 / 3)


def test_decompose_matches_independent_path_integral():
    s = decomp_panel()
    out = decompose(s, "KAZ", 2000, 2010)
    comp = bal.composite_shares(s).pivot(index="pole", columns="year", values="share")
    n = len(comp)
    for pole, (s0, s1) in comp[[2000, 2010]].iterrows():
        # d J / d s_p = -(ln s_p + 1) / ln n, integrated along s(t) = s0 + t (s1 - s0)
        integral, _ = quad(lambda t, a=s0, b=s1: -(math.log(a + t * (b - a)) + 1)
                           / math.log(n), 0.0, 1.0)
        got = out.loc[out["pole"] == pole, "contribution"].sum()
        assert got == pytest.approx((s1 - s0) * integral, abs=1e-7)


def test_decompose_runs_over_the_channels_of_both_years_only():
    s = decomp_panel()
    s = s[~((s["channel"] == "security") & (s["year"] == 2000))]
    out = decompose(s, "KAZ", 2000, 2010)
    # security has no data in 2000: it is left out of both years, never a source of change
    assert set(out["channel"]) == {"exports", "unga"}
    ex = out[out["channel"] == "exports"].set_index("pole")
    assert ex.loc["EU", "share0"] == pytest.approx(0.5 / 2)
    assert ex.loc["EU", "share1"] == pytest.approx(0.3 / 2)
    assert abs(out.attrs["residual"]) < 1e-6
    assert out["contribution"].sum() + out.attrs["residual"] == pytest.approx(
        out.attrs["change"])
    with pytest.raises(ValueError, match="security: no data"):
        decompose(s, "KAZ", 2000, 2010, channels=("exports", "unga", "security"))


def test_decompose_pole_starting_from_zero():
    # CHN has no share in 2000: the gradient is singular at that end of the path (integrable);
    # the closed-form path mean still makes the contributions add up to the change exactly
    s = shares(channel("K", 2000, "exports", {"USA": 0.5, "EU": 0.5, "CHN": 0.0})
               + channel("K", 2000, "unga", {"USA": 0.2, "EU": 0.8, "CHN": 0.0})
               + channel("K", 2010, "exports", {"USA": 0.3, "EU": 0.3, "CHN": 0.4})
               + channel("K", 2010, "unga", {"USA": 0.2, "EU": 0.7, "CHN": 0.1}))
    out = decompose(s, "K", 2000, 2010)
    a = out.attrs
    # composite 2000: (.35, .65, 0), still measured over three poles
    assert a["evenness0"] == pytest.approx(pielou([0.35, 0.65, 0.0]))
    assert a["evenness1"] == pytest.approx(pielou([0.25, 0.5, 0.25]))
    assert abs(a["residual"]) < 1e-12
    # CHN's rise is what makes the composite more even
    chn = out[out["pole"] == "CHN"]["contribution"].sum()
    assert chn > 0 and chn > out[out["pole"] != "CHN"]["contribution"].sum()


def test_decompose_identical_years_and_missing_year():
    s = decomp_panel()
    same = s[s["year"] == 2000]
    same = pd.concat([same, same.assign(year=2001)], ignore_index=True)
    out = decompose(same, "KAZ", 2000, 2001)
    assert out.attrs["change"] == pytest.approx(0.0, abs=1e-12)
    assert np.abs(out["contribution"]).max() == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="no composite"):
        decompose(s, "KAZ", 2000, 1999)


# ----------------------------------------------------------------------- panel share helpers
PMEM = pd.DataFrame([("USA", "USA", 2000), ("EU", "DEU", 2000), ("EU", "FRA", 2000),
                     ("EU", "KAZ", 2000), ("CHN", "CHN", 2000), ("RUS", "RUS", 2000)],
                    columns=["pole", "iso3", "year"])


def test_unga_shares_mean_affinity_over_members_and_self_pole():
    d = pd.DataFrame([("KAZ", "USA", 2000, 0.2), ("KAZ", "DEU", 2000, 0.4),
                      ("KAZ", "FRA", 2000, 0.6), ("KAZ", "CHN", 2000, 0.8),
                      ("KAZ", "TUR", 2000, 0.9),
                      ("USA", "DEU", 2000, 0.0), ("USA", "CHN", 2000, -0.5)],
                     columns=["iso3", "partner", "year", "value"])
    out = unga_shares(d, PMEM, "kappa")
    k = out[out["iso3"] == "KAZ"].set_index("pole")
    # kappa -> (x + 1) / 2 of the mean over members; no rest of the world
    assert list(k.index) == ["USA", "EU", "CHN", "RUS"]
    assert k.loc["USA", "value"] == pytest.approx(0.6)
    assert k.loc["EU", "value"] == pytest.approx((0.5 + 1) / 2)
    assert k.loc["EU", "n_members"] == 2
    assert k.loc["CHN", "value"] == pytest.approx(0.9)
    assert np.isnan(k.loc["RUS", "value"]) and k.loc["RUS", "flag"] == "no joint votes"
    assert k["share"].sum() == pytest.approx(1.0)
    assert k.loc["USA", "share"] == pytest.approx(0.6 / (0.6 + 0.75 + 0.9))
    u = out[out["iso3"] == "USA"].set_index("pole")
    assert u.loc["USA", "flag"] == "self" and np.isnan(u.loc["USA", "share"])
    assert u.loc["CHN", "value"] == pytest.approx(0.25)
    assert (out["channel"] == "unga").all()
    # focal filter
    assert set(unga_shares(d, PMEM, "kappa", focal=["USA"])["iso3"]) == {"USA"}


def test_format_dyads_counts_shared_formats():
    m = pd.DataFrame([("SCO", "KAZ", 2010, "member"), ("SCO", "CHN", 2010, "member"),
                      ("SCO", "RUS", 2010, "member"), ("SCO", "MNG", 2010, "observer"),
                      ("CSTO", "KAZ", 2010, "member"), ("CSTO", "RUS", 2010, "member"),
                      ("CSTO", "RUS", 2010, "member"), ("CSTO", "ARM", 2010,
                                                        "participation frozen"),
                      ("C5+1", "KAZ", 2011, "participant"), ("C5+1", "USA", 2011,
                                                             "participant")],
                     columns=["format", "iso3", "year", "status"])
    out = format_dyads(m)
    got = {(r.iso3, r.partner, r.year): r.value for r in out.itertuples()}
    assert got[("KAZ", "RUS", 2010)] == 2.0          # SCO and CSTO, duplicate row ignored
    assert got[("KAZ", "CHN", 2010)] == 1.0
    assert got[("RUS", "KAZ", 2010)] == 2.0
    assert got[("USA", "KAZ", 2011)] == 1.0
    assert got[("KAZ", "MNG", 2010)] == 0.5          # an observer shares half a format
    assert ("KAZ", "ARM", 2010) not in got           # frozen participation shares nothing
    assert not any(a == b for a, b, _ in got)
    assert out["value"].dtype == np.float64
    only = format_dyads(m, focal=["KAZ"])
    assert set(only["iso3"]) == {"KAZ"} and len(only) == 4


def test_format_dyads_bloc_counterpart_is_shared_with_its_members():
    m = pd.DataFrame([("EU-C5", "KAZ", 2022, "participant"),
                      ("EU-C5", "UZB", 2022, "participant")],
                     columns=["format", "iso3", "year", "status"])
    out = format_dyads(m, focal=["KAZ"])
    partners = set(out["partner"])
    assert {"DEU", "FRA", "HRV", "UZB"} <= partners and "GBR" not in partners  # EU of 2022
    assert (out["value"] == 1.0).all()


def test_mean_shares_wraps_pole_shares():
    d = pd.DataFrame([("KAZ", "RUS", 2000, 2.0), ("KAZ", "DEU", 2000, 1.0),
                      ("KAZ", "TUR", 2000, 1.0)], columns=["iso3", "partner", "year", "value"])
    out = mean_shares(d, PMEM, "formats").set_index("pole")
    assert list(out.columns) == [c for c in SHARE_COLUMNS if c != "pole"]
    assert (out["channel"] == "formats").all()
    # EU without KAZ: DEU 1, FRA 0 -> 0.5; total 2 + 0.5 + 1 (TUR)
    assert out.loc["EU", "value"] == pytest.approx(0.5)
    assert out.loc["RUS", "share"] == pytest.approx(2 / 3.5)
    assert mean_shares(d.iloc[:0], PMEM, "formats").empty
