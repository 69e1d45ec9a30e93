"""Poles: the power centres a focal state balances between, as data.

A *pole set* is a TOML file (packaged ones in ``data/poles/``: ``core``, ``wide``) with a
``name``, a ``description``, optionally ``extends = "<other set>"``, and a list of
``[[pole]]`` tables, each with an ``id``, a ``label`` and either

- ``members``: a list of ISO3 codes, or of tables ``{iso3 = "XXX", from = 1995, to = 2010}``
  for membership that changes by year; or
- ``bloc``: the name of a bloc in ``data/blocs.csv`` (``EU``, ``GCC``, ``EAEU``), whose
  membership changes by year and cites its treaty.

Membership rule: a state belongs to a bloc in year *Y* when it is a member on 31 December of
*Y*. So the United Kingdom, which left the EU on 31 January 2020, is a member to 2019, and
Croatia (1 July 2013) from 2013.

Users add their own set by passing a path to a TOML file of the same form wherever a pole-set
name is accepted (``multivector poles show my_poles.toml --year 2000``).
"""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from multivector.errors import MultivectorError

OPEN_END = 9999


@dataclass(frozen=True)
class Pole:
    """One pole: a state or a bloc, with year-dependent members."""

    id: str
    label: str
    members: tuple[tuple[str, int, int], ...]  # (iso3, from_year, to_year)
    bloc: str | None = None

    def members_in(self, year: int) -> list[str]:
        return sorted({iso for iso, y0, y1 in self.members if y0 <= year <= y1})


@dataclass(frozen=True)
class PoleSet:
    """A named, ordered collection of poles."""

    name: str
    description: str
    poles: tuple[Pole, ...]

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.poles]

    def pole(self, pole_id: str) -> Pole:
        for p in self.poles:
            if p.id == pole_id:
                return p
        raise MultivectorError(f"pole set {self.name!r} has no pole {pole_id!r}; "
                               f"poles: {', '.join(self.ids)}")

    def members(self, year: int) -> pd.DataFrame:
        """Members of every pole in ``year``: columns ``pole, iso3``."""
        rows = [(p.id, iso) for p in self.poles for iso in p.members_in(year)]
        return pd.DataFrame(rows, columns=["pole", "iso3"])

    def membership(self, years: range | list[int]) -> pd.DataFrame:
        """Members of every pole for each year: columns ``pole, iso3, year``."""
        rows = [(p.id, iso, y) for y in years for p in self.poles for iso in p.members_in(y)]
        return pd.DataFrame(rows, columns=["pole", "iso3", "year"])

    def listing(self, year: int) -> dict[str, str]:
        """Members of each pole in ``year`` as text, for people: states first, then any
        reporting group (``BLX``, Belgium-Luxembourg as IMF trade reports it to 1996) marked
        as such."""
        from multivector import states

        kinds = states.iso3_table().set_index("iso3")["kind"]
        out = {}
        for p in self.poles:
            members = p.members_in(year)
            plain = [m for m in members if kinds.get(m) != "group"]
            groups = [f"{m} ({states.country_name(m)}, reported together in trade data)"
                      for m in members
                      if kinds.get(m) == "group"]
            out[p.id] = ", ".join(plain) + ("; + " + ", ".join(groups) if groups else "")
        return out

    def intervals(self) -> pd.DataFrame:
        """Membership as intervals: ``pole_set, pole, iso3, year_from, year_to``."""
        rows = [(self.name, p.id, iso, y0, y1) for p in self.poles for iso, y0, y1 in p.members]
        return pd.DataFrame(rows, columns=["pole_set", "pole", "iso3", "year_from", "year_to"])


@cache
def blocs() -> pd.DataFrame:
    """Bloc membership with its sources: ``bloc, iso3, from_year, to_year, source``."""
    text = resources.files("multivector.data").joinpath("blocs.csv").read_text("utf-8")
    df = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    df["to_year"] = df["to_year"].fillna(OPEN_END).astype(int)
    return df


def bloc_members(bloc: str, year: int) -> list[str]:
    """ISO3 members of a bloc on 31 December of ``year``."""
    b = blocs()
    if bloc not in set(b.bloc):
        raise MultivectorError(f"unknown bloc {bloc!r}; known: {', '.join(sorted(set(b.bloc)))}")
    hit = b[(b.bloc == bloc) & (b.from_year <= year) & (b.to_year >= year)]
    return sorted(hit.iso3)


def _parse_members(raw: list, where: str) -> tuple[tuple[str, int, int], ...]:
    if not isinstance(raw, list):
        raise MultivectorError(f"{where}: members must be a list, got {raw!r}")
    out = []
    for i, m in enumerate(raw, start=1):
        if isinstance(m, str):
            out.append((m.upper(), 0, OPEN_END))
        elif isinstance(m, dict) and "iso3" in m:
            out.append((str(m["iso3"]).upper(), int(m.get("from", 0)),
                        int(m.get("to", OPEN_END))))
        else:
            raise MultivectorError(f"{where}: member {i} must be an ISO3 string or a table "
                                   f"with iso3/from/to, got {m!r}")
    return tuple(out)


def _parse_pole_set(raw: dict, where: str) -> PoleSet:
    if "pole" not in raw and "extends" not in raw:
        raise MultivectorError(f"{where}: no [[pole]] tables and nothing it extends")
    pole_tables = raw.get("pole", [])
    if not isinstance(pole_tables, list) or not all(isinstance(p, dict) for p in pole_tables):
        raise MultivectorError(f"{where}: poles must be an array of tables, written [[pole]] "
                               "(not [pole])")
    poles: list[Pole] = []
    if "extends" in raw:
        poles.extend(load_pole_set(raw["extends"]).poles)
    b = blocs()
    for i, p in enumerate(pole_tables, start=1):
        if "id" not in p:
            raise MultivectorError(f"{where}: pole {i} has no id")
        if "bloc" in p:
            rows = b[b.bloc == p["bloc"]]
            if rows.empty:
                raise MultivectorError(f"{where}: pole {p['id']!r} names unknown bloc "
                                       f"{p['bloc']!r}; known: {', '.join(sorted(set(b.bloc)))}")
            members = tuple((r.iso3, int(r.from_year), int(r.to_year)) for r in rows.itertuples())
        elif "members" in p:
            members = _parse_members(p["members"], f"{where}: pole {p['id']!r}")
        else:
            raise MultivectorError(f"{where}: pole {p['id']!r} needs members or bloc")
        poles.append(Pole(p["id"], p.get("label", p["id"]), members, p.get("bloc")))
    ids = [p.id for p in poles]
    if len(set(ids)) != len(ids):
        raise MultivectorError(f"{where}: duplicate pole ids in {ids}")
    return PoleSet(raw.get("name", Path(where).stem), raw.get("description", ""), tuple(poles))


def packaged_pole_sets() -> list[str]:
    """Names of the pole sets shipped with multivector."""
    folder = resources.files("multivector.data").joinpath("poles")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def load_pole_set(name_or_path: str | Path) -> PoleSet:
    """Load a packaged pole set by name (``core``, ``wide``) or a user's TOML file by path."""
    text_name = str(name_or_path)
    if text_name in packaged_pole_sets():
        res = resources.files("multivector.data").joinpath("poles", f"{text_name}.toml")
        return _parse_pole_set(tomllib.loads(res.read_text("utf-8")), f"poles/{text_name}.toml")
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.is_file():
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise MultivectorError(f"{path}: not valid TOML: {exc}") from exc
        return _parse_pole_set(raw, str(path))
    raise MultivectorError(f"unknown pole set {text_name!r}: not one of "
                           f"{', '.join(packaged_pole_sets())} nor a .toml file")
