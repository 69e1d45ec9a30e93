"""Channels shown beside the composite, never in it by default: ``arms`` (arms imports by
supplier, SIPRI TIV), ``investment`` (inward FDI stock by partner, wiiw, Kazakhstan) and
``events`` (cooperative events from event data a user ingested)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from multivector.analysis.panel.frame import SHARE_COLUMNS, empty_shares
from multivector.measures import channels as ch
from multivector.warehouse import events as event_store
from multivector.warehouse import readers


def arms_investment_shares(con: duckdb.DuckDBPyConnection, channel: str,
                           membership: pd.DataFrame, years: tuple[int, int],
                           focal: list[str] | None) -> pd.DataFrame:
    """Shares by pole of the ``sum`` channels ``arms`` and ``investment``.

    ``arms``: the TIV delivered to each focal state by each supplier (SIPRI), the total over
    every supplier including unknown ones, non-state actors and organisations (they count in
    the rest of the world). ``investment``: the inward FDI stock by partner (wiiw), the total
    being wiiw's ``WORLD`` row; bloc rows (EU27...) are not partners, their members are.
    A focal state without rows (every state but Kazakhstan for investment) gets no rows. SIPRI's
    register lists every delivery, so a pole none of whose members delivered anything has 0
    (not the flag ``not reported`` that a trade return without the partner gets).
    """
    dyads, totals = arms_investment_dyads(con, channel, years, focal)
    if dyads.empty or totals.empty:
        return empty_shares()
    out = ch.pole_shares(dyads, membership, "sum", totals)
    if channel == "arms":  # the register lists every delivery: no supplier row is none, not
        none = out["flag"] == "not reported"  # an unreported flow
        out.loc[none, ["value", "share"]] = 0.0
        out.loc[none, "flag"] = ""
    return out.assign(channel=channel)[SHARE_COLUMNS]


def arms_investment_dyads(con: duckdb.DuckDBPyConnection, channel: str,
                          years: tuple[int, int], focal: list[str] | None
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The partner figures and totals of ``arms`` or ``investment``
    (:func:`arms_investment_shares` says what each holds).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        ``iso3, partner, year, value`` and ``iso3, year, total``; both empty where the
        warehouse holds no such table.
    """
    table = "arms" if channel == "arms" else "investment"
    if not readers.has_table(con, table):
        return (pd.DataFrame(columns=["iso3", "partner", "year", "value"]),
                pd.DataFrame(columns=["iso3", "year", "total"]))
    if channel == "arms":
        rows = readers.arms_deliveries(con, years, focal)
        dyads = rows[rows["partner"].notna()]
        totals = (rows.groupby(["iso3", "year"], as_index=False)["value"].sum()
                  .rename(columns={"value": "total"}))
    else:
        rows = readers.investment_stock(con, years, focal)
        dyads = rows[rows["partner_kind"] != "aggregate"][["iso3", "partner", "year", "value"]]
        totals = rows[rows["partner"] == "WORLD"][["iso3", "year", "value"]].rename(
            columns={"value": "total"})
    return dyads, totals


def events_shares(membership: pd.DataFrame, years: tuple[int, int],
                  focal: list[str] | None) -> pd.DataFrame:
    """Shares by pole of cooperative events, from the events file a user ingested (not the
    warehouse: :func:`multivector.warehouse.events.cooperation_dyads`)."""
    d = event_store.cooperation_dyads(years, focal)
    if d.empty:
        return empty_shares()
    out = ch.pole_shares(d, membership, "sum")
    # no event with a pole's members in the ingested data is a count of zero, not a gap
    none = out["flag"] == "not reported"
    out.loc[none, "value"] = 0.0
    out.loc[none, "share"] = np.where(out.loc[none, "total"] > 0, 0.0, np.nan)
    out.loc[none, "flag"] = ""
    return out.assign(channel="events")[SHARE_COLUMNS]
