"""Canvas layout and scan paths: reproducible, faithful to the policy, suppressed in flight, main sequence."""

import numpy as np
import pytest
import torch

from saccade_net.canvas import N_PANELS, Canvas
from saccade_net.scanpath import (
    PaperPolicy,
    RandomRevisits,
    ReadingOrder,
    SaccadeTiming,
    make_policy,
    sample_scanpaths,
)

CANVAS = Canvas(100)
TIMING = SaccadeTiming()


def paths(batch=64, seed=0, policy=None, timing=TIMING, **kw):
    return sample_scanpaths(batch, policy or PaperPolicy(6), timing, CANVAS, seed, **kw)


def test_canvas_layout_two_rows_of_three_with_gaps():
    c = CANVAS
    assert (c.gap, c.margin, c.width, c.height) == (25, 12, 374, 249)
    centres = c.centres()
    assert np.array_equal(c.panel_at(centres), np.arange(N_PANELS))
    assert np.allclose(centres[1] - centres[0], [c.spacing, 0]) and np.allclose(centres[3] - centres[0], [0, c.spacing])
    gap_point = (centres[0] + centres[1]) / 2
    assert c.panel_at(gap_point) == -1 and c.panel_at(np.array([1.0, 1.0])) == -1
    panels = torch.rand(2, N_PANELS, 100, 100) + 1.0  # strictly positive, so gaps (0) are distinguishable
    img = c.compose(panels)
    assert img.shape == (2, 1, c.height, c.width)
    for k in range(N_PANELS):
        x0, y0 = c.origin(k)
        assert torch.equal(img[:, 0, y0 : y0 + 100, x0 : x0 + 100], panels[:, k])
    assert (img > 0).sum() == panels.numel()  # nothing but the panels is inked


def test_reproducible_and_seed_dependent():
    a, b, c = paths(seed=3), paths(seed=3), paths(seed=4)
    for name in ("target", "landing", "flight", "eye", "glimpse"):
        assert torch.equal(getattr(a, name), getattr(b, name)), name
    assert not torch.equal(a.target, c.target)
    rng = np.random.default_rng(5)
    first = sample_scanpaths(8, PaperPolicy(), TIMING, CANVAS, rng)
    second = sample_scanpaths(8, PaperPolicy(), TIMING, CANVAS, rng)  # the generator advances
    assert not torch.equal(first.landing, second.landing)


@pytest.mark.parametrize("n_initial", [6, 9, 12])
def test_paper_policy_visits_all_panels_then_each_once(n_initial):
    p = paths(batch=200, policy=PaperPolicy(n_initial))
    assert p.n_fixations == n_initial + N_PANELS
    initial, evaluation = p.target[:, :n_initial], p.eval_panel
    for row in initial:
        assert set(row[:6].tolist()) == set(range(N_PANELS))  # every panel in the first six
    assert torch.equal(evaluation.sort(1).values, torch.arange(N_PANELS).expand(200, -1))
    assert len({tuple(r) for r in evaluation.tolist()}) > 50  # random orders, not a fixed one
    assert len({tuple(r) for r in initial.tolist()}) > 50


def test_paper_policy_needs_six_initial_saccades():
    with pytest.raises(ValueError, match="n_initial"):
        PaperPolicy(5)


def test_other_policies():
    reading = paths(batch=4, policy=ReadingOrder(8))
    assert torch.equal(reading.target[0], torch.tensor([0, 1, 2, 3, 4, 5, 0, 1, 0, 1, 2, 3, 4, 5]))
    assert (reading.target == reading.target[0]).all()
    rev = paths(batch=300, policy=RandomRevisits(10))
    init = rev.target[:, :10]
    assert (init[:, 1:] != init[:, :-1]).all()  # never the same panel twice in a row
    visited = torch.stack([(init == k).any(1) for k in range(N_PANELS)], 1).sum(1)
    assert (visited < N_PANELS).any()  # revisits leave some panels out
    assert torch.equal(rev.eval_panel.sort(1).values, torch.arange(N_PANELS).expand(300, -1))
    assert isinstance(make_policy("reading", 6), ReadingOrder)
    with pytest.raises(ValueError, match="unknown scan-path policy"):
        make_policy("zigzag")


def test_time_layout_and_saccadic_suppression():
    p = paths(batch=32)
    s_total, t_steps = p.n_fixations, p.n_steps
    assert t_steps == int(p.length.max())
    for b in range(p.batch):
        t = 0
        for s in range(s_total):
            fl, on, dur = int(p.flight[b, s]), int(p.onset[b, s]), int(p.duration[b, s])
            assert on == t + fl and dur == TIMING.fixation_steps
            assert (p.glimpse[b, t:on] == -1).all()  # in flight: no glimpse
            assert (p.glimpse[b, on : on + dur] == s).all()
            assert torch.allclose(p.eye[b, on : on + dur], p.landing[b, s].expand(dur, 2))
            if fl:  # the eye moves between the two landing points, strictly inside
                prev = p.landing[b, s - 1] if s else torch.as_tensor(CANVAS.centre, dtype=torch.float32)
                d_total = (p.landing[b, s] - prev).norm()
                d_mid = (p.eye[b, t:on] - prev).norm(dim=1)
                assert (d_mid > 0).all() and (d_mid < d_total).all()
            t = on + dur
        assert t == int(p.length[b])
        assert (p.glimpse[b, t:] == -1).all()
    # each fixation's glimpse index appears exactly `duration` times
    counts = torch.stack([(p.glimpse == s).sum(1) for s in range(s_total)], 1)
    assert torch.equal(counts, p.duration)


def test_landing_on_target_with_error_growing_with_amplitude():
    p = paths(batch=2000, seed=1)
    centres = torch.as_tensor(CANVAS.centres(), dtype=torch.float32)[p.target]
    err = (p.landing - centres).norm(dim=-1)
    assert (err > 0).all()
    assert np.array_equal(CANVAS.panel_at(p.landing.numpy()), p.target.numpy())  # always on the target
    amp = p.amplitude
    short, long = err[amp < 0.9 * CANVAS.spacing], err[amp > 1.8 * CANVAS.spacing]
    assert short.numel() > 100 and long.numel() > 100
    assert long.mean() > 1.3 * short.mean()


def test_longer_saccades_take_longer():
    p = paths(batch=2000, seed=2)
    amp, flight = p.amplitude.flatten(), p.flight.flatten()
    order = amp.argsort()
    assert (flight[order].diff() >= 0).all()  # monotone in amplitude: the main sequence
    assert flight[amp < 1.2 * CANVAS.spacing].max() == 1 and flight[amp > 1.5 * CANVAS.spacing].min() == 2
    timing = SaccadeTiming(flight_gain=2.0, max_flight=3)
    assert timing.flight_steps(np.array([0.0, 100.0, 200.0, 1000.0]), 125.0).tolist() == [1, 2, 3, 3]


def test_eval_mask_marks_each_panels_evaluation_fixation():
    p = paths(batch=16)
    mask = p.eval_mask()
    assert mask.shape == (16, N_PANELS, p.n_steps)
    assert (mask.sum(-1) == TIMING.fixation_steps).all()
    assert (mask.sum(1) <= 1).all()  # disjoint
    for b in range(16):
        for k in range(N_PANELS):
            fixations = p.glimpse[b, mask[b, k]]
            assert (fixations >= p.n_initial).all() and (p.target[b, fixations] == k).all()


def test_fixed_number_of_steps():
    longest = TIMING.max_steps(12)
    p = paths(batch=8, n_steps=longest)
    assert p.n_steps == longest and p.eye.shape == (8, longest, 2)
    last = p.landing[torch.arange(8), -1]
    tail = p.eye[:, -1]
    assert torch.allclose(tail, last)  # the eye rests on the last landing point after the path
    with pytest.raises(ValueError, match="shorter"):
        paths(batch=8, n_steps=5)
    one = p.select(2)
    assert one.batch == 1 and torch.equal(one.eye[0], p.eye[2])


def test_corrective_saccades_bring_the_eye_back_near_the_centre():
    corrective = SaccadeTiming(corrective=True)
    plain, corrected = paths(batch=2000, seed=3), paths(batch=2000, seed=3, timing=corrective)
    assert torch.equal(plain.target, corrected.target)
    assert torch.equal(plain.amplitude[:, 0], corrected.amplitude[:, 0])  # the same first primary saccade
    centres = torch.as_tensor(CANVAS.centres(), dtype=torch.float32)[plain.target]
    err_plain, err_corrected = (plain.landing - centres).norm(dim=-1), (corrected.landing - centres).norm(dim=-1)
    # the correction's own error follows the rule for its small amplitude: about error_base alone
    assert err_corrected.mean() < 0.5 * err_plain.mean()
    assert err_corrected.std() < 0.5 * err_plain.std()
    # one more suppressed step per saccade; the eye waits at the primary landing point during it
    moving = corrective.flight_steps(corrected.amplitude.numpy(), CANVAS.spacing)
    assert np.array_equal(corrected.flight.numpy(), moving + 1)
    assert corrective.max_steps(12) == TIMING.max_steps(12) + 12
    before = corrected.onset - 1  # the correction step of each saccade
    assert (corrected.glimpse.gather(1, before) == -1).all()
    # the first primary saccade starts where the plain one does, with the same error
    torch.testing.assert_close(corrected.eye[torch.arange(2000), before[:, 0]], plain.landing[:, 0])
    waiting = corrected.eye.gather(1, before[..., None].expand(-1, -1, 2))
    assert np.array_equal(CANVAS.panel_at(waiting.numpy()), corrected.target.numpy())  # near the target
