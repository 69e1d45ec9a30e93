"""The events file: stored events, their provenance and what could not be used.

Events live in their own DuckDB file beside the warehouse (``events.duckdb``, or
``MULTIVECTOR_EVENTS``), not in the warehouse: the warehouse is rebuilt atomically by
``multivector ingest`` from pinned sources and opened read-only by every reader, while events
come from files a user brings and adds one at a time. A separate file lets ``events ingest``
write without rebuilding or locking the warehouse, and survives a warehouse rebuild.

Tables
------
``events``
    ``date, year, month, source_iso3, target_iso3, type, quad, source, doc, weight, sentence,
    confidence``: one row per event; ``source`` is the layout (``icews``, ``gdelt1``,
    ``gdelt2``, ``polecat``) or ``text`` (coded by ``multivector events code --store``),
    ``doc`` the sha256 of the file or text it came from, ``weight`` 1 for coded events;
    ``sentence`` and ``confidence`` for events coded from text.
``event_files``
    One row per ingested file: ``doc, path, source, rows_read, rows_stored, ingested_at``.
``event_problems``
    ``doc, field, label, rows, reason``: every row not stored, counted by reason.

Ingesting a file whose sha256 is already stored replaces its rows, and a text whose sha256 is
already stored is skipped: the same file or article never counts twice.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from multivector.core import paths
from multivector.core.errors import ParseError
from multivector.sources import event_files as readers
from multivector.sources.eventcoder import crosswalk
from multivector.sources.fetch import sha256_of

SOURCES = ("icews", "gdelt1", "gdelt2", "polecat", "text")
SCHEMA = """
CREATE TABLE IF NOT EXISTS events (date DATE, year INTEGER, month INTEGER,
    source_iso3 VARCHAR, target_iso3 VARCHAR, type VARCHAR, quad INTEGER, source VARCHAR,
    doc VARCHAR, weight DOUBLE, sentence VARCHAR, confidence DOUBLE);
CREATE TABLE IF NOT EXISTS event_files (doc VARCHAR, path VARCHAR, source VARCHAR,
    rows_read BIGINT, rows_stored BIGINT, ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS event_problems (doc VARCHAR, field VARCHAR, label VARCHAR,
    rows BIGINT, reason VARCHAR);
"""


def events_path() -> Path:
    """``MULTIVECTOR_EVENTS``, else ``events.duckdb`` in the warehouse's folder."""
    env = os.environ.get("MULTIVECTOR_EVENTS")
    return Path(env).expanduser() if env else paths.warehouse_path().with_name("events.duckdb")


def ingest_file(path: str | Path, fmt: str, target: Path | None = None, strict: bool = False
                ) -> tuple[readers.ReadReport, str, bool]:
    """Read ``path`` in layout ``fmt`` and store its events (replacing an earlier ingest).

    With ``strict`` a malformed row raises :class:`multivector.core.errors.ParseError` (with its
    line or event id) and nothing is stored.

    Returns
    -------
    (ReadReport, str, bool)
        What the reader could not use, the file's sha256, and whether the file had been
        ingested before (its rows replaced, not added).
    """
    p = Path(path)
    ev, report = readers.read_events(p, fmt)
    bad = report.problems[report.problems["reason"] == "malformed row"]
    if strict and len(bad):
        raise ParseError(str(p), "malformed row(s); nothing stored", value=bad["label"].iloc[0])
    doc = sha256_of(p)
    out = target or events_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(out))
    try:
        con.execute(SCHEMA)
        seen = con.execute("SELECT count(*) FROM event_files WHERE doc = ?", [doc]
                           ).fetchall()[0][0] > 0
        frame = ev.drop(columns="event_id").assign(source=fmt, doc=doc, weight=1.0)
        probs = report.problems.assign(doc=doc)[["doc", "field", "label", "rows", "reason"]]
        con.execute("BEGIN")
        for table in ("events", "event_files", "event_problems"):
            con.execute(f"DELETE FROM {table} WHERE doc = ?", [doc])
        con.register("_new", frame)
        con.execute("INSERT INTO events BY NAME SELECT date, year, month, source_iso3, "
                    "target_iso3, type, quad, source, doc, weight FROM _new")
        con.register("_probs", probs)
        con.execute("INSERT INTO event_problems SELECT * FROM _probs")
        con.execute("INSERT INTO event_files VALUES (?, ?, ?, ?, ?, ?)",
                    [doc, str(p.resolve()), fmt, report.rows_read, len(frame),
                     datetime.now(UTC).replace(tzinfo=None)])
        con.execute("COMMIT")
    finally:
        con.close()
    return report, doc, seen


def _connect(path: Path | None = None) -> duckdb.DuckDBPyConnection | None:
    p = path or events_path()
    if not p.is_file():
        return None
    return duckdb.connect(str(p), read_only=True)


def files(path: Path | None = None) -> pd.DataFrame:
    """The ingested files (empty when there is no events file)."""
    con = _connect(path)
    if con is None:
        return pd.DataFrame(columns=["doc", "path", "source", "rows_read", "rows_stored",
                                     "ingested_at"])
    with con:
        return con.execute("SELECT * FROM event_files ORDER BY ingested_at").df()


def problems(path: Path | None = None) -> pd.DataFrame:
    """Rows not stored, by file, field, label and reason."""
    con = _connect(path)
    if con is None:
        return pd.DataFrame(columns=["doc", "field", "label", "rows", "reason"])
    with con:
        return con.execute("SELECT * FROM event_problems ORDER BY doc, rows DESC").df()


def cooperation_dyads(years: tuple[int, int], focal: list[str] | None = None,
                      path: Path | None = None) -> pd.DataFrame:
    """``iso3, partner, year, value``: cooperative events between each pair of states.

    ``value`` is the sum of the weights of events of the PLOVER quad classes verbal and
    material cooperation (1, 2) in which the focal state is the source or the target and the
    partner the other side, in either direction; events of a state with itself are left out.
    Empty when there is no events file or no such event.
    """
    con = _connect(path)
    cols = ["iso3", "partner", "year", "value"]
    if con is None:
        return pd.DataFrame(columns=cols)
    quads = ", ".join(map(str, crosswalk.COOPERATION))
    with con:
        d = con.execute(
            "WITH e AS (SELECT source_iso3 AS iso3, target_iso3 AS partner, year, weight FROM "
            f"events WHERE quad IN ({quads}) AND year BETWEEN ? AND ? UNION ALL "
            "SELECT target_iso3, source_iso3, year, weight FROM events WHERE quad IN "
            f"({quads}) AND year BETWEEN ? AND ?) SELECT iso3, partner, year, "
            "sum(weight) AS value FROM e WHERE iso3 <> partner GROUP BY ALL",
            [*years, *years]).df()
    if focal is not None:
        d = d[d["iso3"].isin(focal)]
    return d[cols].reset_index(drop=True)


def sources_for(iso3: str, years: tuple[int, int] | None = None,
                path: Path | None = None) -> pd.DataFrame:
    """``source, path, events``: the files a state's stored events came from."""
    con = _connect(path)
    if con is None:
        return pd.DataFrame(columns=["source", "path", "events"])
    span = years or (0, 9999)
    with con:
        return con.execute(
            "SELECT e.source, f.path, count(*) AS events, min(e.date) AS first, "
            "max(e.date) AS last FROM events e JOIN event_files f USING (doc) WHERE "
            "(e.source_iso3 = ? OR e.target_iso3 = ?) AND e.year BETWEEN ? AND ? "
            "GROUP BY ALL ORDER BY events DESC", [iso3, iso3, *span]).df()


# ------------------------------------------------------------------ events coded from text
QUAD_NUMBER = {"VERBAL COOPERATION": 1, "MATERIAL COOPERATION": 2, "VERBAL CONFLICT": 3,
               "MATERIAL CONFLICT": 4}


def store_events(events: pd.DataFrame, path: Path | None = None) -> tuple[int, int]:
    """Add events coded from text (rows of
    :data:`multivector.sources.eventcoder.coder.EVENT_COLUMNS`).

    A document whose sha256 is already stored is skipped. Returns (events added, documents
    skipped).
    """
    target = path or events_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute(SCHEMA)
        known = {r[0] for r in con.execute("SELECT doc FROM event_files").fetchall()}
        shas = set(events["doc_sha256"]) if len(events) else set()
        fresh = events[~events["doc_sha256"].isin(known)] if len(events) else events
        if len(fresh):
            date = pd.to_datetime(fresh["date"], errors="coerce")
            rows = pd.DataFrame({
                "date": date.dt.date, "year": date.dt.year.astype("Int64"),
                "month": date.dt.month.astype("Int64"), "source_iso3": fresh["source"],
                "target_iso3": fresh["target"], "type": fresh["type"],
                "quad": fresh["quad"].map(QUAD_NUMBER).astype("Int64"), "source": "text",
                "doc": fresh["doc_sha256"], "weight": 1.0, "sentence": fresh["sentence"],
                "confidence": fresh["confidence"]})
            con.register("new_events", rows)
            con.execute("INSERT INTO events BY NAME SELECT * FROM new_events")
            con.unregister("new_events")
            docs = fresh.groupby("doc_sha256").agg(path=("doc", "first"), n=("doc", "size"))
            now = datetime.now(UTC).replace(tzinfo=None)
            for sha, r in docs.iterrows():
                con.execute("INSERT INTO event_files VALUES (?, ?, 'text', ?, ?, ?)",
                            [sha, str(r["path"]), int(r["n"]), int(r["n"]), now])
        return len(fresh), len(shas & known)
    finally:
        con.close()


def read_events(path: Path | None = None) -> pd.DataFrame:
    """The stored events (empty when nothing is stored yet)."""
    con = _connect(path)
    if con is None:
        return pd.DataFrame(columns=["date", "year", "month", "source_iso3", "target_iso3",
                                     "type", "quad", "source", "doc", "weight", "sentence",
                                     "confidence"])
    with con:
        return con.execute("SELECT * FROM events ORDER BY date, doc").df()
