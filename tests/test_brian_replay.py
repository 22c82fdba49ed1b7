"""The Brian2 replay of SNU cores: hand-set spikes, batching, agreement with the float64 reference and
with PyTorch, the continuous-mode mapping, spec files and errors. Numpy target unless marked slow."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("brian2")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # brian2's pyparsing calls

from saccade_net.brian_replay import BrianReplay, ReplayConfig, continuous_constants, replay  # noqa: E402
from saccade_net.core_spec import (  # noqa: E402
    CoreSpec,
    ReplayError,
    core_spec_from_model,
    layer_from_snu,
    load_spec,
    make_layer,
    panel_scores,
    random_inputs,
    random_spec,
    reference_run,
    save_spec,
    synaptic_events,
    validate,
)

# --------------------------------------------------------------------------- a 3-neuron network by hand


def three_neuron_spec() -> CoreSpec:
    """Two inputs, three SNUs (decay 0.5, threshold 1): input 0 drives neuron 0 weakly (it fires every
    third step), input 1 drives neuron 1 strongly, neuron 2 listens only to 0 and 1 through H."""
    W = np.array([[0.6, 0.0, 0.0], [0.0, 1.5, 0.0]])
    H = np.zeros((3, 3))
    H[0, 2] = H[1, 2] = 0.7
    return validate(CoreSpec([make_layer(W, 0.5, -1.0, H=H)]))


def three_neuron_inputs() -> np.ndarray:
    x = np.zeros((1, 8, 2))
    x[0, :, 0] = 1.0
    x[0, 3, 1] = 1.0
    return x


# By hand: neuron 0: s = 0.6, 0.9, 1.05 (spike at 2), reset: 0.6, 0.9, 1.05 (spike at 5), 0.6, 0.9.
# Neuron 1: spike at 3 (1.5 > 1). Neuron 2: H·y(2) = 0.7 at 3, 0.7 + 0.5·0.7 = 1.05 at 4 (spike), reset
# at 5, H·y(5) = 0.7 at 6, 0.35 at 7: no more spikes.
EXPECTED_SPIKES = {0: [2, 5], 1: [3], 2: [4]}


def spike_steps(y: np.ndarray) -> dict[int, list[int]]:
    return {n: np.nonzero(y[0, :, n] > 0.5)[0].tolist() for n in range(y.shape[2])}


def test_three_neurons_reference_by_hand():
    tr = reference_run(three_neuron_spec(), three_neuron_inputs())
    assert spike_steps(tr.outputs[0]) == EXPECTED_SPIKES
    assert tr.logit is None


def test_three_neurons_pytorch():
    torch = pytest.importorskip("torch")
    snu = pytest.importorskip("saccade_net.snu")
    layer = snu.SNU(2, 3, recurrent=True, tau=2.0, bias_init=-1.0)  # l = 1 − 1/τ = 0.5
    spec = three_neuron_spec()
    with torch.no_grad():
        layer.W.weight.copy_(torch.tensor(spec.layers[0].W.T))
        layer.H.weight.copy_(torch.tensor(spec.layers[0].H.T))
        y, _ = layer(torch.tensor(three_neuron_inputs(), dtype=torch.float32))
    assert spike_steps(y.numpy()) == EXPECTED_SPIKES
    back = layer_from_snu(layer)  # and the layer read back into a spec replays the same way
    np.testing.assert_allclose(back.decay, 0.5)
    assert spike_steps(reference_run(CoreSpec([back]), three_neuron_inputs()).outputs[0]) == EXPECTED_SPIKES


@pytest.mark.parametrize("wiring", ["synapses", "current"])
def test_three_neurons_brian2_discrete(wiring):
    res = replay(three_neuron_spec(), three_neuron_inputs(), ReplayConfig(input=wiring))
    assert spike_steps(res.outputs[0]) == EXPECTED_SPIKES


# ---------------------------------------------------------------------------------- batches and agreement


def test_batch_equals_single_runs():
    spec = random_spec(10, (12,), seed=4)
    x = random_inputs(spec, 4, 15, seed=5, off_every=5)
    together = replay(spec, x, batch=4)
    with BrianReplay(spec, 1, 15) as rep:  # one network reused (restore) for four single runs
        singles = [rep.run(x[i : i + 1]) for i in range(4)]
    np.testing.assert_array_equal(together.outputs[0], np.concatenate([s.outputs[0] for s in singles]))
    np.testing.assert_array_equal(together.logit, np.concatenate([s.logit for s in singles]))
    # and padding: a batch smaller than the network is zero-padded and cut back
    with BrianReplay(spec, 3, 20) as rep:
        part = rep.run(x[:2])
    np.testing.assert_array_equal(part.outputs[0], together.outputs[0][:2])


def test_random_two_layer_network_matches_reference():
    spec = random_spec(16, (24, 12), seed=1)
    x = random_inputs(spec, 6, 25, seed=2, off_every=4)
    ref = reference_run(spec, x)
    res = replay(spec, x, batch=6)
    for k in range(2):
        assert ref.outputs[k].mean() > 0.02  # the test means something only if neurons fire
        np.testing.assert_array_equal(res.outputs[k], ref.outputs[k])
    np.testing.assert_allclose(res.logit, ref.logit, atol=1e-9)
    np.testing.assert_allclose(res.readout, ref.readout, atol=1e-9)
    events = synaptic_events(spec, res.outputs)
    assert events.shape == (6,) and np.all(events > 0)


def test_soft_hidden_layer_and_no_recurrence():
    """Graded (sigmoid) layers travel as summed synapses; layers without H have no recurrent group."""
    rng = np.random.default_rng(0)
    spec = validate(
        CoreSpec(
            [
                make_layer(rng.normal(0, 0.5, (6, 8)), 0.7, -0.5, H=rng.normal(0, 0.3, (8, 8)), activation="sigmoid"),
                make_layer(rng.normal(0, 1.0, (8, 5)), 0.8, -1.0),
            ],
            make_layer(rng.normal(0, 1, (5, 1)), 0.3, 0.0, activation="sigmoid", g="identity"),
        )
    )
    x = random_inputs(spec, 3, 12, seed=3)
    ref = reference_run(spec, x)
    res = replay(spec, x)
    np.testing.assert_allclose(res.outputs[0], ref.outputs[0], atol=1e-12)
    np.testing.assert_array_equal(res.outputs[1], ref.outputs[1])
    np.testing.assert_allclose(res.logit, ref.logit, atol=1e-9)


def tiny_saccadic_net(train_steps: int = 8):
    """A small SaccadicNet trained for a few steps on random panels (weights moved by training)."""
    torch = pytest.importorskip("torch")
    network = pytest.importorskip("saccade_net.network")
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = network.SaccadicNet(panel_size=32, glimpse_size=16, channels=(4, 8, 8), embed_dim=24, hidden=(48,))
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    panels = torch.rand(16, 6, 32, 32)
    labels = torch.randint(0, 6, (16,))
    model.train()
    for _ in range(train_steps):
        loss = torch.nn.functional.cross_entropy(model(panels), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model.eval(), panels


def test_trained_network_agrees_with_pytorch_on_a_batch():
    torch = pytest.importorskip("torch")
    model, panels = tiny_saccadic_net()
    spec = core_spec_from_model(model)
    with torch.no_grad():
        rec = model.record(panels)
    x = rec.inputs.double().numpy()
    res = replay(spec, x)
    torch_spikes = rec.spikes[0].numpy()
    assert torch_spikes.mean() > 0.01
    assert (res.outputs[0] == torch_spikes).mean() >= 0.99
    brian_scores = panel_scores(res.logit[..., 0], rec.eval_mask.numpy())
    torch_scores = rec.scores.double().numpy()
    np.testing.assert_allclose(brian_scores, torch_scores, atol=1e-5)  # float32 vs float64
    top2 = np.sort(torch_scores, 1)[:, -2:]
    clear = top2[:, 1] - top2[:, 0] > 1e-4  # an untrained net has exact ties, broken by rounding
    assert clear.sum() >= 4
    np.testing.assert_array_equal(brian_scores.argmax(1)[clear], torch_scores.argmax(1)[clear])
    # against the float64 reference Brian2 is exact up to rounding
    ref = reference_run(spec, x)
    np.testing.assert_array_equal(res.outputs[0], ref.outputs[0])


# ------------------------------------------------------------------------------------------ continuous


def test_continuous_constants():
    tau, c = continuous_constants(np.array([0.8, 0.0, 1.0]), 1e-3)
    assert np.isclose(np.exp(-1e-3 / tau[0]), 0.8)  # decays by exactly l over one step
    assert np.isclose(c[0] * (1 - 0.8) / -np.log(0.8), 1.0)
    assert tau[1] > 0 and tau[2] > 1.0 and c[2] == 1.0


def test_continuous_membrane_equals_snu_between_spikes():
    """Without spikes the continuous membrane at the end of each step equals the SNU's s_t."""
    W = np.array([[0.3, 0.1], [0.2, 0.4]])
    spec = validate(CoreSpec([make_layer(W, [0.8, 0.6], -100.0)]))  # threshold far away
    x = random_inputs(spec, 2, 10, seed=0)
    ref = reference_run(spec, x)
    res = replay(spec, x, ReplayConfig(mode="continuous", substeps=8, record_membranes=True))
    assert res.outputs[0].sum() == 0
    np.testing.assert_allclose(res.membranes[0], ref.membranes[0], rtol=1e-6, atol=1e-9)


def test_continuous_mode_tracks_discrete_spiking():
    spec = random_spec(12, (20,), seed=3)
    x = random_inputs(spec, 4, 20, seed=4, off_every=5)
    ref = reference_run(spec, x)
    res = replay(spec, x, ReplayConfig(mode="continuous", substeps=10, refractory_steps=0.5))
    fired = res.outputs[0] > 0
    assert 0.5 < fired.mean() / ref.outputs[0].mean() < 2.0
    assert (fired == (ref.outputs[0] > 0)).mean() > 0.85
    assert np.corrcoef(res.logit.ravel(), ref.logit.ravel())[0, 1] > 0.5


def test_continuous_pulse_drive_reproduces_the_snu():
    """With the input as a pulse at each step start, the continuous LIF network fires exactly where
    the SNU does (two layers, recurrence delayed by one step)."""
    spec = random_spec(12, (20, 10), seed=5)
    x = random_inputs(spec, 3, 15, seed=6, off_every=4)
    ref = reference_run(spec, x)
    res = replay(spec, x, ReplayConfig(mode="continuous", drive="pulse", substeps=5))
    for k in range(2):
        assert ref.outputs[k].mean() > 0.02
        np.testing.assert_array_equal(res.outputs[k], ref.outputs[k])
    np.testing.assert_allclose(res.logit, ref.logit, atol=1e-9)


# -------------------------------------------------------------------------------------- files and errors


def test_spec_file_round_trip(tmp_path):
    spec = random_spec(7, (5, 4), seed=2)
    npz, js = save_spec(spec, tmp_path / "core")
    assert npz.exists() and js.exists()
    back = load_spec(tmp_path / "core.npz")
    for a, b in zip(spec.all_layers, back.all_layers, strict=True):
        np.testing.assert_array_equal(a.W, b.W)
        np.testing.assert_array_equal(a.decay, b.decay)
        assert (a.H is None) == (b.H is None) and a.activation == b.activation and a.g == b.g
    assert back.metadata == spec.metadata


def test_spec_file_errors(tmp_path):
    with pytest.raises(ReplayError, match="missing"):
        load_spec(tmp_path / "nothing")
    (tmp_path / "foreign.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(ReplayError, match="not an SNU core spec"):
        load_spec(tmp_path / "foreign")
    save_spec(random_spec(3, (2,)), tmp_path / "core")
    (tmp_path / "core.npz").write_bytes(b"garbage")
    with pytest.raises(ReplayError, match="corrupt"):
        load_spec(tmp_path / "core")


def test_not_an_snu_network_gives_a_clear_error():
    torch = pytest.importorskip("torch")
    with pytest.raises(ReplayError, match="no SNU core"):
        core_spec_from_model(torch.nn.Linear(3, 4))

    class FakeNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList([torch.nn.Linear(3, 4)])
            self.readout = torch.nn.Linear(4, 1)

    with pytest.raises(ReplayError, match="'FakeNet' has no SNU core"):
        core_spec_from_model(FakeNet())
    bad = random_spec(4, (3,))
    bad.layers[0].decay[:] = 1.5
    with pytest.raises(ReplayError, match="decay"):
        validate(bad)
    with pytest.raises(ReplayError, match="inputs must be"):
        replay(random_spec(4, (3,)), np.zeros((1, 5, 7)))
    with pytest.raises(ReplayError, match="unknown mode"):
        replay(random_spec(4, (3,)), np.zeros((1, 5, 4)), ReplayConfig(mode="analog"))


def test_simulate_command_rejects_a_non_snu_run(tmp_path, capsys):
    torch = pytest.importorskip("torch")
    from saccade_net import checkpoint, models
    from saccade_net.simulate import add_simulate_parser, cmd_simulate

    class Plain(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.config = {}
            self.fc = torch.nn.Linear(2, 2)

    models.register_model("plain-test", Plain)
    run = tmp_path / "run"
    run.mkdir()
    checkpoint.write_config(run, {"model": "plain-test", "model_config": {}, "data": {"panel_size": 32}})
    checkpoint.save_weights(run, Plain())
    import argparse

    parser = argparse.ArgumentParser()
    add_simulate_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["simulate", str(run), "--npz", str(tmp_path / "x.npz")])
    assert cmd_simulate(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("saccade-net: error:") and "not an SNU network" in err and "\n" not in err


# ----------------------------------------------------------------------------------------- compiled targets


@pytest.mark.slow
def test_cython_target_matches_numpy():
    spec = random_spec(10, (16,), seed=7)
    x = random_inputs(spec, 3, 12, seed=8)
    a = replay(spec, x, ReplayConfig(target="numpy"))
    b = replay(spec, x, ReplayConfig(target="cython"))
    np.testing.assert_array_equal(a.outputs[0], b.outputs[0])
    np.testing.assert_allclose(a.logit, b.logit, atol=1e-12)


@pytest.mark.slow
def test_cpp_standalone_reuses_one_build(tmp_path):
    spec = random_spec(10, (16,), seed=9)
    x = random_inputs(spec, 4, 12, seed=10)
    ref = reference_run(spec, x)
    with BrianReplay(spec, 2, 12, ReplayConfig(target="cpp_standalone", build_dir=str(tmp_path / "build"))) as rep:
        parts = [rep.run(x[:2]), rep.run(x[2:])]  # compiled once, run twice with new inputs
    np.testing.assert_array_equal(np.concatenate([p.outputs[0] for p in parts]), ref.outputs[0])
    np.testing.assert_allclose(np.concatenate([p.logit for p in parts]), ref.logit, atol=1e-9)
    # the runtime device is back afterwards
    res = replay(spec, x[:1])
    np.testing.assert_array_equal(res.outputs[0], ref.outputs[0][:1])


def test_cuda_standalone_without_brian2cuda_is_a_clear_error():
    pytest.importorskip("brian2")
    try:
        import brian2cuda  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("brian2cuda is installed here")
    spec = random_spec(4, (3,), seed=1)
    with pytest.raises(ReplayError, match="brian2cuda"):
        BrianReplay(spec, 1, 4, ReplayConfig(target="cuda_standalone"))
    res = replay(spec, random_inputs(spec, 1, 4, seed=2))  # the process is still on the runtime device
    assert res.logit.shape[:2] == (1, 4)
