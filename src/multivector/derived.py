"""Results for every state, computed once when the warehouse is built and read by reports.

Ranking a state needs every state's measures, and the sensitivity run varies every choice for
every state; neither should be recomputed for each report. :func:`compute` runs them with the
default settings and :func:`store` writes them to the warehouse next to the data they come
from, keyed by the settings; :func:`load` returns a stored table when its settings match the
ones asked for, else None, and the caller computes afresh.

Tables: ``derived_balance`` (every state, year, channel and the composite on the state's
series channel set over :data:`SERIES_YEARS`, for each packaged pole set), ``derived_ranking``
(every state's composite on each year's ranking set, ranked, with the reason a state is not
ranked), ``derived_sensitivity`` and ``derived_sensitivity_factors`` (the summary and the
one-at-a-time ranges of :func:`multivector.sensitivity.run`), ``derived_power`` (the
middle-power index of every state and year on one component set, with rank ranges under
random weights),
``derived_power_components``, ``derived_power_unranked`` (the state-years lacking a component
of the set, and which) and ``derived_settings``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
import pandas as pd

from multivector import panel
from multivector import poles as poles_mod

YEARS = (1946, 2024)
BALANCE_YEARS = (1960, 2024)  # rankings: one channel set per year
SERIES_YEARS = (1992, 2024)  # series: one channel set per state over the default span
SETTINGS = {
    "balance": {"years": list(SERIES_YEARS), "channels": list(panel.CHANNELS),
                "measure": "split", "min_channels": 3, "weights": "default",
                "sets": "series", "channel_rules": 2},  # 2: split votes, two-way obligations,
    # no universal IGOs
    "ranking": {"years": list(BALANCE_YEARS), "channels": list(panel.CHANNELS),
                "measure": "split", "min_channels": 3, "weights": "default",
                "sets": "ranking", "coverage": 0.9, "min_states": 20, "channel_rules": 2},
    "sensitivity": {"years": list(BALANCE_YEARS), "draws": 100, "seed": 0, "sets": "ranking",
                    "min_states": 20, "channel_rules": 2},
    # construction 2: Lowy 2018 weights, log-scaled counts, trade_share, one component set
    "power": {"years": [1960, 2024], "weights": "default", "pillar": 0.55, "draws": 100,
              "construction": 2, "components": "longest unbroken run"},
}


def _key(name: str) -> str:
    return json.dumps(SETTINGS[name], sort_keys=True)


def compute(con: duckdb.DuckDBPyConnection,
            say: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """Compute every derived table from the warehouse behind ``con``."""
    from multivector import sensitivity
    from multivector.measures import balance as bal

    say = say or (lambda _text: None)
    out: dict[str, pd.DataFrame] = {}
    frames, ranked = [], []
    cache: dict = {}
    years = tuple(SETTINGS["ranking"]["years"])
    series = tuple(SETTINGS["balance"]["years"])
    for ps_name in poles_mod.packaged_pole_sets():
        say(f"balance of every state ({ps_name} poles)")
        ps = poles_mod.load_pole_set(ps_name)
        sh = panel.all_shares(con, ps, years, _cache=cache)
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
                          _cache=cache)
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
    from multivector.measures import power as pw

    cache = cache if cache is not None else {}
    p = SETTINGS["power"]
    pyears = tuple(p["years"])
    flows = cache.get(("trade", pyears, None), (None,))[0]
    pairs = cache.get(("unga", pyears, panel.UngaChannel(measure=panel.BREADTH_MEASURE)))
    comp = panel.power_components(con, pyears, flows=flows, unga_pairs=pairs)
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
    from multivector.measures import balance as bal

    b, missing, sets = bal.ranking_balance(shares, weights, min_channels, channels)
    comp = b[b["channel"] == "composite"].copy()
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


def store(con: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Write the derived tables and their settings (``con`` must be writable)."""
    rows = {}
    for name, frame in tables.items():
        con.register("_frame", frame)
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _frame')
        con.unregister("_frame")
        rows[name] = len(frame)
    settings = pd.DataFrame([(k, _key(k)) for k in SETTINGS], columns=["name", "settings"])
    con.register("_frame", settings)
    con.execute("CREATE OR REPLACE TABLE derived_settings AS SELECT * FROM _frame")
    con.unregister("_frame")
    return rows


def load(con: duckdb.DuckDBPyConnection, table: str, name: str,
         where: str = "", params: list | None = None) -> pd.DataFrame | None:
    """A stored derived table if it was computed with the current settings, else None."""
    try:
        found = con.execute("SELECT settings FROM derived_settings WHERE name = ?",
                            [name]).fetchall()
        stored = found[0] if found else None
    except duckdb.CatalogException:
        return None
    if stored is None or stored[0] != _key(name):
        return None
    try:
        return con.execute(f'SELECT * FROM "{table}" {where}', params or []).df()
    except duckdb.CatalogException:
        return None
