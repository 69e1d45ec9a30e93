"""The jax likelihood of DynamicIdealPoints against the numpy one (needs jax; skips without).

The jax side runs in a child process (tests/jax_parity_worker.py), never in pytest's: jax starts
threads when it initialises, and other tests later fork (the warehouse build's process pool),
which may then deadlock. The child reports its figures as JSON; the assertions are here.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("jax") is None,
    reason="jax is not installed (pip install -e '.[test]' or '.[jax]' brings it): the "
           "numpy/jax parity is not checked")

WORKER = Path(__file__).resolve().parent / "jax_parity_worker.py"


@pytest.fixture(scope="module")
def parity() -> dict:
    res = subprocess.run([sys.executable, str(WORKER)], capture_output=True, text=True,
                         timeout=600)
    assert res.returncode == 0, res.stderr[-4000:]
    return json.loads(res.stdout)


def test_jax_erfcx_matches_scipy_including_where_jax_own_fails(parity):
    assert parity["erfcx"]["max_rel_err"] < 1e-13
    assert parity["erfcx"]["at_inf"] == 0.0


@pytest.mark.parametrize("mode", ["ordinal", "binary"])
@pytest.mark.parametrize("scale", [1.0, 8.0])
def test_jax_objective_and_gradient_match_numpy(parity, mode, scale):
    (r,) = [r for r in parity["objectives"] if r["mode"] == mode and r["scale"] == scale]
    assert r["finite"]
    if scale > 1:  # the far tails of the probit are exercised
        assert r["max_abs_eta"] > 25
    assert abs(r["f_jax"] - r["f_cpu"]) <= 1e-10 * abs(r["f_cpu"])
    assert r["grad_max_abs_diff"] <= 1e-8 * r["grad_max_abs"]
    # the likelihood, not only the prior, differs between the points compared
    assert r["loglik_moved"] > 1.0


def test_jax_fit_matches_numpy_fit(parity):
    f = parity["fits"]
    assert f["device_cpu"].startswith("numpy") and f["device_jax"].startswith("jax")
    assert f["converged_jax"]
    assert abs(f["objective_jax"] - f["objective_cpu"]) <= 1e-8 * abs(f["objective_cpu"])
    # same likelihood, same optimiser: the two paths differ by rounding (about 1e-11 here)
    assert f["theta_max_abs_diff"] < 1e-6
    # the bootstrap refits (new votes on the same cells) agree as well
    assert f["se_max_rel_diff"] < 1e-6
    assert f["discrimination_max_abs_diff"] < 1e-6


def test_auto_uses_jax_only_on_a_gpu(parity):
    d = parity["devices"]
    assert d["auto"] == ("gpu" if d["has_gpu"] else None)
    assert d["jax"] is not None  # jax's default device, whatever it is
    assert d["cpu"] is None  # numpy
