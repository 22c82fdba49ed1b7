"""`oddity-dataset verify`: checksums, shapes, and every puzzle's predicates re-checked from its
stored scene (optionally re-rendering puzzles to compare with the stored images)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from .catalog import get_riddle
from .generator import render_scene, verify_scene
from .storage import MANIFEST, PLAN, Dataset, DatasetError, sha256_file


def check_files(ds: Dataset) -> list[str]:
    """Missing files, checksum mismatches and files the manifest does not know."""
    problems = []
    listed = ds.files()
    for rel, digest in listed.items():
        path = ds.root / rel
        if not path.exists():
            problems.append(f"{path}: missing")
        elif sha256_file(path) != digest:
            problems.append(f"{path}: checksum mismatch (corrupt or modified)")
    for path in sorted(p for p in ds.root.rglob("*") if p.is_file()):
        rel = path.relative_to(ds.root).as_posix()
        if rel not in listed and rel not in (MANIFEST, PLAN):
            problems.append(f"{path}: foreign file, not in the manifest")
    return problems


def check_split(
    ds: Dataset, split: str, render_per_chunk: int = 0, on_chunk: Callable[[], None] | None = None
) -> list[str]:
    """Shapes, labels, riddle order and predicates of one split."""
    problems: list[str] = []
    sp = ds.split(split)
    riddles = ds.riddle_ids
    scenes = sp.scenes()
    position = 0
    for chunk, arrays in zip(sp.chunks, sp.iter_chunks(), strict=False):
        where = sp.chunk_dir(chunk)
        n = len(arrays["label"])
        index = np.asarray(arrays["index"])
        if not np.array_equal(index, np.arange(position, position + n)):
            problems.append(f"{where}/index.npy: puzzle indices are not {position}..{position + n - 1}")
        if arrays["images"].dtype != np.uint8:
            problems.append(f"{where}/images.npy: dtype {arrays['images'].dtype}, expected uint8")
        expected_riddles = np.array([riddles[i % len(riddles)] for i in index])
        if not np.array_equal(np.asarray(arrays["riddle"]), expected_riddles):
            problems.append(f"{where}/riddle.npy: riddle ids do not follow the plan")
        for j in range(n):
            try:
                scene = next(scenes)
            except StopIteration:
                problems.append(f"{where}/scenes.jsonl: fewer scenes than puzzles")
                break
            label, riddle_id = int(arrays["label"][j]), int(arrays["riddle"][j])
            if scene["odd"] != label or scene["riddle"] != riddle_id:
                problems.append(f"{where}: puzzle {index[j]} label/riddle disagree with its scene")
                continue
            for msg in verify_scene(get_riddle(riddle_id), scene):
                problems.append(f"{where}: puzzle {index[j]} ({get_riddle(riddle_id).name}): {msg}")
            if j < render_per_chunk and not np.array_equal(render_scene(scene, ds.panel_size), arrays["images"][j]):
                problems.append(f"{where}: puzzle {index[j]} image differs from its re-rendered scene")
        position += n
        if on_chunk:
            on_chunk()
    if position != len(sp):
        problems.append(f"{ds.root / split}: {position} puzzles, manifest says {len(sp)}")
    return problems


def verify_dataset(
    root: str | Path, render_per_chunk: int = 0, on_chunk: Callable[[], None] | None = None
) -> list[str]:
    """Every problem found in a dataset, one line each naming the file (empty when valid)."""
    ds = Dataset(root)
    problems = check_files(ds)
    if problems:  # don't parse files that failed their checksums
        return problems
    for split in ds.counts:
        try:
            problems += check_split(ds, split, render_per_chunk, on_chunk)
        except DatasetError as exc:
            problems.append(str(exc))
    return problems
