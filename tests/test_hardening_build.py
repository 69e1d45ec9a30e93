"""Builds and warehouses under stress: interrupted ingest (SIGTERM, SIGKILL), a full disk, a
corrupt, empty or outdated warehouse, and ideal points written while others read (issue 11,
data layer). Each case has its own fixture, a pinned message, the exit status, and a check that
nothing else changed on disk. None needs the real data mirror: the build's parsers are replaced
by stand-ins where the test is about what happens around them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector import warehouse
from multivector.analysis.idealpoints import IdealPointSettings
from multivector.cli import app
from multivector.core.errors import SourceError
from multivector.sources import unga
from multivector.warehouse import builder, step_context
from multivector.warehouse import idealpoints as idealpoint_store

runner = CliRunner()
OLD = b"the previous warehouse, byte for byte"


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): "dir" if p.is_dir() else
            hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*"))}


@pytest.fixture
def target(tmp_path, monkeypatch) -> Path:
    """MULTIVECTOR_WAREHOUSE in an empty folder of its own."""
    folder = tmp_path / "wh"
    folder.mkdir()
    path = folder / "warehouse.duckdb"
    monkeypatch.setenv("MULTIVECTOR_WAREHOUSE", str(path))
    return path


# ------------------------------------------------- 11. corrupt, empty, outdated warehouses


def _meta_only(path: Path, schema: str | None) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
        if schema is not None:
            con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [schema])


@pytest.fixture
def corrupt_warehouse(target) -> Path:
    target.write_bytes(bytes(range(256)) * 64)
    return target


@pytest.fixture
def empty_warehouse(target) -> Path:
    target.write_bytes(b"")
    return target


@pytest.fixture
def outdated_warehouse(target) -> Path:
    _meta_only(target, "2")
    return target


@pytest.fixture
def foreign_duckdb_file(target) -> Path:
    with duckdb.connect(str(target)) as con:
        con.execute("CREATE TABLE t AS SELECT 1 AS x")
    return target


def _balance(path: Path) -> tuple[int, str]:
    before = _tree(path.parent)
    res = runner.invoke(app, ["balance", "KAZ", "--years", "2015"])
    assert _tree(path.parent) == before
    return res.exit_code, res.stderr.strip()


def test_corrupt_warehouse(corrupt_warehouse):
    code, msg = _balance(corrupt_warehouse)
    assert code == 1
    assert msg == (f"error: {corrupt_warehouse}: not a readable warehouse (corrupt or not a "
                   "DuckDB file); rebuild it with `multivector ingest` (detail: IO Error: The "
                   f'file "{corrupt_warehouse}" exists, but it is not a valid DuckDB database '
                   "file!)")


def test_empty_warehouse(empty_warehouse):
    assert _balance(empty_warehouse) == (
        1, f"error: {empty_warehouse}: the warehouse file is empty; rebuild it with "
           "`multivector ingest`")


def test_outdated_warehouse(outdated_warehouse):
    assert _balance(outdated_warehouse) == (
        1, f"error: {outdated_warehouse}: built by another multivector version (warehouse "
           f"schema 2, this version reads {warehouse.SCHEMA_VERSION}); rebuild it with "
           "`multivector ingest`")


def test_duckdb_file_that_is_no_warehouse(foreign_duckdb_file):
    assert _balance(foreign_duckdb_file) == (
        1, f"error: {foreign_duckdb_file}: not a multivector warehouse (no meta table); rebuild "
           "it with `multivector ingest`")


# ------------------------------------------------------------ 11. a full disk during ingest


def _stand_in_parsers(monkeypatch, fail_with: BaseException) -> None:
    """The build up to the UNGA parser, which fails as told (files and parsers stood in)."""
    from multivector.sources import igo

    monkeypatch.setattr(step_context, "source_files",
                        lambda source, mirror: [(f, Path(f.name)) for f in source.files])
    monkeypatch.setattr(igo, "read_manyios_memberships", lambda p: pd.DataFrame())
    monkeypatch.setattr(igo, "read_manyios_organizations", lambda p: pd.DataFrame())

    def parse(*args):
        raise fail_with

    monkeypatch.setattr(unga, "read_forms", parse)


@pytest.fixture
def disk_full_during_ingest(target, monkeypatch) -> Path:
    target.write_bytes(OLD)
    _stand_in_parsers(monkeypatch, OSError(errno.ENOSPC, "No space left on device"))
    return target


@pytest.fixture
def duckdb_disk_full_during_ingest(target, monkeypatch) -> Path:
    target.write_bytes(OLD)
    _stand_in_parsers(monkeypatch, duckdb.IOException(
        'IO Error: Could not write file "x": No space left on device'))
    return target


@pytest.mark.parametrize("case", ["disk_full_during_ingest", "duckdb_disk_full_during_ingest"])
def test_disk_full_during_ingest(case, request):
    target = request.getfixturevalue(case)
    res = runner.invoke(app, ["ingest"])
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines()[-1] == (
        f"error: no space left on the device holding {target.parent} while building the "
        f"warehouse; the partial build .warehouse.duckdb.building-{os.getpid()} was removed and "
        f"the warehouse at {target} is unchanged. Free some space and run `multivector ingest` "
        "again")
    assert sorted(p.name for p in target.parent.iterdir()) == ["warehouse.duckdb"]
    assert target.read_bytes() == OLD


# ------------------------------------------------------- 5. interrupted ingest, real process

INGEST = r"""
import sys, time
from pathlib import Path
from multivector.sources import dots, igo, unga
from multivector.warehouse import step_context

def slow(*args):
    time.sleep(120)

def parse_then_read_workbooks(*args):
    print("READY", flush=True)
    dots.read_dots([Path("x.xlsx")] * 8, workers=2)  # two more workers, parsing slowly

step_context.source_files = lambda source, mirror: [(f, Path(f.name))
                                                    for f in source.files]
igo.read_manyios_memberships = slow
igo.read_manyios_organizations = slow
dots.read_dots_file = slow
unga.read_forms = parse_then_read_workbooks
sys.argv = ["multivector", "ingest"]
from multivector.cli import app
app()
"""


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def ingest_with_three_workers(target):
    """A real ``multivector ingest`` process, stopped inside its parsers with three worker
    processes (the background parser and two workbook readers) and its partial file open."""
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc to list the worker processes")
    target.write_bytes(OLD)
    proc = subprocess.Popen([sys.executable, "-c", INGEST], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    assert proc.stdout.readline().strip() == "READY"
    deadline = time.monotonic() + 30
    while len(_children(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _children(proc.pid)
    yield proc, workers, target
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for w in workers:
        if _running(w):
            os.kill(w, signal.SIGKILL)


def _gone(pids: list[int], within: float = 10.0) -> list[int]:
    deadline = time.monotonic() + within
    while any(_running(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _running(p)]


def test_sigterm_stops_workers_and_removes_the_partial_build(ingest_with_three_workers):
    proc, workers, target = ingest_with_three_workers
    assert len(workers) == 3
    building = target.parent / f".warehouse.duckdb.building-{proc.pid}"
    assert building.exists()
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.strip().splitlines()[-1] == (
        f"error: ingest stopped by SIGTERM; the partial build {building.name} was removed and "
        f"the warehouse at {target} is unchanged")
    assert _gone(workers) == []
    assert sorted(p.name for p in target.parent.iterdir()) == ["warehouse.duckdb"]
    assert target.read_bytes() == OLD


def test_sigkill_leaves_a_partial_build_that_the_next_build_removes(
        ingest_with_three_workers, monkeypatch):
    proc, workers, target = ingest_with_three_workers
    proc.kill()
    proc.wait()
    assert _gone(workers) == []  # the workers die with their parent (Linux)
    stale = target.parent / f".warehouse.duckdb.building-{proc.pid}"
    assert stale.exists()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = target.parent / f".warehouse.duckdb.building-{alive.pid}"  # a build under way
        live.write_bytes(b"in progress")

        def no_source(source, mirror):
            raise SourceError("stop here")

        monkeypatch.setattr(step_context, "source_files", no_source)
        with pytest.raises(SourceError, match="stop here"):
            builder.build(target, progress=False)
        assert sorted(p.name for p in target.parent.iterdir()) == [live.name,
                                                                   "warehouse.duckdb"]
    finally:
        alive.kill()
        alive.wait()
    assert target.read_bytes() == OLD


# ------------------------------------------- 6. ideal points written beside the warehouse

STATES = ["KAZ", "RUS", "CHN", "USA", "FRA", "DEU", "IND", "BRA", "TUR", "IRN", "UZB", "KGZ",
          "JPN", "GBR", "ZAF", "NGA", "EGY", "MEX", "ARG", "IDN"]


@pytest.fixture
def small_warehouse(target) -> Path:
    """Votes of 20 states on 3 sessions of 15 roll calls (random, seeded), and a meta table."""
    rng = np.random.default_rng(1)
    theta = rng.normal(0, 1, len(STATES))
    rcs, votes = [], []
    for session in (1, 2, 3):
        for j in range(15):
            rcid = session * 100 + j
            rcs.append((rcid, session, 1945 + session, None, None, False, False))
            latent = rng.normal(0, 1.5) * theta + rng.standard_normal(len(STATES))
            for s, v in zip(STATES, latent, strict=True):
                votes.append((rcid, s, 1 if v > 0.3 else (2 if v > -0.3 else 3)))
    with duckdb.connect(str(target)) as con:
        con.register("rc", pd.DataFrame(rcs, columns=["rcid", "session", "year", "short",
                                                      "descr", "amend", "para"]))
        con.register("v", pd.DataFrame(votes, columns=["rcid", "iso3", "vote"]))
        con.execute("CREATE TABLE unga_rollcalls AS SELECT * FROM rc")
        con.execute("CREATE TABLE unga_votes AS SELECT * FROM v")
        con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('built_at', ?)",
                    [warehouse.SCHEMA_VERSION, "2026-01-01T00:00:00+00:00"])
    return target


@pytest.fixture
def reader_holding_the_warehouse(small_warehouse):
    """Another process with the warehouse open (read-only), as a report or a notebook has."""
    code = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(small_warehouse)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    yield small_warehouse
    proc.kill()
    proc.wait()


IDEAL = ["idealpoints", "--rw-scale", "0.2", "--fit-sessions", "1-3", "--years", "1946-1948",
         "-c", "KAZ", "--format", "csv"]


def test_idealpoints_with_other_settings_never_write_the_warehouse(reader_holding_the_warehouse):
    path = reader_holding_the_warehouse
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    res = runner.invoke(app, IDEAL)
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0] == "iso3,session,year,theta,lo,hi"
    assert [x.split(",")[:3] for x in lines[1:]] == [["KAZ", "1", "1946"], ["KAZ", "2", "1947"],
                                                     ["KAZ", "3", "1948"]]
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    key = IdealPointSettings(rw_scale=0.2, first_session=1, last_session=3).key
    cache = path.parent / "warehouse.duckdb.idealpoints"
    assert sorted(p.name for p in cache.iterdir()) == [f"{key}.duckdb"]
    again = runner.invoke(app, IDEAL)  # read back from the cache, not fitted again
    assert again.stdout == res.stdout
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.fixture
def disk_full_while_storing_ideal_points(small_warehouse, monkeypatch) -> Path:
    def store(con, key, tables):
        con.execute("CREATE TABLE idealpoints AS SELECT 1 AS half_written")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(idealpoint_store, "store", store)
    return small_warehouse


def test_failed_ideal_point_write_leaves_nothing(disk_full_while_storing_ideal_points):
    path = disk_full_while_storing_ideal_points
    before = _tree(path.parent)
    res = runner.invoke(app, IDEAL)
    assert res.exit_code == 1
    key = IdealPointSettings(rw_scale=0.2, first_session=1, last_session=3).key
    cache = path.parent / "warehouse.duckdb.idealpoints" / f"{key}.duckdb"
    assert res.stderr.strip() == (f"error: could not store the ideal-point estimate at {cache}: "
                                  "[Errno 28] No space left on device; nothing was changed")
    after = _tree(path.parent)
    assert {k: v for k, v in after.items() if v != "dir"} == before
