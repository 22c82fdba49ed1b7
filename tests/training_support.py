"""Shared by the training, evaluation and CLI tests: tiny datasets on disk and tiny models.

The models are registered under test-only names, so the tests exercise the real registry, loop and
command line without depending on the (larger, separately written) project models.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from oddity_dataset.build import build_dataset, make_plan
from saccade_net.models import register_model


def make_dataset(root: Path, train: int = 96, val: int = 24, test: int = 24, size: int = 32, riddles=(0, 1)) -> Path:
    """A small stored dataset (riddles 0 and 1 interleaved; 32×32 panels by default)."""
    plan = make_plan({"train": train, "val": val, "test": test}, list(riddles), seed=0, size=size)
    build_dataset(root, plan, overwrite=True)
    return root


class TinyNet(nn.Module):
    """Panel embedding by one strided convolution (with BatchNorm), compared with the puzzle's mean
    embedding, then a linear score. Dropout makes training draw from torch's global generator (so
    resume must restore it); `noise` adds Gaussian noise to the scores, drawn in training from a
    numpy generator the model keeps (as the saccadic network keeps its scan-path generator: resume
    must restore it too) and in evaluation from torch's global one (so validation must not shift
    training's streams)."""

    def __init__(self, panel_size: int = 32, width: int = 4, dropout: float = 0.2, noise: float = 0.0) -> None:
        super().__init__()
        self.config = {"panel_size": panel_size, "width": width, "dropout": dropout, "noise": noise}
        self.conv = nn.Sequential(nn.Conv2d(1, width, 5, stride=4, padding=2), nn.BatchNorm2d(width), nn.ReLU())
        side = (panel_size + 4 - 5) // 4 + 1
        self.embed = nn.Linear(width * side * side, 16)
        self.drop = nn.Dropout(dropout)
        self.score = nn.Linear(16, 1)
        self.noise_rng = np.random.default_rng(0)

    def forward(self, panels: torch.Tensor) -> torch.Tensor:
        b, p, h, w = panels.shape
        e = self.embed(self.conv(panels.reshape(b * p, 1, h, w)).flatten(1)).view(b, p, -1)
        e = self.drop(torch.relu(e - e.mean(1, keepdim=True)))
        scores = self.score(e).squeeze(-1)
        if self.config["noise"] and self.training:
            draw = torch.from_numpy(self.noise_rng.standard_normal(tuple(scores.shape))).to(scores.dtype)
            scores = scores + self.config["noise"] * draw
        elif self.config["noise"]:
            scores = scores + self.config["noise"] * torch.randn_like(scores)
        return scores

    def parameter_counts(self) -> dict[str, int]:
        enc = sum(p.numel() for m in (self.conv, self.embed) for p in m.parameters())
        core = sum(p.numel() for p in self.score.parameters())
        return {"encoder": enc, "core": core, "total": enc + core}


class OtherNet(nn.Module):
    """A different architecture (its weights do not fit TinyNet's)."""

    def __init__(self, panel_size: int = 32) -> None:
        super().__init__()
        self.config = {"panel_size": panel_size}
        self.lin = nn.Linear(panel_size * panel_size, 1)

    def forward(self, panels: torch.Tensor) -> torch.Tensor:
        return self.lin(panels.flatten(2)).squeeze(-1)


class AlwaysZero(nn.Module):
    """Picks slot 0 for every puzzle; nothing to learn."""

    def __init__(self) -> None:
        super().__init__()
        self.config = {}

    def forward(self, panels: torch.Tensor) -> torch.Tensor:
        scores = torch.zeros(panels.shape[0], 6)
        scores[:, 0] = 1.0
        return scores

    def parameter_counts(self) -> dict[str, int]:
        return {"encoder": 0, "core": 0, "total": 0}


def register_test_models() -> None:
    register_model("test-tiny", TinyNet)
    register_model("test-other", OtherNet)
    register_model("test-always-zero", AlwaysZero)


register_test_models()
