"""The training loop: bit-for-bit resume, clean stops (signal, budget), metrics, curves, summary, and
the data and schedule pieces it rests on, and the switch to a late augmentation."""

from __future__ import annotations

import json
import math
import os
import signal

import numpy as np
import pytest
import torch
from training_support import TinyNet, make_dataset

import saccade_net.train
from saccade_net import checkpoint
from saccade_net.data import epoch_order, load_split, to_input
from saccade_net.rng import seed_all
from saccade_net.train import TrainConfig, Trainer, lr_factor, train

STEPS_PER_EPOCH = 6  # 96 training puzzles, batch 16


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return make_dataset(tmp_path_factory.mktemp("data") / "ds", train=96, val=24, test=0)


@pytest.fixture(scope="module")
def splits(data_dir):
    return load_split(data_dir, "train"), load_split(data_dir, "val")


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def config(**kw) -> TrainConfig:
    return TrainConfig(**{"epochs": 2, "batch_size": 16, "lr": 3e-3, "seed": 7, "progress": False, **kw})


def fresh_model() -> TinyNet:
    seed_all(7)
    return TinyNet(panel_size=32, noise=0.01)


def run(tmp_path, name, splits, cfg, resume=False, on_step=None, model=None):
    run_dir = tmp_path / name
    run_dir.mkdir(exist_ok=True)
    model = model or fresh_model()
    result = train(model, *splits, run_dir, cfg, resume=resume, on_step=on_step)
    return model, result, run_dir


def send_at(step: int, sig=signal.SIGTERM):
    """An on_step hook that signals this process once `step` optimizer steps are done."""

    def hook(trainer: Trainer) -> None:
        if trainer.progress.step == step:
            os.kill(os.getpid(), sig)

    return hook


def assert_same_weights(a: torch.nn.Module, b: torch.nn.Module) -> None:
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for key in sa:
        assert torch.equal(sa[key], sb[key]), key


def metric_values(run_dir):
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    return [(r["kind"], r["step"], r["puzzles_seen"], r["train_loss"], r["val_loss"], r["val_accuracy"]) for r in rows]


def assert_resume_is_bit_for_bit(tmp_path, splits, cfg: TrainConfig, stop_step: int) -> None:
    """A run of `cfg` stopped after `stop_step` steps and resumed by a fresh model ends with the weights
    and metrics of an uninterrupted one."""
    straight, result, straight_dir = run(tmp_path, "straight", splits, cfg)
    assert result.stop_reason == "completed"
    _, result, resumed_dir = run(tmp_path, "resumed", splits, cfg, on_step=send_at(stop_step))
    assert result.stop_reason == "terminated" and result.summary["steps"] == stop_step
    seed_all(123)  # a new process would start from a freshly built (differently initialised) model
    resumed, result, _ = run(tmp_path, "resumed", splits, cfg, resume=True, model=TinyNet(panel_size=32, noise=0.01))
    assert result.stop_reason == "completed"
    assert_same_weights(resumed, straight)
    assert metric_values(resumed_dir) == metric_values(straight_dir)


@pytest.fixture(scope="module")
def straight(splits, tmp_path_factory):
    """An uninterrupted two-epoch run, validating every 40 puzzles: (model, result, run_dir)."""
    torch.set_num_threads(1)
    return run(tmp_path_factory.mktemp("runs"), "straight", splits, config(val_every=40))


@pytest.mark.parametrize("stop_step", [STEPS_PER_EPOCH, STEPS_PER_EPOCH + 2], ids=["epoch-end", "mid-epoch"])
def test_resume_gives_bit_for_bit_the_uninterrupted_weights(tmp_path, splits, straight, stop_step):
    cfg = config(val_every=40)
    straight_model, result, straight_dir = straight
    assert result.stop_reason == "completed"

    first, result, resumed_dir = run(tmp_path, "resumed", splits, cfg, on_step=send_at(stop_step))
    assert result.stop_reason == "terminated" and result.exit_status == 143
    assert result.summary["steps"] == stop_step
    assert not any(
        torch.equal(first.state_dict()[k], straight_model.state_dict()[k])
        for k, v in first.state_dict().items()
        if v.is_floating_point()
    )

    # a point written after the checkpoint by a process then killed hard must not survive the resume
    with open(resumed_dir / "metrics.jsonl", "a") as f:
        f.write(json.dumps({"kind": "interval", "step": stop_step + 1, "val_accuracy": 0.0}) + "\n")
    # a new process would start from a freshly built (differently initialised) model
    seed_all(123)
    resumed, result, _ = run(tmp_path, "resumed", splits, cfg, resume=True, model=TinyNet(panel_size=32, noise=0.01))
    assert result.stop_reason == "completed"
    assert result.summary["steps"] == 2 * STEPS_PER_EPOCH
    assert_same_weights(resumed, straight_model)
    saved = checkpoint.load_torch(resumed_dir / "model.pt")
    assert all(torch.equal(saved[k], v) for k, v in straight_model.state_dict().items())
    assert metric_values(resumed_dir) == metric_values(straight_dir)


def test_validation_does_not_change_training(tmp_path, splits, straight):
    rarely, _, _ = run(tmp_path, "rarely", splits, config(val_every=0))
    assert_same_weights(straight[0], rarely)


def test_metrics_curves_and_summary_are_written(straight):
    _, result, run_dir = straight
    rows = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]
    # every 40 puzzles (48, 80, 128, 160) plus after each epoch (96, 192)
    assert [r["puzzles_seen"] for r in rows] == [48, 80, 96, 128, 160, 192]
    assert [r["kind"] for r in rows] == ["interval", "interval", "epoch", "interval", "interval", "epoch"]
    for r in rows:
        assert {"epoch", "step", "puzzles_seen", "wall_time_s", "train_loss", "val_accuracy", "val_loss", "lr"} <= set(
            r
        )
        assert 0 <= r["val_accuracy"] <= 1 and r["train_loss"] > 0 and r["lr"] > 0
        assert r["val_n"] == 24
    assert rows[2]["epoch"] == 1.0 and rows[-1]["epoch"] == 2.0
    assert all(a["wall_time_s"] <= b["wall_time_s"] for a, b in zip(rows, rows[1:], strict=False))
    assert (run_dir / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary == json.loads(json.dumps(result.summary))
    assert summary["stop_reason"] == "completed" and summary["puzzles_seen"] == 192
    assert summary["parameters"] == TinyNet(panel_size=32).parameter_counts()
    assert summary["train_throughput_puzzles_per_s"] > 0 and summary["threads"] == 1
    assert summary["final_val_accuracy"] == rows[-1]["val_accuracy"]
    assert summary["best_val_accuracy"] == max(r["val_accuracy"] for r in rows)
    assert "puzzles_to_80" in summary and "puzzles_to_90" in summary
    state = checkpoint.load_train_state(run_dir)
    assert state["progress"]["step"] == 12 and state["progress"]["stop_reason"] == "completed"


def test_budget_stops_cleanly_and_records_why(tmp_path, splits):
    model, result, run_dir = run(tmp_path, "b", splits, config(budget_minutes=1e-9))
    assert result.stop_reason == "budget" and result.exit_status == 0
    assert json.loads((run_dir / "summary.json").read_text())["stop_reason"] == "budget"
    assert checkpoint.load_train_state(run_dir)["progress"]["stop_reason"] == "budget"
    saved = checkpoint.load_torch(run_dir / "model.pt")
    assert all(torch.equal(saved[k], v) for k, v in model.state_dict().items())


def test_sigint_saves_and_reports_interrupted(tmp_path, splits):
    previous = signal.getsignal(signal.SIGINT)
    _, result, run_dir = run(tmp_path, "i", splits, config(), on_step=send_at(3, signal.SIGINT))
    assert result.stop_reason == "interrupted" and result.exit_status == 130
    assert checkpoint.load_train_state(run_dir)["progress"]["step"] == 3
    assert signal.getsignal(signal.SIGINT) is previous  # handlers put back


def test_schedule_warms_up_then_follows_a_cosine():
    assert lr_factor(0.0, 0.1, 0.01) == 0.0
    assert lr_factor(0.05, 0.1, 0.01) == pytest.approx(0.5)
    assert lr_factor(0.1, 0.1, 0.01) == pytest.approx(1.0)
    assert lr_factor(0.55, 0.1, 0.01) == pytest.approx(0.01 + 0.99 * 0.5)
    assert lr_factor(1.0, 0.1, 0.01) == pytest.approx(0.01)
    values = [lr_factor(p / 100, 0.1, 0.0) for p in range(10, 101)]
    assert all(a >= b for a, b in zip(values, values[1:], strict=False))
    assert math.isclose(lr_factor(2.0, 0.1, 0.0), 0.0, abs_tol=1e-12)


def test_epoch_order_depends_on_seed_and_epoch_only():
    a = epoch_order(50, seed=1, epoch=0)
    assert torch.equal(a, epoch_order(50, seed=1, epoch=0))
    assert sorted(a.tolist()) == list(range(50))
    assert not torch.equal(a, epoch_order(50, seed=1, epoch=1))
    assert not torch.equal(a, epoch_order(50, seed=2, epoch=0))
    torch.manual_seed(0)
    torch.rand(3)  # the global stream has no say
    assert torch.equal(a, epoch_order(50, seed=1, epoch=0))


def test_to_input_puts_ink_high():
    images = torch.tensor([[0, 255, 51]], dtype=torch.uint8)
    x = to_input(images)
    assert x.dtype == torch.float32
    assert torch.allclose(x, torch.tensor([[1.0, 0.0, 0.8]]))
    assert torch.equal(to_input(images.numpy()), x)
    with pytest.raises(ValueError):
        to_input(torch.zeros(2, dtype=torch.float32))


def test_load_split_limits_and_excludes_riddles(data_dir):
    full = load_split(data_dir, "train")
    assert full.images.dtype == torch.uint8 and full.images.shape == (96, 6, 32, 32)
    assert full.panel_size == 32 and set(full.riddle.tolist()) == {0, 1}
    first = load_split(data_dir, "train", limit=10)
    assert torch.equal(first.images, full.images[:10]) and torch.equal(first.label, full.label[:10])
    only_one = load_split(data_dir, "train", exclude_riddles=[0])
    keep = full.riddle == 1
    assert set(only_one.riddle.tolist()) == {1} and len(only_one) == int(keep.sum())
    assert torch.equal(only_one.images, full.images[keep]) and torch.equal(only_one.label, full.label[keep])
    assert only_one.source["excluded_riddles"] == [0]
    assert np.array_equal(
        load_split(data_dir, "train", limit=5, exclude_riddles=[0]).label.numpy(), full.label[keep][:5].numpy()
    )


@pytest.mark.parametrize(
    "name, model_config",
    [("saccadic", {"glimpse_size": 16, "channels": [8, 16], "embed_dim": 32, "hidden": [32]})],
)
def test_resume_is_bit_for_bit_for_a_project_model(tmp_path, name, model_config):
    """The saccadic network keeps its own scan-path generator; resume must restore it too."""
    from saccade_net.models import ModelError, build_model

    try:
        build_model(name, model_config, 48)
    except ModelError as exc:
        pytest.skip(str(exc))
    root = make_dataset(tmp_path / "ds48", train=32, val=8, test=0, size=48)
    splits = load_split(root, "train"), load_split(root, "val")

    def model():
        seed_all(3)
        return build_model(name, model_config, 48)

    cfg = config(val_every=24)
    straight, _, _ = run(tmp_path, "straight", splits, cfg, model=model())
    _, result, _ = run(tmp_path, "resumed", splits, cfg, on_step=send_at(3), model=model())
    assert result.stop_reason == "terminated"
    seed_all(99)
    resumed, result, _ = run(tmp_path, "resumed", splits, cfg, resume=True, model=build_model(name, model_config, 48))
    assert result.stop_reason == "completed"
    assert_same_weights(resumed, straight)


def test_budget_schedule_ends_with_whichever_comes_first(tmp_path, splits):
    cfg = config(budget_minutes=1.0, schedule_over="budget", warmup=0.0, min_lr_ratio=0.0)
    trainer = Trainer(TinyNet(panel_size=32), *splits, tmp_path, cfg)
    trainer.elapsed = lambda: 30.0  # half the budget spent, first of 12 steps
    assert trainer.current_lr() == pytest.approx(cfg.lr * 0.5)
    trainer.elapsed = lambda: 0.0  # no time spent: the planned steps rule
    assert trainer.current_lr() == pytest.approx(cfg.lr * lr_factor(1 / 12, 0.0, 0.0))
    with pytest.raises(ValueError, match="budget"):
        config(schedule_over="budget")


# -- a late augmentation: the switch comes after its puzzles, and resume holds on both sides of it

LATE = {"augment_late": "panels", "augment_late_from": 40}  # batch 16: steps 1-3 see 0-47 puzzles


def test_the_late_augmentation_starts_after_its_puzzles(tmp_path, splits, monkeypatch):
    modes = []
    real = saccade_net.train.augment

    def spy(x, y, draws=None, mode="full", handed=None):
        modes.append(mode)
        return real(x, y, draws, mode, handed)

    monkeypatch.setattr(saccade_net.train, "augment", spy)
    _, result, _ = run(tmp_path, "late", splits, config(**LATE))
    assert result.stop_reason == "completed"
    assert modes[:3] == ["order"] * 3  # 0, 16 and 32 puzzles seen before the step
    assert modes[3:] == ["panels"] * (len(modes) - 3) and len(modes) == 12


@pytest.mark.parametrize("stop_step", [2, 5], ids=["before-the-switch", "after-the-switch"])
def test_resume_around_the_switch_is_bit_for_bit(tmp_path, splits, stop_step):
    assert_resume_is_bit_for_bit(tmp_path, splits, config(val_every=40, **LATE), stop_step)


def test_a_bad_late_augmentation_is_refused():
    with pytest.raises(ValueError, match="augment_late"):
        TrainConfig(augment_late="mirror")
    with pytest.raises(ValueError, match="augment_late"):
        TrainConfig(augment_late="panels", augment_late_from=-1)
