"""Benchmark: every channel for every state and year, against a state-by-state loop.

Run from the repository root (needs a built warehouse: `multivector ingest`)::

    .venv/bin/python benchmarks/channels.py

Prints, in one run:

1. the time to compute the shares by pole of every channel (UNGA agreement, exports, imports,
   alliances, shared IGOs, formats) for every state and every year 1946-2024 with the core
   pole set, in one pass per channel (``multivector.analysis.panel.shares.channel_shares`` with
   ``focal=None``), and the time per channel; the trade channels include the mirror rule over
   all 2.5 million DOTS rows, the UNGA channel every dyad of every session; then the
   concentration of exports and imports of every state-year, the mineral production shares
   and ranks, and the middle-power components;
2. the same shares computed the way a per-country tool would: one focal state at a time
   (``focal=[iso3]``), for a sample of states, scaled to all states;
3. that the two agree (largest absolute difference of the shares on the sample).

Target (issue 5): every channel for every state and year under 30 s on 2 cores.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from multivector import warehouse
from multivector.analysis.panel.minerals import mineral_production
from multivector.analysis.panel.power import power_components
from multivector.analysis.panel.shares import channel_shares
from multivector.analysis.panel.trade import concentration
from multivector.core import poles
from multivector.core.vocabulary import BALANCE_CHANNELS

YEARS = (1946, 2024)
SAMPLE = ("KAZ", "TUR", "BRA", "IND", "DEU", "NGA", "VNM", "POL")
TARGET_S = 30.0


def main() -> None:
    ps = poles.load_pole_set("core")
    times: dict[str, float] = {}
    out: dict[str, pd.DataFrame] = {}
    with warehouse.connect() as con:
        cache: dict = {}
        start = time.perf_counter()
        for ch in BALANCE_CHANNELS:
            t = time.perf_counter()
            out[ch] = channel_shares(con, ch, ps, YEARS, None, _cache=cache)
            times[ch] = time.perf_counter() - t
        t = time.perf_counter()
        flows = cache[("trade", YEARS, None)][0]
        conc = pd.concat([concentration(con, YEARS, None, side, flows)
                          for side in ("exports", "imports")])
        times["concentration"] = time.perf_counter() - t
        t = time.perf_counter()
        prod = mineral_production(con, YEARS)
        times["minerals"] = time.perf_counter() - t
        t = time.perf_counter()
        comp = power_components(con, YEARS, flows=flows,
                                unga_pairs=None)
        times["power components"] = time.perf_counter() - t
        total = time.perf_counter() - start

        # the per-state loop on a sample
        loop_t, diffs = 0.0, []
        for iso3 in SAMPLE:
            t = time.perf_counter()
            one = [channel_shares(con, ch, ps, YEARS, [iso3]) for ch in BALANCE_CHANNELS]
            loop_t += time.perf_counter() - t
            for ch, f in zip(BALANCE_CHANNELS, one, strict=True):
                ref = out[ch]
                m = f.merge(ref[ref["iso3"] == iso3], on=["iso3", "pole", "year"],
                            suffixes=("", "_all"))
                if len(m):
                    diffs.append(float(np.nanmax(np.abs(
                        m["share"].fillna(-1) - m["share_all"].fillna(-1)))))
        n_states = len(set().union(*[set(f["iso3"]) for f in out.values() if len(f)]))
    per_state = loop_t / len(SAMPLE)
    scaled = per_state * n_states
    rows = sum(len(f) for f in out.values())
    print(f"multivector channels benchmark ({os.cpu_count()} CPU cores visible; "
          f"years {YEARS[0]}-{YEARS[1]}, pole set core)")
    print()
    print("every channel, every state and year, one pass per channel:")
    for name, secs in times.items():
        extra = ""
        if name in out:
            f = out[name]
            extra = (f"  {len(f):>9,} rows, {f['iso3'].nunique():>3} states, "
                     f"{f['year'].min() if len(f) else '-'}-{f['year'].max() if len(f) else '-'}")
        elif name == "concentration":
            extra = f"  {len(conc):>9,} state-year-sides"
        elif name == "minerals":
            extra = f"  {len(prod):>9,} producer-mineral-years"
        else:
            extra = f"  {len(comp):>9,} state-year-components"
        print(f"  {name:18s} {secs:7.2f} s{extra}")
    print(f"  {'total':18s} {total:7.2f} s  ({rows:,} share rows for {n_states} states)  "
          f"target < {TARGET_S:.0f} s: {'met' if total < TARGET_S else 'NOT met'}")
    print()
    print(f"one state at a time (peer: a per-country tool), {len(SAMPLE)} states: "
          f"{per_state:.2f} s per state")
    print(f"  scaled to {n_states} states: {scaled:.0f} s, "
          f"{scaled / total:.0f}x slower than one pass")
    print(f"  largest difference of shares between the two: {max(diffs):.2e}")


if __name__ == "__main__":
    main()
