"""Formats: the clubs and summit formats that the IGO datasets lack, as a maintained table.

COW IGO (to 2014) and manyIOs (to 2010) stop before most of the formats that structure Central
Asia's foreign relations today: the Eurasian Economic Union, the Organization of Turkic States,
BRICS after its enlargements, the "C5+1"-style summit formats. ``data/formats.csv`` records them,
one row per state and membership spell, each row with its dates and the official source it comes
from:

``format, format_name, kind, iso3, status, from_date, to_date, source_title, source_url, note``

Dates are ISO dates (``YYYY-MM-DD``), or ``YYYY-MM`` / ``YYYY`` where only that precision is
certain. ``from_date`` is the first day of the spell; ``to_date`` is the day the spell ended (the
day a withdrawal, suspension or change of status took effect), empty while the spell goes on.

Membership rule, as for blocs (:mod:`multivector.core.poles`): a state holds a status in year *Y*
when it holds it on 31 December of *Y*, that is when ``from_date <= Y-12-31 < to_date``. Because
every date of a year lies on or before its 31 December, the rule needs only the year of each date,
so partial dates are exact under it: a spell counts in the years ``year(from_date)`` to
``year(to_date) - 1``. Georgia left the CIS on 18 August 2009, so it is a member to 2008; a spell
``2015-08`` to ``2020`` counts in 2015-2019; a spell that starts and ends in the same year counts in
none.

An open spell (no ``to_date``) is known to hold up to the day the table was last reviewed
(:data:`LAST_REVIEWED`), so :func:`membership` counts it to the last 31 December on or before that
day, not beyond, unless told otherwise: what has not yet happened is not filled in.

Users add or correct rows with their own CSV of the same columns (:func:`load_formats`): a format
the user's file names replaces the packaged rows of that format; other formats are added.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from multivector.core import states
from multivector.core.errors import DataTableError, UnknownCountryError

PACKAGED_FILE = "formats.csv"
LAST_REVIEWED = "2026-11-25"
"""The day every row of the packaged table was last checked against its source."""

COLUMNS = ("format", "format_name", "kind", "iso3", "status", "from_date", "to_date",
           "source_title", "source_url", "note")
REQUIRED = ("format", "format_name", "kind", "iso3", "status", "from_date", "source_title",
            "source_url")

STATUSES: dict[str, str] = {
    "member": "a full member (member state) as the format's founding documents define it",
    "associate member": "an associate member (Turkmenistan in the CIS since 2005)",
    "participation frozen": "a member in law that has declared its participation frozen "
                            "(Armenia in the CSTO since February 2024)",
    "participant": "takes part in a summit or dialogue format that has no formal membership; in "
                   "the CIS, a founding state that never ratified the 1993 Charter",
    "observer": "an observer state",
    "partner": "a partner country (BRICS partners since 2025; SCO partners since September 2025)",
    "dialogue partner": "a dialogue partner (the SCO's category before September 2025)",
}
"""Status values a row may carry, with what each means. Only what the source says is used."""

KINDS: dict[str, str] = {
    "treaty organisation": "an organisation founded by a treaty or charter",
    "intergovernmental forum": "a standing forum with founding declarations but no treaty "
                               "(CICA)",
    "summit format": "regular meetings of leaders or ministers with no founding treaty",
    "dialogue format": "regular ministerial or vice-ministerial dialogue",
}
"""Kinds of format a row may name."""

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Parameters
    ----------
    year, month, day : int
        ``month`` and ``day`` are ``None`` where that precision is not known.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ``ValueError`` saying why not."""
        m = _DATE.fullmatch(text)
        if not m:
            raise ValueError("dates are written YYYY-MM-DD, or YYYY-MM or YYYY where only that "
                             "precision is certain")
        y, mo, d = (int(g) if g else None for g in m.groups())
        if mo is not None and not 1 <= mo <= 12:
            raise ValueError(f"no month {mo}")
        if d is not None:
            try:
                date(y, mo, d)
            except ValueError as exc:
                raise ValueError(f"no such day: {exc}") from None
        return cls(y, mo, d)

    @property
    def precision(self) -> int:
        """1 for a year, 2 for a month, 3 for a day."""
        return 1 if self.month is None else 2 if self.day is None else 3

    def parts(self, n: int) -> tuple[int, ...]:
        """The first ``n`` of year, month and day."""
        return (self.year, self.month or 0, self.day or 0)[:n]

    def compare(self, other: PartialDate) -> int:
        """-1, 0 or 1 as ``self`` is before, indistinguishable from or after ``other`` at the
        coarser of the two precisions (``2012`` and ``2012-06-01`` compare equal)."""
        n = min(self.precision, other.precision)
        a, b = self.parts(n), other.parts(n)
        return (a > b) - (a < b)

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        return "-".join([f"{self.year:04d}", *(f"{p:02d}" for p in (self.month, self.day)
                                               if p is not None)])


def spell_years(from_date: str, to_date: str | None) -> tuple[int, int | None]:
    """First and last year a spell counts in under the 31-December rule.

    Parameters
    ----------
    from_date, to_date : str
        Dates as the table writes them; ``to_date`` empty or ``None`` for a spell that goes on.

    Returns
    -------
    tuple
        ``(first, last)``; ``last`` is ``None`` for an open spell and ``first - 1`` for a spell
        that starts and ends in the same year (it counts in no year).
    """
    first = PartialDate.parse(from_date).year
    if to_date is None or pd.isna(to_date) or to_date == "":
        return first, None
    return first, PartialDate.parse(to_date).year - 1


def _error(file: str, row: int, message: str, value: object = None) -> DataTableError:
    return DataTableError(file, message, row=row, value=value)


@cache
def _known_iso3() -> frozenset[str]:
    return frozenset(states.iso3_table().iso3.dropna())


def _check_iso3(code: str, file: str, row: int) -> None:
    if code in _known_iso3():
        return
    try:
        hit = states.validate_iso3(code)
    except UnknownCountryError as exc:
        raise _error(file, row, f"iso3 is not a known ISO3 code ({exc})", code) from None
    raise _error(file, row, f"iso3 must be an ISO3 code in capitals; did you mean {hit!r}?", code)


def validate_formats(table: pd.DataFrame, file: str) -> pd.DataFrame:
    """Check a formats table and return it tidied.

    Rules: the columns are :data:`COLUMNS`; ``format, format_name, kind, iso3, status, from_date,
    source_title`` and ``source_url`` are filled in; ``iso3`` is a known ISO3 code
    (:func:`multivector.core.states.iso3_table`); ``kind`` and ``status`` are values of
    :data:`KINDS` and :data:`STATUSES`; ``source_url`` is an http(s) address; dates parse and
    ``to_date`` comes after ``from_date``; one format has one name and one kind; the spells of a
    state in a format do not overlap (one may start on the day the previous one ends).

    Parameters
    ----------
    table : pandas.DataFrame
        The table as read, every cell a string (empty for a blank cell).
    file : str
        Its name, for error messages.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`, cells stripped, blank ``to_date`` and ``note`` as missing.

    Raises
    ------
    multivector.core.errors.DataTableError
        At the first row that breaks a rule, naming the file, the row (header = row 1) and the
        value.
    """
    cols = [str(c).strip() for c in table.columns]
    missing = [c for c in COLUMNS if c not in cols]
    unknown = [c for c in cols if c not in COLUMNS]
    if missing or unknown:
        what = "; ".join(filter(None, [
            f"missing column(s) {', '.join(missing)}" if missing else "",
            f"unknown column(s) {', '.join(unknown)}" if unknown else "",
        ]))
        raise _error(file, 1, f"{what}; the columns are {', '.join(COLUMNS)}")
    df = table.copy()
    df.columns = cols
    df = df[list(COLUMNS)].fillna("").astype(str).apply(lambda s: s.str.strip())
    if df.empty:
        raise _error(file, 2, "the table has no rows")

    names: dict[str, tuple[str, str, int]] = {}
    spells: dict[tuple[str, str], list[tuple[PartialDate, PartialDate | None, int]]] = {}
    for i, r in enumerate(df.itertuples(index=False)):
        row = i + 2
        for col in REQUIRED:
            if getattr(r, col) == "":
                raise _error(file, row, f"{col} is empty; every row needs "
                                        f"{', '.join(REQUIRED)}", "")
        _check_iso3(r.iso3, file, row)
        if r.kind not in KINDS:
            raise _error(file, row, f"unknown kind; the kinds are {', '.join(KINDS)}", r.kind)
        if r.status not in STATUSES:
            raise _error(file, row, f"unknown status; the statuses are {', '.join(STATUSES)}",
                         r.status)
        if not _URL.fullmatch(r.source_url):
            raise _error(file, row, "source_url must be an http(s) address of the official source",
                         r.source_url)
        prior = names.setdefault(r.format, (r.format_name, r.kind, row))
        if (r.format_name, r.kind) != prior[:2]:
            raise _error(file, row, f"format {r.format!r} is named {prior[0]!r} ({prior[1]}) in "
                                    f"row {prior[2]}; one format has one name and one kind",
                         f"{r.format_name} ({r.kind})")
        try:
            start = PartialDate.parse(r.from_date)
        except ValueError as exc:
            raise _error(file, row, f"from_date: {exc}", r.from_date) from None
        end = None
        if r.to_date:
            try:
                end = PartialDate.parse(r.to_date)
            except ValueError as exc:
                raise _error(file, row, f"to_date: {exc}", r.to_date) from None
            c = end.compare(start)
            if c < 0 or (c == 0 and end.precision == start.precision == 3):
                raise _error(file, row, f"to_date must come after from_date ({r.from_date})",
                             r.to_date)
        spells.setdefault((r.format, r.iso3), []).append((start, end, row))

    for (fmt, iso3), rows in spells.items():
        rows.sort(key=lambda s: (s[0].sort_key(), s[2]))
        for (s0, e0, row0), (s1, _, row1) in zip(rows, rows[1:], strict=False):
            if e0 is None or e0.compare(s1) > 0:
                until = f"to {e0}" if e0 is not None else "with no to_date"
                raise _error(file, row1, f"spell of {iso3} in {fmt} overlaps the spell in row "
                                         f"{row0} (from {s0} {until})", str(s1))
    out = df.astype("string")
    for col in ("to_date", "note"):
        out[col] = out[col].mask(out[col] == "")
    return out


def read_formats_csv(source: str | Path, *, text: str | None = None) -> pd.DataFrame:
    """Read and validate a formats CSV.

    Parameters
    ----------
    source : str or pathlib.Path
        The file's path (or, with ``text``, the name to report it by).
    text : str, optional
        The file's contents, when already read.

    Returns
    -------
    pandas.DataFrame
        As :func:`validate_formats`.
    """
    name = str(source)
    if text is None:
        path = Path(source)
        if not path.is_file():
            raise DataTableError(name, "no such file")
        text = path.read_text("utf-8-sig")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataTableError(name, f"not a readable CSV: {exc}") from exc
    return validate_formats(raw, name)


@cache
def _packaged() -> pd.DataFrame:
    res = resources.files("multivector.data").joinpath(PACKAGED_FILE)
    return read_formats_csv(f"data/{PACKAGED_FILE}", text=res.read_text("utf-8"))


def load_formats(path: str | Path | None = None, *, replace: bool = False) -> pd.DataFrame:
    """The formats table: the packaged one, or it with a user's file laid over it.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A CSV of the same columns. Each format it names replaces that format's packaged rows;
        formats it adds are appended. Validated on its own, then together with the packaged rows.
    replace : bool
        Use only the user's file.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COLUMNS`, one row per state and spell.
    """
    if path is None:
        return _packaged().copy()
    own = read_formats_csv(path)
    if replace:
        return own
    base = _packaged()
    # whole formats are replaced, so the two files cannot overlap or disagree on a format's name
    return pd.concat([base[~base.format.isin(set(own.format))], own], ignore_index=True)


def known_through(reviewed: str = LAST_REVIEWED) -> int:
    """The last year whose 31 December is on or before ``reviewed`` (``2026-11-25`` gives 2025):
    the last year an open spell is known to count in."""
    d = date.fromisoformat(reviewed)
    return d.year if (d.month, d.day) == (12, 31) else d.year - 1


def membership(years: Iterable[int], table: pd.DataFrame | None = None, *,
               open_until: int | None = None) -> pd.DataFrame:
    """State-years under the 31-December rule: who holds which status in which format.

    Parameters
    ----------
    years : iterable of int
        The years wanted (``range(1991, 2026)``).
    table : pandas.DataFrame, optional
        A formats table (:func:`load_formats`); the packaged one by default. Validated again.
    open_until : int, optional
        The last year a spell with no ``to_date`` counts in. By default :func:`known_through`
        the review date, so no year after the table was last checked is filled in.

    Returns
    -------
    pandas.DataFrame
        ``format, iso3, year, status``, one row per format, state and year in which the state
        held a status on 31 December; sorted.
    """
    wanted = sorted({int(y) for y in years})
    t = load_formats() if table is None else validate_formats(table.fillna(""), "<table>")
    cap = known_through() if open_until is None else int(open_until)
    rows = []
    if wanted:
        lo, hi = wanted[0], wanted[-1]
        keep = set(wanted)
        for r in t.itertuples(index=False):
            first, last = spell_years(r.from_date, r.to_date)
            last = min(cap, hi) if last is None else min(last, hi)
            rows.extend((r.format, r.iso3, y, r.status)
                        for y in range(max(first, lo), last + 1) if y in keep)
    out = pd.DataFrame(rows, columns=["format", "iso3", "year", "status"])
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["format", "iso3", "year"], ignore_index=True)
