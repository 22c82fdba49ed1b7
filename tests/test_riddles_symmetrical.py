"""Hand-made checks of the symmetrical riddles' deviations (riddles 19–21) on constructed outlines."""

from __future__ import annotations

import math
import random

import pytest

from oddity_dataset.riddle import Style
from oddity_dataset.riddles.symmetrical import (
    SymmetricalHorizontal,
    SymmetricalOblique,
    SymmetricalVertical,
    _area,
    _clearly_asymmetric,
    _corners,
    _perturb_half,
    _rescale_half,
    _symmetric_profile,
    asymmetry,
)

# a kite symmetric about the vertical line x = 0.5: vertex i pairs with vertex (n − i) mod n
KITE = [(0.5, 0.2), (0.3, 0.4), (0.5, 0.8), (0.7, 0.4)]


def turned(points, degrees, center=(0.5, 0.5)):
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return [
        (center[0] + c * (x - center[0]) - s * (y - center[1]), center[1] + s * (x - center[0]) + c * (y - center[1]))
        for x, y in points
    ]


def test_symmetric_kite_is_normal_for_its_axis_only():
    assert SymmetricalVertical().deviation({"outline": KITE}, {}) == pytest.approx(0.0, abs=1e-6)
    assert SymmetricalOblique().deviation({"outline": KITE}, {}) == pytest.approx(0.0, abs=1e-6)
    # the same kite lying on its side is symmetric about a horizontal axis, not a vertical one
    lying = turned(KITE, 90)
    assert SymmetricalHorizontal().deviation({"outline": lying}, {}) == pytest.approx(0.0, abs=1e-6)
    # the best vertical mirror swaps the two tips and misses every vertex by 0.1; the RMS radius
    # about the centroid (0.55, 0.5) is √0.0675
    assert SymmetricalVertical().deviation({"outline": lying}, {}) == pytest.approx(0.1 / math.sqrt(0.0675))
    # turned by 40°, only the oblique riddle (free axis) still calls it symmetric
    oblique = turned(KITE, 40)
    assert SymmetricalOblique().deviation({"outline": oblique}, {}) == pytest.approx(0.0, abs=1e-6)
    assert SymmetricalVertical().deviation({"outline": oblique}, {}) > 0.3


def rms_radius(points):
    cx, cy = sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)
    return math.sqrt(sum((x - cx) ** 2 + (y - cy) ** 2 for x, y in points) / len(points))


def test_asymmetry_measures_how_far_one_half_is_pushed():
    # move the left vertex 0.1 outwards: the best vertical axis passes through the vertex centroid
    # x = 0.475, and every vertex misses the mirror image of its partner by 0.05
    pushed = [(0.5, 0.2), (0.2, 0.4), (0.5, 0.8), (0.7, 0.4)]
    assert SymmetricalVertical().deviation({"outline": pushed}, {}) == pytest.approx(0.05 / rms_radius(pushed))
    # a free axis can only fit better, but not well
    free = SymmetricalOblique().deviation({"outline": pushed}, {})
    assert 0.1 < free <= 0.05 / rms_radius(pushed) + 1e-12


def test_asymmetry_finds_a_symmetry_under_any_vertex_pairing():
    # the kite listed from another vertex: its mirror pairs vertices differently (i ↔ 2 − i)
    shifted = KITE[1:] + KITE[:1]
    assert asymmetry(shifted, -1.0) == pytest.approx(0.0, abs=1e-6)
    assert asymmetry(list(reversed(KITE))) == pytest.approx(0.0, abs=1e-6)


def test_a_vertex_on_a_straight_side_does_not_count():
    # a square with an extra vertex a third of the way along its top side: the vertex list has no
    # mirror symmetry, but the figure as seen is a square
    square = [(0.0, 0.0), (0.3, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert asymmetry(square) > 0.1
    assert _corners(square) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert not _clearly_asymmetric(square, False, 0.1)
    assert _clearly_asymmetric(square, True, 0.1)  # a smooth outline has no corners to read


def test_odd_profile_keeps_the_area():
    rng = random.Random(4)
    for _ in range(50):
        angles, radii = _symmetric_profile(rng)
        pts = [(r * math.cos(t), r * math.sin(t)) for t, r in zip(angles, radii, strict=True)]
        assert asymmetry(pts, 1.0) < 1e-6  # symmetric about the x axis
        area = _area(angles, radii)
        bent_angles, bent = _perturb_half(rng, angles, radii)
        bent = _rescale_half(bent_angles, bent, area)
        assert _area(bent_angles, bent) == pytest.approx(area)


@pytest.mark.parametrize(
    "riddle", [SymmetricalVertical(), SymmetricalHorizontal(), SymmetricalOblique()], ids=lambda r: r.name
)
def test_panels_pass_their_own_predicate(riddle):
    rng = random.Random(1)
    style = Style.sample(rng)
    for _ in range(30):
        assert riddle.deviation(riddle.panel(rng, False, {}, style).features, {}) <= riddle.normal_max
        assert riddle.deviation(riddle.panel(rng, True, {}, style).features, {}) >= riddle.odd_min
