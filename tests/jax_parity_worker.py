"""Child process of tests/test_idealpoints_jax.py: the numpy/jax comparisons, as JSON on stdout.

Run apart from pytest because jax starts threads when it initialises, and a later ``os.fork`` in
the same process (the warehouse build parses workbooks in a fork-based process pool, in other
tests) may then deadlock; jax warns so. Not collected by pytest (no ``test_`` prefix).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jax
import numpy as np
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parent))

from multivector.measures.idealpoints import DynamicIdealPoints, resolve_device
from multivector.measures.idealpoints import jax_likelihood as jx
from test_idealpoints import anchor_of, simulate


def erfcx() -> dict:
    """jax-side erfcx against scipy, across jax's own failure at 26.54-26.64."""
    z = np.concatenate([np.linspace(-21.3, 60.0, 200_001), np.linspace(26.5, 26.7, 2001),
                        [1e3, 1e8]])
    with jax.enable_x64(True):
        got = np.asarray(jx._erfcx(z))
        at_inf = float(jx._erfcx(np.array([np.inf]))[0])
    want = special.erfcx(z)
    return {"max_rel_err": float(np.max(np.abs(got - want) / want)), "at_inf": at_inf}


def objectives() -> list[dict]:
    """Objective and gradient, numpy and jax, at the same points (ordinal and binary; near the
    start and with linear predictors up to about +-40)."""
    out = []
    votes, rc, _ = simulate(n_states=30, n_sessions=4, n_items=20, seed=6)
    for mode in ("ordinal", "binary"):
        cpu = DynamicIdealPoints(bridging="none", mode=mode, device="cpu")
        on_jax = DynamicIdealPoints(bridging="none", mode=mode, device="jax")
        d, _, _ = cpu._prepare(votes, rc)
        rng = np.random.default_rng(0)
        start = cpu._start(d)
        n, g = d.n_cells, d.n_groups
        for scale in (1.0, 8.0):
            x = start + rng.normal(0, 0.3, size=len(start))
            x[:n + g] *= np.sqrt(scale)
            f_cpu, g_cpu = cpu._objective(x, d)
            f_jax, g_jax = on_jax._objective(x, d)
            eta = x[n:n + g][d.group] * x[:n][d.cell]
            out.append({
                "mode": mode, "scale": scale, "max_abs_eta": float(np.abs(eta).max()),
                "finite": bool(np.isfinite(f_cpu) and np.isfinite(g_cpu).all()
                               and np.isfinite(f_jax) and np.isfinite(g_jax).all()),
                "f_cpu": f_cpu, "f_jax": f_jax,
                "grad_max_abs_diff": float(np.abs(g_jax - g_cpu).max()),
                "grad_max_abs": float(np.abs(g_cpu).max()),
                "loglik_moved": abs(cpu._neg_loglik(x, d)[0] - cpu._neg_loglik(start, d)[0])})
    return out


def fits() -> dict:
    """A whole fit with bootstrap intervals, numpy and jax."""
    votes, rc, truth = simulate()
    kw = {"bridging": "none", "anchor": anchor_of(truth), "intervals": "bootstrap", "n_boot": 3}
    cpu = DynamicIdealPoints(device="cpu", **kw).fit(votes, rc)
    on_jax = DynamicIdealPoints(device="jax", **kw).fit(votes, rc)
    a, b = cpu.ideal_points_, on_jax.ideal_points_
    return {"device_cpu": cpu.device_, "device_jax": on_jax.device_,
            "converged_jax": on_jax.converged_,
            "objective_cpu": cpu.objective_, "objective_jax": on_jax.objective_,
            "theta_max_abs_diff": float((a["theta"] - b["theta"]).abs().max()),
            "se_max_rel_diff": float((a["se"] / b["se"] - 1).abs().max()),
            "discrimination_max_abs_diff": float(
                (cpu.items_["discrimination"] - on_jax.items_["discrimination"]).abs().max())}


def devices() -> dict:
    auto, forced = resolve_device("auto"), resolve_device("jax")
    return {"has_gpu": bool(jx.gpu_devices()),
            "auto": None if auto is None else auto.platform,
            "jax": None if forced is None else forced.platform,
            "cpu": resolve_device("cpu")}


if __name__ == "__main__":
    json.dump({"erfcx": erfcx(), "objectives": objectives(), "fits": fits(),
               "devices": devices()}, sys.stdout)
