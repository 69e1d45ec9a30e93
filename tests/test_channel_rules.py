"""The rules that make each balance channel discriminate between the poles (issue 10), on
small constructed fixtures: split roll calls and bloc pluralities, the split-vote credit,
organisations every pole belongs to, ATOP's directed obligations and their weights, and the
states the formats channel is defined for."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from multivector.analysis.panel.membership import (
    alliance_dyads,
    format_dyads,
    format_states,
    informal_igo_dyads,
    security_units,
)
from multivector.measures import channels as ch
from multivector.measures import splitvotes as sv

Y, A, N, ABSENT = 1, 2, 3, 8  # yes, abstain, no, absent

# core-like poles in one year: the EU bloc has three members
MEM = pd.DataFrame([("USA", "USA", 2010), ("EU", "DEU", 2010), ("EU", "FRA", 2010),
                    ("EU", "POL", 2010), ("CHN", "CHN", 2010), ("RUS", "RUS", 2010)],
                   columns=["pole", "iso3", "year"])


def votes(table: dict[int, dict[str, int]]) -> pd.DataFrame:
    return pd.DataFrame([(r, s, v) for r, row in table.items() for s, v in row.items()],
                        columns=["rcid", "iso3", "vote"])


ROLLCALLS = {
    # 1: consensus: every pole yes
    1: {"USA": Y, "DEU": Y, "FRA": Y, "POL": Y, "CHN": Y, "RUS": Y, "KAZ": Y, "CUB": Y},
    # 2: the US alone votes no
    2: {"USA": N, "DEU": Y, "FRA": Y, "POL": Y, "CHN": Y, "RUS": Y, "KAZ": Y, "CUB": Y},
    # 3: West no, China and Russia yes; the EU plurality is no (2 of 3)
    3: {"USA": N, "DEU": N, "FRA": N, "POL": A, "CHN": Y, "RUS": Y, "KAZ": A, "CUB": Y},
    # 4: the EU ties (yes, no, abstain): no EU vote; USA yes, CHN no -> split
    4: {"USA": Y, "DEU": Y, "FRA": N, "POL": A, "CHN": N, "RUS": ABSENT, "KAZ": N,
        "CUB": ABSENT},
    # 5: only the US votes among the poles (the rest absent): no split
    5: {"USA": N, "DEU": ABSENT, "FRA": ABSENT, "POL": ABSENT, "CHN": ABSENT,
        "RUS": ABSENT, "KAZ": Y, "CUB": N},
}
V = votes(ROLLCALLS)
RC = pd.DataFrame({"rcid": list(ROLLCALLS), "year": 2010})


def test_bloc_votes_its_plurality_and_a_tied_bloc_has_no_vote():
    pv = sv.pole_votes(V, MEM[["pole", "iso3"]]).set_index(["rcid", "pole"])["vote"]
    assert pv[(3, "EU")] == N                     # DEU, FRA no; POL abstains
    assert (4, "EU") not in pv.index              # yes, no, abstain once each: split bloc
    assert (4, "RUS") not in pv.index             # absent is no vote
    assert pv[(2, "USA")] == N and pv[(2, "EU")] == Y
    # the focal state is left out of its own bloc: without FRA, roll call 3 ties DEU no vs
    # POL abstain, so the EU has no vote; without POL it stays no
    no_fra = sv.pole_votes(V, MEM[["pole", "iso3"]], exclude="FRA")
    assert not ((no_fra["rcid"] == 3) & (no_fra["pole"] == "EU")).any()
    no_pol = sv.pole_votes(V, MEM[["pole", "iso3"]], exclude="POL")
    assert no_pol.set_index(["rcid", "pole"])["vote"][(3, "EU")] == N


def test_split_rollcalls_are_those_where_voting_poles_differ():
    pv = sv.pole_votes(V, MEM[["pole", "iso3"]])
    assert sorted(sv.split_rollcalls(pv)) == [2, 3, 4]  # 1 consensus, 5 a single pole


def test_split_vote_credit_and_shares():
    out = sv.split_vote_shares(V, RC, MEM, ["KAZ", "CUB", "USA"])
    kaz = out[out["iso3"] == "KAZ"].set_index("pole")
    # KAZ on split 2 (yes: EU, CHN, RUS each 1/3), 3 (abstain: no pole -> rest), 4 (no: CHN)
    assert kaz["total"].iloc[0] == 3
    assert kaz.loc["EU", "value"] == pytest.approx(1 / 3)
    assert kaz.loc["RUS", "value"] == pytest.approx(1 / 3)
    assert kaz.loc["CHN", "value"] == pytest.approx(1 / 3 + 1)
    assert kaz.loc["USA", "value"] == 0.0
    assert kaz.loc[sv.REST, "value"] == 1.0
    assert kaz["share"].sum() == pytest.approx(1.0)
    # CUB: split 2 (yes: 1/3 each to EU, CHN, RUS), 3 (yes: CHN, RUS 1/2 each); absent on 4;
    # roll call 5 is no split however CUB voted
    cub = out[out["iso3"] == "CUB"].set_index("pole")
    assert cub["total"].iloc[0] == 2
    assert cub.loc["CHN", "share"] == pytest.approx((1 / 3 + 1 / 2) / 2)
    assert cub.loc["EU", "share"] == pytest.approx((1 / 3) / 2)
    # the US is no pole of its own: flagged, no value; splits are read among the others
    usa = out[out["iso3"] == "USA"].set_index("pole")
    assert usa.loc["USA", "flag"] == "self" and np.isnan(usa.loc["USA", "value"])
    # 2 is consensus among the others, 4 has only China voting: only 3 (EU no vs CHN/RUS yes)
    assert usa["total"].iloc[0] == 1
    assert usa.loc["EU", "value"] == 1.0 and usa.loc["USA", "n_members"] == 0


def test_a_state_without_split_votes_has_no_shares():
    v = votes({1: ROLLCALLS[1]})
    out = sv.split_vote_shares(v, RC[RC["rcid"] == 1], MEM, ["KAZ"])
    assert (out["flag"] == "no split votes").all() and out["share"].isna().all()
    assert (out["total"] == 0).all()


def test_bootstrap_replicates_sum_to_one_and_centre_on_the_point():
    reps = sv.bootstrap_shares(V, RC, MEM, "KAZ", 400, seed=1)
    tot = reps.groupby("replicate")["share"].sum(min_count=1)
    # a replicate that drew no split roll call the state voted on has no shares
    assert np.allclose(tot.dropna(), 1.0) and tot.notna().sum() > 350
    point = sv.split_vote_shares(V, RC, MEM, ["KAZ"]).set_index("pole")["share"]
    mean = reps.groupby("pole")["share"].mean()
    assert mean["CHN"] == pytest.approx(point["CHN"], abs=0.06)
    assert set(reps["pole"]) == {"USA", "EU", "CHN", "RUS", sv.REST}


# ------------------------------------------------------------- organisations every pole holds
def test_universal_orgs_are_those_with_a_member_of_every_pole():
    m = pd.DataFrame([("UN", s, 2010) for s in ("USA", "DEU", "CHN", "RUS", "KAZ")]
                     + [("SCO", s, 2010) for s in ("CHN", "RUS", "KAZ")]
                     + [("OSCE", s, 2010) for s in ("USA", "FRA", "RUS", "KAZ")],
                     columns=["igo", "iso3", "year"])
    u = ch.universal_orgs(m, MEM)
    assert u.to_dict("records") == [{"igo": "UN", "year": 2010}]


def test_informal_igo_dyads_leave_out_organisations_holding_every_pole():
    rows = ([("UN", s, "full") for s in ("USA", "DEU", "CHN", "RUS", "KAZ")]
            + [("SCO", s, "full") for s in ("CHN", "RUS", "KAZ")]
            + [("NATO", s, "full") for s in ("USA", "DEU", "POL")]
            + [("OBS", "KAZ", "full"), ("OBS", "USA", "observer"), ("OBS", "DEU", "full"),
               ("OBS", "CHN", "full"), ("OBS", "RUS", "full")])
    frame = pd.DataFrame(rows, columns=["igo", "iso3", "status"]).assign(year=2010,
                                                                          source="migo")
    con = duckdb.connect()
    con.register("igo_membership", frame)
    raw = informal_igo_dyads(con, (2010, 2010), ["KAZ"])
    kept = informal_igo_dyads(con, (2010, 2010), ["KAZ"], MEM)
    got = {r.partner: r.value for r in kept.itertuples()}
    # UN holds every pole and goes; OBS holds the US only as an observer and stays
    assert got == {"CHN": 2.0, "RUS": 2.0, "DEU": 1.0}
    assert raw.set_index("partner")["value"]["CHN"] == 3.0


def test_format_dyads_leave_out_a_format_holding_every_pole():
    m = pd.DataFrame([("ALL", s, 2010, "member") for s in ("USA", "DEU", "CHN", "RUS", "KAZ")]
                     + [("SCO", s, 2010, "member") for s in ("CHN", "RUS", "KAZ")]
                     + [("ALMOST", "KAZ", 2010, "member"), ("ALMOST", "USA", 2010, "observer"),
                        ("ALMOST", "DEU", 2010, "member"), ("ALMOST", "CHN", 2010, "member"),
                        ("ALMOST", "RUS", 2010, "member")],
                     columns=["format", "iso3", "year", "status"])
    got = format_dyads(m, ["KAZ"], MEM).set_index("partner")["value"]
    assert got["CHN"] == 2.0 and got["RUS"] == 2.0   # SCO and ALMOST; ALL dropped
    assert got["USA"] == 0.5 and got["DEU"] == 1.0
    assert format_dyads(m, ["KAZ"]).set_index("partner")["value"]["CHN"] == 3.0


def test_formats_channel_is_defined_only_for_members_of_the_table_treaty_organisations():
    t = pd.DataFrame([("CSTO", "treaty organisation", "KAZ", "member"),
                      ("CSTO", "treaty organisation", "ARM", "participation frozen"),
                      ("SCO", "treaty organisation", "MNG", "observer"),
                      ("SCO", "treaty organisation", "IND", "member"),
                      ("BRICS", "summit format", "BRA", "member"),
                      ("CICA", "intergovernmental forum", "ISR", "member"),
                      ("C5+1", "summit format", "USA", "participant")],
                     columns=["format", "kind", "iso3", "status"])
    assert format_states(t) == ["IND", "KAZ"]
    packaged = format_states()
    assert {"KAZ", "UZB", "RUS", "CHN", "ARM"} <= set(packaged)
    assert not {"BRA", "ISR", "USA", "JPN", "KOR", "ZAF"} & set(packaged)


# ------------------------------------------------------------------------------ security ties
ALLIANCES = pd.DataFrame(
    # the US pledges defence to JPN; JPN pledges only consultation and non-aggression back
    [("USA", "JPN", 2010, 1, 0, 0, 1, 1), ("JPN", "USA", 2010, 0, 0, 0, 1, 1),
     # a mutual non-aggression pact with China
     ("JPN", "CHN", 2010, 0, 0, 0, 1, 0), ("CHN", "JPN", 2010, 0, 0, 0, 1, 0),
     # ISR: non-aggression with China only
     ("ISR", "CHN", 2010, 0, 0, 0, 1, 0), ("CHN", "ISR", 2010, 0, 0, 0, 1, 0)],
    columns=["iso3_a", "iso3_b", "year", "defense", "offense", "neutrality", "nonaggression",
             "consultation"]).assign(source="atop")


@pytest.fixture
def acon():
    con = duckdb.connect()
    con.register("alliances", ALLIANCES)
    yield con
    con.close()


def test_a_pledge_received_is_a_tie_of_the_receiver(acon):
    d = alliance_dyads(acon, (2010, 2010), ["JPN"]).set_index("partner")["value"]
    assert d["USA"] == ch.SECURITY_WEIGHTS["defense"]          # the US pledge to Japan
    assert d["CHN"] == ch.SECURITY_WEIGHTS["nonaggression"]
    assert d["USA"] > d["CHN"]
    both = alliance_dyads(acon, (2010, 2010))
    assert set(both["iso3"]) == {"USA", "JPN", "CHN", "ISR"}
    assert both.set_index(["iso3", "partner"])["value"][("USA", "JPN")] == 1.0


def test_obligation_weights_order_and_override():
    w = ch.SECURITY_WEIGHTS
    assert w["defense"] == w["offense"] > w["neutrality"] > w["nonaggression"]
    assert w["neutrality"] > w["consultation"]
    f = pd.DataFrame({"defense": [1, 0, 0, 0], "offense": [0, 0, 0, 0],
                      "neutrality": [0, 1, 0, 0], "nonaggression": [0, 1, 1, 0],
                      "consultation": [1, 0, 1, 1]})
    assert ch.alliance_strength(f).tolist() == [w["defense"], w["neutrality"],
                                                max(w["nonaggression"], w["consultation"]),
                                                w["consultation"]]
    flat = ch.alliance_strength(f, ch.SECURITY_WEIGHTINGS["flat"])
    assert flat.tolist() == [1.0, 0.5, 0.5, 0.25]
    assert ch.alliance_strength(f, ch.SECURITY_WEIGHTINGS["military"]).tolist() == [1, 0, 0, 0]


def test_security_channel_needs_a_tie_of_neutrality_or_more_with_a_pole(acon):
    d = alliance_dyads(acon, (2010, 2010))
    units = security_units(d, MEM)
    assert set(units["iso3"]) == {"JPN"}   # ISR: non-aggression with China only; USA: self
    fw = ch.SECURITY_WEIGHTINGS["flat"]
    flat = security_units(alliance_dyads(acon, (2010, 2010), weights=fw), MEM, fw)
    assert "ISR" in set(flat["iso3"])      # non-aggression weighs as much as neutrality there


def test_every_reading_at_once_equals_leaving_each_member_out():
    ctx = sv.context_pole_votes(V, MEM[["pole", "iso3"]])
    key = ["rcid", "pole", "vote"]
    for s in ["", *MEM["iso3"]]:
        got = ctx[ctx["ctx"] == s][key].sort_values(key).reset_index(drop=True)
        want = (sv.pole_votes(V, MEM[["pole", "iso3"]], exclude=s or None)[key]
                .sort_values(key).reset_index(drop=True))
        pd.testing.assert_frame_equal(got, want, check_dtype=False)
