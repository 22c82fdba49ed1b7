"""Every riddle, generically: valid (verified) puzzles for many seeds, reproducible, drawn as the
format says, and free of low-level shortcuts (the audit bound of the dataset issue)."""

import numpy as np
import pytest

from oddity_dataset.audit import BOUND, audit_riddle, passes
from oddity_dataset.catalog import all_riddles
from oddity_dataset.generator import generate_puzzle, sample_scene, verify_scene

RIDDLES = all_riddles()


@pytest.mark.parametrize("riddle", RIDDLES, ids=lambda r: r.name)
def test_normal_panels_satisfy_and_odd_violates_the_predicate(riddle):
    for index in range(40):
        scene = sample_scene(riddle, seed=11, split="val", index=index)
        assert verify_scene(riddle, scene) == []
        odd = scene["odd"]
        devs = [riddle.deviation(p["features"], scene["shared"]) for p in scene["panels"]]
        assert devs[odd] >= riddle.odd_min
        assert all(d <= riddle.normal_max for k, d in enumerate(devs) if k != odd)


@pytest.mark.parametrize("riddle", RIDDLES, ids=lambda r: r.name)
def test_predicate_rejects_a_swapped_odd_panel(riddle):
    """Moving the odd panel's scene into a normal slot must fail verification."""
    scene = sample_scene(riddle, seed=5, split="train", index=0)
    odd = scene["odd"]
    other = (odd + 1) % 6
    scene["panels"][odd], scene["panels"][other] = scene["panels"][other], scene["panels"][odd]
    assert verify_scene(riddle, scene)


@pytest.mark.parametrize("riddle", RIDDLES, ids=lambda r: r.name)
def test_rendering_format_and_reproducibility(riddle):
    a = generate_puzzle(riddle, seed=2, split="test", index=9)
    b = generate_puzzle(riddle, seed=2, split="test", index=9)
    assert a.panels.shape == (6, 100, 100) and a.panels.dtype == np.uint8
    assert np.array_equal(a.panels, b.panels) and a.scene == b.scene
    for k, panel in enumerate(a.panels):
        paper = a.scene["paper"][k]
        assert 235 <= paper <= 255
        assert (panel == paper).mean() > 0.3  # a background of the panel's own grey
        assert panel.min() <= a.scene["style"]["ink"] + 40  # the shape is drawn, dark
        assert panel.max() <= paper  # holes and dots in the panel's own grey: never brighter
    c = generate_puzzle(riddle, seed=2, split="test", index=10)
    assert not np.array_equal(a.panels, c.panels)
    small = generate_puzzle(riddle, seed=2, split="test", index=9, size=48)
    assert small.panels.shape == (6, 48, 48) and small.scene == a.scene


def test_odd_slot_is_uniform():
    counts = np.bincount([sample_scene(r, 0, "train", i)["odd"] for r in RIDDLES for i in range(40)], minlength=6)
    expected = counts.sum() / 6
    assert ((counts - expected) ** 2 / expected).sum() < 20.5  # chi-square, 5 dof, p ≈ 0.001


@pytest.mark.parametrize("riddle", RIDDLES, ids=lambda r: r.name)
def test_no_single_pixel_statistic_picks_the_odd_panel(riddle):
    accuracy = audit_riddle(riddle, n=1000, seed=0)
    assert passes(riddle.name, accuracy), f"{riddle.name}: {accuracy} (bound {BOUND})"


def test_a_riddle_that_cannot_be_satisfied_raises_a_clear_error():
    from oddity_dataset.generator import GenerationError
    from oddity_dataset.riddles.controls import Orientation

    class NeverOdd(Orientation):
        name = "never_odd"

        def deviation(self, features, shared):
            return 0.0  # the odd panel never violates the concept

    with pytest.raises(GenerationError, match="never_odd produced no valid puzzle in 50 attempts"):
        sample_scene(NeverOdd(), seed=0, split="train", index=3)
