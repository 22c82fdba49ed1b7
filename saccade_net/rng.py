"""Random-number state: capture and restore every generator a model may draw from — the global ones
(torch CPU and CUDA, numpy's, Python's `random`) and generators a model keeps as attributes of its
modules (e.g. a scan-path generator) — in a form `torch.load(weights_only=True)` accepts; and a
context that runs code (validation) on its own seeded streams without disturbing training's."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

GENERATOR_TYPES = (np.random.Generator, np.random.RandomState, torch.Generator, random.Random)


def rng_state() -> dict:
    """The state of every global generator, as tensors, ints, strings and lists only."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    version, internal, gauss_next = random.getstate()
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "numpy": {
            "kind": kind,
            "keys": torch.from_numpy(keys.astype(np.int64)),
            "pos": int(pos),
            "has_gauss": int(has_gauss),
            "cached_gaussian": float(cached),
        },
        "python": {
            "version": int(version),
            "internal": torch.tensor(internal, dtype=torch.int64),
            "gauss_next": gauss_next,
        },
    }


def set_rng_state(state: dict) -> None:
    """Restore what `rng_state` captured."""
    torch.set_rng_state(state["torch"])
    if state["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
    n = state["numpy"]
    np.random.set_state(
        (n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["cached_gaussian"])
    )
    p = state["python"]
    random.setstate((p["version"], tuple(int(v) for v in p["internal"].tolist()), p["gauss_next"]))


def seed_all(seed: int) -> None:
    """Seed torch (CPU and CUDA), numpy's global generator and Python's `random`."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


@contextmanager
def isolated_rng(seed: int) -> Iterator[None]:
    """Run the body with every global generator seeded from `seed`, then put back the states they
    had before: validation draws the same random numbers each time (e.g. the same scan paths) and
    leaves the training streams exactly where they were."""
    saved = rng_state()
    try:
        seed_all(seed)
        yield
    finally:
        set_rng_state(saved)


def module_generators(model: nn.Module) -> dict[str, object]:
    """Random generators held as attributes of the model's modules, by "module.attribute" path."""
    found = {}
    for path, module in model.named_modules():
        for attr, value in vars(module).items():
            if isinstance(value, GENERATOR_TYPES):
                found[f"{path}.{attr}" if path else attr] = value
    return found


def generator_states(model: nn.Module) -> dict[str, dict]:
    """The states of `module_generators(model)` (numpy and Python states as JSON text)."""
    out = {}
    for key, g in module_generators(model).items():
        if isinstance(g, np.random.Generator):
            out[key] = {"kind": "numpy", "state": json.dumps(g.bit_generator.state)}
        elif isinstance(g, np.random.RandomState):
            st = g.get_state(legacy=False)
            out[key] = {
                "kind": "randomstate",
                "state": json.dumps({**st, "state": {**st["state"], "key": st["state"]["key"].tolist()}}),
            }
        elif isinstance(g, torch.Generator):
            out[key] = {"kind": "torch", "state": g.get_state()}
        else:
            out[key] = {"kind": "python", "state": json.dumps(g.getstate())}
    return out


def set_generator_states(model: nn.Module, states: dict[str, dict]) -> None:
    """Restore what `generator_states` captured into the model's current generators (in place)."""
    current = module_generators(model)
    if set(current) != set(states):
        raise ValueError(f"the model's random generators {sorted(current)} differ from the saved {sorted(states)}")
    for key, saved in states.items():
        g = current[key]
        if saved["kind"] == "numpy":
            g.bit_generator.state = json.loads(saved["state"])
        elif saved["kind"] == "randomstate":
            st = json.loads(saved["state"])
            st["state"]["key"] = np.asarray(st["state"]["key"], dtype=np.uint32)
            g.set_state(st)
        elif saved["kind"] == "torch":
            g.set_state(saved["state"])
        else:
            version, internal, gauss = json.loads(saved["state"])
            g.setstate((version, tuple(internal), gauss))


@contextmanager
def preserved_generators(model: nn.Module) -> Iterator[None]:
    """Put the model's own generators back as they were after the body has run."""
    saved = generator_states(model)
    try:
        yield
    finally:
        set_generator_states(model, saved)
