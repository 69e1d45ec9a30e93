"""One channel set per series and per ranking: which channels a composite is built on.

A composite balance averages the channels' pole-share vectors. If the channels that enter it
change from one year to the next — a source ends, another starts — the composite moves with
the data, not with the state: Kazakhstan's composite over six channels in 1995 and over four in
2020 differ by what IGO and alliance records say, though neither source says anything about
2020. The rules here keep the set fixed (the OECD/JRC *Handbook on Constructing Composite
Indicators*, 2008, step 3: a composite compares units only on the same indicators; Saisana,
Saltelli & Tarantola 2005):

* a **channel-year is complete** when every pole of the set (but a pole that is the focal
  state itself) has a share: a pole with no reported value and no mirror figure makes the
  channel-year absent, never an evenness over fewer poles (:func:`complete_channels`);
* a **series** (one state over a span of years) uses one set for every year: by default the
  set of at least ``min_channels`` channels with the longest unbroken run of complete years
  inside the span; ties go to the larger set, then the larger sum of default weights, then the
  earlier run (:func:`series_set`);
* a **ranking** (many states in one year) puts every ranked state on the same set: by default
  the largest set of at least ``min_channels`` channels that still ranks at least
  :data:`RANK_COVERAGE` of the states the best-covered set would rank; a state lacking one of
  its channels is listed as not ranked with the reason, never ranked on fewer channels
  (:func:`ranking_sets`). A year in which no set of enough channels covers at least
  :data:`MIN_RANK_STATES` states has no ranking (in 2023 only the three Central Asian states
  with national trade statistics have trade data: a "rank 1 of 3" would read as a world
  ranking).

Pure functions of the long share frame ``iso3, year, channel, pole, share, flag``
(:func:`multivector.measures.channels.pole_shares` output, rest of the world included or not).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pandas as pd

from multivector.core.vocabulary import REST

RANK_COVERAGE = 0.9  # a ranking set may leave out at most 10% of the best-covered set's states
MIN_RANK_STATES = 20  # fewer states on any common set of channels is no ranking of states


@dataclass(frozen=True)
class ChannelSet:
    """The channels a composite is built on, and the years they all cover.

    Attributes
    ----------
    channels : tuple of str
        The set, in the order of the candidates.
    run : (int, int) or None
        The longest unbroken run of years in which every channel is complete (series) or the
        year itself (ranking); None when no set of enough channels covers any year.
    years : tuple of int
        Every year of the span in which all channels of the set are complete (the run and any
        other such years).
    reason : str
        Why this set: one sentence for the reader.
    """

    channels: tuple[str, ...]
    run: tuple[int, int] | None
    years: tuple[int, ...]
    reason: str

    @property
    def label(self) -> str:
        return ", ".join(self.channels)


def complete_channels(shares: pd.DataFrame) -> pd.DataFrame:
    """``iso3, year, channel``: the channel-years in which every pole has a share.

    A pole row with flag ``self`` (the focal state is the pole) does not count; the rest of
    the world does not count. A channel-year whose pole shares are all missing (no engagement
    with any pole, e.g. no alliance at all) is not complete either.
    """
    keys = ["iso3", "year", "channel"]
    s = shares[shares["pole"] != REST]
    if "flag" in s.columns:
        s = s[s["flag"].fillna("") != "self"]
    g = s.assign(_ok=s["share"].notna()).groupby(keys)["_ok"].agg(["all", "size"])
    out = g[g["all"] & (g["size"] > 0)].reset_index()[keys]
    # a channel whose shares are all zero among the poles tells nothing about balance
    pos = s[s["share"] > 0].groupby(keys).size().rename("_pos").reset_index()
    return out.merge(pos[keys], on=keys).sort_values(keys).reset_index(drop=True)


def _longest_run(years: list[int]) -> tuple[int, int] | None:
    if not years:
        return None
    ys = sorted(set(years))
    best, start, prev = (ys[0], ys[0]), ys[0], ys[0]
    for y in ys[1:]:
        if y != prev + 1:
            start = y
        prev = y
        if prev - start > best[1] - best[0]:
            best = (start, prev)
    return best


def series_set(complete: pd.DataFrame, span: tuple[int, int], candidates: list[str],
               weights: dict[str, float] | None = None, min_channels: int = 3
               ) -> ChannelSet:
    """The channel set of one state's series over ``span`` (see the module docstring).

    Parameters
    ----------
    complete : pandas.DataFrame
        ``year, channel`` of the state's complete channel-years (:func:`complete_channels`).
    span : (int, int)
        The years asked for, inclusive.
    candidates : list of str
        Channels that may enter (those with a positive weight), in display order.
    weights : dict, optional
        Default weights, for breaking ties between sets of the same size.
    min_channels : int
        Fewest channels in a set.

    Returns
    -------
    ChannelSet
        With ``run`` None when no set of ``min_channels`` channels covers a single year.
    """
    c = complete[complete["year"].between(*span) & complete["channel"].isin(candidates)]
    by_channel = {ch: set(g["year"]) for ch, g in c.groupby("channel")}
    avail = [ch for ch in candidates if ch in by_channel]
    w = weights or {}
    best: tuple | None = None
    for k in range(len(avail), min_channels - 1, -1):
        for combo in itertools.combinations(avail, k):
            yrs = set.intersection(*(by_channel[ch] for ch in combo))
            run = _longest_run(sorted(yrs))
            if run is None:
                continue
            key = (run[1] - run[0] + 1, k, sum(w.get(ch, 1.0) for ch in combo), -run[0])
            if best is None or key > best[0]:
                best = (key, combo, run, tuple(sorted(yrs)))
    if best is None:
        return ChannelSet((), None, (), f"no {min_channels} channels have data together in "
                                         f"{span[0]}-{span[1]}")
    _, combo, run, yrs = best
    left_out = [ch for ch in avail if ch not in combo]
    reason = (f"the set of at least {min_channels} channels with the longest unbroken run of "
              f"years with data in {span[0]}-{span[1]} ({run[0]}-{run[1]}, "
              f"{run[1] - run[0] + 1} years)")
    if left_out:
        one = len(left_out) == 1
        reason += (f"; {', '.join(left_out)} cover{'s' if one else ''} only part of the span "
                   f"and {'is' if one else 'are'} shown beside the composite, not in it")
    return ChannelSet(tuple(combo), run, yrs, reason)


def fixed_set(complete: pd.DataFrame, span: tuple[int, int], channels: tuple[str, ...]
              ) -> ChannelSet:
    """A set the analyst chose (``--channels``): the years of ``span`` in which every channel
    of it is complete, and their longest unbroken run."""
    c = complete[complete["year"].between(*span) & complete["channel"].isin(channels)]
    n = c.groupby("year")["channel"].nunique()
    yrs = sorted(int(y) for y in n[n == len(channels)].index)
    return ChannelSet(tuple(channels), _longest_run(yrs), tuple(yrs),
                      "the channels chosen (--channels)")


def series_sets(complete: pd.DataFrame, span: tuple[int, int], candidates: list[str],
                weights: dict[str, float] | None = None, min_channels: int = 3
                ) -> dict[str, ChannelSet]:
    """:func:`series_set` for every state of ``complete`` (``iso3, year, channel``)."""
    return {iso3: series_set(g, span, candidates, weights, min_channels)
            for iso3, g in complete.groupby("iso3")}


def ranking_set(complete: pd.DataFrame, candidates: list[str], min_channels: int = 3,
                coverage: float = RANK_COVERAGE, min_states: int = MIN_RANK_STATES
                ) -> tuple[str, ...]:
    """The channel set of a ranking in one year.

    Among the sets of at least ``min_channels`` candidates, let *m* be the most states any
    set ranks (states complete on every channel of it). The ranking set is the largest set
    that still ranks at least ``coverage * m`` states; ties go to the set ranking more states.
    No set (an empty tuple) when *m* is below ``min_states``.

    Parameters
    ----------
    complete : pandas.DataFrame
        ``iso3, channel`` of the complete channel-years of one year.
    """
    c = complete[complete["channel"].isin(candidates)]
    by_channel = {ch: set(g["iso3"]) for ch, g in c.groupby("channel")}
    avail = [ch for ch in candidates if ch in by_channel]
    counts = {}
    for k in range(min_channels, len(avail) + 1):
        for combo in itertools.combinations(avail, k):
            counts[combo] = len(set.intersection(*(by_channel[ch] for ch in combo)))
    if not counts or max(counts.values()) < max(min_states, 1):
        return ()
    m = max(counts.values())
    ok = [(len(combo), n, combo) for combo, n in counts.items() if n >= coverage * m]
    return max(ok, key=lambda t: (t[0], t[1]))[2]


def ranking_sets(complete: pd.DataFrame, candidates: list[str], min_channels: int = 3,
                 coverage: float = RANK_COVERAGE, min_states: int = MIN_RANK_STATES
                 ) -> dict[int, tuple[str, ...]]:
    """:func:`ranking_set` for every year of ``complete`` (``iso3, year, channel``)."""
    return {int(y): ranking_set(g, candidates, min_channels, coverage, min_states)
            for y, g in complete.groupby("year")}


def not_ranked(complete: pd.DataFrame, units: pd.DataFrame, channel_set: tuple[str, ...]
               ) -> pd.DataFrame:
    """``iso3, year, reason`` for the states of ``units`` (``iso3, year``) lacking a channel
    of the year's ranking set: ``no data: security, igo``."""
    have = complete[complete["channel"].isin(channel_set)]
    got = have.groupby(["iso3", "year"])["channel"].agg(set)
    rows = []
    for iso3, year in units[["iso3", "year"]].drop_duplicates().itertuples(index=False):
        present = got.get((iso3, year), set())
        missing = [ch for ch in channel_set if ch not in present]
        if missing:
            rows.append((iso3, int(year), "no data: " + ", ".join(missing)))
    return pd.DataFrame(rows, columns=["iso3", "year", "reason"])
