"""Riddles 10–18 (geometrical figures): deviations of hand-made figures, and the fast blob helpers
against the reference implementations of geometry.py."""

import math
import random

import pytest

from oddity_dataset.catalog import get_riddle
from oddity_dataset.geometry import blob_points, is_convex, polygon_area, radial_blob
from oddity_dataset.riddles.figures import area, blob_area, blob_polygon, concavity_depth, convex_harmonics


def dev(name, **features):
    return get_riddle(name).deviation(features, {})


def test_quadrilateral_counts_corners():
    assert dev("quadrilateral", vertices=[(0, 0), (1, 0), (1, 1), (0, 1)]) == 0
    assert dev("quadrilateral", vertices=[(0, 0), (1, 0), (0.5, 0.8)]) == 1
    # a quadrilateral with a 175° angle reads as a triangle
    assert dev("quadrilateral", vertices=[(0, 0), (1, 0), (0.52, 0.52), (0.0, 1.0)]) == 1


def test_trapezoid_most_nearly_parallel_pair():
    assert dev("trapezoid", vertices=[(-0.5, 0.2), (0.5, 0.2), (0.2, -0.2), (-0.2, -0.2)]) == pytest.approx(0, abs=1e-9)
    # sides at 0°, 116.6°, 153.4°, 71.6°: pairs 26.6° and 45° apart
    assert dev("trapezoid", vertices=[(0, 0), (4, 0), (3, 2), (1, 3)]) == pytest.approx(26.565, abs=1e-3)


def test_parallelogram_least_parallel_pair():
    assert dev("parallelogram", vertices=[(0, 0), (2, 0), (3, 1), (1, 1)]) == pytest.approx(0, abs=1e-9)
    # top side at 166.0° (14.0° off), legs at 45° and 56.3° (11.3° apart)
    assert dev("parallelogram", vertices=[(0, 0), (2, 0), (3, 1), (1, 1.5)]) == pytest.approx(14.036, abs=1e-3)


def test_rectangle_corner_farthest_from_right():
    assert dev("rectangle", vertices=[(0, 0), (2, 0), (2, 1), (0, 1)]) == pytest.approx(0, abs=1e-9)
    h = math.sqrt(3) / 2
    assert dev("rectangle", vertices=[(0, 0), (2, 0), (2.5, h), (0.5, h)]) == pytest.approx(30, abs=1e-6)


def test_square_side_and_diagonal_ratios():
    assert dev("square", vertices=[(0, 0), (1, 0), (1, 1), (0, 1)]) == pytest.approx(0, abs=1e-9)
    assert dev("square", vertices=[(0, 0), (2, 0), (2, 1), (0, 1)]) == pytest.approx(1.0)
    # a rhombus has equal sides but unequal diagonals (2 and 1)
    assert dev("square", vertices=[(0, 0), (1, 0.5), (2, 0), (1, -0.5)]) == pytest.approx(1.0)


def test_equilateral_triangle_side_ratio():
    assert dev("equilateral_triangle", vertices=[(0, 0), (1, 0), (0.5, math.sqrt(3) / 2)]) == pytest.approx(0, abs=1e-9)
    # base 1.2, legs 1
    assert dev("equilateral_triangle", vertices=[(0, 0), (1.2, 0), (0.6, 0.8)]) == pytest.approx(0.2)


def test_right_angled_triangle_angle_nearest_90():
    assert dev("right_angled_triangle", vertices=[(0, 0), (3, 0), (0, 4)]) == pytest.approx(0, abs=1e-9)
    assert dev("right_angled_triangle", vertices=[(0, 0), (1, 0), (0.5, math.sqrt(3) / 2)]) == pytest.approx(30)


def test_circle_axis_ratio():
    assert dev("circle", center=(0.5, 0.5), rx=0.2, ry=0.2, angle=1.0) == 0
    assert dev("circle", center=(0.5, 0.5), rx=0.2, ry=0.3, angle=1.0) == pytest.approx(0.5)


def test_convex_shape_dent_depth():
    disc = {"center": (0.5, 0.5), "radius": 0.2, "harmonics": [[2, 0.0, 0.0]]}
    assert dev("convex_shape", **disc) == 0
    assert dev("convex_shape", **disc, dent=[0.5, 1.0, 0.8]) > 0.12
    # one vertex of a 24-gon pulled in to half the radius: 0.5 below the chord at cos 15°
    pts = [(math.cos(t), math.sin(t)) for t in (2 * math.pi * k / 24 for k in range(24))]
    pts[5] = (0.5 * pts[5][0], 0.5 * pts[5][1])
    assert concavity_depth(pts) == pytest.approx(math.cos(math.pi / 12) - 0.5)


def test_fast_blob_helpers_match_geometry():
    rng = random.Random(3)
    for _ in range(20):
        _, harmonics = radial_blob(rng, amplitude=0.3)
        blob = {"center": (0.3, 0.6), "radius": 0.2, "harmonics": harmonics}
        ref = [(0.3 + x, 0.6 + y) for x, y in blob_points(harmonics, 24, radius=0.2)]
        assert all(math.dist(p, q) < 1e-12 for p, q in zip(blob_polygon(blob, 24), ref, strict=True))
        assert area(ref) == pytest.approx(polygon_area(ref))
        assert blob_area(blob) == pytest.approx(polygon_area(blob_polygon(blob, 720)), rel=1e-4)
    for _ in range(50):
        blob = {"center": (0.5, 0.5), "radius": 0.3, "harmonics": convex_harmonics(rng, 0.2)}
        assert is_convex(blob_polygon(blob, 96)) and concavity_depth(blob_polygon(blob, 96)) == 0
