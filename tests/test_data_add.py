"""``multivector data add``: a user's newer file of a published format, checked by its family's
parser and recorded in the user's registry (issue 13, item 7: users can add next year's file).

Every bad input is a small fixture named after its pain point, with the exact message it gets:
the CSVs are committed under ``tests/fixtures/data_add/``; the workbooks are written here with
openpyxl (:data:`WORKBOOKS`), so no binary fixture is committed. The last tests take real files
of the mirror under new names (they skip without it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from datetime import datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from multivector.cli import app
from multivector.core.errors import ChecksumError
from multivector.sources import extra, layouts, registry
from multivector.sources import national_trade as nt
from multivector.sources.fetch import fetch
from multivector.warehouse.step_context import BuildContext, BuildReport

FIX = Path(__file__).resolve().parent / "fixtures" / "data_add"
runner = CliRunner()


@pytest.fixture(autouse=True)
def fresh_registry():
    """The registries read again around each test (a test's home holds its own)."""
    registry.refresh()
    yield
    registry.refresh()


# ------------------------------------------------------------------ workbooks written here
def _xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(i, j, value)
    wb.save(path)
    return path


def _kaz_sheet(year: int, russia: float = 300.0, **change) -> list[list]:
    rows = [["Основные показатели внешней торговли Республики Казахстан", *[""] * 6],
            [f"за январь-декабрь {year} года", *[""] * 6],
            ["", "", "", "", "тыс. долларов США", "", ""],
            ["Наименование страны", "Товарооборот", "", "Экспорт", "", "Импорт", ""],
            ["", "Всего", "%", "Всего", "%", "Всего", "%"],
            ["Всего", 3000.0, 100.0, 2000.0, 100.0, 1000.0, 100.0],
            ["Россия", 500.0, 16.7, russia, 15.0, 200.0, 20.0],
            ["Китай", 2500.0, 83.3, 1700.0, 85.0, 800.0, 80.0]]
    for key, value in change.items():
        row, col = (int(x) for x in key[1:].split("_"))
        rows[row][col] = value
    return rows


def kaz_release(path: Path, russia: float = 300.0) -> Path:
    """A valid release of 2024: sheets 2023 and 2024 (the year before, revised, and the year)."""
    return _xlsx(path, {"2023": _kaz_sheet(2023), "2024": _kaz_sheet(2024, russia)})


def _kgz_rows(unit: str = "(thousand US dollars)") -> list[list]:
    return [["4.03.00.20: …", "4.03.00.20: Географическое распределение импорта товаров",
             "4.03.00.20: Geographic distribution of imports of goods"],
            ["(миң АКШ доллары)", "(тыс. долларов США)", unit],
            [None, None, None, 2023, "2024 1"],
            ["Бардыгы", "Всего", "Total", 12351968.0, 13000000.0],
            ["Кытай", "Китай", "China", 4069468.4, 4500000.0]]


def _dots_sheet(title: str, unit: str = "US Dollars, Millions") -> list[list]:
    return [[], [None, title], [], [None, "Kazakhstan, Rep. of"], [None, unit], [],
            [None, None, 2023, 2024], [None, "China, P.R.: Mainland", 100.5, "110.25 e"]]


def _milex_sheet(title: str) -> list[list]:
    return [[title], [], ["Country", "Notes", 2023, 2024], ["Kazakhstan", None, 1000, 1100]]


WORKBOOKS = {
    "kaz_stat_missing_header.xlsx": lambda p: _xlsx(p, {"2024": _kaz_sheet(2024, r3_0="Страна")}),
    "kaz_stat_export_column_moved.xlsx":
        lambda p: _xlsx(p, {"2024": _kaz_sheet(2024, r3_3="Сальдо")}),
    "kaz_stat_unit_in_millions.xlsx":
        lambda p: _xlsx(p, {"2024": _kaz_sheet(2024, r2_4="млн долларов США")}),
    "kaz_stat_no_year_sheet.xlsx": lambda p: _xlsx(p, {"Лист1": _kaz_sheet(2024)}),
    "kaz_stat_title_of_another_year.xlsx": lambda p: _xlsx(p, {"2024": _kaz_sheet(2023)}),
    "kgz_stat_unit_in_millions.xlsx":
        lambda p: _xlsx(p, {"Лист1": _kgz_rows("(million US dollars)")}),
    "dots_missing_imports_sheet.xlsx":
        lambda p: _xlsx(p, {"Exports, FOB": _dots_sheet("Exports, FOB to Partner Countries")}),
    "dots_unit_not_millions.xlsx": lambda p: _xlsx(p, {
        "Exports, FOB": _dots_sheet("Exports, FOB to Partner Countries", "US Dollars"),
        "Imports, CIF": _dots_sheet("Imports, CIF from Partner Countries")}),
    "sipri_milex_missing_share_sheet.xlsx": lambda p: _xlsx(p, {
        "Constant (2023) US$": _milex_sheet("Military expenditure by country, in constant "
                                            "(2023) US$ m., 1949-2024"),
        "Current US$": _milex_sheet("Military expenditure by country, in millions of US$ at "
                                    "current prices and exchange rates, 1949-2024")}),
}


@pytest.fixture
def fixture_file(tmp_path):
    """``fixture_file(name)``: a committed fixture, or a workbook of :data:`WORKBOOKS` written
    into ``tmp_path`` under its pain-point name."""
    def get(name: str) -> Path:
        if name in WORKBOOKS:
            return WORKBOOKS[name](tmp_path / name)
        return FIX / name
    return get


def _add(*args) -> object:
    return runner.invoke(app, ["data", "add", *[str(a) for a in args]])


# --------------------------------------------------------------------- refused, exact message
REFUSED = [
    ("kaz_stat_missing_header.xlsx", "kaz_stat",
     "sheet '2024': no header row ('Наименование...' in column A) in the first 12 rows"),
    ("kaz_stat_export_column_moved.xlsx", "kaz_stat",
     "sheet '2024', row 4: column D of the header must be 'экспорт' (value: 'Сальдо')"),
    ("kaz_stat_unit_in_millions.xlsx", "kaz_stat",
     "sheet '2024', row 4: unit 'тыс. долларов США' not stated above the header"),
    ("kaz_stat_no_year_sheet.xlsx", "kaz_stat", "no sheet named by a year; sheets: ['Лист1']"),
    ("kaz_stat_title_of_another_year.xlsx", "kaz_stat",
     "sheet '2024', row 1: the title states year(s) [2023], the sheet name 2024"),
    ("kgz_stat_unit_in_millions.xlsx", "kgz_stat",
     "row 2: column C of row 2 must state the unit '(thousand us dollars)' "
     "(value: '(million US dollars)')"),
    ("dots_missing_imports_sheet.xlsx", "dots",
     "missing sheet(s) ['Imports, CIF']; found ['Exports, FOB']"),
    ("dots_unit_not_millions.xlsx", "dots",
     "sheet 'Exports, FOB', row 5: unit must be 'US Dollars, Millions' (value: 'US Dollars')"),
    ("sipri_milex_missing_share_sheet.xlsx", "sipri_milex",
     "sheet 'Share of GDP' missing (value: ['Constant (2023) US$', 'Current US$'])"),
    ("sipri_register_wrong_columns.csv", "sipri_arms",
     "row 12: header differs from the trade register's in column 3 (expected 'Year of order') "
     "(value: 'Order year')"),
    ("sipri_register_no_tiv_unit.csv", "sipri_arms",
     "the notes do not say 'SIPRI trend-indicator values (TIVs) are in millions.': TIV unit "
     "unknown"),
    ("sipri_register_short_row.csv", "sipri_arms",
     "row 14: expected 16 fields, found 15 (value: ['Kazakhstan', 'Russia', '2024'])"),
    ("eurostat_missing_value_column.csv", "eurostat_eu_exports",
     "row 1: column G of the header must be 'VALUE_IN_EUR'"),
    ("eurostat_two_years.csv", "eurostat_eu_exports",
     "row 3: a second year in a one-year extract (first 2024) (value: '202352-Jan.-Dec. 2023')"),
    ("uzb_stat_missing_russian_names/sdmx_data_1105.csv", "uzb_stat",
     "row 1: column C of the header must be 'Klassifikator_ru' (value: 'Klassifikator_en')"),
    ("uzb_stat_unknown_dataset.csv", "uzb_stat",
     "not a known dataset; expected sdmx_data_<id>.csv with id in ['1105', '1176']"),
    ("wdi_wrong_header/ny.gdp.mktp.cd/data.csv", "wdi",
     "row 1: header must be ['Country Name', 'Country Code', 'Year', 'Value'] "
     "(value: ['Country', 'Country Code', 'Year', 'Value'])"),
]


@pytest.mark.parametrize(("name", "source", "tail"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_file_of_another_layout_is_refused_naming_where(name, source, tail, fixture_file,
                                                          _isolated_home):
    path = fixture_file(name)
    res = _add(path, "--as", source)
    assert res.exit_code == 1, res.output
    assert res.stderr.strip() == (f"error: cannot add {path} as {source}: {tail}; nothing was "
                                  "recorded")
    assert not (_isolated_home / "extra_registry.tsv").exists()


def test_a_wdi_file_outside_an_indicator_folder_is_refused(_isolated_home):
    path = FIX / "wdi_unknown_indicator" / "ny.gdp.mktp.xx" / "data.csv"
    res = _add(path, "--as", "wdi")
    assert res.exit_code == 1
    assert res.stderr.startswith(f"error: cannot add {path} as wdi: the folder 'ny.gdp.mktp.xx' "
                                 "is not one of the 35 World Bank indicators multivector reads; "
                                 "put the file in a folder named by its code (bn.cab.xoka.cd, ")
    assert res.stderr.strip().endswith("tx.val.mrch.cd.wt); nothing was recorded")


def test_bytes_a_parser_cannot_decode_are_a_message(tmp_path):
    path = tmp_path / "eurostat_binary.csv"
    path.write_bytes(b"\x80\x81\x82")
    res = _add(path, "--as", "eurostat_eu_exports")
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"error: cannot add {path} as eurostat_eu_exports: the eurostat_eu_exports parser could "
        "not read it (UnicodeDecodeError: 'utf-8' codec can't decode byte 0x80 in position 0: "
        "invalid start byte); nothing was recorded")


TAKES = "dots, eurostat_eu_exports, kaz_stat, kgz_stat, sipri_arms, sipri_milex, uzb_stat, wdi"


def test_sources_that_take_no_added_files_say_so_and_list_those_that_do(_isolated_home):
    path = FIX / "eurostat_2024.csv"
    res = _add(path, "--as", "cow_nmc")
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        "error: --as 'cow_nmc': adding files is not supported for cow_nmc (Correlates of War "
        "National Material Capabilities, with CINC: multivector reads its pinned release "
        f"only); multivector data add takes: {TAKES}")
    res = _add(path, "--as", "kazstat")
    assert res.stderr.strip() == (f"error: --as 'kazstat': no such source; multivector data add "
                                  f"takes: {TAKES}")
    assert set(layouts.FAMILIES) == set(TAKES.split(", "))


def test_a_missing_file_and_bad_options_are_messages(tmp_path, _isolated_home):
    res = _add(tmp_path / "kaz_2024.xls", "--as", "kaz_stat")
    assert (res.exit_code, res.stderr.strip()) == (
        1, f"error: {tmp_path / 'kaz_2024.xls'}: no such file")
    path = FIX / "eurostat_2024.csv"
    res = _add(path, "--as", "eurostat_eu_exports", "--url", "stat.gov.kz/kaz.xls")
    assert res.stderr.strip() == ("error: --url must be the http(s) address the file was "
                                  "published at (got 'stat.gov.kz/kaz.xls')")
    res = _add(path, "--as", "eurostat_eu_exports", "--licence", "CC BY\t4.0")
    assert res.stderr.strip() == ("error: --licence must be one line of text without tabs "
                                  "(got 'CC BY\\t4.0')")
    assert not (_isolated_home / "extra_registry.tsv").exists()


# ------------------------------------------------------------------------------ recorded
def _registry_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8")), delimiter="\t"))


def _added(fmt: str = "csv") -> pd.DataFrame:
    res = runner.invoke(app, ["data", "status", "--added", "--format", fmt])
    assert res.exit_code == 0, res.output
    return pd.read_csv(io.StringIO(res.stdout))


@pytest.fixture
def kaz_2024(tmp_path) -> Path:
    """Kazakhstan's release of 2024 (sheets 2023 and 2024), as a user downloaded it."""
    (tmp_path / "downloads").mkdir()
    return kaz_release(tmp_path / "downloads" / "kaz_stat_2024.xlsx")


def test_adding_kaz_2024_records_it_and_status_lists_it(kaz_2024, _isolated_home):
    sha = hashlib.sha256(kaz_2024.read_bytes()).hexdigest()
    res = _add(kaz_2024, "--as", "kaz_stat", "--url", "https://stat.gov.kz/kaz_2024.xlsx",
               "--licence", "BNS terms of use")
    assert res.exit_code == 0, res.output
    reg = _isolated_home / "extra_registry.tsv"
    lines = res.stdout.splitlines()
    assert lines[0] == "added a kaz_stat file: kaz_stat_2024.xlsx (release 2024, years 2023-2024)"
    assert f"  sha256      {sha}" in lines
    assert lines[-1] == (f"recorded in {reg}; `multivector ingest` will include it (read in "
                         "place, checked against this sha256; a changed file is refused until "
                         "it is added again)")
    (row,) = _registry_rows(reg)
    assert list(row) == list(extra.COLUMNS)
    assert row == {**row, "mirror_path": f"user/kaz_stat/{sha[:12]}/kaz_stat_2024.xlsx",
                   "url": kaz_2024.as_uri(), "sha256": sha,
                   "bytes": str(kaz_2024.stat().st_size), "licence": "BNS terms of use",
                   "source": "kaz_stat", "name": "kaz_stat_2024.xlsx",
                   "origin": "https://stat.gov.kz/kaz_2024.xlsx"}
    assert datetime.fromisoformat(row["added_at"]).tzinfo is not None
    # registry.py reads the default registry under MULTIVECTOR_HOME: the file is kaz_stat's
    entry = registry.file_entries()[-1]
    assert entry.url == kaz_2024.as_uri() and entry in registry.get_source("kaz_stat").files
    assert fetch(entry) == kaz_2024  # read in place: nothing copied
    assert not (_isolated_home / "sources").exists()
    got = _added()
    assert got[["source", "name", "state", "sha256", "bytes"]].values.tolist() == [
        ["kaz_stat", "kaz_stat_2024.xlsx", "verified", sha, kaz_2024.stat().st_size]]
    res = runner.invoke(app, ["data", "status"])
    assert res.exit_code == 0
    assert "user-added files" in res.stdout and "kaz_stat_2024.xlsx" in res.stdout
    res = runner.invoke(app, ["data", "status", "--format", "csv"])
    assert res.stderr.strip().endswith("1 user-added files: multivector data status --added")
    src = pd.read_csv(io.StringIO(res.stdout)).set_index("source")
    assert src.loc["kaz_stat", "files"] == len(registry.get_source("kaz_stat").files)


def test_adding_the_same_file_again_changes_nothing(kaz_2024, _isolated_home):
    assert _add(kaz_2024, "--as", "kaz_stat").exit_code == 0
    reg = _isolated_home / "extra_registry.tsv"
    before = (reg.read_bytes(), reg.stat().st_mtime_ns)
    res = _add(kaz_2024, "--as", "kaz_stat")
    assert res.exit_code == 0
    assert res.stdout.strip() == (f"{kaz_2024}: already recorded as a kaz_stat file (same "
                                  f"sha256) in {reg}; nothing changed")
    assert (reg.read_bytes(), reg.stat().st_mtime_ns) == before


def test_a_changed_file_is_refused_at_fetch_until_added_again(kaz_2024, tmp_path,
                                                               _isolated_home):
    sipri = tmp_path / "sipri_register_2026.csv"
    shutil.copy(FIX / "sipri_register_2026.csv", sipri)
    assert _add(sipri, "--as", "sipri_arms").exit_code == 0
    assert _add(kaz_2024, "--as", "kaz_stat").exit_code == 0
    old = registry.file_entries()[-1]
    kaz_release(kaz_2024, russia=310.0)  # the Bureau revised the release: same path, new bytes
    with pytest.raises(ChecksumError) as exc:
        fetch(old)
    assert str(kaz_2024) in str(exc.value)
    assert _added()["state"].tolist() == ["verified", "changed"]
    res = _add(kaz_2024, "--as", "kaz_stat")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("updated a kaz_stat file: kaz_stat_2024.xlsx (release 2024")
    rows = _registry_rows(_isolated_home / "extra_registry.tsv")
    assert [r["source"] for r in rows] == ["sipri_arms", "kaz_stat"]  # replaced in place
    new = registry.file_entries()[-1]
    assert new.sha256 == hashlib.sha256(kaz_2024.read_bytes()).hexdigest() != old.sha256
    assert fetch(new) == kaz_2024
    assert _added()["state"].tolist() == ["verified", "verified"]


def test_the_same_bytes_from_another_path_are_not_recorded_twice(kaz_2024, tmp_path,
                                                                  _isolated_home):
    assert _add(kaz_2024, "--as", "kaz_stat").exit_code == 0
    copy = tmp_path / "kaz copy.xlsx"
    shutil.copy(kaz_2024, copy)
    res = _add(copy, "--as", "kaz_stat")
    assert res.stdout.strip() == (f"{copy}: the same bytes are recorded already as a kaz_stat "
                                  f"file, from {kaz_2024}; nothing recorded")
    kaz_2024.unlink()  # the user moved the file: its row follows it
    res = _add(copy, "--as", "kaz_stat")
    assert res.stdout.startswith("moved a kaz_stat file: kaz copy.xlsx")
    (row,) = _registry_rows(_isolated_home / "extra_registry.tsv")
    assert row["url"] == copy.as_uri() and "%20" in row["url"]
    assert fetch(registry.file_entries()[-1]) == copy


def test_an_explicit_extra_registry_is_written_there(kaz_2024, tmp_path, monkeypatch,
                                                     _isolated_home):
    mine = tmp_path / "my registry" / "registry.tsv"
    monkeypatch.setenv("MULTIVECTOR_EXTRA_REGISTRY", str(mine))
    res = _add(kaz_2024, "--as", "kaz_stat")
    assert res.exit_code == 0, res.output
    assert f"recorded in {mine}; " in res.stdout
    assert not (_isolated_home / "extra_registry.tsv").exists()
    assert [r["name"] for r in _registry_rows(mine)] == ["kaz_stat_2024.xlsx"]
    assert registry.file_entries()[-1].url == kaz_2024.as_uri()


def test_rows_written_by_hand_are_kept(kaz_2024, _isolated_home):
    reg = _isolated_home / "extra_registry.tsv"
    hand = ["github/x/y/abc/data/DOTS/DOTS_Kazakhstan 2024.xlsx", "file:///tmp/k.xlsx",
            "0" * 64, "7", "CC0"]
    reg.write_text("\t".join(registry.REGISTRY_COLUMNS) + "\n" + "\t".join(hand) + "\n")
    assert _add(kaz_2024, "--as", "kaz_stat").exit_code == 0
    rows = _registry_rows(reg)
    assert [list(r.values())[:5] for r in rows[:1]] == [hand]
    assert rows[0]["source"] == "" and rows[1]["source"] == "kaz_stat"
    assert len(registry.file_entries()) == len(registry.packaged_entries()) + 2


def test_eurostat_takes_one_extract_per_year(_isolated_home):
    res = _add(FIX / "eurostat_2024.csv", "--as", "eurostat_eu_exports")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("added a eurostat_eu_exports file: eurostat_2024.csv "
                                 "(EU-27 exports, year 2024)")
    res = _add(FIX / "eurostat_2024_revised.csv", "--as", "eurostat_eu_exports")
    sha = hashlib.sha256((FIX / "eurostat_2024.csv").read_bytes()).hexdigest()
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"error: cannot add {FIX / 'eurostat_2024_revised.csv'} as eurostat_eu_exports: it "
        f"holds 2024, as does eurostat_2024.csv (user/eurostat_eu_exports/{sha[:12]}/"
        "eurostat_2024.csv); Eurostat extracts are one per year and a year in two is refused "
        "by the build; nothing was recorded")


@pytest.mark.parametrize(("name", "source", "holds"), [
    ("sipri_register_2026.csv", "sipri_arms", "2 deals, orders 2017-2024, deliveries 2018-2025"),
    ("uzb_stat_2024/sdmx_data_1176.csv", "uzb_stat", "imports, years 2023-2024"),
    ("wdi_2025/ny.gdp.mktp.cd/data.csv", "wdi", "indicator ny.gdp.mktp.cd, years 2024-2025"),
])
def test_each_family_records_its_file(name, source, holds, _isolated_home):
    res = _add(FIX / name, "--as", source)
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0] == f"added a {source} file: {Path(name).name} ({holds})"
    entry = registry.file_entries()[-1]
    assert entry in registry.get_source(source).files
    if source == "wdi":  # named by the indicator folder, as the WDI reader expects
        assert entry.mirror_path.endswith("/indicators/ny.gdp.mktp.cd/data.csv")


# ------------------------------------------------------------ what the build reads of them
def test_a_newer_release_replaces_the_pinned_one_whole(tmp_path):
    files = [(registry.FileEntry(f"p/{n}", f"file:///{n}", "0" * 64, 1, "CC0"), tmp_path / n)
             for n in ("pinned.csv", "mine.csv")]
    ctx = BuildContext(mirror=None, report=BuildReport(tmp_path / "w.duckdb"),
                       fetched={"sipri_arms": files})
    assert ctx.latest("sipri_arms") == files[1]
    assert ctx.provenance == [("sipri_arms", "p/pinned.csv", "0" * 64, 1, 0,
                               "superseded by p/mine.csv (a newer release)")]


def test_of_two_files_of_one_kaz_release_the_later_one_is_read(tmp_path):
    first = kaz_release(tmp_path / "a.xlsx")
    second = kaz_release(tmp_path / "b.xlsx", russia=310.0)
    f = nt.read_kaz([first, second])
    rus = f[(f["partner"] == "RUS") & (f["flow"] == "exports")].set_index("year")
    assert rus["value_usd_m"].to_dict() == {2023: 0.3, 2024: 0.31}
    assert set(f["file"]) == {"b.xlsx"}


# ------------------------------------------------------------------ real files of the mirror
def _real(mirror: Path, source: str, suffix: str = "") -> Path:
    (entry,) = [f for f in registry.get_source(source).files if f.mirror_path.endswith(suffix)
                and not f.mirror_path.startswith("user/")][:1]
    return entry.under(mirror)


@pytest.mark.mirror
@pytest.mark.parametrize(("source", "suffix", "new_name", "holds"), [
    ("kaz_stat", "по странам_2023.xls", "kaz_release.xls", "release 2023, years 2022-2023"),
    ("kgz_stat", "импорта товаров..xlsx", "kgz imports.xlsx",
     "imports, years 1994-2023 (2023 provisional)"),
    ("uzb_stat", "sdmx_data_1105.csv", "new/sdmx_data_1105.csv", "exports, years 2010-2023"),
    ("eurostat_eu_exports", "10_46_09.534Z.csv", "comext.csv", "EU-27 exports, year 2010"),
    ("sipri_milex", ".xlsx", "milex.xlsx", "years 1949-2024, constant 2023 US$"),
    ("dots", "/DOTS_1.xlsx", "dots_one.xlsx",
     "reporter Afghanistan, Islamic Rep. of, years 1960-2020"),
    ("wdi", "ny.gdp.mktp.cd/data.csv", "ny.gdp.mktp.cd/data.csv",
     "indicator ny.gdp.mktp.cd, years 1960-2025"),
])
def test_real_files_under_new_names_pass_the_layout_check(mirror, tmp_path, source, suffix,
                                                          new_name, holds):
    copy = tmp_path / new_name
    copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(_real(mirror, source, suffix), copy)
    assert layouts.check(source, copy) == holds


@pytest.mark.mirror
def test_a_newer_real_register_is_added_and_read_by_the_build(mirror, tmp_path, _isolated_home):
    pinned = _real(mirror, "sipri_arms")
    copy = tmp_path / "trade-register-2026.csv"
    shutil.copy(pinned, copy)
    res = _add(copy, "--as", "sipri_arms")
    assert res.stdout.strip().startswith(f"{copy}: byte for byte the pinned file github/ColasDroin"
                                         "/SIPRI_arms_transfers_analysis/")
    assert not (_isolated_home / "extra_registry.tsv").exists()
    with copy.open("a", encoding="latin-1") as fh:
        fh.write("\n")  # SIPRI's next export: other bytes, the same layout
    res = _add(copy, "--as", "sipri_arms")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("added a sipri_arms file: trade-register-2026.csv (")
    assert _added()["state"].tolist() == ["verified"]
    ctx = BuildContext(mirror=mirror, report=BuildReport(tmp_path / "w.duckdb"))
    entry, path = ctx.latest("sipri_arms")
    assert path == copy and entry.url == copy.as_uri()
    assert [p[-1] for p in ctx.provenance] == [f"superseded by {entry.mirror_path} (a newer "
                                               "release)"]
    assert not (_isolated_home / "sources").exists()  # nothing copied into the cache
    size = copy.stat().st_size
    with copy.open("a", encoding="latin-1") as fh:
        fh.write("\n")  # changed after it was added: the pull and the build refuse it
    res = runner.invoke(app, ["data", "pull", "sipri_arms"])
    assert res.exit_code == 1
    assert res.stderr.strip() == (f"error: {copy}: {size + 1} bytes, the registry pins {size} "
                                  "(truncated or replaced file)")
    with pytest.raises(ChecksumError):
        BuildContext(mirror=mirror, report=BuildReport(tmp_path / "w.duckdb")).latest(
            "sipri_arms")
