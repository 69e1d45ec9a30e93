"""Issue 13 sources on the real mirror: SIPRI arms register and milex workbook, Office of the
Historian travels, wiiw FDI by partner; the warehouse tables built from them.

Published values are read independently of the parsers (csv, openpyxl, ElementTree on the raw
files) or are figures the publishers state themselves.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import duckdb
import numpy as np
import pytest

from multivector.analysis.panel.power import milex_series
from multivector.core import states
from multivector.sources import sipri, sipri_milex, visits, wiiw
from multivector.sources.fetch import fetch
from multivector.sources.registry import get_source

pytestmark = pytest.mark.mirror


@pytest.fixture
def con(built_warehouse):
    c = duckdb.connect(str(built_warehouse), read_only=True)
    yield c
    c.close()


def _path(source: str, suffix: str):
    return fetch(get_source(source).file(suffix))


# --- registry --------------------------------------------------------------------------------


def test_sources_are_registered_with_licence_and_citation(mirror):
    for name, n in (("sipri_arms", 1), ("sipri_milex", 1), ("hsg_travels", 55), ("wiiw_fdi", 2)):
        src = get_source(name)
        assert len(src.files) == n, name
        assert src.citation and src.licences and all(f.sha256 for f in src.files)


# --- arms ------------------------------------------------------------------------------------


def test_arms_deal_tiv_and_yearly_spread(mirror):
    path = _path("sipri_arms", "trade-register.csv")
    with open(path, encoding="latin-1", newline="") as fh:
        raw = [r for r in csv.reader(fh) if len(r) == 16 and r[0] == "Kazakhstan"
               and r[1] == "Russia" and r[6] == "BTR-82A" and r[2] == "2012"]
    assert len(raw) == 1 and raw[0][10] == "2015; 2016; 2017" and raw[0][15] == "85.5"
    deals = sipri.read_register(path)
    d = deals[(deals["recipient_label"] == "Kazakhstan") & (deals["designation"] == "BTR-82A")
              & (deals["order_year"] == 2012)]
    assert d["tiv_delivered"].tolist() == [85.5] and d["n_delivered"].tolist() == [90]
    yearly = sipri.yearly_deliveries(d)
    assert yearly["year"].tolist() == [2015, 2016, 2017]
    assert yearly["tiv"].tolist() == pytest.approx([28.5] * 3)
    # every delivered TIV is spread, none lost or created
    all_years = sipri.yearly_deliveries(deals)
    assert all_years["tiv"].sum() == pytest.approx(deals["tiv_delivered"].sum(), rel=1e-12)
    assert len(deals) == 29515  # 29,519 lines, four deals cut in two by a line break


def test_arms_table_in_warehouse(con):
    assert con.execute("SELECT count(*) FROM unmapped WHERE source = 'sipri_arms'"
                       ).fetchone()[0] == 0
    kinds = dict(con.execute("SELECT supplier_kind, count(*) FROM arms GROUP BY 1").fetchall())
    assert set(kinds) <= {"state", "historical", "territory", "non_state", "organisation",
                          "unknown"}
    # Kazakhstan's BTR-82A deal is in its 2015 imports from Russia
    tiv = con.execute("SELECT sum(tiv) FROM arms WHERE recipient = 'KAZ' AND supplier = 'RUS' "
                      "AND year = 2015").fetchone()[0]
    assert tiv >= 28.5
    total = con.execute("SELECT sum(tiv) FROM arms").fetchone()[0]
    assert total == pytest.approx(con.execute("SELECT sum(tiv_delivered) FROM arms_deals "
                                              "WHERE delivery_years <> ''").fetchone()[0])
    assert con.execute("SELECT max(year) FROM arms").fetchone()[0] == 2024
    ussr = con.execute("SELECT DISTINCT supplier FROM arms WHERE supplier_label = "
                       "'Soviet Union'").fetchall()
    assert ussr == [("RUS",)]


# --- military expenditure --------------------------------------------------------------------


def _cell(path, sheet: str, country: str, year: int):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = list(wb[sheet].iter_rows(values_only=True))
    wb.close()
    header = next(r for r in rows if r and r[0] == "Country")
    row = next(r for r in rows if r and r[0] == country)
    return row[list(header).index(year)]


def test_milex_cells_read_independently(mirror):
    path = _path("sipri_milex", "SIPRI-Milex-data-1949-2024_2.xlsx")
    m = sipri_milex.read_milex_workbook(path).set_index(["iso3", "year"])
    kaz = _cell(path, "Constant (2023) US$", "Kazakhstan", 2024)
    assert m.loc[("KAZ", 2024), "milex_usd"] == pytest.approx(kaz * 1e6)
    assert kaz == pytest.approx(1145.03, abs=0.01)
    # SIPRI (April 2025): United States military spending of $997 billion in 2024
    assert m.loc[("USA", 2024), "milex_current_usd"] / 1e9 == pytest.approx(997.3, abs=0.05)
    share = _cell(path, "Share of GDP", "United States of America", 2024)
    assert m.loc[("USA", 2024), "share_gdp"] == pytest.approx(share * 100)
    assert 3.3 < m.loc[("USA", 2024), "share_gdp"] < 3.5  # SIPRI: 3.4 % of GDP
    assert set(m["basis"]) == {"constant 2023 US$"}


def test_milex_vintages_agree_after_rebasing(con):
    """SIPRI 2025 (constant 2023 US$) against the OWID vintage (constant 2019 US$).

    Both are a state's local-currency series at constant prices, converted at the exchange rate
    of the base year, so for one state the ratio new/old is one number for every year: the
    state's price rise 2019-2023 times the change of its dollar rate. For the United States it
    is the US consumer price index 2023/2019, 304.702 / 255.657 = 1.1918 (BLS CPI-U annual
    averages), within 0.5%. For every state the ratio stays within 2% of the state's median
    ratio in at least 90% of the state-years both vintages hold: the rest are SIPRI's revisions
    between releases (Haiti 1988-1995, Ecuador before 2020, Azerbaijan, Venezuela 2018...),
    which is why the newer vintage replaces the older where they overlap. Kazakhstan's ratio
    is one number for 1993-2017; its last three years in the older release, 2018-2020, were
    revised in the newer one.
    """
    j = con.execute("""
        SELECT n.iso3, n.year, n.milex_usd / o.milex_usd AS r
        FROM milex n JOIN milex o USING (iso3, year)
        WHERE n.source = 'sipri2025' AND o.source = 'sipri' AND o.milex_usd > 0
          AND n.milex_usd IS NOT NULL""").df()
    assert len(j) > 7000
    us = j[j["iso3"] == "USA"]["r"]
    assert len(us) >= 70
    assert np.allclose(us, 304.702 / 255.657, rtol=0.005)
    rel = j["r"] / j.groupby("iso3")["r"].transform("median")
    assert (abs(rel - 1) <= 0.02).mean() >= 0.90
    # Kazakhstan: one ratio to 1e-6 for 1993-2017; SIPRI revised 2018-2020 (by 4-11%)
    kaz = j[j["iso3"] == "KAZ"].set_index("year")["r"].sort_index()
    assert kaz.index.tolist() == list(range(1993, 2021))
    assert np.allclose(kaz.loc[:2017], kaz.loc[1993], rtol=1e-6)
    assert (abs(kaz.loc[2018:] / kaz.loc[1993] - 1) > 0.02).all()


def test_milex_series_uses_the_2025_vintage_to_2024(con):
    s = milex_series(con, (2015, 2024))
    kaz = s[s["iso3"] == "KAZ"].set_index("year")
    assert set(kaz["source"]) == {"sipri2025"} and not kaz["derived"].any()
    assert kaz.loc[2024, "value"] == pytest.approx(1145.03e6, rel=1e-5)
    assert set(s["basis"]) == {"constant 2023 US$"}


# --- visits ----------------------------------------------------------------------------------


def test_visits_known_trips_to_kazakhstan(mirror):
    src = get_source("hsg_travels")
    paths = [fetch(f) for f in src.files]
    raw = ET.parse(_path("hsg_travels", "pompeo-michael-r.xml")).getroot()
    kz = [t for t in raw.findall("trip") if t.find("country").get("id") == "kazakhstan"]
    assert [t.findtext("start-date") for t in kz] == ["2020-02-01"]
    log = states.UnmappedLog()
    v = visits.visits_table(paths, log)
    assert not log
    kaz = v[v["iso3"] == "KAZ"].set_index("traveler")
    pompeo = kaz.loc["Michael R. Pompeo"]
    assert str(pompeo["start_date"]) == "2020-02-01" and pompeo["locale"] == "Nur-Sultan"
    blinken = kaz.loc["Antony John Blinken"]
    assert str(blinken["start_date"]) == "2023-02-27" and "C5+1" in blinken["remarks"]
    assert blinken["locale"] == "Astana" and blinken["role"] == "secretary"
    assert set(kaz["role"]) == {"secretary"}  # no US president has visited Kazakhstan
    # duplicates: Biden at COP26 in Glasgow is filed twice
    biden = v[(v["traveler"] == "Joseph R. Biden") & (v["iso3"] == "GBR")
              & (v["start_date"].astype(str) == "2021-11-01")]
    assert biden["trip_id"].tolist() == ["4118;4119"]
    assert v["n_records"].sum() == 4271 and len(v) == 4267


def test_visits_in_warehouse(con):
    assert con.execute("SELECT count(*) FROM unmapped WHERE source = 'hsg_travels'"
                       ).fetchone()[0] == 0
    n = con.execute("SELECT count(*) FROM visits WHERE iso3 = 'KAZ' AND role = 'secretary'"
                    ).fetchone()[0]
    assert n == 10
    assert con.execute("SELECT max(end_date) FROM visits").fetchone()[0].year == 2025


# --- investment ------------------------------------------------------------------------------


def test_investment_netherlands_and_totals(mirror):
    path = _path("wiiw_fdi", "wiiw_partners.csv")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    col = rows[0].index("_2017")
    nl = next(r for r in rows[1:] if r[4] == "NL" and r[3] == "FDI inflow" and r[6] == "EUR m")
    t = wiiw.read_partners(path).set_index(["partner", "measure", "year"])
    assert t.loc[("NLD", "inflow", 2017), "value_eur_m"] == pytest.approx(float(nl[col]))
    assert t.loc[("NLD", "inflow", 2017), "value_eur_m"] == pytest.approx(-415.32, abs=0.01)
    assert t.loc[("NLD", "stock", 2021), "value_eur_m"] == pytest.approx(52143.06, abs=0.01)
    # shares are of the world total
    for year in (2010, 2020):
        nld, world = (t.loc[(p, "stock", year)] for p in ("NLD", "WORLD"))
        assert nld["share"] == pytest.approx(100 * nld["value_eur_m"] / world["value_eur_m"],
                                             rel=1e-6)
    # the partner file's world inflow is the activity file's total (NACE Rev. 2, 2010-2021)
    act = wiiw.read_activity_totals(_path("wiiw_fdi", "wiiw-fdi-database.csv"))
    rev2 = act[(act["classification"] == "NACE Rev. 2") & (act["measure"] == "inflow")]
    for r in rev2.itertuples():
        assert t.loc[("WORLD", "inflow", r.year), "value_eur_m"] == pytest.approx(
            r.value_eur_m, abs=0.01)


def test_investment_in_warehouse(con):
    kinds = dict(con.execute("SELECT partner_kind, count(*) FROM investment GROUP BY 1"
                             ).fetchall())
    assert "unmapped" not in kinds and kinds["aggregate"] > 0
    assert con.execute("SELECT DISTINCT iso3 FROM investment").fetchall() == [("KAZ",)]
    assert con.execute("SELECT min(year), max(year) FROM investment").fetchone() == (2003, 2021)


# --- channels ---------------------------------------------------------------------------------


def test_shares_arms_and_investment_from_the_cli(warehouse_env):
    import io

    import pandas as pd
    from typer.testing import CliRunner

    from multivector.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["shares", "KAZ", "--channel", "arms", "--years", "2015-2024",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    f = pd.read_csv(io.StringIO(res.stdout), keep_default_na=False, na_values=[""])
    np.testing.assert_allclose(f.groupby("year")["share"].sum().to_numpy(), 1.0, atol=1e-9)
    rus = f[f["pole"] == "RUS"].set_index("year")["share"]
    assert (rus > 0.5).all()  # Russia supplies most of Kazakhstan's major arms every year
    for state in ("TUR", "IND"):  # any state
        res = runner.invoke(app, ["shares", state, "--channel", "arms", "--years", "2020-2024"])
        assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["shares", "KAZ", "--channel", "investment", "--years", "2021-2021",
                              "--format", "csv"])
    assert res.exit_code == 0, res.output
    inv = pd.read_csv(io.StringIO(res.stdout)).set_index("pole")
    assert inv["share"].sum() == pytest.approx(1.0)
    assert 0.4 < inv.loc["EU", "share"] < 0.6  # the Netherlands alone hold 39% of the stock
    res = runner.invoke(app, ["shares", "TUR", "--channel", "investment"])
    assert res.exit_code != 0 and "no source" in res.output
