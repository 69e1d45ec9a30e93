"""Benchmark: does each balance channel separate states? Evenness spread, old and new rules.

Run from the repository root (needs a built warehouse: `multivector ingest`)::

    .venv/bin/python benchmarks/channel_spread.py [--years 1995,2005,2010,2015,2020]

For every channel and year it prints the mean, standard deviation, minimum and maximum of the
Pielou evenness of the pole shares (core poles) across all states, under the definitions used
to 2026-12 ("old") and the ones that count only engagement that tells the poles apart ("new",
``docs/methods.md``), and the number of states with the channel. A channel whose evenness is
near 1 for everyone with a tiny sd does not separate states: it only pulls every composite
toward 1.

Old definitions: UNGA agreement turned into an affinity; security as the focal state's own
ATOP pledges, weighted 1 / 0.5 / 0.5 / 0.25; shared COW IGO counts; every shared format of
the table, for every state in it. New: the defaults of
:func:`multivector.analysis.panel.shares.channel_shares`. Exports (unchanged) are shown for
scale.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from multivector import warehouse
from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.membership import format_dyads, mean_shares
from multivector.analysis.panel.shares import channel_shares
from multivector.core import poles
from multivector.measures import balance as bal
from multivector.measures import channels as ch
from multivector.sources import formats

YEARS = (1995, 2005, 2010, 2015, 2020)
CHANNELS = ("unga", "security", "igo", "formats", "exports")


def old_security(con, years: tuple[int, int]) -> pd.DataFrame:
    """The focal state's own pledges only (``iso3_a``), flat weights: the old reading."""
    raw = con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, defense, offense, "
                      "neutrality, nonaggression, consultation FROM alliances WHERE source = "
                      "'atop' AND year BETWEEN ? AND ?", list(years)).df()
    raw["value"] = ch.alliance_strength(raw, ch.SECURITY_WEIGHTINGS["flat"])
    return raw.groupby(["iso3", "partner", "year"], as_index=False)["value"].max()


def shares(con, ps, channel: str, version: str, year: int) -> pd.DataFrame:
    y = (year, year)
    membership = ps.membership([year])
    if version == "new":
        return channel_shares(con, channel, ps, y)
    if channel == "unga":
        return channel_shares(con, "unga", ps, y, unga=UngaChannel("agreement"))
    if channel == "security":
        return mean_shares(old_security(con, y), membership, "security")
    if channel == "igo":
        return channel_shares(con, "igo", ps, y, igo_source="cow")
    if channel == "formats":
        return mean_shares(format_dyads(formats.membership([year])), membership,
                           "formats")
    return channel_shares(con, channel, ps, y)


def spread(sh: pd.DataFrame) -> dict[str, float]:
    if sh.empty:
        return {"n": 0, "mean": float("nan"), "sd": float("nan"), "min": float("nan"),
                "max": float("nan")}
    ev = bal.channel_balance(sh[["iso3", "year", "channel", "pole", "share"]])["evenness"]
    ev = ev.dropna()
    return {"n": int(len(ev)), "mean": ev.mean(), "sd": ev.std(), "min": ev.min(),
            "max": ev.max()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", default=",".join(map(str, YEARS)))
    args = ap.parse_args()
    years = [int(y) for y in args.years.split(",")]
    ps = poles.load_pole_set("core")
    rows = []
    t0 = time.perf_counter()
    with warehouse.connect() as con:
        for c in CHANNELS:
            for y in years:
                row = {"channel": c, "year": y}
                for v in ("old", "new"):
                    if c == "exports" and v == "old":
                        continue
                    s = spread(shares(con, ps, c, v, y))
                    row.update({f"{k}_{v}": s[k] for k in ("n", "mean", "sd", "min", "max")})
                rows.append(row)
    out = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print("Pielou evenness of the core-pole shares across states (n: states with the channel)")
    print(out.to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="-"))
    print(f"\n{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
