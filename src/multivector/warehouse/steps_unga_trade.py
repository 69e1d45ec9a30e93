"""The build's first steps: UNGA votes, WDI indicators, trade (IMF DOTS, national statistics,
Eurostat) and COW national material capabilities.

Each step takes the :class:`~multivector.warehouse.step_context.BuildContext`, writes its
tables (listed in :mod:`multivector.warehouse.builder`) and returns its ``meta`` keys.
"""

from __future__ import annotations

import os

import pandas as pd

from multivector.core import states
from multivector.sources import cow, dots, eurostat, national_trade, unga, unga_reconcile, wdi
from multivector.warehouse.step_context import BuildContext, by_name, last_year

UNGA_SOURCES = ("unga_long", "unga_pkg", "unga_wide")
UNGA_PKG_TABLES = ("un_votes", "un_roll_calls", "un_roll_call_issues")


def unga_step(ctx: BuildContext) -> dict[str, str]:
    """``unga_rollcalls``, ``unga_votes``, ``unga_rollcalls_excluded``, ``unga_form_agreement``
    from the three published forms (:mod:`multivector.sources.unga_reconcile`)."""
    ctx.say("verifying UNGA files")
    files = {n: ctx.files(n) for n in UNGA_SOURCES}
    ctx.steps.advance()
    ctx.say("parsing UNGA votes (3 forms)")
    forms = unga.read_forms(
        by_name(files["unga_long"], "UNVotesPublished.RData"),
        {n: by_name(files["unga_pkg"], f"{n}.rda") for n in UNGA_PKG_TABLES},
        by_name(files["unga_wide"], "ungaVoting_003.csv"))
    tables = unga_reconcile.reconcile(forms)
    rollcalls = tables.rollcalls
    ctx.table("unga_rollcalls", rollcalls)
    ctx.table("unga_votes", tables.votes)
    ctx.table("unga_rollcalls_excluded", tables.excluded)
    ctx.table("unga_form_agreement", unga_reconcile.form_agreement(forms))
    rows_by_file = {
        "UNVotesPublished.RData": len(forms.long_votes),
        "un_votes.rda": len(forms.pkg_votes),
        "un_roll_calls.rda": len(forms.pkg_rollcalls),
        "ungaVoting_003.csv": len(forms.wide_rollcalls),
    }
    for name, fl in files.items():
        for f, _ in fl:
            ctx.prov(name, f, rows_by_file.get(f.name))
    ctx.done("unga")
    return {"unga_last_date": str(rollcalls["date"].max()),
            "unga_last_session": str(int(rollcalls["session"].max()))}


def indicator_table(raw: pd.DataFrame, log: states.UnmappedLog) -> pd.DataFrame:
    """WDI values with the ISO3 code and kind of each economy (aggregates kept, flagged)."""
    resolved = states.resolve_names(raw["code"], "wb", by="ISO3").set_index("label")
    out = raw.copy()
    out["iso3"] = out["code"].map(resolved["iso3"])
    out["kind"] = out["code"].map(resolved["kind"])
    miss = out["kind"] == "unmapped"
    if miss.any():
        log.add("wdi", out.loc[miss, "code"] + " (" + out.loc[miss, "name"] + ")")
    out["source"] = "wdi"
    return out[["code", "iso3", "kind", "year", "indicator", "value", "source"]]


def wdi_step(ctx: BuildContext) -> dict[str, str]:
    """``indicators`` and ``indicator_meta`` from every WDI vintage."""
    ctx.say("parsing WDI indicators")
    values, meta, prov = wdi.read_vintages(ctx.files("wdi"))
    ctx.provenance.extend(("wdi", *row) for row in prov)
    ctx.table("indicators", indicator_table(values, ctx.log))
    ctx.table("indicator_meta", meta)
    ctx.done("wdi")
    return {"wdi_last_year": last_year(values)}


def dedupe_trade(raw: pd.DataFrame) -> pd.DataFrame:
    """One value per reporter, partner, year and flow.

    The published workbooks repeat some rows (Australia appears twice in every workbook;
    DOTS_143 and DOTS_144 are both Nicaragua's), always with the same values. A user's newer
    workbook (``MULTIVECTOR_EXTRA_REGISTRY``, read after the pinned ones) replaces the values of
    an older one: the last file wins.
    """
    return raw.drop_duplicates(["reporter_label", "partner_label", "year", "flow"], keep="last")


def trade_table(raw: pd.DataFrame, log: states.UnmappedLog) -> pd.DataFrame:
    """DOTS rows with the ISO3 code and kind of reporter and partner."""
    labels = pd.concat([raw["reporter_label"], raw["partner_label"]])
    resolved = states.resolve_names(labels, "imf").set_index("label")
    out = raw.copy()
    out["reporter"] = out["reporter_label"].map(resolved["iso3"])
    out["reporter_kind"] = out["reporter_label"].map(resolved["kind"])
    out["partner"] = out["partner_label"].map(resolved["iso3"])
    out["partner_kind"] = out["partner_label"].map(resolved["kind"])
    for side in ("reporter", "partner"):
        miss = out[f"{side}_kind"] == "unmapped"
        if miss.any():
            log.add("dots", out.loc[miss, f"{side}_label"])
    out["source"] = "dots"
    cols = ["reporter", "reporter_label", "reporter_kind", "partner", "partner_label",
            "partner_kind", "year", "flow", "value_usd_m", "estimated", "source"]
    return out[cols]


def dots_step(ctx: BuildContext) -> dict[str, str]:
    """``trade`` from the IMF DOTS workbooks (the bar advances once per workbook)."""
    ctx.say("parsing IMF DOTS workbooks")
    files = ctx.files("dots")
    raw = dots.read_dots([p for _, p in files], workers=min(2, os.cpu_count() or 1),
                         progress=ctx.steps.advance)
    raw = dedupe_trade(raw)
    rows_per_file = raw["file"].value_counts()
    trade = trade_table(raw, ctx.log)
    ctx.table("trade", trade)
    for f, p in files:
        ctx.prov("dots", f, int(rows_per_file.get(p.name, 0)))
    ctx.done("dots", advance=False)
    return {"trade_last_year": str(int(trade["year"].max()))}


def national_trade_step(ctx: BuildContext) -> dict[str, str]:
    """``trade_national`` from every national-statistics publication and ``trade_eurostat``
    (EU-27 exports, at the euro area's WDI exchange rate: after the WDI step)."""
    ctx.say("parsing national trade statistics (KAZ, UZB, KGZ) and Eurostat")
    frames, last = [], {}
    for name in national_trade.SOURCES:
        files = ctx.files(name)
        frame = national_trade.read_national(name, [p for _, p in files])
        per_file = frame["file"].value_counts()
        for f, p in files:
            ctx.prov(name, f, int(per_file.get(p.name, 0)))
        frames.append(frame.drop(columns="file"))
        last[f"{name}_last_year"] = last_year(frame)
    ctx.table("trade_national", pd.concat(frames, ignore_index=True))
    # Eurostat's euros at the euro area's annual average rate (WDI PA.NUS.FCRF, EMU)
    rate = dict(ctx.con.execute(
        "SELECT CAST(year AS INTEGER), value FROM indicators WHERE indicator = 'pa.nus.fcrf' "
        "AND code = 'EMU' AND value IS NOT NULL").fetchall())
    files = ctx.files("eurostat_eu_exports")
    eu = eurostat.read_eurostat([p for _, p in files], rate)
    per_file = eu["file"].value_counts()
    for f, p in files:
        ctx.prov("eurostat_eu_exports", f, int(per_file.get(p.name, 0)))
    ctx.table("trade_eurostat", eu.drop(columns="file"))
    last["eurostat_last_year"] = last_year(eu)
    ctx.done("trade_national")
    return last


def nmc_step(ctx: BuildContext) -> dict[str, str]:
    """``cow_nmc``: COW national material capabilities."""
    ctx.say("parsing COW NMC")
    (f, path), = ctx.files("cow_nmc")
    nmc = cow.read_nmc(path)
    ctx.table("cow_nmc", nmc)
    ctx.prov("cow_nmc", f, len(nmc))
    ctx.done("cow_nmc")
    return {"nmc_last_year": str(int(nmc["year"].max()))}
