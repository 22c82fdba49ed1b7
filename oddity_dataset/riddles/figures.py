"""Geometrical figures: riddles 10–18 (quadrilateral … convex_shape).

Polygons are drawn as outlines, the circle and the convex blob as filled shapes. Every figure is
turned by a random angle, sized and dropped anywhere it fits (`layout.place`).

Sizing is what keeps ink and bounding box from giving the odd figure away: a triangle among
quadrilaterals, a slanted parallelogram among rectangles, an ellipse among discs each have another
ratio of ink (outline length or filled area) to bounding-box area than the normal figures. Each
figure is therefore scaled so that a weighted geometric mean of its ink and its box side hits a
random target (`size_measure`): the odd figure's difference is split between the two statistics,
and drowns in the wide range of sizes and of the normal figures' own shapes.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from itertools import pairwise

from ..geometry import Point, bbox, distance, is_convex, line_angle_deg, polygon_angles_deg, rotate
from ..layout import place
from ..riddle import Panel, Riddle, Style
from ..shapes import fill, stroke

TAU = 2.0 * math.pi
_BLOB_POINTS = 24  # vertices of a filled blob or ellipse: smooth at 100 px, cheap to draw


# ---------------------------------------------------------------------------------------------
# helpers shared by the riddles of this module (the blob helpers are also used by topology)


def size_measure(ink: float, box: tuple[float, float, float, float], alpha: float) -> float:
    """ink^alpha · (box side)^(1 − alpha), where ink is a length (outline length / 4 or √area,
    both 1 for the unit square) and the box side is √(area of the bounding box `box`)."""
    x0, y0, x1, y1 = box
    return ink**alpha * math.sqrt((x1 - x0) * (y1 - y0)) ** (1.0 - alpha)


def box_corners(box: tuple[float, float, float, float]) -> list[Point]:
    """Two opposite corners of a box: all that `layout.place` needs of a figure."""
    return [(box[0], box[1]), (box[2], box[3])]


def _perimeter(points: Sequence[Point]) -> float:
    return sum(map(math.dist, points, points[1:] + points[:1]))


def _outline(
    local: Sequence[Point], rng: random.Random, style: Style, alpha: float, lo: float = 0.3, hi: float = 0.6
) -> list[Point]:
    """Turn a polygon by a random angle, scale it so that its size measure (outline length and
    box side mixed by `alpha`) is uniform in [lo, hi], and place it anywhere it fits."""
    a = rng.uniform(0.0, TAU)
    c, s = math.cos(a), math.sin(a)
    pts = [(c * x - s * y, s * x + c * y) for x, y in local]
    box = bbox(pts)
    scale = rng.uniform(lo, hi) / size_measure(_perimeter(pts) / 4.0, box, alpha)
    return place(box_corners(box), rng, scale=scale, pad=style.stroke)(pts)


def filled_placement(
    box: tuple[float, float, float, float], area: float, rng: random.Random, alpha: float, lo: float, hi: float
) -> tuple[float, float, float]:
    """(scale, dx, dy) of a filled figure of local bounding box `box` and local `area`, sized
    like `_outline` with ink √area."""
    scale = rng.uniform(lo, hi) / size_measure(math.sqrt(area), box, alpha)
    p = place(box_corners(box), rng, scale=scale, pad=0.0)
    return p.scale, p.dx, p.dy


def _triangle(angles_deg: Sequence[float]) -> list[Point]:
    """A triangle with the given interior angles (degrees, summing to 180), longest side about
    1, centred on its vertex mean."""
    a, b, _ = (math.radians(t) for t in angles_deg)
    # side AB = 1 on the x axis, C from the law of sines
    ac = math.sin(b) / math.sin(a + b)
    pts = [(0.0, 0.0), (1.0, 0.0), (ac * math.cos(a), -ac * math.sin(a))]
    cx, cy = sum(p[0] for p in pts) / 3, sum(p[1] for p in pts) / 3
    return [(x - cx, y - cy) for x, y in pts]


def _parallelogram(a: float, b: float, angle_deg: float) -> list[Point]:
    """Sides a (along x) and b at `angle_deg` to it, centred on the origin."""
    t = math.radians(angle_deg)
    bx, by = b * math.cos(t), -b * math.sin(t)
    return [(-(a + bx) / 2 + x, -by / 2 + y) for x, y in ((0.0, 0.0), (a, 0.0), (a + bx, by), (bx, by))]


def _turn_side(quad: Sequence[Point], side: int, angle: float) -> list[Point]:
    """Turn side (quad[side], quad[side+1]) about its midpoint by `angle` radians."""
    i, j = side, (side + 1) % 4
    mx, my = (quad[i][0] + quad[j][0]) / 2, (quad[i][1] + quad[j][1]) / 2
    out = list(quad)
    out[i], out[j] = rotate([quad[i], quad[j]], angle, (mx, my))
    return out


def _opposite_side_angles(q: Sequence[Point]) -> tuple[float, float]:
    """Angles (degrees, 0–90) between the two pairs of opposite sides of a quadrilateral."""
    return line_angle_deg(q[0], q[1], q[2], q[3]), line_angle_deg(q[1], q[2], q[3], q[0])


def _well_formed(q: Sequence[Point], min_angle: float = 25.0) -> bool:
    """A convex polygon whose corners are all clearly corners (not too sharp, not too flat)."""
    return is_convex(q) and all(min_angle <= a <= 180.0 - min_angle for a in polygon_angles_deg(q))


# radial blobs with harmonics k = 2, 3, 4, from cached trig tables in one pass
# (geometry.blob_points evaluates every cosine afresh: ~4× slower)

_ROWS: dict[int, list[tuple[float, ...]]] = {}


def _rows(n: int) -> list[tuple[float, ...]]:
    """(cos kθ_i, sin kθ_i for k = 1…4) at θ_i = 2πi/n, cached."""
    if n not in _ROWS:
        _ROWS[n] = [tuple(f(k * TAU * i / n) for k in (1, 2, 3, 4) for f in (math.cos, math.sin)) for i in range(n)]
    return _ROWS[n]


def _bump(n: int, depth: float, at: float, width: float) -> list[float]:
    """A smooth inward dent of the radius: depth · ((1 + cos(π Δ/width)) / 2)² for angular
    distance |Δ| < width from `at`, at the n blob angles."""
    out = []
    for i in range(n):
        d = (TAU * i / n - at + math.pi) % TAU - math.pi
        out.append(depth * ((1.0 + math.cos(math.pi * d / width)) / 2.0) ** 2 if abs(d) < width else 0.0)
    return out


def blob_polygon(blob: dict, n: int) -> list[Point]:
    """The n vertices of a radial blob {"center", "radius", "harmonics"[, "dent"]} in panel units:
    r(θ) = radius · (1 + Σ a_k cos(kθ + φ_k) − dent(θ)) as in geometry.blob_points (k in 2…4),
    with an optional dent [depth, angle, half-width] (see `_bump`)."""
    cx, cy = blob["center"]
    s = blob["radius"]
    co = [0.0] * 8
    for k, a, ph in blob["harmonics"]:
        co[2 * int(k) - 2], co[2 * int(k) - 1] = s * a * math.cos(ph), -s * a * math.sin(ph)
    _, _, a2, b2, a3, b3, a4, b4 = co
    pts = [
        (cx + c1 * (q := s + a2 * c2 + b2 * s2 + a3 * c3 + b3 * s3 + a4 * c4 + b4 * s4), cy + s1 * q)
        for c1, s1, c2, s2, c3, s3, c4, s4 in _rows(n)
    ]
    if blob.get("dent"):
        rows = _rows(n)
        for i, d in enumerate(_bump(n, *blob["dent"])):
            if d:
                x, y = pts[i]
                pts[i] = (x - s * d * rows[i][0], y - s * d * rows[i][1])
    return pts


def blob_area(blob: dict) -> float:
    """Area inside a radial blob's outline (without dent): π radius² (1 + Σ a_k² / 2)."""
    return math.pi * blob["radius"] ** 2 * (1.0 + sum(a * a for _, a, _ in blob["harmonics"]) / 2.0)


def blob_radius_at(blob: dict, angle: float) -> float:
    """The blob's radius (panel units) in direction `angle` (without dent)."""
    return blob["radius"] * (1.0 + sum(a * math.cos(k * angle + ph) for k, a, ph in blob["harmonics"]))


def convex_harmonics(rng: random.Random, elongation: float = 0.16) -> list[list[float]]:
    """Harmonics k = 2, 3, 4 of a blob that is strictly convex: r − r'' > 0 holds when
    Σ |a_k| (1 + k²) < 1, kept below 0.9 (an elongation up to about (1 + e) / (1 − e))."""
    h = [
        [2, rng.uniform(-elongation, elongation), rng.uniform(0, TAU)],
        [3, rng.uniform(-0.04, 0.04), rng.uniform(0, TAU)],
        [4, rng.uniform(-0.015, 0.015), rng.uniform(0, TAU)],
    ]
    budget = sum(abs(a) * (1 + k * k) for k, a, _ in h)
    if budget > 0.9:
        h = [[k, a * 0.9 / budget, ph] for k, a, ph in h]
    return h


def _is_convex(points: Sequence[Point]) -> bool:
    """Whether a simple polygon turns the same way at every vertex (geometry.is_convex, in one
    comprehension)."""
    crosses = [
        (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1)
        for (x0, y0), (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], points[2:] + points[:2], strict=True)
    ]
    return min(crosses) >= 0.0 or max(crosses) <= 0.0


def _star_hull(points: Sequence[Point]) -> list[int]:
    """Indices of the convex hull's vertices of a polygon that is star-shaped about an interior
    point and listed in angular order around it (a radial blob): Graham's scan in that order,
    from the leftmost vertex, with no sorting."""
    n = len(points)
    start = min(range(n), key=points.__getitem__)
    hull = [start]
    for j in range(start + 1, start + n + 1):
        px, py = points[j % n]
        while len(hull) >= 2:
            (ox, oy), (ax, ay) = points[hull[-2] % n], points[hull[-1] % n]
            if (ax - ox) * (py - oy) - (ay - oy) * (px - ox) > 0.0:
                break
            hull.pop()
        hull.append(j)
    return hull  # from start to start + n (the start repeated)


def concavity_depth(points: Sequence[Point]) -> float:
    """Greatest distance of a radial blob's vertices from its convex hull (0 when convex)."""
    if _is_convex(points):
        return 0.0
    hull, n, depth = _star_hull(points), len(points), 0.0
    for a, b in pairwise(hull):
        (ax, ay), (bx, by) = points[a % n], points[b % n]
        length = math.hypot(bx - ax, by - ay)
        for i in range(a + 1, b):
            px, py = points[i % n]
            depth = max(depth, abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length)
    return depth


def area(points: Sequence[Point]) -> float:
    """Unsigned shoelace area (geometry.polygon_area in one comprehension)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True))) / 2.0


# ---------------------------------------------------------------------------------------------
# the riddles


class Quadrilateral(Riddle):
    id, name, family = 10, "quadrilateral", "figures"
    concept = "quadrilateral → triangle"
    unit = "corners missing from 4 (corners: interior angle < 165°)"
    normal_max, odd_min = 0.0, 1.0
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        n = 3 if odd else 4
        while True:
            phase = rng.uniform(0, TAU)
            local = [
                (r * math.cos(t), r * math.sin(t))
                for r, t in ((rng.uniform(0.6, 1.0), phase + TAU * i / n + rng.uniform(-0.4, 0.4)) for i in range(n))
            ]
            if _well_formed(local, 28.0):
                break
        vertices = _outline(local, rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        corners = sum(a < 165.0 for a in polygon_angles_deg(features["vertices"]))
        return float(abs(4 - corners))


class Trapezoid(Riddle):
    id, name, family = 11, "trapezoid", "figures"
    concept = "trapezoid (one pair of parallel sides) → quadrilateral with no parallel sides"
    unit = "degrees between the most nearly parallel pair of opposite sides"
    normal_max, odd_min = 0.5, 10.0
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        while True:
            top, h, shift = rng.uniform(0.25, 0.75), rng.uniform(0.4, 0.9), rng.uniform(-0.3, 0.3)
            q = [(-0.5, h / 2), (0.5, h / 2), (shift + top / 2, -h / 2), (shift - top / 2, -h / 2)]
            if odd:  # turn one of the bases about its midpoint
                q = _turn_side(q, rng.choice((0, 2)), math.radians(rng.uniform(12.0, 25.0)) * rng.choice((-1, 1)))
            # legs clearly not parallel: a normal figure is no parallelogram, and the odd one (whose
            # bases are 12–25° apart) has no parallel pair at all
            if _well_formed(q) and _opposite_side_angles(q)[1] >= 12.0:
                break
        vertices = _outline(q, rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        return min(_opposite_side_angles(features["vertices"]))


class Parallelogram(Riddle):
    id, name, family = 12, "parallelogram", "figures"
    concept = "parallelogram → quadrilateral whose opposite sides are not parallel (≥ 10°)"
    unit = "degrees between the least parallel pair of opposite sides"
    normal_max, odd_min = 0.5, 10.0
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        while True:
            q = _parallelogram(1.0, rng.uniform(0.4, 0.9), rng.uniform(45.0, 90.0))
            if odd:  # turn one side about its midpoint
                q = _turn_side(q, rng.randrange(4), math.radians(rng.uniform(12.0, 25.0)) * rng.choice((-1, 1)))
            if _well_formed(q):
                break
        vertices = _outline(q, rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        return max(_opposite_side_angles(features["vertices"]))


class Rectangle(Riddle):
    id, name, family = 13, "rectangle", "figures"
    concept = "rectangle → slanted parallelogram"
    unit = "degrees of the corner farthest from 90°"
    normal_max, odd_min = 0.5, 15.0
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        slant = rng.uniform(16.0, 32.0) if odd else 0.0
        q = _parallelogram(1.0, rng.uniform(0.35, 0.85), 90.0 + slant * rng.choice((-1, 1)))
        vertices = _outline(q, rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        return max(abs(a - 90.0) for a in polygon_angles_deg(features["vertices"]))


class Square(Riddle):
    id, name, family = 14, "square", "figures"
    concept = "square → non-square rectangle"
    unit = "ratio − 1 of the longest to the shortest side (or diagonal)"
    normal_max, odd_min = 0.01, 0.3
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        q = _parallelogram(1.0, 1.0 / rng.uniform(1.35, 1.9) if odd else 1.0, 90.0)
        vertices = _outline(q, rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        v = features["vertices"]
        sides = [distance(v[i - 1], v[i]) for i in range(4)]
        diagonals = distance(v[0], v[2]), distance(v[1], v[3])
        return max(max(sides) / min(sides), max(diagonals) / min(diagonals)) - 1.0


class EquilateralTriangle(Riddle):
    id, name, family = 15, "equilateral_triangle", "figures"
    concept = "equilateral triangle → isosceles triangle whose base differs by ≥ 10 %"
    unit = "ratio − 1 of the longest to the shortest side"
    normal_max, odd_min = 0.01, 0.1
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        apex = 60.0
        if odd:  # base / leg = 2 sin(apex / 2): 0.62–0.82 or 1.22–1.5
            ratio = rng.uniform(0.62, 0.82) if rng.random() < 0.5 else rng.uniform(1.22, 1.5)
            apex = math.degrees(2.0 * math.asin(ratio / 2.0))
        base = (180.0 - apex) / 2.0
        vertices = _outline(_triangle((base, base, apex)), rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        v = features["vertices"]
        sides = [distance(v[i - 1], v[i]) for i in range(3)]
        return max(sides) / min(sides) - 1.0


class RightAngledTriangle(Riddle):
    id, name, family = 16, "right_angled_triangle", "figures"
    concept = "right triangle → triangle with no angle near 90°"
    unit = "degrees between 90° and the triangle's angle nearest to it"
    normal_max, odd_min = 0.5, 15.0
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        if not odd:
            b = rng.uniform(20.0, 70.0)
            angles = (90.0, b, 90.0 - b)
        elif rng.random() < 0.5:  # acute: every angle 35–72°
            while True:
                a, b = rng.uniform(35.0, 72.0), rng.uniform(35.0, 72.0)
                if 35.0 <= 180.0 - a - b <= 72.0:
                    break
            angles = (a, b, 180.0 - a - b)
        else:  # obtuse: 108–135°
            c = rng.uniform(108.0, 135.0)
            a = rng.uniform(15.0, 165.0 - c)
            angles = (a, 180.0 - a - c, c)
        vertices = _outline(_triangle(angles), rng, style, self.alpha)
        return Panel([stroke(vertices, style.stroke, closed=True)], {"vertices": vertices})

    def deviation(self, features: dict, shared: dict) -> float:
        return min(abs(a - 90.0) for a in polygon_angles_deg(features["vertices"]))


class Circle(Riddle):
    id, name, family = 17, "circle", "figures"
    concept = "disc → ellipse"
    unit = "axis ratio − 1"
    normal_max, odd_min = 0.01, 0.25
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        ry = 1.0 / rng.uniform(1.3, 1.75) if odd else 1.0
        angle = rng.uniform(0.0, math.pi)
        ca, sa = math.cos(angle), math.sin(angle)
        hx, hy = math.hypot(ca, ry * sa), math.hypot(sa, ry * ca)  # half extents of the box
        s, dx, dy = filled_placement((-hx, -hy, hx, hy), math.pi * ry, rng, self.alpha, 0.3, 0.55)
        features = {"center": (dx, dy), "rx": s, "ry": s * ry, "angle": angle}
        return Panel([fill(_ellipse(s, s * ry, angle, (dx, dy)))], features)

    def deviation(self, features: dict, shared: dict) -> float:
        rx, ry = features["rx"], features["ry"]
        return max(rx, ry) / min(rx, ry) - 1.0


def _ellipse(rx: float, ry: float, angle: float, center: Point, n: int = _BLOB_POINTS) -> list[Point]:
    """n vertices of an ellipse with semi-axes rx, ry turned by `angle` (cached trig tables)."""
    ca, sa = math.cos(angle), math.sin(angle)
    cx, cy = center
    return [(cx + rx * r[0] * ca - ry * r[1] * sa, cy + rx * r[0] * sa + ry * r[1] * ca) for r in _rows(n)]


class ConvexShape(Riddle):
    id, name, family = 18, "convex_shape", "figures"
    concept = "smooth convex blob → blob with a concavity"
    unit = "depth of the deepest concavity / the blob's mean radius"
    normal_max, odd_min = 0.01, 0.12
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        blob = {"center": (0.0, 0.0), "radius": 1.0, "harmonics": convex_harmonics(rng, 0.2)}
        if odd:
            blob["dent"] = [rng.uniform(0.4, 0.55), rng.uniform(0.0, TAU), rng.uniform(0.6, 0.9)]
        local = blob_polygon(blob, _BLOB_POINTS)
        s, dx, dy = filled_placement(bbox(local), area(local), rng, self.alpha, 0.3, 0.55)
        blob.update(center=(dx, dy), radius=s)
        return Panel([fill([(s * x + dx, s * y + dy) for x, y in local])], blob)

    def deviation(self, features: dict, shared: dict) -> float:
        return concavity_depth(blob_polygon(features, _BLOB_POINTS)) / features["radius"]


RIDDLES = [
    Quadrilateral(),
    Trapezoid(),
    Parallelogram(),
    Rectangle(),
    Square(),
    EquilateralTriangle(),
    RightAngledTriangle(),
    Circle(),
    ConvexShape(),
]
