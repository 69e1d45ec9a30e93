"""A gazetteer of political actors: states (ISO3) and IGOs, found in text by name.

States and their short and official names come from ``country_converter``; the maintained table
``multivector/data/gazetteer.csv`` adds capitals, demonyms, seats of government and leaders'
titles (``title``: "Kremlin", "White House"), leaders' names (``leader``), armed and political
groups with their home state (``group``) and intergovernmental organisations (``igo``: code =
the organisation's acronym). Matching is case-sensitive on word boundaries, longest alias
first, so "South Korean" beats "Korean" and "US" does not match "us".
"""

from __future__ import annotations

import csv
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import country_converter as coco

from multivector.core.errors import DataTableError

_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][a-z]{5,}(?![\w-])")
KINDS = ("capital", "demonym", "title", "leader", "group", "igo", "alias")


@dataclass(frozen=True)
class Mention:
    """An actor named in a text: characters ``start:end`` of it, the alias and its code."""

    start: int
    end: int
    text: str
    code: str
    kind: str

    @property
    def is_igo(self) -> bool:
        return self.kind == "igo"


def read_table(path: Path | None = None) -> list[tuple[str, str, str]]:
    """Rows ``(alias, code, kind)`` of the maintained table; bad rows raise DataTableError."""
    src = path or resources.files("multivector.data") / "gazetteer.csv"
    name = str(src)
    rows: list[tuple[str, str, str]] = []
    with src.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames != ["alias", "code", "kind"]:
            raise DataTableError(name, "header must be alias,code,kind", 1, reader.fieldnames)
        for i, r in enumerate(reader, start=2):
            alias, code, kind = (r["alias"] or "").strip(), (r["code"] or "").strip(), r["kind"]
            if not alias or not code:
                raise DataTableError(name, "empty alias or code", i, (alias, code))
            if kind not in KINDS:
                raise DataTableError(name, f"kind must be one of {', '.join(KINDS)}", i, kind)
            if kind != "igo" and not re.fullmatch(r"[A-Z]{3}", code):
                raise DataTableError(name, "a state's code must be ISO3 (three capitals)", i, code)
            rows.append((alias, code, kind))
    return rows


def _state_names() -> list[tuple[str, str, str]]:
    data = coco.CountryConverter().data
    out = []
    for _, r in data[["name_short", "name_official", "ISO3"]].iterrows():
        for name in (r["name_short"], r["name_official"]):
            if isinstance(name, str) and name and isinstance(r["ISO3"], str):
                out.append((name, r["ISO3"], "alias"))
                if name.startswith("Republic of ") or name.startswith("Kingdom of "):
                    out.append(("the " + name, r["ISO3"], "alias"))
    return out


class Gazetteer:
    """Find actor mentions in text.

    Parameters
    ----------
    rows : list of (alias, code, kind), optional
        The entries; by default the states of ``country_converter`` and the packaged table.
    """

    def __init__(self, rows: list[tuple[str, str, str]] | None = None):
        if rows is None:
            rows = _state_names() + read_table()
        self.entries: dict[str, tuple[str, str]] = {}
        for alias, code, kind in rows:  # the maintained table comes last and wins
            self.entries[alias] = (code, kind)
        aliases = sorted(self.entries, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in aliases)
        # a possessive or plural "s" may follow ("Kazakhstan's", "Afghans")
        self._re = re.compile(rf"(?<![\w.-])({body})(?=(?:'s|’s|s)?(?![\w-]))")
        # single-word state names and demonyms of six letters or more, by first letter, for
        # misspellings ("Ethopia", "Quatar")
        self._fuzzy: dict[str, list[str]] = {}
        for a, (_, kind) in self.entries.items():
            if kind in ("alias", "demonym") and a.isalpha() and len(a) >= 5:
                self._fuzzy.setdefault(a[0], []).append(a)

    def _misspelt(self, word: str) -> str | None:
        """The one state name or demonym ``word`` misspells (similarity ≥ 0.85, same first
        letter, length within one), or None."""
        cands = [a for a in self._fuzzy.get(word[0], ()) if abs(len(a) - len(word)) <= 1]
        close = difflib.get_close_matches(word, cands, n=2, cutoff=0.85)
        return close[0] if len(close) == 1 else None

    def find(self, text: str, fuzzy: bool = True) -> list[Mention]:
        """All mentions in ``text``, left to right, non-overlapping; with ``fuzzy``, also a
        capitalised word of six letters or more that misspells one state name or demonym."""
        out = []
        for m in self._re.finditer(text):
            code, kind = self.entries[m.group(1)]
            out.append(Mention(m.start(1), m.end(1), m.group(1), code, kind))
        if fuzzy:
            taken = [(m.start, m.end) for m in out]
            for w in _CAPITALISED.finditer(text):
                if any(a < w.end() and w.start() < b for a, b in taken):
                    continue
                alias = self._misspelt(w.group(0))
                if alias is not None:
                    code, kind = self.entries[alias]
                    out.append(Mention(w.start(), w.end(), w.group(0), code, kind))
            out.sort(key=lambda m: m.start)
        return out

    def codes(self, text: str) -> list[str]:
        """The codes of the mentions in ``text``, in order, without repeats."""
        return list(dict.fromkeys(m.code for m in self.find(text)))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The packaged gazetteer (built once per process)."""
    return Gazetteer()
