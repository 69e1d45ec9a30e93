"""A focal state's UNGA alignment with each pole, with bootstrap intervals.

For a pole that is one state, the dyadic measure of :mod:`multivector.measures.similarity`.
For a bloc (EU, GCC) two readings, chosen by ``bloc``:

``mean`` (default)
    the unweighted mean of the measure over the bloc's members of the period, with the focal
    state left out of its own bloc. It answers "how close is the focal state to the typical
    member", and does not depend on the bloc voting as one.
``majority``
    the measure against the bloc's majority position: on each roll call, the vote most of its
    members cast (yes, abstain or no; no position on a tie). It answers "how close is the focal
    state to the line the bloc takes".

Uncertainty: a nonparametric bootstrap over the roll calls of a period (Efron & Tibshirani 1993,
An Introduction to the Bootstrap, ch. 13): ``n_boot`` resamples of the period's roll calls with
replacement, each giving the measure for every member and thus the pole's value; the interval is
the percentile interval at ``level``. Resamples are drawn as multinomial weights on the roll
calls, so one matrix product gives every replicate (no loop over replicates), and a seed fixes
them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import ndtri

from multivector.core.vocabulary import session_year
from multivector.measures.similarity import CATEGORIES, measure_from_counts

COLUMNS = ["iso3", "pole", "session", "year", "measure", "value", "lo", "hi", "n_votes",
           "n_members"]


def _onehot(codes: np.ndarray) -> np.ndarray:
    return np.stack([(codes == c) for c in CATEGORIES]).astype(np.float64)


def _majority(codes: np.ndarray) -> np.ndarray:
    """Per column, the code most rows cast among 1-3 (0 for none or a tie)."""
    tallies = np.stack([(codes == c).sum(axis=0) for c in CATEGORIES])  # (3, R)
    top = tallies.max(axis=0)
    winners = (tallies == top) & (top > 0)
    out = np.zeros(codes.shape[1], dtype=np.int8)
    unique = winners.sum(axis=0) == 1
    out[unique] = np.array(CATEGORIES, dtype=np.int8)[winners[:, unique].argmax(axis=0)]
    return out


def pole_alignment(votes: pd.DataFrame, rollcalls: pd.DataFrame, focal: str,
                   membership: pd.DataFrame, pole_ids: list[str] | None = None,
                   measure: str = "agreement", by: str = "session", bloc: str = "mean",
                   n_boot: int = 0, level: float = 0.95, seed: int = 0,
                   keep_replicates: bool = False
                   ) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Alignment of ``focal`` with each pole per period, with bootstrap intervals.

    Parameters
    ----------
    votes : pandas.DataFrame
        ``rcid, iso3, vote`` (Voeten's codes) for the focal state and the poles' members.
    rollcalls : pandas.DataFrame
        ``rcid, session, year`` of the roll calls to use (already subset).
    focal : str
        ISO3 code of the focal state.
    membership : pandas.DataFrame
        ``pole, iso3, year``: members per year. A session's members are those of the year it
        opened (:func:`multivector.core.vocabulary.session_year`); a calendar year's, those of
        that year.
    pole_ids : list of str, optional
        Poles in output order (default: order of appearance in ``membership``).
    measure : str
        A measure of :data:`multivector.measures.similarity.MEASURES`.
    by : {"session", "year"}
        Period: Voeten's session or the calendar year of the vote.
    bloc : {"mean", "majority"}
        How a bloc pole's value is formed (see the module docstring).
    n_boot : int
        Bootstrap replicates (0: no intervals).
    level : float
        Coverage of the percentile interval.
    seed : int
        Seed of the bootstrap.
    keep_replicates : bool
        Also return the bootstrap replicates, so that measures built on the alignment (the
        balance index) can carry the same resamples through.

    Returns
    -------
    pandas.DataFrame
        ``iso3, pole, session, year, measure, value, lo, hi, n_votes, n_members``; for
        ``by="year"`` the session is missing. ``n_votes`` is the number of roll calls both
        cast a vote on (for ``bloc="mean"``, averaged over members); ``n_members`` the members
        that count.
    pandas.DataFrame
        With ``keep_replicates``: ``pole, year, replicate, value``; replicate *b* of every pole
        in a period comes from the same resample of roll calls.
    """
    if bloc not in ("mean", "majority"):
        raise ValueError(f"bloc must be 'mean' or 'majority', got {bloc!r}")
    if by not in ("session", "year"):
        raise ValueError(f"by must be 'session' or 'year', got {by!r}")
    pole_ids = pole_ids or list(dict.fromkeys(membership["pole"]))
    v = votes[votes["vote"].isin(CATEGORIES)].merge(rollcalls[["rcid", by]], on="rcid")
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    rows, rep_frames = [], []
    for period, grp in v.groupby(by, sort=True):
        year = session_year(period) if by == "session" else int(period)
        f = grp[grp["iso3"] == focal]
        if f.empty:
            continue
        rcids = np.sort(f["rcid"].unique())  # roll calls the focal state voted on
        R = len(rcids)
        members = membership[(membership["year"] == year) & (membership["iso3"] != focal)]
        states = np.array(sorted(set(members["iso3"])), dtype=object)
        codes = np.zeros((len(states) + 1, R), dtype=np.int8)  # row 0: focal
        g = grp[grp["rcid"].isin(rcids)]
        index = {s: i + 1 for i, s in enumerate(states)} | {focal: 0}
        r_idx = np.searchsorted(rcids, g["rcid"].to_numpy())
        s_idx = g["iso3"].map(index)
        ok = s_idx.notna().to_numpy()
        codes[s_idx[ok].astype(int).to_numpy(), r_idx[ok]] = g["vote"].to_numpy()[ok]
        # the comparison rows: every member, then one majority row per bloc pole
        comp_rows, pole_cols = [codes[1:]], {}
        n_states = len(states)
        extra = 0
        for pole in pole_ids:
            mem = members.loc[members["pole"] == pole, "iso3"].to_numpy()
            cols = [index[m] - 1 for m in mem]
            if bloc == "majority" and len(cols) > 1:
                comp_rows.append(_majority(codes[1:][cols])[None, :])
                pole_cols[pole] = ("majority", [n_states + extra])
                extra += 1
            else:
                pole_cols[pole] = ("mean", cols)
        comp = np.concatenate(comp_rows, axis=0)  # (K, R)
        onehot_f, onehot_c = _onehot(codes[0]), _onehot(comp)  # (3, R), (3, K, R)
        X = (onehot_f[:, None, None, :] * onehot_c[None]).reshape(9 * comp.shape[0], R)
        point = X.sum(axis=1).reshape(3, 3, -1)  # (3, 3, K)
        joint = point.sum(axis=(0, 1))
        value_k = measure_from_counts(point, measure)
        if n_boot > 0:
            W = rng.multinomial(R, np.full(R, 1.0 / R), size=n_boot).astype(np.float64)
            boot = (X @ W.T).reshape(3, 3, comp.shape[0], n_boot)
            boot_k = measure_from_counts(boot, measure)  # (K, B)
        for pole in pole_ids:
            kind, cols = pole_cols[pole]
            cols = [c for c in cols if joint[c] > 0]
            if not cols:
                continue
            with warnings.catch_warnings():  # all-NaN replicates (no joint vote) stay NaN
                warnings.simplefilter("ignore", RuntimeWarning)
                value = float(np.nanmean(value_k[cols]))
                lo = hi = np.nan
                if n_boot > 0:
                    reps = np.nanmean(boot_k[cols], axis=0)
                    if keep_replicates:
                        rep_frames.append(pd.DataFrame({"pole": pole, "year": year,
                                                        "replicate": np.arange(n_boot),
                                                        "value": reps}))
                    reps = reps[np.isfinite(reps)]
                    if len(reps):
                        lo, hi = np.quantile(reps, [alpha, 1 - alpha])
            if kind == "mean":
                n_members = len(cols)
            else:  # members that cast at least one vote in the period
                mem = members.loc[members["pole"] == pole, "iso3"].to_numpy()
                n_members = int((codes[[index[m] for m in mem]] > 0).any(axis=1).sum())
            rows.append((focal, pole, int(period) if by == "session" else pd.NA, year,
                         measure, value, float(lo), float(hi), float(np.mean(joint[cols])),
                         n_members))
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["session"] = out["session"].astype("Int16")
    order = {p: i for i, p in enumerate(pole_ids)}
    out = out.sort_values(["pole", "year"], key=lambda s: s.map(order) if s.name == "pole"
                          else s).reset_index(drop=True)
    if keep_replicates:
        reps = (pd.concat(rep_frames, ignore_index=True) if rep_frames else
                pd.DataFrame(columns=["pole", "year", "replicate", "value"]))
        return out, reps
    return out


def idealpoint_distance(points: pd.DataFrame, focal: str, membership: pd.DataFrame,
                        pole_ids: list[str] | None = None, level: float = 0.95) -> pd.DataFrame:
    """Distance between the focal state's ideal point and each pole's, per session.

    ``|theta_focal - theta_pole|`` on the scale of :class:`DynamicIdealPoints` (smaller is
    closer); for a bloc, the mean distance over its members of the session's opening year
    (the focal state left out), as for the vote-based measures. The interval is
    ``d +- z se`` with ``se = sqrt(se_focal^2 + se_pole^2)`` (the two estimates treated as
    independent; for a bloc, the members' mean of that), cut at zero.

    Parameters
    ----------
    points : pandas.DataFrame
        ``iso3, session, year, theta, se``.

    Returns
    -------
    pandas.DataFrame
        Columns as :func:`pole_alignment`, measure ``idealpoint_distance``, ``n_votes``
        missing.
    """
    pole_ids = pole_ids or list(dict.fromkeys(membership["pole"]))
    z = ndtri(0.5 + level / 2)
    f = points[points["iso3"] == focal][["session", "theta", "se"]]
    p = points.assign(year=session_year(points["session"])).merge(
        membership[membership["iso3"] != focal], on=["iso3", "year"])
    m = p.merge(f, on="session", suffixes=("", "_f"))
    m["d"] = (m["theta"] - m["theta_f"]).abs()
    m["s"] = np.sqrt(m["se"] ** 2 + m["se_f"] ** 2)
    out = (m.groupby(["pole", "session"], as_index=False)
           .agg(value=("d", "mean"), se=("s", "mean"), n_members=("iso3", "nunique")))
    out["lo"] = (out["value"] - z * out["se"]).clip(lower=0.0)
    out["hi"] = out["value"] + z * out["se"]
    out["iso3"], out["measure"], out["n_votes"] = focal, "idealpoint_distance", np.nan
    out["year"] = session_year(out["session"])
    order = {q: i for i, q in enumerate(pole_ids)}
    out = out[out["pole"].isin(order)].sort_values(
        ["pole", "session"], key=lambda s: s.map(order) if s.name == "pole" else s)
    out["session"] = out["session"].astype("Int16")
    return out[COLUMNS].reset_index(drop=True)


def pole_trajectories(points: pd.DataFrame, membership: pd.DataFrame,
                      pole_ids: list[str], level: float = 0.95) -> pd.DataFrame:
    """Each pole's ideal point per session: a state's own, or a bloc's members' mean.

    A bloc's interval uses ``se = sqrt(sum se_i^2) / m`` (members treated as independent).

    Returns
    -------
    pandas.DataFrame
        ``pole, session, year, theta, lo, hi, n_members``.
    """
    z = ndtri(0.5 + level / 2)
    p = points.assign(year=session_year(points["session"])).merge(membership,
                                                                  on=["iso3", "year"])
    out = (p.assign(v=p["se"] ** 2).groupby(["pole", "session", "year"], as_index=False)
           .agg(theta=("theta", "mean"), v=("v", "sum"), n_members=("iso3", "nunique")))
    se = np.sqrt(out["v"]) / out["n_members"]
    out["lo"], out["hi"] = out["theta"] - z * se, out["theta"] + z * se
    out = out[out["pole"].isin(pole_ids)]
    return out[["pole", "session", "year", "theta", "lo", "hi", "n_members"]].reset_index(
        drop=True)
