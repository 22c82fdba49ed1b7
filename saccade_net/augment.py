"""Training-time augmentation that keeps the odd panel odd.

Two symmetries of the oddity task, applied per puzzle:
- **panel order**: the six panels are shuffled and the label follows the odd one (the answer cannot
  depend on where a panel sits);
- **a joint dihedral transform**: one of the 8 symmetries of the square (flips, quarter turns), the
  same for all six panels of a puzzle. Every riddle is a Euclidean concept (parallelism, symmetry,
  chirality, distance, ...), so a congruence applied to all panels alike keeps the five normal panels
  alike and the odd one odd: a vertical mirror axis becomes a horizontal one in all six panels, a
  chiral figure's five copies stay five copies of one hand.

Modes (`MODES`): "none"; "order", the panel shuffle alone — the stored puzzles already put the odd
panel in a uniformly random slot and draw every panel independently, so a shuffle keeps the training
distribution exactly and only multiplies the data; "full", the shuffle and the dihedral transform — a
stronger regulariser against over-fitting, but it also makes the task harder to learn (each riddle in
8 poses), which slowed early learning in our runs (docs/tuning.md).

Both draw from torch's global generator (saved in checkpoints), so a resumed run draws the same.
"""

from __future__ import annotations

import torch


def draw(b: int, n_panels: int = 6) -> tuple[torch.Tensor, torch.Tensor]:
    """The random draws of `augment` for a batch of b puzzles: a panel order (B, 6) and three coins
    (B, 3). Drawn apart from applying them so that data-parallel ranks can each draw for the whole
    global batch (keeping the generator in step with a single process) and apply their slice."""
    coins = torch.rand(b, 3) < 0.5  # drawn first, as they always were: the same seed gives the same draws
    order = torch.rand(b, n_panels).argsort(dim=1)  # new slot j shows old panel order[:, j]
    return order, coins


def permute_panels(x: torch.Tensor, y: torch.Tensor, order: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Put the panels of each puzzle of x (B, 6, H, W) in `order`; return them and the odd panel's new slot."""
    b = x.shape[0]
    order = order.to(x.device)
    x = x[torch.arange(b, device=x.device)[:, None], order]
    return x, (order == y[:, None]).int().argmax(dim=1)


def dihedral(x: torch.Tensor, coins: torch.Tensor) -> torch.Tensor:
    """One symmetry of the square per puzzle of x (B, 6, H, H), shared by its six panels: a horizontal
    flip, a vertical flip and a transpose where `coins` (B, 3) say so (8 equally likely when fair)."""
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"dihedral augmentation needs square panels, got {tuple(x.shape[-2:])}")
    coins = coins.to(x.device)[:, :, None, None, None]
    x = torch.where(coins[:, 0], x.flip(-1), x)
    x = torch.where(coins[:, 1], x.flip(-2), x)
    return torch.where(coins[:, 2], x.transpose(-1, -2), x)


MODES = ("none", "order", "full")


def augment(
    x: torch.Tensor, y: torch.Tensor, draws: tuple[torch.Tensor, torch.Tensor] | None = None, mode: str = "full"
) -> tuple[torch.Tensor, torch.Tensor]:
    """The augmentation of `mode` (see the module doc): with "full" a dihedral transform per puzzle,
    then a new panel order; with "order" the new order alone; from `draws` (see `draw`) or fresh ones
    (drawn alike in every mode, so the random streams do not depend on it)."""
    if mode not in MODES:
        raise ValueError(f"augmentation must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "none":
        return x, y
    order, coins = draws if draws is not None else draw(x.shape[0], x.shape[1])
    return permute_panels(dihedral(x, coins) if mode == "full" else x, y, order)
