"""IMF Direction of Trade Statistics (DOTS): one workbook per reporter.

Published layout, per sheet (``Exports, FOB`` and ``Imports, CIF``), as the IMF's DOTS
export writes it:

- row 2, column B: the sheet title (``Exports, FOB to Partner Countries``);
- row 4, column B: the reporter's IMF name (``Kazakhstan, Rep. of``);
- row 5, column B: the unit (``US Dollars, Millions``);
- row 7: years across, from column C (a year may be skipped);
- from row 8: partner names down column B, values in US$ millions, empty where not reported.

A value is a number, or a string of a number followed by `` e`` (``"1,234.50 e"``): the IMF's
mark of an estimate. The parser keeps the number and sets ``estimated`` to True.

Partner rows mix countries with IMF aggregates (``World``, ``Euro Area``, ``Emerging and
Developing Asia``...). The parser keeps every row; :mod:`multivector.core.states` tells countries
from aggregates. Values are as reported by the reporter (no mirror flows).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import re
import signal
import sys
from pathlib import Path

import openpyxl
import pandas as pd

from multivector.core.errors import ParseError

SHEETS = {"Exports, FOB": "exports", "Imports, CIF": "imports"}
UNIT = "US Dollars, Millions"
COLUMNS = ["reporter_label", "partner_label", "year", "flow", "value_usd_m", "estimated"]
_ESTIMATE = re.compile(r"^\s*(-?[\d,]*\.?\d+)\s*e\s*$")


def _parse_sheet(rows: list[tuple], file: str, sheet: str) -> tuple[str, pd.DataFrame]:
    where = f"{file} [{sheet}]"
    if len(rows) < 8:
        raise ParseError(where, f"expected at least 8 rows, found {len(rows)}")
    reporter = rows[3][1] if len(rows[3]) > 1 else None
    if not isinstance(reporter, str) or not reporter.strip():
        raise ParseError(where, "no reporter name in column B", row=4, value=reporter)
    unit = rows[4][1] if len(rows[4]) > 1 else None
    if unit != UNIT:
        raise ParseError(where, f"unit must be {UNIT!r}", row=5, value=unit)
    header = rows[6]
    years: list[int] = []
    for col, cell in enumerate(header[2:], start=3):
        if cell is None:
            break
        try:
            years.append(int(str(cell).strip()))
        except ValueError:
            raise ParseError(where, f"year header in column {col} is not a year", row=7,
                             value=cell) from None
    if not years:
        raise ParseError(where, "no years in the header row", row=7)
    records = []
    for i, row in enumerate(rows[7:], start=8):
        partner = row[1] if len(row) > 1 else None
        values = row[2:2 + len(years)]
        if partner is None:
            if any(v is not None for v in values):
                raise ParseError(where, "values without a partner name", row=i)
            continue
        for year, v in zip(years, values, strict=False):
            if v is None or v == "":
                continue
            estimated = False
            if not isinstance(v, int | float):
                m = _ESTIMATE.match(str(v))
                if m is None:
                    raise ParseError(where, f"value for {partner} in {year} is not a number "
                                     "nor an IMF estimate ('<number> e')", row=i, value=v)
                v, estimated = float(m.group(1).replace(",", "")), True
            records.append((reporter.strip(), str(partner).strip(), year, float(v), estimated))
    flow = SHEETS[sheet]
    frame = pd.DataFrame(records, columns=["reporter_label", "partner_label", "year",
                                           "value_usd_m", "estimated"])
    frame.insert(3, "flow", flow)
    return reporter.strip(), frame


def read_dots_file(path: str | Path) -> pd.DataFrame:
    """Read one DOTS workbook, both sheets, into long form.

    Returns
    -------
    pandas.DataFrame
        Columns ``reporter_label, partner_label, year, flow, value_usd_m, estimated, file``
        (flow is ``exports`` or ``imports``; file is the workbook's name), one row per
        reported value.

    Raises
    ------
    ParseError
        When the workbook lacks a sheet or departs from the published layout; the message names
        the file, sheet, row and value.
    """
    path = Path(path)
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ParseError(str(path), f"not a readable xlsx workbook: {exc}") from exc
    try:
        missing = [s for s in SHEETS if s not in wb.sheetnames]
        if missing:
            raise ParseError(str(path), f"missing sheet(s) {missing}; found {wb.sheetnames}")
        frames, reporters = [], set()
        for sheet in SHEETS:
            rows = list(wb[sheet].iter_rows(values_only=True))
            reporter, frame = _parse_sheet(rows, path.name, sheet)
            reporters.add(reporter)
            frames.append(frame)
    finally:
        wb.close()
    if len(reporters) != 1:
        raise ParseError(str(path), f"the two sheets name different reporters: {reporters}")
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype("int16")
    out["file"] = pd.Categorical([path.name] * len(out))
    return out[[*COLUMNS, "file"]]


def init_worker() -> None:
    """Set up a worker process of a build: the default SIGTERM action (the parent's handler,
    inherited through fork, would raise in it), SIGINT left to the parent, and on Linux a
    SIGKILL when the parent dies, so that no worker outlives a killed build."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def read_dots(paths: list[Path], workers: int = 2, progress=None) -> pd.DataFrame:
    """Read many DOTS workbooks (in ``workers`` processes) into one long frame.

    ``progress``, when given, is called with no argument after each file.
    """
    if workers <= 1:
        frames = []
        for p in paths:
            frames.append(read_dots_file(p))
            if progress:
                progress()
    else:
        # a Pool, not a ProcessPoolExecutor: leaving the block (a signal, an error) terminates
        # the workers at once instead of letting them finish every queued file
        with multiprocessing.get_context("fork").Pool(workers, initializer=init_worker) as pool:
            frames = []
            for frame in pool.imap(read_dots_file, paths, chunksize=4):
                frames.append(frame)
                if progress:
                    progress()
    out = pd.concat(frames, ignore_index=True)
    out["file"] = out["file"].astype("category")
    return out
