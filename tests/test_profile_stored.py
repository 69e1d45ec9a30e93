"""The profile reads the stored peers' balance only when it serves the request
(:func:`multivector.analysis.options.serves_balance`): a non-default UNGA choice, such as an
issue filter, never reads the results stored for split votes on every roll call."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from multivector.analysis import options
from multivector.analysis.alignment import UngaOptions
from multivector.analysis.comparison import compare
from multivector.analysis.options import BalanceOptions
from multivector.core import poles


@pytest.fixture
def stored_only() -> duckdb.DuckDBPyConnection:
    """A database of stored results only: computing anything afresh would fail."""
    con = duckdb.connect()
    tables = {
        "derived_settings": pd.DataFrame(sorted(options.stored_keys().items()),
                                         columns=["name", "settings"]),
        "derived_balance": pd.DataFrame({"iso3": ["KAZ", "KAZ"], "year": [2000, 2001],
                                         "channel": "composite", "pole_set": "core",
                                         "evenness": [0.5, 0.6]}),
        "derived_power": pd.DataFrame({"iso3": ["KAZ"], "year": [2000], "index": [40.0]}),
        "derived_power_components": pd.DataFrame({"iso3": ["KAZ"], "year": [2000]}),
        "derived_sensitivity": pd.DataFrame({"iso3": ["KAZ"], "year": [2000]}),
        "derived_sensitivity_factors": pd.DataFrame({"iso3": ["KAZ"], "year": [2000]}),
    }
    for name, frame in tables.items():
        con.register("_f", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _f")
        con.unregister("_f")
    return con


def test_default_choices_read_the_stored_series(stored_only):
    got = compare(stored_only, "KAZ", options.SERIES_YEARS, poles.load_pole_set("core"), None,
                  UngaOptions(), BalanceOptions())
    assert got.peers_balance["evenness"].tolist() == [0.5, 0.6]
    assert got.power["index"].tolist() == [40.0]


@pytest.mark.parametrize("unga", [UngaOptions(issue="me"), UngaOptions(important_only=True),
                                  UngaOptions(amendments=False), UngaOptions(measure="kappa")])
def test_a_non_default_unga_choice_never_reads_the_stored_series(stored_only, unga):
    got = compare(stored_only, "KAZ", options.SERIES_YEARS, poles.load_pole_set("core"), None,
                  unga, BalanceOptions())
    assert got.peers_balance.empty  # no peers to compute for, and the stored rows not read


def test_other_years_never_read_the_stored_series(stored_only):
    got = compare(stored_only, "KAZ", (2000, 2001), poles.load_pole_set("core"), None,
                  UngaOptions(), BalanceOptions())
    assert got.peers_balance.empty
