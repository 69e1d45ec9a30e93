"""The families of files a user may add (``multivector data add``), each checked by its own parser.

A user adds next year's release of a format multivector already reads: the national trade
workbooks of Kazakhstan, Uzbekistan and Kyrgyzstan, a Eurostat Comext extract, SIPRI's arms
transfers register or military expenditure workbook, an IMF DOTS workbook, a World Bank
indicator. :func:`check` reads the file with the family's own parser, which checks the layout
first (sheet names, header rows, required columns, the unit) and then every row, so a file that
is accepted here is one the build can read. A file that departs from the layout is refused with
:class:`~multivector.core.errors.SourceError` naming the file, the sheet, row and column it
tripped on and what was expected.

Other sources (UN votes, the peacesciencer and manyIOs tables, OWID, the event files...) are
fixed releases read whole; :func:`family` says so and lists the ones that can be added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from multivector.core.errors import OptionError, ParseError, SourceError
from multivector.sources import dots, eurostat, national_trade, sipri, sipri_milex, wdi
from multivector.sources.registry import packaged_entries, source_of, titles


@dataclass(frozen=True)
class Family:
    """A source whose newer files can be added.

    ``layout`` says what is checked (docs and messages); ``check(path)`` parses the file and
    returns what it holds in a few words; ``place(path)`` is the file's place under
    ``user/<source>/<sha256 prefix>/`` in its mirror path (its name, or WDI's
    ``indicators/<code>/<name>``).
    """

    source: str
    layout: str
    check: Callable[[Path], str]
    place: Callable[[Path], str]


def _name(path: Path) -> str:
    """The file's name as a mirror path part: a backslash or control character becomes ``_``."""
    return re.sub(r"[\\\x00-\x1f\x7f]", "_", path.name)


def _years(values) -> str:
    years = sorted({int(y) for y in values})
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"


def _kaz(path: Path) -> str:
    f = national_trade.read_kaz_file(path)
    return f"release {int(f['release'].iloc[0])}, years {_years(f['year'])}"


def _uzb(path: Path) -> str:
    f = national_trade.read_uzb_file(path)
    return f"{f['flow'].iloc[0] if len(f) else 'no values'}, years {_years(f['year'])}"


def _kgz(path: Path) -> str:
    f = national_trade.read_kgz_file(path)
    prov = sorted({int(y) for y in f.loc[f["provisional"], "year"]})
    note = f" ({', '.join(map(str, prov))} provisional)" if prov else ""
    return f"{f['flow'].iloc[0]}, years {_years(f['year'])}{note}"


def _eurostat(path: Path) -> str:
    return f"EU-27 exports, year {eurostat.extract_year(path)}"


def _sipri_arms(path: Path) -> str:
    deals = sipri.read_register(path)
    delivered = [y for t in deals["delivery_years"] for y, _ in sipri.split_years(t)]
    return (f"{len(deals):,d} deals, orders {_years(deals['order_year'])}, deliveries "
            f"{_years(delivered) if delivered else 'none'}")


def _sipri_milex(path: Path) -> str:
    m = sipri_milex.read_milex_workbook(path)
    return f"years {_years(m['year'])}, {m['basis'].iloc[0]}"


def _dots(path: Path) -> str:
    f = dots.read_dots_file(path)
    return f"reporter {f['reporter_label'].iloc[0]}, years {_years(f['year'])}"


WDI_NAMES = ("data.csv", "datapackage.json")


def wdi_code(path: Path) -> str:
    """The indicator a WDI file is of: the folder holding it, as the Datahub lays them out
    (``<code>/data.csv``), one of the indicators multivector reads.

    Raises
    ------
    SourceError
        Not ``data.csv`` or ``datapackage.json``, or the folder is not such an indicator.
    """
    if path.name not in WDI_NAMES:
        raise SourceError(f"cannot add {path} as wdi: a WDI file is an indicator's data.csv or "
                          "datapackage.json, in a folder named by the indicator's code "
                          "(<code>/data.csv, as the Datahub packages them); nothing was recorded")
    code = path.parent.name.lower()
    known = sorted({wdi.indicator_code(f.mirror_path) for f in packaged_entries()
                    if source_of(f.mirror_path) == "wdi"})
    if code not in known:
        raise SourceError(f"cannot add {path} as wdi: the folder {path.parent.name!r} is not "
                          f"one of the {len(known)} World Bank indicators multivector reads; "
                          f"put the file in a folder named by its code ({', '.join(known)}); "
                          "nothing was recorded")
    return code


def _wdi(path: Path) -> str:
    code = wdi_code(path)
    if path.name == "datapackage.json":
        return f"indicator {code}: {wdi.read_meta(path, code)['title']}"
    return f"indicator {code}, years {_years(wdi.read_indicator(path, code)['year'])}"


def _wdi_place(path: Path) -> str:
    return f"indicators/{wdi_code(path)}/{path.name}"


FAMILIES: dict[str, Family] = {f.source: f for f in (
    Family("kaz_stat", "an .xls (or .xlsx) workbook; each sheet named by a year (2024, "
           "12_2024) has the unit 'тыс. долларов США' and the year in its title, a header row "
           "'Наименование...' in column A within the first 12 rows with 'Товарооборот', "
           "'Экспорт', 'Импорт' in columns B, D, F and 'Всего' under each, then the total row "
           "first and partners in Russian", _kaz, _name),
    Family("uzb_stat", "a CSV named sdmx_data_1105.csv (exports) or sdmx_data_1176.csv "
           "(imports); header 'Code', 'Klassifikator', 'Klassifikator_ru', 'Klassifikator_en', "
           "then one column per year", _uzb, _name),
    Family("kgz_stat", "an .xlsx workbook; row 1 column C the English title ('... geographic "
           "distribution of exports of goods' or '... of imports of goods'), row 2 column C "
           "'(thousand US dollars)', a row of years from column D in rows 3-6, names in "
           "Kyrgyz, Russian, English in columns A-C, the total row first", _kgz, _name),
    Family("eurostat_eu_exports", "a Comext relational-view CSV of one year; header 'REPORTER', "
           "'PARTNER', 'PRODUCT', 'FLOW', 'STAT_PROCEDURE', 'PERIOD', 'VALUE_IN_EUR'; the EU-27 "
           "as reporter, product and procedure totals, exports, PERIOD 'Jan.-Dec. <year>'; a "
           "year not already in another extract", _eurostat, _name),
    Family("sipri_arms", "the trade register CSV; 11 lines of notes (line 1 'Transfers of "
           "major conventional arms...', the note that TIVs are in millions), then the header "
           "'Recipient', 'Supplier', 'Year of order', ... 'SIPRI TIV of delivered weapons' "
           "(16 columns); it replaces the pinned register whole", _sipri_arms, _name),
    Family("sipri_milex", "the SIPRI-Milex-data workbook; sheets 'Constant (YYYY) US$', "
           "'Current US$' and 'Share of GDP', each titled as SIPRI titles it, a header row "
           "'Country', ..., 'Notes', then consecutive years; it replaces the pinned workbook "
           "whole", _sipri_milex, _name),
    Family("dots", "an IMF DOTS .xlsx workbook with sheets 'Exports, FOB' and 'Imports, CIF'; "
           "the reporter in B4, the unit 'US Dollars, Millions' in B5, years across row 7 from "
           "column C, partners down column B", _dots, _name),
    Family("wdi", "an indicator's data.csv (header 'Country Name', 'Country Code', 'Year', "
           "'Value') or datapackage.json, in a folder named by the code of one of the "
           "indicators multivector reads; it replaces that indicator's older file whole",
           _wdi, _wdi_place),
)}


def family(source: str) -> Family:
    """The family of ``source``, or an OptionError saying it cannot take added files."""
    known = titles()
    if source in FAMILIES:
        return FAMILIES[source]
    takes = ", ".join(sorted(FAMILIES))
    if source not in known:
        raise OptionError(f"--as {source!r}: no such source; multivector data add takes: "
                          f"{takes}")
    raise OptionError(f"--as {source!r}: adding files is not supported for {source} "
                      f"({known[source]}: multivector reads its pinned release only); "
                      f"multivector data add takes: {takes}")


def _where(exc: ParseError) -> str:
    """``sheet '2024', row 4`` from a ParseError's file and row (the file itself left out)."""
    sheet = re.search(r" \[(.+)\]$", str(exc.file))
    parts = [f"sheet {sheet.group(1)!r}"] if sheet else []
    if exc.row is not None:
        parts.append(f"row {exc.row}")
    return ", ".join(parts)


def check(source: str, path: Path) -> str:
    """Read ``path`` with the parser of ``source``; what it holds, in a few words.

    Raises
    ------
    SourceError
        ``cannot add <path> as <source>: <sheet, row>: <what was expected> (value: ...);
        nothing was recorded``.
    """
    fam = family(source)
    try:
        return fam.check(path)
    except ParseError as exc:
        where = _where(exc)
        value = f" (value: {exc.value!r})" if exc.value is not None else ""
        raise SourceError(f"cannot add {path} as {source}: {where + ': ' if where else ''}"
                          f"{exc.message}{value}; nothing was recorded") from None
    except SourceError:
        raise
    except Exception as exc:  # a parser meeting a foreign file (bytes, not text...)
        raise SourceError(f"cannot add {path} as {source}: the {source} parser could not read "
                          f"it ({type(exc).__name__}: {exc}); nothing was recorded") from None
