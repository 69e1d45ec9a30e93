"""What-if scenarios: a state's balance and rank recomputed against the baseline.

A scenario (:class:`Scenario`) names a focal state, years, a pole set, the composite's
channel weights and set, and steps that transform the state's shares by pole
(:mod:`multivector.measures.scenario`: drop or scale a pole in a channel, add a hypothetical
partner's share, or drop or scale ONE partner, ``partner: ITA``, in a channel whose pole
values are sums of partner figures: exports, imports, arms, investment;
:mod:`multivector.analysis.whatif_steps` checks each). :func:`run` computes the balance
(:func:`multivector.measures.balance.balance`) and the ranking of the rank year
(:func:`multivector.analysis.derive.ranking_table`) twice, on the warehouse's shares and on
the transformed ones, with the same code and settings, so that every difference is the
scenario's. A scenario is written as YAML
or JSON (:func:`dump`) and read back by :func:`parse` to reproduce it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import duckdb
import pandas as pd
import yaml

from multivector.analysis import derive as derived
from multivector.analysis import whatif_steps as steps_mod
from multivector.analysis.balance import focal_shares
from multivector.analysis.claims.catalog import require_composite_year
from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.partners import partner_values
from multivector.analysis.panel.shares import all_shares
from multivector.core import paths, states, validate
from multivector.core import poles as poles_mod
from multivector.core.errors import MultivectorError
from multivector.core.vocabulary import BALANCE_CHANNELS, DEFAULT_WEIGHTS, EXTRA_CHANNELS
from multivector.measures import balance as bal
from multivector.measures import scenario as tf

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
    ps = poles_mod.load_pole_set(pole_name)
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
        clean.append(steps_mod.check_step(s, i, iso3, ps))
    return Scenario(iso3, (y0, y1), year, pole_name, weights, channels, clean,
                    str(raw.get("name", ""))[:200])


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
    """Baseline and scenario: ``balance`` (iso3, year, channel, baseline, scenario, change),
    ``rank`` (the rank year's evenness and rank of the state, both ways), ``shares`` (iso3,
    year, channel, pole, baseline, scenario, change), ``steps`` (each in words,
    :func:`multivector.analysis.whatif_steps.describe`) and ``notes`` (a partner step that
    finds no figure to scale)."""
    ps = poles_mod.load_pole_set(sc.poles)
    w = dict(sc.weights or DEFAULT_WEIGHTS)
    extra = tuple(c for c in EXTRA_CHANNELS if any(s["channel"] == c for s in sc.steps))
    cache: dict = {}
    sh = focal_shares(con, sc.state, sc.years, ps, channels=(*BALANCE_CHANNELS, *extra),
                      _cache=cache)
    sh = sh[sh["iso3"] == sc.state]
    if sh.empty:
        raise MultivectorError(f"no channel has data for {sc.state} in "
                               f"{sc.years[0]}-{sc.years[1]}")
    chans = _partner_channels(sc.steps)
    par = None
    if chans:
        par = tf.partner_frame(_values(con, sc, sc.years, chans, cache), sh,
                               ps.membership(range(sc.years[0], sc.years[1] + 1)))
    new = tf.apply(sh, sc.steps, sc.state, par)
    cols = ["iso3", "year", "channel", "evenness"]
    b0 = bal.balance(sh, w, bal.MIN_CHANNELS, span=sc.years, channels=sc.channels)[cols]
    b1 = bal.balance(new, w, bal.MIN_CHANNELS, span=sc.years, channels=sc.channels)[cols]
    both = b0.merge(b1, on=["iso3", "year", "channel"], how="outer",
                    suffixes=("_baseline", "_scenario"))
    both = both.rename(columns={"evenness_baseline": "baseline",
                                "evenness_scenario": "scenario"})
    both["change"] = both["scenario"] - both["baseline"]
    both = both.sort_values(["channel", "year"]).reset_index(drop=True)
    keys = ["iso3", "year", "channel", "pole"]
    shares = sh[keys].assign(baseline=sh["share"].to_numpy(), scenario=new["share"].to_numpy())
    shares["change"] = shares["scenario"] - shares["baseline"]

    require_composite_year(con, sc.year, bal.MIN_CHANNELS)
    allsh = (ranking_shares if ranking_shares is not None
             else year_shares(con, sc.poles, sc.year))
    # steps on arms or investment leave the ranking alone: neither is in a composite
    present = set(allsh["channel"])
    rsteps = [s for s in sc.steps if s["channel"] == "*" or s["channel"] in present]
    rpar = None
    if chans:
        focal = allsh[allsh["iso3"] == sc.state]
        rpar = (tf.partner_frame(_values(con, sc, (sc.year, sc.year), chans, cache), focal,
                                 ps.membership([sc.year])))
    r0 = derived.ranking_table(allsh, bal.MIN_CHANNELS, w, sc.channels)
    r1 = derived.ranking_table(tf.apply(allsh, rsteps, sc.state, rpar), bal.MIN_CHANNELS, w,
                               sc.channels)
    rank = pd.DataFrame([_rank_row("baseline", r0, sc.state),
                         _rank_row("scenario", r1, sc.state)])
    span = (min(sc.years[0], sc.year), max(sc.years[1], sc.year))
    notes = [f"step {i}: {s['partner']} has no figure in {s['channel']} in "
             f"{sc.years[0]}-{sc.years[1]}: the step changes nothing there"
             for i, s in enumerate(sc.steps, 1) if "partner" in s and par is not None
             and not par["partner"].eq(s["partner"])[
                 par["channel"].isin(_partner_channels([s]))].any()]
    return {"scenario": sc.to_dict(), "balance": both, "rank": rank,
            "shares": shares.sort_values(["channel", "year"], kind="stable")
            .reset_index(drop=True),
            "steps": [steps_mod.describe(s, ps, span) for s in sc.steps], "notes": notes}


def _partner_channels(steps: list[dict]) -> tuple[str, ...]:
    """The channels the partner steps act on (``*``: every partner channel)."""
    out: list[str] = []
    for s in steps:
        if "partner" in s:
            out += tf.PARTNER_CHANNELS if s["channel"] == "*" else [s["channel"]]
    return tuple(dict.fromkeys(out))


def _values(con: duckdb.DuckDBPyConnection, sc: Scenario, years: tuple[int, int],
            chans: tuple[str, ...], cache: dict) -> pd.DataFrame:
    """The state's partner figures in ``years``: from the scenario years' where they hold
    them (the trade flows the shares were read from), read otherwise."""
    if sc.years[0] <= years[0] and years[1] <= sc.years[1]:
        v = partner_values(con, chans, sc.years, [sc.state], cache)
        return v[v["year"].between(*years)]
    return partner_values(con, chans, years, [sc.state])


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


def moved(shares: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of ``year`` of :func:`run`'s ``shares`` in the channels some share of which
    the scenario moved that year."""
    y = shares[shares["year"] == year]
    hit = set(y.loc[y["change"].abs() > 1e-12, "channel"])
    return y[y["channel"].isin(hit)].reset_index(drop=True)


def records(res: dict, sc: Scenario) -> dict:
    """:func:`run`'s result as plain JSON-ready data (the API's and ``whatif --format json``'s
    answer): the scenario, its file text, the steps in words, notes, and the frames as lists
    of records (missing values None)."""
    def rows(frame: pd.DataFrame) -> list[dict]:
        return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")

    return {"scenario": res["scenario"], "file": dump(sc), "steps": res["steps"],
            "notes": res["notes"], "balance": rows(res["balance"]), "rank": rows(res["rank"]),
            "shares": rows(res["shares"])}
