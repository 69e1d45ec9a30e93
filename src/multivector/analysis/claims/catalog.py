"""The catalog of multivector measures a claim can name (``multivector claims measures``).

A *measure* is a number per state and year that multivector computes for every state at once,
so that a state's value can be looked up and its rank among states read off. Each measure is
one row of a data-driven registry (:func:`registry`): a :class:`MeasureSpec` names the
intermediate *frame* it is read from (a table computed for all states in one year, see
:data:`FRAMES`), the column that holds the value, the rows it selects, and whether a lower
value ranks first. World Bank WDI indicators are measures too (``ny.gdp.pcap.cd``...), one per
indicator the registry pins.

Frames are computed lazily and cached by :class:`MeasureData` for the whole of one check run:
the balance of every channel for every state in 2020 is computed once, however many claims
name a ``balance.*`` measure for 2020.

A measure whose data are absent (a table another release adds, a year the sources do not
cover) yields no rows, never an exception: a claim about it is *unverifiable*.

Ranks: rank 1 is the highest value in the year unless the spec says lower ranks first
(concentration: rank 1 is the least concentrated); ties share the best rank
(``method="min"``); ranks are over the states (``kind`` ``state`` or ``historical``, a
dissolved state such as Yugoslavia, in the warehouse's ``states`` table) with a value that
year, and the evidence says how many.

A name the data cannot have (``minerals.unobtainium.share``: no such mineral in the
warehouse) is an unknown measure (:meth:`MeasureData.unknown`), refused before any check is
computed, not an *unverifiable* claim.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from multivector.core.errors import MultivectorError

POLE_SET = "core"
GDP_INDICATOR = "ny.gdp.mktp.cd"  # the power index's economic size (WDI)
CHANNEL_NAMES = ("unga", "exports", "imports", "security", "igo", "formats")
UNGA_SOURCES = ("unga_long", "unga_pkg", "unga_wide")
TRADE_SOURCES = ("dots", "cow_trade")

# where each source's data sit in the warehouse: a source is cited only when its table exists
SOURCE_TABLES: dict[str, str] = {
    "unga_long": "unga_votes", "unga_pkg": "unga_votes", "unga_wide": "unga_votes",
    "wdi": "indicators", "dots": "trade", "cow_trade": "trade_cow", "cow_nmc": "cow_nmc",
    "atop": "alliances", "cow_igo": "igo_dyads", "manyios": "igo_membership",
    "owid_minerals": "minerals",
    "owid_military": "milex",
}


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
        Key of :data:`FRAMES`: the all-states table of a year it is read from.
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

    @property
    def rank_rule(self) -> str:
        """How rank is defined, in words."""
        first = "lowest" if self.lower_is_better else "highest"
        return f"1 = {first} value among states that year; ties share the best rank"


# ------------------------------------------------------------------------------- the registry
_CHANNEL_TEXT: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    # channel: (words, sources, requirements)
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
_POWER_SOURCES = ("wdi", "cow_nmc", "owid_military", "dots", "cow_igo", "atop", *UNGA_SOURCES)


@cache
def core_poles() -> dict[str, str]:
    """Pole ids of the ``core`` set (``USA, EU, CHN, RUS``) with their labels."""
    from multivector.core.poles import load_pole_set

    return {p.id: p.label for p in load_pole_set(POLE_SET).poles}


@cache
def registry() -> dict[str, MeasureSpec]:
    """Every named multivector measure (WDI indicators and minerals are resolved by
    :func:`resolve`), by name."""
    specs: list[MeasureSpec] = []
    for ch in CHANNEL_NAMES:
        words, srcs, req = _CHANNEL_TEXT[ch]
        specs.append(MeasureSpec(
            f"balance.{ch}", f"Balance of {words} over the core poles (Pielou evenness)",
            "evenness 0-1", "balance", "evenness", (("channel", ch),), sources=srcs,
            requires=req, method=_BALANCE_METHOD,
            extras=("dominant_pole", "dominant_share", "n_poles")))
    specs.append(MeasureSpec(
        "balance.composite", "Composite balance over channels (Pielou evenness of the "
        "weighted mean of the channels' pole shares)", "evenness 0-1", "balance", "evenness",
        (("channel", "composite"),), sources=(*UNGA_SOURCES, *TRADE_SOURCES, "atop", "manyios"),
        method=_BALANCE_METHOD + "; channel weights balance.DEFAULT_WEIGHTS over the year's "
        "ranking channel set (at least three channels, the same for every state ranked)",
        extras=("dominant_pole", "dominant_share", "channels")))
    for flow in ("exports", "imports"):
        for pole, label in core_poles().items():
            specs.append(MeasureSpec(
                f"share.{flow}.{pole}", f"{label}'s share of the state's {flow} (a pole of "
                "the core set)",
                "share 0-1", "shares", "share", (("channel", flow), ("pole", pole)),
                sources=TRADE_SOURCES, method="pole value / the state's total with the World "
                "(IMF DOTS as reported, partner mirror figure where missing); "
                "multivector.analysis.panel.trade_shares", extras=("value", "total", "flag")))
    for pole, label in core_poles().items():
        specs.append(MeasureSpec(
            f"unga.agreement.{pole}", f"UNGA agreement with {label} (share of jointly voted "
            "roll calls with the same vote; a bloc: mean over its members)", "share 0-1",
            "shares", "value", (("channel", "unga"), ("pole", pole)), sources=UNGA_SOURCES,
            method="Voeten's agreement in the session opened that year; "
            "multivector.analysis.panel.unga_shares", extras=("n_members",)))
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
    from multivector.sources.registry import get_source
    from multivector.sources.wdi import indicator_code

    return tuple(sorted({indicator_code(f.mirror_path) for f in get_source("wdi").files
                         if f.mirror_path.endswith("/data.csv")}))


def wdi_spec(code: str, title: str | None = None) -> MeasureSpec:
    """A WDI indicator as a measure (its title from ``indicator_meta`` when known)."""
    return MeasureSpec(code, title or code, "as in the title", "wdi", "value",
                       (("indicator", code),), sources=("wdi",), kind="indicator",
                       method="World Bank WDI as published")


def resolve(name: str) -> MeasureSpec:
    """The spec a claim names: a catalog measure or a WDI code, case-insensitive.

    Raises
    ------
    UnknownMeasureError
        Neither; the message lists the nearest names.
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
    known = [*registry(), *wdi_codes()]
    near = difflib.get_close_matches(key, [k.lower() for k in known], n=3, cutoff=0.6)
    hint = ", ".join(near) if near else "see `multivector claims measures`"
    raise UnknownMeasureError(f"unknown indicator or measure {name!r}; nearest: {hint}")


# ------------------------------------------------------------------------------------ frames
def _empty(*cols: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ("iso3", "year", *cols)})


def _trade(md: MeasureData, year: int):
    """Partner flows and totals of every state in ``year`` (None without trade data)."""
    from multivector.analysis import panel

    cow = year < panel.DOTS_FIRST_YEAR
    table = "trade_cow" if cow else "trade"
    if not md.has_table(table) or not md.count(table, "year = ?", [year]):
        return None
    return panel.trade_flows(md.con, (year, year))


def _channel_rows(md: MeasureData, channel: str, year: int) -> pd.DataFrame | None:
    from multivector.analysis import panel

    if md.missing(_CHANNEL_TEXT[channel][2]):
        return None
    ps = md.pole_set
    if channel in ("exports", "imports"):
        tr = md.cached(("trade", year), lambda: _trade(md, year))
        if tr is None:
            return None
        return panel.trade_shares(tr[0], tr[1], channel, ps.membership([year]))
    if channel == "unga" and not md.count("unga_rollcalls", "session = ?", [year - 1945]):
        return None
    return panel.channel_shares(md.con, channel, ps, (year, year))


def _shares(md: MeasureData, year: int) -> pd.DataFrame:
    frames = [_channel_rows(md, ch, year) for ch in CHANNEL_NAMES]
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return _empty("channel", "pole", "value", "share")
    return pd.concat(frames, ignore_index=True)


def _balance(md: MeasureData, year: int) -> pd.DataFrame:
    from multivector.measures import balance

    shares = md.frame("shares", year)
    if shares.empty:
        return _empty("channel", "evenness")
    # a claim about a year compares states: the year's ranking channel set (channelset)
    return balance.ranking_balance(shares)[0]


def _power(md: MeasureData, year: int) -> pd.DataFrame:
    from multivector.analysis import panel
    from multivector.measures import power

    cols = ("position", "reach", "index", "rank", "power_gap", "n_components")
    position = (md.count("cow_nmc", "year = ?", [year])
                + md.count("indicators", "year = ? AND indicator = ?", [year, GDP_INDICATOR]))
    reach = (md.count("unga_rollcalls", "session = ?", [year - 1945])
             + md.count("trade", "year = ?", [year]))
    if not position or not reach:  # power_components fails on a year without any input
        return _empty(*cols)
    tr = md.cached(("trade", year), lambda: _trade(md, year))
    comp = panel.power_components(md.con, (year, year),
                                  flows=tr[0] if tr is not None and year >= 1960 else None)
    if comp.empty:
        return _empty(*cols)
    return power.power_index(comp)


def _concentration(side: str) -> Callable[[MeasureData, int], pd.DataFrame]:
    def build(md: MeasureData, year: int) -> pd.DataFrame:
        from multivector.analysis import panel

        tr = md.cached(("trade", year), lambda: _trade(md, year))
        if tr is None:
            return _empty("hhi", "top1_share")
        return panel.concentration(md.con, (year, year), None, side, flows=tr[0])

    return build


def _minerals(md: MeasureData, year: int) -> pd.DataFrame:
    from multivector.analysis import panel

    if not md.has_table("minerals"):
        return _empty("mineral_key", "share")
    prod = panel.mineral_production(md.con, (year, year))
    if prod.empty:
        return _empty("mineral_key", "share")
    prod = prod.assign(mineral_key=prod["mineral"].astype(str).str.strip().str.lower()
                       .str.replace(r"[^a-z0-9]+", "_", regex=True).str.strip("_"))
    # a mineral published by two sources: keep the one with more producers that year
    best = (prod.groupby(["mineral_key", "source"], as_index=False)["n_producers"].max()
            .sort_values(["mineral_key", "n_producers", "source"], ascending=[True, False, True])
            .drop_duplicates("mineral_key")[["mineral_key", "source"]])
    return prod.merge(best, on=["mineral_key", "source"])


def _idealpoints(md: MeasureData, year: int) -> pd.DataFrame:
    if not md.has_table("idealpoints"):
        return _empty("value")
    return md.con.execute("SELECT iso3, year, theta AS value, lo, hi FROM idealpoints WHERE "
                          "key = ? AND year = ?", ["default", year]).df()


def _wdi(md: MeasureData, year: int) -> pd.DataFrame:
    return md.con.execute("SELECT iso3, year, indicator, value FROM indicators WHERE year = ? "
                          "AND kind = 'state' AND value IS NOT NULL", [year]).df()


def _span_sql(table: str, expr: str = "year", where: str = "TRUE", params: tuple = ()):
    """First and last ``expr`` of ``table``'s rows matching ``where``.

    ``table``, ``expr`` and ``where`` are fixed text of this module (never a user's value);
    every value goes in ``params``, bound to the ``?`` of ``where``.
    """
    def span(md: MeasureData) -> tuple[int, int] | None:
        if not md.has_table(table):
            return None
        lo, hi = md.con.execute(f"SELECT min({expr}), max({expr}) FROM {table} "
                                f"WHERE {where}", list(params)).fetchall()[0]
        return None if lo is None else (int(lo), int(hi))
    return span


def _union(*spans: tuple[int, int] | None) -> tuple[int, int] | None:
    s = [x for x in spans if x is not None]
    return (min(a for a, _ in s), max(b for _, b in s)) if s else None


def _trade_span(md: MeasureData) -> tuple[int, int] | None:
    return _union(_span_sql("trade")(md), _span_sql("trade_cow")(md))


def _unga_span(md: MeasureData) -> tuple[int, int] | None:
    return _span_sql("unga_rollcalls", "session + 1945")(md)


def _channel_span(md: MeasureData, channel: str) -> tuple[int, int] | None:
    if md.missing(_CHANNEL_TEXT[channel][2]):
        return None
    if channel in ("exports", "imports"):
        return _trade_span(md)
    if channel == "unga":
        return _unga_span(md)
    if channel == "security":
        return _span_sql("alliances", where="source = ?", params=("atop",))(md)
    if channel == "igo":
        return _span_sql("igo_dyads")(md)
    return None  # formats: years of the maintained table, not known without it


def composite_span(md: MeasureData, min_channels: int | None = None
                   ) -> tuple[int, int] | None:
    """First and last year in which at least ``min_channels`` channels (default
    :data:`multivector.measures.balance.MIN_CHANNELS`) have data for a composite."""
    from multivector.measures.balance import MIN_CHANNELS

    need = MIN_CHANNELS if min_channels is None else min_channels
    spans = [s for s in (_channel_span(md, c) for c in CHANNEL_NAMES) if s is not None]
    years = [y for y in range(min((a for a, _ in spans), default=0),
                              max((b for _, b in spans), default=-1) + 1)
             if sum(a <= y <= b for a, b in spans) >= need]
    return (years[0], years[-1]) if years else None


def _composite_span(md: MeasureData) -> tuple[int, int] | None:
    return composite_span(md)


def _power_span(md: MeasureData) -> tuple[int, int] | None:
    pos = _union(_span_sql("cow_nmc")(md), _span_sql("indicators", where="indicator = ?",
                                                     params=(GDP_INDICATOR,))(md))
    reach = _union(_unga_span(md), _span_sql("trade")(md))
    if pos is None or reach is None or max(pos[0], reach[0]) > min(pos[1], reach[1]):
        return None
    return max(pos[0], reach[0]), min(pos[1], reach[1])


@dataclass(frozen=True)
class Frame:
    """An intermediate table: every state's values in one year."""

    build: Callable[[MeasureData, int], pd.DataFrame]
    span: Callable[[MeasureData, MeasureSpec], tuple[int, int] | None]


FRAMES: dict[str, Frame] = {
    "shares": Frame(_shares, lambda md, s: _channel_span(md, dict(s.where)["channel"])),
    "balance": Frame(_balance, lambda md, s: (
        _composite_span(md) if dict(s.where)["channel"] == "composite"
        else _channel_span(md, dict(s.where)["channel"]))),
    "power": Frame(_power, lambda md, s: _power_span(md)),
    "concentration.exports": Frame(_concentration("exports"), lambda md, s: _trade_span(md)),
    "concentration.imports": Frame(_concentration("imports"), lambda md, s: _trade_span(md)),
    "minerals": Frame(_minerals, lambda md, s: _span_sql("minerals")(md)),
    "idealpoints": Frame(_idealpoints, lambda md, s: _span_sql(
        "idealpoints", where="key = ?", params=("default",))(md)),
    "wdi": Frame(_wdi, lambda md, s: _span_sql(
        "indicators", where="indicator = ? AND value IS NOT NULL",
        params=(dict(s.where)["indicator"],))(md)),
}


# ------------------------------------------------------------------------------- data access
@dataclass
class Lookup:
    """A state's value of a measure in a year, with its rank among states."""

    value: float
    rank: int
    of: int
    details: dict = field(default_factory=dict)


class MeasureData:
    """Lazy, cached access to the catalog's measures on one warehouse connection.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Warehouse connection (read-only is enough).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        from multivector.core.poles import load_pole_set

        self.con = con
        self.pole_set = load_pole_set(POLE_SET)
        self._cache: dict = {}
        self._tables = {r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        # states, current and dissolved (Yugoslavia, the GDR...: kind 'historical'), so that
        # a claim about YUG in 1985 is judged as `multivector balance YUG` computes it
        self._states = (set(con.execute("SELECT iso3 FROM states WHERE kind IN ('state', "
                                        "'historical')").df()["iso3"])
                        if "states" in self._tables else None)

    # -- plumbing
    def has_table(self, name: str) -> bool:
        """Whether the warehouse has table ``name``."""
        return name in self._tables

    def count(self, table: str, where: str, params: list) -> int:
        """Rows of ``table`` matching ``where`` (0 when the table is absent)."""
        if not self.has_table(table):
            return 0
        return int(self.con.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                                    params).fetchall()[0][0])

    def missing(self, requires: tuple[str, ...]) -> str | None:
        """Why the requirements are not met, or None when they are."""
        for req in requires:
            what, _, name = req.partition(":")
            if what == "table" and not self.has_table(name):
                return f"this warehouse has no {name} table"
            if what == "module" and importlib.util.find_spec(name) is None:
                return f"{name} is not part of this multivector version"
        return None

    def cached(self, key, compute: Callable):
        """``compute()`` once per key and run."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def frame(self, name: str, year: int) -> pd.DataFrame:
        """Frame ``name`` of :data:`FRAMES` for ``year``, computed once."""
        return self.cached((name, year), lambda: FRAMES[name].build(self, year))

    # -- measures
    def values(self, spec: MeasureSpec, year: int) -> pd.DataFrame:
        """``iso3, year, value`` (+ extras, ``rank``) of every state with a value in ``year``."""
        def compute() -> pd.DataFrame:
            cols = ["iso3", "value"]
            if self.missing(spec.requires):
                return pd.DataFrame(columns=[*cols, "rank"])
            f = self.frame(spec.frame, year)
            for col, val in spec.where:
                f = f[f[col] == val] if col in f.columns else f.iloc[0:0]
            if spec.column not in f.columns or f.empty:
                return pd.DataFrame(columns=[*cols, "rank"])
            out = pd.DataFrame({"iso3": f["iso3"].to_numpy(),
                                "value": pd.to_numeric(f[spec.column], errors="coerce")
                                .to_numpy()})
            for c in spec.extras:  # prefixed: an extra may share a name with "value"
                if c in f.columns:
                    out[f"x:{c}"] = f[c].to_numpy()
            out = out[out["value"].notna()]
            if self._states is not None:
                out = out[out["iso3"].isin(self._states)]
            out = out.drop_duplicates("iso3").copy()
            out["value"] = out["value"].astype(float)
            out["rank"] = (out["value"].rank(ascending=spec.lower_is_better, method="min")
                           .astype(int))
            return out.reset_index(drop=True)

        return self.cached(("values", spec.name, year), compute)

    def lookup(self, spec: MeasureSpec, iso3: str, year: int) -> Lookup | None:
        """The state's value, rank and number of ranked states; None without data."""
        v = self.values(spec, year)
        hit = v[v["iso3"] == iso3]
        if hit.empty:
            return None
        row = hit.iloc[0]
        details = {c: _plain(row[f"x:{c}"]) for c in spec.extras if f"x:{c}" in hit.columns}
        return Lookup(float(row["value"]), int(row["rank"]), len(v), details)

    def span(self, spec: MeasureSpec) -> tuple[int, int] | None:
        """First and last year the measure's inputs cover in this warehouse."""
        if self.missing(spec.requires):
            return None
        return self.cached(("span", spec.frame, spec.where),
                           lambda: FRAMES[spec.frame].span(self, spec))

    def unknown(self, spec: MeasureSpec) -> str | None:
        """Why the name of ``spec`` names nothing in these data (a mineral the minerals table
        never lists), or None. A measure whose table is absent is not unknown: its claims are
        unverifiable."""
        mineral = dict(spec.where).get("mineral_key")
        if mineral is None or not self.has_table("minerals"):
            return None
        keys = self.cached(("mineral_keys",), lambda: sorted({
            re.sub(r"[^a-z0-9]+", "_", str(m).strip().lower()).strip("_")
            for (m,) in self.con.execute("SELECT DISTINCT mineral FROM minerals").fetchall()}))
        if mineral in keys:
            return None
        near = difflib.get_close_matches(mineral, keys, n=3, cutoff=0.6)
        return (f"unknown measure {spec.name!r}: no mineral {mineral!r} in this warehouse; "
                + (f"nearest: {', '.join(near)}" if near else
                   f"minerals: {', '.join(keys[:12])}{'...' if len(keys) > 12 else ''}"))

    def why_missing(self, spec: MeasureSpec) -> str | None:
        """Why the measure has no data at all here (a missing table or module), or None."""
        return self.missing(spec.requires)

    def title(self, spec: MeasureSpec) -> str:
        """The spec's title; a WDI indicator's from ``indicator_meta``."""
        if spec.kind != "indicator" or not self.has_table("indicator_meta"):
            return spec.title
        got = self.cached(("meta",), lambda: dict(self.con.execute(
            "SELECT indicator, title FROM indicator_meta").fetchall()))
        return got.get(spec.name, spec.title)

    def sources(self, spec: MeasureSpec) -> list[dict]:
        """``source, title, citation`` of the spec's sources whose data this warehouse has."""
        table = self.cached(("sources",), self._source_table)
        out = []
        for s in spec.sources:
            if not self.has_table(SOURCE_TABLES.get(s, "")):
                continue
            if s in table:
                out.append(table[s])
                continue
            from multivector.sources.registry import sources as registry_sources

            reg = registry_sources().get(s)
            if reg is not None:
                out.append({"source": s, "title": reg.title, "citation": reg.citation})
        return out

    def _source_table(self) -> dict[str, dict]:
        if not self.has_table("sources"):
            return {}
        rows = self.con.execute("SELECT source, title, citation FROM sources").fetchall()
        return {r[0]: {"source": r[0], "title": r[1], "citation": r[2]} for r in rows}


def _plain(v: object) -> object:
    """A JSON-friendly scalar (numpy types unwrapped, missing as None)."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, np.generic):
        v = v.item()
        return None if isinstance(v, float) and np.isnan(v) else v
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def listing(md: MeasureData | None = None) -> pd.DataFrame:
    """The catalog as a table: ``name, kind, title, unit, source, years, rank``.

    With a warehouse (``md``), ``years`` is the span its inputs cover there and WDI titles come
    from ``indicator_meta``; without, ``years`` is empty.
    """
    rows = []
    specs = [*registry().values(), mineral_spec("<mineral>"),
             *(wdi_spec(c) for c in wdi_codes())]
    for s in specs:
        years = ""
        if md is not None and not s.name.startswith("minerals.<"):
            sp = md.span(s)
            why = md.why_missing(s)
            years = f"{sp[0]}-{sp[1]}" if sp else (f"none ({why})" if why else "")
        elif md is not None:
            sp = _span_sql("minerals")(md)
            years = f"{sp[0]}-{sp[1]}" if sp else "none (this warehouse has no minerals table)"
        title = md.title(s) if md is not None else s.title
        rows.append({"name": s.name, "kind": s.kind, "title": title, "unit": s.unit,
                     "source": ", ".join(s.sources), "years": years,
                     "rank": "1 = lowest" if s.lower_is_better else "1 = highest"})
    return pd.DataFrame(rows)


def require_composite_year(con, year: int, min_channels: int) -> None:
    """Refuse at once a year outside the years any state can have a composite in."""
    span = composite_span(MeasureData(con), min_channels)
    if span is None or not span[0] <= year <= span[1]:
        where = (f"{span[0]}-{span[1]}" if span else "no year")
        raise MultivectorError(f"{year} is outside the data: a composite ({min_channels} "
                               f"channels with data) exists for {where} in this warehouse")
