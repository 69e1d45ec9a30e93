"""What a claims file holds once read (:class:`ClaimsFile`, :class:`Claim`, :class:`Check`,
:class:`VisitQuery`), the error that refuses a file (:class:`ClaimsFileError`) and the checks
on single values (a year, a number) shared by the measure checks of
:mod:`multivector.analysis.claims.parse` and the visit checks of
:mod:`multivector.analysis.claims.visitcheck`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from multivector.core.errors import MultivectorError

YEAR_RANGE = (1800, 2100)


class ClaimsFileError(MultivectorError):
    """A claims file that cannot be read: names the file, the claim and the value at fault.

    Parameters
    ----------
    file : str
        The claims file.
    message : str
        What is wrong.
    where : str, optional
        The claim (``claim 'gdp-2020' (#2)``) and check (``check 1``) at fault.
    value : object, optional
        The offending value.
    """

    _NO_VALUE = object()

    def __init__(self, file: str, message: str, where: str | None = None,
                 value: object = _NO_VALUE):
        self.file, self.where, self.value, self.message = file, where, value, message
        text = file + (f", {where}" if where else "") + f": {message}"
        if value is not self._NO_VALUE:
            text += f" (value: {short(value)})"
        super().__init__(text)


# ------------------------------------------------------------------------------ the file model
@dataclass(frozen=True)
class VisitQuery:
    """Which visits a visit check counts (the US pole's record of official travel).

    ``office`` is ``president``, ``secretary`` or ``any``; ``traveler`` and ``mentions`` are
    case-insensitive phrases found in the traveller's name and in the visit's locale or remarks;
    ``countries`` the visited states (empty: the claim's country); ``by`` the pole whose
    officials travel (only ``USA`` has a source); ``counting`` ``visits`` (one per traveller,
    country and stay, as the record lists them) or ``trips`` (a traveller's visits that follow
    one another within a day are one trip).
    """

    office: str
    traveler: str | None = None
    mentions: str | None = None
    countries: tuple[str, ...] = ()
    by: str = "USA"
    counting: str = "visits"


@dataclass(frozen=True)
class Check:
    """One check of a claim.

    ``kind`` is ``value``, ``ratio`` or ``rank`` for a measure; ``years`` has one year (value,
    rank) or two (ratio: the factor from the first to the second); ``stated`` is the stated
    value, factor or rank; ``tolerance`` relative for value and ratio, places for rank.

    A visit check (``visit`` set) has ``kind`` ``visit`` (at least one visit; ``stated`` 1) or
    ``count`` (``stated`` visits, ``tolerance`` an absolute number); its ``years`` are the first
    and last year of the period, or empty for the whole record.
    """

    name: str
    kind: str
    years: tuple[int, ...]
    stated: float
    tolerance: float
    visit: VisitQuery | None = None


@dataclass(frozen=True)
class Claim:
    """A statement about one country with the checks that test it."""

    id: str
    text: str
    country: str
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class ClaimsFile:
    """A parsed claims file."""

    path: str
    source: str | dict
    claims: tuple[Claim, ...]


# ------------------------------------------------------------------------------- single values
def type_name(v: object) -> str:
    """The Python type of a value, for a message."""
    return type(v).__name__


def short(v: object) -> str:
    """``repr`` of a value for a message, a huge number or text cut to a readable length."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 200:
        return f"a number of about {int(v.bit_length() * 0.30103):,} digits"
    text = repr(v)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text):,} characters)"


def is_number(v: object) -> bool:
    """A finite number a float can hold (10**400, an int YAML reads exactly, is not)."""
    if not isinstance(v, int | float) or isinstance(v, bool):
        return False
    try:
        return math.isfinite(float(v))
    except OverflowError:
        return False


def number_hint(v: object) -> str:
    """Why a value people meant as a number is not one (quotes, %, separators), or ``""``."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return "; it is too large or not finite"
    if isinstance(v, str):
        s = v.strip()
        if s.endswith("%"):
            return "; write shares as fractions (20% is 0.2) and numbers without quotes"
        try:
            float(s.replace(",", ""))
        except ValueError:
            return ""
        if "," in s:
            return "; write numbers without thousands separators or quotes"
        return ("; YAML reads this as text: write it without quotes (and 1e6 as 1.0e+6 or "
                "1000000)")
    return ""


def year_value(v: object, file: str, where: str, key: str = "year") -> int:
    """A year as a claims file gives it: a whole number within :data:`YEAR_RANGE`.

    Raises
    ------
    ClaimsFileError
        Not a whole number (a quoted year says so) or out of range.
    """
    if isinstance(v, bool) or not isinstance(v, int):
        hint = ": write it without quotes" if isinstance(v, str) and v.strip().isdigit() else ""
        raise ClaimsFileError(file, f"'{key}' must be a whole number (a year), not "
                                    f"{type_name(v)}{hint}", where, v)
    if not YEAR_RANGE[0] <= v <= YEAR_RANGE[1]:
        raise ClaimsFileError(file, f"'{key}' must lie within {YEAR_RANGE[0]}-{YEAR_RANGE[1]}",
                              where, v)
    return v
