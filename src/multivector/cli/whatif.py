"""``multivector whatif``: a state's balance and rank under a scenario, against the baseline.

Its ``commands`` are merged into the root app (:mod:`multivector.cli.root`); it computes nothing
itself (:mod:`multivector.analysis.whatif`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from multivector import warehouse
from multivector.analysis import ingest
from multivector.analysis import whatif as wi
from multivector.analysis import whatif_steps as steps_mod
from multivector.cli.common import Format, atomic_write, emit, err, friendly
from multivector.core import poles as poles_mod
from multivector.core import validate
from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS
from multivector.measures import scenario as tf

commands = typer.Typer()

STEP_HELP = ("A step, repeatable: 'drop:POLE[@CHANNEL]', 'scale:POLE@CHANNEL=FACTOR' or "
             "'add:POLE@CHANNEL=SHARE' (CHANNEL * or left out: every channel), e.g. "
             "--step 'scale:EU@exports=0.8' --step 'drop:RUS@imports'. One partner (a state, "
             "inside a pole or in the rest of the world) is always written partner=CODE: "
             "'scale:partner=ITA@exports=0.5', 'drop:partner=DEU@imports' (exports, imports, "
             "arms, investment only; * : every one of them); a bare name is a pole.")


@commands.command("whatif")
@friendly
def whatif(
    country: Annotated[str | None, typer.Argument(help="ISO3 code or name.")] = None,
    step: Annotated[list[str] | None, typer.Option("--step", help=STEP_HELP)] = None,
    years: Annotated[str, typer.Option(help="Year range of the balance.")] = "1992-2024",
    year: Annotated[int, typer.Option(help="Year of the ranking.")] = 2020,
    poles: Annotated[str, typer.Option(help="Pole set: core or wide.")] = "core",
    weights: Annotated[str | None, typer.Option(help="Channel weights, e.g. "
                                                     "'unga=1,exports=2'.")] = None,
    channels: Annotated[str | None, typer.Option(help="The composite's channel set.")] = None,
    scenario: Annotated[Path | None, typer.Option(help="Read the scenario from this YAML or "
                                                       "JSON file instead.")] = None,
    save: Annotated[Path | None, typer.Option(help="Write the scenario to this file (.yaml "
                                                   "or .json) to reproduce it.")] = None,
    consortium: Annotated[str | None, typer.Option(
        help="Supplier-diversification case instead: 'fuel=RUS,reactor=USA,financing=CHN' "
             "(evenness over the pole set as each part is chosen).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="table, or json: everything "
                                        "the API's /api/scenarios answers (scenario, file, "
                                        "steps, notes, balance, rank, shares).")] = Format.table,
) -> None:
    """A state's balance and rank recomputed under a scenario (a pole dropped or scaled in a
    channel, one partner dropped or scaled in a trade, arms or investment channel, a
    hypothetical partner's share added, other channel weights), beside the baseline; the
    scenario can be saved to a file that reproduces it."""
    if fmt not in (Format.table, Format.json):
        raise MultivectorError("whatif --format: table or json")
    if consortium:
        ps = poles_mod.load_pole_set(poles)
        choices = []
        for part in consortium.split(","):
            name, _, pole = part.partition("=")
            choices.append((name.strip(), pole.strip()))
        emit(tf.consortium(choices, [p.id for p in ps.poles]), Format.table, None,
             title=f"consortium evenness over the {ps.name} poles")
        return
    if scenario is not None:
        try:
            size = scenario.stat().st_size
            if size > 64_000:
                raise MultivectorError(f"{scenario}: too large ({size:,} bytes)")
            sc = wi.parse(scenario.read_text("utf-8"), str(scenario))
        except (OSError, UnicodeDecodeError) as exc:
            raise MultivectorError(f"{scenario}: cannot be read: {exc}") from None
    else:
        if not country:
            raise MultivectorError("give a COUNTRY or --scenario FILE")
        y0, y1 = validate.parse_years(years)
        raw = {"state": country, "years": [y0, y1], "year": year, "poles": poles,
               "weights": validate.named_weights(weights, BALANCE_CHANNELS, "channel"),
               "channels": list(validate.channel_set(channels) or []) or None,
               "steps": [steps_mod.parse_step(s) for s in step or []]}
        sc = wi.check(raw)
    ingest.ensure()
    with warehouse.connect() as con:
        res = wi.run(con, sc)
    for i, text in enumerate(res["steps"], 1):
        err.print(f"step {i}: {text}", markup=False)
    for note in res["notes"]:
        err.print(f"[yellow]note[/]: {escape(note)}")
    if fmt is Format.json:
        sys.stdout.write(json.dumps(wi.records(res, sc), indent=1) + "\n")
    else:
        b = res["balance"]
        comp = b[b["channel"] == "composite"]
        emit(comp if len(comp) else b, Format.table, None,
             title=f"{sc.state}: composite evenness, baseline and scenario")
        emit(res["rank"], Format.table, None, title=f"{sc.state}: rank in {sc.year}")
        moved = wi.moved(res["shares"], sc.year)
        if len(moved):
            emit(moved, Format.table, None,
                 title=f"{sc.state}: shares by pole in {sc.year} of the channels that moved")
    if save is not None:
        text = wi.dump(sc, "json" if save.suffix.lower() == ".json" else "yaml")
        atomic_write(save, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        where = escape(str(save))
        err.print(f"wrote the scenario to {where} (multivector whatif --scenario {where})")
