"""Benchmark: every UNGA similarity measure for all dyads x all sessions, against a pair loop.

Run from the repository root (needs a built warehouse: `multivector ingest`)::

    .venv/bin/python benchmarks/similarity.py

Prints, in one run: the time to compute all six measures (agreement, half-credit agreement,
Cohen's kappa, Scott's pi, S absolute, S squared) for every pair of states in every session
1946-2024 with multivector's vectorised code (one-hot matrix products per session), and the time
of a straightforward pair-by-pair loop (for each session, for each pair: align the two vote
vectors, cross-tabulate, compute the measures), the way such scores are usually built in R or
Python loops, on a subset of sessions, scaled per pair. The loop's values are checked against
the vectorised ones. Target (issue 3): under 5 s on 2 cores.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from multivector import warehouse
from multivector.measures import similarity

LOOP_SESSIONS = (70, 71)


def pair_loop(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> pd.DataFrame:
    """The straightforward baseline: one pair at a time."""
    v = votes[votes["vote"].isin([1, 2, 3])].merge(rollcalls[["rcid", "session"]], on="rcid")
    rows = []
    for session, grp in v.groupby("session"):
        by_state = {s: g.set_index("rcid")["vote"] for s, g in grp.groupby("iso3")}
        names = sorted(by_state)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                joint = pd.concat([by_state[a], by_state[b]], axis=1, join="inner")
                if joint.empty:
                    continue
                x, y = joint.iloc[:, 0].to_numpy(), joint.iloc[:, 1].to_numpy()
                n = np.zeros((3, 3))
                np.add.at(n, (x - 1, y - 1), 1)
                for m in similarity.MEASURES:
                    rows.append((a, b, session, m, float(similarity.measure_from_counts(n, m)),
                                 len(x)))
    return pd.DataFrame(rows, columns=["iso3_a", "iso3_b", "session", "measure", "value",
                                       "n_votes"])


def main() -> None:
    with warehouse.connect() as con:
        rc = con.execute("SELECT rcid, session, year FROM unga_rollcalls").df()
        votes = con.execute("SELECT rcid, iso3, vote FROM unga_votes").df()
    start = time.perf_counter()
    full = similarity.all_dyads(votes, rc)
    t_vec = time.perf_counter() - start
    n_pairs = full[full["measure"] == "agreement"].shape[0]

    sub_rc = rc[rc["session"].isin(LOOP_SESSIONS)]
    sub_votes = votes[votes["rcid"].isin(sub_rc["rcid"])]
    start = time.perf_counter()
    loop = pair_loop(sub_votes, sub_rc)
    t_loop = time.perf_counter() - start
    loop_pairs = loop[loop["measure"] == "agreement"].shape[0]
    start = time.perf_counter()
    vec_sub = similarity.all_dyads(sub_votes, sub_rc)
    t_vec_sub = time.perf_counter() - start
    check = loop.merge(vec_sub, on=["iso3_a", "iso3_b", "session", "measure"])
    max_diff = float((check["value_x"] - check["value_y"]).abs().max())

    per_pair_loop = t_loop / loop_pairs
    print(f"UNGA similarity benchmark ({os.cpu_count()} CPUs; {len(rc):,} roll calls, "
          f"{len(votes):,} vote rows, {rc['session'].nunique()} sessions)")
    print(f"{'':46s} {'pairs x sessions':>17s} {'seconds':>9s} {'us/pair':>9s}")
    print(f"{'multivector, all dyads x sessions x 6 measures':46s} {n_pairs:17,d} "
          f"{t_vec:9.2f} {1e6 * t_vec / n_pairs:9.2f}   target < 5 s")
    print(f"{'pair-by-pair loop, sessions 70-71':46s} {loop_pairs:17,d} {t_loop:9.2f} "
          f"{1e6 * per_pair_loop:9.2f}")
    print(f"{'multivector, same sessions 70-71':46s} {loop_pairs:17,d} {t_vec_sub:9.2f} "
          f"{1e6 * t_vec_sub / loop_pairs:9.2f}")
    print(f"pair loop scaled to all dyads: {per_pair_loop * n_pairs:,.0f} s; "
          f"speed-up {per_pair_loop * n_pairs / t_vec:,.0f}x "
          f"(same sessions: {t_loop / t_vec_sub:,.0f}x)")
    print(f"largest difference between loop and vectorised values: {max_diff:.2e}")


if __name__ == "__main__":
    main()
