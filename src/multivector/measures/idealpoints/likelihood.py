"""The ideal-point posterior in numpy: priors, vote likelihood, gradients and curvature.

The parameter vector ``x`` is flat: theta (one per state-session cell), beta, tau1 and, for
ordinal votes, log(tau2 - tau1) (one each per item group). A vote in category *c* lies between
cutpoint ``c - 1`` and cutpoint ``c`` (none below the first category, none above the last), so
its likelihood is ``Phi(hi - eta) - Phi(lo - eta)`` with ``eta = beta * theta``.
:mod:`.jax_likelihood` computes the same likelihood in jax.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import special

from multivector.measures.idealpoints.votes import VoteData

LOG_2PI_HALF = 0.5 * np.log(2 * np.pi)
GAP_MEAN = np.log(0.5)  # prior centre of log(tau2 - tau1)
SQRT_2 = np.sqrt(2.0)
SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)

Chunk = tuple[slice, int | None, int | None]  # votes of one category, cuts below and above


@dataclass(frozen=True)
class Priors:
    """The prior scales (:class:`~multivector.measures.idealpoints.DynamicIdealPoints`)."""

    rw_scale: float  # sd of a state's step from one session to the next
    item_scale: float  # sd of discriminations and cutpoints
    gap_scale: float  # sd of log(tau2 - tau1) around log 0.5


def _log_pdf(x: np.ndarray) -> np.ndarray:
    return -0.5 * x * x - LOG_2PI_HALF


def _log_cdf_mills(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log Phi(x)`` and the inverse Mills ratio ``phi(x) / Phi(x)``, from one ``erfcx``.

    ``Phi(x) = erfcx(-x / sqrt 2) exp(-x^2 / 2) / 2``, so both are exact and stable for very
    negative ``x``; ``x`` is capped at 30, where ``Phi`` is 1 to double precision.
    """
    x = np.minimum(x, 30.0)
    e = special.erfcx(-x / SQRT_2)
    return np.log(0.5 * e) - 0.5 * x * x, SQRT_2_OVER_PI / e


def _log_diff_cdf(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """log(Phi(b) - Phi(a)) for a < b, stable in both tails."""
    out = np.empty_like(a)
    upper = a > 0  # both in the upper tail: Phi(-a) - Phi(-b)
    la, lb = special.log_ndtr(-a[upper]), special.log_ndtr(-b[upper])
    out[upper] = la + np.log1p(-np.exp(lb - la))
    lo = ~upper
    la, lb = special.log_ndtr(a[lo]), special.log_ndtr(b[lo])
    out[lo] = lb + np.log1p(-np.exp(la - lb))
    return out


def vote_terms(eta: np.ndarray, lo: np.ndarray | None, hi: np.ndarray | None,
               second: bool = False) -> tuple[np.ndarray, ...]:
    """Log-likelihood of votes ``log(Phi(hi - eta) - Phi(lo - eta))`` (no cut: infinite).

    Returns ``ll, pa, pb`` with ``d ll / d lo = -pa``, ``d ll / d hi = pb`` and
    ``d ll / d eta = pa - pb``; with ``second`` also ``haa, hbb, hab``, the second derivatives
    in ``a = lo - eta`` and ``b = hi - eta``.
    """
    zero = np.zeros_like(eta)
    if lo is None:  # P = Phi(b)
        b = hi - eta
        ll, pb = _log_cdf_mills(b)
        a, pa = zero, zero
    elif hi is None:  # P = Phi(-a)
        a = lo - eta
        ll, pa = _log_cdf_mills(-a)
        b, pb = zero, zero
    else:
        a, b = lo - eta, hi - eta
        ll = _log_diff_cdf(a, b)
        pa, pb = np.exp(_log_pdf(a) - ll), np.exp(_log_pdf(b) - ll)
    if not second:
        return ll, pa, pb
    return ll, pa, pb, a * pa - pa * pa, -b * pb - pb * pb, pa * pb


def unpack(x: np.ndarray, d: VoteData
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """``theta, beta, tau1, log(tau2 - tau1)`` (the last None for binary votes)."""
    n, g = d.n_cells, d.n_groups
    theta, beta, tau1 = x[:n], x[n:n + g], x[n + g:n + 2 * g]
    lgap = x[n + 2 * g:n + 3 * g] if d.n_cuts == 2 else None
    return theta, beta, tau1, lgap


def category_slices(d: VoteData) -> list[Chunk]:
    """Per category: its slice and which cutpoints lie below and above it (0: tau1,
    1: tau2, None: none)."""
    cuts = [(None, 0), (0, None)] if d.n_cuts == 1 else [(None, 0), (0, 1), (1, None)]
    return [(slice(*b), lo, hi) for b, (lo, hi) in zip(d.bounds, cuts, strict=True)]


def thread_chunks(d: VoteData, n_threads: int) -> list[Chunk]:
    """Category slices split into ``n_threads`` pieces each, for a thread pool."""
    out = []
    for sl, lo, hi in category_slices(d):
        edges = np.linspace(sl.start, sl.stop, max(n_threads, 1) + 1).astype(int)
        out += [(slice(a, b), lo, hi) for a, b in zip(edges[:-1], edges[1:], strict=True)
                if b > a]
    return out


def neg_log_prior(x: np.ndarray, d: VoteData, priors: Priors) -> tuple[float, np.ndarray]:
    """Negative log prior and its gradient."""
    theta, beta, tau1, lgap = unpack(x, d)
    n, g = d.n_cells, d.n_groups
    grad = np.zeros_like(x)
    first = d.prev < 0
    diff = np.where(first, theta, theta - theta[np.maximum(d.prev, 0)])
    var = np.where(first, 1.0, priors.rw_scale ** 2 * d.gap)
    value = 0.5 * np.sum(diff * diff / var)
    gdiff = diff / var
    grad[:n] = gdiff
    np.subtract.at(grad, d.prev[~first], gdiff[~first])
    k2 = priors.item_scale ** 2
    value += 0.5 * (np.sum(beta ** 2) + np.sum(tau1 ** 2)) / k2
    grad[n:n + g] = beta / k2
    grad[n + g:n + 2 * g] = tau1 / k2
    if lgap is not None:
        egap = np.exp(lgap)
        t2 = tau1 + egap
        s2 = priors.gap_scale ** 2
        value += 0.5 * np.sum(t2 ** 2) / k2 + 0.5 * np.sum((lgap - GAP_MEAN) ** 2) / s2
        grad[n + g:n + 2 * g] += t2 / k2
        grad[n + 2 * g:] = t2 / k2 * egap + (lgap - GAP_MEAN) / s2
    return float(value), grad


def neg_loglik(x: np.ndarray, d: VoteData, chunks: list[Chunk],
               run: Callable[[Callable, list[Chunk]], list]) -> tuple[float, np.ndarray]:
    """Negative log-likelihood of the votes and its exact gradient.

    ``chunks`` (:func:`thread_chunks`) split the votes; ``run(work, chunks)`` maps ``work``
    over them (in a thread pool, or in turn) and returns the results in order.
    """
    theta, beta, tau1, lgap = unpack(x, d)
    n, g = d.n_cells, d.n_groups
    cuts = [tau1] if lgap is None else [tau1, tau1 + np.exp(lgap)]

    def work(chunk):
        sl, lo, hi = chunk
        cell, group = d.cell[sl], d.group[sl]
        th, be = theta[cell], beta[group]
        ll, pa, pb = vote_terms(be * th, None if lo is None else cuts[lo][group],
                                None if hi is None else cuts[hi][group])
        g_eta = pa - pb
        g_cut = [np.zeros(g), np.zeros(g)]  # d ll / d tau1, d ll / d tau2
        if lo is not None:
            g_cut[lo] -= np.bincount(group, pa, minlength=g)
        if hi is not None:
            g_cut[hi] += np.bincount(group, pb, minlength=g)
        return (ll.sum(), np.bincount(cell, be * g_eta, minlength=n),
                np.bincount(group, th * g_eta, minlength=g), g_cut[0], g_cut[1])

    parts = run(work, chunks)
    value, grad = -sum(p[0] for p in parts), np.zeros_like(x)
    grad[:n] -= sum(p[1] for p in parts)
    grad[n:n + g] -= sum(p[2] for p in parts)
    g_t1, g_t2 = sum(p[3] for p in parts), sum(p[4] for p in parts)
    grad[n + g:n + 2 * g] -= g_t1 + g_t2  # tau2 = tau1 + exp(lgap)
    if lgap is not None:
        grad[n + 2 * g:] -= g_t2 * np.exp(lgap)
    return float(value), grad


def curvatures(x: np.ndarray, d: VoteData) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per vote (in data order): minus the Hessian of its log-likelihood in
    u = (eta, tau_below, tau_above), as ``h00, h01, h02, h11, h12, h22``, and which
    cutpoints lie below and above it (-1: none)."""
    theta, beta, tau1, lgap = unpack(x, d)
    cuts = [tau1] if lgap is None else [tau1, tau1 + np.exp(lgap)]
    N = len(d.y)
    h = np.zeros((6, N))
    lo_w, hi_w = np.full(N, -1, np.int8), np.full(N, -1, np.int8)
    for sl, lo, hi in category_slices(d):
        group = d.group[sl]
        eta = beta[group] * theta[d.cell[sl]]
        _, _, _, haa, hbb, hab = vote_terms(eta, None if lo is None else cuts[lo][group],
                                            None if hi is None else cuts[hi][group], True)
        h[:, sl] = [-(haa + hbb + 2 * hab), haa + hab, hab + hbb, -haa, -hab, -hbb]
        lo_w[sl] = -1 if lo is None else lo
        hi_w[sl] = -1 if hi is None else hi
    return h, lo_w, hi_w


def theta_precision(x: np.ndarray, d: VoteData, h00: np.ndarray, rw_scale: float
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Diagonal and first off-diagonal of theta's posterior precision given the items
    (tridiagonal within each state, nothing between states)."""
    _, beta, _, _ = unpack(x, d)
    diag = np.bincount(d.cell, h00 * beta[d.group] ** 2, minlength=d.n_cells)
    first = d.prev < 0
    w = np.where(first, 1.0, 1.0 / (rw_scale ** 2 * d.gap))
    diag = diag + w
    np.add.at(diag, d.prev[~first], w[~first])
    off = np.where(first, 0.0, -w)  # off[k] couples cell k with cell k - 1
    return diag, off
