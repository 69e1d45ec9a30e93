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
