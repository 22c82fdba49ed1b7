"""A foveated retina: at each fixation, a sharp fovea plus coarser, wider rings, stacked as channels.

Every ring is sampled on the same `size` × `size` grid centred on the landing point (as in the glimpse
sensor of Mnih et al. 2014); only the spacing between samples differs:
- the fovea samples every canvas pixel (spacing 1, `fovea_field=0`): a full-resolution crop of `size`
  pixels around the landing point — for an integer landing point and an even `size` exactly the pixels
  canvas[y − size/2 : y + size/2, x − size/2 : x + size/2]; or, with `fovea_field` > 0, it spans that
  many panel widths, sampled like a ring (at its own, finer resolution);
- ring r spans `ring_fields[r]` panel widths, so its spacing is field · panel_size / size pixels; it
  samples the canvas after an average pooling by round(spacing), i.e. blurred at its own resolution. A
  field of 0.8 sees the fixated panel's drawing area (the riddles keep a 10 % margin), a field of ~2.5
  also the neighbouring panels. Where one ring's pool is a multiple of the previous one's (2 and 8 for
  the defaults: 2.5 and 8 pixels between samples), it is pooled from the previous ring's image.

All glimpses of a batch and all fixations come out of one operation per ring (no loop over samples or
fixations): `F.grid_sample`, or, where a ring takes one sample per pooled pixel (the defaults: 2 px per
sample on the canvas pooled by 2, 6 on the canvas pooled by 6), one crop per glimpse blended by its
sub-pixel offset (`sample_unit_grid`, the same numbers, faster). Everything outside the canvas reads as
blank paper (0).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from .canvas import Canvas


class Retina:
    """Glimpses (B, G, R, size, size) of a canvas (B, 1, H, W) at landing points (B, G, 2) (pixels).

    R = 1 + len(ring_fields) channels: the fovea first, then the rings from narrow to wide.
    """

    def __init__(
        self, canvas: Canvas, size: int = 32, ring_fields: Sequence[float] = (0.8, 2.56), fovea_field: float = 0.0
    ) -> None:
        if size < 2:
            raise ValueError(f"glimpse size must be >= 2, got {size}")
        if any(f <= 0 for f in ring_fields) or fovea_field < 0:
            raise ValueError(f"ring fields must be > 0 and the fovea's >= 0, got {list(ring_fields)}, {fovea_field}")
        self.canvas = canvas
        self.size = size
        self.ring_fields = tuple(float(f) for f in ring_fields)
        fovea_spacing = fovea_field * canvas.panel_size / size if fovea_field else 1.0
        self.spacings = (fovea_spacing,) + tuple(f * canvas.panel_size / size for f in self.ring_fields)
        self.pools = tuple(max(1, round(s)) for s in self.spacings)
        self.pad_multiple = math.lcm(*self.pools)  # canvases padded to this pool without copies

    @property
    def n_channels(self) -> int:
        return len(self.spacings)

    def field_px(self, ring: int) -> float:
        """Width of ring `ring`'s field in canvas pixels (ring 0 is the fovea)."""
        return self.spacings[ring] * self.size

    def __call__(self, canvas_img: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
        """Glimpses of `canvas_img` (best made by `canvas.compose(panels, pad_to=self.pad_multiple)`)."""
        b, g = points.shape[:2]
        n = self.size
        h, w = canvas_img.shape[-2:]
        if h % self.pad_multiple or w % self.pad_multiple:  # pooled pixel m must cover [m·pool, (m+1)·pool)
            canvas_img = F.pad(canvas_img, (0, -w % self.pad_multiple, 0, -h % self.pad_multiple))
            h, w = canvas_img.shape[-2:]
        scale = points.new_tensor([2.0 / w, 2.0 / h])  # canvas pixels → grid_sample's [-1, 1] (all rings)
        centre = (points * scale - 1)[:, :, None, None, :]  # (B, G, 1, 1, 2)
        offsets = torch.arange(n, dtype=points.dtype, device=points.device) - (n - 1) / 2
        out = points.new_empty(b, g, self.n_channels, n, n)
        img, img_pool = canvas_img, 1
        for r, (spacing, pool) in enumerate(zip(self.spacings, self.pools, strict=True)):
            if pool != img_pool:  # pool the previous ring's image where the factors nest (an exact average)
                base, base_pool = (img, img_pool) if pool % img_pool == 0 else (canvas_img, 1)
                img, img_pool = avg_pool(base, pool // base_pool), pool
            if abs(spacing - pool) < 1e-9:  # one sample per pooled pixel (the default rings): a blended crop
                origin = points / pool - 0.5 - (n - 1) / 2  # the first sample, in pooled pixel indices
                sample_unit_grid(img, origin, n, out=out[:, :, r])
                continue
            step = offsets * spacing
            local = torch.stack(torch.meshgrid(step, step, indexing="xy"), dim=-1) * scale  # (n, n, 2): (x, y)
            grid = (centre + local).reshape(b, g * n, n, 2)
            sampled = F.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
            out[:, :, r] = sampled.reshape(b, g, n, n)
        return out


def sample_unit_grid(img: torch.Tensor, origin: torch.Tensor, n: int, out: torch.Tensor | None = None) -> torch.Tensor:
    """Bilinear samples (B, G, n, n) of `img` (B, 1, H, W) on grids of unit spacing whose first sample
    lies at `origin` (B, G, 2), (x, y) in pixel indices (pixel centres at integers), zero outside the
    image: the numbers of `F.grid_sample` for such grids, computed as one (n + 1)² crop per glimpse (an
    index into a strided view of all windows, no per-sample coordinates) blended by the glimpse's two
    sub-pixel fractions. Written into `out` if given."""
    b = img.shape[0]
    start = origin.floor()
    frac = (origin - start)[..., None, None]  # (B, G, 2, 1, 1)
    start = start.long()
    h, w = img.shape[-2:]
    # zero margins where a crop reaches beyond the image (only as wide as needed)
    low = (-start.amin((0, 1))).clamp(min=0)
    high = (start.amax((0, 1)) + n - start.new_tensor([w - 1, h - 1])).clamp(min=0)
    if (low > 0).any() or (high > 0).any():
        img = F.pad(img, (int(low[0]), int(high[0]), int(low[1]), int(high[1])))
        start = start + low
        h, w = img.shape[-2:]
    img = img.reshape(b, h, w).contiguous()
    sb, sh, sw = img.stride()
    windows = img.as_strided((b, h - n, w - n, n + 1, n + 1), (sb, sh, sw, sh, sw))
    crop = windows[torch.arange(b, device=img.device)[:, None], start[..., 1], start[..., 0]]  # (B, G, n + 1, n + 1)
    crop = torch.lerp(crop[..., :-1], crop[..., 1:], frac[:, :, 0])
    return torch.lerp(crop[..., :-1, :], crop[..., 1:, :], frac[:, :, 1], out=out)


def avg_pool(img: torch.Tensor, k: int) -> torch.Tensor:
    """Average pooling of (B, C, H, W) by k (H, W multiples of k) as sums of strided slices, rows then
    columns: the numbers of `F.avg_pool2d(img, k)`, several times faster on CPU for one channel."""
    if k == 1:
        return img
    rows = img[..., 0::k, :]
    for i in range(1, k):
        rows = rows + img[..., i::k, :]
    out = rows[..., 0::k]
    for i in range(1, k):
        out = out + rows[..., i::k]
    return out.mul_(1.0 / (k * k))
