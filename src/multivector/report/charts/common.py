"""What every chart of the report shares: size, fonts, colours, the year axis and the gap bands.

Every chart function takes a :class:`multivector.analysis.profile.Profile`, selects and labels
the columns it shows and returns an altair chart, or None when the profile holds no data for it
(the report then says so in words). Nothing is computed in the charts beyond picking rows (the
latest year, the focal state), renaming and labelling; the same chart specification is embedded
in the HTML report (drawn by vega-embed in the browser) and rendered to PNG for the PDF
(vl-convert).

Conventions, for every chart over time: the x axis spans the years asked for, so a source that
stops early leaves a grey band labelled with where its data end (gaps are shown, never filled);
poles keep one colour throughout (:data:`POLE_COLOURS`); legends sit above the plot, never over
the data.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.core import states
from multivector.core.vocabulary import REST
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


def x_years(p: Profile, title: str | None = "year") -> alt.X:
    """The x encoding of a chart over time: the years asked for, one tick per year at most."""
    return alt.X("year:Q", title=title, scale=alt.Scale(domain=year_domain(p), nice=False),
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


def x_plain(p: Profile, field: str) -> alt.X:
    """An x encoding on the years' scale that adds no axis title (for annotation layers)."""
    return alt.X(f"{field}:Q", scale=alt.Scale(domain=year_domain(p), nice=False), title=None)


def year_domain(p: Profile) -> list[float]:
    """The years asked for, with half a year either side so the end points show whole."""
    return [p.years[0] - 0.5, p.years[1] + 0.5]


def last_year(frame: pd.DataFrame, col: str = "year") -> int | None:
    """The last year with a row in ``frame`` (None when it is empty)."""
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
        x=x_plain(p, "x0"), x2="x1:Q")
    band_px = (end - last) * width / (p.years[1] - p.years[0] + 1)
    if not label or (text.count("\n") + 1) * 12 > band_px - 4:
        return [rect]
    mark = alt.Chart(df).mark_text(angle=270, align="right", baseline="middle", dy=0,
                                   fontSize=GAP_FONT, lineBreak="\n", lineHeight=12,
                                   color=MUTED, clip=True).encode(
        x=x_plain(p, "xm"), y=alt.value(6), text="label:N")
    return [rect, mark]


def sized(chart: alt.TopLevelMixin, width: int = WIDTH, height: int = HEIGHT
          ) -> alt.TopLevelMixin:
    """``chart`` at the report's plot size (or the one given)."""
    return chart.properties(width=width, height=height)


def chart_title(text: str, subtitle: str | list[str] | None = None) -> alt.TitleParams:
    """A chart title; the subtitle wraps at :data:`SUBTITLE_CHARS` so it never widens the
    chart (Vega sizes a chart to fit its title)."""
    lines = [subtitle] if isinstance(subtitle, str) else (subtitle or [])
    sub = [w for line in lines for w in textwrap.wrap(line, SUBTITLE_CHARS)]
    return alt.TitleParams(text=text, subtitle=sub)


def panel_title(text: str) -> alt.TitleParams:
    """Title of one panel of a composed chart (smaller than the chart's own title)."""
    return alt.TitleParams(text=text, fontSize=12, fontWeight=600)


def channel_values(p: Profile, channel: str) -> pd.DataFrame:
    """The values and shares of ``channel`` with each pole (the rest of the world left out),
    poles labelled."""
    sh = p.shares
    if sh.empty:
        return pd.DataFrame()
    s = sh[(sh["channel"] == channel) & (sh["pole"] != REST)]
    return pd.DataFrame({"year": s["year"].astype(int), "value": s["value"].astype(float),
                         "share": s["share"].astype(float),
                         "pole": [pole_label(p, x) for x in s["pole"]],
                         "n_members": s["n_members"].astype(int),
                         "flag": s["flag"].fillna("").astype(str)})


def state_name(code: object) -> str:
    """Short name of a state's ISO3 code (empty for a missing code)."""
    if not isinstance(code, str):
        return ""
    return states.country_name(code)
