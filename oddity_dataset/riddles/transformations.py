"""Geometrical transformations: riddles 33 `translation`, 34 `homothecy_orientation`,
35 `homothecy_size`, 36 `symmetry_horizontal`, 37 `symmetry_vertical`, 38 `symmetry_oblique`,
39 `point_symmetry` and 40 `rotation`.

Every panel shows a filled shape and a copy of it made by the riddle's transformation (with the
mirror axis, centre dot or pivot drawn where the transformation has one); the odd panel's copy is
made by a different transformation. The shapes are random polygons without mirror or rotational
symmetry (polyomino outlines with a random aspect ratio, or star polygons with one spike flanked by
a long and a short vertex), so that every transformation shows. The whole group is placed freely in
the panel, so position tells nothing.

Features store the two vertex lists, vertex i of the copy being the image of vertex i of the shape;
`deviation` fits or applies the transformation to these correspondences. Since the shapes have no
symmetry, a copy made otherwise cannot match the transformed shape under another correspondence.
"""

from __future__ import annotations

import cmath
import math
import random

from ..geometry import Point, mirror, rotate
from ..layout import place
from ..riddle import Panel, Riddle, Style
from ..shapes import disc, fill, stroke


def _polyomino_outline(cells: list[tuple[int, int]]) -> list[Point]:
    """Outline of a simply connected set of unit cells, corners only, counter-clockwise (y up)."""
    edges: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    for x, y in cells:
        corners = [(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]
        for i in range(4):
            e = (corners[i], corners[(i + 1) % 4])
            if (e[1], e[0]) in edges:
                edges.remove((e[1], e[0]))  # an inner edge, shared by two cells
            else:
                edges.add(e)
    following = dict(edges)
    start = min(following)
    loop = [start]
    while (nxt := following[loop[-1]]) != start:
        loop.append(nxt)
    n = len(loop)  # keep only the corners where the outline turns
    return [
        loop[i]
        for i in range(n)
        if (loop[i][0] - loop[i - 1][0]) * (loop[(i + 1) % n][1] - loop[i][1])
        != (loop[i][1] - loop[i - 1][1]) * (loop[(i + 1) % n][0] - loop[i][0])
    ]


def _centred(points: list[Point]) -> list[Point]:
    """The points moved so that their vertex centroid is the origin."""
    n = len(points)
    cx, cy = sum(p[0] for p in points) / n, sum(p[1] for p in points) / n
    return [(x - cx, y - cy) for x, y in points]


# pentominoes F, L, N, P, Y and the L tetromino (no mirror or rotational symmetry), centred
_POLYOMINOES = [
    _centred(_polyomino_outline(cells))
    for cells in (
        [(1, 0), (2, 0), (0, 1), (1, 1), (1, 2)],
        [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0)],
        [(0, 0), (0, 1), (1, 1), (1, 2), (1, 3)],
        [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2)],
        [(0, 0), (0, 1), (0, 2), (0, 3), (1, 1)],
        [(0, 0), (0, 1), (0, 2), (1, 0)],
    )
]


def _asymmetric_polygon(rng: random.Random) -> list[Point]:
    """A random shape without any symmetry, vertex centroid at the origin, largest vertex radius
    1, at a random angle and either handedness: half the time a polyomino outline (F, L, N, P, Y
    pentomino or L tetromino) with a random aspect ratio, otherwise a star polygon of 5–6 vertices
    with one spike flanked by a long (0.62–0.75) and a short (0.15–0.22) vertex. Any mirror image
    or turn of such a shape misses it by at least 0.15 radii at some vertex."""
    handed = 1.0 if rng.random() < 0.5 else -1.0  # a mirror image: flip x
    if rng.random() < 0.5:
        sx = handed * (0.8 + 0.45 * rng.random())
        pts = [(sx * x, y) for x, y in _POLYOMINOES[int(6 * rng.random())]]
        cx = cy = 0.0
    else:
        n = 5 if rng.random() < 0.5 else 6
        step = 2 * math.pi / n
        radii = (
            [1.0, 0.62 + 0.13 * rng.random()]
            + [0.28 + 0.22 * rng.random() for _ in range(n - 3)]
            + [0.15 + 0.07 * rng.random()]
        )
        pts = []
        for k, r in enumerate(radii):
            t = step * (k + 0.3 * rng.random() - 0.15) if k else 0.0
            pts.append((handed * r * math.cos(t), r * math.sin(t)))
        cx, cy = sum(p[0] for p in pts) / n, sum(p[1] for p in pts) / n
    turn = 2 * math.pi * rng.random()
    r = math.sqrt(max((x - cx) ** 2 + (y - cy) ** 2 for x, y in pts))
    c, s = math.cos(turn) / r, math.sin(turn) / r
    return [(c * (x - cx) - s * (y - cy), s * (x - cx) + c * (y - cy)) for x, y in pts]


def _offsets(points: list[Point]) -> tuple[complex, list[complex]]:
    """Vertex centroid and the vertices relative to it, as complex numbers."""
    z = [complex(x, y) for x, y in points]
    c = sum(z) / len(z)
    return c, [p - c for p in z]


def turn_between(shape: list[Point], copy: list[Point]) -> float:
    """Best-fitting rotation angle (radians, −π…π) from a shape to its copy (least squares over the
    corresponding vertices, after removing translation; scale-free)."""
    _, a = _offsets(shape)
    _, b = _offsets(copy)
    return cmath.phase(sum(p.conjugate() * q for p, q in zip(a, b, strict=True)))


def scale_between(shape: list[Point], copy: list[Point]) -> float:
    """Size of the copy relative to the shape (ratio of their RMS vertex spreads)."""
    _, a = _offsets(shape)
    _, b = _offsets(copy)
    return math.sqrt(sum(abs(q) ** 2 for q in b) / sum(abs(p) ** 2 for p in a))


def _radius(points: list[Point]) -> float:
    """Largest vertex distance from the vertex centroid."""
    c, a = _offsets(points)
    return max(abs(p) for p in a)


def _mismatch(copy: list[Point], expected: list[Point], size: float) -> float:
    """Largest distance between corresponding vertices, in units of `size`."""
    return max(math.dist(p, q) for p, q in zip(copy, expected, strict=True)) / size


def _moved(points: list[Point], factor: float, dx: float, dy: float) -> list[Point]:
    return [(factor * x + dx, factor * y + dy) for x, y in points]


def _away(rng: random.Random, distance: float) -> tuple[float, float]:
    """A vector of the given length in a random direction."""
    a = rng.uniform(0, 2 * math.pi)
    return distance * math.cos(a), distance * math.sin(a)


def _extra_turn(rng: random.Random) -> float:
    """The odd panel's unwanted rotation: 40–140° either way."""
    return math.radians(rng.uniform(40, 140)) * rng.choice((-1, 1))


def _clear_of_dot(rng: random.Random, style: Style) -> float:
    """Distance of the shape's centre from the centre dot or pivot, 1.4–2.0 shape radii, large
    enough that the dot clears the shape: the group spans at most 2d + 2 radii and is drawn at least
    0.6 of the panel wide, so a dot of radius ρ spans at most ρ (2d + 2) / 0.6 radii."""
    while True:
        d = rng.uniform(1.4, 2.0)
        if d - 1.0 >= (style.dot + 0.03) * (2 * d + 2) / 0.6:
            return d


class _Transformation(Riddle):
    """Shared plumbing: place the group (shape, copy and any mark) freely, draw it, store it."""

    family = "transformations"
    mark: str | None = None  # "axis" (a drawn segment, two points) or "center" (a dot, one point)

    def group(
        self, rng: random.Random, odd: bool, shared: dict, style: Style
    ) -> tuple[list[Point], list[Point], list[Point]]:
        """Shape, copy and the mark's points, in local units (shape radius 1)."""
        raise NotImplementedError

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        shape, copy, mark = self.group(rng, odd, shared, style)
        n = len(shape)
        pad = style.dot if self.mark == "center" else style.stroke / 2
        pts = shape + copy + mark
        pts = place(pts, rng, extent=rng.uniform(0.6, 0.8), pad=pad)(pts)
        shape, copy, mark = pts[:n], pts[n : 2 * n], pts[2 * n :]
        shapes = [fill(shape), fill(copy)]
        features = {"shape": shape, "copy": copy}
        if self.mark == "axis":
            features["axis"] = mark
            shapes.append(stroke(mark, style.stroke))
        elif self.mark == "center":
            features["center"] = mark[0]
            shapes.append(disc(mark[0], style.dot))
        return Panel(shapes, features)


class Translation(_Transformation):
    id, name = 33, "translation"
    concept = "shape and a translated copy → the copy is also rotated"
    unit = "degrees (turn from the shape to its copy)"
    normal_max, odd_min = 0.5, 30.0

    def group(self, rng, odd, shared, style):
        shape = _asymmetric_polygon(rng)
        copy = rotate(shape, _extra_turn(rng), (0.0, 0.0)) if odd else shape
        return shape, _moved(copy, 1.0, *_away(rng, rng.uniform(2.1, 2.7))), []

    def deviation(self, features: dict, shared: dict) -> float:
        return abs(math.degrees(turn_between(features["shape"], features["copy"])))


class HomothecyOrientation(Translation):  # same measure: the copy's turn
    id, name = 34, "homothecy_orientation"
    concept = "shape and an enlarged copy with the same orientation → the copy is rotated"
    unit = "degrees (turn from the shape to its copy)"
    normal_max, odd_min = 0.5, 30.0

    def group(self, rng, odd, shared, style):
        shape = _asymmetric_polygon(rng)
        k = rng.uniform(1.4, 2.1)
        copy = rotate(shape, _extra_turn(rng), (0.0, 0.0)) if odd else shape
        return shape, _moved(copy, k, *_away(rng, (1 + k) * rng.uniform(1.05, 1.3))), []


class HomothecySize(_Transformation):
    id, name = 35, "homothecy_size"
    concept = "shape and a copy enlarged by a factor shared by the five → a different factor"
    unit = "relative difference from the shared factor (max(k/k₀, k₀/k) − 1)"
    normal_max, odd_min = 0.01, 0.3

    def shared(self, rng: random.Random, style: Style) -> dict:
        return {"factor": rng.uniform(1.35, 2.1)}

    def group(self, rng, odd, shared, style):
        shape = _asymmetric_polygon(rng)
        k = shared["factor"]
        if odd:
            f = rng.uniform(1.45, 1.7)
            options = [q for q in (k * f, k / f) if 1.0 <= q <= 3.0]
            k = rng.choice(options)
        return shape, _moved(shape, k, *_away(rng, (1 + k) * rng.uniform(1.05, 1.3))), []

    def deviation(self, features: dict, shared: dict) -> float:
        k, k0 = scale_between(features["shape"], features["copy"]), shared["factor"]
        return max(k / k0, k0 / k) - 1.0


class _Symmetry(_Transformation):
    """Shape and its mirror image across a drawn axis → the copy translated to the mirrored place."""

    unit = "shape radii (largest distance between a copy vertex and the mirror image of its vertex)"
    normal_max, odd_min = 0.01, 0.4
    mark = "axis"

    def axis_angle(self, rng: random.Random) -> float:
        raise NotImplementedError

    def group(self, rng, odd, shared, style):
        a = self.axis_angle(rng) + (math.pi if rng.random() < 0.5 else 0.0)  # either side
        ux, uy = math.cos(a), math.sin(a)
        nx, ny = -uy, ux  # across the axis, towards the shape's side
        shape = _asymmetric_polygon(rng)
        # the shape's centre goes far enough across that its nearest vertex keeps a clear gap
        off = max(-(x * nx + y * ny) for x, y in shape) + rng.uniform(0.3, 0.6)
        along = rng.uniform(-0.6, 0.6)
        shape = _moved(shape, 1.0, along * ux + off * nx, along * uy + off * ny)
        if odd:
            copy = _moved(shape, 1.0, -2 * off * nx, -2 * off * ny)
        else:
            copy = mirror(shape, (0.0, 0.0), (ux, uy))
        ts = [x * ux + y * uy for x, y in shape + copy]
        t0, t1 = min(ts) - rng.uniform(0.2, 0.5), max(ts) + rng.uniform(0.2, 0.5)
        return shape, copy, [(t0 * ux, t0 * uy), (t1 * ux, t1 * uy)]

    def deviation(self, features: dict, shared: dict) -> float:
        shape, (p, q) = features["shape"], features["axis"]
        return _mismatch(features["copy"], mirror(shape, p, q), _radius(shape))


class SymmetryHorizontal(_Symmetry):
    id, name = 36, "symmetry_horizontal"
    concept = "shape and its mirror image across a drawn horizontal axis → the copy translated instead"

    def axis_angle(self, rng: random.Random) -> float:
        return 0.0


class SymmetryVertical(_Symmetry):
    id, name = 37, "symmetry_vertical"
    concept = "shape and its mirror image across a drawn vertical axis → the copy translated instead"

    def axis_angle(self, rng: random.Random) -> float:
        return math.pi / 2


class SymmetryOblique(_Symmetry):
    id, name = 38, "symmetry_oblique"
    concept = "shape and its mirror image across a drawn oblique axis → the copy translated instead"

    def axis_angle(self, rng: random.Random) -> float:
        return math.radians(rng.uniform(15, 75) * rng.choice((-1, 1)))


class PointSymmetry(_Transformation):
    id, name = 39, "point_symmetry"
    concept = "two shapes symmetric about a drawn centre dot → the copy translated instead"
    unit = "shape radii (largest distance between a copy vertex and the reflection of its vertex in the dot)"
    normal_max, odd_min = 0.01, 0.3
    mark = "center"

    def group(self, rng, odd, shared, style):
        cx, cy = _away(rng, _clear_of_dot(rng, style))
        shape = _moved(_asymmetric_polygon(rng), 1.0, cx, cy)
        copy = _moved(shape, 1.0, -2 * cx, -2 * cy) if odd else [(-x, -y) for x, y in shape]
        return shape, copy, [(0.0, 0.0)]

    def deviation(self, features: dict, shared: dict) -> float:
        shape, (px, py) = features["shape"], features["center"]
        return _mismatch(features["copy"], [(2 * px - x, 2 * py - y) for x, y in shape], _radius(shape))


class Rotation(_Transformation):
    id, name = 40, "rotation"
    concept = "shape and its copy rotated about a marked point → the copy also turned about its own centre"
    unit = (
        "shape radii (largest distance between a copy vertex and its vertex turned about the point by the copy's turn)"
    )
    normal_max, odd_min = 0.01, 0.3
    mark = "center"

    def group(self, rng, odd, shared, style):
        d = _clear_of_dot(rng, style)
        cx, cy = _away(rng, d)
        shape = _moved(_asymmetric_polygon(rng), 1.0, cx, cy)
        least = 2 * math.asin(min(1.0, 1.15 / d))  # the copy must clear the shape
        angle = rng.uniform(least, math.pi) * rng.choice((-1, 1))
        copy = rotate(shape, angle, (0.0, 0.0))
        if odd:
            c = (sum(p[0] for p in copy) / len(copy), sum(p[1] for p in copy) / len(copy))
            copy = rotate(copy, math.radians(rng.uniform(60, 120)) * rng.choice((-1, 1)), c)
        return shape, copy, [(0.0, 0.0)]

    def deviation(self, features: dict, shared: dict) -> float:
        shape, copy = features["shape"], features["copy"]
        expected = rotate(shape, turn_between(shape, copy), features["center"])
        return _mismatch(copy, expected, _radius(shape))


RIDDLES = [
    Translation(),
    HomothecyOrientation(),
    HomothecySize(),
    SymmetryHorizontal(),
    SymmetryVertical(),
    SymmetryOblique(),
    PointSymmetry(),
    Rotation(),
]
