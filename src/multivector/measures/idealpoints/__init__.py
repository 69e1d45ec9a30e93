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

Bridging (``bridging="title"``): roll calls on whole resolutions of identical title in
different sessions share their item parameters; :mod:`.bridging` states the rule.

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

The package: :mod:`.model` (the estimator), :mod:`.votes` (the vote list in index form),
:mod:`.bridging` (the bridging keys), :mod:`.likelihood` (priors, likelihood and curvature in
numpy), :mod:`.optimise` (start and preconditioned L-BFGS), :mod:`.uncertainty` (Laplace and
bootstrap intervals), :mod:`.device` (which device evaluates the likelihood) and
:mod:`.jax_likelihood` (the likelihood in jax, imported only when asked for).
"""

from multivector.measures.idealpoints.bridging import bridge_keys
from multivector.measures.idealpoints.device import resolve_device
from multivector.measures.idealpoints.model import DynamicIdealPoints

__all__ = ["DynamicIdealPoints", "bridge_keys", "resolve_device"]
