"""Voting similarity in the UN General Assembly, from the 3x3 cross-tabulation of two states' votes.

Every dyadic measure here is a function of the counts ``n[a, b]``: the number of roll calls of a
session on which state *i* cast *a* and state *j* cast *b* (a, b in yes, abstain, no). With
one-hot matrices ``V_c`` (states x roll calls, 1 where the state cast ``c``), the counts for all
pairs at once are the matrix products ``V_a @ V_b.T``, so a session's all-dyad table is nine
matrix products rather than a loop over pairs. Absences (8) and non-membership (9) are missing,
never votes.

Agreement follows Voeten's definition (Bailey, Strezhnev & Voeten 2017, Journal of Conflict
Resolution 61(2): 430-456): the share of roll calls, among those where both states cast yes,
abstain or no, on which they cast the same vote.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CATEGORIES = (1, 2, 3)  # yes, abstain, no
PAIR_COLUMNS = [f"n{a}{b}" for a in CATEGORIES for b in CATEGORIES]


def _one_hot(codes: np.ndarray) -> np.ndarray:
    """(3, states, rollcalls) float32 indicators of yes / abstain / no."""
    return np.stack([(codes == c) for c in CATEGORIES]).astype(np.float32)


def crosstab_counts(votes: pd.DataFrame, rollcalls: pd.DataFrame, focal: list[str] | None = None,
                    by: str = "session") -> pd.DataFrame:
    """Cross-tabulated vote counts for every dyad and period.

    Parameters
    ----------
    votes : pandas.DataFrame
        ``rcid, iso3, vote`` with Voeten's codes (1 yes, 2 abstain, 3 no, 8 absent, 9 not a
        member); codes other than 1-3 are treated as missing.
    rollcalls : pandas.DataFrame
        ``rcid`` and the period column named by ``by`` (``session`` or ``year``).
    focal : list of str, optional
        Restrict the first state of each dyad to these ISO3 codes (all states when None).
    by : str
        Period column of ``rollcalls``.

    Returns
    -------
    pandas.DataFrame
        ``iso3_a, iso3_b, <by>, n11, n12, ..., n33, n_votes``: one row per ordered dyad
        (a != b) with at least one jointly cast vote; ``nab`` counts roll calls where a cast
        ``a`` and b cast ``b``; ``n_votes`` is their sum.
    """
    v = votes[votes["vote"].isin(CATEGORIES)].merge(rollcalls[["rcid", by]], on="rcid")
    out = []
    for period, grp in v.groupby(by, sort=True):
        iso = np.sort(grp["iso3"].unique())
        rcids = np.sort(grp["rcid"].unique())
        codes = np.zeros((len(iso), len(rcids)), dtype=np.int8)
        codes[np.searchsorted(iso, grp["iso3"].to_numpy()),
              np.searchsorted(rcids, grp["rcid"].to_numpy())] = grp["vote"].to_numpy()
        onehot = _one_hot(codes)
        rows = (np.flatnonzero(np.isin(iso, focal)) if focal is not None
                else np.arange(len(iso)))
        if len(rows) == 0:
            continue
        # counts[a, b] = V_a[rows] @ V_b.T  -> (3, 3, len(rows), len(iso))
        counts = np.einsum("asr,btr->abst", onehot[:, rows], onehot, optimize=True)
        a_idx, b_idx = np.meshgrid(rows, np.arange(len(iso)), indexing="ij")
        flat = counts.reshape(9, -1)
        n = flat.sum(axis=0)
        keep = (a_idx.ravel() != b_idx.ravel()) & (n > 0)
        frame = pd.DataFrame(flat[:, keep].T.astype(np.int32), columns=PAIR_COLUMNS)
        frame.insert(0, "iso3_a", iso[a_idx.ravel()[keep]])
        frame.insert(1, "iso3_b", iso[b_idx.ravel()[keep]])
        frame.insert(2, by, period)
        frame["n_votes"] = n[keep].astype(np.int32)
        out.append(frame)
    if not out:
        return pd.DataFrame(columns=["iso3_a", "iso3_b", by, *PAIR_COLUMNS, "n_votes"])
    return pd.concat(out, ignore_index=True)


def agreement(counts: pd.DataFrame) -> pd.Series:
    """Voeten's agreement: share of jointly cast votes on which the two states voted alike.

    ``(n11 + n22 + n33) / n`` over the cross-tabulated counts of :func:`crosstab_counts`.
    """
    same = counts["n11"] + counts["n22"] + counts["n33"]
    return (same / counts["n_votes"]).astype(float)


# --- every measure, from the 3x3 counts ------------------------------------------------------

MEASURES = ("agreement", "agreement_half", "kappa", "pi", "s_abs", "s_sq")
MEASURE_TITLES = {
    "agreement": "agreement (share of identical votes)",
    "agreement_half": "agreement, half credit for abstentions",
    "kappa": "Cohen's kappa",
    "pi": "Scott's pi",
    "s_abs": "Signorino-Ritter S (absolute distance)",
    "s_sq": "Signorino-Ritter S (squared distance)",
    "idealpoint_distance": "ideal-point distance (smaller is closer)",
}
_CODE = np.array(CATEGORIES, dtype=np.float64)
_SAME = np.eye(3)
# yes or no against abstain: half credit; yes against no: none
_HALF = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]])
_ABS = np.abs(_CODE[:, None] - _CODE[None, :])


def measure_from_counts(n: np.ndarray, measure: str) -> np.ndarray:
    """A dyadic measure from cross-tabulated counts.

    Parameters
    ----------
    n : numpy.ndarray
        Counts with the two leading axes (3, 3) indexed by the two states' votes (yes, abstain,
        no); any trailing shape (dyads, bootstrap replicates...). Counts may be weights.
    measure : str
        One of :data:`MEASURES`:

        ``agreement``
            ``sum_a n_aa / n`` (Voeten; Bailey, Strezhnev & Voeten 2017).
        ``agreement_half``
            as agreement, with 0.5 for yes or no against abstain and 0 for yes against no.
        ``kappa``
            Cohen's kappa, ``(p_o - p_e) / (1 - p_e)`` with ``p_e = sum_c p_ic p_jc`` from each
            state's own marginal shares (Häge 2011, Political Analysis 19(3): 287-305).
        ``pi``
            Scott's pi, the same with pooled marginals ``p_e = sum_c ((p_ic + p_jc) / 2)^2``.
        ``s_abs``, ``s_sq``
            Signorino & Ritter's S (1999, International Studies Quarterly 43(1): 115-144),
            ``1 - 2 d / d_max`` with ``d = sum_k |x_ik - x_jk|^p`` on the 1-3 scale, ``p`` = 1
            or 2, and ``d_max = n 2^p``.

        Kappa and pi are 0/0 when both states cast one and the same category throughout
        (``p_e = 1``); the agreement is then perfect and the value is set to 1.

    Returns
    -------
    numpy.ndarray
        The measure, of the trailing shape; NaN where ``n = 0``.
    """
    n = np.asarray(n, dtype=np.float64)
    total = n.sum(axis=(0, 1))
    with np.errstate(invalid="ignore", divide="ignore"):
        if measure == "agreement":
            return np.einsum("ab,ab...->...", _SAME, n) / total
        if measure == "agreement_half":
            return np.einsum("ab,ab...->...", _HALF, n) / total
        if measure in ("kappa", "pi"):
            p_o = np.einsum("ab,ab...->...", _SAME, n) / total
            p_i = n.sum(axis=1) / total  # (3, ...)
            p_j = n.sum(axis=0) / total
            p_e = ((p_i * p_j).sum(axis=0) if measure == "kappa"
                   else (((p_i + p_j) / 2) ** 2).sum(axis=0))
            value = (p_o - p_e) / (1 - p_e)
            return np.where(np.isclose(p_e, 1.0) & (total > 0), 1.0, value)
        if measure in ("s_abs", "s_sq"):
            p = 1 if measure == "s_abs" else 2
            d = np.einsum("ab,ab...->...", _ABS**p, n)
            return 1 - 2 * d / (total * 2**p)
    raise ValueError(f"unknown measure {measure!r}; known: {', '.join(MEASURES)}")


def counts_array(counts: pd.DataFrame) -> np.ndarray:
    """The (3, 3, rows) array of a :func:`crosstab_counts` frame's ``n11..n33`` columns."""
    return counts[PAIR_COLUMNS].to_numpy(dtype=np.float64).T.reshape(3, 3, -1)


def dyad_measures(counts: pd.DataFrame, measures: tuple[str, ...] | list[str] = MEASURES,
                  by: str = "session") -> pd.DataFrame:
    """Long table of measures for every dyad and period of a :func:`crosstab_counts` frame.

    Returns
    -------
    pandas.DataFrame
        ``iso3_a, iso3_b, <by>, measure, value, n_votes``.
    """
    arr = counts_array(counts)
    frames = []
    for m in measures:
        frames.append(pd.DataFrame({
            "iso3_a": counts["iso3_a"].to_numpy(), "iso3_b": counts["iso3_b"].to_numpy(),
            by: counts[by].to_numpy(), "measure": m,
            "value": measure_from_counts(arr, m), "n_votes": counts["n_votes"].to_numpy()}))
    if not frames:
        return pd.DataFrame(columns=["iso3_a", "iso3_b", by, "measure", "value", "n_votes"])
    return pd.concat(frames, ignore_index=True)


def subset_rollcalls(rollcalls: pd.DataFrame, issue: str | None = None,
                     important_only: bool = False, amendments: bool = True,
                     paragraphs: bool = True) -> pd.DataFrame:
    """Roll calls of a subset.

    Parameters
    ----------
    issue : {"me", "nu", "di", "hr", "co", "ec"}, optional
        Keep roll calls coded with this issue (Voeten: Middle East, nuclear weapons, disarmament,
        human rights, colonialism, economic development).
    important_only : bool
        Keep the votes the US State Department listed as important (Voeten's coding).
    amendments, paragraphs : bool
        When False, drop roll calls flagged as votes on an amendment or a separate paragraph.
        The flags exist where the unvotes release has them (to 2019); roll calls without the
        flag are kept.
    """
    rc = rollcalls

    def flag(col: str) -> pd.Series:
        return rc[col].astype("boolean").fillna(False).astype(bool)

    if issue is not None:
        if issue not in ("me", "nu", "di", "hr", "co", "ec"):
            raise ValueError(f"unknown issue {issue!r}; one of me, nu, di, hr, co, ec")
        rc = rc[flag(issue)]
    if important_only:
        rc = rc[flag("important")]
    if not amendments:
        rc = rc[~flag("amend")]
    if not paragraphs:
        rc = rc[~flag("para")]
    return rc


def all_dyads(votes: pd.DataFrame, rollcalls: pd.DataFrame,
              measures: tuple[str, ...] | list[str] = MEASURES,
              by: str = "session") -> pd.DataFrame:
    """Every measure for every unordered pair of states and every period.

    All the measures are symmetric in the two states, so each pair appears once, with
    ``iso3_a < iso3_b``.

    Returns
    -------
    pandas.DataFrame
        ``iso3_a, iso3_b, <by>, measure, value, n_votes``.
    """
    counts = crosstab_counts(votes, rollcalls, by=by)
    counts = counts[counts["iso3_a"] < counts["iso3_b"]].reset_index(drop=True)
    return dyad_measures(counts, measures, by=by)
