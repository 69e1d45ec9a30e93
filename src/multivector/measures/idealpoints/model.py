"""The dynamic ordinal ideal-point estimator of Bailey, Strezhnev & Voeten (2017).

The model, its identification and its intervals are described in the package docstring
(:mod:`multivector.measures.idealpoints`); the numerics are in the package's other modules.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special
from threadpoolctl import threadpool_limits

from multivector.core.vocabulary import session_year
from multivector.measures.idealpoints import device as devices
from multivector.measures.idealpoints.likelihood import (
    Priors,
    neg_log_prior,
    thread_chunks,
    unpack,
)
from multivector.measures.idealpoints.likelihood import neg_loglik as neg_loglik_numpy
from multivector.measures.idealpoints.optimise import flip, minimise, start_values
from multivector.measures.idealpoints.uncertainty import laplace_se, parametric_bootstrap
from multivector.measures.idealpoints.votes import VoteData, check_settings, prepare_votes


class DynamicIdealPoints:
    """Dynamic ordinal (or binary) ideal points of UNGA states, scikit-learn style.

    Parameters
    ----------
    rw_scale : float
        Standard deviation of a state's ideal-point step from one session to the next.
    bridging : {"title", "none"}
        Share item parameters across sessions for identical resolutions (:mod:`.bridging`).
    mode : {"ordinal", "binary"}
        Ordered probit on no < abstain < yes, or a probit on yes vs no (abstentions dropped),
        as the R estimators MCMCpack and pscl use.
    item_scale : float
        Prior standard deviation of discriminations and cutpoints.
    gap_scale : float
        Prior standard deviation of the log distance between the two cutpoints (centred on
        log 0.5); it keeps items with no abstention from collapsing their cutpoints.
    intervals : {"laplace", "bootstrap", None}
        How ``lo``/``hi`` are computed (see the package docstring).
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
        What evaluates the likelihood over the votes (see
        :func:`~multivector.measures.idealpoints.device.resolve_device`): numpy
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

    # -- data and settings -----------------------------------------------------------------

    def _prepare(self, votes: pd.DataFrame, rollcalls: pd.DataFrame
                 ) -> tuple[VoteData, pd.DataFrame, pd.DataFrame]:
        """The votes in index form, the cells and the items (:func:`.votes.prepare_votes`)."""
        check_settings(self.mode, self.bridging)
        self._jax_device()  # an unknown device, or jax missing, fails before any work
        d, cells, items = prepare_votes(votes, rollcalls, self.mode, self.bridging)
        self._cell_session = cells["session"].to_numpy()
        return d, cells, items

    def _priors(self) -> Priors:
        return Priors(self.rw_scale, self.item_scale, self.gap_scale)

    def _jax_device(self) -> Any | None:
        """The jax device of the likelihood, or None for numpy (resolved once per setting)."""
        if getattr(self, "_resolved", (None,))[0] != self.device:
            self._resolved = (self.device, devices.resolve_device(self.device))
        return self._resolved[1]

    def _map(self, fn, chunks: list) -> list:
        """``fn`` over ``chunks``, in ``n_threads`` threads (numpy and scipy release the GIL)."""
        if self.n_threads <= 1 or len(chunks) == 1:
            return [fn(c) for c in chunks]
        if getattr(self, "_pool", None) is None:
            self._pool = ThreadPoolExecutor(max_workers=self.n_threads)
        return list(self._pool.map(fn, chunks))

    # -- objective -------------------------------------------------------------------------

    def _objective(self, x: np.ndarray, d: VoteData) -> tuple[float, np.ndarray]:
        """Negative log posterior and its exact gradient."""
        value, grad = neg_log_prior(x, d, self._priors())
        ll_value, ll_grad = self._neg_loglik(x, d)
        return value + ll_value, grad + ll_grad

    def _value(self, x: np.ndarray, d: VoteData) -> float:
        return self._objective(x, d)[0]

    def _neg_loglik(self, x: np.ndarray, d: VoteData) -> tuple[float, np.ndarray]:
        """Negative log-likelihood of the votes and its exact gradient, on the device."""
        dev = self._jax_device()
        if dev is None:
            return neg_loglik_numpy(x, d, thread_chunks(d, self.n_threads), self._map)
        key = ("jax", dev)
        if key not in d.cache:
            d.cache[key] = devices.jax_likelihood().JaxLikelihood(
                d.cell, d.group, d.y, d.n_cells, d.n_groups, d.n_cuts, dev)
        return d.cache[key](x)

    # -- optimisation ----------------------------------------------------------------------

    def _minimise(self, d: VoteData, x0: np.ndarray, max_iter: int, warm: int = 30,
                  refresh: int = 150) -> optimize.OptimizeResult:
        """Preconditioned L-BFGS from ``x0`` (:func:`.optimise.minimise`)."""
        return minimise(self._objective, d, x0, self._priors(), max_iter, self.tol, warm,
                        refresh, self.verbose)

    def _start(self, d: VoteData, session: np.ndarray | None = None) -> np.ndarray:
        """Start on the principal axis of each session's votes (:func:`.optimise.start_values`);
        ``session`` of each cell, by default those of the last data prepared."""
        return start_values(d, self._cell_session if session is None else session)

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
        self.device_ = devices.describe(self._jax_device(), self.n_threads)
        res = self._minimise(d, self._start(d), self.max_iter)
        x = res.x
        anchor = cells["iso3"].to_numpy() == self.anchor
        if anchor.any() and x[:d.n_cells][anchor].mean() < 0:
            x = flip(x, d)
        theta, beta, tau1, lgap = unpack(x, d)
        self._data, self._cells, self.x_ = d, cells, x
        self.n_iter_, self.converged_ = int(res.nit), bool(res.success)
        self.objective_ = float(res.fun)
        ip = cells.copy()
        ip["year"] = (ip["session"].map(rollcalls.groupby("session")["year"].min())
                      if "year" in rollcalls else session_year(ip["session"])).astype(int)
        ip["theta"] = theta
        ip["se"] = laplace_se(x, d, self.rw_scale) if self.intervals == "laplace" else np.nan
        z = special.ndtri(0.5 + self.level / 2)
        if self.intervals == "laplace":
            ip["lo"], ip["hi"] = theta - z * ip["se"], theta + z * ip["se"]
        elif self.intervals == "bootstrap":
            reps = parametric_bootstrap(x, d, self._refit, self.n_boot, self.seed, self.verbose)
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

    def _refit(self, d: VoteData, x0: np.ndarray) -> tuple[np.ndarray, int]:
        """A bootstrap replicate's estimate, warm-started at the estimate ``x0``."""
        res = self._minimise(d, x0, self.max_iter, warm=0)
        return res.x, res.nit
