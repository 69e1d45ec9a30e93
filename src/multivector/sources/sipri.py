"""SIPRI Arms Transfers Database: the trade register, and deliveries per year in TIV.

The register (CSV export of sipri.org/databases/armstransfers) is 11 lines of notes, the header
and one row per deal::

    Recipient, Supplier, Year of order, ?, Number ordered, ?, Weapon designation,
    Weapon description, Number delivered, ?, Year(s) of delivery, status, Comments,
    SIPRI TIV per unit, SIPRI TIV for total order, SIPRI TIV of delivered weapons

The three unnamed columns (a space in the header) hold SIPRI's ``?`` for an uncertain year of
order, number ordered or number delivered. TIVs are in millions (the notes say so, and the
parser checks it). ``Year(s) of delivery`` lists years separated by ``"; "``; SIPRI's register
can give the units delivered each year in parentheses (``"2015 (30); 2016 (60)"``).

Names follow SIPRI's conventions: ``*`` marks a non-state actor (``"Houthi rebels (Yemen)*"``),
``**`` an international organisation (``"NATO**"``), and ``unknown supplier(s)`` /
``unknown recipient(s)`` / ``unknown rebel group*`` unknown parties. These are kept with
``kind`` ``non_state``, ``organisation`` or ``unknown`` and no ISO3 code; states resolve through
:func:`multivector.core.states.resolve_names` under the source key ``sipri`` (overrides in
``data/country_names.csv``: Soviet Union to RUS as its continuing state, Yugoslavia, the two
Yemens, East Germany, Czechoslovakia, South Vietnam, Katanga, Biafra, Northern Cyprus...). A
label that resolves to nothing is ``unmapped``, kept and reported, never dropped.

Yearly deliveries (:func:`yearly_deliveries`) follow SIPRI's rule for its yearly figures: where
the register gives the units delivered each year, a year's TIV is its units times the TIV per
unit; otherwise the TIV of delivered weapons is spread evenly over the years of delivery.

References
----------
SIPRI (2025). SIPRI Arms Transfers Database, Sources and methods
(sipri.org/databases/armstransfers/sources-and-methods).
Holtom, P., Bromley, M. and Simmel, V. (2012). Measuring International Arms Transfers. SIPRI
Fact Sheet, December 2012.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pandas as pd

from multivector.core import states
from multivector.core.errors import ParseError

NOTE_LINES = 11
HEADER = ["Recipient", "Supplier", "Year of order", "", "Number ordered", "",
          "Weapon designation", "Weapon description", "Number delivered", "",
          "Year(s) of delivery", "status", "Comments", "SIPRI TIV per unit",
          "SIPRI TIV for total order", "SIPRI TIV of delivered weapons"]
FIRST_NOTE = "Transfers of major conventional arms"
UNIT_NOTE = "SIPRI trend-indicator values (TIVs) are in millions."
DEAL_COLUMNS = ["deal", "recipient_label", "supplier_label", "order_year",
                "order_year_uncertain", "n_ordered", "n_ordered_uncertain", "designation",
                "description", "n_delivered", "n_delivered_uncertain", "delivery_years",
                "status", "comments", "tiv_unit", "tiv_order", "tiv_delivered"]
ARMS_COLUMNS = ["supplier", "recipient", "year", "tiv", "n_deals", "supplier_label",
                "supplier_kind", "recipient_label", "recipient_kind", "source"]
_YEARS = re.compile(r"^\d{4}(?: \(\d+\))?(?:; \d{4}(?: \(\d+\))?)*$")
_ONE_YEAR = re.compile(r"(\d{4})(?: \((\d+)\))?")
_UNKNOWN = re.compile(r"^unknown (?:supplier|recipient|rebel group)", re.IGNORECASE)


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Notes checked, header, and data rows with their line numbers.

    Four deals of the 2025 export have a line break inside ``Comments``: the row is cut after
    ``Comments`` (13 fields) and the next line holds the rest of the comment and the three TIVs
    (4 fields). Such a pair is joined into one row; any other field count is a ParseError.
    """
    with open(path, encoding="latin-1", newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) <= NOTE_LINES or not rows[0] or not rows[0][0].startswith(FIRST_NOTE):
        raise ParseError(str(path), f"not a SIPRI trade register: line 1 must start with "
                         f"{FIRST_NOTE!r}", row=1, value=rows[0][0][:60] if rows and rows[0]
                         else None)
    if not any(r and r[0].strip() == UNIT_NOTE for r in rows[:NOTE_LINES]):
        raise ParseError(str(path), f"the notes do not say {UNIT_NOTE!r}: TIV unit unknown")
    header = [c.strip() for c in rows[NOTE_LINES]]
    if header != HEADER:
        bad = next((i for i, (a, b) in enumerate(zip(header, HEADER, strict=False)) if a != b),
                   min(len(header), len(HEADER)))
        raise ParseError(str(path), f"header differs from the trade register's in column "
                         f"{bad + 1} (expected {HEADER[bad] if bad < len(HEADER) else None!r})",
                         row=NOTE_LINES + 1, value=header[bad] if bad < len(header) else None)
    out: list[tuple[int, list[str]]] = []
    i = NOTE_LINES + 1
    while i < len(rows):
        r, line = rows[i], i + 1
        if len(r) == len(HEADER):
            out.append((line, r))
        elif len(r) == 13 and i + 1 < len(rows) and len(rows[i + 1]) == 4:
            nxt = rows[i + 1]
            comment = " ".join(x for x in (r[12].strip(), nxt[0].strip()) if x)
            out.append((line, [*r[:12], comment, *nxt[1:]]))
            i += 1
        elif r:
            raise ParseError(str(path), f"expected {len(HEADER)} fields, found {len(r)}",
                             row=line, value=r[:3])
        i += 1
    return header, out


def _number(path: Path, line: int, column: str, text: str, integer: bool) -> float:
    if text == "":
        return np.nan
    try:
        value = float(text)
    except ValueError:
        raise ParseError(str(path), f"{column} is not a number", row=line, value=text) from None
    if value < 0 or (integer and value != int(value)):
        raise ParseError(str(path), f"{column} must be a non-negative "
                         f"{'integer' if integer else 'number'}", row=line, value=text)
    return value


def _mark(path: Path, line: int, column: str, text: str) -> bool:
    if text.strip() not in ("", "?"):
        raise ParseError(str(path), f"the uncertainty column after {column!r} holds neither "
                         "'?' nor nothing", row=line, value=text)
    return text.strip() == "?"


def read_register(path: str | Path) -> pd.DataFrame:
    """The trade register, one row per deal, checked.

    Returns
    -------
    pandas.DataFrame
        :data:`DEAL_COLUMNS`: ``deal`` is the line number in the file; numbers are floats
        (NaN where empty); ``*_uncertain`` are SIPRI's ``?`` marks; ``delivery_years`` the
        text as published.

    Raises
    ------
    ParseError
        Notes, header or field count other than the register's; a year of order that is not a
        year; a number that is not a non-negative number; a ``?`` column with anything else;
        a ``Year(s) of delivery`` that is not ``YYYY[ (n)]; ...``; a deal with deliveries but
        no years of delivery (or the reverse); named file and line.
    """
    path = Path(path)
    _, rows = _read_rows(path)
    recs = []
    for line, r in rows:
        if not re.fullmatch(r"\d{4}", r[2]):
            raise ParseError(str(path), "Year of order is not a year", row=line, value=r[2])
        years = r[10].strip()
        if years and not _YEARS.match(years):
            raise ParseError(str(path), "Year(s) of delivery is not 'YYYY[ (n)]; YYYY...'",
                             row=line, value=years)
        if not r[0].strip() or not r[1].strip():
            raise ParseError(str(path), "empty Recipient or Supplier", row=line, value=r[:2])
        rec = (line, r[0].strip(), r[1].strip(), int(r[2]), _mark(path, line, "Year of order",
               r[3]), _number(path, line, "Number ordered", r[4], True),
               _mark(path, line, "Number ordered", r[5]), r[6], r[7],
               _number(path, line, "Number delivered", r[8], True),
               _mark(path, line, "Number delivered", r[9]), years, r[11], r[12],
               _number(path, line, "SIPRI TIV per unit", r[13], False),
               _number(path, line, "SIPRI TIV for total order", r[14], False),
               _number(path, line, "SIPRI TIV of delivered weapons", r[15], False))
        delivered = rec[-1]
        if not years and delivered > 0:
            raise ParseError(str(path), "TIV of delivered weapons without a year of delivery",
                             row=line, value=r[15])
        if years and np.isnan(delivered):
            raise ParseError(str(path), "years of delivery without a TIV of delivered "
                             "weapons", row=line, value=years)
        recs.append(rec)
    if not recs:
        raise ParseError(str(path), "no deals after the header", row=NOTE_LINES + 2)
    return pd.DataFrame(recs, columns=DEAL_COLUMNS)


def split_years(text: str) -> list[tuple[int, int | None]]:
    """``"2015 (30); 2016"`` to ``[(2015, 30), (2016, None)]``."""
    if not text:
        return []
    return [(int(y), int(n) if n else None) for y, n in _ONE_YEAR.findall(text)]


def yearly_deliveries(deals: pd.DataFrame) -> pd.DataFrame:
    """Each deal's TIV of delivered weapons by year of delivery.

    SIPRI's rule: where the units delivered in each year are given, a year's TIV is its units
    times the TIV per unit, computed as ``tiv_delivered * units_y / sum(units)`` so that the
    years add up to the published TIV of delivered weapons (the register rounds the TIV per unit
    to two decimals, the delivered total is exact); otherwise the TIV of delivered weapons is
    spread evenly, ``tiv_delivered / n_years``. A year listed twice counts twice.

    Returns
    -------
    pandas.DataFrame
        ``deal, supplier_label, recipient_label, year, tiv`` (millions of TIV).
    """
    out = []
    for d in deals.itertuples(index=False):
        parts = split_years(d.delivery_years)
        if not parts or not d.tiv_delivered:
            continue
        counts = [n for _, n in parts]
        if all(n is not None for n in counts) and sum(counts) > 0:
            weights = [n / sum(counts) for n in counts]
        else:
            weights = [1 / len(parts)] * len(parts)
        for (year, _), w in zip(parts, weights, strict=True):
            out.append((d.deal, d.supplier_label, d.recipient_label, year, d.tiv_delivered * w))
    return pd.DataFrame(out, columns=["deal", "supplier_label", "recipient_label", "year",
                                      "tiv"])


def classify(labels: pd.Series) -> pd.DataFrame:
    """ISO3 code and kind of SIPRI's supplier and recipient names.

    ``*`` non-state actor, ``**`` organisation, ``unknown ...`` unknown: no ISO3 code. Other
    names through :func:`multivector.core.states.resolve_names` (source ``sipri``).

    Returns
    -------
    pandas.DataFrame
        ``label, iso3, kind``, one row per distinct label.
    """
    uniq = pd.Series(pd.unique(pd.Series(labels, dtype=object)))
    rows = {}
    rest = []
    for lab in uniq:
        if _UNKNOWN.match(lab):
            rows[lab] = (None, "unknown")
        elif lab.endswith("**"):
            rows[lab] = (None, "organisation")
        elif lab.endswith("*"):
            rows[lab] = (None, "non_state")
        else:
            rest.append(lab)
    if rest:
        for r in states.resolve_names(rest, "sipri").itertuples(index=False):
            rows[r.label] = (r.iso3 if isinstance(r.iso3, str) else None, r.kind)
    return pd.DataFrame([(lab, *rows[lab]) for lab in uniq], columns=["label", "iso3", "kind"])


def arms_table(deals: pd.DataFrame, log: states.UnmappedLog | None = None) -> pd.DataFrame:
    """Deliveries per supplier, recipient and year (TIV millions), with codes and kinds.

    One row per supplier label, recipient label and year (``Soviet Union`` and ``Russia`` are
    both RUS, so sum over rows when grouping by code). Unmapped names are kept with kind
    ``unmapped`` and added to ``log``.

    Returns
    -------
    pandas.DataFrame
        :data:`ARMS_COLUMNS`, ``source = 'sipri_arms'``; ``n_deals`` the deals with a delivery
        that year.
    """
    yearly = yearly_deliveries(deals)
    g = (yearly.groupby(["supplier_label", "recipient_label", "year"], as_index=False)
         .agg(tiv=("tiv", "sum"), n_deals=("deal", "nunique")))
    names = classify(pd.concat([deals["supplier_label"], deals["recipient_label"]]))
    names = names.set_index("label")
    for side in ("supplier", "recipient"):
        g[side] = states.yugoslavia_by_year(g[f"{side}_label"].map(names["iso3"]), g["year"])
        g[f"{side}_kind"] = g[f"{side}_label"].map(names["kind"])
        miss = g[f"{side}_kind"] == "unmapped"
        if log is not None and miss.any():
            log.add("sipri_arms", g.loc[miss, f"{side}_label"])
    g["year"] = g["year"].astype("int16")
    g["n_deals"] = g["n_deals"].astype("int32")
    g["source"] = "sipri_arms"
    return g[ARMS_COLUMNS]
