"""OReN, the Oddity Relation Network: a relation network (Santoro et al. 2017; WReN, Barrett et al.
2018) adapted to the oddity task.

Each panel is embedded by the shared `PanelEncoder` and tagged with its one-hot position; these six
"objects" go to the `RelationCore`, which scores each candidate panel k by comparing it with every
other panel: s_k = f( Σ_{j≠k} g(o_k, o_j) ). The argmax over the six scores is the answer.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .panel_encoder import N_PANELS, PanelEncoder, check_panels, count_parameters, mlp


class RelationCore(nn.Module):
    """Scores (B, P) from objects (B, P, D): s_k = f(Σ_{j≠k} g(o_k, o_j)).

    g is an MLP on the concatenated pair [o_k; o_j] with `g_layers` layers of width `g_hidden`; f is an
    MLP with `f_layers` layers of width `f_hidden` ending in one unit. Fully vectorised: the first
    layer of g is split into the halves that see o_k and o_j, each applied once per object, and the
    P·(P−1) ordered pairs are formed by broadcasting and one gather, never by a Python loop.

    With `relation=False` (the "each panel alone" ablation) g sees the pair (o_k, o_k) only: the same
    weights and parameter count, but the score of panel k no longer depends on any other panel.
    `alone_scale` (an attribute, not a weight) multiplies that single term; setting it to P − 1 on a
    network trained with relations keeps the input of f at its trained scale: (P−1)·g(o_k, o_k).
    """

    def __init__(
        self,
        object_dim: int,
        g_hidden: int = 256,
        g_layers: int = 3,
        f_hidden: int = 256,
        f_layers: int = 2,
        dropout: float = 0.0,
        relation: bool = True,
        n_objects: int = N_PANELS,
    ) -> None:
        super().__init__()
        if g_layers < 1 or f_layers < 1:
            raise ValueError("g and f need at least one layer each")
        self.object_dim = object_dim
        self.relation = relation
        self.alone_scale = 1.0
        self.g_first = nn.Linear(2 * object_dim, g_hidden)
        self.g_rest = mlp([g_hidden] * g_layers)
        self.f = mlp([g_hidden] + [f_hidden] * (f_layers - 1) + [1], dropout=dropout, last_relu=False)
        # others[k] = the indices j ≠ k, in increasing order
        others = torch.tensor([[j for j in range(n_objects) if j != k] for k in range(n_objects)])
        self.register_buffer("others", others, persistent=False)

    def pair_features(self, objects: torch.Tensor) -> torch.Tensor:
        """g over every ordered pair (k, j≠k): (B, P, D) → (B, P, P−1, g_hidden); (B, P, 1, g_hidden)
        with relation=False, where the only pair of k is (k, k)."""
        d = self.object_dim
        w, b = self.g_first.weight, self.g_first.bias
        as_k = F.linear(objects, w[:, :d], b)  # the part of g's first layer that sees o_k
        as_j = F.linear(objects, w[:, d:])  # ... and the part that sees o_j
        if self.relation:
            pre = as_k.unsqueeze(2) + as_j[:, self.others]  # (B, P, P-1, H)
        else:
            pre = (as_k + as_j).unsqueeze(2)  # (B, P, 1, H)
        return self.g_rest(F.relu(pre))

    def forward(self, objects: torch.Tensor) -> torch.Tensor:
        """Objects (B, P, D) → scores (B, P)."""
        pooled = self.pair_features(objects).sum(2)
        if not self.relation and self.alone_scale != 1.0:
            pooled = pooled * self.alone_scale
        return self.f(pooled).squeeze(-1)


class OReN(nn.Module):
    """The Oddity Relation Network: panels (B, 6, H, W) → scores (B, 6).

    Keyword arguments (all JSON-able, kept in `self.config`): the encoder's `panel_size`,
    `downsample`, `channels`, `kernel_size`, `embed_dim`, `channels_last`; the relation core's
    `g_hidden`, `g_layers`, `f_hidden`, `f_layers`, `dropout`; and `relation` (False: the "each panel
    alone" ablation, see `RelationCore`).
    """

    def __init__(
        self,
        panel_size: int = 100,
        downsample: int = 2,
        channels: list[int] | tuple[int, ...] = (16, 32, 32, 32),
        kernel_size: int = 3,
        embed_dim: int = 256,
        g_hidden: int = 256,
        g_layers: int = 3,
        f_hidden: int = 256,
        f_layers: int = 2,
        dropout: float = 0.0,
        relation: bool = True,
        channels_last: bool = True,
    ) -> None:
        super().__init__()
        self.config = {
            "panel_size": panel_size,
            "downsample": downsample,
            "channels": list(channels),
            "kernel_size": kernel_size,
            "embed_dim": embed_dim,
            "g_hidden": g_hidden,
            "g_layers": g_layers,
            "f_hidden": f_hidden,
            "f_layers": f_layers,
            "dropout": dropout,
            "relation": relation,
            "channels_last": channels_last,
        }
        self.encoder = PanelEncoder(panel_size, downsample, channels, kernel_size, embed_dim, channels_last)
        self.core = RelationCore(embed_dim + N_PANELS, g_hidden, g_layers, f_hidden, f_layers, dropout, relation)
        self.register_buffer("tags", torch.eye(N_PANELS), persistent=False)

    def objects(self, panels: torch.Tensor) -> torch.Tensor:
        """The six tagged panel embeddings (B, 6, embed_dim + 6) that the relation core compares."""
        check_panels(panels, self.config["panel_size"])
        b, p, h, w = panels.shape
        emb = self.encoder(panels.reshape(b * p, h, w)).view(b, p, -1)
        return torch.cat([emb, self.tags.expand(b, p, p)], dim=2)

    def forward(self, panels: torch.Tensor) -> torch.Tensor:
        """Panels (B, 6, H, W), ink high → unnormalised scores (B, 6)."""
        return self.core(self.objects(panels))

    def parameter_counts(self) -> dict[str, int]:
        """Trainable parameters of the encoder, the relation core (g and f) and the total."""
        enc, core = count_parameters(self.encoder), count_parameters(self.core)
        return {"encoder": enc, "core": core, "total": enc + core}
