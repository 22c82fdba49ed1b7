"""Backpropagation through time for a whole SNU sequence, written out by hand.

Autograd records about fifteen small operations per time step of an SNU layer and replays them one by
one backwards; at the saccadic network's sizes (64 puzzles × 256 neurons, ~55 steps) that bookkeeping,
not arithmetic, is what a step of the spiking core costs on a CPU. `snu_sequence` computes the same
forward pass without a graph and a backward pass whose per-step work is four element-wise operations
and one matrix product: everything that does not depend on the carried gradient (surrogate
derivatives, the ReLU mask, the leak gates, the gradients of H, b and l) is computed for the whole
sequence at once. The numbers equal autograd's through `SNU.update` (tests/test_snu_bptt.py).

Equations (per step t, see `snu`): v_t = c_t + l ⊙ s_{t−1} ⊙ (1 − y_{t−1}) + H y_{t−1}, s_t = g(v_t),
y_t = h(s_t + b); c_t = W x_t is the input current, whose gradient autograd takes on to W and x.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import torch


class SNUSpec(NamedTuple):
    """The non-tensor settings of a layer: h (soft: sigmoid, else a step with `surrogate` at `scale`),
    g (relu or identity) and whether the reset gate is detached."""

    soft: bool
    relu: bool
    detach_reset: bool
    surrogate: Callable[[torch.Tensor, float], torch.Tensor]
    scale: float


class _SNUSequence(torch.autograd.Function):
    @staticmethod
    def forward(ctx, currents, h_weight, b, leak, s0, y0, spec: SNUSpec):  # noqa: ANN001, ANN205
        c = currents.transpose(0, 1)  # (T, B, n): each step's slice is contiguous
        steps = c.shape[0]
        s_seq = c.new_empty(c.shape)
        y_seq = c.new_empty(c.shape)
        h_t = None if h_weight is None else h_weight.t()
        s, y = s0, y0
        for t in range(steps):
            v = torch.addcmul(c[t], leak * s, 1.0 - y)
            if h_t is not None:
                v = torch.addmm(v, y, h_t)
            s = torch.clamp(v, min=0.0, out=s_seq[t]) if spec.relu else s_seq[t].copy_(v)
            u = s + b
            y = torch.sigmoid(u, out=y_seq[t]) if spec.soft else y_seq[t].copy_(u > 0)
        ctx.spec = spec
        ctx.set_materialize_grads(False)  # an unused output's gradient comes as None, not zeros
        ctx.save_for_backward(h_weight, b, leak, s0, y0, s_seq, y_seq)
        return y_seq.transpose(0, 1), s_seq.transpose(0, 1)

    @staticmethod
    def backward(ctx, grad_y, grad_s):  # noqa: ANN001, ANN205
        h_weight, b, leak, s0, y0, s_seq, y_seq = ctx.saved_tensors
        spec: SNUSpec = ctx.spec
        s_prev = torch.cat([s0[None], s_seq[:-1]])
        y_prev = torch.cat([y0[None], y_seq[:-1]])
        gate = 1.0 - y_prev
        dh = y_seq * (1.0 - y_seq) if spec.soft else spec.surrogate(s_seq + b, spec.scale)  # h'(s_t + b)
        relu_mask = (s_seq > 0).to(s_seq.dtype) if spec.relu else None  # g'(v_t)
        gy = torch.zeros_like(s_seq) if grad_y is None else grad_y.transpose(0, 1)
        gs = None if grad_s is None else grad_s.transpose(0, 1)
        leak_gate = leak * gate  # ∂v_t/∂s_{t−1}
        leak_s = None if spec.detach_reset else leak * s_prev  # −∂v_t/∂y_{t−1} through the reset gate
        dv_seq = torch.empty_like(s_seq)
        dy_seq = torch.empty_like(s_seq)  # ∂L/∂y_t in all, for b's gradient
        no_recurrence = torch.zeros_like(y0)
        dy_carry = no_recurrence  # ∂L/∂y_t from step t + 1
        ds_carry = torch.zeros_like(s0)  # ∂L/∂s_t from step t + 1
        for t in range(s_seq.shape[0] - 1, -1, -1):
            dy = torch.add(gy[t], dy_carry, out=dy_seq[t])
            ds = torch.addcmul(ds_carry, dy, dh[t])  # ∂L/∂s_t
            if gs is not None:
                ds = ds + gs[t]
            dv = torch.mul(ds, relu_mask[t], out=dv_seq[t]) if relu_mask is not None else dv_seq[t].copy_(ds)
            ds_carry = dv * leak_gate[t]
            dy_carry = dv @ h_weight if h_weight is not None else no_recurrence
            if leak_s is not None:
                dy_carry = torch.addcmul(dy_carry, dv, leak_s[t], value=-1.0)
        needs = ctx.needs_input_grad
        d_h = dv_seq.flatten(0, 1).t() @ y_prev.flatten(0, 1) if h_weight is not None and needs[1] else None
        d_b = (dy_seq * dh).sum((0, 1)) if needs[2] else None
        d_leak = (dv_seq * s_prev * gate).sum((0, 1)) if needs[3] else None
        # the carries now hold ∂L/∂s_{−1} and ∂L/∂y_{−1}: the initial state's gradients
        return dv_seq.transpose(0, 1), d_h, d_b, d_leak, ds_carry, dy_carry, None


def snu_sequence(
    currents: torch.Tensor,
    h_weight: torch.Tensor | None,
    b: torch.Tensor,
    leak: torch.Tensor,
    s0: torch.Tensor,
    y0: torch.Tensor,
    spec: SNUSpec,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Run an SNU layer over currents (B, T, n) from the state (s0, y0) → outputs y and membranes s,
    each (B, T, n), with hand-written backpropagation through time (see the module docstring)."""
    return _SNUSequence.apply(currents, h_weight, b, leak, s0, y0, spec)
