"""The front page: the answer on the first screen.

A headline, the key figures and a few sentences, each part from its own function in reading
order (the level and the channel set, the rank, the tilt, the change, how sure, where the
composite stops), and the composite chart. Every number is picked from the profile
(:mod:`multivector.report.picks`) and written with :mod:`multivector.report.words`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from multivector.analysis.profile import Profile
from multivector.core.vocabulary import ORDER, WORDS
from multivector.report.charts.balance import composite_balance
from multivector.report.charts.common import pole_label
from multivector.report.charts.sensitivity import FACTOR_LABELS
from multivector.report.picks import (
    channel_contributions,
    composite_rows,
    composite_shares,
    default_settings,
    dominant_since,
    min_channels,
    peer_rank,
    sensitivity_row,
)
from multivector.report.tree import Fact, Figure, FrontPage
from multivector.report.words import (
    SOURCES,
    and_list,
    caption,
    fixed,
    ordinal,
    pct,
    points,
    rank_band,
    signed,
    the_pole,
)


@dataclass
class _Part:
    """What one part of the front page adds: key figures, sentences, a piece of headline."""

    facts: list[Fact] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    headline: str = ""


def front_page(p: Profile) -> FrontPage:
    """The headline, key figures, a few sentences and the composite chart."""
    comp = composite_rows(p)
    fig = Figure("composite", composite_balance(p),
                 caption(p, SOURCES["balance"], comp["year"] if len(comp) else None,
                         "Composite"),
                 f"No composite balance for {p.name}: fewer than "
                 f"{min_channels(p)} channels have data in any year asked.")
    if comp.empty:
        return FrontPage(f"{p.name}: not enough data for a balance index", [],
                         [f"The warehouse holds too few channels for {p.name} in "
                          f"{p.years[0]}-{p.years[1]} to combine them (a composite needs at "
                          f"least {min_channels(p)}); the channels it has are shown below."],
                         fig)
    last = comp.iloc[-1]
    year = int(last["year"])
    cset = p.channel_set
    run = cset.run if cset is not None and cset.run is not None else (
        int(comp["year"].iloc[0]), year)
    sens = sensitivity_row(p, year)
    rank = _rank(p, year, sens)
    tilt = _tilt(p, comp, year)
    parts = [_level(p, last, run), rank, tilt, _change(p, comp, run),
             _Part(sentences=[_how_sure(p, year, sens)])]
    if year < p.years[1]:
        parts.append(_Part(sentences=[_where_it_stops(p, last)]))
    headline = f"{p.name}, {year}: " + "; ".join(x for x in (rank.headline, tilt.headline) if x)
    return FrontPage(headline, [f for part in parts for f in part.facts],
                     [s for part in parts for s in part.sentences], fig)


def _level(p: Profile, last: pd.Series, run: tuple[int, int]) -> _Part:
    """The composite of the latest year and the channel set it is built on."""
    year = int(last["year"])
    n_poles = int(last["n_poles"])
    pole_names = [pole_label(p, x) for x in p.pole_set.ids]
    cset = p.channel_set
    chans = [WORDS.get(c, c) for c in str(last["channels"]).split(",")]
    out = _Part()
    interval = (f"95% interval {fixed(last['lo'])}-{fixed(last['hi'])}"
                if pd.notna(last["lo"]) else "no interval")
    out.facts.append(Fact(f"Balance across the poles, {year}", fixed(last["evenness"]),
                          f"{interval}; 1 = equal engagement with all {n_poles} poles"))
    out.facts.append(Fact("Channel set", f"{len(chans)} channels",
                          f"{and_list(chans)}, {run[0]}-{run[1]}: the same channels in every "
                          "year of the series"))
    poles_part = (f" The poles hold {pct(last['poles_share'])} of {p.name}'s engagement in "
                  "these channels (the rest is with other states); the balance is measured "
                  "among the poles." if pd.notna(last.get("poles_share")) else "")
    out.sentences.append(
        f"In {year}, {p.name}'s engagement was spread across the {n_poles} poles "
        f"({and_list(pole_names)}) with a composite evenness of {fixed(last['evenness'])} "
        f"({interval}), on a scale where 1 means the same engagement with every pole and 0 "
        f"engagement with one pole only.{poles_part}")
    partial = [c for c in ORDER if c != "composite"
               and c in set(p.balance["channel"]) and c not in str(last["channels"]).split(",")]
    set_text = (f"The composite is built on one channel set throughout, {and_list(chans)}: the "
                f"set of at least {min_channels(p)} channels with the longest unbroken run of "
                f"years with data in {p.years[0]}-{p.years[1]} ({run[0]}-{run[1]})")
    if cset is not None and cset.reason == "the channels chosen (--channels)":
        set_text = (f"The composite is built on the channels chosen for this report, "
                    f"{and_list(chans)}, in every year ({run[0]}-{run[1]} unbroken)")
    if partial:
        words = and_list([WORDS.get(c, c) for c in partial])
        verb = "covers" if len(partial) == 1 else "cover"
        set_text += (f". {words[0].upper() + words[1:]} {verb} only "
                     "part of these years: they are shown in their own sections, never inside "
                     "the composite, so a source starting or ending does not move it")
    out.sentences.append(set_text + ".")
    return out


def _rank(p: Profile, year: int, sens: pd.Series | None) -> _Part:
    """The rank among all states (the sensitivity row) and the place among the peers."""
    default = default_settings(p)
    peer = peer_rank(p, year)
    peer_title = (p.peers.title.lower() if p.peers is not None else "peers")
    member = p.peers is not None and p.iso3 in p.peers.members
    peer_text = ""
    if peer is not None:
        in_year = "" if peer[2] == year else f" in {peer[2]}"
        peer_text = (f" Among the {peer[1]} {peer_title} with a composite{in_year} it is "
                     f"{ordinal(peer[0])}." if member
                     else f" Placed among the {peer[1] - 1} {peer_title}{in_year}, it would be "
                     f"{ordinal(peer[0])} of {peer[1]}.")
    out = _Part()
    if sens is not None and pd.notna(sens.get("rank")):
        r, n = int(sens["rank"]), int(sens["n_states"])
        ry = int(sens["year"])
        more_even = (n - r) / (n - 1) if n > 1 else 0.0
        lo, hi = int(round(sens["rank_p05"])), int(round(sens["rank_p95"]))
        out.facts.append(Fact("Rank among all states" + ("" if default else ", default settings")
                              + ("" if ry == year else f", {ry}"), f"{r} of {n}",
                              f"ranks {lo}-{hi} in 90% of {int(sens['n_runs']):,} analyses"))
        out.sentences.append(_all_states(p, year, sens, default) + peer_text)
        if default:
            out.headline = (f"more evenly spread across the poles than {pct(more_even)} of "
                            "states" + ("" if ry == year else f" ({ry})"))
    else:
        out.sentences.append("Its rank among all states is not available: this warehouse "
                             "holds no sensitivity tables (they are computed when the "
                             "warehouse is built)." + peer_text)
    if peer is not None:
        out.facts.append(Fact(f"Among {peer_title}", f"{ordinal(peer[0])} of {peer[1]}",
                              f"by composite evenness, {peer[2]}" + (
                                  "" if member else f"; {p.name} is not one of them")))
        if not out.headline and member:
            out.headline = (f"{ordinal(peer[0])} most evenly spread of {peer[1]} "
                            f"{peer_title}")
    return out


def _all_states(p: Profile, year: int, sens: pd.Series, default: bool) -> str:
    """The sentence of the rank among all states, with how far the analyst's choices move it."""
    r, n = int(sens["rank"]), int(sens["n_states"])
    ry = int(sens["year"])
    when = (f"{ry}" if ry == year else f"{ry}, the latest year in which enough states have "
            "data on a common channel set to rank them")
    more_even = (n - r) / (n - 1) if n > 1 else 0.0
    band = rank_band(r, n)
    lo, hi = int(round(sens["rank_p05"])), int(round(sens["rank_p95"]))
    same = rank_band(lo, n) == band and rank_band(hi, n) == band
    who = (f"That ranks {p.name}" if default else
           f"Under the default settings (core poles, split votes on all roll calls, default "
           f"weights), whose composite differs from this report's, the sensitivity run "
           f"ranks {p.name}")
    rank_set = ([WORDS.get(c, c) for c in str(sens["channels"]).split(",")]
                if pd.notna(sens.get("channels")) else [])
    on = f" measured on a common channel set ({and_list(rank_set)})" if rank_set else ""
    text = (f"{who} {ordinal(r)} of the {n} states{on} in {when} (1 = most "
            f"even): more even than {pct(more_even)} of them, {band}")
    text += (f", where it stays in 90% of the alternative analyses (ranks {lo}-{hi})."
             if same else f"; its place depends on the analyst's choices: ranks {lo}-{hi} "
             f"in 90% of the alternative analyses, {int(sens['rank_min'])}-"
             f"{int(sens['rank_max'])} at the extremes.")
    return text


def _tilt(p: Profile, comp: pd.DataFrame, year: int) -> _Part:
    """The largest pole of the composite, since when, and the largest pole of each channel."""
    shares = composite_shares(p, year)
    out = _Part()
    if not len(shares):
        return out
    top, bottom = shares.iloc[0], shares.iloc[-1]
    since, before = dominant_since(comp)
    lead = f"{the_pole(p, top['pole'])} ({pct(top['share'])} of the composite)"
    text = f"Its largest pole in {year} was {lead}"
    if len(shares) > 1:
        second = shares.iloc[1]
        text += (f", {points(top['share'] - second['share'])} ahead of "
                 f"{the_pole(p, second['pole'])} ({pct(second['share'])}); the smallest, "
                 f"{the_pole(p, bottom['pole'])} ({pct(bottom['share'])})")
    name = the_pole(p, top["pole"])
    name = name[0].upper() + name[1:]
    if since == int(comp["year"].iloc[0]):
        text += f". {name} has been the largest pole in every year since {since}"
    elif before:
        text += (f". {name} has been the largest pole since {since} (before that, "
                 f"{the_pole(p, before)})")
    leaders = _channel_leaders(p, year)
    if leaders:
        text += f". By channel, the largest pole in {year} was: {'; '.join(leaders)}"
    out.sentences.append(text + ".")
    out.facts.append(Fact("Largest pole", f"{pole_label(p, top['pole'])} {pct(top['share'])}",
                          (f"{points(top['share'] - shares.iloc[1]['share'])} ahead "
                           f"of {the_pole(p, shares.iloc[1]['pole'])}; since {since}")
                          if len(shares) > 1 else f"since {since}"))
    out.headline = f"largest pole {the_pole(p, top['pole'])} ({pct(top['share'])})"
    return out


def _channel_leaders(p: Profile, year: int) -> list[str]:
    """``exports: China (31%)`` for each channel of ``year``, in the channels' order."""
    b = p.balance
    rows = b[(b["year"] == year) & (b["channel"] != "composite")]
    order = {c: i for i, c in enumerate(ORDER)}
    rows = rows.assign(_o=rows["channel"].map(order)).sort_values("_o")
    out = []
    for r in rows.itertuples():
        of = (f" of the poles' total; the poles hold {pct(r.poles_share)} of the channel"
              if pd.notna(getattr(r, "poles_share", None)) and r.poles_share < 0.995 else "")
        out.append(f"{WORDS.get(r.channel, r.channel)}: "
                   f"{pole_label(p, r.dominant_pole)} ({pct(r.dominant_share)}{of})")
    return out


def _change(p: Profile, comp: pd.DataFrame, run: tuple[int, int]) -> _Part:
    """The change of the composite over the channel set's unbroken run, and what moved it."""
    in_run = comp[comp["year"].between(*run)]
    out = _Part()
    if len(in_run) <= 1:
        return out
    first, end = in_run.iloc[0], in_run.iloc[-1]
    y0, y1 = int(first["year"]), int(end["year"])
    e0, e1 = float(first["evenness"]), float(end["evenness"])
    out.facts.append(Fact(f"Change {y0}-{y1}", signed(e1 - e0),
                          f"{fixed(e0)} in {y0}, {fixed(e1)} in {y1}, same channels"))
    verb = ("was unchanged to two decimals" if round(e0, 2) == round(e1, 2)
            else "rose" if e1 > e0 else "fell")
    text = (f"From {y0} to {y1}, on the same channels, the composite evenness {verb} "
            f"({fixed(e0, 3)} to {fixed(e1, 3)}, {signed(e1 - e0, 3)})")
    if not p.decomposition.empty:
        g = channel_contributions(p)
        parts = []
        for r in g.head(3).itertuples():
            gone = y0 if r.s0 == 0 else y1
            note = ("" if r.both else f"; no shared format in {gone}"
                    if r.channel == "formats" else f"; no data in {gone}")
            parts.append(f"{WORDS.get(r.channel, r.channel)} "
                         f"({signed(r.contribution, 3)}{note})")
        text += f". The channels that moved it most: {and_list(parts)}"
        churn = float(g.loc[~g["both"], "contribution"].sum())
        if (~g["both"]).any():
            text += (f". Of the change, {signed(churn, 3)} comes from channels with data in "
                     "only one of the two years: that part measures a source starting or "
                     "ending, not a change of policy")
    out.sentences.append(text + ".")
    return out


def _how_sure(p: Profile, year: int, sens: pd.Series | None) -> str:
    """What the interval reflects, and how far the analyst's choices move the composite."""
    if sens is None:
        return ("How sure: the 95% interval reflects the sampling of UN roll calls and the "
                f"choice between {p.name}'s and its partners' trade figures. How much the "
                "answer moves with the analyst's choices (pole set, UNGA measure, vote subset, "
                "weights) is not shown: this warehouse holds no sensitivity tables.")
    text = (f"How sure: the 95% interval reflects the sampling of UN roll calls and the "
            f"choice between {p.name}'s and its partners' trade figures. Across "
            f"{int(sens['n_runs']):,} alternative analyses (pole sets, UNGA measures, vote "
            f"subsets and random channel weights) the composite ranges "
            f"{fixed(sens['evenness_p05'])}-{fixed(sens['evenness_p95'])} (5th-95th "
            f"percentile; {fixed(sens['evenness_min'])}-{fixed(sens['evenness_max'])} overall)")
    f = p.sensitivity_factors
    f = f[(f["year"] == year) & f["evenness_range"].notna()] if len(f) else f
    if len(f):
        top_f = f.loc[f["evenness_range"].idxmax()]
        text += (f"; the single choice that moves it most is the "
                 f"{FACTOR_LABELS.get(top_f['factor'], top_f['factor'])} (range "
                 f"{fixed(top_f['evenness_range'], 3)}, {int(top_f['rank_range'])} ranks)")
    return text + "."


def _where_it_stops(p: Profile, last: pd.Series) -> str:
    """Why the composite ends before the years asked for, and which channels go on."""
    year = int(last["year"])
    later = p.balance[(p.balance["year"] > year) & (p.balance["channel"] != "composite")]
    have = [c for c in ORDER if c in set(later["channel"])]
    names = [WORDS.get(c, c) for c in have]
    lacking = [WORDS.get(c, c) for c in str(last["channels"]).split(",") if c not in have]
    return (f"The composite stops in {year}: after that, {and_list(lacking)} "
            f"{'has' if len(lacking) == 1 else 'have'} no data, and the channels that do "
            f"({and_list(names) if names else 'none'}) are shown in their sections, not "
            "combined. Nothing is extrapolated; where each source ends is listed at the end of "
            "the report.")
