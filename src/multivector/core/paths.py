"""Where multivector keeps its files.

``MULTIVECTOR_HOME`` overrides the per-user data directory (``platformdirs``); under it,
``sources/`` caches downloaded files by their mirror path and ``warehouse.duckdb`` is the
warehouse. ``MULTIVECTOR_MIRROR`` names a local mirror root holding the same relative paths as
the registry (for example ``../shared/data``); when set, files are read from it instead of the
network. ``MULTIVECTOR_EXTRA_REGISTRY`` names the user's own registry of added files; without it,
``extra_registry.tsv`` under the home is (``multivector data add`` writes it).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def home() -> Path:
    """Root directory for multivector's cache and warehouse."""
    env = os.environ.get("MULTIVECTOR_HOME")
    root = Path(env).expanduser() if env else Path(platformdirs.user_data_dir("multivector"))
    return root


def cache_dir() -> Path:
    """Directory where downloaded source files are cached, by mirror path."""
    return home() / "sources"


def warehouse_path() -> Path:
    """Path of the DuckDB warehouse file."""
    env = os.environ.get("MULTIVECTOR_WAREHOUSE")
    return Path(env).expanduser() if env else home() / "warehouse.duckdb"


def user_registry() -> Path:
    """The user's registry of added files: ``MULTIVECTOR_EXTRA_REGISTRY`` when set, else
    ``extra_registry.tsv`` under :func:`home`."""
    env = os.environ.get("MULTIVECTOR_EXTRA_REGISTRY")
    return Path(env).expanduser() if env else home() / "extra_registry.tsv"


def user_registry_named() -> bool:
    """Whether ``MULTIVECTOR_EXTRA_REGISTRY`` names the user's registry (then it must exist)."""
    return bool(os.environ.get("MULTIVECTOR_EXTRA_REGISTRY"))


def mirror_root() -> Path | None:
    """The local mirror root named by ``MULTIVECTOR_MIRROR``, or None."""
    env = os.environ.get("MULTIVECTOR_MIRROR")
    return Path(env).expanduser().resolve() if env else None
