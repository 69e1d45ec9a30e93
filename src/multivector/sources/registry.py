"""The registry of every file multivector reads.

Two packaged tables are the single source of truth:

- ``data/registry.tsv``: one row per file, copied from the data mirror's ``REGISTRY.tsv``:
  ``mirror_path``, ``url`` (raw address pinned to a commit), ``sha256``, ``bytes``, ``licence``.
- ``data/sources.toml``: the sources, each a title, a citation, the years covered and the glob
  patterns of its files' mirror paths. A file belongs to the first source whose pattern matches.

Users may add newer files of a published format with ``MULTIVECTOR_EXTRA_REGISTRY``: a TSV of
the same columns, appended to the packaged one.
"""

from __future__ import annotations

import csv
import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote, unquote

from multivector.errors import SourceError

REGISTRY_COLUMNS = ("mirror_path", "url", "sha256", "bytes", "licence")


@dataclass(frozen=True)
class FileEntry:
    """One pinned file: where it lives, what its bytes hash to, and its licence."""

    mirror_path: str
    url: str
    sha256: str
    bytes: int
    licence: str

    @property
    def download_url(self) -> str:
        """The URL with its path percent-encoded (some OWID paths hold spaces)."""
        scheme, _, rest = self.url.partition("://")
        host, _, path = rest.partition("/")
        return f"{scheme}://{host}/{quote(unquote(path), safe='/')}"

    @property
    def name(self) -> str:
        return self.mirror_path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Source:
    """A named family of files with one citation."""

    name: str
    title: str
    citation: str
    coverage: str
    patterns: tuple[str, ...]
    files: tuple[FileEntry, ...] = field(default=())

    @property
    def licences(self) -> list[str]:
        return sorted({f.licence for f in self.files})

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def file(self, name_or_suffix: str) -> FileEntry:
        """The one file whose mirror path ends with ``name_or_suffix``."""
        hits = [f for f in self.files if f.mirror_path.endswith(name_or_suffix)]
        if len(hits) != 1:
            raise SourceError(
                f"source {self.name!r} has {len(hits)} files ending with {name_or_suffix!r}"
            )
        return hits[0]


def _read_registry_tsv(text: str, origin: str) -> list[FileEntry]:
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    if not rows or tuple(rows[0][:5]) != REGISTRY_COLUMNS:
        header = " ".join(REGISTRY_COLUMNS)
        raise SourceError(f"{origin}: header must be the tab-separated columns {header}")
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) < 5:
            raise SourceError(f"{origin}, row {i}: expected 5 columns, got {len(row)}: {row!r}")
        path, url, sha, size, licence = row[:5]
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise SourceError(f"{origin}, row {i}: sha256 is not 64 hex digits: {sha!r}")
        try:
            nbytes = int(size)
        except ValueError:
            raise SourceError(f"{origin}, row {i}: bytes is not an integer: {size!r}") from None
        out.append(FileEntry(path, url, sha, nbytes, licence))
    return out


@cache
def file_entries() -> tuple[FileEntry, ...]:
    """Every pinned file: the packaged registry plus ``MULTIVECTOR_EXTRA_REGISTRY``."""
    text = resources.files("multivector.data").joinpath("registry.tsv").read_text("utf-8")
    entries = _read_registry_tsv(text, "multivector/data/registry.tsv")
    extra = os.environ.get("MULTIVECTOR_EXTRA_REGISTRY")
    if extra:
        entries += _read_registry_tsv(Path(extra).read_text("utf-8"), extra)
    return tuple(entries)


@cache
def sources() -> dict[str, Source]:
    """Every source by name, each with the files that belong to it."""
    raw = tomllib.loads(
        resources.files("multivector.data").joinpath("sources.toml").read_text("utf-8")
    )
    specs = [
        Source(name, s["title"], s["citation"], s["coverage"], tuple(s["match"]))
        for name, s in raw.items()
    ]
    members: dict[str, list[FileEntry]] = {s.name: [] for s in specs}
    for entry in file_entries():
        for s in specs:
            if any(fnmatch.fnmatchcase(entry.mirror_path, p) for p in s.patterns):
                members[s.name].append(entry)
                break
    return {
        s.name: Source(s.name, s.title, s.citation, s.coverage, s.patterns, tuple(members[s.name]))
        for s in specs
    }


def get_source(name: str) -> Source:
    """The source called ``name``; a clear error lists the known ones otherwise."""
    all_sources = sources()
    if name not in all_sources:
        raise SourceError(f"unknown source {name!r}; known: {', '.join(all_sources)}")
    return all_sources[name]
