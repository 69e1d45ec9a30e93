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
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import country_converter as coco
import numpy as np
import pandas as pd

from multivector.core.errors import UnknownCountryError

KINDS = ("state", "historical", "territory", "group", "aggregate", "residual", "unmapped")


def _read_packaged_csv(name: str, **kw) -> pd.DataFrame:
    text = resources.files("multivector.data").joinpath(name).read_text("utf-8")
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""], **kw)


@cache
def _converter():
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


MAX_NAME_LENGTH = 100  # longer text is no country name; refused before any matching
_GENERIC = frozenset({"the", "of", "and", "rep", "republic", "dem", "democratic", "people",
                      "peoples", "s", "federation", "federal", "kingdom", "state", "states",
                      "islamic", "arab", "united", "socialist", "plurinational", "bolivarian",
                      "great", "st", "saint", "union"})


def _words(text: str) -> list[str]:
    """Lower-case words of a name, accents dropped (``Côte d'Ivoire``: cote, d, ivoire)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", plain.casefold())


@cache
def _names() -> tuple[dict[str, str], dict[str, set[str]]]:
    """Every known name of every ISO3 code (as normalised text, to its code) and each code's
    name words: country_converter's short and official names, the ISO3 table's names and the
    override table's names and labels."""
    exact: dict[str, str] = {}
    words: dict[str, set[str]] = {}

    def add(name: object, iso3: object) -> None:
        if not isinstance(name, str) or not isinstance(iso3, str) or not name.strip():
            return
        w = _words(name)
        exact.setdefault(" ".join(w), iso3)
        words.setdefault(iso3, set()).update(w)

    cc = _converter().data
    for r in cc[["ISO3", "name_short", "name_official"]].itertuples(index=False):
        add(r.name_short, r.ISO3)
        add(r.name_official, r.ISO3)
    for r in iso3_table().itertuples():
        add(r.name, r.iso3)
    for r in name_overrides().dropna(subset=["iso3"]).itertuples():
        add(r.name, r.iso3)
        add(r.label, r.iso3)
    return exact, words


def _regex_candidate(text: str) -> str | None:
    """The ISO3 code whose country_converter regular expression finds ``text`` (one only)."""
    cc = _converter().data
    hits = {iso for iso, rx in zip(cc["ISO3"], cc["regex"], strict=True)
            if isinstance(rx, str) and re.search(rx, text, flags=re.IGNORECASE)}
    return hits.pop() if len(hits) == 1 else None


def _explained(text: str, iso3: str) -> bool:
    """Whether every word of ``text`` belongs to a name of ``iso3``, is generic (republic,
    of...) or is itself found by the country's regular expression: so ``Republic of
    Kazakhstan`` and ``Kazakh`` resolve, ``not a country at all but Kazakhstan`` does not."""
    rx = _converter().data.set_index("ISO3")["regex"].get(iso3)
    known = _names()[1].get(iso3, set())
    words = _words(text)
    joined = {i for i in range(len(words) - 1) if words[i] + words[i + 1] in known}
    for i, w in enumerate(words):  # one letter: an abbreviation (U.S.A.); Viet Nam: joined
        if w in known or w in _GENERIC or len(w) == 1 or i in joined or i - 1 in joined:
            continue
        if isinstance(rx, str) and re.search(rx, w, flags=re.IGNORECASE):
            continue
        return False
    return True


def validate_iso3(code: object) -> str:
    """Return the ISO3 code a user means, or raise with the nearest matches.

    Accepted: an ISO3 code multivector knows (``KAZ``, ``YUG``), an ISO2 code (``KZ``), a
    known name written in full (``Kazakhstan``, ``Republic of Kazakhstan``, ``Soviet Union``,
    case and accents aside), or text country_converter's regular expression finds for one
    country when every word of it belongs to that country's names (``kazakh``, ``Korea,
    Rep.``). Free text that merely contains a name (``not a country at all but Kazakhstan``)
    is refused with the nearest names; text longer than :data:`MAX_NAME_LENGTH` characters is
    refused before any matching.

    Raises
    ------
    UnknownCountryError
        Not text, too long, or no country; the message lists the nearest matches.
    """
    if not isinstance(code, str):
        raise UnknownCountryError(f"a country must be an ISO3 code or a name, as text; got "
                                  f"{type(code).__name__} {code!r}")
    text = code.strip()
    if not text:
        raise UnknownCountryError("a country must be an ISO3 code or a name; got empty text")
    if len(text) > MAX_NAME_LENGTH:
        raise UnknownCountryError(f"not a country code or name: {len(text):,} characters "
                                  f"(at most {MAX_NAME_LENGTH}), starting {text[:20]!r}")
    up = text.upper()
    table = iso3_table()
    if up in set(table.iso3):
        return up
    cc = _converter().data
    if len(up) == 2:
        hit = cc.loc[cc["ISO2"] == up, "ISO3"]
        if len(hit):
            return str(hit.iloc[0])
    exact = _names()[0].get(" ".join(_words(text)))
    if exact is not None:
        return exact
    cand = _regex_candidate(text)
    if cand is not None and _explained(text, cand):
        return cand
    current = table[table.kind == "state"]
    codes = difflib.get_close_matches(up, current.iso3.tolist(), n=3, cutoff=0.6)
    names = difflib.get_close_matches(text.title(), table.name.astype(str).tolist(),
                                      n=3, cutoff=0.6)
    names_as = [f"{n} ({table.loc[table.name == n, 'iso3'].iloc[0]})" for n in names]
    if cand is not None:
        names_as.insert(0, f"{country_name(cand)} ({cand})")
    hint = ", ".join(dict.fromkeys([*codes, *names_as])) or "none"
    raise UnknownCountryError(f"unknown country code or name {text!r}; nearest matches: {hint}")


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
