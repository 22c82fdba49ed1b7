"""The pixel-statistics baseline: no learning, the floor every trained model must clear.

Each panel is summarised by a few low-level statistics; each statistic scores every panel by a robust
z-score, how far the panel lies from the median of the six in units of the median absolute deviation;
the combined score is the sum over statistics. Per statistic, the panel with the largest z-score is that
statistic's "choice", which tells per riddle how much a shortcut could explain (see riddles.md, "Known
weaknesses of the reference version").

Statistics (all in panel units, so in [0, 1] whatever the panel size):
- `ink`: the fraction of dark pixels (darker than halfway from the paper to full ink);
- `brightness`: the mean intensity of the panel;
- `light`: the fraction of pixels clearly lighter than the paper (white holes on a grey background);
- `extent`: the area of the bounding box of the dark pixels;
- `position_x`, `position_y`: the centroid of the dark pixels, each coordinate on its own (a figure
  that sits at a fixed x in five panels gives itself away by x alone, whatever its y).
An empty panel has extent 0 and its centroid at the centre.
The paper level of a panel is its 25th-percentile intensity (the shapes cover far less than 75 %).
"""

from __future__ import annotations

import torch
from torch import nn

from .panel_encoder import check_panels

STATISTICS = ("ink", "brightness", "light", "extent", "position_x", "position_y")
LIGHT_MARGIN = 0.02  # about 5 grey levels of 255


def panel_statistics(panels: torch.Tensor) -> dict[str, torch.Tensor]:
    """The statistics (B, 6) of each panel by name (see the module docstring); all in [0, 1]."""
    b, p, h, w = panels.shape
    x = panels.reshape(b, p, h * w).float()
    paper = x.kthvalue(max(1, (h * w) // 4), dim=-1).values.unsqueeze(-1)  # (B, 6, 1)
    dark = (x > paper + 0.5 * (1 - paper)).view(b, p, h, w)
    light = x < paper - LIGHT_MARGIN
    n_dark = dark.sum((2, 3))
    has_ink = n_dark > 0

    rows, cols = dark.any(3), dark.any(2)  # (B, 6, H), (B, 6, W)
    height = h - rows.int().argmax(2) - rows.flip(2).int().argmax(2)
    width = w - cols.int().argmax(2) - cols.flip(2).int().argmax(2)
    extent = torch.where(has_ink, (height * width).float() / (h * w), torch.zeros((), device=x.device))

    ys = (torch.arange(h, dtype=torch.float32, device=x.device) + 0.5) / h
    xs = (torch.arange(w, dtype=torch.float32, device=x.device) + 0.5) / w
    mass = n_dark.clamp(min=1).float()
    cy = (dark.sum(3).float() * ys).sum(2) / mass
    cx = (dark.sum(2).float() * xs).sum(2) / mass
    centre = torch.full_like(cx, 0.5)

    return {
        "ink": n_dark.float() / (h * w),
        "brightness": x.mean(-1),
        "light": light.float().mean(-1),
        "extent": extent,
        "position_x": torch.where(has_ink, cx, centre),
        "position_y": torch.where(has_ink, cy, centre),
    }


def robust_z(values: torch.Tensor, eps: float) -> torch.Tensor:
    """|v − median| / (median absolute deviation + eps) across the panels (dimension 1) of (B, 6)."""
    dev = (values - values.quantile(0.5, dim=1, keepdim=True)).abs()
    return dev / (dev.quantile(0.5, dim=1, keepdim=True) + eps)


class PixelStatistics(nn.Module):
    """Scores (B, 6) = Σ over `statistics` of each panel's robust z-score; zero parameters.

    An `nn.Module` so that the evaluation code for trained models works on it unchanged.
    `eps` (in statistic units, i.e. fractions of the panel) keeps a z-score finite when the five normal
    panels agree exactly.
    """

    def __init__(self, statistics: list[str] | tuple[str, ...] = STATISTICS, eps: float = 1e-3) -> None:
        super().__init__()
        unknown = [s for s in statistics if s not in STATISTICS]
        if unknown or not statistics:
            raise ValueError(f"unknown statistics {unknown}; choose from {list(STATISTICS)}")
        self.config = {"statistics": list(statistics), "eps": eps}

    def deviations(self, panels: torch.Tensor) -> dict[str, torch.Tensor]:
        """The robust z-score (B, 6) of every panel for each statistic in the config."""
        check_panels(panels)
        stats = panel_statistics(panels)
        return {name: robust_z(stats[name], self.config["eps"]) for name in self.config["statistics"]}

    def choices(self, panels: torch.Tensor) -> dict[str, torch.Tensor]:
        """For each statistic, the panel (B,) it picks as odd: the one farthest from the others."""
        return {name: z.argmax(1) for name, z in self.deviations(panels).items()}

    def forward(self, panels: torch.Tensor) -> torch.Tensor:
        """Panels (B, 6, H, W), ink high → scores (B, 6): the z-scores summed over statistics."""
        return torch.stack(list(self.deviations(panels).values())).sum(0)

    def parameter_counts(self) -> dict[str, int]:
        """All zero: nothing is learnt."""
        return {"encoder": 0, "core": 0, "total": 0}
