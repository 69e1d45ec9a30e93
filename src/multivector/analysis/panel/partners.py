"""The focal state's figure with each partner in the channels whose pole values are sums of
partner figures (:data:`multivector.measures.scenario.PARTNER_CHANNELS`: exports, imports,
arms, investment): what a what-if step on one partner scales
(:func:`multivector.measures.scenario.partner_frame`)."""

from __future__ import annotations

import duckdb
import pandas as pd

from multivector.analysis.panel.extra import arms_investment_dyads
from multivector.analysis.panel.trade import cached_trade_flows

VALUE_COLUMNS = ["iso3", "year", "channel", "partner", "value"]


def partner_values(con: duckdb.DuckDBPyConnection, channels: tuple[str, ...],
                   years: tuple[int, int], focal: list[str],
                   _cache: dict | None = None) -> pd.DataFrame:
    """Each partner's figure in ``channels`` (those of them that are partner sums).

    Parameters
    ----------
    channels : tuple of str
        Channels asked for; others are skipped.
    focal : list of str
        The focal states.
    _cache : dict, optional
        The cache :func:`multivector.analysis.panel.shares.all_shares` filled for the same
        ``years`` and ``focal``: the trade flows are taken from it rather than read again.

    Returns
    -------
    pandas.DataFrame
        :data:`VALUE_COLUMNS`: the series value the shares are sums of (trade: the state's own
        figure, the partner's mirror where its own is missing, :func:`.trade.trade_flows`;
        arms: SIPRI TIV by supplier; investment: wiiw stock by investing country).
    """
    frames = []
    if {"exports", "imports"} & set(channels):
        flows = cached_trade_flows(con, years, focal, _cache)[0]
        flows = flows[flows["flow"].isin(channels)]
        frames.append(flows.rename(columns={"flow": "channel", "value_usd_m": "value"})
                      [VALUE_COLUMNS])
    for c in ("arms", "investment"):
        if c in channels:
            dyads, _ = arms_investment_dyads(con, c, years, focal)
            frames.append(dyads.assign(channel=c)[VALUE_COLUMNS])
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object")
                             for c in VALUE_COLUMNS})
    out = pd.concat(frames, ignore_index=True)
    return out.astype({"year": "int64", "value": "float64"})
