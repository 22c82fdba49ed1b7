"""CNN+MLP: the non-relational control of the relation-network papers.

The same panel CNN as OReN embeds the six panels; the embeddings are concatenated in panel order and
one MLP maps them to six scores. Nothing in the architecture says that panels are to be compared with
each other, so whatever comparison it does must be learnt by the MLP.
"""

from __future__ import annotations

import torch
from torch import nn

from .panel_encoder import N_PANELS, PanelEncoder, check_panels, count_parameters, mlp


class CNNMLP(nn.Module):
    """Panels (B, 6, H, W) → scores (B, 6) through concatenated panel embeddings and an MLP.

    Keyword arguments (JSON-able, kept in `self.config`): the encoder's `panel_size`, `downsample`,
    `channels`, `kernel_size`, `embed_dim`, `channels_last`; the MLP's `mlp_hidden` and `mlp_layers`
    (linear layers, the last one to the six scores) and `dropout`.
    """

    def __init__(
        self,
        panel_size: int = 100,
        downsample: int = 2,
        channels: list[int] | tuple[int, ...] = (16, 32, 32, 32),
        kernel_size: int = 3,
        embed_dim: int = 256,
        mlp_hidden: int = 512,
        mlp_layers: int = 3,
        dropout: float = 0.0,
        channels_last: bool = True,
    ) -> None:
        super().__init__()
        if mlp_layers < 1:
            raise ValueError("the MLP needs at least one layer")
        self.config = {
            "panel_size": panel_size,
            "downsample": downsample,
            "channels": list(channels),
            "kernel_size": kernel_size,
            "embed_dim": embed_dim,
            "mlp_hidden": mlp_hidden,
            "mlp_layers": mlp_layers,
            "dropout": dropout,
            "channels_last": channels_last,
        }
        self.encoder = PanelEncoder(panel_size, downsample, channels, kernel_size, embed_dim, channels_last)
        sizes = [N_PANELS * embed_dim] + [mlp_hidden] * (mlp_layers - 1) + [N_PANELS]
        self.head = mlp(sizes, dropout=dropout, last_relu=False)

    def forward(self, panels: torch.Tensor) -> torch.Tensor:
        """Panels (B, 6, H, W), ink high → unnormalised scores (B, 6)."""
        check_panels(panels, self.config["panel_size"])
        b, p, h, w = panels.shape
        emb = self.encoder(panels.reshape(b * p, h, w)).view(b, -1)
        return self.head(emb)

    def parameter_counts(self) -> dict[str, int]:
        """Trainable parameters of the encoder, the MLP head (the core) and the total."""
        enc, core = count_parameters(self.encoder), count_parameters(self.head)
        return {"encoder": enc, "core": core, "total": enc + core}
