"""``multivector ingest``, ``data`` (pull, status, add) and ``poles`` (list, show): the pinned
source files, the files a user adds, the warehouse built from them, and the pole sets."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from multivector.analysis import ingest as pipeline
from multivector.cli.common import Format, console, emit, err, friendly
from multivector.cli.params import FormatOpt, OutOpt
from multivector.core import paths, validate
from multivector.core.poles import load_pole_set, packaged_pole_sets
from multivector.sources import extra, registry
from multivector.sources.fetch import availability, pull
from multivector.sources.layouts import FAMILIES

commands = typer.Typer()
data_app = typer.Typer(help="Pinned source files: pull, verify, status; add a newer release.",
                       no_args_is_help=True)
poles_app = typer.Typer(help="Pole sets: the power centres a state balances between.",
                        no_args_is_help=True)


@data_app.command("pull")
@friendly
def data_pull(
    sources: Annotated[list[str] | None, typer.Argument(help="Source names (default: all).")]
    = None,
) -> None:
    """Download (or read from MULTIVECTOR_MIRROR) and verify the pinned files."""
    start = time.perf_counter()
    got = pull(sources or None)
    n = sum(len(v) for v in got.values())
    console.print(f"verified {n} files of {len(got)} sources in "
                  f"{time.perf_counter() - start:.1f} s")


@data_app.command("status")
@friendly
def data_status(
    fmt: FormatOpt = Format.table, out: OutOpt = None,
    added: Annotated[bool, typer.Option(
        "--added", help="Only the files added with `data add`, with their sha256.")] = False,
) -> None:
    """Each source: files cached or mirrored, size, licence, citation; then the user-added
    files (`data add`), each with its sha256 and whether it is still the file recorded."""
    mine = extra.added_files()
    where = paths.user_registry()
    if added:
        emit(mine, fmt, out, title=f"user-added files ({where})")
        return
    rows = []
    for s in registry.sources().values():
        have = sum(availability(s.files))  # sha256 verified, cached by size and mtime
        rows.append({"source": s.name, "files": len(s.files), "available": have,
                     "state": "ready" if have == len(s.files) else (
                         "partial" if have else "missing"),
                     "MB": round(s.total_bytes / 1e6, 2), "coverage": s.coverage,
                     "title": s.title, "licence": "; ".join(s.licences),
                     "citation": s.citation})
    frame = pd.DataFrame(rows)
    if fmt is Format.table and out is None:
        err.print(f"files read from: {paths.mirror_root() or paths.cache_dir()} (licences and "
                  "citations: --format csv or json)")
        frame = frame.drop(columns=["citation", "licence"])
    emit(frame, fmt, out, title="sources")
    if len(mine) and fmt is Format.table and out is None:
        emit(mine.drop(columns=["origin", "licence"]), fmt, None,
             title=f"user-added files ({where})")
    elif len(mine):
        err.print(f"{len(mine)} user-added files: multivector data status --added")


def _say(text: str) -> None:
    """A line on standard output as it is: no markup (a path may hold brackets), no wrap."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


@data_app.command("add")
@friendly
def data_add(
    file: Annotated[Path, typer.Argument(help="The file: a newer release of a source's format.")],
    source: Annotated[str, typer.Option(
        "--as", help=f"The source it is a file of: {', '.join(sorted(FAMILIES))}.")],
    url: Annotated[str | None, typer.Option(help="Where it was published (recorded).")] = None,
    licence: Annotated[str | None, typer.Option(help="Its licence (recorded).")] = None,
) -> None:
    """Check a newer file of a source's published format with the source's parser and record
    it (path, sha256, size) in the user's registry: `multivector ingest` then reads it in
    place, checked against that sha256. Nothing is copied."""
    got = extra.add(file, source, url=url, licence=licence)
    row = got.row
    if got.status == "unchanged":
        _say(f"{file}: already recorded as a {source} file (same sha256) in {got.registry}; "
             "nothing changed")
        return
    if got.status == "pinned":
        removed = f" (its earlier row in {got.registry} was removed)" if row else ""
        _say(f"{file}: byte for byte the pinned file {got.other} of {source}; nothing to "
             f"add{removed}")
        return
    if got.status == "duplicate":
        _say(f"{file}: the same bytes are recorded already as a {source} file, from "
             f"{got.other}; nothing recorded")
        return
    holds = f" ({got.holds})" if got.holds else ""
    _say(f"{got.status} a {source} file: {row['name']}{holds}")
    for key in ("mirror_path", "url", "sha256", "bytes", "licence", "origin", "added_at"):
        if row.get(key):
            _say(f"  {key:<11} {row[key]}")
    _say(f"recorded in {got.registry}; `multivector ingest` will include it (read in place, "
         "checked against this sha256; a changed file is refused until it is added again)")


@commands.command("ingest")
@friendly
def ingest(force: Annotated[bool, typer.Option(help="Rebuild even if it exists.")] = True,
           ) -> None:
    """Build the DuckDB warehouse from the pinned sources (atomic: build aside, then swap)."""
    target = paths.warehouse_path()
    if target.exists() and not force:
        console.print(f"warehouse already at {target}")
        return
    report = pipeline.build(target)
    console.print(f"built {target} in {report.seconds:.1f} s "
                  f"({target.stat().st_size / 1e6:.1f} MB)")
    for table, n in report.rows.items():
        console.print(f"  {table:22s} {n:>10,d} rows")
    if report.unmapped is not None and len(report.unmapped):
        err.print("[yellow]names or codes that could not be mapped (kept, flagged):[/]")
        for r in report.unmapped.itertuples():
            err.print(f"  {r.source}: {r.label!r} ({r.rows} rows)")


@poles_app.command("list")
@friendly
def poles_list() -> None:
    """The packaged pole sets."""
    for name in packaged_pole_sets():
        ps = load_pole_set(name)
        console.print(f"[bold]{name}[/]: {ps.description} ({', '.join(ps.ids)})")


@poles_app.command("show")
@friendly
def poles_show(
    pole_set: Annotated[str, typer.Argument(help="core, wide, or a path to a TOML file.")],
    year: Annotated[int, typer.Option(help="Members in this year (31 December).")] = 2024,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Members of each pole of a set in a year."""
    validate.number(year, "year", "--year")
    ps = load_pole_set(pole_set)
    frame = ps.members(year)
    labels = {p.id: p.label for p in ps.poles}
    frame.insert(1, "label", frame["pole"].map(labels))
    frame.insert(0, "year", year)
    if fmt is Format.table and out is None:
        listing = ps.listing(year)
        frame = pd.DataFrame({"year": year, "pole": ps.ids,
                              "label": [labels[i] for i in ps.ids],
                              "members": [listing[i] for i in ps.ids]})
    emit(frame, fmt, out, title=f"pole set {ps.name}, {year}")
