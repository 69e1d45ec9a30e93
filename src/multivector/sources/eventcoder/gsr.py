"""The PLOVER gold-standard record (GSR) layout: read labelled records, write predictions.

A GSR file is a JSON list of records, each with at least ``id`` and ``text``; labelled ones
also carry ``event`` (a PLOVER type, 0.5 names accepted), ``source`` and ``target`` (a list
of ``{"actorText", "code"}``, a string, or empty). A prediction is one row per record id:
``id, event_type, quad, source, target, confidence``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from multivector.core.errors import ParseError
from multivector.sources.eventcoder.plover import current_type

PRED_COLUMNS = ["id", "event_type", "quad", "source", "target", "confidence"]


@dataclass
class Record:
    """One GSR record: its id, text and date, and the gold labels where present."""

    id: str
    text: str
    date: str | None = None
    event_type: str | None = None
    sources: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)


def _codes(value, file: str, rid: str) -> list[str]:
    if value in (None, "", []):
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise ParseError(file, "source/target must be a list of actors or a code", rid, value)
    out = []
    for a in value:
        code = a.get("code") if isinstance(a, dict) else a
        if code:
            out.append(str(code))
    return out


def read_gsr(path: Path | str, labelled: bool = False) -> list[Record]:
    """Records of a GSR JSON file; ``labelled`` requires an ``event`` on each."""
    file = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParseError(file, "no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ParseError(file, f"not JSON ({exc})") from None
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        data = data["records"]
    if not isinstance(data, list):
        raise ParseError(file, "expected a JSON list of records")
    out: list[Record] = []
    seen: set[str] = set()
    for i, r in enumerate(data, start=1):
        if not isinstance(r, dict) or not r.get("id") or not isinstance(r.get("text"), str):
            raise ParseError(file, "each record needs an id and a text", f"{i} (record)")
        rid = str(r["id"])
        if rid in seen:
            raise ParseError(file, "duplicate record id", f"{i} (record)", rid)
        seen.add(rid)
        event = r.get("event")
        if labelled and not event:
            raise ParseError(file, "a labelled record needs an event type", f"{i} (record)", rid)
        out.append(Record(
            rid, r["text"], r.get("date") or None,
            current_type(event, f"{file}, row {i} (record)") if event else None,
            _codes(r.get("source"), file, rid), _codes(r.get("target"), file, rid)))
    return out
