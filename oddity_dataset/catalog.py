"""The 45 riddles by id, name and family, and selection by any of them ("3,parallel_lines,metric")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from .riddle import Riddle

# family slug → title, in the order of riddles.md
FAMILIES: dict[str, str] = {
    "controls": "Controls (basic visual features)",
    "euclidean": "Euclidean geometry: lines, points, parallels, angles",
    "figures": "Geometrical figures",
    "symmetrical": "Symmetrical figures",
    "chiral": "Chiral figures",
    "metric": "Metric properties",
    "transformations": "Geometrical transformations",
    "topology": "Topology",
}


class UnknownRiddleError(ValueError):
    """A riddle id, name or family that does not exist."""


@cache
def all_riddles() -> tuple[Riddle, ...]:
    """Every implemented riddle, sorted by id."""
    from .riddles import RIDDLES

    found = sorted(RIDDLES, key=lambda r: r.id)
    ids = [r.id for r in found]
    if len(set(ids)) != len(ids):
        raise RuntimeError(f"duplicate riddle ids: {ids}")
    for r in found:
        if r.family not in FAMILIES:
            raise RuntimeError(f"riddle {r.name} has unknown family {r.family!r}")
    return tuple(found)


def get_riddle(key: int | str) -> Riddle:
    """One riddle by id (int or digit string) or name."""
    by_id = {r.id: r for r in all_riddles()}
    by_name = {r.name: r for r in all_riddles()}
    if isinstance(key, int) or (isinstance(key, str) and key.strip().isdigit()):
        rid = int(key)
        if rid in by_id:
            return by_id[rid]
        raise UnknownRiddleError(f"no riddle with id {rid} (ids are 0–{max(by_id)})")
    if key in by_name:
        return by_name[key]
    raise UnknownRiddleError(f"unknown riddle {key!r}; see `oddity-dataset list`")


def select_riddles(spec: str | Iterable[int | str] | None = None) -> list[Riddle]:
    """Riddles named by ids, names or family slugs, comma-separated or as a list; None or "all"
    selects every riddle. The result is sorted by id and free of repeats."""
    if spec is None:
        return list(all_riddles())
    tokens = [t.strip() for t in spec.split(",")] if isinstance(spec, str) else [str(t).strip() for t in spec]
    tokens = [t for t in tokens if t]
    if not tokens:
        raise UnknownRiddleError("empty riddle selection")
    chosen: dict[int, Riddle] = {}
    for token in tokens:
        if token == "all":
            chosen.update((r.id, r) for r in all_riddles())
        elif token in FAMILIES:
            chosen.update((r.id, r) for r in all_riddles() if r.family == token)
        else:
            r = get_riddle(token)
            chosen[r.id] = r
    return [chosen[k] for k in sorted(chosen)]
