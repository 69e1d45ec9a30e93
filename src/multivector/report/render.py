"""Render a :class:`multivector.profile.Profile` as one self-contained HTML file.

Charts are plotly figures; the plotly.js library is inlined once, so the file opens offline.
Templates only lay out what the profile holds: no computation happens here beyond formatting.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import jinja2
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from multivector import __version__
from multivector.measures.shares import REST
from multivector.measures.similarity import MEASURE_TITLES, MEASURES
from multivector.profile import Profile

CONTRAST = (*MEASURES, "idealpoint_distance")

PALETTE = {
    "USA": "#1f4e9c", "EU": "#f2b705", "CHN": "#c8102e", "RUS": "#6b3fa0", "TUR": "#e4572e",
    "GCC": "#2a9d8f", "JPN": "#8d99ae", "KOR": "#457b9d", "IND": "#ff9f1c", REST: "#c9c9c9",
}
FALLBACK = ["#264653", "#e76f51", "#8ab17d", "#b5838d", "#6d597a", "#355070"]


def _colour(pole: str, i: int) -> str:
    return PALETTE.get(pole, FALLBACK[i % len(FALLBACK)])


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(title={"text": title, "x": 0.01, "font": {"size": 15}}, height=height,
                      margin={"l": 60, "r": 20, "t": 50, "b": 40}, template="plotly_white",
                      legend={"orientation": "h", "y": -0.15}, hovermode="x unified",
                      font={"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif"})
    return fig


def _data_end(fig: go.Figure, last_year: int | None, asked_end: int, label: str) -> None:
    """Shade the years past the end of the data, with a label, so gaps are seen."""
    if last_year is None or last_year >= asked_end:
        return
    fig.add_vrect(x0=last_year + 0.5, x1=asked_end + 0.5, fillcolor="#eeeeee", opacity=0.6,
                  line_width=0, layer="below")
    fig.add_annotation(x=(last_year + 0.5 + asked_end + 0.5) / 2, y=1.0, yref="paper",
                       text=label, showarrow=False, font={"size": 11, "color": "#555"},
                       yanchor="bottom")


def indicator_figure(p: Profile) -> go.Figure:
    codes = list(dict.fromkeys(p.indicators["indicator"]))
    fig = make_subplots(rows=1, cols=max(len(codes), 1),
                        subplot_titles=[p.indicator_titles.get(c, c) for c in codes])
    for i, code in enumerate(codes, start=1):
        sub = p.indicators[p.indicators["indicator"] == code]
        fig.add_trace(go.Scatter(x=sub["year"], y=sub["value"], mode="lines+markers",
                                 name=p.indicator_titles.get(code, code), showlegend=False,
                                 line={"color": "#1d3557"}, marker={"size": 4}), row=1, col=i)
    _layout(fig, f"{p.name}: economy and population (World Bank WDI)", height=340)
    fig.update_layout(hovermode="closest")
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def unga_figure(p: Profile) -> go.Figure:
    o = p.unga_options
    fig = go.Figure()
    for i, pole in enumerate(p.pole_set.ids):
        sub = p.unga[p.unga["pole"] == pole]
        if sub.empty:
            continue
        label = p.pole_set.pole(pole).label
        colour = _colour(pole, i)
        if sub["lo"].notna().any():
            fig.add_trace(go.Scatter(
                x=[*sub["year"], *sub["year"][::-1]], y=[*sub["hi"], *sub["lo"][::-1]],
                fill="toself", fillcolor=_rgba(colour, 0.15), line={"width": 0},
                hoverinfo="skip", showlegend=False, legendgroup=pole))
        custom = sub[["session", "n_votes", "n_members", "lo", "hi"]].to_numpy()
        fig.add_trace(go.Scatter(
            x=sub["year"], y=sub["value"], mode="lines+markers", name=label, legendgroup=pole,
            line={"color": colour, "width": 2}, marker={"size": 5}, customdata=custom,
            hovertemplate=(f"{label}: %{{y:.2f}} [%{{customdata[3]:.2f}}, %{{customdata[4]:.2f}}]"
                           " (session %{customdata[0]}, %{customdata[1]:.0f} joint votes, "
                           "%{customdata[2]} member(s))<extra></extra>")))
    last = int(p.unga["year"].max()) if len(p.unga) else None
    _data_end(fig, last, p.years[1], "no UNGA data")
    band = f" ({o.level:.0%} bootstrap band)" if o.n_boot else ""
    _layout(fig, f"{p.name}'s {o.measure.replace('_', ' ')} with each pole per session{band}")
    if o.measure in ("agreement", "agreement_half"):
        fig.update_yaxes(title=MEASURE_TITLES[o.measure], range=[0, 1.02])
    elif o.measure == "idealpoint_distance":
        fig.update_yaxes(title=MEASURE_TITLES[o.measure], rangemode="tozero")
    else:
        fig.update_yaxes(title=MEASURE_TITLES[o.measure], range=[-1, 1.02])
    fig.update_xaxes(title="year the session opened")
    return fig


def idealpoint_figure(p: Profile) -> go.Figure:
    """The focal state's ideal point against the poles', per session, with intervals."""
    fig = go.Figure()
    ip = p.idealpoints
    order = [*p.pole_set.ids, p.iso3]
    for i, who in enumerate(order):
        sub = ip[ip["who"] == who].sort_values("session")
        if sub.empty:
            continue
        focal = who == p.iso3
        label = p.name if focal else p.pole_set.pole(who).label
        colour = "#111111" if focal else _colour(who, i)
        fig.add_trace(go.Scatter(
            x=[*sub["year"], *sub["year"][::-1]], y=[*sub["hi"], *sub["lo"][::-1]],
            fill="toself", fillcolor=_rgba(colour, 0.15), line={"width": 0},
            hoverinfo="skip", showlegend=False, legendgroup=who))
        fig.add_trace(go.Scatter(
            x=sub["year"], y=sub["theta"], mode="lines", name=label, legendgroup=who,
            line={"color": colour, "width": 3.5 if focal else 2},
            customdata=sub[["session", "lo", "hi"]].to_numpy(),
            hovertemplate=(f"{label}: %{{y:.2f}} [%{{customdata[1]:.2f}}, "
                           "%{customdata[2]:.2f}] (session %{customdata[0]})<extra></extra>")))
    last = int(ip["year"].max()) if len(ip) else None
    _data_end(fig, last, p.years[1], "no UNGA data")
    _layout(fig, f"Ideal points: {p.name} and the poles (95% intervals)")
    fig.update_yaxes(title="ideal point (United States' side positive)")
    fig.update_xaxes(title="year the session opened")
    return fig


def contrast_table(p: Profile) -> list[dict]:
    """Every measure against every pole in the latest session, for the report's table."""
    c = p.unga_contrast
    if c.empty:
        return []
    rows = []
    for pole in p.pole_set.ids:
        sub = c[c["pole"] == pole].set_index("measure")
        if sub.empty:
            continue
        row = {"pole": p.pole_set.pole(pole).label}
        for m in CONTRAST:
            row[m] = f"{sub.loc[m, 'value'] + 0.0:.2f}".replace("-0.00", "0.00") \
                if m in sub.index else ""
        row["n_votes"] = f"{sub.loc['agreement', 'n_votes']:.0f}" if "agreement" in sub.index \
            else ""
        rows.append(row)
    return rows


def trade_figure(p: Profile, flow: str) -> go.Figure:
    sub = p.trade[p.trade["flow"] == flow]
    fig = go.Figure()
    order = [*p.pole_set.ids, REST]
    for i, pole in enumerate(order):
        s = sub[sub["pole"] == pole]
        if s.empty:
            continue
        label = p.pole_set.pole(pole).label if pole != REST else REST
        fig.add_trace(go.Scatter(
            x=s["year"], y=s["share"], mode="lines", stackgroup="one", name=label,
            line={"width": 0.5, "color": _colour(pole, i)},
            customdata=s[["value_usd_m"]].to_numpy(),
            hovertemplate=f"{label}: %{{y:.1%}} (US$ %{{customdata[0]:,.0f}} m)<extra></extra>"))
    last = int(sub["year"].max()) if len(sub) else None
    _data_end(fig, last, p.years[1], "IMF DOTS data end")
    missing = sub[sub["flag"] == "not reported"]
    for year, g in missing.groupby("year"):
        fig.add_vrect(x0=year - 0.5, x1=year + 0.5, fillcolor="#ffffff", opacity=0.75,
                      line_width=0, layer="above")
        names = ", ".join(p.pole_set.pole(x).label for x in g["pole"])
        fig.add_annotation(x=year, y=0.5, text=f"not reported: {names}", textangle=-90,
                           showarrow=False, font={"size": 10, "color": "#8a5a00"})
    who = "buyers (exports, FOB)" if flow == "exports" else "suppliers (imports, CIF)"
    _layout(fig, f"Trade: shares of {p.name}'s {who} by pole, as reported by {p.name}")
    fig.update_yaxes(title="share of total", tickformat=".0%", range=[0, 1])
    fig.update_xaxes(title="year", range=[p.years[0] - 0.5, p.years[1] + 0.5])
    return fig


def _latest_table(p: Profile) -> list[dict]:
    """Latest session's agreement and latest year's trade shares, by pole (for the summary)."""
    rows = []
    last_s = int(p.unga["session"].max()) if len(p.unga) else None
    tr = p.trade
    last_y = int(tr["year"].max()) if len(tr) else None
    for pole in p.pole_set.ids:
        u = p.unga[(p.unga["pole"] == pole) & (p.unga["session"] == last_s)]
        ex = tr[(tr["pole"] == pole) & (tr["year"] == last_y) & (tr["flow"] == "exports")]
        im = tr[(tr["pole"] == pole) & (tr["year"] == last_y) & (tr["flow"] == "imports")]
        rows.append({
            "pole": p.pole_set.pole(pole).label,
            "agreement": f"{u['value'].iloc[0]:.2f}" if len(u) else "no data",
            "exports": f"{ex['share'].iloc[0]:.1%}" if len(ex) else "no data",
            "imports": f"{im['share'].iloc[0]:.1%}" if len(im) else "no data",
        })
    return rows


def summary_sentences(p: Profile) -> list[str]:
    """Plain statements of what the latest data show (facts, not judgements)."""
    out = []
    if len(p.unga):
        last_s = int(p.unga["session"].max())
        u = p.unga[p.unga["session"] == last_s].sort_values("value", ascending=False)
        top, bottom = u.iloc[0], u.iloc[-1]
        lab = p.pole_set.pole
        if p.unga_options.measure == "agreement":
            out.append(f"In the General Assembly's session {last_s} ({1945 + last_s}-"
                       f"{(1946 + last_s) % 100:02d}), {p.name} voted most often with "
                       f"{lab(top['pole']).label} ({top['value']:.0%} of joint votes identical)"
                       f" and least with {lab(bottom['pole']).label} ({bottom['value']:.0%}).")
        else:
            title = MEASURE_TITLES[p.unga_options.measure]
            out.append(f"In the General Assembly's session {last_s}, {p.name}'s {title} was "
                       f"highest with {lab(top['pole']).label} ({top['value']:.2f}) and lowest "
                       f"with {lab(bottom['pole']).label} ({bottom['value']:.2f}).")
    if len(p.trade):
        y = int(p.trade["year"].max())
        for flow, word in (("exports", "buyer"), ("imports", "supplier")):
            t = p.trade[(p.trade["year"] == y) & (p.trade["flow"] == flow)
                        & (p.trade["pole"] != REST)].sort_values("share", ascending=False)
            if len(t):
                lead = t.iloc[0]
                out.append(f"In {y}, the last year of IMF trade data, the largest {word} pole was "
                           f"{p.pole_set.pole(lead['pole']).label} with {lead['share']:.0%} of "
                           f"{p.name}'s reported {flow}.")
    return out


def render_html(p: Profile) -> str:
    """The report as one HTML string (plotly.js inlined once)."""
    figures = [("economy", indicator_figure(p)), ("unga", unga_figure(p)),
               ("idealpoints", idealpoint_figure(p)),
               ("exports", trade_figure(p, "exports")), ("imports", trade_figure(p, "imports"))]
    config = {"displaylogo": False, "responsive": True}
    html_figs = {}
    for i, (key, fig) in enumerate(figures):
        html_figs[key] = fig.to_html(full_html=False, include_plotlyjs=(i == 0), config=config,
                                     div_id=f"fig-{key}")
    env = jinja2.Environment(loader=jinja2.PackageLoader("multivector.report", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    template = env.get_template("report.html.j2")
    listing = p.pole_set.listing(p.years[1])
    pole_rows = [{"id": pole.id, "label": pole.label, "members": listing[pole.id]}
                 for pole in p.pole_set.poles]
    return template.render(
        p=p, figs=html_figs, latest=_latest_table(p), summary=summary_sentences(p),
        contrast=contrast_table(p), measures=CONTRAST, measure_titles=MEASURE_TITLES,
        contrast_session=(int(p.unga_contrast["session"].max())
                          if len(p.unga_contrast) else None),
        notes=p.notes, poles=pole_rows, sources=p.sources.to_dict("records"),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), version=__version__,
        esc=html.escape)


def write_report(p: Profile, out: str | Path) -> Path:
    """Write the HTML report atomically (temporary file, then rename)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(render_html(p), encoding="utf-8")
    tmp.replace(out)
    return out
