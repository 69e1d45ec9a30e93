"""Request parameters, each checked against what the project knows (ISO3 codes and names,
years inside the data, packaged pole and peer sets, the balance channels, the charts of a
state's page) and refused with a clear message naming the parameter and the value
(:class:`multivector.core.errors.MultivectorError`, answered 400). Nothing from a request
reaches SQL as text: the project's queries take parameters."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from multivector.core import peers as peers_mod
from multivector.core import poles as poles_mod
from multivector.core import states, validate
from multivector.core.errors import MultivectorError, UnknownCountryError
from multivector.core.vocabulary import BALANCE_CHANNELS, EXTRA_CHANNELS

SHARE_CHANNELS = (*BALANCE_CHANNELS, *EXTRA_CHANNELS)  # what /api/shares answers for
MAX_COMPARE = 4
NAME = re.compile(r"[\w .,'()\-]{1,60}")
E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")


class Chart(StrEnum):
    """The charts of a state's page, by the key of their figure in the report
    (:meth:`multivector.report.tree.Report.figures`), in the page's order."""

    COMPOSITE = "composite"  # front page: the composite balance over the years
    UNGA = "unga"  # UN General Assembly: vote shares by pole
    IDEALPOINTS = "idealpoints"
    EXPORTS = "exports"  # trade: shares by pole
    IMPORTS = "imports"
    PARTNERS = "partners"
    CONCENTRATION = "concentration"
    SECURITY = "security"
    MILEX = "milex"
    IGO = "igo"  # memberships
    IGOCOUNT = "igocount"
    FORMATS = "formats"
    EVENTS = "events"  # only where event files were ingested
    VISITS = "visits"  # US official visits: only where the years hold one
    MINERALS = "minerals"
    MINERALPOLES = "mineralpoles"
    COMMODITIES = "commodities"
    ECONOMY = "economy"
    CHANNELS = "channels"  # balance: evenness per channel
    TILT = "tilt"
    TILTMAP = "tiltmap"
    DECOMPOSITION = "decomposition"
    SENS_EVENNESS = "sens-evenness"  # sensitivity: composite and rank ranges
    SENS_RANK = "sens-rank"
    SENS_FACTORS = "sens-factors"
    PEERS = "peers"  # peers: balance and rank among the peer set
    POWER_SCATTER = "power-scatter"
    POWER = "power"


class ChartFormat(StrEnum):
    """What ``/api/chart`` draws a chart as: an image or its Vega-Lite specification."""

    SVG = "svg"
    PNG = "png"
    VEGA_LITE = "vl.json"


def _choice(kind: type[E], name: str, text: str | None) -> E:
    try:
        return kind(text)
    except ValueError:
        raise MultivectorError(f"{name}: unknown {str(text)[:40]!r}; known: "
                               f"{', '.join(kind)}") from None


def chart(text: str | None) -> Chart:
    """A chart of the state page (:class:`Chart`)."""
    return _choice(Chart, "chart", text)


def chart_format(text: str | None) -> ChartFormat:
    """An image format or the specification (:class:`ChartFormat`)."""
    return _choice(ChartFormat, "format", text)


def _named(name: str, check: Callable[[str], T], text: str) -> T:
    """``check(text)`` with its message naming the request's parameter, not the CLI option."""
    try:
        return check(text)
    except MultivectorError as exc:
        raise MultivectorError(name + str(exc).removeprefix(f"--{name}")) from None


def state(text: str) -> str:
    """An ISO3 code or a known name (:func:`multivector.core.states.validate_iso3`)."""
    if not NAME.fullmatch(text or ""):
        raise MultivectorError(f"state: {text[:60]!r} is not an ISO3 code or a country name")
    try:
        return states.validate_iso3(text)
    except UnknownCountryError as exc:
        raise MultivectorError(f"state: {exc}") from None


def states_list(text: str) -> list[str]:
    codes = [t.strip() for t in (text or "").split(",") if t.strip()]
    if not codes:
        raise MultivectorError("states: give one to four ISO3 codes, e.g. KAZ,UZB,TUR")
    if len(codes) > MAX_COMPARE:
        raise MultivectorError(f"states: at most {MAX_COMPARE} states, got {len(codes)}")
    return list(dict.fromkeys(state(c) for c in codes))


def years(text: str | None, default: tuple[int, int] = (1992, 2024)) -> tuple[int, int]:
    """``1992-2024`` or ``2000`` (:func:`multivector.core.validate.parse_years`)."""
    if not text:
        return default
    if len(text) > 20:
        raise MultivectorError("years: must look like 1992-2024 or 2000")
    return _named("years", validate.parse_years, text)


def year(value: int) -> int:
    return validate.number(value, "year", "year")


def poles(text: str | None) -> str:
    """A packaged pole set's name (never a path from a request)."""
    name = text or "core"
    known = poles_mod.packaged_pole_sets()
    if name not in known:
        raise MultivectorError(f"poles: unknown pole set {name[:40]!r}; known: "
                               f"{', '.join(known)}")
    return name


def peers(text: str | None) -> str | None:
    """A packaged peer set or up to 40 ISO3 codes (never a file from a request)."""
    if not text:
        return None
    if text in peers_mod.packaged_peer_sets():
        return text
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes or len(codes) > 40 or not all(re.fullmatch(r"[A-Za-z]{3}", c) for c in codes):
        raise MultivectorError(f"peers: unknown peer set {text[:40]!r}; known: "
                               f"{', '.join(peers_mod.packaged_peer_sets())}, or ISO3 codes "
                               "separated by commas")
    return ",".join(states.validate_iso3(c) for c in codes)


def channels(text: str | None) -> tuple[str, ...] | None:
    """The composite's channel set (:func:`multivector.core.validate.channel_set`)."""
    return _named("channels", validate.channel_set, text[:200]) if text else None


def channel(text: str | None, known: tuple[str, ...] = SHARE_CHANNELS) -> str:
    name = text or "exports"
    if name not in known:
        raise MultivectorError(f"channel: unknown {name[:40]!r}; known: {', '.join(known)}")
    return name


def weights(text: str | None) -> tuple[tuple[str, float], ...] | None:
    """The composite's channel weights (:func:`multivector.core.validate.channel_weights`)."""
    return _named("weights", validate.channel_weights, text[:300]) if text else None
