"""The warehouse: one DuckDB file built from the pinned sources.

:func:`build` parses every source into tidy tables and writes them to a new DuckDB file beside
the target, then renames it into place (``os.replace`` is atomic on one file system). A failed
build removes its partial file and leaves the previous warehouse untouched. Building twice from
the same files gives the same tables (only ``built_at`` differs).

Tables
------
``unga_rollcalls``  rcid, rcid_published, session, session_derived, year, date, unres, short,
                    descr, important, amend, para, me, nu, di, hr, co, ec, form
``unga_votes``      rcid, iso3, vote (Voeten's codes: 1 yes, 2 abstain, 3 no, 8 absent,
                    9 not a member)
``unga_rollcalls_excluded``  rcid, session, date, unres, form, reason: roll calls of a form
                    outside Voeten's set of whole-resolution votes (paragraph and amendment
                    votes, roll calls the long release does not carry), not in the two above
``unga_form_agreement``  how the three published forms agree where they overlap
``indicators``      code, iso3, kind, year, indicator, value, source (WDI; aggregates kept and
                    flagged, ``iso3`` missing for them)
``indicator_meta``  indicator, title, description
``trade``           reporter, reporter_label, partner, partner_label, partner_kind, year, flow,
                    value_usd_m, estimated, source (IMF DOTS, as reported)
``trade_national``  reporter, partner, partner_label, partner_kind, year, flow, value_usd_m,
                    provisional, source (national statistics: ``kaz_stat`` 2018-2023,
                    ``uzb_stat`` 2010-2023, ``kgz_stat`` 1994-2023; aggregates, totals and
                    unallocated rows kept with their kind; a table apart from ``trade`` so
                    that the DOTS mirror rule never reads them, see
                    :mod:`multivector.sources.national_trade`)
``trade_eurostat``  the same columns plus value_eur: EU-27 exports to every partner (Eurostat
                    Comext, 2010-2023, reporter ``EU27``), US$ at WDI PA.NUS.FCRF for EMU
``cow_nmc``         ccode, iso3, year, milex, milper, irst, pec, tpop, upop, cinc, primary
``alliances``       iso3_a, iso3_b, year, defense, offense, neutrality, nonaggression,
                    consultation, source (``atop`` 1815-2018: iso3_a's pledges to iso3_b;
                    ``cow`` 1816-2012: symmetric, entente as consultation, offense NULL);
                    both directions of every dyad
``igo_dyads``       iso3_a, iso3_b, year, shared_igos (COW IGO v3, full memberships both hold,
                    1816-2014, both directions)
``igo_states``      iso3, year, full_igos, associate_igos, observer_igos, anytype_igos
                    (COW IGO v3 counts, 1816-2014)
``igo_membership``  igo, iso3, year, status, source (manyIOs: ``migo`` informal IOs per
                    membership year 1925-2010, status full/associate/observer; ``iigo`` the
                    2017 members of informal IGOs, year 2017)
``igos``            igo, title, begin, end, source (manyIOs ``digo`` formal IGOs, ``iigo``
                    informal IGOs; end NULL while alive)
``trade_cow``       importer, exporter, year, value_usd_m, smooth_usd_m (COW Trade v4.0,
                    1870-2014, directed imports, current US$ millions, missing = NULL)
``trade_cow_totals``  iso3, year, imports_usd_m, exports_usd_m (COW Trade v4.0)
``minerals``        iso3, entity, kind, year, mineral, value, unit, source (``bgs`` 1970-2015,
                    ``clio_usgs`` 1681-2015; OWID ``World`` rows kept as kind aggregate)
``milex``           iso3, entity, kind, year, milex_usd, share_gdp, per_capita, basis, source
                    (``sipri`` 1949-2020 in constant 2019 US$, share in %; ``owid_cow_sipri``
                    share of GDP 1827-2016); regions and World as kind aggregate
``states``          iso3, name, iso2, kind
``poles``           pole_set, pole, iso3, year_from, year_to (packaged pole sets)
``blocs``           bloc, iso3, from_year, to_year, source
``unmapped``        source, label, rows: every name or code no crosswalk could resolve
``provenance``      source, file, sha256, bytes, rows, note, built_at (``note``: a file
                    superseded by a newer vintage of the same data)
``sources``         source, title, citation, coverage, licence
``meta``            key, value (schema version, build time, last year of each source)
``derived_*``       balance of every state for each packaged pole set, the sensitivity
                    summary and one-at-a-time ranges, the middle-power index and components
                    (:mod:`multivector.analysis.derive`), with ``derived_settings``
``idealpoints``, ``idealpoint_items``, ``idealpoint_fits``
                    dynamic ideal points (see :mod:`multivector.warehouse.idealpoints`), the default
                    estimate fitted at build time
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from multivector import __version__
from multivector.core import paths, poles, states
from multivector.core.errors import BuildError
from multivector.core.progress import Steps
from multivector.sources import national_trade
from multivector.sources.registry import get_source
from multivector.warehouse import steps_channels, steps_recent
from multivector.warehouse.connect import SCHEMA_VERSION, remove_stale_builds
from multivector.warehouse.step_context import Background, BuildContext, BuildReport, write
from multivector.warehouse.steps_unga_trade import (
    dots_step,
    national_trade_step,
    nmc_step,
    unga_step,
    wdi_step,
)

log = logging.getLogger(__name__)

INGESTED = ("unga_long", "unga_pkg", "unga_wide", "wdi", "dots", "cow_nmc", "atop",
            "cow_alliance", "cow_igo", "manyios", "cow_trade", "owid_minerals", "owid_military")
INGESTED_NATIONAL = (*national_trade.SOURCES, "eurostat_eu_exports")  # issue 13: to 2023
# issue 13 (through 2024): arms transfers, SIPRI milex 2025, US official visits, wiiw FDI
INGESTED += ("sipri_arms", "sipri_milex", "hsg_travels", "wiiw_fdi")

TABLE_STEPS = (unga_step, wdi_step, dots_step, national_trade_step, nmc_step,
               *steps_channels.STEPS, *steps_recent.STEPS)
"""The table-building steps, in build order (national trade reads WDI's exchange rates;
SIPRI's milex workbook is appended to the OWID ``milex`` table)."""
STEP_NAMES = ("unga", "wdi", "dots", "trade_national", "cow_nmc", "alliances", "cow_igo",
              "manyios", "cow_trade", "minerals", "milex", "sipri_arms", "sipri_milex",
              "hsg_travels", "wiiw_fdi", "reference")
"""What each step tells when it is done (``_after_step`` of :func:`build`), in order."""


@dataclass(frozen=True)
class FinishStep:
    """A step the caller hands :func:`build`, run on the new file before it is renamed into
    place: ``run(con, say)`` computes what it stores and returns the rows written per table.
    The warehouse runs it and computes nothing itself (:mod:`multivector.analysis.ingest`
    hands it the ideal points and the derived results).

    ``after`` names the table step (:data:`STEP_NAMES`) whose tables are all it reads: it
    runs as soon as that step is done (the ideal points after ``unga``); None, after every
    table is written."""

    name: str
    say: str
    run: Callable[[duckdb.DuckDBPyConnection, Callable[[str], None]], dict[str, int]]
    after: str | None = None


def _reference_step(ctx: BuildContext, built_at: str, last: dict[str, str]) -> None:
    """``states``, ``poles``, ``blocs``, ``unmapped``, ``sources``, ``provenance``, ``meta``."""
    ctx.say("writing reference tables")
    con, report = ctx.con, ctx.report
    ctx.table("states", states.iso3_table())
    pole_rows = pd.concat([poles.load_pole_set(n).intervals()
                           for n in poles.packaged_pole_sets()], ignore_index=True)
    ctx.table("poles", pole_rows)
    ctx.table("blocs", poles.blocs())
    unmapped = ctx.log.frame()
    report.unmapped = unmapped
    ctx.table("unmapped", unmapped)
    src_rows = []
    for name in INGESTED + INGESTED_NATIONAL:
        s = get_source(name)
        src_rows.append((name, s.title, s.citation, s.coverage, "; ".join(s.licences)))
    write(con, "sources", pd.DataFrame(src_rows, columns=["source", "title", "citation",
                                                         "coverage", "licence"]))
    prov = pd.DataFrame([(*r, None)[:6] for r in ctx.provenance],
                        columns=["source", "file", "sha256", "bytes", "rows", "note"])
    prov["rows"] = prov["rows"].astype("Int64")
    prov["built_at"] = built_at
    ctx.table("provenance", prov)
    meta = {"schema_version": SCHEMA_VERSION, "multivector_version": __version__,
            "built_at": built_at, **last}
    write(con, "meta", pd.DataFrame(sorted(meta.items()), columns=["key", "value"]))
    ctx.done("reference")


class _Terminated(BaseException):
    """SIGTERM during a build (a BaseException, like KeyboardInterrupt: nothing swallows it)."""


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`_Terminated` while a build runs (main thread only), so the
    build's cleanup runs: partial file removed, workers terminated."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise _Terminated(signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _failure(exc: BaseException, target: Path, tmp: Path) -> BuildError | None:
    """The message of a build stopped by a signal or the system (None: let it through)."""
    before = (f"the warehouse at {target} is unchanged" if target.exists()
              else f"no warehouse was written at {target}")
    cleaned = f"the partial build {tmp.name} was removed and {before}"
    if isinstance(exc, _Terminated):
        return BuildError(f"ingest stopped by {signal.Signals(exc.args[0]).name}; {cleaned}")
    full = (isinstance(exc, OSError) and exc.errno == errno.ENOSPC) or (
        isinstance(exc, duckdb.Error) and "no space left" in str(exc).lower())
    if full:
        return BuildError(f"no space left on the device holding {target.parent} while building "
                          f"the warehouse; {cleaned}. Free some space and run `multivector "
                          "ingest` again")
    if isinstance(exc, OSError | duckdb.IOException):
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return BuildError(f"building the warehouse failed: {detail}; {cleaned}")
    return None


def build(path: Path | None = None, mirror: Path | None = None, progress: bool = True,
          finish: Sequence[FinishStep] = (),
          _after_step: Callable[[str], None] | None = None) -> BuildReport:
    """Build the warehouse from the pinned sources, atomically.

    Parameters
    ----------
    path : Path, optional
        Target file; defaults to :func:`multivector.core.paths.warehouse_path`.
    mirror : Path, optional
        Mirror root; defaults to ``MULTIVECTOR_MIRROR`` (else files are downloaded and cached).
    progress : bool
        Show a progress bar.
    finish : sequence of FinishStep
        Steps run on the new file before it is renamed into place (each after the table step
        it waits for, else after the tables), so that a failure in them leaves the previous
        warehouse untouched (:func:`multivector.analysis.ingest.build` hands the ideal points
        and the derived results).

    Returns
    -------
    BuildReport
    """
    unknown = [s.after for s in finish if s.after is not None and s.after not in STEP_NAMES]
    if unknown:
        raise ValueError(f"finish step after an unknown step: {', '.join(unknown)}")
    start = time.perf_counter()
    target = Path(path) if path is not None else paths.warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    remove_stale_builds(target)
    tmp.unlink(missing_ok=True)
    report = BuildReport(target)
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    steps_total = 12 + len(finish) + len(get_source("dots").files)
    steps_total += 4  # issue 13 steps (steps_recent)
    ctx = BuildContext(mirror, report)
    ok = False
    stack = contextlib.ExitStack()

    def step_done(name: str) -> None:
        if _after_step is not None:
            _after_step(name)

    def run_finish(after: str | None) -> None:
        for step in finish:
            if step.after == after:
                ctx.say(step.say)
                report.rows.update(step.run(ctx.con, ctx.say))
                ctx.steps.advance()
                step_done(step.name)

    def on_done(name: str) -> None:
        step_done(name)
        run_finish(name)

    try:
        stack.enter_context(_sigterm_raises())
        ctx.files("manyios")
        ctx.background = Background()  # forked before any DuckDB connection is opened
        steps_channels.submit_manyios(ctx)
        with Steps(progress, steps_total, "building warehouse") as steps, \
                contextlib.closing(duckdb.connect(str(tmp))) as con:
            con.execute("SET enable_progress_bar = false")  # ours is shown instead
            ctx.con, ctx.steps, ctx.on_done = con, steps, on_done
            last: dict[str, str] = {}
            for step in TABLE_STEPS:
                last.update(step(ctx))
            _reference_step(ctx, built_at, last)
            run_finish(None)
            con.execute("CHECKPOINT")
        os.replace(tmp, target)
        ok = True
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        failure = _failure(exc, target, tmp)
        if failure is not None:
            raise failure from None
        raise
    finally:
        if ctx.background is not None:
            ctx.background.close(ok)
        stack.close()
    report.seconds = time.perf_counter() - start
    return report
