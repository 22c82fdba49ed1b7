"""The hand-written backpropagation through time of an SNU sequence equals autograd's through `SNU.update`."""

import itertools

import pytest
import torch

from saccade_net.snu import SNU, SNUState


def autograd_sequence(layer: SNU, x: torch.Tensor, state: SNUState) -> tuple[torch.Tensor, torch.Tensor]:
    """The reference: `update` step by step, differentiated by autograd."""
    currents, leak, ys, ss = layer.current(x), layer.leak(), [], []
    for t in range(x.shape[1]):
        y, state = layer.update(currents[:, t], state, leak)
        ys.append(y)
        ss.append(state.s)
    return torch.stack(ys, 1), torch.stack(ss, 1)


CASES = list(itertools.product([False, True], [False, True], ["relu", "identity"], [False, True], [False, True]))


@pytest.mark.parametrize(("soft", "recurrent", "g", "detach_reset", "train_decay"), CASES)
def test_outputs_and_gradients_match_autograd(soft, recurrent, g, detach_reset, train_decay):
    torch.manual_seed(3)
    layer = SNU(
        5, 7, soft=soft, recurrent=recurrent, g=g, detach_reset=detach_reset, train_decay=train_decay,
        bias_init=-0.3, surrogate="triangle" if recurrent else "fast_sigmoid",
    ).double()  # fmt: skip
    x = torch.randn(4, 9, 5, dtype=torch.float64, requires_grad=True)
    s0 = torch.rand(4, 7, dtype=torch.float64, requires_grad=True)
    y0 = (torch.rand(4, 7, dtype=torch.float64) > 0.5).double().requires_grad_()
    w_y, w_s = torch.randn(4, 9, 7, dtype=torch.float64), torch.randn(4, 9, 7, dtype=torch.float64)

    def grads(run) -> list[torch.Tensor]:
        y, s = run()
        ((y * w_y).sum() + (s * w_s).sum()).backward()
        params = [p for p in layer.parameters() if p.requires_grad]
        tensors = (x, s0, y0, *params)  # a gradient autograd leaves unset is zero
        out = [y.detach(), s.detach()] + [torch.zeros_like(t) if t.grad is None else t.grad.clone() for t in tensors]
        for t in tensors:
            t.grad = None
        return out

    fast = grads(lambda: layer(x, SNUState(s0, y0), return_membrane=True)[:2])
    reference = grads(lambda: autograd_sequence(layer, x, SNUState(s0, y0)))
    assert fast[0].sum() > 0 and fast[2].abs().sum() > 0  # the layer is active and gradients flow
    for a, b in zip(fast, reference, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_final_state_continues_a_split_sequence():
    torch.manual_seed(0)
    layer = SNU(3, 6, bias_init=-0.5)
    x = torch.randn(2, 10, 3)
    whole, _ = layer(x)
    first, state = layer(x[:, :4])
    second, _ = layer(x[:, 4:], state)
    torch.testing.assert_close(torch.cat([first, second], 1), whole)
