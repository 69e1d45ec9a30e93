"""Get pinned files: from a local mirror, the cache, or the network, always checksum-verified.

Downloads go through :func:`pooch.retrieve`, which streams to a temporary file beside the
target, checks the sha256 and only then moves it into place, so the cache never holds a
half-written or unverified file. A cached file whose hash no longer matches (disk corruption, a
hand edit) is detected on the next request and fetched again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

from multivector import paths
from multivector.errors import ChecksumError, SourceError
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
    """Where ``entry`` lives in the per-user cache."""
    return paths.cache_dir() / entry.mirror_path


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
    path = root / entry.mirror_path
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
    import pooch
    import requests

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
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(entry.url).path))
    root = mirror if mirror is not None else paths.mirror_root()
    return (root / entry.mirror_path) if root is not None else cached_path(entry)


def is_available(entry: FileEntry, mirror: Path | None = None, verify: bool = False) -> bool:
    """Whether ``entry`` can be read now without the network (``file://``, mirror or cache).

    By default only the size is compared (cheap); ``verify=True`` also checks the sha256.
    """
    path = local_path(entry, mirror)
    if not path.is_file() or path.stat().st_size != entry.bytes:
        return False
    return not verify or sha256_of(path) == entry.sha256


def pull(names: Iterable[str] | None = None, mirror: Path | None = None,
         progress: bool = True) -> dict[str, list[Path]]:
    """Fetch and verify every file of the named sources (all when None), with a progress bar.

    Returns
    -------
    dict
        Source name to the local paths of its files, in registry order.
    """
    chosen: list[Source] = [get_source(n) for n in names] if names else list(sources().values())
    entries = [(s.name, f) for s in chosen for f in s.files]
    out: dict[str, list[Path]] = {s.name: [] for s in chosen}
    total = sum(f.bytes for _, f in entries)
    if not progress:
        for name, f in entries:
            out[name].append(fetch(f, mirror))
        return out
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
               TimeRemainingColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("verifying sources", total=total)
        for name, f in entries:
            bar.update(task, description=f"{name}: {f.name[:40]}")
            out[name].append(fetch(f, mirror))
            bar.advance(task, f.bytes)
    return out
