"""Trade by partner from national statistical offices: Kazakhstan, Uzbekistan, Kyrgyzstan.

IMF DOTS in the pinned files ends in 2020. Three Central Asian statistical offices publish
their own trade by partner country to 2023; this module reads each publication, checks its
layout, and returns one tidy frame per publication:

``reporter, partner, partner_label, partner_kind, year, flow, value_usd_m, provisional,
source, file``

in US$ million (the publications' thousand US$ divided by 1,000). ``partner`` is the ISO3 code
of a state (``partner_kind`` ``state`` or ``historical``); aggregates the offices print beside
countries (CIS, EAEU, EU, continents: ``aggregate``), the total over all partners (``total``)
and trade not allocated to a country (``residual``) keep their row with ``partner`` empty.
Names map to ISO3 through ``data/partner_names.csv`` (:func:`partner_names`); a name the table
lacks is an :class:`UnknownPartnerError` naming the file, row and name, never a silent drop.

Publications
------------
``kaz_stat``
    Bureau of National Statistics of Kazakhstan, *Main indicators of foreign trade by country*
    (one ``.xls`` per release, or an ``.xlsx`` of the same layout, one sheet per year, two years
    per release). A header row with ``Наименование…`` in column A and ``Товарооборот``
    (turnover), ``Экспорт``, ``Импорт`` in columns B, D, F; the row under it says ``Всего``
    (total) in B, D, F; the unit ``тыс. долларов США`` above; partners in Russian down column
    A; exports in D, imports in F (C, E, G are % shares, not read). A year printed in two
    releases is taken from the later one (the Bureau revises the earlier year when it
    publishes the next).
``uzb_stat``
    Statistics Agency under the President of Uzbekistan, SDMX exports ``sdmx_data_1105.csv``
    (exports) and ``sdmx_data_1176.csv`` (imports): ``Code`` (numeric ISO 3166), the name in
    Uzbek, Russian and English, then one column per year. No total row: the total is the sum
    over partners. 1105 is exports: its 2019 sum is US$17.46 bn, the Agency's published 2019
    exports; 1176 sums to US$24.29 bn, its 2019 imports.
``kgz_stat``
    National Statistical Committee of the Kyrgyz Republic, tables 4.03.00.18 (exports) and
    4.03.00.20 (imports): title in Kyrgyz, Russian and English in row 1, unit in row 2, years
    across from column D, names in Kyrgyz, Russian, English in columns A-C, ``-`` for none. A
    year header with a footnote mark (``2023 1``: *preliminary data*) sets ``provisional``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import xlrd

from multivector.core.errors import ParseError
from multivector.core.states import _converter

COLUMNS = ["reporter", "partner", "partner_label", "partner_kind", "year", "flow",
           "value_usd_m", "provisional", "source", "file"]
PARTNER_KINDS = ("state", "historical", "aggregate", "total", "residual")
SOURCES = {"kaz_stat": "KAZ", "uzb_stat": "UZB", "kgz_stat": "KGZ"}


class UnknownPartnerError(ParseError):
    """A partner name that ``data/partner_names.csv`` does not hold (file, row and name)."""


def norm(name: str) -> str:
    """The lookup key of a name: case, ``ё``/``е`` and runs of white space do not matter."""
    return re.sub(r"\s+", " ", name.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


@cache
def partner_names() -> dict[tuple[str, str], tuple[str | None, str]]:
    """``(lang, normalised name) -> (iso3 or None, kind)`` from ``data/partner_names.csv``.

    ``lang`` is ``ru``, ``uz``, ``ky`` or ``en``; ``kind`` one of :data:`PARTNER_KINDS`.
    """
    text = resources.files("multivector.data").joinpath("partner_names.csv").read_text("utf-8")
    out: dict[tuple[str, str], tuple[str | None, str]] = {}
    for i, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        if row["kind"] not in PARTNER_KINDS:
            raise ParseError("multivector/data/partner_names.csv", "unknown kind", row=i,
                             value=row["kind"])
        out[(row["lang"], norm(row["name"]))] = (row["iso3"] or None, row["kind"])
    return out


def resolve(name: str, lang: str, file: str, row: int | str) -> tuple[str | None, str]:
    """ISO3 (or None) and kind of a partner name; :class:`UnknownPartnerError` if unknown."""
    hit = partner_names().get((lang, norm(name)))
    if hit is None:
        raise UnknownPartnerError(file, f"partner name not in data/partner_names.csv ({lang}); "
                                  "add it with its ISO3 code or kind", row=row, value=name)
    return hit


def _number(v: object, where: str, row: int, col: str, what: str) -> float | None:
    """A cell as a number in thousand US$; None for an empty cell or ``-``."""
    if v is None or (isinstance(v, str) and v.strip() in ("", "-", "–")):
        return None
    if isinstance(v, bool):
        raise ParseError(where, f"{what} in column {col} is not a number", row=row, value=v)
    if isinstance(v, int | float):
        return float(v)
    try:
        return float(str(v).replace("\xa0", "").replace(" ", "").replace(",", "."))
    except ValueError:
        raise ParseError(where, f"{what} in column {col} is not a number", row=row,
                         value=v) from None


def _frame(records: list[tuple], reporter: str, source: str, file: str) -> pd.DataFrame:
    out = pd.DataFrame(records, columns=["partner", "partner_label", "partner_kind", "year",
                                         "flow", "value_usd_m", "provisional"])
    out.insert(0, "reporter", reporter)
    out["year"] = out["year"].astype("int16")
    out["value_usd_m"] = out["value_usd_m"].astype("float64") / 1000.0
    out["provisional"] = out["provisional"].astype(bool)
    out["source"] = source
    out["file"] = file
    return out[COLUMNS]


# ------------------------------------------------------------------------------ Kazakhstan
KAZ_HEADER = {1: "товарооборот", 3: "экспорт", 5: "импорт"}  # columns B, D, F (0-based)
KAZ_FLOWS = {3: "exports", 5: "imports"}
KAZ_UNIT = "тыс. долларов США"


def _col(i: int) -> str:
    return chr(ord("A") + i)


def _kaz_sheet(rows: list[list], where: str, sheet_year: int) -> list[tuple]:
    head = next((i for i, r in enumerate(rows[:12])
                 if isinstance(r[0], str) and r[0].strip().startswith("Наименование")), None)
    if head is None:
        raise ParseError(where, "no header row ('Наименование...' in column A) in the first "
                                "12 rows")
    above = " ".join(str(c) for r in rows[:head] for c in r)
    if KAZ_UNIT not in above:
        raise ParseError(where, f"unit {KAZ_UNIT!r} not stated above the header", row=head + 1)
    years = {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", above)}
    if years != {sheet_year}:
        raise ParseError(where, f"the title states year(s) {sorted(years)}, the sheet name "
                                f"{sheet_year}", row=1)
    for j, label in KAZ_HEADER.items():
        cell = rows[head][j] if len(rows[head]) > j else None
        if not isinstance(cell, str) or cell.strip().casefold() != label:
            raise ParseError(where, f"column {_col(j)} of the header must be {label!r}",
                             row=head + 1, value=cell)
        sub = rows[head + 1][j] if len(rows) > head + 1 else None
        if not isinstance(sub, str) or sub.strip().casefold() != "всего":
            raise ParseError(where, f"column {_col(j)} under the header must be 'Всего'",
                             row=head + 2, value=sub)
    records = []
    first = True
    for i, r in enumerate(rows[head + 2:], start=head + 3):
        name = r[0]
        vals = {j: r[j] if len(r) > j else None for j in KAZ_FLOWS}
        if not isinstance(name, str) or not name.strip():
            if any(_number(v, where, i, _col(j), "value") is not None for j, v in vals.items()):
                raise ParseError(where, "values without a partner name in column A", row=i)
            continue
        iso3, kind = resolve(name, "ru", where, i)
        if first and kind != "total":
            raise ParseError(where, "the first row under the header must be the total "
                                    "('Всего')", row=i, value=name)
        first = False
        for j, flow in KAZ_FLOWS.items():
            v = _number(vals[j], where, i, _col(j), f"{flow} of {name.strip()!r}")
            if v is not None:
                records.append((iso3, " ".join(name.split()), kind, sheet_year, flow, v,
                                False))
    return records


def _kaz_workbook(path: Path) -> list[tuple[str, list[list]]]:
    """Every sheet of a release as ``(name, rows)``: an ``.xlsx`` through openpyxl (empty cells
    as ``""``, rows padded to one width, as xlrd gives them), anything else through xlrd."""
    if path.suffix.lower() != ".xlsx":
        try:
            wb = xlrd.open_workbook(str(path))
        except Exception as exc:  # xlrd.XLRDError, OSError, CompDocError...
            raise ParseError(path.name, f"not a readable xls workbook: {exc}") from exc
        return [(sh.name, [sh.row_values(i) for i in range(sh.nrows)]) for sh in wb.sheets()]
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ParseError(path.name, f"not a readable xlsx workbook: {exc}") from exc
    try:
        out = []
        for ws in wb.worksheets:
            rows = [["" if c is None else c for c in r] for r in ws.iter_rows(values_only=True)]
            width = max((len(r) for r in rows), default=0)
            out.append((ws.title, [r + [""] * (width - len(r)) for r in rows]))
        return out
    finally:
        wb.close()


def read_kaz_file(path: str | Path) -> pd.DataFrame:
    """Read one release of Kazakhstan's *Main indicators of foreign trade by country*.

    The Bureau publishes ``.xls``; a release saved as ``.xlsx`` is read the same way. Every
    sheet named by a year (``2023``, ``12_2019``) is read; other sheets (cover, contents,
    notes) are skipped. Returns :data:`COLUMNS` plus ``release`` (the latest year the file
    holds). Raises :class:`~multivector.core.errors.ParseError` naming the file, sheet, row and
    value where the layout departs from the published one.
    """
    path = Path(path)
    sheets = _kaz_workbook(path)
    frames = []
    for name, rows in sheets:
        m = re.search(r"(?:^|_)((?:19|20)\d\d)$", name.strip())
        if m is None:
            continue
        where = f"{path.name} [{name}]"
        frames.append(_frame(_kaz_sheet(rows, where, int(m.group(1))), "KAZ", "kaz_stat",
                             path.name))
    if not frames:
        raise ParseError(path.name, f"no sheet named by a year; sheets: {[n for n, _ in sheets]}")
    out = pd.concat(frames, ignore_index=True)
    return out.assign(release=int(out["year"].max()))


def read_kaz(paths: Iterable[str | Path]) -> pd.DataFrame:
    """All releases; each year from the latest release that prints it (revised figures), and
    of two files of one release the later one (a user's file added after the pinned ones)."""
    frames = [read_kaz_file(p).assign(order=i) for i, p in enumerate(paths)]
    raw = pd.concat(frames, ignore_index=True)
    latest = raw.groupby("year")["release"].transform("max")
    raw = raw[raw["release"] == latest]
    last = raw.groupby("year")["order"].transform("max")
    return raw[raw["order"] == last][COLUMNS].reset_index(drop=True)


# ------------------------------------------------------------------------------ Uzbekistan
UZB_DATASETS = {"1105": "exports", "1176": "imports"}
UZB_NAMES = ["Code", "Klassifikator", "Klassifikator_ru", "Klassifikator_en"]


@cache
def _numeric_iso3() -> dict[str, str]:
    data = _converter().data
    return dict(zip(data["ISOnumeric"].astype(str).str.zfill(3), data["ISO3"], strict=True))


def read_uzb_file(path: str | Path) -> pd.DataFrame:
    """Read one SDMX export of Uzbekistan's statistics agency (``sdmx_data_<id>.csv``).

    The dataset id in the file name gives the flow (:data:`UZB_DATASETS`). The numeric code
    and the Russian name must name the same state. Raises ParseError (file, row, value).
    """
    path = Path(path)
    m = re.search(r"sdmx_data_(\d+)", path.name)
    if m is None or m.group(1) not in UZB_DATASETS:
        raise ParseError(path.name, f"not a known dataset; expected sdmx_data_<id>.csv with id "
                                    f"in {sorted(UZB_DATASETS)}")
    flow = UZB_DATASETS[m.group(1)]
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise ParseError(path.name, "empty file")
    header = [c.strip() for c in rows[0]]
    if header[:4] != UZB_NAMES:
        bad = next(j for j in range(4) if j >= len(header) or header[j] != UZB_NAMES[j])
        raise ParseError(path.name, f"column {_col(bad)} of the header must be "
                                    f"{UZB_NAMES[bad]!r}", row=1,
                         value=header[bad] if bad < len(header) else None)
    years = []
    for j, c in enumerate(header[4:], start=4):
        if not re.fullmatch(r"(19|20)\d\d", c):
            raise ParseError(path.name, f"column {_col(j)} of the header is not a year", row=1,
                             value=c)
        years.append(int(c))
    if not years:
        raise ParseError(path.name, "no year columns after Klassifikator_en", row=1)
    codes = _numeric_iso3()
    records = []
    for i, r in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in r):
            continue
        if len(r) != len(header):
            raise ParseError(path.name, f"expected {len(header)} columns, found {len(r)}", row=i)
        code, name = r[0].strip(), r[2]
        iso3, kind = resolve(name, "ru", path.name, i)
        if kind in ("state", "historical") and code.zfill(3) in codes \
                and codes[code.zfill(3)] != iso3:
            raise ParseError(path.name, f"code {code} is {codes[code.zfill(3)]}, the name "
                                        f"{name!r} is {iso3}", row=i, value=code)
        for j, year in enumerate(years, start=4):
            v = _number(r[j], path.name, i, _col(j), f"{flow} of {name!r} in {year}")
            if v is not None:
                records.append((iso3, name.strip(), kind, year, flow, v, False))
    return _frame(records, "UZB", "uzb_stat", path.name)


# ------------------------------------------------------------------------------- Kyrgyzstan
KGZ_TABLES = {"exports": "geographic distribution of exports of goods",
              "imports": "geographic distribution of imports of goods"}
KGZ_UNIT = "(thousand us dollars)"


def read_kgz_file(path: str | Path) -> pd.DataFrame:
    """Read one table of Kyrgyzstan's geographic distribution of exports or imports.

    The flow comes from the English title (row 1, column C). Raises ParseError (file, row,
    value) where the layout departs from the published one.
    """
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ParseError(path.name, f"not a readable xlsx workbook: {exc}") from exc
    try:
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    where = path.name
    if len(rows) < 5:
        raise ParseError(where, f"expected at least 5 rows, found {len(rows)}")
    title = str(rows[0][2] if len(rows[0]) > 2 else "").strip().casefold()
    flow = next((f for f, t in KGZ_TABLES.items() if title.endswith(t)), None)
    if flow is None:
        raise ParseError(where, "column C of row 1 must be the English title "
                                f"({' or '.join(repr(t) for t in KGZ_TABLES.values())})",
                         row=1, value=rows[0][2] if len(rows[0]) > 2 else None)
    unit = str(rows[1][2] if len(rows[1]) > 2 else "").strip().casefold()
    if unit != KGZ_UNIT:
        raise ParseError(where, f"column C of row 2 must state the unit {KGZ_UNIT!r}", row=2,
                         value=rows[1][2] if len(rows[1]) > 2 else None)
    head = next((i for i in range(2, 6) if isinstance(rows[i][3], int | float | str)
                 and re.match(r"^(19|20)\d\d", str(rows[i][3]))), None)
    if head is None:
        raise ParseError(where, "no year header (a year in column D) in rows 3-6", row=3)
    years: list[tuple[int, int, bool]] = []  # column, year, provisional
    for j, c in enumerate(rows[head][3:], start=3):
        if c is None:
            break
        ym = re.fullmatch(r"((?:19|20)\d\d)(?:\.0)?(\s*\d)?", str(c).strip())
        if ym is None:
            raise ParseError(where, f"column {_col(j)} of the header is not a year", row=head + 1,
                             value=c)
        years.append((j, int(ym.group(1)), ym.group(2) is not None))
    records = []
    first = True
    for i, r in enumerate(rows[head + 1:], start=head + 2):
        name = r[1] if len(r) > 1 else None
        cells = [(j, y, p, r[j] if len(r) > j else None) for j, y, p in years]
        if not isinstance(name, str) or not name.strip():
            if any(_number(v, where, i, _col(j), "value") is not None for j, _, _, v in cells):
                raise ParseError(where, "values without a partner name in column B", row=i)
            continue
        if re.match(r"^\d+\s", name.strip()) and all(v is None for *_, v in cells):
            continue  # a footnote ("1 Предварительные данные")
        iso3, kind = resolve(name, "ru", where, i)
        if first and kind != "total":
            raise ParseError(where, "the first row under the header must be the total "
                                    "('Всего')", row=i, value=name)
        first = False
        for j, year, prov, v in cells:
            x = _number(v, where, i, _col(j), f"{flow} of {name.strip()!r} in {year}")
            if x is not None:
                records.append((iso3, " ".join(name.split()), kind, year, flow, x, prov))
    return _frame(records, "KGZ", "kgz_stat", path.name)


def read_national(source: str, paths: list[Path]) -> pd.DataFrame:
    """The publication ``source`` (a key of :data:`SOURCES`) from its files, one frame."""
    if source == "kaz_stat":
        return read_kaz(paths)
    reader = {"uzb_stat": read_uzb_file, "kgz_stat": read_kgz_file}[source]
    out = pd.concat([reader(p) for p in paths], ignore_index=True)
    # a user's newer file (MULTIVECTOR_EXTRA_REGISTRY, read last) replaces older values
    return out.drop_duplicates(["partner_label", "year", "flow"], keep="last",
                               ignore_index=True)
