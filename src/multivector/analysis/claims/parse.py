"""Reading and validating claims files (``multivector claims check FILE``).

A claims file is YAML::

    source:                       # where the statements come from (text, or a mapping)
      title: "..."
      url: "https://..."
      date: 2024-05-01
    claims:
      - id: gdp-2020
        text: "Kazakhstan's GDP per capita was about $9,100 in 2020."
        country: KAZ              # ISO3 code or a name multivector resolves
        checks:
          - {indicator: ny.gdp.pcap.cd, year: 2020, stated: 9100}
          - {indicator: sp.pop.totl, years: [2000, 2020], ratio: 1.27}
          - {measure: power.index, year: 2020, rank: 60, tolerance: 5}
          - {measure: share.exports.CHN, year: 2020, stated: 0.2, tolerance: 0.05}

          - {measure: share.investment.EU, year: 2021, rank: 1}
          - {visit: secretary, year: 2023, mentions: "C5+1"}

``indicator`` and ``measure`` are synonyms: either names a WDI code (case-insensitive) or a
measure of :mod:`multivector.analysis.claims.catalog`. ``tolerance`` is relative for a value or
ratio check (default 0.1), a number of places for a rank check (default 0: exact). A ``visit``
check asks the record of official visits instead of a measure
(:mod:`multivector.analysis.claims.visitcheck` reads it).

A file that cannot be read is refused with a :class:`ClaimsFileError` naming the file, the
claim (id and position), the check and the value at fault, before any data are touched;
:mod:`multivector.analysis.claims.check` checks what it reads.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from multivector.analysis.claims import catalog, visitcheck
from multivector.analysis.claims.model import (
    Check,
    Claim,
    ClaimsFile,
    ClaimsFileError,
    is_number,
    number_hint,
    type_name,
    year_value,
)
from multivector.core import states
from multivector.core.errors import MultivectorError

DEFAULT_TOLERANCE = 0.1
DEFAULT_RANK_TOLERANCE = 0
MAX_BYTES = 1_000_000  # a claims file is text people write: a megabyte is thousands of claims
MAX_DEPTH = 20  # nesting of mappings and lists (a claims file needs 5)
MAX_RANK = 10_000  # there are about 200 states

TOP_KEYS = {"source", "claims"}
CLAIM_KEYS = {"id", "text", "country", "checks", "note"}
CHECK_KEYS = {"indicator", "measure", "year", "years", "stated", "ratio", "rank", "tolerance",
              "note"}


# ------------------------------------------------------------------------------- validation
class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (YAML keeps the last),
    aliases (``*name``: a few hundred bytes of nested aliases expand to gigabytes) and nesting
    deeper than :data:`MAX_DEPTH` (thousands of ``[`` overflow Python's stack)."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, f"aliases (*{event.anchor}) are not allowed in a claims file: write "
                "the value out", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _no_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_claims(path: str | Path) -> ClaimsFile:
    """Read and validate a claims file.

    Refused: files over :data:`MAX_BYTES`, YAML aliases (an alias bomb expands a few hundred
    bytes to gigabytes), nesting deeper than :data:`MAX_DEPTH`, numbers a float cannot hold.

    Raises
    ------
    ClaimsFileError
        The file is missing, not YAML, or not a valid claims file; the message names the
        file, the claim (id and position) and the value.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ClaimsFileError(str(path), f"too large: {size:,} bytes (at most {MAX_BYTES:,}); "
                                             "split it into several files")
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise ClaimsFileError(str(path), "no such file") from None
    except IsADirectoryError:
        raise ClaimsFileError(str(path), "is a folder, not a claims file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClaimsFileError(str(path), f"cannot be read: {exc}") from None
    try:
        raw = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ClaimsFileError(str(path), f"not valid YAML: {problem}", where) from None
    except ValueError as exc:  # an integer of more digits than Python converts (4,300)
        raise ClaimsFileError(str(path), f"not valid YAML: a number too large to read ({exc})"
                              ) from None
    except RecursionError:  # a YAML construct deeper than the composer's count sees
        raise ClaimsFileError(str(path), f"nested more than {MAX_DEPTH} levels deep") from None
    return parse_claims(raw, str(path))


def parse_claims(raw: object, file: str = "<claims>") -> ClaimsFile:
    """Validate the parsed YAML of a claims file (see the module docstring).

    Raises
    ------
    ClaimsFileError
        Naming ``file``, the claim id and position, the check and the value at fault.
    """
    if not isinstance(raw, dict):
        raise ClaimsFileError(file, "must be a mapping with 'source' and 'claims'",
                              value=type_name(raw))
    extra = set(raw) - TOP_KEYS
    if extra:
        raise ClaimsFileError(file, f"unknown top-level key(s) {sorted(map(str, extra))}; "
                                    "expected 'source' and 'claims'")
    if "source" not in raw or raw["source"] in (None, "", {}):
        raise ClaimsFileError(file, "missing 'source': say where the claims come from "
                                    "(article title, URL, date)")
    source = raw["source"]
    if isinstance(source, dict):
        source = {str(k): (v if isinstance(v, str | int | float) else str(v))
                  for k, v in source.items()}
    elif not isinstance(source, str):
        raise ClaimsFileError(file, "'source' must be text or a mapping (title, url, date)",
                              value=source)
    claims = raw.get("claims")
    if not isinstance(claims, list) or not claims:
        raise ClaimsFileError(file, "'claims' must be a non-empty list", value=claims)
    out, seen = [], {}
    for i, c in enumerate(claims, start=1):
        claim = _parse_claim(c, i, file)
        if claim.id in seen:
            raise ClaimsFileError(file, f"duplicate id (also claim #{seen[claim.id]})",
                                  f"claim {claim.id!r} (#{i})", claim.id)
        seen[claim.id] = i
        out.append(claim)
    return ClaimsFile(file, source, tuple(out))


def _parse_claim(c: object, i: int, file: str) -> Claim:
    where = f"claim #{i}"
    if not isinstance(c, dict):
        raise ClaimsFileError(file, "a claim must be a mapping with id, text, country, checks",
                              where, c)
    cid = c.get("id")
    if isinstance(cid, int) and not isinstance(cid, bool):
        cid = str(cid)
    if not isinstance(cid, str) or not cid.strip():
        raise ClaimsFileError(file, "missing or empty 'id' (text)", where, cid)
    where = f"claim {cid!r} (#{i})"
    extra = set(c) - CLAIM_KEYS
    if extra:
        raise ClaimsFileError(file, f"unknown key(s) {sorted(map(str, extra))}; a claim has "
                                    f"{', '.join(sorted(CLAIM_KEYS))}", where)
    for key in ("text", "country", "checks"):
        if key not in c:
            raise ClaimsFileError(file, f"missing '{key}'", where)
    text = c["text"]
    if not isinstance(text, str) or not text.strip():
        raise ClaimsFileError(file, "'text' must be the statement, as text", where, text)
    country = c["country"]
    if not isinstance(country, str):
        raise ClaimsFileError(file, "'country' must be an ISO3 code or a name, as text "
                                    "(quote it: YAML reads NO as false)", where, country)
    try:
        iso3 = states.validate_iso3(country)
    except MultivectorError as exc:
        raise ClaimsFileError(file, f"unknown country: {exc}", where, country) from None
    checks = c["checks"]
    if not isinstance(checks, list) or not checks:
        raise ClaimsFileError(file, "'checks' must be a non-empty list", where, checks)
    parsed = tuple(_parse_check(k, j, file, where) for j, k in enumerate(checks, start=1))
    return Claim(cid.strip(), text.strip(), iso3, parsed)


def _parse_check(k: object, j: int, file: str, claim_where: str) -> Check:
    where = f"{claim_where}, check {j}"
    if not isinstance(k, dict):
        raise ClaimsFileError(file, "a check must be a mapping such as {indicator: CODE, "
                                    "year: Y, stated: X}", where, k)
    if "visit" in k:  # official visits, not a measure (multivector.analysis.claims.visitcheck)
        return visitcheck.parse_visit(k, file, where)
    extra = set(k) - CHECK_KEYS
    if extra:
        raise ClaimsFileError(file, f"unknown key(s) {sorted(map(str, extra))}; a check has "
                                    f"{', '.join(sorted(CHECK_KEYS))}", where)
    names = [key for key in ("indicator", "measure") if key in k]
    if len(names) != 1:
        raise ClaimsFileError(file, "a check names exactly one 'indicator' (WDI code) or "
                                    "'measure' (see `multivector claims measures`), or is a "
                                    "'visit' check", where)
    name = k[names[0]]
    if not isinstance(name, str):
        raise ClaimsFileError(file, f"'{names[0]}' must be a code, as text", where, name)
    try:
        spec = catalog.resolve(name)
    except catalog.UnknownMeasureError as exc:
        raise ClaimsFileError(file, str(exc), where, name) from None
    kinds = [key for key in ("stated", "ratio", "rank") if key in k]
    if len(kinds) != 1:
        raise ClaimsFileError(file, "a check has exactly one of 'stated' (a value), 'ratio' "
                                    "(a growth factor) or 'rank'", where,
                              {key: k[key] for key in kinds} if kinds else None)
    kind = {"stated": "value", "ratio": "ratio", "rank": "rank"}[kinds[0]]
    stated = k[kinds[0]]
    if kind == "ratio":
        if "year" in k or "years" not in k:
            raise ClaimsFileError(file, "a ratio check takes 'years: [Y1, Y2]' (the factor "
                                        "from Y1 to Y2), not 'year'", where, k.get("year"))
        yrs = k["years"]
        if not isinstance(yrs, list) or len(yrs) != 2:
            raise ClaimsFileError(file, "'years' must be a list of two years [Y1, Y2]", where,
                                  yrs)
        years = tuple(year_value(y, file, where, "years") for y in yrs)
        if years[0] == years[1]:
            raise ClaimsFileError(file, "'years' must be two different years", where, yrs)
        if not is_number(stated) or stated <= 0:
            raise ClaimsFileError(file, "'ratio' must be a positive number (the growth factor "
                                        f"v(Y2)/v(Y1)){number_hint(stated)}", where, stated)
    else:
        if "years" in k or "year" not in k:
            raise ClaimsFileError(file, f"a {kind} check takes one 'year' ('years' is for "
                                        "ratio checks)", where, k.get("years"))
        years = (year_value(k["year"], file, where),)
        if kind == "rank":
            if (isinstance(stated, bool) or not isinstance(stated, int)
                    or not 1 <= stated <= MAX_RANK):
                raise ClaimsFileError(file, f"'rank' must be a whole number from 1 to "
                                            f"{MAX_RANK:,}", where, stated)
        elif not is_number(stated):
            raise ClaimsFileError(file, f"'stated' must be a number{number_hint(stated)}",
                                  where, stated)
    tol = k.get("tolerance", DEFAULT_RANK_TOLERANCE if kind == "rank" else DEFAULT_TOLERANCE)
    if not is_number(tol) or tol < 0:
        raise ClaimsFileError(file, "'tolerance' must be a number, 0 or more "
                                    f"{'(places)' if kind == 'rank' else '(relative: 0.1 is 10%)'}"
                                    f"{number_hint(tol)}", where, tol)
    if kind == "rank" and (float(tol) != int(tol) or tol > MAX_RANK):
        raise ClaimsFileError(file, "'tolerance' of a rank check is a whole number of places",
                              where, tol)
    return Check(spec.name, kind, years, float(stated), float(tol))
