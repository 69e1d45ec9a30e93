"""The visit check of a claims file: who visited the claim's country, when, how often.

A visit check names an office instead of a measure::

    - {visit: secretary, year: 2023}                        # visited in 2023 (at least once)
    - {visit: president}                                    # has visited (the whole record)
    - {visit: secretary, year: 2023, mentions: "C5+1"}      # ... and the record says C5+1
    - {visit: secretary, traveler: Blinken, years: [2021, 2024]}
    - {visit: president, count: 0}                          # no President has visited
    - {visit: secretary, years: [2015, 2024], count: 3, counting: trips,
       countries: [KAZ, KGZ, TJK, TKM, UZB]}                # three trips to Central Asia

``visit`` is the office: ``president`` (the US President), ``secretary`` (the Secretary of
State) or ``any``. ``year: Y`` or ``years: [Y1, Y2]`` (inclusive) bound the period, the whole
record without either. ``traveler`` and ``mentions`` are phrases found (case aside) in the
traveller's name and in the visit's locale or remarks. ``countries`` replaces the claim's
country by a list of states (a region). Without ``count`` the check says *at least one visit*;
``count: N`` says N visits (``counting: visits``, the default: one per traveller, country and
stay, as the record lists them) or N trips (``counting: trips``: a traveller's visits that
follow one another within a day are one trip), with an absolute ``tolerance`` (default 0).
``by`` names the pole whose officials travel, ``USA`` by default: the record is the United
States' only, so a claim about another pole's visits is unverifiable (no source).

:func:`parse_visit` reads one such check into a :class:`~multivector.analysis.claims.model.
Check`; :mod:`multivector.analysis.claims.visits` checks it against the ``visits`` table.
"""

from __future__ import annotations

from multivector.analysis.claims import catalog
from multivector.analysis.claims.model import (
    Check,
    ClaimsFileError,
    VisitQuery,
    type_name,
    year_value,
)
from multivector.core import states
from multivector.core.errors import MultivectorError

VISIT_KEYS = {"visit", "year", "years", "traveler", "mentions", "countries", "by", "count",
              "counting", "tolerance", "note"}
OFFICES = {"president": "a US President", "secretary": "the Secretary of State",
           "any": "a US President or Secretary of State"}
COUNTINGS = ("visits", "trips")
MAX_COUNT = 100_000  # the record holds about 4,300 visits
MAX_PHRASE = 200
MAX_COUNTRIES = 300


def _whole(v: object, lo: int, hi: int) -> bool:
    return not isinstance(v, bool) and isinstance(v, int) and lo <= v <= hi


def _phrase(k: dict, key: str, file: str, where: str) -> str | None:
    if key not in k:
        return None
    v = k[key]
    if not isinstance(v, str) or not v.strip() or len(v) > MAX_PHRASE:
        raise ClaimsFileError(file, f"'{key}' must be a phrase, as text (1 to {MAX_PHRASE} "
                                    "characters)", where, v)
    return v.strip()


def _years(k: dict, file: str, where: str) -> tuple[int, ...]:
    if "year" in k and "years" in k:
        raise ClaimsFileError(file, "a visit check takes 'year: Y' or 'years: [Y1, Y2]' (a "
                                    "period), not both", where)
    if "year" in k:
        y = year_value(k["year"], file, where)
        return (y, y)
    if "years" not in k:
        return ()  # the whole record
    yrs = k["years"]
    if not isinstance(yrs, list) or len(yrs) != 2:
        raise ClaimsFileError(file, "'years' of a visit check is a period [Y1, Y2] (first and "
                                    "last year)", where, yrs)
    y0, y1 = (year_value(y, file, where, "years") for y in yrs)
    if y0 > y1:
        raise ClaimsFileError(file, "'years' must run from the first year to the last", where,
                              yrs)
    return (y0, y1)


def _countries(k: dict, file: str, where: str) -> tuple[str, ...]:
    if "countries" not in k:
        return ()
    v = k["countries"]
    if not isinstance(v, list) or not v or len(v) > MAX_COUNTRIES:
        raise ClaimsFileError(file, "'countries' must be a list of ISO3 codes or names (1 to "
                                    f"{MAX_COUNTRIES})", where, v)
    out = []
    for c in v:
        if not isinstance(c, str):
            raise ClaimsFileError(file, "each of 'countries' must be an ISO3 code or a name, "
                                        "as text", where, c)
        try:
            out.append(states.validate_iso3(c))
        except MultivectorError as exc:
            raise ClaimsFileError(file, f"unknown country: {exc}", where, c) from None
    return tuple(dict.fromkeys(out))


def _pole(v: object, file: str, where: str) -> str:
    if not isinstance(v, str):
        raise ClaimsFileError(file, "'by' must be a pole (USA, EU, CHN, RUS) or a state, as "
                                    "text", where, v)
    if v.strip().upper() in catalog.core_poles():
        return v.strip().upper()
    try:
        return states.validate_iso3(v)
    except MultivectorError as exc:
        raise ClaimsFileError(file, f"'by' must be a pole or a state: {exc}", where, v) from None


def parse_visit(k: dict, file: str, where: str) -> Check:
    """Read one visit check (see the module docstring).

    Parameters
    ----------
    k : dict
        The check as YAML gives it; it has a ``visit`` key.
    file, where : str
        The claims file, and the claim and check, for messages.

    Raises
    ------
    ClaimsFileError
        Naming the file, the claim, the check and the value at fault.
    """
    extra = set(k) - VISIT_KEYS
    if extra:
        raise ClaimsFileError(file, f"unknown key(s) {sorted(map(str, extra))}; a visit check "
                                    f"has {', '.join(sorted(VISIT_KEYS))}", where)
    office = k["visit"]
    if not isinstance(office, str) or office.strip().lower() not in OFFICES:
        raise ClaimsFileError(file, "'visit' is the office: president (the US President), "
                                    "secretary (the Secretary of State) or any", where, office)
    office = office.strip().lower()
    counting = k.get("counting", "visits")
    if counting not in COUNTINGS:
        raise ClaimsFileError(file, "'counting' is visits (one per traveller, country and "
                                    "stay) or trips (visits within a day of each other are "
                                    "one trip)", where, counting)
    if "count" in k:
        stated = k["count"]
        if not _whole(stated, 0, MAX_COUNT):
            raise ClaimsFileError(file, f"'count' must be a whole number from 0 to "
                                        f"{MAX_COUNT:,} (not {type_name(stated)})", where, stated)
        tol = k.get("tolerance", 0)
        if not _whole(tol, 0, MAX_COUNT):
            raise ClaimsFileError(file, "'tolerance' of a count is a whole number of visits, "
                                        "0 or more", where, tol)
        kind = "count"
    else:
        if "tolerance" in k:
            raise ClaimsFileError(file, "'tolerance' goes with 'count'; a visit check without "
                                        "one asks for at least one visit", where, k["tolerance"])
        stated, tol, kind = 1, 0, "visit"
    query = VisitQuery(office, _phrase(k, "traveler", file, where),
                       _phrase(k, "mentions", file, where), _countries(k, file, where),
                       _pole(k.get("by", "USA"), file, where), counting)
    return Check(f"visit.{office}", kind, _years(k, file, where), float(stated), float(tol),
                 query)
