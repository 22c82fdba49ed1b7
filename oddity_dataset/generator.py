"""One puzzle from (riddle, seed, split, index): sample, verify, render."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .render import render_panels
from .riddle import Riddle, Style
from .seeding import puzzle_rng
from .shapes import _Q

N_PANELS = 6
MAX_ATTEMPTS = 50
MIN_PANEL_SIZE = 32  # below this the thinnest strokes and dots vanish; see `check_panel_size`


class GenerationError(RuntimeError):
    """A riddle failed to produce a verified puzzle within MAX_ATTEMPTS samples."""


@dataclass
class Puzzle:
    """Six rendered panels, the odd slot and the scene they were drawn from.

    `scene` is JSON-serialisable: {"riddle", "odd", "style", "paper", "shared", "panels": [{"shapes",
    "features"}, ...]}.
    """

    panels: np.ndarray  # (6, H, W) uint8
    odd: int
    riddle_id: int
    scene: dict


def rounded(value):
    """A JSON-ready copy: floats at the stored precision (see shapes.quantize), tuples as lists.

    On the hot path of generation (every feature of every panel), hence exact type tests and
    the inlined vertex-list case."""
    kind = type(value)
    if kind is float:
        return round(value * _Q) / _Q
    if kind is dict:
        return {k: rounded(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        if value:
            first = value[0]
            if type(first) in (list, tuple) and len(first) == 2 and type(first[0]) is float:
                try:  # the common case, a vertex list
                    return [[round(x * _Q) / _Q, round(y * _Q) / _Q] for x, y in value]
                except (TypeError, ValueError):  # not uniformly (x, y) pairs after all
                    pass
        return [rounded(v) for v in value]
    return value


def check_panel_size(size: int) -> None:
    """Raise ValueError for a panel size the riddles cannot be drawn at."""
    if size < MIN_PANEL_SIZE:
        raise ValueError(f"panel size {size} is too small to draw the riddles (minimum {MIN_PANEL_SIZE})")


def sample_scene(riddle: Riddle, seed: int, split: str, index: int) -> dict:
    """The verified scene of one puzzle (no rendering)."""
    rng = puzzle_rng(seed, split, riddle.id, index)
    odd = rng.randrange(N_PANELS)
    style = Style.sample(rng)
    paper = [rng.randint(235, 255) for _ in range(N_PANELS)]
    for _ in range(MAX_ATTEMPTS):
        shared = riddle.shared(rng, style)
        panels = [riddle.panel(rng, k == odd, shared, style) for k in range(N_PANELS)]
        # check exactly what will be stored: rounded, with tuples as lists
        shared = rounded(shared)
        for p in panels:
            p.features = rounded(p.features)
        if all(
            riddle.is_clearly_odd(p.features, shared) if k == odd else riddle.is_normal(p.features, shared)
            for k, p in enumerate(panels)
        ):
            return {
                "riddle": riddle.id,
                "odd": odd,
                "style": {"ink": style.ink, "stroke": style.stroke, "dot": style.dot},
                "paper": paper,
                "shared": shared,
                "panels": [{"shapes": p.shapes, "features": p.features} for p in panels],
            }
    raise GenerationError(
        f"riddle {riddle.name} produced no valid puzzle in {MAX_ATTEMPTS} attempts (seed {seed}, {split} #{index})"
    )


def render_scene(scene: dict, size: int = 100, out: np.ndarray | None = None) -> np.ndarray:
    """The (6, size, size) uint8 panels of a scene (written into `out` when given)."""
    return render_panels([p["shapes"] for p in scene["panels"]], scene["paper"], scene["style"]["ink"], size, out=out)


def generate_puzzle(riddle: Riddle, seed: int = 0, split: str = "train", index: int = 0, size: int = 100) -> Puzzle:
    """Puzzle `index` of `split` under `seed` for one riddle; identical whenever it is regenerated."""
    check_panel_size(size)
    scene = sample_scene(riddle, seed, split, index)
    return Puzzle(panels=render_scene(scene, size), odd=scene["odd"], riddle_id=riddle.id, scene=scene)


def verify_scene(riddle: Riddle, scene: dict) -> list[str]:
    """Problems with a stored scene: predicate failures of normal or odd panels (empty if valid)."""
    problems = []
    shared = scene["shared"]
    for k, p in enumerate(scene["panels"]):
        d = riddle.deviation(p["features"], shared)
        if k == scene["odd"] and d < riddle.odd_min:
            problems.append(f"odd panel {k}: deviation {d:.4g} {riddle.unit} < {riddle.odd_min}")
        elif k != scene["odd"] and d > riddle.normal_max:
            problems.append(f"normal panel {k}: deviation {d:.4g} {riddle.unit} > {riddle.normal_max}")
    return problems
