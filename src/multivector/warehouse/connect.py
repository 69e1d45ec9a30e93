"""Opening the warehouse: where it is, whether it is there, a checked read-only connection.

The warehouse is one DuckDB file (:func:`multivector.core.paths.warehouse_path`), written only
by :func:`multivector.warehouse.builder.build` (aside, then renamed into place); everything
else opens it read-only through :func:`connect` or :func:`open_checked`, which refuse a file of
another schema version with a message that says to rebuild it.
"""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import duckdb

from multivector.core import paths
from multivector.core.errors import WarehouseMissingError, WarehouseUnusableError

log = logging.getLogger(__name__)

SCHEMA_VERSION = "3"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_stale_builds(target: Path, tag: str = "building") -> list[Path]:
    """Remove the partial files of builds of ``target`` whose process is gone.

    A build writes ``.<name>.<tag>-<pid>`` (and its ``.wal``) beside the target; a build
    killed by SIGKILL or a power cut leaves them behind. Files of a live process are kept.
    """
    pattern = re.compile(rf"\.{re.escape(target.name)}\.{re.escape(tag)}-(\d+)(\.wal)?")
    removed = []
    for p in target.parent.glob(f".{glob.escape(target.name)}.{tag}-*"):
        m = pattern.fullmatch(p.name)
        if m is None or int(m.group(1)) == os.getpid() or _pid_alive(int(m.group(1))):
            continue
        p.unlink(missing_ok=True)
        removed.append(p)
        log.info("removed %s, left by an interrupted build", p)
    return removed


def exists(path: Path | None = None) -> bool:
    """Whether a built warehouse is at ``path`` (default location when None)."""
    return (Path(path) if path is not None else paths.warehouse_path()).is_file()


@contextlib.contextmanager
def connect(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse; raises if it has not been built."""
    target = Path(path) if path is not None else paths.warehouse_path()
    if not target.is_file():
        raise WarehouseMissingError(
            f"no warehouse at {target}; build it with `multivector ingest` "
            "(set MULTIVECTOR_MIRROR to read a local data mirror)")
    con = open_checked(target)
    try:
        yield con
    finally:
        con.close()


def open_checked(target: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse at ``target``, checked to be one this version
    reads (its ``meta`` table names :data:`SCHEMA_VERSION`).

    Raises
    ------
    WarehouseUnusableError
        The file is corrupt, empty, locked by a writer, or of another schema version; the
        message says to rebuild it with ``multivector ingest``.
    """
    rebuild = "rebuild it with `multivector ingest`"
    if target.stat().st_size == 0:
        raise WarehouseUnusableError(f"{target}: the warehouse file is empty; {rebuild}")
    try:
        con = duckdb.connect(str(target), read_only=True)
    except duckdb.Error as exc:
        detail = str(exc).splitlines()[0]
        if "lock" in detail.lower():
            raise WarehouseUnusableError(
                f"{target}: the warehouse is held by another process writing it; wait for it "
                f"to finish (detail: {detail})") from None
        raise WarehouseUnusableError(
            f"{target}: not a readable warehouse (corrupt or not a DuckDB file); {rebuild} "
            f"(detail: {detail})") from None
    try:
        con.execute("SET enable_progress_bar = false")  # commands show their own progress
        found = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except duckdb.Error:
        con.close()
        raise WarehouseUnusableError(
            f"{target}: not a multivector warehouse (no meta table); {rebuild}") from None
    version = found[0][0] if found else None
    if version != SCHEMA_VERSION:
        con.close()
        raise WarehouseUnusableError(
            f"{target}: built by another multivector version (warehouse schema {version}, "
            f"this version reads {SCHEMA_VERSION}); {rebuild}")
    return con


def meta(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The ``meta`` table as a dict."""
    return dict(con.execute("SELECT key, value FROM meta").fetchall())
