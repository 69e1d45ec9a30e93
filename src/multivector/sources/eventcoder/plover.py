"""The PLOVER event ontology: types, quad classes, the 0.5 → current names, training text.

PLOVER (Political Language Ontology for Verifiable Event Records, Open Event Data Alliance,
CC BY-SA 4.0) has sixteen event types in four quad classes. The gold-standard records were
coded with PLOVER 0.5, whose DEMAND, DISAPPROVE, INVESTIGATE and FIGHT the manual's conversion
table (``PLOVER_MANUAL.tex``, appendix on CAMEO) folds into REQUEST, ACCUSE, ACCUSE and ASSAULT.

The manual's definitions, potential ambiguities and mode tables, and the descriptions in the
CAMEO → PLOVER crosswalk (``CAMEO2PLOVER-2021.txt``), are read from the data mirror as extra
training text: each paragraph or item is labelled with its section's type, or with the type it
says a case "should be coded as".
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from multivector.core.errors import MultivectorError

QUADS = {
    "AGREE": "VERBAL COOPERATION", "CONSULT": "VERBAL COOPERATION",
    "SUPPORT": "VERBAL COOPERATION", "CONCEDE": "VERBAL COOPERATION",
    "COOPERATE": "MATERIAL COOPERATION", "AID": "MATERIAL COOPERATION",
    "RETREAT": "MATERIAL COOPERATION",
    "REQUEST": "VERBAL CONFLICT", "ACCUSE": "VERBAL CONFLICT", "REJECT": "VERBAL CONFLICT",
    "THREATEN": "VERBAL CONFLICT",
    "PROTEST": "MATERIAL CONFLICT", "SANCTION": "MATERIAL CONFLICT",
    "MOBILIZE": "MATERIAL CONFLICT", "COERCE": "MATERIAL CONFLICT", "ASSAULT": "MATERIAL CONFLICT",
}
TYPES = tuple(QUADS)
# PLOVER 0.5 (and CAMEO-era) names → today's types, from the manual's conversion table
OLD_NAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
             "FIGHT": "ASSAULT", "YIELD": "CONCEDE", "THREAT": "THREATEN", "APPEAL": "REQUEST"}

PLOVER_DIR = "github/openeventdata/PLOVER/5e0c24fba623f2d8df5ae3c7de7a94dba90d5b6f"
ATTRIBUTION = ("PLOVER ontology, manual and CAMEO crosswalk © Open Event Data Alliance, "
               "CC BY-SA 4.0 (https://github.com/openeventdata/PLOVER)")


class OntologyError(MultivectorError):
    """An event type that PLOVER does not know, or the PLOVER files cannot be found."""


def current_type(name: str, where: str = "") -> str:
    """Today's PLOVER type for ``name`` (a current or a PLOVER 0.5 name, any case)."""
    key = str(name).strip().upper()
    key = OLD_NAMES.get(key, key)
    if key not in QUADS:
        raise OntologyError(f"{where + ': ' if where else ''}unknown PLOVER event type {name!r} "
                            f"(known: {', '.join(TYPES)}; 0.5 names {', '.join(OLD_NAMES)})")
    return key


def quad(event_type: str) -> str:
    """The quad class of a PLOVER type."""
    return QUADS[current_type(event_type)]


@dataclass(frozen=True)
class Example:
    """A labelled piece of training text."""

    text: str
    event_type: str
    origin: str


def plover_dir(mirror: Path | str | None = None) -> Path:
    """The mirror's PLOVER folder (``MULTIVECTOR_MIRROR`` when ``mirror`` is None)."""
    root = mirror or os.environ.get("MULTIVECTOR_MIRROR")
    if not root:
        raise OntologyError("the PLOVER manual is read from the data mirror: set "
                            "MULTIVECTOR_MIRROR (a folder holding github/openeventdata/PLOVER)")
    path = Path(root) / PLOVER_DIR
    if not (path / "PLOVER_MANUAL.tex").is_file():
        raise OntologyError(f"{path / 'PLOVER_MANUAL.tex'}: not found in the data mirror")
    return path


_CODED_AS = re.compile(r"(?:coded|code)\s+(?:as|under)\s+(?:an?\s+)?\\plcat\{([A-Z]+)\}")
_CMD_ARG = re.compile(r"\\(?:plcat|plcon|plmod|txt|ti|textit|emph|textbf|texttt)\{([^{}]*)\}")


def _clean_tex(s: str) -> str:
    s = re.sub(r"(?<!\\)%.*", "", s)
    s = _CMD_ARG.sub(r"\1", s)
    s = re.sub(r"\\(?:ref|label|cite[pt]?|caption)\{[^{}]*\}", "", s)
    s = re.sub(r"\\[a-zA-Z]+\*?(\[[^\]]*\])?", " ", s)
    s = s.replace("``", '"').replace("''", '"').replace("---", " - ").replace("\\$", "$")
    s = re.sub(r"[{}&$]|\\\\", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def manual_examples(path: Path) -> list[Example]:
    """Training text from the manual: per event-type chapter section, its paragraphs, items and
    mode-table rows (a mode row reads "TYPE mode: content")."""
    tex = path.read_text(encoding="utf-8")
    start = tex.find("\\chapter{Event Categories}")
    end = tex.find("\\chapter", start + 10)
    body = tex[start:end if end > 0 else None]
    out: list[Example] = []
    for sec in re.split(r"\\section\{", body)[1:]:
        name, _, rest = sec.partition("}")
        name = name.strip().upper()
        if name not in QUADS:
            continue
        for chunk in re.split(r"\\item|\n\s*\n|\\\\\s*\n", rest):
            if ("\\subsection" in chunk and len(chunk) < 80
                    or "\\hline" in chunk and "&" not in chunk):
                continue
            coded = _CODED_AS.findall(chunk)
            label = OLD_NAMES.get(coded[-1], coded[-1]) if coded else name
            text = _clean_tex(chunk)
            if "&" in chunk and len(text) < 200:  # a mode-table row: "name & content"
                text = f"{name.lower()} {text}"
            if len(text) >= 15 and label in QUADS:
                out.append(Example(text, label, "PLOVER manual"))
    return out


def crosswalk_examples(path: Path) -> list[Example]:
    """Training text from the CAMEO → PLOVER crosswalk: each code's description, labelled with
    the PLOVER type the crosswalk gives it (lines without a description are skipped)."""
    out: list[Example] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\s*\d{2,4}:\s*([A-Z]+)[^#]*#\s*(.+)", line)
        if m and m.group(1) in QUADS and len(m.group(2).strip()) > 5:
            out.append(Example(m.group(2).strip(), m.group(1), "CAMEO2PLOVER crosswalk"))
    return out


def ontology_examples(mirror: Path | str | None = None) -> list[Example]:
    """The manual's and the crosswalk's training text."""
    d = plover_dir(mirror)
    cross = d / "CAMEO2PLOVER-2021.txt"
    return manual_examples(d / "PLOVER_MANUAL.tex") + (
        crosswalk_examples(cross) if cross.is_file() else [])
