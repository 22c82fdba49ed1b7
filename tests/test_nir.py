"""NIR interchange: export a CoreSpec as a NIR graph, write and read it, import it back unchanged;
import graphs made the way other libraries make them (snnTorch: Affine with bias, LIF with r = τ/dt,
recurrent blocks as nested subgraphs); refuse what an SNU cannot represent."""

from __future__ import annotations

import numpy as np
import pytest

nir = pytest.importorskip("nir")

from saccade_net.core_spec import CoreSpec, ReplayError, make_layer, random_inputs, random_spec, reference_run  # noqa: E402
from saccade_net.nir_interchange import export_nir, import_nir, read_nir, write_nir  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_export_structure():
    spec = random_spec(9, (7, 5), seed=0)
    g = export_nir(spec, dt=1e-3)
    assert isinstance(g, nir.NIRGraph)
    assert isinstance(g.nodes["snu0.w_in"], nir.Affine) and g.nodes["snu0.w_in"].weight.shape == (7, 9)
    assert isinstance(g.nodes["snu0.lif"], nir.LIF) and isinstance(g.nodes["readout.li"], nir.LI)
    assert ("snu0.lif", "snu0.w_rec") in g.edges and ("snu0.w_rec", "snu0.lif") in g.edges
    lif = g.nodes["snu0.lif"]
    np.testing.assert_allclose(lif.tau, 1e-3 / (1 - 0.8))  # forward Euler: l = 1 − dt/τ
    np.testing.assert_allclose(lif.r * 1e-3 / lif.tau, 1.0)  # unit input weight
    np.testing.assert_array_equal(lif.v_threshold, 1.0)
    np.testing.assert_array_equal(lif.v_reset, 0.0)
    assert lif.metadata["snu.g"] == "relu" and lif.metadata["snu.reset"] == "gate"
    assert g.nodes["readout.li"].metadata["snu.activation"] == "sigmoid"
    assert g.metadata["dt"] == 1e-3


def test_round_trip_through_a_file_is_lossless(tmp_path):
    spec = random_spec(11, (8, 6), seed=1)
    path = write_nir(spec, tmp_path / "core.nir", dt=1e-3)
    back = read_nir(path)
    assert back.metadata["dt"] == 1e-3
    for a, b in zip(spec.all_layers, back.all_layers, strict=True):
        np.testing.assert_allclose(b.W, a.W, rtol=1e-15)
        np.testing.assert_array_equal(b.decay, a.decay)
        np.testing.assert_array_equal(b.bias, a.bias)
        assert (a.H is None) == (b.H is None)
        if a.H is not None:
            np.testing.assert_allclose(b.H, a.H, rtol=1e-15)
        assert (a.activation, a.g, a.reset) == (b.activation, b.g, b.reset)
    x = random_inputs(spec, 3, 20, seed=2)
    r1, r2 = reference_run(spec, x), reference_run(back, x)
    for u, v in zip(r1.outputs, r2.outputs, strict=True):
        np.testing.assert_array_equal(u, v)
    np.testing.assert_allclose(r1.logit, r2.logit, atol=1e-12)


def lif_reference(W1, b1, beta, thr, W2, b2, x):
    """An snnTorch-style discrete LIF network by hand: mem = β·mem + W x + b, spike when
    mem > thr, reset to zero (no ReLU); then a leaky-integrator readout."""
    n = W1.shape[0]
    mem, out = np.zeros(n), []
    for t in range(len(x)):
        mem = beta * mem + W1 @ x[t] + b1
        spk = (mem > thr).astype(float)
        mem = mem * (1 - spk)
        out.append(spk)
    spikes = np.array(out)
    return spikes, spikes @ W2.T + b2


def test_import_snntorch_style_graph_with_nested_recurrent_block():
    rng = np.random.default_rng(0)
    dt, beta = 1e-4, 0.9
    W1, b1 = rng.normal(0, 0.8, (6, 4)), rng.normal(0, 0.1, 6)
    H = rng.normal(0, 0.3, (6, 6))
    W2, b2 = rng.normal(0, 1, (2, 6)), np.zeros(2)
    tau = dt / (1 - beta)
    lif = nir.LIF(tau=np.full(6, tau), r=np.full(6, tau / dt), v_leak=np.zeros(6), v_threshold=np.full(6, 1.0))
    block = nir.NIRGraph(
        nodes={
            "input": nir.Input(np.array([6])),
            "lif": lif,
            "w_rec": nir.Linear(weight=H),
            "output": nir.Output(np.array([6])),
        },
        edges=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")],
    )
    graph = nir.NIRGraph(
        nodes={
            "input": nir.Input(np.array([4])),
            "fc1": nir.Affine(weight=W1, bias=b1),
            "rnn": block,
            "fc2": nir.Affine(weight=W2, bias=b2),
            "output": nir.Output(np.array([2])),
        },
        edges=[("input", "fc1"), ("fc1", "rnn"), ("rnn", "fc2"), ("fc2", "output")],
    )
    spec = import_nir(graph, dt=dt)
    assert len(spec.layers) == 1 and spec.layers[0].g == "identity" and spec.layers[0].recurrent
    np.testing.assert_allclose(spec.layers[0].decay, beta)
    assert spec.readout is not None and spec.readout.activation == "identity" and spec.readout.n == 2
    # without recurrence the hand-written LIF is the reference (with it, it is the same recurrence)
    spec_ff = import_nir(
        nir.NIRGraph(
            nodes={
                "input": nir.Input(np.array([4])),
                "fc1": nir.Affine(weight=W1, bias=b1),
                "lif": lif,
                "fc2": nir.Affine(weight=W2, bias=b2),
                "output": nir.Output(np.array([2])),
            },
            edges=[("input", "fc1"), ("fc1", "lif"), ("lif", "fc2"), ("fc2", "output")],
        ),
        dt=dt,
    )
    x = rng.normal(0.3, 1.0, (1, 30, 4))
    spikes, readout = lif_reference(W1, b1, beta, 1.0, W2, b2, x[0])
    tr = reference_run(spec_ff, x)
    assert spikes.mean() > 0.05
    np.testing.assert_array_equal(tr.outputs[0][0], spikes)
    np.testing.assert_allclose(tr.logit[0], readout, atol=1e-12)


def test_imported_graph_replays_in_brian2():
    pytest.importorskip("brian2")
    from saccade_net.brian_replay import replay

    spec = import_nir(export_nir(random_spec(8, (10,), seed=3)))
    x = random_inputs(spec, 2, 12, seed=4)
    ref = reference_run(spec, x)
    res = replay(spec, x)
    np.testing.assert_array_equal(res.outputs[0], ref.outputs[0])
    np.testing.assert_allclose(res.logit, ref.logit, atol=1e-9)


def chain(cell, n_in=3, n=4):
    return nir.NIRGraph(
        nodes={
            "input": nir.Input(np.array([n_in])),
            "w": nir.Affine(weight=np.ones((n, n_in)), bias=np.zeros(n)),
            "cell": cell,
            "output": nir.Output(np.array([n])),
        },
        edges=[("input", "w"), ("w", "cell"), ("cell", "output")],
    )


def test_unsupported_graphs_are_refused(tmp_path):
    n = 4
    ones, zeros = np.ones(n), np.zeros(n)
    with pytest.raises(ReplayError, match="v_reset"):
        import_nir(chain(nir.LIF(tau=ones * 1e-3, r=ones * 10, v_leak=zeros, v_threshold=ones, v_reset=ones * 0.5)))
    with pytest.raises(ReplayError, match="synaptic current"):
        import_nir(chain(nir.CubaLIF(tau_syn=ones * 5e-4, tau_mem=ones * 1e-3, r=ones, v_leak=zeros, v_threshold=ones)))
    with pytest.raises(ReplayError, match="not supported"):
        import_nir(chain(nir.Threshold(threshold=ones)))
    with pytest.raises(ReplayError, match="tau < dt"):
        import_nir(chain(nir.LIF(tau=ones * 1e-5, r=ones, v_leak=zeros, v_threshold=ones)), dt=1e-4)
    with pytest.raises(ReplayError, match="no such NIR file"):
        read_nir(tmp_path / "missing.nir")
    (tmp_path / "bad.nir").write_bytes(b"not hdf5")
    with pytest.raises(ReplayError, match="not a readable NIR file"):
        read_nir(tmp_path / "bad.nir")


def test_cuba_lif_with_instant_synapse_and_leak_current():
    """CubaLIF with τ_syn = dt is an LIF with input weight w_in; v_leak becomes a constant current."""
    dt, n = 1e-3, 3
    tau = np.full(n, 4e-3)
    cell = nir.CubaLIF(
        tau_syn=np.full(n, dt),
        tau_mem=tau,
        r=tau / dt,
        v_leak=np.full(n, 0.2),
        v_threshold=np.ones(n),
        w_in=np.full(n, 2.0),
    )
    spec = import_nir(chain(cell, n_in=2, n=n), dt=dt)
    layer = spec.layers[0]
    np.testing.assert_allclose(layer.decay, 0.75)
    np.testing.assert_allclose(layer.W, 2.0)
    np.testing.assert_allclose(layer.i_bias, 0.25 * 0.2)
    assert isinstance(spec, CoreSpec) and spec.readout is None


def test_export_rejects_invalid_spec():
    bad = CoreSpec([make_layer(np.ones((2, 3)), 0.5, -1.0)])
    bad.layers[0].activation = "tanh"
    with pytest.raises(ReplayError, match="activation"):
        export_nir(bad)
