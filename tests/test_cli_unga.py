"""The UNGA commands of issue 3 on the real warehouse: dyads, and alignment's options."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import pandas as pd
from typer.testing import CliRunner

from multivector.cli import app

runner = CliRunner()


def _sql(path, query, params=None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as c:
        return c.execute(query, params or []).df()


def _kappa_by_sql(path, a: str, b: str, session: int) -> float:
    """Cohen's kappa straight from the vote table: observed and chance agreement in SQL."""
    t = _sql(path, """
        SELECT x.vote AS va, y.vote AS vb FROM unga_votes x JOIN unga_votes y USING (rcid)
        JOIN unga_rollcalls r USING (rcid)
        WHERE x.iso3 = ? AND y.iso3 = ? AND r.session = ? AND x.vote <= 3 AND y.vote <= 3""",
             [a, b, session])
    p_o = float((t.va == t.vb).mean())
    p_e = sum(float((t.va == c).mean()) * float((t.vb == c).mean()) for c in (1, 2, 3))
    return (p_o - p_e) / (1 - p_e)


def test_dyads_parquet_every_pair_once(warehouse_env, tmp_path):
    out = tmp_path / "dyads.parquet"
    res = runner.invoke(app, ["dyads", "--sessions", "76-78", "--format", "parquet",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    d = pd.read_parquet(out)
    assert list(d.columns) == ["iso3_a", "iso3_b", "session", "measure", "value", "n_votes"]
    assert set(d["measure"]) == {"agreement", "agreement_half", "kappa", "pi", "s_abs", "s_sq"}
    assert (d["iso3_a"] < d["iso3_b"]).all()
    assert not d.duplicated(["iso3_a", "iso3_b", "session", "measure"]).any()
    # the number of pairs per session: states that voted at least once, n(n-1)/2 at most
    voters = _sql(warehouse_env, """
        SELECT r.session, count(DISTINCT v.iso3) AS n FROM unga_votes v
        JOIN unga_rollcalls r USING (rcid) WHERE v.vote <= 3 AND r.session BETWEEN 76 AND 78
        GROUP BY r.session""").set_index("session")["n"]
    pairs = d[d["measure"] == "agreement"].groupby("session").size()
    for s, n in voters.items():
        assert 0.95 * n * (n - 1) / 2 <= pairs[s] <= n * (n - 1) / 2
    k = d[(d.iso3_a == "KAZ") & (d.iso3_b == "RUS") & (d.session == 77)
          & (d.measure == "kappa")]["value"].item()
    assert abs(k - _kappa_by_sql(warehouse_env, "KAZ", "RUS", 77)) < 1e-9


def test_dyads_subset_and_bad_range(warehouse_env, tmp_path):
    res = runner.invoke(app, ["dyads", "--sessions", "70", "--measure", "agreement",
                              "--issue", "me", "--format", "csv", "--out",
                              str(tmp_path / "me.csv")])
    assert res.exit_code == 0, res.output
    me = pd.read_csv(tmp_path / "me.csv")
    n_me = _sql(warehouse_env, "SELECT count(*) AS n FROM unga_rollcalls WHERE session = 70 "
                               "AND me")["n"].item()
    assert 0 < me["n_votes"].max() <= n_me
    bad = runner.invoke(app, ["dyads", "--sessions", "78-70"])
    assert bad.exit_code == 1 and "sessions" in bad.output


def test_alignment_kappa_majority_and_wide(warehouse_env):
    res = runner.invoke(app, ["alignment", "KAZ", "--poles", "wide", "--measure", "kappa",
                              "--years", "2015-2023", "--boot", "300", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert set(df["pole"]) == {"USA", "EU", "CHN", "RUS", "TUR", "GCC", "JPN", "KOR", "IND"}
    assert (df["measure"] == "kappa").all() and df["value"].between(-1, 1).all()
    rus70 = df[(df.pole == "RUS") & (df.session == 70)]["value"].item()
    assert abs(rus70 - _kappa_by_sql(warehouse_env, "KAZ", "RUS", 70)) < 1e-9

    maj = runner.invoke(app, ["alignment", "KAZ", "--measure", "agreement", "--bloc",
                              "majority", "--years", "2015-2023", "--boot", "0", "--format",
                              "csv"])
    mean = runner.invoke(app, ["alignment", "KAZ", "--measure", "agreement", "--years",
                               "2015-2023", "--boot", "0", "--format", "csv"])
    a = pd.read_csv(io.StringIO(maj.stdout)).query("pole == 'EU'").set_index("session")
    b = pd.read_csv(io.StringIO(mean.stdout)).query("pole == 'EU'").set_index("session")
    assert a["lo"].isna().all()  # --boot 0: no interval
    # the EU majority position, computed in SQL for session 75 (members of 2020)
    votes = _sql(warehouse_env, """
        SELECT v.rcid, v.iso3, v.vote FROM unga_votes v JOIN unga_rollcalls r USING (rcid)
        WHERE r.session = 75 AND v.vote <= 3 AND (v.iso3 = 'KAZ' OR v.iso3 IN (
            SELECT iso3 FROM blocs WHERE bloc = 'EU' AND 2020 BETWEEN from_year AND to_year))""")
    eu = votes[votes.iso3 != "KAZ"].groupby(["rcid", "vote"]).size().unstack(fill_value=0)
    top = eu.max(axis=1)
    unique = (eu.eq(top, axis=0)).sum(axis=1) == 1
    majority = eu[unique].idxmax(axis=1)
    kaz = votes[votes.iso3 == "KAZ"].set_index("rcid")["vote"]
    joint = kaz.index.intersection(majority.index)
    expected = float((kaz[joint] == majority[joint]).mean())
    assert abs(a.loc[75, "value"] - expected) < 1e-9
    assert a.loc[75, "n_votes"] == len(joint)
    # majority and mean are different readings (they differ in most sessions)
    assert (np.abs(a["value"] - b["value"]) > 1e-6).mean() > 0.5


def test_alignment_by_calendar_year(warehouse_env):
    res = runner.invoke(app, ["alignment", "KAZ", "--by", "year", "--years", "2019-2021",
                              "--boot", "0", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert sorted(df["year"].unique()) == [2019, 2020, 2021] and df["session"].isna().all()
    direct = _sql(warehouse_env, """
        SELECT count(*) FILTER (a.vote = b.vote) / count(*) AS v FROM unga_votes a
        JOIN unga_votes b USING (rcid) JOIN unga_rollcalls r USING (rcid)
        WHERE a.iso3 = 'KAZ' AND b.iso3 = 'USA' AND r.year = 2020 AND a.vote <= 3
          AND b.vote <= 3""")["v"].item()
    assert abs(df[(df.pole == "USA") & (df.year == 2020)]["value"].item() - direct) < 1e-9
