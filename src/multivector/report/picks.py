"""The rows the report's sentences quote: the composite series, the sensitivity row of a year,
the state's place among its peers, the largest pole and its run, the channels' contributions.

Only picking and ordering: no value here is estimated (the arithmetic is what a reader could do
from the tables, such as a position in a sorted list).
"""

from __future__ import annotations

import pandas as pd

from multivector.analysis import options
from multivector.analysis.profile import Profile
from multivector.analysis.sensitivity import DEFAULT as SENSITIVITY_DEFAULT

MIN_PEERS = 3  # fewer peers with a composite in a year is no comparison


def composite_rows(p: Profile) -> pd.DataFrame:
    """The composite's rows of the balance table, by year."""
    b = p.balance
    if b.empty:
        return b
    return b[b["channel"] == "composite"].sort_values("year").reset_index(drop=True)


def min_channels(p: Profile) -> int:
    """The number of channels a composite needs under the profile's settings."""
    return p.balance_options.min_channels if p.balance_options is not None else 3


def sensitivity_row(p: Profile, year: int) -> pd.Series | None:
    """The sensitivity row of the latest year up to ``year`` in which the state is ranked (a
    year in which too few states have data on a common channel set has no ranking)."""
    s = p.sensitivity
    if s.empty:
        return None
    r = s[(s["year"] <= year) & s["rank"].notna()].sort_values("year")
    return r.iloc[-1] if len(r) else None


def peer_rank(p: Profile, year: int) -> tuple[int, int, int] | None:
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
    return (p.pole_set.name == SENSITIVITY_DEFAULT[0]
            and options.unga_is_default(p.unga_options.channel())
            and options.balance_is_default(p.balance_options))


def dominant_since(comp: pd.DataFrame) -> tuple[int, str | None]:
    """First year of the latest run of the same dominant pole, and the pole before it."""
    poles = list(comp["dominant_pole"])
    years = list(comp["year"])
    i = len(poles) - 1
    while i > 0 and poles[i - 1] == poles[-1]:
        i -= 1
    return int(years[i]), (poles[i - 1] if i > 0 else None)


def composite_shares(p: Profile, year: int) -> pd.DataFrame:
    """The composite's shares by pole in ``year``, largest first."""
    t = p.tilt
    if t.empty:
        return t
    return (t[(t["channel"] == "composite") & (t["year"] == year)]
            .sort_values("share", ascending=False).reset_index(drop=True))


def channel_contributions(p: Profile) -> pd.DataFrame:
    """Contributions summed over poles, by channel, with whether the channel is in both years."""
    d = p.decomposition
    g = d.groupby("channel").agg(contribution=("contribution", "sum"),
                                 s0=("share0", "sum"), s1=("share1", "sum")).reset_index()
    g["both"] = (g["s0"] > 0) & (g["s1"] > 0)
    return g.reindex(g["contribution"].abs().sort_values(ascending=False).index)

