"""The national-statistics trade parsers on small files written here: each layout's failure
modes (a missing column, a shifted header, an unknown partner name, a non-numeric value) stop
the parse with an error naming the file, row and value."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from multivector.core.errors import ParseError
from multivector.sources import national_trade as nt

# ---------------------------------------------------------------------------- Kazakhstan
UNIT_ROW = ["", "", "", "", "тыс. долларов США", "", ""]
HEADER = ["Наименование страны", "Товарооборот", "", "Экспорт", "", "Импорт", ""]
SUBHEAD = ["", "Всего", "%", "Всего", "%", "Всего", "%"]


def _kaz_rows(**change) -> list[list]:
    rows = [[" Основные показатели внешней торговли Республики Казахстан", *[""] * 6],
            ["за январь-декабрь 2021 года", *[""] * 6], list(UNIT_ROW), list(HEADER),
            list(SUBHEAD),
            ["Всего", 3000.0, 100.0, 2000.0, 100.0, 1000.0, 100.0],
            ["Страны СНГ", 500.0, 16.7, 300.0, 15.0, 200.0, 20.0],
            ["Россия", 500.0, 16.7, 300.0, 15.0, 200.0, 20.0],
            ["Китай", 2500.0, 83.3, 1700.0, 85.0, "", ""]]
    for key, value in change.items():
        row, col = (int(x) for x in key[1:].split("_"))
        rows[row][col] = value
    return rows


def test_kaz_sheet_reads_exports_and_imports_in_thousands():
    recs = nt._kaz_sheet(_kaz_rows(), "f.xls [12_2021]", 2021)
    got = {(r[1], r[4]): (r[0], r[2], r[5]) for r in recs}
    assert got[("Россия", "exports")] == ("RUS", "state", 300.0)
    assert got[("Всего", "imports")] == (None, "total", 1000.0)
    assert got[("Страны СНГ", "exports")] == (None, "aggregate", 300.0)
    assert ("Китай", "imports") not in got  # an empty cell is no value, not a zero
    assert {r[3] for r in recs} == {2021}


def test_kaz_missing_export_column():
    with pytest.raises(ParseError, match=r"row 4: column D of the header must be 'экспорт'"):
        nt._kaz_sheet(_kaz_rows(r3_3="Сальдо"), "f.xls [12_2021]", 2021)


def test_kaz_shifted_header():
    rows = _kaz_rows()  # the table moved one column to the right
    rows = [rows[0], rows[1], UNIT_ROW] + [["", *r[:-1]] for r in rows[3:]]
    with pytest.raises(ParseError, match=r"f\.xls \[12_2021\]: no header row"):
        nt._kaz_sheet(rows, "f.xls [12_2021]", 2021)


def test_kaz_unknown_partner_names_file_row_and_name():
    with pytest.raises(nt.UnknownPartnerError) as err:
        nt._kaz_sheet(_kaz_rows(r7_0="Атлантида"), "f.xls [12_2021]", 2021)
    assert (err.value.file, err.value.row, err.value.value) == ("f.xls [12_2021]", 8,
                                                                 "Атлантида")


def test_kaz_non_numeric_value():
    with pytest.raises(ParseError, match=r"row 8: exports of 'Россия' in column D is not a "
                                         r"number \(value: 'н/д'\)"):
        nt._kaz_sheet(_kaz_rows(r7_3="н/д"), "f.xls [12_2021]", 2021)


def test_kaz_title_year_must_match_sheet_and_unit_must_be_stated():
    with pytest.raises(ParseError, match=r"title states year\(s\) \[2021\], the sheet name 2022"):
        nt._kaz_sheet(_kaz_rows(), "f.xls [12_2022]", 2022)
    with pytest.raises(ParseError, match="unit 'тыс. долларов США' not stated"):
        nt._kaz_sheet(_kaz_rows(r2_4="млн долларов США"), "f.xls [12_2021]", 2021)


def test_kaz_first_row_must_be_the_total():
    rows = _kaz_rows()
    del rows[5]
    with pytest.raises(ParseError, match="row 6: the first row under the header must be the "
                                         "total"):
        nt._kaz_sheet(rows, "f.xls [12_2021]", 2021)


# ---------------------------------------------------------------------------- Uzbekistan
UZ_HEADER = ["Code", "Klassifikator", "Klassifikator_ru", "Klassifikator_en", "2022", "2023"]


def _uzb(tmp_path: Path, rows: list[list], header=UZ_HEADER, name="sdmx_data_1105.csv") -> Path:
    p = tmp_path / name
    with p.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return p


RUS = ["643", "Rossiya", "Россия", "Russia", "3151098.4", "3495675.6"]


def test_uzb_reads_thousands_as_millions(tmp_path):
    f = nt.read_uzb_file(_uzb(tmp_path, [RUS, ["0", "Boshqa", "Другие страны", "Other", "", "1"]]))
    assert set(f["flow"]) == {"exports"} and set(f["source"]) == {"uzb_stat"}
    rus = f[f["partner"] == "RUS"].set_index("year")["value_usd_m"]
    assert rus[2023] == pytest.approx(3495.6756)
    other = f[f["partner_kind"] == "residual"]
    assert list(other["year"]) == [2023]  # the empty 2022 cell is no value


def test_uzb_missing_column(tmp_path):
    header = [c for c in UZ_HEADER if c != "Klassifikator_ru"]
    with pytest.raises(ParseError, match=r"row 1: column C of the header must be "
                                         r"'Klassifikator_ru' \(value: 'Klassifikator_en'\)"):
        nt.read_uzb_file(_uzb(tmp_path, [RUS[:2] + RUS[3:]], header=header))


def test_uzb_shifted_header(tmp_path):
    with pytest.raises(ParseError, match=r"row 1: column A of the header must be 'Code'"):
        nt.read_uzb_file(_uzb(tmp_path, [["", *RUS]], header=["", *UZ_HEADER]))


def test_uzb_unknown_partner(tmp_path):
    bad = ["999", "Atlantida", "Атлантида", "Atlantis", "1", "2"]
    with pytest.raises(nt.UnknownPartnerError, match=r"sdmx_data_1105\.csv, row 3: .*"
                                                      r"\(value: 'Атлантида'\)"):
        nt.read_uzb_file(_uzb(tmp_path, [RUS, bad]))


def test_uzb_non_numeric_value_and_code_name_mismatch(tmp_path):
    with pytest.raises(ParseError, match=r"row 2: exports of 'Россия' in 2023 in column F is "
                                         r"not a number \(value: 'n/a'\)"):
        nt.read_uzb_file(_uzb(tmp_path, [[*RUS[:5], "n/a"]]))
    with pytest.raises(ParseError, match=r"row 2: code 156 is CHN, the name 'Россия' is RUS"):
        nt.read_uzb_file(_uzb(tmp_path, [["156", *RUS[1:]]]))


def test_uzb_dataset_id_decides_the_flow(tmp_path):
    assert set(nt.read_uzb_file(_uzb(tmp_path, [RUS], name="sdmx_data_1176.csv"))["flow"]) \
        == {"imports"}
    with pytest.raises(ParseError, match="not a known dataset"):
        nt.read_uzb_file(_uzb(tmp_path, [RUS], name="sdmx_data_9999.csv"))


# ---------------------------------------------------------------------------- Kyrgyzstan
def _kgz(tmp_path: Path, rows: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    p = tmp_path / "4.03.00.20 импорт.xlsx"
    wb.save(p)
    return p


def _kgz_rows() -> list[list]:
    return [["4.03.00.20: …", "4.03.00.20: Географическое распределение импорта товаров",
             "4.03.00.20: Geographic distribution of imports of goods"],
            ["(миң АКШ доллары)", "(тыс. долларов США)", "(thousand US dollars)"],
            [None, None, None, 2021, 2022, "2023 1"],
            ["Бардыгы", "Всего", "Total", 5580207.282, 9803159.382, 12351968.058],
            ["КМШ", "СНГ", "CIS", 3050427.13, 3577545.785, 3641750.04],
            [None] * 6,
            ["Кытай", "Китай", "China", 1463823.1, 4069468.4, "-"],
            [None] * 6,
            ["1 Алдын ала маалыматтар.", "1 Предварительные данные", "1 Рreliminary data"]]


def test_kgz_reads_flow_years_and_provisional_mark(tmp_path):
    f = nt.read_kgz_file(_kgz(tmp_path, _kgz_rows()))
    assert set(f["flow"]) == {"imports"}
    tot = f[f["partner_kind"] == "total"].set_index("year")
    assert tot.loc[2023, "value_usd_m"] == pytest.approx(12351.968058)
    assert bool(tot.loc[2023, "provisional"]) and not bool(tot.loc[2022, "provisional"])
    chn = f[f["partner"] == "CHN"]
    assert sorted(chn["year"]) == [2021, 2022]  # "-" is no value


def test_kgz_missing_unit(tmp_path):
    rows = _kgz_rows()
    rows[1] = ["(миң АКШ доллары)", "(тыс. долларов США)"]
    with pytest.raises(ParseError, match=r"row 2: column C of row 2 must state the unit"):
        nt.read_kgz_file(_kgz(tmp_path, rows))


def test_kgz_shifted_header(tmp_path):
    rows = [[None, *r] for r in _kgz_rows()]
    with pytest.raises(ParseError, match=r"row 1: column C of row 1 must be the English title"):
        nt.read_kgz_file(_kgz(tmp_path, rows))


def test_kgz_unknown_partner(tmp_path):
    rows = _kgz_rows()
    rows[6][1] = "Атлантида"
    with pytest.raises(nt.UnknownPartnerError) as err:
        nt.read_kgz_file(_kgz(tmp_path, rows))
    assert (err.value.row, err.value.value) == (7, "Атлантида")
    assert "4.03.00.20 импорт.xlsx" in str(err.value)


def test_kgz_non_numeric_value(tmp_path):
    rows = _kgz_rows()
    rows[6][4] = "конф."
    with pytest.raises(ParseError, match=r"row 7: imports of 'Китай' in 2022 in column E is "
                                         r"not a number \(value: 'конф.'\)"):
        nt.read_kgz_file(_kgz(tmp_path, rows))


def test_partner_table_kinds_and_lookup_ignores_case_and_spacing():
    assert nt.resolve("  Антигуа И  Барбуда", "ru", "f", 1) == ("ATG", "state")
    assert nt.resolve("Страны ЕАЭС", "ru", "f", 1) == (None, "aggregate")
    kinds = {kind for _, kind in nt.partner_names().values()}
    assert kinds <= set(nt.PARTNER_KINDS)


# ---------------------------------------------------------------------------- Eurostat
EU = "European Union - 27 countries (AT, BE, BG, CY, CZ, DE, DK, EE, ES, FI, FR, GR, HR, HU, IE)"


def _eu(tmp_path: Path, rows: list[list], header=None) -> Path:
    from multivector.sources import eurostat as es

    p = tmp_path / "Relational_View_x.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC)
        w.writerow(header or es.HEADER)
        w.writerows(rows)
    return p


KAZ_2023 = [EU, "Kazakhstan", "TOTAL-Total", "2-EXPORT", "T-Total", "202352-Jan.-Dec. 2023",
            12109990000]


def test_eurostat_converts_euros_at_the_annual_rate(tmp_path):
    from multivector.sources import eurostat as es

    f = es.read_eurostat_file(_eu(tmp_path, [KAZ_2023]), {2023: 0.92484})
    (row,) = f.itertuples()
    assert (row.reporter, row.partner, row.year, row.flow) == ("EU27", "KAZ", 2023, "exports")
    assert row.value_usd_m == pytest.approx(12109.99 / 0.92484)


def test_eurostat_failure_modes(tmp_path):
    from multivector.sources import eurostat as es

    rate = {2023: 0.92484}
    with pytest.raises(ParseError, match=r"row 1: column G of the header must be "
                                         r"'VALUE_IN_EUR'$"):
        es.read_eurostat_file(_eu(tmp_path, [KAZ_2023[:6]], header=es.HEADER[:6]), rate)
    with pytest.raises(ParseError, match=r"row 1: column A of the header must be 'REPORTER'"):
        es.read_eurostat_file(_eu(tmp_path, [["", *KAZ_2023]], header=["", *es.HEADER]), rate)
    with pytest.raises(nt.UnknownPartnerError, match=r"row 2: .*\(value: 'Atlantis'\)"):
        es.read_eurostat_file(_eu(tmp_path, [[EU, "Atlantis", *KAZ_2023[2:]]]), rate)
    with pytest.raises(ParseError, match=r"row 2: VALUE_IN_EUR is not a number \(value: ':c'\)"):
        es.read_eurostat_file(_eu(tmp_path, [[*KAZ_2023[:6], ":c"]]), rate)
    with pytest.raises(ParseError, match=r"no EUR/USD rate for 2023"):
        es.read_eurostat_file(_eu(tmp_path, [KAZ_2023]), {2022: 0.95})
    with pytest.raises(ParseError, match=r"row 2: FLOW must be one of"):
        es.read_eurostat_file(_eu(tmp_path, [[*KAZ_2023[:3], "1-IMPORT", *KAZ_2023[4:]]]), rate)
