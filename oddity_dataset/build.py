"""Generating a dataset on disk: planning chunks, running them on workers or shards, resuming, and
writing the manifest once every chunk exists.

Puzzle i of split s uses riddle `riddles[i % len(riddles)]` (riddles balanced) and its own random
stream from (seed, s, riddle, i), so a chunk's bytes depend only on the plan, never on which worker
or machine made it.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from . import GENERATOR_VERSION
from .catalog import get_riddle
from .generator import N_PANELS, check_panel_size, render_scene, sample_scene
from .seeding import SPLITS
from .storage import (
    CHUNK_CARD,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    PLAN,
    DatasetError,
    chunk_card,
    chunk_name,
    read_json,
    remove_partial_chunks,
    sha256_file,
    write_chunk,
    write_json_atomic,
)

DEFAULT_COUNTS = {"train": 72_000, "val": 18_000, "test": 18_000}
CHUNK_SIZE = 1000


@dataclass(frozen=True)
class Unit:
    """One chunk to generate: puzzles [start, start + count) of a split."""

    split: str
    chunk: int
    start: int
    count: int


def make_plan(
    counts: dict[str, int], riddle_ids: Sequence[int], seed: int, size: int, chunk_size: int = CHUNK_SIZE
) -> dict:
    """The arguments that determine every byte of a dataset (not workers or shards)."""
    for split, n in counts.items():
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}")
        if n < 0:
            raise ValueError(f"the count of {split} must be >= 0, got {n}")
    if not riddle_ids:
        raise ValueError("no riddles selected")
    if chunk_size < 1:
        raise ValueError(f"chunk size must be >= 1, got {chunk_size}")
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    check_panel_size(size)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generator_version": GENERATOR_VERSION,
        "arguments": {
            "counts": {s: int(counts.get(s, 0)) for s in SPLITS},
            "riddles": sorted(int(r) for r in riddle_ids),
            "seed": int(seed),
            "panel_size": int(size),
            "chunk_size": int(chunk_size),
        },
    }


def plan_units(plan: dict) -> list[Unit]:
    """Every chunk of the dataset, in a fixed order (train, val, test; by start index)."""
    args = plan["arguments"]
    units = []
    for split in SPLITS:
        n, size = args["counts"][split], args["chunk_size"]
        for chunk, start in enumerate(range(0, n, size)):
            units.append(Unit(split, chunk, start, min(size, n - start)))
    return units


def shard_units(units: list[Unit], shard: int, n_shards: int) -> list[Unit]:
    """The units of shard `shard` of `n_shards` (every n-th unit, so shards balance)."""
    return units[shard::n_shards]


def parse_shard(spec: str) -> tuple[int, int]:
    """'i/n' → (i, n) with 0 <= i < n."""
    try:
        i, n = (int(x) for x in spec.split("/"))
    except ValueError:
        raise ValueError(f"shard must look like i/n (e.g. 0/4), got {spec!r}") from None
    if n < 1 or not 0 <= i < n:
        raise ValueError(f"shard {spec!r}: need 0 <= i < n")
    return i, n


def generate_chunk(plan: dict, unit: Unit) -> tuple[dict[str, np.ndarray], list[dict]]:
    """The arrays and scenes of one chunk, in memory."""
    args = plan["arguments"]
    riddles = [get_riddle(r) for r in args["riddles"]]
    size, seed = args["panel_size"], args["seed"]
    images = np.empty((unit.count, N_PANELS, size, size), np.uint8)
    label = np.empty(unit.count, np.int64)
    riddle_ids = np.empty(unit.count, np.int64)
    index = np.arange(unit.start, unit.start + unit.count, dtype=np.int64)
    scenes = []
    for j, i in enumerate(index.tolist()):
        riddle = riddles[i % len(riddles)]
        scene = sample_scene(riddle, seed, unit.split, i)
        render_scene(scene, size, out=images[j])
        label[j] = scene["odd"]
        riddle_ids[j] = riddle.id
        scenes.append(scene)
    return {"images": images, "label": label, "riddle": riddle_ids, "index": index}, scenes


def _run_unit(job: tuple[str, dict, Unit]) -> Unit:
    root, plan, unit = job
    arrays, scenes = generate_chunk(plan, unit)
    write_chunk(Path(root), unit.split, unit.chunk, arrays, scenes)
    return unit


def prepare_root(root: Path, plan: dict, resume: bool, overwrite: bool) -> None:
    """Check what is at `root` against the flags; create it or clean it as asked.

    Never deletes anything that is not recognisably a dataset (has manifest.json or plan.json).
    """
    if root.exists() and not root.is_dir():
        raise DatasetError(f"{root}: exists and is a file, not a dataset directory")
    if root.is_dir() and any(root.iterdir()):
        is_dataset = (root / PLAN).exists() or (root / MANIFEST).exists()
        if not is_dataset:
            raise DatasetError(f"{root}: directory is not empty and holds no dataset; refusing to write there")
        if overwrite:
            shutil.rmtree(root)
        elif resume:
            old = read_json(root / PLAN) if (root / PLAN).exists() else read_json(root / MANIFEST)
            if {k: old.get(k) for k in plan} != plan:
                raise DatasetError(f"{root}: was generated with other arguments {old.get('arguments')}; cannot resume")
            remove_partial_chunks(root)
            return
        else:
            state = "a finished dataset" if (root / MANIFEST).exists() else "an unfinished dataset"
            raise DatasetError(f"{root}: holds {state}; use --resume to continue or --overwrite to replace it")
    root.mkdir(parents=True, exist_ok=True)
    write_json_atomic(root / PLAN, plan)


def write_manifest(root: Path, plan: dict) -> dict | None:
    """Write manifest.json if every chunk exists; returns it, or None while chunks are missing."""
    units = plan_units(plan)
    cards = [chunk_card(root, u.split, u.chunk) for u in units]
    if any(c is None for c in cards):
        return None
    splits: dict[str, dict] = {s: {"count": 0, "chunks": 0, "riddle_counts": {}} for s in SPLITS}
    files = {}
    for unit, card in zip(units, cards, strict=False):
        info = splits[unit.split]
        info["count"] += card["count"]
        info["chunks"] += 1
        for r, c in card["riddle_counts"].items():
            info["riddle_counts"][r] = info["riddle_counts"].get(r, 0) + c
        for name, digest in card["files"].items():
            files[f"{unit.split}/{chunk_name(unit.chunk)}/{name}"] = digest
    for unit in units:
        rel = f"{unit.split}/{chunk_name(unit.chunk)}/{CHUNK_CARD}"
        files[rel] = sha256_file(root / rel)
    riddles = [get_riddle(r) for r in plan["arguments"]["riddles"]]
    manifest = {
        **plan,
        "panel_size": plan["arguments"]["panel_size"],
        "panels": N_PANELS,
        "image_format": "uint8 grayscale, dark shapes on a light background",
        "riddles": [{"id": r.id, "name": r.name, "family": r.family} for r in riddles],
        "splits": splits,
        "files": files,
    }
    write_json_atomic(root / MANIFEST, manifest)
    return manifest


@dataclass
class BuildResult:
    generated: int  # puzzles generated in this run
    skipped: int  # puzzles of chunks that already existed
    manifest: dict | None  # None while other shards are missing


def build_dataset(
    root: str | os.PathLike,
    plan: dict,
    workers: int = 1,
    shard: tuple[int, int] = (0, 1),
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = False,
) -> BuildResult:
    """Generate the chunks of `shard` that do not exist yet, then the manifest if all exist.

    Finished chunks are always kept, so after an interruption (or a full disk) the same call with
    `resume=True` continues where it stopped."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    root = Path(root)
    prepare_root(root, plan, resume=resume or shard != (0, 1), overwrite=overwrite)
    mine = shard_units(plan_units(plan), *shard)
    todo = [u for u in mine if chunk_card(root, u.split, u.chunk) is None]
    skipped = sum(u.count for u in mine) - sum(u.count for u in todo)
    jobs = [(str(root), plan, u) for u in todo]
    with tqdm(total=sum(u.count for u in todo), unit="puzzle", disable=not progress, desc=f"generate {root}") as bar:
        if workers == 1 or len(jobs) <= 1:
            for job in jobs:
                bar.update(_run_unit(job).count)
        else:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for unit in pool.imap_unordered(_run_unit, jobs):
                    bar.update(unit.count)
    return BuildResult(generated=sum(u.count for u in todo), skipped=skipped, manifest=write_manifest(root, plan))
