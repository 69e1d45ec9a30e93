"""Results for every state, computed once when the warehouse is built and read by reports.

Ranking a state needs every state's measures, and the sensitivity run varies every choice for
every state; neither should be recomputed for each report. :func:`compute` runs them with the
default settings and :func:`store` writes them to the warehouse next to the data they come
from, keyed by the settings; :func:`load` returns a stored table when its settings match the
ones asked for, else None, and the caller computes afresh.

Tables: ``derived_balance`` (every state, year, channel and the composite, for each packaged
pole set), ``derived_sensitivity`` and ``derived_sensitivity_factors`` (the summary and the
one-at-a-time ranges of :func:`multivector.sensitivity.run`), ``derived_power`` (the
middle-power index of every state and year with rank ranges under random weights),
``derived_power_components`` and ``derived_settings``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
import pandas as pd

from multivector import panel
from multivector import poles as poles_mod

YEARS = (1946, 2024)
BALANCE_YEARS = (1960, 2024)
SETTINGS = {
    "balance": {"years": list(BALANCE_YEARS), "channels": list(panel.CHANNELS),
                "measure": "split", "min_channels": 3, "weights": "default",
                "channel_rules": 2},  # 2: split votes, two-way obligations, no universal IGOs
    "sensitivity": {"years": list(BALANCE_YEARS), "draws": 100, "seed": 0,
                    "channel_rules": 2},
    "power": {"years": [1960, 2024], "weights": "default", "pillar": 0.5, "draws": 100},
}


def _key(name: str) -> str:
    return json.dumps(SETTINGS[name], sort_keys=True)


def compute(con: duckdb.DuckDBPyConnection,
            say: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """Compute every derived table from the warehouse behind ``con``."""
    from multivector import sensitivity
    from multivector.measures import balance as bal
    from multivector.measures import power as pw

    say = say or (lambda _text: None)
    out: dict[str, pd.DataFrame] = {}
    frames = []
    cache: dict = {}
    years = tuple(SETTINGS["balance"]["years"])
    for ps_name in poles_mod.packaged_pole_sets():
        say(f"balance of every state ({ps_name} poles)")
        ps = poles_mod.load_pole_set(ps_name)
        sh = panel.all_shares(con, ps, years, _cache=cache)
        b = bal.balance(sh, None, SETTINGS["balance"]["min_channels"])
        frames.append(b.assign(pole_set=ps_name))
    out["derived_balance"] = pd.concat(frames, ignore_index=True)
    say("sensitivity of the balance (every state, scenario and weighting)")
    s = SETTINGS["sensitivity"]
    res = sensitivity.run(con, tuple(s["years"]), draws=s["draws"], seed=s["seed"],
                          _cache=cache)
    out["derived_sensitivity"] = res.summary
    out["derived_sensitivity_factors"] = res.factors
    say("middle-power index of every state")
    p = SETTINGS["power"]
    pyears = tuple(p["years"])
    flows = cache.get(("trade", pyears, None), (None,))[0]
    pairs = cache.get(("unga", pyears, panel.UngaChannel(measure=panel.BREADTH_MEASURE)))
    comp = panel.power_components(con, pyears, flows=flows, unga_pairs=pairs)
    idx = pw.power_index(comp, None, p["pillar"])
    sens = pw.rank_sensitivity(comp, draws=p["draws"], seed=0)
    out["derived_power"] = idx.merge(sens.drop(columns="rank"), on=["iso3", "year"],
                                     how="left")
    out["derived_power_components"] = comp
    return out


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
