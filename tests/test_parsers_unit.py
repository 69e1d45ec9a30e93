"""Parsers on small hand-made files in the published layouts, and UNGA reconciliation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from multivector.core.errors import ParseError
from multivector.sources import dots, unga, unga_reconcile, wdi

# --------------------------------------------------------------------------- DOTS

REPORTER = "Kazakhstan, Rep. of"
YEARS = [2000, 2001, 2003]  # 2002 skipped, as the IMF export does where nothing is reported

# sheet -> partner rows (label, values for YEARS); None is an empty cell
EXPORTS = [
    ("World", [100.0, 200.5, "1,234.50 e"]),
    ("China, P.R.: Mainland", [10, None, 30.25]),
    ("Special Categories", [None, None, None]),
    (None, [None, None, None]),  # a blank spacer row
    ("Russian Federation", ["7 e", 8.0, None]),
]
IMPORTS = [
    ("World", [50.0, None, 70.0]),
    ("Euro Area", [None, "-2.5 e", 3]),
]


def _write_sheet(ws, reporter, rows, unit=dots.UNIT, years=YEARS, title="Exports, FOB"):
    ws["B2"] = f"{title} to Partner Countries"
    ws["B4"] = reporter
    ws["B5"] = unit
    for j, y in enumerate(years):
        ws.cell(row=7, column=3 + j, value=str(y))  # the IMF writes years as text
    for i, (partner, values) in enumerate(rows):
        r = 8 + i
        if partner is not None:
            ws.cell(row=r, column=2, value=partner)
        for j, v in enumerate(values):
            if v is not None:
                ws.cell(row=r, column=3 + j, value=v)


def _workbook(path: Path, sheets: dict[str, tuple]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (reporter, rows, kw) in sheets.items():
        ws = wb.create_sheet(name)
        _write_sheet(ws, reporter, rows, title=name, **kw)
    wb.save(path)
    return path


@pytest.fixture
def dots_file(tmp_path) -> Path:
    return _workbook(tmp_path / "DOTS_Kazakhstan.xlsx", {
        "Exports, FOB": (REPORTER, EXPORTS, {}),
        "Imports, CIF": (REPORTER, IMPORTS, {}),
    })


def test_read_dots_file_long_rows(dots_file):
    got = dots.read_dots_file(dots_file)
    assert list(got.columns) == [*dots.COLUMNS, "file"]
    expected = [
        # partner, year, flow, value, estimated
        ("World", 2000, "exports", 100.0, False),
        ("World", 2001, "exports", 200.5, False),
        ("World", 2003, "exports", 1234.5, True),
        ("China, P.R.: Mainland", 2000, "exports", 10.0, False),
        ("China, P.R.: Mainland", 2003, "exports", 30.25, False),
        ("Russian Federation", 2000, "exports", 7.0, True),
        ("Russian Federation", 2001, "exports", 8.0, False),
        ("World", 2000, "imports", 50.0, False),
        ("World", 2003, "imports", 70.0, False),
        ("Euro Area", 2001, "imports", -2.5, True),
        ("Euro Area", 2003, "imports", 3.0, False),
    ]
    rows = [(r.partner_label, int(r.year), r.flow, float(r.value_usd_m), bool(r.estimated))
            for r in got.itertuples()]
    assert rows == expected
    assert set(got["reporter_label"]) == {REPORTER}
    assert set(got["file"].astype(str)) == {"DOTS_Kazakhstan.xlsx"}
    assert 2002 not in set(got["year"])
    # a partner with no value at all leaves no row
    assert "Special Categories" not in set(got["partner_label"])


def _error(path) -> str:
    with pytest.raises(ParseError) as exc:
        dots.read_dots_file(path)
    return str(exc.value)


def test_dots_bad_unit(tmp_path):
    path = _workbook(tmp_path / "DOTS_bad_unit.xlsx", {
        "Exports, FOB": (REPORTER, EXPORTS, {}),
        "Imports, CIF": (REPORTER, IMPORTS, {"unit": "US Dollars, Billions"}),
    })
    msg = _error(path)
    assert "DOTS_bad_unit.xlsx" in msg
    assert "Imports, CIF" in msg
    assert "row 5" in msg
    assert "US Dollars, Billions" in msg


def test_dots_missing_sheet(tmp_path):
    path = _workbook(tmp_path / "DOTS_one_sheet.xlsx", {
        "Exports, FOB": (REPORTER, EXPORTS, {}),
    })
    msg = _error(path)
    assert "DOTS_one_sheet.xlsx" in msg
    assert "Imports, CIF" in msg
    assert "missing sheet" in msg


def test_dots_non_numeric_value(tmp_path):
    bad = [*EXPORTS[:2], ("Japan", [1.0, "n.a.", 2.0])]  # Japan is on sheet row 10
    path = _workbook(tmp_path / "DOTS_text.xlsx", {
        "Exports, FOB": (REPORTER, bad, {}),
        "Imports, CIF": (REPORTER, IMPORTS, {}),
    })
    msg = _error(path)
    assert "DOTS_text.xlsx" in msg
    assert "Exports, FOB" in msg
    assert "row 10" in msg
    assert "'n.a.'" in msg
    assert "Japan" in msg


def test_dots_values_without_partner(tmp_path):
    bad = [*EXPORTS[:1], (None, [None, 5.0, None])]  # sheet row 9
    path = _workbook(tmp_path / "DOTS_orphan.xlsx", {
        "Exports, FOB": (REPORTER, bad, {}),
        "Imports, CIF": (REPORTER, IMPORTS, {}),
    })
    msg = _error(path)
    assert "Exports, FOB" in msg and "row 9" in msg


def test_dots_bad_year_header(tmp_path):
    path = _workbook(tmp_path / "DOTS_year.xlsx", {
        "Exports, FOB": (REPORTER, EXPORTS, {"years": [2000, "Year 2001", 2003]}),
        "Imports, CIF": (REPORTER, IMPORTS, {}),
    })
    msg = _error(path)
    assert "Exports, FOB" in msg and "row 7" in msg and "column 4" in msg


def test_dots_sheets_with_different_reporters(tmp_path):
    path = _workbook(tmp_path / "DOTS_two.xlsx", {
        "Exports, FOB": (REPORTER, EXPORTS, {}),
        "Imports, CIF": ("Uzbekistan, Rep. of", IMPORTS, {}),
    })
    msg = _error(path)
    assert "DOTS_two.xlsx" in msg and "different reporters" in msg


def test_dots_not_a_workbook(tmp_path):
    path = tmp_path / "DOTS_fake.xlsx"
    path.write_text("not a zip")
    assert "DOTS_fake.xlsx" in _error(path)


def test_read_dots_many_files_serial(dots_file, tmp_path):
    other = _workbook(tmp_path / "DOTS_Other.xlsx", {
        "Exports, FOB": ("Uzbekistan, Rep. of", EXPORTS[:1], {}),
        "Imports, CIF": ("Uzbekistan, Rep. of", IMPORTS[:1], {}),
    })
    calls = []
    got = dots.read_dots([dots_file, other], workers=1, progress=lambda: calls.append(1))
    assert len(calls) == 2
    assert len(got) == 11 + 3 + 2
    assert got.groupby("file", observed=True).size().to_dict() == {
        "DOTS_Kazakhstan.xlsx": 11, "DOTS_Other.xlsx": 5}


# --------------------------------------------------------------------------- UNGA wide

WIDE_HEAD = "rcid,date,me,nu,di,hr,co,ec,KAZ,RUS,SRB,USA"


def _wide_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([WIDE_HEAD, *lines]) + "\n")
    return path


def test_read_wide(tmp_path):
    path = _wide_csv(tmp_path / "ungaVoting.csv", [
        "100,1985-11-01,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,,1,2,3",
        "200,1992-12-01,FALSE,TRUE,FALSE,FALSE,FALSE,TRUE,9,1,1,8",
        "300,2023-10-10,FALSE,FALSE,FALSE,TRUE,FALSE,FALSE,1,3,2,",
    ])
    rc, votes = unga.read_wide(path)
    assert rc["rcid"].tolist() == [100, 200, 300]
    assert rc["date"].tolist() == [dt.date(1985, 11, 1), dt.date(1992, 12, 1),
                                   dt.date(2023, 10, 10)]
    assert rc["row"].tolist() == [2, 3, 4]
    assert rc["me"].tolist() == [True, False, False]
    assert rc["ec"].tolist() == [False, True, False]
    assert rc["hr"].tolist() == [False, False, True]
    got = sorted((int(r.rcid), int(r.row), r.iso3, int(r.vote)) for r in votes.itertuples())
    assert got == sorted([
        (100, 2, "RUS", 1), (100, 2, "YUG", 2), (100, 2, "USA", 3),  # SRB in 1985 is YUG
        (200, 3, "KAZ", 9), (200, 3, "RUS", 1), (200, 3, "SRB", 1), (200, 3, "USA", 8),
        (300, 4, "KAZ", 1), (300, 4, "RUS", 3), (300, 4, "SRB", 2),
    ])
    assert list(votes.columns) == ["rcid", "row", "iso3", "vote"]


def test_read_wide_invalid_vote_code_names_the_row(tmp_path):
    path = _wide_csv(tmp_path / "ungaVoting.csv", [
        "100,1985-11-01,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,,1,2,3",
        "101,1985-11-02,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,1,1,7,3",
    ])
    with pytest.raises(ParseError) as exc:
        unga.read_wide(path)
    msg = str(exc.value)
    assert str(path) in msg
    assert "row 3" in msg  # the file line of the second roll call
    assert "SRB" in msg
    assert exc.value.row == 3
    assert exc.value.value == 7


def test_read_wide_empty_rcid_names_the_row(tmp_path):
    path = _wide_csv(tmp_path / "ungaVoting.csv", [
        "100,1985-11-01,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,1,1,2,3",
        ",1985-11-02,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,1,1,1,3",
    ])
    with pytest.raises(ParseError) as exc:
        unga.read_wide(path)
    assert exc.value.row == 3


def test_read_wide_bad_header_and_date(tmp_path):
    p = tmp_path / "h.csv"
    p.write_text("rcid,date,me,nu,di,hr,ec,co,USA\n1,2000-01-01,0,0,0,0,0,0,1\n")
    with pytest.raises(ParseError) as exc:
        unga.read_wide(p)
    assert exc.value.row == 1
    p.write_text("rcid,date,me,nu,di,hr,co,ec,USA,Kaz\n1,2000-01-01,0,0,0,0,0,0,1,1\n")
    with pytest.raises(ParseError, match="ISO3"):
        unga.read_wide(p)
    p.write_text("rcid,date,me,nu,di,hr,co,ec,USA\n1,2000-01-01,0,0,0,0,0,0,1\n"
                 "2,01/02/2000,0,0,0,0,0,0,1\n")
    with pytest.raises(ParseError) as exc:
        unga.read_wide(p)
    assert exc.value.row == 3 and exc.value.value == "01/02/2000"


# --------------------------------------------------------------------------- WDI


def _wdi(tmp_path, text: str, code="ny.gdp.mktp.cd") -> Path:
    d = tmp_path / "indicators" / code
    d.mkdir(parents=True)
    p = d / "data.csv"
    p.write_text(text)
    return p


def test_read_indicator(tmp_path):
    p = _wdi(tmp_path, "Country Name,Country Code,Year,Value\n"
                       "World,WLD,2000,33.5\n"
                       "Kazakhstan,KAZ,2000,18.29\n"
                       "Kazakhstan,KAZ,2001,\n"
                       "Namibia,NAM,2001,1e3\n")
    got = wdi.read_indicator(p)
    assert list(got.columns) == ["code", "name", "year", "indicator", "value"]
    rows = [(r.code, r.name, int(r.year), r.indicator, float(r.value))
            for r in got.itertuples()]
    assert rows == [("WLD", "World", 2000, "ny.gdp.mktp.cd", 33.5),
                    ("KAZ", "Kazakhstan", 2000, "ny.gdp.mktp.cd", 18.29),
                    ("NAM", "Namibia", 2001, "ny.gdp.mktp.cd", 1000.0)]  # NA is Namibia
    assert wdi.indicator_code(p) == "ny.gdp.mktp.cd"


def test_read_indicator_bad_header(tmp_path):
    p = _wdi(tmp_path, "Country,Code,Year,Value\nWorld,WLD,2000,1\n")
    with pytest.raises(ParseError) as exc:
        wdi.read_indicator(p)
    assert str(p) in str(exc.value) and exc.value.row == 1


def test_read_indicator_non_numeric_value_names_the_row(tmp_path):
    p = _wdi(tmp_path, "Country Name,Country Code,Year,Value\n"
                       "World,WLD,2000,1.5\n"
                       "Kazakhstan,KAZ,2000,12..5\n")
    with pytest.raises(ParseError) as exc:
        wdi.read_indicator(p)
    msg = str(exc.value)
    assert str(p) in msg and "row 3" in msg and "Value" in msg and "12..5" in msg


def test_read_indicator_non_numeric_year(tmp_path):
    p = _wdi(tmp_path, "Country Name,Country Code,Year,Value\n"
                       "World,WLD,2000,1.5\nWorld,WLD,2001,2\nWorld,WLD,FY02,3\n")
    with pytest.raises(ParseError) as exc:
        wdi.read_indicator(p)
    assert exc.value.row == 4 and "Year" in str(exc.value)


def test_read_indicator_empty_year_names_the_row(tmp_path):
    p = _wdi(tmp_path, "Country Name,Country Code,Year,Value\n"
                       "World,WLD,2000,1.5\nWorld,WLD,,2\n")
    with pytest.raises(ParseError) as exc:
        wdi.read_indicator(p)
    assert exc.value.row == 3


def test_read_meta(tmp_path):
    d = tmp_path / "indicators" / "sp.pop.totl"
    d.mkdir(parents=True)
    (d / "datapackage.json").write_text('{"title": "Population, total", "readme": "All."}')
    assert wdi.read_meta(d / "datapackage.json") == {
        "indicator": "sp.pop.totl", "title": "Population, total", "description": "All."}
    (d / "datapackage.json").write_text("{oops")
    with pytest.raises(ParseError):
        wdi.read_meta(d / "datapackage.json")


# --------------------------------------------------------------------------- sessions


@pytest.mark.parametrize(("year", "day"), [
    (2003, dt.date(2003, 9, 16)),
    (2016, dt.date(2016, 9, 13)),
    (2017, dt.date(2017, 9, 12)),
    (2018, dt.date(2018, 9, 18)),
    (2019, dt.date(2019, 9, 17)),
    (2020, dt.date(2020, 9, 15)),
    (2021, dt.date(2021, 9, 14)),
    (2022, dt.date(2022, 9, 13)),
    (2023, dt.date(2023, 9, 5)),
    (2024, dt.date(2024, 9, 10)),
])
def test_opening_day(year, day):
    assert unga.opening_day(year) == day
    assert unga.opening_day(year).weekday() == 1  # always a Tuesday


@pytest.mark.parametrize(("date", "session"), [
    ("2016-09-12", 70),
    ("2016-09-13", 71),
    ("2017-09-11", 71),
    ("2017-09-12", 72),
    ("2018-09-17", 72),
    ("2018-09-18", 73),
    ("2019-09-16", 73),
    ("2019-09-17", 74),
    ("2019-12-31", 74),
    ("2023-09-04", 77),
    ("2023-09-05", 78),
    ("2024-06-04", 78),
    ("2024-09-10", 79),
])
def test_session_from_date(date, session):
    got = unga.session_from_date(pd.Series([date]))
    assert int(got.iloc[0]) == session


def test_session_from_date_vectorised_keeps_order():
    dates = pd.Series([dt.date(2024, 6, 4), dt.date(2016, 9, 13), dt.date(2017, 9, 11)])
    assert unga.session_from_date(dates).tolist() == [78, 71, 71]


# --------------------------------------------------------------------------- combine

ISSUES = list(unga.ISSUES)


def _issues(n: int, on: str | None = None) -> dict:
    return {k: pd.array([k == on] * n, dtype="boolean") for k in ISSUES}


def _forms() -> unga.UngaForms:
    d = dt.date
    long_rc = pd.DataFrame({
        "rcid": pd.array([10, 20], dtype="int32"),
        "session": pd.array([9, 70], dtype="int16"),
        "date": [d(1954, 10, 1), d(2015, 10, 1)],
        "year": pd.array([1954, 2015], dtype="int16"),
        "unres": pd.array(["R/9/1", "R/70/1"], dtype="string"),
        "important": pd.array([False, True], dtype="boolean"),
        **_issues(2, "me"),
    })
    long_votes = pd.DataFrame({
        "rcid": pd.array([10, 10, 10, 10, 20, 20, 20, 20], dtype="int32"),
        "iso3": ["USA", "RUS", "GBR", "FRA", "USA", "RUS", "KAZ", "GBR"],
        "vote": pd.array([1, 3, 2, 8, 1, 1, 3, 9], dtype="int8"),
        "ccode": pd.array([2, 365, 200, 220, 2, 365, 705, 200], dtype="int16"),
    })
    pkg_rc = pd.DataFrame({
        "rcid": pd.array([20, 30], dtype="int32"),
        "session": pd.array([70, 72], dtype="int16"),
        "date": [d(2015, 10, 1), d(2017, 10, 2)],
        "unres": pd.array(["R/70/1 (pkg)", "R/72/5"], dtype="string"),
        "important": pd.array([False, False], dtype="boolean"),
        "amend": pd.array([True, False], dtype="boolean"),
        "para": pd.array([False, False], dtype="boolean"),
        "short": pd.array(["short 20", "short 30"], dtype="string"),
        "descr": pd.array(["descr 20", "descr 30"], dtype="string"),
        **_issues(2, "nu"),
    })
    pkg_votes = pd.DataFrame({
        "rcid": pd.array([20, 20, 20, 30, 30, 30, 30], dtype="int32"),
        "iso3": ["USA", "RUS", "KAZ", "USA", "RUS", "KAZ", "CHN"],
        "vote": pd.array([3, 1, 3, 1, 2, 3, 1], dtype="int8"),
        "country": ["United States", "Russia", "Kazakhstan", "United States", "Russia",
                    "Kazakhstan", "China"],
    })
    # wide rows: file lines 2..6; rcid 10 on line 5 reuses the 1954 roll call's number
    wide_rc = pd.DataFrame({
        "rcid": pd.array([20, 30, 40, 10, 50], dtype="int32"),
        "date": [d(2015, 10, 1), d(2017, 10, 2), d(2023, 9, 4), d(2023, 10, 10),
                 d(2024, 6, 4)],
        **_issues(5, "di"),
        "row": np.arange(2, 7),
    })
    wide_votes = pd.DataFrame(
        [(20, 2, "USA", 2), (20, 2, "RUS", 1), (20, 2, "KAZ", 3), (20, 2, "GBR", 8),
         (30, 3, "USA", 1), (30, 3, "RUS", 3), (30, 3, "KAZ", 3), (30, 3, "GBR", 8),
         (30, 3, "FRA", 9), (30, 3, "CHN", 8),
         (40, 4, "USA", 1), (40, 4, "KAZ", 2), (40, 4, "RUS", 8),
         (10, 5, "USA", 3), (10, 5, "KAZ", 1),
         (50, 6, "USA", 1), (50, 6, "KAZ", 1), (50, 6, "SRB", 1)],
        columns=["rcid", "row", "iso3", "vote"],
    ).astype({"rcid": "int32", "vote": "int8"})
    return unga.UngaForms(long_rc, long_votes, pkg_rc, pkg_votes, wide_rc, wide_votes)


def test_combine_votes_follow_precedence():
    _, votes = unga_reconcile.combine(_forms())
    assert list(votes.columns) == ["rcid", "iso3", "vote"]
    got = [(int(r.rcid), r.iso3, int(r.vote)) for r in votes.itertuples()]
    expected = [
        # long carries 10 and 20: all their votes from long (wide's 2 for USA, 8 for GBR ignored)
        (10, "FRA", 8), (10, "GBR", 2), (10, "RUS", 3), (10, "USA", 1),
        (20, "GBR", 9), (20, "KAZ", 3), (20, "RUS", 1), (20, "USA", 1),
        # pkg-era 30: pkg's yes/abstain/no (RUS 2, not wide's 3), wide adds GBR 8 and FRA 9;
        # wide's CHN 8 does not override the package's CHN yes
        (30, "CHN", 1), (30, "FRA", 9), (30, "GBR", 8), (30, "KAZ", 3), (30, "RUS", 2),
        (30, "USA", 1),
        # wide only
        (40, "KAZ", 2), (40, "RUS", 8), (40, "USA", 1),
        (50, "KAZ", 1), (50, "SRB", 1), (50, "USA", 1),
        (100010, "KAZ", 1), (100010, "USA", 3),
    ]
    assert got == expected
    assert not votes.duplicated(["rcid", "iso3"]).any()


def test_combine_rollcalls():
    rc, _ = unga_reconcile.combine(_forms())
    rc = rc.set_index("rcid")
    assert rc.index.tolist() == [10, 20, 30, 40, 50, 100010]
    assert rc["form"].to_dict() == {10: "long", 20: "long", 30: "pkg", 40: "wide",
                                    50: "wide", 100010: "wide"}
    assert rc["rcid_published"].to_dict() == {10: 10, 20: 20, 30: 30, 40: 40, 50: 50,
                                              100010: 10}
    assert rc.loc[100010, "date"] == dt.date(2023, 10, 10)
    assert rc.loc[10, "date"] == dt.date(1954, 10, 1)
    # sessions: Voeten's where a release has one, else derived from the date
    assert rc["session"].to_dict() == {10: 9, 20: 70, 30: 72, 40: 77, 50: 78, 100010: 78}
    assert rc["session_derived"].to_dict() == {10: False, 20: False, 30: False, 40: True,
                                               50: True, 100010: True}
    assert rc["year"].to_dict() == {10: 1954, 20: 2015, 30: 2017, 40: 2023, 50: 2024,
                                    100010: 2023}
    # metadata precedence long > pkg > wide
    assert rc.loc[20, "unres"] == "R/70/1"
    assert rc.loc[30, "unres"] == "R/72/5"
    assert bool(rc.loc[20, "important"]) is True
    assert bool(rc.loc[20, "me"]) and not bool(rc.loc[20, "nu"]) and not bool(rc.loc[20, "di"])
    assert bool(rc.loc[30, "nu"]) and not bool(rc.loc[30, "di"])
    assert bool(rc.loc[40, "di"]) and not bool(rc.loc[40, "nu"])
    # titles and the amendment flag come from the package only
    assert rc.loc[30, "short"] == "short 30" and rc.loc[30, "descr"] == "descr 30"
    assert rc.loc[20, "short"] == "short 20"
    # (a long-release roll call stays in Voeten's set whatever the package flags)
    assert bool(rc.loc[20, "amend"]) is True and bool(rc.loc[30, "amend"]) is False
    assert pd.isna(rc.loc[40, "amend"])
    assert pd.isna(rc.loc[40, "short"]) and pd.isna(rc.loc[10, "short"])


def test_combine_renumbers_within_the_wide_table():
    forms = _forms()
    # a second wide row (file line 7) with rcid 40, on another day: the later row is renumbered
    forms.wide_rollcalls = pd.concat([forms.wide_rollcalls, pd.DataFrame({
        "rcid": pd.array([40], dtype="int32"), "date": [dt.date(2023, 11, 1)],
        **_issues(1), "row": [7]})], ignore_index=True)
    forms.wide_votes = pd.concat([forms.wide_votes, pd.DataFrame(
        [(40, 7, "USA", 2)], columns=["rcid", "row", "iso3", "vote"])], ignore_index=True)
    rc, votes = unga_reconcile.combine(forms)
    rc = rc.set_index("rcid")
    assert rc.loc[100040, "rcid_published"] == 40
    assert rc.loc[100040, "date"] == dt.date(2023, 11, 1)
    assert rc.loc[40, "date"] == dt.date(2023, 9, 4)
    v = votes.set_index(["rcid", "iso3"])["vote"]
    assert v[(100040, "USA")] == 2 and v[(40, "USA")] == 1


def test_reconcile_keeps_voetens_set_and_lists_the_rest():
    """Roll calls only the package (or the wide table) carries in the long release's sessions,
    and later paragraph or amendment votes, are left out of both tables and listed."""
    forms = _forms()
    d = dt.date
    extra = pd.DataFrame({
        "rcid": pd.array([25, 26, 35, 36], dtype="int32"),
        "session": pd.array([70, 70, 72, 72], dtype="int16"),
        "date": [d(2015, 10, 1), d(2015, 10, 2), d(2017, 10, 2), d(2017, 10, 3)],
        "unres": pd.array(["R/70/1", "R/70/2", "R/72/5", "R/72/6"], dtype="string"),
        "important": pd.array([False] * 4, dtype="boolean"),
        "amend": pd.array([False, False, False, True], dtype="boolean"),
        "para": pd.array([False, True, True, pd.NA], dtype="boolean"),
        "short": pd.array([pd.NA] * 4, dtype="string"),
        "descr": pd.array([pd.NA] * 4, dtype="string"),
        **_issues(4),
    })
    forms.pkg_rollcalls = pd.concat([forms.pkg_rollcalls, extra], ignore_index=True)
    forms.pkg_votes = pd.concat([forms.pkg_votes, pd.DataFrame({
        "rcid": pd.array([25, 26, 35, 36], dtype="int32"), "iso3": ["USA"] * 4,
        "vote": pd.array([1, 3, 3, 2], dtype="int8"), "country": ["United States"] * 4})],
        ignore_index=True)
    # the wide table carries 35 too (with an absence the package drops)
    forms.wide_rollcalls = pd.concat([forms.wide_rollcalls, pd.DataFrame({
        "rcid": pd.array([35], dtype="int32"), "date": [d(2017, 10, 2)], **_issues(1),
        "row": [7]})], ignore_index=True)
    forms.wide_votes = pd.concat([forms.wide_votes, pd.DataFrame(
        [(35, 7, "GBR", 8)], columns=["rcid", "row", "iso3", "vote"])], ignore_index=True)
    t = unga_reconcile.reconcile(forms)
    assert t.rollcalls["rcid"].tolist() == [10, 20, 30, 40, 50, 100010]
    assert not t.votes["rcid"].isin([25, 26, 35, 36]).any()
    assert list(t.excluded.columns) == unga_reconcile.EXCLUDED_COLUMNS
    assert t.excluded.set_index("rcid")["reason"].to_dict() == {
        25: "not in the long release", 26: "paragraph", 35: "paragraph", 36: "amendment"}
    assert (t.excluded["form"] == "pkg").all()
    # combine() is reconcile() without the list
    rc, votes = unga_reconcile.combine(forms)
    pd.testing.assert_frame_equal(rc, t.rollcalls)
    pd.testing.assert_frame_equal(votes, t.votes)


def test_form_agreement_counts_disagreements():
    fa = unga_reconcile.form_agreement(_forms()).set_index(["form_a", "form_b"])
    # long vs pkg: shared roll call 20 (10 has no package row); USA 1 vs 3
    assert fa.loc[("long", "pkg")].to_dict() == {
        "rollcalls": 1, "cells": 3, "same": 2, "differ": 1, "share_same": 2 / 3}
    # long vs wide: only 20 (the wide table's rcid 10 is another roll call); USA 1 vs 2
    assert fa.loc[("long", "wide")].to_dict() == {
        "rollcalls": 1, "cells": 3, "same": 2, "differ": 1, "share_same": 2 / 3}
    # pkg vs wide: 20 (USA 3 vs 2) and 30 (RUS 2 vs 3, the deliberate disagreement);
    # CHN is yes in the package but absent (8) in the wide table, so not a common state
    assert fa.loc[("pkg", "wide")].to_dict() == {
        "rollcalls": 2, "cells": 6, "same": 4, "differ": 2, "share_same": 4 / 6}
