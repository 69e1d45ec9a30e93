"""What-if scenarios: a state's balance and rank recomputed against the baseline.

A scenario (:class:`Scenario`) names a focal state, years, a pole set, the composite's
channel weights and set, and steps that transform the state's shares by pole
(:mod:`multivector.measures.scenario`: drop or scale a pole in a channel, add a hypothetical
partner's share). :func:`run` computes the balance (:func:`multivector.measures.balance.
balance`) and the ranking of the rank year (:func:`multivector.analysis.derive.
ranking_table`) twice, on the warehouse's shares and on the transformed ones, with the same
code and settings, so that every difference is the scenario's. A scenario is written as YAML
or JSON (:func:`dump`) and read back by :func:`parse` to reproduce it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import duckdb
import pandas as pd
import yaml

from multivector.analysis import derive as derived
from multivector.analysis.balance import focal_shares
from multivector.analysis.claims.catalog import require_composite_year
from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.shares import all_shares
from multivector.core import paths, states, validate
from multivector.core import poles as poles_mod
from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS, DEFAULT_WEIGHTS
from multivector.measures import balance as bal
from multivector.measures import scenario as tf

OPS = ("drop", "scale", "add")
MAX_STEPS = 20


@dataclass(frozen=True)
class Scenario:
    """What a what-if changes; every field is checked by :func:`check`."""

    state: str
    years: tuple[int, int] = (1992, 2024)
    year: int = 2020  # the year of the ranking
    poles: str = "core"
    weights: dict[str, float] | None = None
    channels: tuple[str, ...] | None = None
    steps: list[dict] = field(default_factory=list)
    name: str = ""

    def to_dict(self) -> dict:
        d = asdict(self)
        d["years"] = list(self.years)
        d["channels"] = list(self.channels) if self.channels else None
        return d


def check(raw: dict) -> Scenario:
    """A :class:`Scenario` from a plain mapping, every value validated (MultivectorError
    naming the field otherwise)."""
    if not isinstance(raw, dict):
        raise MultivectorError("scenario: expected a mapping with state, years, steps...")
    unknown = set(raw) - {f for f in Scenario.__dataclass_fields__}
    if unknown:
        raise MultivectorError(f"scenario: unknown field(s) {', '.join(sorted(unknown))}")
    if "state" not in raw:
        raise MultivectorError("scenario: 'state' is missing (ISO3 code or name)")
    iso3 = states.validate_iso3(str(raw["state"]))
    years = raw.get("years", [1992, 2024])
    if (not isinstance(years, list | tuple) or len(years) != 2
            or not all(isinstance(y, int) for y in years)):
        raise MultivectorError(f"scenario: years must be [first, last], got {years!r}")
    y0, y1 = years
    if y1 < y0:
        raise MultivectorError(f"scenario: years {y1} is before {y0}")
    lo, hi = validate.YEARS
    if y0 < lo or y1 > hi:
        raise MultivectorError(f"scenario: years must lie within {lo}-{hi}, got {years!r}")
    year = raw.get("year", min(y1, 2020))
    if not isinstance(year, int) or not lo <= year <= hi:
        raise MultivectorError(f"scenario: year must be an integer within {lo}-{hi}")
    pole_name = str(raw.get("poles", "core"))
    if pole_name not in poles_mod.packaged_pole_sets():
        raise MultivectorError(f"scenario: poles must be one of "
                               f"{', '.join(poles_mod.packaged_pole_sets())}, got {pole_name!r}")
    pole_ids = [p.id for p in poles_mod.load_pole_set(pole_name).poles]
    weights = raw.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            raise MultivectorError("scenario: weights must map channel to number")
        bad = [k for k in weights if k not in BALANCE_CHANNELS]
        if bad:
            raise MultivectorError(f"scenario: unknown channel(s) in weights: {bad}; known: "
                                   f"{', '.join(BALANCE_CHANNELS)}")
        try:
            pairs = [(k, float(v)) for k, v in weights.items()]
        except (TypeError, ValueError):
            raise MultivectorError("scenario: weights must be numbers") from None
        weights = validate.weights(pairs, BALANCE_CHANNELS, "channel", "scenario weights")
    channels = raw.get("channels")
    if channels is not None:
        if (not isinstance(channels, list | tuple) or not channels
                or any(c not in BALANCE_CHANNELS for c in channels)):
            raise MultivectorError("scenario: channels must be a list of "
                                   f"{', '.join(BALANCE_CHANNELS)}")
        channels = tuple(dict.fromkeys(channels))
    steps = raw.get("steps") or []
    if not isinstance(steps, list) or len(steps) > MAX_STEPS:
        raise MultivectorError(f"scenario: steps must be a list of at most {MAX_STEPS}")
    clean = []
    for i, s in enumerate(steps, 1):
        clean.append(_step(s, i, pole_ids))
    return Scenario(iso3, (y0, y1), year, pole_name, weights, channels, clean,
                    str(raw.get("name", ""))[:200])


def _step(s: object, i: int, pole_ids: list[str]) -> dict:
    if not isinstance(s, dict):
        raise MultivectorError(f"scenario step {i}: expected a mapping")
    op, channel, pole = s.get("op"), s.get("channel", "*"), s.get("pole")
    if op not in OPS:
        raise MultivectorError(f"scenario step {i}: op must be {', '.join(OPS)}, got {op!r}")
    if channel != "*" and channel not in BALANCE_CHANNELS:
        raise MultivectorError(f"scenario step {i}: channel must be * or one of "
                               f"{', '.join(BALANCE_CHANNELS)}, got {channel!r}")
    if pole not in pole_ids:
        raise MultivectorError(f"scenario step {i}: pole must be one of {', '.join(pole_ids)}, "
                               f"got {pole!r}")
    out = {"op": op, "channel": channel, "pole": pole}
    key = {"scale": "factor", "add": "share"}.get(op)
    if key:
        try:
            val = float(s.get(key))
        except (TypeError, ValueError):
            raise MultivectorError(f"scenario step {i}: {key} must be a number") from None
        if not (0 <= val <= 100 if key == "factor" else 0 <= val < 1):
            raise MultivectorError(f"scenario step {i}: {key} out of range, got {val}")
        out[key] = val
    return out


def parse(text: str, what: str = "scenario") -> Scenario:
    """A scenario from YAML or JSON text (``yaml.safe_load``: no objects built)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise MultivectorError(f"{what}: not valid YAML or JSON{where}") from None
    return check(raw)


def dump(sc: Scenario, fmt: str = "yaml") -> str:
    """The scenario as YAML or JSON text that :func:`parse` reads back to the same scenario."""
    d = sc.to_dict()
    if fmt == "json":
        return json.dumps(d, indent=2) + "\n"
    return yaml.safe_dump(d, sort_keys=False)


_CACHE: dict[tuple, pd.DataFrame] = {}


def year_shares(con: duckdb.DuckDBPyConnection, pole_set: str, year: int) -> pd.DataFrame:
    """Every state's shares in one year (the ranking's input), kept for the process per
    warehouse file, pole set and year (the warehouse is read-only while it serves)."""
    key = (str(paths.warehouse_path()), pole_set, year)
    if key not in _CACHE:
        ps = poles_mod.load_pole_set(pole_set)
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = all_shares(con, ps, (year, year), None, BALANCE_CHANNELS,
                                 UngaChannel(measure="split"))
    return _CACHE[key]


def run(con: duckdb.DuckDBPyConnection, sc: Scenario,
        ranking_shares: pd.DataFrame | None = None) -> dict:
    """Baseline and scenario: ``balance`` (iso3, year, channel, baseline, scenario, change)
    and ``rank`` (the rank year's evenness and rank of the state, both ways)."""
    ps = poles_mod.load_pole_set(sc.poles)
    w = dict(sc.weights or DEFAULT_WEIGHTS)
    sh = focal_shares(con, sc.state, sc.years, ps)
    sh = sh[sh["iso3"] == sc.state]
    if sh.empty:
        raise MultivectorError(f"no channel has data for {sc.state} in "
                               f"{sc.years[0]}-{sc.years[1]}")
    new = tf.apply(sh, sc.steps, sc.state)
    cols = ["iso3", "year", "channel", "evenness"]
    b0 = bal.balance(sh, w, bal.MIN_CHANNELS, span=sc.years, channels=sc.channels)[cols]
    b1 = bal.balance(new, w, bal.MIN_CHANNELS, span=sc.years, channels=sc.channels)[cols]
    both = b0.merge(b1, on=["iso3", "year", "channel"], how="outer",
                    suffixes=("_baseline", "_scenario"))
    both = both.rename(columns={"evenness_baseline": "baseline",
                                "evenness_scenario": "scenario"})
    both["change"] = both["scenario"] - both["baseline"]
    both = both.sort_values(["channel", "year"]).reset_index(drop=True)

    require_composite_year(con, sc.year, bal.MIN_CHANNELS)
    allsh = (ranking_shares if ranking_shares is not None
             else year_shares(con, sc.poles, sc.year))
    r0 = derived.ranking_table(allsh, bal.MIN_CHANNELS, w, sc.channels)
    r1 = derived.ranking_table(tf.apply(allsh, sc.steps, sc.state), bal.MIN_CHANNELS, w,
                               sc.channels)
    rank = pd.DataFrame([_rank_row("baseline", r0, sc.state),
                         _rank_row("scenario", r1, sc.state)])
    return {"scenario": sc.to_dict(), "balance": both, "rank": rank}


def _rank_row(which: str, table: pd.DataFrame, iso3: str) -> dict:
    row = table[table["iso3"] == iso3]
    if row.empty:
        return {"case": which, "iso3": iso3, "evenness": None, "rank": None, "n_states": None,
                "reason": "no data in the year"}
    r = row.iloc[0]
    return {"case": which, "iso3": iso3,
            "evenness": None if pd.isna(r["evenness"]) else float(r["evenness"]),
            "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
            "n_states": None if pd.isna(r["n_states"]) else int(r["n_states"]),
            "reason": "" if pd.isna(r["reason"]) else str(r["reason"])}


def parse_step(text: str) -> dict:
    """``op:POLE@CHANNEL=NUMBER`` to a scenario step (checked later by whatif.check)."""
    op, sep, rest = text.partition(":")
    if not sep:
        raise MultivectorError(f"--step must look like scale:EU@exports=0.8, got {text!r}")
    target, _, number = rest.partition("=")
    pole, _, channel = target.partition("@")
    step: dict = {"op": op.strip(), "pole": pole.strip(), "channel": channel.strip() or "*"}
    if op.strip() in ("scale", "add"):
        try:
            step["factor" if op.strip() == "scale" else "share"] = float(number)
        except ValueError:
            raise MultivectorError(f"--step {text!r}: a number must follow '='") from None
    return step
