"""Balance, sensitivity and ranks on the real warehouse (issue 6). Skips without the mirror."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from multivector.analysis import sensitivity
from multivector.analysis.balance import focal_balance, focal_shares
from multivector.analysis.options import BalanceOptions
from multivector.analysis.panel.shares import all_shares
from multivector.core import poles
from multivector.measures import balance as bal
from multivector.measures.decomposition import decompose

pytestmark = pytest.mark.mirror
YEARS = (2009, 2010)


@pytest.fixture(scope="module")
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def run(con):
    return sensitivity.run(con, YEARS, draws=8, seed=3)


def test_sensitivity_covers_every_scenario_and_weighting(run):
    s = run.settings
    # 2 pole sets x (3 vote measures x 3 subsets + ideal points once) x 4 security
    # channels (obligation, flat, with_arms, arms) = 80 scenarios
    assert s["n_scenarios"] == 80
    sc = run.scenarios
    assert sc.groupby(["pole_set", "measure", "subset", "security"]).ngroups == 80
    summ = run.summary
    assert summ["n_runs"].max() == 80 * (8 + 1)
    ordered = ["evenness_min", "evenness_p05", "evenness_median", "evenness_p95",
               "evenness_max"]
    vals = summ[ordered].to_numpy()
    assert (np.diff(vals, axis=1) >= -1e-12).all()
    # a state-year the defaults leave without a composite (too few channels: Andorra has no
    # security channel under the obligation weights) has one under other choices only
    dflt = summ[summ["evenness"].notna()]
    assert ((dflt["evenness"] >= dflt["evenness_min"] - 1e-12)
            & (dflt["evenness"] <= dflt["evenness_max"] + 1e-12)).all()
    assert (summ.loc[summ["evenness"].isna(), "n_runs"] < summ["n_runs"].max()).all()
    assert (summ["rank_min"] >= 1).all() and (summ["rank_max"] <= summ["n_states"]).all()
    assert len(summ) > 150 and set(summ["year"]) == set(range(*YEARS)) | {YEARS[1]}


def test_default_scenario_is_what_balance_and_rank_say(con, run):
    kaz = run.summary[(run.summary["iso3"] == "KAZ") & (run.summary["year"] == 2010)].iloc[0]
    b = focal_balance(con, "KAZ", YEARS, poles.load_pole_set("core"),
                      options=BalanceOptions(n_boot=0))
    series = b[(b["channel"] == "composite") & (b["year"] == 2010)].iloc[0]
    # the ranking puts every state on the year's ranking set, the same for all of them
    sh = all_shares(con, poles.load_pole_set("core"), (2010, 2010))
    allb, missing, sets = bal.ranking_balance(sh)
    c = allb[allb["channel"] == "composite"]
    assert c["channels"].nunique() == 1 and kaz["channels"] == c["channels"].iloc[0]
    comp = c[c["iso3"] == "KAZ"].iloc[0]
    assert kaz["evenness"] == pytest.approx(comp["evenness"])
    expected = int((c["evenness"] > comp["evenness"] + 1e-12).sum()) + 1
    assert kaz["rank"] == expected
    assert kaz["n_states"] == len(c)
    # the series composite is on the state's own set; equal when the sets agree
    if series["channels"] == comp["channels"]:
        assert series["evenness"] == pytest.approx(comp["evenness"])
    assert not set(missing["iso3"]) & set(c["iso3"])


def test_one_at_a_time_ranges(run):
    f = run.factors
    assert set(f["factor"]) == {"pole_set", "measure", "subset", "security"}
    assert (f["evenness_range"] >= 0).all() and (f["rank_range"] >= 0).all()
    lev = f.groupby("factor")["levels"].max().to_dict()
    assert lev == {"pole_set": 2, "measure": 4, "subset": 3, "security": 4}
    # each range is within the overall range of the defaults' weighting
    sc = run.scenarios
    k = sc[(sc["iso3"] == "KAZ") & (sc["year"] == 2010)]
    m = k[(k["pole_set"] == "core") & (k["subset"] == "all")
          & (k["security"] == "obligation")]["evenness"]
    got = f[(f["iso3"] == "KAZ") & (f["year"] == 2010) & (f["factor"] == "measure")]
    assert got["evenness_range"].item() == pytest.approx(m.max() - m.min())
    # the security weighting moves Kazakhstan's composite: its security channel changes
    d = k[(k["pole_set"] == "core") & (k["measure"] == "split") & (k["subset"] == "all")]
    sec = f[(f["iso3"] == "KAZ") & (f["year"] == 2010) & (f["factor"] == "security")]
    assert sec["evenness_range"].item() == pytest.approx(d["evenness"].max()
                                                         - d["evenness"].min())
    # ... when security is in the year's ranking set; otherwise it cannot move it at all
    if "security" in run.settings["sets"][2010]:
        assert sec["evenness_range"].item() > 0
    else:
        assert sec["evenness_range"].item() == 0


def test_focal_balance_intervals_and_decomposition(con):
    ps = poles.load_pole_set("core")
    b = focal_balance(con, "KAZ", (2005, 2010), ps,
                      options=BalanceOptions(n_boot=200))
    assert set(b["channel"]) >= {"unga", "exports", "imports", "composite"}
    ok = b.dropna(subset=["lo", "hi"])
    assert set(ok["channel"]) >= {"unga", "exports", "imports", "composite"}
    assert (ok["lo"] <= ok["hi"]).all()
    assert ((ok["lo"] >= 0) & (ok["hi"] <= 1)).all()
    # the UNGA interval comes from resampled roll calls: it has width and holds the point
    u = ok[ok["channel"] == "unga"]
    assert ((u["hi"] - u["lo"]) > 0).all()
    assert ((u["evenness"] >= u["lo"] - 0.02) & (u["evenness"] <= u["hi"] + 0.02)).all()
    # trade: the reporter's and the partners' figures bound the interval, one of them is it
    t = ok[ok["channel"] == "exports"]
    at_end = np.isclose(t["evenness"], t["lo"]) | np.isclose(t["evenness"], t["hi"])
    assert at_end.all()
    sh = focal_shares(con, "KAZ", (2005, 2010), ps)
    cset = b.attrs["channel_set"]
    assert cset.run == (2005, 2010)
    assert set(b.loc[b["channel"] == "composite", "channels"]) == {",".join(cset.channels)}
    dec = decompose(sh, "KAZ", 2005, 2010, channels=cset.channels)
    c = b[b["channel"] == "composite"].set_index("year")["evenness"]
    assert dec.attrs["evenness0"] == pytest.approx(c[2005])
    assert dec.attrs["evenness1"] == pytest.approx(c[2010])
    assert dec["contribution"].sum() == pytest.approx(c[2010] - c[2005], abs=1e-12)


def test_wide_poles_and_the_state_as_its_own_pole(con):
    sh = all_shares(con, poles.load_pole_set("wide"), (2009, 2010), ["TUR", "USA"])
    b = bal.balance(sh)
    b = b[b["year"] == 2010]
    comp = b[b["channel"] == "composite"].set_index("iso3")
    # Türkiye is a pole of the wide set: it is measured over the eight others
    assert comp.loc["TUR", "n_poles"] == 8
    assert comp.loc["USA", "n_poles"] == 8
    assert isinstance(comp.loc["TUR", "channels"], str)


def test_rank_command_orders_states(con, warehouse_env):
    from typer.testing import CliRunner

    from multivector.cli import app

    res = CliRunner().invoke(app, ["rank", "--year", "2010", "--format", "csv"])
    assert res.exit_code == 0, res.output
    import io

    frame = pd.read_csv(io.StringIO(res.stdout))
    ranked = frame[frame["rank"].notna()]
    assert ranked["rank"].is_monotonic_increasing
    assert ranked["evenness"].is_monotonic_decreasing
    assert ranked["rank"].iloc[0] == 1 and len(ranked) == ranked["n_states"].iloc[0] > 150
    assert ranked["channels"].nunique() == 1  # one channel set for the whole ranking
    # the states not ranked come last, each with the channel it lacks
    rest = frame[frame["rank"].isna()]
    assert (rest.index > ranked.index.max()).all()
    assert rest["reason"].str.startswith("no data: ").all()
