"""The riddle implementations, one module per family of riddles.md."""

from __future__ import annotations

import importlib

from ..riddle import Riddle

FAMILY_MODULES = ("controls", "euclidean", "figures", "symmetrical", "chiral", "metric", "transformations", "topology")


def _collect() -> list[Riddle]:
    found: list[Riddle] = []
    for name in FAMILY_MODULES:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:  # a family not written yet
            if exc.name != f"{__name__}.{name}":
                raise
            continue
        found.extend(module.RIDDLES)
    return found


RIDDLES: list[Riddle] = _collect()
