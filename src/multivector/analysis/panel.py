"""State-year panels of every channel, read from the warehouse: the I/O edge of the measures.

Each function reads what one channel needs from the warehouse for a range of years and a set of
focal states (all states when ``focal`` is None), and hands it to the pure functions of
:mod:`multivector.measures`. The unit of analysis is the focal state-year; every channel ends
in the same long frame of shares by pole,
``iso3, channel, pole, year, value, share, total, n_members, flag``.

Channels (``CHANNELS``; definitions in ``docs/methods.md``):

``unga``
    The state's votes on the roll calls of the session opened that year that split the poles,
    credited to the poles that voted alike (:mod:`multivector.measures.splitvotes`; ``total``
    is the number of such votes); with an affinity measure (``agreement``, ``kappa``,
    ``idealpoint_distance``) alignment with each pole turned into an affinity in [0, 1]
    (:func:`multivector.measures.balance.affinity`), shares over the poles only.
``exports``, ``imports``
    IMF DOTS as the focal state reports it, with the partner's mirror figure where the focal
    state's own is missing (1960-2020); COW Trade v4.0 before 1960 (1946-1959); the state's
    national statistics after its last DOTS year where the warehouse holds them (Kazakhstan,
    Uzbekistan, Kyrgyzstan to 2023), the switch marked (:func:`trade_flows`).
``security``
    Strength of the strongest ATOP 5 obligation between the state and each partner, pledged in
    either direction, weighted by :data:`multivector.measures.channels.SECURITY_WEIGHTS` (to
    2018); only state-years with a tie of neutrality or more to a pole.
``igo``
    Intergovernmental organisations both states are full members of, those every pole belongs
    to left out (manyIOs MIGO, to 2010; COW IGO v3 counts to 2014 as an option).
``formats``
    Formats of the maintained table both states belong to (1991 onwards), those every pole
    holds left out, for the states the table is built for (:func:`format_states`).
``events``
    Cooperative events (PLOVER verbal and material cooperation) with each partner, from event
    data a user ingested (``multivector events ingest``); not among the default channels.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
from duckdb import ColumnExpression, ConstantExpression

from multivector.analysis.options import UngaChannel
from multivector.core.poles import PoleSet
from multivector.measures import balance as balance_mod
from multivector.measures import channels as ch
from multivector.measures import trade as trade_mod

SHARE_COLUMNS = ["iso3", "channel", "pole", "year", "value", "share", "total", "n_members",
                 "flag"]
DOTS_FIRST_YEAR = 1960


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                            "table_name = ?", [name]).fetchall()[0][0])


def _focal_clause(focal: list[str] | None, *cols: str) -> tuple[str, list]:
    if focal is None:
        return "", []
    ors = " OR ".join(f"{c} IN (SELECT unnest(?))" for c in cols)
    return f" AND ({ors})", [list(focal)] * len(cols)


def _empty_shares() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("value", "share", "total")
                                      else "object") for c in SHARE_COLUMNS})


# --------------------------------------------------------------------------------------- trade
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
        rel = con.table("trade").filter(ColumnExpression("year").between(
            ConstantExpression(int(span[0])), ConstantExpression(int(span[1]))))
        fl = trade_mod.partner_flows(rel, focal, cif_fob, threshold)
        own = rel if focal is None else rel.filter(trade_mod.is_in("reporter", focal))
        tot = trade_mod.trade_totals(own, fl)
        frames.append(fl.assign(source="dots"))
        totals.append(tot.assign(source="dots"))
    if years[0] < DOTS_FIRST_YEAR and _table_exists(con, "trade_cow"):
        span = (years[0], min(years[1], DOTS_FIRST_YEAR - 1))
        fl, tot = cow_trade_flows(con, span, focal)
        frames.append(fl)
        totals.append(tot)
    if _table_exists(con, "trade_national"):  # after DOTS ends: national statistics
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
    clause, params = _focal_clause(focal, "reporter")
    raw = con.execute(
        "SELECT reporter AS iso3, partner, partner_kind, CAST(year AS INTEGER) AS year, flow, "
        "value_usd_m, provisional, source FROM trade_national WHERE year BETWEEN ? AND ?"
        f"{clause}", [*years, *params]).df()
    if after_dots and len(raw):
        last = con.execute(
            "SELECT reporter AS iso3, flow, max(year) AS dots_last FROM trade WHERE "
            f"partner_label = 'World' AND reporter IS NOT NULL{clause} GROUP BY ALL",
            params).df()
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
    if _table_exists(con, "trade_national"):
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
    clause, params = _focal_clause(focal, "importer", "exporter")
    raw = con.execute("SELECT importer, exporter, year, value_usd_m FROM trade_cow WHERE "
                      f"year BETWEEN ? AND ? AND value_usd_m IS NOT NULL{clause}",
                      [*years, *params]).df()
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


# ------------------------------------------------------------------------------- mean channels
def alliance_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                   focal: list[str] | None = None, source: str = "atop",
                   weights: dict[str, float] | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: the strongest obligation of each dyad-year, pledged in
    either direction (:func:`multivector.measures.channels.undirected_ties`), weighted by
    :data:`multivector.measures.channels.SECURITY_WEIGHTS` unless ``weights`` says otherwise."""
    clause, params = _focal_clause(focal, "iso3_a", "iso3_b")
    raw = con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, defense, offense, "
                      "neutrality, nonaggression, consultation FROM alliances WHERE source = ? "
                      f"AND year BETWEEN ? AND ?{clause}", [source, *years, *params]).df()
    raw["value"] = ch.alliance_strength(raw, weights) if len(raw) else pd.Series(dtype=float)
    out = ch.undirected_ties(raw[["iso3", "partner", "year", "value"]])
    return out if focal is None else out[out["iso3"].isin(focal)].reset_index(drop=True)


def security_units(dyads: pd.DataFrame, membership: pd.DataFrame,
                   weights: dict[str, float] | None = None) -> pd.DataFrame:
    """``iso3, year`` with a security channel: a tie with some pole at least as strong as
    neutrality (and not zero) with at least one of its members.

    Non-aggression and consultation pledges alone bind no conduct in a war; a state whose only
    ties with the poles are of that kind (Israel in ATOP: non-aggression with China, no treaty
    with the United States) would have a channel pointing all to that pole. It has none:
    absent, not a lean.
    """
    w = {**ch.SECURITY_WEIGHTS, **(weights or {})}
    floor = max(w["neutrality"], np.nextafter(0.0, 1.0))
    strong = dyads[dyads["value"] >= floor]
    hit = strong.merge(membership.rename(columns={"iso3": "partner"}), on=["partner", "year"])
    return hit[["iso3", "year"]].drop_duplicates().reset_index(drop=True)


def igo_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
              focal: list[str] | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: IGOs both are full members of (COW IGO v3)."""
    clause, params = _focal_clause(focal, "iso3_a")
    return con.execute("SELECT iso3_a AS iso3, iso3_b AS partner, year, "
                       "CAST(shared_igos AS DOUBLE) AS value FROM igo_dyads WHERE year BETWEEN "
                       f"? AND ? AND shared_igos IS NOT NULL{clause}", [*years, *params]).df()


STATUS_WEIGHT = {"member": 1.0, "participant": 1.0, "associate member": 1.0,
                 "observer": 0.5, "partner": 0.5, "dialogue partner": 0.5,
                 "participation frozen": 0.0}
BLOC_COUNTERPARTS = {"EU-C5": "EU"}  # formats whose counterpart is a bloc, not its members


def informal_igo_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                       focal: list[str] | None = None,
                       membership: pd.DataFrame | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: IGOs both are full members of (manyIOs MIGO, Roger &
    Rowan's 244 organisations, 1925-2010), counted organisation by organisation.

    With ``membership`` (the poles), an organisation every pole belongs to that year is left
    out (:func:`multivector.measures.channels.universal_orgs`): it is shared with all poles
    alike and says nothing about which one a state leans to.
    """
    clause, params = _focal_clause(focal, "a.iso3")
    full = con.execute("SELECT igo, iso3, year FROM igo_membership WHERE source = 'migo' AND "
                       "status = 'full' AND year BETWEEN ? AND ?", list(years)).df()
    drop = (ch.universal_orgs(full, membership) if membership is not None
            else pd.DataFrame({"igo": pd.Series(dtype=object), "year": pd.Series(dtype=int)}))
    con.register("_universal", drop)
    try:
        return con.execute(
            "SELECT a.iso3, b.iso3 AS partner, a.year, CAST(count(*) AS DOUBLE) AS value "
            "FROM igo_membership a JOIN igo_membership b ON a.igo = b.igo AND a.year = b.year "
            "AND a.source = b.source WHERE a.source = 'migo' AND a.status = 'full' AND "
            "b.status = 'full' AND a.iso3 <> b.iso3 AND a.year BETWEEN ? AND ? AND NOT EXISTS "
            "(SELECT 1 FROM _universal u WHERE u.igo = a.igo AND u.year = a.year)"
            f"{clause} GROUP BY ALL", [*years, *params]).df()
    finally:
        con.unregister("_universal")


FORMAT_CORE_KIND = "treaty organisation"  # CIS, CSTO, EAEU, SCO, OTS in the packaged table


def format_states(table: pd.DataFrame | None = None) -> list[str]:
    """The states the formats channel is defined for.

    The maintained table lists the formats of post-Soviet Eurasia and its neighbours: the
    regional treaty organisations (CIS, CSTO, EAEU, SCO, OTS), the Central Asia + 1 dialogues
    and two wider groupings (CICA, BRICS). It says where a state of that region stands; for any
    other state it can only record BRICS or CICA (which hold China and Russia) or a Central Asia
    dialogue it hosts, so every such state's channel would point to China or Russia whatever
    its alignment. The channel therefore exists only for states that held full status (member,
    participant or associate member) in one of the table's treaty organisations in any year;
    for the others it is absent, not zero.
    """
    from multivector.sources import formats as formats_mod

    t = formats_mod.load_formats() if table is None else table
    full = {k for k, w in STATUS_WEIGHT.items() if w >= 1.0}
    core = t[(t["kind"] == FORMAT_CORE_KIND) & t["status"].isin(full)]
    return sorted(set(core["iso3"]))


def format_dyads(membership: pd.DataFrame, focal: list[str] | None = None,
                 poles: pd.DataFrame | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: formats of the maintained table both belong to.

    A format both hold full status in (member, participant, associate member) counts 1; one in
    which either is an observer or partner counts 0.5; frozen participation counts 0. A format
    whose counterpart is a bloc (EU-Central Asia: the European Union itself) is shared with the
    bloc's members of that year. With ``poles`` (``pole, iso3, year``), a format every pole
    holds full status in that year is left out
    (:func:`multivector.measures.channels.universal_orgs`).

    Parameters
    ----------
    membership : pandas.DataFrame
        ``format, iso3, year, status`` (:func:`multivector.sources.formats.membership`).
    """
    from multivector.core.poles import bloc_members

    m = membership[["format", "iso3", "year", "status"]].drop_duplicates()
    extra = []
    for fmt, bloc in BLOC_COUNTERPARTS.items():
        for y in sorted(m.loc[m["format"] == fmt, "year"].unique()):
            extra.append(pd.DataFrame({"format": fmt, "iso3": bloc_members(bloc, int(y)),
                                       "year": y, "status": "participant"}))
    if extra:
        m = pd.concat([m, *extra], ignore_index=True).drop_duplicates(["format", "iso3",
                                                                       "year"])
    m = m.assign(w=m["status"].map(STATUS_WEIGHT).fillna(0.0))
    if poles is not None:
        drop = ch.universal_orgs(m[m["w"] >= 1.0], poles, "format")
        m = m.merge(drop.assign(_u=True), on=["format", "year"], how="left")
        m = m[m["_u"].isna()].drop(columns="_u")
    left = m if focal is None else m[m["iso3"].isin(focal)]
    pairs = left.merge(m.rename(columns={"iso3": "partner"}), on=["format", "year"],
                       suffixes=("", "_p"))
    pairs = pairs[pairs["iso3"] != pairs["partner"]]
    pairs = pairs.assign(value=np.minimum(pairs["w"], pairs["w_p"]))
    out = pairs.groupby(["iso3", "partner", "year"], as_index=False)["value"].sum()
    return out[out["value"] > 0].reset_index(drop=True)


def absent_reason(channel: str, iso3: str) -> str:
    """Why a channel can be absent for a state (empty when no rule leaves it out)."""
    if channel == "formats" and iso3 not in format_states():
        return ("; the formats channel exists only for the states the formats table is built "
                f"for (full status in one of its treaty organisations: "
                f"{', '.join(format_states())}); for others it is absent, not zero")
    if channel == "security":
        return ("; a state-year has a security channel only with an ATOP tie of neutrality or "
                "more to a member of some pole (ATOP ends in 2018)")
    if channel == "igo":
        return "; the default IGO source (manyIOs MIGO) ends in 2010"
    return ""


def mean_shares(dyads: pd.DataFrame, membership: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Shares by pole of a ``mean`` channel (a bloc counts as one partner)."""
    if dyads.empty:
        return _empty_shares()
    out = ch.pole_shares(dyads, membership, "mean")
    return out.assign(channel=channel)[SHARE_COLUMNS]


# ---------------------------------------------------------------------------------------- unga
def session_range(years: tuple[int, int]) -> tuple[int, int]:
    """The General Assembly sessions opened in ``years`` (session 1 opened in 1946)."""
    return years[0] - 1945, years[1] - 1945


def load_rollcalls(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                   by: str = "session") -> pd.DataFrame:
    """Roll calls of the sessions opened in ``years`` (or voted in them, ``by="year"``)."""
    if by == "session":
        return con.execute("SELECT * FROM unga_rollcalls WHERE session BETWEEN ? AND ?",
                           list(session_range(years))).df()
    return con.execute("SELECT * FROM unga_rollcalls WHERE year BETWEEN ? AND ?",
                       list(years)).df()


def load_votes(con: duckdb.DuckDBPyConnection, rcids: pd.Series,
               iso3s: list[str] | None = None) -> pd.DataFrame:
    """Votes on the given roll calls, of the given states (all when None)."""
    con.register("_rcids", pd.DataFrame({"rcid": pd.Series(rcids, dtype="int32")}))
    try:
        if iso3s is None:
            return con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v "
                               "SEMI JOIN _rcids USING (rcid)").df()
        return con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v SEMI JOIN _rcids "
                           "USING (rcid) WHERE v.iso3 IN (SELECT unnest(?))", [iso3s]).df()
    finally:
        con.unregister("_rcids")


def unga_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
               options: UngaChannel | None = None) -> pd.DataFrame:
    """The chosen UNGA measure for every pair of states and session opened in ``years``.

    Returns ``iso3, partner, year, value, n_votes`` with both orders of every pair and
    ``year`` the year the session opened.
    """
    from multivector.measures import similarity

    o = options or UngaChannel()
    rc = similarity.subset_rollcalls(load_rollcalls(con, years), o.issue, o.important_only,
                                     o.amendments, o.paragraphs)
    votes = load_votes(con, rc["rcid"])
    d = similarity.all_dyads(votes, rc, [o.measure])
    d = d.assign(year=d["session"].astype(int) + 1945)
    a = d.rename(columns={"iso3_a": "iso3", "iso3_b": "partner"})
    b = d.rename(columns={"iso3_b": "iso3", "iso3_a": "partner"})
    return pd.concat([a, b], ignore_index=True)[["iso3", "partner", "year", "value", "n_votes"]]


def unga_split_shares(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                      membership: pd.DataFrame, options: UngaChannel | None = None,
                      focal: list[str] | None = None) -> pd.DataFrame:
    """UNGA shares by pole counted on the roll calls that split the poles
    (:func:`multivector.measures.splitvotes.split_vote_shares`); ``total`` is the number of
    split roll calls the state voted on in the session opened that year."""
    from multivector.measures import similarity, splitvotes

    o = options or UngaChannel()
    rc = similarity.subset_rollcalls(load_rollcalls(con, years), o.issue, o.important_only,
                                     o.amendments, o.paragraphs)
    if rc.empty:
        return _empty_shares()
    rc = rc.assign(year=rc["session"].astype(int) + 1945)
    states = None if focal is None else sorted({*focal, *membership["iso3"]})
    votes = load_votes(con, rc["rcid"], states)
    out = splitvotes.split_vote_shares(votes, rc[["rcid", "year"]], membership, focal)
    if out.empty:
        return _empty_shares()
    return out.assign(channel="unga")[SHARE_COLUMNS]


def idealpoint_dyad_distance(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                             focal: list[str] | None = None) -> tuple[pd.DataFrame, float]:
    """Ideal-point distance for every pair (focal x all) per session, and the scale (sd)."""
    from multivector.warehouse import idealpoints as idealpoint_store

    pts = idealpoint_store.load(con, "default")
    scale = float(pts["theta"].std())
    pts = pts[pts["session"].between(*session_range(years))]
    pts = pts.assign(year=pts["session"].astype(int) + 1945)[["iso3", "year", "theta"]]
    left = pts if focal is None else pts[pts["iso3"].isin(focal)]
    m = left.merge(pts.rename(columns={"iso3": "partner", "theta": "theta_p"}), on="year")
    m = m[m["iso3"] != m["partner"]]
    m = m.assign(value=(m["theta"] - m["theta_p"]).abs(), n_votes=np.nan)
    return m[["iso3", "partner", "year", "value", "n_votes"]], scale


def unga_shares(dyads: pd.DataFrame, membership: pd.DataFrame, measure: str,
                scale: float = 1.0, focal: list[str] | None = None) -> pd.DataFrame:
    """Affinity with each pole and its share over the poles (no rest of the world).

    A bloc's value is the mean of the measure over its members (the focal state left out), as
    in :func:`multivector.measures.alignment.pole_alignment`; the affinity is
    :func:`multivector.measures.balance.affinity` of that value.
    """
    d = dyads if focal is None else dyads[dyads["iso3"].isin(focal)]
    if d.empty:
        return _empty_shares()
    m = d.merge(membership.rename(columns={"iso3": "partner"}), on=["partner", "year"])
    g = (m.groupby(["iso3", "pole", "year"], as_index=False)
         .agg(raw=("value", "mean"), n_members=("partner", "nunique")))
    g["value"] = balance_mod.affinity(g["raw"], measure, scale).to_numpy()
    focal_years = d[["iso3", "year"]].drop_duplicates()
    poles = list(dict.fromkeys(membership["pole"]))
    grid = focal_years.merge(pd.DataFrame({"pole": poles}), how="cross")
    out = grid.merge(g, on=["iso3", "pole", "year"], how="left")
    # a pole that is the focal state itself has no affinity
    own = ch.self_poles(focal_years, membership)
    out = out.merge(own.assign(_self=True), on=["iso3", "year", "pole"], how="left")
    out["flag"] = np.where(out["_self"].eq(True), "self",
                           np.where(out["value"].isna(), "no joint votes", ""))
    out.loc[out["flag"] == "self", "value"] = np.nan
    out["total"] = out.groupby(["iso3", "year"])["value"].transform("sum")
    out["share"] = out["value"] / out["total"].where(out["total"] > 0)
    out["n_members"] = out["n_members"].fillna(0).astype(int)
    out["channel"] = "unga"
    order = {p: i for i, p in enumerate(poles)}
    out = out.assign(_o=out["pole"].map(order)).sort_values(["iso3", "year", "_o"])
    return out[SHARE_COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------------------------ together
CHANNELS = ("unga", "exports", "imports", "security", "igo", "formats")
EXTRA_CHANNELS = ("arms", "investment")  # issue 13: by request, not in the default set


def channel_shares(con: duckdb.DuckDBPyConnection, channel: str, pole_set: PoleSet,
                   years: tuple[int, int], focal: list[str] | None = None,
                   unga: UngaChannel | None = None, alliance_source: str = "atop",
                   formats_membership: pd.DataFrame | None = None,
                   igo_source: str = "manyios",
                   security_weights: dict[str, float] | None = None,
                   _cache: dict | None = None) -> pd.DataFrame:
    """Shares by pole of one channel for the focal states (all when None) and years.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Warehouse connection.
    channel : str
        One of :data:`CHANNELS`.
    pole_set : PoleSet
        The poles.
    years : (int, int)
        Inclusive year range.
    focal : list of str, optional
        Focal states; every state when None.
    unga : UngaChannel, optional
        The UNGA measure and vote subset.
    alliance_source : {"atop", "cow"}
        Alliance dataset for the security channel.
    igo_source : {"manyios", "cow"}
        IGO data for the igo channel: manyIOs MIGO (the default: organisation by organisation,
        those every pole belongs to left out, to 2010) or COW IGO v3 (counts of shared full
        memberships to 2014: the mirror holds no organisation-level COW file, so universal
        organisations cannot be left out and the shares are near-equal).
    security_weights : dict, optional
        Weight per ATOP obligation (default
        :data:`multivector.measures.channels.SECURITY_WEIGHTS`).
    formats_membership : pandas.DataFrame, optional
        ``format, iso3, year`` for the formats channel (default: the packaged table). The
        channel exists only for :func:`format_states`.

    Returns
    -------
    pandas.DataFrame
        :data:`SHARE_COLUMNS`; empty when the channel has no data in ``years``.
    """
    membership = pole_set.membership(range(years[0], years[1] + 1))
    cache = _cache if _cache is not None else {}
    if channel in ("exports", "imports"):
        key = ("trade", years, tuple(focal) if focal else None)
        if key not in cache:
            cache[key] = trade_flows(con, years, focal)
        flows, totals = cache[key]
        return trade_shares(flows, totals, channel, membership)
    fkey = tuple(focal) if focal else None
    if channel == "security":
        if not _table_exists(con, "alliances"):
            return _empty_shares()
        wkey = tuple(sorted({**ch.SECURITY_WEIGHTS, **(security_weights or {})}.items()))
        key = ("security", years, fkey, alliance_source, wkey)
        if key not in cache:
            cache[key] = alliance_dyads(con, years, focal, alliance_source, security_weights)
        out = mean_shares(cache[key], membership, channel)
        return out.merge(security_units(cache[key], membership, security_weights),
                         on=["iso3", "year"])[SHARE_COLUMNS]
    if channel == "igo":
        table = "igo_dyads" if igo_source == "cow" else "igo_membership"
        if igo_source not in ("cow", "manyios"):
            raise ValueError(f"igo_source must be 'cow' or 'manyios', not {igo_source!r}")
        if not _table_exists(con, table):
            return _empty_shares()
        key = ("igo", years, fkey, igo_source, pole_set)
        if key not in cache:
            cache[key] = (igo_dyads(con, years, focal) if igo_source == "cow"
                          else informal_igo_dyads(con, years, focal, membership))
        return mean_shares(cache[key], membership, channel)
    if channel == "formats":
        if formats_membership is None:
            from multivector.sources import formats

            formats_membership = formats.membership(range(years[0], years[1] + 1))
        covered = format_states()
        ffocal = covered if focal is None else [f for f in focal if f in covered]
        if not ffocal:
            return _empty_shares()
        out = mean_shares(format_dyads(formats_membership, ffocal, membership), membership,
                          channel)
        return out[out["iso3"].isin(covered)].reset_index(drop=True)
    if channel == "unga":
        o = unga or UngaChannel()
        if o.measure == "split":
            key = ("unga_split", years, o, pole_set, fkey)
            if key not in cache:
                cache[key] = unga_split_shares(con, years, membership, o, focal)
            return cache[key]
        if o.measure == "idealpoint_distance":
            d, sd = idealpoint_dyad_distance(con, years, focal)
            return unga_shares(d, membership, o.measure, o.idealpoint_scale or sd, focal)
        key = ("unga", years, o)  # every pair of states: the same for any focal state
        if key not in cache:
            cache[key] = unga_dyads(con, years, o)
        return unga_shares(cache[key], membership, o.measure, 1.0, focal)
    if channel == "events":  # user-ingested event data, in the events file (not the warehouse)
        from multivector.warehouse import events as store

        d = store.cooperation_dyads(years, focal)
        if d.empty:
            return _empty_shares()
        out = ch.pole_shares(d, membership, "sum")
        # no event with a pole's members in the ingested data is a count of zero, not a gap
        none = out["flag"] == "not reported"
        out.loc[none, "value"] = 0.0
        out.loc[none, "share"] = np.where(out.loc[none, "total"] > 0, 0.0, np.nan)
        out.loc[none, "flag"] = ""
        return out.assign(channel="events")[SHARE_COLUMNS]
    if channel in EXTRA_CHANNELS:
        return _issue13_shares(con, channel, membership, years, focal)
    raise ValueError(f"unknown channel {channel!r}; one of "
                     f"{', '.join((*CHANNELS, *EXTRA_CHANNELS))}")


# --- issue 13: arms imports (SIPRI TIV) and inward FDI stock (wiiw, Kazakhstan) by pole --------
def _issue13_shares(con: duckdb.DuckDBPyConnection, channel: str, membership: pd.DataFrame,
                    years: tuple[int, int], focal: list[str] | None) -> pd.DataFrame:
    """Shares by pole of the ``sum`` channels ``arms`` and ``investment``.

    ``arms``: the TIV delivered to each focal state by each supplier (SIPRI), the total over
    every supplier including unknown ones, non-state actors and organisations (they count in
    the rest of the world). ``investment``: the inward FDI stock by partner (wiiw), the total
    being wiiw's ``WORLD`` row; bloc rows (EU27...) are not partners, their members are.
    A focal state without rows (every state but Kazakhstan for investment) gets no rows. SIPRI's
    register lists every delivery, so a pole none of whose members delivered anything has 0
    (not the flag ``not reported`` that a trade return without the partner gets).
    """
    table = "arms" if channel == "arms" else "investment"
    if not _table_exists(con, table):
        return _empty_shares()
    params: list = list(years)
    focal_sql = ""
    if focal:
        col = "recipient" if channel == "arms" else "iso3"  # a fixed identifier, not input
        focal_sql = f" AND {col} IN (SELECT unnest(?))"
        params.append(list(focal))
    if channel == "arms":
        rows = con.execute(
            "SELECT recipient AS iso3, supplier AS partner, year, sum(tiv) AS value FROM arms "
            "WHERE year BETWEEN ? AND ? AND recipient IS NOT NULL" + focal_sql +
            " GROUP BY ALL", params).df()
        dyads = rows[rows["partner"].notna()]
        totals = (rows.groupby(["iso3", "year"], as_index=False)["value"].sum()
                  .rename(columns={"value": "total"}))
    else:
        rows = con.execute(
            "SELECT iso3, partner, partner_kind, year, value_eur_m AS value FROM investment "
            "WHERE measure = 'stock' AND value_eur_m IS NOT NULL AND year BETWEEN ? AND ?"
            + focal_sql, params).df()
        dyads = rows[rows["partner_kind"] != "aggregate"][["iso3", "partner", "year", "value"]]
        totals = rows[rows["partner"] == "WORLD"][["iso3", "year", "value"]].rename(
            columns={"value": "total"})
    if dyads.empty or totals.empty:
        return _empty_shares()
    out = ch.pole_shares(dyads, membership, "sum", totals)
    if channel == "arms":  # the register lists every delivery: no supplier row is none, not
        none = out["flag"] == "not reported"  # an unreported flow
        out.loc[none, ["value", "share"]] = 0.0
        out.loc[none, "flag"] = ""
    return out.assign(channel=channel)[SHARE_COLUMNS]


def all_shares(con: duckdb.DuckDBPyConnection, pole_set: PoleSet, years: tuple[int, int],
               focal: list[str] | None = None, channels: tuple[str, ...] = CHANNELS,
               unga: UngaChannel | None = None, progress: bool = False,
               _cache: dict | None = None) -> pd.DataFrame:
    """:func:`channel_shares` of every channel, stacked.

    ``_cache`` (a dict) keeps what the channels read (trade flows, UNGA dyads, alliance and
    IGO dyads) for the caller to reuse: the trade flows of ``focal`` under
    ``("trade", years, tuple(focal))``.
    """
    cache: dict = {} if _cache is None else _cache
    frames = []
    it = channels
    if progress:
        from rich.progress import track

        it = track(channels, description="channels", transient=True)
    for c in it:
        frames.append(channel_shares(con, c, pole_set, years, focal, unga, _cache=cache))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else _empty_shares()


# ------------------------------------------------------------------------------- concentration
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
    from multivector.measures.concentration import partner_concentration

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


# ------------------------------------------------------------------------------------ minerals
def mineral_production(con: duckdb.DuckDBPyConnection, years: tuple[int, int]
                       ) -> pd.DataFrame:
    """Production of every state, mineral and year with the world total, share and rank.

    The world total is the source's ``World`` row where it publishes one, else the sum over
    states (``world_basis`` says which). Rank 1 is the largest producer that year.

    Returns
    -------
    pandas.DataFrame
        ``iso3, mineral, year, value, unit, source, world, world_basis, share, rank,
        n_producers``.
    """
    if not _table_exists(con, "minerals"):
        return pd.DataFrame(columns=["iso3", "mineral", "year", "value", "unit", "source",
                                     "world", "world_basis", "share", "rank", "n_producers"])
    raw = con.execute("SELECT iso3, entity, kind, year, mineral, value, unit, source FROM "
                      "minerals WHERE year BETWEEN ? AND ? AND value IS NOT NULL",
                      list(years)).df()
    from multivector.measures.minerals import production_shares

    return production_shares(raw)


def mineral_pole_shares(production: pd.DataFrame, membership: pd.DataFrame,
                        focal: list[str] | None = None) -> pd.DataFrame:
    """World production of each mineral the focal state produces, by pole and the focal state.

    Rows per focal state, mineral and year: the focal state itself (``pole`` = its ISO3,
    flag ``focal``), every pole (members' production summed; the focal state left out of a
    bloc it belongs to) and the rest of the world; ``share`` is of world production and sums
    to one over the rows. Only minerals the focal state produced that year.
    """
    from multivector.measures.minerals import pole_production

    return pole_production(production, membership, focal)


# ---------------------------------------------------------------------------------------- power
REACH_SHARE = 0.01  # a state counts another among its trade dependants at 1% of its trade
BREADTH_MEASURE, BREADTH_THRESHOLD = "kappa", 0.5  # a voting partner: Cohen's kappa >= 0.5
BREADTH_MIN_VOTES = 20  # ... on at least 20 joint votes


def _indicator(con: duckdb.DuckDBPyConnection, code: str, years: tuple[int, int]
               ) -> pd.DataFrame:
    return con.execute("SELECT iso3, code, kind, year, value FROM indicators WHERE indicator = ? "
                       "AND year BETWEEN ? AND ? AND value IS NOT NULL",
                       [code, *years]).df()


def _share_of_world(con: duckdb.DuckDBPyConnection, code: str, years: tuple[int, int],
                    component: str) -> pd.DataFrame:
    d = _indicator(con, code, years)
    world = d[d["code"] == "WLD"].set_index("year")["value"]
    s = d[d["kind"] == "state"].copy()
    s["value"] = s["value"] / s["year"].map(world)
    return s.assign(component=component, source="wdi", derived=False)[
        ["iso3", "year", "component", "value", "source", "derived"]].dropna(subset=["value"])


def _trade_share(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """Share of world merchandise trade, exports plus imports (WDI, current US$)."""
    x = _indicator(con, "tx.val.mrch.cd.wt", years)
    m = _indicator(con, "tm.val.mrch.cd.wt", years)
    t = x.merge(m[["iso3", "code", "year", "value"]], on=["iso3", "code", "year"],
                suffixes=("_x", "_m"))
    t["value"] = t["value_x"] + t["value_m"]
    world = t[t["code"] == "WLD"].set_index("year")["value"]
    s = t[t["kind"] == "state"].copy()
    s["value"] = s["value"] / s["year"].map(world)
    return s.assign(component="trade_share", source="wdi", derived=False)[
        ["iso3", "year", "component", "value", "source", "derived"]].dropna(subset=["value"])


def milex_series(con: duckdb.DuckDBPyConnection, years: tuple[int, int]) -> pd.DataFrame:
    """Military expenditure per state-year: SIPRI, then WDI-derived where SIPRI stops.

    SIPRI's series is the 2025 workbook (``source = 'sipri2025'``, constant 2023 US$, to 2024)
    where the warehouse holds it, else the OWID vintage (``'sipri'``, constant 2019 US$, to
    2020); the two are never mixed, so within a year every state has the same basis, which is
    what the index needs (it scales by the year's maximum). For years after SIPRI's last, the
    value is WDI military expenditure in % of GDP times GDP in current US$, labelled
    ``derived``.

    Returns ``iso3, year, value, basis, source, derived``.
    """
    frames = []
    last_sipri = None
    if _table_exists(con, "milex"):
        row = con.execute("SELECT source FROM milex WHERE source IN ('sipri2025', 'sipri') "
                          "AND milex_usd IS NOT NULL ORDER BY source = 'sipri2025' DESC "
                          "LIMIT 1").fetchone()
        vintage = row[0] if row else "sipri"
        s = con.execute("SELECT iso3, year, milex_usd AS value, basis FROM milex WHERE source = "
                        "? AND kind = 'state' AND year BETWEEN ? AND ? AND milex_usd IS "
                        "NOT NULL AND iso3 IS NOT NULL", [vintage, *years]).df()
        if len(s):
            last_sipri = int(s["year"].max())
            frames.append(s.assign(source=vintage, derived=False))
    start = years[0] if last_sipri is None else last_sipri + 1
    if start <= years[1]:
        pct = _indicator(con, "ms.mil.xpnd.gd.zs", (start, years[1]))
        gdp = _indicator(con, "ny.gdp.mktp.cd", (start, years[1]))
        m = pct[pct["kind"] == "state"].merge(gdp[["iso3", "year", "value"]],
                                              on=["iso3", "year"], suffixes=("_pct", "_gdp"))
        m["value"] = m["value_pct"] / 100 * m["value_gdp"]
        frames.append(m[["iso3", "year", "value"]].assign(
            basis="current US$ (WDI % of GDP x GDP)", source="wdi", derived=True))
    if not frames:
        return pd.DataFrame(columns=["iso3", "year", "value", "basis", "source", "derived"])
    return pd.concat(frames, ignore_index=True)


def power_components(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                     flows: pd.DataFrame | None = None,
                     unga_pairs: pd.DataFrame | None = None) -> pd.DataFrame:
    """Raw components of the middle-power index for every state and year.

    Position: ``gdp`` and ``population`` (shares of the world, WDI), ``milex``
    (:func:`milex_series`), ``cinc`` (COW NMC). Reach: ``trade_share`` (share of world
    merchandise exports plus imports, WDI), ``igo`` (full IGO memberships, COW IGO),
    ``allies`` (states with an ATOP obligation), ``trade_reach`` (states for which this state
    is at least 1% of their total trade, IMF DOTS, mirror-filled), ``vote_breadth`` (states
    whose chance-corrected agreement with it, Cohen's kappa, is at least 0.5 on at least 20
    joint votes in the session opened that year: raw agreement would count every state that
    votes yes with the assembly's majority, which measures membership of the majority, not
    reach; Häge 2011).

    Count components (``allies``, ``trade_reach``) are zero, not missing, for a state with
    none in a year the source covers.

    Returns
    -------
    pandas.DataFrame
        ``iso3, year, component, value, source, derived``.
    """
    cols = ["iso3", "year", "component", "value", "source", "derived"]
    frames = [_share_of_world(con, "ny.gdp.mktp.cd", years, "gdp"),
              _share_of_world(con, "sp.pop.totl", years, "population")]
    mx = milex_series(con, years)
    frames.append(mx.assign(component="milex")[cols])
    frames.append(_trade_share(con, years))
    nmc = con.execute("SELECT iso3, year, cinc AS value FROM cow_nmc WHERE \"primary\" AND "
                      "year BETWEEN ? AND ? AND cinc IS NOT NULL", list(years)).df()
    frames.append(nmc.assign(component="cinc", source="cow_nmc", derived=False)[cols])
    if _table_exists(con, "igo_states"):
        igo = con.execute("SELECT iso3, year, CAST(full_igos AS DOUBLE) AS value FROM "
                          "igo_states WHERE year BETWEEN ? AND ? AND full_igos IS NOT NULL",
                          list(years)).df()
        frames.append(igo.assign(component="igo", source="cow_igo", derived=False)[cols])
    if _table_exists(con, "alliances"):
        al = con.execute("SELECT iso3_a AS iso3, year, CAST(count(DISTINCT iso3_b) AS DOUBLE) "
                         "AS value FROM alliances WHERE source = 'atop' AND year BETWEEN ? AND "
                         "? AND greatest(defense, offense, neutrality, nonaggression, "
                         "consultation) > 0 GROUP BY ALL", list(years)).df()
        frames.append(al.assign(component="allies", source="atop", derived=False)[cols])
    if years[1] >= DOTS_FIRST_YEAR:
        if flows is None:
            flows, _ = trade_flows(con, (max(years[0], DOTS_FIRST_YEAR), years[1]))
        f = flows[flows["source"] == "dots"] if "source" in flows else flows
        tot = f.groupby(["iso3", "partner", "year"], as_index=False)["value_usd_m"].sum()
        tot["share"] = tot["value_usd_m"] / tot.groupby(["iso3", "year"])[
            "value_usd_m"].transform("sum")
        reach = (tot[tot["share"] >= REACH_SHARE].groupby(["partner", "year"]).size()
                 .rename("value").reset_index().rename(columns={"partner": "iso3"}))
        reach["value"] = reach["value"].astype(float)
        frames.append(reach.assign(component="trade_reach", source="dots", derived=False)[cols])
    if unga_pairs is None:
        unga_pairs = unga_dyads(con, years, UngaChannel(measure=BREADTH_MEASURE))
    enough = unga_pairs[unga_pairs["n_votes"] >= BREADTH_MIN_VOTES]
    br = (enough[enough["value"] >= BREADTH_THRESHOLD].groupby(["iso3", "year"]).size()
          .rename("value").reset_index())
    members = enough[["iso3", "year"]].drop_duplicates()
    br = members.merge(br, on=["iso3", "year"], how="left").fillna({"value": 0})
    br["value"] = br["value"].astype(float)
    frames.append(br.assign(component="vote_breadth", source="unga", derived=False)[cols])
    frames = [f_ for f_ in frames if len(f_)]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    states = set(con.execute("SELECT iso3 FROM states WHERE kind = 'state'").df()["iso3"])
    out = out[out["iso3"].isin(states)]
    # zero, not missing: a state without allies or trade dependants in a year the source covers
    present = out[out["component"].isin(["gdp", "population", "cinc"])][["iso3", "year"]]
    present = present.drop_duplicates()
    fills = []
    for comp in ("allies", "trade_reach"):
        have = out[out["component"] == comp]
        if have.empty:
            continue
        yrs = set(have["year"])
        grid = present[present["year"].isin(yrs)].merge(have[["iso3", "year"]],
                                                        on=["iso3", "year"], how="left",
                                                        indicator=True)
        grid = grid[grid["_merge"] == "left_only"][["iso3", "year"]]
        fills.append(grid.assign(component=comp, value=0.0, source=have["source"].iloc[0],
                                 derived=False))
    if fills:
        out = pd.concat([out, *fills], ignore_index=True)
    return out.sort_values(["year", "iso3", "component"]).reset_index(drop=True)
