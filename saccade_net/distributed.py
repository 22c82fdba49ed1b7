"""Data-parallel training over processes: the plumbing around torch.distributed.

`torchrun --nproc_per_node N -m saccade_net train ...` starts N processes with RANK, WORLD_SIZE,
LOCAL_RANK (and MASTER_ADDR/PORT) in their environment; `init_from_env` joins them into one process
group (gloo on CPU, nccl on CUDA). Without those variables everything here is a no-op for a single
process, so the same code runs with and without torchrun.

Each global batch is cut into contiguous per-rank slices (`rank_slice`); the loss of a slice is
weighted by its share of the global batch (`loss_weight`) so that DDP's gradient average is exactly
the gradient of the global-batch mean.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn


@dataclass(frozen=True)
class World:
    """This process's place among the training processes."""

    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @property
    def distributed(self) -> bool:
        return self.size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


SINGLE = World()


def env_world() -> World:
    """The world torchrun describes in the environment (a single process without it)."""
    size = int(os.environ.get("WORLD_SIZE", "1"))
    return World(int(os.environ.get("RANK", "0")), size, int(os.environ.get("LOCAL_RANK", "0")))


def init_from_env(device: str) -> tuple[World, str]:
    """Join the process group torchrun set up; returns the world and this rank's device (cuda:LOCAL_RANK
    for CUDA). A single process is returned unchanged, with no process group."""
    world = env_world()
    if not world.distributed:
        return world, device
    if device.startswith("cuda"):
        torch.cuda.set_device(world.local_rank)
        device = f"cuda:{world.local_rank}"
    if not dist.is_initialized():
        dist.init_process_group("nccl" if device.startswith("cuda") else "gloo")
    return world, device


def cleanup(finished: bool = False) -> None:
    """Leave the process group (if any). After a normal end (`finished`) every rank first waits for the
    others, so that none tears down its connections while rank 0 is still writing (in CI a gloo rank
    once aborted on exit while its peer was still at work; waiting closes that window); after an error
    it leaves at once, since the other ranks may never arrive."""
    if dist.is_initialized():
        if finished:
            dist.barrier()
        dist.destroy_process_group()


def barrier(world: World) -> None:
    """Wait until every rank gets here (no-op for one process)."""
    if world.distributed:
        dist.barrier()


def rank_slice(n: int, world: World) -> slice:
    """This rank's contiguous part of a global batch of n (sizes differ by at most one, larger first)."""
    base, extra = divmod(n, world.size)
    start = world.rank * base + min(world.rank, extra)
    return slice(start, start + base + (world.rank < extra))


def loss_weight(n_local: int, n_global: int, world: World) -> float:
    """Factor on the mean loss of a slice so that DDP's gradient average (a mean over ranks) equals the
    gradient of the mean over the global batch: world.size * n_local / n_global (1 for equal slices)."""
    return world.size * n_local / n_global


def all_max(values: list[float], world: World, device: str | torch.device = "cpu") -> list[float]:
    """Element-wise maximum over ranks (how ranks agree on a stop or a clock); unchanged for one process."""
    if not world.distributed:
        return values
    t = torch.tensor(values, dtype=torch.float64, device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return t.tolist()


def all_sum(value: float, world: World, device: str | torch.device = "cpu") -> float:
    """Sum over ranks; unchanged for one process."""
    if not world.distributed:
        return value
    t = torch.tensor([value], dtype=torch.float64, device=device)
    dist.all_reduce(t)
    return float(t.item())


def wrap_model(model: nn.Module, world: World, device: str | torch.device) -> nn.Module:
    """DistributedDataParallel around `model` (already on `device`), or the model itself for one process.

    On CUDA, batch norm becomes SyncBatchNorm (statistics over the global batch). SyncBatchNorm has no
    CPU kernels, so under gloo each rank normalises with its own slice's statistics: a model with batch
    norm then trains close to, not exactly like, one process (models without it match to float rounding).
    Running statistics are rank 0's (DDP broadcasts buffers), which is what rank 0 saves."""
    if not world.distributed:
        return model
    device = torch.device(device)
    if device.type == "cuda":
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
        return nn.parallel.DistributedDataParallel(model, device_ids=[device.index])
    return nn.parallel.DistributedDataParallel(model)
