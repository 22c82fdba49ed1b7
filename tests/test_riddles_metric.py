"""Hand-made checks of the metric riddles' deviations (riddles 26–32) on constructed features."""

from __future__ import annotations

import math

import pytest
from conftest import first_attempt_misses

from oddity_dataset.riddles.metric import (
    CircleCenter,
    Distance,
    Equidistance,
    FixedProportion,
    IncreasingDistance,
    QuadrilateralCenter,
    SegmentMiddle,
    _area_centroid,
    _same_box_length,
)

SEGMENT = [(0.2, 0.5), (0.8, 0.5)]


def dots_at(*xs: float):
    return {"dots": [(x, 0.5) for x in xs]}


def test_distance_is_relative_to_the_shared_one():
    shared = {"distance": 0.2}
    assert Distance().deviation({"segment": SEGMENT, "dot": (0.4, 0.7)}, shared) == pytest.approx(0.0)
    assert Distance().deviation({"segment": SEGMENT, "dot": (0.6, 0.2)}, shared) == pytest.approx(0.5)  # 0.3 vs 0.2
    assert Distance().deviation({"segment": SEGMENT, "dot": (0.6, 0.6)}, shared) == pytest.approx(1.0)  # 0.1 vs 0.2


def test_same_box_length_keeps_the_mean_box():
    def mean_box(a, b):
        return (a * a + b * b) / math.pi + a * b

    length = _same_box_length(0.4, 0.2, 0.3)
    assert mean_box(length, 0.3) == pytest.approx(mean_box(0.4, 0.2))
    assert _same_box_length(0.4, 0.2, 0.2) == pytest.approx(0.4)


def test_equidistance():
    assert Equidistance().deviation(dots_at(0.2, 0.4, 0.6, 0.8), {}) == pytest.approx(0.0, abs=1e-9)
    # inner dot moved by 0.05 of a 0.2 spacing: gaps 0.25, 0.15, 0.2 → (0.25 − 0.15) / 0.2
    assert Equidistance().deviation(dots_at(0.2, 0.45, 0.6, 0.8), {}) == pytest.approx(0.5)


def test_increasing_distance_reads_either_direction():
    riddle = IncreasingDistance()
    assert riddle.deviation(dots_at(0.1, 0.2, 0.35, 0.575), {}) == 0.0  # gaps 0.1, 0.15, 0.225
    assert riddle.deviation(dots_at(0.1, 0.325, 0.475, 0.575), {}) == 0.0  # the same, mirrored
    # gaps 0.1, 0.225, 0.15: m = max(min(2.25, 0.667), min(0.667, 0.444)) = 0.667
    assert riddle.deviation(dots_at(0.1, 0.2, 0.425, 0.575), {}) == pytest.approx(1.4 - 0.15 / 0.225)
    # equal gaps are not increasing either: m = 1
    assert riddle.deviation(dots_at(0.2, 0.4, 0.6, 0.8), {}) == pytest.approx(0.4)


def test_circle_center():
    base = {"center": (0.5, 0.5), "radius": 0.2}
    assert CircleCenter().deviation({**base, "dot": (0.5, 0.5)}, {}) == 0.0
    assert CircleCenter().deviation({**base, "dot": (0.56, 0.58)}, {}) == pytest.approx(0.5)


def test_quadrilateral_center():
    kite = [(0.5, 0.2), (0.7, 0.4), (0.5, 0.8), (0.3, 0.4)]  # diagonals cross at (0.5, 0.4), area 0.12
    root = math.sqrt(0.12)
    assert QuadrilateralCenter().deviation({"quad": kite, "dot": (0.5, 0.4)}, {}) == pytest.approx(0.0)
    assert QuadrilateralCenter().deviation({"quad": kite, "dot": (0.5, 0.5)}, {}) == pytest.approx(0.1 / root)
    assert _area_centroid([(0, 0), (1, 0), (1, 2), (0, 2)]) == pytest.approx((0.5, 1.0))


def test_segment_middle_and_fixed_proportion():
    assert SegmentMiddle().deviation({"segment": SEGMENT, "dot": (0.5, 0.5)}, {}) == pytest.approx(0.0)
    assert SegmentMiddle().deviation({"segment": SEGMENT, "dot": (0.32, 0.5)}, {}) == pytest.approx(0.3)
    shared = {"proportion": 0.25}
    assert FixedProportion().deviation({"segment": SEGMENT, "dot": (0.35, 0.5)}, shared) == pytest.approx(0.0)
    assert FixedProportion().deviation({"segment": SEGMENT, "dot": (0.65, 0.5)}, shared) == pytest.approx(
        0.0
    )  # other end
    assert FixedProportion().deviation({"segment": SEGMENT, "dot": (0.5, 0.5)}, shared) == pytest.approx(0.25)


@pytest.mark.parametrize(
    "riddle",
    [
        Distance(),
        Equidistance(),
        IncreasingDistance(),
        CircleCenter(),
        QuadrilateralCenter(),
        SegmentMiddle(),
        FixedProportion(),
    ],
    ids=lambda r: r.name,
)
def test_sampled_panels_keep_their_margins(riddle):
    """Panels straight from `panel` (no resampling) are normal or clearly odd nearly always."""
    assert first_attempt_misses(riddle, n=300) <= 3
