"""Topology: riddles 41–44 (inside, closure, connectedness, holes).

Every figure is built from radial blobs (see figures.blob_polygon): closed curves for `inside` and
`closure`, filled shapes for `connectedness` and `holes`. A figure is sized so that a mix of its
ink and its bounding-box side hits a random target (figures.size_measure), then placed anywhere it
fits, so that the odd panel's missing arc, extra part or hole does not show in the amount of ink,
the box or the position. Holes are cut in the panel's own grey (tone PAPER).

Curves are drawn as filled bands (one polygon around the curve, plus round caps on an open one)
rather than as strokes: Pillow joins a stroke's segments with a disc at every vertex, which costs
several times more to draw.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from itertools import repeat

from ..geometry import Point, bbox, distance
from ..layout import place
from ..riddle import Panel, Riddle, Style
from ..shapes import PAPER, disc, fill
from .figures import (
    TAU,
    blob_area,
    blob_polygon,
    blob_radius_at,
    box_corners,
    convex_harmonics,
    filled_placement,
    size_measure,
)

_CURVE_POINTS = 24  # vertices of a closed curve
_BLOB_POINTS = 24  # vertices of a filled blob
_PART_POINTS = 20  # vertices of each (smaller) part of `connectedness`


# ---------------------------------------------------------------------------------------------
# helpers shared by the riddles of this module


def _lumpy_harmonics(rng: random.Random, a2: float, a3: float, a4: float) -> list[list[float]]:
    """Harmonics k = 2, 3, 4 of a blob with amplitudes up to a2, a3, a4 (not necessarily convex;
    star-shaped as long as a2 + a3 + a4 < 1)."""
    return [[k, rng.uniform(-a, a), rng.uniform(0.0, TAU)] for k, a in ((2, a2), (3, a3), (4, a4))]


def _offsets(points: Sequence[Point], h: float, closed: bool) -> tuple[list[Point], list[Point]]:
    """The polyline shifted by h to either side along its vertex normals: (outer, inner), outer
    being outside for a closed radial blob (listed counter-clockwise in x right, y up terms)."""
    prev = points[-1:] + points[:-1] if closed else points[:1] + points[:-1]
    nxt = points[1:] + points[:1] if closed else points[1:] + points[-1:]
    # (h · normal) at each vertex, the normal being the tangent (next − previous) turned by −90°
    shift = [
        ((by - ay) * k, (ax - bx) * k)
        for (ax, ay), (bx, by), k in zip(prev, nxt, [h / d for d in map(math.dist, prev, nxt)], strict=True)
    ]
    outer = [(x + u, y + v) for (x, y), (u, v) in zip(points, shift, strict=True)]
    inner = [(x - u, y - v) for (x, y), (u, v) in zip(points, shift, strict=True)]
    return outer, inner


def _ring(points: Sequence[Point], width: float) -> list[dict]:
    """A closed curve of stroke `width`: one polygon running along the outer offset and back
    along the inner one (joined by a seam inside the stroke), so that it is drawn exactly as
    the open curves of `_band`."""
    outer, inner = _offsets(points, width / 2.0, True)
    return [fill(outer + outer[:1] + inner[:1] + inner[::-1])]


def _band(points: Sequence[Point], width: float) -> list[dict]:
    """An open curve of stroke `width`: one polygon around it plus round caps."""
    outer, inner = _offsets(points, width / 2.0, False)
    return [fill(outer + inner[::-1]), disc(points[0], width / 2.0), disc(points[-1], width / 2.0)]


def _boundary_distance(p: Point, points: Sequence[Point], closed: bool = True) -> float:
    """Distance from p to a closed polygon's boundary (or an open polyline). Only the edges that
    can hold a point nearer than the nearest vertex are measured: those with an end within
    (nearest vertex distance + longest edge) of p."""
    d = list(map(math.dist, repeat(p, len(points)), points))
    nearest = min(d)
    reach = nearest + max(map(math.dist, points, points[1:] + points[:1] if closed else points[1:]))
    best = nearest * nearest
    px, py = p
    for i in range(0 if closed else 1, len(points)):
        if d[i] > reach and d[i - 1] > reach:
            continue
        (ax, ay), (bx, by) = points[i - 1], points[i]
        dx, dy = bx - ax, by - ay
        t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
        if 0.0 < t < 1.0:
            ex, ey = ax + t * dx - px, ay + t * dy - py
            best = min(best, ex * ex + ey * ey)
    return math.sqrt(best)


def _clear_of(p: Point, points: Sequence[Point], clear: float, longest: float) -> bool:
    """Whether p lies at least `clear` from a closed polygon whose edges are at most `longest`
    long, judged from the vertices alone (conservatively: a point of an edge whose two ends lie
    at least r from p is at least √(r² − longest²/4) from it)."""
    r = min(map(math.dist, repeat(p, len(points)), points))
    return r * r - longest * longest / 4.0 >= clear * clear


def _edges(points: Sequence[Point]) -> list[float]:
    """Edge lengths of a closed polygon."""
    return list(map(math.dist, points, points[1:] + points[:1]))


def _moved(blob: dict, scale: float, dx: float, dy: float) -> dict:
    """The blob mapped by p ↦ scale · p + (dx, dy)."""
    (cx, cy), out = blob["center"], dict(blob)
    out.update(center=(scale * cx + dx, scale * cy + dy), radius=scale * blob["radius"])
    return out


def _on_blob(blob: dict, angle: float) -> Point:
    """The point of a blob's outline in direction `angle`."""
    r = blob_radius_at(blob, angle)
    return (blob["center"][0] + r * math.cos(angle), blob["center"][1] + r * math.sin(angle))


def _radially_inside(p: Point, blob: dict) -> bool:
    """Whether p lies inside a radial blob (nearer its centre than the outline in its direction)."""
    dx, dy = p[0] - blob["center"][0], p[1] - blob["center"][1]
    return math.hypot(dx, dy) < blob_radius_at(blob, math.atan2(dy, dx))


# ---------------------------------------------------------------------------------------------
# the riddles


class Inside(Riddle):
    id, name, family = 41, "inside", "topology"
    concept = "closed curve with a dot inside → dot outside"
    unit = "signed distance of the dot's centre from the curve, panel units (negative inside)"
    normal_max, odd_min = -0.05, 0.05
    alpha = 0.45

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        curve = {"center": (0.0, 0.0), "radius": 1.0, "harmonics": _lumpy_harmonics(rng, 0.22, 0.14, 0.05)}
        pts = blob_polygon(curve, _CURVE_POINTS)
        edges, box = _edges(pts), bbox(pts)
        target = rng.uniform(0.34, 0.5)
        scale = target / size_measure(sum(edges) / 4.0, box, self.alpha)
        # the dot clears the stroke by 2.7 % of the panel (local units here); outside, it stays near
        clear, longest = (style.dot + style.stroke / 2.0 + 0.027) / scale, max(edges)
        while True:
            t = rng.uniform(0.0, TAU)
            edge = blob_radius_at(curve, t)
            rho = edge + clear + rng.uniform(0.0, 0.06 / scale) if odd else (edge - clear) * math.sqrt(rng.random())
            dot = (rho * math.cos(t), rho * math.sin(t))
            if _clear_of(dot, pts, clear, longest):
                break
        if odd:  # a dot beyond the curve's box enlarges the figure's box: shrink it to compensate
            r = style.dot / scale
            box = (min(box[0], dot[0] - r), min(box[1], dot[1] - r), max(box[2], dot[0] + r), max(box[3], dot[1] + r))
            scale = target / size_measure(sum(edges) / 4.0, box, self.alpha)
        p = place(box_corners(box), rng, scale=scale, pad=style.stroke / 2.0)
        dot = p.point(dot)
        shapes = _ring(p(pts), style.stroke) + [disc(dot, style.dot)]
        return Panel(shapes, {"curve": _moved(curve, p.scale, p.dx, p.dy), "dot": dot})

    def deviation(self, features: dict, shared: dict) -> float:
        curve, dot = features["curve"], features["dot"]
        d = _boundary_distance(dot, blob_polygon(curve, _CURVE_POINTS))
        return -d if _radially_inside(dot, curve) else d


class Closure(Riddle):
    id, name, family = 42, "closure", "topology"
    concept = "closed curve → open curve"
    unit = "gap between the curve's ends beyond the stroke width, panel units"
    normal_max, odd_min = 0.0, 0.06
    alpha = 0.4

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        curve = {"center": (0.0, 0.0), "radius": 1.0, "harmonics": _lumpy_harmonics(rng, 0.22, 0.14, 0.05)}
        pts = blob_polygon(curve, _CURVE_POINTS)
        target = rng.uniform(0.34, 0.5)
        gap = None
        if odd:  # cut out an arc whose chord is 0.07–0.13 panel plus the stroke width
            scale = target / size_measure(sum(_edges(pts)) / 4.0, bbox(pts), self.alpha)
            at = rng.uniform(0.0, TAU)
            half = (rng.uniform(0.07, 0.13) + style.stroke) / (2.0 * scale * blob_radius_at(curve, at))
            gap = [at - half, at + half]
            pts = _arc(curve, pts, at + half, at - half + TAU)
            ink = sum(map(math.dist, pts[:-1], pts[1:]))
        else:
            ink = sum(_edges(pts))
        box = bbox(pts)
        scale = target / size_measure(ink / 4.0, box, self.alpha)
        p = place(box_corners(box), rng, scale=scale, pad=style.stroke / 2.0)
        features = {"curve": _moved(curve, p.scale, p.dx, p.dy), "gap": gap, "width": style.stroke}
        shapes = _band(p(pts), style.stroke) if odd else _ring(p(pts), style.stroke)
        return Panel(shapes, features)

    def deviation(self, features: dict, shared: dict) -> float:
        if not features["gap"]:
            return 0.0
        a, b = (_on_blob(features["curve"], t) for t in features["gap"])
        return max(0.0, distance(a, b) - features["width"])


def _arc(blob: dict, polygon: Sequence[Point], start: float, end: float) -> list[Point]:
    """The blob's outline from angle `start` to `end` (> start): its two ends plus the vertices
    of the blob's n-gon `polygon` strictly between them."""
    n = len(polygon)
    step = TAU / n
    first, last = math.floor(start / step) + 1, math.ceil(end / step) - 1
    return [_on_blob(blob, start)] + [polygon[i % n] for i in range(first, last + 1)] + [_on_blob(blob, end)]


class Connectedness(Riddle):
    id, name, family = 43, "connectedness", "topology"
    concept = "one connected blob → two separate blobs"
    unit = "width of the empty strip between the parts, panel units (negative: their overlap on the line of centres)"
    normal_max, odd_min = -0.03, 0.05
    alpha = 0.35

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        while True:
            a = {"center": (0.0, 0.0), "radius": 1.0, "harmonics": convex_harmonics(rng, 0.16)}
            b = {"center": (0.0, 0.0), "radius": rng.uniform(0.6, 1.0), "harmonics": convex_harmonics(rng, 0.16)}
            t = rng.uniform(0.0, TAU)
            ra, rb = blob_radius_at(a, t), blob_radius_at(b, t + math.pi)
            # overlap by 35–75 % of the smaller radius, or part by 45–90 % of the mean radius
            if odd:
                d = ra + rb + rng.uniform(0.45, 0.9) * (1.0 + b["radius"]) / 2.0
            else:
                d = ra + rb - rng.uniform(0.35, 0.75) * b["radius"]
            b["center"] = (d * math.cos(t), d * math.sin(t))
            pa, pb = blob_polygon(a, _PART_POINTS), blob_polygon(b, _PART_POINTS)
            box = bbox(pa + pb)
            ink = blob_area(a) + blob_area(b) - (0.0 if odd else _lens(ra, rb, d))
            s, dx, dy = filled_placement(box, ink, rng, self.alpha, 0.34, 0.52)
            parts = [_moved(a, s, dx, dy), _moved(b, s, dx, dy)]
            if odd:
                pa, pb = [(s * x + dx, s * y + dy) for x, y in pa], [(s * x + dx, s * y + dy) for x, y in pb]
                if _strip_gap(pa, pb, parts[0]["center"], parts[1]["center"]) >= self.odd_min + 0.005:
                    break
            elif (ra + rb - d) * s >= -self.normal_max + 0.005:
                pa, pb = [(s * x + dx, s * y + dy) for x, y in pa], [(s * x + dx, s * y + dy) for x, y in pb]
                break
        return Panel([fill(pa), fill(pb)], {"parts": parts})

    def deviation(self, features: dict, shared: dict) -> float:
        a, b = features["parts"]
        (ax, ay), (bx, by) = a["center"], b["center"]
        t = math.atan2(by - ay, bx - ax)
        depth = blob_radius_at(a, t) + blob_radius_at(b, t + math.pi) - math.hypot(bx - ax, by - ay)
        if depth > 0.0:  # the (star-shaped) parts cover the line of centres between them: joined
            return -depth
        # otherwise the empty strip between them, if any, proves them apart
        pa, pb = blob_polygon(a, _PART_POINTS), blob_polygon(b, _PART_POINTS)
        return max(0.0, _strip_gap(pa, pb, a["center"], b["center"]))


def _lens(r1: float, r2: float, d: float) -> float:
    """Area shared by two discs of radii r1, r2 whose centres are d apart."""
    if d >= r1 + r2:
        return 0.0
    if d <= abs(r1 - r2):
        return math.pi * min(r1, r2) ** 2
    a1 = r1 * r1 * math.acos((d * d + r1 * r1 - r2 * r2) / (2 * d * r1))
    a2 = r2 * r2 * math.acos((d * d + r2 * r2 - r1 * r1) / (2 * d * r2))
    return a1 + a2 - 0.5 * math.sqrt((-d + r1 + r2) * (d + r1 - r2) * (d - r1 + r2) * (d + r1 + r2))


def _strip_gap(pa: Sequence[Point], pb: Sequence[Point], ca: Point, cb: Point) -> float:
    """Width of the empty strip across the line of centres ca→cb between polygons pa and pb
    (negative when their shadows on that line overlap): a lower bound of their distance."""
    length = math.dist(ca, cb)
    ux, uy = (cb[0] - ca[0]) / length, (cb[1] - ca[1]) / length
    return min(x * ux + y * uy for x, y in pb) - max(x * ux + y * uy for x, y in pa)


class Holes(Riddle):
    id, name, family = 44, "holes", "topology"
    concept = "blob without a hole → blob with a hole"
    unit = "radius of the hole or width of the ink around it, whichever is smaller, panel units"
    normal_max, odd_min = 0.0, 0.04
    alpha = 0.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        blob = {"center": (0.0, 0.0), "radius": 1.0, "harmonics": _lumpy_harmonics(rng, 0.2, 0.1, 0.05)}
        local = blob_polygon(blob, _BLOB_POINTS)
        ink = blob_area(blob)
        if odd:  # a hole of radius 0.24–0.34 near the centre, ringed by at least 0.25 (local units)
            rho = rng.uniform(0.24, 0.34)
            longest = max(_edges(local))
            while True:
                t, off = rng.uniform(0.0, TAU), rng.uniform(0.0, 0.25)
                c = (off * math.cos(t), off * math.sin(t))
                if _clear_of(c, local, rho + 0.25, longest):
                    break
            ink -= math.pi * rho * rho
        s, dx, dy = filled_placement(bbox(local), ink, rng, self.alpha, 0.34, 0.55)
        shapes = [fill([(s * x + dx, s * y + dy) for x, y in local])]
        hole = None
        if odd:
            hole = {"center": (s * c[0] + dx, s * c[1] + dy), "radius": s * rho}
            shapes.append(disc(hole["center"], hole["radius"], PAPER))
        return Panel(shapes, {"blob": _moved(blob, s, dx, dy), "hole": hole})

    def deviation(self, features: dict, shared: dict) -> float:
        blob, hole = features["blob"], features["hole"]
        if not hole or not _radially_inside(hole["center"], blob):
            return 0.0
        ring = _boundary_distance(hole["center"], blob_polygon(blob, _BLOB_POINTS)) - hole["radius"]
        return max(0.0, min(hole["radius"], ring))


RIDDLES = [Inside(), Closure(), Connectedness(), Holes()]
