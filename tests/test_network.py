"""SaccadicNet: shapes, config round trip, recordings consistent with the scores, reproducible scan
paths, gradients everywhere, and a tiny network that learns three riddles above chance."""

import json
import time

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from saccade_net.canvas import N_PANELS
from saccade_net.models import build_model
from saccade_net.network import SaccadicNet

TINY = {
    "glimpse_size": 16, "ring_fields": [1.0, 2.6], "channels": [8, 16], "embed_dim": 32, "hidden": [48, 24],
}  # fmt: skip


@pytest.fixture(scope="module")
def panels():
    g = torch.Generator().manual_seed(0)
    return (torch.rand(5, N_PANELS, 100, 100, generator=g) > 0.97).float()


def test_output_shape_and_config_round_trip(panels):
    model = SaccadicNet(**TINY)
    scores = model(panels, seed=0)
    assert scores.shape == (5, N_PANELS) and scores.dtype == torch.float32 and torch.isfinite(scores).all()
    config = json.loads(json.dumps(model.config))
    clone = SaccadicNet(**config)
    clone.load_state_dict(model.state_dict())
    assert clone.config == model.config
    torch.testing.assert_close(clone(panels, seed=0), scores)


@pytest.mark.parametrize("mode", ["mean", "zscore"])
def test_adaptation_signals_what_differs_from_earlier_fixations(mode):
    model = SaccadicNet(**{**TINY, "adaptation": mode})
    emb = torch.tensor([[[1.0, 0.0], [3.0, 0.0], [2.0, 4.0], [2.0, 0.0]]])  # (B=1, S=4, D=2)
    dev = model.adapt(emb)
    mean_before = torch.tensor([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [2.0, 4 / 3]])
    expected = emb - mean_before
    expected[:, 0] = 0
    if mode == "zscore":
        var_before = torch.tensor([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0], [2 / 3, 32 / 9]])
        expected = expected / torch.sqrt(var_before + 0.1)
    torch.testing.assert_close(dev[0], expected[0])
    assert model.layers[0].in_features == 2 * TINY["embed_dim"] + 2
    with pytest.raises(ValueError, match="adaptation"):
        SaccadicNet(adaptation="yes")


def test_parameter_counts_split():
    model = SaccadicNet(**TINY)
    counts = model.parameter_counts()
    assert counts["total"] == counts["encoder"] + counts["core"] == sum(p.numel() for p in model.parameters())
    # core: two SNU layers (W, H, b) and the readout (W, b); inputs: embedding, its z-scored deviation, eye (2)
    assert counts["core"] == (66 * 48 + 48 * 48 + 48) + (48 * 24 + 24 * 24 + 24) + (24 + 1)
    plain = SaccadicNet(**TINY, adaptation="none").parameter_counts()
    assert plain["core"] == counts["core"] - 32 * 48 and plain["encoder"] == counts["encoder"]
    assert counts["encoder"] > 0


def test_other_panel_sizes_and_bad_input():
    model = SaccadicNet(**{**TINY, "panel_size": 64})
    assert model(torch.rand(2, N_PANELS, 64, 64), seed=1).shape == (2, N_PANELS)
    with pytest.raises(ValueError):
        model(torch.rand(2, N_PANELS, 100, 100), seed=1)
    with pytest.raises(ValueError):
        model(torch.rand(2, 5, 64, 64), seed=1)


@pytest.mark.parametrize("adaptation", ["none", "zscore"])
def test_record_is_consistent_with_forward(panels, adaptation):
    torch.manual_seed(0)
    model = SaccadicNet(**{**TINY, "adaptation": adaptation}).eval()
    rec = model.record(panels, seed=7)
    torch.testing.assert_close(rec.scores, model(panels, seed=7))
    b, t_steps, s_fix = 5, rec.paths.n_steps, rec.paths.n_fixations
    assert rec.inputs.shape == (b, t_steps, model.layers[0].in_features)
    assert rec.glimpses.shape == (b, s_fix, 3, 16, 16)
    assert [s.shape for s in rec.spikes] == [(b, t_steps, 48), (b, t_steps, 24)]
    for sp in rec.spikes:
        assert set(sp.unique().tolist()) <= {0.0, 1.0}
    assert rec.spikes[0].sum() > 0
    assert rec.logit.shape == rec.readout.shape == (b, t_steps)
    torch.testing.assert_close(rec.readout, torch.sigmoid(rec.logit))
    # flight steps (and padding) carry no visual input: saccadic suppression
    flight = rec.paths.glimpse < 0
    assert flight.any() and (rec.inputs[..., :-2][flight] == 0).all()
    # each fixation's steps share one embedding; the last two inputs are the eye position
    torch.testing.assert_close(rec.inputs[..., -2:], model.canvas.to_unit(rec.paths.eye))
    # the score of panel k is the mean readout logit over its evaluation fixation
    for i in range(b):
        for k in range(N_PANELS):
            steps = rec.eval_mask[i, k]
            assert steps.sum() == model.timing.fixation_steps
            torch.testing.assert_close(rec.scores[i, k], rec.logit[i, steps].mean())
    # the core replays from the recorded inputs alone (what the Brian2 replay will feed)
    logit, spikes, membranes = model.core(rec.inputs)
    torch.testing.assert_close(logit, rec.logit)
    for a, c in zip(spikes, rec.spikes, strict=True):
        assert torch.equal(a, c)
    assert [m.shape for m in membranes] == [s.shape for s in spikes]


def test_first_layer_currents_per_fixation_equal_those_of_the_inputs_per_step(panels):
    """`first_currents` (the glimpse's current once per fixation) gives W x_t of `core_inputs`, and the
    same gradients for every parameter."""
    torch.manual_seed(0)
    model = SaccadicNet(**TINY)
    paths = model.sample_paths(panels.shape[0], seed=1)

    def run(per_fixation: bool) -> tuple[torch.Tensor, list[torch.Tensor]]:
        model.zero_grad()
        emb = model.encode(model.glimpses(panels, paths), paths.n_initial)
        if per_fixation:
            currents = model.first_currents(emb, paths)
        else:
            currents = model.layers[0].current(model.core_inputs(emb, paths))
        logit, _, _ = model.core(currents=currents)
        (logit * torch.linspace(-1, 1, logit.shape[1])).sum().backward()
        return currents.detach(), [p.grad.clone() for p in model.parameters()]

    per_step, grads_step = run(False)
    per_fixation, grads_fixation = run(True)
    torch.testing.assert_close(per_fixation, per_step)
    for a, b in zip(grads_fixation, grads_step, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
    for wrong in ({"inputs": per_step, "currents": per_step}, {}):
        with pytest.raises(ValueError, match="either"):
            model.core(**wrong)


def test_scan_path_randomness_is_controlled(panels):
    torch.manual_seed(0)
    model = SaccadicNet(**TINY)
    model.eval()
    torch.testing.assert_close(model(panels), model(panels))  # evaluation: the eval seed every call
    model.train()
    torch.testing.assert_close(model(panels, seed=3), model(panels, seed=3))
    assert not torch.equal(model(panels, seed=3), model(panels, seed=4))
    model.reseed(11)
    first = model.sample_paths(5)
    model.reseed(11)
    assert torch.equal(model.sample_paths(5).landing, first.landing)
    assert not torch.equal(model.sample_paths(5).landing, first.landing)  # training mode: the stream advances
    rng = np.random.default_rng(2)
    assert torch.equal(model.sample_paths(5, rng=rng).target, model.sample_paths(5, seed=2).target)


@pytest.mark.parametrize("soft", [False, True])
def test_gradients_reach_every_parameter(panels, soft):
    torch.manual_seed(0)
    model = SaccadicNet(**{**TINY, "soft": soft, "train_decay": True, "bias_init": -0.5})
    loss = F.cross_entropy(model(panels, seed=0), torch.tensor([0, 1, 2, 3, 4]))
    loss.backward()
    for name, p in model.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        if name == "readout.b":  # shifts all six scores alike: the softmax ignores it
            assert p.grad.abs().item() < 1e-6
        else:
            assert p.grad.abs().sum() > 0, name


def _puzzles(riddles, split, per_riddle):
    from oddity_dataset.generator import generate_puzzle

    imgs, odd = [], []
    for i in range(per_riddle):
        for r in riddles:
            p = generate_puzzle(r, 0, split, i, size=64)
            imgs.append(p.panels)
            odd.append(p.odd)
    return 1 - torch.as_tensor(np.stack(imgs)).float() / 255, torch.as_tensor(odd)


def test_tiny_network_learns_three_riddles_above_chance():
    """A tiny SaccadicNet on 64-pixel panels, 200 AdamW steps (~10 s) on 450 puzzles of three riddles."""
    from oddity_dataset.catalog import select_riddles

    riddles = select_riddles()[:3]  # the controls and the first Euclidean riddle
    x, y = _puzzles(riddles, "train", 150)
    x_test, y_test = _puzzles(riddles, "test", 40)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small ops: one thread is fastest, and robust on a busy machine
    try:
        torch.manual_seed(0)
        model = SaccadicNet(panel_size=64, glimpse_size=16, channels=[8, 16], embed_dim=32, hidden=[64])
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
        start, gen = time.time(), torch.Generator().manual_seed(0)
        for step in range(200):
            idx = torch.randint(0, len(x), (32,), generator=gen)
            loss = F.cross_entropy(model(x[idx], seed=step), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(x_test).argmax(1) == y_test).float().mean().item()
    finally:
        torch.set_num_threads(threads)
    assert acc > 0.4, f"accuracy {acc:.2f} on 120 test puzzles after {time.time() - start:.0f} s (chance 0.17)"


def test_a_saved_config_keeps_the_behaviour_it_was_trained_with():
    saved = SaccadicNet(**TINY, corrective=False).config
    del saved["corrective"]  # as stored by runs made before the argument existed
    assert build_model("saccadic", saved, saved=True).config["corrective"] is False
    new = SaccadicNet(**TINY).config["corrective"]
    assert build_model("saccadic", dict(TINY)).config["corrective"] is new  # a new run: today's default


def test_without_initial_gradient_the_encoder_learns_from_evaluation_glimpses_only(panels):
    config = {**TINY, "batch_norm": False}  # batch statistics would differ between the two ways
    target = torch.tensor([0, 1, 2, 3, 4])

    def encoder_grads(model: SaccadicNet, embed) -> tuple[torch.Tensor, list[torch.Tensor]]:
        model.zero_grad()
        paths = model.sample_paths(len(panels), seed=1)
        emb = embed(model, model.glimpses(panels, paths), paths.n_initial)
        logit, _, _ = model.core(model.core_inputs(emb, paths))
        scores = model.panel_scores(logit, paths.eval_mask())
        F.cross_entropy(scores, target).backward()
        return scores.detach(), [p.grad.clone() for p in model.encoder.parameters()]

    def whole(model: SaccadicNet, g: torch.Tensor, n: int) -> torch.Tensor:
        return model.encoder(g.flatten(0, 1)).reshape(*g.shape[:2], -1)

    def detached_initial(model: SaccadicNet, g: torch.Tensor, n: int) -> torch.Tensor:  # the reference
        emb = whole(model, g, n)
        return torch.cat([emb[:, :n].detach(), emb[:, n:]], 1)

    torch.manual_seed(0)
    model = SaccadicNet(**config, initial_gradient=False)
    scores, fast = encoder_grads(model, lambda m, g, n: m.encode(g, n))
    ref_scores, reference = encoder_grads(model, detached_initial)
    _, full = encoder_grads(model, whole)
    torch.testing.assert_close(scores, ref_scores)
    for a, b, c in zip(fast, reference, full, strict=True):
        torch.testing.assert_close(a, b)
        assert not torch.allclose(a, c)  # the initial glimpses' share is really missing
    model.eval()
    with torch.no_grad():  # in evaluation both settings are one network
        other = SaccadicNet(**config).eval()
        other.load_state_dict(model.state_dict())
        torch.testing.assert_close(model(panels), other(panels))


def test_evaluation_in_chunks_gives_the_scores_of_one_pass(panels):
    model = SaccadicNet(**TINY).eval()
    model.INFERENCE_CHUNK = 2  # five puzzles: chunks of 2, 2 and 1
    paths = model.sample_paths(len(panels), seed=4)
    with torch.no_grad():
        whole = model._run(panels, paths, keep=False)
        torch.testing.assert_close(model(panels, paths=paths), whole)
    assert model(panels, paths=paths).requires_grad  # with autograd: one pass, as in training
