"""Readers for bulk event data in their published layouts: ICEWS, GDELT 1.0 and 2.0, POLECAT.

Every reader turns a file into the same normalised frame of events,
``date, year, month, source_iso3, target_iso3, type, quad, event_id``, and an account of every
row it could not use (:class:`ReadReport`): malformed rows (wrong number of fields, with their
line), dates that do not parse, actors without a country, country labels that do not map to
ISO3 (named, with their count) and event codes without a PLOVER type. Nothing is dropped
silently.

Layouts
-------
``icews``
    The Harvard Dataverse ``.tab`` files (Boschee et al. 2015): tab-separated with a header,
    20 columns; ``Event Date`` (YYYY-MM-DD), ``Source Country`` and ``Target Country``
    (country names, ``NA`` or empty for none), ``CAMEO Code``.
``gdelt1``
    GDELT 1.0 event exports (Leetaru & Schrodt 2013): tab-separated, no header; 57 fields in
    the historical backfiles (1979-2013-03) and 58 in the daily files (``SOURCEURL`` added);
    both lengths may occur in one file. ``SQLDATE`` (field 2, YYYYMMDD), ``Actor1CountryCode``
    (8), ``Actor2CountryCode`` (18), ``EventCode`` (27): 1-based.
``gdelt2``
    GDELT 2.0 event exports: the same with an ``ADM2Code`` after each ``ADM1Code``: 61 fields.
``polecat``
    POLECAT weekly files (Halterman et al. 2023, Harvard Dataverse): tab-separated with a
    header; columns by name: ``Event ID``, ``Event Date``, ``Event Type`` (a PLOVER type),
    ``Actor Country`` and ``Recipient Country`` (ISO3, or names), ``Quad Code`` where present
    (else the type's quad).

Country codes: ICEWS and POLECAT names go through :func:`multivector.core.states.resolve_names`;
GDELT's CAMEO country codes are ISO 3166 alpha-3 except those of :data:`CAMEO_COUNTRY`, and
CAMEO's regional codes (:data:`CAMEO_REGIONS`) are regions, never states: counted as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from multivector.core import states
from multivector.core.errors import ParseError
from multivector.sources.eventcoder import crosswalk

FORMATS = ("icews", "gdelt1", "gdelt2", "polecat")
EVENT_COLUMNS = ["date", "year", "month", "source_iso3", "target_iso3", "type", "quad",
                 "event_id"]
# CAMEO country codes that are not the ISO3 code of the same state
CAMEO_COUNTRY = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS", "KSV": "XKX", "WSB": "PSE",
                 "GZS": "PSE"}
# CAMEO's regional codes (CAMEO codebook, actor codes: regions)
CAMEO_REGIONS = {"AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF", "EEU",
                 "EUR", "LAM", "MEA", "MDT", "NAF", "NMR", "PGS", "SCN", "SAM", "SAS", "SEA",
                 "SAF", "WAF", "WST"}
NO_COUNTRY = {"", "NA", "N/A", "NULL", "NONE"}
_GDELT_FIELDS = {"event_id": 1, "date": 2, "source": 8, "target": 18, "code": 27}
GDELT_WIDTH = {"gdelt1": (57, 58), "gdelt2": (61,)}
ICEWS_COLUMNS = {"event_id": "Event ID", "date": "Event Date", "source": "Source Country",
                 "target": "Target Country", "code": "CAMEO Code"}
POLECAT_COLUMNS = {"event_id": "Event ID", "date": "Event Date", "source": "Actor Country",
                   "target": "Recipient Country", "code": "Event Type"}


@dataclass
class ReadReport:
    """What a reader could not use, by kind: ``problems`` has ``field, label, rows, reason``."""

    file: str
    rows_read: int = 0
    rows_kept: int = 0
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["field", "label", "rows", "reason"]))

    def add(self, fld: str, counts: pd.Series, reason: str) -> None:
        if counts.empty:
            return
        f = pd.DataFrame({"field": fld, "label": counts.index.astype(str),
                          "rows": counts.to_numpy().astype(int), "reason": reason})
        self.problems = f if self.problems.empty else pd.concat([self.problems, f],
                                                                ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """Rows per reason."""
        return (self.problems.groupby("reason", as_index=False)["rows"].sum()
                .sort_values("rows", ascending=False, ignore_index=True))


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _csv(path: Path, header: bool, extra: str = "") -> str:
    return (f"read_csv({_sql_str(str(path))}, delim='\\t', header={str(header).lower()}, "
            "all_varchar=true, quote='', escape='', auto_detect=false, "
            f"store_rejects=true, strict_mode=true{extra}")


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", errors="replace") as fh:
        first = fh.readline().rstrip("\r\n")
    return first.split("\t")


def _first_row_width(path: Path) -> int | None:
    """Fields of the first data row (None for a file with a header only)."""
    with open(path, encoding="utf-8", errors="replace") as fh:
        fh.readline()
        row = fh.readline().rstrip("\r\n")
    return len(row.split("\t")) if row else None


def _polecat_names(path: Path, names: list[str]) -> tuple[list[str], list[str]]:
    """Column names for a POLECAT weekly file, mending its two documented malformations
    (Beger 2024, "POLECAT Event Data", FAQ): a header that names a ``Headline`` column its
    rows lack, and rows with excess trailing tabs. Returns the names and the padding columns
    added for the excess tabs, which must be empty."""
    width = _first_row_width(path)
    if width is None or width == len(names):
        return names, []
    if width == len(names) - 1 and "Headline" in names:
        return [n for n in names if n != "Headline"], []
    if width > len(names):
        pad = [f"_excess_{i}" for i in range(1, width - len(names) + 1)]
        return names + pad, pad
    return names, []


def _stage(con: duckdb.DuckDBPyConnection, path: Path, fmt: str, report: ReadReport) -> None:
    """Load the five fields every layout needs into the temp table ``_ev_raw``."""
    if fmt in ("icews", "polecat"):
        names, pad = _polecat_names(path, _header(path)) if fmt == "polecat" else (
            _header(path), [])
        want = ICEWS_COLUMNS if fmt == "icews" else POLECAT_COLUMNS
        missing = [c for c in want.values() if c not in names]
        if missing:
            raise ParseError(str(path), f"not the {fmt} layout: missing column(s) "
                             f"{', '.join(missing)}", 1, "\t".join(names)[:200])
        cols = "{" + ", ".join(f"{_sql_str(n)}: 'VARCHAR'" for n in names) + "}"
        src = _csv(path, True, f", columns={cols}" + (", null_padding=true)" if pad else ")"))
        for col in pad:  # excess tabs are mended only while they carry nothing
            used = con.execute(f'SELECT "Event ID", {col} FROM {src} WHERE '
                               f"coalesce(trim({col}), '') <> '' LIMIT 1").fetchone()
            if used is not None:
                raise ParseError(str(path), "not the polecat layout: a value beyond the "
                                 f"header's {len(names) - len(pad)} columns",
                                 f"event {used[0]}", used[1])
        sel = ", ".join(f'"{want[k]}" AS {k}' for k in ("event_id", "date", "source",
                                                       "target", "code"))
        extra = ', "Quad Code" AS quad_given' if fmt == "polecat" and "Quad Code" in names \
            else ", NULL AS quad_given"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ev_raw AS SELECT {sel}{extra} FROM {src}")
    else:
        widths = GDELT_WIDTH[fmt]
        n = max(widths)
        cols = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, n + 1)) + "}"
        pad = ", null_padding=true" if len(widths) > 1 else ""
        src = _csv(path, False, f", columns={cols}{pad})")
        sel = ", ".join(f"c{i} AS {k}" for k, i in _GDELT_FIELDS.items())
        # a row is short when the last field every accepted width has is missing
        short = f"c{min(widths)} IS NULL" if len(widths) > 1 else "FALSE"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ev_raw AS SELECT {sel}, NULL AS quad_given,"
                    f" {short} AS _short FROM {src}")
        shorts = con.execute("SELECT coalesce(event_id, '?') FROM _ev_raw WHERE _short"
                             ).fetchall()
        if shorts:
            ids = [r[0] for r in shorts]
            report.add("row", pd.Series([len(ids)], index=[
                f"fewer than {min(widths)} fields (event ids {', '.join(ids[:5])})"]),
                "malformed row")
            con.execute("DELETE FROM _ev_raw WHERE _short")
    rej = con.execute("SELECT line, error_type, csv_line FROM reject_errors ORDER BY line"
                      ).df()
    for etype, g in rej.drop_duplicates("line").groupby("error_type", observed=True):
        where = ", ".join(map(str, g["line"].head(5)))
        report.add("row", pd.Series([len(g)], index=[f"{etype} at line(s) {where}"]),
                   "malformed row")
    con.execute("DROP TABLE IF EXISTS reject_errors")
    con.execute("DROP TABLE IF EXISTS reject_scans")


def _country_map(labels: pd.Series, fmt: str) -> pd.DataFrame:
    """``label, iso3, reason``: every distinct actor label of a file, mapped or not."""
    uniq = pd.Series(pd.unique(labels.dropna().astype(str)))
    rows = []
    todo = []
    for lab in uniq:
        s = lab.strip()
        if s.upper() in NO_COUNTRY:
            rows.append((lab, None, "no country"))
        elif fmt.startswith("gdelt") and s in CAMEO_REGIONS:
            rows.append((lab, None, "region, not a state"))
        elif fmt.startswith("gdelt") and s in CAMEO_COUNTRY:
            rows.append((lab, CAMEO_COUNTRY[s], ""))
        else:
            todo.append(s)
    if todo:
        codes = [t for t in todo if len(t) == 3 and t.isalpha() and t.isupper()]
        names = [t for t in todo if t not in set(codes)]
        frames = []
        if codes:
            frames.append(states.resolve_names(codes, fmt, by="ISO3"))
        if names and not fmt.startswith("gdelt"):
            frames.append(states.resolve_names(names, fmt, by="name"))
        elif names:
            frames.append(pd.DataFrame({"label": names, "iso3": None, "kind": "unmapped"}))
        got = pd.concat(frames, ignore_index=True)
        known = set(states.iso3_table()["iso3"])
        for r in got.itertuples():
            ok = isinstance(r.iso3, str) and r.iso3 in known and r.kind in (
                "state", "historical", "territory")
            rows.append((r.label, r.iso3 if ok else None,
                         "" if ok else ("not a state" if r.kind in ("aggregate", "group",
                                                                    "residual")
                                        else "unmapped country")))
    return pd.DataFrame(rows, columns=["label", "iso3", "reason"])


def read_events(path: str | Path, fmt: str, con: duckdb.DuckDBPyConnection | None = None,
                cameo: pd.DataFrame | None = None) -> tuple[pd.DataFrame, ReadReport]:
    """Read one event file of a published layout into normalised events.

    Parameters
    ----------
    path : str or Path
        The file (tab-separated text).
    fmt : {"icews", "gdelt1", "gdelt2", "polecat"}
        Its layout (module docstring).
    con : duckdb.DuckDBPyConnection, optional
        A connection to read with (default: a new in-memory one).
    cameo : pandas.DataFrame, optional
        The CAMEO-PLOVER crosswalk (:func:`multivector.sources.eventcoder.crosswalk.cameo_table`).

    Returns
    -------
    (pandas.DataFrame, ReadReport)
        :data:`EVENT_COLUMNS` for the rows whose date, both actors' countries and event type
        map; the report counts the others by field, label and reason.

    Raises
    ------
    ParseError
        The file is missing, empty or not of the layout (a header without the layout's
        columns).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    p = Path(path)
    if not p.is_file():
        raise ParseError(str(p), "no such file")
    if p.stat().st_size == 0:
        raise ParseError(str(p), "empty file")
    own = con is None
    c = duckdb.connect() if own else con
    report = ReadReport(str(p))
    try:
        _stage(c, p, fmt, report)
        raw = c.execute("SELECT event_id, date, source, target, code, quad_given "
                        "FROM _ev_raw").df()
        c.execute("DROP TABLE IF EXISTS _ev_raw")
    except duckdb.Error as exc:
        raise ParseError(str(p), f"cannot be read as the {fmt} layout: {exc}") from exc
    finally:
        if own:
            c.close()
    report.rows_read = len(raw) + int(report.problems["rows"].sum())
    return _normalise(raw, fmt, report, cameo), report


def _normalise(raw: pd.DataFrame, fmt: str, report: ReadReport,
               cameo: pd.DataFrame | None) -> pd.DataFrame:
    pattern = "%Y%m%d" if fmt.startswith("gdelt") else "%Y-%m-%d"
    date = pd.to_datetime(raw["date"].str.strip(), format=pattern, errors="coerce")
    bad = date.isna()
    report.add("date", raw.loc[bad, "date"].fillna("(empty)").value_counts(), "bad date")
    keep = ~bad
    cmap = _country_map(pd.concat([raw["source"], raw["target"]]), fmt)
    lookup = cmap.set_index("label")
    for side in ("source", "target"):
        lab = raw[side].fillna("")
        iso = lab.map(lookup["iso3"])
        why = lab.map(lookup["reason"]).fillna("no country")
        miss = keep & iso.isna()
        for reason in ("no country", "region, not a state", "not a state",
                       "unmapped country"):
            m = miss & (why == reason)
            report.add(f"{side} country", lab[m].replace("", "(empty)").value_counts(), reason)
        raw[f"{side}_iso3"] = iso
        keep &= iso.notna()
    if fmt == "polecat":
        typ = raw["code"].fillna("").str.strip().str.upper()
        ok = typ.isin(list(crosswalk.QUAD))
        report.add("event type", raw.loc[keep & ~ok, "code"].fillna("(empty)").value_counts(),
                   "not a PLOVER type")
        quad = pd.to_numeric(raw["quad_given"], errors="coerce").astype("Int64")
        quad = quad.where(quad.between(1, 4), typ.map(crosswalk.QUAD).astype("Int64"))
        raw["type"], raw["quad"] = typ.where(ok), quad.where(ok)
    else:
        m = crosswalk.map_cameo(raw["code"].fillna(""), cameo).set_index("cameo")
        code = raw["code"].fillna("")
        raw["type"], raw["quad"] = code.map(m["type"]), code.map(m["quad"])
        ok = raw["type"].notna()
        report.add("event code", code[keep & ~ok].replace("", "(empty)").value_counts(),
                   "CAMEO code without PLOVER type")
    keep &= ok
    out = raw[keep].assign(date=date[keep].dt.date, year=date[keep].dt.year.astype("int32"),
                           month=date[keep].dt.month.astype("int32"))
    out["quad"] = out["quad"].astype("int32")
    report.rows_kept = len(out)
    return out[EVENT_COLUMNS].reset_index(drop=True)
