"""The analyst's choices, their defaults, and whether stored results can serve a request.

One place for each default: the UNGA channel's choices (:class:`UngaChannel`), the balance
index's (:class:`BalanceOptions`), and the settings every state's results were computed with
at ingest (:data:`SETTINGS`, stored beside them in ``derived_settings``).

A request is served from the stored results only when every choice that shapes them equals the
default they were computed with; the ``serves_*`` functions below are that decision, and every
command, page and report asks them. :func:`stored` then reads the table if it was computed with
this version's settings (a warehouse built by an older version computes afresh).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from multivector.core import poles as poles_mod
from multivector.core import validate
from multivector.core.errors import OptionError
from multivector.core.vocabulary import BALANCE_CHANNELS, DEFAULT_WEIGHTS
from multivector.measures.balance import MIN_CHANNELS
from multivector.measures.security_mix import ARMS_WEIGHT, SECURITY_LEVELS
from multivector.warehouse import derived as derived_store


@dataclass(frozen=True)
class UngaChannel:
    """How the UNGA channel turns votes into shares (the analyst's choices)."""

    measure: str = "split"  # or an agreement measure: agreement, kappa, idealpoint_distance
    issue: str | None = None
    important_only: bool = False
    amendments: bool = True
    paragraphs: bool = True
    idealpoint_scale: float | None = None  # default: sd of all ideal points


@dataclass(frozen=True)
class BalanceOptions:
    """The analyst's choices for the balance index (defaults documented in docs/methods.md)."""

    channels: tuple[str, ...] = BALANCE_CHANNELS
    weights: tuple[tuple[str, float], ...] | None = None  # default: vocabulary.DEFAULT_WEIGHTS
    min_channels: int = MIN_CHANNELS
    channel_set: tuple[str, ...] | None = None  # the composite's set; default: chosen per series
    security_arms: float = ARMS_WEIGHT  # arms suppliers' weight in security (measures.security_mix)
    n_boot: int = 500
    level: float = 0.95
    seed: int = 1992

    def __post_init__(self) -> None:  # the CLI's rules (multivector.core.validate), same words
        known = tuple(DEFAULT_WEIGHTS)
        chans = getattr(self, "channels", known)
        if (isinstance(chans, str) or not isinstance(chans, tuple | list) or not chans
                or any(c not in known for c in chans)):
            raise OptionError(f"channels must be a non-empty tuple of {', '.join(known)}, "
                              f"got {chans!r}")
        if getattr(self, "weights", None) is not None:
            validate.weights(self.weights, known, "channel")
        cs = self.channel_set
        if cs is not None and (isinstance(cs, str) or not isinstance(cs, tuple | list)
                               or not cs or any(c not in chans for c in cs)):
            raise OptionError(f"channel_set must be a non-empty tuple of {', '.join(chans)}, "
                              f"got {cs!r}")
        validate.number(self.min_channels, "min_channels", hi=len(chans))
        validate.number(self.security_arms, "security_arms")
        validate.number(self.n_boot, "n_boot")
        validate.number(self.level, "level")
        validate.number(self.seed, "seed")

    def weight_dict(self) -> dict[str, float]:
        return dict(self.weights) if self.weights is not None else dict(DEFAULT_WEIGHTS)


YEARS = (1946, 2024)
BALANCE_YEARS = (1960, 2024)  # rankings: one channel set per year
SERIES_YEARS = (1992, 2024)  # series: one channel set per state over the default span
SETTINGS = {
    "balance": {"years": list(SERIES_YEARS), "channels": list(BALANCE_CHANNELS),
                "measure": "split", "min_channels": 3, "weights": "default",
                "sets": "series", "channel_rules": 2},  # 2: split votes, two-way obligations,
    # no universal IGOs
    "ranking": {"years": list(BALANCE_YEARS), "channels": list(BALANCE_CHANNELS),
                "measure": "split", "min_channels": 3, "weights": "default",
                "sets": "ranking", "coverage": 0.9, "min_states": 20, "channel_rules": 2},
    "sensitivity": {"years": list(BALANCE_YEARS), "draws": 100, "seed": 0, "sets": "ranking",
                    "min_states": 20, "channel_rules": 2, "security": list(SECURITY_LEVELS)},
    # construction 2: Lowy 2018 weights, log-scaled counts, trade_share, one component set
    "power": {"years": [1960, 2024], "weights": "default", "pillar": 0.55, "draws": 100,
              "construction": 2, "components": "longest unbroken run"},
}


def key(name: str) -> str:
    """The settings of the stored family ``name`` as one comparable string."""
    return json.dumps(SETTINGS[name], sort_keys=True)


def stored_keys() -> dict[str, str]:
    """The settings key of every stored family (written beside the tables at ingest)."""
    return {name: key(name) for name in SETTINGS}


def stored(con: duckdb.DuckDBPyConnection, table: str, name: str, where: str = "",
           params: list | None = None) -> pd.DataFrame | None:
    """The stored table ``table`` of the family ``name`` when it was computed with
    :data:`SETTINGS`, else None (the caller computes afresh). ``where`` is a fixed clause with
    ``?`` placeholders."""
    return derived_store.load(con, table, name, key(name), where, params)


def _packaged(pole_set: str) -> bool:
    return pole_set in poles_mod.packaged_pole_sets()


def unga_is_default(unga: UngaChannel | None) -> bool:
    """Whether the UNGA channel is read as the stored results read it (split votes, every
    roll call of Voeten's set, no issue filter)."""
    return unga is None or unga == UngaChannel()


def balance_is_default(options: BalanceOptions | None) -> bool:
    """Whether the balance choices are the stored ones (the bootstrap's settings aside: they
    only shape the interval, not the value)."""
    if options is None:
        return True
    return options == BalanceOptions(n_boot=options.n_boot, level=options.level,
                                     seed=options.seed)


def serves_balance(pole_set: str, unga: UngaChannel | None, options: BalanceOptions | None,
                   years: tuple[int, int]) -> bool:
    """Stored series (``derived_balance``) serve a request over exactly the stored span."""
    return (_packaged(pole_set) and unga_is_default(unga) and balance_is_default(options)
            and tuple(years) == tuple(SERIES_YEARS))


def serves_ranking(pole_set: str, unga: UngaChannel | None,
                   options: BalanceOptions | None = None) -> bool:
    """The stored ranking (``derived_ranking``) serves any year of its span under the
    defaults."""
    return _packaged(pole_set) and unga_is_default(unga) and balance_is_default(options)


def serves_sensitivity(draws: int, seed: int | None = None, weights_given: bool = False,
                       scenarios: bool = False, years: tuple[int, int] | None = None,
                       security_arms: float = ARMS_WEIGHT) -> bool:
    """The stored sensitivity run serves a request with its draws and seed, no weights or
    scenario files of the user's, the default security channel (alliances alone) as its
    baseline, inside its span."""
    s = SETTINGS["sensitivity"]
    inside = years is None or (s["years"][0] <= years[0] and years[1] <= s["years"][1])
    return (draws == s["draws"] and (seed is None or seed == s["seed"]) and not weights_given
            and not scenarios and inside and security_arms == ARMS_WEIGHT)


def serves_power(weights_given: bool, components_given: bool, draws: int,
                 pillar: float) -> bool:
    """The stored middle-power index serves the default weights, components, draws and
    pillar weight."""
    p = SETTINGS["power"]
    return (not weights_given and not components_given and draws == p["draws"]
            and pillar == p["pillar"])
