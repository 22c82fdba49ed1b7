"""Placing a figure in its panel: scale it, then put it anywhere it fits.

Free placement is what keeps position statistics (the centroid of the ink) from giving the odd
panel away: every panel's figure lands uniformly at random inside the margins, normal or odd.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .geometry import Point, bbox, rotate

MARGIN = 0.1  # empty border around every figure, as a fraction of the panel


@dataclass(frozen=True)
class Placement:
    """The similarity map local → panel coordinates: p ↦ scale · p + (dx, dy)."""

    scale: float
    dx: float
    dy: float

    def point(self, p: Point) -> Point:
        return (self.scale * p[0] + self.dx, self.scale * p[1] + self.dy)

    def __call__(self, points: Iterable[Point]) -> list[Point]:
        s, dx, dy = self.scale, self.dx, self.dy
        return [(s * x + dx, s * y + dy) for x, y in points]


def place(
    points: Sequence[Point],
    rng: random.Random,
    extent: float | None = None,
    scale: float | None = None,
    pad: float = 0.03,
    margin: float = MARGIN,
) -> Placement:
    """A placement of a figure whose local points are `points`.

    Give either `extent` (the larger side of the scaled bounding box, in panel units) or `scale`
    (the factor itself, e.g. to set a figure's ink length). The figure is shrunk if needed so its
    bounding box plus `pad` (half a stroke width or a dot radius) fits inside the margins, then
    translated uniformly at random over every position where it fits.
    """
    x0, y0, x1, y1 = bbox(points)
    w, h = x1 - x0, y1 - y0
    room = 1.0 - 2 * margin - 2 * pad
    if scale is None:
        if extent is None:
            raise ValueError("place() needs extent or scale")
        scale = extent / max(w, h, 1e-9)
    scale = min(scale, room / max(w, h, 1e-9))
    lo = margin + pad
    dx = rng.uniform(lo, lo + room - scale * w) - scale * x0
    dy = rng.uniform(lo, lo + room - scale * h) - scale * y0
    return Placement(scale, dx, dy)


def pose(rng: random.Random, groups: Sequence[Sequence[Point]], pad: float, turn: bool = True) -> list[list[Point]]:
    """Turn point groups together by a random angle (when `turn`), then place them at their own
    scale (shrunk only if they do not fit) at a uniformly random position in the panel."""
    if turn:
        a = rng.uniform(0.0, 2.0 * math.pi)
        groups = [rotate(g, a) for g in groups]
    flat = [p for g in groups for p in g]
    placement = place(flat, rng, scale=1.0, pad=pad)
    return [placement(g) for g in groups]
