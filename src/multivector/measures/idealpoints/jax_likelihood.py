"""The vote likelihood of :class:`~multivector.measures.idealpoints.DynamicIdealPoints` in jax.

Optional: imported only when the estimator's ``device`` is ``"jax"`` (or ``"auto"`` and jax sees
a GPU), never by ``import multivector``. It evaluates the part of the objective that grows with
the votes: the negative log-likelihood of the ordered (or binary) probit over the sparse vote
list and its exact gradient, the same formulas as the numpy path, compiled by XLA for jax's
device. The priors, the preconditioner and the optimiser (scipy's L-BFGS) stay in numpy: they
cost O(state-sessions + items) per iteration, against O(votes) here.

All of it runs in float64 under ``jax.enable_x64(True)``, scoped to each call, so the results
match numpy's to rounding and jax's global precision setting is left as the caller had it.
"""

from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

SQRT_2 = np.sqrt(2.0)
SQRT_PI = np.sqrt(np.pi)
SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
ERFCX_SWITCH = 26.0
# erfcx(z) ~ 1 / (z sqrt(pi)) * sum_k (-1)^k (2k - 1)!! / (2 z^2)^k
ERFCX_SERIES = tuple((-1) ** k * float(np.prod(np.arange(1, 2 * k, 2))) for k in range(8))


def gpu_devices() -> list:
    """jax's GPU devices (empty when jax runs on the CPU only)."""
    try:
        return [dev for dev in jax.devices() if dev.platform == "gpu"]
    except RuntimeError:  # no backend could be initialised
        return []


def default_device():
    """jax's default device (its first: a GPU or TPU when jax has one, else the CPU)."""
    return jax.devices()[0]


def describe(device) -> str:
    """A device in words, e.g. ``jax 0.10.2 on cpu (cpu)``."""
    return f"jax {jax.__version__} on {device.platform} ({device.device_kind})"


def _erfcx(z):
    """``exp(z^2) erfc(z)`` for ``z`` above about -26 (``+inf`` gives 0).

    ``exp(z^2) erfc(z)`` up to 26, exact to a few ulps there; an asymptotic series beyond
    (eight terms: the first left out is below 1e-19 at 26). jax 0.10.2's own ``erfcx`` uses the
    product up to sqrt(log(max double)) = 26.64, and between 26.54 and 26.64 ``erfc`` has
    underflowed and it returns 0.
    """
    near = jnp.minimum(z, ERFCX_SWITCH)
    far = jnp.maximum(z, ERFCX_SWITCH)
    inv = 1.0 / (2.0 * far * far)
    series = jnp.zeros_like(z)
    for coef in reversed(ERFCX_SERIES):
        series = coef + series * inv
    return jnp.where(z < ERFCX_SWITCH, jnp.exp(near * near) * lax.erfc(near),
                     series / (far * SQRT_PI))


@partial(jax.jit, static_argnames=("n", "g", "n_cuts"))
def _neg_loglik(x, cell, group, y, *, n: int, g: int, n_cuts: int):
    """Negative log-likelihood of the votes and its gradient in ``x``.

    ``x`` is the estimator's flat parameter vector: theta (``n``), beta (``g``), tau1 (``g``)
    and, with two cuts, log(tau2 - tau1) (``g``). Vote ``y`` (0 .. ``n_cuts``) lies between cut
    ``y - 1`` and cut ``y`` (none below 0, none above ``n_cuts``), so that with
    ``a = lo - eta`` and ``b = hi - eta`` (infinite where there is no cut) every vote has
    ``P = Phi(b) - Phi(a)``, one formula for all categories, so the vote list need not be
    split by category (and keeps its shape across bootstrap replicates: no recompilation).

    ``P`` is evaluated where it does not cancel: mirrored to ``Phi(-a) - Phi(-b)`` when
    ``a + b > 0``, so that in the working pair ``(l, u)``, ``l < u`` and ``l + u <= 0``. With
    ``Phi(v) = erfcx(-v / sqrt 2) exp(-v^2 / 2) / 2`` (``e_u``, ``e_l`` the two ``erfcx``),
    ``w = exp((u^2 - l^2) / 2) <= 1`` and ``r = Phi(l) / Phi(u) = w e_l / e_u``::

        log P = log(e_u / 2) - u^2 / 2 + log1p(-r)
        phi(u) / P = sqrt(2 / pi) / (e_u (1 - r)),   phi(l) / P = w phi(u) / P

    ``u`` is capped at 30, where ``Phi`` is 1 to double precision (as in the numpy path).
    Two ``erfcx``, an ``exp``, a ``log`` and a ``log1p`` per vote.
    """
    theta, beta, tau1 = x[:n], x[n:n + g], x[n + g:n + 2 * g]
    cuts = [tau1] if n_cuts == 1 else [tau1, tau1 + jnp.exp(x[n + 2 * g:])]
    cuts = jnp.stack(cuts)
    th, be = theta[cell], beta[group]
    eta = be * th
    has_lo, has_hi = y > 0, y < n_cuts
    a = jnp.where(has_lo, cuts[jnp.maximum(y - 1, 0), group] - eta, -jnp.inf)
    b = jnp.where(has_hi, cuts[jnp.minimum(y, n_cuts - 1), group] - eta, jnp.inf)
    flip = a + b > 0
    lo = jnp.where(flip, -b, a)
    up = jnp.minimum(jnp.where(flip, -a, b), 30.0)
    e_up = _erfcx(-up / SQRT_2)
    w = jnp.exp(0.5 * (up - lo) * (up + lo))  # 0 where lo = -inf
    r = w * _erfcx(-lo / SQRT_2) / e_up
    ll = jnp.log(0.5 * e_up) - 0.5 * up * up + jnp.log1p(-r)
    p_up = SQRT_2_OVER_PI / (e_up * (1.0 - r))
    p_lo = w * p_up
    pa, pb = jnp.where(flip, p_up, p_lo), jnp.where(flip, p_lo, p_up)  # phi(a) / P, phi(b) / P
    g_eta = pa - pb  # d ll / d eta
    g_theta = jax.ops.segment_sum(be * g_eta, cell, num_segments=n)
    g_beta = jax.ops.segment_sum(th * g_eta, group, num_segments=g)
    # d ll / d lo = -pa, d ll / d hi = pb; one segment per (cut, item group), a last one for
    # the votes with no cut on that side
    none = n_cuts * g
    ids = jnp.concatenate([jnp.where(has_lo, (y - 1) * g + group, none),
                           jnp.where(has_hi, y * g + group, none)])
    g_cut = jax.ops.segment_sum(jnp.concatenate([-pa, pb]), ids,
                                num_segments=none + 1)[:none].reshape(n_cuts, g)
    parts = [g_theta, g_beta, g_cut.sum(axis=0)]  # tau2 = tau1 + exp(log gap)
    if n_cuts == 2:
        parts.append(g_cut[1] * jnp.exp(x[n + 2 * g:]))
    return -ll.sum(), -jnp.concatenate(parts)


class JaxLikelihood:
    """The votes of one data set on a jax device, and their likelihood as a callable.

    Parameters
    ----------
    cell, group, y : numpy.ndarray
        Per vote: state-session cell, item group and category (0 .. ``n_cuts``).
    n_cells, n_groups, n_cuts : int
        Sizes of theta, of each item parameter, and the number of cutpoints (1 or 2).
    device : jax.Device
        Where the votes are placed and the likelihood is computed.
    """

    def __init__(self, cell: np.ndarray, group: np.ndarray, y: np.ndarray, n_cells: int,
                 n_groups: int, n_cuts: int, device) -> None:
        self.device = device
        self.sizes = {"n": int(n_cells), "g": int(n_groups), "n_cuts": int(n_cuts)}
        with jax.enable_x64(True):
            # integer indices in 32 bits (half the memory traffic), values in 64
            self.votes = tuple(jax.device_put(np.asarray(a, dtype=np.int32), device)
                               for a in (cell, group, y))

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """Negative log-likelihood at ``x`` and its gradient (numpy, float64)."""
        with jax.enable_x64(True):
            value, grad = _neg_loglik(jax.device_put(np.asarray(x, dtype=np.float64),
                                                     self.device), *self.votes, **self.sizes)
            return float(value), np.asarray(grad, dtype=np.float64)
