"""Tests of baselines/: shapes, the relation module's symmetry, the "each panel alone" ablation,
parameter counts, the pixel-statistics floor, and a tiny OReN that learns three riddles."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from baselines import CNNMLP, MODELS, OReN, PanelEncoder, PixelStatistics, RelationCore, count_parameters
from baselines.pixel_stats import panel_statistics
from oddity_dataset.catalog import select_riddles
from oddity_dataset.generator import generate_puzzle

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "visual_oddity_reference_s2.npz"

FACTORIES = {
    "oren": lambda size: OReN(panel_size=size),
    "oren-alone": lambda size: OReN(panel_size=size, relation=False),
    "oren-full-res": lambda size: OReN(panel_size=size, downsample=1, channels_last=False),
    "cnn-mlp": lambda size: CNNMLP(panel_size=size),
    "pixel-stats": lambda size: PixelStatistics(),
}


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)


def blank(batch: int = 1, size: int = 100) -> torch.Tensor:
    """Paper-only panels (B, 6, size, size) with a slightly different paper level per panel."""
    return torch.arange(6).float().mul(0.01).view(1, 6, 1, 1).expand(batch, 6, size, size).clone()


# ---------------------------------------------------------------- shapes and configs


@pytest.mark.parametrize("size", [64, 100])
@pytest.mark.parametrize("name", list(FACTORIES))
def test_output_shape_for_a_batch(name, size):
    model = FACTORIES[name](size).eval()
    with torch.no_grad():
        scores = model(torch.rand(3, 6, size, size))
    assert scores.shape == (3, 6)
    assert scores.dtype == torch.float32
    assert torch.isfinite(scores).all()


@pytest.mark.parametrize("name", list(FACTORIES))
def test_config_rebuilds_the_same_model(name):
    model = FACTORIES[name](64).eval()
    config = json.loads(json.dumps(model.config))  # JSON-able, and survives the round trip
    clone = type(model)(**config).eval()
    assert clone.config == model.config
    clone.load_state_dict(model.state_dict(), strict=True)
    x = torch.rand(2, 6, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(clone(x), model(x))


def test_registry_names_the_three_baselines():
    assert MODELS == {"oren": OReN, "cnn-mlp": CNNMLP, "pixel-stats": PixelStatistics}


@pytest.mark.parametrize("bad", [(2, 5, 64, 64), (2, 6, 64, 60), (6, 64, 64)])
def test_bad_input_shape_is_refused(bad):
    with pytest.raises(ValueError, match="panels"):
        OReN(panel_size=64)(torch.rand(*bad))


def test_panel_size_must_match_the_model():
    with pytest.raises(ValueError, match="100"):
        CNNMLP(panel_size=100)(torch.rand(1, 6, 64, 64))


def test_channels_last_is_a_speed_option_only():
    a = PanelEncoder(64, channels_last=False).eval()
    b = PanelEncoder(64, channels_last=True).eval()
    b.load_state_dict(a.state_dict())
    x = torch.rand(12, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(b(x), a(x), rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- the relation core


def small_core(relation: bool = True) -> RelationCore:
    return RelationCore(object_dim=10, g_hidden=16, g_layers=3, f_hidden=12, f_layers=2, relation=relation).double()


def test_vectorised_core_equals_the_pairwise_definition():
    """s_k = f(Σ_{j≠k} g([o_k; o_j])), computed pair by pair with g's undivided first layer."""
    core = small_core()
    objects = torch.randn(3, 6, 10, dtype=torch.float64)
    expected = torch.empty(3, 6, dtype=torch.float64)
    for k in range(6):
        total = 0
        for j in range(6):
            if j != k:
                pair = torch.cat([objects[:, k], objects[:, j]], dim=1)
                total = total + core.g_rest(torch.relu(core.g_first(pair)))
        expected[:, k] = core.f(total).squeeze(-1)
    torch.testing.assert_close(core(objects), expected)


def test_score_of_k_is_invariant_to_the_order_of_the_other_five():
    core = small_core()
    gen = torch.Generator().manual_seed(1)
    objects = torch.randn(4, 6, 10, dtype=torch.float64, generator=gen)
    scores = core(objects)
    for k in range(6):
        others = [j for j in range(6) if j != k]
        for _ in range(5):
            order = list(range(6))
            shuffled = [others[i] for i in torch.randperm(5, generator=gen)]
            for slot, j in zip(others, shuffled, strict=True):
                order[slot] = j
            torch.testing.assert_close(core(objects[:, order])[:, k], scores[:, k])
    # ... and not because the others do not matter: changing one of them moves the score of k
    changed = objects.clone()
    changed[:, 3] += 1.0
    assert not torch.allclose(core(changed)[:, 0], scores[:, 0])


def test_permuting_all_panels_permutes_the_scores():
    core = small_core()
    objects = torch.randn(2, 6, 10, dtype=torch.float64)
    order = torch.tensor([4, 0, 5, 2, 1, 3])
    torch.testing.assert_close(core(objects[:, order]), core(objects)[:, order])


# ---------------------------------------------------------------- the "each panel alone" ablation


def test_without_relation_each_panel_is_scored_alone():
    core = small_core(relation=False)
    objects = torch.randn(2, 6, 10, dtype=torch.float64)
    assert core.pair_features(objects).shape == (2, 6, 1, 16)
    assert small_core(relation=True).pair_features(objects).shape == (2, 6, 5, 16)
    scores = core(objects)
    changed = objects.clone()
    changed[:, 1:] = torch.randn(2, 5, 10, dtype=torch.float64)
    torch.testing.assert_close(core(changed)[:, 0], scores[:, 0])
    # it is g on the pair (k, k)
    g_kk = core.g_rest(torch.relu(core.g_first(torch.cat([objects, objects], dim=2))))
    torch.testing.assert_close(scores, core.f(g_kk).squeeze(-1))


def test_relation_flag_is_recorded_and_keeps_the_parameter_count():
    alone, related = OReN(panel_size=64, relation=False), OReN(panel_size=64)
    assert alone.config["relation"] is False and related.config["relation"] is True
    assert type(alone)(**alone.config).core.relation is False
    assert alone.parameter_counts() == related.parameter_counts()
    # in the whole model (BatchNorm in eval mode) panel 0's score ignores the other panels' images
    alone.eval()
    x = torch.rand(2, 6, 64, 64)
    y = x.clone()
    y[:, 1:] = torch.rand(2, 5, 64, 64)
    with torch.no_grad():
        torch.testing.assert_close(alone(y)[:, 0], alone(x)[:, 0])
        related.eval()
        assert not torch.allclose(related(y)[:, 0], related(x)[:, 0])


# ---------------------------------------------------------------- parameter counts


@pytest.mark.parametrize("name", ["oren", "oren-alone", "cnn-mlp"])
def test_parameter_counts_add_up(name):
    model = FACTORIES[name](100)
    counts = model.parameter_counts()
    assert counts["encoder"] + counts["core"] == counts["total"]
    assert counts["total"] == sum(p.numel() for p in model.parameters())
    assert counts["encoder"] == count_parameters(model.encoder) > 0
    assert counts["core"] > 0


def test_oren_has_fewer_parameters_than_cnn_mlp_by_default():
    assert OReN().parameter_counts()["total"] < CNNMLP().parameter_counts()["total"]


def test_pixel_statistics_learn_nothing():
    model = PixelStatistics()
    assert list(model.parameters()) == []
    assert model.parameter_counts() == {"encoder": 0, "core": 0, "total": 0}


# ---------------------------------------------------------------- the pixel-statistics floor


def square_puzzle(sides: list[int], corners: list[tuple[int, int]], size: int = 100) -> torch.Tensor:
    """One puzzle (1, 6, size, size): on each panel a filled ink square of the given side at (row, col)."""
    x = blank(1, size)
    for k, (side, (r, c)) in enumerate(zip(sides, corners, strict=True)):
        x[0, k, r : r + side, c : c + side] = 0.9
    return x


def test_statistics_of_a_known_panel():
    x = square_puzzle([10] * 6, [(20, 40)] * 6)
    stats = panel_statistics(x)
    torch.testing.assert_close(stats["ink"][0], torch.full((6,), 0.01))
    torch.testing.assert_close(stats["extent"][0], torch.full((6,), 0.01))
    torch.testing.assert_close(stats["position_x"][0], torch.full((6,), 0.45))
    torch.testing.assert_close(stats["position_y"][0], torch.full((6,), 0.25))
    torch.testing.assert_close(stats["light"][0], torch.zeros(6))


def test_pixel_statistics_find_the_big_square():
    corners = [(10, 10), (50, 20), (30, 60), (60, 60), (20, 35), (45, 45)]
    for odd in range(6):
        sides = [8] * 6
        sides[odd] = 30
        x = square_puzzle(sides, corners)
        model = PixelStatistics()
        assert model(x).argmax(1).item() == odd
        choices = model.choices(x)
        assert choices["ink"].item() == odd and choices["extent"].item() == odd


def test_pixel_statistics_find_the_displaced_figure():
    """Five squares at the same column, one moved sideways: only the x position gives it away."""
    corners = [(10, 40), (50, 40), (30, 40), (70, 40), (20, 40), (60, 40)]
    corners[2] = (30, 65)
    x = square_puzzle([10] * 6, corners)
    assert PixelStatistics().choices(x)["position_x"].item() == 2
    assert PixelStatistics(statistics=["position_x"])(x).argmax(1).item() == 2


def test_unknown_statistic_is_refused():
    with pytest.raises(ValueError, match="unknown statistics"):
        PixelStatistics(statistics=["ink", "colour"])


@pytest.mark.skipif(not REFERENCE.exists(), reason="reference puzzles not present")
def test_pixel_statistics_reproduce_a_documented_reference_shortcut():
    """riddles.md: on the reference set, the shape's x position alone solves `symmetrical_vertical`."""
    with np.load(REFERENCE, allow_pickle=False) as data:
        keep = data["riddle_id"] == 19
        images, labels = data["images"][keep], torch.from_numpy(data["label"][keep])
    x = 1 - torch.from_numpy(images).float() / 255
    choice = PixelStatistics().choices(x)["position_x"]
    assert (choice == labels).float().mean().item() >= 0.9


# ---------------------------------------------------------------- a tiny OReN learns

LEARN_RIDDLES = "2,13,17"  # straight_line, rectangle, circle: no pixel statistic solves them


def riddle_batch(split: str, n: int, size: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """n puzzles cycling through LEARN_RIDDLES, as model input (ink high) and odd labels."""
    riddles = select_riddles(LEARN_RIDDLES)
    puzzles = [generate_puzzle(riddles[i % 3], 0, split, i // 3, size=size) for i in range(n)]
    x = 1 - torch.from_numpy(np.stack([p.panels for p in puzzles])).float() / 255
    return x, torch.tensor([p.odd for p in puzzles])


@pytest.fixture
def one_thread():
    """One intra-op thread (deterministic float sums, and polite on a shared machine), restored after."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_tiny_oren_learns_three_riddles_above_chance(one_thread):
    x_train, y_train = riddle_batch("train", 2000)
    x_test, y_test = riddle_batch("test", 300)
    model = OReN(panel_size=64, downsample=4, channels=[16, 32], embed_dim=64, g_hidden=64, g_layers=2, f_hidden=64)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    for _ in range(10):
        model.train()
        for idx in torch.randperm(len(x_train)).split(32):
            loss = torch.nn.functional.cross_entropy(model(x_train[idx]), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
        floor = (PixelStatistics()(x_test).argmax(1) == y_test).float().mean().item()
    print(f"tiny OReN: held-out accuracy {accuracy:.3f}, pixel statistics {floor:.3f}")
    assert accuracy > 0.35, accuracy  # chance is 1/6; this seed reaches about 0.55
    assert accuracy > floor + 0.15, (accuracy, floor)
