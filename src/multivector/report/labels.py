"""Placing a few text labels on a chart so that they do not run into each other.

Vega-Lite draws a text mark where its data say and does not move it out of another's way, so
the charts that label points (the peers' lines, the resources-and-reach scatter) place their
labels here, in the plot's pixels, from the same scale domains the chart is drawn with. Only
what a reader needs is labelled (the focal state and the extremes); these functions only keep
those few labels apart.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

CHAR_PX = 0.56  # average width of a Liberation Sans character, in font sizes


def text_width(text: str, font: float) -> float:
    """Estimated width in pixels of ``text`` set at ``font`` px."""
    return len(text) * font * CHAR_PX + 2


def linear_px(value: float, lo: float, hi: float, length: float, reverse: bool = False
              ) -> float:
    """Pixel offset of ``value`` on a linear scale from ``lo`` to ``hi`` over ``length`` px
    (``reverse``: ``hi`` at offset 0, as on a y axis)."""
    frac = (value - lo) / (hi - lo) if hi != lo else 0.0
    return length * (1 - frac) if reverse else length * frac


def symlog_px(value: float, lo: float, hi: float, length: float, constant: float = 1.0
              ) -> float:
    """Pixel offset of ``value`` on Vega's symlog scale, sign(x)·log1p(|x|/C)."""
    def f(x: float) -> float:
        return math.copysign(math.log1p(abs(x) / constant), x)

    return linear_px(f(value), f(lo), f(hi), length)


def spread(ys: list[float], gap: float, top: float = 0.0, bottom: float | None = None
           ) -> list[float]:
    """Positions on one axis moved apart so that neighbours are at least ``gap`` px apart,
    each as little as possible, kept within ``top``-``bottom`` when they fit; in the input
    order."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = [float(ys[i]) for i in order]
    for k in range(1, len(out)):
        out[k] = max(out[k], out[k - 1] + gap)
    if bottom is not None and out and out[-1] > bottom:
        out[-1] = bottom
        for k in range(len(out) - 2, -1, -1):
            out[k] = min(out[k], out[k + 1] - gap)
    if out and out[0] < top:
        shift = top - out[0]
        out = [y + shift for y in out]
    result = [0.0] * len(ys)
    for k, i in enumerate(order):
        result[i] = out[k]
    return result


@dataclass
class Placed:
    """A label's box in the plot's pixels: left edge, text baseline's middle, width."""

    x: float
    y: float
    width: float
    height: float

    def hits(self, other: Placed) -> bool:
        return (abs(self.y - other.y) < (self.height + other.height) / 2
                and self.x < other.x + other.width and other.x < self.x + self.width)


def place_beside(points: list[tuple[float, float, float]], texts: list[str], fonts: list[float],
                 width: float, height: float) -> list[tuple[float, float]]:
    """Left edge and vertical middle of each text beside its point, clear of the labels
    placed before it (the list's order is the priority).

    ``points`` are (x, y, radius) in pixels. Each label tries the right of its point, then
    the left, each level with the point, above and below it; the first spot that stays
    inside the plot and touches no earlier label wins (else the first that stays inside).
    """
    placed: list[Placed] = []
    out = []
    for (px, py, r), text, font in zip(points, texts, fonts, strict=True):
        w, h = text_width(text, font), font + 2
        spots = []
        for dy in (-0.5 * h, 0.5 * h + 1, -1.2 * h, 1.2 * h + 1):
            spots.append((px + r + 3, py + dy))
            spots.append((px - r - 3 - w, py + dy))
        inside = [(x, y) for x, y in spots
                  if x >= 0 and x + w <= width and y - h / 2 >= 0 and y + h / 2 <= height]
        free = [(x, y) for x, y in inside if not any(Placed(x, y, w, h).hits(q) for q in placed)]
        x, y = (free or inside or spots)[0]
        placed.append(Placed(x, y, w, h))
        out.append((x, y))
    return out
