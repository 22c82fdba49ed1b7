"""A trained spiking core described without any framework: weights, decays, thresholds, and the exact
SNU recurrence in numpy (float64), which the PyTorch layer, the Brian2 replay and NIR graphs are all
compared against.

A `CoreSpec` is a stack of `LayerSpec`s (the SNU layers, in order) and an optional readout layer. Every
layer follows the SNU update of Woźniak et al. (2020), in discrete steps:

    v_t = W x_t + i_bias + l · s_{t-1} · (1 − y_{t-1}) + H y_{t-1}     (the gate only when `reset`)
    s_t = g(v_t)                                                       g: "relu" | "identity"
    y_t = h(s_t + b)                  h: "step" (1 if > 0) | "sigmoid" | "identity"

with x_t the layer's input at step t: the core input for the first layer, the previous layer's
output *of the same step* for the others (layers have no top-down connections). Shapes: W (n_in, n),
H (n, n) or None, decay l, bias b and i_bias (n,). The readout is a layer like the others (for
SaccadicNet one soft SNU unit: sigmoid, g = identity); its `logit` is s + b.

Files: `save_spec(spec, "DIR/core")` writes DIR/core.npz (arrays, no pickle) and DIR/core.json
(structure and metadata); `load_spec` reads them back and validates them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

FORMAT = "snu-core-spec"
FORMAT_VERSION = 1
ACTIVATIONS = ("step", "sigmoid", "identity")
GS = ("relu", "identity")


class ReplayError(Exception):
    """A core that cannot be described or replayed (not an SNU network, inconsistent shapes, an
    unsupported NIR node, ...): one line saying what and where."""


@dataclass
class LayerSpec:
    """One layer of n units with n_in inputs (see the module docstring for the update)."""

    W: np.ndarray
    decay: np.ndarray
    bias: np.ndarray
    H: np.ndarray | None = None
    i_bias: np.ndarray | None = None
    activation: str = "step"
    g: str = "relu"
    reset: bool = True

    @property
    def n_in(self) -> int:
        return int(self.W.shape[0])

    @property
    def n(self) -> int:
        return int(self.W.shape[1])

    @property
    def spiking(self) -> bool:
        return self.activation == "step"

    @property
    def recurrent(self) -> bool:
        return self.H is not None


@dataclass
class CoreSpec:
    """The spiking core: `layers` in order, an optional `readout`, JSON-able `metadata`."""

    layers: list[LayerSpec]
    readout: LayerSpec | None = None
    metadata: dict = field(default_factory=dict)

    @property
    def n_input(self) -> int:
        return self.layers[0].n_in

    @property
    def all_layers(self) -> list[LayerSpec]:
        return [*self.layers, *([self.readout] if self.readout is not None else [])]

    def sizes(self) -> list[int]:
        return [layer.n for layer in self.layers]

    def n_synapses(self) -> dict[str, int]:
        """Synapse counts per kind for one copy of the network (one puzzle)."""
        return {
            "input": self.layers[0].n_in * self.layers[0].n,
            "feedforward": sum(a.n * b.n for a, b in zip(self.layers[:-1], self.layers[1:], strict=True)),
            "recurrent": sum(layer.n * layer.n for layer in self.layers if layer.recurrent),
            "readout": self.readout.n_in * self.readout.n if self.readout is not None else 0,
        }

    def fan_out(self) -> list[np.ndarray]:
        """Per layer, the number of synapses leaving each unit (recurrent + next layer or readout)."""
        out = []
        stack = self.all_layers
        for k, layer in enumerate(self.layers):
            n_next = stack[k + 1].n if k + 1 < len(stack) else 0
            out.append(np.full(layer.n, n_next + (layer.n if layer.recurrent else 0), dtype=np.int64))
        return out


def _f64(a, name: str, where: str) -> np.ndarray:
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise ReplayError(f"{where}: {name} is not numeric") from None
    if not np.all(np.isfinite(arr)):
        raise ReplayError(f"{where}: {name} holds NaN or infinite values")
    return arr


def make_layer(
    W, decay, bias, H=None, i_bias=None, activation: str = "step", g: str = "relu", reset: bool = True
) -> LayerSpec:
    """A LayerSpec with float64 arrays; scalars for decay, bias and i_bias are broadcast to (n,)."""
    W = np.atleast_2d(_f64(W, "W", "layer"))
    n = W.shape[1]
    vec = lambda a, name: np.broadcast_to(_f64(a, name, "layer"), (n,)).copy()  # noqa: E731
    return LayerSpec(
        W=W,
        decay=vec(decay, "decay"),
        bias=vec(bias, "bias"),
        H=None if H is None else _f64(H, "H", "layer"),
        i_bias=None if i_bias is None else vec(i_bias, "i_bias"),
        activation=activation,
        g=g,
        reset=bool(reset),
    )


def validate(spec: CoreSpec) -> CoreSpec:
    """Check shapes, ranges and names; raises ReplayError naming the first problem. Returns `spec`."""
    if not isinstance(spec, CoreSpec) or not spec.layers:
        raise ReplayError("core spec: needs at least one SNU layer")
    n_prev = None
    for k, layer in enumerate(spec.all_layers):
        where = "readout" if spec.readout is not None and k == len(spec.layers) else f"layer {k}"
        if not isinstance(layer, LayerSpec):
            raise ReplayError(f"core spec: {where} is not a LayerSpec")
        if layer.W.ndim != 2 or min(layer.W.shape) < 1:
            raise ReplayError(f"core spec: {where}: W must be (n_in, n) with n_in, n >= 1, got {layer.W.shape}")
        n = layer.n
        if n_prev is not None and layer.n_in != n_prev:
            raise ReplayError(f"core spec: {where} takes {layer.n_in} inputs but the layer before has {n_prev} units")
        for name in ("decay", "bias", "i_bias"):
            a = getattr(layer, name)
            if a is not None and a.shape != (n,):
                raise ReplayError(f"core spec: {where}: {name} must have shape ({n},), got {a.shape}")
        for name in ("W", "H", "decay", "bias", "i_bias"):
            a = getattr(layer, name)
            if a is not None and not np.all(np.isfinite(a)):
                raise ReplayError(f"core spec: {where}: {name} holds NaN or infinite values")
        if layer.H is not None and layer.H.shape != (n, n):
            raise ReplayError(f"core spec: {where}: H must be ({n}, {n}), got {layer.H.shape}")
        if np.any(layer.decay < 0) or np.any(layer.decay > 1):
            raise ReplayError(f"core spec: {where}: decay must lie in [0, 1]")
        if layer.activation not in ACTIVATIONS:
            raise ReplayError(f"core spec: {where}: activation {layer.activation!r} is not one of {ACTIVATIONS}")
        if layer.g not in GS:
            raise ReplayError(f"core spec: {where}: g {layer.g!r} is not one of {GS}")
        n_prev = n
    try:
        json.dumps(spec.metadata)
    except (TypeError, ValueError):
        raise ReplayError("core spec: metadata must be JSON-able") from None
    return spec


# ------------------------------------------------------------------------------------------ reference


@dataclass
class Trace:
    """A run of the core on B sequences of T steps: per layer the outputs y (spikes for step layers) and
    membranes s, each (B, T, n); the readout's logit s + b and output y, each (B, T, n_out) (None
    without a readout)."""

    outputs: list[np.ndarray]
    membranes: list[np.ndarray]
    logit: np.ndarray | None
    readout: np.ndarray | None


def _activate(layer: LayerSpec, pre: np.ndarray) -> np.ndarray:
    if layer.activation == "step":
        return (pre > 0).astype(pre.dtype)
    if layer.activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-pre))
    return pre


def layer_step(
    layer: LayerSpec, x: np.ndarray, s: np.ndarray, y: np.ndarray, dtype=np.float64
) -> tuple[np.ndarray, np.ndarray]:
    """One SNU step for a batch: x (B, n_in), previous s and y (B, n) → new (s, y). The operations
    are ordered as in saccade_net.snu.SNU.update: W x + (l·s)·(1 − y), then + H y."""
    v = x @ layer.W.astype(dtype)
    if layer.i_bias is not None:
        v = v + layer.i_bias.astype(dtype)
    carry = layer.decay.astype(dtype) * s
    v = v + (carry * (1 - y) if layer.reset else carry)
    if layer.H is not None:
        v = v + y @ layer.H.astype(dtype)
    s = np.maximum(v, 0) if layer.g == "relu" else v
    return s, _activate(layer, s + layer.bias.astype(dtype))


def reference_run(spec: CoreSpec, inputs: np.ndarray, dtype=np.float64) -> Trace:
    """The exact discrete SNU recurrence on inputs (B, T, n_input), from a zero state, in `dtype`."""
    x_all = np.asarray(inputs, dtype=dtype)
    if x_all.ndim != 3 or x_all.shape[2] != spec.n_input:
        raise ReplayError(f"inputs must be (B, T, {spec.n_input}), got {x_all.shape}")
    b, t_steps, _ = x_all.shape
    stack = spec.all_layers
    outs = [np.zeros((b, t_steps, layer.n), dtype) for layer in stack]
    mems = [np.zeros((b, t_steps, layer.n), dtype) for layer in stack]
    state = [(np.zeros((b, layer.n), dtype), np.zeros((b, layer.n), dtype)) for layer in stack]
    for t in range(t_steps):
        x = x_all[:, t]
        for k, layer in enumerate(stack):
            s, y = layer_step(layer, x, *state[k], dtype=dtype)
            state[k] = (s, y)
            outs[k][:, t], mems[k][:, t] = y, s
            x = y
    n_hidden = len(spec.layers)
    if spec.readout is None:
        return Trace(outs, mems, None, None)
    logit = mems[-1] + spec.readout.bias.astype(dtype)
    return Trace(outs[:n_hidden], mems[:n_hidden], logit, outs[-1])


def panel_scores(logit: np.ndarray, eval_mask: np.ndarray) -> np.ndarray:
    """Mean readout logit (B, T) over each panel's evaluation steps (eval_mask (B, 6, T)) → (B, 6), as
    SaccadicNet.panel_scores does."""
    m = np.asarray(eval_mask, dtype=np.float64)
    return (m * np.asarray(logit, np.float64)[:, None, :]).sum(-1) / np.maximum(m.sum(-1), 1.0)


def window_mask(batch: int, n_steps: int, n_panels: int = 6, start: int = 0) -> np.ndarray:
    """An eval mask for hand-built tests: panel k scored over the k-th of `n_panels` equal windows of
    steps [start, n_steps)."""
    mask = np.zeros((batch, n_panels, n_steps), dtype=bool)
    edges = np.linspace(start, n_steps, n_panels + 1).astype(int)
    for k in range(n_panels):
        mask[:, k, edges[k] : edges[k + 1]] = True
    return mask


def synaptic_events(spec: CoreSpec, outputs: list[np.ndarray]) -> np.ndarray:
    """Spike-driven synaptic events per sequence (B,): each spike of a step layer counts one event
    per outgoing synapse (recurrent, next layer, readout). Graded (non-step) layers count none."""
    total = np.zeros(len(outputs[0]), dtype=np.int64)
    for layer, y, fan in zip(spec.layers, outputs, spec.fan_out(), strict=True):
        if layer.spiking:
            total += (np.asarray(y) > 0.5).sum(1).astype(np.int64) @ fan
    return total


# ------------------------------------------------------------------------------------ from PyTorch


def _np(t) -> np.ndarray:
    return t.detach().cpu().double().numpy()


def layer_from_snu(snu) -> LayerSpec:
    """A LayerSpec from a saccade_net.snu.SNU layer (duck-typed: W, H, b, leak(), soft, g)."""
    try:
        W = _np(snu.W.weight).T
        H = _np(snu.H.weight).T if getattr(snu, "H", None) is not None else None
        decay, bias = _np(snu.leak()), _np(snu.b)
        activation = "sigmoid" if snu.soft else "step"
        g = snu.g
    except AttributeError as exc:
        raise ReplayError(f"{type(snu).__name__} is not an SNU layer (no {exc.name or exc})") from None
    return make_layer(W, decay, bias, H=H, activation=activation, g=g, reset=True)


def core_spec_from_model(model) -> CoreSpec:
    """The SNU core of a SaccadicNet (its `layers` and `readout`) as a CoreSpec; ReplayError for a
    model that has no SNU core (another model class, or SNU layers of unexpected form)."""
    from .snu import SNU  # torch is needed only here

    layers = getattr(model, "layers", None)
    readout = getattr(model, "readout", None)
    name = type(model).__name__
    if layers is None or readout is None or not all(isinstance(m, SNU) for m in layers) or not isinstance(readout, SNU):
        raise ReplayError(f"model {name!r} has no SNU core to replay (needs SNU `layers` and an SNU `readout`)")
    meta = {"source": name}
    config = getattr(model, "config", None)
    if isinstance(config, dict):
        meta["model_config"] = json.loads(json.dumps(config, default=str))
    return validate(CoreSpec([layer_from_snu(m) for m in layers], layer_from_snu(readout), meta))


# ------------------------------------------------------------------------------------------ examples


def random_spec(
    n_input: int = 64,
    hidden: tuple[int, ...] = (256,),
    *,
    seed: int = 0,
    recurrent: bool = True,
    decay: float = 0.8,
    threshold: float = 1.0,
    input_gain: float = 1.0,
    recurrent_gain: float = 0.5,
    readout: bool = True,
) -> CoreSpec:
    """A random SNU core of realistic size for tests and benchmarks: weights ~ N(0, gain²/fan_in),
    so that a unit-variance input drives a moderate firing rate; a one-unit soft readout (sigmoid,
    g = identity, no memory) like SaccadicNet's."""
    rng = np.random.default_rng(seed)
    layers, n_in = [], n_input
    for n in hidden:
        W = rng.normal(0.0, input_gain * np.sqrt(2.0 / n_in), (n_in, n))
        H = rng.normal(0.0, recurrent_gain / np.sqrt(n), (n, n)) if recurrent else None
        layers.append(make_layer(W, decay, -threshold, H=H))
        n_in = n
    ro = None
    if readout:
        ro = make_layer(rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, 1)), 0.0, 0.1, activation="sigmoid", g="identity")
    return validate(CoreSpec(layers, ro, {"source": "random_spec", "seed": seed}))


def random_inputs(spec_or_n: CoreSpec | int, batch: int, steps: int, seed: int = 0, off_every: int = 0) -> np.ndarray:
    """Non-negative random inputs (B, T, n) like glimpse embeddings; with `off_every` = k > 0 every
    k-th step is zero (saccadic suppression)."""
    n = spec_or_n.n_input if isinstance(spec_or_n, CoreSpec) else int(spec_or_n)
    rng = np.random.default_rng(seed)
    x = np.maximum(rng.normal(0.0, 1.0, (batch, steps, n)), 0.0) * 1.5
    if off_every:
        x[:, ::off_every] = 0.0
    return x


# ---------------------------------------------------------------------------------------------- files

_ARRAYS = ("W", "H", "decay", "bias", "i_bias")


def _stem(path: str | os.PathLike) -> Path:
    p = Path(path)
    return p.with_suffix("") if p.suffix in (".npz", ".json") else p


def save_spec(spec: CoreSpec, path: str | os.PathLike) -> tuple[Path, Path]:
    """Write PATH.npz (arrays) and PATH.json (structure); returns both paths."""
    validate(spec)
    stem = _stem(path)
    stem.parent.mkdir(parents=True, exist_ok=True)
    arrays, described = {}, []
    for k, layer in enumerate(spec.all_layers):
        key = "readout" if spec.readout is not None and k == len(spec.layers) else f"layer{k}"
        for name in _ARRAYS:
            a = getattr(layer, name)
            if a is not None:
                arrays[f"{key}.{name}"] = np.asarray(a, dtype=np.float64)
        described.append(
            {
                "key": key,
                "n_in": layer.n_in,
                "n": layer.n,
                "activation": layer.activation,
                "g": layer.g,
                "reset": layer.reset,
                "recurrent": layer.recurrent,
            }
        )
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "layers": described[: len(spec.layers)],
        "readout": described[-1] if spec.readout is not None else None,
        "metadata": spec.metadata,
    }
    npz, js = stem.with_suffix(".npz"), stem.with_suffix(".json")
    for target, write in (
        (npz, lambda f: np.savez(f, **arrays)),
        (js, lambda f: f.write(json.dumps(doc, indent=2).encode())),
    ):
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            with open(tmp, "wb") as f:
                write(f)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    return npz, js


def load_spec(path: str | os.PathLike) -> CoreSpec:
    """Read PATH.npz + PATH.json written by `save_spec` (ReplayError for missing, corrupt or foreign files)."""
    stem = _stem(path)
    npz, js = stem.with_suffix(".npz"), stem.with_suffix(".json")
    try:
        doc = json.loads(js.read_text())
    except FileNotFoundError:
        raise ReplayError(f"{js}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ReplayError(f"{js}: corrupt JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ReplayError(
            f"{js}: not an SNU core spec (format {doc.get('format') if isinstance(doc, dict) else None!r})"
        )
    if doc.get("format_version") != FORMAT_VERSION:
        raise ReplayError(f"{js}: core spec version {doc.get('format_version')} is not supported")
    try:
        with np.load(npz, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except FileNotFoundError:
        raise ReplayError(f"{npz}: missing") from None
    except Exception as exc:  # zip, header and pickle-refusal errors all mean: unreadable
        raise ReplayError(f"{npz}: corrupt ({type(exc).__name__}: {str(exc)[:120]})") from None

    def layer(d: dict) -> LayerSpec:
        key = d["key"]
        try:
            got = {name: arrays[f"{key}.{name}"] for name in _ARRAYS if f"{key}.{name}" in arrays}
            return make_layer(
                got["W"],
                got["decay"],
                got["bias"],
                H=got.get("H"),
                i_bias=got.get("i_bias"),
                activation=d["activation"],
                g=d["g"],
                reset=d.get("reset", True),
            )
        except KeyError as exc:
            raise ReplayError(f"{npz}: {key} lacks {exc.args[0]}") from None

    try:
        spec = CoreSpec(
            [layer(d) for d in doc["layers"]],
            layer(doc["readout"]) if doc.get("readout") else None,
            dict(doc.get("metadata") or {}),
        )
    except (KeyError, TypeError) as exc:
        raise ReplayError(f"{js}: malformed layer description ({exc})") from None
    return validate(spec)


def with_metadata(spec: CoreSpec, **extra) -> CoreSpec:
    """A copy of `spec` whose metadata is updated with `extra`."""
    return replace(spec, metadata={**spec.metadata, **extra})
