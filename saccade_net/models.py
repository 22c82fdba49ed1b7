"""The models the command line knows, by name, and how to build one from a JSON-able config.

Every model maps panels (B, 6, H, W) to scores (B, 6), keeps its constructor arguments in
`self.config` and reports `parameter_counts()`. Modules are imported only when their model is asked
for, so a model whose module is missing or broken gives a clear error without stopping the others.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable

from torch import nn

# name → (module, class)
BUILTIN: dict[str, tuple[str, str]] = {
    "saccadic": ("saccade_net.network", "SaccadicNet"),
    "oren": ("baselines.oren", "OReN"),
    "cnn-mlp": ("baselines.cnn_mlp", "CNNMLP"),
    "pixel-stats": ("baselines.pixel_stats", "PixelStatistics"),
}

_registered: dict[str, Callable[..., nn.Module]] = {}


class ModelError(Exception):
    """An unknown model name, a model whose code is missing, or a config its constructor rejects."""


def register_model(name: str, factory: Callable[..., nn.Module]) -> None:
    """Make `factory` (a model class) available under `name` (tests and extensions use this)."""
    _registered[name] = factory


def model_names() -> list[str]:
    """Every known model name (whether or not its module imports)."""
    return sorted({*BUILTIN, *_registered})


def model_class(name: str) -> Callable[..., nn.Module]:
    """The class registered as `name`, imported on first use."""
    if name in _registered:
        return _registered[name]
    if name not in BUILTIN:
        raise ModelError(f"unknown model {name!r}; choose from {', '.join(model_names())}")
    module_name, class_name = BUILTIN[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            raise ModelError(f"model {name!r} is not available: module {module_name} does not exist yet") from None
        raise
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ModelError(f"model {name!r} is not available: {module_name} has no class {class_name}")
    return cls


def accepts(factory: Callable, argument: str) -> bool:
    """Whether `factory` takes a keyword argument `argument`."""
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):
        return False
    return argument in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def build_model(
    name: str,
    config: dict | None = None,
    panel_size: int | None = None,
    seed: int | None = None,
    saved: bool = False,
) -> nn.Module:
    """A new model `name` from `config`. `panel_size` (the data's) and `seed` (the run's) fill the
    constructor arguments of those names when the model has them and `config` does not set them (the
    saccadic network seeds its scan-path generator from `seed`). With `saved` (a config stored by a run),
    arguments the model gained after that run was saved take the values that reproduce it (the class's
    `SAVED_RUN_DEFAULTS`), not today's defaults."""
    factory = model_class(name)
    config = dict(config or {})
    if saved:
        for key, value in getattr(factory, "SAVED_RUN_DEFAULTS", {}).items():
            config.setdefault(key, value)
    for key, value in (("panel_size", panel_size), ("seed", seed)):
        if value is not None and key not in config and accepts(factory, key):
            config[key] = int(value)
    try:
        return factory(**config)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"cannot build model {name!r} with {config}: {exc}") from None


def model_config(model: nn.Module) -> dict:
    """The constructor arguments a model keeps in `config` (empty if it keeps none)."""
    return dict(getattr(model, "config", {}) or {})


def parameter_counts(model: nn.Module) -> dict[str, int]:
    """The model's own split of its parameter count, or just the total of trainable parameters."""
    if hasattr(model, "parameter_counts"):
        return {k: int(v) for k, v in model.parameter_counts().items()}
    return {"total": sum(p.numel() for p in model.parameters() if p.requires_grad)}
