"""Unit tests with small fixtures: SIPRI arms register and milex workbook, Office of the
Historian travels, wiiw FDI by partner: what they parse, and how each layout fails."""

from __future__ import annotations

import pandas as pd
import pytest

from multivector.core import states
from multivector.core.errors import ParseError
from multivector.sources import sipri, sipri_milex, visits, wiiw

NOTES = [
    "Transfers of major conventional arms from All countries  to All countries . Deals...",
    "A '?' in a column indicates uncertain data.",
    "An empty field for 'Number ordered' indicates that data is not yet available.",
    "SIPRI trend-indicator values (TIVs) are in millions.",
    "An empty field for 'SIPRI TIV for total order' indicates ...",
    "A '0' for 'SIPRI TIV of delivered weapons' indicates ...",
    "Figures may not add up to stated totals due to the conventions of rounding.",
    "For the method used ...",
    "",
    "Source: SIPRI Arms Transfers Database (c) SIPRI.",
    "Data generated: 13 Mar 2025 10:02:49 AM",
]
HEADER = ("Recipient,Supplier,Year of order, ,Number ordered, ,Weapon designation,"
          "Weapon description,Number delivered, ,Year(s) of delivery,status,Comments,"
          "SIPRI TIV per unit,SIPRI TIV for total order,SIPRI TIV of delivered weapons")
DEALS = [
    "Kazakhstan,Russia,2012,?,90,,BTR-82A,infantry fighting vehicle,90,?,2015; 2016; 2017,New,,"
    "0.95,85.5,85.5",
    "Kazakhstan,Soviet Union,1990,,6,,X,fighter,6,,1991 (2); 1992 (4),New,,2,12,12",
    "Angola,Yugoslavia,1994,,3,,Y,ship,3,,1995,New,,1,3,3",
    "NATO**,unknown supplier(s),2020,,1,,Z,radar,0,,,New,,1,1,0",
    "Houthi rebels (Yemen)*,Iran,2015,?,10,?,W,missile,10,?,2016,New,,0.5,5,5",
]


def _register(tmp_path, deals=DEALS, header=HEADER, notes=NOTES, extra=""):
    p = tmp_path / "trade-register.csv"
    p.write_text("\n".join([*notes, header, *deals]) + "\n" + extra, encoding="latin-1")
    return p


def test_register_parses_and_spreads_deliveries(tmp_path):
    deals = sipri.read_register(_register(tmp_path))
    assert len(deals) == 5
    first = deals.iloc[0]
    assert first["order_year_uncertain"] and not first["n_ordered_uncertain"]
    assert first["n_delivered_uncertain"] and first["tiv_delivered"] == 85.5
    yearly = sipri.yearly_deliveries(deals)
    btr = yearly[yearly["deal"] == first["deal"]]
    assert btr["year"].tolist() == [2015, 2016, 2017]
    assert btr["tiv"].tolist() == pytest.approx([28.5, 28.5, 28.5])  # evenly: 85.5 / 3
    x = yearly[yearly["supplier_label"] == "Soviet Union"]
    assert x["tiv"].tolist() == pytest.approx([4.0, 8.0])  # 2 and 4 units x 2 TIV per unit
    assert yearly.groupby("deal")["tiv"].sum().sum() == pytest.approx(
        deals["tiv_delivered"].sum())


def test_arms_table_codes_kinds_and_yugoslavia(tmp_path):
    log = states.UnmappedLog()
    arms = sipri.arms_table(sipri.read_register(_register(tmp_path)), log)
    assert not log
    by = arms.set_index(["supplier_label", "year"])
    assert by.loc[("Soviet Union", 1992), "supplier"] == "RUS"
    assert by.loc[("Soviet Union", 1992), "supplier_kind"] == "historical"
    assert by.loc[("Yugoslavia", 1995), "supplier"] == "SRB"  # FRY, as COW 345 after 1991
    houthi = arms[arms["recipient_label"] == "Houthi rebels (Yemen)*"].iloc[0]
    assert houthi["recipient_kind"] == "non_state" and pd.isna(houthi["recipient"])
    assert "NATO**" not in set(arms["recipient_label"])  # nothing delivered: no yearly row
    kinds = sipri.classify(pd.Series(["NATO**", "unknown supplier(s)", "UAE", "Korea South",
                                      "South Korea"]))
    assert kinds.set_index("label").loc["NATO**", "kind"] == "organisation"
    assert kinds.set_index("label").loc["unknown supplier(s)", "kind"] == "unknown"
    assert kinds.set_index("label").loc["UAE", "iso3"] == "ARE"
    assert kinds.set_index("label").loc["South Korea", "iso3"] == "KOR"
    assert kinds.set_index("label").loc["Korea South", "iso3"] == "KOR"  # older SIPRI name


def test_register_joins_a_comment_cut_by_a_line_break(tmp_path):
    cut = ["Thailand,Ukraine,2008,,14,,BTR-3,APC,13,,2010; 2012,New,Part of a deal; delivery",
           "\" delayed\",0.25,3.5,3.25"]
    deals = sipri.read_register(_register(tmp_path, deals=[*DEALS, *cut]))
    last = deals.iloc[-1]
    assert last["comments"] == "Part of a deal; delivery delayed"
    assert last["tiv_delivered"] == 3.25


@pytest.mark.parametrize("mutate, match, row", [
    (lambda d, h, n: (d, h.replace("Supplier", "Exporter"), n), "column 2", 12),
    (lambda d, h, n: (d, h, n[:3] + n[4:]), "TIV unit unknown", None),
    (lambda d, h, n: ([d[0].replace("2015; 2016", "2015/2016")], h, n), "Year\\(s\\)", 13),
    (lambda d, h, n: ([d[0].replace(",?,90,", ",maybe,90,")], h, n), "uncertainty", 13),
    (lambda d, h, n: ([d[0].replace("0.95,", "")], h, n), "fields", 13),
    (lambda d, h, n: ([d[0].replace(",85.5,85.5", ",85.5,x")], h, n), "not a number", 13),
    (lambda d, h, n: ([d[0].replace("2015; 2016; 2017", "")], h, n), "without a year", 13),
])
def test_register_layout_errors_name_file_row_and_column(tmp_path, mutate, match, row):
    deals, header, notes = mutate(DEALS, HEADER, NOTES)
    with pytest.raises(ParseError, match=match) as err:
        sipri.read_register(_register(tmp_path, deals=deals, header=header, notes=notes))
    assert "trade-register.csv" in str(err.value)
    assert err.value.row == row


def _workbook(tmp_path, edit=None, base=2023):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    titles = {f"Constant ({base}) US$": f"Military expenditure by country, in constant ({base}) "
              "US$ m., 1949-2024", "Current US$": "Military expenditure by country, in millions "
              "of US$ at current prices", "Share of GDP": "Military expenditure by country as "
              "percentage of gross domestic product"}
    data = {"Kazakhstan": [1000.0, "..."], "USSR": ["xxx", 300.0], "Russia": ["xxx", 50.0]}
    for sheet, title in titles.items():
        ws = wb.create_sheet(sheet)
        ws.append([title])
        ws.append(["Country", "Notes", 2023, 2024])
        ws.append(["Central Asia"])
        for name, vals in data.items():
            v = [x / 1000 if sheet == "Share of GDP" and isinstance(x, float) else x
                 for x in vals]
            ws.append([name, "", *v])
    if edit:
        edit(wb)
    p = tmp_path / "milex.xlsx"
    wb.save(p)
    return p


def test_milex_workbook_units_codes_and_ussr(tmp_path):
    m = sipri_milex.read_milex_workbook(_workbook(tmp_path))
    kaz = m[(m["iso3"] == "KAZ") & (m["year"] == 2023)].iloc[0]
    assert kaz["milex_usd"] == 1000e6 and kaz["milex_current_usd"] == 1000e6
    assert kaz["share_gdp"] == pytest.approx(100.0)  # 1.0 as a fraction is 100 %
    assert kaz["basis"] == "constant 2023 US$" and kaz["source"] == "sipri2025"
    assert not ((m["iso3"] == "KAZ") & (m["year"] == 2024)).any()  # '...' is no value, not 0
    rus = m[m["iso3"] == "RUS"]
    assert rus["entity"].tolist() == ["USSR"] and rus["milex_usd"].iloc[0] == 300e6
    assert m.loc[m["entity"] == "Russia", "kind"].tolist() == ["part of USSR"]


@pytest.mark.parametrize("edit, match", [
    (lambda wb: wb["Current US$"].cell(3 + 1, 3, "n/a"), "neither a number"),
    (lambda wb: wb.remove(wb["Share of GDP"]), "Share of GDP"),
    (lambda wb: wb["Current US$"].cell(2, 4, "2023b"), "not a year"),
    (lambda wb: wb["Share of GDP"].append(["Narnia", "", 0.1, 0.1]), "other countries"),
    (lambda wb: wb["Current US$"].cell(1, 1, "Something else"), "title"),
])
def test_milex_layout_errors(tmp_path, edit, match):
    with pytest.raises(ParseError, match=match) as err:
        sipri_milex.read_milex_workbook(_workbook(tmp_path, edit))
    assert "milex.xlsx" in str(err.value)


def test_milex_two_names_of_one_state_refused(tmp_path):
    def edit(wb):
        for ws in wb.worksheets:
            ws.append(["Kazakstan", "", 1.0, 1.0])
    with pytest.raises(ParseError, match="one state \\(KAZ\\)"):
        sipri_milex.read_milex_workbook(_workbook(tmp_path, edit))


TRIP = """  <trip role="{role}" who="doe-jane">
    <id>{id}</id><role>{role}</role><name>Jane Doe</name>
    <start-date>{start}</start-date><end-date>{end}</end-date>
    <country id="{cid}">{country}</country><locale>Astana</locale>
    <remarks>{remarks}</remarks>
  </trip>"""


def _travels(tmp_path, trips, folder="secretary-travels"):
    d = tmp_path / folder
    d.mkdir(exist_ok=True)
    p = d / "doe-jane.xml"
    body = "\n".join(TRIP.format(**{"role": "secretary", "start": "2020-02-01",
                                    "end": "2020-02-02", "cid": "kazakhstan",
                                    "country": "Kazakhstan", "remarks": "Met.", **t})
                     for t in trips)
    p.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<trips>\n{body}\n</trips>\n')
    return p


def test_visits_collapse_duplicates_keep_ids(tmp_path):
    p = _travels(tmp_path, [{"id": "12"}, {"id": "9", "remarks": "Met with the President."},
                            {"id": "13", "cid": "yugoslavia", "country": "Yugoslavia",
                             "start": "1996-02-04", "end": "1996-02-04"}])
    log = states.UnmappedLog()
    v = visits.visits_table([p], log)
    assert not log and len(v) == 2
    kaz = v[v["iso3"] == "KAZ"].iloc[0]
    assert kaz["trip_id"] == "9;12" and kaz["n_records"] == 2
    assert kaz["remarks"] == "Met with the President."
    assert kaz["role"] == "secretary" and kaz["traveler"] == "Jane Doe"
    assert v[v["country_id"] == "yugoslavia"]["iso3"].iloc[0] == "SRB"  # FRY in 1996


@pytest.mark.parametrize("trip, match", [
    ({"id": "5", "start": "2020-02-31"}, "start-date is not"),
    ({"id": "5", "end": "2020-01-01"}, "end-date before"),
    ({"id": "5", "role": "president"}, "role must be"),
    ({"id": "5", "cid": ""}, "no id"),
])
def test_visits_layout_errors_name_file_and_trip(tmp_path, trip, match):
    with pytest.raises(ParseError, match=match) as err:
        visits.read_travels(_travels(tmp_path, [trip]))
    assert "doe-jane.xml" in str(err.value) and err.value.row == "trip 5"


def test_visits_missing_element_and_bad_root(tmp_path):
    p = _travels(tmp_path, [{"id": "7"}])
    p.write_text(p.read_text().replace("<locale>Astana</locale>", ""))
    with pytest.raises(ParseError, match="lacks <locale>"):
        visits.read_travels(p)
    p.write_text("<journeys/>")
    with pytest.raises(ParseError, match="<trips>"):
        visits.read_travels(p)


WIIW_HEAD = ('"Tree Level 1","Country-Code","Country","Direction","Partner-Code","Partner",'
             '"Unit","Footnotes","Sources",_2020,_2021')


def _wiiw_rows():
    rows = []
    for direction in ("FDI inflow", "FDI inward stock"):
        for code, name, eur, pct in (("WORLD", "Total by countries", "200,400", "100,100"),
                                     ("NL", "Netherlands", "-50,100", "-25,25"),
                                     ("EU27_2020", "EU - 27", "100,.", "50,.")):
            for unit, vals in (("EUR m", eur), ("in % of total", pct)):
                rows.append(f'"FDI by partner","KZ","Kazakhstan","{direction}","{code}",'
                            f'"{name}","{unit}","-","NBK",{vals}')
    return rows


def _wiiw(tmp_path, head=WIIW_HEAD, rows=None):
    p = tmp_path / "wiiw_partners.csv"
    p.write_text("\n".join([head, *(rows if rows is not None else _wiiw_rows())]) + "\n")
    return p


def test_wiiw_partners(tmp_path):
    t = wiiw.read_partners(_wiiw(tmp_path))
    nl = t[(t["partner"] == "NLD") & (t["measure"] == "inflow")].set_index("year")
    assert nl.loc[2020, "value_eur_m"] == -50 and nl.loc[2020, "share"] == -25
    assert set(t["iso3"]) == {"KAZ"} and set(t["source"]) == {"wiiw_fdi"}
    eu = t[t["partner"] == "EU27"]
    assert set(eu["partner_kind"]) == {"aggregate"} and set(eu["year"]) == {2020}  # '.' missing


@pytest.mark.parametrize("head, rows, match", [
    (WIIW_HEAD.replace('"Partner-Code"', '"Partner code"'), None, "column 5"),
    (WIIW_HEAD.replace("_2021", "2021"), None, "not a year"),
    (WIIW_HEAD, [r.replace("-50,100", "-50,n.a.") for r in _wiiw_rows()], "neither a number"),
    (WIIW_HEAD, [r.replace("FDI inflow", "FDI outflow") for r in _wiiw_rows()], "Direction"),
    (WIIW_HEAD, [r for r in _wiiw_rows() if not ('"NL"' in r and "%" in r)], "lacks"),
])
def test_wiiw_layout_errors(tmp_path, head, rows, match):
    with pytest.raises(ParseError, match=match) as err:
        wiiw.read_partners(_wiiw(tmp_path, head, rows))
    assert "wiiw_partners.csv" in str(err.value)


def test_arms_and_investment_channels_sum_by_pole(tmp_path):
    import duckdb

    from multivector.analysis.panel.shares import channel_shares
    from multivector.core import poles
    from multivector.core.vocabulary import BALANCE_CHANNELS

    arms = sipri.arms_table(sipri.read_register(_register(tmp_path)))
    inv = wiiw.read_partners(_wiiw(tmp_path))
    con = duckdb.connect()
    for name, frame in (("arms", arms), ("investment", inv)):
        con.register("_f", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _f")
        con.unregister("_f")
    ps = poles.load_pole_set("core")
    s = channel_shares(con, "arms", ps, (2015, 2017), ["KAZ"])
    s = s.set_index(["year", "pole"])
    assert s.loc[(2016, "RUS"), "value"] == pytest.approx(28.5)
    assert s.loc[(2016, "RUS"), "share"] == pytest.approx(1.0)
    assert s.loc[(2016, "USA"), "value"] == 0.0 and s.loc[(2016, "USA"), "flag"] == ""
    assert set(s["channel"]) == {"arms"}
    kaz = channel_shares(con, "investment", ps, (2020, 2021), ["KAZ"])
    eu = kaz.set_index(["year", "pole"]).loc[(2021, "EU")]
    assert eu["value"] == 100 and eu["total"] == 400 and eu["share"] == pytest.approx(0.25)
    assert channel_shares(con, "investment", ps, (2020, 2021), ["TUR"]).empty
    assert "arms" not in BALANCE_CHANNELS and "investment" not in BALANCE_CHANNELS


def test_milex_series_prefers_2025_vintage_and_derives_after_it():
    import duckdb

    from multivector.analysis.panel.power import milex_series

    con = duckdb.connect()
    con.execute("CREATE TABLE milex (iso3 VARCHAR, entity VARCHAR, kind VARCHAR, year INT, "
                "milex_usd DOUBLE, share_gdp DOUBLE, per_capita DOUBLE, basis VARCHAR, "
                "source VARCHAR, milex_current_usd DOUBLE)")
    con.execute("INSERT INTO milex VALUES ('KAZ', 'Kazakhstan', 'state', 2020, 1.0, NULL, NULL, "
                "'constant 2019 US$', 'sipri', NULL), ('KAZ', 'Kazakhstan', 'state', 2020, 2.0, "
                "NULL, NULL, 'constant 2023 US$', 'sipri2025', 3.0), ('KAZ', 'Kazakhstan', "
                "'state', 2021, 4.0, NULL, NULL, 'constant 2023 US$', 'sipri2025', 5.0)")
    con.execute("CREATE TABLE indicators (code VARCHAR, iso3 VARCHAR, kind VARCHAR, year INT, "
                "indicator VARCHAR, value DOUBLE, source VARCHAR)")
    con.execute("INSERT INTO indicators VALUES ('KAZ', 'KAZ', 'state', 2022, "
                "'ms.mil.xpnd.gd.zs', 2.0, 'wdi'), ('KAZ', 'KAZ', 'state', 2022, "
                "'ny.gdp.mktp.cd', 500.0, 'wdi')")
    m = milex_series(con, (2020, 2022)).set_index("year")
    assert m.loc[2020, "value"] == 2.0 and m.loc[2020, "basis"] == "constant 2023 US$"
    assert m.loc[2021, "source"] == "sipri2025" and not m.loc[2021, "derived"]
    assert m.loc[2022, "value"] == pytest.approx(10.0) and m.loc[2022, "derived"]
    con.execute("DELETE FROM milex WHERE source = 'sipri2025'")  # an older warehouse
    old = milex_series(con, (2020, 2020))
    assert old["value"].tolist() == [1.0] and old["basis"].tolist() == ["constant 2019 US$"]
