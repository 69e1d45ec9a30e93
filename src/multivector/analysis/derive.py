"""Results for every state, computed once when the warehouse is built and read by reports.

Ranking a state needs every state's measures, and the sensitivity run varies every choice for
every state; neither should be recomputed for each report. :func:`compute` runs them with the
default settings (:data:`multivector.analysis.options.SETTINGS`);
:mod:`multivector.analysis.ingest` stores them in the warehouse next to the data they come
from, keyed by the settings (:mod:`multivector.warehouse.derived`), and
:func:`multivector.analysis.options.stored` reads them back when a request's choices are the
defaults.

Tables: ``derived_balance`` (every state, year, channel and the composite on the state's
series channel set over :data:`SERIES_YEARS`, for each packaged pole set), ``derived_ranking``
(every state's composite on each year's ranking set, ranked, with the reason a state is not
ranked), ``derived_sensitivity`` and ``derived_sensitivity_factors`` (the summary and the
one-at-a-time ranges of :func:`multivector.analysis.sensitivity.run`), ``derived_power`` (the
middle-power index of every state and year on one component set, with rank ranges under
random weights),
``derived_power_components``, ``derived_power_unranked`` (the state-years lacking a component
of the set, and which) and ``derived_settings``.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from multivector.analysis import sensitivity
from multivector.analysis.options import SETTINGS, UngaChannel
from multivector.analysis.panel.power import BREADTH_MEASURE, power_components
from multivector.analysis.panel.shares import all_shares
from multivector.core import poles as poles_mod
from multivector.core.vocabulary import COMPOSITE
from multivector.measures import balance as bal
from multivector.measures import power as pw


def compute(con: duckdb.DuckDBPyConnection,
            say: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """Compute every derived table from the warehouse behind ``con``."""
    say = say or (lambda _text: None)
    out: dict[str, pd.DataFrame] = {}
    frames, ranked = [], []
    cache: dict = {}
    years = tuple(SETTINGS["ranking"]["years"])
    series = tuple(SETTINGS["balance"]["years"])
    for ps_name in poles_mod.packaged_pole_sets():
        say(f"balance of every state ({ps_name} poles)")
        ps = poles_mod.load_pole_set(ps_name)
        sh = all_shares(con, ps, years, _cache=cache)
        in_series = sh[sh["year"].between(*series)]
        b = bal.balance(in_series, None, SETTINGS["balance"]["min_channels"], span=series)
        frames.append(b.assign(pole_set=ps_name))
        ranked.append(ranking_table(sh, SETTINGS["ranking"]["min_channels"])
                      .assign(pole_set=ps_name))
    out["derived_balance"] = pd.concat(frames, ignore_index=True)
    out["derived_ranking"] = pd.concat(ranked, ignore_index=True)
    say("sensitivity of the balance (every state, scenario and weighting)")
    s = SETTINGS["sensitivity"]
    res = sensitivity.run(con, tuple(s["years"]), draws=s["draws"], seed=s["seed"],
                          security=tuple(s["security"]), _cache=cache)
    out["derived_sensitivity"] = res.summary
    out["derived_sensitivity_factors"] = res.factors
    say("middle-power index of every state")
    out.update(compute_power(con, cache))
    return out


def compute_power(con: duckdb.DuckDBPyConnection, cache: dict | None = None
                  ) -> dict[str, pd.DataFrame]:
    """The stored middle-power tables: every state and year on one component set.

    The set is chosen by :func:`multivector.measures.power.choose_components` over the whole
    span (the longest unbroken run of years), as a series must be, so that no stored value
    moves because a source ends; state-years lacking a component of it are stored in
    ``derived_power_unranked`` with the reason.
    """
    cache = cache if cache is not None else {}
    p = SETTINGS["power"]
    pyears = tuple(p["years"])
    flows = cache.get(("trade", pyears, None), (None,))[0]
    pairs = cache.get(("unga", pyears, UngaChannel(measure=BREADTH_MEASURE)))
    comp = power_components(con, pyears, flows=flows, unga_pairs=pairs)
    idx = pw.power_index(comp, None, p["pillar"])
    cset = idx.attrs["components"]
    sens = pw.rank_sensitivity(comp, draws=p["draws"], seed=0, component_set=cset)
    return {"derived_power": idx.merge(sens.drop(columns="rank"), on=["iso3", "year"],
                                       how="left"),
            "derived_power_components": comp,
            "derived_power_unranked": pw.unranked(comp, cset)}


def ranking_table(shares: pd.DataFrame, min_channels: int = 3,
                  weights: dict[str, float] | None = None,
                  channels: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every state's composite on its year's ranking set, ranked, and the states not ranked.

    Returns ``iso3, year, evenness, rank, n_states, dominant_pole, dominant_share, margin,
    poles_share, n_channels, channels, reason`` (``rank`` empty and ``reason`` said for a state
    lacking a channel of the set; :func:`multivector.measures.balance.ranking_balance`).
    """
    b, missing, sets = bal.ranking_balance(shares, weights, min_channels, channels)
    comp = b[b["channel"] == COMPOSITE].copy()
    comp["rank"] = comp.groupby("year")["evenness"].rank(ascending=False, method="min")
    comp["n_states"] = comp.groupby("year")["iso3"].transform("size")
    comp["reason"] = ""
    cols = ["iso3", "year", "evenness", "rank", "n_states", "dominant_pole", "dominant_share",
            "margin", "poles_share", "n_channels", "channels", "reason"]
    if len(missing):
        missing = missing.assign(channels=missing["year"].map(
            {y: ",".join(c) for y, c in sets.items()}))
        missing["n_channels"] = missing["channels"].str.count(",") + 1
        comp = pd.concat([comp, missing], ignore_index=True)
    comp["rank"] = comp["rank"].astype("Int64")
    comp["n_channels"] = comp["n_channels"].astype("Int64")
    comp["n_states"] = comp.groupby("year")["n_states"].transform("max").astype("Int64")
    return comp[cols].sort_values(["year", "rank", "iso3"]).reset_index(drop=True)


