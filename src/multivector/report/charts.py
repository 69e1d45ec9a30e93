"""The report's charts: one function per chart, profile frames in, a Vega-Lite chart out.

Every function takes a :class:`multivector.analysis.profile.Profile`, selects and labels the columns it
shows and returns an altair chart, or None when the profile holds no data for it (the report
then says so in words). Nothing is computed here beyond picking rows (the latest year, the
focal state), renaming and labelling; the same chart specification is embedded in the HTML
report (drawn by vega-embed in the browser) and rendered to PNG for the PDF (vl-convert).

Conventions, for every chart over time: the x axis spans the years asked for, so a source that
stops early leaves a grey band labelled with where its data end (gaps are shown, never filled);
poles keep one colour throughout (:data:`POLE_COLOURS`); legends sit above the plot, never over
the data.
"""

from __future__ import annotations

import textwrap

import altair as alt
import numpy as np
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.measures.shares import REST
from multivector.measures.similarity import MEASURE_TITLES
from multivector.report import labels

WIDTH = 680
HEIGHT = 230
SUBTITLE_CHARS = 120  # about the plot's width at the subtitle's 11.5 px
FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
INK = "#1d2733"
MUTED = "#5b6673"
GAP_FILL = "#e9ecef"

POLE_COLOURS = {
    "USA": "#1f4e9c", "EU": "#e0a800", "CHN": "#c8102e", "RUS": "#6b3fa0", "TUR": "#8c510a",
    "GCC": "#1b9e77", "JPN": "#e7298a", "KOR": "#56b4e9", "IND": "#ff7f00", REST: "#c9c9c9",
}
FALLBACK_COLOURS = ["#264653", "#e76f51", "#8ab17d", "#b5838d", "#6d597a", "#355070"]
FOCAL_COLOUR = "#111111"
LEGEND_LABEL_LIMIT = 420  # px: the longest legend label ("Ores and metals, % of ...") whole

CHANNEL_LABELS = {
    "unga": "UN votes", "exports": "Exports", "imports": "Imports", "security": "Alliances",
    "igo": "IGOs", "formats": "Formats", "composite": "Composite",
}
CHANNEL_WORDS = {
    "unga": "UN votes", "exports": "exports", "imports": "imports", "security": "alliances",
    "igo": "IGOs", "formats": "formats", "composite": "composite",
}
CHANNEL_ORDER = ["composite", "unga", "exports", "imports", "security", "igo", "formats"]
FACTOR_LABELS = {
    "pole_set": "pole set (core / wide)",
    "measure": "UNGA measure (agreement / kappa / ideal points)",
    "subset": "vote subset (all / important / no amendments)",
}

CONFIG: dict = {
    "font": FONT,
    "background": "white",
    "padding": {"left": 4, "right": 12, "top": 6, "bottom": 4},
    "view": {"stroke": None},
    "title": {"fontSize": 14, "fontWeight": 600, "anchor": "start", "color": INK,
              "subtitleFontSize": 11.5, "subtitleColor": MUTED, "subtitlePadding": 3,
              "offset": 8},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": 500,
             "labelColor": MUTED, "titleColor": MUTED, "gridColor": "#eceff3",
             "domainColor": "#9aa3ad", "tickColor": "#9aa3ad"},
    "legend": {"orient": "top", "direction": "horizontal", "labelFontSize": 11,
               "titleFontSize": 11, "titleFontWeight": 500, "titleColor": MUTED,
               "symbolSize": 90, "columnPadding": 12, "titleOrient": "left",
               "labelLimit": 220, "symbolOpacity": 1, "columns": 6},
    "header": {"labelFontSize": 12, "labelFontWeight": 600, "labelColor": INK,
               "titleFontSize": 0},
    "text": {"font": FONT},
}


# --------------------------------------------------------------------------------- helpers
def spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite specification with the report's configuration."""
    out = chart.to_dict(validate=False)
    out["config"] = CONFIG
    return out


def pole_label(p: Profile, pole: str) -> str:
    """Display name of a pole id (the rest of the world and the focal state included)."""
    if pole == REST:
        return REST
    if pole == p.iso3:
        return p.name
    labels = {x.id: x.label for x in p.pole_set.poles}
    return labels.get(pole, pole)


def pole_scale(p: Profile, rest: bool = False, focal: bool = False) -> alt.Scale:
    """Colour scale of the poles by their labels, in the pole set's order."""
    ids = [*([p.iso3] if focal else []), *p.pole_set.ids, *([REST] if rest else [])]
    colours = []
    for i, pid in enumerate(ids):
        colours.append(FOCAL_COLOUR if focal and pid == p.iso3
                       else POLE_COLOURS.get(pid, FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)]))
    return alt.Scale(domain=[pole_label(p, x) for x in ids], range=colours)


def _x_years(p: Profile, title: str | None = "year") -> alt.X:
    return alt.X("year:Q", title=title, scale=alt.Scale(domain=_domain(p), nice=False),
                 axis=alt.Axis(format="d", tickMinStep=1, labelOverlap=True, grid=False))


def year_ticks(p: Profile, most: int = 4) -> list[int]:
    """At most ``most`` round years inside the span asked for (every 1, 2, 5, 10, 20 or 25
    years), for the year axis of a small panel where every year's label would collide."""
    first, last = p.years
    for step in (1, 2, 5, 10, 20, 25, 50):
        ticks = list(range(-(-first // step) * step, last + 1, step))
        if len(ticks) <= most:
            return ticks or [first]
    return [first, last]


def small_year_axis(p: Profile) -> alt.Axis:
    """The year axis of a small multiple: a few round years, no overlap check needed."""
    return alt.Axis(format="d", values=year_ticks(p), labelOverlap=True, grid=False)


def _x_plain(p: Profile, field: str) -> alt.X:
    """An x encoding on the years' scale that adds no axis title (for annotation layers)."""
    return alt.X(f"{field}:Q", scale=alt.Scale(domain=_domain(p), nice=False), title=None)


def _domain(p: Profile) -> list[float]:
    """The years asked for, with half a year either side so the end points show whole."""
    return [p.years[0] - 0.5, p.years[1] + 0.5]


def _last(frame: pd.DataFrame, col: str = "year") -> int | None:
    return int(frame[col].max()) if len(frame) else None


GAP_FONT = 10.5


def wrap_to(label: str, length_px: float, font: float = GAP_FONT) -> str:
    """``label`` broken into lines (joined by a newline) that each fit ``length_px``."""
    chars = max(8, int(length_px / (font * labels.CHAR_PX)))
    return "\n".join(textwrap.wrap(label, chars)) or label


def gap_layers(p: Profile, last: int | None, label: str, height: float = HEIGHT,
               width: float = WIDTH) -> list[alt.Chart]:
    """A grey band over the years past ``last`` (the end of a source), with its label.

    The label runs up the band and is wrapped into lines that fit the plot's ``height``, so
    no word is cut at the plot's edge; the band shows without a label when the lines would
    not fit its width (``width`` is the plot's).
    """
    if last is None or last >= p.years[1]:
        return []
    end = p.years[1]
    text = wrap_to(label, height - 12)
    df = pd.DataFrame({"x0": [last + 0.5], "x1": [end + 0.5], "xm": [(last + 0.5 + end) / 2],
                       "label": [text]})
    rect = alt.Chart(df).mark_rect(color=GAP_FILL, opacity=0.9, clip=True).encode(
        x=_x_plain(p, "x0"), x2="x1:Q")
    band_px = (end - last) * width / (p.years[1] - p.years[0] + 1)
    if not label or (text.count("\n") + 1) * 12 > band_px - 4:
        return [rect]
    mark = alt.Chart(df).mark_text(angle=270, align="right", baseline="middle", dy=0,
                                   fontSize=GAP_FONT, lineBreak="\n", lineHeight=12,
                                   color=MUTED, clip=True).encode(
        x=_x_plain(p, "xm"), y=alt.value(6), text="label:N")
    return [rect, mark]


def _sized(chart: alt.TopLevelMixin, width: int = WIDTH, height: int = HEIGHT):
    return chart.properties(width=width, height=height)


def _title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    """A chart title; the subtitle wraps at :data:`SUBTITLE_CHARS` so it never widens the
    chart (Vega sizes a chart to fit its title)."""
    lines = [subtitle] if isinstance(subtitle, str) else (subtitle or [])
    sub = [w for line in lines for w in textwrap.wrap(line, SUBTITLE_CHARS)]
    return alt.TitleParams(text=text, subtitle=sub)


def _panel(text: str) -> alt.TitleParams:
    """Title of one panel of a composed chart (smaller than the chart's own title)."""
    return alt.TitleParams(text=text, fontSize=12, fontWeight=600)


def _indicator(p: Profile, code: str) -> pd.DataFrame:
    ind = p.indicators
    if ind.empty:
        return ind
    return ind[ind["indicator"] == code].astype({"year": int})


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
        x=_x_years(p), y=alt.Y("lo:Q", scale=scale), y2="hi:Q")
    line = base.mark_line(color=INK, strokeWidth=1.6).encode(x=_x_years(p), y=y)
    pts = base.mark_point(filled=True, size=70, opacity=1, stroke="white",
                          strokeWidth=0.8).encode(
        x=_x_years(p), y=y,
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
            x=_x_plain(p, "x")))
        layers.append(alt.Chart(breaks).mark_text(align="left", fontSize=BREAK_FONT,
                                                  color=MUTED, baseline="bottom").encode(
            x=alt.X("lx:Q", scale=None, title=None), y=alt.Y("ypix:Q", scale=None),
            text="label:N"))
    layers[:0] = gap_layers(p, _last(df), "no composite: a channel of its set has no data")
    return _sized(alt.layer(*layers)).properties(
        title=_title(f"{p.name}: balance across the poles, {int(df['year'].min())}-"
                     f"{int(df['year'].max())}",
                     "Composite evenness of engagement over the poles (Pielou's J) with its "
                     "95% interval; dot colour: the pole with the largest share"))


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
            added = [f"+{CHANNEL_LABELS.get(c, c)}" for c in sorted(cur - prev)]
            gone = [f"−{CHANNEL_LABELS.get(c, c)}" for c in sorted(prev - cur)]
            rows.append({"x": year - 0.5, "label": " ".join([*added, *gone])})
        prev = cur
    out = pd.DataFrame(rows, columns=["x", "label"])
    d0, d1 = _domain(p)
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


# ------------------------------------------------------------------------------------ UNGA
def unga_alignment(p: Profile) -> alt.TopLevelMixin | None:
    """Alignment with each pole per session, with bootstrap bands."""
    u = p.unga
    if u.empty:
        return None
    o = p.unga_options
    df = pd.DataFrame({"year": u["year"].astype(int), "value": u["value"].astype(float),
                       "lo": u["lo"].astype(float), "hi": u["hi"].astype(float),
                       "pole": [pole_label(p, x) for x in u["pole"]],
                       "session": u["session"].astype(int),
                       "n_votes": u["n_votes"].astype(float)})
    mtitle = MEASURE_TITLES.get(o.alignment_measure, o.alignment_measure)
    if o.alignment_measure in ("agreement", "agreement_half"):
        scale = alt.Scale(domain=[0, 1])
    elif o.alignment_measure == "idealpoint_distance":
        scale = alt.Scale(zero=True)
    else:
        scale = alt.Scale(domain=[-1, 1])
    colour = alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title="pole"))
    base = alt.Chart(df)
    layers = []
    if df["lo"].notna().any():
        layers.append(base.mark_area(opacity=0.16, clip=True).encode(
            x=_x_years(p, "year the session opened"), y=alt.Y("lo:Q", scale=scale),
            y2="hi:Q", color=colour))
    layers.append(base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=18)).encode(
        x=_x_years(p, "year the session opened"),
        y=alt.Y("value:Q", title=mtitle, scale=scale),
        color=colour,
        tooltip=["pole:N", alt.Tooltip("session:Q", format="d"),
                 alt.Tooltip("value:Q", format=".2f"), alt.Tooltip("lo:Q", format=".2f"),
                 alt.Tooltip("hi:Q", format=".2f"), alt.Tooltip("n_votes:Q", format=".0f")]))
    layers[:0] = gap_layers(p, _last(df), "no UNGA data")
    band = f"; {o.level:.0%} bootstrap bands" if o.n_boot and df["lo"].notna().any() else ""
    return _sized(alt.layer(*layers)).properties(title=_title(
        f"UN General Assembly: {p.name}'s {mtitle.lower()} "
        "with each pole", f"Per session, all roll calls{band}"))


def ideal_points(p: Profile) -> alt.TopLevelMixin | None:
    """The focal state's ideal point against the poles', with 95% intervals."""
    ip = p.idealpoints
    if ip.empty:
        return None
    df = pd.DataFrame({"year": ip["year"].astype(int), "theta": ip["theta"].astype(float),
                       "lo": ip["lo"].astype(float), "hi": ip["hi"].astype(float),
                       "who": [pole_label(p, x) for x in ip["who"]],
                       "focal": (ip["who"] == p.iso3).to_numpy()})
    scale = pole_scale(p, focal=True)
    base = alt.Chart(df)
    x = _x_years(p, "year the session opened")
    colour = alt.Color("who:N", scale=scale, legend=alt.Legend(title=None))
    band = base.mark_area(opacity=0.14).encode(x=x, y="lo:Q", y2="hi:Q", color=colour)
    line = base.mark_line().encode(
        x=x, y=alt.Y("theta:Q", title="ideal point (United States' side positive)"),
        color=colour,
        strokeWidth=alt.condition("datum.focal", alt.value(3.2), alt.value(1.8)),
        tooltip=["who:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("theta:Q", format=".2f"), alt.Tooltip("lo:Q", format=".2f"),
                 alt.Tooltip("hi:Q", format=".2f")])
    return _sized(alt.layer(*gap_layers(p, _last(df), "no UNGA data"), band, line)).properties(
        title=_title(f"Ideal points: {p.name} and the poles",
                     "Dynamic ordinal ideal points per session, 95% intervals; a bloc is its "
                     "members' mean"))


# ----------------------------------------------------------------------------------- trade
def trade_shares(p: Profile, flow: str) -> alt.TopLevelMixin | None:
    """Shares of exports (by buyer) or imports (by supplier) by pole, stacked."""
    t = p.trade[p.trade["flow"] == flow] if len(p.trade) else p.trade
    if t.empty:
        return None
    order = {pid: i for i, pid in enumerate([*p.pole_set.ids, REST])}
    df = pd.DataFrame({"year": t["year"].astype(int), "share": t["share"].astype(float),
                       "value": t["value_usd_m"].astype(float),
                       "pole": [pole_label(p, x) for x in t["pole"]],
                       "order": t["pole"].map(order).astype(float),
                       "flag": t["flag"].fillna("").astype(str)})
    shown = df[df["share"].notna()]
    x = _x_years(p)
    area = alt.Chart(shown).mark_area(opacity=0.92, line={"color": "white",
                                                          "strokeWidth": 0.6}).encode(
        x=x, y=alt.Y("share:Q", stack="zero", title=f"share of {flow}",
                     axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("pole:N", scale=pole_scale(p, rest=True),
                        legend=alt.Legend(title=None)),
        order=alt.Order("order:Q", sort="ascending"),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("value:Q", title="US$ m", format=",.0f"), "flag:N"])
    layers: list = [area]
    m = not_reported_spans(df[df["flag"] == "not reported"])
    if len(m):
        layers.append(alt.Chart(m).mark_rect(color="white", opacity=0.55, stroke="#8a5a00",
                                             strokeDash=[2, 2], strokeWidth=0.8).encode(
            x=_x_plain(p, "x0"), x2="x1:Q"))
        layers.append(alt.Chart(m).mark_text(angle=270, align="right", fontSize=10,
                                             lineBreak="\n", lineHeight=11.5,
                                             color="#8a5a00", baseline="middle").encode(
            x=_x_plain(p, "xm"), y=alt.value(6), text="label:N"))
    layers[:0] = gap_layers(p, _last(df), "IMF DOTS data end")
    who = "buyers" if flow == "exports" else "suppliers"
    basis = "FOB" if flow == "exports" else "CIF"
    return _sized(alt.layer(*layers)).properties(title=_title(
        f"{'Exports' if flow == 'exports' else 'Imports'}: {p.name}'s {who} by pole",
        f"Share of {p.name}'s reported {flow} ({basis}, US$), each pole's members of the year; "
        "grey: the rest of the world"))


def not_reported_spans(missing: pd.DataFrame) -> pd.DataFrame:
    """Runs of consecutive years in which the same poles are not reported, one row each:
    ``x0, x1, xm, label``."""
    rows: list[dict] = []
    by_year = missing.groupby("year")["pole"].agg(lambda s: ", ".join(sorted(set(s))))
    for year, poles in by_year.items():
        if rows and rows[-1]["poles"] == poles and rows[-1]["last"] == year - 1:
            rows[-1]["last"] = year
        else:
            rows.append({"first": year, "last": year, "poles": poles})
    out = pd.DataFrame(rows, columns=["first", "last", "poles"])
    return out.assign(x0=out["first"] - 0.5, x1=out["last"] + 0.5,
                      xm=(out["first"] + out["last"]) / 2,
                      label=[wrap_to(f"{x} not reported", HEIGHT - 12) for x in out["poles"]])


FLAG_LABELS = {"": "as reported", "mirror": "partner's figure (mirror)",
               "discrepant": "discrepant (>25% from partner's)"}


def top_partners(p: Profile) -> alt.TopLevelMixin | None:
    """The five largest buyers and suppliers of the latest year, flagged by figure source."""
    tp = p.top_partners
    if tp.empty:
        return None
    year = int(tp["year"].max())
    t = tp[tp["year"] == year]
    df = pd.DataFrame({"flow": t["flow"], "rank": t["rank"].astype(int),
                       "partner": t["partner_name"].astype(str),
                       "share": t["share"].astype(float),
                       "value": t["value_usd_m"].astype(float),
                       "flag": t["flag"].fillna("").map(lambda f: FLAG_LABELS.get(f, f))})
    colour = alt.Color("flag:N", title="figure", scale=alt.Scale(
        domain=list(FLAG_LABELS.values()), range=["#3c5a80", "#9db4d0", "#d9822b"]))
    panels = []
    for flow, who in (("exports", "Buyers"), ("imports", "Suppliers")):
        d = df[df["flow"] == flow]
        if d.empty:
            continue
        base = alt.Chart(d).encode(
            y=alt.Y("partner:N", sort=list(d.sort_values("rank")["partner"]),
                    title=None, axis=alt.Axis(labelLimit=130)),
            x=alt.X("share:Q", title=f"share of {flow}", axis=alt.Axis(format="%"),
                    scale=alt.Scale(domain=[0, max(0.05, float(df["share"].max()) * 1.25)])))
        bars = base.mark_bar(height=16).encode(
            color=colour, tooltip=["partner:N", alt.Tooltip("share:Q", format=".1%"),
                                   alt.Tooltip("value:Q", title="US$ m", format=",.0f"),
                                   "flag:N"])
        text = base.mark_text(align="left", dx=3, fontSize=10.5, color=INK).encode(
            text=alt.Text("share:Q", format=".0%"))
        panels.append((bars + text).properties(width=225, height=135,
                                               title=_panel(f"{who} ({flow}), {year}")))
    if not panels:
        return None
    return alt.hconcat(*panels, spacing=40).properties(title=_title(
        f"Largest trade partners of {p.name}, {year}",
        "Five largest, mirror-filled; colour: whose figure is used"))


CONC_LABELS = {"hhi": "HHI", "top1_share": "largest partner's share",
               "top3_share": "three largest partners' share",
               "mirror_share": "share from partners' figures"}


def concentration(p: Profile) -> alt.TopLevelMixin | None:
    """Partner concentration of exports and imports over time: HHI, top-1 and top-3 shares."""
    c = p.concentration
    if c.empty:
        return None
    long = c.melt(id_vars=["year", "side", "top1_partner"], value_vars=list(CONC_LABELS),
                  var_name="measure", value_name="value")
    long = long.assign(year=long["year"].astype(int), value=long["value"].astype(float),
                       measure=long["measure"].map(CONC_LABELS),
                       top1=[state_name(x) for x in long["top1_partner"]])
    colour = alt.Color("measure:N", title=None, scale=alt.Scale(
        domain=list(CONC_LABELS.values()), range=["#1d2733", "#c8102e", "#e0a800", "#9aa3ad"]))
    dash = alt.StrokeDash("measure:N", title=None, scale=alt.Scale(
        domain=list(CONC_LABELS.values()), range=[[1, 0], [1, 0], [1, 0], [3, 3]]))
    panels = []
    for side in ("exports", "imports"):
        d = long[long["side"] == side]
        if d.empty:
            continue
        line = alt.Chart(d).mark_line(strokeWidth=1.8).encode(
            x=_x_years(p, None),
            y=alt.Y("value:Q", title="share / index", scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format=".1f")),
            color=colour, strokeDash=dash,
            tooltip=["measure:N", alt.Tooltip("year:Q", format="d"),
                     alt.Tooltip("value:Q", format=".2f"),
                     alt.Tooltip("top1:N", title="largest partner")])
        panel = alt.layer(*gap_layers(p, _last(d), "IMF DOTS data end", 200, 290), line)
        who = "Buyers" if side == "exports" else "Suppliers"
        panels.append(panel.properties(width=290, height=200, title=_panel(f"{who} ({side})")))
    return alt.hconcat(*panels, spacing=24).properties(title=_title(
        f"Concentration of {p.name}'s trade over partners",
        "Herfindahl-Hirschman index and the shares of the largest partners (0-1), "
        "mirror-filled flows; dashed: share of the total taken from partners' figures"))


def state_name(code: object) -> str:
    """Short name of a state's ISO3 code (empty for a missing code)."""
    from multivector.core import states

    if not isinstance(code, str):
        return ""
    return states.country_name(code)


# -------------------------------------------------------------------------------- security
def _channel_values(p: Profile, channel: str) -> pd.DataFrame:
    sh = p.shares
    if sh.empty:
        return pd.DataFrame()
    s = sh[(sh["channel"] == channel) & (sh["pole"] != REST)]
    return pd.DataFrame({"year": s["year"].astype(int), "value": s["value"].astype(float),
                         "share": s["share"].astype(float),
                         "pole": [pole_label(p, x) for x in s["pole"]],
                         "n_members": s["n_members"].astype(int),
                         "flag": s["flag"].fillna("").astype(str)})


def security_ties(p: Profile) -> alt.TopLevelMixin | None:
    """Strength of the alliance ties with each pole over time (ATOP), one strip per pole."""
    df = _channel_values(p, "security")
    if df.empty:
        return None
    df = df[df["value"].notna()].assign(x0=lambda d: d["year"] - 0.5,
                                        x1=lambda d: d["year"] + 0.5)
    poles = [pole_label(p, x) for x in p.pole_set.ids]
    rect = alt.Chart(df).mark_rect(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("x0:Q", title="year", scale=alt.Scale(domain=_domain(p), nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, grid=False)),
        x2="x1:Q",
        y=alt.Y("pole:N", sort=poles, title=None),
        color=alt.Color("value:Q", title="strongest obligation", scale=alt.Scale(
            domain=[0, 1], range=["#f1f3f5", "#08306b"]),
            legend=alt.Legend(values=[0, 0.25, 0.5, 1], format=".2~f", gradientLength=160)),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".2f", title="strength"),
                 alt.Tooltip("n_members:Q", title="members")])
    return _sized(alt.layer(*gap_layers(p, _last(df), "ATOP data end",
                                          30 * len(poles)), rect),
                  height=30 * len(poles)).properties(title=_title(
                      f"Alliance ties of {p.name} with each pole",
                      "Strongest obligation in force, either way: 1 defence or offence pact, "
                      "0.3 neutrality, 0.1 non-aggression or consultation, 0 none; a bloc: "
                      "mean over its members"))


def military_expenditure(p: Profile) -> alt.TopLevelMixin | None:
    """Military expenditure in % of GDP (World Bank WDI)."""
    df = _indicator(p, "ms.mil.xpnd.gd.zs")
    if df.empty:
        return None
    df = df.assign(value=df["value"].astype(float))
    base = alt.Chart(df).encode(x=_x_years(p), y=alt.Y("value:Q", title="% of GDP",
                                                       scale=alt.Scale(zero=True)))
    layers = [base.mark_line(color="#3c5a80", strokeWidth=2),
              base.mark_point(filled=True, size=22, color="#3c5a80").encode(
                  tooltip=[alt.Tooltip("year:Q", format="d"),
                           alt.Tooltip("value:Q", format=".2f")])]
    return _sized(alt.layer(*gap_layers(p, _last(df), "no WDI data", 170), *layers),
                  height=170).properties(title=_title(
                      f"Military expenditure of {p.name}", "Per cent of GDP (World Bank WDI, "
                      "from SIPRI)"))


# ----------------------------------------------------------------------------- memberships
def igo_shared(p: Profile) -> alt.TopLevelMixin | None:
    """IGOs the state shares with each pole (a bloc: mean over members)."""
    df = _channel_values(p, "igo")
    if df.empty:
        return None
    df = df[df["value"].notna()]
    line = alt.Chart(df).mark_line(strokeWidth=2).encode(
        x=_x_years(p), y=alt.Y("value:Q", title="IGOs shared (full members)"),
        color=alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title=None)),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".1f")])
    return _sized(alt.layer(*gap_layers(p, _last(df), "COW IGO data end"), line)).properties(
        title=_title(f"Intergovernmental organisations {p.name} shares with each pole",
                     "Number of IGOs both are full members of; a bloc: mean over members"))


IGO_STATUS = {"full_igos": "full member", "associate_igos": "associate",
              "observer_igos": "observer"}
IGO_ORDER = {label: i for i, label in enumerate(IGO_STATUS.values())}


def igo_count(p: Profile) -> alt.TopLevelMixin | None:
    """The state's IGO memberships per year by status (COW IGO)."""
    ig = p.igo_counts
    cols = [c for c in IGO_STATUS if c in ig.columns]
    if ig.empty or not cols:
        return None
    long = ig.melt(id_vars=["year"], value_vars=cols, var_name="status", value_name="n")
    long = long[long["n"].notna()]
    long = long.assign(year=long["year"].astype(int), n=long["n"].astype(float),
                       status=long["status"].map(IGO_STATUS))
    long = long.assign(order=long["status"].map(IGO_ORDER))
    long = long.assign(x0=long["year"] - 0.4, x1=long["year"] + 0.4)
    bars = alt.Chart(long).transform_stack(
        stack="n", groupby=["year"], as_=["y0", "y1"], sort=[alt.SortField("order")]
    ).mark_rect().encode(
        x=alt.X("x0:Q", title=None, scale=alt.Scale(domain=_domain(p), nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, grid=False)),
        x2="x1:Q", y=alt.Y("y0:Q", title="memberships"), y2="y1:Q",
        color=alt.Color("status:N", title=None, scale=alt.Scale(
            domain=list(IGO_STATUS.values()), range=["#3c5a80", "#9db4d0", "#d0d7df"])),
        order=alt.Order("order:Q"),
        tooltip=["status:N", alt.Tooltip("year:Q", format="d"), "n:Q"])
    return _sized(alt.layer(*gap_layers(p, _last(long), "COW IGO data end", 170), bars),
                  height=170).properties(title=_title(
                      f"IGO memberships of {p.name}", "Intergovernmental organisations by "
                      "status (COW IGO v3)"))


def formats_shared(p: Profile) -> alt.TopLevelMixin | None:
    """Post-2010 regional formats the state shares with each pole, one strip per pole."""
    df = _channel_values(p, "formats")
    if df.empty:
        return None
    df = df[df["value"].notna()].assign(x0=lambda d: d["year"] - 0.5,
                                        x1=lambda d: d["year"] + 0.5)
    df["label"] = df["value"].map(lambda v: "" if v <= 0 else "·" if v < 0.1
                                  else f"{v:.2g}" if v >= 1 else f"{v:.1f}")
    top = max(1.0, float(df["value"].max()))
    poles = [pole_label(p, x) for x in p.pole_set.ids]
    base = alt.Chart(df).encode(
        x=alt.X("x0:Q", title=None, scale=alt.Scale(domain=_domain(p), nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, grid=False)),
        y=alt.Y("pole:N", sort=poles, title=None))
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        x2="x1:Q",
        color=alt.Color("value:Q", title="formats shared", scale=alt.Scale(
            domain=[0, top], range=["#f1f3f5", "#08306b"]),
            legend=alt.Legend(gradientLength=160, format="~g")),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".2f", title="formats shared")])
    text = base.mark_text(fontSize=9.5, dx=0).encode(
        x=alt.X("year:Q", scale=alt.Scale(domain=_domain(p), nice=False), title=None),
        text="label:N",
        color=alt.condition(f"datum.value > {top / 2:.3f}", alt.value("white"),
                            alt.value(INK)))
    return _sized(alt.layer(*gap_layers(p, _last(df), "formats table ends",
                                          30 * len(poles)), rect, text),
                  height=30 * len(poles)).properties(title=_title(
                      f"Regional formats {p.name} shares with each pole",
                      "Number of formats of the maintained table both belong to (full status "
                      "1, observer or partner 0.5; 31 December of each year); a bloc: mean over "
                      "its members (·: under 0.1)"))


# -------------------------------------------------------------------------------- minerals
def mineral_shares(p: Profile) -> alt.TopLevelMixin | None:
    """Share of world production and rank per mineral, each mineral's latest year."""
    m = p.minerals
    if m.empty:
        return None
    last = m.loc[m.groupby("mineral")["year"].idxmax()]
    df = pd.DataFrame({"mineral": last["mineral"].str.capitalize() + " ("
                       + last["year"].astype(int).astype(str) + ")",
                       "share": last["share"].astype(float), "rank": last["rank"].astype(int),
                       "n": last["n_producers"].astype(int),
                       "source": last["source"].astype(str)})
    df["label"] = ("#" + df["rank"].astype(str) + " of " + df["n"].astype(str))
    base = alt.Chart(df).encode(
        y=alt.Y("mineral:N", sort=list(df.sort_values("share", ascending=False)["mineral"]),
                title=None),
        x=alt.X("share:Q", title="share of world production", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, max(0.05, float(df["share"].max()) * 1.3)])))
    bars = base.mark_bar(color="#3c5a80", height=13).encode(
        tooltip=["mineral:N", alt.Tooltip("share:Q", format=".1%"), "rank:Q", "n:Q",
                 "source:N"])
    text = base.mark_text(align="left", dx=4, fontSize=10.5, color=INK).encode(
        text="label:N")
    return (bars + text).properties(width=WIDTH - 150, height=max(60, 19 * len(df)),
                                    title=_title(f"{p.name}'s share of world mineral "
                                                 "production", "Latest year of each "
                                                 "series; label: rank among producers"))


def mineral_poles(p: Profile, n: int = 6) -> alt.TopLevelMixin | None:
    """World production by pole for the state's main minerals (its largest shares)."""
    mp, m = p.mineral_poles, p.minerals
    if mp.empty or m.empty:
        return None
    last = m.loc[m.groupby("mineral")["year"].idxmax()].nlargest(n, "share")
    rows = mp.merge(last[["mineral", "year"]], on=["mineral", "year"])
    if rows.empty:
        return None
    order = {pid: i for i, pid in enumerate([p.iso3, *p.pole_set.ids, REST])}
    df = pd.DataFrame({"mineral": rows["mineral"].str.capitalize() + " ("
                       + rows["year"].astype(int).astype(str) + ")",
                       "who": [pole_label(p, x) for x in rows["pole"]],
                       "share": rows["share"].astype(float),
                       "order": rows["pole"].map(order).astype(float)})
    df = df[df["share"].notna()]
    sort = [f"{x.capitalize()} ({int(y)})" for x, y in zip(last["mineral"], last["year"],
                                                           strict=True)]
    bars = alt.Chart(df).mark_bar(height=15).encode(
        y=alt.Y("mineral:N", sort=sort, title=None),
        x=alt.X("share:Q", stack="normalize", title="share of world production",
                axis=alt.Axis(format="%")),
        color=alt.Color("who:N", scale=pole_scale(p, rest=True, focal=True),
                        legend=alt.Legend(title=None)),
        order=alt.Order("order:Q"),
        tooltip=["mineral:N", "who:N", alt.Tooltip("share:Q", format=".1%")])
    return bars.properties(width=WIDTH - 150, height=max(60, 24 * len(sort)), title=_title(
        f"Who produces {p.name}'s main minerals", f"World production by {p.name}, the poles "
        "and the rest of the world; the minerals with its largest shares"))


# ----------------------------------------------------------------------------- commodities
ECONOMY = ["tx.val.fuel.zs.un", "tx.val.mmtl.zs.un", "tg.val.totl.gd.zs", "ny.gdp.pcap.cd",
           "sp.pop.totl"]
SHORT_TITLES = {"tx.val.fuel.zs.un": "Fuel, % of merchandise exports",
                "tx.val.mmtl.zs.un": "Ores and metals, % of merchandise exports",
                "tg.val.totl.gd.zs": "Merchandise trade, % of GDP",
                "ny.gdp.pcap.cd": "GDP per capita, current US$",
                "sp.pop.totl": "Population, millions"}


def commodities(p: Profile) -> alt.TopLevelMixin | None:
    """Fuel and ores-and-metals shares of merchandise exports (World Bank WDI)."""
    ind = p.indicators
    if ind.empty:
        return None
    d = ind[ind["indicator"].isin(ECONOMY[:2])]
    if d.empty:
        return None
    df = pd.DataFrame({"year": d["year"].astype(int), "value": d["value"].astype(float),
                       "series": d["indicator"].map(SHORT_TITLES)})
    line = alt.Chart(df).mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=16)).encode(
        x=_x_years(p), y=alt.Y("value:Q", title="% of merchandise exports",
                               scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=[SHORT_TITLES[c] for c in ECONOMY[:2]], range=["#1d2733", "#b5651d"]),
            legend=alt.Legend(labelLimit=LEGEND_LABEL_LIMIT)),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".1f")])
    return _sized(alt.layer(*gap_layers(p, _last(df), "no WDI data", 200), line),
                  height=200).properties(title=_title(
                      f"What {p.name} exports: fuel and metals", "Share of merchandise "
                      "exports (World Bank WDI, from UN Comtrade)"))


def economy(p: Profile) -> alt.TopLevelMixin | None:
    """GDP per capita, population and trade openness, small multiples."""
    ind = p.indicators
    if ind.empty:
        return None
    d = ind[ind["indicator"].isin(ECONOMY[2:])]
    if d.empty:
        return None
    scale = d["indicator"].map({"sp.pop.totl": 1e-6}).fillna(1.0)
    df = pd.DataFrame({"year": d["year"].astype(int),
                       "value": d["value"].astype(float) * scale,
                       "series": d["indicator"].map(SHORT_TITLES)})
    line = alt.Chart(df).mark_line(strokeWidth=1.8, color="#1d2733").encode(
        x=alt.X("year:Q", title=None, scale=alt.Scale(domain=_domain(p), nice=False),
                axis=small_year_axis(p)),
        y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=",.1f")])
    return line.properties(width=185, height=120).facet(
        facet=alt.Facet("series:N", title=None,
                        sort=[SHORT_TITLES[c] for c in ECONOMY[2:]]), columns=3
    ).resolve_scale(y="independent").properties(title=_title(
        f"{p.name}: economy and population", "World Bank WDI"))


# --------------------------------------------------------------------------------- balance
def channel_balance(p: Profile) -> alt.TopLevelMixin | None:
    """Evenness per channel over time with intervals, small multiples."""
    b = p.balance
    if b.empty:
        return None
    order = [CHANNEL_LABELS.get(c, c) for c in CHANNEL_ORDER if c in set(b["channel"])]
    df = pd.DataFrame({"year": b["year"].astype(int), "evenness": b["evenness"].astype(float),
                       "lo": b["lo"].astype(float), "hi": b["hi"].astype(float),
                       "channel": b["channel"].map(lambda c: CHANNEL_LABELS.get(c, c)),
                       "pole": [pole_label(p, x) for x in b["dominant_pole"]],
                       "share": b["dominant_share"].astype(float)})
    x = alt.X("year:Q", title=None, scale=alt.Scale(domain=_domain(p), nice=False),
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
    ).properties(title=_title("Evenness by channel",
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
        x=_x_years(p), y=alt.Y("clr:Q", title="centred log-ratio (0 = balance)"),
        color=alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title=None)),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("clr:Q", format=".2f"), alt.Tooltip("share:Q", format=".1%")])
    layers = [*gap_layers(p, _last(df), "no composite", 210), zero, line]
    return _sized(alt.layer(*layers), height=210).properties(title=_title(
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
    order = [c for c in CHANNEL_ORDER if c in set(t["channel"])]
    df = pd.DataFrame({"channel": [f"{CHANNEL_LABELS.get(c, c)} ({int(y)})"
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
    return (rect + text).properties(width=width, height=26 * len(sort), title=_title(
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
    labels = d["channel"].map(lambda c: CHANNEL_LABELS.get(c, c)) + suffix
    df = pd.DataFrame({"channel": labels, "pole": [pole_label(p, x) for x in d["pole"]],
                       "contribution": d["contribution"].astype(float),
                       "share0": d["share0"].astype(float),
                       "share1": d["share1"].astype(float)})
    order = [CHANNEL_LABELS.get(c, c) for c in CHANNEL_ORDER]
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
    return (zero + bars).properties(width=WIDTH - 200, height=30 * len(sort), title=_title(
        f"What moved the balance, {y0}-{y1}", sub))


def _decomposition_years(p: Profile) -> tuple[int, int]:
    """First and last year of the composite (the years the decomposition compares)."""
    b = p.balance[p.balance["channel"] == "composite"]
    return int(b["year"].min()), int(b["year"].max())


# ----------------------------------------------------------------------------- sensitivity
def composite_years(p: Profile) -> list[int]:
    """Years in which the profile has a composite under its own settings."""
    if p.balance.empty:
        return []
    return sorted(int(y) for y in p.balance.loc[p.balance["channel"] == "composite", "year"])


def sensitivity_rows(p: Profile) -> pd.DataFrame:
    """The sensitivity summary in the years the profile's own composite covers."""
    s = p.sensitivity
    if s.empty:
        return s
    s = s[s["year"].isin(composite_years(p))]
    return s.astype({"year": int})


def sensitivity_evenness(p: Profile) -> alt.TopLevelMixin | None:
    """The composite under the defaults against its range over every analysis choice."""
    s = sensitivity_rows(p)
    if s.empty:
        return None
    x = _x_years(p)
    base = alt.Chart(s)
    layers = [
        base.mark_area(color="#c5d3e6", opacity=0.6, clip=True).encode(
            x=x, y=alt.Y("evenness_min:Q", scale=alt.Scale(domain=[0, 1])),
            y2="evenness_max:Q"),
        base.mark_area(color="#7f9cc4", opacity=0.6, clip=True).encode(
            x=x, y="evenness_p05:Q", y2="evenness_p95:Q"),
        base.mark_line(color=INK, strokeWidth=1.8).encode(
            x=x, y=alt.Y("evenness:Q", title="composite evenness"),
            tooltip=[alt.Tooltip("year:Q", format="d"),
                     alt.Tooltip("evenness:Q", title="default", format=".3f"),
                     alt.Tooltip("evenness_p05:Q", title="5th pct", format=".3f"),
                     alt.Tooltip("evenness_p95:Q", title="95th pct", format=".3f"),
                     alt.Tooltip("evenness_min:Q", title="min", format=".3f"),
                     alt.Tooltip("evenness_max:Q", title="max", format=".3f"),
                     alt.Tooltip("n_runs:Q", title="runs")]),
    ]
    layers[:0] = gap_layers(p, _last(s), "no composite", 200)
    return _sized(alt.layer(*layers), height=200).properties(title=_title(
        "How much the analyst's choices move the composite",
        "Line: default settings; dark band: 5th-95th percentile, light band: minimum-maximum "
        "over pole sets, UNGA measures, vote subsets and random weights"))


def sensitivity_rank(p: Profile) -> alt.TopLevelMixin | None:
    """The state's rank among all states under the defaults and over every choice."""
    s = sensitivity_rows(p)
    if s.empty:
        return None
    x = _x_years(p)
    base = alt.Chart(s)
    y_scale = alt.Scale(reverse=True, zero=False)
    layers = [
        base.mark_area(color="#c5d3e6", opacity=0.6).encode(
            x=x, y=alt.Y("rank_min:Q", scale=y_scale), y2="rank_max:Q"),
        base.mark_area(color="#7f9cc4", opacity=0.6).encode(x=x, y="rank_p05:Q",
                                                            y2="rank_p95:Q"),
        base.mark_line(color=INK, strokeWidth=1.8, point=alt.OverlayMarkDef(size=14)).encode(
            x=x, y=alt.Y("rank:Q", title="rank (1 = most even)", scale=y_scale),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("rank:Q", format="d"),
                     alt.Tooltip("rank_p05:Q", title="5th pct", format=".0f"),
                     alt.Tooltip("rank_p95:Q", title="95th pct", format=".0f"),
                     alt.Tooltip("rank_min:Q", title="best", format=".0f"),
                     alt.Tooltip("rank_max:Q", title="worst", format=".0f"),
                     alt.Tooltip("n_states:Q", title="states ranked", format=".0f")]),
    ]
    layers[:0] = gap_layers(p, _last(s), "no composite", 200)
    return _sized(alt.layer(*layers), height=200).properties(title=_title(
        f"{p.name}'s rank among all states by evenness",
        "Line: default settings; bands as above (5th-95th percentile, minimum-maximum)"))


def sensitivity_factors(p: Profile, year: int | None = None) -> alt.TopLevelMixin | None:
    """Which choice moves the composite most: one-at-a-time ranges in one year."""
    f = p.sensitivity_factors
    if f.empty:
        return None
    f = f[f["evenness_range"].notna() & f["year"].isin(composite_years(p))]
    if year is None and len(f):
        year = int(f["year"].max())
    f = f[f["year"] == year]
    if f.empty:
        return None
    df = pd.DataFrame({"factor": f["factor"].map(lambda x: FACTOR_LABELS.get(x, x)),
                       "evenness_range": f["evenness_range"].astype(float),
                       "rank_range": f["rank_range"].astype(float)})
    order = list(df.sort_values(["evenness_range", "rank_range"], ascending=False)["factor"])
    panels = []
    # one panel per quantity: each bar's length and its label show the same number
    for field, title, fmt, top, tick in (
            ("evenness_range", "range of the composite evenness", ".3f", 0.02, ".2~f"),
            ("rank_range", "range of the rank (places)", ".0f", 2.0, "d")):
        base = alt.Chart(df).encode(
            y=alt.Y("factor:N", title=None, sort=order,
                    axis=alt.Axis(labelLimit=300) if not panels else None),
            x=alt.X(f"{field}:Q", title=title,
                    axis=alt.Axis(format=tick, tickCount=4, labelOverlap=True),
                    scale=alt.Scale(domain=[0, max(top, float(df[field].max()) * 1.3)])))
        bars = base.mark_bar(color="#3c5a80", height=16).encode(
            tooltip=["factor:N", alt.Tooltip("evenness_range:Q", format=".3f"),
                     alt.Tooltip("rank_range:Q", format=".0f")])
        text = base.mark_text(align="left", dx=4, fontSize=10.5, color=INK).encode(
            text=alt.Text(f"{field}:Q", format=fmt))
        panels.append((bars + text).properties(width=170, height=34 * len(df)))
    return alt.hconcat(*panels, spacing=16).properties(title=_title(
        f"Which choice moves it most, {year}", "Each choice varied alone, the others at "
        "their defaults, default weights: how far the composite evenness (left) and the "
        "rank among all states (right) move"))


# ------------------------------------------------------------------------- peers and power
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
    d0, d1 = _domain(p)
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
    x = _x_years(p)
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
    layers[:0] = gap_layers(p, _last(df), "", PEERS_HEIGHT)
    title = p.peers.title if p.peers is not None else "peers"
    shaded = "; shaded: no composite" if _last(df) is not None and _last(df) < p.years[1] \
        else ""
    return _sized(alt.layer(*layers), height=PEERS_HEIGHT).properties(title=_title(
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
        width=SCATTER_WIDTH, height=SCATTER_HEIGHT, title=_title(
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
        x=_x_years(p, None), y=alt.Y("value:Q", title="score, 0-100"),
        color=alt.Color("series:N", title=None, scale=alt.Scale(
            domain=["index", "position", "reach"], range=[INK, "#b5651d", "#3c5a80"])),
        strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(
            domain=["index", "position", "reach"], range=[[1, 0], [4, 2], [1, 1]])),
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".1f")])
    left = alt.layer(*gap_layers(p, _last(long), "no index", 190, 290), left).properties(
        width=290, height=190, title=_panel("Index and pillars"))
    r = pd.DataFrame({"year": pw["year"].astype(int), "rank": pw["rank"].astype(float),
                      "n_components": pw["n_components"].astype(float)})
    y_scale = alt.Scale(reverse=True, zero=False)
    layers = []
    if {"rank_p05", "rank_p95"} <= set(pw.columns):
        r = r.assign(lo=pw["rank_p05"].astype(float).to_numpy(),
                     hi=pw["rank_p95"].astype(float).to_numpy())
        layers.append(alt.Chart(r).mark_area(color="#9db4d0", opacity=0.6).encode(
            x=_x_years(p, None), y=alt.Y("lo:Q", scale=y_scale), y2="hi:Q"))
    layers.append(alt.Chart(r).mark_line(color=INK, strokeWidth=2,
                                         point=alt.OverlayMarkDef(size=14)).encode(
        x=_x_years(p, None), y=alt.Y("rank:Q", title="rank among all states", scale=y_scale),
        tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("rank:Q", format=".0f"),
                 alt.Tooltip("n_components:Q", title="components", format=".0f")]))
    right = alt.layer(*gap_layers(p, _last(r), "no index", 190, 290), *layers).properties(
        width=290, height=190,
        title=_panel("Rank (band: 5th-95th percentile over random weights)"))
    return alt.hconcat(left, right, spacing=28).properties(title=_title(
        f"{p.name}'s middle-power index",
        "Position (GDP, population, military expenditure, CINC) and reach (IGOs, allies, "
        "trade dependants, UN voting partners), each 0-100"))
