"""Focus phases: batches from chosen riddles only, in a seeded order, before the epochs; a run
interrupted inside a phase resumes bit-for-bit. Oversampling: chosen riddles drawn more often in the
epochs."""
# ruff: noqa: F811 (the tests take the imported fixtures as arguments)

from __future__ import annotations

import pytest
import torch
from test_training import (  # the fixtures too: the same tiny dataset, one thread
    assert_resume_is_bit_for_bit,
    config,
    data_dir,  # noqa: F401
    one_thread,  # noqa: F401
    run,
    send_at,
    splits,  # noqa: F401
)

from saccade_net.checkpoint import CheckpointError
from saccade_net.curriculum import FocusPhase, check_phases, phase_order, puzzle_repeats
from saccade_net.data import epoch_order
from saccade_net.train import TrainConfig, Trainer

FOCUS = [{"riddles": [1], "puzzles": 40}]  # 3 steps of batch 16 (16, 16, 8) on riddle 1 alone
STEPS_PER_EPOCH = 6


def test_phase_order_draws_only_its_riddles_in_whole_shuffled_passes():
    riddle = torch.tensor([0, 1, 2] * 10)
    phase = FocusPhase((1, 2), 50)  # 20 puzzles in the pool: two whole passes, then half of a third
    order = phase_order(riddle, phase, seed=3, index=0)
    assert len(order) == 50 and set(riddle[order].tolist()) == {1, 2}
    pool = sorted(torch.nonzero(riddle > 0).flatten().tolist())
    assert sorted(order[:20].tolist()) == pool and sorted(order[20:40].tolist()) == pool
    assert not torch.equal(order[:20], order[20:40])  # each pass shuffled anew
    assert torch.equal(order, phase_order(riddle, phase, seed=3, index=0))
    assert not torch.equal(order, phase_order(riddle, phase, seed=3, index=1))
    assert not torch.equal(order, phase_order(riddle, phase, seed=4, index=0))


def test_bad_phases_are_refused():
    with pytest.raises(ValueError, match="at least one puzzle"):
        TrainConfig(focus=[{"riddles": [1], "puzzles": 0}])
    with pytest.raises(ValueError, match="at least one riddle"):
        TrainConfig(focus=[{"riddles": [], "puzzles": 5}])
    with pytest.raises(ValueError, match="focus phase 2.*riddles \\[7\\]"):
        check_phases(torch.tensor([0, 1]), [FocusPhase((1,), 5), FocusPhase((7,), 5)])


def test_focus_phase_comes_first_and_the_epochs_follow(tmp_path, splits, monkeypatch):
    drawn = []
    step = Trainer.train_step

    def spy(self, idx):
        drawn.append(splits[0].riddle[idx].tolist())
        return step(self, idx)

    monkeypatch.setattr(Trainer, "train_step", spy)
    _, result, run_dir = run(tmp_path, "focus", splits, config(focus=FOCUS))
    assert result.summary["steps"] == result.summary["planned_steps"] == 3 + 2 * STEPS_PER_EPOCH
    assert [len(b) for b in drawn[:3]] == [16, 16, 8]
    assert all(set(b) == {1} for b in drawn[:3])
    assert result.summary["puzzles_seen"] == 40 + 2 * 96
    assert {0, 1} <= set(sum(drawn[3:], []))


@pytest.mark.parametrize("stop_step", [2, 3], ids=["mid-phase", "phase-end"])
def test_resume_inside_the_focus_phase_is_bit_for_bit(tmp_path, splits, stop_step):
    assert_resume_is_bit_for_bit(tmp_path, splits, config(focus=FOCUS, val_every=24), stop_step)


def test_resume_refuses_changed_focus_phases(tmp_path, splits):
    _, result, _ = run(tmp_path, "r", splits, config(focus=FOCUS), on_step=send_at(2))
    assert result.stop_reason == "terminated"
    with pytest.raises(CheckpointError, match="focus phases have changed"):
        run(tmp_path, "r", splits, config(focus=[{"riddles": [1], "puzzles": 80}]), resume=True)


def test_oversampled_riddles_fill_their_share_of_an_epoch():
    riddle = torch.tensor([0, 1, 2, 3] * 250)
    repeats = puzzle_repeats(riddle, [{"riddles": [1, 2], "weight": 3}, {"riddles": [2], "weight": 5}])
    assert repeats.tolist()[:4] == [1, 3, 5, 1]
    order = epoch_order(1000, seed=1, epoch=0, repeats=repeats)
    assert len(order) == 1000
    share = torch.bincount(riddle[order], minlength=4) / 1000
    assert torch.allclose(share, torch.tensor([1, 3, 5, 1]) / 10, atol=0.04)
    assert torch.equal(order, epoch_order(1000, seed=1, epoch=0, repeats=repeats))
    # no oversampling: the plain permutation, so runs without it draw what they always drew
    assert puzzle_repeats(riddle, []) is None
    ones = torch.ones(1000, dtype=torch.long)
    assert torch.equal(epoch_order(1000, 1, 0, ones), epoch_order(1000, 1, 0))


def test_oversampling_is_refused_without_riddles_or_with_weight_below_one():
    with pytest.raises(ValueError, match="weight >= 1"):
        TrainConfig(oversample=[{"riddles": [1], "weight": 0}])
    with pytest.raises(ValueError, match="weight >= 1"):
        TrainConfig(oversample=[{"riddles": [], "weight": 2}])
