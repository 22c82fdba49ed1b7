"""Metric properties: riddles 26–32 (distances, equal and growing spacing, centres, midpoints,
proportions).

As in the Euclidean family, every figure is built around the origin, turned by a random angle and
dropped anywhere it fits. Dots that sit on a filled shape (29, 30) are cut out in tone PAPER, the
panel's own grey, so no pixel is brighter than the background. Values shared by the five normal
panels (26, 32) are drawn in `shared` and `deviation` measures against them.
"""

from __future__ import annotations

import math
import random

from ..geometry import (
    Point,
    distance,
    line_intersection,
    point_segment_distance,
    polygon_area,
    polygon_boundary_distance,
    projection_parameter,
    segment_at,
)
from ..layout import pose
from ..riddle import Panel, Riddle, Style
from ..shapes import PAPER, disc, fill, stroke


def _gaps(dots: list[Point]) -> list[float]:
    """Distances between consecutive dots."""
    return [distance(dots[i], dots[i + 1]) for i in range(len(dots) - 1)]


def _dots_on_line(positions: list[float], rng: random.Random, style: Style) -> Panel:
    """Dots at the given abscissae on a line through the origin, posed at random."""
    (dots,) = pose(rng, [[(x, 0.0) for x in positions]], style.dot)
    return Panel([disc(p, style.dot) for p in dots], {"dots": dots})


def _segment_with_dot(rng: random.Random, length: float, t: float, style: Style) -> Panel:
    """A segment with a dot on it at fraction t of its length from its first end."""
    a, b = segment_at((0.0, 0.0), length, 0.0)
    a, b, dot = pose(rng, [[a, b, ((t - 0.5) * length, 0.0)]], style.dot)[0]
    return Panel([stroke([a, b], style.stroke), disc(dot, style.dot)], {"segment": [a, b], "dot": dot})


def _ratio_gap(value: float, reference: float) -> float:
    """Relative difference of two positive values: larger / smaller − 1 (0 when equal)."""
    return max(value, reference) / min(value, reference) - 1.0


# ---------------------------------------------------------------------------------------------
# 26–28: distances between a dot and a line, and between dots


_BOX_MATCH = 0.6  # riddle 26: how far the odd segment's length moves towards the same-box length


def _same_box_length(length: float, d0: float, d: float) -> float:
    """The length of a segment that, with a dot at distance d, has on average over rotations the
    bounding box of one of `length` with a dot at d0. A figure spanning a × b, turned by a uniform
    angle, has a box of mean area (a² + b²)/π + ab."""
    c = (length * length + d0 * d0 - d * d) / math.pi + length * d0
    return 0.5 * math.pi * (math.sqrt(d * d + 4.0 * c / math.pi) - d)


class Distance(Riddle):
    id, name, family = 26, "distance", "metric"
    concept = "segment and a dot at a distance shared by the five → a distance 1.5–1.75× larger or smaller"
    unit = "relative difference from the shared distance (larger / smaller − 1)"
    normal_max, odd_min = 0.002, 0.49

    def shared(self, rng: random.Random, style: Style) -> dict:
        return {"distance": rng.uniform(0.14, 0.22)}

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        d = shared["distance"]
        if odd:
            d *= rng.uniform(1.5, 1.75) ** rng.choice((-1, 1))
        # The dot faces a random point of the segment and the segment's length varies widely, so
        # the figure's box says little about the distance. A normal figure always fits unscaled
        # (√(0.55² + 0.22²) + 2 × 0.04 < 0.8); an odd one shrinks only when its dot is closer.
        length = rng.uniform(0.25, 0.55)
        if odd:
            # A farther dot widens the box: shorten the segment part of the way (_BOX_MATCH) to
            # the length that keeps the mean box, without taking so much ink that ink tells.
            # Along, the figure spans the segment and its caps; across, distance, dot and half a stroke.
            w, cross = style.stroke, style.dot + 0.5 * style.stroke
            boxed = _same_box_length(length + w, shared["distance"] + cross, d + cross) - w
            length = length ** (1.0 - _BOX_MATCH) * boxed**_BOX_MATCH
        a, b = segment_at((0.0, 0.0), length, 0.0)
        dot = (rng.uniform(-0.3, 0.3) * length, d)
        a, b, dot = pose(rng, [[a, b, dot]], style.dot)[0]
        return Panel([stroke([a, b], style.stroke), disc(dot, style.dot)], {"segment": [a, b], "dot": dot})

    def deviation(self, features: dict, shared: dict) -> float:
        a, b = features["segment"]
        return _ratio_gap(point_segment_distance(features["dot"], a, b), shared["distance"])


class Equidistance(Riddle):
    id, name, family = 27, "equidistance", "metric"
    concept = "four equally spaced collinear dots → one inner dot shifted by 25–35 % of the spacing"
    unit = "(largest gap − smallest gap) / mean gap"
    normal_max, odd_min = 0.002, 0.49

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        s = rng.uniform(0.16, 0.25)  # the smallest gap, 0.65 s, stays above two dot radii + 0.02
        xs = [-1.5 * s, -0.5 * s, 0.5 * s, 1.5 * s]
        if odd:
            xs[rng.choice((1, 2))] += rng.uniform(0.25, 0.35) * s * rng.choice((-1, 1))
        return _dots_on_line(xs, rng, style)

    def deviation(self, features: dict, shared: dict) -> float:
        g = _gaps(features["dots"])
        return (max(g) - min(g)) * len(g) / sum(g)


class IncreasingDistance(Riddle):
    id, name, family = 28, "increasing_distance", "metric"
    concept = "four collinear dots whose gaps grow by 1.5–1.8× each → the same gaps out of order"
    unit = "max(0, 1.4 − m), m: the smallest ratio of consecutive gaps read in the better direction"
    normal_max, odd_min = 0.0, 0.7

    # the non-monotone orders of three growing gaps (middle gap largest or smallest)
    ODD_ORDERS = ((0, 2, 1), (1, 2, 0), (1, 0, 2), (2, 0, 1))

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        q = rng.uniform(1.5, 1.8)
        growth = 1.0 + q + q * q
        # total span; the smallest gap keeps 0.025 between the dots' edges
        shortest = max(0.45, (2.0 * style.dot + 0.025) * growth)
        a = rng.uniform(shortest, max(shortest, 0.72)) / growth
        gaps = [a, a * q, a * q * q]
        if odd:  # the very same gaps, reordered: ink and extent match the normal panels
            gaps = [gaps[i] for i in rng.choice(self.ODD_ORDERS)]
        xs = [0.0, gaps[0], gaps[0] + gaps[1], gaps[0] + gaps[1] + gaps[2]]
        return _dots_on_line(xs, rng, style)

    def deviation(self, features: dict, shared: dict) -> float:
        g1, g2, g3 = _gaps(features["dots"])
        m = max(min(g2 / g1, g3 / g2), min(g2 / g3, g1 / g2))
        return max(0.0, 1.4 - m)


# ---------------------------------------------------------------------------------------------
# 29, 30: centres of filled shapes


class CircleCenter(Riddle):
    id, name, family = 29, "circle_center", "metric"
    concept = "disc with a dot at its centre → dot 40–60 % of the radius off the centre"
    unit = "radii from the dot's centre to the disc's centre"
    normal_max, odd_min = 0.002, 0.39

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        r = rng.uniform(0.17, 0.36)
        dot = (0.0, 0.0)
        if odd:  # the dot keeps 0.025 of the disc around it
            e = min(rng.uniform(0.4, 0.6) * r, r - style.dot - 0.025)
            a = rng.uniform(0.0, 2.0 * math.pi)
            dot = (e * math.cos(a), e * math.sin(a))
        center, dot = pose(rng, [[(0.0, 0.0), dot, (-r, -r), (r, r)]], 0.005, turn=False)[0][:2]
        shapes = [disc(center, r), disc(dot, style.dot, tone=PAPER)]
        return Panel(shapes, {"center": center, "radius": r, "dot": dot})

    def deviation(self, features: dict, shared: dict) -> float:
        return distance(features["dot"], features["center"]) / features["radius"]


def _quad_center(quad: list[Point]) -> Point:
    """Where the diagonals of a quadrilateral cross."""
    return line_intersection(quad[0], quad[2], quad[1], quad[3])


def _area_centroid(poly: list[Point]) -> Point:
    """Centroid of a simple polygon's area."""
    n = len(poly)
    a = cx = cy = 0.0
    for i in range(n):
        (x0, y0), (x1, y1) = poly[i], poly[(i + 1) % n]
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    return cx / (3.0 * a), cy / (3.0 * a)


class QuadrilateralCenter(Riddle):
    id, name, family = 30, "quadrilateral_center", "metric"
    concept = "convex quadrilateral with a dot where its diagonals cross → dot displaced by 25–35 % of √area"
    unit = "√area from the dot's centre to the diagonals' crossing"
    normal_max, odd_min = 0.002, 0.24

    @staticmethod
    def _quad(rng: random.Random) -> list[Point]:
        """A convex quadrilateral built on its diagonals, which cross at the origin: lengths
        0.35–0.7, 50–90° apart, each cut at 42–58 % of its length so that the crossing stays near
        the visual centre (within ~0.09 √area of the area centroid) and the normal dot looks centred."""
        d1, d2 = rng.uniform(0.35, 0.7), rng.uniform(0.35, 0.7)
        f1, f2 = rng.uniform(0.42, 0.58), rng.uniform(0.42, 0.58)
        a = math.radians(rng.uniform(50, 90))
        c, s = math.cos(a), math.sin(a)
        return [
            (f1 * d1, 0.0),
            (f2 * d2 * c, f2 * d2 * s),
            ((f1 - 1) * d1, 0.0),
            ((f2 - 1) * d2 * c, (f2 - 1) * d2 * s),
        ]

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        margin = style.dot + 0.02  # the dot keeps 0.02 of the shape around it
        quad, dot = self._quad(rng), (0.0, 0.0)
        if odd:  # try directions until the displaced dot is well inside and away from the centroid
            root, g = math.sqrt(polygon_area(quad)), _area_centroid(quad)
            start = rng.uniform(0.0, 2.0 * math.pi)
            for k in range(12):
                a = start + 2.4 * k  # ~137° apart: spreads the tries around the circle
                e = rng.uniform(0.25, 0.35) * root
                p = (e * math.cos(a), e * math.sin(a))
                if polygon_boundary_distance(p, quad) > margin and distance(p, g) > 0.18 * root:
                    dot = p
                    break
        quad, (dot,) = pose(rng, [quad, [dot]], 0.005)
        return Panel([fill(quad), disc(dot, style.dot, tone=PAPER)], {"quad": quad, "dot": dot})

    def deviation(self, features: dict, shared: dict) -> float:
        quad = features["quad"]
        return distance(features["dot"], _quad_center(quad)) / math.sqrt(polygon_area(quad))


# ---------------------------------------------------------------------------------------------
# 31, 32: where a dot sits along a segment


class SegmentMiddle(Riddle):
    id, name, family = 31, "segment_middle", "metric"
    concept = "segment with a dot at its midpoint → dot at 10–35 % of the length from one end"
    unit = "segment lengths from the dot's foot to the midpoint"
    normal_max, odd_min = 0.002, 0.148

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        t = rng.uniform(0.1, 0.35) if odd else 0.5
        return _segment_with_dot(rng, rng.uniform(0.4, 0.75), t, style)

    def deviation(self, features: dict, shared: dict) -> float:
        a, b = features["segment"]
        return abs(projection_parameter(features["dot"], a, b) - 0.5)


class FixedProportion(Riddle):
    id, name, family = 32, "fixed_proportion", "metric"
    concept = "segment with a dot at a proportion shared by the five (12–33 % from an end) → 15–22 % off it"
    unit = "segment lengths between the dot's proportion (from its nearer end) and the shared one"
    normal_max, odd_min = 0.002, 0.148

    def shared(self, rng: random.Random, style: Style) -> dict:
        return {"proportion": rng.uniform(0.12, 0.33)}

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        p = shared["proportion"]
        if odd:  # closer to the middle or closer to the end, whichever stays in 0.06–0.5
            delta = rng.uniform(0.15, 0.22)
            up, down = p + delta <= 0.5, p - delta >= 0.06
            p = p + delta if up and (not down or rng.random() < 0.5) else p - delta
        t = p if rng.random() < 0.5 else 1.0 - p
        return _segment_with_dot(rng, rng.uniform(0.45, 0.8), t, style)

    def deviation(self, features: dict, shared: dict) -> float:
        a, b = features["segment"]
        t = projection_parameter(features["dot"], a, b)
        return abs(min(t, 1.0 - t) - shared["proportion"])


RIDDLES = [
    Distance(),
    Equidistance(),
    IncreasingDistance(),
    CircleCenter(),
    QuadrilateralCenter(),
    SegmentMiddle(),
    FixedProportion(),
]
