"""A run directory on disk: the model's weights, its JSON config, and the state training resumes from.

    RUN/config.json     format, model name and constructor config, training arguments, data facts
                        (panel size, puzzle counts, excluded riddles); written when training starts
    RUN/model.pt        the model's state_dict (torch.save), rewritten at each checkpoint
    RUN/train_state.pt  what resuming needs: weights, optimizer, schedule, RNG states and progress,
                        in one file so weights and optimizer can never come from different steps

Everything is read with `torch.load(weights_only=True)` (no pickle), and every file is written under
a temporary name and renamed, so a checkpoint is either the old one or the new one, never half.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
from torch import nn

from .models import ModelError, build_model

FORMAT = "saccade-net-run"
FORMAT_VERSION = 1
CONFIG_FILE = "config.json"
MODEL_FILE = "model.pt"
STATE_FILE = "train_state.pt"


class CheckpointError(Exception):
    """A run directory whose files are missing, corrupt, or do not belong together."""


def write_json(path: Path, obj: dict) -> None:
    """Write JSON atomically (temporary name in the same directory, then rename)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(obj, indent=2, sort_keys=True) + "\n")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_torch(path: Path, obj) -> None:
    """torch.save atomically."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        torch.save(obj, tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def load_torch(path: Path, device: str | torch.device = "cpu"):
    """torch.load(weights_only=True) with a one-line CheckpointError for a missing or corrupt file."""
    if not path.is_file():
        raise CheckpointError(f"{path}: missing")
    try:
        return torch.load(path, map_location=device, weights_only=True)
    except Exception as exc:  # unpickling, zip and EOF errors all mean the same: unreadable
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CheckpointError(f"{path}: corrupt or not a weights-only checkpoint ({first[:160]})") from None


def write_config(run_dir: Path, config: dict) -> None:
    """Write RUN/config.json; `config` needs at least "model" and "model_config"."""
    write_json(Path(run_dir) / CONFIG_FILE, {"format": FORMAT, "format_version": FORMAT_VERSION, **config})


def read_config(run_dir: Path) -> dict:
    """RUN/config.json, checked to be a saccade-net run."""
    path = Path(run_dir) / CONFIG_FILE
    if not Path(run_dir).is_dir():
        raise CheckpointError(f"{run_dir}: no such run directory")
    try:
        config = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing; not a saccade-net run directory") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path}: corrupt JSON ({exc})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT or "model" not in config:
        raise CheckpointError(f"{path}: not a saccade-net run config")
    if config.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"{path}: run format version {config.get('format_version')} is not supported")
    return config


def save_weights(run_dir: Path, model: nn.Module) -> None:
    """Write RUN/model.pt (the state_dict)."""
    save_torch(Path(run_dir) / MODEL_FILE, model.state_dict())


def load_into(model: nn.Module, state_dict, where: Path, what: str) -> None:
    """load_state_dict with a one-line CheckpointError when the weights belong to another model."""
    if not isinstance(state_dict, dict) or not all(isinstance(v, torch.Tensor) for v in state_dict.values()):
        raise CheckpointError(f"{where}: does not hold a state_dict")
    try:
        model.load_state_dict(state_dict, strict=True)
    except RuntimeError as exc:
        ours, theirs = set(model.state_dict()), set(state_dict)
        missing, unexpected = len(ours - theirs), len(theirs - ours)
        detail = (
            f"{missing} missing and {unexpected} unexpected tensors"
            if missing or unexpected
            else "tensor shapes differ"
        )
        first = str(exc).splitlines()[0]
        raise CheckpointError(f"{where}: weights do not fit {what} ({detail}; {first[:120]})") from None


def load_run(run_dir: Path, device: str | torch.device = "cpu") -> tuple[nn.Module, dict]:
    """The trained model of a run (in eval mode, on `device`) and its config."""
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    try:
        model = build_model(config["model"], config.get("model_config", {}), saved=True)
    except ModelError as exc:
        raise CheckpointError(f"{run_dir / CONFIG_FILE}: {exc}") from None
    what = f"model {config['model']!r} named in config.json"
    load_into(model, load_torch(run_dir / MODEL_FILE), run_dir / MODEL_FILE, what)
    return model.to(device).eval(), config


def save_train_state(run_dir: Path, state: dict) -> None:
    """Write RUN/train_state.pt; `state` must hold only tensors, numbers, strings, lists and dicts."""
    save_torch(Path(run_dir) / STATE_FILE, state)


def load_train_state(run_dir: Path) -> dict:
    """RUN/train_state.pt as saved by `save_train_state`."""
    state = load_torch(Path(run_dir) / STATE_FILE)
    needed = {"model", "optimizer", "rng", "progress"}
    if not isinstance(state, dict) or not needed <= set(state):
        raise CheckpointError(f"{Path(run_dir) / STATE_FILE}: not a saccade-net training state")
    return state
