"""The registry of every file multivector reads.

Two packaged tables are the single source of truth:

- ``data/registry.tsv``: one row per file, copied from the data mirror's ``REGISTRY.tsv``:
  ``mirror_path``, ``url`` (raw address pinned to a commit), ``sha256``, ``bytes``, ``licence``.
- ``data/sources.toml``: the sources, each a title, a citation, the years covered and the glob
  patterns of its files' mirror paths. A file belongs to the first source whose pattern matches.

Users may add newer files of a published format (``multivector data add``, module
:mod:`multivector.sources.extra`): their registry, a TSV of the same columns (and a few more,
which this module does not read), is appended to the packaged one. It is
``MULTIVECTOR_EXTRA_REGISTRY`` when set (then it must exist), else ``extra_registry.tsv`` under
``MULTIVECTOR_HOME`` when it exists (:func:`multivector.core.paths.user_registry`).

Every ``mirror_path`` is a relative path that must stay inside the cache and the mirror root:
:func:`check_mirror_path` rejects absolute paths, ``..`` and empty parts when the registry is
read, and :meth:`FileEntry.under` (the only way a root and a mirror path are joined) refuses a
path that a symbolic link leads out of the root, so no registry row can make multivector read,
write or delete a file elsewhere.
"""

from __future__ import annotations

import csv
import fnmatch
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from urllib.parse import quote, unquote

from multivector.core import paths
from multivector.core.errors import SourceError

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

    def under(self, root: Path) -> Path:
        """``root / mirror_path``, refused if it resolves outside ``root``.

        Raises
        ------
        SourceError
            The path (through a symbolic link, or a ``..`` that slipped past the registry's
            check) leads out of ``root``.
        """
        check_mirror_path(self.mirror_path, self.mirror_path)
        base = Path(root).resolve()
        path = base / self.mirror_path
        real = path.resolve()
        if not real.is_relative_to(base):
            raise SourceError(
                f"{self.mirror_path}: resolves to {real}, outside {base} (a symbolic link leads "
                "out of it); multivector reads and writes registry files only inside the cache "
                "or mirror root")
        return path


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


def check_mirror_path(path: str, where: str) -> str:
    """``path`` if it is a relative path that stays inside a root, else a SourceError.

    A mirror path is POSIX-style (``/`` separators), relative, without ``.``, ``..`` or empty
    parts, backslashes or control characters.
    """
    why = None
    if not path:
        why = "is empty"
    elif path.startswith(("/", "~")) or (len(path) > 1 and path[1] == ":"):
        why = "is absolute"
    elif "\\" in path:
        why = "holds a backslash (use /)"
    elif any(ord(c) < 32 or ord(c) == 127 for c in path):
        why = "holds a control character"
    elif any(part in ("", ".", "..") for part in path.split("/")):
        why = "has an empty, '.' or '..' part"
    if why:
        raise SourceError(f"{where}: mirror_path {path!r} {why}; it must be a relative path "
                          "inside the cache and mirror root")
    return path


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
        check_mirror_path(path, f"{origin}, row {i}")
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise SourceError(f"{origin}, row {i}: sha256 is not 64 hex digits: {sha!r}")
        try:
            nbytes = int(size)
        except ValueError:
            raise SourceError(f"{origin}, row {i}: bytes is not an integer: {size!r}") from None
        out.append(FileEntry(path, url, sha, nbytes, licence))
    return out


@cache
def packaged_entries() -> tuple[FileEntry, ...]:
    """The files of the packaged registry (``data/registry.tsv``)."""
    text = resources.files("multivector.data").joinpath("registry.tsv").read_text("utf-8")
    return tuple(_read_registry_tsv(text, "multivector/data/registry.tsv"))


def user_entries() -> tuple[FileEntry, ...]:
    """The files of the user's registry (:func:`multivector.core.paths.user_registry`): none
    when it is the default one and does not exist.

    Raises
    ------
    SourceError
        ``MULTIVECTOR_EXTRA_REGISTRY`` names no file, or a file that cannot be read or breaks
        the format (the message names the file and row).
    """
    extra = paths.user_registry()
    named = paths.user_registry_named()
    try:
        text = extra.read_text("utf-8")
    except FileNotFoundError:
        if not named:
            return ()
        raise SourceError(f"{extra}: no such file (MULTIVECTOR_EXTRA_REGISTRY); unset "
                          "it or point it at a registry TSV") from None
    except (OSError, UnicodeDecodeError) as exc:
        why = " (MULTIVECTOR_EXTRA_REGISTRY)" if named else ""
        raise SourceError(f"{extra}: cannot be read{why}: {exc}") from None
    return tuple(_read_registry_tsv(text, str(extra)))


@cache
def file_entries() -> tuple[FileEntry, ...]:
    """Every pinned file: the packaged registry plus the user's (:func:`user_entries`)."""
    return packaged_entries() + user_entries()


@cache
def _specs() -> tuple[Source, ...]:
    raw = tomllib.loads(
        resources.files("multivector.data").joinpath("sources.toml").read_text("utf-8")
    )
    return tuple(Source(name, s["title"], s["citation"], s["coverage"], tuple(s["match"]))
                 for name, s in raw.items())


def titles() -> dict[str, str]:
    """Every source's title by name, from ``data/sources.toml`` alone (no registry read)."""
    return {s.name: s.title for s in _specs()}


def source_of(mirror_path: str) -> str | None:
    """The source a mirror path belongs to: the first whose pattern matches (None: none)."""
    for s in _specs():
        if any(fnmatch.fnmatchcase(mirror_path, p) for p in s.patterns):
            return s.name
    return None


@cache
def sources() -> dict[str, Source]:
    """Every source by name, each with the files that belong to it."""
    specs = _specs()
    members: dict[str, list[FileEntry]] = {s.name: [] for s in specs}
    for entry in file_entries():
        name = source_of(entry.mirror_path)
        if name is not None:
            members[name].append(entry)
    return {
        s.name: Source(s.name, s.title, s.citation, s.coverage, s.patterns, tuple(members[s.name]))
        for s in specs
    }


def refresh() -> None:
    """Read the registries again on the next call (after the user's registry changed)."""
    file_entries.cache_clear()
    sources.cache_clear()


def get_source(name: str) -> Source:
    """The source called ``name``; a clear error lists the known ones otherwise."""
    all_sources = sources()
    if name not in all_sources:
        raise SourceError(f"unknown source {name!r}; known: {', '.join(all_sources)}")
    return all_sources[name]
