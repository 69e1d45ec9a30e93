"""Ideal points on the real votes: the cached default estimate, the CLI, face validity."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import pandas as pd
from typer.testing import CliRunner

from multivector.cli import app

runner = CliRunner()


def _points(path) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("SELECT * FROM idealpoints WHERE key = 'default'").df()


def test_default_estimate_is_built_with_the_warehouse(built_warehouse):
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        fit = con.execute("SELECT * FROM idealpoint_fits WHERE key = 'default'").df()
        n_cast = con.execute("SELECT count(DISTINCT (iso3, session)) FROM unga_votes "
                             "JOIN unga_rollcalls USING (rcid) WHERE vote <= 3").fetchall()[0][0]
    assert len(fit) == 1 and bool(fit["converged"].iloc[0])
    ip = _points(built_warehouse)
    # nearly every state-session with a vote has an ideal point (those voting only on
    # unanimous roll calls have none)
    assert 0.97 * n_cast <= len(ip) <= n_cast
    assert ip["session"].min() == 1 and ip["session"].max() == 78
    assert (ip["lo"] < ip["theta"]).all() and (ip["theta"] < ip["hi"]).all()


def test_face_validity(built_warehouse):
    ip = _points(built_warehouse).set_index(["iso3", "session"])["theta"]
    # the United States and Israel at one end, today's Russia, China, Iran, Cuba at the other
    for s in (75, 78):
        assert ip[("USA", s)] > ip[("ISR", s)] > 0
        for other in ("RUS", "CHN", "IRN", "CUB", "PRK", "SYR"):
            assert ip[(other, s)] < 0
    # the Soviet-era bloc: the USSR, Ukraine and Belarus (UN members from 1946) far from the US
    for s in (10, 25, 40):
        for state in ("RUS", "UKR", "BLR", "POL"):
            assert ip[(state, s)] < ip[("USA", s)] - 1.5
    # after 1991: the Baltic states move to the western side, Central Asia stays apart
    for state in ("EST", "LVA", "LTU"):
        assert ip[(state, 75)] > 0
    for state in ("KAZ", "UZB", "KGZ", "TJK", "TKM"):
        assert ip[(state, 75)] < ip[("EST", 75)] - 0.5
    # Ukraine's turn west after 2014
    assert ip[("UKR", 77)] - ip[("UKR", 67)] > 0.3


def test_idealpoints_cli_reads_the_cache(warehouse_env):
    res = runner.invoke(app, ["idealpoints", "--years", "1992-2024", "-c", "KAZ", "-c", "USA",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    assert list(df.columns) == ["iso3", "session", "year", "theta", "lo", "hi"]
    assert set(df["iso3"]) == {"KAZ", "USA"}
    assert df["year"].min() >= 1992 and df["year"].max() <= 2024
    ip = _points(warehouse_env).set_index(["iso3", "session"])
    kaz = df[df.iso3 == "KAZ"].set_index("session")["theta"]
    assert np.allclose(kaz.to_numpy(), ip.loc["KAZ"].loc[kaz.index, "theta"].to_numpy())


def test_alignment_by_idealpoint_distance(warehouse_env):
    res = runner.invoke(app, ["alignment", "KAZ", "--measure", "idealpoint_distance",
                              "--years", "2010-2024", "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    ip = _points(warehouse_env).set_index(["iso3", "session"])["theta"]
    row = df[(df.pole == "USA") & (df.session == 70)].iloc[0]
    assert abs(row["value"] - abs(ip[("KAZ", 70)] - ip[("USA", 70)])) < 1e-9
    assert (df["lo"] <= df["value"]).all() and (df["value"] <= df["hi"]).all()
    # Kazakhstan sits far closer to China and Russia than to the United States
    last = df[df.session == df.session.max()].set_index("pole")["value"]
    assert last["CHN"] < last["USA"] and last["RUS"] < last["USA"]


def test_other_settings_are_fitted_once_and_cached(built_warehouse, tmp_path, monkeypatch,
                                                   mirror):
    """Cached in a file beside the warehouse (one per settings key), never in the warehouse."""
    import hashlib
    import shutil

    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, copy)
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    monkeypatch.setenv("MULTIVECTOR_WAREHOUSE", str(copy))
    args = ["idealpoints", "--mode", "binary", "--fit-sessions", "70-78", "--years",
            "2015-2024", "--format", "csv"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    (cache,) = (tmp_path / "warehouse.duckdb.idealpoints").iterdir()
    with duckdb.connect(str(cache), read_only=True) as con:
        fits = con.execute("SELECT key, settings, built_at FROM idealpoint_fits").df()
    assert len(fits) == 1 and '"mode": "binary"' in fits["settings"].item()
    assert cache.name == f"{fits['key'].item()}.duckdb"
    second = runner.invoke(app, args)
    assert second.stdout == first.stdout
    with duckdb.connect(str(cache), read_only=True) as con:
        again = con.execute("SELECT key, built_at FROM idealpoint_fits").df()
    assert again.set_index("key")["built_at"].equals(fits.set_index("key")["built_at"])
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    df = pd.read_csv(io.StringIO(first.stdout))
    assert df["year"].between(2015, 2023).all() and len(df) > 150 * 8
