"""Operations per decision (one puzzle) and the energy they would cost on given hardware.

Counted, not measured: the spiking network's spikes per layer and spike-driven synaptic events
(each spike × its outgoing synapses, `core_spec.synaptic_events`) come from `SaccadicNet.record`;
every dense multiply-accumulate (convolutions and linear layers, OReN's whole forward pass, the
saccadic network's glimpse encoder and the graded input synapses of its first SNU layer) is counted
from the shapes of one forward pass. Normalisations, activations and additions outside MACs are left
out. The energies per operation are published figures for other chips, so the result is an estimate
of the order of magnitude, not a measurement on this machine.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..core_spec import core_spec_from_model, synaptic_events
from ..data import Puzzles

SYNOP_PJ = 23.6  # energy per synaptic spike operation, Intel Loihi
SYNOP_SOURCE = "Davies et al., Loihi: a neuromorphic manycore processor with on-chip learning, IEEE Micro 38(1), 2018"
MAC_PJ = 4.6  # 32-bit float multiply (3.7 pJ) + add (0.9 pJ), 45 nm CMOS
MAC_SOURCE = "Horowitz, Computing's energy problem (and what we can do about it), ISSCC 2014 (45 nm)"


def dense_macs(model: nn.Module, x: torch.Tensor, skip: tuple[nn.Module, ...] = ()) -> float:
    """Multiply-accumulates per puzzle of the Conv2d and Linear modules a forward pass calls (those
    inside `skip` excluded), plus OReN's first relation layer, which is applied as F.linear."""
    skipped = {id(m) for s in skip for m in s.modules()}
    total = [0.0]

    def hook(module: nn.Module, inputs, output) -> None:  # noqa: ANN001
        if isinstance(module, nn.Conv2d):
            k = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            total[0] += output.numel() * k
        else:
            total[0] += output.numel() * module.in_features

    handles = [
        m.register_forward_hook(hook)
        for m in model.modules()
        if isinstance(m, nn.Conv2d | nn.Linear) and id(m) not in skipped
    ]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for h in handles:
            h.remove()
    core = getattr(model, "core", None)
    g_first = getattr(core, "g_first", None)
    if isinstance(g_first, nn.Linear):  # o_k and o_j halves, each once per object
        n_objects = core.others.shape[0]
        total[0] += x.shape[0] * n_objects * g_first.in_features * g_first.out_features
    return total[0] / x.shape[0]


def saccadic_counts(model: nn.Module, x: torch.Tensor) -> dict:
    """Per decision: spikes per SNU layer, spike-driven synaptic events, graded input operations
    (non-zero core inputs × first-layer fan-out) and the encoder's dense MACs."""
    with torch.no_grad():
        rec = model.record(x)
    spec = core_spec_from_model(model)
    spikes = [s.detach().cpu().numpy().astype(np.float64) for s in rec.spikes]
    b = x.shape[0]
    per_layer = [
        float((s > 0.5).sum() / b) if layer.spiking else None for s, layer in zip(spikes, spec.layers, strict=True)
    ]
    events = float(synaptic_events(spec, spikes).mean())
    graded = float((rec.inputs != 0).sum().item() / b * spec.layers[0].n)
    encoder = dense_macs(model, x, skip=(model.layers, model.readout))
    return {
        "steps": int(rec.logit.shape[1]),
        "spikes_per_layer": per_layer,
        "spikes": float(sum(s for s in per_layer if s is not None)),
        "synaptic_events": events,
        "graded_input_ops": graded,
        "encoder_macs": encoder,
        "dense_macs": encoder + graded,
    }


def energy_estimate(counts: dict) -> dict:
    """Energy per decision in nanojoules: synaptic events at SYNOP_PJ, dense MACs at MAC_PJ."""
    events = counts.get("synaptic_events", 0.0)
    macs = counts.get("dense_macs", 0.0)
    spike_nj, dense_nj = events * SYNOP_PJ / 1e3, macs * MAC_PJ / 1e3
    return {"synaptic_nj": spike_nj, "dense_nj": dense_nj, "total_nj": spike_nj + dense_nj}


def decision_costs(model: nn.Module, puzzles: Puzzles, is_saccadic: bool, n: int = 128) -> dict:
    """Operation counts and the energy estimate per decision on the first `n` puzzles."""
    x, _ = puzzles.batch(torch.arange(min(n, len(puzzles))))
    was_training = model.training
    model.eval()
    try:
        counts = saccadic_counts(model, x) if is_saccadic else {"dense_macs": dense_macs(model, x)}
    finally:
        model.train(was_training)
    return {"puzzles": int(x.shape[0]), **counts, "energy": energy_estimate(counts)}


def energy_constants() -> dict:
    """The per-operation energies used and where they come from."""
    return {
        "synaptic_event_pj": SYNOP_PJ,
        "synaptic_event_source": SYNOP_SOURCE,
        "mac_pj": MAC_PJ,
        "mac_source": MAC_SOURCE,
    }
