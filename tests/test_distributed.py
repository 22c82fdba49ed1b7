"""Data-parallel training: two gloo processes under torchrun end with the weights of one process on the
same global batches (unequal last batch included), and rank 0 alone writes the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from training_support import make_dataset

from saccade_net import checkpoint
from saccade_net.bench_train import free_port
from saccade_net.distributed import World, cleanup, init_from_env, loss_weight, rank_slice

# a small saccadic network without batch norm (SyncBatchNorm has no CPU kernels, see distributed.py)
MODEL_ARGS = [
    "glimpse_size=16", "channels=[4,8]", "embed_dim=16", "hidden=[24]", "batch_norm=false",
]  # fmt: skip


def train_command(data: Path, out: Path) -> list[str]:
    args = ["train", "--model", "saccadic", "--data", str(data), "--out", str(out), "--epochs", "1"]
    args += ["--batch-size", "8", "--val-every", "8", "--threads", "1", "--no-progress", "--lr", "0.01"]
    for item in MODEL_ARGS:
        args += ["--model-arg", item]
    return args


def run(command: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(key, None)
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=240)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """The same training (21 puzzles in batches 8, 8, 5) in one process and in two under torchrun."""
    root = tmp_path_factory.mktemp("ddp")
    data = make_dataset(root / "data", train=21, val=8, test=0, size=32)
    one = run([sys.executable, "-m", "saccade_net", *train_command(data, root / "one")])
    assert one.returncode == 0, one.stderr
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    two = run([*torchrun, "-m", "saccade_net", *train_command(data, root / "two")])
    assert two.returncode == 0, two.stderr
    assert "2 processes (data-parallel)" in two.stdout and two.stdout.count("training throughput") == 1
    return root / "one", root / "two"


def test_two_processes_match_one(runs):
    one, two = (checkpoint.load_torch(r / checkpoint.STATE_FILE)["model"] for r in runs)
    assert one.keys() == two.keys()
    # the readout bias shifts all six scores alike, to which the cross-entropy is blind: its gradient is
    # rounding noise (~1e-9) that Adam scales up to steps of lr, so it cannot match; every other tensor must
    for key in one.keys() - {"readout.b"}:
        assert torch.allclose(one[key].float(), two[key].float(), rtol=1e-5, atol=1e-6), key


def test_rank_zero_writes_one_metrics_line_per_validation(runs):
    rows = [[json.loads(line) for line in (r / "metrics.jsonl").read_text().splitlines()] for r in runs]
    assert [r["puzzles_seen"] for r in rows[1]] == [8, 16, 21] == [r["puzzles_seen"] for r in rows[0]]
    for a, b in zip(*rows, strict=True):
        assert a["val_accuracy"] == pytest.approx(b["val_accuracy"])
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-4)
    summary = json.loads((runs[1] / "summary.json").read_text())
    assert summary["processes"] == 2 and summary["puzzles_seen"] == 21 and summary["steps"] == 3
    assert not list(runs[1].glob(".*tmp*"))


def test_rank_slices_cover_the_batch_and_weights_give_its_mean():
    for n in (5, 8, 9):
        worlds = [World(r, 3) for r in range(3)]
        parts = [rank_slice(n, w) for w in worlds]
        assert [i for p in parts for i in range(n)[p]] == list(range(n))
        sizes = [p.stop - p.start for p in parts]
        assert max(sizes) - min(sizes) <= 1
        # DDP averages over ranks: mean_r(weight_r * mean over slice r) == mean over the batch
        losses = torch.arange(n, dtype=torch.float64) ** 2
        ddp = sum(loss_weight(s, n, w) * losses[p].mean() for s, p, w in zip(sizes, parts, worlds, strict=True)) / 3
        assert ddp.item() == pytest.approx(losses.mean().item())


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
@pytest.mark.parametrize("command", ["train", "eval", "show", "bench-train"])
def test_cuda_without_cuda_is_one_line_exit_2(tmp_path, command):
    args = {
        "train": ["train", "--model", "saccadic", "--data", str(tmp_path), "--out", str(tmp_path / "run")],
        "eval": ["eval", "--model", "pixel-stats", "--data", str(tmp_path)],
        "show": ["show", str(tmp_path), "--data", str(tmp_path)],
        "bench-train": ["bench-train", "--steps", "1"],
    }[command]
    result = run([sys.executable, "-m", "saccade_net", *args, "--device", "cuda"])
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no CUDA device" in lines[0], result.stderr
    assert not (tmp_path / "run").exists()


def test_bench_train_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    args = ["bench-train", "--size", "32", "--batch-size", "4", "--steps", "1", "--warmup", "0", "--configs", "1x1,2x1"]
    args += [x for item in MODEL_ARGS for x in ("--model-arg", item)] + ["--out", str(out)]
    result = run([sys.executable, "-m", "saccade_net", *args])
    assert result.returncode == 0, result.stderr
    rows = json.loads(out.read_text())["results"]
    assert [(r["processes"], r["threads_per_process"]) for r in rows] == [(1, 1), (2, 1)]
    assert all(r["puzzles_per_second"] > 0 for r in rows) and rows[0]["speedup"] == 1.0
    assert "puzzles/s" in result.stdout


def test_two_processes_resume_as_one_run(runs, tmp_path):
    """Stopped by its time budget after the first step, then resumed under torchrun again: the same
    weights and metrics as the uninterrupted two-process run."""
    data = Path(json.loads((runs[1] / "config.json").read_text())["data"]["path"])
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    command = [*torchrun, "-m", "saccade_net", *train_command(data, tmp_path / "run")]
    first = run([*command, "--budget-minutes", "0.00001"])
    assert first.returncode == 0, first.stderr
    stopped = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert stopped["stop_reason"] == "budget" and stopped["steps"] < 3
    second = run([*torchrun, "-m", "saccade_net", "train", "--out", str(tmp_path / "run"), "--data", str(data),
                  "--resume", "--budget-minutes", "0"])  # fmt: skip
    assert second.returncode == 0, second.stderr
    resumed = checkpoint.load_torch(tmp_path / "run" / checkpoint.STATE_FILE)["model"]
    whole = checkpoint.load_torch(runs[1] / checkpoint.STATE_FILE)["model"]
    for key in whole.keys() - {"readout.b"}:  # see test_two_processes_match_one for the readout bias
        assert torch.allclose(resumed[key].float(), whole[key].float(), rtol=1e-5, atol=1e-6), key
    rows = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert [r["puzzles_seen"] for r in rows] == [8, 16, 21]


def _leave(rank: int, port: int, seconds) -> None:
    """A rank of a two-process gloo group: rank 0 is busy for 1 s (as rank 0 writing the run), then both
    leave; rank 1 reports how long leaving took it."""
    env = {"MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "RANK": str(rank), "WORLD_SIZE": "2"}
    os.environ.update({**env, "LOCAL_RANK": str(rank)})
    init_from_env("cpu")
    if rank == 0:
        time.sleep(1.0)
    start = time.perf_counter()
    cleanup(finished=True)
    if rank == 1:
        seconds.put(time.perf_counter() - start)


def test_after_a_normal_end_ranks_leave_together():
    """After a normal end no rank tears down its connections while another is still busy (a gloo rank
    that left early once aborted on exit in CI): rank 1 waits for rank 0's last second of work."""
    import torch.multiprocessing as mp

    ctx = mp.get_context("spawn")
    seconds, port = ctx.SimpleQueue(), free_port()
    procs = [ctx.Process(target=_leave, args=(rank, port, seconds)) for rank in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert seconds.get() > 0.8
