"""The balance charts: the front page's composite over time, evenness by channel, the tilt by
pole and the decomposition of the composite's change."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.core import vocabulary
from multivector.report import labels
from multivector.report.charts.common import (
    INK,
    MUTED,
    WIDTH,
    chart_title,
    gap_layers,
    last_year,
    pole_label,
    pole_scale,
    sized,
    small_year_axis,
    x_plain,
    x_years,
    year_domain,
)


# ------------------------------------------------------------------------------ front page
def composite_balance(p: Profile) -> alt.TopLevelMixin | None:
    """Composite evenness over time with its interval; points coloured by the dominant pole.

    The composite is on one channel set in every year (measures.channelset), so no source
    starting or ending moves it; vertical marks would label a change of set, which the rule
    prevents within a series (kept for composites computed on other rules).
    """
    b = p.balance[p.balance["channel"] == "composite"] if len(p.balance) else p.balance
    if b.empty:
        return None
    df = pd.DataFrame({
        "year": b["year"].astype(int), "evenness": b["evenness"].astype(float),
        "lo": b["lo"].astype(float), "hi": b["hi"].astype(float),
        "pole": [pole_label(p, x) for x in b["dominant_pole"]],
        "share": b["dominant_share"].astype(float), "margin": b["margin"].astype(float),
        "channels": b["channels"].astype(str), "n_channels": b["n_channels"].astype(float)})
    df = df.sort_values("year")
    base = alt.Chart(df)
    breaks = _channel_breaks(p, df)
    rows = int(breaks["level"].max()) + 1 if len(breaks) else 0
    scale = alt.Scale(domain=evenness_domain(df[["evenness", "lo", "hi"]]), nice=False)
    y = alt.Y("evenness:Q", title="composite evenness (1 = equal across poles)", scale=scale)
    # the band is clipped to the plot: an interval never spills past the axis
    band = base.mark_area(color="#8fa8c8", opacity=0.35, clip=True).encode(
        x=x_years(p), y=alt.Y("lo:Q", scale=scale), y2="hi:Q")
    line = base.mark_line(color=INK, strokeWidth=1.6).encode(x=x_years(p), y=y)
    pts = base.mark_point(filled=True, size=70, opacity=1, stroke="white",
                          strokeWidth=0.8).encode(
        x=x_years(p), y=y,
        color=alt.Color("pole:N", scale=pole_scale(p),
                        legend=alt.Legend(title="largest pole in the composite",
                                          offset=8 + BREAK_ROW * rows)),
        tooltip=[alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("evenness:Q", format=".3f"),
                 alt.Tooltip("lo:Q", title="95% low", format=".3f"),
                 alt.Tooltip("hi:Q", title="95% high", format=".3f"),
                 alt.Tooltip("pole:N", title="largest pole"),
                 alt.Tooltip("share:Q", title="its share", format=".0%"),
                 alt.Tooltip("margin:Q", title="lead over 2nd", format=".0%"),
                 alt.Tooltip("channels:N")])
    layers = [band, line, pts]
    if len(breaks):
        layers.append(alt.Chart(breaks).mark_rule(color="#9aa3ad", strokeDash=[3, 3]).encode(
            x=x_plain(p, "x")))
        layers.append(alt.Chart(breaks).mark_text(align="left", fontSize=BREAK_FONT,
                                                  color=MUTED, baseline="bottom").encode(
            x=alt.X("lx:Q", scale=None, title=None), y=alt.Y("ypix:Q", scale=None),
            text="label:N"))
    layers[:0] = gap_layers(p, last_year(df), "no composite: a channel of its set has no data")
    return sized(alt.layer(*layers)).properties(
        title=chart_title(f"{p.name}: balance across the poles, {int(df['year'].min())}-"
                          f"{int(df['year'].max())}",
                          "Composite evenness of engagement over the poles (Pielou's J) with "
                          "its 95% interval; dot colour: the pole with the largest share"))


BREAK_FONT = 10.0
BREAK_ROW = 12.0


def evenness_domain(values: pd.DataFrame | pd.Series, step: float = 0.05) -> list[float]:
    """The y domain of an evenness chart: from the lowest value shown (an interval's low end
    included) rounded down to ``step``, to 1."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    low = float(np.floor(v.min() / step) * step) if v.size else 0.0
    return [min(max(low, 0.0), 1.0 - step), 1.0]


def _channel_breaks(p: Profile, df: pd.DataFrame) -> pd.DataFrame:
    """Years where the composite's set of channels changes, labelled ``+formats −IGOs``.

    The labels sit in rows just above the plot (``ypix`` < 0), clear of the data: each is
    right-aligned at its rule (left-aligned where it would leave the plot) and goes into the
    first row where it overlaps no other label (``lx``: its left edge in pixels)."""
    rows: list[dict] = []
    prev = None
    for year, chans in zip(df["year"], df["channels"], strict=True):
        cur = set(chans.split(","))
        if prev is not None and cur != prev:
            added = [f"+{vocabulary.label(c)}" for c in sorted(cur - prev)]
            gone = [f"−{vocabulary.label(c)}" for c in sorted(prev - cur)]
            rows.append({"x": year - 0.5, "label": " ".join([*added, *gone])})
        prev = cur
    out = pd.DataFrame(rows, columns=["x", "label"])
    d0, d1 = year_domain(p)
    taken: list[list[tuple[float, float]]] = []
    lx, level = [], []
    for x, label in zip(out["x"], out["label"], strict=True):
        at = labels.linear_px(x, d0, d1, WIDTH)
        w = labels.text_width(label, BREAK_FONT)
        left = at - 3 - w if at - 3 - w >= 0 else at + 3
        span = (left - 4, left + w + 4)
        row = next((i for i, r in enumerate(taken)
                    if all(span[1] <= a or b <= span[0] for a, b in r)), len(taken))
        if row == len(taken):
            taken.append([])
        taken[row].append(span)
        lx.append(left)
        level.append(row)
    return out.assign(lx=lx, level=level,
                      ypix=[-4 - BREAK_ROW * k for k in level])


# ------------------------------------------------------------------------ balance section
def channel_balance(p: Profile) -> alt.TopLevelMixin | None:
    """Evenness per channel over time with intervals, small multiples."""
    b = p.balance
    if b.empty:
        return None
    order = [vocabulary.label(c) for c in vocabulary.ORDER if c in set(b["channel"])]
    df = pd.DataFrame({"year": b["year"].astype(int), "evenness": b["evenness"].astype(float),
                       "lo": b["lo"].astype(float), "hi": b["hi"].astype(float),
                       "channel": b["channel"].map(vocabulary.label),
                       "pole": [pole_label(p, x) for x in b["dominant_pole"]],
                       "share": b["dominant_share"].astype(float)})
    x = alt.X("year:Q", title=None, scale=alt.Scale(domain=year_domain(p), nice=False),
              axis=small_year_axis(p))
    y = alt.Y("evenness:Q", title="evenness", scale=alt.Scale(domain=[0, 1]))
    band = alt.Chart().mark_area(color="#8fa8c8", opacity=0.4, clip=True).encode(
        x=x, y=alt.Y("lo:Q", scale=alt.Scale(domain=[0, 1])), y2="hi:Q")
    line = alt.Chart().mark_line(color=INK, strokeWidth=1.3).encode(x=x, y=y)
    pts = alt.Chart().mark_point(filled=True, size=20, opacity=1).encode(
        x=x, y=y, color=alt.Color("pole:N", scale=pole_scale(p),
                                  legend=alt.Legend(title="largest pole")),
        tooltip=["channel:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("evenness:Q", format=".3f"), alt.Tooltip("lo:Q", format=".3f"),
                 alt.Tooltip("hi:Q", format=".3f"), "pole:N",
                 alt.Tooltip("share:Q", format=".0%")])
    return alt.layer(band, line, pts, data=df).properties(width=190, height=120).facet(
        facet=alt.Facet("channel:N", sort=order, title=None), columns=3
    ).properties(title=chart_title("Evenness by channel",
                                   "Pielou's J over the poles per channel, with intervals where "
                                   "the channel has one; dot colour: the largest pole"))


def tilt_lines(p: Profile) -> alt.TopLevelMixin | None:
    """Centred log-ratios of the composite shares: which poles are above the balance line."""
    t = p.tilt[p.tilt["channel"] == "composite"] if len(p.tilt) else p.tilt
    if t.empty:
        return None
    df = pd.DataFrame({"year": t["year"].astype(int), "clr": t["clr"].astype(float),
                       "share": t["share"].astype(float),
                       "pole": [pole_label(p, x) for x in t["pole"]]})
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#9aa3ad").encode(y="y:Q")
    line = alt.Chart(df).mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=14)).encode(
        x=x_years(p), y=alt.Y("clr:Q", title="centred log-ratio (0 = balance)"),
        color=alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title=None)),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("clr:Q", format=".2f"), alt.Tooltip("share:Q", format=".1%")])
    layers = [*gap_layers(p, last_year(df), "no composite", 210), zero, line]
    return sized(alt.layer(*layers), height=210).properties(title=chart_title(
        f"Where {p.name} tilts: the composite by pole",
        "Centred log-ratio of each pole's composite share: above 0, more than the "
        "geometric-mean pole; below, less"))


def tilt_heatmap(p: Profile) -> alt.TopLevelMixin | None:
    """Tilt of every channel in its latest year: channel × pole, coloured by log-ratio."""
    t = p.tilt
    if t.empty:
        return None
    last = t.groupby("channel")["year"].transform("max")
    t = t[t["year"] == last]
    order = [c for c in vocabulary.ORDER if c in set(t["channel"])]
    df = pd.DataFrame({"channel": [f"{vocabulary.label(c)} ({int(y)})"
                                   for c, y in zip(t["channel"], t["year"], strict=True)],
                       "key": t["channel"], "pole": [pole_label(p, x) for x in t["pole"]],
                       "clr": t["clr"].astype(float), "share": t["share"].astype(float)})
    sort = list(dict.fromkeys(df.set_index("key").loc[order, "channel"]))
    lim = max(1.0, float(df["clr"].abs().max()))
    base = alt.Chart(df).encode(
        y=alt.Y("channel:N", sort=sort, title=None),
        x=alt.X("pole:N", sort=[pole_label(p, x) for x in p.pole_set.ids], title=None,
                axis=alt.Axis(orient="top", labelAngle=0)))
    rect = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("clr:Q", title="log-ratio", scale=alt.Scale(
            scheme="blueorange", domain=[-lim, lim], domainMid=0),
            legend=alt.Legend(orient="right", direction="vertical", gradientLength=120)),
        tooltip=["channel:N", "pole:N", alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("clr:Q", format=".2f")])
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("share:Q", format=".0%"),
        color=alt.condition(f"abs(datum.clr) > {lim * 0.6:.3f}", alt.value("white"),
                            alt.value(INK)))
    width = min(WIDTH - 170, 95 * len(p.pole_set.ids))
    return (rect + text).properties(width=width, height=26 * len(sort), title=chart_title(
        "Tilt by channel, latest year of each", "Cell: the pole's share of the channel over "
        "the poles; colour: its centred log-ratio (orange above balance, blue below)"))


def decomposition(p: Profile) -> alt.TopLevelMixin | None:
    """Contributions of channel × pole to the change of the composite between two years."""
    d = p.decomposition
    if d.empty:
        return None
    a = d.attrs
    y0, y1 = _decomposition_years(p)
    present0 = d.groupby("channel")["share0"].transform("sum") > 0
    present1 = d.groupby("channel")["share1"].transform("sum") > 0
    suffix = pd.Series("", index=d.index)
    # the formats table covers every year: a year without a row is a year without any format
    formats = (d["channel"] == "formats").to_numpy()
    suffix[~present0] = np.where(formats[~present0], f" (none in {y0})", f" (no data in {y0})")
    suffix[~present1] = np.where(formats[~present1], f" (none in {y1})", f" (no data in {y1})")
    labels = d["channel"].map(vocabulary.label) + suffix
    df = pd.DataFrame({"channel": labels, "pole": [pole_label(p, x) for x in d["pole"]],
                       "contribution": d["contribution"].astype(float),
                       "share0": d["share0"].astype(float),
                       "share1": d["share1"].astype(float)})
    order = [vocabulary.label(c) for c in vocabulary.ORDER]
    sort = sorted(df["channel"].unique(),
                  key=lambda s: order.index(s.split(" (")[0]) if s.split(" (")[0] in order
                  else 99)
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color=INK).encode(x="x:Q")
    bars = alt.Chart(df).mark_bar(height=16).encode(
        y=alt.Y("channel:N", sort=sort, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("contribution:Q", title="contribution to the change of evenness",
                axis=alt.Axis(format="+.2f", labelOverlap=True, labelSeparation=6)),
        color=alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title=None)),
        tooltip=["channel:N", "pole:N", alt.Tooltip("contribution:Q", format="+.4f"),
                 alt.Tooltip("share0:Q", title=f"weighted share {y0}", format=".3f"),
                 alt.Tooltip("share1:Q", title=f"weighted share {y1}", format=".3f")])
    change = a.get("change", float("nan"))
    sub = (f"Composite evenness {a.get('evenness0', float('nan')):.3f} in {y0}, "
           f"{a.get('evenness1', float('nan')):.3f} in {y1} (change {change:+.3f}): the bars "
           "add up to the change")
    return (zero + bars).properties(width=WIDTH - 200, height=30 * len(sort), title=chart_title(
        f"What moved the balance, {y0}-{y1}", sub))


def _decomposition_years(p: Profile) -> tuple[int, int]:
    """First and last year of the composite (the years the decomposition compares)."""
    b = p.balance[p.balance["channel"] == "composite"]
    return int(b["year"].min()), int(b["year"].max())
