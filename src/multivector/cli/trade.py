"""``multivector trade``, ``shares``, ``concentration`` and ``minerals``: a state's engagement
by pole in one channel, its trade by pole or partner, how concentrated that trade is, and its
mineral production."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from multivector import warehouse
from multivector.analysis import ingest
from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.membership import absent_reason
from multivector.analysis.panel.minerals import mineral_pole_shares, mineral_production
from multivector.analysis.panel.shares import channel_shares
from multivector.analysis.panel.trade import concentration as partner_concentration
from multivector.analysis.panel.trade import (
    partner_trade_table,
    trade_flows,
    trade_shares,
)
from multivector.analysis.records import trade_by_pole
from multivector.cli.common import Format, emit, err, friendly
from multivector.cli.params import (
    ChannelMeasure,
    CountryArg,
    FormatOpt,
    OutOpt,
    PolesOpt,
    YearsOpt,
    choices,
    focal_note,
    state_years,
)
from multivector.core import poles as poles_mod
from multivector.core import states, validate
from multivector.core import terms as cli_terms
from multivector.core.errors import MultivectorError
from multivector.core.terms import explain
from multivector.core.vocabulary import CHANNELS
from multivector.measures.balance import with_pole_share

commands = typer.Typer()

TradeBy = choices("TradeBy", ("pole", "partner"))
Channel = choices("Channel", (*CHANNELS, "minerals"))
TRADE = ("exports", "imports")  # the trade channels, each a flow
Side = choices("Side", TRADE)


@commands.command("trade")
@friendly
def trade(
    country: CountryArg,
    years: YearsOpt = "1992-2024",
    poles: PolesOpt = "core",
    by: Annotated[TradeBy, typer.Option(
        "--by", help="pole: shares by pole as reported; partner: every partner with the "
                     "partner's mirror figure, the gap and its flag.")] = TradeBy.pole,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Exports and imports of a state by pole, or by partner with mirror figures (IMF DOTS)."""
    iso3, span = state_years(country, years)
    ps = poles_mod.load_pole_set(poles)
    with warehouse.connect() as con:
        cover = con.execute("SELECT min(year), max(year), min(year) FILTER (WHERE reporter = ?),"
                            " max(year) FILTER (WHERE reporter = ?) FROM trade",
                            [iso3, iso3]).fetchall()[0]
        if by is TradeBy.partner:
            frame = partner_trade_table(con, span, [iso3])
            frame = frame.sort_values(["flow", "year", "value_usd_m"],
                                      ascending=[True, True, False]).reset_index(drop=True)
        else:
            frame = trade_by_pole(con, iso3, span, ps)
            frame.insert(0, "iso3", iso3)
    _trade_coverage(iso3, span, frame, cover)
    if by is TradeBy.partner:
        emit(frame, fmt, out, title=f"{iso3}: trade by partner (reported, national, "
                                    "mirror, gap)")
        return
    focal_note(ps, iso3, span)
    emit(frame, fmt, out, title=f"{iso3}: trade by pole")


def _trade_coverage(iso3: str, span: tuple[int, int], frame: pd.DataFrame,
                    cover: tuple) -> None:
    """Refuse an empty answer, and say where the data stop when they stop inside ``span``."""
    first, last, own_first, own_last = cover
    where = ("IMF DOTS in this warehouse covers "
             + (f"{first}-{last}" if last is not None else "no year")
             + (f"; {iso3} reports {own_first}-{own_last}" if own_last is not None else
                f"; {iso3} reports no trade"))
    if frame.empty:
        raise MultivectorError(f"no trade data for {iso3} in {span[0]}-{span[1]}: {where}")
    have = int(frame["year"].max())
    if have < span[1]:
        gap = f"{have + 1}" if have + 1 == span[1] else f"{have + 1}-{span[1]}"
        err.print(f"[yellow]note:[/] trade data for {iso3} end in {have} ({where}); {gap} not "
                  "shown and not extrapolated", highlight=False, soft_wrap=True)


@commands.command("shares", help=cli_terms.SHARES_HELP)
@friendly
def shares(
    country: CountryArg,
    channel: Annotated[Channel, typer.Option(help="Channel of engagement.")] = Channel.exports,
    years: YearsOpt = "1992-2024",
    poles: PolesOpt = "core",
    measure: Annotated[ChannelMeasure, typer.Option(help="UNGA measure (channel unga).")]
    = ChannelMeasure.split,
    alliances: Annotated[str, typer.Option(help="Alliance data for the security channel: "
                                                "atop or cow.")] = "atop",
    igos: Annotated[str, typer.Option(help="IGO data for the igo channel: manyios (Roger & "
                                           "Rowan's IGOs, one by one, those holding every "
                                           "pole left out, to 2010) or cow (COW IGO counts, "
                                           "to 2014).")] = "manyios",
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """A state's engagement by pole per year in one channel: value and share.

    share: of all partners (the poles and the rest of the world; sums to one with the 'Rest
    of world' row). pole_share: of the poles' total, what the balance is computed on (empty
    for the rest of the world and in years where a pole has no value). unga: the state's votes
    on roll calls that split the poles, credited to the poles that voted alike, 'total' the
    number of such votes (with an affinity --measure, over the poles only). Flags: 'not
    reported' (no value, not a zero), 'self' (the pole is the state itself), 'mirror N%' /
    'discrepant N%' (share of a pole's trade taken from partner reports, or where the two
    reports differ by more than 25%). Trade channels add the source of each year (dots,
    cow, or the state's national statistics after DOTS ends) and series_break on the first
    year of a new source.
    """
    iso3 = states.validate_iso3(country)
    span = validate.parse_years(years)
    if alliances not in ("atop", "cow"):
        raise MultivectorError(f"--alliances must be atop or cow, got {alliances!r}")
    if igos not in ("cow", "manyios"):
        raise MultivectorError(f"--igos must be cow or manyios, got {igos!r}")
    ps = poles_mod.load_pole_set(poles)
    focal_note(ps, iso3, span)
    ingest.ensure()
    with warehouse.connect() as con:
        if channel is Channel.minerals:
            prod = mineral_production(con, span)
            frame = mineral_pole_shares(prod, ps.membership(range(span[0], span[1] + 1)),
                                        [iso3])
            frame = frame[["iso3", "channel", "mineral", "unit", "pole", "year", "value",
                           "share", "flag"]]
        elif channel.value in TRADE:  # with the source of each year
            flows, totals = trade_flows(con, span, [iso3])
            frame = trade_shares(flows, totals, channel.value,
                                 ps.membership(range(span[0], span[1] + 1)))
            src = totals.loc[totals["flow"] == channel.value,
                             ["iso3", "year", "source", "series_break"]]
            frame = with_pole_share(frame.astype({"year": "int64"}).merge(
                src.astype({"year": "int64"}), on=["iso3", "year"], how="left"))
            frame = frame[["iso3", "channel", "pole", "year", "value", "share", "pole_share",
                           "flag", "source", "series_break"]]
        else:
            frame = channel_shares(con, channel.value, ps, span, [iso3],
                                   UngaChannel(measure=measure.value),
                                   alliance_source=alliances, igo_source=igos)
            frame = with_pole_share(frame)
            cols = ["iso3", "channel", "pole", "year", "value", "share", "pole_share", "flag"]
            if channel is Channel.unga and measure is ChannelMeasure.split:
                cols.insert(7, "total")  # the split roll calls the state voted on
            frame = frame[cols]
    if frame.empty and channel is Channel.investment and iso3 != "KAZ":  # issue 13
        raise MultivectorError(f"no source: investment by partner is Kazakhstan's only (wiiw "
                               f"FDI Database), not {iso3}'s")
    if frame.empty:
        raise MultivectorError(f"no {channel.value} data for {iso3} in {span[0]}-{span[1]}"
                               + absent_reason(channel.value, iso3))
    emit(frame.reset_index(drop=True), fmt, out, title=f"{iso3}: {channel.value} by pole",
         caption=explain(frame.columns))


@commands.command("concentration")
@friendly
def concentration(
    country: CountryArg,
    side: Annotated[Side, typer.Option(help="exports: concentration over buyers; imports: "
                                            "over suppliers.")] = Side.exports,
    years: YearsOpt = "1992-2024",
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Concentration of a state's trade over partners per year: HHI, normalised HHI, top-1 and
    top-3 shares, number of partners that make up 80%."""
    iso3, span = state_years(country, years)
    with warehouse.connect() as con:
        frame = partner_concentration(con, span, [iso3], side.value)
    if frame.empty:
        raise MultivectorError(f"no trade data for {iso3} in {span[0]}-{span[1]}")
    emit(frame, fmt, out, title=f"{iso3}: concentration of {side.value}")


@commands.command("minerals")
@friendly
def minerals(
    country: CountryArg,
    years: YearsOpt = "1992-2024",
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """A state's production of each mineral: share of world production and rank per year."""
    iso3, span = state_years(country, years)
    with warehouse.connect() as con:
        prod = mineral_production(con, span)
    frame = prod[(prod["iso3"] == iso3) & (prod["value"] > 0)].sort_values(["mineral", "year"])
    if frame.empty:
        raise MultivectorError(f"no mineral production recorded for {iso3} in "
                               f"{span[0]}-{span[1]}")
    emit(frame.reset_index(drop=True), fmt, out, title=f"{iso3}: mineral production")
