"""What a riddle is: a scene sampler for normal and odd panels, plus the predicate that checks it.

A riddle draws puzzle-wide parameters once (`shared`, e.g. the distance all normal panels share),
then one `Panel` per slot. Its `deviation` measures, from a panel's stored `features` alone, how far
the panel is from the concept, in the riddle's stated `unit`. A puzzle is valid when every normal
panel has deviation <= `normal_max` and the odd one has deviation >= `odd_min`; the generator
resamples otherwise, and `oddity-dataset verify` re-checks the same from the stored scenes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Style:
    """Nuisance parameters shared by the six panels of one puzzle (backgrounds are per panel)."""

    ink: int  # shape grey, 0–60
    stroke: float  # stroke width, panel units
    dot: float  # radius of marker dots, panel units

    @staticmethod
    def sample(rng: random.Random) -> Style:
        return Style(ink=rng.randint(0, 60), stroke=rng.uniform(0.018, 0.032), dot=rng.uniform(0.028, 0.04))


@dataclass
class Panel:
    """One panel's scene: primitives to draw and the named geometry the predicate reads."""

    shapes: list[dict]
    features: dict = field(default_factory=dict)


class Riddle:
    """Base class of the 45 riddles. Subclasses set the class attributes and implement `panel`
    and `deviation` (and `shared` when the five normal panels share a sampled value)."""

    id: int
    name: str
    family: str
    concept: str  # "normal → odd", one line
    unit: str  # unit of `deviation`
    normal_max: float  # normal panels: deviation <= normal_max
    odd_min: float  # odd panel: deviation >= odd_min

    def shared(self, rng: random.Random, style: Style) -> dict:
        """Puzzle-wide parameters, JSON-serialisable. Default: none."""
        return {}

    def panel(self, rng: random.Random, odd: bool, shared: dict, style: Style) -> Panel:
        """Sample one panel that satisfies (odd=False) or violates (odd=True) the concept."""
        raise NotImplementedError

    def deviation(self, features: dict, shared: dict) -> float:
        """Distance of a panel from the concept, computed from its stored features."""
        raise NotImplementedError

    def is_normal(self, features: dict, shared: dict) -> bool:
        return self.deviation(features, shared) <= self.normal_max

    def is_clearly_odd(self, features: dict, shared: dict) -> bool:
        return self.deviation(features, shared) >= self.odd_min

    def __repr__(self) -> str:
        return f"<riddle {self.id} {self.name}>"
