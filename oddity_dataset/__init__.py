"""Procedural generator of visual-oddity puzzles: the 45 riddles of core geometry (Dehaene et al.
2006), rendered from verified vector scenes, stored as numpy shards with a manifest.

Public API::

    from oddity_dataset import select_riddles, generate_puzzle, open_dataset
    riddle = select_riddles("parallel_lines")[0]
    puzzle = generate_puzzle(riddle, seed=0, split="train", index=7)  # .panels (6, 100, 100) uint8, .odd
    train = open_dataset("data/oddity").split("train").arrays()      # images, label, riddle, index
"""

__version__ = "0.1.0"
# Bump when any riddle's output for a given (seed, split, index) changes.
GENERATOR_VERSION = "1"

from .catalog import FAMILIES, all_riddles, get_riddle, select_riddles  # noqa: E402
from .generator import Puzzle, generate_puzzle  # noqa: E402
from .storage import DatasetError, load_npz, open_dataset  # noqa: E402

__all__ = [
    "FAMILIES",
    "DatasetError",
    "Puzzle",
    "all_riddles",
    "generate_puzzle",
    "get_riddle",
    "load_npz",
    "open_dataset",
    "select_riddles",
]
