"""The trade charts: shares by pole, the largest partners, and concentration over partners."""

from __future__ import annotations

import altair as alt
import pandas as pd

from multivector.analysis.profile import Profile
from multivector.core.vocabulary import REST
from multivector.report.charts.common import (
    HEIGHT,
    INK,
    chart_title,
    gap_layers,
    last_year,
    panel_title,
    pole_label,
    pole_scale,
    sized,
    state_name,
    wrap_to,
    x_plain,
    x_years,
)


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
    x = x_years(p)
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
            x=x_plain(p, "x0"), x2="x1:Q"))
        layers.append(alt.Chart(m).mark_text(angle=270, align="right", fontSize=10,
                                             lineBreak="\n", lineHeight=11.5,
                                             color="#8a5a00", baseline="middle").encode(
            x=x_plain(p, "xm"), y=alt.value(6), text="label:N"))
    layers[:0] = gap_layers(p, last_year(df), "IMF DOTS data end")
    who = "buyers" if flow == "exports" else "suppliers"
    basis = "FOB" if flow == "exports" else "CIF"
    return sized(alt.layer(*layers)).properties(title=chart_title(
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
                                               title=panel_title(f"{who} ({flow}), {year}")))
    if not panels:
        return None
    return alt.hconcat(*panels, spacing=40).properties(title=chart_title(
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
            x=x_years(p, None),
            y=alt.Y("value:Q", title="share / index", scale=alt.Scale(domain=[0, 1]),
                    axis=alt.Axis(format=".1f")),
            color=colour, strokeDash=dash,
            tooltip=["measure:N", alt.Tooltip("year:Q", format="d"),
                     alt.Tooltip("value:Q", format=".2f"),
                     alt.Tooltip("top1:N", title="largest partner")])
        panel = alt.layer(*gap_layers(p, last_year(d), "IMF DOTS data end", 200, 290), line)
        who = "Buyers" if side == "exports" else "Suppliers"
        panels.append(panel.properties(width=290, height=200, title=panel_title(f"{who} ({side})")))
    return alt.hconcat(*panels, spacing=24).properties(title=chart_title(
        f"Concentration of {p.name}'s trade over partners",
        "Herfindahl-Hirschman index and the shares of the largest partners (0-1), "
        "mirror-filled flows; dashed: share of the total taken from partners' figures"))

