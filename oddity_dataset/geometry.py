"""Plane geometry on plain point lists, in panel units (x right, y down, the panel is [0, 1]²).

Riddles build scenes from these helpers and their predicates measure the same quantities, so a
concept ("parallel", "on the line") is written once. Plain Python floats: a puzzle holds a few
dozen points, where numpy's per-call overhead would dominate.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

Point = tuple[float, float]


def rotate(points: Iterable[Point], angle: float, center: Point = (0.0, 0.0)) -> list[Point]:
    """Rotate points by `angle` radians (counter-clockwise on screen is negative y, so this is
    clockwise as displayed) about `center`."""
    c, s = math.cos(angle), math.sin(angle)
    cx, cy = center
    return [(cx + c * (x - cx) - s * (y - cy), cy + s * (x - cx) + c * (y - cy)) for x, y in points]


def scale(points: Iterable[Point], factor: float, center: Point = (0.0, 0.0)) -> list[Point]:
    """Scale points by `factor` about `center`."""
    cx, cy = center
    return [(cx + factor * (x - cx), cy + factor * (y - cy)) for x, y in points]


def translate(points: Iterable[Point], dx: float, dy: float) -> list[Point]:
    """Shift points by (dx, dy)."""
    return [(x + dx, y + dy) for x, y in points]


def mirror(points: Iterable[Point], a: Point, b: Point) -> list[Point]:
    """Reflect points across the line through a and b."""
    ax, ay = a
    ux, uy = b[0] - ax, b[1] - ay
    n = math.hypot(ux, uy)
    ux, uy = ux / n, uy / n
    out = []
    for x, y in points:
        px, py = x - ax, y - ay
        d = px * ux + py * uy
        out.append((ax + 2 * d * ux - px, ay + 2 * d * uy - py))
    return out


def centroid(points: Sequence[Point]) -> Point:
    """Mean of the points (not the area centroid)."""
    n = len(points)
    return (sum(p[0] for p in points) / n, sum(p[1] for p in points) / n)


def bbox(points: Iterable[Point]) -> tuple[float, float, float, float]:
    """(xmin, ymin, xmax, ymax) of the points."""
    xs, ys = zip(*points, strict=False)
    return min(xs), min(ys), max(xs), max(ys)


def distance(a: Point, b: Point) -> float:
    return math.hypot(b[0] - a[0], b[1] - a[1])


def segment_at(center: Point, length: float, angle: float) -> tuple[Point, Point]:
    """The segment of `length` centred on `center` along direction `angle` (radians)."""
    hx, hy = 0.5 * length * math.cos(angle), 0.5 * length * math.sin(angle)
    return (center[0] - hx, center[1] - hy), (center[0] + hx, center[1] + hy)


def lerp(a: Point, b: Point, t: float) -> Point:
    """The point at fraction t of the way from a to b."""
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def direction(a: Point, b: Point) -> float:
    """Angle of the vector a→b in radians, in (-π, π]."""
    return math.atan2(b[1] - a[1], b[0] - a[0])


def line_angle_deg(a1: Point, a2: Point, b1: Point, b2: Point) -> float:
    """Unsigned angle between two undirected lines, in degrees, 0–90."""
    d = math.degrees(abs(direction(a1, a2) - direction(b1, b2))) % 180.0
    return min(d, 180.0 - d)


def point_line_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the infinite line through a and b."""
    return abs((b[0] - a[0]) * (a[1] - p[1]) - (a[0] - p[0]) * (b[1] - a[1])) / distance(a, b)


def point_segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment ab."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)
    t = min(1.0, max(0.0, t))
    return distance(p, (a[0] + t * dx, a[1] + t * dy))


def projection_parameter(p: Point, a: Point, b: Point) -> float:
    """t such that a + t (b − a) is the foot of the perpendicular from p (0 at a, 1 at b)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    return ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)


def line_intersection(a1: Point, a2: Point, b1: Point, b2: Point) -> Point | None:
    """Intersection of the infinite lines a1a2 and b1b2, or None if they are parallel."""
    d = (a1[0] - a2[0]) * (b1[1] - b2[1]) - (a1[1] - a2[1]) * (b1[0] - b2[0])
    if abs(d) < 1e-12:
        return None
    t = ((a1[0] - b1[0]) * (b1[1] - b2[1]) - (a1[1] - b1[1]) * (b1[0] - b2[0])) / d
    return lerp(a1, a2, t)


def segments_intersect(a1: Point, a2: Point, b1: Point, b2: Point) -> bool:
    """Whether the closed segments a1a2 and b1b2 cross or touch."""

    def orient(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    d1, d2 = orient(b1, b2, a1), orient(b1, b2, a2)
    d3, d4 = orient(a1, a2, b1), orient(a1, a2, b2)
    return d1 * d2 <= 0 and d3 * d4 <= 0


def polyline_length(points: Sequence[Point], closed: bool = False) -> float:
    """Total length of a polyline (plus the closing edge when `closed`)."""
    total = sum(distance(points[i], points[i + 1]) for i in range(len(points) - 1))
    if closed and len(points) > 2:
        total += distance(points[-1], points[0])
    return total


def polygon_area(points: Sequence[Point]) -> float:
    """Unsigned area of a simple polygon (shoelace formula)."""
    n = len(points)
    s = 0.0
    for i in range(n):
        x0, y0 = points[i]
        x1, y1 = points[(i + 1) % n]
        s += x0 * y1 - x1 * y0
    return abs(s) / 2.0


def polygon_angles_deg(points: Sequence[Point]) -> list[float]:
    """Interior angles of a simple convex polygon at each vertex, in degrees."""
    n = len(points)
    out = []
    for i in range(n):
        p, q, r = points[i - 1], points[i], points[(i + 1) % n]
        a = direction(q, p) - direction(q, r)
        a = abs(math.degrees(a)) % 360.0
        out.append(min(a, 360.0 - a))
    return out


def point_in_polygon(p: Point, poly: Sequence[Point]) -> bool:
    """Even-odd rule point-in-polygon test."""
    x, y = p
    inside = False
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def polygon_boundary_distance(p: Point, poly: Sequence[Point]) -> float:
    """Distance from p to the closest edge of a closed polygon."""
    n = len(poly)
    return min(point_segment_distance(p, poly[i], poly[(i + 1) % n]) for i in range(n))


def is_convex(points: Sequence[Point], tolerance: float = 0.0) -> bool:
    """Whether a closed polygon turns the same way at every vertex (within `tolerance` of cross
    product, for nearly straight runs of a sampled curve)."""
    n = len(points)
    sign = 0.0
    for i in range(n):
        (x0, y0), (x1, y1), (x2, y2) = points[i - 2], points[i - 1], points[i]
        cross = (x1 - x0) * (y2 - y1) - (y1 - y0) * (x2 - x1)
        if abs(cross) <= tolerance:
            continue
        if sign == 0.0:
            sign = cross
        elif cross * sign < 0:
            return False
    return True


def regular_polygon(n: int, radius: float = 1.0, phase: float = 0.0, center: Point = (0.0, 0.0)) -> list[Point]:
    """Vertices of a regular n-gon."""
    cx, cy = center
    return [
        (cx + radius * math.cos(phase + 2 * math.pi * k / n), cy + radius * math.sin(phase + 2 * math.pi * k / n))
        for k in range(n)
    ]


def ellipse_points(rx: float, ry: float, angle: float = 0.0, center: Point = (0.0, 0.0), n: int = 48) -> list[Point]:
    """A polygon of n vertices on an ellipse with semi-axes rx, ry rotated by `angle`."""
    pts = [(rx * math.cos(2 * math.pi * k / n), ry * math.sin(2 * math.pi * k / n)) for k in range(n)]
    pts = rotate(pts, angle)
    return translate(pts, *center)


def arc_points(a: Point, b: Point, bulge: float, n: int = 24) -> list[Point]:
    """A circular arc from a to b whose midpoint lies `bulge` (signed, as a fraction of |ab|)
    off the chord; bulge 0 gives the straight segment sampled at n points."""
    mx, my = lerp(a, b, 0.5)
    length = distance(a, b)
    nx, ny = -(b[1] - a[1]) / length, (b[0] - a[0]) / length
    if abs(bulge) < 1e-9:
        return [lerp(a, b, k / (n - 1)) for k in range(n)]
    h = bulge * length
    # circle through a, b and the apex m + h n
    r = (length * length / 4 + h * h) / (2 * h)
    cx, cy = mx + nx * (h - r), my + ny * (h - r)
    t0 = math.atan2(a[1] - cy, a[0] - cx)
    t1 = math.atan2(b[1] - cy, b[0] - cx)
    apex = math.atan2(my + ny * h - cy, mx + nx * h - cx)
    # choose the sweep direction that passes the apex
    sweep = (t1 - t0) % (2 * math.pi)
    if (apex - t0) % (2 * math.pi) > sweep:
        sweep -= 2 * math.pi
    rr = abs(r)
    return [
        (cx + rr * math.cos(t0 + sweep * k / (n - 1)), cy + rr * math.sin(t0 + sweep * k / (n - 1))) for k in range(n)
    ]


def radial_blob(
    rng, n_harmonics: int = 3, amplitude: float = 0.15, n: int = 64
) -> tuple[list[Point], list[tuple[int, float, float]]]:
    """A smooth closed blob r(θ) = 1 + Σ a_k cos(kθ + φ_k) around the origin; returns its points and
    the harmonics (k, a_k, φ_k) so that a riddle can store or perturb them."""
    harmonics = [
        (k, rng.uniform(-amplitude, amplitude) / k, rng.uniform(0, 2 * math.pi)) for k in range(2, 2 + n_harmonics)
    ]
    return blob_points(harmonics, n), harmonics


def blob_points(harmonics: Sequence[tuple[int, float, float]], n: int = 64, radius: float = 1.0) -> list[Point]:
    """Points of the radial blob with the given harmonics (see `radial_blob`)."""
    pts = []
    for i in range(n):
        t = 2 * math.pi * i / n
        r = radius * (1.0 + sum(a * math.cos(k * t + ph) for k, a, ph in harmonics))
        pts.append((r * math.cos(t), r * math.sin(t)))
    return pts
