"""``multivector events`` commands for bulk event data: ingest, aggregate, status.

The functions are plain typer commands; :func:`register` attaches them to an ``events``
group (:mod:`multivector.cli.root` does); frames are written with
:func:`multivector.cli.common.emit`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from multivector.analysis.events import aggregate as agg
from multivector.cli.common import Format, emit, err, friendly
from multivector.cli.params import OutOpt
from multivector.warehouse import events as store

EventFormat = StrEnum("EventFormat", {v: v for v in ("icews", "gdelt1", "gdelt2", "polecat")})
Engine = StrEnum("Engine", {v: v for v in ("duckdb", "spark")})
Period = StrEnum("EventPeriod", {v: v for v in ("year", "month")})
OutFormat = StrEnum("EventOutFormat", {v: v for v in ("table", "csv", "json", "parquet")})
FmtOpt = Annotated[OutFormat, typer.Option("--format", "-f", help="Output format.")]


def _emit(frame: pd.DataFrame, fmt: OutFormat, out: Path | None, title: str) -> None:
    emit(frame, Format(fmt.value), out, title=title)


@friendly
def ingest(
    file: Annotated[Path, typer.Argument(help="An event file in one of the published layouts.",
                                         exists=True, dir_okay=False)],
    layout: Annotated[EventFormat, typer.Option("--format", help="Its layout: icews (Dataverse "
                                                "tab), gdelt1 (57/58 fields), gdelt2 (61 "
                                                "fields) or polecat.")],
    strict: Annotated[bool, typer.Option(help="Fail on the first malformed row instead of "
                                              "counting it.")] = False,
) -> None:
    """Store the events of FILE in the events file (beside the warehouse).

    Event codes map to PLOVER types through the CAMEO2PLOVER crosswalk and actor countries to
    ISO3; rows that do not map are counted by reason and printed, never dropped silently.
    Ingesting the same file again replaces its events (matched by the file's sha256).
    """
    report, doc, seen = store.ingest_file(file, layout.value, strict=strict)
    verb = "replaced" if seen else "stored"
    err.print(f"{verb} {report.rows_kept:,} of {report.rows_read:,} events from {file.name} "
              f"({layout.value}, sha256 {doc[:12]}) in {store.events_path()}")
    if len(report.problems):
        err.print("not stored, by reason:")
        for r in report.summary().itertuples():
            err.print(f"  {r.reason}: {r.rows:,} rows")
        top = report.problems.sort_values("rows", ascending=False).head(10)
        for r in top.itertuples():
            err.print(f"    {r.field} {r.label!r}: {r.rows:,} ({r.reason})")


@friendly
def aggregate(
    engine: Annotated[Engine, typer.Option(help="duckdb (default) or spark (pyspark and Java "
                                                "needed; local mode unless "
                                                "MULTIVECTOR_SPARK_MASTER).")] = Engine.duckdb,
    by: Annotated[Period, typer.Option(help="Period: year or month.")] = Period.year,
    source: Annotated[Path | None, typer.Option(help="Events: an events file or Parquet "
                                                     "file/folder (default: the stored "
                                                     "events).")] = None,
    fmt: FmtOpt = OutFormat.table, out: OutOpt = None,
) -> None:
    """Events to directed dyad x year (x month) counts by PLOVER type and quad class.

    One SQL text, run by DuckDB or by Spark: the same result on either engine.
    """
    src = source or store.events_path()
    frame = agg.aggregate(src, by.value, engine.value)
    _emit(frame, fmt, out, f"events by dyad and {by.value} ({engine.value})")


@friendly
def status(fmt: FmtOpt = OutFormat.table, out: OutOpt = None,
           problems: Annotated[bool, typer.Option(help="List the rows not stored, by label "
                                                       "and reason.")] = False) -> None:
    """The ingested event files, or (--problems) what was not stored from them."""
    frame = store.problems() if problems else store.files()
    if frame.empty:
        err.print(f"no events ingested ({store.events_path()})")
        return
    _emit(frame, fmt, out, "event problems" if problems else "ingested event files")


def register(group: typer.Typer) -> None:
    """Attach ``ingest``, ``aggregate`` and ``status`` to the ``events`` group."""
    group.command("ingest")(ingest)
    group.command("aggregate")(aggregate)
    group.command("status")(status)
