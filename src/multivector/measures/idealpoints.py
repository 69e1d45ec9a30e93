"""Dynamic ordinal ideal points for the UN General Assembly.

The model is Bailey, Strezhnev & Voeten (2017), "Estimating Dynamic State Preferences from United
Nations Voting Data", Journal of Conflict Resolution 61(2): 430-456:

- one dimension; state *i* in session *t* has ideal point ``theta[i, t]``;
- an ordered probit on no < abstain < yes: with ``eta = beta_j * theta[i, t]``,
  ``P(no) = Phi(tau1_j - eta)``, ``P(abstain) = Phi(tau2_j - eta) - Phi(tau1_j - eta)``,
  ``P(yes) = 1 - Phi(tau2_j - eta)``, cutpoints ``tau1_j < tau2_j``;
- ideal points follow a random walk, ``theta[i, t] ~ N(theta[i, t'], (t - t') * rw_scale^2)``
  from the state's previous session ``t'`` with a vote, and ``theta[i, first] ~ N(0, 1)``;
- roll calls on resolutions of identical content in different sessions share their item
  parameters (``beta``, ``tau``), which bridges the scale over time.

Estimation is by penalised maximum likelihood (the posterior mode under the priors above and
``beta, tau ~ N(0, item_scale^2)``), with exact gradients, vectorised over the sparse vote list,
by L-BFGS (scipy). The dynamic and EM/variational machinery of Martin & Quinn (2002) and Imai,
Lo & Olmsted (2016, APSR 110(4)) estimate the same kind of model by MCMC and EM; the mode is what
their point estimates approximate, at a fraction of the time.

Identification: the priors fix location and scale (``theta[i, first] ~ N(0, 1)``); the direction
is set after fitting so that the ``anchor`` state (the United States) has a positive mean ideal
point. States that join enter with the N(0, 1) prior at their first session with a vote; states
that leave or dissolve simply have no ideal point after their last vote; the USSR and Russia are
one state (ISO3 RUS, COW 365), as at the UN.

Bridging rule (``bridging="title"``): only votes on whole resolutions (not amendments, not
separate paragraphs) bridge. Their key is the unvotes short title, normalised (lower case,
punctuation and repeated spaces removed), or, where there is no short title, the description
without its trailing ": resolution / adopted by the General Assembly". Roll calls with the same
key in different sessions form one bridge group; a key that occurs more than once in one session
(several different motions under one title) bridges nothing in that session. Sessions after 2019
have no titles in the sources: their roll calls are free items, tied to the scale by the random
walk of the states' ideal points alone.

Uncertainty (``intervals``): ``"laplace"`` inverts, for each state, the tridiagonal precision of
its ideal points given the items (the curvature of the log posterior at the mode); it ignores the
items' own uncertainty. ``"bootstrap"`` is a parametric bootstrap (Efron & Tibshirani 1993, ch. 6):
votes are simulated from the fitted model on the observed state-roll-call cells, the model is
refitted from the estimate, and the interval is the estimate plus or minus the normal quantile
times the refits' standard deviation (with the few dozen refits a fit of 1946-2024 affords,
percentile tails are too noisy). On data simulated from the model (tests/test_idealpoints.py) the
bootstrap standard deviations match the Laplace standard errors within a few per cent, and both
intervals cover the true ideal points at 0.90-0.95 for a nominal 0.95: slightly short, as the
random-walk prior's smoothing bias is not in either. docs/methods.md gives the figures.

Device (``device``): the likelihood over the vote list, the part whose cost grows with the votes,
runs in numpy (``"cpu"``, the default, in ``n_threads`` threads) or in jax (``"jax"``: jax's
default device; ``"auto"``: jax on a GPU when jax is installed and lists one, numpy otherwise),
in float64 either way, the same likelihood, so the estimates agree to rounding. jax is an
optional dependency (``pip install "multivector[gpu]"`` for NVIDIA GPUs, ``"multivector[jax]"``
for jax on the CPU); the priors, the preconditioner, the intervals and scipy's L-BFGS stay in
numpy. BLAS is held to one thread while fitting: its threads gain nothing on the optimiser's
vector updates and, on a busy machine, cost more than the likelihood itself.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special
from threadpoolctl import threadpool_limits

LOG_2PI_HALF = 0.5 * np.log(2 * np.pi)
GAP_MEAN = np.log(0.5)  # prior centre of log(tau2 - tau1)
SQRT_2 = np.sqrt(2.0)
SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)
DEVICES = ("cpu", "jax", "auto")
JAX_INSTALL_HINT = ('pip install "multivector[gpu]" (NVIDIA GPU, CUDA 12) or '
                    'pip install "multivector[jax]" (jax on the CPU)')


def resolve_device(device: str) -> Any | None:
    """The jax device that ``device`` selects, or None for the numpy implementation.

    Parameters
    ----------
    device : {"cpu", "jax", "auto"}
        ``"cpu"``: numpy. ``"jax"``: jax's default device (a GPU or TPU when jax has one, else
        the CPU); needs jax. ``"auto"``: jax's first GPU when jax is installed and lists one,
        numpy otherwise.

    Returns
    -------
    jax.Device or None

    Raises
    ------
    ValueError
        For any other ``device``.
    ImportError
        For ``"jax"`` when jax is not installed (the message says how to install it).
    """
    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(map(repr, DEVICES))}, "
                         f"got {device!r}")
    if device == "cpu":
        return None
    try:
        from multivector.measures import _idealpoints_jax as jx
    except ImportError as exc:
        if device == "auto":
            return None
        raise ImportError(f"device='jax' needs jax, which is not installed ({exc}); install "
                          f"it with: {JAX_INSTALL_HINT}") from exc
    if device == "auto":
        gpus = jx.gpu_devices()
        return gpus[0] if gpus else None
    import jax

    return jax.devices()[0]


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


def _terms(eta: np.ndarray, lo: np.ndarray | None, hi: np.ndarray | None, second: bool = False):
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


_TITLE_TAIL = re.compile(r"\s*:\s*resolution\s*/\s*adopted by the general assembly.*$")
_NOT_TITLE = re.compile(r"^(?:the )?(?:acting )?president|^a recorded vote|^draft resolution")


def bridge_keys(rollcalls: pd.DataFrame) -> pd.Series:
    """The bridging key of each roll call (missing where it does not bridge).

    See the module docstring for the rule. ``rollcalls`` needs ``session, short, descr, amend,
    para``.
    """
    def norm(s: pd.Series) -> pd.Series:
        s = s.astype("string").str.lower().str.replace(_TITLE_TAIL, "", regex=True)
        s = s.str.replace(r"[^a-z0-9 ]", " ", regex=True).str.replace(r"\s+", " ", regex=True)
        return s.str.strip().replace("", pd.NA)

    short = norm(rollcalls["short"]) if "short" in rollcalls else pd.Series(pd.NA,
                                                                             index=rollcalls.index)
    descr = norm(rollcalls["descr"]) if "descr" in rollcalls else short
    descr = descr.where(~descr.fillna("").str.contains(_NOT_TITLE))
    key = short.fillna(descr)
    whole = ~(rollcalls.get("amend", pd.Series(False, index=rollcalls.index))
              .astype("boolean").fillna(False).astype(bool)
              | rollcalls.get("para", pd.Series(False, index=rollcalls.index))
              .astype("boolean").fillna(False).astype(bool))
    key = key.where(whole)
    per_session = key.groupby([rollcalls["session"], key]).transform("size")
    key = key.where(per_session == 1)
    n_sessions = rollcalls["session"].groupby(key).transform("nunique")
    return key.where(n_sessions > 1)


@dataclass
class _Data:
    """The vote list in index form, sorted by category so that each is one slice."""

    cell: np.ndarray  # state-session cell of each vote
    group: np.ndarray  # item group of each vote
    y: np.ndarray  # 0 no, 1 abstain, 2 yes (binary: 0 no, 1 yes)
    bounds: list[tuple[int, int]]  # slice of each category
    n_cells: int
    n_groups: int
    prev: np.ndarray  # previous cell of the same state (-1 for a first cell)
    gap: np.ndarray  # sessions since the previous cell
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # e.g. device copies

    def with_votes(self, y: np.ndarray) -> _Data:
        """The same cells and items with other votes (for the parametric bootstrap)."""
        order = np.argsort(y, kind="stable")
        y = y[order]
        edges = np.searchsorted(y, np.arange(len(self.bounds) + 1))
        return _Data(self.cell[order], self.group[order], y,
                     [(int(edges[c]), int(edges[c + 1])) for c in range(len(self.bounds))],
                     self.n_cells, self.n_groups, self.prev, self.gap)


class DynamicIdealPoints:
    """Dynamic ordinal (or binary) ideal points of UNGA states, scikit-learn style.

    Parameters
    ----------
    rw_scale : float
        Standard deviation of a state's ideal-point step from one session to the next.
    bridging : {"title", "none"}
        Share item parameters across sessions for identical resolutions (see module docstring).
    mode : {"ordinal", "binary"}
        Ordered probit on no < abstain < yes, or a probit on yes vs no (abstentions dropped),
        as the R estimators MCMCpack and pscl use.
    item_scale : float
        Prior standard deviation of discriminations and cutpoints.
    gap_scale : float
        Prior standard deviation of the log distance between the two cutpoints (centred on
        log 0.5); it keeps items with no abstention from collapsing their cutpoints.
    intervals : {"laplace", "bootstrap", None}
        How ``lo``/``hi`` are computed (see module docstring).
    n_boot : int
        Replicates of the parametric bootstrap.
    level : float
        Coverage of the intervals.
    max_iter : int
        Iteration limit of the optimiser (L-BFGS).
    tol : float
        Relative decrease of the objective below which the optimiser stops.
    anchor : str
        State placed at the positive end (ISO3).
    seed : int
        Seed of the bootstrap.
    device : {"cpu", "jax", "auto"}
        What evaluates the likelihood over the votes (see :func:`resolve_device`): numpy
        (``"cpu"``, needs nothing more), jax on its default device (``"jax"``), or jax on a GPU
        when jax finds one and numpy otherwise (``"auto"``). jax is optional:
        ``pip install "multivector[gpu]"``.
    n_threads : int
        Threads that evaluate the likelihood in numpy (numpy and scipy release the GIL); jax
        schedules its own.
    verbose : bool
        Print progress.

    Attributes
    ----------
    ideal_points_ : pandas.DataFrame
        ``iso3, session, year, theta, se, lo, hi``.
    items_ : pandas.DataFrame
        ``rcid, session, discrimination, cut1, cut2, bridge_group`` (``cut2`` missing in binary
        mode, where ``cut1`` is the yes/no threshold).
    n_iter_ : int
    converged_ : bool
    objective_ : float
        Negative log posterior at the estimate.
    fit_seconds_ : float
    device_ : str
        What evaluated the likelihood, in words (e.g. ``numpy (2 threads)``).
    """

    def __init__(self, rw_scale: float = 0.1, bridging: str = "title", mode: str = "ordinal",
                 item_scale: float = 2.5, gap_scale: float = 1.5,
                 intervals: str | None = "laplace", n_boot: int = 30, level: float = 0.95,
                 max_iter: int = 2000, tol: float = 1e-10, anchor: str = "USA", seed: int = 0,
                 device: str = "cpu", n_threads: int = 2, verbose: bool = False):
        self.rw_scale = rw_scale
        self.bridging = bridging
        self.mode = mode
        self.item_scale = item_scale
        self.gap_scale = gap_scale
        self.intervals = intervals
        self.n_boot = n_boot
        self.level = level
        self.max_iter = max_iter
        self.tol = tol
        self.anchor = anchor
        self.seed = seed
        self.device = device
        self.n_threads = n_threads
        self.verbose = verbose

    # -- data ------------------------------------------------------------------------------

    def _prepare(self, votes: pd.DataFrame, rollcalls: pd.DataFrame):
        if self.mode not in ("ordinal", "binary"):
            raise ValueError(f"mode must be 'ordinal' or 'binary', got {self.mode!r}")
        if self.bridging not in ("title", "none"):
            raise ValueError(f"bridging must be 'title' or 'none', got {self.bridging!r}")
        self._jax_device()  # an unknown device, or jax missing, fails before any work
        keep = [1, 3] if self.mode == "binary" else [1, 2, 3]
        v = votes[votes["vote"].isin(keep)][["rcid", "iso3", "vote"]]
        rc = rollcalls.drop_duplicates("rcid").set_index("rcid")
        v = v[v["rcid"].isin(rc.index)]
        # roll calls on which everyone voted alike carry no information on positions
        spread = v.groupby("rcid")["vote"].nunique()
        v = v[v["rcid"].isin(spread.index[spread > 1])]
        if v.empty:
            raise ValueError("no contested roll calls among the votes given")
        session = rc.loc[v["rcid"], "session"].to_numpy()
        cells = (pd.DataFrame({"iso3": v["iso3"].to_numpy(), "session": session})
                 .drop_duplicates().sort_values(["iso3", "session"]).reset_index(drop=True))
        cell = pd.MultiIndex.from_frame(cells).get_indexer(
            pd.MultiIndex.from_arrays([v["iso3"].to_numpy(), session]))
        same_state = cells["iso3"].eq(cells["iso3"].shift()).to_numpy()
        prev = np.where(same_state, np.arange(len(cells)) - 1, -1)
        gap = np.where(same_state, cells["session"].diff().fillna(1), 1).astype(float)
        items = pd.DataFrame({"rcid": np.sort(v["rcid"].unique())})
        items["session"] = rc.loc[items["rcid"], "session"].to_numpy()
        if self.bridging == "title":
            meta = rc.loc[items["rcid"]].reset_index()
            for col in ("short", "descr", "amend", "para"):
                if col not in meta:
                    meta[col] = pd.NA
            key = bridge_keys(meta).to_numpy()
        else:
            key = np.full(len(items), pd.NA, dtype=object)
        items["bridge_key"] = key
        label = pd.Series(key, dtype="object").fillna("rcid:" + items["rcid"].astype(str))
        codes, uniques = pd.factorize(label)
        items["group"] = codes
        items["bridge_group"] = pd.array(codes, dtype="Int64")
        items.loc[pd.isna(key), "bridge_group"] = pd.NA
        group = items.set_index("rcid").loc[v["rcid"], "group"].to_numpy()
        y = v["vote"].map({3: 0, 2: 1, 1: 2} if self.mode == "ordinal" else {3: 0, 1: 1})
        base = _Data(cell.astype(np.int64), group.astype(np.int64), np.zeros(0, np.int8),
                     [(0, 0)] * (3 if self.mode == "ordinal" else 2), len(cells), len(uniques),
                     prev, gap)
        self._cell_session = cells["session"].to_numpy()
        return base.with_votes(y.to_numpy().astype(np.int8)), cells, items

    def _unpack(self, x: np.ndarray, d: _Data):
        n, g = d.n_cells, d.n_groups
        theta, beta, tau1 = x[:n], x[n:n + g], x[n + g:n + 2 * g]
        lgap = x[n + 2 * g:n + 3 * g] if self.mode == "ordinal" else None
        return theta, beta, tau1, lgap

    def _slices(self, d: _Data):
        """Per category: its slice and which cutpoints lie below and above it (0: tau1,
        1: tau2, None: none)."""
        cuts = ([(None, 0), (0, None)] if self.mode == "binary"
                else [(None, 0), (0, 1), (1, None)])
        return [(slice(*b), lo, hi) for b, (lo, hi) in zip(d.bounds, cuts, strict=True)]

    def _chunks(self, d: _Data):
        """Category slices split into ``n_threads`` pieces each, for the thread pool."""
        out = []
        for sl, lo, hi in self._slices(d):
            edges = np.linspace(sl.start, sl.stop, max(self.n_threads, 1) + 1).astype(int)
            out += [(slice(a, b), lo, hi) for a, b in zip(edges[:-1], edges[1:], strict=True)
                    if b > a]
        return out

    def _map(self, fn, chunks):
        if self.n_threads <= 1 or len(chunks) == 1:
            return [fn(c) for c in chunks]
        if getattr(self, "_pool", None) is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(max_workers=self.n_threads)
        return list(self._pool.map(fn, chunks))

    # -- objective -------------------------------------------------------------------------

    def _prior(self, x: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
        """Negative log prior and its gradient."""
        theta, beta, tau1, lgap = self._unpack(x, d)
        n, g = d.n_cells, d.n_groups
        grad = np.zeros_like(x)
        first = d.prev < 0
        diff = np.where(first, theta, theta - theta[np.maximum(d.prev, 0)])
        var = np.where(first, 1.0, self.rw_scale ** 2 * d.gap)
        value = 0.5 * np.sum(diff * diff / var)
        gdiff = diff / var
        grad[:n] = gdiff
        np.subtract.at(grad, d.prev[~first], gdiff[~first])
        k2 = self.item_scale ** 2
        value += 0.5 * (np.sum(beta ** 2) + np.sum(tau1 ** 2)) / k2
        grad[n:n + g] = beta / k2
        grad[n + g:n + 2 * g] = tau1 / k2
        if self.mode == "ordinal":
            egap = np.exp(lgap)
            t2 = tau1 + egap
            s2 = self.gap_scale ** 2
            value += 0.5 * np.sum(t2 ** 2) / k2 + 0.5 * np.sum((lgap - GAP_MEAN) ** 2) / s2
            grad[n + g:n + 2 * g] += t2 / k2
            grad[n + 2 * g:] = t2 / k2 * egap + (lgap - GAP_MEAN) / s2
        return float(value), grad

    def _jax_device(self) -> Any | None:
        """The jax device of the likelihood, or None for numpy (resolved once per setting)."""
        if getattr(self, "_resolved", (None,))[0] != self.device:
            self._resolved = (self.device, resolve_device(self.device))
        return self._resolved[1]

    def _device_name(self) -> str:
        dev = self._jax_device()
        if dev is None:
            return f"numpy ({self.n_threads} thread{'s' if self.n_threads != 1 else ''})"
        from multivector.measures import _idealpoints_jax as jx

        return jx.describe(dev)

    def _objective(self, x: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
        """Negative log posterior and its exact gradient."""
        value, grad = self._prior(x, d)
        ll_value, ll_grad = self._neg_loglik(x, d)
        return value + ll_value, grad + ll_grad

    def _neg_loglik(self, x: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
        """Negative log-likelihood of the votes and its exact gradient, on the device."""
        dev = self._jax_device()
        if dev is None:
            return self._neg_loglik_numpy(x, d)
        key = ("jax", dev)
        if key not in d.cache:
            from multivector.measures import _idealpoints_jax as jx

            d.cache[key] = jx.JaxLikelihood(d.cell, d.group, d.y, d.n_cells, d.n_groups,
                                            len(d.bounds) - 1, dev)
        return d.cache[key](x)

    def _neg_loglik_numpy(self, x: np.ndarray, d: _Data) -> tuple[float, np.ndarray]:
        """:meth:`_neg_loglik` in numpy, the votes split among ``n_threads`` threads."""
        theta, beta, tau1, lgap = self._unpack(x, d)
        n, g = d.n_cells, d.n_groups
        cuts = [tau1] if lgap is None else [tau1, tau1 + np.exp(lgap)]

        def work(chunk):
            sl, lo, hi = chunk
            cell, group = d.cell[sl], d.group[sl]
            th, be = theta[cell], beta[group]
            ll, pa, pb = _terms(be * th, None if lo is None else cuts[lo][group],
                                None if hi is None else cuts[hi][group])
            g_eta = pa - pb
            g_cut = [np.zeros(g), np.zeros(g)]  # d ll / d tau1, d ll / d tau2
            if lo is not None:
                g_cut[lo] -= np.bincount(group, pa, minlength=g)
            if hi is not None:
                g_cut[hi] += np.bincount(group, pb, minlength=g)
            return (ll.sum(), np.bincount(cell, be * g_eta, minlength=n),
                    np.bincount(group, th * g_eta, minlength=g), g_cut[0], g_cut[1])

        parts = self._map(work, self._chunks(d))
        value, grad = -sum(p[0] for p in parts), np.zeros_like(x)
        grad[:n] -= sum(p[1] for p in parts)
        grad[n:n + g] -= sum(p[2] for p in parts)
        g_t1, g_t2 = sum(p[3] for p in parts), sum(p[4] for p in parts)
        grad[n + g:n + 2 * g] -= g_t1 + g_t2  # tau2 = tau1 + exp(lgap)
        if lgap is not None:
            grad[n + 2 * g:] -= g_t2 * np.exp(lgap)
        return float(value), grad

    def _value(self, x: np.ndarray, d: _Data) -> float:
        return self._objective(x, d)[0]

    def _curvatures(self, x: np.ndarray, d: _Data):
        """Per vote (in data order): minus the Hessian of its log-likelihood in
        u = (eta, tau_below, tau_above), as ``h00, h01, h02, h11, h12, h22``, and which
        cutpoints lie below and above it (-1: none)."""
        theta, beta, tau1, lgap = self._unpack(x, d)
        cuts = [tau1] if lgap is None else [tau1, tau1 + np.exp(lgap)]
        N = len(d.y)
        h = np.zeros((6, N))
        lo_w, hi_w = np.full(N, -1, np.int8), np.full(N, -1, np.int8)
        for sl, lo, hi in self._slices(d):
            group = d.group[sl]
            eta = beta[group] * theta[d.cell[sl]]
            _, _, _, haa, hbb, hab = _terms(eta, None if lo is None else cuts[lo][group],
                                            None if hi is None else cuts[hi][group], True)
            h[:, sl] = [-(haa + hbb + 2 * hab), haa + hab, hab + hbb, -haa, -hab, -hbb]
            lo_w[sl] = -1 if lo is None else lo
            hi_w[sl] = -1 if hi is None else hi
        return h, lo_w, hi_w

    def _theta_precision(self, x: np.ndarray, d: _Data, h00: np.ndarray):
        """Diagonal and first off-diagonal of theta's posterior precision given the items
        (tridiagonal within each state, nothing between states)."""
        _, beta, _, _ = self._unpack(x, d)
        diag = np.bincount(d.cell, h00 * beta[d.group] ** 2, minlength=d.n_cells)
        first = d.prev < 0
        w = np.where(first, 1.0, 1.0 / (self.rw_scale ** 2 * d.gap))
        diag = diag + w
        np.add.at(diag, d.prev[~first], w[~first])
        off = np.where(first, 0.0, -w)  # off[k] couples cell k with cell k - 1
        return diag, off

    # -- optimisation ----------------------------------------------------------------------

    def _preconditioner(self, x: np.ndarray, d: _Data):
        """Factors of the block-diagonal curvature ``B`` at ``x``: theta's tridiagonal block
        (per state) and one k x k block per item group (Gauss-Newton, with the priors).

        Returns the maps ``C`` and ``C'`` with ``C C' = B^-1``, for the change of variables
        ``x = x_ref + C w``.
        """
        from scipy.linalg import cholesky_banded, solve_banded

        theta, beta, tau1, lgap = self._unpack(x, d)
        n, g = d.n_cells, d.n_groups
        k = 3 if self.mode == "ordinal" else 2
        h, lo_w, hi_w = self._curvatures(x, d)
        diag, off = self._theta_precision(x, d, h[0])
        upper = cholesky_banded(np.vstack([np.append(0.0, off[1:]), diag]), lower=False)
        lower = np.vstack([upper[1], np.append(upper[0, 1:], 0.0)])
        th = theta[d.cell]
        # du/dv for v = (beta, tau1[, log gap]): tau2 = tau1 + exp(log gap)
        e = np.exp(lgap)[d.group] if lgap is not None else np.zeros(len(th))
        s11 = (lo_w >= 0).astype(float)
        s12 = np.where(lo_w == 1, e, 0.0)
        s21 = (hi_w >= 0).astype(float)
        s22 = np.where(hi_w == 1, e, 0.0)
        h00, h01, h02, h11, h12, h22 = h
        entries = {(0, 0): th * th * h00, (0, 1): th * (h01 * s11 + h02 * s21),
                   (1, 1): s11 * s11 * h11 + 2 * s11 * s21 * h12 + s21 * s21 * h22}
        if k == 3:
            entries[(0, 2)] = th * (h01 * s12 + h02 * s22)
            entries[(1, 2)] = s11 * s12 * h11 + (s11 * s22 + s21 * s12) * h12 + s21 * s22 * h22
            entries[(2, 2)] = s12 * s12 * h11 + 2 * s12 * s22 * h12 + s22 * s22 * h22
        k2 = self.item_scale ** 2
        blocks = np.zeros((g, k, k))
        for (i, j), val in entries.items():
            blocks[:, i, j] = np.bincount(d.group, val, minlength=g)
            blocks[:, j, i] = blocks[:, i, j]
        blocks[:, 0, 0] += 1 / k2
        blocks[:, 1, 1] += 1 / k2
        if k == 3:  # tau2's prior, T'T / k2 with T = (0, 1, e), and the log-gap prior
            eg = np.exp(lgap)
            blocks[:, 1, 1] += 1 / k2
            blocks[:, 1, 2] += eg / k2
            blocks[:, 2, 1] += eg / k2
            blocks[:, 2, 2] += eg * eg / k2 + 1 / self.gap_scale ** 2
        chol = np.linalg.cholesky(blocks)  # B_g = L L'
        chol_t = np.transpose(chol, (0, 2, 1))

        def apply_c(w):  # x - x_ref = C w: U^-1 for theta, L'^-1 for items
            out = np.empty_like(w)
            out[:n] = solve_banded((0, 1), upper, w[:n], check_finite=False)
            out[n:] = np.linalg.solve(chol_t, w[n:].reshape(k, g).T[..., None])[..., 0].T.ravel()
            return out

        def apply_ct(grad):  # C' grad: U'^-1 for theta, L^-1 for items
            out = np.empty_like(grad)
            out[:n] = solve_banded((1, 0), lower, grad[:n], check_finite=False)
            out[n:] = np.linalg.solve(chol, grad[n:].reshape(k, g).T[..., None])[..., 0].T.ravel()
            return out

        return apply_c, apply_ct

    def _minimise(self, d: _Data, x0: np.ndarray, max_iter: int, warm: int = 30,
                  refresh: int = 150):
        """L-BFGS on the posterior, preconditioned by its block-diagonal curvature.

        A few plain L-BFGS steps first move off the crude start; then L-BFGS runs in the
        variables ``w`` of ``x = x_ref + C w`` with ``C C' = B^-1`` (``B``: the block-diagonal
        Gauss-Newton curvature at ``x_ref``, see :meth:`_preconditioner`), refreshed every
        ``refresh`` iterations. On the 1946-2024 votes this needs about a third of the
        iterations of plain L-BFGS for the same accuracy.
        """
        opts = {"maxcor": 20, "ftol": self.tol, "gtol": 1e-8}
        res = optimize.minimize(self._objective, x0, args=(d,), jac=True, method="L-BFGS-B",
                                options={**opts, "maxiter": min(warm, max_iter)})
        x, nit, done = res.x, int(res.nit), bool(res.success)
        while not done and nit < max_iter:
            apply_c, apply_ct = self._preconditioner(x, d)
            x_ref = x

            def fun(w, x_ref=x_ref, apply_c=apply_c, apply_ct=apply_ct):
                f, grad = self._objective(x_ref + apply_c(w), d)
                return f, apply_ct(grad)

            res = optimize.minimize(fun, np.zeros_like(x), jac=True, method="L-BFGS-B",
                                    options={**opts, "maxiter": min(refresh, max_iter - nit)})
            x = x_ref + apply_c(res.x)
            nit += int(res.nit)
            done = bool(res.success) and res.nit < min(refresh, max_iter - nit + res.nit)
            if self.verbose:
                print(f"  {nit} iterations: objective {res.fun:.3f}")
        return optimize.OptimizeResult(x=x, fun=self._value(x, d), nit=nit, success=done)

    def _start(self, d: _Data, session: np.ndarray | None = None) -> np.ndarray:
        """Start from the leading principal axis of each session's votes.

        Votes are scored (no 0, abstain 0.5, yes 1) and centred per item; a power iteration
        (30 rounds, all sessions at once) gives each state-session a score and each item a
        loading, the scores standardised within each session. Signs are then chained from
        session to session by the states they share, so that a state's path does not flip.
        Discriminations start at the loadings' signs, cutpoints at the normal quantiles of
        each item's vote shares. The posterior of this bilinear model has poor local modes; a
        start on the principal axis avoids them where a naive one does not.
        """
        score = np.array([0.0, 0.5, 1.0]) if self.mode == "ordinal" else np.array([0.0, 1.0])
        yv = score[d.y]
        n_item = np.maximum(np.bincount(d.group, minlength=d.n_groups), 1)
        resid = yv - (np.bincount(d.group, yv, minlength=d.n_groups) / n_item)[d.group]
        session = self._cell_session if session is None else session
        s_codes, s_index = np.unique(session, return_inverse=True)
        rng = np.random.default_rng(12345)
        theta = rng.standard_normal(d.n_cells)

        def standardise(t):
            m = np.bincount(s_index, t) / np.maximum(np.bincount(s_index), 1)
            t = t - m[s_index]
            sd = np.sqrt(np.bincount(s_index, t * t) / np.maximum(np.bincount(s_index), 1))
            return t / np.maximum(sd[s_index], 1e-12)

        theta = standardise(theta)
        for _ in range(30):
            load = np.bincount(d.group, resid * theta[d.cell], minlength=d.n_groups) / n_item
            theta = standardise(np.bincount(d.cell, resid * load[d.group],
                                            minlength=d.n_cells))
        # chain the signs of consecutive sessions through the states they share
        prev_ok = d.prev >= 0
        agree = np.bincount(s_index[prev_ok], theta[prev_ok] * theta[d.prev[prev_ok]],
                            minlength=len(s_codes))
        flip = np.ones(len(s_codes))
        for k in range(1, len(s_codes)):
            flip[k] = flip[k - 1] * (1.0 if agree[k] >= 0 else -1.0)
        theta = theta * flip[s_index]
        load = np.bincount(d.group, resid * theta[d.cell], minlength=d.n_groups) / n_item
        beta = np.clip(load / (load.std() + 1e-12), -3, 3)
        p_no = np.clip(np.bincount(d.group, d.y == 0, minlength=d.n_groups) / n_item, 0.02,
                       0.96)
        tau1 = special.ndtri(p_no)
        parts = [theta, beta, tau1]
        if self.mode == "ordinal":
            p_ab = np.bincount(d.group, d.y == 1, minlength=d.n_groups) / n_item
            tau2 = special.ndtri(np.clip(p_no + p_ab, p_no + 0.02, 0.98))
            parts.append(np.log(np.maximum(tau2 - tau1, 0.05)))
        return np.concatenate(parts)

    # -- the estimator ---------------------------------------------------------------------

    def fit(self, votes: pd.DataFrame, rollcalls: pd.DataFrame) -> DynamicIdealPoints:
        """Estimate ideal points and item parameters.

        Parameters
        ----------
        votes : pandas.DataFrame
            ``rcid, iso3, vote`` with Voeten's codes (1 yes, 2 abstain, 3 no; others ignored).
        rollcalls : pandas.DataFrame
            ``rcid, session, year`` and, for bridging, ``short, descr, amend, para``.

        Returns
        -------
        self
        """
        # BLAS's threads gain nothing on L-BFGS's vector updates and the preconditioner's
        # small blocks; on a busy machine they cost more than the likelihood itself
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(votes, rollcalls)

    def _fit(self, votes: pd.DataFrame, rollcalls: pd.DataFrame) -> DynamicIdealPoints:
        start = time.perf_counter()
        d, cells, items = self._prepare(votes, rollcalls)
        self.device_ = self._device_name()
        res = self._minimise(d, self._start(d), self.max_iter)
        x = res.x
        anchor = cells["iso3"].to_numpy() == self.anchor
        if anchor.any() and x[:d.n_cells][anchor].mean() < 0:
            x = self._flip(x, d)
        theta, beta, tau1, lgap = self._unpack(x, d)
        self._data, self._cells, self.x_ = d, cells, x
        self.n_iter_, self.converged_ = int(res.nit), bool(res.success)
        self.objective_ = float(res.fun)
        ip = cells.copy()
        ip["year"] = (ip["session"].map(rollcalls.groupby("session")["year"].min())
                      if "year" in rollcalls else ip["session"] + 1945).astype(int)
        ip["theta"] = theta
        ip["se"] = self._laplace_se(x, d) if self.intervals == "laplace" else np.nan
        z = special.ndtri(0.5 + self.level / 2)
        if self.intervals == "laplace":
            ip["lo"], ip["hi"] = theta - z * ip["se"], theta + z * ip["se"]
        elif self.intervals == "bootstrap":
            reps = self._parametric_bootstrap(x, d)
            ip["se"] = reps.std(axis=0, ddof=1)
            ip["lo"], ip["hi"] = theta - z * ip["se"], theta + z * ip["se"]
            self.bootstrap_theta_ = reps
        elif self.intervals is None:
            ip["lo"] = ip["hi"] = np.nan
        else:
            raise ValueError(f"intervals must be 'laplace', 'bootstrap' or None, "
                             f"got {self.intervals!r}")
        self.ideal_points_ = ip[["iso3", "session", "year", "theta", "se", "lo", "hi"]]
        it = items[["rcid", "session", "bridge_group"]].copy()
        it["discrimination"] = beta[items["group"]]
        it["cut1"] = tau1[items["group"]]
        it["cut2"] = (tau1 + np.exp(lgap))[items["group"]] if lgap is not None else np.nan
        self.items_ = it[["rcid", "session", "discrimination", "cut1", "cut2", "bridge_group"]]
        self.fit_seconds_ = time.perf_counter() - start
        if self.verbose:
            print(f"fit: {self.n_iter_} iterations, objective {self.objective_:.1f}, "
                  f"{self.fit_seconds_:.1f} s, {self.device_}")
        return self

    def _flip(self, x: np.ndarray, d: _Data) -> np.ndarray:
        """Mirror the scale: theta and beta change sign, so ``beta * theta``, the likelihood
        and the (symmetric) priors are unchanged."""
        x = x.copy()
        x[:d.n_cells + d.n_groups] *= -1
        return x

    # -- uncertainty -----------------------------------------------------------------------

    def _laplace_se(self, x: np.ndarray, d: _Data) -> np.ndarray:
        """Standard errors of theta from each state's tridiagonal posterior precision given
        the items (the curvature of the log posterior at the mode)."""
        h, _, _ = self._curvatures(x, d)
        diag, off = self._theta_precision(x, d, h[0])
        se = np.empty(d.n_cells)
        starts = np.flatnonzero(d.prev < 0)
        for s, e in zip(starts, np.append(starts[1:], d.n_cells), strict=True):
            prec = np.diag(diag[s:e])
            if e - s > 1:
                prec += np.diag(off[s + 1:e], 1) + np.diag(off[s + 1:e], -1)
            se[s:e] = np.sqrt(np.diag(np.linalg.inv(prec)))
        return se

    def _simulate(self, x: np.ndarray, d: _Data, rng: np.random.Generator) -> np.ndarray:
        """Votes drawn from the model at ``x`` on the observed cells (in ``d``'s order)."""
        theta, beta, tau1, lgap = self._unpack(x, d)
        latent = beta[d.group] * theta[d.cell] + rng.standard_normal(len(d.y))
        y = (latent > tau1[d.group]).astype(np.int8)
        if lgap is not None:
            y += (latent > (tau1 + np.exp(lgap))[d.group]).astype(np.int8)
        return y

    def _parametric_bootstrap(self, x: np.ndarray, d: _Data) -> np.ndarray:
        """Refits on votes simulated from the estimate (warm-started at it)."""
        rng = np.random.default_rng(self.seed)
        reps = np.empty((self.n_boot, d.n_cells))
        for b in range(self.n_boot):
            sim = d.with_votes(self._simulate(x, d, rng))
            res = self._minimise(sim, x, self.max_iter, warm=0)
            theta = res.x[:d.n_cells]
            reps[b] = -theta if np.corrcoef(theta, x[:d.n_cells])[0, 1] < 0 else theta
            if self.verbose:
                print(f"bootstrap {b + 1}/{self.n_boot}: {res.nit} iterations")
        return reps
