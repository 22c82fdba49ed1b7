"""Riddles 41–44 (topology): deviations of hand-made scenes, and the drawing and distance helpers."""

import math
import random

import numpy as np
import pytest

from oddity_dataset.catalog import get_riddle
from oddity_dataset.geometry import polygon_boundary_distance
from oddity_dataset.render import render_panel
from oddity_dataset.riddles.figures import blob_polygon, blob_radius_at
from oddity_dataset.riddles.topology import _band, _boundary_distance, _lumpy_harmonics, _ring


def dev(name, **features):
    return get_riddle(name).deviation(features, {})


def circle(x, y, r):
    return {"center": (x, y), "radius": r, "harmonics": [[2, 0.0, 0.0], [3, 0.0, 0.0], [4, 0.0, 0.0]]}


def test_inside_signed_distance_of_the_dot():
    curve = circle(0.5, 0.5, 0.25)
    inradius = 0.25 * math.cos(math.pi / 24)  # the curve is drawn as a 24-gon
    assert dev("inside", curve=curve, dot=(0.5, 0.5)) == pytest.approx(-inradius)
    assert dev("inside", curve=curve, dot=(0.9, 0.5)) == pytest.approx(0.15)


def test_closure_gap_beyond_the_stroke():
    curve = circle(0.5, 0.5, 0.2)
    assert dev("closure", curve=curve, gap=None, width=0.02) == 0
    chord = 2 * 0.2 * math.sin(0.3)
    assert dev("closure", curve=curve, gap=[-0.3, 0.3], width=0.02) == pytest.approx(chord - 0.02)


def test_connectedness_overlap_or_empty_strip():
    assert dev("connectedness", parts=[circle(0.3, 0.5, 0.1), circle(0.45, 0.5, 0.1)]) == pytest.approx(-0.05)
    assert dev("connectedness", parts=[circle(0.3, 0.5, 0.1), circle(0.6, 0.5, 0.1)]) == pytest.approx(0.1)


def test_holes_radius_or_ring_width():
    blob = circle(0.5, 0.5, 0.25)
    assert dev("holes", blob=blob, hole=None) == 0
    assert dev("holes", blob=blob, hole={"center": (0.5, 0.5), "radius": 0.05}) == pytest.approx(0.05)
    # near the outline, the ink around the hole is only ~0.02 wide
    assert 0.0 < dev("holes", blob=blob, hole={"center": (0.68, 0.5), "radius": 0.05}) < 0.025
    assert dev("holes", blob=blob, hole={"center": (0.9, 0.5), "radius": 0.05}) == 0


def test_boundary_distance_matches_geometry():
    rng = random.Random(1)
    for _ in range(200):
        blob = {"center": (0.5, 0.5), "radius": 0.2, "harmonics": _lumpy_harmonics(rng, 0.22, 0.14, 0.07)}
        pts = blob_polygon(blob, 24)
        p = (rng.random(), rng.random())
        assert _boundary_distance(p, pts) == pytest.approx(polygon_boundary_distance(p, pts), abs=1e-12)


def test_closed_and_open_curves_draw_the_same_stroke():
    """The ring (one polygon with a seam) has no break, and it carries as much ink per unit of
    length as an open band does."""
    blob = circle(0.5, 0.5, 0.3)
    pts = blob_polygon(blob, 24)
    ring = render_panel(_ring(pts, 0.03), 200, 0, 250)
    # a closed curve: every ray from the centre meets dark ink (the seam is at angle 0)
    for t in np.linspace(0, 2 * math.pi, 90, endpoint=False):
        r = np.linspace(0.27, 0.33, 30)
        xs, ys = (0.5 + r * math.cos(t)) * 200, (0.5 + r * math.sin(t)) * 200
        assert ring[ys.astype(int), xs.astype(int)].min() < 60
    band = render_panel(_band(pts + pts[:1], 0.03), 200, 0, 250)
    dark_ring, dark_band = (ring < 125).sum(), (band < 125).sum()
    assert dark_band == pytest.approx(dark_ring, rel=0.03)
    assert blob_radius_at(blob, 1.0) == pytest.approx(0.3)
