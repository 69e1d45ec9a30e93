"""``multivector claims``: check statements against the data, list the measures they can name.

Registered in :mod:`multivector.cli.root` as ``app.add_typer(claims_app, name="claims")``.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from multivector import warehouse
from multivector.analysis import ingest
from multivector.analysis.claims import check as claims
from multivector.analysis.claims import frames, parse
from multivector.cli.common import Format, atomic_write, console, emit, err, friendly
from multivector.cli.params import OutOpt

claims_app = typer.Typer(help="Check statements (figures, growth, ranks) against the data.",
                         no_args_is_help=True)


CheckFormat = StrEnum("CheckFormat", {v: v for v in ("table", "json", "csv")})
ListFormat = StrEnum("ListFormat", {v: v for v in ("table", "csv", "json")})
COLOURS = {"supported": "green", "contradicted": "red", "unverifiable": "yellow"}


def _source_text(source: str | dict) -> str:
    if isinstance(source, str):
        return source
    return "; ".join(f"{k}: {v}" for k, v in source.items())


def results_table(results: list, source: str | dict, path: str) -> Table:
    """A rich table: one row per claim, its verdict coloured, each check's explanation."""
    table = Table(title=f"claims: {path}\nsource: {_source_text(source)}", show_lines=True,
                  title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("country", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("claim and evidence")
    for r in results:
        body = Text(r.claim.text, style="bold")
        for ev in r.evidence:
            body.append("\n- ")
            body.append(ev["explanation"], style=COLOURS[ev["verdict"]])
            names = ", ".join(s["source"] for s in ev["sources"])
            if names:
                body.append(f" [{names}]", style="dim")
        table.add_row(r.claim.id, r.claim.country, Text(r.verdict, style=f"bold "
                                                        f"{COLOURS[r.verdict]}"), body)
    return table


def results_frame(results: list) -> pd.DataFrame:
    """One row per check, flat, for CSV."""
    rows = []
    for r in results:
        for ev in r.evidence:
            rows.append({"id": r.claim.id, "country": r.claim.country,
                         "claim_verdict": r.verdict, "check": ev["check"], "name": ev["name"],
                         "year": ev.get("year"), "years": "-".join(map(str, ev.get("years", [])))
                         or None, "stated": ev["stated"], "found": ev["found"],
                         "difference": ev["difference"], "tolerance": ev["tolerance"],
                         "rank": ev["rank"], "of": ev["of"], "verdict": ev["verdict"],
                         "sources": ";".join(s["source"] for s in ev["sources"]),
                         "explanation": ev["explanation"]})
    return pd.DataFrame(rows)


@claims_app.command("check")
@friendly
def check_cmd(
    file: Annotated[Path, typer.Argument(help="A claims YAML file (see docs/methods.md).")],
    fmt: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")]
    = CheckFormat.table,
    out: OutOpt = None,
) -> None:
    """Check each claim of FILE against the data: supported, contradicted or unverifiable,
    with the evidence (values, ranks, sources). Contradicted claims are a result: exit 0."""
    parsed = parse.load_claims(file)  # a bad file fails before any data are touched
    ingest.ensure()
    with warehouse.connect() as con:
        results = claims.check(parsed, frames.MeasureData(con))
    counts = {v: sum(r.verdict == v for r in results) for v in claims.VERDICTS}
    summary = ", ".join(f"{n} {v}" for v, n in counts.items())
    if fmt is CheckFormat.json:
        text = json.dumps([r.to_dict() for r in results], indent=1, ensure_ascii=False)
    elif fmt is CheckFormat.csv:
        text = results_frame(results).to_csv(index=False)
    else:
        table = results_table(results, parsed.source, str(file))
        if out is None:
            console.print(table)
            err.print(summary)
            return
        def write_table(tmp: Path) -> None:
            with tmp.open("w", encoding="utf-8") as fh:
                Console(file=fh, width=120, no_color=True).print(table)

        atomic_write(out, write_table)
        err.print(f"wrote {len(results)} claims to {escape(str(out))} ({summary})")
        return
    if out is None:
        typer.echo(text.rstrip("\n"))
    else:
        body = text + ("" if text.endswith("\n") else "\n")
        atomic_write(out, lambda tmp: tmp.write_text(body, encoding="utf-8"))
        err.print(f"wrote {len(results)} claims to {escape(str(out))} ({summary})")


@claims_app.command("measures")
@friendly
def measures_cmd(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")]
    = ListFormat.table,
    out: OutOpt = None,
) -> None:
    """The measures and WDI indicators a claim can name: title, unit, source, years covered
    (with a built warehouse) and how rank is defined."""
    if warehouse.exists():
        with warehouse.connect() as con:
            frame = frames.listing(frames.MeasureData(con))
    else:
        err.print("no warehouse yet: years covered are left empty (`multivector ingest`)")
        frame = frames.listing()
    if fmt is ListFormat.table and out is None:
        console.print(measures_table(frame))
        err.print("rank 1: the state with the highest (or lowest) value that year; ties share "
                  "the best rank. Shares are fractions (0.2 = 20%). Sources and full titles: "
                  "--format csv or json.")
        return
    emit(frame, Format(fmt.value), out, title="measures a claim can name")


def measures_table(frame: pd.DataFrame) -> Table:
    """The catalog for a terminal: name, years, rank direction, unit, title."""
    table = Table(title="measures a claim can name")
    table.add_column("name", no_wrap=True)
    table.add_column("years", no_wrap=True)
    table.add_column("rank 1", no_wrap=True)
    table.add_column("unit")
    table.add_column("title")
    notes = {}
    for r in frame.itertuples(index=False):
        years = r.years
        if years.startswith("none ("):
            notes.setdefault(years[6:-1], []).append(r.name)
            years = "none*"
        table.add_row(r.name, years, r.rank.removeprefix("1 = "), r.unit, r.title)
    if notes:
        table.caption = "* " + "; ".join(f"{why}: {', '.join(names)}"
                                         for why, names in notes.items())
    return table
