"""States: ISO3 as the key, with crosswalks to COW codes, IMF and World Bank names, and ISO2.

Resolution order for a name or code from a source:

1. ``data/country_names.csv`` (source, label, iso3, kind, name, note): explicit overrides for the
   labels country_converter gets wrong or cannot know: historical states (USSR, Yugoslavia,
   Czechoslovakia, the GDR, the two Yemens...), groups reported together (Belgium-Luxembourg),
   and aggregates (IMF ``World``, ``Euro Area``; World Bank ``WLD``, ``EUU``...).
2. country_converter (Stadler 2017, Journal of Open Source Software 2(16):332) by regular
   expression for names, or by code for ISO2 / ISO3.

``kind`` is one of ``state`` (a current ISO3 state), ``historical`` (a dissolved state or one
mapped to its continuing state), ``territory``, ``group`` (several states reported together),
``aggregate`` (a region or income group, never a partner) and ``residual`` (trade the reporter
could not allocate). Anything else is ``unmapped``: reported with its source and count by
:class:`UnmappedLog`, never silently dropped.

COW codes map through ``data/cow_states.csv`` (built by ``scripts/build_cow_crosswalk.py``),
by year: 365 is RUS throughout (the USSR's continuing state), 345 is YUG to 1991 and SRB after,
260 (West Germany) and 255 are DEU, 265 is DDR, 315 is CSK, 680 is YMD.
"""

from __future__ import annotations

import difflib
import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from multivector.errors import UnknownCountryError

KINDS = ("state", "historical", "territory", "group", "aggregate", "residual", "unmapped")


def _read_packaged_csv(name: str, **kw) -> pd.DataFrame:
    text = resources.files("multivector.data").joinpath(name).read_text("utf-8")
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""], **kw)


@cache
def _converter():
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return coco.CountryConverter()


@cache
def name_overrides() -> pd.DataFrame:
    """The packaged override table (source, label, iso3, kind, name, note)."""
    return _read_packaged_csv("country_names.csv", dtype=str)


@cache
def cow_crosswalk() -> pd.DataFrame:
    """COW code to ISO3 by year (ccode, cow_abb, name, iso3, from_year, to_year, kind)."""
    return _read_packaged_csv("cow_states.csv")


@cache
def iso3_table() -> pd.DataFrame:
    """Every ISO3 code known to multivector with its short name, ISO2 and kind.

    Current states come from country_converter; historical states, groups and territories
    from the override and COW tables.
    """
    cc = _converter().data
    base = pd.DataFrame({"iso3": cc["ISO3"], "name": cc["name_short"], "iso2": cc["ISO2"],
                         "kind": "state"})
    extra = []
    for r in cow_crosswalk().itertuples():
        if r.iso3 not in set(base.iso3):
            extra.append((r.iso3, r.name, None, r.kind))
    for r in name_overrides().dropna(subset=["iso3"]).itertuples():
        if r.iso3 not in set(base.iso3):
            extra.append((r.iso3, r.name, None, r.kind))
    out = pd.concat([base, pd.DataFrame(extra, columns=base.columns)], ignore_index=True)
    return out.drop_duplicates("iso3").reset_index(drop=True)


def country_name(iso3: str) -> str:
    """Short name for an ISO3 code (the code itself if unknown)."""
    t = iso3_table()
    hit = t.loc[t.iso3 == iso3, "name"]
    return str(hit.iloc[0]) if len(hit) else iso3


def validate_iso3(code: str) -> str:
    """Return ``code`` upper-cased if it is a known ISO3 code; else raise with the nearest matches.

    Names are accepted too (``Kazakhstan`` gives ``KAZ``).
    """
    up = code.strip().upper()
    table = iso3_table()
    if up in set(table.iso3):
        return up
    by_name = _converter().convert(code, to="ISO3", not_found=None)
    if isinstance(by_name, str) and by_name in set(table.iso3):
        return by_name
    current = table[table.kind == "state"]
    codes = difflib.get_close_matches(up, current.iso3.tolist(), n=3, cutoff=0.6)
    names = difflib.get_close_matches(code.strip().title(), table.name.astype(str).tolist(),
                                      n=3, cutoff=0.6)
    names_as = [f"{n} ({table.loc[table.name == n, 'iso3'].iloc[0]})" for n in names]
    hint = ", ".join(dict.fromkeys([*codes, *names_as])) or "none"
    raise UnknownCountryError(f"unknown country code {code!r}; nearest matches: {hint}")


@dataclass
class UnmappedLog:
    """Collects labels that could not be mapped, with their source and row count."""

    counts: Counter = field(default_factory=Counter)

    def add(self, source: str, labels: pd.Series) -> None:
        for label, n in labels.value_counts().items():
            self.counts[(source, str(label))] += int(n)

    def frame(self) -> pd.DataFrame:
        rows = [(s, lab, n) for (s, lab), n in self.counts.most_common()]
        return pd.DataFrame(rows, columns=["source", "label", "rows"])

    def __bool__(self) -> bool:
        return bool(self.counts)


def resolve_names(labels: pd.Series | list[str], source: str, by: str = "name") -> pd.DataFrame:
    """Map labels of a source to ISO3 codes and kinds.

    Parameters
    ----------
    labels : sequence of str
        Names (``"Kazakhstan, Rep. of"``) or codes, as the source writes them.
    source : str
        The override namespace: ``imf``, ``wb``, ``unvotes``...
    by : {"name", "ISO2", "ISO3"}
        How country_converter should read labels not in the override table.

    Returns
    -------
    pandas.DataFrame
        One row per distinct label: ``label, iso3, kind`` (iso3 missing for aggregates,
        residuals and unmapped labels).
    """
    uniq = pd.Series(pd.unique(pd.Series(labels, dtype=object).dropna().astype(str)))
    ov = name_overrides()
    ov = ov[ov.source == source].set_index("label")
    rows = []
    todo = [lab for lab in uniq if lab not in ov.index]
    if todo:
        src = "regex" if by == "name" else by
        converted = _converter().convert(todo, src=src, to="ISO3", not_found=None)
        if isinstance(converted, str):
            converted = [converted]
    else:
        converted = []
    known = set(_converter().data["ISO3"])
    for lab, iso in zip(todo, converted, strict=True):
        # country_converter returns the input itself (not_found=None) when nothing matches
        ok = isinstance(iso, str) and iso in known and (by == "ISO3" or iso != lab)
        rows.append((lab, iso if ok else None, "state" if ok else "unmapped"))
    for lab in uniq:
        if lab in ov.index:
            r = ov.loc[lab]
            rows.append((lab, r.iso3 if isinstance(r.iso3, str) else None, r.kind))
    out = pd.DataFrame(rows, columns=["label", "iso3", "kind"])
    return out.set_index("label").loc[uniq].reset_index()


def cow_to_iso3(ccode: pd.Series, year: pd.Series | int) -> pd.Series:
    """ISO3 codes for COW state codes in given years (missing for codes COW does not know).

    The year picks among the ISO3 codes a COW code has had (345 is YUG to 1991, SRB after);
    a year outside every range takes the nearest one, since sources record states outside
    COW's system-membership dates (Voeten codes non-members for every roll call; Belarus and
    Ukraine voted at the UN from 1946 but join COW's system in 1991).
    """
    cw = cow_crosswalk()
    cc = pd.Series(ccode).astype("Int64").to_numpy(dtype="float64", na_value=np.nan)
    yr = (np.full(len(cc), float(year)) if np.isscalar(year)
          else pd.Series(year).astype("Int64").to_numpy(dtype="float64", na_value=np.nan))
    out = np.full(len(cc), None, dtype=object)
    for code, rows in cw.groupby("ccode"):
        m = cc == code
        if not m.any():
            continue
        y = np.clip(yr[m], rows.from_year.min(), rows.to_year.max())
        sub = np.full(m.sum(), None, dtype=object)
        for r in rows.itertuples():  # ranges may overlap at a boundary year: later one wins
            sub[(y >= r.from_year) & (y <= r.to_year)] = r.iso3
        gaps = pd.isna(sub)
        if gaps.any():  # a year between two ranges: the earlier range
            sub[gaps] = rows.iso3.iloc[0]
        out[m] = sub
    return pd.Series(out, index=getattr(ccode, "index", None), dtype=object)


def iso3_to_cow(iso3: str, year: int) -> int | None:
    """The COW code of an ISO3 state in a year (None if COW has none)."""
    cw = cow_crosswalk()
    hit = cw[(cw.iso3 == iso3) & (cw.from_year <= year) & (cw.to_year >= year)]
    return int(hit.ccode.iloc[0]) if len(hit) else None


def yugoslavia_by_year(iso3: pd.Series, year: pd.Series) -> pd.Series:
    """YUG to 1991 and SRB after, as COW code 345: for sources that keep the name Yugoslavia for
    the Federal Republic (1992-2003), such as SIPRI and the Office of the Historian."""
    out = pd.Series(iso3, dtype=object).copy()
    out[(out == "YUG") & (pd.Series(year, index=out.index) >= 1992)] = "SRB"
    return out
