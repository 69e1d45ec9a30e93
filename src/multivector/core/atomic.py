"""Writing a file all at once or not at all: the one mechanism behind every ``--out``, the
user's registry of added files and the other small files multivector writes."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], object],
                 error: Callable[[Path, OSError], Exception]) -> None:
    """``write(tmp)`` fills a temporary file in the folder of ``path``, which then replaces
    ``path`` (``os.replace``, atomic on one file system), with the old file's permissions or,
    for a new file, the umask's (``mkstemp`` alone would make it 0600).

    A failure (a full disk, a lost permission) leaves any old ``path`` as it was and removes the
    temporary file; an ``OSError`` is raised as ``error(path, exc)``, the caller's message.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part",
                                    dir=path.parent if str(path.parent) else ".")
    except OSError as exc:
        raise error(path, exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
