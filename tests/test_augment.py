"""Training augmentation keeps the odd panel odd: panel shuffles move the label with it, and the
dihedral transform is one symmetry of the square applied to all six panels alike, or one per panel
(never a mirror image for the chiral riddles)."""

import pytest
import torch

from saccade_net.augment import augment, dihedral, draw, handed_riddles, permute_panels


def odd_one_out_batch(b: int = 32, size: int = 12) -> tuple[torch.Tensor, torch.Tensor]:
    """Puzzles whose five normal panels are one random image and whose odd panel is another."""
    gen = torch.Generator().manual_seed(0)
    normal = torch.rand(b, 1, size, size, generator=gen).expand(b, 6, size, size).clone()
    label = torch.randint(0, 6, (b,), generator=gen)
    normal[torch.arange(b), label] = torch.rand(b, size, size, generator=gen)
    return normal, label


def assert_odd_panel_is_labelled(x: torch.Tensor, y: torch.Tensor) -> None:
    for i in range(len(y)):
        others = [k for k in range(6) if k != y[i]]
        assert all(torch.equal(x[i, others[0]], x[i, k]) for k in others)
        assert not torch.equal(x[i, y[i]], x[i, others[0]])


def test_permutation_moves_the_label_with_the_odd_panel():
    torch.manual_seed(1)
    x, y = odd_one_out_batch()
    px, py = permute_panels(x, y, draw(len(y))[0])
    assert_odd_panel_is_labelled(px, py)
    assert (py != y).any()  # the order really changes
    assert sorted(px[0].flatten().tolist()) == sorted(x[0].flatten().tolist())  # the same six panels


def test_dihedral_applies_one_square_symmetry_to_all_six_panels():
    torch.manual_seed(2)
    x, _ = odd_one_out_batch(b=64)
    out = dihedral(x, draw(len(x))[1])
    symmetries = []
    for i in range(len(x)):
        ops = {
            (h, v, t): (lambda p, h=h, v=v, t=t: _apply(p, h, v, t))
            for h in (0, 1) for v in (0, 1) for t in (0, 1)
        }  # fmt: skip
        matching = [key for key, op in ops.items() if torch.equal(op(x[i]), out[i])]
        assert matching, "each puzzle gets a symmetry of the square, the same for all its panels"
        symmetries.append(matching[0])
    assert len(set(symmetries)) == 8  # all 8 symmetries occur over 64 puzzles


def _apply(p: torch.Tensor, h: int, v: int, t: int) -> torch.Tensor:
    if h:
        p = p.flip(-1)
    if v:
        p = p.flip(-2)
    return p.transpose(-1, -2) if t else p


def test_augment_is_reproducible_from_the_global_seed_and_keeps_the_answer():
    x, y = odd_one_out_batch()
    torch.manual_seed(3)
    a = augment(x, y)
    torch.manual_seed(3)
    b = augment(x, y)
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert_odd_panel_is_labelled(*a)


def test_modes_order_keeps_the_panels_and_none_changes_nothing():
    x, y = odd_one_out_batch()
    torch.manual_seed(4)
    ox, oy = augment(x, y, mode="order")
    assert_odd_panel_is_labelled(ox, oy)
    for i in range(len(y)):  # the same panels, none of them flipped or turned
        assert torch.equal(ox[i, oy[i]], x[i, y[i]])
    nx, ny = augment(x, y, mode="none")
    assert nx is x and ny is y
    with pytest.raises(ValueError):
        augment(x, y, mode="mirror")


def _symmetries_of(p: torch.Tensor) -> dict[tuple[int, int, int], torch.Tensor]:
    return {(h, v, t): _apply(p, h, v, t) for h in (0, 1) for v in (0, 1) for t in (0, 1)}


def test_panels_mode_gives_each_panel_its_own_square_symmetry():
    torch.manual_seed(5)
    x, y = odd_one_out_batch(b=16)
    order, coins = draw(len(y), 6, "panels")
    assert coins.shape == (16, 6, 3)
    out, label = augment(x, y, (order, coins), "panels")
    poses = set()
    for i in range(len(y)):
        for slot in range(6):
            source = x[i, order[i, slot]]
            matching = [k for k, img in _symmetries_of(source).items() if torch.equal(img, out[i, slot])]
            assert matching, "every panel is a flip/turn of the panel it came from"
            poses.add(matching[0])
        assert torch.equal(order[i, label[i]], y[i])  # the label follows the odd panel
    assert len(poses) == 8
    assert len({tuple(c) for c in coins[0].int().tolist()}) > 1  # panels of one puzzle differ


def test_panels_mode_only_turns_the_panels_of_handed_puzzles():
    torch.manual_seed(6)
    x, y = odd_one_out_batch(b=64)
    handed = torch.arange(64) % 2 == 0
    order, coins = draw(64, 6, "panels")
    out, _ = augment(x, y, (order, coins), "panels", handed=handed)
    mirrored = {k for k in _symmetries_of(x[0, 0]) if sum(k) % 2}  # an odd number of reflections
    seen_mirror = False
    for i in range(64):
        for slot in range(6):
            source = x[i, order[i, slot]]
            pose = next(k for k, img in _symmetries_of(source).items() if torch.equal(img, out[i, slot]))
            if handed[i]:
                assert pose not in mirrored, "a chiral figure is never mirrored"
            seen_mirror |= pose in mirrored
    assert seen_mirror  # the other puzzles are mirrored as often as turned


def test_handed_riddles_are_the_chiral_family():
    from oddity_dataset.catalog import all_riddles

    ids = handed_riddles()
    assert ids and all(r.family == "chiral" for r in all_riddles() if r.id in ids)
    assert {r.id for r in all_riddles() if r.family == "chiral"} == set(ids)
