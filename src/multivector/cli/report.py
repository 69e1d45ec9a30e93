"""``multivector report``: the full report for one state, HTML and PDF."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from multivector import warehouse
from multivector.analysis import ingest, profile
from multivector.cli.common import console, err, friendly
from multivector.cli.params import CountryArg, PolesOpt, YearsOpt
from multivector.core import states, validate
from multivector.core.errors import MultivectorError

commands = typer.Typer()


@commands.command("report")
@friendly
def report(
    country: CountryArg,
    years: YearsOpt = "1992-2024",
    poles: PolesOpt = "core",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Report file (default: <ISO3>.html). A name ending in .pdf writes "
                            "the PDF only.")] = None,
    pdf: Annotated[bool, typer.Option(
        "--pdf", help="Also write the PDF, beside the HTML under the same name (KAZ.pdf).")]
    = False,
    peers: Annotated[str, typer.Option(
        help="Peer set the state is compared with (middle, a TOML file, or 'none').")]
    = "middle",
    claims: Annotated[Path | None, typer.Option(
        "--claims", help="A claims file (YAML) to check against the data; adds a claims "
                         "section.")] = None,
) -> None:
    """Write the full report for one state: HTML (self-contained) and, with --pdf, a PDF.

    The front page answers whether the state's engagement is spread across the poles, how
    evenly, where it tilts, since when and how sure; then a section per channel, the balance
    by channel, sensitivity, peers and the middle-power index, claims (with --claims), sources.
    """
    # altair and fpdf2 (charts, PDF) take about half a second to import: only this command
    # pays for them, not every start of the command line
    from multivector.report.render import write_report

    iso3 = states.validate_iso3(country)
    span = validate.parse_years(years)
    if claims is not None and not claims.is_file():
        raise MultivectorError(f"--claims: no such file {str(claims)!r}")
    target = out or Path(f"{iso3}.html")
    pdf_only = target.suffix.lower() == ".pdf"
    pdf_path = target if pdf_only else (target.with_suffix(".pdf") if pdf else None)
    if not warehouse.exists():
        err.print("no warehouse yet: pulling the sources and building it (once)")
        ingest.ensure()
    start = time.perf_counter()
    with warehouse.connect() as con:
        prof = profile.build_profile(con, iso3, span, poles,
                                     peers=None if peers.lower() == "none" else peers,
                                     claims_file=str(claims) if claims is not None else None)
    paths = write_report(prof, target, pdf_out=pdf_path, html_out=not pdf_only)
    done = ", ".join(f"{p} ({p.stat().st_size / 1e6:.1f} MB)" for p in paths)
    console.print(f"wrote {done} in {time.perf_counter() - start:.1f} s")
    for note in prof.notes:
        err.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
