"""Evaluation: accuracy per riddle and family and the confusion on hand-made cases, the report of a
model that always picks slot 0, and checkpoints that load back (or fail with one clear error)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from training_support import AlwaysZero, OtherNet, TinyNet, make_dataset

from saccade_net import checkpoint
from saccade_net.checkpoint import CheckpointError
from saccade_net.data import Puzzles, load_split
from saccade_net.evaluate import accuracy_report, evaluate, format_report, predict
from saccade_net.network import SaccadicNet


@pytest.fixture(scope="module")
def test_split(tmp_path_factory):
    root = make_dataset(tmp_path_factory.mktemp("data") / "ds", train=0, val=0, test=60)
    return load_split(root, "test")


def test_accuracy_report_on_a_hand_made_case():
    label = np.array([0, 1, 2, 0, 5, 5, 3])
    chosen = np.array([0, 1, 0, 1, 5, 4, 3])
    riddle = np.array([0, 0, 0, 1, 1, 1, 30])
    r = accuracy_report(chosen, label, riddle)
    assert r["n"] == 7 and r["correct"] == 4 and r["accuracy"] == pytest.approx(4 / 7)
    by_id = {x["id"]: x for x in r["per_riddle"]}
    assert [x["id"] for x in r["per_riddle"]] == [0, 1, 30]
    assert (by_id[0]["n"], by_id[0]["correct"]) == (3, 2) and by_id[0]["accuracy"] == pytest.approx(2 / 3)
    assert (by_id[1]["n"], by_id[1]["correct"]) == (3, 1)
    assert (by_id[30]["n"], by_id[30]["correct"], by_id[30]["accuracy"]) == (1, 1, 1.0)
    assert by_id[0]["name"] == "color" and by_id[0]["family"] == "controls"
    fam = r["per_family"]["controls"]
    assert (fam["n"], fam["correct"]) == (6, 3)
    m = np.array(r["confusion"]["matrix"])
    assert m.shape == (6, 6) and m.sum() == 7
    assert m[0, 0] == 1 and m[0, 1] == 1 and m[2, 0] == 1 and m[5, 5] == 1 and m[5, 4] == 1 and m[3, 3] == 1
    assert np.trace(m) == r["correct"]
    assert r["chosen_slot_counts"] == [2, 2, 0, 1, 1, 1]


def test_always_slot_zero_scores_the_fraction_of_label_zero(test_split):
    report = evaluate(AlwaysZero(), test_split, batch_size=7)
    label, riddle = test_split.label.numpy(), test_split.riddle.numpy()
    assert 0 < (label == 0).sum() < len(label)  # the case is not degenerate
    assert report["n"] == 60
    assert report["accuracy"] == pytest.approx(np.mean(label == 0))
    for r in report["per_riddle"]:
        mask = riddle == r["id"]
        assert r["n"] == mask.sum()
        assert r["accuracy"] == pytest.approx(np.mean(label[mask] == 0))
    m = np.array(report["confusion"]["matrix"])
    assert (m[:, 1:] == 0).all()
    assert m[:, 0].tolist() == np.bincount(label, minlength=6).tolist()
    assert report["chosen_slot_counts"] == [60, 0, 0, 0, 0, 0]
    assert report["throughput_puzzles_per_s"] > 0 and report["batch_size"] == 7
    assert report["loss"] == pytest.approx(
        float(torch.nn.functional.cross_entropy(AlwaysZero()(torch.zeros(60, 6, 1, 1)), test_split.label))
    )
    text = format_report(report)
    assert f"accuracy {report['accuracy']:.2%}" in text
    assert "color" in text and "orientation" in text and "odd 5" in text and "puzzles/s" in text


def test_predict_is_seeded_and_leaves_global_rng_and_mode_alone(test_split):
    model = TinyNet(panel_size=32, noise=5.0).train()
    torch.manual_seed(1)
    before = torch.get_rng_state()
    a = predict(model, test_split, seed=3)
    assert torch.equal(torch.get_rng_state(), before)
    assert model.training
    b = predict(model, test_split, seed=3)
    c = predict(model, test_split, seed=4)
    assert np.array_equal(a.chosen, b.chosen) and not np.array_equal(a.chosen, c.chosen)


def test_more_looks_average_the_log_probabilities_of_other_scan_paths(test_split):
    torch.manual_seed(0)
    model = SaccadicNet(panel_size=32, glimpse_size=16, channels=[8], embed_dim=16, hidden=[16])
    one = predict(model, test_split, batch_size=25)
    assert np.array_equal(predict(model, test_split, batch_size=25, looks=1).chosen, one.chosen)
    three = predict(model, test_split, batch_size=25, looks=3)
    assert three.looks == 3 and np.array_equal(predict(model, test_split, batch_size=25, looks=3).chosen, three.chosen)
    # by hand: look 0 is the one-look score; look k draws its paths from a generator seeded (0, k)
    model.eval()
    rngs = [np.random.default_rng([0, k]) for k in (1, 2)]
    chosen = []
    with torch.no_grad():
        for start in range(0, 60, 25):
            x, _ = test_split.batch(torch.arange(start, min(start + 25, 60)), "cpu")
            logp = [F.log_softmax(model(x), 1)] + [F.log_softmax(model(x, rng=r), 1) for r in rngs]
            chosen.append(torch.stack(logp).sum(0).argmax(1))
    assert np.array_equal(torch.cat(chosen).numpy(), three.chosen)
    assert not np.array_equal(three.chosen, one.chosen)  # other paths, other choices for an untrained net


def test_looks_are_refused_below_one_and_for_models_without_scan_paths(test_split):
    with pytest.raises(ValueError, match=">= 1"):
        predict(TinyNet(panel_size=32), test_split, looks=0)
    with pytest.raises(ValueError, match="only look once"):
        predict(TinyNet(panel_size=32), test_split, looks=2)


def test_predict_rejects_wrong_score_shape():
    class Wrong(torch.nn.Module):
        def forward(self, x):
            return x.mean((2, 3))[:, :5]

    puzzles = Puzzles(
        torch.zeros(4, 6, 8, 8, dtype=torch.uint8), torch.zeros(4, dtype=torch.long), torch.zeros(4, dtype=torch.long)
    )
    with pytest.raises(ValueError, match="shape"):
        predict(Wrong(), puzzles)


def save_run(run_dir, model, name="test-tiny"):
    run_dir.mkdir()
    checkpoint.write_config(run_dir, {"model": name, "model_config": model.config, "data": {"panel_size": 32}})
    checkpoint.save_weights(run_dir, model)


def test_run_round_trips_through_weights_only_files(tmp_path):
    model = TinyNet(panel_size=32, width=3)
    save_run(tmp_path / "run", model)
    loaded, config = checkpoint.load_run(tmp_path / "run")
    assert type(loaded) is TinyNet and loaded.config == model.config and not loaded.training
    assert all(torch.equal(v, loaded.state_dict()[k]) for k, v in model.state_dict().items())
    assert config["model"] == "test-tiny"


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "model.pt").write_bytes(b"not a checkpoint"), "corrupt"),
        (lambda d: (d / "model.pt").unlink(), "missing"),
        (lambda d: (d / "config.json").write_text("{"), "corrupt JSON"),
        (lambda d: (d / "config.json").write_text('{"hello": 1}'), "not a saccade-net run"),
        (lambda d: checkpoint.save_weights(d, OtherNet(panel_size=32)), "do not fit"),
        (lambda d: checkpoint.save_weights(d, TinyNet(panel_size=32, width=5)), "do not fit"),
    ],
    ids=["corrupt-weights", "missing-weights", "corrupt-config", "foreign-config", "other-model", "other-shape"],
)
def test_bad_checkpoints_fail_with_one_line(tmp_path, damage, message):
    save_run(tmp_path / "run", TinyNet(panel_size=32, width=3))
    damage(tmp_path / "run")
    with pytest.raises(CheckpointError, match=message) as info:
        checkpoint.load_run(tmp_path / "run")
    assert "\n" not in str(info.value)
