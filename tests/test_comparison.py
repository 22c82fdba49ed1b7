"""GlimpseComparison: a causal mean of a learned pairwise comparison, as the saccadic network's input."""

import torch
import torch.nn.functional as F

from saccade_net.comparison import GlimpseComparison
from saccade_net.network import SaccadicNet


def test_each_fixation_is_compared_with_the_earlier_ones_only():
    torch.manual_seed(0)
    compare = GlimpseComparison(embed_dim=5, hidden=7, out_dim=3)
    emb = torch.randn(2, 4, 5)
    out = compare(emb)
    assert out.shape == (2, 4, 3)
    w = torch.cat([compare.now.weight, compare.before.weight], 1)  # φ's first layer on [e_t; e_j]

    def phi(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return F.relu(compare.second(F.relu(F.linear(torch.cat([a, b], -1), w, compare.now.bias))))

    for t in range(4):
        expected = torch.zeros(2, 3) if t == 0 else torch.stack([phi(emb[:, t], emb[:, j]) for j in range(t)]).mean(0)
        torch.testing.assert_close(out[:, t], expected)
    later = emb.clone()
    later[:, 2:] += 1.0  # what comes later changes nothing before it
    torch.testing.assert_close(compare(later)[:, :2], out[:, :2])


def test_saccadic_net_with_the_learned_comparison():
    tiny = {"glimpse_size": 16, "ring_fields": [2.6], "channels": [8, 16], "embed_dim": 32, "hidden": [48]}
    model = SaccadicNet(**tiny, adaptation="relation", compare_hidden=20)
    counts = model.parameter_counts()
    assert counts["comparison"] == (32 * 20 + 20) + 32 * 20 + (20 * 32 + 32)
    assert counts["total"] == sum(p.numel() for p in model.parameters())
    assert model.layers[0].in_features == 2 * 32 + 2  # embedding, comparison, eye position
    panels = (torch.rand(3, 6, 100, 100, generator=torch.Generator().manual_seed(1)) > 0.97).float()
    scores = model(panels, seed=0)
    scores.sum().backward()
    assert model.compare.before.weight.grad.abs().sum() > 0  # the comparison is trained through the core
    rec = model.eval().record(panels, seed=0)
    first = rec.paths.glimpse == 0  # steps that see the first glimpse: nothing to compare with yet
    assert (rec.inputs[..., 32:64][first] == 0).all() and (rec.inputs[..., 32:64] != 0).any()
