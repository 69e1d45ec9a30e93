"""``multivector ingest``: build the warehouse, then fit and derive what every report reads.

The warehouse builder parses the pinned sources into tables and computes nothing; this module
hands it two finish steps, run on the new file before it is renamed into place (so a failure in
them leaves the previous warehouse untouched):

1. the default UNGA ideal points (:func:`multivector.analysis.idealpoints.fit_default`), as
   soon as the UNGA tables are written;
2. the results for every state (:func:`multivector.analysis.derive.compute`), stored with the
   settings they were computed with (:mod:`multivector.warehouse.derived`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from multivector.analysis import derive, idealpoints, options
from multivector.core import paths
from multivector.warehouse import derived as derived_store

if TYPE_CHECKING:
    from multivector.warehouse.step_context import BuildReport


def _derive(con: duckdb.DuckDBPyConnection, say: Callable[[str], None]) -> dict[str, int]:
    return derived_store.store(con, derive.compute(con, say), options.stored_keys())


def build(path: Path | None = None, mirror: Path | None = None, progress: bool = True,
          derive: bool = True, _after_step: Callable[[str], None] | None = None) -> BuildReport:
    """Build the warehouse at ``path`` from the pinned sources (``mirror``: a local copy),
    with the default ideal points and, unless ``derive`` is False, the results for every
    state; see :func:`multivector.warehouse.builder.build` for the atomic write."""
    # the builder loads every source parser: imported when a build happens, not by every
    # command that only makes sure a warehouse exists
    from multivector.warehouse.builder import FinishStep
    from multivector.warehouse.builder import build as build_tables

    finish = [FinishStep("idealpoints", "estimating UNGA ideal points (1946-2024)",
                         idealpoints.fit_default, after="unga")]
    if derive:
        finish.append(FinishStep("derived", "balance, sensitivity and power of every state",
                                 _derive))
    return build_tables(path, mirror, progress, finish, _after_step=_after_step)


def ensure(path: Path | None = None, mirror: Path | None = None, progress: bool = True) -> Path:
    """Build the warehouse if it is missing; return its path."""
    target = Path(path) if path is not None else paths.warehouse_path()
    if not target.is_file():
        build(target, mirror=mirror, progress=progress)
    return target
