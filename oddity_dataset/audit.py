"""The shortcut audit: can a single low-level pixel statistic pick the odd panel?

For each puzzle and statistic, the guess is the panel whose statistic lies farthest from the
median of the six (the rule of riddles.md); a riddle passes when no statistic guesses right in more
than `BOUND` of its puzzles (chance is 1/6). Only `color` is exempt: ink is its concept.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

STATISTICS = ("dark_pixels", "bright_pixels", "mean_intensity", "bbox_area", "centroid")
BOUND = 0.30
EXEMPT = frozenset({"color"})


def panel_statistics(panels: np.ndarray) -> dict[str, np.ndarray]:
    """Statistics of the six panels of one puzzle, (6, H, W) uint8 → {name: (6,) or (6, 2)}.

    The background of each panel is its most common grey; a pixel is dark when it lies below the
    midpoint between that background and the darkest pixel of the puzzle.
    """
    n, h, w = panels.shape
    flat = panels.reshape(n, -1)
    paper = np.array([np.bincount(p, minlength=256).argmax() for p in flat])
    ink = int(flat.min())
    dark = flat < ((paper + ink) / 2.0)[:, None]
    counts = dark.sum(1)
    ys, xs = np.divmod(np.arange(h * w), w)
    safe = np.maximum(counts, 1)
    cx = (dark * xs).sum(1) / safe
    cy = (dark * ys).sum(1) / safe
    area = np.zeros(n)
    for k in range(n):
        if counts[k]:
            rows = np.flatnonzero(dark[k].reshape(h, w).any(1))
            cols = np.flatnonzero(dark[k].reshape(h, w).any(0))
            area[k] = (rows[-1] - rows[0] + 1) * (cols[-1] - cols[0] + 1)
    return {
        "dark_pixels": counts.astype(float),
        "bright_pixels": (flat > paper[:, None]).sum(1).astype(float),
        "mean_intensity": flat.mean(1),
        "bbox_area": area,
        "centroid": np.stack([cx, cy], 1),
    }


def farthest_from_median(values: np.ndarray) -> int:
    """The panel whose value (scalar or vector) lies farthest from the six panels' median."""
    values = values.reshape(len(values), -1)
    return int(np.linalg.norm(values - np.median(values, 0), axis=1).argmax())


def shortcut_accuracy(puzzles: Iterable[tuple[np.ndarray, int]]) -> dict[str, float]:
    """Fraction of (panels, odd) puzzles on which each statistic picks the odd panel."""
    hits = dict.fromkeys(STATISTICS, 0)
    total = 0
    for panels, odd in puzzles:
        stats = panel_statistics(panels)
        for name in STATISTICS:
            hits[name] += farthest_from_median(stats[name]) == odd
        total += 1
    if total == 0:
        raise ValueError("no puzzles to audit")
    return {name: hits[name] / total for name in STATISTICS}


def audit_riddle(riddle, n: int = 1000, seed: int = 0, size: int = 100, split: str = "train") -> dict[str, float]:
    """Shortcut accuracies on `n` freshly generated puzzles of one riddle."""
    from .generator import generate_puzzle

    return shortcut_accuracy(
        (p.panels, p.odd) for p in (generate_puzzle(riddle, seed, split, i, size) for i in range(n))
    )


def passes(riddle_name: str, accuracies: dict[str, float], bound: float = BOUND) -> bool:
    """Whether a riddle's worst statistic stays within the bound (exempt riddles always pass)."""
    return riddle_name in EXEMPT or max(accuracies.values()) <= bound
