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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from multivector import __version__
from multivector.core import paths, poles, states
from multivector.core.errors import BuildError, WarehouseMissingError
from multivector.core.progress import Steps
from multivector.sources import alliances, cow, dots, eurostat, igo, national_trade, owid, unga, wdi
from multivector.sources.fetch import fetch
from multivector.sources.registry import FileEntry, Source, get_source
from multivector.warehouse.connect import SCHEMA_VERSION, remove_stale_builds

log = logging.getLogger(__name__)

INGESTED = ("unga_long", "unga_pkg", "unga_wide", "wdi", "dots", "cow_nmc", "atop",
            "cow_alliance", "cow_igo", "manyios", "cow_trade", "owid_minerals", "owid_military")
INGESTED_NATIONAL = (*national_trade.SOURCES, "eurostat_eu_exports")  # issue 13: to 2023
# issue 13 (through 2024): arms transfers, SIPRI milex 2025, US official visits, wiiw FDI
INGESTED += ("sipri_arms", "sipri_milex", "hsg_travels", "wiiw_fdi")


@dataclass
class BuildReport:
    """What a build did: rows per table, unmapped labels, seconds taken."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    unmapped: pd.DataFrame | None = None
    seconds: float = 0.0


def _files(source: Source, mirror: Path | None) -> list[tuple[FileEntry, Path]]:
    return [(f, fetch(f, mirror)) for f in source.files]


def _by_name(files: list[tuple[FileEntry, Path]], suffix: str) -> Path:
    hits = [p for f, p in files if f.mirror_path.endswith(suffix)]
    if len(hits) != 1:
        raise WarehouseMissingError(f"expected one file ending {suffix!r}, found {len(hits)}")
    return hits[0]


class _Background:
    """Parsers run in one worker process while the build goes on.

    manyIOs' R lists can only be read with ``rdata``, in pure Python (about 15 s for the
    pinned files); run beside the UNGA and ideal-point steps they add little to the build.
    The worker is forked before any DuckDB connection is opened, and killed if the build fails.
    """

    def __init__(self) -> None:
        import multiprocessing

        self.pool = multiprocessing.get_context("fork").Pool(1, initializer=dots.init_worker)
        self.jobs: dict = {}

    def submit(self, name: str, fn: Callable, *args) -> None:
        self.jobs[name] = self.pool.apply_async(fn, args)

    def result(self, name: str):
        return self.jobs.pop(name).get()

    def close(self, ok: bool) -> None:
        if ok:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()


def _write(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    con.register("_frame", frame)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
    con.unregister("_frame")
    return len(frame)


def _dedupe_trade(raw: pd.DataFrame) -> pd.DataFrame:
    """One value per reporter, partner, year and flow.

    The published workbooks repeat some rows (Australia appears twice in every workbook;
    DOTS_143 and DOTS_144 are both Nicaragua's), always with the same values. A user's newer
    workbook (``MULTIVECTOR_EXTRA_REGISTRY``, read after the pinned ones) replaces the values of
    an older one: the last file wins.
    """
    return raw.drop_duplicates(["reporter_label", "partner_label", "year", "flow"], keep="last")


def _trade_table(raw: pd.DataFrame, log: states.UnmappedLog) -> pd.DataFrame:
    labels = pd.concat([raw["reporter_label"], raw["partner_label"]])
    resolved = states.resolve_names(labels, "imf").set_index("label")
    out = raw.copy()
    out["reporter"] = out["reporter_label"].map(resolved["iso3"])
    out["reporter_kind"] = out["reporter_label"].map(resolved["kind"])
    out["partner"] = out["partner_label"].map(resolved["iso3"])
    out["partner_kind"] = out["partner_label"].map(resolved["kind"])
    for side in ("reporter", "partner"):
        miss = out[f"{side}_kind"] == "unmapped"
        if miss.any():
            log.add("dots", out.loc[miss, f"{side}_label"])
    out["source"] = "dots"
    cols = ["reporter", "reporter_label", "reporter_kind", "partner", "partner_label",
            "partner_kind", "year", "flow", "value_usd_m", "estimated", "source"]
    return out[cols]


def _indicator_table(raw: pd.DataFrame, log: states.UnmappedLog) -> pd.DataFrame:
    resolved = states.resolve_names(raw["code"], "wb", by="ISO3").set_index("label")
    out = raw.copy()
    out["iso3"] = out["code"].map(resolved["iso3"])
    out["kind"] = out["code"].map(resolved["kind"])
    miss = out["kind"] == "unmapped"
    if miss.any():
        log.add("wdi", out.loc[miss, "code"] + " (" + out.loc[miss, "name"] + ")")
    out["source"] = "wdi"
    return out[["code", "iso3", "kind", "year", "indicator", "value", "source"]]


def _last(frame: pd.DataFrame) -> str:
    return str(int(frame["year"].max()))


def _log_unmapped(log: states.UnmappedLog, source: str, frame: pd.DataFrame,
                  label: str) -> None:
    miss = frame["kind"] == "unmapped"
    if miss.any():
        log.add(source, frame.loc[miss, label])


def _channel_steps(con: duckdb.DuckDBPyConnection, mirror: Path | None,
                   mfiles: list[tuple[FileEntry, Path]], background: _Background,
                   log: states.UnmappedLog, report: BuildReport, provenance: list[tuple],
                   steps: Steps, step_done: Callable[[str], None]) -> dict[str, str]:
    """Alliances, IGOs, COW trade, minerals and military expenditure; returns meta keys."""
    last: dict[str, str] = {}

    def table(name: str, frame: pd.DataFrame) -> None:
        report.rows[name] = _write(con, name, frame)

    def prov(source: str, f: FileEntry, rows: int | None) -> None:
        provenance.append((source, f.mirror_path, f.sha256, f.bytes, rows))

    steps.say("parsing alliances (ATOP 5.1, COW v4.1)")
    (af, ap), = _files(get_source("atop"), mirror)
    (cf, cp), = _files(get_source("cow_alliance"), mirror)
    atop, cowa = alliances.read_atop(ap), alliances.read_cow_alliance(cp)
    table("alliances", pd.concat([atop, cowa], ignore_index=True))
    prov("atop", af, len(atop))
    prov("cow_alliance", cf, len(cowa))
    last["alliances_atop_last_year"], last["alliances_cow_last_year"] = _last(atop), _last(cowa)
    steps.advance()
    step_done("alliances")

    steps.say("parsing COW IGO v3")
    ifiles = _files(get_source("cow_igo"), mirror)
    dyads = igo.read_igo_dyads(_by_name(ifiles, "cow_igo_ndy.rda"))
    sy = igo.read_igo_states(_by_name(ifiles, "cow_igo_sy.rda"))
    table("igo_dyads", dyads)
    table("igo_states", sy)
    for f, _ in ifiles:
        prov("cow_igo", f, len(dyads) if f.name == "cow_igo_ndy.rda" else len(sy))
    last["igo_last_year"] = _last(dyads)
    steps.advance()
    step_done("cow_igo")

    steps.say("parsing manyIOs memberships (rdata)")
    members, orgs = igo.key_informal_igos(background.result("memberships"),
                                          background.result("organizations"))
    _log_unmapped(log, "manyios", members, "label")
    members = members[members["kind"] != "unmapped"]
    table("igo_membership", members[["igo", "iso3", "year", "status", "source"]])
    table("igos", orgs)
    for f, _ in mfiles:
        prov("manyios", f, len(members) if f.name == "memberships.rda" else len(orgs))
    last["manyios_last_year"] = _last(members[members["source"] == "migo"])
    last["manyios_iigo_year"] = _last(members[members["source"] == "iigo"])
    steps.advance()
    step_done("manyios")

    steps.say("parsing COW Trade v4.0")
    tfiles = _files(get_source("cow_trade"), mirror)
    flows = cow.read_trade_dyads(_by_name(tfiles, "cow_trade_ndy.rda"))
    totals = cow.read_trade_states(_by_name(tfiles, "cow_trade_sy.rda"))
    table("trade_cow", flows)
    table("trade_cow_totals", totals)
    for f, _ in tfiles:
        prov("cow_trade", f, len(flows) if f.name == "cow_trade_ndy.rda" else len(totals))
    last["trade_cow_last_year"] = _last(flows)
    steps.advance()
    step_done("cow_trade")

    def owid_pairs(name: str) -> list[tuple[FileEntry, Path, FileEntry, Path]]:
        files = _files(get_source(name), mirror)
        out = []
        for f, p in files:
            if p.suffix == ".csv":
                (jf, jp), = [(g, q) for g, q in files
                             if q.name == "datapackage.json" and q.parent == p.parent]
                out.append((f, p, jf, jp))
        return out

    steps.say("parsing mineral production (BGS, Clio Infra & USGS)")
    frames = []
    for f, p, jf, jp in owid_pairs("owid_minerals"):
        source = "bgs" if "BGS" in p.name else "clio_usgs"
        frame = owid.read_minerals(p, jp, source)
        _log_unmapped(log, "owid_minerals", frame, "entity")
        frames.append(frame)
        prov("owid_minerals", f, len(frame))
        prov("owid_minerals", jf, None)
        last[f"minerals_{source}_last_year"] = _last(frame)
    minerals = pd.concat(frames, ignore_index=True)
    table("minerals", minerals)
    last["minerals_last_year"] = _last(minerals)
    steps.advance()
    step_done("minerals")

    steps.say("parsing military expenditure (SIPRI; OWID from COW and SIPRI)")
    frames = []
    for f, p, jf, jp in owid_pairs("owid_military"):
        sipri = p.name.startswith("SIPRI")
        frame = owid.read_sipri(p, jp) if sipri else owid.read_milex_share(p, jp)
        _log_unmapped(log, "owid_military", frame, "entity")
        frames.append(frame)
        prov("owid_military", f, len(frame))
        prov("owid_military", jf, None)
        last["milex_last_year" if sipri else "milex_share_last_year"] = _last(frame)
    table("milex", pd.concat(frames, ignore_index=True))
    steps.advance()
    step_done("milex")
    return last


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


def _national_trade_step(con: duckdb.DuckDBPyConnection, mirror: Path | None,
                         report: BuildReport, provenance: list[tuple]) -> dict[str, str]:
    """The ``trade_national`` table from every national-statistics publication; meta keys."""
    frames, last = [], {}
    for name in national_trade.SOURCES:
        files = _files(get_source(name), mirror)
        frame = national_trade.read_national(name, [p for _, p in files])
        per_file = frame["file"].value_counts()
        for f, p in files:
            provenance.append((name, f.mirror_path, f.sha256, f.bytes,
                               int(per_file.get(p.name, 0))))
        frames.append(frame.drop(columns="file"))
        last[f"{name}_last_year"] = _last(frame)
    report.rows["trade_national"] = _write(con, "trade_national",
                                           pd.concat(frames, ignore_index=True))
    # Eurostat's euros at the euro area's annual average rate (WDI PA.NUS.FCRF, EMU)
    rate = dict(con.execute("SELECT CAST(year AS INTEGER), value FROM indicators WHERE "
                            "indicator = 'pa.nus.fcrf' AND code = 'EMU' AND value IS NOT NULL"
                            ).fetchall())
    files = _files(get_source("eurostat_eu_exports"), mirror)
    eu = eurostat.read_eurostat([p for _, p in files], rate)
    per_file = eu["file"].value_counts()
    for f, p in files:
        provenance.append(("eurostat_eu_exports", f.mirror_path, f.sha256, f.bytes,
                           int(per_file.get(p.name, 0))))
    report.rows["trade_eurostat"] = _write(con, "trade_eurostat", eu.drop(columns="file"))
    last["eurostat_last_year"] = _last(eu)
    return last


# --- issue 13: arms transfers, SIPRI milex 1949-2024, official visits, investment ----------
def _issue13_steps(con: duckdb.DuckDBPyConnection, mirror: Path | None,
                   log: states.UnmappedLog, report: BuildReport, provenance: list[tuple],
                   steps: Steps, step_done: Callable[[str], None]) -> dict[str, str]:
    """SIPRI arms register, SIPRI milex workbook, Office of the Historian travels and wiiw FDI.

    Tables ``arms_deals`` and ``arms`` (SIPRI trade register and deliveries per year, TIV
    millions), ``milex`` rows with ``source = 'sipri2025'`` (appended to the OWID vintages,
    with the column ``milex_current_usd``), ``visits`` (US President and Secretary of State)
    and ``investment`` (Kazakhstan's FDI by partner). Returns meta keys.
    """
    from multivector.sources import sipri, sipri_milex, visits, wiiw

    last: dict[str, str] = {}

    def prov(source: str, f: FileEntry, rows: int | None) -> None:
        provenance.append((source, f.mirror_path, f.sha256, f.bytes, rows))

    steps.say("parsing SIPRI arms transfers register")
    (af, ap), = _files(get_source("sipri_arms"), mirror)
    deals = sipri.read_register(ap)
    arms = sipri.arms_table(deals, log)
    report.rows["arms_deals"] = _write(con, "arms_deals", deals)
    report.rows["arms"] = _write(con, "arms", arms)
    prov("sipri_arms", af, len(deals))
    last["arms_last_year"] = _last(arms)
    steps.advance()
    step_done("sipri_arms")

    steps.say("parsing SIPRI military expenditure 1949-2024")
    (mf, mp), = _files(get_source("sipri_milex"), mirror)
    milex = sipri_milex.read_milex_workbook(mp)
    _log_unmapped(log, "sipri_milex", milex, "entity")
    con.execute("ALTER TABLE milex ADD COLUMN IF NOT EXISTS milex_current_usd DOUBLE")
    con.register("_frame", milex)
    con.execute("INSERT INTO milex BY NAME SELECT * FROM _frame")
    con.unregister("_frame")
    report.rows["milex"] = report.rows.get("milex", 0) + len(milex)
    prov("sipri_milex", mf, len(milex))
    last["milex2025_last_year"] = _last(milex[milex["milex_usd"].notna()])
    last["milex2025_basis"] = str(milex["basis"].iloc[0])
    steps.advance()
    step_done("sipri_milex")

    steps.say("parsing US official travels (Office of the Historian)")
    vfiles = _files(get_source("hsg_travels"), mirror)
    trips = visits.visits_table([p for _, p in vfiles], log)
    report.rows["visits"] = _write(con, "visits", trips)
    for f, _ in vfiles:
        prov("hsg_travels", f, None)
    last["visits_last_date"] = str(trips["end_date"].max())
    steps.advance()
    step_done("hsg_travels")

    steps.say("parsing wiiw FDI by partner")
    wfiles = _files(get_source("wiiw_fdi"), mirror)
    inv = wiiw.read_partners(_by_name(wfiles, "wiiw_partners.csv"))
    miss = inv["partner_kind"] == "unmapped"
    if miss.any():
        log.add("wiiw_fdi", inv.loc[miss, "partner_label"])
    report.rows["investment"] = _write(con, "investment", inv)
    for f, _ in wfiles:
        prov("wiiw_fdi", f, len(inv) if f.name == "wiiw_partners.csv" else None)
    last["investment_last_year"] = _last(inv)
    steps.advance()
    step_done("wiiw_fdi")
    return last


@dataclass(frozen=True)
class FinishStep:
    """A step the caller hands :func:`build`, run on the new file before it is renamed into
    place: ``run(con, say)`` computes what it stores and returns the rows written per table.
    The warehouse runs it and computes nothing itself (:mod:`multivector.analysis.ingest`
    hands it the ideal points and the derived results)."""

    name: str
    say: str
    run: Callable[[duckdb.DuckDBPyConnection, Callable[[str], None]], dict[str, int]]


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
        Steps run on the new file after the tables are written and before it is renamed into
        place, so that a failure in them leaves the previous warehouse untouched
        (:func:`multivector.analysis.ingest.build` hands the ideal points and the derived
        results).

    Returns
    -------
    BuildReport
    """
    import time

    start = time.perf_counter()
    target = Path(path) if path is not None else paths.warehouse_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.building-{os.getpid()}")
    remove_stale_builds(target)
    tmp.unlink(missing_ok=True)
    report = BuildReport(target)
    log = states.UnmappedLog()
    built_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    provenance: list[tuple] = []
    dots_src = get_source("dots")
    steps_total = 12 + len(finish) + len(dots_src.files)
    steps_total += 4  # issue 13 steps (_issue13_steps)
    background: _Background | None = None
    ok = False
    stack = contextlib.ExitStack()

    def step_done(name: str) -> None:
        if _after_step is not None:
            _after_step(name)

    try:
        stack.enter_context(_sigterm_raises())
        mfiles = _files(get_source("manyios"), mirror)
        background = _Background()
        background.submit("memberships", igo.read_manyios_memberships,
                          _by_name(mfiles, "memberships.rda"))
        background.submit("organizations", igo.read_manyios_organizations,
                          _by_name(mfiles, "organizations.rda"))
        with Steps(progress, steps_total, "building warehouse") as steps, \
                contextlib.closing(duckdb.connect(str(tmp))) as con:
            con.execute("SET enable_progress_bar = false")  # ours is shown instead
            steps.say("verifying UNGA files")
            files = {n: _files(get_source(n), mirror) for n in ("unga_long", "unga_pkg",
                                                                 "unga_wide")}
            steps.advance()
            steps.say("parsing UNGA votes (3 forms)")
            forms = unga.read_forms(
                _by_name(files["unga_long"], "UNVotesPublished.RData"),
                {n: _by_name(files["unga_pkg"], f"{n}.rda")
                 for n in ("un_votes", "un_roll_calls", "un_roll_call_issues")},
                _by_name(files["unga_wide"], "ungaVoting_003.csv"))
            tables = unga.reconcile(forms)
            rollcalls = tables.rollcalls
            report.rows["unga_rollcalls"] = _write(con, "unga_rollcalls", rollcalls)
            report.rows["unga_votes"] = _write(con, "unga_votes", tables.votes)
            report.rows["unga_rollcalls_excluded"] = _write(con, "unga_rollcalls_excluded",
                                                            tables.excluded)
            report.rows["unga_form_agreement"] = _write(con, "unga_form_agreement",
                                                        unga.form_agreement(forms))
            rows_by_file = {
                "UNVotesPublished.RData": len(forms.long_votes),
                "un_votes.rda": len(forms.pkg_votes),
                "un_roll_calls.rda": len(forms.pkg_rollcalls),
                "ungaVoting_003.csv": len(forms.wide_rollcalls),
            }
            for name, fl in files.items():
                for f, _ in fl:
                    provenance.append((name, f.mirror_path, f.sha256, f.bytes,
                                       rows_by_file.get(f.name)))
            steps.advance()
            step_done("unga")

            steps.say("parsing WDI indicators")
            wdi_values, wdi_meta, wdi_prov = wdi.read_vintages(
                _files(get_source("wdi"), mirror))
            provenance.extend(("wdi", *row) for row in wdi_prov)
            report.rows["indicators"] = _write(con, "indicators",
                                               _indicator_table(wdi_values, log))
            report.rows["indicator_meta"] = _write(con, "indicator_meta", wdi_meta)
            steps.advance()
            step_done("wdi")

            steps.say("parsing IMF DOTS workbooks")
            dfiles = []
            for f in dots_src.files:
                dfiles.append((f, fetch(f, mirror)))
            raw = dots.read_dots([p for _, p in dfiles], workers=min(2, os.cpu_count() or 1),
                                 progress=steps.advance)
            raw = _dedupe_trade(raw)
            rows_per_file = raw["file"].value_counts()
            trade = _trade_table(raw, log)
            report.rows["trade"] = _write(con, "trade", trade)
            for f, p in dfiles:
                provenance.append(("dots", f.mirror_path, f.sha256, f.bytes,
                                   int(rows_per_file.get(p.name, 0))))
            step_done("dots")

            steps.say("parsing national trade statistics (KAZ, UZB, KGZ) and Eurostat")
            national_last = _national_trade_step(con, mirror, report, provenance)
            steps.advance()
            step_done("trade_national")

            steps.say("parsing COW NMC")
            (nf, np_), = _files(get_source("cow_nmc"), mirror)
            nmc = cow.read_nmc(np_)
            report.rows["cow_nmc"] = _write(con, "cow_nmc", nmc)
            provenance.append(("cow_nmc", nf.mirror_path, nf.sha256, nf.bytes, len(nmc)))
            steps.advance()
            step_done("cow_nmc")

            channel_last = _channel_steps(con, mirror, mfiles, background, log, report,
                                          provenance, steps, step_done)
            channel_last.update(_issue13_steps(con, mirror, log, report, provenance, steps,
                                               step_done))

            steps.say("writing reference tables")
            report.rows["states"] = _write(con, "states", states.iso3_table())
            pole_rows = pd.concat([poles.load_pole_set(n).intervals()
                                   for n in poles.packaged_pole_sets()], ignore_index=True)
            report.rows["poles"] = _write(con, "poles", pole_rows)
            report.rows["blocs"] = _write(con, "blocs", poles.blocs())
            unmapped = log.frame()
            report.unmapped = unmapped
            report.rows["unmapped"] = _write(con, "unmapped", unmapped)
            src_rows = []
            for name in INGESTED + INGESTED_NATIONAL:
                s = get_source(name)
                src_rows.append((name, s.title, s.citation, s.coverage, "; ".join(s.licences)))
            _write(con, "sources", pd.DataFrame(src_rows, columns=["source", "title",
                                                                   "citation", "coverage",
                                                                   "licence"]))
            prov = pd.DataFrame([(*r, None)[:6] for r in provenance],
                                columns=["source", "file", "sha256", "bytes", "rows", "note"])
            prov["rows"] = prov["rows"].astype("Int64")
            prov["built_at"] = built_at
            report.rows["provenance"] = _write(con, "provenance", prov)
            last = {
                "unga_last_date": str(rollcalls["date"].max()),
                "unga_last_session": str(int(rollcalls["session"].max())),
                "trade_last_year": str(int(trade["year"].max())),
                "wdi_last_year": _last(wdi_values),
                "nmc_last_year": str(int(nmc["year"].max())),
                **channel_last,
                **national_last,
            }
            meta = {"schema_version": SCHEMA_VERSION, "multivector_version": __version__,
                    "built_at": built_at, **last}
            _write(con, "meta", pd.DataFrame(sorted(meta.items()), columns=["key", "value"]))
            steps.advance()
            step_done("reference")

            for step in finish:
                steps.say(step.say)
                report.rows.update(step.run(con, steps.say))
                steps.advance()
                step_done(step.name)
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
        if background is not None:
            background.close(ok)
        stack.close()
    report.seconds = time.perf_counter() - start
    return report


