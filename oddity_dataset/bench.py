"""`oddity-dataset bench`: puzzles per second for render + verify + write, on 1 and 2 workers,
with a per-stage breakdown; printed and written as JSON so runs can be compared."""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import PIL

from . import GENERATOR_VERSION
from .build import build_dataset, generate_chunk, make_plan, plan_units
from .catalog import get_riddle
from .generator import render_scene, sample_scene
from .storage import write_chunk


def stage_breakdown(plan: dict, n: int) -> dict[str, float]:
    """Microseconds per puzzle spent sampling+verifying scenes, rendering, and writing (one core)."""
    args = plan["arguments"]
    riddles = [get_riddle(r) for r in args["riddles"]]
    t0 = time.perf_counter()
    scenes = [sample_scene(riddles[i % len(riddles)], args["seed"], "train", i) for i in range(n)]
    t1 = time.perf_counter()
    for scene in scenes:
        render_scene(scene, args["panel_size"])
    t2 = time.perf_counter()
    arrays, scenes = generate_chunk(plan, plan_units(plan)[0])
    with tempfile.TemporaryDirectory() as tmp:
        t3 = time.perf_counter()
        write_chunk(Path(tmp), "train", 0, arrays, scenes)
        t4 = time.perf_counter()
    return {
        "sample_and_verify_us": (t1 - t0) / n * 1e6,
        "render_us": (t2 - t1) / n * 1e6,
        "write_us": (t4 - t3) / len(scenes) * 1e6,
    }


def run_benchmark(
    n: int = 4000, workers: tuple[int, ...] = (1, 2), riddle_ids: list[int] | None = None, size: int = 100
) -> dict:
    """Time full generation (render + verify + write) of `n` puzzles per worker count."""
    from .catalog import all_riddles

    ids = riddle_ids or [r.id for r in all_riddles()]
    plan = make_plan({"train": n}, ids, seed=0, size=size, chunk_size=max(1, n // 8))
    result: dict = {
        "benchmark": "oddity-dataset generate",
        "generator_version": GENERATOR_VERSION,
        "puzzles": n,
        "riddles": len(ids),
        "panel_size": size,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "pillow": PIL.__version__,
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
        "puzzles_per_second": {},
    }
    with tempfile.TemporaryDirectory() as tmp:  # warm-up: imports, per-riddle caches, allocator
        build_dataset(Path(tmp) / "d", make_plan({"train": n // 2}, ids, seed=1, size=size, chunk_size=max(1, n // 8)))
    for w in workers:
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            build_dataset(Path(tmp) / "d", plan, workers=w)
            result["puzzles_per_second"][str(w)] = n / (time.perf_counter() - t)
    one = result["puzzles_per_second"].get("1")
    if one and len(workers) > 1:
        result["speedup"] = {str(w): result["puzzles_per_second"][str(w)] / one for w in workers}
    small = make_plan({"train": min(n, 1000)}, ids, seed=0, size=size, chunk_size=min(n, 1000))
    result["stages_us_per_puzzle"] = stage_breakdown(small, min(n, 1000))
    return result
