"""The parameters the ``multivector`` commands share: argument and option types, the choice
lists built from the project's names, and the prelude of the single-state commands.

Every command module imports its shared parameters from here; this module imports no command
module (:mod:`multivector.cli.root` assembles them).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from multivector.analysis import ingest
from multivector.cli.common import Format, err
from multivector.core import states, validate
from multivector.core.poles import PoleSet
from multivector.measures.similarity import MEASURES


def choices(name: str, values: Iterable[str]) -> type[StrEnum]:
    """A string enum of the given values, for typer's choice lists."""
    return StrEnum(name, {v: v for v in values})


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
CountryArg = Annotated[str, typer.Argument(help="ISO3 code (KAZ) or name.")]
YearsOpt = Annotated[str, typer.Option(help="Year range, e.g. 1992-2024 (sessions opened "
                                            "in these years).")]
PolesOpt = Annotated[str, typer.Option(help="Pole set: core, wide or a TOML file.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]

# the UNGA dyadic measures, and the UNGA channel of the balance: split-vote shares (the
# default) or one of those measures turned into an affinity
Measure = choices("Measure", (*MEASURES, "idealpoint_distance"))
ChannelMeasure = choices("ChannelMeasure", ("split", *MEASURES, "idealpoint_distance"))


def focal_note(ps: PoleSet, iso3: str, span: tuple[int, int]) -> None:
    """Say so when the focal state is a member of one of the poles (it is left out of it)."""
    note = ps.focal_note(iso3, span)
    if note:
        err.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)


def state_years(country: str, years: str) -> tuple[str, tuple[int, int]]:
    """The focal state's ISO3 code and the year range, checked; the warehouse built if it is
    missing (the prelude of every single-state command)."""
    iso3 = states.validate_iso3(country)
    span = validate.parse_years(years)
    ingest.ensure()
    return iso3, span
