"""What-if transforms of a shares frame: pure functions, no warehouse.

A scenario changes a state's engagement by pole in one channel (or all of them) and leaves
the balance index to say what the change does (:mod:`multivector.analysis.whatif` recomputes
the balance and rank against the baseline). Input is the long frame of
:func:`multivector.analysis.panel.shares.all_shares`: ``iso3, year, channel, pole, share`` (with the
``Rest of world`` row where a channel has one). Every transform returns a new frame whose
shares still sum to what they summed to in each ``iso3, year, channel`` group:

* :func:`scale` multiplies one pole's engagement by a factor ``f`` (0 drops it: Russia's
  transit cut, an EU demand shock of -20% is ``f = 0.8``). Shares are of the channel's total,
  so the total shrinks or grows with the pole, ``s_i' = s_i f_i / sum_j s_j f_j`` (``f_j = 1``
  for every other partner);
* :func:`add_share` adds a hypothetical partner of pole ``p`` taking a share ``a`` of the
  channel's new total, ``s_i' = (1 - a) s_i + a [i = p]``;
* :func:`consortium` is the supplier-diversification case: a project whose parts (fuel,
  reactor, financing...) each come from one pole, its evenness over the pole set as each
  choice is made (Pielou's J = H / ln n, Pielou 1966, over the ``n`` poles of the set).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import REST
from multivector.measures.concentration import evenness

ALL = "*"
GROUP = ["iso3", "year", "channel"]


def _rows(shares: pd.DataFrame, channel: str, iso3: str | None) -> pd.Series:
    mask = pd.Series(True, index=shares.index)
    if channel != ALL:
        mask &= shares["channel"] == channel
    if iso3 is not None:
        mask &= shares["iso3"] == iso3
    return mask


def _check(shares: pd.DataFrame, channel: str, pole: str) -> None:
    if channel != ALL and channel not in set(shares["channel"]):
        raise MultivectorError(f"scenario: channel {channel!r} has no shares here; present: "
                               f"{', '.join(sorted(set(shares['channel'])))}")
    if pole not in set(shares["pole"]):
        raise MultivectorError(f"scenario: pole {pole!r} is not in the pole set; poles: "
                               f"{', '.join(sorted(set(shares['pole']) - {REST}))}")


def scale(shares: pd.DataFrame, channel: str, pole: str, factor: float,
          iso3: str | None = None) -> pd.DataFrame:
    """Scale one pole's engagement in ``channel`` (``"*"``: every channel) by ``factor``.

    ``s_i' = s_i f_i / sum_j s_j f_j`` within each ``iso3, year, channel``, ``f`` being
    ``factor`` for ``pole`` and 1 for every other partner (the rest of the world included), so
    the shares keep their sum. ``factor = 0`` drops the pole (its share becomes 0, a pole the
    state does not engage, not a missing one). Missing shares stay missing.
    """
    if not np.isfinite(factor) or factor < 0:
        raise MultivectorError(f"scenario: factor must be a finite number of 0 or more, got "
                               f"{factor!r}")
    _check(shares, channel, pole)
    out = shares.copy()
    mask = _rows(out, channel, iso3)
    f = np.where(mask & (out["pole"] == pole), factor, 1.0)
    before = out.loc[mask].groupby(GROUP)["share"].transform("sum")
    scaled = out["share"] * f
    after = scaled[mask].groupby([out.loc[mask, k] for k in GROUP]).transform("sum")
    new = scaled[mask] * (before / after.where(after > 0))
    out.loc[mask, "share"] = new.where(after > 0, out.loc[mask, "share"])
    return out


def add_share(shares: pd.DataFrame, channel: str, pole: str, share: float,
              iso3: str | None = None) -> pd.DataFrame:
    """A hypothetical partner of ``pole`` taking ``share`` of the channel's new total.

    ``s_i' = (1 - a) s_i + a [i = pole]`` on groups whose shares sum to one (shares of all
    partners); on groups summing to ``S`` the partner adds ``a S`` in the same way.
    """
    if not np.isfinite(share) or not 0 <= share < 1:
        raise MultivectorError(f"scenario: share must lie in [0, 1), got {share!r}")
    _check(shares, channel, pole)
    out = shares.copy()
    mask = _rows(out, channel, iso3) & out["share"].notna()
    total = out.loc[mask].groupby(GROUP)["share"].transform("sum")
    is_pole = out.loc[mask, "pole"] == pole
    out.loc[mask, "share"] = (1 - share) * out.loc[mask, "share"] + share * total * is_pole
    return out


def apply(shares: pd.DataFrame, steps: list[dict], iso3: str | None = None) -> pd.DataFrame:
    """Apply scenario steps in order: ``{"op": "scale"|"drop"|"add", "channel", "pole",
    "factor"|"share"}`` (``drop`` is ``scale`` by 0)."""
    out = shares
    for i, step in enumerate(steps, 1):
        op = step.get("op")
        channel, pole = step.get("channel", ALL), step.get("pole")
        if op == "drop":
            out = scale(out, channel, pole, 0.0, iso3)
        elif op == "scale":
            out = scale(out, channel, pole, float(step.get("factor", 1.0)), iso3)
        elif op == "add":
            out = add_share(out, channel, pole, float(step.get("share", 0.0)), iso3)
        else:
            raise MultivectorError(f"scenario step {i}: op must be drop, scale or add, got "
                                   f"{op!r}")
    return out


def consortium(choices: list[tuple[str, str]], poles: list[str],
               weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Evenness of a consortium's suppliers over the poles, as each part is chosen.

    Parameters
    ----------
    choices : list of (part, pole)
        e.g. ``[("fuel", "RUS"), ("reactor", "USA"), ("financing", "CHN")]``.
    poles : list of str
        The pole set's poles (``n`` of them).
    weights : dict, optional
        Weight of each part (default 1 each).

    Returns
    -------
    pandas.DataFrame
        ``step, part, pole, evenness`` where row ``k`` is Pielou's J over the ``n`` poles of
        the weighted pole shares of parts ``1..k`` (0 when one pole supplies everything, 1
        when every pole supplies the same weight).
    """
    bad = [p for _, p in choices if p not in poles]
    if bad:
        raise MultivectorError(f"consortium: unknown pole(s) {', '.join(bad)}; poles: "
                               f"{', '.join(poles)}")
    w = weights or {}
    rows = []
    for k in range(1, len(choices) + 1):
        got = pd.DataFrame({"pole": poles, "g": 0, "value": 0.0})
        for part, pole in choices[:k]:
            got.loc[got["pole"] == pole, "value"] += float(w.get(part, 1.0))
        ev = evenness(got, ["g"], "value", n_units=len(poles))["evenness"].iloc[0]
        part, pole = choices[k - 1]
        rows.append((k, part, pole, 0.0 if pd.isna(ev) else float(ev)))
    return pd.DataFrame(rows, columns=["step", "part", "pole", "evenness"])
