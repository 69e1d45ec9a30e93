"""The ``multivector`` command line (typer).

Every command that outputs data accepts ``--format table|csv|json|parquet`` (and ``--out FILE``).
Errors multivector raises on purpose are printed as one clear line and exit with status 1.
"""

from __future__ import annotations

import re
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from multivector.analysis import idealpoints as ideal
from multivector.analysis import ingest as pipeline
from multivector.analysis.claims import catalog
from multivector.cli import events_bulk as cli_events_bulk
from multivector.cli.claims import claims_app
from multivector.cli.common import Format, console, emit, err, friendly
from multivector.cli.events import events_app
from multivector.cli.serve import serve
from multivector.cli.whatif import whatif
from multivector.core import terms as cli_terms
from multivector.core import validate
from multivector.core.errors import MultivectorError
from multivector.core.terms import explain
from multivector.core.vocabulary import BALANCE_CHANNELS
from multivector.measures.decomposition import decompose

app = typer.Typer(help="multivector: how a state's engagement spreads across the poles of "
                       "world politics, from pinned open data.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
data_app = typer.Typer(help="Pinned source files: pull, verify, status.", no_args_is_help=True)
poles_app = typer.Typer(help="Pole sets: the power centres a state balances between.",
                        no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(poles_app, name="poles")
app.add_typer(claims_app, name="claims")
cli_events_bulk.register(events_app)
app.add_typer(events_app, name="events")


_friendly = friendly  # the name every command below is decorated with


def _focal_note(ps, iso3: str, span: tuple[int, int]) -> None:
    """Say so when the focal state is a member of one of the poles (it is left out of it)."""
    note = ps.focal_note(iso3, span)
    if note:
        err.print(f"[yellow]note:[/] {note}", highlight=False, soft_wrap=True)


def _state_years(country: str, years: str) -> tuple[str, tuple[int, int]]:
    """The focal state's ISO3 code and the year range, checked; the warehouse built if it is
    missing (the prelude of every single-state command)."""
    from multivector.core import states

    iso3 = states.validate_iso3(country)
    span = validate.parse_years(years)
    pipeline.ensure()
    return iso3, span


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
CountryArg = Annotated[str, typer.Argument(help="ISO3 code (KAZ) or name.")]
YearsOpt = Annotated[str, typer.Option(help="Year range, e.g. 1992-2024 (sessions opened "
                                            "in these years).")]
PolesOpt = Annotated[str, typer.Option(help="Pole set: core, wide or a TOML file.")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]


@data_app.command("pull")
@_friendly
def data_pull(
    sources: Annotated[list[str] | None, typer.Argument(help="Source names (default: all).")]
    = None,
) -> None:
    """Download (or read from MULTIVECTOR_MIRROR) and verify the pinned files."""
    from multivector.sources.fetch import pull

    start = time.perf_counter()
    got = pull(sources or None)
    n = sum(len(v) for v in got.values())
    console.print(f"verified {n} files of {len(got)} sources in "
                  f"{time.perf_counter() - start:.1f} s")


@data_app.command("status")
@_friendly
def data_status(fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """Each source: files cached or mirrored, size, licence, citation."""
    from multivector.core import paths
    from multivector.sources.fetch import availability
    from multivector.sources.registry import sources

    rows = []
    for s in sources().values():
        have = sum(availability(s.files))  # sha256 verified, cached by size and mtime
        rows.append({"source": s.name, "files": len(s.files), "available": have,
                     "state": "ready" if have == len(s.files) else (
                         "partial" if have else "missing"),
                     "MB": round(s.total_bytes / 1e6, 2), "coverage": s.coverage,
                     "title": s.title, "licence": "; ".join(s.licences),
                     "citation": s.citation})
    frame = pd.DataFrame(rows)
    where = paths.mirror_root() or paths.cache_dir()
    if fmt is Format.table and out is None:
        err.print(f"files read from: {where} (licences and citations: --format csv or json)")
        frame = frame.drop(columns=["citation", "licence"])
    emit(frame, fmt, out, title="sources")


@app.command("ingest")
@_friendly
def ingest(force: Annotated[bool, typer.Option(help="Rebuild even if it exists.")] = True,
           ) -> None:
    """Build the DuckDB warehouse from the pinned sources (atomic: build aside, then swap)."""
    from multivector.core import paths

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
@_friendly
def poles_list() -> None:
    """The packaged pole sets."""
    from multivector.core.poles import load_pole_set, packaged_pole_sets

    for name in packaged_pole_sets():
        ps = load_pole_set(name)
        console.print(f"[bold]{name}[/]: {ps.description} ({', '.join(ps.ids)})")


@poles_app.command("show")
@_friendly
def poles_show(
    pole_set: Annotated[str, typer.Argument(help="core, wide, or a path to a TOML file.")],
    year: Annotated[int, typer.Option(help="Members in this year (31 December).")] = 2024,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Members of each pole of a set in a year."""
    from multivector.core.poles import load_pole_set

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


@app.command("report")
@_friendly
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
    from multivector import warehouse
    from multivector.analysis import profile
    from multivector.core import states
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
        pipeline.ensure()
    start = time.perf_counter()
    with warehouse.connect() as con:
        prof = profile.build_profile(con, iso3, span, poles,
                                     peers=None if peers.lower() == "none" else peers,
                                     claims_file=str(claims) if claims is not None else None)
    paths = write_report(prof, target, pdf_out=pdf_path, html_out=not pdf_only)
    done = ", ".join(f"{p} ({p.stat().st_size / 1e6:.1f} MB)" for p in paths)
    console.print(f"wrote {done} in {time.perf_counter() - start:.1f} s")
    for note in prof.notes:
        err.print(f"[yellow]note:[/] {note}", highlight=False)


def _choices(name: str, values) -> type[StrEnum]:
    """A string enum of the given values, for typer's choice lists."""
    return StrEnum(name, {v: v for v in values})


Measure = _choices("Measure", ("agreement", "agreement_half", "kappa", "pi", "s_abs", "s_sq",
                               "idealpoint_distance"))
# the UNGA channel of the balance: split-vote shares (the default) or an affinity
ChannelMeasure = _choices("ChannelMeasure", ("split", "agreement", "agreement_half", "kappa",
                                             "pi", "s_abs", "s_sq", "idealpoint_distance"))
Period = _choices("Period", ("session", "year"))
BlocRule = _choices("BlocRule", ("mean", "majority"))
Issue = _choices("Issue", ("me", "nu", "di", "hr", "co", "ec"))


IssueOpt = Annotated[Issue | None, typer.Option(
    help="Only roll calls on one issue (Voeten: me Middle East, nu nuclear, di disarmament, "
         "hr human rights, co colonialism, ec economic development).")]
ImportantOpt = Annotated[bool, typer.Option("--important-only",
                                            help="Only votes the US listed as important.")]
AmendOpt = Annotated[bool, typer.Option("--amendments/--no-amendments",
                                        help="Keep votes on amendments (Voeten's release "
                                             "holds them to 1985; later ones are left out, "
                                             "docs/data.md).")]
ParaOpt = Annotated[bool, typer.Option("--paragraphs/--no-paragraphs",
                                       help="Keep separate votes on paragraphs (to 1985, as "
                                            "in Voeten's release).")]
ByOpt = Annotated[Period, typer.Option("--by", help="Period: Voeten's session or calendar year.")]


@app.command("alignment")
@_friendly
def alignment(
    country: CountryArg,
    years: YearsOpt = "1992-2024",
    poles: PolesOpt = "core",
    measure: Annotated[Measure, typer.Option(help="Similarity measure.")] = Measure.agreement,
    bloc: Annotated[BlocRule, typer.Option(help="Bloc pole: mean over members, or majority "
                                                "position.")] = BlocRule.mean,
    by: ByOpt = Period.session,
    issue: IssueOpt = None, important_only: ImportantOpt = False,
    amendments: AmendOpt = True, paragraphs: ParaOpt = True,
    boot: Annotated[int, typer.Option(help="Bootstrap resamples (0: no interval).")] = 1000,
    level: Annotated[float, typer.Option(help="Interval coverage.")] = 0.95,
    seed: Annotated[int, typer.Option(help="Bootstrap seed.")] = 1992,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """UNGA alignment of a state with each pole, per session, with bootstrap intervals."""
    from multivector import warehouse
    from multivector.analysis import profile
    from multivector.core import poles as poles_mod
    from multivector.core import states

    validate.number(boot, "n_boot", "--boot")
    validate.number(level, "level", "--level")
    validate.number(seed, "seed", "--seed")
    iso3 = states.validate_iso3(country)
    pipeline.ensure()
    opts = profile.UngaOptions(measure.value, bloc.value, by.value,
                               issue.value if issue else None, important_only, amendments,
                               paragraphs, boot, level, seed)
    span, ps = validate.parse_years(years), poles_mod.load_pole_set(poles)
    _focal_note(ps, iso3, span)
    with warehouse.connect() as con:
        frame = profile.unga_alignment(con, iso3, span, ps, opts)
    frame = frame[["iso3", "pole", "session", "year", "measure", "value", "lo", "hi",
                   "n_votes"]]
    emit(frame, fmt, out, title=f"{iso3}: UNGA {measure.value} by pole")


IpMode = _choices("IpMode", ("ordinal", "binary"))
IpIntervals = _choices("IpIntervals", ("laplace", "bootstrap"))
IpBridging = _choices("IpBridging", ("title", "none"))
IpDevice = _choices("IpDevice", ("cpu", "jax", "auto"))


@app.command("idealpoints")
@_friendly
def idealpoints(
    years: Annotated[str, typer.Option(help="Years of the sessions to show.")] = "1946-2024",
    country: Annotated[list[str] | None, typer.Option(
        "--country", "-c", help="Only these states (repeat the option).")] = None,
    mode: Annotated[IpMode, typer.Option(help="Ordinal (yes > abstain > no) or binary "
                                              "(yes vs no).")] = IpMode.ordinal,
    bridging: Annotated[IpBridging, typer.Option(help="Share items across sessions for "
                                                      "identical resolutions.")]
    = IpBridging.title,
    rw_scale: Annotated[float, typer.Option(help="Random-walk step (sd per session).")] = 0.1,
    intervals: Annotated[IpIntervals, typer.Option(help="Laplace or parametric bootstrap.")]
    = IpIntervals.laplace,
    n_boot: Annotated[int, typer.Option(help="Bootstrap refits.")] = 30,
    fit_sessions: Annotated[str, typer.Option(help="Sessions the model is fitted on.")]
    = "1-200",
    refit: Annotated[bool, typer.Option(help="Fit again even if cached.")] = False,
    device: Annotated[IpDevice, typer.Option(
        help="Where the likelihood is evaluated when fitting: cpu (numpy), jax (jax's "
             "default device), auto (a GPU when jax finds one, else cpu). Needs "
             "`pip install multivector[gpu]` for a GPU.")] = IpDevice.cpu,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Dynamic ideal points of UNGA states (Bailey, Strezhnev & Voeten 2017 model).

    The default estimate is fitted when the warehouse is built; other settings are fitted
    on first use (about 15 s for 1946-2024) and cached beside the warehouse.
    """
    from multivector.core import paths, states
    from multivector.warehouse import idealpoints as idealpoint_store

    validate.number(rw_scale, "rw_scale", "--rw-scale")
    validate.number(n_boot, "n_boot", "--n-boot")
    pipeline.ensure()
    first, last = parse_sessions(fit_sessions)
    settings = ideal.IdealPointSettings(mode.value, bridging.value, rw_scale,
                                                   intervals.value, n_boot, first, last)
    try:
        key = ideal.ensure(paths.warehouse_path(), settings, refit=refit,
                                      device=device.value)
    except ImportError as exc:  # device=jax without jax installed
        raise MultivectorError(str(exc)) from None
    iso3s = [states.validate_iso3(c) for c in country] if country else None
    y0, y1 = validate.parse_years(years)
    frame = idealpoint_store.read(paths.warehouse_path(), key, iso3s)  # cached beside it
    frame = frame[(frame["year"] >= y0) & (frame["year"] <= y1)]
    emit(frame[["iso3", "session", "year", "theta", "lo", "hi"]].reset_index(drop=True), fmt,
         out, title="UNGA ideal points")


def parse_sessions(text: str) -> tuple[int, int]:
    """``1-78`` or ``70`` to an inclusive pair of session numbers."""
    m = re.fullmatch(r"\s*(\d{1,3})\s*(?:-\s*(\d{1,3}))?\s*", text)
    if not m:
        raise MultivectorError(f"--sessions must look like 1-78 or 70, got {text!r}")
    a, b = int(m.group(1)), int(m.group(2) or m.group(1))
    if b < a or a < 1:
        raise MultivectorError(f"--sessions: not a range of sessions: {text!r}")
    return a, b


@app.command("dyads")
@_friendly
def dyads(
    sessions: Annotated[str, typer.Option(help="Session range, e.g. 1-78.")] = "1-78",
    measure: Annotated[list[Measure] | None, typer.Option(
        help="Measure(s); repeat the option for several (default: all).")] = None,
    by: ByOpt = Period.session,
    issue: IssueOpt = None, important_only: ImportantOpt = False,
    amendments: AmendOpt = True, paragraphs: ParaOpt = True,
    fmt: FormatOpt = Format.parquet, out: OutOpt = None,
) -> None:
    """Similarity of every pair of states in every session (or year): one row per pair."""
    from multivector import warehouse
    from multivector.measures import similarity

    first, last = parse_sessions(sessions)
    if measure and Measure.idealpoint_distance in measure:
        raise MultivectorError("dyads computes vote-based measures; ideal points are per "
                               "state: use `multivector idealpoints`")
    pipeline.ensure()
    with warehouse.connect() as con:
        rc = con.execute("SELECT * FROM unga_rollcalls WHERE session BETWEEN ? AND ?",
                         [first, last]).df()
        rc = similarity.subset_rollcalls(rc, issue.value if issue else None, important_only,
                                         amendments, paragraphs)
        from multivector.analysis.panel import load_votes

        votes = load_votes(con, rc["rcid"])
    frame = similarity.all_dyads(votes, rc, [m.value for m in measure] if measure
                                 else list(similarity.MEASURES), by=by.value)
    emit(frame, fmt, out, title="dyads")


TradeBy = _choices("TradeBy", ("pole", "partner"))


@app.command("trade")
@_friendly
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
    from multivector import warehouse
    from multivector.analysis import panel, profile
    from multivector.core import poles as poles_mod

    iso3, span = _state_years(country, years)
    ps = poles_mod.load_pole_set(poles)
    with warehouse.connect() as con:
        cover = con.execute("SELECT min(year), max(year), min(year) FILTER (WHERE reporter = ?),"
                            " max(year) FILTER (WHERE reporter = ?) FROM trade",
                            [iso3, iso3]).fetchall()[0]
        if by is TradeBy.partner:
            frame = panel.partner_trade_table(con, span, [iso3])
            frame = frame.sort_values(["flow", "year", "value_usd_m"],
                                      ascending=[True, True, False]).reset_index(drop=True)
        else:
            frame = profile.trade_by_pole(con, iso3, span, ps)
            frame.insert(0, "iso3", iso3)
    _trade_coverage(iso3, span, frame, cover)
    if by is TradeBy.partner:
        emit(frame, fmt, out, title=f"{iso3}: trade by partner (reported, national, "
                                    "mirror, gap)")
        return
    _focal_note(ps, iso3, span)
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


Channel = _choices("Channel", ("exports", "imports", "unga", "security", "igo", "formats",
                               "minerals", "arms", "investment",
                               "events"))


@app.command("shares", help=cli_terms.SHARES_HELP)
@_friendly
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
    from multivector import warehouse
    from multivector.analysis import panel
    from multivector.core import poles as poles_mod
    from multivector.core import states
    from multivector.measures.balance import with_pole_share

    iso3 = states.validate_iso3(country)
    span = validate.parse_years(years)
    if alliances not in ("atop", "cow"):
        raise MultivectorError(f"--alliances must be atop or cow, got {alliances!r}")
    if igos not in ("cow", "manyios"):
        raise MultivectorError(f"--igos must be cow or manyios, got {igos!r}")
    ps = poles_mod.load_pole_set(poles)
    _focal_note(ps, iso3, span)
    pipeline.ensure()
    with warehouse.connect() as con:
        if channel is Channel.minerals:
            prod = panel.mineral_production(con, span)
            frame = panel.mineral_pole_shares(prod, ps.membership(range(span[0], span[1] + 1)),
                                              [iso3])
            frame = frame[["iso3", "channel", "mineral", "unit", "pole", "year", "value",
                           "share", "flag"]]
        elif channel.value in ("exports", "imports"):  # with the source of each year
            flows, totals = panel.trade_flows(con, span, [iso3])
            frame = panel.trade_shares(flows, totals, channel.value,
                                       ps.membership(range(span[0], span[1] + 1)))
            src = totals.loc[totals["flow"] == channel.value,
                             ["iso3", "year", "source", "series_break"]]
            frame = with_pole_share(frame.astype({"year": "int64"}).merge(
                src.astype({"year": "int64"}), on=["iso3", "year"], how="left"))
            frame = frame[["iso3", "channel", "pole", "year", "value", "share", "pole_share",
                           "flag", "source", "series_break"]]
        else:
            frame = panel.channel_shares(con, channel.value, ps, span, [iso3],
                                         panel.UngaChannel(measure=measure.value),
                                         alliance_source=alliances, igo_source=igos)
            frame = with_pole_share(frame)
            cols = ["iso3", "channel", "pole", "year", "value", "share", "pole_share", "flag"]
            if channel is Channel.unga and measure is ChannelMeasure.split:
                cols.insert(7, "total")  # the split roll calls the state voted on
            frame = frame[cols]
    if frame.empty and channel.value == "investment" and iso3 != "KAZ":  # issue 13
        raise MultivectorError(f"no source: investment by partner is Kazakhstan's only (wiiw "
                               f"FDI Database), not {iso3}'s")
    if frame.empty:
        raise MultivectorError(f"no {channel.value} data for {iso3} in {span[0]}-{span[1]}"
                               + panel.absent_reason(channel.value, iso3))
    emit(frame.reset_index(drop=True), fmt, out, title=f"{iso3}: {channel.value} by pole",
         caption=explain(frame.columns))


Side = _choices("Side", ("exports", "imports"))


@app.command("concentration")
@_friendly
def concentration(
    country: CountryArg,
    side: Annotated[Side, typer.Option(help="exports: concentration over buyers; imports: "
                                            "over suppliers.")] = Side.exports,
    years: YearsOpt = "1992-2024",
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Concentration of a state's trade over partners per year: HHI, normalised HHI, top-1 and
    top-3 shares, number of partners that make up 80%."""
    from multivector import warehouse
    from multivector.analysis import panel

    iso3, span = _state_years(country, years)
    with warehouse.connect() as con:
        frame = panel.concentration(con, span, [iso3], side.value)
    if frame.empty:
        raise MultivectorError(f"no trade data for {iso3} in {span[0]}-{span[1]}")
    emit(frame, fmt, out, title=f"{iso3}: concentration of {side.value}")


@app.command("minerals")
@_friendly
def minerals(
    country: CountryArg,
    years: YearsOpt = "1992-2024",
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """A state's production of each mineral: share of world production and rank per year."""
    from multivector import warehouse
    from multivector.analysis import panel

    iso3, span = _state_years(country, years)
    with warehouse.connect() as con:
        prod = panel.mineral_production(con, span)
    frame = prod[(prod["iso3"] == iso3) & (prod["value"] > 0)].sort_values(["mineral", "year"])
    if frame.empty:
        raise MultivectorError(f"no mineral production recorded for {iso3} in "
                               f"{span[0]}-{span[1]}")
    emit(frame.reset_index(drop=True), fmt, out, title=f"{iso3}: mineral production")


@app.command("power")
@_friendly
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
    from multivector import warehouse
    from multivector.analysis import options, panel
    from multivector.core import peers as peers_mod
    from multivector.core import states
    from multivector.measures import power as power_mod

    validate.number(year, "year", "--year")
    validate.number(pillar, "pillar", "--pillar")
    validate.number(draws, "draws", "--draws")
    w = _parse_weights(weights)
    cset_given = _parse_set(component_set)
    iso3 = states.validate_iso3(country) if country else None
    span = validate.parse_years(years) if iso3 else (year, year)
    what = f"{iso3}, {span[0]}-{span[1]}" if iso3 else str(year)
    defaults = (w is None and cset_given is None and draws == options.SETTINGS["power"]["draws"]
                and pillar == options.SETTINGS["power"]["pillar"])
    pipeline.ensure()
    with warehouse.connect() as con:
        # the components and the default index of every state and year are stored at build
        where = ("WHERE year BETWEEN ? AND ?", list(span))
        comp = options.stored(con, "derived_power_components", "power", *where)
        stored = options.stored(con, "derived_power", "power", *where) if defaults else None
        if comp is None or comp.empty:
            comp = panel.power_components(con, span)
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
    from multivector.measures.power import DEFAULT_WEIGHTS

    if not text:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    bad = [n for n in names if n not in DEFAULT_WEIGHTS]
    if bad:
        raise MultivectorError(f"--set: unknown component(s) {', '.join(bad)}; known: "
                               f"{', '.join(DEFAULT_WEIGHTS)}")
    return tuple(c for c in DEFAULT_WEIGHTS if c in names)


def _parse_weights(text: str | None) -> dict[str, float] | None:
    from multivector.measures.power import DEFAULT_WEIGHTS

    return validate.named_weights(text, tuple(DEFAULT_WEIGHTS), "component")


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


def _span(text: str) -> tuple[int, int]:
    m = re.fullmatch(r"\s*(\d{4})\s*[-:]\s*(\d{4})\s*", text)
    if not m:
        raise MultivectorError(f"--change must look like 2000-2020, got {text!r}")
    return int(m.group(1)), int(m.group(2))


@app.command("balance", help=cli_terms.BALANCE_HELP)
@_friendly
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
    from multivector import warehouse
    from multivector.analysis import profile
    from multivector.core import poles as poles_mod
    from multivector.core import states
    from multivector.measures import balance as bal

    iso3 = states.validate_iso3(country)
    validate.number(min_channels, "min_channels", "--min-channels",
                    hi=len(BALANCE_CHANNELS))
    validate.number(boot, "n_boot", "--boot")
    span = validate.parse_years(years)
    ps = poles_mod.load_pole_set(poles)
    bo = profile.BalanceOptions(weights=validate.channel_weights(weights), min_channels=min_channels,
                                n_boot=boot, channel_set=validate.channel_set(channels))
    uo = profile.UngaOptions(measure=measure.value)
    _focal_note(ps, iso3, span)
    pipeline.ensure()
    with warehouse.connect() as con:
        sh = profile.focal_shares(con, iso3, span, ps, uo, bo.channels)
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
        frame = profile.focal_balance(con, iso3, span, ps, uo, bo, shares=sh)
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


@app.command("rank", help=cli_terms.RANK_HELP)
@_friendly
def rank(
    year: Annotated[int, typer.Option(help="Year.")] = 2020,
    poles: PolesOpt = "core",
    measure: UngaMeasureOpt = ChannelMeasure.split,
    weights: ChannelWeightsOpt = None,
    min_channels: Annotated[int, typer.Option(help="Fewest channels in the ranking's "
                                                   "channel set.")] = 3,
    channels: ChannelSetOpt = None,
    peers: Annotated[str | None, typer.Option(help="Only these states (a peer set or ISO3 "
                                                   "codes); adds rank_in_peers.")] = None,
    sensitivity: Annotated[bool, typer.Option(
        "--sensitivity/--no-sensitivity",
        help="Add rank ranges over pole sets, UNGA measures, vote subsets and random "
             "weights (about 30 s for one year).")] = False,
    draws: Annotated[int, typer.Option(help="Random weightings per scenario.")] = 100,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Every state ranked by the evenness of its composite balance in a year (1: most even).

    Every ranked state is measured on the same channel set: the largest set of at least
    --min-channels channels that still ranks 90% of the states the best-covered set ranks (or
    --channels). A state lacking one of them is listed last, not ranked, with the reason.
    """
    from multivector import warehouse
    from multivector.analysis import derive as derived
    from multivector.analysis import options, panel
    from multivector.analysis import sensitivity as sens
    from multivector.core import peers as peers_mod
    from multivector.core import poles as poles_mod
    from multivector.measures import balance as bal

    ps = poles_mod.load_pole_set(poles)
    validate.number(year, "year", "--year")
    validate.number(min_channels, "min_channels", "--min-channels",
                    hi=len(BALANCE_CHANNELS))
    validate.number(draws, "draws", "--draws")
    given = validate.channel_weights(weights)
    chosen = validate.channel_set(channels)
    w = dict(given or bal.DEFAULT_WEIGHTS)
    defaults = (given is None and chosen is None and measure is ChannelMeasure.split
                and min_channels == bal.MIN_CHANNELS
                and poles in poles_mod.packaged_pole_sets())
    s_default = draws == options.SETTINGS["sensitivity"]["draws"] and given is None
    pipeline.ensure()
    with warehouse.connect() as con:
        catalog.require_composite_year(con, year, min_channels)
        # every state's ranking and sensitivity under the defaults are stored at build time
        frame = (options.stored(con, "derived_ranking", "ranking", "WHERE pole_set = ? AND "
                              "year = ?", [ps.name, year]) if defaults else None)
        if frame is None or frame.empty:
            sh = panel.all_shares(con, ps, (year, year), None, BALANCE_CHANNELS,
                                  panel.UngaChannel(measure=measure.value), progress=True)
            frame = derived.ranking_table(sh, min_channels, w, chosen)
        else:
            frame = frame.drop(columns="pole_set")
        if sensitivity:
            summary = (options.stored(con, "derived_sensitivity", "sensitivity",
                                    "WHERE year = ?", [year]) if s_default else None)
            if summary is None or summary.empty:
                summary = sens.run(con, (year, year), draws=draws, weights=w,
                                   progress=True).summary
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


@app.command("sensitivity", help=cli_terms.SENSITIVITY_HELP)
@_friendly
def sensitivity_cmd(
    country: Annotated[str | None, typer.Argument(help="ISO3 code or name (default: every "
                                                       "state).")] = None,
    years: YearsOpt = "1992-2024",
    draws: Annotated[int, typer.Option(help="Random weightings per scenario.")] = 100,
    seed: Annotated[int, typer.Option(help="Seed of the weight draws.")] = 0,
    factors: Annotated[bool, typer.Option("--factors", help="One-at-a-time ranges per "
                                                            "choice instead.")] = False,
    scenarios: Annotated[bool, typer.Option("--scenarios", help="Every scenario's value "
                                                                "instead.")] = False,
    fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """How much the composite balance and the rank depend on the analyst's choices: pole set
    (core, wide), UNGA measure (agreement, kappa, ideal-point distance), vote subset (all,
    important, no amendments) and random channel weights, for every state and year."""
    from multivector import warehouse
    from multivector.analysis import options
    from multivector.analysis import sensitivity as sens
    from multivector.core import states

    iso3 = states.validate_iso3(country) if country else None
    validate.number(draws, "draws", "--draws")
    validate.number(seed, "seed", "--seed")
    span = validate.parse_years(years)
    stored_years = options.SETTINGS["sensitivity"]["years"]
    use_stored = (not scenarios and draws == options.SETTINGS["sensitivity"]["draws"]
                  and seed == options.SETTINGS["sensitivity"]["seed"]
                  and stored_years[0] <= span[0] and span[1] <= stored_years[1])
    pipeline.ensure()
    frame = None
    with warehouse.connect() as con:
        if use_stored:  # the default run over every state is stored at build time
            table = "derived_sensitivity_factors" if factors else "derived_sensitivity"
            where, params = "WHERE year BETWEEN ? AND ?", list(span)
            if iso3:
                where, params = where + " AND iso3 = ?", [*params, iso3]
            frame = options.stored(con, table, "sensitivity", where + " ORDER BY iso3, year",
                                 params)
        if frame is None:
            res = sens.run(con, span, draws=draws, seed=seed, channels=BALANCE_CHANNELS,
                           progress=True)
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


app.command("whatif")(whatif)
app.command("serve")(serve)

if __name__ == "__main__":  # pragma: no cover
    app()
