"""Symmetrical figures: riddles 19 `symmetrical_vertical`, 20 `symmetrical_horizontal` and
21 `symmetrical_oblique`.

Every figure is a filled star-shaped outline r(θ) around an origin, sampled at angles that come in
mirror pairs θ ↔ −θ: vertex i and vertex (n − i) mod n are partners (0 and n/2 lie on the axis).
A normal figure has equal radii and opposite angles in each pair, so it is mirror-symmetric about
the line θ = 0, which is then turned to the riddle's axis. The odd figure is the same kind of
outline with one half perturbed (a polygon's radii pushed in and out and its angles shifted, a
blob given a bulge and a dent) and that half rescaled so the filled area, hence the ink, is
unchanged; it is kept only if it is clearly asymmetric about every axis. Figures are placed
anywhere in the panel, so the position of the ink says nothing.

`deviation` (see `asymmetry`) fits the best reflection of the outline's vertices onto themselves
(axis direction fixed for the vertical and horizontal riddles, free for the oblique one) and
reports the RMS vertex residual in figure radii.
"""

from __future__ import annotations

import math
import operator
import random
from itertools import starmap

from ..geometry import Point
from ..layout import place
from ..riddle import Panel, Riddle, Style
from ..shapes import fill

_BLOB_POINTS = 24  # vertices of a smooth figure (a multiple of 2 so both axis points exist)
_BLOB_ANGLES = [
    2 * math.pi * i / _BLOB_POINTS - (2 * math.pi if 2 * i > _BLOB_POINTS else 0.0) for i in range(_BLOB_POINTS)
]
_BLOB_COS = [[math.cos(k * t) for t in _BLOB_ANGLES] for k in range(1, 5)]  # cos kθ, k = 1…4
_BLOB_SIN = [math.sin(t) for t in _BLOB_ANGLES]
_BLOB_WEIGHTS = [1 / math.sqrt(k) for k in range(1, 5)]  # amplitude of harmonic k ∝ 1/√k


def _symmetric_profile(rng: random.Random) -> tuple[list[float], list[float]]:
    """Angles and radii of a figure symmetric about θ = 0: a polygon with 6–10 vertices or a
    smooth blob r(θ) = 1 + Σ a_k cos kθ. Partner of vertex i is vertex (n − i) mod n."""
    if rng.random() < 0.6:
        m = 2 + int(3 * rng.random())  # 2–4 vertices strictly inside one half
        step = math.pi / (m + 1)
        half = [step * (j + rng.uniform(-0.3, 0.3)) for j in range(1, m + 1)]
        half_r = [rng.uniform(0.35, 1.0) for _ in half]
        angles = [0.0, *half, math.pi, *(-a for a in reversed(half))]
        radii = [rng.uniform(0.3, 1.0), *half_r, rng.uniform(0.3, 1.0), *reversed(half_r)]
        return angles, radii
    a1, a2, a3, a4 = (rng.uniform(-0.3, 0.3) * w for w in _BLOB_WEIGHTS)
    c1, c2, c3, c4 = _BLOB_COS
    radii = [1.0 + a1 * c1[i] + a2 * c2[i] + a3 * c3[i] + a4 * c4[i] for i in range(_BLOB_POINTS)]
    return _BLOB_ANGLES, radii


def _area(angles: list[float], radii: list[float]) -> float:
    """Area of the star-shaped polygon with the given polar vertices."""
    n = len(angles)
    return 0.5 * sum(
        radii[i] * radii[(i + 1) % n] * math.sin((angles[(i + 1) % n] - angles[i]) % (2 * math.pi)) for i in range(n)
    )


def _perturb_half(rng: random.Random, angles: list[float], radii: list[float]) -> tuple[list[float], list[float]]:
    """The same figure with its θ < 0 half changed: radii pushed in and out (both ways, so the
    change is not a mere rescaling) and, for a polygon, angles shifted. `_rescale_half` then
    restores the area."""
    n = len(angles)
    h = n // 2
    lower = range(h + 1, n)  # the vertices with θ < 0
    radii = radii[:]
    if angles is _BLOB_ANGLES:  # a narrow bulge and a narrow dent at two places of the half
        t1 = rng.uniform(0.15, 0.85)
        t2 = rng.uniform(0.15, t1 - 0.3) if t1 > 0.5 else rng.uniform(t1 + 0.3, 0.85)
        up, down = rng.uniform(0.3, 0.45), rng.uniform(0.3, 0.45)
        width = 2 * rng.uniform(0.08, 0.12) ** 2
        for i in lower:
            t = -angles[i] / math.pi  # 0..1 along the half
            radii[i] *= 1.0 + up * math.exp(-((t - t1) ** 2) / width) - down * math.exp(-((t - t2) ** 2) / width)
    else:
        angles = angles[:]
        step = math.pi / h
        signs = [1 if j % 2 else -1 for j in range(len(lower))]
        if rng.random() < 0.5:
            signs = [-s for s in signs]
        rng.shuffle(signs)
        if len(set(signs)) == 1:
            signs[0] = -signs[0]
        for s, i in zip(signs, lower, strict=True):
            radii[i] *= 1.0 + s * rng.uniform(0.3, 0.5)
            angles[i] += rng.uniform(-0.15, 0.15) * step  # keeps the angles in order
    return angles, radii


def _rescale_half(angles: list[float], radii: list[float], target: float) -> list[float]:
    """Scale the radii of the θ < 0 half (vertices n/2+1 … n−1) so the polygon's area is `target`."""
    n = len(angles)
    lower = set(range(n // 2 + 1, n))
    a = b = c = 0.0
    for i in range(n):
        j = (i + 1) % n
        term = 0.5 * radii[i] * radii[j] * math.sin((angles[j] - angles[i]) % (2 * math.pi))
        k = (i in lower) + (j in lower)
        if k == 2:
            a += term
        elif k == 1:
            b += term
        else:
            c += term
    s = (-b + math.sqrt(b * b + 4 * a * (target - c))) / (2 * a)
    return [r * s if i in lower else r for i, r in enumerate(radii)]


def asymmetry(points: list[Point], axis_unit: complex | None = None, exact: float = 1e-3) -> float:
    """How far a closed outline is from mirror symmetry: the root mean square distance between its
    vertices and their images under the best-fitting reflection, in units of its radius (the root
    mean square vertex distance from the vertex centroid).

    A reflection maps the outline's vertex cycle onto itself reversed, so vertex i goes to vertex
    (j − i) mod n for some j. For each j the best reflection z ↦ u·z̄ + b (complex coordinates) is
    fitted by least squares, with u fixed by `axis_unit` (−1: a vertical axis, 1: a horizontal
    one) or free (None); the result is the smallest residual over j. The pairing j = 0 (i ↔ −i,
    how the riddles build their figures) is tried first and taken when its residual is below
    `exact`, as a symmetric figure's is.
    """
    z = list(starmap(complex, points))
    n = len(z)
    c = sum(z) / n
    ncc = n * c * c
    # sums over the vertices taken relative to the centroid c: Σ (a − c)(b − c) = Σ ab − n c²
    total = sum(map(operator.mul, z, map(complex.conjugate, z))).real - n * abs(c) ** 2
    rev = z[::-1] * 2
    best = math.inf
    for j in range(n):
        k = (n - 1 - j) % n
        s = sum(map(operator.mul, rev[k : k + n], z)) - ncc  # Σ z[(j − i) mod n] · z[i], centred
        fit = abs(s) if axis_unit is None else (axis_unit * s.conjugate()).real
        best = min(best, max(0.0, 1.0 - fit / total))  # mean square residual / (2 × radius²)
        if j == 0 and best <= exact * exact / 2:
            break
    return math.sqrt(2 * best)


def _corners(points: list[Point], least: float = 0.35) -> list[Point]:
    """The vertices at which the outline visibly turns (by at least `least` radians, 20°): what
    the eye takes for the polygon, since a vertex lying nearly on the line of its neighbours is
    not seen."""
    n = len(points)
    out = []
    for i in range(n):
        (x0, y0), (x1, y1), (x2, y2) = points[i - 1], points[i], points[(i + 1) % n]
        ax, ay, bx, by = x1 - x0, y1 - y0, x2 - x1, y2 - y1
        if abs(math.atan2(ax * by - ay * bx, ax * bx + ay * by)) >= least:
            out.append(points[i])
    return out


def _clearly_asymmetric(points: list[Point], smooth: bool, least: float) -> bool:
    """Whether a figure is at least `least` from mirror symmetry about every axis (not only the
    riddle's direction), and, for a polygon, so is the polygon of its visible corners: the figure
    as seen."""
    if asymmetry(points) < least:
        return False
    if smooth:
        return True
    seen = _corners(points)
    return len(seen) == len(points) or (len(seen) >= 3 and asymmetry(seen) >= least)


class _Symmetrical(Riddle):
    """A filled figure symmetric about an axis of the riddle's direction → one half perturbed."""

    family = "symmetrical"
    unit = "figure radii (RMS distance of the vertices from their images under the best reflection)"
    normal_max, odd_min = 0.01, 0.1
    axis_unit: complex | None  # fixed linear part of the reflection, None for the oblique riddle

    def axis_angle(self, rng: random.Random) -> float:
        """Direction of the symmetry axis in the panel, radians."""
        raise NotImplementedError

    def outline(self, rng: random.Random, odd: bool) -> tuple[list[Point], bool]:
        """A figure's vertices in local units, symmetric about the riddle's axis (or, when `odd`,
        with one half perturbed), and whether it is a smooth blob rather than a polygon."""
        angles, radii = _symmetric_profile(rng)
        stretch = rng.uniform(0.6, 1.3)  # across the axis; keeps the symmetry
        if odd:
            area = _area(angles, radii)
            angles, radii = _perturb_half(rng, angles, radii)
            radii = _rescale_half(angles, radii, area)
        # (r cos θ, stretch · r sin θ), turned so the θ = 0 axis points along the riddle's axis
        phi = self.axis_angle(rng)
        c, s = math.cos(phi), math.sin(phi)
        cs, ss = c * stretch, s * stretch
        blob = angles is _BLOB_ANGLES  # a blob keeps its angles even when perturbed
        if blob:
            cos_t, sin_t = _BLOB_COS[0], _BLOB_SIN
        else:
            cos_t, sin_t = [math.cos(t) for t in angles], [math.sin(t) for t in angles]
        return [(r * (c * x - ss * y), r * (s * x + cs * y)) for r, x, y in zip(radii, cos_t, sin_t, strict=True)], blob

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        while True:
            local, blob = self.outline(rng, odd)
            if not odd or _clearly_asymmetric(local, blob, 1.4 * self.odd_min):
                break
        pts = place(local, rng, extent=rng.uniform(0.4, 0.78), pad=0.0)(local)
        return Panel([fill(pts)], {"outline": pts})

    def deviation(self, features: dict, shared: dict) -> float:
        return asymmetry(features["outline"], self.axis_unit)


class SymmetricalVertical(_Symmetrical):
    id, name = 19, "symmetrical_vertical"
    concept = "figure symmetric about a vertical axis → similar figure whose two halves differ"
    axis_unit = -1.0 + 0j

    def axis_angle(self, rng: random.Random) -> float:
        return math.pi / 2 if rng.random() < 0.5 else -math.pi / 2


class SymmetricalHorizontal(_Symmetrical):
    id, name = 20, "symmetrical_horizontal"
    concept = "figure symmetric about a horizontal axis → similar figure whose two halves differ"
    axis_unit = 1.0 + 0j

    def axis_angle(self, rng: random.Random) -> float:
        return 0.0 if rng.random() < 0.5 else math.pi


class SymmetricalOblique(_Symmetrical):
    id, name = 21, "symmetrical_oblique"
    concept = "figure symmetric about an oblique (15–75°) axis → similar figure whose two halves differ"
    axis_unit = None

    def axis_angle(self, rng: random.Random) -> float:
        return math.radians(
            rng.uniform(15, 75) * (1 if rng.random() < 0.5 else -1) + (180 if rng.random() < 0.5 else 0)
        )


RIDDLES = [SymmetricalVertical(), SymmetricalHorizontal(), SymmetricalOblique()]
