"""The membership charts: IGOs shared with each pole, IGO counts, shared regional formats."""

from __future__ import annotations

import altair as alt

from multivector.analysis.profile import Profile
from multivector.report.charts.common import (
    INK,
    channel_values,
    chart_title,
    gap_layers,
    last_year,
    pole_label,
    pole_scale,
    sized,
    x_years,
    year_domain,
)


def igo_shared(p: Profile) -> alt.TopLevelMixin | None:
    """IGOs the state shares with each pole (a bloc: mean over members)."""
    df = channel_values(p, "igo")
    if df.empty:
        return None
    df = df[df["value"].notna()]
    line = alt.Chart(df).mark_line(strokeWidth=2).encode(
        x=x_years(p), y=alt.Y("value:Q", title="IGOs shared (full members)"),
        color=alt.Color("pole:N", scale=pole_scale(p), legend=alt.Legend(title=None)),
        tooltip=["pole:N", alt.Tooltip("year:Q", format="d"),
                 alt.Tooltip("value:Q", format=".1f")])
    return sized(alt.layer(*gap_layers(p, last_year(df), "COW IGO data end"), line)).properties(
        title=chart_title(f"Intergovernmental organisations {p.name} shares with each pole",
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
        x=alt.X("x0:Q", title=None, scale=alt.Scale(domain=year_domain(p), nice=False),
                axis=alt.Axis(format="d", tickMinStep=1, grid=False)),
        x2="x1:Q", y=alt.Y("y0:Q", title="memberships"), y2="y1:Q",
        color=alt.Color("status:N", title=None, scale=alt.Scale(
            domain=list(IGO_STATUS.values()), range=["#3c5a80", "#9db4d0", "#d0d7df"])),
        order=alt.Order("order:Q"),
        tooltip=["status:N", alt.Tooltip("year:Q", format="d"), "n:Q"])
    return sized(alt.layer(*gap_layers(p, last_year(long), "COW IGO data end", 170), bars),
                  height=170).properties(title=chart_title(
                      f"IGO memberships of {p.name}", "Intergovernmental organisations by "
                      "status (COW IGO v3)"))


def formats_shared(p: Profile) -> alt.TopLevelMixin | None:
    """Post-2010 regional formats the state shares with each pole, one strip per pole."""
    df = channel_values(p, "formats")
    if df.empty:
        return None
    df = df[df["value"].notna()].assign(x0=lambda d: d["year"] - 0.5,
                                        x1=lambda d: d["year"] + 0.5)
    df["label"] = df["value"].map(lambda v: "" if v <= 0 else "·" if v < 0.1
                                  else f"{v:.2g}" if v >= 1 else f"{v:.1f}")
    top = max(1.0, float(df["value"].max()))
    poles = [pole_label(p, x) for x in p.pole_set.ids]
    base = alt.Chart(df).encode(
        x=alt.X("x0:Q", title=None, scale=alt.Scale(domain=year_domain(p), nice=False),
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
        x=alt.X("year:Q", scale=alt.Scale(domain=year_domain(p), nice=False), title=None),
        text="label:N",
        color=alt.condition(f"datum.value > {top / 2:.3f}", alt.value("white"),
                            alt.value(INK)))
    return sized(alt.layer(*gap_layers(p, last_year(df), "formats table ends",
                                          30 * len(poles)), rect, text),
                  height=30 * len(poles)).properties(title=chart_title(
                      f"Regional formats {p.name} shares with each pole",
                      "Number of formats of the maintained table both belong to (full status "
                      "1, observer or partner 0.5; 31 December of each year); a bloc: mean over "
                      "its members (·: under 0.1)"))
