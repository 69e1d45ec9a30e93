"""A chart's Vega-Lite specification as an image (vl-convert), drawn with the report's fonts.

The PDF places these PNGs (:mod:`multivector.report.pdf`) and the web observatory serves them
with the SVG (``/api/chart/...``): one renderer, so a chart reads the same on paper, in a file
and on a page. Text is set in Liberation Sans (``report/fonts``), registered with vl-convert
once per process.
"""

from __future__ import annotations

import struct
from pathlib import Path

import vl_convert as vlc

from multivector.report.html import VEGA_LITE

FONT_DIR = Path(__file__).parent / "fonts"
SCALE = 2.0  # PNG pixels per CSS pixel
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_FONTS_REGISTERED = False


def register_fonts() -> None:
    """Give vl-convert the report's fonts (once per process)."""
    global _FONTS_REGISTERED
    if not _FONTS_REGISTERED:
        vlc.register_font_directory(str(FONT_DIR))
        _FONTS_REGISTERED = True


def chart_png(spec: dict, scale: float = SCALE) -> bytes:
    """A chart's PNG at ``scale`` PNG pixels per CSS pixel.

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification (:meth:`multivector.report.tree.Figure.spec`).
    scale : float
        PNG pixels per CSS pixel (:data:`SCALE`: sharp on paper and on high-density screens).

    Returns
    -------
    bytes
        The PNG file.
    """
    register_fonts()
    return vlc.vegalite_to_png(spec, vl_version=VEGA_LITE, scale=scale)


def chart_svg(spec: dict) -> str:
    """A chart as an SVG document (text measured with the report's fonts)."""
    register_fonts()
    return vlc.vegalite_to_svg(spec, vl_version=VEGA_LITE)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header."""
    if png[:8] != PNG_SIGNATURE:
        raise ValueError("not a PNG")
    return struct.unpack(">II", png[16:24])
