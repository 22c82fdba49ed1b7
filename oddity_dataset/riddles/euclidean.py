"""Euclidean geometry (lines, points, parallels, angles): riddles 2–9.

Every figure is built around the origin in panel units, turned by a random angle and dropped
anywhere it fits (`layout.place`), so position, orientation and size carry no information.
Ink and bounding box are balanced where the odd figure would otherwise differ: straight and bent
lines are sized alike by a mix of length and box, a dot off a line is paid for by a shorter line,
the odd pair of secant_lines is kept as compact as a cross.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from ..geometry import (
    Point,
    distance,
    line_angle_deg,
    point_line_distance,
    point_segment_distance,
    rotate,
    segment_at,
    segments_intersect,
)
from ..layout import place, pose
from ..riddle import Panel, Riddle, Style
from ..shapes import disc, fill, stroke

Segment = tuple[Point, Point]
# riddles 2, 3: a line's size mixes its length and its bounding box (weight β = _BOX_WEIGHT; the
# floor stands for the stroke width, so a sliver of a box does not count as zero)
_BOX_WEIGHT, _BOX_FLOOR = 0.3, 0.08
_LINE_SIZE = (0.3, 0.62)
_CURVE_POINTS = 9  # points along each side of a curve: smooth at 100 px, cheap to draw


# ---------------------------------------------------------------------------------------------
# helpers shared by the riddles of this module


_GAUSS5 = (  # Gauss–Legendre nodes and weights on [0, 1]
    (0.04691007703066802, 0.11846344252809454),
    (0.23076534494715845, 0.23931433524968324),
    (0.5, 0.28444444444444444),
    (0.7692346550528415, 0.23931433524968324),
    (0.9530899229693319, 0.11846344252809454),
)


def _bezier_length(p0: Point, p1: Point, p2: Point) -> float:
    """Arc length of a quadratic Bézier curve (5-point Gauss quadrature of its speed)."""
    ax, ay = 2 * (p1[0] - p0[0]), 2 * (p1[1] - p0[1])
    bx, by = 2 * (p2[0] - p1[0]), 2 * (p2[1] - p1[1])
    return sum(w * math.hypot(ax + t * (bx - ax), ay + t * (by - ay)) for t, w in _GAUSS5)


def _bezier_ribbon(ctrl: Sequence[Point], width: float, n: int = _CURVE_POINTS) -> list[dict]:
    """A quadratic Bézier stroke of `width` drawn as one filled outline of n points a side plus
    two round caps. Pillow draws a many-jointed stroke slowly (a pie slice per rounded joint); the
    outline costs one polygon. A straight stroke needs n = 2 (same pixels, fewer vertices)."""
    (x0, y0), (x1, y1), (x2, y2) = ctrl
    h = 0.5 * width
    left, right = [], []
    for k in range(n):
        t = k / (n - 1)
        u = 1.0 - t
        x = u * u * x0 + 2 * u * t * x1 + t * t * x2
        y = u * u * y0 + 2 * u * t * y1 + t * t * y2
        dx = u * (x1 - x0) + t * (x2 - x1)  # half the derivative
        dy = u * (y1 - y0) + t * (y2 - y1)
        f = h / math.hypot(dx, dy)
        left.append((x - dy * f, y + dx * f))
        right.append((x + dy * f, y - dx * f))
    right.reverse()
    return [fill(left + right), disc(ctrl[0], h), disc(ctrl[2], h)]


def _bezier_box(ctrl: Sequence[Point]) -> tuple[Point, Point]:
    """Corners (xmin, ymin), (xmax, ymax) of the bounding box of a quadratic Bézier curve (its
    control point usually lies outside the curve)."""
    lo, hi = [], []
    for i in (0, 1):
        a, b, c = ctrl[0][i], ctrl[1][i], ctrl[2][i]
        low, high = min(a, c), max(a, c)
        d = a - 2 * b + c
        if d != 0.0 and 0.0 < (a - b) / d < 1.0:
            t = (a - b) / d
            v = (1 - t) * (1 - t) * a + 2 * t * (1 - t) * b + t * t * c
            low, high = min(low, v), max(high, v)
        lo.append(low)
        hi.append(high)
    return (lo[0], lo[1]), (hi[0], hi[1])


def _bent(length: float, bulge: float, skew: float) -> list[Point]:
    """Control points of a bent line of arc length `length` centred on the origin along x: a
    quadratic Bézier whose greatest distance from its chord is `bulge` × chord (the control point
    is shifted by `skew` × chord from the chord's middle, so the bend is not always symmetric).
    bulge 0 gives a straight segment (control point on it)."""
    ctrl = [(0.0, 0.0), (0.5 + skew, 2.0 * bulge), (1.0, 0.0)]
    s = length / _bezier_length(*ctrl)
    return [(s * (x - 0.5), s * y) for x, y in ctrl]


def _bezier_sagitta(ctrl: Sequence[Point]) -> float:
    """Greatest distance of a quadratic Bézier curve from its chord, as a fraction of the chord
    (half the control point's distance from the chord)."""
    p0, p1, p2 = ctrl
    return 0.5 * point_line_distance(p1, p0, p2) / distance(p0, p2)


def _disc_strip_area(r: float, w: float) -> float:
    """Area of a disc of radius r inside a strip of width w through its centre (w <= 2r): the ink
    a dot shares with the line it sits on."""
    a = 0.5 * w
    return 2.0 * (a * math.sqrt(r * r - a * a) + r * r * math.asin(a / r))


def _crossing_deficit(s: Sequence[Sequence[Point]]) -> float:
    """90° minus the angle between two segments, in degrees (0 for perpendicular lines)."""
    return 90.0 - line_angle_deg(s[0][0], s[0][1], s[1][0], s[1][1])


# ---------------------------------------------------------------------------------------------
# 2, 3: straight and curved lines


class _LineShape(Riddle):
    """A single stroke, straight or bent, with the same ink length either way. Its features are
    the quadratic Bézier control points of the stroke (a straight one has its control point at
    the middle)."""

    family = "euclidean"
    normal_bulge: tuple[float, float]  # (0, 0) for straight
    odd_bulge: tuple[float, float]

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        lo, hi = self.odd_bulge if odd else self.normal_bulge
        ctrl = _bent(1.0, rng.uniform(lo, hi) * rng.choice((-1, 1)), rng.uniform(-0.12, 0.12))
        ctrl = rotate(ctrl, rng.uniform(0.0, 2.0 * math.pi))
        # A straight line's bounding box ranges from a sliver to a square as it turns; a curve's
        # varies less. Size every line by a mix of its length and its box so that neither the
        # ink nor the box singles out the odd line.
        (x0, y0), (x1, y1) = corners = _bezier_box(ctrl)
        box = (x1 - x0 + _BOX_FLOOR) * (y1 - y0 + _BOX_FLOOR)
        # the line is 1 long here: scaled by `size`, length^(1−2β) · box^β is the drawn target
        size = rng.uniform(*_LINE_SIZE) / box**_BOX_WEIGHT
        ctrl = place(corners, rng, scale=size, pad=style.stroke)(ctrl)
        # straight or bent, every line is drawn the same way so that only its shape differs
        shapes = _bezier_ribbon(ctrl, style.stroke, 2 if hi == 0.0 else _CURVE_POINTS)
        return Panel(shapes, {"bezier": ctrl})


class StraightLine(_LineShape):
    id, name = 2, "straight_line"
    concept = "straight segment → curved segment"
    unit = "sagitta / chord"
    normal_max, odd_min = 0.002, 0.12
    normal_bulge, odd_bulge = (0.0, 0.0), (0.13, 0.3)

    def deviation(self, features: dict, shared: dict) -> float:
        return _bezier_sagitta(features["bezier"])


class CurveLine(_LineShape):
    id, name = 3, "curve_line"
    concept = "curved segment → straight segment"
    unit = "missing bend: max(0, 0.15 − sagitta / chord)"
    normal_max, odd_min = 0.0, 0.148
    normal_bulge, odd_bulge = (0.17, 0.35), (0.0, 0.0)

    def deviation(self, features: dict, shared: dict) -> float:
        return max(0.0, 0.15 - _bezier_sagitta(features["bezier"]))


# ---------------------------------------------------------------------------------------------
# 4, 5: a dot and a line


class AlignmentPointOnLine(Riddle):
    id, name, family = 4, "alignment_point_on_line", "euclidean"
    concept = "segment with a dot on it → dot 10–15 % of the panel off the segment"
    unit = "panel widths from the dot's centre to the segment"
    normal_max, odd_min = 0.002, 0.099

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        length = rng.uniform(0.35, 0.75)
        if odd:  # the dot no longer covers part of the line: shorten the line by the ink it hid
            length -= _disc_strip_area(style.dot, style.stroke) / style.stroke
        a, b = segment_at((0.0, 0.0), length, 0.0)
        x = rng.uniform(-0.3, 0.3) * length
        y = rng.uniform(0.1, 0.15) * rng.choice((-1, 1)) if odd else 0.0
        a, b, dot = pose(rng, [[a, b, (x, y)]], style.dot)[0]
        return Panel([stroke([a, b], style.stroke), disc(dot, style.dot)], {"segment": [a, b], "dot": dot})

    def deviation(self, features: dict, shared: dict) -> float:
        a, b = features["segment"]
        return point_segment_distance(features["dot"], a, b)


class AlignmentPointOffLine(Riddle):
    id, name, family = 5, "alignment_point_off_line", "euclidean"
    concept = "segment with a dot on its extension beyond one end → dot 10–15 % of the panel off that line"
    unit = "panel widths from the dot's centre to the segment's line"
    normal_max, odd_min = 0.002, 0.099

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        length = rng.uniform(0.3, 0.6)
        a, b = segment_at((0.0, 0.0), length, 0.0)
        if odd:  # beside the extension, at least 30° off it as seen from the end b
            x, y = 0.5 * length + rng.uniform(0.04, 0.16), rng.uniform(0.1, 0.15) * rng.choice((-1, 1))
        else:  # on the extension beyond the end b
            x, y = 0.5 * length + rng.uniform(0.1, 0.2), 0.0
        a, b, dot = pose(rng, [[a, b, (x, y)]], style.dot)[0]
        return Panel([stroke([a, b], style.stroke), disc(dot, style.dot)], {"segment": [a, b], "dot": dot})

    def deviation(self, features: dict, shared: dict) -> float:
        a, b = features["segment"]
        return point_line_distance(features["dot"], a, b)


# ---------------------------------------------------------------------------------------------
# 6, 7: parallel and secant pairs


def _parallel_pair(rng: random.Random, tilt: float = 0.0, gap: tuple[float, float] = (0.35, 0.7)) -> list[Segment]:
    """Two segments side by side along x, the second turned by `tilt` radians about its middle
    (0: parallel), `gap` × the longer one's length apart (at least 0.35 so that a tilt up to 30°
    never makes them touch) and shifted lengthwise by up to a fifth of the first one."""
    length = rng.uniform(0.35, 0.65)
    other = rng.uniform(0.3, 0.65)
    gap = max(length, other) * rng.uniform(*gap)
    shift = length * rng.uniform(-0.2, 0.2)
    first = segment_at((0.0, -0.5 * gap), length, 0.0)
    second = segment_at((shift, 0.5 * gap), other, tilt)
    return [first, second]


def _draw_pair(rng: random.Random, pair: list[Segment], style: Style) -> Panel:
    """Two segments, turned and placed together; their endpoints are the features."""
    segs = pose(rng, [list(s) for s in pair], style.stroke)
    return Panel([stroke(s, style.stroke) for s in segs], {"segments": segs})


class ParallelLines(Riddle):
    id, name, family = 6, "parallel_lines", "euclidean"
    concept = "two parallel segments → two segments 10–30° apart"
    unit = "degrees between the segments"
    normal_max, odd_min = 0.5, 9.9

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        tilt = math.radians(rng.uniform(10, 30)) * rng.choice((-1, 1)) if odd else 0.0
        return _draw_pair(rng, _parallel_pair(rng, tilt), style)

    def deviation(self, features: dict, shared: dict) -> float:
        (a1, a2), (b1, b2) = features["segments"]
        return line_angle_deg(a1, a2, b1, b2)


class SecantLines(Riddle):
    id, name, family = 7, "secant_lines", "euclidean"
    concept = "two segments that cross (at 30–90°) → two parallel segments"
    unit = "90° minus the crossing angle, in degrees (90 when the segments do not cross)"
    normal_max, odd_min = 60.5, 89.5

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        if odd:  # parallel, close enough to have the compact box of a cross
            return _draw_pair(rng, _parallel_pair(rng, gap=(0.2, 0.5)), style)
        # cross at a point 20–80 % along each segment
        l1, l2 = rng.uniform(0.35, 0.65), rng.uniform(0.3, 0.65)
        t1, t2 = rng.uniform(0.2, 0.8), rng.uniform(0.2, 0.8)
        angle = math.radians(rng.uniform(30, 90))
        first = segment_at(((0.5 - t1) * l1, 0.0), l1, 0.0)
        c, s = math.cos(angle), math.sin(angle)
        second = segment_at(((0.5 - t2) * l2 * c, (0.5 - t2) * l2 * s), l2, angle)
        return _draw_pair(rng, [first, second], style)

    def deviation(self, features: dict, shared: dict) -> float:
        s = features["segments"]
        if not segments_intersect(s[0][0], s[0][1], s[1][0], s[1][1]):
            return 90.0
        return _crossing_deficit(s)


# ---------------------------------------------------------------------------------------------
# 8, 9: right angles


class RightAngleFull(Riddle):
    id, name, family = 8, "right_angle_full", "euclidean"
    concept = "two segments crossing at their midpoints at 90° → crossing at 25–65°"
    unit = "degrees from a right angle"
    normal_max, odd_min = 0.5, 24.9

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        angle = math.radians(rng.uniform(25, 65) if odd else 90.0)
        first = segment_at((0.0, 0.0), rng.uniform(0.3, 0.7), 0.0)
        second = segment_at((0.0, 0.0), rng.uniform(0.3, 0.7), angle)
        return _draw_pair(rng, [first, second], style)

    def deviation(self, features: dict, shared: dict) -> float:
        return _crossing_deficit(features["segments"])


class RightAngleHalf(Riddle):
    id, name, family = 9, "right_angle_half", "euclidean"
    concept = "T: a segment starting at another's midpoint at 90° → at 25–65° (or 115–155°)"
    unit = "degrees from a right angle"
    normal_max, odd_min = 0.5, 24.9

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        angle = math.radians(90.0 + rng.uniform(25, 65) * rng.choice((-1, 1)) if odd else 90.0)
        base = segment_at((0.0, 0.0), rng.uniform(0.35, 0.7), 0.0)
        stem_length = rng.uniform(0.25, 0.55)
        stem = ((0.0, 0.0), (stem_length * math.cos(angle), stem_length * math.sin(angle)))
        return _draw_pair(rng, [base, stem], style)

    def deviation(self, features: dict, shared: dict) -> float:
        return _crossing_deficit(features["segments"])


RIDDLES = [
    StraightLine(),
    CurveLine(),
    AlignmentPointOnLine(),
    AlignmentPointOffLine(),
    ParallelLines(),
    SecantLines(),
    RightAngleFull(),
    RightAngleHalf(),
]
