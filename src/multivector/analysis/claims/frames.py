"""The measurable frames and :class:`MeasureData`, the claims checker's access to them.

A *frame* is an intermediate table computed for every state in one year (:data:`FRAMES`): the
channel shares, the balance of every channel, the power index, trade concentration, mineral
shares, ideal points, WDI indicators, a state's investors by pole and partner
(:mod:`multivector.analysis.claims.fdi`). A measure of
:mod:`multivector.analysis.claims.catalog` names the frame it is read from.

Frames are computed lazily and cached by :class:`MeasureData` for the whole of one check run:
the balance of every channel for every state in 2020 is computed once, however many claims
name a ``balance.*`` measure for 2020.

A measure whose data are absent (a table another release adds, a year the sources do not
cover) yields no rows, never an exception: a claim about it is *unverifiable*.

Ranks: rank 1 is the highest value in the year unless the spec says lower ranks first
(concentration: rank 1 is the least concentrated); ties share the best rank
(``method="min"``); ranks are over the states (``kind`` ``state`` or ``historical``, a
dissolved state such as Yugoslavia, in the warehouse's ``states`` table) with a value that
year, and the evidence says how many. The investment measures rank an investor among the
state's investors instead (``MeasureSpec.among``: the poles, or the partners).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from multivector.analysis.claims import fdi, visits
from multivector.analysis.claims.catalog import (
    CHANNEL_TEXT,
    FDI_FLOWS,
    GDP_INDICATOR,
    SOURCE_TABLES,
    MeasureSpec,
    channel_span,
    composite_span,
    mineral_spec,
    partner_spec,
    power_span,
    registry,
    span_sql,
    trade_span,
    wdi_codes,
    wdi_spec,
)
from multivector.analysis.claims.tables import WarehouseTables
from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.minerals import mineral_production
from multivector.analysis.panel.power import power_components
from multivector.analysis.panel.shares import channel_shares
from multivector.analysis.panel.trade import (
    DOTS_FIRST_YEAR,
    concentration,
    trade_flows,
    trade_shares,
)
from multivector.core.vocabulary import BALANCE_CHANNELS, COMPOSITE, year_session
from multivector.measures import balance, power


# ------------------------------------------------------------------------------------ frames
def _empty(*cols: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ("iso3", "year", *cols)})


def _trade(md: MeasureData, year: int):
    """Partner flows and totals of every state in ``year`` (None without trade data)."""
    cow = year < DOTS_FIRST_YEAR
    table = "trade_cow" if cow else "trade"
    if not md.has_table(table) or not md.count(table, "year = ?", [year]):
        return None
    return trade_flows(md.con, (year, year))


def _channel_rows(md: MeasureData, channel: str, year: int) -> pd.DataFrame | None:
    if md.missing(CHANNEL_TEXT[channel][2]):
        return None
    ps = md.pole_set
    if channel in ("exports", "imports"):
        tr = md.cached(("trade", year), lambda: _trade(md, year))
        if tr is None:
            return None
        return trade_shares(tr[0], tr[1], channel, ps.membership([year]))
    if channel == "unga" and not md.count("unga_rollcalls", "session = ?",
                                           [year_session(year)]):
        return None
    return channel_shares(md.con, channel, ps, (year, year))


def _agreement(md: MeasureData, year: int) -> pd.DataFrame:
    """Voeten's agreement of every state with each pole in the session opened in ``year`` (the
    UNGA channel read with the agreement measure, whatever the balance channel's default)."""
    if md.missing(CHANNEL_TEXT["unga"][2]) or not md.count(
            "unga_rollcalls", "session = ?", [year_session(year)]):
        return _empty("channel", "pole", "value", "share")
    return channel_shares(md.con, "unga", md.pole_set, (year, year),
                                unga=UngaChannel(measure="agreement"))


def _shares(md: MeasureData, year: int) -> pd.DataFrame:
    frames = [_channel_rows(md, ch, year) for ch in BALANCE_CHANNELS]
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return _empty("channel", "pole", "value", "share")
    return pd.concat(frames, ignore_index=True)


def _balance(md: MeasureData, year: int) -> pd.DataFrame:
    shares = md.frame("shares", year)
    if shares.empty:
        return _empty("channel", "evenness")
    # a claim about a year compares states: the year's ranking channel set (channelset)
    return balance.ranking_balance(shares)[0]


def _power(md: MeasureData, year: int) -> pd.DataFrame:
    cols = ("position", "reach", "index", "rank", "power_gap", "n_components")
    position = (md.count("cow_nmc", "year = ?", [year])
                + md.count("indicators", "year = ? AND indicator = ?", [year, GDP_INDICATOR]))
    reach = (md.count("unga_rollcalls", "session = ?", [year_session(year)])
             + md.count("trade", "year = ?", [year]))
    if not position or not reach:  # power_components fails on a year without any input
        return _empty(*cols)
    tr = md.cached(("trade", year), lambda: _trade(md, year))
    dots = tr is not None and year >= DOTS_FIRST_YEAR
    comp = power_components(md.con, (year, year), flows=tr[0] if dots else None)
    if comp.empty:
        return _empty(*cols)
    return power.power_index(comp)


def _concentration(side: str) -> Callable[[MeasureData, int], pd.DataFrame]:
    def build(md: MeasureData, year: int) -> pd.DataFrame:
        tr = md.cached(("trade", year), lambda: _trade(md, year))
        if tr is None:
            return _empty("hhi", "top1_share")
        return concentration(md.con, (year, year), None, side, flows=tr[0])

    return build


def _minerals(md: MeasureData, year: int) -> pd.DataFrame:
    if not md.has_table("minerals"):
        return _empty("mineral_key", "share")
    prod = mineral_production(md.con, (year, year))
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


@dataclass(frozen=True)
class Frame:
    """An intermediate table: every state's values in one year."""

    build: Callable[[MeasureData, int], pd.DataFrame]
    span: Callable[[MeasureData, MeasureSpec], tuple[int, int] | None]


FRAMES: dict[str, Frame] = {
    "shares": Frame(_shares, lambda md, s: channel_span(md, dict(s.where)["channel"])),
    "agreement": Frame(_agreement, lambda md, s: channel_span(md, "unga")),
    "balance": Frame(_balance, lambda md, s: (
        composite_span(md) if dict(s.where)["channel"] == COMPOSITE
        else channel_span(md, dict(s.where)["channel"]))),
    "power": Frame(_power, lambda md, s: power_span(md)),
    "concentration.exports": Frame(_concentration("exports"), lambda md, s: trade_span(md)),
    "concentration.imports": Frame(_concentration("imports"), lambda md, s: trade_span(md)),
    "minerals": Frame(_minerals, lambda md, s: span_sql("minerals")(md)),
    "idealpoints": Frame(_idealpoints, lambda md, s: span_sql(
        "idealpoints", where="key = ?", params=("default",))(md)),
    "investment": Frame(fdi.frame, lambda md, s: fdi.span(md, dict(s.where)["measure"])),
    "wdi": Frame(_wdi, lambda md, s: span_sql(
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


class MeasureData(WarehouseTables):
    """Lazy, cached access to the catalog's measures on one warehouse connection.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Warehouse connection (read-only is enough).
    """

    def frame(self, name: str, year: int) -> pd.DataFrame:
        """Frame ``name`` of :data:`FRAMES` for ``year``, computed once."""
        return self.cached((name, year), lambda: FRAMES[name].build(self, year))

    # -- measures
    def values(self, spec: MeasureSpec, year: int) -> pd.DataFrame:
        """``iso3, value, rank, of`` (+ extras) of every state with a value in ``year``.

        ``rank`` and ``of`` (how many are ranked) run over the states, or, for a measure whose
        ``among`` is not ``states``, come from the frame (an investor among a state's
        investors).
        """
        def compute() -> pd.DataFrame:
            cols = ["iso3", "value", "rank", "of"]
            if self.missing(spec.requires):
                return pd.DataFrame(columns=cols)
            f = self.frame(spec.frame, year)
            for col, val in spec.where:
                f = f[f[col] == val] if col in f.columns else f.iloc[0:0]
            if spec.column not in f.columns or f.empty:
                return pd.DataFrame(columns=cols)
            out = pd.DataFrame({"iso3": f["iso3"].to_numpy(),
                                "value": pd.to_numeric(f[spec.column], errors="coerce")
                                .to_numpy()})
            if spec.among != "states":  # ranked in the frame, among the state's investors
                out["rank"], out["of"] = f["rank"].to_numpy(), f["of"].to_numpy()
            for c in spec.extras:  # prefixed: an extra may share a name with "value"
                if c in f.columns:
                    out[f"x:{c}"] = f[c].to_numpy()
            out = out[out["value"].notna()]
            if self._states is not None:
                out = out[out["iso3"].isin(self._states)]
            out = out.drop_duplicates("iso3").copy()
            out["value"] = out["value"].astype(float)
            if spec.among == "states":
                out["rank"] = (out["value"].rank(ascending=spec.lower_is_better, method="min")
                               .astype(int))
                out["of"] = len(out)
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
        return Lookup(float(row["value"]), int(row["rank"]), int(row["of"]), details)

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

    def why_missing(self, spec: MeasureSpec, iso3: str | None = None) -> str | None:
        """Why the measure has no data at all here (a missing table or module), or for
        ``iso3`` (``no source``: inward investment by partner is one state's only), or None."""
        why = self.missing(spec.requires)
        if why is None and iso3 is not None and spec.frame == "investment":
            return fdi.no_source(self, iso3)
        return why

    def title(self, spec: MeasureSpec) -> str:
        """The spec's title; a WDI indicator's from ``indicator_meta``."""
        if spec.kind != "indicator" or not self.has_table("indicator_meta"):
            return spec.title
        got = self.cached(("meta",), lambda: dict(self.con.execute(
            "SELECT indicator, title FROM indicator_meta").fetchall()))
        return got.get(spec.name, spec.title)

    def sources(self, spec: MeasureSpec) -> list[dict]:
        """``source, title, citation`` of the spec's sources whose data this warehouse has."""
        return self.sources_of(spec.sources, SOURCE_TABLES)


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
             *(partner_spec(k, "<ISO3>") for k in FDI_FLOWS),
             *(wdi_spec(c) for c in wdi_codes())]
    for s in specs:
        years = ""
        if md is not None and not s.name.startswith("minerals.<"):
            sp = md.span(s)
            why = md.why_missing(s)
            years = f"{sp[0]}-{sp[1]}" if sp else (f"none ({why})" if why else "")
        elif md is not None:
            sp = span_sql("minerals")(md)
            years = f"{sp[0]}-{sp[1]}" if sp else "none (this warehouse has no minerals table)"
        title = md.title(s) if md is not None else s.title
        rows.append({"name": s.name, "kind": s.kind, "title": title, "unit": s.unit,
                     "source": ", ".join(s.sources), "years": years,
                     "rank": ("1 = lowest" if s.lower_is_better else "1 = highest")
                     + ("" if s.among == "states" else f" of the {s.among}")})
    rows.extend(visits.listing_rows(md))
    return pd.DataFrame(rows)
