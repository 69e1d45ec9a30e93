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
* :func:`scale_partner` multiplies ONE partner's figure by ``f`` (Italy inside the EU pole,
  Korea in the rest of the world) in a channel whose pole values are sums of partner values
  (:data:`PARTNER_CHANNELS`). With ``q`` the partner's share of the channel's total and ``H``
  the row that holds it that year (its pole, or the rest of the world), ``D = (f - 1) q``
  moves ``H`` and the total alike: ``s_i' = (s_i + D [i = H]) S / (S + D)``, ``S`` the
  group's sum of shares (1: the rest of the world included), i.e. ``V_H' = V_H + (f - 1) v``
  and ``T' = T + (f - 1) v`` in the channel's unit, every other pole's value unchanged;
* :func:`consortium` is the supplier-diversification case: a project whose parts (fuel,
  reactor, financing...) each come from one pole, its evenness over the pole set as each
  choice is made (Pielou's J = H / ln n, Pielou 1966, over the ``n`` poles of the set).

A partner's share ``q`` is carried through the steps beside the shares (:func:`partner_frame`
builds it, :func:`apply` keeps it in step): a pole step multiplies the partners of the pole by
its factor and every partner by the group's renormalisation, an added partner of share ``a``
leaves every real one ``(1 - a) q``, so a partner step after a pole step acts on the partner's
figure as the pole step left it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS, CHANNELS, EXTRA_CHANNELS, REST
from multivector.measures.concentration import evenness

ALL = "*"
GROUP = ["iso3", "year", "channel"]
PARTNER_CHANNELS: tuple[str, ...] = tuple(c for c in (*BALANCE_CHANNELS, *EXTRA_CHANNELS)
                                          if CHANNELS[c].aggregate == "sum")
"""The channels whose pole values are sums of partner values (exports, imports, arms,
investment): the only ones a partner step can act on."""
PARTNER_COLUMNS = ["iso3", "year", "channel", "partner", "host", "share"]
_WHY = {"split": "its shares are roll calls credited to the poles that voted alike, not sums "
                 "of values by partner",
        "mean": "a pole's value there is the mean of its members' ties, not a sum of values by "
                "partner, so no partner's figure is part of a total"}


def _rows(shares: pd.DataFrame, channel: str, iso3: str | None) -> pd.Series:
    mask = pd.Series(True, index=shares.index)
    if channel != ALL:
        mask &= shares["channel"] == channel
    if iso3 is not None:
        mask &= shares["iso3"] == iso3
    return mask


def _check_channel(shares: pd.DataFrame, channel: str) -> None:
    if channel != ALL and channel not in set(shares["channel"]):
        raise MultivectorError(f"scenario: channel {channel!r} has no shares here; present: "
                               f"{', '.join(sorted(set(shares['channel'])))}")


def _check(shares: pd.DataFrame, channel: str, pole: str) -> None:
    _check_channel(shares, channel)
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


def partner_refusal(channel: str) -> str | None:
    """Why a partner step cannot act on ``channel`` (None: it can)."""
    if channel == ALL or channel in PARTNER_CHANNELS:
        return None
    c = CHANNELS.get(channel)
    why = _WHY.get(c.aggregate, "it is not a sum of values by partner") if c else \
        "it is not a channel"
    title = f" ({c.title})" if c else ""
    return (f"a partner step cannot act on {channel}{title}: {why}; partner steps act on "
            f"{', '.join(PARTNER_CHANNELS)}")


def partner_frame(values: pd.DataFrame, shares: pd.DataFrame,
                  membership: pd.DataFrame) -> pd.DataFrame:
    """Each partner's share of its channel's total and the row that holds it.

    Parameters
    ----------
    values : pandas.DataFrame
        ``iso3, year, channel, partner, value``: the focal state's figure with each partner
        in the channel's unit (the figures its pole values are sums of).
    shares : pandas.DataFrame
        The shares frame, with ``total`` (the channel's total, the rest of the world
        included).
    membership : pandas.DataFrame
        ``pole, iso3, year`` of the pole set.

    Returns
    -------
    pandas.DataFrame
        :data:`PARTNER_COLUMNS`: ``host`` the pole the partner belongs to that year (blocs by
        year) or the rest of the world, ``share = value / total``; partners without a figure,
        the focal state itself and groups without a positive total are left out.
    """
    tot = (shares.dropna(subset=["total"]).groupby(GROUP, as_index=False)["total"].first())
    v = values[values["partner"] != values["iso3"]].dropna(subset=["value"])
    v = v.groupby([*GROUP, "partner"], as_index=False)["value"].sum()
    v = v.merge(tot, on=GROUP)
    v = v[v["total"] > 0]
    host = membership.rename(columns={"iso3": "partner", "pole": "host"})[
        ["partner", "year", "host"]].drop_duplicates(["partner", "year"])
    v = v.merge(host, on=["partner", "year"], how="left")
    v["host"] = v["host"].fillna(REST)
    v["share"] = v["value"] / v["total"]
    return v[PARTNER_COLUMNS].reset_index(drop=True)


def scale_partner(shares: pd.DataFrame, partners: pd.DataFrame, channel: str, partner: str,
                  factor: float, iso3: str | None = None
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Scale one partner's figure in ``channel`` (``"*"``: every partner channel) by ``factor``.

    ``D = (f - 1) q`` (``q`` the partner's share of the total, from ``partners``), bounded so
    that the row holding the partner stays at 0 or more; ``s_i' = (s_i + D [i = H]) S / (S +
    D)`` within each ``iso3, year, channel``, ``S`` the group's sum of shares. ``value`` and
    ``total`` follow: ``T' = T (S + D) / S`` and every row's value its new share of it (so
    ``V_H' = V_H + (f - 1) v``, the other values unchanged; after a pole step, which moves
    shares only, the touched groups' values are re-derived from their shares). Groups where
    the partner has no figure are unchanged; ``factor = 0`` drops the partner, 1 changes nothing.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The shares and the partners' shares after the step.
    """
    if not np.isfinite(factor) or factor < 0:
        raise MultivectorError(f"scenario: factor must be a finite number of 0 or more, got "
                               f"{factor!r}")
    why = partner_refusal(channel)
    if why:
        raise MultivectorError(f"scenario: {why}")
    _check_channel(shares, channel)
    chans = PARTNER_CHANNELS if channel == ALL else (channel,)
    par = partners.reset_index(drop=True)
    hit = (par["partner"] == partner) & par["channel"].isin(chans)
    if iso3 is not None:
        hit &= par["iso3"] == iso3
    out = shares.copy()
    if not hit.any():
        return out, par
    moves = par.loc[hit, [*GROUP, "host", "share"]].rename(columns={"share": "_q"})
    rows = out[GROUP].assign(_pos=np.arange(len(out))).merge(moves, on=GROUP)
    pos = rows["_pos"].to_numpy()
    col = {c: out.columns.get_loc(c) for c in ("share", "total", "value") if c in out.columns}
    out = out.astype({c: "float64" for c in col})
    s = out.iloc[pos, col["share"]].to_numpy(dtype=float)
    at_host = out["pole"].to_numpy()[pos] == rows["host"].to_numpy()
    keys = [rows[k] for k in GROUP]
    s_sum = pd.Series(s).groupby(keys).transform("sum").to_numpy()
    s_host = pd.Series(np.where(at_host, s, 0.0)).groupby(keys).transform("sum").to_numpy()
    has_host = pd.Series(at_host & ~np.isnan(s)).groupby(keys).transform("any").to_numpy()
    d = np.maximum((factor - 1.0) * rows["_q"].to_numpy(), -s_host)
    ok = has_host & (s_sum > 0) & (s_sum + d > 0)
    norm = np.where(ok, s_sum / np.where(ok, s_sum + d, 1.0), 1.0)
    new = np.where(ok, (s + np.where(at_host, d, 0.0)) * norm, s)
    out.iloc[pos, col["share"]] = new
    total = (out.iloc[pos, col["total"]].to_numpy(dtype=float) if "total" in col
             else np.full(len(pos), np.nan))
    if "total" in col:
        out.iloc[pos, col["total"]] = total / norm
    if "value" in col:
        value = out.iloc[pos, col["value"]].to_numpy(dtype=float)
        out.iloc[pos, col["value"]] = np.where(ok & ~np.isnan(new), new * total / norm, value)
    # the partners of the touched groups: renormalised, the scaled one by its factor too
    g = rows.assign(_norm=norm, _d=d, _ok=ok).drop_duplicates(GROUP)[
        [*GROUP, "_norm", "_d", "_ok"]]
    m = par.assign(_own=hit).reset_index().merge(g[g["_ok"]], on=GROUP)
    par.loc[m["index"], "share"] = (np.where(m["_own"], m["share"] + m["_d"], m["share"])
                                    * m["_norm"]).to_numpy()
    return out, par


def _follow_scale(partners: pd.DataFrame, shares: pd.DataFrame, channel: str, pole: str,
                  factor: float, iso3: str | None) -> pd.DataFrame:
    """The partners' shares after :func:`scale` of ``pole``: ``q f [H = pole] k``, ``k`` the
    group's renormalisation ``S / sum_j s_j f_j``."""
    if partners.empty:
        return partners
    mask = _rows(shares, channel, iso3)
    sub = shares.loc[mask, [*GROUP, "pole", "share"]]
    f = np.where(sub["pole"] == pole, factor, 1.0)
    g = (sub.assign(_b=sub["share"], _a=sub["share"] * f).groupby(GROUP)[["_b", "_a"]]
         .sum().reset_index())
    g = g[g["_a"] > 0].assign(_k=lambda x: x["_b"] / x["_a"])
    out = partners.reset_index(drop=True)
    m = out.reset_index().merge(g[[*GROUP, "_k"]], on=GROUP)
    out.loc[m["index"], "share"] = (m["share"] * np.where(m["host"] == pole, factor, 1.0)
                                    * m["_k"]).to_numpy()
    return out


def _follow_add(partners: pd.DataFrame, channel: str, share: float,
                iso3: str | None) -> pd.DataFrame:
    """The partners' shares after :func:`add_share`: every real partner keeps ``1 - a``."""
    if partners.empty:
        return partners
    out = partners.reset_index(drop=True)
    out.loc[_rows(out, channel, iso3), "share"] *= 1 - share
    return out


def apply(shares: pd.DataFrame, steps: list[dict], iso3: str | None = None,
          partners: pd.DataFrame | None = None) -> pd.DataFrame:
    """Apply scenario steps in order: ``{"op": "scale"|"drop"|"add", "channel", "pole" or
    "partner", "factor"|"share"}`` (``drop`` is ``scale`` by 0; a partner step is
    :func:`scale_partner`, on the partners' shares of :func:`partner_frame`, which every step
    keeps in step)."""
    out = shares
    par = (pd.DataFrame(columns=PARTNER_COLUMNS) if partners is None
           else partners.reset_index(drop=True))
    for i, step in enumerate(steps, 1):
        op = step.get("op")
        channel, pole = step.get("channel", ALL), step.get("pole")
        if op not in ("drop", "scale", "add"):
            raise MultivectorError(f"scenario step {i}: op must be drop, scale or add, got "
                                   f"{op!r}")
        factor = 0.0 if op == "drop" else float(step.get("factor", 1.0))
        if step.get("partner") is not None:
            if op == "add":
                raise MultivectorError(f"scenario step {i}: add takes a pole (a hypothetical "
                                       "partner of it), not a partner")
            if partners is None:
                raise MultivectorError(f"scenario step {i}: a partner step needs the "
                                       "partners' figures (partner_frame)")
            out, par = scale_partner(out, par, channel, step["partner"], factor, iso3)
        elif op == "add":
            a = float(step.get("share", 0.0))
            new = add_share(out, channel, pole, a, iso3)
            par, out = _follow_add(par, channel, a, iso3), new
        else:
            new = scale(out, channel, pole, factor, iso3)
            par, out = _follow_scale(par, out, channel, pole, factor, iso3), new
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
