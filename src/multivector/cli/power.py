"""``multivector power``: the middle-power index, a year's ranking or a state's series."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from multivector import warehouse
from multivector.analysis import ingest, options
from multivector.analysis.panel.power import power_components
from multivector.cli.common import Format, emit, err, friendly
from multivector.cli.params import FormatOpt, OutOpt
from multivector.core import peers as peers_mod
from multivector.core import states, validate
from multivector.core.errors import MultivectorError
from multivector.measures import power as power_mod

commands = typer.Typer()


@commands.command("power")
@friendly
def power(
    year: Annotated[int, typer.Option(help="Year of the ranking.")] = 2020,
    country: Annotated[str | None, typer.Option(
        help="A state's series over --years instead of a ranking (ISO3 or name).")] = None,
    years: Annotated[str, typer.Option(help="Span of the --country series.")] = "1995-2024",
    peers: Annotated[str | None, typer.Option(
        help="Peer set: middle, central_asia, mikta, g20, a TOML file, or ISO3 codes "
             "separated by commas. Adds rank_in_peers; only peers are listed.")] = None,
    weights: Annotated[str | None, typer.Option(
        help="Component weights, e.g. 'gdp=2,vote_breadth=1' (default: gdp 20, milex 20, "
             "population 7.5, cinc 7.5; reach components 1 each, vote_breadth 0). A component "
             "weighing 0 leaves the component set.")] = None,
    pillar: Annotated[float, typer.Option(help="Weight of position (reach: 1 - it).")] = 0.55,
    draws: Annotated[int, typer.Option(help="Random weight draws for rank ranges "
                                            "(0: none).")] = 100,
    component_set: Annotated[str | None, typer.Option(
        "--set", help="Component set, e.g. 'gdp,milex,trade_share,allies' (default: the "
                      "weighted components available in every year of the longest unbroken "
                      "run of years in the span; ties: more components).")] = None,
    components: Annotated[bool, typer.Option(help="List the raw components instead.")]
    = False,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """The middle-power index: a ranking of every state in a year (or, with --country, a
    state's series), on one component set stated in the output; a state lacking a component of
    the set is listed as not ranked, with the reason. Position, reach, index, rank, the power
    gap (reach beyond what position predicts) and rank ranges under random weights."""
    validate.number(year, "year", "--year")
    validate.number(pillar, "pillar", "--pillar")
    validate.number(draws, "draws", "--draws")
    w = _parse_weights(weights)
    cset_given = _parse_set(component_set)
    iso3 = states.validate_iso3(country) if country else None
    span = validate.parse_years(years) if iso3 else (year, year)
    what = f"{iso3}, {span[0]}-{span[1]}" if iso3 else str(year)
    use_stored = options.serves_power(w is not None, cset_given is not None, draws, pillar)
    ingest.ensure()
    with warehouse.connect() as con:
        # the components and the default index of every state and year are stored at build
        where = ("WHERE year BETWEEN ? AND ?", list(span))
        comp = options.stored(con, "derived_power_components", "power", *where)
        stored = options.stored(con, "derived_power", "power", *where) if use_stored else None
        if comp is None or comp.empty:
            comp = power_components(con, span)
    if comp.empty:
        raise MultivectorError(f"no power components for {what}")
    peer = peers_mod.load_peer_set(peers) if peers else None
    if components:
        frame = comp if peer is None else comp[comp["iso3"].isin(peer.members)]
        frame = frame if iso3 is None else frame[frame["iso3"] == iso3]
        emit(frame.reset_index(drop=True), fmt, out, title=f"power components, {what}")
        return
    if cset_given is None:
        cset, run = power_mod.choose_components(comp, w, span)
        how = f"the longest unbroken run of years with all of them: {run[0]}-{run[1]}"
    else:
        cset, how = cset_given, "chosen with --set"
    err.print(f"[yellow]note:[/] components: {', '.join(cset)} ({how})", highlight=False)
    if stored is not None and len(stored) and set(stored["components"]) == {",".join(cset)}:
        idx = stored
    else:
        idx = power_mod.power_index(comp, w, pillar, component_set=cset)
        if draws > 0 and len(idx):  # seed 0, as the stored index: same draws, same ranges
            sens = power_mod.rank_sensitivity(comp, draws=draws, seed=0, weights=w,
                                              component_set=cset)
            idx = idx.merge(sens.drop(columns="rank"), on=["iso3", "year"], how="left")
    skipped = power_mod.unranked(comp, cset).rename(columns={"reason": "not_ranked"})
    if iso3 is not None:
        idx, skipped = idx[idx["iso3"] == iso3], skipped[skipped["iso3"] == iso3]
    if idx.empty:
        raise MultivectorError(f"no state has every component of the set ({', '.join(cset)}) "
                               f"in {what}")
    idx = idx.sort_values(["year", "rank", "iso3"])
    if peer is not None:
        idx = idx[idx["iso3"].isin(peer.members)].copy()
        skipped = skipped[skipped["iso3"].isin(peer.members)]
        idx["rank_in_peers"] = (idx.groupby("year")["index"].rank(ascending=False, method="min")
                                .astype(int))
        missing = sorted(set(peer.members) - set(idx["iso3"]) - set(skipped["iso3"]))
        if missing:
            err.print(f"[yellow]note:[/] no component at all for {', '.join(missing)} in "
                      f"{what}")
    frame = pd.concat([idx.assign(not_ranked=""), skipped], ignore_index=True)
    for col in ("rank", "n_components", "rank_in_peers"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    if iso3 is not None:
        frame = frame.sort_values("year")
    emit(frame.reset_index(drop=True), fmt, out, title=f"middle-power index, {what}")


def _parse_set(text: str | None) -> tuple[str, ...] | None:
    """``--set`` text, ``name,name,...``, checked against the component names."""
    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    known = power_mod.DEFAULT_WEIGHTS
    bad = [n for n in names if n not in known]
    if bad:
        raise MultivectorError(f"--set: unknown component(s) {', '.join(bad)}; known: "
                               f"{', '.join(known)}")
    return tuple(c for c in known if c in names)


def _parse_weights(text: str | None) -> dict[str, float] | None:
    """``--weights`` text, ``name=weight,...``, checked against the component names."""
    return validate.named_weights(text, tuple(power_mod.DEFAULT_WEIGHTS), "component")
