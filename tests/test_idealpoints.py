"""DynamicIdealPoints on data simulated from the model, and its building blocks."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from multivector.measures.idealpoints import DynamicIdealPoints, bridge_keys, resolve_device


def simulate(n_states=50, n_sessions=10, n_items=40, rw=0.1, seed=0, repeat_items=False):
    """Votes from the model itself: random-walk ideal points, ordered probit on 3 categories.

    With ``repeat_items`` the same item parameters (and short title) recur every session.
    """
    rng = np.random.default_rng(seed)
    theta = np.zeros((n_states, n_sessions))
    theta[:, 0] = rng.normal(0, 1, n_states)
    for t in range(1, n_sessions):
        theta[:, t] = theta[:, t - 1] + rng.normal(0, rw, n_states)
    base = [(rng.normal(0, 1.5), rng.normal(-0.5, 1.0), abs(rng.normal(0.6, 0.3)))
            for _ in range(n_items)]
    votes, rcs, rcid = [], [], 0
    for t in range(n_sessions):
        for j in range(n_items):
            rcid += 1
            b, c1, gap = base[j] if repeat_items else (
                rng.normal(0, 1.5), rng.normal(-0.5, 1.0), abs(rng.normal(0.6, 0.3)))
            latent = b * theta[:, t] + rng.standard_normal(n_states)
            y = (latent > c1).astype(int) + (latent > c1 + gap).astype(int)
            for i, code in enumerate(np.array([3, 2, 1])[y]):
                votes.append((rcid, f"S{i:02d}", int(code)))
            rcs.append((rcid, t + 1, 1946 + t, f"Item {j}" if repeat_items else None,
                        None, False, False))
    votes = pd.DataFrame(votes, columns=["rcid", "iso3", "vote"])
    rc = pd.DataFrame(rcs, columns=["rcid", "session", "year", "short", "descr", "amend",
                                    "para"])
    truth = pd.DataFrame([(f"S{i:02d}", t + 1, theta[i, t]) for i in range(n_states)
                          for t in range(n_sessions)], columns=["iso3", "session", "true"])
    return votes, rc, truth


def anchor_of(truth):
    """The simulated state farthest from the centre: its side is unambiguous."""
    means = truth.groupby("iso3")["true"].mean()
    return means.abs().idxmax()


def _aligned(model, truth):
    anchor = anchor_of(truth)
    r = model.ideal_points_.merge(truth, on=["iso3", "session"])
    # the estimator puts the anchor on the positive side; orient the truth the same way
    if r.loc[r.iso3 == anchor, "true"].mean() < 0:
        r["true"] = -r["true"]
    corr = np.corrcoef(r["theta"], r["true"])[0, 1]
    # the scale is identified up to the prior: compare on the estimate's own scale
    slope, intercept = np.polyfit(r["true"], r["theta"], 1)
    r["true_on_scale"] = intercept + slope * r["true"]
    return r, corr


@pytest.fixture(scope="module")
def simulated():
    return simulate()


def test_recovers_simulated_ideal_points(simulated):
    votes, rc, truth = simulated
    m = DynamicIdealPoints(bridging="none", anchor=anchor_of(truth)).fit(votes, rc)
    r, corr = _aligned(m, truth)
    assert corr >= 0.98
    assert m.converged_
    # the anchor on the positive side
    assert r.loc[r.iso3 == anchor_of(truth), "theta"].mean() > 0
    # Laplace intervals cover close to their nominal 95%
    cover = ((r["lo"] <= r["true_on_scale"]) & (r["true_on_scale"] <= r["hi"])).mean()
    assert 0.88 <= cover <= 0.99


def test_binary_mode_recovers_too(simulated):
    votes, rc, truth = simulated
    m = DynamicIdealPoints(bridging="none", mode="binary", anchor=anchor_of(truth)).fit(votes, rc)
    _, corr = _aligned(m, truth)
    assert corr >= 0.97
    assert m.items_["cut2"].isna().all()


def test_parametric_bootstrap_intervals_cover():
    votes, rc, truth = simulate(n_states=30, n_sessions=6, n_items=30, seed=4)
    m = DynamicIdealPoints(bridging="none", anchor=anchor_of(truth), intervals="bootstrap",
                           n_boot=40, seed=1).fit(votes, rc)
    r, _ = _aligned(m, truth)
    assert m.bootstrap_theta_.shape == (40, len(r))
    cover = ((r["lo"] <= r["true_on_scale"]) & (r["true_on_scale"] <= r["hi"])).mean()
    assert 0.88 <= cover <= 1.0
    assert np.allclose(m.ideal_points_["se"], m.bootstrap_theta_.std(axis=0, ddof=1))
    laplace = DynamicIdealPoints(bridging="none", anchor=anchor_of(truth)).fit(votes, rc)
    ratio = ((m.ideal_points_["hi"] - m.ideal_points_["lo"])
             / (laplace.ideal_points_["hi"] - laplace.ideal_points_["lo"])).median()
    assert 0.7 <= ratio <= 1.6  # the two agree on the size of the uncertainty


def test_bridging_shares_items_and_helps_when_items_repeat():
    votes, rc, truth = simulate(n_states=40, n_sessions=8, n_items=25, seed=2,
                                repeat_items=True)
    bridged = DynamicIdealPoints(bridging="title", anchor=anchor_of(truth)).fit(votes, rc)
    items = bridged.items_
    # one item group per title, each spanning all eight sessions
    assert items["bridge_group"].notna().all()
    assert items.groupby("bridge_group")["session"].nunique().eq(8).all()
    shared = items.groupby("bridge_group")["discrimination"].nunique()
    assert (shared == 1).all()
    free = DynamicIdealPoints(bridging="none", anchor=anchor_of(truth)).fit(votes, rc)
    assert free.items_["bridge_group"].isna().all()
    _, c_bridged = _aligned(bridged, truth)
    _, c_free = _aligned(free, truth)
    assert c_bridged >= 0.97 and c_free >= 0.97
    # with a loose random walk the scale can drift between sessions unless items bridge it:
    # the bridged estimate follows each state's true changes better
    loose_b = DynamicIdealPoints(bridging="title", rw_scale=1.0,
                                 anchor=anchor_of(truth)).fit(votes, rc)
    loose_f = DynamicIdealPoints(bridging="none", rw_scale=1.0,
                                 anchor=anchor_of(truth)).fit(votes, rc)
    assert _aligned(loose_b, truth)[1] > _aligned(loose_f, truth)[1]


def test_gradient_is_exact():
    votes, rc, _ = simulate(n_states=8, n_sessions=3, n_items=5, seed=3)
    for mode in ("ordinal", "binary"):
        m = DynamicIdealPoints(bridging="none", mode=mode, n_threads=1)
        d, _, _ = m._prepare(votes, rc)
        x = m._start(d) + np.random.default_rng(0).normal(0, 0.2, size=len(m._start(d)))
        _, grad = m._objective(x, d)
        eps = 1e-6
        numeric = np.array([(m._value(x + eps * e, d) - m._value(x - eps * e, d)) / (2 * eps)
                            for e in np.eye(len(x))])
        assert np.abs(numeric - grad).max() < 1e-4


def test_threads_do_not_change_the_result(simulated):
    votes, rc, _ = simulated
    one = DynamicIdealPoints(bridging="none", n_threads=1, intervals=None).fit(votes, rc)
    two = DynamicIdealPoints(bridging="none", n_threads=2, intervals=None).fit(votes, rc)
    assert np.allclose(one.ideal_points_["theta"], two.ideal_points_["theta"], atol=1e-6)


def test_states_joining_and_leaving():
    votes, rc, truth = simulate(n_states=20, n_sessions=6, n_items=30, seed=5)
    # S19 joins in session 3; S18 leaves after session 4
    votes = votes.merge(rc[["rcid", "session"]], on="rcid")
    votes = votes[~((votes.iso3 == "S19") & (votes.session < 3))
                  & ~((votes.iso3 == "S18") & (votes.session > 4))].drop(columns="session")
    m = DynamicIdealPoints(bridging="none").fit(votes, rc)
    ip = m.ideal_points_
    assert sorted(ip.loc[ip.iso3 == "S19", "session"]) == [3, 4, 5, 6]
    assert sorted(ip.loc[ip.iso3 == "S18", "session"]) == [1, 2, 3, 4]


def test_bad_settings():
    votes, rc, _ = simulate(n_states=5, n_sessions=2, n_items=3)
    with pytest.raises(ValueError, match="mode"):
        DynamicIdealPoints(mode="poisson").fit(votes, rc)
    with pytest.raises(ValueError, match="device must be one of 'cpu', 'jax', 'auto'"):
        DynamicIdealPoints(device="gpu").fit(votes, rc)
    unanimous = votes.assign(vote=1)
    with pytest.raises(ValueError, match="contested"):
        DynamicIdealPoints().fit(unanimous, rc)


@pytest.mark.parametrize(("rows", "expected"), [
    # same short title in two sessions: bridged
    ([(1, 70, "Oceans and the law of the sea", None, False, False),
      (2, 71, "OCEANS and the law of the sea.", None, False, False)], ["k", "k"]),
    # an amendment or a paragraph vote never bridges
    ([(1, 70, "Oceans", None, True, False), (2, 71, "Oceans", None, False, False)],
     [None, None]),
    ([(1, 70, "Oceans", None, False, True), (2, 71, "Oceans", None, False, False)],
     [None, None]),
    # a title used twice in one session (different motions) does not bridge there
    ([(1, 70, "Korea", None, False, False), (2, 70, "Korea", None, False, False),
      (3, 71, "Korea", None, False, False)], [None, None, None]),
    # no short title: the description without its "resolution / adopted" tail
    ([(1, 70, None, "Nuclear disarmament : resolution / adopted by the General Assembly",
       False, False),
      (2, 71, None, "Nuclear disarmament", False, False)], ["k", "k"]),
    # procedural text of the President is not a title
    ([(1, 70, None, "The President (spoke in French): I shall now put", False, False),
      (2, 71, None, "The President (spoke in French): I shall now put", False, False)],
     [None, None]),
    # only one session: nothing to bridge
    ([(1, 70, "Cuba embargo", None, False, False)], [None]),
])
def test_bridge_keys(rows, expected):
    rc = pd.DataFrame(rows, columns=["rcid", "session", "short", "descr", "amend", "para"])
    keys = bridge_keys(rc)
    got = [None if pd.isna(k) else "k" for k in keys]
    assert got == expected
    if expected.count("k") > 1:
        assert keys.dropna().nunique() == 1


# -- devices: numpy and jax ----------------------------------------------------------------


def test_blas_is_held_to_one_thread_while_fitting(simulated, monkeypatch):
    from threadpoolctl import threadpool_info

    seen = []
    minimise = DynamicIdealPoints._minimise

    def spy(self, *args, **kwargs):
        seen.extend(lib["num_threads"] for lib in threadpool_info()
                    if lib["user_api"] == "blas")
        return minimise(self, *args, **kwargs)

    monkeypatch.setattr(DynamicIdealPoints, "_minimise", spy)
    votes, rc, _ = simulated
    DynamicIdealPoints(bridging="none", intervals=None).fit(votes, rc)
    assert seen and set(seen) == {1}


def test_jax_missing_gives_install_hint_and_auto_falls_back(monkeypatch):
    # as if jax were not installed: "import jax" raises ImportError
    monkeypatch.setitem(sys.modules, "jax", None)
    monkeypatch.delitem(sys.modules, "multivector.measures.idealpoints.jax_likelihood",
                        raising=False)
    with pytest.raises(ImportError, match=r"pip install \"multivector\[gpu\]\""):
        resolve_device("jax")
    votes, rc, _ = simulate(n_states=5, n_sessions=2, n_items=3)
    with pytest.raises(ImportError, match="device='jax' needs jax"):
        DynamicIdealPoints(device="jax").fit(votes, rc)
    assert resolve_device("auto") is None
    m = DynamicIdealPoints(device="auto", intervals=None, bridging="none").fit(votes, rc)
    assert m.device_.startswith("numpy")


def test_importing_multivector_never_needs_jax():
    code = ("import sys; sys.modules['jax'] = None\n"
            "import multivector, multivector.cli, multivector.warehouse.idealpoints\n"
            "from multivector.measures import idealpoints\n"
            "assert idealpoints.resolve_device('auto') is None\n"
            "assert not any(m == 'jax' or m.startswith('jax.') for m in sys.modules\n"
            "               if sys.modules[m] is not None)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
