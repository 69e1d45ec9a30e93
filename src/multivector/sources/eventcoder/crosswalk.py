"""CAMEO event codes to PLOVER event types and quad classes, through the published crosswalk.

The crosswalk is the Open Event Data Alliance's ``CAMEO2PLOVER-2021.txt`` (PLOVER manual draft
0.8, Schrodt 2021; CC BY-SA 4.0), read from the pinned source ``plover``: one line per CAMEO
code, ``CODE: TYPE, mode, context # CAMEO description``. A code absent from the table takes the
type of its nearest listed parent (``0871`` -> ``087``); a two-digit root whose codes split
between types (``08``: CONCEDE and RETREAT) has no type of its own. CAMEO's roots 01 (make a
public statement) and 02 (appeal) have no PLOVER type: such events are counted as unmapped,
never stored under a guessed type.

Quad classes follow the manual's event-category sections (Quad category headings): 1 verbal
cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict. The manual's
summary table puts SANCTION among verbal conflict; its SANCTION section and the category
summary put it among material conflict, which is used here.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pandas as pd

from multivector.core.errors import ParseError
from multivector.sources import fetch, registry

QUAD: dict[str, int] = {
    "AGREE": 1, "CONSULT": 1, "SUPPORT": 1, "CONCEDE": 1,
    "COOPERATE": 2, "AID": 2, "RETREAT": 2,
    "REQUEST": 3, "ACCUSE": 3, "REJECT": 3, "THREATEN": 3,
    "PROTEST": 4, "SANCTION": 4, "MOBILIZE": 4, "COERCE": 4, "ASSAULT": 4,
}
QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
              4: "material conflict"}
COOPERATION = (1, 2)  # the quads the events channel counts

_LINE = re.compile(r"^\s*(\d{2,4})\s*:\s*([A-Za-z_]+)?")


def parse_crosswalk(path: str | Path) -> pd.DataFrame:
    """Read ``CAMEO2PLOVER-2021.txt`` into ``cameo, type`` (every listed code, roots included).

    A code listed twice with the same type is kept once; a code listed under two types (the
    root ``08``) is kept with type None (ambiguous).

    Raises
    ------
    ParseError
        A code line names a type the PLOVER manual does not define, or no code line is found.
    """
    rows: dict[str, set[str]] = {}
    text = Path(path).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), start=1):
        if line.startswith("#") or line.startswith("~"):
            continue
        m = _LINE.match(line)
        if not m:
            continue
        code, typ = m.group(1), (m.group(2) or "").upper()
        if typ not in QUAD:
            raise ParseError(str(path), "unknown PLOVER event type", n, typ or line)
        rows.setdefault(code, set()).add(typ)
    if not rows:
        raise ParseError(str(path), "no 'CODE: TYPE' line found")
    return pd.DataFrame([(c, next(iter(t)) if len(t) == 1 else None)
                         for c, t in sorted(rows.items())], columns=["cameo", "type"])


@cache
def _packaged_table() -> pd.DataFrame:
    src = registry.get_source("plover")
    path = next(fetch.fetch(f) for f in src.files if f.mirror_path.endswith(".txt"))
    return parse_crosswalk(path)


def cameo_table(path: str | Path | None = None) -> pd.DataFrame:
    """The crosswalk as ``cameo, type`` (from ``path``, or the pinned ``plover`` source)."""
    return parse_crosswalk(path) if path is not None else _packaged_table()


def map_cameo(codes: pd.Series | list[str], table: pd.DataFrame | None = None) -> pd.DataFrame:
    """PLOVER type and quad class of each distinct CAMEO code.

    Parameters
    ----------
    codes : sequence of str
        CAMEO codes as the source writes them (``"040"``, ``"1056"``); surrounding blanks are
        ignored. ICEWS and GDELT keep the leading zero; a code of one or two digits without it
        (``"40"``) is not guessed at and stays unmapped.
    table : pandas.DataFrame, optional
        :func:`cameo_table` (default: the pinned crosswalk).

    Returns
    -------
    pandas.DataFrame
        One row per distinct code: ``cameo, type, quad`` (type and quad missing where the code
        or its parents have no PLOVER type).
    """
    t = cameo_table() if table is None else table
    lookup = dict(zip(t["cameo"], t["type"], strict=True))
    out = []
    for raw in pd.unique(pd.Series(codes, dtype=object).dropna().astype(str)):
        code = raw.strip()
        typ = None
        if code.isdigit() and len(code) >= 3:
            for k in range(len(code), 1, -1):
                if code[:k] in lookup:
                    typ = lookup[code[:k]]
                    break
        out.append((raw, typ, QUAD.get(typ) if typ else None))
    frame = pd.DataFrame(out, columns=["cameo", "type", "quad"])
    frame["quad"] = frame["quad"].astype("Int64")
    return frame
