"""The SNU layer: a hand-computed example, the soft variant, surrogate gradients, explicit state."""

import math

import pytest
import torch

from saccade_net.snu import SNU, SURROGATES, SNUState, fast_sigmoid, spike


def hand_layer(**kw) -> SNU:
    """2 neurons, 1 input: W = [1, 0.5], H = [[0, -1], [0.5, 0]] (H[i, j]: from j to i), l = 0.5, b = [-1, -0.4]."""
    layer = SNU(1, 2, tau=2.0, **kw)
    with torch.no_grad():
        layer.W.weight.copy_(torch.tensor([[1.0], [0.5]]))
        layer.H.weight.copy_(torch.tensor([[0.0, -1.0], [0.5, 0.0]]))
        layer.b.copy_(torch.tensor([-1.0, -0.4]))
    return layer


# s_t = relu(W x_t + H y_{t-1} + 0.5 s_{t-1} (1 - y_{t-1})),  y_t = [s_t + b > 0]
#  t  x    W x          leak term                 H y_{t-1}    s_t               s_t + b            y_t
#  1  0.6  [.6, .3]     0                         0            [.6, .3]          [-.4, -.1]         [0, 0]
#  2  0.6  [.6, .3]     [.3, .15]                 0            [.9, .45]         [-.1, .05]         [0, 1]
#  3  0.6  [.6, .3]     [.45, 0]  (n2 reset)      [-1, 0]      [.05, .3]         [-.95, -.1]        [0, 0]
#  4  0    0            [.025, .15]               0            [.025, .15]       [-.975, -.25]      [0, 0]
#  5  1.2  [1.2, .6]    [.0125, .075]             0            [1.2125, .675]    [.2125, .275]      [1, 1]
#  6  0    0            [0, 0]    (both reset)    [-1, .5]     relu → [0, .5]    [-1, .1]           [0, 1]
X = torch.tensor([0.6, 0.6, 0.6, 0.0, 1.2, 0.0]).reshape(1, 6, 1)
S_EXPECTED = torch.tensor([[0.6, 0.3], [0.9, 0.45], [0.05, 0.3], [0.025, 0.15], [1.2125, 0.675], [0.0, 0.5]])
Y_EXPECTED = torch.tensor([[0, 0], [0, 1], [0, 0], [0, 0], [1, 1], [0, 1]], dtype=torch.float32)


def test_decay_from_time_constant():
    assert torch.allclose(SNU(1, 3, tau=2.0).leak(), torch.full((3,), 0.5))
    assert torch.allclose(SNU(1, 3, tau=5.0).leak(), torch.full((3,), 0.8))
    assert torch.allclose(SNU(1, 3, tau=4.0).tau(), torch.full((3,), 4.0))
    assert torch.allclose(SNU(1, 3, tau=1.0).leak(), torch.zeros(3))
    with pytest.raises(ValueError):
        SNU(1, 3, tau=0.5)


def test_forward_matches_hand_computed_example():
    y, s, state = hand_layer()(X, return_membrane=True)
    torch.testing.assert_close(s[0], S_EXPECTED)
    assert torch.equal(y[0], Y_EXPECTED)
    assert torch.equal(state.y, Y_EXPECTED[-1:]) and torch.allclose(state.s, S_EXPECTED[-1:])


def test_step_by_step_equals_sequence_and_state_is_explicit():
    layer = hand_layer()
    state = layer.initial_state(1)
    ys = []
    for t in range(X.shape[1]):
        y, state = layer.step(X[:, t], state)
        ys.append(y)
        assert isinstance(state, SNUState)
    assert torch.equal(torch.stack(ys, 1)[0], Y_EXPECTED)
    # resuming from a saved state gives the rest of the sequence
    _, mid = layer(X[:, :3])
    y_rest, _ = layer(X[:, 3:], state=mid)
    assert torch.equal(y_rest[0], Y_EXPECTED[3:])


def test_forward_unchanged_by_reset_detach_and_surrogate():
    for kw in ({"detach_reset": False}, {"surrogate": "triangle"}, {"surrogate": "sigmoid", "surrogate_scale": 5.0}):
        y, _ = hand_layer(**kw)(X)
        assert torch.equal(y[0], Y_EXPECTED)


def test_soft_variant_hand_computed():
    layer = SNU(1, 1, recurrent=False, soft=True, tau=2.0, bias_init=0.0)
    with torch.no_grad():
        layer.W.weight.fill_(1.0)
    y, s, _ = layer(torch.ones(1, 2, 1), return_membrane=True)
    y1 = 1 / (1 + math.exp(-1.0))  # s1 = 1
    s2 = 1.0 + 0.5 * 1.0 * (1 - y1)  # the soft output gates the leak
    torch.testing.assert_close(s[0, :, 0], torch.tensor([1.0, s2]))
    torch.testing.assert_close(y[0, :, 0], torch.tensor([y1, 1 / (1 + math.exp(-s2))]))


def test_identity_g_lets_the_membrane_go_negative():
    layer = SNU(1, 1, recurrent=False, soft=True, tau=1.0, bias_init=0.0, g="identity")
    with torch.no_grad():
        layer.W.weight.fill_(-2.0)
    _, s, _ = layer(torch.ones(1, 1, 1), return_membrane=True)
    assert s.item() == -2.0


def test_spike_is_heaviside_with_surrogate_derivative():
    x = torch.linspace(-2, 2, 41, requires_grad=True)
    y = spike(x, "fast_sigmoid", 2.0)
    assert torch.equal(y, (x > 0).float())
    y.sum().backward()
    torch.testing.assert_close(x.grad, fast_sigmoid(x.detach(), 2.0))
    for name, fn in SURROGATES.items():
        assert fn(torch.tensor(0.0), 3.0).item() == pytest.approx(1.0), name  # all peak at 1 at threshold
        assert fn(torch.tensor(1.5), 3.0).item() < 0.2, name
    custom = torch.tensor([0.3], requires_grad=True)
    spike(custom, lambda v, k: torch.full_like(v, 7.0)).sum().backward()  # any function is a surrogate
    assert custom.grad.item() == 7.0


@pytest.mark.parametrize("surrogate", sorted(SURROGATES))
@pytest.mark.parametrize("recurrent", [True, False])
def test_surrogate_gradient_flows_through_binary_spikes(surrogate, recurrent):
    torch.manual_seed(0)
    layer = SNU(8, 16, recurrent=recurrent, surrogate=surrogate, train_decay=True)
    x = torch.rand(4, 10, 8) * 2
    y, _ = layer(x)
    assert set(y.unique().tolist()) <= {0.0, 1.0} and 0 < y.mean() < 1
    target = torch.rand(4, 10, 16).round()
    ((y - target) ** 2).mean().backward()
    params = {"W": layer.W.weight, "b": layer.b, "decay": layer.decay}
    if recurrent:
        params["H"] = layer.H.weight
    for name, p in params.items():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_soft_units_have_exact_gradients_without_reset_detach():
    torch.manual_seed(0)
    layer = SNU(3, 4, soft=True, detach_reset=False).double()  # detaching would drop a true term
    x = torch.rand(2, 5, 3, dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda inp: layer(inp)[0], (x.requires_grad_(),))


def test_bad_arguments():
    with pytest.raises(ValueError, match="surrogate"):
        SNU(1, 1, surrogate="boxcar")
    with pytest.raises(ValueError, match="g must be"):
        SNU(1, 1, g="tanh")


@pytest.mark.parametrize("soft, g", [(True, "identity"), (False, "relu")])
def test_memoryless_layer_shortcut_equals_the_step_loop(soft, g):
    torch.manual_seed(0)
    layer = SNU(5, 3, recurrent=False, soft=soft, tau=1.0, g=g, bias_init=-0.3)  # l = 0: the sequence is vectorised
    x = torch.randn(2, 7, 5)
    y, s, state = layer(x, return_membrane=True)
    st = layer.initial_state(2)
    for t in range(7):
        y_t, st = layer.step(x[:, t], st)
        torch.testing.assert_close(y[:, t], y_t)
        torch.testing.assert_close(s[:, t], st.s)
    torch.testing.assert_close(state.s, st.s)
