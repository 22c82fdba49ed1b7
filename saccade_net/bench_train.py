"""`saccade-net bench-train`: training throughput (puzzles/s) of a model on synthetic puzzles, in one
process with 1 and 2 threads and data-parallel over 2 processes (gloo on CPU) with the same global
batch; printed as a table and written as JSON so runs and machines can be compared.

Timing covers whole optimizer steps (batch transfer, augmentation, forward, backward, gradient
all-reduce, update) after warm-up steps; random uint8 panels cost the same to train on as real ones.
"""

from __future__ import annotations

import os
import platform
import socket
import tempfile
import time
from pathlib import Path

import torch

from .data import Puzzles
from .distributed import World, barrier, cleanup, init_from_env
from .models import build_model
from .rng import seed_all
from .train import TrainConfig, Trainer


def synthetic_puzzles(n: int, size: int, seed: int = 0) -> Puzzles:
    """n random puzzles (uint8 panels, random odd slots) of size×size panels."""
    g = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (n, 6, size, size), generator=g, dtype=torch.uint8)
    return Puzzles(images, torch.randint(0, 6, (n,), generator=g), torch.zeros(n, dtype=torch.int64))


def time_steps(spec: dict, threads: int, world: World, device: str = "cpu") -> float:
    """Global puzzles per second of `spec["steps"]` training steps of batch `spec["batch_size"]`."""
    torch.set_num_threads(threads)
    seed_all(0)
    batch, steps, warmup = spec["batch_size"], spec["steps"], spec["warmup"]
    data = synthetic_puzzles(batch * (steps + warmup), spec["panel_size"])
    model = build_model(spec["model"], dict(spec["model_config"]), spec["panel_size"], 0)
    cfg = TrainConfig(epochs=1, batch_size=batch, progress=False, device=device)
    with tempfile.TemporaryDirectory() as tmp:
        trainer = Trainer(model, data, synthetic_puzzles(world.size, spec["panel_size"]), Path(tmp), cfg, world=world)
        order = torch.arange(len(data))
        for i in range(warmup):
            trainer.train_step(order[i * batch : (i + 1) * batch])
        barrier(world)
        start = time.perf_counter()
        for i in range(warmup, warmup + steps):
            trainer.train_step(order[i * batch : (i + 1) * batch])
        barrier(world)
        return batch * steps / (time.perf_counter() - start)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now (for a process group's rendezvous)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(rank: int, size: int, port: int, spec: dict, threads: int, results) -> None:
    os.environ.update(
        {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank), "WORLD_SIZE": str(size)}
    )
    os.environ["LOCAL_RANK"] = str(rank)
    world, device = init_from_env("cpu")
    finished = False
    try:
        rate = time_steps(spec, threads, world, device)
        if world.is_main:
            results.put(rate)
        finished = True
    finally:
        cleanup(finished)


def time_data_parallel(spec: dict, processes: int, threads: int = 1) -> float:
    """Puzzles per second of `processes` gloo processes (each with `threads` threads) on one machine."""
    import torch.multiprocessing as mp

    ctx = mp.get_context("spawn")
    results = ctx.SimpleQueue()
    port = free_port()
    procs = [ctx.Process(target=_worker, args=(r, processes, port, spec, threads, results)) for r in range(processes)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    if any(p.exitcode for p in procs) or results.empty():
        raise RuntimeError(f"a benchmark process failed (exit codes {[p.exitcode for p in procs]})")
    return results.get()


def run_benchmark(spec: dict, configs: list[tuple[int, int]], device: str = "cpu") -> dict:
    """Throughput for each (processes, threads per process) in `configs`."""
    rows = []
    for processes, threads in configs:
        if processes == 1:
            rate = time_steps(spec, threads, World(), device)
        else:
            rate = time_data_parallel(spec, processes, threads)
        rows.append({"processes": processes, "threads_per_process": threads, "puzzles_per_second": rate})
    base = rows[0]["puzzles_per_second"]
    for row in rows:
        row["speedup"] = row["puzzles_per_second"] / base
    return {
        "benchmark": "saccade-net train throughput",
        **spec,
        "device": device,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "torch": torch.__version__,
            "platform": platform.platform(),
        },
        "date": time.strftime("%Y-%m-%d"),
        "results": rows,
    }


def format_table(result: dict) -> str:
    lines = [f"{'processes':>9} {'threads':>7} {'puzzles/s':>10} {'speedup':>7}"]
    for r in result["results"]:
        lines.append(
            f"{r['processes']:9d} {r['threads_per_process']:7d} {r['puzzles_per_second']:10.1f} {r['speedup']:7.2f}"
        )
    return "\n".join(lines)
