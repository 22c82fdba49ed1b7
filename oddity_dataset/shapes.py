"""Vector primitives of a scene: what the renderer draws, stored as JSON with every puzzle.

A primitive is a plain dict so that a scene serialises as it is. Three kinds:
- ``stroke``: a polyline of a given width (round caps and joins), optionally closed;
- ``fill``: a filled polygon;
- ``disc``: a filled circle.
Each has a ``tone``: ``"ink"`` (the puzzle's shape grey) or ``"paper"`` (the panel's own background
grey, for holes and cut-outs, so that no pixel is ever brighter than the background).
Coordinates are panel units: the panel is the unit square, x to the right, y down.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .geometry import Point

INK = "ink"
PAPER = "paper"
DECIMALS = 5  # stored precision: 1e-5 of a panel, far below a pixel at any practical size
_Q = 10.0**DECIMALS  # quantize(x) = round(x · _Q) / _Q


def quantize(x: float) -> float:
    """A coordinate at the stored precision (3× faster than round(x, DECIMALS) on a hot path)."""
    return round(x * _Q) / _Q


def _pts(points: Iterable[Point]) -> list[list[float]]:
    return [[round(x * _Q) / _Q, round(y * _Q) / _Q] for x, y in points]


def stroke(points: Sequence[Point], width: float, closed: bool = False, tone: str = INK) -> dict:
    """A polyline of `width` panel units."""
    return {"type": "stroke", "points": _pts(points), "width": quantize(width), "closed": closed, "tone": tone}


def fill(points: Sequence[Point], tone: str = INK) -> dict:
    """A filled polygon."""
    return {"type": "fill", "points": _pts(points), "tone": tone}


def disc(center: Point, radius: float, tone: str = INK) -> dict:
    """A filled circle."""
    return {"type": "disc", "center": _pts([center])[0], "radius": quantize(radius), "tone": tone}


def shape_points(shape: dict) -> list[list[float]]:
    """The points that define a primitive (a disc's centre alone)."""
    return shape["points"] if "points" in shape else [shape["center"]]


def extent(shapes: Iterable[dict]) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of everything drawn, including stroke widths and disc radii."""
    xmin = ymin = float("inf")
    xmax = ymax = float("-inf")
    for s in shapes:
        if s["type"] == "disc":
            (x, y), r = s["center"], s["radius"]
            xmin, ymin, xmax, ymax = min(xmin, x - r), min(ymin, y - r), max(xmax, x + r), max(ymax, y + r)
        else:
            h = s.get("width", 0.0) / 2
            for x, y in s["points"]:
                xmin, ymin, xmax, ymax = min(xmin, x - h), min(ymin, y - h), max(xmax, x + h), max(ymax, y + h)
    return xmin, ymin, xmax, ymax
