"""``multivector alignment``, ``idealpoints`` and ``dyads``: UN General Assembly votes, a
state against the poles, every state's ideal point, every pair of states."""

from __future__ import annotations

import re
from typing import Annotated

import typer

from multivector import warehouse
from multivector.analysis import idealpoints as ideal
from multivector.analysis import ingest
from multivector.analysis.alignment import UngaOptions, unga_alignment
from multivector.cli.common import Format, emit, friendly
from multivector.cli.params import (
    CountryArg,
    FormatOpt,
    Measure,
    OutOpt,
    PolesOpt,
    YearsOpt,
    choices,
    focal_note,
)
from multivector.core import paths, states, validate
from multivector.core import poles as poles_mod
from multivector.core.errors import MultivectorError
from multivector.measures import similarity
from multivector.warehouse import idealpoints as idealpoint_store
from multivector.warehouse.readers import load_votes

commands = typer.Typer()

Period = choices("Period", ("session", "year"))
BlocRule = choices("BlocRule", ("mean", "majority"))
Issue = choices("Issue", ("me", "nu", "di", "hr", "co", "ec"))
IpMode = choices("IpMode", ("ordinal", "binary"))
IpIntervals = choices("IpIntervals", ("laplace", "bootstrap"))
IpBridging = choices("IpBridging", ("title", "none"))
IpDevice = choices("IpDevice", ("cpu", "jax", "auto"))

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


@commands.command("alignment")
@friendly
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
    validate.number(boot, "n_boot", "--boot")
    validate.number(level, "level", "--level")
    validate.number(seed, "seed", "--seed")
    iso3 = states.validate_iso3(country)
    ingest.ensure()
    opts = UngaOptions(measure.value, bloc.value, by.value,
                       issue.value if issue else None, important_only, amendments,
                       paragraphs, boot, level, seed)
    span, ps = validate.parse_years(years), poles_mod.load_pole_set(poles)
    focal_note(ps, iso3, span)
    with warehouse.connect() as con:
        frame = unga_alignment(con, iso3, span, ps, opts)
    frame = frame[["iso3", "pole", "session", "year", "measure", "value", "lo", "hi",
                   "n_votes"]]
    emit(frame, fmt, out, title=f"{iso3}: UNGA {measure.value} by pole")


@commands.command("idealpoints")
@friendly
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
    validate.number(rw_scale, "rw_scale", "--rw-scale")
    validate.number(n_boot, "n_boot", "--n-boot")
    ingest.ensure()
    first, last = parse_sessions(fit_sessions)
    settings = ideal.IdealPointSettings(mode.value, bridging.value, rw_scale,
                                        intervals.value, n_boot, first, last)
    try:
        key = ideal.ensure(paths.warehouse_path(), settings, refit=refit, device=device.value)
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


@commands.command("dyads")
@friendly
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
    first, last = parse_sessions(sessions)
    if measure and Measure.idealpoint_distance in measure:
        raise MultivectorError("dyads computes vote-based measures; ideal points are per "
                               "state: use `multivector idealpoints`")
    ingest.ensure()
    with warehouse.connect() as con:
        rc = con.execute("SELECT * FROM unga_rollcalls WHERE session BETWEEN ? AND ?",
                         [first, last]).df()
        rc = similarity.subset_rollcalls(rc, issue.value if issue else None, important_only,
                                         amendments, paragraphs)
        votes = load_votes(con, rc["rcid"])
    frame = similarity.all_dyads(votes, rc, [m.value for m in measure] if measure
                                 else list(similarity.MEASURES), by=by.value)
    emit(frame, fmt, out, title="dyads")
