"""The national trade statistics against the real published files and in the built warehouse.

Each expected value is read from the raw file's cells here (xlrd, csv, openpyxl, by the cell's
label, independently of the parser) or is a number the office published, quoted below.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.sources import national_trade as nt
from multivector.sources.fetch import fetch
from multivector.sources.registry import get_source

pytestmark = pytest.mark.mirror
runner = CliRunner()


def _paths(source: str) -> list[Path]:
    return [fetch(f) for f in get_source(source).files]


def _kaz_cell(path: Path, sheet: str, label: str, col: int) -> float:
    import xlrd

    sh = xlrd.open_workbook(str(path)).sheet_by_name(sheet)
    (hit,) = [sh.cell_value(i, col) for i in range(sh.nrows)
              if str(sh.cell_value(i, 0)).strip() == label]
    return float(hit)


def test_kazakhstan_totals_partners_and_latest_release(mirror):
    paths = {p.name: p for p in _paths("kaz_stat")}
    f = nt.read_national("kaz_stat", list(paths.values()))
    assert sorted(f["year"].unique()) == list(range(2018, 2024))
    tot = f[f["partner_kind"] == "total"].set_index(["year", "flow"])["value_usd_m"]
    rel23 = paths["Основные показатели внешней торговли по странам_2023.xls"]
    # BNS, 2023 release: exports US$79.1 bn, imports US$60.4 bn (thousand US$ in column D/F)
    assert tot[(2023, "exports")] == pytest.approx(_kaz_cell(rel23, "2023", "Всего", 3) / 1e3)
    assert tot[(2023, "exports")] == pytest.approx(79138.75, abs=0.01)
    assert tot[(2023, "imports")] == pytest.approx(_kaz_cell(rel23, "2023", "Всего", 5) / 1e3)
    rus = f[(f["partner"] == "RUS") & (f["year"] == 2023)].set_index("flow")["value_usd_m"]
    assert rus["exports"] == pytest.approx(_kaz_cell(rel23, "2023", "Россия", 3) / 1e3)
    assert rus["imports"] == pytest.approx(_kaz_cell(rel23, "2023", "Россия", 5) / 1e3)
    # 2020 is printed in the 2020 and the 2021 releases: the later (revised) one is kept
    rel21 = paths["Основные показатели внешней торговли_2021.xls"]
    rel20 = paths["Основные показатели внешней торговли_2020.xls"]
    later, earlier = (_kaz_cell(p, "12_2020", "Всего", 3) for p in (rel21, rel20))
    assert later != earlier
    assert tot[(2020, "exports")] == pytest.approx(later / 1e3, rel=1e-12)
    # every partner is read once: states add up to the published total (rounding only)
    states = f[f["partner_kind"].isin(["state", "historical", "residual"])]
    sums = states.groupby(["year", "flow"])["value_usd_m"].sum()
    np.testing.assert_allclose(sums.to_numpy(), tot.loc[sums.index].to_numpy(), rtol=1e-4)


def test_uzbekistan_flows_and_published_totals(mirror):
    paths = _paths("uzb_stat")
    f = nt.read_national("uzb_stat", paths)
    sums = f.groupby(["year", "flow"])["value_usd_m"].sum()
    # Statistics Agency: 2019 exports US$17.46 bn, imports US$24.29 bn (dataset 1105, 1176)
    assert sums[(2019, "exports")] == pytest.approx(17458.7, abs=0.1)
    assert sums[(2019, "imports")] == pytest.approx(24292.3, abs=0.1)
    (exp,) = [p for p in paths if p.name == "sdmx_data_1105.csv"]
    with exp.open(encoding="utf-8-sig") as fh:
        (raw,) = [r for r in csv.DictReader(fh) if r["Klassifikator_en"] == "China"]
    chn = f[(f["partner"] == "CHN") & (f["flow"] == "exports")].set_index("year")["value_usd_m"]
    assert chn[2023] == pytest.approx(float(raw["2023"]) / 1e3)
    assert len(chn) == 14 and (f["partner_kind"] != "aggregate").all()


def test_kyrgyzstan_totals_and_provisional_year(mirror):
    import openpyxl

    paths = _paths("kgz_stat")
    f = nt.read_national("kgz_stat", paths)
    assert f["year"].min() == 1994 and f["year"].max() == 2023
    (imp,) = [p for p in paths if "импорта" in p.name]
    ws = openpyxl.load_workbook(imp, read_only=True, data_only=True).worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True)]
    years = [str(c).split()[0] if c is not None else None for c in rows[2]]
    (china,) = [r for r in rows if r[2] == "China"]
    col = years.index("2022")
    got = f[(f["partner"] == "CHN") & (f["flow"] == "imports")].set_index("year")["value_usd_m"]
    assert got[2022] == pytest.approx(china[col] / 1e3)
    tot = f[f["partner_kind"] == "total"].set_index(["year", "flow"])
    # NSC: 2023 imports 12,351,968.1 thousand US$, marked preliminary
    assert tot.loc[(2023, "imports"), "value_usd_m"] == pytest.approx(12351.968, abs=0.001)
    assert bool(tot.loc[(2023, "imports"), "provisional"])
    assert not tot.loc[(2022, "imports"), "provisional"]


def _csv(args: list[str]) -> pd.DataFrame:
    res = runner.invoke(app, [*args, "--format", "csv"])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout), keep_default_na=False, na_values=[""])


@pytest.mark.parametrize(("iso3", "source"), [("KAZ", "kaz_stat"), ("UZB", "uzb_stat"),
                                              ("KGZ", "kgz_stat")])
@pytest.mark.parametrize("channel", ["exports", "imports"])
def test_shares_after_dots_come_from_national_statistics(warehouse_env, iso3, source, channel):
    f = _csv(["shares", iso3, "--channel", channel, "--poles", "core", "--years", "2018-2023"])
    by_year = f.groupby("year")["source"].agg(set)
    assert all(by_year[y] == {"dots"} for y in (2018, 2019, 2020))
    assert all(by_year[y] == {source} for y in (2021, 2022, 2023))
    breaks = f.groupby("year")["series_break"].first().fillna("")
    assert breaks[2021] == f"dots -> {source}"
    assert (breaks.drop(2021) == "").all()
    np.testing.assert_allclose(f.groupby("year")["share"].sum().to_numpy(), 1.0, atol=1e-9)


def test_kaz_2022_russia_share_is_the_published_share(warehouse_env):
    # BNS 2022 release, column E: Russia 10.74721% of exports (the Bureau's own share)
    f = _csv(["shares", "KAZ", "--channel", "exports", "--years", "2022"])
    (rus,) = f.loc[f["pole"] == "RUS", "share"]
    assert rus == pytest.approx(0.1074721, abs=1e-6)


def test_trade_by_partner_shows_dots_and_national_side_by_side(warehouse_env):
    f = _csv(["trade", "KAZ", "--by", "partner", "--years", "2019-2021"])
    assert {"dots_usd_m", "national_usd_m", "mirror_usd_m", "gap", "national_gap"} <= set(f)
    rus19 = f[(f["partner"] == "RUS") & (f["year"] == 2019) & (f["flow"] == "exports")].iloc[0]
    assert rus19["source"] == "dots" and rus19["dots_usd_m"] > 0
    assert rus19["national_usd_m"] == pytest.approx(5670.90338551)  # BNS 2020 release
    rus21 = f[(f["partner"] == "RUS") & (f["year"] == 2021) & (f["flow"] == "exports")].iloc[0]
    assert rus21["source"] == "kaz_stat" and pd.isna(rus21["dots_usd_m"])
    assert rus21["value_usd_m"] == pytest.approx(rus21["national_usd_m"])


def test_eurostat_eu_exports_in_dollars(warehouse_env):
    import duckdb

    (path,) = [fetch(f) for f in get_source("eurostat_eu_exports").files
               if "08_31_46" in f.mirror_path]  # the 2023 extract
    with path.open(encoding="utf-8-sig") as fh:
        (raw,) = [r for r in csv.DictReader(fh) if r["PARTNER"] == "Kazakhstan"]
    con = duckdb.connect(str(warehouse_env), read_only=True)
    rate = con.execute("SELECT value FROM indicators WHERE indicator = 'pa.nus.fcrf' AND "
                       "code = 'EMU' AND year = 2023").fetchone()[0]
    got = con.execute("SELECT value_eur, value_usd_m FROM trade_eurostat WHERE partner = 'KAZ' "
                      "AND year = 2023").fetchall()
    years = con.execute("SELECT min(year), max(year), count(DISTINCT year) FROM trade_eurostat"
                        ).fetchone()
    con.close()
    assert got == [(pytest.approx(float(raw["VALUE_IN_EUR"])),
                    pytest.approx(float(raw["VALUE_IN_EUR"]) / rate / 1e6))]
    assert 0.9 < rate < 0.95  # WDI: 0.9248 euros per US$ in 2023
    assert years == (2010, 2023, 14)
