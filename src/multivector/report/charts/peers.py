"""The peers and power charts: the peers' balance, resources against reach, and the state's
middle-power index over time."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.report import labels
from multivector.report.charts.common import (
    INK,
    WIDTH,
    chart_title,
    gap_layers,
    last_year,
    panel_title,
    sized,
    state_name,
    x_years,
    year_domain,
)

PEERS_HEIGHT = 260
SCATTER_WIDTH, SCATTER_HEIGHT = WIDTH - 90, 300


def peers_labels(p: Profile, df: pd.DataFrame, lo: float) -> pd.DataFrame:
    """The labels of the peers chart: the focal state at its last year, and the most and
    least even of the other peers in theirs; moved apart in y so that none overlaps another.
    Columns ``name, year, evenness, kind, lx, ly`` (pixels)."""
    rows = []
    me, others = df[df["focal"]], df[~df["focal"]]
    if len(me):
        r = me.loc[me["year"].idxmax()]
        rows.append({"name": r["name"], "year": r["year"], "evenness": r["evenness"],
                     "kind": "focal"})
    last = others[others["year"] == others["year"].max()].dropna(subset=["evenness"])
    if len(last):
        for kind, i in (("most even", last["evenness"].idxmax()),
                        ("least even", last["evenness"].idxmin())):
            r = last.loc[i]
            if r["name"] not in [x["name"] for x in rows]:
                rows.append({"name": r["name"], "year": r["year"], "evenness": r["evenness"],
                             "kind": kind})
    out = pd.DataFrame(rows, columns=["name", "year", "evenness", "kind"])
    d0, d1 = year_domain(p)
    out["lx"] = [labels.linear_px(y, d0, d1, WIDTH) + 6 for y in out["year"]]
    ys = [labels.linear_px(v, lo, 1.0, PEERS_HEIGHT, reverse=True) for v in out["evenness"]]
    out["ly"] = labels.spread(ys, 13, top=6, bottom=PEERS_HEIGHT - 6)
    return out


def peers_balance(p: Profile) -> alt.TopLevelMixin | None:
    """The peers' composite evenness over time, the focal state highlighted; labelled: the
    focal state and the most and least even peer of the last year."""
    pb = p.peers_balance
    if pb.empty:
        return None
    df = pd.DataFrame({"year": pb["year"].astype(int), "evenness": pb["evenness"].astype(float),
                       "iso3": pb["iso3"].astype(str),
                       "name": [state_name(x) for x in pb["iso3"]],
                       "focal": (pb["iso3"] == p.iso3).to_numpy()})
    others = df[~df["focal"]]
    me = df[df["focal"]]
    x = x_years(p)
    lo = float(np.floor(np.nanmin(df["evenness"]) * 20) / 20) if df["evenness"].notna().any() \
        else 0.0
    lo = min(max(lo, 0.0), 0.95)
    y = alt.Y("evenness:Q", title="composite evenness",
              scale=alt.Scale(domain=[lo, 1.0], nice=False))
    tip = ["name:N", alt.Tooltip("year:Q", format="d"), alt.Tooltip("evenness:Q", format=".3f")]
    layers = [alt.Chart(others).mark_line(color="#b8c2cc", strokeWidth=1, opacity=0.8).encode(
        x=x, y=y, detail="iso3:N", tooltip=tip)]
    if len(me):
        layers.append(alt.Chart(me).mark_line(
            color="#c8102e", strokeWidth=3,
            point=alt.OverlayMarkDef(size=20, color="#c8102e")).encode(x=x, y=y, tooltip=tip))
    layers += label_layers(peers_labels(p, df, lo), "name", 11.5, 10,
                           ["name:N", "kind:N", alt.Tooltip("year:Q", format="d"),
                            alt.Tooltip("evenness:Q", format=".3f")])
    # the band past the last composite goes unlabelled here: the names run into it
    layers[:0] = gap_layers(p, last_year(df), "", PEERS_HEIGHT)
    title = p.peers.title if p.peers is not None else "peers"
    shaded = "; shaded: no composite" if last_year(df) is not None and last_year(df) < p.years[1] \
        else ""
    return sized(alt.layer(*layers), height=PEERS_HEIGHT).properties(title=chart_title(
        f"{p.name} among its peers: {title.lower()}",
        f"Composite evenness of each of the {df['iso3'].nunique()} states over time; grey: "
        f"the peers (the most and least even of the last year named){shaded}"))


def label_layers(lab: pd.DataFrame, text: str, focal_size: float, size: float,
                 tooltip: list) -> list[alt.Chart]:
    """Text layers of placed labels (``lx, ly`` in pixels, ``kind``): the focal state in bold
    red, the others in grey."""
    out = []
    for focal in (False, True):
        d = lab[(lab["kind"] == "focal") == focal]
        if d.empty:
            continue
        out.append(alt.Chart(d).mark_text(
            align="left", baseline="middle", fontSize=focal_size if focal else size,
            fontWeight="bold" if focal else "normal",
            color="#c8102e" if focal else "#5f6b76").encode(
            x=alt.X("lx:Q", scale=None, title=None), y=alt.Y("ly:Q", scale=None, title=None),
            text=f"{text}:N", tooltip=tooltip))
    return out


def scatter_domain(df: pd.DataFrame) -> tuple[float, float]:
    """Upper ends of the scatter's axes (both start at 0; the scores are 0-100): position
    up to the next of 5, 10, 20, 50, 100 above its largest value, reach to the next ten."""
    pos = float(np.nanmax(df["position"])) if df["position"].notna().any() else 100.0
    reach = float(np.nanmax(df["reach"])) if df["reach"].notna().any() else 100.0
    x_top = next((v for v in (5.0, 10.0, 20.0, 50.0) if v >= pos * 1.15), 100.0)
    y_top = min(100.0, float(np.ceil(reach * 1.1 / 10) * 10) or 10.0)
    return x_top, y_top


def scatter_labels(df: pd.DataFrame) -> pd.DataFrame:
    """The states the scatter names: the focal state, then the peers at the extremes (the
    largest position, the largest reach, the largest power gap either way), each once, placed
    beside its point clear of the others. Columns of ``df`` plus ``kind, lx, ly`` (pixels)."""
    picks: list[tuple[int, str]] = [(i, "focal") for i in df.index[df["focal"]]]
    peers = df[~df["focal"]].dropna(subset=["position", "reach"])
    if len(peers):
        picks += [(peers["position"].idxmax(), "largest position"),
                  (peers["reach"].idxmax(), "largest reach")]
        gaps = peers.dropna(subset=["gap"])
        if len(gaps):
            picks += [(gaps["gap"].idxmax(), "reach above prediction"),
                      (gaps["gap"].idxmin(), "reach below prediction")]
    seen: dict[int, str] = {}
    for i, kind in picks:
        seen.setdefault(i, kind)
    out = df.loc[list(seen)].assign(kind=list(seen.values()))
    out["text"] = [n if k == "focal" else c for n, c, k in
                   zip(out["name"], out["iso3"], out["kind"], strict=True)]
    x_top, y_top = scatter_domain(df)
    pts = [(labels.symlog_px(x, 0, x_top, SCATTER_WIDTH),
            labels.linear_px(y, 0, y_top, SCATTER_HEIGHT, reverse=True),
            8.5 if k == "focal" else 5.0)
           for x, y, k in zip(out["position"], out["reach"], out["kind"], strict=True)]
    fonts = [12.0 if k == "focal" else 10.0 for k in out["kind"]]
    spots = labels.place_beside(pts, list(out["text"]), fonts, SCATTER_WIDTH, SCATTER_HEIGHT)
    return out.assign(lx=[s[0] for s in spots], ly=[s[1] for s in spots])


def power_scatter(p: Profile, year: int | None = None) -> alt.TopLevelMixin | None:
    """Position against reach for the peers in :func:`power_year` of ``year`` (pass the
    section's year), coloured by the power gap; labelled: the focal state and the extremes."""
    pp = p.peers_power
    if pp.empty:
        return None
    year = power_year(p, year)
    d = pp[pp["year"] == year]
    if d.empty:
        return None
    df = pd.DataFrame({"iso3": d["iso3"].astype(str),
                       "name": [state_name(x) for x in d["iso3"]],
                       "position": d["position"].astype(float), "reach": d["reach"].astype(float),
                       "gap": d["power_gap"].astype(float), "index": d["index"].astype(float),
                       "rank": d["rank"].astype(float),
                       "focal": (d["iso3"] == p.iso3).to_numpy()}).reset_index(drop=True)
    lim = max(1.0, float(df["gap"].abs().max()))
    x_top, y_top = scatter_domain(df)
    base = alt.Chart(df).encode(
        x=alt.X("position:Q", title="position (resources), 0-100, symmetric log scale",
                scale=alt.Scale(type="symlog", constant=1, domain=[0, x_top], nice=False),
                axis=alt.Axis(values=[v for v in (0, 1, 2, 5, 10, 20, 50, 100)
                                      if v <= x_top])),
        y=alt.Y("reach:Q", title="reach (engagement), 0-100",
                scale=alt.Scale(domain=[0, y_top], nice=False)))
    pts = base.mark_circle(opacity=0.95, stroke=INK).encode(
        size=alt.condition("datum.focal", alt.value(220), alt.value(70)),
        strokeWidth=alt.condition("datum.focal", alt.value(2), alt.value(0.4)),
        color=alt.Color("gap:Q", title="power gap", scale=alt.Scale(
            scheme="redblue", domain=[-lim, lim], domainMid=0),
            legend=alt.Legend(orient="right", direction="vertical", gradientLength=140)),
        tooltip=["name:N", alt.Tooltip("position:Q", format=".1f"),
                 alt.Tooltip("reach:Q", format=".1f"), alt.Tooltip("gap:Q", format="+.1f"),
                 alt.Tooltip("index:Q", format=".1f"), alt.Tooltip("rank:Q", format=".0f")])
    text = label_layers(scatter_labels(df), "text", 12, 10, ["name:N", "kind:N"])
    return alt.layer(pts, *text).properties(
        width=SCATTER_WIDTH, height=SCATTER_HEIGHT, title=chart_title(
        f"Resources and reach of the peers, {year}",
        "Middle-power index pillars; colour: the power gap, reach above (blue) or below "
        f"(red) what position predicts across all states; named: {p.name} and the peers with "
        "the largest position, the largest reach and the largest gap either way"))


def power_year(p: Profile, year: int | None = None) -> int:
    """The year the peers are compared in: ``year`` (the section's year, that of the peers'
    composite table) when the peers have an index in it; otherwise the latest year in which
    the focal state has every component of the index it ever has (components stop with their
    sources), else the latest year with an index."""
    pp = p.peers_power
    if year is not None and len(pp) and (pp["year"] == year).any():
        return int(year)
    pw = p.power
    if len(pw) and "n_components" in pw:
        full = pw[pw["n_components"] == pw["n_components"].max()]
        return int(full["year"].max())
    return int(pp["year"].max())


def power_over_time(p: Profile) -> alt.TopLevelMixin | None:
    """The state's middle-power index, its pillars and its rank (with range) over time."""
    pw = p.power
    if pw.empty:
        return None
    long = pw.melt(id_vars=["year"], value_vars=["index", "position", "reach"],
                   var_name="series", value_name="value")
    long = long.assign(year=long["year"].astype(int), value=long["value"].astype(float))
    left = alt.Chart(long).mark_line(strokeWidth=2).encode(
        x=x_years(p, None), y=alt.Y("value:Q", title="score, 0-100"),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["index", "position", "reach"], range=[INK, "#b5651d", "#3c5a80"])),
        strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(
            domain=["index", "position", "reach"], range=[[1, 0], [4, 2], [1, 1]])),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".1f")])
    left = alt.layer(*gap_layers(p, last_year(long), "no index", 190, 290), left).properties(
        width=290, height=190, title=panel_title("Index and pillars"))
    r = pd.DataFrame({"year": pw["year"].astype(int), "rank": pw["rank"].astype(float),
                      "n_components": pw["n_components"].astype(float)})
    y_scale = alt.Scale(reverse=True, zero=False)
    layers = []
    if {"rank_p05", "rank_p95"} <= set(pw.columns):
        r = r.assign(lo=pw["rank_p05"].astype(float).to_numpy(),
                     hi=pw["rank_p95"].astype(float).to_numpy())
        layers.append(alt.Chart(r).mark_area(color="#9db4d0", opacity=0.6).encode(
            x=x_years(p, None), y=alt.Y("lo:Q", scale=y_scale), y2="hi:Q"))
    layers.append(alt.Chart(r).mark_line(color=INK, strokeWidth=2,
                                         point=alt.OverlayMarkDef(size=14)).encode(
        x=x_years(p, None), y=alt.Y("rank:Q", title="rank among all states", scale=y_scale),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("rank:Q", format=".0f"),
                 alt.Tooltip("n_components:Q", title="components", format=".0f")]))
    right = alt.layer(*gap_layers(p, last_year(r), "no index", 190, 290), *layers).properties(
        width=290, height=190,
        title=panel_title("Rank (band: 5th-95th percentile over random weights)"))
    return alt.hconcat(left, right, spacing=28).properties(title=chart_title(
        f"{p.name}'s middle-power index",
        "Position (GDP, population, military expenditure, CINC) and reach (IGOs, allies, "
        "trade dependants, UN voting partners), each 0-100"))
