"""``multivector events``: code diplomatic events (PLOVER) in news text, score the coder.

Registered in :mod:`multivector.cli.root` as ``app.add_typer(events_app, name="events")``. The
heavy work lives in :mod:`multivector.sources.eventcoder` (its models load when first used, not
at import); this module only reads options and prints.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from multivector.cli.common import atomic_write, console, err, friendly
from multivector.cli.params import OutOpt
from multivector.core.errors import MultivectorError
from multivector.sources.eventcoder.coder import EventCoder, Pipeline
from multivector.sources.eventcoder.evaluate import cross_validate, score
from multivector.sources.eventcoder.gsr import read_gsr
from multivector.sources.eventcoder.text import read_inputs
from multivector.warehouse.events import events_path, store_events

events_app = typer.Typer(help="Diplomatic events (PLOVER): coded from news text (code, "
                                "evaluate) or ingested from bulk event data (ingest, aggregate, "
                                "status).",
                         no_args_is_help=True)
Fmt = StrEnum("Fmt", {v: v for v in ("table", "csv", "json", "parquet")})


def emit(df: pd.DataFrame, fmt: Fmt, out: Path | None, title: str) -> None:
    """Print or write a result in the chosen format."""
    if fmt == Fmt.parquet:
        if out is None:
            raise MultivectorError("--format parquet needs --out FILE")
        atomic_write(out, lambda tmp: df.to_parquet(tmp, index=False))
    elif fmt == Fmt.csv:
        text = df.to_csv(index=False)
    elif fmt == Fmt.json:
        text = df.to_json(orient="records", indent=1, force_ascii=False)
    else:
        table = Table(title=title, title_justify="left", show_lines=False)
        for c in df.columns:
            table.add_column(str(c), overflow="fold")
        for row in df.itertuples(index=False):
            table.add_row(*("" if pd.isna(v) else str(v) for v in row))
        if out is None:
            console.print(table)
            return
        text = df.to_string(index=False)
    if fmt != Fmt.parquet:
        if out is None:
            typer.echo(text)
        else:
            atomic_write(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    if out is not None:
        err.print(f"wrote {len(df)} rows to {escape(str(out))}")


@events_app.command("code")
@friendly
def code(
    files: Annotated[list[str] | None, typer.Argument(
        help="Text or HTML files, folders of them, or - for standard input.")] = None,
    gsr: Annotated[Path | None, typer.Option(
        "--gsr", help="Code the records of a gold-standard-layout JSON file: one prediction "
        "per id (id, event_type, quad, source, target, confidence).")] = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
    out: OutOpt = None,
    date: Annotated[str | None, typer.Option(
        help="The articles' date (YYYY-MM-DD) when the text does not give it.")] = None,
    store: Annotated[bool, typer.Option(
        "--store", help="Add the events to the events database beside the warehouse "
        "(a document already stored, by sha256, is skipped).")] = False,
) -> None:
    """Find the events in each sentence: date, source and target (ISO3 or IGO), PLOVER type,
    quad class, confidence, document and sentence."""
    if not files and gsr is None:
        raise MultivectorError("give FILE… (or - for standard input) or --gsr FILE")
    day = None
    if date:
        try:
            day = dt.date.fromisoformat(date)
        except ValueError:
            raise MultivectorError(f"--date {date!r}: expected YYYY-MM-DD") from None
    docs = read_inputs(files, day) if files else []
    records = read_gsr(gsr) if gsr is not None else []
    coder = EventCoder()
    if records:
        emit(coder.code_records(records), fmt, out, f"predictions: {gsr}")
    if docs:
        events = coder.code_documents(docs)
        if store:
            added, skipped = store_events(events)
            err.print(f"stored {added} events in {events_path()}"
                      + (f"; {skipped} document(s) already stored, skipped" if skipped else ""))
        shown = events.drop(columns=["doc_sha256"]) if fmt == Fmt.table else events
        emit(shown, fmt, out if not records else None,
             f"events in {len(docs)} document(s): {len(events)}")


@events_app.command("evaluate")
@friendly
def evaluate(
    file: Annotated[Path, typer.Argument(help="Labelled records in the gold-standard layout.")],
    predictions: Annotated[Path | None, typer.Option(
        help="Score these predictions (CSV or JSON from `events code --gsr`) instead of "
        "cross-validating the coder.")] = None,
    folds: Annotated[int, typer.Option(help="Folds of the cross-validation.")] = 5,
    seed: Annotated[int, typer.Option(help="Seed of the fold shuffle.")] = 0,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
) -> None:
    """Accuracy figures on labelled records: event type (accuracy, macro-F1), quad class,
    source and target actors. Without --predictions, stratified k-fold cross-validation:
    the coder is fitted on the PLOVER manual and the other folds, never on what it scores."""
    records = read_gsr(file, labelled=True)
    if predictions is not None:
        try:
            pred = (pd.read_json(predictions) if predictions.suffix == ".json"
                    else pd.read_csv(predictions, keep_default_na=False))
        except (OSError, ValueError) as exc:
            raise MultivectorError(f"{predictions}: cannot be read ({exc})") from None
        how = f"predictions {predictions}"
    else:
        pipe = Pipeline.shared()
        pred = cross_validate(lambda train: EventCoder(train, pipeline=pipe), records,
                              folds, seed)
        how = f"{folds}-fold cross-validation, seed {seed}"
    figures = score(records, pred.fillna(""), file=str(predictions or file))
    df = pd.DataFrame({"figure": list(figures), "value": [round(v, 4) if isinstance(v, float)
                                                          else v for v in figures.values()]})
    emit(df, fmt, None, f"{file}: {how}")
