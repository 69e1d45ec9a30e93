"""One validation layer for what users and callers pass in: numbers, year ranges, weights,
output paths.

The command line (:mod:`multivector.cli`), the web's query parameters and the option
dataclasses of the Python API (:class:`multivector.analysis.alignment.UngaOptions`,
:class:`multivector.analysis.options.BalanceOptions`,
:class:`multivector.analysis.idealpoints.IdealPointSettings`) check through the same :data:`RULES`,
so a value refused on the command line is refused from Python with the same words; only the
name differs (``--boot`` there, ``n_boot`` here). Every refusal is an
:class:`multivector.core.errors.OptionError` naming the option, the rule and the value.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from dataclasses import dataclass
from pathlib import Path

from multivector.core.errors import MultivectorError, OptionError
from multivector.core.vocabulary import BALANCE_CHANNELS

YEARS = (1946, 2100)  # what a year range may ask for (UN votes start in 1946)
MAX_RESAMPLES = 20_000  # bootstrap resamples and random draws: more only costs time and memory


@dataclass(frozen=True)
class Rule:
    """What a number may be: bounds (open or closed), whole or not, and what it is for."""

    what: str
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False
    hi_open: bool = False
    integer: bool = False

    def ok(self, v: float) -> bool:
        if self.lo is not None and (v <= self.lo if self.lo_open else v < self.lo):
            return False
        return not (self.hi is not None and (v >= self.hi if self.hi_open else v > self.hi))

    def words(self) -> str:
        kind = "a whole number" if self.integer else "a finite number"
        lo, hi = _fmt(self.lo), _fmt(self.hi)
        if self.lo is not None and self.hi is not None:
            if self.lo_open and self.hi_open:
                return f"{kind} strictly between {lo} and {hi}"
            if not (self.lo_open or self.hi_open):
                return f"{kind} from {lo} to {hi}"
            return (f"{kind} {'above' if self.lo_open else 'at least'} {lo} and "
                    f"{'below' if self.hi_open else 'at most'} {hi}")
        if self.lo is not None:
            return f"{kind} {'above' if self.lo_open else 'of at least'} {lo}"
        return kind


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return f"{int(v):,}" if float(v).is_integer() else f"{v:g}"


RULES: dict[str, Rule] = {
    "level": Rule("the coverage of an interval", 0, 1, lo_open=True, hi_open=True),
    "n_boot": Rule("bootstrap resamples; 0: no interval", 0, MAX_RESAMPLES, integer=True),
    "draws": Rule("random weightings; 0: none", 0, MAX_RESAMPLES, integer=True),
    "seed": Rule("the seed of the random draws", 0, 2**32 - 1, integer=True),
    "min_channels": Rule("the fewest channels with data for a composite", 1, 6, integer=True),
    "rw_scale": Rule("the random-walk step of the ideal points, sd per session", 0, 10,
                     lo_open=True),
    "pillar": Rule("the weight of the position pillar; reach gets 1 - it", 0, 1),
    "weight": Rule("a weight", 0, 1e6),
    "security_arms": Rule("the weight of arms suppliers in the security channel; alliances "
                          "get 1 - it", 0, 1),
    "year": Rule("a calendar year", *YEARS, integer=True),
}


def number(value: object, rule: str, name: str | None = None, hi: float | None = None):
    """``value`` if it obeys ``RULES[rule]`` (``hi`` tightens the upper bound), else raise.

    Parameters
    ----------
    value : object
        What was given.
    rule : str
        Key of :data:`RULES`.
    name : str, optional
        How the user wrote it (``--boot``); default the rule's key.
    hi : float, optional
        A tighter upper bound (``min_channels`` at most the number of channels).

    Raises
    ------
    OptionError
        ``<name> must be <rule> (<what it is>), got <value>``.
    """
    r = RULES[rule]
    if hi is not None:
        r = Rule(r.what, r.lo, hi, r.lo_open, r.hi_open, r.integer)
    label = name or rule
    wrong = OptionError(f"{label} must be {r.words()} ({r.what}), got {value!r}")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise wrong
    if r.integer and not isinstance(value, numbers.Integral) and not (
            isinstance(value, float) and value.is_integer()):
        raise wrong
    try:
        v = float(value)
    except OverflowError:
        raise wrong from None
    if not math.isfinite(v) or not r.ok(v):
        raise wrong
    return int(value) if r.integer else value


def years(value: object, name: str = "years") -> tuple[int, int]:
    """A ``(first, last)`` pair of whole years within :data:`YEARS`, first <= last.

    Raises
    ------
    OptionError
        Not a pair, not whole years, reversed, or outside 1946-2100.
    """
    if isinstance(value, str | bytes) or not hasattr(value, "__len__") or len(value) != 2:
        raise OptionError(f"{name} must be a pair (first, last) of years such as (1992, 2024), "
                          f"got {value!r}")
    y0, y1 = (number(v, "year", f"{name}: a year") for v in value)
    if y1 < y0:
        raise OptionError(f"{name}: {y1} is before {y0} (give (first, last))")
    return y0, y1


def weights(pairs: dict[str, float] | tuple | list, known: tuple[str, ...], what: str,
            name: str = "weights") -> dict[str, float]:
    """Named weights: known names, each finite and 0 or more, at least one above 0."""
    try:
        items = list(pairs.items()) if isinstance(pairs, dict) else [tuple(p) for p in pairs]
    except TypeError:
        raise OptionError(f"{name} must map each {what} to a number, got {pairs!r}") from None
    out = {}
    for item in items:
        if len(item) != 2:
            raise OptionError(f"{name} must map each {what} to a number, got {item!r}")
        key, val = item
        if key not in known:
            raise OptionError(f"{name}: unknown {what} {key!r}; known: {', '.join(known)}")
        out[key] = float(number(val, "weight", f"{name}: {key}"))
    if out and not any(v > 0 for v in out.values()):
        raise OptionError(f"{name}: at least one {what} needs a positive weight")
    return out


def output_path(path: Path | str, name: str = "--out") -> Path:
    """Check, before anything is computed, that a file can be written at ``path``: it is not a
    folder, and its folder exists and is writable or can be made (the nearest existing folder
    above it is a writable folder, not a file).

    Raises
    ------
    OptionError
        Naming the path and what is wrong.
    """
    p = Path(path)
    if p.is_dir():
        raise OptionError(f"{name}: {str(p)!r} is a folder; give a file name")
    folder = p.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OptionError(f"{name}: cannot write {str(p)!r}: {str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise OptionError(f"{name}: cannot write {str(p)!r}: permission denied")
    return p


# Text of command-line options and query parameters, parsed once for the CLI and the web.

def parse_years(text: str) -> tuple[int, int]:
    """``1992-2024`` or ``2000`` to an inclusive (first, last) pair."""
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-:]\s*(\d{4}))?\s*", text)
    if not m:
        raise MultivectorError(f"--years must look like 1992-2024 or 2000, got {text!r}")
    y0, y1 = int(m.group(1)), int(m.group(2) or m.group(1))
    if y1 < y0:
        raise MultivectorError(f"--years: {y1} is before {y0}")
    if y0 < YEARS[0] or y1 > YEARS[1]:
        raise MultivectorError(f"--years must lie within {YEARS[0]}-"
                               f"{YEARS[1]}, got {text!r}")
    return y0, y1


def named_weights(text: str | None, known: tuple[str, ...], what: str
                   ) -> dict[str, float] | None:
    """``--weights`` text, ``name=number,...``, checked against the ``known`` names and
    :data:`RULES` (finite, 0 or more, at least one above 0)."""
    if not text:
        return None
    pairs = []
    for part in text.split(","):
        name, _, val = part.partition("=")
        name = name.strip()
        if name not in known:
            raise MultivectorError(f"--weights: unknown {what} {name!r}; known: "
                                   f"{', '.join(known)}")
        try:
            pairs.append((name, float(val)))
        except ValueError:
            raise MultivectorError(f"--weights: {part!r} is not {what}=number") from None
    return weights(pairs, known, what, "--weights")




def channel_weights(text: str | None) -> tuple[tuple[str, float], ...] | None:
    """``--weights`` text over the balance channels
    (:data:`multivector.core.vocabulary.BALANCE_CHANNELS`)."""
    weights = named_weights(text, BALANCE_CHANNELS, "channel")
    return None if weights is None else tuple(weights.items())


def channel_set(text: str | None) -> tuple[str, ...] | None:
    """``--channels`` text, ``name,name,...``, checked against the balance channels."""
    if not text:
        return None
    names = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    unknown = [n for n in names if n not in BALANCE_CHANNELS]
    if unknown or not names:
        raise MultivectorError(f"--channels: unknown channel {', '.join(unknown) or text!r}; "
                               f"known: {', '.join(BALANCE_CHANNELS)}")
    return names
