"""Uncertainty of ideal points: Laplace standard errors and the parametric bootstrap."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from multivector.measures.idealpoints.likelihood import curvatures, theta_precision, unpack
from multivector.measures.idealpoints.votes import VoteData


def laplace_se(x: np.ndarray, d: VoteData, rw_scale: float) -> np.ndarray:
    """Standard errors of theta from each state's tridiagonal posterior precision given
    the items (the curvature of the log posterior at the mode)."""
    h, _, _ = curvatures(x, d)
    diag, off = theta_precision(x, d, h[0], rw_scale)
    se = np.empty(d.n_cells)
    starts = np.flatnonzero(d.prev < 0)
    for s, e in zip(starts, np.append(starts[1:], d.n_cells), strict=True):
        prec = np.diag(diag[s:e])
        if e - s > 1:
            prec += np.diag(off[s + 1:e], 1) + np.diag(off[s + 1:e], -1)
        se[s:e] = np.sqrt(np.diag(np.linalg.inv(prec)))
    return se


def simulate_votes(x: np.ndarray, d: VoteData, rng: np.random.Generator) -> np.ndarray:
    """Votes drawn from the model at ``x`` on the observed cells (in ``d``'s order)."""
    theta, beta, tau1, lgap = unpack(x, d)
    latent = beta[d.group] * theta[d.cell] + rng.standard_normal(len(d.y))
    y = (latent > tau1[d.group]).astype(np.int8)
    if lgap is not None:
        y += (latent > (tau1 + np.exp(lgap))[d.group]).astype(np.int8)
    return y


def parametric_bootstrap(x: np.ndarray, d: VoteData,
                         refit: Callable[[VoteData, np.ndarray], tuple[np.ndarray, int]],
                         n_boot: int, seed: int, verbose: bool = False) -> np.ndarray:
    """Refits on votes simulated from the estimate ``x``.

    ``refit(data, x)`` returns the estimate on ``data`` started at ``x`` and its iterations.
    Each replicate's theta is mirrored when it came out with the opposite orientation.

    Returns
    -------
    numpy.ndarray
        ``(n_boot, cells)``: theta of each replicate.
    """
    rng = np.random.default_rng(seed)
    reps = np.empty((n_boot, d.n_cells))
    for b in range(n_boot):
        sim = d.with_votes(simulate_votes(x, d, rng))
        x_b, nit = refit(sim, x)
        theta = x_b[:d.n_cells]
        reps[b] = -theta if np.corrcoef(theta, x[:d.n_cells])[0, 1] < 0 else theta
        if verbose:
            print(f"bootstrap {b + 1}/{n_boot}: {nit} iterations")
    return reps
