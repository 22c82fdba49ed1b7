"""Per-puzzle random streams: puzzle i of split s under seed S has its own generator, seeded from
(S, s, riddle, i) through numpy's SeedSequence, so any puzzle can be regenerated alone and the
output does not depend on how the work is split among workers or machines.

The stream itself is Python's `random.Random` (Mersenne Twister): a riddle draws a few dozen
scalars, where Python's generator costs ~50 ns a draw against ~1 µs for numpy's.
"""

from __future__ import annotations

import random

import numpy as np

SPLITS = ("train", "val", "test")


def split_code(split: str) -> int:
    """The integer of a split name in the seed (train 0, val 1, test 2)."""
    try:
        return SPLITS.index(split)
    except ValueError:
        raise ValueError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}") from None


def puzzle_rng(seed: int, split: str, riddle_id: int, index: int) -> random.Random:
    """The random stream of one puzzle."""
    state = np.random.SeedSequence((seed, split_code(split), riddle_id, index)).generate_state(4, np.uint32)
    return random.Random(int.from_bytes(state.tobytes(), "little"))
