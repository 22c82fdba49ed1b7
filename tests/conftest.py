"""Shared fixtures: small datasets built once per test session."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from oddity_dataset.build import build_dataset, make_plan
from oddity_dataset.riddle import Riddle, Style


def small_plan(riddles=(0, 1), train=120, val=30, test=30, chunk_size=50, seed=3, size=64) -> dict:
    return make_plan({"train": train, "val": val, "test": test}, list(riddles), seed, size, chunk_size)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    """A finished 180-puzzle dataset of riddles 0 and 1 at 64×64 (tests must not modify it)."""
    root = tmp_path_factory.mktemp("data") / "small"
    build_dataset(root, small_plan())
    return root


def first_attempt_misses(riddle: Riddle, n: int = 300, seed: int = 7) -> int:
    """How many of n normal and n odd panels, sampled once each, miss their predicate (the
    generator would have to resample their puzzle)."""
    rng = random.Random(seed)
    misses = 0
    for _ in range(n):
        style = Style.sample(rng)
        shared = riddle.shared(rng, style)
        misses += riddle.deviation(riddle.panel(rng, False, shared, style).features, shared) > riddle.normal_max
        misses += riddle.deviation(riddle.panel(rng, True, shared, style).features, shared) < riddle.odd_min
    return misses
