"""Face validity of the channels on the real warehouse (issue 10): what a specialist knows about
a few states must show, and the channels must separate states. Skips without the mirror.

Why these states: Kazakhstan is a CSTO ally of Russia; Japan and Korea are US treaty allies
(the 1951/1960 and 1953 treaties); Poland is a NATO member since 1999 and in the EU since
2004; in the General Assembly Israel votes with the United States, Poland with the EU, Cuba
with China and Russia, and Kazakhstan with Russia and China (Voeten 2000; Bailey, Strezhnev
& Voeten 2017). docs/methods.md, "Face validity".
"""

from __future__ import annotations

import duckdb
import pytest

from multivector.analysis.options import UngaChannel
from multivector.analysis.panel.shares import channel_shares
from multivector.core import poles
from multivector.measures import balance as bal

pytestmark = pytest.mark.mirror

CORE = poles.load_pole_set("core")


@pytest.fixture(scope="module")
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


def dominant(shares):
    b = bal.channel_balance(shares[["iso3", "year", "channel", "pole", "share"]])
    return b.set_index(["iso3", "year"])["dominant_pole"]


@pytest.fixture(scope="module")
def security(con):
    return channel_shares(con, "security", CORE, (1992, 2018),
                          ["KAZ", "JPN", "KOR", "POL", "ISR"])


def test_security_leans_where_the_treaties_say(security):
    d = dominant(security)
    assert (d["KAZ"] == "RUS").all() and len(d["KAZ"]) == 27       # CSTO, 1992 treaty
    for s in ("JPN", "KOR"):
        assert (d[s] == "USA").all() and len(d[s]) == 27           # US treaty allies
    pol = d["POL"]
    assert pol[pol.index >= 1999].isin(["USA", "EU"]).all()         # NATO from 1999


def test_a_defence_pledge_received_makes_the_tie(con, security):
    # ATOP codes the 1960 treaty as a US defence pledge to Japan, while Japan's pledge to the
    # US is no defence pledge: read one way only, Japan's ties would not show the alliance
    own, received = con.execute(
        "SELECT max(defense) FILTER (WHERE iso3_a = 'JPN'), max(defense) FILTER (WHERE "
        "iso3_a = 'USA') FROM alliances WHERE source = 'atop' AND year = 2010 AND "
        "((iso3_a = 'JPN' AND iso3_b = 'USA') OR (iso3_a = 'USA' AND iso3_b = 'JPN'))"
    ).fetchall()[0]
    assert own == 0 and received == 1
    jpn = security[(security["iso3"] == "JPN") & (security["year"] == 2010)].set_index("pole")
    assert jpn.loc["USA", "value"] == 1.0


def test_no_security_channel_without_a_binding_tie_to_a_pole(security):
    # ATOP holds no alliance between Israel and the United States, only non-aggression with
    # China: the channel is absent rather than all China
    assert "ISR" not in set(security["iso3"])


@pytest.fixture(scope="module")
def unga(con):
    s = channel_shares(con, "unga", CORE, (1992, 2023), ["ISR", "POL", "CUB", "KAZ"])
    w = s.pivot_table(index=["iso3", "year"], columns="pole", values="share")
    w["east"], w["west"] = w["CHN"] + w["RUS"], w["USA"] + w["EU"]
    return s, w


def test_unga_split_votes_separate_west_and_east(unga):
    s, w = unga
    assert (s["total"] >= 40).all()  # every state-year rests on at least 40 split votes
    for st in ("ISR", "POL"):
        assert (w.loc[st, "west"] > w.loc[st, "east"]).all()
    for st in ("CUB", "KAZ"):
        assert (w.loc[st, "east"] > w.loc[st, "west"]).all()
    # clearly: the least western year of Israel and Poland is more western than the most
    # western year of Cuba and Kazakhstan
    assert w.loc[["ISR", "POL"], "west"].min() > w.loc[["CUB", "KAZ"], "west"].max()
    d = dominant(s)
    assert (d["ISR"] == "USA").all()
    assert d["POL"].isin(["EU", "USA"]).all() and d["CUB"].isin(["CHN", "RUS"]).all()


def test_unga_split_votes_spread_states_more_than_agreement(con):
    def spread(measure):
        s = channel_shares(con, "unga", CORE, (2010, 2010),
                           unga=UngaChannel(measure))
        return bal.channel_balance(s[["iso3", "year", "channel", "pole", "share"]])[
            "evenness"]

    old, new = spread("agreement"), spread("split")
    assert len(new) >= 190 and new.std() > 1.5 * old.std()
    assert new.min() < old.min()


def test_igo_channel_separates_states_once_universal_organisations_go(con):
    new = channel_shares(con, "igo", CORE, (2010, 2010))
    old = channel_shares(con, "igo", CORE, (2010, 2010), igo_source="cow")
    ev = {k: bal.channel_balance(v[["iso3", "year", "channel", "pole", "share"]])["evenness"]
          for k, v in (("new", new), ("old", old))}
    assert ev["old"].std() < 0.01 < 0.1 < ev["new"].std()


def test_formats_channel_only_for_the_states_the_table_covers(con):
    s = channel_shares(con, "formats", CORE, (2015, 2015),
                       ["KAZ", "UZB", "JPN", "USA", "ISR", "BRA"])
    assert set(s["iso3"]) == {"KAZ", "UZB"}
