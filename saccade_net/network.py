"""SaccadicNet: the eye scans the six panels, a CNN encodes each glimpse, a spiking SNU core decides.

Per puzzle:
1. the panels are laid out on one canvas and a scan path is drawn (`scanpath`): S = S_I + 6 fixations
   over T discrete steps;
2. the retina takes one foveated glimpse per fixation (`retina`) and the encoder (a small CNN) turns
   each into a D-dimensional embedding — once per fixation, not once per step;
3. input adaptation (default "zscore"): each glimpse's embedding is also compared with those of the
   earlier fixations — its deviation from their mean, divided by their spread. This models an adapting
   input population (repetition suppression, divisive normalisation): it responds to what is new and
   makes "is this panel unlike the others?" a signal the spiking core can threshold, rather than one it
   must first learn to compute through its recurrent memory. It is a fixed function of the embeddings
   (no parameters) and part of the core's input, so the Brian2 replay receives it like the rest;
   "none" gives the plain design, "mean" the deviation without the division;
4. the core input at step t is x_t = [embedding of the glimpse seen at t, its adapted deviation (both 0
   in flight: saccadic suppression), eye position (2, unit coordinates)]; x (B, T, n_input) drives one
   or more recurrent SNU layers (spiking by default) and a final soft SNU readout neuron (sigmoid);
5. the score of panel k is the readout's logit (s + b, before the sigmoid) averaged over the steps of
   the evaluation fixation on k; the decision is the argmax over the six scores.

`record` returns everything per step (core inputs, spikes of each layer, the readout, the scan path,
the glimpses) for analysis and for the Brian2 replay, which reads the same inputs and weights.

Scan-path randomness: pass `seed` (or `rng`) to `forward` to fix it; otherwise training mode draws
from the model's own generator `scan_rng` (seeded by `config["seed"]`, `reseed` restarts it) and
evaluation mode uses `config["eval_seed"]` on every call, so evaluation is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .canvas import N_PANELS, Canvas
from .comparison import GlimpseComparison
from .retina import Retina
from .scanpath import SaccadeTiming, ScanPaths, make_policy, sample_scanpaths
from .snu import SNU

ADAPTATIONS = ("none", "mean", "zscore", "relation")


class GlimpseEncoder(nn.Module):
    """(N, R, size, size) glimpses → (N, embed_dim) non-negative embeddings.

    A 5×5 stride-2 convolution, then 3×3 stride-2 convolutions (batch norm, if chosen, and ReLU after
    each; batch statistics over all glimpses of a batch in training, running ones in eval), flattened (keeping
    where things are in the glimpse) into a linear layer, layer-normalised (so that the SNU core sees
    inputs of a fixed scale from the start) and rectified.
    """

    def __init__(
        self,
        in_channels: int,
        size: int,
        channels: Sequence[int] = (24, 48, 64),
        embed_dim: int = 128,
        batch_norm: bool = True,
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        c_in, side = in_channels, size
        for i, c in enumerate(channels):
            k = 5 if i == 0 else 3
            layers.append(nn.Conv2d(c_in, c, k, stride=2, padding=k // 2, bias=not batch_norm))
            if batch_norm:
                layers.append(nn.BatchNorm2d(c))
            layers.append(nn.ReLU(inplace=True))
            c_in, side = c, (side + 1) // 2
        self.conv = nn.Sequential(*layers).to(memory_format=torch.channels_last)  # faster on CPU
        self.fc = nn.Linear(c_in * side * side, embed_dim)
        self.norm = nn.LayerNorm(embed_dim)
        self.embed_dim = embed_dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(x.contiguous(memory_format=torch.channels_last))
        return torch.relu(self.norm(self.fc(h.flatten(1))))


@dataclass
class Recording:
    """What a forward pass saw and did, per step (B puzzles, T steps, S fixations).

    scores (B, 6): panel scores (logits); paths: the scan paths; glimpses (B, S, R, n, n); inputs
    (B, T, D + 2): the SNU core's input per step (embedding, eye x, eye y); spikes: per SNU layer (B, T, n_l);
    membranes: per SNU layer (B, T, n_l), s after each step; logit (B, T): readout s + b; readout (B, T):
    sigmoid(logit); eval_mask (B, 6, T): the steps that score each panel.
    """

    scores: torch.Tensor
    paths: ScanPaths
    glimpses: torch.Tensor
    inputs: torch.Tensor
    spikes: list[torch.Tensor]
    membranes: list[torch.Tensor]
    logit: torch.Tensor
    readout: torch.Tensor
    eval_mask: torch.Tensor


class SaccadicNet(nn.Module):
    """The saccadic spiking network. Constructor arguments are JSON-able and kept in `self.config`.

    Layout: panel_size, gap (-1: panel_size // 4). Retina: glimpse_size, ring_fields (panel widths of
    the rings beyond the fovea), fovea_field (0: a pixel-exact crop, else its width in panels). The
    default retina samples 40 × 40 points twice: a fovea over the fixated panel's drawing area (0.8
    panel, 2 px per sample) and one ring 2.4 panels wide (6 px per sample) that sees the neighbours
    blurred. The fine fovea pays off because corrective saccades (the default) land the eye within a
    few pixels of the panel's centre; with primary landing errors alone (up to a quarter panel) a
    wider, coarser fovea was needed not to cut off shapes near the margin (docs/tuning.md).
    Encoder: channels, embed_dim, batch_norm. Input adaptation: "none", "mean", "zscore" or "relation"
    (see `adapt`; compare_hidden: width of the learned comparison). Core: hidden (sizes of the SNU
    layers), recurrent, soft, tau, train_decay, bias_init (negative: the threshold is −b), surrogate,
    surrogate_scale; readout_tau, readout_g. Scan path: policy, n_initial, fixation_steps, flight_gain,
    max_flight, error_base, error_gain, corrective (a corrective saccade after each primary one, see
    `SaccadeTiming`); seed (training-mode stream), eval_seed. Training: initial_gradient (False: the
    encoder learns from the evaluation glimpses only, see `encode`).
    """

    # arguments added after runs had been saved, with the values those runs were trained with
    SAVED_RUN_DEFAULTS = {"corrective": False}
    # puzzles per chunk of an evaluation-mode pass without autograd: the same scores, but a batch of 256
    # ran at half the puzzles per second of 64 on a 2-core machine (its activations fall out of the caches)
    INFERENCE_CHUNK = 64

    def __init__(
        self,
        panel_size: int = 100,
        gap: int = -1,
        glimpse_size: int = 40,
        ring_fields: Sequence[float] = (2.4,),
        fovea_field: float = 0.8,
        channels: Sequence[int] = (16, 32, 64),
        embed_dim: int = 128,
        batch_norm: bool = True,
        hidden: Sequence[int] = (256,),
        recurrent: bool = True,
        soft: bool = False,
        tau: float = 5.0,
        train_decay: bool = False,
        bias_init: float = -1.0,
        surrogate: str = "fast_sigmoid",
        surrogate_scale: float = 2.0,
        readout_tau: float = 1.0,
        readout_g: str = "identity",
        adaptation: str = "zscore",
        compare_hidden: int = 256,
        policy: str = "paper",
        n_initial: int = 6,
        fixation_steps: int = 2,
        flight_gain: float = 0.7,
        max_flight: int = 3,
        error_base: float = 0.02,
        error_gain: float = 0.04,
        corrective: bool = True,
        initial_gradient: bool = True,
        seed: int = 0,
        eval_seed: int = 0,
    ) -> None:
        super().__init__()
        self.config = {
            "panel_size": panel_size, "gap": gap, "glimpse_size": glimpse_size,
            "ring_fields": [float(f) for f in ring_fields], "fovea_field": float(fovea_field),
            "channels": [int(c) for c in channels],
            "embed_dim": embed_dim, "batch_norm": batch_norm, "hidden": [int(h) for h in hidden],
            "recurrent": recurrent, "soft": soft, "tau": tau, "train_decay": train_decay, "bias_init": bias_init,
            "surrogate": surrogate, "surrogate_scale": surrogate_scale, "readout_tau": readout_tau,
            "readout_g": readout_g, "adaptation": adaptation, "compare_hidden": compare_hidden,
            "policy": policy, "n_initial": n_initial, "fixation_steps": fixation_steps,
            "flight_gain": flight_gain, "max_flight": max_flight, "error_base": error_base,
            "error_gain": error_gain, "corrective": corrective, "initial_gradient": initial_gradient,
            "seed": seed, "eval_seed": eval_seed,
        }  # fmt: skip
        if not hidden:
            raise ValueError("the SNU core needs at least one layer")
        self.canvas = Canvas(panel_size, gap)
        self.retina = Retina(self.canvas, glimpse_size, ring_fields, fovea_field)
        self.policy = make_policy(policy, n_initial)
        self.timing = SaccadeTiming(
            fixation_steps=fixation_steps, flight_gain=flight_gain, max_flight=max_flight,
            error_base=error_base, error_gain=error_gain, corrective=corrective,
        )  # fmt: skip
        self.encoder = GlimpseEncoder(self.retina.n_channels, glimpse_size, channels, embed_dim, batch_norm)
        if adaptation not in ADAPTATIONS:
            raise ValueError(f"adaptation must be one of {', '.join(ADAPTATIONS)}, got {adaptation!r}")
        self.compare = GlimpseComparison(embed_dim, compare_hidden) if adaptation == "relation" else None
        sizes = [embed_dim * (1 if adaptation == "none" else 2) + 2, *hidden]
        self.layers = nn.ModuleList(
            SNU(
                n_in, n_out, recurrent=recurrent, soft=soft, tau=tau, train_decay=train_decay,
                bias_init=bias_init, surrogate=surrogate, surrogate_scale=surrogate_scale,
            )  # fmt: skip
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
        )
        self.readout = SNU(hidden[-1], 1, recurrent=False, soft=True, tau=readout_tau, bias_init=0.0, g=readout_g)
        self.scan_rng = np.random.default_rng(seed)

    # ------------------------------------------------------------------------------------ scan paths

    def reseed(self, seed: int) -> None:
        """Restart the training-mode scan-path generator."""
        self.scan_rng = np.random.default_rng(seed)

    def sample_paths(
        self, batch: int, seed: int | None = None, rng: np.random.Generator | None = None
    ) -> ScanPaths:
        """Scan paths for a batch: from `rng`, else `seed`, else the mode's default (see the module doc)."""
        if rng is None:
            if seed is not None:
                rng = np.random.default_rng(seed)
            elif self.training:
                rng = self.scan_rng
            else:
                rng = np.random.default_rng(self.config["eval_seed"])
        return sample_scanpaths(batch, self.policy, self.timing, self.canvas, rng)

    # ---------------------------------------------------------------------------------------- parts

    def glimpses(self, panels: torch.Tensor, paths: ScanPaths) -> torch.Tensor:
        """(B, S, R, n, n) foveated glimpses at the fixations of `paths`."""
        canvas = self.canvas.compose(panels, pad_to=self.retina.pad_multiple)
        return self.retina(canvas, paths.landing.to(panels.device))

    def encode(self, glimpses: torch.Tensor, n_initial: int) -> torch.Tensor:
        """(B, S, R, n, n) glimpses → (B, S, D) embeddings. With `initial_gradient` off, the glimpses of the
        first `n_initial` (initial-phase) fixations are encoded without autograd while training, so the
        encoder learns from the evaluation glimpses alone (the initial ones still set the reference of
        `adapt`). The network is the same (in evaluation, the same numbers; in training, batch norm takes
        the statistics of the two groups apart) and a training step takes 30 to 40 % less time, but the
        encoder learns so much less per puzzle that it comes out no better per second of training (off by
        default; docs/tuning.md, session 6)."""
        b, s = glimpses.shape[:2]
        if self.config["initial_gradient"] or not (self.training and torch.is_grad_enabled()) or not n_initial:
            return self.encoder(glimpses.flatten(0, 1)).reshape(b, s, -1)
        with torch.no_grad():
            initial = self.encoder(glimpses[:, :n_initial].flatten(0, 1)).reshape(b, n_initial, -1)
        evaluation = self.encoder(glimpses[:, n_initial:].flatten(0, 1)).reshape(b, s - n_initial, -1)
        return torch.cat([initial, evaluation], 1)

    def adapt(self, embeddings: torch.Tensor) -> torch.Tensor:
        """(B, S, D) → (B, S, D): an adapting input population that signals what is new — each fixation's
        embedding minus the mean of the earlier fixations' ("mean"), or that deviation divided by their
        standard deviation ("zscore"), or the learned comparison with each of them ("relation", see
        `comparison`); zero for the first fixation."""
        if self.compare is not None:
            return self.compare(embeddings)
        s = embeddings.shape[1]
        count = torch.arange(s, device=embeddings.device, dtype=embeddings.dtype).clamp(min=1)[None, :, None]
        mean = (embeddings.cumsum(1) - embeddings) / count
        dev = embeddings - mean
        if self.config["adaptation"] == "zscore":
            sq = ((embeddings**2).cumsum(1) - embeddings**2) / count
            dev = dev / torch.sqrt((sq - mean**2).clamp(min=0) + 0.1)
        return torch.cat([torch.zeros_like(dev[:, :1]), dev[:, 1:]], 1)

    def fixation_features(self, embeddings: torch.Tensor) -> torch.Tensor:
        """(B, S, D) embeddings → the glimpse's part of the core input per fixation: the embedding and, with
        `adaptation`, its deviation from the earlier ones (B, S, D or 2D)."""
        if self.config["adaptation"] == "none":
            return embeddings
        return torch.cat([embeddings, self.adapt(embeddings)], -1)

    @staticmethod
    def per_step(per_fixation: torch.Tensor, paths: ScanPaths) -> torch.Tensor:
        """(B, S, F) values per fixation → (B, T, F) per step: the fixation's value while the eye rests on
        it, zero in flight (saccadic suppression)."""
        b, s, f = per_fixation.shape
        padded = torch.cat([per_fixation, per_fixation.new_zeros(b, 1, f)], 1)  # index s: in flight
        glimpse = paths.glimpse.to(per_fixation.device)
        index = torch.where(glimpse >= 0, glimpse, s)[..., None].expand(-1, -1, f)
        return padded.gather(1, index)

    def eye_units(self, paths: ScanPaths, like: torch.Tensor) -> torch.Tensor:
        """(B, T, 2) eye position per step in unit coordinates, on `like`'s device and dtype."""
        return self.canvas.to_unit(paths.eye.to(like.device, like.dtype))

    def core_inputs(self, embeddings: torch.Tensor, paths: ScanPaths) -> torch.Tensor:
        """(B, S, D) embeddings per fixation → (B, T, n_input) core input per step: the embedding of the
        fixation seen (zero in flight), with `adaptation` its deviation from the earlier ones, and the
        eye position in unit coordinates."""
        seen = self.per_step(self.fixation_features(embeddings), paths)
        return torch.cat([seen, self.eye_units(paths, embeddings)], dim=-1)

    def first_currents(self, embeddings: torch.Tensor, paths: ScanPaths) -> torch.Tensor:
        """The first SNU layer's input current W x_t (B, T, n_1) for the x_t of `core_inputs`, computed
        more cheaply: the glimpse's part of x_t is constant during a fixation and zero in flight, so its
        current is computed once per fixation (12) and repeated over the steps (about 50), and only the
        eye's two columns per step. The same numbers up to float rounding."""
        features = self.fixation_features(embeddings)
        weight = self.layers[0].W.weight  # (n_1, n_input): glimpse columns, then the eye's two
        d = features.shape[-1]
        glimpse_current = self.per_step(features @ weight[:, :d].T, paths)
        return glimpse_current + self.eye_units(paths, embeddings) @ weight[:, d:].T

    def core(
        self, inputs: torch.Tensor | None = None, currents: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
        """The SNU core on explicit inputs (B, T, D + 2), or on the first layer's input currents (B, T,
        n_1) of `first_currents` → readout logits (B, T), spikes and membranes per layer. Layers have no
        top-down connections, so each runs over the whole sequence in turn."""
        if (inputs is None) == (currents is None):
            raise ValueError("pass either the core's inputs or the first layer's currents")
        x, spikes, membranes = inputs, [], []
        for i, layer in enumerate(self.layers):
            if i == 0 and currents is not None:
                x, s, _ = layer.integrate(currents, return_membrane=True)
            else:
                x, s, _ = layer(x, return_membrane=True)
            spikes.append(x)
            membranes.append(s)
        _, s_out, _ = self.readout(x, return_membrane=True)
        return (s_out + self.readout.b)[..., 0], spikes, membranes

    @staticmethod
    def panel_scores(logit: torch.Tensor, eval_mask: torch.Tensor) -> torch.Tensor:
        """Mean logit (B, T) over the steps of each panel's evaluation fixation → (B, 6)."""
        m = eval_mask.to(logit.dtype)
        return (m * logit[:, None, :]).sum(-1) / m.sum(-1).clamp(min=1.0)

    # ------------------------------------------------------------------------------------- forward

    def _run(self, panels: torch.Tensor, paths: ScanPaths, keep: bool) -> Recording | torch.Tensor:
        if panels.dim() != 4 or panels.shape[1] != N_PANELS:
            raise ValueError(f"expected panels (B, {N_PANELS}, H, W), got {tuple(panels.shape)}")
        g = self.glimpses(panels, paths)  # (B, S, R, n, n)
        emb = self.encode(g, paths.n_initial)
        logit, spikes, membranes = self.core(currents=self.first_currents(emb, paths))
        mask = paths.eval_mask().to(panels.device)
        scores = self.panel_scores(logit, mask)
        if not keep:
            return scores
        inputs = self.core_inputs(emb, paths)
        return Recording(scores, paths, g, inputs, spikes, membranes, logit, torch.sigmoid(logit), mask)

    def forward(
        self,
        panels: torch.Tensor,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        paths: ScanPaths | None = None,
    ) -> torch.Tensor:
        """panels (B, 6, H, W) in [0, 1], ink high → scores (B, 6) (logits for cross-entropy)."""
        if paths is None:
            paths = self.sample_paths(panels.shape[0], seed, rng)
        chunk = self.INFERENCE_CHUNK
        if self.training or torch.is_grad_enabled() or panels.shape[0] <= chunk:
            return self._run(panels, paths, keep=False)
        parts = [
            self._run(panels[i : i + chunk], paths.select(slice(i, i + chunk)), keep=False)
            for i in range(0, panels.shape[0], chunk)
        ]
        return torch.cat(parts)

    def record(
        self,
        panels: torch.Tensor,
        seed: int | None = None,
        rng: np.random.Generator | None = None,
        paths: ScanPaths | None = None,
    ) -> Recording:
        """Like `forward`, but returns a `Recording` of every step (scores included)."""
        if paths is None:
            paths = self.sample_paths(panels.shape[0], seed, rng)
        return self._run(panels, paths, keep=True)

    def parameter_counts(self) -> dict[str, int]:
        """Trainable parameters of the encoder, of the learned comparison (if any), of the SNU core (layers
        and readout) and in total."""

        def count(module: nn.Module) -> int:
            return sum(p.numel() for p in module.parameters() if p.requires_grad)

        enc = count(self.encoder)
        core = count(self.layers) + count(self.readout)
        if self.compare is None:
            return {"encoder": enc, "core": core, "total": enc + core}
        compare = count(self.compare)
        return {"encoder": enc, "comparison": compare, "core": core, "total": enc + compare + core}
