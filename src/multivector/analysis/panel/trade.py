"""The trade channels (``exports``, ``imports``): partner flows from the warehouse's sources,
shares by pole, and the concentration of trade over partners.

Sources: IMF DOTS from 1960 (:data:`DOTS_FIRST_YEAR`), as the focal state reports it with the
partner's mirror figure where its own is missing; COW Trade v4.0 before; the state's national
statistics after its last DOTS year (:func:`trade_flows` says how the series switch).
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from multivector.analysis.panel.frame import SHARE_COLUMNS
from multivector.measures import channels as ch
from multivector.measures import trade as trade_mod
from multivector.measures.concentration import partner_concentration
from multivector.warehouse import readers

DOTS_FIRST_YEAR = 1960


def trade_flows(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                focal: list[str] | None = None, cif_fob: float = trade_mod.CIF_FOB,
                threshold: float = trade_mod.DISCREPANCY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Partner flows (mirror-filled, flagged) and totals of the focal states.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        :func:`multivector.measures.trade.partner_flows` plus a ``source`` column, and
        :func:`multivector.measures.trade.trade_totals` (``iso3, year, flow, total_usd_m,
        total_flag``) plus ``source`` and ``series_break``. DOTS from 1960; COW Trade v4.0 for
        the years before (its dyadic figures are already reconciled from both sides, so no
        mirror rule applies and no flag is set); the state's national statistics
        (``trade_national``) for the years after its last own DOTS report of that flow
        (:func:`national_trade_flows`).

    Notes
    -----
    Series rule: one source per state, flow and year, never mixed inside a year; a series
    switches source only where the earlier source ends, and the first year of the new source
    carries ``series_break`` (``"dots -> kaz_stat"``; empty otherwise) in the totals.
    """
    frames, totals = [], []
    if years[1] >= DOTS_FIRST_YEAR:
        span = (max(years[0], DOTS_FIRST_YEAR), years[1])
        rel = readers.trade_relation(con, span)
        fl = trade_mod.partner_flows(rel, focal, cif_fob, threshold)
        own = rel if focal is None else rel.filter(trade_mod.is_in("reporter", focal))
        tot = trade_mod.trade_totals(own, fl)
        frames.append(fl.assign(source="dots"))
        totals.append(tot.assign(source="dots"))
    if years[0] < DOTS_FIRST_YEAR and readers.has_table(con, "trade_cow"):
        span = (years[0], min(years[1], DOTS_FIRST_YEAR - 1))
        fl, tot = cow_trade_flows(con, span, focal)
        frames.append(fl)
        totals.append(tot)
    if readers.has_table(con, "trade_national"):  # after DOTS ends: national statistics
        nfl, ntot = national_trade_flows(con, years, focal)
        if len(ntot):
            keys = ["iso3", "year", "flow"]
            taken = pd.MultiIndex.from_frame(ntot[keys].astype({"year": "int64"}).drop_duplicates())
            frames = [_drop_years(f, taken, keys) for f in frames]
            totals = [_drop_years(t, taken, keys) for t in totals]
            frames.append(nfl)
            totals.append(ntot)
    if not frames:  # no source covers the years: no rows, not an error
        return (pd.DataFrame(columns=[*trade_mod.FLOW_COLUMNS, "source"]),
                pd.DataFrame(columns=["iso3", "year", "flow", "total_usd_m", "total_flag",
                                      "source", "series_break"]))
    tot = pd.concat(totals, ignore_index=True).sort_values(["iso3", "flow", "year"],
                                                            ignore_index=True)
    prev = tot.groupby(["iso3", "flow"])["source"].shift()
    tot["series_break"] = np.where(prev.notna() & (prev != tot["source"]),
                                   prev.fillna("") + " -> " + tot["source"], "")
    return pd.concat(frames, ignore_index=True), tot



def cached_trade_flows(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                       focal: list[str] | None, cache: dict | None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`trade_flows` of the focal states (all when None), read once per ``cache``: the
    cache the panel's readers share within one request (``_cache``), keyed
    ``("trade", years, focal)``."""
    cache = cache if cache is not None else {}
    key = ("trade", years, tuple(focal) if focal else None)
    if key not in cache:
        cache[key] = trade_flows(con, years, focal)
    return cache[key]


def _drop_years(frame: pd.DataFrame, taken: pd.MultiIndex, keys: list[str]) -> pd.DataFrame:
    """``frame`` without the (iso3, year, flow) in ``taken`` (only those states are looked at)."""
    sub = frame["iso3"].isin(set(taken.get_level_values(0)))
    if not sub.any():
        return frame
    hit = pd.Series(False, index=frame.index)
    hit[sub] = pd.MultiIndex.from_frame(frame.loc[sub, keys].astype({"year": "int64"})).isin(taken)
    return frame[~hit]


def national_trade_flows(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                         focal: list[str] | None = None,
                         after_dots: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flows by partner and totals from national statistics (``trade_national``).

    Parameters
    ----------
    after_dots : bool
        Keep only the years after the state's last own DOTS report of the flow (its ``World``
        row in ``trade``): the series rule of :func:`trade_flows`. False: every year.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        As :func:`trade_flows`. Partners are states only (aggregates, totals and unallocated
        rows are not partners); no mirror figure (partner reports end with DOTS). The total is
        the published total over all partners, or where a publication prints none (Uzbekistan)
        the sum over every row that is not an aggregate (``total_flag`` ``partner sum``);
        ``provisional`` is added to the flag of a provisional year.
    """
    raw = readers.national_trade(con, years, focal)
    if after_dots and len(raw):
        last = readers.dots_last_years(con, focal)
        raw = raw.merge(last, on=["iso3", "flow"], how="left")
        raw = raw[raw["dots_last"].isna() | (raw["year"] > raw["dots_last"])]
    keys = ["iso3", "year", "flow"]
    states = raw[raw["partner_kind"].isin(trade_mod.PARTNER_KINDS)
                 & (raw["partner"] != raw["iso3"])]
    fl = (states.groupby([*keys, "partner", "source"], as_index=False)["value_usd_m"].sum()
          .assign(mirror_usd_m=np.nan, gap=np.nan, flag=""))
    fl["reported_usd_m"] = fl["value_usd_m"]
    published = raw[raw["partner_kind"] == "total"].groupby([*keys, "source"], as_index=False)[
        "value_usd_m"].sum().assign(total_flag="")
    summed = (raw[raw["partner_kind"] != "aggregate"].groupby([*keys, "source"], as_index=False)
              ["value_usd_m"].sum().assign(total_flag="partner sum"))
    summed = summed.merge(published[keys], on=keys, how="left", indicator=True)
    tot = pd.concat([published, summed[summed["_merge"] == "left_only"].drop(columns="_merge")],
                    ignore_index=True).rename(columns={"value_usd_m": "total_usd_m"})
    prov = raw[raw["provisional"]][keys].drop_duplicates().assign(_p=True)
    tot = tot.merge(prov, on=keys, how="left")
    tot["total_flag"] = np.where(tot["_p"].notna(),
                                 (tot["total_flag"] + " provisional").str.strip(),
                                 tot["total_flag"])
    return (fl[[*trade_mod.FLOW_COLUMNS, "source"]].reset_index(drop=True),
            tot[[*keys, "total_usd_m", "total_flag", "source"]])


def partner_trade_table(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                        focal: list[str] | None = None) -> pd.DataFrame:
    """Trade by partner as :func:`trade_flows` gives it, beside the national statistics.

    Returns
    -------
    pandas.DataFrame
        ``iso3, partner, year, flow, source, value_usd_m`` (the series value) and, where each
        exists, ``dots_usd_m`` (the state's own DOTS report), ``national_usd_m`` (its national
        statistics, every year they hold, also those DOTS covers), ``mirror_usd_m``, ``gap``
        (DOTS against mirror), ``national_gap`` = (national - DOTS) / max(national, DOTS), and
        ``flag``.
    """
    flows, _ = trade_flows(con, years, focal)
    flows = flows.astype({"year": "int64"})
    flows["dots_usd_m"] = flows["reported_usd_m"].where(flows["source"] == "dots")
    keys = ["iso3", "partner", "year", "flow"]
    if readers.has_table(con, "trade_national"):
        nat, _ = national_trade_flows(con, years, focal, after_dots=False)
        nat = (nat.astype({"year": "int64"})
               .rename(columns={"value_usd_m": "national_usd_m"})[[*keys, "national_usd_m"]])
        out = flows.merge(nat, on=keys, how="outer")
    else:
        out = flows.assign(national_usd_m=np.nan)
    out["source"] = out["source"].fillna("")  # a national figure outside the series
    big = np.fmax(out["national_usd_m"], out["dots_usd_m"])
    out["national_gap"] = (out["national_usd_m"] - out["dots_usd_m"]) / big.where(big > 0)
    return out[[*keys, "source", "value_usd_m", "dots_usd_m", "national_usd_m",
                "mirror_usd_m", "gap", "national_gap", "flag"]]


def cow_trade_flows(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                    focal: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exports and imports by partner from COW Trade v4.0 (dyadic, directed as imports)."""
    raw = readers.cow_trade(con, years, focal)
    imp = raw.rename(columns={"importer": "iso3", "exporter": "partner"}).assign(flow="imports")
    exp = raw.rename(columns={"exporter": "iso3", "importer": "partner"}).assign(flow="exports")
    fl = pd.concat([imp, exp], ignore_index=True)
    if focal is not None:
        fl = fl[fl["iso3"].isin(focal)]
    fl = fl.assign(reported_usd_m=fl["value_usd_m"], mirror_usd_m=np.nan, gap=np.nan, flag="",
                   source="cow")
    tot = (fl.groupby(["iso3", "year", "flow"], as_index=False)["value_usd_m"].sum()
           .rename(columns={"value_usd_m": "total_usd_m"}))
    tot = tot.assign(total_flag="partner sum", source="cow")
    cols = ["iso3", "partner", "year", "flow", "value_usd_m", "reported_usd_m", "mirror_usd_m",
            "gap", "flag", "source"]
    return fl[cols], tot


def trade_shares(flows: pd.DataFrame, totals: pd.DataFrame, flow: str,
                 membership: pd.DataFrame, prefer: str = "reported") -> pd.DataFrame:
    """Shares of ``flow`` (exports or imports) by pole from :func:`trade_flows`' output.

    Parameters
    ----------
    prefer : {"reported", "partner"}
        ``reported``: the focal state's own figures, the partner's mirror figure only where its
        own is missing (the default). ``partner``: the partner's mirror figure wherever there
        is one; the total moves by the same differences. The two bound what the choice of
        reporter does to the shares (mirror statistics disagree: Hamanaka 2012).
    """
    if prefer not in ("reported", "partner"):
        raise ValueError(f"prefer must be 'reported' or 'partner', not {prefer!r}")
    d = flows[flows["flow"] == flow].rename(columns={"value_usd_m": "value"})
    t = totals[totals["flow"] == flow].rename(columns={"total_usd_m": "total"})
    if prefer == "partner":
        alt = d["mirror_usd_m"].fillna(d["value"])
        diff = (alt - d["value"]).groupby([d["iso3"], d["year"]]).sum().rename("_diff")
        d = d.assign(value=alt, flag=np.where(d["mirror_usd_m"].notna(), "mirror", ""))
        t = t.join(diff, on=["iso3", "year"])
        t["total"] = t["total"] + t["_diff"].fillna(0.0)
    out = ch.pole_shares(d[["iso3", "partner", "year", "value", "flag"]], membership, "sum",
                         t[["iso3", "year", "total"]], flag_col="flag")
    return out.assign(channel=flow)[SHARE_COLUMNS]



def concentration(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                  focal: list[str] | None = None, side: str = "exports",
                  flows: pd.DataFrame | None = None) -> pd.DataFrame:
    """Concentration of the focal states' exports (over buyers) or imports (over suppliers).

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, side, n_partners, total, hhi, hhi_norm, top1_partner, top1_share,
        top3_share, n_cover, mirror_share`` (:func:`multivector.measures.concentration.
        partner_concentration` over partners, mirror-filled flows included;
        ``mirror_share`` is the share of the total that comes from mirror figures).
    """
    if side not in ("exports", "imports"):
        raise ValueError(f"side must be 'exports' or 'imports', not {side!r}")
    if flows is None:
        flows, _ = trade_flows(con, years, focal)
    f = flows[(flows["flow"] == side) & flows["year"].between(*years)]
    if focal is not None:
        f = f[f["iso3"].isin(focal)]
    f = f.assign(side=side, value=f["value_usd_m"])
    out = partner_concentration(f, ["iso3", "year", "side"], "partner", "value")
    mir = (f.assign(m=f["value"].where(f["flag"] == "mirror", 0.0))
           .groupby(["iso3", "year", "side"])["m"].sum())
    out = out.join(mir.rename("_m"), on=["iso3", "year", "side"])
    out["mirror_share"] = out["_m"] / out["total"].where(out["total"] > 0)
    return out.drop(columns="_m").sort_values(["iso3", "year"]).reset_index(drop=True)

