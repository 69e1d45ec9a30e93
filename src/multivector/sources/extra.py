"""Files a user adds to the registry: next year's release of a format multivector reads.

``multivector data add FILE --as SOURCE`` (:func:`add`) reads the file with its family's parser
(:mod:`multivector.sources.layouts`), then records it in the user's registry
(:func:`multivector.core.paths.user_registry`: ``MULTIVECTOR_EXTRA_REGISTRY`` when set, else
``extra_registry.tsv`` under ``MULTIVECTOR_HOME``). Nothing is copied: the row's ``url`` is the
file's ``file://`` address, read in place and checked against the recorded sha256 and size
every time it is fetched (``data pull``, ``ingest``), so a file changed after it was added is
refused until it is added again.

The user's registry is a TSV whose first five columns are the packaged registry's
(:data:`~multivector.sources.registry.REGISTRY_COLUMNS`, all that
:mod:`~multivector.sources.registry` reads), then :data:`ADDED_COLUMNS`: the source, the file's
name, the address it was published at (``--url``) and when it was added. Its mirror path is
``user/<source>/<first 12 digits of the sha256>/<name>``, which only that source's
``user/<source>/*`` pattern in ``data/sources.toml`` matches. Rows written by hand (five columns)
are kept as they are. The file is rewritten atomically (a temporary file beside it, renamed).

Adding is idempotent: the same file at the same path is recorded once. A changed file at a
recorded path replaces its row in place (the registry order, which decides which release is
the newer, is kept); a file byte for byte like a pinned or already recorded one is not
recorded twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd

from multivector.core import paths
from multivector.core.atomic import atomic_write
from multivector.core.errors import OptionError, ParseError, SourceError
from multivector.sources import eurostat, layouts, registry
from multivector.sources.fetch import local_path, sha256_cached, sha256_of
from multivector.sources.registry import REGISTRY_COLUMNS, FileEntry

ADDED_COLUMNS = ("source", "name", "origin", "added_at")
COLUMNS = (*REGISTRY_COLUMNS, *ADDED_COLUMNS)
NOT_STATED = "not stated"


@dataclass(frozen=True)
class Added:
    """What :func:`add` did.

    ``status``: ``added`` (a new row), ``updated`` (the file at a recorded path changed, or its
    licence or URL), ``unchanged`` (recorded already), ``moved`` (recorded bytes found at a new
    path: the row now points there), ``duplicate`` (the same bytes are recorded from another
    path), ``pinned`` (the bytes of a pinned file: nothing to add). ``row`` is the recorded row
    (:data:`COLUMNS`), ``other`` the pinned or recorded file a ``duplicate``/``pinned`` is.
    """

    status: str
    row: dict[str, str]
    registry: Path
    holds: str = ""
    other: str = ""


def _one_line(text: str | None, option: str) -> str | None:
    if text is not None and any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise OptionError(f"{option} must be one line of text without tabs (got {text!r})")
    return text.strip() if text is not None else None


def _origin(url: str | None) -> str | None:
    url = _one_line(url, "--url")
    if url is None:
        return None
    parts = urlparse(url)
    if parts.scheme not in ("http", "https", "ftp") or not parts.netloc or " " in url:
        raise OptionError(f"--url must be the http(s) address the file was published at "
                          f"(got {url!r})")
    return url


def read_rows() -> tuple[list[str], list[dict[str, str]]]:
    """The user's registry as its header and rows (every column, missing ones empty; the
    source of a row written by hand from its mirror path).

    Raises
    ------
    SourceError
        The registry breaks the format (named file and row), or it is named by
        ``MULTIVECTOR_EXTRA_REGISTRY`` and cannot be read.
    """
    path = paths.user_registry()
    if not path.is_file():
        return list(COLUMNS), []
    registry.user_entries()  # checks the five columns of every row, naming file and row
    lines = list(csv.reader(path.read_text("utf-8").splitlines(), delimiter="\t"))
    header = lines[0] + [c for c in COLUMNS if c not in lines[0]]
    rows = []
    for line in lines[1:]:
        if line:
            row = dict(zip(header, line + [""] * (len(header) - len(line)), strict=False))
            row["source"] = row["source"] or registry.source_of(row["mirror_path"]) or ""
            rows.append(row)
    return header, rows


def write_rows(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    """Write the user's registry all at once (a temporary file beside it, renamed)."""
    header = list(COLUMNS) + [c for c in header if c not in COLUMNS]
    buf = io.StringIO()
    out = csv.writer(buf, delimiter="\t", lineterminator="\n")
    out.writerow(header)
    out.writerows([[r.get(c, "") for c in header] for r in rows])
    text = buf.getvalue()
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline=""),
                 lambda p, exc: SourceError(f"{p}: cannot write the registry of added files: "
                                            f"{exc}"))
    registry.refresh()


def _eurostat_clash(path: Path, year: int, others: list[FileEntry]) -> None:
    """Refuse an extract of a year another extract of the registry holds (one per year)."""
    for e in others:
        other = local_path(e)
        if not other.is_file() or other.stat().st_size != e.bytes:
            continue  # a file not at hand: the build will tell
        try:
            if eurostat.extract_year(other) == year:
                raise SourceError(
                    f"cannot add {path} as eurostat_eu_exports: it holds {year}, as does "
                    f"{e.name} ({e.mirror_path}); Eurostat extracts are one per year and a "
                    "year in two is refused by the build; nothing was recorded")
        except ParseError:
            continue


def _row(source: str, path: Path, sha: str, size: int, licence: str, origin: str) -> dict:
    place = layouts.family(source).place(path)
    mirror_path = f"user/{source}/{sha[:12]}/{place}"
    if registry.source_of(mirror_path) != source:  # data/sources.toml lacks the pattern
        raise SourceError(f"{mirror_path}: matches no user/{source}/* pattern of "
                          "data/sources.toml")
    return {"mirror_path": mirror_path, "url": path.as_uri(), "sha256": sha, "bytes": str(size),
            "licence": licence, "source": source, "name": path.name, "origin": origin,
            "added_at": datetime.now(UTC).isoformat(timespec="seconds")}


def add(file: str | Path, source: str, url: str | None = None,
        licence: str | None = None) -> Added:
    """Check ``file`` with the parser of ``source`` and record it in the user's registry.

    Parameters
    ----------
    file : path
        The file, read in place (never copied).
    source : str
        A source that takes added files (:data:`multivector.sources.layouts.FAMILIES`).
    url : str, optional
        The address the file was published at (kept as its ``origin``).
    licence : str, optional
        Its licence (``not stated`` when not given).

    Raises
    ------
    OptionError
        ``source`` takes no added files, or ``--url`` / ``--licence`` is not one line.
    SourceError
        The file is missing, its layout is not the family's (file, sheet, row, column and what
        was expected), or the registry cannot be read or written.
    """
    layouts.family(source)
    licence, origin = _one_line(licence, "--licence"), _origin(url)
    given = Path(file).expanduser()
    if not given.is_file():
        raise SourceError(f"{file}: no such file")
    path = given.resolve()
    sha, size = sha256_of(path), path.stat().st_size
    target = paths.user_registry()
    header, rows = read_rows()
    mine = [r for r in rows if r["source"] == source]
    at = next((r for r in mine if r["url"] == path.as_uri()), None)
    pinned = next((e for e in registry.packaged_entries() if e.sha256 == sha
                   and registry.source_of(e.mirror_path) == source), None)
    if at is not None and at["sha256"] == sha and licence in (None, at["licence"]) \
            and origin in (None, at["origin"]):
        return Added("unchanged", at, target)
    if pinned is not None:
        if at is not None:  # the file at a recorded path is now a pinned one: drop its row
            write_rows(target, header, [r for r in rows if r is not at])
        return Added("pinned", at or {}, target, other=pinned.mirror_path)
    same = next((r for r in mine if r["sha256"] == sha and r is not at), None)
    if same is not None:
        if local_path(_entry(same)).is_file():
            return Added("duplicate", same, target, other=local_path(_entry(same)).as_posix())
        same["url"] = path.as_uri()
        same["name"] = path.name
        write_rows(target, header, rows)
        return Added("moved", same, target)
    holds = layouts.check(source, path)
    if source == "eurostat_eu_exports":
        others = [e for e in registry.packaged_entries()
                  if registry.source_of(e.mirror_path) == source]
        others += [_entry(r) for r in mine if r is not at]
        _eurostat_clash(path, eurostat.extract_year(path), others)
    keep = at or {}
    row = _row(source, path, sha, size, licence or keep.get("licence") or NOT_STATED,
               origin or keep.get("origin", ""))
    if at is not None:
        rows[rows.index(at)] = row
    else:
        rows.append(row)
    write_rows(target, header, rows)
    return Added("updated" if at is not None else "added", row, target, holds)


def _entry(row: dict[str, str]) -> FileEntry:
    return FileEntry(row["mirror_path"], row["url"], row["sha256"], int(row["bytes"]),
                     row["licence"])


def added_files() -> pd.DataFrame:
    """Every file of the user's registry with its state now.

    Returns
    -------
    pandas.DataFrame
        ``source, name, state, sha256, bytes, added_at, origin, licence, path``; ``state`` is
        ``verified`` (size and sha256 as recorded), ``changed`` (add it again to record the new
        version) or ``missing``; ``path`` the local file (or the URL of a row written by hand).
    """
    _, rows = read_rows()
    out = []
    for r in rows:
        e = _entry(r)
        where = local_path(e) if e.url.startswith("file://") else None
        if where is None:
            state = "not local"
        elif not where.is_file():
            state = "missing"
        elif where.stat().st_size != e.bytes or sha256_cached(where) != e.sha256:
            state = "changed"
        else:
            state = "verified"
        out.append((r["source"], r["name"] or e.name, state, e.sha256, e.bytes, r["added_at"],
                    r["origin"], e.licence, str(where) if where is not None else e.url))
    return pd.DataFrame(out, columns=["source", "name", "state", "sha256", "bytes", "added_at",
                                      "origin", "licence", "path"])
