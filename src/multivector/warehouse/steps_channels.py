"""The build's channel steps: alliances, IGOs (COW, manyIOs), COW trade, minerals and
military expenditure (OWID).

Each step takes the :class:`~multivector.warehouse.step_context.BuildContext`, writes its
tables (listed in :mod:`multivector.warehouse.builder`) and returns its ``meta`` keys.
manyIOs is parsed in the build's background worker (:func:`submit_manyios`, before the new
file is opened).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from multivector.sources import alliances, cow, igo, owid
from multivector.sources.registry import FileEntry
from multivector.warehouse.step_context import BuildContext, by_name, last_year, log_unmapped


def submit_manyios(ctx: BuildContext) -> None:
    """Start parsing manyIOs' memberships and organisations in the background worker."""
    files = ctx.files("manyios")
    ctx.background.submit("memberships", igo.read_manyios_memberships,
                          by_name(files, "memberships.rda"))
    ctx.background.submit("organizations", igo.read_manyios_organizations,
                          by_name(files, "organizations.rda"))


def alliances_step(ctx: BuildContext) -> dict[str, str]:
    """``alliances`` from ATOP 5.1 and COW v4.1."""
    ctx.say("parsing alliances (ATOP 5.1, COW v4.1)")
    (af, ap), = ctx.files("atop")
    (cf, cp), = ctx.files("cow_alliance")
    atop, cowa = alliances.read_atop(ap), alliances.read_cow_alliance(cp)
    ctx.table("alliances", pd.concat([atop, cowa], ignore_index=True))
    ctx.prov("atop", af, len(atop))
    ctx.prov("cow_alliance", cf, len(cowa))
    ctx.done("alliances")
    return {"alliances_atop_last_year": last_year(atop),
            "alliances_cow_last_year": last_year(cowa)}


def cow_igo_step(ctx: BuildContext) -> dict[str, str]:
    """``igo_dyads`` and ``igo_states`` from COW IGO v3."""
    ctx.say("parsing COW IGO v3")
    files = ctx.files("cow_igo")
    dyads = igo.read_igo_dyads(by_name(files, "cow_igo_ndy.rda"))
    sy = igo.read_igo_states(by_name(files, "cow_igo_sy.rda"))
    ctx.table("igo_dyads", dyads)
    ctx.table("igo_states", sy)
    for f, _ in files:
        ctx.prov("cow_igo", f, len(dyads) if f.name == "cow_igo_ndy.rda" else len(sy))
    ctx.done("cow_igo")
    return {"igo_last_year": last_year(dyads)}


def manyios_step(ctx: BuildContext) -> dict[str, str]:
    """``igo_membership`` and ``igos`` from manyIOs (parsed in the background)."""
    ctx.say("parsing manyIOs memberships (rdata)")
    members, orgs = igo.key_informal_igos(ctx.background.result("memberships"),
                                          ctx.background.result("organizations"))
    log_unmapped(ctx.log, "manyios", members, "label")
    members = members[members["kind"] != "unmapped"]
    ctx.table("igo_membership", members[["igo", "iso3", "year", "status", "source"]])
    ctx.table("igos", orgs)
    for f, _ in ctx.files("manyios"):
        ctx.prov("manyios", f, len(members) if f.name == "memberships.rda" else len(orgs))
    ctx.done("manyios")
    return {"manyios_last_year": last_year(members[members["source"] == "migo"]),
            "manyios_iigo_year": last_year(members[members["source"] == "iigo"])}


def cow_trade_step(ctx: BuildContext) -> dict[str, str]:
    """``trade_cow`` and ``trade_cow_totals`` from COW Trade v4.0."""
    ctx.say("parsing COW Trade v4.0")
    files = ctx.files("cow_trade")
    flows = cow.read_trade_dyads(by_name(files, "cow_trade_ndy.rda"))
    totals = cow.read_trade_states(by_name(files, "cow_trade_sy.rda"))
    ctx.table("trade_cow", flows)
    ctx.table("trade_cow_totals", totals)
    for f, _ in files:
        ctx.prov("cow_trade", f, len(flows) if f.name == "cow_trade_ndy.rda" else len(totals))
    ctx.done("cow_trade")
    return {"trade_cow_last_year": last_year(flows)}


def _owid_pairs(ctx: BuildContext, name: str) -> list[tuple[FileEntry, Path, FileEntry, Path]]:
    """Each CSV of an OWID source with the ``datapackage.json`` beside it."""
    files = ctx.files(name)
    out = []
    for f, p in files:
        if p.suffix == ".csv":
            (jf, jp), = [(g, q) for g, q in files
                         if q.name == "datapackage.json" and q.parent == p.parent]
            out.append((f, p, jf, jp))
    return out


def minerals_step(ctx: BuildContext) -> dict[str, str]:
    """``minerals`` from OWID's BGS and Clio Infra & USGS series."""
    ctx.say("parsing mineral production (BGS, Clio Infra & USGS)")
    frames, last = [], {}
    for f, p, jf, jp in _owid_pairs(ctx, "owid_minerals"):
        source = "bgs" if "BGS" in p.name else "clio_usgs"
        frame = owid.read_minerals(p, jp, source)
        log_unmapped(ctx.log, "owid_minerals", frame, "entity")
        frames.append(frame)
        ctx.prov("owid_minerals", f, len(frame))
        ctx.prov("owid_minerals", jf, None)
        last[f"minerals_{source}_last_year"] = last_year(frame)
    minerals = pd.concat(frames, ignore_index=True)
    ctx.table("minerals", minerals)
    last["minerals_last_year"] = last_year(minerals)
    ctx.done("minerals")
    return last


def milex_step(ctx: BuildContext) -> dict[str, str]:
    """``milex`` from OWID's SIPRI and COW/SIPRI series."""
    ctx.say("parsing military expenditure (SIPRI; OWID from COW and SIPRI)")
    frames, last = [], {}
    for f, p, jf, jp in _owid_pairs(ctx, "owid_military"):
        sipri = p.name.startswith("SIPRI")
        frame = owid.read_sipri(p, jp) if sipri else owid.read_milex_share(p, jp)
        log_unmapped(ctx.log, "owid_military", frame, "entity")
        frames.append(frame)
        ctx.prov("owid_military", f, len(frame))
        ctx.prov("owid_military", jf, None)
        last["milex_last_year" if sipri else "milex_share_last_year"] = last_year(frame)
    ctx.table("milex", pd.concat(frames, ignore_index=True))
    ctx.done("milex")
    return last


STEPS = (alliances_step, cow_igo_step, manyios_step, cow_trade_step, minerals_step,
         milex_step)
