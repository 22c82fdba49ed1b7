"""Training-time augmentation that keeps the odd panel odd.

Symmetries of the oddity task, applied per puzzle:
- **panel order**: the six panels are shuffled and the label follows the odd one (the answer cannot
  depend on where a panel sits);
- **a joint dihedral transform**: one of the 8 symmetries of the square (flips, quarter turns), the
  same for all six panels of a puzzle. Every riddle is a Euclidean concept (parallelism, symmetry,
  chirality, distance, ...), so a congruence applied to all panels alike keeps the five normal panels
  alike and the odd one odd: a vertical mirror axis becomes a horizontal one in all six panels, a
  chiral figure's five copies stay five copies of one hand;
- **or a dihedral transform per panel**: each panel its own symmetry of the square. Nearly every riddle's
  concept is a property of each panel alone that congruences keep (a trapezoid stays a trapezoid, a
  symmetric figure symmetric, a shape and its rotated copy a rotated pair, a shared distance or scale
  factor shared); an axis-aligned rectangle stays axis-aligned and a rotated one rotated. Only
  handedness is not kept by a mirror image, so the panels of the chiral riddles are only turned
  (the quarter turns), never mirrored (`HANDED_FAMILIES`).

Modes (`MODES`): "none"; "order", the panel shuffle alone — the stored puzzles already put the odd
panel in a uniformly random slot and draw every panel independently, so a shuffle keeps the training
distribution exactly and only multiplies the data; "full", the shuffle and the dihedral transform — a
stronger regulariser against over-fitting, but it also makes the task harder to learn (each riddle in
8 poses), which slowed early learning in our runs (docs/tuning.md); "panels", the shuffle and a
transform per panel — far more distinct training puzzles (8^6 poses of each), against the memorising
of the hard riddles' few training puzzles in long runs (docs/tuning.md, session 10).

Both draw from torch's global generator (saved in checkpoints), so a resumed run draws the same.
"""

from __future__ import annotations

import torch

HANDED_FAMILIES = ("chiral",)  # riddle families whose answer is a mirror image: never mirror their panels


def draw(b: int, n_panels: int = 6, mode: str = "full") -> tuple[torch.Tensor, torch.Tensor]:
    """The random draws of `augment` for a batch of b puzzles: a panel order (B, 6) and three coins,
    (B, 3) for one transform per puzzle or (B, 6, 3) for one per panel (mode "panels"). Drawn apart
    from applying them so that data-parallel ranks can each draw for the whole global batch (keeping
    the generator in step with a single process) and apply their slice."""
    # drawn first, as they always were: the same seed gives the same draws in every other mode
    coins = torch.rand(b, n_panels, 3) < 0.5 if mode == "panels" else torch.rand(b, 3) < 0.5
    order = torch.rand(b, n_panels).argsort(dim=1)  # new slot j shows old panel order[:, j]
    return order, coins


def permute_panels(x: torch.Tensor, y: torch.Tensor, order: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Put the panels of each puzzle of x (B, 6, H, W) in `order`; return them and the odd panel's new slot."""
    b = x.shape[0]
    order = order.to(x.device)
    x = x[torch.arange(b, device=x.device)[:, None], order]
    return x, (order == y[:, None]).int().argmax(dim=1)


def dihedral(x: torch.Tensor, coins: torch.Tensor) -> torch.Tensor:
    """A symmetry of the square for the panels of x (B, 6, H, H): a horizontal flip, a vertical flip
    and a transpose where `coins` say so (8 equally likely when fair); coins (B, 3) give each puzzle
    one transform shared by its six panels, coins (B, 6, 3) each panel its own."""
    if x.shape[-1] != x.shape[-2]:
        raise ValueError(f"dihedral augmentation needs square panels, got {tuple(x.shape[-2:])}")
    coins = coins.to(x.device).view(x.shape[0], -1, 3)[..., None, None]  # (B, 1 or 6, 3, 1, 1)
    x = torch.where(coins[:, :, 0], x.flip(-1), x)
    x = torch.where(coins[:, :, 1], x.flip(-2), x)
    return torch.where(coins[:, :, 2], x.transpose(-1, -2), x)


def turns_only(coins: torch.Tensor, handed: torch.Tensor) -> torch.Tensor:
    """`coins` (B, ..., 3) with the transforms of the puzzles where `handed` (B,) is true made proper
    (quarter turns, no mirror image): a flip-flip-transpose composite mirrors when it holds an odd
    number of its three reflections, so the transpose is set to make their number even."""
    handed = handed.to(coins.device).view(-1, *([1] * (coins.dim() - 2)))
    even = coins[..., 0] ^ coins[..., 1]
    return torch.cat([coins[..., :2], torch.where(handed, even, coins[..., 2])[..., None]], dim=-1)


def handed_riddles() -> list[int]:
    """Ids of the catalog's riddles in `HANDED_FAMILIES`."""
    from oddity_dataset.catalog import all_riddles

    return [r.id for r in all_riddles() if r.family in HANDED_FAMILIES]


MODES = ("none", "order", "full", "panels")


def augment(
    x: torch.Tensor,
    y: torch.Tensor,
    draws: tuple[torch.Tensor, torch.Tensor] | None = None,
    mode: str = "full",
    handed: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The augmentation of `mode` (see the module doc): with "full" a dihedral transform per puzzle,
    with "panels" one per panel (only turns for the puzzles where `handed` (B,) is true), then a new
    panel order; with "order" the new order alone; from `draws` (see `draw`) or fresh ones (drawn
    alike in "none", "order" and "full", so their random streams do not depend on the mode)."""
    if mode not in MODES:
        raise ValueError(f"augmentation must be one of {', '.join(MODES)}, got {mode!r}")
    if mode == "none":
        return x, y
    order, coins = draws if draws is not None else draw(x.shape[0], x.shape[1], mode)
    if mode == "panels" and handed is not None:
        coins = turns_only(coins, handed)
    if mode in ("full", "panels"):
        x = dihedral(x, coins)
    return permute_panels(x, y, order)
