"""The channel, balance and power commands on the real warehouse, as a user runs them; the
stored results for every state agree with what the commands compute afresh."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app

pytestmark = pytest.mark.mirror
runner = CliRunner()


def _csv(args: list[str]) -> pd.DataFrame:
    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout), keep_default_na=False, na_values=[""])


@pytest.mark.parametrize("channel", ["exports", "imports", "security", "igo", "formats"])
def test_shares_columns_and_sums(warehouse_env, channel):
    f = _csv(["shares", "KAZ", "--channel", channel, "--years", "2005-2012"])
    extra = ["source", "series_break"] if channel in ("exports", "imports") else []
    assert list(f.columns) == ["iso3", "channel", "pole", "year", "value", "share",
                               "pole_share", "flag", *extra]
    assert set(f["channel"]) == {channel} and set(f["iso3"]) == {"KAZ"}
    sums = f.groupby("year")["share"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 1.0, atol=1e-9)
    assert "Rest of world" in set(f["pole"])
    # pole_share: of the poles' total, summing to one over the poles where all have a value
    poles = f[f["pole"] != "Rest of world"]
    assert f.loc[f["pole"] == "Rest of world", "pole_share"].isna().all()
    full = poles.groupby("year").filter(lambda g: g["share"].notna().all())
    if len(full):
        np.testing.assert_allclose(full.groupby("year")["pole_share"].sum().to_numpy(), 1.0)
        np.testing.assert_allclose(full["pole_share"], full["share"] / full.groupby("year")[
            "share"].transform("sum"))


def test_shares_minerals_and_unga(warehouse_env):
    m = _csv(["shares", "KAZ", "--channel", "minerals", "--years", "2015-2015"])
    assert {"mineral", "unit"} <= set(m.columns)
    u = m[m["mineral"] == "uranium"]
    assert u.loc[u["pole"] == "KAZ", "flag"].item() == "focal"
    assert u["share"].sum() == pytest.approx(1.0)
    g = _csv(["shares", "KAZ", "--channel", "unga", "--measure", "kappa", "--years", "2015-2016"])
    assert "Rest of world" not in set(g["pole"])
    np.testing.assert_allclose(g.groupby("year")["share"].sum().to_numpy(), 1.0)
    # the default: split-vote shares, with the number of split votes they rest on
    s = _csv(["shares", "KAZ", "--channel", "unga", "--years", "2015-2016"])
    assert "Rest of world" in set(s["pole"]) and (s["total"] >= 40).all()
    np.testing.assert_allclose(s.groupby("year")["share"].sum().to_numpy(), 1.0)
    credit = s[s["pole"] != "Rest of world"].groupby("year")["value"].sum()
    rest = s[s["pole"] == "Rest of world"].set_index("year")["value"]
    np.testing.assert_allclose((credit + rest).to_numpy(),
                               s.groupby("year")["total"].first().to_numpy())


def test_shares_rejects_bad_options(warehouse_env):
    res = runner.invoke(app, ["shares", "KAZ", "--channel", "security", "--alliances", "xyz"])
    assert res.exit_code == 1 and "--alliances must be atop or cow" in res.output


def test_concentration_command(warehouse_env):
    f = _csv(["concentration", "KAZ", "--side", "imports", "--years", "2010-2020"])
    assert list(f.columns[:10]) == ["iso3", "year", "side", "n_partners", "total", "hhi",
                                    "hhi_norm", "top1_partner", "top1_share", "top3_share"]
    assert (f["top1_share"] <= f["top3_share"]).all() and (f["hhi"] <= 1).all()
    assert (f["top1_partner"] == "RUS").mean() > 0.8  # Russia supplies most, as the IMF says


def test_balance_command_columns_tilt_and_change(warehouse_env):
    f = _csv(["balance", "KAZ", "--years", "2005-2010", "--boot", "100"])
    assert list(f.columns[:9]) == ["iso3", "year", "channel", "evenness", "hhi_norm",
                                   "dominant_pole", "dominant_share", "lo", "hi"]
    assert "composite" in set(f["channel"])
    t = _csv(["balance", "KAZ", "--years", "2010-2010", "--tilt"])
    sums = t.groupby(["year", "channel"])["clr"].sum()
    np.testing.assert_allclose(sums.to_numpy(), 0.0, atol=1e-9)  # centred log-ratios
    d = _csv(["balance", "KAZ", "--years", "2000-2010", "--change", "2000-2010"])
    comp = f[f["channel"] == "composite"].set_index("year")["evenness"]
    assert d["contribution"].sum() == pytest.approx(comp[2010] - _composite(2000), abs=1e-9)


def _composite(year: int) -> float:
    f = _csv(["balance", "KAZ", "--years", f"{year}-{year}", "--boot", "0"])
    return float(f.loc[f["channel"] == "composite", "evenness"].item())


def test_power_stored_equals_computed(warehouse_env):
    # a state's series: the stored index (one component set for every state and year) is
    # what the command computes afresh with the default weights spelled out
    stored = _csv(["power", "--country", "KAZ", "--years", "1995-2024"])
    assert list(stored.columns[:7]) == ["iso3", "year", "position", "reach", "index", "rank",
                                        "power_gap"]
    fresh = _csv(["power", "--country", "KAZ", "--years", "1995-2024", "--weights", "gdp=20"])
    m = stored.merge(fresh, on="year", suffixes=("", "_f"))
    assert len(m) == len(stored) == 30 and stored["components"].nunique() == 1
    for col in ("index", "rank", "power_gap", "rank_p05", "rank_p95"):
        np.testing.assert_allclose(m[col], m[f"{col}_f"], rtol=1e-9, err_msg=col)


def test_power_ranking_lists_the_unranked_with_the_reason(warehouse_env):
    res = runner.invoke(app, ["power", "--year", "2020", "--draws", "0", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert "components: gdp, milex, population" in res.stderr
    f = pd.read_csv(io.StringIO(res.stdout), keep_default_na=False, na_values=[""])
    ranked, skipped = f[f["not_ranked"].isna()], f[f["not_ranked"].notna()]
    assert ranked["components"].nunique() == 1 and len(ranked) > 120
    assert skipped["rank"].isna().all() and skipped["not_ranked"].str.startswith("no ").all()
    assert not set(ranked["iso3"]) & set(skipped["iso3"])
    # another set, chosen by the user, is stated and used for every ranked state
    res = runner.invoke(app, ["power", "--year", "2020", "--draws", "0", "--set",
                              "gdp,trade_share", "--format", "csv"])
    assert res.exit_code == 0 and "chosen with --set" in res.stderr
    g = pd.read_csv(io.StringIO(res.stdout), keep_default_na=False, na_values=[""])
    assert set(g.loc[g["not_ranked"].isna(), "components"]) == {"gdp,trade_share"}
    bad = runner.invoke(app, ["power", "--set", "gdp,charm"])
    assert bad.exit_code == 1 and "unknown component" in bad.output


def test_rank_stored_equals_computed(warehouse_env):
    stored = _csv(["rank", "--year", "2012"])
    fresh = _csv(["rank", "--year", "2012", "--weights",
                  "unga=1,exports=1,imports=1,security=1,igo=0.5,formats=0.5"])
    m = stored.merge(fresh, on="iso3", suffixes=("", "_f"))
    assert len(m) == len(stored) == len(fresh) > 150
    ranked = m[m["rank"].notna()]
    assert len(ranked) > 150 and (ranked["rank"] == ranked["rank_f"]).all()
    np.testing.assert_allclose(ranked["evenness"], ranked["evenness_f"], rtol=1e-12)
    rest = m[m["rank"].isna()]
    assert rest["rank_f"].isna().all() and (rest["reason"] == rest["reason_f"]).all()


def test_sensitivity_stored_equals_a_fresh_run(warehouse_env):
    from multivector.analysis import sensitivity

    stored = _csv(["sensitivity", "KAZ", "--years", "2011-2011"])
    with duckdb.connect(str(warehouse_env), read_only=True) as con:
        fresh = sensitivity.focal(sensitivity.run(con, (2011, 2011), draws=100, seed=0),
                                  "KAZ").summary
    for col in ("evenness", "rank", "evenness_p05", "evenness_p95", "rank_min", "rank_max"):
        assert stored[col].item() == pytest.approx(fresh[col].item(), rel=1e-9), col
