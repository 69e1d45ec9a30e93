"""The warehouse: one DuckDB file built atomically from the pinned sources, its readers, and
the stores of results it is handed (ideal points, derived tables, events). It computes no
measure.

The names most callers need are here: :func:`connect`, :func:`exists`, :func:`open_checked`,
:func:`meta`, :func:`build` and :data:`SCHEMA_VERSION`.
"""

from multivector.warehouse.builder import INGESTED, INGESTED_NATIONAL, FinishStep, build
from multivector.warehouse.connect import (
    SCHEMA_VERSION,
    connect,
    exists,
    meta,
    open_checked,
    remove_stale_builds,
)

__all__ = ["INGESTED", "INGESTED_NATIONAL", "SCHEMA_VERSION", "FinishStep", "build", "connect",
           "exists", "meta", "open_checked", "remove_stale_builds"]
