"""The security channel as a mix of alliance ties and arms suppliers (issue 13, item 2), on
constructed frames and a small constructed warehouse: ``a = 0`` is today's alliance channel
exactly, ``a = 1`` the arms channel, and a mix exists only in the years every source with a
weight has (docs/methods.md, "Security: alliances and arms suppliers")."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.analysis import options
from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel.shares import all_shares, channel_shares
from multivector.analysis.sensitivity import SECURITY, security_levels
from multivector.cli.root import app
from multivector.core import poles
from multivector.core.errors import OptionError
from multivector.core.vocabulary import REST
from multivector.measures import channelset
from multivector.measures import security_mix as sm

POLES = ["USA", "EU", "CHN", "RUS"]


def frame(rows: dict[tuple[str, int], list[float]], channel: str,
          flags: dict[tuple[str, int, str], str] | None = None) -> pd.DataFrame:
    """A share frame: one row per state, year and pole (the rest of the world last)."""
    out = []
    for (iso3, year), shares in rows.items():
        for pole, s in zip([*POLES, REST], shares, strict=True):
            out.append((iso3, channel, pole, year, s * 10.0, s, 10.0, 1,
                        (flags or {}).get((iso3, year, pole), "")))
    return pd.DataFrame(out, columns=["iso3", "channel", "pole", "year", "value", "share",
                                      "total", "n_members", "flag"])


ALLIANCES = frame({("KAZ", 2010): [0.0, 0.1, 0.1, 0.4, 0.4],
                   ("KAZ", 2011): [0.0, 0.1, 0.1, 0.4, 0.4],      # no arms delivered in 2011
                   ("JPN", 2010): [0.9, 0.0, 0.0, 0.0, 0.1]}, "security")
ARMS = frame({("KAZ", 2010): [0.0, 0.2, 0.0, 0.8, 0.0],
              ("KAZ", 2012): [0.0, 0.0, 0.0, 1.0, 0.0],            # after the alliance data
              ("JPN", 2010): [0.95, 0.05, 0.0, 0.0, 0.0]}, "arms")


def test_no_arms_weight_is_the_alliance_channel_exactly():
    pd.testing.assert_frame_equal(sm.mix_shares(ALLIANCES, ARMS, 0.0), ALLIANCES)
    pd.testing.assert_frame_equal(sm.mix_shares(ALLIANCES, ARMS.iloc[:0], 0), ALLIANCES)


def test_arms_alone_is_the_arms_channel_under_the_security_name():
    got = sm.mix_shares(ALLIANCES, ARMS, 1.0)
    pd.testing.assert_frame_equal(got.drop(columns="channel"), ARMS.drop(columns="channel"))
    assert set(got["channel"]) == {"security"}
    # the alliance frame is not needed: arms alone runs where the arms data run
    alone = sm.mix_shares(ALLIANCES.iloc[:0], ARMS, 1.0)
    assert set(zip(alone["iso3"], alone["year"], strict=True)) == {("KAZ", 2010),
                                                                   ("KAZ", 2012), ("JPN", 2010)}


def test_a_mix_is_the_weighted_mean_of_the_shares_where_both_sources_have_the_year():
    got = sm.mix_shares(ALLIANCES, ARMS, 0.25)
    # KAZ 2011 lacks arms, KAZ 2012 lacks alliances: absent, never one source alone
    assert set(zip(got["iso3"], got["year"], strict=True)) == {("KAZ", 2010), ("JPN", 2010)}
    kaz = got[got["iso3"] == "KAZ"].set_index("pole")["share"]
    assert kaz.to_dict() == pytest.approx({"USA": 0.0, "EU": 0.125, "CHN": 0.075,
                                           "RUS": 0.5, REST: 0.3})
    assert got.groupby(["iso3", "year"])["share"].sum().to_numpy() == pytest.approx([1, 1])
    assert (got["value"] == got["share"]).all() and (got["total"] == 1.0).all()
    assert list(got.columns) == list(ALLIANCES.columns)


def test_a_mix_whose_arms_year_is_missing_is_absent_never_alliance_only():
    arms = ARMS.copy()
    arms.loc[(arms["iso3"] == "KAZ") & (arms["year"] == 2010), "share"] = np.nan  # no TIV
    got = sm.mix_shares(ALLIANCES, arms, 0.5)
    kaz = got[got["iso3"] == "KAZ"]
    assert kaz["share"].isna().all()
    complete = channelset.complete_channels(got)
    assert set(complete["iso3"]) == {"JPN"}
    # a pole missing from one source's rows leaves the state-year out, not partly mixed
    partial = ARMS[~((ARMS["iso3"] == "JPN") & (ARMS["pole"] == "CHN"))]
    assert "JPN" not in set(sm.mix_shares(ALLIANCES, partial, 0.5)["iso3"])


def test_self_flags_carry_into_the_mix():
    ally = frame({("USA", 2010): [np.nan, 0.5, 0.0, 0.0, 0.5]}, "security",
                 {("USA", 2010, "USA"): "self"})
    arms = frame({("USA", 2010): [np.nan, 0.6, 0.0, 0.0, 0.4]}, "arms",
                 {("USA", 2010, "USA"): "self"})
    got = sm.mix_shares(ally, arms, 0.5).set_index("pole")
    assert got.loc["USA", "flag"] == "self" and np.isnan(got.loc["USA", "share"])
    assert got.loc["EU", "share"] == pytest.approx(0.55)


def test_the_arms_weight_is_from_zero_to_one():
    for bad in (-0.1, 1.5, "0.5", True, np.nan):
        with pytest.raises(ValueError):
            sm.mix_shares(ALLIANCES, ARMS, bad)
    with pytest.raises(OptionError, match="security_arms"):
        BalanceOptions(security_arms=1.5)
    assert not options.balance_is_default(BalanceOptions(security_arms=0.5))
    assert options.balance_is_default(BalanceOptions(security_arms=0.0))
    assert not options.serves_sensitivity(100, 0, security_arms=0.5)
    result = CliRunner().invoke(app, ["balance", "KAZ", "--security-arms", "2"])
    assert result.exit_code != 0 and "--security-arms" in result.output


def test_security_levels_of_the_sensitivity_run():
    assert SECURITY == sm.SECURITY_LEVELS == ("obligation", "flat", "with_arms", "arms")
    assert options.SETTINGS["sensitivity"]["security"] == list(SECURITY)
    assert sm.security_scenario("with_arms") == ("obligation", 0.5)
    assert sm.security_scenario("arms") == ("obligation", 1.0)
    assert sm.security_scenario("arms=0.3") == ("obligation", 0.3)
    with pytest.raises(ValueError, match="unknown security level"):
        sm.security_scenario("arms=2")
    assert security_levels(SECURITY) == SECURITY
    # a baseline with arms goes first; the level that is the same channel is not run twice
    assert security_levels(SECURITY, 0.5) == ("with_arms", "obligation", "flat", "arms")
    assert security_levels(SECURITY, 0.3) == ("arms=0.3", *SECURITY)


# ------------------------------------------------------------- through the panel, on a warehouse
ATOP = pd.DataFrame(
    # the US pledges defence to Japan 2009-2011; nothing in 2012 (as after ATOP's last year)
    [("USA", "JPN", y, 1, 0, 0, 1, 1) for y in (2009, 2010, 2011)]
    + [("JPN", "USA", y, 0, 0, 0, 1, 1) for y in (2009, 2010, 2011)],
    columns=["iso3_a", "iso3_b", "year", "defense", "offense", "neutrality", "nonaggression",
             "consultation"]).assign(source="atop")
SIPRI = pd.DataFrame(
    # deliveries in 2009, 2010 and 2012 (none in 2011); one by an unknown supplier
    [("USA", "JPN", 2009, 90.0), ("DEU", "JPN", 2009, 10.0), ("USA", "JPN", 2010, 50.0),
     (None, "JPN", 2010, 50.0), ("USA", "JPN", 2012, 40.0)],
    columns=["supplier", "recipient", "year", "tiv"])


@pytest.fixture
def wcon():
    con = duckdb.connect()
    con.register("alliances", ATOP)
    con.register("arms", SIPRI)
    yield con
    con.close()


def years_of(frame: pd.DataFrame) -> set[int]:
    return set(frame["year"].astype(int))


def test_the_panel_mixes_only_years_both_sources_cover(wcon):
    core = poles.load_pole_set("core")
    span = (2009, 2012)
    today = channel_shares(wcon, "security", core, span, ["JPN"])
    pd.testing.assert_frame_equal(channel_shares(wcon, "security", core, span, ["JPN"],
                                                 security_arms=0.0), today)
    assert years_of(today) == {2009, 2010, 2011}
    arms = channel_shares(wcon, "arms", core, span, ["JPN"])
    alone = channel_shares(wcon, "security", core, span, ["JPN"], security_arms=1.0)
    pd.testing.assert_frame_equal(alone.drop(columns="channel"), arms.drop(columns="channel"))
    assert years_of(alone) == {2009, 2010, 2012}
    mixed = channel_shares(wcon, "security", core, span, ["JPN"], security_arms=0.5)
    assert years_of(mixed) == {2009, 2010}
    m = mixed.set_index(["year", "pole"])["share"]
    t = today.set_index(["year", "pole"])["share"]
    a = arms.set_index(["year", "pole"])["share"]
    assert m[(2010, "USA")] == pytest.approx(0.5 * t[(2010, "USA")] + 0.5 * a[(2010, "USA")])
    assert m[(2010, REST)] == pytest.approx(0.5 * t[(2010, REST)] + 0.25)  # the unknown half
    # all_shares passes the weight on
    both = all_shares(wcon, core, span, ["JPN"], ("security",), security_arms=0.5)
    pd.testing.assert_frame_equal(both, mixed)
