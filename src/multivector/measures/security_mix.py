"""The security channel as a mix of alliance ties and arms suppliers: pure functions.

``docs/methods.md``, "Security: alliances and arms suppliers". For a focal state, year and pole
*p* (the rest of the world included),

    s_p = (1 - a) * alliance_p + a * arms_p,

with ``alliance_p`` the share of the alliance channel (ATOP obligations,
:func:`multivector.measures.channels.alliance_strength`), ``arms_p`` the share of the arms
channel (SIPRI TIV delivered by the pole's members) and ``a`` the arms weight. Both sum to one
over the poles and the rest of the world, so the mix does too.

The rule of one channel set per series (:mod:`multivector.measures.channelset`) holds inside
the channel as well: **a state-year of the mix exists only when every source with a positive
weight covers it**. With ``0 < a < 1`` a year without an alliance tie to a pole, or without an
arms delivery, has no security share at all, never one from the other source alone (that would
switch the channel's content when ATOP ends in 2018, and the composite would move with the
data, not with the state). ``a = 0`` is the alliance channel exactly (the default: results do
not move); ``a = 1`` is the arms channel under the name ``security``, which SIPRI carries to
2024.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ARMS_WEIGHT = 0.0  # the default: the security channel is alliances alone
"""The default arms weight ``a`` of the security channel."""

SECURITY_SCENARIOS: dict[str, tuple[str, float]] = {
    "obligation": ("obligation", 0.0),
    "flat": ("flat", 0.0),
    "military": ("military", 0.0),
    "with_arms": ("obligation", 0.5),
    "arms": ("obligation", 1.0),
}
"""Named security channels the sensitivity run varies: the ATOP weighting (a name of
:data:`multivector.measures.channels.SECURITY_WEIGHTINGS`) and the arms weight ``a``."""

SECURITY_LEVELS = ("obligation", "flat", "with_arms", "arms")
"""The security levels of the default sensitivity run, the default first."""

_KEYS = ["iso3", "year", "pole"]


def check_arms_weight(a: float) -> float:
    """``a`` as a float when it lies in [0, 1], else :class:`ValueError`."""
    if isinstance(a, bool) or not isinstance(a, int | float) or not 0.0 <= float(a) <= 1.0:
        raise ValueError(f"the arms weight of the security channel must be a number from 0 "
                         f"to 1, got {a!r}")
    return float(a)


def security_scenario(name: str) -> tuple[str, float]:
    """The ATOP weighting and arms weight of a named security level: a key of
    :data:`SECURITY_SCENARIOS`, or ``arms=A`` (obligation weights, arms weight ``A``)."""
    if name in SECURITY_SCENARIOS:
        return SECURITY_SCENARIOS[name]
    if name.startswith("arms="):
        try:
            return "obligation", check_arms_weight(float(name[5:]))
        except ValueError:
            pass
    raise ValueError(f"unknown security level {name!r}; one of {', '.join(SECURITY_SCENARIOS)} "
                     "or arms=A with A from 0 to 1")


def scenario_name(a: float) -> str:
    """The name of the security level with obligation weights and arms weight ``a``."""
    a = check_arms_weight(a)
    for name, pair in SECURITY_SCENARIOS.items():
        if pair == ("obligation", a):
            return name
    return f"arms={a:g}"


def mix_shares(alliances: pd.DataFrame, arms: pd.DataFrame, a: float,
               channel: str = "security") -> pd.DataFrame:
    """The security channel's shares by pole: alliance and arms shares mixed with weight ``a``.

    Parameters
    ----------
    alliances, arms : pandas.DataFrame
        Share frames of the two sources (``iso3, pole, year, share, flag`` at least, the rest of
        the world included; :func:`multivector.measures.channels.pole_shares`), for the same
        poles.
    a : float
        The arms weight, from 0 to 1. A source whose weight is 0 is not read: ``alliances`` may
        be an empty frame (with the columns) when ``a = 1``, ``arms`` when ``a = 0``.
    channel : str
        The ``channel`` of the rows (where the frames have that column).

    Returns
    -------
    pandas.DataFrame
        The columns of ``alliances``. ``a = 0``: ``alliances`` itself; ``a = 1``: ``arms``. In
        between, the state-years both sources have with every pole, ``share`` the mix (missing
        where either share is), ``value`` the same mix (a share: the two sources' values are in
        different units), ``total`` 1, ``n_members`` the alliance frame's and ``flag`` ``self``
        where either source says so, else the sources' flags joined.
    """
    a = check_arms_weight(a)
    cols = list(alliances.columns)
    if a == 0.0:
        out = alliances.copy()
    elif a == 1.0:
        out = arms[[c for c in cols if c in arms.columns]].copy()
    else:
        out = _mixed(alliances, arms, a)
    if "channel" in out.columns:
        out["channel"] = channel
    return out.reset_index(drop=True)


def _mixed(alliances: pd.DataFrame, arms: pd.DataFrame, a: float) -> pd.DataFrame:
    """:func:`mix_shares` for ``0 < a < 1``."""
    cols = list(alliances.columns)
    right = arms[[*_KEYS, "share", "flag"]].rename(columns={"share": "_s", "flag": "_f"})
    out = alliances.merge(right, on=_KEYS, how="left", indicator=True)
    # a state-year either source lacks (or lacks a pole of) is absent, never one source alone
    whole = out["_merge"].eq("both").groupby([out["iso3"], out["year"]]).transform("all")
    out = out[whole.to_numpy()].copy()
    out["share"] = (1.0 - a) * out["share"] + a * out["_s"]
    out["value"] = out["share"]
    out["total"] = np.where(out["share"].notna(), 1.0, np.nan)
    out["flag"] = [_join(f1, f2) for f1, f2 in zip(out["flag"], out["_f"], strict=True)]
    return out[cols]  # in the alliance frame's order (a left merge keeps it)


def _join(f1: object, f2: object) -> str:
    flags = [str(f) for f in (f1, f2) if isinstance(f, str) and f]
    if "self" in flags:
        return "self"
    return "; ".join(dict.fromkeys(flags))
