"""The six panels on one canvas, as on the original test sheets: two rows of three, with gaps.

Coordinates are continuous canvas pixels, x to the right and y down; pixel (row i, column j) covers
[j, j+1) × [i, i+1), so its centre is (j + 0.5, i + 0.5). Panel k (k = 3·row + column) has its top-left
corner at `origin(k)` and its centre `panel_size / 2` further; the eye lives in the same coordinates.
The network receives eye positions in "unit" coordinates: centred on the canvas and divided by half the
canvas width (both axes the same scale, so distances keep their proportions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

N_PANELS = 6
ROWS, COLS = 2, 3


@dataclass(frozen=True)
class Canvas:
    """Layout of six `panel_size` panels with `gap` pixels between them and `margin` around them.

    Defaults: gap = panel_size // 4, margin = gap // 2 (100-pixel panels: a 375 × 250 canvas).
    The paper outside the panels is 0 (blank: inputs are ink-high, paper-low).
    """

    panel_size: int = 100
    gap: int = -1
    margin: int = -1

    def __post_init__(self) -> None:
        if self.panel_size < 1:
            raise ValueError(f"panel_size must be positive, got {self.panel_size}")
        if self.gap < 0:
            object.__setattr__(self, "gap", self.panel_size // 4)
        if self.margin < 0:
            object.__setattr__(self, "margin", self.gap // 2)

    @property
    def spacing(self) -> int:
        """Distance between the centres of horizontally or vertically adjacent panels (pixels)."""
        return self.panel_size + self.gap

    @property
    def width(self) -> int:
        return COLS * self.panel_size + (COLS - 1) * self.gap + 2 * self.margin

    @property
    def height(self) -> int:
        return ROWS * self.panel_size + (ROWS - 1) * self.gap + 2 * self.margin

    @property
    def centre(self) -> np.ndarray:
        """The canvas centre (x, y): where the eye starts, as on a fixation cross."""
        return np.array([self.width / 2, self.height / 2])

    def origin(self, k: int) -> tuple[int, int]:
        """Top-left corner (x, y) of panel k."""
        row, col = divmod(k, COLS)
        return self.margin + col * self.spacing, self.margin + row * self.spacing

    def centres(self) -> np.ndarray:
        """(6, 2) float: the centre (x, y) of each panel."""
        return np.array([self.origin(k) for k in range(N_PANELS)], dtype=np.float64) + self.panel_size / 2

    def panel_at(self, xy: np.ndarray) -> np.ndarray:
        """Index of the panel containing each point of `xy` (..., 2), or -1 for the gaps and margins."""
        xy = np.asarray(xy, dtype=np.float64)
        u = (xy - self.margin) / self.spacing
        col, row = np.floor(u[..., 0]).astype(int), np.floor(u[..., 1]).astype(int)
        inside = (
            (u[..., 0] - col) * self.spacing < self.panel_size
        ) & ((u[..., 1] - row) * self.spacing < self.panel_size)
        inside &= (col >= 0) & (col < COLS) & (row >= 0) & (row < ROWS)
        return np.where(inside, row * COLS + col, -1)

    def compose(self, panels: torch.Tensor, pad_to: int = 1) -> torch.Tensor:
        """(B, 6, P, P) panels → (B, 1, height, width) canvas (one copy per panel, all samples at once).
        With `pad_to` > 1 the canvas gets extra blank rows and columns at the bottom and right, up to
        multiples of `pad_to` (for exact pooling); coordinates are unchanged."""
        b, n, h, w = panels.shape
        p = self.panel_size
        if n != N_PANELS or h != p or w != p:
            raise ValueError(f"expected panels of shape (B, {N_PANELS}, {p}, {p}), got {tuple(panels.shape)}")
        height, width = -(-self.height // pad_to) * pad_to, -(-self.width // pad_to) * pad_to
        canvas = panels.new_zeros(b, 1, height, width)
        for k in range(N_PANELS):
            x0, y0 = self.origin(k)
            canvas[:, 0, y0 : y0 + p, x0 : x0 + p] = panels[:, k]
        return canvas

    def to_unit(self, xy: torch.Tensor) -> torch.Tensor:
        """Canvas pixels → the network's eye coordinates: (xy − centre) / (width / 2)."""
        centre = torch.as_tensor(self.centre, dtype=xy.dtype, device=xy.device)
        return (xy - centre) / (self.width / 2)
