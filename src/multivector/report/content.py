"""What the report says, in order: the front page, the sections, their text, tables and charts.

:func:`build` turns a :class:`multivector.analysis.profile.Profile` into a :class:`Report`, a plain
tree of sections whose blocks are paragraphs, charts (:mod:`multivector.report.charts`),
tables and lists. The HTML renderer (:mod:`multivector.report.html`) and the PDF renderer
(:mod:`multivector.report.pdf`) lay out the same tree, so the two outputs carry the same words
and numbers.

Nothing is estimated here. Sentences pick values from the profile (the latest year, the largest
share, the row of the focal state), order them and format them; the only arithmetic is what a
reader could do from the tables (a sum of additive contributions, a position in a sorted list,
a rank as a share of the states ranked). Words that judge, such as "among the most evenly
spread quarter of states", come from the stated thresholds of :data:`RANK_BANDS` and are
documented in ``docs/report.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

import altair as alt
import pandas as pd

from multivector import __version__
from multivector.analysis.profile import Profile
from multivector.measures.similarity import MEASURE_TITLES, MEASURES
from multivector.report import charts

CONTRAST = (*MEASURES, "idealpoint_distance")
SHORT_MEASURES = {"agreement": "agreement", "agreement_half": "agreement, ½ for abstaining",
                  "kappa": "Cohen's kappa", "pi": "Scott's pi", "s_abs": "S, absolute",
                  "s_sq": "S, squared", "idealpoint_distance": "ideal-point distance"}

# A state's place among all states, as words. The share is rank / states ranked in the year
# (1 = most even); the bands are quarters, and they are the only judgement words the report uses.
RANK_BANDS: tuple[tuple[float, str], ...] = (
    (0.25, "among the most evenly spread quarter of states"),
    (0.75, "in the middle half of states"),
    (1.00, "among the most concentrated quarter of states"),
)

SOURCES = {
    "unga": "UN General Assembly roll calls (Voeten, Strezhnev & Bailey; three releases "
            "combined)",
    "trade": "IMF Direction of Trade Statistics",
    "security": "ATOP 5 alliance obligations (Leeds et al. 2002)",
    "igo": "COW Intergovernmental Organizations v3 (Pevehouse et al. 2020)",
    "formats": "multivector formats table (official sources in the table below)",
    "minerals": "BGS World Mineral Production (2016); Clio Infra & USGS metal production, "
                "via Our World in Data",
    "wdi": "World Bank World Development Indicators",
    "balance": "multivector balance index, from the channels' shares by pole",
    "sensitivity": "multivector sensitivity run (every state, 1,414 analyses a year)",
    "power": "multivector middle-power index (WDI, SIPRI, COW NMC, COW IGO, ATOP, IMF DOTS, "
             "UN votes)",
}


# ------------------------------------------------------------------------------- the tree
@dataclass
class Link:
    """A piece of table text that links to ``url``."""

    text: str
    url: str


@dataclass
class Paragraph:
    """A paragraph of text; ``style`` is ``text``, ``method`` (muted) or ``empty`` (no data)."""

    block: ClassVar[str] = "paragraph"
    text: str
    style: str = "text"


@dataclass
class Heading:
    """A sub-heading inside a section."""

    block: ClassVar[str] = "heading"
    text: str


@dataclass
class Figure:
    """A chart with its caption (source and the years its data cover)."""

    block: ClassVar[str] = "figure"
    key: str
    chart: alt.TopLevelMixin | None
    caption: str
    empty: str

    _spec: dict | None = field(default=None, repr=False, compare=False)

    def spec(self) -> dict | None:
        """The Vega-Lite specification, or None when there is no chart (built once)."""
        if self.chart is not None and self._spec is None:
            self._spec = charts.spec(self.chart)
        return self._spec


@dataclass
class Table:
    """A table of text cells (or :class:`Link`); ``numeric`` columns are right-aligned."""

    block: ClassVar[str] = "table"
    key: str
    header: list[str]
    rows: list[list[str | Link]]
    numeric: list[bool] = field(default_factory=list)
    widths: list[float] | None = None  # relative column widths, for the PDF
    caption: str = ""
    highlight: list[int] = field(default_factory=list)  # rows set in bold (the focal state)


@dataclass
class ClaimItem:
    """One checked claim: its verdict and the evidence, as text."""

    id: str
    text: str
    verdict: str
    evidence: list[str]


@dataclass
class Claims:
    """The claims section's list."""

    block: ClassVar[str] = "claims"
    source: str
    items: list[ClaimItem]


@dataclass
class Notes:
    """Where the data stop, as a highlighted list."""

    block: ClassVar[str] = "notes"
    items: list[str]


Block = Paragraph | Heading | Figure | Table | Claims | Notes


@dataclass
class Section:
    """A titled section of the report."""

    id: str
    title: str
    blocks: list[Block]
    nav: str = ""  # short title for the HTML's navigation bar

    def __post_init__(self) -> None:
        self.nav = self.nav or self.title


@dataclass
class Fact:
    """A key figure of the front page: label, value and a line of detail."""

    label: str
    value: str
    detail: str


@dataclass
class FrontPage:
    """The answer on the first screen: a headline, key figures, sentences, one chart."""

    headline: str
    facts: list[Fact]
    sentences: list[str]
    figure: Figure


@dataclass
class Report:
    """Everything the renderers lay out."""

    iso3: str
    name: str
    title: str
    subtitle: str
    generated: str
    version: str
    front: FrontPage
    sections: list[Section]
    notes: list[str]

    def figures(self) -> list[Figure]:
        """Every figure in reading order (the front page's first)."""
        out = [self.front.figure]
        for s in self.sections:
            out += [b for b in s.blocks if isinstance(b, Figure)]
        return out


# ------------------------------------------------------------------------------ formatting
def _f(x: float, nd: int = 2) -> str:
    """A number with ``nd`` decimals and a true minus sign."""
    return f"{x:.{nd}f}".replace("-", "−")


def _signed(x: float, nd: int = 2) -> str:
    return f"{x:+.{nd}f}".replace("-", "−")


def _pct(x: float, nd: int = 0) -> str:
    return f"{100 * x:.{nd}f}%"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _span(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return "no data"
    return str(first) if first == last else f"{first}-{last}"


def caption(p: Profile, source: str, years: pd.Series | None, what: str = "Data",
            shaded: bool = True) -> str:
    """``Source: …. Data 1992-2020; 2021-2024 shaded: no data.`` for a figure.

    ``shaded`` says whether the chart has a time axis that shows the years without data.
    """
    if years is None or len(years) == 0:
        return f"Source: {source}."
    first, last = int(years.min()), int(years.max())
    text = f"Source: {source}. {what} {_span(first, last)}"
    if not shaded:
        return text + "."
    if last < p.years[1]:
        gap = _span(last + 1, p.years[1])
        text += f"; {gap} shaded: no data, nothing estimated"
    return text + "."


def _label(p: Profile, pole: str) -> str:
    return charts.pole_label(p, pole)


def _the(p: Profile, pole: str) -> str:
    """A pole's label as it reads inside a sentence: "the European Union", "China"."""
    label = _label(p, pole)
    return f"the {label}" if label.startswith(("United ", "European ", "Gulf ")) else label


def _composite(p: Profile) -> pd.DataFrame:
    b = p.balance
    if b.empty:
        return b
    return b[b["channel"] == "composite"].sort_values("year").reset_index(drop=True)


def _sens_row(p: Profile, year: int) -> pd.Series | None:
    """The sensitivity row of the latest year up to ``year`` in which the state is ranked (a
    year in which too few states have data on a common channel set has no ranking)."""
    s = p.sensitivity
    if s.empty:
        return None
    r = s[(s["year"] <= year) & s["rank"].notna()].sort_values("year")
    return r.iloc[-1] if len(r) else None


MIN_PEERS = 3  # fewer peers with a composite in a year is no comparison


def _peer_rank(p: Profile, year: int) -> tuple[int, int, int] | None:
    """The focal state's position among its peers (itself included) by evenness, in the
    latest year up to ``year`` in which at least :data:`MIN_PEERS` of them have a composite:
    (position, number compared, year)."""
    pb = p.peers_balance
    if pb.empty:
        return None
    have = pb[(pb["year"] <= year) & pb["evenness"].notna()]
    counts = have.groupby("year")["iso3"].nunique()
    with_focal = set(have.loc[have["iso3"] == p.iso3, "year"])
    years = [y for y, n in counts.items() if n >= MIN_PEERS and y in with_focal]
    if not years:
        return None
    y = have[have["year"] == max(years)].sort_values("evenness", ascending=False)
    codes = list(y["iso3"])
    return codes.index(p.iso3) + 1, len(codes), int(max(years))


def default_settings(p: Profile) -> bool:
    """Whether the profile uses the settings the sensitivity tables rank under (core poles,
    split votes on all roll calls, the default channels and weights)."""
    from multivector.analysis import sensitivity
    from multivector.analysis.profile import BalanceOptions

    o, b = p.unga_options, p.balance_options or BalanceOptions()
    return (p.pole_set.name == sensitivity.DEFAULT[0] and o.measure == sensitivity.DEFAULT[1]
            and o.issue is None and not o.important_only and o.amendments and o.paragraphs
            and b.weights is None and b.channels == BalanceOptions().channels
            and b.min_channels == BalanceOptions().min_channels and b.channel_set is None)


def _points(x: float) -> str:
    n = round(100 * x)
    return f"{n} percentage point{'' if n == 1 else 's'}"


def rank_band(rank: float, n_states: float) -> str:
    """The words of :data:`RANK_BANDS` for a rank among ``n_states`` (1 = most even)."""
    share = rank / n_states
    for limit, words in RANK_BANDS:
        if share <= limit:
            return words
    return RANK_BANDS[-1][1]


def _dominant_since(comp: pd.DataFrame) -> tuple[int, str | None]:
    """First year of the latest run of the same dominant pole, and the pole before it."""
    poles = list(comp["dominant_pole"])
    years = list(comp["year"])
    i = len(poles) - 1
    while i > 0 and poles[i - 1] == poles[-1]:
        i -= 1
    return int(years[i]), (poles[i - 1] if i > 0 else None)


def _composite_shares(p: Profile, year: int) -> pd.DataFrame:
    t = p.tilt
    if t.empty:
        return t
    return (t[(t["channel"] == "composite") & (t["year"] == year)]
            .sort_values("share", ascending=False).reset_index(drop=True))


def _channel_leaders(p: Profile, year: int) -> list[str]:
    b = p.balance
    rows = b[(b["year"] == year) & (b["channel"] != "composite")]
    order = {c: i for i, c in enumerate(charts.CHANNEL_ORDER)}
    rows = rows.assign(_o=rows["channel"].map(order)).sort_values("_o")
    out = []
    for r in rows.itertuples():
        of = (f" of the poles' total; the poles hold {_pct(r.poles_share)} of the channel"
              if pd.notna(getattr(r, "poles_share", None)) and r.poles_share < 0.995 else "")
        out.append(f"{charts.CHANNEL_WORDS.get(r.channel, r.channel)}: "
                   f"{_label(p, r.dominant_pole)} ({_pct(r.dominant_share)}{of})")
    return out


def _channel_contributions(p: Profile) -> pd.DataFrame:
    """Contributions summed over poles, by channel, with whether the channel is in both years."""
    d = p.decomposition
    g = d.groupby("channel").agg(contribution=("contribution", "sum"),
                                 s0=("share0", "sum"), s1=("share1", "sum")).reset_index()
    g["both"] = (g["s0"] > 0) & (g["s1"] > 0)
    return g.reindex(g["contribution"].abs().sort_values(ascending=False).index)


# ------------------------------------------------------------------------------ front page
def front_page(p: Profile) -> FrontPage:
    """The headline, key figures, a few sentences and the composite chart."""
    comp = _composite(p)
    fig = Figure("composite", charts.composite_balance(p),
                 caption(p, SOURCES["balance"], comp["year"] if len(comp) else None,
                         "Composite"),
                 f"No composite balance for {p.name}: fewer than "
                 f"{_min_channels(p)} channels have data in any year asked.")
    if comp.empty:
        return FrontPage(f"{p.name}: not enough data for a balance index", [],
                         [f"The warehouse holds too few channels for {p.name} in "
                          f"{p.years[0]}-{p.years[1]} to combine them (a composite needs at "
                          f"least {_min_channels(p)}); the channels it has are shown below."],
                         fig)
    last = comp.iloc[-1]
    year = int(last["year"])
    n_poles = int(last["n_poles"])
    pole_names = [_label(p, x) for x in p.pole_set.ids]
    cset = p.channel_set
    chans = [charts.CHANNEL_WORDS.get(c, c) for c in str(last["channels"]).split(",")]
    run = cset.run if cset is not None and cset.run is not None else (
        int(comp["year"].iloc[0]), year)
    facts: list[Fact] = []
    sentences: list[str] = []
    interval = (f"95% interval {_f(last['lo'])}-{_f(last['hi'])}"
                if pd.notna(last["lo"]) else "no interval")
    facts.append(Fact(f"Balance across the poles, {year}", _f(last["evenness"]),
                      f"{interval}; 1 = equal engagement with all {n_poles} poles"))
    facts.append(Fact("Channel set", f"{len(chans)} channels",
                      f"{_list(chans)}, {run[0]}-{run[1]}: the same channels in every year "
                      "of the series"))
    poles_part = (f" The poles hold {_pct(last['poles_share'])} of {p.name}'s engagement in "
                  "these channels (the rest is with other states); the balance is measured "
                  "among the poles." if pd.notna(last.get("poles_share")) else "")
    sentences.append(
        f"In {year}, {p.name}'s engagement was spread across the {n_poles} poles "
        f"({_list(pole_names)}) with a composite evenness of {_f(last['evenness'])} "
        f"({interval}), on a scale where 1 means the same engagement with every pole and 0 "
        f"engagement with one pole only.{poles_part}")
    partial = [c for c in charts.CHANNEL_ORDER if c != "composite"
               and c in set(p.balance["channel"]) and c not in str(last["channels"]).split(",")]
    set_text = (f"The composite is built on one channel set throughout, {_list(chans)}: the "
                f"set of at least {_min_channels(p)} channels with the longest unbroken run of "
                f"years with data in {p.years[0]}-{p.years[1]} ({run[0]}-{run[1]})")
    if cset is not None and cset.reason == "the channels chosen (--channels)":
        set_text = (f"The composite is built on the channels chosen for this report, "
                    f"{_list(chans)}, in every year ({run[0]}-{run[1]} unbroken)")
    if partial:
        words = _list([charts.CHANNEL_WORDS.get(c, c) for c in partial])
        verb = "covers" if len(partial) == 1 else "cover"
        set_text += (f". {words[0].upper() + words[1:]} {verb} only "
                     "part of these years: they are shown in their own sections, never inside "
                     "the composite, so a source starting or ending does not move it")
    sentences.append(set_text + ".")

    # rank
    sens = _sens_row(p, year)
    default = default_settings(p)
    peer = _peer_rank(p, year)
    peer_title = (p.peers.title.lower() if p.peers is not None else "peers")
    member = p.peers is not None and p.iso3 in p.peers.members
    peer_text = ""
    if peer is not None:
        in_year = "" if peer[2] == year else f" in {peer[2]}"
        peer_text = (f" Among the {peer[1]} {peer_title} with a composite{in_year} it is "
                     f"{_ordinal(peer[0])}." if member
                     else f" Placed among the {peer[1] - 1} {peer_title}{in_year}, it would be "
                     f"{_ordinal(peer[0])} of {peer[1]}.")
    headline_place = ""
    if sens is not None and pd.notna(sens.get("rank")):
        r, n = int(sens["rank"]), int(sens["n_states"])
        ry = int(sens["year"])
        when = (f"{ry}" if ry == year else f"{ry}, the latest year in which enough states have "
                "data on a common channel set to rank them")
        more_even = (n - r) / (n - 1) if n > 1 else 0.0
        band = rank_band(r, n)
        lo, hi = int(round(sens["rank_p05"])), int(round(sens["rank_p95"]))
        same = rank_band(lo, n) == band and rank_band(hi, n) == band
        facts.append(Fact("Rank among all states" + ("" if default else ", default settings")
                          + ("" if ry == year else f", {ry}"), f"{r} of {n}",
                          f"ranks {lo}-{hi} in 90% of {int(sens['n_runs']):,} analyses"))
        who = (f"That ranks {p.name}" if default else
               f"Under the default settings (core poles, split votes on all roll calls, default "
               f"weights), whose composite differs from this report's, the sensitivity run "
               f"ranks {p.name}")
        rank_set = ([charts.CHANNEL_WORDS.get(c, c) for c in str(sens["channels"]).split(",")]
                    if pd.notna(sens.get("channels")) else [])
        on = f" measured on a common channel set ({_list(rank_set)})" if rank_set else ""
        text = (f"{who} {_ordinal(r)} of the {n} states{on} in {when} (1 = most "
                f"even): more even than {_pct(more_even)} of them, {band}")
        text += (f", where it stays in 90% of the alternative analyses (ranks {lo}-{hi})."
                 if same else f"; its place depends on the analyst's choices: ranks {lo}-{hi} "
                 f"in 90% of the alternative analyses, {int(sens['rank_min'])}-"
                 f"{int(sens['rank_max'])} at the extremes.")
        sentences.append(text + peer_text)
        if default:
            headline_place = (f"more evenly spread across the poles than {_pct(more_even)} of "
                              "states" + ("" if ry == year else f" ({ry})"))
    else:
        sentences.append("Its rank among all states is not available: this warehouse holds "
                         "no sensitivity tables (they are computed when the warehouse is "
                         "built)." + peer_text)
    if peer is not None:
        facts.append(Fact(f"Among {peer_title}", f"{_ordinal(peer[0])} of {peer[1]}",
                          f"by composite evenness, {peer[2]}" + (
                              "" if member else f"; {p.name} is not one of them")))
        if not headline_place and member:
            headline_place = f"{_ordinal(peer[0])} most evenly spread of {peer[1]} {peer_title}"

    # tilt
    shares = _composite_shares(p, year)
    top_txt = ""
    if len(shares):
        top, bottom = shares.iloc[0], shares.iloc[-1]
        since, before = _dominant_since(comp)
        lead = f"{_the(p, top['pole'])} ({_pct(top['share'])} of the composite)"
        text = f"Its largest pole in {year} was {lead}"
        if len(shares) > 1:
            second = shares.iloc[1]
            text += (f", {_points(top['share'] - second['share'])} ahead of "
                     f"{_the(p, second['pole'])} ({_pct(second['share'])}); the smallest, "
                     f"{_the(p, bottom['pole'])} ({_pct(bottom['share'])})")
        name = _the(p, top["pole"])
        name = name[0].upper() + name[1:]
        if since == int(comp["year"].iloc[0]):
            text += f". {name} has been the largest pole in every year since {since}"
        elif before:
            text += (f". {name} has been the largest pole since {since} (before that, "
                     f"{_the(p, before)})")
        leaders = _channel_leaders(p, year)
        if leaders:
            text += f". By channel, the largest pole in {year} was: {'; '.join(leaders)}"
        sentences.append(text + ".")
        facts.append(Fact("Largest pole", f"{_label(p, top['pole'])} {_pct(top['share'])}",
                          (f"{_points(top['share'] - shares.iloc[1]['share'])} ahead "
                           f"of {_the(p, shares.iloc[1]['pole'])}; since {since}")
                          if len(shares) > 1 else f"since {since}"))
        top_txt = f"largest pole {_the(p, top['pole'])} ({_pct(top['share'])})"

    # change, over the channel set's unbroken run
    in_run = comp[comp["year"].between(*run)]
    if len(in_run) > 1:
        first, end = in_run.iloc[0], in_run.iloc[-1]
        y0, y1 = int(first["year"]), int(end["year"])
        e0, e1 = float(first["evenness"]), float(end["evenness"])
        facts.append(Fact(f"Change {y0}-{y1}", _signed(e1 - e0),
                          f"{_f(e0)} in {y0}, {_f(e1)} in {y1}, same channels"))
        verb = ("was unchanged to two decimals" if round(e0, 2) == round(e1, 2)
                else "rose" if e1 > e0 else "fell")
        text = (f"From {y0} to {y1}, on the same channels, the composite evenness {verb} "
                f"({_f(e0, 3)} to {_f(e1, 3)}, {_signed(e1 - e0, 3)})")
        if not p.decomposition.empty:
            g = _channel_contributions(p)
            parts = []
            for r in g.head(3).itertuples():
                gone = y0 if r.s0 == 0 else y1
                note = ("" if r.both else f"; no shared format in {gone}"
                        if r.channel == "formats" else f"; no data in {gone}")
                parts.append(f"{charts.CHANNEL_WORDS.get(r.channel, r.channel)} "
                             f"({_signed(r.contribution, 3)}{note})")
            text += f". The channels that moved it most: {_list(parts)}"
            churn = float(g.loc[~g["both"], "contribution"].sum())
            if (~g["both"]).any():
                text += (f". Of the change, {_signed(churn, 3)} comes from channels with data in "
                         "only one of the two years: that part measures a source starting or "
                         "ending, not a change of policy")
        sentences.append(text + ".")

    # how sure
    if sens is not None:
        text = (f"How sure: the 95% interval reflects the sampling of UN roll calls and the "
                f"choice between {p.name}'s and its partners' trade figures. Across "
                f"{int(sens['n_runs']):,} alternative analyses (pole sets, UNGA measures, vote "
                f"subsets and random channel weights) the composite ranges "
                f"{_f(sens['evenness_p05'])}-{_f(sens['evenness_p95'])} (5th-95th percentile; "
                f"{_f(sens['evenness_min'])}-{_f(sens['evenness_max'])} overall)")
        f = p.sensitivity_factors
        f = f[(f["year"] == year) & f["evenness_range"].notna()] if len(f) else f
        if len(f):
            top_f = f.loc[f["evenness_range"].idxmax()]
            text += (f"; the single choice that moves it most is the "
                     f"{charts.FACTOR_LABELS.get(top_f['factor'], top_f['factor'])} (range "
                     f"{_f(top_f['evenness_range'], 3)}, {int(top_f['rank_range'])} ranks)")
        sentences.append(text + ".")
    else:
        sentences.append(
            "How sure: the 95% interval reflects the sampling of UN roll calls and the choice "
            f"between {p.name}'s and its partners' trade figures. How much the answer moves "
            "with the analyst's choices (pole set, UNGA measure, vote subset, weights) is "
            "not shown: this warehouse holds no sensitivity tables.")

    # where the composite stops
    if year < p.years[1]:
        later = p.balance[(p.balance["year"] > year) & (p.balance["channel"] != "composite")]
        have = [c for c in charts.CHANNEL_ORDER if c in set(later["channel"])]
        names = [charts.CHANNEL_WORDS.get(c, c) for c in have]
        lacking = [charts.CHANNEL_WORDS.get(c, c) for c in str(last["channels"]).split(",")
                   if c not in have]
        sentences.append(
            f"The composite stops in {year}: after that, {_list(lacking)} "
            f"{'has' if len(lacking) == 1 else 'have'} no data, and the channels that do "
            f"({_list(names) if names else 'none'}) are shown in their sections, not combined. "
            "Nothing is extrapolated; where each source ends is listed at the end of the "
            "report.")
    headline = f"{p.name}, {year}: " + "; ".join(x for x in (headline_place, top_txt) if x)
    return FrontPage(headline, facts, sentences, fig)


def _min_channels(p: Profile) -> int:
    return p.balance_options.min_channels if p.balance_options is not None else 3


# -------------------------------------------------------------------------------- sections
def _figure(key: str, chart: alt.TopLevelMixin | None, cap: str, what: str) -> Figure:
    return Figure(key, chart, cap, f"No data in the warehouse for {what}.")


def unga_section(p: Profile) -> Section:
    """UN General Assembly: alignment with bands, ideal points, the measures side by side."""
    o = p.unga_options
    blocks: list[Block] = [
        _figure("unga", charts.unga_alignment(p),
                caption(p, SOURCES["unga"], p.unga["year"] if len(p.unga) else None,
                        "Sessions opened"),
                f"{p.name}'s UN General Assembly votes"),
        _figure("idealpoints", charts.ideal_points(p),
                caption(p, SOURCES["unga"] + "; multivector ideal points",
                        p.idealpoints["year"] if len(p.idealpoints) else None,
                        "Sessions opened"),
                "ideal points (the warehouse was built without them)"),
    ]
    c = p.unga_contrast
    if len(c):
        session = int(c["session"].max())
        rows = []
        for pole in p.pole_set.ids:
            sub = c[c["pole"] == pole].set_index("measure")
            if sub.empty:
                continue
            row: list[str | Link] = [_label(p, pole)]
            for m in CONTRAST:
                row.append(_f(sub.loc[m, "value"] + 0.0).replace("−0.00", "0.00")
                           if m in sub.index else "")
            row.append(f"{sub.loc['agreement', 'n_votes']:.0f}" if "agreement" in sub.index
                       else "")
            rows.append(row)
        blocks.append(Heading(f"Session {session} ({1945 + session}-{(1946 + session) % 100:02d}):"
                              " the measures side by side"))
        blocks.append(Table("unga-measures",
                            ["Pole", *[SHORT_MEASURES.get(m, MEASURE_TITLES[m]) for m in CONTRAST],
                             "joint votes"],
                            rows, [False, *[True] * (len(CONTRAST) + 1)],
                            [1.6, *[1.0] * len(CONTRAST), 0.8]))
        blocks.append(Paragraph(
            "Agreement counts identical votes; the half-credit variant gives 0.5 when one "
            "state abstains. Cohen's kappa and Scott's pi correct agreement for what the two "
            "states' vote shares would produce by chance (Häge 2011), so they fall when both "
            "vote yes on almost everything. Signorino and Ritter's S measures distance on the "
            "yes-abstain-no scale (1999), from -1 to 1. The ideal-point distance is the gap "
            "between the two states' positions on the dynamic scale below (0 = same position).",
            "method"))
    bloc = ("For a bloc pole the value is the unweighted mean over the members of the year the "
            "session opened, with the focal state left out."
            if o.bloc == "mean" else
            "For a bloc pole the value is taken against the bloc's majority position on each "
            "roll call (no position on a tie).")
    band = (f", with a {o.level:.0%} percentile band from {o.n_boot} bootstrap resamples of "
            f"each session's roll calls (seed {o.seed})" if o.n_boot else "")
    blocks.append(Paragraph(
        f"The first chart shows {MEASURE_TITLES[o.alignment_measure].lower()}{band}. Agreement "
        f"is the share of roll calls, among those where both cast yes, abstain or no, on which "
        f"{p.name} and the pole cast the same vote (Voeten's definition; Bailey, Strezhnev & "
        f"Voeten 2017). Absences and non-membership are missing, never votes. {bloc} Roll calls "
        "combine Voeten's long release (to 2015), the unvotes package (to 2019) and the wide "
        "table of current members (to June 2024); sessions after 2019 are derived from the vote "
        "dates. Ideal points: dynamic ordinal ideal points (Bailey, Strezhnev & Voeten 2017's "
        "model), an ordered probit on no < abstain < yes in one dimension, following a random "
        "walk from session to session, fitted to every recorded vote 1946-2024; the United "
        "States is on the positive side; bands are 95% Laplace intervals.", "method"))
    return Section("unga", "UN General Assembly votes", blocks, "UN votes")


def trade_section(p: Profile) -> Section:
    """Trade: exports and imports by pole, top partners, concentration, flags explained."""
    t = p.trade
    blocks: list[Block] = []
    for flow in ("exports", "imports"):
        sub = t[t["flow"] == flow] if len(t) else t
        blocks.append(_figure(flow, charts.trade_shares(p, flow),
                              caption(p, SOURCES["trade"] + f", as reported by {p.name}",
                                      sub["year"] if len(sub) else None),
                              f"{p.name}'s {flow} by partner (IMF DOTS)"))
    if len(t):
        gaps = t[t["flag"] == "not reported"]
        if len(gaps):
            spans = []
            for (pole, flow), g in gaps.groupby(["pole", "flow"], sort=False):
                years = _span(int(g["year"].min()), int(g["year"].max()))
                spans.append(f"{_label(p, pole)} ({flow}) in {years}")
            blocks.append(Paragraph(
                "Outlined years in the two charts above: " + "; ".join(spans)
                + f". {p.name} reports no trade with the pole's members then; the pole has no "
                "value (not a zero) and its trade counts in the rest of the world.", "method"))
    tp = p.top_partners
    tp_year = tp.loc[tp["year"] == tp["year"].max(), "year"] if len(tp) else None
    blocks.append(_figure("partners", charts.top_partners(p),
                          caption(p, SOURCES["trade"] + f"; partners' figures where {p.name} "
                                  "reports none", tp_year, "Year", shaded=False),
                          "trade partners (IMF DOTS)"))
    c = p.concentration
    blocks.append(_figure("concentration", charts.concentration(p),
                          caption(p, SOURCES["trade"] + ", mirror-filled",
                                  c["year"] if len(c) else None),
                          "partner concentration (IMF DOTS)"))
    blocks.append(Paragraph(
        f"The pole shares are IMF Direction of Trade Statistics as reported by {p.name} (exports "
        "FOB, imports CIF, US$), over its total with the World; the rest of the world is the "
        "remainder, including trade the IMF could not allocate to a partner. The EU is its "
        "members of each year (31 December rule). Partner rankings and concentration fill the "
        f"gaps with the partners' own figures (mirror flows): where {p.name} reports nothing "
        "for a partner and year but the partner reports the other side, the partner's figure is "
        "used, converted with the IMF's c.i.f./f.o.b. factor of 1.10, and flagged "
        "'partner's figure (mirror)'; where both report and they differ by more than 25% of the "
        "larger, the reporter's figure is kept and flagged 'discrepant'. Such gaps are normal "
        "in trade data (valuation, timing, re-exports, origin against consignment), and they are "
        "shown rather than averaged away. Concentration: HHI = Σ s², the partners' shares "
        "squared and summed (1 = one partner), and the shares of the largest and of the three "
        "largest partners.", "method"))
    return Section("trade", "Trade: buyers and suppliers", blocks, "Trade")


OBLIGATIONS = (("defense", "defence"), ("offense", "offence"), ("neutrality", "neutrality"),
               ("nonaggression", "non-aggression"), ("consultation", "consultation"))


def security_section(p: Profile) -> Section:
    """Alliances with each pole over time, the ties of the latest year, military spending."""
    sec = p.shares[p.shares["channel"] == "security"] if len(p.shares) else p.shares
    blocks: list[Block] = [
        _figure("security", charts.security_ties(p),
                caption(p, SOURCES["security"], sec["year"] if len(sec) else None),
                f"{p.name}'s alliances (the ATOP table is not in this warehouse)"),
    ]
    al = p.alliances
    if len(al) and "source" in al and (al["source"] == "atop").any():
        al = al[al["source"] == "atop"]  # the source of the security channel
    if len(al):
        year = int(al["year"].max())
        sub = al[al["year"] == year]
        rows: list[list[str | Link]] = []
        for col, word in OBLIGATIONS:
            if col not in sub:
                continue
            partners = sorted({charts.state_name(x) for x in sub.loc[sub[col] > 0, "partner"]})
            if partners:
                rows.append([word, str(len(partners)), ", ".join(partners)])
        if rows:
            blocks.append(Heading(f"Alliance ties in {year}, by obligation"))
            blocks.append(Table("alliances", ["Obligation", "Partners", "States"], rows,
                                [False, True, False], [1.2, 0.7, 6.0],
                                caption(p, SOURCES["security"], sub["year"], "Year",
                                        shaded=False)))
    mil = p.indicators[p.indicators["indicator"] == "ms.mil.xpnd.gd.zs"] if len(
        p.indicators) else p.indicators
    blocks.append(_figure("milex", charts.military_expenditure(p),
                          caption(p, SOURCES["wdi"] + " (ms.mil.xpnd.gd.zs, from SIPRI)",
                                  mil["year"] if len(mil) else None),
                          "military expenditure (World Bank WDI)"))
    blocks.append(Paragraph(
        "A tie with a pole is the strongest obligation in force in the year between the two "
        "states, pledged by either to the other, in the Alliance Treaty Obligations and "
        "Provisions data (ATOP 5): a defence or offence pact counts 1, neutrality 0.3, "
        "non-aggression or consultation 0.1. For a bloc such as the EU it is the mean over the "
        "members of the year, so 0.5 means half the members' strongest tie, not one tie of half "
        "strength. A state with no tie of neutrality or more to any pole has no security "
        "channel. ATOP ends in 2018.", "method"))
    return Section("security", "Security: alliances and military spending", blocks,
                   "Security")


def memberships_section(p: Profile) -> Section:
    """Shared IGOs with each pole, IGO counts, regional formats and their sources."""
    sh = p.shares
    igo = sh[sh["channel"] == "igo"] if len(sh) else sh
    fm = sh[sh["channel"] == "formats"] if len(sh) else sh
    blocks: list[Block] = [
        _figure("igo", charts.igo_shared(p), caption(p, SOURCES["igo"], igo["year"] if len(igo)
                                                       else None),
                "shared IGO memberships (the COW IGO table is not in this warehouse)"),
        _figure("igocount", charts.igo_count(p),
                caption(p, SOURCES["igo"], p.igo_counts["year"] if len(p.igo_counts) else None),
                "IGO memberships (COW IGO)"),
        _figure("formats", charts.formats_shared(p),
                caption(p, SOURCES["formats"], fm["year"] if len(fm) else None),
                "regional formats"),
    ]
    f = p.formats
    if len(f):
        rows: list[list[str | Link]] = []
        for r in f.itertuples():
            end = r.to_date if isinstance(r.to_date, str) and r.to_date else "present"
            rows.append([str(r.format), str(r.format_name), str(r.status), str(r.from_date),
                         end,
                         Link(str(r.source_title) if isinstance(r.source_title, str)
                              else str(r.source_url), str(r.source_url))])
        blocks.append(Heading(f"Formats {p.name} belongs to"))
        blocks.append(Table("formats", ["Format", "Name", "Status", "From", "Until",
                                        "Official source"],
                            rows, [False] * 6, [0.9, 2.4, 1.0, 1.1, 0.9, 3.4]))
    else:
        blocks.append(Paragraph(f"{p.name} belongs to none of the formats in the maintained "
                                "table.", "empty"))
    blocks.append(Paragraph(
        "Shared IGOs: the intergovernmental organisations both states are full members of, "
        "leaving out those every pole belongs to (manyIOs MIGO, Roger & Rowan, to 2010); for "
        "a bloc, the mean over its members. Formats: the regional formats of multivector's "
        "maintained table, each membership dated and sourced to an official page; full status "
        "counts 1, observer or partner 0.5, frozen participation 0; the EU-Central Asia format "
        "is shared with the EU's members; only for the post-Soviet and SCO states the table is "
        "built for.",
        "method"))
    return Section("memberships", "Memberships: IGOs and regional formats", blocks,
                   "Memberships")


def minerals_section(p: Profile) -> Section:
    """Share of world production and rank per mineral; world production by pole."""
    m = p.minerals
    years = m["year"] if len(m) else None
    blocks: list[Block] = [
        _figure("minerals", charts.mineral_shares(p),
                caption(p, SOURCES["minerals"], years, shaded=False),
                f"mineral production by {p.name}"),
        _figure("mineralpoles", charts.mineral_poles(p),
                caption(p, SOURCES["minerals"], years, shaded=False),
                f"world production of {p.name}'s minerals"),
        Paragraph("Share of world production: the state's production over the world total, "
                  "the source's World row where it publishes one, else the sum over producers. "
                  "Rank 1 is the largest producer. The series end in 2015 or earlier; minerals "
                  "are not part of the balance index (production describes where supply sits, "
                  "not whom the state engages).", "method"),
    ]
    return Section("minerals", "Strategic minerals", blocks, "Minerals")


def commodities_section(p: Profile) -> Section:
    """Fuel and ores-and-metals shares of exports; economy and population."""
    ind = p.indicators
    com = ind[ind["indicator"].isin(charts.ECONOMY[:2])] if len(ind) else ind
    eco = ind[ind["indicator"].isin(charts.ECONOMY[2:])] if len(ind) else ind
    return Section("commodities", "Commodities and economy", nav="Commodities", blocks=[
        _figure("commodities", charts.commodities(p),
                caption(p, SOURCES["wdi"] + " (tx.val.fuel.zs.un, tx.val.mmtl.zs.un)",
                        com["year"] if len(com) else None),
                "fuel and metal exports (World Bank WDI)"),
        _figure("economy", charts.economy(p),
                caption(p, SOURCES["wdi"], eco["year"] if len(eco) else None),
                "GDP, population and trade (World Bank WDI)"),
    ])


def balance_section(p: Profile) -> Section:
    """Evenness by channel, the shares by pole, the tilt and the decomposition of the change."""
    b = p.balance
    years = b["year"] if len(b) else None
    blocks: list[Block] = [
        _figure("channels", charts.channel_balance(p), caption(p, SOURCES["balance"], years),
                "the balance index"),
    ]
    if len(b):
        rows: list[list[str | Link]] = []
        header = ["Channel", "Year", *[_label(p, x) for x in p.pole_set.ids], "Evenness",
                  "Largest"]
        t = p.tilt
        for ch in charts.CHANNEL_ORDER:
            sub = t[t["channel"] == ch] if len(t) else t
            if sub.empty:
                continue
            y = int(sub["year"].max())
            s = sub[sub["year"] == y].set_index("pole")["share"]
            brow = b[(b["channel"] == ch) & (b["year"] == y)]
            rows.append([charts.CHANNEL_LABELS.get(ch, ch), str(y),
                         *[_pct(s[x]) if x in s.index else "-" for x in p.pole_set.ids],
                         _f(brow["evenness"].iloc[0]) if len(brow) else "",
                         _label(p, brow["dominant_pole"].iloc[0]) if len(brow) else ""])
        blocks.append(Heading("Shares by pole, latest year of each channel"))
        blocks.append(Table("shares", header, rows,
                            [False, True, *[True] * len(p.pole_set.ids), True, False],
                            [1.3, 0.7, *[1.0] * len(p.pole_set.ids), 0.9, 1.4],
                            "Each channel's shares over the poles only (the rest of the world "
                            "left out), as the index uses them."))
    blocks += [
        _figure("tilt", charts.tilt_lines(p), caption(p, SOURCES["balance"], years),
                "the tilt"),
        _figure("tiltmap", charts.tilt_heatmap(p),
                caption(p, SOURCES["balance"], years, shaded=False), "the tilt by channel"),
    ]
    d = p.decomposition
    comp = _composite(p)
    dfig = _figure("decomposition", charts.decomposition(p),
                   caption(p, SOURCES["balance"], comp["year"].iloc[[0, -1]] if len(comp) > 1
                           else None, "Years compared", shaded=False),
                   "a change of the composite (it needs a composite in two years)")
    blocks.append(dfig)
    if len(d):
        blocks.append(Paragraph(
            f"Residual of the decomposition (change minus the sum of the bars): "
            f"{d.attrs.get('residual', float('nan')):.1e}. A channel marked 'no data in' a year "
            "enters or leaves the composite between the two years; its bar measures that, not "
            "a change of policy. Formats marked 'none in' a year: the state shared no format "
            "of the table with any pole that year, so the channel was not in the composite.",
            "method"))
    w = p.balance_options.weight_dict() if p.balance_options is not None else {}
    weights = ", ".join(f"{charts.CHANNEL_WORDS.get(k, k)} {v:g}" for k, v in w.items())
    blocks.append(Paragraph(
        "Evenness is Pielou's J = H / ln n over the poles, H = −Σ s ln s the Shannon entropy of "
        "the shares (rest of the world left out, shares renormalised to sum to one): 1 for equal "
        "shares, 0 when one pole takes all. The composite is the weighted mean of the channels' "
        f"share vectors (weights: {weights}; renormalised over the channels with data; at least "
        f"{_min_channels(p)} channels). Intervals: UN votes, a bootstrap over roll calls; trade, "
        "the range between the state's own and its partners' figures; the composite carries "
        "both. The tilt is the centred log-ratio of each pole's share, ln s − mean ln s (0 = the "
        "geometric-mean pole). The decomposition splits the change of the composite between "
        "its first and last year into contributions of channel × pole by integrated gradients; "
        "they add up to the change.", "method"))
    return Section("balance", "Balance by channel, tilt and change", blocks, "Balance")


def sensitivity_section(p: Profile) -> Section:
    """The composite's and the rank's range over the analyst's choices; which choice matters."""
    s = charts.sensitivity_rows(p)
    years = s["year"] if len(s) else None
    blocks: list[Block] = [
        _figure("sens-evenness", charts.sensitivity_evenness(p),
                caption(p, SOURCES["sensitivity"], years),
                "the sensitivity run (this warehouse holds no sensitivity tables)"),
        _figure("sens-rank", charts.sensitivity_rank(p),
                caption(p, SOURCES["sensitivity"], years),
                "ranks over the sensitivity run"),
        _figure("sens-factors", charts.sensitivity_factors(p),
                caption(p, SOURCES["sensitivity"], years, shaded=False),
                "the one-at-a-time ranges of the sensitivity run"),
        Paragraph(
            "Five choices vary together for every state and year: the pole set (core: the "
            "United States, the EU, China, Russia; wide: also Türkiye, the GCC, Japan, Korea, "
            "India), the UNGA measure (split votes, or agreement, Cohen's kappa or ideal-point "
            "distance turned into an affinity), the vote subset (all roll calls, important "
            "votes only, without amendments and paragraphs), the weights of alliance "
            "obligations (the defaults, or neutrality and non-aggression 0.5, consultation "
            "0.25) and the channel weights (the defaults and 100 draws from a flat Dirichlet "
            "distribution): 40 scenarios × 101 weightings. Ranks "
            "are among all states with a composite in the year under the same choices (1 = most "
            "even). Shown for the years with a composite under the report's settings. After "
            "Saisana, Saltelli & Tarantola (2005) and the OECD/JRC Handbook on Constructing "
            "Composite Indicators (2008).", "method"),
    ]
    return Section("sensitivity", "How much the answer depends on the analyst's choices",
                   blocks, "Sensitivity")


def peers_section(p: Profile) -> Section:
    """The peers' balance over time, resources against reach, the middle-power index."""
    pb, pp = p.peers_balance, p.peers_power
    title = p.peers.title if p.peers is not None else "Peers"
    blocks: list[Block] = [
        _figure("peers", charts.peers_balance(p),
                caption(p, SOURCES["balance"], pb["year"] if len(pb) else None),
                f"the composite balance of the {title.lower()}"),
    ]
    comp = _composite(p)
    section_year = int(comp["year"].max()) if len(comp) else None
    if len(pb) and len(comp):
        year = int(comp["year"].max())
        y = pb[(pb["year"] == year) & pb["evenness"].notna()].sort_values("evenness",
                                                                         ascending=False)
        rows: list[list[str | Link]] = []
        focal = []
        for i, r in enumerate(y.itertuples(), start=1):
            rows.append([str(i), charts.state_name(r.iso3), _f(r.evenness),
                         _label(p, r.dominant_pole), _pct(r.dominant_share)])
            if r.iso3 == p.iso3:
                focal.append(i - 1)
        blocks.append(Heading(f"{title} by composite evenness, {year}"))
        blocks.append(Table("peers", ["#", "State", "Evenness", "Largest pole", "its share"],
                            rows, [True, False, True, False, True], [0.5, 3.0, 1.0, 2.0, 1.0],
                            highlight=focal))
    # the scatter compares the peers in the section's year (that of the table above)
    year = charts.power_year(p, section_year) if len(pp) else None
    blocks.append(_figure("power-scatter", charts.power_scatter(p, section_year),
                          caption(p, SOURCES["power"], pd.Series([year]) if year else None,
                                  "Year", shaded=False),
                          "the middle-power index"))
    pw = p.power
    blocks.append(_figure("power", charts.power_over_time(p),
                          caption(p, SOURCES["power"], pw["year"] if len(pw) else None),
                          f"{p.name}'s middle-power index"))
    sets = (set(p.power["components"].dropna()) if len(p.power) and "components" in p.power
            else set())
    cset = str(next(iter(sets))).split(",") if len(sets) == 1 else None
    if cset:
        blocks.append(Paragraph(
            f"{p.name}'s index is computed on the same components in every year shown "
            f"({_list([COMPONENT_LABELS.get(c, c) for c in cset])}), so a source that ends does "
            "not move it; a year lacking one of them has no index rather than one on fewer "
            "components.", "text"))
    blocks.append(Paragraph(
        "The middle-power index, after the Lowy Institute's Asia Power Index (2018 weights): "
        "position (55%: share of world GDP and military expenditure, weight 20 each; "
        "population and CINC, 7.5 each) and reach (45%: share of world merchandise trade, "
        "states for which the state is at least 1% of their trade, states with an ATOP "
        "obligation, full IGO memberships; counts scored on log(1 + n)), each scaled 0-100 by "
        "the year's maximum. One component set per ranking and per series: the components "
        "available in every year of the longest unbroken run. The power gap is the residual "
        "of reach regressed on position across the ranked states of the year: positive when "
        "engagement exceeds what resources predict. Rank bands: 5th-95th percentile over "
        "random weights.", "method"))
    return Section("peers", f"Peers and the middle-power index ({title.lower()})", blocks,
                   "Peers and power")


COMPONENT_LABELS = {"gdp": "GDP", "population": "population", "milex": "military spending",
                    "cinc": "CINC", "igo": "IGO memberships", "allies": "allies",
                    "trade_reach": "trade dependants", "vote_breadth": "UN voting partners",
                    "trade_share": "share of world trade"}


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _evidence_text(item: Any) -> str:
    """One piece of evidence in words: the checker's explanation and the sources it used, or
    its ``key: value`` pairs (the usual keys first) when it has no explanation."""
    if not isinstance(item, dict):
        item = ({k: v for k, v in vars(item).items() if not k.startswith("_")}
                if hasattr(item, "__dict__") else {"evidence": item})
    sources = [str(_get(s, "title", s)) for s in item.get("sources") or []]
    if item.get("explanation"):
        text = str(item["explanation"])
    else:
        first = ["indicator", "measure", "name", "year", "years", "stated", "found", "value",
                 "ratio", "rank", "tolerance", "source", "citation"]
        skip = {"sources", "details", "values"}
        keys = ([k for k in first if k in item]
                + [k for k in item if k not in first and k not in skip])
        parts = []
        for k in keys:
            v = item[k]
            if v is None or (isinstance(v, float) and pd.isna(v)) or v in ({}, []):
                continue
            parts.append(f"{k}: {v:.4g}" if isinstance(v, float) else f"{k}: {v}")
        text = "; ".join(parts)
    return text + (f" (source: {'; '.join(sources)})" if sources else "")


def _claims_source(source: Any) -> str:
    if isinstance(source, dict):
        return " — ".join(str(source[k]) for k in ("title", "note") if source.get(k))
    return str(source or "")


def claims_section(p: Profile) -> Section | None:
    """The checked claims (``--claims FILE``): verdict and evidence of each.

    ``Profile.claims`` is ``{"source", "file", "results"}`` with the results of
    :func:`multivector.analysis.claims.check.check` as dicts (``id, text, verdict, evidence``); a plain list of
    such results is read too.
    """
    if p.claims is None:
        return None
    raw = p.claims
    items = (raw if isinstance(raw, list)
             else list(_get(raw, "results", None) or _get(raw, "claims", None) or []))
    source = "" if isinstance(raw, list) else _claims_source(_get(raw, "source", ""))
    out, citations = [], {}
    for c in items:
        ev = _get(c, "evidence", []) or []
        ev = ev if isinstance(ev, list) else [ev]
        for e in ev:
            for s in (_get(e, "sources", None) or []) if isinstance(e, dict) else []:
                if isinstance(s, dict) and s.get("citation"):
                    citations.setdefault(str(s.get("title", s["citation"])), str(s["citation"]))
        out.append(ClaimItem(str(_get(c, "id", "")), str(_get(c, "text", "") or ""),
                             str(_get(c, "verdict", "")), [_evidence_text(e) for e in ev]))
    counts = pd.Series([c.verdict for c in out], dtype=object).value_counts()
    summary = ", ".join(f"{n} {v}" for v, n in counts.items()) if len(out) else "no claims"
    file = "" if isinstance(raw, list) else str(_get(raw, "file", "") or "")
    blocks: list[Block] = [Paragraph(f"{len(out)} claims checked against the warehouse: "
                                     f"{summary}." + (f" Claims file: {file}." if file else ""))]
    blocks.append(Claims(source, out))
    if citations:
        blocks.append(Heading("Sources of the evidence"))
        blocks.append(Table("claims-sources", ["Source", "Citation"],
                            [[t, cit] for t, cit in citations.items()], [False, False],
                            [2.0, 5.0]))
    blocks.append(Paragraph(
        "A claim is supported when every value it states is within its tolerance of the data "
        "(relative, 10% unless the claims file says otherwise; ranks in places), contradicted "
        "when one is not, and unverifiable when the data hold no value for that year or "
        "measure (multivector claims check).", "method"))
    return Section("claims", "Claims checked", blocks, "Claims")


def sources_section(p: Profile) -> Section:
    """Poles, where every source stops, and the citations."""
    listing = p.pole_set.listing(p.years[1])
    poles = Table("poles", ["Pole", "Label", f"Members in {p.years[1]}"],
                  [[x.id, x.label, listing[x.id]] for x in p.pole_set.poles],
                  [False, False, False], [0.8, 1.6, 6.0])
    cov_rows: list[list[str | Link]] = []
    for c in p.coverage:
        cov_rows.append([c.channel, c.source, _span(c.first_year, c.last_year),
                         "yes" if c.last_year is not None and c.last_year < p.years[1] else ""])
    coverage = Table("coverage", ["Data", "Source", f"Years with data ({p.years[0]}-"
                                  f"{p.years[1]} asked)", "Stops early"], cov_rows,
                     [False, False, False, False], [2.6, 2.6, 1.6, 0.9])
    src_rows: list[list[str | Link]] = []
    for s in p.sources.to_dict("records"):
        rows_ = s.get("rows")
        n = f"{int(rows_):,}" if rows_ is not None and rows_ == rows_ else ""
        src_rows.append([str(s["title"]), str(s["coverage"]), f"{s['files']} / {n}",
                         str(s["citation"]), str(s["licence"])])
    sources = Table("sources", ["Source", "Coverage", "Files / rows", "Citation", "Licence"],
                    src_rows, [False, False, True, False, False], [2.0, 1.1, 1.0, 4.2, 1.7])
    return Section("sources", "Poles, sources and citations", nav="Sources", blocks=[
        Heading(f"Poles ({p.pole_set.name}: {p.pole_set.description})"), poles,
        Heading("Where each source stops"), coverage, Notes(p.notes),
        Heading("Sources"), sources,
        Paragraph("Every file is pinned by URL at a commit and by sha256; the warehouse records "
                  "each file's checksum and row count (multivector data status). Warehouse "
                  f"built {p.meta.get('built_at', '?')}.", "method"),
    ])


def build(p: Profile) -> Report:
    """The whole report for one profile."""
    sections = [unga_section(p), trade_section(p), security_section(p),
                memberships_section(p), minerals_section(p), commodities_section(p),
                balance_section(p), sensitivity_section(p), peers_section(p)]
    from multivector.report.events import events_section  # shown only when events exist

    ev = events_section(p)
    if ev is not None:
        sections.insert(4, ev)
    claims = claims_section(p)
    if claims is not None:
        sections.append(claims)
    sections.append(sources_section(p))
    return Report(
        iso3=p.iso3, name=p.name,
        title=f"{p.name} ({p.iso3}): balance across the poles, {p.years[0]}-{p.years[1]}",
        subtitle=(f"multivector report · pole set {p.pole_set.name} ({p.pole_set.description})"
                  + (f" · peers: {p.peers.title.lower()}" if p.peers is not None else "")),
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__, front=front_page(p), sections=sections, notes=p.notes)

