"""Get pinned files: from a local mirror, the cache, or the network, always checksum-verified.

Downloads go through :func:`pooch.retrieve`, which streams to a temporary file beside the
target, checks the sha256 and only then moves it into place, so the cache never holds a
half-written or unverified file. A cached file whose hash no longer matches (disk corruption, a
hand edit) is detected on the next request and fetched again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

import pooch
import requests
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from multivector.core import paths
from multivector.core.errors import ChecksumError, SourceError
from multivector.sources.registry import FileEntry, Source, get_source, sources

log = logging.getLogger(__name__)


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """The hex sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def cached_path(entry: FileEntry) -> Path:
    """Where ``entry`` lives in the per-user cache (never outside it: :meth:`FileEntry.under`)."""
    return entry.under(paths.cache_dir())


def _verify_local(entry: FileEntry, path: Path) -> Path:
    """Check a local file's size and sha256 against the registry."""
    size = path.stat().st_size
    if size != entry.bytes:
        raise ChecksumError(
            f"{path}: {size} bytes, the registry pins {entry.bytes} "
            f"(truncated or replaced file)"
        )
    digest = sha256_of(path)
    if digest != entry.sha256:
        raise ChecksumError(
            f"{path}: sha256 {digest}, the registry pins {entry.sha256}"
        )
    return path


def _from_mirror(entry: FileEntry, root: Path) -> Path:
    path = entry.under(root)
    if not path.is_file():
        raise SourceError(
            f"{entry.mirror_path}: not found in the mirror {root} (MULTIVECTOR_MIRROR); "
            f"unset MULTIVECTOR_MIRROR to download it from {entry.download_url}"
        )
    return _verify_local(entry, path)


def _from_local_url(entry: FileEntry) -> Path:
    """A ``file://`` URL (a user's newer file of a published format): verified, not copied."""
    path = local_path(entry)
    if not path.is_file():
        raise SourceError(f"{entry.mirror_path}: local file {path} does not exist")
    return _verify_local(entry, path)


def _from_network(entry: FileEntry) -> Path:
    target = cached_path(entry)
    if target.exists() and sha256_of(target) != entry.sha256:
        log.warning("%s: cached copy is corrupt (checksum mismatch); fetching it again", target)
        target.unlink()  # never keep an unverified file, even if the new download fails
    try:
        fetched = pooch.retrieve(
            url=entry.download_url,
            known_hash=f"sha256:{entry.sha256}",
            fname=target.name,
            path=target.parent,
            downloader=pooch.HTTPDownloader(progressbar=False, timeout=60),
        )
    except ValueError as exc:  # pooch's hash mismatch; the temporary file is already gone
        raise ChecksumError(
            f"{entry.mirror_path}: the download from {entry.download_url} does not match the "
            f"pinned sha256 {entry.sha256} (truncated or changed upstream); nothing was cached. "
            f"Detail: {exc}"
        ) from exc
    except requests.RequestException as exc:
        raise SourceError(
            f"{entry.mirror_path}: download from {entry.download_url} failed: {exc}; nothing "
            "was cached. Set MULTIVECTOR_MIRROR to read a local mirror instead."
        ) from exc
    except OSError as exc:  # a full disk, a read-only cache; pooch removed its partial file
        raise SourceError(
            f"{entry.mirror_path}: could not write the download into {target.parent}: "
            f"{exc}; nothing was cached") from exc
    return Path(fetched)


def fetch(entry: FileEntry, mirror: Path | None = None) -> Path:
    """Return a local, verified path to ``entry``.

    Parameters
    ----------
    entry : FileEntry
        The pinned file.
    mirror : Path, optional
        A mirror root; defaults to ``MULTIVECTOR_MIRROR``. When set, the file is read from there
        (verified, never copied); otherwise from the cache, downloading it if needed.

    Raises
    ------
    ChecksumError
        The bytes do not hash to the pinned sha256.
    SourceError
        The file is missing from the mirror or could not be downloaded.
    """
    if entry.url.startswith("file://"):
        return _from_local_url(entry)
    root = mirror if mirror is not None else paths.mirror_root()
    if root is not None:
        return _from_mirror(entry, root)
    return _from_network(entry)


def local_path(entry: FileEntry, mirror: Path | None = None) -> Path:
    """Where ``entry`` is read from without the network: its file:// path, the mirror or cache."""
    if entry.url.startswith("file://"):
        return Path(unquote(urlparse(entry.url).path))
    root = mirror if mirror is not None else paths.mirror_root()
    return entry.under(root) if root is not None else cached_path(entry)


def _verified_file() -> Path:
    return paths.home() / "verified.json"


def _load_verified() -> dict:
    try:
        got = json.loads(_verified_file().read_text("utf-8"))
        return got if isinstance(got, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_verified(known: dict) -> None:
    """Write the verification cache atomically; a read-only home just goes without it."""
    target = _verified_file()
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(known, sort_keys=True), "utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        log.debug("verification cache not saved: %s", exc)


def sha256_cached(path: Path, known: dict | None = None) -> str:
    """The sha256 of ``path``, hashed again only when its size or mtime changed.

    The digests are kept in ``verified.json`` under :func:`multivector.core.paths.home`, keyed by
    the file's path, size and modification time (ns), so ``data status`` stays fast and still
    notices a file changed in place (any write moves its mtime).
    """
    own = known is None
    known = _load_verified() if own else known
    st = path.stat()
    stamp = [st.st_size, st.st_mtime_ns]
    hit = known.get(str(path))
    if isinstance(hit, list) and len(hit) == 3 and hit[:2] == stamp:
        return str(hit[2])
    digest = sha256_of(path)
    known[str(path)] = [*stamp, digest]
    if own:
        _save_verified(known)
    return digest


def is_available(entry: FileEntry, mirror: Path | None = None, verify: bool = True,
                 _known: dict | None = None) -> bool:
    """Whether ``entry`` can be read now without the network (``file://``, mirror or cache).

    The size and the sha256 are compared with the registry; the digest is cached by size and
    mtime (:func:`sha256_cached`). ``verify=False`` compares the size only.
    """
    path = local_path(entry, mirror)
    if not path.is_file() or path.stat().st_size != entry.bytes:
        return False
    return not verify or sha256_cached(path, _known) == entry.sha256


def availability(entries: Iterable[FileEntry], mirror: Path | None = None) -> list[bool]:
    """:func:`is_available` of each entry, the verification cache read and written once."""
    known = _load_verified()
    before = dict(known)
    out = [is_available(e, mirror, _known=known) for e in entries]
    if known != before:
        _save_verified(known)
    return out


def pull(names: Iterable[str] | None = None, mirror: Path | None = None,
         progress: bool = True) -> dict[str, list[Path]]:
    """Fetch and verify every file of the named sources (all when None), with a progress bar.

    Returns
    -------
    dict
        Source name to the local paths of its files, in registry order (a source named twice
        is pulled once).

    Raises
    ------
    SourceError
        One or more files are missing or corrupt; every one is named (one line each), after
        all the others were fetched.
    """
    wanted = list(dict.fromkeys(names)) if names else list(sources())  # a name given twice
    chosen: list[Source] = [get_source(n) for n in wanted]
    entries = [(s.name, f) for s in chosen for f in s.files]
    out: dict[str, list[Path]] = {s.name: [] for s in chosen}
    total = sum(f.bytes for _, f in entries)
    failures: list[SourceError] = []

    def one(name: str, f: FileEntry) -> None:
        try:
            out[name].append(fetch(f, mirror))
        except SourceError as exc:
            failures.append(exc)

    if not progress:
        for name, f in entries:
            one(name, f)
        _raise_failures(failures, len(entries))
        return out
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
               TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("verifying sources", total=total)
        for name, f in entries:
            bar.update(task, description=f"{name}: {f.name[:40]}")
            one(name, f)
            bar.advance(task, f.bytes)
    _raise_failures(failures, len(entries))
    return out


def _raise_failures(failures: list[SourceError], n: int) -> None:
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise SourceError(f"{len(failures)} of {n} files are missing or corrupt:\n"
                          + "\n".join(f"  {f}" for f in failures))
