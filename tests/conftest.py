"""Shared fixtures: small datasets built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from oddity_dataset.build import build_dataset, make_plan


def small_plan(riddles=(0, 1), train=120, val=30, test=30, chunk_size=50, seed=3, size=64) -> dict:
    return make_plan({"train": train, "val": val, "test": test}, list(riddles), seed, size, chunk_size)


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory) -> Path:
    """A finished 180-puzzle dataset of riddles 0 and 1 at 64×64 (tests must not modify it)."""
    root = tmp_path_factory.mktemp("data") / "small"
    build_dataset(root, small_plan())
    return root
