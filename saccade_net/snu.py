"""Spiking Neural Units (Woźniak, Pantazi, Bohnstingl & Eleftheriou, Nature Machine Intelligence 2020).

One SNU layer of n neurons, in discrete time steps of length dt:

    s_t = g(W x_t + H y_{t-1} + l · s_{t-1} ⊙ (1 − y_{t-1}))      membrane potential (g = ReLU)
    y_t = h(s_t + b)                                                output

- h is the Heaviside step (spiking SNU: y ∈ {0, 1}, a spike when s_t > −b) or the sigmoid (soft sSNU).
  In the backward pass the step's derivative is replaced by a surrogate (`SURROGATES`, swappable).
- l is the membrane decay, l = 1 − dt/τ (the paper's l(τ), a forward-Euler leak; τ in units of dt,
  so τ = 5 gives l = 0.8). Per neuron; fixed by default, trainable with `train_decay` (kept in [0, 1]).
- b is a trainable bias per neuron, initialised negative (−1: threshold 1); the spike resets the
  membrane through the gate (1 − y_{t-1}).
- H (recurrence) is optional; the layer has no other bias.

The state (s, y) is explicit: `step(x, state) -> (y, state)`; `forward` runs a whole sequence (B, T, I)
and can also return the membrane potentials (with hand-written backpropagation through time, `snu_bptt`;
`update` is the same step for autograd). `current` (W x) is split from `update` (the rest) so that
the input current of a whole sequence is one matrix product and so that a replay can feed currents.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import torch
from torch import nn

from .snu_bptt import SNUSpec, snu_sequence

# ----------------------------------------------------------------------------------- surrogate gradients


def fast_sigmoid(x: torch.Tensor, scale: float) -> torch.Tensor:
    """SuperSpike (Zenke & Ganguli 2018): 1 / (1 + scale·|x|)²."""
    d = x.abs().mul_(scale).add_(1.0)
    return d.mul_(d).reciprocal_()


def sigmoid_derivative(x: torch.Tensor, scale: float) -> torch.Tensor:
    """Derivative of sigmoid(scale·x), normalised to 1 at 0: 4 σ(scale·x)(1 − σ(scale·x))."""
    s = torch.sigmoid(scale * x)
    return 4.0 * s * (1.0 - s)


def triangle(x: torch.Tensor, scale: float) -> torch.Tensor:
    """Piecewise linear (Bellec et al. 2018): max(0, 1 − scale·|x|)."""
    return torch.clamp(1.0 - scale * x.abs(), min=0.0)


SURROGATES: dict[str, Callable[[torch.Tensor, float], torch.Tensor]] = {
    "fast_sigmoid": fast_sigmoid,
    "sigmoid": sigmoid_derivative,
    "triangle": triangle,
}


class _SpikeFunction(torch.autograd.Function):
    """Heaviside forward, surrogate derivative backward."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, surrogate: Callable, scale: float) -> torch.Tensor:  # noqa: ANN001
        ctx.save_for_backward(x)
        ctx.surrogate, ctx.scale = surrogate, scale
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):  # noqa: ANN001, ANN205
        (x,) = ctx.saved_tensors
        return grad * ctx.surrogate(x, ctx.scale), None, None


def spike(x: torch.Tensor, surrogate: str | Callable = "fast_sigmoid", scale: float = 2.0) -> torch.Tensor:
    """Heaviside(x) = 1 where x > 0 else 0; its gradient is the surrogate's (a name in SURROGATES or any
    function (x, scale) -> derivative)."""
    fn = SURROGATES[surrogate] if isinstance(surrogate, str) else surrogate
    return _SpikeFunction.apply(x, fn, scale)


# ------------------------------------------------------------------------------------------------ layer


class SNUState(NamedTuple):
    """Membrane potential s and output y of the previous step, each (B, n)."""

    s: torch.Tensor
    y: torch.Tensor


class SNU(nn.Module):
    """A layer of Spiking Neural Units (see the module docstring for the equations).

    Args:
        in_features, out_features: sizes of x and y.
        recurrent: include the recurrent weights H (y_{t-1} → s_t).
        soft: sigmoid output (sSNU) instead of spikes.
        tau: membrane time constant in units of dt (l = 1 − 1/tau); tau = 1 means no memory.
        bias_init: initial b (negative: the threshold is −b).
        train_decay: learn l per neuron.
        surrogate, surrogate_scale: the step's backward derivative (ignored when soft).
        detach_reset: no gradient through the reset gate (1 − y_{t-1}); the forward pass is unchanged.
        g: "relu" (the SNU's) or "identity" (a membrane that may go negative, e.g. for a readout).
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        recurrent: bool = True,
        soft: bool = False,
        tau: float = 5.0,
        bias_init: float = -1.0,
        train_decay: bool = False,
        surrogate: str = "fast_sigmoid",
        surrogate_scale: float = 2.0,
        detach_reset: bool = True,
        g: str = "relu",
    ) -> None:
        super().__init__()
        if tau < 1:
            raise ValueError(f"tau must be >= 1 (in units of dt), got {tau}")
        if surrogate not in SURROGATES:
            raise ValueError(f"unknown surrogate {surrogate!r}; choose from {', '.join(SURROGATES)}")
        if g not in ("relu", "identity"):
            raise ValueError(f"g must be 'relu' or 'identity', got {g!r}")
        self.in_features, self.out_features = in_features, out_features
        self.soft, self.surrogate, self.surrogate_scale = soft, surrogate, surrogate_scale
        self.detach_reset, self.g = detach_reset, g
        self.W = nn.Linear(in_features, out_features, bias=False)
        self.H = nn.Linear(out_features, out_features, bias=False) if recurrent else None
        self.b = nn.Parameter(torch.full((out_features,), float(bias_init)))
        decay = torch.full((out_features,), 1.0 - 1.0 / tau)
        if train_decay:
            self.decay = nn.Parameter(decay)
        else:
            self.register_buffer("decay", decay)
        if self.H is not None:  # weak orthogonal recurrence: the input drives the layer at first
            nn.init.orthogonal_(self.H.weight, gain=0.5)

    @property
    def recurrent(self) -> bool:
        return self.H is not None

    def leak(self) -> torch.Tensor:
        """l per neuron, in [0, 1]."""
        return self.decay.clamp(0.0, 1.0)

    def tau(self) -> torch.Tensor:
        """Membrane time constant per neuron in units of dt: τ = 1 / (1 − l) (inf for l = 1)."""
        return 1.0 / (1.0 - self.leak().detach())

    def initial_state(
        self, batch: int, device: torch.device | None = None, dtype: torch.dtype | None = None
    ) -> SNUState:
        """Zero membrane and output (B, n)."""
        z = torch.zeros(batch, self.out_features, device=device, dtype=dtype or self.b.dtype)
        return SNUState(z, z)

    def current(self, x: torch.Tensor) -> torch.Tensor:
        """The feed-forward input current W x (any leading dimensions)."""
        return self.W(x)

    def activation(self, v: torch.Tensor) -> torch.Tensor:
        """h(v): the step (with its surrogate) or the sigmoid."""
        if self.soft:
            return torch.sigmoid(v)
        return spike(v, self.surrogate, self.surrogate_scale)

    def update(
        self, current: torch.Tensor, state: SNUState, leak: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, SNUState]:
        """One step given the input current W x_t: the SNU equations (`leak`: `self.leak()`, precomputed)."""
        s_prev, y_prev = state
        gate = 1.0 - (y_prev.detach() if self.detach_reset else y_prev)
        v = current + (self.leak() if leak is None else leak) * s_prev * gate
        if self.H is not None:
            v = v + self.H(y_prev)
        s = torch.relu(v) if self.g == "relu" else v
        y = self.activation(s + self.b)
        return y, SNUState(s, y)

    def step(self, x: torch.Tensor, state: SNUState | None = None) -> tuple[torch.Tensor, SNUState]:
        """One step from the input x_t (B, in_features)."""
        if state is None:
            state = self.initial_state(x.shape[0], x.device, x.dtype)
        return self.update(self.current(x), state)

    def forward(
        self, x: torch.Tensor, state: SNUState | None = None, return_membrane: bool = False
    ) -> tuple[torch.Tensor, SNUState] | tuple[torch.Tensor, torch.Tensor, SNUState]:
        """A sequence x (B, T, in) → outputs y (B, T, out) and the final state; with return_membrane also
        s (B, T, out), the membrane after each step (the logit of a soft unit is s + b)."""
        return self.integrate(self.current(x), state, return_membrane)

    def integrate(
        self, currents: torch.Tensor, state: SNUState | None = None, return_membrane: bool = False
    ) -> tuple[torch.Tensor, SNUState] | tuple[torch.Tensor, torch.Tensor, SNUState]:
        """`forward` from the input currents W x (B, T, out) instead of x: for callers that can compute
        them more cheaply (e.g. once per fixation rather than once per step)."""
        if state is None:
            state = self.initial_state(currents.shape[0], currents.device, currents.dtype)
        leak = self.leak()
        if self.H is None and not leak.requires_grad and not leak.any():  # memoryless (τ = 1): no loop needed
            s_seq = torch.relu(currents) if self.g == "relu" else currents
            y_seq = self.activation(s_seq + self.b)
            if currents.shape[1]:
                state = SNUState(s_seq[:, -1], y_seq[:, -1])
            return (y_seq, s_seq, state) if return_membrane else (y_seq, state)
        if not currents.shape[1]:
            empty = currents.new_zeros(currents.shape[0], 0, self.out_features)
            return (empty, empty, state) if return_membrane else (empty, state)
        h_weight = None if self.H is None else self.H.weight
        y_seq, s_seq = snu_sequence(currents, h_weight, self.b, leak, state.s, state.y, self.spec())
        state = SNUState(s_seq[:, -1], y_seq[:, -1])
        return (y_seq, s_seq, state) if return_membrane else (y_seq, state)

    def spec(self) -> SNUSpec:
        """The layer's non-tensor settings for `snu_sequence`."""
        return SNUSpec(self.soft, self.g == "relu", self.detach_reset, SURROGATES[self.surrogate], self.surrogate_scale)

    def extra_repr(self) -> str:
        kind = "soft" if self.soft else f"spiking, surrogate={self.surrogate}({self.surrogate_scale})"
        return f"{self.in_features} → {self.out_features}, recurrent={self.recurrent}, {kind}, g={self.g}"
