"""Benchmark: dynamic UNGA ideal points (``DynamicIdealPoints``), alone and against R.

Run from the repository root (needs a built warehouse: `multivector ingest`; the comparison with
R needs Rscript with the packages pscl and MCMCpack, e.g.
`apt-get install r-cran-pscl r-cran-mcmcpack`, and is skipped with a message without them)::

    .venv/bin/python benchmarks/idealpoints.py

Prints, in one run (about 30 minutes on 2 cores, most of it R's sampler):

1. the full 1946-2024 fit on all votes (ordinal: no < abstain < yes, bridged by resolution
   title, Laplace intervals): wall time, L-BFGS iterations, votes, state-sessions and items.
   Target (issue): under 60 s on 2 cores. Then the same fit with ``device="jax"`` when jax is
   installed (``pip install -e ".[jax]"``; skipped with a message otherwise): jax's device, its
   wall time beside numpy's, and how far the two estimates are apart. On a machine where jax
   sees no GPU this is jax on the CPU, and the output says that there is no GPU figure.
2. the same fit with parametric-bootstrap intervals (``N_BOOT`` refits): total time, time per
   refit, and the median ratio of the bootstrap interval width to the Laplace interval width.
   Target: intervals included in under 10 minutes on 2 cores.
3. binary (yes vs no) ideal points against the R estimators on the same votes (yes 1, no 0,
   abstention, absence and non-membership missing; roll calls on which every state voted alike
   dropped, as multivector and pscl do):

   a. ``MCMCpack::MCMCdynamicIRT1d`` (Martin & Quinn's dynamic model) on sessions 69-78, with
      the priors of multivector's model (random-walk variance 0.1^2, initial ideal point
      N(0, 1), item parameters N(0, 2.5^2)) and the United States constrained positive. The
      reference chain of 1,000 burn-in + 5,000 draws takes most of an hour on 2 cores, so the
      chain is shortened to ``MCMC_BURNIN + MCMC_DRAWS`` = 2,000 iterations; R's fixed set-up (the
      function builds its sparse vote list row by row) and its sampler are timed separately
      inside R, and only the sampler is SCALED LINEARLY to 6,000 iterations. Targets: at least
      100x faster, correlation of ideal points (with R's posterior means, over state-sessions)
      at least 0.98.

      Convergence, within the same run, from two R chains:

      - chain A starts from R's default (eigen) values: the correlation of ours with the means
        of the first and of the second half of its draws, and the half means of the states
        where the two estimates differ most, show whether the chain is still moving and which
        way (a shorter chain, 100 burn-in + 400 draws, was still moving: correlation 0.959);
      - chain B starts from multivector's estimates (``theta.start``: each state's mean over the
        sessions, the only form MCMCpack 1.6.3 accepts; item starts follow from it by R's own
        probit regressions) with a short burn-in (``MCMC_START_BURNIN + MCMC_START_DRAWS``): if
        R's posterior sits where our mode is, the chain stays there, half after half.
   b. ``pscl::ideal`` (static; ``maxiter=10000``, pscl's default burn-in and thinning,
      ``normalize=TRUE``) on session 77. Targets: at least 10x faster, correlation at least
      0.98.

   R's time is the estimation call timed inside R (``proc.time``), not R's start-up or the CSV
   files (the whole subprocess is printed too); multivector's time is its ``fit_seconds_``
   (data preparation included).

Figures are printed, never asserted. A compact table closes the output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from multivector import warehouse
from multivector.measures.idealpoints import DynamicIdealPoints

N_BOOT = 20
EVAL_REPEATS = 20
FULL_TARGET_S = 60.0
BOOT_TARGET_S = 600.0
MCMC_SESSIONS = (69, 78)  # inclusive
MCMC_BURNIN, MCMC_DRAWS = 1000, 1000
MCMC_START_BURNIN, MCMC_START_DRAWS = 100, 400  # chain B, started from our estimates
MCMC_REFERENCE = 6000  # 1,000 burn-in + 5,000 draws
PSCL_SESSION = 77
PSCL_MAXITER = 10000
INSTALL_HINT = "apt-get install r-cran-pscl r-cran-mcmcpack"

R_CHECK = r"""
ok <- vapply(c("pscl", "MCMCpack"), requireNamespace, logical(1), quietly = TRUE)
cat("R", R.version.string, "\n")
for (p in names(ok)) cat("PKG", p, if (ok[[p]]) as.character(packageVersion(p)) else "missing",
                         "\n")
"""

R_MCMC = r"""
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
burnin <- as.integer(args[2]); mcmc <- as.integer(args[3])
rw <- as.numeric(args[4]); item_prec <- as.numeric(args[5]); tag <- args[6]
suppressMessages(library(MCMCpack))
m <- as.matrix(read.csv(file.path(dir, "votes.csv"), row.names = 1, check.names = FALSE))
time_map <- read.csv(file.path(dir, "items.csv"))$time
# start values: NA (R's eigen start) or one value per state, as a plain numeric vector (a
# matrix is refused by MCMCpack 1.6.3's factor.score.start.check)
theta_start <- NA
start_file <- file.path(dir, "start.csv")
if (file.exists(start_file)) {
  start <- read.csv(start_file)
  theta_start <- as.numeric(start$theta[match(rownames(m), start$iso3)])
}
# mark the compiled sampler's start and end, to tell R's set-up from its iterations
steps <- as.list(body(MCMCdynamicIRT1d))
k <- which(vapply(steps, function(e) any(grepl("cMCMCdynamicIRT1d", deparse(e), fixed = TRUE)),
                  logical(1)))
.marks <- new.env()
.marks$t <- numeric(0)
suppressMessages(trace("MCMCdynamicIRT1d", at = c(k, k + 1), print = FALSE,
                       tracer = quote(assign("t", c(.marks$t, proc.time()[["elapsed"]]),
                                             envir = .marks))))
t0 <- proc.time()[["elapsed"]]
out <- MCMCdynamicIRT1d(m, item.time.map = time_map, theta.constraints = list(USA = "+"),
                        burnin = burnin, mcmc = mcmc, thin = 1, seed = 1,
                        theta.start = theta_start,
                        tau2.start = rw^2, c0 = -1, d0 = -1, e0 = 0, E0 = 1,
                        a0 = 0, A0 = item_prec, b0 = 0, B0 = item_prec,
                        store.item = FALSE, store.ability = TRUE)
t1 <- proc.time()[["elapsed"]]
theta <- out[, grep("^theta\\.", colnames(out)), drop = FALSE]
half <- seq_len(nrow(theta)) <= nrow(theta) / 2
write.csv(data.frame(name = colnames(theta), theta = colMeans(theta),
                     first_half = colMeans(theta[half, , drop = FALSE]),
                     second_half = colMeans(theta[!half, , drop = FALSE])),
          file.path(dir, paste0("theta_", tag, ".csv")), row.names = FALSE)
write.csv(data.frame(total = t1 - t0, setup = .marks$t[1] - t0,
                     sampler = .marks$t[2] - .marks$t[1]),
          file.path(dir, paste0("timing_", tag, ".csv")), row.names = FALSE)
"""

R_PSCL = r"""
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
maxiter <- as.integer(args[2])
suppressMessages(library(pscl))
m <- as.matrix(read.csv(file.path(dir, "votes.csv"), row.names = 1, check.names = FALSE))
rc <- rollcall(m, yea = 1, nay = 0, missing = NA, notInLegis = NULL,
               legis.names = rownames(m), vote.names = colnames(m))
set.seed(1)
t0 <- proc.time()[["elapsed"]]
fit <- ideal(rc, d = 1, maxiter = maxiter, normalize = TRUE)
t1 <- proc.time()[["elapsed"]]
write.csv(data.frame(iso3 = rownames(fit$xbar), theta = fit$xbar[, 1]),
          file.path(dir, "theta.csv"), row.names = FALSE)
write.csv(data.frame(total = t1 - t0), file.path(dir, "timing.csv"), row.names = FALSE)
"""


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    with warehouse.connect() as con:
        rc = con.execute("SELECT rcid, session, year, short, descr, amend, para "
                         "FROM unga_rollcalls").df()
        votes = con.execute("SELECT rcid, iso3, vote FROM unga_votes").df()
    return votes, rc


def window(votes: pd.DataFrame, rc: pd.DataFrame, first: int, last: int):
    """Votes and roll calls of sessions ``first``-``last``."""
    sub_rc = rc[rc["session"].between(first, last)]
    return votes[votes["rcid"].isin(sub_rc["rcid"])], sub_rc


def vote_matrix(votes: pd.DataFrame, rc: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """States x contested roll calls: 1 yes, 0 no, missing otherwise; and each column's session.

    Only states with at least one yes or no on a contested roll call are kept.
    """
    v = votes[votes["vote"].isin([1, 3])]
    m = (v.assign(y=(v["vote"] == 1).astype(float))
         .pivot_table(index="iso3", columns="rcid", values="y", aggfunc="first"))
    m = m.loc[:, m.nunique() > 1]
    m = m[m.notna().any(axis=1)]
    session = rc.drop_duplicates("rcid").set_index("rcid").loc[m.columns, "session"]
    return m, session


def correlate(ours: pd.DataFrame, peer: pd.DataFrame, on: list[str]) -> tuple[float, int, bool]:
    """|Pearson correlation| of ``theta`` over the common rows, their number, and whether the
    peer's scale is mirrored."""
    both = ours.merge(peer, on=on, suffixes=("", "_peer"))
    r = float(np.corrcoef(both["theta"], both["theta_peer"])[0, 1])
    return abs(r), len(both), r < 0


def discrepancies(ours: pd.DataFrame, peer: pd.DataFrame, on: list[str]) -> str:
    """Spearman correlation and the states furthest from a straight line between the two
    scales (each standardised), with their mean ideal points: where a low correlation
    comes from."""
    both = ours.merge(peer, on=on, suffixes=("", "_peer"))
    rho = abs(both["theta"].corr(both["theta_peer"], method="spearman"))
    r = np.corrcoef(both["theta"], both["theta_peer"])[0, 1]
    z = (both["theta"] - both["theta"].mean()) / both["theta"].std()
    z_peer = (both["theta_peer"] - both["theta_peer"].mean()) / both["theta_peer"].std()
    both["gap"] = (z - np.sign(r) * z_peer).abs()
    worst = both.groupby("iso3")[["gap", "theta", "theta_peer"]].mean().nlargest(3, "gap")
    states = ", ".join(f"{iso} ({row.theta:+.1f} vs {row.theta_peer:+.1f})"
                       for iso, row in worst.iterrows())
    return f"|Spearman| {rho:.4f}; largest differences (ours vs peer, mean theta): {states}"


def rscript(code: str, tmp: Path, name: str, *args, timeout: float) -> float:
    """Run an R script with ``tmp`` as its first argument; returns the wall time of the whole
    subprocess (raises on failure)."""
    path = tmp / f"{name}.R"
    path.write_text(code)
    start = time.perf_counter()
    res = subprocess.run(["Rscript", str(path), str(tmp), *map(str, args)], capture_output=True,
                         text=True, timeout=timeout)
    wall = time.perf_counter() - start
    if res.returncode != 0:
        raise RuntimeError(f"Rscript {name} failed ({res.returncode}): {res.stderr[-2000:]}")
    return wall


def r_versions() -> dict[str, str] | None:
    """R's version string and the versions of pscl and MCMCpack ('missing' if absent); None
    without Rscript."""
    if shutil.which("Rscript") is None:
        return None
    res = subprocess.run(["Rscript", "-e", R_CHECK], capture_output=True, text=True,
                         timeout=120)
    out = {}
    for line in res.stdout.splitlines():
        if line.startswith("R "):
            out["R"] = line[2:].strip()
        elif line.startswith("PKG "):
            _, pkg, ver = line.split()
            out[pkg] = ver
    return out if "R" in out else None


def full_fits(votes: pd.DataFrame, rc: pd.DataFrame, rows: list) -> None:
    print(f"\n1. Full fit 1946-2024, ordinal, Laplace intervals ({os.cpu_count()} CPUs)")
    lap = DynamicIdealPoints(mode="ordinal", intervals="laplace").fit(votes, rc)
    ip, items = lap.ideal_points_, lap.items_
    n_votes = int((votes["vote"].isin([1, 2, 3]) & votes["rcid"].isin(items["rcid"])).sum())
    n_groups = int(items["bridge_group"].nunique())
    n_bridged = int(items["bridge_group"].notna().sum())
    print(f"   votes (yes/abstain/no on contested roll calls) {n_votes:>12,d}")
    print(f"   state-sessions (ideal points)                   {len(ip):>12,d}")
    print(f"   items (roll calls)                              {len(items):>12,d}   "
          f"({n_bridged:,d} bridged in {n_groups:,d} title groups)")
    print(f"   sessions                                        {ip['session'].nunique():>12d}")
    print(f"   L-BFGS iterations                               {lap.n_iter_:>12d}   "
          f"converged: {lap.converged_}")
    print(f"   wall time (fit_seconds_)                        {lap.fit_seconds_:>12.1f} s   "
          f"target < {FULL_TARGET_S:.0f} s")
    print(f"   likelihood evaluated by                         {lap.device_:>12s}")
    rows.append(("full fit 1946-2024, ordinal + Laplace", lap.fit_seconds_, None, None, None,
                 f"< {FULL_TARGET_S:.0f} s"))
    with_jax(votes, rc, lap, rows)

    print(f"\n2. Same fit with parametric-bootstrap intervals (n_boot={N_BOOT})")
    boot = DynamicIdealPoints(mode="ordinal", intervals="bootstrap", n_boot=N_BOOT).fit(votes, rc)
    per_rep = (boot.fit_seconds_ - lap.fit_seconds_) / N_BOOT
    both = ip.merge(boot.ideal_points_, on=["iso3", "session"], suffixes=("_lap", "_boot"))
    ratio = (both["hi_boot"] - both["lo_boot"]) / (both["hi_lap"] - both["lo_lap"])
    q10, q50, q90 = np.nanquantile(ratio, [0.1, 0.5, 0.9])
    max_boot = int((BOOT_TARGET_S - lap.fit_seconds_) // per_rep) if per_rep > 0 else 0
    print(f"   total wall time (fit + {N_BOOT} refits)              {boot.fit_seconds_:>9.1f} s   "
          f"target < {BOOT_TARGET_S:.0f} s")
    print(f"   per refit (warm-started at the estimate)          {per_rep:>9.1f} s   "
          f"(about {max_boot} refits would fit in {BOOT_TARGET_S:.0f} s)")
    print(f"   same point estimates as the Laplace fit: max |diff| "
          f"{(both['theta_lap'] - both['theta_boot']).abs().max():.1e}")
    print(f"   bootstrap / Laplace 95% interval width: median {q50:.2f} "
          f"(10%: {q10:.2f}, 90%: {q90:.2f}) over {ratio.notna().sum():,d} state-sessions")
    rows.append((f"full fit + bootstrap intervals (n_boot={N_BOOT})", boot.fit_seconds_, None,
                 None, None, f"< {BOOT_TARGET_S:.0f} s"))


def with_jax(votes: pd.DataFrame, rc: pd.DataFrame, ref: DynamicIdealPoints,
             rows: list) -> None:
    """The full fit again with ``device="jax"``, beside numpy's ``ref``."""
    print("\n1b. Same fit, likelihood in jax (device='jax')")
    try:
        from multivector.measures.idealpoints import jax_likelihood as jx
    except ImportError as exc:
        print(f"   skipped: jax is not installed ({exc}); pip install -e '.[jax]' "
              f"(CPU) or '.[gpu]' (NVIDIA GPU)")
        return
    gpus = jx.gpu_devices()
    fit = DynamicIdealPoints(mode="ordinal", intervals="laplace", device="jax").fit(votes, rc)
    both = ref.ideal_points_.merge(fit.ideal_points_, on=["iso3", "session"],
                                   suffixes=("", "_jax"))
    print(f"   device                                          {fit.device_}")
    print(f"   L-BFGS iterations                               {fit.n_iter_:>12d}   "
          f"converged: {fit.converged_}")
    print(f"   wall time (fit_seconds_, compilation included)  {fit.fit_seconds_:>12.1f} s   "
          f"numpy: {ref.fit_seconds_:.1f} s ({ref.device_}); "
          f"jax / numpy = {fit.fit_seconds_ / ref.fit_seconds_:.2f}")
    print(f"   agreement with numpy: objective rel. diff "
          f"{abs(fit.objective_ - ref.objective_) / abs(ref.objective_):.1e}, "
          f"max |theta diff| {(both['theta'] - both['theta_jax']).abs().max():.1e}, "
          f"corr {np.corrcoef(both['theta'], both['theta_jax'])[0, 1]:.9f}")
    per_eval = {}
    for name, model in (("numpy", ref), ("jax", fit)):
        model._neg_loglik(model.x_, model._data)  # warm (compiled, threads started)
        tic = time.perf_counter()
        for _ in range(EVAL_REPEATS):
            model._neg_loglik(model.x_, model._data)
        per_eval[name] = (time.perf_counter() - tic) / EVAL_REPEATS
    print(f"   one likelihood + gradient evaluation over all votes (mean of {EVAL_REPEATS}): "
          f"numpy {per_eval['numpy'] * 1e3:.1f} ms, jax {per_eval['jax'] * 1e3:.1f} ms")
    if not gpus:
        print("   GPU: jax sees no GPU on this machine, so there is NO GPU figure; the jax "
              "timings above are jax on the CPU")
    rows.append((f"full fit, jax on {'GPU' if gpus else 'CPU'} (numpy above)", fit.fit_seconds_,
                 None, None, None, "no GPU figure" if not gpus else "GPU"))


def run_mcmc(m: pd.DataFrame, session: pd.Series, first: int, burnin: int, draws: int,
             model: DynamicIdealPoints, tag: str, start: pd.DataFrame | None = None):
    """One MCMCdynamicIRT1d chain on vote matrix ``m``; ``start``: ``iso3, theta`` starting
    values (R's eigen start without). Returns R's posterior means (``iso3, session, theta,
    first_half, second_half``), R's timing (total, setup, sampler) and the subprocess wall
    time; raises on failure."""
    with tempfile.TemporaryDirectory(prefix="mv-bench-r-") as tmp:
        tmp = Path(tmp)
        m.to_csv(tmp / "votes.csv")
        pd.DataFrame({"rcid": m.columns, "time": session.to_numpy() - first + 1}).to_csv(
            tmp / "items.csv", index=False)
        if start is not None:
            start.to_csv(tmp / "start.csv", index=False)
        wall = rscript(R_MCMC, tmp, "mcmc", burnin, draws, model.rw_scale,
                       1 / model.item_scale ** 2, tag, timeout=3600)
        timing = pd.read_csv(tmp / f"timing_{tag}.csv").iloc[0]
        theta = pd.read_csv(tmp / f"theta_{tag}.csv")
    parts = theta["name"].str.extract(r"^theta\.(.+)\.t(\d+)$")
    peer = pd.DataFrame({"iso3": parts[0], "session": parts[1].astype(int) + first - 1,
                         "theta": theta["theta"], "first_half": theta["first_half"],
                         "second_half": theta["second_half"]})
    return peer, timing, wall


def halves(ours: pd.DataFrame, peer: pd.DataFrame) -> tuple[float, float]:
    """|corr| of ours with the means of the first and of the second half of R's draws."""
    on = ["iso3", "session"]
    return tuple(correlate(ours, peer[on].assign(theta=peer[h]), on)[0]
                 for h in ("first_half", "second_half"))


def against_mcmcpack(votes: pd.DataFrame, rc: pd.DataFrame, rows: list) -> None:
    first, last = MCMC_SESSIONS
    iters = MCMC_BURNIN + MCMC_DRAWS
    on = ["iso3", "session"]
    print(f"\n3a. Binary, sessions {first}-{last}: multivector vs MCMCpack::MCMCdynamicIRT1d")
    sub_votes, sub_rc = window(votes, rc, first, last)
    model = DynamicIdealPoints(mode="binary", bridging="none", intervals=None)
    model.fit(sub_votes, sub_rc)
    ours = model.ideal_points_[["iso3", "session", "theta"]]
    m, session = vote_matrix(sub_votes, sub_rc)
    print(f"   vote matrix: {m.shape[0]} states x {m.shape[1]} contested roll calls, "
          f"{int(m.notna().sum().sum()):,d} yes/no votes")
    print(f"   multivector: {model.fit_seconds_:.2f} s, {model.n_iter_} iterations, "
          f"{len(ours):,d} state-sessions")
    try:
        peer, timing, wall = run_mcmc(m, session, first, MCMC_BURNIN, MCMC_DRAWS, model, "a")
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"   MCMCdynamicIRT1d did not run: {exc}")
        return
    total, setup, sampler = timing["total"], timing["setup"], timing["sampler"]
    scaled = total + sampler * (MCMC_REFERENCE / iters - 1)
    corr, n, flipped = correlate(ours, peer, on)
    speed = scaled / model.fit_seconds_
    print(f"   chain A (R's default eigen start), measured for burnin={MCMC_BURNIN:,d} + "
          f"mcmc={MCMC_DRAWS:,d} = {iters:,d} iterations: {total:.1f} s in R (set-up "
          f"{setup:.1f} s, sampler {sampler:.1f} s = {sampler / iters:.3f} s/iteration); whole "
          f"Rscript subprocess {wall:.1f} s")
    print(f"   R, SCALED LINEARLY to the reference {MCMC_REFERENCE:,d} iterations (1,000 burn-in "
          f"+ 5,000 draws): set-up + sampler x {MCMC_REFERENCE / iters:g} = {scaled:.0f} s "
          f"({scaled / 60:.1f} min; scaling the whole call instead: "
          f"{total * MCMC_REFERENCE / iters / 60:.1f} min)")
    print(f"   speed-up vs scaled R: {speed:,.0f}x   target >= 100x")
    print(f"   |corr| with R's posterior means over {n:,d} common state-sessions "
          f"({len(peer):,d} in R, {len(ours):,d} ours): {corr:.4f}   target >= 0.98"
          f"{'  (R scale mirrored)' if flipped else ''}")
    print(f"   {discrepancies(ours, peer, on)}")
    rows.append((f"binary {first}-{last} vs MCMCdynamicIRT1d (R scaled)", model.fit_seconds_,
                 scaled, speed, corr, ">= 100x, >= 0.98"))

    # convergence: chain A's halves, then chain B started from our estimates
    sign = -1.0 if flipped else 1.0
    h_a = halves(ours, peer)
    change = h_a[1] - h_a[0]
    print("\n   Convergence of R's chains, in this run:")
    print(f"   chain A, |corr| of ours with the means of the first / second half of its "
          f"{MCMC_DRAWS:,d} draws: {h_a[0]:.4f} / {h_a[1]:.4f} (change {change:+.4f}: "
          f"{'still moving' if abs(change) >= 0.002 else 'under 0.002'})")
    start = ours.groupby("iso3", as_index=False)["theta"].mean()
    b_iters = MCMC_START_BURNIN + MCMC_START_DRAWS
    try:
        peer_b, timing_b, _ = run_mcmc(m, session, first, MCMC_START_BURNIN, MCMC_START_DRAWS,
                                       model, "b", start=start)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"   chain B (started from our estimates) did not run: {exc}")
        return
    corr_b = correlate(ours, peer_b, on)[0]
    h_b = halves(ours, peer_b)
    print(f"   chain B, started from multivector's estimates (each state's mean over the "
          f"sessions), burnin={MCMC_START_BURNIN} + mcmc={MCMC_START_DRAWS} = {b_iters} "
          f"iterations ({timing_b['total']:.0f} s in R): |corr| with ours {corr_b:.4f}; "
          f"first / second half {h_b[0]:.4f} / {h_b[1]:.4f}")
    print(f"   chains A and B, |corr| of their posterior means: "
          f"{correlate(peer[[*on, 'theta']], peer_b[[*on, 'theta']], on)[0]:.4f}")
    # where A and ours differ most: the extreme states, and which way A's means are moving
    both = ours.merge(peer, on=on, suffixes=("", "_a")).merge(
        peer_b.rename(columns={c: f"{c}_b" for c in ("theta", "first_half", "second_half")}),
        on=on)
    means = both.groupby("iso3")[["theta", "first_half", "second_half", "first_half_b",
                                  "second_half_b"]].mean()
    extreme = means["theta"].abs().nlargest(3).index
    print("   mean ideal point over the sessions, for our three most extreme states "
          "(R's means, first half -> second half of the draws):")
    for iso in extreme:
        r = means.loc[iso]
        print(f"     {iso}: ours {r['theta']:+.2f}; chain A {sign * r['first_half']:+.2f} -> "
              f"{sign * r['second_half']:+.2f}; chain B {sign * r['first_half_b']:+.2f} -> "
              f"{sign * r['second_half_b']:+.2f}")
    print(f"   note: R's headline means come from a {MCMC_DRAWS:,d}-draw chain after "
          f"{MCMC_BURNIN:,d} burn-in, not the {MCMC_REFERENCE:,d}-iteration reference chain; "
          f"only its time is scaled")
    rows.append((f"  R chain B, started from ours ({b_iters} iterations)", None,
                 float(timing_b["total"]), None, corr_b, "convergence check"))


def against_pscl(votes: pd.DataFrame, rc: pd.DataFrame, rows: list) -> None:
    print(f"\n3b. Binary, session {PSCL_SESSION}: multivector vs pscl::ideal "
          f"(maxiter={PSCL_MAXITER:,d}, pscl's default burn-in and thinning, normalize=TRUE)")
    sub_votes, sub_rc = window(votes, rc, PSCL_SESSION, PSCL_SESSION)
    model = DynamicIdealPoints(mode="binary", bridging="none", intervals=None)
    model.fit(sub_votes, sub_rc)
    ours = model.ideal_points_[["iso3", "theta"]]
    m, _ = vote_matrix(sub_votes, sub_rc)
    print(f"   vote matrix: {m.shape[0]} states x {m.shape[1]} contested roll calls, "
          f"{int(m.notna().sum().sum()):,d} yes/no votes")
    print(f"   multivector: {model.fit_seconds_:.3f} s, {model.n_iter_} iterations")
    with tempfile.TemporaryDirectory(prefix="mv-bench-r-") as tmp:
        tmp = Path(tmp)
        m.to_csv(tmp / "votes.csv")
        try:
            wall = rscript(R_PSCL, tmp, "pscl", PSCL_MAXITER, timeout=1200)
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            print(f"   pscl::ideal did not run: {exc}")
            return
        total = float(pd.read_csv(tmp / "timing.csv")["total"].iloc[0])
        peer = pd.read_csv(tmp / "theta.csv")
    corr, n, flipped = correlate(ours, peer, ["iso3"])
    speed = total / model.fit_seconds_
    print(f"   R: {total:.2f} s in R for ideal(); whole Rscript subprocess {wall:.1f} s")
    print(f"   speed-up: {speed:,.0f}x   target >= 10x")
    print(f"   |corr| with pscl's posterior means (xbar) over {n} states: {corr:.4f}   "
          f"target >= 0.98{'  (pscl scale mirrored)' if flipped else ''}")
    print(f"   {discrepancies(ours, peer, ['iso3'])}")
    rows.append((f"binary session {PSCL_SESSION} vs pscl::ideal", model.fit_seconds_, total,
                 speed, corr, ">= 10x, >= 0.98"))


def table(rows: list) -> None:
    def cell(x, spec: str, width: int, suffix: str = "") -> str:
        return f"{'-' if x is None else format(x, spec) + suffix:>{width}s}"

    print(f"\n{'measure':48s} {'ours (s)':>9s} {'peer (s)':>9s} {'ratio':>7s} "
          f"{'corr':>7s}  target")
    for name, ours, peer, ratio, corr, target in rows:
        print(f"{name:48s} {cell(ours, '.2f', 9)} {cell(peer, '.1f', 9)} "
              f"{cell(ratio, ',.0f', 7, 'x')} {cell(corr, '.4f', 7)}  {target}")


def main() -> None:
    start = time.perf_counter()
    votes, rc = load()
    print(f"Dynamic ideal points benchmark ({os.cpu_count()} CPUs; {len(rc):,} roll calls, "
          f"{len(votes):,} vote rows, sessions {rc['session'].min()}-{rc['session'].max()})")
    rows: list = []
    full_fits(votes, rc, rows)

    versions = r_versions()
    if versions is None:
        print(f"\n3. R comparison skipped: Rscript not found (install R and the packages: "
              f"`{INSTALL_HINT}`)")
    else:
        print(f"\n3. R comparison: {versions['R']}; MCMCpack {versions.get('MCMCpack')}, "
              f"pscl {versions.get('pscl')}")
        if versions.get("MCMCpack", "missing") == "missing":
            print(f"3a. skipped: R package MCMCpack is missing (install: `{INSTALL_HINT}`)")
        else:
            against_mcmcpack(votes, rc, rows)
        if versions.get("pscl", "missing") == "missing":
            print(f"3b. skipped: R package pscl is missing (install: `{INSTALL_HINT}`)")
        else:
            against_pscl(votes, rc, rows)
    table(rows)
    print(f"\nbenchmark wall time: {(time.perf_counter() - start) / 60:.1f} min")


if __name__ == "__main__":
    main()
