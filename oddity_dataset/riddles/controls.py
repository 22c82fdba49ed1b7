"""Controls (basic visual features): riddles 0 `color` and 1 `orientation`."""

from __future__ import annotations

import math
import random

from ..geometry import bbox, direction
from ..layout import place
from ..riddle import Panel, Riddle, Style
from ..shapes import fill, stroke


def _rectangle(rng: random.Random) -> list[tuple[float, float]]:
    """An axis-aligned rectangle with a random aspect ratio, centred on the origin."""
    w, h = 1.0, rng.uniform(0.35, 0.85)
    if rng.random() < 0.5:
        w, h = h, w
    return [(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)]


class Color(Riddle):
    id, name, family = 0, "color", "controls"
    concept = "outlined rectangle → filled rectangle"
    unit = "filled (0/1)"
    normal_max, odd_min = 0.0, 1.0

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        local = _rectangle(rng)
        corners = place(local, rng, extent=rng.uniform(0.35, 0.75), pad=style.stroke)(local)
        shape = fill(corners) if odd else stroke(corners, style.stroke, closed=True)
        return Panel([shape], {"corners": corners, "filled": int(odd)})

    def deviation(self, features: dict, shared: dict) -> float:
        return float(features["filled"])


class Orientation(Riddle):
    id, name, family = 1, "orientation", "controls"
    concept = "axis-aligned rectangle → rectangle rotated by 15–45°"
    unit = "degrees from the nearest axis"
    normal_max, odd_min = 0.5, 15.0

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        local = _rectangle(rng)
        if odd:
            a = math.radians(rng.uniform(15, 45)) * rng.choice((-1, 1))
            c, s = math.cos(a), math.sin(a)
            local = [(c * x - s * y, s * x + c * y) for x, y in local]
        # A rotated rectangle has a larger bounding box for the same ink: size every rectangle by
        # a weighted geometric mean of its perimeter and its box side, so neither stands out.
        perimeter = sum(math.dist(local[i], local[(i + 1) % 4]) for i in range(4))
        x0, y0, x1, y1 = bbox(local)
        size = perimeter**0.35 * ((x1 - x0) * (y1 - y0)) ** 0.325
        corners = place(local, rng, scale=rng.uniform(0.3, 1.0) / size, pad=style.stroke)(local)
        return Panel([stroke(corners, style.stroke, closed=True)], {"corners": corners})

    def deviation(self, features: dict, shared: dict) -> float:
        c = features["corners"]
        a = math.degrees(direction(c[0], c[1])) % 90.0
        return min(a, 90.0 - a)


RIDDLES = [Color(), Orientation()]
