"""Riddle emphasis in training: focus phases on a few riddles alone before the whole mix, and
oversampling of riddles within it.

Some riddles (oblique chirality above all) are learned within ~55k puzzles when trained on alone
but never in the 45-riddle mix, even when they make up half of every batch (docs/tuning.md,
session 8). A focus phase draws its batches from the puzzles of chosen riddles only, for a set number
of puzzles; the phases run in order before the epochs over the whole training set, inside the same
learning-rate schedule. The order of a phase is a function of (seed, phase) alone, so a run
interrupted inside a phase resumes with the batches an uninterrupted one draws.

What a focus phase taught can fade in the mix, where those riddles are a few of 45 (oblique chirality
dipped from 94 to 66 % before it rose again); oversampling them there (each of their puzzles drawn
`weight` times as often) keeps them higher, at some cost to the other riddles.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import derive_seed

FOCUS_ORDER_KEY = 2  # keeps the focus-phase stream apart from the epoch orders (data.EPOCH_ORDER_KEY)


@dataclass(frozen=True)
class FocusPhase:
    """Train on the puzzles of `riddles` (ids) for `puzzles` training puzzles."""

    riddles: tuple[int, ...]
    puzzles: int

    def __post_init__(self) -> None:
        if not self.riddles:
            raise ValueError("a focus phase needs at least one riddle")
        if self.puzzles < 1:
            raise ValueError(f"a focus phase needs at least one puzzle, got {self.puzzles}")

    def steps(self, batch_size: int) -> int:
        """Optimizer steps of the phase (the last batch may be smaller)."""
        return -(-self.puzzles // batch_size)


def phases_from_config(focus: list) -> list[FocusPhase]:
    """FocusPhases from TrainConfig.focus (dicts with riddles and puzzles, as stored in config.json)."""
    return [FocusPhase(tuple(int(r) for r in p["riddles"]), int(p["puzzles"])) for p in focus]


def check_phases(riddle: torch.Tensor, phases: list[FocusPhase]) -> None:
    """ValueError unless every phase has puzzles in the training set (whose riddle ids are `riddle`)."""
    present = set(riddle.unique().tolist())
    for number, phase in enumerate(phases, 1):
        if not present.intersection(phase.riddles):
            raise ValueError(
                f"focus phase {number}: the training set holds no puzzles of riddles {list(phase.riddles)}"
            )


def phase_order(riddle: torch.Tensor, phase: FocusPhase, seed: int, index: int) -> torch.Tensor:
    """The training-set indices phase number `index` draws, in order (length `phase.puzzles`):
    shuffled passes over the puzzles of its riddles, as many as it takes."""
    pool = torch.nonzero(torch.isin(riddle, torch.tensor(phase.riddles, dtype=riddle.dtype))).flatten()
    if len(pool) == 0:
        raise ValueError(f"the training set holds no puzzles of riddles {list(phase.riddles)}")
    gen = torch.Generator().manual_seed(derive_seed(seed, FOCUS_ORDER_KEY, index))
    passes = -(-phase.puzzles // len(pool))
    order = torch.cat([pool[torch.randperm(len(pool), generator=gen)] for _ in range(passes)])
    return order[: phase.puzzles]


def puzzle_repeats(riddle: torch.Tensor, oversample: list) -> torch.Tensor | None:
    """How often each training puzzle enters an epoch's shuffle (data.epoch_order), from
    TrainConfig.oversample ([{"riddles": [ids], "weight": w}, ...]; a later entry wins for a riddle
    named twice); None when nothing is oversampled."""
    check_oversample(oversample)
    if not oversample:
        return None
    repeats = torch.ones(len(riddle), dtype=torch.long)
    for entry in oversample:
        repeats[torch.isin(riddle, torch.tensor(entry["riddles"], dtype=riddle.dtype))] = int(entry["weight"])
    return repeats


def check_oversample(oversample: list) -> None:
    """ValueError unless every TrainConfig.oversample entry names riddles and a weight >= 1."""
    for entry in oversample:
        if not entry["riddles"] or int(entry["weight"]) < 1:
            raise ValueError(f"oversampling needs riddles and a weight >= 1, got {entry}")
