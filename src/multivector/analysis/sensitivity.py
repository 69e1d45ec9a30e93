"""How much the balance index depends on the analyst's choices: the sensitivity run.

Five choices are varied together, for every state and year at once:

* the pole set (``core``: USA, EU, China, Russia; ``wide``: + Türkiye, GCC, Japan, Korea,
  India);
* the UNGA measure: shares of the votes on roll calls that split the poles (``split``, the
  default) or an alignment turned into an affinity (``agreement``, Cohen's ``kappa``,
  ``idealpoint_distance``);
* the UNGA vote subset (``all`` roll calls, ``important`` votes only, ``no_amendments``:
  without separate votes on amendments and paragraphs);
* the security channel (:data:`multivector.measures.security_mix.SECURITY_SCENARIOS`): the
  weights of the ATOP obligations (``obligation``, the default
  :data:`multivector.measures.channels.SECURITY_WEIGHTS`; ``flat``: neutrality and
  non-aggression 0.5, consultation 0.25; ``military``: defence and offence pacts only) and the
  weight of arms suppliers mixed in (``with_arms``: half alliances by obligation, half SIPRI
  arms deliveries; ``arms``: deliveries alone);
* the channel weights: the documented defaults plus ``draws`` random weightings from a flat
  Dirichlet distribution over the channels with a positive default weight.

Every state of a year is measured on that year's ranking channel set
(:func:`multivector.measures.channelset.ranking_set`, chosen under the default scenario and
held fixed), so a ranking never mixes channel sets; a state lacking one of them has no value.
Every combination of the first three (a *scenario*) is evaluated under every weighting; the
composite's Pielou evenness and the state's rank among all states in the year (1 = most even)
are summarised by their range and percentiles. One-at-a-time ranges (each choice varied with the
others at their defaults, default weights) say which choice moves the answer most. The
approach is the global sensitivity analysis of composite indicators of Saisana, Saltelli &
Tarantola (2005), *Journal of the Royal Statistical Society A* 168(2): 307-323, and the
OECD/JRC *Handbook on Constructing Composite Indicators* (2008), section 7.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd

from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.shares import channel_shares
from multivector.core import poles as poles_mod
from multivector.core.progress import Steps
from multivector.core.vocabulary import BALANCE_CHANNELS
from multivector.measures import balance, channelset, security_mix
from multivector.measures import channels as ch
from multivector.measures.weight_draws import (
    composite_evenness,
    pole_counts,
    random_weights,
    rank_within,
    share_array,
    weight_matrix,
)

POLE_SETS = ("core", "wide")
MEASURES = ("split", "agreement", "kappa", "idealpoint_distance")
SUBSETS: dict[str, dict] = {
    "all": {},
    "important": {"important_only": True},
    "no_amendments": {"amendments": False, "paragraphs": False},
}
SECURITY = security_mix.SECURITY_LEVELS  # names of security_mix.SECURITY_SCENARIOS
DEFAULT = ("core", "split", "all", "obligation")
FACTORS = ("pole_set", "measure", "subset", "security")
QUANTILES = (0.05, 0.5, 0.95)


@dataclass
class SensitivityResult:
    """What :func:`run` found.

    Attributes
    ----------
    summary : pandas.DataFrame
        ``iso3, year, evenness, evenness_min, evenness_p05, evenness_median, evenness_p95,
        evenness_max, rank, rank_min, rank_p05, rank_median, rank_p95, rank_max, n_states,
        n_runs, channels``: ``evenness`` and ``rank`` under the defaults, the rest over every
        scenario and weighting; ``channels`` the year's ranking set.
    scenarios : pandas.DataFrame
        ``iso3, year, pole_set, measure, subset, security, evenness, rank`` under default
        channel weights.
    factors : pandas.DataFrame
        ``iso3, year, factor, evenness_range, rank_range``: one-at-a-time ranges.
    settings : dict
        Years, draws, seed, channels.
    """

    summary: pd.DataFrame
    scenarios: pd.DataFrame
    factors: pd.DataFrame
    settings: dict = field(default_factory=dict)


def _unga_options(measure: str, subset: str) -> UngaChannel:
    return UngaChannel(measure=measure, **SUBSETS[subset])


def run(con: duckdb.DuckDBPyConnection, years: tuple[int, int], draws: int = 100,
        seed: int = 0, channels: tuple[str, ...] = BALANCE_CHANNELS,
        weights: dict[str, float] | None = None, pole_sets: tuple[str, ...] = POLE_SETS,
        measures: tuple[str, ...] = MEASURES, subsets: tuple[str, ...] = tuple(SUBSETS),
        security: tuple[str, ...] = SECURITY, security_arms: float = security_mix.ARMS_WEIGHT,
        progress: bool = False, _cache: dict | None = None) -> SensitivityResult:
    """Run every scenario and weighting for every state and year.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        Warehouse connection.
    years : (int, int)
        Inclusive year range.
    draws : int
        Random channel weightings per scenario (besides the defaults).
    seed : int
        Seed of the weight draws (the same weightings are used in every scenario).
    channels : tuple of str
        Channels of the composite.
    weights : dict, optional
        Default channel weights (:data:`multivector.measures.balance.DEFAULT_WEIGHTS`).
    pole_sets, measures, subsets, security : tuple of str
        The levels of each choice; the first of each is the default (``security``: names of
        :data:`multivector.measures.security_mix.SECURITY_SCENARIOS`, or ``arms=A``).
    security_arms : float
        The arms weight of the default security channel (obligation weights): with a value
        above 0 the default level is that mix
        (:func:`multivector.measures.security_mix.scenario_name`), put first, the levels of
        ``security`` after it (a level that is the same channel left out).

    Returns
    -------
    SensitivityResult
    """
    security = security_levels(security, security_arms)
    if "security" not in channels:
        security = security[:1]
    scen = list(itertools.product(pole_sets, measures, subsets, security))
    # ideal points are fitted on all votes: the subset does not change them
    scen = [s for s in scen if not (s[1] == "idealpoint_distance" and s[2] != subsets[0])]
    uscen = list(dict.fromkeys(s[:3] for s in scen))
    total = (len(pole_sets) * (len(channels) + len(security)) + len(scen)
             + len(uscen) * ("unga" in channels))
    with Steps(progress, total, "sensitivity", transient=True) as bar:
        cache: dict = {} if _cache is None else _cache  # trade flows and UNGA dyads, reusable
        base: dict[str, pd.DataFrame] = {}
        sec: dict[tuple[str, str], pd.DataFrame] = {}
        for ps_name in pole_sets:
            ps = poles_mod.load_pole_set(ps_name)
            frames = []
            for c in channels:
                bar.say(f"{ps_name}: {c}")
                if c not in ("unga", "security"):
                    frames.append(channel_shares(con, c, ps, years, None, _cache=cache))
                bar.advance()
            base[ps_name] = pd.concat([f for f in frames if len(f)], ignore_index=True)
            for w in security:
                bar.say(f"{ps_name}: security, {w}")
                if "security" in channels:
                    weighting, arms = security_mix.security_scenario(w)
                    sec[(ps_name, w)] = channel_shares(
                        con, "security", ps, years, None,
                        security_weights=ch.SECURITY_WEIGHTINGS[weighting],
                        security_arms=arms, _cache=cache)
                bar.advance()
        unga: dict[tuple[str, str, str], pd.DataFrame] = {}
        if "unga" in channels:
            for ps_name, m, sub in uscen:
                bar.say(f"{ps_name}: UNGA {m}, {sub}")
                ps = poles_mod.load_pole_set(ps_name)
                unga[(ps_name, m, sub)] = channel_shares(
                    con, "unga", ps, years, None, _unga_options(m, sub), _cache=cache)
                bar.advance()
        chans = list(channels)
        # one channel set per ranking: each year's set is chosen under the default scenario
        # and held fixed across scenarios and weightings (measures.channelset)
        first = scen[0]
        sh0 = pd.concat([base[first[0]], unga.get(first[:3], pd.DataFrame()),
                         sec.get((first[0], first[3]), pd.DataFrame())], ignore_index=True)
        sets = channelset.ranking_sets(channelset.complete_channels(sh0),
                                       balance.candidate_channels(chans, weights))
        pooled_j, pooled_r, rows = [], [], []
        units_ref = None
        # security enters a composite only in the years whose ranking set holds it: elsewhere
        # a security level's composite and rank are the default level's, computed once
        sec_years = sorted(y for y, c in sets.items() if "security" in c)
        first_level: dict[tuple[str, str, str], tuple] = {}
        for ps_name, m, sub, w in scen:
            bar.say(f"composites: {ps_name}, {m}, {sub}, {w}")
            sh = pd.concat([base[ps_name], unga.get((ps_name, m, sub), pd.DataFrame()),
                            sec.get((ps_name, w), pd.DataFrame())], ignore_index=True)
            sh = balance.complete_only(sh)
            key = (ps_name, m, sub)
            if key in first_level:
                units, j, r = _other_security_level(sh, first_level[key], sec_years, chans,
                                                    sets, weights, draws, seed)
            else:
                units, chs, poles, S = share_array(sh, channels=chans)
                j = _set_evenness(sh, units, chs, poles, S, sets, weights, draws, seed)
                r = rank_within(j, units["year"].to_numpy())
                first_level[key] = (units, j, r, poles)
            frame = units.assign(pole_set=ps_name, measure=m, subset=sub, security=w,
                                 evenness=j[0], rank=r[0])
            rows.append(frame)
            # align every scenario on one set of units for pooling
            if units_ref is None:
                units_ref = units
            idx = pd.MultiIndex.from_frame(units).get_indexer(pd.MultiIndex.from_frame(units_ref))
            jj = np.where(idx[None, :] >= 0, j[:, idx], np.nan)
            rr = np.where(idx[None, :] >= 0, r[:, idx], np.nan)
            pooled_j.append(jj)
            pooled_r.append(rr)
            bar.advance()
    scenarios = pd.concat(rows, ignore_index=True)
    J, R = np.vstack(pooled_j), np.vstack(pooled_r)
    default = (pole_sets[0], measures[0], subsets[0], security[0])
    summary = _summary(units_ref, scenarios, J, R, default)
    summary["channels"] = summary["year"].map({y: ",".join(c) for y, c in sets.items()})
    factors = _factors(scenarios, default)
    settings = {"years": list(years), "draws": draws, "seed": seed, "channels": chans,
                "sets": {y: list(c) for y, c in sets.items()},
                "pole_sets": list(pole_sets), "measures": list(measures),
                "subsets": list(subsets), "security": list(security),
                "n_scenarios": len(scen)}
    return SensitivityResult(summary, scenarios, factors, settings)


def security_levels(security: tuple[str, ...], security_arms: float = 0.0
                    ) -> tuple[str, ...]:
    """The security levels of a run: ``security`` checked, with the level of obligation
    weights and arms weight ``security_arms`` first when that weight is above 0 (levels that
    are the same channel as an earlier one left out)."""
    a = security_mix.check_arms_weight(security_arms)
    names = [security_mix.scenario_name(a)] if a > 0 else []
    out: dict[tuple[str, float], str] = {}
    for name in [*names, *security]:
        out.setdefault(security_mix.security_scenario(name), name)
    return tuple(out.values())


def _other_security_level(sh: pd.DataFrame, first: tuple, sec_years: list[int],
                          chans: list[str], sets: dict[int, tuple[str, ...]],
                          weights: dict[str, float] | None, draws: int, seed: int
                          ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Units, evenness and rank of a security level other than the first one run for the
    same pole set, measure and subset: recomputed in the years whose ranking set holds
    security, the first level's elsewhere (a composite and a rank within a year depend on that
    year's units only)."""
    units0, j0, r0, _ = first
    keep = ~units0["year"].isin(sec_years).to_numpy()
    shs = sh[sh["year"].isin(sec_years)]
    if not len(shs):
        return units0[keep].reset_index(drop=True), j0[:, keep], r0[:, keep]
    # the poles in the order share_array finds them in this level's data over all years, so
    # that the recomputed years are summed exactly as a run over every year sums them
    poles = list(dict.fromkeys(balance.renormalise(sh, ["iso3", "year", "channel"])["pole"]))
    units1, chs, poles, S = share_array(shs, channels=chans, poles=poles)
    j1 = _set_evenness(shs, units1, chs, poles, S, sets, weights, draws, seed)
    r1 = rank_within(j1, units1["year"].to_numpy())
    units = pd.concat([units0[keep], units1], ignore_index=True)
    order = np.lexsort((units["year"].to_numpy(), units["iso3"].to_numpy()))
    j = np.hstack([j0[:, keep], j1])[:, order]
    r = np.hstack([r0[:, keep], r1])[:, order]
    return units.iloc[order].reset_index(drop=True), j, r


def _set_evenness(sh: pd.DataFrame, units: pd.DataFrame, chs: list[str], poles: list[str],
                  S: np.ndarray, sets: dict[int, tuple[str, ...]],
                  weights: dict[str, float] | None, draws: int, seed: int) -> np.ndarray:
    """Composite evenness ``(1 + draws, n)`` of every unit on its year's ranking set: the
    default weights, then ``draws`` Dirichlet weightings over the set's channels (NaN where a
    unit lacks a channel of its set)."""
    years = units["year"].to_numpy()
    j = np.full((1 + draws, len(units)), np.nan)
    by_set: dict[tuple[str, ...], list[int]] = {}
    for y, cs in sets.items():
        if cs:
            by_set.setdefault(tuple(cs), []).append(y)
    for cs, yrs in by_set.items():
        cols = np.flatnonzero(np.isin(years, yrs))
        if not len(cols):
            continue
        idx = [chs.index(c) for c in cs]
        W = np.vstack([weight_matrix(list(cs), weights),
                       random_weights(list(cs), draws, seed, weights)])
        sub_units = units.iloc[cols].reset_index(drop=True)
        npol = pole_counts(sh, sub_units, poles, channels=list(cs))
        jj, _ = composite_evenness(S[cols][:, idx, :], W, npol, len(cs))
        j[:, cols] = jj
    return j


def _summary(units: pd.DataFrame, scenarios: pd.DataFrame, J: np.ndarray, R: np.ndarray,
             default: tuple[str, ...]) -> pd.DataFrame:
    out = units.copy()
    sel = np.ones(len(scenarios), dtype=bool)
    for n, level in zip(FACTORS, default, strict=True):
        sel &= (scenarios[n] == level).to_numpy()
    d = scenarios[sel]
    out = out.merge(d[["iso3", "year", "evenness", "rank"]], on=["iso3", "year"], how="left")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN units stay NaN
        for name, arr in (("evenness", J), ("rank", R)):
            out[f"{name}_min"] = np.nanmin(arr, axis=0)
            qs = np.nanquantile(arr, QUANTILES, axis=0)
            for q, v in zip(("p05", "median", "p95"), qs, strict=True):
                out[f"{name}_{q}"] = v
            out[f"{name}_max"] = np.nanmax(arr, axis=0)
    out["n_runs"] = np.isfinite(J).sum(axis=0)
    n_states = (scenarios.loc[scenarios["evenness"].notna()]
                .groupby([*FACTORS, "year"])["iso3"].size()
                .groupby("year").max().rename("n_states"))
    out = out.join(n_states, on="year")
    return out[out["n_runs"] > 0].reset_index(drop=True)


def _factors(scenarios: pd.DataFrame, default: tuple[str, ...]) -> pd.DataFrame:
    names = FACTORS
    frames = []
    for name in names:
        others = [n for n in names if n != name]
        sel = np.ones(len(scenarios), dtype=bool)
        for n in others:
            sel &= (scenarios[n] == default[names.index(n)]).to_numpy()
        g = scenarios[sel & scenarios["evenness"].notna().to_numpy()].groupby(["iso3", "year"])
        f = pd.DataFrame({
            "evenness_range": g["evenness"].max() - g["evenness"].min(),
            "rank_range": g["rank"].max() - g["rank"].min(),
            "levels": g[name].nunique()}).reset_index()
        frames.append(f.assign(factor=name))
    out = pd.concat(frames, ignore_index=True)
    return out[["iso3", "year", "factor", "evenness_range", "rank_range", "levels"]]


def focal(result: SensitivityResult, iso3: str) -> SensitivityResult:
    """The rows of one state."""
    return SensitivityResult(
        result.summary[result.summary["iso3"] == iso3].reset_index(drop=True),
        result.scenarios[result.scenarios["iso3"] == iso3].reset_index(drop=True),
        result.factors[result.factors["iso3"] == iso3].reset_index(drop=True),
        dict(result.settings))
