"""A learned comparison of each glimpse with the glimpses remembered from earlier fixations.

The fixed adaptations of `SaccadicNet.adapt` compare a glimpse's embedding with the earlier ones
feature by feature (its deviation from their mean, or that divided by their spread), so the encoder
alone must make "this panel is odd" a difference in single features. Here a small comparison
population sees the current glimpse together with one remembered glimpse at a time — a conjunctive
layer, as in a working-memory match — and its responses are averaged over the remembered glimpses:

    r_t = 1/t · Σ_{j<t} φ(e_t, e_j),   r_0 = 0,

where φ is a two-layer ReLU network. It is the relation g of OReN (`baselines.oren.RelationCore`)
turned causal: a fixation is compared only with what the eye has already seen. Like the fixed
adaptations it is computed before the spiking core and is part of the core's input, so the Brian2
replay receives it like the rest.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class GlimpseComparison(nn.Module):
    """(B, S, D) glimpse embeddings in fixation order → (B, S, out_dim) mean comparison with the earlier ones.

    The first layer of φ is split into the halves that see e_t (`now`) and e_j (`before`), each applied
    once per glimpse; the S × S pairs are formed by broadcasting, and a strictly lower-triangular mask
    keeps j < t.
    """

    def __init__(self, embed_dim: int, hidden: int = 256, out_dim: int | None = None) -> None:
        super().__init__()
        self.now = nn.Linear(embed_dim, hidden)
        self.before = nn.Linear(embed_dim, hidden, bias=False)
        self.second = nn.Linear(hidden, out_dim or embed_dim)

    def forward(self, embeddings: torch.Tensor) -> torch.Tensor:
        now, before = self.now(embeddings), self.before(embeddings)  # (B, S, H) each
        pairs = F.relu(self.second(F.relu(now[:, :, None] + before[:, None, :])))  # (B, S_t, S_j, out)
        s = embeddings.shape[1]
        earlier = torch.ones(s, s, device=embeddings.device, dtype=embeddings.dtype).tril(-1)  # j < t
        count = earlier.sum(1).clamp(min=1.0)
        return torch.einsum("tj,btjo->bto", earlier, pairs) / count[None, :, None]
