"""The foveated retina: the fovea is an exact crop, rings are blurred wider views, all batched."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from saccade_net.canvas import N_PANELS, Canvas
from saccade_net.retina import Retina, sample_unit_grid

CANVAS = Canvas(100)


def numpy_canvas(panels: np.ndarray) -> np.ndarray:
    """(6, P, P) → (H, W) canvas by plain slicing."""
    img = np.zeros((CANVAS.height, CANVAS.width), dtype=panels.dtype)
    for k in range(N_PANELS):
        x0, y0 = CANVAS.origin(k)
        img[y0 : y0 + CANVAS.panel_size, x0 : x0 + CANVAS.panel_size] = panels[k]
    return img


def numpy_crop(img: np.ndarray, x: int, y: int, n: int) -> np.ndarray:
    """n × n pixels centred on the integer point (x, y), zeros outside the image."""
    pad = np.pad(img, n)
    return pad[y - n // 2 + n : y + n // 2 + n, x - n // 2 + n : x + n // 2 + n]


@pytest.fixture
def panels():
    return torch.rand(3, N_PANELS, 100, 100, generator=torch.Generator().manual_seed(0))


def test_compose_matches_numpy(panels):
    img = CANVAS.compose(panels)
    for b in range(3):
        assert np.array_equal(img[b, 0].numpy(), numpy_canvas(panels[b].numpy()))


@pytest.mark.parametrize(
    "size, dtype, atol", [(16, torch.float64, 1e-12), (32, torch.float64, 1e-12), (32, torch.float32, 5e-5)]
)
def test_fovea_matches_reference_crop_at_integer_landing_points(panels, size, dtype, atol):
    """Exact in float64; in float32 the normalised grid coordinates round off by ~1e-5 pixel."""
    panels = panels.to(dtype)
    retina = Retina(CANVAS, size=size)
    rng = np.random.default_rng(0)
    pts = np.stack([rng.integers(-5, CANVAS.width + 5, (3, 7)), rng.integers(-5, CANVAS.height + 5, (3, 7))], -1)
    pts[:, 0] = CANVAS.centres()[2]  # a panel centre, and points near and beyond the borders
    g = retina(CANVAS.compose(panels), torch.as_tensor(pts, dtype=dtype))
    assert g.shape == (3, 7, retina.n_channels, size, size) and g.dtype == dtype
    for b in range(3):
        ref_img = numpy_canvas(panels[b].numpy())
        for j in range(7):
            ref = numpy_crop(ref_img, int(pts[b, j, 0]), int(pts[b, j, 1]), size)
            np.testing.assert_allclose(g[b, j, 0].numpy(), ref, rtol=0, atol=atol)


def test_ring_is_the_average_pooled_canvas(panels):
    retina = Retina(CANVAS, size=20, ring_fields=(1.0,))  # spacing 5 px: pooled 5 × 5
    assert retina.spacings == (1.0, 5.0) and retina.pools == (1, 5)
    img = CANVAS.compose(panels)
    x, y = 185, 120  # multiples of the pool: samples fall on pooled pixel centres
    g = retina(img, torch.tensor([[[x, y]]] * 3, dtype=torch.float32))
    for b in range(3):
        c = numpy_canvas(panels[b].numpy())
        c = np.pad(c, ((0, -c.shape[0] % 5), (0, -c.shape[1] % 5)))
        pooled = c.reshape(c.shape[0] // 5, 5, c.shape[1] // 5, 5).mean((1, 3))
        ref = pooled[y // 5 - 10 : y // 5 + 10, x // 5 - 10 : x // 5 + 10]
        np.testing.assert_allclose(g[b, 0, 1].numpy(), ref, atol=1e-5)


def test_wide_ring_sees_neighbours_blurred_fovea_does_not():
    panels = torch.zeros(1, N_PANELS, 100, 100)
    panels[0, 1, 40:60, 40:60] = 1.0  # ink only in panel 1
    retina = Retina(CANVAS, size=32, ring_fields=(1.0, 2.6))
    g = retina(CANVAS.compose(panels), torch.as_tensor(CANVAS.centres()[[0, 1]][None], dtype=torch.float32))
    at0, at1 = g[0, 0], g[0, 1]
    assert at0[0].sum() == 0 and at0[1].sum() == 0  # fixating panel 0: fovea and panel ring see nothing
    assert at0[2].sum() > 0  # ... the wide ring sees the neighbour
    def blurred(x):  # samples strictly between paper and ink
        return int(((x > 0.01) & (x < 0.99)).sum())

    assert blurred(at1[0]) == 0 and at1[0].max() > 0.99  # the fovea is sharp
    assert blurred(at1[1]) > 0 and blurred(at1[2]) > 0  # the rings are not
    ink = [float(at1[r].sum() * retina.spacings[r] ** 2) for r in range(3)]  # ink area in canvas px²
    np.testing.assert_allclose(ink, 400.0, rtol=0.05)


def test_batched_equals_one_by_one(panels):
    retina = Retina(CANVAS)
    pts = torch.rand(3, 5, 2) * torch.tensor([CANVAS.width, CANVAS.height])
    img = CANVAS.compose(panels)
    all_at_once = retina(img, pts)
    for b in range(3):
        for j in range(5):
            one = retina(img[b : b + 1], pts[b : b + 1, j : j + 1])
            torch.testing.assert_close(one[0, 0], all_at_once[b, j])


def test_bad_configuration():
    with pytest.raises(ValueError):
        Retina(CANVAS, size=1)
    with pytest.raises(ValueError):
        Retina(CANVAS, ring_fields=(0.0,))


def test_padded_canvas_gives_the_same_glimpses(panels):
    retina = Retina(CANVAS, size=32, ring_fields=(1.0, 2.6))
    assert retina.pools == (1, 3, 8) and retina.pad_multiple == 24
    plain, padded = CANVAS.compose(panels), CANVAS.compose(panels, pad_to=retina.pad_multiple)
    assert padded.shape[-2:] == (264, 384) and torch.equal(padded[..., : CANVAS.height, : CANVAS.width], plain)
    assert padded[..., CANVAS.height :, :].sum() == 0 and padded[..., CANVAS.width :].sum() == 0
    pts = torch.rand(3, 4, 2) * torch.tensor([CANVAS.width, CANVAS.height])
    torch.testing.assert_close(retina(plain, pts), retina(padded, pts))


def test_nested_pools_are_pooled_from_the_previous_ring(panels):
    nested = Retina(CANVAS, size=32, ring_fields=(1.0, 2.88))
    direct = Retina(CANVAS, size=32, ring_fields=(2.88,))
    assert nested.pools == (1, 3, 9) and direct.pools == (1, 9)
    img = CANVAS.compose(panels, pad_to=9)
    pts = torch.rand(3, 4, 2) * torch.tensor([CANVAS.width, CANVAS.height])
    torch.testing.assert_close(nested(img, pts)[:, :, 2], direct(img, pts)[:, :, 1])


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_avg_pool_matches_torch(k):
    from saccade_net.retina import avg_pool

    img = torch.rand(2, 1, 12 * k, 6 * k, dtype=torch.float64)
    torch.testing.assert_close(avg_pool(img, k), torch.nn.functional.avg_pool2d(img, k))


def test_a_wide_fovea_is_the_pooled_panel_at_its_own_resolution(panels):
    """fovea_field=1 on a 50-sample grid: spacing 2 px, i.e. the panel averaged over 2 × 2 blocks (exactly
    so for a panel whose origin is even, as panel 0's is: then the canvas's blocks are the panel's)."""
    retina = Retina(CANVAS, size=50, ring_fields=(2.5,), fovea_field=1.0)
    assert retina.spacings == (2.0, 5.0) and retina.pools == (2, 5)
    x0, y0 = CANVAS.origin(0)
    assert x0 % 2 == 0 and y0 % 2 == 0
    centre = torch.tensor([[[x0 + 50.0, y0 + 50.0]]], dtype=torch.float64)
    g = retina(CANVAS.compose(panels.double()), centre.expand(3, 1, 2))
    pooled = torch.nn.functional.avg_pool2d(panels[:, 0].double()[:, None], 2)[:, 0]
    torch.testing.assert_close(g[:, 0, 0], pooled, rtol=0, atol=1e-12)
    with pytest.raises(ValueError):
        Retina(CANVAS, fovea_field=-1.0)


def test_unit_grid_sampling_equals_grid_sample_at_any_landing_point():
    """The crop-and-blend path (rings with one sample per pooled pixel) gives `F.grid_sample`'s numbers
    for sub-pixel origins, inside the image, across its borders and wholly outside it."""
    g = torch.Generator().manual_seed(1)
    img = torch.rand(2, 1, 30, 45, generator=g, dtype=torch.float64)
    n = 8
    origin = torch.rand(2, 9, 2, generator=g, dtype=torch.float64) * torch.tensor([60.0, 44.0]) - 12
    origin[0, 0] = torch.tensor([3.0, 4.0])  # integer: an exact crop
    k = torch.arange(n, dtype=torch.float64)
    xy = origin[:, :, None, None, :] + torch.stack(torch.meshgrid(k, k, indexing="xy"), -1)  # pixel indices
    grid = (2 * xy + 1) / torch.tensor([45.0, 30.0]) - 1  # grid_sample's coordinates (align_corners=False)
    ref = F.grid_sample(img, grid.reshape(2, 9 * n, n, 2), align_corners=False).reshape(2, 9, n, n)
    got = sample_unit_grid(img, origin, n)
    torch.testing.assert_close(got, ref, rtol=0, atol=1e-12)
    assert torch.equal(got[0, 0], img[0, 0, 4 : 4 + n, 3 : 3 + n])
