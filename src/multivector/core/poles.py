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

Checks on a user's file (each refusal names the file, the pole and the value): every member is
an ISO3 code multivector knows (``XXX`` or ``Kazakhstan`` is refused, not dropped), a pole has
members, no state is in two poles in the same year, a set has at least two poles and does not
extend itself. A focal state that is a member of a pole is left out of that pole, with a note
(:meth:`PoleSet.focal_note`).

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

from multivector.core import states
from multivector.core.errors import MultivectorError, OptionError, PoleFileError

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

    def focal_note(self, iso3: str, years: tuple[int, int]) -> str | None:
        """A sentence when the focal state is a member of one of the poles in ``years``.

        Such a state is not refused: it is left out of its own pole (a state is not measured
        against itself; a bloc's alignment is the mean over its other members, and a pole of
        the state alone has no value, flagged ``self``), which is how the packaged sets treat
        the United States (pole USA) or Germany (pole EU). The note says so.
        """
        hits = []
        for p in self.poles:
            ys = [y for y in range(years[0], years[1] + 1) if iso3 in p.members_in(y)]
            if ys:
                span = f"{ys[0]}" if ys[0] == ys[-1] else f"{ys[0]}-{ys[-1]}"
                alone = all(p.members_in(y) == [iso3] for y in ys)
                hits.append(f"pole {p.id!r} in {span}" + (" (alone: that pole has no value, "
                                                          "flagged self)" if alone else ""))
        if not hits:
            return None
        return (f"{iso3} is a member of {'; '.join(hits)} of pole set {self.name!r}: a state is "
                "not measured against itself, so it is left out of its own pole.")

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


TOP_KEYS = {"name", "description", "extends", "pole"}
POLE_KEYS = {"id", "label", "members", "bloc"}


def _known_code(code: str, file: str, pole: str) -> str:
    """An ISO3 code multivector knows, as written (upper case); a name or an unknown code is
    refused with the nearest codes, never silently dropped."""
    up = code.strip().upper()
    if up in set(states.iso3_table().iso3):
        return up
    try:
        meant = states.validate_iso3(code)
        hint = f"; did you mean {meant}?"
    except MultivectorError as exc:
        hint = "; " + str(exc).split("; ", 1)[-1]
    raise PoleFileError(file, f"member {code!r} is not an ISO3 code multivector knows{hint}",
                        pole)


def _year_of(m: dict, key: str, default: int, file: str, pole: str) -> int:
    v = m.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= OPEN_END:
        raise PoleFileError(file, f"member {m.get('iso3')!r}: {key!r} must be a year (a whole "
                                  "number)", pole, v)
    return v


def _parse_members(raw: object, file: str, pole: str) -> tuple[tuple[str, int, int], ...]:
    if not isinstance(raw, list):
        raise PoleFileError(file, "members must be a list of ISO3 codes", pole, raw)
    if not raw:
        raise PoleFileError(file, "has no members: give members = [\"ISO3\", ...] or a bloc",
                            pole)
    out = []
    for i, m in enumerate(raw, start=1):
        if isinstance(m, str):
            out.append((_known_code(m, file, pole), 0, OPEN_END))
        elif isinstance(m, dict) and isinstance(m.get("iso3"), str) and set(m) <= {
                "iso3", "from", "to"}:
            y0, y1 = _year_of(m, "from", 0, file, pole), _year_of(m, "to", OPEN_END, file, pole)
            if y1 < y0:
                raise PoleFileError(file, f"member {m['iso3']!r}: 'to' ({y1}) is before 'from' "
                                          f"({y0})", pole)
            out.append((_known_code(m["iso3"], file, pole), y0, y1))
        else:
            raise PoleFileError(file, f"member {i} must be an ISO3 code or a table "
                                      "{iso3 = \"XXX\", from = 1995, to = 2010}", pole, m)
    return tuple(out)


def _overlap(poles: list[Pole], file: str) -> None:
    """Refuse a state in two poles in the same year: its engagement would count twice."""
    spells: dict[str, list[tuple[str, int, int]]] = {}
    for p in poles:
        for iso, y0, y1 in p.members:
            for other, a, b in spells.get(iso, []):
                lo, hi = max(y0, a), min(y1, b)
                if lo <= hi and other != p.id:
                    when = ("every year" if (lo, hi) == (0, OPEN_END)
                            else f"{lo}-{hi}" if hi != OPEN_END else f"from {lo}")
                    raise PoleFileError(file, f"{iso} is a member of both pole {other!r} and "
                                              f"pole {p.id!r} ({when}); a state may belong to "
                                              "one pole at a time, or it counts twice", p.id)
            spells.setdefault(iso, []).append((p.id, y0, y1))


def _parse_pole_set(raw: dict, where: str, chain: tuple[str, ...] = ()) -> PoleSet:
    extra = set(raw) - TOP_KEYS
    if extra:
        raise PoleFileError(where, f"unknown key(s) {sorted(extra)}; a pole set has "
                                   f"{', '.join(sorted(TOP_KEYS))}")
    if "pole" not in raw and "extends" not in raw:
        raise PoleFileError(where, "no [[pole]] tables and nothing it extends")
    pole_tables = raw.get("pole", [])
    if not isinstance(pole_tables, list) or not all(isinstance(p, dict) for p in pole_tables):
        raise PoleFileError(where, "poles must be an array of tables, written [[pole]] "
                                   "(not [pole])")
    poles: list[Pole] = []
    if "extends" in raw:
        base = raw["extends"]
        if not isinstance(base, str) or not base.strip():
            raise PoleFileError(where, "'extends' must name a pole set (core, wide or a .toml "
                                       "file)", value=base)
        beside = Path(where).parent / base
        if base not in packaged_pole_sets() and not Path(base).is_absolute() and beside.is_file():
            base = str(beside)  # a relative path is read from the extending file's folder
        poles.extend(load_pole_set(base, _chain=(*chain, where)).poles)
    b = blocs()
    for i, p in enumerate(pole_tables, start=1):
        pid = p.get("id")
        if not isinstance(pid, str) or not pid.strip():
            raise PoleFileError(where, f"pole {i} has no id (text)", value=pid)
        unknown = set(p) - POLE_KEYS
        if unknown:
            raise PoleFileError(where, f"unknown key(s) {sorted(unknown)}; a pole has "
                                       f"{', '.join(sorted(POLE_KEYS))}", pid)
        label = p.get("label", pid)
        if not isinstance(label, str):
            raise PoleFileError(where, "label must be text", pid, label)
        if "bloc" in p and "members" in p:
            raise PoleFileError(where, "give members or a bloc, not both", pid)
        if "bloc" in p:
            rows = b[b.bloc == p["bloc"]] if isinstance(p["bloc"], str) else b.iloc[0:0]
            if rows.empty:
                raise PoleFileError(where, f"unknown bloc; known: "
                                           f"{', '.join(sorted(set(b.bloc)))}", pid, p["bloc"])
            members = tuple((r.iso3, int(r.from_year), int(r.to_year)) for r in rows.itertuples())
        elif "members" in p:
            members = _parse_members(p["members"], where, pid)
        else:
            raise PoleFileError(where, "needs members or bloc", pid)
        poles.append(Pole(pid, label, members, p.get("bloc")))
    ids = [p.id for p in poles]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise PoleFileError(where, f"duplicate pole id(s) {', '.join(dup)}")
    if len(poles) < 2:
        raise PoleFileError(where, f"a pole set needs at least two poles to balance between, "
                                   f"has {len(poles)}")
    _overlap(poles, where)
    name = raw.get("name", Path(where).stem)
    if not isinstance(name, str) or not name.strip():
        raise PoleFileError(where, "'name' must be text", value=name)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise PoleFileError(where, "'description' must be text", value=description)
    return PoleSet(name, description, tuple(poles))


def packaged_pole_sets() -> list[str]:
    """Names of the pole sets shipped with multivector."""
    folder = resources.files("multivector.data").joinpath("poles")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir()
                  if p.name.endswith(".toml"))


def load_pole_set(name_or_path: str | Path | PoleSet, _chain: tuple[str, ...] = ()
                  ) -> PoleSet:
    """Load a packaged pole set by name (``core``, ``wide``) or a user's TOML file by path
    (a :class:`PoleSet` is returned as it is).

    Raises
    ------
    PoleFileError
        The file breaks a rule of the form (unknown or overlapping members, an empty pole,
        fewer than two poles, a set that extends itself...): names the file, the pole and the
        value.
    OptionError
        Not a name, a path or a PoleSet (a list of codes, a number...).
    """
    if isinstance(name_or_path, PoleSet):
        return name_or_path
    if not isinstance(name_or_path, str | Path):
        raise OptionError(f"a pole set must be core, wide, a path to a TOML file or a PoleSet; "
                          f"got {type(name_or_path).__name__} {name_or_path!r}"[:300])
    text_name = str(name_or_path)
    if text_name in packaged_pole_sets():
        where = f"poles/{text_name}.toml"
        if where in _chain:
            raise PoleFileError(_chain[-1], "extends itself, directly or through "
                                            f"{' -> '.join(_chain)}", value=text_name)
        res = resources.files("multivector.data").joinpath("poles", f"{text_name}.toml")
        return _parse_pole_set(tomllib.loads(res.read_text("utf-8")), where, _chain)
    path = Path(name_or_path)
    if path.suffix == ".toml" and path.is_file():
        if str(path) in _chain or any(Path(c).is_file() and Path(c).samefile(path)
                                      for c in _chain):
            raise PoleFileError(_chain[-1], "extends itself, directly or through "
                                            f"{' -> '.join(_chain)}", value=text_name)
        try:
            raw = tomllib.loads(path.read_text("utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise PoleFileError(str(path), f"not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PoleFileError(str(path), f"cannot be read: {exc}") from None
        return _parse_pole_set(raw, str(path), _chain)
    raise OptionError(f"unknown pole set {text_name[:200]!r}: not one of "
                      f"{', '.join(packaged_pole_sets())} nor a .toml file")
