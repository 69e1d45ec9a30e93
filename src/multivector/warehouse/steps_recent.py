"""The build's steps for the sources added for the years to 2024 (issue 13): SIPRI arms
transfers, SIPRI military expenditure 1949-2024, US official visits and wiiw FDI.

Tables ``arms_deals`` and ``arms`` (SIPRI trade register and deliveries per year, TIV
millions), ``milex`` rows with ``source = 'sipri2025'`` (appended to the OWID vintages, with
the column ``milex_current_usd``), ``visits`` (US President and Secretary of State) and
``investment`` (Kazakhstan's FDI by partner). A newer SIPRI register or workbook added with
``multivector data add`` replaces the pinned one (:meth:`BuildContext.latest`). Each step
takes the :class:`~multivector.warehouse.step_context.BuildContext` and returns its ``meta``
keys.
"""

from __future__ import annotations

from multivector.sources import sipri, sipri_milex, visits, wiiw
from multivector.warehouse.step_context import BuildContext, by_name, last_year, log_unmapped


def arms_step(ctx: BuildContext) -> dict[str, str]:
    """``arms_deals`` and ``arms`` from the SIPRI arms transfers register."""
    ctx.say("parsing SIPRI arms transfers register")
    f, path = ctx.latest("sipri_arms")
    deals = sipri.read_register(path)
    arms = sipri.arms_table(deals, ctx.log)
    ctx.table("arms_deals", deals)
    ctx.table("arms", arms)
    ctx.prov("sipri_arms", f, len(deals))
    ctx.done("sipri_arms")
    return {"arms_last_year": last_year(arms)}


def sipri_milex_step(ctx: BuildContext) -> dict[str, str]:
    """SIPRI's military expenditure workbook, appended to ``milex`` (after the OWID step)."""
    ctx.say("parsing SIPRI military expenditure 1949-2024")
    f, path = ctx.latest("sipri_milex")
    milex = sipri_milex.read_milex_workbook(path)
    log_unmapped(ctx.log, "sipri_milex", milex, "entity")
    con = ctx.con
    con.execute("ALTER TABLE milex ADD COLUMN IF NOT EXISTS milex_current_usd DOUBLE")
    con.register("_frame", milex)
    con.execute("INSERT INTO milex BY NAME SELECT * FROM _frame")
    con.unregister("_frame")
    ctx.report.rows["milex"] = ctx.report.rows.get("milex", 0) + len(milex)
    ctx.prov("sipri_milex", f, len(milex))
    ctx.done("sipri_milex")
    return {"milex2025_last_year": last_year(milex[milex["milex_usd"].notna()]),
            "milex2025_basis": str(milex["basis"].iloc[0])}


def visits_step(ctx: BuildContext) -> dict[str, str]:
    """``visits`` from the Office of the Historian's travels of the President and the
    Secretary of State."""
    ctx.say("parsing US official travels (Office of the Historian)")
    files = ctx.files("hsg_travels")
    trips = visits.visits_table([p for _, p in files], ctx.log)
    ctx.table("visits", trips)
    for f, _ in files:
        ctx.prov("hsg_travels", f, None)
    ctx.done("hsg_travels")
    return {"visits_last_date": str(trips["end_date"].max())}


def investment_step(ctx: BuildContext) -> dict[str, str]:
    """``investment`` from wiiw's FDI by partner (Kazakhstan)."""
    ctx.say("parsing wiiw FDI by partner")
    files = ctx.files("wiiw_fdi")
    inv = wiiw.read_partners(by_name(files, "wiiw_partners.csv"))
    miss = inv["partner_kind"] == "unmapped"
    if miss.any():
        ctx.log.add("wiiw_fdi", inv.loc[miss, "partner_label"])
    ctx.table("investment", inv)
    for f, _ in files:
        ctx.prov("wiiw_fdi", f, len(inv) if f.name == "wiiw_partners.csv" else None)
    ctx.done("wiiw_fdi")
    return {"investment_last_year": last_year(inv)}


STEPS = (arms_step, sipri_milex_step, visits_step, investment_step)
