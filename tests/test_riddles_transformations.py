"""Hand-made checks of the transformation riddles' deviations (riddles 33–40) on constructed shapes."""

from __future__ import annotations

import math
import random

import pytest

from oddity_dataset.riddle import Style
from oddity_dataset.riddles.transformations import (
    _POLYOMINOES,
    RIDDLES,
    HomothecyOrientation,
    HomothecySize,
    PointSymmetry,
    Rotation,
    SymmetryHorizontal,
    SymmetryOblique,
    SymmetryVertical,
    Translation,
    _asymmetric_polygon,
    scale_between,
    turn_between,
)

# an L-shaped hexagon (no symmetry once stretched: arms of length 0.2 and 0.1)
L = [(0.2, 0.2), (0.25, 0.2), (0.25, 0.35), (0.3, 0.35), (0.3, 0.4), (0.2, 0.4)]


def moved(points, dx, dy, factor=1.0, center=(0.0, 0.0)):
    return [(center[0] + factor * (x - center[0]) + dx, center[1] + factor * (y - center[1]) + dy) for x, y in points]


def turned(points, degrees, center):
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return [
        (center[0] + c * (x - center[0]) - s * (y - center[1]), center[1] + s * (x - center[0]) + c * (y - center[1]))
        for x, y in points
    ]


def centre(points):
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def radius(points):
    c = centre(points)
    return max(math.dist(c, p) for p in points)


def test_turn_and_scale_fits():
    assert turn_between(L, moved(L, 0.4, 0.1)) == pytest.approx(0.0, abs=1e-12)
    assert math.degrees(turn_between(L, turned(L, 50, (0.6, 0.6)))) == pytest.approx(50.0)
    assert scale_between(L, moved(L, 0.3, 0.2, 1.7, centre(L))) == pytest.approx(1.7)


def test_translation_and_homothecy_orientation_measure_the_turn():
    copy = moved(L, 0.4, 0.3)
    assert Translation().deviation({"shape": L, "copy": copy}, {}) == pytest.approx(0.0, abs=1e-9)
    rotated = turned(copy, -35, centre(copy))
    assert Translation().deviation({"shape": L, "copy": rotated}, {}) == pytest.approx(35.0)
    enlarged = moved(L, 0.3, 0.2, 1.8, centre(L))
    assert HomothecyOrientation().deviation({"shape": L, "copy": enlarged}, {}) == pytest.approx(0.0, abs=1e-9)
    rotated = turned(enlarged, 70, centre(enlarged))
    assert HomothecyOrientation().deviation({"shape": L, "copy": rotated}, {}) == pytest.approx(70.0)


def test_homothecy_size_compares_with_the_shared_factor():
    shared = {"factor": 1.6}
    same = moved(L, 0.3, 0.2, 1.6, centre(L))
    other = moved(L, 0.3, 0.2, 2.4, centre(L))
    smaller = moved(L, 0.3, 0.2, 1.0, centre(L))
    assert HomothecySize().deviation({"shape": L, "copy": same}, shared) == pytest.approx(0.0, abs=1e-9)
    assert HomothecySize().deviation({"shape": L, "copy": other}, shared) == pytest.approx(0.5)
    assert HomothecySize().deviation({"shape": L, "copy": smaller}, shared) == pytest.approx(0.6)


def test_mirror_symmetries_compare_with_the_mirror_image():
    size = radius(L)
    # horizontal axis y = 0.5: the mirror image of L, and L merely translated to the same place
    axis = [(0.1, 0.5), (0.9, 0.5)]
    mirrored = [(x, 1.0 - y) for x, y in L]
    shifted = moved(L, 0.0, 1.0 - 2 * centre(L)[1])
    assert SymmetryHorizontal().deviation({"shape": L, "copy": mirrored, "axis": axis}, {}) == pytest.approx(
        0.0, abs=1e-12
    )
    # the translated copy misses the mirror image by twice a vertex's height above the centroid
    far = 2 * max(abs(y - centre(L)[1]) for _, y in L)
    assert SymmetryHorizontal().deviation({"shape": L, "copy": shifted, "axis": axis}, {}) == pytest.approx(far / size)
    # vertical axis x = 0.5
    axis = [(0.5, 0.1), (0.5, 0.9)]
    mirrored = [(1.0 - x, y) for x, y in L]
    assert SymmetryVertical().deviation({"shape": L, "copy": mirrored, "axis": axis}, {}) == pytest.approx(
        0.0, abs=1e-12
    )
    assert SymmetryVertical().deviation({"shape": L, "copy": moved(L, 0.4, 0.0), "axis": axis}, {}) > 0.5
    # the diagonal y = x swaps the coordinates
    axis = [(0.1, 0.1), (0.9, 0.9)]
    assert SymmetryOblique().deviation({"shape": L, "copy": [(y, x) for x, y in L], "axis": axis}, {}) == pytest.approx(
        0.0, abs=1e-12
    )


def test_point_symmetry_and_rotation():
    c = (0.5, 0.5)
    half_turn = [(1.0 - x, 1.0 - y) for x, y in L]
    assert PointSymmetry().deviation({"shape": L, "copy": half_turn, "center": c}, {}) == pytest.approx(0.0, abs=1e-12)
    shifted = moved(L, 1.0 - 2 * centre(L)[0], 1.0 - 2 * centre(L)[1])
    # translated: each vertex misses its reflection by twice its offset from the centroid
    assert PointSymmetry().deviation({"shape": L, "copy": shifted, "center": c}, {}) == pytest.approx(2.0)
    copy = turned(L, 100, c)
    assert Rotation().deviation({"shape": L, "copy": copy, "center": c}, {}) == pytest.approx(0.0, abs=1e-9)
    # turned 60° more about its own centre: the copy's centre misses the place a 160° turn about
    # the pivot would put it by 2 d sin 30° = d, d the centroid's distance from the pivot
    spun = turned(copy, 60, centre(copy))
    d = math.dist(c, centre(L))
    assert Rotation().deviation({"shape": L, "copy": spun, "center": c}, {}) == pytest.approx(d / radius(L))


def vertex_hausdorff(p, q):
    return max(max(min(math.dist(a, b) for b in q) for a in p), max(min(math.dist(a, b) for a in p) for b in q))


def test_shapes_have_no_symmetry():
    """The odd panels rely on it: every turn (20–340°) and every mirror image of a shape about its
    vertex centroid misses the shape by at least 0.15 radii at some vertex."""
    rng = random.Random(0)
    for _ in range(60):
        pts = _asymmetric_polygon(rng)
        assert max(math.hypot(x, y) for x, y in pts) == pytest.approx(1.0)
        assert centre(pts) == pytest.approx((0.0, 0.0), abs=1e-12)
        for degrees in range(20, 341, 4):
            assert vertex_hausdorff(pts, turned(pts, degrees, (0.0, 0.0))) > 0.15
        for tenths in range(0, 1800, 15):  # axes through the centroid every 1.5°
            flat = turned(pts, -tenths / 10, (0.0, 0.0))  # the axis turned onto the x axis
            image = turned([(x, -y) for x, y in flat], tenths / 10, (0.0, 0.0))
            assert vertex_hausdorff(pts, image) > 0.15
    assert len(_POLYOMINOES) == 6 and all(len(p) >= 6 for p in _POLYOMINOES)


@pytest.mark.parametrize("riddle", RIDDLES, ids=lambda r: r.name)
def test_panels_pass_their_own_predicate(riddle):
    rng = random.Random(3)
    for _ in range(20):
        style = Style.sample(rng)
        shared = riddle.shared(rng, style)
        assert riddle.deviation(riddle.panel(rng, False, shared, style).features, shared) <= riddle.normal_max
        assert riddle.deviation(riddle.panel(rng, True, shared, style).features, shared) >= riddle.odd_min
