"""Hand-made checks of the Euclidean riddles' deviations (riddles 2–9) on constructed features."""

from __future__ import annotations

import math
import random

import pytest
from conftest import first_attempt_misses

from oddity_dataset.riddle import Style
from oddity_dataset.riddles.euclidean import (
    AlignmentPointOffLine,
    AlignmentPointOnLine,
    CurveLine,
    ParallelLines,
    RightAngleFull,
    RightAngleHalf,
    SecantLines,
    StraightLine,
    _bezier_box,
    _bezier_length,
)


def polar(length: float, degrees: float, start=(0.5, 0.5)):
    a = math.radians(degrees)
    return (start[0] + length * math.cos(a), start[1] + length * math.sin(a))


def test_straight_and_curve_measure_the_bend():
    straight = {"bezier": [(0.2, 0.5), (0.5, 0.5), (0.8, 0.5)]}
    bent = {"bezier": [(0.2, 0.5), (0.5, 0.62), (0.8, 0.5)]}  # apex 0.06 off a 0.6 chord
    assert StraightLine().deviation(straight, {}) == pytest.approx(0.0)
    assert StraightLine().deviation(bent, {}) == pytest.approx(0.1)
    assert CurveLine().deviation(straight, {}) == pytest.approx(0.15)
    assert CurveLine().deviation({"bezier": [(0.2, 0.5), (0.5, 0.8), (0.8, 0.5)]}, {}) == 0.0


def test_bezier_length_and_box():
    assert _bezier_length((0, 0), (0.5, 0), (1, 0)) == pytest.approx(1.0)
    # a half-unit-high parabola over a unit chord: length 1.4789
    assert _bezier_length((0, 0), (0.5, 1.0), (1, 0)) == pytest.approx(1.4789, abs=1e-3)
    assert _bezier_box([(0, 0), (0.5, 1.0), (1, 0)]) == ((0, 0), (1, 0.5))


def test_point_on_and_off_line():
    seg = [(0.2, 0.5), (0.8, 0.5)]
    assert AlignmentPointOnLine().deviation({"segment": seg, "dot": (0.4, 0.5)}, {}) == pytest.approx(0.0)
    assert AlignmentPointOnLine().deviation({"segment": seg, "dot": (0.4, 0.62)}, {}) == pytest.approx(0.12)
    # riddle 5: on the extension beyond the end, then 0.1 beside it
    assert AlignmentPointOffLine().deviation({"segment": seg, "dot": (0.95, 0.5)}, {}) == pytest.approx(0.0)
    assert AlignmentPointOffLine().deviation({"segment": seg, "dot": (0.9, 0.4)}, {}) == pytest.approx(0.1)


def test_parallel_and_secant():
    a = [(0.2, 0.3), polar(0.5, 10, (0.2, 0.3))]
    parallel = {"segments": [a, [(0.2, 0.6), polar(0.5, 10, (0.2, 0.6))]]}
    apart = {"segments": [a, [(0.2, 0.6), polar(0.5, 30, (0.2, 0.6))]]}
    assert ParallelLines().deviation(parallel, {}) == pytest.approx(0.0, abs=1e-9)
    assert ParallelLines().deviation(apart, {}) == pytest.approx(20.0)
    assert SecantLines().deviation(parallel, {}) == 90.0
    cross = {"segments": [[(0.2, 0.5), (0.8, 0.5)], [polar(0.3, 220), polar(0.3, 40)]]}
    assert SecantLines().deviation(cross, {}) == pytest.approx(50.0)
    # not parallel but not crossing either: not secant segments
    assert SecantLines().deviation({"segments": [[(0.2, 0.5), (0.4, 0.5)], [(0.6, 0.3), (0.7, 0.7)]]}, {}) == 90.0


def test_right_angles():
    cross = {"segments": [[polar(0.3, 200), polar(0.3, 20)], [polar(0.2, 290), polar(0.2, 110)]]}
    assert RightAngleFull().deviation(cross, {}) == pytest.approx(0.0, abs=1e-9)
    slanted = {"segments": [[polar(0.3, 200), polar(0.3, 20)], [polar(0.2, 240), polar(0.2, 60)]]}
    assert RightAngleFull().deviation(slanted, {}) == pytest.approx(50.0)
    base = [polar(0.3, 180), polar(0.3, 0)]
    assert RightAngleHalf().deviation({"segments": [base, [(0.5, 0.5), polar(0.3, 90)]]}, {}) == pytest.approx(
        0.0, abs=1e-9
    )
    assert RightAngleHalf().deviation({"segments": [base, [(0.5, 0.5), polar(0.3, 130)]]}, {}) == pytest.approx(40.0)


@pytest.mark.parametrize(
    "riddle",
    [
        StraightLine(),
        CurveLine(),
        AlignmentPointOnLine(),
        AlignmentPointOffLine(),
        ParallelLines(),
        SecantLines(),
        RightAngleFull(),
        RightAngleHalf(),
    ],
    ids=lambda r: r.name,
)
def test_sampled_panels_keep_their_margins(riddle):
    """Panels straight from `panel` (no resampling) are normal or clearly odd nearly always."""
    assert first_attempt_misses(riddle, n=300) <= 3


def test_tilted_pairs_never_touch():
    """The odd pair of parallel_lines is tilted, never crossing (that would be secant_lines)."""
    from oddity_dataset.geometry import point_segment_distance

    rng = random.Random(3)
    riddle = ParallelLines()
    for _ in range(500):
        style = Style.sample(rng)
        (a1, a2), (b1, b2) = riddle.panel(rng, True, {}, style).features["segments"]
        gap = min(point_segment_distance(p, b1, b2) for p in (a1, a2))
        gap = min(gap, *(point_segment_distance(p, a1, a2) for p in (b1, b2)))
        assert gap > style.stroke + 0.01
