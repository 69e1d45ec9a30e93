"""The catalog of multivector measures a claim can name (``multivector claims measures``).

A *measure* is a number per state and year that multivector computes for every state at once,
so that a state's value can be looked up and its rank among states read off. Each measure is
one row of a data-driven registry (:func:`registry`): a :class:`MeasureSpec` names the
intermediate *frame* it is read from (a table computed for all states in one year, see
:data:`multivector.analysis.claims.frames.FRAMES`), the column that holds the value, the rows
it selects, and whether a lower value ranks first. World Bank WDI indicators are measures too
(``ny.gdp.pcap.cd``...), one per indicator the registry pins.

The investment measures (``share.investment.<POLE>``, ``share.investment_inflows.<POLE>``,
``share.investment.partner.<ISO3>``...: a pole's or a partner's share of the state's inward FDI
stock or inflows) rank an investor among the state's investors, not the state among states
(``MeasureSpec.among``). Visits are not measures: a claims file's ``visit`` checks
(:mod:`multivector.analysis.claims.visitcheck`) ask the record of official visits.

The years a measure's inputs cover in a warehouse (its *span*, :func:`composite_span` for the
composite balance) are part of its metadata: a claim about a year outside them is
*unverifiable*, and :func:`require_composite_year` refuses such a year at once.

A name the data cannot have (``minerals.unobtainium.share``: no such mineral in the
warehouse) is an unknown measure
(:meth:`multivector.analysis.claims.frames.MeasureData.unknown`), refused before any check is
computed, not an *unverifiable* claim.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from multivector.analysis.claims.tables import POLE_SET, WarehouseTables
from multivector.core import states
from multivector.core.errors import MultivectorError
from multivector.core.poles import load_pole_set
from multivector.core.vocabulary import BALANCE_CHANNELS, COMPOSITE, SESSION_OFFSET
from multivector.measures.balance import MIN_CHANNELS
from multivector.sources.registry import get_source
from multivector.sources.wdi import indicator_code

GDP_INDICATOR = "ny.gdp.mktp.cd"  # the power index's economic size (WDI)
UNGA_SOURCES = ("unga_long", "unga_pkg", "unga_wide")
TRADE_SOURCES = ("dots", "cow_trade")

# where each source's data sit in the warehouse: a source is cited only when its table exists
SOURCE_TABLES: dict[str, str] = {
    "unga_long": "unga_votes", "unga_pkg": "unga_votes", "unga_wide": "unga_votes",
    "wdi": "indicators", "dots": "trade", "cow_trade": "trade_cow", "cow_nmc": "cow_nmc",
    "atop": "alliances", "cow_igo": "igo_dyads", "manyios": "igo_membership",
    "owid_minerals": "minerals",
    "owid_military": "milex",
    "wiiw_fdi": "investment", "hsg_travels": "visits",
}
# what a rank runs over (MeasureSpec.among)
AMONG = {"states": "states", "poles": "the core poles with a value",
         "partners": "the partners with a value"}


class UnknownMeasureError(MultivectorError):
    """A name that is neither a catalog measure nor a WDI indicator code."""


@dataclass(frozen=True)
class MeasureSpec:
    """One measure of the catalog.

    Parameters
    ----------
    name : str
        The name a claim uses (``balance.composite``, ``ny.gdp.pcap.cd``).
    title, unit : str
        What it is and its unit, for people.
    frame : str
        Key of :data:`multivector.analysis.claims.frames.FRAMES`: the all-states table of a
        year it is read from.
    column : str
        The frame's column holding the value.
    where : tuple of (str, object)
        Equality filters selecting the measure's rows of the frame.
    lower_is_better : bool
        Rank 1 is the lowest value (concentration) instead of the highest.
    sources : tuple of str
        Source names (``sources.toml``) it is computed from; cited when their table exists.
    requires : tuple of str
        ``table:NAME`` or ``module:NAME`` without which it has no data.
    method : str
        How it is computed, with the reference to cite.
    extras : tuple of str
        Frame columns carried into the evidence (flags, dominant pole...).
    kind : {"measure", "indicator"}
        A multivector measure, or a WDI indicator as published.
    among : {"states", "poles", "partners"}
        What the rank runs over (:data:`AMONG`): the states that year, or, for a state's
        investors, the poles or the partners investing in it.
    """

    name: str
    title: str
    unit: str
    frame: str
    column: str
    where: tuple[tuple[str, object], ...] = ()
    lower_is_better: bool = False
    sources: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    method: str = ""
    extras: tuple[str, ...] = ()
    kind: str = "measure"
    among: str = "states"

    @property
    def rank_rule(self) -> str:
        """How rank is defined, in words."""
        first = "lowest" if self.lower_is_better else "highest"
        return f"1 = {first} value among {AMONG[self.among]} that year; ties share the best rank"


# ------------------------------------------------------------------------------- the registry
CHANNEL_TEXT: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # balance channel: (words, sources, requirements), one per vocabulary.BALANCE_CHANNELS
    "unga": ("UNGA votes (split roll calls, credited to the poles voting alike)", UNGA_SOURCES,
             ()),
    "exports": ("exports by buyer", TRADE_SOURCES, ()),
    "imports": ("imports by supplier", TRADE_SOURCES, ()),
    "security": ("alliance ties (ATOP 5)", ("atop",), ("table:alliances",)),
    "igo": ("shared IGO memberships (manyIOs MIGO, those of every pole left out)",
            ("manyios",), ("table:igo_membership",)),
    "formats": ("shared regional formats", (), ("module:multivector.sources.formats",)),
}
_BALANCE_METHOD = ("Pielou evenness J = H / ln n of the channel's shares over the core poles "
                   "(USA, EU, China, Russia), renormalised over the poles (Pielou 1966); "
                   "multivector.measures.balance")
_POWER_METHOD = ("open middle-power index after the Lowy Institute Asia Power Index "
                 "methodology (2018 weights): components scaled 0-100 by the year's maximum "
                 "(counts on log(1 + n)), position 55% and reach 45%, one component set per "
                 "ranking; multivector.measures.power")
FDI_FLOWS = {"investment": ("stock", "inward FDI stock"),  # the channel `investment`
             "investment_inflows": ("inflow", "FDI inflows")}
_FDI_METHOD = ("value by immediate investing partner / wiiw's WORLD total (EUR million, the "
               "National Bank of Kazakhstan's figures in the wiiw FDI Database; inflows can be "
               "negative, a withdrawal); ranked among the state's investors with a value that "
               "year, the rest of the world and wiiw's aggregates (EU27...) not being investors; "
               "multivector.analysis.claims.fdi")
_POWER_SOURCES = ("wdi", "cow_nmc", "owid_military", "dots", "cow_igo", "atop", *UNGA_SOURCES)


@cache
def core_poles() -> dict[str, str]:
    """Pole ids of the ``core`` set (``USA, EU, CHN, RUS``) with their labels."""
    return {p.id: p.label for p in load_pole_set(POLE_SET).poles}


@cache
def registry() -> dict[str, MeasureSpec]:
    """Every named multivector measure (WDI indicators and minerals are resolved by
    :func:`resolve`), by name."""
    specs: list[MeasureSpec] = []
    for ch in BALANCE_CHANNELS:
        words, srcs, req = CHANNEL_TEXT[ch]
        specs.append(MeasureSpec(
            f"balance.{ch}", f"Balance of {words} over the core poles (Pielou evenness)",
            "evenness 0-1", "balance", "evenness", (("channel", ch),), sources=srcs,
            requires=req, method=_BALANCE_METHOD,
            extras=("dominant_pole", "dominant_share", "n_poles")))
    specs.append(MeasureSpec(
        "balance.composite", "Composite balance over channels (Pielou evenness of the "
        "weighted mean of the channels' pole shares)", "evenness 0-1", "balance", "evenness",
        (("channel", COMPOSITE),), sources=(*UNGA_SOURCES, *TRADE_SOURCES, "atop", "manyios"),
        method=_BALANCE_METHOD + "; channel weights balance.DEFAULT_WEIGHTS over the year's "
        f"ranking channel set (at least {MIN_CHANNELS} channels, balance.MIN_CHANNELS, the "
        "same for every state ranked)",
        extras=("dominant_pole", "dominant_share", "channels")))
    for flow in ("exports", "imports"):
        for pole, label in core_poles().items():
            specs.append(MeasureSpec(
                f"share.{flow}.{pole}", f"{label}'s share of the state's {flow} (a pole of "
                "the core set)",
                "share 0-1", "shares", "share", (("channel", flow), ("pole", pole)),
                sources=TRADE_SOURCES, method="pole value / the state's total with the World "
                "(IMF DOTS as reported, partner mirror figure where missing); "
                "multivector.analysis.panel.trade.trade_shares", extras=("value", "total", "flag")))
    for key, (measure, words) in FDI_FLOWS.items():
        for pole, label in core_poles().items():
            specs.append(MeasureSpec(
                f"share.{key}.{pole}", f"{label}'s share of the state's {words} (a pole of "
                "the core set; rank among the poles)", "share 0-1", "investment", "share",
                (("measure", measure), ("level", "pole"), ("investor", pole)),
                sources=("wiiw_fdi",), requires=("table:investment",),
                method=_FDI_METHOD + "; a pole: the sum over its members that year (the EU's "
                "as of 31 December)",
                extras=("value_eur_m", "total_eur_m", "flag"), among="poles"))
    for pole, label in core_poles().items():
        specs.append(MeasureSpec(
            f"unga.agreement.{pole}", f"UNGA agreement with {label} (share of jointly voted "
            "roll calls with the same vote; a bloc: mean over its members)", "share 0-1",
            "agreement", "value", (("channel", "unga"), ("pole", pole)), sources=UNGA_SOURCES,
            method="Voeten's agreement in the session opened that year; "
            "multivector.analysis.panel.unga.unga_shares", extras=("n_members",)))
    for col, title in (("index", "Middle-power index (position and reach)"),
                       ("position", "Middle-power index: position (resources) pillar"),
                       ("reach", "Middle-power index: reach (engagement) pillar"),
                       ("power_gap", "Power gap: reach beyond what position predicts (OLS "
                                     "residual)")):
        name = "power.gap" if col == "power_gap" else f"power.{col}"
        unit = "residual, score points" if col == "power_gap" else "score 0-100"
        specs.append(MeasureSpec(name, title, unit, "power", col, sources=_POWER_SOURCES,
                                 method=_POWER_METHOD, extras=("n_components",)))
    for side in ("exports", "imports"):
        specs.append(MeasureSpec(
            f"concentration.{side}.hhi", f"Concentration of {side} over partners "
            "(Herfindahl-Hirschman index)", "HHI 0-1", f"concentration.{side}", "hhi",
            lower_is_better=True, sources=TRADE_SOURCES, method="sum of squared partner "
            "shares (Hirschman 1945); multivector.measures.concentration",
            extras=("n_partners", "top1_partner")))
    specs.append(MeasureSpec(
        "concentration.exports.top1_share", "Share of exports taken by the largest buyer",
        "share 0-1", "concentration.exports", "top1_share", lower_is_better=True,
        sources=TRADE_SOURCES, method="largest partner's share of the total; "
        "multivector.measures.concentration", extras=("top1_partner", "n_partners")))
    specs.append(MeasureSpec(
        "idealpoint", "UNGA ideal point (theta, default estimate)", "theta (model scale)",
        "idealpoints", "value", sources=UNGA_SOURCES, requires=("table:idealpoints",),
        method="dynamic ordinal ideal points (Bailey, Strezhnev & Voeten 2017), the "
        "warehouse's 'default' estimate; the axis points the United States to the positive "
        "side, so rank 1 = highest theta = the position furthest to the US side",
        extras=("lo", "hi")))
    return {s.name: s for s in specs}


MINERAL_PATTERN = re.compile(r"minerals\.([a-z][a-z0-9_]*)\.share")
PARTNER_PATTERN = re.compile(r"share\.(investment|investment_inflows)\.partner\.([a-z]{3})")


def partner_spec(key: str, partner: str) -> MeasureSpec:
    """``share.<investment|investment_inflows>.partner.<ISO3>``: one partner's share of the
    state's inward FDI stock or inflows, ranked among the partners."""
    words = FDI_FLOWS[key][1]
    return MeasureSpec(
        f"share.{key}.partner.{partner}", f"{partner}'s share of the state's {words} (one "
        "investing partner; rank among the partners)", "share 0-1", "investment", "share",
        (("measure", FDI_FLOWS[key][0]), ("level", "partner"), ("investor", partner)),
        sources=("wiiw_fdi",), requires=("table:investment",), method=_FDI_METHOD,
        extras=("value_eur_m", "total_eur_m"), among="partners")


def mineral_spec(mineral: str) -> MeasureSpec:
    """``minerals.<mineral>.share``: the state's share of world production of a mineral."""
    return MeasureSpec(
        f"minerals.{mineral}.share", f"Share of world production of {mineral.replace('_', ' ')}",
        "share 0-1", "minerals", "share", (("mineral_key", mineral),),
        sources=("owid_minerals",), requires=("table:minerals",),
        method="production / world production (the source's World row, else the sum of "
        "producers); multivector.measures.minerals", extras=("value", "unit", "world_basis"))


@cache
def wdi_codes() -> tuple[str, ...]:
    """WDI indicator codes the registry pins (lower case, as published)."""
    return tuple(sorted({indicator_code(f.mirror_path) for f in get_source("wdi").files
                         if f.mirror_path.endswith("/data.csv")}))


def wdi_spec(code: str, title: str | None = None) -> MeasureSpec:
    """A WDI indicator as a measure (its title from ``indicator_meta`` when known)."""
    return MeasureSpec(code, title or code, "as in the title", "wdi", "value",
                       (("indicator", code),), sources=("wdi",), kind="indicator",
                       method="World Bank WDI as published")


def resolve(name: str) -> MeasureSpec:
    """The spec a claim names: a catalog measure, a WDI code, a mineral's share or an
    investing partner's share, case-insensitive.

    Raises
    ------
    UnknownMeasureError
        None of these; the message lists the nearest names.
    """
    key = str(name).strip().lower()
    by_lower = {k.lower(): v for k, v in registry().items()}
    if key in by_lower:
        return by_lower[key]
    if key in wdi_codes():
        return wdi_spec(key)
    m = MINERAL_PATTERN.fullmatch(key)
    if m:
        return mineral_spec(m.group(1))
    m = PARTNER_PATTERN.fullmatch(key)
    if m:
        try:
            return partner_spec(m.group(1), states.validate_iso3(m.group(2).upper()))
        except MultivectorError as exc:
            raise UnknownMeasureError(f"unknown partner in {name!r}: {exc}") from None
    known = [*registry(), *wdi_codes()]
    near = difflib.get_close_matches(key, [k.lower() for k in known], n=3, cutoff=0.6)
    hint = ", ".join(near) if near else "see `multivector claims measures`"
    raise UnknownMeasureError(f"unknown indicator or measure {name!r}; nearest: {hint}")


# ------------------------------------------------------------------------------ years covered
def span_sql(table: str, expr: str = "year", where: str = "TRUE", params: tuple = ()):
    """First and last ``expr`` of ``table``'s rows matching ``where``.

    ``table``, ``expr`` and ``where`` are fixed text of the claims modules (never a user's
    value); every value goes in ``params``, bound to the ``?`` of ``where``.
    """
    def span(md: WarehouseTables) -> tuple[int, int] | None:
        if not md.has_table(table):
            return None
        lo, hi = md.con.execute(f"SELECT min({expr}), max({expr}) FROM {table} "
                                f"WHERE {where}", list(params)).fetchall()[0]
        return None if lo is None else (int(lo), int(hi))
    return span


def _union(*spans: tuple[int, int] | None) -> tuple[int, int] | None:
    s = [x for x in spans if x is not None]
    return (min(a for a, _ in s), max(b for _, b in s)) if s else None


def trade_span(md: WarehouseTables) -> tuple[int, int] | None:
    """Years of trade data (IMF DOTS or COW Trade)."""
    return _union(span_sql("trade")(md), span_sql("trade_cow")(md))


def _unga_span(md: WarehouseTables) -> tuple[int, int] | None:
    return span_sql("unga_rollcalls", f"session + {SESSION_OFFSET}")(md)


def channel_span(md: WarehouseTables, channel: str) -> tuple[int, int] | None:
    """Years of a balance channel's data (None: unknown or none)."""
    if md.missing(CHANNEL_TEXT[channel][2]):
        return None
    if channel in ("exports", "imports"):
        return trade_span(md)
    if channel == "unga":
        return _unga_span(md)
    if channel == "security":
        return span_sql("alliances", where="source = ?", params=("atop",))(md)
    if channel == "igo":
        return span_sql("igo_dyads")(md)
    return None  # formats: years of the maintained table, not known without it


def composite_span(md: WarehouseTables, min_channels: int | None = None
                   ) -> tuple[int, int] | None:
    """First and last year in which at least ``min_channels`` channels (default
    :data:`multivector.measures.balance.MIN_CHANNELS`) have data for a composite."""
    need = MIN_CHANNELS if min_channels is None else min_channels
    spans = [s for s in (channel_span(md, c) for c in BALANCE_CHANNELS) if s is not None]
    years = [y for y in range(min((a for a, _ in spans), default=0),
                              max((b for _, b in spans), default=-1) + 1)
             if sum(a <= y <= b for a, b in spans) >= need]
    return (years[0], years[-1]) if years else None


def power_span(md: WarehouseTables) -> tuple[int, int] | None:
    """Years in which the power index has a position and a reach input."""
    pos = _union(span_sql("cow_nmc")(md), span_sql("indicators", where="indicator = ?",
                                                     params=(GDP_INDICATOR,))(md))
    reach = _union(_unga_span(md), span_sql("trade")(md))
    if pos is None or reach is None or max(pos[0], reach[0]) > min(pos[1], reach[1]):
        return None
    return max(pos[0], reach[0]), min(pos[1], reach[1])




def require_composite_year(con, year: int, min_channels: int) -> None:
    """Refuse at once a year outside the years any state can have a composite in."""
    span = composite_span(WarehouseTables(con), min_channels)
    if span is None or not span[0] <= year <= span[1]:
        where = (f"{span[0]}-{span[1]}" if span else "no year")
        raise MultivectorError(f"{year} is outside the data: a composite ({min_channels} "
                               f"channels with data) exists for {where} in this warehouse")
