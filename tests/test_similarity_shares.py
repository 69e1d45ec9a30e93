"""Vote cross-tabulation and agreement; trade shares by pole; pole alignment."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from multivector.core import poles
from multivector.measures import alignment, shares, similarity
from multivector.measures.similarity import PAIR_COLUMNS

# --------------------------------------------------------------------------- hand example

# rcid -> session; votes per state (absent key = no row at all)
ROLLCALLS = pd.DataFrame({"rcid": [1, 2, 3, 4, 5, 6], "session": [70, 70, 70, 70, 71, 71],
                          "year": [2015, 2015, 2016, 2016, 2016, 2016]})
VOTES = {
    "USA": {1: 1, 2: 3, 3: 1, 4: 9, 5: 1, 6: 2},
    "RUS": {1: 1, 2: 1, 3: 8, 4: 2, 5: 3, 6: 3},
    "KAZ": {1: 1, 2: 2, 3: 3, 4: 2, 5: 8, 6: 9},  # only absences in session 71
    "ATL": {1: 8, 2: 9, 3: 8, 4: 8, 5: 9, 6: 8},  # never casts a vote
}


def _votes_frame(votes: dict[str, dict[int, int]]) -> pd.DataFrame:
    rows = [(rc, iso, v) for iso, vs in votes.items() for rc, v in vs.items()]
    return pd.DataFrame(rows, columns=["rcid", "iso3", "vote"])


def _counts(**cells) -> dict[str, int]:
    out = dict.fromkeys(PAIR_COLUMNS, 0)
    out.update(cells)
    return out


# by hand, session 70:
#   USA-RUS joint on rc1 (1,1), rc2 (3,1)                       rc3 RUS absent, rc4 USA 9
#   USA-KAZ joint on rc1 (1,1), rc2 (3,2), rc3 (1,3)            rc4 USA 9
#   RUS-KAZ joint on rc1 (1,1), rc2 (1,2), rc4 (2,2)            rc3 RUS absent
# session 71:
#   USA-RUS joint on rc5 (1,3), rc6 (2,3); KAZ and ATL never vote
EXPECTED = {
    ("USA", "RUS", 70): _counts(n11=1, n31=1),
    ("RUS", "USA", 70): _counts(n11=1, n13=1),
    ("USA", "KAZ", 70): _counts(n11=1, n32=1, n13=1),
    ("KAZ", "USA", 70): _counts(n11=1, n23=1, n31=1),
    ("RUS", "KAZ", 70): _counts(n11=1, n12=1, n22=1),
    ("KAZ", "RUS", 70): _counts(n11=1, n21=1, n22=1),
    ("USA", "RUS", 71): _counts(n13=1, n23=1),
    ("RUS", "USA", 71): _counts(n31=1, n32=1),
}
EXPECTED_AGREEMENT = {
    ("USA", "RUS", 70): 1 / 2, ("RUS", "USA", 70): 1 / 2,
    ("USA", "KAZ", 70): 1 / 3, ("KAZ", "USA", 70): 1 / 3,
    ("RUS", "KAZ", 70): 2 / 3, ("KAZ", "RUS", 70): 2 / 3,
    ("USA", "RUS", 71): 0.0, ("RUS", "USA", 71): 0.0,
}


def _as_dict(frame: pd.DataFrame, by: str = "session") -> dict:
    return {(r["iso3_a"], r["iso3_b"], int(r[by])): {c: int(r[c]) for c in PAIR_COLUMNS}
            for _, r in frame.iterrows()}


def test_crosstab_counts_by_hand():
    got = similarity.crosstab_counts(_votes_frame(VOTES), ROLLCALLS)
    assert got.columns.tolist() == ["iso3_a", "iso3_b", "session", *PAIR_COLUMNS, "n_votes"]
    assert len(got) == len(EXPECTED)
    assert _as_dict(got) == EXPECTED
    for _, r in got.iterrows():
        assert r["n_votes"] == sum(EXPECTED[(r.iso3_a, r.iso3_b, r.session)].values())
    # absences (8) and non-membership (9) never count: ATL has no row at all,
    # KAZ none in session 71
    assert "ATL" not in set(got.iso3_a) | set(got.iso3_b)
    s71 = got[got.session == 71]
    assert "KAZ" not in set(s71.iso3_a) | set(s71.iso3_b)
    assert (got.iso3_a != got.iso3_b).all()


def test_agreement_by_hand():
    got = similarity.crosstab_counts(_votes_frame(VOTES), ROLLCALLS)
    agree = similarity.agreement(got)
    for (_, r), a in zip(got.iterrows(), agree, strict=True):
        assert a == pytest.approx(EXPECTED_AGREEMENT[(r.iso3_a, r.iso3_b, int(r.session))])


def test_n_votes_symmetric():
    got = similarity.crosstab_counts(_votes_frame(VOTES), ROLLCALLS)
    n = {(r.iso3_a, r.iso3_b, r.session): r.n_votes for r in got.itertuples()}
    for (a, b, s), v in n.items():
        assert n[(b, a, s)] == v
    assert n[("USA", "RUS", 70)] == 2 and n[("USA", "KAZ", 70)] == 3
    assert n[("RUS", "KAZ", 70)] == 3 and n[("USA", "RUS", 71)] == 2


def test_focal_restricts_first_state():
    votes = _votes_frame(VOTES)
    got = similarity.crosstab_counts(votes, ROLLCALLS, focal=["KAZ"])
    assert set(got.iso3_a) == {"KAZ"}
    assert _as_dict(got) == {k: v for k, v in EXPECTED.items() if k[0] == "KAZ"}
    two = similarity.crosstab_counts(votes, ROLLCALLS, focal=["KAZ", "USA"])
    assert _as_dict(two) == {k: v for k, v in EXPECTED.items() if k[0] in ("KAZ", "USA")}


def test_state_with_only_absences_has_no_rows():
    votes = _votes_frame(VOTES)
    got = similarity.crosstab_counts(votes, ROLLCALLS, focal=["ATL"])
    assert got.empty
    assert got.columns.tolist() == ["iso3_a", "iso3_b", "session", *PAIR_COLUMNS, "n_votes"]


def test_by_year():
    got = similarity.crosstab_counts(_votes_frame(VOTES), ROLLCALLS, by="year")
    d = _as_dict(got, by="year")
    # 2015: rc1, rc2; 2016: rc3..rc6
    assert d[("USA", "RUS", 2015)] == _counts(n11=1, n31=1)
    assert d[("USA", "RUS", 2016)] == _counts(n13=1, n23=1)
    assert d[("USA", "KAZ", 2016)] == _counts(n13=1)
    assert d[("RUS", "KAZ", 2016)] == _counts(n22=1)


# --------------------------------------------------------------------------- properties


def _reference(votes: pd.DataFrame, rollcalls: pd.DataFrame) -> dict:
    """Pair-by-pair count of jointly cast votes, the obvious way."""
    session_of = dict(zip(rollcalls.rcid, rollcalls.session, strict=True))
    cast: dict[tuple, dict[str, int]] = defaultdict(dict)  # (session, rcid) -> state -> vote
    for r in votes.itertuples():
        if r.vote in (1, 2, 3) and r.rcid in session_of:
            cast[(session_of[r.rcid], r.rcid)][r.iso3] = int(r.vote)
    out: dict[tuple, dict[str, int]] = {}
    for (s, _), by_state in cast.items():
        for a, va in by_state.items():
            for b, vb in by_state.items():
                if a == b:
                    continue
                cell = out.setdefault((a, b, s), dict.fromkeys(PAIR_COLUMNS, 0))
                cell[f"n{va}{vb}"] += 1
    return out


def _random_case(rng: np.random.Generator):
    n_states = int(rng.integers(2, 7))
    n_rc = int(rng.integers(1, 12))
    n_sessions = int(rng.integers(1, 4))
    iso = [f"S{i:02d}" for i in range(n_states)]
    rollcalls = pd.DataFrame({"rcid": np.arange(100, 100 + n_rc),
                              "session": rng.integers(1, 1 + n_sessions, n_rc)})
    codes = rng.choice([1, 2, 3, 8, 9, 0], size=(n_states, n_rc),
                       p=[0.3, 0.15, 0.2, 0.15, 0.1, 0.1])  # 0: no row at all
    if n_states >= 3 and rng.random() < 0.5:
        codes[1] = codes[0]  # a twin of state 0
    rows = [(100 + j, iso[i], int(codes[i, j]))
            for i in range(n_states) for j in range(n_rc) if codes[i, j] != 0]
    votes = pd.DataFrame(rows, columns=["rcid", "iso3", "vote"])
    return votes, rollcalls, codes, iso


@pytest.mark.parametrize("seed", range(8))
def test_crosstab_matches_pairwise_loop(seed):
    rng = np.random.default_rng(seed)
    for _ in range(40):
        votes, rollcalls, codes, iso = _random_case(rng)
        got = similarity.crosstab_counts(votes, rollcalls)
        ref = _reference(votes, rollcalls)
        ref = {k: v for k, v in ref.items() if sum(v.values()) > 0}
        assert _as_dict(got) == ref
        if got.empty:
            continue
        assert (got["n_votes"] == got[PAIR_COLUMNS].sum(axis=1)).all()
        agree = similarity.agreement(got)
        assert ((agree >= 0) & (agree <= 1)).all()
        for (_, r), a in zip(got.iterrows(), agree, strict=True):
            c = ref[(r.iso3_a, r.iso3_b, int(r.session))]
            assert a == pytest.approx((c["n11"] + c["n22"] + c["n33"]) / sum(c.values()))
        if (codes[1] == codes[0]).all():
            twins = got[(got.iso3_a == iso[0]) & (got.iso3_b == iso[1])]
            assert (similarity.agreement(twins) == 1.0).all()


def test_identical_vote_vectors_agree_fully():
    rng = np.random.default_rng(12345)
    for _ in range(30):
        n_rc = int(rng.integers(1, 20))
        v = rng.choice([1, 2, 3, 8, 9], size=n_rc)
        if not np.isin(v, [1, 2, 3]).any():
            v[0] = 1
        votes = pd.DataFrame([(j, s, int(v[j])) for s in ("AAA", "BBB") for j in range(n_rc)],
                             columns=["rcid", "iso3", "vote"])
        rollcalls = pd.DataFrame({"rcid": range(n_rc), "session": 1})
        got = similarity.crosstab_counts(votes, rollcalls)
        assert len(got) == 2
        assert (similarity.agreement(got) == 1.0).all()
        assert (got["n_votes"] == int(np.isin(v, [1, 2, 3]).sum())).all()


# --------------------------------------------------------------------------- trade shares


def _trade() -> pd.DataFrame:
    rows = [
        # partner, label, kind, year, flow, value
        (None, "World", "aggregate", 2019, "exports", 1000.0),
        ("CHN", "China, P.R.: Mainland", "state", 2019, "exports", 200.0),
        ("RUS", "Russian Federation", "state", 2019, "exports", 150.0),
        ("USA", "United States", "state", 2019, "exports", 50.0),
        ("DEU", "Germany", "state", 2019, "exports", 100.0),
        ("GBR", "United Kingdom", "state", 2019, "exports", 30.0),
        ("ITA", "Italy", "state", 2019, "exports", 20.0),
        ("JPN", "Japan", "state", 2019, "exports", 10.0),
        (None, "Euro Area", "aggregate", 2019, "exports", 120.0),
        (None, "Special Categories", "residual", 2019, "exports", 40.0),
        (None, "World", "aggregate", 2020, "exports", 800.0),
        ("CHN", "China, P.R.: Mainland", "state", 2020, "exports", 300.0),
        ("RUS", "Russian Federation", "state", 2020, "exports", 100.0),
        ("DEU", "Germany", "state", 2020, "exports", 60.0),
        ("GBR", "United Kingdom", "state", 2020, "exports", 40.0),  # left the EU
        ("BLX", "Belgium-Luxembourg", "group", 2020, "exports", 10.0),
        (None, "Europe not specified", "residual", 2020, "exports", 25.0),
        (None, "World", "aggregate", 2019, "imports", 500.0),
        ("CHN", "China, P.R.: Mainland", "state", 2019, "imports", 250.0),
        ("RUS", "Russian Federation", "state", 2019, "imports", 100.0),
        ("FRA", "France", "state", 2019, "imports", 50.0),
        # 2021: partners but no World total
        ("CHN", "China, P.R.: Mainland", "state", 2021, "exports", 999.0),
        ("USA", "United States", "state", 2021, "exports", 1.0),
    ]
    return pd.DataFrame(rows, columns=["partner", "partner_label", "partner_kind", "year",
                                       "flow", "value_usd_m"])


# by hand: EU 2019 = DEU + GBR + ITA; EU 2020 = DEU + BLX (GBR out); the United States is
# absent from the 2020 exports (no row: not reported, not a zero) and reported as 0.0 in the 2019
# imports; rest of world = World total minus the reported poles (residuals and Japan included)
NOT_REPORTED = None
EXPECTED_VALUES = {
    ("exports", 2019): {"USA": 50, "EU": 150, "CHN": 200, "RUS": 150, shares.REST: 450},
    ("exports", 2020): {"USA": NOT_REPORTED, "EU": 70, "CHN": 300, "RUS": 100,
                        shares.REST: 330},
    ("imports", 2019): {"USA": 0, "EU": 50, "CHN": 250, "RUS": 100, shares.REST: 100},
}
TOTALS = {("exports", 2019): 1000, ("exports", 2020): 800, ("imports", 2019): 500}


def test_trade_shares():
    membership = poles.load_pole_set("core").membership(range(2019, 2022))
    trade = pd.concat([_trade(), pd.DataFrame(
        [("USA", "United States", "state", 2019, "imports", 0.0)],
        columns=_trade().columns)], ignore_index=True)
    got = shares.trade_shares(trade, membership)
    assert got.columns.tolist() == ["pole", "year", "flow", "value_usd_m", "share",
                                    "total_usd_m", "flag"]
    by_key: dict[tuple, dict[str, float | None]] = defaultdict(dict)
    for r in got.itertuples():
        key = (r.flow, int(r.year))
        assert r.total_usd_m == TOTALS[key]
        if pd.isna(r.value_usd_m):
            by_key[key][r.pole] = NOT_REPORTED
            assert pd.isna(r.share)
            assert r.flag == "not reported"
        else:
            by_key[key][r.pole] = float(r.value_usd_m)
            assert r.share == pytest.approx(r.value_usd_m / TOTALS[key])
            assert r.flag == ""
    assert dict(by_key) == {
        k: {p: (None if x is None else float(x)) for p, x in v.items()}
        for k, v in EXPECTED_VALUES.items()}
    # shares of the reported poles and rest of world sum to 1 per year and flow
    sums = got.groupby(["flow", "year"])["share"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    # a year without a World total is absent, not filled
    assert 2021 not in set(got["year"])
    # ordered by flow, year, then pole order with rest of world last
    assert got["pole"].tolist()[:5] == ["USA", "EU", "CHN", "RUS", shares.REST]
    assert got[["flow", "year"]].drop_duplicates().apply(tuple, axis=1).tolist() == [
        ("exports", 2019), ("exports", 2020), ("imports", 2019)]


def test_trade_shares_bloc_uses_members_of_the_year():
    membership = pd.DataFrame({"pole": ["B", "B", "B"], "iso3": ["AAA", "BBB", "AAA"],
                               "year": [2000, 2000, 2001]})
    trade = pd.DataFrame({
        "partner": [None, "AAA", "BBB", None, "AAA", "BBB"],
        "partner_label": ["World", "a", "b", "World", "a", "b"],
        "partner_kind": ["aggregate", "state", "state", "aggregate", "state", "state"],
        "year": [2000, 2000, 2000, 2001, 2001, 2001],
        "flow": ["exports"] * 6,
        "value_usd_m": [10.0, 3.0, 2.0, 20.0, 4.0, 6.0],
    })
    got = shares.trade_shares(trade, membership).set_index(["pole", "year"])["value_usd_m"]
    assert got[("B", 2000)] == 5.0 and got[(shares.REST, 2000)] == 5.0
    assert got[("B", 2001)] == 4.0 and got[(shares.REST, 2001)] == 16.0


# --------------------------------------------------------------------------- alignment


def test_pole_alignment_with_real_eu_and_agreement():
    votes = _votes_frame({
        "FRA": {1: 1, 2: 1, 3: 3},
        "DEU": {1: 1, 2: 1, 3: 1},
        "GBR": {1: 1, 2: 3, 3: 3},
        "USA": {1: 3, 2: 3, 3: 3},
    })
    rollcalls = pd.DataFrame({"rcid": [1, 2, 3], "session": [74, 74, 75]})
    membership = poles.load_pole_set("core").membership([2019, 2020])
    got = alignment.pole_alignment(votes, rollcalls, "FRA", membership).set_index(
        ["pole", "session"])
    # 74 (2019): FRA-DEU 2/2, FRA-GBR 1/2 -> EU mean 0.75; FRA-USA 0/2
    assert got.loc[("EU", 74), "value"] == pytest.approx(0.75)
    assert got.loc[("EU", 74), "n_members"] == 2
    # 75 (2020): GBR is out; FRA-DEU 0/1
    assert got.loc[("EU", 75), "value"] == pytest.approx(0.0)
    assert got.loc[("EU", 75), "n_members"] == 1
    assert got.loc[("USA", 74), "value"] == pytest.approx(0.0)
    assert got.loc[("USA", 75), "value"] == pytest.approx(1.0)
    assert ("CHN", 74) not in got.index
