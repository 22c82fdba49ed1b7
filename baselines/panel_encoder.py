"""The shared CNN that embeds one panel, and the small helpers every baseline uses.

Every model in this package sees a puzzle as `panels`, a float tensor (B, 6, H, W) in [0, 1] with ink
high and paper low. The encoder embeds each panel on its own (the six panels share its weights), so a
model built on it can only compare panels through what comes after it.

For speed on CPU the encoder first average-pools the panel by `downsample` (100×100 → 50×50 by
default), then applies stride-2 convolutions; the last feature map is flattened (not pooled), so the
embedding keeps where things are in the panel, which many riddles need (centres, midpoints, distances).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

N_PANELS = 6


def count_parameters(module: nn.Module) -> int:
    """The number of trainable scalars in `module`."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def mlp(sizes: list[int], dropout: float = 0.0, last_relu: bool = True) -> nn.Sequential:
    """Linear layers between consecutive `sizes`, ReLU after each (but the last unless `last_relu`),
    dropout before every linear layer but the first."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        if i > 0 and dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(a, b))
        if last_relu or i < len(sizes) - 2:
            layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def check_panels(panels: torch.Tensor, panel_size: int | None = None) -> None:
    """Raise ValueError unless `panels` is (B, 6, H, W) with H = W (= `panel_size` when given)."""
    if panels.dim() != 4 or panels.shape[1] != N_PANELS or panels.shape[2] != panels.shape[3]:
        raise ValueError(f"expected panels of shape (B, {N_PANELS}, H, H), got {tuple(panels.shape)}")
    if panel_size is not None and panels.shape[2] != panel_size:
        side = panels.shape[2]
        raise ValueError(f"model was built for {panel_size}×{panel_size} panels, got {side}×{side}")


def conv_out_size(size: int, kernel_size: int, stride: int = 2) -> int:
    """Side of a square feature map after a convolution with padding kernel_size // 2."""
    return (size + 2 * (kernel_size // 2) - kernel_size) // stride + 1


class PanelEncoder(nn.Module):
    """A small CNN: (N, H, W) panels → (N, embed_dim) embeddings.

    Layers: average pooling by `downsample` (1 keeps full resolution), then one stride-2
    conv–BatchNorm–ReLU block per entry of `channels`, then flatten, a linear layer and ReLU.
    `channels_last` switches the convolutions to the NHWC memory layout (an option for speed only).
    """

    def __init__(
        self,
        panel_size: int = 100,
        downsample: int = 2,
        channels: list[int] | tuple[int, ...] = (16, 32, 32, 32),
        kernel_size: int = 3,
        embed_dim: int = 256,
        channels_last: bool = True,
    ) -> None:
        super().__init__()
        if downsample < 1 or panel_size // downsample < 4:
            raise ValueError(f"downsample {downsample} does not suit panels of {panel_size}×{panel_size}")
        if not channels:
            raise ValueError("the encoder needs at least one convolution")
        self.panel_size = panel_size
        self.downsample = downsample
        self.channels_last = channels_last
        layers: list[nn.Module] = []
        c_in, side = 1, panel_size // downsample
        for c_out in channels:
            layers += [
                nn.Conv2d(c_in, c_out, kernel_size, stride=2, padding=kernel_size // 2, bias=False),
                nn.BatchNorm2d(c_out),
                nn.ReLU(inplace=True),
            ]
            c_in, side = c_out, conv_out_size(side, kernel_size)
        self.convs = nn.Sequential(*layers)
        self.feature_shape = (c_in, side, side)
        self.project = nn.Linear(c_in * side * side, embed_dim)
        self.out_dim = embed_dim
        if channels_last:
            self.convs.to(memory_format=torch.channels_last)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed panels (N, H, W) or (N, 1, H, W) → (N, embed_dim)."""
        if x.dim() == 3:
            x = x.unsqueeze(1)
        if x.shape[-1] != self.panel_size or x.shape[-2] != self.panel_size:
            raise ValueError(f"encoder built for {self.panel_size}×{self.panel_size} panels, got {tuple(x.shape[-2:])}")
        if self.downsample > 1:
            x = F.avg_pool2d(x, self.downsample)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        h = self.convs(x)
        return F.relu(self.project(h.flatten(1)))
