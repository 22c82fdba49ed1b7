"""Chiral figures: riddles 22 `chiral_circle_vertical`, 23 `chiral_flag_vertical`,
24 `chiral_circle_oblique` and 25 `chiral_flag_oblique`.

A figure is a stick with a disc (circle riddles) or a two-stroke pennant (flag riddles) on one side,
off the stick's middle so that the figure has no mirror symmetry: its mirror image is a different
figure that no rotation reproduces (b against d). The five normal panels of a puzzle show the same
figure (`shared`, in the stick's own frame), the odd panel its mirror image; size varies a little
from panel to panel, and the oblique riddles turn each panel by an arbitrary angle. A mirror image
has the same ink and extent as the figure, so nothing but handedness tells the odd panel apart.

Frame of a stick from `base` to `tip`: t runs along the stick (0 at the base, 1 at the tip), s
across it (the stick direction turned by +90°), both in stick lengths. `deviation` expresses the
attached part in that frame and measures how far it lies from the shared figure's, taking the
better of the two ways to order the stick's ends, since the drawing does not say which is the base.
"""

from __future__ import annotations

import math
import random

from ..geometry import Point
from ..layout import MARGIN, Placement, place
from ..riddle import Panel, Riddle, Style
from ..shapes import disc, stroke


def _frame_coords(p: Point, base: Point, tip: Point) -> tuple[float, float]:
    """(t, s) of p in the frame of the stick base → tip, in stick lengths."""
    ux, uy = tip[0] - base[0], tip[1] - base[1]
    ll = ux * ux + uy * uy
    px, py = p[0] - base[0], p[1] - base[1]
    return (px * ux + py * uy) / ll, (py * ux - px * uy) / ll


def _from_frame(t: float, s: float, angle: float) -> Point:
    """Local point of frame coordinates (t, s) for a unit stick from the origin pointing at `angle`."""
    c, n = math.cos(angle), math.sin(angle)
    return (t * c - s * n, t * n + s * c)


def _mirror_fair(at: Placement, points: list[Point], ink_x: float, rng: random.Random, pad: float) -> Placement:
    """`at` with a new horizontal shift that puts the ink centre uniformly in a band symmetric about
    the panel's middle where the figure and its left–right mirror image both fit. A plain box
    placement would put a figure's ink on average to the side its disc or flag points to, so the
    mirrored odd panel's ink would lean the other way."""
    xs = [p[0] for p in points]
    half = at.scale * max(ink_x - min(xs), max(xs) - ink_x) + pad
    lo = MARGIN + half
    x = rng.uniform(lo, max(lo, 1.0 - lo))
    return Placement(at.scale, x - at.scale * ink_x, at.dy)


class _Chiral(Riddle):
    """A stick with something on one side → its mirror image. Subclasses choose the attached part
    (`figure`, `attachment`, ...) and whether the stick is vertical or freely turned."""

    family = "chiral"
    unit = "stick lengths (distance of the attached part from where the shared figure has it)"
    normal_max, odd_min = 0.01, 0.2
    oblique: bool

    def figure(self, rng: random.Random) -> dict:
        """The attached part in the stick frame: {"points": [(t, s), ...], ...}, on the +s side."""
        raise NotImplementedError

    def attachment(self, points: list[Point], length: float, figure: dict, style: Style) -> tuple[list[dict], dict]:
        """Primitives and features of the attached part, given its points and the stick length."""
        raise NotImplementedError

    def outline(self, points: list[Point], figure: dict) -> list[Point]:
        """Points whose bounding box holds the attached part of a unit stick (before the stroke)."""
        return points

    def shared(self, rng: random.Random, style: Style) -> dict:
        fig = self.figure(rng)
        side = rng.choice((-1, 1))
        fig["points"] = [(t, side * s) for t, s in fig["points"]]
        fig["length"] = rng.uniform(0.42, 0.62)
        if not self.oblique:  # the whole puzzle points up or down (a half turn keeps handedness)
            fig["up"] = rng.random() < 0.5
        return fig

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        if self.oblique:
            angle = rng.uniform(-math.pi, math.pi)
        else:
            angle = -math.pi / 2 if shared["up"] else math.pi / 2
        side = -1.0 if odd else 1.0  # the odd panel: the mirror image across the stick
        local = [_from_frame(t, side * s, angle) for t, s in shared["points"]]
        tip = _from_frame(1.0, 0.0, angle)
        length = shared["length"] * rng.uniform(0.85, 1.15)
        extent = [(0.0, 0.0), tip, *self.outline(local, shared)]
        at = place(extent, rng, scale=length, pad=style.stroke / 2)
        if not self.oblique:
            at = _mirror_fair(
                at, extent, self.ink_center_x(local, tip, shared, style.stroke / length), rng, style.stroke / 2
            )
        base, tip = at.point((0.0, 0.0)), at.point(tip)
        shapes, feats = self.attachment(at(local), length, shared, style)
        return Panel([stroke([base, tip], style.stroke), *shapes], {"stick": [base, tip], **feats})

    def ink_center_x(self, points: list[Point], tip: Point, figure: dict, width: float) -> float:
        """x of the centre of the figure's ink (unit stick from the origin to `tip`, strokes of
        `width`), weighting each stroke by its length and a disc by its area."""
        raise NotImplementedError

    def attached_points(self, features: dict) -> list[list[Point]]:
        """The attached part's points, in each order in which it can be read (a polyline both ways)."""
        raise NotImplementedError

    def deviation(self, features: dict, shared: dict) -> float:
        base, tip = features["stick"]
        want = shared["points"]
        best = math.inf
        for a, b in ((base, tip), (tip, base)):
            extra = self.size_mismatch(features, shared, a, b)
            for pts in self.attached_points(features):
                got = [_frame_coords(p, a, b) for p in pts]
                d = max(math.dist(g, w) for g, w in zip(got, want, strict=True))
                best = min(best, max(d, extra))
        return best

    def size_mismatch(self, features: dict, shared: dict, base: Point, tip: Point) -> float:
        """Any size of the attached part that the points alone do not carry (a disc's radius)."""
        return 0.0


class _Circle(_Chiral):
    def figure(self, rng: random.Random) -> dict:
        radius = rng.uniform(0.15, 0.22)
        t = rng.uniform(radius + 0.02, 0.36)
        return {"points": [(t if rng.random() < 0.5 else 1.0 - t, radius)], "radius": radius}

    def attachment(self, points, length, figure, style):
        r = figure["radius"] * length
        return [disc(points[0], r)], {"disc": points[0], "radius": r}

    def outline(self, points, figure):
        (x, y), r = points[0], figure["radius"]
        return [(x - r, y - r), (x + r, y + r)]

    def ink_center_x(self, points, tip, figure, width):
        area = math.pi * figure["radius"] ** 2
        return (width * tip[0] / 2 + area * points[0][0]) / (width + area)

    def attached_points(self, features: dict) -> list[list[Point]]:
        return [[features["disc"]]]

    def size_mismatch(self, features, shared, base, tip):
        return abs(features["radius"] / math.dist(base, tip) - shared["radius"])


class _Flag(_Chiral):
    def figure(self, rng: random.Random) -> dict:
        height = rng.uniform(0.3, 0.45)
        tip = (1.0 - height * rng.uniform(0.0, 0.85), rng.uniform(0.3, 0.45))
        return {"points": [(1.0, 0.0), tip, (1.0 - height, 0.0)]}

    def attachment(self, points, length, figure, style):
        return [stroke(points, style.stroke)], {"flag": points}

    def ink_center_x(self, points, tip, figure, width):
        w = [1.0] + [math.dist(points[i], points[i + 1]) for i in range(len(points) - 1)]
        mid = [tip[0] / 2] + [(points[i][0] + points[i + 1][0]) / 2 for i in range(len(points) - 1)]
        return sum(a * b for a, b in zip(w, mid, strict=True)) / sum(w)

    def attached_points(self, features: dict) -> list[list[Point]]:
        flag = features["flag"]
        return [flag, flag[::-1]]


class ChiralCircleVertical(_Circle):
    id, name = 22, "chiral_circle_vertical"
    concept = "vertical stick with a disc on one side → its mirror image"
    oblique = False


class ChiralFlagVertical(_Flag):
    id, name = 23, "chiral_flag_vertical"
    concept = "vertical stick with a two-stroke flag on one side → its mirror image"
    oblique = False


class ChiralCircleOblique(_Circle):
    id, name = 24, "chiral_circle_oblique"
    concept = "stick at any angle with a disc on one side → its mirror image"
    oblique = True


class ChiralFlagOblique(_Flag):
    id, name = 25, "chiral_flag_oblique"
    concept = "stick at any angle with a two-stroke flag on one side → its mirror image"
    oblique = True


RIDDLES = [ChiralCircleVertical(), ChiralFlagVertical(), ChiralCircleOblique(), ChiralFlagOblique()]
