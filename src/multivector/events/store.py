"""Coded events kept in a DuckDB file of their own, beside the warehouse.

The warehouse is rebuilt whole by ``multivector ingest`` and opened read-only, so events coded
from text go to ``events.duckdb`` in the warehouse's folder (``MULTIVECTOR_EVENTS_DB``
overrides it), table ``events``: ``date, source_iso3, target_iso3, type, quad, doc_sha256,
sentence, confidence, source`` (``source``: ``text:`` and the document's name). A document
whose sha256 is already in the table is skipped, so the same article is never counted twice.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd

from multivector import paths

SCHEMA = """CREATE TABLE IF NOT EXISTS events (
    date DATE, source_iso3 VARCHAR, target_iso3 VARCHAR, type VARCHAR, quad VARCHAR,
    doc_sha256 VARCHAR NOT NULL, sentence VARCHAR, confidence DOUBLE, source VARCHAR)"""


def events_db_path() -> Path:
    """Where coded events are stored (see the module's notes)."""
    env = os.environ.get("MULTIVECTOR_EVENTS_DB")
    return Path(env).expanduser() if env else paths.warehouse_path().parent / "events.duckdb"


def store_events(events: pd.DataFrame, path: Path | None = None) -> tuple[int, int]:
    """Add coded events (rows of :data:`multivector.events.coder.EVENT_COLUMNS`); returns
    (events added, documents skipped because their sha256 is already stored)."""
    target = path or events_db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target))
    try:
        con.execute(SCHEMA)
        known = {r[0] for r in con.execute("SELECT DISTINCT doc_sha256 FROM events").fetchall()}
        shas = set(events["doc_sha256"]) if len(events) else set()
        fresh = events[~events["doc_sha256"].isin(known)] if len(events) else events
        rows = pd.DataFrame({
            "date": pd.to_datetime(fresh["date"]).dt.date if len(fresh) else [],
            "source_iso3": fresh["source"], "target_iso3": fresh["target"],
            "type": fresh["type"], "quad": fresh["quad"], "doc_sha256": fresh["doc_sha256"],
            "sentence": fresh["sentence"], "confidence": fresh["confidence"],
            "source": "text:" + fresh["doc"].astype(str) if len(fresh) else []})
        if len(rows):
            con.register("new_events", rows)
            con.execute("INSERT INTO events SELECT * FROM new_events")
        return len(rows), len(shas & known)
    finally:
        con.close()


def read_events(path: Path | None = None) -> pd.DataFrame:
    """The stored events (empty when nothing is stored yet)."""
    target = path or events_db_path()
    if not target.is_file():
        return pd.DataFrame(columns=["date", "source_iso3", "target_iso3", "type", "quad",
                                     "doc_sha256", "sentence", "confidence", "source"])
    con = duckdb.connect(str(target), read_only=True)
    try:
        return con.execute("SELECT * FROM events ORDER BY date, doc_sha256").df()
    finally:
        con.close()
