"""Foreign travels of the US President and Secretary of State (Office of the Historian).

One XML file per traveller (``president-travels/<who>.xml``, ``secretary-travels/<who>.xml``)::

    <trips>
      <trip role="secretary" who="pompeo-michael-r">
        <id>3792</id> <role>secretary</role> <name>Michael R. Pompeo</name>
        <start-date>2018-04-26</start-date> <end-date>2018-04-27</end-date>
        <country id="belgium">Belgium</country> <locale>Brussels</locale>
        <remarks>Attended a NATO Foreign Ministers' Meeting.</remarks> ...
      </trip>
    </trips>

One ``<trip>`` is one country visited on one journey. Countries are keyed by the ``id`` slug
(``korea-south``, ``russia``); the text varies over time (``U.S.S.R.`` and ``Russia`` are both
``russia``). Slugs resolve through :func:`multivector.core.states.resolve_names` under the
source key ``hsg`` (overrides in ``data/country_names.csv`` for historical states and places
country_converter cannot know), falling back to the country text; what neither resolves is
``unmapped``, kept and reported.

The files hold duplicates: the same traveller in the same country on the same dates under two
ids. They are collapsed to one visit, the ids kept (``trip_id`` joins them with ``;``).

References
----------
U.S. Department of State, Office of the Historian. Travels of the President; Travels of the
Secretary of State (history.state.gov/departmenthistory/travels).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from multivector.core import states
from multivector.core.errors import ParseError

ROLES = ("president", "secretary")
FIELDS = ("id", "name", "start-date", "end-date", "country", "locale", "remarks")
VISIT_COLUMNS = ["traveler", "role", "iso3", "kind", "country_id", "country", "locale",
                 "start_date", "end_date", "remarks", "trip_id", "n_records", "source"]


def _text(el: ET.Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def _date(path: Path, trip: str, field: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ParseError(str(path), f"{field} is not a YYYY-MM-DD date", row=f"trip {trip}",
                         value=text) from None


def read_travels(path: str | Path) -> pd.DataFrame:
    """One traveller's file: one row per ``<trip>`` as published.

    Returns
    -------
    pandas.DataFrame
        ``trip_id, traveler, role, who, country_id, country, locale, start_date, end_date,
        remarks, file``.

    Raises
    ------
    ParseError
        Not XML, a root other than ``<trips>``, a trip without one of :data:`FIELDS`, a role
        other than president or secretary (or other than the folder's), a country without an
        ``id``, a date that is not ``YYYY-MM-DD`` or an end before the start; named file and
        trip id.
    """
    path = Path(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ParseError(str(path), f"not well-formed XML: {exc}") from None
    if root.tag != "trips":
        raise ParseError(str(path), "root element must be <trips>", value=root.tag)
    folder_role = path.parent.name.removesuffix("-travels")
    rows = []
    for n, trip in enumerate(root.findall("trip"), start=1):
        tid = _text(trip.find("id")) or f"#{n}"
        missing = [f for f in FIELDS if trip.find(f) is None]
        if missing:
            raise ParseError(str(path), f"trip lacks <{missing[0]}>", row=f"trip {tid}")
        role = _text(trip.find("role"))
        if role not in ROLES or (folder_role in ROLES and role != folder_role):
            raise ParseError(str(path), f"role must be {' or '.join(ROLES)} and match the "
                             f"folder ({folder_role})", row=f"trip {tid}", value=role)
        country = trip.find("country")
        cid = (country.get("id") or "").strip()
        if not cid:
            raise ParseError(str(path), "<country> has no id", row=f"trip {tid}",
                             value=_text(country))
        start = _date(path, tid, "start-date", _text(trip.find("start-date")))
        end = _date(path, tid, "end-date", _text(trip.find("end-date")))
        if end < start:
            raise ParseError(str(path), "end-date before start-date", row=f"trip {tid}",
                             value=(str(start), str(end)))
        rows.append((tid, _text(trip.find("name")), role, trip.get("who") or path.stem, cid,
                     _text(country), _text(trip.find("locale")), start, end,
                     _text(trip.find("remarks")), path.name))
    if not rows:
        raise ParseError(str(path), "no <trip> elements")
    return pd.DataFrame(rows, columns=["trip_id", "traveler", "role", "who", "country_id",
                                       "country", "locale", "start_date", "end_date",
                                       "remarks", "file"])


def resolve_countries(trips: pd.DataFrame) -> pd.DataFrame:
    """``country_id`` to ISO3 and kind: the ``hsg`` overrides by slug, else the country text.

    Returns ``country_id, iso3, kind``, one row per slug.
    """
    slugs = trips.drop_duplicates("country_id")[["country_id", "country"]]
    by_slug = states.resolve_names(slugs["country_id"], "hsg").set_index("label")
    by_name = states.resolve_names(slugs["country"], "hsg").set_index("label")
    rows = []
    for r in slugs.itertuples(index=False):
        hit = by_slug.loc[r.country_id]
        if hit["kind"] == "unmapped":
            hit = by_name.loc[r.country]
        rows.append((r.country_id, hit["iso3"] if isinstance(hit["iso3"], str) else None,
                     hit["kind"]))
    return pd.DataFrame(rows, columns=["country_id", "iso3", "kind"])


def visits_table(paths: Iterable[str | Path],
                 log: states.UnmappedLog | None = None) -> pd.DataFrame:
    """Every trip of every file, duplicates collapsed, with ISO3 codes.

    A duplicate is the same traveller (``who``), country slug, start and end date; the record
    with the longest remarks is kept (the lowest id among equals), all ids joined in
    ``trip_id`` (ascending) and their count in ``n_records``.

    Returns
    -------
    pandas.DataFrame
        :data:`VISIT_COLUMNS`, ``source = 'hsg_travels'``, sorted by start date.
    """
    trips = pd.concat([read_travels(p) for p in paths], ignore_index=True)
    codes = resolve_countries(trips).set_index("country_id")
    years = pd.to_datetime(trips["start_date"]).dt.year
    trips["iso3"] = states.yugoslavia_by_year(trips["country_id"].map(codes["iso3"]), years)
    trips["kind"] = trips["country_id"].map(codes["kind"])
    miss = trips["kind"] == "unmapped"
    if log is not None and miss.any():
        log.add("hsg_travels", trips.loc[miss, "country_id"])
    key = ["who", "country_id", "start_date", "end_date"]
    trips["_len"] = trips["remarks"].str.len()
    trips["_num"] = pd.to_numeric(trips["trip_id"], errors="coerce")
    trips = trips.sort_values([*key, "_num", "trip_id"])
    ids = trips.groupby(key, sort=False)["trip_id"].agg(lambda s: ";".join(s))
    counts = trips.groupby(key, sort=False).size()
    best = trips.sort_values("_len", ascending=False, kind="stable").drop_duplicates(key)
    out = best.set_index(key)
    out["trip_id"] = ids
    out["n_records"] = counts.astype("int16")
    out = out.reset_index()
    out["source"] = "hsg_travels"
    out = out.sort_values(["start_date", "role", "who", "country_id"], ignore_index=True)
    return out[VISIT_COLUMNS]
