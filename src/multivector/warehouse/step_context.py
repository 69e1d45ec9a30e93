"""What every table-building step of :func:`multivector.warehouse.builder.build` is handed.

A step reads the pinned files of its sources (:meth:`BuildContext.files`), parses them with
:mod:`multivector.sources`, writes tables to the new file (:meth:`BuildContext.table`), records
the files it read (:meth:`BuildContext.prov`) and says when it is done
(:meth:`BuildContext.done`); it returns the ``meta`` keys it knows (the last year of each
source). Steps parse and store; they compute no measure.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from multivector.core import states
from multivector.core.errors import WarehouseMissingError
from multivector.core.progress import Steps
from multivector.sources import dots
from multivector.sources.fetch import fetch
from multivector.sources.registry import FileEntry, Source, get_source

Files = list[tuple[FileEntry, Path]]


@dataclass
class BuildReport:
    """What a build did: rows per table, unmapped labels, seconds taken."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    unmapped: pd.DataFrame | None = None
    seconds: float = 0.0


def source_files(source: Source, mirror: Path | None) -> Files:
    """Every file of ``source``, fetched (or found in ``mirror``) and verified."""
    return [(f, fetch(f, mirror)) for f in source.files]


def by_name(files: Files, suffix: str) -> Path:
    """The one file of ``files`` whose mirror path ends with ``suffix``."""
    hits = [p for f, p in files if f.mirror_path.endswith(suffix)]
    if len(hits) != 1:
        raise WarehouseMissingError(f"expected one file ending {suffix!r}, found {len(hits)}")
    return hits[0]


def write(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> int:
    """Write ``frame`` as table ``name`` (replacing it); its rows."""
    con.register("_frame", frame)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
    con.unregister("_frame")
    return len(frame)


def last_year(frame: pd.DataFrame) -> str:
    """The last ``year`` of ``frame``, as the ``meta`` table holds it."""
    return str(int(frame["year"].max()))


def log_unmapped(log: states.UnmappedLog, source: str, frame: pd.DataFrame,
                 label: str) -> None:
    """Record the ``label`` of every row of ``frame`` whose ``kind`` is ``unmapped``."""
    miss = frame["kind"] == "unmapped"
    if miss.any():
        log.add(source, frame.loc[miss, label])


class Background:
    """Parsers run in one worker process while the build goes on.

    manyIOs' R lists can only be read with ``rdata``, in pure Python (about 15 s for the
    pinned files); run beside the UNGA and ideal-point steps they add little to the build.
    The worker is forked before any DuckDB connection is opened, and killed if the build fails.
    """

    def __init__(self) -> None:
        self.pool = multiprocessing.get_context("fork").Pool(1, initializer=dots.init_worker)
        self.jobs: dict = {}

    def submit(self, name: str, fn: Callable, *args) -> None:
        self.jobs[name] = self.pool.apply_async(fn, args)

    def result(self, name: str) -> Any:
        return self.jobs.pop(name).get()

    def close(self, ok: bool) -> None:
        if ok:
            self.pool.close()
        else:
            self.pool.terminate()
        self.pool.join()


@dataclass
class BuildContext:
    """The state of one build, handed to every step.

    ``con`` (the new file) and ``steps`` (the progress bar) are set once the file is open;
    ``background`` once its worker is started. ``on_done(name)`` runs after each step, with
    the step's name (the caller's hook and the finish steps that wait for that step).
    """

    mirror: Path | None
    report: BuildReport
    log: states.UnmappedLog = field(default_factory=states.UnmappedLog)
    provenance: list[tuple] = field(default_factory=list)
    con: duckdb.DuckDBPyConnection | None = None
    steps: Steps | None = None
    background: Background | None = None
    on_done: Callable[[str], None] | None = None
    fetched: dict[str, Files] = field(default_factory=dict)

    def files(self, source: str) -> Files:
        """The files of ``source``, fetched and verified once per build."""
        if source not in self.fetched:
            self.fetched[source] = source_files(get_source(source), self.mirror)
        return self.fetched[source]

    def latest(self, source: str) -> tuple[FileEntry, Path]:
        """The last file of ``source`` in registry order, for a source whose every file holds
        all of it (a newer release added with ``multivector data add`` replaces the pinned one
        whole); each earlier file gets a ``provenance`` row saying ``superseded by`` it."""
        files = self.files(source)
        f, path = files[-1]
        for old, _ in files[:-1]:
            self.provenance.append((source, old.mirror_path, old.sha256, old.bytes, 0,
                                    f"superseded by {f.mirror_path} (a newer release)"))
        return f, path

    def table(self, name: str, frame: pd.DataFrame) -> int:
        """Write table ``name`` and count its rows in the report; the rows."""
        self.report.rows[name] = write(self.con, name, frame)
        return self.report.rows[name]

    def prov(self, source: str, f: FileEntry, rows: int | None) -> None:
        """Record that ``f`` of ``source`` was read (``rows``: rows it gave, if known)."""
        self.provenance.append((source, f.mirror_path, f.sha256, f.bytes, rows))

    def say(self, text: str) -> None:
        self.steps.say(text)

    def done(self, name: str, advance: bool = True) -> None:
        """Step ``name`` is done: advance the bar (unless it advanced per file) and tell."""
        if advance:
            self.steps.advance()
        if self.on_done is not None:
            self.on_done(name)
