"""The warehouse: one DuckDB file built atomically from the pinned sources, its readers, and
the stores of results it is handed (ideal points, derived tables, events). It computes no
measure.

The names every reader needs are here: :func:`connect`, :func:`exists`, :func:`open_checked`,
:func:`meta` and :data:`SCHEMA_VERSION`. Building is :func:`multivector.warehouse.builder.build`
(through :func:`multivector.analysis.ingest.build`), imported only where a build happens: the
builder pulls in every source parser, which a command that only reads should not load.
"""

from multivector.warehouse.connect import (
    SCHEMA_VERSION,
    connect,
    exists,
    meta,
    open_checked,
    remove_stale_builds,
)

__all__ = ["SCHEMA_VERSION", "connect", "exists", "meta", "open_checked", "remove_stale_builds"]
