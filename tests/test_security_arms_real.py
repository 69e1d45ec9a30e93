"""Face validity of the security channel counted by arms suppliers (issue 13, item 2) on the
real warehouse. Skips without the mirror.

With arms alone (``security_arms=1``) the channel is SIPRI's deliveries by supplier, to 2024.
What a specialist expects: Kazakhstan arms itself from Russia (CSTO, a common air defence);
Japan and South Korea from the United States, their treaty ally; Poland, in NATO from 1999,
from the United States and the EU; India from Russia. Where a single year's deliveries say
otherwise the test pins what the register says and docs/methods.md ("Security: alliances and
arms suppliers") names the deals: SIPRI counts each delivery in its year, so one aircraft
order can outweigh a year of a steady supplier.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from multivector.analysis import sensitivity
from multivector.analysis.panel.shares import channel_shares
from multivector.core import poles
from multivector.core.vocabulary import REST

pytestmark = pytest.mark.mirror

CORE = poles.load_pole_set("core")
STATES = ["KAZ", "JPN", "KOR", "POL", "IND"]


@pytest.fixture(scope="module")
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def arms(con):
    return channel_shares(con, "security", CORE, (1992, 2024), STATES, security_arms=1.0)


def largest(shares: pd.DataFrame, iso3: str) -> pd.Series:
    """The pole with the largest share in each year (the rest of the world is no pole)."""
    p = shares[(shares["iso3"] == iso3) & (shares["pole"] != REST)]
    top = p.loc[p.groupby("year")["share"].idxmax()]
    return top.set_index("year")["pole"]


def test_kazakhstan_arms_itself_from_russia(arms):
    d = largest(arms, "KAZ")
    assert set(range(2004, 2025)) <= set(d.index)             # deliveries in every year
    # Russia every year 2010-2024 but 2014: Spain's two C-295, France's GM-400 radar and the
    # German EC145 helicopters (EU 0.46 of the TIV against Russia's 0.41)
    assert (d[d.index.isin(range(2010, 2025))].drop(2014) == "RUS").all()
    assert d[2014] == "EU"
    # over 2010-2020 taken together Russia supplies most
    k = arms[(arms["iso3"] == "KAZ") & arms["year"].between(2010, 2020)
             & (arms["pole"] != REST)]
    assert k.groupby("pole")["value"].sum().idxmax() == "RUS"


def test_japan_and_korea_arm_themselves_from_the_united_states(arms):
    assert (largest(arms, "JPN") == "USA").all() and len(largest(arms, "JPN")) == 33
    kor = largest(arms, "KOR")
    assert len(kor) == 33
    # 2009: Type-214 submarines and second-hand Patriot systems (Germany), Crotale-NG (France);
    # 2019: four A330 MRTT tankers (France) and Type-214 submarines (Germany): the EU's by a
    # little (0.51 of the TIV against 0.49)
    assert (kor.drop([2009, 2019]) == "USA").all()
    assert kor[2009] == "EU" and kor[2019] == "EU"


def test_poland_arms_itself_from_the_united_states_and_the_eu(arms):
    pol = largest(arms, "POL")
    assert pol[pol.index >= 2002].isin(["USA", "EU"]).all()
    # 1999 and 2001: M28 Bryza aircraft, licensed production SIPRI counts as Russia's supply
    assert pol[1999] == "RUS" and pol[2001] == "RUS"
    # South Korea's K2 tanks, K9 howitzers and FA-50s (rest of the world) exceed every pole
    # in 2022-2023
    p = arms[(arms["iso3"] == "POL") & arms["year"].isin([2022, 2023])]
    top = p.loc[p.groupby("year")["share"].idxmax(), "pole"]
    assert (top == REST).all()


def test_india_arms_itself_from_russia(arms):
    ind = largest(arms, "IND")
    assert ind[2010] == "RUS"
    assert (ind[ind.index.isin(range(1993, 2019))] == "RUS").all()
    assert ind[2019] == "EU" and ind[2022] == "EU"               # Rafale, Scorpene (France)


def test_a_mix_ends_with_atop_and_arms_alone_runs_to_2024(con, arms):
    alliances = channel_shares(con, "security", CORE, (2010, 2024), ["KAZ"])
    mixed = channel_shares(con, "security", CORE, (2010, 2024), ["KAZ"], security_arms=0.5)
    assert alliances["year"].max() == mixed["year"].max() == 2018
    assert set(mixed["year"]) == set(alliances["year"])  # KAZ has arms in every such year
    assert arms.loc[arms["iso3"] == "KAZ", "year"].max() == 2024
    # India has no ATOP tie of neutrality or more to a pole: no alliance channel, so no mix
    assert channel_shares(con, "security", CORE, (2010, 2018), ["IND"],
                          security_arms=0.5).empty


def test_the_sensitivity_run_counts_arms_as_security(con):
    run = sensitivity.run(con, (2010, 2010), draws=0)
    assert run.settings["security"] == ["obligation", "flat", "with_arms", "arms"]
    sc = run.scenarios
    k = sc[(sc["iso3"] == "KAZ") & (sc["pole_set"] == "core") & (sc["measure"] == "split")
           & (sc["subset"] == "all")].set_index("security")["evenness"]
    f = run.factors
    sec = f[(f["iso3"] == "KAZ") & (f["factor"] == "security")].iloc[0]
    assert sec["levels"] == 4
    assert sec["evenness_range"] == pytest.approx(k.max() - k.min())
    if "security" in run.settings["sets"][2010]:  # arms move the composite only through it
        assert k["arms"] != pytest.approx(k["obligation"])
