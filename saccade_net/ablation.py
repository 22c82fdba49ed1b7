"""Mechanism ablations at evaluation time, on trained weights left unchanged.

Saccadic network (memory):
- `no_initial_saccades`: the scan path keeps its six evaluation fixations but loses the initial ones,
  so a panel can be compared only with the panels evaluated before it;
- `IsolatedFixations`: every evaluation fixation is scored on its own — the core starts from rest,
  sees only the saccade to that panel and the fixation on it, and the adapting input (which compares
  a glimpse with the earlier ones, see `SaccadicNet.adapt`) is cut to zero as on a first fixation.
  No memory of the other panels reaches the score of a panel; what the retina's wider blurred rings
  see of neighbouring panels during that one fixation (peripheral vision) still does.

OReN (relations):
- `oren_alone`: the relation core's g(o_k, o_j) replaced by g(o_k, o_k) for every j, i.e.
  (P−1)·g(o_k, o_k), so that the input of f keeps its trained scale.

All are context managers or wrappers usable with `saccade_net.evaluate.evaluate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

from .canvas import N_PANELS
from .scanpath import Policy


class NoInitial(Policy):
    """No initial fixations; the six evaluation fixations visit the panels in a random order."""

    name = "no-initial"

    def __init__(self) -> None:
        super().__init__(0)

    def initial(self, rng: np.random.Generator, batch: int) -> np.ndarray:
        return np.zeros((batch, 0), dtype=np.int64)


@contextmanager
def no_initial_saccades(model: nn.Module) -> Iterator[nn.Module]:
    """Within the block the saccadic `model` scans without initial saccades (its policy is put back)."""
    saved = model.policy
    model.policy = NoInitial()
    try:
        yield model
    finally:
        model.policy = saved


class IsolatedFixations(nn.Module):
    """Wraps a SaccadicNet: the score of panel k comes from a run of the core on the saccade to k and
    the evaluation fixation on k alone (the same scan path as the intact model, same landing points)."""

    def __init__(self, net: nn.Module) -> None:
        super().__init__()
        self.net = net

    def forward(self, panels: torch.Tensor, seed: int | None = None) -> torch.Tensor:
        net = self.net
        paths = net.sample_paths(panels.shape[0], seed)
        b = panels.shape[0]
        g = net.glimpses(panels, paths)
        emb = net.encoder(g.flatten(0, 1)).reshape(b, g.shape[1], -1)
        inputs = net.core_inputs(emb, paths)
        if net.config["adaptation"] != "none":  # an isolated glimpse is a first glimpse: nothing to adapt to
            d = emb.shape[-1]
            inputs[..., d : 2 * d] = 0.0
        scores = torch.zeros(b, N_PANELS, dtype=emb.dtype, device=emb.device)
        onset, flight, duration = paths.onset, paths.flight, paths.duration
        for s in range(paths.n_initial, paths.n_fixations):
            start, length = onset[:, s] - flight[:, s], flight[:, s] + duration[:, s]
            for n_steps in torch.unique(length).tolist():  # windows of one length run as one batch
                rows = torch.nonzero(length == n_steps).squeeze(1)
                steps = start[rows, None] + torch.arange(n_steps)[None, :]
                window = inputs[rows.to(emb.device)].gather(
                    1, steps.to(emb.device)[..., None].expand(-1, -1, inputs.shape[-1])
                )
                logit, _, _ = net.core(window)
                fix = duration[rows, s].to(emb.device)  # the last `duration` steps are the fixation
                t = torch.arange(n_steps, device=emb.device)[None, :]
                on_fix = (t >= n_steps - fix[:, None]).to(logit.dtype)
                panel = paths.target[rows, s].to(emb.device)
                scores[rows.to(emb.device), panel] = (logit * on_fix).sum(1) / on_fix.sum(1)
        return scores


@contextmanager
def oren_alone(model: nn.Module) -> Iterator[nn.Module]:
    """Within the block OReN's relation core scores each panel from (P−1)·g(o_k, o_k) alone."""
    core = model.core
    saved = core.relation, core.alone_scale
    core.relation, core.alone_scale = False, float(core.others.shape[1])
    try:
        yield model
    finally:
        core.relation, core.alone_scale = saved
