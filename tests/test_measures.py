"""The UNGA measures of issue 3 on hand-computed cases and on their properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from multivector.measures import alignment, similarity
from multivector.measures.similarity import MEASURES, measure_from_counts


def crosstab(x, y):
    n = np.zeros((3, 3))
    for a, b in zip(x, y, strict=True):
        n[a - 1, b - 1] += 1
    return n


# two states, 6 joint votes: yes/yes, yes/yes, yes/abstain, abstain/abstain, no/no, yes/no
X = [1, 1, 1, 2, 3, 1]
Y = [1, 1, 2, 2, 3, 3]


def test_agreement_and_half_credit_by_hand():
    n = crosstab(X, Y)
    assert measure_from_counts(n, "agreement") == pytest.approx(4 / 6)
    # 4 identical, one yes-vs-abstain (0.5), one yes-vs-no (0)
    assert measure_from_counts(n, "agreement_half") == pytest.approx(4.5 / 6)


def test_kappa_and_pi_by_hand():
    n = crosstab(X, Y)
    p_o = 4 / 6
    p_x = np.array([4, 1, 1]) / 6  # X: four yes, one abstain, one no
    p_y = np.array([2, 2, 2]) / 6
    pe_kappa = float(p_x @ p_y)
    pe_pi = float((((p_x + p_y) / 2) ** 2).sum())
    assert measure_from_counts(n, "kappa") == pytest.approx((p_o - pe_kappa) / (1 - pe_kappa))
    assert measure_from_counts(n, "pi") == pytest.approx((p_o - pe_pi) / (1 - pe_pi))


def test_signorino_ritter_by_hand():
    n = crosstab(X, Y)
    d1 = sum(abs(a - b) for a, b in zip(X, Y, strict=True))  # 0+0+1+0+0+2 = 3
    d2 = sum((a - b) ** 2 for a, b in zip(X, Y, strict=True))  # 0+0+1+0+0+4 = 5
    assert measure_from_counts(n, "s_abs") == pytest.approx(1 - 2 * d1 / (6 * 2))
    assert measure_from_counts(n, "s_sq") == pytest.approx(1 - 2 * d2 / (6 * 4))


@pytest.mark.parametrize("measure", MEASURES)
def test_identical_votes_give_one(measure):
    rng = np.random.default_rng(7)
    for _ in range(50):
        x = rng.integers(1, 4, size=rng.integers(1, 40))
        assert measure_from_counts(crosstab(x, x), measure) == pytest.approx(1.0)


@pytest.mark.parametrize("measure", MEASURES)
def test_symmetric_and_bounded(measure):
    rng = np.random.default_rng(11)
    for _ in range(200):
        k = rng.integers(2, 30)
        x, y = rng.integers(1, 4, size=k), rng.integers(1, 4, size=k)
        a = measure_from_counts(crosstab(x, y), measure)
        b = measure_from_counts(crosstab(y, x), measure)
        assert a == pytest.approx(b)
        low = 0.0 if measure.startswith("agreement") else -1.0
        assert low - 1e-12 <= a <= 1.0 + 1e-12


def test_opposite_votes():
    n = crosstab([1] * 5 + [3] * 5, [3] * 5 + [1] * 5)
    assert measure_from_counts(n, "s_abs") == pytest.approx(-1.0)
    assert measure_from_counts(n, "agreement") == 0.0
    assert measure_from_counts(n, "kappa") < 0


def test_no_joint_votes_is_missing():
    assert np.isnan(measure_from_counts(np.zeros((3, 3)), "kappa"))


def test_unknown_measure():
    with pytest.raises(ValueError, match="unknown measure"):
        measure_from_counts(np.ones((3, 3)), "cosine")


def _frame(codes: dict[str, list[int]], session_of: list[int]):
    rcids = np.arange(1, len(session_of) + 1)
    votes = pd.DataFrame([(r, s, c) for s, vs in codes.items() for r, c in zip(rcids, vs,
                                                                               strict=True)],
                         columns=["rcid", "iso3", "vote"])
    rc = pd.DataFrame({"rcid": rcids, "session": session_of,
                       "year": [1945 + s for s in session_of]})
    return votes, rc


def test_all_dyads_matches_pair_loop_and_ignores_absences():
    codes = {"AAA": [1, 1, 2, 3, 8, 1], "BBB": [1, 3, 2, 9, 1, 1], "CCC": [2, 2, 2, 3, 3, 8]}
    votes, rc = _frame(codes, [1, 1, 1, 1, 2, 2])
    out = similarity.all_dyads(votes, rc)
    assert set(zip(out.iso3_a, out.iso3_b, strict=True)) <= {("AAA", "BBB"), ("AAA", "CCC"),
                                                              ("BBB", "CCC")}
    for (a, b, s), g in out.groupby(["iso3_a", "iso3_b", "session"]):
        idx = [i for i, ss in enumerate(rc.session) if ss == s
               and codes[a][i] in (1, 2, 3) and codes[b][i] in (1, 2, 3)]
        n = crosstab([codes[a][i] for i in idx], [codes[b][i] for i in idx])
        for row in g.itertuples():
            assert row.n_votes == len(idx)
            assert row.value == pytest.approx(measure_from_counts(n, row.measure), nan_ok=True)


def test_subset_rollcalls():
    rc = pd.DataFrame({"rcid": [1, 2, 3, 4], "me": [True, False, None, True],
                       "nu": False, "di": False, "hr": False, "co": False, "ec": False,
                       "important": [True, None, False, False],
                       "amend": [False, True, None, False], "para": [None, False, True, False]})
    assert similarity.subset_rollcalls(rc, issue="me")["rcid"].tolist() == [1, 4]
    assert similarity.subset_rollcalls(rc, important_only=True)["rcid"].tolist() == [1]
    assert similarity.subset_rollcalls(rc, amendments=False)["rcid"].tolist() == [1, 3, 4]
    assert similarity.subset_rollcalls(rc, paragraphs=False)["rcid"].tolist() == [1, 2, 4]
    with pytest.raises(ValueError):
        similarity.subset_rollcalls(rc, issue="xx")


def _bloc_case():
    # focal FFF; bloc B = {B1, B2, B3}; single pole SSS; one session of 6 roll calls
    codes = {"FFF": [1, 1, 2, 3, 1, 1],
             "SSS": [1, 3, 2, 3, 3, 1],
             "B1": [1, 1, 1, 3, 3, 8],
             "B2": [1, 3, 1, 3, 3, 2],
             "B3": [3, 3, 2, 1, 1, 2]}
    votes, rc = _frame(codes, [70] * 6)
    membership = pd.DataFrame({"pole": ["S", "B", "B", "B"], "iso3": ["SSS", "B1", "B2", "B3"],
                               "year": 2015})
    return codes, votes, rc, membership


def test_bloc_mean_and_majority_by_hand():
    codes, votes, rc, membership = _bloc_case()
    mean = alignment.pole_alignment(votes, rc, "FFF", membership, ["S", "B"])
    f = codes["FFF"]

    def agree(a, b):
        pairs = [(x, y) for x, y in zip(a, b, strict=True) if x in (1, 2, 3) and y in (1, 2, 3)]
        return sum(x == y for x, y in pairs) / len(pairs)

    expected_b = np.mean([agree(f, codes[m]) for m in ("B1", "B2", "B3")])
    got = mean.set_index("pole")["value"]
    assert got["S"] == pytest.approx(agree(f, codes["SSS"]))
    assert got["B"] == pytest.approx(expected_b)
    assert mean.set_index("pole").loc["B", "n_members"] == 3
    # majority per roll call: [1, 3, 1, 3, 3, tie(2 vs 8->only B2=2,B3=2 -> 2)]
    majority = [1, 3, 1, 3, 3, 2]
    maj = alignment.pole_alignment(votes, rc, "FFF", membership, ["S", "B"], bloc="majority")
    assert maj.set_index("pole").loc["B", "value"] == pytest.approx(agree(f, majority))


def test_majority_tie_has_no_position():
    codes = np.array([[1, 1, 2], [3, 2, 2], [0, 8, 2]])
    assert alignment._majority(codes).tolist() == [0, 0, 2]


def test_focal_left_out_of_its_own_bloc():
    codes, votes, rc, membership = _bloc_case()
    membership = pd.concat([membership, pd.DataFrame({"pole": ["B"], "iso3": ["FFF"],
                                                      "year": [2015]})])
    out = alignment.pole_alignment(votes, rc, "FFF", membership, ["S", "B"])
    assert out.set_index("pole").loc["B", "n_members"] == 3


def test_bootstrap_is_seeded_covers_the_point_and_narrows_with_votes():
    rng = np.random.default_rng(3)
    k = 400
    f = rng.integers(1, 4, size=k)
    s = np.where(rng.random(k) < 0.7, f, rng.integers(1, 4, size=k))
    votes, rc = _frame({"FFF": list(f), "SSS": list(s)}, [70] * (k // 2) + [71] * (k // 2))
    membership = pd.DataFrame({"pole": "S", "iso3": "SSS", "year": [2015, 2016]})
    a = alignment.pole_alignment(votes, rc, "FFF", membership, n_boot=400, seed=5)
    b = alignment.pole_alignment(votes, rc, "FFF", membership, n_boot=400, seed=5)
    c = alignment.pole_alignment(votes, rc, "FFF", membership, n_boot=400, seed=6)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["lo"], c["lo"])
    assert ((a["lo"] <= a["value"]) & (a["value"] <= a["hi"])).all()
    # a binomial proportion: the 95% interval is about +-1.96 sqrt(p(1-p)/n)
    for row in a.itertuples():
        half = 1.96 * np.sqrt(row.value * (1 - row.value) / row.n_votes)
        assert row.hi - row.lo == pytest.approx(2 * half, rel=0.25)


def test_by_calendar_year():
    codes, votes, rc, membership = _bloc_case()
    rc["year"] = [2015, 2015, 2015, 2016, 2016, 2016]
    membership = pd.concat([membership.assign(year=2015), membership.assign(year=2016)])
    out = alignment.pole_alignment(votes, rc, "FFF", membership, ["S", "B"], by="year")
    assert sorted(out["year"].unique()) == [2015, 2016]
    assert out["session"].isna().all()
