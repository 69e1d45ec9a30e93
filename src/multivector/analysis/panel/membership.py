"""The membership channels, whose bloc value is the mean over members: ``security``
(alliance obligations, mixed with arms suppliers when the analyst gives arms a weight),
``igo`` (shared intergovernmental organisations) and ``formats`` (shared regional formats of
the maintained table)."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from multivector.analysis.panel.extra import arms_investment_shares
from multivector.analysis.panel.frame import SHARE_COLUMNS, empty_shares
from multivector.core.poles import PoleSet, bloc_members
from multivector.measures import channels as ch
from multivector.measures import security_mix
from multivector.sources import formats as formats_mod
from multivector.warehouse import readers


def alliance_dyads(con: duckdb.DuckDBPyConnection, years: tuple[int, int],
                   focal: list[str] | None = None, source: str = "atop",
                   weights: dict[str, float] | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: the strongest obligation of each dyad-year, pledged in
    either direction (:func:`multivector.measures.channels.undirected_ties`), weighted by
    :data:`multivector.measures.channels.SECURITY_WEIGHTS` unless ``weights`` says otherwise."""
    raw = readers.alliances(con, years, focal, source)
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


def security_shares(con: duckdb.DuckDBPyConnection, pole_set: PoleSet, years: tuple[int, int],
                    focal: list[str] | None = None, source: str = "atop",
                    weights: dict[str, float] | None = None,
                    arms: float = security_mix.ARMS_WEIGHT,
                    cache: dict | None = None) -> pd.DataFrame:
    """Shares by pole of the security channel: alliance ties mixed with arms suppliers.

    ``s_p = (1 - arms) * alliance_p + arms * arms_p``
    (:func:`multivector.measures.security_mix.mix_shares`): the alliance shares are those of
    :func:`alliance_dyads` over the state-years of :func:`security_units`, the arms shares
    those of the ``arms`` channel (:func:`multivector.analysis.panel.extra.
    arms_investment_shares`). A source whose weight is 0 is not read; a state-year exists only
    where every source with a positive weight has it, so the default (``arms = 0``) is the
    alliance channel exactly and ends with ATOP in 2018, a mix with both ends there too, and
    arms alone (``arms = 1``) runs to SIPRI's last year.

    ``cache`` keeps the alliance dyads under ``("security", years, focal, source, weights)``
    and the arms shares under ``("arms", years, focal, pole_set)``.
    """
    a = security_mix.check_arms_weight(arms)
    cache = {} if cache is None else cache
    membership = pole_set.membership(range(years[0], years[1] + 1))
    fkey = tuple(focal) if focal else None
    allied = empty_shares()
    if a < 1.0:
        if not readers.has_table(con, "alliances"):
            return empty_shares()
        wkey = tuple(sorted({**ch.SECURITY_WEIGHTS, **(weights or {})}.items()))
        key = ("security", years, fkey, source, wkey)
        if key not in cache:
            cache[key] = alliance_dyads(con, years, focal, source, weights)
        allied = mean_shares(cache[key], membership, "security").merge(
            security_units(cache[key], membership, weights), on=["iso3", "year"])[SHARE_COLUMNS]
    supplied = empty_shares()
    if a > 0.0:
        key = ("arms", years, fkey, pole_set)
        if key not in cache:
            cache[key] = arms_investment_shares(con, "arms", membership, years, focal)
        supplied = cache[key]
    return security_mix.mix_shares(allied, supplied, a, "security")[SHARE_COLUMNS]


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
    full = readers.migo_full_members(con, years)
    drop = (ch.universal_orgs(full, membership) if membership is not None
            else pd.DataFrame({"igo": pd.Series(dtype=object), "year": pd.Series(dtype=int)}))
    return readers.migo_shared(con, years, focal, drop)


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
                "more to a member of some pole (ATOP ends in 2018); with arms suppliers mixed in "
                "(--security-arms), also only with a SIPRI delivery that year")
    if channel == "igo":
        return "; the default IGO source (manyIOs MIGO) ends in 2010"
    return ""


def mean_shares(dyads: pd.DataFrame, membership: pd.DataFrame, channel: str) -> pd.DataFrame:
    """Shares by pole of a ``mean`` channel (a bloc counts as one partner)."""
    if dyads.empty:
        return empty_shares()
    out = ch.pole_shares(dyads, membership, "mean")
    return out.assign(channel=channel)[SHARE_COLUMNS]

