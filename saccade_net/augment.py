"""Training-time augmentation that keeps the odd panel odd.

Two symmetries of the oddity task, applied per puzzle:
- **panel order**: the six panels are shuffled and the label follows the odd one (the answer cannot
  depend on where a panel sits);
- **a joint dihedral transform**: one of the 8 symmetries of the square (flips, quarter turns), the
  same for all six panels of a puzzle. Every riddle is a Euclidean concept (parallelism, symmetry,
  chirality, distance, ...), so a congruence applied to all panels alike keeps the five normal panels
  alike and the odd one odd: a vertical mirror axis becomes a horizontal one in all six panels, a
  chiral figure's five copies stay five copies of one hand.

Both draw from torch's global generator (saved in checkpoints), so a resumed run draws the same.
"""

from __future__ import annotations

import torch


def permute_panels(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Shuffle the panels of each puzzle of x (B, 6, H, W); return them and the odd panel's new slot."""
    b, n = x.shape[:2]
    order = torch.rand(b, n).argsort(dim=1).to(x.device)  # new slot j shows old panel order[:, j]
    x = x[torch.arange(b, device=x.device)[:, None], order]
    return x, (order == y[:, None]).int().argmax(dim=1)


def dihedral(x: torch.Tensor) -> torch.Tensor:
    """One random symmetry of the square per puzzle of x (B, 6, H, H), shared by its six panels: a
    horizontal flip, a vertical flip and a transpose, each with probability ½ (8 equally likely)."""
    b = x.shape[0]
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"dihedral augmentation needs square panels, got {tuple(x.shape[-2:])}")
    coins = (torch.rand(b, 3) < 0.5).to(x.device)[:, :, None, None, None]
    x = torch.where(coins[:, 0], x.flip(-1), x)
    x = torch.where(coins[:, 1], x.flip(-2), x)
    return torch.where(coins[:, 2], x.transpose(-1, -2), x)


def augment(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Both augmentations: a dihedral transform per puzzle, then a new panel order."""
    return permute_panels(dihedral(x), y)
