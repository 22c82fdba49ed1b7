"""NIR interchange: export a CoreSpec as a Neuromorphic Intermediate Representation graph (the `nir`
package) and import NIR graphs of that form back, so that networks trained elsewhere (snnTorch,
Norse, ...) can be replayed in Brian2 and ours can be run elsewhere.

Export layout (node names):

    input ─▶ snu0.w_in (Affine) ─▶ snu0.lif (LIF) ─▶ snu1.w_in ─▶ snu1.lif ─▶ … ─▶ readout.w_in
            ─▶ readout.li (LI) ─▶ output
    recurrence: snu0.lif ─▶ snu0.w_rec (Affine, zero bias) ─▶ snu0.lif

Affine weights are (out, in) = Wᵀ; the Affine bias carries the layer's constant input current
(i_bias, zero for SaccadicNet). Graph metadata holds "dt" (the step, seconds) and the conventions.

Mapping of one SNU layer onto NIR's LIF (τ dv/dt = (v_leak − v) + R·I; spike when v > v_threshold;
then v = v_reset), in the forward-Euler discretisation that snnTorch's and Norse's NIR bridges use
(v ← (1 − dt/τ)·v + (dt/τ)·R·I):

    τ = dt / (1 − l)   (l = 1: τ = inf)      r = τ / dt   (so the input enters with weight 1)
    v_leak = 0         v_threshold = −b      v_reset = 0

Where the SNU does **not** map exactly onto a NIR node, and what the export does:

1. **ReLU g.** The SNU clips its membrane at zero, s = max(0, ·); a NIR LIF has no lower bound. The
   export writes a plain LIF and annotates `snu.g = "relu"` in the node's metadata; our importer
   restores it; other tools will simulate a membrane that may go negative (it matters only when
   inhibition outweighs excitation: negative charge is then remembered instead of dropped).
2. **Multiplicative reset.** The SNU gates the carried membrane, l·s·(1 − y): after a spike the next
   step starts from 0 plus its new input. This equals NIR's reset to v_reset = 0 when the reset is
   applied in the same step as the spike (snnTorch `reset_mechanism="zero"`, `reset_delay=False`),
   which is how the export writes it (`snu.reset = "gate"`).
3. **Discrete decay vs continuous τ.** The SNU's decay l is a per-step factor; NIR's τ is
   continuous-time. τ = dt/(1 − l) reproduces l under forward Euler (the bridges' convention and the
   SNU's own l = 1 − dt/τ) but not under exact integration, where the per-step decay would be
   exp(−dt/τ) ≠ l; the exact reading is τ = −dt/ln l (what the Brian2 continuous mode uses). The
   exact l is kept in `snu.decay` so that our round trip is lossless.
4. **Soft units and the readout.** NIR has no sigmoid. Sigmoid (soft SNU) units, including the
   readout, are written as LI (leaky integrator) nodes with τ from the decay; the bias b, the
   activation ("sigmoid") and the gate by the unit's own analog output, s·(1 − y), which no NIR node
   has, are in the node metadata (`snu.bias`, `snu.activation`, `snu.reset`); the readout logit is
   the LI state + `snu.bias`. With SaccadicNet's default readout (decay 0: τ = dt) the LI state is
   exactly W·y, so only the final sigmoid lies outside NIR.
5. **Timing of recurrence.** The SNU adds H·y_{t−1} (the previous step's spikes); NIR edges carry no
   delay, and discrete simulators (snnTorch RLeaky, Norse) read the LIF → Affine → LIF loop as the
   previous step's output, which is what the export intends (`snu.recurrence = "previous step"`).

Import accepts graphs of that shape (nested subgraphs such as snnTorch's RNN blocks are flattened):
Affine/Linear weights, LIF, IF, CubaLIF with an instantaneous synapse (τ_syn = dt) and LI nodes; a
trailing LI (or Affine alone) becomes the readout. Anything else (convolutions, delays, v_reset ≠ 0,
synaptic current dynamics) raises ReplayError naming the node. dt comes from the graph metadata,
else from the `dt` argument (default 1e-4 s, snnTorch's convention).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from .core_spec import CoreSpec, LayerSpec, ReplayError, make_layer, validate

DEFAULT_DT = 1e-4  # seconds per step: snnTorch's NIR export/import default


def _nir():
    try:
        import nir
    except ImportError:  # pragma: no cover - nir is a declared dependency of this module
        raise ReplayError("the `nir` package is not installed (pip install nir)") from None
    return nir


def _tau_from_decay(decay: np.ndarray, dt: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.where(decay < 1.0, dt / np.maximum(1.0 - decay, 1e-300), np.inf)


def _layer_meta(layer: LayerSpec, dt: float, kind: str) -> dict:
    return {
        "snu.kind": kind,
        "snu.activation": layer.activation,
        "snu.g": layer.g,
        "snu.reset": "gate" if layer.reset else "none",
        "snu.decay": np.asarray(layer.decay, dtype=np.float64),
        "snu.bias": np.asarray(layer.bias, dtype=np.float64),
        "snu.decay_convention": "forward Euler: l = 1 - dt/tau",
        "snu.recurrence": "previous step",
        "snu.dt": float(dt),
    }


def export_nir(spec: CoreSpec, dt: float = DEFAULT_DT):
    """The CoreSpec as a nir.NIRGraph (see the module docstring for the mapping)."""
    nir = _nir()
    validate(spec)
    nodes: dict = {"input": nir.Input(input_type=np.array([spec.n_input]))}
    edges: list[tuple[str, str]] = []
    prev = "input"
    for k, layer in enumerate(spec.all_layers):
        is_readout = spec.readout is not None and k == len(spec.layers)
        name = "readout" if is_readout else f"snu{k}"
        bias = layer.i_bias if layer.i_bias is not None else np.zeros(layer.n)
        nodes[f"{name}.w_in"] = nir.Affine(weight=np.ascontiguousarray(layer.W.T), bias=np.asarray(bias, np.float64))
        tau = _tau_from_decay(layer.decay, dt)
        r = np.where(np.isfinite(tau), tau / dt, 1.0)
        meta = _layer_meta(layer, dt, "readout" if is_readout else "layer")
        if layer.spiking:
            cell = f"{name}.lif"
            nodes[cell] = nir.LIF(
                tau=tau,
                r=r,
                v_leak=np.zeros(layer.n),
                v_threshold=-np.asarray(layer.bias, np.float64),
                v_reset=np.zeros(layer.n),
                metadata=meta,
            )
        else:
            cell = f"{name}.li"
            nodes[cell] = nir.LI(tau=tau, r=r, v_leak=np.zeros(layer.n), metadata=meta)
        edges += [(prev, f"{name}.w_in"), (f"{name}.w_in", cell)]
        if layer.H is not None:
            nodes[f"{name}.w_rec"] = nir.Affine(weight=np.ascontiguousarray(layer.H.T), bias=np.zeros(layer.n))
            edges += [(cell, f"{name}.w_rec"), (f"{name}.w_rec", cell)]
        prev = cell
    n_out = spec.all_layers[-1].n
    nodes["output"] = nir.Output(output_type=np.array([n_out]))
    edges.append((prev, "output"))
    meta = {"source": "saccade_net", "dt": float(dt), "format": "snu-core", "decay_convention": "forward Euler"}
    return nir.NIRGraph(nodes=nodes, edges=edges, metadata=meta)


def write_nir(spec: CoreSpec, path: str | os.PathLike, dt: float = DEFAULT_DT) -> Path:
    """Export `spec` and write it with nir.write (HDF5)."""
    nir = _nir()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nir.write(str(path), export_nir(spec, dt))
    return path


# ------------------------------------------------------------------------------------------- import


def _s(v) -> str:
    if isinstance(v, bytes):
        return v.decode("utf8")
    if isinstance(v, np.ndarray) and v.shape == () and isinstance(v.item(), bytes):
        return v.item().decode("utf8")
    return str(v)


def _inline(graph, prefix: str = "") -> tuple[dict, list[tuple[str, str]]]:
    """Nodes and edges of `graph` with nested NIRGraphs inlined under "name." prefixes; edges into
    or out of a subgraph are rerouted to its Input / from its Output node."""
    nir = _nir()
    nodes, edges, entry, exit_ = {}, [], {}, {}
    for key, node in graph.nodes.items():
        full = f"{prefix}{key}"
        if isinstance(node, nir.NIRGraph):
            sub_nodes, sub_edges = _inline(node, f"{full}.")
            inputs = [k for k, n in node.nodes.items() if isinstance(n, nir.Input)]
            outputs = [k for k, n in node.nodes.items() if isinstance(n, nir.Output)]
            if len(inputs) != 1 or len(outputs) != 1:
                raise ReplayError(f"NIR subgraph {full!r}: needs exactly one Input and one Output")
            nodes.update(sub_nodes)
            edges += sub_edges
            entry[full], exit_[full] = f"{full}.{inputs[0]}", f"{full}.{outputs[0]}"
        else:
            nodes[full] = node
    for a, b in graph.edges:
        a, b = f"{prefix}{_s(a)}", f"{prefix}{_s(b)}"
        edges.append((exit_.get(a, a), entry.get(b, b)))
    return nodes, edges


def _flatten(graph) -> tuple[dict, list[tuple[str, str]]]:
    """`_inline`, then the Input/Output nodes of inlined subgraphs removed (their predecessors are
    connected straight to their successors)."""
    nir = _nir()
    nodes, edges = _inline(graph)
    for key in [k for k, n in nodes.items() if isinstance(n, (nir.Input, nir.Output)) and k not in graph.nodes]:
        preds = [a for a, b in edges if b == key]
        succs = [b for a, b in edges if a == key]
        edges = [e for e in edges if key not in e] + [(a, b) for a in preds for b in succs]
        del nodes[key]
    return nodes, edges


def _dt_of(graph, dt: float | None) -> float:
    meta = getattr(graph, "metadata", None) or {}
    if "dt" in meta:
        return float(np.asarray(meta["dt"]))
    return float(dt if dt is not None else DEFAULT_DT)


def import_nir(source, dt: float | None = None) -> CoreSpec:
    """A CoreSpec from a nir.NIRGraph or a NIR file (see the module docstring for what is accepted)."""
    nir = _nir()
    if isinstance(source, (str, os.PathLike)):
        if not Path(source).is_file():
            raise ReplayError(f"{source}: no such NIR file")
        try:
            graph = nir.read(str(source))
        except Exception as exc:  # h5py and NIR parsing errors: unreadable
            raise ReplayError(f"{source}: not a readable NIR file ({type(exc).__name__}: {str(exc)[:120]})") from None
    else:
        graph = source
    if not isinstance(graph, nir.NIRGraph):
        raise ReplayError(f"expected a NIR graph, got {type(graph).__name__}")
    dt = _dt_of(graph, dt)
    nodes, edges = _flatten(graph)
    succ: dict[str, list[str]] = {k: [] for k in nodes}
    pred: dict[str, list[str]] = {k: [] for k in nodes}
    for a, b in edges:
        if a not in nodes or b not in nodes:
            raise ReplayError(f"NIR edge ({a!r}, {b!r}) names a node that does not exist")
        succ[a].append(b)
        pred[b].append(a)
    inputs = [k for k, n in nodes.items() if isinstance(n, nir.Input)]
    outputs = [k for k, n in nodes.items() if isinstance(n, nir.Output)]
    if len(inputs) != 1 or len(outputs) != 1:
        raise ReplayError(f"NIR graph: needs exactly one Input and one Output, found {len(inputs)} and {len(outputs)}")
    weights_t = (nir.Affine, nir.Linear)
    neuron_t = (nir.LIF, nir.IF, nir.CubaLIF, nir.LI)

    def recurrent_of(cell: str) -> str | None:
        loops = [a for a in succ[cell] if isinstance(nodes[a], weights_t) and succ[a] == [cell] and pred[a] == [cell]]
        if len(loops) > 1:
            raise ReplayError(f"NIR node {cell!r}: more than one recurrent connection")
        return loops[0] if loops else None

    layers: list[tuple[str, np.ndarray, np.ndarray, str | None]] = []  # (cell, W (n_in, n), bias current, rec)
    cur, W, bias = inputs[0], None, None
    n_in = int(np.prod(np.asarray(nodes[cur].input_type["input"])))
    seen = set()
    while True:
        if cur in seen:
            raise ReplayError(f"NIR graph: unexpected cycle through {cur!r}")
        seen.add(cur)
        rec = recurrent_of(cur) if isinstance(nodes[cur], neuron_t) else None
        nxt = [b for b in succ[cur] if b != rec]
        if len(nxt) != 1:
            raise ReplayError(f"NIR node {cur!r}: expected one successor in a feed-forward chain, found {len(nxt)}")
        cur = nxt[0]
        node = nodes[cur]
        if isinstance(node, nir.Output):
            break
        if isinstance(node, weights_t):
            if W is not None:
                raise ReplayError(f"NIR node {cur!r}: two weight nodes in a row are not supported")
            w = np.asarray(node.weight, dtype=np.float64)
            if w.ndim != 2:
                raise ReplayError(f"NIR node {cur!r}: weights must be 2-D, got shape {w.shape}")
            W = w.T
            bias = np.asarray(getattr(node, "bias", np.zeros(w.shape[0])), dtype=np.float64)
            if bias.shape != (w.shape[0],):
                bias = np.broadcast_to(bias, (w.shape[0],)).copy()
        elif isinstance(node, neuron_t):
            if W is None:
                raise ReplayError(f"NIR node {cur!r}: a neuron node must follow a weight (Affine/Linear) node")
            layers.append((cur, W, bias, recurrent_of(cur)))
            W = bias = None
        else:
            raise ReplayError(f"NIR node {cur!r}: node type {type(node).__name__} is not supported by the SNU replay")
    trailing = (W, bias) if W is not None else None
    if not layers:
        raise ReplayError("NIR graph: no neuron (LIF/LI) node found")

    specs = [
        _layer_from_nodes(name, nodes[name], Wl, bl, nodes[rec] if rec else None, dt) for name, Wl, bl, rec in layers
    ]
    if specs[0].n_in != n_in:
        raise ReplayError(f"NIR graph: Input has {n_in} values but the first weights take {specs[0].n_in}")
    readout = None
    if trailing is not None:  # a linear readout: no memory, identity output
        Wt, bt = trailing
        readout = make_layer(Wt, 0.0, bt, activation="identity", g="identity", reset=False)
    elif not specs[-1].spiking:
        readout = specs.pop()
    if not specs:
        raise ReplayError("NIR graph: no spiking layer before the readout")
    meta = {"source": "nir", "dt": dt}
    gm = getattr(graph, "metadata", None) or {}
    if "source" in gm:
        meta["nir_source"] = _s(gm["source"])
    return validate(CoreSpec(specs, readout, meta))


def _layer_from_nodes(name: str, node, W: np.ndarray, in_bias: np.ndarray, rec, dt: float) -> LayerSpec:
    """One LayerSpec from a NIR neuron node, its incoming weights (n_in, n) and bias, and its recurrent
    weight node (or None)."""
    nir = _nir()
    meta = {k: v for k, v in (getattr(node, "metadata", None) or {}).items()}
    n = W.shape[1]
    arr = lambda a: np.broadcast_to(np.asarray(a, dtype=np.float64), (n,)).copy()  # noqa: E731
    if isinstance(node, nir.IF):
        decay, scale, leak_current = np.ones(n), arr(node.r), np.zeros(n)
    else:
        if isinstance(node, nir.CubaLIF):
            if not np.allclose(arr(node.tau_syn), dt, rtol=1e-6):
                raise ReplayError(
                    f"NIR node {name!r}: CubaLIF with tau_syn != dt has synaptic current dynamics, "
                    "which an SNU cannot represent"
                )
            tau, w_in = arr(node.tau_mem), arr(node.w_in)
        else:
            tau, w_in = arr(node.tau), np.ones(n)
        if np.any(tau < dt * (1 - 1e-9)):
            raise ReplayError(f"NIR node {name!r}: tau < dt ({tau.min():g} < {dt:g}) gives a negative decay")
        with np.errstate(divide="ignore", invalid="ignore"):
            k = np.where(np.isfinite(tau), dt / tau, 0.0)
        decay = np.clip(1.0 - k, 0.0, 1.0)
        r = arr(node.r)
        scale = np.where(np.isfinite(tau), r * k, r * 0 + 1.0) * w_in
        leak_current = k * arr(node.v_leak)
        if "snu.decay" in meta:  # our own export: the exact decay
            exact = arr(meta["snu.decay"])
            if np.allclose(exact, decay, atol=1e-9):
                decay = exact
    if isinstance(node, nir.LI):
        activation = _s(meta.get("snu.activation", "identity"))
        bias = arr(meta.get("snu.bias", 0.0))
        reset = _s(meta.get("snu.reset", "none")) == "gate"
        g = _s(meta.get("snu.g", "identity"))
    else:
        v_reset = arr(getattr(node, "v_reset", 0.0))
        if np.any(v_reset != 0):
            raise ReplayError(f"NIR node {name!r}: v_reset != 0 cannot be represented (the SNU resets to 0)")
        activation, bias, reset = "step", -arr(node.v_threshold), True
        g = _s(meta.get("snu.g", "identity"))
    W_scaled = W * scale[None, :]
    H = None
    if rec is not None:
        h = np.asarray(rec.weight, dtype=np.float64)
        if h.shape != (n, n):
            raise ReplayError(f"NIR node {name!r}: recurrent weights must be ({n}, {n}), got {h.shape}")
        H = h.T * scale[None, :]
        rec_bias = np.asarray(getattr(rec, "bias", np.zeros(n)), dtype=np.float64)
        in_bias = in_bias + np.broadcast_to(rec_bias, (n,))
    i_bias = in_bias * scale + leak_current
    try:
        return make_layer(
            W_scaled,
            decay,
            bias,
            H=H,
            i_bias=i_bias if np.any(i_bias) else None,
            activation=activation,
            g=g,
            reset=reset,
        )
    except ReplayError as exc:
        raise ReplayError(f"NIR node {name!r}: {exc}") from None


def read_nir(path: str | os.PathLike, dt: float | None = None) -> CoreSpec:
    """nir.read + import_nir."""
    return import_nir(Path(path), dt)
