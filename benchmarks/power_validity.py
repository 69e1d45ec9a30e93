"""Benchmark: face validity of the middle-power index against a published ranking.

Run from the repository root (needs a built warehouse: `multivector ingest`)::

    .venv/bin/python benchmarks/power_validity.py [--year 2020] [--country KAZ] \
        [--figure docs/figures/power_validity.svg]

Prints, for the year the published ranking is compared with (the ``compare_year`` of
``src/multivector/data/power_benchmark.csv``: the Lowy Institute Asia Power Index 2018) and for
``--year``: our rank against theirs for the states both cover, side by side, and the Spearman
rank correlation, for the construction before issue 10 (equal weights, vote breadth 0.5,
linear counts, each state on whichever components it has, position 0.5) and after it
(:mod:`multivector.measures.power`); the top 20 of ``--year``; and ``--country``'s series
1995-2024 before and after.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from multivector import warehouse
from multivector.analysis.panel.power import power_components
from multivector.measures import power as pw

OLD_WEIGHTS = {"gdp": 1.0, "population": 1.0, "milex": 1.0, "cinc": 1.0, "igo": 1.0,
               "allies": 1.0, "trade_reach": 1.0, "vote_breadth": 0.5}
OLD_POSITION = ("gdp", "population", "milex", "cinc")


def old_index(components: pd.DataFrame) -> pd.DataFrame:
    """The construction before issue 10, for the comparison only."""
    c = components[components["component"].isin(OLD_WEIGHTS) & components["value"].notna()]
    c = c.copy()
    top = c.groupby(["year", "component"])["value"].transform("max")
    c["score"] = np.where(top > 0, 100 * c["value"] / top, np.nan)
    c = c.dropna(subset=["score"])
    c["w"] = c["component"].map(OLD_WEIGHTS)
    c["pillar"] = np.where(c["component"].isin(OLD_POSITION), "position", "reach")
    c["ws"] = c["w"] * c["score"]
    g = c.groupby(["iso3", "year", "pillar"])[["ws", "w"]].sum()
    wide = (g["ws"] / g["w"]).unstack("pillar").dropna().reset_index()
    wide["index"] = 0.5 * wide["position"] + 0.5 * wide["reach"]
    wide["rank"] = wide.groupby("year")["index"].rank(ascending=False, method="min")
    return wide


def compare(comp: pd.DataFrame, bench: pd.DataFrame, year: int) -> pd.DataFrame:
    c = comp[comp["year"] == year]
    before, after = old_index(c), pw.power_index(c)
    rho_b, tb = pw.spearman_with(before, bench)
    rho_a, ta = pw.spearman_with(after, bench)
    t = ta.merge(tb[["iso3", "rank_ours"]], on="iso3", suffixes=("", "_before"))
    t = t.merge(before[["iso3", "rank"]].rename(columns={"rank": "world_before"}), on="iso3")
    t = t.merge(after[["iso3", "rank"]].rename(columns={"rank": "world_after"}), on="iso3")
    print(f"\n{year}: {bench['index'].iloc[0]} {bench['edition'].iloc[0]} vs ours "
          f"(after: components {', '.join(after.attrs['components'])})")
    print(t[["iso3", "score", "rank_theirs", "rank_ours_before", "rank_ours", "world_before",
             "world_after"]].to_string(index=False))
    print(f"Spearman: before {rho_b:.3f}, after {rho_a:.3f} (N = {len(ta)} states)")
    return t.assign(year=year, rho_before=rho_b, rho_after=rho_a)


def figure(t: pd.DataFrame, path: str) -> None:
    """Our rank against the published one among the common states, before and after."""
    import altair as alt
    import vl_convert as vlc

    long = pd.concat([t.assign(construction="before", ours=t["rank_ours_before"]),
                      t.assign(construction="after", ours=t["rank_ours"])])
    n = len(t)
    title = (f"Our rank vs Lowy Asia Power Index 2018, {int(t['year'].iloc[0])}, N = {n}: "
             f"Spearman {t['rho_before'].iloc[0]:.2f} before, {t['rho_after'].iloc[0]:.2f} "
             "after")
    base = alt.Chart(long).encode(
        x=alt.X("rank_theirs:Q", title="published rank (among these states)",
                scale=alt.Scale(domain=[0, n + 1])),
        y=alt.Y("ours:Q", title="our rank (among these states)",
                scale=alt.Scale(domain=[0, n + 1])),
        color=alt.Color("construction:N", sort=["before", "after"],
                        scale=alt.Scale(range=["#bbbbbb", "#1f77b4"])))
    diag = alt.Chart(pd.DataFrame({"x": [0, n + 1]})).mark_line(
        color="#888888", strokeDash=[4, 4]).encode(x="x:Q", y="x:Q")
    pts = base.mark_point(filled=True, size=50)
    labels = base.transform_filter(alt.datum.construction == "after").mark_text(
        dx=12, fontSize=9).encode(text="iso3:N")
    chart = (diag + pts + labels).properties(width=360, height=360, title=title)
    with open(path, "w") as fh:
        fh.write(vlc.vegalite_to_svg(chart.to_json()))
    print(f"wrote {path}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--year", type=int, default=2020)
    ap.add_argument("--country", default="KAZ")
    ap.add_argument("--figure", help="write the comparison figure (SVG) here")
    args = ap.parse_args()
    bench = pw.published_benchmark()
    with warehouse.connect() as con:
        comp = power_components(con, (1995, 2024))
    first = int(bench["compare_year"].iloc[0])
    tables = {year: compare(comp, bench, year) for year in sorted({first, args.year})}
    if args.figure:
        figure(tables[first], args.figure)
    top = pw.power_index(comp[comp["year"] == args.year])
    print(f"\ntop 20, {args.year}:")
    print(top.head(20)[["rank", "iso3", "position", "reach", "index"]].round(1)
          .to_string(index=False))
    before = old_index(comp).query("iso3 == @args.country")[["year", "index", "rank"]]
    after = pw.power_index(comp)
    print(f"\n{args.country}, 1995-2024 (after: components "
          f"{', '.join(after.attrs['components'])}, one set for the whole series):")
    after = after.query("iso3 == @args.country")[["year", "index", "rank"]]
    s = before.merge(after, on="year", how="outer", suffixes=("_before", "_after"))
    print(s.round(1).to_string(index=False))


if __name__ == "__main__":
    main()
