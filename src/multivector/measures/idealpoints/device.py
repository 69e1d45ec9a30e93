"""Which device evaluates the ideal-point likelihood: numpy, or jax on its device.

jax is optional: :mod:`multivector.measures.idealpoints.jax_likelihood` (which imports it) is
imported here only when a setting asks for jax, never by ``import multivector``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

DEVICES = ("cpu", "jax", "auto")
JAX_INSTALL_HINT = ('pip install "multivector[gpu]" (NVIDIA GPU, CUDA 12) or '
                    'pip install "multivector[jax]" (jax on the CPU)')
JAX_MODULE = "multivector.measures.idealpoints.jax_likelihood"


def jax_likelihood() -> ModuleType:
    """The jax likelihood module (imports jax: ImportError when it is not installed)."""
    return importlib.import_module(JAX_MODULE)


def resolve_device(device: str) -> Any | None:
    """The jax device that ``device`` selects, or None for the numpy implementation.

    Parameters
    ----------
    device : {"cpu", "jax", "auto"}
        ``"cpu"``: numpy. ``"jax"``: jax's default device (a GPU or TPU when jax has one, else
        the CPU); needs jax. ``"auto"``: jax's first GPU when jax is installed and lists one,
        numpy otherwise.

    Returns
    -------
    jax.Device or None

    Raises
    ------
    ValueError
        For any other ``device``.
    ImportError
        For ``"jax"`` when jax is not installed (the message says how to install it).
    """
    if device not in DEVICES:
        raise ValueError(f"device must be one of {', '.join(map(repr, DEVICES))}, "
                         f"got {device!r}")
    if device == "cpu":
        return None
    try:
        jx = jax_likelihood()
    except ImportError as exc:
        if device == "auto":
            return None
        raise ImportError(f"device='jax' needs jax, which is not installed ({exc}); install "
                          f"it with: {JAX_INSTALL_HINT}") from exc
    if device == "auto":
        gpus = jx.gpu_devices()
        return gpus[0] if gpus else None
    return jx.default_device()


def describe(device: Any | None, n_threads: int) -> str:
    """What evaluates the likelihood, in words: ``numpy (2 threads)`` or jax's device."""
    if device is None:
        return f"numpy ({n_threads} thread{'s' if n_threads != 1 else ''})"
    return jax_likelihood().describe(device)
