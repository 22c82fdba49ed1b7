"""Baselines for the oddity task, torch only: OReN (a relation network), CNN+MLP (its non-relational
control) and a learning-free pixel-statistics floor.

Every model maps panels (B, 6, H, W), float in [0, 1] with ink high, to scores (B, 6); keeps its
JSON-able constructor arguments in `config`, so `type(model)(**model.config)` rebuilds it; and reports
`parameter_counts()` with "encoder", "core" and "total".
"""

from .cnn_mlp import CNNMLP
from .oren import OReN, RelationCore
from .panel_encoder import PanelEncoder, count_parameters
from .pixel_stats import STATISTICS, PixelStatistics, panel_statistics

# CLI names → classes (the names `saccade-net train --model` uses)
MODELS = {"oren": OReN, "cnn-mlp": CNNMLP, "pixel-stats": PixelStatistics}

__all__ = [
    "CNNMLP",
    "MODELS",
    "OReN",
    "PanelEncoder",
    "PixelStatistics",
    "RelationCore",
    "STATISTICS",
    "count_parameters",
    "panel_statistics",
]
