"""``multivector balance``, ``rank`` and ``sensitivity``: how evenly a state's engagement
spreads over the poles, every state ranked by it in a year, and how much both depend on the
analyst's choices."""

from __future__ import annotations

import re
from typing import Annotated

import pandas as pd
import typer

from multivector import warehouse
from multivector.analysis import derive, ingest, options
from multivector.analysis import sensitivity as sens
from multivector.analysis.alignment import UngaOptions
from multivector.analysis.balance import focal_balance, focal_shares
from multivector.analysis.claims import catalog
from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel.shares import all_shares
from multivector.cli.common import Format, emit, err, friendly
from multivector.cli.params import (
    ChannelMeasure,
    CountryArg,
    FormatOpt,
    OutOpt,
    PolesOpt,
    YearsOpt,
    focal_note,
)
from multivector.core import peers as peers_mod
from multivector.core import poles as poles_mod
from multivector.core import states, validate
from multivector.core import terms as cli_terms
from multivector.core.errors import MultivectorError
from multivector.core.terms import explain
from multivector.core.vocabulary import BALANCE_CHANNELS, DEFAULT_WEIGHTS
from multivector.measures import balance as bal
from multivector.measures.decomposition import decompose

commands = typer.Typer()

ChannelWeightsOpt = Annotated[str | None, typer.Option(
    "--weights", help="Channel weights, e.g. 'unga=1,exports=1,imports=1,security=1,igo=0.5,"
                      "formats=0.5' (the defaults); a channel left out gets 0.")]
UngaMeasureOpt = Annotated[ChannelMeasure, typer.Option(
    "--measure", help="UNGA channel: split-vote shares, or a measure turned into an "
                      "affinity.")]
ChannelSetOpt = Annotated[str | None, typer.Option(
    "--channels", help="The composite's channel set, e.g. 'unga,exports,imports' (default: the "
                       "set of at least --min-channels channels with the longest unbroken run "
                       "of years with data; channels covering only part of the span are shown "
                       "beside the composite, never in it).")]
DrawsOpt = Annotated[int, typer.Option(help="Random weightings per scenario.")]
SecurityArmsOpt = Annotated[float, typer.Option(
    "--security-arms", help="Weight a of arms suppliers (SIPRI deliveries) in the security "
                            "channel: (1 - a) x alliances + a x arms suppliers, by pole. A "
                            "year counts only where every source with a weight has data: 0 "
                            "(the default) is alliances alone, to 2018; 1 is arms alone, to "
                            "2024.")]


def _span(text: str) -> tuple[int, int]:
    """``--change`` text, ``2000-2020``, to a pair of years."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-:]\s*(\d{4})\s*", text)
    if not m:
        raise MultivectorError(f"--change must look like 2000-2020, got {text!r}")
    return int(m.group(1)), int(m.group(2))


@commands.command("balance", help=cli_terms.BALANCE_HELP)
@friendly
def balance(
    country: CountryArg,
    years: YearsOpt = "1992-2024",
    poles: PolesOpt = "core",
    measure: UngaMeasureOpt = ChannelMeasure.split,
    weights: ChannelWeightsOpt = None,
    min_channels: Annotated[int, typer.Option(help="Fewest channels in the composite's "
                                                   "channel set.")] = 3,
    channels: ChannelSetOpt = None,
    boot: Annotated[int, typer.Option(help="UNGA bootstrap resamples carried into the "
                                           "intervals (0: none).")] = 500,
    security_arms: SecurityArmsOpt = 0.0,
    tilt: Annotated[bool, typer.Option("--tilt", help="Show the tilt instead: each pole's "
                                                      "share and centred log-ratio.")] = False,
    change: Annotated[str | None, typer.Option(
        help="Decompose the change of the composite between two years, e.g. 2000-2020, "
             "into contributions of channels and poles.")] = None,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """How evenly a state's engagement spreads over the poles, per channel and composite.

    Evenness is Pielou's J over the poles (1: equal shares, 0: one pole takes all); lo and hi
    bound it: UNGA by bootstrap of roll calls, trade by the reporter's against its partners'
    figures, the composite by both together.
    """
    iso3 = states.validate_iso3(country)
    validate.number(min_channels, "min_channels", "--min-channels",
                    hi=len(BALANCE_CHANNELS))
    validate.number(boot, "n_boot", "--boot")
    validate.number(security_arms, "security_arms", "--security-arms")
    span = validate.parse_years(years)
    ps = poles_mod.load_pole_set(poles)
    bo = BalanceOptions(weights=validate.channel_weights(weights),
                        min_channels=min_channels, n_boot=boot,
                        channel_set=validate.channel_set(channels), security_arms=security_arms)
    uo = UngaOptions(measure=measure.value)
    focal_note(ps, iso3, span)
    ingest.ensure()
    with warehouse.connect() as con:
        sh = focal_shares(con, iso3, span, ps, uo, bo.channels, bo.security_arms)
        if sh.empty:
            raise MultivectorError(f"no channel has data for {iso3} in {span[0]}-{span[1]}")
        sets = bal.series_sets(sh[sh["iso3"] == iso3], span, bo.weight_dict(),
                               bo.min_channels, bo.channel_set)
        cset = sets.get(iso3)
        if cset is None or not cset.channels or cset.run is None:
            raise MultivectorError(
                f"{iso3}: no composite in {span[0]}-{span[1]}: "
                + (cset.reason if cset is not None else "no channel has complete data"))
        err.print(f"composite on {cset.label}: {cset.reason}", highlight=False)
        if change:
            y0, y1 = _span(change)
            try:
                dec = decompose(sh, iso3, y0, y1, bo.weight_dict(), cset.channels)
            except ValueError as exc:
                raise MultivectorError(str(exc)) from None
            frame = dec.assign(iso3=iso3, year0=y0, year1=y1)[
                ["iso3", "year0", "year1", "channel", "pole", "share0", "share1",
                 "contribution"]]
            a = dec.attrs
            err.print(f"composite evenness {a['evenness0']:.3f} in {y0} -> {a['evenness1']:.3f} "
                      f"in {y1}: change {a['change']:+.3f}, sum of contributions "
                      f"{a['change'] - a['residual']:+.3f}")
            emit(frame, fmt, out, title=f"{iso3}: change of the composite, {y0}-{y1}",
                 caption=explain(frame.columns))
            return
        if tilt:
            frame = bal.tilt(bal.complete_only(sh))
            comp = bal.composite_shares(sh, bo.weight_dict(), bo.min_channels,
                                        sets=bal.sets_frame(sets))
            frame = pd.concat([frame, bal.tilt(comp[["iso3", "year", "channel", "pole",
                                                     "share"]])], ignore_index=True)
            emit(frame, fmt, out, title=f"{iso3}: tilt by pole (centred log-ratio)",
                 caption=explain(frame.columns))
            return
        frame = focal_balance(con, iso3, span, ps, uo, bo, shares=sh)
    have = set(frame.loc[frame["channel"] == "composite", "year"].astype(int))
    lack = [y for y in range(span[0], span[1] + 1) if y not in have]
    if lack:
        years_text = (f"{lack[0]}" if len(lack) == 1 else f"{lack[0]}-{lack[-1]}"
                      if lack[-1] - lack[0] == len(lack) - 1 else ", ".join(map(str, lack)))
        err.print(f"[yellow]note:[/] no composite for {iso3} in {years_text}: a channel of "
                  f"its set ({cset.label}) has no data there; the channels that have data are "
                  "shown alone, never combined on fewer channels", highlight=False,
                  soft_wrap=True)
    cols = ["iso3", "year", "channel", "evenness", "hhi_norm", "dominant_pole",
            "dominant_share", "lo", "hi", "poles_share"]
    if fmt is not Format.table or out is not None:
        cols += ["margin", "n_poles", "n_channels", "channels"]
    emit(frame[cols], fmt, out, title=f"{iso3}: balance over the {ps.name} poles",
         caption=explain(cols))


@commands.command("rank", help=cli_terms.RANK_HELP)
@friendly
def rank(
    year: Annotated[int, typer.Option(help="Year.")] = 2020,
    poles: PolesOpt = "core",
    measure: UngaMeasureOpt = ChannelMeasure.split,
    weights: ChannelWeightsOpt = None,
    min_channels: Annotated[int, typer.Option(help="Fewest channels in the ranking's "
                                                   "channel set.")] = 3,
    channels: ChannelSetOpt = None,
    security_arms: SecurityArmsOpt = 0.0,
    peers: Annotated[str | None, typer.Option(help="Only these states (a peer set or ISO3 "
                                                   "codes); adds rank_in_peers.")] = None,
    sensitivity: Annotated[bool, typer.Option(
        "--sensitivity/--no-sensitivity",
        help="Add rank ranges over pole sets, UNGA measures, vote subsets and random "
             "weights (about 30 s for one year).")] = False,
    draws: DrawsOpt = 100,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Every state ranked by the evenness of its composite balance in a year (1: most even).

    Every ranked state is measured on the same channel set: the largest set of at least
    --min-channels channels that still ranks 90% of the states the best-covered set ranks (or
    --channels). A state lacking one of them is listed last, not ranked, with the reason.
    """
    ps = poles_mod.load_pole_set(poles)
    validate.number(year, "year", "--year")
    validate.number(min_channels, "min_channels", "--min-channels",
                    hi=len(BALANCE_CHANNELS))
    validate.number(draws, "draws", "--draws")
    validate.number(security_arms, "security_arms", "--security-arms")
    given = validate.channel_weights(weights)
    chosen = validate.channel_set(channels)
    w = dict(given or DEFAULT_WEIGHTS)
    unga = options.UngaChannel(measure=measure.value)
    bo = options.BalanceOptions(weights=given, min_channels=min_channels, channel_set=chosen,
                                security_arms=security_arms)
    # every state's ranking and sensitivity under the defaults are stored at build time
    ranking_stored = options.serves_ranking(poles, unga, bo)
    sensitivity_stored = options.serves_sensitivity(draws, weights_given=given is not None,
                                                    security_arms=security_arms)
    ingest.ensure()
    with warehouse.connect() as con:
        catalog.require_composite_year(con, year, min_channels)
        frame = (options.stored(con, "derived_ranking", "ranking", "WHERE pole_set = ? AND "
                                "year = ?", [ps.name, year]) if ranking_stored else None)
        if frame is None or frame.empty:
            sh = all_shares(con, ps, (year, year), None, BALANCE_CHANNELS, unga,
                            progress=True, security_arms=bo.security_arms)
            frame = derive.ranking_table(sh, min_channels, w, chosen)
        else:
            frame = frame.drop(columns="pole_set")
        if sensitivity:
            summary = (options.stored(con, "derived_sensitivity", "sensitivity",
                                      "WHERE year = ?", [year]) if sensitivity_stored else None)
            if summary is None or summary.empty:
                summary = sens.run(con, (year, year), draws=draws, weights=w,
                                   security_arms=security_arms, progress=True).summary
    if frame.empty or frame["rank"].isna().all():
        raise MultivectorError(f"no state has {min_channels} channels with data in {year}")
    ranked = frame[frame["rank"].notna()]
    err.print(f"ranked on {ranked['channels'].iloc[0].replace(',', ', ')} "
              f"({len(ranked)} states); {int(frame['rank'].isna().sum())} not ranked "
              "(reason in the last column)", highlight=False)
    frame = frame.drop(columns=["n_channels"]).astype({"rank": "Int64", "n_states": "Int64"})
    if sensitivity:
        extra = summary.drop(columns=["evenness", "rank", "n_states", "channels"],
                             errors="ignore")
        frame = frame.merge(extra, on=["iso3", "year"], how="left")
    if peers:
        pe = peers_mod.load_peer_set(peers)
        frame = frame[frame["iso3"].isin(pe.members)].copy()
        frame["rank_in_peers"] = frame["evenness"].rank(ascending=False,
                                                        method="min").astype("Int64")
    emit(frame.sort_values(["rank", "iso3"], na_position="last").reset_index(drop=True), fmt,
         out, title=f"composite balance over the {ps.name} poles, {year}",
         caption=explain(frame.columns))


@commands.command("sensitivity", help=cli_terms.SENSITIVITY_HELP)
@friendly
def sensitivity_cmd(
    country: Annotated[str | None, typer.Argument(help="ISO3 code or name (default: every "
                                                       "state).")] = None,
    years: YearsOpt = "1992-2024",
    draws: DrawsOpt = 100,
    seed: Annotated[int, typer.Option(help="Seed of the weight draws.")] = 0,
    factors: Annotated[bool, typer.Option("--factors", help="One-at-a-time ranges per "
                                                            "choice instead.")] = False,
    scenarios: Annotated[bool, typer.Option("--scenarios", help="Every scenario's value "
                                                                "instead.")] = False,
    security_arms: SecurityArmsOpt = 0.0,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """How much the composite balance and the rank depend on the analyst's choices: pole set
    (core, wide), UNGA measure (agreement, kappa, ideal-point distance), vote subset (all,
    important, no amendments), security channel (alliance weights, arms suppliers) and random
    channel weights, for every state and year (--security-arms: the baseline's arms weight)."""
    iso3 = states.validate_iso3(country) if country else None
    validate.number(draws, "draws", "--draws")
    validate.number(seed, "seed", "--seed")
    validate.number(security_arms, "security_arms", "--security-arms")
    span = validate.parse_years(years)
    # the default run over every state is stored at build time; each scenario's value is not
    use_stored = options.serves_sensitivity(draws, seed, scenarios=scenarios, years=span,
                                            security_arms=security_arms)
    ingest.ensure()
    frame = None
    with warehouse.connect() as con:
        if use_stored:
            table = "derived_sensitivity_factors" if factors else "derived_sensitivity"
            where, params = "WHERE year BETWEEN ? AND ?", list(span)
            if iso3:
                where, params = where + " AND iso3 = ?", [*params, iso3]
            frame = options.stored(con, table, "sensitivity", where + " ORDER BY iso3, year",
                                   params)
        if frame is None:
            res = sens.run(con, span, draws=draws, seed=seed, channels=BALANCE_CHANNELS,
                           security_arms=security_arms, progress=True)
            if iso3:
                res = sens.focal(res, iso3)
            frame = res.factors if factors else res.scenarios if scenarios else res.summary
    if frame.empty:
        raise MultivectorError(f"no composite for {iso3 or 'any state'} in {years}")
    if factors:  # the choice that moves the composite most first, in each state and year
        frame = frame.sort_values(["iso3", "year", "evenness_range", "rank_range"],
                                  ascending=[True, True, False, False], na_position="last",
                                  kind="stable").reset_index(drop=True)
    emit(frame, fmt, out, title="sensitivity of the composite balance"
         + (": one choice at a time, largest effect first" if factors else ""),
         caption=explain(frame.columns))
