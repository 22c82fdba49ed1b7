"""Hand-made checks of the chiral riddles' deviations (riddles 22–25) on constructed figures."""

from __future__ import annotations

import math
import random

import pytest

from oddity_dataset.riddle import Style
from oddity_dataset.riddles.chiral import (
    ChiralCircleOblique,
    ChiralCircleVertical,
    ChiralFlagOblique,
    ChiralFlagVertical,
    _frame_coords,
)

# a "b": stick from the base (0.4, 0.8) up to the tip (0.4, 0.4), a disc of radius 0.08 (0.2
# stick lengths) touching its right side a quarter of the way up
CIRCLE = {"points": [(0.25, 0.2)], "radius": 0.2}
B = {"stick": [(0.4, 0.8), (0.4, 0.4)], "disc": (0.48, 0.7), "radius": 0.08}
D = {"stick": [(0.4, 0.8), (0.4, 0.4)], "disc": (0.32, 0.7), "radius": 0.08}  # its mirror image

# a pennant: stick base (0.5, 0.9) → tip (0.5, 0.5); two strokes from the tip out 0.16 to the right
# and back to the stick 0.16 lower
FLAG = {"points": [(1.0, 0.0), (0.8, 0.4), (0.6, 0.0)]}
RIGHT = {"stick": [(0.5, 0.9), (0.5, 0.5)], "flag": [(0.5, 0.5), (0.66, 0.58), (0.5, 0.66)]}
LEFT = {"stick": [(0.5, 0.9), (0.5, 0.5)], "flag": [(0.5, 0.5), (0.34, 0.58), (0.5, 0.66)]}


def turned(points, degrees, center=(0.5, 0.5)):
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return [
        (center[0] + c * (x - center[0]) - s * (y - center[1]), center[1] + s * (x - center[0]) + c * (y - center[1]))
        for x, y in points
    ]


def test_frame_coordinates():
    # up the screen (y down), +s points right
    assert _frame_coords((0.48, 0.7), (0.4, 0.8), (0.4, 0.4)) == pytest.approx((0.25, 0.2))
    assert _frame_coords((0.4, 0.4), (0.4, 0.8), (0.4, 0.4)) == pytest.approx((1.0, 0.0))


def test_circle_figure_and_its_mirror_image():
    for riddle in (ChiralCircleVertical(), ChiralCircleOblique()):
        assert riddle.deviation(B, CIRCLE) == pytest.approx(0.0, abs=1e-12)
        # mirrored: the disc is 2 × 0.2 stick lengths across; read from the other end it is at
        # t = 0.75 instead of 0.25: the better reading is 0.4 away
        assert riddle.deviation(D, CIRCLE) == pytest.approx(0.4)
    # the stick's ends stored the other way round, or the whole figure turned, is the same figure
    flipped = {**B, "stick": B["stick"][::-1]}
    assert ChiralCircleVertical().deviation(flipped, CIRCLE) == pytest.approx(0.0, abs=1e-12)
    stick, centre = turned(B["stick"], 130), turned([B["disc"]], 130)[0]
    assert ChiralCircleOblique().deviation({**B, "stick": stick, "disc": centre}, CIRCLE) == pytest.approx(
        0.0, abs=1e-9
    )
    # a disc of a different size is not the same figure
    assert ChiralCircleVertical().deviation({**B, "radius": 0.1}, CIRCLE) == pytest.approx(0.05)


def test_flag_figure_and_its_mirror_image():
    for riddle in (ChiralFlagVertical(), ChiralFlagOblique()):
        assert riddle.deviation(RIGHT, FLAG) == pytest.approx(0.0, abs=1e-12)
        assert riddle.deviation({**RIGHT, "flag": RIGHT["flag"][::-1]}, FLAG) == pytest.approx(0.0, abs=1e-12)
        # mirrored: the flag's tip is 0.8 stick lengths across (0.4 each side); read from the
        # other end (and the strokes backwards) the flag hangs at the wrong end, each of its
        # points 0.6 from where it should be
        assert riddle.deviation(LEFT, FLAG) == pytest.approx(0.6)
    pts = turned(RIGHT["stick"] + RIGHT["flag"], -75)
    assert ChiralFlagOblique().deviation({"stick": pts[:2], "flag": pts[2:]}, FLAG) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    "riddle",
    [ChiralCircleVertical(), ChiralFlagVertical(), ChiralCircleOblique(), ChiralFlagOblique()],
    ids=lambda r: r.name,
)
def test_panels_pass_their_own_predicate(riddle):
    rng = random.Random(2)
    for _ in range(20):
        style = Style.sample(rng)
        shared = riddle.shared(rng, style)
        normal = riddle.panel(rng, False, shared, style).features
        odd = riddle.panel(rng, True, shared, style).features
        assert riddle.deviation(normal, shared) <= riddle.normal_max
        assert riddle.deviation(odd, shared) >= riddle.odd_min
        if not riddle.oblique:  # the stick stays vertical
            (x0, _), (x1, _) = normal["stick"]
            assert x0 == pytest.approx(x1)
