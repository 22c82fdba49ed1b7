"""The riddle implementations, one module per family of riddles.md."""

from __future__ import annotations

import importlib

from ..riddle import Riddle

FAMILY_MODULES = ("controls", "euclidean", "figures", "symmetrical", "chiral", "metric", "transformations", "topology")


def _collect() -> list[Riddle]:
    found: list[Riddle] = []
    for name in FAMILY_MODULES:
        found.extend(importlib.import_module(f"{__name__}.{name}").RIDDLES)
    return found


RIDDLES: list[Riddle] = _collect()
