"""Agreement in the warehouse against Voeten's agreement hand-computed from the raw files.

Voeten's agreement of two states in a session is the share of roll calls, among those where
both cast yes, abstain or no, on which they cast the same vote (docs/methods.md). Here it is
computed straight from the mirror's files, without the project's parsers: from the long release
(``UNVotesPublished.RData``, COW codes) for sessions 10, 30, 64 and 66, and from the unvotes
package (``un_votes``/``un_roll_calls``, ISO2 codes, whole-resolution votes: no paragraph or
amendment flag) for sessions 71 and 72, where the long release has ended. The warehouse's
agreement, from ``unga_votes`` and ``unga_rollcalls`` through
:func:`multivector.measures.similarity.crosstab_counts`, must give the same.

Before the warehouse kept to Voeten's set of roll calls, sessions 52-67 and 71-72 also counted
the package's votes on separate paragraphs and amendments, which the long release leaves out:
US agreement with Russia in session 64 was 0.267 instead of Voeten's 0.188.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyreadr
import pytest

from multivector.measures.similarity import agreement, crosstab_counts
from multivector.sources.registry import get_source

COW = {"USA": 2, "RUS": 365, "CHN": 710, "FRA": 220, "KAZ": 705}
ISO2 = {"USA": "US", "RUS": "RU", "CHN": "CN", "FRA": "FR", "KAZ": "KZ"}
LONG_SESSIONS = (10, 30, 64, 66)
PKG_SESSIONS = (71, 72)
PAIRS = [("USA", "RUS"), ("USA", "CHN"), ("USA", "FRA"), ("USA", "KAZ"), ("RUS", "CHN")]


def _share_same(a: pd.Series, b: pd.Series) -> tuple[float, int]:
    """Share of identical votes over the roll calls where both cast 1-3 (indexed by rcid)."""
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    both = both[both.isin([1, 2, 3]).all(axis=1)]
    return float((both.iloc[:, 0] == both.iloc[:, 1]).mean()), len(both)


@pytest.fixture(scope="module")
def raw(built_warehouse):
    """The raw long release and package tables, read once (``built_warehouse`` skips without
    the mirror)."""
    from conftest import MIRROR

    mirror = MIRROR
    long_src, pkg_src = get_source("unga_long"), get_source("unga_pkg")
    x = pyreadr.read_r(str(mirror / long_src.file("UNVotesPublished.RData").mirror_path))["x"]
    votes = pyreadr.read_r(str(mirror / pkg_src.file("un_votes.rda").mirror_path))["un_votes"]
    rolls = pyreadr.read_r(str(mirror / pkg_src.file("un_roll_calls.rda").mirror_path))[
        "un_roll_calls"]
    return x, votes, rolls


def _hand_long(x: pd.DataFrame, session: int, a: str, b: str) -> tuple[float, int]:
    s = x[x["session"] == session]

    def one(iso: str) -> pd.Series:
        return s[s["ccode"] == COW[iso]].set_index("rcid")["vote"].astype(float)

    return _share_same(one(a), one(b))


def _hand_pkg(votes: pd.DataFrame, rolls: pd.DataFrame, session: int, a: str,
              b: str) -> tuple[float, int]:
    def flag(col: str) -> pd.Series:  # "1", "0", with stray quotes in places
        return rolls[col].astype(str).str.contains("1")

    whole = rolls[(rolls["session"] == session) & ~flag("para") & ~flag("amend")]["rcid"]
    v = votes[votes["rcid"].isin(whole)].assign(
        code=votes["vote"].astype(str).map({"yes": 1, "abstain": 2, "no": 3}))

    def one(iso: str) -> pd.Series:
        return v[v["country_code"] == ISO2[iso]].set_index("rcid")["code"].astype(float)

    return _share_same(one(a), one(b))


@pytest.fixture(scope="module")
def warehouse_agreement(request):
    path = request.getfixturevalue("built_warehouse")
    with duckdb.connect(str(path), read_only=True) as con:
        sessions = LONG_SESSIONS + PKG_SESSIONS
        rc = con.execute("SELECT rcid, session FROM unga_rollcalls WHERE session IN "
                         f"{sessions}").df()
        votes = con.execute("SELECT v.rcid, v.iso3, v.vote FROM unga_votes v JOIN "
                            f"unga_rollcalls r USING (rcid) WHERE r.session IN {sessions} "
                            "AND v.iso3 IN ('USA', 'RUS', 'CHN', 'FRA', 'KAZ')").df()
    counts = crosstab_counts(votes, rc)
    return counts.assign(agreement=agreement(counts)).set_index(
        ["iso3_a", "iso3_b", "session"])


@pytest.mark.parametrize("session", LONG_SESSIONS + PKG_SESSIONS)
@pytest.mark.parametrize("pair", PAIRS)
def test_agreement_matches_hand_computed_from_raw_file(raw, warehouse_agreement, session,
                                                       pair, mirror):
    x, votes, rolls = raw
    a, b = pair
    if session in LONG_SESSIONS:
        expected, n = _hand_long(x, session, a, b)
    else:
        expected, n = _hand_pkg(votes, rolls, session, a, b)
    if n == 0:  # Kazakhstan before 1992, the People's Republic of China before 1971
        assert (a, b, session) not in warehouse_agreement.index
        return
    row = warehouse_agreement.loc[(a, b, session)]
    assert int(row["n_votes"]) == n
    assert row["agreement"] == pytest.approx(expected, abs=1e-12)


def test_sessions_of_the_long_release_hold_its_roll_calls_only(built_warehouse, raw, mirror):
    """For sessions 1-70 the warehouse's roll calls are exactly the long release's; what the
    package adds there (paragraph and amendment votes, repeats) is listed as excluded."""
    x, _, rolls = raw
    long_ids = set(x["rcid"].astype(int))
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        kept = set(con.execute("SELECT rcid FROM unga_rollcalls WHERE session <= 70")
                   .df()["rcid"])
        excl = con.execute("SELECT * FROM unga_rollcalls_excluded").df()
    assert kept == long_ids
    pkg_only = set(rolls["rcid"].astype(int)) - long_ids
    early = excl[excl["session"] <= 70]
    assert set(early["rcid"]) == {r for r in pkg_only
                                  if int(rolls.loc[rolls["rcid"] == r, "session"].iloc[0]) <= 70}
    assert early["reason"].value_counts().to_dict() == {
        "paragraph": 301, "not in the long release": 30, "amendment": 14}
    late = excl[excl["session"] > 70]
    assert set(late["reason"]) == {"paragraph", "amendment"}
    assert len(late) == 73
