"""The sensitivity run computes a security level other than the first only in the years whose
ranking set holds security, and takes the first level's composites elsewhere
(:func:`multivector.analysis.sensitivity.run`). On the real data, that shortcut must give what
a run of that level alone gives, in years with and without security in the set."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from multivector.analysis import sensitivity

SPAN = (1963, 1969)  # security is in the ranking set in 1963 and 1965-67, not in 1964, 1968-69


@pytest.fixture(scope="module")
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


@pytest.mark.parametrize("level", ["flat", "with_arms"])
def test_a_later_security_level_equals_its_own_run(con, level):
    both = sensitivity.run(con, SPAN, draws=3, pole_sets=("core",), measures=("split",),
                           subsets=("all",), security=("obligation", level))
    alone = sensitivity.run(con, SPAN, draws=3, pole_sets=("core",), measures=("split",),
                            subsets=("all",), security=(level,))
    # each run chooses the years' ranking sets under its first level: compare the years
    # whose set both runs chose alike, with and without security in it
    same = {y for y, c in both.settings["sets"].items() if alone.settings["sets"].get(y) == c}
    assert {y for y in same if "security" in both.settings["sets"][y]}
    assert {y for y in same if "security" not in both.settings["sets"][y]}
    keys = ["iso3", "year"]
    a = both.scenarios[(both.scenarios["security"] == level) & both.scenarios["year"].isin(same)]
    b = alone.scenarios[alone.scenarios["year"].isin(same)]
    a, b = a.dropna(subset=["evenness"]), b.dropna(subset=["evenness"])
    m = a.merge(b, on=keys, how="outer", suffixes=("_fast", "_alone"), indicator=True)
    assert (m["_merge"] == "both").all()
    np.testing.assert_allclose(m["evenness_fast"], m["evenness_alone"], rtol=0, atol=1e-12)
    assert (m["rank_fast"] == m["rank_alone"]).all()
